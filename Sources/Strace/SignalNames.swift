import Syscalls

func signalName(_ n: Int32) -> String { Signals.nameOrNumber(Int(n)) }

/// A signal by number or name, with or without `SIG` (strace's -e signal= and inject signal= syntax).
func signalNumber(_ s: String) -> Int32? {
    if let n = Int32(s), n > 0, n <= 64 { return n }
    let name = s.hasPrefix("SIG") ? s : "SIG" + s
    for n in Int32(1)...64 where signalName(n) == name { return n }
    return nil
}
