import Bytes

/// A record as it sits in the data: header fields plus its bytes (header included). Cheap to copy.
public struct RawRecord: Sendable {
    public let type: UInt32
    public let misc: UInt16
    /// File offset of the record; for records inside a COMPRESSED record, that record's offset.
    public let offset: Int
    /// Offset inside the decompressed stream, or -1 for records read directly from the file.
    public let decompressedOffset: Int
    /// The whole record, header included.
    public let bytes: Bytes
    /// Index into `PerfDataFile.attrs` (by sample id), or -1 when no attr matches (user records, unknown ids).
    public let attrIndex: Int

    /// Size in bytes, header included.
    public var size: Int { bytes.count }
    /// The payload after the 8-byte header.
    public var payload: Bytes { (try? bytes.slice(from: 8)) ?? .empty }
    /// cpumode bits of misc.
    public var cpumode: UInt16 { misc & RecordMisc.cpumodeMask }
    /// Whether the kernel wrote it (types below 64).
    public var isKernelRecord: Bool { type < 64 }

    /// "record at offset 0x..." (with the decompressed offset for records from COMPRESSED).
    public var location: String {
        decompressedOffset < 0 ? "record at offset \(hex(offset))"
            : "record in compressed data at offset \(hex(offset)) (decompressed offset \(hex(decompressedOffset)))"
    }
}

/// MMAP: a mapping (kernel maps use pid -1 and `[kernel.kallsyms]_text`).
public struct MmapRecord: Sendable, Hashable {
    public var pid: UInt32, tid: UInt32
    public var addr: UInt64, len: UInt64, pgoff: UInt64
    public var filename: String
    public init(pid: UInt32, tid: UInt32, addr: UInt64, len: UInt64, pgoff: UInt64, filename: String) {
        self.pid = pid; self.tid = tid; self.addr = addr; self.len = len; self.pgoff = pgoff; self.filename = filename
    }

    /// The kernel map perf needs to name kernel frames: pid -1, `[kernel.kallsyms]_text`, pgoff = the address
    /// of `_text` (from /proc/kallsyms), covering `_text` up to `end` (perf uses the end of the last module area).
    public static func kernel(text: UInt64, end: UInt64) -> MmapRecord {
        MmapRecord(pid: UInt32.max, tid: 0, addr: text, len: end >= text ? end - text : 0, pgoff: text, filename: "[kernel.kallsyms]_text")
    }
}

/// MMAP2: a mapping with device/inode or (misc 0x4000) a build-id.
public struct Mmap2Record: Sendable, Hashable {
    public var pid: UInt32, tid: UInt32
    public var addr: UInt64, len: UInt64, pgoff: UInt64
    public var maj: UInt32 = 0, min: UInt32 = 0
    public var ino: UInt64 = 0, inoGeneration: UInt64 = 0
    /// Present for the build-id variant (misc has RecordMisc.mmapBuildID).
    public var buildID: [UInt8]? = nil
    public var prot: UInt32, flags: UInt32
    public var filename: String
    public init(pid: UInt32, tid: UInt32, addr: UInt64, len: UInt64, pgoff: UInt64, maj: UInt32 = 0, min: UInt32 = 0,
                ino: UInt64 = 0, inoGeneration: UInt64 = 0, buildID: [UInt8]? = nil, prot: UInt32, flags: UInt32, filename: String) {
        self.pid = pid; self.tid = tid; self.addr = addr; self.len = len; self.pgoff = pgoff; self.maj = maj; self.min = min
        self.ino = ino; self.inoGeneration = inoGeneration; self.buildID = buildID; self.prot = prot; self.flags = flags; self.filename = filename
    }
}

/// COMM: a thread's name (exec: set by exec rather than prctl).
public struct CommRecord: Sendable, Hashable {
    public var pid: UInt32, tid: UInt32
    public var comm: String
    public var exec: Bool
    public init(pid: UInt32, tid: UInt32, comm: String, exec: Bool) { self.pid = pid; self.tid = tid; self.comm = comm; self.exec = exec }
}

/// FORK or EXIT.
public struct TaskRecord: Sendable, Hashable {
    public var pid: UInt32, ppid: UInt32, tid: UInt32, ptid: UInt32
    public var time: UInt64
    public init(pid: UInt32, ppid: UInt32, tid: UInt32, ptid: UInt32, time: UInt64) {
        self.pid = pid; self.ppid = ppid; self.tid = tid; self.ptid = ptid; self.time = time
    }
}

/// THROTTLE / UNTHROTTLE.
public struct ThrottleRecord: Sendable, Hashable {
    public var time: UInt64, id: UInt64, streamID: UInt64
    public init(time: UInt64, id: UInt64, streamID: UInt64) { self.time = time; self.id = id; self.streamID = streamID }
}

/// SWITCH_CPU_WIDE: the other task of the switch.
public struct SwitchRecord: Sendable, Hashable {
    public var out: Bool, preempt: Bool
    /// Next (switch out) or previous (switch in) task; 0 for the per-task SWITCH record.
    public var otherPid: UInt32, otherTid: UInt32
    public init(out: Bool, preempt: Bool, otherPid: UInt32, otherTid: UInt32) {
        self.out = out; self.preempt = preempt; self.otherPid = otherPid; self.otherTid = otherTid
    }
}

/// KSYMBOL: a kernel symbol (BPF program, ftrace trampoline) registered or removed.
public struct KSymbolRecord: Sendable, Hashable {
    public var addr: UInt64, len: UInt32, ksymType: UInt16, flags: UInt16
    public var name: String
    public init(addr: UInt64, len: UInt32, ksymType: UInt16, flags: UInt16, name: String) {
        self.addr = addr; self.len = len; self.ksymType = ksymType; self.flags = flags; self.name = name
    }
}

/// One ID_INDEX entry: which attr (idx), cpu and thread a sample id belongs to.
public struct IDIndexEntry: Sendable, Hashable {
    public var id: UInt64, idx: UInt64, cpu: UInt64, tid: UInt64
    public init(id: UInt64, idx: UInt64, cpu: UInt64, tid: UInt64) { self.id = id; self.idx = idx; self.cpu = cpu; self.tid = tid }
}

/// A decoded record. Types without a dedicated case are `.other` (their bytes stay in the RawRecord).
public enum Record: Sendable {
    case mmap(MmapRecord)
    case mmap2(Mmap2Record)
    case comm(CommRecord)
    case fork(TaskRecord)
    case exit(TaskRecord)
    case lost(id: UInt64, lost: UInt64)
    case lostSamples(UInt64)
    case throttle(ThrottleRecord)
    case unthrottle(ThrottleRecord)
    case sample(Sample)
    /// READ record: pid, tid and the counter values.
    case read(pid: UInt32, tid: UInt32, values: ReadValues)
    case contextSwitch(SwitchRecord)
    case ksymbol(KSymbolRecord)
    case aux(offset: UInt64, size: UInt64, flags: UInt64)
    case itraceStart(pid: UInt32, tid: UInt32)
    case cgroup(id: UInt64, path: String)
    /// NAMESPACES: pid, tid and {dev, inode} per namespace (index = NET_NS_INDEX ...).
    case namespaces(pid: UInt32, tid: UInt32, links: [(dev: UInt64, ino: UInt64)])
    /// BPF_EVENT: program load/unload (type 1 load, 2 unload), program id and tag.
    case bpfEvent(type: UInt16, flags: UInt16, id: UInt32, tag: [UInt8])
    /// TEXT_POKE: kernel text changed at `addr` from `old` to `new` bytes.
    case textPoke(addr: UInt64, old: [UInt8], new: [UInt8])
    case auxOutputHWID(UInt64)
    case headerAttr(AttrEntry)
    /// Pipe-mode feature: feature bit and its section bytes.
    case headerFeature(id: Int, data: Bytes)
    case buildID(BuildIDEntry)
    case idIndex([IDIndexEntry])
    case finishedRound
    case finishedInit
    case other
}

extension PerfDataFile {
    /// Decodes a record's payload. Sample ids that match no attr, and malformed payloads, throw.
    public func decode(_ r: RawRecord) throws(PerfDataError) -> Record {
        do {
            return try decodeBody(r)
        } catch let e as PerfDataError {
            throw e
        } catch let e as ByteError {
            throw PerfDataError.malformed(offset: r.offset, context: r.location, reason: "\(RecordType.name(r.type)) truncated (\(e))")
        } catch {
            throw PerfDataError.malformed(offset: r.offset, context: r.location, reason: "\(error)")
        }
    }

    /// Decodes a SAMPLE record of a known attr (what `decode` does for samples, without the `Record` wrapper).
    public func decodeSample(_ r: RawRecord, attr: EventAttr) throws(PerfDataError) -> Sample {
        do {
            return try Sample.decode(r.payload, attr: attr)
        } catch {
            throw PerfDataError.malformed(offset: r.offset, context: r.location, reason: "\(RecordType.name(r.type)) truncated (\(error))")
        }
    }

    /// The payload without the sample_id_all trailer (for kernel records of an attr with sample_id_all).
    func body(_ r: RawRecord) throws -> Bytes {
        let p = r.payload
        guard r.type != RecordType.sample, r.isKernelRecord, let a = attr(of: r), a.sampleIDAll else { return p }
        let n = SampleID.size(a.sampleType)
        guard n <= p.count else { throw PerfDataError.malformed(offset: r.offset, context: r.location, reason: "too small for its sample_id trailer") }
        return try p.slice(0, p.count - n)
    }

    /// The attr a record belongs to (the only one when there is one).
    public func attr(of r: RawRecord) -> EventAttr? {
        if r.attrIndex >= 0 && r.attrIndex < attrs.count { return attrs[r.attrIndex].attr }
        return nil
    }

    /// The sample_id_all trailer of a non-sample kernel record (nil without sample_id_all or attr).
    public func sampleID(_ r: RawRecord) throws(PerfDataError) -> SampleID? {
        guard r.isKernelRecord, r.type != RecordType.sample, let a = attr(of: r), a.sampleIDAll else { return nil }
        let p = r.payload, n = SampleID.size(a.sampleType)
        guard n <= p.count else { throw .malformed(offset: r.offset, context: r.location, reason: "too small for its sample_id trailer") }
        var c = Cursor(p, offset: p.count - n)
        do { return try SampleID.decode(&c, a.sampleType) } catch { throw .truncated(r.offset, r.location, error) }
    }

    private func string(_ b: Bytes, _ o: Int) -> String {
        guard o < b.count, let s = try? b.slice(o, b.count - o) else { return "" }
        // Unterminated names (malformed input) are taken up to the record end.
        return (try? s.cString(0)) ?? String(decoding: s.array, as: UTF8.self)
    }

    private func decodeBody(_ r: RawRecord) throws -> Record {
        switch r.type {
        case RecordType.sample:
            guard let a = attr(of: r) else {
                throw PerfDataError.malformed(offset: r.offset, context: r.location, reason: "sample id matches no attr")
            }
            return .sample(try Sample.decode(r.payload, attr: a))
        case RecordType.mmap:
            let b = try body(r)
            return .mmap(MmapRecord(pid: try b.u32(0), tid: try b.u32(4), addr: try b.u64(8), len: try b.u64(16),
                                    pgoff: try b.u64(24), filename: string(b, 32)))
        case RecordType.mmap2:
            let b = try body(r)
            var m = Mmap2Record(pid: try b.u32(0), tid: try b.u32(4), addr: try b.u64(8), len: try b.u64(16), pgoff: try b.u64(24),
                                prot: try b.u32(56), flags: try b.u32(60), filename: string(b, 64))
            if r.misc & RecordMisc.mmapBuildID != 0 {
                let n = min(20, Int(try b.u8(32)))
                m.buildID = try b.array(36, n)
            } else {
                m.maj = try b.u32(32); m.min = try b.u32(36); m.ino = try b.u64(40); m.inoGeneration = try b.u64(48)
            }
            return .mmap2(m)
        case RecordType.comm:
            let b = try body(r)
            return .comm(CommRecord(pid: try b.u32(0), tid: try b.u32(4), comm: string(b, 8), exec: r.misc & RecordMisc.commExec != 0))
        case RecordType.fork, RecordType.exit:
            let b = try body(r)
            let t = TaskRecord(pid: try b.u32(0), ppid: try b.u32(4), tid: try b.u32(8), ptid: try b.u32(12), time: try b.u64(16))
            return r.type == RecordType.fork ? .fork(t) : .exit(t)
        case RecordType.lost:
            let b = try body(r)
            return .lost(id: try b.u64(0), lost: try b.u64(8))
        case RecordType.lostSamples:
            return .lostSamples(try body(r).u64(0))
        case RecordType.throttle, RecordType.unthrottle:
            let b = try body(r)
            let t = ThrottleRecord(time: try b.u64(0), id: try b.u64(8), streamID: try b.u64(16))
            return r.type == RecordType.throttle ? .throttle(t) : .unthrottle(t)
        case RecordType.read:
            let b = try body(r)
            var c = Cursor(b, offset: 8)
            let f = attr(of: r)?.readFormat ?? []
            return .read(pid: try b.u32(0), tid: try b.u32(4), values: try ReadValues.decode(&c, f))
        case RecordType.switchEvent:
            return .contextSwitch(SwitchRecord(out: r.misc & RecordMisc.switchOut != 0, preempt: r.misc & RecordMisc.switchOutPreempt != 0,
                                               otherPid: 0, otherTid: 0))
        case RecordType.switchCPUWide:
            let b = try body(r)
            return .contextSwitch(SwitchRecord(out: r.misc & RecordMisc.switchOut != 0, preempt: r.misc & RecordMisc.switchOutPreempt != 0,
                                               otherPid: try b.u32(0), otherTid: try b.u32(4)))
        case RecordType.ksymbol:
            let b = try body(r)
            return .ksymbol(KSymbolRecord(addr: try b.u64(0), len: try b.u32(8), ksymType: try b.u16(12), flags: try b.u16(14), name: string(b, 16)))
        case RecordType.aux:
            let b = try body(r)
            return .aux(offset: try b.u64(0), size: try b.u64(8), flags: try b.u64(16))
        case RecordType.itraceStart:
            let b = try body(r)
            return .itraceStart(pid: try b.u32(0), tid: try b.u32(4))
        case RecordType.cgroup:
            let b = try body(r)
            return .cgroup(id: try b.u64(0), path: string(b, 8))
        case RecordType.namespaces:
            let b = try body(r)
            let nr = try b.u64(8)
            guard nr <= UInt64((b.count - 16) / 16) else {
                throw PerfDataError.malformed(offset: r.offset, context: r.location, reason: "NAMESPACES of \(nr) entries does not fit")
            }
            var links: [(dev: UInt64, ino: UInt64)] = []
            for i in 0..<Int(nr) { links.append((try b.u64(16 + 16 * i), try b.u64(24 + 16 * i))) }
            return .namespaces(pid: try b.u32(0), tid: try b.u32(4), links: links)
        case RecordType.bpfEvent:
            let b = try body(r)
            return .bpfEvent(type: try b.u16(0), flags: try b.u16(2), id: try b.u32(4), tag: try b.array(8, 8))
        case RecordType.textPoke:
            let b = try body(r)
            let o = Int(try b.u16(8)), n = Int(try b.u16(10))
            return .textPoke(addr: try b.u64(0), old: try b.array(12, o), new: try b.array(12 + o, n))
        case RecordType.auxOutputHWID:
            return .auxOutputHWID(try body(r).u64(0))
        case RecordType.headerAttr:
            return .headerAttr(try Self.headerAttr(r))
        case RecordType.headerFeature:
            let p = r.payload
            let id = try p.u64(0)
            return .headerFeature(id: Int(clamping: id), data: try p.slice(from: 8))
        case RecordType.headerBuildID:
            return .buildID(try Features.buildIDRecord(r.bytes, misc: r.misc))
        case RecordType.idIndex:
            let p = r.payload
            let nr = try p.u64(0)
            guard nr <= UInt64((p.count - 8) / 32) else {
                throw PerfDataError.malformed(offset: r.offset, context: r.location, reason: "ID_INDEX of \(nr) entries does not fit")
            }
            var e: [IDIndexEntry] = []
            e.reserveCapacity(Int(nr))
            for i in 0..<Int(nr) {
                let o = 8 + 32 * i
                e.append(IDIndexEntry(id: try p.u64(o), idx: try p.u64(o + 8), cpu: try p.u64(o + 16), tid: try p.u64(o + 24)))
            }
            return .idIndex(e)
        case RecordType.finishedRound: return .finishedRound
        case RecordType.finishedInit: return .finishedInit
        default: return .other
        }
    }

    /// HEADER_ATTR payload: the attr (attr.size bytes) then its ids.
    static func headerAttr(_ r: RawRecord) throws -> AttrEntry {
        let p = r.payload
        let a = try EventAttr.decode(p, at: 0, available: p.count, context: r.location)
        let asz = a.size == 0 ? EventAttr.sizeVer0 : Int(a.size)
        guard asz <= p.count else {
            throw PerfDataError.malformed(offset: r.offset, context: r.location, reason: "attr size \(asz) larger than the record")
        }
        var ids: [UInt64] = []
        var o = asz
        while o + 8 <= p.count { ids.append(try p.u64(o)); o += 8 }
        return AttrEntry(attr: a, ids: ids)
    }
}
