import Bytes
import ELF
import Foundation
import Testing
import TestSupport
@testable import Unwind

/// One FDE (or CIE) as readelf --debug-dump=frames-interp prints it, normalised:
/// rows as (location relative to pc_begin, CFA text, register -> rule text without "u").
struct InterpEntry: Equatable, CustomStringConvertible {
    var offset: Int
    var kind: String
    var pcBegin: UInt64 = 0
    var pcEnd: UInt64 = 0
    var header: String = ""
    var rows: [InterpRow] = []
    var description: String { "\(kind)@\(String(offset, radix: 16)) \(header) \(String(pcBegin, radix: 16))..\(String(pcEnd, radix: 16)) \(rows)" }
}

struct InterpRow: Equatable, CustomStringConvertible {
    var loc: UInt64
    var cfa: String
    var regs: [String: String]
    var description: String { "\(String(loc, radix: 16)):\(cfa) \(regs.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ","))" }
}

/// Collapses rows the way both sides can agree on: the last row at each location, then no repeats of the same rules.
func normalise(_ rows: [InterpRow]) -> [InterpRow] {
    var byLoc: [InterpRow] = []
    for r in rows {
        if let l = byLoc.last, l.loc == r.loc { byLoc[byLoc.count - 1] = r } else { byLoc.append(r) }
    }
    var out: [InterpRow] = []
    for r in byLoc {
        if let l = out.last, l.cfa == r.cfa, l.regs == r.regs { continue }
        out.append(r)
    }
    return out
}

/// Parses readelf frames-interp output into sections -> entries.
func parseReadelfInterp(_ text: String) -> [String: [InterpEntry]] {
    var result: [String: [InterpEntry]] = [:]
    var section = ""
    var current: InterpEntry? = nil
    var columns: [String] = []
    func flush() {
        if var c = current {
            c.rows = normalise(c.rows)
            result[section, default: []].append(c)
        }
        current = nil
    }
    for line in text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
        if line.hasPrefix("Contents of the ") {
            flush()
            section = String(line.dropFirst("Contents of the ".count).split(separator: " ").first ?? "")
            continue
        }
        if line.contains("ZERO terminator") { flush(); continue }
        // A register rule prints as "r9 (r9)": keep the number, drop the name in parentheses.
        let f = fields(line).filter { !($0.hasPrefix("(") && $0.hasSuffix(")")) }
        if f.count >= 4, f[0].count == 8, let off = Int(f[0], radix: 16), f[3] == "FDE" || f[2] == "CIE" || f[3] == "CIE" {
            flush()
            if f[3] == "FDE" {
                var e = InterpEntry(offset: off, kind: "FDE")
                if let pc = f.first(where: { $0.hasPrefix("pc=") }) {
                    let parts = pc.dropFirst(3).components(separatedBy: "..")
                    e.pcBegin = UInt64(parts[0], radix: 16) ?? 0
                    e.pcEnd = UInt64(parts.count > 1 ? parts[1] : "0", radix: 16) ?? 0
                }
                current = e
            } else {
                var e = InterpEntry(offset: off, kind: "CIE")
                e.header = f.drop(while: { $0 != "CIE" }).dropFirst().joined(separator: " ")
                current = e
            }
            columns = []
            continue
        }
        if f.first == "LOC" { columns = Array(f.dropFirst(2)); continue }
        if var c = current, f.count >= 2, f[0].count >= 8, let loc = UInt64(f[0], radix: 16) {
            var regs: [String: String] = [:]
            for (i, v) in f.dropFirst(2).enumerated() where i < columns.count && v != "u" { regs[columns[i]] = v }
            c.rows.append(InterpRow(loc: loc &- c.pcBegin, cfa: f[1], regs: regs))
            current = c
        }
    }
    flush()
    return result
}

func ruleText(_ r: RegisterRule, _ arch: Architecture) -> String? {
    switch r {
    case .undefined: return nil
    case .sameValue: return "s"
    case let .offset(n): return "c" + (n >= 0 ? "+" : "") + String(n)
    case let .valOffset(n): return "v" + (n >= 0 ? "+" : "") + String(n)
    case let .register(o): return "r\(o)"
    case .expression: return "exp"
    case .valExpression: return "vexp"
    }
}

func interpRow(_ row: UnwindRow, arch: Architecture, ra: UInt16, base: UInt64) -> InterpRow {
    let cfa: String
    switch row.cfa {
    case let .registerOffset(r, o): cfa = arch.registerName(r) + (o >= 0 ? "+" : "") + String(o)
    case .expression: cfa = "exp"
    }
    var regs: [String: String] = [:]
    for (r, rule) in row.registers.entries {
        if let t = ruleText(rule, arch) { regs[r == ra ? "ra" : arch.registerName(r)] = t }
    }
    return InterpRow(loc: row.location &- base, cfa: cfa, regs: regs)
}

/// sonde's view of every entry of a frame section, in the same normal form.
func sondeInterp(_ fs: FrameSection, arch: Architecture) throws -> [InterpEntry] {
    let (entries, error) = fs.entries()
    if let error { throw error }
    var out: [InterpEntry] = []
    for e in entries {
        switch e {
        case let .cie(c):
            var ie = InterpEntry(offset: c.offset, kind: "CIE")
            ie.header = "\"\(c.augmentation)\" cf=\(c.codeAlignment) df=\(c.dataAlignment) ra=\(c.returnAddressRegister)"
            ie.rows = normalise([interpRow(try fs.initialRow(c), arch: arch, ra: c.returnAddressRegister, base: 0)])
            out.append(ie)
        case let .fde(f):
            var ie = InterpEntry(offset: f.offset, kind: "FDE", pcBegin: f.pcBegin, pcEnd: f.pcEnd)
            let ra = try fs.cie(at: f.cieOffset).returnAddressRegister
            ie.rows = normalise(try fs.rows(f).map { interpRow($0, arch: arch, ra: ra, base: f.pcBegin) })
            out.append(ie)
        case .terminator: break
        }
    }
    return out
}

/// Compares every entry of .eh_frame and .debug_frame of `path` with readelf; returns the number of FDEs compared.
@discardableResult
func compareWithReadelf(_ path: String) throws -> Int {
    let r = try run("readelf", ["--debug-dump=frames-interp", path])
    // readelf exits 1 on libc.so.6 for warnings about other sections; its frames output is complete.
    #expect(!r.stdout.isEmpty)
    let oracle = parseReadelfInterp(r.stdout)
    let elf = try ELFFile(path: path)
    let arch = try #require(Architecture(machine: elf.machine))
    let cfi = CallFrameInfo(elf: elf)
    var compared = 0
    for (name, fs) in [(".eh_frame", cfi.ehFrame), (".debug_frame", cfi.debugFrame)] {
        guard let expected = oracle[name] else {
            #expect(fs == nil, "\(path): readelf shows no \(name)")
            continue
        }
        let fsec = try #require(fs, "\(path): \(name) not found")
        let mine = try sondeInterp(fsec, arch: arch)
        #expect(mine.count == expected.count, "\(path) \(name): \(mine.count) entries, readelf \(expected.count)")
        var mismatches = 0
        for (m, e) in zip(mine, expected) {
            // readelf prints no rows for an FDE of nothing but DW_CFA_nop.
            var mm = m
            if e.rows.isEmpty { mm.rows = [] }
            if elf.header.type == ET.rel {
                // readelf relocates pc_begin in objects; sonde reads the unrelocated field. Compare lengths.
                mm.pcEnd = e.pcBegin &+ (mm.pcEnd &- mm.pcBegin)
                mm.pcBegin = e.pcBegin
            }
            if e.kind == "CIE" { mm.header = e.header.hasPrefix(mm.header) ? e.header : mm.header }
            if mm != e {
                mismatches += 1
                if mismatches <= 5 { Issue.record("\(path) \(name):\n sonde   \(mm)\n readelf \(e)") }
            }
            if e.kind == "FDE" { compared += 1 }
        }
        #expect(mismatches == 0, "\(path) \(name): \(mismatches) entries differ")
    }
    return compared
}

@Suite struct CFIOracleTests {
    @Test(.enabled(if: hasTool("readelf"))) func binLs() throws {
        #expect(try compareWithReadelf("/bin/ls") > 50)
    }

    @Test(.enabled(if: hasTool("readelf") && FileManager.default.fileExists(atPath: "/lib/x86_64-linux-gnu/libc.so.6")))
    func libc() throws {
        #expect(try compareWithReadelf("/lib/x86_64-linux-gnu/libc.so.6") > 1000)
    }

    @Test(.enabled(if: hasTool("readelf"))) func fixtureWithAndWithoutFramePointers() throws {
        for flags in [["-O2", "-fomit-frame-pointer", "-g"], ["-O0", "-fno-omit-frame-pointer", "-g"]] {
            let exe = try compileFixture("unwind_chain", flags: flags)
            #expect(try compareWithReadelf(exe) >= 20)
        }
    }

    /// .debug_frame only (no unwind tables), for each DWARF version gcc can emit (gcc 12 writes CIE version 1 for all; 3 and 4 are covered by CFIUnitTests).
    @Test(.enabled(if: hasTool("readelf"))) func debugFrameVersions() throws {
        for v in ["-gdwarf-2", "-gdwarf-4", "-gdwarf-5"] {
            let exe = try compileFixture("unwind_chain", flags: ["-O2", v, "-fno-asynchronous-unwind-tables", "-fno-unwind-tables"])
            let elf = try ELFFile(path: exe)
            #expect(elf.section(named: ".debug_frame") != nil)
            #expect(try compareWithReadelf(exe) >= 20)
        }
        // clang writes CIE version 3 (DWARF 3) and 4 (DWARF 4, 5: address and segment size fields).
        if hasTool("clang") {
            let dir = try tempDir("dframe")
            defer { try? FileManager.default.removeItem(at: dir) }
            let src = packageRoot.appendingPathComponent("Tests/Fixtures/unwind_chain.c").path
            for v in ["-gdwarf-3", "-gdwarf-4", "-gdwarf-5"] {
                let out = dir.appendingPathComponent("o\(v).o").path
                let r = try run("clang", ["-O2", v, "-Wno-unknown-attributes", "-fno-asynchronous-unwind-tables", "-fno-unwind-tables", "-c", "-o", out, src])
                try #require(r.status == 0, "\(r.stderr)")
                let cfi = CallFrameInfo(elf: try ELFFile(path: out))
                let version = try #require(cfi.debugFrame).entries().entries.compactMap { e -> UInt8? in
                    if case let .cie(c) = e { return c.version } else { return nil }
                }.first
                #expect(version == (v == "-gdwarf-3" ? 3 : 4))
                #expect(try compareWithReadelf(out) >= 20)
            }
        }
    }

    @Test(.enabled(if: hasTool("readelf") && hasTool("aarch64-linux-gnu-gcc")))
    func aarch64() throws {
        let src = packageRoot.appendingPathComponent("Tests/Fixtures/unwind_chain.c").path
        let dir = try tempDir("a64")
        defer { try? FileManager.default.removeItem(at: dir) }
        var variants: [(String, [String])] = [
            ("plain", ["-O2", "-g"]),
            ("pac", ["-O2", "-g", "-mbranch-protection=pac-ret+leaf"]),
            ("dframe", ["-O2", "-g", "-fno-asynchronous-unwind-tables", "-fno-unwind-tables"]),
        ]
        variants.append(("obj", ["-O2", "-g", "-c"]))
        for (name, flags) in variants {
            let out = dir.appendingPathComponent(name).path
            let r = try run("aarch64-linux-gnu-gcc", flags + ["-o", out, src] + (flags.contains("-c") ? [] : ["-lpthread"]))
            try #require(r.status == 0, "\(r.stderr)")
            if name == "obj" {
                // Relocatable: pc_begin fields are unrelocated, so compare rows only relative to pc_begin (done by normalise).
                _ = try compareWithReadelf(out)
            } else {
                #expect(try compareWithReadelf(out) >= 20)
            }
        }
    }
}

/// `sonde readelf --debug-dump=frames-interp` read back with the same parser as readelf's output:
/// the same entries and, after the shared normalisation, the same rules. (Not byte-identical on purpose:
/// sonde omits the row readelf prints at an FDE's end address and columns of never-saved registers.)
@Suite struct ReadelfFramesTests {
    @Test(arguments: ["/bin/ls", "/lib/x86_64-linux-gnu/libc.so.6"])
    func framesInterpReadsBackLikeReadelf(_ path: String) throws {
        let ours = try sonde(["readelf", "--debug-dump=frames-interp", path])
        #expect(ours.status == 0, "\(ours.stderr)")
        let theirs = try run("readelf", ["--debug-dump=frames-interp", path])
        let a = parseReadelfInterp(ours.stdout), b = parseReadelfInterp(theirs.stdout)
        #expect(Set(a.keys) == Set(b.keys))
        for (name, entries) in b {
            let mine = a[name] ?? []
            #expect(mine.count == entries.count, "\(name)")
            var differ = 0
            for (m, e) in zip(mine, entries) {
                var mm = m
                if e.rows.isEmpty { mm.rows = [] }
                // readelf closes an FDE with a row at its end address; drop rows outside [pc_begin, pc_end).
                var ee = e
                if e.kind == "FDE" { ee.rows = e.rows.filter { $0.loc < e.pcEnd &- e.pcBegin } }
                if mm.offset != ee.offset || mm.kind != ee.kind || mm.pcBegin != ee.pcBegin || mm.rows != ee.rows { differ += 1 }
            }
            #expect(differ == 0, "\(path) \(name): \(differ) of \(entries.count) entries differ")
        }
    }
}
