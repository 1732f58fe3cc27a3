import Syscalls

/// The classic BPF program of `--seccomp-bpf`: stop (SECCOMP_RET_TRACE) at the selected syscalls of the
/// native ABI and at every call of another ABI; let everything else run (SECCOMP_RET_ALLOW).
enum SeccompFilter {
    /// `struct sock_filter` entries (code, jt, jf, k) packed as 8 bytes each.
    static func program(tracing selected: (SyscallABI, Int) -> Bool) -> [UInt64] {
        #if arch(x86_64)
        let native: SyscallABI = .x86_64, audit: UInt32 = 0xC000_003E
        #else
        let native: SyscallABI = .aarch64, audit: UInt32 = 0xC000_00B7
        #endif
        let all = SyscallTable.of(native).all.map(\.number)
        let picked = all.filter { selected(native, $0) }
        // Compare against the shorter list; beyond 255 entries a jump cannot reach the end: no filter.
        let invert = picked.count > all.count - picked.count
        let traced = invert ? all.filter { !selected(native, $0) } : picked
        guard traced.count < 255 else { return [] }
        let retTrace: UInt32 = 0x7ff0_0000, retAllow: UInt32 = 0x7fff_0000
        func op(_ code: UInt16, _ jt: UInt8, _ jf: UInt8, _ k: UInt32) -> UInt64 {
            UInt64(code) | UInt64(jt) << 16 | UInt64(jf) << 24 | UInt64(k) << 32
        }
        let ldW: UInt16 = 0x20, jeq: UInt16 = 0x15, ret: UInt16 = 0x06
        var p: [UInt64] = [
            op(ldW, 0, 0, 4),                  // seccomp_data.arch
            op(jeq, 1, 0, audit),              // native: go on
            op(ret, 0, 0, retTrace),           // another ABI: trace everything
            op(ldW, 0, 0, 0),                  // seccomp_data.nr
        ]
        // One comparison per traced number; a match jumps to the RET_TRACE at the end.
        for (i, n) in traced.enumerated() {
            let toTrace = traced.count - i  // instructions to skip to reach RET_TRACE (after RET_ALLOW)
            p.append(op(jeq, UInt8(toTrace), 0, UInt32(n)))
        }
        // Numbers beyond the table (new syscalls) follow the default of the selection's side.
        p.append(op(ret, 0, 0, invert ? retTrace : retAllow))
        p.append(op(ret, 0, 0, invert ? retAllow : retTrace))
        return p
    }
}
