/// Appending text to a byte buffer without building Strings in hot loops.
struct ByteText {
    var bytes: [UInt8] = []

    @inline(__always) mutating func add(_ s: String) { bytes += s.utf8 }
    @inline(__always) mutating func add(_ b: UInt8) { bytes.append(b) }
    mutating func add(_ v: Int64) { appendDecimal(v, to: &bytes) }
    mutating func add(_ v: Int) { appendDecimal(Int64(v), to: &bytes) }

    /// A number with up to `places` decimals, trailing zeros dropped ("12.5", "3").
    mutating func add(fixed v: Double, places: Int = 2, keepZeros: Bool = false) {
        guard v.isFinite else { bytes += "0".utf8; return }
        var scale: Double = 1
        for _ in 0..<places { scale *= 10 }
        var r = (abs(v) * scale).rounded()
        if r >= 9e18 { r = 9e18 }
        let i = Int64(r)
        if v < 0 && i != 0 { bytes.append(UInt8(ascii: "-")) }
        let ip = i / Int64(scale), fp = i % Int64(scale)
        appendDecimal(ip, to: &bytes)
        if fp != 0 || keepZeros && places > 0 {
            bytes.append(UInt8(ascii: "."))
            var digits = [UInt8](repeating: 48, count: places)
            var f = fp, k = places - 1
            while k >= 0 { digits[k] = UInt8(48 + f % 10); f /= 10; k -= 1 }
            while !keepZeros && digits.last == 48 { digits.removeLast() }
            bytes += digits
        }
    }

    /// Text escaped for XML character data and attribute values; control characters XML 1.0
    /// forbids become `?`.
    mutating func add(xml s: String) {
        for b in s.utf8 {
            switch b {
            case UInt8(ascii: "&"): bytes += "&amp;".utf8
            case UInt8(ascii: "<"): bytes += "&lt;".utf8
            case UInt8(ascii: ">"): bytes += "&gt;".utf8
            case UInt8(ascii: "\""): bytes += "&quot;".utf8
            case 9, 10, 13: bytes.append(b)
            case 0..<32, 127: bytes.append(UInt8(ascii: "?"))
            default: bytes.append(b)
            }
        }
    }

    /// A JSON string literal.
    mutating func add(json s: String) {
        bytes.append(UInt8(ascii: "\""))
        for b in s.utf8 {
            switch b {
            case UInt8(ascii: "\""): bytes += "\\\"".utf8
            case UInt8(ascii: "\\"): bytes += "\\\\".utf8
            case 10: bytes += "\\n".utf8
            case 13: bytes += "\\r".utf8
            case 9: bytes += "\\t".utf8
            case 0..<32:
                let hex = Array("0123456789abcdef".utf8)
                bytes += "\\u00".utf8
                bytes.append(hex[Int(b >> 4)]); bytes.append(hex[Int(b & 15)])
            default: bytes.append(b)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }
}

/// An integer with thousands separators, as flamegraph.pl prints counts ("1,234,567").
func withCommas(_ v: Int64) -> String {
    let s = String(v.magnitude)
    var out = v < 0 ? "-" : ""
    let n = s.count
    for (i, c) in s.enumerated() {
        if i > 0 && (n - i) % 3 == 0 { out.append(",") }
        out.append(c)
    }
    return out
}
