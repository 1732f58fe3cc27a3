import Glibc
import CSonde
import ProcFS
import Render

/// Scheduling policies of sched(7).
public enum SchedPolicy: Int32, Sendable, CaseIterable {
    case other = 0, fifo = 1, rr = 2, batch = 3, idle = 5, deadline = 6

    /// The name util-linux prints ("SCHED_OTHER"...).
    public var name: String {
        switch self {
        case .other: return "SCHED_OTHER"
        case .fifo: return "SCHED_FIFO"
        case .rr: return "SCHED_RR"
        case .batch: return "SCHED_BATCH"
        case .idle: return "SCHED_IDLE"
        case .deadline: return "SCHED_DEADLINE"
        }
    }

    /// Name of a raw policy number as returned by the kernel; "unknown" otherwise.
    public static func name(raw: Int64) -> String {
        let base = raw & ~Int64(SONDE_SCHED_RESET_ON_FORK)
        guard let p = Int32(exactly: base).flatMap(SchedPolicy.init(rawValue:)) else { return "unknown" }
        return p.name
    }

    /// The order chrt -m lists them in.
    public static let listingOrder: [SchedPolicy] = [.other, .fifo, .rr, .batch, .idle, .deadline]
}

/// What sched_getattr reports for one task.
public struct SchedInfo: Sendable, Equatable {
    public var pid: Int32
    public var policy: Int32
    public var resetOnFork: Bool
    public var priority: Int32
    public var nice: Int32
    /// SCHED_DEADLINE parameters in nanoseconds.
    public var runtime: UInt64
    public var deadline: UInt64
    public var period: UInt64

    public init(pid: Int32, policy: Int32, resetOnFork: Bool = false, priority: Int32 = 0, nice: Int32 = 0,
                runtime: UInt64 = 0, deadline: UInt64 = 0, period: UInt64 = 0) {
        self.pid = pid
        self.policy = policy
        self.resetOnFork = resetOnFork
        self.priority = priority
        self.nice = nice
        self.runtime = runtime
        self.deadline = deadline
        self.period = period
    }

    public var policyName: String { SchedPolicy.name(raw: Int64(policy)) }

    public var json: JSON {
        var o: [(String, JSON)] = [("pid", .int(Int64(pid))), ("policy", .string(policyName)), ("reset_on_fork", .bool(resetOnFork)),
                                   ("priority", .int(Int64(priority))), ("nice", .int(Int64(nice)))]
        if policy == SchedPolicy.deadline.rawValue {
            o += [("runtime_ns", .int(Int64(clamping: runtime))), ("deadline_ns", .int(Int64(clamping: deadline))),
                  ("period_ns", .int(Int64(clamping: period)))]
        }
        return .object(o)
    }
}

/// util-linux chrt's text.
public enum ChrtText {
    /// The "pid N's current scheduling policy/priority" lines ("new" after a change).
    public static func info(_ i: SchedInfo, altered: Bool = false) -> String {
        let word = altered ? "new" : "current"
        var s = "pid \(i.pid)'s \(word) scheduling policy: \(i.policyName)"
        if i.resetOnFork { s += "|SCHED_RESET_ON_FORK" }
        s += "\npid \(i.pid)'s \(word) scheduling priority: \(i.priority)\n"
        if i.policy == SchedPolicy.deadline.rawValue {
            s += "pid \(i.pid)'s \(word) runtime/deadline/period parameters: \(i.runtime)/\(i.deadline)/\(i.period)\n"
        }
        return s
    }

    /// chrt -m: one line per policy, or "not supported?" when the kernel refuses it.
    public static func minMax(_ ranges: [(SchedPolicy, ClosedRange<Int32>?)]) -> String {
        var s = ""
        for (p, r) in ranges {
            if let r { s += "\(p.name) min/max priority\t: \(r.lowerBound)/\(r.upperBound)\n" } else { s += "\(p.name) not supported?\n" }
        }
        return s
    }

    public static func minMaxJSON(_ ranges: [(SchedPolicy, ClosedRange<Int32>?)]) -> JSON {
        .array(ranges.map { p, r in
            .object([("policy", .string(p.name)), ("min", r.map { .int(Int64($0.lowerBound)) } ?? .null),
                     ("max", r.map { .int(Int64($0.upperBound)) } ?? .null)])
        })
    }
}

/// A request to change scheduling, validated as util-linux validates it.
public struct SchedRequest: Sendable, Equatable {
    public var policy: SchedPolicy
    public var priority: Int32
    public var resetOnFork: Bool
    public var runtime: UInt64
    public var deadline: UInt64
    public var period: UInt64

    /// Checks the combination and fills deadline defaults (deadline = period,
    /// runtime = deadline when not given). `range` gives valid priorities per policy.
    public static func validated(policy: SchedPolicy, priority: Int32, resetOnFork: Bool, runtime: UInt64, deadline: UInt64,
                                 period: UInt64, range: (SchedPolicy) -> ClosedRange<Int32>?) throws(ToolError) -> SchedRequest {
        if (runtime != 0 || deadline != 0 || period != 0) && policy != .deadline {
            throw ToolError("--sched-{runtime,deadline,period} options are supported for SCHED_DEADLINE only")
        }
        var r = SchedRequest(policy: policy, priority: priority, resetOnFork: resetOnFork, runtime: runtime, deadline: deadline, period: period)
        if policy == .deadline {
            if r.deadline == 0 { r.deadline = r.period }
            if r.runtime == 0 { r.runtime = r.deadline }
        }
        guard let valid = range(policy), valid.contains(priority) else {
            throw ToolError("unsupported priority value for the policy: \(priority): see --max for valid range")
        }
        return r
    }
}

/// The live scheduler: sched_getattr/sched_setscheduler/sched_setattr.
public enum Scheduler {
    public static func priorityRange(_ p: SchedPolicy) -> ClosedRange<Int32>? {
        let lo = sched_get_priority_min(p.rawValue), hi = sched_get_priority_max(p.rawValue)
        guard lo >= 0, hi >= 0, lo <= hi else { return nil }
        return lo...hi
    }

    public static var allRanges: [(SchedPolicy, ClosedRange<Int32>?)] { SchedPolicy.listingOrder.map { ($0, priorityRange($0)) } }

    /// Scheduling of one task; pid 0 means the caller and is reported as its PID.
    public static func get(_ pid: Int32) throws(ToolError) -> SchedInfo {
        let shown = pid == 0 ? getpid() : pid
        var a = sonde_sched_attr()
        if sonde_sched_getattr(shown, &a) != 0 {
            throw ToolError("failed to get pid \(shown)'s policy: \(String(cString: strerror(errno)))")
        }
        return SchedInfo(pid: shown, policy: Int32(bitPattern: a.sched_policy), resetOnFork: a.sched_flags & UInt64(SONDE_SCHED_FLAG_RESET_ON_FORK) != 0,
                         priority: Int32(bitPattern: a.sched_priority), nice: a.sched_nice,
                         runtime: a.sched_runtime, deadline: a.sched_deadline, period: a.sched_period)
    }

    /// Applies a request to one task. Like util-linux, sched_setscheduler for the
    /// classic policies (so the nice value is kept) and sched_setattr for SCHED_DEADLINE.
    public static func set(_ pid: Int32, _ r: SchedRequest) -> Int32? {
        if r.policy == .deadline {
            var a = sonde_sched_attr()
            a.size = UInt32(MemoryLayout<sonde_sched_attr>.size)
            a.sched_policy = UInt32(r.policy.rawValue)
            a.sched_priority = UInt32(bitPattern: r.priority)
            a.sched_runtime = r.runtime
            a.sched_deadline = r.deadline
            a.sched_period = r.period
            if r.resetOnFork { a.sched_flags |= UInt64(SONDE_SCHED_FLAG_RESET_ON_FORK) }
            return sonde_sched_setattr(pid, &a) == 0 ? nil : errno
        }
        var param = sched_param()
        param.sched_priority = r.priority
        let policy = r.policy.rawValue | (r.resetOnFork ? Int32(SONDE_SCHED_RESET_ON_FORK) : 0)
        return sched_setscheduler(pid, policy, &param) == 0 ? nil : errno
    }

    /// The tasks -a operates on: every thread of the process.
    public static func tasks(of pid: Int32, fs: ProcFS = ProcFS()) throws(ToolError) -> [Int32] {
        do { return try fs.threadIDs(pid) } catch {
            throw ToolError("cannot obtain the list of tasks: \(error)")
        }
    }

    /// Sets every target; the first failure ends the run with util-linux's message.
    public static func apply(_ r: SchedRequest, pid: Int32, allTasks: Bool, fs: ProcFS = ProcFS()) throws(ToolError) {
        if allTasks {
            for tid in try tasks(of: pid, fs: fs) {
                if let e = set(tid, r) { throw ToolError("failed to set tid \(tid)'s policy: \(String(cString: strerror(e)))") }
            }
        } else if let e = set(pid, r) {
            throw ToolError("failed to set pid \(pid)'s policy: \(String(cString: strerror(e)))")
        }
    }

    /// Replaces this process with the command (PATH searched). Returns only on
    /// failure, with the errno and util-linux's exit status (127 not found, else 126).
    public static func exec(_ argv: [String]) -> (errno: Int32, status: Int32) {
        var cargs: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) }
        cargs.append(nil)
        execvp(argv[0], &cargs)
        let e = errno
        for p in cargs { free(p) }
        return (e, e == ENOENT ? 127 : 126)
    }
}
