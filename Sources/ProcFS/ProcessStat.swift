/// One line of /proc/PID/stat (or /proc/PID/task/TID/stat), see proc_pid_stat(5).
/// Times are in clock ticks, sizes in bytes (vsize) or pages (rss).
public struct ProcessStat: Sendable, Equatable {
    public var pid: Int32 = 0
    public var comm: String = ""
    public var state: UInt8 = UInt8(ascii: "?")
    public var ppid: Int32 = 0
    public var pgrp: Int32 = 0
    public var session: Int32 = 0
    public var ttyNr: Int32 = 0
    public var tpgid: Int32 = 0
    public var flags: UInt64 = 0
    public var minflt: UInt64 = 0
    public var cminflt: UInt64 = 0
    public var majflt: UInt64 = 0
    public var cmajflt: UInt64 = 0
    public var utime: UInt64 = 0
    public var stime: UInt64 = 0
    public var cutime: Int64 = 0
    public var cstime: Int64 = 0
    public var priority: Int64 = 0
    public var nice: Int64 = 0
    public var numThreads: Int64 = 0
    public var starttime: UInt64 = 0
    public var vsize: UInt64 = 0
    public var rss: Int64 = 0
    public var rsslim: UInt64 = 0
    public var startCode: UInt64 = 0
    public var endCode: UInt64 = 0
    public var startStack: UInt64 = 0
    public var kstkesp: UInt64 = 0
    public var kstkeip: UInt64 = 0
    public var signal: UInt64 = 0
    public var blocked: UInt64 = 0
    public var sigignore: UInt64 = 0
    public var sigcatch: UInt64 = 0
    public var wchan: UInt64 = 0
    public var exitSignal: Int64 = 0
    public var processor: Int64 = 0
    public var rtPriority: UInt64 = 0
    public var policy: UInt64 = 0
    public var blkioTicks: UInt64 = 0
    public var guestTime: UInt64 = 0

    public init() {}

    /// The stat line's state as a character (R, S, D, Z, T, t, X, I...).
    public var stateChar: Character { Character(Unicode.Scalar(state)) }

    /// Parses the file's bytes. comm may contain spaces and parentheses, so it is
    /// taken between the first "(" and the *last* ")". Returns nil on malformed input.
    public static func parse(_ bytes: [UInt8]) -> ProcessStat? {
        guard let open = bytes.firstIndex(of: UInt8(ascii: "(")),
              let close = bytes.lastIndex(of: UInt8(ascii: ")")), close > open else { return nil }
        var s = ProcessStat()
        var head = ByteCursor(bytes, from: 0, to: open)
        guard let pid = head.int(), let p32 = Int32(exactly: pid) else { return nil }
        s.pid = p32
        s.comm = String(decoding: bytes[(open + 1)..<close], as: UTF8.self)
        var c = ByteCursor(bytes, from: close + 1)
        c.skipSpaces()
        guard !c.atEnd else { return nil }
        s.state = bytes[c.index]
        c.index += 1
        // Fields 4..44; later kernels append more, older ones fewer: missing tail fields stay 0.
        var f = [Int64](repeating: 0, count: 45)
        var n = 4
        while n < 45 {
            c.skipSpaces()
            if c.atEnd || bytes[c.index] == 0x0A { break }
            if bytes[c.index] == UInt8(ascii: "-") {
                guard let v = c.int() else { return nil }
                f[n] = v
            } else {
                guard let v = c.uint() else { return nil }
                f[n] = Int64(bitPattern: v)
            }
            n += 1
        }
        guard n > 24 else { return nil }  // up to rss is mandatory
        func u(_ i: Int) -> UInt64 { UInt64(bitPattern: f[i]) }
        func i32(_ i: Int) -> Int32 { Int32(truncatingIfNeeded: f[i]) }
        s.ppid = i32(4); s.pgrp = i32(5); s.session = i32(6); s.ttyNr = i32(7); s.tpgid = i32(8)
        s.flags = u(9); s.minflt = u(10); s.cminflt = u(11); s.majflt = u(12); s.cmajflt = u(13)
        s.utime = u(14); s.stime = u(15); s.cutime = f[16]; s.cstime = f[17]
        s.priority = f[18]; s.nice = f[19]; s.numThreads = f[20]
        s.starttime = u(22); s.vsize = u(23); s.rss = f[24]; s.rsslim = u(25)
        s.startCode = u(26); s.endCode = u(27); s.startStack = u(28); s.kstkesp = u(29); s.kstkeip = u(30)
        s.signal = u(31); s.blocked = u(32); s.sigignore = u(33); s.sigcatch = u(34); s.wchan = u(35)
        s.exitSignal = f[38]; s.processor = f[39]; s.rtPriority = u(40); s.policy = u(41)
        s.blkioTicks = u(42); s.guestTime = u(43)
        return s
    }
}

/// The fields of /proc/PID/status that tools use, plus every line in order.
public struct ProcessStatus: Sendable {
    public var name = ""
    public var state = ""
    public var tgid: Int32 = 0
    public var pid: Int32 = 0
    public var ppid: Int32 = 0
    /// Real, effective, saved, filesystem.
    public var uids: [UInt32] = []
    public var gids: [UInt32] = []
    public var groups: [UInt32] = []
    /// Sizes in KiB, nil when absent (kernel threads have no Vm* lines).
    public var vmPeak: Int64?, vmSize: Int64?, vmLck: Int64?, vmPin: Int64?, vmHWM: Int64?, vmRSS: Int64?
    public var rssAnon: Int64?, rssFile: Int64?, rssShmem: Int64?
    public var vmData: Int64?, vmStk: Int64?, vmExe: Int64?, vmLib: Int64?, vmPTE: Int64?, vmSwap: Int64?
    public var threads: Int64 = 0
    public var voluntaryCtxtSwitches: Int64 = 0
    public var nonvoluntaryCtxtSwitches: Int64 = 0
    public var lines: [(key: String, value: String)] = []

    public init() {}

    public static func parse(_ bytes: [UInt8]) -> ProcessStatus {
        var s = ProcessStatus()
        s.lines = keyValueLines(bytes)
        func ids(_ v: String) -> [UInt32] { v.split(whereSeparator: { $0 == " " || $0 == "\t" }).compactMap { UInt32($0) } }
        for (k, v) in s.lines {
            switch k {
            case "Name": s.name = v
            case "State": s.state = v
            case "Tgid": s.tgid = Int32(v) ?? 0
            case "Pid": s.pid = Int32(v) ?? 0
            case "PPid": s.ppid = Int32(v) ?? 0
            case "Uid": s.uids = ids(v)
            case "Gid": s.gids = ids(v)
            case "Groups": s.groups = ids(v)
            case "VmPeak": s.vmPeak = leadingInt(v)
            case "VmSize": s.vmSize = leadingInt(v)
            case "VmLck": s.vmLck = leadingInt(v)
            case "VmPin": s.vmPin = leadingInt(v)
            case "VmHWM": s.vmHWM = leadingInt(v)
            case "VmRSS": s.vmRSS = leadingInt(v)
            case "RssAnon": s.rssAnon = leadingInt(v)
            case "RssFile": s.rssFile = leadingInt(v)
            case "RssShmem": s.rssShmem = leadingInt(v)
            case "VmData": s.vmData = leadingInt(v)
            case "VmStk": s.vmStk = leadingInt(v)
            case "VmExe": s.vmExe = leadingInt(v)
            case "VmLib": s.vmLib = leadingInt(v)
            case "VmPTE": s.vmPTE = leadingInt(v)
            case "VmSwap": s.vmSwap = leadingInt(v)
            case "Threads": s.threads = leadingInt(v) ?? 0
            case "voluntary_ctxt_switches": s.voluntaryCtxtSwitches = leadingInt(v) ?? 0
            case "nonvoluntary_ctxt_switches": s.nonvoluntaryCtxtSwitches = leadingInt(v) ?? 0
            default: break
            }
        }
        return s
    }
}
