import Bytes
import Foundation
import Testing
import TestSupport
import TraceEvent

/// Tracepoint records decoded with their print formats, against perf 6 (libtraceevent) on the same recording.
@Suite(.serialized)
struct TraceEventTests {
    static let available = hasTool("perf") && isRoot && FileManager.default.fileExists(atPath: "/sys/kernel/tracing/events/sched")

    /// perf records a workload with tracepoints of many subsystems (sched, timers, syscalls, kmem, irq, signals,
    /// writeback, block, filemap); `sonde perf script -F comm,tid,time,event,trace` prints every record as
    /// `perf script` does. Named difference: libtraceevent evaluates `REC->flags & (A | B | C | D)` of
    /// timer:timer_start as `(REC->flags & A) | B | C | D` and prints flags the record does not have
    /// (`flags=D|P|I` for 0x25080000, whose masked value 0x80000 is D only); sonde prints the C value.
    @Test(.enabled(if: available)) func scriptPrintsTracepointsLikePerf() throws {
        let dir = try tempDir("trace-event")
        let data = dir.appendingPathComponent("tp.data").path
        let events = ["sched:*", "timer:*", "raw_syscalls:*", "syscalls:sys_enter_openat", "syscalls:sys_exit_openat", "kmem:*",
                      "irq:*", "signal:*", "task:*", "writeback:*", "block:*", "filemap:*"]
        let available = events.filter { e in
            let parts = e.split(separator: ":")
            return FileManager.default.fileExists(atPath: "/sys/kernel/tracing/events/\(parts[0])/\(parts[1] == "*" ? "" : parts[1])")
        }
        let rec = try run("perf", ["record", "-q"] + available.flatMap { ["-e", $0] } + ["-o", data, "--", "/bin/sh", "-c",
                          "trap : USR1; ls -la /etc > /dev/null; cat /etc/hostname > /dev/null; sleep 0.05; kill -USR1 $$; true"])
        try #require(rec.status == 0, "perf record: \(rec.stderr)")
        let fields = ["script", "-i", data, "-F", "comm,tid,time,event,trace"]
        let theirs = try run("perf", fields)
        #expect(theirs.status == 0, "\(theirs.stderr)")
        let ours = try sonde(["perf"] + fields)
        #expect(ours.status == 0, "\(ours.stderr)")
        try #require(theirs.lines.count > 200, "a busy enough recording")
        #expect(ours.lines.count == theirs.lines.count)
        func comparable(_ l: String) -> String {
            guard l.contains("timer:timer_start:"), let r = l.range(of: " flags=") else { return l }
            return String(l[..<r.lowerBound])
        }
        var mismatches: [String] = []
        for (a, b) in zip(theirs.lines, ours.lines) where comparable(a) != comparable(b) { mismatches.append("perf:  \(a)\nsonde: \(b)") }
        #expect(mismatches.isEmpty, "\(mismatches.count) lines differ, first:\n\(mismatches.prefix(5).joined(separator: "\n"))")
        let kinds = Set(theirs.lines.compactMap { $0.split(separator: " ").first { $0.hasSuffix(":") && $0.contains(":") && !$0.hasPrefix("[") } })
        #expect(kinds.count >= 10, "many kinds of events were compared: \(kinds)")
    }

    /// perf's default script output for tracepoints with call chains (record, then the chain with
    /// symbol+offset and object): line for line the same, through ld.so's start-up and libc (frame-pointer
    /// chains get no inline entries in perf 6.1, and aliases are named by perf's rules: `brk`, not `__brk`).
    @Test(.enabled(if: available)) func scriptOfTracepointsWithCallchainsMatchesPerf() throws {
        let exe = try compileFixture("perf_sleep", flags: ["-O0", "-g"])
        let data = try tempDir("trace-event-g").appendingPathComponent("g.data").path
        let rec = try run("perf", ["record", "-q", "-g", "-e", "sched:sched_process_exec", "-e", "raw_syscalls:sys_enter",
                                   "-e", "sched:sched_switch", "-o", data, "--", exe])
        try #require(rec.status == 0, "perf record: \(rec.stderr)")
        let theirs = try run("perf", ["script", "-i", data]), ours = try sonde(["perf", "script", "-i", data])
        #expect(theirs.status == 0 && ours.status == 0, "\(ours.stderr)")
        try #require(theirs.lines.count > 100)
        let diff = zip(theirs.lines, ours.lines).enumerated().first { $0.element.0 != $0.element.1 }
        #expect(ours.lines.count == theirs.lines.count && diff == nil,
                "line \(diff?.offset ?? -1):\nperf:  \(diff?.element.0 ?? "")\nsonde: \(diff?.element.1 ?? "")")
    }

    /// The print format of sched_switch (casts, ternaries, __print_flags) applied to a record built here.
    @Test func schedSwitchRecordRendersItsFields() throws {
        let format = """
        name: sched_switch
        ID: 316
        format:
        \tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;
        \tfield:int common_pid;\toffset:4;\tsize:4;\tsigned:1;

        \tfield:char prev_comm[16];\toffset:8;\tsize:16;\tsigned:0;
        \tfield:pid_t prev_pid;\toffset:24;\tsize:4;\tsigned:1;
        \tfield:long prev_state;\toffset:32;\tsize:8;\tsigned:1;

        print fmt: "prev_comm=%s prev_pid=%d prev_state=%s%s", REC->prev_comm, REC->prev_pid, (REC->prev_state & ((((0x00000000 | 0x00000001 | 0x00000002 | 0x00000004) + 1) << 1) - 1)) ? __print_flags(REC->prev_state & ((((0x00000000 | 0x00000001 | 0x00000002 | 0x00000004) + 1) << 1) - 1), "|", { 0x00000001, "S" }, { 0x00000002, "D" }, { 0x00000004, "T" }) : "R", REC->prev_state & (((0x00000000 | 0x00000001 | 0x00000002 | 0x00000004) + 1) << 1) ? "+" : ""
        """
        let f = try EventFormat.parse(format, system: "sched")
        #expect(f.name == "sched_switch" && f.id == 316 && f.field("prev_comm")?.arrayCount == 16)
        var raw = [UInt8](repeating: 0, count: 40)
        for (i, c) in "bash".utf8.enumerated() { raw[8 + i] = c }
        raw[24] = 0x39; raw[25] = 0x30            // 12345
        raw[32] = 2                               // TASK_UNINTERRUPTIBLE
        #expect(f.render(Bytes(raw)) == "prev_comm=bash prev_pid=12345 prev_state=D")
        raw[32] = 0
        #expect(f.render(Bytes(raw)) == "prev_comm=bash prev_pid=12345 prev_state=R")
        raw[32] = 0x13                            // S|D, and the preempted bit ((mask + 1) << 1 = 0x10) above them
        #expect(f.render(Bytes(raw)) == "prev_comm=bash prev_pid=12345 prev_state=S|D+")
        // A record cut short prints what libtraceevent prints for records it cannot decode, never traps.
        #expect(f.render(Bytes(Array(raw.prefix(20)))).hasPrefix("[FAILED TO PARSE]"))
    }

    /// Malformed formats and records give text or an error, never a trap (deterministic mutations of real formats).
    @Test(.enabled(if: FileManager.default.fileExists(atPath: "/sys/kernel/tracing/events/sched")))
    func mutatedFormatsNeverTrap() throws {
        var seed: UInt64 = 7
        func next() -> UInt64 { seed = seed &* 6364136223846793005 &+ 1442695040888963407; return seed >> 33 }
        for e in ["sched/sched_switch", "timer/timer_start", "kmem/kmalloc", "sched/sched_process_exec"] {
            guard let text = try? String(contentsOfFile: "/sys/kernel/tracing/events/\(e)/format", encoding: .utf8) else { continue }
            var bytes = Array(text.utf8)
            for _ in 0..<200 {
                var b = bytes
                for _ in 0..<(1 + Int(next() % 6)) where !b.isEmpty { b[Int(next() % UInt64(b.count))] = UInt8(truncatingIfNeeded: next()) }
                if next() % 4 == 0 { b = Array(b.prefix(Int(next() % UInt64(max(1, b.count))))) }
                let raw = (0..<Int(next() % 96)).map { _ in UInt8(truncatingIfNeeded: next()) }
                if let f = try? EventFormat.parse(String(decoding: b, as: UTF8.self), system: "x") { _ = f.render(Bytes(raw)) }
            }
            bytes.removeAll()
        }
    }
}
