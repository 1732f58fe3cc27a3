import Foundation
import Testing
import TestSupport

/// sonde chrt against util-linux chrt: each reads what the other set.
@Suite(.serialized) struct ChrtIntegrationTests {
    static let available = hasTool("chrt") && isRoot

    @Test(.enabled(if: hasTool("chrt"))) func minMaxIdentical() throws {
        let want = try run("chrt", ["-m"])
        let got = try sonde(["chrt", "-m"])
        #expect(got.status == 0)
        #expect(got.stdout == want.stdout)
        #expect(got.stdout.contains("SCHED_FIFO min/max priority\t: 1/99"))
    }

    /// Children started by util-linux chrt under each policy, shown by both.
    @Test(.enabled(if: available), arguments: [["-f", "10"], ["-r", "5"], ["-b", "0"], ["-i", "0"], ["-o", "0"], ["-R", "-f", "3"], ["-R", "-b", "0"]])
    func showMatchesUtilLinux(_ policy: [String]) throws {
        let child = try Child("chrt", policy + ["sleep", "100"])
        defer { child.stop() }
        usleep(100_000)  // let chrt exec sleep
        let want = try run("chrt", ["-p", String(child.pid)])
        let got = try sonde(["chrt", "-p", String(child.pid)])
        #expect(want.status == 0)
        #expect(got.status == 0)
        #expect(got.stdout == want.stdout)
        #expect(got.stdout.hasPrefix("pid \(child.pid)'s current scheduling policy: SCHED_"))
    }

    @Test(.enabled(if: available && hasTool("gcc"))) func allTasksMatchesUtilLinux() throws {
        let t = try PMapTarget()  // three threads
        #expect(try run("chrt", ["-a", "-f", "-p", "4", String(t.pid)]).status == 0)
        let want = try run("chrt", ["-a", "-p", String(t.pid)])
        let got = try sonde(["chrt", "-a", "-p", String(t.pid)])
        #expect(got.stdout == want.stdout)
        #expect(got.lines.count == 6)
    }

    /// sonde sets, util-linux reads back.
    @Test(.enabled(if: available), arguments: [
        (["-f", "-p", "12"], "SCHED_FIFO", "12"), (["-r", "-p", "7"], "SCHED_RR", "7"), (["-p", "9"], "SCHED_RR", "9"),
        (["-b", "-p", "0"], "SCHED_BATCH", "0"), (["-i", "-p", "0"], "SCHED_IDLE", "0"),
        (["-R", "-r", "-p", "2"], "SCHED_RR|SCHED_RESET_ON_FORK", "2"), (["--fifo", "--rr", "-p", "3"], "SCHED_RR", "3"),
    ])
    func setReadBackByUtilLinux(_ args: [String], _ policy: String, _ prio: String) throws {
        let child = try Child("sleep", ["100"])
        defer { child.stop() }
        let set = try sonde(["chrt"] + args + [String(child.pid)])
        #expect(set.status == 0, "\(set.stderr)")
        #expect(set.stdout.isEmpty)
        let back = try run("chrt", ["-p", String(child.pid)])
        #expect(back.lines == ["pid \(child.pid)'s current scheduling policy: \(policy)", "pid \(child.pid)'s current scheduling priority: \(prio)"])
    }

    /// util-linux sets, sonde reads back, and -v prints the same "new" lines as util-linux.
    @Test(.enabled(if: available)) func verboseSetMatchesUtilLinux() throws {
        let a = try Child("sleep", ["100"]), b = try Child("sleep", ["100"])
        defer { a.stop(); b.stop() }
        let want = try run("chrt", ["-v", "-r", "-p", "6", String(a.pid)])
        let got = try sonde(["chrt", "-v", "-r", "-p", "6", String(b.pid)])
        #expect(got.stdout == want.stdout.replacingOccurrences(of: "pid \(a.pid)'s", with: "pid \(b.pid)'s"))
        #expect(got.stdout.contains("new scheduling policy: SCHED_RR"))
    }

    /// The nice value survives a policy change, as with util-linux (sched_setscheduler, not setattr).
    @Test(.enabled(if: available)) func setKeepsNice() throws {
        let child = try Child("nice", ["-n", "7", "sleep", "100"])
        defer { child.stop() }
        usleep(100_000)
        #expect(try sonde(["chrt", "-b", "-p", "0", String(child.pid)]).status == 0)
        #expect(try run("ps", ["-o", "ni=", "-p", String(child.pid)]).stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "7")
        #expect(try run("chrt", ["-p", String(child.pid)]).stdout.contains("SCHED_BATCH"))
    }

    @Test(.enabled(if: available)) func deadlineSetAndShown() throws {
        let child = try Child("sleep", ["100"])
        defer { child.stop() }
        let set = try sonde(["chrt", "-d", "-T", "1000000", "-P", "10000000", "-D", "5000000", "-p", "0", String(child.pid)])
        guard set.status == 0 else {
            // The kernel may refuse (admission control); util-linux must refuse the same way.
            let ul = try run("chrt", ["-d", "-T", "1000000", "-P", "10000000", "-D", "5000000", "-p", "0", String(child.pid)])
            #expect(ul.status == set.status)
            return
        }
        let back = try run("chrt", ["-p", String(child.pid)])
        #expect(back.stdout.contains("runtime/deadline/period parameters: 1000000/5000000/10000000"))
        #expect(try sonde(["chrt", "-p", String(child.pid)]).stdout == back.stdout)
    }

    /// Running a command: util-linux's chrt inside reports the policy it was started with.
    @Test(.enabled(if: available)) func runsCommandUnderPolicy() throws {
        let got = try sonde(["chrt", "-f", "7", "chrt", "-p", "0"])
        #expect(got.status == 0)
        #expect(got.lines.count == 2)
        #expect(got.lines.first?.hasSuffix("current scheduling policy: SCHED_FIFO") == true)
        #expect(got.lines.last?.hasSuffix("current scheduling priority: 7") == true)
        let dflt = try sonde(["chrt", "3", "chrt", "-p", "0"])
        #expect(dflt.lines.first?.hasSuffix("SCHED_RR") == true)
    }

    @Test(.enabled(if: available)) func execFailureLikeUtilLinux() throws {
        let want = try run("chrt", ["-f", "10", "/nonexistent/cmd"])
        let got = try sonde(["chrt", "-f", "10", "/nonexistent/cmd"])
        #expect(want.status == 127)
        #expect(got.status == want.status)
        #expect(got.stderr == "sonde chrt: failed to execute /nonexistent/cmd: No such file or directory\n")
    }

    @Test(.enabled(if: hasTool("chrt")), arguments: [["-f", "100", "true"], ["-o", "5", "true"], ["-b", "1", "true"], ["-f", "0", "true"],
                                                     ["-f", "-T", "5", "-p", "1", "1"]])
    func validationErrorsLikeUtilLinux(_ args: [String]) throws {
        let want = try run("chrt", args)
        let got = try sonde(["chrt"] + args)
        #expect(want.status == 1)
        #expect(got.status == want.status)
        #expect(got.stderr == want.stderr.replacingOccurrences(of: "chrt: ", with: "sonde chrt: "))
    }

    @Test(.enabled(if: hasTool("chrt"))) func missingPIDLikeUtilLinux() throws {
        let want = try run("chrt", ["-p", "999999"])
        let got = try sonde(["chrt", "-p", "999999"])
        #expect(got.status == 1 && want.status == 1)
        #expect(got.stderr == want.stderr.replacingOccurrences(of: "chrt: ", with: "sonde chrt: "))
    }

    /// Usage errors exit 2 (sonde's convention; util-linux uses 1).
    @Test(arguments: [["-p", "abc"], ["-z"], [], ["5"], ["-p"], ["-f", "x", "true"], ["-d", "-T", "abc", "0", "true"]])
    func usageErrors(_ args: [String]) throws {
        let got = try sonde(["chrt"] + args)
        #expect(got.status == 2, "args \(args): \(got.stderr)")
        #expect(got.stdout.isEmpty)
        #expect(!got.stderr.isEmpty)
    }

    @Test(.enabled(if: available)) func jsonShowsPolicy() throws {
        let child = try Child("chrt", ["-r", "8", "sleep", "100"])
        defer { child.stop() }
        usleep(100_000)
        let got = try sonde(["chrt", "--json", "-p", String(child.pid)])
        let o = try #require(try JSONSerialization.jsonObject(with: Data(got.stdout.utf8)) as? [String: Any])
        #expect(o["policy"] as? String == "SCHED_RR")
        #expect(o["priority"] as? Int == 8)
        #expect(o["pid"] as? Int == Int(child.pid))
    }
}
