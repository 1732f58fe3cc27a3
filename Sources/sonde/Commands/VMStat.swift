import ArgumentParser
import Render

struct VMStat: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "vmstat", abstract: "Not built yet.")

    func run() throws { throw ToolError("not implemented yet") }
}
