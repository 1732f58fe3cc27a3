import Bytes
import ELF
import Foundation
import Testing
import TestSupport
@testable import Binutils

// sonde readelf against binutils readelf 2.40 on the same files: byte-for-byte equal output.

private let modes: [[String]] = [
    ["-h"], ["-S"], ["-S", "-W"], ["-t"], ["-l"], ["-l", "-W"], ["-e"], ["-s"], ["-s", "-W"], ["--dyn-syms"], ["-d"],
    ["-r"], ["-r", "-W"], ["-V"], ["-n"], ["-n", "-W"], ["-g"], ["-I"], ["-A"], ["-hSl"], ["-x", ".text"], ["-p", ".comment"],
    ["-x", "1"], ["-W", "-x", ".interp"], ["--hex-dump=.data"], ["--string-dump=.strtab"],
]

struct ReadelfTests {
    static let files = Inputs.all

    @Test(arguments: files)
    func everyModeMatchesBinutils(_ path: String) throws {
        for m in modes {
            let (a, b) = try both("readelf", m + [path])
            #expect(b.stdout == a.stdout, "readelf \(m.joined(separator: " ")) \(path)")
            #expect(b.status == a.status, "status of readelf \(m.joined(separator: " ")) \(path)")
        }
    }

    @Test(arguments: files)
    func allMatchesBinutils(_ path: String) throws {
        // Deliberate difference: ARM EHABI unwind tables (-u, part of -a) are not decoded; compare the rest.
        let isARM = (try? ELFFile(path: path))?.header.machine == EM.arm
        let args = isARM ? ["-h", "-l", "-S", "-s", "-r", "-d", "-V", "-A", "-I", "-g", "-n"] : ["-a"]
        for wide in [false, true] {
            let (a, b) = try both("readelf", args + (wide ? ["-W"] : []) + [path])
            #expect(b.stdout == a.stdout, "readelf \(args) wide=\(wide) \(path)")
        }
    }

    @Test func relocatedDumpMatchesBinutils() throws {
        for path in [Inputs.object, Inputs.armObject, Inputs.aarch64Object].compactMap({ $0 }) {
            let (a, b) = try both("readelf", ["-R", ".debug_info", path])
            #expect(b.stdout == a.stdout, "\(path)")
            #expect(b.stdout.contains("Hex dump of section '.debug_info'"))
        }
    }

    @Test func decompressedDumpMatchesBinutils() throws {
        let path = try #require(Inputs.compressed)
        for args in [["-z", "-x", ".debug_abbrev"], ["-x", ".debug_abbrev"], ["-t", "-W"]] {
            let (a, b) = try both("readelf", args + [path])
            #expect(b.stdout == a.stdout, "\(args)")
        }
    }

    @Test func multipleFilesGetFileHeadings() throws {
        let files = Array(Inputs.system.prefix(2)) + [Inputs.object].compactMap { $0 }
        let (a, b) = try both("readelf", ["-h", "-d"] + files)
        #expect(b.stdout == a.stdout)
    }

    @Test func archiveMembersAreListed() throws {
        let ar = try #require(Inputs.archive)
        let (a, b) = try both("readelf", ["-h", "-s", ar])
        #expect(b.stdout == a.stdout)
    }

    @Test func missingDumpSectionWarns() throws {
        let path = try #require(Inputs.pie)
        let r = try sonde(["readelf", "-x", ".nonexistent", path])
        #expect(r.status == 0)
        #expect(r.stderr == "sonde readelf: Warning: Section '.nonexistent' was not dumped because it does not exist\n")
    }

    @Test func badInputIsOneLineAndStatusOne() throws {
        let dir = try tempDir("readelf-bad")
        let bytes = try MappedFile.open("/bin/ls").array
        let trunc = dir.appendingPathComponent("trunc").path
        try Data(bytes.prefix(100)).write(to: URL(fileURLWithPath: trunc))
        let magic = dir.appendingPathComponent("notelf").path
        try Data("hello, not an ELF file\n".utf8).write(to: URL(fileURLWithPath: magic))
        var absurd = Array(bytes.prefix(4096))
        absurd[0x3c] = 0xff; absurd[0x3d] = 0xfe  // e_shnum = 65279
        let abs = dir.appendingPathComponent("absurd").path
        try Data(absurd).write(to: URL(fileURLWithPath: abs))
        let fifo = dir.appendingPathComponent("fifo").path
        mkfifo(fifo, 0o600)
        for p in [trunc, magic, abs, fifo, dir.path, "/nonexistent/file"] {
            let r = try sonde(["readelf", "-a", p])
            #expect(r.status == 1, "\(p)")
            let lines = r.stderr.split(separator: "\n")
            #expect(lines.count == 1 && lines[0].hasPrefix("sonde readelf: \(p): ") || lines[0].hasPrefix("sonde readelf: \(p)"), "\(r.stderr)")
        }
    }

    @Test func usageErrorsExitTwo() throws {
        #expect(try sonde(["readelf"]).status == 2)
        #expect(try sonde(["readelf", "-Q", "/bin/ls"]).status == 2)
        let h = try sonde(["readelf", "--help"])
        #expect(h.status == 0 && h.stdout.hasPrefix("Usage: readelf"))
    }

    @Test func jsonIsOneDocumentWithTheSameFacts() throws {
        let path = try #require(Inputs.pie)
        let r = try sonde(["readelf", "--json", "-h", "-S", "-l", "-s", "-d", "-n", path])
        #expect(r.status == 0)
        #expect(r.stdout.hasPrefix("{") && r.stdout.hasSuffix("}\n"))
        let sections = try run("readelf", ["-S", "-W", path]).lines.filter { $0.hasPrefix("  [") && !$0.contains("[Nr]") }.count
        #expect(r.stdout.components(separatedBy: "\"entsize\"").count - 1 == sections)
        let id = try #require(ELFFile(path: path).buildID())
        #expect(r.stdout.contains("\"build_id\": \"\(id)\""))
    }

    @Test func debugDumpOptionsParse() throws {
        let o = try ReadelfOptions.parse(["-wi", "--debug-dump=line,frames", "-wf", "x"])
        #expect(o.debugDump == ["info", "rawline", "frames", "frames"])
        #expect(o.files == ["x"])
        let c = try ReadelfOptions.parse(["-hSl", "-x.text", "-p", "3", "f"])
        #expect(c.header && c.sections && c.segments && c.dumps.count == 2 && c.dumps[1].section == "3")
    }

    @Test func craftedFilesMatchBinutils() throws {
        let dir = try tempDir("readelf-crafted")
        for (name, bytes) in [("be32", CraftedELF.make(is64: false, bigEndian: true, sections: 4, extended: false)),
                              ("be64", CraftedELF.make(is64: true, bigEndian: true, sections: 4, extended: false)),
                              ("xnum", CraftedELF.make(is64: true, bigEndian: false, sections: 5, extended: true))] {
            let path = dir.appendingPathComponent(name).path
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            for m in [["-h"], ["-S"], ["-S", "-W"], ["-x", ".text"], ["-p", ".text"]] {
                let (a, b) = try both("readelf", m + [path])
                #expect(b.stdout == a.stdout, "\(name) \(m)")
            }
        }
    }
}

/// Minimal ELF files built byte by byte: a null section, .text, .shstrtab and fillers.
/// `extended` stores the section count and string-table index in section 0 (e_shnum = 0, e_shstrndx = SHN_XINDEX).
enum CraftedELF {
    static func make(is64: Bool, bigEndian: Bool, sections n: Int, extended: Bool) -> [UInt8] {
        var out: [UInt8] = []
        func put(_ v: UInt64, _ size: Int) {
            for i in 0..<size {
                let shift = bigEndian ? (size - 1 - i) * 8 : i * 8
                out.append(UInt8(truncatingIfNeeded: v >> UInt64(shift)))
            }
        }
        let ehsize = is64 ? 64 : 52, shsize = is64 ? 64 : 40, w = is64 ? 8 : 4
        let names = Array("\0.text\0.shstrtab\0.filler\0".utf8)
        let text = Array("Hello, big-endian world!\0two\0".utf8)
        let textOff = ehsize, namesOff = textOff + text.count, shoff = (namesOff + names.count + 7) & ~7
        out += [0x7f, 0x45, 0x4c, 0x46, is64 ? 2 : 1, bigEndian ? 2 : 1, 1, 0] + [UInt8](repeating: 0, count: 8)
        put(1, 2); put(bigEndian ? 0 : 62, 2); put(1, 4)  // ET_REL, EM_NONE or EM_X86_64
        put(0, w); put(0, w); put(UInt64(shoff), w)
        put(0, 4); put(UInt64(ehsize), 2); put(0, 2); put(0, 2); put(UInt64(shsize), 2)
        put(extended ? 0 : UInt64(n), 2); put(extended ? 0xffff : 2, 2)
        out += text + names
        while out.count < shoff { out.append(0) }
        func shdr(_ name: Int, _ type: UInt32, _ flags: UInt64, _ off: Int, _ size: UInt64, _ link: UInt32) {
            put(UInt64(name), 4); put(UInt64(type), 4); put(flags, w); put(0, w); put(UInt64(off), w); put(size, w)
            put(UInt64(link), 4); put(0, 4); put(1, w); put(0, w)
        }
        shdr(0, 0, 0, 0, extended ? UInt64(n) : 0, extended ? 2 : 0)
        shdr(1, 1, 6, textOff, UInt64(text.count), 0)
        shdr(7, 3, 0, namesOff, UInt64(names.count), 0)
        for _ in 3..<n { shdr(17, 1, 0, textOff, 4, 0) }
        return out
    }
}
