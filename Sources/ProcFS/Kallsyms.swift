import Glibc

/// /proc/kallsyms text ("ffffffff81000000 T _text", optionally "\t[module]") as a sorted table of kernel
/// code symbols (pure: text in, lookups out). Names become Strings only when asked for: a kernel has
/// ~100,000 symbols and a report needs a few dozen.
public struct Kallsyms: Sendable {
    public struct Symbol: Sendable, Equatable {
        public var start: UInt64
        public var name: String
        /// The module for symbols of loadable modules ("[ext4]" in perf's display), nil for the kernel image.
        public var module: String?
    }

    /// One code symbol: its address and where its name and module are in the text.
    struct Entry: Sendable {
        var start: UInt64
        var name: Int32, nameLength: Int32
        var module: Int32, moduleLength: Int32
    }

    let text: [UInt8]
    /// By start address, one per address; a symbol ends where the next one starts.
    let entries: [Entry]
    /// `_text` and `_etext`: perf's kernel MMAP covers [_text, _etext) with pgoff = _text.
    public let textStart: UInt64?
    public let textEnd: UInt64?

    public init(text: [UInt8]) {
        var out: [Entry] = []
        out.reserveCapacity(text.count / 40)
        let n = min(text.count, Int(Int32.max))
        var i = 0
        var start: UInt64? = nil, end: UInt64? = nil
        var sorted = true
        text.withUnsafeBufferPointer { b in
            guard let base = b.baseAddress else { return }
            while i < n {
                let nl = memchr(base + i, 0x0A, n - i)
                let e = nl.map { UnsafePointer($0.assumingMemoryBound(to: UInt8.self)) - base } ?? n
                if let s = Self.parseLine(b, i, e) {
                    if let last = out.last, last.start > s.start { sorted = false }
                    out.append(s)
                    if start == nil, Self.named(text, s, "_text") { start = s.start }
                    if end == nil, Self.named(text, s, "_etext") { end = s.start }
                }
                i = e + 1
            }
        }
        self.text = text
        textStart = start
        textEnd = end
        // Stable order by address; among aliases the last listed wins, as in perf: after its end fix-up only
        // the last alias has a non-zero length, and perf keeps the sized one (`__pi_memcpy`, not `memcpy`).
        if !sorted {
            out = out.enumerated().sorted { ($0.element.start, $0.offset) < ($1.element.start, $1.offset) }.map(\.element)
        }
        var unique: [Entry] = []
        unique.reserveCapacity(out.count)
        for s in out {
            if let last = unique.last, last.start == s.start { unique[unique.count - 1] = s } else { unique.append(s) }
        }
        entries = unique
    }

    static func named(_ b: [UInt8], _ e: Entry, _ s: String) -> Bool {
        Int(e.nameLength) == s.utf8.count && b[Int(e.name)..<Int(e.name + e.nameLength)].elementsEqual(s.utf8)
    }

    public var count: Int { entries.count }
    public var isEmpty: Bool { entries.isEmpty }
    public func start(_ i: Int) -> UInt64 { entries[i].start }
    public func name(_ i: Int) -> String {
        let e = entries[i]
        return String(decoding: text[Int(e.name)..<Int(e.name + e.nameLength)], as: UTF8.self)
    }
    /// "[ext4]" for a module's symbol, nil for the kernel image.
    public func module(_ i: Int) -> String? {
        let e = entries[i]
        guard e.moduleLength > 0 else { return nil }
        return String(decoding: text[Int(e.module)..<Int(e.module + e.moduleLength)], as: UTF8.self)
    }
    public subscript(_ i: Int) -> Symbol { Symbol(start: start(i), name: name(i), module: module(i)) }

    static func parseLine(_ b: UnsafeBufferPointer<UInt8>, _ from: Int, _ to: Int) -> Entry? {
        // 64-bit kernels print 16 digits: look at the type first, so the many data symbols cost one compare.
        if to - from > 19, b[from + 16] == 0x20, b[from + 18] == 0x20 {
            let type = b[from + 17] | 0x20
            guard type == UInt8(ascii: "t") || type == UInt8(ascii: "w") else { return nil }
        }
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
        var module = 0, moduleLength = 0
        var j = nameEnd
        while j < to && b[j] != UInt8(ascii: "[") { j += 1 }
        if j < to {
            var k = j
            while k < to && b[k] != UInt8(ascii: "]") { k += 1 }
            if k < to { module = j; moduleLength = k - j + 1 }
        }
        return Entry(start: addr, name: Int32(i), nameLength: Int32(nameEnd - i), module: Int32(module), moduleLength: Int32(moduleLength))
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
        var lo = 0, hi = entries.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if entries[mid].start <= address { lo = mid + 1 } else { hi = mid }
        }
        return lo > 0 ? lo - 1 : nil
    }
}
