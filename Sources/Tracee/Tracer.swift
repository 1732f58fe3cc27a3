import CSonde
import Glibc

/// What a traced thread stopped for, as the tracer's user sees it. The engine resumes the thread itself
/// after the handler returns (syscall stops with PTRACE_SYSCALL, signals re-injected, group-stops listened).
public enum TraceEvent {
    /// Syscall entry (also a seccomp stop): AUDIT_ARCH, number, six arguments, instruction and stack pointer.
    case syscallEntry(arch: UInt32, number: UInt64, arguments: [UInt64], ip: UInt64, sp: UInt64)
    /// Syscall exit: the return value (negative errno when `isError`).
    case syscallExit(value: Int64, isError: Bool)
    /// A signal is about to be delivered (`siginfo` is the raw 128-byte siginfo_t). The handler may
    /// suppress it through `Tracer.suppressSignal`.
    case signal(Int32, siginfo: [UInt8])
    /// Job-control stop of the whole group (SIGSTOP, SIGTSTP, SIGTTIN, SIGTTOU).
    case groupStop(Int32)
    /// The thread created `child` (a thread, a fork or a vfork child); it is traced from now on.
    case created(child: Int32)
    /// The thread completed an execve; `formerTID` is the thread that called it when that was not the
    /// thread group leader (the kernel renamed it to the leader's id).
    case exec(formerTID: Int32)
    /// The thread is about to exit (PTRACE_EVENT_EXIT): a syscall it was in will not return.
    case exiting
    /// The thread is gone: `status` as wait(2) reports it (exit code or terminating signal).
    case exited(status: Int32)
}

/// The tracee engine: spawns or attaches, then runs one synchronous wait loop on the calling thread, which
/// must make every ptrace request (see DESIGN.md). Spawned tracees die with sonde (PTRACE_O_EXITKILL);
/// attached ones are detached, running, when the loop is interrupted.
public final class Tracer {
    public struct Options {
        /// Trace children and threads created after the start (strace -f).
        public var followForks = false
        /// Stop at syscalls only when a seccomp filter says so (strace --seccomp-bpf); entry stops then
        /// come as seccomp stops and exits are caught with PTRACE_SYSCALL.
        public var seccomp = false
        /// Read each stopped thread's system CPU time (wait4's rusage) for `systemTimeDelta` (strace -c);
        /// it costs the kernel a rusage computation per stop, so it is off unless asked for.
        public var systemTime = false
        public init() {}
    }

    public let options: Options
    /// Threads being traced, with their thread group id.
    public private(set) var threads: [Int32: Int32] = [:]
    /// The process sonde started, if any.
    public private(set) var spawnedPID: Int32 = 0
    /// Exit status (wait(2) format) of the spawned process's leader, once it ended.
    public private(set) var spawnedStatus: Int32?
    private var attachedPIDs: Set<Int32> = []
    private var suppress = false
    private var expectingStartStop: Set<Int32> = []
    private var startingUp: Set<Int32> = []
    private var memFDs: [Int32: Int32] = [:]
    /// Threads seen in a syscall (between entry and exit stops); seccomp mode uses it to pick the resume.
    private var inSyscall: Set<Int32> = []
    /// System CPU time (µs) of each thread at its last stop, and at its last syscall entry.
    private var systemTime: [Int32: Int64] = [:]
    private var entrySystemTime: [Int32: Int64] = [:]

    public init(options: Options) { self.options = options }

    var ptraceOptions: UInt {
        var o = Int32(SONDE_PTRACE_O_TRACESYSGOOD) | Int32(SONDE_PTRACE_O_TRACEEXEC) | Int32(SONDE_PTRACE_O_TRACEEXIT)
        if options.followForks {
            o |= Int32(SONDE_PTRACE_O_TRACECLONE) | Int32(SONDE_PTRACE_O_TRACEFORK) | Int32(SONDE_PTRACE_O_TRACEVFORK)
        }
        if options.seccomp { o |= Int32(SONDE_PTRACE_O_TRACESECCOMP) }
        return UInt(o)
    }

    // MARK: Starting

    /// Who the spawned program runs as (strace -u).
    public struct Credentials {
        public var uid: uid_t, gid: gid_t, groups: [gid_t]
        public init(uid: uid_t, gid: gid_t, groups: [gid_t]) { self.uid = uid; self.gid = gid; self.groups = groups }
    }

    /// Starts `path` stopped, seizes it and lets it run to its first syscall stop (the execve entry).
    /// A non-empty `seccompFilter` (classic BPF, 8 bytes per instruction) is installed by the child after
    /// the tracer seized it and before exec (`Options.seccomp` must be set).
    public func spawn(path: String, argv: [String], environment: [String], credentials: Credentials? = nil,
                      seccompFilter: [UInt64] = []) throws(TraceeError) -> Int32 {
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { throw .failed("pipe: \(String(cString: strerror(errno)))") }
        defer { close(fds[0]) }
        _ = fcntl(fds[0], F_SETFD, FD_CLOEXEC)
        _ = fcntl(fds[1], F_SETFD, FD_CLOEXEC)
        let cArgv = argv.map { strdup($0) } + [nil]
        let cEnv = environment.map { strdup($0) } + [nil]
        defer { cArgv.forEach { free($0) }; cEnv.forEach { free($0) } }
        let groups = credentials?.groups ?? []
        let pid = groups.withUnsafeBufferPointer { g in
            seccompFilter.withUnsafeBytes { f in
                sonde_spawn_stopped(path, cArgv, cEnv, fds[1], credentials?.uid ?? 0, credentials?.gid ?? 0,
                                    g.baseAddress, Int32(g.count), credentials == nil ? 0 : 1,
                                    f.baseAddress, UInt16(seccompFilter.count))
            }
        }
        close(fds[1])
        guard pid > 0 else { throw .failed("fork: \(String(cString: strerror(errno)))") }
        var status: Int32 = 0
        while waitpid(pid, &status, WUNTRACED) < 0 && errno == EINTR {}
        if status & 0xff != 0x7f {
            // The child never stopped: it failed before exec (credentials).
            var e: Int32 = 0
            _ = Glibc.read(fds[0], &e, 4)
            throw .failed("cannot run \(path) as the requested user: \(String(cString: strerror(e)))")
        }
        let o = ptraceOptions | UInt(SONDE_PTRACE_O_EXITKILL)
        guard sonde_ptrace(Int32(SONDE_PTRACE_SEIZE), pid, 0, o) == 0 else {
            let e = errno
            kill(pid, SIGKILL)
            throw .failed("PTRACE_SEIZE \(pid): \(String(cString: strerror(e)))")
        }
        spawnedPID = pid
        threads[pid] = pid
        // The child sits in the SIGSTOP group-stop; SIGCONT ends it and the seized child reports the
        // SIGCONT delivery, which the loop swallows (it is ours, not the program's).
        expectingStartStop.insert(pid)
        startingUp.insert(pid)
        kill(pid, SIGCONT)
        return pid
    }

    /// Attaches to every thread of `pid` (PTRACE_SEIZE + PTRACE_INTERRUPT); with `followForks`, children
    /// created later are traced too.
    public func attach(pid: Int32) throws(TraceeError) -> [Int32] {
        guard pid > 0, kill(pid, 0) == 0 || errno != ESRCH else { throw .noSuchProcess(pid) }
        if pid == getpid() { throw .failed("I'm sorry, I can't let you do that, Dave.") }
        var attached: [Int32] = []
        var tried = Set<Int32>()
        for _ in 0..<8 {
            let tids = AttachedProcess.taskIDs(pid: pid, procRoot: "/proc")
            if tids.isEmpty && attached.isEmpty { throw .noSuchProcess(pid) }
            var fresh = false
            for tid in tids where !tried.contains(tid) {
                tried.insert(tid)
                fresh = true
                if sonde_ptrace(Int32(SONDE_PTRACE_SEIZE), tid, 0, ptraceOptions) != 0 {
                    let e = errno
                    if e == ESRCH { continue }
                    if e == EPERM { throw .permission(pid, AttachedProcess.permissionHint(pid: pid, procRoot: "/proc")) }
                    throw .failed("attach: ptrace(PTRACE_SEIZE, \(tid)): \(String(cString: strerror(e)))")
                }
                _ = sonde_ptrace(Int32(SONDE_PTRACE_INTERRUPT), tid, 0, 0)
                threads[tid] = pid
                attached.append(tid)
            }
            if !fresh { break }
        }
        if attached.isEmpty { throw .noSuchProcess(pid) }
        attachedPIDs.insert(pid)
        return attached
    }

    // MARK: The loop

    /// Called from the handler of a `.signal` event: the signal is not delivered.
    public func suppressSignal() { suppress = true }

    /// Called from the handler of a syscall stop: the thread resumes with `sig` pending (the kernel sends it
    /// as from itself, si_code SI_KERNEL), as strace's `-e inject=...:signal=` does.
    public func sendOnResume(_ sig: Int32) { resumeSignal = sig }

    /// Called from the handler of a syscall stop: instead of resuming, the thread is detached (strace -b).
    public func detachOnResume() { detachInstead = true }
    private var detachInstead = false
    private var resumeSignal: Int32 = 0

    /// Waits for stops and hands them to `handle` until no thread is traced or `interrupted()` says so
    /// (checked after every wait; a signal handler setting a flag makes wait4 return EINTR).
    public func run(interrupted: () -> Bool, _ handle: (Int32, TraceEvent) -> Void) {
        var status: Int32 = 0
        while !threads.isEmpty {
            if interrupted() { return }
            let tid: Int32
            if options.systemTime {
                var stime: Int64 = 0
                tid = sonde_wait4(-1, &status, Int32(SONDE_WALL), &stime)
                if tid > 0 { systemTime[tid] = stime }
            } else {
                tid = wait4(-1, &status, Int32(SONDE_WALL), nil)
            }
            if tid < 0 {
                if errno == EINTR { continue }
                return  // ECHILD: nothing left
            }
            dispatch(tid, status, handle)
        }
    }

    private func dispatch(_ tid: Int32, _ status: Int32, _ handle: (Int32, TraceEvent) -> Void) {
        if status & 0x7f == 0 || (status & 0xff != 0x7f && status & 0x7f != 0) {
            // Exited (low 7 bits 0) or killed by a signal.
            if tid == spawnedPID { spawnedStatus = status }
            if threads[tid] != nil {
                handle(tid, .exited(status: status))
                forget(tid)
            }
            return
        }
        let sig = (status >> 8) & 0xff
        let event = (status >> 16) & 0xff
        if threads[tid] == nil {
            // A new child reported its first stop before its parent's fork event.
            threads[tid] = tid
        }
        if sig == SIGTRAP | 0x80 {
            syscallStop(tid, handle)
            return
        }
        switch event {
        case 0:
            if sig == SIGCONT && expectingStartStop.remove(tid) != nil {
                resume(tid, signal: 0)
                return
            }
            var info = [UInt8](repeating: 0, count: 128)
            _ = info.withUnsafeMutableBytes { sonde_ptrace(Int32(SONDE_PTRACE_GETSIGINFO), tid, 0, UInt(bitPattern: $0.baseAddress)) }
            suppress = false
            handle(tid, .signal(sig, siginfo: info))
            resume(tid, signal: suppress ? 0 : sig)
        case Int32(SONDE_PTRACE_EVENT_STOP):
            if sig == SIGSTOP && startingUp.contains(tid) {
                // The stop our spawned child put itself in: not the program's.
                startingUp.remove(tid)
                resume(tid, signal: 0)
            } else if [SIGSTOP, SIGTSTP, SIGTTIN, SIGTTOU].contains(sig) {
                handle(tid, .groupStop(sig))
                _ = sonde_ptrace(Int32(SONDE_PTRACE_LISTEN), tid, 0, 0)
            } else {
                resume(tid, signal: 0)  // attach/interrupt stop, or a new child's first stop
            }
        case Int32(SONDE_PTRACE_EVENT_FORK), Int32(SONDE_PTRACE_EVENT_VFORK), Int32(SONDE_PTRACE_EVENT_CLONE):
            var msg: UInt = 0
            _ = sonde_ptrace(Int32(SONDE_PTRACE_GETEVENTMSG), tid, 0, UInt(bitPattern: withUnsafeMutablePointer(to: &msg) { UnsafeMutableRawPointer($0) }))
            let child = Int32(truncatingIfNeeded: msg)
            if child > 0 {
                threads[child] = event == Int32(SONDE_PTRACE_EVENT_CLONE) ? (threads[tid] ?? tid) : child
                handle(tid, .created(child: child))
            }
            resume(tid, signal: 0)
        case Int32(SONDE_PTRACE_EVENT_EXEC):
            var msg: UInt = 0
            _ = sonde_ptrace(Int32(SONDE_PTRACE_GETEVENTMSG), tid, 0, UInt(bitPattern: withUnsafeMutablePointer(to: &msg) { UnsafeMutableRawPointer($0) }))
            let former = Int32(truncatingIfNeeded: msg)
            if former != tid, former > 0 {
                if inSyscall.remove(former) != nil { inSyscall.insert(tid) }
                threads[former] = nil
                closeMemory(former)
            }
            closeMemory(tid)
            handle(tid, .exec(formerTID: former))
            resume(tid, signal: 0)
        case Int32(SONDE_PTRACE_EVENT_EXIT):
            handle(tid, .exiting)
            inSyscall.remove(tid)
            resume(tid, signal: 0)
        case Int32(SONDE_PTRACE_EVENT_SECCOMP):
            syscallStop(tid, handle)
        default:
            resume(tid, signal: 0)
        }
    }

    private func syscallStop(_ tid: Int32, _ handle: (Int32, TraceEvent) -> Void) {
        var info = sonde_syscall_info()
        let n = sonde_get_syscall_info(tid, &info)
        guard n > 0 else { resume(tid, signal: 0); return }
        switch info.op {
        case 1, 3:
            let a = info.entry.args
            inSyscall.insert(tid)
            if options.systemTime { entrySystemTime[tid] = systemTime[tid] }
            handle(tid, .syscallEntry(arch: info.arch, number: info.entry.nr, arguments: [a.0, a.1, a.2, a.3, a.4, a.5],
                                      ip: info.instruction_pointer, sp: info.stack_pointer))
            if info.op == 3 {
                // After a seccomp stop, PTRACE_SYSCALL catches the exit of this call.
                _ = sonde_ptrace(Int32(SONDE_PTRACE_SYSCALL), tid, 0, UInt(resumeSignal))
                resumeSignal = 0
                return
            }
        case 2:
            inSyscall.remove(tid)
            handle(tid, .syscallExit(value: info.exit.rval, isError: info.exit.is_error != 0))
        default:
            break
        }
        resume(tid, signal: resumeSignal)
        resumeSignal = 0
    }

    private func resume(_ tid: Int32, signal: Int32) {
        if detachInstead {
            detachInstead = false
            _ = sonde_ptrace(Int32(SONDE_PTRACE_DETACH), tid, 0, UInt(signal))
            forget(tid)
            return
        }
        let request = options.seccomp && !inSyscall.contains(tid) ? SONDE_PTRACE_CONT : SONDE_PTRACE_SYSCALL
        _ = sonde_ptrace(Int32(request), tid, 0, UInt(signal))
    }

    /// System CPU seconds the thread spent between its last syscall entry and now (strace -c's default time).
    public func systemTimeDelta(_ tid: Int32) -> Double {
        guard let a = entrySystemTime[tid], let b = systemTime[tid], b >= a else { return 0 }
        return Double(b - a) / 1e6
    }

    private func forget(_ tid: Int32) {
        threads[tid] = nil
        systemTime[tid] = nil
        entrySystemTime[tid] = nil
        inSyscall.remove(tid)
        closeMemory(tid)
    }

    // MARK: Memory and registers

    /// Reads memory of a stopped thread (process_vm_readv, /proc/TID/mem as a fallback).
    public func read(_ tid: Int32, _ address: UInt64, into buffer: UnsafeMutableRawBufferPointer) -> Bool {
        var fd = memFDs[tid] ?? -1
        defer { if fd >= 0 { memFDs[tid] = fd } }
        return Remote.read(tid, address, into: buffer, memFD: &fd)
    }

    private func closeMemory(_ tid: Int32) {
        if let fd = memFDs.removeValue(forKey: tid) { close(fd) }
    }

    /// The general registers of a stopped thread (NT_PRSTATUS layout).
    public func registers(_ tid: Int32) -> [UInt64]? { Remote.registers(tid) }

    // MARK: Tampering (strace -e inject)

    /// At a syscall-entry stop: makes the kernel skip the call (its number becomes -1, so it returns
    /// -ENOSYS unless `setReturnValue` overrides that at the exit stop).
    public func skipSyscall(_ tid: Int32) -> Bool {
        #if arch(x86_64)
        guard var regs = registers(tid), regs.count > 15 else { return false }
        regs[15] = UInt64.max  // orig_rax
        return regs.withUnsafeMutableBytes { sonde_setregset(tid, 1, $0.baseAddress, $0.count) } == 0
        #elseif arch(arm64)
        var nr: Int32 = -1
        return sonde_setregset(tid, 0x404, &nr, 4) == 0
        #else
        return false
        #endif
    }

    /// At a syscall-exit stop: the value the call returns (a negative errno for an error).
    public func setReturnValue(_ tid: Int32, _ value: Int64) -> Bool {
        #if arch(x86_64)
        let index = 10  // rax
        #elseif arch(arm64)
        let index = 0  // x0
        #else
        return false
        #endif
        guard var regs = registers(tid), regs.count > index else { return false }
        regs[index] = UInt64(bitPattern: value)
        return regs.withUnsafeMutableBytes { sonde_setregset(tid, 1, $0.baseAddress, $0.count) } == 0
    }

    // MARK: Ending

    /// Detaches every traced thread, leaving it running (or stopped, when it was in a job-control stop).
    /// Threads of a process sonde spawned are killed with `killSpawnedWith` first when it is non-zero.
    public func detachAll(killSpawnedWith signal: Int32 = 0) {
        if signal != 0 && spawnedPID > 0 { kill(spawnedPID, signal) }
        for tid in Array(threads.keys) {
            defer { forget(tid) }
            // Stopped right now (the loop never leaves one stopped, but a caller may): detach at once.
            if sonde_ptrace(Int32(SONDE_PTRACE_DETACH), tid, 0, 0) == 0 { continue }
            guard errno == ESRCH, sonde_ptrace(Int32(SONDE_PTRACE_INTERRUPT), tid, 0, 0) == 0 else { continue }
            // Running: the next stop of any kind (the interrupt, a syscall stop that satisfied it, a signal)
            // is the moment to detach, re-injecting a signal that was about to be delivered.
            var status: Int32 = 0
            while true {
                let r = wait4(tid, &status, Int32(SONDE_WALL), nil)
                if r < 0 { if errno == EINTR { continue }; break }
                if status & 0xff != 0x7f { break }  // it ended
                let sig = (status >> 8) & 0xff
                let event = (status >> 16) & 0xff
                let deliver = event == 0 && sig != SIGTRAP | 0x80 ? sig : 0
                _ = sonde_ptrace(Int32(SONDE_PTRACE_DETACH), tid, 0, UInt(deliver))
                break
            }
        }
    }

    deinit {
        for fd in memFDs.values { close(fd) }
    }
}

/// Memory of one traced thread, for decoders.
public struct ThreadMemory {
    public let tracer: Tracer
    public let tid: Int32
    public init(tracer: Tracer, tid: Int32) { self.tracer = tracer; self.tid = tid }
    public func read(_ address: UInt64, into buffer: UnsafeMutableRawBufferPointer) -> Bool {
        tracer.read(tid, address, into: buffer)
    }
}
