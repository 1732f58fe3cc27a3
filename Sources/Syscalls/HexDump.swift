/// strace's `-e read=` / `-e write=` dumps (dumpstr in util.c): 16 bytes a line,
/// ` | 00000  68 65 6c 6c 6f 0a                                 hello.           |`: the offset in hex
/// (5 digits, more when the data is over 1 MiB), two groups of 8 hex bytes, the printable ASCII.
public enum HexDump {
    /// The dump lines of `bytes` (without newlines).
    public static func lines(_ bytes: [UInt8]) -> [String] {
        lines(bytes, startingAt: 0, totalLength: bytes.count)
    }

    /// The lines for `bytes` found at `offset` (a multiple of 16) in data `totalLength` long, for dumping
    /// large buffers piece by piece; the offset width depends on the whole length as in strace.
    public static func lines(_ bytes: [UInt8], startingAt offset: Int, totalLength: Int) -> [String] {
        let width = offsetWidth(totalLength)
        var out: [String] = []
        out.reserveCapacity((bytes.count + 15) / 16)
        var i = 0
        while i < bytes.count {
            var line: [UInt8] = Array(" | ".utf8)
            let hex = String(UInt64(max(0, offset + i)), radix: 16)
            if hex.count < width { line.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: width - hex.count)) }
            line.append(contentsOf: hex.utf8)
            line.append(contentsOf: "  ".utf8)
            for k in 0..<16 {
                if i + k < bytes.count {
                    let b = bytes[i + k]
                    line.append(digit(b >> 4)); line.append(digit(b & 15))
                } else {
                    line.append(contentsOf: "  ".utf8)
                }
                line.append(UInt8(ascii: " "))
                if k == 7 || k == 15 { line.append(UInt8(ascii: " ")) }
            }
            for k in 0..<16 {
                if i + k < bytes.count {
                    let b = bytes[i + k]
                    line.append((0x20...0x7e).contains(b) ? b : UInt8(ascii: "."))
                } else {
                    line.append(UInt8(ascii: " "))
                }
            }
            line.append(contentsOf: " |".utf8)
            out.append(String(decoding: line, as: UTF8.self))
            i += 16
        }
        return out
    }

    /// Hex digits of the offset field: 5, or enough for `length - 1` when the length is over 1 MiB.
    static func offsetWidth(_ length: Int) -> Int {
        guard length > 1 << 20 else { return 5 }
        let top = UInt64(length - 1)
        let log2 = 63 - top.leadingZeroBitCount
        return 1 + log2 / 4
    }

    static func digit(_ d: UInt8) -> UInt8 { d < 10 ? 48 + d : 87 + d }
}
