import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
@testable import Profile

/// A deterministic random generator (SplitMix64) for generated profiles.
struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Random folded stacks: `lines` stacks over a small name pool, with their expected totals.
func generatedFolded(lines: Int, seed: UInt64, minCount: Int = 1, maxCount: Int = 100,
                     pool: [String] = (0..<12).map { "f\($0)" }) -> (text: String, stacks: [([String], Int64)], total: Int64) {
    var rng = SplitMix(state: seed)
    var stacks: [([String], Int64)] = []
    var total: Int64 = 0
    var text = ""
    for _ in 0..<lines {
        let depth = Int.random(in: 1...6, using: &rng)
        let s = ["main"] + (0..<depth).map { _ in pool[Int.random(in: 0..<pool.count, using: &rng)] }
        let c = Int64.random(in: Int64(minCount)...Int64(maxCount), using: &rng)
        stacks.append((s, c))
        total += c
        text += s.joined(separator: ";") + " \(c)\n"
    }
    return (text, stacks, total)
}

/// Inclusive count of every path prefix ("main;f1" -> count), computed directly from the stacks.
func prefixTotals(_ stacks: [([String], Int64)], reversed: Bool = false) -> [String: Int64] {
    var t: [String: Int64] = [:]
    for (s, c) in stacks {
        let s = reversed ? Array(s.reversed()) : s
        for k in 1...s.count { t[s[0..<k].joined(separator: ";"), default: 0] += c }
    }
    return t
}

/// One frame of a rendered SVG, as a viewer sees it.
struct SVGFrame {
    var name: String
    var count: Int64
    var title: String
    var x, y, width, height: Double
    var fill: String
    var label: String
}

/// The frames of a flame graph SVG, parsed as XML (any malformed XML fails the parse).
func parseSVG(_ bytes: [UInt8]) throws -> (frames: [SVGFrame], root: XMLElement) {
    let doc = try XMLDocument(data: Data(bytes), options: [])
    let root = doc.rootElement()!
    var frames: [SVGFrame] = []
    let groups = try root.nodes(forXPath: "//*[local-name()='g'][@id='frames']/*[local-name()='g']")
    for case let g as XMLElement in groups {
        func child(_ n: String) -> XMLElement? {
            (g.children ?? []).compactMap { $0 as? XMLElement }.first { $0.localName == n || $0.name == n }
        }
        let title = child("title")?.stringValue ?? ""
        guard let rect = child("rect") else {
            throw NotAFrame(description: "no rect in \(g.xmlString): \((g.children ?? []).map { "\($0.kind) \($0.name ?? "-") \($0.localName ?? "-")" })")
        }
        let text = child("text")?.stringValue ?? ""
        // "name (1,234 samples, 12.5%)"
        let open = title.range(of: " (", options: .backwards)!
        let name = String(title[..<open.lowerBound])
        let countText = title[open.upperBound...].split(separator: " ").first!.replacingOccurrences(of: ",", with: "")
        func num(_ a: String) throws -> Double {
            guard let v = attr(rect, a), let d = Double(v) else { throw NotAFrame(description: "bad \(a) in \(g.xmlString)") }
            return d
        }
        guard let count = Int64(countText) else { throw NotAFrame(description: "bad count in \(title)") }
        frames.append(SVGFrame(name: name, count: count, title: title, x: try num("x"), y: try num("y"),
                               width: try num("width"), height: try num("height"),
                               fill: attr(rect, "fill") ?? "", label: text))
    }
    return (frames, root)
}

/// An attribute's value (found by name: namespaced lookup misses unprefixed SVG attributes).
func attr(_ e: XMLElement, _ name: String) -> String? {
    (e.attributes ?? []).first { $0.name == name || $0.localName == name }?.stringValue
}

struct NotAFrame: Error, CustomStringConvertible { var description: String }

/// "rgb(r,g,b)" as numbers.
func rgb(_ s: String) -> (Int, Int, Int) {
    let n = s.dropFirst(4).dropLast().split(separator: ",").map { Int($0)! }
    return (n[0], n[1], n[2])
}

/// A protocol buffers message decoded from the wire format alone: fields in order.
struct ProtoMessage {
    enum Value { case varint(UInt64), bytes([UInt8]), fixed64(UInt64), fixed32(UInt32) }
    var fields: [(Int, Value)] = []

    struct DecodeError: Error {}

    init(_ b: [UInt8]) throws {
        var i = 0
        func varint() throws -> UInt64 {
            var v: UInt64 = 0, shift: UInt64 = 0
            while true {
                guard i < b.count, shift < 64 else { throw DecodeError() }
                let c = b[i]; i += 1
                v |= UInt64(c & 0x7f) << shift
                if c & 0x80 == 0 { return v }
                shift += 7
            }
        }
        while i < b.count {
            let key = try varint()
            let field = Int(key >> 3)
            switch key & 7 {
            case 0: fields.append((field, .varint(try varint())))
            case 2:
                let n = Int(try varint())
                guard n >= 0, i + n <= b.count else { throw DecodeError() }
                fields.append((field, .bytes(Array(b[i..<i + n])))); i += n
            case 1:
                guard i + 8 <= b.count else { throw DecodeError() }
                var v: UInt64 = 0
                for k in 0..<8 { v |= UInt64(b[i + k]) << (8 * UInt64(k)) }
                fields.append((field, .fixed64(v))); i += 8
            case 5:
                guard i + 4 <= b.count else { throw DecodeError() }
                var v: UInt32 = 0
                for k in 0..<4 { v |= UInt32(b[i + k]) << (8 * UInt32(k)) }
                fields.append((field, .fixed32(v))); i += 4
            default: throw DecodeError()
            }
        }
    }

    func ints(_ f: Int) -> [Int64] {
        fields.compactMap { if $0.0 == f, case let .varint(v) = $0.1 { return Int64(bitPattern: v) }; return nil }
    }
    func int(_ f: Int) -> Int64 { ints(f).last ?? 0 }
    func bytes(_ f: Int) -> [[UInt8]] {
        fields.compactMap { if $0.0 == f, case let .bytes(v) = $0.1 { return v }; return nil }
    }
    func messages(_ f: Int) throws -> [ProtoMessage] { try bytes(f).map { try ProtoMessage($0) } }
    func strings(_ f: Int) -> [String] { bytes(f).map { String(decoding: $0, as: UTF8.self) } }
    /// A packed repeated varint field (or unpacked occurrences).
    func packed(_ f: Int) throws -> [Int64] {
        var out = ints(f)
        for p in bytes(f) { out += try ProtoMessage.packedVarints(p) }
        return out
    }

    static func packedVarints(_ b: [UInt8]) throws -> [Int64] {
        var out: [Int64] = []
        var v: UInt64 = 0, shift: UInt64 = 0
        for c in b {
            guard shift < 64 else { throw DecodeError() }
            v |= UInt64(c & 0x7f) << shift
            if c & 0x80 == 0 { out.append(Int64(bitPattern: v)); v = 0; shift = 0 } else { shift += 7 }
        }
        guard shift == 0 else { throw DecodeError() }
        return out
    }
}
