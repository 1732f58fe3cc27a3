import Glibc

/// A line of folded input that could not be read.
public struct FoldedError: Error, CustomStringConvertible, Equatable, Sendable {
    /// 1-based line number.
    public var line: Int
    public var reason: String

    public init(line: Int, reason: String) {
        self.line = line
        self.reason = reason
    }

    public var description: String { "line \(line): \(reason)" }
}

/// Brendan Gregg's folded stacks: `root;caller;leaf 123` per line, or `... 10 20` (before, after)
/// as difffolded.pl writes them.
public enum Folded {
    /// How to read folded input.
    public struct Options: Sendable {
        /// Skip (and count) bad lines instead of failing on the first.
        public var skipBadLines = false
        /// 1 or 2 weight columns; nil decides from the first valid line.
        public var columns: Int? = nil
        /// What single-column weights count.
        public var sampleType = SampleType.samples

        public init(skipBadLines: Bool = false, columns: Int? = nil, sampleType: SampleType = .samples) {
            self.skipBadLines = skipBadLines
            self.columns = columns
            self.sampleType = sampleType
        }
    }

    /// A read profile and the bad lines that were skipped.
    public struct Result: Sendable {
        public var profile: StackProfile
        /// Number of lines skipped as invalid.
        public var skipped: Int
        /// The first skipped line's error, if any.
        public var firstError: FoldedError?
    }

    /// Reads folded stacks; throws `FoldedError` on the first bad line unless `skipBadLines`.
    /// Fractional counts (flamegraph.pl accepts `1.5`) are rounded to the nearest integer.
    public static func read(_ bytes: [UInt8], options: Options = Options()) throws(FoldedError) -> Result {
        try bytes.withUnsafeBufferPointer { (buf) throws(FoldedError) -> Result in try read(buf, options: options) }
    }

    /// Reads folded stacks from memory (a mapped file); nothing refers to `bytes` afterwards.
    public static func read(_ bytes: UnsafeBufferPointer<UInt8>, options: Options = Options()) throws(FoldedError) -> Result {
        guard bytes.baseAddress != nil else {
            return Result(profile: StackProfile(sampleTypes: [options.sampleType]), skipped: 0, firstError: nil)
        }
        var p = FoldedParser(bytes, options)
        let r = p.run()
        if !options.skipBadLines, let e = r.firstError { throw e }
        return r
    }

    /// Writes a profile as folded stacks, identical stacks merged, lines sorted bytewise like
    /// stackcollapse output; `;` in names becomes `:`. `annotateKinds` appends `_[k]`/`_[i]`
    /// to kernel and inlined frames (as stackcollapse-perf.pl --all does) unless already there.
    public static func write(_ profile: StackProfile, annotateKinds: Bool = false) -> [UInt8] {
        let tree = FrameTree(profile)
        // Names as folded bytes, once per frame.
        var names: [[UInt8]] = []
        names.reserveCapacity(profile.frames.count)
        for f in profile.frames {
            var b = Array(f.name.utf8)
            for i in b.indices where b[i] == UInt8(ascii: ";") || b[i] == 10 || b[i] == 13 {
                b[i] = b[i] == UInt8(ascii: ";") ? UInt8(ascii: ":") : UInt8(ascii: " ")
            }
            if annotateKinds, f.kind != .user {
                let suffix = Array((f.kind == .kernel ? "_[k]" : "_[i]").utf8)
                if !b.ends(with: suffix) { b += suffix }
            }
            names.append(b)
        }
        // Each node with self weight is a line; build its stack text into one buffer.
        var text: [UInt8] = []
        var lines: [(start: Int, end: Int, node: Int32)] = []
        var path: [Int32] = []
        for v in 1..<max(tree.count, 1) {
            let s0 = tree.selfWeight(v), s1 = tree.columns == 2 ? tree.selfWeight(v, column: 1) : 0
            if s0 == 0 && s1 == 0 { continue }
            path.removeAll(keepingCapacity: true)
            var n = Int32(v)
            while n > 0 { path.append(n); n = tree.parent(Int(n)) }
            let start = text.count
            for (i, node) in path.reversed().enumerated() {
                if i > 0 { text.append(UInt8(ascii: ";")) }
                text += names[Int(tree.frame(Int(node)))]
            }
            lines.append((start, text.count, Int32(v)))
        }
        text.withUnsafeBufferPointer { t in
            let base = t.baseAddress
            lines.sort { a, b in
                let la = a.end - a.start, lb = b.end - b.start
                let c = memcmp(base! + a.start, base! + b.start, min(la, lb))
                return c != 0 ? c < 0 : la < lb
            }
        }
        var out: [UInt8] = []
        out.reserveCapacity(text.count + lines.count * 12)
        for l in lines {
            out += text[l.start..<l.end]
            out.append(UInt8(ascii: " "))
            if tree.columns == 2 {
                appendDecimal(tree.selfWeight(Int(l.node)), to: &out)
                out.append(UInt8(ascii: " "))
                appendDecimal(tree.selfWeight(Int(l.node), column: 1), to: &out)
            } else {
                appendDecimal(tree.selfWeight(Int(l.node)), to: &out)
            }
            out.append(10)
        }
        return out
    }
}

/// Appends an integer in decimal.
func appendDecimal(_ v: Int64, to out: inout [UInt8]) {
    if v == 0 { out.append(UInt8(ascii: "0")); return }
    var m = v.magnitude
    if v < 0 { out.append(UInt8(ascii: "-")) }
    var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                 UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
        (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
    var n = 0
    withUnsafeMutableBytes(of: &digits) { d in
        while m > 0 { d[n] = UInt8(48 + m % 10); m /= 10; n += 1 }
        while n > 0 { n -= 1; out.append(d[n]) }
    }
}

extension Array where Element == UInt8 {
    func ends(with s: [UInt8]) -> Bool { count >= s.count && self[(count - s.count)...].elementsEqual(s) }
}

/// The byte-level folded reader: one pass, frame names interned by their bytes.
struct FoldedParser {
    let buf: UnsafeBufferPointer<UInt8>
    let options: Folded.Options
    var columns: Int?
    var interner: ByteInterner
    var ids: [Int32] = []
    var starts: [Int] = [0]
    var w0: [Int64] = []
    var w1: [Int64] = []
    var skipped = 0
    var firstError: FoldedError?
    // The previous valid line's stack: start, length, and each frame's end offset and id.
    var prevStart = 0, prevLen = 0
    var prevEnds: [Int] = []
    var prevIDs: [Int32] = []

    init(_ buf: UnsafeBufferPointer<UInt8>, _ options: Folded.Options) {
        self.buf = buf
        self.options = options
        columns = options.columns.map { $0 == 2 ? 2 : 1 }
        interner = ByteInterner(buf)
        // Generous: frames average more than 4 bytes with their ';'. Untouched capacity costs no memory.
        ids.reserveCapacity(buf.count / 4 + 16)
    }

    @inline(__always) static func isSpace(_ c: UInt8) -> Bool { c == 32 || c == 9 || c == 13 || c == 11 || c == 12 }
    @inline(__always) static func isDigit(_ c: UInt8) -> Bool { c &- 48 < 10 }

    /// Scans a count token ending at `end` (exclusive); returns its start or nil.
    func tokenStart(_ lo: Int, _ end: Int) -> Int? {
        var p = end, dots = 0, digits = 0
        while p > lo {
            let c = buf[p - 1]
            if FoldedParser.isDigit(c) { digits += 1 } else if c == 46 && dots == 0 { dots += 1 } else { break }
            p -= 1
        }
        guard digits > 0, p > lo, FoldedParser.isSpace(buf[p - 1]) else { return nil }
        if dots == 1 && buf[p] == 46 { return nil } // ".5": flamegraph.pl needs a leading digit
        return p
    }

    /// The rounded value of a count token, nil on overflow.
    func value(_ a: Int, _ b: Int) -> Int64? {
        var v: Int64 = 0
        var i = a
        while i < b, buf[i] != 46 {
            let (m, o1) = v.multipliedReportingOverflow(by: 10)
            let (s, o2) = m.addingReportingOverflow(Int64(buf[i] - 48))
            if o1 || o2 { return nil }
            v = s
            i += 1
        }
        if i + 1 < b, buf[i + 1] >= 53 {
            let (s, o) = v.addingReportingOverflow(1)
            if o { return nil }
            v = s
        }
        return v
    }

    mutating func bad(_ line: Int, _ why: String) {
        skipped += 1
        if firstError == nil { firstError = FoldedError(line: line, reason: why) }
    }

    mutating func run() -> Folded.Result {
        let n = buf.count
        var lineNo = 0
        var s = 0
        while s < n {
            lineNo += 1
            var e: Int
            if let nl = memchr(buf.baseAddress! + s, 10, n - s) {
                e = buf.baseAddress!.distance(to: nl.assumingMemoryBound(to: UInt8.self))
            } else { e = n }
            let next = e + 1
            defer { s = next }
            while e > s, FoldedParser.isSpace(buf[e - 1]) { e -= 1 }
            var first = s
            while first < e, FoldedParser.isSpace(buf[first]) { first += 1 }
            if first == e { continue }
            if !options.skipBadLines && firstError != nil { break }
            guard let t1 = tokenStart(s, e) else {
                bad(lineNo, allCount(s, e) ? "no stack before the count" : "no count at the end of the line")
                continue
            }
            guard let last = value(t1, e) else { bad(lineNo, "count too large"); continue }
            var q = t1
            while q > s, FoldedParser.isSpace(buf[q - 1]) { q -= 1 }
            var before: Int64 = 0, after = last
            var stackEnd = q
            if columns != 1, let t0 = tokenStart(s, q) {
                guard let v = value(t0, q) else { bad(lineNo, "count too large"); continue }
                var r = t0
                while r > s, FoldedParser.isSpace(buf[r - 1]) { r -= 1 }
                if r > s {
                    if columns == nil { columns = 2 }
                    before = v
                    stackEnd = r
                }
            }
            if columns == nil { columns = 1 }
            if columns == 2 && stackEnd == q {
                bad(lineNo, "one count where two (before, after) are expected"); continue
            }
            if stackEnd <= s { bad(lineNo, "no stack before the count"); continue }
            // Frames, root first. Sorted input repeats the previous line's leading frames: those
            // bytes are compared, not hashed again.
            let lineLen = stackEnd - s
            let common = commonPrefix(prevStart, prevLen, s, lineLen)
            var a = s
            var k = 0
            while k < prevEnds.count, prevEnds[k] < common {
                ids.append(prevIDs[k])
                a = s + prevEnds[k] + 1
                k += 1
            }
            prevEnds.removeSubrange(k...)
            prevIDs.removeSubrange(k...)
            var i = a
            while i <= stackEnd {
                if i == stackEnd || buf[i] == 59 {
                    let id = interner.intern(a, i)
                    ids.append(id)
                    prevIDs.append(id)
                    prevEnds.append(i - s)
                    a = i + 1
                }
                i += 1
            }
            prevStart = s
            prevLen = lineLen
            starts.append(ids.count)
            if columns == 2 { w0.append(before); w1.append(after) } else { w0.append(after) }
        }
        var profile = StackProfile(sampleTypes: columns == 2 ? [options.sampleType, options.sampleType] : [options.sampleType])
        var frames: [Frame] = []
        frames.reserveCapacity(interner.count)
        for k in 0..<interner.count {
            let (a, b) = interner.range(k)
            let name = String(decoding: UnsafeBufferPointer(rebasing: buf[a..<b]), as: UTF8.self)
            var kind = FrameKind.user
            if b - a >= 4, buf[b - 4] == 95, buf[b - 3] == 91, buf[b - 1] == 93 {
                if buf[b - 2] == 107 { kind = .kernel } else if buf[b - 2] == 105 { kind = .inlined }
            }
            frames.append(Frame(name, kind: kind))
        }
        profile.setFrames(frames)
        profile.frameIDs = ids
        profile.starts = starts
        profile.weights = w0
        profile.weights2 = columns == 2 ? w1 : []
        return Folded.Result(profile: profile, skipped: skipped, firstError: firstError)
    }

    /// Length of the common prefix of two byte ranges.
    func commonPrefix(_ a: Int, _ la: Int, _ b: Int, _ lb: Int) -> Int {
        let n = min(la, lb)
        let base = UnsafeRawPointer(buf.baseAddress!)
        var i = 0
        while i + 8 <= n, base.loadUnaligned(fromByteOffset: a + i, as: UInt64.self) == base.loadUnaligned(fromByteOffset: b + i, as: UInt64.self) {
            i += 8
        }
        while i < n, buf[a + i] == buf[b + i] { i += 1 }
        return i
    }

    func allCount(_ a: Int, _ b: Int) -> Bool {
        var i = a
        while i < b { if !FoldedParser.isDigit(buf[i]) && buf[i] != 46 && !FoldedParser.isSpace(buf[i]) { return false }; i += 1 }
        return true
    }
}

/// Interns byte ranges of one buffer: equal bytes get the same id (open addressing, FNV-1a).
struct ByteInterner {
    let buf: UnsafeBufferPointer<UInt8>
    private var table: [Int32]
    private var mask: Int
    private var ranges: [(Int, Int)] = []
    private var hashes: [UInt64] = []

    init(_ buf: UnsafeBufferPointer<UInt8>) {
        self.buf = buf
        table = [Int32](repeating: -1, count: 4096)
        mask = 4095
    }

    var count: Int { ranges.count }
    func range(_ id: Int) -> (Int, Int) { ranges[id] }

    /// A hash of bytes a..<b, eight at a time.
    @inline(__always) func hash(_ a: Int, _ b: Int) -> UInt64 {
        let base = UnsafeRawPointer(buf.baseAddress!)
        var h: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(b - a)
        var i = a
        while i + 8 <= b {
            h = (h ^ base.loadUnaligned(fromByteOffset: i, as: UInt64.self)) &* 0xff51_afd7_ed55_8ccd
            h ^= h >> 32
            i += 8
        }
        var tail: UInt64 = 0, shift: UInt64 = 0
        while i < b { tail |= UInt64(buf[i]) << shift; shift += 8; i += 1 }
        h = (h ^ tail) &* 0xc4ce_b9fe_1a85_ec53
        return h ^ (h >> 29)
    }

    mutating func intern(_ a: Int, _ b: Int) -> Int32 {
        let h = hash(a, b)
        var i = Int(truncatingIfNeeded: h) & mask
        let len = b - a
        while true {
            let id = table[i]
            if id < 0 { break }
            let r = ranges[Int(id)]
            if hashes[Int(id)] == h, r.1 - r.0 == len,
               len == 0 || memcmp(buf.baseAddress! + r.0, buf.baseAddress! + a, len) == 0 {
                return id
            }
            i = (i + 1) & mask
        }
        let id = Int32(ranges.count)
        ranges.append((a, b))
        hashes.append(h)
        table[i] = id
        if ranges.count * 2 > table.count { rehash() }
        return id
    }

    private mutating func rehash() {
        table = [Int32](repeating: -1, count: table.count * 2)
        mask = table.count - 1
        for (id, h) in hashes.enumerated() {
            var i = Int(truncatingIfNeeded: h) & mask
            while table[i] >= 0 { i = (i + 1) & mask }
            table[i] = Int32(id)
        }
    }
}
