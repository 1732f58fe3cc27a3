/// A syscall ABI a tracee can use. x86_64 tracees may also use the i386 compat ABI (32-bit programs);
/// PTRACE_GET_SYSCALL_INFO reports which one through its AUDIT_ARCH value.
public enum SyscallABI: String, Sendable, CaseIterable {
    case x86_64, i386, aarch64

    /// The AUDIT_ARCH_* value the kernel reports in `ptrace_syscall_info.arch`.
    public init?(auditArch: UInt32) {
        switch auditArch {
        case 0xC000_003E: self = .x86_64
        case 0x4000_0003: self = .i386
        case 0xC000_00B7: self = .aarch64
        default: return nil
        }
    }

    /// Bytes in a `long` and a pointer of this ABI.
    public var wordSize: Int { self == .i386 ? 4 : 8 }

    /// strace's personality suffix for `name@64` / `name@32` filters.
    public var personality: String { self == .i386 ? "32" : "64" }
}

/// strace's syscall classes, as `-e trace=%class` selects them.
public struct SyscallClass: OptionSet, Sendable, Hashable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }
    public static let file = SyscallClass(rawValue: 1 << 0)
    public static let desc = SyscallClass(rawValue: 1 << 1)
    public static let network = SyscallClass(rawValue: 1 << 2)
    public static let process = SyscallClass(rawValue: 1 << 3)
    public static let signal = SyscallClass(rawValue: 1 << 4)
    public static let ipc = SyscallClass(rawValue: 1 << 5)
    public static let memory = SyscallClass(rawValue: 1 << 6)
    public static let creds = SyscallClass(rawValue: 1 << 7)
    public static let clock = SyscallClass(rawValue: 1 << 8)
    /// Calls that never fail and take no arguments worth showing (getpid, gettid, ...): `%pure`.
    public static let pure = SyscallClass(rawValue: 1 << 9)
    /// `%stat`, `%lstat`, `%fstat`, `%%stat` (any stat variant).
    public static let stat = SyscallClass(rawValue: 1 << 10)
    public static let lstat = SyscallClass(rawValue: 1 << 11)
    public static let fstat = SyscallClass(rawValue: 1 << 12)
    public static let statLike = SyscallClass(rawValue: 1 << 13)
    /// `%statfs`, `%fstatfs`, `%%statfs`.
    public static let statfs = SyscallClass(rawValue: 1 << 14)
    public static let fstatfs = SyscallClass(rawValue: 1 << 15)
    public static let statfsLike = SyscallClass(rawValue: 1 << 16)
}

/// One row of a syscall table.
public struct SyscallEntry: Sendable {
    public let name: String
    /// Arguments strace shows when it has no decoder (raw hex), and the count a decoder may read.
    public let argumentCount: Int
    public let classes: SyscallClass
    /// strace's SYSCALL_NEVER_FAILS (getpid, getuid, umask, ...): a negative return is a value, not an errno.
    public let neverFails: Bool
    public init(name: String, argumentCount: Int, classes: SyscallClass, neverFails: Bool = false) {
        self.name = name; self.argumentCount = argumentCount; self.classes = classes; self.neverFails = neverFails
    }
}

/// The syscalls of one ABI by number.
public struct SyscallTable: Sendable {
    public let abi: SyscallABI
    /// Indexed by syscall number; nil for unassigned numbers.
    private let byNumber: [SyscallEntry?]
    private let numbers: [String: Int]

    public init(abi: SyscallABI, entries: [Int: SyscallEntry]) {
        self.init(abi: abi, list: entries.map { ($0.key, $0.value) })
    }

    /// A table from (number, entry) pairs; negative numbers are ignored, a later pair replaces an earlier one.
    public init(abi: SyscallABI, list: [(Int, SyscallEntry)]) {
        self.abi = abi
        let top = list.lazy.map(\.0).filter { $0 >= 0 && $0 < 1 << 16 }.max() ?? -1
        var table = [SyscallEntry?](repeating: nil, count: top + 1)
        var n: [String: Int] = [:]
        for (k, v) in list where k >= 0 && k <= top {
            table[k] = v
        }
        for (k, v) in table.enumerated() {
            if let v, n[v.name] == nil { n[v.name] = k }
        }
        self.byNumber = table
        self.numbers = n
    }

    public func entry(_ number: Int) -> SyscallEntry? {
        number >= 0 && number < byNumber.count ? byNumber[number] : nil
    }
    public func number(of name: String) -> Int? { numbers[name] }
    /// One more than the highest assigned number.
    public var numberLimit: Int { byNumber.count }
    public var all: [(number: Int, entry: SyscallEntry)] {
        byNumber.enumerated().compactMap { i, e in e.map { (i, $0) } }
    }

    /// The table of `abi` (built once).
    public static func of(_ abi: SyscallABI) -> SyscallTable {
        switch abi {
        case .x86_64: return x86_64Table
        case .i386: return i386Table
        case .aarch64: return aarch64Table
        }
    }
}
