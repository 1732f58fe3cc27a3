import ArgumentParser
import Monitors
import ProcFS
import Render

/// `sonde iotop`: per-task disk I/O rates in iotop's batch format.
struct IOTop: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "iotop", abstract: "Per-process disk I/O rates (iotop batch format).",
        discussion: IOTopOptions.usageText, helpNames: [])

    @Argument(parsing: .allUnrecognized, help: "iotop options: -b -o -n N -d S -p PID -u USER -P -k -t -q --json")
    var args: [String] = []

    func run() throws {
        let users = UserNames()
        let options = try IOTopOptions.parse(args, uidOf: { users.uid(named: $0) })
        if options.help {
            writeOut(IOTopOptions.usageText + "\n")
            return
        }
        try IOTopRunner(options: options).run()
    }
}
