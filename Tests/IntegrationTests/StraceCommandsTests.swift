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
}
