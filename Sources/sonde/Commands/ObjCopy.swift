import ArgumentParser
import Binutils

struct ObjCopy: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "objcopy",
        abstract: "Copy an ELF file, changing it (binutils objcopy: -O binary, --strip-debug, --only-keep-debug, --add-gnu-debuglink, -R, -j).",
        usage: "sonde objcopy [-O binary] [--strip-debug|-g] [--only-keep-debug] [--add-gnu-debuglink=FILE] [-R SECTION]... [-j SECTION]... INPUT [OUTPUT]"
    )

    @Argument(parsing: .captureForPassthrough, help: "objcopy options, INPUT and OUTPUT (INPUT is replaced when OUTPUT is absent).")
    var args: [String] = []

    func run() throws {
        try Binutils.ObjCopy.main(args)
    }
}
