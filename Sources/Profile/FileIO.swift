import Glibc

/// A file that could not be read or written, with the system's reason.
public struct ProfileIOError: Error, CustomStringConvertible, Equatable, Sendable {
    public var path: String
    public var reason: String
    public var description: String { "\(path): \(reason)" }
}

/// Whole-file reads and writes for profile inputs and outputs ("-" is stdin/stdout).
public enum ProfileIO {
    /// All bytes of a file, or of standard input for "-".
    public static func read(_ path: String) throws(ProfileIOError) -> [UInt8] {
        let fd = path == "-" ? 0 : open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw ProfileIOError(path: path, reason: String(cString: strerror(errno))) }
        defer { if fd != 0 { close(fd) } }
        var st = stat()
        if fstat(fd, &st) == 0, (st.st_mode & S_IFMT) == S_IFDIR {
            throw ProfileIOError(path: path, reason: String(cString: strerror(EISDIR)))
        }
        var out: [UInt8] = []
        if st.st_size > 0 { out.reserveCapacity(Int(st.st_size)) }
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let got = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress!, $0.count) }
            if got < 0 {
                if errno == EINTR { continue }
                throw ProfileIOError(path: path, reason: String(cString: strerror(errno)))
            }
            if got == 0 { return out }
            out += chunk[0..<got]
        }
    }

    /// Calls `body` with a file's bytes: memory-mapped for a regular file, read for anything else
    /// ("-" is standard input). The bytes are valid only during the call.
    public static func withContents<R>(_ path: String, _ body: (UnsafeBufferPointer<UInt8>) throws -> R) throws -> R {
        if path != "-" {
            let fd = open(path, O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else { throw ProfileIOError(path: path, reason: String(cString: strerror(errno))) }
            var st = stat()
            if fstat(fd, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG, st.st_size > 0 {
                let size = Int(st.st_size)
                let m = mmap(nil, size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0) // one pass of faults, not one per page
                close(fd)
                if let m, m != MAP_FAILED {
                    defer { munmap(m, size) }
                    madvise(m, size, MADV_SEQUENTIAL)
                    return try body(UnsafeBufferPointer(start: m.assumingMemoryBound(to: UInt8.self), count: size))
                }
            } else {
                close(fd)
            }
        }
        let bytes = try read(path)
        return try bytes.withUnsafeBufferPointer { try body($0) }
    }

    /// Writes bytes to a file (created or truncated, mode 0644), or to standard output for "-".
    public static func write(_ bytes: [UInt8], to path: String) throws(ProfileIOError) {
        let fd = path == "-" ? 1 : open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw ProfileIOError(path: path, reason: String(cString: strerror(errno))) }
        var off = 0
        var err: Int32 = 0
        bytes.withUnsafeBufferPointer { b in
            while off < b.count {
                let n = Glibc.write(fd, b.baseAddress! + off, b.count - off)
                if n < 0 { if errno == EINTR { continue }; err = errno; return }
                off += n
            }
        }
        if fd != 1 { if close(fd) != 0 && err == 0 { err = errno } }
        if err != 0 { throw ProfileIOError(path: path, reason: String(cString: strerror(err))) }
    }
}
