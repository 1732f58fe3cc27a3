import Glibc
import ProcFS
import Render

/// procps top's text: summary lines, column header and task rows, as pure functions.
public enum TopFormat {
    /// printf("%.*f"): the C library's rounding, as procps and iotop print.
    public static func fixed(_ v: Double, _ digits: Int) -> String {
        guard v.isFinite else { return Format.fixed(v, digits) }
        var buf = [CChar](repeating: 0, count: 64)
        let n = withVaList([Int32(digits), v]) { vsnprintf(&buf, 64, "%.*f", $0) }
        guard n > 0 && n < 64 else { return Format.fixed(v, digits) }
        return String(decoding: buf[0..<Int(n)].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    // MARK: cells (procps' make_num/make_str/scale_* equivalents)

    static func pad(_ s: String, _ width: Int, right: Bool) -> String {
        let n = s.utf8.count
        if n >= width { return s }
        let p = String(repeating: " ", count: width - n)
        return right ? p + s : s + p
    }

    /// Text that does not fit is cut to width-1 and marked with '+'.
    public static func fit(_ s: String, _ width: Int, right: Bool) -> String {
        guard width > 0 else { return "" }
        let n = s.unicodeScalars.count
        if n > width { return String(String.UnicodeScalarView(s.unicodeScalars.prefix(width - 1))) + "+" }
        let p = String(repeating: " ", count: width - n)
        return right ? p + s : s + p
    }

    /// KiB amount scaled to reach `target` and fit `width` (k: integer; m and up: one decimal plus suffix).
    public static func scaleMem(_ kib: Int64, target: MemScale, width: Int) -> String {
        let suffixes: [Character] = ["k", "m", "g", "t", "p", "e"]
        var num = Double(kib)
        for i in 0..<5 {
            if i >= target.rawValue {
                let s = i == 0 ? fixed(num, 0) : fixed(num, 1) + String(suffixes[i])
                if s.utf8.count <= width { return pad(s, width, right: true) }
            }
            num /= 1024
        }
        return pad("?", width, right: true)
    }

    /// A percentage with one decimal, or none when it does not fit.
    public static func scalePercent(_ v: Double, width: Int) -> String {
        let one = fixed(v, 1)
        if one.utf8.count <= width { return pad(one, width, right: true) }
        let zero = fixed(v, 0)
        if zero.utf8.count <= width { return pad(zero, width, right: true) }
        return pad("?", width, right: true)
    }

    /// TIME+ from clock ticks: m:ss.cc, then m:ss, h,mm, Dd+Hh, Dd, Ww+Dd, Ww.
    public static func scaleTicks(_ ticks: UInt64, hertz: Int64 = SystemConstants.clockTicks, width: Int = 9) -> String {
        let hz = UInt64(max(1, hertz))
        let (m, o) = ticks.multipliedReportingOverflow(by: 100)
        let nt = o ? ticks / hz * 100 : m / hz
        let cent = nt % 100, secs = nt / 100, mins = secs / 60, hour = mins / 60, days = hour / 24, week = days / 7
        func two(_ v: UInt64) -> String { v < 10 ? "0\(v)" : "\(v)" }
        var candidates: [String] = []
        if mins <= 360 {
            candidates.append("\(mins):\(two(secs % 60)).\(two(cent))")
            candidates.append("\(mins):\(two(secs % 60))")
        }
        if hour <= 96 { candidates.append("\(hour),\(two(mins % 60))") }
        if days <= 14 {
            candidates.append("\(days)d+\(hour % 24)h")
            candidates.append("\(days)d")
        }
        candidates.append("\(week)w+\(days % 7)d")
        candidates.append("\(week)w")
        for c in candidates where c.utf8.count <= width { return pad(c, width, right: true) }
        return pad("?", width, right: true)
    }

    // MARK: summary

    public static func clock(_ epoch: Int) -> String {
        var t = time_t(epoch)
        var tm = Glibc.tm()
        localtime_r(&t, &tm)
        func two(_ v: Int32) -> String { v < 10 ? "0\(v)" : "\(v)" }
        return "\(two(tm.tm_hour)):\(two(tm.tm_min)):\(two(tm.tm_sec))"
    }

    /// procps 4.0.2's uptime text: " HH:MM:SS up [D day(s), ][H:MM|M min], N user(s),  load average: a, b, c".
    public static func uptimeLine(_ s: TopSummary) -> String {
        let up = Int(s.uptime)
        let days = up / 86400, hours = (up / 3600) % 24, minutes = (up / 60) % 60
        var out = "top - " + clock(s.wallClock) + " up "
        if days > 0 { out += "\(days) \(days > 1 ? "days" : "day"), " }
        if hours > 0 {
            out += pad(String(hours), 2, right: true) + ":" + (minutes < 10 ? "0" : "") + "\(minutes), "
        } else {
            out += "\(minutes) min, "
        }
        out += pad(String(s.users), 2, right: true) + " " + (s.users > 1 ? "users" : "user") + ",  load average: "
        out += fixed(s.load.one, 2) + ", " + fixed(s.load.five, 2) + ", " + fixed(s.load.fifteen, 2)
        return out
    }

    public static func tasksLine(_ s: TopSummary) -> String {
        func n(_ v: Int) -> String { pad(String(v), 3, right: true) }
        return (s.threadsMode ? "Threads" : "Tasks") + ": \(n(s.total)) total, \(n(s.running)) running, \(n(s.sleeping)) sleeping, \(n(s.stopped)) stopped, \(n(s.zombie)) zombie"
    }

    public static func cpuLine(label: String, _ p: [Double]) -> String {
        let names = ["us", "sy", "ni", "id", "wa", "hi", "si", "st"]
        var out = label
        for (i, name) in names.enumerated() {
            out += pad(fixed(i < p.count ? p[i] : 0, 1), 5, right: true) + " " + name + (i == names.count - 1 ? " " : ",")
        }
        return out
    }

    /// One 9-wide amount of the memory lines ("%#.1f " in the chosen unit, '+' when it overflows).
    static func memAmount(_ kib: Int64, _ scale: MemScale) -> String {
        var div = 1.0
        for _ in 0..<scale.rawValue { div *= 1024 }
        var s = fixed(Double(kib) / div, scale == .k ? 0 : 1) + " "
        if s.utf8.count > 9 { s = String(s.prefix(8)) + "+" }
        return pad(s, 9, right: true)
    }

    public static func memoryLines(_ m: MemInfo, scale: MemScale) -> [String] {
        let label = scale.label
        let bufCache = m.buffers + m.cached
        let l1 = "\(label) Mem : \(memAmount(m.total, scale))total, \(memAmount(m.free, scale))free, \(memAmount(m.used, scale))used, \(memAmount(bufCache, scale))buff/cache     "
        let l2 = "\(label) Swap: \(memAmount(m.swapTotal, scale))total, \(memAmount(m.swapFree, scale))free, \(memAmount(m.swapUsed, scale))used. \(memAmount(m.available, scale))avail Mem "
        return [l1, l2]
    }

    /// The five (or more with per-CPU lines) summary lines. `maxCPULines` limits per-CPU lines on a small screen.
    public static func summaryLines(_ s: TopSummary, view: TopView, maxCPULines: Int = .max) -> [String] {
        var lines = [uptimeLine(s), tasksLine(s)]
        if view.perCPU && s.cpuPercents.count > 1 {
            for i in 1..<s.cpuPercents.count where i <= maxCPULines {
                lines.append(cpuLine(label: s.cpuLabels[i], s.cpuPercents[i]))
            }
        } else {
            lines.append(cpuLine(label: s.cpuLabels.first ?? "%Cpu(s):", s.cpuPercents.first ?? []))
        }
        lines += memoryLines(s.mem, scale: view.summaryScale)
        return lines
    }

    // MARK: task area

    struct Column {
        var name: String
        var width: Int
        var right: Bool
    }

    static func columns(pidWidth: Int) -> [Column] {
        [Column(name: "PID", width: pidWidth, right: true), Column(name: "USER", width: 8, right: false),
         Column(name: "PR", width: 3, right: true), Column(name: "NI", width: 3, right: true),
         Column(name: "VIRT", width: 7, right: true), Column(name: "RES", width: 6, right: true),
         Column(name: "SHR", width: 6, right: true), Column(name: "S", width: 1, right: true),
         Column(name: "%CPU", width: 5, right: true), Column(name: "%MEM", width: 5, right: true),
         Column(name: "TIME+", width: 9, right: true)]
    }

    /// Column layout for a line width: fixed columns while they fit, then COMMAND with what is left.
    public struct Layout: Sendable, Equatable {
        public var fixed: Int
        /// Width of COMMAND, nil when it does not fit.
        public var command: Int?
        public var pidWidth: Int
    }

    /// `width` is the usable line width (procps uses the screen width minus one).
    public static func layout(width: Int, pidWidth: Int = 5) -> Layout {
        var used = 0
        var n = 0
        for c in columns(pidWidth: pidWidth) {
            let need = (n == 0 ? 0 : 1) + c.width
            if used + need > width { break }
            used += need
            n += 1
        }
        var command: Int? = nil
        let all = columns(pidWidth: pidWidth).count
        if n == all, used + 1 + "COMMAND".count <= width { command = width - used - 1 }
        return Layout(fixed: n, command: command, pidWidth: pidWidth)
    }

    public static func header(_ layout: Layout) -> String {
        var out = ""
        for (i, c) in columns(pidWidth: layout.pidWidth).prefix(layout.fixed).enumerated() {
            if i > 0 { out += " " }
            out += pad(c.name, c.width, right: c.right)
        }
        if layout.command != nil { out += " COMMAND" }
        return out
    }

    /// Text of COMMAND: comm, or the command line with -c ("[comm]" for kernel threads and zombies).
    public static func commandText(_ t: TopTask, commandLine: Bool) -> String {
        if commandLine, let argv = t.cmdline {
            if argv.isEmpty { return "[" + t.comm + "]" }
            var s = ""
            for (i, a) in argv.enumerated() {
                if i > 0 { s += " " }
                s += a
            }
            // Control characters would break the screen; procps shows them as '?'.
            return psEscape(s)
        }
        return t.comm
    }

    public static func row(_ r: TopRow, layout: Layout, view: TopView, hertz: Int64 = SystemConstants.clockTicks) -> String {
        var out = ""
        out.reserveCapacity(128)
        let t = r.task
        for i in 0..<layout.fixed {
            if i > 0 { out += " " }
            switch i {
            case 0: out += fit(String(t.tid), layout.pidWidth, right: true)
            case 1: out += fit(r.user, 8, right: false)
            case 2: out += (t.priority < -99 || t.priority > 999) ? " rt" : fit(String(t.priority), 3, right: true)
            case 3: out += fit(String(t.nice), 3, right: true)
            case 4: out += scaleMem(t.virtKiB, target: view.taskScale, width: 7)
            case 5: out += scaleMem(t.resKiB, target: view.taskScale, width: 6)
            case 6: out += scaleMem(t.shrKiB, target: view.taskScale, width: 6)
            case 7: out += String(UnicodeScalar(t.state))
            case 8: out += scalePercent(r.cpuPercent, width: 5)
            case 9: out += scalePercent(r.memPercent, width: 5)
            default: out += scaleTicks(t.ticks, hertz: hertz, width: 9)
            }
        }
        if let w = layout.command, w > 0 {
            let cmd = commandText(t, commandLine: view.commandLine)
            let n = cmd.unicodeScalars.count
            out += " "
            if n > w {
                out += String(String.UnicodeScalarView(cmd.unicodeScalars.prefix(w - 1))) + "+"
            } else {
                out += cmd
            }
        }
        return out
    }

    /// PID column width: 5, or the digits of pid_max when wider.
    public static func pidWidth(pidMax: Int) -> Int { max(5, String(pidMax).count) }

    /// A whole batch frame: summary, blank line, header, rows (each line ends with a newline).
    public static func batchFrame(_ f: TopFrame, view: TopView, width: Int, pidWidth: Int = 5, hertz: Int64 = SystemConstants.clockTicks) -> String {
        var out = ""
        for l in summaryLines(f.summary, view: view) { out += l + "\n" }
        out += "\n"
        let lay = layout(width: width, pidWidth: pidWidth)
        out += header(lay) + "\n"
        for r in f.rows { out += row(r, layout: lay, view: view, hertz: hertz) + "\n" }
        return out
    }

    // MARK: JSON

    public static func json(_ f: TopFrame, view: TopView) -> JSON {
        let s = f.summary
        let names = ["us", "sy", "ni", "id", "wa", "hi", "si", "st"]
        func cpuObj(_ p: [Double]) -> JSON { .object(zip(names, p).map { ($0.0, JSON.double(($0.1 * 10).rounded() / 10)) }) }
        var cpus: [JSON] = []
        if s.cpuPercents.count > 1 {
            for i in 1..<s.cpuPercents.count {
                var o: [(String, JSON)] = [("cpu", .string(String(s.cpuLabels[i].dropFirst(4).prefix(while: { $0 != " " && $0 != ":" }))))]
                if case .object(let f) = cpuObj(s.cpuPercents[i]) { o += f }
                cpus.append(.object(o))
            }
        }
        let m = s.mem
        let rows: [JSON] = f.rows.map { r in
            var o: [(String, JSON)] = [
                ("pid", .int(Int64(r.task.tid))), ("tgid", .int(Int64(r.task.pid))), ("user", .string(r.user)),
                ("pr", (r.task.priority < -99 || r.task.priority > 999) ? .string("rt") : .int(r.task.priority)),
                ("ni", .int(r.task.nice)), ("virt_kib", .int(r.task.virtKiB)), ("res_kib", .int(r.task.resKiB)),
                ("shr_kib", .int(r.task.shrKiB)), ("state", .string(String(UnicodeScalar(r.task.state)))),
                ("cpu_percent", .double((r.cpuPercent * 10).rounded() / 10)), ("mem_percent", .double((r.memPercent * 10).rounded() / 10)),
                ("time_ticks", .int(Int64(clamping: r.task.ticks))), ("command", .string(r.task.comm)),
            ]
            if view.commandLine, let argv = r.task.cmdline { o.append(("cmdline", .array(argv.map { .string($0) }))) }
            return .object(o)
        }
        return .object([
            ("time", .string(clock(s.wallClock))), ("uptime_seconds", .double(s.uptime.rounded())), ("users", .int(Int64(s.users))),
            ("load_average", .array([.double(s.load.one), .double(s.load.five), .double(s.load.fifteen)])),
            ("tasks", .object([("kind", .string(s.threadsMode ? "threads" : "tasks")), ("total", .int(Int64(s.total))),
                               ("running", .int(Int64(s.running))), ("sleeping", .int(Int64(s.sleeping))),
                               ("stopped", .int(Int64(s.stopped))), ("zombie", .int(Int64(s.zombie)))])),
            ("cpu", cpuObj(s.cpuPercents.first ?? [])),
            ("cpus", .array(cpus)),
            ("memory_kib", .object([("total", .int(m.total)), ("free", .int(m.free)), ("used", .int(m.used)),
                                    ("buff_cache", .int(m.buffers + m.cached)), ("available", .int(m.available))])),
            ("swap_kib", .object([("total", .int(m.swapTotal)), ("free", .int(m.swapFree)), ("used", .int(m.swapUsed))])),
            ("processes", .array(rows)),
        ])
    }
}
