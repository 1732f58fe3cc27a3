import Glibc

/// Errors of live procfs/sysfs access and of parsing its files.
public enum ProcError: Error, Equatable, CustomStringConvertible {
    /// The file could not be opened or read; errno kept for the message.
    case io(path: String, errno: Int32)
    /// The file was read but did not have the expected layout.
    case malformed(path: String, what: String)

    public var description: String {
        switch self {
        case let .io(path, e): return "\(path): \(String(cString: strerror(e)))"
        case let .malformed(path, what): return "\(path): malformed (\(what))"
        }
    }

    /// True when the process went away (or never existed): callers skip it silently.
    public var isGone: Bool {
        if case let .io(_, e) = self { return e == ENOENT || e == ESRCH }
        return false
    }
}
