import ArgumentParser
import Render

struct Top: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "top", abstract: "Not built yet.")

    func run() throws { throw ToolError("not implemented yet") }
}
