/// The subcommands of `sonde perf`, as perf names them. Each subcommand's engine lives in its own file
/// of this module (Stat.swift, List.swift, Record.swift, Report.swift, Script.swift, ...) and exposes
/// `static func run(_ args: [String]) throws -> Int32`, returning the exit status.
public enum PerfTool {
    public static let usage = """
        usage: sonde perf COMMAND [ARGS]

        The most commonly used perf commands are:
           annotate   Read perf.data and display annotated code
           list       List all symbolic event types
           record     Run a command and record its profile into perf.data
           report     Read perf.data and display the profile
           script     Read perf.data and display trace output
           stat       Run a command and gather performance counter statistics
           top        System profiling tool
        """

    public static let names = ["annotate", "list", "record", "report", "script", "stat", "top"]

    /// Runs `perf ARGS`; returns the exit status. Usage errors are thrown for the CLI to print.
    public static func run(_ args: [String]) throws -> Int32 {
        guard let sub = args.first, sub != "-h", sub != "--help", sub != "help" else {
            writeString(usage + "\n", fd: 1)
            return args.isEmpty ? 1 : 0
        }
        let rest = Array(args.dropFirst())
        switch sub {
        case "stat": return try Stat.run(rest)
        case "list": return try List.run(rest)
        case "record": return try Record.run(rest)
        case "report": return try Report.run(rest)
        case "script": return try Script.run(rest)
        case "annotate": return try AnnotateCommand.run(rest)
        case "top": return try Top.run(rest)
        default:
            _ = rest
            throw PerfUsageError("'\(sub)' is not a perf command. See 'sonde perf --help'.")
        }
    }
}

import Glibc

/// Writes a string to a file descriptor, whole.
func writeString(_ s: String, fd: Int32) {
    var s = s
    s.withUTF8 { buf in
        var off = 0
        while off < buf.count {
            let n = Glibc.write(fd, buf.baseAddress! + off, buf.count - off)
            if n <= 0 { if n < 0 && errno == EINTR { continue }; return }
            off += n
        }
    }
}
