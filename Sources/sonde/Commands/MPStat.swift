import ArgumentParser
import Glibc
import Monitors
import ProcFS
import Render

nonisolated(unsafe) var mpstatInterrupted: Int32 = 0

struct MPStat: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mpstat",
        abstract: "Report processors related statistics (sysstat mpstat).",
        usage: "sonde mpstat [-u] [-I SUM] [-P {cpu_list|ALL}] [--json] [interval [count]]",
        discussion: """
        Without interval, prints averages since boot. With interval, prints a report every interval
        seconds, count times (or until interrupted), then the "Average:" lines.
        --json prints one object per line: first {"host":{"nodename","sysname","release","machine","number-of-cpus","date"}},
        then one per report: {"timestamp","cpu-load":[{"cpu":"all"|"N","usr","nice","sys","iowait","irq","soft","steal",
        "guest","gnice","idle"}],"sum-interrupts":[{"cpu","intr"}]}; the average report has "timestamp":"Average".
        """
    )

    @Option(name: .customShort("P", allowingJoined: true), help: ArgumentHelp("Processors to report: a list like 0,1 or 0-3, 'all' or ALL.", valueName: "cpu_list")) var cpuList: String?
    @Flag(name: .customShort("u"), help: "Report CPU utilization.") var utilization = false
    @Option(name: .customShort("I", allowingJoined: true), help: ArgumentHelp("Interrupt statistics; only SUM (total per second) is supported.", valueName: "SUM")) var interrupts: String?
    @Flag(name: .customLong("json"), help: "JSON output (see above).") var json = false
    @Flag(name: .customShort("V"), help: "Print version number.") var version = false
    @Option(name: .customLong("proc"), help: .hidden) var procRoot = "/proc"
    @Option(name: .customLong("sys"), help: .hidden) var sysRoot = "/sys"
    @Argument(parsing: .allUnrecognized, help: ArgumentHelp("Seconds between reports and number of reports.", valueName: "interval [count]")) var rest: [String] = []

    func run() throws {
        setlocale(LC_ALL, "")
        if version { writeOut("mpstat from sonde \(Sonde.version)\n"); return }
        var positionals: [String] = []
        for a in rest {
            if a.hasPrefix("-") && a.count > 1 { throw ToolError.usage("unknown option '\(a)'") }
            positionals.append(a)
        }
        guard positionals.count <= 2 else { throw ToolError.usage("too many arguments: '\(positionals[2])'") }
        var interval: UInt32? = nil
        var count: Int64 = -1
        if let s = positionals.first {
            guard !s.isEmpty, s.allSatisfy(\.isASCII), s.allSatisfy(\.isNumber), let v = UInt32(s) else {
                throw ToolError.usage("invalid interval '\(s)'")
            }
            interval = v
        }
        if positionals.count == 2 {
            let s = positionals[1]
            guard let v = Int64(s), v >= 1, interval != nil, interval != 0 else { throw ToolError.usage("invalid count '\(s)'") }
            count = v
        }
        if interval == 0 { interval = nil }

        let proc = ProcFS(root: procRoot)
        let first = try proc.cpuStat()
        let cpuCount = sysstatCPUCount(stat: first, sysRoot: sysRoot)
        var o = MPStatReport.Options()
        if let i = interrupts {
            guard i == "SUM" else { throw ToolError.usage("-I \(i): only SUM is supported") }
            o.irqSum = true
            o.cpu = utilization
        }
        if let l = cpuList {
            guard let set = MPStatReport.Options.parseCPUList(l, cpuCount: cpuCount) else { throw ToolError.usage("invalid CPU list '\(l)'") }
            o.selected = set
            o.alwaysHeader = true
        }
        if o.cpu && o.irqSum { o.alwaysHeader = true }

        let start = LocalClock.now()
        // Read everything once before printing anything, so a bad /proc fails cleanly.
        let firstSample = try MPStatReport.Sample.read(proc, time: SysstatTime.time(start), interrupts: o.irqSum)
        let host = SysstatHost.current()
        let date = SysstatTime.date(start)
        if json {
            writeOut(JSON.object([("host", .object(host.json(date: date, cpus: cpuCount)))]).serialized() + "\n")
        } else {
            writeOut(host.headerLine(date: date, cpus: cpuCount))
        }
        func emit(_ prev: MPStatReport.Sample, _ curr: MPStatReport.Sample, sinceBoot: Bool, header: Bool, prevLabel: String, currLabel: String) {
            let r = MPStatReport.compute(prev: prev, curr: curr, cpuCount: cpuCount, sinceBoot: sinceBoot, o)
            writeOut(json ? MPStatReport.json(r, o, time: currLabel).serialized() + "\n"
                          : MPStatReport.render(r, o, header: header, prevLabel: prevLabel, currLabel: currLabel))
        }
        guard let interval else {
            let t = SysstatTime.time(start)
            emit(.zero(time: t), firstSample, sinceBoot: true, header: true, prevLabel: t, currLabel: t)
            return
        }
        signal(SIGINT) { _ in mpstatInterrupted = 1 }
        let rows: Int = { if let s = Terminal.size(), s.rows > 2 { return s.rows - 2 }; return 3600 * 24 }()
        var lines = rows
        var prev = firstSample
        var last = firstSample
        var remaining = count
        var shown = 0
        while remaining != 0 {
            var left = interval
            while left > 0 && mpstatInterrupted == 0 { left = sleep(left) }
            // Interrupted: nothing shown yet means exit at once, else straight to the averages (as sysstat).
            if mpstatInterrupted != 0 { if shown == 0 { return } else { break } }
            let curr = try MPStatReport.Sample.read(proc, time: SysstatTime.time(LocalClock.now()), interrupts: o.irqSum)
            var header = true
            if !o.alwaysHeader {
                header = lines / rows > 0
                if header { lines %= rows }
                lines += 1
            }
            emit(prev, curr, sinceBoot: false, header: header, prevLabel: prev.time, currLabel: curr.time)
            shown += 1
            prev = curr
            last = curr
            if remaining > 0 { remaining -= 1 }
        }
        emit(firstSample, last, sinceBoot: false, header: o.alwaysHeader, prevLabel: "Average:", currLabel: "Average:")
    }
}
