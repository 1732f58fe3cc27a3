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
        for problem in StraceHarness.mismatches(theirs, ours) { Issue.record("\(cmd): \(problem)") }
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
        // --json -c: the same counts as an object per syscall.
        let j = try sonde(["strace", "--json", "-c", "-f"] + cmd)
        let last = try #require(j.stderr.split(separator: "\n").last)
        let o = try #require(try JSONSerialization.jsonObject(with: Data(last.utf8)) as? [String: Any])
        let rows = try #require(o["syscalls"] as? [[String: Any]])
        var fromJSON: [String: String] = [:]
        for r in rows {
            let errors = r["errors"] as? Int ?? 0
            fromJSON[r["syscall"] as? String ?? ""] = "\(r["calls"] as? Int ?? 0)" + (errors > 0 ? " \(errors)" : "")
        }
        var expected = counts(theirs)
        expected["total"] = nil
        #expect(fromJSON == expected)
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

    /// `-e inject=`: errors, return values and signals injected into the same calls as strace, with the
    /// same effect on the program (its exit status) and the same `(INJECTED)` lines.
    @Test(.enabled(if: StraceHarness.available), arguments: [
        ["-e", "trace=openat", "-e", "inject=openat:error=ENOENT:when=3"],
        ["-f", "--seccomp-bpf", "-e", "trace=openat", "-e", "inject=openat:error=EACCES:when=2+"],
        ["-e", "trace=getppid,getuid", "-e", "inject=getuid:retval=42"],
        ["-e", "trace=getppid", "-e", "inject=getppid:error=EPERM:signal=USR1"],
    ])
    func injectionLikeStrace(_ args: [String]) throws {
        let cmd = ["sh", "-c", "id -u; cat /etc/hostname"]
        let theirs = try StraceHarness.trace(sonde: false, args, cmd)
        let ours = try StraceHarness.trace(sonde: true, args, cmd)
        #expect(ours.status == theirs.status && ours.stdout == theirs.stdout, "\(args)")
        for problem in StraceHarness.mismatches(theirs, ours) { Issue.record("\(args): \(problem)") }
        #expect(ours.processes.joined().contains { $0.contains("(INJECTED)") || $0.hasPrefix("--- SIGUSR1") })
    }

    /// `-b execve`: children are let go at their execve (the line ends `<detached ...>`), the command's
    /// own first execve is not; the program runs on untraced to the same result.
    @Test(.enabled(if: StraceHarness.available)) func detachOnExecveLikeStrace() throws {
        let cmd = ["sh", "-c", "/bin/true; echo x"]
        let theirs = try StraceHarness.trace(sonde: false, ["-b", "execve"], cmd)
        let ours = try StraceHarness.trace(sonde: true, ["-b", "execve"], cmd)
        #expect(ours.stdout == "x\n" && theirs.stdout == ours.stdout && ours.status == theirs.status)
        for problem in StraceHarness.mismatches(theirs, ours) { Issue.record("\(problem)") }
        #expect(ours.processes.joined().contains { $0.hasPrefix("execve(\"/bin/true\"") && $0.hasSuffix(" <detached ...>") })
    }

    /// `-D`: the program keeps the tracer's place (the process the shell started becomes the program) and
    /// the tracer runs detached; the trace is strace's.
    @Test(.enabled(if: StraceHarness.available)) func daemonizedTracerLikeStrace() throws {
        let cmd = ["sh", "-c", "echo a; cat /etc/hostname"]
        let theirs = try StraceHarness.trace(sonde: false, ["-D"], cmd)
        let ours = try StraceHarness.trace(sonde: true, ["-D"], cmd)
        #expect(ours.stdout == theirs.stdout && ours.status == theirs.status)
        // The tracer may still be writing its file when the program has ended: compare what both wrote.
        for problem in StraceHarness.mismatches(theirs, ours) { Issue.record("\(problem)") }
        #expect(ours.processes.first?.first?.hasPrefix("execve(\"/usr/bin/sh\"") == true)
    }

    /// `-o '|command'`: the trace goes to a shell command's input, as with strace.
    @Test(.enabled(if: StraceHarness.available)) func outputToACommand() throws {
        let dir = try tempDir("strace-pipe")
        defer { try? FileManager.default.removeItem(at: dir) }
        let a = dir.appendingPathComponent("a").path, b = dir.appendingPathComponent("b").path
        let setarch = try which("setarch")
        let cmd = ["-e", "trace=openat,read", "cat", "/etc/hostname"]
        _ = try run(setarch, [StraceHarness.machine, "-R", try which("strace"), "-o", "|cat > \(a)"] + cmd)
        let r = try run(setarch, [StraceHarness.machine, "-R", sondeBinary, "strace", "-o", "|cat > \(b)"] + cmd)
        #expect(r.status == 0)
        let x = try String(contentsOfFile: a, encoding: .utf8), y = try String(contentsOfFile: b, encoding: .utf8)
        #expect(!y.isEmpty && x == y)
    }
}
