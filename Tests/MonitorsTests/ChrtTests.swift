import Monitors
import Render
import Testing

/// Texts as util-linux chrt.c prints them.
@Suite struct ChrtTests {
    @Test func infoLines() {
        #expect(ChrtText.info(SchedInfo(pid: 12, policy: 0)) == "pid 12's current scheduling policy: SCHED_OTHER\npid 12's current scheduling priority: 0\n")
        #expect(ChrtText.info(SchedInfo(pid: 12, policy: 1, resetOnFork: true, priority: 50), altered: true)
                == "pid 12's new scheduling policy: SCHED_FIFO|SCHED_RESET_ON_FORK\npid 12's new scheduling priority: 50\n")
        #expect(ChrtText.info(SchedInfo(pid: 3, policy: 6, runtime: 1, deadline: 2, period: 3)).hasSuffix("pid 3's current runtime/deadline/period parameters: 1/2/3\n"))
        #expect(SchedInfo(pid: 1, policy: 42).policyName == "unknown")
        #expect(SchedPolicy.name(raw: 0x4000_0002) == "SCHED_RR")
    }

    @Test func minMaxTable() {
        let t = ChrtText.minMax([(.other, 0...0), (.fifo, 1...99), (.deadline, nil)])
        #expect(t == "SCHED_OTHER min/max priority\t: 0/0\nSCHED_FIFO min/max priority\t: 1/99\nSCHED_DEADLINE not supported?\n")
    }

    func range(_ p: SchedPolicy) -> ClosedRange<Int32>? { p == .fifo || p == .rr ? 1...99 : 0...0 }

    @Test func validation() throws {
        #expect(throws: ToolError("unsupported priority value for the policy: 100: see --max for valid range")) {
            try SchedRequest.validated(policy: .fifo, priority: 100, resetOnFork: false, runtime: 0, deadline: 0, period: 0, range: range)
        }
        #expect(throws: ToolError("unsupported priority value for the policy: 1: see --max for valid range")) {
            try SchedRequest.validated(policy: .batch, priority: 1, resetOnFork: false, runtime: 0, deadline: 0, period: 0, range: range)
        }
        #expect(throws: ToolError("--sched-{runtime,deadline,period} options are supported for SCHED_DEADLINE only")) {
            try SchedRequest.validated(policy: .rr, priority: 1, resetOnFork: false, runtime: 5, deadline: 0, period: 0, range: range)
        }
        // Deadline defaults: deadline = period, runtime = deadline.
        let d = try SchedRequest.validated(policy: .deadline, priority: 0, resetOnFork: false, runtime: 0, deadline: 0, period: 1000, range: range)
        #expect(d.deadline == 1000 && d.runtime == 1000)
        let e = try SchedRequest.validated(policy: .deadline, priority: 0, resetOnFork: false, runtime: 10, deadline: 500, period: 1000, range: range)
        #expect(e.runtime == 10 && e.deadline == 500 && e.period == 1000)
    }

    /// The live wrapper against this process's own scheduling.
    @Test func getSelf() throws {
        let me = try Scheduler.get(0)
        #expect(me.pid > 0)
        #expect(me.policyName.hasPrefix("SCHED_"))
        #expect(Scheduler.priorityRange(.fifo) == 1...99)
        #expect(throws: ToolError.self) { try Scheduler.get(0x7fff_fff0) }
    }
}
