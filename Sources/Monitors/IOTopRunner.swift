import Glibc
import CSonde
import ProcFS
import Render

/// iotop's command line (optparse style: -n5, -n 5, --iter=5, clustered flags like -boqq).
public struct IOTopOptions: Sendable, Equatable {
    public var only = false
    public var batch = false
    public var iterations: Int? = nil
    public var delay: Double = 1.0
    public var pids: [Int32] = []
    public var uids: [UInt32] = []
    public var processes = false
    public var kilobytes = false
    public var time = false
    public var quiet = 0
    public var json = false
    public var help = false

    public init() {}

    public static let usageText = """
    Usage: sonde iotop [OPTIONS]

    DISK READ and DISK WRITE are the block I/O bandwidth used during the sampling
    period, from /proc/PID/io (read_bytes, write_bytes minus cancelled_write_bytes).
    SWAPIN and IO need taskstats delay accounting, which sonde does not read: they
    show ?unavailable? as iotop does when delay accounting is off.

    Options:
      -o, --only            only show processes or threads actually doing I/O
      -b, --batch           non-interactive mode (sonde always prints batch output)
      -n NUM, --iter=NUM    number of iterations before ending [infinite]
      -d SEC, --delay=SEC   delay between iterations [1 second]
      -p PID, --pid=PID     processes/threads to monitor [all]
      -u USER, --user=USER  users to monitor [all]
      -P, --processes       only show processes, not all threads
      -k, --kilobytes       use kilobytes instead of a human friendly unit
      -t, --time            add a timestamp on each line (implies --batch)
      -q, --quiet           suppress some lines of header (implies --batch)
      --json                one JSON object per iteration
    """

    public static func parse(_ args: [String], uidOf: (String) -> UInt32?) throws(ToolError) -> IOTopOptions {
        var o = IOTopOptions()
        var i = 0
        func apply(_ flag: String, _ v: String) throws(ToolError) {
            switch flag {
            case "n":
                guard let n = Int(v) else { throw .usage("option -n: invalid integer value: '\(v)'") }
                guard n >= 1 else { throw .usage("option -n: the number of iterations must be at least 1") }
                o.iterations = n
            case "d":
                guard let d = Double(v), d.isFinite else { throw .usage("option -d: invalid floating-point value: '\(v)'") }
                guard d >= 0 else { throw .usage("option -d: the delay must not be negative: '\(v)'") }
                o.delay = d
            case "p":
                guard let p = Int32(v), p > 0 else { throw .usage("option -p: invalid integer value: '\(v)'") }
                o.pids.append(p)
            case "u":
                guard let u = UInt32(v) ?? uidOf(v) else { throw .usage("option -u: unknown user: '\(v)'") }
                o.uids.append(u)
            default: break
            }
        }
        let longs: [String: String] = ["iter": "n", "delay": "d", "pid": "p", "user": "u"]
        while i < args.count {
            let a = args[i]
            if a.hasPrefix("--") {
                let parts = a.dropFirst(2).split(separator: "=", maxSplits: 1)
                let name = parts.first.map(String.init) ?? ""
                switch name {
                case "only": o.only = true
                case "batch": o.batch = true
                case "processes": o.processes = true
                case "kilobytes": o.kilobytes = true
                case "time": o.time = true
                case "quiet": o.quiet += 1
                case "json": o.json = true
                case "no-help": break
                case "help", "version": o.help = true
                default:
                    guard let f = longs[name] else { throw .usage("no such option: \(a)") }
                    if parts.count == 2 { try apply(f, String(parts[1])) } else {
                        i += 1
                        guard i < args.count else { throw .usage("\(a) option requires an argument") }
                        try apply(f, args[i])
                    }
                }
                i += 1
                continue
            }
            guard a.hasPrefix("-"), a.count > 1 else { throw .usage("unexpected argument: '\(a)'") }
            var rest = a.dropFirst()
            while let c = rest.first {
                rest = rest.dropFirst()
                switch c {
                case "o": o.only = true
                case "b": o.batch = true
                case "P": o.processes = true
                case "k": o.kilobytes = true
                case "t": o.time = true
                case "q": o.quiet += 1
                case "h": o.help = true
                case "n", "d", "p", "u":
                    let v: String
                    if !rest.isEmpty { v = String(rest) } else {
                        i += 1
                        guard i < args.count else { throw .usage("-\(c) option requires an argument") }
                        v = args[i]
                    }
                    try apply(String(c), v)
                    rest = ""
                default: throw .usage("no such option: -\(c)")
                }
            }
            i += 1
        }
        if o.time || o.quiet > 0 { o.batch = true }
        return o
    }
}

/// Reads /proc/PID/io (or /proc/PID/task/TID/io) and prints iotop's batch output.
public final class IOTopRunner {
    let options: IOTopOptions
    let fs: ProcFS
    let users = UserNames()
    public static let primeMicroseconds: UInt32 = 150_000

    public init(options: IOTopOptions, fs: ProcFS = ProcFS()) {
        self.options = options
        self.fs = fs
    }

    public func sample() -> IOSample {
        // The shared process table reads io and the owner; a task whose io file is
        // unreadable (another user's, without CAP_SYS_PTRACE) or that vanished is skipped.
        let records = (try? fs.processes(fields: [.io, .owner], threads: !options.processes, leaderTotals: false, parallel: false)) ?? []
        var tasks: [IOTask] = []
        for r in records {
            guard let io = r.io else { continue }
            if !options.pids.isEmpty && !options.pids.contains(options.processes ? r.pid : r.tid) { continue }
            if !options.uids.isEmpty && !options.uids.contains(r.euid) { continue }
            tasks.append(IOTask(pid: r.pid, tid: r.tid, uid: r.euid, readBytes: io.readBytes, writeBytes: io.writeBytes,
                                cancelledWriteBytes: io.cancelledWriteBytes))
        }
        let vm = (try? fs.vmstat()) ?? [:]
        return IOSample(time: monotonicSeconds(), tasks: tasks, pgpgin: UInt64(max(0, vm["pgpgin"] ?? 0)),
                        pgpgout: UInt64(max(0, vm["pgpgout"] ?? 0)))
    }

    /// PRIO text of a task.
    func prio(_ t: IOTask) -> String {
        let st = try? fs.stat(pid: t.pid, tid: t.tid)
        return IOTopFormat.ioprio(sonde_ioprio_get(t.tid), policy: st?.policy ?? 0, nice: st?.nice ?? 0)
    }

    func command(_ t: IOTask) -> String {
        let dir = ProcFS.dir(t.pid, tid: options.processes ? nil : t.tid)
        guard var raw = try? fs.read(dir + "/cmdline") else { return "{no such process}" }
        if raw.count > 4096 { raw = Array(raw.prefix(4096)) }
        let comm = (try? fs.stat(pid: t.pid, tid: options.processes ? nil : t.tid))?.comm ?? ""
        let isThread = !options.processes && t.tid != t.pid
        let processComm = isThread ? (try? fs.stat(pid: t.pid))?.comm : nil
        return IOTopFormat.command(argv: splitNul(raw), comm: comm, processComm: processComm, isThread: isThread)
    }

    public func run() throws {
        let pidWidth = (try? fs.text("sys/kernel/pid_max")).map { $0.trimmingSpaces.count } ?? 5
        var prev = sample()
        usleep(Self.primeMicroseconds)
        var n = 0
        while true {
            let cur = sample()
            let f = IOTopModel.frame(previous: prev, current: cur, only: options.only)
            writeOut(render(f, first: n == 0, pidWidth: pidWidth))
            n += 1
            if let max = options.iterations, n >= max { return }
            prev = cur
            TopRunner.sleep(seconds: options.delay)
        }
    }

    func render(_ f: IOFrame, first: Bool, pidWidth: Int) -> String {
        let k = options.kilobytes
        if options.json {
            let rows: [JSON] = f.rows.map { r in
                .object([(options.processes ? "pid" : "tid", .int(Int64(r.task.tid))), ("pid", .int(Int64(r.task.pid))),
                         ("prio", .string(prio(r.task))), ("user", .string(users.userOrID(r.task.uid))),
                         ("read_bytes_per_second", .double(Double(r.read) / f.duration)),
                         ("write_bytes_per_second", .double(Double(r.write) / f.duration)),
                         ("read_bytes", .int(Int64(clamping: r.read))), ("write_bytes", .int(Int64(clamping: r.write))),
                         ("swapin_percent", .null), ("io_percent", .null), ("command", .string(command(r.task)))])
            }
            let o: JSON = .object([("time", .string(TopFormat.clock(Int(Glibc.time(nil))))), ("duration_seconds", .double(f.duration)),
                                   ("total_read_bytes_per_second", .double(Double(f.totalRead) / f.duration)),
                                   ("total_write_bytes_per_second", .double(Double(f.totalWrite) / f.duration)),
                                   ("current_read_bytes_per_second", .double(Double(f.currentRead) / f.duration)),
                                   ("current_write_bytes_per_second", .double(Double(f.currentWrite) / f.duration)),
                                   ("delay_accounting", .bool(false)), ("tasks", .array(rows))])
            return o.serialized() + "\n"
        }
        let stamp = options.time ? TopFormat.clock(Int(Glibc.time(nil))) + " " : ""
        var out = ""
        if options.quiet <= 2 {
            for l in IOTopFormat.summaryLines(f, kilobytes: k) { out += stamp + l + "\n" }
            if options.quiet <= (first ? 1 : 0) {
                out += IOTopFormat.titles(pidWidth: pidWidth, processes: options.processes, time: options.time) + "\n"
            }
        }
        for r in f.rows {
            let line = IOTopFormat.row(id: r.task.tid, prio: prio(r.task), user: users.userOrID(r.task.uid),
                                       read: IOTopFormat.bandwidth(r.read, duration: f.duration, kilobytes: k),
                                       write: IOTopFormat.bandwidth(r.write, duration: f.duration, kilobytes: k),
                                       command: command(r.task), pidWidth: pidWidth)
            out += stamp + line + "\n"
        }
        return out
    }
}
