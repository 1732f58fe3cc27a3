import ArgumentParser
import Glibc
import Perf
import Render

struct PerfCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "perf",
        abstract: "Performance counters, sampling profiler, perf.data reports (perf 6 syntax and output).",
        helpNames: [])

    @Argument(parsing: .captureForPassthrough, help: "perf COMMAND [ARGS]: stat, record, report, script, annotate, top, list.")
    var args: [String] = []

    func run() throws {
        let sub = args.first.flatMap { PerfTool.names.contains($0) ? " \($0)" : nil } ?? ""
        do {
            let status = try PerfTool.run(args)
            if status != 0 { throw ExitCode(status) }
        } catch let e as PerfToolError {
            writeOut("sonde perf\(sub): \(e.description)\n", fd: 2)
            throw ExitCode(1)
        } catch let e as PerfUsageError {
            writeOut("sonde perf\(sub): \(e.description)\n", fd: 2)
            throw ExitCode(129)
        } catch let e as ExitCode {
            throw e
        } catch {
            writeOut("sonde perf\(sub): \(error)\n", fd: 2)
            throw ExitCode(1)
        }
    }
}
