/// /proc/meminfo, values in KiB keyed by name, in file order.
public struct MemInfo: Sendable {
    public var values: [String: Int64] = [:]
    public var order: [String] = []

    public init() {}

    public subscript(_ key: String) -> Int64 { values[key] ?? 0 }
    public func has(_ key: String) -> Bool { values[key] != nil }

    public static func parse(_ bytes: [UInt8]) -> MemInfo {
        var m = MemInfo()
        for (k, v) in keyValueLines(bytes) {
            guard let n = leadingInt(v) else { continue }
            if m.values[k] == nil { m.order.append(k) }
            m.values[k] = n
        }
        return m
    }

    public var total: Int64 { self["MemTotal"] }
    public var free: Int64 { self["MemFree"] }
    public var buffers: Int64 { self["Buffers"] }
    /// Page cache plus reclaimable slab, as free(1) and top report "cache".
    public var cached: Int64 { sat(self["Cached"], self["SReclaimable"]) }
    public var shared: Int64 { self["Shmem"] }
    /// MemAvailable, or procps' estimate on kernels without it (< 3.14).
    public var available: Int64 {
        if let a = values["MemAvailable"] { return min(a, total) }
        return min(sat(sat(free, cached), buffers), total)
    }
    /// Used memory as procps 4 computes it: total - available.
    public var used: Int64 { max(0, satSub(total, available)) }
    public var swapTotal: Int64 { self["SwapTotal"] }
    public var swapFree: Int64 { self["SwapFree"] }
    public var swapUsed: Int64 { max(0, satSub(swapTotal, swapFree)) }
}

/// Saturating addition: values parsed from a file may be absurd, sums must not trap.
@inline(__always) func sat(_ a: Int64, _ b: Int64) -> Int64 {
    let (r, o) = a.addingReportingOverflow(b)
    return o ? (b > 0 ? Int64.max : Int64.min) : r
}

@inline(__always) func satSub(_ a: Int64, _ b: Int64) -> Int64 {
    let (r, o) = a.subtractingReportingOverflow(b)
    return o ? (b > 0 ? Int64.min : Int64.max) : r
}

/// CPU time counters of one "cpu" line of /proc/stat, in clock ticks.
public struct CPUTimes: Sendable, Equatable {
    public var user: UInt64 = 0, nice: UInt64 = 0, system: UInt64 = 0, idle: UInt64 = 0
    public var iowait: UInt64 = 0, irq: UInt64 = 0, softirq: UInt64 = 0, steal: UInt64 = 0
    public var guest: UInt64 = 0, guestNice: UInt64 = 0

    public init() {}

    /// All time; guest and guest_nice are already counted in user and nice.
    public var total: UInt64 { user &+ nice &+ system &+ idle &+ iowait &+ irq &+ softirq &+ steal }

    /// Field-wise difference, clamped at zero (counters can step back on CPU hotplug).
    public func delta(since old: CPUTimes) -> CPUTimes {
        func d(_ a: UInt64, _ b: UInt64) -> UInt64 { a >= b ? a - b : 0 }
        var r = CPUTimes()
        r.user = d(user, old.user); r.nice = d(nice, old.nice); r.system = d(system, old.system)
        r.idle = d(idle, old.idle); r.iowait = d(iowait, old.iowait); r.irq = d(irq, old.irq)
        r.softirq = d(softirq, old.softirq); r.steal = d(steal, old.steal)
        r.guest = d(guest, old.guest); r.guestNice = d(guestNice, old.guestNice)
        return r
    }
}

/// /proc/stat: aggregate and per-CPU times plus the system-wide counters.
public struct SystemStat: Sendable {
    public var total = CPUTimes()
    /// Indexed by CPU number; offline CPUs are absent (nil).
    public var cpus: [Int: CPUTimes] = [:]
    public var interrupts: UInt64 = 0
    public var contextSwitches: UInt64 = 0
    public var bootTime: Int64 = 0
    public var processesCreated: UInt64 = 0
    public var running: Int64 = 0
    public var blocked: Int64 = 0
    public var softirqs: UInt64 = 0

    public init() {}

    public static func parse(_ bytes: [UInt8]) -> SystemStat {
        var s = SystemStat()
        var c = ByteCursor(bytes)
        while !c.atEnd {
            let lineStart = c.index
            guard let key = c.word() else { c.nextLine(); continue }
            if key.hasPrefix("cpu") {
                var t = CPUTimes()
                t.user = c.uint() ?? 0; t.nice = c.uint() ?? 0; t.system = c.uint() ?? 0
                t.idle = c.uint() ?? 0; t.iowait = c.uint() ?? 0; t.irq = c.uint() ?? 0
                t.softirq = c.uint() ?? 0; t.steal = c.uint() ?? 0; t.guest = c.uint() ?? 0
                t.guestNice = c.uint() ?? 0
                if key == "cpu" { s.total = t } else if let n = Int(key.dropFirst(3)) { s.cpus[n] = t }
            } else {
                switch key {
                case "intr": s.interrupts = c.uint() ?? 0
                case "ctxt": s.contextSwitches = c.uint() ?? 0
                case "btime": s.bootTime = c.int() ?? 0
                case "processes": s.processesCreated = c.uint() ?? 0
                case "procs_running": s.running = c.int() ?? 0
                case "procs_blocked": s.blocked = c.int() ?? 0
                case "softirq": s.softirqs = c.uint() ?? 0
                default: break
                }
            }
            if c.index == lineStart { c.index += 1 }
            c.nextLine()
        }
        return s
    }
}

/// /proc/uptime: seconds since boot and idle seconds summed over CPUs.
public struct Uptime: Sendable {
    public var seconds: Double
    public var idleSeconds: Double

    public init(seconds: Double, idleSeconds: Double) {
        self.seconds = seconds
        self.idleSeconds = idleSeconds
    }

    public static func parse(_ bytes: [UInt8]) -> Uptime? {
        let parts = String(decoding: bytes, as: UTF8.self).split(whereSeparator: { $0 == " " || $0 == "\n" })
        guard parts.count >= 2, let a = Double(parts[0]), let b = Double(parts[1]), a.isFinite, b.isFinite else { return nil }
        return Uptime(seconds: a, idleSeconds: b)
    }
}

/// /proc/loadavg.
public struct LoadAverage: Sendable {
    public var one: Double, five: Double, fifteen: Double
    public var runnable: Int, total: Int, lastPID: Int

    public init(one: Double, five: Double, fifteen: Double, runnable: Int, total: Int, lastPID: Int) {
        self.one = one; self.five = five; self.fifteen = fifteen
        self.runnable = runnable; self.total = total; self.lastPID = lastPID
    }

    public static func parse(_ bytes: [UInt8]) -> LoadAverage? {
        let parts = String(decoding: bytes, as: UTF8.self).split(whereSeparator: { $0 == " " || $0 == "\n" })
        guard parts.count >= 5, let a = Double(parts[0]), let b = Double(parts[1]), let c = Double(parts[2]) else { return nil }
        let rt = parts[3].split(separator: "/")
        guard rt.count == 2, let r = Int(rt[0]), let t = Int(rt[1]), let last = Int(parts[4]) else { return nil }
        return LoadAverage(one: a, five: b, fifteen: c, runnable: r, total: t, lastPID: last)
    }
}

/// /proc/vmstat: "name value" lines.
public enum VMStatCounters {
    public static func parse(_ bytes: [UInt8]) -> [String: Int64] {
        var out: [String: Int64] = [:]
        for (k, v) in keyValueLines(bytes, separator: UInt8(ascii: " ")) {
            if let n = Int64(v) { out[k] = n }
        }
        return out
    }
}
