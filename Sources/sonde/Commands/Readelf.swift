import ArgumentParser
import Binutils
import Render

struct Readelf: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "readelf", abstract: "Display information about ELF files (binutils readelf syntax: -hSlsrdnVA, -W, -x, -p, --json).", helpNames: [])

    @Argument(parsing: .captureForPassthrough, help: "readelf options and files.")
    var args: [String] = []

    func run() throws {
        let out = OutputSink(fd: 1)
        let status = try Binutils.Readelf.run(args, out: out, err: { writeOut("sonde readelf: \($0)\n", fd: 2) })
        if status != 0 { throw ExitCode(status) }
    }
}
