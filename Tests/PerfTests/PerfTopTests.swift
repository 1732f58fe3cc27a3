import Foundation
import Testing
import TestSupport
import Perf

/// `sonde perf top --stdio/--json` against a CPU-burning fixture (Tests/Fixtures/perf_burn.c: heavy,
/// light, other at 3:1:1), compared with what real perf records of the same process; and its errors.
@Suite(.serialized)
struct PerfTopTests {
    static let available = hasTool("perf") && hasTool("gcc") && isRoot

    /// Rows of one `--stdio` frame: "    59.12%  perf_burn  [.] heavy".
    static func rows(_ frame: Substring) -> [(pct: Double, dso: String, sym: String)] {
        var out: [(Double, String, String)] = []
        for line in frame.split(separator: "\n") {
            let f = line.split(separator: " ").map(String.init)
            guard f.count >= 4, f[0].hasSuffix("%"), let p = Double(f[0].dropLast()), f[2] == "[.]" || f[2] == "[k]" else { continue }
            out.append((p, f[1], f[3...].joined(separator: " ")))
        }
        return out
    }

    /// The last frame of --stdio output (frames start with the PerfTop line).
    static func lastFrame(_ text: String) -> Substring {
        guard let r = text.range(of: "   PerfTop:", options: .backwards) else { return "" }
        return text[r.lowerBound...]
    }

    @Test(.enabled(if: available)) func stdioShowsTheHotFunctionAsPerfRecords() throws {
        let exe = try compileFixture("perf_burn", flags: ["-O0", "-g"])
        let burn = try Child(exe, ["100000"])
        defer { burn.stop() }
        usleep(200_000)
        let r = try sonde(["perf", "top", "--stdio", "--iterations", "2", "-d", "1", "-p", String(burn.pid)])
        #expect(r.status == 0, "stderr: \(r.stderr)")
        #expect(r.stdout.components(separatedBy: "   PerfTop:").count - 1 == 2, "two refreshes")
        let frame = Self.lastFrame(r.stdout)
        #expect(frame.hasPrefix("   PerfTop:") && frame.contains("[4000Hz cpu-clock:ppp],  (target_pid: \(burn.pid))"), "\(frame.prefix(200))")
        #expect(frame.split(separator: "\n").dropFirst().first.map { $0.allSatisfy { $0 == "-" } } == true, "rule under the header")
        let rows = Self.rows(frame)
        let top = try #require(rows.first, "rows in: \(frame)")
        #expect(top.sym == "heavy" && top.dso == "perf_burn", "top row: \(top)")

        // Real perf over one second of the same process.
        let dir = try tempDir("perftop")
        let data = dir.appendingPathComponent("perf.data").path
        let rec = try run("perf", ["record", "-q", "-o", data, "-p", String(burn.pid), "--", "sleep", "1"])
        #expect(rec.status == 0, "\(rec.stderr)")
        let rep = try run("perf", ["report", "-i", data, "--stdio", "--sort", "dso,sym", "-q"])
        let perfRows = Self.rows(Substring(rep.stdout))
        let perfTop = try #require(perfRows.first, "perf report: \(rep.stdout)")
        #expect(perfTop.sym == top.sym, "perf's top symbol \(perfTop) vs sonde's \(top)")
        func share(_ rs: [(pct: Double, dso: String, sym: String)], _ s: String) -> Double { rs.filter { $0.sym == s }.map(\.pct).reduce(0, +) }
        for sym in ["heavy", "light", "other"] {
            #expect(abs(share(rows, sym) - share(perfRows, sym)) < 10, "\(sym): sonde \(share(rows, sym))% perf \(share(perfRows, sym))%")
        }
        #expect(share(rows, "heavy") > 45)
    }

    @Test(.enabled(if: available)) func jsonOneLinePerRefreshAndHidingUserSymbols() throws {
        let exe = try compileFixture("perf_burn", flags: ["-O0", "-g"])
        let burn = try Child(exe, ["100000"])
        defer { burn.stop() }
        let r = try sonde(["perf", "top", "--json", "--iterations", "2", "-d", "0.5", "-p", String(burn.pid)])
        #expect(r.status == 0, "stderr: \(r.stderr)")
        let lines = r.lines
        #expect(lines.count == 2)
        let obj = try #require(try JSONSerialization.jsonObject(with: Data((lines.last ?? "").utf8)) as? [String: Any])
        #expect(obj["event"] as? String == "cpu-clock:ppp")
        let entries = try #require(obj["entries"] as? [[String: Any]])
        #expect(entries.first?["sym"] as? String == "heavy", "\(entries.prefix(3))")
        #expect(entries.first?["dso"] as? String == "perf_burn")
        #expect((entries.first?["overhead"] as? Double ?? 0) > 40)

        // -U: only kernel rows remain.
        let k = try sonde(["perf", "top", "--stdio", "-U", "--iterations", "1", "-d", "0.5", "-p", String(burn.pid)])
        #expect(k.status == 0)
        #expect(Self.rows(Self.lastFrame(k.stdout)).allSatisfy { $0.dso == "[kernel]" }, "\(k.stdout)")
    }

    @Test(.enabled(if: isRoot)) func errors() throws {
        // A pid that just exited.
        let gone = try Child("/bin/true", [])
        while gone.isRunning { usleep(10_000) }
        let r = try sonde(["perf", "top", "--stdio", "--iterations", "1", "-p", String(gone.pid)])
        #expect(r.status == 1)
        #expect(r.stderr == "sonde perf top: process \(gone.pid): No such process\n", "\(r.stderr)")

        let ev = try sonde(["perf", "top", "--stdio", "-e", "cpu-clocks"])
        #expect(ev.status == 129)
        #expect(ev.stderr.hasPrefix("sonde perf top: ") && ev.stderr.contains("cpu-clock"), "\(ev.stderr)")

        let opt = try sonde(["perf", "top", "--bogus"])
        #expect(opt.status == 129)
        #expect(opt.stderr.contains("unknown option `bogus'"))

        let delay = try sonde(["perf", "top", "-d", "0"])
        #expect(delay.status == 129)
    }

    static func row(_ pct: Double, _ dso: String, _ sym: String) -> TopRow {
        TopRow(selfPercent: pct, childrenPercent: nil, period: 1, samples: 1, values: [.dso: dso, .sym: sym], kernel: sym.hasPrefix("[k]"))
    }

    static func snapshot(_ rows: [TopRow]) -> TopSnapshot {
        TopSnapshot(event: "cpu-clock:ppp", freq: 4000, period: nil, samples: 6123, eventCount: 1649281250, intervalSamples: 2659,
                    intervalKernel: 16, seconds: 1, lostInterval: 0, lostTotal: 0, target: "(target_pid: 27548)",
                    keys: [.dso, .sym], children: false, rows: rows)
    }

    /// The --stdio frame and the browser title laid out as perf 6.1 prints them on this machine.
    @Test func framesLaidOutAsPerf() {
        let s = Self.snapshot([Self.row(99.36, "spin", "[.] burn"), Self.row(0.26, "[kernel]", "[k] finish_task_switch.isra.0"),
                               Self.row(100, "libc.so.6", "[.] _int_malloc")])
        let f = TopText.stdioFrame(s, entries: 2, cols: 80).split(separator: "\n", omittingEmptySubsequences: false)
        #expect(f[0] == "   PerfTop:    2659 irqs/sec  kernel: 0.6%  exact:  0.0% lost: 0/0 drop: 0/0 [4000Hz cpu-clock:ppp],  (target_pid: 27548)")
        #expect(f[1] == Substring(String(repeating: "-", count: 79)))
        #expect(f[2] == "")
        #expect(f[3] == "    99.36%  spin      [.] burn")
        #expect(f[4] == "     0.26%  [kernel]  [k] finish_task_switch.isra.0")
        #expect(f.count == 6, "entries limit: \(f)")
        #expect(TopText.browserTitle(s, zoomDSO: nil) == "Samples: 6K of event 'cpu-clock:ppp', 4000 Hz, Event count (approx.): 1649281250 lost: 0/0 drop: 0/0")
        #expect(TopText.browserTitle(s, zoomDSO: "spin").contains("1649281250, DSO: spin lost:"))
    }

    @Test func browserKeys() {
        #expect(TopBrowserState.keys([0x1B, 0x5B, 0x41, 0x1B, 0x5B, 0x42, 0x64, 0x1B, 0x1B, 0x5B, 0x35, 0x7E]) ==
                [.up, .down, .byte(0x64), .escape, .pageUp])
        let rows = [Self.row(90, "spin", "[.] burn"), Self.row(5, "[kernel]", "[k] x"), Self.row(5, "spin", "[.] now")]
        var st = TopBrowserState(zero: false, hideKernel: false, hideUser: false)
        #expect(st.handle(.down, rows: rows, page: 10) == .redraw)
        #expect(st.selected == 1)
        _ = st.handle(.byte(UInt8(ascii: "d")), rows: rows, page: 10)
        #expect(st.zoomDSO == "[kernel]" && st.selected == 0)
        #expect(TopBrowser.visibleRows(Self.snapshot(rows), state: st).count == 1)
        _ = st.handle(.escape, rows: rows, page: 10)
        #expect(st.zoomDSO == nil)
        #expect(st.handle(.byte(UInt8(ascii: "z")), rows: rows, page: 10) == .zeroChanged && st.zero)
        #expect(st.handle(.byte(UInt8(ascii: "K")), rows: rows, page: 10) == .hideChanged && st.hideKernel)
        #expect(st.handle(.byte(UInt8(ascii: "Q")), rows: rows, page: 10) == .quit)
    }
}
