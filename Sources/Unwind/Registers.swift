import ELF

/// Architectures the unwinder knows registers for (DWARF numbering of each psABI).
public enum Architecture: String, Sendable, Equatable {
    case x86_64
    case aarch64

    public init?(machine: UInt16) {
        switch machine {
        case EM.x86_64: self = .x86_64
        case EM.aarch64: self = .aarch64
        default: return nil
        }
    }

    /// DWARF number of the stack pointer.
    public var stackPointer: UInt16 { self == .x86_64 ? 7 : 31 }
    /// DWARF number of the frame pointer (rbp, x29).
    public var framePointer: UInt16 { self == .x86_64 ? 6 : 29 }
    /// Default return address column (rip = 16 on x86_64, x30 on AArch64).
    public var returnAddress: UInt16 { self == .x86_64 ? 16 : 30 }
    /// DWARF number of the program counter, when the ABI has one.
    public var programCounter: UInt16 { self == .x86_64 ? 16 : 32 }
    public var addressSize: Int { 8 }

    /// Register names as readelf prints them in frames-interp tables.
    public func registerName(_ n: UInt16) -> String {
        switch self {
        case .x86_64:
            let names = ["rax", "rdx", "rcx", "rbx", "rsi", "rdi", "rbp", "rsp", "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15", "rip"]
            if Int(n) < names.count { return names[Int(n)] }
            if n >= 17 && n <= 32 { return "xmm\(n - 17)" }
            if n >= 33 && n <= 40 { return "st\(n - 33)" }
            if n >= 41 && n <= 48 { return "mm\(n - 41)" }
            switch n {
            case 49: return "rflags"
            case 50: return "es"
            case 51: return "cs"
            case 52: return "ss"
            case 53: return "ds"
            case 54: return "fs"
            case 55: return "gs"
            case 58: return "fs.base"
            case 59: return "gs.base"
            default: return "r\(n)"
            }
        case .aarch64:
            if n <= 30 { return "x\(n)" }
            if n == 31 { return "sp" }
            if n == 32 { return "pc" }
            if n >= 64 && n <= 95 { return "v\(n - 64)" }
            return "r\(n)"
        }
    }
}

/// Register values by DWARF number (0..<128), each either known or not, plus the pc.
public struct RegisterSet: Sendable, Equatable {
    public static let capacity = 128
    public var arch: Architecture
    public var pc: UInt64
    private var values: [UInt64]
    private var known: (UInt64, UInt64)
    /// Registers set since `trackReads(_:)`; reads of the others are reads of the initial values.
    private var written: (UInt64, UInt64) = (0, 0)
    private var reads: RegisterReads?

    public init(arch: Architecture, pc: UInt64 = 0) {
        self.arch = arch
        self.pc = pc
        values = Array(repeating: 0, count: Self.capacity)
        known = (0, 0)
    }

    /// From now on, reads of registers not set since are noted in `reads` (also through copies of this set):
    /// which of the initial values an unwinding depended on.
    public mutating func trackReads(_ reads: RegisterReads) {
        self.reads = reads
        written = (0, 0)
    }

    public subscript(_ reg: UInt16) -> UInt64? {
        get {
            guard reg < Self.capacity else { return nil }
            let bit = UInt64(1) << UInt64(reg & 63)
            if let reads, (reg < 64 ? written.0 : written.1) & bit == 0 { reads.note(reg) }
            return (reg < 64 ? known.0 : known.1) & bit != 0 ? values[Int(reg)] : nil
        }
        set {
            guard reg < Self.capacity else { return }
            let bit = UInt64(1) << UInt64(reg & 63)
            if reg < 64 { written.0 |= bit } else { written.1 |= bit }
            if let v = newValue {
                values[Int(reg)] = v
                if reg < 64 { known.0 |= bit } else { known.1 |= bit }
            } else {
                if reg < 64 { known.0 &= ~bit } else { known.1 &= ~bit }
            }
        }
    }

    public var sp: UInt64? {
        get { self[arch.stackPointer] }
        set { self[arch.stackPointer] = newValue }
    }

    public static func == (a: RegisterSet, b: RegisterSet) -> Bool {
        a.arch == b.arch && a.pc == b.pc && a.known == b.known && a.values == b.values
    }

    /// From the kernel's NT_PRSTATUS register block: x86_64 `user_regs_struct` (27 words),
    /// AArch64 `user_pt_regs` (x0..x30, sp, pc, pstate).
    public init?(arch: Architecture, prstatus words: [UInt64]) {
        self.init(arch: arch)
        switch arch {
        case .x86_64:
            guard words.count >= 21 else { return nil }
            // r15 r14 r13 r12 rbp rbx r11 r10 r9 r8 rax rcx rdx rsi rdi orig_rax rip cs eflags rsp ss
            let order: [(Int, UInt16)] = [(0, 15), (1, 14), (2, 13), (3, 12), (4, 6), (5, 3), (6, 11), (7, 10), (8, 9), (9, 8),
                                          (10, 0), (11, 2), (12, 1), (13, 4), (14, 5), (16, 16), (19, 7)]
            for (i, r) in order { self[r] = words[i] }
            pc = words[16]
        case .aarch64:
            guard words.count >= 33 else { return nil }
            for i in 0..<31 { self[UInt16(i)] = words[i] }
            self[31] = words[31]
            pc = words[32]
        }
    }
}

/// The registers of an initial set that were read before being overwritten (see `RegisterSet.trackReads`).
public final class RegisterReads: @unchecked Sendable {  // used by one unwinding on one thread
    public private(set) var mask: (UInt64, UInt64) = (0, 0)
    public init() {}
    func note(_ reg: UInt16) {
        let bit = UInt64(1) << UInt64(reg & 63)
        if reg < 64 { mask.0 |= bit } else { mask.1 |= bit }
    }
    /// DWARF numbers of the registers read, ascending.
    public var registers: [UInt16] {
        (0..<UInt16(RegisterSet.capacity)).filter { ($0 < 64 ? mask.0 : mask.1) & (UInt64(1) << UInt64($0 & 63)) != 0 }
    }
}

/// Memory of the unwound program (a live process, a core file, a test buffer).
public protocol MemoryReader {
    /// Fills `buffer` from `address`; false when any of it cannot be read.
    func read(_ address: UInt64, into buffer: UnsafeMutableRawBufferPointer) -> Bool
}

extension MemoryReader {
    /// A little-endian word of `size` bytes (1, 2, 4 or 8).
    public func word(_ address: UInt64, size: Int = 8) -> UInt64? {
        guard size == 1 || size == 2 || size == 4 || size == 8 else { return nil }
        var v: UInt64 = 0
        let ok = withUnsafeMutableBytes(of: &v) { read(address, into: UnsafeMutableRawBufferPointer(rebasing: $0[0..<size])) }
        return ok ? UInt64(littleEndian: v) : nil
    }

    public func bytes(_ address: UInt64, count: Int) -> [UInt8]? {
        guard count >= 0 else { return nil }
        var out = [UInt8](repeating: 0, count: count)
        let ok = out.withUnsafeMutableBytes { read(address, into: $0) }
        return ok ? out : nil
    }
}

/// Memory from a byte array mapped at `base` (tests, fuzzing).
public struct BufferMemory: MemoryReader {
    public var base: UInt64
    public var bytes: [UInt8]

    public init(base: UInt64, bytes: [UInt8]) {
        self.base = base
        self.bytes = bytes
    }

    public func read(_ address: UInt64, into buffer: UnsafeMutableRawBufferPointer) -> Bool {
        guard address >= base, address - base <= UInt64(bytes.count), UInt64(buffer.count) <= UInt64(bytes.count) - (address - base) else {
            return false
        }
        let start = Int(address - base)
        bytes.withUnsafeBytes { src in
            if buffer.count > 0 { buffer.baseAddress!.copyMemory(from: src.baseAddress! + start, byteCount: buffer.count) }
        }
        return true
    }
}
