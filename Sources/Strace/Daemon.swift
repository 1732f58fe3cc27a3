import CSonde
import Glibc
import Tracee

/// strace -D: the traced program keeps sonde's process (its pid, parent and terminal) and the tracer runs
/// as a detached grandchild. sonde starts itself again as the tracer (through a stage that exits at once,
/// so the tracer is nobody's child), waits until it has attached, then execs the program.
public enum Daemon {
    /// In the process that becomes the program: never returns on success.
    public static func runProgram(_ o: StraceOptions, path: String, environment: [String], arguments: [String]) throws(StraceUsageError) -> Never {
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { throw StraceUsageError("pipe: \(String(cString: strerror(errno)))") }
        _ = fcntl(fds[0], F_SETFD, FD_CLOEXEC)
        let me = getpid()
        // The internal option goes first: everything after the program name belongs to the program.
        let stage1 = try spawnSelf(["--sonde-daemon-attach", "\(me):\(fds[1]):1"] + arguments, newSession: true)
        close(fds[1])
        var status: Int32 = 0
        while waitpid(stage1, &status, 0) < 0 && errno == EINTR {}
        var byte: UInt8 = 0
        let n = read(fds[0], &byte, 1)
        close(fds[0])
        guard n == 1 else { throw StraceUsageError("the tracer did not start (see its messages above)") }
        let argv = o.command.map { strdup($0) } + [nil]
        let envp = environment.map { strdup($0) } + [nil]
        execve(path, argv, envp)
        throw StraceUsageError("exec: \(o.command[0]): \(String(cString: strerror(errno)))")
    }

    /// Stage 1: start stage 2 in its own session and leave.
    public static func startTracer(_ arguments: [String], target: (pid: Int32, fd: Int32, stage: Int)) throws(StraceUsageError) -> Int32 {
        guard arguments.count > 2, arguments[0] == "--sonde-daemon-attach" else { throw StraceUsageError("invalid --sonde-daemon-attach") }
        _ = try spawnSelf(["--sonde-daemon-attach", "\(target.pid):\(target.fd):2"] + arguments.dropFirst(2), newSession: true)
        return 0
    }

    /// Runs this executable again as `sonde strace ARGS`, keeping the pipe descriptor open.
    static func spawnSelf(_ arguments: [String], newSession: Bool) throws(StraceUsageError) -> Int32 {
        var attr = posix_spawnattr_t()
        posix_spawnattr_init(&attr)
        defer { posix_spawnattr_destroy(&attr) }
        if newSession { posix_spawnattr_setflags(&attr, Int16(0x80)) }  // POSIX_SPAWN_SETSID
        let argv = (["sonde", "strace"] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, "/proc/self/exe", nil, &attr, argv, environ)
        guard rc == 0 else { throw StraceUsageError("cannot start the tracer: \(String(cString: strerror(rc)))") }
        return pid
    }
}
