import Glibc
import ProcFS

/// Facts of the moment a ps snapshot is taken, shared by every column.
public struct PSContext: @unchecked Sendable {
    public var now: Int = 0                 // seconds since the epoch
    public var bootTime: Int = 0            // btime of /proc/stat
    public var bootTicks: Double = 0        // CLOCK_BOOTTIME in clock ticks, as procps
    public var hz: Int64 = 100
    public var pageKiB: Int64 = 4
    public var memTotalKiB: Int64 = 1
    public var pidWidth: Int = 5            // digits of /proc/sys/kernel/pid_max
    public var users = UserNames(passwd: "/dev/null", group: "/dev/null")
    public var ttys = TTYNames()
    public var myEUID: UInt32 = 0
    public var myTTY: Int32 = 0

    public init() {}

    /// Reads the live system.
    public static func live(_ fs: ProcFS) -> PSContext {
        var c = PSContext()
        c.now = time(nil)
        if let st = try? fs.cpuStat() { c.bootTime = Int(st.bootTime) }
        c.hz = SystemConstants.clockTicks
        c.pageKiB = SystemConstants.pageSize / 1024
        var ts = timespec()
        if clock_gettime(CLOCK_BOOTTIME, &ts) == 0 {
            c.bootTicks = (Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9) * Double(c.hz)
        }
        if let m = try? fs.memInfo() { c.memTotalKiB = max(1, m.total) }
        if let t = try? fs.text("sys/kernel/pid_max"), let n = Int(t) { c.pidWidth = max(5, String(n).count) }
        c.users = UserNames()
        c.ttys = TTYNames(drivers: (try? fs.read("tty/drivers")) ?? [])
        c.myEUID = geteuid()
        if let me = try? fs.stat(pid: getpid()) { c.myTTY = me.ttyNr }
        return c
    }

    /// Seconds since the process started (procps TIME_ELAPSED).
    func elapsed(_ st: ProcessStat) -> Double {
        let t = bootTicks - Double(st.starttime)
        return t > 0 ? t / Double(hz) : 0
    }

    /// %CPU over the process lifetime, as a real number of percent (procps UTILIZATION).
    func utilization(_ st: ProcessStat, children: Bool = false) -> Double {
        let t = bootTicks - Double(st.starttime)
        guard t > 0 else { return 0 }
        var ticks = Double(st.utime &+ st.stime)
        if children { ticks += Double(st.cutime + st.cstime) }
        return ticks * 100 / t
    }

    /// Wall-clock start time of a process.
    func startTime(_ st: ProcessStat) -> Int { bootTime + Int(st.starttime / UInt64(max(1, hz))) }

    /// Start time since the epoch with the tick fraction kept (for sorting and JSON).
    func exactStart(_ st: ProcessStat) -> Double { Double(bootTime) + Double(st.starttime) / Double(max(1, hz)) }

    func strftime(_ format: String, _ t: Int) -> String {
        var tt = time_t(t)
        var tmv = tm()
        guard localtime_r(&tt, &tmv) != nil else { return "" }
        var buf = [CChar](repeating: 0, count: 64)
        let n = Glibc.strftime(&buf, 64, format, &tmv)
        return String(decoding: buf[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    func localDay(_ t: Int) -> (year: Int32, yday: Int32) {
        var tt = time_t(t)
        var tmv = tm()
        _ = localtime_r(&tt, &tmv)
        return (tmv.tm_year, tmv.tm_yday)
    }

    /// ctime(3) text without the newline: "Thu Nov 26 17:04:12 2026".
    func ctimeText(_ t: Int) -> String {
        var tt = time_t(t)
        var buf = [CChar](repeating: 0, count: 32)
        guard ctime_r(&tt, &buf) != nil else { return "" }
        return String(cString: buf).trimmingSuffixNewline()
    }
}

extension String {
    func trimmingSuffixNewline() -> String {
        var s = self
        while s.last == "\n" { s.removeLast() }
        return s
    }
}
