import CSonde
import Glibc
import Syscalls

/// What `-y` / `-yy` print after a descriptor, as strace 6.1's printfd_pid and print_dirfd do:
/// `</etc/passwd>`, `</tmp/x>(deleted)`, `<pipe:[12345]>`, `<anon_inode:[eventfd]>`, and with `-yy`
/// `<TCP:[127.0.0.1:5055->127.0.0.1:40000]>`, `<UNIX-STREAM:[1->2,"/path"]>`, `<NETLINK:[ROUTE:77]>`,
/// `</dev/null<char 1:3>>`, `<pid:1234>`. Descriptor -100 is AT_FDCWD: `</cwd of the tracee>`.
///
/// One per session: like strace it remembers socket details by inode once found (a 1024-slot cache keyed
/// by the inode's low bits), so a socket keeps the endpoints it had when first resolved.
final class FDNames {
    private var cache = [(inode: UInt32, details: String)?](repeating: nil, count: 1024)

    /// `level` 1 is `-y` (paths), 2 is `-yy` (also sockets, devices, pidfds). Nil: print the bare number.
    func describe(pid: Int32, fd: Int32, level: Int, style: TextStyle) -> String? {
        guard level > 0 else { return nil }
        if fd == -100 { return cwd(pid: pid, style: style) }
        guard fd >= 0, let (path, deleted) = Self.fdPath(pid: pid, fd: fd) else { return nil }
        if level > 1 {
            if let s = socket(pid: pid, fd: fd, path: path, style: style) { return "<" + s + ">" }
            if let d = Self.device(path, style: style) { return d }
            if let p = Self.pidfd(pid: pid, fd: fd, path: path) { return p }
        }
        return Self.quoted(path, style: style) + (deleted ? "(deleted)" : "")
    }

    /// `<path>` with strace's escaping: C escapes, octal for other unprintable bytes and for `<` `>`,
    /// all hex under `-xx` (or `-x` with a non-ASCII byte).
    static func quoted(_ path: [UInt8], style: TextStyle) -> String {
        var out: [UInt8] = [UInt8(ascii: "<")]
        SyscallText.appendQuoted(path, &out, style: style, quotes: false, escaping: [UInt8(ascii: "<"), UInt8(ascii: ">")])
        out.append(UInt8(ascii: ">"))
        return String(decoding: out, as: UTF8.self)
    }

    static func readlinkBytes(_ path: String, size: Int) -> [UInt8]? {
        var buf = [UInt8](repeating: 0, count: size)
        let n = buf.withUnsafeMutableBytes { readlink(path, $0.baseAddress!.assumingMemoryBound(to: CChar.self), size) }
        guard n >= 0 else { return nil }
        return Array(buf[0..<n])
    }

    /// get_proc_pid_fd_path: the link target, with the kernel's ` (deleted)` suffix taken off when the
    /// open file really is not the one at that path any more.
    static func fdPath(pid: Int32, fd: Int32) -> (path: [UInt8], deleted: Bool)? {
        let link = "/proc/\(pid)/fd/\(fd)"
        guard var path = readlinkBytes(link, size: 4096) else { return nil }
        let suffix = Array(" (deleted)".utf8)
        guard path.count > suffix.count, Array(path.suffix(suffix.count)) == suffix else { return (path, false) }
        var stLink = stat(), stPath = stat()
        guard stat(link, &stLink) == 0 else { return (path, false) }
        let rc = withCPath(path) { lstat($0, &stPath) }
        if rc != 0 || stLink.st_ino != stPath.st_ino || stLink.st_dev != stPath.st_dev {
            path.removeLast(suffix.count)
            return (path, true)
        }
        return (path, false)
    }

    /// Calls `body` with the bytes as a NUL-terminated C string (a path that is not UTF-8 stays byte-exact).
    static func withCPath<R>(_ bytes: [UInt8], _ body: (UnsafePointer<CChar>) -> R) -> R {
        let c = bytes.map { CChar(bitPattern: $0) } + [0]
        return c.withUnsafeBufferPointer { body($0.baseAddress!) }
    }

    /// print_dirfd: readlink of /proc/PID/cwd, escaped like a path, nothing when longer than PATH_MAX-1.
    func cwd(pid: Int32, style: TextStyle) -> String? {
        guard let p = Self.readlinkBytes("/proc/\(pid)/cwd", size: 4096), p.count < 4096 else { return nil }
        return Self.quoted(p, style: style)
    }

    /// printsocket: for `socket:[INODE]`, the details from the cache or from sock_diag, else `PROTO:[INODE]`
    /// when the protocol is known, else the link text itself.
    func socket(pid: Int32, fd: Int32, path: [UInt8], style: TextStyle) -> String? {
        guard let inode = Self.socketInode(path) else { return nil }
        let text = String(decoding: path, as: UTF8.self)
        // The cache and the kernel interface hold 32-bit inode numbers (idiag_inode, udiag_ino).
        guard inode <= UInt64(UInt32.max) else { return text }
        let ino = UInt32(inode)
        if let e = cache[Int(ino & 1023)], e.inode == ino { return e.details }
        let proto = Self.protocolName(pid: pid, fd: fd)
        let candidates = SocketDiag.protocols.filter { proto == nil || $0.name == proto }
        for c in candidates {
            // Unix socket paths inside the details are quoted under -x / -xx like every string.
            if let d = SocketDiag.query(c.kind, inode: ino, name: c.name, style: style) {
                cache[Int(ino & 1023)] = (ino, d)
                return d
            }
        }
        if let p = proto, SocketDiag.protocols.contains(where: { $0.name == p }) { return "\(p):[\(inode)]" }
        return text
    }

    /// get_inode_of_socket_path: `socket:[N]` with N > 0.
    static func socketInode(_ path: [UInt8]) -> UInt64? {
        let prefix = Array("socket:[".utf8)
        guard path.count > prefix.count + 1, Array(path.prefix(prefix.count)) == prefix, path.last == UInt8(ascii: "]") else { return nil }
        let digits = path[prefix.count..<(path.count - 1)]
        guard !digits.isEmpty, digits.allSatisfy({ (48...57).contains($0) }), digits.count <= 19 else { return nil }
        let n = digits.reduce(UInt64(0)) { $0 &* 10 &+ UInt64($1 - 48) }
        return n > 0 ? n : nil
    }

    /// getfdproto: the `system.sockprotoname` attribute of the descriptor (`TCP`, `UNIX-STREAM`, ...).
    static func protocolName(pid: Int32, fd: Int32) -> String? {
        var buf = [UInt8](repeating: 0, count: 256)
        let n = buf.withUnsafeMutableBytes { sonde_getxattr("/proc/\(pid)/fd/\(fd)", "system.sockprotoname", $0.baseAddress, 255) }
        guard n > 0 else { return nil }
        let name = String(decoding: buf[0..<n].prefix { $0 != 0 }, as: UTF8.self)
        return SocketDiag.protocols.contains { $0.name == name } ? name : nil
    }

    /// printdev: a character or block device node: `</dev/null<char 1:3>>`.
    static func device(_ path: [UInt8], style: TextStyle) -> String? {
        guard path.first == UInt8(ascii: "/") else { return nil }
        var st = stat()
        guard withCPath(path, { stat($0, &st) }) == 0 else { return nil }
        let kind: String
        switch st.st_mode & S_IFMT {
        case S_IFBLK: kind = "block"
        case S_IFCHR: kind = "char"
        default: return nil
        }
        let q = quoted(path, style: style)
        let dev = UInt64(st.st_rdev)
        let major = ((dev >> 8) & 0xfff) | ((dev >> 32) & ~UInt64(0xfff))
        let minor = (dev & 0xff) | ((dev >> 12) & ~UInt64(0xff))
        return q.dropLast() + "<\(kind) \(major):\(minor)>>"
    }

    /// printpidfd: `anon_inode:[pidfd]` becomes `<pid:N>` from the fdinfo's `Pid:` line.
    static func pidfd(pid: Int32, fd: Int32, path: [UInt8]) -> String? {
        guard path == Array("anon_inode:[pidfd]".utf8) else { return nil }
        if let info = readSmall("/proc/\(pid)/fdinfo/\(fd)") {
            for line in info.split(separator: UInt8(ascii: "\n")) where line.starts(with: Array("Pid:\t".utf8)) {
                let v = line.dropFirst(5)
                if !v.isEmpty, v.count <= 10, v.allSatisfy({ (48...57).contains($0) }),
                   let n = Int(String(decoding: v, as: UTF8.self)), n > 0, n <= Int(Int32.max) {
                    return "<pid:\(n)>"
                }
                break
            }
        }
        return "<anon_inode:[pidfd]>"
    }

    static func readSmall(_ path: String) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var out: [UInt8] = []
        var buf = [UInt8](repeating: 0, count: 4096)
        while out.count < 65536 {
            let n = buf.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            out += buf[0..<n]
        }
        return out
    }
}
