import Monitors
import ProcFS
import Testing

/// Expected text is written from procps' printf formats (pmap.c), not from a sonde run.
@Suite struct PMapReportTests {
    func mapping(_ start: UInt64, _ end: UInt64, _ perms: String, _ name: String = "", dev: (UInt32, UInt32) = (0, 0), inode: UInt64 = 0,
                 offset: UInt64 = 0, fields: [(String, UInt64)] = []) -> MemoryMapping {
        var m = MemoryMapping(start: start, end: end, perms: perms, offset: offset, devMajor: dev.0, devMinor: dev.1, inode: inode, name: name)
        m.fields = fields.map { SmapsField(key: $0.0, value: $0.1) }
        return m
    }

    var process: PMapProcess {
        PMapProcess(pid: 77, command: "demo --flag", startStack: 0x7ffc00000100, mappings: [
            mapping(0x400000, 0x402000, "r-xp", "/usr/bin/demo", dev: (8, 1), inode: 5,
                    fields: [("Size", 8), ("Rss", 8), ("Pss", 4), ("Shared_Clean", 8), ("Shared_Dirty", 0), ("Private_Clean", 0), ("Private_Dirty", 0), ("Swap", 0)]),
            mapping(0x600000, 0x640000, "rw-p", "", fields: [("Size", 256), ("Rss", 40), ("Pss", 40), ("Shared_Clean", 0), ("Shared_Dirty", 0), ("Private_Clean", 0), ("Private_Dirty", 40), ("Swap", 12)]),
            mapping(0x7f0000000000, 0x7f0000003000, "r--s", "/tmp/my dir/data file (deleted)", dev: (0, 5), inode: 9, offset: 0x2000,
                    fields: [("Size", 12), ("Rss", 4), ("Pss", 4), ("Shared_Clean", 0), ("Shared_Dirty", 4), ("Private_Clean", 0), ("Private_Dirty", 0), ("Swap", 0)]),
            mapping(0x7ffc00000000, 0x7ffc00021000, "rw-p", "[stack]", fields: [("Size", 132), ("Rss", 12), ("Pss", 12), ("Shared_Clean", 0), ("Shared_Dirty", 0), ("Private_Clean", 4), ("Private_Dirty", 8), ("Swap", 0)]),
        ])
    }

    @Test func standardView() {
        var r = PMapReport(options: PMapOptions())
        #expect(r.render(process) == """
        77:   demo --flag
        0000000000400000      8K r-x-- demo
        0000000000600000    256K rw---   [ anon ]
        00007f0000000000     12K r--s- data file (deleted)
        00007ffc00000000    132K rw---   [ stack ]
         total              408K

        """)
    }

    @Test func quietAndShowPath() {
        var o = PMapOptions()
        o.quiet = true
        o.showPath = true
        var r = PMapReport(options: o)
        let lines = r.render(process).split(separator: "\n")
        #expect(lines.count == 5)
        #expect(lines[3] == "00007f0000000000     12K r--s- /tmp/my dir/data file (deleted)")
    }

    @Test func extendedView() {
        var o = PMapOptions()
        o.mode = .extended
        var r = PMapReport(options: o)
        #expect(r.render(process) == """
        77:   demo --flag
        Address           Kbytes     RSS   Dirty Mode  Mapping
        0000000000400000       8       8       0 r-x-- demo
        0000000000600000     256      40      40 rw---   [ anon ]
        00007f0000000000      12       4       4 r--s- data file (deleted)
        00007ffc00000000     132      12       8 rw---   [ stack ]
        ---------------- ------- ------- ------- 
        total kB             408      64      52

        """)
    }

    @Test func deviceView() {
        var o = PMapOptions()
        o.mode = .device
        var r = PMapReport(options: o)
        let lines = r.render(process).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines[1] == "Address           Kbytes Mode  Offset           Device    Mapping")
        #expect(lines[2] == "0000000000400000       8 r-x-- 0000000000000000 008:00001 demo")
        #expect(lines[4] == "00007f0000000000      12 r--s- 0000000000002000 000:00005 data file (deleted)")
        #expect(lines[6] == "mapped: 408K    writeable/private: 388K    shared: 12K")
    }

    /// -X: right-aligned columns as wide as their header or total; Mapping is the basename, empty for anon.
    @Test func smapsView() {
        var o = PMapOptions()
        o.mode = .smaps(level: 1)
        var r = PMapReport(options: o)
        let p = PMapProcess(pid: 5, command: "x", mappings: [
            mapping(0x400000, 0x402000, "r-xp", "/usr/bin/demo", dev: (8, 1), inode: 5, fields: [("Size", 8), ("Rss", 8), ("Private_Dirty", 0), ("Swap", 0)]),
            mapping(0x600000, 0x640000, "rw-p", "", fields: [("Size", 256), ("Rss", 40), ("Private_Dirty", 40), ("Swap", 12345)]),
        ])
        // The footer starts under the first field column: Address(8) Perm(4) Offset(8) Device(6) Inode(5), each plus a blank.
        let gap = String(repeating: " ", count: 8 + 4 + 8 + 6 + 5 + 5)
        #expect(r.render(p) == """
        5:   x
         Address Perm   Offset Device Inode Size Rss  Swap Mapping
        00400000 r-xp 00000000  08:01     5    8   8     0 demo
        00600000 rw-p 00000000  00:00     0  256  40 12345 \n\(gap)==== === ===== \n\(gap) 264  48 12345 KB \n
        """)
        // A second process keeps the columns (and their widths) of the first, as procps does.
        let q = PMapProcess(pid: 6, command: "y", mappings: [mapping(0x1000, 0x2000, "r--p", "", fields: [("Size", 4), ("Rss", 0), ("Private_Dirty", 0), ("Swap", 0)])])
        let second = r.render(q).split(separator: "\n").map(String.init)
        #expect(second[1] == " Address Perm   Offset Device Inode Size Rss  Swap Mapping")
        #expect(second[4] == gap + "   4   0     0 KB ")
    }

    @Test func smapsViewLevel2ShowsMinorFieldsAndFlags() {
        var o = PMapOptions()
        o.mode = .smaps(level: 2)
        var r = PMapReport(options: o)
        var m = mapping(0x400000, 0x401000, "r-xp", "/bin/a", fields: [("Size", 4), ("Private_Dirty", 0)])
        m.vmFlags = ["rd", "ex"]
        let header = r.render(PMapProcess(pid: 1, command: "a", mappings: [m])).split(separator: "\n")[1]
        #expect(header == " Address Perm   Offset Device Inode Size Private_Dirty VmFlags Mapping")
        var o1 = PMapOptions()
        o1.mode = .smaps(level: 1)
        var r1 = PMapReport(options: o1)
        #expect(r1.render(PMapProcess(pid: 1, command: "a", mappings: [m])).split(separator: "\n")[1] == " Address Perm   Offset Device Inode Size Mapping")
    }

    @Test func kernelThreadHasOnlyTotals() {
        var r = PMapReport(options: PMapOptions())
        #expect(r.render(PMapProcess(pid: 2, command: "[kthreadd]", mappings: [])) == "2:   [kthreadd]\n total                0K\n")
        var o = PMapOptions()
        o.mode = .smaps(level: 1)
        var x = PMapReport(options: o)
        #expect(x.render(PMapProcess(pid: 2, command: "[kthreadd]", mappings: [])) == "2:   [kthreadd]\n")
    }

    @Test func rangeSelectsOverlappingMappings() {
        var o = PMapOptions()
        o.rangeLow = 0x401000
        o.rangeHigh = 0x600000
        var r = PMapReport(options: o)
        let lines = r.render(process).split(separator: "\n")
        #expect(lines.count == 4)
        #expect(lines[3] == " total              264K")
    }

    @Test func namingRules() {
        #expect(PMapReport.mappingName(mapping(0, 4096, "rw-s", "/SYSV00000000 (deleted)", inode: 0x2a), startStack: 0, showPath: false) == "  [ shmid=0x2a ]")
        #expect(PMapReport.mappingName(mapping(0x1000, 0x2000, "r--p", "[vdso]"), startStack: 0, showPath: false) == "  [ anon ]")
        #expect(PMapReport.mappingName(mapping(0, 4096, "r--p", "/"), startStack: 0, showPath: false) == "/")
        #expect(PMapReport.mappingName(mapping(0x1000, 0x2000, "rw-p", "[stack]"), startStack: 0x2000, showPath: false) == "  [ stack ]")
        #expect(PMapReport.modeText("r-xp") == "r-x--")
        #expect(PMapReport.modeText("rw-s") == "rw-s-")
        #expect(PMapReport.modeText("r") == "r----")
        #expect(PMapProcess.commandText(argv: [], comm: "kworker/0:1") == "[kworker/0:1]")
        #expect(PMapProcess.commandText(argv: ["a", "b c"], comm: "a") == "a b c")
    }

    @Test func usageViewTotals() {
        var o = PMapOptions()
        o.mode = .usage
        var r = PMapReport(options: o)
        let lines = r.render(process).split(separator: "\n").map { $0.split(separator: " ").map(String.init) }
        #expect(lines[1] == ["Address", "Kbytes", "RSS", "PSS", "USS", "Swap", "Dirty", "Mode", "Mapping"])
        #expect(lines[3] == ["0000000000600000", "256", "40", "40", "40", "12", "40", "rw---", "[", "anon", "]"])
        #expect(lines.last == ["total", "kB", "408", "64", "60", "52", "12", "52"])
    }

    @Test func pidArguments() {
        #expect(PMapArguments.pid("123") == .some(.some(123)))
        #expect(PMapArguments.pid("/proc/123") == .some(.some(123)))
        #expect(PMapArguments.pid("/proc/self") == .some(nil))
        #expect(PMapArguments.pid("0x10") == .some(.some(16)))
        #expect(PMapArguments.pid("010") == .some(.some(8)))
        for bad in ["", "abc", "0", "12x", "-1", "2147483648", "99999999999999999999"] { #expect(PMapArguments.pid(bad) == nil, "\(bad)") }
        #expect(PMapArguments.range("400000,600000")! == (0x400000, 0x600000))
        #expect(PMapArguments.range(",10")! == (0, 0x10))
        #expect(PMapArguments.range("10")! == (0x10, 0x10))
        #expect(PMapArguments.range("xyz") == nil)
    }
}
