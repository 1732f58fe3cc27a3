import ArgumentParser
import Monitors
import ProcFS
import Render

struct PMap: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pmap",
        abstract: "Report the memory map of processes (procps pmap).",
        discussion: "Exit status 1 when a PID does not exist or cannot be read (procps exits 42 for a missing PID; issue 2 asks for 1, like every other sonde tool)."
    )

    @Flag(name: [.customShort("x"), .customLong("extended")], help: "Show details: RSS and dirty KiB per mapping.")
    var extended = false

    @Flag(name: .customShort("X"), help: "Show every smaps field (-XX: also the minor ones and VmFlags).")
    var more: Int

    @Flag(name: [.customShort("d"), .customLong("device")], help: "Show the offset and device of each mapping.")
    var device = false

    @Flag(name: [.customShort("q"), .customLong("quiet")], help: "Do not display header and footer.")
    var quiet = false

    @Flag(name: [.customShort("p"), .customLong("show-path")], help: "Show the full path of mapped files.")
    var showPath = false

    @Option(name: [.customShort("A"), .customLong("range")], help: ArgumentHelp("Limit to mappings overlapping the hex range.", valueName: "low[,high]"))
    var range: String?

    @Flag(name: .customLong("pss"), help: "Show RSS, PSS, USS (private), Swap and Dirty KiB per mapping and in total (sonde).")
    var pss = false

    @Flag(name: .customLong("json"), help: "Print the mappings of each process as JSON.")
    var json = false

    @Argument(help: "Process IDs (or /proc/PID).")
    var pids: [String] = []

    func run() throws {
        var options = PMapOptions()
        let modes = [extended, more > 0, device, pss].filter { $0 }.count
        if modes > 1 { throw ToolError.usage("options -d, -x, -X, --pss are mutually exclusive") }
        if extended { options.mode = .extended }
        if more > 0 { options.mode = .smaps(level: more) }
        if device { options.mode = .device }
        if pss { options.mode = .usage }
        options.quiet = quiet
        options.showPath = showPath
        if let range {
            guard let r = PMapArguments.range(range) else { throw ToolError.usage("failed to parse argument: '\(range)'") }
            options.rangeLow = r.low
            options.rangeHigh = r.high
        }
        if pids.isEmpty { throw ToolError.usage("argument missing: PID") }
        var list: [Int32] = []
        for a in pids {
            guard let p = PMapArguments.pid(a) else { throw ToolError.usage("invalid PID argument: '\(a)'") }
            if let p = p { list.append(p) }
        }

        var report = PMapReport(options: options)
        var status: Int32 = 0
        var jsonOut: [JSON] = []
        for pid in list {
            do {
                let p = try PMapProcess.load(pid: pid, smaps: options.needsSmaps || json)
                if json { jsonOut.append(report.json(p)) } else { writeOut(report.render(p)) }
            } catch {
                switch error {
                case .noProcess: status = 1
                case .unreadable(let h, _):
                    if !json { writeOut("\(h.pid):   \(h.command)\n") }
                    status |= 1
                }
                writeOut("sonde pmap: \(error.message)\n", fd: 2)
            }
        }
        if json { writeOut(JSON.array(jsonOut).serialized(pretty: true) + "\n") }
        if status != 0 { throw ExitCode(status) }
    }
}
