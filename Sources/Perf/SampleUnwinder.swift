import Bytes
import Unwind

/// Unwinds a sample's user stack from the registers and stack copy perf's `--call-graph dwarf` records
/// (REGS_USER + STACK_USER), with the call frame information of the objects the thread has mapped.
/// Used when reporting such recordings and by `sonde perf record`, which unwinds at record time.
public struct SampleUnwinder {
    public let machine: Machine
    public var maxFrames: Int

    public init(machine: Machine, maxFrames: Int = 127) {
        self.machine = machine
        self.maxFrames = maxFrames
    }

    /// perf_regs index -> DWARF register number, x86_64 (arch/x86/include/uapi/asm/perf_regs.h).
    static let x86Dwarf: [Int: UInt16] = [0: 0, 1: 3, 2: 2, 3: 1, 4: 4, 5: 5, 6: 6, 7: 7,
                                          16: 8, 17: 9, 18: 10, 19: 11, 20: 12, 21: 13, 22: 14, 23: 15]

    /// Register set from a REGS_USER block: `values` hold the registers of `mask`'s set bits in order.
    public static func registers(arch: Architecture, mask: UInt64, values: [UInt64]) -> RegisterSet? {
        var regs = RegisterSet(arch: arch)
        var i = 0
        var havePC = false
        for bit in 0..<64 where mask & (UInt64(1) << UInt64(bit)) != 0 {
            guard i < values.count else { return nil }
            let v = values[i]
            i += 1
            switch arch {
            case .x86_64:
                if bit == 8 { regs.pc = v; havePC = true; regs[16] = v } else if let d = x86Dwarf[bit] { regs[d] = v }
            case .aarch64:
                if bit == 32 { regs.pc = v; havePC = true } else if bit <= 31 { regs[UInt16(bit)] = v }
            }
        }
        return havePC && regs.sp != nil ? regs : nil
    }

    /// Return addresses, leaf first (the sampled pc first), from a stack copy that starts at the sample's sp.
    public func unwind(_ thread: Machine.Thread, registers: RegisterSet, stack: Bytes) -> [UInt64] {
        guard let sp = registers.sp else { return [registers.pc] }
        let memory = StackCopy(base: sp, bytes: stack)
        var unwinder = Unwinder(memory: memory, modules: ThreadModules(machine: machine, thread: thread), maxFrames: maxFrames)
        unwinder.framePointerFallback = true
        let (frames, _) = unwinder.unwind(registers)
        var out: [UInt64] = []
        out.reserveCapacity(frames.count)
        for f in frames where f.pc != 0 { out.append(f.pc) }
        return out.isEmpty ? [registers.pc] : out
    }
}

/// The unwinder's view of a thread's objects: each mapped DSO's CFI and load bias.
struct ThreadModules: ModuleProvider {
    let machine: Machine
    let thread: Machine.Thread

    func module(for pc: UInt64) -> UnwindModule? {
        guard let (dso, bias) = machine.object(thread, pc), let cfi = dso.cfi else { return nil }
        return UnwindModule(cfi: cfi, bias: bias)
    }
}

/// A sample's stack copy as unwinder memory, read in place (no copy of the 8 KiB per sample).
struct StackCopy: MemoryReader {
    let base: UInt64
    let bytes: Bytes

    func read(_ address: UInt64, into buffer: UnsafeMutableRawBufferPointer) -> Bool {
        guard address >= base, address - base <= UInt64(bytes.count), UInt64(buffer.count) <= UInt64(bytes.count) - (address - base) else {
            return false
        }
        return (try? bytes.withUnsafeBytes(Int(address - base), buffer.count) { src in
            if let d = buffer.baseAddress, let s = src.baseAddress { d.copyMemory(from: s, byteCount: buffer.count) }
            return true
        }) ?? false
    }
}
