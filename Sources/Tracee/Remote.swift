import CSonde
import Glibc

/// Access to a stopped thread shared by `AttachedProcess` and `Tracer`.
enum Remote {
    /// The NT_PRSTATUS register block of a stopped thread (x86_64 `user_regs_struct`, AArch64 `user_pt_regs`).
    static func registers(_ tid: Int32) -> [UInt64]? {
        var words = [UInt64](repeating: 0, count: 64)
        var len = words.count * 8
        let r = words.withUnsafeMutableBytes { sonde_getregs(tid, $0.baseAddress, &len) }
        return r == 0 ? Array(words.prefix(len / 8)) : nil
    }

    /// Fills `buffer` from `address` in `pid`'s memory with process_vm_readv, falling back to /proc/PID/mem
    /// (opened once into `memFD`) for pages process_vm_readv cannot read. False when any byte is unreadable.
    static func read(_ pid: Int32, _ address: UInt64, into buffer: UnsafeMutableRawBufferPointer, memFD: inout Int32) -> Bool {
        guard let base = buffer.baseAddress, buffer.count > 0 else { return true }
        guard address <= UInt64(Int64.max) - UInt64(buffer.count) else { return false }
        if sonde_process_vm_readv(pid, base, buffer.count, address) == buffer.count { return true }
        if memFD < 0 { memFD = open("/proc/\(pid)/mem", O_RDONLY | O_CLOEXEC) }
        guard memFD >= 0 else { return false }
        return pread(memFD, base, buffer.count, off_t(Int64(bitPattern: address))) == buffer.count
    }
}
