import ProcFS
import Render

// The pure part of top: samples in, summary numbers and ordered rows out.
// Nothing here touches the live system, so tests feed it hand-made samples.

/// One task (process, or thread with -H) as top needs it from one moment.
public struct TopTask: Sendable, Equatable {
    public var pid: Int32
    public var tid: Int32
    public var euid: UInt32
    /// Real, effective, saved, filesystem uids; only read for -U.
    public var uids: [UInt32] = []
    public var state: UInt8
    public var priority: Int64
    public var nice: Int64
    /// utime + stime in clock ticks.
    public var ticks: UInt64
    public var virtKiB: Int64
    public var resKiB: Int64
    public var shrKiB: Int64
    public var threads: Int64
    public var comm: String
    /// argv; nil when not read (only read for rows shown with -c).
    public var cmdline: [String]?

    public init(pid: Int32, tid: Int32, euid: UInt32 = 0, state: UInt8 = UInt8(ascii: "S"), priority: Int64 = 20, nice: Int64 = 0,
                ticks: UInt64 = 0, virtKiB: Int64 = 0, resKiB: Int64 = 0, shrKiB: Int64 = 0, threads: Int64 = 1, comm: String = "",
                cmdline: [String]? = nil) {
        self.pid = pid; self.tid = tid; self.euid = euid; self.state = state; self.priority = priority; self.nice = nice
        self.ticks = ticks; self.virtKiB = virtKiB; self.resKiB = resKiB; self.shrKiB = shrKiB; self.threads = threads
        self.comm = comm; self.cmdline = cmdline
    }
}

/// Everything one refresh reads.
public struct TopSample: Sendable {
    /// /proc/uptime seconds: the clock of %CPU intervals.
    public var uptime: Double
    /// Wall clock (seconds since the epoch) for the "top - HH:MM:SS" line.
    public var wallClock: Int
    public var tasks: [TopTask]
    public var cpu: SystemStat
    public var mem: MemInfo
    public var load: LoadAverage
    public var users: Int

    public init(uptime: Double, wallClock: Int, tasks: [TopTask], cpu: SystemStat, mem: MemInfo, load: LoadAverage, users: Int) {
        self.uptime = uptime; self.wallClock = wallClock; self.tasks = tasks; self.cpu = cpu; self.mem = mem
        self.load = load; self.users = users
    }
}

/// Sort fields top knows by their column names.
public enum TopSortField: String, Sendable, CaseIterable {
    case pid = "PID", user = "USER", pr = "PR", ni = "NI", virt = "VIRT", res = "RES", shr = "SHR", state = "S"
    case cpu = "%CPU", mem = "%MEM", time = "TIME+", command = "COMMAND"

    public init?(column: String) {
        if column == "TIME" { self = .time; return }
        self.init(rawValue: column)
    }
}

/// Memory scaling of -E (summary) and -e (task columns).
public enum MemScale: Int, Sendable {
    case k = 0, m, g, t, p, e
    public init?(letter: String) {
        guard letter.count == 1, let i = Array("kmgtpe").firstIndex(of: Character(letter.lowercased())) else { return nil }
        self.init(rawValue: i)
    }
    public var label: String { ["KiB", "MiB", "GiB", "TiB", "PiB", "EiB"][rawValue] }
}

/// User filter of -u (effective uid) or -U (any uid); `negate` for a leading '!'.
public struct TopUserFilter: Sendable, Equatable {
    public var uid: UInt32
    public var anyUID: Bool
    public var negate: Bool
    public init(uid: UInt32, anyUID: Bool = false, negate: Bool = false) { self.uid = uid; self.anyUID = anyUID; self.negate = negate }

    public func matches(_ t: TopTask) -> Bool {
        let hit = anyUID ? (t.uids.isEmpty ? t.euid == uid : t.uids.contains(uid)) : t.euid == uid
        return hit != negate
    }
}

/// The view settings that change what a frame shows.
public struct TopView: Sendable, Equatable {
    public var sort: TopSortField = .cpu
    /// procps "normal" order: highest first.
    public var sortDescending = true
    public var threads = false
    public var commandLine = false
    public var showIdle = true
    public var perCPU = false
    public var irix = true
    public var summaryScale: MemScale = .m
    public var taskScale: MemScale = .k
    public var user: TopUserFilter?
    public var pids: [Int32] = []
    public init() {}
}

/// One computed row (numbers, not yet text).
public struct TopRow: Sendable, Equatable {
    public var task: TopTask
    /// Ticks used since the previous sample (all ticks for a task not seen before).
    public var deltaTicks: UInt64
    /// %CPU after procps' caps (threads × 100, CPU count × 100 in Irix mode, 99.9 otherwise).
    public var cpuPercent: Double
    public var memPercent: Double
    public var user: String
}

/// Summary numbers of one frame.
public struct TopSummary: Sendable {
    public var wallClock: Int
    public var uptime: Double
    public var users: Int
    public var load: LoadAverage
    public var total = 0, running = 0, sleeping = 0, stopped = 0, zombie = 0
    public var threadsMode = false
    /// us, sy, ni, id, wa, hi, si, st percentages of the interval; [0] is all CPUs, then per CPU.
    public var cpuLabels: [String] = []
    public var cpuPercents: [[Double]] = []
    public var mem: MemInfo
}

public struct TopFrame: Sendable {
    public var summary: TopSummary
    public var rows: [TopRow]
    public var elapsed: Double
}

public enum TopModel {
    /// CPU state percentages of one CPU over an interval, in procps' order (us sy ni id wa hi si st).
    public static func cpuPercents(_ d: CPUTimes) -> [Double] {
        // procps counts guest time inside user/nice already; total is the sum of the eight states.
        var total = Double(d.total)
        var idle = Double(d.idle)
        if total < 1 { total = 1; idle = 1 }
        let s = 100.0 / total
        return [Double(d.user) * s, Double(d.system) * s, Double(d.nice) * s, idle * s,
                Double(d.iowait) * s, Double(d.irq) * s, Double(d.softirq) * s, Double(d.steal) * s]
    }

    /// Tallies task states as procps 4.0.2 does: R running; S, D and other (I, P, X) sleeping; T/t stopped; Z zombie.
    public static func tally(_ tasks: [TopTask], into s: inout TopSummary) {
        s.total = tasks.count
        for t in tasks {
            switch t.state {
            case UInt8(ascii: "R"): s.running += 1
            case UInt8(ascii: "T"), UInt8(ascii: "t"): s.stopped += 1
            case UInt8(ascii: "Z"): s.zombie += 1
            default: s.sleeping += 1
            }
        }
    }

    /// Builds one frame from the previous sample (nil: no history, every task's ticks count) and the current one.
    public static func frame(previous: TopSample?, current: TopSample, view: TopView, cpuCount: Int,
                             hertz: Int64 = SystemConstants.clockTicks, userName: (UInt32) -> String) -> TopFrame {
        var summary = TopSummary(wallClock: current.wallClock, uptime: current.uptime, users: current.users, load: current.load, mem: current.mem)
        summary.threadsMode = view.threads
        tally(current.tasks, into: &summary)

        let prevCPU = previous?.cpu ?? SystemStat()
        summary.cpuLabels = ["%Cpu(s):"]
        summary.cpuPercents = [cpuPercents(current.cpu.total.delta(since: prevCPU.total))]
        for n in current.cpu.cpus.keys.sorted() {
            let d = current.cpu.cpus[n]!.delta(since: prevCPU.cpus[n] ?? CPUTimes())
            summary.cpuLabels.append(cpuLabel(n))
            summary.cpuPercents.append(cpuPercents(d))
        }

        var et = current.uptime - (previous?.uptime ?? 0)
        if previous == nil { et = current.uptime }
        if et < 0.01 { et = 0.005 }
        let cpus = max(1, cpuCount)
        let scale = 100.0 / (Double(hertz) * et * (view.irix ? 1 : Double(cpus)))
        let pmax = (view.irix && cpus > 1 && !view.threads) ? min(100.0 * Double(cpus), cpus > 10 ? 99999.0 : 999.9) : 99.9

        var prevTicks: [Int32: UInt64] = [:]
        if let previous {
            prevTicks.reserveCapacity(previous.tasks.count)
            for t in previous.tasks { prevTicks[t.tid] = t.ticks }
        }
        let memTotal = Double(max(1, current.mem.total))
        var rows: [TopRow] = []
        rows.reserveCapacity(current.tasks.count)
        var names: [UInt32: String] = [:]
        for t in current.tasks {
            if let f = view.user, !f.matches(t) { continue }
            var d = t.ticks
            if let p = prevTicks[t.tid], p <= t.ticks { d = t.ticks - p }
            if !view.showIdle && d == 0 { continue }
            var pc = Double(d) * scale
            let threadCap = 100.0 * Double(max(1, t.threads))
            if pc > threadCap { pc = threadCap }
            if pc > pmax { pc = pmax }
            let name: String
            if let n = names[t.euid] { name = n } else { name = userName(t.euid); names[t.euid] = name }
            rows.append(TopRow(task: t, deltaTicks: d, cpuPercent: pc, memPercent: Double(t.resKiB) * 100 / memTotal, user: name))
        }
        sort(&rows, by: view.sort, descending: view.sortDescending)
        return TopFrame(summary: summary, rows: rows, elapsed: et)
    }

    public static func cpuLabel(_ n: Int) -> String {
        // "%%Cp%c%-3d:" with 'u'.
        let num = String(n)
        return "%Cpu" + num + String(repeating: " ", count: max(0, 3 - num.count)) + ":"
    }

    /// Stable sort (ties keep /proc order, as procps' merge sort does).
    public static func sort(_ rows: inout [TopRow], by field: TopSortField, descending: Bool) {
        func key(_ a: TopRow, _ b: TopRow) -> Int {
            func cmp<T: Comparable>(_ x: T, _ y: T) -> Int { x < y ? -1 : (x > y ? 1 : 0) }
            switch field {
            case .pid: return cmp(a.task.tid, b.task.tid)
            case .user: return cmp(a.user, b.user)
            case .pr: return cmp(a.task.priority, b.task.priority)
            case .ni: return cmp(a.task.nice, b.task.nice)
            case .virt: return cmp(a.task.virtKiB, b.task.virtKiB)
            case .res, .mem: return cmp(a.task.resKiB, b.task.resKiB)
            case .shr: return cmp(a.task.shrKiB, b.task.shrKiB)
            case .state: return cmp(a.task.state, b.task.state)
            case .cpu: return cmp(a.deltaTicks, b.deltaTicks)
            case .time: return cmp(a.task.ticks, b.task.ticks)
            case .command: return cmp(a.task.comm, b.task.comm)
            }
        }
        let indexed = rows.enumerated().map { ($0.offset, $0.element) }
        let sorted = indexed.sorted { x, y in
            let c = key(x.1, y.1)
            if c != 0 { return descending ? c > 0 : c < 0 }
            return x.0 < y.0
        }
        rows = sorted.map { $0.1 }
    }
}
