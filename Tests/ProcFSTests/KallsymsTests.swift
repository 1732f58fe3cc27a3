import Testing
import ProcFS

/// /proc/kallsyms parsing against the file itself: every code symbol's address maps back to a symbol at
/// that address, `_text` is found even among aliases, and malformed lines are skipped.
struct KallsymsTests {
    @Test func liveKallsymsRoundTrips() throws {
        guard let bytes = try? ProcFS().readFile("/proc/kallsyms") else { return }
        let k = Kallsyms(text: bytes)
        try #require(!k.isEmpty, "kallsyms readable (root)")
        let text = String(decoding: bytes, as: UTF8.self)
        var checked = 0
        for line in text.split(separator: "\n").prefix(2000) {
            let f = line.split(separator: " ")
            guard f.count >= 3, "tTwW".contains(f[1]), let a = UInt64(f[0], radix: 16), a != 0 else { continue }
            let i = try #require(k.index(of: a))
            #expect(k.start(i) == a, "\(line)")
            checked += 1
        }
        #expect(checked > 100)
        let textLine = text.split(separator: "\n").first { $0.hasSuffix(" _text") }
        #expect(k.textStart == textLine.flatMap { UInt64($0.split(separator: " ")[0], radix: 16) })
    }

    /// perf names an address by the last alias kallsyms lists for it (the one its end fix-up leaves sized).
    @Test func lastAliasNamesTheAddress() {
        let k = Kallsyms(text: Array("ffffffff81000000 T _text\nffffffff821f3a60 T memcpy\nffffffff821f3a60 T __pi_memcpy\nffffffff821f3b00 t next\n".utf8))
        #expect(k.index(of: 0xffffffff821f3a70).map(k.name) == "__pi_memcpy")
        #expect(k.textStart == 0xffffffff81000000)
    }

    @Test func malformedLinesAreSkipped() {
        let k = Kallsyms(text: Array("zz T bad\nffffffff81000000 T _text\n ffff\nffffffff81000010 t f\t[mod]\nffffffffffffffffff T toolong\n".utf8))
        #expect((0..<k.count).map(k.name) == ["_text", "f"])
        #expect(k[1].module == "[mod]" && k.module(0) == nil)
        #expect(k.index(of: 0xffffffff81000005) == 0 && k.index(of: 0x10) == nil)
    }
}
