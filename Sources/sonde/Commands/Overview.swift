import ArgumentParser
import Monitors
import Render

struct Overview: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "overview",
        abstract: "One-screen health overview of this machine (the default): load, CPU classes, memory, busiest processes, disks, kernel warnings.")

    @Option(name: [.short, .customLong("interval")], help: "Seconds between the two samples that rates are computed from.")
    var interval: Double = 0.5

    @Flag(help: "Print the numbers as one JSON object.")
    var json = false

    func validate() throws {
        guard interval > 0, interval <= 60 else { throw ValidationError("interval must be between 0 and 60 seconds") }
    }

    func run() throws {
        let report = OverviewReport(try Monitors.Overview.collect(interval: interval))
        writeOut(json ? report.json.serialized() + "\n" : report.render(width: Terminal.outputWidth() ?? 100))
    }
}
