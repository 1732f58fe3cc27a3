import ProcFS
import Render

/// vmstat(8) as procps-ng 4.0.2 prints it.
public enum VMStatReport {
    public struct Options: Sendable, Equatable {
        public var active = false
        public var wide = false
        public var timestamp = false
        /// Bytes per displayed unit: 1024 (K, default), 1000 (k), 1048576 (M), 1000000 (m), 1 (b).
        public var dataUnit: UInt64 = 1024
        public var unitLabel = "K"

        public init() {}

        /// Parses -S's argument; nil when it is not one procps accepts.
        public static func unit(_ s: String) -> (UInt64, String)? {
            guard let c = s.first else { return nil }
            switch c {
            case "b", "B": return (1, String(c))
            case "k": return (1000, "k")
            case "K": return (1024, "K")
            case "m": return (1_000_000, "m")
            case "M": return (1_048_576, "M")
            default: return nil
            }
        }
    }

    /// One reading of the files vmstat uses.
    public struct Sample: Sendable {
        public var stat: SystemStat
        public var mem: MemInfo
        public var vm: [String: Int64]

        public init(stat: SystemStat, mem: MemInfo, vm: [String: Int64]) {
            self.stat = stat; self.mem = mem; self.vm = vm
        }

        /// Reads /proc/stat, /proc/meminfo, /proc/vmstat; malformed files are errors.
        public static func read(_ proc: ProcFS) throws -> Sample {
            let stat = try proc.cpuStat()
            guard stat.total != CPUTimes() || !stat.cpus.isEmpty else { throw ProcError.malformed(path: proc.root + "/stat", what: "no cpu line") }
            let mem = try proc.memInfo()
            guard mem.has("MemTotal") else { throw ProcError.malformed(path: proc.root + "/meminfo", what: "no MemTotal") }
            let vm = try proc.vmstat()
            return Sample(stat: stat, mem: mem, vm: vm)
        }

        func vmv(_ k: String) -> UInt64 { UInt64(max(0, vm[k] ?? 0)) }
        func memv(_ k: String) -> UInt64 { UInt64(max(0, mem[k])) }
        var swapUsed: UInt64 { let t = memv("SwapTotal"), f = memv("SwapFree"); return f < t ? t - f : 0 }
        var cacheAll: UInt64 { memv("Cached") &+ memv("SReclaimable") }
    }

    /// One row of numbers (also the JSON object).
    public struct Row: Sendable, Equatable {
        public var r: UInt64 = 0, b: UInt64 = 0
        public var swpd: UInt64 = 0, free: UInt64 = 0, buffOrInact: UInt64 = 0, cacheOrActive: UInt64 = 0
        public var si: UInt64 = 0, so: UInt64 = 0, bi: UInt64 = 0, bo: UInt64 = 0, inRate: UInt64 = 0, cs: UInt64 = 0
        public var us: UInt64 = 0, sy: UInt64 = 0, id: UInt64 = 0, wa: UInt64 = 0, st: UInt64 = 0, gu: UInt64 = 0
        public init() {}
    }

    /// procps unitConvert: KiB to the display unit through a C float, truncated.
    static func unitConvert(_ kib: UInt64, _ o: Options) -> UInt64 {
        let v = Float(kib) / Float(o.dataUnit) * 1024
        guard v.isFinite, v >= 0, v < 1.8e19 else { return UInt64.max }
        return UInt64(v)
    }

    static func memoryColumns(_ s: Sample, _ o: Options, into row: inout Row) {
        row.r = UInt64(max(0, s.stat.running)); row.b = UInt64(max(0, s.stat.blocked))
        row.swpd = unitConvert(s.swapUsed, o)
        row.free = unitConvert(s.memv("MemFree"), o)
        row.buffOrInact = unitConvert(o.active ? s.memv("Inactive") : s.memv("Buffers"), o)
        row.cacheOrActive = unitConvert(o.active ? s.memv("Active") : s.cacheAll, o)
    }

    static func percents(use: UInt64, sys: UInt64, idle: UInt64, iow: UInt64, sto: UInt64, gue: UInt64, into row: inout Row) {
        var idle = idle
        var div = use &+ sys &+ idle &+ iow &+ sto
        if div == 0 { div = 1; idle = 1 }
        let half = div / 2
        let user = use >= gue ? use - gue : 0
        func pc(_ x: UInt64) -> UInt64 { (100 &* x &+ half) / div }
        row.us = pc(user); row.sy = pc(sys); row.id = pc(idle); row.wa = pc(iow); row.st = pc(sto); row.gu = pc(gue)
    }

    /// The first line: averages since boot (procps divides event counts by all CPUs' ticks / HZ).
    public static func sinceBoot(_ s: Sample, _ o: Options, hz: UInt64, pageKiB: UInt64) -> Row {
        var row = Row()
        memoryColumns(s, o, into: &row)
        let t = s.stat.total
        let use = t.user &+ t.nice, sys = t.system &+ t.irq &+ t.softirq
        var div = use &+ sys &+ t.idle &+ t.iowait &+ t.steal
        if div == 0 { div = 1 }
        let half = div / 2
        func rate(_ x: UInt64) -> UInt64 { (x &* hz &+ half) / div }
        row.si = rate(unitConvert(s.vmv("pswpin") &* pageKiB, o))
        row.so = rate(unitConvert(s.vmv("pswpout") &* pageKiB, o))
        row.bi = rate(s.vmv("pgpgin")); row.bo = rate(s.vmv("pgpgout"))
        row.inRate = rate(s.stat.interrupts); row.cs = rate(s.stat.contextSwitches)
        percents(use: use, sys: sys, idle: t.idle, iow: t.iowait, sto: t.steal, gue: t.guest &+ t.guestNice, into: &row)
        return row
    }

    /// A later line: rates between two samples `delay` seconds apart. `debt` carries
    /// idle ticks that ran backwards into the next interval, as procps does.
    public static func between(_ p: Sample, _ c: Sample, delay: UInt64, debt: inout Int64, _ o: Options, pageKiB: UInt64) -> Row {
        var row = Row()
        memoryColumns(c, o, into: &row)
        func d(_ a: UInt64, _ b: UInt64) -> Int64 { Int64(bitPattern: a &- b) }
        let pt = p.stat.total, ct = c.stat.total
        func pos(_ x: Int64) -> UInt64 { x < 0 ? 0 : UInt64(x) }
        let use = pos(d(ct.user, pt.user) &+ d(ct.nice, pt.nice))
        let sys = pos(d(ct.system, pt.system) &+ d(ct.irq, pt.irq) &+ d(ct.softirq, pt.softirq))
        var idle = d(ct.idle, pt.idle)
        if debt != 0 { idle &+= debt; debt = 0 }
        if idle < 0 { debt = idle; idle = 0 }
        let iow = pos(d(ct.iowait, pt.iowait)), sto = pos(d(ct.steal, pt.steal))
        // Guest time of the interval (procps 4.0.2 uses the since-boot guest here, a bug we do not copy).
        let gue = pos(d(ct.guest, pt.guest) &+ d(ct.guestNice, pt.guestNice))
        let delay = max(1, delay), half = delay / 2
        func rate(_ x: UInt64) -> UInt64 { (x &+ half) / delay }
        func dv(_ k: String) -> UInt64 { c.vmv(k) >= p.vmv(k) ? c.vmv(k) - p.vmv(k) : 0 }
        row.si = rate(unitConvert(dv("pswpin") &* pageKiB, o))
        row.so = rate(unitConvert(dv("pswpout") &* pageKiB, o))
        row.bi = rate(dv("pgpgin")); row.bo = rate(dv("pgpgout"))
        row.inRate = rate(pos(d(c.stat.interrupts, p.stat.interrupts)))
        row.cs = rate(pos(d(c.stat.contextSwitches, p.stat.contextSwitches)))
        percents(use: use, sys: sys, idle: UInt64(idle), iow: iow, sto: sto, gue: gue, into: &row)
        return row
    }

    /// The two header lines; `zone` is the time zone abbreviation shown with -t.
    public static func header(_ o: Options, zone: String) -> String {
        var out = o.wide
            ? "--procs-- -----------------------memory---------------------- ---swap-- -----io---- -system-- ----------cpu----------"
            : "procs -----------memory---------- ---swap-- -----io---- -system-- ------cpu-----"
        let tsHeader = " -----timestamp-----"
        if o.timestamp { out += tsHeader }
        out += "\n"
        let names = ["r", "b", "swpd", "free", o.active ? "inact" : "buff", o.active ? "active" : "cache",
                     "si", "so", "bi", "bo", "in", "cs", "us", "sy", "id", "wa", "st", "gu"]
        let widths = o.wide ? [4, 4, 12, 12, 12, 12, 4, 4, 5, 5, 4, 4, 3, 3, 3, 3, 3, 3]
                            : [2, 2, 6, 6, 6, 6, 4, 4, 5, 5, 4, 4, 2, 2, 2, 2, 2]
        out += zip(names, widths).map { Format.right($0.0, $0.1) }.joined(separator: " ")
        if o.timestamp { out += " " + Format.right(String(zone.prefix(tsHeader.count - 1)), tsHeader.count - 1) }
        return out + "\n"
    }

    /// One data line; `time` is "YYYY-mm-dd HH:MM:SS" with -t.
    public static func line(_ r: Row, _ o: Options, time: String?) -> String {
        let v: [UInt64] = [r.r, r.b, r.swpd, r.free, r.buffOrInact, r.cacheOrActive, UInt64(UInt32(truncatingIfNeeded: r.si)),
                           UInt64(UInt32(truncatingIfNeeded: r.so)), UInt64(UInt32(truncatingIfNeeded: r.bi)),
                           UInt64(UInt32(truncatingIfNeeded: r.bo)), UInt64(UInt32(truncatingIfNeeded: r.inRate)),
                           UInt64(UInt32(truncatingIfNeeded: r.cs)), r.us, r.sy, r.id, r.wa, r.st, r.gu]
        let widths = o.wide ? [4, 4, 12, 12, 12, 12, 4, 4, 5, 5, 4, 4, 3, 3, 3, 3, 3, 3]
                            : [2, 2, 6, 6, 6, 6, 4, 4, 5, 5, 4, 4, 2, 2, 2, 2, 2]
        var out = zip(v, widths).map { Format.right(String($0.0), $0.1) }.joined(separator: " ")
        if o.timestamp, let time { out += " " + time }
        return out + "\n"
    }

    public static func json(_ r: Row, _ o: Options, time: String?) -> JSON {
        func i(_ v: UInt64) -> JSON { .int(v > UInt64(Int64.max) ? Int64.max : Int64(v)) }
        var f: [(String, JSON)] = [
            ("procs", .object([("r", i(r.r)), ("b", i(r.b))])),
            ("memory", .object([("unit", .string(o.unitLabel)), ("swpd", i(r.swpd)), ("free", i(r.free)),
                                (o.active ? "inact" : "buff", i(r.buffOrInact)), (o.active ? "active" : "cache", i(r.cacheOrActive))])),
            ("swap", .object([("si", i(r.si)), ("so", i(r.so))])),
            ("io", .object([("bi", i(r.bi)), ("bo", i(r.bo))])),
            ("system", .object([("in", i(r.inRate)), ("cs", i(r.cs))])),
            ("cpu", .object([("us", i(r.us)), ("sy", i(r.sy)), ("id", i(r.id)), ("wa", i(r.wa)), ("st", i(r.st)), ("gu", i(r.gu))])),
        ]
        if let time, o.timestamp { f.append(("timestamp", .string(time))) }
        return .object(f)
    }

    // MARK: -s, -f

    /// The -s event counter table as (value, label) pairs, in procps order.
    public static func summary(_ s: Sample, _ o: Options) -> [(UInt64, String)] {
        let u = o.unitLabel
        let n = (try? FreeReport.numbers(s.mem)) ?? FreeReport.Numbers()
        func m(_ v: UInt64) -> UInt64 { unitConvert(v, o) }
        let t = s.stat.total
        return [
            (m(n.total), "\(u) total memory"), (m(n.used), "\(u) used memory"),
            (m(s.memv("Active")), "\(u) active memory"), (m(s.memv("Inactive")), "\(u) inactive memory"),
            (m(n.free), "\(u) free memory"), (m(n.buffers), "\(u) buffer memory"), (m(n.cache), "\(u) swap cache"),
            (m(n.swapTotal), "\(u) total swap"), (m(n.swapUsed), "\(u) used swap"), (m(n.swapFree), "\(u) free swap"),
            (t.user, "non-nice user cpu ticks"), (t.nice, "nice user cpu ticks"), (t.system, "system cpu ticks"),
            (t.idle, "idle cpu ticks"), (t.iowait, "IO-wait cpu ticks"), (t.irq, "IRQ cpu ticks"),
            (t.softirq, "softirq cpu ticks"), (t.steal, "stolen cpu ticks"), (t.guest, "non-nice guest cpu ticks"),
            (t.guestNice, "nice guest cpu ticks"), (s.vmv("pgpgin"), "K paged in"), (s.vmv("pgpgout"), "K paged out"),
            (s.vmv("pswpin"), "pages swapped in"), (s.vmv("pswpout"), "pages swapped out"),
            (s.stat.interrupts, "interrupts"), (s.stat.contextSwitches, "CPU context switches"),
            (UInt64(max(0, s.stat.bootTime)), "boot time"), (s.stat.processesCreated, "forks"),
        ]
    }

    public static func table(_ rows: [(UInt64, String)]) -> String {
        rows.map { Format.right(String($0.0), 13) + " " + $0.1 + "\n" }.joined()
    }

    public static func tableJSON(_ rows: [(UInt64, String)]) -> JSON {
        .object(rows.map { (key($0.1), .int($0.0 > UInt64(Int64.max) ? Int64.max : Int64($0.0))) })
    }

    /// "K total memory" -> "total_memory"; "CPU context switches" -> "cpu_context_switches".
    static func key(_ label: String) -> String {
        var words = label.lowercased().split(separator: " ").map(String.init)
        if let f = words.first, ["k", "m", "b"].contains(f) { words.removeFirst() }
        return words.joined(separator: "_").replacingOccurrences("-", "_")
    }

    // MARK: -d, -D, -p

    public static func diskHeader(wide: Bool, timestamp: Bool, zone: String) -> String {
        let tsHeader = " -----timestamp-----"
        var out = wide
            ? "disk- -------------------reads------------------- -------------------writes------------------ ------IO-------"
            : "disk- ------------reads------------ ------------writes----------- -----IO------"
        if timestamp { out += tsHeader }
        out += "\n"
        let names = [" ", "total", "merged", "sectors", "ms", "total", "merged", "sectors", "ms", "cur", "sec"]
        let w = wide ? [5, 9, 9, 11, 11, 9, 9, 11, 11, 7, 7] : [5, 6, 6, 7, 7, 6, 6, 7, 7, 6, 6]
        out += zip(names, w).map { Format.right($0.0, $0.1) }.joined(separator: " ")
        if timestamp { out += " " + Format.right(String(zone.prefix(tsHeader.count - 1)), tsHeader.count - 1) }
        return out + "\n"
    }

    public static func diskLine(_ d: DiskStat, wide: Bool, time: String?) -> String {
        let w = wide ? [9, 9, 11, 11, 9, 9, 11, 11, 7, 7] : [6, 6, 7, 7, 6, 6, 7, 7, 6, 6]
        let v: [UInt64] = [d.readIOs, d.readMerges, d.readSectors, d.readTicks, d.writeIOs, d.writeMerges,
                           d.writeSectors, d.writeTicks, d.inFlight / 1000, d.ioTicks / 1000]
        var out = Format.left(d.name, 5) + " " + zip(v, w).map { Format.right(String($0.0), $0.1) }.joined(separator: " ")
        if let time { out += " " + time }
        return out + "\n"
    }

    public static func diskJSON(_ d: DiskStat) -> JSON {
        func i(_ v: UInt64) -> JSON { .int(v > UInt64(Int64.max) ? Int64.max : Int64(v)) }
        return .object([("disk", .string(d.name)),
                        ("reads", .object([("total", i(d.readIOs)), ("merged", i(d.readMerges)), ("sectors", i(d.readSectors)), ("ms", i(d.readTicks))])),
                        ("writes", .object([("total", i(d.writeIOs)), ("merged", i(d.writeMerges)), ("sectors", i(d.writeSectors)), ("ms", i(d.writeTicks))])),
                        ("io", .object([("cur", i(d.inFlight / 1000)), ("sec", i(d.ioTicks / 1000))]))])
    }

    /// -D: sums over whole disks.
    public static func diskSummary(_ disks: [DiskStat], topology: BlockTopology) -> [(UInt64, String)] {
        var nd: UInt64 = 0, np: UInt64 = 0
        var s = [UInt64](repeating: 0, count: 11)
        for d in disks {
            guard topology.isDisk(d.name) else { np += 1; continue }
            nd += 1
            let v = [d.readIOs, d.readMerges, d.readSectors, d.readTicks, d.writeIOs, d.writeMerges, d.writeSectors,
                     d.writeTicks, d.inFlight / 1000, d.ioTicks / 1000, d.weightedTicks / 1000]
            for k in 0..<11 { s[k] &+= v[k] }
        }
        let labels = ["total reads", "merged reads", "read sectors", "milli reading", "writes", "merged writes",
                      "written sectors", "milli writing", "inprogress IO", "milli spent IO", "milli weighted IO"]
        return [(nd, "disks"), (np, "partitions")] + zip(s, labels).map { ($0.0, $0.1) }
    }

    /// -p: header and one line for a partition.
    public static func partitionHeader(_ name: String) -> String {
        Format.left(name, 10) + " " + Format.right("reads", 10) + "  " + Format.right("read sectors", 16) + "  "
            + Format.right("writes", 10) + "  " + Format.right("requested writes", 16) + "\n"
    }

    public static func partitionLine(_ d: DiskStat) -> String {
        Format.right(String(d.readIOs), 21) + "  " + Format.right(String(d.readSectors), 16) + "  "
            + Format.right(String(d.writeIOs), 10) + "  " + Format.right(String(d.writeSectors), 16) + "\n"
    }
}

extension String {
    func replacingOccurrences(_ a: Character, _ b: Character) -> String { String(map { $0 == a ? b : $0 }) }
}
