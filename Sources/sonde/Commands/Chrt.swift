import ArgumentParser
import Glibc
import Monitors
import Render

struct Chrt: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "chrt",
        abstract: "Show or change the real-time scheduling attributes of a process (util-linux chrt).",
        usage: """
        sonde chrt [options] <priority> <command> [<arg>...]
        sonde chrt [options] --pid <priority> <pid>
        sonde chrt [options] -p <pid>
        """
    )

    enum Policy: String, EnumerableFlag {
        case batch, deadline, fifo, idle, other, rr

        static func name(for value: Policy) -> NameSpecification {
            switch value {
            case .batch: return [.customShort("b"), .customLong("batch")]
            case .deadline: return [.customShort("d"), .customLong("deadline")]
            case .fifo: return [.customShort("f"), .customLong("fifo")]
            case .idle: return [.customShort("i"), .customLong("idle")]
            case .other: return [.customShort("o"), .customLong("other")]
            case .rr: return [.customShort("r"), .customLong("rr")]
            }
        }

        static func help(for value: Policy) -> ArgumentHelp? {
            "Set policy to SCHED_\(value.rawValue.uppercased())\(value == .rr ? " (default)" : "")."
        }

        var sched: SchedPolicy {
            switch self {
            case .batch: return .batch
            case .deadline: return .deadline
            case .fifo: return .fifo
            case .idle: return .idle
            case .other: return .other
            case .rr: return .rr
            }
        }
    }

    @Flag(exclusivity: .chooseLast)
    var policy: Policy?

    @Flag(name: [.customShort("R"), .customLong("reset-on-fork")], help: "Set the reset-on-fork flag.")
    var resetOnFork = false

    @Option(name: [.customShort("T"), .customLong("sched-runtime")], help: ArgumentHelp("Runtime parameter for DEADLINE.", valueName: "ns"))
    var runtime: String?

    @Option(name: [.customShort("P"), .customLong("sched-period")], help: ArgumentHelp("Period parameter for DEADLINE.", valueName: "ns"))
    var period: String?

    @Option(name: [.customShort("D"), .customLong("sched-deadline")], help: ArgumentHelp("Deadline parameter for DEADLINE.", valueName: "ns"))
    var deadline: String?

    @Flag(name: [.customShort("a"), .customLong("all-tasks")], help: "Operate on all the tasks (threads) of the PID.")
    var allTasks = false

    @Flag(name: [.customShort("m"), .customLong("max")], help: "Show min and max valid priorities.")
    var max = false

    @Flag(name: [.customShort("p"), .customLong("pid")], help: "Operate on an existing PID (the last argument).")
    var pidMode = false

    @Flag(name: [.customShort("v"), .customLong("verbose")], help: "Display status information.")
    var verbose = false

    @Flag(name: .customLong("json"), help: "Print scheduling attributes as JSON.")
    var json = false

    @Argument(parsing: .captureForPassthrough, help: "[priority] pid, or priority command [args...]")
    var args: [String] = []

    func nanoseconds(_ s: String?, _ what: String) throws -> UInt64 {
        guard let s else { return 0 }
        guard let v = UInt64(s) else { throw ToolError.usage("invalid \(what) argument: '\(s)'") }
        return v
    }

    func show(_ pid: Int32, altered: Bool) throws {
        let targets = allTasks ? try Scheduler.tasks(of: pid) : [pid]
        var infos: [SchedInfo] = []
        for t in targets { infos.append(try Scheduler.get(t)) }
        if json {
            writeOut((allTasks ? JSON.array(infos.map(\.json)) : infos[0].json).serialized(pretty: true) + "\n")
        } else {
            writeOut(infos.map { ChrtText.info($0, altered: altered) }.joined())
        }
    }

    func run() throws {
        var args = self.args
        if args.first == "--" { args.removeFirst() }
        if let first = args.first, first.hasPrefix("-"), first.count > 1, Int32(first) == nil {
            throw ToolError.usage("unknown option '\(first)'")
        }
        if max {
            let r = Scheduler.allRanges
            writeOut(json ? ChrtText.minMaxJSON(r).serialized(pretty: true) + "\n" : ChrtText.minMax(r))
            return
        }
        let runtimeNs = try nanoseconds(runtime, "runtime")
        let periodNs = try nanoseconds(period, "period")
        let deadlineNs = try nanoseconds(deadline, "deadline")

        var pid: Int32 = -1
        if pidMode {
            guard let last = args.last else { throw ToolError.usage("bad usage: -p needs a PID") }
            guard let p = Int32(last), p >= 0 else { throw ToolError.usage("invalid PID argument: '\(last)'") }
            pid = p
        }
        if (pidMode && args.isEmpty) || (!pidMode && args.count < 2) {
            throw ToolError.usage("bad usage: expected [options] <priority> <command> [<arg>...] or -p [<priority>] <pid>")
        }
        if pidMode && (verbose || args.count == 1) {
            try show(pid, altered: false)
            if args.count == 1 { return }
        }
        guard let priority = Int32(args[0]) else { throw ToolError.usage("invalid priority argument: '\(args[0])'") }
        let request = try SchedRequest.validated(policy: policy?.sched ?? .rr, priority: priority, resetOnFork: resetOnFork,
                                                 runtime: runtimeNs, deadline: deadlineNs, period: periodNs,
                                                 range: Scheduler.priorityRange)
        if pid == -1 { pid = 0 }
        try Scheduler.apply(request, pid: pid, allTasks: allTasks)
        if verbose { try show(pid, altered: true) }
        if pid == 0 {
            let command = Array(args.dropFirst())
            let failure = Scheduler.exec(command)
            throw ToolError("failed to execute \(command[0]): \(String(cString: strerror(failure.errno)))", status: failure.status)
        }
    }
}
