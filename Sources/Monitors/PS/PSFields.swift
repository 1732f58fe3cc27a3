import ProcFS
import Render

/// How a column is justified and how overflow is handled (procps' CF_* flags).
public enum PSJustify: Sendable { case left, right, user, unlimited, wchan, signal }

/// A typed value of a column: what --sort compares and --json emits.
public enum PSValue: Sendable {
    case int(Int64)
    case double(Double)
    case text(String)

    var json: JSON {
        switch self {
        case .int(let i): return .int(i)
        case .double(let d): return .double(d)
        case .text(let s): return .string(s)
        }
    }

    static func compare(_ a: PSValue, _ b: PSValue) -> Int {
        switch (a, b) {
        case let (.int(x), .int(y)): return x < y ? -1 : (x > y ? 1 : 0)
        case let (.double(x), .double(y)): return x < y ? -1 : (x > y ? 1 : 0)
        case let (.text(x), .text(y)): return x < y ? -1 : (x > y ? 1 : 0)
        case let (.int(x), .double(y)): return Double(x) < y ? -1 : (Double(x) > y ? 1 : 0)
        case let (.double(x), .int(y)): return x < Double(y) ? -1 : (x > Double(y) ? 1 : 0)
        default: return 0
        }
    }
}

/// Per-run switches that change what some columns print.
public struct PSModes: Sendable {
    /// -f: comm/ucmd columns show the full command line.
    public var unixF = false
    /// BSD c: args columns show the command name only.
    public var bsdC = false
    /// BSD S / --cumulative: CPU times include dead children.
    public var cumulative = false
    /// BSD n / -n: numeric user and wchan.
    public var numericUser = false
    public init() {}
}

/// One column kind of ps -o.
public struct PSField: Sendable {
    public let spec: String
    public let header: String
    public let width: Int
    public let justify: PSJustify
    public let needs: ProcessFields
    /// Uses the pid_max width instead of `width`.
    public let pidMax: Bool
    let value: @Sendable (ProcessRecord, PSContext, PSModes) -> PSValue
    let text: @Sendable (ProcessRecord, PSContext, PSModes) -> String

    init(_ spec: String, _ header: String, _ width: Int, _ justify: PSJustify, needs: ProcessFields = [], pidMax: Bool = false,
         value: @escaping @Sendable (ProcessRecord, PSContext, PSModes) -> PSValue,
         text: (@Sendable (ProcessRecord, PSContext, PSModes) -> String)? = nil) {
        self.spec = spec
        self.header = header
        self.width = width
        self.justify = justify
        self.needs = needs
        self.pidMax = pidMax
        self.value = value
        self.text = text ?? { r, c, m in
            switch value(r, c, m) {
            case .int(let i): return String(i)
            case .double(let d): return Format.fixed(d, 1)
            case .text(let s): return s
            }
        }
    }

    func renamed(_ spec: String, header: String? = nil, width: Int? = nil, justify: PSJustify? = nil) -> PSField {
        PSField(spec, header ?? self.header, width ?? self.width, justify ?? self.justify, needs: needs, pidMax: pidMax, value: value, text: text)
    }
}

/// procps' escaping of command text: control bytes become '?'; invalid UTF-8 too.
func psEscape(_ s: String) -> String {
    var needs = false
    for b in s.utf8 where b < 0x20 || b == 0x7f { needs = true; break }
    if !needs { return s }
    var out = ""
    out.unicodeScalars.reserveCapacity(s.utf8.count)
    for u in s.unicodeScalars {
        out.unicodeScalars.append(u.value < 0x20 || u.value == 0x7f ? "?" : u)
    }
    return out
}

/// The command line as one string, or "[comm]" (with " <defunct>" for zombies) when empty.
func psArgs(_ r: ProcessRecord) -> String {
    if let argv = r.cmdline, !argv.isEmpty {
        var joined = argv.joined(separator: " ")
        // A trailing empty argument (argv ending in "") leaves a trailing space in procps too.
        if joined.isEmpty { joined = "" }
        if !joined.isEmpty { return psEscape(joined) }
    }
    let base = "[" + psEscape(r.stat.comm) + "]"
    return r.stat.state == UInt8(ascii: "Z") ? base + " <defunct>" : base
}

func psComm(_ r: ProcessRecord) -> String {
    let c = psEscape(r.stat.comm)
    return r.stat.state == UInt8(ascii: "Z") ? c + " <defunct>" : c
}

/// procps' STAT letters: state then < N L s l +.
func psStat(_ r: ProcessRecord) -> String {
    let st = r.stat
    var s = String(UnicodeScalar(st.state))
    if st.nice < 0 { s += "<" }
    if st.nice > 0 { s += "N" }
    if let l = r.status?.vmLck, l > 0 { s += "L" }
    if st.session == r.pid { s += "s" }
    if st.numThreads > 1 { s += "l" }
    if st.pgrp == st.tpgid { s += "+" }
    return s
}

func schedClass(_ policy: UInt64) -> String {
    switch policy {
    case 0: return "TS"
    case 1: return "FF"
    case 2: return "RR"
    case 3: return "B"
    case 4: return "ISO"
    case 5: return "IDL"
    case 6: return "DLN"
    case 7, 8, 9: return "#\(policy)"
    default: return "?"
    }
}

/// [DD-]HH:MM:SS
func psTime(_ seconds: Int64) -> String {
    var t = max(0, seconds)
    let ss = t % 60; t /= 60
    let mm = t % 60; t /= 60
    let hh = t % 24; t /= 24
    let two = { (v: Int64) in v < 10 ? "0\(v)" : "\(v)" }
    return (t > 0 ? "\(t)-" : "") + "\(two(hh)):\(two(mm)):\(two(ss))"
}

/// [[DD-]HH:]MM:SS
func psEtime(_ seconds: Int64) -> String {
    var t = max(0, seconds)
    let ss = t % 60; t /= 60
    let mm = t % 60; t /= 60
    let hh = t % 24; t /= 24
    let two = { (v: Int64) in v < 10 ? "0\(v)" : "\(v)" }
    var s = t > 0 ? "\(t)-" : ""
    if t > 0 || hh > 0 { s += "\(two(hh)):" }
    return s + "\(two(mm)):\(two(ss))"
}

/// The 15 hex digits of a signal mask as procps shows it in ps s.
func psSignalMask(_ v: UInt64, wide: Bool) -> String {
    let h = String(v, radix: 16)
    let full = String(repeating: "0", count: max(0, 16 - h.count)) + h
    return wide ? full : String(full.suffix(8))
}

/// Every column ps knows, by spec name. Aliases share one definition.
public enum PSFields {
    static func ticks(_ r: ProcessRecord, _ m: PSModes) -> Int64 {
        var t = Int64(bitPattern: r.stat.utime &+ r.stat.stime)
        if m.cumulative { t += r.stat.cutime + r.stat.cstime }
        return t
    }

    /// Resident set in KiB. VmRSS of status (exact), not stat's rss, which the
    /// kernel reads from per-CPU counters without summing them and so drifts.
    static func rssKiB(_ r: ProcessRecord) -> Int64 { max(0, r.status?.vmRSS ?? 0) }

    static func userName(_ uid: UInt32, _ c: PSContext, _ m: PSModes) -> String {
        m.numericUser ? String(uid) : c.users.userOrID(uid)
    }

    static let base: [PSField] = [
        PSField("pid", "PID", 5, .right, pidMax: true, value: { r, _, _ in .int(Int64(r.pid)) }),
        PSField("tid", "TID", 5, .right, pidMax: true, value: { r, _, _ in .int(Int64(r.tid)) }),
        PSField("ppid", "PPID", 5, .right, pidMax: true, value: { r, _, _ in .int(Int64(r.stat.ppid)) }),
        PSField("pgid", "PGID", 5, .right, pidMax: true, value: { r, _, _ in .int(Int64(r.stat.pgrp)) }),
        PSField("sid", "SID", 5, .right, pidMax: true, value: { r, _, _ in .int(Int64(r.stat.session)) }),
        PSField("tpgid", "TPGID", 5, .right, pidMax: true, value: { r, _, _ in .int(Int64(r.stat.tpgid)) }),
        PSField("user", "USER", 8, .user, needs: .owner, value: { r, c, m in .text(userName(r.euid, c, m)) }),
        PSField("ruser", "RUSER", 8, .user, needs: .status, value: { r, c, m in .text(userName(r.status?.uids.first ?? 0, c, m)) }),
        PSField("group", "GROUP", 8, .user, needs: .status, value: { r, c, _ in .text(c.users.groupOrID(r.status?.gids.dropFirst().first ?? 0)) }),
        PSField("rgroup", "RGROUP", 8, .user, needs: .status, value: { r, c, _ in .text(c.users.groupOrID(r.status?.gids.first ?? 0)) }),
        PSField("uid", "UID", 5, .right, needs: .owner, value: { r, _, _ in .int(Int64(r.euid)) }),
        PSField("ruid", "RUID", 5, .right, needs: .status, value: { r, _, _ in .int(Int64(r.status?.uids.first ?? 0)) }),
        PSField("suid", "SUID", 5, .right, needs: .status, value: { r, _, _ in .int(Int64(r.status?.uids.dropFirst(2).first ?? 0)) }),
        PSField("gid", "GID", 5, .right, needs: .status, value: { r, _, _ in .int(Int64(r.status?.gids.dropFirst().first ?? 0)) }),
        PSField("rgid", "RGID", 5, .right, needs: .status, value: { r, _, _ in .int(Int64(r.status?.gids.first ?? 0)) }),
        PSField("%cpu", "%CPU", 4, .right, value: { r, c, m in .double(c.utilization(r.stat, children: m.cumulative)) },
                text: { r, c, m in
                    let pcpu = UInt64(c.utilization(r.stat, children: m.cumulative) * 10)
                    return pcpu > 999 ? "\(pcpu / 10)" : "\(pcpu / 10).\(pcpu % 10)"
                }),
        PSField("%mem", "%MEM", 4, .right, needs: .status, value: { r, c, _ in .double(Double(rssKiB(r)) * 100 / Double(c.memTotalKiB)) },
                text: { r, c, _ in
                    let (scaled, overflow) = rssKiB(r).multipliedReportingOverflow(by: 1000)
                    let pmem = overflow ? 999 : min(999, scaled / c.memTotalKiB)
                    return (pmem / 10 < 10 ? " " : "") + "\(pmem / 10).\(pmem % 10)"
                }),
        PSField("c", "C", 2, .right, value: { r, c, m in .int(min(99, Int64(c.utilization(r.stat, children: m.cumulative)))) },
                text: { r, c, m in
                    let v = min(99, Int64(c.utilization(r.stat, children: m.cumulative)))
                    return v < 10 ? " \(v)" : "\(v)"
                }),
        PSField("cp", "CP", 3, .right, value: { r, c, m in .int(min(999, Int64(c.utilization(r.stat, children: m.cumulative) * 10))) }),
        PSField("vsz", "VSZ", 6, .right, value: { r, _, _ in .int(Int64(r.stat.vsize / 1024)) }),
        PSField("rss", "RSS", 5, .right, needs: .status, value: { r, _, _ in .int(rssKiB(r)) }),
        PSField("sz", "SZ", 5, .right, value: { r, c, _ in .int(Int64(r.stat.vsize / 1024) / max(1, c.pageKiB)) }),
        PSField("size", "SIZE", 5, .right, needs: .status, value: { r, _, _ in .int((r.status?.vmData ?? 0) + (r.status?.vmStk ?? 0)) }),
        PSField("drs", "DRS", 5, .right, value: { r, _, _ in
            let st = r.stat
            return .int(st.vsize == 0 ? 0 : Int64(bitPattern: (st.vsize &- st.endCode &+ st.startCode) >> 10)) }),
        PSField("trs", "TRS", 5, .right, value: { r, _, _ in
            let st = r.stat
            return .int(st.vsize == 0 ? 0 : Int64(bitPattern: (st.endCode &- st.startCode) >> 10)) }),
        PSField("majflt", "MAJFLT", 6, .right, value: { r, _, _ in .int(Int64(bitPattern: r.stat.majflt)) }),
        PSField("minflt", "MINFLT", 6, .right, value: { r, _, _ in .int(Int64(bitPattern: r.stat.minflt)) }),
        PSField("tname", "TTY", 8, .left, value: { r, c, _ in .text(c.ttys.name(r.stat.ttyNr)) }),
        PSField("stat", "STAT", 4, .left, needs: .status, value: { r, _, _ in .text(psStat(r)) }),
        PSField("s", "S", 1, .left, value: { r, _, _ in .text(String(UnicodeScalar(r.stat.state))) }),
        PSField("time", "TIME", 8, .right, value: { r, c, m in .double(Double(ticks(r, m)) / Double(c.hz)) }, text: { r, c, m in psTime(ticks(r, m) / c.hz) }),
        PSField("bsdtime", "TIME", 6, .right, value: { r, c, m in .double(Double(ticks(r, m)) / Double(c.hz)) }, text: { r, c, m in
            let u = ticks(r, m) / c.hz
            let s = u % 60
            return Format.right("\(u / 60)", 3) + ":" + (s < 10 ? "0\(s)" : "\(s)")
        }),
        PSField("times", "TIME", 8, .right, value: { r, c, m in .double(Double(ticks(r, m)) / Double(c.hz)) }),
        PSField("etime", "ELAPSED", 11, .right, value: { r, c, _ in .double(c.elapsed(r.stat)) }, text: { r, c, _ in psEtime(Int64(c.elapsed(r.stat))) }),
        PSField("etimes", "ELAPSED", 7, .right, value: { r, c, _ in .int(Int64(c.elapsed(r.stat))) }),
        PSField("stime", "STIME", 5, .right, value: { r, c, _ in .double(c.exactStart(r.stat)) }, text: { r, c, _ in
            let t = c.startTime(r.stat)
            let (py, pd) = c.localDay(t), (ny, nd) = c.localDay(c.now)
            var fmt = "%H:%M"
            if nd != pd { fmt = "%b%d" }
            if ny != py { fmt = "%Y" }
            return c.strftime(fmt, t)
        }),
        PSField("start", "STARTED", 8, .right, value: { r, c, _ in .double(c.exactStart(r.stat)) }, text: { r, c, _ in
            let t = c.startTime(r.stat)
            var s = Array(c.ctimeText(t))
            guard s.count >= 19 else { return "" }
            if s[8] == " " { s[8] = "0" }
            if s[11] == " " { s[11] = "0" }
            if t + 86400 > c.now { return String(s[11..<19]) }
            return "  " + String(s[4..<10])
        }),
        PSField("bsdstart", "START", 6, .right, value: { r, c, _ in .double(c.exactStart(r.stat)) }, text: { r, c, _ in
            let t = c.startTime(r.stat)
            let s = Array(c.ctimeText(t))
            guard s.count >= 16 else { return "" }
            return c.now - t > 86400 ? String(s[4..<10]) : String(s[10..<16])
        }),
        PSField("lstart", "STARTED", 24, .right, value: { r, c, _ in .double(c.exactStart(r.stat)) }, text: { r, c, _ in
            c.strftime("%a %b %e %H:%M:%S %Y", c.startTime(r.stat))
        }),
        PSField("cls", "CLS", 3, .right, value: { r, _, _ in .text(schedClass(r.stat.policy)) }),
        PSField("class", "CLS", 3, .left, value: { r, _, _ in .text(schedClass(r.stat.policy)) }),
        PSField("policy", "POL", 3, .left, value: { r, _, _ in .text(schedClass(r.stat.policy)) }),
        PSField("pri", "PRI", 3, .right, value: { r, _, _ in .int(39 - r.stat.priority) }),
        PSField("opri", "PRI", 3, .right, value: { r, _, _ in .int(60 + r.stat.priority) }),
        PSField("priority", "PRI", 3, .right, value: { r, _, _ in .int(r.stat.priority) }),
        PSField("rtprio", "RTPRIO", 6, .right, value: { r, _, _ in
            r.stat.policy == 0 ? .text("-") : .int(Int64(r.stat.rtPriority)) }),
        PSField("ni", "NI", 3, .right, value: { r, _, _ in
            (r.stat.policy != 0 && r.stat.policy != 3) ? .text("-") : .int(r.stat.nice) }),
        PSField("nlwp", "NLWP", 4, .right, value: { r, _, _ in .int(max(1, r.stat.numThreads)) }),
        PSField("psr", "PSR", 3, .right, value: { r, _, _ in .int(r.stat.processor) }),
        PSField("wchan", "WCHAN", 6, .wchan, needs: .wchan, value: { r, _, m in
            m.numericUser ? .text(r.wchan == "-" ? "0" : "-") : .text(r.wchan ?? "?") }),
        PSField("f", "F", 1, .right, value: { r, _, _ in .int(Int64((r.stat.flags >> 6) & 7)) }, text: { r, _, _ in
            String((r.stat.flags >> 6) & 7, radix: 8) }),
        PSField("addr", "ADDR", 4, .right, value: { _, _, _ in .text("-") }),
        PSField("comm", "COMMAND", 15, .unlimited, value: { r, _, m in .text(m.unixF ? psArgs(r) : psComm(r)) }),
        PSField("args", "COMMAND", 27, .unlimited, needs: .cmdline, value: { r, _, m in .text(m.bsdC ? psComm(r) : psArgs(r)) }),
        PSField("fname", "COMMAND", 8, .left, value: { r, _, _ in .text(String(r.stat.comm.prefix(8))) }),
        PSField("pending", "PENDING", 9, .signal, needs: .status, value: { r, _, _ in .text(psSignalMask(r.status?.shdPnd ?? 0, wide: true)) }),
        PSField("blocked", "BLOCKED", 9, .signal, needs: .status, value: { r, _, _ in .text(psSignalMask(r.status?.sigBlk ?? 0, wide: true)) }),
        PSField("ignored", "IGNORED", 9, .signal, needs: .status, value: { r, _, _ in .text(psSignalMask(r.status?.sigIgn ?? 0, wide: true)) }),
        PSField("caught", "CAUGHT", 9, .signal, needs: .status, value: { r, _, _ in .text(psSignalMask(r.status?.sigCgt ?? 0, wide: true)) }),
    ]

    /// Aliases: spec -> (base spec, header override, width override, justify override).
    static let aliases: [(String, String, String?, Int?, PSJustify?)] = [
        ("spid", "tid", "SPID", nil, nil), ("lwp", "tid", "LWP", nil, nil),
        ("pgrp", "pgid", "PGRP", nil, nil), ("sess", "sid", "SESS", nil, nil), ("session", "sid", "SESS", nil, nil),
        ("uname", "user", nil, nil, nil), ("euser", "user", "EUSER", nil, nil),
        ("euid", "uid", "EUID", nil, nil), ("egid", "gid", "EGID", nil, nil), ("egroup", "group", "EGROUP", nil, nil),
        ("pcpu", "%cpu", nil, nil, nil), ("pmem", "%mem", nil, nil, nil),
        ("vsize", "vsz", nil, nil, nil), ("rssize", "rss", nil, nil, nil), ("rsz", "rss", "RSZ", nil, nil),
        ("maj_flt", "majflt", "MAJFL", nil, nil), ("min_flt", "minflt", "MINFL", nil, nil),
        ("tty", "tname", "TT", nil, nil), ("tt", "tname", "TT", nil, nil), ("tty8", "tname", nil, nil, nil),
        ("state", "s", nil, nil, nil), ("cputime", "time", nil, nil, nil), ("cputimes", "times", nil, nil, nil),
        ("start_time", "stime", "START", nil, nil),
        ("nice", "ni", nil, nil, nil), ("thcount", "nlwp", "THCNT", 5, nil),
        ("flag", "f", nil, nil, nil), ("flags", "f", nil, nil, nil),
        ("ucmd", "comm", "CMD", nil, nil), ("ucomm", "comm", nil, nil, nil),
        ("cmd", "args", "CMD", nil, nil), ("command", "args", nil, nil, nil),
        ("uid_hack", "user", "UID", nil, nil), ("addr_1", "addr", "ADDR", 1, .left),
        ("sig", "pending", nil, nil, nil), ("sigmask", "blocked", nil, nil, nil),
        ("sigignore", "ignored", nil, nil, nil), ("sigcatch", "caught", nil, nil, nil),
    ]

    /// spec -> field, built once.
    public static let table: [String: PSField] = {
        var t: [String: PSField] = [:]
        for f in base { t[f.spec] = f }
        for (alias, target, header, width, just) in aliases {
            if let f = t[target] { t[alias] = f.renamed(alias, header: header, width: width, justify: just) }
        }
        return t
    }()

    public static func lookup(_ spec: String) -> PSField? { table[spec.lowercased()] ?? table[spec] }
}
