import ArgumentParser
import Render

struct IOStat: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "iostat", abstract: "Not built yet.")

    func run() throws { throw ToolError("not implemented yet") }
}
