import Testing
import Foundation
import ProcFS
import TestSupport

@Suite struct DiskStatsTests {
    @Test func modernLineHas17Fields() throws {
        let text = " 254       0 vda 34787 7598 5447986 24384 5872 13367 959288 2603 0 5720 27128 967 1 190064 114 739 25\n"
        let d = try #require(DiskStats.parse(Array(text.utf8)).first)
        #expect(d.major == 254 && d.minor == 0 && d.name == "vda")
        #expect(d.readIOs == 34787 && d.readMerges == 7598 && d.readSectors == 5447986 && d.readTicks == 24384)
        #expect(d.writeIOs == 5872 && d.writeMerges == 13367 && d.writeSectors == 959288 && d.writeTicks == 2603)
        #expect(d.inFlight == 0 && d.ioTicks == 5720 && d.weightedTicks == 27128)
        #expect(d.discardIOs == 967 && d.discardMerges == 1 && d.discardSectors == 190064 && d.discardTicks == 114)
        #expect(d.flushIOs == 739 && d.flushTicks == 25 && d.fieldCount == 17)
        #expect(d.totalIOs == 34787 + 5872 + 967 + 739)
    }

    @Test func olderLayouts() {
        let text = """
           8       0 sda 100 2 300 4 5 6 700 8 0 9 10
           8       1 sda1 11 220 33 440
           8       2 sda2 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15
        """
        let ds = DiskStats.parse(Array(text.utf8))
        #expect(ds.map(\.name) == ["sda", "sda1", "sda2"])
        #expect(ds[0].fieldCount == 11 && ds[0].discardIOs == 0 && ds[0].weightedTicks == 10)
        #expect(ds[1].fieldCount == 4 && ds[1].readIOs == 11 && ds[1].readSectors == 220 && ds[1].writeIOs == 33 && ds[1].writeSectors == 440)
        #expect(ds[2].fieldCount == 15 && ds[2].discardTicks == 15 && ds[2].flushIOs == 0)
    }

    @Test func garbageAndTruncatedLinesAreSkipped() {
        let text = "garbage\n 8 0\n 8 0 sdz 1 2 3\n 8 0 sdy 1 2 3 4 5 6 7 8 9 10 x\n\u{0}\u{ff}\n 8 1 sdx 1 2 3 4\n 99999999999 0 big 1 2 3 4\n"
        let ds = DiskStats.parse(Array(text.utf8))
        #expect(ds.map(\.name) == ["sdx"])
        // Every prefix of a valid file parses without trapping.
        let valid = Array(" 254 0 vda 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17\n 254 1 vda1 1 2 3 4 5 6 7 8 9 10 11\n".utf8)
        for n in 0...valid.count { _ = DiskStats.parse(Array(valid[0..<n])) }
        #expect(DiskStats.parse([]).isEmpty)
    }

    @Test func hugeCountersSaturate() throws {
        let d = try #require(DiskStats.parse(Array("1 2 d 99999999999999999999999 0 0 0 0 0 0 0 0 0 0\n".utf8)).first)
        #expect(d.readIOs == UInt64.max)
    }

    @Test func sysfsStat() throws {
        let d = try #require(DiskStats.parseSysfsStat(Array("     100        2      300        4        5        6      700        8        0        9       10\n".utf8), name: "sda"))
        #expect(d.readIOs == 100 && d.weightedTicks == 10 && d.name == "sda")
        #expect(DiskStats.parseSysfsStat(Array("1 2 3".utf8), name: "x") == nil)
    }

    @Test func interruptTotalsPerCPU() {
        let text = """
                   CPU0       CPU1
          0:         10          0   IO-APIC   2-edge      timer
          1:          5          7   IO-APIC   1-edge      i8042
        NMI:          1          2   Non-maskable interrupts
        ERR:          3
        MIS:          0
        PIN:          0          4   Posted-interrupt notification event

        """
        let t = InterruptTotals.parse(Array(text.utf8))
        #expect(t[0] == 10 + 5 + 1 + 3 + 0 + 0)
        #expect(t[1] == 0 + 7 + 2 + 4)
        #expect(InterruptTotals.parse(Array("junk".utf8)).values.allSatisfy { $0 == 0 })
        #expect(InterruptTotals.parse([]).isEmpty)
    }

    @Test func topologyGuessedFromNames() {
        let t = BlockTopology.guess(from: ["sda", "sda1", "sda2", "nvme0n1", "nvme0n1p1", "loop0", "md0", "vdb"])
        #expect(t.disks == ["sda", "nvme0n1", "loop0", "md0", "vdb"])
        #expect(t.parent == ["sda1": "sda", "sda2": "sda", "nvme0n1p1": "nvme0n1"])
    }

    @Test func topologyFromFakeSysfs() throws {
        let root = try tempDir("sys")
        try writeTree(["block/vda/stat": "0\n", "block/vda/vda1/partition": "1\n", "block/vda/vda1/stat": "0\n",
                       "block/vda/queue/rotational": "0\n", "block/cciss!c0d0/stat": "0\n", "block/cciss!c0d0/cciss!c0d0p1/partition": "1\n"], in: root)
        let t = BlockTopology.read(sysRoot: root.path)
        #expect(t.disks == ["vda", "cciss/c0d0"])
        #expect(t.parent == ["vda1": "vda", "cciss/c0d0p1": "cciss/c0d0"])
        #expect(BlockTopology.read(sysRoot: root.path + "/missing") == BlockTopology())
    }

    @Test func liveDiskStatsMatchTheKernelFile() throws {
        let ds = try ProcFS().diskStats()
        let lines = try String(contentsOfFile: "/proc/diskstats", encoding: .utf8).split(separator: "\n")
        #expect(ds.count == lines.count)
        #expect(ds.map(\.name) == lines.map { fields(String($0))[2] })
    }
}

/// A small deterministic generator for garbage inputs.
struct GarbageBytes {
    var state: UInt64
    mutating func next() -> UInt64 { state = state &* 6364136223846793005 &+ 1442695040888963407; return state >> 33 }
    /// Bytes biased towards what procfs text is made of: digits, blanks, newlines, colons, letters, and some binary.
    mutating func bytes(_ n: Int) -> [UInt8] {
        let alphabet = Array("0123456789 \n\t:-abcdCPU".utf8)
        return (0..<n).map { _ in
            let r = next()
            return r % 10 == 0 ? UInt8(truncatingIfNeeded: r >> 8) : alphabet[Int(r % UInt64(alphabet.count))]
        }
    }
}

@Suite struct DiskStatsGarbageTests {
    @Test func parsersNeverTrapOnGarbage() {
        var g = GarbageBytes(state: 42)
        for n in 0..<3000 {
            let b = g.bytes(n % 300)
            let ds = DiskStats.parse(b)
            #expect(ds.allSatisfy { $0.fieldCount == 4 || $0.fieldCount >= 11 })
            _ = DiskStats.parseSysfsStat(b, name: "x")
            _ = InterruptTotals.parse(b)
            _ = BlockTopology.guess(from: ds.map(\.name))
        }
    }
}
