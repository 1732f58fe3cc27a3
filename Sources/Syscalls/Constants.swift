/// A table of bit flags in strace's print order (a name whose bits are all set in the value is printed and
/// its bits cleared; zero-valued names such as O_RDONLY belong in `ValueTable`s of the masked field).
public struct FlagTable: Sendable {
    public let entries: [(value: UInt64, name: String)]
    public init(_ entries: [(UInt64, String)]) { self.entries = entries.map { (value: $0.0, name: $0.1) } }

    /// The flags of `value`; `prefix` names come first (e.g. `O_RDONLY` from the access-mode field).
    public func decode(_ value: UInt64, prefix: [String] = [], masked: UInt64 = 0) -> SyscallValue {
        var rest = value & ~masked
        var names = prefix
        for e in entries where e.value != 0 && rest & e.value == e.value {
            names.append(e.name)
            rest &= ~e.value
        }
        return .flags(value: value, names: names, rest: rest)
    }
}

/// A table of exclusive values (`SEEK_SET`, `AT_FDCWD`, socket families).
public struct ValueTable: Sendable {
    public let names: [Int64: String]
    public init(_ entries: [(Int64, String)]) {
        var d: [Int64: String] = [:]
        for (v, n) in entries where d[v] == nil { d[v] = n }
        names = d
    }

    /// The named value, or the number (decimal, or hex when `hex`) with strace's `/* XXX_??? */` style left
    /// to the caller.
    public func decode(_ value: Int64, hex: Bool = false) -> SyscallValue {
        .constant(value: value, name: names[value], hexFallback: hex)
    }
}
