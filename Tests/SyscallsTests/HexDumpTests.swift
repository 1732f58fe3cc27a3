import Foundation
import Testing
import TestSupport
@testable import Syscalls

/// HexDump against strace 6.1's dumpstr: lines copied from a real run, and (when strace and gcc are
/// here) a fresh run of Tests/Fixtures/strace_dump.c whose written bytes the test knows.
@Suite struct HexDumpTests {
    /// (i * 7 + 3) & 0xff for i in 0..<300: the fixture's second write.
    static let pattern: [UInt8] = (0..<300).map { UInt8(truncatingIfNeeded: $0 * 7 + 3) }
    /// 1 MiB + 40 zero bytes ending in "Z": the fixture's last write.
    static let big: [UInt8] = { var z = [UInt8](repeating: 0, count: (1 << 20) + 40); z[z.count - 1] = 0x5a; return z }()

    @Test func shortLineAsStracePrintsIt() {
        #expect(HexDump.lines(Array("hello\n".utf8)) ==
                [" | 00000  68 65 6c 6c 6f 0a                                 hello.           |"])
        #expect(HexDump.lines([]) == [])
    }

    @Test func groupsAndNonPrintables() {
        // Captured from `strace -e write=3` on the fixture.
        let l = HexDump.lines(Self.pattern)
        #expect(l.count == 19)
        #expect(l[0] == " | 00000  03 0a 11 18 1f 26 2d 34  3b 42 49 50 57 5e 65 6c  .....&-4;BIPW^el |")
        #expect(l[1] == " | 00010  73 7a 81 88 8f 96 9d a4  ab b2 b9 c0 c7 ce d5 dc  sz.............. |")
        #expect(l[18].hasPrefix(" | 00120  "))
        #expect(HexDump.lines(Array("0123456789abcdefXYZ".utf8)) == [
            " | 00000  30 31 32 33 34 35 36 37  38 39 61 62 63 64 65 66  0123456789abcdef |",
            " | 00010  58 59 5a                                          XYZ              |",
        ])
        #expect(HexDump.lines(Array("sendto".utf8) + [1, 0x7f, 0xff]) ==
                [" | 00000  73 65 6e 64 74 6f 01 7f  ff                       sendto...        |"])
        #expect(HexDump.lines(Array("01234567".utf8)) ==
                [" | 00000  30 31 32 33 34 35 36 37                           01234567         |"])
    }

    @Test func offsetWidensPastOneMiB() {
        #expect(HexDump.offsetWidth(1 << 20) == 5)
        #expect(HexDump.offsetWidth((1 << 20) + 1) == 6)
        #expect(HexDump.offsetWidth(1 << 24) == 6)
        #expect(HexDump.offsetWidth((1 << 24) + 1) == 7)
        let tail = Array(Self.big.suffix(40))
        #expect(HexDump.lines(tail, startingAt: 1 << 20, totalLength: Self.big.count).last ==
                " | 100020  00 00 00 00 00 00 00 5a                           .......Z         |")
    }

    /// The dump lines strace prints after each `write(3, ...)` of the fixture, compared with ours.
    @Test(.enabled(if: hasTool("strace") && hasTool("gcc")))
    func sameAsStraceOnFixture() throws {
        let exe = try compileFixture("strace_dump", flags: ["-O0", "-w"])
        let dir = try tempDir("hexdump")
        defer { try? FileManager.default.removeItem(at: dir) }
        let log = dir.appendingPathComponent("log").path
        let r = try run(try which("strace"), ["-o", log, "-e", "trace=write", "-e", "write=3", exe])
        #expect(r.status == 0)
        let text = try String(contentsOfFile: log, encoding: .utf8)
        var dumps: [[String]] = []
        for line in text.split(separator: "\n").map(String.init) {
            if line.hasPrefix("write(3,") { dumps.append([]) }
            else if line.hasPrefix(" | "), !dumps.isEmpty { dumps[dumps.count - 1].append(line) }
        }
        // hello, pattern, "", 0x8 (unreadable), pwrite is not traced, big.
        try #require(dumps.count == 5)
        #expect(dumps[0] == HexDump.lines(Array("hello\n".utf8)))
        #expect(dumps[1] == HexDump.lines(Self.pattern))
        #expect(dumps[2].isEmpty)
        #expect(dumps[3].isEmpty)
        #expect(dumps[4].count == HexDump.lines(Self.big).count)
        #expect(dumps[4] == HexDump.lines(Self.big))
    }
}
