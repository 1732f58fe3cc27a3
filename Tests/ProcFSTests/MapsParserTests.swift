import Foundation
import ProcFS
import Testing
import TestSupport

@Suite struct MapsParserTests {
    static let maps = """
    55d0c8a00000-55d0c8a02000 r--p 00000000 fe:00 254651                     /usr/bin/sle ep
    55d0c9000000-55d0c9021000 rw-p 00000000 00:00 0                          [heap]
    7f0000000000-7f0000003000 rw-s 00000000 00:05 98                         /tmp/x/data file.bin (deleted)
    7f0000003000-7f0000004000 rw-p 00000000 00:00 0 
    7ffc00000000-7ffc00021000 rw-p 00000000 00:00 0                          [stack]
    ffffffffff600000-ffffffffff601000 --xp 00000000 00:00 0                  [vsyscall]

    """

    @Test func headerFieldsAndOddNames() throws {
        let m = try MemoryMaps.parse(Array(Self.maps.utf8))
        #expect(m.count == 6)
        #expect(m[0].start == 0x55d0c8a00000 && m[0].end == 0x55d0c8a02000 && m[0].size == 8192)
        #expect(m[0].perms == "r--p" && m[0].devMajor == 0xfe && m[0].devMinor == 0 && m[0].inode == 254651)
        #expect(m[0].name == "/usr/bin/sle ep")
        #expect(m[1].name == "[heap]")
        #expect(m[2].name == "/tmp/x/data file.bin (deleted)" && m[2].isDeleted && m[2].isShared && m[2].isWritable)
        #expect(m[3].name == "")  // anonymous, trailing blank kept out
        #expect(m[4].name == "[stack]")
        #expect(m[5].start == 0xffffffffff600000 && m[5].name == "[vsyscall]" && m[5].startText == "ffffffffff600000")
        #expect(m[0].startText == "55d0c8a00000" && m[0].offsetText == "00000000" && m[0].deviceText == "fe:00" && m[0].inodeText == "254651")
        #expect(m[0].fields.isEmpty && m[0].vmFlags == nil)
    }

    @Test func smapsFieldsAndFlags() throws {
        let text = """
        7f0000000000-7f0000040000 rw-p 00000000 00:00 0 
        Size:                256 kB
        Rss:                  40 kB
        Pss:                  40 kB
        Shared_Clean:          0 kB
        Shared_Dirty:          0 kB
        Private_Clean:         4 kB
        Private_Dirty:        36 kB
        Swap:                  8 kB
        THPeligible:    0
        ProtectionKey:         0
        VmFlags: rd wr mr mw me ac 
        7f0000040000-7f0000041000 r--p 00000000 fe:00 12 /lib/a.so
        Size:                  4 kB
        Rss:                   4 kB
        """
        let m = try MemoryMaps.parse(Array(text.utf8))
        #expect(m.count == 2)
        #expect(m[0].rss == 40 && m[0].pss == 40 && m[0].uss == 40 && m[0].dirty == 36 && m[0].swap == 8)
        #expect(m[0].field("THPeligible") == 0)
        #expect(m[0].fields.first { $0.key == "THPeligible" }?.inKB == false)
        #expect(m[0].fields.map(\.key) == ["Size", "Rss", "Pss", "Shared_Clean", "Shared_Dirty", "Private_Clean", "Private_Dirty", "Swap", "THPeligible", "ProtectionKey"])
        #expect(m[0].vmFlags == ["rd", "wr", "mr", "mw", "me", "ac"])
        // An older kernel without Pss/Swap lines: those read as 0, present ones as given.
        #expect(m[1].rss == 4 && m[1].pss == 0 && m[1].swap == 0 && m[1].field("Pss") == nil && m[1].vmFlags == nil)
    }

    @Test func emptyInputIsNoMappings() throws {
        #expect(try MemoryMaps.parse([]).isEmpty)
    }

    @Test(arguments: [
        ("Rss: 4 kB\n", 1),
        ("00400000-00401000 r-xp 00000000 08:01 1 /bin/x\nthis is not smaps\n", 2),
        ("00400000-00401000 r-xp 00000000 08:01 1 /bin/x\n\u{1}\u{2}garbage\n", 2),
    ])
    func malformedLinesAreReportedWithLineNumbers(_ text: String, _ line: Int) {
        #expect(throws: MapsFormatError.self) { try MemoryMaps.parse(Array(text.utf8)) }
        do { _ = try MemoryMaps.parse(Array(text.utf8)) } catch { #expect(error.line == line) }
    }

    /// Truncated headers are never taken for mappings.
    @Test(arguments: ["00400000", "00400000-", "00400000-00401000", "00400000-00401000 r-xp", "00400000-00401000 r-xp 0000",
                      "00400000-00401000 r-xp 00000000 08", "00400000-00401000 r-xp 00000000 08:01", "zz400000-00401000 r-xp 00000000 08:01 1"])
    func truncatedHeadersAreRejected(_ line: String) {
        #expect(throws: MapsFormatError.self) { try MemoryMaps.parse(Array(line.utf8)) }
    }

    @Test func lastLineWithoutNewlineStillParses() throws {
        let m = try MemoryMaps.parse(Array("00400000-00401000 r-xp 00000000 08:01 77".utf8))
        #expect(m.count == 1 && m[0].inode == 77 && m[0].name == "")
    }

    /// Random bytes and every prefix of a real smaps: no trap, ever.
    @Test func garbageNeverTraps() throws {
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<500 {
            let n = Int.random(in: 0..<200, using: &rng)
            let bytes = (0..<n).map { _ in [UInt8(ascii: "0"), UInt8(ascii: "-"), UInt8(ascii: " "), UInt8(ascii: ":"), 0x0A, UInt8(ascii: "f"), UInt8.random(in: 0...255, using: &rng)].randomElement(using: &rng)! }
            _ = try? MemoryMaps.parse(bytes)
            _ = SmapsRollup.parse(bytes)
            _ = ResourceLimit.parseTable(bytes)
            _ = CgroupEntry.parse(bytes)
            _ = SchedStat.parse(bytes)
            _ = IOCounters.parse(bytes)
        }
        let real = try ProcFS().read("self/smaps")
        for cut in stride(from: 0, to: real.count, by: max(1, real.count / 150)) {
            _ = try? MemoryMaps.parse(Array(real[0..<cut]))
        }
        #expect(try MemoryMaps.parse(real).count > 3)
    }

    @Test func rollupParsesAndSums() throws {
        let text = "55edc792c000-7ffeb3e6e000 ---p 00000000 00:00 0                          [rollup]\nRss:                1616 kB\nPss:                 311 kB\nPrivate_Clean:        36 kB\nPrivate_Dirty:       116 kB\n"
        let r = try #require(SmapsRollup.parse(Array(text.utf8)))
        #expect(r.field("Rss") == 1616 && r.field("Pss") == 311 && r.field("Private_Dirty") == 116)
        #expect(SmapsRollup.parse(Array("garbage".utf8)) == nil)
        var a = MemoryMapping(start: 0, end: 4096, perms: "rw-p")
        a.fields = [SmapsField(key: "Rss", value: 4), SmapsField(key: "Pss", value: 2)]
        var b = a
        b.fields = [SmapsField(key: "Rss", value: 8), SmapsField(key: "THPeligible", value: 1, inKB: false)]
        let s = SmapsRollup.summing([a, b])
        #expect(s.field("Rss") == 12 && s.field("Pss") == 2 && s.field("THPeligible") == nil)
    }

    @Test func limitsTable() throws {
        let text = """
        Limit                     Soft Limit           Hard Limit           Units     
        Max cpu time              unlimited            unlimited            seconds   
        Max open files            1024                 524288               files     
        Max nice priority         0                    0                    
        Broken line
        """
        let l = try #require(ResourceLimit.parseTable(Array(text.utf8)))
        #expect(l.count == 3)
        #expect(l[0] == ResourceLimit(name: "Max cpu time", soft: nil, hard: nil, units: "seconds"))
        #expect(l[1] == ResourceLimit(name: "Max open files", soft: 1024, hard: 524288, units: "files"))
        #expect(l[2] == ResourceLimit(name: "Max nice priority", soft: 0, hard: 0, units: ""))
        #expect(ResourceLimit.parseTable(Array("no header here\n".utf8)) == nil)
    }

    @Test func cgroupSchedstatIo() throws {
        let cg = CgroupEntry.parse(Array("4:memory,cpu:/a:b/c\n0::/user.slice\nbad\n".utf8))
        #expect(cg == [CgroupEntry(hierarchy: 4, controllers: ["memory", "cpu"], path: "/a:b/c"), CgroupEntry(hierarchy: 0, controllers: [], path: "/user.slice")])
        #expect(SchedStat.parse(Array("123 456 7\n".utf8)) == SchedStat(runNanoseconds: 123, waitNanoseconds: 456, timeslices: 7))
        #expect(SchedStat.parse(Array("123 x".utf8)) == nil)
        let io = try #require(IOCounters.parse(Array("rchar: 10\nwchar: 20\nbogus\n".utf8)))
        #expect(io["rchar"] == 10 && io["wchar"] == 20 && io["bogus"] == nil)
        #expect(FileDescriptor(fd: 3, target: "socket:[991]").kind == .socket)
        #expect(FileDescriptor(fd: 3, target: "socket:[991]").inode == 991)
        #expect(FileDescriptor(fd: 4, target: "pipe:[5]").kind == .pipe)
        #expect(FileDescriptor(fd: 5, target: "anon_inode:[eventfd]").kind == .anon)
        #expect(FileDescriptor(fd: 6, target: "/etc/passwd").kind == .file)
        #expect(FileDescriptor(fd: 7, target: "/dev/null").kind == .device)
    }

    /// Live readers on a fake tree written by the test.
    @Test func liveReadersOnFakeTree() throws {
        let root = try tempDir("fakeproc")
        try writeTree([
            "42/maps": Self.maps,
            "42/smaps": "00400000-00401000 r-xp 00000000 08:01 1 /bin/x\nRss: 4 kB\n",
            "42/smaps_rollup": "00400000-00401000 ---p 00000000 00:00 0 [rollup]\nRss: 4 kB\n",
            "43/maps": "this is not a maps file\n",
        ], in: root)
        let fs = ProcFS(root: root.path)
        #expect(try fs.maps(pid: 42).count == 6)
        #expect(try fs.smaps(pid: 42).first?.rss == 4)
        #expect(try fs.smapsRollup(pid: 42).field("Rss") == 4)
        #expect(throws: ProcError.malformed(path: root.path + "/43/maps", what: "line 1: expected a mapping header")) { try fs.maps(pid: 43) }
        #expect(throws: ProcError.self) { try fs.maps(pid: 44) }
    }
}
