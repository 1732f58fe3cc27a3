/// Signal names, signal sets, siginfo and wait statuses as strace 6.1 prints them. x86_64, i386 and
/// aarch64 share the generic Linux numbering (1..31 classic, 32 SIGRTMIN, 33..64 SIGRT_1..SIGRT_32).
public enum Signals {
    static let classic: [String] = [
        "0", "SIGHUP", "SIGINT", "SIGQUIT", "SIGILL", "SIGTRAP", "SIGABRT", "SIGBUS", "SIGFPE", "SIGKILL",
        "SIGUSR1", "SIGSEGV", "SIGUSR2", "SIGPIPE", "SIGALRM", "SIGTERM", "SIGSTKFLT", "SIGCHLD", "SIGCONT",
        "SIGSTOP", "SIGTSTP", "SIGTTIN", "SIGTTOU", "SIGURG", "SIGXCPU", "SIGXFSZ", "SIGVTALRM", "SIGPROF",
        "SIGWINCH", "SIGIO", "SIGPWR", "SIGSYS", "SIGRTMIN",
    ]

    /// Bytes in the kernel's sigset_t (NSIG / 8) on every supported ABI.
    public static let setBytes = 8

    /// `SIGCHLD`, `SIGRTMIN`, `SIGRT_1` ... `SIGRT_32`; nil for 0, negatives and numbers above 64.
    public static func name(_ sig: Int, abi: SyscallABI = .x86_64) -> String? {
        if sig > 0 && sig < classic.count { return classic[sig] }
        if sig > 32 && sig <= 64 { return "SIGRT_\(sig - 32)" }
        return nil
    }

    /// The name, or the number in decimal (strace's `sprintsigname`), for `+++ killed by X +++` lines.
    public static func nameOrNumber(_ sig: Int, abi: SyscallABI = .x86_64) -> String {
        name(sig, abi: abi) ?? String(sig)
    }

    /// A signal number argument (`printsignal`): `SIGCHLD`, `-X verbose` `17 /* SIGCHLD */`, unknown `99`.
    public static func value(_ sig: Int64, abi: SyscallABI = .x86_64) -> SyscallValue {
        .constant(value: sig, name: name(Int(truncatingIfNeeded: sig), abi: abi), hexFallback: false)
    }

    /// A signal set of `byteCount` bytes (at most 8) as `[CHLD TTOU]`; when two thirds or more of the
    /// bits are set, the complement: `~[RTMIN RT_1]`, `~[]`.
    public static func set(_ mask: UInt64, byteCount: Int = 8) -> SyscallValue {
        let words = max(0, (min(byteCount, setBytes) + 3) / 4)
        let bits = words * 32
        var m = bits >= 64 ? mask : mask & ((1 << UInt64(bits)) - 1)
        var complement = false
        if m.nonzeroBitCount >= bits * 2 / 3 {
            complement = true
            m = ~m
            if bits < 64 { m &= (1 << UInt64(bits)) - 1 }
        }
        var names: [String] = []
        var rest = m
        while rest != 0 {
            let bit = rest.trailingZeroBitCount
            rest &= rest - 1
            let sig = bit + 1
            if sig < classic.count { names.append(String(classic[sig].dropFirst(3))) }
            else if sig >= 32 && sig <= 64 { names.append("RT_\(sig - 32)") }
        }
        return .set(names, complement: complement)
    }

    /// A signal set read from bytes (little-endian words).
    public static func set(bytes: [UInt8]) -> SyscallValue {
        var m: UInt64 = 0
        for (i, b) in bytes.prefix(8).enumerated() { m |= UInt64(b) << (8 * UInt64(i)) }
        return set(m, byteCount: bytes.count)
    }

    // MARK: siginfo

    static let siCodes: [Int64: String] = [
        0: "SI_USER", 0x80: "SI_KERNEL", -1: "SI_QUEUE", -2: "SI_TIMER", -3: "SI_MESGQ", -4: "SI_ASYNCIO",
        -5: "SI_SIGIO", -6: "SI_TKILL", -7: "SI_DETHREAD", -60: "SI_ASYNCNL", 32767: "SI_NOINFO",
    ]
    static let codesBySignal: [Int: [Int64: String]] = [
        5: [1: "TRAP_BRKPT", 2: "TRAP_TRACE", 3: "TRAP_BRANCH", 4: "TRAP_HWBKPT", 5: "TRAP_UNK", 6: "TRAP_PERF"],
        17: [1: "CLD_EXITED", 2: "CLD_KILLED", 3: "CLD_DUMPED", 4: "CLD_TRAPPED", 5: "CLD_STOPPED", 6: "CLD_CONTINUED"],
        29: [1: "POLL_IN", 2: "POLL_OUT", 3: "POLL_MSG", 4: "POLL_ERR", 5: "POLL_PRI", 6: "POLL_HUP"],
        4: [1: "ILL_ILLOPC", 2: "ILL_ILLOPN", 3: "ILL_ILLADR", 4: "ILL_ILLTRP", 5: "ILL_PRVOPC", 6: "ILL_PRVREG",
            7: "ILL_COPROC", 8: "ILL_BADSTK"],
        8: [1: "FPE_INTDIV", 2: "FPE_INTOVF", 3: "FPE_FLTDIV", 4: "FPE_FLTOVF", 5: "FPE_FLTUND", 6: "FPE_FLTRES",
            7: "FPE_FLTINV", 8: "FPE_FLTSUB", 14: "FPE_FLTUNK", 15: "FPE_CONDTRAP"],
        11: [1: "SEGV_MAPERR", 2: "SEGV_ACCERR", 3: "SEGV_BNDERR", 4: "SEGV_PKUERR", 5: "SEGV_ACCADI",
             6: "SEGV_ADIDERR", 7: "SEGV_ADIPERR", 8: "SEGV_MTEAERR", 9: "SEGV_MTESERR"],
        7: [1: "BUS_ADRALN", 2: "BUS_ADRERR", 3: "BUS_OBJERR", 4: "BUS_MCEERR_AR", 5: "BUS_MCEERR_AO"],
        31: [1: "SYS_SECCOMP", 2: "SYS_USER_DISPATCH"],
    ]

    static let auditArches: [Int64: String] = [
        0xC000_003E: "AUDIT_ARCH_X86_64", 0x4000_0003: "AUDIT_ARCH_I386", 0xC000_00B7: "AUDIT_ARCH_AARCH64",
        0x4000_0028: "AUDIT_ARCH_ARM", 0xC000_00F3: "AUDIT_ARCH_RISCV64",
    ]

    /// A siginfo_t of the tracee's ABI (128 bytes; shorter input reads as zeros) as strace prints it
    /// in `--- SIGCHLD {...} ---` lines and waitid/rt_sigqueueinfo arguments.
    public static func siginfo(_ bytes: [UInt8], abi: SyscallABI) -> SyscallValue {
        let word = abi.wordSize
        func u(_ off: Int, _ size: Int) -> UInt64 {
            var v: UInt64 = 0
            for i in 0..<size where off + i < bytes.count { v |= UInt64(bytes[off + i]) << (8 * UInt64(i)) }
            return v
        }
        func i32(_ off: Int) -> Int64 { Int64(Int32(truncatingIfNeeded: u(off, 4))) }
        func long(_ off: Int) -> Int64 { word == 4 ? i32(off) : Int64(bitPattern: u(off, 8)) }
        func ptr(_ off: Int) -> SyscallValue { .pointer(u(off, word)) }
        let signo = i32(0), errno = i32(4), code = i32(8)
        let base = word == 4 ? 12 : 16  // the union after si_signo, si_errno, si_code (and padding)
        var f: [SyscallField] = []
        guard signo != 0 else { return .structure([], truncated: false) }
        f.append(SyscallField("si_signo", value(signo, abi: abi)))
        var codeName = siCodes[code]
        if codeName == nil, let t = codesBySignal[Int(signo)] { codeName = t[code] }
        f.append(SyscallField("si_code", .constant(value: code, name: codeName, hexFallback: false)))
        if code == 32767 { return .structure(f, truncated: false) }  // SI_NOINFO
        if errno != 0 {
            f.append(SyscallField("si_errno", .constant(value: errno, name: Errno.name(Int(errno)), hexFallback: false)))
        }
        func source() {
            f.append(SyscallField("si_pid", .int(i32(base))))
            f.append(SyscallField("si_uid", .uint(u(base + 4, 4))))
        }
        func sigval() {
            f.append(SyscallField("si_int", .int(i32(base + 8))))
            f.append(SyscallField("si_ptr", ptr(base + 8)))
        }
        if code <= 0 {
            switch code {
            case 0, -6: source()
            case -2:  // SI_TIMER: si_tid (timer id), si_overrun, si_sigval
                f.append(SyscallField("si_timerid", .hex(u(base, 4))))
                f.append(SyscallField("si_overrun", .int(i32(base + 4))))
                sigval()
            case -5:  // SI_SIGIO
                f.append(SyscallField("si_band", .int(long(base))))
                f.append(SyscallField("si_fd", .fd(Int32(truncatingIfNeeded: i32(base + word)), path: nil)))
            default:
                source()
                if u(base + 8, word) != 0 { sigval() }
            }
        } else {
            switch signo {
            case 17:  // SIGCHLD: pid, uid, status, utime, stime (clock_t is a long)
                source()
                let status = i32(base + 8)
                f.append(SyscallField("si_status", code == 1 ? .int(status) : value(status, abi: abi)))
                let t = word == 4 ? base + 12 : base + 16
                f.append(SyscallField("si_utime", .int(long(t))))
                f.append(SyscallField("si_stime", .int(long(t + word))))
            case 4, 8, 7, 11, 5:  // SIGILL, SIGFPE, SIGBUS, SIGSEGV, SIGTRAP: si_addr
                f.append(SyscallField("si_addr", ptr(base)))
                if signo == 7 && (code == 4 || code == 5) {
                    f.append(SyscallField("si_addr_lsb", .hex(u(base + word, 2))))
                } else if signo == 11 && code == 3 {
                    f.append(SyscallField("si_lower", ptr(base + 2 * word)))
                    f.append(SyscallField("si_upper", ptr(base + 3 * word)))
                } else if signo == 11 && code == 4 {
                    f.append(SyscallField("si_pkey", .uint(u(base + 2 * word, 4))))
                }
            case 29:  // SIGIO / SIGPOLL
                if (1...6).contains(code) {
                    f.append(SyscallField("si_band", .int(long(base))))
                    f.append(SyscallField("si_fd", .fd(Int32(truncatingIfNeeded: i32(base + word)), path: nil)))
                }
            case 31:  // SIGSYS: si_call_addr, si_syscall, si_arch
                f.append(SyscallField("si_call_addr", ptr(base)))
                let nr = u(base + word, 4), arch = u(base + word + 4, 4)
                var syscallName: String? = nil
                if let a = SyscallABI(auditArch: UInt32(truncatingIfNeeded: arch)),
                   let e = SyscallTable.of(a).entry(Int(nr)) {
                    syscallName = "__NR_" + e.name
                }
                f.append(SyscallField("si_syscall", syscallName.map { .text($0) } ?? .uint(nr)))
                f.append(SyscallField("si_arch", .constant(value: Int64(arch), name: auditArches[Int64(arch)], hexFallback: true)))
            default:
                if u(base, 4) != 0 || u(base + 4, 4) != 0 { source() }
                if u(base + 8, word) != 0 { sigval() }
            }
        }
        return .structure(f, truncated: false)
    }

    // MARK: wait status

    static let ptraceEvents: [UInt32: String] = [
        1: "PTRACE_EVENT_FORK", 2: "PTRACE_EVENT_VFORK", 3: "PTRACE_EVENT_CLONE", 4: "PTRACE_EVENT_EXEC",
        5: "PTRACE_EVENT_VFORK_DONE", 6: "PTRACE_EVENT_EXIT", 7: "PTRACE_EVENT_SECCOMP", 128: "PTRACE_EVENT_STOP",
    ]

    /// A wait status as strace prints what wait4's status pointer holds:
    /// `[{WIFEXITED(s) && WEXITSTATUS(s) == 3}]`, `[{WIFSIGNALED(s) && WTERMSIG(s) == SIGSEGV && WCOREDUMP(s)}]`,
    /// `[{WIFSTOPPED(s) && WSTOPSIG(s) == SIGSTOP}]`, `[{WIFCONTINUED(s)}]`, other values in hex.
    public static func waitStatus(_ status: Int32) -> SyscallValue {
        var s = UInt32(bitPattern: status)
        var text: String
        let low = s & 0x7f
        if s & 0xff == 0x7f {  // WIFSTOPPED
            let sig = Int((s >> 8) & 0xff)
            text = "{WIFSTOPPED(s) && WSTOPSIG(s) == \(nameOrNumber(sig & 0x7f))\(sig & 0x80 != 0 ? " | 0x80" : "")}"
            s &= ~UInt32((sig << 8) | 0x7f)
        } else if low != 0 && low != 0x7f {  // WIFSIGNALED
            let core = s & 0x80 != 0
            text = "{WIFSIGNALED(s) && WTERMSIG(s) == \(nameOrNumber(Int(low)))\(core ? " && WCOREDUMP(s)" : "")}"
            s &= ~(low | 0x80)
        } else if low == 0 {  // WIFEXITED
            text = "{WIFEXITED(s) && WEXITSTATUS(s) == \((s >> 8) & 0xff)}"
            s &= ~(s & 0xff00)
        } else if s == 0xffff {
            text = "{WIFCONTINUED(s)}"
            s = 0
        } else {
            return .text("[" + hex(UInt64(s)) + "]")
        }
        if s != 0 {
            let event = s >> 16
            if event != 0 {
                text += "|" + (ptraceEvents[event] ?? hex(UInt64(event))) + "<<16"
                s &= 0xffff
            }
            if s != 0 { text += "|" + hex(UInt64(s)) }
        }
        return .text("[" + text + "]")
    }

    /// rt_sigreturn's argument, `{mask=[...]}`: the signal mask saved in the frame the call pops, found from
    /// the tracee's stack pointer at the entry stop (strace reads it the same way). The engine calls this and
    /// appends the value at entry, since the decoder alone has no registers.
    public static func sigreturnMask(stackPointer: UInt64, abi: SyscallABI, memory: any SyscallMemory) -> SyscallValue {
        PD.sigreturnMask(stackPointer: stackPointer, abi: abi, memory: memory)
    }

    static func hex(_ v: UInt64) -> String { v == 0 ? "0" : "0x" + String(v, radix: 16) }
}
