import CSonde
import Glibc
import Syscalls
import Tracee

extension ThreadMemory: SyscallMemory {}

/// Set by the signal handlers of a running session; wait4 returns EINTR and the loop looks at it.
nonisolated(unsafe) private var interruptedBy: Int32 = 0

/// One `sonde strace` run: starts or attaches the tracees, turns every stop into strace's lines (or JSON,
/// or the `-c` table) and ends the way strace ends (exit status of the traced command, detach on signals).
public final class StraceSession {
    let o: StraceOptions
    let tracer: Tracer
    let err: (String) -> Void
    var shared: TraceOutput?
    var perThread: [Int32: TraceOutput] = [:]
    var threads: [Int32: ThreadState] = [:]
    let summary = Summary()
    var lastRelative = timespec()
    var attached: [Int32] = []
    lazy var stacks = StackTracer(tracer: tracer)
    var sawFirstExec = false
    /// The process of `-o |command`.
    var outputPipe: pid_t? = nil
    /// -D: the program's syscalls before its execve (waiting for the tracer) are not its own.
    var skipUntilExec: Int32 = 0
    /// `-y`/`-yy` decorations, with strace's cache of socket details.
    let fdNames = FDNames()

    struct ThreadState {
        var call: SyscallCall? = nil
        var printing = false
        var entryTime = timespec()
        var lastNumber = 0
        var lastABI: SyscallABI = .x86_64
        var printedSeparatorOnUnfinished = false
        /// The -e inject rule applied to the current call.
        var injected: Injection? = nil
        /// -k: the stack taken at entry for calls whose exit is in another image (execve).
        var entryStack: [String]? = nil
    }
    /// How many calls each -e inject rule has matched (strace's `when=` counts), per thread (each new
    /// tracee starts from zero, as in strace), by rule and syscall.
    var injectCounts: [Int32: [Int: [Int: Int]]] = [:]

    public init(options: StraceOptions, err: @escaping (String) -> Void) {
        o = options
        var t = Tracer.Options()
        t.followForks = options.follow > 0
        t.seccomp = options.seccomp && options.pids.isEmpty && options.follow > 0
        t.systemTime = options.summary && !options.wallClock
        tracer = Tracer(options: t)
        self.err = err
    }

    /// Runs to the end; returns the exit status sonde should have.
    public func run() throws(StraceUsageError) -> Int32 {
        if let path = o.output, path.hasPrefix("|") {
            // -o '|command': the trace goes to a shell command's standard input (one stream, as strace).
            (shared, outputPipe) = try TraceOutput.command(String(path.dropFirst()))
        } else if let path = o.output, o.follow < 2 { shared = try TraceOutput.file(path) }
        else if o.output == nil { shared = TraceOutput(fd: 2, ownsFD: false) }
        if o.output != nil && o.follow >= 2 { _ = o.output }

        for sig in [SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE] {
            var sa = sigaction()
            if o.ignoreInterrupts && sig != SIGPIPE {
                sa.__sigaction_handler.sa_handler = { _ in }  // reset to default in the child by exec
            } else {
                sa.__sigaction_handler.sa_handler = { s in interruptedBy = s }
            }
            sa.sa_flags = 0
            sigemptyset(&sa.sa_mask)
            sigaction(sig, &sa, nil)
        }
        if let t = o.daemonTarget {
            // -D, stage 2: attach to the waiting program, tell it to go on, trace it from its execve.
            do { attached += try tracer.attach(pid: t.pid) } catch { throw StraceUsageError(attachMessage(t.pid, error)) }
            var go: UInt8 = 1
            _ = write(t.fd, &go, 1)
            close(t.fd)
            skipUntilExec = t.pid
        }
        for pid in o.pids {
            do {
                attached += try tracer.attach(pid: pid)
                if o.quiet == 0 { err("Process \(pid) attached") }
            } catch {
                tracer.detachAll()
                throw StraceUsageError(attachMessage(pid, error))
            }
        }
        if !o.command.isEmpty && o.daemonTarget == nil { try spawn() }

        tracer.run(interrupted: { interruptedBy != 0 }) { tid, event in handle(tid, event) }

        if interruptedBy != 0 {
            closeOpenLines(detached: true)
            tracer.detachAll(killSpawnedWith: tracer.spawnedPID > 0 ? interruptedBy : 0)
            if o.quiet == 0 { for p in o.pids { err("Process \(p) detached") } }
        }
        if o.summary { printSummary() }
        flushAll()
        if let p = outputPipe {
            shared = nil  // closes the pipe: the command sees the end of its input
            var status: Int32 = 0
            while waitpid(p, &status, 0) < 0 && errno == EINTR {}
        }
        if interruptedBy != 0 { return 128 + interruptedBy }
        if let s = tracer.spawnedStatus {
            if s & 0x7f == 0 { return (s >> 8) & 0xff }
            let sig = s & 0x7f
            // Die of the same signal, as strace does (without a core dump of sonde itself).
            var rl = rlimit(rlim_cur: 0, rlim_max: 0)
            setrlimit(Int32(RLIMIT_CORE.rawValue), &rl)
            signal(sig, SIG_DFL)
            var set = sigset_t()
            sigemptyset(&set); sigaddset(&set, sig)
            pthread_sigmask(SIG_UNBLOCK, &set, nil)
            raise(sig)
            return 128 + sig
        }
        return 0
    }

    func attachMessage(_ pid: Int32, _ e: TraceeError) -> String {
        switch e {
        case .noSuchProcess: return "attach: ptrace(PTRACE_SEIZE, \(pid)): No such process"
        case let .permission(_, why): return "attach: ptrace(PTRACE_SEIZE, \(pid)): Operation not permitted (\(why.hasPrefix("operation not permitted: ") ? String(why.dropFirst(24)) : why))"
        case let .failed(s): return s
        }
    }

    /// The program's path (PATH lookup) and environment (sonde's, with -E changes).
    public func program() throws(StraceUsageError) -> (path: String, environment: [String]) {
        guard let path = resolve(o.command[0]) else {
            throw StraceUsageError("exec: \(o.command[0]): No such file or directory")
        }
        var env: [String] = []
        var i = 0
        while let p = environ[i] { env.append(String(cString: p)); i += 1 }
        for e in o.environment {
            if let eq = e.firstIndex(of: "=") {
                let key = e[..<eq]
                env.removeAll { $0.hasPrefix(key + "=") }
                env.append(e)
            } else {
                env.removeAll { $0.hasPrefix(e + "=") }
            }
        }
        return (path, env)
    }

    func spawn() throws(StraceUsageError) {
        let (path, env) = try program()
        var creds: Tracer.Credentials? = nil
        if let u = o.user {
            guard let pw = getpwnam(u) else { throw StraceUsageError("Cannot find user '\(u)'") }
            var groups = [gid_t](repeating: 0, count: 256)
            var n: Int32 = 256
            getgrouplist(u, pw.pointee.pw_gid, &groups, &n)
            creds = Tracer.Credentials(uid: pw.pointee.pw_uid, gid: pw.pointee.pw_gid, groups: Array(groups.prefix(Int(max(0, n)))))
        }
        do {
            _ = try tracer.spawn(path: path, argv: o.command, environment: env, credentials: creds,
                                 seccompFilter: tracer.options.seccomp ? SeccompFilter.program(tracing: o.selection.contains) : [])
        } catch {
            throw StraceUsageError(error.description)
        }
    }

    /// PATH lookup as execvp does it; a name with a slash is taken as is.
    func resolve(_ name: String) -> String? {
        if name.contains("/") { return access(name, F_OK) == 0 ? name : nil }
        let path = getenv("PATH").map { String(cString: $0) } ?? "/usr/local/bin:/usr/bin:/bin"
        for dir in path.split(separator: ":", omittingEmptySubsequences: false) {
            let full = (dir.isEmpty ? "." : String(dir)) + "/" + name
            var st = stat()
            if stat(full, &st) == 0 && (st.st_mode & S_IFMT) == S_IFREG && access(full, X_OK) == 0 { return full }
        }
        return nil
    }

    // MARK: Events

    func handle(_ tid: Int32, _ event: TraceEvent) {
        switch event {
        case let .syscallEntry(arch, number, arguments, ip, sp):
            entry(tid, arch: arch, number: number, arguments: arguments, ip: ip, sp: sp)
        case let .syscallExit(value, isError):
            exit(tid, value: value, isError: isError)
        case let .signal(sig, info):
            if let f = o.signalFilter, !f.contains(sig) { return }
            if o.summaryOnly { return }
            let out = output(for: tid)
            if o.json {
                var b: [UInt8] = []
                SyscallJSON.append(Signals.siginfo(info, abi: threads[tid]?.lastABI ?? .x86_64), to: &b)
                emitJSONEvent(tid, "\"signal\":\"\(signalName(sig))\",\"siginfo\":" + String(decoding: b, as: UTF8.self))
                return
            }
            startLine(out, tid: tid)
            out.append("--- \(signalName(sig)) ")
            SyscallText.append(Signals.siginfo(info, abi: threads[tid]?.lastABI ?? .x86_64), to: &out.buffer, style: o.style)
            out.append(" ---")
            out.endLine()
            if o.stackTrace { printStack(out, tid: tid, nil) }
        case let .groupStop(sig):
            if o.summaryOnly { return }
            if o.json { emitJSONEvent(tid, "\"stopped\":\"\(signalName(sig))\""); return }
            let out = output(for: tid)
            startLine(out, tid: tid)
            out.append("--- stopped by \(signalName(sig)) ---")
            out.endLine()
        case .created:
            break
        case let .exec(former):
            if o.stackTrace { stacks.mappingsChanged(tracer.threads[tid] ?? tid) }
            // A thread other than the leader ran execve: it becomes the leader (strace's maybe_switch_tcbs).
            guard former != tid, let moved = threads.removeValue(forKey: former) else { return }
            let old = output(for: former)
            if old.openTID == former {
                old.append(" <pid changed to \(tid) ...>")
                old.endLine()
            }
            if o.follow >= 2 { perThread[former] = nil }
            threads[tid] = moved
            if o.quiet < 2 && !o.summaryOnly {
                let out = output(for: tid)
                startLine(out, tid: tid)
                out.append("+++ superseded by execve in pid \(former) +++")
                out.endLine()
            }
        case .exiting:
            guard var s = threads[tid], let call = s.call, s.printing else { return }
            s.call = nil
            s.printing = false
            threads[tid] = s
            if o.summaryOnly || o.statusFilter != nil { return }
            if o.json {
                var c = call
                c.returnFormat = .none
                emitJSON(tid, c, entry: s.entryTime, duration: nil)
                return
            }
            // strace's print_event_exit: the call ends without a return value.
            let out = output(for: tid)
            if out.openTID != tid {
                startLine(out, tid: tid)
                out.append("<... \(call.name) resumed>")
            }
            if moreAtExit(tid, call) { out.append(" <unfinished ...>") }
            var c = call
            c.returnFormat = .none
            c.values = Array(c.values.prefix(c.printedAtEntry))
            SyscallText.appendExit(c, from: c.values.count, separated: true, lineStart: out.lineStart, column: o.column,
                                   to: &out.buffer, style: o.style)
            out.endLine()
            if o.stackTrace { printStack(out, tid: tid, s.entryStack) }
        case let .exited(status):
            defer { threads[tid] = nil }
            injectCounts[tid] = nil
            if o.summaryOnly || o.quiet >= 2 { perThread[tid] = nil; return }
            if o.json {
                emitJSONEvent(tid, status & 0x7f == 0 ? "\"exited\":\((status >> 8) & 0xff)"
                    : "\"killed\":\"\(signalName(status & 0x7f))\",\"core_dumped\":\(status & 0x80 != 0)")
                if o.follow >= 2 { perThread[tid] = nil }
                return
            }
            let out = output(for: tid)
            startLine(out, tid: tid)
            if status & 0x7f == 0 {
                out.append("+++ exited with \((status >> 8) & 0xff) +++")
            } else {
                out.append("+++ killed by \(signalName(status & 0x7f))\(status & 0x80 != 0 ? " (core dumped)" : "") +++")
            }
            out.endLine()
            if o.follow >= 2 { perThread[tid] = nil }
        }
    }

    func entry(_ tid: Int32, arch: UInt32, number: UInt64, arguments: [UInt64], ip: UInt64, sp: UInt64) {
        let abi = SyscallABI(auditArch: arch) ?? .x86_64
        var s = threads[tid] ?? ThreadState()
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        s.entryTime = now
        s.lastNumber = Int(truncatingIfNeeded: number)
        threads[tid] = s  // startLine reads the syscall number for -n
        if abi != s.lastABI && !o.summaryOnly && !o.json && o.quiet == 0 {
            // A 32-bit program on a 64-bit kernel (after its execve): strace says so once.
            let out = output(for: tid)
            startLine(out, tid: tid)
            out.append("[ Process PID=\(tid) runs in \(abi.wordSize * 8) bit mode. ]")
            out.endLine()
        }
        s.lastABI = abi
        let nr = Int(truncatingIfNeeded: Int64(bitPattern: number))
        let call = SyscallCall(abi: abi, number: nr, arguments: arguments)
        // strace tampers only with traced calls.
        s.injected = o.injections.isEmpty || !o.selection.contains(abi: abi, number: nr) ? nil : tamper(tid, abi: abi, number: nr)
        if skipUntilExec == tid {
            if call.name == "execve" { skipUntilExec = 0 } else { s.call = nil; s.printing = false; threads[tid] = s; return }
        }
        guard o.selection.contains(abi: abi, number: nr) else {
            s.call = call
            s.printing = false
            threads[tid] = s
            return
        }
        if o.summaryOnly {
            s.call = call
            s.printing = true
            threads[tid] = s
            return
        }
        var ctx = DecodeContext(call: call, entering: true, memory: ThreadMemory(tracer: tracer, tid: tid),
                                options: o.decode, fdPath: fdResolver(tid))
        Decoders.decode(&ctx)
        if ctx.call.name == "rt_sigreturn" {
            // The mask being restored sits in the signal frame at the stack pointer (decoders see no registers).
            ctx.add(Signals.sigreturnMask(stackPointer: sp, abi: abi, memory: ctx.memory))
            ctx.call.printedAtEntry = ctx.call.values.count
        }
        s.call = ctx.call
        s.printing = true
        if o.stackTrace && (call.name == "execve" || call.name == "execveat") { s.entryStack = stacks.lines(tid: tid) }
        // -b execve: let go of a tracee at its execve (not the command's own first one).
        let detaching = o.detachOnExecve && (call.name == "execve" || call.name == "execveat")
            && !(tid == tracer.spawnedPID && !sawFirstExec)
        if tid == tracer.spawnedPID && (call.name == "execve" || call.name == "execveat") { sawFirstExec = true }
        if o.statusFilter == nil && !o.json {
            let out = output(for: tid)
            startLine(out, tid: tid, ip: ip)
            SyscallText.appendEntry(ctx.call, to: &out.buffer, style: o.style)
            out.openTID = tid
        }
        if detaching {
            let out = output(for: tid)
            if out.openTID == tid { out.append(" <detached ...>"); out.endLine() }
            tracer.detachOnResume()
            threads[tid] = nil
            return
        }
        threads[tid] = s
    }

    func exit(_ tid: Int32, value: Int64, isError: Bool) {
        guard var s = threads[tid], var call = s.call else { return }
        s.call = nil
        var value = value, isError = isError
        if let inj = s.injected {
            s.injected = nil
            if let d = inj.delayExit { usleep(d) }
            if let e = inj.error {
                value = -Int64(e); isError = true
            } else if let r = inj.returnValue {
                value = r; isError = false
            }
            if inj.error != nil || inj.returnValue != nil {
                _ = tracer.setReturnValue(tid, value)
                call.returnComment = "INJECTED"
            }
        }
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        let duration = Double(now.tv_sec - s.entryTime.tv_sec) + Double(now.tv_nsec - s.entryTime.tv_nsec) / 1e9
        if o.stackTrace && !isError && Self.remapping.contains(call.name) { stacks.mappingsChanged(tracer.threads[tid] ?? tid) }
        guard s.printing else { threads[tid] = s; return }
        call.returnValue = value
        call.isError = isError
        if o.summary { summary.add(call, seconds: o.wallClock ? duration : tracer.systemTimeDelta(tid), wall: duration) }
        if o.summaryOnly { s.printing = false; threads[tid] = s; return }
        var ctx = DecodeContext(call: call, entering: false, memory: ThreadMemory(tracer: tracer, tid: tid),
                                options: o.decode, fdPath: fdResolver(tid))
        Decoders.decode(&ctx)
        if o.json {
            let f = o.statusFilter
            if f == nil || f!.contains("all") || (isError ? f!.contains("failed") : f!.contains("successful")) {
                emitJSON(tid, ctx.call, entry: s.entryTime, duration: duration)
            }
            s.printing = false
            threads[tid] = s
            return
        }
        if let f = o.statusFilter {
            let ok = f.contains("all") || (isError ? f.contains("failed") : f.contains("successful"))
            if !ok { s.printing = false; threads[tid] = s; return }
            let out = output(for: tid)
            startLine(out, tid: tid)
            SyscallText.appendEntry(ctx.call, to: &out.buffer, style: o.style)
            out.openTID = tid
        }
        finish(tid, &s, ctx.call, duration: duration)
        dumpIO(tid, ctx.call)
        s.printing = false
        threads[tid] = s
    }

    /// Completes the line of `call`: on the open line when it is still this thread's, else as a
    /// `<... name resumed>` line.
    func finish(_ tid: Int32, _ s: inout ThreadState, _ call: SyscallCall, duration: Double?) {
        let out = output(for: tid)
        let from = min(call.printedAtEntry, call.values.count)
        var separated = false
        if out.openTID != tid {
            startLine(out, tid: tid)
            out.append("<... \(call.name) resumed>")
            // The separator went out with the unfinished line, unless this decoder prints it at exit.
            separated = !call.separatorAtExit
        }
        SyscallText.appendExit(call, from: from, separated: separated, lineStart: out.lineStart, column: o.column,
                               fdPath: fdResolver(tid), to: &out.buffer, style: o.style)
        if o.syscallTimes, let d = duration { out.append(String(format6: " <%ld.%06ld>", d)) }
        out.endLine()
        if o.stackTrace { printStack(out, tid: tid, s.entryStack) }
        s.entryStack = nil
    }

    /// Ends another thread's open line with ` <unfinished ...>` and starts a line: pid prefix, timestamps.
    func startLine(_ out: TraceOutput, tid: Int32, ip: UInt64? = nil) {
        if let other = out.openTID {
            if let c = threads[other]?.call, moreAtExit(other, c) && !c.separatorAtExit {
                out.append(",  <unfinished ...>")
            } else {
                out.append(" <unfinished ...>")
            }
            out.endLine()
        }
        out.beginLine()
        if o.follow < 2 {
            if o.output != nil && (o.follow == 1 || tracer.threads.count > 1 || o.pids.count > 1) {
                let p = String(tid)
                out.append(p.count < 5 ? p + String(repeating: " ", count: 5 - p.count) + " " : p + " ")
            } else if o.output == nil && tracer.threads.count > 1 {
                let p = String(tid)
                out.append("[pid " + String(repeating: " ", count: max(0, 5 - p.count)) + p + "] ")
            }
        }
        if o.timestamps > 0 || o.relative {
            var now = timespec()
            clock_gettime(CLOCK_REALTIME, &now)
            if o.relative {
                var d = Double(now.tv_sec - lastRelative.tv_sec) + Double(now.tv_nsec - lastRelative.tv_nsec) / 1e9
                if lastRelative.tv_sec == 0 { d = 0 }
                lastRelative = now
                out.append(String(format6: "%6ld.%06ld ", d))
            }
            if o.timestamps >= 3 {
                out.append("\(now.tv_sec).\(pad6(now.tv_nsec / 1000)) ")
            } else if o.timestamps > 0 {
                var t = now.tv_sec
                var tm = tm()
                localtime_r(&t, &tm)
                out.append("\(pad2(tm.tm_hour)):\(pad2(tm.tm_min)):\(pad2(tm.tm_sec))")
                if o.timestamps >= 2 { out.append(".\(pad6(now.tv_nsec / 1000))") }
                out.append(" ")
            }
        }
        if o.syscallNumbers {
            let n = String(threads[tid]?.lastNumber ?? 0)
            out.append("[" + String(repeating: " ", count: max(0, 4 - n.count)) + n + "] ")
        }
        if o.instructionPointer {
            if let ip {
                let h = String(ip, radix: 16)
                out.append("[" + String(repeating: "0", count: max(0, 16 - h.count)) + h + "] ")
            } else {
                out.append("[????????????????] ")
            }
        }
    }

    // MARK: Stacks (-k)

    static let remapping: Set<String> = ["mmap", "mmap2", "munmap", "mremap", "execve", "execveat", "shmat", "shmdt", "remap_file_pages"]

    func printStack(_ out: TraceOutput, tid: Int32, _ precomputed: [String]?) {
        for line in precomputed ?? stacks.lines(tid: tid) {
            out.beginLine()
            out.append(line)
            out.endLine()
        }
    }

    // MARK: Tampering

    /// Applies the first -e inject rule matching this call, if its `when=` says this is the call.
    func tamper(_ tid: Int32, abi: SyscallABI, number: Int) -> Injection? {
        for (i, inj) in o.injections.enumerated() where inj.selection.contains(abi: abi, number: number) {
            let n = (injectCounts[tid]?[i]?[number] ?? 0) + 1
            injectCounts[tid, default: [:]][i, default: [:]][number] = n
            guard inj.applies(toCall: n) else { return nil }
            if let d = inj.delayEnter { usleep(d) }
            if let sig = inj.signal { tracer.sendOnResume(sig) }
            if inj.error != nil || inj.returnValue != nil { _ = tracer.skipSyscall(tid) }
            return inj
        }
        return nil
    }

    // MARK: JSON lines

    /// `{"pid":N,"time":T,"syscall":"name","args":[...],"return":R,"error":"ENOENT","message":"...","duration":D}`
    func emitJSON(_ tid: Int32, _ call: SyscallCall, entry: timespec, duration: Double?) {
        let out = output(for: tid)
        var b = out.buffer
        b.append(contentsOf: "{\"pid\":\(tid),\"time\":\(entry.tv_sec).\(pad6(entry.tv_nsec / 1000)),\"syscall\":".utf8)
        SyscallJSON.appendString(call.name, &b)
        if o.syscallNumbers { b.append(contentsOf: ",\"number\":\(call.number)".utf8) }
        b.append(contentsOf: ",\"args\":[".utf8)
        for (i, v) in call.values.enumerated() {
            if i > 0 { b.append(UInt8(ascii: ",")) }
            SyscallJSON.append(v, to: &b)
        }
        b.append(contentsOf: "],\"return\":".utf8)
        if call.returnFormat == .none {
            b.append(contentsOf: "null".utf8)
        } else if call.isError {
            let e = Int(-call.returnValue)
            b.append(contentsOf: "-1,\"error\":".utf8)
            SyscallJSON.appendString(Errno.name(e) ?? "E\(e)", &b)
            b.append(contentsOf: ",\"errno\":\(e)".utf8)
        } else if call.returnFormat == .hex {
            SyscallJSON.appendString("0x" + String(UInt64(bitPattern: call.result), radix: 16), &b)
        } else {
            b.append(contentsOf: String(call.result).utf8)
        }
        if let d = duration { b.append(contentsOf: ",\"duration\":\(fixed(d, 6))".utf8) }
        b.append(UInt8(ascii: "}"))
        out.buffer = b
        out.endLine()
    }

    func emitJSONEvent(_ tid: Int32, _ body: String) {
        let out = output(for: tid)
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        out.append("{\"pid\":\(tid),\"time\":\(now.tv_sec).\(pad6(now.tv_nsec / 1000)),\(body)}")
        out.endLine()
    }

    /// Whether the decoder prints more of `call` at its exit (strace: not RVAL_DECODED at entry), found
    /// by running its exit half on a copy as if the call had returned 0.
    func moreAtExit(_ tid: Int32, _ call: SyscallCall) -> Bool {
        var probe = call
        probe.returnValue = 0
        probe.isError = false
        var ctx = DecodeContext(call: probe, entering: false, memory: ThreadMemory(tracer: tracer, tid: tid),
                                options: o.decode, fdPath: { _ in nil })
        Decoders.decode(&ctx)
        return ctx.call.values.count > call.printedAtEntry
    }

    func closeOpenLines(detached: Bool) {
        for out in [shared].compactMap({ $0 }) + Array(perThread.values) where out.openTID != nil {
            out.append(detached ? " <detached ...>" : " <unfinished ...>")
            out.endLine()
        }
    }

    func output(for tid: Int32) -> TraceOutput {
        if let s = shared { return s }
        if outputPipe != nil { return TraceOutput(fd: 2, ownsFD: false) }
        if let t = perThread[tid] { return t }
        let path = (o.output ?? "strace") + ".\(tid)"
        let t = (try? TraceOutput.file(path)) ?? TraceOutput(fd: 2, ownsFD: false)
        perThread[tid] = t
        return t
    }

    func flushAll() {
        shared?.flush()
        for t in perThread.values { t.flush() }
    }

    func fdResolver(_ tid: Int32) -> (Int32) -> String? {
        guard o.decodeFDs > 0 else { return { _ in nil } }
        let pid = tracer.threads[tid] ?? tid
        return { fd in self.fdNames.describe(pid: pid, fd: fd, level: self.o.decodeFDs, style: self.o.style) }
    }

    func printSummary() {
        let out = o.output == nil || o.follow >= 2 ? TraceOutput(fd: 2, ownsFD: false) : (shared ?? TraceOutput(fd: 2, ownsFD: false))
        out.append(o.json ? summary.json(sortBy: o.summarySort) : summary.table(sortBy: o.summarySort))
        out.flush()
    }
}

func pad2(_ n: Int32) -> String { n < 10 ? "0\(n)" : "\(n)" }
func pad6(_ n: Int) -> String {
    let s = String(n)
    return String(repeating: "0", count: max(0, 6 - s.count)) + s
}

extension String {
    /// `%ld.%06ld` of seconds, with an optional width for the integer part (`%6ld`).
    init(format6 f: String, _ seconds: Double) {
        let s = Swift.max(0, seconds)
        var whole = Int(s)
        var micros = Int(((s - Double(whole)) * 1e6).rounded())
        if micros >= 1_000_000 { whole += 1; micros -= 1_000_000 }
        var w = String(whole)
        if f.hasPrefix("%6ld") && w.count < 6 { w = String(repeating: " ", count: 6 - w.count) + w }
        let body = w + "." + pad6(micros)
        if f.hasPrefix(" <") { self = " <" + body + ">" } else { self = body + " " }
    }
}
