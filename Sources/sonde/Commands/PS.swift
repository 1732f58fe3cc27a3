import ArgumentParser
import Render

struct PS: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "ps", abstract: "Report a snapshot of the current processes.")

    func run() throws { throw ToolError("not implemented yet") }
}
