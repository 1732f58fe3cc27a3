import Testing
import ProcFS

@Suite struct SystemFilesTests {
    @Test func memInfoUsedIsTotalMinusAvailable() {
        let text = "MemTotal:       16000000 kB\nMemFree:         1000000 kB\nMemAvailable:    9000000 kB\nBuffers:          200000 kB\nCached:          5000000 kB\nSReclaimable:     300000 kB\nShmem:             10000 kB\nSwapTotal:       2000000 kB\nSwapFree:        1500000 kB\n"
        let m = MemInfo.parse(Array(text.utf8))
        #expect(m.total == 16_000_000)
        #expect(m.used == 7_000_000)
        #expect(m.cached == 5_300_000)
        #expect(m.swapUsed == 500_000)
        #expect(m.order.first == "MemTotal")
    }

    @Test func systemStatCPULines() {
        let text = "cpu  100 5 50 1000 7 1 2 3 0 0\ncpu0 60 5 30 500 3 1 1 2 0 0\ncpu1 40 0 20 500 4 0 1 1 0 0\nintr 12345 1 2 3\nctxt 999\nbtime 1700000000\nprocesses 4242\nprocs_running 2\nprocs_blocked 1\nsoftirq 77 1 2\n"
        let s = SystemStat.parse(Array(text.utf8))
        #expect(s.total.user == 100 && s.total.steal == 3)
        #expect(s.total.total == 100 + 5 + 50 + 1000 + 7 + 1 + 2 + 3)
        #expect(s.cpus.count == 2 && s.cpus[1]?.idle == 500)
        #expect(s.interrupts == 12345 && s.contextSwitches == 999 && s.bootTime == 1_700_000_000)
        #expect(s.running == 2 && s.blocked == 1 && s.processesCreated == 4242)
    }

    @Test func uptimeAndLoad() throws {
        let u = try #require(Uptime.parse(Array("12345.67 20000.01\n".utf8)))
        #expect(u.seconds == 12345.67)
        let l = try #require(LoadAverage.parse(Array("0.52 0.58 0.59 3/911 12345\n".utf8)))
        #expect(l.one == 0.52 && l.runnable == 3 && l.total == 911 && l.lastPID == 12345)
        #expect(Uptime.parse(Array("garbage".utf8)) == nil)
        #expect(LoadAverage.parse(Array("1 2".utf8)) == nil)
    }

    /// Found by scripts/fuzz: a MemFree that saturates Int64 made `available` overflow.
    @Test func absurdMemInfoValuesDoNotTrap() {
        let text = "MemTotal: 24684096 kB\nMemFree: 88888888888888888888888 kB\nCached: 9223372036854775807 kB\nBuffers: 5 kB\nSwapTotal: -9223372036854775807 kB\nSwapFree: 9223372036854775807 kB\n"
        let m = MemInfo.parse(Array(text.utf8))
        #expect(m.available == m.total)
        #expect(m.used == 0)
        #expect(m.swapUsed == 0)
    }
}
