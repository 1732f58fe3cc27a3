import ArgumentParser
import Monitors
import ProcFS
import Render

struct Proc: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "proc",
        abstract: "A readable summary of /proc/PID: identity, command, files, memory, scheduling, threads, fds, limits, cgroups, I/O.",
        discussion: "Pieces that cannot be read are shown as notes; the rest of the summary still prints."
    )

    @Flag(name: .customLong("json"), help: "Print the whole summary as one JSON object.")
    var json = false

    @Argument(help: "Process ID.")
    var pid: String

    func run() throws {
        guard let p = Int32(pid), p > 0 else { throw ToolError.usage("invalid PID argument: '\(pid)'") }
        let summary = ProcSummary(try ProcSnapshot.collect(pid: p))
        writeOut(json ? summary.json().serialized(pretty: true) + "\n" : summary.text())
    }
}
