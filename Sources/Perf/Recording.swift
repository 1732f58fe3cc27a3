import ProcFS
import Bytes
import Glibc
import PerfData
import TraceEvent
import Unwind

/// A perf.data file opened for reports: its events' names, and a replay of its records in time order
/// through a `Session` (side-band records update the machine model, samples come out resolved).
public final class Recording {
    public let path: String
    public let file: PerfDataFile
    public let eventNames: [String]
    public let session: Session
    public private(set) var lostSamples: UInt64 = 0

    /// Opens `path`; `kallsyms` overrides the running kernel's symbols (used only when the recording is of
    /// this kernel, as perf does without a vmlinux).
    public init(path: String, symfs: String = "", kallsyms: String? = nil, demangle: Bool = true, maxStack: Int = 127) throws {
        self.path = path
        file = try PerfDataFile(path: path)
        eventNames = Self.names(file)
        let features = file.features
        let kernelID = features.buildIDs.first { $0.filename == "[kernel.kallsyms]" }?.buildID
        let osRelease = features.osRelease
        let load: @Sendable () -> Kallsyms? = {
            if let kallsyms { return LiveProcesses.kallsyms(path: kallsyms) }
            return KernelSymbols.forRecording(buildID: kernelID, osRelease: osRelease)
        }
        // Kernel symbols (~20 ms to read and index) load on another CPU while the records are read.
        var ksyms: () -> Kallsyms? = load
        if file.attrs.contains(where: { !$0.attr.excludeKernel }) {
            let prefetch = Prefetch(load)
            ksyms = { prefetch.result ?? nil }
        }
        let arch: Architecture = file.features.arch == "aarch64" ? .aarch64 : .x86_64
        session = Session(source: SymbolSource(symfs: symfs, kallsyms: ksyms, demangle: demangle), arch: arch, maxStack: maxStack)
        for b in file.features.buildIDs where !b.filename.hasPrefix("[") {
            session.machine.dso(named: b.filename).buildID = b.buildID
        }
    }

    /// The formats of the recording's tracepoint events by attr index (from the file's tracing data).
    public func tracepointFormats() -> [Int: EventFormat] {
        guard let t = file.features.tracingData else { return [:] }
        var byID: [UInt64: EventFormat] = [:]
        for s in t.systems {
            for f in s.formats {
                if let e = try? EventFormat.parse(String(decoding: f, as: UTF8.self), system: s.name) { byID[e.id] = e }
            }
        }
        var out: [Int: EventFormat] = [:]
        for (i, a) in file.attrs.enumerated() where a.attr.type == PerfEventType.tracepoint {
            out[i] = byID[a.attr.config]
        }
        return out
    }

    /// Whether samples carry call chains (CALLCHAIN, or a stack copy to unwind).
    public var hasCallchains: Bool {
        file.attrs.contains { $0.attr.sampleType.contains(.callchain) || $0.attr.sampleType.contains(.stackUser) }
    }

    static func runningRelease() -> String {
        var u = utsname()
        guard uname(&u) == 0 else { return "" }
        return withUnsafeBytes(of: &u.release) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
    }

    /// Event names: the file's EVENT_DESC, else perf's name for type/config.
    static func names(_ f: PerfDataFile) -> [String] {
        f.attrs.enumerated().map { i, a in
            if let descs = f.features.eventDesc {
                if let d = descs.first(where: { !$0.ids.isEmpty && Set($0.ids) == Set(a.ids) }) { return d.name }
                if descs.count == f.attrs.count { return descs[i].name }
            }
            return EventNames.name(type: a.attr.type, config: a.attr.config)
        }
    }

    /// Replays every record in time order; `sample` gets each sample with its attr index, decoded and as input.
    public func replay(_ sample: (Int, Sample, SampleInput) throws -> Void) throws {
        var it = file.orderedRecords()
        let m = session.machine
        while let r = try it.next() {
            if r.type == RecordType.sample, let attr = file.attr(of: r) {
                let s = try file.decodeSample(r, attr: attr)
                try sample(r.attrIndex, s, Self.input(s, attr: attr, misc: r.misc, attrIndex: r.attrIndex))
                continue
            }
            let record = try file.decode(r)
            if m.apply(record, cpumode: r.cpumode) { continue }
            switch record {
            case let .lost(_, n): lostSamples &+= n
            case let .lostSamples(n): lostSamples &+= n
            case let .sample(s):
                guard let attr = file.attr(of: r) else { continue }
                try sample(r.attrIndex, s, Self.input(s, attr: attr, misc: r.misc, attrIndex: r.attrIndex))
            default: break
            }
        }
    }

    static func input(_ s: Sample, attr: EventAttr, misc: UInt16, attrIndex: Int) -> SampleInput {
        var i = SampleInput()
        i.attr = attrIndex
        i.pid = Int32(bitPattern: s.pid)
        i.tid = Int32(bitPattern: s.tid)
        let t = attr.sampleType
        if t.contains(.time) { i.time = s.time }
        if t.contains(.cpu) { i.cpu = s.cpu }
        i.period = t.contains(.period) ? s.period : max(1, attr.freq ? 1 : attr.samplePeriod)
        i.ip = s.ip
        i.cpumode = misc & RecordMisc.cpumodeMask
        if t.contains(.callchain) { i.callchain = s.callchain }
        if t.contains(.regsUser), t.contains(.stackUser), s.userRegsABI != 0 {
            i.userRegisters = (s.userRegsABI, attr.sampleRegsUser, s.userRegs.array)
            let n = Int(min(s.userStackDynSize, UInt64(s.userStack.count)))
            i.userStack = (try? s.userStack.slice(0, n)) ?? .empty
        }
        return i
    }
}
