import Glibc

/// Why instructions cannot be decoded.
public enum DisasmError: Error, Equatable, CustomStringConvertible {
    case capstoneMissing
    case unsupportedMachine(String)
    case capstoneFailed(Int32)

    public var description: String {
        switch self {
        case .capstoneMissing:
            return "disassembly needs the Capstone library (libcapstone.so.4/5), which is not installed: apt install libcapstone4"
        case let .unsupportedMachine(m): return "Capstone cannot disassemble \(m) code"
        case let .capstoneFailed(e): return "Capstone error \(e)"
        }
    }
}

/// One decoded instruction. `mnemonic == "(bad)"` marks bytes Capstone could not decode.
public struct Instruction: Sendable, Equatable {
    public var address: UInt64
    public var bytes: [UInt8]
    public var mnemonic: String
    public var operands: String
}

/// The instruction sets sonde can ask Capstone for.
public enum ISA: Sendable, Equatable {
    case x86_64, i386, aarch64, arm, thumb, mips32, mips64, ppc32, ppc64

    /// The ISA of an ELF e_machine (and class), nil when Capstone has none.
    public init?(elfMachine: UInt16, is64: Bool) {
        switch elfMachine {
        case 62: self = .x86_64
        case 3: self = .i386
        case 183: self = .aarch64
        case 40: self = .arm
        case 8: self = is64 ? .mips64 : .mips32
        case 20: self = .ppc32
        case 21: self = .ppc64
        default: return nil
        }
    }
}

/// Capstone, loaded at run time with dlopen (libcapstone.so.4 or .5), so sonde runs without it
/// and says what to install when disassembly is asked for.
public final class Disassembler {
    private typealias Open = @convention(c) (Int32, Int32, UnsafeMutablePointer<Int>) -> Int32
    private typealias Option = @convention(c) (Int, Int32, Int) -> Int32
    private typealias Disasm = @convention(c) (Int, UnsafePointer<UInt8>?, Int, UInt64, Int, UnsafeMutablePointer<UnsafeMutableRawPointer?>) -> Int
    private typealias Free = @convention(c) (UnsafeMutableRawPointer?, Int) -> Void
    private typealias Close = @convention(c) (UnsafeMutablePointer<Int>) -> Int32

    private struct API {
        let open: Open, option: Option, disasm: Disasm, free: Free, close: Close
        /// Capstone 4's cs_insn: bytes[16] and a 240-byte record; Capstone 5: bytes[24], 248 bytes.
        let bytesCapacity: Int, stride: Int
    }

    private static let api: API? = {
        for (lib, cap, stride) in [("libcapstone.so.4", 16, 240), ("libcapstone.so.5", 24, 248)] {
            guard let h = dlopen(lib, RTLD_NOW | RTLD_LOCAL) else { continue }
            guard let o = dlsym(h, "cs_open"), let op = dlsym(h, "cs_option"), let d = dlsym(h, "cs_disasm"),
                  let f = dlsym(h, "cs_free"), let c = dlsym(h, "cs_close") else { continue }
            return API(open: unsafeBitCast(o, to: Open.self), option: unsafeBitCast(op, to: Option.self),
                       disasm: unsafeBitCast(d, to: Disasm.self), free: unsafeBitCast(f, to: Free.self),
                       close: unsafeBitCast(c, to: Close.self), bytesCapacity: cap, stride: stride)
        }
        return nil
    }()

    /// Whether Capstone could be loaded.
    public static var isAvailable: Bool { api != nil }

    private let api: API
    private var handle: Int = 0

    public init(_ isa: ISA, bigEndian: Bool = false) throws(DisasmError) {
        guard let api = Self.api else { throw .capstoneMissing }
        self.api = api
        // cs_arch and cs_mode values of Capstone 4/5.
        let big: Int32 = bigEndian ? Int32(bitPattern: 0x8000_0000) : 0
        let (arch, mode): (Int32, Int32)
        switch isa {
        case .x86_64: (arch, mode) = (3, 1 << 3)
        case .i386: (arch, mode) = (3, 1 << 2)
        case .aarch64: (arch, mode) = (1, big)
        case .arm: (arch, mode) = (0, big)
        case .thumb: (arch, mode) = (0, (1 << 4) | big)
        case .mips32: (arch, mode) = (2, (1 << 2) | big)
        case .mips64: (arch, mode) = (2, (1 << 3) | big)
        case .ppc32: (arch, mode) = (4, (1 << 2) | big)
        case .ppc64: (arch, mode) = (4, (1 << 3) | big)
        }
        let rc = api.open(arch, mode, &handle)
        guard rc == 0 else { throw rc == 2 ? .unsupportedMachine("\(isa)") : .capstoneFailed(rc) }
        if arch == 3 { _ = api.option(handle, 1, 2) } // CS_OPT_SYNTAX = AT&T, as objdump prints
    }

    deinit { _ = api.close(&handle) }

    /// Decodes `code` (loaded at `address`), calling `body` for each instruction in order.
    /// Undecodable bytes come out as "(bad)" of one unit (1 byte on x86, else the ISA's unit) and decoding resumes.
    public func disassemble(_ code: [UInt8], address: UInt64, unit: Int = 1, _ body: (Instruction) -> Void) {
        code.withUnsafeBufferPointer { buf in
            var offset = 0
            while offset < buf.count {
                var insns: UnsafeMutableRawPointer? = nil
                let chunk = min(buf.count - offset, 1 << 16)
                let n = api.disasm(handle, buf.baseAddress! + offset, chunk, address &+ UInt64(offset), 0, &insns)
                var consumed = 0
                if n > 0, let p = insns {
                    for i in 0..<n {
                        let r = p + i * api.stride
                        let size = Int(r.load(fromByteOffset: 16, as: UInt16.self))
                        let bytes = Array(buf[(offset + consumed)..<min(buf.count, offset + consumed + size)])
                        let mnemonic = String(cString: (r + 18 + api.bytesCapacity).assumingMemoryBound(to: CChar.self))
                        let ops = String(cString: (r + 18 + api.bytesCapacity + 32).assumingMemoryBound(to: CChar.self))
                        body(Instruction(address: r.load(fromByteOffset: 8, as: UInt64.self), bytes: bytes, mnemonic: mnemonic, operands: ops))
                        consumed += size
                    }
                    api.free(p, n)
                }
                offset += consumed
                // Capstone stops at the first byte it cannot decode (or decoded the whole chunk).
                if consumed < chunk && offset < buf.count {
                    let u = min(max(unit, 1), buf.count - offset)
                    body(Instruction(address: address &+ UInt64(offset), bytes: Array(buf[offset..<(offset + u)]), mnemonic: "(bad)", operands: ""))
                    offset += u
                }
            }
        }
    }
}
