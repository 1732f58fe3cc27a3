import Testing
import Foundation
import ProcFS
import Render
import TestSupport
@testable import Monitors

/// Builds a vmstat sample from the three files' text, as a fake /proc would hold them.
func vmSample(stat: String, meminfo: String, vmstat: String) throws -> VMStatReport.Sample {
    let root = try tempDir("vmproc")
    try writeTree(["stat": stat, "meminfo": meminfo, "vmstat": vmstat], in: root)
    return try VMStatReport.Sample.read(ProcFS(root: root.path))
}

let vmMem = "MemTotal: 8000000 kB\nMemFree: 3000000 kB\nMemAvailable: 5000000 kB\nBuffers: 100000 kB\nCached: 2000000 kB\nSReclaimable: 50000 kB\nActive: 1500000 kB\nInactive: 1200000 kB\nSwapTotal: 1000000 kB\nSwapFree: 900000 kB\n"

@Suite struct VMStatTests {
    @Test func ratesBetweenTwoSnapshots() throws {
        let a = try vmSample(stat: "cpu 1000 0 500 8000 100 0 0 0 0 0\nintr 10000 0\nctxt 50000\nprocs_running 3\nprocs_blocked 1\nprocesses 77\nbtime 1\n",
                             meminfo: vmMem, vmstat: "pgpgin 4000\npgpgout 2000\npswpin 10\npswpout 20\n")
        let b = try vmSample(stat: "cpu 1150 50 600 8500 200 0 0 0 0 0\nintr 10900 0\nctxt 53001\nprocs_running 2\nprocs_blocked 0\nprocesses 80\nbtime 1\n",
                             meminfo: vmMem, vmstat: "pgpgin 4600\npgpgout 2300\npswpin 13\npswpout 20\n")
        var debt: Int64 = 0
        let delay: UInt64 = 3
        let r = VMStatReport.between(a, b, delay: delay, debt: &debt, .init(), pageKiB: 4)
        // Expected values computed here from the deltas, with procps' rounding (x + delay/2) / delay.
        func rate(_ x: UInt64) -> UInt64 { (x + delay / 2) / delay }
        #expect(r.bi == rate(600) && r.bo == rate(300))
        #expect(r.si == rate(3 * 4) && r.so == 0)
        #expect(r.inRate == rate(900) && r.cs == rate(3001))
        let use: UInt64 = 150 + 50, sys: UInt64 = 100, idle: UInt64 = 500, wa: UInt64 = 100
        let div = use + sys + idle + wa
        func pc(_ x: UInt64) -> UInt64 { (100 * x + div / 2) / div }
        #expect(r.us == pc(use) && r.sy == pc(sys) && r.id == pc(idle) && r.wa == pc(wa) && r.st == 0)
        #expect(r.r == 2 && r.b == 0)
        #expect(r.swpd == 100_000 && r.free == 3_000_000 && r.buffOrInact == 100_000 && r.cacheOrActive == 2_050_000)
        let line = VMStatReport.line(r, .init(), time: nil)
        #expect(fields(line).count == 17)
        #expect(fields(line)[8] == String(rate(600)))
    }

    @Test func sinceBootDividesByAllTicks() throws {
        let s = try vmSample(stat: "cpu 300 100 100 1400 100 0 0 0 0 0\nintr 20000\nctxt 40000\nprocs_running 1\nprocs_blocked 0\n",
                             meminfo: vmMem, vmstat: "pgpgin 1000\npgpgout 500\npswpin 0\npswpout 0\n")
        let r = VMStatReport.sinceBoot(s, .init(), hz: 100, pageKiB: 4)
        let div: UInt64 = 2000
        #expect(r.bi == (1000 * 100 + div / 2) / div)
        #expect(r.inRate == (20000 * 100 + div / 2) / div)
        #expect(r.us == 20 && r.sy == 5 && r.id == 70 && r.wa == 5)
    }

    @Test func idleGoingBackwardsIsCarriedAsDebt() throws {
        let mem = vmMem, vm = "pgpgin 0\n"
        let a = try vmSample(stat: "cpu 100 0 100 1000 0 0 0 0 0 0\n", meminfo: mem, vmstat: vm)
        let b = try vmSample(stat: "cpu 200 0 100 990 0 0 0 0 0 0\n", meminfo: mem, vmstat: vm)
        let c = try vmSample(stat: "cpu 200 0 100 1090 0 0 0 0 0 0\n", meminfo: mem, vmstat: vm)
        var debt: Int64 = 0
        let r1 = VMStatReport.between(a, b, delay: 1, debt: &debt, .init(), pageKiB: 4)
        #expect(r1.id == 0 && r1.us == 100 && debt == -10)
        let r2 = VMStatReport.between(b, c, delay: 1, debt: &debt, .init(), pageKiB: 4)
        // 100 idle ticks minus the 10 owed: 90 of 90.
        #expect(r2.id == 100 && debt == 0)
    }

    @Test func countersGoingBackwardsDoNotTrap() throws {
        let a = try vmSample(stat: "cpu 900 90 900 9000 900 9 9 9 0 0\nintr 9999\nctxt 9999\n", meminfo: vmMem, vmstat: "pgpgin 9999\npgpgout 9999\npswpin 99\npswpout 99\n")
        let b = try vmSample(stat: "cpu 1 1 1 1 1 1 1 1 0 0\nintr 1\nctxt 1\n", meminfo: vmMem, vmstat: "pgpgin 1\npgpgout 1\npswpin 1\npswpout 1\n")
        var debt: Int64 = 0
        let r = VMStatReport.between(a, b, delay: 1, debt: &debt, .init(), pageKiB: 4)
        #expect(r.bi == 0 && r.bo == 0 && r.si == 0 && r.inRate == 0 && r.cs == 0)
        #expect(r.us + r.sy + r.id + r.wa + r.st <= 100)
    }

    @Test func unitsConvertThroughFloat() {
        var o = VMStatReport.Options()
        (o.dataUnit, o.unitLabel) = VMStatReport.Options.unit("M")!
        #expect(VMStatReport.unitConvert(2_050_000, o) == 2_050_000 / 1024)
        (o.dataUnit, o.unitLabel) = VMStatReport.Options.unit("k")!
        #expect(VMStatReport.unitConvert(1000, o) == 1024)
        (o.dataUnit, o.unitLabel) = VMStatReport.Options.unit("b")!
        #expect(VMStatReport.unitConvert(3, o) == 3072)
        #expect(VMStatReport.Options.unit("q") == nil)
        #expect(VMStatReport.Options.unit("") == nil)
    }

    @Test func headersHaveOneNamePerColumn() {
        var o = VMStatReport.Options()
        for (wide, active, ts) in [(false, false, false), (true, false, false), (false, true, true), (true, true, true)] {
            o.wide = wide; o.active = active; o.timestamp = ts
            let h = VMStatReport.header(o, zone: "UTC").split(separator: "\n").map(String.init)
            #expect(h.count == 2)
            let names = fields(h[1])
            #expect(names.count == (wide ? 18 : 17) + (ts ? 1 : 0))
            #expect(names.contains(active ? "inact" : "buff"))
            let row = VMStatReport.line(.init(), o, time: ts ? "2024-01-01 00:00:00" : nil)
            // Every value ends where its header name ends.
            #expect(row.count - 1 == h[1].count || ts)
        }
    }

    @Test func summaryTable() throws {
        let s = try vmSample(stat: "cpu 11 12 13 14 15 16 17 18 19 20\nintr 21\nctxt 22\nbtime 23\nprocesses 24\n",
                             meminfo: vmMem, vmstat: "pgpgin 25\npgpgout 26\npswpin 27\npswpout 28\n")
        let rows = VMStatReport.summary(s, .init())
        #expect(rows.count == 28)
        #expect(rows[0] == (8_000_000, "K total memory"))
        #expect(rows[1].0 == 3_000_000)  // used = total - available
        #expect(rows[6].0 == 2_050_000)  // "swap cache" is Cached + SReclaimable in procps 4
        #expect(rows.map(\.0)[10...19] == [11, 12, 13, 14, 15, 16, 17, 18, 19, 20])
        #expect(rows.last! == (24, "forks"))
        let text = VMStatReport.table(rows)
        #expect(text.split(separator: "\n").allSatisfy { $0.count >= 14 && $0.dropFirst(13).hasPrefix(" ") })
        let j = VMStatReport.tableJSON(rows).serialized()
        #expect(j.contains("\"total_memory\":8000000") && j.contains("\"forks\":24") && j.contains("\"cpu_context_switches\":22"))
    }

    @Test func malformedFilesAreErrors() throws {
        #expect(throws: (any Error).self) { try vmSample(stat: "garbage\n", meminfo: vmMem, vmstat: "") }
        #expect(throws: (any Error).self) { try vmSample(stat: "cpu 1 2 3 4\n", meminfo: "nothing here\n", vmstat: "") }
        let root = try tempDir("vmproc")
        #expect(throws: ProcError.self) { try VMStatReport.Sample.read(ProcFS(root: root.path)) }
    }

    @Test func diskLinesAndSummary() {
        var d = DiskStat(name: "vda")
        d.readIOs = 5; d.inFlight = 2500; d.ioTicks = 7999; d.weightedTicks = 3000
        let p = DiskStat(name: "vda1")
        let t = BlockTopology(disks: ["vda"], parent: ["vda1": "vda"])
        let rows = VMStatReport.diskSummary([d, p], topology: t)
        #expect(rows[0] == (1, "disks") && rows[1] == (1, "partitions") && rows[2] == (5, "total reads"))
        #expect(rows.last! == (3, "milli weighted IO"))
        let line = VMStatReport.diskLine(d, wide: false, time: nil)
        #expect(fields(String(line.dropLast())) == ["vda", "5", "0", "0", "0", "0", "0", "0", "0", "2", "7"])
        let header = VMStatReport.diskHeader(wide: false, timestamp: false, zone: "").split(separator: "\n")
        #expect(header[1].count == line.count - 1)
    }
}
