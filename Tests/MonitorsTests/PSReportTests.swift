import Testing
import Monitors
import ProcFS
import TestSupport

/// ps on fake /proc trees: the kernel's odd cases, with expectations written from
/// procps' rules (brackets for empty argv, " <defunct>", '+' for long user names).
@Suite struct PSReportTests {
    static func stat(_ pid: Int32, _ comm: String, state: String = "S", ppid: Int32 = 1, flags: UInt64 = 0) -> String {
        "\(pid) (\(comm)) \(state) \(ppid) \(pid) \(pid) 0 -1 \(flags) 0 0 0 0 0 0 0 0 20 0 1 0 100 0 0 18446744073709551615 0 0 0 0 0 0 0 0 0 0 0 0 17 0 0 0 0 0 0\n"
    }

    static func tree() throws -> ProcFS {
        let root = try tempDir("psproc")
        let longArg = String(repeating: "x", count: 5000)
        try writeTree([
            "1/stat": stat(1, "init"), "1/cmdline": "/sbin/init\u{0}", "1/status": "Uid:\t0\t0\t0\t0\nVmRSS:\t 100 kB\n",
            "2/stat": stat(2, "kthreadd", ppid: 0, flags: 0x200040), "2/cmdline": "", "2/status": "Uid:\t0\t0\t0\t0\n",
            "30/stat": stat(30, "(sd-pam)"), "30/cmdline": "", "30/status": "Uid:\t1000\t1000\t1000\t1000\n",
            "31/stat": stat(31, "gone", state: "Z"), "31/cmdline": "", "31/status": "Uid:\t0\t0\t0\t0\n",
            "32/stat": stat(32, "long"), "32/cmdline": "/bin/long\u{0}\(longArg)\u{0}", "32/status": "Uid:\t0\t0\t0\t0\nVmRSS:\t 7 kB\n",
            "33/cmdline": "a process that vanished: no stat file",
            "34/stat": stat(34, "ctl"), "34/cmdline": "echo\u{0}a\u{1}b\u{0}", "34/status": "Uid:\t0\t0\t0\t0\n",
        ], in: root)
        return ProcFS(root: root.path)
    }

    static func report(_ args: [String], cols: Int = 131072, users: UserNames = UserNames(passwd: "/dev/null", group: "/dev/null")) throws -> String {
        var ctx = PSContext()
        ctx.users = users
        let o = try PSOptions.parse(args, users: users)
        let r = PSReport(options: o, context: ctx, screenCols: cols)
        return r.render(try tree().processes(fields: r.needs)).text
    }

    @Test func oddCommandsAndVanishedProcesses() throws {
        let lines = try Self.report(["-e", "-o", "pid,args"]).split(separator: "\n").map(String.init)
        #expect(lines.count == 7, "header + 6 processes; pid 33 has no stat and is skipped: \(lines)")
        #expect(lines.contains("    2 [kthreadd]"))
        #expect(lines.contains("   30 [(sd-pam)]"))
        #expect(lines.contains("   31 [gone] <defunct>"))
        #expect(lines.contains("   34 echo a?b"), "control bytes become '?'")
        #expect(lines.contains { $0.hasPrefix("   32 /bin/long xxxx") && $0.count == 5 + 1 + 9 + 1 + 5000 })
        let comm = try Self.report(["-e", "-o", "pid,comm"])
        #expect(comm.contains("   31 gone <defunct>"))
    }

    @Test func longCommandLinesAreCutAtTheScreenWidth() throws {
        let lines = try Self.report(["-e", "-o", "pid,args"], cols: 80).split(separator: "\n")
        #expect(lines.allSatisfy { $0.count <= 80 })
        #expect(lines.contains { $0.hasPrefix("   32 /bin/long") && $0.count == 80 })
    }

    @Test func longUserNamesGetAPlus() throws {
        let dir = try tempDir("passwd")
        try writeTree(["passwd": "root:x:0:0::/:/bin/sh\nsystemd-timesync:x:1000:1000::/:/bin/false\n", "group": ""], in: dir)
        let users = UserNames(passwd: dir.appendingPathComponent("passwd").path, group: dir.appendingPathComponent("group").path)
        // ruid makes ps read status, whose Uid line is the fake process's (the fake
        // /proc directories themselves are owned by root).
        let out = try Self.report(["-o", "user,pid,ruid", "-p", "30,1"], users: users)
        #expect(out == "USER       PID  RUID\nroot         1     0\nsystemd+    30  1000\n")
    }
}
