import Testing
import Foundation
import TestSupport

@Suite(.serialized) struct IOStatIntegrationTests {
    let cEnv = ["LC_ALL": "C"]

    @Test(arguments: [[], ["-x"], ["-d"], ["-c"], ["-k"], ["-m"], ["-d", "-m", "-x"], ["-z"], ["ALL"], ["-p", "ALL"], ["-x", "-p", "ALL"]])
    func sinceBootShapeMatchesSysstat(_ flags: [String]) throws {
        let a = try run("iostat", flags, environment: cEnv), b = try sonde(["iostat"] + flags, environment: cEnv)
        #expect(a.status == 0 && b.status == 0, "\(b.stderr)")
        #expect(a.lines.first == b.lines.first)
        #expect(a.stdout.components(separatedBy: "\n").count == b.stdout.components(separatedBy: "\n").count)
        // Same header lines and devices.
        #expect(a.lines.filter { $0.hasPrefix("Device") || $0.hasPrefix("avg-cpu") } == b.lines.filter { $0.hasPrefix("Device") || $0.hasPrefix("avg-cpu") })
        let devA = a.lines.drop { !$0.hasPrefix("Device") }.dropFirst().map { fields($0)[0] }
        let devB = b.lines.drop { !$0.hasPrefix("Device") }.dropFirst().map { fields($0)[0] }
        // sysstat sorts its device list by name, except with -p ALL (file order): same order then.
        #expect(devA == devB)
    }

    static func fakeStat() -> String {
        "cpu  51234 312 24567 1193456 4321 17 251 132 77 5\ncpu0 25617 156 12283 596728 2160 17 125 66 77 5\ncpu1 25617 156 12284 596728 2161 0 126 66 0 0\nintr 1393299\nctxt 2538506\nbtime 1795712650\n"
    }

    static let fakeDiskstats = """
       7       0 loop0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0
       8       0 sda 233807 12021 17304278 131542 187323 201432 25694216 299710 0 300732 556137 19234 0 6434752 8374 51020 116510
       8       1 sda1 230001 12001 17200000 131000 187000 201400 25690000 299000 0 300000 555000 19234 0 6434752 8374 0 0
       8       2 sda2 300 0 2400 12 0 0 0 0 0 40 12 0 0 0 0 0 0
       8      16 sdb 120 3 4444 77 1 0 8 3 1 120 80
     259       0 nvme0n1 999999999 123 4294967295 1 8 0 16 0 0 1 1 0 0 0 0 0 0
    """

    @Test(.enabled(if: canFakeProc, "needs root and unshare to bind-mount fake /proc files"))
    func identicalToSysstatOnFakeProc() throws {
        let files = ["stat": Self.fakeStat(), "uptime": "12345.67 23456.78\n", "diskstats": Self.fakeDiskstats + "\n"]
        let flagSets: [[String]] = [["-p", "ALL"], ["-x", "-p", "ALL"], ["-d", "-m", "-p", "ALL"], ["-c"], ["-x", "-m", "-p", "ALL"],
                                    ["-z", "-p", "ALL"], ["-d", "-k", "-x", "-z", "-p", "ALL"]]
        var commands: [[String]] = []
        for f in flagSets { commands.append(["/usr/bin/iostat"] + f); commands.append([sondeBinary, "iostat"] + f) }
        let results = try underFakeProc(files, commands, env: cEnv)
        for (k, f) in flagSets.enumerated() {
            let a = results[2 * k], b = results[2 * k + 1]
            #expect(a.status == 0 && b.status == 0, "\(f): \(b.stderr)")
            #expect(a.stdout == b.stdout, "iostat \(f.joined(separator: " "))\n--- sysstat\n\(a.stdout)--- sonde\n\(b.stdout)")
        }
    }

    @Test func intervalReportsAreConsistent() throws {
        let r = try sonde(["iostat", "-c", "1", "3"], environment: cEnv)
        #expect(r.status == 0)
        let values = r.lines.filter { !$0.hasPrefix("avg-cpu") && !$0.hasPrefix("Linux") }
        #expect(values.count == 3)
        for v in values {
            let p = fields(v).compactMap(Double.init)
            try #require(p.count == 6)
            #expect(abs(p.reduce(0, +) - 100) <= 0.5, "\(v)")
        }
        let a = try runOriginal("iostat", ["-c", "1", "3"], environment: cEnv)
        #expect(a.stdout.components(separatedBy: "\n").count == r.stdout.components(separatedBy: "\n").count)
    }

    @Test func skipFirstReportAndTimestamps() throws {
        let a = try runOriginal("iostat", ["-y", "-t", "-d", "1", "1"], environment: cEnv)
        let b = try sonde(["iostat", "-y", "-t", "-d", "1", "1"], environment: cEnv)
        #expect(b.status == 0)
        #expect(a.stdout.components(separatedBy: "\n").count == b.stdout.components(separatedBy: "\n").count)
        // Line 2 of both is the sample time "MM/DD/YY HH:MM:SS".
        #expect(b.lines.count >= 2 && fields(b.lines[1]).count == 2 && fields(a.lines[1]).count == 2)
    }

    @Test func readRateMatchesBytesReadInInterval() throws {
        // Read a file with O_DIRECT-less dd after dropping caches is intrusive; instead check the
        // interval report against /proc/diskstats deltas sampled around it.
        let before = try String(contentsOfFile: "/proc/diskstats", encoding: .utf8)
        let r = try sonde(["iostat", "-d", "-y", "ALL", "1", "1"], environment: cEnv)
        let after = try String(contentsOfFile: "/proc/diskstats", encoding: .utf8)
        #expect(r.status == 0)
        func sectors(_ text: String) -> [String: Int] {
            var m: [String: Int] = [:]
            for l in text.split(separator: "\n") { let f = fields(String(l)); if f.count > 6 { m[f[2]] = Int(f[5]) } }
            return m
        }
        let s0 = sectors(before), s1 = sectors(after)
        for line in r.lines.drop(while: { !$0.hasPrefix("Device") }).dropFirst() {
            let f = fields(line)
            let kB = try #require(Int(f[5]))
            let maxDelta = ((s1[f[0]] ?? 0) - (s0[f[0]] ?? 0)) / 2
            #expect(kB >= 0 && kB <= maxDelta, "\(line)")
        }
    }

    @Test func jsonReports() throws {
        let r = try sonde(["iostat", "--json", "-x", "ALL"])
        #expect(r.status == 0)
        try #require(r.lines.count == 2)
        let rep = try #require(try JSONSerialization.jsonObject(with: Data(r.lines[1].utf8)) as? [String: Any])
        let cpu = try #require(rep["avg-cpu"] as? [String: Double])
        #expect(abs(cpu.values.reduce(0, +) - 100) <= 0.5)
        let disks = try #require(rep["disk"] as? [[String: Any]])
        let names = try FileManager.default.contentsOfDirectory(atPath: "/sys/block")
        #expect(Set(disks.compactMap { $0["disk_device"] as? String }) == Set(names))
        #expect(disks.allSatisfy { $0["util"] is Double && $0["r_await"] is Double })
    }

    @Test func badArgumentsAreOneLineUsageErrors() throws {
        for args in [["-Q"], ["1", "0"], ["0", "5"], ["1", "2", "3"], ["--bogus"]] {
            expectOneLineError(try sonde(["iostat"] + args), status: 2, tool: "iostat")
            #expect(try runOriginal("iostat", args).status != 0, "\(args)")
        }
        expectOneLineError(try sonde(["iostat", "-k", "-m"]), status: 2, tool: "iostat")
    }

    @Test func malformedProcIsAFailure() throws {
        expectOneLineError(try sonde(["iostat", "--proc", try fakeProcDir(["stat": "\u{0}", "uptime": "1.0 1.0\n", "diskstats": ""])]), status: 1, tool: "iostat")
        expectOneLineError(try sonde(["iostat", "--proc", try fakeProcDir(["stat": Self.fakeStat(), "uptime": "1.0 1.0\n"])]), status: 1, tool: "iostat")
        // Garbage diskstats lines are skipped, not fatal.
        let r = try sonde(["iostat", "-p", "ALL", "--proc", try fakeProcDir(["stat": Self.fakeStat(), "uptime": "100.00 1.0\n", "diskstats": "junk\n 8 0 sda 1 2 3\n 8 0 sdq 100 0 200 0 0 0 0 0 0 0 0\n"])])
        #expect(r.status == 0)
        #expect(r.lines.last.map { fields($0) } == ["sdq", "1.00", "1.00", "0.00", "0.00", "100", "0", "0"])
    }
}
