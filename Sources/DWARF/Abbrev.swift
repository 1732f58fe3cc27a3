import Bytes

/// One attribute specification of an abbreviation.
public struct AttributeSpec: Sendable, Equatable {
    public var name: UInt16
    public var form: UInt16
    public var implicitConst: Int64
}

/// One abbreviation: tag, children flag and its attribute specifications (a range of `AbbrevTable.specs`).
public struct Abbrev: Sendable {
    public var code: UInt64
    public var tag: UInt16
    public var hasChildren: Bool
    public var specStart: Int32
    public var specCount: Int32
    /// Total size of the attributes when every form has a fixed size for the unit parameters the
    /// table was built for, else -1.
    public var fixedSize: Int32
}

/// The unit parameters that decide form sizes.
public struct FormSizes: Hashable, Sendable {
    public var addrSize: UInt8
    public var offsetSize: UInt8
    public var version: UInt16
    public init(addrSize: UInt8, offsetSize: UInt8, version: UInt16) {
        self.addrSize = addrSize
        self.offsetSize = offsetSize
        self.version = version
    }

    /// Size of a form's value when it does not depend on the data, else nil.
    @inline(__always)
    public func fixedSize(_ form: UInt16) -> Int? {
        switch form {
        case DW_FORM.flagPresent, DW_FORM.implicitConst: return 0
        case DW_FORM.data1, DW_FORM.ref1, DW_FORM.flag, DW_FORM.strx1, DW_FORM.addrx1: return 1
        case DW_FORM.data2, DW_FORM.ref2, DW_FORM.strx2, DW_FORM.addrx2: return 2
        case DW_FORM.strx3, DW_FORM.addrx3: return 3
        case DW_FORM.data4, DW_FORM.ref4, DW_FORM.strx4, DW_FORM.addrx4, DW_FORM.refSup4: return 4
        case DW_FORM.data8, DW_FORM.ref8, DW_FORM.refSig8, DW_FORM.refSup8: return 8
        case DW_FORM.data16: return 16
        case DW_FORM.addr: return Int(addrSize)
        case DW_FORM.strp, DW_FORM.lineStrp, DW_FORM.secOffset, DW_FORM.strpSup, DW_FORM.gnuRefAlt, DW_FORM.gnuStrpAlt:
            return Int(offsetSize)
        case DW_FORM.refAddr: return version <= 2 ? Int(addrSize) : Int(offsetSize)
        default: return nil
        }
    }
}

/// An abbreviation table (from one offset of .debug_abbrev), for one set of form sizes.
public final class AbbrevTable: @unchecked Sendable {
    public let offset: Int
    public let sizes: FormSizes
    public private(set) var specs: [AttributeSpec] = []
    /// Abbreviations by code when codes are 1...n in order (the usual case), else empty.
    private var dense: [Abbrev] = []
    private var sparse: [UInt64: Abbrev] = [:]

    /// Parses the table at `offset`. Stops at the terminating 0 code or the end of the section.
    public init(_ data: Bytes, offset: Int, sizes: FormSizes) throws {
        self.offset = offset
        self.sizes = sizes
        var c = Cursor(data, offset: offset)
        var denseOK = true
        var all: [Abbrev] = []
        // Built in locals (appending to the stored properties paid an exclusivity check each time).
        var specs: [AttributeSpec] = []
        var sparse: [UInt64: Abbrev] = [:]
        defer {
            self.specs = specs
            self.sparse = sparse
        }
        while !c.atEnd {
            let code = try c.uleb()
            if code == 0 { break }
            let tag = try c.uleb()
            let children = try c.u8()
            let start = specs.count
            var fixed = 0
            var isFixed = true
            while true {
                let name = try c.uleb(), form = try c.uleb()
                if name == 0 && form == 0 { break }
                var implicitConst: Int64 = 0
                if form == UInt64(DW_FORM.implicitConst) { implicitConst = try c.sleb() }
                guard name <= 0xffff, form <= 0xffff else { throw DWARFError.malformed("abbreviation \(code): attribute \(name) form \(form)") }
                let f = UInt16(form)
                if let n = sizes.fixedSize(f) { fixed += n } else { isFixed = false }
                specs.append(AttributeSpec(name: UInt16(name), form: f, implicitConst: implicitConst))
                if specs.count - start > 10_000 { throw DWARFError.malformed("abbreviation \(code) has too many attributes") }
            }
            let a = Abbrev(code: code, tag: UInt16(truncatingIfNeeded: tag), hasChildren: children != 0, specStart: Int32(start),
                           specCount: Int32(specs.count - start), fixedSize: isFixed ? Int32(fixed) : -1)
            if denseOK && code == UInt64(all.count + 1) { all.append(a) } else {
                if denseOK { for x in all { sparse[x.code] = x }; denseOK = false }
                sparse[code] = a
            }
        }
        if denseOK { dense = all }
    }

    @inline(__always)
    public func abbrev(_ code: UInt64) -> Abbrev? {
        if code &- 1 < UInt64(dense.count) { return dense[Int(code &- 1)] }
        return sparse.isEmpty ? nil : sparse[code]
    }
}
