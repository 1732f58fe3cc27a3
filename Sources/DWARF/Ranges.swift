import Bytes

/// An address range [low, high).
public struct AddressRange: Sendable, Equatable {
    public var low: UInt64
    public var high: UInt64
    public init(_ low: UInt64, _ high: UInt64) { self.low = low; self.high = high }
}

/// One entry of a location list: where the expression applies and the expression's bytes.
public struct LocationEntry: Sendable, Equatable {
    /// nil for DW_LLE_default_location.
    public var range: AddressRange?
    public var expressionOffset: Int
    public var expressionLength: Int
}

/// One set of .debug_aranges (a hint only: it may cover a fraction of the units).
public struct ArangeSet: Sendable, Equatable {
    public var unitOffset: Int
    public var ranges: [AddressRange]
}

enum DW_RLE {
    static let endOfList: UInt8 = 0, baseAddressx: UInt8 = 1, startxEndx: UInt8 = 2, startxLength: UInt8 = 3
    static let offsetPair: UInt8 = 4, baseAddress: UInt8 = 5, startEnd: UInt8 = 6, startLength: UInt8 = 7
}
enum DW_LLE {
    static let endOfList: UInt8 = 0, baseAddressx: UInt8 = 1, startxEndx: UInt8 = 2, startxLength: UInt8 = 3
    static let offsetPair: UInt8 = 4, defaultLocation: UInt8 = 5, baseAddress: UInt8 = 6, startEnd: UInt8 = 7
    static let startLength: UInt8 = 8, gnuViewPair: UInt8 = 9
}

public enum RangeLists {
    /// A DWARF 2-4 .debug_ranges list at `offset`. `base` is the unit's base address.
    public static func ranges(_ data: Bytes, at offset: Int, addrSize: Int, base: UInt64) throws -> [AddressRange] {
        var c = Cursor(data, offset: offset)
        var base = base
        let maxAddr: UInt64 = addrSize == 8 ? .max : (UInt64(1) << (UInt64(addrSize) * 8)) - 1
        var out: [AddressRange] = []
        while true {
            let a = try c.unsigned(size: addrSize), b = try c.unsigned(size: addrSize)
            if a == 0 && b == 0 { break }
            if a == maxAddr { base = b; continue }
            let lo = base &+ a, hi = base &+ b
            if lo < hi { out.append(AddressRange(lo, hi)) }
        }
        return out
    }

    /// A DWARF 5 .debug_rnglists list at `offset`. `address` resolves DW_RLE_*x indexes.
    public static func rnglist(_ data: Bytes, at offset: Int, addrSize: Int, base: UInt64,
                               address: (UInt64) throws -> UInt64) throws -> [AddressRange] {
        var c = Cursor(data, offset: offset)
        var base = base
        var out: [AddressRange] = []
        while true {
            let kind = try c.u8()
            var lo: UInt64 = 0, hi: UInt64 = 0
            switch kind {
            case DW_RLE.endOfList: return out
            case DW_RLE.baseAddressx: base = try address(try c.uleb()); continue
            case DW_RLE.baseAddress: base = try c.unsigned(size: addrSize); continue
            case DW_RLE.startxEndx: lo = try address(try c.uleb()); hi = try address(try c.uleb())
            case DW_RLE.startxLength: lo = try address(try c.uleb()); hi = lo &+ (try c.uleb())
            case DW_RLE.offsetPair: lo = base &+ (try c.uleb()); hi = base &+ (try c.uleb())
            case DW_RLE.startEnd: lo = try c.unsigned(size: addrSize); hi = try c.unsigned(size: addrSize)
            case DW_RLE.startLength: lo = try c.unsigned(size: addrSize); hi = lo &+ (try c.uleb())
            default: throw DWARFError.malformed("range list entry kind \(kind) at \(c.offset - 1)")
            }
            if lo < hi { out.append(AddressRange(lo, hi)) }
        }
    }

    /// A DWARF 2-4 .debug_loc list at `offset`.
    public static func locations(_ data: Bytes, at offset: Int, addrSize: Int, base: UInt64) throws -> [LocationEntry] {
        var c = Cursor(data, offset: offset)
        var base = base
        let maxAddr: UInt64 = addrSize == 8 ? .max : (UInt64(1) << (UInt64(addrSize) * 8)) - 1
        var out: [LocationEntry] = []
        while true {
            let a = try c.unsigned(size: addrSize), b = try c.unsigned(size: addrSize)
            if a == 0 && b == 0 { return out }
            if a == maxAddr { base = b; continue }
            let n = Int(try c.u16())
            try c.skip(n)
            out.append(LocationEntry(range: AddressRange(base &+ a, base &+ b), expressionOffset: c.offset - n, expressionLength: n))
        }
    }

    /// A DWARF 5 .debug_loclists list at `offset`.
    public static func loclist(_ data: Bytes, at offset: Int, addrSize: Int, base: UInt64,
                               address: (UInt64) throws -> UInt64) throws -> [LocationEntry] {
        var c = Cursor(data, offset: offset)
        var base = base
        var out: [LocationEntry] = []
        while true {
            let kind = try c.u8()
            var range: AddressRange? = nil
            switch kind {
            case DW_LLE.endOfList: return out
            case DW_LLE.baseAddressx: base = try address(try c.uleb()); continue
            case DW_LLE.baseAddress: base = try c.unsigned(size: addrSize); continue
            case DW_LLE.gnuViewPair: _ = try c.uleb(); _ = try c.uleb(); continue
            case DW_LLE.startxEndx: range = AddressRange(try address(try c.uleb()), try address(try c.uleb()))
            case DW_LLE.startxLength: let lo = try address(try c.uleb()); range = AddressRange(lo, lo &+ (try c.uleb()))
            case DW_LLE.offsetPair: let lo = base &+ (try c.uleb()); range = AddressRange(lo, base &+ (try c.uleb()))
            case DW_LLE.defaultLocation: range = nil
            case DW_LLE.startEnd: range = AddressRange(try c.unsigned(size: addrSize), try c.unsigned(size: addrSize))
            case DW_LLE.startLength: let lo = try c.unsigned(size: addrSize); range = AddressRange(lo, lo &+ (try c.uleb()))
            default: throw DWARFError.malformed("location list entry kind \(kind) at \(c.offset - 1)")
            }
            let n = try c.uleb()
            guard n <= UInt64(c.remaining) else { throw DWARFError.malformed("location expression length \(n) at \(c.offset)") }
            try c.skip(Int(n))
            out.append(LocationEntry(range: range, expressionOffset: c.offset - Int(n), expressionLength: Int(n)))
        }
    }

    /// All sets of .debug_aranges.
    public static func aranges(_ data: Bytes) throws -> [ArangeSet] {
        var out: [ArangeSet] = []
        var off = 0
        while off < data.count {
            var c = Cursor(data, offset: off)
            var length = UInt64(try c.u32())
            var is64 = false
            if length == 0xffff_ffff { is64 = true; length = try c.u64() }
            guard length <= UInt64(data.count - c.offset) else { throw DWARFError.malformed("aranges set at \(off): length \(length)") }
            let end = c.offset + Int(length)
            _ = try c.u16()
            let unit = try UnitHeader.offsetValue(try c.word(is64: is64))
            let addrSize = Int(try c.u8()), segSize = Int(try c.u8())
            guard [1, 2, 4, 8].contains(addrSize), segSize == 0 || [1, 2, 4, 8].contains(segSize) else {
                throw DWARFError.malformed("aranges set at \(off): address size \(addrSize)")
            }
            let tuple = 2 * addrSize + segSize
            let rel = c.offset - off
            c.offset = off + (rel + tuple - 1) / tuple * tuple
            var ranges: [AddressRange] = []
            while c.offset + tuple <= end {
                if segSize > 0 { _ = try c.unsigned(size: segSize) }
                let a = try c.unsigned(size: addrSize), n = try c.unsigned(size: addrSize)
                if a == 0 && n == 0 { break }
                if n > 0 { ranges.append(AddressRange(a, a &+ n)) }
            }
            out.append(ArangeSet(unitOffset: unit, ranges: ranges))
            off = end
        }
        return out
    }
}
