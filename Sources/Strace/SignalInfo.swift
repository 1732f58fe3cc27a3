import Glibc
import Syscalls

/// `{si_signo=SIGCHLD, si_code=CLD_EXITED, ...}` of a raw siginfo_t (the common cases; helper decoders
/// in Syscalls cover the rest).
enum SignalInfo {
    static func text(_ b: [UInt8], abi: SyscallABI) -> String {
        func i32(_ o: Int) -> Int32 {
            guard o + 4 <= b.count else { return 0 }
            return Int32(bitPattern: UInt32(b[o]) | UInt32(b[o + 1]) << 8 | UInt32(b[o + 2]) << 16 | UInt32(b[o + 3]) << 24)
        }
        let signo = i32(0), code = i32(8)
        var s = "{si_signo=\(signalName(signo)), si_code="
        let codes: [Int32: String] = [0: "SI_USER", 0x80: "SI_KERNEL", -1: "SI_QUEUE", -2: "SI_TIMER", -3: "SI_MESGQ", -4: "SI_ASYNCIO", -6: "SI_TKILL"]
        if signo == SIGCHLD && code > 0 {
            let names = ["", "CLD_EXITED", "CLD_KILLED", "CLD_DUMPED", "CLD_TRAPPED", "CLD_STOPPED", "CLD_CONTINUED"]
            s += code < names.count ? names[Int(code)] : String(code)
            let status = i32(24)
            s += ", si_pid=\(i32(16)), si_uid=\(i32(20)), si_status=\(code == 1 ? String(status) : signalName(status)), si_utime=0, si_stime=0}"
            return s
        }
        if (signo == SIGSEGV || signo == SIGBUS) && code > 0 {
            let names = signo == SIGSEGV ? ["", "SEGV_MAPERR", "SEGV_ACCERR"] : ["", "BUS_ADRALN", "BUS_ADRERR", "BUS_OBJERR"]
            s += code < names.count ? names[Int(code)] : String(code)
            var addr: UInt64 = 0
            for k in 0..<8 where 16 + k < b.count { addr |= UInt64(b[16 + k]) << (8 * UInt64(k)) }
            return s + ", si_addr=" + (addr == 0 ? "NULL" : "0x" + String(addr, radix: 16)) + "}"
        }
        s += codes[code] ?? String(code)
        if code <= 0 || code == 0x80 && false {
            s += ", si_pid=\(i32(16)), si_uid=\(i32(20))"
        }
        return s + "}"
    }
}
