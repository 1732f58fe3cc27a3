import Glibc
import Syscalls

/// What `-yy` prints for a socket: strace 6.1 asks the kernel's sock_diag netlink interface (the same
/// source as `ss`) for the socket with a given inode and formats the answer (socketutils.c):
/// `TCP:[127.0.0.1:5055]`, `TCP:[src:port->dst:port]`, `TCPv6:[[::1]:80->[::1]:4242]`,
/// `UNIX-STREAM:[12345->12346,"/path"]`, `NETLINK:[ROUTE:1234]`.
///
/// /proc/net/* is not enough: /proc/net/unix has no peer inode, which `UNIX:[a->b]` needs. The request
/// builders and the response parsers are pure (bytes in, text out); `query` does the socket I/O.
enum SocketDiag {
    enum Kind: Equatable { case unix, inet(family: UInt8, protocol: UInt8), netlink }

    /// strace's protocol table, in its order (the order it tries when the protocol is unknown).
    static let protocols: [(name: String, kind: Kind)] = [
        ("UNIX", .unix), ("UNIX-STREAM", .unix),
        ("TCP", .inet(family: 2, protocol: 6)), ("UDP", .inet(family: 2, protocol: 17)),
        ("UDPLITE", .inet(family: 2, protocol: 136)), ("DCCP", .inet(family: 2, protocol: 33)),
        ("SCTP", .inet(family: 2, protocol: 132)), ("L2TP/IP", .inet(family: 2, protocol: 115)),
        ("PING", .inet(family: 2, protocol: 1)), ("RAW", .inet(family: 2, protocol: 255)),
        ("TCPv6", .inet(family: 10, protocol: 6)), ("UDPv6", .inet(family: 10, protocol: 17)),
        ("UDPLITEv6", .inet(family: 10, protocol: 136)), ("DCCPv6", .inet(family: 10, protocol: 33)),
        ("SCTPv6", .inet(family: 10, protocol: 132)), ("L2TP/IPv6", .inet(family: 10, protocol: 115)),
        ("PINGv6", .inet(family: 10, protocol: 1)), ("RAWv6", .inet(family: 10, protocol: 255)),
        ("NETLINK", .netlink),
    ]

    /// Netlink protocol names without `NETLINK_` (strace's netlink_protocols, value-indexed).
    static let netlinkProtocols: [Int: String] = [
        0: "ROUTE", 1: "UNUSED", 2: "USERSOCK", 3: "FIREWALL", 4: "SOCK_DIAG", 5: "NFLOG", 6: "XFRM",
        7: "SELINUX", 8: "ISCSI", 9: "AUDIT", 10: "FIB_LOOKUP", 11: "CONNECTOR", 12: "NETFILTER",
        13: "IP6_FW", 14: "DNRTMSG", 15: "KOBJECT_UEVENT", 16: "GENERIC", 18: "SCSITRANSPORT",
        19: "ECRYPTFS", 20: "RDMA", 21: "CRYPTO", 22: "SMC",
    ]

    static let sockDiagByFamily: UInt16 = 20
    static let nlmFRequest: UInt16 = 1
    static let nlmFDump: UInt16 = 0x300

    // MARK: Requests

    /// The netlink message asking for `kind`'s sockets (a dump, or for unix the one inode).
    static func request(_ kind: Kind, inode: UInt32) -> [UInt8] {
        var body: [UInt8] = []
        var flags = nlmFRequest
        switch kind {
        case let .inet(family, proto):
            // inet_diag_req_v2: family, protocol, ext, pad, states = all, then a zero sockid.
            body = [family, proto, 0, 0] + le32(0xffff_ffff) + [UInt8](repeating: 0, count: 48)
            flags |= nlmFDump
        case .unix:
            // unix_diag_req: family, protocol, pad, states, ino, show = NAME|PEER, cookie = ~0.
            body = [1, 0, 0, 0] + le32(0xffff_ffff) + le32(inode) + le32(1 | 4) + le32(0xffff_ffff) + le32(0xffff_ffff)
        case .netlink:
            // netlink_diag_req: family, protocol = NDIAG_PROTO_ALL, pad, ino, show, cookie.
            body = [16, 255, 0, 0] + [UInt8](repeating: 0, count: 16)
            flags |= nlmFDump
        }
        let len = UInt32(16 + body.count)
        return le32(len) + le16(sockDiagByFamily) + le16(flags) + le32(0) + le32(0) + body
    }

    // MARK: Responses

    enum Answer: Equatable {
        /// Not this message: keep reading.
        case other
        /// The socket's details.
        case found(String)
        /// A malformed or foreign message: strace gives up on this protocol.
        case stop
    }

    /// Walks the netlink messages in one received buffer (strace's receive_responses loop body).
    static func scan(_ buffer: [UInt8], inode: UInt32, kind: Kind, name: String, style: TextStyle) -> Answer {
        var off = 0
        // NLMSG_OK: room for a header and a length that fits.
        guard buffer.count >= 16, let first = u32(buffer, 0), first >= 16, Int(first) <= buffer.count else { return .stop }
        while off + 16 <= buffer.count {
            guard let len32 = u32(buffer, off), let type = u16(buffer, off + 4) else { return .stop }
            let len = Int(len32)
            guard len >= 16, off + len <= buffer.count else { break }
            guard type == sockDiagByFamily else { return .stop }
            let data = Array(buffer[(off + 16)..<(off + len)])
            let answer: Answer
            switch kind {
            case .inet: answer = parseInet(data, messageLength: len, inode: inode, name: name)
            case .unix: answer = parseUnix(data, messageLength: len, inode: inode, name: name, style: style)
            case .netlink: answer = parseNetlink(data, messageLength: len, inode: inode, name: name)
            }
            if answer != .other { return answer }
            off += (len + 3) & ~3
        }
        return .other
    }

    /// An inet_diag_msg: `NAME:[src:port]` or `NAME:[src:port->dst:port]` (IPv6 addresses in brackets).
    static func parseInet(_ d: [UInt8], messageLength: Int, inode: UInt32, name: String) -> Answer {
        guard messageLength >= 16 + 72, d.count >= 72, let ino = u32(d, 68) else { return .stop }
        guard ino == inode else { return .other }
        let family = d[0]
        let size: Int
        switch family {
        case 2: size = 4
        case 10: size = 16
        default: return .stop
        }
        let sport = UInt16(d[4]) << 8 | UInt16(d[5])
        let dport = UInt16(d[6]) << 8 | UInt16(d[7])
        let src = Array(d[8..<(8 + size)]), dst = Array(d[24..<(24 + size)])
        guard let s = ntop(family, src), let t = ntop(family, dst) else { return .stop }
        let (ob, cb) = family == 10 ? ("[", "]") : ("", "")
        if dport != 0 || dst.contains(where: { $0 != 0 }) {
            return .found("\(name):[\(ob)\(s)\(cb):\(sport)->\(ob)\(t)\(cb):\(dport)]")
        }
        return .found("\(name):[\(ob)\(s)\(cb):\(sport)]")
    }

    /// A unix_diag_msg with NAME and PEER attributes: `NAME:[ino->peer,"path"]`, `@"abstract"`;
    /// neither attribute: not resolvable (strace then prints `NAME:[ino]`).
    static func parseUnix(_ d: [UInt8], messageLength: Int, inode: UInt32, name: String, style: TextStyle) -> Answer {
        var rtaLen = messageLength - (16 + 16)
        guard rtaLen >= 0, d.count >= 16, let ino = u32(d, 4) else { return .stop }
        guard ino == inode else { return .other }
        guard d[0] == 1 else { return .stop }
        var peer: UInt32 = 0
        var path: [UInt8]? = nil
        var off = 16
        // RTA_OK / RTA_NEXT.
        while rtaLen >= 4, off + 4 <= d.count, let l16 = u16(d, off), let type = u16(d, off + 2),
              Int(l16) >= 4, Int(l16) <= rtaLen, off + Int(l16) <= d.count {
            let payload = Array(d[(off + 4)..<(off + Int(l16))])
            switch type {
            case 0 where path == nil: path = Array(payload.prefix(108))
            case 2 where payload.count >= 4: peer = u32(payload, 0) ?? 0
            default: break
            }
            let step = (Int(l16) + 3) & ~3
            rtaLen -= step
            off += step
        }
        if peer == 0 && (path?.isEmpty ?? true) { return .stop }
        var out = "\(name):[\(inode)"
        if peer != 0 { out += "->\(peer)" }
        if let p = path, !p.isEmpty {
            var q: [UInt8] = [UInt8(ascii: ",")]
            // QUOTE_0_TERMINATED: the name ends at its first NUL.
            if p[0] == 0 {
                q.append(UInt8(ascii: "@"))
                SyscallText.appendQuoted(Array(p.dropFirst().prefix { $0 != 0 }), &q, style: style)
            } else {
                SyscallText.appendQuoted(Array(p.prefix { $0 != 0 }), &q, style: style)
            }
            out += String(decoding: q, as: UTF8.self)
        }
        return .found(out + "]")
    }

    /// A netlink_diag_msg: `NETLINK:[ROUTE:portid]`, or `NETLINK:[protocol]` for an unnamed protocol.
    static func parseNetlink(_ d: [UInt8], messageLength: Int, inode: UInt32, name: String) -> Answer {
        guard messageLength >= 16 + 28, d.count >= 28, let ino = u32(d, 16), let portid = u32(d, 4) else { return .stop }
        guard ino == inode else { return .other }
        guard d[0] == 16 else { return .stop }
        if let p = netlinkProtocols[Int(d[2])] { return .found("\(name):[\(p):\(portid)]") }
        return .found("\(name):[\(d[2])]")
    }

    // MARK: Live

    /// Asks the kernel for the details of socket `inode` of protocol `kind`; nil when it does not know it
    /// (an unbound socket, a kernel without that diag module) or on any failure.
    static func query(_ kind: Kind, inode: UInt32, name: String, style: TextStyle) -> String? {
        let fd = socket(AF_NETLINK, Int32(SOCK_RAW.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 4 /* NETLINK_SOCK_DIAG */)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var req = request(kind, inode: inode)
        var sent = -1
        repeat {
            // No address: an unconnected netlink socket sends to the kernel (port 0).
            sent = req.withUnsafeMutableBytes { send(fd, $0.baseAddress, $0.count, 0) }
        } while sent < 0 && errno == EINTR
        guard sent >= 0 else { return nil }
        var buf = [UInt8](repeating: 0, count: 8192)
        var flags: Int32 = 0
        while true {
            let n = buf.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, flags) }
            if n < 0 {
                if errno == EINTR { continue }
                return nil
            }
            switch scan(Array(buf[0..<n]), inode: inode, kind: kind, name: name, style: style) {
            case let .found(s): return s
            case .stop: return nil
            case .other: flags = Int32(MSG_DONTWAIT)
            }
        }
    }

    // MARK: Bytes

    static func le16(_ v: UInt16) -> [UInt8] { [UInt8(v & 0xff), UInt8(v >> 8)] }
    static func le32(_ v: UInt32) -> [UInt8] { (0..<4).map { UInt8((v >> (8 * $0)) & 0xff) } }
    static func u16(_ b: [UInt8], _ o: Int) -> UInt16? {
        guard o >= 0, o + 2 <= b.count else { return nil }
        return UInt16(b[o]) | UInt16(b[o + 1]) << 8
    }
    static func u32(_ b: [UInt8], _ o: Int) -> UInt32? {
        guard o >= 0, o + 4 <= b.count else { return nil }
        return UInt32(b[o]) | UInt32(b[o + 1]) << 8 | UInt32(b[o + 2]) << 16 | UInt32(b[o + 3]) << 24
    }

    /// inet_ntop of 4 or 16 address bytes.
    static func ntop(_ family: UInt8, _ addr: [UInt8]) -> String? {
        var out = [CChar](repeating: 0, count: 64)
        let ok = addr.withUnsafeBytes { a in inet_ntop(Int32(family), a.baseAddress, &out, 64) != nil }
        guard ok else { return nil }
        return String(decoding: out.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
