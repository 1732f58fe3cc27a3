import ArgumentParser
import Binutils
import Render

struct ObjDump: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "objdump", abstract: "Display information from ELF files: headers, symbols, disassembly (binutils objdump syntax).")

    @Argument(parsing: .captureForPassthrough, help: "objdump options and files (-d -D -h -f -t -T -x -S -l -C -j --start-address --stop-address).")
    var args: [String] = []

    func run() throws {
        let engine = Binutils.ObjDump(options: try ObjDumpOptions.parse(args))
        let status = engine.run(write: { writeOut($0) }, report: { writeOut("sonde objdump: \($0)\n", fd: 2) })
        if status != 0 { throw ExitCode(status) }
    }
}
