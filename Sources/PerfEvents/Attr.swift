import CSonde
import Glibc
import PerfData

public enum PerfAttr {
    /// A zeroed attr of this kernel ABI's size.
    public static func blank() -> perf_event_attr {
        var a = perf_event_attr()
        a.size = UInt32(MemoryLayout<perf_event_attr>.size)
        return a
    }

    /// The attr perf stat opens for an event: its type/config and modifier bits, read_format
    /// TOTAL_TIME_ENABLED|TOTAL_TIME_RUNNING|ID, sample_type IDENTIFIER, disabled, inherit.
    /// Tracepoints get their id from tracefs.
    public static func counting(_ spec: EventSpec, tracefs: String = Tracefs.root) throws(PerfEventError) -> perf_event_attr {
        var a = blank()
        a.type = spec.type
        a.config = spec.config
        if case .tracepoint(let sys, let name) = spec.kind {
            a.config = try Tracefs.tracepointID(system: sys, name: name, root: tracefs)
        }
        if case .tool = spec.kind { throw PerfEventError(kind: .notSupported, what: spec.displayName) }
        apply(spec.modifiers, to: &a)
        a.read_format = ReadFormat.totalTimeEnabled.rawValue | ReadFormat.totalTimeRunning.rawValue | ReadFormat.id.rawValue
        a.sample_type = SampleType.identifier.rawValue
        a.disabled = 1
        a.inherit = 1
        return a
    }

    /// A sampling attr for an `-e` event (perf record/top): `Sampler.defaultAttr` (mmap/comm/task,
    /// sample_id_all, enable_on_exec, inherit) with the event's type/config and modifier bits, sampling at
    /// `freq` Hz, or every `period` events when given.
    public static func sampling(_ spec: EventSpec, freq: UInt64 = 999, period: UInt64? = nil, callchain: Bool = false,
                                enableOnExec: Bool = true, tracefs: String = Tracefs.root) throws(PerfEventError) -> perf_event_attr {
        var a = Sampler.defaultAttr(freq: freq, callchain: callchain, enableOnExec: enableOnExec)
        a.type = spec.type
        a.config = spec.config
        if case .tracepoint(let sys, let name) = spec.kind {
            a.config = try Tracefs.tracepointID(system: sys, name: name, root: tracefs)
            // perf samples every tracepoint hit (period 1) and records its RAW payload.
            a.freq = 0
            a.sample_period = 1
            a.sample_type |= SampleType.raw.rawValue | SampleType.cpu.rawValue
        }
        if case .tool = spec.kind { throw PerfEventError(kind: .notSupported, what: spec.displayName) }
        if let period {
            a.freq = 0
            a.sample_period = period
        }
        apply(spec.modifiers, to: &a)
        return a
    }

    /// Sets the exclude_*, precise_ip, pinned and exclusive bits of a modifier string.
    public static func apply(_ m: EventModifiers, to a: inout perf_event_attr) {
        a.exclude_user = m.excludeUser ? 1 : 0
        a.exclude_kernel = m.excludeKernel ? 1 : 0
        a.exclude_hv = m.excludeHV ? 1 : 0
        a.exclude_guest = m.excludeGuest ? 1 : 0
        a.exclude_host = m.excludeHost ? 1 : 0
        a.exclude_idle = m.excludeIdle ? 1 : 0
        a.precise_ip = UInt64(m.preciseIP)
        a.pinned = m.pinned ? 1 : 0
        a.exclusive = m.exclusive ? 1 : 0
    }
}

/// Where tracefs lives and what it says about tracepoints.
public enum Tracefs {
    /// /sys/kernel/tracing, or the debugfs path on older systems.
    public static var root: String {
        if access("/sys/kernel/tracing/events", F_OK) == 0 { return "/sys/kernel/tracing" }
        if access("/sys/kernel/debug/tracing/events", F_OK) == 0 { return "/sys/kernel/debug/tracing" }
        return "/sys/kernel/tracing"
    }

    /// The id of `sys:name` from `events/<sys>/<name>/id`.
    public static func tracepointID(system: String, name: String, root: String = Tracefs.root) throws(PerfEventError) -> UInt64 {
        let path = "\(root)/events/\(system)/\(name)/id"
        guard let s = readSmallFile(path), let id = UInt64(s.filter { !$0.isWhitespace }) else {
            if errno == EACCES || errno == EPERM {
                throw PerfEventError(kind: .permission(paranoid: paranoidLevel()), what: "\(system):\(name)", errno: errno)
            }
            throw PerfEventError(kind: .unknownTracepoint("\(system):\(name)"), what: "\(system):\(name)", errno: ENOENT)
        }
        return id
    }

    /// Tracepoint names by id ("sched:sched_switch"), for naming attrs read from files.
    public static func tracepointNames(root: String = Tracefs.root) -> [UInt64: String] {
        var out: [UInt64: String] = [:]
        for (sys, ev) in tracepoints(root: root) {
            if let s = readSmallFile("\(root)/events/\(sys)/\(ev)/id"), let id = UInt64(s.filter { !$0.isWhitespace }) {
                out[id] = "\(sys):\(ev)"
            }
        }
        return out
    }

    /// Every tracepoint as (system, event), sorted as perf list sorts them (byte order of each part).
    public static func tracepoints(root: String = Tracefs.root) -> [(system: String, event: String)] {
        var out: [(String, String)] = []
        for sys in listDirectory("\(root)/events").sorted(by: byteLess) {
            let dir = "\(root)/events/\(sys)"
            guard isDirectory(dir) else { continue }
            for ev in listDirectory(dir).sorted(by: byteLess) where isDirectory("\(dir)/\(ev)") {
                // perf lists events that have an id (enable/filter files are not events).
                if access("\(dir)/\(ev)/id", F_OK) == 0 { out.append((sys, ev)) }
            }
        }
        return out
    }

    /// The tracing data perf stores with recordings of tracepoints (their format files, grouped by system in
    /// first-use order, and tracefs's page and event headers, printk formats and saved command names).
    /// Files that cannot be read are left empty.
    public static func tracingData(for tracepoints: [(system: String, name: String)], root: String = Tracefs.root) -> TracingData {
        var t = TracingData()
        t.pageSize = UInt32(sysconf(Int32(_SC_PAGESIZE)))
        t.headerPage = readFileBytes("\(root)/events/header_page") ?? []
        t.headerEvent = readFileBytes("\(root)/events/header_event") ?? []
        var seen = Set<String>()
        for (sys, name) in tracepoints where seen.insert(sys + ":" + name).inserted {
            guard let format = readFileBytes("\(root)/events/\(sys)/\(name)/format") else { continue }
            if sys == "ftrace" { t.ftraceFormats.append(format); continue }
            if let i = t.systems.firstIndex(where: { $0.name == sys }) { t.systems[i].formats.append(format) } else {
                t.systems.append(TracingData.System(name: sys, formats: [format]))
            }
        }
        t.printkFormats = readFileBytes("\(root)/printk_formats") ?? []
        t.savedCmdlines = readFileBytes("\(root)/saved_cmdlines") ?? []
        return t
    }

    static func byteLess(_ a: String, _ b: String) -> Bool { Array(a.utf8).lexicographicallyPrecedes(Array(b.utf8)) }
}

/// The names in a directory (not "." or ".."), unsorted; empty when it cannot be read.
public func listDirectory(_ path: String) -> [String] {
    guard let d = opendir(path) else { return [] }
    defer { closedir(d) }
    var out: [String] = []
    while let e = readdir(d) {
        let name = withUnsafePointer(to: e.pointee.d_name) { $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) } }
        if name != "." && name != ".." { out.append(name) }
    }
    return out
}

func isDirectory(_ path: String) -> Bool {
    var st = stat()
    return stat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR
}

/// CPU lists: "0-3,5" (sysfs and perf's -C).
public enum CPUList {
    /// Parses "0-3,5,7-8"; nil on bad syntax.
    public static func parse(_ s: String) -> [Int32]? {
        var out: [Int32] = []
        for part in s.split(separator: ",") {
            let t = part.filter { !$0.isWhitespace }
            if let dash = t.firstIndex(of: "-") {
                guard let a = Int32(t[..<dash]), let b = Int32(t[t.index(after: dash)...]), a >= 0, a <= b, b - a < 65536 else { return nil }
                out += Array(a...b)
            } else {
                guard let v = Int32(t), v >= 0 else { return nil }
                out.append(v)
            }
        }
        return out.isEmpty ? nil : out
    }

    /// The online CPUs (/sys/devices/system/cpu/online).
    public static func online() -> [Int32] {
        if let s = readSmallFile("/sys/devices/system/cpu/online"), let l = parse(s) { return l }
        let n = sysconf(Int32(_SC_NPROCESSORS_ONLN))
        return (0..<Int32(max(1, n))).map { $0 }
    }
}
