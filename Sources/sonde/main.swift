import ArgumentParser
import Render
import ProcFS
import Glibc

/// Runs `sonde <tool> ...`, or the tool named by argv[0] when invoked through a
/// symlink (busybox style), and maps errors to one line plus an exit status.
let argv0 = CommandLine.arguments.first.map { String($0.split(separator: "/").last ?? "sonde") } ?? "sonde"
var arguments = Array(CommandLine.arguments.dropFirst())
if argv0 != "sonde", Sonde.toolNames.contains(argv0) {
    arguments.insert(argv0, at: 0)
}
let toolName = arguments.first.flatMap { Sonde.toolNames.contains($0) ? $0 : nil }
let prefix = toolName.map { "sonde \($0)" } ?? "sonde"

// A closed pipe (`sonde ps | head`) must end the tool quietly, like the originals.
signal(SIGPIPE, SIG_DFL)

do {
    var command = try Sonde.parseAsRoot(arguments)
    if var async = command as? AsyncParsableCommand {
        _ = async  // no async commands yet
        try await async.run()
    } else {
        try command.run()
    }
    exit(0)
} catch let e as ToolError {
    writeOut("\(prefix): \(e.message)\n", fd: 2)
    exit(e.status)
} catch let e as ProcError {
    writeOut("\(prefix): \(e)\n", fd: 2)
    exit(1)
} catch {
    let code = Sonde.exitCode(for: error)
    if code == .success {
        let message = Sonde.fullMessage(for: error)
        if !message.isEmpty { writeOut(message + "\n") }
        exit(0)
    }
    if let exitCode = error as? ExitCode { exit(exitCode.rawValue) }
    writeOut(Sonde.fullMessage(for: error) + "\n", fd: 2)
    // Usage errors exit 2 like the classic tools, not ArgumentParser's 64.
    exit(code == .validationFailure ? 2 : code.rawValue)
}
