import ArgumentParser
import Monitors
import Render
import Glibc

struct PS: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ps", abstract: "Report a snapshot of the current processes (procps ps syntax: aux, -ef, -o, --sort, --json).")

    @Argument(parsing: .captureForPassthrough, help: "ps options, in standard (-ef), BSD (aux) or long (--sort) syntax.")
    var args: [String] = []

    func run() throws {
        let (text, status) = try Monitors.PS.run(args)
        writeOut(text)
        if status != 0 { throw ExitCode(status) }
    }
}
