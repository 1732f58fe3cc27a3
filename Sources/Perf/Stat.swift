import Glibc
import PerfData
import PerfEvents

nonisolated(unsafe) private var statInterrupted: Int32 = 0

/// `perf stat`: counts events for a command, processes, threads or CPUs and prints perf 6.1's summary.
public enum Stat {
    static let options: [PerfOption] = [
        .value("e", "event"), .value("p", "pid"), .value("t", "tid"), .flag("a", "all-cpus"), .value("C", "cpu"),
        .flag("A", "no-aggr"), .value("r", "repeat"), .value("x", "field-separator"), .value("I", "interval-print"),
        .flag(nil, "per-thread"), .value("o", "output"), .flag("B", "big-num"), .flag("j", "json-output"),
        .flag(nil, "json"), .flag("i", "no-inherit"), .flag("n", "null"), .flag("v", "verbose"), .flag("q", "quiet"),
        .value(nil, "interval-count"), .flag(nil, "append"),
    ]

    static let usage = "usage: sonde perf stat [-e EVENTS] [-p PID | -t TID | -a [-C CPUS]] [-A] [--per-thread] [-r N] [-x SEP] [-I MS] [-o FILE] [--json] [--] [command [args]]"

    /// The events perf 6.1 counts without -e on a machine without stalled-cycles events.
    static func defaultEvents(systemWide: Bool) -> String {
        (systemWide ? "cpu-clock" : "task-clock") + ",context-switches,cpu-migrations,page-faults,cycles,instructions,branches,branch-misses"
    }

    struct Config {
        var groups: [EventGroup] = []
        var pids: [Int32]? = nil
        var pidText = ""
        var tids: [Int32]? = nil
        var tidText = ""
        var systemWide = false
        var cpus: [Int32]? = nil
        var cpuText: String? = nil
        var noAggr = false
        var perThread = false
        var runs = 1
        var csvSep: String? = nil
        var intervalMs: Int? = nil
        var intervalCount: Int? = nil
        var outputPath: String? = nil
        var append = false
        var bigNum = true
        var json = false
        var perfJSON = false
        var inherit = true
        var command: [String] = []
        var aggregation: StatAggregation { perThread ? .perThread : (noAggr ? .perCPU : .global) }
    }

    public static func run(_ args: [String]) throws -> Int32 {
        if args.contains("-h") || args.contains("--help") { writeString(usage + "\n", fd: 1); return 0 }
        let a = try PerfArguments.parse(args, options: options)
        var c = Config()
        c.command = a.positional
        c.systemWide = a.has("all-cpus")
        if let cl = a.value("cpu") {
            guard let l = CPUList.parse(cl) else { throw PerfUsageError("invalid CPU list '\(cl)'") }
            c.cpus = l; c.cpuText = cl; c.systemWide = true
        }
        if let p = a.value("pid") {
            guard let l = parsePIDs(p) else { throw PerfUsageError("invalid pid list '\(p)'") }
            c.pids = l; c.pidText = p
        }
        if let t = a.value("tid") {
            guard let l = parsePIDs(t) else { throw PerfUsageError("invalid tid list '\(t)'") }
            c.tids = l; c.tidText = t
        }
        c.noAggr = a.has("no-aggr")
        c.perThread = a.has("per-thread")
        if let r = a.value("repeat") {
            guard let n = Int(r), n >= 1 else { throw PerfUsageError("repeat (-r) must be a positive number, not '\(r)'") }
            c.runs = n
        }
        if let x = a.value("field-separator") { c.csvSep = x }
        if let i = a.value("interval-print") {
            guard let ms = Int(i), ms > 0 else { throw PerfUsageError("interval (-I) must be a number of milliseconds, not '\(i)'") }
            guard ms >= 10 else { throw PerfUsageError("print interval must be >= 10ms") }
            guard ms <= 1_000_000_000 else { throw PerfUsageError("print interval too long: \(ms) ms") }
            c.intervalMs = ms
        }
        if let n = a.value("interval-count") {
            guard let v = Int(n), v > 0 else { throw PerfUsageError("invalid --interval-count '\(n)'") }
            c.intervalCount = v
        }
        c.outputPath = a.value("output")
        c.append = a.has("append")
        c.bigNum = a.bool("big-num", default: true) && c.csvSep == nil
        c.json = a.has("json")
        c.perfJSON = a.has("json-output") && !c.json
        c.inherit = !a.has("no-inherit")
        if c.perThread && c.pids == nil && c.tids == nil && !c.systemWide {
            throw PerfUsageError("The --per-thread option is only available when monitoring via -p -t -a options or only --per-thread.")
        }
        if c.runs > 1 && c.intervalMs != nil { throw PerfUsageError("--interval-print and --repeat cannot be used together") }
        if c.command.isEmpty && c.pids == nil && c.tids == nil && !c.systemWide {
            throw PerfUsageError("no command given and no target (-p, -t, -a, -C)\n" + usage)
        }
        if c.perThread && c.systemWide && c.pids == nil && c.tids == nil {
            throw PerfUsageError("--per-thread with -a is not supported by sonde; use -p or -t")
        }
        // Events.
        var eventArgs = a.values("event")
        if eventArgs.isEmpty { eventArgs = [defaultEvents(systemWide: c.systemWide && c.pids == nil && c.tids == nil)] }
        for e in eventArgs {
            do { c.groups += try EventList.parse(e) } catch { throw PerfUsageError(error.description) }
        }

        var outFD: Int32 = 2
        if let path = c.outputPath {
            outFD = open(path, O_WRONLY | O_CREAT | O_CLOEXEC | (c.append ? O_APPEND : O_TRUNC), 0o644)
            guard outFD >= 0 else { return fail("\(path)", String(cString: strerror(errno))) }
        }
        defer { if outFD != 2 { close(outFD) } }
        do {
            return try execute(c, outFD: outFD)
        } catch let e as PerfEventError {
            if case .unknownTracepoint(let name) = e.kind {
                // perf: an event syntax error (usage, exit 129).
                throw PerfUsageError("event syntax error: '\(name)': unknown tracepoint (no \(Tracefs.root)/events/\(name.split(separator: ":").joined(separator: "/"))/id); 'sonde perf list tracepoint' lists them")
            }
            return fail(nil, e.description)
        } catch let e as Workload.SpawnError {
            return fail(nil, e.description)
        } catch let e as StatError {
            return fail(nil, e.description)
        }
    }

    struct StatError: Error, CustomStringConvertible { let description: String }

    static func fail(_ what: String?, _ why: String) -> Int32 {
        writeString("sonde perf stat: " + (what.map { "\($0): " } ?? "") + why + "\n", fd: 2)
        return 1
    }

    static func parsePIDs(_ s: String) -> [Int32]? {
        var out: [Int32] = []
        for p in s.split(whereSeparator: { $0 == "," || $0 == " " }) {
            guard let v = Int32(p), v > 0 else { return nil }
            out.append(v)
        }
        return out.isEmpty ? nil : out
    }

    /// The threads of a process (/proc/PID/task), or nil when it does not exist.
    static func threads(of pid: Int32) -> [Int32]? {
        guard let d = opendir("/proc/\(pid)/task") else { return nil }
        defer { closedir(d) }
        var out: [Int32] = []
        while let e = readdir(d) {
            let name = withUnsafePointer(to: e.pointee.d_name) { $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) } }
            if let t = Int32(name) { out.append(t) }
        }
        return out.sorted()
    }

    static func comm(_ tid: Int32) -> String {
        let fd = open("/proc/\(tid)/comm", O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return "?" }
        defer { close(fd) }
        var buf = [UInt8](repeating: 0, count: 64)
        let n = buf.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        guard n > 0 else { return "?" }
        return String(decoding: buf[0..<n], as: UTF8.self).statTrimmedRight
    }

    /// What one run measured: values[event][instance], elapsed ns, rusage of the command.
    struct RunResult {
        var values: [[CounterValue]]
        var elapsedNs: UInt64
        var user: Double
        var sys: Double
        var exitStatus: Int32
    }

    static func installSignalHandlers() {
        var sa = sigaction()
        sa.__sigaction_handler.sa_handler = { _ in statInterrupted = 1 }
        sigemptyset(&sa.sa_mask)
        sa.sa_flags = 0
        sigaction(SIGINT, &sa, nil)
        sigaction(SIGTERM, &sa, nil)
    }

    static func execute(_ c: Config, outFD: Int32) throws -> Int32 {
        var fmt = StatFormat(csvSep: c.csvSep, bigNum: c.bigNum, runCount: c.runs, thousandsSep: "")
        if c.bigNum { fmt.thousandsSep = statThousandsSeparator() }
        installSignalHandlers()

        // The fixed part of the target (processes, threads, CPUs).
        var target: CountTarget? = nil
        var threadNames: [Int32: String] = [:]
        if let pids = c.pids {
            var tids: [Int32] = []
            for p in pids {
                guard let t = threads(of: p) else { throw StatError(description: "process \(p): no such process") }
                tids += t
            }
            target = .threads(tids)
        } else if let tids = c.tids {
            for t in tids where kill(t, 0) != 0 && errno == ESRCH {
                throw StatError(description: "thread \(t): no such thread")
            }
            target = .threads(tids)
        }
        if c.systemWide {
            let cpus = c.cpus ?? CPUList.online()
            if var t = target { t.cpus = cpus; target = t } else { target = .systemWide(cpus: cpus) }
        } else if c.noAggr, var t = target {
            t.cpus = CPUList.online(); target = t
        }
        if let t = target, c.perThread { for p in t.pids where p > 0 { threadNames[p] = comm(p) } }

        var runs: [RunResult] = []
        var status: Int32 = 0
        var eventsMeta: [CounterSet.Event] = []
        var instances: [(pid: Int32, cpu: Int32)] = []
        for _ in 0..<c.runs {
            var workload: Workload? = nil
            var t: CountTarget
            if let fixed = target {
                t = fixed
                if !c.command.isEmpty { workload = try Workload(c.command) }
            } else {
                let w = try Workload(c.command)
                workload = w
                t = .process(w.pid)
                if c.noAggr { t.cpus = CPUList.online() }
            }
            let countsWorkload = target == nil
            let set = try CounterSet(groups: c.groups, target: t, enableOnExec: countsWorkload, inherit: c.inherit)
            eventsMeta = set.events
            instances = t.instances
            let start = monotonicNanos()
            if !countsWorkload { set.enable() }
            if let w = workload {
                do { try w.start() } catch {
                    throw error
                }
            }
            var result: RunResult
            if let ms = c.intervalMs {
                result = try intervalLoop(c, set: set, workload: workload, start: start, ms: ms, fmt: fmt, outFD: outFD, threadNames: threadNames)
            } else {
                if let w = workload {
                    w.wait(block: true)
                } else {
                    // -p/-t/-a without a command: until Ctrl-C or the targets are gone.
                    while statInterrupted == 0 {
                        usleep(20_000)
                        if let pids = c.pids ?? c.tids, !pids.contains(where: { kill($0, 0) == 0 || errno != ESRCH }) { break }
                    }
                }
                let end = monotonicNanos()
                if !countsWorkload { set.disable() }
                result = RunResult(values: try set.read(), elapsedNs: end - start, user: 0, sys: 0, exitStatus: 0)
            }
            if let w = workload {
                w.wait(block: true)
                result.user = w.userTime; result.sys = w.systemTime; result.exitStatus = w.exitStatus
                status = w.exitStatus
                if w.termSignal != 0 {
                    writeString("\(c.command[0]): \(String(cString: strsignal(w.termSignal)))\n", fd: 2)
                }
            }
            runs.append(result)
            if statInterrupted != 0 { break }
        }
        if c.intervalMs != nil { return status }

        // Summary.
        let rows = summarize(c, runs: runs, events: eventsMeta, instances: instances, threadNames: threadNames, wallNs: nil)
        var text = ""
        if c.json {
            text = jsonLines(rows)
        } else if c.perfJSON {
            for r in rows { text += fmt.perfJSONLine(r, interval: nil) + "\n" }
        } else if c.csvSep != nil {
            for r in rows { text += fmt.line(r, timePrefix: nil) + "\n" }
        } else {
            text += "\n Performance counter stats for "
            if c.systemWide && c.pids == nil && c.tids == nil {
                text += c.cpuText.map { "'CPU(s) \($0)" } ?? "'system wide"
            } else if c.pids != nil {
                text += "process id '\(c.pidText)"
            } else if c.tids != nil {
                text += "thread id '\(c.tidText)"
            } else {
                text += "'" + c.command.joined(separator: " ")
            }
            text += "'"
            if runs.count > 1 { text += " (\(runs.count) runs)" }
            text += ":\n\n"
            for r in rows { text += fmt.line(r, timePrefix: nil) + "\n" }
            text += "\n"
            var wall = RunningStats()
            for r in runs { wall.add(Double(r.elapsedNs)) }
            let avg = wall.mean / 1e9
            if runs.count == 1 {
                text += " " + statCFormat("%17.9f", avg) + " seconds time elapsed"
                if !c.command.isEmpty && target == nil {
                    text += "\n\n"
                    text += " " + statCFormat("%17.9f", runs[0].user) + " seconds user\n"
                    text += " " + statCFormat("%17.9f", runs[0].sys) + " seconds sys\n"
                }
            } else {
                let sd = wall.stddevOfMean / 1e9
                // perf's get_precision: two digits more than the stddev's first significant one.
                let p = sd > 0 && sd.isFinite ? min(max((sd > 1 ? 0 : Int((-log10(sd)).rounded(.up))) + 2, 2), 12) : 9
                text += " " + statCFormat("%17.\(p)f", avg) + " +- " + statCFormat("%.\(p)f", sd) + " seconds time elapsed"
                if avg != 0 { let pct = 100 * sd / avg; if pct != 0 { text += "  ( +-" + statCFormat("%6.2f", pct) + "% )" } }
            }
            text += "\n\n"
        }
        writeString(text, fd: outFD)
        return status
    }

    /// Aggregates runs into printed rows: per event, per aggregation key, with metrics.
    static func summarize(_ c: Config, runs: [RunResult], events: [CounterSet.Event], instances: [(pid: Int32, cpu: Int32)],
                          threadNames: [Int32: String], wallNs: Double?) -> [StatRow] {
        // Aggregation keys over instances.
        var keys: [String] = []
        var jsonKeys: [(String, String)?] = []
        var keyOf: [Int] = []
        for inst in instances {
            let k: String
            var jk: (String, String)? = nil
            switch c.aggregation {
            case .global: k = ""
            case .perCPU:
                k = inst.cpu >= 0 ? "CPU" + statPad("\(inst.cpu)", c.csvSep == nil ? 7 : 0) : ""
                if inst.cpu >= 0 { jk = ("cpu", "\(inst.cpu)") }
            case .perThread:
                let name = threadNames[inst.pid] ?? comm(inst.pid)
                k = c.csvSep == nil ? statPad(name, 16, left: false) + "-" + statPad("\(inst.pid)", 8) : "\(name)-\(inst.pid)"
                jk = ("thread", "\(name)-\(inst.pid)")
            }
            if let i = keys.firstIndex(of: k) { keyOf.append(i) } else { keyOf.append(keys.count); keys.append(k); jsonKeys.append(jk) }
        }
        if keys.isEmpty { keys = [""]; jsonKeys = [nil] }
        // Per event, per key: stats of value, enabled, running over runs.
        struct Acc { var value = RunningStats(), enabled = RunningStats(), running = RunningStats() }
        var acc = Array(repeating: Array(repeating: Acc(), count: keys.count), count: events.count)
        var wall = RunningStats()
        for r in runs {
            wall.add(Double(r.elapsedNs))
            for e in 0..<events.count {
                var sums = Array(repeating: (v: 0.0, en: 0.0, run: 0.0), count: keys.count)
                if case .tool(let tool) = events[e].spec.kind {
                    // perf's tool events: wall time, and the command's rusage, in ns.
                    let v: Double = tool == "duration_time" ? Double(r.elapsedNs) : tool == "user_time" ? (r.user * 1e9).rounded() : (r.sys * 1e9).rounded()
                    for k in 0..<keys.count { sums[k] = (v, v, v) }
                } else if e < r.values.count {
                    for (i, cv) in r.values[e].enumerated() where i < keyOf.count {
                        sums[keyOf[i]].v += cv.scaled
                        sums[keyOf[i]].en += Double(cv.enabled)
                        sums[keyOf[i]].run += Double(cv.running)
                    }
                }
                for k in 0..<keys.count {
                    acc[e][k].value.add(sums[k].v); acc[e][k].enabled.add(sums[k].en); acc[e][k].running.add(sums[k].run)
                }
            }
        }
        let wallAvg = wallNs ?? wall.mean
        // perf's STAT_NSECS per key: the mean of the clock events' counts.
        var clock = Array(repeating: RunningStats(), count: keys.count)
        for (e, ev) in events.enumerated() where ev.spec.isClock && ev.unsupported == nil {
            for k in 0..<keys.count where acc[e][k].running.mean > 0 { clock[k].add(acc[e][k].value.mean) }
        }
        var rows: [StatRow] = []
        for (e, ev) in events.enumerated() {
            for k in 0..<keys.count {
                let a = acc[e][k]
                // perf --per-thread skips zero counts only system-wide ("otherwise too many 0 output").
                if c.aggregation == .perThread && c.systemWide && a.value.mean == 0 { continue }
                let supported = ev.unsupported == nil
                var row = StatRow(spec: ev.spec, prefix: keys[k], supported: supported, value: a.value.mean,
                                  enabled: a.enabled.mean, running: a.running.mean,
                                  noisePct: runs.count > 1 ? a.value.relativePct : nil, metric: nil)
                row.jsonKey = jsonKeys[k]
                if ev.spec.isClock {
                    row.metric = wallAvg > 0 ? StatMetric(value: a.value.mean / wallAvg, unit: "CPUs utilized") : StatMetric(value: 0, unit: "CPUs utilized", hasValue: false)
                } else if case .tool = ev.spec.kind {
                } else if clock[k].n > 0 && clock[k].mean != 0 {
                    var ratio = 1e9 * a.value.mean / clock[k].mean
                    var unit = "/sec"
                    if ratio > 1e9 { ratio /= 1e9; unit = "G/sec" } else if ratio > 1e6 { ratio /= 1e6; unit = "M/sec" } else if ratio > 1e3 { ratio /= 1e3; unit = "K/sec" }
                    row.metric = StatMetric(value: ratio, unit: unit)
                }
                rows.append(row)
            }
        }
        if c.aggregation == .perThread {
            // perf sorts threads by count, largest first, within each event.
            var sorted: [StatRow] = []
            var i = 0
            while i < rows.count {
                var j = i
                while j < rows.count && rows[j].spec == rows[i].spec { j += 1 }
                sorted += rows[i..<j].sorted { $0.value > $1.value }
                i = j
            }
            rows = sorted
        }
        return rows
    }

    static func intervalLoop(_ c: Config, set: CounterSet, workload: Workload?, start: UInt64, ms: Int, fmt: StatFormat,
                             outFD: Int32, threadNames: [Int32: String]) throws -> RunResult {
        let step = UInt64(ms) * 1_000_000
        var prev = try set.read()
        var next = start + step
        var printed = 0
        var intervals = 0
        var done = false
        while !done {
            // Sleep until the deadline, waking early when the workload ends or on Ctrl-C.
            while true {
                let now = monotonicNanos()
                if now >= next { break }
                if let w = workload, w.wait(block: false) { done = true; break }
                if statInterrupted != 0 { done = true; break }
                if workload == nil, let pids = c.pids ?? c.tids, !pids.contains(where: { kill($0, 0) == 0 || errno != ESRCH }) { done = true; break }
                let left = next - now
                usleep(useconds_t(min(left / 1000, 1000)))
            }
            let now = monotonicNanos()
            let cur = try set.read()
            let delta = zip(cur, prev).map { row in zip(row.0, row.1).map { $0.0.delta(since: $0.1) } }
            prev = cur
            let run = RunResult(values: delta, elapsedNs: step, user: 0, sys: 0, exitStatus: 0)
            let rows = summarize(c, runs: [run], events: set.events, instances: set.target.instances, threadNames: threadNames, wallNs: Double(step))
            var text = ""
            if c.json {
                text = jsonLines(rows, time: Double(now - start) / 1e9)
            } else if c.perfJSON {
                for r in rows { text += fmt.perfJSONLine(r, interval: statIntervalStamp(now - start).statTrimmedLeft) + "\n" }
            } else {
                if printed == 0 && c.csvSep == nil { text += fmt.intervalHeader(mode: c.aggregation) }
                printed = (printed + 1) % 25
                let stamp = statIntervalStamp(now - start)
                for r in rows { text += fmt.line(r, timePrefix: stamp) + "\n" }
            }
            writeString(text, fd: outFD)
            intervals += 1
            if let n = c.intervalCount, intervals >= n { done = true; if let w = workload { kill(w.pid, SIGTERM) } }
            next += step
        }
        return RunResult(values: prev, elapsedNs: monotonicNanos() - start, user: 0, sys: 0, exitStatus: 0)
    }

    /// sonde's --json: one object per line per printed counter.
    static func jsonLines(_ rows: [StatRow], time: Double? = nil) -> String {
        var out = ""
        for r in rows {
            var f: [String] = []
            if let t = time { f.append("\"interval\": \(statCFormat("%.9f", t))") }
            if let (k, v) = r.jsonKey { f.append("\"\(k)\": \(statJSONString(v))") }
            f.append("\"event\": \(statJSONString(r.spec.displayName))")
            f.append("\"supported\": \(r.supported)")
            f.append("\"counted\": \(r.supported && r.counted)")
            f.append("\"value\": " + (r.supported && r.counted ? statJSONNumber(r.value * r.spec.scale) : "null"))
            f.append("\"unit\": \(statJSONString(r.spec.unit))")
            f.append("\"enabled\": \(statJSONNumber(r.enabled))")
            f.append("\"running\": \(statJSONNumber(r.running))")
            f.append("\"percent_running\": \(statCFormat("%.2f", r.enabled > 0 ? 100 * r.running / r.enabled : 100))")
            if let n = r.noisePct { f.append("\"variance_pct\": \(statCFormat("%.2f", n))") }
            if let m = r.metric, m.hasValue, r.counted { f.append("\"metric_value\": \(statCFormat("%.3f", m.value))"); f.append("\"metric_unit\": \(statJSONString(m.unit))") }
            out += "{" + f.joined(separator: ", ") + "}\n"
        }
        return out
    }
}

extension String {
    var statTrimmedRight: String {
        var s = Substring(self)
        while s.last == "\n" || s.last == " " || s.last == "\0" { s = s.dropLast() }
        return String(s)
    }
}
