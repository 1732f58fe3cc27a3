/// The JSON form of decoded values (`sonde strace --json`): the same tree strace's text comes from, with
/// numbers as numbers, names as strings, structures as objects.
///
/// - integers: numbers; addresses and other hex values: `"0x7ffd..."` strings (64-bit values do not fit a
///   JSON double); NULL: `null`
/// - strings: JSON strings (bytes that are not UTF-8 as `\u00XX`); cut strings: `{"string": "...", "truncated": true}`
/// - flags: arrays of names (unknown bits as a hex string, no flags: `[]`); named constants: the name
/// - descriptors: the number, or `{"fd": 3, "path": "/etc/passwd"}` under `-y`
/// - structures: objects (`"...": true` when abbreviated); arrays: arrays; signal sets: `{"set": [...], "complement": bool}`
/// - in/out arguments: `{"in": ..., "out": ...}`; commented values: `{"value": ..., "comment": "..."}`
public enum SyscallJSON {
    public static func append(_ v: SyscallValue, to out: inout [UInt8]) {
        switch v {
        case let .int(n): out.append(contentsOf: String(n).utf8)
        case let .uint(n): out.append(contentsOf: String(n).utf8)
        case let .octal(n): out.append(contentsOf: String(n).utf8)
        case let .hex(n): appendString("0x" + String(n, radix: 16), &out)
        case let .pointer(n):
            if n == 0 { out.append(contentsOf: "null".utf8) } else { appendString("0x" + String(n, radix: 16), &out) }
        case let .string(bytes, truncated):
            if truncated { out.append(contentsOf: "{\"string\":".utf8) }
            appendBytes(bytes, &out)
            if truncated { out.append(contentsOf: ",\"truncated\":true}".utf8) }
        case let .flags(_, names, rest):
            out.append(UInt8(ascii: "["))
            var items = names.map { Optional($0) }
            if rest != 0 { items.append("0x" + String(rest, radix: 16)) }
            for (i, n) in items.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                appendString(n ?? "", &out)
            }
            out.append(UInt8(ascii: "]"))
        case let .constant(value, name, _):
            if let name { appendString(name, &out) } else { out.append(contentsOf: String(value).utf8) }
        case let .fd(n, path):
            if let path {
                out.append(contentsOf: "{\"fd\":\(n),\"path\":".utf8)
                appendString(path, &out)
                out.append(UInt8(ascii: "}"))
            } else {
                out.append(contentsOf: String(n).utf8)
            }
        case let .structure(fields, truncated):
            out.append(UInt8(ascii: "{"))
            var first = true
            for (i, f) in fields.enumerated() {
                if !first { out.append(UInt8(ascii: ",")) }
                first = false
                appendString(f.name ?? "_\(i)", &out)
                out.append(UInt8(ascii: ":"))
                append(f.value, to: &out)
            }
            if truncated { out.append(contentsOf: (first ? "\"...\":true" : ",\"...\":true").utf8) }
            out.append(UInt8(ascii: "}"))
        case let .array(items, truncated):
            out.append(UInt8(ascii: "["))
            for (i, x) in items.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                append(x, to: &out)
            }
            if truncated { out.append(contentsOf: (items.isEmpty ? "\"...\"" : ",\"...\"").utf8) }
            out.append(UInt8(ascii: "]"))
        case let .set(names, complement):
            out.append(contentsOf: "{\"set\":[".utf8)
            for (i, n) in names.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                appendString(n, &out)
            }
            out.append(contentsOf: "],\"complement\":\(complement)}".utf8)
        case let .text(s): appendString(s, &out)
        case let .changed(a, b):
            out.append(contentsOf: "{\"in\":".utf8)
            append(a, to: &out)
            out.append(contentsOf: ",\"out\":".utf8)
            append(b, to: &out)
            out.append(UInt8(ascii: "}"))
        case let .symbolic(_, name): appendString(name, &out)
        case let .commented(a, c):
            out.append(contentsOf: "{\"value\":".utf8)
            append(a, to: &out)
            out.append(contentsOf: ",\"comment\":".utf8)
            appendString(c, &out)
            out.append(UInt8(ascii: "}"))
        }
    }

    public static func appendString(_ s: String, _ out: inout [UInt8]) { appendBytes(Array(s.utf8), &out) }

    /// A JSON string of raw bytes: valid UTF-8 sequences as they are, other bytes as `\u00XX`.
    public static func appendBytes(_ bytes: [UInt8], _ out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        var i = 0
        while i < bytes.count {
            let b = bytes[i]
            switch b {
            case UInt8(ascii: "\""): out.append(contentsOf: "\\\"".utf8)
            case UInt8(ascii: "\\"): out.append(contentsOf: "\\\\".utf8)
            case 0x0a: out.append(contentsOf: "\\n".utf8)
            case 0x0d: out.append(contentsOf: "\\r".utf8)
            case 0x09: out.append(contentsOf: "\\t".utf8)
            case 0..<0x20, 0x7f: escape(b, &out)
            case 0x20..<0x7f: out.append(b)
            default:
                let n = utf8Length(bytes, i)
                if n > 0 { out.append(contentsOf: bytes[i..<i + n]); i += n; continue }
                escape(b, &out)
            }
            i += 1
        }
        out.append(UInt8(ascii: "\""))
    }

    static func escape(_ b: UInt8, _ out: inout [UInt8]) {
        out.append(contentsOf: "\\u00".utf8)
        out.append(SyscallText.hexDigit(b >> 4))
        out.append(SyscallText.hexDigit(b & 15))
    }

    /// Length of a well-formed UTF-8 sequence starting at `i`, or 0.
    static func utf8Length(_ b: [UInt8], _ i: Int) -> Int {
        let lead = b[i]
        let n: Int
        switch lead {
        case 0xc2...0xdf: n = 2
        case 0xe0...0xef: n = 3
        case 0xf0...0xf4: n = 4
        default: return 0
        }
        guard i + n <= b.count else { return 0 }
        for k in 1..<n where b[i + k] & 0xc0 != 0x80 { return 0 }
        // No overlong forms, surrogates or code points beyond U+10FFFF.
        let second = b[i + 1]
        if lead == 0xe0 && second < 0xa0 || lead == 0xed && second > 0x9f || lead == 0xf0 && second < 0x90 || lead == 0xf4 && second > 0x8f { return 0 }
        return n
    }
}
