import ArgumentParser
import Binutils
import Render

struct Addr2line: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "addr2line",
        abstract: "Convert addresses into file names, line numbers and functions (binutils addr2line syntax, plus --json).")

    @Argument(parsing: .captureForPassthrough, help: "addr2line options and addresses (-e FILE -f -i -C -s -a -p -j SECTION).")
    var args: [String] = []

    func run() throws {
        try Binutils.Addr2line.run(args)
    }
}
