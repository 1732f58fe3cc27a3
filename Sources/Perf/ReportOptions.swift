/// `perf report` options (perf 6 names and defaults).
public struct ReportOptions: Sendable {
    public var input = "perf.data"
    public var sortKeys: [SortKey] = [.comm, .dso, .sym]
    public var sortGiven = false
    public var fields: [String]? = nil
    public var children: Bool? = nil
    public var callchain = CallchainOptions()
    public var callchainGiven = false
    public var percentLimit: Double = 0
    public var comms: Set<String>? = nil
    /// The filter lists as given (perf echoes them in the report header).
    public var commsText: String? = nil
    public var dsosText: String? = nil
    public var dsos: Set<String>? = nil
    public var symbols: Set<String>? = nil
    public var pids: Set<Int32>? = nil
    public var tids: Set<Int32>? = nil
    public var showSamples = false
    public var showPeriod = false
    public var separator: String? = nil
    public var header = false
    public var headerOnly = false
    public var quiet = false
    public var symfs = ""
    public var kallsyms: String? = nil
    public var demangle = true
    public var maxStack = 127
    public var json = false
    public var absolutePercent = false

    static let options: [PerfOption] = [
        .value("i", "input"), .flag(nil, "stdio"), .flag(nil, "tui"), .flag(nil, "gtk"), .flag(nil, "stdio2"),
        .value("s", "sort"), .value("F", "fields"), .flag(nil, "children"),
        .optional("g", "call-graph"), .flag("G", "inverted"), .value(nil, "percent-limit"),
        .value("c", "comms"), .value("d", "dsos"), .value("S", "symbols"), .value(nil, "pid"), .value(nil, "tid"),
        .flag("n", "show-nr-samples"), .flag(nil, "show-total-period"), .value("t", "field-separator"),
        .flag(nil, "header"), .flag(nil, "header-only"), .flag("q", "quiet"), .flag("v", "verbose"),
        .value(nil, "symfs"), .value(nil, "kallsyms"), .value("k", "vmlinux"), .flag(nil, "demangle"),
        .value(nil, "max-stack"), .flag(nil, "json"), .value(nil, "percentage"), .flag("f", "force"),
        .flag(nil, "stdio-color"), .flag(nil, "inline"), .flag("I", "show-info"), .flag("T", "threads"),
        .value(nil, "call-graph-mode"), .flag(nil, "group"), .flag("x", "exclude-other"),
    ]

    public static func parse(_ args: [String]) throws(PerfUsageError) -> ReportOptions {
        let a = try PerfArguments.parse(args, options: options)
        if let extra = a.positional.first { throw PerfUsageError("unexpected argument `\(extra)'") }
        var o = ReportOptions()
        if let i = a.value("input") { o.input = i }
        if let s = a.value("sort") {
            o.sortKeys = try parseKeys(s)
            o.sortGiven = true
        }
        if let f = a.value("fields") {
            let names = f.split(separator: ",").map { String($0).trimmingSpaces }
            for n in names where SortKey(rawValue: n) == nil && !["overhead", "children", "self", "sample", "period", "overhead_children"].contains(n) {
                throw PerfUsageError("Invalid --fields key: `\(n)'")
            }
            o.fields = names
            if !o.sortGiven {
                let keys = names.compactMap(SortKey.init(rawValue:))
                if !keys.isEmpty { o.sortKeys = keys }
            }
        }
        if a.value("children") != nil { o.children = a.bool("children", default: true) }
        for v in a.values("call-graph") {
            o.callchainGiven = true
            try o.callchain.parse(v)
        }
        if a.has("inverted") { o.callchain.order = .caller }
        if let p = a.value("percent-limit") {
            guard let v = Double(p.hasSuffix("%") ? String(p.dropLast()) : p), v >= 0 else { throw PerfUsageError("invalid percent limit `\(p)'") }
            o.percentLimit = v
        }
        func set(_ name: String) -> Set<String>? {
            a.value(name).map { Set($0.split(separator: ",").map { String($0).trimmingSpaces }) }
        }
        o.comms = set("comms")
        o.commsText = a.value("comms")
        o.dsosText = a.value("dsos")
        o.dsos = set("dsos")
        o.symbols = set("symbols")
        func ids(_ name: String) throws(PerfUsageError) -> Set<Int32>? {
            guard let v = a.value(name) else { return nil }
            var out = Set<Int32>()
            for p in v.split(separator: ",") {
                guard let n = Int32(p.trimmingSpaces) else { throw PerfUsageError("invalid \(name) `\(p)'") }
                out.insert(n)
            }
            return out
        }
        o.pids = try ids("pid")
        o.tids = try ids("tid")
        o.showSamples = a.has("show-nr-samples")
        o.showPeriod = a.has("show-total-period")
        o.separator = a.value("field-separator")
        o.header = a.has("header")
        o.headerOnly = a.has("header-only")
        o.quiet = a.has("quiet")
        o.symfs = a.value("symfs") ?? ""
        o.kallsyms = a.value("kallsyms")
        o.demangle = a.bool("demangle", default: true)
        if let m = a.value("max-stack") {
            guard let v = Int(m), v >= 0 else { throw PerfUsageError("invalid max-stack `\(m)'") }
            o.maxStack = v
        }
        o.json = a.has("json")
        if let p = a.value("percentage") {
            guard p == "relative" || p == "absolute" else { throw PerfUsageError("Invalid percentage: \(p)") }
            o.absolutePercent = p == "absolute"
        }
        return o
    }

    static func parseKeys(_ s: String) throws(PerfUsageError) -> [SortKey] {
        var keys: [SortKey] = []
        for part in s.split(separator: ",") {
            let name = String(part).trimmingSpaces
            guard let k = SortKey(rawValue: name) else {
                throw PerfUsageError("Unknown --sort key: `\(name)' (known: \(SortKey.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            keys.append(k)
        }
        return keys
    }
}

extension CallchainOptions {
    /// perf's `-g` parameter list: `graph|flat|folded|fractal|none`, a minimum percent, `caller|callee`,
    /// `function|address`, `percent|period|count`, in any order (util/callchain.c parse_callchain_report_opt).
    mutating func parse(_ s: String) throws(PerfUsageError) {
        if s.isEmpty { return }
        for tok in s.split(separator: ",").map({ String($0) }) {
            if let m = Mode(rawValue: tok) { mode = m; continue }
            if let o = Order(rawValue: tok) { order = o; continue }
            if ["function", "address", "percent", "period", "count", "branch", "noparent"].contains(tok) { continue }
            if let v = Double(tok), v >= 0 { minPercent = v; continue }
            if let n = Int(tok), n >= 0 { printLimit = n; continue }
            throw PerfUsageError("Invalid callchain mode: \(tok)")
        }
    }
}

extension StringProtocol {
    var trimmingSpaces: String {
        var s = Substring(self)
        while s.first == " " { s = s.dropFirst() }
        while s.last == " " { s = s.dropLast() }
        return String(s)
    }
}
