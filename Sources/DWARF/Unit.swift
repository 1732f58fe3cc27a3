import Bytes

/// The header of a unit in .debug_info (or .debug_types), DWARF 2 to 5, 32- or 64-bit.
public struct UnitHeader: Sendable, Equatable {
    /// Offset of the unit (its length field) in its section.
    public var offset: Int
    /// Offset just past the unit.
    public var end: Int
    public var is64: Bool
    public var version: UInt16
    /// DW_UT_* (DWARF 5), or the equivalent for older units (compile, or type in .debug_types).
    public var unitType: UInt8
    public var addrSize: UInt8
    public var abbrevOffset: Int
    /// Offset of the first DIE.
    public var dieOffset: Int
    public var typeSignature: UInt64 = 0
    public var typeOffset: UInt64 = 0
    public var dwoID: UInt64?
    /// From .debug_types (DWARF 4 type units).
    public var inTypesSection = false

    public var offsetSize: Int { is64 ? 8 : 4 }
    public var sizes: FormSizes { FormSizes(addrSize: addrSize, offsetSize: UInt8(offsetSize), version: version) }

    /// Parses the header at `offset`. Validates version, sizes and that the unit fits in the section.
    public static func parse(_ data: Bytes, at offset: Int, typesSection: Bool = false) throws -> UnitHeader {
        var c = Cursor(data, offset: offset)
        var length = UInt64(try c.u32())
        var is64 = false
        if length == 0xffff_ffff {
            is64 = true
            length = try c.u64()
        } else if length >= 0xffff_fff0 {
            throw DWARFError.malformed("unit at \(offset): reserved length \(length)")
        }
        let start = c.offset
        guard length <= UInt64(data.count - start) else {
            throw DWARFError.malformed("unit at \(offset): length \(length) runs past the end of the section")
        }
        let end = start + Int(length)
        let version = try c.u16()
        guard (2...5).contains(version) else { throw DWARFError.unsupported("unit at \(offset): version \(version)") }
        var h = UnitHeader(offset: offset, end: end, is64: is64, version: version, unitType: typesSection ? DW_UT.type : DW_UT.compile,
                           addrSize: 0, abbrevOffset: 0, dieOffset: 0, inTypesSection: typesSection)
        if version >= 5 {
            h.unitType = try c.u8()
            h.addrSize = try c.u8()
            h.abbrevOffset = try Self.offsetValue(try c.word(is64: is64))
            switch h.unitType {
            case DW_UT.skeleton, DW_UT.splitCompile: h.dwoID = try c.u64()
            case DW_UT.type, DW_UT.splitType:
                h.typeSignature = try c.u64()
                h.typeOffset = try c.word(is64: is64)
            case DW_UT.compile, DW_UT.partial: break
            default: throw DWARFError.unsupported("unit at \(offset): unit type \(h.unitType)")
            }
        } else {
            h.abbrevOffset = try Self.offsetValue(try c.word(is64: is64))
            h.addrSize = try c.u8()
            if typesSection {
                h.typeSignature = try c.u64()
                h.typeOffset = try c.word(is64: is64)
            }
        }
        guard [1, 2, 4, 8].contains(h.addrSize) else { throw DWARFError.malformed("unit at \(offset): address size \(h.addrSize)") }
        guard c.offset <= end else { throw DWARFError.malformed("unit at \(offset): header longer than the unit") }
        h.dieOffset = c.offset
        return h
    }

    static func offsetValue(_ v: UInt64) throws -> Int {
        guard v <= UInt64(Int32.max) * 4 else { throw DWARFError.malformed("offset \(v)") }
        return Int(v)
    }
}

/// Where a string attribute's text lives; resolved to a `String` only when printed.
public struct StringRef: Sendable, Equatable, Hashable {
    public enum Section: UInt8, Sendable { case info, str, lineStr, types, line, unavailable }
    public var section: Section
    public var offset: Int
    public init(_ section: Section, _ offset: Int) {
        self.section = section
        self.offset = offset
    }
}

/// A decoded attribute value. Indexes (strx, addrx, rnglistx, loclistx) are kept as read; the unit
/// resolves them against its bases.
public enum AttributeValue: Sendable, Equatable {
    case address(UInt64)
    case addressIndex(UInt64)
    case unsigned(UInt64)
    case signed(Int64)
    case flag(Bool)
    case string(StringRef)
    case stringIndex(UInt64)
    /// A reference resolved to an offset in the unit's section (.debug_info or .debug_types).
    case reference(Int)
    case signature(UInt64)
    case secOffset(UInt64)
    /// Block, exprloc or data16: bytes in the unit's section.
    case block(offset: Int, length: Int)
    case rnglistIndex(UInt64)
    case loclistIndex(UInt64)
    /// A value in a supplementary (dwz) file: not followed.
    case alternate(UInt64)

    public var asUnsigned: UInt64? {
        switch self {
        case let .unsigned(v), let .secOffset(v), let .address(v): return v
        case let .signed(v): return UInt64(bitPattern: v)
        default: return nil
        }
    }
}

/// Reads attribute values of one unit's DIEs.
public struct AttributeReader: @unchecked Sendable {
    public let data: Bytes
    public let sizes: FormSizes
    public let unitOffset: Int
    public let stringSection: StringRef.Section

    public init(data: Bytes, header: UnitHeader) {
        self.data = data
        self.sizes = header.sizes
        self.unitOffset = header.offset
        self.stringSection = header.inTypesSection ? .types : .info
    }

    public init(data: Bytes, sizes: FormSizes, unitOffset: Int, stringSection: StringRef.Section) {
        self.data = data
        self.sizes = sizes
        self.unitOffset = unitOffset
        self.stringSection = stringSection
    }

    /// Skips one value of `form` at `off`.
    @inline(__always)
    public func skip(_ form: UInt16, _ off: inout Int) throws {
        if let n = sizes.fixedSize(form) { off &+= n; return }
        try skipVariable(form, &off, depth: 0)
    }

    func skipVariable(_ form: UInt16, _ off: inout Int, depth: Int) throws {
        switch form {
        case DW_FORM.udata, DW_FORM.sdata, DW_FORM.refUdata, DW_FORM.strx, DW_FORM.addrx, DW_FORM.loclistx, DW_FORM.rnglistx,
             DW_FORM.gnuAddrIndex, DW_FORM.gnuStrIndex:
            var i = off
            while try data.u8(i) & 0x80 != 0 { i += 1; if i - off > 20 { throw ByteError.badLEB128(offset: off) } }
            off = i + 1
        case DW_FORM.string: off += try data.cStringLength(off) + 1
        case DW_FORM.block1: off += 1 + Int(try data.u8(off))
        case DW_FORM.block2: off += 2 + Int(try data.u16(off))
        case DW_FORM.block4: off += 4 + Int(try data.u32(off))
        case DW_FORM.block, DW_FORM.exprloc:
            let (n, s) = try data.uleb(off)
            guard n <= UInt64(data.count) else { throw ByteError.outOfBounds(offset: off, length: Int(clamping: n), size: data.count) }
            off += s + Int(n)
        case DW_FORM.indirect:
            let (f, s) = try data.uleb(off)
            off += s
            guard f <= 0xffff, depth < 8 else { throw DWARFError.malformed("DW_FORM_indirect at \(off)") }
            if let n = sizes.fixedSize(UInt16(f)) { off += n } else { try skipVariable(UInt16(f), &off, depth: depth + 1) }
        default:
            throw DWARFError.unsupported("form 0x\(String(form, radix: 16)) at offset \(off)")
        }
    }

    /// Reads one value of `form` at `off`.
    public func read(_ form: UInt16, implicitConst: Int64 = 0, _ off: inout Int) throws -> AttributeValue {
        try read(form, implicitConst, &off, depth: 0)
    }

    func read(_ form: UInt16, _ implicitConst: Int64, _ off: inout Int, depth: Int) throws -> AttributeValue {
        let d = data
        switch form {
        case DW_FORM.addr:
            let v = try d.unsigned(off, size: Int(sizes.addrSize)); off += Int(sizes.addrSize); return .address(v)
        case DW_FORM.data1: let v = try d.u8(off); off += 1; return .unsigned(UInt64(v))
        case DW_FORM.data2: let v = try d.u16(off); off += 2; return .unsigned(UInt64(v))
        case DW_FORM.data4: let v = try d.u32(off); off += 4; return .unsigned(UInt64(v))
        case DW_FORM.data8: let v = try d.u64(off); off += 8; return .unsigned(v)
        case DW_FORM.data16: off += 16; try d.check(off - 16, 16); return .block(offset: off - 16, length: 16)
        case DW_FORM.udata: let (v, n) = try d.uleb(off); off += n; return .unsigned(v)
        case DW_FORM.sdata: let (v, n) = try d.sleb(off); off += n; return .signed(v)
        case DW_FORM.implicitConst: return .signed(implicitConst)
        case DW_FORM.flag: let v = try d.u8(off); off += 1; return .flag(v != 0)
        case DW_FORM.flagPresent: return .flag(true)
        case DW_FORM.string:
            let n = try d.cStringLength(off); let s = off; off += n + 1; return .string(StringRef(stringSection, s))
        case DW_FORM.strp:
            let v = try d.unsigned(off, size: Int(sizes.offsetSize)); off += Int(sizes.offsetSize)
            return .string(StringRef(.str, Int(clamping: v)))
        case DW_FORM.lineStrp:
            let v = try d.unsigned(off, size: Int(sizes.offsetSize)); off += Int(sizes.offsetSize)
            return .string(StringRef(.lineStr, Int(clamping: v)))
        case DW_FORM.strx, DW_FORM.gnuStrIndex: let (v, n) = try d.uleb(off); off += n; return .stringIndex(v)
        case DW_FORM.strx1: let v = try d.u8(off); off += 1; return .stringIndex(UInt64(v))
        case DW_FORM.strx2: let v = try d.u16(off); off += 2; return .stringIndex(UInt64(v))
        case DW_FORM.strx3: let v = try Self.u24(d, off); off += 3; return .stringIndex(v)
        case DW_FORM.strx4: let v = try d.u32(off); off += 4; return .stringIndex(UInt64(v))
        case DW_FORM.addrx, DW_FORM.gnuAddrIndex: let (v, n) = try d.uleb(off); off += n; return .addressIndex(v)
        case DW_FORM.addrx1: let v = try d.u8(off); off += 1; return .addressIndex(UInt64(v))
        case DW_FORM.addrx2: let v = try d.u16(off); off += 2; return .addressIndex(UInt64(v))
        case DW_FORM.addrx3: let v = try Self.u24(d, off); off += 3; return .addressIndex(v)
        case DW_FORM.addrx4: let v = try d.u32(off); off += 4; return .addressIndex(UInt64(v))
        case DW_FORM.ref1: let v = try d.u8(off); off += 1; return .reference(unitOffset &+ Int(v))
        case DW_FORM.ref2: let v = try d.u16(off); off += 2; return .reference(unitOffset &+ Int(v))
        case DW_FORM.ref4: let v = try d.u32(off); off += 4; return .reference(unitOffset &+ Int(v))
        case DW_FORM.ref8: let v = try d.u64(off); off += 8; return .reference(unitOffset &+ Int(clamping: v & 0x7fff_ffff_ffff))
        case DW_FORM.refUdata:
            let (v, n) = try d.uleb(off); off += n; return .reference(unitOffset &+ Int(clamping: v & 0x7fff_ffff_ffff))
        case DW_FORM.refAddr:
            let size = sizes.version <= 2 ? Int(sizes.addrSize) : Int(sizes.offsetSize)
            let v = try d.unsigned(off, size: size); off += size; return .reference(Int(clamping: v))
        case DW_FORM.refSig8: let v = try d.u64(off); off += 8; return .signature(v)
        case DW_FORM.secOffset:
            let v = try d.unsigned(off, size: Int(sizes.offsetSize)); off += Int(sizes.offsetSize); return .secOffset(v)
        case DW_FORM.block1, DW_FORM.block2, DW_FORM.block4, DW_FORM.block, DW_FORM.exprloc:
            var n: Int
            switch form {
            case DW_FORM.block1: n = Int(try d.u8(off)); off += 1
            case DW_FORM.block2: n = Int(try d.u16(off)); off += 2
            case DW_FORM.block4: n = Int(try d.u32(off)); off += 4
            default:
                let (v, s) = try d.uleb(off); off += s
                guard v <= UInt64(d.count) else { throw ByteError.outOfBounds(offset: off, length: Int(clamping: v), size: d.count) }
                n = Int(v)
            }
            try d.check(off, n)
            off += n
            return .block(offset: off - n, length: n)
        case DW_FORM.loclistx: let (v, n) = try d.uleb(off); off += n; return .loclistIndex(v)
        case DW_FORM.rnglistx: let (v, n) = try d.uleb(off); off += n; return .rnglistIndex(v)
        case DW_FORM.gnuRefAlt, DW_FORM.gnuStrpAlt, DW_FORM.strpSup:
            let v = try d.unsigned(off, size: Int(sizes.offsetSize)); off += Int(sizes.offsetSize); return .alternate(v)
        case DW_FORM.refSup4: let v = try d.u32(off); off += 4; return .alternate(UInt64(v))
        case DW_FORM.refSup8: let v = try d.u64(off); off += 8; return .alternate(v)
        case DW_FORM.indirect:
            let (f, s) = try d.uleb(off)
            off += s
            guard f <= 0xffff, f != UInt64(DW_FORM.implicitConst), depth < 8 else { throw DWARFError.malformed("DW_FORM_indirect at \(off)") }
            return try read(UInt16(f), 0, &off, depth: depth + 1)
        default:
            throw DWARFError.unsupported("form 0x\(String(form, radix: 16)) at offset \(off)")
        }
    }

    static func u24(_ d: Bytes, _ off: Int) throws -> UInt64 {
        let a = UInt64(try d.u8(off)), b = UInt64(try d.u8(off + 1)), c = UInt64(try d.u8(off + 2))
        return d.bigEndian ? (a << 16 | b << 8 | c) : (a | b << 8 | c << 16)
    }
}

/// One debugging information entry: its offset, abbreviation and attribute values.
public struct DIE: Sendable {
    public var offset: Int
    public var tag: UInt16
    public var hasChildren: Bool
    public var attributes: [(name: UInt16, form: UInt16, value: AttributeValue)]

    public func value(_ name: UInt16) -> AttributeValue? {
        attributes.first { $0.name == name }?.value
    }
}
