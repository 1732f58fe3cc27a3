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

    /// `sh -c command` reading the trace on its standard input; the caller waits for the pid at the end.
    static func command(_ command: String) throws(StraceUsageError) -> (TraceOutput, pid_t) {
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { throw StraceUsageError("pipe: \(String(cString: strerror(errno)))") }
        _ = fcntl(fds[1], F_SETFD, FD_CLOEXEC)
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, fds[0], 0)
        posix_spawn_file_actions_addclose(&actions, fds[0])
        let words: [String] = ["sh", "-c", command]
        let argv = words.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, "/bin/sh", &actions, nil, argv, environ)
        close(fds[0])
        guard rc == 0 else { close(fds[1]); throw StraceUsageError("Can't popen '\(command)': \(String(cString: strerror(rc)))") }
        return (TraceOutput(fd: fds[1], ownsFD: true), pid)
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
