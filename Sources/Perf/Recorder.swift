import Bytes
import CSonde
import Glibc
import PerfData
import PerfEvents
import ProcFS
import Unwind

extension EventAttr {
    /// The attr perf_event_open was given, as perf.data describes it.
    init(_ a: perf_event_attr) {
        var copy = a
        let bytes = withUnsafeBytes(of: &copy) { Array($0) }
        self = (try? EventAttr.decode(Bytes(bytes), at: 0, available: bytes.count, context: "attr")) ?? EventAttr()
    }
}

/// The live side of `perf record`: opens the sampling events, drains the ring buffers into a perf.data
/// writer, and for DWARF call graphs unwinds each sample's stack copy before writing it.
final class Recorder {
    let o: Record.Options
    let dwarf: Bool
    let arch: Architecture
    var samples: UInt64 = 0
    var wakeups = 0

    init(_ o: Record.Options) {
        self.o = o
        dwarf = o.callGraph == "dwarf"
        #if arch(arm64)
        arch = .aarch64
        #else
        arch = .x86_64
        #endif
    }

    /// Data pages per CPU buffer: DWARF samples are ~8 KiB each, so they get at least 2 MiB.
    var bufferPages: Int { dwarf ? max(o.pages, 512) : o.pages }

    /// perf's REGS_USER mask for DWARF unwinding: x86_64 AX..SS, R8..R15 (0xff0fff); aarch64 x0..x30, sp, pc.
    var userRegsMask: UInt64 { arch == .x86_64 ? 0xff0fff : (UInt64(1) << 33) - 1 }

    func attrs(enableOnExec: Bool) throws -> [perf_event_attr] {
        var out: [perf_event_attr] = []
        for (i, spec) in o.events.enumerated() {
            var a: perf_event_attr
            do {
                a = try PerfAttr.sampling(spec, freq: o.freq ?? 4000, period: o.period, callchain: o.callGraph != nil, enableOnExec: enableOnExec)
            } catch {
                throw PerfToolError("\(spec.displayName): \(error)")
            }
            if !enableOnExec { a.disabled = 1 }
            // Wake the reader when a quarter of the buffer is full, not per sample (perf: "Woken up N times").
            a.watermark = 1
            a.wakeup_watermark = UInt32(clamping: bufferPages * 4096 / 4)
            a.inherit = o.inherit ? 1 : 0
            if o.systemWide { a.sample_type |= SampleType.cpu.rawValue }
            if o.events.count > 1 { a.sample_type |= SampleType.identifier.rawValue }
            if dwarf {
                a.sample_type |= SampleType.regsUser.rawValue | SampleType.stackUser.rawValue
                a.sample_regs_user = userRegsMask
                a.sample_stack_user = o.stackSize
                a.exclude_callchain_user = 1
            }
            // Only the first event tracks tasks and mappings, as perf does.
            if i > 0 { a.mmap = 0; a.mmap2 = 0; a.comm = 0; a.comm_exec = 0; a.task = 0 }
            out.append(a)
        }
        // Several events share one sample-id layout (perf's id_pos): the union of the id fields.
        if out.count > 1 {
            let idBits = SampleType.tid.rawValue | SampleType.time.rawValue | SampleType.cpu.rawValue | SampleType.identifier.rawValue
            let union = out.reduce(UInt64(0)) { $0 | ($1.sample_type & idBits) }
            for i in out.indices { out[i].sample_type |= union }
        }
        if o.offCPU { out[0].context_switch = 1 }
        return out
    }

    /// perf's "offcpu-time" event as the file describes it: samples synthesized at each switch back in,
    /// with the stack of the switch out and the blocked nanoseconds as period.
    func offCPUAttr(like a: EventAttr) -> EventAttr {
        var e = a
        e.type = 1
        e.config = 9  // PERF_COUNT_SW_DUMMY
        e.sampleType.remove(.raw)
        e.sampleType.insert([.callchain, .period, .time])
        e.freq = false
        e.samplePeriod = 1
        return e
    }

    /// The attr as the file describes it: unwound samples carry call chains instead of stack copies.
    func fileAttr(_ a: perf_event_attr) -> EventAttr {
        var e = EventAttr(a)
        if dwarf && !o.keepStacks {
            e.sampleType.remove([.regsUser, .stackUser])
            e.sampleRegsUser = 0
            e.sampleStackUser = 0
            e.excludeCallchainUser = false
        }
        return e
    }

    func run() throws -> Int32 {
        var workload: Workload? = nil
        if !o.command.isEmpty {
            do { workload = try Workload(o.command) } catch { throw PerfToolError(error.description) }
        }
        let enableOnExec = workload != nil
        let raw = try attrs(enableOnExec: enableOnExec)
        let pids: [Int32]
        if let w = workload { pids = [w.pid] } else if o.systemWide { pids = [-1] } else if !o.tids.isEmpty { pids = o.tids } else {
            pids = o.pids.flatMap { p in (try? ProcFS().threadIDs(p)) ?? [p] }
        }
        for p in o.pids where kill(p, 0) != 0 && errno == ESRCH { throw PerfToolError("process \(p): No such process") }
        let sampler: Sampler
        do {
            sampler = try Sampler(attrs: raw, pids: pids, cpus: o.cpus, dataPages: bufferPages,
                                  names: o.events.map(\.displayName))
        } catch {
            if let w = workload { kill(w.pid, SIGKILL); _ = w.wait() }
            throw PerfToolError("\(error)")
        }
        var entries = raw.indices.map { AttrEntry(attr: fileAttr(raw[$0]), ids: sampler.ids(ofAttr: $0)) }
        // --off-cpu: the sched_switch event is written as perf's "offcpu-time" (perf needs tracing data
        // for tracepoint events; the switch samples themselves are not kept, as with perf's --off-cpu).
        let switchAttr = o.offCPU ? raw.count - 1 : -1
        if o.offCPU { entries[switchAttr].attr = offCPUAttr(like: entries[switchAttr].attr) }
        let liveAttrs = raw.indices.map { AttrEntry(attr: EventAttr(raw[$0]), ids: sampler.ids(ofAttr: $0)) }
        let decoder = PerfDataFile(liveAttrs: liveAttrs)
        let fd = open(o.output, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard fd >= 0 else {
            let e = errno
            if let w = workload { kill(w.pid, SIGKILL); _ = w.wait() }
            throw PerfToolError("\(o.output): \(String(cString: strerror(e)))")
        }
        let writer = try PerfDataWriter(fd: fd, attrs: entries, closeWhenDone: true)
        writer.roundEvery = nil
        writer.features = Self.features(events: o.events.map(\.displayName).dropLast(o.offCPU ? 1 : 0) + (o.offCPU ? ["offcpu-time"] : []), command: CommandLine.arguments)
        // Tracepoint events need their formats in the file, or perf refuses it.
        let tracepoints = o.events.enumerated().compactMap { i, e -> (system: String, name: String)? in
            guard i != switchAttr, case let .tracepoint(sys, name) = e.kind else { return nil }
            return (sys, name)
        }
        if !tracepoints.isEmpty { writer.features.tracingData = Tracefs.tracingData(for: tracepoints) }
        var switchedOut: [UInt32: (time: UInt64, sample: Sample, misc: UInt16)] = [:]

        // Side band: the kernel map, and what already runs for -p/-t/-a.
        let machine = Machine(source: SymbolSource())
        let unwinder = SampleUnwinder(machine: machine)
        let kallsymsText = (try? ProcFS().readFile("/proc/kallsyms")) ?? []
        let kallsyms = kallsymsText.isEmpty ? nil : Kallsyms(text: kallsymsText)
        let kernelID = KernelSymbols.runningBuildID()
        if let kernelID, kallsyms?.textStart != nil { KernelSymbols.cacheRunning(kallsymsText, buildID: kernelID) }
        if let text = kallsyms?.textStart {
            let end = kallsyms?.textEnd ?? UInt64.max
            try writer.mmap(MmapRecord(pid: UInt32.max, tid: 0, addr: text, len: end > text ? end - text : UInt64.max - text, pgoff: text, filename: "[kernel.kallsyms]_text"),
                            misc: RecordMisc.kernel, sampleID: SampleID(pid: UInt32.max, tid: UInt32.max))
        }
        if workload == nil {
            let synth = LiveProcesses.synthesize(pids: o.systemWide ? nil : (o.pids.isEmpty ? o.tids : o.pids))
            LiveProcesses.feed(synth, into: machine)
            for e in synth {
                let sid = SampleID(pid: UInt32(bitPattern: e.pid), tid: UInt32(bitPattern: e.tid))
                switch e.kind {
                case let .comm(name): try writer.comm(pid: UInt32(bitPattern: e.pid), tid: UInt32(bitPattern: e.tid), comm: name, sampleID: sid)
                case let .mmap(m):
                    try writer.mmap2(Mmap2Record(pid: UInt32(bitPattern: e.pid), tid: UInt32(bitPattern: e.tid), addr: m.start, len: m.size, pgoff: m.offset,
                                                 maj: m.devMajor, min: m.devMinor, ino: m.inode, prot: 5, flags: 2, filename: m.name), sampleID: sid)
                }
            }
            sampler.enable()
        }

        // Ctrl-C ends a -p/-a recording (and is passed on to a workload, which ends it).
        Record.interrupted = 0
        signal(SIGINT) { _ in Record.interrupted = 1 }
        signal(SIGTERM) { _ in Record.interrupted = 1 }
        defer { signal(SIGINT, SIG_DFL); signal(SIGTERM, SIG_DFL) }

        if let w = workload {
            do { try w.start() } catch { throw PerfToolError(error.description) }
        }
        var failure: Error? = nil
        func drain() {
            // Each CPU has its own buffer: a thread that moved may have its MMAP2 in another CPU's buffer
            // than its samples. Mappings of the whole pass are applied before unwinding any sample of it.
            var pass: [RawRecord] = []
            sampler.drain { _, rec in
                if let r = decoder.liveRecord(Bytes(Array(rec))) { pass.append(r) }
            }
            // Buffers are read one after the other: put the pass in time order, so that a switch back in is
            // paired with the switch out before it even when the two were written on different CPUs.
            if switchAttr >= 0 {
                pass = pass.enumerated().sorted { a, b in
                    let ta = decoder.timestamp(a.element) ?? 0, tb = decoder.timestamp(b.element) ?? 0
                    return ta != tb ? ta < tb : a.offset < b.offset
                }.map(\.element)
            }
            if dwarf {
                for r in pass where r.type == RecordType.mmap2 || r.type == RecordType.mmap || r.type == RecordType.comm || r.type == RecordType.fork {
                    if let rec = try? decoder.decode(r) { machine.apply(rec, cpumode: r.cpumode) }
                }
            }
            for r in pass where failure == nil {
                do { try handle(r) } catch { failure = error }
            }
            do { try writer.finishedRound() } catch { failure = error }
        }
        func handle(_ r: RawRecord) throws {
            switch r.type {
            case RecordType.sample:
                samples &+= 1
                let needsDecode = (dwarf && !o.keepStacks) || (r.attrIndex == switchAttr && switchAttr >= 0)
                guard needsDecode, case var .sample(s) = try decoder.decode(r) else {
                    try writer.writeRecord(r)
                    return
                }
                if dwarf && !o.keepStacks { s = unwound(s, misc: r.misc, machine: machine, unwinder: unwinder) }
                if r.attrIndex == switchAttr {
                    switchedOut[s.tid] = (s.time, s, r.misc)
                    samples &-= 1
                } else if dwarf && !o.keepStacks {
                    try writer.sample(s, misc: r.misc, attr: max(0, r.attrIndex))
                } else {
                    try writer.writeRecord(r)
                }
            case RecordType.switchEvent, RecordType.switchCPUWide:
                try writer.writeRecord(r)
                // Back on a CPU: the time since its switch out is off-CPU time of that stack.
                if switchAttr >= 0, r.misc & RecordMisc.switchOut == 0, let id = try decoder.sampleID(r),
                   let out = switchedOut.removeValue(forKey: id.tid), id.time > out.time {
                    var s = out.sample
                    s.period = id.time - out.time
                    try writer.sample(s, misc: out.misc, attr: switchAttr)
                    samples &+= 1
                }
            case RecordType.mmap2, RecordType.mmap, RecordType.comm, RecordType.fork:
                // Mappings always (their objects' build-ids go into the file); with dwarf, drain() did it.
                if !dwarf && (r.type == RecordType.mmap2 || r.type == RecordType.mmap) {
                    machine.apply(try decoder.decode(r), cpumode: r.cpumode)
                }
                try writer.writeRecord(r)
            default:
                try writer.writeRecord(r)
            }
        }

        var firstSample: UInt64? = nil
        _ = firstSample
        while true {
            if sampler.poll(timeoutMs: 100) {
                // POLLHUP of an exited thread's event stays set: do not spin on it.
                if sampler.buffers.allSatisfy({ $0.pending == 0 }) { usleep(10_000) } else { wakeups += 1 }
            }
            drain()
            if failure != nil { break }
            if let w = workload, w.wait(block: false) { break }
            if Record.interrupted != 0 {
                if let w = workload { kill(w.pid, SIGINT); _ = w.wait() }
                break
            }
        }
        sampler.disable()
        drain()
        if let failure {
            if let w = workload, !w.finished { kill(w.pid, SIGKILL); _ = w.wait() }
            throw PerfToolError("\(o.output): \(failure)")
        }
        if o.buildIDs {
            writer.features.buildIDs = Self.buildIDs(machine: machine, decoderFile: nil, recorded: o.output)
            if let kernelID { writer.features.buildIDs.append(BuildIDEntry(cpumode: RecordMisc.kernel, pid: -1, buildID: kernelID, filename: "[kernel.kallsyms]")) }
        }
        try writer.finish()
        if !o.quiet {
            var st = stat()
            let size = stat(o.output, &st) == 0 ? Double(st.st_size) : 0
            let lost = sampler.lostEvents
            if lost > 0 { writeString("Warning:\nProcessed \(samples) samples and lost \(lost) samples!\n\n", fd: 2) }
            writeString("[ perf record: Woken up \(max(1, wakeups)) times to write data ]\n", fd: 2)
            writeString("[ perf record: Captured and wrote \(Self.megabytes(size)) MB \(o.output) (\(samples) samples) ]\n", fd: 2)
        }
        return workload?.exitStatus ?? 0
    }

    /// A DWARF-mode sample rewritten with its user stack unwound: kernel frames as recorded, then the user frames.
    func unwound(_ s: Sample, misc: UInt16, machine: Machine, unwinder: SampleUnwinder) -> Sample {
        var out = s
        var chain: [UInt64] = []
        for a in s.callchain {
            if a == Session.contextUser { break }
            chain.append(a)
        }
        let thread = machine.thread(pid: Int32(bitPattern: s.pid), tid: Int32(bitPattern: s.tid))
        var user: [UInt64] = []
        let n = Int(min(s.userStackDynSize, UInt64(s.userStack.count)))
        if s.userRegsABI != 0, let u = unwinder.unwind(thread, arch: arch, mask: userRegsMask, values: s.userRegs.array,
                                                      stack: (try? s.userStack.slice(0, n)) ?? .empty) {
            user = u
        } else if misc & RecordMisc.cpumodeMask == RecordMisc.user {
            user = [s.ip]
        }
        if !user.isEmpty {
            chain.append(Session.contextUser)
            chain += user
        }
        out.callchain = U64List(chain)
        out.userRegs = U64List()
        out.userRegsABI = 0
        out.userStack = .empty
        out.userStackDynSize = 0
        return out
    }

    static func megabytes(_ bytes: Double) -> String {
        let v = (bytes / 1048576 * 1000).rounded() / 1000
        let whole = Int(v), frac = Int(((v - Double(whole)) * 1000).rounded())
        return "\(whole).\(String(frac).leftPad(3))"
    }

    /// The build-ids of every object the recording mapped, so reports on other machines find the same files.
    static func buildIDs(machine: Machine, decoderFile: PerfDataFile?, recorded: String) -> [BuildIDEntry] {
        var out: [BuildIDEntry] = []
        for d in machine.allDSOs where d.kind == .user {
            guard let id = d.elf?.buildID(), let bytes = hexBytes(id) else { continue }
            out.append(BuildIDEntry(cpumode: RecordMisc.user, pid: -1, buildID: bytes, filename: d.longName))
        }
        return out.sorted { $0.filename < $1.filename }
    }

    static func hexBytes(_ s: String) -> [UInt8]? {
        var out: [UInt8] = []
        var it = s.utf8.makeIterator()
        while let h = it.next() {
            guard let l = it.next(), let a = Kallsyms.hexValue(h), let b = Kallsyms.hexValue(l) else { return nil }
            out.append(a << 4 | b)
        }
        return out
    }

    static func features(events: [String], command: [String]) -> WriterFeatures {
        var f = WriterFeatures()
        var u = utsname()
        if uname(&u) == 0 {
            func field<T>(_ t: inout T) -> String { withUnsafeBytes(of: &t) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) } }
            f.hostname = field(&u.nodename)
            f.osRelease = field(&u.release)
            f.arch = field(&u.machine)
        }
        f.version = "6.1 (sonde)"
        let cpus = UInt32(max(1, sonde_online_cpus()))
        f.nrCPUsOnline = cpus
        f.nrCPUsAvailable = cpus
        f.cmdline = command
        f.eventNames = events
        return f
    }
}
