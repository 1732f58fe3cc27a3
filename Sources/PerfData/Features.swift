import Bytes

/// One entry of the BUILD_ID feature (or a HEADER_BUILD_ID record): which DSO had which build-id.
public struct BuildIDEntry: Sendable, Hashable {
    /// cpumode of the DSO (RecordMisc.kernel, .user, ...).
    public var cpumode: UInt16
    public var pid: Int32
    public var buildID: [UInt8]
    public var filename: String
    public init(cpumode: UInt16 = RecordMisc.user, pid: Int32 = -1, buildID: [UInt8], filename: String) {
        self.cpumode = cpumode; self.pid = pid; self.buildID = buildID; self.filename = filename
    }

    /// Lowercase hex of the build-id, as perf prints it.
    public var hexID: String {
        let d = Array("0123456789abcdef".utf8)
        var s = [UInt8](); s.reserveCapacity(buildID.count * 2)
        for b in buildID { s.append(d[Int(b >> 4)]); s.append(d[Int(b & 15)]) }
        return String(decoding: s, as: UTF8.self)
    }
}

/// An EVENT_DESC entry: an attr, its event name and its ids.
public struct EventDesc: Sendable, Hashable {
    public var attr: EventAttr
    public var name: String
    public var ids: [UInt64]
    public init(attr: EventAttr, name: String, ids: [UInt64]) { self.attr = attr; self.name = name; self.ids = ids }
}

/// The header features perf stores after the data (file mode) or as FEATURE records (pipe mode).
public struct Features: Sendable {
    public var hostname: String?
    public var osRelease: String?
    public var version: String?
    public var arch: String?
    /// NRCPUS: available (configured) and online.
    public var nrCPUsAvailable: UInt32?
    public var nrCPUsOnline: UInt32?
    public var cpuDesc: String?
    public var cpuID: String?
    /// TOTAL_MEM in kB.
    public var totalMemKB: UInt64?
    public var cmdline: [String]?
    public var eventDesc: [EventDesc]?
    public var buildIDs: [BuildIDEntry] = []
    /// SAMPLE_TIME: first and last sample time.
    public var sampleTimeFirst: UInt64?
    public var sampleTimeLast: UInt64?
    /// CLOCKID: resolution of the clock in ns.
    public var clockResolutionNs: UInt64?
    /// COMPRESSED: {version, type (1 = zstd), level, ratio, mmap_len}.
    public var compression: (version: UInt32, type: UInt32, level: UInt32, ratio: UInt32, mmapLen: UInt32)?
    /// TRACING_DATA: tracefs formats of the recorded tracepoints (nil when absent or unreadable).
    public var tracingData: TracingData?
    /// Every feature's raw bytes by feature bit (including the decoded ones).
    public var raw: [Int: Bytes] = [:]

    public init() {}

    /// Parses feature `id`'s section bytes `b` found at file offset `offset` into the matching field.
    /// Unknown or undecodable features stay only in `raw`.
    mutating func parse(_ id: Int, _ b: Bytes, offset: Int) throws(PerfDataError) {
        raw[id] = b
        let ctx = "feature \(id) section"
        do {
            var c = Cursor(b)
            switch id {
            case FeatureID.tracingData: tracingData = try? TracingData.decode(b, offset: offset).0
            case FeatureID.hostname: hostname = try Self.string(&c)
            case FeatureID.osrelease: osRelease = try Self.string(&c)
            case FeatureID.version: version = try Self.string(&c)
            case FeatureID.arch: arch = try Self.string(&c)
            case FeatureID.cpuDesc: cpuDesc = try Self.string(&c)
            case FeatureID.cpuID: cpuID = try Self.string(&c)
            case FeatureID.nrCPUs: nrCPUsAvailable = try c.u32(); nrCPUsOnline = try c.u32()
            case FeatureID.totalMem: totalMemKB = try c.u64()
            case FeatureID.cmdline: cmdline = try Self.stringList(&c, offset: offset)
            case FeatureID.sampleTime: sampleTimeFirst = try c.u64(); sampleTimeLast = try c.u64()
            case FeatureID.clockID: clockResolutionNs = try c.u64()
            case FeatureID.compressed: compression = (try c.u32(), try c.u32(), try c.u32(), try c.u32(), try c.u32())
            case FeatureID.eventDesc: eventDesc = try Self.eventDesc(&c, offset: offset)
            case FeatureID.buildID: buildIDs += try Self.buildIDs(b, offset: offset)
            default: break
            }
        } catch let e as PerfDataError {
            throw e
        } catch let e as ByteError {
            throw PerfDataError.truncated(offset, ctx, e)
        } catch {
            throw PerfDataError.malformed(offset: offset, context: ctx, reason: "\(error)")
        }
    }

    /// perf's string: u32 length (with NUL and padding), then the bytes.
    static func string(_ c: inout Cursor) throws(ByteError) -> String {
        let n = Int(try c.u32())
        let s = try c.bytes(n)
        let len = (try? s.cStringLength(0)) ?? n
        return String(decoding: (try? s.array(0, len)) ?? [], as: UTF8.self)
    }

    static func stringList(_ c: inout Cursor, offset: Int) throws(ByteError) -> [String] {
        let nr = try c.u32()
        guard Int(nr) <= c.remaining / 4 else { throw .outOfBounds(offset: c.offset, length: Int(nr) * 4, size: c.bytes.count) }
        var r: [String] = []
        for _ in 0..<nr { r.append(try string(&c)) }
        return r
    }

    static func eventDesc(_ c: inout Cursor, offset: Int) throws -> [EventDesc] {
        let nr = try c.u32(), attrSize = Int(try c.u32())
        guard Int(nr) <= c.remaining / max(attrSize, 1) else {
            throw PerfDataError.malformed(offset: offset, context: "EVENT_DESC feature", reason: "\(nr) events do not fit")
        }
        var r: [EventDesc] = []
        for _ in 0..<nr {
            let attr = try EventAttr.decode(c.bytes, at: c.offset, available: attrSize, context: "EVENT_DESC attr")
            try c.skip(attrSize)
            let nrIDs = try c.u32()
            let name = try string(&c)
            guard Int(nrIDs) <= c.remaining / 8 else {
                throw PerfDataError.malformed(offset: offset, context: "EVENT_DESC feature", reason: "\(nrIDs) ids do not fit")
            }
            var ids: [UInt64] = []
            ids.reserveCapacity(Int(nrIDs))
            for _ in 0..<nrIDs { ids.append(try c.u64()) }
            r.append(EventDesc(attr: attr, name: name, ids: ids))
        }
        return r
    }

    /// A sequence of build_id records {header; pid; u8 build_id[24]; filename}.
    static func buildIDs(_ b: Bytes, offset: Int) throws -> [BuildIDEntry] {
        var r: [BuildIDEntry] = []
        var o = 0
        while o < b.count {
            let misc = try b.u16(o + 4), size = Int(try b.u16(o + 6))
            guard size >= 36, size <= b.count - o else {
                throw PerfDataError.malformed(offset: offset + o, context: "BUILD_ID entry", reason: "size \(size) invalid")
            }
            r.append(try buildIDRecord(b.slice(o, size), misc: misc))
            o += size
        }
        return r
    }

    /// One build_id record (its header included in `b`).
    static func buildIDRecord(_ b: Bytes, misc: UInt16) throws(ByteError) -> BuildIDEntry {
        let pid = Int32(bitPattern: try b.u32(8))
        var n = 20
        if misc & RecordMisc.buildIDSize != 0 { n = min(20, Int(try b.u8(32))) }
        let id = try b.array(12, n)
        var name = ""
        if b.count > 36 {
            let s = try b.slice(36, b.count - 36)
            name = (try? s.cString(0)) ?? String(decoding: s.array, as: UTF8.self)
        }
        return BuildIDEntry(cpumode: misc & RecordMisc.cpumodeMask, pid: pid, buildID: id, filename: name)
    }
}
