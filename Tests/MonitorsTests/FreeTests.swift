import Testing
import ProcFS
import Render
@testable import Monitors

private func meminfo(_ pairs: [(String, Int64)]) -> MemInfo {
    MemInfo.parse(Array(pairs.map { "\($0.0):\(String(repeating: " ", count: 8))\($0.1) kB\n" }.joined().utf8))
}

@Suite struct FreeTests {
    let base: [(String, Int64)] = [("MemTotal", 16_000_000), ("MemFree", 1_000_000), ("MemAvailable", 9_000_000),
                                   ("Buffers", 200_000), ("Cached", 5_000_000), ("SwapTotal", 2_000_000), ("SwapFree", 1_500_000),
                                   ("Shmem", 300_000), ("SReclaimable", 400_000), ("CommitLimit", 10_000_000), ("Committed_AS", 12_000_000)]

    @Test func derivedNumbers() throws {
        let n = try FreeReport.numbers(meminfo(base))
        #expect(n.total == 16_000_000)
        #expect(n.used == 16_000_000 - 9_000_000)
        #expect(n.cache == 5_000_000 + 400_000)
        #expect(n.swapUsed == 500_000)
        #expect(n.lowTotal == n.total && n.lowFree == n.free && n.lowUsed == n.total - n.free)
        #expect(n.highTotal == 0 && n.highUsed == 0)
    }

    @Test func missingMemAvailableFallsBackToFree() throws {
        let n = try FreeReport.numbers(meminfo(base.filter { $0.0 != "MemAvailable" }))
        #expect(n.available == 1_000_000)
        #expect(n.used == 15_000_000)
    }

    @Test func availableAboveTotalFallsBackToFree() throws {
        var b = base
        b[2] = ("MemAvailable", 99_000_000)
        let n = try FreeReport.numbers(meminfo(b))
        #expect(n.available == 1_000_000)
    }

    @Test func noSwapAndSwapFreeAboveTotal() throws {
        var b = base
        b[5] = ("SwapTotal", 0)
        b[6] = ("SwapFree", 10)
        let n = try FreeReport.numbers(meminfo(b))
        #expect(n.swapUsed == 0 && n.swapTotal == 0)
        let text = FreeReport.render(n, .init())
        let swap = text.split(separator: "\n").first { $0.hasPrefix("Swap:") }.map(String.init) ?? ""
        #expect(swap.split(separator: " ").map(String.init) == ["Swap:", "0", "0", "10"])
    }

    @Test func missingMemTotalThrows() {
        #expect(throws: ToolError.self) { try FreeReport.numbers(MemInfo.parse(Array("garbage\n\u{0}\u{1}:x\n".utf8))) }
        #expect(throws: ToolError.self) { try FreeReport.numbers(MemInfo.parse([])) }
    }

    @Test func scaleUnits() {
        var o = FreeReport.Options()
        #expect(FreeReport.scale(kib: 1000, o) == "1000")
        o.exponent = 1
        #expect(FreeReport.scale(kib: 1000, o) == "1024000")
        o.exponent = 3
        #expect(FreeReport.scale(kib: 3 * 1024 + 1023, o) == "3")  // truncates
        o.si = true
        #expect(FreeReport.scale(kib: 1_000_000, o) == String(1_000_000 * 1024 / 1_000_000))
        o = .init(); o.si = true
        #expect(FreeReport.scale(kib: 1000, o) == "1024")
    }

    @Test func humanRules() {
        var o = FreeReport.Options()
        o.human = true
        #expect(FreeReport.scale(kib: 0, o) == "0B")
        // 8788 KiB = 8998912 B = 8.58 MiB -> one decimal fits in 5 chars
        #expect(FreeReport.scale(kib: 8788, o) == "8.6Mi")
        // 24684096 KiB = 23.54 GiB -> "23.5Gi" is 6 chars, so integer
        #expect(FreeReport.scale(kib: 24_684_096, o) == "23Gi")
        // 1 KiB = 1024 B: "1024B" is 5 chars > 4, so 1.0Ki
        #expect(FreeReport.scale(kib: 1, o) == "1.0Ki")
        o.si = true
        // 1024 B with --si: 1.0K
        #expect(FreeReport.scale(kib: 1, o) == "1.0K")
        // 24684096 KiB = 25276514304 B = 25.3 G -> "25.3G" is 5 > 4 -> "25G"
        #expect(FreeReport.scale(kib: 24_684_096, o) == "25G")
    }

    @Test func hugeValuesDoNotTrap() throws {
        let m = MemInfo.parse(Array("MemTotal: 99999999999999999999999 kB\nMemFree: 18446744073709551615 kB\n".utf8))
        let n = try FreeReport.numbers(m)
        var o = FreeReport.Options()
        for e in 0...6 {
            o.exponent = e
            #expect(!FreeReport.render(n, o).isEmpty)
        }
        o.human = true
        #expect(FreeReport.render(n, o).contains("Mem:"))
        _ = FreeReport.json(n, o).serialized()
    }

    @Test func layoutColumns() throws {
        let n = try FreeReport.numbers(meminfo(base))
        var o = FreeReport.Options()
        o.wide = true; o.total = true; o.lohi = true; o.committed = true
        let lines = FreeReport.render(n, o).split(separator: "\n").map(String.init)
        #expect(lines.map { $0.split(separator: " ").first.map(String.init) ?? "" } == ["total", "Mem:", "Low:", "High:", "Swap:", "Total:", "Comm:"])
        // Mem line: 9-char label then 7 fields of 11 chars with one space between.
        #expect(lines[1].count == 9 + 11 + 6 * 12)
        #expect(fieldsOf(lines[1]) == ["Mem:", "16000000", "7000000", "1000000", "300000", "200000", "5400000", "9000000"])
        #expect(fieldsOf(lines[5]) == ["Total:", "18000000", "7500000", "2500000"])
        // Over-committed: available shown as 0, not a wrapped number.
        #expect(fieldsOf(lines[6]) == ["Comm:", "10000000", "12000000", "0"])
    }

    @Test func jsonInBytes() throws {
        let n = try FreeReport.numbers(meminfo(base))
        let j = FreeReport.json(n, .init()).serialized()
        #expect(j.contains("\"total\":\(16_000_000 * 1024)"))
        #expect(j.contains("\"available\":\(9_000_000 * 1024)"))
        #expect(!j.contains("\"low\""))
    }
}

func fieldsOf(_ s: String) -> [String] { s.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init) }
