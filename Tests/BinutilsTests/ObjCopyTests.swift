import Binutils
import Bytes
import ELF
import Foundation
import Testing
import TestSupport

/// `sonde objcopy` against binutils objcopy (the arm cross objcopy for arm inputs) on the same inputs:
/// -O binary byte for byte, the other operations by readelf's view of sections and symbols; every
/// output must pass `readelf -a` without a word on stderr, and executables must still run.
@Suite(.serialized)
struct ObjCopyTests {
    static let source = packageRoot.appendingPathComponent("Tests/Fixtures/objcopy_prog.c").path

    struct Input { var path: String; var objcopy: String; var runs: Bool }

    /// x86_64 and arm32 executables and objects built with -g.
    static func inputs() throws -> [Input] {
        let dir = try tempDir("objcopy").path
        var out: [Input] = []
        func build(_ cc: String, _ oc: String, _ tag: String) throws {
            guard hasTool(cc), hasTool(oc) else { return }
            for (name, flags, runs) in [("\(tag)-exe", ["-g", "-O1"], tag == "x86"), ("\(tag)-pie", ["-g", "-O0", "-pie", "-fPIE"], tag == "x86"),
                                        ("\(tag).o", ["-g", "-c"], false)] {
                let r = try run(cc, flags + ["-o", dir + "/" + name, source])
                guard r.status == 0 else { continue }
                out.append(Input(path: dir + "/" + name, objcopy: oc, runs: runs))
            }
        }
        try build("gcc", "objcopy", "x86")
        try build("arm-linux-gnueabihf-gcc", "arm-linux-gnueabihf-objcopy", "arm")
        return out
    }

    static func readelf(_ args: [String]) throws -> CommandResult { try run("readelf", args) }

    /// Section rows as "name type flags" (addresses and offsets may differ: sonde keeps the layout).
    static func sections(_ path: String) throws -> [String] {
        try readelf(["-S", "-W", path]).lines.compactMap { line -> String? in
            guard let open = line.firstIndex(of: "]"), line.contains("[") else { return nil }
            let f = fields(String(line[line.index(after: open)...]))
            guard f.count >= 2, f[0] != "Name" else { return nil }
            return f[0] + " " + f[1]
        }
    }

    static func symbols(_ path: String) throws -> String {
        try readelf(["-s", "-W", path]).stdout
    }

    static func expectClean(_ path: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let r = try readelf(["-a", "-W", path])
        #expect(r.stderr.isEmpty, "readelf -a \(path): \(r.stderr)", sourceLocation: sourceLocation)
    }

    @Test(.enabled(if: hasTool("objcopy") && hasTool("readelf"))) func outputBinaryIsByteIdentical() throws {
        var inputs = try Self.inputs()
        inputs.append(Input(path: "/bin/ls", objcopy: "objcopy", runs: false))
        for i in inputs {
            let dir = try tempDir("objcopy-bin").path
            let r1 = try run(i.objcopy, ["-O", "binary", i.path, dir + "/a"])
            let r2 = try sonde(["objcopy", "-O", "binary", i.path, dir + "/b"])
            #expect(r1.status == 0 && r2.status == 0, "\(r2.stderr)")
            let a = try Data(contentsOf: URL(fileURLWithPath: dir + "/a")), b = try Data(contentsOf: URL(fileURLWithPath: dir + "/b"))
            #expect(a == b, "-O binary \(i.path): \(a.count) vs \(b.count) bytes")
        }
    }

    @Test(.enabled(if: hasTool("objcopy") && hasTool("readelf"))) func stripDebug() throws {
        for i in try Self.inputs() {
            let dir = try tempDir("objcopy-sd").path
            #expect(try run(i.objcopy, ["--strip-debug", i.path, dir + "/a"]).status == 0)
            let r = try sonde(["objcopy", "--strip-debug", i.path, dir + "/b"])
            #expect(r.status == 0, "\(r.stderr)")
            #expect(try Self.sections(dir + "/b") == Self.sections(dir + "/a"), "\(i.path)")
            #expect(try Self.symbols(dir + "/b") == Self.symbols(dir + "/a"), "\(i.path)")
            #expect(!(try Self.sections(dir + "/b")).contains { $0.hasPrefix(".debug") })
            try Self.expectClean(dir + "/b")
            if i.runs {
                let a = try run(dir + "/a", []), b = try run(dir + "/b", [])
                #expect(b.status == a.status && b.stdout == a.stdout && !b.stdout.isEmpty)
            }
            // Mode kept, and in-place replacement (one file argument) works.
            var st = stat()
            stat(i.path, &st)
            let mode = st.st_mode & 0o777
            stat(dir + "/b", &st)
            #expect(st.st_mode & 0o777 == mode)
            try FileManager.default.copyItem(atPath: i.path, toPath: dir + "/c")
            #expect(try sonde(["objcopy", "-g", dir + "/c"]).status == 0)
            #expect(try Data(contentsOf: URL(fileURLWithPath: dir + "/c")) == Data(contentsOf: URL(fileURLWithPath: dir + "/b")))
        }
    }

    @Test(.enabled(if: hasTool("objcopy") && hasTool("readelf") && hasTool("gdb"))) func onlyKeepDebugIsAcceptedByGDB() throws {
        for i in try Self.inputs() {
            let dir = try tempDir("objcopy-okd").path
            #expect(try run(i.objcopy, ["--only-keep-debug", i.path, dir + "/a"]).status == 0)
            let r = try sonde(["objcopy", "--only-keep-debug", i.path, dir + "/b"])
            #expect(r.status == 0, "\(r.stderr)")
            #expect(try Self.sections(dir + "/b") == Self.sections(dir + "/a"), "\(i.path)")
            // binutils' own output makes readelf complain about the interpreter name; sonde's must not.
            try Self.expectClean(dir + "/b")
            let size = (try FileManager.default.attributesOfItem(atPath: dir + "/b")[.size] as? Int) ?? 0
            let orig = (try FileManager.default.attributesOfItem(atPath: i.path)[.size] as? Int) ?? 0
            #expect(size < orig)
            if i.path.hasSuffix("-exe") || i.path.hasSuffix("-pie") {
                let g = try run("gdb", ["-nx", "-batch", "-ex", "symbol-file " + dir + "/b", "-ex", "info line main", "-ex", "list main"])
                let ref = try run("gdb", ["-nx", "-batch", "-ex", "symbol-file " + i.path, "-ex", "info line main", "-ex", "list main"])
                #expect(g.stdout == ref.stdout && g.stdout.contains("objcopy_prog.c"), "\(g.stdout) \(g.stderr)")
            }
        }
    }

    @Test(.enabled(if: hasTool("objcopy") && hasTool("readelf"))) func addGnuDebuglinkMatchesBinutils() throws {
        for i in try Self.inputs() {
            let dir = try tempDir("objcopy-link").path
            try FileManager.default.copyItem(atPath: i.path, toPath: dir + "/prog.debug")
            #expect(try run(i.objcopy, ["--add-gnu-debuglink=" + dir + "/prog.debug", i.path, dir + "/a"]).status == 0)
            let r = try sonde(["objcopy", "--add-gnu-debuglink=" + dir + "/prog.debug", i.path, dir + "/b"])
            #expect(r.status == 0, "\(r.stderr)")
            let xa = try Self.readelf(["-x", ".gnu_debuglink", dir + "/a"]).stdout.replacingOccurrences(of: dir + "/a", with: "F")
            let xb = try Self.readelf(["-x", ".gnu_debuglink", dir + "/b"]).stdout.replacingOccurrences(of: dir + "/b", with: "F")
            #expect(xa == xb && xa.contains("prog.debug"))
            #expect(try Self.sections(dir + "/b") == Self.sections(dir + "/a"))
            try Self.expectClean(dir + "/b")
            if i.runs { #expect(try run(dir + "/b", []).status == 0) }
            // A second link is refused, as binutils does.
            #expect(try sonde(["objcopy", "--add-gnu-debuglink=" + dir + "/prog.debug", dir + "/b", dir + "/c"]).status == 1)
        }
    }

    @Test(.enabled(if: hasTool("objcopy") && hasTool("readelf"))) func removeAndOnlySection() throws {
        for i in try Self.inputs() {
            let dir = try tempDir("objcopy-r").path
            for args in [["-R", ".comment"], ["--remove-section=.comment", "-R", ".debug_*"]] {
                #expect(try run(i.objcopy, args + [i.path, dir + "/a"]).status == 0)
                let r = try sonde(["objcopy"] + args + [i.path, dir + "/b"])
                #expect(r.status == 0, "\(r.stderr)")
                #expect(try Self.sections(dir + "/b") == Self.sections(dir + "/a"), "\(args) \(i.path)")
                #expect(try Self.symbols(dir + "/b") == Self.symbols(dir + "/a"), "\(args) \(i.path)")
                try Self.expectClean(dir + "/b")
                if i.runs { #expect(try run(dir + "/b", []).status == 0) }
            }
            if i.path.hasSuffix(".o") {
                // -j on an object: binutils keeps the named section, the symbol tables and names.
                let r = try sonde(["objcopy", "-j", ".text", i.path, dir + "/j"])
                #expect(r.status == 0, "\(r.stderr)")
                #expect(try Self.sections(dir + "/j").contains(".text PROGBITS"))
                #expect(!(try Self.sections(dir + "/j")).contains { $0.hasPrefix(".debug") })
                try Self.expectClean(dir + "/j")
            }
        }
    }

    @Test func badInputsFailCleanly() throws {
        let dir = try tempDir("objcopy-bad").path
        let ls = try Data(contentsOf: URL(fileURLWithPath: "/bin/true"))
        for n in [0, 10, 64, 200, 4096] {
            try ls.prefix(n).write(to: URL(fileURLWithPath: dir + "/t"))
            let r = try sonde(["objcopy", "--strip-debug", dir + "/t", dir + "/o"])
            #expect(r.status == 1 && r.stderr.hasPrefix("sonde objcopy: "), "\(n): \(r.stderr)")
        }
        #expect(try sonde(["objcopy", "-O", "srec", "/bin/true", dir + "/o"]).status == 2)
        #expect(try sonde(["objcopy", "--strip-debug", dir, dir + "/o"]).status == 1)
        #expect(try sonde(["objcopy"]).status == 2)
        // Nothing but the outputs asked for is left behind (no temporary files).
        let left = try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasPrefix(".sonde") }
        #expect(left.isEmpty)
    }

    @Test func crcMatchesZlib() {
        // Check value of CRC-32 (ISO-HDLC): "123456789" → 0xCBF43926.
        #expect(ObjCopy.crc32(Bytes(Array("123456789".utf8))) == 0xcbf4_3926)
    }

    /// Inputs the fuzzer (Fuzz/objcopy) crashed on: first byte the operation, as in the target.
    /// Reaching the end of each case is the property (the trap was the bug); most now throw, a few
    /// (files whose hostile sizes only affect the layout) produce an image that must read back as ELF.
    @Test func fuzzRegressions() throws {
        let dir = packageRoot.appendingPathComponent("Tests/Fixtures/fuzz-regressions/objcopy").path
        for name in try FileManager.default.contentsOfDirectory(atPath: dir) {
            let a = [UInt8](try Data(contentsOf: URL(fileURLWithPath: dir + "/" + name)))
            guard a.count > 1, let elf = try? ELFFile(bytes: Bytes(Array(a.dropFirst()))) else { continue }
            var o = ObjCopy.Options()
            switch a[0] % 6 {
            case 0: _ = try? ObjCopy.binary(elf); continue
            case 1: o.stripDebug = true
            case 2: o.onlyKeepDebug = true
            case 3: o.debuglink = ("x.debug", 0x1234_5678)
            case 4: o.remove = [".comment", ".text"]
            default: o.only = [".text"]
            }
            do {
                let out = try ObjCopy.rewrite(elf, o)
                #expect((try? ELFFile(bytes: Bytes(out))) != nil, "\(name): output reads back as ELF")
            } catch {
                #expect(error is ObjCopyError, "\(name): \(error)")
            }
        }
    }

    /// Random damage to a real ELF file: the rewriting core throws or produces bytes, never traps.
    @Test func mutatedInputsNeverTrap() throws {
        let base = try Data(contentsOf: URL(fileURLWithPath: "/bin/true"))
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<300 {
            var a = [UInt8](base.prefix(8192))
            for _ in 0..<8 { a[Int.random(in: 0..<a.count, using: &rng)] = UInt8.random(in: 0...255, using: &rng) }
            guard let elf = try? ELFFile(bytes: Bytes(a)) else { continue }
            var o = ObjCopy.Options()
            o.stripDebug = true
            _ = try? ObjCopy.rewrite(elf, o)
            o.onlyKeepDebug = true
            _ = try? ObjCopy.rewrite(elf, o)
            _ = try? ObjCopy.binary(elf)
        }
    }
}
