/// `perf top`'s views as pure functions of a profile snapshot: the `--stdio` frame (perf 6.1's
/// "PerfTop:" line, a rule and the rows), the full-screen browser (its "Samples: ... of event" header,
/// column header, rows with a selection bar, help line), and the browser's key handling.
import Render

/// One row of perf top: the entry's overhead columns and key texts, as shown.
public struct TopRow: Sendable, Equatable {
    public var selfPercent: Double
    public var childrenPercent: Double?
    public var period: UInt64
    public var samples: UInt64
    /// Column texts by sort key; the kernel DSO is named `[kernel]` as perf top names it.
    public var values: [SortKey: String]
    public var kernel: Bool
    public init(selfPercent: Double, childrenPercent: Double?, period: UInt64, samples: UInt64, values: [SortKey: String], kernel: Bool) {
        self.selfPercent = selfPercent
        self.childrenPercent = childrenPercent
        self.period = period
        self.samples = samples
        self.values = values
        self.kernel = kernel
    }
}

/// What one refresh shows: header facts and the rows, already filtered and sorted.
public struct TopSnapshot: Sendable {
    public var event: String
    public var freq: UInt64?
    public var period: UInt64?
    /// Decayed (or, with -z, this interval's) sample count and period total behind the percentages.
    public var samples: UInt64
    public var eventCount: UInt64
    /// This interval's samples, kernel-mode ones among them, and the seconds it lasted.
    public var intervalSamples: UInt64
    public var intervalKernel: UInt64
    public var seconds: Double
    public var lostInterval: UInt64
    public var lostTotal: UInt64
    /// "(target_pid: 123)", "(all, 2 CPUs)"...
    public var target: String
    public var keys: [SortKey]
    public var children: Bool
    public var rows: [TopRow]
    public init(event: String, freq: UInt64?, period: UInt64?, samples: UInt64, eventCount: UInt64, intervalSamples: UInt64,
                intervalKernel: UInt64, seconds: Double, lostInterval: UInt64, lostTotal: UInt64, target: String,
                keys: [SortKey], children: Bool, rows: [TopRow]) {
        self.event = event
        self.freq = freq
        self.period = period
        self.samples = samples
        self.eventCount = eventCount
        self.intervalSamples = intervalSamples
        self.intervalKernel = intervalKernel
        self.seconds = seconds
        self.lostInterval = lostInterval
        self.lostTotal = lostTotal
        self.target = target
        self.keys = keys
        self.children = children
        self.rows = rows
    }
}

public enum TopText {
    /// perf's kernel DSO name in perf top.
    static func dsoName(_ s: String) -> String { s == "[kernel.kallsyms]" ? "[kernel]" : s }

    /// The "PerfTop:" line of `perf top --stdio`.
    public static func perfTopLine(_ s: TopSnapshot) -> String {
        let rate = s.seconds > 0 ? Double(s.intervalSamples) / s.seconds : 0
        let kpct = s.intervalSamples > 0 ? Double(s.intervalKernel) * 100 / Double(s.intervalSamples) : 0
        let rateText = String(Int(rate.rounded())).leftPadSpaces(8)
        let what = s.freq != nil ? "\(s.freq!)Hz" : "\(s.period ?? 0) "
        return "   PerfTop:\(rateText) irqs/sec  kernel:\(fixed1(kpct).leftPadSpaces(4))%  exact:  0.0% lost: \(s.lostInterval)/\(s.lostTotal) drop: 0/0 [\(what) \(s.event)],  \(s.target)"
    }

    /// The browser's first line (perf's hists browser title).
    public static func browserTitle(_ s: TopSnapshot, zoomDSO: String?) -> String {
        var t = "Samples: \(ReportBuilder.unitCount(s.samples).trimmingSpaces) of event '\(s.event)', "
        if let f = s.freq { t += "\(f) Hz, " } else if let p = s.period { t += "\(p) period, " }
        t += "Event count (approx.): \(s.eventCount)"
        if let z = zoomDSO { t += ", DSO: \(z)" }
        t += " lost: \(s.lostInterval)/\(s.lostTotal) drop: 0/0"
        return t
    }

    static func fixed1(_ v: Double) -> String {
        let t = Int((v * 10).rounded())
        return "\(t / 10).\(t % 10)"
    }

    /// Column layout for rows: overhead columns, then the key columns (the last one unpadded).
    struct Layout {
        var keys: [SortKey]
        var widths: [SortKey: Int]
        var children: Bool
    }

    static func layout(_ rows: [TopRow], keys: [SortKey], children: Bool) -> Layout {
        var widths: [SortKey: Int] = [:]
        for k in keys {
            var w = rows.map { $0.values[k]?.count ?? 0 }.max() ?? 0
            // perf widens the object column for unresolved addresses (hists__set_unres_dso_col_len).
            if k == .dso, rows.contains(where: { ($0.values[.sym] ?? "").dropFirst(4).hasPrefix("0x") }) { w = max(w, 18) }
            if k == .cpu { w = 3 }
            widths[k] = w
        }
        return Layout(keys: keys, widths: widths, children: children)
    }

    static func row(_ r: TopRow, _ l: Layout) -> String {
        var line = ""
        if l.children, let c = r.childrenPercent { line += formatPercent(c).leftPadSpaces(8) + "  " }
        line += formatPercent(r.selfPercent).leftPadSpaces(8)
        for (i, k) in l.keys.enumerated() {
            let v = r.values[k] ?? ""
            line += "  "
            line += i == l.keys.count - 1 ? v : v.padding(l.widths[k] ?? 0)
        }
        return line
    }

    static func columnHeader(_ l: Layout) -> String {
        var line = l.children ? "Children      Self" : "Overhead"
        for (i, k) in l.keys.enumerated() {
            let w = l.widths[k] ?? 0
            line += "  "
            // perf clips the header to the column's width.
            line += i == l.keys.count - 1 ? k.header : String(k.header.prefix(max(w, 1))).padding(w)
        }
        return line
    }

    /// One `--stdio` refresh: the PerfTop line, a rule as wide as the window less one, a blank line, and
    /// up to `entries` rows (each cut at the window's width).
    public static func stdioFrame(_ s: TopSnapshot, entries: Int, cols: Int) -> String {
        var out = perfTopLine(s) + "\n" + String(repeating: "-", count: max(1, cols - 1)) + "\n\n"
        let shown = Array(s.rows.prefix(max(0, entries)))
        let l = layout(shown, keys: s.keys, children: s.children)
        for r in shown {
            out += clip("  " + row(r, l), cols) + "\n"
        }
        return out
    }

    static func clip(_ s: String, _ cols: Int) -> String {
        s.unicodeScalars.count > cols ? String(String.UnicodeScalarView(s.unicodeScalars.prefix(cols))) : s
    }

    /// One refresh as sonde's JSON (one line): header facts and the rows.
    public static func json(_ s: TopSnapshot) -> String {
        var rows: [JSON] = []
        for r in s.rows {
            var o: [(String, JSON)] = [
                ("overhead", .double(r.selfPercent)),
                ("period", .int(Int64(clamping: r.period))),
                ("samples", .int(Int64(clamping: r.samples))),
            ]
            if let c = r.childrenPercent { o.append(("children", .double(c))) }
            for k in s.keys {
                var v = r.values[k] ?? ""
                if k == .sym, v.count > 4 { v = String(v.dropFirst(4)) }
                if k == .pid || k == .tid || k == .cpu { v = v.trimmingSpaces }
                o.append((k.rawValue, .string(v)))
            }
            if s.keys.contains(.sym) { o.append(("kernel", .bool(r.kernel))) }
            rows.append(.object(o))
        }
        let rate = s.seconds > 0 ? Double(s.intervalSamples) / s.seconds : 0
        return JSON.object([
            ("event", .string(s.event)),
            ("samples", .int(Int64(clamping: s.samples))),
            ("event_count", .int(Int64(clamping: s.eventCount))),
            ("irqs_per_sec", .double(rate)),
            ("kernel_percent", .double(s.intervalSamples > 0 ? Double(s.intervalKernel) * 100 / Double(s.intervalSamples) : 0)),
            ("lost", .int(Int64(clamping: s.lostTotal))),
            ("entries", .array(rows)),
        ]).serialized() + "\n"
    }
}

/// The full-screen browser's state; `handle` is a pure key -> state machine.
public struct TopBrowserState: Sendable, Equatable {
    public enum Effect: Sendable, Equatable { case none, redraw, quit, zeroChanged, hideChanged }
    public var selected = 0
    /// The DSO the view is zoomed into (`d`), nil for all.
    public var zoomDSO: String?
    public var zero: Bool
    public var hideKernel: Bool
    public var hideUser: Bool
    public var help = false
    public var message: String?

    public init(zero: Bool, hideKernel: Bool, hideUser: Bool) {
        self.zero = zero
        self.hideKernel = hideKernel
        self.hideUser = hideUser
    }

    /// Keys: one byte, or an escape sequence (arrows) as read in one chunk.
    public enum Key: Sendable, Equatable { case byte(UInt8), up, down, left, right, pageUp, pageDown, home, end, escape }

    /// Splits what one read() returned into keys.
    public static func keys(_ b: [UInt8]) -> [Key] {
        var out: [Key] = []
        var i = 0
        while i < b.count {
            if b[i] == 0x1B {
                if i + 2 < b.count && (b[i + 1] == 0x5B || b[i + 1] == 0x4F) {
                    let c = b[i + 2]
                    switch c {
                    case 0x41: out.append(.up); i += 3; continue
                    case 0x42: out.append(.down); i += 3; continue
                    case 0x43: out.append(.right); i += 3; continue
                    case 0x44: out.append(.left); i += 3; continue
                    case 0x48: out.append(.home); i += 3; continue
                    case 0x46: out.append(.end); i += 3; continue
                    case 0x35, 0x36:
                        // ESC [ 5 ~ / ESC [ 6 ~
                        out.append(c == 0x35 ? .pageUp : .pageDown)
                        i += (i + 3 < b.count && b[i + 3] == 0x7E) ? 4 : 3
                        continue
                    default:
                        // Some other sequence: skip it whole (up to its final byte).
                        var j = i + 2
                        while j < b.count && !(b[j] >= 0x40 && b[j] <= 0x7E) { j += 1 }
                        i = j + 1
                        continue
                    }
                }
                out.append(.escape)
                i += 1
                continue
            }
            out.append(.byte(b[i]))
            i += 1
        }
        return out
    }

    /// Handles one key; `rows` are the rows on screen (for selection and zoom).
    public mutating func handle(_ key: Key, rows: [TopRow], page: Int) -> Effect {
        message = nil
        let last = max(0, rows.count - 1)
        switch key {
        case .up: selected = max(0, selected - 1)
        case .down: selected = min(last, selected + 1)
        case .pageUp: selected = max(0, selected - max(1, page))
        case .pageDown: selected = min(last, selected + max(1, page))
        case .home: selected = 0
        case .end: selected = last
        case .left, .escape:
            if zoomDSO != nil { zoomDSO = nil; selected = 0 }
            if help { help = false }
        case .right: return zoom(rows)
        case .byte(let b):
            switch b {
            case UInt8(ascii: "q"), UInt8(ascii: "Q"), 0x03: return .quit
            case UInt8(ascii: "d"): return zoom(rows)
            case UInt8(ascii: "z"):
                zero.toggle()
                message = zero ? "Zeroing samples at each refresh" : "Decaying samples at each refresh"
                return .zeroChanged
            case UInt8(ascii: "k"), UInt8(ascii: "K"):
                hideKernel.toggle()
                message = hideKernel ? "Kernel symbols hidden" : "Kernel symbols shown"
                selected = 0
                return .hideChanged
            case UInt8(ascii: "U"), UInt8(ascii: "u"):
                hideUser.toggle()
                message = hideUser ? "User symbols hidden" : "User symbols shown"
                selected = 0
                return .hideChanged
            case UInt8(ascii: "?"), UInt8(ascii: "h"): help.toggle()
            default: return .none
            }
        }
        return .redraw
    }

    mutating func zoom(_ rows: [TopRow]) -> Effect {
        if zoomDSO != nil {
            zoomDSO = nil
        } else {
            guard selected < rows.count, let d = rows[selected].values[.dso] else {
                message = "No object to zoom into (sort by dso)"
                return .redraw
            }
            zoomDSO = d
        }
        selected = 0
        return .redraw
    }

    public static let helpText = "q quit  UP/DOWN select  d zoom DSO (ESC/LEFT back)  z zero  k/K kernel  U user  ? help"
}

public enum TopBrowser {
    /// The rows the browser lists: zoomed to one DSO when asked.
    public static func visibleRows(_ s: TopSnapshot, state: TopBrowserState) -> [TopRow] {
        guard let z = state.zoomDSO else { return s.rows }
        return s.rows.filter { $0.values[.dso] == z }
    }

    /// The full screen: title, column header, rows (the selected one in reverse video), help line.
    public static func render(_ s: TopSnapshot, state: TopBrowserState, entries: Int?, rows: Int, cols: Int) -> String {
        let cols = max(10, cols)
        var out = ANSI.home
        var line = 1
        func put(_ text: String, style: String? = nil) {
            guard line <= rows else { return }
            if line > 1 { out += "\r\n" }
            let t = TopText.clip(text, cols)
            if let style {
                out += style + t + String(repeating: " ", count: max(0, cols - t.unicodeScalars.count)) + ANSI.reset
            } else {
                out += t + ANSI.clearLine
            }
            line += 1
        }
        let room = max(0, rows - 3)
        var all = visibleRows(s, state: state)
        if let e = entries { all = Array(all.prefix(e)) }
        // Scroll so that the selection is on screen.
        let sel = min(state.selected, max(0, all.count - 1))
        let first = sel >= room ? sel - room + 1 : 0
        let shown = Array(all.dropFirst(first).prefix(room))
        var keys = s.keys
        if state.zoomDSO != nil && keys.count > 1 { keys.removeAll { $0 == .dso } }
        let l = TopText.layout(shown, keys: keys, children: s.children)
        put(TopText.browserTitle(s, zoomDSO: state.zoomDSO))
        put(TopText.columnHeader(l), style: ANSI.bold)
        for (i, r) in shown.enumerated() {
            put(TopText.row(r, l), style: first + i == sel ? ANSI.reverse : nil)
        }
        while line <= rows - 1 { put("") }
        let status = state.message ?? (state.help ? TopBrowserState.helpText : "Press '?' for help on key bindings")
        put(status)
        out += ANSI.clearToEnd
        return out
    }
}

extension String {
    func leftPadSpaces(_ w: Int) -> String { count >= w ? self : String(repeating: " ", count: w - count) + self }
}
