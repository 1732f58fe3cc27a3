import Dispatch
import Glibc
import ProcFS
import Render

/// Drives top against the live system: batch/JSON output, or the full-screen view.
public final class TopRunner {
    let options: TopOptions
    let sampler: TopSampler
    let users = UserNames()
    let cpuCount = SystemConstants.onlineCPUs
    /// procps primes its task history this long before the first frame.
    public static let primeMicroseconds: UInt32 = 150_000

    public init(options: TopOptions, fs: ProcFS = ProcFS()) {
        self.options = options
        sampler = TopSampler(fs: fs)
    }

    func sample(_ view: TopView) throws(ProcError) -> TopSample {
        try sampler.sample(threads: view.threads, pids: view.pids, needUIDs: view.user?.anyUID ?? false)
    }

    func frame(_ prev: TopSample?, _ cur: TopSample, _ view: TopView) -> TopFrame {
        let u = users
        return TopModel.frame(previous: prev, current: cur, view: view, cpuCount: cpuCount, userName: { u.userOrID($0) })
    }

    static func sleep(seconds: Double) {
        guard seconds > 0 else { return }
        var ts = timespec(tv_sec: Int(seconds), tv_nsec: Int((seconds - Double(Int(seconds))) * 1e9))
        var rem = timespec()
        while nanosleep(&ts, &rem) != 0 && errno == EINTR { ts = rem }
    }

    // MARK: batch

    public func runBatch() throws(ProcError) {
        let view = options.view
        let cols = options.batchColumns(columnsEnv: Terminal.env("COLUMNS"), terminalCols: Terminal.size(1)?.cols)
        let pidWidth = TopFormat.pidWidth(pidMax: sampler.pidMax())
        var prev = try sample(view)
        usleep(Self.primeMicroseconds)
        var n = 0
        while true {
            let cur = try sample(view)
            var f = frame(prev, cur, view)
            if options.json {
                if view.commandLine { sampler.fillCommandLines(&f.rows, range: 0..<f.rows.count) }
                writeOut(TopFormat.json(f, view: view).serialized() + "\n")
            } else {
                if view.commandLine { sampler.fillCommandLines(&f.rows, range: 0..<f.rows.count) }
                writeOut((n > 0 ? "\n" : "") + TopFormat.batchFrame(f, view: view, width: cols - 1, pidWidth: pidWidth))
            }
            n += 1
            if let max = options.iterations, n >= max { return }
            prev = cur
            Self.sleep(seconds: options.delay)
        }
    }

    // MARK: interactive

    /// Full-screen loop. Signals (INT, TERM, HUP, QUIT, WINCH) are blocked and
    /// delivered by dispatch sources to a self-pipe that the poll loop watches, so the
    /// terminal is always restored on the way out.
    public func runInteractive() throws {
        var mask = sigset_t()
        sigemptyset(&mask)
        let handled = [SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGWINCH]
        for s in handled { sigaddset(&mask, s) }
        pthread_sigmask(SIG_BLOCK, &mask, nil)

        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { throw ToolError("pipe: \(String(cString: strerror(errno)))") }
        let (readEnd, writeEnd) = (fds[0], fds[1])
        for fd in fds {
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
        }
        defer { close(readEnd); close(writeEnd) }
        let queue = DispatchQueue(label: "sonde.top.signals")
        var sources: [DispatchSourceSignal] = []
        for s in handled {
            let src = DispatchSource.makeSignalSource(signal: s, queue: queue)
            src.setEventHandler {
                var b = UInt8(truncatingIfNeeded: s)
                _ = write(writeEnd, &b, 1)
            }
            src.resume()
            sources.append(src)
        }
        defer { for s in sources { s.cancel() } }

        let raw = RawMode(fd: 0)
        guard raw.enter() else { throw ToolError("cannot set terminal attributes: \(String(cString: strerror(errno)))") }
        writeOut(ANSI.altScreenOn + ANSI.hideCursor + ANSI.clear)
        defer {
            writeOut(ANSI.reset + ANSI.showCursor + ANSI.altScreenOff)
            raw.restore()
        }

        var state = TopUIState(view: options.view, delay: options.delay)
        let pidWidth = TopFormat.pidWidth(pidMax: sampler.pidMax())
        let u = users
        let uidOf: (String) -> UInt32? = { u.uid(named: $0) }

        var prev = try sample(state.view)
        usleep(Self.primeMicroseconds)
        var cur = try sample(state.view)
        var iterations = 0
        var keyBuf = [UInt8](repeating: 0, count: 64)

        func draw() {
            let size = Terminal.size(1) ?? (rows: 24, cols: 80)
            var f = frame(prev, cur, state.view)
            let plan = TopScreen.plan(f, state: state, rows: size.rows)
            if state.view.commandLine { sampler.fillCommandLines(&f.rows, range: plan.visibleRows) }
            state.topPID = f.rows.first?.task.tid ?? 0
            writeOut(TopScreen.render(f, state: state, rows: size.rows, cols: size.cols, pidWidth: pidWidth))
        }

        draw()
        iterations += 1
        var next = monotonicSeconds() + state.delay
        while true {
            if let max = options.iterations, iterations >= max { return }
            let wait = max(0, next - monotonicSeconds())
            var pfd = [pollfd(fd: 0, events: Int16(POLLIN), revents: 0), pollfd(fd: readEnd, events: Int16(POLLIN), revents: 0)]
            // While a prompt is open, do not refresh under the user's typing.
            let timeout: Int32 = state.prompt != nil ? -1 : Int32(min(wait * 1000, 86_400_000).rounded(.up))
            let r = poll(&pfd, 2, timeout)
            if r < 0 {
                if errno == EINTR { continue }
                throw ToolError("poll: \(String(cString: strerror(errno)))")
            }
            if r == 0 {
                prev = cur
                cur = try sample(state.view)
                draw()
                iterations += 1
                next = monotonicSeconds() + state.delay
                continue
            }
            if pfd[1].revents != 0 {
                var sig: UInt8 = 0
                var resize = false
                while read(readEnd, &sig, 1) == 1 {
                    if Int32(sig) == SIGWINCH { resize = true } else { return }
                }
                if resize { writeOut(ANSI.clear); draw() }
            }
            if pfd[0].revents & Int16(POLLHUP | POLLERR) != 0 && pfd[0].revents & Int16(POLLIN) == 0 { return }
            if pfd[0].revents & Int16(POLLIN) != 0 {
                let n = read(0, &keyBuf, keyBuf.count)
                if n == 0 { return }
                if n < 0 { continue }
                // An escape sequence (arrow keys...) arrives in one read: ignore it unless a prompt wants Esc.
                if keyBuf[0] == 0x1B && n > 1 && state.prompt == nil { continue }
                var effect = TopEffect.none
                for i in 0..<n {
                    let e = state.handle(keyBuf[i], uidOf: uidOf)
                    switch e {
                    case .quit: return
                    case .kill(let pid, let sig):
                        if kill(pid, sig) != 0 {
                            state.message = "Failed signal pid '\(pid)' with '\(sig)': \(String(cString: strerror(errno)))"
                        }
                        if effect == .none { effect = .redraw }
                    case .resample: effect = .resample
                    case .redraw: if effect == .none { effect = .redraw }
                    case .none: break
                    }
                }
                if effect == .resample {
                    prev = try sample(state.view)
                    usleep(Self.primeMicroseconds)
                    cur = try sample(state.view)
                    next = monotonicSeconds() + state.delay
                }
                if effect != .none { draw() }
            }
        }
    }
}

func monotonicSeconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}
