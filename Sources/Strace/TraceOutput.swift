import Glibc

/// One trace stream (stderr, `-o FILE`, or `FILE.PID` under `-ff`): a byte buffer written out at line ends
/// once it is large, or at every line end when the stream is a terminal or a pipe someone reads live.
final class TraceOutput {
    let fd: Int32
    let ownsFD: Bool
    var buffer: [UInt8] = []
    /// Index in `buffer` where the current line starts (for `-a` column alignment).
    var lineStart = 0
    /// The thread whose syscall line is open (printed up to its entry part, waiting for the exit).
    var openTID: Int32? = nil
    /// Whether the open line already ends with the `, ` separator of output arguments.
    let flushEveryLine: Bool

    init(fd: Int32, ownsFD: Bool) {
        self.fd = fd
        self.ownsFD = ownsFD
        var st = stat()
        let interactive = isatty(fd) != 0 || (fstat(fd, &st) == 0 && (st.st_mode & S_IFMT) == S_IFIFO)
        flushEveryLine = interactive
        buffer.reserveCapacity(1 << 16)
    }

    static func file(_ path: String) throws(StraceUsageError) -> TraceOutput {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw StraceUsageError("Can't fopen '\(path)': \(String(cString: strerror(errno)))") }
        return TraceOutput(fd: fd, ownsFD: true)
    }

    func beginLine() { lineStart = buffer.count }

    func endLine() {
        buffer.append(UInt8(ascii: "\n"))
        openTID = nil
        lineStart = buffer.count
        if flushEveryLine || buffer.count >= 1 << 16 { flush() }
    }

    func flush() {
        var off = 0
        while off < buffer.count {
            let n = buffer[off...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            if n < 0 { if errno == EINTR { continue }; break }
            off += n
        }
        buffer.removeAll(keepingCapacity: true)
        lineStart = 0
    }

    func append(_ s: String) { buffer.append(contentsOf: s.utf8) }

    deinit {
        flush()
        if ownsFD { close(fd) }
    }
}
