import Glibc

/// What `-y` prints inside `<...>` after a descriptor: the /proc/PID/fd link target.
enum FDNames {
    static func describe(pid: Int32, fd: Int32, sockets: Bool) -> String? {
        var buf = [UInt8](repeating: 0, count: 4097)
        let n = readlink("/proc/\(pid)/fd/\(fd)", &buf, 4096)
        guard n > 0 else { return nil }
        return String(decoding: buf[0..<n], as: UTF8.self)
    }
}
