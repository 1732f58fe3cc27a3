import Glibc

/// Why a read of binary data failed. Every read of `Bytes` and `Cursor` throws one of these
/// instead of trapping, so malformed files become one clear error.
public enum ByteError: Error, Equatable, CustomStringConvertible {
    case outOfBounds(offset: Int, length: Int, size: Int)
    case badLEB128(offset: Int)
    case unterminatedString(offset: Int)

    public var description: String {
        switch self {
        case let .outOfBounds(o, l, s): return "read of \(l) bytes at offset \(o) runs past the end (\(s) bytes)"
        case let .badLEB128(o): return "malformed LEB128 number at offset \(o)"
        case let .unterminatedString(o): return "unterminated string at offset \(o)"
        }
    }
}

/// Keeps the memory behind a `Bytes` view alive (a mapping, a decompressed buffer).
public final class ByteStorage: @unchecked Sendable {
    public let base: UnsafeRawPointer?
    public let count: Int
    private let release: (@Sendable () -> Void)?

    public init(base: UnsafeRawPointer?, count: Int, release: (@Sendable () -> Void)?) {
        self.base = base
        self.count = count
        self.release = release
    }

    /// Owned copy of an array.
    public convenience init(copying bytes: [UInt8]) {
        let n = bytes.count
        let p = UnsafeMutableRawPointer.allocate(byteCount: max(n, 1), alignment: 16)
        bytes.withUnsafeBytes { src in if n > 0 { p.copyMemory(from: src.baseAddress!, byteCount: n) } }
        let addr = UInt(bitPattern: p)
        self.init(base: UnsafeRawPointer(p), count: n, release: {
            UnsafeMutableRawPointer(bitPattern: addr)?.deallocate()
        })
    }

    /// An owned, uninitialized buffer of `count` bytes for the caller to fill before reading it.
    public static func uninitialized(count: Int) -> (ByteStorage, UnsafeMutableRawPointer) {
        let p = UnsafeMutableRawPointer.allocate(byteCount: max(count, 1), alignment: 16)
        let addr = UInt(bitPattern: p)
        return (ByteStorage(base: UnsafeRawPointer(p), count: count, release: {
            UnsafeMutableRawPointer(bitPattern: addr)?.deallocate()
        }), p)
    }

    deinit { release?() }
}

/// A bounds-checked, read-only view of binary data in either byte order.
/// Offsets are relative to the start of the view; every read validates offset and length and throws.
public struct Bytes: @unchecked Sendable {
    public let storage: ByteStorage
    @usableFromInline let base: UnsafeRawPointer?
    public let count: Int
    public var bigEndian: Bool

    public init(storage: ByteStorage, bigEndian: Bool = false) {
        self.storage = storage
        self.base = storage.base
        self.count = storage.count
        self.bigEndian = bigEndian
    }

    init(storage: ByteStorage, base: UnsafeRawPointer?, count: Int, bigEndian: Bool) {
        self.storage = storage
        self.base = base
        self.count = count
        self.bigEndian = bigEndian
    }

    /// An owned copy of `array` (tests, decompressed data, small buffers).
    public init(_ array: [UInt8], bigEndian: Bool = false) {
        self.init(storage: ByteStorage(copying: array), bigEndian: bigEndian)
    }

    public static let empty = Bytes([])

    @inlinable
    public func check(_ offset: Int, _ length: Int) throws(ByteError) {
        if offset < 0 || length < 0 || offset > count || length > count &- offset {
            throw .outOfBounds(offset: offset, length: length, size: count)
        }
    }

    /// The sub-view [offset, offset+length).
    public func slice(_ offset: Int, _ length: Int) throws(ByteError) -> Bytes {
        try check(offset, length)
        return Bytes(storage: storage, base: base.map { $0 + offset }, count: length, bigEndian: bigEndian)
    }

    /// Sub-view with offsets and lengths as they appear in files (UInt64), checked before conversion.
    public func slice(_ offset: UInt64, _ length: UInt64) throws(ByteError) -> Bytes {
        guard offset <= UInt64(Int.max), length <= UInt64(Int.max) else {
            throw .outOfBounds(offset: Int(clamping: offset), length: Int(clamping: length), size: count)
        }
        return try slice(Int(offset), Int(length))
    }

    public func slice(from offset: Int) throws(ByteError) -> Bytes {
        try slice(offset, count &- offset)
    }

    @inlinable
    public func u8(_ offset: Int) throws(ByteError) -> UInt8 {
        try check(offset, 1)
        return base!.load(fromByteOffset: offset, as: UInt8.self)
    }

    @inlinable
    public func u16(_ offset: Int) throws(ByteError) -> UInt16 {
        try check(offset, 2)
        let v = base!.loadUnaligned(fromByteOffset: offset, as: UInt16.self)
        return bigEndian ? UInt16(bigEndian: v) : UInt16(littleEndian: v)
    }

    @inlinable
    public func u32(_ offset: Int) throws(ByteError) -> UInt32 {
        try check(offset, 4)
        let v = base!.loadUnaligned(fromByteOffset: offset, as: UInt32.self)
        return bigEndian ? UInt32(bigEndian: v) : UInt32(littleEndian: v)
    }

    @inlinable
    public func u64(_ offset: Int) throws(ByteError) -> UInt64 {
        try check(offset, 8)
        let v = base!.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
        return bigEndian ? UInt64(bigEndian: v) : UInt64(littleEndian: v)
    }

    /// An unsigned value of 1, 2, 4 or 8 bytes.
    @inlinable
    public func unsigned(_ offset: Int, size: Int) throws(ByteError) -> UInt64 {
        switch size {
        case 1: return UInt64(try u8(offset))
        case 2: return UInt64(try u16(offset))
        case 4: return UInt64(try u32(offset))
        case 8: return try u64(offset)
        default: throw .outOfBounds(offset: offset, length: size, size: count)
        }
    }

    /// A NUL-terminated string starting at `offset` (UTF-8, invalid bytes repaired).
    public func cString(_ offset: Int) throws(ByteError) -> String {
        let n = try cStringLength(offset)
        return String(decoding: UnsafeRawBufferPointer(start: base! + offset, count: n), as: UTF8.self)
    }

    /// Length of the NUL-terminated string at `offset`, without the NUL.
    public func cStringLength(_ offset: Int) throws(ByteError) -> Int {
        try check(offset, 0)
        guard offset < count, let b = base else { throw .unterminatedString(offset: offset) }
        let p = b + offset
        guard let end = memchr(p, 0, count - offset) else { throw .unterminatedString(offset: offset) }
        return UnsafeRawPointer(end) - p
    }

    /// Whether the NUL-terminated string at `offset` equals `s` (no allocation).
    public func cStringEquals(_ offset: Int, _ s: String) -> Bool {
        guard let n = try? cStringLength(offset) else { return false }
        var s = s
        return s.withUTF8 { u in u.count == n && (n == 0 || memcmp(base! + offset, u.baseAddress!, n) == 0) }
    }

    /// Copies [offset, offset+length) out.
    public func array(_ offset: Int, _ length: Int) throws(ByteError) -> [UInt8] {
        try check(offset, length)
        if length == 0 { return [] }
        return Array(UnsafeRawBufferPointer(start: base! + offset, count: length))
    }

    /// The whole view as an array.
    public var array: [UInt8] { (try? array(0, count)) ?? [] }

    /// Raw pointer access to a checked range (for hashing, decompression, writing out).
    public func withUnsafeBytes<R>(_ offset: Int, _ length: Int, _ body: (UnsafeRawBufferPointer) throws -> R) throws -> R {
        try check(offset, length)
        return try body(UnsafeRawBufferPointer(start: length == 0 ? nil : base! + offset, count: length))
    }

    /// Unsigned LEB128 at `offset`; returns the value and the number of bytes used.
    @inlinable
    public func uleb(_ offset: Int) throws(ByteError) -> (value: UInt64, size: Int) {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        var i = offset
        while true {
            let b = try u8(i)
            i += 1
            if shift < 64 { result |= UInt64(b & 0x7f) << shift }
            else if b & 0x7f != 0 { throw .badLEB128(offset: offset) }
            shift += 7
            if b & 0x80 == 0 { return (result, i - offset) }
            if i - offset > 20 { throw .badLEB128(offset: offset) }
        }
    }

    /// Signed LEB128 at `offset`.
    @inlinable
    public func sleb(_ offset: Int) throws(ByteError) -> (value: Int64, size: Int) {
        var result: Int64 = 0
        var shift: Int64 = 0
        var i = offset
        var b: UInt8 = 0
        repeat {
            b = try u8(i)
            i += 1
            if shift < 64 { result |= Int64(b & 0x7f) << shift }
            shift += 7
            if i - offset > 20 { throw .badLEB128(offset: offset) }
        } while b & 0x80 != 0
        if shift < 64 && b & 0x40 != 0 { result |= Int64(-1) << shift }  // -(1 << 63) would trap
        return (result, i - offset)
    }
}

/// A position in a `Bytes` view that advances as values are read.
public struct Cursor {
    public var bytes: Bytes
    public var offset: Int

    public init(_ bytes: Bytes, offset: Int = 0) {
        self.bytes = bytes
        self.offset = offset
    }

    public var atEnd: Bool { offset >= bytes.count }
    public var remaining: Int { max(0, bytes.count - offset) }

    @inlinable public mutating func u8() throws(ByteError) -> UInt8 { let v = try bytes.u8(offset); offset += 1; return v }
    @inlinable public mutating func u16() throws(ByteError) -> UInt16 { let v = try bytes.u16(offset); offset += 2; return v }
    @inlinable public mutating func u32() throws(ByteError) -> UInt32 { let v = try bytes.u32(offset); offset += 4; return v }
    @inlinable public mutating func u64() throws(ByteError) -> UInt64 { let v = try bytes.u64(offset); offset += 8; return v }
    @inlinable public mutating func i8() throws(ByteError) -> Int8 { Int8(bitPattern: try u8()) }
    @inlinable public mutating func i16() throws(ByteError) -> Int16 { Int16(bitPattern: try u16()) }
    @inlinable public mutating func i32() throws(ByteError) -> Int32 { Int32(bitPattern: try u32()) }
    @inlinable public mutating func i64() throws(ByteError) -> Int64 { Int64(bitPattern: try u64()) }

    /// 1, 2, 4 or 8 bytes, unsigned.
    @inlinable public mutating func unsigned(size: Int) throws(ByteError) -> UInt64 {
        let v = try bytes.unsigned(offset, size: size); offset += size; return v
    }

    /// A word of the file's class: 4 bytes for 32-bit, 8 for 64-bit.
    @inlinable public mutating func word(is64: Bool) throws(ByteError) -> UInt64 {
        is64 ? try u64() : UInt64(try u32())
    }

    @inlinable public mutating func uleb() throws(ByteError) -> UInt64 {
        let (v, n) = try bytes.uleb(offset); offset += n; return v
    }

    @inlinable public mutating func sleb() throws(ByteError) -> Int64 {
        let (v, n) = try bytes.sleb(offset); offset += n; return v
    }

    public mutating func cString() throws(ByteError) -> String {
        let n = try bytes.cStringLength(offset)
        let s = try bytes.cString(offset)
        offset += n + 1
        return s
    }

    /// Skips a NUL-terminated string, returning its offset.
    public mutating func skipCString() throws(ByteError) -> Int {
        let start = offset
        offset += try bytes.cStringLength(offset) + 1
        return start
    }

    public mutating func skip(_ n: Int) throws(ByteError) {
        try bytes.check(offset, n)
        offset += n
    }

    public mutating func bytes(_ n: Int) throws(ByteError) -> Bytes {
        let b = try bytes.slice(offset, n)
        offset += n
        return b
    }

    public mutating func array(_ n: Int) throws(ByteError) -> [UInt8] {
        let a = try bytes.array(offset, n)
        offset += n
        return a
    }
}
