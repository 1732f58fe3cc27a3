import Glibc

/// A bad `-e trace=` expression, worded as strace 6.1 words it (the CLI prefixes `sonde strace: `).
public struct SelectionError: Error, CustomStringConvertible, Equatable, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// The syscalls `-e trace=` / `--trace=` selects, with strace 6.1's semantics:
///
/// - comma-separated tokens; empty tokens are skipped, but an expression without any token is an error;
/// - leading `!`s invert the whole expression; `all` and `none` as the whole expression (after the `!`s);
/// - a token: leading `?`s (no error when nothing matches), then an optional `@64` / `@32` / `@x32`
///   personality suffix, then a syscall number, `/regex` (POSIX ERE, matched anywhere in the name), a
///   class (`%file`, `%desc`, `%net`, `%network`, `%process`, `%signal`, `%ipc`, `%memory`, `%creds`,
///   `%clock`, `%pure`, `%stat`, `%lstat`, `%fstat`, `%%stat`, `%statfs`, `%fstatfs`, `%%statfs`, and the
///   legacy `all`, `desc`, `file`, `memory`, `process`, `signal`, `ipc`, `network`; case-sensitive), or a
///   syscall name;
/// - like strace 6.1, a later `-e trace=` replaces the earlier one (checked: `-e trace=getpid
///   -e trace=getppid` shows only getppid), so `add` starts from an empty set each time.
///
/// Personalities: the tables of `personalities` are searched (on an x86_64 host x86_64 and i386, which
/// strace calls 64 and 32). strace's x32 personality, and arm's 32 on an aarch64 host, have no table here:
/// a token restricted to them is accepted and selects nothing.
public struct SyscallSelection: Sendable {
    /// The ABIs whose tables tokens are looked up in.
    public let personalities: [SyscallABI]
    /// Bit sets by `SyscallABI` index, each sized to its table.
    private var bits: [[UInt64]]
    /// strace's `not` flag: membership is inverted (shared by all personalities).
    private var inverted: Bool

    /// strace's personalities of the machine sonde runs on.
    public static var hostPersonalities: [SyscallABI] {
        #if arch(x86_64)
        return [.x86_64, .i386]
        #elseif arch(arm64)
        return [.aarch64]
        #else
        return []
        #endif
    }

    /// Selects every syscall (no `-e trace=` given).
    public init(personalities: [SyscallABI] = SyscallSelection.hostPersonalities) {
        self.personalities = personalities
        self.bits = SyscallABI.allCases.map { _ in [] }
        self.inverted = true
    }

    /// The selection of one expression.
    public init(_ expression: String, personalities: [SyscallABI] = SyscallSelection.hostPersonalities)
        throws(SelectionError)
    {
        self.init(personalities: personalities)
        try add(expression)
    }

    /// Applies one `-e trace=` expression; like strace 6.1 it replaces what earlier ones selected. On an
    /// error the selection is unchanged.
    public mutating func add(_ expression: String) throws(SelectionError) {
        var fresh = SyscallSelection(personalities: personalities)
        fresh.inverted = false
        try fresh.parse(expression)
        self = fresh
    }

    /// Whether syscall `number` of `abi` is selected (a bit test).
    @inline(__always)
    public func contains(abi: SyscallABI, number: Int) -> Bool {
        let set = bits[Self.index(abi)]
        let word = number >> 6
        guard number >= 0, word < set.count else { return inverted }
        return (set[word] >> UInt64(number & 63)) & 1 != 0 ? !inverted : inverted
    }

    /// Whether the syscall called `name` on `abi` is selected (false for names `abi` lacks, unless inverted).
    public func contains(abi: SyscallABI, name: String) -> Bool {
        guard let n = SyscallTable.of(abi).number(of: name) else { return inverted }
        return contains(abi: abi, number: n)
    }

    /// True when every syscall of every ABI is selected (no filtering needed, e.g. no seccomp filter).
    public var selectsEverything: Bool {
        inverted && bits.allSatisfy { $0.allSatisfy { $0 == 0 } }
    }

    /// The selected numbers of `abi` among its table's syscalls.
    public func selectedNumbers(abi: SyscallABI) -> [Int] {
        SyscallTable.of(abi).all.map(\.number).filter { contains(abi: abi, number: $0) }
    }

    // MARK: - Parsing

    private static func index(_ abi: SyscallABI) -> Int {
        switch abi {
        case .x86_64: return 0
        case .i386: return 1
        case .aarch64: return 2
        }
    }

    private mutating func insert(_ number: Int, _ abi: SyscallABI) {
        guard number >= 0 else { return }
        let i = Self.index(abi)
        let word = number >> 6
        if bits[i].count <= word {
            let size = max(word + 1, (SyscallTable.of(abi).numberLimit + 63) >> 6)
            bits[i] += [UInt64](repeating: 0, count: size - bits[i].count)
        }
        bits[i][word] |= 1 << UInt64(number & 63)
    }

    private mutating func parse(_ expression: String) throws(SelectionError) {
        var rest = Substring(expression)
        while rest.first == "!" {
            inverted.toggle()
            rest = rest.dropFirst()
        }
        if rest == "none" { return }
        if rest == "all" {
            inverted.toggle()
            return
        }
        var done = false
        for token in rest.split(separator: ",", omittingEmptySubsequences: true) {
            done = try qualify(token)
            if !done { throw SelectionError("invalid system call '\(token)'") }
        }
        if !done { throw SelectionError("invalid system call '\(expression)'") }
    }

    /// One token; true when it selected something (or started with `?`).
    private mutating func qualify(_ whole: Substring) throws(SelectionError) -> Bool {
        var token = whole
        var found = false
        while token.first == "?" {
            token = token.dropFirst()
            found = true
        }
        // strrchr(token, '@'): a suffix must name a personality.
        if let at = token.lastIndex(of: "@") {
            let designator = token[token.index(after: at)...]
            let body = token[..<at]
            let targets: [SyscallABI]
            switch designator {
            case "64": targets = personalities.filter { $0 != .i386 }
            case "32": targets = personalities.filter { $0 == .i386 }
            case "x32": targets = []
            default:
                throw SelectionError("incorrect personality designator '\(designator)' in qualification '\(token)'")
            }
            // A personality without a table here (x32; arm on aarch64) cannot be checked: accept.
            if targets.isEmpty { return true }
            for abi in targets { found = try qualify(body, abi) || found }
            return found
        }
        for abi in personalities { found = try qualify(token, abi) || found }
        return found
    }

    private mutating func qualify(_ token: Substring, _ abi: SyscallABI) throws(SelectionError) -> Bool {
        guard let first = token.first else { return false }
        if first.isASCII, first.isNumber { return qualifyNumber(token, abi) }
        if first == "/" { return try qualifyRegex(String(token.dropFirst()), abi) }
        return qualifyClass(token, abi) || qualifyName(token, abi)
    }

    /// strace's string_to_uint: decimal digits only, at most INT_MAX.
    private mutating func qualifyNumber(_ token: Substring, _ abi: SyscallABI) -> Bool {
        var value = 0
        for c in token.utf8 {
            guard c >= UInt8(ascii: "0"), c <= UInt8(ascii: "9") else { return false }
            value = value * 10 + Int(c - UInt8(ascii: "0"))
            if value > Int(Int32.max) { return false }
        }
        guard SyscallTable.of(abi).entry(value) != nil else { return false }
        insert(value, abi)
        return true
    }

    private mutating func qualifyRegex(_ pattern: String, _ abi: SyscallABI) throws(SelectionError) -> Bool {
        var re = regex_t()
        let rc = regcomp(&re, pattern, REG_EXTENDED | REG_NOSUB)
        if rc != 0 {
            var buf = [CChar](repeating: 0, count: 512)
            regerror(rc, &re, &buf, buf.count)
            let message = String(decoding: buf.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            throw SelectionError("regcomp: \(pattern): \(message)")
        }
        defer { regfree(&re) }
        var found = false
        for (number, entry) in SyscallTable.of(abi).all where regexec(&re, entry.name, 0, nil, 0) == 0 {
            insert(number, abi)
            found = true
        }
        return found
    }

    /// strace's class names (exact, case-sensitive) and the legacy unprefixed ones; `all` is every syscall.
    public static let classNames: [String: SyscallClass] = [
        "%desc": .desc, "%file": .file, "%memory": .memory, "%process": .process, "%creds": .creds,
        "%signal": .signal, "%ipc": .ipc, "%net": .network, "%network": .network, "%stat": .stat,
        "%lstat": .lstat, "%fstat": .fstat, "%%stat": .statLike, "%statfs": .statfs, "%fstatfs": .fstatfs,
        "%%statfs": .statfsLike, "%pure": .pure, "%clock": .clock,
        "all": [], "desc": .desc, "file": .file, "memory": .memory, "process": .process, "signal": .signal,
        "ipc": .ipc, "network": .network,
    ]

    private mutating func qualifyClass(_ token: Substring, _ abi: SyscallABI) -> Bool {
        guard let cls = Self.classNames[String(token)] else { return false }
        for (number, entry) in SyscallTable.of(abi).all where entry.classes.isSuperset(of: cls) {
            insert(number, abi)
        }
        return true
    }

    private mutating func qualifyName(_ token: Substring, _ abi: SyscallABI) -> Bool {
        guard let n = SyscallTable.of(abi).number(of: String(token)) else { return false }
        insert(n, abi)
        return true
    }
}
