/// Decoders of process, signal, network, IPC and time syscalls.
enum ProcessDecoders {
    static let all: [String: SyscallDecoder] = [
        "exit_group": { c in if c.entering { c.add(.int(Int64(c.call.int(0)))) } else { c.call.returnFormat = .none } },
        "getpid": { _ in },
    ]
}
