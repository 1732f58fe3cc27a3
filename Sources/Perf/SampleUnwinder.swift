import Bytes
import Unwind

/// Unwinds a sample's user stack from the registers and stack copy perf's `--call-graph dwarf` records
/// (REGS_USER + STACK_USER), with the call frame information of the objects the thread has mapped.
/// Used when reporting such recordings and by `sonde perf record`, which unwinds at record time.
public struct SampleUnwinder {
    public let machine: Machine
    public var maxFrames: Int
    let cache = UnwindCache()

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

    /// Return addresses, leaf first (the sampled pc first), from a REGS_USER block (`values` of `mask`) and a
    /// stack copy that starts at the sample's sp; nil when the block has no pc or sp. Results are cached:
    /// samples of a thread at the same pc and sp whose registers and stack words agree on everything the
    /// first unwinding read unwind the same, so they reuse it (a hot loop unwinds once per pc).
    public func unwind(_ thread: Machine.Thread, arch: Architecture, mask: UInt64, values: [UInt64], stack: Bytes) -> [UInt64]? {
        let (pcBit, spBit) = arch == .x86_64 ? (8, 7) : (32, 31)
        guard let pcAt = Self.index(of: pcBit, in: mask, count: values.count),
              let spAt = Self.index(of: spBit, in: mask, count: values.count) else { return nil }
        let key = UnwindCache.Key(thread: ObjectIdentifier(thread), generation: thread.generation, mask: mask,
                                  pc: values[pcAt], sp: values[spAt], stackSize: stack.count)
        if let hit = cache.lookup(key, values: values, stack: stack) { return hit }
        guard var registers = Self.registers(arch: arch, mask: mask, values: values), let sp = registers.sp else { return nil }
        let reads = RegisterReads()
        registers.trackReads(reads)
        let memory = LoggedStack(copy: StackCopy(base: sp, bytes: stack))
        var unwinder = Unwinder(memory: memory, modules: ThreadModules(machine: machine, thread: thread), maxFrames: maxFrames)
        unwinder.framePointerFallback = true
        let (frames, _) = unwinder.unwind(registers)
        var out: [UInt64] = []
        out.reserveCapacity(frames.count)
        for f in frames where f.pc != 0 { out.append(f.pc) }
        if out.isEmpty { out = [registers.pc] }
        if memory.log.cacheable {
            var deps: [(index: Int, value: UInt64)] = []
            for r in reads.registers {
                guard let bit = Self.perfBit(arch: arch, dwarf: r), let i = Self.index(of: bit, in: mask, count: values.count) else { continue }
                deps.append((i, values[i]))
            }
            cache.insert(key, UnwindCache.Entry(registers: deps, memory: memory.log.reads, result: out))
        }
        return out
    }

    /// Position of perf_regs bit `bit` among the set bits of `mask`, nil when absent or past `count`.
    static func index(of bit: Int, in mask: UInt64, count: Int) -> Int? {
        guard mask & (UInt64(1) << UInt64(bit)) != 0 else { return nil }
        let i = (mask & ((UInt64(1) << UInt64(bit)) &- 1)).nonzeroBitCount
        return i < count ? i : nil
    }

    /// The perf_regs bit holding a DWARF register, nil for registers perf does not sample.
    static func perfBit(arch: Architecture, dwarf: UInt16) -> Int? {
        switch arch {
        case .x86_64: return dwarf == 16 ? 8 : x86Dwarf.first { $0.value == dwarf }?.key
        case .aarch64: return dwarf <= 32 ? Int(dwarf) : nil
        }
    }
}

/// Unwinding results by thread state, each with what the unwinding read: the sampled registers other than
/// pc and sp, and stack words by offset from sp. An entry applies to a sample whose values agree on all of them.
final class UnwindCache {
    struct Key: Hashable {
        var thread: ObjectIdentifier
        /// The thread's maps (and so the objects and CFI the unwinding used) at the time.
        var generation: Int
        var mask: UInt64
        var pc: UInt64
        var sp: UInt64
        /// Reads past the copy fail the same way for copies of the same size.
        var stackSize: Int
    }
    struct Entry {
        var registers: [(index: Int, value: UInt64)]
        var memory: [StackRead]
        var result: [UInt64]
    }
    private var entries: [Key: [Entry]] = [:]
    private var count = 0
    static let perKey = 8, total = 100_000

    func lookup(_ key: Key, values: [UInt64], stack: Bytes) -> [UInt64]? {
        guard let list = entries[key] else { return nil }
        for e in list where e.registers.allSatisfy({ values[$0.index] == $0.value })
            && e.memory.allSatisfy({ StackCopy.word(stack, $0.offset, $0.size) == $0.value }) {
            return e.result
        }
        return nil
    }

    func insert(_ key: Key, _ e: Entry) {
        if count >= Self.total { entries.removeAll(); count = 0 }
        var list = entries[key] ?? []
        if list.count >= Self.perKey { list.removeFirst() } else { count += 1 }
        list.append(e)
        entries[key] = list
    }
}

/// A successful read of the stack copy: offset from its start, size (at most 8) and the bytes as a word.
struct StackRead {
    var offset: Int
    var size: Int
    var value: UInt64
}

/// What an unwinding read from the stack copy (reads of more than 8 bytes make the result uncacheable).
final class StackReadLog {
    var reads: [StackRead] = []
    var cacheable = true
}

/// A stack copy that notes each successful read in its log.
struct LoggedStack: MemoryReader {
    let copy: StackCopy
    let log = StackReadLog()

    func read(_ address: UInt64, into buffer: UnsafeMutableRawBufferPointer) -> Bool {
        guard copy.read(address, into: buffer) else { return false }
        if buffer.count <= 8, let v = StackCopy.word(copy.bytes, Int(address - copy.base), buffer.count) {
            log.reads.append(StackRead(offset: Int(address - copy.base), size: buffer.count, value: v))
        } else {
            log.cacheable = false
        }
        return true
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

    /// A word of 1, 2, 4 or 8 bytes at `offset` of a copy (nil out of range or for other sizes).
    static func word(_ bytes: Bytes, _ offset: Int, _ size: Int) -> UInt64? {
        switch size {
        case 8: return try? bytes.u64(offset)
        case 4: return (try? bytes.u32(offset)).map(UInt64.init)
        case 2: return (try? bytes.u16(offset)).map(UInt64.init)
        case 1: return (try? bytes.u8(offset)).map(UInt64.init)
        default: return nil
        }
    }
}
