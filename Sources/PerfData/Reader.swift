import Bytes

/// A perf.data file (file or pipe mode, either byte order) over mapped bytes: header, attrs and
/// features parsed at open; records streamed by `records()` / `orderedRecords()`.
public struct PerfDataFile: Sendable {
    /// The whole file.
    public let bytes: Bytes
    /// Pipe mode (`perf record -o -`): attrs and features come as records.
    public let isPipe: Bool
    /// Written on a machine of the other byte order.
    public var isSwapped: Bool { bytes.bigEndian }
    /// The file-mode header (nil in pipe mode).
    public let header: FileHeader?
    /// Events with their sample ids, in file order.
    public private(set) var attrs: [AttrEntry] = []
    public private(set) var features = Features()
    /// Where records start and end in `bytes`.
    let dataStart: Int, dataEnd: Int
    /// Sample id -> attr index (only with several attrs).
    let idToAttr: [UInt64: Int]
    /// Position of the id in SAMPLE records (u64 index from the start) and in sample_id trailers (u64 index from the end, 1 = last); -1 = none.
    let sampleIDPos: Int, trailerIDPos: Int

    /// Opens and maps `path`.
    public init(path: String) throws {
        try self.init(bytes: MappedFile.open(path))
        // Records are read front to back: large files get their pages mapped ahead on another CPU.
        if dataEnd - dataStart >= 64 << 20 { MappedFile.populateInBackground(bytes, offset: dataStart, length: dataEnd - dataStart) }
    }

    /// Parses the header, attrs and features of an in-memory or mapped file.
    public init(bytes raw: Bytes) throws(PerfDataError) {
        var b = raw
        b.bigEndian = false
        guard let m = try? b.u64(0) else { throw .notPerfData }
        if m != FileHeader.magic {
            b.bigEndian = true
            guard (try? b.u64(0)) == FileHeader.magic else { throw .notPerfData }
        }
        bytes = b
        guard let hsize = try? b.u64(8) else { throw .malformed(offset: 8, context: "header", reason: "truncated") }
        if hsize == UInt64(FileHeader.pipeSize) {
            isPipe = true
            header = nil
            dataStart = FileHeader.pipeSize
            dataEnd = b.count
        } else {
            isPipe = false
            guard hsize >= UInt64(FileHeader.size) else {
                throw .malformed(offset: 8, context: "header", reason: "header size \(hsize) is neither 16 (pipe) nor at least 104")
            }
            let h: FileHeader
            do {
                h = FileHeader(headerSize: hsize, attrSize: try b.u64(16),
                               attrs: FileSection(offset: try b.u64(24), size: try b.u64(32)),
                               data: FileSection(offset: try b.u64(40), size: try b.u64(48)),
                               eventTypes: FileSection(offset: try b.u64(56), size: try b.u64(64)),
                               features: [try b.u64(72), try b.u64(80), try b.u64(88), try b.u64(96)])
            } catch { throw .truncated(0, "header", error) }
            header = h
            guard let ds = int(h.data.offset), let dz = int(h.data.size), let de = add(ds, dz), de <= b.count else {
                throw .malformed(offset: 40, context: "header", reason: "data section \(h.data.offset)+\(h.data.size) outside the file (\(b.count) bytes)")
            }
            dataStart = ds
            dataEnd = dz == 0 && h.featureIDs.isEmpty ? b.count : de
            attrs = try Self.readAttrs(b, h)
            try Self.readFeatures(b, h, dataEnd: de, into: &features)
        }
        var idMap: [UInt64: Int] = [:]
        var sPos = 0, tPos = 1
        if isPipe { try Self.scanPipe(b, from: dataStart, attrs: &attrs, features: &features) }
        if attrs.count > 1 {
            for (i, a) in attrs.enumerated() { for id in a.ids where idMap[id] == nil { idMap[id] = i } }
        }
        if let t = attrs.first?.attr.sampleType {
            (sPos, tPos) = Self.idPositions(t)
        }
        idToAttr = idMap
        sampleIDPos = sPos
        trailerIDPos = tPos
    }

    /// perf's id_pos / is_pos for a sample_type.
    static func idPositions(_ t: SampleType) -> (Int, Int) {
        if t.contains(.identifier) { return (0, 1) }
        guard t.contains(.id) else { return (-1, -1) }
        var s = 0
        for f in [SampleType.ip, .tid, .time, .addr] where t.contains(f) { s += 1 }
        var e = 1
        for f in [SampleType.cpu, .streamID] where t.contains(f) { e += 1 }
        return (s, e)
    }

    static func readAttrs(_ b: Bytes, _ h: FileHeader) throws(PerfDataError) -> [AttrEntry] {
        guard h.attrs.size > 0 else { return [] }
        guard let stride = int(h.attrSize), stride >= EventAttr.sizeVer0 + 16 else {
            throw .malformed(offset: 16, context: "header", reason: "attr size \(h.attrSize) is smaller than 80")
        }
        guard let ao = int(h.attrs.offset), let az = int(h.attrs.size), let ae = add(ao, az), ae <= b.count else {
            throw .malformed(offset: 24, context: "header", reason: "attrs section \(h.attrs.offset)+\(h.attrs.size) outside the file")
        }
        guard az % stride == 0 else {
            throw .malformed(offset: 24, context: "header", reason: "attrs section size \(az) is not a multiple of \(stride)")
        }
        var r: [AttrEntry] = []
        var o = ao
        while o < ae {
            let ctx = "attr at offset \(hex(o))"
            let attr = try EventAttr.decode(b, at: o, available: stride - 16, context: ctx)
            let ids: [UInt64]
            do {
                let io = try b.u64(o + stride - 16), iz = try b.u64(o + stride - 8)
                guard let s = try? b.slice(io, iz), s.count % 8 == 0 else {
                    throw PerfDataError.malformed(offset: o + stride - 16, context: ctx, reason: "ids section \(io)+\(iz) invalid")
                }
                ids = (0..<s.count / 8).map { (try? s.u64($0 * 8)) ?? 0 }
            } catch let e as PerfDataError { throw e } catch { throw .malformed(offset: o, context: ctx, reason: "\(error)") }
            r.append(AttrEntry(attr: attr, ids: ids))
            o += stride
        }
        return r
    }

    static func readFeatures(_ b: Bytes, _ h: FileHeader, dataEnd: Int, into f: inout Features) throws(PerfDataError) {
        var o = dataEnd
        for id in h.featureIDs {
            let ctx = "feature \(id) table entry"
            guard let fo = try? b.u64(o), let fz = try? b.u64(o + 8) else {
                throw .malformed(offset: o, context: ctx, reason: "truncated")
            }
            guard let s = try? b.slice(fo, fz) else {
                throw .malformed(offset: o, context: ctx, reason: "section \(fo)+\(fz) outside the file")
            }
            try f.parse(id, s, offset: Int(fo))
            o += 16
        }
    }

    /// Pipe mode: collects HEADER_ATTR and HEADER_FEATURE records. Stops quietly at the first malformed
    /// record (iteration reports it).
    static func scanPipe(_ b: Bytes, from start: Int, attrs: inout [AttrEntry], features: inout Features) throws(PerfDataError) {
        var o = start
        while o + 8 <= b.count {
            guard let type = try? b.u32(o), let misc = try? b.u16(o + 4), let sz = try? b.u16(o + 6), sz >= 8, let rb = try? b.slice(o, Int(sz)) else { return }
            let r = RawRecord(type: type, misc: misc, offset: o, decompressedOffset: -1, bytes: rb, attrIndex: -1)
            switch type {
            case RecordType.headerAttr:
                do { attrs.append(try headerAttr(r)) } catch let e as PerfDataError { throw e } catch {
                    throw .malformed(offset: o, context: r.location, reason: "\(error)")
                }
            case RecordType.headerFeature:
                guard let id = try? rb.u64(8), id < 256, let d = try? rb.slice(from: 16) else {
                    throw .malformed(offset: o, context: r.location, reason: "FEATURE record too small")
                }
                try features.parse(Int(id), d, offset: o + 16)
            case RecordType.headerBuildID:
                if let e = try? Features.buildIDRecord(rb, misc: misc) { features.buildIDs.append(e) }
            case RecordType.idIndex:
                // Producers that leave the ATTR ids empty say here which attr an id belongs to.
                guard let nr = try? rb.u64(8), nr <= UInt64((rb.count - 16) / 32) else { break }
                for k in 0..<Int(nr) {
                    guard let id = try? rb.u64(16 + 32 * k), let idx = try? rb.u64(24 + 32 * k), idx < UInt64(attrs.count) else { continue }
                    if !attrs[Int(idx)].ids.contains(id) { attrs[Int(idx)].ids.append(id) }
                }
            default: break
            }
            guard let skip = try? trailingBytes(r), let n = add(o, Int(sz)), let n2 = add(n, skip) else { return }
            o = n2
        }
    }

    /// Bytes that follow a record outside its size (AUXTRACE data, pipe-mode TRACING_DATA).
    static func trailingBytes(_ r: RawRecord) throws(PerfDataError) -> Int {
        switch r.type {
        case RecordType.auxtrace:
            guard let n = try? r.bytes.u64(8), let v = int(n) else { throw .malformed(offset: r.offset, context: r.location, reason: "AUXTRACE size") }
            return v
        case RecordType.headerTracingData:
            guard let n = try? r.bytes.u32(8) else { throw .malformed(offset: r.offset, context: r.location, reason: "TRACING_DATA size") }
            return (Int(n) + 7) & ~7
        default: return 0
        }
    }

    /// The attr index for a kernel record, by sample id; 0 with a single attr; -1 when the id is unknown.
    @inline(__always)
    func attrIndex(type: UInt32, record b: Bytes) -> Int {
        if attrs.count <= 1 { return attrs.isEmpty ? -1 : 0 }
        guard type < 64 else { return -1 }
        let id: UInt64?
        if type == RecordType.sample {
            guard sampleIDPos >= 0 else { return 0 }
            id = try? b.u64(8 &+ sampleIDPos &* 8)
        } else {
            guard trailerIDPos >= 0, attrs[0].attr.sampleIDAll else { return 0 }
            id = try? b.u64(b.count &- trailerIDPos &* 8)
        }
        guard let id else { return -1 }
        return idToAttr[id] ?? -1
    }

    /// The record's timestamp (sample TIME or sample_id_all trailer time), nil when it has none.
    public func timestamp(_ r: RawRecord) -> UInt64? {
        guard r.isKernelRecord, let a = attr(of: r), a.sampleType.contains(.time) else { return nil }
        let t = a.sampleType
        if r.type == RecordType.sample {
            var o = 8
            if t.contains(.identifier) { o += 8 }
            if t.contains(.ip) { o += 8 }
            if t.contains(.tid) { o += 8 }
            return try? r.bytes.u64(o)
        }
        guard a.sampleIDAll else { return nil }
        var back = SampleID.size(t) - (t.contains(.tid) ? 8 : 0)
        back = r.bytes.count - back
        guard back >= 8 else { return nil }
        return try? r.bytes.u64(back)
    }

    /// Records in file order, streamed (COMPRESSED records expanded in place).
    public func records() -> RecordIterator { RecordIterator(file: self) }

    /// Records in time order the way perf delivers them: kernel records are queued and flushed at each
    /// FINISHED_ROUND up to the previous round's latest time; user records pass straight through.
    public func orderedRecords() -> OrderedRecordIterator { OrderedRecordIterator(RecordIterator(file: self)) }
}

/// Streams the records of a PerfDataFile. `next()` returns nil at the end and throws on malformed data.
public struct RecordIterator {
    let file: PerfDataFile
    var pos: Int
    /// Decompressed records not yet returned, and where they stand in the decompressed stream.
    var inner: Bytes = .empty
    var innerPos = 0
    var innerBase = 0
    var compressedAt = 0
    var zstd: ZstdStream? = nil
    var failed = false

    init(file: PerfDataFile) {
        self.file = file
        pos = file.dataStart
    }

    /// File offset of the next record to read.
    public var offset: Int { pos }

    /// The next record, or nil at the end.
    public mutating func next() throws(PerfDataError) -> RawRecord? {
        if failed { return nil }
        do { return try step() } catch { failed = true; throw error }
    }

    private mutating func step() throws(PerfDataError) -> RawRecord? {
        let b = file.bytes
        while true {
            if innerPos < inner.count {
                if let r = try innerRecord() { return r }
            }
            if pos >= file.dataEnd {
                if innerPos < inner.count {
                    throw .malformed(offset: compressedAt, context: "compressed data", reason: "ends inside a record (decompressed offset \(hex(innerBase + innerPos)))")
                }
                return nil
            }
            var ctx: String { "record at offset \(hex(pos))" }
            guard file.dataEnd - pos >= 8, let type = try? b.u32(pos), let misc = try? b.u16(pos + 4), let sz16 = try? b.u16(pos + 6) else {
                throw .malformed(offset: pos, context: ctx, reason: "header runs past the end of the data (\(hex(file.dataEnd)))")
            }
            let size = Int(sz16)
            guard size >= 8 else { throw .malformed(offset: pos, context: ctx, reason: "size \(size) smaller than its header") }
            guard size <= file.dataEnd - pos, let rb = try? b.slice(pos, size) else {
                throw .malformed(offset: pos, context: ctx, reason: "size \(size) runs past the end of the data (\(hex(file.dataEnd)))")
            }
            let r = RawRecord(type: type, misc: misc, offset: pos, decompressedOffset: -1, bytes: rb,
                              attrIndex: file.attrIndex(type: type, record: rb))
            let skip = try PerfDataFile.trailingBytes(r)
            guard skip <= file.dataEnd - pos - size else {
                throw .malformed(offset: pos, context: ctx, reason: "\(RecordType.name(type)) data of \(skip) bytes runs past the end")
            }
            let at = pos
            pos += size + skip
            if type == RecordType.compressed {
                try expand(rb, at: at)
                continue
            }
            return r
        }
    }

    /// Appends the decompressed bytes of a COMPRESSED record to the pending inner records.
    private mutating func expand(_ rb: Bytes, at: Int) throws(PerfDataError) {
        if zstd == nil { zstd = try ZstdStream(offset: at) }
        guard let z = zstd, let input = try? rb.slice(from: 8) else { return }
        var out: [UInt8] = []
        if innerPos < inner.count { out = (try? inner.array(innerPos, inner.count - innerPos)) ?? [] }
        innerBase += innerPos
        let keep = out.count
        // perf decompresses each record into an mmap_len-sized buffer; allow generous headroom, not gigabytes.
        let mmapLen = Int(file.features.compression?.mmapLen ?? 0)
        try z.decompress(input, into: &out, offset: at, limit: keep + max(64 << 20, 4 * mmapLen))
        inner = Bytes(out, bigEndian: file.bytes.bigEndian)
        innerPos = 0
        compressedAt = at
    }

    /// The next complete record of the decompressed bytes, or nil when it continues in the next chunk.
    private mutating func innerRecord() throws(PerfDataError) -> RawRecord? {
        let left = inner.count - innerPos
        guard left >= 8, let type = try? inner.u32(innerPos), let misc = try? inner.u16(innerPos + 4), let sz16 = try? inner.u16(innerPos + 6) else { return nil }
        let size = Int(sz16)
        let dOff = innerBase + innerPos
        guard size >= 8 else {
            throw .malformed(offset: compressedAt, context: "record in compressed data", reason: "decompressed offset \(hex(dOff)): size \(size) smaller than its header")
        }
        guard size <= left, let rb = try? inner.slice(innerPos, size) else { return nil }
        let r = RawRecord(type: type, misc: misc, offset: compressedAt, decompressedOffset: dOff, bytes: rb,
                          attrIndex: file.attrIndex(type: type, record: rb))
        let skip = try PerfDataFile.trailingBytes(r)
        guard skip <= left - size else { return nil }
        innerPos += size + skip
        if type == RecordType.compressed {
            throw .malformed(offset: compressedAt, context: "record in compressed data", reason: "nested COMPRESSED record")
        }
        return r
    }
}

/// Delivers records in perf's order: kernel records with a timestamp are sorted within FINISHED_ROUND windows.
public struct OrderedRecordIterator {
    var source: RecordIterator
    /// Queued kernel records with (time, sequence number).
    var queue: [(time: UInt64, seq: Int, record: RawRecord)] = []
    /// Sorted records ready to deliver, consumed from `readyPos`.
    var ready: [RawRecord] = []
    var readyPos = 0
    /// A user record waiting behind the flushed ones.
    var held: RawRecord? = nil
    var seq = 0
    var maxTime: UInt64 = 0
    var nextFlush: UInt64 = 0
    var done = false

    init(_ s: RecordIterator) { source = s }

    /// The next record in delivery order, or nil at the end.
    public mutating func next() throws(PerfDataError) -> RawRecord? {
        while true {
            if readyPos < ready.count { readyPos += 1; return ready[readyPos - 1] }
            ready.removeAll(keepingCapacity: true); readyPos = 0
            if let h = held { held = nil; return h }
            if done { return nil }
            guard let r = try source.next() else {
                done = true
                flush(upTo: .max)
                continue
            }
            if r.type == RecordType.finishedRound {
                flush(upTo: nextFlush)
                nextFlush = maxTime
                held = r
                continue
            }
            guard let t = source.file.timestamp(r), t != 0 else {
                // perf delivers records without a time (or with time 0, as synthesized ones) at once.
                return r
            }
            if t > maxTime { maxTime = t }
            queue.append((t, seq, r))
            seq += 1
        }
    }

    private mutating func flush(upTo limit: UInt64) {
        guard !queue.isEmpty else { return }
        queue.sort { $0.time != $1.time ? $0.time < $1.time : $0.seq < $1.seq }
        var n = 0
        while n < queue.count && queue[n].time <= limit { n += 1 }
        ready.append(contentsOf: queue[0..<n].map(\.record))
        queue.removeFirst(n)
    }
}

extension PerfDataFile {
    /// A decoder for records that come straight from perf ring buffers (sonde perf record/top): no file
    /// bytes, only the events' attrs and ids, so that `decode` and `attr(of:)` work on live records.
    public init(liveAttrs: [AttrEntry]) {
        bytes = .empty
        isPipe = true
        header = nil
        dataStart = 0
        dataEnd = 0
        attrs = liveAttrs
        var idMap: [UInt64: Int] = [:]
        if liveAttrs.count > 1 {
            for (i, a) in liveAttrs.enumerated() { for id in a.ids where idMap[id] == nil { idMap[id] = i } }
        }
        idToAttr = idMap
        (sampleIDPos, trailerIDPos) = liveAttrs.first.map { Self.idPositions($0.attr.sampleType) } ?? (0, 1)
    }
}
