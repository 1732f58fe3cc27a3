import Testing
import Foundation
import TestSupport

/// Replaces the leading time of each line (sysstat's %X in the C locale) so two runs compare.
func dropTimes(_ s: String) -> String {
    s.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
        let l = String(line)
        let b = Array(l.utf8)
        if b.count >= 8, b[2] == UInt8(ascii: ":"), b[5] == UInt8(ascii: ":"),
           b[0...1].allSatisfy({ $0 >= 48 && $0 <= 57 }), b[6...7].allSatisfy({ $0 >= 48 && $0 <= 57 }) {
            return "HH:MM:SS" + l.dropFirst(8)
        }
        return l
    }.joined(separator: "\n")
}

/// Runs a sysstat original with an empty signal mask: test threads block signals, a
/// spawned child inherits that, and sysstat's alarm()/pause() loop would then never wake.
func runOriginal(_ tool: String, _ args: [String], environment: [String: String]? = nil) throws -> CommandResult {
    // TestSupport's run starts children with an empty signal mask and default dispositions.
    try run(tool, args, environment: environment)
}

var onlineCPUs: Int { (try? FileManager.default.contentsOfDirectory(atPath: "/sys/devices/system/cpu"))?.filter { $0.hasPrefix("cpu") && Int($0.dropFirst(3)) != nil }.count ?? 1 }

@Suite(.serialized) struct MPStatIntegrationTests {
    let cEnv = ["LC_ALL": "C"]

    @Test(arguments: [[], ["-P", "ALL"], ["-P", "0"], ["-u"], ["-I", "SUM"], ["-u", "-I", "SUM", "-P", "ALL"], ["-P", "all"]])
    func sinceBootShapeMatchesSysstat(_ flags: [String]) throws {
        let a = try run("mpstat", flags, environment: cEnv), b = try sonde(["mpstat"] + flags, environment: cEnv)
        #expect(a.status == 0 && b.status == 0, "\(b.stderr)")
        // Same first line (uname, date, CPU count), same line count and column headers.
        #expect(a.lines.first == b.lines.first)
        #expect(a.lines.count == b.lines.count)
        #expect(a.lines.map { Array(fields($0).dropFirst()).first } == b.lines.map { Array(fields($0).dropFirst()).first })
        let ha = a.lines.filter { $0.contains("CPU") && !$0.hasPrefix("Linux") }.map { fields($0).dropFirst() }
        let hb = b.lines.filter { $0.contains("CPU") && !$0.hasPrefix("Linux") }.map { fields($0).dropFirst() }
        #expect(ha == hb)
    }

    @Test func headerLineFollowsLocaleTimeFormat() throws {
        for env in [cEnv, [:], ["S_TIME_FORMAT": "ISO"]] {
            let a = try run("mpstat", [], environment: env), b = try sonde(["mpstat"], environment: env)
            #expect(a.lines.first == b.lines.first, "\(env)")
            #expect(a.lines.first?.contains(" \t_") == true)
        }
    }

    static func fakeStat(_ n: Int) -> String {
        var s = "cpu  \(51234 * n) \(312 * n) \(24567 * n) \(1193456 * n) \(4321 * n) 17 \(251 * n) \(132 * n) \(77 * n) 5\n"
        for i in 0..<n { s += "cpu\(i) \(51234 + i * 7) \(312 + i) \(24567 - i * 3) \(1193456 + i * 1001) \(4321 + i) \(i == 0 ? 17 : 0) 251 132 77 \(i == 0 ? 5 : 0)\n" }
        return s + "intr 1393299 9 0 0\nctxt 2538506\nbtime 1795712650\nprocesses 56961\nprocs_running 3\nprocs_blocked 1\n"
    }

    static func fakeInterrupts(_ n: Int) -> String {
        var s = "     " + (0..<n).map { "      CPU\($0)" }.joined() + "\n"
        s += "  0:" + (0..<n).map { "   \(100 + $0 * 37)" }.joined() + "   IO-APIC   2-edge      timer\n"
        s += "LOC:" + (0..<n).map { "   \(90000 + $0 * 12345)" }.joined() + "   Local timer interrupts\n"
        s += "ERR:          3\nMIS:          0\n"
        return s
    }

    @Test(.enabled(if: canFakeProc, "needs root and unshare to bind-mount fake /proc files"))
    func identicalToSysstatOnFakeProc() throws {
        let n = onlineCPUs
        let files = ["stat": Self.fakeStat(n), "uptime": "12345.67 23456.78\n", "interrupts": Self.fakeInterrupts(n)]
        let flagSets: [[String]] = [[], ["-P", "ALL"], ["-P", "0"], ["-u", "-P", "all"], ["-I", "SUM"], ["-I", "SUM", "-P", "ALL"], ["-u", "-I", "SUM", "-P", "ALL"]]
        var commands: [[String]] = []
        for f in flagSets { commands.append(["/usr/bin/mpstat"] + f); commands.append([sondeBinary, "mpstat"] + f) }
        let results = try underFakeProc(files, commands, env: cEnv)
        for (k, f) in flagSets.enumerated() {
            let a = results[2 * k], b = results[2 * k + 1]
            #expect(a.status == 0 && b.status == 0, "\(f): \(b.stderr)")
            #expect(dropTimes(a.stdout) == dropTimes(b.stdout), "mpstat \(f.joined(separator: " "))\n--- sysstat\n\(a.stdout)--- sonde\n\(b.stdout)")
        }
    }

    @Test func intervalReportsAndAverages() throws {
        let r = try sonde(["mpstat", "-P", "ALL", "1", "2"], environment: cEnv)
        #expect(r.status == 0)
        let n = onlineCPUs
        let rows = r.lines.filter { !$0.contains("%usr") && !$0.hasPrefix("Linux") }
        // Two reports and the averages, each with "all" and every CPU.
        #expect(rows.count == 3 * (n + 1))
        #expect(rows.filter { $0.hasPrefix("Average:") }.count == n + 1)
        for row in rows {
            let v = fields(row).suffix(10).compactMap(Double.init)
            try #require(v.count == 10, "\(row)")
            #expect(abs(v.reduce(0, +) - 100) <= 0.5, "\(row)")
        }
        // The sysstat original prints the same shape for the same arguments.
        let a = try runOriginal("mpstat", ["-P", "ALL", "1", "2"], environment: cEnv)
        #expect(a.lines.count == r.lines.count)
        #expect(a.lines.map { fields($0).count } == r.lines.map { fields($0).count })
    }

    @Test func interruptRateIsConsistentWithProcStat() throws {
        let r = try sonde(["mpstat", "-I", "SUM", "1", "1"], environment: cEnv)
        #expect(r.status == 0)
        let lines = r.lines.filter { fields($0).count == 3 && fields($0)[1] == "all" }
        try #require(lines.count == 2)
        let rate = try #require(Double(fields(lines[0])[2]))
        #expect(rate > 0)
        #expect(fields(lines[1])[0] == "Average:" && fields(lines[1])[2] == fields(lines[0])[2])
    }

    @Test func jsonReports() throws {
        let r = try sonde(["mpstat", "--json", "-P", "ALL", "-I", "SUM", "-u"])
        #expect(r.status == 0)
        try #require(r.lines.count == 2)
        let host = try #require(try JSONSerialization.jsonObject(with: Data(r.lines[0].utf8)) as? [String: Any])
        #expect((host["host"] as? [String: Any])?["number-of-cpus"] as? Int == onlineCPUs)
        let rep = try #require(try JSONSerialization.jsonObject(with: Data(r.lines[1].utf8)) as? [String: Any])
        let load = try #require(rep["cpu-load"] as? [[String: Any]])
        #expect(load.count == onlineCPUs + 1)
        for l in load {
            let sum = ["usr", "nice", "sys", "iowait", "irq", "soft", "steal", "guest", "gnice", "idle"].compactMap { l[$0] as? Double }
            #expect(sum.count == 10 && abs(sum.reduce(0, +) - 100) <= 0.5)
        }
        #expect((rep["sum-interrupts"] as? [[String: Any]])?.count == onlineCPUs + 1)
    }

    @Test func badArgumentsAreOneLineUsageErrors() throws {
        for args in [["x"], ["1", "0"], ["-P", "999"], ["-P", "x"], ["--bogus"], ["-I", "NOPE"], ["1", "2", "3"]] {
            expectOneLineError(try sonde(["mpstat"] + args), status: 2, tool: "mpstat")
            #expect(try runOriginal("mpstat", args).status != 0, "\(args)")
        }
    }

    @Test func malformedProcIsAFailure() throws {
        expectOneLineError(try sonde(["mpstat", "--proc", try fakeProcDir(["stat": "garbage\n", "uptime": "1.00 1.00\n"])]), status: 1, tool: "mpstat")
        expectOneLineError(try sonde(["mpstat", "--proc", try fakeProcDir(["stat": Self.fakeStat(2), "uptime": "x\n"])]), status: 1, tool: "mpstat")
        expectOneLineError(try sonde(["mpstat", "--proc", try fakeProcDir([:])]), status: 1, tool: "mpstat")
    }
}
