import Foundation
import Testing
import TestSupport

// Drives the full-screen `sonde top` inside tmux: header, sort keys, resize, quit,
// and that the terminal is back in cooked mode afterwards.

private func rowsAfterHeader(_ screen: [String]) -> [[String]] {
    guard let h = screen.firstIndex(where: { $0.hasPrefix("  PID USER") }) else { return [] }
    return screen[(h + 1)...].map(fields).filter { $0.count >= 12 }
}

private func kib(_ s: String) -> Double? {
    let mult: [Character: Double] = ["m": 1024, "g": 1024 * 1024, "t": 1024 * 1024 * 1024]
    if let last = s.last, let m = mult[last] { return Double(s.dropLast()).map { $0 * m } }
    return Double(s)
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
