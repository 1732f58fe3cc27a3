/// Linux errno names by number (asm-generic numbering, used by x86_64, i386 and aarch64), as strace prints
/// them after `= -1`. Checked against the UAPI headers by SyscallsTests.
public enum Errno {
    static let names: [String] = [
        "", "EPERM", "ENOENT", "ESRCH", "EINTR", "EIO", "ENXIO", "E2BIG", "ENOEXEC", "EBADF", "ECHILD", "EAGAIN",
        "ENOMEM", "EACCES", "EFAULT", "ENOTBLK", "EBUSY", "EEXIST", "EXDEV", "ENODEV", "ENOTDIR", "EISDIR",
        "EINVAL", "ENFILE", "EMFILE", "ENOTTY", "ETXTBSY", "EFBIG", "ENOSPC", "ESPIPE", "EROFS", "EMLINK",
        "EPIPE", "EDOM", "ERANGE", "EDEADLK", "ENAMETOOLONG", "ENOLCK", "ENOSYS", "ENOTEMPTY", "ELOOP", "",
        "ENOMSG", "EIDRM", "ECHRNG", "EL2NSYNC", "EL3HLT", "EL3RST", "ELNRNG", "EUNATCH", "ENOCSI", "EL2HLT",
        "EBADE", "EBADR", "EXFULL", "ENOANO", "EBADRQC", "EBADSLT", "", "EBFONT", "ENOSTR", "ENODATA", "ETIME",
        "ENOSR", "ENONET", "ENOPKG", "EREMOTE", "ENOLINK", "EADV", "ESRMNT", "ECOMM", "EPROTO", "EMULTIHOP",
        "EDOTDOT", "EBADMSG", "EOVERFLOW", "ENOTUNIQ", "EBADFD", "EREMCHG", "ELIBACC", "ELIBBAD", "ELIBSCN",
        "ELIBMAX", "ELIBEXEC", "EILSEQ", "ERESTART", "ESTRPIPE", "EUSERS", "ENOTSOCK", "EDESTADDRREQ", "EMSGSIZE",
        "EPROTOTYPE", "ENOPROTOOPT", "EPROTONOSUPPORT", "ESOCKTNOSUPPORT", "EOPNOTSUPP", "EPFNOSUPPORT",
        "EAFNOSUPPORT", "EADDRINUSE", "EADDRNOTAVAIL", "ENETDOWN", "ENETUNREACH", "ENETRESET", "ECONNABORTED",
        "ECONNRESET", "ENOBUFS", "EISCONN", "ENOTCONN", "ESHUTDOWN", "ETOOMANYREFS", "ETIMEDOUT", "ECONNREFUSED",
        "EHOSTDOWN", "EHOSTUNREACH", "EALREADY", "EINPROGRESS", "ESTALE", "EUCLEAN", "ENOTNAM", "ENAVAIL",
        "EISNAM", "EREMOTEIO", "EDQUOT", "ENOMEDIUM", "EMEDIUMTYPE", "ECANCELED", "ENOKEY", "EKEYEXPIRED",
        "EKEYREVOKED", "EKEYREJECTED", "EOWNERDEAD", "ENOTRECOVERABLE", "ERFKILL", "EHWPOISON",
    ]

    /// The kernel-internal restart codes a tracer sees, with strace's explanations.
    static let restart: [Int: (String, String)] = [
        512: ("ERESTARTSYS", "To be restarted if SA_RESTART is set"),
        513: ("ERESTARTNOINTR", "To be restarted"),
        514: ("ERESTARTNOHAND", "To be restarted if no handler"),
        515: ("ENOIOCTLCMD", "Unknown ioctl command"),
        516: ("ERESTART_RESTARTBLOCK", "Interrupted by signal"),
        517: ("EPROBE_DEFER", "Requested probe deferral"),
        518: ("EOPENSTALE", "Stale open file handle"),
        519: ("ENOPARAM", "Parameter not supported"),
        521: ("EBADHANDLE", "Invalid handle"),
        522: ("ENOTSYNC", "Update synchronization mismatch"),
        523: ("EBADCOOKIE", "Cookie is stale"),
        524: ("ENOTSUPP", "Operation not supported"),
        525: ("ETOOSMALL", "Buffer or request is too small"),
        526: ("ESERVERFAULT", "Server fault"),
        527: ("EBADTYPE", "Type not supported by server"),
        528: ("EJUKEBOX", "Request initiated, but will not complete before timeout"),
        529: ("EIOCBQUEUED", "iocb queued, will get completion event"),
        530: ("ERECALLCONFLICT", "Conflict with recalled state"),
    ]

    /// `ENOENT`, or nil for numbers without a name.
    public static func name(_ e: Int) -> String? {
        if e > 0 && e < names.count && !names[e].isEmpty { return names[e] }
        return restart[e]?.0
    }
}
