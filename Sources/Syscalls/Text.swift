import Glibc

/// strace's text form of decoded values and whole syscall lines.
public struct TextStyle: Sendable {
    /// `-x` = 1 (hex-escape strings with non-ASCII bytes), `-xx` = 2 (hex-escape every string).
    public var hexStrings = 0
    /// `-X`: how named constants and flags print.
    public var constants: ConstantStyle = .abbrev
    public init() {}
}

public enum ConstantStyle: String, Sendable { case abbrev, raw, verbose }

public enum SyscallText {
    /// Appends the text of `v` to `out`.
    public static func append(_ v: SyscallValue, to out: inout [UInt8], style: TextStyle) {
        switch v {
        case let .int(n): out.append(contentsOf: String(n).utf8)
        case let .uint(n): out.append(contentsOf: String(n).utf8)
        case let .hex(n): appendHex(n, &out)
        case let .octal(n):
            let s = String(n, radix: 8)
            out.append(UInt8(ascii: "0"))
            if s.count < 3 { out.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: 3 - s.count - 1)) }
            if n != 0 || s.count >= 3 { out.append(contentsOf: s.utf8) } else { out.append(UInt8(ascii: "0")) }
        case let .pointer(n):
            if n == 0 { out.append(contentsOf: "NULL".utf8) } else { appendHex(n, &out) }
        case let .string(bytes, truncated):
            appendQuoted(bytes, &out, style: style)
            if truncated { out.append(contentsOf: "...".utf8) }
        case let .flags(value, names, rest):
            switch style.constants {
            case .raw: appendHex(value, &out)
            case .abbrev: appendFlagNames(value, names, rest, &out)
            case .verbose:
                appendHex(value, &out)
                if !names.isEmpty {
                    out.append(contentsOf: " /* ".utf8)
                    appendFlagNames(value, names, rest, &out)
                    out.append(contentsOf: " */".utf8)
                }
            }
        case let .constant(value, name, hexFallback):
            func number() {
                if hexFallback { appendHex(UInt64(bitPattern: value), &out) } else { out.append(contentsOf: String(value).utf8) }
            }
            switch (style.constants, name) {
            case (.abbrev, let n?): out.append(contentsOf: n.utf8)
            case (.verbose, let n?):
                number()
                out.append(contentsOf: " /* \(n) */".utf8)
            default: number()
            }
        case let .fd(n, decoration):
            if n == -100 && decoration != nil {
                // print_dirfd: AT_FDCWD keeps its constant form, then `</cwd>`.
                append(.constant(value: -100, name: "AT_FDCWD", hexFallback: false), to: &out, style: style)
            } else {
                out.append(contentsOf: String(n).utf8)
            }
            if let d = decoration { out.append(contentsOf: d.utf8) }
        case let .structure(fields, truncated):
            out.append(UInt8(ascii: "{"))
            for (i, f) in fields.enumerated() {
                if i > 0 { out.append(contentsOf: ", ".utf8) }
                if let n = f.name { out.append(contentsOf: n.utf8); out.append(UInt8(ascii: "=")) }
                append(f.value, to: &out, style: style)
            }
            if truncated { out.append(contentsOf: fields.isEmpty ? "...".utf8 : ", ...".utf8) }
            out.append(UInt8(ascii: "}"))
        case let .array(items, truncated):
            out.append(UInt8(ascii: "["))
            for (i, x) in items.enumerated() {
                if i > 0 { out.append(contentsOf: ", ".utf8) }
                append(x, to: &out, style: style)
            }
            if truncated { out.append(contentsOf: items.isEmpty ? "...".utf8 : ", ...".utf8) }
            out.append(UInt8(ascii: "]"))
        case let .set(names, complement):
            if complement { out.append(UInt8(ascii: "~")) }
            out.append(UInt8(ascii: "["))
            out.append(contentsOf: names.joined(separator: " ").utf8)
            out.append(UInt8(ascii: "]"))
        case let .text(s): out.append(contentsOf: s.utf8)
        case let .changed(a, b):
            append(a, to: &out, style: style)
            out.append(contentsOf: " => ".utf8)
            append(b, to: &out, style: style)
        case let .commented(a, c):
            append(a, to: &out, style: style)
            out.append(contentsOf: " /* \(c) */".utf8)
        case let .symbolic(value, name):
            switch style.constants {
            case .abbrev: out.append(contentsOf: name.utf8)
            case .raw: append(value, to: &out, style: style)
            case .verbose:
                append(value, to: &out, style: style)
                out.append(contentsOf: " /* \(name) */".utf8)
            }
        }
    }

    public static func text(_ v: SyscallValue, style: TextStyle = TextStyle()) -> String {
        var out: [UInt8] = []
        append(v, to: &out, style: style)
        return String(decoding: out, as: UTF8.self)
    }

    static func appendHex(_ n: UInt64, _ out: inout [UInt8]) {
        if n == 0 { out.append(UInt8(ascii: "0")); return }
        out.append(contentsOf: "0x".utf8)
        out.append(contentsOf: String(n, radix: 16).utf8)
    }

    static func appendFlagNames(_ value: UInt64, _ names: [String], _ rest: UInt64, _ out: inout [UInt8]) {
        for (i, n) in names.enumerated() {
            if i > 0 { out.append(UInt8(ascii: "|")) }
            out.append(contentsOf: n.utf8)
        }
        if rest != 0 || names.isEmpty {
            if !names.isEmpty { out.append(UInt8(ascii: "|")) }
            appendHex(rest, &out)
        }
    }

    static func hexDigit(_ d: UInt8) -> UInt8 { d < 10 ? 48 + d : 87 + d }

    /// strace's `string_quote`: `"..."` with C escapes, octal for other control bytes, or all `\xNN`
    /// under `-xx` (and under `-x` when any byte is neither printable ASCII nor \t\n\v\f\r).
    /// `quotes: false` and `escaping` are strace's QUOTE_OMIT_LEADING_TRAILING_QUOTES and escape_chars
    /// (paths in `-y` decorations escape `<` and `>` in octal).
    public static func appendQuoted(_ bytes: [UInt8], _ out: inout [UInt8], style: TextStyle,
                                    quotes: Bool = true, escaping: [UInt8] = []) {
        var hex = style.hexStrings > 1
        if style.hexStrings == 1 {
            hex = bytes.contains { $0 > 0x7e || ($0 < 0x20 && !(9...13).contains($0)) }
        }
        if quotes { out.append(UInt8(ascii: "\"")) }
        if hex {
            for b in bytes {
                out.append(contentsOf: "\\x".utf8)
                out.append(hexDigit(b >> 4)); out.append(hexDigit(b & 15))
            }
        } else {
            for (i, b) in bytes.enumerated() {
                switch b {
                case UInt8(ascii: "\""): out.append(contentsOf: "\\\"".utf8)
                case UInt8(ascii: "\\"): out.append(contentsOf: "\\\\".utf8)
                case 0x0c: out.append(contentsOf: "\\f".utf8)
                case 0x0a: out.append(contentsOf: "\\n".utf8)
                case 0x0d: out.append(contentsOf: "\\r".utf8)
                case 0x09: out.append(contentsOf: "\\t".utf8)
                case 0x0b: out.append(contentsOf: "\\v".utf8)
                case 0x20...0x7e where !escaping.contains(b): out.append(b)
                default:
                    out.append(UInt8(ascii: "\\"))
                    let nextIsDigit = i + 1 < bytes.count && (UInt8(ascii: "0")...UInt8(ascii: "7")).contains(bytes[i + 1])
                    if nextIsDigit || b >> 6 != 0 { out.append(48 + (b >> 6)) }
                    if nextIsDigit || b >> 3 != 0 { out.append(48 + ((b >> 3) & 7)) }
                    out.append(48 + (b & 7))
                }
            }
        }
        if quotes { out.append(UInt8(ascii: "\"")) }
    }

    /// `name(args` — the part of a line known at entry (values up to `printedAtEntry`), without `)`.
    public static func appendEntry(_ call: SyscallCall, to out: inout [UInt8], style: TextStyle) {
        out.append(contentsOf: call.name.utf8)
        out.append(UInt8(ascii: "("))
        appendValues(call.values.prefix(call.printedAtEntry), first: true, &out, style: style)
    }

    /// The rest of the line after the entry part: remaining values (after `, ` when `separated` is false and
    /// values were printed before), `)`, padding to `column`, `= result`.
    public static func appendExit(_ call: SyscallCall, from index: Int, separated: Bool = false, lineStart: Int, column: Int,
                                  fdPath: (Int32) -> String? = { _ in nil }, to out: inout [UInt8], style: TextStyle) {
        appendValues(call.values.dropFirst(index), first: index == 0 || separated, &out, style: style)
        out.append(UInt8(ascii: ")"))
        pad(&out, lineStart: lineStart, column: column)
        out.append(contentsOf: "= ".utf8)
        appendResult(call, fdPath: fdPath, &out, style: style)
    }

    static func pad(_ out: inout [UInt8], lineStart: Int, column: Int) {
        let used = out.count - lineStart
        if used < column { out.append(contentsOf: repeatElement(UInt8(ascii: " "), count: column - used)) }
        else { out.append(UInt8(ascii: " ")) }
    }

    static func appendValues(_ values: ArraySlice<SyscallValue>, first: Bool, _ out: inout [UInt8], style: TextStyle) {
        var first = first
        for v in values {
            // `.changed(.text(""), after)` continues the previous argument: `{...} => {parent_tid=[N]}`.
            if !first, !isContinuation(v) { out.append(contentsOf: ", ".utf8) }
            first = false
            append(v, to: &out, style: style)
        }
    }

    static func isContinuation(_ v: SyscallValue) -> Bool {
        if case let .changed(.text(a), _) = v, a.isEmpty { return true }
        return false
    }

    static func appendResult(_ call: SyscallCall, fdPath: (Int32) -> String?, _ out: inout [UInt8], style: TextStyle) {
        if call.returnFormat == .none { out.append(UInt8(ascii: "?")); return }
        if call.isError {
            let e = Int(-call.returnValue)
            if let (name, why) = Errno.restart[e], e >= 512 && e <= 516 {
                out.append(contentsOf: "? \(name) (\(why))".utf8)
            } else {
                out.append(contentsOf: "-1 ".utf8)
                out.append(contentsOf: (Errno.name(e) ?? "E??? ").utf8)
                out.append(contentsOf: " (\(errnoMessage(e)))".utf8)
            }
        } else {
            let r = call.result
            switch call.returnFormat {
            // A 32-bit ABI's addresses (mmap2, brk of an i386 tracee) print in 32 bits.
            case .hex: appendHex(call.abi.wordSize == 4 ? UInt64(UInt32(truncatingIfNeeded: r)) : UInt64(bitPattern: r), &out)
            case .octal: append(.octal(UInt64(bitPattern: r)), to: &out, style: style)
            case .unsigned: out.append(contentsOf: String(UInt64(bitPattern: r)).utf8)
            case .fd: append(.fd(Int32(truncatingIfNeeded: r), path: fdPath(Int32(truncatingIfNeeded: r))), to: &out, style: style)
            case .decimal, .none: out.append(contentsOf: String(r).utf8)
            }
        }
        if let c = call.returnComment { out.append(contentsOf: " (\(c))".utf8) }
    }

    /// The C library's message for an errno (strace prints strerror's text).
    static func errnoMessage(_ e: Int) -> String { String(cString: strerror(Int32(truncatingIfNeeded: e))) }
}
