import Syscalls
import Tracee

/// `-e read=SET` / `-e write=SET`: after the line of a data-moving call on a selected descriptor, the data
/// as hex dump lines (strace's dumpio in syscall.c). Writes are dumped whatever the result (the whole
/// requested count), reads only when they succeeded (what was read). The data is read from the tracee
/// in pieces of 64 KiB, so any size works; nothing is cut at `-s`.
enum IODump {
    static let writeBuffer: Set<String> = ["write", "pwrite64", "send", "sendto", "mq_timedsend", "mq_timedsend_time64"]
    static let writeVector: Set<String> = ["writev", "pwritev", "pwritev2", "vmsplice"]
    static let readBuffer: Set<String> = ["read", "pread64", "recv", "recvfrom", "mq_timedreceive", "mq_timedreceive_time64"]
    static let readVector: Set<String> = ["readv", "preadv", "preadv2"]

    /// The dump lines for a finished `call` (empty when it moves no data or its descriptor is not selected).
    static func lines(_ call: SyscallCall, tid: Int32, read: DescriptorSet, write: DescriptorSet, memory: any SyscallMemory) -> [String] {
        let fd = call.int(0)
        guard fd >= 0 else { return [] }
        var out: [String] = []
        let d = Dumper(abi: call.abi, memory: memory, tid: tid)
        if write.contains(fd) {
            let n = call.name
            if writeBuffer.contains(n) { d.buffer(call.arg(1), call.arg(2), &out) }
            else if writeVector.contains(n) { d.iovecs(call.arg(1), count: call.int(2), limit: .max, &out) }
            else if n == "sendmsg" { d.msghdr(call.arg(1), limit: .max, &out) }
            else if n == "sendmmsg" && !call.isError { d.mmsghdrs(call.arg(1), count: UInt32(truncatingIfNeeded: call.result), &out) }
        }
        if call.isError { return out }
        if read.contains(fd) {
            let n = call.name, r = UInt64(bitPattern: call.result)
            if readBuffer.contains(n) { d.buffer(call.arg(1), r, &out) }
            else if readVector.contains(n) { d.iovecs(call.arg(1), count: call.int(2), limit: r, &out) }
            else if n == "recvmsg" { d.msghdr(call.arg(1), limit: r, &out) }
            else if n.hasPrefix("recvmmsg") { d.mmsghdrs(call.arg(1), count: UInt32(truncatingIfNeeded: call.result), &out) }
        }
        return out
    }

    struct Dumper {
        let abi: SyscallABI
        let memory: any SyscallMemory
        let tid: Int32
        var word: Int { abi.wordSize }

        /// dumpstr: `len` bytes at `addr`; nothing when the first piece is unreadable, a `<Cannot fetch>`
        /// line when a later one is.
        func buffer(_ addr: UInt64, _ len: UInt64, _ out: inout [String]) {
            guard len > 0, len <= UInt64(Int.max) - 16, addr &+ len >= addr else { return }
            let total = Int(len)
            let piece = min((total + 15) & ~15, 1 << 16)
            var i = 0
            while i < total {
                let n = min(total - i, piece)
                guard let bytes = memory.bytes(addr &+ UInt64(i), count: n) else {
                    if i > 0 {
                        out.append(" | <Cannot fetch \(n) byte\(n == 1 ? "" : "s") from pid \(tid) @0x\(String(addr &+ UInt64(i), radix: 16))>")
                    }
                    return
                }
                out += HexDump.lines(bytes, startingAt: i, totalLength: total)
                i += n
            }
        }

        /// dumpiov_upto: each iovec up to `limit` bytes in all, ` * N bytes in buffer I` before each;
        /// stops at the first empty one.
        func iovecs(_ addr: UInt64, count: Int32, limit: UInt64, _ out: inout [String]) {
            guard count > 0, Int(count) <= (1 << 20) else { return }
            let size = 2 * word
            guard let raw = memory.bytes(addr, count: Int(count) * size) else { return }
            var left = limit
            for i in 0..<Int(count) {
                let base = le(raw, i * size, word), len = le(raw, i * size + word, word)
                let n = min(len, left)
                if n == 0 { break }
                left -= n
                out.append(" * \(n) bytes in buffer \(i)")
                buffer(base, n, &out)
            }
        }

        /// The iovecs of a struct msghdr (msg_iov, msg_iovlen).
        func msghdr(_ addr: UInt64, limit: UInt64, _ out: inout [String]) {
            let (iovOff, lenOff) = word == 4 ? (8, 12) : (16, 24)
            guard let raw = memory.bytes(addr, count: word == 4 ? 28 : 56) else { return }
            iovecs(le(raw, iovOff, word), count: Int32(truncatingIfNeeded: le(raw, lenOff, word)), limit: limit, &out)
        }

        /// dumpiov_in_mmsghdr: for each of the `count` messages, ` = N buffers in vector I` and its data
        /// up to its msg_len.
        func mmsghdrs(_ addr: UInt64, count: UInt32, _ out: inout [String]) {
            let size = word == 4 ? 32 : 64
            let (iovOff, lenOff, msgLenOff) = word == 4 ? (8, 12, 28) : (16, 24, 56)
            var a = addr
            for i in 0..<min(count, 1 << 20) {
                guard let raw = memory.bytes(a, count: size) else { return }
                let iovlen = le(raw, lenOff, word)
                out.append(" = \(iovlen) buffers in vector \(i)")
                iovecs(le(raw, iovOff, word), count: Int32(truncatingIfNeeded: iovlen), limit: le(raw, msgLenOff, 4), &out)
                a &+= UInt64(size)
            }
        }

        func le(_ b: [UInt8], _ o: Int, _ n: Int) -> UInt64 {
            var v: UInt64 = 0
            for k in 0..<n where o + k < b.count { v |= UInt64(b[o + k]) << (8 * UInt64(k)) }
            return v
        }
    }
}

extension StraceSession {
    /// Appends the `-e read=`/`-e write=` dump of `call`'s data after its line.
    func dumpIO(_ tid: Int32, _ call: SyscallCall) {
        guard !o.dumpRead.isEmpty || !o.dumpWrite.isEmpty else { return }
        let lines = IODump.lines(call, tid: tid, read: o.dumpRead, write: o.dumpWrite,
                                 memory: ThreadMemory(tracer: tracer, tid: tid))
        guard !lines.isEmpty else { return }
        let out = output(for: tid)
        for l in lines {
            out.beginLine()
            out.append(l)
            out.endLine()
        }
    }
}
