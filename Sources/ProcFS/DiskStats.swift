/// One line of /proc/diskstats (or /sys/block/DEV/stat, same fields after the name).
/// Times are milliseconds, sizes 512-byte sectors, as the kernel reports them.
public struct DiskStat: Sendable, Equatable {
    public var major: UInt32 = 0
    public var minor: UInt32 = 0
    public var name: String = ""
    public var readIOs: UInt64 = 0, readMerges: UInt64 = 0, readSectors: UInt64 = 0, readTicks: UInt64 = 0
    public var writeIOs: UInt64 = 0, writeMerges: UInt64 = 0, writeSectors: UInt64 = 0, writeTicks: UInt64 = 0
    public var inFlight: UInt64 = 0, ioTicks: UInt64 = 0, weightedTicks: UInt64 = 0
    public var discardIOs: UInt64 = 0, discardMerges: UInt64 = 0, discardSectors: UInt64 = 0, discardTicks: UInt64 = 0
    public var flushIOs: UInt64 = 0, flushTicks: UInt64 = 0
    /// Number of statistic fields the line had (4 on old partition lines, 11, 15 or 17).
    public var fieldCount: Int = 0

    public init() {}
    public init(name: String) { self.name = name }

    /// All I/O counts, as sysstat uses them to tell an active device.
    public var totalIOs: UInt64 { readIOs &+ writeIOs &+ discardIOs &+ flushIOs }
}

public enum DiskStats {
    /// Parses /proc/diskstats. Lines that do not have a major, a minor, a name and
    /// at least 4 statistics are skipped; never traps.
    public static func parse(_ bytes: [UInt8]) -> [DiskStat] {
        var out: [DiskStat] = []
        var lineStart = 0
        var i = 0
        while i <= bytes.count {
            if i == bytes.count || bytes[i] == 0x0A {
                if i > lineStart, let d = parseLine(bytes, from: lineStart, to: i) { out.append(d) }
                lineStart = i + 1
            }
            i += 1
        }
        return out
    }

    /// Parses "major minor name f1 f2 ..." between two offsets.
    public static func parseLine(_ bytes: [UInt8], from: Int, to: Int) -> DiskStat? {
        var c = ByteCursor(bytes, from: from, to: to)
        guard let major = c.uint(), let minor = c.uint(), let name = c.word() else { return nil }
        guard major <= UInt64(UInt32.max), minor <= UInt64(UInt32.max) else { return nil }
        var values: [UInt64] = []
        while let v = c.uint() { values.append(v); if values.count == 17 { break } }
        c.skipWhitespace()
        guard c.atEnd || values.count == 17 else { return nil }
        var d = DiskStat(name: name)
        d.major = UInt32(major); d.minor = UInt32(minor)
        guard fill(&d, values) else { return nil }
        return d
    }

    /// Parses the fields of /sys/block/DEV/stat (no major, minor, name).
    public static func parseSysfsStat(_ bytes: [UInt8], name: String) -> DiskStat? {
        var c = ByteCursor(bytes)
        var values: [UInt64] = []
        while let v = c.uint() { values.append(v); if values.count == 17 { break } }
        var d = DiskStat(name: name)
        guard fill(&d, values) else { return nil }
        return d
    }

    static func fill(_ d: inout DiskStat, _ v: [UInt64]) -> Bool {
        d.fieldCount = v.count
        if v.count == 4 {
            // Old kernels' partition lines: reads, read sectors, writes, written sectors.
            d.readIOs = v[0]; d.readSectors = v[1]; d.writeIOs = v[2]; d.writeSectors = v[3]
            return true
        }
        guard v.count >= 11 else { return false }
        d.readIOs = v[0]; d.readMerges = v[1]; d.readSectors = v[2]; d.readTicks = v[3]
        d.writeIOs = v[4]; d.writeMerges = v[5]; d.writeSectors = v[6]; d.writeTicks = v[7]
        d.inFlight = v[8]; d.ioTicks = v[9]; d.weightedTicks = v[10]
        if v.count >= 15 { d.discardIOs = v[11]; d.discardMerges = v[12]; d.discardSectors = v[13]; d.discardTicks = v[14] }
        if v.count >= 17 { d.flushIOs = v[15]; d.flushTicks = v[16] }
        return true
    }
}

/// Which block devices are whole disks and which partitions belong to which
/// disk, as sysfs tells (/sys/block/DISK and /sys/block/DISK/PART/partition).
public struct BlockTopology: Sendable, Equatable {
    public var disks: Set<String> = []
    /// partition name -> disk name
    public var parent: [String: String] = [:]

    public init(disks: Set<String> = [], parent: [String: String] = [:]) {
        self.disks = disks
        self.parent = parent
    }

    public func isDisk(_ name: String) -> Bool { disks.contains(name) }

    /// Reads /sys/block under `sysRoot`. A missing directory yields an empty topology.
    public static func read(sysRoot: String = "/sys") -> BlockTopology {
        let fs = ProcFS(root: sysRoot)
        var t = BlockTopology()
        guard let names = try? fs.list("block") else { return t }
        for disk in names {
            // sysfs spells '/' in names (cciss/c0d0) as '!'.
            let shown = String(disk.map { $0 == "!" ? "/" : $0 })
            t.disks.insert(shown)
            for sub in (try? fs.list("block/\(disk)")) ?? [] {
                if (try? fs.read("block/\(disk)/\(sub)/partition")) != nil {
                    t.parent[String(sub.map { $0 == "!" ? "/" : $0 })] = shown
                }
            }
        }
        return t
    }

    /// Guesses from names alone when sysfs is absent: an entry is a partition of
    /// another entry when its name is that name plus digits (sda1) or plus "p" and digits (nvme0n1p1).
    public static func guess(from names: [String]) -> BlockTopology {
        let all = Set(names)
        var t = BlockTopology()
        for n in names {
            var base = Substring(n)
            while let l = base.last, l.isASCII, l.isNumber { base = base.dropLast() }
            var p: String? = nil
            if base.count < n.count {
                if all.contains(String(base)) && String(base) != n { p = String(base) }
                else if base.hasSuffix("p"), all.contains(String(base.dropLast())) { p = String(base.dropLast()) }
            }
            if let p { t.parent[n] = p } else { t.disks.insert(n) }
        }
        return t
    }
}

extension ProcFS {
    /// /proc/diskstats.
    public func diskStats() throws(ProcError) -> [DiskStat] { DiskStats.parse(try read("diskstats")) }

    /// Per-CPU interrupt totals from /proc/interrupts (CPU number -> count).
    public func interruptsPerCPU() throws(ProcError) -> [Int: UInt64] {
        InterruptTotals.parse(try read("interrupts"))
    }
}

/// /proc/interrupts summed per CPU column.
public enum InterruptTotals {
    /// Returns CPU number -> total interrupts; the header line "CPU0 CPU1 ..." names the columns.
    /// Lines with fewer numbers than columns (ERR, MIS) add what they have.
    public static func parse(_ bytes: [UInt8]) -> [Int: UInt64] {
        var c = ByteCursor(bytes)
        var cpus: [Int] = []
        // Header.
        while !c.atEnd {
            c.skipSpaces()
            if c.index < c.end, c.bytes[c.index] == 0x0A { c.index += 1; break }
            guard let w = c.word() else { break }
            if w.hasPrefix("CPU"), let n = Int(w.dropFirst(3)) { cpus.append(n) }
            if c.index < c.end, c.bytes[c.index] == 0x0A { c.index += 1; break }
        }
        var totals: [Int: UInt64] = [:]
        for n in cpus { totals[n] = 0 }
        while !c.atEnd {
            let start = c.index
            // Label up to ':'.
            while c.index < c.end, c.bytes[c.index] != UInt8(ascii: ":"), c.bytes[c.index] != 0x0A { c.index += 1 }
            guard c.index < c.end, c.bytes[c.index] == UInt8(ascii: ":") else { c.nextLine(); if c.index == start { break }; continue }
            c.index += 1
            for n in cpus {
                c.skipSpaces()
                guard c.index < c.end, c.bytes[c.index] >= 0x30, c.bytes[c.index] <= 0x39, let v = c.uint() else { break }
                totals[n, default: 0] &+= v
            }
            c.nextLine()
        }
        return totals
    }
}
