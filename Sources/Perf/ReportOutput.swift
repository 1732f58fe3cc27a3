/// `perf report --stdio` text: the column header, one line per histogram entry and the call-chain graph
/// under it, laid out as perf 6 prints them (tools/perf/ui/stdio/hist.c).

/// The columns of a report: overhead columns, then sort keys (or `-F` fields).
public struct ReportColumns: Sendable {
    public enum Overhead: String, Sendable { case children, overhead, sample, period }
    public var overhead: [Overhead]
    public var keys: [SortKey]
    /// perf leaves out the first call-chain line when the report is sorted by symbol first.
    public var sortStartsWithSym: Bool
    public init(overhead: [Overhead], keys: [SortKey], sortStartsWithSym: Bool) {
        self.overhead = overhead
        self.keys = keys
        self.sortStartsWithSym = sortStartsWithSym
    }
}

public struct ReportRenderer {
    public var columns: ReportColumns
    public var percentLimit: Double = 0
    /// Field separator (`-t`): no padding, no dots line.
    public var separator: String? = nil

    public init(columns: ReportColumns) { self.columns = columns }

    func header(_ o: ReportColumns.Overhead, children: Bool) -> String {
        switch o {
        case .children: return "Children"
        case .overhead: return children && columns.overhead.contains(.children) ? "Self" : "Overhead"
        case .sample: return "Samples"
        case .period: return "Period"
        }
    }

    /// Header lines and entries of one histogram.
    public func render(_ h: Hists, into out: inout String) {
        let total = h.totalPeriod
        // -F without a children column sorts and limits by self overhead (perf keeps the entries).
        let bySelf = !h.children || !columns.overhead.contains(.children)
        let entries = h.sorted(bySelf: bySelf).filter { percent(bySelf ? $0.period : $0.accumulatedPeriod, total) >= percentLimit }
        // Widths: headers and every shown value.
        var widths: [Int] = []
        var headers: [String] = []
        var overheadValues: [[String]] = columns.overhead.map { _ in [] }
        for (c, o) in columns.overhead.enumerated() {
            for e in entries { overheadValues[c].append(value(o, e, h)) }
            let w = max(o == .sample || o == .period ? 12 : 8, header(o, children: h.children).count,
                        overheadValues[c].map(\.count).max() ?? 0)
            widths.append(w)
            headers.append(header(o, children: h.children))
        }
        for k in columns.keys {
            var w = k == .cpu ? 3 : max(k.header.count, entries.map { $0.values[k]?.count ?? 0 }.max() ?? 0)
            // perf sizes the comm column by each thread's final command name and cuts longer (earlier) names.
            if k == .comm { w = max(k.header.count, entries.map { $0.thread?.comm.count ?? 0 }.max() ?? 0) }
            widths.append(w)
            headers.append(k.header)
        }
        let sep = separator
        let nOver = columns.overhead.count
        // Header: "# " then the columns; overhead headers right-aligned, keys left-aligned.
        out += "# "
        for (i, t) in headers.enumerated() {
            if i > 0 { out += sep ?? "  " }
            let right = i < nOver || [.pid, .tid, .cpu].contains(columns.keys[i - nOver])
            out += sep != nil ? t : (right ? Hists.pad(t, widths[i]) : t.padding(widths[i]))
        }
        out += "\n"
        if sep == nil {
            out += "# "
            for (i, w) in widths.enumerated() {
                if i > 0 { out += "  " }
                out += String(repeating: ".", count: w)
            }
            out += "\n#\n"
        }
        for (row, e) in entries.enumerated() {
            var line = ""
            for i in 0..<headers.count {
                if i > 0 || sep == nil { line += i == 0 ? "  " : (sep ?? "  ") }
                if i < nOver {
                    let v = overheadValues[i][row]
                    line += sep != nil ? v : Hists.pad(v, widths[i])
                } else {
                    var v = e.values[columns.keys[i - nOver]] ?? ""
                    if columns.keys[i - nOver] == .comm, sep == nil, v.count > widths[i] { v = String(v.prefix(widths[i])) }
                    line += (sep != nil || i == headers.count - 1) ? v : v.padding(widths[i])
                }
            }
            out += line + "\n"
            if let cc = h.callchain, cc.mode != .none {
                let parent = bySelf ? e.period : e.accumulatedPeriod
                renderChains(e.chains, cc, total: total, parent: parent, into: &out)
            }
        }
    }

    func percent(_ v: UInt64, _ total: UInt64) -> Double { total == 0 ? 0 : Double(v) * 100 / Double(total) }

    func value(_ o: ReportColumns.Overhead, _ e: HistEntry, _ h: Hists) -> String {
        switch o {
        case .children: return formatPercent(percent(e.accumulatedPeriod, h.totalPeriod))
        case .overhead: return formatPercent(percent(e.period, h.totalPeriod))
        case .sample: return String(e.samples)
        case .period: return String(e.period)
        }
    }

    // MARK: call chains

    /// A run of single-child nodes without own hits prints as one node (perf's compressed callchain_node).
    func run(_ n: ChainNode) -> [ChainNode] {
        var out = [n]
        var cur = n
        while cur.children.count == 1 && cur.hit == 0 {
            cur = cur.children[0]
            out.append(cur)
        }
        return out
    }

    func sortedChildren(_ n: ChainNode, minHit: Double) -> [ChainNode] {
        n.children.enumerated()
            .filter { Double($0.element.cumulative) >= minHit }
            .sorted { a, b in
                if a.element.cumulative != b.element.cumulative { return a.element.cumulative > b.element.cumulative }
                if a.element.place != b.element.place { return b.element.place < a.element.place }
                return a.offset < b.offset
            }
            .map(\.element)
    }

    func renderChains(_ root: ChainNode, _ cc: CallchainOptions, total: UInt64, parent: UInt64, into out: inout String) {
        let minHit = Double(total) * max(cc.minPercent, percentLimit) / 100
        switch cc.mode {
        case .folded:
            renderFolded(root, minHit: minHit, total: total, into: &out)
            return
        case .none: return
        case .graph, .flat, .fractal: break
        }
        var printedAny = false
        var margin = 0
        var top = sortedChildren(root, minHit: minHit)
        if top.count == 1 && top[0].cumulative == parent {
            let nodes = run(top[0])
            var printed = false
            for (i, n) in nodes.enumerated() {
                if i == 0 && columns.sortStartsWithSym { continue }
                if !printed {
                    out += leftMargin(margin) + "|\n" + leftMargin(margin) + "---"
                    margin += 3
                    printed = true
                } else {
                    out += leftMargin(margin)
                }
                out += n.name + "\n"
                printedAny = true
            }
            top = sortedChildren(nodes[nodes.count - 1], minHit: minHit)
        }
        let total = cc.mode == .fractal ? parent : total
        if graph(top, total: total, depth: 1, mask: 1, margin: margin, minHit: minHit, fractal: cc.mode == .fractal, into: &out) { printedAny = true }
        if printedAny { out += "\n" }
    }

    func leftMargin(_ m: Int) -> String { String(repeating: " ", count: 12 + m) }

    @discardableResult
    func graph(_ children: [ChainNode], total: UInt64, depth: Int, mask: Int, margin: Int, minHit: Double,
               fractal: Bool, into out: inout String) -> Bool {
        var newMask = mask
        var remaining = total
        var any = false
        for (idx, child) in children.enumerated() {
            remaining &-= child.cumulative
            if idx == children.count - 1 && (!fractal || remaining == 0) { newMask &= ~bit(depth - 1) }
            // Separator line with the old mask, keeping the link to the last child.
            var line = leftMargin(margin)
            for i in 0..<depth { line += mask & bit(i) != 0 ? "|          " : "           " }
            out += line + "\n"
            let nodes = run(child)
            for (p, n) in nodes.enumerated() {
                var l = leftMargin(margin)
                for i in 0..<depth {
                    l += newMask & bit(i) != 0 ? "|" : " "
                    if p == 0 && i == depth - 1 {
                        l += "--" + formatPercent(percent(child.cumulative, total)) + "--"
                    } else {
                        l += "          "
                    }
                }
                out += l + n.name + "\n"
            }
            any = true
            let next = sortedChildren(nodes[nodes.count - 1], minHit: minHit)
            graph(next, total: fractal ? child.childrenHit : total, depth: depth + 1, mask: newMask | bit(depth),
                  margin: margin, minHit: minHit, fractal: fractal, into: &out)
        }
        return any
    }

    func bit(_ i: Int) -> Int { i >= 0 && i < 62 ? 1 << i : 0 }

    func renderFolded(_ root: ChainNode, minHit: Double, total: UInt64, into out: inout String) {
        // One line per chain end: "<percent> a;b;c".
        func walk(_ n: ChainNode, _ path: [String]) {
            let p = n.name.isEmpty ? path : path + [n.name]
            if n.hit > 0 && Double(n.hit) >= minHit {
                out += formatPercent(percent(n.hit, total)) + " " + p.joined(separator: ";") + "\n"
            }
            for c in sortedChildren(n, minHit: minHit) { walk(c, p) }
        }
        walk(root, [])
    }
}

/// perf's "%.2f%%".
func formatPercent(_ p: Double) -> String {
    let scaled = (p * 100).rounded()
    guard scaled.isFinite, abs(scaled) < 1e15 else { return "0.00%" }
    let v = Int(scaled)
    let whole = v / 100, frac = abs(v % 100)
    return "\(whole).\(frac < 10 ? "0" : "")\(frac)%"
}

extension String {
    /// Left-aligned in `width` columns.
    func padding(_ width: Int) -> String { count >= width ? self : self + String(repeating: " ", count: width - count) }
}
