import Bytes

/// Values of a READ sample field or READ record (per `read_format`).
public struct ReadValues: Sendable, Hashable {
    /// One counter: value, and id / lost when read_format asks for them.
    public struct Value: Sendable, Hashable {
        public var value: UInt64
        public var id: UInt64
        public var lost: UInt64
        public init(value: UInt64, id: UInt64 = 0, lost: UInt64 = 0) { self.value = value; self.id = id; self.lost = lost }
    }
    public var timeEnabled: UInt64 = 0
    public var timeRunning: UInt64 = 0
    /// One value, or the group's members with PERF_FORMAT_GROUP.
    public var values: [Value] = []
    public init() {}

    static func decode(_ c: inout Cursor, _ f: ReadFormat) throws(ByteError) -> ReadValues {
        var r = ReadValues()
        if f.contains(.group) {
            let nr = try c.u64()
            if f.contains(.totalTimeEnabled) { r.timeEnabled = try c.u64() }
            if f.contains(.totalTimeRunning) { r.timeRunning = try c.u64() }
            let per = 8 * (1 + (f.contains(.id) ? 1 : 0) + (f.contains(.lost) ? 1 : 0))
            guard nr <= UInt64(c.remaining / per) else { throw .outOfBounds(offset: c.offset, length: Int(clamping: nr) &* per, size: c.bytes.count) }
            r.values.reserveCapacity(Int(nr))
            for _ in 0..<Int(nr) {
                var v = Value(value: try c.u64())
                if f.contains(.id) { v.id = try c.u64() }
                if f.contains(.lost) { v.lost = try c.u64() }
                r.values.append(v)
            }
        } else {
            var v = Value(value: try c.u64())
            if f.contains(.totalTimeEnabled) { r.timeEnabled = try c.u64() }
            if f.contains(.totalTimeRunning) { r.timeRunning = try c.u64() }
            if f.contains(.id) { v.id = try c.u64() }
            if f.contains(.lost) { v.lost = try c.u64() }
            r.values = [v]
        }
        return r
    }

    func encode(_ o: inout ByteBuffer, _ f: ReadFormat) {
        if f.contains(.group) {
            o.u64(UInt64(values.count))
            if f.contains(.totalTimeEnabled) { o.u64(timeEnabled) }
            if f.contains(.totalTimeRunning) { o.u64(timeRunning) }
            for v in values {
                o.u64(v.value)
                if f.contains(.id) { o.u64(v.id) }
                if f.contains(.lost) { o.u64(v.lost) }
            }
        } else {
            let v = values.first ?? Value(value: 0)
            o.u64(v.value)
            if f.contains(.totalTimeEnabled) { o.u64(timeEnabled) }
            if f.contains(.totalTimeRunning) { o.u64(timeRunning) }
            if f.contains(.id) { o.u64(v.id) }
            if f.contains(.lost) { o.u64(v.lost) }
        }
    }
}

/// The `sample_id_all` trailer of non-sample records: the subset TID, TIME, ID, STREAM_ID, CPU, IDENTIFIER of sample_type.
public struct SampleID: Sendable, Hashable {
    public var pid: UInt32 = 0
    public var tid: UInt32 = 0
    public var time: UInt64 = 0
    public var id: UInt64 = 0
    public var streamID: UInt64 = 0
    public var cpu: UInt32 = 0
    public var cpuReserved: UInt32 = 0
    public var identifier: UInt64 = 0
    public init(pid: UInt32 = 0, tid: UInt32 = 0, time: UInt64 = 0, id: UInt64 = 0, cpu: UInt32 = 0) {
        self.pid = pid; self.tid = tid; self.time = time; self.id = id; self.identifier = id; self.cpu = cpu
    }

    static let mask: SampleType = [.tid, .time, .id, .streamID, .cpu, .identifier]

    /// Trailer size in bytes for a sample_type.
    public static func size(_ t: SampleType) -> Int { 8 * t.intersection(mask).rawValue.nonzeroBitCount }

    static func decode(_ c: inout Cursor, _ t: SampleType) throws(ByteError) -> SampleID {
        var s = SampleID()
        if t.contains(.tid) { s.pid = try c.u32(); s.tid = try c.u32() }
        if t.contains(.time) { s.time = try c.u64() }
        if t.contains(.id) { s.id = try c.u64() }
        if t.contains(.streamID) { s.streamID = try c.u64() }
        if t.contains(.cpu) { s.cpu = try c.u32(); s.cpuReserved = try c.u32() }
        if t.contains(.identifier) { s.identifier = try c.u64() }
        return s
    }

    /// Appends the trailer for `t`.
    public func encode(_ o: inout ByteBuffer, _ t: SampleType) {
        if t.contains(.tid) { o.u32(pid); o.u32(tid) }
        if t.contains(.time) { o.u64(time) }
        if t.contains(.id) { o.u64(id) }
        if t.contains(.streamID) { o.u64(streamID) }
        if t.contains(.cpu) { o.u32(cpu); o.u32(cpuReserved) }
        if t.contains(.identifier) { o.u64(identifier) }
    }
}

/// A decoded SAMPLE record; fields absent from the attr's sample_type stay zero / empty.
/// Variable-size parts are views into the record bytes (no copies).
public struct Sample: Sendable {
    public var identifier: UInt64 = 0
    public var ip: UInt64 = 0
    public var pid: UInt32 = 0
    public var tid: UInt32 = 0
    public var time: UInt64 = 0
    public var addr: UInt64 = 0
    public var id: UInt64 = 0
    public var streamID: UInt64 = 0
    public var cpu: UInt32 = 0
    public var cpuReserved: UInt32 = 0
    public var period: UInt64 = 0
    public var read: ReadValues? = nil
    /// Instruction pointers, leaf first, with PERF_CONTEXT_* markers.
    public var callchain = U64List()
    /// PERF_SAMPLE_RAW payload (tracepoint data), without its u32 size.
    public var raw: Bytes = .empty
    /// hw_idx, present when branch_sample_type has PERF_SAMPLE_BRANCH_HW_INDEX.
    public var branchHWIndex: UInt64 = 0
    public var branches = BranchList()
    /// Register ABI (0 none, 1 32-bit, 2 64-bit); `userRegs` follows sample_regs_user bit order.
    public var userRegsABI: UInt64 = 0
    public var userRegs = U64List()
    /// Copied user stack (`size` bytes) and how much of it is valid.
    public var userStack: Bytes = .empty
    public var userStackDynSize: UInt64 = 0
    /// WEIGHT, or the packed WEIGHT_STRUCT word.
    public var weight: UInt64 = 0
    public var dataSrc: UInt64 = 0
    public var transaction: UInt64 = 0
    public var intrRegsABI: UInt64 = 0
    public var intrRegs = U64List()
    public var physAddr: UInt64 = 0
    public var cgroup: UInt64 = 0
    public var dataPageSize: UInt64 = 0
    public var codePageSize: UInt64 = 0
    public var aux: Bytes = .empty

    public init() {}

    /// PERF_SAMPLE_BRANCH_HW_INDEX in branch_sample_type.
    static let branchHWIndexFlag: UInt64 = 1 << 17

    /// Decodes a SAMPLE payload (the record without its 8-byte header) for `attr`.
    public static func decode(_ p: Bytes, attr: EventAttr) throws(ByteError) -> Sample {
        var s = Sample()
        let t = attr.sampleType
        var c = Cursor(p)
        if t.contains(.identifier) { s.identifier = try c.u64() }
        if t.contains(.ip) { s.ip = try c.u64() }
        if t.contains(.tid) { s.pid = try c.u32(); s.tid = try c.u32() }
        if t.contains(.time) { s.time = try c.u64() }
        if t.contains(.addr) { s.addr = try c.u64() }
        if t.contains(.id) { s.id = try c.u64() }
        if t.contains(.streamID) { s.streamID = try c.u64() }
        if t.contains(.cpu) { s.cpu = try c.u32(); s.cpuReserved = try c.u32() }
        if t.contains(.period) { s.period = try c.u64() }
        if t.contains(.read) { s.read = try ReadValues.decode(&c, attr.readFormat) }
        if t.contains(.callchain) { s.callchain = try u64s(&c, try c.u64()) }
        if t.contains(.raw) {
            let n = Int(try c.u32())
            // The kernel counts its alignment padding in the size.
            s.raw = try c.bytes(n)
        }
        if t.contains(.branchStack) {
            let nr = try c.u64()
            if attr.branchSampleType & branchHWIndexFlag != 0 { s.branchHWIndex = try c.u64() }
            guard nr <= UInt64(c.remaining / 24) else { throw .outOfBounds(offset: c.offset, length: Int(clamping: nr) &* 24, size: p.count) }
            s.branches = BranchList(checked: try c.bytes(Int(nr) * 24), count: Int(nr))
        }
        if t.contains(.regsUser) {
            s.userRegsABI = try c.u64()
            if s.userRegsABI != 0 { s.userRegs = try u64s(&c, UInt64(attr.sampleRegsUser.nonzeroBitCount)) }
        }
        if t.contains(.stackUser) {
            let size = try c.u64()
            guard size <= UInt64(c.remaining) else { throw .outOfBounds(offset: c.offset, length: Int(clamping: size), size: p.count) }
            s.userStack = try c.bytes(Int(size))
            if size != 0 { s.userStackDynSize = try c.u64() }
        }
        if t.contains(.weight) || t.contains(.weightStruct) { s.weight = try c.u64() }
        if t.contains(.dataSrc) { s.dataSrc = try c.u64() }
        if t.contains(.transaction) { s.transaction = try c.u64() }
        if t.contains(.regsIntr) {
            s.intrRegsABI = try c.u64()
            if s.intrRegsABI != 0 { s.intrRegs = try u64s(&c, UInt64(attr.sampleRegsIntr.nonzeroBitCount)) }
        }
        if t.contains(.physAddr) { s.physAddr = try c.u64() }
        if t.contains(.cgroup) { s.cgroup = try c.u64() }
        if t.contains(.dataPageSize) { s.dataPageSize = try c.u64() }
        if t.contains(.codePageSize) { s.codePageSize = try c.u64() }
        if t.contains(.aux) {
            let size = try c.u64()
            guard size <= UInt64(c.remaining) else { throw .outOfBounds(offset: c.offset, length: Int(clamping: size), size: p.count) }
            s.aux = try c.bytes(Int(size))
        }
        return s
    }

    private static func u64s(_ c: inout Cursor, _ nr: UInt64) throws(ByteError) -> U64List {
        guard nr <= UInt64(c.remaining / 8) else { throw .outOfBounds(offset: c.offset, length: Int(clamping: nr) &* 8, size: c.bytes.count) }
        return U64List(checked: try c.bytes(Int(nr) * 8), count: Int(nr))
    }

    /// Appends the payload for `attr`'s sample_type, in the kernel's order (PERIOD and READ before CALLCHAIN).
    public func encode(_ o: inout ByteBuffer, attr: EventAttr) {
        let t = attr.sampleType
        if t.contains(.identifier) { o.u64(identifier) }
        if t.contains(.ip) { o.u64(ip) }
        if t.contains(.tid) { o.u32(pid); o.u32(tid) }
        if t.contains(.time) { o.u64(time) }
        if t.contains(.addr) { o.u64(addr) }
        if t.contains(.id) { o.u64(id) }
        if t.contains(.streamID) { o.u64(streamID) }
        if t.contains(.cpu) { o.u32(cpu); o.u32(cpuReserved) }
        if t.contains(.period) { o.u64(period) }
        if t.contains(.read) { (read ?? ReadValues()).encode(&o, attr.readFormat) }
        if t.contains(.callchain) { o.u64(UInt64(callchain.count)); Self.copy(&o, callchain.bytes) }
        if t.contains(.raw) {
            let pad = (8 - (4 + raw.count) % 8) % 8
            o.u32(UInt32(clamping: raw.count + pad)); Self.copy(&o, raw); o.zeros(pad)
        }
        if t.contains(.branchStack) {
            o.u64(UInt64(branches.count))
            if attr.branchSampleType & Self.branchHWIndexFlag != 0 { o.u64(branchHWIndex) }
            Self.copy(&o, branches.bytes)
        }
        if t.contains(.regsUser) {
            o.u64(userRegsABI)
            if userRegsABI != 0 {
                let n = attr.sampleRegsUser.nonzeroBitCount
                for i in 0..<n { o.u64(i < userRegs.count ? userRegs[i] : 0) }
            }
        }
        if t.contains(.stackUser) {
            o.u64(UInt64(userStack.count)); Self.copy(&o, userStack)
            if userStack.count != 0 { o.u64(userStackDynSize) }
        }
        if t.contains(.weight) || t.contains(.weightStruct) { o.u64(weight) }
        if t.contains(.dataSrc) { o.u64(dataSrc) }
        if t.contains(.transaction) { o.u64(transaction) }
        if t.contains(.regsIntr) {
            o.u64(intrRegsABI)
            if intrRegsABI != 0 {
                let n = attr.sampleRegsIntr.nonzeroBitCount
                for i in 0..<n { o.u64(i < intrRegs.count ? intrRegs[i] : 0) }
            }
        }
        if t.contains(.physAddr) { o.u64(physAddr) }
        if t.contains(.cgroup) { o.u64(cgroup) }
        if t.contains(.dataPageSize) { o.u64(dataPageSize) }
        if t.contains(.codePageSize) { o.u64(codePageSize) }
        if t.contains(.aux) { o.u64(UInt64(aux.count)); Self.copy(&o, aux); o.align(8) }
    }

    static func copy(_ o: inout ByteBuffer, _ b: Bytes) {
        guard b.count > 0 else { return }
        _ = try? b.withUnsafeBytes(0, b.count) { o.bytes.append(contentsOf: $0) }
    }
}
