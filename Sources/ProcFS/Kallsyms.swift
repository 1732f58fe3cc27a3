/// /proc/kallsyms text ("ffffffff81000000 T _text", optionally "\t[module]") as a sorted table of kernel
/// code symbols (pure: text in, lookups out).
public struct Kallsyms: Sendable {
    public struct Symbol: Sendable, Equatable {
        public var start: UInt64
        public var name: String
        /// The module for symbols of loadable modules ("[ext4]" in perf's display), nil for the kernel image.
        public var module: String?
    }

    /// Code symbols by start address; a symbol ends where the next one starts.
    public let symbols: [Symbol]
    /// `_text` and `_etext`: perf's kernel MMAP covers [_text, _etext) with pgoff = _text.
    public let textStart: UInt64?
    public let textEnd: UInt64?

    public init(text: [UInt8]) {
        var out: [Symbol] = []
        var i = 0
        let n = text.count
        while i < n {
            var end = i
            while end < n && text[end] != 0x0A { end += 1 }
            if let s = Self.parseLine(text, i, end) { out.append(s) }
            i = end + 1
        }
        textStart = out.first { $0.name == "_text" }?.start
        textEnd = out.first { $0.name == "_etext" }?.start
        // Stable order by address; among aliases the first listed wins (perf keeps one per address too).
        let sorted = out.enumerated().sorted { ($0.element.start, $0.offset) < ($1.element.start, $1.offset) }.map(\.element)
        var unique: [Symbol] = []
        unique.reserveCapacity(sorted.count)
        for s in sorted where unique.last?.start != s.start { unique.append(s) }
        symbols = unique
    }

    static func parseLine(_ b: [UInt8], _ from: Int, _ to: Int) -> Symbol? {
        var i = from
        var addr: UInt64 = 0
        var digits = 0
        while i < to, let d = hexValue(b[i]) {
            guard digits < 16 else { return nil }
            addr = addr << 4 | UInt64(d); digits += 1; i += 1
        }
        guard digits > 0, i + 3 < to, b[i] == 0x20, b[i + 2] == 0x20 else { return nil }
        let type = b[i + 1] | 0x20   // lower case: t/T both code
        guard type == UInt8(ascii: "t") || type == UInt8(ascii: "w") else { return nil }
        i += 3
        var nameEnd = i
        while nameEnd < to && b[nameEnd] != 0x09 && b[nameEnd] != 0x20 { nameEnd += 1 }
        guard nameEnd > i, addr != 0 else { return nil }
        let name = String(decoding: b[i..<nameEnd], as: UTF8.self)
        var module: String? = nil
        if let open = b[nameEnd..<to].firstIndex(of: UInt8(ascii: "[")), let close = b[open..<to].firstIndex(of: UInt8(ascii: "]")) {
            module = String(decoding: b[open...close], as: UTF8.self)
        }
        return Symbol(start: addr, name: name, module: module)
    }

    public static func hexValue(_ c: UInt8) -> UInt8? {
        switch c {
        case 0x30...0x39: return c - 0x30
        case 0x61...0x66: return c - 0x61 + 10
        case 0x41...0x46: return c - 0x41 + 10
        default: return nil
        }
    }

    /// Index of the symbol holding `address` (the last one starting at or below it), nil below the first.
    public func index(of address: UInt64) -> Int? {
        var lo = 0, hi = symbols.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if symbols[mid].start <= address { lo = mid + 1 } else { hi = mid }
        }
        return lo > 0 ? lo - 1 : nil
    }
}
