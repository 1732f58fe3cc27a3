import Bytes

/// Why a tracefs event format could not be read.
public struct TraceEventError: Error, Equatable, CustomStringConvertible {
    public let description: String
    public init(_ d: String) { description = d }
}

/// A tracepoint's layout and print format, from its tracefs `format` file (also stored in perf.data's and
/// trace.dat's tracing data). Pure: text in, decoded records out.
public struct EventFormat: Sendable {
    public struct Field: Sendable, Equatable {
        public var name: String
        /// The C declaration's type ("unsigned short", "char", "__data_loc char[]", "pid_t").
        public var type: String
        public var offset: Int
        public var size: Int
        public var signed: Bool
        /// Element count of a fixed array ("char prev_comm[16]"), nil otherwise.
        public var arrayCount: Int?
        /// `__data_loc` fields hold (length << 16 | offset) of data stored after the fixed fields.
        public var dataLoc: Bool
        public var isString: Bool { type.hasSuffix("char") || type.hasSuffix("char[]") }
    }

    public var system: String
    public var name: String
    public var id: UInt64
    public var fields: [Field]
    /// The print format, nil when absent or beyond what this parser understands (records then print their fields).
    public var printFormat: PrintFormat?
    /// The print fmt line as written (for messages).
    public var printFormatText: String

    /// Parses a `format` file of tracepoint `system`.
    public static func parse(_ text: String, system: String) throws(TraceEventError) -> EventFormat {
        var name: String?, id: UInt64?, fields: [Field] = [], fmt = ""
        for raw in text.split(separator: "\n", omittingEmptySubsequences: true) {
            let line = raw.trimmingPrefix { $0 == " " || $0 == "\t" }
            if line.hasPrefix("name: ") { name = String(line.dropFirst(6)) }
            else if line.hasPrefix("ID: ") { id = UInt64(line.dropFirst(4).filter { !$0.isWhitespace }) }
            else if line.hasPrefix("field:") { if let f = parseField(line) { fields.append(f) } }
            else if line.hasPrefix("print fmt: ") { fmt = String(line.dropFirst(11)) }
        }
        guard let name, let id else { throw TraceEventError("\(system): format without name or ID") }
        let pf = try? PrintFormat.parse(fmt)
        return EventFormat(system: system, name: name, id: id, fields: fields, printFormat: pf, printFormatText: fmt)
    }

    /// "field:char prev_comm[16];\toffset:8;\tsize:16;\tsigned:0;"
    static func parseField(_ line: Substring) -> Field? {
        var decl = "", offset: Int?, size: Int?, signed = false
        for part in line.split(separator: ";") {
            let p = part.trimmingPrefix { $0 == " " || $0 == "\t" }
            if p.hasPrefix("field:") { decl = String(p.dropFirst(6)) }
            else if p.hasPrefix("offset:") { offset = Int(p.dropFirst(7)) }
            else if p.hasPrefix("size:") { size = Int(p.dropFirst(5)) }
            else if p.hasPrefix("signed:") { signed = p.dropFirst(7) == "1" }
        }
        guard let offset, let size, offset >= 0, size >= 0, !decl.isEmpty else { return nil }
        var d = Substring(decl)
        var count: Int? = nil
        if d.hasSuffix("]"), let open = d.lastIndex(of: "[") {
            count = Int(d[d.index(after: open)..<d.index(before: d.endIndex)]) ?? 0
            d = d[..<open]
        }
        let words = d.split(separator: " ")
        guard let last = words.last else { return nil }
        let type = words.dropLast().joined(separator: " ") + (count == 0 ? "[]" : "")
        return Field(name: String(last), type: type, offset: offset, size: size, signed: signed,
                     arrayCount: count, dataLoc: type.hasPrefix("__data_loc") || type.hasPrefix("__rel_loc"))
    }

    public func field(_ name: String) -> Field? { fields.first { $0.name == name } }

    /// The event's text as `perf script` and `trace-cmd report` print it: the print format applied to
    /// `data` (the raw record, common fields first), or, when the format cannot be evaluated,
    /// libtraceevent's fallback "[FAILED TO PARSE] name=value ...". `symbol` names kernel addresses (%pS).
    public func render(_ data: Bytes, symbol: @escaping (UInt64) -> (name: String, offset: UInt64)? = { _ in nil }) -> String {
        if let pf = printFormat, let s = try? pf.render(RecordValues(format: self, data: data, symbol: symbol)) { return s }
        var out = "[FAILED TO PARSE]"
        let r = RecordValues(format: self, data: data, symbol: symbol)
        for f in fields where !f.name.hasPrefix("common_") {
            out += " " + f.name + "="
            if let s = try? r.fieldText(f) { out += s }
        }
        return out
    }
}

/// One record's field values.
struct RecordValues {
    let format: EventFormat
    let data: Bytes
    let symbol: (UInt64) -> (name: String, offset: UInt64)?

    func integer(_ f: EventFormat.Field, index: Int = 0) throws -> Value {
        let count = f.arrayCount ?? 1
        let elem = count > 0 ? f.size / max(count, 1) : f.size
        guard index >= 0, index < max(count, 1), [1, 2, 4, 8].contains(elem) else { throw TraceEventError("field \(f.name)[\(index)]") }
        let v = try data.unsigned(f.offset + index * elem, size: elem)
        if f.signed && elem < 8 {
            let shift = UInt64(64 - 8 * elem)
            return .int(Int64(bitPattern: v << shift) >> Int64(shift), unsigned: false)
        }
        return .int(Int64(bitPattern: v), unsigned: !f.signed)
    }

    /// A char array's or __data_loc string's text, up to its NUL.
    func string(_ f: EventFormat.Field) throws -> String {
        var start = f.offset, length = f.size
        if f.dataLoc {
            let loc = try data.u32(f.offset)
            start = Int(loc & 0xffff)
            length = Int(loc >> 16)
            if f.type.hasPrefix("__rel_loc") { start += f.offset + 4 }
        }
        let b = try data.slice(start, length)
        let bytes = b.array
        return String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
    }

    /// libtraceevent's field dump: strings as text, numbers in decimal (hex for unsigned longs), arrays in braces.
    func fieldText(_ f: EventFormat.Field) throws -> String {
        if f.isString && (f.arrayCount != nil || f.dataLoc) { return try string(f) }
        if let n = f.arrayCount, n > 0 {
            return "ARRAY[" + (try (0..<n).map { i -> String in
                guard case let .int(v, _) = try integer(f, index: i) else { return "" }
                return String(UInt8(truncatingIfNeeded: v), radix: 16).leftPadded(2)
            }).joined(separator: ", ") + "]"
        }
        guard case let .int(v, unsigned) = try integer(f) else { return "" }
        if f.size == 8 && !f.signed { return "0x" + String(UInt64(bitPattern: v), radix: 16) }
        return unsigned ? String(UInt64(bitPattern: v)) : String(v)
    }
}

extension String {
    func leftPadded(_ n: Int, _ c: Character = "0") -> String { count >= n ? self : String(repeating: c, count: n - count) + self }
}
