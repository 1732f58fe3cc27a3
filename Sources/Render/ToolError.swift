/// An error meant for the user: one line, and the exit status the tool should
/// return (1 failure, 2 usage). The CLI prints it as "sonde <tool>: <message>".
public struct ToolError: Error, CustomStringConvertible, Equatable {
    public var message: String
    public var status: Int32

    public init(_ message: String, status: Int32 = 1) {
        self.message = message
        self.status = status
    }

    public static func usage(_ message: String) -> ToolError { ToolError(message, status: 2) }

    public var description: String { message }
}
