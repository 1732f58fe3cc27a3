// /proc/PID/maps, /proc/PID/smaps and /proc/PID/smaps_rollup: pure parsers
// from bytes to structs, plus thin live readers on ProcFS.

/// One "Key:   value [kB]" line of an smaps entry, in file order.
public struct SmapsField: Sendable, Equatable {
    public var key: String
    public var value: UInt64
    /// True when the kernel printed a " kB" unit after the number.
    public var inKB: Bool

    public init(key: String, value: UInt64, inKB: Bool = true) {
        self.key = key
        self.value = value
        self.inKB = inKB
    }
}

/// One mapping of a process: the header line of maps/smaps plus, for smaps,
/// its numeric fields and VmFlags.
public struct MemoryMapping: Sendable, Equatable {
    public var start: UInt64
    public var end: UInt64
    /// As the kernel prints it, e.g. "r-xp" (p private, s shared).
    public var perms: String
    public var offset: UInt64
    public var devMajor: UInt32
    public var devMinor: UInt32
    public var inode: UInt64
    /// Path, "[heap]"/"[stack]"/"[vdso]"..., or "" for an anonymous mapping.
    /// May contain spaces and end in " (deleted)".
    public var name: String
    /// The header's fields exactly as printed (pmap -X prints them verbatim).
    public var startText: String
    public var offsetText: String
    public var deviceText: String
    public var inodeText: String
    /// smaps fields in file order; empty when read from maps.
    public var fields: [SmapsField] = []
    /// VmFlags two-letter codes, nil when absent (maps, or old kernels).
    public var vmFlags: [String]? = nil

    public init(start: UInt64, end: UInt64, perms: String, offset: UInt64 = 0, devMajor: UInt32 = 0, devMinor: UInt32 = 0,
                inode: UInt64 = 0, name: String = "") {
        self.start = start
        self.end = end
        self.perms = perms
        self.offset = offset
        self.devMajor = devMajor
        self.devMinor = devMinor
        self.inode = inode
        self.name = name
        startText = hexString(start, minDigits: 8)
        offsetText = hexString(offset, minDigits: 8)
        deviceText = hexString(UInt64(devMajor), minDigits: 2) + ":" + hexString(UInt64(devMinor), minDigits: 2)
        inodeText = String(inode)
    }

    /// Size in bytes (0 if the header was inverted).
    public var size: UInt64 { end >= start ? end - start : 0 }
    public var isShared: Bool { perms.utf8.count > 3 && perms.utf8[perms.utf8.index(perms.utf8.startIndex, offsetBy: 3)] == UInt8(ascii: "s") }
    public var isWritable: Bool { perms.utf8.count > 1 && perms.utf8[perms.utf8.index(after: perms.utf8.startIndex)] == UInt8(ascii: "w") }
    public var isDeleted: Bool { name.hasSuffix(" (deleted)") }

    /// The value of an smaps field (KiB for "kB" fields), nil when absent.
    public func field(_ key: String) -> UInt64? {
        for f in fields where f.key == key { return f.value }
        return nil
    }

    /// smaps fields used everywhere; 0 when the kernel did not print them.
    public var rss: UInt64 { field("Rss") ?? 0 }
    public var pss: UInt64 { field("Pss") ?? 0 }
    public var sharedClean: UInt64 { field("Shared_Clean") ?? 0 }
    public var sharedDirty: UInt64 { field("Shared_Dirty") ?? 0 }
    public var privateClean: UInt64 { field("Private_Clean") ?? 0 }
    public var privateDirty: UInt64 { field("Private_Dirty") ?? 0 }
    public var swap: UInt64 { field("Swap") ?? 0 }
    /// Unique set size: pages only this process maps.
    public var uss: UInt64 { privateClean &+ privateDirty }
    /// Dirty pages, shared and private (what pmap -x calls Dirty).
    public var dirty: UInt64 { sharedDirty &+ privateDirty }
}

/// Why a maps/smaps buffer could not be parsed; `line` counts from 1.
public struct MapsFormatError: Error, Equatable, CustomStringConvertible {
    public var line: Int
    public var reason: String
    public var description: String { "line \(line): \(reason)" }
}

func hexString(_ v: UInt64, minDigits: Int) -> String {
    let s = String(v, radix: 16)
    return s.count >= minDigits ? s : String(repeating: "0", count: minDigits - s.count) + s
}

public enum MemoryMaps {
    /// Parses /proc/PID/maps or /proc/PID/smaps (the latter with fields).
    /// Empty input gives no mappings (kernel threads). Throws on a line that is
    /// neither a mapping header nor a "Key: value" field, or on a field before any header.
    public static func parse(_ bytes: [UInt8]) throws(MapsFormatError) -> [MemoryMapping] {
        var out: [MemoryMapping] = []
        var lineNo = 0
        var lineStart = 0
        let n = bytes.count
        while lineStart < n {
            var lineEnd = lineStart
            while lineEnd < n, bytes[lineEnd] != 0x0A { lineEnd += 1 }
            lineNo += 1
            defer { lineStart = lineEnd + 1 }
            if lineEnd == lineStart { continue }  // blank line
            if let m = parseHeader(bytes, lineStart, lineEnd) {
                out.append(m)
                continue
            }
            guard !out.isEmpty else {
                throw MapsFormatError(line: lineNo, reason: "expected a mapping header")
            }
            switch parseFieldLine(bytes, lineStart, lineEnd) {
            case .field(let f): out[out.count - 1].fields.append(f)
            case .vmFlags(let flags): out[out.count - 1].vmFlags = flags
            case .otherKey: break  // a non-numeric key a future kernel may add
            case .invalid: throw MapsFormatError(line: lineNo, reason: "neither a mapping header nor a field")
            }
        }
        return out
    }

    /// One header line: "start-end perms offset major:minor inode [name]".
    static func parseHeader(_ b: [UInt8], _ from: Int, _ to: Int) -> MemoryMapping? {
        var c = ByteCursor(b, from: from, to: to)
        let s0 = c.index
        guard let start = c.hex(), c.index - s0 <= 16, c.expect(UInt8(ascii: "-")) else { return nil }
        let startText = String(decoding: b[s0..<(c.index - 1)], as: UTF8.self)
        guard let end = c.hex(), c.expect(0x20) else { return nil }
        let p0 = c.index
        while c.index < c.end, b[c.index] != 0x20 { c.index += 1 }
        let permsLen = c.index - p0
        guard permsLen >= 4, permsLen <= 8, c.expect(0x20) else { return nil }
        let perms = String(decoding: b[p0..<(p0 + permsLen)], as: UTF8.self)
        let o0 = c.index
        guard let offset = c.hex(), c.expect(0x20) else { return nil }
        let offsetText = String(decoding: b[o0..<(c.index - 1)], as: UTF8.self)
        let d0 = c.index
        guard let major = c.hex(), c.expect(UInt8(ascii: ":")), let minor = c.hex(), c.expect(0x20) else { return nil }
        let deviceText = String(decoding: b[d0..<(c.index - 1)], as: UTF8.self)
        let i0 = c.index
        guard let inode = c.uint() else { return nil }
        let inodeText = String(decoding: b[i0..<c.index], as: UTF8.self)
        // After the inode: end of line, or blanks then the name.
        if c.index < c.end, b[c.index] != 0x20, b[c.index] != 0x09 { return nil }
        c.skipSpaces()
        let name = String(decoding: b[c.index..<c.end], as: UTF8.self)
        var m = MemoryMapping(start: start, end: end, perms: perms, offset: offset,
                              devMajor: UInt32(truncatingIfNeeded: major), devMinor: UInt32(truncatingIfNeeded: minor),
                              inode: inode, name: name)
        m.startText = startText
        m.offsetText = offsetText
        m.deviceText = deviceText
        m.inodeText = inodeText
        return m
    }

    enum FieldLine { case field(SmapsField), vmFlags([String]), otherKey, invalid }

    /// "Key:   123 kB", "THPeligible:    0", "VmFlags: rd wr mr".
    static func parseFieldLine(_ b: [UInt8], _ from: Int, _ to: Int) -> FieldLine {
        var colon = from
        while colon < to, b[colon] != UInt8(ascii: ":") { colon += 1 }
        guard colon < to, colon > from else { return .invalid }
        // A key is letters, digits and underscores.
        for i in from..<colon {
            let ch = b[i]
            let ok = (ch >= 0x41 && ch <= 0x5A) || (ch >= 0x61 && ch <= 0x7A) || (ch >= 0x30 && ch <= 0x39) || ch == UInt8(ascii: "_")
            if !ok { return .invalid }
        }
        let key = String(decoding: b[from..<colon], as: UTF8.self)
        if key == "VmFlags" {
            let rest = b[(colon + 1)..<to]
            let flags = rest.split(whereSeparator: { $0 == 0x20 || $0 == 0x09 }).map { String(decoding: $0, as: UTF8.self) }
            return .vmFlags(flags)
        }
        var c = ByteCursor(b, from: colon + 1, to: to)
        c.skipSpaces()
        guard let v = c.uint() else { return .otherKey }
        c.skipSpaces()
        let unitStart = c.index
        while c.index < c.end, b[c.index] != 0x20 { c.index += 1 }
        let unit = b[unitStart..<c.index]
        return .field(SmapsField(key: key, value: v, inKB: unit.elementsEqual("kB".utf8)))
    }
}

/// /proc/PID/smaps_rollup: the sums over all mappings (Linux 4.14+).
public struct SmapsRollup: Sendable, Equatable {
    public var fields: [SmapsField] = []

    public init(fields: [SmapsField] = []) { self.fields = fields }

    public func field(_ key: String) -> UInt64? {
        for f in fields where f.key == key { return f.value }
        return nil
    }

    /// Parses the rollup (a header line then fields); nil when it has no fields.
    public static func parse(_ bytes: [UInt8]) -> SmapsRollup? {
        var r = SmapsRollup()
        var lineStart = 0
        while lineStart < bytes.count {
            var e = lineStart
            while e < bytes.count, bytes[e] != 0x0A { e += 1 }
            if e > lineStart, MemoryMaps.parseHeader(bytes, lineStart, e) == nil,
               case .field(let f) = MemoryMaps.parseFieldLine(bytes, lineStart, e) {
                r.fields.append(f)
            }
            lineStart = e + 1
        }
        return r.fields.isEmpty ? nil : r
    }

    /// Sums the fields of parsed smaps mappings (for kernels without smaps_rollup).
    public static func summing(_ mappings: [MemoryMapping]) -> SmapsRollup {
        var order: [String] = []
        var sums: [String: UInt64] = [:]
        for m in mappings {
            for f in m.fields where f.inKB {
                if sums[f.key] == nil { order.append(f.key) }
                sums[f.key, default: 0] &+= f.value
            }
        }
        return SmapsRollup(fields: order.map { SmapsField(key: $0, value: sums[$0] ?? 0) })
    }
}

extension ProcFS {
    /// Mappings of /proc/PID/maps (no smaps fields).
    public func maps(pid: Int32) throws(ProcError) -> [MemoryMapping] {
        try parsedMaps("\(pid)/maps")
    }

    /// Mappings of /proc/PID/smaps with their fields.
    public func smaps(pid: Int32) throws(ProcError) -> [MemoryMapping] {
        try parsedMaps("\(pid)/smaps")
    }

    public func smapsRollup(pid: Int32) throws(ProcError) -> SmapsRollup {
        let rel = "\(pid)/smaps_rollup"
        guard let r = SmapsRollup.parse(try read(rel)) else { throw .malformed(path: root + "/" + rel, what: "no fields") }
        return r
    }

    func parsedMaps(_ rel: String) throws(ProcError) -> [MemoryMapping] {
        let bytes = try read(rel)
        do {
            return try MemoryMaps.parse(bytes)
        } catch {
            throw .malformed(path: root + "/" + rel, what: error.description)
        }
    }
}
