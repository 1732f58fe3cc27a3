import Foundation
import Testing
import TestSupport

// sonde iotop against a writer with a known rate, and against Debian's iotop for shapes.

private func matches(_ s: String, _ p: String) -> Bool { s.range(of: p, options: .regularExpression) != nil }

private let summary = [
    #"^Total DISK READ: +\d+\.\d\d [BKMGTPE]/s \| Total DISK WRITE: +\d+\.\d\d [BKMGTPE]/s$"#,
    #"^Current DISK READ: +\d+\.\d\d [BKMGTPE]/s \| Current DISK WRITE: +\d+\.\d\d [BKMGTPE]/s$"#,
]
private let rowPattern = #"^ *\d+ +(be|rt|idle|\?)[^ ]* +\S+ +\d+\.\d\d [BKMGTPE]/s +\d+\.\d\d [BKMGTPE]/s \?unavailable\?  .+$"#

@Suite(.serialized)
struct IOTopIntegrationTests {
    @Test func writerRateIsInRange() throws {
        // 256 KiB rewritten and fdatasync'ed every 100 ms: about 2,560 KiB/s (less when the disk is slow).
        let dir = URL(fileURLWithPath: "/var/tmp").appendingPathComponent("sonde-iotop-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let w = try Child(try compileFixture("iotop_writer"), [dir.appendingPathComponent("data").path, "256"])
        defer { w.stop() }
        Thread.sleep(forTimeInterval: 0.5)
        let r = try sonde(["iotop", "-b", "-o", "-P", "-k", "-n", "3", "-d", "1"])
        #expect(r.status == 0, "\(r.stderr)")
        let mine = r.lines.filter { fields($0).first == String(w.pid) }
        try #require(mine.count >= 2, "writer shown in at least two of three iterations:\n\(r.stdout)")
        for line in mine.suffix(2) {
            #expect(matches(line, rowPattern), "\(line)")
            let f = fields(line)
            // TID PRIO USER read-value read-unit write-value write-unit ...
            let write = try #require(Double(f[5]))
            #expect(f[6] == "K/s")
            #expect(write > 2560 * 0.3 && write < 2560 * 2.0, "DISK WRITE \(write) K/s")
        }
        // -o keeps only tasks whose counters moved (as iotop, cancelled bytes count too): far fewer than all tasks.
        let all = try sonde(["iotop", "-b", "-P", "-n", "1"]).lines.filter { matches($0, rowPattern) }.count
        let active = r.lines.filter { matches($0, rowPattern) }.count
        #expect(active < all, "-o rows \(active) of \(all)")
        // JSON has the same task with a write rate in bytes per second.
        let j = try sonde(["iotop", "--json", "-o", "-P", "-n", "2", "-d", "1", "-p", String(w.pid)])
        let last = try #require(j.lines.last)
        let o = try #require(try JSONSerialization.jsonObject(with: Data(last.utf8)) as? [String: Any])
        let task = try #require((o["tasks"] as? [[String: Any]])?.first)
        let bps = try #require(task["write_bytes_per_second"] as? Double)
        #expect(bps > 2560 * 1024 * 0.3 && bps < 2560 * 1024 * 2)
    }

    @Test func shapesMatchDebianIotop() throws {
        let ours = try sonde(["iotop", "-b", "-n", "1"])
        #expect(ours.status == 0)
        let a = ours.stdout.components(separatedBy: "\n")
        #expect(matches(a[0], summary[0]) && matches(a[1], summary[1]), "\(a.prefix(2))")
        #expect(a[2] == "  TID  PRIO  USER     DISK READ  DISK WRITE  SWAPIN      IO    COMMAND")
        let odd = a.dropFirst(3).filter { !$0.isEmpty && !matches($0, rowPattern) }
        #expect(odd.isEmpty, "rows not in iotop's shape: \(odd)")
        let p = try sonde(["iotop", "-b", "-n", "1", "-P", "-t"]).stdout.components(separatedBy: "\n")
        #expect(p[2] == "    TIME  PID  PRIO  USER     DISK READ  DISK WRITE  SWAPIN      IO    COMMAND")
        #expect(matches(p[0], #"^\d\d:\d\d:\d\d Total DISK READ:"#))

        guard hasTool("iotop") else {
            Issue.record("Debian iotop not installed: run scripts/install-deps")
            return
        }
        let theirs = try run("iotop", ["-b", "-n", "1"])
        if theirs.status != 0 {
            // iotop needs taskstats; on a kernel without it the comparison falls back to /proc numbers above.
            print("Debian iotop failed on this kernel (status \(theirs.status)): \(theirs.stderr.prefix(200)); compared with /proc only")
            return
        }
        let b = theirs.stdout.components(separatedBy: "\n")
        #expect(matches(b[0], summary[0]) && matches(b[1], summary[1]), "oracle sanity: \(b.prefix(2))")
        #expect(a[2] == b[2], "column titles identical to iotop")
        let theirsP = try run("iotop", ["-b", "-n", "1", "-P", "-t"]).stdout.components(separatedBy: "\n")
        #expect(p[2] == theirsP[2])
        // The rows of tasks both see (iotop reads taskstats; sonde skips tasks whose io file is unreadable).
        let theirRows = b.dropFirst(3).filter { matches($0, rowPattern) }
        #expect(!theirRows.isEmpty)
        let ourByID = Dictionary(a.dropFirst(3).filter { matches($0, rowPattern) }.map { (fields($0)[0], $0) }, uniquingKeysWith: { x, _ in x })
        var compared = 0
        for row in theirRows {
            let f = fields(row)
            guard let mine = ourByID[f[0]] else { continue }
            let g = fields(mine)
            #expect(g[1] == f[1], "PRIO of \(f[0])")
            #expect(g[2] == f[2], "USER of \(f[0])")
            // COMMAND text after the fixed columns.
            let cmdTheirs = row.components(separatedBy: "?unavailable?  ").dropFirst().joined()
            let cmdOurs = mine.components(separatedBy: "?unavailable?  ").dropFirst().joined()
            // Kernel workers rename themselves after the work item they run: not stable between two runs.
            // A bracketed name on one side only is a process caught between fork and
            // exec or while exiting (its argv was empty at that instant), e.g. the
            // tmux servers other suites start and stop meanwhile.
            let transient = cmdTheirs.hasPrefix("[") != cmdOurs.hasPrefix("[")
            // Deliberate difference: iotop prints control bytes of a command line raw, so a newline
            // ends its row early; sonde prints them as `?` (as procps does), keeping one row per task.
            let theirsEscaped = String(cmdTheirs.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7f ? "?" : Character($0) })
            let sameUpToNewline = cmdOurs == theirsEscaped || cmdOurs.hasPrefix(theirsEscaped + "?")
            if !cmdTheirs.hasPrefix("[kworker/") && !transient { #expect(sameUpToNewline, "COMMAND of \(f[0])") }
            compared += 1
        }
        #expect(compared > 10, "compared \(compared) rows")
    }

    @Test func selectionQuietAndErrors() throws {
        let me = String(getpid())
        let one = try sonde(["iotop", "-b", "-n", "1", "-P", "-p", me]).lines
        #expect(one.count == 4 && fields(one[3]).first == me)
        let qqq = try sonde(["iotop", "-b", "-n", "2", "-d", "0.1", "-qqq", "-P", "-p", me]).lines
        #expect(qqq.count == 2 && qqq.allSatisfy { fields($0).first == me })
        let q = try sonde(["iotop", "-n", "2", "-d", "0.1", "-q", "-P", "-p", me]).lines
        #expect(q.filter { $0.contains("DISK WRITE  SWAPIN") }.count == 1 && q.filter { $0.hasPrefix("Total DISK") }.count == 2)
        for args in [["-n", "x"], ["-d", "-1"], ["-Z"], ["-u", "no-such-user-here"]] {
            let r = try sonde(["iotop"] + args)
            #expect(r.status == 2 && r.stderr.hasPrefix("sonde iotop: ") && r.stderr.split(separator: "\n").count == 1, "\(args): \(r.stderr)")
        }
    }
}
