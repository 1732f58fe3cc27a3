import ArgumentParser
import Glibc
import Render
import Strace

struct StraceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "strace",
        abstract: "Trace system calls and signals (strace 6 syntax and output; plus --json).",
        helpNames: [])

    @Argument(parsing: .captureForPassthrough, help: "strace options, then PROG [ARGS] (or -p PID).")
    var args: [String] = []

    func run() throws {
        let err: (String) -> Void = { writeOut("sonde strace: \($0)\n", fd: 2) }
        do {
            let options = try StraceOptions.parse(args)
            if let t = options.daemonTarget, t.stage == 1 { Glibc.exit(try Daemon.startTracer(args, target: t)) }
            let session = StraceSession(options: options, err: err)
            if options.daemonize && options.daemonTarget == nil {
                let (path, env) = try session.program()
                try Daemon.runProgram(options, path: path, environment: env, arguments: args)
            }
            let status = try session.run()
            if status != 0 { throw ExitCode(status) }
        } catch let e as StraceUsageError {
            err(e.description)
            throw ExitCode(1)
        }
    }
}
