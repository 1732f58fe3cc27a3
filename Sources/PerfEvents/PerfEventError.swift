import Glibc

/// Why perf_event_open(2) or a related call failed, with the text a user needs.
public struct PerfEventError: Error, CustomStringConvertible, Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// EACCES/EPERM: not allowed (paranoid level, missing root/CAP_PERFMON).
        case permission(paranoid: Int?)
        /// ENOENT/EOPNOTSUPP/ENODEV/ENXIO/EINVAL/ENOSYS for the event type: no PMU, or not on this machine.
        case notSupported
        /// ESRCH: the target process or thread does not exist.
        case noSuchProcess(Int32)
        /// The tracepoint has no id in tracefs.
        case unknownTracepoint(String)
        /// Any other errno.
        case system(Int32)
    }
    public let kind: Kind
    /// What was being done ("task-clock", "mmap ring buffer").
    public let what: String
    public let errno: Int32

    public init(kind: Kind, what: String, errno: Int32 = 0) { self.kind = kind; self.what = what; self.errno = errno }

    public var description: String {
        switch kind {
        case .permission(let p):
            let level = p.map { "\($0)" } ?? "unknown"
            return "\(what): permission denied (\(String(cString: strerror(errno)))): /proc/sys/kernel/perf_event_paranoid is \(level); run as root or with CAP_PERFMON (CAP_SYS_ADMIN before Linux 5.8), or lower perf_event_paranoid (-1: all events, 0: no raw tracepoints, 1: no kernel profiling, 2: user space only)"
        case .notSupported:
            return "\(what): not supported on this machine (\(String(cString: strerror(errno))))"
        case .noSuchProcess(let pid):
            return "\(what): no such process: \(pid)"
        case .unknownTracepoint(let name):
            return "\(what): unknown tracepoint '\(name)' (no id under /sys/kernel/tracing/events; is tracefs mounted?)"
        case .system(let e):
            return "\(what): \(String(cString: strerror(e)))"
        }
    }

    /// Classifies an errno from perf_event_open(2).
    public static func open(errno e: Int32, what: String, pid: Int32) -> PerfEventError {
        switch e {
        case EACCES, EPERM: return PerfEventError(kind: .permission(paranoid: paranoidLevel()), what: what, errno: e)
        case ENOENT, EOPNOTSUPP, ENODEV, ENXIO, EINVAL, ENOSYS: return PerfEventError(kind: .notSupported, what: what, errno: e)
        case ESRCH: return PerfEventError(kind: .noSuchProcess(pid), what: what, errno: e)
        default: return PerfEventError(kind: .system(e), what: what, errno: e)
        }
    }

    public var isNotSupported: Bool { kind == .notSupported }
}

/// /proc/sys/kernel/perf_event_paranoid, or nil when unreadable.
public func paranoidLevel() -> Int? {
    guard let s = readSmallFile("/proc/sys/kernel/perf_event_paranoid") else { return nil }
    return Int(s.filter { !$0.isWhitespace })
}

/// A small text file (sysfs, procfs), whole, or nil.
func readSmallFile(_ path: String) -> String? {
    readFileBytes(path).map { String(decoding: $0, as: UTF8.self) }
}

/// A file's bytes read to the end (procfs, sysfs and tracefs files report no size), nil when unreadable.
func readFileBytes(_ path: String) -> [UInt8]? {
    let fd = Glibc.open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { return nil }
    defer { close(fd) }
    var out: [UInt8] = []
    var buf = [UInt8](repeating: 0, count: 4096)
    while true {
        let n = buf.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
        if n < 0 { if errno == EINTR { continue }; return nil }
        if n == 0 { break }
        out += buf[0..<n]
    }
    return out
}
