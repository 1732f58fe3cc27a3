import Testing
import ProcFS
import TestSupport
@testable import Monitors

func ioSample(cpu: String, uptime: UInt64, disks: String) -> IOStatReport.Sample {
    IOStatReport.Sample(cpu: SystemStat.parse(Array(cpu.utf8)).total, uptimeCS: uptime, disks: DiskStats.parse(Array(disks.utf8)), time: "t")
}

@Suite struct IOStatTests {
    let topo = BlockTopology(disks: ["sda", "sdb", "loop0"], parent: ["sda1": "sda", "sda2": "sda"])
    let d1 = """
    7 0 loop0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0
    8 0 sda 1000 100 80000 5000 500 50 40000 2500 0 3000 7500 10 0 2000 20 30 60
    8 1 sda1 900 90 70000 4000 400 40 30000 2000 0 2500 6000 10 0 2000 20 0 0
    8 2 sda2 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0
    8 16 sdb 10 0 80 1 0 0 0 0 0 1 1 0 0 0 0 0 0
    """
    let d2 = """
    7 0 loop0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0
    8 0 sda 1200 140 96000 5600 800 110 64000 3400 1 3500 9000 14 2 2800 28 40 80
    8 1 sda1 1100 130 86000 4600 700 100 54000 2900 0 3000 7500 14 2 2800 28 0 0
    8 2 sda2 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0
    8 16 sdb 10 0 80 1 0 0 0 0 0 1 1 0 0 0 0 0 0
    """

    @Test func basicRatesBetweenTwoSnapshots() throws {
        let p = ioSample(cpu: "cpu 0 0 0 0\n", uptime: 10000, disks: d1)
        let c = ioSample(cpu: "cpu 0 0 0 0\n", uptime: 10200, disks: d2)
        let lines = IOStatReport.devices(prev: p, curr: c, .init(), topology: topo)
        // Default: whole disks with I/O since boot (loop0 has none); no partitions.
        #expect(lines.map(\.name) == ["sda", "sdb"])
        let sda = lines[0]
        // 2.00 s: 200 reads + 300 writes + 4 discards; 16000 / 24000 / 800 sectors.
        #expect(abs(sda.tps - 504.0 / 2) < 1e-9)
        #expect(abs(sda.readPerSec - 16000.0 / 2 / 2) < 1e-9)
        #expect(abs(sda.writePerSec - 24000.0 / 2 / 2) < 1e-9)
        #expect(abs(sda.discardPerSec - 800.0 / 2 / 2) < 1e-9)
        #expect(sda.read == 8000 && sda.written == 12000 && sda.discarded == 400)
        let text = IOStatReport.deviceText(sda, .init())
        #expect(fields(String(text.dropLast())) == ["sda", "252.00", "4000.00", "6000.00", "200.00", "8000", "12000", "400"])
        #expect(text.count - 1 == IOStatReport.diskHeader(.init()).count - 1)
    }

    @Test func extendedValues() throws {
        let p = ioSample(cpu: "cpu 0 0 0 0\n", uptime: 10000, disks: d1)
        let c = ioSample(cpu: "cpu 0 0 0 0\n", uptime: 10200, disks: d2)
        var o = IOStatReport.Options()
        o.extended = true
        let sda = try #require(IOStatReport.devices(prev: p, curr: c, o, topology: topo).first)
        #expect(abs(sda.rs - 100) < 1e-9 && abs(sda.rrqms - 20) < 1e-9)
        #expect(abs(sda.rrqmPct - 40.0 / 240 * 100) < 1e-9)
        #expect(abs(sda.rAwait - 600.0 / 200) < 1e-9 && abs(sda.rareqSz - 16000.0 / 200 / 2) < 1e-9)
        #expect(abs(sda.ws - 150) < 1e-9 && abs(sda.wAwait - 900.0 / 300) < 1e-9 && abs(sda.wrqmPct - 60.0 / 360 * 100) < 1e-9)
        #expect(abs(sda.ds - 2) < 1e-9 && abs(sda.dAwait - 8.0 / 4) < 1e-9 && abs(sda.dareqSz - 800.0 / 4 / 2) < 1e-9 && abs(sda.drqmPct - 2.0 / 6 * 100) < 1e-9)
        #expect(abs(sda.fs - 5) < 1e-9 && abs(sda.fAwait - 2) < 1e-9)
        #expect(abs(sda.aquSz - 1500.0 / 2 / 1000) < 1e-9)
        #expect(abs(sda.util - 500.0 / 2 / 10) < 1e-9)
        let header = IOStatReport.diskHeader(o)
        let line = IOStatReport.deviceText(sda, o)
        #expect(fields(header).count == fields(line).count)
        #expect(header.count == line.count)
    }

    @Test func deviceSelection() {
        let c = ioSample(cpu: "cpu 0 0 0 0\n", uptime: 10200, disks: d2)
        var o = IOStatReport.Options()
        o.partitions = .all
        #expect(IOStatReport.devices(prev: .zero(time: ""), curr: c, o, topology: topo).map(\.name) == ["loop0", "sda", "sda1", "sda2", "sdb"])
        o = .init(); o.partitions = .of(["sda"])
        #expect(IOStatReport.devices(prev: .zero(time: ""), curr: c, o, topology: topo).map(\.name) == ["sda", "sda1", "sda2"])
        o = .init(); o.devices = ["loop0"]
        #expect(IOStatReport.devices(prev: .zero(time: ""), curr: c, o, topology: topo).map(\.name) == ["loop0"])
        o = .init(); o.allDevices = true
        #expect(IOStatReport.devices(prev: .zero(time: ""), curr: c, o, topology: topo).map(\.name) == ["loop0", "sda", "sdb"])
        o = .init(); o.devices = ["nosuch"]
        #expect(IOStatReport.devices(prev: .zero(time: ""), curr: c, o, topology: topo).isEmpty)
    }

    @Test func omitIdleDevices() {
        let p = ioSample(cpu: "cpu 0 0 0 0\n", uptime: 10000, disks: d1)
        let c = ioSample(cpu: "cpu 0 0 0 0\n", uptime: 10200, disks: d2)
        var o = IOStatReport.Options()
        o.omitIdle = true
        #expect(IOStatReport.devices(prev: p, curr: c, o, topology: topo).map(\.name) == ["sda"])
    }

    @Test func deviceReplacedComparesWithZero() throws {
        let p = ioSample(cpu: "cpu 0 0 0 0\n", uptime: 10000, disks: d1)
        let c = ioSample(cpu: "cpu 0 0 0 0\n", uptime: 10200, disks: "8 0 sda 10 0 20 0 0 0 0 0 0 0 0 0 0 0 0 0 0\n")
        let sda = try #require(IOStatReport.devices(prev: p, curr: c, .init(), topology: topo).first)
        #expect(abs(sda.tps - 5) < 1e-9 && sda.read == 10)
    }

    @Test func cpuPercentages() {
        let r = IOStatReport.cpu(prev: SystemStat.parse(Array("cpu 100 0 100 800 0 0 0 0 0 0\n".utf8)).total,
                                 curr: SystemStat.parse(Array("cpu 150 10 120 900 10 5 5 0 0 0\n".utf8)).total)
        // 50 + 10 + 20 + 100 + 10 + 5 + 5 = 200 ticks; system includes irq and softirq.
        #expect(abs(r.user - 25) < 1e-9 && abs(r.nice - 5) < 1e-9 && abs(r.system - 15) < 1e-9)
        #expect(abs(r.iowait - 5) < 1e-9 && abs(r.idle - 50) < 1e-9 && abs(r.values.reduce(0, +) - 100) < 1e-9)
        let text = IOStatReport.cpuText(r)
        #expect(text == "avg-cpu:  %user   %nice %system %iowait  %steal   %idle\n          25.00    5.00   15.00    5.00    0.00   50.00\n\n")
    }

    @Test func oldPartitionLinesSkippedInExtendedMode() {
        let c = ioSample(cpu: "cpu 0 0 0 0\n", uptime: 100, disks: "8 0 sda 1 0 2 0 0 0 0 0 0 0 0\n8 1 sda1 1 2 0 0\n")
        var o = IOStatReport.Options()
        o.partitions = .all
        #expect(IOStatReport.devices(prev: .zero(time: ""), curr: c, o, topology: topo).map(\.name) == ["sda", "sda1"])
        o.extended = true
        #expect(IOStatReport.devices(prev: .zero(time: ""), curr: c, o, topology: topo).map(\.name) == ["sda"])
    }

    @Test func megabytes() throws {
        let c = ioSample(cpu: "cpu 0 0 0 0\n", uptime: 100, disks: "8 0 sda 1 0 4096 0 0 0 0 0 0 0 0\n")
        var o = IOStatReport.Options()
        o.megabytes = true
        let l = try #require(IOStatReport.devices(prev: .zero(time: ""), curr: c, o, topology: topo).first)
        #expect(l.read == 2 && abs(l.readPerSec - 2) < 1e-9)
        #expect(IOStatReport.diskHeader(o).contains("MB_read/s"))
    }
}
