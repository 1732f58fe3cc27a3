import ArgumentParser
import Glibc
import Monitors
import ProcFS
import Render

struct IOStat: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "iostat",
        abstract: "Report CPU and I/O statistics for devices and partitions (sysstat iostat).",
        usage: "sonde iostat [-c] [-d] [-k | -m] [-t] [-x] [-y] [-z] [--json] [-p [device[,...] | ALL]] [device [...] | ALL] [interval [count]]",
        discussion: """
        The first report covers the time since boot; each later one the last interval.
        Devices: by default every whole disk that has done I/O; named devices (or ALL: every disk) are shown even when idle;
        -p ALL adds every partition, -p sda,sdb those disks and their partitions.
        --json prints one object per line: first {"host":{"nodename","sysname","release","machine","number-of-cpus","date"}},
        then one per report: {"timestamp" (with -t), "avg-cpu":{"user","nice","system","iowait","steal","idle"},
        "disk":[{"disk_device","tps","kB_read/s","kB_wrtn/s","kB_dscd/s","kB_read","kB_wrtn","kB_dscd"}]}
        (MB_ with -m; with -x the extended keys "r/s","rkB/s","rrqm/s","rrqm","r_await","rareq-sz", the same for w and d,
        "f/s","f_await","aqu-sz","util").
        """
    )

    @Flag(name: .customShort("c"), help: "Display the CPU utilization report.") var cpuOnly = false
    @Flag(name: .customShort("d"), help: "Display the device utilization report.") var diskOnly = false
    @Flag(name: .customShort("k"), help: "Display statistics in kilobytes per second.") var kilo = false
    @Flag(name: .customShort("m"), help: "Display statistics in megabytes per second.") var mega = false
    @Flag(name: .customShort("t"), help: "Print the time for each report displayed.") var timestamp = false
    @Flag(name: .customShort("x"), help: "Display extended statistics.") var extended = false
    @Flag(name: .customShort("y"), help: "Omit first report with statistics since system boot.") var skipFirst = false
    @Flag(name: .customShort("z"), help: "Omit devices with no activity during the sample period.") var omitIdle = false
    @Flag(name: .customLong("json"), help: "JSON output (see above).") var json = false
    @Flag(name: .customShort("V"), help: "Print version number.") var version = false
    @Option(name: .customLong("proc"), help: .hidden) var procRoot = "/proc"
    @Option(name: .customLong("sys"), help: .hidden) var sysRoot = "/sys"
    @Argument(parsing: .allUnrecognized, help: ArgumentHelp("-p [device,...|ALL], devices or ALL, then interval and count.", valueName: "args")) var rest: [String] = []

    func run() throws {
        setlocale(LC_ALL, "")
        if version { writeOut("iostat from sonde \(Sonde.version)\n"); return }
        if kilo && mega { throw ToolError.usage("-k and -m are exclusive") }
        var o = IOStatReport.Options()
        o.extended = extended; o.megabytes = mega; o.omitIdle = omitIdle; o.timestamp = timestamp
        var interval: UInt32 = 0
        var count: Int64 = -1
        var numbers = 0
        var k = 0
        let isDigits = { (s: String) in !s.isEmpty && s.allSatisfy { $0.isASCII && $0.isNumber } }
        while k < rest.count {
            let a = rest[k]
            k += 1
            if a == "-p" {
                if k < rest.count, !isDigits(rest[k]), !rest[k].hasPrefix("-") {
                    let list = rest[k].split(separator: ",").map { String($0.hasPrefix("/dev/") ? $0.dropFirst(5) : $0) }
                    k += 1
                    if list.contains("ALL") { o.partitions = .all }
                    else if case .of(let old) = o.partitions { o.partitions = .of(old + list) }
                    else if o.partitions != .all { o.partitions = .of(list) }
                } else {
                    o.partitions = .all
                }
                continue
            }
            if a.hasPrefix("-") && a.count > 1 { throw ToolError.usage("unknown option '\(a)'") }
            if !isDigits(a) {
                if a == "ALL" { o.allDevices = true } else { o.devices.append(a.hasPrefix("/dev/") ? String(a.dropFirst(5)) : a) }
                continue
            }
            switch numbers {
            case 0:
                guard let v = UInt32(a) else { throw ToolError.usage("invalid interval '\(a)'") }
                interval = v
            case 1:
                guard let v = Int64(a), v >= 1, interval > 0 else { throw ToolError.usage("invalid count '\(a)'") }
                count = v
            default:
                throw ToolError.usage("too many arguments: '\(a)'")
            }
            numbers += 1
        }
        if interval == 0 { count = 1 }
        if cpuOnly || diskOnly { o.cpu = cpuOnly; o.disk = diskOnly }
        if o.partitions != .none || extended || o.unfilteredPublic { o.disk = true }

        let proc = ProcFS(root: procRoot)
        let stat = try proc.cpuStat()
        let cpuCount = sysstatCPUCount(stat: stat, sysRoot: sysRoot)
        var topology = BlockTopology.read(sysRoot: sysRoot)
        let start = LocalClock.now()
        func stamp(_ t: Int) -> String { LocalClock.format(t, SysstatTime.iso ? "%FT%T%z" : "%x %X") }
        // Read everything once before printing anything, so a bad /proc fails cleanly.
        var pending: IOStatReport.Sample? = try IOStatReport.Sample.read(proc, time: stamp(start))
        let host = SysstatHost.current()
        let date = SysstatTime.date(start)
        if json {
            writeOut(JSON.object([("host", .object(host.json(date: date, cpus: cpuCount)))]).serialized() + "\n")
        } else {
            writeOut(host.headerLine(date: date, cpus: cpuCount) + "\n")
        }
        var prev = IOStatReport.Sample.zero(time: "")
        var skip = skipFirst && interval > 0
        repeat {
            let curr = try pending ?? IOStatReport.Sample.read(proc, time: stamp(LocalClock.now()))
            pending = nil
            if topology.disks.isEmpty { topology = BlockTopology.guess(from: curr.disks.map(\.name)) }
            if !skip {
                let c = o.cpu ? IOStatReport.cpu(prev: prev.cpu, curr: curr.cpu) : nil
                let d = o.disk ? IOStatReport.devices(prev: prev, curr: curr, o, topology: topology) : nil
                let t = timestamp ? curr.time : nil
                writeOut(json ? IOStatReport.json(cpu: c, devices: d, o, timestamp: t).serialized() + "\n"
                              : IOStatReport.render(cpu: c, devices: d, o, timestamp: t))
                if count > 0 { count -= 1 }
            }
            prev = curr
            if count != 0 {
                sleep(interval)
                skip = false
            }
            if !json { writeOut("\n") }
        } while count != 0
    }
}
