import Foundation
import Testing
import TestSupport

/// sonde proc checked against what the fixture knows about itself and against ps/readlink.
@Suite(.serialized) struct ProcIntegrationTests {
    static let available = hasTool("gcc") && hasTool("ps")

    func json(_ pid: Int32) throws -> [String: Any] {
        let r = try sonde(["proc", "--json", String(pid)])
        #expect(r.status == 0, "\(r.stderr)")
        return try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
    }

    @Test(.enabled(if: available)) func identityMatchesFixtureAndPs() throws {
        let t = try PMapTarget()
        let o = try json(t.pid)
        let id = try #require(o["identity"] as? [String: Any])
        #expect(id["pid"] as? Int == Int(t.pid))
        #expect(id["ppid"] as? Int == Int(getpid()))  // the test runner started it
        #expect(id["comm"] as? String == "pmap_target")
        let ps = fields(try run("ps", ["-o", "ppid=,nlwp=,ni=,user=,comm=", "-p", String(t.pid)]).stdout.trimmingCharacters(in: .whitespacesAndNewlines))
        try #require(ps.count == 5, "ps: \(ps)")
        #expect(ps[0] == String(getpid()) && ps[1] == "3" && ps[4] == "pmap_target", "ps: \(ps)")
        #expect(id["user"] as? String == ps[3])
        let threads = try #require(o["threads"] as? [[String: Any]])
        #expect(threads.count == Int(ps[1]))
        #expect(Set(threads.compactMap { $0["tid"] as? Int }).contains(Int(t.pid)))
        let sched = try #require(o["scheduling"] as? [String: Any])
        #expect(sched["nice"] as? Int == Int(ps[2]))
        #expect(sched["policy"] as? String == "SCHED_OTHER")
        // elapsed agrees with ps etimes within a second or two
        let etimes = Int(fields(try run("ps", ["-o", "etimes=", "-p", String(t.pid)]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)).first ?? "") ?? -100
        #expect(abs((id["elapsed_seconds"] as? Int ?? -1000) - etimes) <= 2)
    }

    @Test(.enabled(if: available)) func linksAndCommandLine() throws {
        let t = try PMapTarget()
        let o = try json(t.pid)
        let links = try #require(o["links"] as? [String: Any])
        let exe = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(t.pid)/exe")
        #expect(links["exe"] as? String == exe)
        #expect(links["cwd"] as? String == FileManager.default.currentDirectoryPath)
        #expect(links["root"] as? String == "/")
        #expect(o["cmdline"] as? [String] == [PMapTarget.binary!, t.dataPath.replacingOccurrences(of: "data file.bin", with: "ready"), t.dataPath])
    }

    @Test(.enabled(if: available)) func openDescriptorsTheFixtureOpened() throws {
        let t = try PMapTarget()
        let o = try json(t.pid)
        let fds = try #require(o["fds"] as? [[String: Any]])
        func fd(_ n: Int) -> [String: Any]? { fds.first { $0["fd"] as? Int == n } }
        #expect(fd(42)?["target"] as? String == t.dataPath)
        #expect(fd(42)?["type"] as? String == "file")
        #expect(fd(50)?["type"] as? String == "pipe")
        #expect(fd(51)?["type"] as? String == "pipe")
        #expect(fd(50)?["target"] as? String == fd(51)?["target"] as? String)  // both ends of one pipe
        #expect(fd(60)?["type"] as? String == "socket")
        let text = try sonde(["proc", String(t.pid)])
        #expect(text.stdout.contains("Threads (3)"))
        #expect(text.lines.contains { fields($0) == ["42", "file"] + fields(t.dataPath) })
    }

    @Test(.enabled(if: available)) func memoryMatchesStatusAndRollup() throws {
        let t = try PMapTarget()
        let o = try json(t.pid)
        let mem = try #require(o["memory"] as? [String: Any])
        let status = try String(contentsOfFile: "/proc/\(t.pid)/status", encoding: .utf8)
        let vmSize = status.split(separator: "\n").first { $0.hasPrefix("VmSize:") }.map { fields(String($0))[1] }
        #expect(mem["VmSize_kb"] as? Int == Int(vmSize ?? ""))
        let page = Int(sysconf(Int32(_SC_PAGESIZE))) / 1024
        // The fixture dirtied 10 private pages of its own: USS is at least that.
        #expect((mem["Uss_kb"] as? Int ?? 0) >= 10 * page)
        #expect((mem["Pss_kb"] as? Int ?? 0) >= 10 * page)
        let limits = try #require(o["limits"] as? [[String: Any]])
        let nofile = try #require(limits.first { $0["name"] as? String == "Max open files" })
        var rl = rlimit()
        getrlimit(Int32(RLIMIT_NOFILE.rawValue), &rl)
        #expect(nofile["soft"] as? Int == Int(rl.rlim_cur))
        #expect(o["io"] is [String: Any] || (o["notes"] as? [String: Any])?["io"] != nil)
    }

    @Test func missingPIDIsOneLine() throws {
        let got = try sonde(["proc", "999999"])
        #expect(got.status == 1)
        #expect(got.stderr == "sonde proc: 999999: no such process\n")
        #expect(got.stdout.isEmpty)
    }

    @Test(arguments: [["abc"], [], ["-z", "1"], ["0"]]) func badArgumentsAreUsageErrors(_ args: [String]) throws {
        let got = try sonde(["proc"] + args)
        #expect(got.status == 2, "\(args)")
        #expect(got.stdout.isEmpty)
    }

    /// A kernel thread has no exe, no user memory: those are notes, the rest still prints.
    @Test func kernelThreadShowsNotes() throws {
        let got = try sonde(["proc", "2"])
        #expect(got.status == 0)
        #expect(got.stdout.contains("Process 2 (kthreadd)"))
        #expect(got.stdout.contains("[kthreadd]"))
        #expect(got.stdout.contains("Scheduling"))
        #expect(got.stdout.contains("(no user memory"))
    }

    /// As another user: the protected pieces become notes, the summary still completes.
    @Test(.enabled(if: available && isRoot && hasTool("setpriv"))) func unreadablePiecesAreNotes() throws {
        let t = try PMapTarget()
        let got = try run("setpriv", ["--reuid=nobody", "--regid=nogroup", "--clear-groups", sondeBinary, "proc", String(t.pid)])
        #expect(got.status == 0)
        #expect(got.stdout.contains("Process \(t.pid) (pmap_target)"))
        #expect(got.stdout.contains("permission denied"))
        #expect(got.stdout.contains("Limits"))
    }
}
