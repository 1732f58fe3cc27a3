import Glibc
import ProcFS
import Render

/// Reads the live system for top: per task only /proc/PID/stat, /proc/PID/statm and
/// the owner of /proc/PID (plus status for -U); command lines only on request.
public final class TopSampler {
    public let fs: ProcFS
    /// Read the table with worker threads (batch mode, where wall time matters).
    public var parallel = false
    private let pageKiB: Int64

    public init(fs: ProcFS = ProcFS()) {
        self.fs = fs
        pageKiB = max(1, SystemConstants.pageSize / 1024)
    }

    /// A task from a process-table record (stat, statm, owner, status for -U).
    func task(_ r: ProcessRecord) -> TopTask {
        let st = r.stat
        var t = TopTask(pid: r.pid, tid: r.tid, state: st.state, priority: st.priority, nice: st.nice,
                        ticks: st.utime &+ st.stime, threads: st.numThreads, comm: st.comm)
        if let m = r.statm {
            t.virtKiB = m.size * pageKiB
            t.resKiB = m.resident * pageKiB
            t.shrKiB = m.shared * pageKiB
        } else {
            t.virtKiB = Int64(st.vsize / 1024)
            t.resKiB = st.rss * pageKiB
        }
        t.euid = r.euid
        if let status = r.status { t.uids = status.uids }
        return t
    }

    /// All tasks (or those of `pids`), threads when `threads`. Reads go through the
    /// shared process table: one directory lookup per task, a reused buffer.
    public func tasks(threads: Bool, pids: [Int32], needUIDs: Bool) -> [TopTask] {
        let fields: ProcessFields = needUIDs ? [.statm, .status] : [.statm, .owner]
        if pids.isEmpty {
            return ((try? fs.processes(fields: fields, threads: threads, leaderTotals: false, parallel: parallel)) ?? []).map(task)
        }
        var out: [TopTask] = []
        for pid in pids {
            if threads {
                out += fs.threads(of: pid, fields: fields).map(task)
            } else if let r = try? fs.record(pid: pid, fields: fields) {
                out.append(task(r))
            }
        }
        return out
    }

    public func sample(threads: Bool, pids: [Int32], needUIDs: Bool) throws(ProcError) -> TopSample {
        let up = try fs.uptime()
        let tasks = self.tasks(threads: threads, pids: pids, needUIDs: needUIDs)
        let cpu = try fs.cpuStat()
        let mem = try fs.memInfo()
        let load = try fs.loadAverage()
        return TopSample(uptime: up.seconds, wallClock: Int(time(nil)), tasks: tasks, cpu: cpu, mem: mem, load: load,
                         users: Utmp.countUsers())
    }

    /// Reads argv for the given rows only (what the screen shows with -c).
    public func fillCommandLines(_ rows: inout [TopRow], range: Range<Int>) {
        for i in range where i < rows.count && rows[i].task.cmdline == nil {
            let t = rows[i].task
            rows[i].task.cmdline = (try? fs.cmdline(pid: t.pid)) ?? []
        }
    }

    /// kernel.pid_max, for the PID column width.
    public func pidMax() -> Int {
        (try? fs.text("sys/kernel/pid_max")).flatMap { Int($0.trimmingSpaces) } ?? 32768
    }
}

extension String {
    var trimmingSpaces: String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\n" || f == "\t" { s = s.dropFirst() }
        while let l = s.last, l == " " || l == "\n" || l == "\t" { s = s.dropLast() }
        return String(s)
    }
}
