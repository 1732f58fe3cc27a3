import CSonde
import Glibc

/// A command started the way perf starts its workload: forked and stopped before exec, so events can be
/// opened on its pid with enable_on_exec; `start()` lets it exec, `wait()` reaps it.
public final class Workload: @unchecked Sendable {
    public let pid: Int32
    public let argv: [String]
    let errRead: Int32
    public private(set) var finished = false
    /// Exit status as a shell reports it (128 + signal when killed).
    public private(set) var exitStatus: Int32 = 0
    /// The signal that killed it, if any.
    public private(set) var termSignal: Int32 = 0
    public private(set) var userTime: Double = 0
    public private(set) var systemTime: Double = 0

    public struct SpawnError: Error, CustomStringConvertible, Sendable {
        public let description: String
    }

    /// Forks `argv` (PATH searched), stopped before exec.
    public init(_ argv: [String]) throws(SpawnError) {
        guard let cmd = argv.first, !cmd.isEmpty else { throw SpawnError(description: "no command") }
        self.argv = argv
        guard let path = Workload.resolve(cmd) else {
            throw SpawnError(description: "\(cmd): command not found")
        }
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { throw SpawnError(description: "pipe: \(String(cString: strerror(errno)))") }
        _ = fcntl(fds[0], F_SETFD, FD_CLOEXEC)
        _ = fcntl(fds[1], F_SETFD, FD_CLOEXEC)
        let cargs = argv.map { strdup($0) } + [nil]
        defer { cargs.forEach { free($0) } }
        var envStrings: [UnsafeMutablePointer<CChar>?] = []
        var e = environ
        while let p = e.pointee { envStrings.append(p); e = e.advanced(by: 1) }
        envStrings.append(nil)
        let pid = path.withCString { p in
            sonde_spawn_stopped(p, cargs, envStrings, fds[1], 0, 0, nil, 0, 0, nil, 0)
        }
        close(fds[1])
        guard pid > 0 else {
            close(fds[0])
            throw SpawnError(description: "fork: \(String(cString: strerror(errno)))")
        }
        self.pid = pid
        errRead = fds[0]
        // Wait until it has stopped itself (raise(SIGSTOP) before exec).
        var status: Int32 = 0
        while true {
            let r = waitpid(pid, &status, WUNTRACED)
            if r < 0 && errno == EINTR { continue }
            break
        }
    }

    deinit {
        if !finished { kill(pid, SIGKILL); var st: Int32 = 0; _ = waitpid(pid, &st, 0) }
        close(errRead)
    }

    /// Lets the child exec. Throws if exec failed (the child reports errno on the pipe).
    public func start() throws(SpawnError) {
        kill(pid, SIGCONT)
        var err: Int32 = 0
        let n = withUnsafeMutableBytes(of: &err) { Glibc.read(errRead, $0.baseAddress, 4) }
        if n == 4 {
            _ = wait(block: true)
            throw SpawnError(description: "\(argv[0]): \(String(cString: strerror(err)))")
        }
    }

    /// Reaps the child; with `block` false returns false while it still runs.
    @discardableResult
    public func wait(block: Bool = true) -> Bool {
        if finished { return true }
        var status: Int32 = 0
        var ru = rusage()
        while true {
            let r = wait4(pid, &status, block ? 0 : WNOHANG, &ru)
            if r < 0 && errno == EINTR { continue }
            if r == 0 { return false }
            if r < 0 { finished = true; return true }
            break
        }
        finished = true
        userTime = Double(ru.ru_utime.tv_sec) + Double(ru.ru_utime.tv_usec) / 1e6
        systemTime = Double(ru.ru_stime.tv_sec) + Double(ru.ru_stime.tv_usec) / 1e6
        if status & 0x7f == 0 {
            exitStatus = (status >> 8) & 0xff
        } else {
            termSignal = status & 0x7f
            exitStatus = 128 + termSignal
        }
        return true
    }

    /// The executable for `cmd`: itself when it has a slash, else the first match on $PATH.
    public static func resolve(_ cmd: String) -> String? {
        if cmd.contains("/") { return cmd }
        let path = getenv("PATH").map { String(cString: $0) } ?? "/usr/local/bin:/usr/bin:/bin"
        for dir in path.split(separator: ":", omittingEmptySubsequences: false) {
            let d = dir.isEmpty ? "." : String(dir)
            let p = "\(d)/\(cmd)"
            var st = stat()
            if stat(p, &st) == 0 && (st.st_mode & S_IFMT) == S_IFREG && access(p, X_OK) == 0 { return p }
        }
        return nil
    }
}

/// CLOCK_MONOTONIC in nanoseconds.
public func monotonicNanos() -> UInt64 {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
}
