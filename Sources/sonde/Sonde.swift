import ArgumentParser

/// The command tree. Each tool is a thin file under Commands/.
struct Sonde: ParsableCommand {
    static let version = "0.1.0"

    static let configuration = CommandConfiguration(
        commandName: "sonde",
        abstract: "Linux debugging, profiling and tracing toolkit.",
        discussion: "With no tool, prints a one-screen health overview of this machine. Invoked through a symlink named after a tool (ps, free, top...), behaves as that tool.",
        version: version,
        subcommands: [
            Overview.self, PS.self, Top.self, Free.self, VMStat.self, MPStat.self, IOStat.self,
            PMap.self, IOTop.self, Chrt.self, Proc.self, Readelf.self, NM.self, ObjDump.self, ObjCopy.self, Ldd.self,
            Addr2line.self, Stack.self, StraceCommand.self, PerfCommand.self, FlameGraphCommand.self, InstallLinks.self,
        ],
        defaultSubcommand: Overview.self
    )

    /// Tool names that multi-call dispatch and install-links know.
    static var toolNames: [String] {
        configuration.subcommands.compactMap { $0.configuration.commandName }
    }

    /// Tools that get a symlink from install-links (not sonde's own helpers).
    static var linkableTools: [String] {
        toolNames.filter { !["overview", "install-links", "proc"].contains($0) }
    }
}
