import Testing
import Foundation
import TestSupport

@Suite(.serialized) struct VMStatIntegrationTests {
    @Test(arguments: [[], ["-a"], ["-w"], ["-a", "-w"], ["-n"], ["-S", "M"], ["-SM"], ["-S", "k"], ["-t"], ["-w", "-t"], ["-y", "1", "1"]])
    func headerMatchesProcps(_ flags: [String]) throws {
        let a = try run("vmstat", flags), b = try sonde(["vmstat"] + flags)
        #expect(a.status == 0 && b.status == 0, "\(b.stderr)")
        #expect(a.lines.count == b.lines.count)
        #expect(Array(a.lines.prefix(2)) == Array(b.lines.prefix(2)))
        #expect(a.lines.map { fields($0).count } == b.lines.map { fields($0).count })
    }

    @Test func diskHeadersAndDevicesMatchProcps() throws {
        for flags in [["-d"], ["-d", "-w"], ["-D"]] {
            let a = try run("vmstat", flags), b = try sonde(["vmstat"] + flags)
            #expect(a.status == 0 && b.status == 0)
            if flags == ["-D"] {
                // Labels equal; the counters run on between the two runs (sonde's is second): never behind.
                #expect(a.lines.map { Array(fields($0).dropFirst()) } == b.lines.map { Array(fields($0).dropFirst()) })
                for (x, y) in zip(a.lines, b.lines) {
                    let p = Int(fields(x).first ?? "") ?? -1, q = Int(fields(y).first ?? "") ?? -2
                    #expect(q >= p && q - p <= max(1000, p / 100), "\(x) vs \(y)")
                }
            } else {
                #expect(a.lines.map { fields($0).first } == b.lines.map { fields($0).first }, "\(flags)")
                #expect(Array(a.lines.prefix(2)) == Array(b.lines.prefix(2)))
            }
        }
    }

    static let stat1 = "cpu  51234 312 24567 1193456 4321 0 251 132 0 0\ncpu0 25000 300 12000 596000 2000 0 100 66 0 0\ncpu1 26234 12 12567 597456 2321 0 151 66 0 0\nintr 1393299 9 0 0\nctxt 2538506\nbtime 1795712650\nprocesses 56961\nprocs_running 3\nprocs_blocked 1\nsoftirq 437 1 2\n"
    static let meminfo1 = "MemTotal:       24684096 kB\nMemFree:        23846503 kB\nMemAvailable:   24344408 kB\nBuffers:            2365 kB\nCached:           681033 kB\nActive:           297031 kB\nInactive:         384033 kB\nSwapTotal:       1048572 kB\nSwapFree:         948571 kB\nShmem:              8788 kB\nSReclaimable:      59801 kB\n"
    static let vmstat1 = "nr_free_pages 5961626\npgpgin 26504010\npgpgout 4724440\npswpin 12345\npswpout 67890\n"

    @Test(.enabled(if: canFakeProc, "needs root and unshare to bind-mount fake /proc files"))
    func identicalToProcpsOnFakeProc() throws {
        let flagSets: [[String]] = [[], ["-a"], ["-w"], ["-S", "M"], ["-S", "m"], ["-S", "k"], ["-S", "b"], ["-a", "-w", "-S", "K"], ["-s"], ["-s", "-S", "M"], ["-f"]]
        var commands: [[String]] = []
        for f in flagSets { commands.append(["/usr/bin/vmstat"] + f); commands.append([sondeBinary, "vmstat"] + f) }
        let results = try underFakeProc(["stat": Self.stat1, "meminfo": Self.meminfo1, "vmstat": Self.vmstat1], commands)
        for (k, f) in flagSets.enumerated() {
            let a = results[2 * k], b = results[2 * k + 1]
            #expect(a.status == 0 && b.status == 0, "\(f): \(b.stderr)")
            #expect(a.stdout == b.stdout, "vmstat \(f.joined(separator: " "))\n--- procps\n\(a.stdout)--- sonde\n\(b.stdout)")
        }
    }

    @Test(.enabled(if: canFakeProc, "needs root and unshare to bind-mount fake /proc files"))
    func diskReportsIdenticalOnFakeDiskstats() throws {
        // Names of real disks (procps asks sysfs whether a name is a disk) plus partitions of the first one.
        let disks = try FileManager.default.contentsOfDirectory(atPath: "/sys/block").sorted()
        try #require(!disks.isEmpty)
        var text = ""
        for (i, d) in disks.enumerated() {
            text += "   8 \(i * 16) \(d) \(1000 + i) 20 300000 4000 500 60 70000 800 2 3999 12000 7 1 900 3 11 4\n"
            // libproc2 refuses the 4-field partition lines of old kernels, so only modern layouts here.
            if i == 0 { text += "   8 1 \(d)9 11 0 220 0 33 0 440 0 0 1 2\n   8 2 \(d)8 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15\n" }
        }
        let flagSets: [[String]] = [["-d"], ["-d", "-w"], ["-D"], ["-p", disks[0] + "9"], ["-p", "/dev/" + disks[0]]]
        var commands: [[String]] = []
        for f in flagSets { commands.append(["/usr/bin/vmstat"] + f); commands.append([sondeBinary, "vmstat"] + f) }
        let results = try underFakeProc(["diskstats": text], commands)
        for (k, f) in flagSets.enumerated() {
            let a = results[2 * k], b = results[2 * k + 1]
            #expect(a.status == b.status, "\(f): \(b.stderr)")
            #expect(a.stdout == b.stdout, "vmstat \(f.joined(separator: " "))\n--- procps\n\(a.stdout)--- sonde\n\(b.stdout)")
        }
    }

    @Test func liveRatesAreConsistent() throws {
        let r = try sonde(["vmstat", "1", "3"])
        #expect(r.status == 0)
        #expect(r.lines.count == 5)
        for line in r.lines.dropFirst(2) {
            let v = fields(line).compactMap { Int($0) }
            try #require(v.count == 17)
            // us + sy + id + wa + st: five values rounded separately.
            #expect(abs(v[12...16].reduce(0, +) - 100) <= 3, "\(line)")
            #expect(v.allSatisfy { $0 >= 0 })
        }
        // The interval lines' interrupt rate is a per-second count: positive on a live system.
        #expect(fields(r.lines[3]).count == 17)
    }

    @Test func jsonLinesCarryTheSameColumns() throws {
        let r = try sonde(["vmstat", "--json", "-t", "1", "2"])
        #expect(r.status == 0)
        #expect(r.lines.count == 2)
        for line in r.lines {
            let obj = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            let cpu = try #require(obj["cpu"] as? [String: Int])
            #expect(Set(cpu.keys) == ["us", "sy", "id", "wa", "st", "gu"])
            #expect(obj["timestamp"] is String && obj["memory"] != nil && obj["procs"] != nil)
        }
        let s = try sonde(["vmstat", "-s", "--json"])
        let obj = try #require(try JSONSerialization.jsonObject(with: Data(s.stdout.utf8)) as? [String: Int64])
        #expect(obj["total_memory"] == (try meminfoValue("MemTotal")))
    }

    @Test func badArgumentsAreOneLineUsageErrors() throws {
        for args in [["-1"], ["x"], ["0"], ["1", "x"], ["--bogus"], ["-S", "q"], ["1", "2", "3"]] {
            expectOneLineError(try sonde(["vmstat"] + args), status: 2, tool: "vmstat")
            // procps refuses them as well (it exits 1).
            #expect(try run("vmstat", args).status != 0, "\(args)")
        }
        expectOneLineError(try sonde(["vmstat", "-p", "nosuchdisk"]), status: 1, tool: "vmstat")
    }

    @Test func malformedProcIsAFailure() throws {
        let good = ["stat": Self.stat1, "meminfo": Self.meminfo1, "vmstat": Self.vmstat1]
        var bad = good; bad["stat"] = "\u{0}\u{1}garbage"
        expectOneLineError(try sonde(["vmstat", "--proc", try fakeProcDir(bad)]), status: 1, tool: "vmstat")
        bad = good; bad["meminfo"] = "nothing: here\n"
        expectOneLineError(try sonde(["vmstat", "--proc", try fakeProcDir(bad)]), status: 1, tool: "vmstat")
        bad = good; bad.removeValue(forKey: "vmstat")
        expectOneLineError(try sonde(["vmstat", "--proc", try fakeProcDir(bad)]), status: 1, tool: "vmstat")
        // The fake tree alone gives the numbers the test put there.
        let r = try sonde(["vmstat", "--proc", try fakeProcDir(good)])
        #expect(r.status == 0)
        let v = fields(r.lines[2])
        // procps converts through a C float: 23846503 KiB shows as the nearest float, 23846504.
        #expect(v[0] == "3" && v[1] == "1" && v[2] == String(1048572 - 948571) && v[3] == String(UInt64(Float(23846503) / 1024 * 1024)))
        #expect(v[3] == "23846504")
    }
}
