import ProcFS
import Render

/// mpstat(1) as sysstat 12.6 prints it (-u and -I SUM).
public enum MPStatReport {
    public struct Options: Sendable, Equatable {
        /// Bit 0 is CPU "all", bit i+1 is CPU i (sysstat's cpu_bitmap).
        public var selected: Set<Int> = [0]
        public var cpu = true
        public var irqSum = false
        /// Print the column header before every sample (sysstat's dis_hdr).
        public var alwaysHeader = false

        public init() {}

        /// Parses -P's list: "ALL", "all", "N", "N-M", comma separated. nil if invalid for cpuCount CPUs.
        public static func parseCPUList(_ s: String, cpuCount: Int) -> Set<Int>? {
            var out = Set<Int>()
            for part in s.split(separator: ",", omittingEmptySubsequences: false) {
                if part == "ALL" { out.formUnion(0...cpuCount); continue }
                if part == "all" { out.insert(0); continue }
                let ends = part.split(separator: "-", omittingEmptySubsequences: false)
                guard ends.count == 1 || ends.count == 2, let a = Int(ends[0]), let b = Int(ends.last!),
                      a >= 0, b >= a, b < cpuCount else { return nil }
                for c in a...b { out.insert(c + 1) }
            }
            return out.isEmpty ? nil : out
        }
    }

    /// One reading: /proc/stat, /proc/uptime (hundredths of a second), per-CPU
    /// interrupt totals of /proc/interrupts, and the sample's time label.
    public struct Sample: Sendable {
        public var stat: SystemStat
        public var uptimeCS: UInt64
        public var irqPerCPU: [Int: UInt64]
        public var time: String

        public init(stat: SystemStat, uptimeCS: UInt64, irqPerCPU: [Int: UInt64] = [:], time: String) {
            self.stat = stat; self.uptimeCS = uptimeCS; self.irqPerCPU = irqPerCPU; self.time = time
        }

        public static func read(_ proc: ProcFS, time: String, interrupts: Bool) throws -> Sample {
            let stat = try proc.cpuStat()
            guard stat.total != CPUTimes() || !stat.cpus.isEmpty else { throw ProcError.malformed(path: proc.root + "/stat", what: "no cpu line") }
            let up = uptimeCentiseconds(try proc.uptime())
            let irq = interrupts ? ((try? proc.interruptsPerCPU()) ?? [:]) : [:]
            return Sample(stat: stat, uptimeCS: up, irqPerCPU: irq, time: time)
        }

        /// A zero sample, the reference of the since-boot report.
        public static func zero(time: String) -> Sample { Sample(stat: SystemStat(), uptimeCS: 0, time: time) }
    }

    /// Statistics of one CPU line (cpu == nil for "all").
    public struct CPULine: Sendable, Equatable {
        public var cpu: Int?
        public var usr = 0.0, nice = 0.0, sys = 0.0, iowait = 0.0, irq = 0.0, soft = 0.0
        public var steal = 0.0, guest = 0.0, gnice = 0.0, idle = 0.0
        public var values: [Double] { [usr, nice, sys, iowait, irq, soft, steal, guest, gnice, idle] }
    }

    public struct IRQLine: Sendable, Equatable {
        public var cpu: Int?
        public var perSecond: Double
    }

    public struct Result: Sendable {
        public var cpu: [CPULine] = []
        public var irq: [IRQLine] = []
    }

    /// Computes one report between `prev` and `curr` for `cpuCount` CPUs.
    /// `sinceBoot` is true for the report without interval (prev is zero).
    public static func compute(prev: Sample, curr: Sample, cpuCount: Int, sinceBoot: Bool, _ o: Options) -> Result {
        let n = max(1, cpuCount)
        var sc = [SysCPU](repeating: SysCPU(), count: n + 1)
        var sp = [SysCPU](repeating: SysCPU(), count: n + 1)
        for i in 1...n {
            if let t = curr.stat.cpus[i - 1] { sc[i] = SysCPU(t) }
            if let t = prev.stat.cpus[i - 1] { sp[i] = SysCPU(t) }
        }
        var offline = Set<Int>()
        var deltot: UInt64 = 0
        if n > 1 {
            var allC = SysCPU(), allP = SysCPU()
            for i in 1...n {
                if sc[i].total == 0 {
                    // Offline now: keep its previous values and do not show it.
                    sc[i] = sp[i]
                    offline.insert(i)
                }
                if sp[i].total == 0 && !sinceBoot {
                    // Just came online: no reference, skip it (also from "all").
                    offline.insert(i)
                    continue
                }
                deltot &+= perCPUInterval(sc[i], &sp[i])
                allC.add(sc[i]); allP.add(sp[i])
            }
            sc[0] = allC; sp[0] = allP
        } else {
            sc[0] = SysCPU(curr.stat.total); sp[0] = SysCPU(prev.stat.total)
            deltot = perCPUInterval(sc[0], &sp[0])
        }
        var r = Result()
        if o.cpu {
            if deltot == 0 { deltot = 1 }
            for i in 0...n where o.selected.contains(i) && !offline.contains(i) {
                var itv = deltot
                if i > 0 {
                    itv = perCPUInterval(sc[i], &sp[i])
                    if itv == 0 {
                        var l = CPULine(cpu: i - 1); l.idle = 100
                        r.cpu.append(l)
                        continue
                    }
                }
                let c = sc[i], p = sp[i]
                var l = CPULine(cpu: i == 0 ? nil : i - 1)
                l.usr = (c.user &- c.guest) < (p.user &- p.guest) ? 0 : spValue(p.user &- p.guest, c.user &- c.guest, itv)
                l.nice = (c.nice &- c.guestNice) < (p.nice &- p.guestNice) ? 0 : spValue(p.nice &- p.guestNice, c.nice &- c.guestNice, itv)
                l.sys = spValue(p.sys, c.sys, itv)
                l.iowait = spValue(p.iowait, c.iowait, itv)
                l.irq = spValue(p.hardirq, c.hardirq, itv)
                l.soft = spValue(p.softirq, c.softirq, itv)
                l.steal = spValue(p.steal, c.steal, itv)
                l.guest = spValue(p.guest, c.guest, itv)
                l.gnice = spValue(p.guestNice, c.guestNice, itv)
                l.idle = c.idle < p.idle ? 0 : spValue(p.idle, c.idle, itv)
                r.cpu.append(l)
            }
        }
        if o.irqSum {
            let itv = curr.uptimeCS &- prev.uptimeCS
            if o.selected.contains(0) {
                r.irq.append(IRQLine(cpu: nil, perSecond: sValue(prev.stat.interrupts, curr.stat.interrupts, itv)))
            }
            for i in 1...n where o.selected.contains(i) && !offline.contains(i) {
                var p = sp[i]
                if perCPUInterval(sc[i], &p) == 0 {
                    r.irq.append(IRQLine(cpu: i - 1, perSecond: 0))
                } else {
                    r.irq.append(IRQLine(cpu: i - 1, perSecond: sValue(prev.irqPerCPU[i - 1] ?? 0, curr.irqPerCPU[i - 1] ?? 0, itv)))
                }
            }
        }
        return r
    }

    /// sysstat prints a value as " %7.2f" (percentages) or " %9.2f" (rates).
    static func col(_ v: Double, _ w: Int) -> String { cfmt("%*.2f", Int32(w), v) }

    static func cpuName(_ c: Int?) -> String { c.map { cfmt(" %4d", Int32(truncatingIfNeeded: $0)) } ?? "  all" }

    /// Text of one report. `prevLabel` heads the column header, `currLabel` starts each row.
    public static func render(_ r: Result, _ o: Options, header: Bool, prevLabel: String, currLabel: String) -> String {
        var out = ""
        if o.cpu {
            if header {
                out += "\n" + Format.left(prevLabel, 11) + "  CPU    %usr   %nice    %sys %iowait    %irq   %soft  %steal  %guest  %gnice   %idle\n"
            }
            for l in r.cpu {
                out += Format.left(currLabel, 11) + cpuName(l.cpu)
                for v in l.values { out += " " + col(v, 7) }
                out += "\n"
            }
        }
        if o.irqSum {
            if header { out += "\n" + Format.left(prevLabel, 11) + "  CPU    intr/s\n" }
            for l in r.irq { out += Format.left(currLabel, 11) + cpuName(l.cpu) + " " + col(l.perSecond, 9) + "\n" }
        }
        return out
    }

    /// JSON of one report: {"timestamp", "cpu-load":[{"cpu":"all","usr",...}], "sum-interrupts":[{"cpu","intr"}]}.
    public static func json(_ r: Result, _ o: Options, time: String) -> JSON {
        var f: [(String, JSON)] = [("timestamp", .string(time))]
        func name(_ c: Int?) -> JSON { .string(c.map(String.init) ?? "all") }
        if o.cpu {
            f.append(("cpu-load", .array(r.cpu.map { l in
                .object([("cpu", name(l.cpu)), ("usr", .double(round2(l.usr))), ("nice", .double(round2(l.nice))),
                         ("sys", .double(round2(l.sys))), ("iowait", .double(round2(l.iowait))), ("irq", .double(round2(l.irq))),
                         ("soft", .double(round2(l.soft))), ("steal", .double(round2(l.steal))), ("guest", .double(round2(l.guest))),
                         ("gnice", .double(round2(l.gnice))), ("idle", .double(round2(l.idle)))])
            })))
        }
        if o.irqSum {
            f.append(("sum-interrupts", .array(r.irq.map { .object([("cpu", name($0.cpu)), ("intr", .double(round2($0.perSecond)))]) })))
        }
        return .object(f)
    }
}
