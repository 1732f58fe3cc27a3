/// Constants of file, descriptor, stat and memory syscalls (Linux UAPI values, in strace 6.1's print
/// order). x86_64 and i386 share the generic values; aarch64 differs only in a few O_* bits.
enum FileConstants {
    // MARK: open(2)

    static let accessModes = ValueTable([(0, "O_RDONLY"), (1, "O_WRONLY"), (2, "O_RDWR"), (3, "O_ACCMODE")])

    /// open flags above the access mode, x86 values (octal in the UAPI headers).
    static let openFlagsX86 = FlagTable([
        (0o100, "O_CREAT"), (0o200, "O_EXCL"), (0o400, "O_NOCTTY"), (0o1000, "O_TRUNC"), (0o2000, "O_APPEND"),
        (0o4000, "O_NONBLOCK"), (0o4010000, "O_SYNC"), (0o4000000, "__O_SYNC"), (0o10000, "O_DSYNC"),
        (0o40000, "O_DIRECT"), (0o100000, "O_LARGEFILE"), (0o400000, "O_NOFOLLOW"), (0o1000000, "O_NOATIME"),
        (0o2000000, "O_CLOEXEC"), (0o10000000, "O_PATH"), (0o20200000, "O_TMPFILE"), (0o20000000, "__O_TMPFILE"),
        (0o200000, "O_DIRECTORY"), (0o20000, "FASYNC"),
    ])
    /// aarch64 (asm-generic on arm): O_DIRECTORY, O_NOFOLLOW, O_DIRECT and O_LARGEFILE move.
    static let openFlagsArm = FlagTable([
        (0o100, "O_CREAT"), (0o200, "O_EXCL"), (0o400, "O_NOCTTY"), (0o1000, "O_TRUNC"), (0o2000, "O_APPEND"),
        (0o4000, "O_NONBLOCK"), (0o4010000, "O_SYNC"), (0o4000000, "__O_SYNC"), (0o10000, "O_DSYNC"),
        (0o200000, "O_DIRECT"), (0o400000, "O_LARGEFILE"), (0o100000, "O_NOFOLLOW"), (0o1000000, "O_NOATIME"),
        (0o2000000, "O_CLOEXEC"), (0o10000000, "O_PATH"), (0o20040000, "O_TMPFILE"), (0o20000000, "__O_TMPFILE"),
        (0o40000, "O_DIRECTORY"), (0o20000, "FASYNC"),
    ])
    static func openFlags(_ abi: SyscallABI) -> FlagTable { abi == .aarch64 ? openFlagsArm : openFlagsX86 }
    static func cloexec(_ abi: SyscallABI) -> UInt64 { 0o2000000 }
    static func nonblock(_ abi: SyscallABI) -> UInt64 { 0o4000 }
    static let creat: UInt64 = 0o100
    static let tmpfile: UInt64 = 0o20000000

    static let resolveFlags = FlagTable([
        (0x01, "RESOLVE_NO_XDEV"), (0x02, "RESOLVE_NO_MAGICLINKS"), (0x04, "RESOLVE_NO_SYMLINKS"),
        (0x08, "RESOLVE_BENEATH"), (0x10, "RESOLVE_IN_ROOT"), (0x20, "RESOLVE_CACHED"),
    ])

    // MARK: *at(2)

    static let atFDCWD: Int32 = -100
    static let atFlags = FlagTable([
        (0x100, "AT_SYMLINK_NOFOLLOW"), (0x200, "AT_REMOVEDIR"), (0x400, "AT_SYMLINK_FOLLOW"),
        (0x800, "AT_NO_AUTOMOUNT"), (0x1000, "AT_EMPTY_PATH"), (0x8000, "AT_RECURSIVE"),
    ])
    static let faccessatFlags = FlagTable([
        (0x100, "AT_SYMLINK_NOFOLLOW"), (0x200, "AT_EACCESS"), (0x1000, "AT_EMPTY_PATH"),
    ])
    static let statxSync = ValueTable([(0, "AT_STATX_SYNC_AS_STAT"), (0x2000, "AT_STATX_FORCE_SYNC"), (0x4000, "AT_STATX_DONT_SYNC")])
    static let statxMasks = FlagTable([
        (0xfff, "STATX_ALL"), (0x7ff, "STATX_BASIC_STATS"), (0x1, "STATX_TYPE"), (0x2, "STATX_MODE"),
        (0x4, "STATX_NLINK"), (0x8, "STATX_UID"), (0x10, "STATX_GID"), (0x20, "STATX_ATIME"), (0x40, "STATX_MTIME"),
        (0x80, "STATX_CTIME"), (0x100, "STATX_INO"), (0x200, "STATX_SIZE"), (0x400, "STATX_BLOCKS"),
        (0x800, "STATX_BTIME"), (0x1000, "STATX_MNT_ID"), (0x2000, "STATX_DIOALIGN"),
    ])
    static let statxAttrs = FlagTable([
        (0x4, "STATX_ATTR_COMPRESSED"), (0x10, "STATX_ATTR_IMMUTABLE"), (0x20, "STATX_ATTR_APPEND"),
        (0x40, "STATX_ATTR_NODUMP"), (0x800, "STATX_ATTR_ENCRYPTED"), (0x1000, "STATX_ATTR_AUTOMOUNT"),
        (0x2000, "STATX_ATTR_MOUNT_ROOT"), (0x100000, "STATX_ATTR_VERITY"), (0x200000, "STATX_ATTR_DAX"),
    ])
    static let renameFlags = FlagTable([(1, "RENAME_NOREPLACE"), (2, "RENAME_EXCHANGE"), (4, "RENAME_WHITEOUT")])

    // MARK: modes

    static let modeTypes = ValueTable([
        (0o100000, "S_IFREG"), (0o140000, "S_IFSOCK"), (0o10000, "S_IFIFO"), (0o120000, "S_IFLNK"),
        (0o40000, "S_IFDIR"), (0o60000, "S_IFBLK"), (0o20000, "S_IFCHR"),
    ])
    static let accessFlags = FlagTable([(4, "R_OK"), (2, "W_OK"), (1, "X_OK")])

    // MARK: descriptors

    static let fcntlCommands: [Int64: String] = [
        0: "F_DUPFD", 1: "F_GETFD", 2: "F_SETFD", 3: "F_GETFL", 4: "F_SETFL", 5: "F_GETLK", 6: "F_SETLK",
        7: "F_SETLKW", 8: "F_SETOWN", 9: "F_GETOWN", 10: "F_SETSIG", 11: "F_GETSIG", 15: "F_SETOWN_EX",
        16: "F_GETOWN_EX", 17: "F_GETOWNER_UIDS", 36: "F_OFD_GETLK", 37: "F_OFD_SETLK", 38: "F_OFD_SETLKW",
        1024: "F_SETLEASE", 1025: "F_GETLEASE", 1026: "F_NOTIFY", 1029: "F_CANCELLK", 1030: "F_DUPFD_CLOEXEC",
        1031: "F_SETPIPE_SZ", 1032: "F_GETPIPE_SZ", 1033: "F_ADD_SEALS", 1034: "F_GET_SEALS",
    ]
    /// The 32-bit ABIs' fcntl64 commands on struct flock64.
    static let fcntl64Commands: [Int64: String] = [12: "F_GETLK64", 13: "F_SETLK64", 14: "F_SETLKW64"]
    static let fdFlags = FlagTable([(1, "FD_CLOEXEC")])
    static let lockTypes = ValueTable([(0, "F_RDLCK"), (1, "F_WRLCK"), (2, "F_UNLCK"), (4, "F_EXLCK"), (8, "F_SHLCK")])
    static let seals = FlagTable([(1, "F_SEAL_SEAL"), (2, "F_SEAL_SHRINK"), (4, "F_SEAL_GROW"), (8, "F_SEAL_WRITE"), (16, "F_SEAL_FUTURE_WRITE")])
    static let notifyFlags = FlagTable([
        (1, "DN_ACCESS"), (2, "DN_MODIFY"), (4, "DN_CREATE"), (8, "DN_DELETE"), (16, "DN_RENAME"),
        (32, "DN_ATTRIB"), (0x80000000, "DN_MULTISHOT"),
    ])
    static let ownerTypes = ValueTable([(0, "F_OWNER_TID"), (1, "F_OWNER_PID"), (2, "F_OWNER_PGRP")])
    static let whence = ValueTable([(0, "SEEK_SET"), (1, "SEEK_CUR"), (2, "SEEK_END"), (3, "SEEK_DATA"), (4, "SEEK_HOLE")])
    static let flockOps = FlagTable([
        (1, "LOCK_SH"), (2, "LOCK_EX"), (4, "LOCK_NB"), (8, "LOCK_UN"), (32, "LOCK_MAND"), (192, "LOCK_RW"),
        (64, "LOCK_READ"), (128, "LOCK_WRITE"),
    ])
    static let fallocFlags = FlagTable([
        (0x01, "FALLOC_FL_KEEP_SIZE"), (0x02, "FALLOC_FL_PUNCH_HOLE"), (0x04, "FALLOC_FL_NO_HIDE_STALE"),
        (0x08, "FALLOC_FL_COLLAPSE_RANGE"), (0x10, "FALLOC_FL_ZERO_RANGE"), (0x20, "FALLOC_FL_INSERT_RANGE"),
        (0x40, "FALLOC_FL_UNSHARE_RANGE"),
    ])
    static let fadvice = ValueTable([
        (0, "POSIX_FADV_NORMAL"), (1, "POSIX_FADV_RANDOM"), (2, "POSIX_FADV_SEQUENTIAL"), (3, "POSIX_FADV_WILLNEED"),
        (4, "POSIX_FADV_DONTNEED"), (5, "POSIX_FADV_NOREUSE"),
    ])
    static let syncFileRange = FlagTable([(1, "SYNC_FILE_RANGE_WAIT_BEFORE"), (2, "SYNC_FILE_RANGE_WRITE"), (4, "SYNC_FILE_RANGE_WAIT_AFTER")])
    static let rwfFlags = FlagTable([(1, "RWF_HIPRI"), (2, "RWF_DSYNC"), (4, "RWF_SYNC"), (8, "RWF_NOWAIT"), (16, "RWF_APPEND")])
    static let spliceFlags = FlagTable([(1, "SPLICE_F_MOVE"), (2, "SPLICE_F_NONBLOCK"), (4, "SPLICE_F_MORE"), (8, "SPLICE_F_GIFT")])
    static let closeRangeFlags = FlagTable([(2, "CLOSE_RANGE_UNSHARE"), (4, "CLOSE_RANGE_CLOEXEC")])
    static let memfdFlags = FlagTable([(1, "MFD_CLOEXEC"), (2, "MFD_ALLOW_SEALING"), (4, "MFD_HUGETLB")])
    static let xattrFlags = FlagTable([(1, "XATTR_CREATE"), (2, "XATTR_REPLACE")])
    static let direntTypes = ValueTable([
        (0, "DT_UNKNOWN"), (1, "DT_FIFO"), (2, "DT_CHR"), (4, "DT_DIR"), (6, "DT_BLK"), (8, "DT_REG"),
        (10, "DT_LNK"), (12, "DT_SOCK"), (14, "DT_WHT"),
    ])

    // MARK: poll, epoll, eventfd, inotify

    static let pollEvents = FlagTable([
        (0x1, "POLLIN"), (0x2, "POLLPRI"), (0x4, "POLLOUT"), (0x8, "POLLERR"), (0x10, "POLLHUP"), (0x20, "POLLNVAL"),
        (0x40, "POLLRDNORM"), (0x80, "POLLRDBAND"), (0x100, "POLLWRNORM"), (0x200, "POLLWRBAND"), (0x400, "POLLMSG"),
        (0x1000, "POLLREMOVE"), (0x2000, "POLLRDHUP"), (0x8000, "POLL_BUSY_LOOP"),
    ])
    static let epollOps = ValueTable([(1, "EPOLL_CTL_ADD"), (2, "EPOLL_CTL_DEL"), (3, "EPOLL_CTL_MOD")])
    static let epollEvents = FlagTable([
        (0x1, "EPOLLIN"), (0x2, "EPOLLPRI"), (0x4, "EPOLLOUT"), (0x8, "EPOLLERR"), (0x10, "EPOLLHUP"),
        (0x20, "EPOLLNVAL"), (0x40, "EPOLLRDNORM"), (0x80, "EPOLLRDBAND"), (0x100, "EPOLLWRNORM"),
        (0x200, "EPOLLWRBAND"), (0x400, "EPOLLMSG"), (0x2000, "EPOLLRDHUP"), (0x1000_0000, "EPOLLEXCLUSIVE"),
        (0x2000_0000, "EPOLLWAKEUP"), (0x4000_0000, "EPOLLONESHOT"), (0x8000_0000, "EPOLLET"),
    ])
    static let epollFlags = FlagTable([(0o2000000, "EPOLL_CLOEXEC")])
    static let eventfdFlags = FlagTable([(1, "EFD_SEMAPHORE"), (0o2000000, "EFD_CLOEXEC"), (0o4000, "EFD_NONBLOCK")])
    static let inotifyInitFlags = FlagTable([(0o4000, "IN_NONBLOCK"), (0o2000000, "IN_CLOEXEC")])
    static let inotifyMask = FlagTable([
        (0x1, "IN_ACCESS"), (0x2, "IN_MODIFY"), (0x4, "IN_ATTRIB"), (0x8, "IN_CLOSE_WRITE"), (0x10, "IN_CLOSE_NOWRITE"),
        (0x20, "IN_OPEN"), (0x40, "IN_MOVED_FROM"), (0x80, "IN_MOVED_TO"), (0x100, "IN_CREATE"), (0x200, "IN_DELETE"),
        (0x400, "IN_DELETE_SELF"), (0x800, "IN_MOVE_SELF"), (0x2000, "IN_UNMOUNT"), (0x4000, "IN_Q_OVERFLOW"),
        (0x8000, "IN_IGNORED"), (0x0100_0000, "IN_ONLYDIR"), (0x0200_0000, "IN_DONT_FOLLOW"),
        (0x0400_0000, "IN_EXCL_UNLINK"), (0x1000_0000, "IN_MASK_CREATE"), (0x2000_0000, "IN_MASK_ADD"),
        (0x4000_0000, "IN_ISDIR"), (0x8000_0000, "IN_ONESHOT"),
    ])

    // MARK: memory

    static let protections = FlagTable([
        (0x1, "PROT_READ"), (0x2, "PROT_WRITE"), (0x4, "PROT_EXEC"), (0x8, "PROT_SEM"),
        (0x0100_0000, "PROT_GROWSDOWN"), (0x0200_0000, "PROT_GROWSUP"),
    ])
    /// MAP_SHARED/PRIVATE/SHARED_VALIDATE are the type field (MAP_TYPE = 0xf).
    static let mapTypes = ValueTable([(1, "MAP_SHARED"), (2, "MAP_PRIVATE"), (3, "MAP_SHARED_VALIDATE")])
    static let mapFlags = FlagTable([
        (0x10, "MAP_FIXED"), (0x20, "MAP_ANONYMOUS"), (0x40, "MAP_32BIT"), (0x4000, "MAP_NORESERVE"),
        (0x8000, "MAP_POPULATE"), (0x10000, "MAP_NONBLOCK"), (0x100, "MAP_GROWSDOWN"), (0x800, "MAP_DENYWRITE"),
        (0x1000, "MAP_EXECUTABLE"), (0x2000, "MAP_LOCKED"), (0x20000, "MAP_STACK"), (0x40000, "MAP_HUGETLB"),
        (0x80000, "MAP_SYNC"), (0x100000, "MAP_FIXED_NOREPLACE"), (0x400_0000, "MAP_UNINITIALIZED"),
    ])
    static let madvice = ValueTable([
        (0, "MADV_NORMAL"), (1, "MADV_RANDOM"), (2, "MADV_SEQUENTIAL"), (3, "MADV_WILLNEED"), (4, "MADV_DONTNEED"),
        (8, "MADV_FREE"), (9, "MADV_REMOVE"), (10, "MADV_DONTFORK"), (11, "MADV_DOFORK"), (12, "MADV_MERGEABLE"),
        (13, "MADV_UNMERGEABLE"), (14, "MADV_HUGEPAGE"), (15, "MADV_NOHUGEPAGE"), (16, "MADV_DONTDUMP"),
        (17, "MADV_DODUMP"), (18, "MADV_WIPEONFORK"), (19, "MADV_KEEPONFORK"), (20, "MADV_COLD"),
        (21, "MADV_PAGEOUT"), (22, "MADV_POPULATE_READ"), (23, "MADV_POPULATE_WRITE"), (24, "MADV_DONTNEED_LOCKED"),
        (100, "MADV_HWPOISON"), (101, "MADV_SOFT_OFFLINE"),
    ])
    static let mremapFlags = FlagTable([(1, "MREMAP_MAYMOVE"), (2, "MREMAP_FIXED"), (4, "MREMAP_DONTUNMAP")])
    static let msyncFlags = FlagTable([(1, "MS_ASYNC"), (2, "MS_INVALIDATE"), (4, "MS_SYNC")])
    static let mlockFlags = FlagTable([(1, "MLOCK_ONFAULT")])
    static let mlockallFlags = FlagTable([(1, "MCL_CURRENT"), (2, "MCL_FUTURE"), (4, "MCL_ONFAULT")])

    // MARK: statfs

    static let statfsFlags = FlagTable([
        (0x20, "ST_VALID"), (0x1, "ST_RDONLY"), (0x2, "ST_NOSUID"), (0x4, "ST_NODEV"), (0x8, "ST_NOEXEC"),
        (0x10, "ST_SYNCHRONOUS"), (0x40, "ST_MANDLOCK"), (0x400, "ST_NOATIME"), (0x800, "ST_NODIRATIME"),
        (0x1000, "ST_RELATIME"), (0x2000, "ST_NOSYMFOLLOW"),
    ])
    /// Filesystem magics (linux/magic.h) under strace's names; the first name of a value wins.
    static let fsMagic = ValueTable([
        (0x0000_9fa0, "PROC_SUPER_MAGIC"), (0x0000_ef53, "EXT2_SUPER_MAGIC"), (0x0102_1994, "TMPFS_MAGIC"),
        (0x6265_6572, "SYSFS_MAGIC"), (0x5846_5342, "XFS_SUPER_MAGIC"), (0x9123_683e, "BTRFS_SUPER_MAGIC"),
        (0x794c_7630, "OVERLAYFS_SUPER_MAGIC"), (0x6369_7465, "CGROUP2_SUPER_MAGIC"), (0x0027_e0eb, "CGROUP_SUPER_MAGIC"),
        (0x0000_1cd1, "DEVPTS_SUPER_MAGIC"), (0x7371_7368, "SQUASHFS_MAGIC"), (0x0000_6969, "NFS_SUPER_MAGIC"),
        (0x0000_4d44, "MSDOS_SUPER_MAGIC"), (0x2011_bab0, "EXFAT_SUPER_MAGIC"), (0x5346_544e, "NTFS_SB_MAGIC"),
        (0x0000_9660, "ISOFS_SUPER_MAGIC"), (0x6573_5546, "FUSE_SUPER_MAGIC"), (0x6462_6720, "DEBUGFS_MAGIC"),
        (0x7472_6163, "TRACEFS_MAGIC"), (0x7363_6673, "SECURITYFS_MAGIC"), (0xcafe_4a11, "BPF_FS_MAGIC"),
        (0x5049_5045, "PIPEFS_MAGIC"), (0x534f_434b, "SOCKFS_MAGIC"), (0x0904_1934, "ANON_INODE_FS_MAGIC"),
        (0x0000_0187, "AUTOFS_SUPER_MAGIC"), (0x0102_1997, "V9FS_MAGIC"), (0x2736_2d69, "MQUEUE_MAGIC"),
        (0x9584_58f6, "HUGETLBFS_MAGIC"), (0xf97c_ff8c, "SELINUX_MAGIC"), (0x6e73_6673, "NSFS_MAGIC"),
        (0x4249_4e4d, "BINFMTFS_MAGIC"), (0x6165_676c, "PSTOREFS_MAGIC"), (0x6265_6570, "CONFIGFS_MAGIC"),
        (0xde5e_81e4, "EFIVARFS_MAGIC"), (0x6462_6720, "DEBUGFS_MAGIC"), (0x2844_8e41, "RAMFS_MAGIC"),
        (0x7275, "ROMFS_MAGIC"), (0xff53_4d42, "CIFS_SUPER_MAGIC"), (0xf2f5_2010, "F2FS_SUPER_MAGIC"),
        (0x2fc1_2fc1, "ZFS_SUPER_MAGIC"), (0x5345_434d, "SECRETMEM_MAGIC"), (0x4d44, "MSDOS_SUPER_MAGIC"),
    ])

    // MARK: ioctl

    /// Requests strace names on x86_64/aarch64 (asm-generic ioctls.h).
    static let ioctlNames: [UInt32: String] = [
        0x5401: "TCGETS", 0x5402: "TCSETS", 0x5403: "TCSETSW", 0x5404: "TCSETSF", 0x5405: "TCGETA",
        0x5406: "TCSETA", 0x5407: "TCSETAW", 0x5408: "TCSETAF", 0x5409: "TCSBRK", 0x540a: "TCXONC",
        0x540b: "TCFLSH", 0x540c: "TIOCEXCL", 0x540d: "TIOCNXCL", 0x540e: "TIOCSCTTY", 0x540f: "TIOCGPGRP",
        0x5410: "TIOCSPGRP", 0x5411: "TIOCOUTQ", 0x5412: "TIOCSTI", 0x5413: "TIOCGWINSZ", 0x5414: "TIOCSWINSZ",
        0x5415: "TIOCMGET", 0x5416: "TIOCMBIS", 0x5417: "TIOCMBIC", 0x5418: "TIOCMSET", 0x5419: "TIOCGSOFTCAR",
        0x541a: "TIOCSSOFTCAR", 0x541b: "FIONREAD", 0x541c: "TIOCLINUX", 0x541d: "TIOCCONS",
        0x541e: "TIOCGSERIAL", 0x541f: "TIOCSSERIAL", 0x5420: "TIOCPKT", 0x5421: "FIONBIO", 0x5422: "TIOCNOTTY",
        0x5423: "TIOCSETD", 0x5424: "TIOCGETD", 0x5425: "TCSBRKP", 0x5427: "TIOCSBRK", 0x5428: "TIOCCBRK",
        0x5429: "TIOCGSID", 0x802c_542a: "TCGETS2", 0x402c_542b: "TCSETS2", 0x402c_542c: "TCSETSW2",
        0x402c_542d: "TCSETSF2", 0x8004_5430: "TIOCGPTN", 0x4004_5431: "TIOCSPTLCK", 0x8004_5432: "TIOCGDEV",
        0x5437: "TIOCVHANGUP", 0x8004_5440: "TIOCGEXCL", 0x5441: "TIOCGPTPEER", 0x5450: "FIONCLEX",
        0x5451: "FIOCLEX", 0x5452: "FIOASYNC", 0x5453: "TIOCSERCONFIG", 0x5454: "TIOCSERGWILD",
        0x5455: "TIOCSERSWILD", 0x5456: "TIOCGLCKTRMIOS", 0x5457: "TIOCSLCKTRMIOS", 0x5458: "TIOCSERGSTRUCT",
        0x5459: "TIOCSERGETLSR", 0x545a: "TIOCSERGETMULTI", 0x545b: "TIOCSERSETMULTI", 0x545c: "TIOCMIWAIT",
        0x545d: "TIOCGICOUNT", 0x5460: "FIOQSIZE",
        0x8008_6601: "FS_IOC_GETFLAGS", 0x4008_6602: "FS_IOC_SETFLAGS", 0x0000_1260: "BLKGETSIZE",
        0x8008_1272: "BLKGETSIZE64", 0x0000_125d: "BLKSSZGET", 0x0000_1268: "BLKROGET", 0x0000_1261: "BLKFLSBUF",
        0xc020_660b: "FS_IOC_FIEMAP", 0x4004_9409: "FICLONE", 0x0000_0001: "FIBMAP", 0x0000_0002: "FIGETBSZ",
    ]
}
