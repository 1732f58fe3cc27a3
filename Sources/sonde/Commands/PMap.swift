import ArgumentParser
import Render

struct PMap: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "pmap", abstract: "Not built yet.")

    func run() throws { throw ToolError("not implemented yet") }
}
