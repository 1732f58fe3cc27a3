import Foundation
import Testing
import TestSupport

// Drives the full-screen `sonde perf top` inside a private tmux server: perf's browser header and the
// fixture's hot function, `d` zooms into the selected row's DSO, ESC unzooms, `q` restores the terminal.


@Suite(.serialized, .enabled(if: hasTool("tmux") && hasTool("gcc") && isRoot, "needs tmux, gcc and root"))
struct PerfTopInteractiveTests {
    @Test func browserZoomsIntoTheSelectedDSOAndQuitRestoresTheTerminal() throws {
        let exe = try compileFixture("perf_spin")
        let spin = try Child(exe, ["60000"])
        defer { spin.stop() }
        let t = try Tmux(cols: 110, rows: 24)
        try t.wait(5) { $0.contains { $0.hasPrefix("$") } }
        try t.literal("\(sondeBinary) perf top -d 1 -p \(spin.pid)")
        try t.keys("Enter")
        let first = try t.wait { s in
            (s.first?.hasPrefix("Samples: ") ?? false) && s.contains { $0.hasSuffix("[.] burn") }
        }
        #expect(first.first?.contains("of event 'cpu-clock:ppp', 4000 Hz, Event count (approx.): ") == true, "\(first.prefix(3))")
        #expect(first.dropFirst().first?.hasPrefix("Overhead  Shared") == true)
        let burnRow = try #require(first.first { $0.hasSuffix("[.] burn") })
        #expect(burnRow.contains("perf_spin"), "\(burnRow)")
        #expect(Double(burnRow.split(separator: " ").first?.dropLast() ?? "") ?? 0 > 80, "\(burnRow)")

        // The top row is the fixture's: d zooms into its DSO, the DSO column goes away.
        try t.keys("d")
        let zoomed = try t.wait(5) { $0.first?.contains(", DSO: perf_spin") == true }
        #expect(zoomed.first?.contains(", DSO: perf_spin") == true, "\(zoomed.prefix(3))")
        #expect(zoomed.dropFirst().first?.hasPrefix("Overhead  Symbol") == true)
        #expect(zoomed.contains { $0.hasSuffix("[.] burn") })
        #expect(!zoomed.contains { $0.contains("[k] ") || $0.contains("[kernel]") }, "only the DSO's rows: \(zoomed.filter { !$0.isEmpty })")
        // It stays zoomed over a refresh.
        Thread.sleep(forTimeInterval: 1.3)
        #expect(try t.capture().first?.contains(", DSO: perf_spin") == true)

        try t.keys("Escape")
        let back = try t.wait(5) { $0.first?.hasPrefix("Samples: ") == true && $0.first?.contains("DSO:") == false }
        #expect(back.dropFirst().first?.hasPrefix("Overhead  Shared") == true, "unzoomed: \(back.prefix(2))")

        try t.keys("q")
        let gone = try t.wait(5) { s in !s.contains { $0.hasPrefix("Samples: ") } && s.contains { $0.hasPrefix("$") } }
        #expect(!gone.contains { $0.hasPrefix("Samples: ") }, "alternate screen left")
        #expect(cooked(try sttyModes(t)), "icanon and echo restored after q")
    }

    @Test func ctrlCRestoresTheTerminal() throws {
        let t = try Tmux(cols: 100, rows: 20)
        try t.wait(5) { $0.contains { $0.hasPrefix("$") } }
        try t.literal("\(sondeBinary) perf top -d 1")
        try t.keys("Enter")
        let screen = try t.wait { $0.first?.hasPrefix("Samples: ") == true }
        #expect(screen.first?.hasPrefix("Samples: ") == true, "system-wide browser: \(screen.prefix(3))")
        try t.keys("C-c")
        try t.wait(5) { s in !s.contains { $0.hasPrefix("Samples: ") } }
        #expect(cooked(try sttyModes(t)), "cooked mode after Ctrl-C")
    }
}
