/// The processes of a recording as its side-band records describe them over time: threads and their
/// command names (COMM, FORK, EXIT) and each process's mappings (MMAP, MMAP2), so that a sample's
/// addresses resolve to objects and functions as they were when it was taken. Pure: fed records in
/// time order, it never looks at the live system (objects are opened through `SymbolSource`).
public final class Machine {
    public final class Thread {
        public let pid: Int32
        public let tid: Int32
        public var comm: String {
            didSet { version &+= 1 }
        }
        /// Changes with the comm and the process's mappings: what a sample resolved to stays valid while it does not.
        public var generation: Int { version &+ maps.version }
        private var version = 0
        let maps: MapGroup
        init(pid: Int32, tid: Int32, comm: String, maps: MapGroup) {
            self.pid = pid
            self.tid = tid
            self.comm = comm
            self.maps = maps
        }
    }

    struct Map {
        var start: UInt64
        var end: UInt64
        var pgoff: UInt64
        var dso: DSO
        var bias: UInt64?
    }

    /// One process's mappings, sorted by start, non-overlapping.
    final class MapGroup {
        var maps: [Map] = []
        var version = 0

        func insert(_ m: Map) {
            version &+= 1 << 20
            // Cut what the new mapping overlaps, keeping the uncovered head and tail of older ones.
            var out: [Map] = []
            out.reserveCapacity(maps.count + 2)
            for old in maps {
                if old.end <= m.start || old.start >= m.end { out.append(old); continue }
                if old.start < m.start {
                    var head = old
                    head.end = m.start
                    out.append(head)
                }
                if old.end > m.end {
                    var tail = old
                    tail.pgoff = old.pgoff &+ (m.end - old.start)
                    tail.start = m.end
                    out.append(tail)
                }
            }
            out.append(m)
            out.sort { $0.start < $1.start }
            maps = out
        }

        func find(_ address: UInt64) -> Int? {
            var lo = 0, hi = maps.count
            while lo < hi {
                let mid = (lo + hi) / 2
                if maps[mid].start <= address { lo = mid + 1 } else { hi = mid }
            }
            guard lo > 0, address < maps[lo - 1].end else { return nil }
            return lo - 1
        }

        func copy() -> MapGroup {
            let g = MapGroup()
            g.maps = maps
            return g
        }
    }

    /// An address resolved for reports.
    public struct Location {
        /// The sampled or return address.
        public var address: UInt64
        /// The address inside the object: the file address for symbols (user) or the kernel address;
        /// for printing unresolved user addresses perf uses the offset map-relative (`mapAddress`).
        public var fileAddress: UInt64
        public var mapAddress: UInt64
        public var dso: DSO?
        public var symbol: Symbol?
        public var kernel: Bool
    }

    public let source: SymbolSource
    private var threads: [Int32: Thread] = [:]
    private var groups: [Int32: MapGroup] = [:]
    private var dsos: [String: DSO] = [:]
    /// DSOs created so far (their `serial` orders call-chain siblings as perf's dso pointers do).
    private var dsoCount = 0
    private let kernelMaps = MapGroup()
    public private(set) var kernelDSO: DSO
    private var moduleDSOs: [String: DSO] = [:]

    public init(source: SymbolSource) {
        self.source = source
        kernelDSO = DSO(longName: "[kernel.kallsyms]", kind: .kernel, source: source)
    }

    /// Every object seen, by recorded name.
    public var allDSOs: [DSO] { Array(dsos.values) + [kernelDSO] + Array(moduleDSOs.values) }

    public func dso(named name: String) -> DSO {
        if let d = dsos[name] { return d }
        let kind: DSO.Kind
        if name == "[vdso]" { kind = .vdso } else if name.hasPrefix("/") { kind = .user } else { kind = .anonymous }
        let d = DSO(longName: name, kind: kind, source: source)
        dsoCount += 1
        d.serial = dsoCount
        dsos[name] = d
        return d
    }

    /// The thread `tid` of process `pid`, created (comm ":tid", perf's placeholder) if unseen.
    public func thread(pid: Int32, tid: Int32) -> Thread {
        if let t = threads[tid], t.pid == pid || pid == -1 { return t }
        let g = group(pid)
        let t = Thread(pid: pid, tid: tid, comm: threads[pid]?.comm ?? ":\(tid)", maps: g)
        threads[tid] = t
        return t
    }

    private func group(_ pid: Int32) -> MapGroup {
        if let g = groups[pid] { return g }
        let g = MapGroup()
        groups[pid] = g
        return g
    }

    public func comm(pid: Int32, tid: Int32, name: String, exec: Bool) {
        let t = thread(pid: pid, tid: tid)
        t.comm = name
        _ = exec
    }

    public func fork(pid: Int32, ppid: Int32, tid: Int32, ptid: Int32) {
        let parent = threads[ptid]
        if pid != ppid || tid == pid {
            // A new process: its own copy of the parent's mappings.
            if groups[pid] == nil, let p = groups[ppid] { groups[pid] = p.copy() }
        }
        let t = Thread(pid: pid, tid: tid, comm: parent?.comm ?? ":\(tid)", maps: group(pid))
        threads[tid] = t
    }

    public func exit(pid: Int32, tid: Int32) {
        // Samples may still arrive for it within the same round: keep the thread.
        _ = (pid, tid)
    }

    /// An MMAP/MMAP2 record. Kernel maps (pid -1) name the kernel image or its modules.
    public func mmap(pid: Int32, start: UInt64, length: UInt64, pgoff: UInt64, filename: String, buildID: [UInt8]? = nil) {
        guard length > 0, start &+ length > start else { return }
        if pid == -1 || filename.hasPrefix("[kernel.kallsyms]") {
            kernelMaps.insert(Map(start: start, end: start + length, pgoff: pgoff, dso: kernelDSO, bias: 0))
            return
        }
        let d = dso(named: filename)
        if let buildID, d.buildID == nil { d.buildID = buildID }
        group(pid).insert(Map(start: start, end: start + length, pgoff: pgoff, dso: d, bias: nil))
    }

    /// Resolves an address of a thread; `kernel` for addresses of kernel mode (sample cpumode or callchain context).
    public func resolve(_ thread: Thread, _ address: UInt64, kernel: Bool) -> Location {
        if kernel { return resolveKernel(address) }
        guard let i = thread.maps.find(address) else {
            return Location(address: address, fileAddress: address, mapAddress: address, dso: nil, symbol: nil, kernel: false)
        }
        let m = thread.maps.maps[i]
        let mapAddress = address - m.start &+ m.pgoff
        let bias = object(thread, address)?.1 ?? (m.start &- m.pgoff)
        let fileAddress = address &- bias
        return Location(address: address, fileAddress: fileAddress, mapAddress: mapAddress, dso: m.dso,
                        symbol: m.dso.symbol(atFileAddress: fileAddress), kernel: false)
    }

    /// The object mapped at a user address of a thread and its load bias (runtime - file address).
    func object(_ thread: Thread, _ address: UInt64) -> (DSO, UInt64)? {
        guard let i = thread.maps.find(address) else { return nil }
        let m = thread.maps.maps[i]
        if let b = m.bias { return (m.dso, b) }
        let b = m.dso.bias(mappingStart: m.start, pgoff: m.pgoff) ?? (m.start &- m.pgoff)
        thread.maps.maps[i].bias = b
        return (m.dso, b)
    }

    private func resolveKernel(_ address: UInt64) -> Location {
        var dso = kernelDSO
        if let k = source.kallsyms, let i = k.index(of: address), let module = k.module(i) {
            if let d = moduleDSOs[module] { dso = d } else {
                let d = DSO(longName: module, kind: .kernel, source: source)
                dsoCount += 1
                d.serial = dsoCount
                moduleDSOs[module] = d
                dso = d
            }
        }
        return Location(address: address, fileAddress: address, mapAddress: address, dso: dso,
                        symbol: dso.symbol(atFileAddress: address), kernel: true)
    }
}
