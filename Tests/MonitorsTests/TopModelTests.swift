import Foundation
import Testing
@testable import Monitors
import ProcFS
import Render

/// printf as an independent oracle for procps' number formats.
private func c(_ fmt: String, _ v: Double) -> String { String(format: fmt, v) }

private func load(_ s: String) -> LoadAverage { LoadAverage.parse(Array(s.utf8))! }

private func sample(uptime: Double, tasks: [TopTask], cpu: CPUTimes = CPUTimes(), memTotal: Int64 = 1_000_000) -> TopSample {
    var stat = SystemStat()
    stat.total = cpu
    stat.cpus[0] = cpu
    var mem = MemInfo()
    mem.values["MemTotal"] = memTotal
    mem.values["MemFree"] = memTotal / 2
    mem.values["MemAvailable"] = memTotal / 2
    return TopSample(uptime: uptime, wallClock: 0, tasks: tasks, cpu: stat, mem: mem,
                     load: load("0.50 0.25 0.125 1/1 1"), users: 1)
}

@Suite struct TopModelTests {
    @Test func cpuPercentOverTheIntervalIrixAndSolaris() throws {
        let hz: Int64 = 100
        let a0 = TopTask(pid: 10, tid: 10, ticks: 1000, threads: 4)
        let b0 = TopTask(pid: 11, tid: 11, ticks: 50, threads: 1)
        let a1 = TopTask(pid: 10, tid: 10, ticks: 1150, threads: 4)   // 150 ticks in 2 s
        let b1 = TopTask(pid: 11, tid: 11, ticks: 550, threads: 1)    // 500 ticks in 2 s: over one thread's worth
        let n1 = TopTask(pid: 12, tid: 12, ticks: 30, threads: 1)     // new: all its ticks count
        let prev = sample(uptime: 100.0, tasks: [a0, b0])
        let cur = sample(uptime: 102.0, tasks: [a1, b1, n1])
        var view = TopView()
        let f = TopModel.frame(previous: prev, current: cur, view: view, cpuCount: 2, hertz: hz, userName: { _ in "u" })
        let byPID = Dictionary(uniqueKeysWithValues: f.rows.map { ($0.task.tid, $0) })
        // %CPU = ticks / (Hz * seconds) * 100, Irix mode (per CPU).
        let expectA = 150.0 / (Double(hz) * 2.0) * 100
        #expect(abs(try #require(byPID[10]).cpuPercent - expectA) < 1e-9)
        #expect(try #require(byPID[11]).deltaTicks == 500)
        #expect(try #require(byPID[11]).cpuPercent == 100.0)  // capped at threads × 100
        #expect(abs(try #require(byPID[12]).cpuPercent - 30.0 / 200.0 * 100) < 1e-9)
        // Sorted by %CPU (tick delta), highest first.
        #expect(f.rows.map(\.task.tid) == [11, 10, 12])

        view.irix = false
        let g = TopModel.frame(previous: prev, current: cur, view: view, cpuCount: 2, hertz: hz, userName: { _ in "u" })
        let a = try #require(g.rows.first { $0.task.tid == 10 })
        #expect(abs(a.cpuPercent - expectA / 2) < 1e-9)
        // Without Irix mode the cap is 99.9.
        #expect(try #require(g.rows.first { $0.task.tid == 11 }).cpuPercent == 99.9)
    }

    @Test func cpuStatePercentagesSumToHundred() {
        var t0 = CPUTimes(); t0.user = 100; t0.system = 50; t0.idle = 1000; t0.iowait = 5
        var t1 = t0; t1.user += 30; t1.system += 10; t1.idle += 55; t1.iowait += 3; t1.softirq += 2
        let p = TopModel.cpuPercents(t1.delta(since: t0))
        #expect(abs(p.reduce(0, +) - 100) < 1e-9)
        #expect(abs(p[0] - 30.0) < 1e-9)   // us: 30 of 100 ticks
        #expect(abs(p[3] - 55.0) < 1e-9)   // id
        // An empty interval shows 100% idle like procps.
        #expect(TopModel.cpuPercents(CPUTimes())[3] == 100)
    }

    @Test func stateTallyFollowsProcps402() {
        let states = "RSDIZTtS".utf8.map { TopTask(pid: 1, tid: 1, state: $0) }
        var s = TopSummary(wallClock: 0, uptime: 0, users: 0, load: load("0 0 0 0/0 0"), mem: MemInfo())
        TopModel.tally(states, into: &s)
        #expect(s.total == 8 && s.running == 1 && s.sleeping == 4 && s.stopped == 2 && s.zombie == 1)
    }

    @Test func filtersIdleAndUser() {
        let prev = sample(uptime: 1, tasks: [TopTask(pid: 1, tid: 1, euid: 0, ticks: 5), TopTask(pid: 2, tid: 2, euid: 1000, ticks: 5)])
        let cur = sample(uptime: 2, tasks: [TopTask(pid: 1, tid: 1, euid: 0, ticks: 5), TopTask(pid: 2, tid: 2, euid: 1000, ticks: 9)])
        var v = TopView()
        v.showIdle = false
        #expect(TopModel.frame(previous: prev, current: cur, view: v, cpuCount: 1, hertz: 100, userName: { String($0) }).rows.map(\.task.pid) == [2])
        v.showIdle = true
        v.user = TopUserFilter(uid: 0)
        #expect(TopModel.frame(previous: prev, current: cur, view: v, cpuCount: 1, hertz: 100, userName: { String($0) }).rows.map(\.task.pid) == [1])
        v.user = TopUserFilter(uid: 0, negate: true)
        #expect(TopModel.frame(previous: prev, current: cur, view: v, cpuCount: 1, hertz: 100, userName: { String($0) }).rows.map(\.task.pid) == [2])
    }

    @Test func sortIsStableAndDirectional() {
        let tasks = [TopTask(pid: 1, tid: 1, resKiB: 10), TopTask(pid: 2, tid: 2, resKiB: 30), TopTask(pid: 3, tid: 3, resKiB: 10), TopTask(pid: 4, tid: 4, resKiB: 20)]
        var v = TopView()
        v.sort = .mem
        let f = TopModel.frame(previous: sample(uptime: 1, tasks: tasks), current: sample(uptime: 2, tasks: tasks), view: v, cpuCount: 1, hertz: 100, userName: { _ in "" })
        #expect(f.rows.map(\.task.pid) == [2, 4, 1, 3])
        v.sortDescending = false
        let g = TopModel.frame(previous: sample(uptime: 1, tasks: tasks), current: sample(uptime: 2, tasks: tasks), view: v, cpuCount: 1, hertz: 100, userName: { _ in "" })
        #expect(g.rows.map(\.task.pid) == [1, 3, 4, 2])
    }
}

@Suite struct TopFormatTests {
    @Test func memoryScalingMatchesPrintf() {
        // procps: plain KiB when it fits the column, else the first of m, g, t... ("%.1f" plus suffix) that fits.
        func oracle(_ kib: Int64, width: Int, from: Int) -> String {
            if from == 0 && String(kib).count <= width { return String(kib) }
            var v = Double(kib)
            for (i, sfx) in ["k", "m", "g", "t", "p"].enumerated() {
                if i > 0 && i >= from {
                    let s = c("%.1f", v) + sfx
                    if s.count <= width { return s }
                }
                v /= 1024
            }
            return "?"
        }
        for kib: Int64 in [0, 999, 42664, 9_999_999, 12_345_678, 987_654_321, 5_000_000_000] {
            for (scale, from) in [(MemScale.k, 0), (.m, 1), (.g, 2)] {
                for width in [6, 7] {
                    let got = TopFormat.scaleMem(kib, target: scale, width: width)
                    #expect(got.count == width)
                    #expect(got.trimmingCharacters(in: .whitespaces) == oracle(kib, width: width, from: from), "\(kib) \(scale) \(width)")
                }
            }
        }
    }

    @Test func timePlusFormat() {
        // 12345 ticks at 100 Hz = 123.45 s = 2:03.45
        #expect(TopFormat.scaleTicks(12345, hertz: 100) == "  2:03.45")
        // 400 minutes: beyond the 360-minute limit, hours,minutes.
        let t: UInt64 = 400 * 60 * 100
        #expect(TopFormat.scaleTicks(t, hertz: 100) == "     6,40")
        #expect(TopFormat.scaleTicks(0, hertz: 100) == "  0:00.00")
    }

    @Test func summaryLineShapes() {
        var s = TopSummary(wallClock: 0, uptime: 3 * 86400 + 2 * 3600 + 5 * 60, users: 2,
                           load: load("1.5 0.25 0.125 0/0 0"), mem: MemInfo())
        let up = TopFormat.uptimeLine(s)
        #expect(up.hasSuffix(" up 3 days,  2:05,  2 users,  load average: " + c("%.2f", 1.5) + ", " + c("%.2f", 0.25) + ", " + c("%.2f", 0.125)))
        s.uptime = 12 * 60
        s.users = 0
        #expect(TopFormat.uptimeLine(s).contains(" up 12 min,  0 user,  load average: "))
        s.total = 74; s.running = 1; s.sleeping = 73
        #expect(TopFormat.tasksLine(s) == "Tasks:  74 total,   1 running,  73 sleeping,   0 stopped,   0 zombie")
        let cpu = TopFormat.cpuLine(label: "%Cpu(s):", [0, 0, 0, 50, 50, 0, 0, 0])
        #expect(cpu == "%Cpu(s):  0.0 us,  0.0 sy,  0.0 ni, 50.0 id, 50.0 wa,  0.0 hi,  0.0 si,  0.0 st ")
        var m = MemInfo()
        m.values = ["MemTotal": 24_684_096, "MemFree": 23_966_404, "MemAvailable": 24_356_000, "Buffers": 100, "Cached": 600_000, "SReclaimable": 36_000]
        let lines = TopFormat.memoryLines(m, scale: .m)
        #expect(lines[0].hasPrefix("MiB Mem : " + String(repeating: " ", count: 9 - c("%.1f ", 24_684_096 / 1024.0).count) + c("%.1f ", 24_684_096 / 1024.0) + "total,"))
        #expect(lines[0].hasSuffix("buff/cache     "))
        #expect(lines[1].hasPrefix("MiB Swap:      0.0 total,      0.0 free,      0.0 used. "))
        #expect(TopFormat.memoryLines(m, scale: .k)[0].hasPrefix("KiB Mem : 24684096 total,"))
    }

    @Test func layoutDropsColumnsThatDoNotFit() {
        let full = TopFormat.layout(width: 79)
        #expect(TopFormat.header(full) == "  PID USER      PR  NI    VIRT    RES    SHR S  %CPU  %MEM     TIME+ COMMAND")
        // Fixed columns take 58 characters plus 10 separators; one more space, then COMMAND gets the rest.
        #expect(full.command == 79 - 68 - 1)
        let narrow = TopFormat.layout(width: 74)
        #expect(narrow.command == nil && TopFormat.header(narrow).hasSuffix("TIME+"))
        #expect(TopFormat.header(TopFormat.layout(width: 49)).hasSuffix(" S"))
    }

    @Test func rowTruncatesCommandWithPlus() {
        let t = TopTask(pid: 7, tid: 7, euid: 0, state: UInt8(ascii: "R"), priority: -100, nice: 0, ticks: 360, virtKiB: 42664, resKiB: 13128, shrKiB: 6300, threads: 1, comm: "process_api_long")
        let r = TopRow(task: t, deltaTicks: 0, cpuPercent: 12.34, memPercent: 0.05, user: "averyverylonguser")
        let line = TopFormat.row(r, layout: TopFormat.layout(width: 79), view: TopView(), hertz: 100)
        #expect(line == "    7 averyve+  rt   0   42664  13128   6300 R  " + c("%.1f", 12.34) + "   " + c("%.1f", 0.05) + "   0:03.60 process_a+")
        #expect(line.count == 79)
    }

    @Test func jsonHasSummaryAndRows() throws {
        let tasks = [TopTask(pid: 1, tid: 1, ticks: 10, resKiB: 100, comm: "init")]
        let f = TopModel.frame(previous: sample(uptime: 1, tasks: tasks), current: sample(uptime: 2, tasks: tasks), view: TopView(), cpuCount: 1, hertz: 100, userName: { _ in "root" })
        let text = TopFormat.json(f, view: TopView()).serialized()
        let obj = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        let procs = try #require(obj["processes"] as? [[String: Any]])
        #expect(procs.count == 1 && procs[0]["command"] as? String == "init" && procs[0]["user"] as? String == "root")
        #expect((obj["memory_kib"] as? [String: Any])?["total"] as? Int == 1_000_000)
    }
}

@Suite struct TopOptionsTests {
    let uidOf: (String) -> UInt32? = { $0 == "root" ? 0 : nil }

    @Test func parsesProcpsStyleClusters() throws {
        let o = try TopOptions.parse(["-bn2", "-d0.5", "-p", "1,2", "-p3", "-o", "%MEM", "-w", "100", "-c", "-H", "-1", "-E", "g", "-e", "m", "-i"], uidOf: uidOf)
        #expect(o.batch && o.iterations == 2 && o.delay == 0.5 && o.view.pids == [1, 2, 3] && o.view.sort == .mem)
        #expect(o.width == 100 && o.view.commandLine && o.view.threads && o.view.perCPU && o.view.summaryScale == .g && o.view.taskScale == .m && !o.view.showIdle)
        let w = try TopOptions.parse(["-w", "-b"], uidOf: uidOf)
        #expect(w.width == 0 && w.batch)
        #expect(w.batchColumns(columnsEnv: nil, terminalCols: nil) == 512)
        #expect(try TopOptions.parse([], uidOf: uidOf).batchColumns(columnsEnv: nil, terminalCols: nil) == 80)
        #expect(try TopOptions.parse(["-u", "root"], uidOf: uidOf).view.user == TopUserFilter(uid: 0))
        #expect(try TopOptions.parse(["-o", "-PID"], uidOf: uidOf).view.sortDescending == false)
    }

    @Test func rejectsBadValuesAsUsageErrors() {
        for args in [["-d", "-1"], ["-d", "x"], ["-n", "x"], ["-n", "0"], ["-Z"], ["-o", "BOGUS"], ["-p", "x"], ["-u", "nosuchuser"],
                     ["-E", "q"], ["-w", "2"], ["-p", "1", "-u", "root"], ["-d"], ["--bogus"]] {
            #expect(throws: ToolError.self, "\(args)") { try TopOptions.parse(args, uidOf: uidOf) }
            do { _ = try TopOptions.parse(args, uidOf: uidOf) } catch { #expect(error.status == 2) }
        }
    }
}

@Suite struct TopKeyStateTests {
    let uidOf: (String) -> UInt32? = { $0 == "root" ? 0 : ($0 == "bob" ? 1000 : nil) }

    func keys(_ s: inout TopUIState, _ text: String) -> [TopEffect] {
        text.utf8.map { s.handle($0, uidOf: uidOf) }
    }

    @Test func sortKeysAndToggles() {
        var s = TopUIState(view: TopView(), delay: 3)
        #expect(keys(&s, "M") == [.redraw] && s.view.sort == .mem)
        _ = keys(&s, "T"); #expect(s.view.sort == .time)
        _ = keys(&s, "N"); #expect(s.view.sort == .pid)
        _ = keys(&s, "P"); #expect(s.view.sort == .cpu)
        _ = keys(&s, "c1"); #expect(s.view.commandLine && s.view.perCPU)
        #expect(keys(&s, "H") == [.resample] && s.view.threads)
        #expect(keys(&s, "q") == [.quit])
    }

    @Test func userPrompt() {
        var s = TopUIState(view: TopView(), delay: 3)
        _ = keys(&s, "u")
        #expect(s.prompt == .user && s.messageLine == "Which user (blank for all) ")
        _ = keys(&s, "bobx\u{7F}")
        #expect(s.messageLine.hasSuffix(" bob"))
        _ = keys(&s, "\r")
        #expect(s.prompt == nil && s.view.user == TopUserFilter(uid: 1000))
        _ = keys(&s, "unobody\r")
        #expect(s.message == "Invalid user" && s.view.user == TopUserFilter(uid: 1000))
        _ = keys(&s, "u\r")
        #expect(s.view.user == nil)
    }

    @Test func killAsksPidThenSignalDefaultTerm() {
        var s = TopUIState(view: TopView(), delay: 3)
        s.topPID = 4242
        _ = keys(&s, "k")
        #expect(s.prompt == .killPID(defaultPID: 4242))
        #expect(keys(&s, "\r") == [.redraw] && s.prompt == .killSignal(pid: 4242))
        #expect(keys(&s, "\r") == [.kill(pid: 4242, signal: SIGTERM)])
        _ = keys(&s, "k77\r")
        #expect(keys(&s, "KILL\r").last == .kill(pid: 77, signal: SIGKILL))
        _ = keys(&s, "k77\r\u{1B}")  // Esc at the confirmation cancels
        #expect(s.prompt == nil)
    }

    @Test func delayPrompt() {
        var s = TopUIState(view: TopView(), delay: 3)
        _ = keys(&s, "d0.5\r")
        #expect(s.delay == 0.5)
        _ = keys(&s, "s-2\r")
        #expect(s.delay == 0.5 && s.message == "Unacceptable floating point")
    }

    @Test func screenFitsTheTerminal() {
        let tasks = (1...100).map { TopTask(pid: Int32($0), tid: Int32($0), ticks: UInt64($0), comm: "t\($0)") }
        let f = TopModel.frame(previous: sample(uptime: 1, tasks: tasks), current: sample(uptime: 2, tasks: tasks), view: TopView(), cpuCount: 1, hertz: 100, userName: { _ in "root" })
        let s = TopUIState(view: TopView(), delay: 3)
        let plan = TopScreen.plan(f, state: s, rows: 20)
        #expect(plan.summary.count == 5 && plan.visibleRows == 0..<13)
        let screen = TopScreen.render(f, state: s, rows: 20, cols: 60)
        let lines = screen.components(separatedBy: "\r\n")
        #expect(lines.count == 20)
        // No visible line is wider than the terminal once escapes are removed.
        let stripped = lines.map { $0.replacingOccurrences(of: "\u{1B}\\[[0-9;?]*[A-Za-z]", with: "", options: .regularExpression) }
        #expect(stripped.allSatisfy { $0.count <= 60 })
    }
}
