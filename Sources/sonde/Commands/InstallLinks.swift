import ArgumentParser
import Render

struct InstallLinks: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "install-links", abstract: "Create tool-named symlinks to sonde in a directory.")

    func run() throws { throw ToolError("not implemented yet") }
}
