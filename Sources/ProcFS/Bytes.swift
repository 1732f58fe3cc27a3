// Small, allocation-light helpers for parsing procfs text as bytes.
// Everything is bounds-checked: malformed input yields nil or a thrown
// ProcError, never a trap.

/// A forward cursor over ASCII bytes.
public struct ByteCursor {
    public let bytes: [UInt8]
    public var index: Int
    public let end: Int

    public init(_ bytes: [UInt8], from start: Int = 0, to end: Int? = nil) {
        self.bytes = bytes
        self.index = max(0, min(start, bytes.count))
        self.end = max(self.index, min(end ?? bytes.count, bytes.count))
    }

    public var atEnd: Bool { index >= end }

    public mutating func skipSpaces() {
        while index < end, bytes[index] == 0x20 || bytes[index] == 0x09 { index += 1 }
    }

    public mutating func skipWhitespace() {
        while index < end, isSpace(bytes[index]) { index += 1 }
    }

    /// Skips to just past the next newline.
    public mutating func nextLine() {
        while index < end, bytes[index] != 0x0A { index += 1 }
        if index < end { index += 1 }
    }

    /// Parses an optionally signed decimal integer after skipping blanks; saturates on overflow.
    public mutating func int() -> Int64? {
        skipWhitespace()
        var negative = false
        if index < end, bytes[index] == UInt8(ascii: "-") { negative = true; index += 1 }
        let start = index
        var value: Int64 = 0
        while index < end {
            let d = bytes[index] &- 0x30
            if d > 9 { break }
            let (m, o1) = value.multipliedReportingOverflow(by: 10)
            let (a, o2) = m.addingReportingOverflow(Int64(d))
            value = (o1 || o2) ? Int64.max : a
            index += 1
        }
        if index == start { return nil }
        return negative ? -value : value
    }

    /// Parses an unsigned decimal integer (full 64-bit range) after skipping blanks.
    public mutating func uint() -> UInt64? {
        skipWhitespace()
        let start = index
        var value: UInt64 = 0
        while index < end {
            let d = bytes[index] &- 0x30
            if d > 9 { break }
            let (m, o1) = value.multipliedReportingOverflow(by: 10)
            let (a, o2) = m.addingReportingOverflow(UInt64(d))
            value = (o1 || o2) ? UInt64.max : a
            index += 1
        }
        return index == start ? nil : value
    }

    /// Parses a hexadecimal number (no prefix).
    public mutating func hex() -> UInt64? {
        let start = index
        var value: UInt64 = 0
        while index < end, let d = hexDigit(bytes[index]) {
            value = (value &<< 4) | UInt64(d)
            index += 1
        }
        return index == start ? nil : value
    }

    /// The next run of non-blank bytes as a String.
    public mutating func word() -> String? {
        skipWhitespace()
        let start = index
        while index < end, !isSpace(bytes[index]) { index += 1 }
        return index == start ? nil : String(decoding: bytes[start..<index], as: UTF8.self)
    }

    /// The rest of the current line (without the newline), cursor left after it.
    public mutating func restOfLine() -> String {
        let start = index
        while index < end, bytes[index] != 0x0A { index += 1 }
        let s = String(decoding: bytes[start..<index], as: UTF8.self)
        if index < end { index += 1 }
        return s
    }

    public mutating func expect(_ byte: UInt8) -> Bool {
        if index < end, bytes[index] == byte { index += 1; return true }
        return false
    }
}

@inline(__always) func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D }

@inline(__always) func hexDigit(_ b: UInt8) -> UInt8? {
    switch b {
    case 0x30...0x39: return b - 0x30
    case 0x61...0x66: return b - 0x61 + 10
    case 0x41...0x46: return b - 0x41 + 10
    default: return nil
    }
}

/// Splits text into lines and each line into "key: value" pairs (the layout of
/// /proc/meminfo, /proc/PID/status, /proc/PID/io, smaps rollups...).
public func keyValueLines(_ bytes: [UInt8], separator: UInt8 = UInt8(ascii: ":")) -> [(key: String, value: String)] {
    var out: [(String, String)] = []
    var lineStart = 0
    var i = 0
    while i <= bytes.count {
        if i == bytes.count || bytes[i] == 0x0A {
            if i > lineStart {
                let line = bytes[lineStart..<i]
                if let sep = line.firstIndex(of: separator) {
                    let key = String(decoding: bytes[lineStart..<sep], as: UTF8.self)
                    var v = sep + 1
                    while v < i, bytes[v] == 0x20 || bytes[v] == 0x09 { v += 1 }
                    var e = i
                    while e > v, bytes[e - 1] == 0x20 || bytes[e - 1] == 0x09 { e -= 1 }
                    out.append((key, String(decoding: bytes[v..<e], as: UTF8.self)))
                }
            }
            lineStart = i + 1
        }
        i += 1
    }
    return out
}

/// Parses the leading integer of a value such as "  1234 kB".
public func leadingInt(_ s: String) -> Int64? {
    var c = ByteCursor(Array(s.utf8))
    return c.int()
}
