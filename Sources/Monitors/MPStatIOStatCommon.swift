import Glibc
import ProcFS
import Render

// Helpers shared by free, vmstat, mpstat and iostat: C printf formatting (the
// originals' column widths and rounding are printf's), local time strings, and
// the sysstat pieces common to mpstat and iostat.

/// printf-style formatting through vsnprintf, so rounding and widths are exactly C's.
func cfmt(_ format: String, _ args: CVarArg...) -> String {
    withVaList(args) { va -> String in
        var buf = [CChar](repeating: 0, count: 512)
        let n = buf.withUnsafeMutableBufferPointer { p in vsnprintf(p.baseAddress, p.count, format, va) }
        if n < 0 { return "" }
        if Int(n) >= buf.count {
            // Very long output: retry with the exact size (a va_list cannot be reused, so format again).
            return String(repeating: "?", count: Int(n))
        }
        return String(decoding: buf[0..<Int(n)].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

/// Local time formatting with strftime (follows LC_TIME once the CLI called setlocale).
public enum LocalClock {
    public static func now() -> Int { Int(time(nil)) }

    public static func format(_ t: Int, _ fmt: String) -> String {
        var tt = time_t(t)
        var tmv = tm()
        guard localtime_r(&tt, &tmv) != nil else { return "" }
        var buf = [CChar](repeating: 0, count: 128)
        let n = strftime(&buf, buf.count, fmt, &tmv)
        return String(decoding: buf[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

/// Facts printed in sysstat's first line: "Linux 6.1.0 (host) \t11/26/26 \t_x86_64_\t(2 CPU)".
public struct SysstatHost: Sendable {
    public var sysname: String, release: String, nodename: String, machine: String

    public init(sysname: String, release: String, nodename: String, machine: String) {
        self.sysname = sysname; self.release = release; self.nodename = nodename; self.machine = machine
    }

    public static func current() -> SysstatHost {
        var u = utsname()
        _ = uname(&u)
        func s<T>(_ v: T) -> String {
            withUnsafeBytes(of: v) { raw in
                let bytes = raw.prefix(while: { $0 != 0 })
                return String(decoding: bytes, as: UTF8.self)
            }
        }
        return SysstatHost(sysname: s(u.sysname), release: s(u.release), nodename: s(u.nodename), machine: s(u.machine))
    }

    public func headerLine(date: String, cpus: Int) -> String {
        "\(sysname) \(release) (\(nodename)) \t\(date) \t_\(machine)_\t(\(cpus) CPU)\n"
    }

    public func json(date: String, cpus: Int) -> [(String, JSON)] {
        [("nodename", .string(nodename)), ("sysname", .string(sysname)), ("release", .string(release)),
         ("machine", .string(machine)), ("number-of-cpus", .int(Int64(cpus))), ("date", .string(date))]
    }
}

/// sysstat's time conventions: S_TIME_FORMAT=ISO selects ISO dates and 24h times.
public enum SysstatTime {
    public static var iso: Bool { Terminal.env("S_TIME_FORMAT") == "ISO" }
    public static func date(_ t: Int) -> String { LocalClock.format(t, iso ? "%Y-%m-%d" : "%x") }
    public static func time(_ t: Int) -> String { LocalClock.format(t, iso ? "%H:%M:%S" : "%X") }
}

/// Number of CPUs as sysstat counts them: cpuN directories in sysfs, or the
/// highest CPU number in /proc/stat plus one.
public func sysstatCPUCount(stat: SystemStat, sysRoot: String = "/sys") -> Int {
    if let names = try? ProcFS(root: sysRoot).list("devices/system/cpu") {
        let n = names.filter { $0.hasPrefix("cpu") && Int($0.dropFirst(3)) != nil }.count
        if n > 0 { return n }
    }
    return (stat.cpus.keys.max() ?? 0) + 1
}

/// /proc/uptime in hundredths of a second, as sysstat reads it.
public func uptimeCentiseconds(_ u: Uptime) -> UInt64 {
    guard u.seconds.isFinite, u.seconds > 0 else { return 0 }
    return UInt64((u.seconds * 100).rounded())
}

/// CPU counters in sysstat's naming, with the adjustments of get_per_cpu_interval().
struct SysCPU {
    var user: UInt64 = 0, nice: UInt64 = 0, sys: UInt64 = 0, idle: UInt64 = 0, iowait: UInt64 = 0
    var hardirq: UInt64 = 0, softirq: UInt64 = 0, steal: UInt64 = 0, guest: UInt64 = 0, guestNice: UInt64 = 0

    init() {}
    init(_ t: CPUTimes) {
        user = t.user; nice = t.nice; sys = t.system; idle = t.idle; iowait = t.iowait
        hardirq = t.irq; softirq = t.softirq; steal = t.steal; guest = t.guest; guestNice = t.guestNice
    }

    var total: UInt64 { user &+ nice &+ sys &+ idle &+ iowait &+ hardirq &+ steal &+ softirq }

    mutating func add(_ o: SysCPU) {
        user &+= o.user; nice &+= o.nice; sys &+= o.sys; idle &+= o.idle; iowait &+= o.iowait
        hardirq &+= o.hardirq; softirq &+= o.softirq; steal &+= o.steal; guest &+= o.guest; guestNice &+= o.guestNice
    }
}

/// sysstat's get_per_cpu_interval: the jiffies between two samples of one CPU.
/// May adjust the previous idle/iowait values (CPU back online, iowait going back).
func perCPUInterval(_ c: SysCPU, _ p: inout SysCPU) -> UInt64 {
    var ishift: UInt64 = 0
    if (c.user &- c.guest) < (p.user &- p.guest) { ishift &+= (p.user &- p.guest) &- (c.user &- c.guest) }
    if (c.nice &- c.guestNice) < (p.nice &- p.guestNice) { ishift &+= (p.nice &- p.guestNice) &- (c.nice &- c.guestNice) }
    let big = UInt64.max - 0x7ffff
    if c.iowait < p.iowait && p.iowait < big {
        if c.idle > p.idle || p.idle >= big { p.iowait = c.iowait } else { p.iowait = 0 }
    }
    if c.idle < p.idle && p.idle < big { p.idle = 0 }
    return (c.total &- p.total) &+ ishift
}

/// sysstat's ll_sp_value: percentage of the interval, 0 when the counter went back.
@inline(__always) func spValue(_ prev: UInt64, _ curr: UInt64, _ itv: UInt64) -> Double {
    if curr < prev || itv == 0 { return 0 }
    return Double(curr - prev) / Double(itv) * 100
}

/// sysstat's S_VALUE: per-second rate with itv in hundredths of a second.
@inline(__always) func sValue(_ prev: UInt64, _ curr: UInt64, _ itv: UInt64) -> Double {
    guard itv > 0 else { return 0 }
    guard curr >= prev else { return 0 }
    return Double(curr - prev) / Double(itv) * 100
}

/// Rounds like printf("%.2f") would print, for JSON output matching the text.
func round2(_ v: Double) -> Double { (v * 100).rounded() / 100 }
