import Bytes
import CSonde
import Glibc
import PerfData
import PerfEvents
import ProcFS
import Render

/// `perf top`: samples the system (or -p processes, -t threads) live, resolves every sample against
/// the running processes' mappings and the kernel's symbols, and shows the hottest functions, refreshed
/// every `-d` seconds: full screen on a terminal, `--stdio` frames otherwise (`--json`: one JSON line per
/// refresh). Between refreshes the counts decay by 7/8 as perf's do, or restart with `-z`.
public enum Top {
    public struct Options {
        public var events: [EventSpec] = []
        /// perf names its default event (cycles:P, fallen back to cpu-clock) "cpu-clock:ppp".
        public var defaultEvent = true
        public var freq: UInt64 = 4000
        public var period: UInt64? = nil
        public var pids: [Int32] = []
        public var tids: [Int32] = []
        public var cpus: [Int32]? = nil
        public var cpuText: String? = nil
        public var delay: Double = 2
        public var hideKernel = false
        public var hideUser = false
        public var sortKeys: [SortKey] = [.dso, .sym]
        public var zero = false
        public var percentLimit: Double = 0
        public var callchain = false
        public var children: Bool? = nil
        public var stdio = false
        public var entries: Int? = nil
        public var comms: Set<String>? = nil
        public var dsos: Set<String>? = nil
        public var iterations: Int? = nil
        public var json = false
        public var pages = 128
        public var inherit = true
    }

    static let optionList: [PerfOption] = [
        .value("e", "event"), .value("F", "freq"), .value("c", "count"), .value("p", "pid"), .value("t", "tid"),
        .flag("a", "all-cpus"), .value("C", "cpu"), .value("d", "delay"), .flag("K", "hide_kernel_symbols"),
        .flag("U", "hide_user_symbols"), .value("s", "sort"), .flag("z", "zero"), .value(nil, "percent-limit"),
        .flag("g", "g"), .value(nil, "call-graph"), .flag(nil, "children"), .flag(nil, "stdio"), .flag(nil, "tui"),
        .value("E", "entries"), .value(nil, "comms"), .value(nil, "dsos"), .value(nil, "iterations"), .flag(nil, "json"),
        .value("m", "mmap-pages"), .flag("i", "no-inherit"), .flag("v", "verbose"), .flag("n", "show-nr-samples"),
    ]

    public static func parse(_ args: [String]) throws(PerfUsageError) -> Options {
        let a = try PerfArguments.parse(args, options: optionList)
        if let extra = a.positional.first { throw PerfUsageError("unexpected argument `\(extra)'") }
        var o = Options()
        let (events, freq, period) = try Record.sampling(a)
        o.events = events
        if let freq { o.freq = freq }
        o.period = period
        if o.events.isEmpty { o.events = [try! EventSpec.parse("cpu-clock")] } else { o.defaultEvent = false }
        if let p = a.value("pid") { o.pids = try Record.ids(p, "pid") }
        if let t = a.value("tid") { o.tids = try Record.ids(t, "tid") }
        if let c = a.value("cpu") {
            guard let l = CPUList.parse(c) else { throw PerfUsageError("invalid CPU list `\(c)'") }
            o.cpus = l
            o.cpuText = c
        }
        if let d = a.value("delay") {
            guard let v = Double(d), v.isFinite, v > 0 else { throw PerfUsageError("Invalid delay: \(d)") }
            o.delay = v
        }
        o.hideKernel = a.has("hide_kernel_symbols")
        o.hideUser = a.has("hide_user_symbols")
        if let s = a.value("sort") { o.sortKeys = try ReportOptions.parseKeys(s) }
        o.zero = a.has("zero")
        if let p = a.value("percent-limit") {
            guard let v = Double(p.hasSuffix("%") ? String(p.dropLast()) : p), v >= 0 else { throw PerfUsageError("invalid percent limit `\(p)'") }
            o.percentLimit = v
        }
        if a.has("g") { o.callchain = true }
        if let cg = a.value("call-graph") {
            guard cg.hasPrefix("fp") else { throw PerfUsageError("perf top --call-graph: only fp is supported here (`\(cg)')") }
            o.callchain = true
        }
        if a.value("children") != nil { o.children = a.bool("children", default: true) }
        o.stdio = a.has("stdio")
        if let e = a.value("entries") {
            guard let v = Int(e), v > 0 else { throw PerfUsageError("invalid entries `\(e)'") }
            o.entries = v
        }
        func set(_ name: String) -> Set<String>? {
            a.value(name).map { Set($0.split(separator: ",").map { String($0).trimmingSpaces }) }
        }
        o.comms = set("comms")
        o.dsos = set("dsos")
        if let n = a.value("iterations") {
            guard let v = Int(n), v > 0 else { throw PerfUsageError("invalid iterations `\(n)'") }
            o.iterations = v
        }
        o.json = a.has("json")
        if o.json { o.stdio = true }
        if let m = a.value("mmap-pages") {
            guard let v = Int(m), v > 0, v & (v - 1) == 0 else { throw PerfUsageError("--mmap-pages/-m value must be a power of two") }
            o.pages = v
        }
        o.inherit = !a.has("no-inherit")
        if o.hideKernel && o.hideUser { throw PerfUsageError("-K and -U together hide every symbol") }
        return o
    }

    public static func run(_ args: [String]) throws -> Int32 {
        let o = try parse(args)
        let engine = try TopEngine(o)
        defer { engine.close() }
        if !o.stdio && Terminal.isTTY(1) && Terminal.isTTY(0) {
            try engine.runInteractive()
        } else {
            try engine.runStdio()
        }
        return 0
    }

    nonisolated(unsafe) static var quitSignal: Int32 = 0
    nonisolated(unsafe) static var resized: Int32 = 0
}

/// The live side of perf top: events, ring buffers, the machine model, the histogram.
final class TopEngine {
    let o: Options
    typealias Options = Top.Options
    let sampler: Sampler
    let decoder: PerfDataFile
    let session: Session
    var hists: Hists
    var hideKernel: Bool
    var hideUser: Bool
    var zero: Bool
    var intervalSamples: UInt64 = 0
    var intervalKernel: UInt64 = 0
    var lostAtLastRefresh: UInt64 = 0
    var intervalStart = monotonicNow()
    let target: String
    let eventName: String

    /// perf top's idle functions: samples in them are counted but not shown (symbol__is_idle).
    static let idleSymbols: Set<String> = [
        "acpi_idle_do_entry", "acpi_processor_ffh_cstate_enter", "arch_cpu_idle", "cpu_idle", "cpu_startup_entry",
        "idle_cpu", "intel_idle", "intel_idle_ibrs", "default_idle", "native_safe_halt", "enter_idle", "exit_idle",
        "mwait_idle", "mwait_idle_with_hints", "mwait_idle_with_hints.constprop.0", "poll_idle", "ppc64_runlatch_off",
        "pseries_dedicated_idle_sleep", "psw_idle", "psw_idle_exit", "pv_native_safe_halt",
    ]

    init(_ o: Options) throws {
        self.o = o
        hideKernel = o.hideKernel
        hideUser = o.hideUser
        zero = o.zero
        eventName = o.defaultEvent ? "cpu-clock:ppp" : o.events[0].displayName
        for p in o.pids + o.tids where kill(p, 0) != 0 && errno == ESRCH {
            throw PerfToolError("process \(p): No such process")
        }
        let systemWide = o.pids.isEmpty && o.tids.isEmpty
        var attrs: [perf_event_attr] = []
        for (i, spec) in o.events.enumerated() {
            var a: perf_event_attr
            do {
                a = try PerfAttr.sampling(spec, freq: o.freq, period: o.period, callchain: o.callchain, enableOnExec: false)
            } catch {
                throw PerfToolError("\(spec.displayName): \(error)")
            }
            a.disabled = 1
            a.inherit = o.inherit ? 1 : 0
            a.watermark = 1
            a.wakeup_watermark = UInt32(clamping: o.pages * 4096 / 4)
            if o.events.count > 1 { a.sample_type |= SampleType.identifier.rawValue }
            if i > 0 { a.mmap = 0; a.mmap2 = 0; a.comm = 0; a.comm_exec = 0; a.task = 0 }
            attrs.append(a)
        }
        if attrs.count > 1 {
            let idBits = SampleType.tid.rawValue | SampleType.time.rawValue | SampleType.cpu.rawValue | SampleType.identifier.rawValue
            let union = attrs.reduce(UInt64(0)) { $0 | ($1.sample_type & idBits) }
            for i in attrs.indices { attrs[i].sample_type |= union }
        }
        let pids: [Int32]
        if systemWide { pids = [-1] } else if !o.tids.isEmpty { pids = o.tids } else {
            pids = o.pids.flatMap { p in (try? ProcFS().threadIDs(p)) ?? [p] }
        }
        let sampler: Sampler
        do {
            sampler = try Sampler(attrs: attrs, pids: pids, cpus: o.cpus, dataPages: o.pages, names: o.events.map(\.displayName))
        } catch {
            throw PerfToolError("\(error)")
        }
        self.sampler = sampler
        let live = attrs.indices.map { AttrEntry(attr: EventAttr(attrs[$0]), ids: sampler.ids(ofAttr: $0)) }
        decoder = PerfDataFile(liveAttrs: live)
        session = Session(source: SymbolSource(kallsyms: { LiveProcesses.kallsyms() }))
        hists = Self.newHists(o)
        if !o.pids.isEmpty { target = "(target_pid: \(o.pids.map(String.init).joined(separator: ",")))" } else if !o.tids.isEmpty {
            target = "(target_tid: \(o.tids.map(String.init).joined(separator: ",")))"
        } else if let c = o.cpus {
            target = "(all, CPU\(c.count > 1 ? "s" : ""): \(o.cpuText ?? c.map(String.init).joined(separator: ",")))"
        } else {
            let n = sampler.cpus.count
            target = "(all, \(n) CPU\(n > 1 ? "s" : ""))"
        }
        // What already runs: its threads' names and executable mappings.
        let synth = LiveProcesses.synthesize(pids: systemWide ? nil : (o.pids.isEmpty ? o.tids : o.pids))
        LiveProcesses.feed(synth, into: session.machine)
        sampler.enable()
        intervalStart = monotonicNow()
    }

    func close() { sampler.disable() }

    static func newHists(_ o: Options) -> Hists {
        var cc: CallchainOptions? = nil
        if o.callchain { cc = CallchainOptions() }
        return Hists(sortKeys: o.sortKeys, children: o.children ?? o.callchain, callchain: cc)
    }

    // MARK: records

    /// Drains every ring buffer into the machine model and the histogram.
    func drain() {
        sampler.drain { _, rec in
            guard let r = decoder.liveRecord(Bytes(Array(rec))) else { return }
            handle(r)
        }
    }

    func handle(_ r: RawRecord) {
        let m = session.machine
        guard let rec = try? decoder.decode(r) else { return }
        if m.apply(rec, cpumode: r.cpumode) { return }
        switch rec {
        case let .sample(s):
            // perf top shows its first event.
            guard r.attrIndex <= 0, let attr = decoder.attr(of: r) else { return }
            let input = Recording.input(s, attr: attr, misc: r.misc, attrIndex: max(0, r.attrIndex))
            sample(input)
        default: break
        }
    }

    func sample(_ input: SampleInput) {
        intervalSamples &+= 1
        let kernel = input.cpumode == 1
        if kernel { intervalKernel &+= 1 }
        if kernel && hideKernel { return }
        if input.cpumode == 2 && hideUser { return }
        let s = session.resolve(input)
        guard let leaf = s.frames.first else { return }
        if leaf.kernel, let sym = leaf.symbol, Self.idleSymbols.contains(sym.name) { return }
        if let c = o.comms, !c.contains(s.comm) { return }
        if let d = o.dsos {
            guard let dso = leaf.dso, d.contains(dso.shortName) || d.contains(dso.longName) || d.contains(TopText.dsoName(dso.shortName)) else { return }
        }
        hists.add(s)
    }

    // MARK: refresh

    /// The rows to show now, filtered by the hide flags and --percent-limit.
    func snapshot() -> TopSnapshot {
        let entries = hists.sorted().filter { e in
            guard e.period > 0 || e.accumulatedPeriod > 0 else { return false }
            let k = Self.isKernel(e)
            return !(k && hideKernel) && !(!k && hideUser && e.values[.sym] != nil)
        }
        let total = entries.reduce(UInt64(0)) { $0 &+ $1.period }
        let samples = entries.reduce(UInt64(0)) { $0 &+ $1.samples }
        var rows: [TopRow] = []
        rows.reserveCapacity(entries.count)
        for e in entries {
            let selfPct = total == 0 ? 0 : Double(e.period) * 100 / Double(total)
            let accPct: Double? = hists.children ? (total == 0 ? 0 : Double(e.accumulatedPeriod) * 100 / Double(total)) : nil
            if (accPct ?? selfPct) < o.percentLimit { continue }
            var values = e.values
            if let d = values[.dso] { values[.dso] = TopText.dsoName(d) }
            rows.append(TopRow(selfPercent: selfPct, childrenPercent: accPct, period: e.period, samples: e.samples, values: values, kernel: Self.isKernel(e)))
        }
        if hists.children {
            rows.sort { ($0.childrenPercent ?? 0) != ($1.childrenPercent ?? 0) ? ($0.childrenPercent ?? 0) > ($1.childrenPercent ?? 0) : $0.selfPercent > $1.selfPercent }
        }
        let lost = sampler.lostEvents
        return TopSnapshot(event: eventName, freq: o.period == nil ? o.freq : nil, period: o.period, samples: samples, eventCount: total,
                           intervalSamples: intervalSamples, intervalKernel: intervalKernel, seconds: max(0.001, monotonicNow() - intervalStart),
                           lostInterval: lost &- lostAtLastRefresh, lostTotal: lost, target: target, keys: o.sortKeys,
                           children: hists.children, rows: rows)
    }

    static func isKernel(_ e: HistEntry) -> Bool {
        if let s = e.values[.sym] { return s.hasPrefix("[k]") }
        if let d = e.values[.dso] { return d.hasPrefix("[kernel") || (d.hasPrefix("[") && d != "[vdso]" && d != "[unknown]") }
        return false
    }

    /// After a refresh: the counts decay by 7/8 (perf's hists__decay_entries), or restart with -z.
    func endInterval() {
        intervalSamples = 0
        intervalKernel = 0
        lostAtLastRefresh = sampler.lostEvents
        intervalStart = monotonicNow()
        if zero {
            hists = Self.newHists(o)
            return
        }
        for e in hists.entries {
            e.period = e.period * 7 / 8
            e.samples = e.samples * 7 / 8
            e.accumulatedPeriod = e.accumulatedPeriod * 7 / 8
            e.accumulatedSamples = e.accumulatedSamples * 7 / 8
            if hists.callchain != nil { Self.decay(e.chains) }
        }
    }

    static func decay(_ n: ChainNode) {
        n.hit = n.hit * 7 / 8
        n.childrenHit = n.childrenHit * 7 / 8
        for c in n.children { decay(c) }
    }

    // MARK: loops

    static func installSignals(_ sigs: [Int32]) {
        Top.quitSignal = 0
        Top.resized = 0
        for s in sigs {
            var act = sigaction()
            if s == SIGWINCH {
                act.__sigaction_handler.sa_handler = { _ in Top.resized = 1 }
            } else {
                act.__sigaction_handler.sa_handler = { sig in Top.quitSignal = sig }
            }
            sigemptyset(&act.sa_mask)
            act.sa_flags = 0  // no SA_RESTART: poll returns EINTR
            sigaction(s, &act, nil)
            var set = sigset_t()
            sigemptyset(&set)
            sigaddset(&set, s)
            pthread_sigmask(SIG_UNBLOCK, &set, nil)
        }
    }

    static func restoreSignals(_ sigs: [Int32]) { for s in sigs { signal(s, SIG_DFL) } }

    /// Waits until `deadline` (monotonic seconds) for ring-buffer data or a key on stdin, draining the
    /// buffers as data comes.
    enum Wake { case timeout, key, resize, quit }
    func wait(until deadline: Double, stdin: Bool) -> Wake {
        while Top.quitSignal == 0 {
            let left = deadline - monotonicNow()
            if left <= 0 { drain(); return .timeout }
            var fds = sampler.buffers.map { pollfd(fd: $0.fd, events: Int16(POLLIN), revents: 0) }
            if stdin { fds.append(pollfd(fd: 0, events: Int16(POLLIN), revents: 0)) }
            let r = poll(&fds, nfds_t(fds.count), Int32(min(100, max(1, (left * 1000).rounded(.up)))))
            if r > 0 && sampler.buffers.allSatisfy({ $0.pending == 0 }) && !(stdin && fds.last!.revents != 0) {
                // POLLHUP of an exited target's events stays set: do not spin on it.
                usleep(20_000)
            }
            drain()
            if stdin, r > 0, let last = fds.last, last.revents != 0 { return .key }
            if Top.resized != 0 && stdin { return .resize }
        }
        return .quit
    }

    func runStdio() throws {
        let sigs = [SIGINT, SIGTERM, SIGHUP]
        Self.installSignals(sigs)
        defer { Self.restoreSignals(sigs) }
        let tty = Terminal.isTTY(1)
        var n = 0
        var next = monotonicNow() + o.delay
        while Top.quitSignal == 0 {
            if wait(until: next, stdin: false) == .quit { break }
            next += o.delay
            let snap = snapshot()
            if o.json {
                writeString(TopText.json(snap), fd: 1)
            } else {
                let size = Self.windowSize()
                let entries = o.entries ?? max(1, size.rows - 5)
                writeString((tty ? ANSI.clear : (n > 0 ? "\n" : "")) + TopText.stdioFrame(snap, entries: entries, cols: size.cols), fd: 1)
            }
            endInterval()
            n += 1
            if let max = o.iterations, n >= max { break }
        }
    }

    /// The terminal's size, else $LINES/$COLUMNS, else 25x80 (perf's get_term_dimensions).
    static func windowSize() -> (rows: Int, cols: Int) {
        if let s = Terminal.size(1), s.rows > 0 { return s }
        let rows = Terminal.env("LINES").flatMap(Int.init) ?? 25
        let cols = Terminal.env("COLUMNS").flatMap(Int.init) ?? 80
        return (max(1, rows), max(10, cols))
    }

    func runInteractive() throws {
        let sigs = [SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGWINCH]
        Self.installSignals(sigs)
        defer { Self.restoreSignals(sigs) }
        let raw = RawMode(fd: 0)
        guard raw.enter() else { throw PerfToolError("cannot set terminal attributes: \(String(cString: strerror(errno)))") }
        writeString(ANSI.altScreenOn + ANSI.hideCursor + ANSI.clear, fd: 1)
        defer {
            writeString(ANSI.reset + ANSI.showCursor + ANSI.altScreenOff, fd: 1)
            raw.restore()
        }
        var state = TopBrowserState(zero: zero, hideKernel: hideKernel, hideUser: hideUser)
        var snap = snapshot()
        var n = 0
        var buf = [UInt8](repeating: 0, count: 64)
        func draw() {
            let size = Terminal.size(1) ?? (rows: 24, cols: 80)
            let rows = TopBrowser.visibleRows(snap, state: state)
            if state.selected >= rows.count { state.selected = max(0, rows.count - 1) }
            writeString(TopBrowser.render(snap, state: state, entries: o.entries, rows: size.rows, cols: size.cols), fd: 1)
        }
        draw()
        var next = monotonicNow() + o.delay
        while Top.quitSignal == 0 {
            let wake = wait(until: next, stdin: true)
            if wake == .quit { break }
            if wake == .resize {
                Top.resized = 0
                writeString(ANSI.clear, fd: 1)
                draw()
                continue
            }
            if wake == .key {
                let got = read(0, &buf, buf.count)
                if got == 0 { return }
                if got < 0 { continue }
                let size = Terminal.size(1) ?? (rows: 24, cols: 80)
                for key in TopBrowserState.keys(Array(buf.prefix(got))) {
                    let rows = TopBrowser.visibleRows(snap, state: state)
                    switch state.handle(key, rows: rows, page: max(1, size.rows - 3)) {
                    case .quit: return
                    case .zeroChanged: zero = state.zero
                    case .hideChanged:
                        hideKernel = state.hideKernel
                        hideUser = state.hideUser
                        snap = snapshot()
                    case .redraw, .none: break
                    }
                }
                draw()
                continue
            }
            next = monotonicNow() + o.delay
            snap = snapshot()
            draw()
            endInterval()
            n += 1
            if let max = o.iterations, n >= max { break }
        }
    }
}

func monotonicNow() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}
