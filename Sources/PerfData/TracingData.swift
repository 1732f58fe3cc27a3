import Bytes

/// perf's tracing data (the TRACING_DATA feature of a file, or a TRACING_DATA record in pipe mode): what
/// `perf report` and `perf script` need to name and decode tracepoint samples. Without it perf refuses a
/// file that has tracepoint events ("incompatible file format"). Layout (perf's trace-event-info.c, read by
/// trace-event-read.c): magic "\x17\x08Dtracing", version "0.6\0", endianness byte, sizeof(long) byte, u32 page
/// size; "header_page\0" u64 size + tracefs events/header_page; "header_event\0" u64 size + events/header_event;
/// u32 count + (u64 size + format) of ftrace events; u32 count of systems + per system: name\0, u32 count,
/// (u64 size + format) of each event; u32 size + kallsyms (perf 6 writes 0); u32 size + printk_formats;
/// u64 size + saved_cmdlines (version 0.6). Integers are in the byte order the endianness byte names.
public struct TracingData: Sendable, Equatable {
    /// Tracepoints of one subsystem: their `format` files.
    public struct System: Sendable, Equatable {
        public var name: String
        public var formats: [[UInt8]]
        public init(name: String, formats: [[UInt8]]) { self.name = name; self.formats = formats }
    }

    public var version = "0.6"
    public var bigEndian = false
    public var longSize: UInt8 = 8
    public var pageSize: UInt32 = 4096
    public var headerPage: [UInt8] = []
    public var headerEvent: [UInt8] = []
    public var ftraceFormats: [[UInt8]] = []
    public var systems: [System] = []
    public var kallsyms: [UInt8] = []
    public var printkFormats: [UInt8] = []
    public var savedCmdlines: [UInt8] = []

    public init() {}

    static let magic: [UInt8] = [0x17, 0x08, 0x44] + Array("tracing".utf8)

    /// The bytes perf writes, integers little-endian (the endianness byte says so whatever `bigEndian` is).
    public func encode() -> [UInt8] {
        var o = ByteBuffer()
        o.append(Self.magic)
        o.cString(version, alignment: 1)
        o.u8(0)
        o.u8(longSize)
        o.u32(pageSize)
        o.append(Array("header_page".utf8) + [0]); o.u64(UInt64(headerPage.count)); o.append(headerPage)
        o.append(Array("header_event".utf8) + [0]); o.u64(UInt64(headerEvent.count)); o.append(headerEvent)
        o.u32(UInt32(ftraceFormats.count))
        for f in ftraceFormats { o.u64(UInt64(f.count)); o.append(f) }
        o.u32(UInt32(systems.count))
        for s in systems {
            o.cString(s.name, alignment: 1)
            o.u32(UInt32(s.formats.count))
            for f in s.formats { o.u64(UInt64(f.count)); o.append(f) }
        }
        o.u32(UInt32(kallsyms.count)); o.append(kallsyms)
        o.u32(UInt32(printkFormats.count)); o.append(printkFormats)
        if (Double(version) ?? 0) >= 0.6 { o.u64(UInt64(savedCmdlines.count)); o.append(savedCmdlines) }
        return o.bytes
    }

    /// Parses tracing data at the start of `b`; returns it and how many bytes it took. `offset` (the file
    /// offset of `b`) names where a malformed part is.
    public static func decode(_ b: Bytes, offset: Int = 0) throws(PerfDataError) -> (TracingData, size: Int) {
        var t = TracingData()
        var c = Cursor(b)
        func fail(_ what: String) -> PerfDataError { .malformed(offset: offset + c.offset, context: "tracing data", reason: what) }
        do {
            guard (try b.array(0, magic.count)) == magic else { throw fail("bad magic") }
            c.offset = magic.count
            t.version = try c.cString()
            let endian = try c.u8()
            guard endian <= 1 else { throw fail("endianness byte \(endian)") }
            t.bigEndian = endian == 1
            c.bytes.bigEndian = t.bigEndian
            t.longSize = try c.u8()
            t.pageSize = try c.u32()
            func blob(_ sizeBytes: Int) throws -> [UInt8] {
                let n = sizeBytes == 8 ? try c.u64() : UInt64(try c.u32())
                guard n <= UInt64(c.remaining) else { throw fail("a part of \(n) bytes runs past the end") }
                return try c.bytes(Int(n)).array
            }
            guard try c.cString() == "header_page" else { throw fail("no header_page") }
            t.headerPage = try blob(8)
            guard try c.cString() == "header_event" else { throw fail("no header_event") }
            t.headerEvent = try blob(8)
            let nFtrace = try c.u32()
            guard nFtrace <= UInt32(c.remaining / 8) else { throw fail("\(nFtrace) ftrace formats do not fit") }
            for _ in 0..<nFtrace { t.ftraceFormats.append(try blob(8)) }
            let nSystems = try c.u32()
            guard nSystems <= UInt32(c.remaining / 5) else { throw fail("\(nSystems) systems do not fit") }
            for _ in 0..<nSystems {
                var s = System(name: try c.cString(), formats: [])
                let n = try c.u32()
                guard n <= UInt32(c.remaining / 8) else { throw fail("\(n) formats of \(s.name) do not fit") }
                for _ in 0..<n { s.formats.append(try blob(8)) }
                t.systems.append(s)
            }
            t.kallsyms = try blob(4)
            t.printkFormats = try blob(4)
            if (Double(t.version) ?? 0) >= 0.6 { t.savedCmdlines = try blob(8) }
        } catch let e as PerfDataError {
            throw e
        } catch {
            throw fail("truncated (\(error))")
        }
        return (t, c.offset)
    }

    /// The event names of the formats ("name: sched_switch" lines), per system: "sched:sched_switch".
    public var eventNames: [String] {
        systems.flatMap { s in
            s.formats.compactMap { f -> String? in
                let text = String(decoding: f, as: UTF8.self)
                guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix("name: ") }) else { return nil }
                return s.name + ":" + line.dropFirst(6)
            }
        }
    }
}
