import ArgumentParser
import Binutils
import Render

struct NM: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "nm", abstract: "List symbols from object files (binutils nm syntax: -aADgunprSC, --size-sort, -t, -P, --json).", helpNames: [])

    @Argument(parsing: .captureForPassthrough, help: "nm options and files.")
    var args: [String] = []

    func run() throws {
        let out = OutputSink(fd: 1)
        let status = try Binutils.NM.run(args, out: out, err: { writeOut("sonde nm: \($0)\n", fd: 2) })
        if status != 0 { throw ExitCode(status) }
    }
}
