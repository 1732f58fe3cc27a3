import Glibc

/// Header features the writer stores at `finish` (nil / empty ones are left out).
public struct WriterFeatures: Sendable {
    public var hostname: String?
    public var osRelease: String?
    public var version: String?
    public var arch: String?
    public var nrCPUsAvailable: UInt32?
    public var nrCPUsOnline: UInt32?
    public var cmdline: [String]?
    /// Event names for EVENT_DESC, one per attr in order (ids are taken from the attrs).
    public var eventNames: [String]?
    public var buildIDs: [BuildIDEntry] = []
    public var totalMemKB: UInt64?
    /// First and last sample time for SAMPLE_TIME.
    public var sampleTime: (first: UInt64, last: UInt64)?
    public var clockResolutionNs: UInt64?
    /// TRACING_DATA: needed by perf for files with tracepoint events.
    public var tracingData: TracingData?
    public init() {}
}

/// Writes a perf.data while recording. File mode: the attrs go out at `init`, records are appended
/// as they come (buffered), and `finish` writes the features and then the header at offset 0.
/// Pipe mode (`pipe(fd:attrs:features:)`, for `-o -`): header, ATTR and FEATURE records go out first, nothing is rewritten.
public final class PerfDataWriter {
    public let attrs: [AttrEntry]
    public var features = WriterFeatures()
    /// Insert a FINISHED_ROUND after this many samples (nil: only when `finishedRound()` is called).
    public var roundEvery: Int?
    private let fd: Int32
    private let ownsFD: Bool
    private var buf = ByteBuffer(capacity: 1 << 18)
    private let dataOffset: Int
    private var dataSize = 0
    private var samplesInRound = 0
    private var finished = false
    private var isPipe = false
    private static let attrSlot = EventAttr.sizeVer7

    /// Writes to `fd` (positioned anywhere: the writer uses absolute offsets from 0). The attrs are stored with size 128.
    public init(fd: Int32, attrs: [AttrEntry], closeWhenDone: Bool = false) throws(PerfDataError) {
        self.fd = fd
        self.ownsFD = closeWhenDone
        self.attrs = attrs.map { var e = $0; e.attr.size = UInt32(PerfDataWriter.attrSlot); return e }
        // [header][ids of each attr][attrs section][data...]
        var pre = ByteBuffer()
        pre.zeros(FileHeader.size)
        var idOffsets: [(Int, Int)] = []
        for a in self.attrs {
            idOffsets.append((pre.count, a.ids.count * 8))
            for id in a.ids { pre.u64(id) }
        }
        let attrsOffset = pre.count
        for (i, a) in self.attrs.enumerated() {
            a.attr.encode(into: &pre)
            pre.u64(UInt64(idOffsets[i].0)); pre.u64(UInt64(idOffsets[i].1))
        }
        let attrsSize = pre.count - attrsOffset
        pre.align(8)
        dataOffset = pre.count
        self.attrsSection = FileSection(offset: UInt64(attrsOffset), size: UInt64(attrsSize))
        if lseek(fd, 0, SEEK_SET) < 0 { throw .io("seek: \(String(cString: strerror(errno)))") }
        try writeAll(pre.bytes)
    }

    private let attrsSection: FileSection

    /// A pipe-mode writer: never seeks, so `fd` may be a pipe. The features are written immediately.
    public init(pipe fd: Int32, attrs: [AttrEntry], features: WriterFeatures, closeWhenDone: Bool = false) throws(PerfDataError) {
        self.fd = fd
        self.ownsFD = closeWhenDone
        self.attrs = attrs.map { var e = $0; e.attr.size = UInt32(PerfDataWriter.attrSlot); return e }
        self.features = features
        self.isPipe = true
        dataOffset = FileHeader.pipeSize
        attrsSection = FileSection(offset: 0, size: 0)
        var pre = ByteBuffer()
        pre.u64(FileHeader.magic); pre.u64(UInt64(FileHeader.pipeSize))
        for a in self.attrs {
            let at = pre.count
            pre.u32(RecordType.headerAttr); pre.u16(0); pre.u16(0)
            a.attr.encode(into: &pre)
            for id in a.ids { pre.u64(id) }
            guard pre.count - at <= RecordEncoder.maxRecordSize else { throw .unsupported("ATTR record with \(a.ids.count) ids is too large") }
            pre.setU16(at + 6, UInt16(pre.count - at))
        }
        for (id, bytes) in encodeFeatures() {
            let n = 16 + bytes.count
            guard n <= RecordEncoder.maxRecordSize else { throw .unsupported("feature \(id) of \(bytes.count) bytes is too large for a record") }
            pre.u32(RecordType.headerFeature); pre.u16(0); pre.u16(UInt16(n)); pre.u64(UInt64(id)); pre.append(bytes)
        }
        if let t = features.tracingData {
            // TRACING_DATA: a 16-byte record followed by the data padded to 8; the size in the record counts the padding.
            let data = t.encode()
            pre.u32(RecordType.headerTracingData); pre.u16(0); pre.u16(16); pre.u32(UInt32((data.count + 7) & ~7)); pre.u32(0)
            pre.append(data); pre.align(8)
        }
        try writeAll(pre.bytes)
    }

    /// Creates `path` (mode 0600, never following a symlink; an existing file is replaced).
    public convenience init(path: String, attrs: [AttrEntry]) throws(PerfDataError) {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw .io("\(path): \(String(cString: strerror(errno)))") }
        try self.init(fd: fd, attrs: attrs, closeWhenDone: true)
    }

    deinit { if ownsFD { close(fd) } }

    private func writeAll(_ bytes: [UInt8]) throws(PerfDataError) {
        var done = 0
        while done < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + done, $0.count - done) }
            if n < 0 { if errno == EINTR { continue }; throw .io("write: \(String(cString: strerror(errno)))") }
            done += n
        }
    }

    private func pwriteAll(_ bytes: [UInt8], at offset: Int) throws(PerfDataError) {
        var done = 0
        while done < bytes.count {
            let n = bytes.withUnsafeBytes { pwrite(fd, $0.baseAddress! + done, $0.count - done, off_t(offset + done)) }
            if n < 0 { if errno == EINTR { continue }; throw .io("pwrite: \(String(cString: strerror(errno)))") }
            done += n
        }
    }

    private func flushIfFull() throws(PerfDataError) { if buf.count >= 1 << 18 { try flush() } }

    /// Writes buffered records out.
    public func flush() throws(PerfDataError) {
        guard buf.count > 0 else { return }
        try writeAll(buf.bytes)
        dataSize += buf.count
        buf.bytes.removeAll(keepingCapacity: true)
    }

    private func attr(_ i: Int) -> EventAttr? { i >= 0 && i < attrs.count ? attrs[i].attr : nil }

    /// Appends an already encoded record (header included), e.g. one copied from another file or a ring buffer.
    public func writeRecord(_ bytes: [UInt8]) throws(PerfDataError) {
        guard !finished else { throw .io("writer already finished") }
        buf.append(bytes)
        try flushIfFull()
    }

    /// Appends a record of another file unchanged (COMPRESSED ones cannot be copied: their stream state is lost).
    public func writeRecord(_ r: RawRecord) throws(PerfDataError) {
        guard !finished else { throw .io("writer already finished") }
        Sample.copy(&buf, r.bytes)
        if r.type == RecordType.sample { try countSample() }
        try flushIfFull()
    }

    /// COMM; `attr` is the index of the attr whose sample_id_all trailer layout applies.
    public func comm(pid: UInt32, tid: UInt32, comm: String, exec: Bool = false, sampleID: SampleID? = nil, attr: Int = 0) throws(PerfDataError) {
        try RecordEncoder.comm(&buf, pid: pid, tid: tid, comm: comm, exec: exec, sampleID: sampleID, attr: self.attr(attr))
        try flushIfFull()
    }

    /// MMAP (kernel map: pid UInt32.max, `[kernel.kallsyms]_text`, pgoff = `_text`).
    public func mmap(_ m: MmapRecord, misc: UInt16 = RecordMisc.kernel, sampleID: SampleID? = nil, attr: Int = 0) throws(PerfDataError) {
        try RecordEncoder.mmap(&buf, m, misc: misc, sampleID: sampleID, attr: self.attr(attr))
        try flushIfFull()
    }

    /// MMAP2, normal or (with `m.buildID`) build-id variant.
    public func mmap2(_ m: Mmap2Record, misc: UInt16 = RecordMisc.user, sampleID: SampleID? = nil, attr: Int = 0) throws(PerfDataError) {
        try RecordEncoder.mmap2(&buf, m, misc: misc, sampleID: sampleID, attr: self.attr(attr))
        try flushIfFull()
    }

    /// FORK.
    public func fork(_ t: TaskRecord, sampleID: SampleID? = nil, attr: Int = 0) throws(PerfDataError) {
        try RecordEncoder.task(&buf, t, exit: false, sampleID: sampleID, attr: self.attr(attr))
        try flushIfFull()
    }

    /// EXIT.
    public func exit(_ t: TaskRecord, sampleID: SampleID? = nil, attr: Int = 0) throws(PerfDataError) {
        try RecordEncoder.task(&buf, t, exit: true, sampleID: sampleID, attr: self.attr(attr))
        try flushIfFull()
    }

    /// LOST.
    public func lost(id: UInt64, lost: UInt64, sampleID: SampleID? = nil, attr: Int = 0) throws(PerfDataError) {
        try RecordEncoder.lost(&buf, id: id, lost: lost, sampleID: sampleID, attr: self.attr(attr))
        try flushIfFull()
    }

    /// SAMPLE of attr `attr` (index), encoded per its sample_type; misc holds the cpumode.
    public func sample(_ s: Sample, misc: UInt16 = RecordMisc.user, attr: Int = 0) throws(PerfDataError) {
        guard let a = self.attr(attr) else { throw .io("sample for attr \(attr) of \(attrs.count)") }
        try RecordEncoder.sample(&buf, s, misc: misc, attr: a)
        try countSample()
        try flushIfFull()
    }

    private func countSample() throws(PerfDataError) {
        samplesInRound += 1
        if let n = roundEvery, samplesInRound >= n { try finishedRound() }
    }

    /// FINISHED_ROUND: everything before it may be sorted and delivered by perf.
    public func finishedRound() throws(PerfDataError) {
        RecordEncoder.finishedRound(&buf)
        samplesInRound = 0
        try flushIfFull()
    }

    /// Flushes, writes the features after the data and the header at offset 0 (pipe mode: only flushes). Call once.
    public func finish() throws(PerfDataError) {
        guard !finished else { return }
        try flush()
        finished = true
        if isPipe { return }
        let sections = encodeFeatures()
        let featStart = dataOffset + dataSize
        var table = ByteBuffer(), payload = ByteBuffer()
        var bitmap: [UInt64] = [0, 0, 0, 0]
        var at = featStart + 16 * sections.count
        for (id, bytes) in sections {
            bitmap[id / 64] |= 1 << UInt64(id % 64)
            table.u64(UInt64(at)); table.u64(UInt64(bytes.count))
            payload.append(bytes)
            at += bytes.count
        }
        try pwriteAll(table.bytes + payload.bytes, at: featStart)
        var h = ByteBuffer()
        h.u64(FileHeader.magic); h.u64(UInt64(FileHeader.size)); h.u64(UInt64(PerfDataWriter.attrSlot + 16))
        h.u64(attrsSection.offset); h.u64(attrsSection.size)
        h.u64(UInt64(dataOffset)); h.u64(UInt64(dataSize))
        h.u64(0); h.u64(0)
        for w in bitmap { h.u64(w) }
        try pwriteAll(h.bytes, at: 0)
        if ownsFD { _ = fsync(fd) }
    }

    /// Feature sections in ascending bit order.
    private func encodeFeatures() -> [(Int, [UInt8])] {
        var r: [(Int, [UInt8])] = []
        func str(_ id: Int, _ s: String?) {
            guard let s else { return }
            var b = ByteBuffer(); Self.string(&b, s); r.append((id, b.bytes))
        }
        let f = features
        if let t = f.tracingData, !isPipe { r.append((FeatureID.tracingData, t.encode())) }
        if !f.buildIDs.isEmpty {
            var b = ByteBuffer()
            for e in f.buildIDs {
                let at = b.count
                b.u32(0); b.u16(e.cpumode | RecordMisc.buildIDSize); b.u16(0)
                b.u32(UInt32(bitPattern: e.pid))
                let n = min(e.buildID.count, 20)
                b.append(Array(e.buildID.prefix(n))); b.zeros(20 - n)
                b.u8(UInt8(n)); b.zeros(3)
                b.cString(e.filename, alignment: 64)
                b.setU16(at + 6, UInt16(clamping: b.count - at))
            }
            r.append((FeatureID.buildID, b.bytes))
        }
        str(FeatureID.hostname, f.hostname)
        str(FeatureID.osrelease, f.osRelease)
        str(FeatureID.version, f.version)
        str(FeatureID.arch, f.arch)
        if let a = f.nrCPUsAvailable {
            var b = ByteBuffer(); b.u32(a); b.u32(f.nrCPUsOnline ?? a); r.append((FeatureID.nrCPUs, b.bytes))
        }
        if let m = f.totalMemKB { var b = ByteBuffer(); b.u64(m); r.append((FeatureID.totalMem, b.bytes)) }
        if let c = f.cmdline {
            var b = ByteBuffer(); b.u32(UInt32(c.count)); for s in c { Self.string(&b, s) }; r.append((FeatureID.cmdline, b.bytes))
        }
        if let names = f.eventNames {
            var b = ByteBuffer()
            b.u32(UInt32(attrs.count)); b.u32(UInt32(PerfDataWriter.attrSlot))
            for (i, a) in attrs.enumerated() {
                a.attr.encode(into: &b)
                b.u32(UInt32(a.ids.count))
                Self.string(&b, i < names.count ? names[i] : "")
                for id in a.ids { b.u64(id) }
            }
            r.append((FeatureID.eventDesc, b.bytes))
        }
        if let t = f.sampleTime { var b = ByteBuffer(); b.u64(t.first); b.u64(t.last); r.append((FeatureID.sampleTime, b.bytes)) }
        if let c = f.clockResolutionNs { var b = ByteBuffer(); b.u64(c); r.append((FeatureID.clockID, b.bytes)) }
        return r.sorted { $0.0 < $1.0 }
    }

    /// perf's string: u32 length (NUL included, padded to 64), then the bytes.
    static func string(_ b: inout ByteBuffer, _ s: String) {
        let n = s.utf8.count + 1
        let padded = (n + 63) / 64 * 64
        b.u32(UInt32(padded))
        b.append(Array(s.utf8)); b.zeros(padded - n + 1)
    }
}
