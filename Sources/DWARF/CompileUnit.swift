import Bytes

/// A unit of .debug_info or .debug_types: its header, abbreviations, root-DIE attributes (name,
/// directories, bases), and on demand its line table and function table.
/// A unit is valid only while its `DWARFFile` is alive (it refers to it without retaining it:
/// weak or counted back-references made every retain of a unit take the runtime's slow path).
public final class Unit: @unchecked Sendable {
    public unowned(unsafe) let file: DWARFFile
    public let header: UnitHeader
    public let abbrevs: AbbrevTable
    /// The section the unit lives in.
    public let data: Bytes
    public let reader: AttributeReader

    public private(set) var rootTag: UInt16 = 0
    public private(set) var name: StringRef?
    public private(set) var compDirRef: StringRef?
    public private(set) var language: UInt64 = 0
    /// DW_AT_low_pc of the root DIE: the base address of range and location lists.
    public internal(set) var baseAddress: UInt64 = 0
    public private(set) var stmtList: Int?
    public internal(set) var strOffsetsBase = 0
    public internal(set) var addrBase = 0
    public internal(set) var rnglistsBase = 0
    public internal(set) var loclistsBase = 0
    /// DW_AT_GNU_ranges_base (GNU split DWARF 4): added to DW_AT_ranges of split DIEs.
    public internal(set) var gnuRangesBase: UInt64 = 0
    public private(set) var dwoNameRef: StringRef?
    public private(set) var dwoID: UInt64?
    var rootRanges: AttributeValue?
    var rootLow: AttributeValue?
    var rootHigh: AttributeValue?
    /// Where address indexes and DWARF 4 range lists are read (the skeleton's file for split units).
    unowned(unsafe) var addrFile: DWARFFile
    /// For a split unit: its skeleton (line table, addresses).
    public internal(set) unowned(unsafe) var skeleton: Unit?

    init(file: DWARFFile, header: UnitHeader, data: Bytes) throws {
        self.file = file
        self.addrFile = file
        self.header = header
        self.data = data
        self.abbrevs = try file.abbrevTable(header.abbrevOffset, header.sizes)
        self.reader = AttributeReader(data: data, header: header)
        dwoID = header.dwoID
        let dwo = file.sections.isDWO
        if dwo && header.version >= 5 {
            strOffsetsBase = header.is64 ? 16 : 8
            rnglistsBase = header.is64 ? 20 : 12
            loclistsBase = rnglistsBase
        }
        try readRoot()
    }

    private func readRoot() throws {
        var off = header.dieOffset
        guard off < header.end else { return }
        let (code, n) = try data.uleb(off)
        off += n
        guard code != 0 else { return }
        guard let ab = abbrevs.abbrev(code) else { throw DWARFError.malformed("unit at \(header.offset): unknown abbreviation \(code)") }
        rootTag = ab.tag
        var strx: [(UInt16, UInt64)] = []
        let specs = abbrevs.specs
        for i in 0..<Int(ab.specCount) {
            let s = specs[Int(ab.specStart) + i]
            let v = try reader.read(s.form, implicitConst: s.implicitConst, &off)
            switch (s.name, v) {
            case (DW_AT.name, .string(let r)): name = r
            case (DW_AT.compDir, .string(let r)): compDirRef = r
            case (DW_AT.dwoName, .string(let r)), (DW_AT.gnuDwoName, .string(let r)): dwoNameRef = r
            case (DW_AT.name, .stringIndex(let x)), (DW_AT.compDir, .stringIndex(let x)), (DW_AT.dwoName, .stringIndex(let x)),
                 (DW_AT.gnuDwoName, .stringIndex(let x)):
                strx.append((s.name, x))
            case (DW_AT.language, _): language = v.asUnsigned ?? 0
            case (DW_AT.lowPC, _): rootLow = v
            case (DW_AT.highPC, _): rootHigh = v
            case (DW_AT.ranges, _): rootRanges = v
            case (DW_AT.stmtList, _): if let x = v.asUnsigned, x < UInt64(Int32.max) * 4 { stmtList = Int(x) }
            case (DW_AT.strOffsetsBase, _): strOffsetsBase = Int(clamping: v.asUnsigned ?? 0)
            case (DW_AT.addrBase, _), (DW_AT.gnuAddrBase, _): addrBase = Int(clamping: v.asUnsigned ?? 0)
            case (DW_AT.rnglistsBase, _): rnglistsBase = Int(clamping: v.asUnsigned ?? 0)
            case (DW_AT.loclistsBase, _): loclistsBase = Int(clamping: v.asUnsigned ?? 0)
            case (DW_AT.gnuRangesBase, _): gnuRangesBase = v.asUnsigned ?? 0
            case (DW_AT.gnuDwoID, _): dwoID = v.asUnsigned
            default: break
            }
        }
        for (attr, x) in strx {
            let r = try? stringRef(index: x)
            switch attr {
            case DW_AT.name: name = r
            case DW_AT.compDir: compDirRef = r
            default: dwoNameRef = r
            }
        }
        if let low = rootLow { baseAddress = (try? address(low)) ?? 0 }
    }

    // MARK: Values

    /// The .debug_str reference of string index `index` (DW_FORM_strx*).
    public func stringRef(index: UInt64) throws -> StringRef {
        let size = header.offsetSize
        let (p, o) = index.multipliedReportingOverflow(by: UInt64(size))
        guard !o, p < UInt64(Int.max / 2) else { throw DWARFError.malformed("string index \(index)") }
        let off = try file.sections.strOffsets.unsigned(strOffsetsBase + Int(p), size: size)
        return StringRef(.str, Int(clamping: off))
    }

    public func stringRef(_ v: AttributeValue) -> StringRef? {
        switch v {
        case .string(let r): return r
        case .stringIndex(let i): return try? stringRef(index: i)
        default: return nil
        }
    }

    public func string(_ v: AttributeValue) -> String? { stringRef(v).flatMap(file.string) }

    /// Address number `index` of .debug_addr (DW_FORM_addrx*).
    public func address(index: UInt64) throws -> UInt64 {
        let size = Int(header.addrSize)
        let (p, o) = index.multipliedReportingOverflow(by: UInt64(size))
        guard !o, p < UInt64(Int.max / 2) else { throw DWARFError.malformed("address index \(index)") }
        return try addrFile.sections.addr.unsigned(addrBase + Int(p), size: size)
    }

    public func address(_ v: AttributeValue) throws -> UInt64 {
        switch v {
        case .address(let a): return a
        case .addressIndex(let i): return try address(index: i)
        default: throw DWARFError.malformed("expected an address, found \(v)")
        }
    }

    public var compDir: String? { compDirRef.flatMap(file.string) }
    public var unitName: String? { name.flatMap(file.string) }
    public var dwoName: String? { dwoNameRef.flatMap(file.string) }

    /// DWARF 5 rnglistx/loclistx: entry `index` of the offset array at `base` in `table`, as an offset in `table`.
    func listOffset(index i: UInt64, table: Bytes, base: Int, what: String) throws -> Int {
        let os = header.offsetSize
        let (p, o) = i.multipliedReportingOverflow(by: UInt64(os))
        guard !o, p < UInt64(Int.max / 2) else { throw DWARFError.malformed("\(what) index \(i)") }
        let rel = try table.unsigned(base + Int(p), size: os)
        guard rel < UInt64(Int.max / 2) else { throw DWARFError.malformed("\(what) offset \(rel)") }
        return base + Int(rel)
    }

    /// Ranges of a DW_AT_ranges value.
    public func ranges(_ v: AttributeValue, isRoot: Bool = false) throws -> [AddressRange] {
        let size = Int(header.addrSize)
        if case .rnglistIndex(let i) = v {
            let rl = file.sections.rnglists
            let at = try listOffset(index: i, table: rl, base: rnglistsBase, what: "range list")
            return try RangeLists.rnglist(rl, at: at, addrSize: size, base: baseAddress, address: address(index:))
        }
        guard let off = v.asUnsigned, off < UInt64(Int.max / 2) else { throw DWARFError.malformed("DW_AT_ranges value \(v)") }
        if header.version >= 5 {
            return try RangeLists.rnglist(file.sections.rnglists, at: Int(off), addrSize: size, base: baseAddress, address: address(index:))
        }
        if skeleton != nil && !isRoot {
            // GNU split DWARF 4: the skeleton's .debug_ranges, offset by DW_AT_GNU_ranges_base.
            return try RangeLists.ranges(addrFile.sections.ranges, at: Int(off &+ gnuRangesBase), addrSize: size, base: baseAddress)
        }
        return try RangeLists.ranges(file.sections.ranges, at: Int(off), addrSize: size, base: baseAddress)
    }

    /// Location list of a DW_AT_location (or similar) value: parsed, not evaluated.
    public func locations(_ v: AttributeValue) throws -> [LocationEntry] {
        let size = Int(header.addrSize)
        if case .loclistIndex(let i) = v {
            let ll = file.sections.loclists
            let at = try listOffset(index: i, table: ll, base: loclistsBase, what: "location list")
            return try RangeLists.loclist(ll, at: at, addrSize: size, base: baseAddress, address: address(index:))
        }
        guard let off = v.asUnsigned, off < UInt64(Int.max / 2) else { throw DWARFError.malformed("location list value \(v)") }
        if header.version >= 5 {
            return try RangeLists.loclist(file.sections.loclists, at: Int(off), addrSize: size, base: baseAddress, address: address(index:))
        }
        return try RangeLists.locations(file.sections.loc, at: Int(off), addrSize: size, base: baseAddress)
    }

    /// Ranges from low_pc/high_pc or DW_AT_ranges values.
    func ranges(low: AttributeValue?, high: AttributeValue?, ranges r: AttributeValue?, isRoot: Bool) throws -> [AddressRange] {
        if let r { return try ranges(r, isRoot: isRoot) }
        guard let low, let high else { return [] }
        let lo = try address(low)
        var hi: UInt64
        switch high {
        case .address, .addressIndex: hi = try address(high)
        case .unsigned(let n): hi = lo &+ n
        case .signed(let n): hi = lo &+ UInt64(bitPattern: n)
        default: return []
        }
        return lo < hi ? [AddressRange(lo, hi)] : []
    }

    /// The range of a low_pc/high_pc pair, nil when it is empty or unreadable (no allocation).
    @inline(__always)
    func singleRange(low: AttributeValue, high: AttributeValue) -> AddressRange? {
        guard let lo = try? address(low) else { return nil }
        var hi: UInt64
        switch high {
        case .address, .addressIndex: guard let h = try? address(high) else { return nil }; hi = h
        case .unsigned(let n): hi = lo &+ n
        case .signed(let n): hi = lo &+ UInt64(bitPattern: n)
        default: return nil
        }
        return lo < hi ? AddressRange(lo, hi) : nil
    }

    /// The unit's own address ranges (root DIE).
    public func ranges() throws -> [AddressRange] {
        try ranges(low: rootLow, high: rootHigh, ranges: rootRanges, isRoot: true)
    }

    // MARK: DIEs

    /// The DIE at `offset` (an offset in the unit's section) with all its attribute values.
    public func die(at offset: Int) throws -> DIE {
        guard offset >= header.dieOffset, offset < header.end else { throw DWARFError.malformed("DIE offset \(offset) outside its unit") }
        var off = offset
        let (code, n) = try data.uleb(off)
        off += n
        guard code != 0 else { return DIE(offset: offset, tag: 0, hasChildren: false, attributes: []) }
        guard let ab = abbrevs.abbrev(code) else { throw DWARFError.malformed("unknown abbreviation \(code) at \(offset)") }
        var attrs: [(name: UInt16, form: UInt16, value: AttributeValue)] = []
        let specs = abbrevs.specs
        for i in 0..<Int(ab.specCount) {
            let s = specs[Int(ab.specStart) + i]
            attrs.append((s.name, s.form, try reader.read(s.form, implicitConst: s.implicitConst, &off)))
        }
        return DIE(offset: offset, tag: ab.tag, hasChildren: ab.hasChildren, attributes: attrs)
    }

    /// Walks every DIE of the unit in order with its depth (the root is depth 0).
    /// Stops at the end of the unit; the walk is bounded by the unit's size.
    public func forEachDIE(_ body: (DIE, Int) throws -> Bool) throws {
        var off = header.dieOffset
        var depth = 0
        let specs = abbrevs.specs
        while off < header.end {
            let start = off
            let (code, n) = try data.uleb(off)
            off += n
            if code == 0 { depth -= 1; if depth < 0 { break }; continue }
            guard let ab = abbrevs.abbrev(code) else { throw DWARFError.malformed("unknown abbreviation \(code) at \(start)") }
            var attrs: [(name: UInt16, form: UInt16, value: AttributeValue)] = []
            for i in 0..<Int(ab.specCount) {
                let s = specs[Int(ab.specStart) + i]
                attrs.append((s.name, s.form, try reader.read(s.form, implicitConst: s.implicitConst, &off)))
            }
            if try !body(DIE(offset: start, tag: ab.tag, hasChildren: ab.hasChildren, attributes: attrs), depth) { return }
            if ab.hasChildren { depth += 1 }
        }
    }

    // MARK: Line table

    private var lineTableLoaded = false
    private var lineTableValue: LineTable?

    /// The unit's line table (the skeleton's for a split unit), nil when it has none or it is malformed.
    public var lineTable: LineTable? {
        if let s = skeleton { return s.lineTable }
        if lineTableLoaded { return lineTableValue }
        lineTableLoaded = true
        guard let off = stmtList else { return nil }
        let f = file
        do {
            lineTableValue = try LineTable(line: file.sections.line, offset: off, addrSize: Int(header.addrSize), compDir: compDir,
                                           strOffsets: { [unowned(unsafe) self] i in try? self.stringRef(index: i) },
                                           strings: { [unowned(unsafe) f] r in f.string(r) })
        } catch {
            file.warn("line table at \(off): \(error)")
        }
        return lineTableValue
    }

    // MARK: Split DWARF

    private var splitLoaded = false
    private var splitValue: Unit?
    private var splitFile: DWARFFile?

    /// For a skeleton unit: the matching unit of its .dwo file (found through `DWARFFile.dwoLoader`).
    public var splitUnit: Unit? {
        if splitLoaded { return splitValue }
        splitLoaded = true
        guard let name = dwoName, let loader = file.dwoLoader, let f = loader(name, compDir) else { return nil }
        let candidates = f.units.filter { $0.header.unitType == DW_UT.splitCompile || $0.header.unitType == DW_UT.compile }
        guard let u = candidates.first(where: { dwoID != nil && $0.dwoID == dwoID }) ?? (dwoID == nil && candidates.count == 1 ? candidates[0] : nil)
        else { file.warn("\(name): no unit with the skeleton's dwo_id"); return nil }
        u.skeleton = self
        u.addrFile = file
        u.addrBase = addrBase
        u.baseAddress = baseAddress
        u.gnuRangesBase = gnuRangesBase
        splitFile = f
        splitValue = u
        return u
    }

    // MARK: Functions

    private var functionTableValue: FunctionTable?

    /// Functions and inlined subroutines with their ranges (built on first use).
    public var functionTable: FunctionTable {
        if let t = functionTableValue { return t }
        let t: FunctionTable
        do { t = try FunctionTable(unit: self, scratch: file.functionScratch) } catch {
            file.warn("functions of unit at \(header.offset): \(error)")
            t = FunctionTable()
        }
        functionTableValue = t
        return t
    }

    /// The name of the function DIE at `offset` and whether it is a linkage name, with binutils'
    /// rules: attributes in order, DW_AT_name only while no name is known (a linkage name when the
    /// unit's language is C-like), DW_AT_linkage_name always overriding, abstract_origin and
    /// specification followed (also across units) into the same result.
    public func functionName(at offset: Int) -> (name: String?, isLinkage: Bool) {
        var name: StringRef? = nil
        var linkage = false
        var budget = 32
        resolveName(offset, &name, &linkage, &budget)
        // Only references whose text can be read were kept: the String is made once, for the result.
        return (name.flatMap(file.string), linkage)
    }

    /// The reference of a string attribute value if its text can be read (what `string(_:)` would give, without making it).
    private func readableStringRef(_ v: AttributeValue) -> StringRef? {
        guard let r = stringRef(v), file.hasString(r) else { return nil }
        return r
    }

    private func resolveName(_ offset: Int, _ name: inout StringRef?, _ linkage: inout Bool, _ budget: inout Int) {
        budget -= 1
        guard budget >= 0, offset >= header.dieOffset, offset < header.end, let (code, n) = try? data.uleb(offset), code != 0,
              let ab = abbrevs.abbrev(code) else { return }
        let specs = abbrevs.specs
        let first = offset + n
        // A DIE with an unreadable attribute gives nothing (as reading it whole would fail).
        var off = first
        for i in 0..<Int(ab.specCount) {
            let s = specs[Int(ab.specStart) + i]
            guard (try? reader.read(s.form, implicitConst: s.implicitConst, &off)) != nil else { return }
        }
        off = first
        for i in 0..<Int(ab.specCount) {
            let s = specs[Int(ab.specStart) + i]
            switch s.name {
            case DW_AT.name, DW_AT.linkageName, DW_AT.mipsLinkageName, DW_AT.abstractOrigin, DW_AT.specification:
                guard let v = try? reader.read(s.form, implicitConst: s.implicitConst, &off) else { return }
                switch s.name {
                case DW_AT.name:
                    if name == nil, let r = readableStringRef(v) {
                        name = r
                        if DW_LANG.namesAreLinkageNames(language) { linkage = true }
                    }
                case DW_AT.linkageName, DW_AT.mipsLinkageName:
                    if let r = readableStringRef(v) { name = r; linkage = true }
                default:
                    if case .reference(let o) = v {
                        let u = (o >= header.offset && o < header.end) ? self : file.unit(containing: o)
                        u?.resolveName(o, &name, &linkage, &budget)
                    }
                }
            default:
                guard (try? reader.read(s.form, implicitConst: s.implicitConst, &off)) != nil else { return }
            }
        }
    }

    /// DW_AT_call_file (nil when absent or not a constant), DW_AT_call_line and DW_AT_call_column
    /// of the DIE at `offset` (the last of each when repeated; 0 when absent).
    func callSite(at offset: Int) -> (file: UInt32?, line: UInt32, column: UInt32) {
        var r: (file: UInt32?, line: UInt32, column: UInt32) = (nil, 0, 0)
        guard let d = try? die(at: offset) else { return r }
        for a in d.attributes {
            switch a.name {
            case DW_AT.callFile: if let x = a.value.asUnsigned { r.file = UInt32(truncatingIfNeeded: x) }
            case DW_AT.callLine: r.line = UInt32(truncatingIfNeeded: a.value.asUnsigned ?? 0)
            case DW_AT.callColumn: r.column = UInt32(truncatingIfNeeded: a.value.asUnsigned ?? 0)
            default: break
            }
        }
        return r
    }

    /// Frames for `address` if this unit (or its split unit) has line or function data for it.
    func frames(at address: UInt64) -> [InlineFrame]? {
        let fu = splitUnit ?? self
        let table = fu.functionTable
        let best = table.best(address)
        let lt = lineTable
        let row = lt?.row(for: address)
        if best == nil && row == nil { return nil }
        var frames: [InlineFrame] = []
        var current = best.map { Int($0) }
        let firstName = current.map { fu.functionName(at: table.functions[$0].offset) }
        frames.append(InlineFrame(function: firstName?.name, functionIsLinkage: firstName?.isLinkage ?? false,
                                  functionLow: current.map { table.functions[$0].low },
                                  functionOffset: current.map { table.functions[$0].offset },
                                  file: row.map { lt!.path($0.file) }, line: row?.line ?? 0, column: row?.column ?? 0,
                                  discriminator: row?.discriminator ?? 0, inlined: false))
        // binutils follows the inliner chain only from an inlined subroutine, through each enclosing function.
        guard let c0 = current, table.functions[c0].tag == DW_TAG.inlinedSubroutine else { return frames }
        var steps = 0
        while let c = current, table.functions[c].parent >= 0, steps < 10_000 {
            let f = table.functions[c]
            let p = Int(f.parent)
            let pn = fu.functionName(at: table.functions[p].offset)
            let call = fu.callSite(at: f.offset)
            frames[frames.count - 1].inlined = true
            frames.append(InlineFrame(function: pn.name, functionIsLinkage: pn.isLinkage, functionLow: table.functions[p].low,
                                      functionOffset: table.functions[p].offset,
                                      file: call.file.flatMap { file in lt.map { $0.path(file) } },
                                      line: call.line, column: call.column, discriminator: 0, inlined: false))
            current = p
            steps += 1
        }
        return frames
    }
}


/// A unit's functions that have code (DW_TAG_subprogram, entry points and inlined subroutines with
/// ranges) and the function DIEs enclosing them, their nesting, and a sorted range table for lookups.
/// Function DIEs without code and outside every function with code (declarations, abstract
/// instances) are left out: they are most of a Swift or C++ unit's function DIEs and no lookup
/// can reach them. Call sites are read from the DIE when a frame is printed (`Unit.callSite`).
public final class FunctionTable: @unchecked Sendable {
    public struct Function: Sendable {
        /// Offset of the DIE in the unit's section.
        public var offset: Int
        /// Low address of the first range (0 without ranges).
        public var low: UInt64
        /// Index of the enclosing function DIE, -1 at top level.
        public var parent: Int32
        public var tag: UInt16
    }
    public struct Entry: Sendable { public var low: UInt64; public var high: UInt64; public var function: Int32 }

    public private(set) var functions: [Function] = []
    public private(set) var entries: [Entry] = []
    private var maxEnd: [UInt64] = []

    init() {}

    /// Growable buffers reused from one unit to the next (the tables keep exact-size copies), so
    /// building thousands of tables neither regrows arrays nor touches fresh memory each time.
    final class Scratch {
        var functions: [Function] = []
        var entries: [Entry] = []
        /// Enclosing function DIEs of the walk: offset, tag, index once committed (-1 before).
        var enclosing: [(offset: Int, tag: UInt16, index: Int32)] = []
        /// Per open DIE with children: whether it is a function DIE.
        var open: [Bool] = []
    }

    init(unit: Unit, scratch: Scratch) throws {
        let data = unit.data
        let reader = unit.reader
        let abbrevs = unit.abbrevs
        let specs = abbrevs.specs
        let end = unit.header.end
        var off = unit.header.dieOffset
        var functions = scratch.functions, es = scratch.entries, enclosing = scratch.enclosing, open = scratch.open
        scratch.functions = []; scratch.entries = []; scratch.enclosing = []; scratch.open = []
        functions.removeAll(keepingCapacity: true)
        es.removeAll(keepingCapacity: true)
        enclosing.removeAll(keepingCapacity: true)
        open.removeAll(keepingCapacity: true)
        defer {
            functions.removeAll(keepingCapacity: true); es.removeAll(keepingCapacity: true)
            enclosing.removeAll(keepingCapacity: true); open.removeAll(keepingCapacity: true)
            scratch.functions = functions; scratch.entries = es; scratch.enclosing = enclosing; scratch.open = open
        }
        // enclosing[..<committed] have an index in `functions`; the rest are committed (in DIE
        // order, so indexes keep DIE order) when a function with code is found inside them.
        var committed = 0
        func commitEnclosing() {
            while committed < enclosing.count {
                let e = enclosing[committed]
                let parent: Int32 = committed > 0 ? enclosing[committed - 1].index : -1
                enclosing[committed].index = Int32(functions.count)
                functions.append(Function(offset: e.offset, low: 0, parent: parent, tag: e.tag))
                committed += 1
            }
        }
        while off < end {
            let dieOffset = off
            // Inline ULEB for the common one-byte code.
            var code = UInt64(try data.u8(off))
            if code < 0x80 { off += 1 } else { let (v, n) = try data.uleb(off); code = v; off += n }
            if code == 0 {
                guard let wasFunction = open.popLast() else { break }
                if wasFunction {
                    enclosing.removeLast()
                    if committed > enclosing.count { committed = enclosing.count }
                }
                continue
            }
            guard let ab = abbrevs.abbrev(code) else { throw DWARFError.malformed("unknown abbreviation \(code) at \(dieOffset)") }
            let tag = ab.tag
            if tag == DW_TAG.subprogram || tag == DW_TAG.inlinedSubroutine || tag == DW_TAG.entryPoint {
                var low: AttributeValue?, high: AttributeValue?, rng: AttributeValue?
                for i in 0..<Int(ab.specCount) {
                    let s = specs[Int(ab.specStart) + i]
                    switch s.name {
                    case DW_AT.lowPC: low = try reader.read(s.form, implicitConst: s.implicitConst, &off)
                    case DW_AT.highPC: high = try reader.read(s.form, implicitConst: s.implicitConst, &off)
                    case DW_AT.ranges: rng = try reader.read(s.form, implicitConst: s.implicitConst, &off)
                    default: try reader.skip(s.form, &off)
                    }
                }
                var index: Int32 = -1
                if let rng {
                    if let rs = try? unit.ranges(rng, isRoot: false), let first = rs.first {
                        commitEnclosing()
                        index = Int32(functions.count)
                        functions.append(Function(offset: dieOffset, low: first.low, parent: enclosing.last?.index ?? -1, tag: tag))
                        for r in rs { es.append(Entry(low: r.low, high: r.high, function: index)) }
                    }
                } else if let low, let high, let r = unit.singleRange(low: low, high: high) {
                    commitEnclosing()
                    index = Int32(functions.count)
                    functions.append(Function(offset: dieOffset, low: r.low, parent: enclosing.last?.index ?? -1, tag: tag))
                    es.append(Entry(low: r.low, high: r.high, function: index))
                }
                if ab.hasChildren {
                    open.append(true)
                    enclosing.append((dieOffset, tag, index))
                    if index >= 0 { committed = enclosing.count }
                }
            } else {
                if ab.fixedSize >= 0 {
                    off += Int(ab.fixedSize)
                } else {
                    for i in 0..<Int(ab.specCount) { try reader.skip(specs[Int(ab.specStart) + i].form, &off) }
                }
                if ab.hasChildren { open.append(false) }
            }
        }
        // Entries were appended in function order: a stable sort by low address orders them by (low, function).
        es.stableSort { $0.low }
        self.functions = Self.exactCopy(functions)
        self.entries = Self.exactCopy(es)
        var m: UInt64 = 0
        maxEnd = [UInt64](unsafeUninitializedCapacity: es.count) { buf, n in
            for (i, e) in es.enumerated() { m = max(m, e.high); buf.initializeElement(at: i, to: m) }
            n = es.count
        }
    }

    /// A copy with capacity for exactly its elements (not sharing the scratch buffer).
    private static func exactCopy<T>(_ a: [T]) -> [T] {
        [T](unsafeUninitializedCapacity: a.count) { buf, n in
            a.withUnsafeBufferPointer { src in
                if let s = src.baseAddress, a.count > 0 { buf.baseAddress!.initialize(from: s, count: a.count) }
            }
            n = a.count
        }
    }

    /// binutils' choice: the smallest single range holding `address`; at equal sizes the later DIE.
    public func best(_ address: UInt64) -> Int32? {
        var lo = 0, hi = entries.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if entries[mid].low <= address { lo = mid + 1 } else { hi = mid }
        }
        var i = lo - 1
        var best: Int32 = -1
        var bestLen = UInt64.max
        while i >= 0 && maxEnd[i] > address {
            let e = entries[i]
            if e.high > address {
                let len = e.high - e.low
                if len < bestLen || (len == bestLen && e.function > best) { best = e.function; bestLen = len }
            }
            i -= 1
        }
        return best >= 0 ? best : nil
    }
}
