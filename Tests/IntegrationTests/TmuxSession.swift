import Foundation
import Glibc
import TestSupport

// A private tmux server driving a full-screen program (sonde top, sonde perf top) in tests.

struct TmuxError: Error { let message: String }

final class Tmux {
    /// A tmux server per test, so parallel users of tmux are not disturbed.
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


/// Reads the pane's terminal modes with stty into a file and returns them.
func sttyModes(_ t: Tmux) throws -> String {
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

func cooked(_ modes: String) -> Bool {
    let words = Set(modes.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == ";" }).map(String.init))
    return words.contains("icanon") && words.contains("echo") && !words.contains("-icanon") && !words.contains("-echo")
}
