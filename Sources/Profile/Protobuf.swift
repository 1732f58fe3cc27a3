/// A minimal protocol buffers encoder (wire format: varints, length-delimited fields), enough for
/// profile.proto.
struct ProtobufWriter {
    var bytes: [UInt8] = []

    mutating func varint(_ v: UInt64) {
        var v = v
        while v >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        bytes.append(UInt8(v))
    }

    mutating func key(_ field: Int, _ wireType: Int) { varint(UInt64(field << 3 | wireType)) }

    /// An int64/uint64 field (wire type 0); zero, the default, is omitted.
    mutating func int(_ field: Int, _ v: Int64) {
        guard v != 0 else { return }
        key(field, 0)
        varint(UInt64(bitPattern: v))
    }

    mutating func bool(_ field: Int, _ v: Bool) { if v { key(field, 0); varint(1) } }

    /// A length-delimited field of raw bytes.
    mutating func bytes(_ field: Int, _ b: [UInt8]) {
        key(field, 2)
        varint(UInt64(b.count))
        bytes += b
    }

    /// A string field, written even when empty (string_table[0] must be present).
    mutating func string(_ field: Int, _ s: String) { bytes(field, Array(s.utf8)) }

    /// A packed repeated int64/uint64 field.
    mutating func packed(_ field: Int, _ values: [Int64]) {
        guard !values.isEmpty else { return }
        var inner = ProtobufWriter()
        for v in values { inner.varint(UInt64(bitPattern: v)) }
        bytes(field, inner.bytes)
    }

    /// An embedded message field.
    mutating func message(_ field: Int, _ body: (inout ProtobufWriter) -> Void) {
        var inner = ProtobufWriter()
        body(&inner)
        bytes(field, inner.bytes)
    }
}
