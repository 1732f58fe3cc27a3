import CSonde
import Glibc

/// Why a process could not be attached to or read.
public enum TraceeError: Error, Equatable, CustomStringConvertible {
    case noSuchProcess(Int32)
    case permission(Int32, String)
    case failed(String)

    public var description: String {
        switch self {
        case let .noSuchProcess(p): return "\(p): no such process"
        case let .permission(p, why): return "\(p): \(why)"
        case let .failed(s): return s
        }
    }
}

/// The CPU this program runs on, as an ELF machine number (registers come in its layout).
public var hostMachine: UInt16 {
    #if arch(x86_64)
    return 62
    #elseif arch(arm64)
    return 183
    #else
    return 0
    #endif
}

/// All threads of a process, stopped with PTRACE_SEIZE + PTRACE_INTERRUPT. Every ptrace call must come from
/// the thread that called `attach` (see DESIGN.md). `detach()` (also run by deinit) resumes every thread,
/// re-delivering signals that arrived while attaching; SIGINT, SIGTERM, SIGHUP and SIGQUIT are held back
/// while attached and take effect after the detach.
public final class AttachedProcess {
    public let pid: Int32
    /// Attached thread ids, the thread group leader first when it could be attached.
    public private(set) var threads: [Int32] = []
    private var pendingSignal: [Int32: Int32] = [:]
    private var detached = false
    private var savedMask = sigset_t()
    private var memFD: Int32 = -1

    private init(pid: Int32) { self.pid = pid }

    public static func attach(pid: Int32, procRoot: String = "/proc") throws(TraceeError) -> AttachedProcess {
        guard pid > 0 else { throw .noSuchProcess(pid) }
        if kill(pid, 0) != 0 && errno == ESRCH { throw .noSuchProcess(pid) }
        if pid == getpid() { throw .failed("\(pid): cannot attach to sonde itself") }
        let p = AttachedProcess(pid: pid)
        var block = sigset_t()
        sigemptyset(&block)
        for s in [SIGINT, SIGTERM, SIGHUP, SIGQUIT] { sigaddset(&block, s) }
        pthread_sigmask(SIG_BLOCK, &block, &p.savedMask)
        do {
            try p.attachThreads(procRoot: procRoot)
        } catch {
            p.detach()
            throw error
        }
        return p
    }

    private func attachThreads(procRoot: String) throws(TraceeError) {
        var tried = Set<Int32>()
        for _ in 0..<16 {
            let tids = Self.taskIDs(pid: pid, procRoot: procRoot)
            if tids.isEmpty && threads.isEmpty { throw .noSuchProcess(pid) }
            var fresh = false
            for tid in tids where !tried.contains(tid) {
                tried.insert(tid)
                fresh = true
                if sonde_ptrace(Int32(SONDE_PTRACE_SEIZE), tid, 0, 0) != 0 {
                    let e = errno
                    if e == ESRCH { continue }  // the thread ended meanwhile
                    if e == EPERM {
                        throw .permission(pid, Self.permissionHint(pid: pid, procRoot: procRoot))
                    }
                    throw .failed("\(pid): cannot attach to thread \(tid): \(String(cString: strerror(e)))")
                }
                threads.append(tid)
                if sonde_ptrace(Int32(SONDE_PTRACE_INTERRUPT), tid, 0, 0) != 0 && errno == ESRCH {
                    threads.removeLast()
                    continue
                }
                if !waitForStop(tid) { threads.removeAll { $0 == tid } }
            }
            if !fresh { break }
        }
        if threads.isEmpty { throw .noSuchProcess(pid) }
        if let i = threads.firstIndex(of: pid), i != 0 { threads.swapAt(0, i) }
    }

    /// Waits until `tid` is in a ptrace stop; false when it exited instead.
    private func waitForStop(_ tid: Int32) -> Bool {
        var status: Int32 = 0
        for _ in 0..<64 {
            let r = waitpid(tid, &status, Int32(SONDE_WALL))
            if r < 0 {
                if errno == EINTR { continue }
                return false
            }
            if status & 0xff != 0x7f { return false }  // exited or killed, not stopped
            let sig = (status >> 8) & 0xff
            let event = (status >> 16) & 0xff
            if event == Int32(SONDE_PTRACE_EVENT_STOP) { return true }  // our interrupt (or a group stop)
            // A signal-delivery stop came first: the thread is stopped; deliver the signal on detach.
            pendingSignal[tid] = sig
            return true
        }
        return true
    }

    static func taskIDs(pid: Int32, procRoot: String) -> [Int32] {
        guard let dir = opendir("\(procRoot)/\(pid)/task") else { return [] }
        defer { closedir(dir) }
        var out: [Int32] = []
        while let e = readdir(dir) {
            let name = withUnsafeBytes(of: e.pointee.d_name) { raw -> String in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            if let t = Int32(name) { out.append(t) }
        }
        out.sort()
        return out
    }

    static func permissionHint(pid: Int32, procRoot: String) -> String {
        var why = "attaching needs root or CAP_SYS_PTRACE"
        if let fd = Optional(open("\(procRoot)/\(pid)/status", O_RDONLY)), fd >= 0 {
            var buf = [UInt8](repeating: 0, count: 4096)
            let n = Glibc.read(fd, &buf, buf.count)
            close(fd)
            if n > 0 {
                let text = String(decoding: buf[0..<n], as: UTF8.self)
                for line in text.split(separator: "\n") where line.hasPrefix("TracerPid:") {
                    let t = line.dropFirst("TracerPid:".count).trimmingPrefix(while: { $0 == " " || $0 == "\t" })
                    if t != "0" { return "already traced by process \(t)" }
                }
            }
        }
        if geteuid() != 0, let fd = Optional(open("/proc/sys/kernel/yama/ptrace_scope", O_RDONLY)), fd >= 0 {
            var b: UInt8 = 0
            if Glibc.read(fd, &b, 1) == 1, b != UInt8(ascii: "0") { why += " (kernel.yama.ptrace_scope is \(Character(UnicodeScalar(b))))" }
            close(fd)
        }
        return "operation not permitted: " + why
    }

    /// The NT_PRSTATUS register block of a stopped thread: x86_64 `user_regs_struct` (27 words),
    /// AArch64 `user_pt_regs` (34 words).
    public func registers(_ tid: Int32) throws(TraceeError) -> [UInt64] {
        guard let words = Remote.registers(tid) else {
            throw .failed("thread \(tid): cannot read registers: \(String(cString: strerror(errno)))")
        }
        return words
    }

    /// Reads memory of the process; false when any byte is unreadable.
    public func read(_ address: UInt64, into buffer: UnsafeMutableRawBufferPointer) -> Bool {
        Remote.read(pid, address, into: buffer, memFD: &memFD)
    }

    /// Resumes and releases every thread. Safe to call twice.
    public func detach() {
        guard !detached else { return }
        detached = true
        for tid in threads {
            _ = sonde_ptrace(Int32(SONDE_PTRACE_DETACH), tid, 0, UInt(pendingSignal[tid] ?? 0))
        }
        threads = []
        if memFD >= 0 { close(memFD); memFD = -1 }
        pthread_sigmask(SIG_SETMASK, &savedMask, nil)
    }

    deinit { detach() }
}
