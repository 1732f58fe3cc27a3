import ArgumentParser
import Binutils
import Glibc
import Render

struct Ldd: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ldd",
        abstract: "Print shared object dependencies without running the program (ld.so's search rules).",
        usage: "sonde ldd [-v] [-u] [--json] [--root DIR] [--hwcaps LIST] FILE...",
        discussion: """
        Follows DT_NEEDED breadth first with DT_RPATH, LD_LIBRARY_PATH, DT_RUNPATH, /etc/ld.so.cache, \
        the default directories and glibc-hwcaps subdirectories, like glibc's ld.so, but reads files \
        instead of running ld.so, so it is safe on untrusted binaries and works for other architectures \
        (--root DIR: a sysroot holding the target's /lib, /usr/lib and /etc/ld.so.cache). \
        Libraries ld.so would pass over (wrong ELF class or machine) are reported on stderr ("skipped") \
        and in --json.
        """
    )

    @Argument(parsing: .captureForPassthrough, help: "ldd options and files.")
    var args: [String] = []

    func run() throws {
        var env: [String: String] = [:]
        if let p = getenv("LD_LIBRARY_PATH") { env["LD_LIBRARY_PATH"] = String(cString: p) }
        let (out, err, status) = try Binutils.Ldd.main(args, environment: env)
        writeOut(out)
        if !err.isEmpty { writeOut(err, fd: 2) }
        if status != 0 { throw ExitCode(status) }
    }
}
