import CSonde
import Glibc
import PerfData

/// What a set of counters watches: threads (cpu -1), CPUs (pid -1), or both.
public struct CountTarget: Sendable, Equatable {
    /// Thread or process ids; [-1] = every process (system-wide).
    public var pids: [Int32]
    /// CPUs; [-1] = wherever the threads run.
    public var cpus: [Int32]
    public init(pids: [Int32], cpus: [Int32]) { self.pids = pids; self.cpus = cpus }
    /// A process and the children it forks after opening (inherit).
    public static func process(_ pid: Int32) -> CountTarget { CountTarget(pids: [pid], cpus: [-1]) }
    public static func threads(_ tids: [Int32]) -> CountTarget { CountTarget(pids: tids, cpus: [-1]) }
    public static func systemWide(cpus: [Int32]) -> CountTarget { CountTarget(pids: [-1], cpus: cpus) }
    /// (pid, cpu) pairs, pid-major.
    public var instances: [(pid: Int32, cpu: Int32)] { pids.flatMap { p in cpus.map { (p, $0) } } }
}

/// Every event of a `-e` list opened on every (pid, cpu) of a target, as perf stat opens them.
/// Events the machine cannot count are kept and marked unsupported (perf prints `<not supported>`).
public final class CounterSet: @unchecked Sendable {
    public struct Event: Sendable {
        public let spec: EventSpec
        public let groupIndex: Int
        /// nil when opened; the error when the event is not supported here.
        public var unsupported: PerfEventError?
    }
    public private(set) var events: [Event] = []
    public let target: CountTarget
    /// counters[event][instance]; nil where the event is unsupported.
    var counters: [[Counter?]] = []
    var groups: [[Int]] = []

    /// Opens everything. `enableOnExec`: events start counting when the target execs (perf stat's
    /// `-- command`); otherwise call `enable()`. Fatal errors (permission, no such process) throw.
    public init(groups eventGroups: [EventGroup], target: CountTarget, enableOnExec: Bool, inherit: Bool = true) throws(PerfEventError) {
        self.target = target
        let inst = target.instances
        for (gi, g) in eventGroups.enumerated() {
            var idxs: [Int] = []
            var leaders: [Counter?] = Array(repeating: nil, count: inst.count)
            for spec in g.events {
                var ev = Event(spec: spec, groupIndex: gi, unsupported: nil)
                var row: [Counter?] = []
                if case .tool = spec.kind {
                    // duration_time, user_time, system_time: measured by the caller, nothing to open.
                    idxs.append(events.count)
                    events.append(ev)
                    counters.append(Array(repeating: nil, count: inst.count))
                    continue
                }
                do {
                    var a = try PerfAttr.counting(spec)
                    a.inherit = inherit ? 1 : 0
                    for (k, (pid, cpu)) in inst.enumerated() {
                        var aa = a
                        let leader = g.isGroup ? leaders[k] : nil
                        if leader != nil { aa.disabled = 0; aa.enable_on_exec = 0 } else {
                            aa.enable_on_exec = enableOnExec ? 1 : 0
                        }
                        // Members share the leader's PMU schedule (group_fd); each is read on its own,
                        // as perf stat does, so inherit works (the kernel refuses GROUP reads of inherited events).
                        let c = try Counter(attr: aa, pid: pid, cpu: cpu, group: leader, what: spec.displayName)
                        if g.isGroup && leaders[k] == nil { leaders[k] = c }
                        row.append(c)
                    }
                } catch {
                    if error.isNotSupported {
                        ev.unsupported = error
                        row = Array(repeating: nil, count: inst.count)
                    } else {
                        throw error
                    }
                }
                idxs.append(events.count)
                events.append(ev)
                counters.append(row)
            }
            groups.append(idxs)
        }
    }

    public func enable() { for row in counters { for c in row { c?.enable() } } }
    public func disable() { for row in counters { for c in row { c?.disable() } } }
    public func reset() { for row in counters { for c in row { c?.reset() } } }

    /// values[event][instance] (instances in `target.instances` order); zero for unsupported events.
    public func read() throws(PerfEventError) -> [[CounterValue]] {
        var out: [[CounterValue]] = []
        for row in counters {
            var r: [CounterValue] = []
            for c in row { r.append(try c?.read() ?? CounterValue()) }
            out.append(r)
        }
        return out
    }
}
