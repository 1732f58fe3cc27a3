import Glibc
import Bytes

/// A validated view of `count` u64 values in record bytes (callchains, registers); reads lazily.
public struct U64List: RandomAccessCollection, Hashable, Sendable {
    /// The underlying bytes (exactly `count * 8` long).
    public let bytes: Bytes
    public let count: Int
    public var startIndex: Int { 0 }
    public var endIndex: Int { count }

    /// An empty list.
    public init() { bytes = .empty; count = 0 }
    /// A list over bytes already checked to hold `count` values.
    init(checked bytes: Bytes, count: Int) { self.bytes = bytes; self.count = count }
    /// An owned list of values (for writing).
    public init(_ values: [UInt64]) {
        var b = ByteBuffer(capacity: values.count * 8)
        for v in values { b.u64(v) }
        bytes = Bytes(b.bytes)
        count = values.count
    }

    public subscript(i: Int) -> UInt64 { (try? bytes.u64(i &* 8)) ?? 0 }

    /// Lists are equal when they hold the same bytes (lists of one file or buffer share a byte order).
    public static func == (a: U64List, b: U64List) -> Bool {
        guard a.count == b.count else { return false }
        let n = a.count &* 8
        return (try? a.bytes.withUnsafeBytes(0, n) { x in try b.bytes.withUnsafeBytes(0, n) { y in
            n == 0 || memcmp(x.baseAddress!, y.baseAddress!, n) == 0
        } }) ?? false
    }

    public func hash(into h: inout Hasher) {
        h.combine(count)
        _ = try? bytes.withUnsafeBytes(0, count &* 8) { h.combine(bytes: $0) }
    }

    /// The values as an array (one pass over the bytes).
    public var array: [UInt64] {
        let swap = bytes.bigEndian
        return (try? bytes.withUnsafeBytes(0, count &* 8) { raw in
            [UInt64](unsafeUninitializedCapacity: count) { buf, n in
                for i in 0..<count {
                    let v = raw.loadUnaligned(fromByteOffset: i &* 8, as: UInt64.self)
                    buf[i] = swap ? UInt64(bigEndian: v) : UInt64(littleEndian: v)
                }
                n = count
            }
        }) ?? []
    }
}

/// One branch of a BRANCH_STACK sample (`perf_branch_entry`).
public struct BranchEntry: Sendable, Hashable {
    public var from: UInt64
    public var to: UInt64
    /// mispred, predicted, in_tx, abort, cycles (16 bits), type, spec... as packed by the kernel.
    public var flags: UInt64
}

/// A validated view of branch entries (24 bytes each).
public struct BranchList: RandomAccessCollection, Sendable {
    public let bytes: Bytes
    public let count: Int
    public var startIndex: Int { 0 }
    public var endIndex: Int { count }
    public init() { bytes = .empty; count = 0 }
    init(checked bytes: Bytes, count: Int) { self.bytes = bytes; self.count = count }
    /// An owned list (for writing).
    public init(_ entries: [BranchEntry]) {
        var b = ByteBuffer(capacity: entries.count * 24)
        for e in entries { b.u64(e.from); b.u64(e.to); b.u64(e.flags) }
        bytes = Bytes(b.bytes)
        count = entries.count
    }
    public subscript(i: Int) -> BranchEntry {
        let o = i &* 24
        return BranchEntry(from: (try? bytes.u64(o)) ?? 0, to: (try? bytes.u64(o &+ 8)) ?? 0, flags: (try? bytes.u64(o &+ 16)) ?? 0)
    }
}
