import Bytes

/// A loaded object as the unwinder sees it: its CFI and the load bias (runtime address - file address).
public struct UnwindModule {
    public var cfi: CallFrameInfo
    public var bias: UInt64

    public init(cfi: CallFrameInfo, bias: UInt64) {
        self.cfi = cfi
        self.bias = bias
    }
}

/// Finds the object mapped at a runtime address.
public protocol ModuleProvider {
    func module(for pc: UInt64) -> UnwindModule?
}

/// How a frame's registers were recovered.
public enum FrameMethod: String, Sendable, Equatable {
    /// The registers the thread stopped with.
    case context
    /// Call frame information of the callee.
    case cfi
    /// Frame-pointer chain (no CFI for the callee).
    case framePointer = "frame-pointer"
    /// AArch64 link register (innermost frame without CFI).
    case link
}

public struct Frame: Sendable, Equatable {
    public var pc: UInt64
    public var sp: UInt64?
    /// Canonical frame address of the callee unwound to reach this frame (nil for frame 0).
    public var cfa: UInt64?
    public var method: FrameMethod
    /// True when `pc` is where execution stopped (frame 0, or interrupted by a signal), not a return address.
    /// Symbolize `pc` when exact or a signal trampoline, else `pc - 1`.
    public var pcIsExact: Bool
    /// This frame is a signal trampoline (its CIE has augmentation S).
    public var isSignalFrame: Bool
    public var registers: RegisterSet

    /// The address to look up names and lines with.
    public var lookupPC: UInt64 { pcIsExact || isSignalFrame || pc == 0 ? pc : pc - 1 }
}

/// Why unwinding stopped.
public enum StopReason: Sendable, Equatable, CustomStringConvertible {
    /// The CFI marks the outermost frame (return address undefined).
    case outermost
    case pcZero
    /// The stack pointer went backwards or nothing changed.
    case noProgress
    case cycle
    case frameLimit
    /// No CFI and no usable frame pointer.
    case noUnwindInfo
    case error(String)

    public var description: String {
        switch self {
        case .outermost: return "outermost frame"
        case .pcZero: return "return address 0"
        case .noProgress: return "stack did not advance"
        case .cycle: return "frame cycle"
        case .frameLimit: return "frame limit reached"
        case .noUnwindInfo: return "no unwind information"
        case let .error(s): return s
        }
    }
}

/// Walks a stack from a register set with CFI, falling back to frame pointers.
public struct Unwinder {
    public static let hardFrameLimit = 1024
    public var memory: MemoryReader
    public var modules: ModuleProvider
    public var maxFrames: Int
    /// Use frame pointers when a pc has no CFI.
    public var framePointerFallback = true

    public init(memory: MemoryReader, modules: ModuleProvider, maxFrames: Int = 256) {
        self.memory = memory
        self.modules = modules
        self.maxFrames = min(max(maxFrames, 1), Self.hardFrameLimit)
    }

    enum Step {
        case frame(RegisterSet, cfa: UInt64, method: FrameMethod, calleeSignal: Bool)
        case stop(StopReason)
    }

    /// Frames from `regs` outwards, and why the walk ended.
    public func unwind(_ regs: RegisterSet) -> (frames: [Frame], stop: StopReason) {
        var frames = [Frame(pc: regs.pc, sp: regs.sp, cfa: nil, method: .context, pcIsExact: true, isSignalFrame: false, registers: regs)]
        struct Visit: Hashable { var pc: UInt64, sp: UInt64 }
        var seen = Set<Visit>()
        seen.insert(Visit(pc: regs.pc, sp: regs.sp ?? 0))
        var current = regs
        var exact = true
        while true {
            if frames.count >= maxFrames { return (frames, .frameLimit) }
            switch step(current, exact: exact, innermost: frames.count == 1) {
            case let .stop(r):
                return (frames, r)
            case let .frame(next, cfa, method, calleeSignal):
                if calleeSignal { frames[frames.count - 1].isSignalFrame = true }
                if next.pc == 0 { return (frames, .pcZero) }
                if let a = current.sp, let b = next.sp, !calleeSignal {
                    if b < a || (b == a && next.pc == current.pc) { return (frames, .noProgress) }
                }
                guard seen.insert(Visit(pc: next.pc, sp: next.sp ?? 0)).inserted else { return (frames, .cycle) }
                exact = calleeSignal
                frames.append(Frame(pc: next.pc, sp: next.sp, cfa: cfa, method: method, pcIsExact: exact, isSignalFrame: false,
                                    registers: next))
                current = next
            }
        }
    }

    /// One step outwards from `regs`.
    func step(_ regs: RegisterSet, exact: Bool, innermost: Bool) -> Step {
        let lookup = exact || regs.pc == 0 ? regs.pc : regs.pc - 1
        var cfiError: CFIError? = nil
        if let m = modules.module(for: lookup) {
            do {
                if let rules = try m.cfi.rules(at: lookup &- m.bias) {
                    return try cfiStep(regs, rules)
                }
            } catch {
                cfiError = error
            }
        }
        if framePointerFallback, let s = framePointerStep(regs, innermost: innermost) { return s }
        if let cfiError { return .stop(.error(cfiError.description)) }
        return .stop(.noUnwindInfo)
    }

    func cfiStep(_ regs: RegisterSet, _ rules: CallFrameInfo.Rules) throws(CFIError) -> Step {
        let (section, cie, row) = (rules.section, rules.cie, rules.row)
        let size = cie.addressSize
        let eval = ExpressionEvaluator(addressSize: size, registers: { regs[$0] }, memory: memory)
        let cfa: UInt64
        switch row.cfa {
        case let .registerOffset(r, off):
            guard let v = regs[r] else { throw .expression("CFA register \(r) is not known") }
            cfa = v &+ UInt64(bitPattern: off)
        case let .expression(e):
            cfa = try eval.evaluate(try cfi { try section.bytes.slice(e.offset, e.length) })
        }
        var next = regs
        for (r, rule) in row.registers.entries {
            switch rule {
            case .undefined: next[r] = nil
            case .sameValue: break
            case let .offset(n):
                let a = cfa &+ UInt64(bitPattern: n)
                guard let v = memory.word(a, size: size) else { throw .memory(address: a) }
                next[r] = v
            case let .valOffset(n): next[r] = cfa &+ UInt64(bitPattern: n)
            case let .register(o): next[r] = regs[o]
            case let .expression(e):
                let a = try eval.evaluate(try cfi { try section.bytes.slice(e.offset, e.length) }, initial: [cfa])
                guard let v = memory.word(a, size: size) else { throw .memory(address: a) }
                next[r] = v
            case let .valExpression(e):
                next[r] = try eval.evaluate(try cfi { try section.bytes.slice(e.offset, e.length) }, initial: [cfa])
            }
        }
        let ra = cie.returnAddressRegister
        if row.registers[ra] == .undefined { return .stop(.outermost) }
        guard var pc = next[ra] else { return .stop(.outermost) }
        if row.returnAddressSigned { pc = stripPointerAuthentication(pc) }
        if row.registers[regs.arch.stackPointer] == nil { next.sp = cfa }
        next.pc = pc
        if regs.arch == .x86_64 { next[16] = pc }
        return .frame(next, cfa: cfa, method: .cfi, calleeSignal: cie.isSignalFrame)
    }

    /// Frame-pointer chain: [fp] = caller's fp, [fp + word] = return address, CFA = fp + 2 words.
    func framePointerStep(_ regs: RegisterSet, innermost: Bool) -> Step? {
        let arch = regs.arch
        if arch == .aarch64 && innermost, let lr = regs[30], let sp = regs.sp, lr != regs.pc {
            // A leaf without CFI has not saved its return address yet.
            var next = regs
            next.pc = stripPointerAuthentication(lr)
            next.sp = sp
            return .frame(next, cfa: sp, method: .link, calleeSignal: false)
        }
        guard let fp = regs[arch.framePointer], fp != 0, fp % 8 == 0 else { return nil }
        if let sp = regs.sp, fp < sp { return nil }
        guard let savedFP = memory.word(fp), let ra = memory.word(fp &+ 8), ra != 0 else { return nil }
        var next = regs
        next[arch.framePointer] = savedFP
        next.sp = fp &+ 16
        next.pc = arch == .aarch64 ? stripPointerAuthentication(ra) : ra
        if arch == .x86_64 { next[16] = next.pc }
        return .frame(next, cfa: fp &+ 16, method: .framePointer, calleeSignal: false)
    }

    /// Clears AArch64 pointer-authentication bits (user space addresses are below 2^48 on Linux).
    func stripPointerAuthentication(_ v: UInt64) -> UInt64 { v & 0x0000_ffff_ffff_ffff }
}
