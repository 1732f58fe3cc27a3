/// Builds `perf report` output from resolved samples: one histogram per event, the filters of
/// --comm/--dso/--symbols/--pid/--tid, and perf's header and per-event sections.
public final class ReportBuilder {
    public let options: ReportOptions
    public private(set) var hists: [Hists] = []
    public let eventNames: [String]
    public var lostSamples: UInt64 = 0
    private let lineOf: (Machine.Location) -> (file: String, line: UInt32)?

    public init(options: ReportOptions, eventNames: [String], hasCallchains: Bool) {
        self.options = options
        self.eventNames = eventNames
        lineOf = { l in l.dso?.sourceLine(atFileAddress: l.fileAddress) }
        let children = options.children ?? hasCallchains
        let cc: CallchainOptions? = hasCallchains && options.callchain.mode != .none ? options.callchain : nil
        var callchain = cc
        if var c = callchain, options.percentLimit > 0 { c.minPercent = max(c.minPercent, options.percentLimit); callchain = c }
        hists = eventNames.map { _ in Hists(sortKeys: options.sortKeys, children: children, callchain: callchain, lineOf: lineOf) }
    }

    /// Adds a sample of event `attr` unless a filter drops it.
    public func add(_ s: ResolvedSample, attr: Int) {
        guard attr >= 0, attr < hists.count else { return }
        if let c = options.comms, !c.contains(s.comm) { return }
        if let p = options.pids, !p.contains(s.thread.pid) { return }
        if let t = options.tids, !t.contains(s.thread.tid) { return }
        if let leaf = s.frames.first {
            if let d = options.dsos, !(leaf.dso.map { d.contains($0.shortName) || d.contains($0.longName) } ?? false) { return }
            if let syms = options.symbols, !(leaf.symbol.map { syms.contains($0.name) } ?? false) { return }
        }
        hists[attr].add(s)
    }

    /// The report text: perf's header lines, then per event its sample count, columns and entries.
    public func render() -> String {
        var out = ""
        if !options.quiet {
            out += "# To display the perf.data header info, please use --header/--header-only options.\n#\n"
            out += "#\n# Total Lost Samples: \(lostSamples)\n#\n"
        }
        for (i, h) in hists.enumerated() where h.totalSamples > 0 || hists.count == 1 {
            if !options.quiet {
                out += "# Samples: \(Self.unitCount(h.totalSamples)) of event '\(eventNames[i])'\n"
                out += "# Event count (approx.): \(h.totalPeriod)\n#\n"
            }
            var r = ReportRenderer(columns: columns(h))
            r.percentLimit = options.percentLimit
            r.separator = options.separator
            r.render(h, into: &out)
            out += "\n\n"
        }
        if !options.quiet {
            out += "#\n# (Tip: sonde flamegraph -i perf.data > profile.svg draws this profile)\n#\n"
        }
        return out
    }

    func columns(_ h: Hists) -> ReportColumns {
        var overhead: [ReportColumns.Overhead] = h.children ? [.children, .overhead] : [.overhead]
        var keys = options.sortKeys
        if let f = options.fields {
            overhead = []
            keys = []
            for name in f {
                switch name {
                case "overhead", "self": overhead.append(.overhead)
                case "children", "overhead_children": if h.children { overhead.append(.children) }
                case "sample": overhead.append(.sample)
                case "period": overhead.append(.period)
                default: if let k = SortKey(rawValue: name) { keys.append(k) }
                }
            }
        } else {
            if options.showSamples { overhead.append(.sample) }
            if options.showPeriod { overhead.append(.period) }
        }
        return ReportColumns(overhead: overhead, keys: keys, sortStartsWithSym: options.fields == nil && options.sortKeys.first == .sym && options.sortGiven)
    }

    /// perf's sample count with a unit: 1113 -> "1K", 332 -> "332 ".
    static func unitCount(_ n: UInt64) -> String {
        if n > 1_000_000_000 { return "\(n / 1_000_000_000)G" }
        if n > 1_000_000 { return "\(n / 1_000_000)M" }
        if n > 1000 { return "\(n / 1000)K" }
        return "\(n) "
    }
}
