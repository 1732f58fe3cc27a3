/// Signal names as strace prints them (x86_64, i386 and aarch64 share the numbering).
let signalNames: [String] = [
    "0", "SIGHUP", "SIGINT", "SIGQUIT", "SIGILL", "SIGTRAP", "SIGABRT", "SIGBUS", "SIGFPE", "SIGKILL", "SIGUSR1",
    "SIGSEGV", "SIGUSR2", "SIGPIPE", "SIGALRM", "SIGTERM", "SIGSTKFLT", "SIGCHLD", "SIGCONT", "SIGSTOP", "SIGTSTP",
    "SIGTTIN", "SIGTTOU", "SIGURG", "SIGXCPU", "SIGXFSZ", "SIGVTALRM", "SIGPROF", "SIGWINCH", "SIGIO", "SIGPWR", "SIGSYS",
]

func signalName(_ n: Int32) -> String {
    if n > 0 && Int(n) < signalNames.count { return signalNames[Int(n)] }
    if n == 32 { return "SIGRT_0" }  // glibc reserves 32 and 33; strace names 34 SIGRTMIN
    if n == 33 { return "SIGRT_1" }
    if n == 34 { return "SIGRTMIN" }
    if n > 34 && n <= 64 { return "SIGRT_\(n - 32)" }
    return "\(n)"
}

func signalNumber(_ s: String) -> Int32? {
    if let n = Int32(s), n > 0, n <= 64 { return n }
    let name = s.hasPrefix("SIG") ? s : "SIG" + s
    for n in Int32(1)...64 where signalName(n) == name { return n }
    return nil
}
