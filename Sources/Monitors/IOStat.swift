import ProcFS
import Render

/// iostat(1) as sysstat 12.6 prints it (basic and -x reports, kB or MB).
public enum IOStatReport {
    public enum Partitions: Sendable, Equatable {
        case none
        /// -p ALL: every entry of /proc/diskstats.
        case all
        /// -p sda,sdb: those disks and their partitions.
        case of([String])
    }

    public struct Options: Sendable, Equatable {
        public var cpu = true
        public var disk = true
        public var extended = false
        public var megabytes = false
        public var partitions: Partitions = .none
        /// Devices named on the command line.
        public var devices: [String] = []
        /// The ALL keyword: every whole disk, even idle ones.
        public var allDevices = false
        /// -z: omit devices without activity during the interval.
        public var omitIdle = false
        /// -t: print the sample time before each report.
        public var timestamp = false

        public init() {}

        /// sysstat's I_D_UNFILTERED: something was named, so idle devices are shown too.
        var unfiltered: Bool { partitions != .none || !devices.isEmpty || allDevices }
        var sectorsPerUnit: UInt64 { megabytes ? 2048 : 2 }
    }

    public struct Sample: Sendable {
        /// The aggregate "cpu" line of /proc/stat.
        public var cpu: CPUTimes
        public var uptimeCS: UInt64
        public var disks: [DiskStat]
        public var time: String

        public init(cpu: CPUTimes, uptimeCS: UInt64, disks: [DiskStat], time: String) {
            self.cpu = cpu; self.uptimeCS = uptimeCS; self.disks = disks; self.time = time
        }

        public static func read(_ proc: ProcFS, time: String) throws -> Sample {
            let stat = try proc.cpuStat()
            guard stat.total != CPUTimes() || !stat.cpus.isEmpty else { throw ProcError.malformed(path: proc.root + "/stat", what: "no cpu line") }
            let up = uptimeCentiseconds(try proc.uptime())
            let disks = try proc.diskStats()
            return Sample(cpu: stat.total, uptimeCS: up, disks: disks, time: time)
        }

        public static func zero(time: String) -> Sample { Sample(cpu: CPUTimes(), uptimeCS: 0, disks: [], time: time) }
    }

    public struct CPUPercent: Sendable, Equatable {
        public var user = 0.0, nice = 0.0, system = 0.0, iowait = 0.0, steal = 0.0, idle = 0.0
        public var values: [Double] { [user, nice, system, iowait, steal, idle] }
    }

    public static func cpu(prev: CPUTimes, curr: CPUTimes) -> CPUPercent {
        let p = SysCPU(prev), c = SysCPU(curr)
        let itv = c.total &- p.total
        var r = CPUPercent()
        r.user = spValue(p.user, c.user, itv)
        r.nice = spValue(p.nice, c.nice, itv)
        r.system = spValue(p.sys &+ p.softirq &+ p.hardirq, c.sys &+ c.softirq &+ c.hardirq, itv)
        r.iowait = spValue(p.iowait, c.iowait, itv)
        r.steal = spValue(p.steal, c.steal, itv)
        r.idle = c.idle < p.idle ? 0 : spValue(p.idle, c.idle, itv)
        return r
    }

    /// One device's line of numbers. Sizes are in the chosen unit (kB or MB) except request sizes (kB).
    public struct DeviceLine: Sendable, Equatable {
        public var name: String
        public var tps = 0.0, readPerSec = 0.0, writePerSec = 0.0, discardPerSec = 0.0
        public var read: UInt64 = 0, written: UInt64 = 0, discarded: UInt64 = 0
        // Extended.
        public var rs = 0.0, rrqms = 0.0, rrqmPct = 0.0, rAwait = 0.0, rareqSz = 0.0
        public var ws = 0.0, wrqms = 0.0, wrqmPct = 0.0, wAwait = 0.0, wareqSz = 0.0
        public var ds = 0.0, drqms = 0.0, drqmPct = 0.0, dAwait = 0.0, dareqSz = 0.0
        public var fs = 0.0, fAwait = 0.0, aquSz = 0.0, util = 0.0
    }

    /// Names of the devices to consider: /proc/diskstats order with -p ALL, else sorted by name like sysstat.
    public static func candidates(_ s: Sample, _ o: Options, topology: BlockTopology) -> [String] {
        var out: [String] = []
        var seen = Set<String>()
        func add(_ n: String) { if seen.insert(n).inserted { out.append(n) } }
        let names = s.disks.map(\.name)
        if case .all = o.partitions { names.forEach(add); return out }
        let wanted = Set(o.devices)
        var disksWithParts = Set<String>()
        if case .of(let l) = o.partitions { disksWithParts = Set(l) }
        for n in names {
            let isDisk = topology.isDisk(n)
            if wanted.contains(n) || disksWithParts.contains(n) { add(n); continue }
            if let p = topology.parent[n], disksWithParts.contains(p) { add(n); continue }
            if isDisk && (o.allDevices || !o.unfiltered) { add(n) }
        }
        // sysstat keeps its device list sorted by name (strcmp), except with -p ALL (file order).
        return out.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
    }

    /// Computes the device lines between two samples; itv is in hundredths of a second.
    public static func devices(prev: Sample, curr: Sample, _ o: Options, topology: BlockTopology) -> [DeviceLine] {
        let itv = curr.uptimeCS &- prev.uptimeCS
        var previous: [String: DiskStat] = [:]
        for d in prev.disks { previous[d.name] = d }
        var current: [String: DiskStat] = [:]
        for d in curr.disks { current[d.name] = d }
        var out: [DeviceLine] = []
        let fctr = Double(o.sectorsPerUnit)
        for name in candidates(curr, o, topology: topology) {
            guard let i = current[name] else { continue }
            // Extended statistics need the full line; old 4-field partition lines are skipped with -x.
            if o.extended && i.fieldCount == 4 { continue }
            var j = previous[name] ?? DiskStat(name: name)
            if !o.unfiltered && i.readIOs == 0 && i.writeIOs == 0 && i.discardIOs == 0 && i.flushIOs == 0 { continue }
            if o.omitIdle && i.readIOs == j.readIOs && i.writeIOs == j.writeIOs && i.discardIOs == j.discardIOs && i.flushIOs == j.flushIOs { continue }
            // Device removed and inserted again: compare with zero.
            if i.totalIOs < j.totalIOs && (j.readSectors == 0 || i.readSectors < j.readSectors)
                && (j.writeSectors == 0 || i.writeSectors < j.writeSectors)
                && (j.discardSectors == 0 || i.discardSectors < j.discardSectors) {
                j = DiskStat(name: name)
            }
            var l = DeviceLine(name: name)
            l.tps = sValue(j.readIOs &+ j.writeIOs &+ j.discardIOs, i.readIOs &+ i.writeIOs &+ i.discardIOs, itv)
            l.readPerSec = sValue(j.readSectors, i.readSectors, itv) / fctr
            l.writePerSec = sValue(j.writeSectors, i.writeSectors, itv) / fctr
            l.discardPerSec = sValue(j.discardSectors, i.discardSectors, itv) / fctr
            func sectors(_ a: UInt64, _ b: UInt64) -> UInt64 {
                // A 32-bit counter that wrapped.
                if a < b { return b <= 0xffff_ffff ? (a &- b) & 0xffff_ffff : 0 }
                return a - b
            }
            l.read = sectors(i.readSectors, j.readSectors) / o.sectorsPerUnit
            l.written = sectors(i.writeSectors, j.writeSectors) / o.sectorsPerUnit
            l.discarded = sectors(i.discardSectors, j.discardSectors) / o.sectorsPerUnit
            if o.extended {
                func ratio(_ a: UInt64, _ b: UInt64) -> Double { b == 0 ? 0 : Double(a) / Double(b) }
                let dr = i.readIOs &- j.readIOs, dw = i.writeIOs &- j.writeIOs, dd = i.discardIOs &- j.discardIOs
                let mr = i.readMerges &- j.readMerges, mw = i.writeMerges &- j.writeMerges, md = i.discardMerges &- j.discardMerges
                l.rs = sValue(j.readIOs, i.readIOs, itv)
                l.rrqms = sValue(j.readMerges, i.readMerges, itv)
                l.rrqmPct = (mr &+ dr) == 0 ? 0 : Double(mr) / Double(mr &+ dr) * 100
                l.rAwait = ratio(i.readTicks &- j.readTicks, dr)
                l.rareqSz = ratio(i.readSectors &- j.readSectors, dr) / 2
                l.ws = sValue(j.writeIOs, i.writeIOs, itv)
                l.wrqms = sValue(j.writeMerges, i.writeMerges, itv)
                l.wrqmPct = (mw &+ dw) == 0 ? 0 : Double(mw) / Double(mw &+ dw) * 100
                l.wAwait = ratio(i.writeTicks &- j.writeTicks, dw)
                l.wareqSz = ratio(i.writeSectors &- j.writeSectors, dw) / 2
                l.ds = sValue(j.discardIOs, i.discardIOs, itv)
                l.drqms = sValue(j.discardMerges, i.discardMerges, itv)
                l.drqmPct = (md &+ dd) == 0 ? 0 : Double(md) / Double(md &+ dd) * 100
                l.dAwait = ratio(i.discardTicks &- j.discardTicks, dd)
                l.dareqSz = ratio(i.discardSectors &- j.discardSectors, dd) / 2
                l.fs = sValue(j.flushIOs, i.flushIOs, itv)
                l.fAwait = ratio(i.flushTicks &- j.flushTicks, i.flushIOs &- j.flushIOs)
                l.aquSz = sValue(j.weightedTicks, i.weightedTicks, itv) / 1000
                l.util = sValue(j.ioTicks, i.ioTicks, itv) / 10
            }
            out.append(l)
        }
        return out
    }

    static func f(_ v: Double, _ w: Int) -> String { " " + cfmt("%*.2f", Int32(w), v) }

    public static func cpuText(_ c: CPUPercent) -> String {
        "avg-cpu:  %user   %nice %system %iowait  %steal   %idle\n       " + c.values.map { f($0, 7) }.joined() + "\n\n"
    }

    public static func diskHeader(_ o: Options) -> String {
        let u = o.megabytes ? "MB" : "kB"
        if o.extended {
            return "Device       " + "     r/s     r\(u)/s   rrqm/s  %rrqm r_await rareq-sz"
                + "     w/s     w\(u)/s   wrqm/s  %wrqm w_await wareq-sz"
                + "     d/s     d\(u)/s   drqm/s  %drqm d_await dareq-sz"
                + "     f/s f_await  aqu-sz  %util\n"
        }
        return "Device       " + "      tps    \(u)_read/s    \(u)_wrtn/s    \(u)_dscd/s    \(u)_read    \(u)_wrtn    \(u)_dscd\n"
    }

    public static func deviceText(_ l: DeviceLine, _ o: Options) -> String {
        var s = Format.left(l.name, 13)
        if o.extended {
            s += f(l.rs, 7) + f(l.readPerSec, 9) + f(l.rrqms, 8) + f(l.rrqmPct, 6) + f(l.rAwait, 7) + f(l.rareqSz, 8)
            s += f(l.ws, 7) + f(l.writePerSec, 9) + f(l.wrqms, 8) + f(l.wrqmPct, 6) + f(l.wAwait, 7) + f(l.wareqSz, 8)
            s += f(l.ds, 7) + f(l.discardPerSec, 9) + f(l.drqms, 8) + f(l.drqmPct, 6) + f(l.dAwait, 7) + f(l.dareqSz, 8)
            s += f(l.fs, 7) + f(l.fAwait, 7) + f(l.aquSz, 7) + f(l.util, 6)
        } else {
            s += f(l.tps, 8) + f(l.readPerSec, 12) + f(l.writePerSec, 12) + f(l.discardPerSec, 12)
            s += [l.read, l.written, l.discarded].map { " " + Format.right(String($0), 10) }.joined()
        }
        return s + "\n"
    }

    /// One whole report as sysstat writes it (timestamp, avg-cpu block, device block, blank line).
    public static func render(cpu: CPUPercent?, devices: [DeviceLine]?, _ o: Options, timestamp: String?) -> String {
        var out = ""
        if let timestamp { out += timestamp + "\n" }
        if let cpu { out += cpuText(cpu) }
        if let devices {
            out += diskHeader(o)
            for d in devices { out += deviceText(d, o) }
        }
        return out + "\n"
    }

    public static func json(cpu: CPUPercent?, devices: [DeviceLine]?, _ o: Options, timestamp: String?) -> JSON {
        var f: [(String, JSON)] = []
        if let timestamp { f.append(("timestamp", .string(timestamp))) }
        if let c = cpu {
            f.append(("avg-cpu", .object([("user", .double(round2(c.user))), ("nice", .double(round2(c.nice))),
                                          ("system", .double(round2(c.system))), ("iowait", .double(round2(c.iowait))),
                                          ("steal", .double(round2(c.steal))), ("idle", .double(round2(c.idle)))])))
        }
        if let devices {
            let u = o.megabytes ? "MB" : "kB"
            f.append(("disk", .array(devices.map { l -> JSON in
                func d(_ v: Double) -> JSON { .double(round2(v)) }
                func i(_ v: UInt64) -> JSON { .int(Int64(clamping: v)) }
                if o.extended {
                    return .object([("disk_device", .string(l.name)),
                                    ("r/s", d(l.rs)), ("r\(u)/s", d(l.readPerSec)), ("rrqm/s", d(l.rrqms)), ("rrqm", d(l.rrqmPct)),
                                    ("r_await", d(l.rAwait)), ("rareq-sz", d(l.rareqSz)),
                                    ("w/s", d(l.ws)), ("w\(u)/s", d(l.writePerSec)), ("wrqm/s", d(l.wrqms)), ("wrqm", d(l.wrqmPct)),
                                    ("w_await", d(l.wAwait)), ("wareq-sz", d(l.wareqSz)),
                                    ("d/s", d(l.ds)), ("d\(u)/s", d(l.discardPerSec)), ("drqm/s", d(l.drqms)), ("drqm", d(l.drqmPct)),
                                    ("d_await", d(l.dAwait)), ("dareq-sz", d(l.dareqSz)),
                                    ("f/s", d(l.fs)), ("f_await", d(l.fAwait)), ("aqu-sz", d(l.aquSz)), ("util", d(l.util))])
                }
                return .object([("disk_device", .string(l.name)), ("tps", d(l.tps)), ("\(u)_read/s", d(l.readPerSec)),
                                ("\(u)_wrtn/s", d(l.writePerSec)), ("\(u)_dscd/s", d(l.discardPerSec)),
                                ("\(u)_read", i(l.read)), ("\(u)_wrtn", i(l.written)), ("\(u)_dscd", i(l.discarded))])
            })))
        }
        return .object(f)
    }
}

extension IOStatReport.Options {
    /// True when devices were named (or ALL, or -p): the disk report is then shown even with -c.
    public var unfilteredPublic: Bool { unfiltered }
}
