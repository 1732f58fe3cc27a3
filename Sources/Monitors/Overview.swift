import Glibc
import ProcFS
import Render

/// `sonde` with no tool: a one-screen health overview built from two samples
/// taken `interval` seconds apart.
public struct OverviewSample: Sendable {
    public var stat = SystemStat()
    public var processes: [ProcessRecord] = []
    public var disks: [DiskStat] = []
    public var time: Double = 0   // monotonic seconds
    public init() {}
}

public struct OverviewInput: Sendable {
    public var host = ""
    public var kernel = ""
    public var machine = ""
    public var uptime = Uptime(seconds: 0, idleSeconds: 0)
    public var load = LoadAverage(one: 0, five: 0, fifteen: 0, runnable: 0, total: 0, lastPID: 0)
    public var memory = MemInfo()
    public var before = OverviewSample()
    public var after = OverviewSample()
    public var wholeDisks: Set<String> = []
    public var kernelMessages: [KmsgRecord]? = nil   // nil: /dev/kmsg not readable
    public var users = UserNames(passwd: "/dev/null", group: "/dev/null")
    public var hz: Int64 = 100
    public var cpus = 1
    /// sonde itself, left out of the busiest lists.
    public var selfPID: Int32 = 0
    public init() {}
}

public struct OverviewProcess: Sendable, Equatable {
    public var pid: Int32
    public var user: String
    public var cpuPercent: Double
    public var rssKiB: Int64
    public var command: String
}

public struct OverviewDisk: Sendable, Equatable {
    public var name: String
    public var readKiBps: Double
    public var writeKiBps: Double
    public var utilPercent: Double

    public init(name: String, readKiBps: Double, writeKiBps: Double, utilPercent: Double) {
        self.name = name; self.readKiBps = readKiBps; self.writeKiBps = writeKiBps; self.utilPercent = utilPercent
    }
}

/// The numbers the overview shows, computed from the input; rendering is separate.
public struct OverviewReport: Sendable {
    public var input: OverviewInput
    /// Percent of all CPU time per class: user, nice, system, iowait, irq, softirq, steal, idle.
    public var cpu: [(String, Double)] = []
    public var byCPU: [OverviewProcess] = []
    public var byMemory: [OverviewProcess] = []
    public var disks: [OverviewDisk] = []
    public var warnings: [KmsgRecord] = []

    public init(_ input: OverviewInput, top: Int = 5) {
        self.input = input
        let d = input.after.stat.total.delta(since: input.before.stat.total)
        let total = Double(max(1, d.total))
        cpu = [("us", d.user), ("ni", d.nice), ("sy", d.system), ("wa", d.iowait), ("hi", d.irq),
               ("si", d.softirq), ("st", d.steal), ("id", d.idle)].map { ($0.0, Double($0.1) * 100 / total) }
        let elapsed = max(0.001, input.after.time - input.before.time)
        var old: [Int32: UInt64] = [:]
        for p in input.before.processes { old[p.pid] = p.stat.utime &+ p.stat.stime }
        let rows = input.after.processes.filter { $0.pid != input.selfPID }.map { p -> OverviewProcess in
            let now = p.stat.utime &+ p.stat.stime
            let was = old[p.pid] ?? now
            let pct = Double(now >= was ? now - was : 0) / Double(input.hz) / elapsed * 100
            let cmd = (p.cmdline?.first).flatMap { $0.isEmpty ? nil : String($0.split(separator: "/").last ?? "") } ?? "[\(p.stat.comm)]"
            return OverviewProcess(pid: p.pid, user: input.users.userOrID(p.euid), cpuPercent: pct,
                                   rssKiB: p.status?.vmRSS ?? 0, command: cmd)
        }
        byCPU = Array(rows.sorted { $0.cpuPercent != $1.cpuPercent ? $0.cpuPercent > $1.cpuPercent : $0.pid < $1.pid }.prefix(top))
        byMemory = Array(rows.sorted { $0.rssKiB != $1.rssKiB ? $0.rssKiB > $1.rssKiB : $0.pid < $1.pid }.prefix(top))
        var oldDisks: [String: DiskStat] = [:]
        for dsk in input.before.disks { oldDisks[dsk.name] = dsk }
        disks = input.after.disks.filter { input.wholeDisks.contains($0.name) && $0.totalIOs > 0 }.compactMap { dsk in
            guard let o = oldDisks[dsk.name] else { return nil }
            func per(_ a: UInt64, _ b: UInt64) -> Double { Double(a >= b ? a - b : 0) / elapsed }
            return OverviewDisk(name: dsk.name, readKiBps: per(dsk.readSectors, o.readSectors) / 2, writeKiBps: per(dsk.writeSectors, o.writeSectors) / 2,
                                utilPercent: min(100, per(dsk.ioTicks, o.ioTicks) / 10))
        }
        warnings = Array((input.kernelMessages ?? []).filter { $0.level <= 4 }.suffix(top))
    }

    static func uptimeText(_ seconds: Double) -> String {
        let s = Int(seconds)
        let days = s / 86400, hours = (s % 86400) / 3600, minutes = (s % 3600) / 60
        return (days > 0 ? "\(days) day\(days == 1 ? "" : "s"), " : "") + "\(hours):" + (minutes < 10 ? "0" : "") + "\(minutes)"
    }

    static func kib(_ k: Int64) -> String { Format.human(bytes: k * 1024) }

    /// The screen, at most `width` columns wide.
    public func render(width: Int = 80) -> String {
        let i = input
        var out = "\(i.host)  Linux \(i.kernel) \(i.machine)  up \(Self.uptimeText(i.uptime.seconds)),  load \(Format.fixed(i.load.one, 2)) \(Format.fixed(i.load.five, 2)) \(Format.fixed(i.load.fifteen, 2)),  \(i.cpus) CPU\(i.cpus == 1 ? "" : "s"),  \(i.load.total) tasks\n"
        out += "CPU   " + cpu.map { "\($0.0) \(Format.fixed($0.1, 1))" }.joined(separator: "  ") + "\n"
        let m = i.memory
        out += "Mem   total \(Self.kib(m.total))  used \(Self.kib(m.used))  free \(Self.kib(m.free))  avail \(Self.kib(m.available))  buff/cache \(Self.kib(m.buffers + m.cached))\n"
        out += "Swap  total \(Self.kib(m.swapTotal))  used \(Self.kib(m.swapUsed))  free \(Self.kib(m.swapFree))\n\n"
        let half = max(36, width / 2)
        func procLine(_ p: OverviewProcess?, cpu: Bool) -> String {
            guard let p else { return "" }
            let value = cpu ? Format.right(Format.fixed(p.cpuPercent, 1), 6) : Format.right(Self.kib(p.rssKiB), 6)
            let line = Format.right(String(p.pid), 7) + " " + Format.left(String(p.user.prefix(8)), 8) + " " + value + " " + p.command
            return String(line.prefix(half - 1))
        }
        out += Format.left("Busiest by CPU", half) + "Busiest by memory\n"
        out += Format.left("    PID USER       %CPU COMMAND", half) + "    PID USER        RSS COMMAND\n"
        for n in 0..<max(byCPU.count, byMemory.count) {
            out += Format.left(procLine(n < byCPU.count ? byCPU[n] : nil, cpu: true), half) + procLine(n < byMemory.count ? byMemory[n] : nil, cpu: false) + "\n"
        }
        out += "\nDisks" + (disks.isEmpty ? "  (none)" : "") + "\n"
        for d in disks {
            out += "  " + Format.left(d.name, 10) + " read " + Format.right(Format.fixed(d.readKiBps, 1), 9) + " KiB/s  write " + Format.right(Format.fixed(d.writeKiBps, 1), 9) + " KiB/s  util " + Format.right(Format.fixed(d.utilPercent, 1), 5) + "%\n"
        }
        if let msgs = i.kernelMessages {
            out += "\nKernel warnings and errors" + (warnings.isEmpty ? "  (none in the log buffer, \(msgs.count) messages)" : "") + "\n"
            for w in warnings {
                let ts = Format.fixed(Double(w.microseconds) / 1e6, 6)
                out += String(("  [" + Format.right(ts, 12) + "] " + w.message).prefix(width)) + "\n"
            }
        } else {
            out += "\nKernel warnings: /dev/kmsg not readable (needs root or CAP_SYSLOG)\n"
        }
        return out
    }

    public var json: JSON {
        let i = input
        func procs(_ list: [OverviewProcess]) -> JSON {
            .array(list.map { p -> JSON in
                let fields: [(String, JSON)] = [("pid", .int(Int64(p.pid))), ("user", .string(p.user)), ("cpu_percent", .double(p.cpuPercent)),
                                                ("rss_kib", .int(p.rssKiB)), ("command", .string(p.command))]
                return .object(fields)
            })
        }
        let m = i.memory
        let memory: [(String, JSON)] = [("total", .int(m.total)), ("used", .int(m.used)), ("free", .int(m.free)),
                                        ("available", .int(m.available)), ("buff_cache", .int(m.buffers + m.cached)),
                                        ("swap_total", .int(m.swapTotal)), ("swap_used", .int(m.swapUsed))]
        let diskList: [JSON] = disks.map { d -> JSON in
            let f: [(String, JSON)] = [("name", .string(d.name)), ("read_kib_per_s", .double(d.readKiBps)),
                                       ("write_kib_per_s", .double(d.writeKiBps)), ("util_percent", .double(d.utilPercent))]
            return .object(f)
        }
        let warn: [JSON] = warnings.map { w -> JSON in
            let f: [(String, JSON)] = [("level", .int(Int64(w.level))), ("seconds", .double(Double(w.microseconds) / 1e6)), ("message", .string(w.message))]
            return .object(f)
        }
        let cpuObject: [(String, JSON)] = cpu.map { ($0.0, JSON.double($0.1)) }
        var top: [(String, JSON)] = [("host", .string(i.host)), ("kernel", .string(i.kernel)), ("machine", .string(i.machine))]
        top.append(("uptime_seconds", .double(i.uptime.seconds)))
        top.append(("load", .array([.double(i.load.one), .double(i.load.five), .double(i.load.fifteen)])))
        top.append(("cpus", .int(Int64(i.cpus))))
        top.append(("tasks", .int(Int64(i.load.total))))
        top.append(("cpu_percent", .object(cpuObject)))
        top.append(("memory_kib", .object(memory)))
        top.append(("busiest_by_cpu", procs(byCPU)))
        top.append(("busiest_by_memory", procs(byMemory)))
        top.append(("disks", .array(diskList)))
        top.append(("kernel_warnings", .array(warn)))
        return .object(top)
    }
}

/// Live sampling for the overview.
public enum Overview {
    static func monotonic() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
    }

    static func sample(_ fs: ProcFS) throws(ProcError) -> OverviewSample {
        var s = OverviewSample()
        s.time = monotonic()
        s.stat = try fs.cpuStat()
        s.processes = try fs.processes(fields: [.status, .cmdline])
        s.disks = (try? fs.diskStats()) ?? []
        return s
    }

    public static func collect(interval: Double = 0.5, fs: ProcFS = ProcFS()) throws(ProcError) -> OverviewInput {
        var input = OverviewInput()
        var u = utsname()
        uname(&u)
        func field<T>(_ t: T) -> String { withUnsafeBytes(of: t) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) } }
        input.host = field(u.nodename)
        input.kernel = field(u.release)
        input.machine = field(u.machine)
        input.before = try sample(fs)
        usleep(useconds_t(max(0.05, interval) * 1e6))
        input.after = try sample(fs)
        input.uptime = try fs.uptime()
        input.load = try fs.loadAverage()
        input.memory = try fs.memInfo()
        input.wholeDisks = BlockTopology.read().disks
        input.kernelMessages = try? ProcFS.kernelLog()
        input.users = UserNames()
        input.hz = SystemConstants.clockTicks
        input.cpus = max(1, input.after.stat.cpus.count)
        input.selfPID = getpid()
        return input
    }
}
