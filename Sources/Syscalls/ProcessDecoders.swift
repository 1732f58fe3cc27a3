import Glibc

/// Shared pieces of the process, signal, time, network and IPC decoders (strace 6.1's printing rules).
enum PD {
    /// Little-endian unsigned integer of `size` bytes at `off` (missing bytes read as zero).
    static func le(_ b: [UInt8], _ off: Int, _ size: Int) -> UInt64 {
        var v: UInt64 = 0
        for i in 0..<size where off + i >= 0 && off + i < b.count { v |= UInt64(b[off + i]) << (8 * UInt64(i)) }
        return v
    }
    static func i32(_ b: [UInt8], _ off: Int) -> Int64 { Int64(Int32(truncatingIfNeeded: le(b, off, 4))) }
    static func long(_ b: [UInt8], _ off: Int, _ word: Int) -> Int64 {
        word == 4 ? i32(b, off) : Int64(bitPattern: le(b, off, 8))
    }

    /// A structure at `addr` of `size` bytes, or the raw pointer (NULL, unreadable, or the call failed and
    /// this is an output argument printed at exit).
    static func object(_ c: DecodeContext, _ addr: UInt64, _ size: Int, output: Bool? = nil,
                       _ make: ([UInt8]) -> SyscallValue) -> SyscallValue {
        let isOutput = output ?? !c.entering
        if addr == 0 || (isOutput && c.call.isError) { return .pointer(addr) }
        guard let b = c.memory.bytes(addr, count: size) else { return .pointer(addr) }
        return make(b)
    }

    /// A named value or the number in hex with strace's `/* PREFIX_??? */` comment.
    static func xval(_ t: ValueTable, _ v: Int64, _ unknown: String) -> SyscallValue {
        if let n = t.names[v] { return .constant(value: v, name: n, hexFallback: true) }
        return .commented(.hex(UInt64(bitPattern: v)), unknown)
    }
    /// Like `xval` for values strace prints in decimal when unknown.
    static func xvalD(_ t: ValueTable, _ v: Int64, _ unknown: String) -> SyscallValue {
        if let n = t.names[v] { return .constant(value: v, name: n, hexFallback: false) }
        return .commented(.int(v), unknown)
    }
    /// Flags; a nonzero value with no known bit prints `0x... /* PREFIX_??? */`.
    static func flags(_ t: FlagTable, _ v: UInt64, _ unknown: String?) -> SyscallValue {
        let f = t.decode(v)
        if case let .flags(_, names, rest) = f, names.isEmpty, rest != 0, let u = unknown { return .commented(.hex(rest), u) }
        return f
    }

    /// `printuid`: -1 as `-1`, else unsigned.
    static func uid(_ v: UInt64) -> SyscallValue {
        let u = UInt32(truncatingIfNeeded: v)
        return u == UInt32.max ? .int(-1) : .uint(UInt64(u))
    }

    /// `{tv_sec=1, tv_nsec=500}` from a timespec of the ABI (two longs).
    static func timespec(_ b: [UInt8], word: Int, usec: Bool = false) -> SyscallValue {
        .structure([SyscallField("tv_sec", .int(long(b, 0, word))),
                    SyscallField(usec ? "tv_usec" : "tv_nsec", .int(long(b, word, word)))], truncated: false)
    }
    static func timespecAt(_ c: DecodeContext, _ addr: UInt64, output: Bool? = nil, usec: Bool = false) -> SyscallValue {
        let w = c.call.abi.wordSize
        return object(c, addr, 2 * w, output: output) { timespec($0, word: w, usec: usec) }
    }

    /// strace's QUOTE_FORCE_HEX string: `"\x12\x34"`, cut at `limit` with `...`.
    static func hexString(_ bytes: [UInt8], truncated: Bool) -> SyscallValue {
        var s = "\""
        for b in bytes {
            s += "\\x"
            s += String(b >> 4, radix: 16)
            s += String(b & 15, radix: 16)
        }
        s += "\""
        if truncated { s += "..." }
        return .text(s)
    }

    /// A C string of at most `max` bytes from a fixed-size field (PRINT_FIELD_CSTRING).
    static func cstring(_ b: [UInt8], _ off: Int, _ size: Int) -> SyscallValue {
        let end = min(b.count, off + size)
        guard off < end else { return .string([], truncated: false) }
        var field = Array(b[off..<end])
        if let z = field.firstIndex(of: 0) { field = Array(field[..<z]) }
        return .string(field, truncated: false)
    }

    /// `{ru_utime={tv_sec=0, tv_usec=0}, ru_stime={...}, ...}` (all fields with -v).
    static func rusage(_ c: DecodeContext, _ addr: UInt64) -> SyscallValue {
        let w = c.call.abi.wordSize
        return object(c, addr, 4 * w + 14 * w) { b in
            var f = [SyscallField("ru_utime", timespec(b, word: w, usec: true)),
                     SyscallField("ru_stime", timespec(Array(b[(2 * w)...]), word: w, usec: true))]
            if !c.options.verbose { return .structure(f, truncated: true) }
            let names = ["ru_maxrss", "ru_ixrss", "ru_idrss", "ru_isrss", "ru_minflt", "ru_majflt", "ru_nswap",
                         "ru_inblock", "ru_oublock", "ru_msgsnd", "ru_msgrcv", "ru_nsignals", "ru_nvcsw", "ru_nivcsw"]
            for (i, n) in names.enumerated() { f.append(SyscallField(n, .uint(le(b, 4 * w + i * w, w)))) }
            return .structure(f, truncated: false)
        }
    }

    /// A sigset argument of `len` bytes (print_sigset_addr_len): the raw pointer when len is not 4..8 bytes.
    static func sigset(_ c: DecodeContext, _ addr: UInt64, len: UInt64, minLen: Int? = nil) -> SyscallValue {
        let minimum = minLen ?? c.call.abi.wordSize
        if len < UInt64(minimum) || len > UInt64(Signals.setBytes) { return .pointer(addr) }
        return object(c, addr, Int(len)) { Signals.set(bytes: $0) }
    }

    /// An array of `count` integers of `size` bytes at `addr` (print_array): `[1, 2]`, cut at -s entries.
    static func intArray(_ c: DecodeContext, _ addr: UInt64, count: Int, size: Int = 4,
                         _ make: (UInt64) -> SyscallValue) -> SyscallValue {
        if addr == 0 { return .pointer(0) }
        if !c.entering && c.call.isError { return .pointer(addr) }
        if count <= 0 { return .array([], truncated: false) }
        var items: [SyscallValue] = []
        for i in 0..<count {
            if i >= c.options.stringLimit { return .array(items, truncated: true) }
            guard let v = c.memory.integer(addr &+ UInt64(i * size), size: size) else {
                if i == 0 { return .pointer(addr) }
                items.append(.text("... /* \(SyscallText.text(.pointer(addr &+ UInt64(i * size)))) */"))
                return .array(items, truncated: false)
            }
            items.append(make(v))
        }
        return .array(items, truncated: false)
    }

    /// `[N]`: an int the call stored (printnum_int).
    static func intRef(_ c: DecodeContext, _ addr: UInt64, _ make: (Int64) -> SyscallValue = { .int($0) }) -> SyscallValue {
        object(c, addr, 4) { .array([make(i32($0, 0))], truncated: false) }
    }

    /// The CPU mask size strace assumes (its get_cpuset_size: 128 bytes, doubled while the kernel's mask
    /// is larger, which only happens past 1024 possible CPUs).
    static let cpusetSize: Int = {
        var size = 128
        let cpus = max(1, sysconf(Int32(_SC_NPROCESSORS_CONF)))
        while size * 8 < cpus && size < 1 << 20 { size <<= 1 }
        return size
    }()

    static func affinity(_ c: DecodeContext, _ addr: UInt64, len: Int) -> SyscallValue {
        if addr == 0 || (!c.entering && c.call.isError) { return .pointer(addr) }
        if len <= 0 { return .set([], complement: false) }
        let w = c.call.abi.wordSize
        let umove = min(len, cpusetSize)
        let size = (umove + w - 1) / w * w
        guard let b = c.memory.bytes(addr, count: umove) else { return .pointer(addr) }
        var names: [String] = []
        for (i, byte) in b.enumerated() where byte != 0 {
            for bit in 0..<8 where byte & (1 << bit) != 0 { names.append(String(i * 8 + bit)) }
        }
        if size < len { names.append("...") }
        return .set(names, complement: false)
    }

    /// An argv/envp array (printargv): `["ls", "-l"]`, `...` after -s entries.
    static func argv(_ c: DecodeContext, _ addr: UInt64) -> SyscallValue {
        if addr == 0 { return .pointer(0) }
        let w = c.call.abi.wordSize
        var items: [SyscallValue] = []
        var at = addr
        var n = 0
        while true {
            guard let word = c.memory.integer(at, size: w) else {
                if n == 0 { return .pointer(at) }
                items.append(.text("... /* \(SyscallText.text(.pointer(at))) */"))
                return .array(items, truncated: false)
            }
            if word == 0 { break }
            if !c.options.verbose && n >= c.options.stringLimit { return .array(items, truncated: true) }
            items.append(c.cString(word))
            n += 1
            let (next, overflow) = at.addingReportingOverflow(UInt64(w))
            if overflow { break }
            at = next
        }
        return .array(items, truncated: false)
    }

    /// envp without -v (printargc): `0x7ffd... /* 35 vars */`.
    static func argc(_ c: DecodeContext, _ addr: UInt64) -> SyscallValue {
        if addr == 0 { return .pointer(0) }
        let w = c.call.abi.wordSize
        var n = 0
        var at = addr
        var unterminated = false
        while true {
            guard let word = c.memory.integer(at, size: w) else {
                if n == 0 { return .pointer(addr) }
                break
            }
            if word == 0 { break }
            n += 1
            let (next, overflow) = at.addingReportingOverflow(UInt64(w))
            if overflow { unterminated = true; break }
            at = next
        }
        return .commented(.pointer(addr), "\(n) var\(n == 1 ? "" : "s")\(unterminated ? ", unterminated" : "")")
    }

    /// sa_handler: SIG_DFL, SIG_IGN, SIG_ERR or the address.
    static func handler(_ v: UInt64, word: Int) -> SyscallValue {
        let all: UInt64 = word == 4 ? 0xffff_ffff : UInt64.max
        switch v {
        case 0: return .constant(value: 0, name: "SIG_DFL", hexFallback: true)
        case 1: return .constant(value: 1, name: "SIG_IGN", hexFallback: true)
        case all: return .constant(value: -1, name: "SIG_ERR", hexFallback: true)
        default: return .pointer(v)
        }
    }

    /// struct sigaction of the kernel (handler, flags, restorer, mask) as strace prints it.
    static func sigaction(_ c: DecodeContext, _ addr: UInt64) -> SyscallValue {
        let w = c.call.abi.wordSize
        return object(c, addr, 3 * w + 8) { b in
            let handler = le(b, 0, w), flags = le(b, w, w), restorer = le(b, 2 * w, w)
            let mask = le(b, 3 * w, 8)
            var f = [SyscallField("sa_handler", PD.handler(handler, word: w)),
                     SyscallField("sa_mask", Signals.set(mask, byteCount: 8)),
                     SyscallField("sa_flags", PD.flags(PC.sigactFlags, flags, "SA_???"))]
            if flags & 0x0400_0000 != 0 { f.append(SyscallField("sa_restorer", .pointer(restorer))) }
            return .structure(f, truncated: false)
        }
    }

    /// struct rlimit64 (or the 32-bit rlimit of i386) as `{rlim_cur=8192*1024, rlim_max=RLIM64_INFINITY}`.
    static func rlimit(_ c: DecodeContext, _ addr: UInt64, wide: Bool) -> SyscallValue {
        let size = wide ? 8 : 4
        return object(c, addr, 2 * size) { b in
            func lim(_ v: UInt64) -> SyscallValue {
                let inf: UInt64 = wide ? UInt64.max : 0xffff_ffff
                if v == inf { return .symbolic(.uint(v), wide ? "RLIM64_INFINITY" : "RLIM_INFINITY") }
                if v > 1024 && v % 1024 == 0 { return .symbolic(.uint(v), "\(v / 1024)*1024") }
                return .uint(v)
            }
            return .structure([SyscallField("rlim_cur", lim(le(b, 0, size))),
                               SyscallField("rlim_max", lim(le(b, size, size)))], truncated: false)
        }
    }

    /// `2023-11-14T22:13:20+0000` (strace's sprinttime, local time).
    static func sprinttime(_ t: Int64) -> String {
        var tt = time_t(t)
        var tmv = tm()
        guard localtime_r(&tt, &tmv) != nil else { return String(t) }
        var buf = [CChar](repeating: 0, count: 64)
        let n = strftime(&buf, buf.count, "%FT%T%z", &tmv)
        return n > 0 ? String(decoding: buf.prefix(n).map { UInt8(bitPattern: $0) }, as: UTF8.self) : String(t)
    }

    /// The sigset of the signal frame `rt_sigreturn` pops (strace reads it at the stack pointer):
    /// `{mask=[...]}`. `stackPointer` is the tracee's SP at the entry stop.
    static func sigreturnMask(stackPointer: UInt64, abi: SyscallABI, memory: any SyscallMemory) -> SyscallValue {
        let frame: UInt64, offset: UInt64
        switch abi {
        case .x86_64: frame = stackPointer &- 8; offset = 304
        case .i386: frame = stackPointer &- 4; offset = 252
        case .aarch64: frame = stackPointer; offset = 168
        }
        let at = frame &+ offset
        guard let b = memory.bytes(at, count: 8) else { return .structure([SyscallField("mask", .pointer(at))], truncated: false) }
        return .structure([SyscallField("mask", Signals.set(bytes: b))], truncated: false)
    }
}

/// Decoders of process, signal, credential, resource and time syscalls.
enum ProcessDecoders {
    static let all: [String: SyscallDecoder] = {
        var d: [String: SyscallDecoder] = [:]
        d.merge(process) { a, _ in a }
        d.merge(signals) { a, _ in a }
        d.merge(creds) { a, _ in a }
        d.merge(times) { a, _ in a }
        d.merge(NetworkDecoders.all) { a, _ in a }
        d.merge(NetworkDecoders.ipc) { a, _ in a }
        return d
    }()

    static func noArgs(_ c: inout DecodeContext) {}
    static func hexArgs(_ n: Int) -> SyscallDecoder {
        { c in if c.entering { for i in 0..<n { c.add(.hex(c.call.arg(i))) } } }
    }
    static func intArg(_ c: inout DecodeContext) { if c.entering { c.add(.int(Int64(c.call.int(0)))) } }

    static let process: [String: SyscallDecoder] = [
        "fork": noArgs, "vfork": noArgs, "getpid": noArgs, "getppid": noArgs, "gettid": noArgs,
        "getpgrp": noArgs, "setsid": noArgs, "sched_yield": noArgs, "pause": noArgs,
        "exit": { c in if c.entering { c.add(.int(c.call.long(0))); c.call.returnFormat = .none } else { c.call.returnFormat = .none } },
        "exit_group": { c in if c.entering { c.add(.int(Int64(c.call.int(0)))) }; c.call.returnFormat = .none },
        "getpgid": intArg, "getsid": intArg,
        "setpgid": { c in if c.entering { c.add(.int(Int64(c.call.int(0)))); c.add(.int(Int64(c.call.int(1)))) } },
        "set_tid_address": hexArgs(1),
        "rseq": hexArgs(4),
        "set_robust_list": { c in if c.entering { c.add(.pointer(c.call.arg(0))); c.add(.uint(c.call.arg(1))) } },
        "get_robust_list": { c in
            if c.entering { c.add(.int(Int64(c.call.int(0)))); return }
            c.add(PD.object(c, c.call.arg(1), c.call.abi.wordSize) { .array([.pointer(PD.le($0, 0, c.call.abi.wordSize))], truncated: false) })
            c.add(PD.object(c, c.call.arg(2), c.call.abi.wordSize) { .array([.uint(PD.le($0, 0, c.call.abi.wordSize))], truncated: false) })
        },
        "clone": clone,
        "clone3": clone3,
        "execve": { c in
            guard c.entering else { return }
            c.add(c.path(0)); c.add(PD.argv(c, c.call.arg(1)))
            c.add(c.options.verbose ? PD.argv(c, c.call.arg(2)) : PD.argc(c, c.call.arg(2)))
        },
        "execveat": { c in
            guard c.entering else { return }
            c.add(atFd(c, 0)); c.add(c.path(1)); c.add(PD.argv(c, c.call.arg(2)))
            c.add(c.options.verbose ? PD.argv(c, c.call.arg(3)) : PD.argc(c, c.call.arg(3)))
            c.add(PD.flags(FlagTable([(0x100, "AT_SYMLINK_NOFOLLOW"), (0x1000, "AT_EMPTY_PATH")]), c.call.arg(4), "AT_???"))
        },
        "wait4": { c in
            if c.entering { c.add(.int(Int64(c.call.int(0)))); return }
            c.add(waitStatus(c, c.call.arg(1)))
            c.add(PD.flags(PC.waitOptions, c.call.arg(2) & 0xffff_ffff, "W???"))
            c.add(c.call.result > 0 ? PD.rusage(c, c.call.arg(3)) : .pointer(c.call.arg(3)))
        },
        "waitpid": { c in
            if c.entering { c.add(.int(Int64(c.call.int(0)))); return }
            c.add(waitStatus(c, c.call.arg(1)))
            c.add(PD.flags(PC.waitOptions, c.call.arg(2) & 0xffff_ffff, "W???"))
        },
        "waitid": { c in
            if c.entering {
                let type = Int64(UInt32(truncatingIfNeeded: c.call.arg(0)))
                c.add(PD.xval(PC.waitidTypes, type, "P_???"))
                c.add(type == 3 ? c.fd(1) : .int(Int64(c.call.int(1))))
                return
            }
            c.add(PD.object(c, c.call.arg(2), 128) { Signals.siginfo($0, abi: c.call.abi) })
            c.add(PD.flags(PC.waitOptions, c.call.arg(3) & 0xffff_ffff, "W???"))
            c.add(PD.rusage(c, c.call.arg(4)))
        },
        "prctl": prctl,
        "arch_prctl": { c in
            let option = Int64(UInt32(truncatingIfNeeded: c.call.arg(0)))
            if c.entering { c.add(PD.xval(PC.archPrctl, option, "ARCH_???")) }
            switch option {
            case 0x1003, 0x1004:  // ARCH_GET_FS, ARCH_GET_GS
                if !c.entering {
                    c.add(PD.object(c, c.call.arg(1), c.call.abi.wordSize) { .array([.pointer(PD.le($0, 0, c.call.abi.wordSize))], truncated: false) })
                }
            case 0x1011: break  // ARCH_GET_CPUID
            default: if c.entering { c.add(.hex(c.call.arg(1))) }
            }
        },
        "prlimit64": { c in
            if c.entering {
                c.add(.int(Int64(c.call.int(0))))
                c.add(PD.xval(PC.resources, Int64(UInt32(truncatingIfNeeded: c.call.arg(1))), "RLIMIT_???"))
                c.add(PD.rlimit(c, c.call.arg(2), wide: true))
                return
            }
            c.add(PD.rlimit(c, c.call.arg(3), wide: true))
        },
        "getrlimit": { c in
            if c.entering { c.add(PD.xval(PC.resources, Int64(UInt32(truncatingIfNeeded: c.call.arg(0))), "RLIMIT_???")); return }
            c.add(PD.rlimit(c, c.call.arg(1), wide: c.call.abi.wordSize == 8))
        },
        "ugetrlimit": { c in
            if c.entering { c.add(PD.xval(PC.resources, Int64(UInt32(truncatingIfNeeded: c.call.arg(0))), "RLIMIT_???")); return }
            c.add(PD.rlimit(c, c.call.arg(1), wide: c.call.abi.wordSize == 8))
        },
        "setrlimit": { c in
            guard c.entering else { return }
            c.add(PD.xval(PC.resources, Int64(UInt32(truncatingIfNeeded: c.call.arg(0))), "RLIMIT_???"))
            c.add(PD.rlimit(c, c.call.arg(1), wide: c.call.abi.wordSize == 8))
        },
        "getrusage": { c in
            if c.entering { c.add(PD.xvalD(PC.usageWho, Int64(c.call.int(0)), "RUSAGE_???")); return }
            c.add(PD.rusage(c, c.call.arg(1)))
        },
        "uname": { c in
            guard !c.entering else { return }
            c.add(PD.object(c, c.call.arg(0), 6 * 65) { b in
                var f = [SyscallField("sysname", PD.cstring(b, 0, 65)), SyscallField("nodename", PD.cstring(b, 65, 65))]
                if !c.options.verbose { return .structure(f, truncated: true) }
                f.append(SyscallField("release", PD.cstring(b, 130, 65)))
                f.append(SyscallField("version", PD.cstring(b, 195, 65)))
                f.append(SyscallField("machine", PD.cstring(b, 260, 65)))
                f.append(SyscallField("domainname", PD.cstring(b, 325, 65)))
                return .structure(f, truncated: false)
            })
        },
        "sysinfo": { c in
            guard !c.entering else { return }
            let w = c.call.abi.wordSize
            c.add(PD.object(c, c.call.arg(0), w == 8 ? 112 : 64) { b in
                let loadsAt = w, ramAt = 4 * w
                var f = [SyscallField("uptime", .int(PD.long(b, 0, w))),
                         SyscallField("loads", .array((0..<3).map { .uint(PD.le(b, loadsAt + $0 * w, w)) }, truncated: false))]
                for (i, n) in ["totalram", "freeram", "sharedram", "bufferram", "totalswap", "freeswap"].enumerated() {
                    f.append(SyscallField(n, .uint(PD.le(b, ramAt + i * w, w))))
                }
                let procsAt = ramAt + 6 * w
                f.append(SyscallField("procs", .uint(PD.le(b, procsAt, 2))))
                let highAt = procsAt + w  // procs, pad, then aligned to a long
                f.append(SyscallField("totalhigh", .uint(PD.le(b, highAt, w))))
                f.append(SyscallField("freehigh", .uint(PD.le(b, highAt + w, w))))
                f.append(SyscallField("mem_unit", .uint(PD.le(b, highAt + 2 * w, 4))))
                return .structure(f, truncated: false)
            })
        },
        "getrandom": { c in
            guard !c.entering else { return }
            if c.call.isError || c.call.arg(0) == 0 { c.add(.pointer(c.call.arg(0))) } else {
                let n = Int(max(0, min(c.call.result, 1 << 20)))
                let shown = min(n, c.options.stringLimit)
                if let b = c.memory.bytes(c.call.arg(0), count: shown) { c.add(PD.hexString(b, truncated: n > shown)) }
                else { c.add(.pointer(c.call.arg(0))) }
            }
            c.add(.uint(c.call.arg(1)))
            c.add(PD.flags(PC.getrandomFlags, c.call.arg(2) & 0xffff_ffff, "GRND_???"))
        },
        "futex": futex,
        "sched_getaffinity": { c in
            if c.entering { c.add(.int(Int64(c.call.int(0)))); c.add(.uint(c.call.arg(1) & 0xffff_ffff)); return }
            c.add(PD.affinity(c, c.call.arg(2), len: Int(c.call.result)))
        },
        "sched_setaffinity": { c in
            guard c.entering else { return }
            c.add(.int(Int64(c.call.int(0)))); c.add(.uint(c.call.arg(1) & 0xffff_ffff))
            c.add(PD.affinity(c, c.call.arg(2), len: Int(c.call.arg(1) & 0xffff_ffff)))
        },
        "sched_getscheduler": { c in
            if c.entering { c.add(.int(Int64(c.call.int(0)))); return }
            if !c.call.isError, let n = PC.schedulers.names[c.call.result & ~0x4000_0000] {
                c.call.returnComment = c.call.result & 0x4000_0000 != 0 ? n + "|SCHED_RESET_ON_FORK" : n
                c.call.returnFormat = .hex
            }
        },
        "sched_setscheduler": { c in
            guard c.entering else { return }
            c.add(.int(Int64(c.call.int(0))))
            let p = Int64(c.call.int(1))
            c.add(p & 0x4000_0000 != 0 ? .text(SyscallText.text(PD.xvalD(PC.schedulers, p & ~0x4000_0000, "SCHED_???")) + "|SCHED_RESET_ON_FORK")
                  : PD.xvalD(PC.schedulers, p, "SCHED_???"))
            c.add(schedParam(c, c.call.arg(2)))
        },
        "sched_getparam": { c in
            if c.entering { c.add(.int(Int64(c.call.int(0)))); return }
            c.add(schedParam(c, c.call.arg(1)))
        },
        "sched_setparam": { c in
            guard c.entering else { return }
            c.add(.int(Int64(c.call.int(0)))); c.add(schedParam(c, c.call.arg(1)))
        },
        "sched_get_priority_max": { c in if c.entering { c.add(PD.xvalD(PC.schedulers, Int64(c.call.int(0)), "SCHED_???")) } },
        "sched_get_priority_min": { c in if c.entering { c.add(PD.xvalD(PC.schedulers, Int64(c.call.int(0)), "SCHED_???")) } },
        "sethostname": hostname, "setdomainname": hostname,
        "personality": { c in
            if c.entering {
                let p = UInt32(truncatingIfNeeded: c.call.arg(0))
                c.add(p == 0xffff_ffff ? .hex(0xffff_ffff) : .text(personalityText(p)))
                return
            }
            if !c.call.isError {
                c.call.returnFormat = .hex
                c.call.returnComment = personalityText(UInt32(truncatingIfNeeded: c.call.result))
            }
        },
        "pidfd_open": { c in
            guard c.entering else { return }
            c.add(.int(Int64(c.call.int(0)))); c.add(PD.flags(PC.pidfdOpenFlags, c.call.arg(1) & 0xffff_ffff, "PIDFD_???"))
            c.call.returnFormat = .fd
        },
        "pidfd_send_signal": { c in
            guard c.entering else { return }
            c.add(c.fd(0)); c.add(Signals.value(Int64(c.call.int(1)), abi: c.call.abi))
            c.add(PD.object(c, c.call.arg(2), 128) { Signals.siginfo($0, abi: c.call.abi) })
            c.add(.hex(c.call.arg(3) & 0xffff_ffff))
        },
        "pidfd_getfd": { c in
            guard c.entering else { return }
            c.add(c.fd(0)); c.add(.int(Int64(c.call.int(1)))); c.add(.hex(c.call.arg(2) & 0xffff_ffff))
            c.call.returnFormat = .fd
        },
    ]

    static func atFd(_ c: DecodeContext, _ i: Int) -> SyscallValue {
        c.dirfd(i)
    }

    static func personalityText(_ p: UInt32) -> String {
        var s = SyscallText.text(PD.xval(PC.personalityTypes, Int64(p & 0xff), "PER_???"))
        let rest = UInt64(p & ~0xff)
        if rest != 0 { s += "|" + SyscallText.text(PC.personalityFlags.decode(rest)) }
        return s
    }

    static let hostname: SyscallDecoder = { c in
        guard c.entering else { return }
        let n = Int(c.call.arg(1) & 0xffff_ffff)
        c.add(c.call.arg(0) == 0 ? .pointer(0) : c.buffer(0, count: n)); c.add(.uint(c.call.arg(1)))
    }

    static func schedParam(_ c: DecodeContext, _ addr: UInt64) -> SyscallValue {
        PD.object(c, addr, 4) { .structure([SyscallField("sched_priority", .int(PD.i32($0, 0)))], truncated: false) }
    }

    static func waitStatus(_ c: DecodeContext, _ addr: UInt64) -> SyscallValue {
        if c.call.result == 0 && !c.call.isError { return .pointer(addr) }
        return PD.object(c, addr, 4) { Signals.waitStatus(Int32(truncatingIfNeeded: PD.i32($0, 0))) }
    }

    // MARK: clone

    /// Argument positions of clone: x86_64 (flags, stack, ptid, ctid, tls); i386 swaps ctid and tls;
    /// aarch64 (generic) has (flags, stack, ptid, tls, ctid).
    static func cloneArgs(_ abi: SyscallABI) -> (ptid: Int, ctid: Int, tls: Int) {
        switch abi {
        case .x86_64: return (2, 3, 4)
        case .i386: return (2, 4, 3)
        case .aarch64: return (2, 4, 3)
        }
    }

    static let clone: SyscallDecoder = { c in
        let raw = c.call.arg(0)
        let flags = raw & ~0xff
        let sig = Int64(raw & 0xff)
        let pos = cloneArgs(c.call.abi)
        if c.entering {
            c.add(.text("child_stack=" + SyscallText.text(.pointer(c.call.arg(1)))))
            var text = "flags="
            if flags != 0 {
                text += SyscallText.text(PD.flags(PC.cloneFlags, flags, "CLONE_???"))
                if sig != 0 { text += "|" + SyscallText.text(Signals.value(sig, abi: c.call.abi)) }
            } else {
                text += SyscallText.text(Signals.value(sig, abi: c.call.abi))
            }
            c.add(.text(text))
            c.call.separatorAtExit = true  // `<... clone resumed>, child_tidptr=...`
            return
        }
        if flags & (0x100000 | 0x1000) != 0 {  // CLONE_PARENT_SETTID | CLONE_PIDFD
            c.add(.text("parent_tid=" + SyscallText.text(PD.intRef(c, c.call.arg(pos.ptid)))))
        }
        if flags & 0x80000 != 0 { c.add(.text("tls=" + SyscallText.text(.pointer(c.call.arg(pos.tls))))) }
        if flags & (0x1000000 | 0x200000) != 0 {
            c.add(.text("child_tidptr=" + SyscallText.text(.pointer(c.call.arg(pos.ctid)))))
        }
    }

    static let clone3: SyscallDecoder = { c in
        let addr = c.call.arg(0), size = c.call.arg(1)
        let fetch = Int(min(size, 88))
        if c.entering {
            c.call.separatorAtExit = true  // `clone3({...} <unfinished ...>`, `<... clone3 resumed> => {...}, 88)`
            guard fetch >= 64, let b = c.memory.bytes(addr, count: fetch) else {
                c.add(.pointer(addr)); c.add(.uint(size)); c.call.saved = [1]; return
            }
            let flags = PD.le(b, 0, 8)
            var f = [SyscallField("flags", PD.flags(PC.cloneFlags, flags, "CLONE_???"))]
            if flags & 0x1000 != 0 { f.append(SyscallField("pidfd", .pointer(PD.le(b, 8, 8)))) }
            if flags & (0x1000000 | 0x200000) != 0 { f.append(SyscallField("child_tid", .pointer(PD.le(b, 16, 8)))) }
            if flags & 0x100000 != 0 { f.append(SyscallField("parent_tid", .pointer(PD.le(b, 24, 8)))) }
            let es = PD.le(b, 32, 8)
            f.append(SyscallField("exit_signal", es < UInt64(Int32.max) ? Signals.value(Int64(es), abi: c.call.abi) : .uint(es)))
            f.append(SyscallField("stack", .pointer(PD.le(b, 40, 8))))
            f.append(SyscallField("stack_size", .hex(PD.le(b, 48, 8))))
            if flags & 0x80000 != 0 { f.append(SyscallField("tls", .pointer(PD.le(b, 56, 8)))) }
            let setTid = PD.le(b, 64, 8), setTidSize = PD.le(b, 72, 8)
            if setTid != 0 || setTidSize != 0 {
                if setTid == 0 || setTidSize == 0 || setTidSize > 32 {
                    f.append(SyscallField("set_tid", .pointer(setTid)))
                } else {
                    f.append(SyscallField("set_tid", PD.intArray(c, setTid, count: Int(setTidSize)) { .int(Int64(Int32(truncatingIfNeeded: $0))) }))
                }
                f.append(SyscallField("set_tid_size", .uint(setTidSize)))
            }
            let cgroup = PD.le(b, 80, 8)
            if fetch > 80 && (cgroup != 0 || flags & 0x200000000 != 0) { f.append(SyscallField("cgroup", .uint(cgroup))) }
            c.add(.structure(f, truncated: false))
            if flags & (0x1000 | 0x100000) == 0 && size <= 88 {  // nothing to show at exit: size now
                c.add(.uint(size)); c.call.saved = [1]
            }
            return
        }
        if !c.call.saved.isEmpty { return }
        if !c.call.isError, fetch >= 64, c.call.values.count == 1 {
            if let b = c.memory.bytes(addr, count: fetch) {
                let flags = PD.le(b, 0, 8)
                var f: [SyscallField] = []
                if flags & 0x1000 != 0 { f.append(SyscallField("pidfd", PD.intRef(c, PD.le(b, 8, 8)) { .fd(Int32(truncatingIfNeeded: $0), path: nil) })) }
                if flags & 0x100000 != 0 { f.append(SyscallField("parent_tid", PD.intRef(c, PD.le(b, 24, 8)))) }
                if !f.isEmpty { c.add(.changed(.text(""), .structure(f, truncated: false))) }
            } else {
                c.add(.changed(.text(""), .pointer(addr)))
            }
        }
        c.add(.uint(size))
    }

    // MARK: prctl

    static let prctl: SyscallDecoder = { c in
        let option = Int64(UInt32(truncatingIfNeeded: c.call.arg(0)))
        let arg2 = c.call.arg(1)
        if c.entering { c.add(PD.xval(PC.prctlOptions, option, "PR_???")) }
        func rest(_ first: Int) { for i in first..<5 { c.add(.hex(c.call.arg(i))) } }
        switch option {
        case 7, 21, 30, 13, 31, 32:  // GET_KEEPCAPS, GET_SECCOMP, GET_TIMERSLACK, GET_TIMING, PERF_EVENTS_*
            return
        case 37, 19, 9, 11:  // GET_CHILD_SUBREAPER, GET_ENDIAN, GET_FPEMU, GET_FPEXC
            if !c.entering { c.add(PD.intRef(c, arg2) { .uint(UInt64(UInt32(truncatingIfNeeded: $0))) }) }
        case 3:  // PR_GET_DUMPABLE
            if !c.entering && !c.call.isError { c.call.returnComment = PC.dumpable.names[c.call.result] }
        case 16:  // PR_GET_NAME
            if !c.entering {
                if c.call.isError { c.add(.pointer(arg2)) } else if let s = c.memory.cString(arg2, limit: 16) {
                    c.add(.string(s.bytes, truncated: !s.terminated))
                } else { c.add(.pointer(arg2)) }
            }
        case 2:  // PR_GET_PDEATHSIG
            if !c.entering { c.add(PD.intRef(c, arg2) { Signals.value($0, abi: c.call.abi) }) }
        case 40:  // PR_GET_TID_ADDRESS
            if !c.entering {
                let w = c.call.abi.wordSize
                c.add(PD.object(c, arg2, w) { .array([.pointer(PD.le($0, 0, w))], truncated: false) })
            }
        case 36, 20, 10, 12, 8, 14:  // SET_CHILD_SUBREAPER, SET_ENDIAN, SET_FPEMU, SET_FPEXC, SET_KEEPCAPS, SET_TIMING
            if c.entering { c.add(.uint(arg2)) }
        case 4:  // PR_SET_DUMPABLE
            if c.entering { c.add(PD.xval(PC.dumpable, Int64(bitPattern: arg2), "SUID_DUMP_???")) }
        case 15:  // PR_SET_NAME
            if c.entering {
                if let s = c.memory.cString(arg2, limit: 16) {
                    let cut = s.bytes.count > 15
                    c.add(.string(Array(s.bytes.prefix(15)), truncated: cut || !s.terminated))
                } else { c.add(.pointer(arg2)) }
            }
        case 1:  // PR_SET_PDEATHSIG
            if c.entering { c.add(arg2 > 128 ? .uint(arg2) : Signals.value(Int64(arg2), abi: c.call.abi)) }
        case 29:  // PR_SET_TIMERSLACK
            if c.entering { c.add(.int(c.call.long(1))) }
        case 38, 41, 57:  // SET_NO_NEW_PRIVS, SET_THP_DISABLE, SET_IO_FLUSHER
            if c.entering { c.add(.uint(arg2)); rest(2) }
        case 0x5961_6d61:  // PR_SET_PTRACER
            if c.entering {
                c.add(Int32(truncatingIfNeeded: arg2) == -1 ? .constant(value: -1, name: "PR_SET_PTRACER_ANY", hexFallback: false)
                      : .int(Int64(Int32(truncatingIfNeeded: arg2))))
            }
        default:
            if c.entering { rest(1) }
        }
    }

    // MARK: futex

    static let futex: SyscallDecoder = { c in
        guard c.entering else { return }
        let op = Int64(c.call.int(1))
        let cmd = op & 127
        let val = c.call.arg(2) & 0xffff_ffff, val2 = c.call.arg(3) & 0xffff_ffff, val3 = c.call.arg(5) & 0xffff_ffff
        c.add(.pointer(c.call.arg(0)))
        c.add(PD.xval(PC.futexOps, op, "FUTEX_???"))
        func ts() -> SyscallValue { PD.timespecAt(c, c.call.arg(3), output: false) }
        func bitset() -> SyscallValue { val3 == 0xffff_ffff ? .constant(value: Int64(val3), name: "FUTEX_BITSET_MATCH_ANY", hexFallback: true) : .hex(val3) }
        switch cmd {
        case 0: c.add(.uint(val)); c.add(ts())
        case 6, 13: c.add(ts())
        case 9: c.add(.uint(val)); c.add(ts()); c.add(bitset())
        case 10: c.add(.uint(val)); c.add(bitset())
        case 3: c.add(.uint(val)); c.add(.uint(val2)); c.add(.pointer(c.call.arg(4)))
        case 4, 12: c.add(.uint(val)); c.add(.uint(val2)); c.add(.pointer(c.call.arg(4))); c.add(.uint(val3))
        case 5:
            c.add(.uint(val)); c.add(.uint(val2)); c.add(.pointer(c.call.arg(4)))
            let ops = ["FUTEX_OP_SET", "FUTEX_OP_ADD", "FUTEX_OP_OR", "FUTEX_OP_ANDN", "FUTEX_OP_XOR"]
            let cmps = ["FUTEX_OP_CMP_EQ", "FUTEX_OP_CMP_NE", "FUTEX_OP_CMP_LT", "FUTEX_OP_CMP_LE", "FUTEX_OP_CMP_GT", "FUTEX_OP_CMP_GE"]
            var s = ""
            if (val3 >> 28) & 8 != 0 { s += "FUTEX_OP_OPARG_SHIFT<<28|" }
            let o = Int((val3 >> 28) & 7)
            s += o < ops.count ? "\(ops[o])<<28" : "\(o)<<28 /* FUTEX_OP_??? */"
            s += "|" + SyscallText.text(.hex((val3 >> 12) & 0xfff)) + "<<12|"
            let cm = Int((val3 >> 24) & 0xf)
            s += cm < cmps.count ? "\(cmps[cm])<<24" : "\(cm)<<24 /* FUTEX_OP_CMP_??? */"
            s += "|" + SyscallText.text(.hex(val3 & 0xfff))
            c.add(.text(s))
        case 11: c.add(.uint(val)); c.add(ts()); c.add(.pointer(c.call.arg(4)))
        case 1: c.add(.uint(val))
        case 2, 7, 8: break
        default:
            c.add(.uint(val)); c.add(.pointer(c.call.arg(3))); c.add(.pointer(c.call.arg(4))); c.add(.hex(val3))
        }
    }

    // MARK: signals

    static let signals: [String: SyscallDecoder] = [
        "kill": { c in if c.entering { c.add(.int(Int64(c.call.int(0)))); c.add(Signals.value(Int64(c.call.int(1)), abi: c.call.abi)) } },
        "tkill": { c in if c.entering { c.add(.int(Int64(c.call.int(0)))); c.add(Signals.value(Int64(c.call.int(1)), abi: c.call.abi)) } },
        "tgkill": { c in
            guard c.entering else { return }
            c.add(.int(Int64(c.call.int(0)))); c.add(.int(Int64(c.call.int(1))))
            c.add(Signals.value(Int64(c.call.int(2)), abi: c.call.abi))
        },
        "rt_sigaction": { c in
            if c.entering {
                c.add(Signals.value(Int64(c.call.int(0)), abi: c.call.abi))
                c.add(PD.sigaction(c, c.call.arg(1)))
                return
            }
            c.add(PD.sigaction(c, c.call.arg(2)))
            c.add(.uint(c.call.arg(3)))
        },
        "rt_sigprocmask": { c in
            if c.entering {
                c.add(PD.xval(PC.sigprocmaskHow, Int64(UInt32(truncatingIfNeeded: c.call.arg(0))), "SIG_???"))
                c.add(PD.sigset(c, c.call.arg(1), len: c.call.arg(3)))
                return
            }
            c.add(PD.sigset(c, c.call.arg(2), len: c.call.arg(3)))
            c.add(.uint(c.call.arg(3)))
        },
        "rt_sigpending": { c in
            guard !c.entering else { return }
            c.add(PD.sigset(c, c.call.arg(0), len: c.call.arg(1), minLen: 1)); c.add(.uint(c.call.arg(1)))
        },
        "rt_sigsuspend": { c in
            guard c.entering else { return }
            c.add(PD.sigset(c, c.call.arg(0), len: c.call.arg(1))); c.add(.uint(c.call.arg(1)))
        },
        "rt_sigtimedwait": { c in
            if c.entering {
                c.add(PD.sigset(c, c.call.arg(0), len: c.call.arg(3)))
                return
            }
            c.add(PD.object(c, c.call.arg(1), 128) { Signals.siginfo($0, abi: c.call.abi) })
            c.add(PD.timespecAt(c, c.call.arg(2), output: false))
            c.add(.uint(c.call.arg(3)))
            if !c.call.isError, let n = Signals.name(Int(c.call.result)) { c.call.returnComment = n }
        },
        "rt_sigqueueinfo": { c in
            guard c.entering else { return }
            c.add(.int(Int64(c.call.int(0)))); c.add(Signals.value(Int64(c.call.int(1)), abi: c.call.abi))
            c.add(PD.object(c, c.call.arg(2), 128) { Signals.siginfo($0, abi: c.call.abi) })
        },
        "rt_tgsigqueueinfo": { c in
            guard c.entering else { return }
            c.add(.int(Int64(c.call.int(0)))); c.add(.int(Int64(c.call.int(1))))
            c.add(Signals.value(Int64(c.call.int(2)), abi: c.call.abi))
            c.add(PD.object(c, c.call.arg(3), 128) { Signals.siginfo($0, abi: c.call.abi) })
        },
        // The frame's mask needs the stack pointer: the engine appends
        // `Signals.sigreturnMask(stackPointer:abi:memory:)` at entry.
        "rt_sigreturn": { _ in },
        "sigaltstack": { c in
            func stack(_ addr: UInt64) -> SyscallValue {
                let w = c.call.abi.wordSize
                return PD.object(c, addr, w == 8 ? 24 : 12) { b in
                    .structure([SyscallField("ss_sp", .pointer(PD.le(b, 0, w))),
                                SyscallField("ss_flags", PD.flags(PC.sigaltstackFlags, PD.le(b, w, 4), "SS_???")),
                                SyscallField("ss_size", .uint(PD.le(b, w == 8 ? 16 : 8, w)))], truncated: false)
                }
            }
            if c.entering { c.add(stack(c.call.arg(0))) } else { c.add(stack(c.call.arg(1))) }
        },
        "signalfd4": { c in
            guard c.entering else { return }
            c.add(c.fd(0)); c.add(PD.sigset(c, c.call.arg(1), len: c.call.arg(2))); c.add(.uint(c.call.arg(2)))
            c.add(PD.flags(PC.sfdFlags, c.call.arg(3) & 0xffff_ffff, "SFD_???"))
            c.call.returnFormat = .fd
        },
        "signalfd": { c in
            guard c.entering else { return }
            c.add(c.fd(0)); c.add(PD.sigset(c, c.call.arg(1), len: c.call.arg(2))); c.add(.uint(c.call.arg(2)))
            c.call.returnFormat = .fd
        },
        "alarm": { c in if c.entering { c.add(.uint(c.call.arg(0))) } },
    ]


    // MARK: credentials

    static let creds: [String: SyscallDecoder] = [
        "getuid": noArgs, "geteuid": noArgs, "getgid": noArgs, "getegid": noArgs,
        "setuid": { c in if c.entering { c.add(PD.uid(c.call.arg(0))) } },
        "setgid": { c in if c.entering { c.add(PD.uid(c.call.arg(0))) } },
        "setfsuid": { c in if c.entering { c.add(PD.uid(c.call.arg(0))) } },
        "setfsgid": { c in if c.entering { c.add(PD.uid(c.call.arg(0))) } },
        "setreuid": { c in if c.entering { c.add(PD.uid(c.call.arg(0))); c.add(PD.uid(c.call.arg(1))) } },
        "setregid": { c in if c.entering { c.add(PD.uid(c.call.arg(0))); c.add(PD.uid(c.call.arg(1))) } },
        "setresuid": { c in if c.entering { for i in 0..<3 { c.add(PD.uid(c.call.arg(i))) } } },
        "setresgid": { c in if c.entering { for i in 0..<3 { c.add(PD.uid(c.call.arg(i))) } } },
        "getresuid": getres, "getresgid": getres,
        "getgroups": { c in
            if c.entering { c.add(.int(Int64(c.call.int(0)))); return }
            c.add(groups(c, count: Int(c.call.result), c.call.arg(1)))
        },
        "setgroups": { c in
            guard c.entering else { return }
            c.add(.int(Int64(c.call.int(0)))); c.add(groups(c, count: Int(c.call.int(0)), c.call.arg(1)))
        },
        "capget": { c in
            if c.entering { c.add(capHeader(c)); return }
            c.add(capData(c, c.call.arg(1)))
        },
        "capset": { c in
            guard c.entering else { return }
            c.add(capHeader(c)); c.add(capData(c, c.call.arg(1)))
        },
    ]

    static let getres: SyscallDecoder = { c in
        guard !c.entering else { return }
        for i in 0..<3 { c.add(PD.object(c, c.call.arg(i), 4) { .array([PD.uid(PD.le($0, 0, 4))], truncated: false) }) }
    }

    static func groups(_ c: DecodeContext, count: Int, _ addr: UInt64) -> SyscallValue {
        if count < 0 || count > 65536 { return .pointer(addr) }
        return PD.intArray(c, addr, count: count) { PD.uid($0) }
    }

    static func capHeader(_ c: DecodeContext) -> SyscallValue {
        PD.object(c, c.call.arg(0), 8, output: false) { b in
            .structure([SyscallField("version", PD.xval(PC.capVersions, Int64(PD.le(b, 0, 4)), "_LINUX_CAPABILITY_VERSION_???")),
                        SyscallField("pid", .int(PD.i32(b, 4)))], truncated: false)
        }
    }

    /// `{effective=1<<CAP_CHOWN|..., permitted=..., inheritable=0}` from two 32-bit halves (version 2/3).
    static func capData(_ c: DecodeContext, _ addr: UInt64) -> SyscallValue {
        let version = c.memory.integer(c.call.arg(0), size: 4) ?? 0
        let words = version == 0x1998_0330 ? 1 : 2
        return PD.object(c, addr, 12 * words) { b in
            func set(_ field: Int) -> SyscallValue {
                var v: UInt64 = PD.le(b, field * 4, 4)
                if words == 2 { v |= PD.le(b, 12 + field * 4, 4) << 32 }
                var names: [String] = []
                var rest = v
                for (i, n) in PC.capNames.enumerated() where v & (1 << UInt64(i)) != 0 {
                    names.append("1<<" + n); rest &= ~(1 << UInt64(i))
                }
                return .flags(value: v, names: names, rest: rest)
            }
            return .structure([SyscallField("effective", set(0)), SyscallField("permitted", set(1)),
                               SyscallField("inheritable", set(2))], truncated: false)
        }
    }

    // MARK: time

    static let times: [String: SyscallDecoder] = [
        "nanosleep": { c in
            if c.entering { c.add(PD.timespecAt(c, c.call.arg(0))); return }
            c.add(isRestart(c) ? PD.timespecAt(c, c.call.arg(1), output: false) : .pointer(c.call.arg(1)))
        },
        "clock_nanosleep": { c in
            if c.entering {
                c.add(PD.xval(PC.clocks, Int64(c.call.int(0)), "CLOCK_???"))
                c.add(PD.flags(PC.timerFlags, c.call.arg(1) & 0xffff_ffff, "TIMER_???"))
                c.add(PD.timespecAt(c, c.call.arg(2)))
                return
            }
            c.add(c.call.arg(1) == 0 && isRestart(c) ? PD.timespecAt(c, c.call.arg(3), output: false) : .pointer(c.call.arg(3)))
        },
        "clock_gettime": clockGet, "clock_getres": clockGet,
        "clock_settime": { c in
            guard c.entering else { return }
            c.add(PD.xval(PC.clocks, Int64(c.call.int(0)), "CLOCK_???")); c.add(PD.timespecAt(c, c.call.arg(1)))
        },
        "gettimeofday": { c in
            guard !c.entering else { return }
            c.add(PD.timespecAt(c, c.call.arg(0), usec: true))
            c.add(timezone(c, c.call.arg(1)))
        },
        "settimeofday": { c in
            guard c.entering else { return }
            c.add(PD.timespecAt(c, c.call.arg(0), usec: true)); c.add(timezone(c, c.call.arg(1)))
        },
        "time": { c in
            guard !c.entering else { return }
            let w = c.call.abi.wordSize
            c.add(PD.object(c, c.call.arg(0), w) { b in
                let t = PD.long(b, 0, w)
                return .array([.commented(.int(t), PD.sprinttime(t))], truncated: false)
            })
            if !c.call.isError { c.call.returnComment = PD.sprinttime(c.call.result) }
        },
        "times": { c in
            guard !c.entering else { return }
            let w = c.call.abi.wordSize
            c.add(PD.object(c, c.call.arg(0), 4 * w) { b in
                .structure(["tms_utime", "tms_stime", "tms_cutime", "tms_cstime"].enumerated().map {
                    SyscallField($0.element, .int(PD.long(b, $0.offset * w, w)))
                }, truncated: false)
            })
        },
        "getitimer": { c in
            if c.entering { c.add(PD.xval(PC.itimerWhich, Int64(c.call.int(0)), "ITIMER_???")); return }
            c.add(itimerval(c, c.call.arg(1)))
        },
        "setitimer": { c in
            if c.entering {
                c.add(PD.xval(PC.itimerWhich, Int64(c.call.int(0)), "ITIMER_???"))
                c.add(itimerval(c, c.call.arg(1)))
                return
            }
            c.add(itimerval(c, c.call.arg(2)))
        },
    ]

    static let clockGet: SyscallDecoder = { c in
        if c.entering { c.add(PD.xval(PC.clocks, Int64(c.call.int(0)), "CLOCK_???")); return }
        c.add(PD.timespecAt(c, c.call.arg(1)))
    }

    static func isRestart(_ c: DecodeContext) -> Bool {
        c.call.isError && (512...516).contains(-c.call.returnValue)
    }

    static func timezone(_ c: DecodeContext, _ addr: UInt64) -> SyscallValue {
        PD.object(c, addr, 8) { b in
            .structure([SyscallField("tz_minuteswest", .int(PD.i32(b, 0))), SyscallField("tz_dsttime", .int(PD.i32(b, 4)))], truncated: false)
        }
    }

    static func itimerval(_ c: DecodeContext, _ addr: UInt64) -> SyscallValue {
        let w = c.call.abi.wordSize
        return PD.object(c, addr, 4 * w) { b in
            .structure([SyscallField("it_interval", PD.timespec(b, word: w, usec: true)),
                        SyscallField("it_value", PD.timespec(Array(b[(2 * w)...]), word: w, usec: true))], truncated: false)
        }
    }
}
