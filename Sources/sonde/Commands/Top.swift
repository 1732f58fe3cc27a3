import ArgumentParser
import Monitors
import ProcFS
import Render

/// `sonde top`: procps top's batch output and full-screen view. Options are parsed
/// by TopOptions (getopt style, like procps), not by ArgumentParser.
struct Top: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "top", abstract: "Display Linux processes (procps top).",
        discussion: TopOptions.usageText, helpNames: [])

    @Argument(parsing: .allUnrecognized, help: "top options: -b -n N -d S -p PID -H -o FIELD -u/-U USER -w [COLS] -c -i -1 -E/-e SCALE --json")
    var args: [String] = []

    func run() throws {
        let users = UserNames()
        let options = try TopOptions.parse(args, uidOf: { users.uid(named: $0) })
        if options.help {
            writeOut(TopOptions.usageText + "\n")
            return
        }
        let runner = TopRunner(options: options)
        if options.batch || !Terminal.isTTY(1) || !Terminal.isTTY(0) {
            try runner.runBatch()
        } else {
            try runner.runInteractive()
        }
    }
}
