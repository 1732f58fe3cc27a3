import ArgumentParser
import Debug
import Render

struct Stack: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stack",
        abstract: "Print the stack of every thread of a running process (eu-stack -p).",
        discussion: """
        Attaches with ptrace to all threads, unwinds each with .eh_frame/.debug_frame CFI (frame pointers where there is none), \
        and detaches; the process keeps running. Output as eu-stack: "TID n:" then "#i  0xADDRESS function". \
        Names come from .symtab, the build-id debug file under /usr/lib/debug, or .dynsym.
        """
    )

    @Option(name: [.customShort("p"), .customLong("pid")], help: "Process ID (eu-stack style).")
    var pidOption: Int32?

    @Argument(help: "Process ID.")
    var pid: Int32?

    @Option(name: .customShort("n"), help: "Show at most this many frames per thread (1-1024).")
    var maxFrames: Int = 256

    @Flag(name: .customShort("m"), help: "Show the module (file) of each frame.")
    var module = false

    @Flag(name: .customShort("1"), help: "Show only the first thread.")
    var firstOnly = false

    @Flag(name: .customLong("json"), help: "Print the stacks as JSON.")
    var json = false

    func run() throws {
        guard let pid = pid ?? pidOption else { throw ToolError.usage("argument missing: PID") }
        guard (1...1024).contains(maxFrames) else { throw ToolError.usage("-n must be between 1 and 1024") }
        var options = StackOptions()
        options.maxFrames = maxFrames
        options.showModule = module
        options.onlyFirstThread = firstOnly
        let stacks = try StackTool.collect(pid: pid, options: options)
        if json {
            writeOut(StackTool.json(pid: pid, stacks).serialized() + "\n")
        } else {
            writeOut(StackTool.render(pid: pid, stacks, options: options))
            for w in StackTool.warnings(stacks) { writeOut("sonde stack: \(w)\n", fd: 2) }
        }
    }
}
