import Syscalls

/// A command-line mistake, printed as `sonde strace: <message>` with exit status 1 (strace's own status
/// for usage errors).
public struct StraceUsageError: Error, CustomStringConvertible {
    public let description: String
    public init(_ d: String) { description = d }
}

/// strace's options (6.x spelling), parsed getopt-style: bundled short flags (`-ff`, `-tt`, `-s64`),
/// long options with `=` or a separate value, parsing stops at the program name.
public struct StraceOptions {
    public var command: [String] = []
    public var pids: [Int32] = []
    public var output: String? = nil
    /// `-f` count: 1 follows forks, 2 (`-ff`) writes one file per process with `-o`.
    public var follow = 0
    public var selection = SyscallSelection()
    public var statusFilter: Set<String>? = nil
    public var signalFilter: Set<Int32>? = nil
    public var decode = DecodeOptions()
    public var style = TextStyle()
    public var column = 40
    /// `-t` count (1: time, 2: with µs, 3: epoch), `-r`, `-T`, `-i`, `-n`.
    public var timestamps = 0
    public var relative = false
    public var syscallTimes = false
    public var instructionPointer = false
    public var syscallNumbers = false
    /// `-y` count (1: paths, 2: also socket endpoints and devices).
    public var decodeFDs = 0
    /// `-c` (summary only), `-C` (summary and trace).
    public var summary = false
    public var summaryOnly = false
    public var summarySort = "time"
    public var wallClock = false
    public var quiet = 0
    public var stackTrace = false
    public var seccomp = false
    public var environment: [String] = []
    public var user: String? = nil
    public var detachOnExecve = false
    public var json = false
    /// `-e read=` / `-e write=`: descriptors whose data is hex-dumped.
    public var dumpRead: DescriptorSet = []
    public var dumpWrite: DescriptorSet = []
    public var injections: [Injection] = []
    public var daemonize = false
    /// Internal (-D): this process is the tracer of `pid`, which waits for a byte on `fd` before its execve;
    /// `stage` 1 only starts the real tracer (so that it is no child of the traced program) and exits.
    public var daemonTarget: (pid: Int32, fd: Int32, stage: Int)? = nil
    /// Fatal signals to sonde are ignored (strace's -I never, its default for `-o FILE PROG`).
    public var ignoreInterrupts = false

    public init() {}

    static let argumentFlags: Set<Character> = ["a", "b", "e", "E", "I", "o", "O", "p", "P", "s", "S", "u", "U", "X"]

    /// Parses strace's argument vector (without the program name).
    public static func parse(_ args: [String]) throws(StraceUsageError) -> StraceOptions {
        var o = StraceOptions()
        var i = 0
        func value(_ name: String) throws(StraceUsageError) -> String {
            i += 1
            guard i < args.count else { throw StraceUsageError("option requires an argument -- '\(name)'") }
            return args[i]
        }
        while i < args.count {
            let a = args[i]
            if a == "--" { i += 1; break }
            if a.hasPrefix("--") {
                let body = a.dropFirst(2)
                let name: String, inline: String?
                if let eq = body.firstIndex(of: "=") { name = String(body[..<eq]); inline = String(body[body.index(after: eq)...]) }
                else { name = String(body); inline = nil }
                func v() throws(StraceUsageError) -> String {
                    if let s = inline { return s }
                    return try value(name)
                }
                try o.long(name, inline: inline, value: v)
                i += 1
                continue
            }
            guard a.hasPrefix("-"), a.count > 1 else { break }
            var chars = Array(a.dropFirst())
            while !chars.isEmpty {
                let c = chars.removeFirst()
                if argumentFlags.contains(c) {
                    let v: String
                    if !chars.isEmpty { v = String(chars); chars = [] } else { v = try value(String(c)) }
                    try o.short(c, v)
                } else {
                    try o.flag(c)
                }
            }
            i += 1
        }
        o.command = Array(args[i...])
        if o.command.isEmpty && o.pids.isEmpty { throw StraceUsageError("must have PROG [ARGS] or -p PID") }
        if o.daemonize && o.command.isEmpty { throw StraceUsageError("-D and -p are mutually exclusive") }
        if o.follow >= 2 && o.output == nil { o.follow = 1 }
        // strace: tracing a command into a file implies -q (no attach or personality notices) and makes
        // sonde ignore terminal signals (the program gets them; the trace ends when it does).
        if o.output != nil && !o.command.isEmpty {
            if o.quiet == 0 { o.quiet = 1 }
            o.ignoreInterrupts = true
        }
        return o
    }

    mutating func flag(_ c: Character) throws(StraceUsageError) {
        switch c {
        case "c": summary = true; summaryOnly = true
        case "C": summary = true; summaryOnly = false
        case "f": follow += 1
        case "F": follow = max(follow, 1)
        case "i": instructionPointer = true
        case "k": stackTrace = true
        case "n": syscallNumbers = true
        case "q": quiet += 1
        case "r": relative = true
        case "t": timestamps += 1
        case "T": syscallTimes = true
        case "v": decode.verbose = true
        case "w": wallClock = true
        case "x": style.hexStrings += 1
        case "y": decodeFDs += 1
        case "z": statusFilter = ["successful"]
        case "Z": statusFilter = ["failed"]
        case "D": daemonize = true
        case "d", "A", "N": break
        default: throw StraceUsageError("invalid option -- '\(c)'")
        }
    }

    mutating func short(_ c: Character, _ v: String) throws(StraceUsageError) {
        switch c {
        case "a":
            guard let n = Int(v), n >= 0 else { throw StraceUsageError("invalid -a argument: '\(v)'") }
            column = n
        case "b":
            guard v == "execve" else { throw StraceUsageError("invalid -b argument: '\(v)'") }
            detachOnExecve = true
        case "e": try expression(v)
        case "E": environment.append(v)
        case "o": output = v
        case "p":
            for part in v.split(whereSeparator: { $0 == "," || $0 == " " || $0 == "\t" || $0 == "\n" }) {
                guard let p = Int32(part), p > 0 else { throw StraceUsageError("Invalid process id: '\(part)'") }
                pids.append(p)
            }
        case "s":
            guard let n = Int(v), n >= 0 else { throw StraceUsageError("invalid -s argument: '\(v)'") }
            decode.stringLimit = n
        case "S":
            let keys = ["time", "time_total", "total_time", "calls", "count", "errors", "error", "name", "syscall", "syscall_name", "nothing", "none", "min_time", "max_time", "avg_time"]
            guard keys.contains(v) else { throw StraceUsageError("invalid sortby: '\(v)'") }
            summarySort = v
        case "u": user = v
        case "X":
            guard let s = ConstantStyle(rawValue: v) else { throw StraceUsageError("invalid xlat style '\(v)'") }
            style.constants = s
        case "I", "O", "P", "U": break
        default: throw StraceUsageError("invalid option -- '\(c)'")
        }
    }

    mutating func long(_ name: String, inline: String?, value: () throws(StraceUsageError) -> String) throws(StraceUsageError) {
        switch name {
        case "json": json = true
        case "summary-only": summary = true; summaryOnly = true
        case "summary": summary = true; summaryOnly = false
        case "summary-wall-clock": wallClock = true
        case "summary-sort-by": try short("S", value())
        case "seccomp-bpf": seccomp = true
        case "follow-forks": follow = max(follow, 1)
        case "output-separately": follow = 2
        case "output": output = try value()
        case "attach": try short("p", value())
        case "string-limit": try short("s", value())
        case "columns": try short("a", value())
        case "const-print-style": try short("X", value())
        case "user": try short("u", value())
        case "env": try short("E", value())
        case "detach-on": try short("b", value())
        case "absolute-timestamps", "timestamps":
            let v = inline ?? "time"
            timestamps = v.contains("unix") ? 3 : v.contains("us") || v.contains("ns") || v.contains("ms") ? 2 : 1
        case "relative-timestamps": relative = true
        case "syscall-times": syscallTimes = true
        case "instruction-pointer": instructionPointer = true
        case "syscall-number": syscallNumbers = true
        case "stack-trace": stackTrace = true
        case "decode-fds": decodeFDs = (inline ?? "path").contains("socket") || inline == "all" ? 2 : 1
        case "quiet", "silent", "silence": quiet = max(quiet, 1)
        case "no-abbrev": decode.verbose = true
        case "daemonize": daemonize = true
        case "sonde-daemon-attach":
            let f = try value().split(separator: ":").compactMap { Int32($0) }
            guard f.count == 3 else { throw StraceUsageError("invalid --sonde-daemon-attach") }
            daemonTarget = (f[0], f[1], Int(f[2]))
        case "trace", "signal", "status", "inject", "fault", "raw", "verbose", "abbrev", "read", "write", "quiet=":
            try expression(name + "=" + value())
        default: throw StraceUsageError("unrecognized option '--\(name)'")
        }
    }

    /// `-e [qualifier=][!]value[,value...]`.
    mutating func expression(_ e: String) throws(StraceUsageError) {
        var qualifier = "trace", rest = Substring(e)
        if let eq = e.firstIndex(of: "="), !e[..<eq].contains("/") && !e[..<eq].contains("%") {
            qualifier = String(e[..<eq]); rest = e[e.index(after: eq)...]
        }
        switch qualifier {
        case "trace", "t":
            do { try selection.add(String(rest)) } catch { throw StraceUsageError(error.description) }
        case "status":
            var set = Set<String>()
            for w in rest.split(separator: ",") {
                let known = ["successful", "failed", "unfinished", "unavailable", "detached", "all", "none"]
                guard known.contains(String(w)) else { throw StraceUsageError("invalid status '\(w)'") }
                set.insert(String(w))
            }
            statusFilter = set
        case "signal", "signals", "s":
            var set = Set<Int32>()
            var negate = false
            var body = rest
            if body.hasPrefix("!") { negate = true; body = body.dropFirst() }
            for w in body.split(separator: ",") {
                if w == "all" { set.formUnion(1...64); continue }
                if w == "none" { continue }
                guard let n = signalNumber(String(w)) else { throw StraceUsageError("invalid signal '\(w)'") }
                set.insert(n)
            }
            signalFilter = negate ? Set(Int32(1)...64).subtracting(set) : set
        case "abbrev", "a": decode.abbreviate = Set(rest.split(separator: ",").map(String.init))
        case "verbose", "v":
            if rest == "all" { decode.verbose = true } else if rest == "none" { decode.dereference = [] }
            else { decode.dereference = Set(rest.split(separator: ",").map(String.init)) }
        case "raw", "x":
            decode.raw = rest == "all" ? Set(SyscallTable.of(.x86_64).all.map(\.entry.name)) : Set(rest.split(separator: ",").map(String.init))
        case "read", "r", "write", "w":
            // Descriptor numbers, `all`, `none`, and `!` before the list for its complement.
            var set = DescriptorSet()
            var list = rest
            if list.hasPrefix("!") { set.inverted = true; list = list.dropFirst() }
            for w in list.split(separator: ",") {
                if w == "all" { set.inverted.toggle(); set.fds = []; continue }
                if w == "none" { continue }
                guard let n = Int32(w), n >= 0 else { throw StraceUsageError("invalid descriptor '\(w)'") }
                set.fds.insert(n)
            }
            if qualifier.hasPrefix("r") { dumpRead = set } else { dumpWrite = set }
        case "inject", "fault":
            injections.append(try Injection.parse(String(rest), fault: qualifier == "fault"))
        case "quiet", "q", "silent", "silence":
            quiet = max(quiet, rest.contains("exit") ? 2 : 1)
        default:
            throw StraceUsageError("invalid system call '\(e)'")
        }
    }
}

/// The descriptors of `-e read=` / `-e write=`.
public struct DescriptorSet: ExpressibleByArrayLiteral, Sendable {
    public var fds: Set<Int32> = []
    /// Every descriptor but `fds` (`all`, or a list after `!`).
    public var inverted = false
    public init() {}
    public init(arrayLiteral elements: Int32...) { fds = Set(elements) }
    public var isEmpty: Bool { !inverted && fds.isEmpty }
    public func contains(_ fd: Int32) -> Bool { fds.contains(fd) != inverted }
}

/// `-e inject=SET:error=E|retval=V[:signal=S][:delay_enter=US][:delay_exit=US][:when=EXPR]`.
public struct Injection {
    public var selection = SyscallSelection()
    public var error: Int32? = nil
    public var returnValue: Int64? = nil
    public var signal: Int32? = nil
    public var delayEnter: UInt32? = nil
    public var delayExit: UInt32? = nil
    public var first = 1
    public var last = Int.max
    public var step = 1

    static func parse(_ s: String, fault: Bool) throws(StraceUsageError) -> Injection {
        var parts = s.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard !parts.isEmpty else { throw StraceUsageError("invalid inject argument '\(s)'") }
        var inj = Injection()
        do { try inj.selection.add(parts.removeFirst()) } catch { throw StraceUsageError(error.description) }
        for p in parts {
            let kv = p.split(separator: "=", maxSplits: 1).map(String.init)
            guard kv.count == 2 else { throw StraceUsageError("invalid inject argument '\(p)'") }
            switch kv[0] {
            case "error":
                if let n = Int32(kv[1]), n > 0 { inj.error = n }
                else if let n = errnoNumber(kv[1]) { inj.error = n }
                else { throw StraceUsageError("invalid error '\(kv[1])'") }
            case "retval":
                guard let n = Int64(kv[1]) else { throw StraceUsageError("invalid retval '\(kv[1])'") }
                inj.returnValue = n
            case "signal":
                guard let n = signalNumber(kv[1]) else { throw StraceUsageError("invalid signal '\(kv[1])'") }
                inj.signal = n
            case "delay_enter": inj.delayEnter = UInt32(kv[1])
            case "delay_exit": inj.delayExit = UInt32(kv[1])
            case "when":
                let w = kv[1]
                let plus = w.split(separator: "+", maxSplits: 1, omittingEmptySubsequences: false)
                let range = plus[0].split(separator: "..", omittingEmptySubsequences: false)
                guard let f = Int(range[0]), f >= 1 else { throw StraceUsageError("invalid when '\(w)'") }
                inj.first = f
                inj.last = f
                if range.count > 1 { inj.last = range[1].isEmpty ? Int.max : (Int(range[1]) ?? f) }
                if plus.count > 1 { inj.step = plus[1].isEmpty ? 1 : max(1, Int(plus[1]) ?? 1); if range.count == 1 { inj.last = Int.max } }
            default: throw StraceUsageError("invalid inject argument '\(p)'")
            }
        }
        if fault && inj.error == nil { inj.error = 38 }  // --fault defaults to ENOSYS
        if inj.error == nil && inj.returnValue == nil && inj.signal == nil && inj.delayEnter == nil && inj.delayExit == nil {
            throw StraceUsageError("invalid inject argument '\(s)'")
        }
        return inj
    }

    /// Whether the `n`th (1-based) matching call is tampered with.
    public func applies(toCall n: Int) -> Bool { n >= first && n <= last && (n - first) % step == 0 }
}

func errnoNumber(_ name: String) -> Int32? {
    for e in 1..<600 where Errno.name(e) == name { return Int32(e) }
    return nil
}
