/// Encoders of single records (header included, little-endian), for the writer and for callers that stream records themselves.
public enum RecordEncoder {
    /// Largest record: the header's size field is 16 bits.
    public static let maxRecordSize = 0xffff

    /// Starts a record: header with size 0, filled in by `end`.
    static func begin(_ o: inout ByteBuffer, _ type: UInt32, _ misc: UInt16) -> Int {
        let at = o.count
        o.u32(type); o.u16(misc); o.u16(0)
        return at
    }

    /// Appends the trailer, aligns to 8 and sets the size; throws when the record exceeds 65535 bytes.
    static func end(_ o: inout ByteBuffer, _ at: Int, _ sid: SampleID?, _ attr: EventAttr?) throws(PerfDataError) {
        if let attr, attr.sampleIDAll, attr.sampleType.intersection([.tid, .time, .id, .streamID, .cpu, .identifier]) != [] {
            (sid ?? SampleID()).encode(&o, attr.sampleType)
        }
        o.align(8)
        let n = o.count - at
        guard n <= maxRecordSize else {
            o.bytes.removeSubrange(at...)
            throw .unsupported("record of \(n) bytes exceeds the 65535-byte limit")
        }
        o.setU16(at + 6, UInt16(n))
    }

    /// COMM: `exec` sets misc 0x2000 (perf shows the exec).
    public static func comm(_ o: inout ByteBuffer, pid: UInt32, tid: UInt32, comm: String, exec: Bool = false,
                            sampleID: SampleID? = nil, attr: EventAttr? = nil) throws(PerfDataError) {
        let at = begin(&o, RecordType.comm, exec ? RecordMisc.commExec : 0)
        o.u32(pid); o.u32(tid)
        o.cString(comm, alignment: 8)
        try end(&o, at, sampleID, attr)
    }

    /// MMAP (e.g. the kernel map: pid -1 (0xffffffff), filename `[kernel.kallsyms]_text`, pgoff = address of `_text`).
    public static func mmap(_ o: inout ByteBuffer, _ m: MmapRecord, misc: UInt16 = RecordMisc.kernel,
                            sampleID: SampleID? = nil, attr: EventAttr? = nil) throws(PerfDataError) {
        let at = begin(&o, RecordType.mmap, misc)
        o.u32(m.pid); o.u32(m.tid); o.u64(m.addr); o.u64(m.len); o.u64(m.pgoff)
        o.cString(m.filename, alignment: 8)
        try end(&o, at, sampleID, attr)
    }

    /// MMAP2; with `m.buildID` set, the build-id variant (misc 0x4000). The filename sits at payload offset 64.
    public static func mmap2(_ o: inout ByteBuffer, _ m: Mmap2Record, misc: UInt16 = RecordMisc.user,
                             sampleID: SampleID? = nil, attr: EventAttr? = nil) throws(PerfDataError) {
        var misc = misc & ~RecordMisc.mmapBuildID
        if m.buildID != nil { misc |= RecordMisc.mmapBuildID }
        let at = begin(&o, RecordType.mmap2, misc)
        o.u32(m.pid); o.u32(m.tid); o.u64(m.addr); o.u64(m.len); o.u64(m.pgoff)
        if let id = m.buildID {
            let n = min(id.count, 20)
            o.u8(UInt8(n)); o.zeros(3); o.append(Array(id.prefix(n))); o.zeros(20 - n)
        } else {
            o.u32(m.maj); o.u32(m.min); o.u64(m.ino); o.u64(m.inoGeneration)
        }
        o.u32(m.prot); o.u32(m.flags)
        o.cString(m.filename, alignment: 8)
        try end(&o, at, sampleID, attr)
    }

    /// FORK or EXIT (`exit: true`).
    public static func task(_ o: inout ByteBuffer, _ t: TaskRecord, exit: Bool, sampleID: SampleID? = nil, attr: EventAttr? = nil) throws(PerfDataError) {
        let at = begin(&o, exit ? RecordType.exit : RecordType.fork, 0)
        o.u32(t.pid); o.u32(t.ppid); o.u32(t.tid); o.u32(t.ptid); o.u64(t.time)
        try end(&o, at, sampleID, attr)
    }

    /// LOST: `lost` records of event `id` were dropped.
    public static func lost(_ o: inout ByteBuffer, id: UInt64, lost: UInt64, sampleID: SampleID? = nil, attr: EventAttr? = nil) throws(PerfDataError) {
        let at = begin(&o, RecordType.lost, 0)
        o.u64(id); o.u64(lost)
        try end(&o, at, sampleID, attr)
    }

    /// SAMPLE with the fields `attr.sampleType` asks for; `misc` carries the cpumode (RecordMisc.user / .kernel).
    public static func sample(_ o: inout ByteBuffer, _ s: Sample, misc: UInt16, attr: EventAttr) throws(PerfDataError) {
        let at = begin(&o, RecordType.sample, misc)
        s.encode(&o, attr: attr)
        try end(&o, at, nil, nil)
    }

    /// FINISHED_ROUND (no payload).
    public static func finishedRound(_ o: inout ByteBuffer) {
        o.u32(RecordType.finishedRound); o.u16(0); o.u16(8)
    }
}

