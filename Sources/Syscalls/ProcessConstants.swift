/// Flag and value tables of process, signal, time, network and IPC syscalls, in strace 6.1's print order
/// (its xlat/*.in files; numbers from the Linux UAPI headers, identical on x86_64, i386 and aarch64).
enum PC {
    static let cloneFlags = FlagTable([
        (0x100, "CLONE_VM"), (0x200, "CLONE_FS"), (0x400, "CLONE_FILES"), (0x800, "CLONE_SIGHAND"),
        (0x1000, "CLONE_PIDFD"), (0x2000, "CLONE_PTRACE"), (0x4000, "CLONE_VFORK"), (0x8000, "CLONE_PARENT"),
        (0x10000, "CLONE_THREAD"), (0x20000, "CLONE_NEWNS"), (0x40000, "CLONE_SYSVSEM"), (0x80000, "CLONE_SETTLS"),
        (0x100000, "CLONE_PARENT_SETTID"), (0x200000, "CLONE_CHILD_CLEARTID"), (0x800000, "CLONE_UNTRACED"),
        (0x1000000, "CLONE_CHILD_SETTID"), (0x2000000, "CLONE_NEWCGROUP"), (0x4000000, "CLONE_NEWUTS"),
        (0x8000000, "CLONE_NEWIPC"), (0x10000000, "CLONE_NEWUSER"), (0x20000000, "CLONE_NEWPID"),
        (0x40000000, "CLONE_NEWNET"), (0x80000000, "CLONE_IO"),
        // clone3 only
        (0x100000000, "CLONE_CLEAR_SIGHAND"), (0x200000000, "CLONE_INTO_CGROUP"),
    ])
    static let waitOptions = FlagTable([
        (1, "WNOHANG"), (2, "WUNTRACED"), (4, "WEXITED"), (8, "WCONTINUED"), (0x0100_0000, "WNOWAIT"),
        (0x8000_0000, "__WCLONE"), (0x4000_0000, "__WALL"), (0x2000_0000, "__WNOTHREAD"),
    ])
    static let waitidTypes = ValueTable([(0, "P_ALL"), (1, "P_PID"), (2, "P_PGID"), (3, "P_PIDFD")])
    static let sigactFlags = FlagTable([
        (0x0400_0000, "SA_RESTORER"), (0x0800_0000, "SA_ONSTACK"), (0x1000_0000, "SA_RESTART"),
        (0x2000_0000, "SA_INTERRUPT"), (0x4000_0000, "SA_NODEFER"), (0x8000_0000, "SA_RESETHAND"),
        (4, "SA_SIGINFO"), (1, "SA_NOCLDSTOP"), (2, "SA_NOCLDWAIT"),
    ])
    static let sigprocmaskHow = ValueTable([(0, "SIG_BLOCK"), (1, "SIG_UNBLOCK"), (2, "SIG_SETMASK")])
    static let sigaltstackFlags = FlagTable([(1, "SS_ONSTACK"), (2, "SS_DISABLE"), (0x8000_0000, "SS_AUTODISARM")])
    static let sfdFlags = FlagTable([(0o2000000, "SFD_CLOEXEC"), (0o4000, "SFD_NONBLOCK")])
    static let resources = ValueTable([
        (0, "RLIMIT_CPU"), (1, "RLIMIT_FSIZE"), (2, "RLIMIT_DATA"), (3, "RLIMIT_STACK"), (4, "RLIMIT_CORE"),
        (5, "RLIMIT_RSS"), (6, "RLIMIT_NPROC"), (7, "RLIMIT_NOFILE"), (8, "RLIMIT_MEMLOCK"), (9, "RLIMIT_AS"),
        (10, "RLIMIT_LOCKS"), (11, "RLIMIT_SIGPENDING"), (12, "RLIMIT_MSGQUEUE"), (13, "RLIMIT_NICE"),
        (14, "RLIMIT_RTPRIO"), (15, "RLIMIT_RTTIME"),
    ])
    static let usageWho = ValueTable([(0, "RUSAGE_SELF"), (-1, "RUSAGE_CHILDREN"), (-2, "RUSAGE_BOTH"), (1, "RUSAGE_THREAD")])
    static let getrandomFlags = FlagTable([(1, "GRND_NONBLOCK"), (2, "GRND_RANDOM"), (4, "GRND_INSECURE")])
    static let archPrctl = ValueTable([
        (0x1001, "ARCH_SET_GS"), (0x1002, "ARCH_SET_FS"), (0x1003, "ARCH_GET_FS"), (0x1004, "ARCH_GET_GS"),
        (0x1011, "ARCH_GET_CPUID"), (0x1012, "ARCH_SET_CPUID"), (0x1021, "ARCH_GET_XCOMP_SUPP"),
        (0x1022, "ARCH_GET_XCOMP_PERM"), (0x1023, "ARCH_REQ_XCOMP_PERM"), (0x1024, "ARCH_GET_XCOMP_GUEST_PERM"),
        (0x1025, "ARCH_REQ_XCOMP_GUEST_PERM"), (0x2001, "ARCH_MAP_VDSO_X32"), (0x2002, "ARCH_MAP_VDSO_32"),
        (0x2003, "ARCH_MAP_VDSO_64"),
    ])
    static let prctlOptions = ValueTable([
        (1, "PR_SET_PDEATHSIG"), (2, "PR_GET_PDEATHSIG"), (3, "PR_GET_DUMPABLE"), (4, "PR_SET_DUMPABLE"),
        (5, "PR_GET_UNALIGN"), (6, "PR_SET_UNALIGN"), (7, "PR_GET_KEEPCAPS"), (8, "PR_SET_KEEPCAPS"),
        (9, "PR_GET_FPEMU"), (10, "PR_SET_FPEMU"), (11, "PR_GET_FPEXC"), (12, "PR_SET_FPEXC"),
        (13, "PR_GET_TIMING"), (14, "PR_SET_TIMING"), (15, "PR_SET_NAME"), (16, "PR_GET_NAME"),
        (19, "PR_GET_ENDIAN"), (20, "PR_SET_ENDIAN"), (21, "PR_GET_SECCOMP"), (22, "PR_SET_SECCOMP"),
        (23, "PR_CAPBSET_READ"), (24, "PR_CAPBSET_DROP"), (25, "PR_GET_TSC"), (26, "PR_SET_TSC"),
        (27, "PR_GET_SECUREBITS"), (28, "PR_SET_SECUREBITS"), (29, "PR_SET_TIMERSLACK"), (30, "PR_GET_TIMERSLACK"),
        (31, "PR_TASK_PERF_EVENTS_DISABLE"), (32, "PR_TASK_PERF_EVENTS_ENABLE"), (33, "PR_MCE_KILL"),
        (34, "PR_MCE_KILL_GET"), (35, "PR_SET_MM"), (36, "PR_SET_CHILD_SUBREAPER"), (37, "PR_GET_CHILD_SUBREAPER"),
        (38, "PR_SET_NO_NEW_PRIVS"), (39, "PR_GET_NO_NEW_PRIVS"), (40, "PR_GET_TID_ADDRESS"),
        (41, "PR_SET_THP_DISABLE"), (42, "PR_GET_THP_DISABLE"), (43, "PR_MPX_ENABLE_MANAGEMENT"),
        (44, "PR_MPX_DISABLE_MANAGEMENT"), (45, "PR_SET_FP_MODE"), (46, "PR_GET_FP_MODE"), (47, "PR_CAP_AMBIENT"),
        (50, "PR_SVE_SET_VL"), (51, "PR_SVE_GET_VL"), (52, "PR_GET_SPECULATION_CTRL"), (53, "PR_SET_SPECULATION_CTRL"),
        (54, "PR_PAC_RESET_KEYS"), (55, "PR_SET_TAGGED_ADDR_CTRL"), (56, "PR_GET_TAGGED_ADDR_CTRL"),
        (57, "PR_SET_IO_FLUSHER"), (58, "PR_GET_IO_FLUSHER"), (59, "PR_SET_SYSCALL_USER_DISPATCH"),
        (60, "PR_PAC_SET_ENABLED_KEYS"), (61, "PR_PAC_GET_ENABLED_KEYS"), (62, "PR_SCHED_CORE"),
        (63, "PR_SME_SET_VL"), (64, "PR_SME_GET_VL"), (0x5356_4d41, "PR_SET_VMA"), (0x5961_6d61, "PR_SET_PTRACER"),
    ])
    static let dumpable = ValueTable([(0, "SUID_DUMP_DISABLE"), (1, "SUID_DUMP_USER"), (2, "SUID_DUMP_ROOT")])
    static let futexOps = ValueTable([
        (0, "FUTEX_WAIT"), (1, "FUTEX_WAKE"), (2, "FUTEX_FD"), (3, "FUTEX_REQUEUE"), (4, "FUTEX_CMP_REQUEUE"),
        (5, "FUTEX_WAKE_OP"), (6, "FUTEX_LOCK_PI"), (7, "FUTEX_UNLOCK_PI"), (8, "FUTEX_TRYLOCK_PI"),
        (9, "FUTEX_WAIT_BITSET"), (10, "FUTEX_WAKE_BITSET"), (11, "FUTEX_WAIT_REQUEUE_PI"),
        (12, "FUTEX_CMP_REQUEUE_PI"), (13, "FUTEX_LOCK_PI2"),
        (128, "FUTEX_WAIT_PRIVATE"), (129, "FUTEX_WAKE_PRIVATE"), (130, "FUTEX_FD|FUTEX_PRIVATE_FLAG"),
        (131, "FUTEX_REQUEUE_PRIVATE"), (132, "FUTEX_CMP_REQUEUE_PRIVATE"), (133, "FUTEX_WAKE_OP_PRIVATE"),
        (134, "FUTEX_LOCK_PI_PRIVATE"), (135, "FUTEX_UNLOCK_PI_PRIVATE"), (136, "FUTEX_TRYLOCK_PI_PRIVATE"),
        (137, "FUTEX_WAIT_BITSET_PRIVATE"), (138, "FUTEX_WAKE_BITSET_PRIVATE"),
        (139, "FUTEX_WAIT_REQUEUE_PI_PRIVATE"), (140, "FUTEX_CMP_REQUEUE_PI_PRIVATE"), (141, "FUTEX_LOCK_PI2_PRIVATE"),
        (256, "FUTEX_WAIT|FUTEX_CLOCK_REALTIME"), (384, "FUTEX_WAIT_PRIVATE|FUTEX_CLOCK_REALTIME"),
        (265, "FUTEX_WAIT_BITSET|FUTEX_CLOCK_REALTIME"), (393, "FUTEX_WAIT_BITSET_PRIVATE|FUTEX_CLOCK_REALTIME"),
        (267, "FUTEX_WAIT_REQUEUE_PI|FUTEX_CLOCK_REALTIME"), (395, "FUTEX_WAIT_REQUEUE_PI_PRIVATE|FUTEX_CLOCK_REALTIME"),
    ])
    static let clocks = ValueTable([
        (0, "CLOCK_REALTIME"), (1, "CLOCK_MONOTONIC"), (2, "CLOCK_PROCESS_CPUTIME_ID"), (3, "CLOCK_THREAD_CPUTIME_ID"),
        (4, "CLOCK_MONOTONIC_RAW"), (5, "CLOCK_REALTIME_COARSE"), (6, "CLOCK_MONOTONIC_COARSE"), (7, "CLOCK_BOOTTIME"),
        (8, "CLOCK_REALTIME_ALARM"), (9, "CLOCK_BOOTTIME_ALARM"), (10, "CLOCK_SGI_CYCLE"), (11, "CLOCK_TAI"),
    ])
    static let timerFlags = FlagTable([(1, "TIMER_ABSTIME")])
    static let itimerWhich = ValueTable([(0, "ITIMER_REAL"), (1, "ITIMER_VIRTUAL"), (2, "ITIMER_PROF")])
    static let schedulers = ValueTable([
        (0, "SCHED_OTHER"), (1, "SCHED_FIFO"), (2, "SCHED_RR"), (3, "SCHED_BATCH"), (4, "SCHED_ISO"),
        (5, "SCHED_IDLE"), (6, "SCHED_DEADLINE"),
    ])
    static let personalityTypes = ValueTable([
        (0, "PER_LINUX"), (0x0080_0000, "PER_LINUX_32BIT"), (0x0008_0000, "PER_LINUX_FDPIC"),
        (0x0410_0001, "PER_SVR4"), (0x0500_0002, "PER_SVR3"), (0x0700_0003, "PER_SCOSVR3"),
        (0x0600_0003, "PER_OSR5"), (0x0500_0004, "PER_WYSEV386"), (0x0400_0005, "PER_ISCR4"), (6, "PER_BSD"),
        (0x0400_0006, "PER_SUNOS"), (0x0500_0007, "PER_XENIX"), (8, "PER_LINUX32"), (0x0800_0008, "PER_LINUX32_3GB"),
        (0x0400_0009, "PER_IRIX32"), (0x0400_000a, "PER_IRIXN32"), (0x0400_000b, "PER_IRIX64"), (0x0c, "PER_RISCOS"),
        (0x0400_000d, "PER_SOLARIS"), (0x0410_000e, "PER_UW7"), (0x0f, "PER_OSF4"), (0x10, "PER_HPUX"),
    ])
    static let personalityFlags = FlagTable([
        (0x0020000, "UNAME26"), (0x0040000, "ADDR_NO_RANDOMIZE"), (0x0080000, "FDPIC_FUNCPTRS"),
        (0x0100000, "MMAP_PAGE_ZERO"), (0x0200000, "ADDR_COMPAT_LAYOUT"), (0x0400000, "READ_IMPLIES_EXEC"),
        (0x0800000, "ADDR_LIMIT_32BIT"), (0x1000000, "SHORT_INODE"), (0x2000000, "WHOLE_SECONDS"),
        (0x4000000, "STICKY_TIMEOUTS"), (0x8000000, "ADDR_LIMIT_3GB"),
    ])
    static let capVersions = ValueTable([
        (0x1998_0330, "_LINUX_CAPABILITY_VERSION_1"), (0x2007_1026, "_LINUX_CAPABILITY_VERSION_2"),
        (0x2008_0522, "_LINUX_CAPABILITY_VERSION_3"),
    ])
    static let capNames: [String] = [
        "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_FSETID", "CAP_KILL",
        "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE", "CAP_NET_BIND_SERVICE",
        "CAP_NET_BROADCAST", "CAP_NET_ADMIN", "CAP_NET_RAW", "CAP_IPC_LOCK", "CAP_IPC_OWNER", "CAP_SYS_MODULE",
        "CAP_SYS_RAWIO", "CAP_SYS_CHROOT", "CAP_SYS_PTRACE", "CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT",
        "CAP_SYS_NICE", "CAP_SYS_RESOURCE", "CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG", "CAP_MKNOD", "CAP_LEASE",
        "CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL", "CAP_SETFCAP", "CAP_MAC_OVERRIDE", "CAP_MAC_ADMIN", "CAP_SYSLOG",
        "CAP_WAKE_ALARM", "CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ", "CAP_PERFMON", "CAP_BPF", "CAP_CHECKPOINT_RESTORE",
    ]
    static let pidfdOpenFlags = FlagTable([(0o4000, "PIDFD_NONBLOCK")])

    // Network
    static let addressFamilies = ValueTable([
        (0, "AF_UNSPEC"), (1, "AF_UNIX"), (2, "AF_INET"), (3, "AF_AX25"), (4, "AF_IPX"), (5, "AF_APPLETALK"),
        (6, "AF_NETROM"), (7, "AF_BRIDGE"), (8, "AF_ATMPVC"), (9, "AF_X25"), (10, "AF_INET6"), (11, "AF_ROSE"),
        (12, "AF_DECnet"), (13, "AF_NETBEUI"), (14, "AF_SECURITY"), (15, "AF_KEY"), (16, "AF_NETLINK"),
        (17, "AF_PACKET"), (18, "AF_ASH"), (19, "AF_ECONET"), (20, "AF_ATMSVC"), (21, "AF_RDS"), (22, "AF_SNA"),
        (23, "AF_IRDA"), (24, "AF_PPPOX"), (25, "AF_WANPIPE"), (26, "AF_LLC"), (27, "AF_IB"), (28, "AF_MPLS"),
        (29, "AF_CAN"), (30, "AF_TIPC"), (31, "AF_BLUETOOTH"), (32, "AF_IUCV"), (33, "AF_RXRPC"), (34, "AF_ISDN"),
        (35, "AF_PHONET"), (36, "AF_IEEE802154"), (37, "AF_CAIF"), (38, "AF_ALG"), (39, "AF_NFC"), (40, "AF_VSOCK"),
        (41, "AF_KCM"), (42, "AF_QIPCRTR"), (43, "AF_SMC"), (44, "AF_XDP"), (45, "AF_MCTP"),
    ])
    static let socketTypes = ValueTable([
        (1, "SOCK_STREAM"), (2, "SOCK_DGRAM"), (3, "SOCK_RAW"), (4, "SOCK_RDM"), (5, "SOCK_SEQPACKET"),
        (6, "SOCK_DCCP"), (10, "SOCK_PACKET"),
    ])
    static let socketTypeFlags = FlagTable([(0o2000000, "SOCK_CLOEXEC"), (0o4000, "SOCK_NONBLOCK")])
    static let inetProtocols = ValueTable([
        (0, "IPPROTO_IP"), (1, "IPPROTO_ICMP"), (2, "IPPROTO_IGMP"), (4, "IPPROTO_IPIP"), (6, "IPPROTO_TCP"),
        (8, "IPPROTO_EGP"), (12, "IPPROTO_PUP"), (17, "IPPROTO_UDP"), (22, "IPPROTO_IDP"), (29, "IPPROTO_TP"),
        (33, "IPPROTO_DCCP"), (41, "IPPROTO_IPV6"), (43, "IPPROTO_ROUTING"), (44, "IPPROTO_FRAGMENT"),
        (46, "IPPROTO_RSVP"), (47, "IPPROTO_GRE"), (50, "IPPROTO_ESP"), (51, "IPPROTO_AH"), (58, "IPPROTO_ICMPV6"),
        (59, "IPPROTO_NONE"), (60, "IPPROTO_DSTOPTS"), (92, "IPPROTO_MTP"), (94, "IPPROTO_BEETPH"),
        (98, "IPPROTO_ENCAP"), (103, "IPPROTO_PIM"), (108, "IPPROTO_COMP"), (115, "IPPROTO_L2TP"),
        (132, "IPPROTO_SCTP"), (135, "IPPROTO_MH"), (136, "IPPROTO_UDPLITE"), (137, "IPPROTO_MPLS"),
        (143, "IPPROTO_ETHERNET"), (255, "IPPROTO_RAW"), (262, "IPPROTO_MPTCP"),
    ])
    static let netlinkProtocols = ValueTable([
        (0, "NETLINK_ROUTE"), (1, "NETLINK_UNUSED"), (2, "NETLINK_USERSOCK"), (3, "NETLINK_FIREWALL"),
        (4, "NETLINK_SOCK_DIAG"), (5, "NETLINK_NFLOG"), (6, "NETLINK_XFRM"), (7, "NETLINK_SELINUX"),
        (8, "NETLINK_ISCSI"), (9, "NETLINK_AUDIT"), (10, "NETLINK_FIB_LOOKUP"), (11, "NETLINK_CONNECTOR"),
        (12, "NETLINK_NETFILTER"), (13, "NETLINK_IP6_FW"), (14, "NETLINK_DNRTMSG"), (15, "NETLINK_KOBJECT_UEVENT"),
        (16, "NETLINK_GENERIC"), (18, "NETLINK_SCSITRANSPORT"), (19, "NETLINK_ECRYPTFS"), (20, "NETLINK_RDMA"),
        (21, "NETLINK_CRYPTO"), (22, "NETLINK_SMC"),
    ])
    static let msgFlags = FlagTable([
        (0x1, "MSG_OOB"), (0x2, "MSG_PEEK"), (0x4, "MSG_DONTROUTE"), (0x8, "MSG_CTRUNC"), (0x10, "MSG_PROBE"),
        (0x20, "MSG_TRUNC"), (0x40, "MSG_DONTWAIT"), (0x80, "MSG_EOR"), (0x100, "MSG_WAITALL"), (0x200, "MSG_FIN"),
        (0x400, "MSG_SYN"), (0x800, "MSG_CONFIRM"), (0x1000, "MSG_RST"), (0x2000, "MSG_ERRQUEUE"),
        (0x4000, "MSG_NOSIGNAL"), (0x8000, "MSG_MORE"), (0x10000, "MSG_WAITFORONE"), (0x20000, "MSG_SENDPAGE_NOTLAST"),
        (0x40000, "MSG_BATCH"), (0x80000, "MSG_NO_SHARED_FRAGS"), (0x4000000, "MSG_ZEROCOPY"),
        (0x20000000, "MSG_FASTOPEN"), (0x40000000, "MSG_CMSG_CLOEXEC"), (0x80000000, "MSG_CMSG_COMPAT"),
    ])
    static let shutdownModes = ValueTable([(0, "SHUT_RD"), (1, "SHUT_WR"), (2, "SHUT_RDWR")])
    static let socketLevels = ValueTable([
        (0, "SOL_IP"), (1, "SOL_SOCKET"), (6, "SOL_TCP"), (17, "SOL_UDP"), (40, "AF_VSOCK"), (41, "SOL_IPV6"),
        (58, "SOL_ICMPV6"), (100, "SOL_CAN_BASE"), (101, "SOL_CAN_RAW"), (132, "SOL_SCTP"), (136, "SOL_UDPLITE"),
        (255, "SOL_RAW"), (256, "SOL_IPX"), (257, "SOL_AX25"), (258, "SOL_ATALK"), (259, "SOL_NETROM"),
        (260, "SOL_ROSE"), (261, "SOL_DECNET"), (262, "SOL_X25"), (263, "SOL_PACKET"), (264, "SOL_ATM"),
        (265, "SOL_AAL"), (266, "SOL_IRDA"), (267, "SOL_NETBEUI"), (268, "SOL_LLC"), (269, "SOL_DCCP"),
        (270, "SOL_NETLINK"), (271, "SOL_TIPC"), (272, "SOL_RXRPC"), (273, "SOL_PPPOL2TP"), (274, "SOL_BLUETOOTH"),
        (275, "SOL_PNPIPE"), (276, "SOL_RDS"), (277, "SOL_IUCV"), (278, "SOL_CAIF"), (279, "SOL_ALG"),
        (280, "SOL_NFC"), (281, "SOL_KCM"), (282, "SOL_TLS"), (283, "SOL_XDP"),
    ])
    /// SOL_SOCKET option names (asm-generic numbering: x86_64, i386, aarch64).
    static let socketOptions = ValueTable([
        (1, "SO_DEBUG"), (2, "SO_REUSEADDR"), (3, "SO_TYPE"), (4, "SO_ERROR"), (5, "SO_DONTROUTE"),
        (6, "SO_BROADCAST"), (7, "SO_SNDBUF"), (8, "SO_RCVBUF"), (9, "SO_KEEPALIVE"), (10, "SO_OOBINLINE"),
        (11, "SO_NO_CHECK"), (12, "SO_PRIORITY"), (13, "SO_LINGER"), (14, "SO_BSDCOMPAT"), (15, "SO_REUSEPORT"),
        (16, "SO_PASSCRED"), (17, "SO_PEERCRED"), (18, "SO_RCVLOWAT"), (19, "SO_SNDLOWAT"), (20, "SO_RCVTIMEO_OLD"),
        (21, "SO_SNDTIMEO_OLD"), (22, "SO_SECURITY_AUTHENTICATION"), (23, "SO_SECURITY_ENCRYPTION_TRANSPORT"),
        (24, "SO_SECURITY_ENCRYPTION_NETWORK"), (25, "SO_BINDTODEVICE"), (26, "SO_ATTACH_FILTER"),
        (27, "SO_DETACH_FILTER"), (28, "SO_PEERNAME"), (29, "SO_TIMESTAMP_OLD"), (30, "SO_ACCEPTCONN"),
        (31, "SO_PEERSEC"), (32, "SO_SNDBUFFORCE"), (33, "SO_RCVBUFFORCE"), (34, "SO_PASSSEC"),
        (35, "SO_TIMESTAMPNS_OLD"), (36, "SO_MARK"), (37, "SO_TIMESTAMPING_OLD"), (38, "SO_PROTOCOL"),
        (39, "SO_DOMAIN"), (40, "SO_RXQ_OVFL"), (41, "SO_WIFI_STATUS"), (42, "SO_PEEK_OFF"), (43, "SO_NOFCS"),
        (44, "SO_LOCK_FILTER"), (45, "SO_SELECT_ERR_QUEUE"), (46, "SO_BUSY_POLL"), (47, "SO_MAX_PACING_RATE"),
        (48, "SO_BPF_EXTENSIONS"), (49, "SO_INCOMING_CPU"), (50, "SO_ATTACH_BPF"), (51, "SO_ATTACH_REUSEPORT_CBPF"),
        (52, "SO_ATTACH_REUSEPORT_EBPF"), (53, "SO_CNX_ADVICE"), (54, "SCM_TIMESTAMPING_OPT_STATS"),
        (55, "SO_MEMINFO"), (56, "SO_INCOMING_NAPI_ID"), (57, "SO_COOKIE"), (58, "SCM_TIMESTAMPING_PKTINFO"),
        (59, "SO_PEERGROUPS"), (60, "SO_ZEROCOPY"), (61, "SO_TXTIME"), (62, "SO_BINDTOIFINDEX"),
        (63, "SO_TIMESTAMP_NEW"), (64, "SO_TIMESTAMPNS_NEW"), (65, "SO_TIMESTAMPING_NEW"), (66, "SO_RCVTIMEO_NEW"),
        (67, "SO_SNDTIMEO_NEW"), (68, "SO_DETACH_REUSEPORT_BPF"), (69, "SO_PREFER_BUSY_POLL"),
        (70, "SO_BUSY_POLL_BUDGET"), (71, "SO_NETNS_COOKIE"), (72, "SO_BUF_LOCK"), (73, "SO_RESERVE_MEM"),
        (74, "SO_TXREHASH"), (75, "SO_RCVMARK"),
    ])

    // IPC
    static let ipcFlags = FlagTable([(0o1000, "IPC_CREAT"), (0o2000, "IPC_EXCL"), (0o4000, "IPC_NOWAIT")])
    static let shmgetFlags = FlagTable([
        (0o1000, "IPC_CREAT"), (0o2000, "IPC_EXCL"), (0o4000, "SHM_HUGETLB"), (0o10000, "SHM_NORESERVE"),
    ])
    static let shmatFlags = FlagTable([(0o10000, "SHM_RDONLY"), (0o20000, "SHM_RND"), (0o40000, "SHM_REMAP"), (0o100000, "SHM_EXEC")])
    static let shmctlCmds = ValueTable([
        (0, "IPC_RMID"), (1, "IPC_SET"), (2, "IPC_STAT"), (3, "IPC_INFO"), (11, "SHM_LOCK"), (12, "SHM_UNLOCK"),
        (13, "SHM_STAT"), (14, "SHM_INFO"), (15, "SHM_STAT_ANY"),
    ])
    static let semctlCmds = ValueTable([
        (0, "IPC_RMID"), (1, "IPC_SET"), (2, "IPC_STAT"), (3, "IPC_INFO"), (11, "GETPID"), (12, "GETVAL"),
        (13, "GETALL"), (14, "GETNCNT"), (15, "GETZCNT"), (16, "SETVAL"), (17, "SETALL"), (18, "SEM_STAT"),
        (19, "SEM_INFO"), (20, "SEM_STAT_ANY"),
    ])
    static let msgctlCmds = ValueTable([
        (0, "IPC_RMID"), (1, "IPC_SET"), (2, "IPC_STAT"), (3, "IPC_INFO"), (11, "MSG_STAT"), (12, "MSG_INFO"),
        (13, "MSG_STAT_ANY"),
    ])
    static let semopFlags = FlagTable([(0o4000, "IPC_NOWAIT"), (0x1000, "SEM_UNDO")])
    static let msgrcvFlags = FlagTable([(0o4000, "IPC_NOWAIT"), (0o20000, "MSG_EXCEPT"), (0o10000, "MSG_NOERROR"), (0o40000, "MSG_COPY")])
}
