import Bytes
import Glibc

/// The DWARF of one file: units found by walking every unit header once, abbreviation tables
/// cached by offset, strings resolved on demand, and per-unit line tables and function tables
/// built on first use. `frames(at:)` symbolizes an address (innermost frame first).
public final class DWARFFile: @unchecked Sendable {
    public let sections: DWARFSections
    private struct AbbrevKey: Hashable { var offset: Int; var sizes: FormSizes }
    private var abbrevCache: [AbbrevKey: AbbrevTable] = [:]
    private var unitList: [Unit]?
    private var typeUnitList: [Unit]?
    /// Problems met while indexing (a unit that could not be read is skipped and noted here).
    public private(set) var warnings: [String] = []
    /// Opens the split-DWARF file of a skeleton unit: (DW_AT_dwo_name, DW_AT_comp_dir) → its DWARF.
    public var dwoLoader: ((_ name: String, _ compDir: String?) -> DWARFFile?)?

    /// Buffers reused while building the units' function tables.
    let functionScratch = FunctionTable.Scratch()

    public init(_ sections: DWARFSections) {
        self.sections = sections
    }

    func warn(_ s: String) { if warnings.count < 100 { warnings.append(s) } }

    func abbrevTable(_ offset: Int, _ sizes: FormSizes) throws -> AbbrevTable {
        let key = AbbrevKey(offset: offset, sizes: sizes)
        if let t = abbrevCache[key] { return t }
        guard offset >= 0, offset < sections.abbrev.count else { throw DWARFError.malformed("abbreviation offset \(offset)") }
        let t = try AbbrevTable(sections.abbrev, offset: offset, sizes: sizes)
        abbrevCache[key] = t
        return t
    }

    /// Every unit of .debug_info in order (compile, partial, skeleton, split and type units).
    /// A unit whose header or root DIE is malformed ends the walk (its length cannot be trusted).
    public var units: [Unit] {
        if let u = unitList { return u }
        let u = walk(sections.info, types: false)
        unitList = u
        return u
    }

    /// Type units of .debug_types (DWARF 4) and .debug_info (DWARF 5).
    public var typeUnits: [Unit] {
        if let u = typeUnitList { return u }
        let u = walk(sections.types, types: true) + units.filter { $0.header.unitType == DW_UT.type || $0.header.unitType == DW_UT.splitType }
        typeUnitList = u
        return u
    }

    private func walk(_ data: Bytes, types: Bool) -> [Unit] {
        var out: [Unit] = []
        var off = 0
        while off < data.count {
            do {
                let h = try UnitHeader.parse(data, at: off, typesSection: types)
                out.append(try Unit(file: self, header: h, data: data))
                off = h.end
            } catch {
                warn("unit at offset \(off): \(error)")
                break
            }
        }
        return out
    }

    /// The unit of .debug_info whose extent holds `offset`.
    public func unit(containing offset: Int) -> Unit? {
        let us = units
        var lo = 0, hi = us.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if us[mid].header.offset <= offset { lo = mid + 1 } else { hi = mid }
        }
        guard lo > 0, offset < us[lo - 1].header.end else { return nil }
        return us[lo - 1]
    }

    /// Whether `string(ref)` gives a text (checked without making it).
    public func hasString(_ ref: StringRef) -> Bool {
        guard let b = stringSection(ref.section) else { return false }
        return (try? b.cStringLength(ref.offset)) != nil
    }

    private func stringSection(_ s: StringRef.Section) -> Bytes? {
        switch s {
        case .info: return sections.info
        case .str: return sections.str
        case .lineStr: return sections.lineStr
        case .types: return sections.types
        case .line: return sections.line
        case .unavailable: return nil
        }
    }

    /// The text of a string reference, nil when it is out of range or in a supplementary file.
    public func string(_ ref: StringRef) -> String? {
        let b: Bytes
        switch ref.section {
        case .info: b = sections.info
        case .str: b = sections.str
        case .lineStr: b = sections.lineStr
        case .types: b = sections.types
        case .line: b = sections.line
        case .unavailable: return nil
        }
        return try? b.cString(ref.offset)
    }

    // MARK: Address lookup

    private struct UnitRange { var low: UInt64; var high: UInt64; var unit: Int32 }
    private var unitRanges: [UnitRange]?
    var arangeIndex: ArangeIndex?
    var arangeUnits: [Int: Unit] = [:]
    private var unitMaxEnd: [UInt64] = []
    private var rangeless: [Int] = []

    /// Sorted address → unit table from each unit's own DW_AT_ranges / low_pc–high_pc, with
    /// .debug_aranges only for units that have neither.
    private func buildUnitIndex() {
        var rs: [UnitRange] = []
        var aranges: [Int: [AddressRange]]? = nil
        for (i, u) in units.enumerated() {
            let t = u.header.unitType
            guard t == DW_UT.compile || t == DW_UT.partial || t == DW_UT.skeleton || t == DW_UT.splitCompile else { continue }
            var r = (try? u.ranges()) ?? []
            if r.isEmpty {
                if aranges == nil {
                    aranges = [:]
                    for s in (try? RangeLists.aranges(sections.aranges)) ?? [] { aranges![s.unitOffset, default: []] += s.ranges }
                }
                r = aranges![u.header.offset] ?? []
            }
            if r.isEmpty { rangeless.append(i); continue }
            for x in r { rs.append(UnitRange(low: x.low, high: x.high, unit: Int32(i))) }
        }
        rs.sort { $0.low != $1.low ? $0.low < $1.low : $0.unit < $1.unit }
        var m: UInt64 = 0
        unitMaxEnd = rs.map { m = max(m, $0.high); return m }
        unitRanges = rs
    }

    private var rangelessIndex: [UnitRange]?
    private var rangelessMaxEnd: [UInt64] = []

    private func buildRangelessIndex() {
        var rs: [UnitRange] = []
        let us = units
        for i in rangeless {
            let u = us[i]
            for e in (u.splitUnit ?? u).functionTable.entries { rs.append(UnitRange(low: e.low, high: e.high, unit: Int32(i))) }
            for q in u.lineTable?.sequences ?? [] { rs.append(UnitRange(low: q.start, high: q.end, unit: Int32(i))) }
        }
        rs.sort { $0.low != $1.low ? $0.low < $1.low : $0.unit < $1.unit }
        var m: UInt64 = 0
        rangelessMaxEnd = rs.map { m = max(m, $0.high); return m }
        rangelessIndex = rs
    }

    /// Units whose ranges hold `address`, in unit order.
    public func units(containing address: UInt64) -> [Unit] {
        if unitRanges == nil { buildUnitIndex() }
        return Self.candidates(unitRanges!, unitMaxEnd, address, units)
    }

    private static func candidates(_ rs: [UnitRange], _ maxEnd: [UInt64], _ address: UInt64, _ us: [Unit]) -> [Unit] {
        let unitMaxEnd = maxEnd
        var lo = 0, hi = rs.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if rs[mid].low <= address { lo = mid + 1 } else { hi = mid }
        }
        var found: [Int32] = []
        var i = lo - 1
        while i >= 0 && unitMaxEnd[i] > address {
            if rs[i].high > address && !found.contains(rs[i].unit) { found.append(rs[i].unit) }
            i -= 1
        }
        if found.count > 1 { found.sort() }
        return found.map { us[Int($0)] }
    }

    /// The source frames of `address`, innermost first, as binutils' addr2line -i reports them:
    /// frame 0 is the smallest function range holding the address with the line-table row;
    /// each further frame is the function it was inlined into, at the call site. nil when no unit
    /// has line or function information for it.
    public func frames(at address: UInt64) -> [InlineFrame]? {
        if unitRanges == nil, let f = framesViaAranges(address) { return f }
        for u in units(containing: address) {
            if let f = u.frames(at: address) { return f }
        }
        // Units without ranges of their own (binutils tries them all after the others): indexed once
        // by what their function and line tables cover, so a miss costs a binary search.
        if rangelessIndex == nil { buildRangelessIndex() }
        for u in Self.candidates(rangelessIndex!, rangelessMaxEnd, address, units) {
            if let f = u.frames(at: address) { return f }
        }
        return nil
    }
}

extension DWARFFile {
    /// .debug_aranges sorted by address: (low, high, unit offset), with the running maximum of `high`.
    struct ArangeIndex {
        var entries: [(low: UInt64, high: UInt64, unit: Int)]
        var maxEnd: [UInt64]

        init(_ sets: [ArangeSet]) {
            entries = sets.flatMap { s in s.ranges.map { (low: $0.low, high: $0.high, unit: s.unitOffset) } }
            entries.sort { $0.low != $1.low ? $0.low < $1.low : $0.unit < $1.unit }
            var m: UInt64 = 0
            maxEnd = entries.map { m = max(m, $0.high); return m }
        }

        /// The one unit whose ranges hold `address`, nil when none or several do.
        func unit(at address: UInt64) -> Int? {
            var lo = 0, hi = entries.count
            while lo < hi {
                let mid = (lo + hi) / 2
                if entries[mid].low <= address { lo = mid + 1 } else { hi = mid }
            }
            var found: Int? = nil
            var i = lo - 1
            while i >= 0 && maxEnd[i] > address {
                if entries[i].high > address {
                    if let f = found, f != entries[i].unit { return nil }
                    found = entries[i].unit
                }
                i -= 1
            }
            return found
        }
    }

    /// Lookups before the full unit index exists: when .debug_aranges names exactly one unit for the
    /// address, only that unit is read (one address in a large library's debug file costs one unit, not a
    /// walk over thousands). nil sends the caller to the full index (no aranges, no unit, several, no answer).
    func framesViaAranges(_ address: UInt64) -> [InlineFrame]? {
        if arangeIndex == nil {
            let sets = sections.aranges.count > 0 ? (try? RangeLists.aranges(sections.aranges)) : nil
            arangeIndex = ArangeIndex(sets ?? [])
        }
        guard let offset = arangeIndex?.unit(at: address) else { return nil }
        let unit: Unit
        if let u = arangeUnits[offset] { unit = u } else {
            guard let h = try? UnitHeader.parse(sections.info, at: offset), let u = try? Unit(file: self, header: h, data: sections.info) else {
                return nil
            }
            arangeUnits[offset] = u
            unit = u
        }
        return unit.frames(at: address)
    }
}

/// One frame of a symbolized address.
public struct InlineFrame: Sendable, Equatable {
    /// Function name from DWARF (linkage name when there is one), nil when unknown.
    public var function: String?
    /// True when `function` is a linkage (symbol) name: DW_AT_linkage_name, or DW_AT_name in a
    /// language whose names are symbol names (C). binutils prefers the ELF symbol otherwise.
    public var functionIsLinkage: Bool
    /// Start of the function's first range (nil for frames without a function DIE).
    public var functionLow: UInt64?
    /// Offset of the function's DIE (identifies it across lookups), nil without a function DIE.
    public var functionOffset: Int?
    public var file: String?
    public var line: UInt32
    public var column: UInt32
    public var discriminator: UInt32
    /// This frame's code was inlined into the next frame.
    public var inlined: Bool

    public init(function: String?, functionIsLinkage: Bool, functionLow: UInt64?, functionOffset: Int? = nil, file: String?,
                line: UInt32, column: UInt32, discriminator: UInt32, inlined: Bool) {
        self.function = function
        self.functionOffset = functionOffset
        self.functionIsLinkage = functionIsLinkage
        self.functionLow = functionLow
        self.file = file
        self.line = line
        self.column = column
        self.discriminator = discriminator
        self.inlined = inlined
    }
}
