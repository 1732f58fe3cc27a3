import ProcFS
import Render

/// The ps engine: select, sort and render processes as procps ps does.
public struct PSReport {
    public var options: PSOptions
    public var context: PSContext
    public var activeCols: Int

    struct Column {
        var field: PSField
        var header: String
        var width: Int
    }
    let columns: [Column]
    let modes: PSModes

    public init(options: PSOptions, context: PSContext, screenCols: Int) {
        self.options = options
        self.context = context
        var cols = screenCols
        if options.wCount == 1 && cols < 132 { cols = 132 }
        if options.wCount > 1 { cols = 131072 }
        if let w = options.width { cols = w }
        self.activeCols = cols
        var m = PSModes()
        m.unixF = options.unixF
        m.bsdC = options.bsdC
        m.cumulative = options.cumulative
        m.numericUser = options.numeric
        modes = m
        columns = options.formatSpecs().compactMap { item in
            guard let f = PSFields.lookup(item.spec) else { return nil }
            var width = f.pidMax ? max(context.pidWidth, f.header.count) : f.width
            if let w = item.width { width = w }
            var header = f.header
            if let h = item.header {
                header = h
                width = max(width, h.count)
            }
            return Column(field: f, header: header, width: width)
        }
    }

    /// What must be read from /proc for these columns and this selection.
    public var needs: ProcessFields {
        var n: ProcessFields = []
        for c in columns { n.formUnion(c.field.needs) }
        if !options.ruids.isEmpty || !options.egids.isEmpty || !options.rgids.isEmpty { n.insert(.status) }
        let simpleEUID = !options.all && (!options.euids.isEmpty || (!options.bsdA && (options.bsdX || selectionIsDefault)))
        if simpleEUID && !n.contains(.status) { n.insert(.owner) }
        for s in options.sort { if let f = PSFields.lookup(s.spec) { n.formUnion(f.needs) } }
        return n
    }

    var hasLists: Bool {
        !(options.pids.isEmpty && options.ppids.isEmpty && options.euids.isEmpty && options.ruids.isEmpty
          && options.egids.isEmpty && options.rgids.isEmpty && options.sessions.isEmpty && options.ttys.isEmpty
          && options.commands.isEmpty) || options.myTTYOnly
    }

    var simpleSelect: Bool { options.simpleUa || options.simpleUd || options.bsdA || options.bsdX }
    var selectionIsDefault: Bool { !simpleSelect && !hasLists }

    /// procps' want_this_proc.
    public func wanted(_ r: ProcessRecord) -> Bool {
        var accepted = true
        if !options.all && !(options.bsdA && options.bsdX) {
            accepted = false
            if simpleSelect || !hasLists { accepted = simpleAccept(r) }
            if !accepted { accepted = listed(r) }
        }
        if options.runningOnly && !(r.stat.state == UInt8(ascii: "R") || r.stat.state == UInt8(ascii: "D")) { accepted = false }
        return options.negate ? !accepted : accepted
    }

    func simpleAccept(_ r: ProcessRecord) -> Bool {
        var myEUID = false, myTTY = false, noLeader = false, hasTTY = false
        if options.simpleUa { noLeader = true; if !options.simpleUd { hasTTY = true } }
        else if options.simpleUd { noLeader = true }
        else if options.bsdA { hasTTY = true }
        else if options.bsdX { myEUID = true }
        else if options.bsd { myEUID = true; hasTTY = true }
        else { myEUID = true; myTTY = true }
        if myEUID && r.euid != context.myEUID { return false }
        if myTTY && r.stat.ttyNr != context.myTTY { return false }
        if noLeader && r.stat.session == r.pid { return false }
        if hasTTY && r.stat.ttyNr == 0 { return false }
        return true
    }

    func listed(_ r: ProcessRecord) -> Bool {
        let st = r.stat
        if options.pids.contains(r.pid) { return true }
        if options.ppids.contains(st.ppid) { return true }
        if options.euids.contains(r.euid) { return true }
        if let s = r.status {
            if let u = s.uids.first, options.ruids.contains(u) { return true }
            if s.gids.count > 1, options.egids.contains(s.gids[1]) { return true }
            if let g = s.gids.first, options.rgids.contains(g) { return true }
        }
        if options.sessions.contains(st.session) { return true }
        if !options.ttys.isEmpty {
            let name = context.ttys.name(st.ttyNr)
            for t in options.ttys {
                let want = t.hasPrefix("/dev/") ? String(t.dropFirst(5)) : t
                if want == name || ("tty" + want) == name || ("pts/" + want) == name || (want == "-" && st.ttyNr == 0) { return true }
            }
        }
        if options.myTTYOnly && st.ttyNr != 0 && st.ttyNr == context.myTTY { return true }
        for c in options.commands {
            if st.comm.count == 15 && c.count >= 15 { if c.hasPrefix(st.comm) { return true } }
            if st.comm == c { return true }
        }
        return false
    }

    /// Orders rows as procps 4.0.2 does: each sort key is a stable sort applied
    /// in turn, so the first --sort key is primary; forest mode sorts by
    /// start_time and then by ppid (or the user's keys), then walks the trees.
    public func order(_ rows: [ProcessRecord]) -> [(ProcessRecord, String)] {
        var rows = rows
        var passes: [[(spec: String, descending: Bool)]] = []
        if options.forest { passes.append([("start_time", false)]) }
        if !options.sort.isEmpty { passes.append(options.sort) } else if options.forest { passes.append([("ppid", false)]) }
        for keys in passes {
            let fields = keys.compactMap { k in PSFields.lookup(k.spec).map { ($0, k.descending) } }
            let values = rows.map { r in fields.map { $0.0.value(r, context, modes) } }
            let idx = Array(rows.indices).sorted { a, b in
                for (n, (_, desc)) in fields.enumerated() {
                    let c = PSValue.compare(values[a][n], values[b][n])
                    if c != 0 { return desc ? c > 0 : c < 0 }
                }
                return a < b
            }
            rows = idx.map { rows[$0] }
        }
        guard options.forest else { return rows.map { ($0, "") } }
        let pids = Set(rows.map(\.pid))
        var firstChild: [Int32: Int] = [:]
        for (i, r) in rows.enumerated() where firstChild[r.stat.ppid] == nil { firstChild[r.stat.ppid] = i }
        var out: [(ProcessRecord, String)] = []
        out.reserveCapacity(rows.count)
        var prefix: [Character] = []
        func setPrefix(_ level: Int, _ c: Character?) {
            while prefix.count < level { prefix.append(" ") }
            if level > 0, let c { prefix[level - 1] = c }
            prefix.removeSubrange(level...)
        }
        func show(_ me: Int, level: Int, hasSibling: Bool) {
            setPrefix(level, hasSibling ? "+" : "L")
            out.append((rows[me], options.forestUnix ? String(repeating: "  ", count: prefix.count) : Self.forestPrefix(prefix)))
            let myPID = rows[me].pid
            guard var i = firstChild[myPID], !rows[me].isThread else { return }
            setPrefix(level, hasSibling ? "|" : " ")
            while i < rows.count {
                let more = i + 1 < rows.count && rows[i + 1].stat.ppid == myPID
                // procps 4.0.2 keeps init's children at init's level.
                show(i, level: myPID == 1 && !options.forestUnix ? level : min(level + 1, 99), hasSibling: more)
                i += 1
                if !more { break }
            }
            setPrefix(level, nil)
        }
        for i in rows.indices.reversed() where !pids.contains(rows[i].stat.ppid) {
            prefix = []
            show(i, level: 0, hasSibling: false)
        }
        return out
    }

    static func forestPrefix(_ p: [Character]) -> String {
        var s = ""
        for c in p {
            switch c {
            case "L", "+": s += " \\_ "
            case "|": s += " |  "
            default: s += "    "
            }
        }
        return s
    }

    var layout: PSLayout {
        var l = PSLayout(columns: columns.map { PSColumn(header: $0.header, width: $0.width, justify: $0.field.justify) }, activeCols: activeCols)
        l.numericUser = options.numeric
        return l
    }

    /// The whole text output and ps' exit status (1 when no process was listed).
    public func render(_ records: [ProcessRecord]) -> (text: String, status: Int32) {
        let chosen = records.filter(wanted)
        let ordered = order(chosen)
        let layout = self.layout
        var out = ""
        let headers = columns.map(\.header)
        let showHeader = !options.noHeaders && headers.contains { !$0.isEmpty }
        if showHeader { out += layout.line(headers, header: true) + "\n" }
        for (r, prefix) in ordered {
            let cells = columns.map { c -> String in
                let t = c.field.text(r, context, modes)
                if !prefix.isEmpty && (c.field.spec == "args" || c.field.spec == "comm" || c.field.spec == "cmd" || c.field.spec == "command" || c.field.spec == "ucmd" || c.field.spec == "ucomm") {
                    return prefix + t
                }
                return t
            }
            out += layout.line(cells) + "\n"
        }
        return (out, ordered.isEmpty ? 1 : 0)
    }

    /// --json: an array of objects keyed by column spec, values typed.
    public func json(_ records: [ProcessRecord]) -> (text: String, status: Int32) {
        let ordered = order(records.filter(wanted))
        let rows: [JSON] = ordered.map { r, _ in
            .object(columns.map { c in (c.field.spec, c.field.value(r, context, modes).json) })
        }
        return (JSON.array(rows).serialized(pretty: false) + "\n", ordered.isEmpty ? 1 : 0)
    }
}

/// Runs ps over the live system.
public enum PS {
    public static func run(_ args: [String], fs: ProcFS = ProcFS()) throws(ToolError) -> (text: String, status: Int32) {
        let users = UserNames()
        let options = try PSOptions.parse(args, users: users)
        if options.help { return (helpText, 0) }
        if options.version { return ("ps from sonde (procps-ng compatible)\n", 0) }
        var context = PSContext.live(fs)
        context.users = users
        var screen = Terminal.isTTY(1) ? (Terminal.size(1)?.cols ?? 80) : 131072
        if let c = Terminal.env("COLUMNS"), let n = Int(c), n > 0, n < 131072 { screen = n }
        let report = PSReport(options: options, context: context, screenCols: screen)
        let records: [ProcessRecord]
        do { records = try fs.processes(fields: report.needs, threads: options.showThreads) } catch { throw ToolError("\(error)") }
        return options.json ? report.json(records) : report.render(records)
    }

    public static let helpText = """

    Usage:
     ps [options]

    Basic options:
     -A, -e               all processes
     -a                   all with tty, except session leaders
      a                   all with tty, including other users
     -d                   all except session leaders
     -N, --deselect       negate selection
      r                   only running processes
      T                   all processes on this terminal
      x                   processes without controlling ttys

    Selection by list:
     -C <command>         command name
     -G, --Group <GID>    real group id or name
     -g, --group <group>  session or effective group name
     -p, p, --pid <PID>   process id
         --ppid <PID>     parent process id
     -q, q, --quick-pid <PID>
     -s, --sid <session>  session id
     -t, t, --tty <tty>   terminal
     -u, U, --user <UID>  effective user id or name
     -U, --User <UID>     real user id or name

    Output formats:
     -F                   extra full
     -f                   full-format, including command lines
      f, --forest         ascii art process tree
     -H                   show process hierarchy
     -j                   jobs format
      j                   BSD job control format
     -l                   long format
      l                   BSD long format
     -o, o, --format <format>
                          user-defined format
      s                   signal format
      u                   user-oriented format
      v                   virtual memory format
     -y                   do not show flags, show rss vs. addr (used with -l)
     -c                   scheduling class with priority
      c                   true command name
      h, --no-headers     do not print header
      n                   numeric wchan and users
      S, --cumulative     include some dead child process data
     -w, w                unlimited output width
         --cols, --columns, --width <num>
         --sort <spec>    specify sort order
         --json           one JSON array of objects keyed by column (sonde)

    Show threads:
      H                   as if they were processes
     -L                   possibly with LWP and NLWP columns
     -T                   possibly with SPID column

    Miscellaneous options:
     -V, V, --version     display version information and exit
         --help           display this help and exit

    """
}
