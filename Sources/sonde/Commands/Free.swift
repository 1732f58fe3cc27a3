import ArgumentParser
import Render

struct Free: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "free", abstract: "Not built yet.")

    func run() throws { throw ToolError("not implemented yet") }
}
