import Foundation
import Monitors
import ProcFS
import Render
import Testing
import TestSupport

/// sonde proc over fake /proc trees: values land where they belong, missing files become notes.
@Suite struct ProcSummaryTests {
    let stat = "100 (my prog) S 1 100 100 0 -1 4194560 10 0 0 0 250 50 0 0 20 0 2 0 1000 12345678 300 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0\n"
    let status = "Name:\tmy prog\nState:\tS (sleeping)\nTgid:\t100\nPid:\t100\nPPid:\t1\nUid:\t0\t0\t0\t0\nGid:\t0\t0\t0\t0\nVmSize:\t   12056 kB\nVmRSS:\t    1200 kB\nRssAnon:\t     200 kB\nRssFile:\t    1000 kB\nRssShmem:\t       0 kB\nVmSwap:\t       0 kB\nThreads:\t2\nvoluntary_ctxt_switches:\t5\nnonvoluntary_ctxt_switches:\t3\n"

    func tree(_ extra: [String: String] = [:], dropping: Set<String> = []) throws -> ProcFS {
        let root = try tempDir("fakeproc")
        var files: [String: String] = [
            "stat": "cpu 1 2 3 4 5 6 7 8 0 0\nbtime 1700000000\n",
            "uptime": "100.50 50.00\n",
            "100/stat": stat,
            "100/status": status,
            "100/cmdline": "my prog\u{0}--opt\u{0}",
            "100/limits": "Limit                     Soft Limit           Hard Limit           Units     \nMax open files            1024                 4096                 files     \n",
            "100/smaps_rollup": "00400000-7fff0000 ---p 00000000 00:00 0 [rollup]\nRss: 1200 kB\nPss: 700 kB\nPrivate_Clean: 100 kB\nPrivate_Dirty: 150 kB\n",
            "100/cgroup": "0::/system.slice/x.service\n",
            "100/schedstat": "2000000000 500000000 40\n",
            "100/io": "rchar: 4096\nwchar: 10\n",
            "100/task/100/stat": stat,
            "100/task/101/stat": stat.replacingOccurrences(of: "100 (my prog) S", with: "101 (worker) R"),
        ]
        for (k, v) in extra { files[k] = v }
        for k in dropping { files[k] = nil }
        try writeTree(files, in: root)
        return ProcFS(root: root.path)
    }

    @Test func fullTree() throws {
        let snap = try ProcSnapshot.collect(pid: 100, fs: tree())
        let s = ProcSummary(snap, clockTicks: 100)
        #expect(s.startEpoch == 1_700_000_010)  // btime + 1000 ticks / 100
        #expect(s.elapsedSeconds == 90)  // uptime 100 - 10
        let text = s.text()
        #expect(text.hasPrefix("Process 100 (my prog)\n"))
        #expect(text.contains("  my prog --opt\n"))
        #expect(text.contains("user 2.50s, system 0.50s"))
        #expect(text.contains("PSS       700 kB"))
        #expect(text.contains("USS       250 kB"))
        #expect(text.contains("5 voluntary, 3 involuntary"))
        #expect(text.contains("run time      2.000000s"))
        #expect(text.contains("Threads (2)"))
        #expect(text.split(separator: "\n").contains { fields(String($0)) == ["Max", "open", "files", "1024", "4096", "files"] })
        #expect(text.contains("0:(v2)  /system.slice/x.service"))
        #expect(text.contains("rchar  4096"))
        // No symlinks in the fake tree: links are notes, not failures.
        #expect(text.contains("cwd   (no link"))
        let json = s.json().serialized()
        let o = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        #expect((o["memory"] as? [String: Any])?["Uss_kb"] as? Int == 250)
        #expect((o["threads"] as? [[String: Any]])?.map { $0["comm"] as? String } == ["my prog", "worker"])
        #expect((o["scheduling"] as? [String: Any])?["run_ns"] as? Int == 2_000_000_000)
        #expect((o["notes"] as? [String: Any])?["exe"] != nil)
    }

    /// Every optional file missing or malformed: still a summary, with notes.
    @Test func missingAndMalformedPiecesAreNotes() throws {
        let fs = try tree(["100/limits": "garbage\n", "100/schedstat": "x y z\n", "100/smaps_rollup": "\u{1}\u{2}"],
                          dropping: ["100/io", "100/cgroup", "100/status", "100/cmdline", "uptime"])
        let snap = try ProcSnapshot.collect(pid: 100, fs: fs)
        for key in ["limits", "schedstat", "io", "cgroup", "status", "cmdline", "uptime", "smaps_rollup"] {
            #expect(snap.note(for: key) != nil, "note for \(key)")
        }
        let text = ProcSummary(snap, clockTicks: 100).text()
        #expect(text.contains("(io: not present (old kernel or exited process))"))
        #expect(text.contains("  [my prog]\n"))  // no cmdline: [comm]
        #expect(text.contains("Scheduling"))
        #expect(ProcSummary(snap).json().serialized().contains("\"notes\""))
    }

    @Test func missingProcessIsAnError() throws {
        #expect(throws: ToolError("555: no such process")) { try ProcSnapshot.collect(pid: 555, fs: tree()) }
        let bad = try tree(["100/stat": "garbage"])
        #expect(throws: ToolError.self) { try ProcSnapshot.collect(pid: 100, fs: bad) }
    }

    @Test func elapsedFormatLikePs() {
        #expect(ProcSummary.elapsedText(5) == "00:05")
        #expect(ProcSummary.elapsedText(3723) == "01:02:03")
        #expect(ProcSummary.elapsedText(90061) == "1-01:01:01")
    }
}
