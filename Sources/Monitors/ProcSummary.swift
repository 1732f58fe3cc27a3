import Glibc
import ProcFS
import Render

/// Everything `sonde proc PID` shows, read once. Each piece is either a value
/// or a note saying why it is missing; a missing piece never hides the others.
public struct ProcSnapshot: Sendable {
    public var pid: Int32
    public var stat: ProcessStat
    public var status: ProcessStatus?
    public var argv: [String]?
    public var cwd: String?, exe: String?, rootDir: String?
    public var limits: [ResourceLimit]?
    /// (tid, stat) per thread.
    public var threads: [ProcessStat]?
    public var fds: [FileDescriptor]?
    public var rollup: SmapsRollup?
    public var cgroups: [CgroupEntry]?
    public var schedStat: SchedStat?
    public var io: IOCounters?
    /// Seconds since the epoch at boot (/proc/stat btime) and uptime now.
    public var bootTime: Int64?
    public var uptime: Double?
    /// Section or item name to the reason it is missing.
    public var notes: [(String, String)] = []

    public init(pid: Int32, stat: ProcessStat) {
        self.pid = pid
        self.stat = stat
    }

    /// Reads a live (or fake, via fs.root) process. Throws only when the process
    /// itself is missing; every other failure becomes a note.
    public static func collect(pid: Int32, fs: ProcFS = ProcFS()) throws(ToolError) -> ProcSnapshot {
        let st: ProcessStat
        do { st = try fs.stat(pid: pid) } catch {
            if error.isGone { throw ToolError("\(pid): no such process") }
            throw ToolError("\(error)")
        }
        var s = ProcSnapshot(pid: pid, stat: st)
        func note(_ what: String, _ e: ProcError) { s.notes.append((what, Self.reason(e))) }
        do { s.status = try fs.status(pid: pid) } catch { note("status", error) }
        do { s.argv = try fs.cmdline(pid: pid) } catch { note("cmdline", error) }
        func link(_ name: String) -> String? {
            do { return try fs.readlink("\(pid)/\(name)") } catch {
                if case .io(_, let e) = error, e == ENOENT { s.notes.append((name, "no link (kernel thread or exiting process)")) } else { note(name, error) }
                return nil
            }
        }
        s.cwd = link("cwd")
        s.exe = link("exe")
        s.rootDir = link("root")
        do { s.limits = try fs.limits(pid: pid) } catch { note("limits", error) }
        do {
            var list: [ProcessStat] = []
            for tid in try fs.threadIDs(pid) {
                if let t = try? fs.stat(pid: pid, tid: tid) { list.append(t) }
            }
            s.threads = list
        } catch { note("threads", error) }
        do { s.fds = try fs.fileDescriptors(pid: pid) } catch { note("fds", error) }
        // Kernel threads and zombies have no user memory (and no Vm* lines).
        let hasMemory = s.status.map { $0.vmSize != nil } ?? true
        if hasMemory { do { s.rollup = try fs.smapsRollup(pid: pid) } catch {
            // Kernels before 4.14 have no smaps_rollup: sum smaps instead.
            if case .io(_, let e) = error, e == ENOENT, let maps = try? fs.smaps(pid: pid), !maps.isEmpty {
                s.rollup = SmapsRollup.summing(maps)
            } else { note("smaps_rollup", error) }
        } }
        do { s.cgroups = try fs.cgroups(pid: pid) } catch { note("cgroup", error) }
        do { s.schedStat = try fs.schedStat(pid: pid) } catch { note("schedstat", error) }
        do { s.io = try fs.ioCounters(pid: pid) } catch { note("io", error) }
        do { s.bootTime = try fs.cpuStat().bootTime } catch { note("boot time", error) }
        do { s.uptime = try fs.uptime().seconds } catch { note("uptime", error) }
        return s
    }

    static func reason(_ e: ProcError) -> String {
        if case let .io(_, n) = e {
            if n == EACCES || n == EPERM { return "permission denied (needs root or ptrace access to the process)" }
            if n == ENOENT { return "not present (old kernel or exited process)" }
            if n == ESRCH { return "process exited while being read" }
        }
        return e.description
    }

    public func note(for key: String) -> String? { notes.first(where: { $0.0 == key })?.1 }
}

/// Renders a snapshot as text or JSON.
public struct ProcSummary {
    public var snapshot: ProcSnapshot
    public var users: UserNames
    public var clockTicks: Int64

    public init(_ snapshot: ProcSnapshot, users: UserNames = UserNames(), clockTicks: Int64 = SystemConstants.clockTicks) {
        self.snapshot = snapshot
        self.users = users
        self.clockTicks = max(1, clockTicks)
    }

    // MARK: derived values

    public var startEpoch: Int64? {
        guard let b = snapshot.bootTime else { return nil }
        return b + Int64(snapshot.stat.starttime) / clockTicks
    }

    public var elapsedSeconds: Int64? {
        guard let up = snapshot.uptime else { return nil }
        return max(0, Int64(up) - Int64(snapshot.stat.starttime) / clockTicks)
    }

    /// ps etime format: [[dd-]hh:]mm:ss.
    public static func elapsedText(_ s: Int64) -> String {
        let d = s / 86400, h = (s / 3600) % 24, m = (s / 60) % 60, sec = s % 60
        func two(_ v: Int64) -> String { v < 10 ? "0\(v)" : String(v) }
        if d > 0 { return "\(d)-\(two(h)):\(two(m)):\(two(sec))" }
        if h > 0 { return "\(two(h)):\(two(m)):\(two(sec))" }
        return "\(two(m)):\(two(sec))"
    }

    /// Local time "YYYY-MM-DD HH:MM:SS".
    public static func localTime(_ epoch: Int64) -> String {
        var t = time_t(epoch)
        var tmv = tm()
        guard localtime_r(&t, &tmv) != nil else { return String(epoch) }
        var buf = [CChar](repeating: 0, count: 64)
        let n = strftime(&buf, buf.count, "%Y-%m-%d %H:%M:%S", &tmv)
        return String(decoding: buf[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    public static func seconds(ticks: UInt64, clockTicks: Int64) -> String {
        Format.fixed(Double(ticks) / Double(max(1, clockTicks)), 2)
    }

    public static func limitText(_ v: UInt64?) -> String { v.map(String.init) ?? "unlimited" }

    var commandLine: String {
        if let argv = snapshot.argv, !argv.isEmpty { return argv.joined(separator: " ") }
        return "[\(snapshot.stat.comm)]"
    }

    func idText(_ ids: [UInt32], user: Bool) -> String {
        ids.map { "\($0)(\(user ? users.userOrID($0) : users.groupOrID($0)))" }.joined(separator: " ")
    }

    var policyName: String { SchedPolicy.name(raw: Int64(snapshot.stat.policy)) }

    // MARK: text

    public func text() -> String {
        let s = snapshot, st = s.stat
        var out = ""
        func section(_ title: String) { out += (out.isEmpty ? "" : "\n") + title + "\n" }
        func kv(_ rows: [(String, String)]) {
            let w = rows.map { $0.0.count }.max() ?? 0
            for (k, v) in rows { out += "  " + Format.left(k, w) + "  " + v + "\n" }
        }
        func noteLine(_ key: String) { if let n = s.note(for: key) { out += "  (\(key): \(n))\n" } }

        section("Process \(s.pid) (\(st.comm))")
        var id: [(String, String)] = [("state", s.status?.state ?? String(st.stateChar)), ("ppid", String(st.ppid))]
        if let status = s.status {
            if status.tgid != s.pid { id.append(("tgid", String(status.tgid))) }
            id.append(("uid", idText(status.uids, user: true)))
            id.append(("gid", idText(status.gids, user: false)))
        }
        id.append(("pgrp/session", "\(st.pgrp)/\(st.session)"))
        if let e = startEpoch { id.append(("started", Self.localTime(e))) }
        if let e = elapsedSeconds { id.append(("elapsed", Self.elapsedText(e))) }
        id.append(("cpu time", "user \(Self.seconds(ticks: st.utime, clockTicks: clockTicks))s, system \(Self.seconds(ticks: st.stime, clockTicks: clockTicks))s"))
        kv(id)
        noteLine("status"); noteLine("boot time"); noteLine("uptime")

        section("Command line")
        out += "  \(commandLine)\n"
        noteLine("cmdline")

        section("Files")
        var links: [(String, String)] = []
        for (k, v) in [("cwd", s.cwd), ("exe", s.exe), ("root", s.rootDir)] {
            links.append((k, v ?? "(\(s.note(for: k) ?? "unknown"))"))
        }
        kv(links)

        section("Memory")
        var mem: [(String, String)] = []
        func kib(_ v: Int64?) -> String? { v.map { "\($0) kB" } }
        if let status = s.status {
            for (k, v) in [("VmSize", status.vmSize), ("VmRSS", status.vmRSS), ("RssAnon", status.rssAnon), ("RssFile", status.rssFile),
                           ("RssShmem", status.rssShmem), ("VmHWM", status.vmHWM), ("VmData", status.vmData), ("VmStk", status.vmStk),
                           ("VmSwap", status.vmSwap)] {
                if let t = kib(v) { mem.append((k, t)) }
            }
        }
        if let r = s.rollup {
            if let p = r.field("Pss") { mem.append(("PSS", "\(p) kB")) }
            let uss = (r.field("Private_Clean") ?? 0) + (r.field("Private_Dirty") ?? 0)
            mem.append(("USS", "\(uss) kB"))
            if let sw = r.field("SwapPss") { mem.append(("SwapPss", "\(sw) kB")) }
        }
        if mem.isEmpty { out += "  (no user memory: kernel thread or zombie)\n" } else { kv(mem) }
        noteLine("smaps_rollup")

        section("Scheduling")
        var sched: [(String, String)] = [("policy", policyName), ("nice", String(st.nice)), ("priority", String(st.priority))]
        if st.rtPriority != 0 { sched.append(("rt priority", String(st.rtPriority))) }
        sched.append(("last cpu", String(st.processor)))
        if let status = s.status {
            sched.append(("ctx switches", "\(status.voluntaryCtxtSwitches) voluntary, \(status.nonvoluntaryCtxtSwitches) involuntary"))
        }
        if let ss = s.schedStat {
            sched.append(("run time", Format.fixed(Double(ss.runNanoseconds) / 1e9, 6) + "s"))
            sched.append(("wait time", Format.fixed(Double(ss.waitNanoseconds) / 1e9, 6) + "s"))
            sched.append(("timeslices", String(ss.timeslices)))
        }
        kv(sched)
        noteLine("schedstat")

        section("Threads (\(s.threads?.count ?? Int(st.numThreads)))")
        if let threads = s.threads {
            var t = TextTable(headers: ["TID", "S", "CPU", "USER s", "SYS s", "COMM"], aligns: [.right, .left, .right, .right, .right, .left])
            for th in threads {
                t.add([String(th.pid), String(th.stateChar), String(th.processor), Self.seconds(ticks: th.utime, clockTicks: clockTicks),
                       Self.seconds(ticks: th.stime, clockTicks: clockTicks), th.comm])
            }
            out += indent(t.render())
        }
        noteLine("threads")

        section("Open files (\(s.fds.map { String($0.count) } ?? "?"))")
        if let fds = s.fds {
            var t = TextTable(headers: ["FD", "TYPE", "TARGET"], aligns: [.right, .left, .left])
            for f in fds { t.add([String(f.fd), f.kind.rawValue, f.target]) }
            out += indent(t.render())
        }
        noteLine("fds")

        section("Limits")
        if let limits = s.limits {
            var t = TextTable(headers: ["LIMIT", "SOFT", "HARD", "UNITS"], aligns: [.left, .right, .right, .left])
            for l in limits { t.add([l.name, Self.limitText(l.soft), Self.limitText(l.hard), l.units]) }
            out += indent(t.render())
        }
        noteLine("limits")

        section("Cgroups")
        if let cg = s.cgroups {
            for c in cg {
                let ctl = c.controllers.isEmpty ? "(v2)" : c.controllers.joined(separator: ",")
                out += "  \(c.hierarchy):\(ctl)  \(c.path)\n"
            }
        }
        noteLine("cgroup")

        section("I/O")
        if let io = s.io { kv(io.values.map { ($0.key, String($0.value)) }) }
        noteLine("io")
        return out
    }

    func indent(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { $0.isEmpty ? "" : "  " + $0 }.joined(separator: "\n")
    }

    // MARK: JSON

    public func json() -> JSON {
        let s = snapshot, st = s.stat
        func opt(_ v: Int64?) -> JSON { v.map { .int($0) } ?? .null }
        func str(_ v: String?) -> JSON { v.map { .string($0) } ?? .null }
        var identity: [(String, JSON)] = [("pid", .int(Int64(s.pid))), ("comm", .string(st.comm)),
                                          ("state", .string(s.status?.state ?? String(st.stateChar))), ("ppid", .int(Int64(st.ppid))),
                                          ("pgrp", .int(Int64(st.pgrp))), ("session", .int(Int64(st.session)))]
        if let status = s.status {
            identity.append(("tgid", .int(Int64(status.tgid))))
            identity.append(("uids", .array(status.uids.map { .int(Int64($0)) })))
            identity.append(("gids", .array(status.gids.map { .int(Int64($0)) })))
            identity.append(("user", str(status.uids.first.map { users.userOrID($0) })))
        }
        identity += [("start_time", opt(startEpoch)), ("elapsed_seconds", opt(elapsedSeconds)),
                     ("utime_ticks", .int(Int64(clamping: st.utime))), ("stime_ticks", .int(Int64(clamping: st.stime)))]

        var memory: [(String, JSON)] = []
        if let status = s.status {
            memory += [("VmSize_kb", opt(status.vmSize)), ("VmRSS_kb", opt(status.vmRSS)), ("RssAnon_kb", opt(status.rssAnon)),
                       ("RssFile_kb", opt(status.rssFile)), ("RssShmem_kb", opt(status.rssShmem)), ("VmHWM_kb", opt(status.vmHWM)),
                       ("VmData_kb", opt(status.vmData)), ("VmStk_kb", opt(status.vmStk)), ("VmSwap_kb", opt(status.vmSwap))]
        }
        if let r = s.rollup {
            memory.append(("Pss_kb", r.field("Pss").map { .int(Int64(clamping: $0)) } ?? .null))
            memory.append(("Uss_kb", .int(Int64(clamping: (r.field("Private_Clean") ?? 0) + (r.field("Private_Dirty") ?? 0)))))
            memory.append(("smaps_rollup", .object(r.fields.map { ($0.key, .int(Int64(clamping: $0.value))) })))
        }

        var sched: [(String, JSON)] = [("policy", .string(policyName)), ("nice", .int(st.nice)), ("priority", .int(st.priority)),
                                       ("rt_priority", .int(Int64(clamping: st.rtPriority))), ("last_cpu", .int(st.processor))]
        if let status = s.status {
            sched.append(("voluntary_ctxt_switches", .int(status.voluntaryCtxtSwitches)))
            sched.append(("nonvoluntary_ctxt_switches", .int(status.nonvoluntaryCtxtSwitches)))
        }
        if let ss = s.schedStat {
            sched += [("run_ns", .int(Int64(clamping: ss.runNanoseconds))), ("wait_ns", .int(Int64(clamping: ss.waitNanoseconds))),
                      ("timeslices", .int(Int64(clamping: ss.timeslices)))]
        }

        let threads: JSON = s.threads.map { list in
            .array(list.map { t in
                .object([("tid", .int(Int64(t.pid))), ("comm", .string(t.comm)), ("state", .string(String(t.stateChar))),
                         ("cpu", .int(t.processor)), ("utime_ticks", .int(Int64(clamping: t.utime))),
                         ("stime_ticks", .int(Int64(clamping: t.stime)))])
            })
        } ?? .null
        let fds: JSON = s.fds.map { list in
            .array(list.map { f in .object([("fd", .int(Int64(f.fd))), ("type", .string(f.kind.rawValue)), ("target", .string(f.target))]) })
        } ?? .null
        let limits: JSON = s.limits.map { list in
            .array(list.map { l in
                .object([("name", .string(l.name)), ("soft", l.soft.map { .int(Int64(clamping: $0)) } ?? .string("unlimited")),
                         ("hard", l.hard.map { .int(Int64(clamping: $0)) } ?? .string("unlimited")), ("units", .string(l.units))])
            })
        } ?? .null
        let cgroups: JSON = s.cgroups.map { list in
            .array(list.map { c in
                .object([("hierarchy", .int(Int64(c.hierarchy))), ("controllers", .array(c.controllers.map { .string($0) })),
                         ("path", .string(c.path))])
            })
        } ?? .null
        let io: JSON = s.io.map { .object($0.values.map { ($0.key, .int(Int64(clamping: $0.value))) }) } ?? .null

        return .object([
            ("identity", .object(identity)),
            ("cmdline", s.argv.map { .array($0.map { .string($0) }) } ?? .null),
            ("links", .object([("cwd", str(s.cwd)), ("exe", str(s.exe)), ("root", str(s.rootDir))])),
            ("memory", .object(memory)),
            ("scheduling", .object(sched)),
            ("threads", threads),
            ("fds", fds),
            ("limits", limits),
            ("cgroups", cgroups),
            ("io", io),
            ("notes", .object(s.notes.map { ($0.0, .string($0.1)) })),
        ])
    }
}
