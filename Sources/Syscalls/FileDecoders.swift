import Glibc

private typealias FC = FileConstants

/// Decoders of file, descriptor, stat and memory syscalls, in strace 6.1's formats.
enum FileDecoders {
    static let all: [String: SyscallDecoder] = {
        var d: [String: SyscallDecoder] = [:]
        for group in [descriptors, paths, stats, memory, polling, misc] { d.merge(group) { a, _ in a } }
        // i386's 64-bit-time variants decode the same way (the helpers widen tv_sec/tv_nsec by name).
        for name in ["utimensat", "ppoll", "pselect6"] { d[name + "_time64"] = d[name] }
        return d
    }()

    // MARK: read, write, open, close, dup, pipe, fcntl, ioctl

    static let descriptors: [String: SyscallDecoder] = [
        "read": { c in
            if c.entering { c.add(c.fd(0)); return }
            c.add(c.call.isError ? .pointer(c.call.arg(1)) : c.buffer(1, count: Int(clamping: c.call.result)))
            c.add(.uint(c.call.arg(2)))
        },
        "write": { c in
            guard c.entering else { return }
            c.add(c.fd(0)); c.add(c.buffer(1, count: Int(clamping: c.call.arg(2)))); c.add(.uint(c.call.arg(2)))
        },
        "pread64": { c in
            if c.entering { c.add(c.fd(0)); return }
            c.add(c.call.isError ? .pointer(c.call.arg(1)) : c.buffer(1, count: Int(clamping: c.call.result)))
            c.add(.uint(c.call.arg(2))); c.add(.int(c.offset64(3)))
        },
        "pwrite64": { c in
            guard c.entering else { return }
            c.add(c.fd(0)); c.add(c.buffer(1, count: Int(clamping: c.call.arg(2))))
            c.add(.uint(c.call.arg(2))); c.add(.int(c.offset64(3)))
        },
        "readv": { c in c.vectorIO(read: true, offset: false, flags: false) },
        "writev": { c in c.vectorIO(read: false, offset: false, flags: false) },
        "preadv": { c in c.vectorIO(read: true, offset: true, flags: false) },
        "pwritev": { c in c.vectorIO(read: false, offset: true, flags: false) },
        "preadv2": { c in c.vectorIO(read: true, offset: true, flags: true) },
        "pwritev2": { c in c.vectorIO(read: false, offset: true, flags: true) },
        "open": { c in c.open(pathArg: 0) },
        "openat": { c in
            guard c.entering else { return c.call.returnFormat = .fd }
            c.add(c.dirfd(0)); c.open(pathArg: 1)
        },
        "creat": { c in
            guard c.entering else { return c.call.returnFormat = .fd }
            c.add(c.path(0)); c.add(c.umode(c.call.arg(1)))
        },
        "openat2": { c in
            guard c.entering else { return c.call.returnFormat = .fd }
            c.add(c.dirfd(0)); c.add(c.path(1))
            let addr = c.call.arg(2), size = c.call.arg(3)
            if size < 24 { c.add(.pointer(addr)) } else if let b = c.memory.bytes(addr, count: 24) {
                let flags = le(b, 0, 8), mode = le(b, 8, 8), resolve = le(b, 16, 8)
                var f = [SyscallField("flags", c.openModes(flags))]
                if flags & (FC.creat | FC.tmpfile) != 0 || mode != 0 { f.append(SyscallField("mode", .octal(mode))) }
                f.append(SyscallField("resolve", flagsOr(FC.resolveFlags, resolve, "RESOLVE_???")))
                c.add(.structure(f, truncated: false))
            } else { c.add(.pointer(addr)) }
            c.add(.uint(size))
        },
        "close": { c in if c.entering { c.add(c.fd(0)) } },
        "close_range": { c in
            guard c.entering else { return }
            c.add(.uint(c.call.arg(0) & 0xffff_ffff)); c.add(.uint(c.call.arg(1) & 0xffff_ffff))
            c.add(flagsOr(FC.closeRangeFlags, c.call.arg(2), "CLOSE_RANGE_???"))
        },
        "dup": { c in if c.entering { c.add(c.fd(0)) } else { c.call.returnFormat = .fd } },
        "dup2": { c in if c.entering { c.add(c.fd(0)); c.add(c.fd(1)) } else { c.call.returnFormat = .fd } },
        "dup3": { c in
            guard c.entering else { return c.call.returnFormat = .fd }
            c.add(c.fd(0)); c.add(c.fd(1)); c.add(flagsOr(FC.epollFlags.renamed("O_CLOEXEC"), c.call.arg(2), "O_???"))
        },
        "pipe": { c in if !c.entering { c.add(c.fdPair(0)) } },
        "pipe2": { c in
            if !c.entering { c.add(c.fdPair(0)); c.add(flagsOr(FC.openFlags(c.call.abi), c.call.arg(1), "O_???")) }
        },
        "fcntl": { c in c.fcntl(is64: false) },
        "fcntl64": { c in c.fcntl(is64: true) },
        "ioctl": { c in c.ioctl() },
        "lseek": { c in
            guard c.entering else { return }
            c.add(c.fd(0)); c.add(.int(c.call.long(1)))
            c.add(xval(FC.whence, Int64(c.call.arg(2) & 0xffff_ffff), "SEEK_???"))
        },
        "_llseek": { c in
            if c.entering {
                c.add(c.fd(0)); c.add(.int(Int64(bitPattern: c.call.arg(1) << 32 | c.call.arg(2))))
                return
            }
            let a = c.call.arg(3)
            if c.call.isError { c.add(.pointer(a)) } else if let v = c.memory.integer(a, size: 8) {
                c.add(.array([.int(Int64(bitPattern: v))], truncated: false))
            } else { c.add(.pointer(a)) }
            c.add(xval(FC.whence, Int64(c.call.arg(4) & 0xffff_ffff), "SEEK_???"))
        },
        "sendfile": { c in c.sendfile(offsetSize: c.call.abi.wordSize) },
        "sendfile64": { c in c.sendfile(offsetSize: 8) },
        "splice": { c in
            guard c.entering else { return }
            c.add(c.fd(0)); c.add(c.int64Ref(c.call.arg(1))); c.add(c.fd(2)); c.add(c.int64Ref(c.call.arg(3)))
            c.add(.uint(c.call.arg(4))); c.add(flagsOr(FC.spliceFlags, c.call.arg(5), "SPLICE_F_???"))
        },
        "tee": { c in
            guard c.entering else { return }
            c.add(c.fd(0)); c.add(c.fd(1)); c.add(.uint(c.call.arg(2)))
            c.add(flagsOr(FC.spliceFlags, c.call.arg(3), "SPLICE_F_???"))
        },
        "copy_file_range": { c in
            guard c.entering else { return }
            c.add(c.fd(0)); c.add(c.int64Ref(c.call.arg(1))); c.add(c.fd(2)); c.add(c.int64Ref(c.call.arg(3)))
            c.add(.uint(c.call.arg(4))); c.add(.hex(c.call.arg(5) & 0xffff_ffff))
        },
        "memfd_create": { c in
            guard c.entering else { return c.call.returnFormat = .fd }
            c.add(c.string(0)); c.add(flagsOr(FC.memfdFlags, c.call.arg(1) & 0xffff_ffff, "MFD_???"))
        },
        "fsync": { c in if c.entering { c.add(c.fd(0)) } },
        "fdatasync": { c in if c.entering { c.add(c.fd(0)) } },
        "syncfs": { c in if c.entering { c.add(c.fd(0)) } },
        "sync": { _ in },
        "ftruncate": { c in if c.entering { c.add(c.fd(0)); c.add(.int(c.offset64(1))) } },
        "ftruncate64": { c in if c.entering { c.add(c.fd(0)); c.add(.int(c.offset64(1))) } },
        "flock": { c in
            if c.entering { c.add(c.fd(0)); c.add(flagsOr(FC.flockOps, c.call.arg(1) & 0xffff_ffff, "LOCK_???")) }
        },
        "fallocate": { c in
            guard c.entering else { return }
            c.add(c.fd(0)); c.add(flagsOr(FC.fallocFlags, c.call.arg(1) & 0xffff_ffff, "FALLOC_FL_???"))
            if c.call.abi == .i386 {
                c.add(.int(c.pair(2))); c.add(.int(c.pair(4)))
            } else {
                c.add(.int(c.call.long(2))); c.add(.int(c.call.long(3)))
            }
        },
        "fadvise64": { c in
            guard c.entering else { return }
            c.add(c.fd(0))
            if c.call.abi == .i386 {
                c.add(.int(c.pair(1))); c.add(.int(c.call.long(3))); c.add(xval(FC.fadvice, Int64(c.call.int(4)), "POSIX_FADV_???"))
            } else {
                c.add(.int(c.call.long(1))); c.add(.int(c.call.long(2))); c.add(xval(FC.fadvice, Int64(c.call.int(3)), "POSIX_FADV_???"))
            }
        },
        "fadvise64_64": { c in
            guard c.entering else { return }
            c.add(c.fd(0)); c.add(.int(c.pair(1))); c.add(.int(c.pair(3))); c.add(xval(FC.fadvice, Int64(c.call.int(5)), "POSIX_FADV_???"))
        },
        "sync_file_range": { c in
            guard c.entering else { return }
            c.add(c.fd(0))
            if c.call.abi == .i386 {
                c.add(.int(c.pair(1))); c.add(.int(c.pair(3)))
                c.add(flagsOr(FC.syncFileRange, c.call.arg(5), "SYNC_FILE_RANGE_???"))
            } else {
                c.add(.int(c.call.long(1))); c.add(.int(c.call.long(2)))
                c.add(flagsOr(FC.syncFileRange, c.call.arg(3) & 0xffff_ffff, "SYNC_FILE_RANGE_???"))
            }
        },
        "eventfd": { c in if c.entering { c.add(.uint(c.call.arg(0) & 0xffff_ffff)) } else { c.call.returnFormat = .fd } },
        "eventfd2": { c in
            guard c.entering else { return c.call.returnFormat = .fd }
            c.add(.uint(c.call.arg(0) & 0xffff_ffff)); c.add(flagsOr(FC.eventfdFlags, c.call.arg(1) & 0xffff_ffff, "EFD_???"))
        },
        "inotify_init": { c in if !c.entering { c.call.returnFormat = .fd } },
        "inotify_init1": { c in
            guard c.entering else { return c.call.returnFormat = .fd }
            c.add(flagsOr(FC.inotifyInitFlags, c.call.arg(0) & 0xffff_ffff, "IN_???"))
        },
        "inotify_add_watch": { c in
            guard c.entering else { return }
            c.add(c.fd(0)); c.add(c.path(1)); c.add(flagsOr(FC.inotifyMask, c.call.arg(2) & 0xffff_ffff, "IN_???"))
        },
        "inotify_rm_watch": { c in if c.entering { c.add(c.fd(0)); c.add(.int(Int64(c.call.int(1)))) } },
        "io_uring_setup": { c in
            if c.entering { c.add(.uint(c.call.arg(0) & 0xffff_ffff)); return }
            // strace prints the whole io_uring_params; we show its address (basic decoding).
            c.add(.pointer(c.call.arg(1)))
            c.call.returnFormat = .fd
        },
    ]

    // MARK: path syscalls

    static let paths: [String: SyscallDecoder] = [
        "access": { c in if c.entering { c.add(c.path(0)); c.add(accessMode(c.call.arg(1))) } },
        "faccessat": { c in if c.entering { c.add(c.dirfd(0)); c.add(c.path(1)); c.add(accessMode(c.call.arg(2))) } },
        "faccessat2": { c in
            guard c.entering else { return }
            c.add(c.dirfd(0)); c.add(c.path(1)); c.add(accessMode(c.call.arg(2)))
            c.add(flagsOr(FC.faccessatFlags, c.call.arg(3) & 0xffff_ffff, "AT_???"))
        },
        "readlink": { c in
            if c.entering { c.add(c.path(0)); return }
            c.add(c.call.isError ? .pointer(c.call.arg(1)) : c.buffer(1, count: Int(clamping: c.call.result)))
            c.add(.uint(c.call.arg(2)))
        },
        "readlinkat": { c in
            if c.entering { c.add(c.dirfd(0)); c.add(c.path(1)); return }
            c.add(c.call.isError ? .pointer(c.call.arg(2)) : c.buffer(2, count: Int(clamping: c.call.result)))
            c.add(.uint(c.call.arg(3)))
        },
        "getcwd": { c in
            if c.entering { return }
            if c.call.isError { c.add(.pointer(c.call.arg(0))) } else {
                let n = min(max(Int(clamping: c.call.result), 1) - 1, 4096)  // a path: at most PATH_MAX
                if let b = c.memory.bytes(c.call.arg(0), count: n) { c.add(.string(b, truncated: false)) } else { c.add(.pointer(c.call.arg(0))) }
            }
            c.add(.uint(c.call.arg(1)))
        },
        "chdir": { c in if c.entering { c.add(c.path(0)) } },
        "chroot": { c in if c.entering { c.add(c.path(0)) } },
        "fchdir": { c in if c.entering { c.add(c.fd(0)) } },
        "mkdir": { c in if c.entering { c.add(c.path(0)); c.add(c.umode(c.call.arg(1))) } },
        "mkdirat": { c in if c.entering { c.add(c.dirfd(0)); c.add(c.path(1)); c.add(c.umode(c.call.arg(2))) } },
        "rmdir": { c in if c.entering { c.add(c.path(0)) } },
        "unlink": { c in if c.entering { c.add(c.path(0)) } },
        "unlinkat": { c in
            if c.entering { c.add(c.dirfd(0)); c.add(c.path(1)); c.add(flagsOr(FC.atFlags, c.call.arg(2) & 0xffff_ffff, "AT_???")) }
        },
        "rename": { c in if c.entering { c.add(c.path(0)); c.add(c.path(1)) } },
        "renameat": { c in if c.entering { c.add(c.dirfd(0)); c.add(c.path(1)); c.add(c.dirfd(2)); c.add(c.path(3)) } },
        "renameat2": { c in
            guard c.entering else { return }
            c.add(c.dirfd(0)); c.add(c.path(1)); c.add(c.dirfd(2)); c.add(c.path(3))
            c.add(flagsOr(FC.renameFlags, c.call.arg(4) & 0xffff_ffff, "RENAME_???"))
        },
        "link": { c in if c.entering { c.add(c.path(0)); c.add(c.path(1)) } },
        "linkat": { c in
            guard c.entering else { return }
            c.add(c.dirfd(0)); c.add(c.path(1)); c.add(c.dirfd(2)); c.add(c.path(3))
            c.add(flagsOr(FC.atFlags, c.call.arg(4) & 0xffff_ffff, "AT_???"))
        },
        "symlink": { c in if c.entering { c.add(c.path(0)); c.add(c.path(1)) } },
        "symlinkat": { c in if c.entering { c.add(c.path(0)); c.add(c.dirfd(1)); c.add(c.path(2)) } },
        "chmod": { c in if c.entering { c.add(c.path(0)); c.add(c.umode(c.call.arg(1))) } },
        "fchmod": { c in if c.entering { c.add(c.fd(0)); c.add(c.umode(c.call.arg(1))) } },
        "fchmodat": { c in if c.entering { c.add(c.dirfd(0)); c.add(c.path(1)); c.add(c.umode(c.call.arg(2))) } },
        "chown": { c in if c.entering { c.add(c.path(0)); c.add(c.id(1)); c.add(c.id(2)) } },
        "lchown": { c in if c.entering { c.add(c.path(0)); c.add(c.id(1)); c.add(c.id(2)) } },
        "fchown": { c in if c.entering { c.add(c.fd(0)); c.add(c.id(1)); c.add(c.id(2)) } },
        "chown32": { c in if c.entering { c.add(c.path(0)); c.add(c.id(1)); c.add(c.id(2)) } },
        "lchown32": { c in if c.entering { c.add(c.path(0)); c.add(c.id(1)); c.add(c.id(2)) } },
        "fchown32": { c in if c.entering { c.add(c.fd(0)); c.add(c.id(1)); c.add(c.id(2)) } },
        "fchownat": { c in
            guard c.entering else { return }
            c.add(c.dirfd(0)); c.add(c.path(1)); c.add(c.id(2)); c.add(c.id(3))
            c.add(flagsOr(FC.atFlags, c.call.arg(4) & 0xffff_ffff, "AT_???"))
        },
        "umask": { c in if c.entering { c.add(c.umode(c.call.arg(0))) } else { c.call.returnFormat = .octal } },
        "truncate": { c in if c.entering { c.add(c.path(0)); c.add(.int(c.offset64(1))) } },
        "truncate64": { c in if c.entering { c.add(c.path(0)); c.add(.int(c.offset64(1))) } },
        "utimensat": { c in
            guard c.entering else { return }
            c.add(c.dirfd(0))
            c.add(c.call.arg(1) == 0 ? .pointer(0) : c.path(1))
            c.add(c.utimes(c.call.arg(2)))
            c.add(flagsOr(FC.atFlags, c.call.arg(3) & 0xffff_ffff, "AT_???"))
        },
        "mknod": { c in if c.entering { c.mknod(pathArg: 0) } },
        "mknodat": { c in if c.entering { c.add(c.dirfd(0)); c.mknod(pathArg: 1) } },
        "getdents64": { c in c.getdents(is64: true) },
        "getdents": { c in c.getdents(is64: false) },
        "setxattr": { c in c.setxattr(first: c.path(0)) },
        "lsetxattr": { c in c.setxattr(first: c.path(0)) },
        "fsetxattr": { c in c.setxattr(first: c.fd(0)) },
        "getxattr": { c in c.getxattr(first: c.path(0)) },
        "lgetxattr": { c in c.getxattr(first: c.path(0)) },
        "fgetxattr": { c in c.getxattr(first: c.fd(0)) },
        "listxattr": { c in c.listxattr(first: c.path(0)) },
        "llistxattr": { c in c.listxattr(first: c.path(0)) },
        "flistxattr": { c in c.listxattr(first: c.fd(0)) },
        "removexattr": { c in if c.entering { c.add(c.path(0)); c.add(c.string(1)) } },
        "lremovexattr": { c in if c.entering { c.add(c.path(0)); c.add(c.string(1)) } },
        "fremovexattr": { c in if c.entering { c.add(c.fd(0)); c.add(c.string(1)) } },
        "name_to_handle_at": { c in
            let addr = c.call.arg(2)
            if c.entering {
                c.add(c.dirfd(0)); c.add(c.path(1))
                if let n = c.memory.integer(addr, size: 4) {
                    c.add(.text("{handle_bytes=\(n)"))
                    c.call.separatorAtExit = true
                } else {
                    c.add(.pointer(addr)); c.add(.pointer(c.call.arg(3)))
                    c.add(flagsOr(FC.atFlags, c.call.arg(4) & 0xffff_ffff, "AT_???"))
                }
                return
            }
            guard c.call.values.count == 3, case let .text(t) = c.call.values[2],
                  let before = UInt64(t.dropFirst("{handle_bytes=".count)) else { return }
            // strace: `{handle_bytes=128 => 8, handle_type=1, f_handle="\x.."}`; the `=> 8` only when it changed.
            var changed: UInt64? = nil
            var rest = ""
            if !c.call.isError || c.call.returnValue == -Int64(EOVERFLOW), let h = c.memory.bytes(addr, count: 8) {
                let n = le(h, 0, 4)
                if n != before { changed = n }
                if !c.call.isError {
                    rest = "handle_type=\(Int32(truncatingIfNeeded: le(h, 4, 4))), f_handle="
                    if n <= 128, let b = c.memory.bytes(addr &+ 8, count: Int(n)) {
                        var s = TextStyle(); s.hexStrings = 2
                        rest += SyscallText.text(.string(b, truncated: false), style: s)
                    } else { rest += SyscallText.text(.pointer(addr &+ 8)) }
                }
            }
            if let n = changed {
                c.add(.changed(.text(""), .text("\(n)" + (rest.isEmpty ? "" : ", " + rest) + "}")))
            } else {
                // An unchanged size continues the structure after the `, ` separator (an error leaves `, }`).
                c.add(.text(rest + "}"))
            }
            c.add(c.intRef(c.call.arg(3)))
            c.add(flagsOr(FC.atFlags, c.call.arg(4) & 0xffff_ffff, "AT_???"))
        },
    ]

    // MARK: stat family

    static let stats: [String: SyscallDecoder] = [
        "stat": { c in c.statCall(pathArgs: [.path(0)], buffer: 1, layout: c.call.abi == .i386 ? .i386 : .native) },
        "lstat": { c in c.statCall(pathArgs: [.path(0)], buffer: 1, layout: c.call.abi == .i386 ? .i386 : .native) },
        "fstat": { c in c.statCall(pathArgs: [.fd(0)], buffer: 1, layout: c.call.abi == .i386 ? .i386 : .native) },
        "newfstatat": { c in
            c.statCall(pathArgs: [.dirfd(0), .path(1)], buffer: 2, layout: .native)
            if !c.entering { c.add(flagsOr(FC.atFlags, c.call.arg(3) & 0xffff_ffff, "AT_???")) }
        },
        "stat64": { c in c.statCall(pathArgs: [.path(0)], buffer: 1, layout: .stat64) },
        "lstat64": { c in c.statCall(pathArgs: [.path(0)], buffer: 1, layout: .stat64) },
        "fstat64": { c in c.statCall(pathArgs: [.fd(0)], buffer: 1, layout: .stat64) },
        "fstatat64": { c in
            c.statCall(pathArgs: [.dirfd(0), .path(1)], buffer: 2, layout: .stat64)
            if !c.entering { c.add(flagsOr(FC.atFlags, c.call.arg(3) & 0xffff_ffff, "AT_???")) }
        },
        "statx": { c in
            if c.entering {
                c.add(c.dirfd(0)); c.add(c.path(1))
                let flags = c.call.arg(2) & 0xffff_ffff
                let sync = FC.statxSync.decode(Int64(flags & 0x6000))
                let rest = flags & ~0x6000
                if rest == 0 { c.add(sync) } else {
                    let f = FC.atFlags.decode(rest)
                    if case let .constant(_, name?, _) = sync, case let .flags(_, names, r) = f {
                        c.add(.flags(value: flags, names: [name] + names, rest: r))
                    } else { c.add(f) }
                }
                c.add(flagsOr(FC.statxMasks, c.call.arg(3) & 0xffff_ffff, "STATX_???"))
                return
            }
            c.add(c.statx(c.call.arg(4)))
        },
        "statfs": { c in c.statfsCall(first: .path(0), buffer: 1, layout: c.call.abi == .i386 ? .i386 : .native) },
        "fstatfs": { c in c.statfsCall(first: .fd(0), buffer: 1, layout: c.call.abi == .i386 ? .i386 : .native) },
        "statfs64": { c in c.statfsCall(first: .path(0), buffer: 2, layout: .statfs64) },
        "fstatfs64": { c in c.statfsCall(first: .fd(0), buffer: 2, layout: .statfs64) },
    ]

    // MARK: memory

    static let memory: [String: SyscallDecoder] = [
        "brk": { c in if c.entering { c.add(.pointer(c.call.arg(0))) } else { c.call.returnFormat = .hex } },
        "mmap": { c in
            guard c.entering else { return c.call.returnFormat = .hex }
            if c.call.abi == .i386 {
                // i386 old_mmap: one pointer to the six arguments.
                let a = c.call.arg(0)
                guard let b = c.memory.bytes(a, count: 24) else { return c.add(.pointer(a)) }
                c.call.arguments = (0..<6).map { le(b, 4 * $0, 4) }
            }
            c.mmap(offset: c.call.arg(5))
        },
        "mmap2": { c in
            guard c.entering else { return c.call.returnFormat = .hex }
            c.mmap(offset: c.call.arg(5) &* 4096)
        },
        "munmap": { c in if c.entering { c.add(.pointer(c.call.arg(0))); c.add(.uint(c.call.arg(1))) } },
        "mprotect": { c in
            guard c.entering else { return }
            c.add(.pointer(c.call.arg(0))); c.add(.uint(c.call.arg(1))); c.add(prot(c.call.arg(2)))
        },
        "pkey_mprotect": { c in
            guard c.entering else { return }
            c.add(.pointer(c.call.arg(0))); c.add(.uint(c.call.arg(1))); c.add(prot(c.call.arg(2))); c.add(.int(Int64(c.call.int(3))))
        },
        "madvise": { c in
            guard c.entering else { return }
            c.add(.pointer(c.call.arg(0))); c.add(.uint(c.call.arg(1)))
            c.add(xval(FC.madvice, Int64(c.call.int(2)), "MADV_???"))
        },
        "mremap": { c in
            guard c.entering else { return c.call.returnFormat = .hex }
            c.add(.pointer(c.call.arg(0))); c.add(.uint(c.call.arg(1))); c.add(.uint(c.call.arg(2)))
            let f = c.call.arg(3)
            c.add(flagsOr(FC.mremapFlags, f, "MREMAP_???"))
            if f & 3 == 3 { c.add(.pointer(c.call.arg(4))) }
        },
        "msync": { c in
            guard c.entering else { return }
            c.add(.pointer(c.call.arg(0))); c.add(.uint(c.call.arg(1)))
            c.add(flagsOr(FC.msyncFlags, c.call.arg(2) & 0xffff_ffff, "MS_???"))
        },
        "mlock": { c in if c.entering { c.add(.pointer(c.call.arg(0))); c.add(.uint(c.call.arg(1))) } },
        "munlock": { c in if c.entering { c.add(.pointer(c.call.arg(0))); c.add(.uint(c.call.arg(1))) } },
        "mlock2": { c in
            guard c.entering else { return }
            c.add(.pointer(c.call.arg(0))); c.add(.uint(c.call.arg(1)))
            c.add(flagsOr(FC.mlockFlags, c.call.arg(2) & 0xffff_ffff, "MLOCK_???"))
        },
        "mlockall": { c in if c.entering { c.add(flagsOr(FC.mlockallFlags, c.call.arg(0) & 0xffff_ffff, "MCL_???")) } },
        "munlockall": { _ in },
    ]

    // MARK: poll, select, epoll

    static let polling: [String: SyscallDecoder] = [
        "poll": { c in
            if c.entering {
                c.add(c.pollfds(c.call.arg(0), count: c.call.arg(1)))
                c.add(.uint(c.call.arg(1) & 0xffff_ffff)); c.add(.int(Int64(c.call.int(2))))
                return
            }
            c.pollResult(timeout: nil)
        },
        "ppoll": { c in
            if c.entering {
                c.add(c.pollfds(c.call.arg(0), count: c.call.arg(1)))
                c.add(.uint(c.call.arg(1) & 0xffff_ffff)); c.add(c.timespec(c.call.arg(2)))
                c.add(c.sigset(c.call.arg(3), size: c.call.arg(4))); c.add(.uint(c.call.arg(4)))
                return
            }
            c.pollResult(timeout: c.call.arg(2))
        },
        "select": { c in c.select(nanoseconds: false) },
        "_newselect": { c in c.select(nanoseconds: false) },
        "pselect6": { c in c.select(nanoseconds: true) },
        "epoll_create": { c in if c.entering { c.add(.int(Int64(c.call.int(0)))) } else { c.call.returnFormat = .fd } },
        "epoll_create1": { c in
            guard c.entering else { return c.call.returnFormat = .fd }
            c.add(flagsOr(FC.epollFlags, c.call.arg(0) & 0xffff_ffff, "EPOLL_???"))
        },
        "epoll_ctl": { c in
            guard c.entering else { return }
            c.add(c.fd(0)); c.add(xval(FC.epollOps, Int64(c.call.int(1)), "EPOLL_CTL_???")); c.add(c.fd(2))
            let a = c.call.arg(3)
            if a == 0 { c.add(.pointer(0)) } else if let e = c.epollEvents(a, count: 1) { c.add(e[0]) } else { c.add(.pointer(a)) }
        },
        "epoll_wait": { c in c.epollWait(extra: false) },
        "epoll_pwait": { c in c.epollWait(extra: true) },
    ]

    static let misc: [String: SyscallDecoder] = [:]
}

// MARK: - helpers

/// A little-endian integer of `size` bytes at `offset` of `b` (0 past the end).
func le(_ b: [UInt8], _ offset: Int, _ size: Int) -> UInt64 {
    var v: UInt64 = 0
    for i in 0..<size where offset + i < b.count { v |= UInt64(b[offset + i]) << (8 * UInt64(i)) }
    return v
}

func sle(_ b: [UInt8], _ offset: Int, _ size: Int) -> Int64 {
    let v = le(b, offset, size)
    if size >= 8 { return Int64(bitPattern: v) }
    let shift = UInt64(64 - 8 * size)
    return Int64(bitPattern: v << shift) >> Int64(shift)
}

/// A named value, or the number in hex with strace's `/* XXX_??? */` comment.
func xval(_ t: ValueTable, _ v: Int64, _ unknown: String) -> SyscallValue {
    if let n = t.names[v] { return .constant(value: v, name: n, hexFallback: true) }
    return .commented(.hex(UInt64(bitPattern: v)), unknown)
}

/// Flags; a non-zero value with no known bit prints as `0x... /* XXX_??? */` as strace's printflags does.
func flagsOr(_ t: FlagTable, _ v: UInt64, _ unknown: String) -> SyscallValue {
    let f = t.decode(v)
    if case let .flags(_, names, _) = f, names.isEmpty, v != 0 { return .commented(.hex(v), unknown) }
    return f
}

func accessMode(_ v: UInt64) -> SyscallValue {
    let m = v & 0xffff_ffff
    return m == 0 ? .flags(value: 0, names: ["F_OK"], rest: 0) : flagsOr(FC.accessFlags, m, "?_OK")
}

func prot(_ v: UInt64) -> SyscallValue {
    v == 0 ? .flags(value: 0, names: ["PROT_NONE"], rest: 0) : flagsOr(FC.protections, v, "PROT_???")
}

/// `devText(0x1, 0x3)` of a glibc dev_t.
func devText(_ dev: UInt64) -> SyscallValue {
    let major = ((dev >> 8) & 0xfff) | ((dev >> 32) & ~0xfff)
    let minor = (dev & 0xff) | ((dev >> 12) & ~0xff)
    return .text("makedev(\(SyscallText.text(.hex(major))), \(SyscallText.text(.hex(minor))))")
}

/// `S_IFREG|0644` as strace's print_symbolic_mode_t (abbrev style).
func symbolicMode(_ mode: UInt64) -> SyscallValue {
    let m = mode & 0xffff_ffff
    let type = m & 0o170000
    if type != 0, FC.modeTypes.names[Int64(type)] == nil { return .octal(m) }
    var s = type == 0 ? "" : FC.modeTypes.names[Int64(type)]! + "|"
    if m & 0o4000 != 0 { s += "S_ISUID|" }
    if m & 0o2000 != 0 { s += "S_ISGID|" }
    if m & 0o1000 != 0 { s += "S_ISVTX|" }
    s += SyscallText.text(.octal(m & 0o777))
    return .symbolic(.octal(m), s)
}

/// strace's sprinttime_nsec: `1970-01-01T00:00:01.000000002+0000` in local time; nil for 0.0 or bad nsec.
func timeComment(_ sec: Int64, _ frac: UInt64, digits: Int = 9) -> String? {
    let maxFrac: UInt64 = digits == 9 ? 999_999_999 : 999_999
    if (sec == 0 && frac == 0) || frac > maxFrac { return nil }
    var t = time_t(sec)
    var tm = tm()
    guard localtime_r(&t, &tm) != nil else { return nil }
    var buf = [CChar](repeating: 0, count: 64)
    var n = strftime(&buf, 64, "%FT%T", &tm)
    guard n > 0 else { return nil }
    var s = String(decoding: buf[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    if frac > 0 {
        let f = String(frac)
        s += "." + String(repeating: "0", count: max(0, digits - f.count)) + f
    }
    n = strftime(&buf, 64, "%z", &tm)
    s += String(decoding: buf[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    return s
}

extension FlagTable {
    /// The same bits under another name (O_CLOEXEC for dup3's flag).
    func renamed(_ name: String) -> FlagTable { FlagTable(entries.map { ($0.value, name) }) }
}

enum PathArg { case path(Int), fd(Int), dirfd(Int) }
enum StatLayout { case native, i386, stat64 }
enum StatfsLayout { case native, i386, statfs64 }

extension DecodeContext {
    /// A directory descriptor: `AT_FDCWD` (with `-y`, `AT_FDCWD</cwd>`: `fdPath(-100)` is the tracee's
    /// working directory) or the descriptor.
    func dirfd(_ i: Int) -> SyscallValue {
        guard call.int(i) == FC.atFDCWD else { return fd(i) }
        if let cwd = fdPath(FC.atFDCWD) { return .fd(FC.atFDCWD, path: cwd) }
        return .constant(value: -100, name: "AT_FDCWD", hexFallback: false)
    }

    func pathArg(_ p: PathArg) -> SyscallValue {
        switch p {
        case let .path(i): return path(i)
        case let .fd(i): return fd(i)
        case let .dirfd(i): return dirfd(i)
        }
    }

    /// A mode_t printed as strace's print_numeric_umode_t (16 bits, octal).
    func umode(_ v: UInt64) -> SyscallValue { .octal(v & 0xffff) }

    /// A uid/gid argument: -1 for (uid_t)-1, else unsigned.
    func id(_ i: Int) -> SyscallValue {
        // i386's chown/lchown/fchown take 16-bit ids (the *32 calls take 32-bit ones).
        let narrow = call.abi == .i386 && !call.name.hasSuffix("32")
        let v = call.arg(i) & (narrow ? 0xffff : 0xffff_ffff)
        return v == (narrow ? 0xffff : 0xffff_ffff) ? .int(-1) : .uint(v)
    }

    /// A 64-bit file offset: one register on 64-bit ABIs, a lo/hi pair on i386.
    func offset64(_ i: Int) -> Int64 { call.abi == .i386 ? pair(i) : call.long(i) }

    /// Two i386 registers (low, high) as one 64-bit value.
    func pair(_ i: Int) -> Int64 { Int64(bitPattern: (call.arg(i) & 0xffff_ffff) | (call.arg(i + 1) << 32)) }

    /// Open flags: the access mode name first, then the flags (`O_RDONLY|O_CLOEXEC`).
    func openModes(_ v: UInt64) -> SyscallValue {
        let acc = FC.accessModes.names[Int64(v & 3)] ?? ""
        let f = FC.openFlags(call.abi).decode(v, prefix: [acc], masked: 3)
        return f
    }

    mutating func open(pathArg i: Int) {
        guard entering else { return call.returnFormat = .fd }
        add(path(i))
        let flags = call.arg(i + 1) & 0xffff_ffff
        add(openModes(flags))
        if flags & (FC.creat | FC.tmpfile) != 0 { add(umode(call.arg(i + 2))) }
    }

    /// `[N]` of an int64 pointed to, NULL, or the address.
    func int64Ref(_ a: UInt64) -> SyscallValue {
        if a == 0 { return .pointer(0) }
        guard let v = memory.integer(a, size: 8) else { return .pointer(a) }
        return .array([.int(Int64(bitPattern: v))], truncated: false)
    }

    func intRef(_ a: UInt64) -> SyscallValue {
        if a == 0 { return .pointer(0) }
        guard let v = memory.integer(a, size: 4) else { return .pointer(a) }
        return .array([.int(Int64(Int32(truncatingIfNeeded: v)))], truncated: false)
    }

    /// `[3, 4]` from an int[2] at argument `i` (pipe), the address when unreadable or failed.
    func fdPair(_ i: Int) -> SyscallValue {
        let a = call.arg(i)
        guard !call.isError, let b = memory.bytes(a, count: 8) else { return .pointer(a) }
        let x = Int32(truncatingIfNeeded: le(b, 0, 4)), y = Int32(truncatingIfNeeded: le(b, 4, 4))
        return .array([.fd(x, path: fdPath(x)), .fd(y, path: fdPath(y))], truncated: false)
    }

    // MARK: readv/writev

    /// `[{iov_base="ab", iov_len=2}, ...]`: `data` bytes in all shown (nil: all), bases as addresses when
    /// `addresses`.
    func iovec(_ a: UInt64, count: UInt64, data: Int?, addresses: Bool) -> SyscallValue {
        if a == 0 { return .pointer(0) }
        let w = call.abi.wordSize
        var items: [SyscallValue] = []
        var left = data ?? Int.max
        let shown = min(count, UInt64(options.stringLimit))
        for k in 0..<shown {
            guard let b = memory.bytes(a &+ k &* UInt64(2 * w), count: 2 * w) else {
                if k == 0 { return .pointer(a) }
                items.append(.commented(.text("..."), SyscallText.text(.pointer(a &+ k &* UInt64(2 * w)))))
                return .array(items, truncated: false)
            }
            let base = le(b, 0, w), len = le(b, w, w)
            let baseValue: SyscallValue
            if addresses { baseValue = .pointer(base) } else {
                let n = Int(clamping: min(len, UInt64(max(0, left))))
                baseValue = buffer(at: base, count: n)
                left -= n
            }
            items.append(.structure([SyscallField("iov_base", baseValue), SyscallField("iov_len", .uint(len))], truncated: false))
        }
        return .array(items, truncated: count > shown)
    }

    mutating func vectorIO(read: Bool, offset: Bool, flags: Bool) {
        if entering {
            add(fd(0))
            if read { return }
        }
        if !entering && !read { return }
        let n = call.arg(2)
        if read {
            add(iovec(call.arg(1), count: n, data: call.isError ? nil : Int(clamping: call.result), addresses: call.isError))
        } else {
            add(iovec(call.arg(1), count: n, data: nil, addresses: false))
        }
        add(.uint(n & 0xffff_ffff))
        if offset { add(.int(call.abi == .i386 ? pair(3) : call.long(3))) }
        if flags { add(flagsOr(FC.rwfFlags, call.arg(5) & 0xffff_ffff, "RWF_???")) }
    }

    mutating func sendfile(offsetSize: Int) {
        let a = call.arg(2)
        if entering {
            add(fd(0)); add(fd(1))
            if a == 0 { add(.pointer(0)); add(.uint(call.arg(3))); return }
            if let v = memory.integer(a, size: offsetSize) {
                add(.array([.int(offsetSize == 8 ? Int64(bitPattern: v) : Int64(Int32(truncatingIfNeeded: v)))], truncated: false))
                // The exit part continues this argument (` => [18]`): no separator before `<unfinished ...>`.
                call.separatorAtExit = true
            } else { add(.pointer(a)) }
            return
        }
        guard a != 0 else { return }
        if !call.isError, let v = memory.integer(a, size: offsetSize) {
            let n = offsetSize == 8 ? Int64(bitPattern: v) : Int64(Int32(truncatingIfNeeded: v))
            add(.changed(.text(""), .array([.int(n)], truncated: false)))
        }
        add(.uint(call.arg(3)))
    }

    // MARK: fcntl

    mutating func fcntl(is64: Bool) {
        let cmd = Int64(call.arg(1) & 0xffff_ffff)
        let name = FC.fcntlCommands[cmd] ?? (call.abi == .i386 ? FC.fcntl64Commands[cmd] : nil)
        if entering {
            add(fd(0))
            add(name.map { .constant(value: cmd, name: $0, hexFallback: true) } ?? .commented(.hex(UInt64(cmd)), "F_???"))
        }
        let arg = call.arg(2)
        switch name {
        case "F_SETFD"?: if entering { add(flagsOr(FC.fdFlags, arg, "FD_???")) }
        case "F_SETOWN"?, "F_SETPIPE_SZ"?: if entering { add(.int(Int64(Int32(truncatingIfNeeded: arg)))) }
        case "F_DUPFD"?, "F_DUPFD_CLOEXEC"?:
            if entering { add(.int(Int64(Int32(truncatingIfNeeded: arg)))) } else { call.returnFormat = .fd }
        case "F_SETFL"?: if entering { add(openModes(arg & 0xffff_ffff)) }
        case "F_SETLK"?, "F_SETLKW"?: if entering { add(flock(arg, getlk: false, wide: false)) }
        case "F_OFD_SETLK"?, "F_OFD_SETLKW"?, "F_SETLK64"?, "F_SETLKW64"?:
            if entering { add(flock(arg, getlk: false, wide: true)) }
        case "F_GETLK"?: if !entering { add(flock(arg, getlk: true, wide: false)) }
        case "F_OFD_GETLK"?, "F_GETLK64"?: if !entering { add(flock(arg, getlk: true, wide: true)) }
        case "F_NOTIFY"?: if entering { add(flagsOr(FC.notifyFlags, arg, "DN_???")) }
        case "F_SETLEASE"?: if entering { add(xval(FC.lockTypes, Int64(bitPattern: arg), "F_???")) }
        case "F_ADD_SEALS"?: if entering { add(flagsOr(FC.seals, arg, "F_SEAL_???")) }
        case "F_SETSIG"?: if entering { add(.int(Int64(bitPattern: arg))) }
        case "F_SETOWN_EX"?, "F_GETOWN_EX"?:
            if entering == (name == "F_SETOWN_EX") {
                if let b = memory.bytes(arg, count: 8), !(call.isError && !entering) {
                    add(.structure([SyscallField("type", xval(FC.ownerTypes, sle(b, 0, 4), "F_OWNER_???")),
                                    SyscallField("pid", .int(sle(b, 4, 4)))], truncated: false))
                } else { add(.pointer(arg)) }
            }
        case "F_GETFD"?:
            if !entering, !call.isError, call.result != 0 {
                call.returnFormat = .hex
                call.returnComment = "flags " + SyscallText.text(FC.fdFlags.decode(UInt64(bitPattern: call.result)))
            }
        case "F_GETFL"?:
            if !entering, !call.isError {
                call.returnFormat = .hex
                call.returnComment = "flags " + SyscallText.text(openModes(UInt64(bitPattern: call.result) & 0xffff_ffff))
            }
        case "F_GET_SEALS"?:
            if !entering, !call.isError, call.result != 0 {
                call.returnFormat = .hex
                call.returnComment = "seals " + SyscallText.text(FC.seals.decode(UInt64(bitPattern: call.result)))
            }
        case "F_GETLEASE"?:
            if !entering, !call.isError {
                call.returnFormat = .hex
                call.returnComment = FC.lockTypes.names[call.result]
            }
        case "F_GETOWN"?, "F_GETPIPE_SZ"?, "F_GETSIG"?, "F_CANCELLK"?: break
        default:
            if entering && name != "F_GETOWN" && name != "F_GETPIPE_SZ" && name != "F_GETSIG" { add(.hex(arg)) }
        }
    }

    /// struct flock (`wide`: flock64) as strace prints it.
    func flock(_ a: UInt64, getlk: Bool, wide: Bool) -> SyscallValue {
        if !entering && call.isError { return .pointer(a) }
        let start: Int, len: Int, pid: Int, size: Int, width: Int
        if call.abi == .i386 {
            (start, len, pid, size, width) = wide ? (4, 12, 20, 24, 8) : (4, 8, 12, 16, 4)
        } else {
            (start, len, pid, size, width) = (8, 16, 24, 32, 8)
        }
        guard let b = memory.bytes(a, count: size) else { return .pointer(a) }
        var f = [SyscallField("l_type", xval(FC.lockTypes, sle(b, 0, 2), "F_???")),
                 SyscallField("l_whence", xval(FC.whence, sle(b, 2, 2), "SEEK_???")),
                 SyscallField("l_start", .int(sle(b, start, width))), SyscallField("l_len", .int(sle(b, len, width)))]
        if getlk { f.append(SyscallField("l_pid", .int(sle(b, pid, 4)))) }
        return .structure(f, truncated: false)
    }

    // MARK: ioctl

    mutating func ioctl() {
        let code = UInt32(truncatingIfNeeded: call.arg(1))
        let name = FC.ioctlNames[code]
        let arg = call.arg(2)
        if entering {
            add(fd(0))
            if let name { add(.constant(value: Int64(code), name: name, hexFallback: true)) } else {
                let dir = code >> 30
                let dirName = ["_IOC_NONE", "_IOC_WRITE", "_IOC_READ", "_IOC_READ|_IOC_WRITE"][Int(dir)]
                let h = { (v: UInt32) in SyscallText.text(.hex(UInt64(v))) }
                add(.text("_IOC(\(dirName), \(h((code >> 8) & 0xff)), \(h(code & 0xff)), \(h((code >> 16) & 0x3fff)))"))
            }
        }
        switch name {
        case "TCGETS"?, "TIOCGWINSZ"?, "FIONREAD"?, "TIOCGPGRP"?, "TIOCGSID"?, "TIOCGETD"?, "TIOCOUTQ"?, "TIOCGPTN"?:
            guard !entering else { return }
            if call.isError { add(.pointer(arg)); return }
            switch name {
            case "TIOCGWINSZ"?: add(winsize(arg))
            case "TCGETS"?: add(.pointer(arg))  // strace decodes the termios flags; not done yet
            default: add(intRef(arg))
            }
        case "TIOCSWINSZ"?: if entering { add(winsize(arg)) }
        case "TIOCSPGRP"?, "TIOCSETD"?, "FIONBIO"?, "FIOASYNC"?, "TIOCPKT"?, "TIOCSPTLCK"?: if entering { add(intRef(arg)) }
        case "TCSBRK"?, "TCSBRKP"?, "TIOCSCTTY"?: if entering { add(.int(Int64(Int32(truncatingIfNeeded: arg)))) }
        case "FIOCLEX"?, "FIONCLEX"?, "TIOCNOTTY"?, "TIOCEXCL"?, "TIOCNXCL"?, "TIOCSBRK"?, "TIOCCBRK"?, "TIOCCONS"?,
             "TIOCVHANGUP"?:
            break
        default:
            if entering { add(.hex(arg)) }
        }
    }

    func winsize(_ a: UInt64) -> SyscallValue {
        guard let b = memory.bytes(a, count: 8) else { return .pointer(a) }
        return .structure(["ws_row", "ws_col", "ws_xpixel", "ws_ypixel"].enumerated().map {
            SyscallField($0.element, .uint(le(b, 2 * $0.offset, 2)))
        }, truncated: false)
    }

    // MARK: mknod, utimensat

    mutating func mknod(pathArg i: Int) {
        add(path(i))
        let mode = call.arg(i + 1) & 0xffff
        add(symbolicMode(mode))
        let type = mode & 0o170000
        if type == 0o20000 || type == 0o60000 { add(devText(call.arg(i + 2) & 0xffff_ffff)) }
    }

    /// Bytes in a tv_sec/tv_nsec field: the ABI's long, or 8 for the i386 `*_time64` calls.
    var timeWord: Int { call.name.hasSuffix("_time64") ? 8 : call.abi.wordSize }

    func timespecValue(_ b: [UInt8], _ o: Int, comment: Bool) -> SyscallValue {
        let w = timeWord
        let sec = sle(b, o, w), nsec = sle(b, o + w, w)
        let v = SyscallValue.structure([SyscallField("tv_sec", .int(sec)), SyscallField("tv_nsec", .int(nsec))], truncated: false)
        if comment, nsec >= 0, let t = timeComment(sec, UInt64(nsec)) { return .commented(v, t) }
        return v
    }

    func utimes(_ a: UInt64) -> SyscallValue {
        if a == 0 { return .pointer(0) }
        let w = timeWord
        guard let b = memory.bytes(a, count: 4 * w) else { return .pointer(a) }
        var items: [SyscallValue] = []
        for k in 0..<2 {
            let nsec = sle(b, k * 2 * w + w, w)
            if nsec == (1 << 30) - 1 { items.append(.text("UTIME_NOW")) } else if nsec == (1 << 30) - 2 { items.append(.text("UTIME_OMIT")) } else {
                items.append(timespecValue(b, k * 2 * w, comment: true))
            }
        }
        return .array(items, truncated: false)
    }

    /// `{tv_sec=0, tv_nsec=1000}`, NULL or the address.
    func timespec(_ a: UInt64) -> SyscallValue {
        if a == 0 { return .pointer(0) }
        guard let b = memory.bytes(a, count: 2 * timeWord) else { return .pointer(a) }
        return timespecValue(b, 0, comment: false)
    }

    func timeval(_ a: UInt64) -> SyscallValue {
        if a == 0 { return .pointer(0) }
        let w = call.abi.wordSize
        guard let b = memory.bytes(a, count: 2 * w) else { return .pointer(a) }
        return .structure([SyscallField("tv_sec", .int(sle(b, 0, w))), SyscallField("tv_usec", .int(sle(b, w, w)))], truncated: false)
    }

    /// A signal mask argument: NULL, `[]`, `[INT TERM]`, `~[...]` or the address.
    func sigset(_ a: UInt64, size: UInt64) -> SyscallValue {
        if a == 0 { return .pointer(0) }
        let n = Int(min(size, 128))
        guard n > 0, n % 4 == 0 || n == 8, let b = memory.bytes(a, count: n) else { return .pointer(a) }
        var set: [Int] = []
        for i in 0..<(n * 8) where b[i / 8] & (1 << (i % 8)) != 0 { set.append(i + 1) }
        let total = min(n * 8, 64)
        if set.count * 2 > total {
            let missing = (1...total).filter { !set.contains($0) }
            return .set(missing.map(signalName), complement: true)
        }
        return .set(set.map(signalName), complement: false)
    }

    func signalName(_ s: Int) -> String {
        let names = ["HUP", "INT", "QUIT", "ILL", "TRAP", "ABRT", "BUS", "FPE", "KILL", "USR1", "SEGV", "USR2", "PIPE",
                     "ALRM", "TERM", "STKFLT", "CHLD", "CONT", "STOP", "TSTP", "TTIN", "TTOU", "URG", "XCPU", "XFSZ",
                     "VTALRM", "PROF", "WINCH", "IO", "PWR", "SYS"]
        if s >= 1 && s <= names.count { return names[s - 1] }
        if s == 34 { return "RTMIN" }
        return "RT_\(s - 34)"
    }

    // MARK: getdents, xattr

    mutating func getdents(is64: Bool) {
        if entering { add(fd(0)); return }
        let a = call.arg(1)
        if call.isError { add(.pointer(a)); add(.uint(call.arg(2) & 0xffff_ffff)); return }
        var len = Int(clamping: call.result)
        let w = call.abi.wordSize
        let header = is64 ? 19 : 2 * w + 2
        var at = a
        var count = 0
        var items: [SyscallValue] = []
        var tailNote: SyscallValue? = nil
        let abbrev = !options.verbose
        while true {
            if len < header {
                if !abbrev && len > 0, let b = memory.bytes(at, count: len) {
                    var s = TextStyle(); s.hexStrings = 2
                    tailNote = .text(SyscallText.text(.string(b, truncated: false), style: s))
                }
                break
            }
            guard let h = memory.bytes(at, count: header) else {
                if !abbrev { tailNote = count > 0 ? .commented(.text("..."), SyscallText.text(.pointer(at))) : .pointer(at) }
                break
            }
            count += 1
            let ino = le(h, 0, is64 ? 8 : w), off = sle(h, is64 ? 8 : w, is64 ? 8 : w)
            var reclen = Int(le(h, is64 ? 16 : 2 * w, 2))
            var next = 0
            if reclen > len { reclen = len } else if reclen < header { reclen = header; next = len - header } else { next = len - reclen }
            if !abbrev {
                var f = [SyscallField("d_ino", .uint(ino)), SyscallField("d_off", .int(off)), SyscallField("d_reclen", .uint(UInt64(reclen)))]
                let nameLen = reclen - header
                if is64 {
                    let type = memory.bytes(at &+ 18, count: 1).map { Int64($0[0]) } ?? 0
                    f.append(SyscallField("d_type", xval(FC.direntTypes, type, "DT_???")))
                    if nameLen > 0 { f.append(SyscallField("d_name", direntName(at &+ UInt64(header), max: nameLen - 1))) }
                } else {
                    if nameLen > 0 { f.append(SyscallField("d_name", direntName(at &+ UInt64(header), max: nameLen - 1))) }
                    let type = memory.bytes(at &+ UInt64(reclen) &- 1, count: 1).map { Int64($0[0]) } ?? 0
                    f.append(SyscallField("d_type", xval(FC.direntTypes, type, "DT_???")))
                }
                items.append(.structure(f, truncated: false))
            }
            len = next
            if next == 0 { break }
            at &+= UInt64(reclen)
        }
        if abbrev {
            add(.commented(.pointer(a), "\(count)\(len > 0 ? "+" : "") entries"))
        } else if let t = tailNote, items.isEmpty, count == 0 {
            add(t)
        } else {
            if let t = tailNote { items.append(t) }
            add(.array(items, truncated: false))
        }
        add(.uint(call.arg(2) & 0xffff_ffff))
    }

    func direntName(_ a: UInt64, max: Int) -> SyscallValue {
        guard let s = memory.cString(a, limit: Swift.max(0, max)) else { return .pointer(a) }
        return .string(s.bytes, truncated: false)
    }

    /// An xattr value: `size` bytes without a trailing NUL, cut at -s.
    func xattrValue(_ a: UInt64, size: Int64) -> SyscallValue {
        if size < 0 || size > 65536 { return .pointer(a) }
        let n = Int(size)
        guard let b = memory.bytes(a, count: min(n, options.stringLimit + 1)) else { return .pointer(a) }
        var bytes = Array(b.prefix(options.stringLimit))
        var cut = n > options.stringLimit
        if !cut, n > 0, bytes.last == 0 { bytes.removeLast() }
        if cut, n == options.stringLimit + 1, b.last == 0 { cut = false }
        return .string(bytes, truncated: cut)
    }

    mutating func setxattr(first: SyscallValue) {
        guard entering else { return }
        add(first); add(string(1)); add(xattrValue(call.arg(2), size: Int64(bitPattern: call.arg(3))))
        add(.uint(call.arg(3))); add(flagsOr(FC.xattrFlags, call.arg(4) & 0xffff_ffff, "XATTR_???"))
    }

    mutating func getxattr(first: SyscallValue) {
        if entering { add(first); add(string(1)); return }
        add(call.isError ? .pointer(call.arg(2)) : xattrValue(call.arg(2), size: call.result))
        add(.uint(call.arg(3)))
    }

    mutating func listxattr(first: SyscallValue) {
        if entering { add(first); return }
        add(call.arg(1) == 0 || call.isError || call.arg(2) == 0 ? .pointer(call.arg(1)) : buffer(1, count: Int(clamping: call.result)))
        add(.uint(call.arg(2)))
    }

    // MARK: stat

    mutating func statCall(pathArgs: [PathArg], buffer: Int, layout: StatLayout) {
        if entering { for p in pathArgs { add(pathArg(p)) }; return }
        let a = call.arg(buffer)
        add(call.isError ? .pointer(a) : stat(a, layout: layout))
    }

    func stat(_ a: UInt64, layout: StatLayout) -> SyscallValue {
        struct L { var size, dev, devW, ino, inoW, mode, modeW, nlink, nlinkW, uid, idW, gid, rdev, rdevW, sizeO, blksize, blksizeW, blocks, blocksW, atime, timeW: Int }
        let l: L
        switch (layout, call.abi) {
        case (.native, .x86_64):
            l = L(size: 144, dev: 0, devW: 8, ino: 8, inoW: 8, mode: 24, modeW: 4, nlink: 16, nlinkW: 8, uid: 28, idW: 4, gid: 32, rdev: 40, rdevW: 8,
                  sizeO: 48, blksize: 56, blksizeW: 8, blocks: 64, blocksW: 8, atime: 72, timeW: 8)
        case (.native, _):  // asm-generic struct stat (aarch64)
            l = L(size: 128, dev: 0, devW: 8, ino: 8, inoW: 8, mode: 16, modeW: 4, nlink: 20, nlinkW: 4, uid: 24, idW: 4, gid: 28, rdev: 32, rdevW: 8,
                  sizeO: 48, blksize: 56, blksizeW: 4, blocks: 64, blocksW: 8, atime: 72, timeW: 8)
        case (.i386, _):
            l = L(size: 64, dev: 0, devW: 4, ino: 4, inoW: 4, mode: 8, modeW: 2, nlink: 10, nlinkW: 2, uid: 12, idW: 2, gid: 14, rdev: 16, rdevW: 4,
                  sizeO: 20, blksize: 24, blksizeW: 4, blocks: 28, blocksW: 4, atime: 32, timeW: 4)
        case (.stat64, _):
            l = L(size: 96, dev: 0, devW: 8, ino: 88, inoW: 8, mode: 16, modeW: 4, nlink: 20, nlinkW: 4, uid: 24, idW: 4, gid: 28, rdev: 32, rdevW: 8,
                  sizeO: 44, blksize: 52, blksizeW: 4, blocks: 56, blocksW: 8, atime: 64, timeW: 4)
        }
        guard let b = memory.bytes(a, count: l.size) else { return .pointer(a) }
        let mode = le(b, l.mode, l.modeW)
        let abbrev = !options.verbose
        var f: [SyscallField] = []
        if !abbrev {
            f.append(SyscallField("st_dev", devText(le(b, l.dev, l.devW))))
            f.append(SyscallField("st_ino", .uint(le(b, l.ino, l.inoW))))
            f.append(SyscallField("st_mode", symbolicMode(mode)))
            f.append(SyscallField("st_nlink", .uint(le(b, l.nlink, l.nlinkW))))
            f.append(SyscallField("st_uid", .uint(le(b, l.uid, l.idW))))
            f.append(SyscallField("st_gid", .uint(le(b, l.gid, l.idW))))
            f.append(SyscallField("st_blksize", .uint(le(b, l.blksize, l.blksizeW))))
            f.append(SyscallField("st_blocks", .uint(le(b, l.blocks, l.blocksW))))
        } else {
            f.append(SyscallField("st_mode", symbolicMode(mode)))
        }
        let type = mode & 0o170000
        if type == 0o20000 || type == 0o60000 {
            f.append(SyscallField("st_rdev", devText(le(b, l.rdev, l.rdevW))))
        } else {
            f.append(SyscallField("st_size", .uint(le(b, l.sizeO, 8 * (layout == .i386 ? 4 : 8) / 8))))
        }
        if abbrev { return .structure(f, truncated: true) }
        for (k, name) in ["st_atime", "st_mtime", "st_ctime"].enumerated() {
            let o = l.atime + k * 2 * l.timeW
            let sec = sle(b, o, l.timeW), nsec = le(b, o + l.timeW, l.timeW)
            let v = SyscallValue.int(sec)
            f.append(SyscallField(name, timeComment(sec, nsec).map { .commented(v, $0) } ?? v))
            f.append(SyscallField(name + "_nsec", .uint(nsec)))
        }
        return .structure(f, truncated: false)
    }

    func statx(_ a: UInt64) -> SyscallValue {
        guard !call.isError, let b = memory.bytes(a, count: 256) else { return .pointer(a) }
        let mask = le(b, 0, 4)
        let abbrev = !options.verbose
        var f = [SyscallField("stx_mask", flagsOr(FC.statxMasks, mask, "STATX_???"))]
        if !abbrev { f.append(SyscallField("stx_blksize", .uint(le(b, 4, 4)))) }
        f.append(SyscallField("stx_attributes", flagsOr(FC.statxAttrs, le(b, 8, 8), "STATX_ATTR_???")))
        if !abbrev {
            if mask & 0x4 != 0 { f.append(SyscallField("stx_nlink", .uint(le(b, 16, 4)))) }
            if mask & 0x8 != 0 { f.append(SyscallField("stx_uid", .uint(le(b, 20, 4)))) }
            if mask & 0x10 != 0 { f.append(SyscallField("stx_gid", .uint(le(b, 24, 4)))) }
        }
        if mask & 0x3 != 0 { f.append(SyscallField("stx_mode", symbolicMode(le(b, 28, 2)))) }
        if !abbrev, mask & 0x100 != 0 { f.append(SyscallField("stx_ino", .uint(le(b, 32, 8)))) }
        if mask & 0x200 != 0 { f.append(SyscallField("stx_size", .uint(le(b, 40, 8)))) }
        if abbrev { return .structure(f, truncated: true) }
        if mask & 0x400 != 0 { f.append(SyscallField("stx_blocks", .uint(le(b, 48, 8)))) }
        f.append(SyscallField("stx_attributes_mask", flagsOr(FC.statxAttrs, le(b, 56, 8), "STATX_ATTR_???")))
        for (bit, name, o) in [(0x20, "stx_atime", 64), (0x800, "stx_btime", 80), (0x80, "stx_ctime", 96), (0x40, "stx_mtime", 112)]
        where mask & UInt64(bit) != 0 {
            let sec = sle(b, o, 8), nsec = le(b, o + 8, 4)
            let v = SyscallValue.structure([SyscallField("tv_sec", .int(sec)), SyscallField("tv_nsec", .uint(nsec))], truncated: false)
            f.append(SyscallField(name, timeComment(sec, nsec).map { .commented(v, $0) } ?? v))
        }
        for (name, o) in [("stx_rdev_major", 128), ("stx_rdev_minor", 132), ("stx_dev_major", 136), ("stx_dev_minor", 140)] {
            f.append(SyscallField(name, .uint(le(b, o, 4))))
        }
        if mask & 0x1000 != 0 { f.append(SyscallField("stx_mnt_id", .hex(le(b, 144, 8)))) }
        if mask & 0x2000 != 0 {
            f.append(SyscallField("stx_dio_mem_align", .uint(le(b, 152, 4))))
            f.append(SyscallField("stx_dio_offset_align", .uint(le(b, 156, 4))))
        }
        return .structure(f, truncated: false)
    }

    mutating func statfsCall(first: PathArg, buffer: Int, layout: StatfsLayout) {
        if entering {
            add(pathArg(first))
            if layout == .statfs64 { add(.uint(call.arg(1))) }
            return
        }
        let a = call.arg(buffer)
        add(call.isError ? .pointer(a) : statfs(a, layout: layout))
    }

    func statfs(_ a: UInt64, layout: StatfsLayout) -> SyscallValue {
        // Offsets of type, bsize, blocks.. ffree, fsid, namelen, frsize, flags and the field widths.
        let w: Int, bigW: Int, size: Int, offs: [Int]
        switch (layout, call.abi) {
        case (.i386, _): (w, bigW, size) = (4, 4, 64); offs = [0, 4, 8, 12, 16, 20, 24, 28, 36, 40, 44]
        case (.statfs64, _): (w, bigW, size) = (4, 8, 84); offs = [0, 4, 8, 16, 24, 32, 40, 48, 56, 60, 64]
        case (.native, _): (w, bigW, size) = (8, 8, 120); offs = [0, 8, 16, 24, 32, 40, 48, 56, 64, 72, 80]
        }
        guard let b = memory.bytes(a, count: size) else { return .pointer(a) }
        let type = le(b, offs[0], w)
        var f = [SyscallField("f_type", FC.fsMagic.names[Int64(bitPattern: type)].map { .constant(value: Int64(bitPattern: type), name: $0, hexFallback: true) } ?? .hex(type)),
                 SyscallField("f_bsize", .uint(le(b, offs[1], w)))]
        for (k, name) in ["f_blocks", "f_bfree", "f_bavail", "f_files", "f_ffree"].enumerated() {
            f.append(SyscallField(name, .uint(le(b, offs[2 + k], bigW))))
        }
        f.append(SyscallField("f_fsid", .structure([SyscallField("val", .array([.hex(le(b, offs[7], 4)), .hex(le(b, offs[7] + 4, 4))], truncated: false))], truncated: false)))
        f.append(SyscallField("f_namelen", .uint(le(b, offs[8], w))))
        f.append(SyscallField("f_frsize", .uint(le(b, offs[9], w))))
        let flags = le(b, offs[10], w)
        if flags & 0x20 != 0 { f.append(SyscallField("f_flags", flagsOr(FC.statfsFlags, flags, "ST_???"))) }
        return .structure(f, truncated: false)
    }

    // MARK: mmap

    mutating func mmap(offset: UInt64) {
        add(.pointer(call.arg(0))); add(.uint(call.arg(1))); add(prot(call.arg(2)))
        let flags = call.arg(3) & 0xffff_ffff
        let type = flags & 0xf
        var names: [String] = []
        var text = FC.mapTypes.names[Int64(type)] ?? (SyscallText.text(.hex(type)) + " /* MAP_??? */")
        var rest = flags & ~0xf
        let huge = rest & (0x3f << 26)
        rest &= ~(0x3f << 26)
        if rest != 0 {
            if case let .flags(_, n, r) = FC.mapFlags.decode(rest) {
                names = n
                if r != 0 { names.append(SyscallText.text(.hex(r))) }
            }
        }
        for n in names { text += "|" + n }
        if huge != 0 { text += "|\(huge >> 26)<<MAP_HUGE_SHIFT" }
        add(.symbolic(.hex(flags), text))
        add(fd(4))
        add(.hex(offset))
    }

    // MARK: poll, select, epoll

    func pollfds(_ a: UInt64, count: UInt64) -> SyscallValue {
        if a == 0 { return .pointer(0) }
        let n = min(count, UInt64(options.stringLimit))
        var items: [SyscallValue] = []
        for k in 0..<n {
            guard let b = memory.bytes(a &+ 8 &* k, count: 8) else {
                if k == 0 { return .pointer(a) }
                items.append(.commented(.text("..."), SyscallText.text(.pointer(a &+ 8 &* k))))
                return .array(items, truncated: false)
            }
            let fdn = Int32(truncatingIfNeeded: le(b, 0, 4))
            var f = [SyscallField("fd", .fd(fdn, path: fdn >= 0 ? fdPath(fdn) : nil))]
            if fdn >= 0 { f.append(SyscallField("events", flagsOr(FC.pollEvents, le(b, 4, 2), "POLL???"))) }
            items.append(.structure(f, truncated: false))
        }
        return .array(items, truncated: count > n)
    }

    mutating func pollResult(timeout: UInt64?) {
        guard !call.isError else { return }
        if call.result == 0 { call.returnComment = "Timeout"; return }
        let a = call.arg(0), count = call.arg(1) & 0xffff_ffff
        var parts: [String] = []
        var shown = 0
        for k in 0..<min(count, 1 << 16) {
            guard let b = memory.bytes(a &+ 8 &* k, count: 8) else { break }
            let revents = le(b, 6, 2)
            if revents == 0 { continue }
            if shown >= options.stringLimit { parts.append("..."); break }
            shown += 1
            let fdn = Int32(truncatingIfNeeded: le(b, 0, 4))
            parts.append("{fd=\(SyscallText.text(.fd(fdn, path: fdn >= 0 ? fdPath(fdn) : nil))), revents=\(SyscallText.text(flagsOr(FC.pollEvents, revents, "POLL???")))}")
        }
        var s = "[" + parts.joined(separator: ", ") + "]"
        if let t = timeout, t != 0 { s += ", left " + SyscallText.text(timespec(t)) }
        call.returnComment = s
    }

    /// `[0 8]`: the descriptors set in an fd_set of `nfds` bits.
    func fdset(_ a: UInt64, nfds: Int) -> (SyscallValue, [Int32]) {
        if a == 0 { return (.pointer(0), []) }
        let w = call.abi.wordSize
        let n = max(0, min(nfds, 1024 * 64))
        let bytes = ((n + 7) / 8 + w - 1) / w * w
        guard let b = memory.bytes(a, count: bytes) else { return (.pointer(a), []) }
        var fds: [Int32] = []
        for i in 0..<n where b[i / 8] & (1 << (i % 8)) != 0 { fds.append(Int32(i)) }
        return (.set(fds.map { SyscallText.text(.fd($0, path: fdPath($0))) }, complement: false), fds)
    }

    mutating func select(nanoseconds: Bool) {
        let nfds = Int(call.int(0))
        if entering {
            add(.int(Int64(nfds)))
            for i in 1...3 { add(fdset(call.arg(i), nfds: nfds).0) }
            add(nanoseconds ? timespec(call.arg(4)) : timeval(call.arg(4)))
            if nanoseconds {
                let a = call.arg(5)
                if a == 0 { add(.pointer(0)) } else {
                    let w = call.abi.wordSize
                    if let b = memory.bytes(a, count: 2 * w) {
                        let size = le(b, w, w)
                        add(.structure([SyscallField(nil, sigset(le(b, 0, w), size: size)), SyscallField(nil, .uint(size))], truncated: false))
                    } else { add(.pointer(a)) }
                }
            }
            return
        }
        guard !call.isError else { return }
        if call.result == 0 { call.returnComment = "Timeout"; return }
        var parts: [String] = []
        for (i, label) in [(1, "in"), (2, "out"), (3, "except")] {
            let a = call.arg(i)
            guard a != 0 else { continue }
            let (v, fds) = fdset(a, nfds: nfds)
            if !fds.isEmpty { parts.append(label + " " + SyscallText.text(v)) }
        }
        if call.arg(4) != 0 {
            parts.append("left " + SyscallText.text(nanoseconds ? timespec(call.arg(4)) : timeval(call.arg(4))))
        }
        call.returnComment = parts.joined(separator: ", ")
    }

    func epollEvents(_ a: UInt64, count: Int) -> [SyscallValue]? {
        let size = call.abi == .aarch64 ? 16 : 12, dataOffset = call.abi == .aarch64 ? 8 : 4
        var out: [SyscallValue] = []
        for k in 0..<max(0, count) {
            guard let b = memory.bytes(a &+ UInt64(k * size), count: size) else {
                if k == 0 { return nil }
                out.append(.commented(.text("..."), SyscallText.text(.pointer(a &+ UInt64(k * size)))))
                return out
            }
            let data = le(b, dataOffset, 8)
            out.append(.structure([
                SyscallField("events", flagsOr(FC.epollEvents, le(b, 0, 4), "EPOLL???")),
                SyscallField("data", .structure([SyscallField("u32", .uint(data & 0xffff_ffff)), SyscallField("u64", .uint(data))], truncated: false)),
            ], truncated: false))
        }
        return out
    }

    mutating func epollWait(extra: Bool) {
        if entering { add(fd(0)); return }
        let a = call.arg(1)
        if call.isError { add(.pointer(a)) } else {
            let n = max(0, Int(clamping: call.result))
            let shown = max(0, min(n, options.stringLimit))
            if let e = epollEvents(a, count: shown) { add(.array(e, truncated: n > shown)) } else { add(.pointer(a)) }
        }
        add(.int(Int64(call.int(2)))); add(.int(Int64(call.int(3))))
        if extra { add(sigset(call.arg(4), size: call.arg(5))); add(.uint(call.arg(5))) }
    }
}
