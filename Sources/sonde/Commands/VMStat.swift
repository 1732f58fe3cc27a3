import ArgumentParser
import Glibc
import Monitors
import ProcFS
import Render

struct VMStat: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vmstat",
        abstract: "Report virtual memory statistics (procps vmstat).",
        usage: "sonde vmstat [options] [delay [count]]",
        discussion: """
        The first line averages since boot; later lines are rates over each delay.
        --json prints one object per line: {"procs":{"r","b"},"memory":{"unit","swpd","free","buff"|"inact","cache"|"active"},
        "swap":{"si","so"},"io":{"bi","bo"},"system":{"in","cs"},"cpu":{"us","sy","id","wa","st","gu"},"timestamp" (with -t)}.
        With -s: one object of counters keyed like "total_memory", "forks". With -d: one array of
        {"disk","reads":{"total","merged","sectors","ms"},"writes":{...},"io":{"cur","sec"}} per sample.
        With -D: one object of sums. With -f: {"forks": N}.
        """
    )

    @Flag(name: [.customShort("a"), .customLong("active")], help: "Active/inactive memory.") var active = false
    @Flag(name: [.customShort("f"), .customLong("forks")], help: "Number of forks since boot.") var forks = false
    @Flag(name: [.customShort("n"), .customLong("one-header")], help: "Do not redisplay header.") var oneHeader = false
    @Flag(name: [.customShort("s"), .customLong("stats")], help: "Event counter statistics.") var stats = false
    @Flag(name: [.customShort("d"), .customLong("disk")], help: "Disk statistics.") var disk = false
    @Flag(name: [.customShort("D"), .customLong("disk-sum")], help: "Summarize disk statistics.") var diskSum = false
    @Option(name: [.customShort("p", allowingJoined: true), .customLong("partition")], help: ArgumentHelp("Partition specific statistics.", valueName: "dev")) var partition: String?
    @Option(name: [.customShort("S", allowingJoined: true), .customLong("unit")], help: ArgumentHelp("Define display unit: k, K, m, M (b, B bytes).", valueName: "char")) var unit: String?
    @Flag(name: [.customShort("w"), .customLong("wide")], help: "Wide output.") var wide = false
    @Flag(name: [.customShort("t"), .customLong("timestamp")], help: "Show timestamp.") var timestamp = false
    @Flag(name: [.customShort("y"), .customLong("no-first")], help: "Skips first line of output.") var noFirst = false
    @Flag(name: .customLong("json"), help: "JSON output (see above).") var json = false
    @Flag(name: [.customShort("V"), .customLong("version")], help: "Output version information and exit.") var version = false
    @Option(name: .customLong("proc"), help: .hidden) var procRoot = "/proc"
    @Option(name: .customLong("sys"), help: .hidden) var sysRoot = "/sys"
    @Argument(parsing: .allUnrecognized, help: ArgumentHelp("Delay in seconds and number of updates.", valueName: "delay [count]")) var rest: [String] = []

    func run() throws {
        setlocale(LC_ALL, "")
        if version { writeOut("vmstat from sonde \(Sonde.version)\n"); return }
        var positionals: [String] = []
        for a in rest {
            if a.hasPrefix("--") { throw ToolError.usage("unrecognized option '\(a)'") }
            if a.hasPrefix("-") && a.count > 1 { throw ToolError.usage("invalid option -- '\(a.dropFirst().prefix(1))'") }
            positionals.append(a)
        }
        guard positionals.count <= 2 else { throw ToolError.usage("too many arguments: '\(positionals[2])'") }
        var delay: UInt64 = 1
        var infinite = false
        var updates: Int64 = 1
        if positionals.count >= 1 {
            guard let v = Int64(positionals[0]) else { throw ToolError.usage("failed to parse argument: '\(positionals[0])'") }
            guard v >= 1 else { throw ToolError.usage("delay must be positive integer") }
            guard v <= Int64(UInt32.max) else { throw ToolError.usage("too large delay value") }
            delay = UInt64(v)
            infinite = true
        }
        if positionals.count == 2 {
            guard let v = Int64(positionals[1]) else { throw ToolError.usage("failed to parse argument: '\(positionals[1])'") }
            updates = v
            infinite = false
        }
        var o = VMStatReport.Options()
        o.active = active; o.wide = wide; o.timestamp = timestamp
        if let unit {
            guard let u = VMStatReport.Options.unit(unit) else { throw ToolError.usage("-S requires k, K, m or M (default is KiB)") }
            (o.dataUnit, o.unitLabel) = u
        }
        let proc = ProcFS(root: procRoot)
        let rows = Terminal.size()?.rows ?? 24
        let height = oneHeader ? Int.max : (rows - 3 > 0 ? rows - 3 : 22)

        if forks {
            let s = try proc.cpuStat()
            writeOut(json ? JSON.object([("forks", .int(Int64(clamping: s.processesCreated)))]).serialized() + "\n"
                          : Format.right(String(s.processesCreated), 13) + " forks\n")
            return
        }
        let modes = [stats, disk, diskSum, partition != nil].filter { $0 }.count
        if modes > 1 { throw ToolError.usage("-s, -d, -D and -p are exclusive") }
        if stats {
            let rows = VMStatReport.summary(try VMStatReport.Sample.read(proc), o)
            writeOut(json ? VMStatReport.tableJSON(rows).serialized() + "\n" : VMStatReport.table(rows))
            return
        }
        if diskSum || disk || partition != nil {
            var topo = BlockTopology.read(sysRoot: sysRoot)
            var i: Int64 = 0
            if diskSum {
                let d = try proc.diskStats()
                if topo.disks.isEmpty { topo = BlockTopology.guess(from: d.map(\.name)) }
                let rows = VMStatReport.diskSummary(d, topology: topo)
                writeOut(json ? VMStatReport.tableJSON(rows).serialized() + "\n" : VMStatReport.table(rows))
                return
            }
            if let partition {
                let name = partition.hasPrefix("/dev/") ? String(partition.dropFirst(5)) : partition
                guard try proc.diskStats().contains(where: { $0.name == name }) else { throw ToolError("Disk/Partition \(name) not found") }
                if !json { writeOut(VMStatReport.partitionHeader(name)) }
                while infinite || i < updates {
                    guard let d = try proc.diskStats().first(where: { $0.name == name }) else { throw ToolError("Disk/Partition \(name) not found") }
                    writeOut(json ? JSON.object([("partition", .string(name)), ("reads", .int(Int64(clamping: d.readIOs))),
                                                 ("read_sectors", .int(Int64(clamping: d.readSectors))), ("writes", .int(Int64(clamping: d.writeIOs))),
                                                 ("requested_writes", .int(Int64(clamping: d.writeSectors)))]).serialized() + "\n"
                                  : VMStatReport.partitionLine(d))
                    i += 1
                    if infinite || i < updates { sleep(UInt32(delay)) }
                }
                return
            }
            let zone = LocalClock.format(LocalClock.now(), "%Z")
            if oneHeader && !json { writeOut(VMStatReport.diskHeader(wide: wide, timestamp: timestamp, zone: zone)) }
            while infinite || i < updates {
                let all = try proc.diskStats()
                if topo.disks.isEmpty { topo = BlockTopology.guess(from: all.map(\.name)) }
                let time = timestamp ? LocalClock.format(LocalClock.now(), "%Y-%m-%d %H:%M:%S") : nil
                if json {
                    writeOut(JSON.array(all.filter { topo.isDisk($0.name) }.map(VMStatReport.diskJSON)).serialized() + "\n")
                } else {
                    var out = ""
                    for (j, d) in all.enumerated() where topo.isDisk(d.name) {
                        if !oneHeader && j % height == 0 { out += VMStatReport.diskHeader(wide: wide, timestamp: timestamp, zone: zone) }
                        out += VMStatReport.diskLine(d, wide: wide, time: time)
                    }
                    writeOut(out)
                }
                i += 1
                if infinite || i < updates { sleep(UInt32(delay)) }
            }
            return
        }

        let hz = UInt64(max(1, SystemConstants.clockTicks))
        let pageKiB = UInt64(max(1024, SystemConstants.pageSize)) / 1024
        func now() -> String? { timestamp ? LocalClock.format(LocalClock.now(), "%Y-%m-%d %H:%M:%S") : nil }
        func emit(_ r: VMStatReport.Row) {
            let t = now()
            writeOut(json ? VMStatReport.json(r, o, time: t).serialized() + "\n" : VMStatReport.line(r, o, time: t))
        }
        let zone = LocalClock.format(LocalClock.now(), "%Z")
        var prev = try VMStatReport.Sample.read(proc)
        if !json { writeOut(VMStatReport.header(o, zone: zone)) }
        if !noFirst { emit(VMStatReport.sinceBoot(prev, o, hz: hz, pageKiB: pageKiB)) } else { updates += 1 }
        var debt: Int64 = 0
        var i: Int64 = 1
        while infinite || i < updates {
            sleep(UInt32(delay))
            if !json && height != Int.max && i % Int64(height) == 0 { writeOut(VMStatReport.header(o, zone: zone)) }
            let curr = try VMStatReport.Sample.read(proc)
            emit(VMStatReport.between(prev, curr, delay: delay, debt: &debt, o, pageKiB: pageKiB))
            prev = curr
            i += 1
        }
    }
}
