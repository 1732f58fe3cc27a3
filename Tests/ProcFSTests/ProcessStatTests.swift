import Testing
import ProcFS
import TestSupport
import Foundation

@Suite struct ProcessStatTests {
    @Test func commWithSpacesAndParentheses() throws {
        let line = "1234 ((sd-pam)) S 1 1234 1234 0 -1 1077936448 49 0 0 0 0 0 0 0 20 0 1 0 1869 105758720 1285 18446744073709551615 1 1 0 0 0 0 0 4096 0 0 0 0 17 1 0 0 0 0 0 0 0 0 0 0 0 0 0\n"
        let s = try #require(ProcessStat.parse(Array(line.utf8)))
        #expect(s.pid == 1234)
        #expect(s.comm == "(sd-pam)")
        #expect(s.stateChar == "S")
        #expect(s.ppid == 1)
        #expect(s.ttyNr == 0)
        #expect(s.tpgid == -1)
        #expect(s.starttime == 1869)
        #expect(s.vsize == 105758720)
        #expect(s.rss == 1285)
        #expect(s.rsslim == UInt64.max)
        #expect(s.processor == 1)
    }

    @Test func commWithClosingParenAndSpace() throws {
        let line = "77 (a) b) c) R 5 77 77 34816 77 4194304 10 0 0 0 3 4 0 0 20 -5 3 0 500 1000 10"
        let s = try #require(ProcessStat.parse(Array(line.utf8)))
        #expect(s.comm == "a) b) c")
        #expect(s.stateChar == "R")
        #expect(s.utime == 3 && s.stime == 4)
        #expect(s.nice == -5)
        #expect(s.numThreads == 3)
    }

    @Test(arguments: ["", "12", "12 (x", "12 (x) ", "(x) S 1 2", "12 (x) S 1 2 3 zz", "99999999999 (x) S 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22"])
    func malformedLinesAreRejected(_ line: String) {
        #expect(ProcessStat.parse(Array(line.utf8)) == nil)
    }

    /// Our parser against the kernel's own numbers for this very process.
    @Test func selfMatchesStatus() throws {
        let fs = ProcFS()
        let me = getpid()
        let st = try fs.stat(pid: me)
        let status = try fs.status(pid: me)
        #expect(st.pid == me)
        #expect(st.ppid == getppid())
        #expect(status.tgid == me)
        #expect(st.comm == status.name)
        #expect(Int64(status.threads) == st.numThreads || abs(status.threads - st.numThreads) <= 2)
    }

    @Test func vanishedProcessIsGone() {
        #expect(throws: ProcError.self) { try ProcFS().stat(pid: 999_999_999) }
        do { _ = try ProcFS().stat(pid: 999_999_999) } catch { #expect(error.isGone) }
    }

    @Test func snapshotTree() throws {
        let root = try tempDir("proc")
        try writeTree([
            "1/stat": "1 (init) S 0 1 1 0 -1 4194560 100 0 0 0 10 20 0 0 20 0 1 0 5 1000000 300 18446744073709551615 0 0 0 0 0 0 0 0 0 0 0 0 17 0 0 0 0 0 0\n",
            "1/status": "Name:\tinit\nUid:\t0\t0\t0\t0\nVmRSS:\t    1200 kB\nVmLck:\t       4 kB\nThreads:\t1\n",
            "1/cmdline": "/sbin/init\u{0}splash\u{0}",
            "2/stat": "2 (kthreadd) S 0 0 0 0 -1 2129984 0 0 0 0 0 0 0 0 20 0 1 0 5 0 0 18446744073709551615 0 0 0 0 0 0 0 0 0 0 0 0 17 0 0 0 0 0 0\n",
            "2/cmdline": "",
            "self": "not a pid",
        ], in: root)
        let fs = ProcFS(root: root.path)
        #expect(try fs.processIDs() == [1, 2])
        #expect(try fs.cmdline(pid: 1) == ["/sbin/init", "splash"])
        #expect(try fs.cmdline(pid: 2) == [])
        let st = try fs.status(pid: 1)
        #expect(st.uids == [0, 0, 0, 0])
        #expect(st.vmRSS == 1200 && st.vmLck == 4)
    }
}
