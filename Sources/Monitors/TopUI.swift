import Glibc
import ProcFS
import Render

/// What the interactive top is asking for on its message line.
public enum TopPrompt: Sendable, Equatable {
    case user
    case killPID(defaultPID: Int32)
    case killSignal(pid: Int32)
    case delay
}

/// What the controller must do after a key.
public enum TopEffect: Sendable, Equatable {
    /// Nothing visible changed.
    case none
    /// Draw again from the current samples (sort, filter, prompt text changed).
    case redraw
    /// Take a new sample now (thread mode changed).
    case resample
    case quit
    case kill(pid: Int32, signal: Int32)
}

/// The interactive view's state; `TopUIState.handle` is a pure key → state machine.
public struct TopUIState: Sendable, Equatable {
    public var view: TopView
    public var delay: Double
    public var prompt: TopPrompt?
    public var input = ""
    public var message: String?
    /// PID of the first row on screen: the default for 'k'.
    public var topPID: Int32 = 0

    public init(view: TopView, delay: Double) {
        self.view = view
        self.delay = delay
    }

    /// The message line text (prompt with what was typed, or the last message).
    public var messageLine: String {
        switch prompt {
        case .user: return "Which user (blank for all) " + input
        case .killPID(let d): return "PID to signal/kill [default pid = \(d)] " + input
        case .killSignal(let pid): return "Send pid \(pid) signal [15/sigterm] " + input
        case .delay: return "Change delay from \(TopFormat.fixed(delay, 1)) to " + input
        case nil: return message ?? ""
        }
    }

    /// Handles one key byte. `uidOf` resolves user names for 'u'.
    public mutating func handle(_ key: UInt8, uidOf: (String) -> UInt32?) -> TopEffect {
        if let p = prompt { return handlePrompt(p, key, uidOf: uidOf) }
        message = nil
        switch key {
        case UInt8(ascii: "q"): return .quit
        case UInt8(ascii: "P"): view.sort = .cpu; view.sortDescending = true
        case UInt8(ascii: "M"): view.sort = .mem; view.sortDescending = true
        case UInt8(ascii: "T"): view.sort = .time; view.sortDescending = true
        case UInt8(ascii: "N"): view.sort = .pid; view.sortDescending = true
        case UInt8(ascii: "R"): view.sortDescending.toggle()
        case UInt8(ascii: "c"): view.commandLine.toggle()
        case UInt8(ascii: "1"): view.perCPU.toggle()
        case UInt8(ascii: "i"): view.showIdle.toggle()
        case UInt8(ascii: "H"):
            view.threads.toggle()
            message = view.threads ? "Show threads On" : "Show threads Off"
            return .resample
        case UInt8(ascii: "u"), UInt8(ascii: "U"): prompt = .user; input = ""
        case UInt8(ascii: "k"): prompt = .killPID(defaultPID: topPID); input = ""
        case UInt8(ascii: "d"), UInt8(ascii: "s"): prompt = .delay; input = ""
        case 0x0C, UInt8(ascii: " "), 0x0A, 0x0D: return .resample  // ^L, space, Enter: refresh now
        default:
            message = "Unknown command - keys: P M T N R H c 1 i u k d q"
        }
        return .redraw
    }

    private mutating func handlePrompt(_ p: TopPrompt, _ key: UInt8, uidOf: (String) -> UInt32?) -> TopEffect {
        switch key {
        case 0x1B:  // Esc cancels
            prompt = nil; input = ""; return .redraw
        case 0x7F, 0x08:
            if !input.isEmpty { input.removeLast() }
            return .redraw
        case 0x0A, 0x0D:
            let text = input.trimmingSpaces
            prompt = nil
            input = ""
            return submit(p, text, uidOf: uidOf)
        default:
            if key >= 0x20 && key < 0x7F && input.count < 64 { input.unicodeScalars.append(UnicodeScalar(key)) }
            return .redraw
        }
    }

    private mutating func submit(_ p: TopPrompt, _ text: String, uidOf: (String) -> UInt32?) -> TopEffect {
        switch p {
        case .user:
            if text.isEmpty { view.user = nil; return .redraw }
            var name = Substring(text)
            var negate = false
            if name.first == "!" { negate = true; name = name.dropFirst() }
            guard let uid = UInt32(name) ?? uidOf(String(name)) else { message = "Invalid user"; return .redraw }
            view.user = TopUserFilter(uid: uid, negate: negate)
            return .redraw
        case .killPID(let d):
            let pid: Int32
            if text.isEmpty { pid = d } else {
                guard let n = Int32(text), n > 0 else { message = "Unacceptable integer"; return .redraw }
                pid = n
            }
            guard pid > 0 else { return .redraw }
            prompt = .killSignal(pid: pid)
            return .redraw
        case .killSignal(let pid):
            if text.isEmpty { return .kill(pid: pid, signal: SIGTERM) }
            guard let sig = TopUIState.signalNumber(text) else { message = "Unacceptable signal"; return .redraw }
            if sig == 0 { return .redraw }
            return .kill(pid: pid, signal: sig)
        case .delay:
            if text.isEmpty { return .redraw }
            guard let d = Double(text), d.isFinite, d >= 0 else { message = "Unacceptable floating point"; return .redraw }
            delay = d
            return .redraw
        }
    }

    /// "9", "KILL", "SIGKILL", "kill" → 9. nil when unknown.
    public static func signalNumber(_ s: String) -> Int32? {
        if let n = Int32(s) { return n >= 0 && n < 65 ? n : nil }
        var name = s.uppercased()
        if name.hasPrefix("SIG") { name = String(name.dropFirst(3)) }
        let table: [String: Int32] = ["HUP": SIGHUP, "INT": SIGINT, "QUIT": SIGQUIT, "KILL": SIGKILL, "TERM": SIGTERM,
                                      "USR1": SIGUSR1, "USR2": SIGUSR2, "STOP": SIGSTOP, "CONT": SIGCONT, "TSTP": SIGTSTP,
                                      "ALRM": SIGALRM, "ABRT": SIGABRT, "SEGV": SIGSEGV, "PIPE": SIGPIPE, "WINCH": SIGWINCH]
        return table[name]
    }
}

/// The full screen as a pure function of a frame, the UI state and the terminal size.
public enum TopScreen {
    /// Summary lines that fit, the message line, then as many rows as fit.
    public struct Plan: Sendable, Equatable {
        public var summary: [String]
        public var visibleRows: Range<Int>
    }

    public static func plan(_ f: TopFrame, state: TopUIState, rows: Int) -> Plan {
        let maxSummary = max(0, rows - 3)
        var s = TopFormat.summaryLines(f.summary, view: state.view, maxCPULines: max(1, maxSummary - 4))
        if s.count > maxSummary { s = Array(s.prefix(maxSummary)) }
        let room = max(0, rows - s.count - 2)
        return Plan(summary: s, visibleRows: 0..<min(room, f.rows.count))
    }

    public static func render(_ f: TopFrame, state: TopUIState, rows: Int, cols: Int, pidWidth: Int = 5,
                              hertz: Int64 = SystemConstants.clockTicks) -> String {
        let cols = max(3, cols)
        let p = plan(f, state: state, rows: rows)
        var out = ANSI.home
        out.reserveCapacity(cols * rows + 256)
        var line = 1
        func put(_ text: String, style: String? = nil) {
            guard line <= rows else { return }
            if line > 1 { out += "\r\n" }
            let clipped = text.unicodeScalars.count > cols ? String(String.UnicodeScalarView(text.unicodeScalars.prefix(cols))) : text
            if let style { out += style + clipped + ANSI.clearLine + ANSI.reset } else { out += clipped + ANSI.clearLine }
            line += 1
        }
        for l in p.summary { put(l) }
        put(state.messageLine, style: state.prompt != nil || state.message != nil ? ANSI.bold : nil)
        let lay = TopFormat.layout(width: cols, pidWidth: pidWidth)
        let header = TopFormat.header(lay)
        put(header + String(repeating: " ", count: max(0, cols - header.unicodeScalars.count)), style: ANSI.reverse)
        for i in p.visibleRows { put(TopFormat.row(f.rows[i], layout: lay, view: state.view, hertz: hertz)) }
        out += ANSI.clearToEnd
        if state.prompt != nil {
            out += ANSI.move(row: p.summary.count + 1, col: min(cols, state.messageLine.unicodeScalars.count + 1)) + ANSI.showCursor
        } else {
            out += ANSI.hideCursor
        }
        return out
    }
}
