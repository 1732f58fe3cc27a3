import Foundation
import Testing
import TestSupport

/// Real programs traced side by side with strace 6 (per process, normalized as StraceHarness describes):
/// every line must be identical.
@Suite(.serialized) struct StraceCommandsTests {
    static let python = FileManager.default.isExecutableFile(atPath: "/usr/bin/python3") ? "/usr/bin/python3" : "python3"

    static let commands: [[String]] = [
        ["ls", "-la", "/etc"],
        ["sh", "-c", "echo a | wc -c"],
        [python, "-c", "pass"],
        ["tar", "cf", "TMP/x.tar", "/etc/hostname"],
    ]

    @Test(.enabled(if: StraceHarness.available), arguments: commands)
    func identicalToStrace(_ command: [String]) throws {
        let dir = try tempDir("strace-cmd")
        defer { try? FileManager.default.removeItem(at: dir) }
        let cmd = command.map { $0.replacingOccurrences(of: "TMP", with: dir.path) }
        let theirs = try StraceHarness.trace(sonde: false, [], cmd)
        let ours = try StraceHarness.trace(sonde: true, [], cmd)
        #expect(ours.status == theirs.status)
        #expect(ours.processes.count == theirs.processes.count, "processes")
        for (i, (a, b)) in zip(theirs.processes, ours.processes).enumerated() {
            // Where an asynchronous signal lands (SIGCHLD of a pipeline's child) differs between any two
            // runs, strace against itself too: signal lines and the sigreturn after them are compared as a
            // multiset, everything else in order.
            func asynchronous(_ l: String) -> Bool { l.hasPrefix("--- SIG") || l.hasPrefix("rt_sigreturn(") }
            func signalPart(_ p: [String]) -> [String] {
                p.filter(asynchronous).map { $0.hasPrefix("rt_sigreturn(") ? String($0.prefix(while: { $0 != ")" })) : $0 }.sorted()
            }
            #expect(signalPart(a) == signalPart(b), "signals of process \(i + 1) of \(cmd)")
            let d = StraceHarness.differences(a.filter { !asynchronous($0) }, b.filter { !asynchronous($0) })
            #expect(d.isEmpty, "process \(i + 1) of \(cmd): \(d.count) lines differ:\n\(d.prefix(8).joined(separator: "\n"))")
        }
    }

    /// `-c`: the same calls and errors per syscall (times are measured, not compared).
    @Test(.enabled(if: StraceHarness.available)) func summaryCountsEqual() throws {
        func counts(_ r: CommandResult) -> [String: String] {
            var d: [String: String] = [:]
            for line in r.stderr.split(separator: "\n") {
                let f = fields(String(line))
                guard f.count >= 5, Double(f[0]) != nil, let last = f.last else { continue }
                d[last] = f[3...].dropLast().joined(separator: " ")
            }
            return d
        }
        let cmd = ["ls", "-la", "/etc", "/nonexistent"]
        let theirs = try run(try which("strace"), ["-c", "-f"] + cmd)
        let ours = try sonde(["strace", "-c", "-f"] + cmd)
        #expect(ours.status == theirs.status)
        #expect(counts(ours) == counts(theirs))
        #expect(counts(ours)["total"] != nil)
        #expect(ours.stderr.contains("% time     seconds  usecs/call     calls    errors syscall\n------ "))
    }

    /// `--json`: one object per syscall, signal and exit, in the order strace prints its lines, with the
    /// same names, return values and errors.
    @Test(.enabled(if: StraceHarness.available)) func jsonFollowsStraceLineForLine() throws {
        let dir = try tempDir("strace-json")
        defer { try? FileManager.default.removeItem(at: dir) }
        let text = dir.appendingPathComponent("text").path, json = dir.appendingPathComponent("json").path
        let cmd = ["ls", "-l", "/etc/hostname", "/nonexistent"]
        let setarch = try which("setarch")
        _ = try run(setarch, [StraceHarness.machine, "-R", try which("strace"), "-o", text] + cmd)
        let ours = try run(setarch, [StraceHarness.machine, "-R", sondeBinary, "strace", "--json", "-o", json] + cmd)
        #expect(ours.status == 2)
        let lines = try String(contentsOfFile: text, encoding: .utf8).split(separator: "\n").map(String.init)
        let objects = try String(contentsOfFile: json, encoding: .utf8).split(separator: "\n").map {
            try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
        #expect(lines.count == objects.count)
        for (line, o) in zip(lines, objects) {
            if line.hasPrefix("execve(") { continue }  // its envp pointer is the tracer's
            if line.hasPrefix("+++ exited with ") {
                #expect(o["exited"] as? Int == 2)
            } else if let name = o["syscall"] as? String {
                #expect(line.hasPrefix(name + "("), "\(line) vs \(name)")
                let ret = line.range(of: " = ", options: .backwards).map { String(line[$0.upperBound...]) } ?? ""
                if let e = o["error"] as? String { #expect(ret.hasPrefix("-1 \(e) ("), "\(line)") }
                else if o["return"] is NSNull { #expect(ret == "?") }
                else if let r = o["return"] as? Int, !["set_tid_address", "getpid", "gettid"].contains(name) { #expect(ret == String(r), "\(line)") }
                else if let r = o["return"] as? String { #expect(ret == r, "\(line)") }
                #expect(o["args"] is [Any] && o["pid"] is Int && o["time"] is Double)
            } else {
                Issue.record("unexpected object for \(line): \(o)")
            }
        }
        // Decoded fields, not text: the failing stat-like call carries its path and errno.
        let failing = objects.first { ($0["error"] as? String) == "ENOENT" && (($0["args"] as? [Any])?.contains { $0 as? String == "/nonexistent" } ?? false) }
        #expect(failing?["errno"] as? Int == 2)
    }
}
