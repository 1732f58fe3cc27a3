import Debug
import ProcFS
import Tracee
import Unwind

extension ThreadMemory: MemoryReader {}

/// strace -k: the user stack of a stopped thread, unwound with the CFI of its mapped objects and named by
/// their symbol tables, printed as strace prints it (` > /lib/libc.so.6(__write+0x10) [0xf8350]`).
final class StackTracer {
    let tracer: Tracer
    let arch: Architecture?
    /// Per process: its objects, rebuilt when its mappings changed (mmap, munmap, execve...).
    var modules: [Int32: ProcessModules] = [:]
    var stale: Set<Int32> = []

    init(tracer: Tracer) {
        self.tracer = tracer
        arch = Architecture(machine: hostMachine)
    }

    /// The mappings of `pid` changed: re-read them before the next stack.
    func mappingsChanged(_ pid: Int32) { stale.insert(pid) }

    func lines(tid: Int32) -> [String] {
        guard let arch, let words = tracer.registers(tid), let regs = RegisterSet(arch: arch, prstatus: words) else {
            return [" > unexpected_backtracing_error [0x0]"]
        }
        let pid = tracer.threads[tid] ?? tid
        let memory = ThreadMemory(tracer: tracer, tid: tid)
        var mods = modules[pid]
        if mods == nil || stale.contains(pid) {
            guard let maps = try? ProcFS().maps(pid: pid) else { return [] }
            mods = ProcessModules(pid: pid, maps: maps, memory: memory, reusing: mods)
            modules[pid] = mods
            stale.remove(pid)
        }
        guard var mods else { return [] }
        // A pc outside every known object: the mappings changed behind our back (an untraced mmap of
        // another thread, a dlopen): read them again once.
        if mods.object(for: regs.pc) == nil, let maps = try? ProcFS().maps(pid: pid) {
            mods = ProcessModules(pid: pid, maps: maps, memory: memory, reusing: mods)
            modules[pid] = mods
        }
        let (frames, _) = Unwinder(memory: memory, modules: mods, maxFrames: 256).unwind(regs)
        return frames.map { f in
            guard let (obj, bias) = mods.object(for: f.lookupPC) else {
                return " > unexpected_backtracing_error [0x\(String(f.pc, radix: 16))]"
            }
            let rel = f.pc &- bias
            var name = ""
            if let (sym, off) = obj.symbols.nearest(f.pc &- bias) {
                // Debug files' symbol tables spell versions into names (__libc_start_main@@GLIBC_2.34).
                let plain = sym.name.firstIndex(of: "@").map { String(sym.name[..<$0]) } ?? sym.name
                name = plain + "+0x" + String(off, radix: 16)
            }
            return " > \(obj.path)(\(name)) [0x\(String(rel, radix: 16))]"
        }
    }

    func forget(_ pid: Int32) {
        modules[pid] = nil
        stale.remove(pid)
    }
}
