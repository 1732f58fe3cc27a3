import Bytes
import ELF
import Foundation
import Testing
import TestSupport

// The ELF core against binutils readelf on real system files.

private let systemFiles = ["/bin/ls", "/usr/bin/bash", "/lib/x86_64-linux-gnu/libc.so.6"].filter { FileManager.default.fileExists(atPath: $0) }

struct ELFCoreTests {
    @Test(arguments: systemFiles)
    func sectionsMatchReadelf(_ path: String) throws {
        let f = try ELFFile(path: path)
        let r = try run("readelf", ["-S", "-W", path])
        // "  [ 1] .interp  PROGBITS  0000000000000318 000318 00001c 00   A  0   0  1"
        let rows = r.lines.compactMap { line -> (Int, String, UInt64, UInt64)? in
            guard let open = line.firstIndex(of: "["), let close = line.firstIndex(of: "]"),
                  let idx = Int(line[line.index(after: open)..<close].trimmingCharacters(in: .whitespaces)) else { return nil }
            let f = fields(String(line[line.index(after: close)...]))
            guard f.count >= 5 else { return idx == 0 ? (0, "", 0, 0) : nil }
            return (idx, f[0], UInt64(f[3], radix: 16) ?? 0, UInt64(f[4], radix: 16) ?? 0)
        }
        #expect(rows.count == f.sections.count)
        for (i, name, off, size) in rows where i > 0 {
            let s = f.sections[i]
            #expect(s.name == name && s.offset == off && s.size == size, "section \(i)")
        }
    }

    @Test(arguments: systemFiles)
    func buildIDAndNeededMatchReadelf(_ path: String) throws {
        let f = try ELFFile(path: path)
        let notes = try run("readelf", ["-n", path]).stdout
        if let id = f.buildID() { #expect(notes.contains("Build ID: \(id)")) } else { #expect(!notes.contains("Build ID")) }
        let dyn = try run("readelf", ["-d", "-W", path]).lines.filter { $0.contains("(NEEDED)") }
            .compactMap { $0.components(separatedBy: "[").last?.dropLast() }.map(String.init)
        #expect(try f.dynamic()?.needed ?? [] == dyn)
    }

    @Test func badInputIsATypedError() throws {
        #expect(throws: ELFError.notELF) { try ELFFile(bytes: Bytes(Array("hello world, not elf".utf8))) }
        // A valid header whose section table points far past the end.
        var h = try MappedFile.open("/bin/ls").array(0, 64)
        h[0x28..<0x30] = [0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0][...]
        #expect(throws: ELFError.self) { try ELFFile(bytes: Bytes(h)) }
        #expect(throws: FileError.self) { try MappedFile.open("/tmp") }
        #expect(throws: FileError.self) { try MappedFile.open("/nonexistent/x") }
    }
}
