/// Builds `perf report` output from resolved samples: one histogram per event, the filters of
/// --comm/--dso/--symbols/--pid/--tid, and perf's header and per-event sections.
public final class ReportBuilder {
    public let options: ReportOptions
    public private(set) var hists: [Hists] = []
    public let eventNames: [String]
    public var lostSamples: UInt64 = 0
    private let lineOf: (Machine.Location) -> (file: String, line: UInt32)?

    public init(options given: ReportOptions, eventNames: [String], hasCallchains: Bool) {
        var options = given
        // A filter down to one comm or dso makes its key redundant: perf neither shows nor sorts by it.
        if options.comms?.count == 1 && options.sortKeys.count > 1 { options.sortKeys.removeAll { $0 == .comm } }
        if options.dsos?.count == 1 && options.sortKeys.count > 1 { options.sortKeys.removeAll { $0 == .dso } }
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
        if let t = touch(s, attr: attr) { hists[attr].apply(t, period: s.period) }
    }

    /// What a sample adds to (nil when filtered out), for `apply`; identical samples may reuse it.
    public func touch(_ s: ResolvedSample, attr: Int) -> Hists.Touch? {
        guard attr >= 0, attr < hists.count else { return nil }
        if let c = options.comms, !c.contains(s.comm) { return nil }
        if let p = options.pids, !p.contains(s.thread.pid) { return nil }
        if let t = options.tids, !t.contains(s.thread.tid) { return nil }
        if let leaf = s.frames.first {
            if let d = options.dsos, !(leaf.dso.map { d.contains($0.shortName) || d.contains($0.longName) } ?? false) { return nil }
            if let syms = options.symbols, !(leaf.symbol.map { syms.contains($0.name) } ?? false) { return nil }
        }
        return hists[attr].touch(s)
    }

    public func apply(_ t: Hists.Touch, attr: Int, period: UInt64) { hists[attr].apply(t, period: period) }

    /// The report text: perf's header lines, then per event its sample count, columns and entries.
    public func render() -> String {
        var out = ""
        if !options.quiet {
            out += "# To display the perf.data header info, please use --header/--header-only options.\n#\n"
            if let c = options.commsText { out += "# comm: \(c)\n" }
            if let d = options.dsosText { out += "# dso: \(d)\n" }
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

import Render

extension ReportBuilder {
    /// sonde's JSON report: per event, entries with their percentages, periods, samples and key columns.
    public func renderJSON() -> String {
        var events: [JSON] = []
        for (i, h) in hists.enumerated() {
            let total = Double(max(h.totalPeriod, 1))
            var rows: [JSON] = []
            for e in h.sorted() {
                var o: [(String, JSON)] = [
                    ("overhead", .double(Double(e.period) * 100 / total)),
                    ("period", .int(Int64(clamping: e.period))),
                    ("samples", .int(Int64(clamping: e.samples))),
                ]
                if h.children {
                    o.append(("children", .double(Double(e.accumulatedPeriod) * 100 / total)))
                    o.append(("children_period", .int(Int64(clamping: e.accumulatedPeriod))))
                }
                for k in h.sortKeys {
                    var v = e.values[k] ?? ""
                    if k == .sym, v.count > 4 { v = String(v.dropFirst(4)) }
                    if k == .pid || k == .tid || k == .cpu { v = v.trimmingSpaces }
                    o.append((k.rawValue, .string(v)))
                }
                rows.append(.object(o))
            }
            events.append(.object([
                ("event", .string(eventNames[i])),
                ("samples", .int(Int64(clamping: h.totalSamples))),
                ("event_count", .int(Int64(clamping: h.totalPeriod))),
                ("entries", .array(rows)),
            ]))
        }
        return JSON.object([("lost_samples", .int(Int64(clamping: lostSamples))), ("events", .array(events))]).serialized(pretty: true) + "\n"
    }
}
