import Bytes
import CSonde
import Glibc
import PerfData
import PerfEvents
import Unwind

/// `perf record`: samples a command (or -p processes, -t threads, -a the system) into perf.data that
/// perf reads. With `--call-graph dwarf` the user stacks are unwound at record time with our CFI unwinder
/// and written as call chains, so files stay small; `--keep-stacks` keeps perf's raw register and stack copies.
public enum Record {
    public struct Options {
        public var events: [EventSpec] = []
        public var freq: UInt64? = nil
        public var period: UInt64? = nil
        public var callGraph: String? = nil
        public var stackSize: UInt32 = 8192
        public var pids: [Int32] = []
        public var tids: [Int32] = []
        public var systemWide = false
        public var cpus: [Int32]? = nil
        public var output = "perf.data"
        public var pages = 128
        public var quiet = false
        public var inherit = true
        public var keepStacks = false
        public var buildIDs = true
        /// --off-cpu: stacks at sched_switch, weighted by the time until the thread runs again.
        public var offCPU = false
        public var command: [String] = []
    }

    static let optionList: [PerfOption] = [
        .value("e", "event"), .value("F", "freq"), .value("c", "count"), .flag("g", "g"), .value(nil, "call-graph"),
        .value("p", "pid"), .value("t", "tid"), .flag("a", "all-cpus"), .value("C", "cpu"), .value("o", "output"),
        .value("m", "mmap-pages"), .flag("q", "quiet"), .flag("v", "verbose"), .flag("i", "no-inherit"),
        .flag(nil, "keep-stacks"), .flag("N", "no-buildid-cache"), .flag("B", "no-buildid"), .flag("s", "stat"),
        .flag("T", "timestamp"), .flag("P", "period"), .flag("d", "data"), .flag(nil, "off-cpu"), .value(nil, "user-regs"),
        .flag("f", "force"),
    ]

    static func ids(_ s: String, _ what: String) throws(PerfUsageError) -> [Int32] {
        var out: [Int32] = []
        for p in s.split(separator: ",") {
            guard let n = Int32(p), n > 0 else { throw PerfUsageError("invalid \(what) `\(p)'") }
            out.append(n)
        }
        return out
    }

    public static func parse(_ args: [String]) throws(PerfUsageError) -> Options {
        let a = try PerfArguments.parse(args, options: optionList)
        var o = Options()
        (o.events, o.freq, o.period) = try sampling(a)
        if a.has("g") { o.callGraph = "fp" }
        if let cg = a.value("call-graph") {
            let parts = cg.split(separator: ",")
            guard let mode = parts.first, ["fp", "dwarf", "lbr"].contains(String(mode)) else {
                throw PerfUsageError("invalid --call-graph mode `\(cg)' (fp, dwarf[,size], lbr)")
            }
            if mode == "lbr" { throw PerfUsageError("--call-graph lbr needs Intel LBR hardware, which this machine does not have") }
            o.callGraph = String(mode)
            if parts.count > 1 {
                guard let size = UInt32(parts[1]), size > 0, size <= 65528 else {
                    throw PerfUsageError("invalid dwarf stack size `\(parts[1])' (8 to 65528 bytes)")
                }
                o.stackSize = (size + 7) & ~7
            }
        }
        if let p = a.value("pid") { o.pids = try ids(p, "pid") }
        if let t = a.value("tid") { o.tids = try ids(t, "tid") }
        o.systemWide = a.has("all-cpus")
        if let c = a.value("cpu") {
            guard let l = CPUList.parse(c) else { throw PerfUsageError("invalid CPU list `\(c)'") }
            o.cpus = l
            o.systemWide = true
        }
        if let out = a.value("output") { o.output = out }
        if let m = a.value("mmap-pages") {
            guard let v = Int(m), v > 0, v & (v - 1) == 0 else { throw PerfUsageError("--mmap-pages/-m value must be a power of two") }
            o.pages = v
        }
        o.quiet = a.has("quiet")
        o.inherit = !a.has("no-inherit")
        o.keepStacks = a.has("keep-stacks")
        o.buildIDs = !a.has("no-buildid")
        o.offCPU = a.has("off-cpu")
        o.command = a.positional
        if o.command.isEmpty && o.pids.isEmpty && o.tids.isEmpty && !o.systemWide {
            throw PerfUsageError("no command to run and no target (-p, -t, -a): usage: sonde perf record [options] -- command [args]")
        }
        if o.events.isEmpty { o.events = [try! EventSpec.parse("cpu-clock")] }
        if o.offCPU {
            // Off-CPU time needs stacks at the switch: frame pointers unless a mode was given.
            if o.callGraph == nil { o.callGraph = "fp" }
            o.events.append(try! EventSpec.parse("sched:sched_switch"))
        }
        return o
    }

    /// `-e`, `-F freq|max` and `-c count`, shared by record and top.
    static func sampling(_ a: PerfArguments) throws(PerfUsageError) -> (events: [EventSpec], freq: UInt64?, period: UInt64?) {
        var events: [EventSpec] = []
        for e in a.values("event") {
            do {
                for g in try EventList.parse(e) { events += g.events }
            } catch { throw PerfUsageError(error.description) }
        }
        var freq: UInt64? = nil, period: UInt64? = nil
        if let f = a.value("freq") {
            if f == "max" { freq = UInt64(maxSampleRate()) } else {
                guard let v = UInt64(f), v > 0 else { throw PerfUsageError("invalid frequency `\(f)'") }
                freq = v
            }
        }
        if let c = a.value("count") {
            guard let v = UInt64(c), v > 0 else { throw PerfUsageError("invalid count `\(c)'") }
            period = v
        }
        return (events, freq, period)
    }

    static func maxSampleRate() -> Int {
        guard let t = readSmallText("/proc/sys/kernel/perf_event_max_sample_rate"), let v = Int(t) else { return 4000 }
        return v
    }

    nonisolated(unsafe) static var interrupted: Int32 = 0

    public static func run(_ args: [String]) throws -> Int32 {
        let o = try parse(args)
        return try Recorder(o).run()
    }
}

/// A small /proc or /sys text file, trimmed; nil when unreadable.
func readSmallText(_ path: String) -> String? {
    let fd = Glibc.open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { return nil }
    defer { Glibc.close(fd) }
    var buf = [UInt8](repeating: 0, count: 4096)
    let n = Glibc.read(fd, &buf, buf.count)
    guard n >= 0 else { return nil }
    return String(decoding: buf.prefix(n), as: UTF8.self).trimmingSpaces.split(separator: "\n").first.map(String.init) ?? ""
}
