import Bytes

/// `struct perf_event_attr`, any size from PERF_ATTR_SIZE_VER0 (64) on; fields past `size` read as zero.
public struct EventAttr: Sendable, Hashable {
    /// Sizes of the published versions of the struct (VER0 ... VER8).
    public static let sizeVer0 = 64, sizeVer7 = 128, sizeVer8 = 136

    public var type: UInt32 = 0
    /// The struct size as recorded (what the producer's kernel headers knew).
    public var size: UInt32 = UInt32(EventAttr.sizeVer7)
    public var config: UInt64 = 0
    /// sample_period, or sample_freq when `freq` is set.
    public var samplePeriod: UInt64 = 0
    public var sampleType: SampleType = []
    public var readFormat: ReadFormat = []
    /// The bit-field word (disabled, inherit, ...): use the named accessors.
    public var flags: UInt64 = 0
    /// wakeup_events, or wakeup_watermark when `watermark` is set.
    public var wakeupEvents: UInt32 = 0
    public var bpType: UInt32 = 0
    /// bp_addr / kprobe_func / uprobe_path / config1.
    public var config1: UInt64 = 0
    /// bp_len / kprobe_addr / probe_offset / config2.
    public var config2: UInt64 = 0
    public var branchSampleType: UInt64 = 0
    public var sampleRegsUser: UInt64 = 0
    public var sampleStackUser: UInt32 = 0
    public var clockid: Int32 = 0
    public var sampleRegsIntr: UInt64 = 0
    public var auxWatermark: UInt32 = 0
    public var sampleMaxStack: UInt16 = 0
    public var reserved2: UInt16 = 0
    public var auxSampleSize: UInt32 = 0
    public var reserved3: UInt32 = 0
    public var sigData: UInt64 = 0
    public var config3: UInt64 = 0

    public init() {}

    /// sample_freq (same storage as sample_period).
    public var sampleFreq: UInt64 { get { samplePeriod } set { samplePeriod = newValue } }

    @inline(__always) func bit(_ n: Int) -> Bool { flags >> UInt64(n) & 1 != 0 }
    @inline(__always) mutating func setBit(_ n: Int, _ v: Bool) {
        if v { flags |= 1 << UInt64(n) } else { flags &= ~(1 << UInt64(n)) }
    }

    public var disabled: Bool { get { bit(0) } set { setBit(0, newValue) } }
    public var inherit: Bool { get { bit(1) } set { setBit(1, newValue) } }
    public var pinned: Bool { get { bit(2) } set { setBit(2, newValue) } }
    public var exclusive: Bool { get { bit(3) } set { setBit(3, newValue) } }
    public var excludeUser: Bool { get { bit(4) } set { setBit(4, newValue) } }
    public var excludeKernel: Bool { get { bit(5) } set { setBit(5, newValue) } }
    public var excludeHV: Bool { get { bit(6) } set { setBit(6, newValue) } }
    public var excludeIdle: Bool { get { bit(7) } set { setBit(7, newValue) } }
    public var mmap: Bool { get { bit(8) } set { setBit(8, newValue) } }
    public var comm: Bool { get { bit(9) } set { setBit(9, newValue) } }
    public var freq: Bool { get { bit(10) } set { setBit(10, newValue) } }
    public var inheritStat: Bool { get { bit(11) } set { setBit(11, newValue) } }
    public var enableOnExec: Bool { get { bit(12) } set { setBit(12, newValue) } }
    public var task: Bool { get { bit(13) } set { setBit(13, newValue) } }
    public var watermark: Bool { get { bit(14) } set { setBit(14, newValue) } }
    /// precise_ip, 2 bits (0 ... 3).
    public var preciseIP: UInt8 {
        get { UInt8(flags >> 15 & 3) }
        set { flags = flags & ~(3 << 15) | (UInt64(newValue & 3) << 15) }
    }
    public var mmapData: Bool { get { bit(17) } set { setBit(17, newValue) } }
    public var sampleIDAll: Bool { get { bit(18) } set { setBit(18, newValue) } }
    public var excludeHost: Bool { get { bit(19) } set { setBit(19, newValue) } }
    public var excludeGuest: Bool { get { bit(20) } set { setBit(20, newValue) } }
    public var excludeCallchainKernel: Bool { get { bit(21) } set { setBit(21, newValue) } }
    public var excludeCallchainUser: Bool { get { bit(22) } set { setBit(22, newValue) } }
    public var mmap2: Bool { get { bit(23) } set { setBit(23, newValue) } }
    public var commExec: Bool { get { bit(24) } set { setBit(24, newValue) } }
    public var useClockid: Bool { get { bit(25) } set { setBit(25, newValue) } }
    public var contextSwitch: Bool { get { bit(26) } set { setBit(26, newValue) } }
    public var writeBackward: Bool { get { bit(27) } set { setBit(27, newValue) } }
    public var namespaces: Bool { get { bit(28) } set { setBit(28, newValue) } }
    public var ksymbol: Bool { get { bit(29) } set { setBit(29, newValue) } }
    public var bpfEvent: Bool { get { bit(30) } set { setBit(30, newValue) } }
    public var auxOutput: Bool { get { bit(31) } set { setBit(31, newValue) } }
    public var cgroup: Bool { get { bit(32) } set { setBit(32, newValue) } }
    public var textPoke: Bool { get { bit(33) } set { setBit(33, newValue) } }
    public var buildID: Bool { get { bit(34) } set { setBit(34, newValue) } }
    public var inheritThread: Bool { get { bit(35) } set { setBit(35, newValue) } }
    public var removeOnExec: Bool { get { bit(36) } set { setBit(36, newValue) } }
    public var sigtrap: Bool { get { bit(37) } set { setBit(37, newValue) } }

    /// Decodes an attr at `offset` of `b`; `available` bytes may be read (the struct's own `size` is
    /// honoured when smaller). Throws when fewer than 64 bytes are there or `size` is below 64.
    public static func decode(_ b: Bytes, at offset: Int, available: Int, context: String) throws(PerfDataError) -> EventAttr {
        var a = EventAttr()
        do {
            guard available >= sizeVer0 else {
                throw PerfDataError.malformed(offset: offset, context: context, reason: "attr of \(available) bytes is smaller than 64")
            }
            a.type = try b.u32(offset)
            a.size = try b.u32(offset + 4)
            // perf writes size 0 for the oldest layout.
            let sz = a.size == 0 ? sizeVer0 : Int(a.size)
            guard sz >= sizeVer0 else {
                throw PerfDataError.malformed(offset: offset, context: context, reason: "attr size \(a.size) is smaller than 64")
            }
            let n = min(sz, available)
            func u64(_ o: Int) throws(ByteError) -> UInt64 { o + 8 <= n ? try b.u64(offset + o) : 0 }
            func u32(_ o: Int) throws(ByteError) -> UInt32 { o + 4 <= n ? try b.u32(offset + o) : 0 }
            func u16(_ o: Int) throws(ByteError) -> UInt16 { o + 2 <= n ? try b.u16(offset + o) : 0 }
            a.config = try u64(8)
            a.samplePeriod = try u64(16)
            a.sampleType = SampleType(rawValue: try u64(24))
            a.readFormat = ReadFormat(rawValue: try u64(32))
            let f = try u64(40)
            // A big-endian producer allocates bit-fields from the most significant bit.
            a.flags = b.bigEndian ? f.bitReversed : f
            a.wakeupEvents = try u32(48)
            a.bpType = try u32(52)
            a.config1 = try u64(56)
            a.config2 = try u64(64)
            a.branchSampleType = try u64(72)
            a.sampleRegsUser = try u64(80)
            a.sampleStackUser = try u32(88)
            a.clockid = Int32(bitPattern: try u32(92))
            a.sampleRegsIntr = try u64(96)
            a.auxWatermark = try u32(104)
            a.sampleMaxStack = try u16(108)
            a.reserved2 = try u16(110)
            a.auxSampleSize = try u32(112)
            a.reserved3 = try u32(116)
            a.sigData = try u64(120)
            a.config3 = try u64(128)
        } catch let e as PerfDataError {
            throw e
        } catch let e as ByteError {
            throw PerfDataError.truncated(offset, context, e)
        } catch {
            throw PerfDataError.malformed(offset: offset, context: context, reason: "\(error)")
        }
        return a
    }

    /// Encodes little-endian in `size` bytes (at least 64; fields beyond it are dropped, beyond 136 zero-filled).
    public func encode(into out: inout ByteBuffer) {
        var t = ByteBuffer(capacity: 136)
        t.u32(type); t.u32(size); t.u64(config); t.u64(samplePeriod); t.u64(sampleType.rawValue)
        t.u64(readFormat.rawValue); t.u64(flags); t.u32(wakeupEvents); t.u32(bpType); t.u64(config1)
        t.u64(config2); t.u64(branchSampleType); t.u64(sampleRegsUser); t.u32(sampleStackUser)
        t.u32(UInt32(bitPattern: clockid)); t.u64(sampleRegsIntr); t.u32(auxWatermark); t.u16(sampleMaxStack)
        t.u16(reserved2); t.u32(auxSampleSize); t.u32(reserved3); t.u64(sigData); t.u64(config3)
        let n = max(Int(size), EventAttr.sizeVer0)
        if n <= t.count { out.append(Array(t.bytes[0..<n])) } else { out.append(t.bytes); out.zeros(n - t.count) }
    }
}

extension UInt64 {
    /// The 64 bits in reverse order.
    var bitReversed: UInt64 {
        var v = self, r: UInt64 = 0
        for _ in 0..<64 { r = r << 1 | v & 1; v >>= 1 }
        return r
    }
}

/// An attr of the file and the sample ids that belong to it.
public struct AttrEntry: Sendable, Hashable {
    public var attr: EventAttr
    public var ids: [UInt64]
    public init(attr: EventAttr, ids: [UInt64]) { self.attr = attr; self.ids = ids }
}
