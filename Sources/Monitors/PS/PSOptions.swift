import ProcFS
import Render

/// ps command-line options, parsed the way procps does: standard (-e -f), BSD
/// (aux, no dash) and GNU long (--sort) syntaxes mixed freely.
public struct PSOptions: Sendable {
    // Selection
    public var all = false                 // -e -A, or BSD ax
    public var simpleUa = false, simpleUd = false   // -a, -d
    public var bsdA = false, bsdX = false, bsdG = false
    public var negate = false              // -N --deselect
    public var runningOnly = false         // BSD r
    public var pids: [Int32] = []          // -p p --pid -q, bare numbers
    public var ppids: [Int32] = []         // --ppid
    public var euids: [UInt32] = []        // -u U --user
    public var ruids: [UInt32] = []        // -U --User
    public var egids: [UInt32] = []        // --group -g(name)
    public var rgids: [UInt32] = []        // -G --Group
    public var sessions: [Int32] = []      // -s --sid
    public var ttys: [String] = []         // -t t --tty
    public var commands: [String] = []     // -C
    public var myTTYOnly = false           // BSD T

    // Format
    public var bsd = false                 // BSD personality: any BSD option seen
    public var userFormat: [(spec: String, width: Int?, header: String?)] = []
    public var unixF = false, unixL = false, unixFF = false, unixJ = false, unixY = false, unixC = false, unixP = false
    public var bsdFormat: String? = nil    // u j l v s
    public var threadsL = false, threadsT = false, threadsH = false
    public var forest = false
    /// -H: indentation by two spaces per level instead of ASCII art.
    public var forestUnix = false
    public var bsdC = false
    public var numeric = false
    public var cumulative = false
    public var noHeaders = false
    public var width: Int? = nil           // --cols, or w/ww
    public var wCount = 0
    public var sort: [(spec: String, descending: Bool)] = []
    public var json = false
    public var help = false
    public var version = false

    public init() {}

    static let usageTail = "\n\nUsage:\n ps [options]\n\n Try 'ps --help <simple|list|output|threads|misc|all>'\n  or 'ps --help <s|l|o|t|m|a>'\n for additional help text.\n\nFor more details see ps(1)."

    static func fail(_ what: String) -> ToolError { ToolError.usage(what) }

    /// Parses argv (without the program name). Names are resolved with `users`.
    public static func parse(_ args: [String], users: UserNames) throws(ToolError) -> PSOptions {
        var o = PSOptions()
        var i = 0
        func nextArg(_ rest: Substring, _ name: String) throws(ToolError) -> String {
            if !rest.isEmpty { return String(rest) }
            i += 1
            guard i < args.count else { throw fail("option \(name) requires an argument") }
            return args[i]
        }
        while i < args.count {
            let a = args[i]
            if a.hasPrefix("--") {
                try o.parseLong(a, next: { () throws(ToolError) -> String in
                    i += 1
                    guard i < args.count else { throw fail("option \(a) requires an argument") }
                    return args[i]
                }, users: users)
            } else if a.hasPrefix("-") && a.count > 1 {
                var rest = a.dropFirst()
                while let c = rest.first {
                    rest = rest.dropFirst()
                    switch c {
                    case "A", "e": o.all = true
                    case "a": o.simpleUa = true
                    case "d": o.simpleUd = true
                    case "N": o.negate = true
                    case "f": o.unixF = true
                    case "F": o.unixFF = true; o.unixF = true
                    case "l": o.unixL = true
                    case "j": o.unixJ = true
                    case "y": o.unixY = true
                    case "c": o.unixC = true
                    case "P": o.unixP = true
                    case "L": o.threadsL = true
                    case "T": o.threadsT = true
                    case "H": o.forest = true; o.forestUnix = true
                    case "m": o.threadsH = true
                    case "M", "Z": break
                    case "w": o.wCount += 1
                    case "n": break   // namelist file: obsolete, argument ignored
                    case "V": o.version = true
                    case "o": o.userFormat += try parseFormat(nextArg(rest, "-o")); rest = ""
                    case "O": o.userFormat += try preloadedFormat(nextArg(rest, "-O"), bsd: false); o.userFormatIsO = true; rest = ""
                    case "p", "q": o.pids += try parsePIDs(nextArg(rest, "-p")); rest = ""
                    case "u": o.euids += try parseUsers(nextArg(rest, "-u"), users); rest = ""
                    case "U": o.ruids += try parseUsers(nextArg(rest, "-U"), users); rest = ""
                    case "g": // session or effective group name
                        let v = try nextArg(rest, "-g"); rest = ""
                        for item in splitList(v) {
                            if let n = Int32(item) { o.sessions.append(n) } else if let g = groupID(item) { o.egids.append(g) } else { throw fail("group name does not exist") }
                        }
                    case "G": o.rgids += try parseGroups(nextArg(rest, "-G")); rest = ""
                    case "s": o.sessions += try parsePIDs(nextArg(rest, "-s"), what: "session ID"); rest = ""
                    case "t": o.ttys += splitList(try nextArg(rest, "-t")); rest = ""
                    case "C": o.commands += splitList(try nextArg(rest, "-C")); rest = ""
                    case "k": o.sort += try parseSort(nextArg(rest, "-k")); rest = ""
                    default: throw fail("unsupported SysV option")
                    }
                }
            } else if !a.isEmpty, a.allSatisfy({ $0.isNumber || $0 == "," }) {
                o.pids += try parsePIDs(a)
            } else {
                o.bsd = true
                var rest = Substring(a)
                while let c = rest.first {
                    rest = rest.dropFirst()
                    switch c {
                    case "a": o.bsdA = true
                    case "x": o.bsdX = true
                    case "g": o.bsdG = true
                    case "r": o.runningOnly = true
                    case "T": o.myTTYOnly = true
                    case "u": o.bsdFormat = "u"
                    case "j": o.bsdFormat = "j"
                    case "l": o.bsdFormat = "l"
                    case "v": o.bsdFormat = "v"
                    case "s": o.bsdFormat = "s"
                    case "f": o.forest = true
                    case "c": o.bsdC = true
                    case "e": break  // environment after command: not shown
                    case "h": o.noHeaders = true
                    case "n": o.numeric = true
                    case "w": o.wCount += 1
                    case "S": o.cumulative = true
                    case "H", "m": o.threadsH = true
                    case "L": o.help = true
                    case "V": o.version = true
                    case "X": o.bsdFormat = "X"
                    case "M", "Z": break
                    case "o": o.userFormat += try parseFormat(nextArg(rest, "o")); rest = ""
                    case "O": o.userFormat += try preloadedFormat(nextArg(rest, "O"), bsd: true); o.userFormatIsO = true; rest = ""
                    case "p": o.pids += try parsePIDs(nextArg(rest, "p")); rest = ""
                    case "U": o.euids += try parseUsers(nextArg(rest, "U"), users); rest = ""
                    case "t": o.ttys += splitList(try nextArg(rest, "t")); rest = ""
                    case "k": o.sort += try parseSort(nextArg(rest, "k")); rest = ""
                    case "-": break
                    default: throw fail("unsupported option (BSD syntax)")
                    }
                }
            }
            i += 1
        }
        if o.unixY && !o.unixL { throw fail("modifier -y without format -l makes no sense") }
        if !o.userFormat.isEmpty && (o.unixF || o.unixL || o.unixJ || o.bsdFormat != nil) && !o.userFormatIsO {
            throw fail("conflicting format options")
        }
        return o
    }

    /// -O/O formats wrap defaults, so they may be combined with format flags.
    var userFormatIsO = false

    mutating func parseLong(_ a: String, next: () throws(ToolError) -> String, users: UserNames) throws(ToolError) {
        let body = a.dropFirst(2)
        let name: String, inline: String?
        if let eq = body.firstIndex(of: "=") { name = String(body[..<eq]); inline = String(body[body.index(after: eq)...]) } else { name = String(body); inline = nil }
        func value() throws(ToolError) -> String { if let inline { return inline }; return try next() }
        switch name {
        case "pid", "quick-pid": pids += try Self.parsePIDs(value())
        case "ppid": ppids += try Self.parsePIDs(value())
        case "user": euids += try Self.parseUsers(value(), users)
        case "User": ruids += try Self.parseUsers(value(), users)
        case "group": egids += try Self.parseGroups(value())
        case "Group": rgids += try Self.parseGroups(value())
        case "sid": sessions += try Self.parsePIDs(value(), what: "session ID")
        case "tty": ttys += Self.splitList(try value())
        case "format": userFormat += try Self.parseFormat(value())
        case "sort": sort += try Self.parseSort(value())
        case "deselect": negate = true
        case "forest": forest = true
        case "no-headers", "no-heading": noHeaders = true
        case "headers": break
        case "cols", "columns", "width":
            guard let n = Int(try value()), n > 0 else { throw Self.fail("number of columns must be a positive integer") }
            width = n
        case "lines", "rows": _ = try value()
        case "cumulative": cumulative = true
        case "json": json = true
        case "help": help = true
        case "version": version = true
        case "info": break
        default: throw Self.fail("unknown gnu long option")
        }
    }

    static func splitList(_ s: String) -> [String] {
        s.split(whereSeparator: { $0 == "," || $0 == " " || $0 == "\t" }).map(String.init)
    }

    static func parsePIDs(_ s: String, what: String = "process ID") throws(ToolError) -> [Int32] {
        var out: [Int32] = []
        let items = splitList(s)
        if items.isEmpty { throw fail("\(what) list syntax error") }
        for item in items {
            guard let n = Int32(item), n > 0 else { throw fail("\(what) list syntax error") }
            out.append(n)
        }
        return out
    }

    static func parseUsers(_ s: String, _ users: UserNames) throws(ToolError) -> [UInt32] {
        var out: [UInt32] = []
        for item in splitList(s) {
            if let u = users.uid(named: item) { out.append(u) } else if let n = UInt32(item) { out.append(n) } else { throw fail("user name does not exist") }
        }
        if out.isEmpty { throw fail("user name does not exist") }
        return out
    }

    static func groupID(_ name: String) -> UInt32? {
        if let n = UInt32(name) { return n }
        guard let bytes = try? ProcFS(root: "").readFile("/etc/group") else { return nil }
        for line in bytes.split(separator: 0x0A) {
            let f = line.split(separator: UInt8(ascii: ":"), omittingEmptySubsequences: false)
            if f.count >= 3, String(decoding: f[0], as: UTF8.self) == name { return UInt32(String(decoding: f[2], as: UTF8.self)) }
        }
        return nil
    }

    static func parseGroups(_ s: String) throws(ToolError) -> [UInt32] {
        var out: [UInt32] = []
        for item in splitList(s) {
            guard let g = groupID(item) else { throw fail("group name does not exist") }
            out.append(g)
        }
        return out
    }

    /// "pid,user:20,comm=NAME": specs split on commas and blanks; ":N" sets a width, "=H" a header.
    static func parseFormat(_ s: String) throws(ToolError) -> [(spec: String, width: Int?, header: String?)] {
        var out: [(String, Int?, String?)] = []
        for item in splitList(s) {
            var spec = Substring(item)
            var header: String? = nil
            var width: Int? = nil
            if let eq = spec.firstIndex(of: "=") {
                header = String(spec[spec.index(after: eq)...])
                spec = spec[..<eq]
            }
            if let colon = spec.firstIndex(of: ":"), let w = Int(spec[spec.index(after: colon)...]), w > 0 {
                width = w
                spec = spec[..<colon]
            }
            guard PSFields.lookup(String(spec)) != nil else {
                throw fail("unknown user-defined format specifier \"\(spec)\"")
            }
            out.append((String(spec), width, header))
        }
        if out.isEmpty { throw fail("improper format list") }
        return out
    }

    /// -O/O: pid, the given columns, then the default trailer.
    static func preloadedFormat(_ s: String, bsd: Bool) throws(ToolError) -> [(spec: String, width: Int?, header: String?)] {
        let middle = try parseFormat(s)
        let trailer = bsd ? ["state", "tname", "cputime", "comm"] : ["state", "tname", "time", "command"]
        return [("pid", nil, nil)] + middle + trailer.map { ($0, nil, nil) }
    }

    static func parseSort(_ s: String) throws(ToolError) -> [(spec: String, descending: Bool)] {
        var out: [(String, Bool)] = []
        for item in s.split(separator: ",") {
            var spec = Substring(item)
            var desc = false
            if spec.first == "-" { desc = true; spec = spec.dropFirst() } else if spec.first == "+" { spec = spec.dropFirst() }
            guard PSFields.lookup(String(spec)) != nil else { throw fail("unknown sort specifier") }
            out.append((String(spec), desc))
        }
        if out.isEmpty { throw fail("unknown sort specifier") }
        return out
    }

    /// Whether threads are listed one per line.
    public var showThreads: Bool { threadsL || threadsT || threadsH }

    /// The column specs to print, as procps chooses them.
    public func formatSpecs() -> [(spec: String, width: Int?, header: String?)] {
        if !userFormat.isEmpty { return userFormat }
        if let b = bsdFormat {
            let list: String
            switch b {
            case "u": list = "user,pid,pcpu,pmem,vsz,rss,tname,stat,start_time,bsdtime,args"
            case "j": list = "ppid,pid,pgid,sid,tname,tpgid,stat,uid,bsdtime,args"
            case "l": list = "flags,uid,pid,ppid,priority,nice,vsz,rss,wchan,stat,tname,bsdtime,args"
            case "v": list = "pid,tname,stat,bsdtime,maj_flt,trs,drs,rss,pmem,args"
            case "s": list = "uid,pid,pending,blocked,ignored,caught,stat,tname,bsdtime,args"
            default: list = "pid,tname,stat,bsdtime,args"
            }
            var specs = list.split(separator: ",").map { (String($0), Int?.none, String?.none) }
            if threadsL || threadsT { specs.insert(("tid", nil, threadsL ? "LWP" : "SPID"), at: specs.firstIndex { $0.0 == "pid" }! + 1) }
            return specs
        }
        // procps' generate_sysv_list, written front to back.
        let f = unixF, l = unixL
        var s: [String] = []
        if l { if !unixY { s.append("f") }; s.append("s") }
        if f { s.append("uid_hack") } else if l { s.append("uid") }
        s.append("pid")
        if threadsT { s.append("spid") }
        if f || l { s.append("ppid") }
        if unixJ { s += ["pgid", "sid"] }
        if threadsL { s.append("lwp") }
        if unixP { s.append("psr") }
        if (f || l) && !unixC { s.append("c") }
        if threadsL && f { s.append("nlwp") }
        if unixC { s += ["class", "pri"] } else if l { s += ["opri", "ni"] }
        if l { s.append(unixY ? "rss" : "addr_1") }
        if unixFF || l { s.append("sz") }
        if l { s.append("wchan") }
        if unixFF {
            if !(l && unixY) { s.append("rss") }
            if !unixP { s.append("psr") }
        }
        if f { s.append("stime") }
        s.append("tname")
        if bsd {
            if !l { s.append("stat") }
            s += ["bsdtime", (f || l || unixJ) ? "cmd" : "args"]
        } else {
            s += ["time", f ? "cmd" : "ucmd"]
        }
        return s.map { ($0, nil, nil) }
    }
}
