import PerfData
import Bytes
import Unwind

/// A sample as the session needs it, whatever file or ring buffer it came from.
public struct SampleInput {
    public var attr: Int = 0
    public var pid: Int32 = -1
    public var tid: Int32 = -1
    public var time: UInt64? = nil
    public var cpu: UInt32? = nil
    public var period: UInt64 = 1
    public var ip: UInt64 = 0
    /// PERF_RECORD_MISC_CPUMODE: 1 kernel, 2 user, 3 hypervisor, 4 guest kernel, 5 guest user.
    public var cpumode: UInt16 = 2
    /// PERF_SAMPLE_CALLCHAIN as recorded: context markers and addresses, leaf first.
    public var callchain: U64List? = nil
    /// PERF_SAMPLE_REGS_USER (abi, mask, values) and PERF_SAMPLE_STACK_USER (the copy from sp on).
    public var userRegisters: (abi: UInt64, mask: UInt64, values: [UInt64])? = nil
    public var userStack: Bytes? = nil
    public init() {}
}

/// Resolves samples of a recording to threads, objects, functions and call chains: the machine model
/// fed with side-band records in time order, plus DWARF unwinding of stack copies.
public final class Session {
    public let machine: Machine
    public var arch: Architecture
    public var maxStack: Int
    public private(set) var unwinder: SampleUnwinder

    public init(source: SymbolSource, arch: Architecture = .x86_64, maxStack: Int = 127) {
        machine = Machine(source: source)
        self.arch = arch
        self.maxStack = maxStack
        unwinder = SampleUnwinder(machine: machine, maxFrames: maxStack)
    }

    static let contextMax: UInt64 = 0xffff_ffff_ffff_f001   // (u64)-4095
    static let contextKernel: UInt64 = 0xffff_ffff_ffff_ff80 // (u64)-128
    static let contextUser: UInt64 = 0xffff_ffff_ffff_fe00   // (u64)-512

    /// The sample's addresses, leaf first, each with its mode: from the recorded call chain (context
    /// markers switch kernel/user), extended by unwinding the user stack copy when there is one.
    public func addresses(_ s: SampleInput) -> [(UInt64, Bool)] {
        var out: [(UInt64, Bool)] = []
        let sampleKernel = s.cpumode == 1 || s.cpumode == 3 || s.cpumode == 4
        if let chain = s.callchain, !chain.isEmpty {
            var kernel = sampleKernel
            for a in chain {
                if a >= Self.contextMax {
                    if a == Self.contextKernel { kernel = true } else if a == Self.contextUser { kernel = false }
                    continue
                }
                out.append((a, kernel))
                if out.count >= maxStack { break }
            }
        }
        if let regs = s.userRegisters, regs.abi == 2, let stack = s.userStack,
           let user = unwinder.unwind(machine.thread(pid: s.pid, tid: s.tid), arch: arch, mask: regs.mask, values: regs.values, stack: stack) {
            // perf records the kernel part as CALLCHAIN (exclude_callchain_user) and the user part as a copy.
            out.removeAll { !$0.1 }
            for a in user.prefix(max(0, maxStack - out.count)) { out.append((a, false)) }
        }
        if out.isEmpty { out.append((s.ip, sampleKernel)) }
        return out
    }

    /// Show functions inlined at each address of a DWARF-unwound stack as call-chain entries of their own.
    /// perf 6.1 adds them when it unwinds a stack copy (unwind_entry), not to call chains the kernel recorded.
    public var inlines = true

    /// Resolves a sample for histograms and scripts.
    public func resolve(_ s: SampleInput) -> ResolvedSample { resolve(s, addresses: addresses(s)) }

    /// Resolves a sample whose addresses (`addresses(_:)`) are already known.
    public func resolve(_ s: SampleInput, addresses: [(UInt64, Bool)]) -> ResolvedSample {
        let thread = machine.thread(pid: s.pid, tid: s.tid)
        let located = addresses.map { machine.resolve(thread, $0.0, kernel: $0.1) }
        var frames = located
        if inlines && s.userStack != nil && s.userRegisters != nil {
            frames = []
            frames.reserveCapacity(located.count)
            for (i, l) in located.enumerated() {
                if let dso = l.dso, let base = l.symbol, !l.kernel {
                    // A return address points after its call: look up the call itself. The first (user) address
                    // is where the thread was, not a return address; an address at a symbol's start stays in it.
                    let exact = i == 0 || located[i - 1].kernel || l.fileAddress == base.start
                    let (inlined, function) = dso.inlined(atFileAddress: exact ? l.fileAddress : l.fileAddress &- 1, base: base)
                    for inl in inlined + [function] {
                        var f = l
                        f.symbol = inl
                        frames.append(f)
                    }
                    continue
                }
                frames.append(l)
            }
        }
        return ResolvedSample(thread: thread, comm: thread.comm, cpu: s.cpu.map { Int32(bitPattern: $0) } ?? -1, period: s.period,
                              frames: frames, leaf: located.first)
    }
}
