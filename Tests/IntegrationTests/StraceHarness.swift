import Foundation
import TestSupport

/// Runs the real strace and `sonde strace` on the same command, side by side, as the notes prescribe:
/// no address randomisation (`setarch -R`), one file per process (`-ff -o`), the same environment, and
/// normalized streams (process ids by order of creation, random bytes masked).
struct StraceRun {
    /// Each process's lines, in order of process creation.
    var processes: [[String]]
    var status: Int32
    var stdout: String
    var stderr: String
}

enum StraceHarness {
    static var available: Bool { hasTool("strace") && hasTool("setarch") }

    /// `strace -ff -o DIR/t ARGS COMMAND` (or sonde's), normalized.
    static func trace(sonde useSonde: Bool, _ args: [String], _ command: [String], environment: [String: String]? = nil) throws -> StraceRun {
        let dir = try tempDir("strace-side")
        defer { try? FileManager.default.removeItem(at: dir) }
        let base = dir.appendingPathComponent("t").path
        let tracer = useSonde ? [sondeBinary, "strace"] : [try which("strace")]
        let r = try run(try which("setarch"), [machine, "-R"] + tracer + ["-ff", "-o", base] + args + command, environment: environment)
        if args.contains("-D") {
            // The detached tracer may still be writing when the program (the process we started) ended:
            // wait until every process's file ends with its exit line.
            for _ in 0..<50 {
                let names = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
                let done = !names.isEmpty && names.allSatisfy { name in
                    let text = (try? String(contentsOfFile: dir.appendingPathComponent(name).path, encoding: .utf8)) ?? ""
                    return text.split(separator: "\n").last?.hasPrefix("+++") == true
                }
                if done { break }
                usleep(100_000)
            }
        }
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.path)
            .compactMap { name -> (Int32, String)? in
                guard name.hasPrefix("t."), let pid = Int32(name.dropFirst(2)) else { return nil }
                return (pid, dir.appendingPathComponent(name).path)
            }
            .sorted { $0.0 < $1.0 }
        let pids = files.map(\.0)
        let streams = try files.map { try String(contentsOfFile: $0.1, encoding: .utf8) }
        return StraceRun(processes: streams.map { normalize($0, pids: pids) }, status: r.status, stdout: r.stdout, stderr: r.stderr)
    }

    static var machine: String {
        var u = utsname()
        uname(&u)
        return withUnsafeBytes(of: u.machine) { String(decoding: $0.prefix(while: { $0 != 0 }), as: UTF8.self) }
    }

    /// Process ids → P1, P2... (by creation order), getrandom data → <random>, the tracer's own pid
    /// (getppid of the first process) → <tracer>, sysinfo's live counters masked.
    static func normalize(_ text: String, pids: [Int32]) -> [String] {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
        let names = Dictionary(uniqueKeysWithValues: pids.enumerated().map { (String($0.element), "P\($0.offset + 1)") })
        lines = lines.map { line in
            var out = ""
            var digits = ""
            func flush() {
                if !digits.isEmpty { out += names[digits] ?? digits; digits = "" }
            }
            var previous: Character = " "
            for c in line {
                if c.isASCII && c.isNumber && (digits.isEmpty ? !(previous.isLetter || previous.isNumber || previous == "_") : true) {
                    digits.append(c)
                } else {
                    if !digits.isEmpty && (c.isLetter || c == "_") { out += digits; digits = "" } else { flush() }
                    out.append(c)
                }
                previous = c
            }
            flush()
            if let start = out.range(of: "getrandom(\""), let end = out[start.upperBound...].range(of: "\", ") {
                out.replaceSubrange(start.upperBound..<end.lowerBound, with: "<random>")
            }
            // The envp pointer of the first execve lives in the tracer's child (strace's is on its stack,
            // sonde's in its heap): the one value the tracer itself decides.
            if out.contains("execve("), let vars = out.range(of: " vars */"),
               let ptr = out[..<vars.lowerBound].range(of: "], 0x", options: .backwards),
               let end = out[ptr.upperBound...].firstIndex(of: " ") {
                out.replaceSubrange(ptr.lowerBound..<end, with: "], <envp>")
            }
            // -i on that first execve: the tracer's child called it, from the tracer's copy of libc.
            if out.hasPrefix("[0000"), out.contains("] execve(\""), lines.first.map({ $0.contains("execve(") }) == true {
                out = "[<ip>]" + out.drop(while: { $0 != "]" }).dropFirst()
            }
            // ... and under -e verbose= its argv and envp pointers.
            if lines.first.map({ $0.contains("execve(") }) == true, out.contains("execve(\"") {
                out = out.replacingOccurrences(of: #"\], 0x[0-9a-f]+, 0x[0-9a-f]+\)"#, with: "], <argv>, <envp>)", options: .regularExpression)
                out = out.replacingOccurrences(of: #"", 0x[0-9a-f]+, 0x[0-9a-f]+\)"#, with: "\", <argv>, <envp>)", options: .regularExpression)
            }
            // CPU time of a child in its SIGCHLD (how long it ran: never the same twice).
            out = out.replacingOccurrences(of: #"si_utime=\d+( /\* [^*]+ \*/)?, si_stime=\d+( /\* [^*]+ \*/)?"#, with: "<cputimes>", options: .regularExpression)
            // -v: times of the files the test runner just created (the program's stdout).
            out = out.replacingOccurrences(of: #"st_([amc])time=\d+ /\* [^*]+ \*/"#, with: "st_$1time=<t>", options: .regularExpression)
            out = out.replacingOccurrences(of: #"st_([amc])time_nsec=\d+"#, with: "st_$1time_nsec=<t>", options: .regularExpression)
            out = out.replacingOccurrences(of: #"st_ino=\d+"#, with: "st_ino=<n>", options: .regularExpression)
            // The test runner's own temporary files (the traced program's stdout under -y).
            out = out.replacingOccurrences(of: #"/tmp/run-[0-9A-F-]+/"#, with: "/tmp/run-X/", options: .regularExpression)
            // Values of the live system that change between the two runs.
            if out.hasPrefix("sysinfo({") { out = "sysinfo({<live>}) = 0" }
            if out.hasPrefix("getppid()"), let eq = out.range(of: "= "), names[String(out[eq.upperBound...])] == nil {
                out = out[..<eq.upperBound] + "<tracer>"
            }
            return out
        }
        return lines
    }

    /// Lines of `a` and `b` that differ, as `-`/`+` pairs (empty when identical).
    static func differences(_ a: [String], _ b: [String]) -> [String] {
        var out: [String] = []
        for i in 0..<max(a.count, b.count) {
            let x = i < a.count ? a[i] : "<none>", y = i < b.count ? b[i] : "<none>"
            if x != y { out.append("- \(x)\n+ \(y)") }
        }
        return out
    }

    /// What differs between two runs, per process. Where an asynchronous signal lands (SIGCHLD of a
    /// child) differs between any two runs, strace against itself too: signal lines, the sigreturn after
    /// them, calls the signal interrupted (`= ? ERESTART...`, retried) and wait4 (which child ends first)
    /// are compared as a multiset, everything else in order.
    static func mismatches(_ theirs: StraceRun, _ ours: StraceRun) -> [String] {
        var out: [String] = []
        if ours.processes.count != theirs.processes.count {
            out.append("\(ours.processes.count) processes, strace saw \(theirs.processes.count)")
        }
        func asynchronous(_ l: String) -> Bool {
            l.hasPrefix("--- SIG") || l.hasPrefix("rt_sigreturn(") || l.hasPrefix("wait4(") || l.contains("= ? ERESTART")
        }
        func signalPart(_ p: [String]) -> [String] {
            p.filter(asynchronous).filter { !$0.contains("= ? ERESTART") }
                .map { $0.hasPrefix("rt_sigreturn(") ? String($0.prefix(while: { $0 != ")" })) : $0 }.sorted()
        }
        for (i, (a, b)) in zip(theirs.processes, ours.processes).enumerated() {
            if signalPart(a) != signalPart(b) { out.append("signals of process \(i + 1): \(signalPart(a)) vs \(signalPart(b))") }
            let d = differences(a.filter { !asynchronous($0) }, b.filter { !asynchronous($0) })
            if !d.isEmpty { out.append("process \(i + 1): \(d.count) lines differ:\n\(d.prefix(8).joined(separator: "\n"))") }
        }
        return out
    }
}
