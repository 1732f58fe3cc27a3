import Glibc
import Render

/// top's command line, parsed like procps (getopt clusters such as -bn1, -w with an
/// optional argument, -p lists that repeat). Pure: user names come from `uidOf`.
public struct TopOptions: Sendable, Equatable {
    public var batch = false
    public var json = false
    public var iterations: Int? = nil
    public var delay: Double = 3.0
    /// -w: nil none, 0 without a number (COLUMNS or 512), else the number.
    public var width: Int? = nil
    public var view = TopView()
    public var help = false

    public init() {}

    public static let usageText = """
    Usage:
      top -hv | -bcEeHiOSs1 -d secs -n max -u|U user -p pid(s) -o field -w [cols]

    Options beyond procps: --json (one JSON object per iteration).
    Interactive keys: P M T N sort by %CPU, %MEM, TIME+, PID; R reverse; H threads; c command line;
    1 per-CPU lines; i idle tasks; u user filter; k kill; d or s delay; q quit.
    """

    public static func parse(_ args: [String], uidOf: (String) -> UInt32?, selfPID: Int32 = getpid()) throws(ToolError) -> TopOptions {
        var o = TopOptions()
        var i = 0
        var sawUser = false
        func value(_ flag: Character, _ rest: Substring) throws(ToolError) -> String {
            if !rest.isEmpty { return String(rest.first == "=" ? rest.dropFirst() : rest) }
            i += 1
            guard i < args.count else { throw .usage("-\(flag) argument missing") }
            return args[i]
        }
        func apply(_ flag: Character, _ v: String) throws(ToolError) {
            switch flag {
            case "d":
                guard let d = Double(v), d.isFinite else { throw .usage("bad delay interval '\(v)'") }
                guard d >= 0 else { throw .usage("-d requires positive argument") }
                o.delay = d
            case "n":
                guard let n = Double(v), n.isFinite, n >= 1, n < 2e9 else { throw .usage("bad iterations argument '\(v)'") }
                o.iterations = Int(n)
            case "E":
                guard let s = MemScale(letter: v) else { throw .usage("bad memory scaling arg '\(v)'") }
                o.view.summaryScale = s
            case "e":
                guard let s = MemScale(letter: v), s != .e else { throw .usage("bad memory scaling arg '\(v)'") }
                o.view.taskScale = s
            case "o":
                var name = Substring(v)
                if name.first == "+" { o.view.sortDescending = true; name = name.dropFirst() }
                else if name.first == "-" { o.view.sortDescending = false; name = name.dropFirst() }
                guard let f = TopSortField(column: String(name)) else { throw .usage("unrecognized field name '\(v)'") }
                o.view.sort = f
            case "p":
                if sawUser { throw .usage("conflicting process selections (U/p/u)") }
                for part in v.split(separator: ",", omittingEmptySubsequences: true) {
                    guard !part.contains(where: { $0 == "+" || $0 == "-" || $0 == "." }), let n = Int32(part), n >= 0 else {
                        throw .usage("bad pid '\(v)'")
                    }
                    let pid = n == 0 ? selfPID : n
                    if !o.view.pids.contains(pid) { o.view.pids.append(pid) }
                }
                if o.view.pids.count > 20 { throw .usage("pid limit (20) exceeded") }
            case "u", "U":
                if sawUser || !o.view.pids.isEmpty { throw .usage("conflicting process selections (U/p/u)") }
                sawUser = true
                var name = Substring(v)
                var negate = false
                if name.first == "!" { negate = true; name = name.dropFirst() }
                guard let uid = UInt32(name) ?? uidOf(String(name)) else { throw .usage("Invalid user") }
                o.view.user = TopUserFilter(uid: uid, anyUID: flag == "U", negate: negate)
            default: break
            }
        }
        while i < args.count {
            let a = args[i]
            if a.hasPrefix("--") {
                let body = a.dropFirst(2)
                let name = body.split(separator: "=", maxSplits: 1).first.map(String.init) ?? ""
                let inline: String? = body.contains("=") ? String(body.split(separator: "=", maxSplits: 1).last ?? "") : nil
                let map: [String: Character] = ["delay": "d", "iterations": "n", "scale-summary-mem": "E", "scale-task-mem": "e",
                                                 "sort-override": "o", "pid": "p", "filter-any-user": "U", "filter-only-euser": "u"]
                switch name {
                case "json": o.json = true; o.batch = true
                case "batch-mode": o.batch = true
                case "cmdline-toggle": o.view.commandLine.toggle()
                case "threads-show": o.view.threads = true
                case "idle-toggle": o.view.showIdle.toggle()
                case "single-cpu-toggle": o.view.perCPU.toggle()
                case "help": o.help = true
                case "width":
                    if let inline { guard let w = Int(inline), w >= 3, w <= 512 else { throw .usage("bad width arg '\(inline)'") }; o.width = w }
                    else { o.width = 0 }
                default:
                    guard let f = map[name] else { throw .usage("unknown option '\(a)'") }
                    if let inline { try apply(f, inline) } else {
                        i += 1
                        guard i < args.count else { throw .usage("--\(name) argument missing") }
                        try apply(f, args[i])
                    }
                }
                i += 1
                continue
            }
            guard a.hasPrefix("-"), a.count > 1 else { throw .usage("unknown option '\(a)'") }
            var rest = a.dropFirst()
            while let c = rest.first {
                rest = rest.dropFirst()
                switch c {
                case "b": o.batch = true
                case "c": o.view.commandLine.toggle()
                case "H": o.view.threads = true
                case "h", "v", "V": o.help = true
                case "i": o.view.showIdle.toggle()
                case "1": o.view.perCPU.toggle()
                case "S", "s": break  // cumulative time and secure mode: accepted, no effect here
                case "d", "n", "E", "e", "o", "p", "u", "U":
                    try apply(c, try value(c, rest))
                    rest = ""
                case "w":
                    var v: String? = rest.isEmpty ? nil : String(rest.first == "=" ? rest.dropFirst() : rest)
                    if v == nil, i + 1 < args.count, !args[i + 1].hasPrefix("-") { i += 1; v = args[i] }
                    if let v {
                        guard let w = Int(v), w >= 3, w <= 512 else { throw .usage("bad width arg '\(v)'") }
                        o.width = w
                    } else { o.width = 0 }
                    rest = ""
                default:
                    throw .usage("unknown option '-\(c)'")
                }
            }
            i += 1
        }
        return o
    }

    /// Columns for batch output: -w N; -w alone: $COLUMNS or 512; else the terminal's, $COLUMNS, or 80.
    public func batchColumns(columnsEnv: String?, terminalCols: Int?) -> Int {
        let env = columnsEnv.flatMap { Int($0) }.flatMap { $0 > 0 ? $0 : nil }
        var cols: Int
        if let w = width {
            cols = w > 0 ? w : (env ?? 512)
        } else {
            cols = terminalCols ?? env ?? 80
        }
        return min(512, max(3, cols))
    }
}
