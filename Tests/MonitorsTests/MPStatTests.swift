import Testing
import ProcFS
@testable import Monitors

func mpSample(_ stat: String, uptime: UInt64, irq: [Int: UInt64] = [:], time: String = "12:00:00") -> MPStatReport.Sample {
    MPStatReport.Sample(stat: SystemStat.parse(Array(stat.utf8)), uptimeCS: uptime, irqPerCPU: irq, time: time)
}

@Suite struct MPStatTests {
    let a = "cpu 300 0 100 1600 0 0 0 0 0 0\ncpu0 200 0 50 750 0 0 0 0 0 0\ncpu1 100 0 50 850 0 0 0 0 0 0\nintr 5000\n"
    let b = "cpu 450 10 140 1790 10 0 0 0 0 0\ncpu0 300 10 70 820 0 0 0 0 0 0\ncpu1 150 0 70 970 10 0 0 0 0 0\nintr 5600\n"

    func options(_ sel: Set<Int>, irq: Bool = false) -> MPStatReport.Options {
        var o = MPStatReport.Options()
        o.selected = sel; o.irqSum = irq
        return o
    }

    @Test func percentagesBetweenTwoSamples() throws {
        let r = MPStatReport.compute(prev: mpSample(a, uptime: 1000), curr: mpSample(b, uptime: 1200), cpuCount: 2, sinceBoot: false, options([0, 1, 2]))
        #expect(r.cpu.count == 3)
        // cpu0: user +100, nice +10, sys +20, idle +70 => 200 ticks
        let c0 = try #require(r.cpu.first { $0.cpu == 0 })
        #expect(abs(c0.usr - 50) < 1e-9 && abs(c0.nice - 5) < 1e-9 && abs(c0.sys - 10) < 1e-9 && abs(c0.idle - 35) < 1e-9)
        // all = sum of CPUs: user 150, nice 10, sys 40, idle 190, iowait 10 => 400
        let all = try #require(r.cpu.first { $0.cpu == nil })
        #expect(abs(all.usr - 150.0 / 400 * 100) < 1e-9 && abs(all.iowait - 2.5) < 1e-9)
        for l in r.cpu { #expect(abs(l.values.reduce(0, +) - 100) < 0.5) }
        let text = MPStatReport.render(r, options([0, 1, 2]), header: true, prevLabel: "11:59:58", currLabel: "12:00:00")
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines[0] == "")
        #expect(lines[1] == "11:59:58     CPU    %usr   %nice    %sys %iowait    %irq   %soft  %steal  %guest  %gnice   %idle")
        #expect(lines[2].hasPrefix("12:00:00     all   37.50    2.50   10.00    2.50"))
        #expect(lines[3].hasPrefix("12:00:00       0   50.00    5.00   10.00    0.00"))
        #expect(lines.allSatisfy { $0.isEmpty || $0.count == lines[1].count })
    }

    @Test func interruptsPerSecond() throws {
        let r = MPStatReport.compute(prev: mpSample(a, uptime: 1000, irq: [0: 100, 1: 50]), curr: mpSample(b, uptime: 1200, irq: [0: 300, 1: 51]),
                                     cpuCount: 2, sinceBoot: false, { var o = options([0, 1, 2], irq: true); o.cpu = false; return o }())
        #expect(r.cpu.isEmpty)
        // 600 interrupts in 2.00 s; cpu0 200 and cpu1 1 over the same 2 s.
        #expect(r.irq == [.init(cpu: nil, perSecond: 300), .init(cpu: 0, perSecond: 100), .init(cpu: 1, perSecond: 0.5)])
    }

    @Test func sinceBootUsesZeroReference() throws {
        let r = MPStatReport.compute(prev: .zero(time: "t"), curr: mpSample(a, uptime: 1000), cpuCount: 2, sinceBoot: true, options([0]))
        let all = try #require(r.cpu.first)
        #expect(abs(all.usr - 300.0 / 2000 * 100) < 1e-9 && abs(all.idle - 1600.0 / 2000 * 100) < 1e-9)
    }

    @Test func cpuGoingOfflineIsHiddenAndLeavesAll() throws {
        let offline = "cpu 300 10 120 1670 0 0 0 0 0 0\ncpu0 300 10 70 820 0 0 0 0 0 0\nintr 5600\n"
        let r = MPStatReport.compute(prev: mpSample(a, uptime: 1000), curr: mpSample(offline, uptime: 1200), cpuCount: 2, sinceBoot: false, options([0, 1, 2]))
        #expect(r.cpu.map(\.cpu) == [nil, 0])
        let all = try #require(r.cpu.first)
        // Only cpu0's 200 ticks count: the offline CPU keeps its old values.
        #expect(abs(all.usr - 50) < 1e-9 && abs(all.idle - 35) < 1e-9)
    }

    @Test func cpuComingOnlineIsSkippedForOneInterval() throws {
        let onlyCPU0 = "cpu 200 0 50 750 0 0 0 0 0 0\ncpu0 200 0 50 750 0 0 0 0 0 0\n"
        let r = MPStatReport.compute(prev: mpSample(onlyCPU0, uptime: 1000), curr: mpSample(b, uptime: 1200), cpuCount: 2, sinceBoot: false, options([0, 1, 2]))
        #expect(r.cpu.map(\.cpu) == [nil, 0])
    }

    @Test func ticklessCPUShowsAllIdle() throws {
        let same = "cpu 450 10 140 1790 10 0 0 0 0 0\ncpu0 300 10 70 820 0 0 0 0 0 0\ncpu1 100 0 50 850 0 0 0 0 0 0\n"
        let r = MPStatReport.compute(prev: mpSample(a, uptime: 1000), curr: mpSample(same, uptime: 1200), cpuCount: 2, sinceBoot: false, options([2]))
        #expect(r.cpu == [MPStatReport.CPULine(cpu: 1, idle: 100)])
    }

    @Test func countersGoingBackwardsGiveNoNegativeValues() {
        let back = "cpu 1 1 1 1 1 1 1 1 0 0\ncpu0 1 1 1 1 1 1 1 1 0 0\ncpu1 1 1 1 1 1 1 1 1 0 0\nintr 1\n"
        let r = MPStatReport.compute(prev: mpSample(b, uptime: 1200), curr: mpSample(back, uptime: 1000), cpuCount: 2, sinceBoot: false, options([0, 1, 2], irq: true))
        for l in r.cpu { #expect(l.values.allSatisfy { $0 >= 0 && $0.isFinite }) }
        for l in r.irq { #expect(l.perSecond >= 0 && l.perSecond.isFinite) }
    }

    @Test func guestTimeIsTakenOutOfUser() throws {
        let p = "cpu 0 0 0 0 0 0 0 0 0 0\ncpu0 0 0 0 0 0 0 0 0 0 0\n"
        let c = "cpu 100 0 0 100 0 0 0 0 40 0\ncpu0 100 0 0 100 0 0 0 0 40 0\n"
        let r = MPStatReport.compute(prev: mpSample(p, uptime: 0), curr: mpSample(c, uptime: 100), cpuCount: 1, sinceBoot: false, options([0]))
        let all = try #require(r.cpu.first)
        #expect(abs(all.usr - 30) < 1e-9 && abs(all.guest - 20) < 1e-9 && abs(all.idle - 50) < 1e-9)
    }

    @Test func cpuLists() {
        #expect(MPStatReport.Options.parseCPUList("ALL", cpuCount: 2) == [0, 1, 2])
        #expect(MPStatReport.Options.parseCPUList("all", cpuCount: 2) == [0])
        #expect(MPStatReport.Options.parseCPUList("0,1", cpuCount: 2) == [1, 2])
        #expect(MPStatReport.Options.parseCPUList("0-3", cpuCount: 4) == [1, 2, 3, 4])
        #expect(MPStatReport.Options.parseCPUList("2", cpuCount: 2) == nil)
        #expect(MPStatReport.Options.parseCPUList("x", cpuCount: 2) == nil)
        #expect(MPStatReport.Options.parseCPUList("1-0", cpuCount: 2) == nil)
        #expect(MPStatReport.Options.parseCPUList("", cpuCount: 2) == nil)
    }
}

@Suite struct MonitorGarbageTests {
    /// Deterministic garbage shaped like /proc/stat and /proc/diskstats lines with extreme numbers.
    func garbage(_ seed: UInt64, lines: Int) -> String {
        var s = seed
        func next() -> UInt64 { s = s &* 6364136223846793005 &+ 1442695040888963407; return s }
        let words = ["cpu", "cpu0", "cpu1", "cpu7", "intr", "ctxt", "18446744073709551615", "99999999999999999999999", "0", "-5", "x", "8", "sda", "sda1", ":"]
        var out = ""
        for _ in 0..<lines {
            let n = Int(next() % 20)
            out += (0..<n).map { _ in words[Int(next() % UInt64(words.count))] }.joined(separator: " ") + "\n"
        }
        return out
    }

    @Test func enginesNeverTrapOnGarbageSamples() {
        for seed in 0..<300 as Range<UInt64> {
            let a = garbage(seed, lines: 8), b = garbage(seed &+ 1000, lines: 8)
            let pa = mpSample(a, uptime: seed * 7), pb = mpSample(b, uptime: seed)
            var o = MPStatReport.Options(); o.selected = [0, 1, 2, 3]; o.irqSum = true
            let r = MPStatReport.compute(prev: pa, curr: pb, cpuCount: Int(seed % 4) + 1, sinceBoot: seed % 2 == 0, o)
            _ = MPStatReport.render(r, o, header: true, prevLabel: "a", currLabel: "b")
            for l in r.cpu { #expect(l.values.allSatisfy { $0.isFinite && $0 >= 0 }) }
            let ia = ioSample(cpu: a, uptime: seed, disks: a), ib = ioSample(cpu: b, uptime: seed * 3, disks: b + a)
            var io = IOStatReport.Options(); io.extended = seed % 2 == 0; io.partitions = seed % 3 == 0 ? .all : .none
            let topo = BlockTopology.guess(from: ib.disks.map(\.name))
            let lines = IOStatReport.devices(prev: ia, curr: ib, io, topology: topo)
            _ = IOStatReport.render(cpu: IOStatReport.cpu(prev: ia.cpu, curr: ib.cpu), devices: lines, io, timestamp: nil)
            _ = IOStatReport.json(cpu: nil, devices: lines, io, timestamp: nil).serialized()
            let va = VMStatReport.Sample(stat: pa.stat, mem: MemInfo.parse(Array(a.utf8)), vm: VMStatCounters.parse(Array(b.utf8)))
            let vb = VMStatReport.Sample(stat: pb.stat, mem: MemInfo.parse(Array(b.utf8)), vm: VMStatCounters.parse(Array(a.utf8)))
            var debt: Int64 = Int64(seed) - 150
            _ = VMStatReport.line(VMStatReport.between(va, vb, delay: seed % 5, debt: &debt, .init(), pageKiB: 4), .init(), time: nil)
            _ = VMStatReport.sinceBoot(vb, .init(), hz: 100, pageKiB: 4)
            _ = VMStatReport.table(VMStatReport.summary(vb, .init()))
        }
    }
}
