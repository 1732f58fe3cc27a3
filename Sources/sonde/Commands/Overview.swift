import ArgumentParser
import Render

struct Overview: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "overview", abstract: "One-screen health overview of this machine (the default).")

    func run() throws { throw ToolError("not implemented yet") }
}
