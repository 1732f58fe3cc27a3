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
        return withUnsafeTemporaryAllocation(of: Int64.self, capacity: 45) { f -> ProcessStat? in
        f.initialize(repeating: 0)
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
    /// Signal masks (hex in status): shared pending, thread pending, blocked, ignored, caught.
    /// stat's decimal copies are truncated to 31 bits, so these are the ones to show.
    public var shdPnd: UInt64 = 0, sigPnd: UInt64 = 0, sigBlk: UInt64 = 0, sigIgn: UInt64 = 0, sigCgt: UInt64 = 0
    public var voluntaryCtxtSwitches: Int64 = 0
    public var nonvoluntaryCtxtSwitches: Int64 = 0
    public var lines: [(key: String, value: String)] = []

    public init() {}

    /// Parses the file's bytes. `keepLines` also keeps every line as text (for
    /// display); the process table leaves it off because it is the costly part.
    public static func parse(_ bytes: [UInt8], keepLines: Bool = true) -> ProcessStatus {
        var s = ProcessStatus()
        if keepLines { s.lines = keyValueLines(bytes) }
        var lineStart = 0
        let count = bytes.count
        while lineStart < count {
            var colon = lineStart
            while colon < count, bytes[colon] != UInt8(ascii: ":"), bytes[colon] != 0x0A { colon += 1 }
            var end = colon
            while end < count, bytes[end] != 0x0A { end += 1 }
            if colon < end {
                s.assign(bytes, key: lineStart, keyLength: colon - lineStart, value: colon + 1, end: end)
            }
            lineStart = end + 1
        }
        return s
    }

    @inline(__always)
    static func keyIs(_ b: [UInt8], _ at: Int, _ len: Int, _ lit: StaticString) -> Bool {
        guard lit.utf8CodeUnitCount == len else { return false }
        let p = lit.utf8Start
        for i in 0..<len where b[at + i] != p[i] { return false }
        return true
    }

    mutating func assign(_ b: [UInt8], key k: Int, keyLength n: Int, value v: Int, end: Int) {
        func int() -> Int64? { var c = ByteCursor(b, from: v, to: end); return c.int() }
        func ids() -> [UInt32] {
            var c = ByteCursor(b, from: v, to: end)
            var out: [UInt32] = []
            while let x = c.uint() { out.append(UInt32(truncatingIfNeeded: x)) }
            return out
        }
        func hex() -> UInt64 {
            var c = ByteCursor(b, from: v, to: end)
            c.skipWhitespace()
            return c.hex() ?? 0
        }
        func text() -> String {
            var a = v
            while a < end, b[a] == 0x09 || b[a] == 0x20 { a += 1 }
            return String(decoding: b[a..<end], as: UTF8.self)
        }
        switch n {
        case 3:
            if Self.keyIs(b, k, n, "Uid") { uids = ids() } else if Self.keyIs(b, k, n, "Gid") { gids = ids() } else if Self.keyIs(b, k, n, "Pid") { pid = Int32(truncatingIfNeeded: int() ?? 0) }
        case 4:
            if Self.keyIs(b, k, n, "Name") { name = text() } else if Self.keyIs(b, k, n, "Tgid") { tgid = Int32(truncatingIfNeeded: int() ?? 0) } else if Self.keyIs(b, k, n, "PPid") { ppid = Int32(truncatingIfNeeded: int() ?? 0) }
        case 5:
            guard b[k] == UInt8(ascii: "V") || b[k] == UInt8(ascii: "S") else { return }
            if Self.keyIs(b, k, n, "State") { state = text() }
            else if Self.keyIs(b, k, n, "VmLck") { vmLck = int() }
            else if Self.keyIs(b, k, n, "VmRSS") { vmRSS = int() }
            else if Self.keyIs(b, k, n, "VmHWM") { vmHWM = int() }
            else if Self.keyIs(b, k, n, "VmPin") { vmPin = int() }
            else if Self.keyIs(b, k, n, "VmStk") { vmStk = int() }
            else if Self.keyIs(b, k, n, "VmExe") { vmExe = int() }
            else if Self.keyIs(b, k, n, "VmLib") { vmLib = int() }
            else if Self.keyIs(b, k, n, "VmPTE") { vmPTE = int() }
        case 6:
            if Self.keyIs(b, k, n, "VmPeak") { vmPeak = int() }
            else if Self.keyIs(b, k, n, "VmSize") { vmSize = int() }
            else if Self.keyIs(b, k, n, "VmData") { vmData = int() }
            else if Self.keyIs(b, k, n, "VmSwap") { vmSwap = int() }
            else if Self.keyIs(b, k, n, "Groups") { groups = ids() }
            else if Self.keyIs(b, k, n, "ShdPnd") { shdPnd = hex() }
            else if Self.keyIs(b, k, n, "SigPnd") { sigPnd = hex() }
            else if Self.keyIs(b, k, n, "SigBlk") { sigBlk = hex() }
            else if Self.keyIs(b, k, n, "SigIgn") { sigIgn = hex() }
            else if Self.keyIs(b, k, n, "SigCgt") { sigCgt = hex() }
        case 7:
            if Self.keyIs(b, k, n, "RssAnon") { rssAnon = int() }
            else if Self.keyIs(b, k, n, "RssFile") { rssFile = int() }
            else if Self.keyIs(b, k, n, "Threads") { threads = int() ?? 0 }
        case 8:
            if Self.keyIs(b, k, n, "RssShmem") { rssShmem = int() }
        case 23:
            if Self.keyIs(b, k, n, "voluntary_ctxt_switches") { voluntaryCtxtSwitches = int() ?? 0 }
        case 26:
            if Self.keyIs(b, k, n, "nonvoluntary_ctxt_switches") { nonvoluntaryCtxtSwitches = int() ?? 0 }
        default:
            break
        }
    }
}
