/// Decoders of file and descriptor syscalls (open, read, write, stat family, mmap, ...).
enum FileDecoders {
    static let all: [String: SyscallDecoder] = [
        "read": { c in
            if c.entering { c.add(c.fd(0)); return }
            c.add(c.call.isError ? .pointer(c.call.arg(1)) : c.buffer(1, count: Int(c.call.result)))
            c.add(.uint(c.call.arg(2)))
        },
        "write": { c in
            guard c.entering else { return }
            c.add(c.fd(0)); c.add(c.buffer(1, count: Int(min(c.call.arg(2), 1 << 20)))); c.add(.uint(c.call.arg(2)))
        },
        "close": { c in if c.entering { c.add(c.fd(0)) } },
    ]
}
