import ArgumentParser
import Render

struct Proc: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "proc", abstract: "Not built yet.")

    func run() throws { throw ToolError("not implemented yet") }
}
