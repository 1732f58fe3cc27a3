/// Output assembled as UTF-8 bytes: tools that print millions of lines (objdump -d, nm)
/// append here instead of building Strings per field.
public struct TextBuffer {
    public var bytes: [UInt8] = []

    public init(capacity: Int = 1 << 16) { bytes.reserveCapacity(capacity) }

    static let digits: [UInt8] = Array("0123456789abcdef".utf8)

    @inline(__always) public mutating func append(_ s: String) {
        var s = s
        s.withUTF8 { bytes.append(contentsOf: $0) }
    }

    @inline(__always) public mutating func append(byte b: UInt8) { bytes.append(b) }

    @inline(__always) public mutating func append(_ b: UInt8, count: Int) {
        if count > 0 { bytes.append(contentsOf: repeatElement(b, count: count)) }
    }

    /// Lowercase hex, zero-padded to `width` digits.
    public mutating func appendHex(_ v: UInt64, width: Int) {
        var n = 1
        while n < 16 && v >> (4 * UInt64(n)) != 0 { n += 1 }
        if width > n { append(UInt8(ascii: "0"), count: width - n) }
        var i = n - 1
        while i >= 0 {
            bytes.append(Self.digits[Int((v >> (4 * UInt64(i))) & 15)])
            i -= 1
        }
    }

    /// Takes the bytes out as a String and empties the buffer.
    public mutating func flush() -> String {
        let s = String(decoding: bytes, as: UTF8.self)
        bytes.removeAll(keepingCapacity: true)
        return s
    }

    public var count: Int { bytes.count }
}
