/// Placeholder selection (names only) until the full `-e trace=` language lands.
public struct SelectionError: Error, CustomStringConvertible {
    public let description: String
}

public struct SyscallSelection: Sendable {
    var names: Set<String>? = nil
    var negate = false
    public init() {}
    public mutating func add(_ expression: String) throws(SelectionError) {
        var e = Substring(expression)
        if e.hasPrefix("!") { negate = true; e = e.dropFirst() }
        var set = names ?? []
        for n in e.split(separator: ",") {
            if n == "all" { names = nil; return }
            if n == "none" { continue }
            guard SyscallTable.of(.x86_64).number(of: String(n)) != nil else { throw SelectionError(description: "invalid system call '\(n)'") }
            set.insert(String(n))
        }
        names = set
    }
    public func contains(abi: SyscallABI, number: Int) -> Bool {
        guard let names else { return true }
        let n = SyscallTable.of(abi).entry(number)?.name ?? ""
        return names.contains(n) != negate
    }
}
