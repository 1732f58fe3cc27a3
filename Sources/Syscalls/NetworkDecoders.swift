import Glibc

/// Decoders of socket and System V IPC syscalls (strace 6.1 formats).
enum NetworkDecoders {
    /// A sockaddr of `len` bytes at `addr` (decode_sockaddr): `{sa_family=AF_INET, sin_port=htons(80),
    /// sin_addr=inet_addr("127.0.0.1")}`; the raw pointer when len < 2 or unreadable.
    static func sockaddr(_ c: DecodeContext, _ addr: UInt64, len: Int, output: Bool? = nil) -> SyscallValue {
        if len < 2 { return .pointer(addr) }
        let n = min(len, 128)
        return PD.object(c, addr, n, output: output) { sockaddr(bytes: $0) }
    }

    public static func sockaddr(bytes b: [UInt8]) -> SyscallValue {
        let len = b.count
        let family = Int64(PD.le(b, 0, 2))
        var f = [SyscallField("sa_family", PD.xval(PC.addressFamilies, family, "AF_???"))]
        guard len > 2 else { return .structure(f, truncated: false) }
        func port(_ off: Int) -> SyscallValue { .text("htons(\(UInt16(b[off]) << 8 | UInt16(b[off + 1])))") }
        func ntop(_ af: Int32, _ off: Int, _ size: Int) -> String? {
            var out = [CChar](repeating: 0, count: 64)
            let bytes = Array(b[off..<off + size])
            let ok = bytes.withUnsafeBytes { inet_ntop(af, $0.baseAddress, &out, 64) }
            guard ok != nil else { return nil }
            return String(decoding: out.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        }
        switch family {
        case 1:  // AF_UNIX
            let pathLen = min(len, 110) - 2
            let path = Array(b[2..<(2 + pathLen)])
            if let first = path.first, first != 0 {
                let end = path.firstIndex(of: 0) ?? path.count
                f.append(SyscallField("sun_path", .string(Array(path[..<end]), truncated: false)))
            } else {
                f.append(SyscallField("sun_path", .text("@" + SyscallText.text(.string(Array(path.dropFirst()), truncated: false)))))
            }
        case 2 where len >= 16:  // AF_INET
            f.append(SyscallField("sin_port", port(2)))
            f.append(SyscallField("sin_addr", .text("inet_addr(\"\(ntop(AF_INET, 4, 4) ?? "")\")")))
        case 10 where len >= 24:  // AF_INET6
            f.append(SyscallField("sin6_port", port(2)))
            let flow = UInt32(b[4]) << 24 | UInt32(b[5]) << 16 | UInt32(b[6]) << 8 | UInt32(b[7])
            f.append(SyscallField("sin6_flowinfo", .text("htonl(\(flow))")))
            f.append(SyscallField(nil, .text("inet_pton(AF_INET6, \"\(ntop(AF_INET6, 8, 16) ?? "")\", &sin6_addr)")))
            if len > 24 { f.append(SyscallField("sin6_scope_id", .uint(PD.le(b, 24, 4)))) }
        case 16 where len >= 12:  // AF_NETLINK
            let pad = PD.le(b, 2, 2)
            if pad != 0 { f.append(SyscallField("nl_pad", .hex(pad))) }
            f.append(SyscallField("nl_pid", .int(PD.i32(b, 4))))
            f.append(SyscallField("nl_groups", .text(String(format0x8(PD.le(b, 8, 4))))))
        default:
            f.append(SyscallField("sa_data", .string(Array(b[2...]), truncated: false)))
        }
        return .structure(f, truncated: false)
    }

    /// `%#08x` as strace's PRINT_FIELD_0X prints it.
    static func format0x8(_ v: UInt64) -> String {
        if v == 0 { return "00000000" }
        let h = String(v, radix: 16)
        return "0x" + String(repeating: "0", count: max(0, 6 - h.count)) + h
    }

    static func sockType(_ v: UInt64) -> SyscallValue {
        let t = Int64(v & 0xf)
        if let n = PC.socketTypes.names[t] {
            let rest = v & ~0xf
            if rest == 0 { return .constant(value: t, name: n, hexFallback: true) }
            return .text(n + "|" + SyscallText.text(PD.flags(PC.socketTypeFlags, rest, "SOCK_???")))
        }
        return PD.flags(PC.socketTypeFlags, v, "SOCK_???")
    }

    /// `[16]` or `[16 => 110]` for a socklen_t the call updated.
    static func lenChange(_ before: Int64?, _ after: Int64) -> SyscallValue {
        if let b = before, b != after { return .array([.changed(.int(b), .int(after))], truncated: false) }
        return .array([.int(after)], truncated: false)
    }

    /// getsockname/getpeername/accept/accept4 (decode_sockname): the socklen read at entry is kept in
    /// `call.saved` so the exit shows `[110 => 32]`.
    static func sockname(_ c: inout DecodeContext, hasFlags: Bool) {
        let addr = c.call.arg(1), lenAddr = c.call.arg(2)
        if c.entering {
            c.add(c.fd(0))
            if addr != 0, lenAddr != 0, let l = c.memory.integer(lenAddr, size: 4) {
                c.call.saved = [Int64(Int32(truncatingIfNeeded: l))]
            } else {
                c.add(.pointer(addr)); c.add(.pointer(lenAddr))
                if hasFlags { c.add(PD.flags(PC.socketTypeFlags, c.call.arg(3) & 0xffff_ffff, "SOCK_???")) }
            }
            return
        }
        guard let ulen = c.call.saved.first else { return }
        let rlen = c.memory.integer(lenAddr, size: 4).map { Int64(Int32(truncatingIfNeeded: $0)) }
        if c.call.isError || rlen == nil {
            c.add(.pointer(addr))
            c.add(.array([.int(ulen)], truncated: false))
        } else {
            let r = rlen!
            c.add(sockaddr(c, addr, len: Int(min(ulen, r))))
            c.add(lenChange(ulen, r))
        }
        if hasFlags { c.add(PD.flags(PC.socketTypeFlags, c.call.arg(3) & 0xffff_ffff, "SOCK_???")) }
    }

    static func iovec(_ c: DecodeContext, _ addr: UInt64, count: UInt64, dataSize: Int64?) -> SyscallValue {
        let w = c.call.abi.wordSize
        if addr == 0 { return .pointer(0) }
        var remaining = dataSize
        var items: [SyscallValue] = []
        let n = Int(min(count, 1024))
        for i in 0..<n {
            if i >= c.options.stringLimit { return .array(items, truncated: true) }
            guard let b = c.memory.bytes(addr &+ UInt64(i * 2 * w), count: 2 * w) else {
                if i == 0 { return .pointer(addr) }
                items.append(.text("... /* \(SyscallText.text(.pointer(addr &+ UInt64(i * 2 * w)))) */"))
                return .array(items, truncated: false)
            }
            let base = PD.le(b, 0, w), len = PD.le(b, w, w)
            var show = Int64(min(len, 1 << 30))
            if let r = remaining { show = min(show, r); remaining = r - show }
            items.append(.structure([SyscallField("iov_base", c.buffer(at: base, count: Int(show))),
                                     SyscallField("iov_len", .uint(len))], truncated: false))
        }
        return .array(items, truncated: false)
    }

    static func msghdr(_ c: DecodeContext, _ addr: UInt64, dataSize: Int64?) -> SyscallValue {
        let w = c.call.abi.wordSize
        return PD.object(c, addr, w == 8 ? 56 : 28) { b in
            let name = PD.le(b, 0, w), namelen = PD.i32(b, w)
            let iov = PD.le(b, 2 * w, w), iovlen = PD.le(b, 3 * w, w)
            let control = PD.le(b, 4 * w, w), controllen = PD.le(b, 5 * w, w)
            let flags = PD.le(b, 6 * w, 4)
            var f = [SyscallField("msg_name", sockaddr(c, name, len: Int(namelen), output: false)),
                     SyscallField("msg_namelen", .int(namelen)),
                     SyscallField("msg_iov", iovec(c, iov, count: iovlen, dataSize: dataSize)),
                     SyscallField("msg_iovlen", .uint(iovlen))]
            if controllen != 0 { f.append(SyscallField("msg_control", cmsgs(c, control, len: Int(min(controllen, 1 << 16))))) }
            f.append(SyscallField("msg_controllen", .uint(controllen)))
            f.append(SyscallField("msg_flags", PD.flags(PC.msgFlags, flags, "MSG_???")))
            return .structure(f, truncated: false)
        }
    }

    static func cmsgs(_ c: DecodeContext, _ addr: UInt64, len: Int) -> SyscallValue {
        let w = c.call.abi.wordSize
        let header = w == 8 ? 16 : 12
        guard len >= header, let b = c.memory.bytes(addr, count: len) else { return .pointer(addr) }
        var items: [SyscallValue] = []
        var off = 0
        while len - off >= header {
            let clen = Int(PD.le(b, off, w)), level = PD.i32(b, off + w), type = PD.i32(b, off + w + 4)
            var f = [SyscallField("cmsg_len", .uint(UInt64(clen))),
                     SyscallField("cmsg_level", PD.xval(PC.socketLevels, level, "SOL_???"))]
            let dataLen = min(clen, len - off) - header
            if level == 1 && type == 1 {
                f.append(SyscallField("cmsg_type", .constant(value: 1, name: "SCM_RIGHTS", hexFallback: true)))
                let fds = (0..<max(0, dataLen / 4)).map { SyscallValue.fd(Int32(truncatingIfNeeded: PD.i32(b, off + header + $0 * 4)), path: nil) }
                f.append(SyscallField("cmsg_data", .array(fds, truncated: false)))
            } else if level == 1 && type == 2 && dataLen >= 12 {
                f.append(SyscallField("cmsg_type", .constant(value: 2, name: "SCM_CREDENTIALS", hexFallback: true)))
                let d = off + header
                f.append(SyscallField("cmsg_data", .structure([SyscallField("pid", .int(PD.i32(b, d))),
                                                                SyscallField("uid", .uint(PD.le(b, d + 4, 4))),
                                                                SyscallField("gid", .uint(PD.le(b, d + 8, 4)))], truncated: false)))
            } else {
                f.append(SyscallField("cmsg_type", .hex(UInt64(UInt32(truncatingIfNeeded: type)))))
            }
            items.append(.structure(f, truncated: false))
            if clen < header { break }
            off += (clen + w - 1) / w * w
        }
        return .array(items, truncated: false)
    }

    static func sockoptName(_ level: Int64, _ name: Int64) -> SyscallValue {
        switch level {
        case 1: return PD.xval(PC.socketOptions, name, "SO_???")
        default: return .int(name)
        }
    }

    static let all: [String: SyscallDecoder] = [
        "socket": { c in
            guard c.entering else { return }
            let family = Int64(c.call.int(0))
            c.add(PD.xval(PC.addressFamilies, family, "AF_???"))
            c.add(sockType(c.call.arg(1) & 0xffff_ffff))
            let proto = Int64(c.call.int(2))
            switch family {
            case 2, 10: c.add(PD.xval(PC.inetProtocols, proto, "IPPROTO_???"))
            case 16: c.add(PD.xval(PC.netlinkProtocols, proto, "NETLINK_???"))
            default: c.add(.uint(c.call.arg(2) & 0xffff_ffff))
            }
            c.call.returnFormat = .fd
        },
        "socketpair": { c in
            if c.entering {
                c.add(PD.xval(PC.addressFamilies, Int64(c.call.int(0)), "AF_???"))
                c.add(sockType(c.call.arg(1) & 0xffff_ffff)); c.add(.uint(c.call.arg(2) & 0xffff_ffff))
                return
            }
            c.add(PD.object(c, c.call.arg(3), 8) { b in
                .array([.fd(Int32(truncatingIfNeeded: PD.i32(b, 0)), path: c.fdPath(Int32(truncatingIfNeeded: PD.i32(b, 0)))),
                        .fd(Int32(truncatingIfNeeded: PD.i32(b, 4)), path: c.fdPath(Int32(truncatingIfNeeded: PD.i32(b, 4))))], truncated: false)
            })
        },
        "bind": bindLike, "connect": bindLike,
        "listen": { c in if c.entering { c.add(c.fd(0)); c.add(.int(Int64(c.call.int(1)))) } },
        "shutdown": { c in if c.entering { c.add(c.fd(0)); c.add(PD.xval(PC.shutdownModes, Int64(c.call.int(1)), "SHUT_???")) } },
        "accept": { c in sockname(&c, hasFlags: false); c.call.returnFormat = .fd },
        "accept4": { c in sockname(&c, hasFlags: true); c.call.returnFormat = .fd },
        "getsockname": { c in sockname(&c, hasFlags: false) },
        "getpeername": { c in sockname(&c, hasFlags: false) },
        "sendto": { c in
            guard c.entering else { return }
            c.add(c.fd(0)); c.add(c.buffer(1, count: Int(min(c.call.arg(2), 1 << 30)))); c.add(.uint(c.call.arg(2)))
            c.add(PD.flags(PC.msgFlags, c.call.arg(3) & 0xffff_ffff, "MSG_???"))
            let len = Int(c.call.int(5))
            c.add(sockaddr(c, c.call.arg(4), len: len)); c.add(.int(Int64(len)))
        },
        "recvfrom": { c in
            if c.entering {
                c.add(c.fd(0))
                if c.call.arg(4) != 0, let l = c.memory.integer(c.call.arg(5), size: 4) { c.call.saved = [Int64(Int32(truncatingIfNeeded: l))] }
                return
            }
            c.add(c.call.isError ? .pointer(c.call.arg(1)) : c.buffer(1, count: Int(min(UInt64(max(0, c.call.result)), c.call.arg(2)))))
            c.add(.uint(c.call.arg(2)))
            c.add(PD.flags(PC.msgFlags, c.call.arg(3) & 0xffff_ffff, "MSG_???"))
            let addr = c.call.arg(4), lenAddr = c.call.arg(5)
            guard let ulen = c.call.saved.first, addr != 0, lenAddr != 0, let l = c.memory.integer(lenAddr, size: 4) else {
                c.add(.pointer(addr)); c.add(.pointer(lenAddr)); return
            }
            let r = Int64(Int32(truncatingIfNeeded: l))
            if c.call.isError { c.add(.pointer(addr)); c.add(.array([.int(ulen)], truncated: false)); return }
            c.add(sockaddr(c, addr, len: Int(min(ulen, r)))); c.add(lenChange(ulen, r))
        },
        "sendmsg": { c in
            guard c.entering else { return }
            c.add(c.fd(0)); c.add(msghdr(c, c.call.arg(1), dataSize: nil))
            c.add(PD.flags(PC.msgFlags, c.call.arg(2) & 0xffff_ffff, "MSG_???"))
        },
        "recvmsg": { c in
            if c.entering { c.add(c.fd(0)); return }
            if c.call.isError {
                let w = c.call.abi.wordSize
                let nl = c.memory.integer(c.call.arg(1) &+ UInt64(w), size: 4).map { Int64(Int32(truncatingIfNeeded: $0)) }
                c.add(nl.map { .structure([SyscallField("msg_namelen", .int($0))], truncated: false) } ?? .pointer(c.call.arg(1)))
            } else {
                c.add(msghdr(c, c.call.arg(1), dataSize: c.call.result))
            }
            c.add(PD.flags(PC.msgFlags, c.call.arg(2) & 0xffff_ffff, "MSG_???"))
        },
        "sendmmsg": { c in
            // Basic form: the vector address, vlen and flags (strace prints the messages at exit).
            if c.entering { c.add(c.fd(0)); return }
            let w = c.call.abi.wordSize
            let size = (w == 8 ? 56 : 28) + 8
            let count = c.call.isError ? 0 : Int(max(0, min(c.call.result, Int64(c.options.stringLimit))))
            if count == 0 { c.add(.pointer(c.call.arg(1))) } else {
                var items: [SyscallValue] = []
                for i in 0..<count {
                    let at = c.call.arg(1) &+ UInt64(i * size)
                    let hdr = msghdr(c, at, dataSize: nil)
                    let len = c.memory.integer(at &+ UInt64(size - 8), size: 4) ?? 0
                    items.append(.structure([SyscallField("msg_hdr", hdr), SyscallField("msg_len", .uint(len))], truncated: false))
                }
                c.add(.array(items, truncated: false))
            }
            c.add(.uint(c.call.arg(2) & 0xffff_ffff))
            c.add(PD.flags(PC.msgFlags, c.call.arg(3) & 0xffff_ffff, "MSG_???"))
        },
        "setsockopt": { c in
            guard c.entering else { return }
            let level = Int64(c.call.int(1)), name = Int64(c.call.int(2)), len = Int(c.call.int(4))
            c.add(c.fd(0)); c.add(PD.xval(PC.socketLevels, level, "SOL_??")); c.add(sockoptName(level, name))
            let addr = c.call.arg(3)
            if addr == 0 { c.add(.pointer(0)) } else if len == 4 {
                c.add(PD.intRef(c, addr))
            } else {
                c.add(c.buffer(3, count: max(0, len)))
            }
            c.add(.int(Int64(len)))
        },
        "getsockopt": { c in
            let level = Int64(c.call.int(1)), name = Int64(c.call.int(2))
            if c.entering {
                c.add(c.fd(0)); c.add(PD.xval(PC.socketLevels, level, "SOL_??")); c.add(sockoptName(level, name))
                if c.call.arg(4) != 0, let l = c.memory.integer(c.call.arg(4), size: 4) {
                    c.call.saved = [Int64(Int32(truncatingIfNeeded: l))]
                } else {
                    c.add(.pointer(c.call.arg(3))); c.add(.pointer(c.call.arg(4)))
                }
                return
            }
            let addr = c.call.arg(3), lenAddr = c.call.arg(4)
            guard let ulen = c.call.saved.first else { return }
            guard let l = c.memory.integer(lenAddr, size: 4), !c.call.isError else {
                c.add(.pointer(addr)); c.add(.array([.int(ulen)], truncated: false)); return
            }
            let r = Int64(Int32(truncatingIfNeeded: l))
            if r <= 0 || addr == 0 { c.add(.pointer(addr)) }
            else if r == 4 { c.add(PD.intRef(c, addr)) }
            else { c.add(c.buffer(3, count: Int(r))) }
            c.add(lenChange(ulen, r))
        },
    ]

    static let bindLike: SyscallDecoder = { c in
        guard c.entering else { return }
        let len = Int(c.call.int(2))
        c.add(c.fd(0)); c.add(sockaddr(c, c.call.arg(1), len: len)); c.add(.int(Int64(len)))
    }

    // MARK: System V IPC

    static func ipcKey(_ v: UInt64) -> SyscallValue {
        let k = UInt32(truncatingIfNeeded: v)
        return k == 0 ? .constant(value: 0, name: "IPC_PRIVATE", hexFallback: true) : .hex(UInt64(k))
    }

    /// `IPC_CREAT|0600`: flag names then the permission bits in octal.
    static func ipcFlags(_ t: FlagTable, _ v: UInt64) -> SyscallValue {
        let mode = v & 0o777
        let f = t.decode(v & ~0o777)
        var s = ""
        if case let .flags(_, names, rest) = f {
            s = names.joined(separator: "|")
            if rest != 0 { s += (s.isEmpty ? "" : "|") + SyscallText.text(.hex(rest)) }
        }
        let m = SyscallText.text(.octal(mode))
        return .text(s.isEmpty ? m : s + "|" + m)
    }

    static let ipc: [String: SyscallDecoder] = [
        "shmget": { c in
            guard c.entering else { return }
            c.add(ipcKey(c.call.arg(0))); c.add(.uint(c.call.arg(1))); c.add(ipcFlags(PC.shmgetFlags, c.call.arg(2) & 0xffff_ffff))
        },
        "shmat": { c in
            guard c.entering else { return }
            c.add(.int(Int64(c.call.int(0)))); c.add(.pointer(c.call.arg(1)))
            c.add(PD.flags(PC.shmatFlags, c.call.arg(2) & 0xffff_ffff, "SHM_???"))
            c.call.returnFormat = .hex
        },
        "shmdt": { c in if c.entering { c.add(.pointer(c.call.arg(0))) } },
        "shmctl": { c in
            guard c.entering else { return }
            let cmd = Int64(c.call.int(1))
            c.add(.int(Int64(c.call.int(0))))
            c.add(cmd & 0x100 != 0 ? .text(SyscallText.text(PD.xval(PC.shmctlCmds, cmd & ~0x100, "SHM_???")) + "|IPC_64")
                  : PD.xval(PC.shmctlCmds, cmd, "SHM_???"))
            c.add(.pointer(c.call.arg(2)))
        },
        "semget": { c in
            guard c.entering else { return }
            c.add(ipcKey(c.call.arg(0))); c.add(.int(Int64(c.call.int(1)))); c.add(ipcFlags(PC.ipcFlags, c.call.arg(2) & 0xffff_ffff))
        },
        "semop": { c in
            guard c.entering else { return }
            c.add(.int(Int64(c.call.int(0))))
            let n = Int(min(c.call.arg(2), 1024))
            let addr = c.call.arg(1)
            var items: [SyscallValue] = []
            var ok = true
            for i in 0..<n {
                if i >= c.options.stringLimit { break }
                guard let b = c.memory.bytes(addr &+ UInt64(i * 6), count: 6) else { ok = false; break }
                items.append(.structure([SyscallField("sem_num", .uint(PD.le(b, 0, 2))),
                                         SyscallField("sem_op", .int(Int64(Int16(truncatingIfNeeded: PD.le(b, 2, 2))))),
                                         SyscallField("sem_flg", PD.flags(PC.semopFlags, PD.le(b, 4, 2), "SEM_???"))], truncated: false))
            }
            c.add(ok && addr != 0 ? .array(items, truncated: n > c.options.stringLimit) : .pointer(addr))
            c.add(.uint(c.call.arg(2)))
        },
        "semctl": { c in
            guard c.entering else { return }
            let cmd = Int64(c.call.int(2))
            c.add(.int(Int64(c.call.int(0)))); c.add(.int(Int64(c.call.int(1))))
            c.add(cmd & 0x100 != 0 ? .text(SyscallText.text(PD.xval(PC.semctlCmds, cmd & ~0x100, "SEM_???")) + "|IPC_64")
                  : PD.xval(PC.semctlCmds, cmd, "SEM_???"))
            c.add(.array([.hex(c.call.arg(3))], truncated: false))
        },
        "msgget": { c in
            guard c.entering else { return }
            c.add(ipcKey(c.call.arg(0))); c.add(ipcFlags(PC.ipcFlags, c.call.arg(1) & 0xffff_ffff))
        },
        "msgsnd": { c in
            guard c.entering else { return }
            let w = c.call.abi.wordSize
            c.add(.int(Int64(c.call.int(0))))
            let size = Int(min(c.call.arg(2), 1 << 20))
            c.add(PD.object(c, c.call.arg(1), w) { b in
                .structure([SyscallField(nil, .int(PD.long(b, 0, w))),
                            SyscallField(nil, c.buffer(at: c.call.arg(1) &+ UInt64(w), count: size))], truncated: false)
            })
            c.add(.uint(c.call.arg(2)))
            c.add(PD.flags(PC.msgrcvFlags, c.call.arg(3) & 0xffff_ffff, "MSG_???"))
        },
        "msgrcv": { c in
            if c.entering { c.add(.int(Int64(c.call.int(0)))); return }
            let w = c.call.abi.wordSize
            c.add(PD.object(c, c.call.arg(1), w) { b in
                .structure([SyscallField(nil, .int(PD.long(b, 0, w))),
                            SyscallField(nil, c.buffer(at: c.call.arg(1) &+ UInt64(w), count: Int(max(0, c.call.result))))], truncated: false)
            })
            c.add(.uint(c.call.arg(2))); c.add(.int(c.call.long(3)))
            c.add(PD.flags(PC.msgrcvFlags, c.call.arg(4) & 0xffff_ffff, "MSG_???"))
        },
        "msgctl": { c in
            guard c.entering else { return }
            let cmd = Int64(c.call.int(1))
            c.add(.int(Int64(c.call.int(0))))
            c.add(cmd & 0x100 != 0 ? .text(SyscallText.text(PD.xval(PC.msgctlCmds, cmd & ~0x100, "MSG_???")) + "|IPC_64")
                  : PD.xval(PC.msgctlCmds, cmd, "MSG_???"))
            c.add(.pointer(c.call.arg(2)))
        },
    ]
}
