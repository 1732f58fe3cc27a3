import Glibc
import ProcFS
import Render

/// Reads the live system for top: per task only /proc/PID/stat, /proc/PID/statm and
/// the owner of /proc/PID (plus status for -U); command lines only on request.
public final class TopSampler {
    public let fs: ProcFS
    private let reader = ProcFileReader(capacity: 4096)
    private let pageKiB: Int64

    public init(fs: ProcFS = ProcFS()) {
        self.fs = fs
        pageKiB = max(1, SystemConstants.pageSize / 1024)
    }

    /// One task, or nil when it vanished or its files are malformed.
    func task(pid: Int32, tid: Int32?, needUIDs: Bool) -> TopTask? {
        let dir = fs.root + "/" + ProcFS.dir(pid, tid: tid)
        guard reader.load(dir + "/stat"), let st = ProcessStat.parse(Array(reader.bytes)) else { return nil }
        var t = TopTask(pid: pid, tid: tid ?? pid, state: st.state, priority: st.priority, nice: st.nice,
                        ticks: st.utime &+ st.stime, threads: st.numThreads, comm: st.comm)
        if reader.load(dir + "/statm"), let m = ProcessStatm.parse(reader.bytes) {
            t.virtKiB = m.size * pageKiB
            t.resKiB = m.resident * pageKiB
            t.shrKiB = m.shared * pageKiB
        } else {
            t.virtKiB = Int64(st.vsize / 1024)
            t.resKiB = st.rss * pageKiB
        }
        var sb = Glibc.stat()
        if stat(dir, &sb) == 0 { t.euid = sb.st_uid }
        if needUIDs, reader.load(dir + "/status") {
            let status = ProcessStatus.parse(Array(reader.bytes))
            t.uids = status.uids
            if status.uids.count > 1 { t.euid = status.uids[1] }
        }
        return t
    }

    /// All tasks (or those of `pids`), threads when `threads`.
    public func tasks(threads: Bool, pids: [Int32], needUIDs: Bool) -> [TopTask] {
        let list = pids.isEmpty ? ((try? fs.processIDs()) ?? []) : pids
        var out: [TopTask] = []
        out.reserveCapacity(list.count + 16)
        for pid in list {
            if threads {
                guard let tids = try? fs.threadIDs(pid) else { continue }
                for tid in tids { if let t = task(pid: pid, tid: tid, needUIDs: needUIDs) { out.append(t) } }
            } else if let t = task(pid: pid, tid: nil, needUIDs: needUIDs) {
                out.append(t)
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
