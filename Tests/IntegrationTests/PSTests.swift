import Testing
import Foundation
import TestSupport

/// sonde ps against procps ps on the same processes.
@Suite(.serialized) struct PSTests {
    /// Known children: niced, SCHED_BATCH, SCHED_IDLE, multi-threaded.
    final class Children {
        let sleepers: [Child]
        let threaded: Child
        var pids: [Int32] { sleepers.map(\.pid) + [threaded.pid] }

        init() throws {
            sleepers = [
                try Child("sleep", ["1000"]),
                try Child("nice", ["-n", "7", "sleep", "1001"]),
                try Child("chrt", ["-b", "0", "sleep", "1002"]),
                try Child("chrt", ["-i", "0", "sleep", "1003"]),
            ]
            threaded = try Child(compileFixture("ps_threads"), ["3"])
            // Let the children exec and settle (nice/chrt exec into sleep, threads start).
            let deadline = Date().addingTimeInterval(5)
            while Date() < deadline {
                let r = try run("ps", ["-o", "comm=,nlwp=,s=,wchan=", "-p", pids.map(String.init).joined(separator: ",")])
                let rows = r.lines.map(fields)
                // All exec'd, threads started, and every task asleep in the kernel.
                if rows.count == 5 && rows.filter({ $0.first == "sleep" }).count == 4 && rows.contains(where: { $0.count > 1 && $0[1] == "4" })
                    && rows.allSatisfy({ $0.count > 3 && $0[2] == "S" && $0[3] != "-" }) { break }
                usleep(50_000)
            }
            usleep(100_000)
        }

        deinit { sleepers.forEach { $0.stop() }; threaded.stop() }
    }

    static func compare(_ args: [String], file: String = #filePath, line: Int = #line) throws {
        // Time-derived columns (%CPU over the lifetime, ELAPSED) move while the two
        // tools run: procps runs between two sonde runs and must equal one of them.
        let ours = try sonde(["ps"] + args)
        let theirs = try run("ps", args)
        let again = theirs.stdout == ours.stdout ? ours : try sonde(["ps"] + args)
        #expect(theirs.stdout == ours.stdout || theirs.stdout == again.stdout, "ps \(args.joined(separator: " ")):\n\(ours.stdout)\nvs procps\n\(theirs.stdout)")
        #expect(ours.status == theirs.status, "exit status for ps \(args.joined(separator: " "))")
    }

    @Test func identifyingColumnsOfKnownChildren() throws {
        let c = try Children()
        let list = c.pids.map(String.init).joined(separator: ",")
        try Self.compare(["-o", "pid,ppid,uid,comm,nlwp,cls,ni", "-p", list])
        // And the values are what the test set up, independently of procps.
        let rows = try sonde(["ps", "-o", "pid=,ni=,cls=,nlwp=", "-p", list]).lines.map(fields)
        #expect(rows.count == 5)
        let byPID = Dictionary(uniqueKeysWithValues: rows.map { ($0[0], $0) })
        #expect(byPID[String(c.sleepers[1].pid)]?[1] == "7")
        #expect(byPID[String(c.sleepers[2].pid)]?[2] == "B")
        #expect(byPID[String(c.sleepers[3].pid)]?[2] == "IDL")
        #expect(byPID[String(c.threaded.pid)]?[3] == "4")
    }

    @Test(arguments: [["-f"], ["-F"], ["-l"], ["-ly"], ["-fl"], ["-j"], ["-jf"], ["-c"], ["-fc"], ["-L"], ["-Lf"], ["-T"],
                      ["u"], ["j"], ["l"], ["v"], ["s"], [], ["-o", "pid,user:20,comm:3,args"], ["-O", "rss"], ["o", "pid,stat,wchan:25"],
                      ["-o", "pid=X,ppid=PARENT,tid", "-L"], ["--sort=-ni,pid", "-o", "pid,ni,cls"], ["--no-headers", "-o", "pid,nlwp"],
                      ["-o", "pid,%cpu,%mem,vsz,rss,sz,etimes,lstart,start,bsdstart,stime,time,bsdtime,rtprio,pri,opri,priority,psr,f,tpgid,pgid,sid"]])
    func formatsOfKnownChildren(_ args: [String]) throws {
        let c = try Children()
        try Self.compare(args + ["-p", c.pids.map(String.init).joined(separator: ",")])
    }

    @Test func forestOfAKnownTree() throws {
        let parent = try Child("bash", ["-c", "sleep 1010 & sleep 1011 & (sleep 1012 & wait) & wait"], newSession: true)
        defer { kill(-parent.pid, SIGKILL); parent.stop() }
        usleep(300_000)
        let sid = String(parent.pid)
        try Self.compare(["-o", "pid,ppid,args", "--forest", "-s", sid])
        try Self.compare(["fj", "-s", sid])
        try Self.compare(["-H", "-o", "pid,comm", "-s", sid])
        let tree = try sonde(["ps", "-o", "args", "--forest", "--no-headers", "-s", sid]).lines
        #expect(tree.filter { $0.contains("\\_ sleep") }.count == 3)
    }

    /// The whole table: rows of processes that exist through both runs must agree.
    /// Other tests start and end processes meanwhile (and their zombies wait for
    /// init), so rows are matched by pid (and tid for -L) and volatile ones skipped.
    @Test(arguments: [(["aux"], [1]), (["-ef"], [1]), (["-eo", "pid,ppid,uid,comm,nlwp,cls,ni,stat,tty"], [0]), (["axjf"], [1]), (["-eLf"], [1, 3])])
    func wholeTableAgreesOnStableProcesses(_ args: [String], _ key: [Int]) throws {
        let ours = try sonde(["ps"] + args).lines
        let theirs = try run("ps", args).lines
        #expect(ours.first == theirs.first, "header")
        let volatile = ["ps ", "sonde", "swift", "PackageTests", "kworker", "rcu_", "defunct", " Z", " R", "xctest", "sleep", "bash"]
        func rows(_ lines: [String]) -> [String: String] {
            var out: [String: String] = [:]
            for l in lines.dropFirst() where !volatile.contains(where: { l.contains($0) }) {
                let f = fields(l)
                out[key.map { $0 < f.count ? f[$0] : "" }.joined(separator: "/")] = l
            }
            return out
        }
        let a = rows(ours), b = rows(theirs)
        let common = Set(a.keys).intersection(b.keys)
        #expect(Double(common.count) >= 0.8 * Double(max(a.count, b.count)), "rows: \(a.count) vs \(b.count), common \(common.count)")
        let differing = common.filter { a[$0] != b[$0] }
        #expect(Double(differing.count) <= 0.05 * Double(common.count) + 1, "differing rows: \(differing.prefix(5).map { (a[$0]!, b[$0]!) })")
    }

    @Test func missingPIDPrintsHeaderAndFails() throws {
        try Self.compare(["-p", "999999"])
        let r = try sonde(["ps", "-p", "999999"])
        #expect(r.status == 1)
        #expect(r.lines.count == 1 && r.lines[0].hasSuffix("CMD"))
    }

    /// procps exits 1 on usage errors; sonde exits 2 (sonde's convention for usage) with the same message.
    @Test(arguments: [(["-o", "xyz"], "unknown user-defined format specifier \"xyz\""), (["--bogus"], "unknown gnu long option"),
                      (["-p", "abc"], "process ID list syntax error"), (["-u", "nosuchuser"], "user name does not exist"),
                      (["--sort=-xyz"], "unknown sort specifier")])
    func usageErrors(_ args: [String], _ message: String) throws {
        let r = try sonde(["ps"] + args)
        #expect(r.status == 2)
        #expect(r.stderr.contains(message))
        #expect(r.stderr.split(separator: "\n").count == 1, "one line: \(r.stderr)")
        let p = try run("ps", args)
        #expect(p.status != 0 && p.stderr.contains(message))
    }

    @Test func jsonCarriesTypedValues() throws {
        let c = try Children()
        let list = c.pids.map(String.init).joined(separator: ",")
        let r = try sonde(["ps", "--json", "-o", "pid,ni,comm,nlwp", "-p", list])
        #expect(r.status == 0)
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [[String: Any]])
        #expect(rows.count == 5)
        #expect(Set(rows.compactMap { ($0["pid"] as? NSNumber)?.int32Value }) == Set(c.pids))
        #expect(rows.contains { ($0["ni"] as? NSNumber)?.intValue == 7 })
        #expect(rows.contains { ($0["nlwp"] as? NSNumber)?.intValue == 4 })
    }

    /// Multi-call: a symlink named ps behaves as sonde ps.
    @Test func symlinkNamedPS() throws {
        let dir = try tempDir("links")
        let r = try sonde(["install-links", dir.path])
        #expect(r.status == 0, "\(r.stderr)")
        let viaLink = try run(dir.appendingPathComponent("ps").path, ["-o", "pid,comm", "-p", "1"])
        #expect(viaLink.stdout == (try run("ps", ["-o", "pid,comm", "-p", "1"])).stdout)
    }
}

/// The overview against independent sources: free(1)'s total and the kernel's CPU count.
@Suite struct OverviewIntegrationTests {
    @Test func jsonAgreesWithFreeAndNproc() throws {
        let r = try sonde(["overview", "--json", "-i", "0.2"])
        #expect(r.status == 0, "\(r.stderr)")
        let o = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        let mem = try #require(o["memory_kib"] as? [String: Any])
        let free = try run("free", ["-k"]).lines[1]
        #expect((mem["total"] as? NSNumber)?.int64Value == Int64(fields(free)[1]))
        #expect((o["cpus"] as? NSNumber)?.intValue == Int(try run("nproc", []).stdout.trimmingCharacters(in: .whitespacesAndNewlines)))
        let cpu = try #require(o["cpu_percent"] as? [String: NSNumber])
        #expect(abs(cpu.values.map(\.doubleValue).reduce(0, +) - 100) < 0.5)
        let plain = try sonde([])
        #expect(plain.status == 0 && plain.stdout.contains("Busiest by CPU") && plain.stdout.contains("Mem "))
        #expect(try sonde(["overview", "-i", "-1"]).status == 2)
    }
}
