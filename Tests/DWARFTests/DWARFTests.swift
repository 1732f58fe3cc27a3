import Bytes
import DWARF
import ELF
import Foundation
import Symbolize
import Testing
import TestSupport

private let cSource = packageRoot.appendingPathComponent("Tests/Fixtures/addr2line_main.c").path

private func compile(_ flags: [String], compiler: String = "gcc") throws -> String {
    let out = try tempDir("dwarf").appendingPathComponent("prog").path
    let r = try run(compiler, flags + ["-o", out, cSource])
    guard r.status == 0 else { throw FixtureError(r.stderr) }
    return out
}

private func dwarf(_ path: String) throws -> (ELFFile, DWARFFile) {
    let f = try ELFFile(path: path)
    return (f, DWARFFile(Symbolizer.sections(of: f, dwo: false)))
}

struct DWARFUnitTests {
    /// Unit offsets, versions and names against llvm-dwarfdump.
    @Test(arguments: [["-O2", "-g"], ["-O0", "-gdwarf-4"], ["-O2", "-gdwarf-2"], ["-O2", "-g", "-gz"]])
    func unitsMatchDwarfdump(_ flags: [String]) throws {
        let (_, d) = try dwarf(try compile(flags))
        let dump = try run("llvm-dwarfdump", ["--debug-info", "--show-form", try compile(flags)]).lines
        let headers = dump.filter { $0.contains("Compile Unit: length") }
        #expect(d.units.count == headers.count)
        for (u, h) in zip(d.units, headers) {
            #expect(h.contains("version = 0x000\(u.header.version)"), "\(h)")
            #expect(h.hasPrefix(String(format: "0x%08x", u.header.offset)), "\(h)")
        }
        #expect(d.warnings.isEmpty, "\(d.warnings)")
        #expect(d.units.contains { $0.unitName?.hasSuffix("addr2line_main.c") == true })
    }

    /// Every row address of the line table is one llvm-dwarfdump decodes (and the reverse, except
    /// rows sonde folds like binutils: several rows at one address keep the last).
    @Test(arguments: [["-O2", "-g"], ["-O2", "-gdwarf-4"], ["-O0", "-gdwarf-3"]])
    func lineRowsMatchDwarfdump(_ flags: [String]) throws {
        let bin = try compile(flags)
        let (_, d) = try dwarf(bin)
        let u = try #require(d.units.first { $0.unitName?.hasSuffix("addr2line_main.c") == true })
        let table = try #require(u.lineTable)
        var ours = Set<String>()
        for r in table.rows { ours.insert("\(String(r.address, radix: 16)) \(r.line)") }
        var theirs = Set<String>()
        var inUnit = false
        for line in try run("llvm-dwarfdump", ["--debug-line", bin]).lines {
            if line.hasPrefix("debug_line[") { inUnit = line.contains(String(format: "0x%08x", table.offset)) }
            let f = fields(line)
            guard inUnit, f.count >= 3, f[0].hasPrefix("0x0"), let a = UInt64(f[0].dropFirst(2), radix: 16) else { continue }
            theirs.insert("\(String(a, radix: 16)) \(f[1])")
        }
        #expect(!ours.isEmpty)
        #expect(ours.isSubset(of: theirs), "\(ours.subtracting(theirs).sorted().prefix(5))")
        let md5 = table.files.contains { $0.md5 != nil }
        if flags.contains("-g") && !flags.contains { $0.hasPrefix("-gdwarf-") } { #expect(table.version == 5) } else { #expect(!md5) }
    }

    @Test func headerParsing32And64Bit() throws {
        // DWARF 4, 32-bit: length 7, version 4, abbrev offset 0, address size 8.
        let h32 = try UnitHeader.parse(Bytes([7, 0, 0, 0, 4, 0, 0, 0, 0, 0, 8]), at: 0)
        #expect(h32.version == 4 && !h32.is64 && h32.addrSize == 8 && h32.dieOffset == 11 && h32.end == 11)
        // DWARF 5, 64-bit compile unit.
        var b: [UInt8] = [0xff, 0xff, 0xff, 0xff, 12, 0, 0, 0, 0, 0, 0, 0, 5, 0, 1, 8] + [UInt8](repeating: 0, count: 8)
        let h64 = try UnitHeader.parse(Bytes(b), at: 0)
        #expect(h64.is64 && h64.version == 5 && h64.unitType == DW_UT.compile && h64.dieOffset == 24)
        // Length past the end, bad version, bad address size, reserved length: typed errors.
        b[4] = 200
        #expect(throws: DWARFError.self) { try UnitHeader.parse(Bytes(b), at: 0) }
        #expect(throws: DWARFError.self) { try UnitHeader.parse(Bytes([7, 0, 0, 0, 9, 0, 0, 0, 0, 0, 8]), at: 0) }
        #expect(throws: DWARFError.self) { try UnitHeader.parse(Bytes([7, 0, 0, 0, 4, 0, 0, 0, 0, 0, 3]), at: 0) }
        #expect(throws: DWARFError.self) { try UnitHeader.parse(Bytes([0xf0, 0xff, 0xff, 0xff, 4, 0]), at: 0) }
        #expect(throws: (any Error).self) { try UnitHeader.parse(Bytes([7, 0]), at: 0) }
    }

    @Test func abbreviationsAndForms() throws {
        // code 1: compile_unit, children; name strp... ; code 2: implicit_const; then garbage.
        let abbrev = Bytes([1, 0x11, 1, 0x03, 0x08, 0x13, 0x21, 0x7f, 0, 0, 2, 0x2e, 0, 0x3f, 0x19, 0, 0, 0])
        let t = try AbbrevTable(abbrev, offset: 0, sizes: FormSizes(addrSize: 8, offsetSize: 4, version: 5))
        let a1 = try #require(t.abbrev(1))
        #expect(a1.tag == DW_TAG.compileUnit && a1.hasChildren && a1.specCount == 2 && a1.fixedSize == -1)
        #expect(t.specs[1].form == DW_FORM.implicitConst && t.specs[1].implicitConst == -1)
        #expect(try #require(t.abbrev(2)).fixedSize == 0)
        #expect(t.abbrev(3) == nil && t.abbrev(0) == nil && t.abbrev(.max) == nil)
        #expect(throws: (any Error).self) { try AbbrevTable(Bytes([1, 0x11, 1, 0x03]), offset: 0, sizes: FormSizes(addrSize: 8, offsetSize: 4, version: 5)) }
        // Reading forms: strx3 little-endian, unknown form, indirect chains bounded.
        let h = try UnitHeader.parse(Bytes([7, 0, 0, 0, 4, 0, 0, 0, 0, 0, 8]), at: 0)
        let r = AttributeReader(data: Bytes([1, 2, 3, 0x16, 0x16, 0x16, 0x16, 0x16, 0x16, 0x16, 0x16, 0x16, 0x16]), header: h)
        var off = 0
        #expect(try r.read(DW_FORM.strx3, &off) == .stringIndex(0x030201) && off == 3)
        off = 0
        #expect(throws: (any Error).self) { _ = try r.read(0x99, &off) }
        off = 3
        #expect(throws: (any Error).self) { _ = try r.read(DW_FORM.indirect, &off) }
    }

    @Test func lineProgramVersion2ByHand() throws {
        // A DWARF 2 program: set_address 0x1000, advance_line 9 (line 10), copy, special opcodes, end.
        var prog: [UInt8] = []
        prog += [0, 9, 2] + [0x00, 0x10, 0, 0, 0, 0, 0, 0]  // DW_LNE_set_address
        prog += [3, 9, 1]  // advance_line +9, copy -> row 0x1000 line 10
        prog += [0x4b]  // special: opcode_base 13, adj 62: addr += 62/14=4, line += -5+62%14=1 -> 0x1004 line 11
        prog += [2, 4, 0, 1, 1]  // advance_pc 4, end_sequence at 0x1008
        var header: [UInt8] = [1, 1, 0xfb, 14, 13] + [0, 1, 1, 1, 1, 0, 0, 0, 1, 0, 0, 1]  // min_inst, is_stmt, line_base, line_range, opcode_base, std lengths
        header += [0]  // no include dirs
        header += Array("a.c".utf8) + [0, 0, 0, 0] + [0]  // one file
        var unit: [UInt8] = [2, 0] + le32(header.count) + header + prog
        unit = le32(unit.count) + unit
        let t = try LineTable(line: Bytes(unit), offset: 0, addrSize: 8, compDir: "/src") { _ in "a.c" }
        #expect(t.rows.map { $0.address } == [0x1000, 0x1004, 0x1008])
        #expect(t.rows.map { $0.line } == [10, 11, 11])
        #expect(t.row(for: 0x1005)?.line == 11 && t.row(for: 0x1008) == nil && t.row(for: 0xfff) == nil)
        #expect(t.path(1) == "/src/a.c" && t.path(0) == "<unknown>" && t.path(7) == "<unknown>")
        // Truncations of the program throw or stop; they never trap.
        for n in 0..<unit.count { _ = try? LineTable(line: Bytes(Array(unit.prefix(n))), offset: 0, addrSize: 8, compDir: nil) { _ in nil } }
    }

    @Test func rangeAndLocationLists() throws {
        // rnglists: offset_pair(0x10,0x20), base_address 0x5000, offset_pair(1,2), start_length(0x9000, 4), end.
        var rl: [UInt8] = [4, 0x10, 0x20, 5] + le64(0x5000) + [4, 1, 2, 7] + le64(0x9000) + [4, 0]
        let r = try RangeLists.rnglist(Bytes(rl), at: 0, addrSize: 8, base: 0x1000) { _ in 0 }
        #expect(r == [AddressRange(0x1010, 0x1020), AddressRange(0x5001, 0x5002), AddressRange(0x9000, 0x9004)])
        rl[0] = 0x42
        #expect(throws: DWARFError.self) { _ = try RangeLists.rnglist(Bytes(rl), at: 0, addrSize: 8, base: 0) { _ in 0 } }
        // DWARF 4 ranges with a base-address selection entry.
        let dr = le64(.max) + le64(0x2000) + le64(0x10) + le64(0x18) + le64(0) + le64(0)
        #expect(try RangeLists.ranges(Bytes(dr), at: 0, addrSize: 8, base: 0) == [AddressRange(0x2010, 0x2018)])
        // loclists: offset_pair with a 1-byte expression, default location, end.
        let ll: [UInt8] = [4, 0, 8, 1, 0x50, 5, 1, 0x51, 0]
        let l = try RangeLists.loclist(Bytes(ll), at: 0, addrSize: 8, base: 0x100) { _ in 0 }
        #expect(l.count == 2 && l[0].range == AddressRange(0x100, 0x108) && l[0].expressionLength == 1 && l[1].range == nil)
    }

    @Test func arangesAndLocationListsOfARealBinary() throws {
        let bin = try compile(["-O2", "-gdwarf-4"])
        let (_, d) = try dwarf(bin)
        let sets = try RangeLists.aranges(d.sections.aranges)
        let u = try #require(d.units.first { $0.unitName?.hasSuffix("addr2line_main.c") == true })
        #expect(sets.contains { $0.unitOffset == u.header.offset && !$0.ranges.isEmpty })
        // Every DW_AT_location that is a location list parses.
        var lists = 0
        try u.forEachDIE { die, _ in
            if let v = die.value(DW_AT.location), case .secOffset = v { _ = try u.locations(v); lists += 1 }
            return true
        }
        #expect(lists > 0)
    }
}

struct DWARFRobustnessTests {
    /// A DIE whose abstract_origin points at itself, and two DIEs pointing at each other: lookups
    /// finish (bounded resolution) and sonde addr2line answers every address.
    @Test func referenceLoopsAreBounded() throws {
        let bin = try compile(["-O2", "-g"])
        let (elf, d) = try dwarf(bin)
        let u = try #require(d.units.first { $0.unitName?.hasSuffix("addr2line_main.c") == true })
        var sites: [(die: Int, attr: Int)] = []
        try u.forEachDIE { die, _ in
            if die.tag == DW_TAG.inlinedSubroutine, let first = die.attributes.first, first.name == DW_AT.abstractOrigin,
               first.form == DW_FORM.ref4 {
                let codeSize = try u.data.uleb(die.offset).size
                sites.append((die.offset, die.offset + codeSize))
            }
            return true
        }
        #expect(sites.count >= 2)
        let info = try #require(elf.section(named: ".debug_info"))
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: bin)))
        func patch(_ at: Int, _ target: Int) {
            let rel = UInt32(target - u.header.offset)
            for i in 0..<4 { bytes[Int(info.offset) + at + i] = UInt8(truncatingIfNeeded: rel >> (8 * UInt32(i))) }
        }
        patch(sites[0].attr, sites[0].die)
        patch(sites[1].attr, sites[2 % sites.count].die)
        if sites.count > 2 { patch(sites[2].attr, sites[1].die) }
        let looped = try tempDir("loop").appendingPathComponent("looped").path
        try Data(bytes).write(to: URL(fileURLWithPath: looped))
        let addrs = (0..<2000).map { "0x" + String(0x1000 + $0, radix: 16) }.joined(separator: "\n") + "\n"
        let r = try run(sondeBinary, ["addr2line", "-f", "-i", "-e", looped], stdin: addrs)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.split(separator: "\n").count >= 4000)
    }

    /// Deterministic byte corruption of .debug_info/.debug_line/.debug_abbrev/.debug_rnglists:
    /// every lookup returns (possibly nothing) without trapping.
    @Test func corruptedSectionsNeverTrap() throws {
        let bin = try compile(["-O2", "-g"])
        let elf = try ELFFile(path: bin)
        let base = Symbolizer.sections(of: elf, dwo: false)
        var seed: UInt64 = 42
        func next() -> UInt64 { seed = seed &* 6364136223846793005 &+ 1442695040888963407; return seed >> 33 }
        let text = try #require(elf.section(named: ".text"))
        for round in 0..<300 {
            var s = base
            let kp: WritableKeyPath<DWARFSections, Bytes> = [\.info, \.line, \.abbrev, \.rnglists, \.strOffsets, \.addr][round % 6]
            var arr = s[keyPath: kp].array
            guard !arr.isEmpty else { continue }
            for _ in 0..<(1 + Int(next() % 8)) { arr[Int(next() % UInt64(arr.count))] = UInt8(truncatingIfNeeded: next()) }
            if round % 5 == 0 { arr = Array(arr.prefix(Int(next() % UInt64(arr.count)))) }
            s[keyPath: kp] = Bytes(arr)
            let d = DWARFFile(s)
            for k in 0..<40 { _ = d.frames(at: text.addr + next() % max(1, text.size) + UInt64(k)) }
            for unit in d.units.prefix(3) { try? unit.forEachDIE { _, _ in true } }
        }
    }
}

private func le32(_ v: Int) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: v >> (8 * $0)) } }
private func le64(_ v: UInt64) -> [UInt8] { (0..<8).map { UInt8(truncatingIfNeeded: v >> (8 * UInt64($0))) } }

struct FixtureError: Error, CustomStringConvertible {
    let description: String
    init(_ d: String) { description = d }
}

/// Inputs found by Fuzz/dwarf-line that trapped (each once crashed the parser).
struct DWARFFuzzRegressionTests {
    static let lineCrashes = [
        "AwAAAAMAAAAAMA==",  // header length read past the unit's end
        "HAAAAAMAAgAAAAH5/v4HAWsJAgkD2NjY2NjY2NhPcHRpb9jY2NjY2NjY2NjY2NgAAAAAAAEBAA==",
    ]

    @Test(arguments: lineCrashes)
    func lineProgramCrash(_ base64: String) throws {
        let b = Bytes([UInt8](Data(base64Encoded: base64)!))
        if let t = try? LineTable(line: b, offset: 0, addrSize: 8, compDir: "/c", strings: { r in try? b.cString(r.offset) }) {
            for r in t.rows { _ = t.row(for: r.address); _ = t.path(r.file) }
        }
    }
}
