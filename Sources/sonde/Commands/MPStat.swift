import ArgumentParser
import Render

struct MPStat: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "mpstat", abstract: "Not built yet.")

    func run() throws { throw ToolError("not implemented yet") }
}
