import CSonde
import Glibc
import PerfData

/// Sampling events for `perf record`/`perf top`: every attr opened once per (thread, CPU), all of a
/// CPU's events funnelled (PERF_EVENT_IOC_SET_OUTPUT) into one ring buffer per CPU.
/// Per-CPU events are required to follow children: the kernel refuses to mmap an inherited event
/// opened with cpu == -1.
public final class Sampler: @unchecked Sendable {
    /// Every event fd: counters[attr][thread][cpuIndex].
    public let counters: [[[Counter]]]
    /// One buffer per CPU, in `cpus` order.
    public let buffers: [RingBuffer]
    public let cpus: [Int32]
    public let pids: [Int32]

    /// Opens `attrs` (sample_type, freq/period, callchain, regs/stack user, mmap/comm/task/
    /// sample_id_all/enable_on_exec... as the caller sets them) for each of `pids` (-1: system-wide)
    /// on each of `cpus` (default: the online CPUs). `dataPages` per buffer: a power of two (128 =
    /// 512 KiB with 4 KiB pages, perf's default). `names` name the attrs in errors.
    public init(attrs: [perf_event_attr], pids: [Int32], cpus: [Int32]? = nil, dataPages: Int = 128, names: [String]? = nil) throws(PerfEventError) {
        precondition(!attrs.isEmpty && !pids.isEmpty)
        let cpus = cpus ?? CPUList.online()
        self.cpus = cpus
        self.pids = pids
        var all: [[[Counter]]] = []
        var firstPerCPU: [Counter?] = Array(repeating: nil, count: cpus.count)
        for (ai, attr) in attrs.enumerated() {
            var perPid: [[Counter]] = []
            for pid in pids {
                var perCPU: [Counter] = []
                for (ci, cpu) in cpus.enumerated() {
                    let c = try Counter(attr: attr, pid: pid, cpu: cpu, what: names?[ai] ?? "sampling event")
                    if firstPerCPU[ci] == nil { firstPerCPU[ci] = c }
                    perCPU.append(c)
                }
                perPid.append(perCPU)
            }
            all.append(perPid)
        }
        counters = all
        var bufs: [RingBuffer] = []
        for (ci, first) in firstPerCPU.enumerated() {
            guard let first else { continue }
            bufs.append(try RingBuffer(fd: first.fd, dataPages: dataPages))
            for perPid in all {
                for perCPU in perPid where perCPU[ci] !== first {
                    if sonde_perf_ioctl(perCPU[ci].fd, SONDE_PERF_IOC_SET_OUTPUT, UInt(first.fd)) != 0 {
                        let e = errno
                        throw PerfEventError(kind: .system(e), what: "PERF_EVENT_IOC_SET_OUTPUT", errno: e)
                    }
                }
            }
        }
        buffers = bufs
    }

    /// Convenience: one attr, one process (and the children it forks), every online CPU.
    public convenience init(attr: perf_event_attr, pid: Int32, cpus: [Int32]? = nil, dataPages: Int = 128) throws(PerfEventError) {
        try self.init(attrs: [attr], pids: [pid], cpus: cpus, dataPages: dataPages)
    }

    /// The kernel ids of attr `i`'s events (for perf.data's attr ids / ID_INDEX).
    public func ids(ofAttr i: Int) -> [UInt64] { counters[i].flatMap { $0.map(\.id) } }

    public func enable() { for a in counters { for p in a { for c in p { c.enable() } } } }
    public func disable() { for a in counters { for p in a { for c in p { c.disable() } } } }

    /// Waits for data on any buffer (or until the timeout, ms; -1 forever). False on timeout.
    public func poll(timeoutMs: Int32) -> Bool { RingBuffer.poll(buffers.map(\.fd), timeoutMs: timeoutMs) }

    /// Drains every buffer; `body` gets the CPU and one raw record (header included, valid during the
    /// call). Returns the number of records.
    @discardableResult
    public func drain(_ body: (_ cpu: Int32, _ record: UnsafeRawBufferPointer) throws -> Void) rethrows -> Int {
        var n = 0
        for (i, b) in buffers.enumerated() {
            let cpu = cpus[i]
            n += try b.drain { try body(cpu, $0) }
        }
        return n
    }

    /// PERF_RECORD_LOST totals over all buffers.
    public var lostEvents: UInt64 { buffers.reduce(0) { $0 &+ $1.lostEvents } }
    public var lostRecords: UInt64 { buffers.reduce(0) { $0 &+ $1.lostRecords } }

    /// perf record's default sampling attr: cpu-clock (no hardware PMU here) at `freq` Hz, sample_type
    /// IP|TID|TIME|PERIOD (+CALLCHAIN with `callchain`), disabled + enable_on_exec, mmap/mmap2/comm/
    /// comm_exec/task, sample_id_all, inherit. Callers adjust fields as they need.
    public static func defaultAttr(freq: UInt64 = 999, callchain: Bool = false, enableOnExec: Bool = true) -> perf_event_attr {
        var a = PerfAttr.blank()
        a.type = 1  // PERF_TYPE_SOFTWARE
        a.config = 0  // PERF_COUNT_SW_CPU_CLOCK
        a.freq = 1
        a.sample_freq = freq
        a.sample_type = SampleType.ip.rawValue | SampleType.tid.rawValue | SampleType.time.rawValue | SampleType.period.rawValue | (callchain ? SampleType.callchain.rawValue : 0)
        a.disabled = 1
        a.inherit = 1
        a.enable_on_exec = enableOnExec ? 1 : 0
        a.mmap = 1
        a.mmap2 = 1
        a.comm = 1
        a.comm_exec = 1
        a.task = 1
        a.sample_id_all = 1
        a.exclude_guest = 1
        return a
    }
}
