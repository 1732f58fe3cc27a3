/// How much and in which form decoders show things (strace's -s, -v, -x/-xx, -y/-yy, -e abbrev/verbose/raw).
public struct DecodeOptions: Sendable {
    /// `-s N`: bytes of a string shown before `...`.
    public var stringLimit = 32
    /// `-v`: structures, argv/envp and arrays in full.
    public var verbose = false
    /// `-e raw=`: syscalls whose arguments print as raw hex.
    public var raw: Set<String> = []
    /// `-e verbose=` (default all): syscalls whose structures are dereferenced; others print addresses.
    public var dereference: Set<String>? = nil
    /// `-e abbrev=` (default all unless -v): syscalls whose large structures are abbreviated.
    public var abbreviate: Set<String>? = nil
    public init() {}

    /// These options with `-v` in effect (for calls that `-e abbrev=` leaves unabbreviated).
    var unabbreviated: DecodeOptions {
        var o = self
        o.verbose = true
        return o
    }
}

/// The state of one syscall as decoders see it: its number and arguments at entry, its result at exit,
/// and the values printed so far.
public struct SyscallCall: Sendable {
    public var abi: SyscallABI
    public var number: Int
    public var arguments: [UInt64]
    /// The name (from the table, or `syscall_0x1b9`).
    public var name: String
    /// Printed arguments; `printedAtEntry` of them were known before the call ran (`<unfinished ...>`).
    public var values: [SyscallValue] = []
    public var printedAtEntry = 0
    /// Set at exit: the raw return value (negative errno for errors) and whether it is an error.
    public var returnValue: Int64 = 0
    public var isError = false
    public var returnFormat: ReturnFormat = .decimal
    /// Text after the return value: `(in [3])`, `(Timeout)`, `<path>` comes from `-y` instead.
    public var returnComment: String? = nil
    /// Values a decoder keeps from the entry stop for the exit stop (strace's tcb private data), e.g.
    /// the socklen before the call for `[110 => 32]`.
    public var saved: [Int64] = []
    /// Set by a decoder whose exit part begins with the `, ` separator (strace's clone prints
    /// `<... clone resumed>, child_tidptr=...`); by default the entry part ends with it (`read(3,  <unfinished ...>`).
    public var separatorAtExit = false

    public init(abi: SyscallABI, number: Int, arguments: [UInt64]) {
        self.abi = abi
        self.number = number
        self.arguments = arguments
        self.name = SyscallTable.of(abi).entry(number)?.name ?? "syscall_0x" + String(number, radix: 16)
    }

    /// Argument `i` (0 when the kernel did not report it), truncated to the ABI's word size.
    public func arg(_ i: Int) -> UInt64 {
        guard i >= 0, i < arguments.count else { return 0 }
        return abi.wordSize == 4 ? arguments[i] & 0xffff_ffff : arguments[i]
    }

    /// Argument `i` as a C `int` (sign-extended from 32 bits).
    public func int(_ i: Int) -> Int32 { Int32(truncatingIfNeeded: arg(i)) }

    /// Argument `i` as a C `long` of the ABI (sign-extended from the word size).
    public func long(_ i: Int) -> Int64 {
        abi.wordSize == 4 ? Int64(Int32(truncatingIfNeeded: arg(i))) : Int64(bitPattern: arg(i))
    }

    /// The return value as the ABI's `long`.
    public var result: Int64 { abi.wordSize == 4 ? Int64(Int32(truncatingIfNeeded: returnValue)) : returnValue }
}

/// Everything a decoder may look at. The live side fills `fdPath` for `-y`.
public struct DecodeContext {
    public var call: SyscallCall
    /// True at the entry stop, false at the exit stop.
    public var entering: Bool
    public let memory: any SyscallMemory
    public let options: DecodeOptions
    /// `-y`: the path (or socket endpoint with `-yy`) of a descriptor of the tracee; nil prints the bare number.
    public let fdPath: (Int32) -> String?

    public init(call: SyscallCall, entering: Bool, memory: any SyscallMemory, options: DecodeOptions,
                fdPath: @escaping (Int32) -> String? = { _ in nil }) {
        self.call = call; self.entering = entering; self.memory = memory; self.options = options; self.fdPath = fdPath
    }

    /// Appends an argument value.
    public mutating func add(_ v: SyscallValue) { call.values.append(v) }

    /// A descriptor argument with its `-y` decoration.
    public func fd(_ i: Int) -> SyscallValue {
        let n = call.int(i)
        return .fd(n, path: n >= 0 ? fdPath(n) : nil)
    }

    /// A path or other C string argument: never cut at `-s` (strace shows paths whole up to PATH_MAX).
    public func path(_ i: Int) -> SyscallValue {
        let a = call.arg(i)
        guard let s = memory.cString(a, limit: 4096) else { return .pointer(a) }
        return .string(s.bytes, truncated: !s.terminated)
    }

    /// A C string argument cut at `-s`.
    public func string(_ i: Int) -> SyscallValue { cString(call.arg(i)) }

    public func cString(_ a: UInt64) -> SyscallValue {
        let limit = options.stringLimit
        guard let s = memory.cString(a, limit: limit + 1) else { return .pointer(a) }
        if s.bytes.count > limit { return .string(Array(s.bytes.prefix(limit)), truncated: true) }
        return .string(s.bytes, truncated: !s.terminated)
    }

    /// `count` bytes at argument `i` as a string cut at `-s` (read/write buffers).
    public func buffer(_ i: Int, count: Int) -> SyscallValue { buffer(at: call.arg(i), count: count) }

    public func buffer(at a: UInt64, count: Int) -> SyscallValue {
        let n = max(0, min(count, options.stringLimit))
        guard let b = memory.bytes(a, count: n) else { return .pointer(a) }
        return .string(b, truncated: count > n)
    }
}

/// A syscall's decoder: called at entry (`ctx.entering`) and again at exit; it appends the arguments it
/// knows at that moment and may set `ctx.call.returnFormat` / `returnComment` at exit.
public typealias SyscallDecoder = @Sendable (inout DecodeContext) -> Void

public enum Decoders {
    /// Every decoder by syscall name (the same name decodes the same way on every ABI; decoders look at
    /// `ctx.call.abi` for layouts).
    public static let byName: [String: SyscallDecoder] = {
        var all: [String: SyscallDecoder] = [:]
        for group in [FileDecoders.all, ProcessDecoders.all] {
            all.merge(group) { first, _ in first }
        }
        return all
    }()

    /// Runs the decoder of `ctx.call` (or the raw fallback: `argumentCount` hex words at entry).
    public static func decode(_ ctx: inout DecodeContext) {
        let name = ctx.call.name
        let before = ctx.call.values.count
        if !ctx.options.raw.contains(name), let d = byName[name] {
            if let a = ctx.options.abbreviate, !a.contains(name), !ctx.options.verbose {
                // -e abbrev=SET: calls outside the set print their structures and arrays in full.
                var full = DecodeContext(call: ctx.call, entering: ctx.entering, memory: ctx.memory,
                                         options: ctx.options.unabbreviated, fdPath: ctx.fdPath)
                d(&full)
                ctx.call = full.call
            } else {
                d(&ctx)
            }
            if let v = ctx.options.dereference, !v.contains(name) { undereference(&ctx, from: before) }
        } else if ctx.entering {
            // -e raw=SET (or no decoder): the argument words in hex, and a hex result.
            let n = SyscallTable.of(ctx.call.abi).entry(ctx.call.number)?.argumentCount ?? 6
            for i in 0..<n { ctx.add(.hex(ctx.call.arg(i))) }
            if ctx.options.raw.contains(name) { ctx.call.returnFormat = .hex }
        }
        if ctx.entering { ctx.call.printedAtEntry = ctx.call.values.count }
    }

    /// -e verbose=SET: calls outside the set show the addresses of their structures and arrays instead
    /// of their contents (strings and numbers stay). Values line up with arguments by position.
    static func undereference(_ ctx: inout DecodeContext, from start: Int) {
        for i in start..<ctx.call.values.count where i < ctx.call.arguments.count {
            switch ctx.call.values[i] {
            case .structure, .array, .commented, .changed, .set:
                ctx.call.values[i] = .pointer(ctx.call.arg(i))
            default:
                break
            }
        }
    }
}
