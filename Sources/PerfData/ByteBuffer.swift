/// A growable little-endian output buffer for encoding records and sections.
public struct ByteBuffer: Sendable {
    /// The bytes written so far.
    public var bytes: [UInt8] = []

    public init(capacity: Int = 0) { bytes.reserveCapacity(capacity) }

    public var count: Int { bytes.count }

    @inline(__always) public mutating func u8(_ v: UInt8) { bytes.append(v) }
    @inline(__always) public mutating func u16(_ v: UInt16) { withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) } }
    @inline(__always) public mutating func u32(_ v: UInt32) { withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) } }
    @inline(__always) public mutating func u64(_ v: UInt64) { withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) } }
    /// Appends raw bytes.
    public mutating func append(_ a: [UInt8]) { bytes.append(contentsOf: a) }
    /// Appends `n` zero bytes.
    public mutating func zeros(_ n: Int) { if n > 0 { bytes.append(contentsOf: repeatElement(0, count: n)) } }
    /// Pads with zeros to a multiple of `alignment`.
    public mutating func align(_ alignment: Int) { zeros((alignment - bytes.count % alignment) % alignment) }
    /// Overwrites a u16 at `offset` (record sizes filled in after the payload).
    public mutating func setU16(_ offset: Int, _ v: UInt16) {
        bytes[offset] = UInt8(v & 0xff); bytes[offset + 1] = UInt8(v >> 8)
    }
    /// Overwrites a u32 at `offset`.
    public mutating func setU32(_ offset: Int, _ v: UInt32) {
        for i in 0..<4 { bytes[offset + i] = UInt8((v >> (8 * UInt32(i))) & 0xff) }
    }
    /// Overwrites a u64 at `offset`.
    public mutating func setU64(_ offset: Int, _ v: UInt64) {
        for i in 0..<8 { bytes[offset + i] = UInt8((v >> (8 * UInt64(i))) & 0xff) }
    }
    /// A string NUL-terminated and zero-padded to a multiple of `alignment` (perf pads names to 8 or 64).
    public mutating func cString(_ s: String, alignment: Int) {
        bytes.append(contentsOf: Array(s.utf8))
        bytes.append(0)
        align(alignment)
    }
}
