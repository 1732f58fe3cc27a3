import Foundation
import Bytes
import ELF
import PerfData
import Testing
import TestSupport

/// A recording of an AArch64 board analysed on this x86_64 host: a perf.data whose samples fall in an
/// aarch64 build of the 3:1:1 fixture (written with our writer, as a board's perf would lay it out:
/// arch aarch64, COMM, MMAP2 of the program, frame-pointer call chains) reports heavy/light/other
/// with their callers, symbolized from the aarch64 ELF.
struct PerfCrossArchTests {
    @Test(.enabled(if: hasTool("aarch64-linux-gnu-gcc")))
    func aarch64RecordingIsReportedOnTheHost() throws {
        let dir = try tempDir("perf-aarch64")
        let exe = dir.appendingPathComponent("perf_burn").path
        let src = packageRoot.appendingPathComponent("Tests/Fixtures/perf_burn.c").path
        let cc = try run("aarch64-linux-gnu-gcc", ["-O0", "-g", "-fno-omit-frame-pointer", "-o", exe, src])
        try #require(cc.status == 0, "\(cc.stderr)")
        let elf = try ELFFile(path: exe)
        let index = SymbolIndex(elf)
        func sym(_ n: String) throws -> UInt64 { try #require(index.address(of: n)).start }
        // The program's text mapped at a board-like address, file offset 0 (vaddr == offset for this PIE).
        let base: UInt64 = 0xaaaa_d000_0000
        let text = try #require(elf.segments.first { $0.type == PT.load && $0.flags & 1 != 0 })
        var attr = EventAttr()
        attr.type = 1; attr.config = 0; attr.sampleType = [.ip, .tid, .time, .period, .callchain]
        attr.freq = true; attr.samplePeriod = 999; attr.sampleIDAll = true; attr.mmap = true; attr.mmap2 = true; attr.comm = true
        let path = dir.appendingPathComponent("arm.data").path
        let w = try PerfDataWriter(path: path, attrs: [AttrEntry(attr: attr, ids: [])])
        w.features.arch = "aarch64"
        w.features.osRelease = "6.1.0-board"
        w.features.hostname = "board"
        w.features.eventNames = ["cpu-clock"]
        try w.comm(pid: 100, tid: 100, comm: "perf_burn", exec: true, sampleID: SampleID(pid: 100, tid: 100, time: 1))
        try w.mmap2(Mmap2Record(pid: 100, tid: 100, addr: base + (text.vaddr & ~0xfff), len: (text.memsz + 0xfff) & ~0xfff,
                                pgoff: text.offset & ~0xfff, prot: 5, flags: 2, filename: exe), sampleID: SampleID(pid: 100, tid: 100, time: 2))
        let user: UInt64 = 0xffff_ffff_ffff_fe00
        let (heavy, light, other, runFn, main) = (try sym("heavy"), try sym("light"), try sym("other"), try sym("run"), try sym("main"))
        var time: UInt64 = 10
        for (leaf, n) in [(heavy, 300), (light, 100), (other, 100)] {
            for _ in 0..<n {
                var s = Sample()
                s.ip = base + leaf + 8; s.pid = 100; s.tid = 100; s.time = time; s.period = 1_001_001
                s.callchain = U64List([user, base + leaf + 8, base + runFn + 20, base + main + 24])
                try w.sample(s, misc: RecordMisc.user)
                time += 1_001_001
            }
        }
        try w.finish()
        let r = try sonde(["perf", "report", "-i", path, "--stdio", "--no-children", "-g", "none"])
        #expect(r.status == 0, "\(r.stderr)")
        let rows = PerfReportTests.rows(r.stdout)
        #expect(PerfReportTests.share(rows, "heavy") == 60 && PerfReportTests.share(rows, "light") == 20 && PerfReportTests.share(rows, "other") == 20, "\(r.stdout)")
        let c = PerfReportTests.rows(try sonde(["perf", "report", "-i", path, "--stdio", "--children", "-g", "none"]).stdout)
        #expect(PerfReportTests.share(c, "run") == 100 && PerfReportTests.share(c, "main") == 100, "callers from the aarch64 chains: \(c)")
    }
}
