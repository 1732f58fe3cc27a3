import ArgumentParser
import Render

struct IOTop: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "iotop", abstract: "Not built yet.")

    func run() throws { throw ToolError("not implemented yet") }
}
