import Bytes
import ELF
import Foundation
import Testing
import TestSupport

// Library pieces (versions, relocations, relocatedData, archives, names) against binutils on real files.

private let libs = ["/lib/x86_64-linux-gnu/libc.so.6", "/bin/ls", "/usr/lib/x86_64-linux-gnu/libstdc++.so.6"]
    .filter { FileManager.default.fileExists(atPath: $0) }

struct ELFLibraryTests {
    @Test(arguments: libs)
    func dynamicSymbolVersionsMatchNM(_ path: String) throws {
        let f = try ELFFile(path: path)
        let v = try #require(try f.symbolVersions())
        let syms = try f.dynamicSymbols()
        // nm -D prints name@VER (needed or hidden) or name@@VER (default definition).
        let nm = Set(try run("nm", ["-D", path]).lines.compactMap { fields($0).last })
        var checked = 0
        for s in syms.dropFirst() {
            guard let ver = v.version(ofSymbol: s.index, undefined: s.shndx == SHN.undef), ver.name != s.name else { continue }
            let at = ver.hidden || !ver.isDefinition ? "@" : "@@"
            #expect(nm.contains(s.name + at + ver.name), "\(s.name)\(at)\(ver.name)")
            checked += 1
        }
        #expect(checked > 0)
    }

    @Test(arguments: libs)
    func relocationCountsMatchReadelf(_ path: String) throws {
        let f = try ELFFile(path: path)
        let text = try run("readelf", ["-r", "-W", path]).stdout
        for s in f.sections where s.type == SHT.rela || s.type == SHT.rel {
            let n = try f.relocations(in: s).count
            #expect(text.contains("Relocation section '\(s.name)' at offset 0x\(String(s.offset, radix: 16)) contains \(n) entr"))
        }
    }

    @Test func relocatedDebugInfoMatchesReadelfR() throws {
        let dir = try tempDir("reloc")
        let src = packageRoot.appendingPathComponent("Tests/Fixtures/elf_symbols.c").path
        for cc in ["gcc", "aarch64-linux-gnu-gcc", "arm-linux-gnueabihf-gcc"] where hasTool(cc) {
            let obj = dir.appendingPathComponent("\(cc).o").path
            #expect(try run(cc, ["-g", "-c", "-o", obj, src]).status == 0)
            let f = try ELFFile(path: obj)
            let s = try #require(f.section(named: ".debug_info"))
            let data = try f.relocatedData(s)
            // readelf -R prints the relocated bytes: rebuild them from its hex dump.
            var expected: [UInt8] = []
            for line in try run("readelf", ["-R", ".debug_info", obj]).lines where line.hasPrefix("  0x") {
                for word in fields(line).dropFirst().prefix(4) where word.count % 2 == 0 && word.allSatisfy(\.isHexDigit) {
                    var i = word.startIndex
                    while i < word.endIndex {
                        let j = word.index(i, offsetBy: 2)
                        expected.append(UInt8(word[i..<j], radix: 16)!)
                        i = j
                    }
                }
            }
            #expect(data.array == expected, "\(cc)")
            #expect(try f.rawData(s).array != expected, "\(cc): relocations changed nothing")
        }
    }

    @Test func archiveMembersMatchAr() throws {
        let path = "/usr/lib/x86_64-linux-gnu/libc_nonshared.a"
        guard FileManager.default.fileExists(atPath: path) else { return }
        let ar = try Archive(try MappedFile.open(path))
        let names = try run("ar", ["t", path]).lines
        #expect(ar.members.map(\.name) == names)
        for m in ar.members { _ = try ELFFile(bytes: m.data) }
    }

    @Test func malformedArchivesThrow() throws {
        #expect(throws: ELFError.self) { try Archive(Bytes(Array("!<arch>\nshort".utf8))) }
        var bad = Array("!<arch>\n".utf8) + Array("a.o/            0           0     0     644     99999999  `\n".utf8)
        #expect(throws: ELFError.self) { try Archive(Bytes(bad)) }
        bad = Array("!<arch>\n".utf8) + Array("/123            0           0     0     644     2         `\nab".utf8)
        #expect(throws: ELFError.self) { try Archive(Bytes(bad)) }
    }

    @Test func relrDecoding() throws {
        // One address entry then a bitmap entry covering words 1 and 3 after it.
        var words: [UInt64] = [0x1000, (0b101 << 1) | 1]
        let bytes = words.withUnsafeMutableBytes { Array($0) }
        let f = try ELFFile(path: "/bin/ls")
        #expect(try f.relrAddresses(Bytes(bytes)) == [0x1000, 0x1008, 0x1018])
        words = []
    }

    @Test func namesForCommonConstants() {
        #expect(ELFNames.machine(EM.aarch64) == "AArch64")
        #expect(ELFNames.sectionFlagLetters(0x2 | 0x4, machine: EM.x86_64, osabi: 0) == "AX")
        #expect(ELFNames.relocationType(258, machine: EM.aarch64) == "R_AARCH64_ABS32")
        #expect(ELFNames.relocationType(2, machine: EM.arm) == "R_ARM_ABS32")
        #expect(ELFNames.relocationType(39, machine: EM.riscv) == "R_RISCV_SUB32")
        #expect(ELFNames.dynamicTag(0x6fff_fffb, machine: EM.x86_64) == "FLAGS_1")
    }
}
