import Foundation
import Testing
import TestSupport
@testable import Perf
import PerfData

/// `sonde perf stat` and `sonde perf list` against real perf 6.1 on the same workloads.
@Suite(.serialized) struct PerfStatTests {
    static let havePerf = hasTool("perf")

    /// A line's shape: numbers become N, rates lose their K/M/G, runs of spaces collapse.
    func shape(_ line: String) -> String {
        var s = line.replacingOccurrences(of: "[0-9][0-9.,]*", with: "N", options: .regularExpression)
        s = s.replacingOccurrences(of: "[KMG]/sec", with: "/sec", options: .regularExpression)
        return fields(s).joined(separator: " ")
    }

    /// Where the event name and the '#' start (the layout of a counter line).
    func columns(_ line: String, name: String) -> (Int, Int) {
        let n = line.range(of: " " + name + " ").map { line.distance(from: line.startIndex, to: $0.lowerBound) } ?? -1
        let h = line.firstIndex(of: "#").map { line.distance(from: line.startIndex, to: $0) } ?? -1
        return (n, h)
    }

    @Test(.enabled(if: havePerf)) func pageFaultsMatchPerfWithin2Percent() throws {
        let exe = try compileFixture("perf_pages", flags: ["-O1"])
        let perf = try run("perf", ["stat", "-e", "page-faults,minor-faults", "-x", ",", "--", exe, "3000"])
        let ours = try sonde(["perf", "stat", "-e", "page-faults,minor-faults", "-x", ",", "--", exe, "3000"])
        #expect(ours.status == 0 && perf.status == 0)
        let p = perf.stderr.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        let o = ours.stderr.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        #expect(p.count == 2 && o.count == 2, "perf:\n\(perf.stderr)\nsonde:\n\(ours.stderr)")
        for (pl, ol) in zip(p, o) {
            #expect(pl.count == ol.count, "same number of CSV fields")
            #expect(pl[1] == ol[1] && pl[2] == ol[2] && pl[4] == ol[4])
            let pv = Double(pl[0]) ?? 0, ov = Double(ol[0]) ?? -1
            #expect(pv > 3000 && abs(pv - ov) / pv < 0.02, "\(pl[2]): perf \(pv) sonde \(ov)")
        }
    }

    @Test(.enabled(if: havePerf)) func csvShapeEqualsPerf() throws {
        let perf = try run("perf", ["stat", "-x,", "--", "true"])
        let ours = try sonde(["perf", "stat", "-x,", "--", "true"])
        let p = perf.stderr.split(separator: "\n").map(String.init)
        let o = ours.stderr.split(separator: "\n").map(String.init)
        #expect(p.count == o.count, "perf:\n\(perf.stderr)\nsonde:\n\(ours.stderr)")
        for (pl, ol) in zip(p, o) {
            let pf = pl.split(separator: ",", omittingEmptySubsequences: false), of = ol.split(separator: ",", omittingEmptySubsequences: false)
            #expect(pf.count == of.count, "\(pl) vs \(ol)")
            #expect(pf.count == 7)
            guard pf.count == 7, of.count == 7 else { continue }
            #expect(pf[1] == of[1] && pf[2] == of[2] && pf[4] == of[4], "\(pl) vs \(ol)")
            #expect(pf[6].replacingOccurrences(of: "K/sec", with: "/sec") == of[6].replacingOccurrences(of: "K/sec", with: "/sec"))
            if pf[0].hasPrefix("<") { #expect(pf[0] == of[0] && pl == ol, "unsupported lines are identical") }
        }
    }

    @Test(.enabled(if: havePerf)) func defaultOutputHasPerfsLinesAndLayout() throws {
        let perf = try run("perf", ["stat", "--", "sleep", "0.05"])
        let ours = try sonde(["perf", "stat", "--", "sleep", "0.05"])
        #expect(ours.status == 0)
        let p = perf.stderr.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let o = ours.stderr.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(p.count == o.count, "perf:\n\(perf.stderr)\nsonde:\n\(ours.stderr)")
        for (pl, ol) in zip(p, o) {
            #expect(shape(pl) == shape(ol), "perf: \(pl)\nsonde: \(ol)")
            if let name = ["task-clock", "context-switches", "cpu-migrations", "page-faults", "cycles", "branch-misses"].first(where: { pl.contains(" \($0) ") }) {
                #expect(columns(pl, name: name) == columns(ol, name: name), "columns of \(name)")
                if pl.contains("<not supported>") { #expect(pl == ol) }
            }
        }
        #expect(ours.stderr.contains(" Performance counter stats for 'sleep 0.05':"))
        #expect(ours.stderr.contains("CPUs utilized") && ours.stderr.contains("seconds time elapsed") && ours.stderr.contains("seconds user") && ours.stderr.contains("seconds sys"))
    }

    @Test func repeatShowsStddev() throws {
        let ours = try sonde(["perf", "stat", "-r", "3", "-e", "task-clock,page-faults", "--", "sleep", "0.02"])
        #expect(ours.status == 0)
        #expect(ours.stderr.contains("'sleep 0.02' (3 runs):"))
        let tc = ours.stderr.split(separator: "\n").first { $0.contains("task-clock") }.map(String.init) ?? ""
        #expect(tc.range(of: "\\( \\+- *[0-9]+\\.[0-9]{2}% \\)$", options: .regularExpression) != nil, "\(tc)")
        let el = ours.stderr.split(separator: "\n").first { $0.contains("seconds time elapsed") } ?? ""
        #expect(el.range(of: "^ +[0-9.]+ \\+- [0-9.]+ seconds time elapsed", options: .regularExpression) != nil, "\(el)")
        #expect(!ours.stderr.contains("seconds user"), "perf omits user/sys with -r")
        if Self.havePerf {
            let perf = try run("perf", ["stat", "-r", "3", "-e", "task-clock,page-faults", "--", "sleep", "0.02"])
            let p = perf.stderr.split(separator: "\n", omittingEmptySubsequences: false).map { shape(String($0)) }
            let o = ours.stderr.split(separator: "\n", omittingEmptySubsequences: false).map { shape(String($0)) }
            #expect(p.filter { !$0.contains("page-faults") } == o.filter { !$0.contains("page-faults") })
        }
    }

    @Test func intervalLines() throws {
        let ours = try sonde(["perf", "stat", "-I", "100", "-e", "task-clock,page-faults", "--", "sleep", "0.35"])
        #expect(ours.status == 0)
        let lines = ours.stderr.split(separator: "\n").map(String.init)
        #expect(lines.first == "#           time             counts unit events")
        let data = lines.dropFirst()
        #expect(data.allSatisfy { $0.range(of: "^ +[0-9]+\\.[0-9]{9} ", options: .regularExpression) != nil })
        let stamps = Set(data.map { fields($0)[0] })
        #expect(stamps.count >= 3 && stamps.count <= 5, "\(stamps.sorted())")
        #expect(!ours.stderr.contains("Performance counter stats"), "no summary in interval mode")
        if Self.havePerf {
            let perf = try run("perf", ["stat", "-I", "100", "-e", "task-clock,page-faults", "--", "sleep", "0.35"])
            #expect(perf.stderr.split(separator: "\n").first.map(String.init) == lines.first)
            let pc = perf.stderr.split(separator: "\n").first { $0.contains("page-faults") && !$0.contains("<not") }.map(String.init) ?? ""
            let oc = lines.first { $0.contains("page-faults") && !$0.contains("<not") } ?? ""
            #expect(columns(pc, name: "page-faults") == columns(oc, name: "page-faults"))
        }
        let csv = try sonde(["perf", "stat", "-I", "100", "-x,", "-e", "cs", "--", "sleep", "0.15"])
        let f = csv.stderr.split(separator: "\n").first.map { $0.split(separator: ",", omittingEmptySubsequences: false) } ?? []
        #expect(f.count == 8 && f[3] == "cs", "\(csv.stderr)")
    }

    @Test(.enabled(if: havePerf)) func errorsAndExitStatus() throws {
        let ours = try sonde(["perf", "stat", "-e", "task-clok", "true"])
        let perf = try run("perf", ["stat", "-e", "task-clok", "true"])
        #expect(ours.status == perf.status && ours.status == 129)
        #expect(ours.stderr.contains("event syntax error: 'task-clok'") && ours.stderr.contains("did you mean 'task-clock'"))
        #expect(ours.stderr.split(separator: "\n").count == 1, "one clear line")
        let nopid = try sonde(["perf", "stat", "-p", "99999999"])
        #expect(nopid.status != 0 && nopid.stderr.contains("no such process"), "\(nopid.stderr)")
        let st = try sonde(["perf", "stat", "-e", "cs", "--", "sh", "-c", "exit 3"])
        #expect(st.status == 3)
        // perf 6.1 passes the status through too, though here it sometimes loses the race with its own
        // reaping and exits 0 (seen 1 run in 6): one 3 in a few tries is the oracle.
        let perfPasses = try (0..<4).contains { _ in try run("perf", ["stat", "-e", "cs", "--", "sh", "-c", "exit 3"]).status == 3 }
        #expect(perfPasses)
        let missing = try sonde(["perf", "stat", "--", "/nonexistent/cmd"])
        #expect(missing.status != 0 && missing.stderr.hasPrefix("sonde perf stat: "))
    }

    /// Hardware events go through the counting path and come out as perf prints them on this machine.
    @Test(.enabled(if: havePerf)) func hardwareEventsLikePerf() throws {
        let args = ["stat", "-x,", "-e", "cycles,instructions,cache-misses,L1-dcache-load-misses,r1a8", "--", "true"]
        let perf = try run("perf", args)
        let ours = try sonde(["perf"] + args)
        let p = perf.stderr.split(separator: "\n").map(String.init)
        let o = ours.stderr.split(separator: "\n").map(String.init)
        #expect(p.count == o.count)
        for (pl, ol) in zip(p, o) {
            if pl.hasPrefix("<not supported>") { #expect(pl == ol) } else { #expect(shape(pl) == shape(ol)) }
        }
    }

    @Test(.enabled(if: havePerf)) func toolEventsLikePerf() throws {
        // rusage has 1-4 ms granularity: a zero prints `<not counted>` in both; normalize that away.
        let args = ["stat", "-x,", "-e", "duration_time,user_time,system_time", "--", "dd", "if=/dev/zero", "of=/dev/null", "bs=1k", "count=100000"]
        let perf = try run("perf", args)
        let ours = try sonde(["perf"] + args)
        func norm(_ l: Substring) -> String { shape(String(l).replacingOccurrences(of: "<not counted>,", with: "0")) }
        let p = perf.stderr.split(separator: "\n").filter { !$0.contains("records") && !$0.contains("bytes") }.map(norm)
        let o = ours.stderr.split(separator: "\n").filter { !$0.contains("records") && !$0.contains("bytes") }.map(norm)
        #expect(p == o, "perf:\n\(perf.stderr)\nsonde:\n\(ours.stderr)")
        let d = ours.stderr.split(separator: "\n").first { $0.contains("duration_time") }?.split(separator: ",").compactMap { Double($0) } ?? []
        #expect(d.count >= 2 && d[0] >= 1_000_000 && d[0] < 5_000_000_000 && d[0] == d[1], "duration_time in ns: \(d)")
    }

    /// perf 6.1's own `-j` JSON: same keys in the same order, same shape.
    @Test(.enabled(if: havePerf)) func perfJSONLikePerf() throws {
        for args in [["-e", "task-clock,cs,cycles", "--", "true"], ["-r", "2", "-e", "task-clock", "--", "true"], ["-a", "-A", "-e", "cs", "--", "sleep", "0.01"]] {
            let perf = try run("perf", ["stat", "-j"] + args)
            let ours = try sonde(["perf", "stat", "-j"] + args)
            let p = perf.stderr.split(separator: "\n").map { shape(String($0)) }
            let o = ours.stderr.split(separator: "\n").map { shape(String($0)) }
            #expect(p == o, "perf:\n\(perf.stderr)\nsonde:\n\(ours.stderr)")
        }
    }

    @Test func modifiersGroupsTargetsAndOutputs() throws {
        // :u / :k names as perf prints them; a group.
        let m = try sonde(["perf", "stat", "-x,", "-e", "{task-clock:u,page-faults:k}", "-e", "cs", "--", "true"])
        #expect(m.status == 0)
        #expect(m.stderr.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false)[2] } == ["task-clock:u", "page-faults:k", "cs"])
        // -a -A: one line per CPU.
        let a = try sonde(["perf", "stat", "-a", "-A", "-e", "cpu-clock", "--", "sleep", "0.05"])
        let cpuLines = a.stderr.split(separator: "\n").filter { $0.hasPrefix("CPU") }
        #expect(cpuLines.count == ProcessInfo.processInfo.activeProcessorCount, "\(a.stderr)")
        #expect(a.stderr.contains("Performance counter stats for 'system wide':"))
        // --per-thread -p of a busy process: its comm-pid.
        let burner = try compileFixture("perf_spin", flags: ["-O1"])
        let child = try Child(burner, ["3000"])
        defer { child.stop() }
        let pt = try sonde(["perf", "stat", "--per-thread", "-p", "\(child.pid)", "-e", "task-clock", "--", "sleep", "0.2"])
        #expect(pt.stderr.contains("perf_spin-\(child.pid)"), "\(pt.stderr)")
        #expect(pt.stderr.contains("Performance counter stats for process id '\(child.pid)':"))
        // -o file, --json.
        let dir = try tempDir("stat")
        let path = dir.appendingPathComponent("out.txt").path
        let o = try sonde(["perf", "stat", "-o", path, "-e", "task-clock", "--", "true"])
        #expect(o.stderr.isEmpty)
        #expect((try String(contentsOfFile: path, encoding: .utf8)).contains("task-clock"))
        let j = try sonde(["perf", "stat", "--json", "-e", "task-clock,cycles", "--", "true"])
        let objs = j.stderr.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        #expect(objs.count == 2)
        #expect(objs.first?["event"] as? String == "task-clock" && objs.first?["unit"] as? String == "msec")
        #expect(objs.first?["enabled"] != nil && objs.first?["running"] != nil)
    }

    @Test func formatting() {
        let f = StatFormat(csvSep: nil, bigNum: true, runCount: 1, thousandsSep: ",")
        #expect(f.valueText(1234567, scaled: false) == "         1,234,567")
        #expect(f.valueText(1234.5, scaled: true) == "          1,234.50")
        // A multiplexed event gets perf's `  (xx.xx%)`.
        let spec = try! EventSpec.parse("cs")
        let row = StatRow(spec: spec, prefix: "", supported: true, value: 100, enabled: 200, running: 50, noisePct: nil, metric: nil)
        #expect(f.line(row, timePrefix: nil).hasSuffix("  (25.00%)"))
        let csv = StatFormat(csvSep: ";", bigNum: false, runCount: 1, thousandsSep: "")
        #expect(csv.line(row, timePrefix: nil) == "100;;cs;50;25.00;;")
        #expect(statIntervalStamp(1_234_567_891) == "     1.234567891")
        var s = RunningStats(); for x in [1.0, 2.0, 3.0] { s.add(x) }
        #expect(abs(s.stddevOfMean - (1.0 / 3.0).squareRoot()) < 1e-12)
    }

    @Test(.enabled(if: havePerf)) func listMatchesPerf() throws {
        func norm(_ s: String) -> [String] {
            // perf's SDT events come from its build-id cache and the metric groups from its JSON tables:
            // sonde lists neither; compare everything up to them.
            var out: [String] = []
            for l in s.split(separator: "\n", omittingEmptySubsequences: false) {
                if l.isEmpty { break }
                if l.contains("[SDT event]") { continue }
                out.append(fields(String(l)).joined(separator: " "))
            }
            return out
        }
        for args in [["sw"], ["hw"], ["cache"], ["tracepoint"], ["sched:*"], ["cpu*"], []] {
            let p = try run("perf", ["list"] + args)
            let o = try sonde(["perf", "list"] + args)
            #expect(o.status == 0)
            #expect(norm(p.stdout) == norm(o.stdout), "perf list \(args)")
        }
        let sw = try sonde(["perf", "list", "sw"])
        #expect(sw.stdout.contains("  context-switches OR cs                             [Software event]\n"))
    }
}
