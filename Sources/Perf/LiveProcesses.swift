import ProcFS

/// Side-band facts about processes that already run when recording starts, read from /proc the way
/// perf synthesizes COMM and MMAP2 records for `-p`, `-a` and `perf top`.
public struct SyntheticEvent {
    public enum Kind { case comm(name: String), mmap(MemoryMapping) }
    public var pid: Int32
    public var tid: Int32
    public var kind: Kind
}

public enum LiveProcesses {
    /// COMM for every thread and MMAP2 for every executable file mapping of `pids` (nil: every process).
    public static func synthesize(pids: [Int32]?, proc: ProcFS = ProcFS()) -> [SyntheticEvent] {
        var out: [SyntheticEvent] = []
        let all = pids ?? ((try? proc.processIDs()) ?? [])
        for pid in all {
            guard let comm = try? proc.text("\(pid)/comm") else { continue }
            let name = String(comm.split(separator: "\n").first ?? "")
            let tids = (try? proc.threadIDs(pid)) ?? [pid]
            for tid in tids {
                let tname = tid == pid ? name : ((try? proc.text("\(pid)/task/\(tid)/comm")).map { String($0.split(separator: "\n").first ?? "") } ?? name)
                out.append(SyntheticEvent(pid: pid, tid: tid, kind: .comm(name: tname)))
            }
            for m in (try? proc.maps(pid: pid)) ?? [] where m.perms.hasPrefix("r") && m.perms.dropFirst(2).hasPrefix("x") {
                guard m.name.hasPrefix("/") || m.name == "[vdso]" else { continue }
                out.append(SyntheticEvent(pid: pid, tid: pid, kind: .mmap(m)))
            }
        }
        return out
    }

    /// Feeds synthesized events to a machine model.
    public static func feed(_ events: [SyntheticEvent], into machine: Machine) {
        for e in events {
            switch e.kind {
            case let .comm(name): machine.comm(pid: e.pid, tid: e.tid, name: name, exec: false)
            case let .mmap(m): machine.mmap(pid: e.pid, start: m.start, length: m.size, pgoff: m.offset, filename: m.name)
            }
        }
    }

    /// The running kernel's symbols, nil when /proc/kallsyms is unreadable or hides addresses.
    public static func kallsyms(path: String = "/proc/kallsyms") -> Kallsyms? {
        guard let bytes = try? ProcFS().readFile(path) else { return nil }
        let k = Kallsyms(text: bytes)
        return k.isEmpty ? nil : k
    }
}
