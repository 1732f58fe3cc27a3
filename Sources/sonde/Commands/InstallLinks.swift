import ArgumentParser
import Render
import Glibc

struct InstallLinks: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "install-links",
        abstract: "Create tool-named symlinks to sonde in a directory (ps -> sonde, ...).",
        discussion: "Existing files of the same name are left alone unless --force is given.")

    @Argument(help: "Directory to create the links in.")
    var directory: String

    @Flag(help: "Replace existing files or links of the same name.")
    var force = false

    func run() throws {
        var st = Glibc.stat()
        guard fstatat(AT_FDCWD, directory, &st, 0) == 0, (st.st_mode & S_IFMT) == S_IFDIR else {
            throw ToolError("\(directory): not a directory")
        }
        let target = selfPath()
        for name in Sonde.linkableTools {
            let link = directory + "/" + name
            if force { unlink(link) }
            if symlink(target, link) != 0 {
                let e = errno
                if e == EEXIST { writeOut("sonde install-links: \(link): exists, left alone (use --force)\n", fd: 2); continue }
                throw ToolError("\(link): \(String(cString: strerror(e)))")
            }
            writeOut("\(link) -> \(target)\n")
        }
    }

    /// The running executable's absolute path.
    func selfPath() -> String {
        var buf = [CChar](repeating: 0, count: 4097)
        let n = readlink("/proc/self/exe", &buf, 4096)
        return n > 0 ? String(decoding: buf[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self) : CommandLine.arguments[0]
    }
}
