import Glibc
import CSonde

/// Live access to a procfs tree. `root` is "/proc" on a real system; tests
/// point it at a snapshot directory they wrote themselves. Every reader hands
/// raw bytes to a pure parser elsewhere in this module.
public struct ProcFS: Sendable {
    public let root: String

    public init(root: String = "/proc") { self.root = root }

    /// Reads a whole file (procfs files report size 0, so read until EOF).
    public func read(_ relative: String) throws(ProcError) -> [UInt8] {
        try readFile(root + "/" + relative)
    }

    public func readFile(_ path: String) throws(ProcError) -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 { throw .io(path: path, errno: errno) }
        defer { close(fd) }
        var out: [UInt8] = []
        var failure: Int32 = 0
        // Regular files say their size: read straight into an array of that size (procfs files report 0 and
        // are read in chunks below, as is anything a growing file adds).
        var st = Glibc.stat()
        if fstat(fd, &st) == 0, st.st_size > 0, st.st_size < 1 << 32 {
            let size = Int(st.st_size)
            out = [UInt8](unsafeUninitializedCapacity: size) { buf, n in
                n = 0
                while n < size {
                    let r = Glibc.read(fd, buf.baseAddress! + n, size - n)
                    if r < 0 { if errno == EINTR { continue }; failure = errno; return }
                    if r == 0 { return }
                    n += r
                }
            }
            if failure != 0 { throw .io(path: path, errno: failure) }
            if out.count < size { return out }
        }
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 16384) { buf in
            while true {
                let n = Glibc.read(fd, buf.baseAddress!, buf.count)
                if n < 0 {
                    if errno == EINTR { continue }
                    failure = errno
                    return
                }
                if n == 0 { return }
                out.append(contentsOf: UnsafeBufferPointer(rebasing: buf[0..<n]))
            }
        }
        if failure != 0 { throw .io(path: path, errno: failure) }
        return out
    }

    /// The text of a file, trailing newline removed.
    public func text(_ relative: String) throws(ProcError) -> String {
        var b = try read(relative)
        while let last = b.last, last == 0x0A { b.removeLast() }
        return String(decoding: b, as: UTF8.self)
    }

    /// Target of a symbolic link such as /proc/PID/exe.
    public func readlink(_ relative: String) throws(ProcError) -> String {
        let path = root + "/" + relative
        var buf = [CChar](repeating: 0, count: 4097)
        let n = Glibc.readlink(path, &buf, 4096)
        if n < 0 { throw .io(path: path, errno: errno) }
        return String(decoding: buf[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Names in a directory (without "." and "..").
    public func list(_ relative: String) throws(ProcError) -> [String] {
        let path = root + "/" + relative
        guard let dir = opendir(path) else { throw .io(path: path, errno: errno) }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(cString: raw.bindMemory(to: CChar.self).baseAddress!)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    /// Numeric entries of a directory, sorted: PIDs of /proc or TIDs of /proc/PID/task.
    public func numericEntries(_ relative: String) throws(ProcError) -> [Int32] {
        let path = root + "/" + relative
        guard let dir = opendir(path) else { throw .io(path: path, errno: errno) }
        defer { closedir(dir) }
        var ids: [Int32] = []
        while let entry = readdir(dir) {
            let id: Int32? = withUnsafeBytes(of: entry.pointee.d_name) { raw -> Int32? in
                var v: Int32 = 0
                var any = false
                for b in raw {
                    if b == 0 { break }
                    guard b >= 0x30 && b <= 0x39 else { return nil }
                    let (m, o) = v.multipliedReportingOverflow(by: 10)
                    if o { return nil }
                    v = m &+ Int32(b - 0x30)
                    any = true
                }
                return any ? v : nil
            }
            if let id { ids.append(id) }
        }
        ids.sort()
        return ids
    }

    /// Owner uid of /proc/PID (the effective uid of the process).
    public func ownerUID(_ relative: String) throws(ProcError) -> UInt32 {
        let path = root + "/" + relative
        var st = Glibc.stat()
        if fstatat(AT_FDCWD, path, &st, 0) != 0 { throw .io(path: path, errno: errno) }
        return st.st_uid
    }

    // MARK: typed readers

    public func processIDs() throws(ProcError) -> [Int32] { try numericEntries("") }
    public func threadIDs(_ pid: Int32) throws(ProcError) -> [Int32] { try numericEntries("\(pid)/task") }

    /// "PID" or "PID/task/TID".
    public static func dir(_ pid: Int32, tid: Int32? = nil) -> String {
        if let tid { return "\(pid)/task/\(tid)" }
        return "\(pid)"
    }

    public func stat(pid: Int32, tid: Int32? = nil) throws(ProcError) -> ProcessStat {
        let rel = Self.dir(pid, tid: tid) + "/stat"
        let bytes = try read(rel)
        guard let s = ProcessStat.parse(bytes) else { throw .malformed(path: root + "/" + rel, what: "stat") }
        return s
    }

    public func status(pid: Int32, tid: Int32? = nil) throws(ProcError) -> ProcessStatus {
        ProcessStatus.parse(try read(Self.dir(pid, tid: tid) + "/status"))
    }

    /// argv of a process; empty for kernel threads and zombies.
    public func cmdline(pid: Int32) throws(ProcError) -> [String] {
        splitNul(try read("\(pid)/cmdline"))
    }

    public func memInfo() throws(ProcError) -> MemInfo { MemInfo.parse(try read("meminfo")) }
    public func cpuStat() throws(ProcError) -> SystemStat { SystemStat.parse(try read("stat")) }
    public func vmstat() throws(ProcError) -> [String: Int64] { VMStatCounters.parse(try read("vmstat")) }

    public func uptime() throws(ProcError) -> Uptime {
        guard let u = Uptime.parse(try read("uptime")) else { throw .malformed(path: root + "/uptime", what: "uptime") }
        return u
    }

    public func loadAverage() throws(ProcError) -> LoadAverage {
        guard let l = LoadAverage.parse(try read("loadavg")) else { throw .malformed(path: root + "/loadavg", what: "loadavg") }
        return l
    }
}

/// Splits a NUL-separated buffer (cmdline, environ) into strings; a trailing NUL does not add an empty element.
public func splitNul(_ bytes: [UInt8]) -> [String] {
    var out: [String] = []
    var start = 0
    for i in 0..<bytes.count where bytes[i] == 0 {
        out.append(String(decoding: bytes[start..<i], as: UTF8.self))
        start = i + 1
    }
    if start < bytes.count { out.append(String(decoding: bytes[start...], as: UTF8.self)) }
    return out
}

/// Constants of the running system.
public enum SystemConstants {
    public static let clockTicks: Int64 = Int64(sonde_clock_ticks())
    public static let pageSize: Int64 = Int64(sonde_page_size())
    public static var onlineCPUs: Int { Int(sonde_online_cpus()) }
}
