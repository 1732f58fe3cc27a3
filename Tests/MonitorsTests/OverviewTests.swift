import Testing
import Monitors
import ProcFS

@Suite struct OverviewTests {
    static func process(_ pid: Int32, ticks: UInt64, rss: Int64, comm: String) -> ProcessRecord {
        var st = ProcessStat()
        st.pid = pid
        st.comm = comm
        st.utime = ticks
        var r = ProcessRecord(pid: pid, tid: pid, stat: st)
        var status = ProcessStatus()
        status.vmRSS = rss
        r.status = status
        r.cmdline = ["/usr/bin/" + comm, "--flag"]
        return r
    }

    /// Rates from two samples whose deltas the test chooses.
    @Test func ratesFromTwoSamples() {
        var i = OverviewInput()
        i.hz = 100
        var a = OverviewSample(), b = OverviewSample()
        a.time = 10; b.time = 12   // 2 s apart
        a.stat.total.user = 1000; a.stat.total.idle = 5000; a.stat.total.system = 100
        b.stat.total.user = 1000 + 60; b.stat.total.idle = 5000 + 300; b.stat.total.system = 100 + 40  // 400 ticks: 15% us, 10% sy, 75% id
        a.processes = [Self.process(10, ticks: 0, rss: 100, comm: "light"), Self.process(11, ticks: 0, rss: 9000, comm: "big"), Self.process(12, ticks: 0, rss: 10, comm: "me")]
        b.processes = [Self.process(10, ticks: 50, rss: 100, comm: "light"), Self.process(11, ticks: 10, rss: 9000, comm: "big"), Self.process(12, ticks: 400, rss: 10, comm: "me")]
        var d0 = DiskStat(name: "vda"), d1 = DiskStat(name: "vda")
        d0.readIOs = 1; d1.readIOs = 2
        d0.readSectors = 0; d1.readSectors = 2048      // 1 MiB in 2 s = 512 KiB/s
        d0.writeSectors = 0; d1.writeSectors = 8192    // 4 MiB in 2 s = 2048 KiB/s
        d1.ioTicks = 500                                // 500 ms busy of 2000 ms = 25%
        a.disks = [d0, DiskStat(name: "vda1")]; b.disks = [d1, DiskStat(name: "vda1")]
        i.before = a; i.after = b
        i.wholeDisks = ["vda"]
        i.selfPID = 12
        i.kernelMessages = [KmsgRecord(level: 6, facility: 0, sequence: 1, microseconds: 1, message: "info"),
                            KmsgRecord(level: 3, facility: 0, sequence: 2, microseconds: 2_500_000, message: "disk error")]
        let r = OverviewReport(i)
        let cpu = Dictionary(uniqueKeysWithValues: r.cpu)
        #expect(cpu["us"] == 15 && cpu["sy"] == 10 && cpu["id"] == 75)
        #expect(r.byCPU.map(\.pid) == [10, 11], "sonde itself (12) is left out")
        #expect(r.byCPU.first?.cpuPercent == 25)  // 50 ticks / 100 Hz / 2 s
        #expect(r.byCPU.first?.command == "light")
        #expect(r.byMemory.first?.pid == 11)
        #expect(r.disks == [OverviewDisk(name: "vda", readKiBps: 512, writeKiBps: 2048, utilPercent: 25)])
        #expect(r.warnings.map(\.message) == ["disk error"])
        let text = r.render(width: 100)
        #expect(text.contains("disk error") && text.contains("vda") && !text.contains("vda1"))
    }

    @Test func kmsgRecords() throws {
        let r = try #require(KmsgRecord.parse(Array("4,1234,5678901,-,caller=T1;hello\\x20world\n SUBSYSTEM=pci\n".utf8)))
        #expect(r.level == 4 && r.sequence == 1234 && r.microseconds == 5_678_901 && r.message == "hello world")
        #expect(KmsgRecord.parse(Array("garbage".utf8)) == nil)
        #expect(KmsgRecord.parse(Array("x,1,2,-;m".utf8)) == nil)
    }
}
