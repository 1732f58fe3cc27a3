import CSonde
import Glibc
import PerfData

/// One read of a counter: the count and how long it was enabled and actually running on a PMU.
public struct CounterValue: Sendable, Equatable {
    public var value: UInt64
    public var enabled: UInt64
    public var running: UInt64
    public var id: UInt64

    public init(value: UInt64 = 0, enabled: UInt64 = 0, running: UInt64 = 0, id: UInt64 = 0) {
        self.value = value; self.enabled = enabled; self.running = running; self.id = id
    }

    /// Counted at all (perf prints `<not counted>` otherwise).
    public var counted: Bool { running > 0 && enabled > 0 }
    /// value × enabled / running: the estimate perf shows when events were multiplexed.
    public var scaled: Double {
        guard running > 0 else { return 0 }
        if running == enabled { return Double(value) }
        return Double(value) * Double(enabled) / Double(running)
    }
    /// The share of the enabled time the event was on the PMU, as perf prints it `(xx.xx%)`.
    public var runningPercent: Double { enabled == 0 ? 100 : 100 * Double(running) / Double(enabled) }
    /// Multiplexed: perf appends `(xx.xx%)` when running != enabled.
    public var multiplexed: Bool { running != enabled }

    /// Sums of counts and times (aggregating CPUs or threads, as perf does).
    public static func + (a: CounterValue, b: CounterValue) -> CounterValue {
        CounterValue(value: a.value &+ b.value, enabled: a.enabled &+ b.enabled, running: a.running &+ b.running, id: a.id)
    }
    /// The change since an earlier read (interval mode).
    public func delta(since old: CounterValue) -> CounterValue {
        CounterValue(value: value &- old.value, enabled: enabled &- old.enabled, running: running &- old.running, id: id)
    }
}

/// One perf event file descriptor, opened for counting (or sampling: see `Sampler`).
public final class Counter: @unchecked Sendable {
    public let fd: Int32
    public let pid: Int32
    public let cpu: Int32
    public let attr: perf_event_attr
    /// The kernel's id for this event (PERF_EVENT_IOC_ID), as sample and read records carry it.
    public let id: UInt64

    /// Opens `attr` for `pid` (-1: every process; 0: the caller) on `cpu` (-1: any CPU), optionally in
    /// `group` (the leader). `what` names the event in errors.
    public init(attr: perf_event_attr, pid: Int32, cpu: Int32, group: Counter? = nil, what: String? = nil) throws(PerfEventError) {
        var a = attr
        if a.size == 0 { a.size = UInt32(MemoryLayout<perf_event_attr>.size) }
        let fd = sonde_perf_event_open(&a, pid, cpu, group?.fd ?? -1, SONDE_PERF_FLAG_FD_CLOEXEC)
        guard fd >= 0 else {
            let e = errno
            throw PerfEventError.open(errno: e, what: what ?? "perf_event_open", pid: pid)
        }
        self.fd = fd; self.pid = pid; self.cpu = cpu; self.attr = a
        var id: UInt64 = 0
        if withUnsafeMutablePointer(to: &id, { sonde_perf_ioctl(fd, SONDE_PERF_IOC_ID, UInt(bitPattern: $0)) }) != 0 { id = 0 }
        self.id = id
    }

    deinit { close(fd) }

    /// PERF_EVENT_IOC_ENABLE (with `group`, the whole group of a leader).
    public func enable(group: Bool = false) { _ = sonde_perf_ioctl(fd, SONDE_PERF_IOC_ENABLE, group ? SONDE_PERF_IOC_FLAG_GROUP : 0) }
    public func disable(group: Bool = false) { _ = sonde_perf_ioctl(fd, SONDE_PERF_IOC_DISABLE, group ? SONDE_PERF_IOC_FLAG_GROUP : 0) }
    public func reset(group: Bool = false) { _ = sonde_perf_ioctl(fd, SONDE_PERF_IOC_RESET, group ? SONDE_PERF_IOC_FLAG_GROUP : 0) }

    /// Reads a non-group counter (read_format without GROUP).
    public func read() throws(PerfEventError) -> CounterValue {
        let words = try readWords(4)
        return Counter.decode(words, readFormat: attr.read_format).first ?? CounterValue()
    }

    /// Reads up to `count` u64 words from the fd.
    func readWords(_ count: Int) throws(PerfEventError) -> [UInt64] {
        var buf = [UInt64](repeating: 0, count: count)
        var n = 0
        while true {
            n = buf.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            break
        }
        guard n >= 0 else { let e = errno; throw PerfEventError(kind: .system(e), what: "read counter", errno: e) }
        return Array(buf[0..<(n / 8)])
    }

    /// Decodes a read(2) of a perf event fd per read_format (group or single) into values, members in order.
    public static func decode(_ w: [UInt64], readFormat rf: UInt64) -> [CounterValue] {
        var i = 0
        func next() -> UInt64? { guard i < w.count else { return nil }; defer { i += 1 }; return w[i] }
        if rf & ReadFormat.group.rawValue != 0 {
            guard let nr = next() else { return [] }
            let en = rf & ReadFormat.totalTimeEnabled.rawValue != 0 ? next() ?? 0 : 0
            let run = rf & ReadFormat.totalTimeRunning.rawValue != 0 ? next() ?? 0 : 0
            var out: [CounterValue] = []
            for _ in 0..<min(nr, 4096) {
                guard let v = next() else { break }
                let id = rf & ReadFormat.id.rawValue != 0 ? next() ?? 0 : 0
                if rf & ReadFormat.lost.rawValue != 0 { _ = next() }
                out.append(CounterValue(value: v, enabled: en, running: run, id: id))
            }
            return out
        }
        guard let v = next() else { return [] }
        let en = rf & ReadFormat.totalTimeEnabled.rawValue != 0 ? next() ?? 0 : 0
        let run = rf & ReadFormat.totalTimeRunning.rawValue != 0 ? next() ?? 0 : 0
        let id = rf & ReadFormat.id.rawValue != 0 ? next() ?? 0 : 0
        return [CounterValue(value: v, enabled: en, running: run, id: id)]
    }
}

/// Events opened as one group (`{a,b}`): scheduled on the PMU together, read in one call.
public final class CounterGroup: @unchecked Sendable {
    public let members: [Counter]
    public var leader: Counter { members[0] }

    /// Opens `attrs` as a group for (pid, cpu). The leader keeps its `disabled`/`enable_on_exec`;
    /// members are opened enabled (they follow the leader). read_format gets GROUP.
    public init(attrs: [perf_event_attr], pid: Int32, cpu: Int32, names: [String]? = nil) throws(PerfEventError) {
        precondition(!attrs.isEmpty)
        var ms: [Counter] = []
        for (i, var a) in attrs.enumerated() {
            a.read_format |= ReadFormat.group.rawValue
            if i > 0 { a.disabled = 0; a.enable_on_exec = 0 }
            ms.append(try Counter(attr: a, pid: pid, cpu: cpu, group: ms.first, what: names?[i]))
        }
        members = ms
    }

    public func enable() { leader.enable(group: true) }
    public func disable() { leader.disable(group: true) }
    public func reset() { leader.reset(group: true) }

    /// One read of the whole group, values in member order (matched by id).
    public func read() throws(PerfEventError) -> [CounterValue] {
        let words = try leader.readWords(3 + 3 * members.count)
        let vals = Counter.decode(words, readFormat: leader.attr.read_format)
        return members.map { m in vals.first { $0.id == m.id && m.id != 0 } ?? vals[safe: members.firstIndex { $0 === m }!] ?? CounterValue() }
    }
}

extension Array {
    subscript(safe i: Int) -> Element? { i >= 0 && i < count ? self[i] : nil }
}
