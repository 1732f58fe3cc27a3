import Foundation
import Testing
import TestSupport

// Drives the full-screen `sonde top` inside tmux: header, sort keys, resize, quit,
// and that the terminal is back in cooked mode afterwards.

private struct TmuxError: Error { let message: String }

private final class Tmux {
    /// A private tmux server per test, so parallel users of tmux are not disturbed.
    let socket = "sonde-top-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
    let session = "t"

    init(cols: Int, rows: Int) throws {
        // The server must not inherit our output pipes, or run() would wait for it forever.
        let cmd = "tmux -L \(socket) -f /dev/null new-session -d -s \(session) -x \(cols) -y \(rows) env PS1='$ ' TERM=xterm bash --norc --noprofile </dev/null >/dev/null 2>&1"
        // posix_spawn and waitpid ourselves: Foundation's Process did not always see this short-lived shell exit.
        var pid: pid_t = 0
        let argv: [UnsafeMutablePointer<CChar>?] = [String]([String("/bin/sh"), "-c", cmd]).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        guard posix_spawn(&pid, "/bin/sh", nil, nil, argv, environ) == 0 else { throw TmuxError(message: "spawn failed") }
        var status: Int32 = 0
        _ = waitpid(pid, &status, 0)
        Thread.sleep(forTimeInterval: 0.2)
    }

    func tmux(_ args: [String]) throws -> CommandResult { try run("tmux", ["-L", socket] + args) }
    func keys(_ k: String...) throws { _ = try tmux(["send-keys", "-t", session] + k) }
    func literal(_ text: String) throws { _ = try tmux(["send-keys", "-t", session, "-l", text]) }
    func capture() throws -> [String] {
        try tmux(["capture-pane", "-p", "-t", session]).stdout.components(separatedBy: "\n")
    }
    func resize(cols: Int, rows: Int) throws {
        _ = try tmux(["resize-window", "-t", session, "-x", String(cols), "-y", String(rows)])
    }
    /// Polls the screen until `ok` holds (or the time runs out); returns the last capture.
    @discardableResult
    func wait(_ seconds: Double = 10, _ ok: ([String]) -> Bool) throws -> [String] {
        let end = Date().addingTimeInterval(seconds)
        var last: [String] = []
        while Date() < end {
            last = try capture()
            if ok(last) { return last }
            Thread.sleep(forTimeInterval: 0.2)
        }
        return last
    }
    func panePID() throws -> Int32? {
        Int32(try tmux(["display-message", "-p", "-t", session, "#{pane_pid}"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines))
    }
    deinit { _ = try? tmux(["kill-server"]) }
}

private func rowsAfterHeader(_ screen: [String]) -> [[String]] {
    guard let h = screen.firstIndex(where: { $0.hasPrefix("  PID USER") }) else { return [] }
    return screen[(h + 1)...].map(fields).filter { $0.count >= 12 }
}

private func kib(_ s: String) -> Double? {
    let mult: [Character: Double] = ["m": 1024, "g": 1024 * 1024, "t": 1024 * 1024 * 1024]
    if let last = s.last, let m = mult[last] { return Double(s.dropLast()).map { $0 * m } }
    return Double(s)
}

/// Reads the pane's terminal modes with stty into a file and returns them.
private func sttyModes(_ t: Tmux) throws -> String {
    let file = try tempDir("stty").appendingPathComponent("modes").path
    try t.literal("stty -a > \(file)")
    try t.keys("Enter")
    let end = Date().addingTimeInterval(5)
    while Date() < end {
        if let s = try? String(contentsOfFile: file, encoding: .utf8), s.contains("icanon") { return s }
        Thread.sleep(forTimeInterval: 0.1)
    }
    return ""
}

private func cooked(_ modes: String) -> Bool {
    let words = Set(modes.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == ";" }).map(String.init))
    return words.contains("icanon") && words.contains("echo") && !words.contains("-icanon") && !words.contains("-echo")
}

@Suite(.serialized, .enabled(if: hasTool("tmux"), "tmux not installed (scripts/install-deps)"))
struct TopInteractiveTests {
    @Test func headerSortResizeAndQuit() throws {
        let t = try Tmux(cols: 120, rows: 40)
        try t.wait(5) { $0.contains { $0.hasPrefix("$") } }
        try t.literal("\(sondeBinary) top -d 1")
        try t.keys("Enter")
        let first = try t.wait { s in s.contains { $0.hasPrefix("Tasks:") } && s.contains { $0.hasPrefix("  PID USER") } }
        #expect(first.first?.hasPrefix("top - ") == true, "summary at the top: \(first.prefix(3))")
        #expect(first.contains { $0.hasPrefix("MiB Mem :") })
        #expect(rowsAfterHeader(first).count >= 20, "rows fill the 40-line screen")

        // M: sorted by %MEM (RES) from the next draw on.
        try t.keys("M")
        let sorted = try t.wait(4) { s in
            let res = rowsAfterHeader(s).compactMap { kib($0[5]) }
            return res.count > 10 && zip(res, res.dropFirst()).allSatisfy { $0 >= $1 }
        }
        let res = rowsAfterHeader(sorted).compactMap { kib($0[5]) }
        #expect(res.count > 10 && zip(res, res.dropFirst()).allSatisfy { $0 >= $1 }, "RES non-increasing after M")

        try t.keys("q")
        let back = try t.wait(5) { s in !s.contains { $0.hasPrefix("  PID USER") } && s.contains { $0.hasPrefix("$") } }
        #expect(!back.contains { $0.hasPrefix("  PID USER") }, "alternate screen left")
        #expect(cooked(try sttyModes(t)), "icanon and echo restored after q")
    }

    @Test func resizeRedrawsAtTheNewWidth() throws {
        // A process with a 300-character command line, shown with -c: cut with '+' at the window's width.
        let long = try Child(try compileFixture("top_rss"), ["1", String(repeating: "x", count: 300)])
        defer { long.stop() }
        let t = try Tmux(cols: 120, rows: 30)
        try t.wait(5) { $0.contains { $0.hasPrefix("$") } }
        try t.literal("\(sondeBinary) top -d 1 -c -p \(long.pid)")
        try t.keys("Enter")
        let wide = try t.wait { s in s.contains { $0.count == 120 && $0.hasSuffix("+") } }
        #expect(wide.contains { $0.count == 120 && $0.hasSuffix("+") }, "row cut at column 120: \(wide.filter { !$0.isEmpty })")
        try t.resize(cols: 90, rows: 24)
        let narrow = try t.wait(5) { s in s.contains { $0.count == 90 && $0.hasSuffix("+") } }
        #expect(narrow.contains { $0.count == 90 && $0.hasSuffix("+") }, "row cut at column 90 after the resize")
        #expect(narrow.allSatisfy { $0.count <= 90 })
        #expect(narrow.first?.hasPrefix("top - ") == true)
        try t.keys("q")
        try t.wait(5) { s in !s.contains { $0.hasPrefix("  PID USER") } }
        #expect(cooked(try sttyModes(t)))
    }

    @Test func ctrlCAndSigtermRestoreTheTerminal() throws {
        let t = try Tmux(cols: 100, rows: 30)
        try t.wait(5) { $0.contains { $0.hasPrefix("$") } }
        try t.literal("\(sondeBinary) top -d 1")
        try t.keys("Enter")
        try t.wait { $0.contains { $0.hasPrefix("  PID USER") } }
        try t.keys("C-c")
        try t.wait(5) { s in !s.contains { $0.hasPrefix("  PID USER") } }
        #expect(cooked(try sttyModes(t)), "cooked mode after Ctrl-C")

        try t.literal("\(sondeBinary) top -d 1")
        try t.keys("Enter")
        try t.wait { $0.contains { $0.hasPrefix("  PID USER") } }
        let shell = try #require(try t.panePID())
        let kids = try run("pgrep", ["-P", String(shell)]).lines.compactMap { Int32($0) }
        let top = try #require(kids.first, "sonde top is the shell's child")
        kill(top, SIGTERM)
        let after = try t.wait(5) { s in !s.contains { $0.hasPrefix("  PID USER") } }
        #expect(!after.contains { $0.hasPrefix("  PID USER") })
        #expect(cooked(try sttyModes(t)), "cooked mode after SIGTERM")
    }

    @Test func killPromptSendsSigterm() throws {
        let victim = try Child("sleep", ["300"])
        defer { victim.stop() }
        let t = try Tmux(cols: 120, rows: 30)
        try t.wait(5) { $0.contains { $0.hasPrefix("$") } }
        try t.literal("\(sondeBinary) top -d 1 -p \(victim.pid)")
        try t.keys("Enter")
        try t.wait { $0.contains { $0.hasPrefix("  PID USER") } }
        try t.keys("k")
        let prompt = try t.wait(3) { $0.contains { $0.contains("PID to signal/kill [default pid = \(victim.pid)]") } }
        #expect(prompt.contains { $0.contains("PID to signal/kill") })
        try t.keys("Enter")
        let confirm = try t.wait(3) { $0.contains { $0.contains("Send pid \(victim.pid) signal [15/sigterm]") } }
        #expect(confirm.contains { $0.contains("signal [15/sigterm]") })
        // The test runner's children may inherit a blocked SIGTERM, so send 9 (the default 15 is unit-tested).
        try t.literal("9")
        try t.keys("Enter")
        let end = Date().addingTimeInterval(5)
        while victim.isRunning && Date() < end { Thread.sleep(forTimeInterval: 0.1) }
        let screen = try t.capture().filter { !$0.isEmpty }.suffix(4)
        try #require(!victim.isRunning, "victim got the signal: \(screen)")
        #expect(victim.exitStatus == 128 + SIGKILL)
        try t.keys("q")
    }
}
