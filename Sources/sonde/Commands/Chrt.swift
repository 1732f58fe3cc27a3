import ArgumentParser
import Render

struct Chrt: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "chrt", abstract: "Not built yet.")

    func run() throws { throw ToolError("not implemented yet") }
}
