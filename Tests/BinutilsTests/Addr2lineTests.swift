import Foundation
import Testing
import TestSupport

// sonde addr2line against the real tools on binaries the tests compile themselves.
//
// Reference, field by field: binutils addr2line 2.40 for everything (the `??` / `??:0` / `?`
// conventions, `(discriminator N)` repeated on every frame of an inline chain, symbol names for
// non-linkage DWARF names, symbol+offset operands), because sonde's output must be byte-identical
// to it. Two documented exceptions where binutils 2.40 cannot be the oracle:
//  - clang DWARF 5: binutils ignores DW_FORM_rnglistx ranges of inlined subroutines and so misses
//    inline frames; there llvm-addr2line is the reference for C (its `file:0` normalised to
//    binutils' `file:?`), and binutils for file:line only (no -f -i) for C++ (llvm and binutils pick
//    different linkage names for C2/C4 constructors).
//  - split DWARF (.dwo): binutils does not read .dwo files at all; llvm-addr2line is the reference
//    (`:0` normalised, and its symbol-table names `main.cold` normalised to the DWARF name `main`).

private let fixtures = packageRoot.appendingPathComponent("Tests/Fixtures")
private let cSource = fixtures.appendingPathComponent("addr2line_main.c").path
private let cppSource = fixtures.appendingPathComponent("addr2line_cpp.cc").path
private let clang = "/opt/swift/usr/bin/clang"
private let hasClang = FileManager.default.isExecutableFile(atPath: clang)

/// Compiles into a fresh directory; returns the output path.
private func build(_ compiler: String, _ source: String, _ flags: [String], name: String = "prog") throws -> String {
    let out = try tempDir("a2l").appendingPathComponent(name).path
    let r = try run(compiler, flags + ["-o", out, source])
    guard r.status == 0 else { throw FixtureError("\(compiler) failed: \(r.stderr)") }
    return out
}

/// Every byte address of every sized function symbol (`nm -S`), one per line.
private func functionAddresses(_ bin: String, stride: Int = 1) throws -> String {
    var out = ""
    for line in try run("nm", ["-S", "--defined-only", bin]).lines {
        let f = fields(line)
        guard f.count == 4, ["t", "T", "W", "w"].contains(f[2]), let a = UInt64(f[0], radix: 16), let n = UInt64(f[1], radix: 16) else { continue }
        var x = a
        while x < a + n { out += "0x" + String(x, radix: 16) + "\n"; x += UInt64(stride) }
    }
    return out
}

private func sondeA2L(_ args: [String], stdin: String) throws -> CommandResult {
    try run(sondeBinary, ["addr2line"] + args, stdin: stdin)
}

/// First differing line, for a readable failure.
private func firstDifference(_ a: String, _ b: String) -> String {
    let x = a.split(separator: "\n", omittingEmptySubsequences: false), y = b.split(separator: "\n", omittingEmptySubsequences: false)
    for i in 0..<max(x.count, y.count) where (i < x.count ? x[i] : "<end>") != (i < y.count ? y[i] : "<end>") {
        return "line \(i + 1): reference \(i < x.count ? String(x[i]) : "<end>") | sonde \(i < y.count ? String(y[i]) : "<end>")"
    }
    return "identical"
}

private func expectSameAsBinutils(_ bin: String, flags: [String] = ["-a", "-f", "-i"], addresses: String? = nil,
                                  sondeExtra: [String] = [], oracleBinary: String? = nil) throws {
    let addrs = try addresses ?? functionAddresses(bin)
    #expect(!addrs.isEmpty)
    let ref = try run("addr2line", flags + ["-e", oracleBinary ?? bin], stdin: addrs)
    let ours = try sondeA2L(flags + sondeExtra + ["-e", bin], stdin: addrs)
    #expect(ours.status == 0, "\(ours.stderr)")
    #expect(ours.stdout == ref.stdout, "\(bin) \(flags): \(firstDifference(ref.stdout, ours.stdout))")
}

struct Addr2lineCorpusTests {
    struct Variant: CustomTestStringConvertible, Sendable {
        var compiler: String
        var source: String
        var flags: [String]
        var testDescription: String { "\((compiler as NSString).lastPathComponent) \(flags.joined(separator: " "))" }
    }

    static let binutilsVariants: [Variant] = [
        Variant(compiler: "gcc", source: cSource, flags: ["-O0", "-g"]),
        Variant(compiler: "gcc", source: cSource, flags: ["-O2", "-g"]),
        Variant(compiler: "gcc", source: cSource, flags: ["-O2", "-gdwarf-4"]),
        Variant(compiler: "gcc", source: cSource, flags: ["-O2", "-g", "-gz"]),
        Variant(compiler: "gcc", source: cSource, flags: ["-O2", "-g", "-no-pie", "-fno-pie"]),
        Variant(compiler: "gcc", source: cSource, flags: ["-O2", "-g", "-shared", "-fPIC"]),
        Variant(compiler: "gcc", source: cSource, flags: ["-O2", "-gdwarf-4", "-gz", "-m32"]),
        Variant(compiler: "g++", source: cppSource, flags: ["-O2", "-g"]),
        Variant(compiler: "g++", source: cppSource, flags: ["-O0", "-gdwarf-4"]),
    ] + (hasClang ? [
        Variant(compiler: clang, source: cSource, flags: ["-O2", "-gdwarf-4"]),
        Variant(compiler: clang, source: cSource, flags: ["-O0", "-g"]),
        Variant(compiler: clang, source: cppSource, flags: ["-O2", "-gdwarf-4", "-lstdc++"]),
    ] : [])

    /// Every address of every function: `-a -f -i`, then `-f -i -p -s`, byte-identical to binutils.
    @Test(arguments: binutilsVariants)
    func everyFunctionAddressMatchesBinutils(_ v: Variant) throws {
        let bin: String
        do { bin = try build(v.compiler, v.source, v.flags) } catch {
            // -m32 needs gcc-multilib; say so rather than fail.
            if v.flags.contains("-m32") { print("skip: \(v.testDescription): \(error)"); return }
            throw error
        }
        let addrs = try functionAddresses(bin)
        try expectSameAsBinutils(bin, flags: ["-a", "-f", "-i"], addresses: addrs)
        try expectSameAsBinutils(bin, flags: ["-f", "-i", "-p", "-s"], addresses: addrs)
    }

    @Test(.enabled(if: hasClang))
    func clangDWARF5InlinesMatchLLVM() throws {
        let bin = try build(clang, cSource, ["-O2", "-g"])
        let addrs = try functionAddresses(bin)
        let ref = try run("llvm-addr2line", ["-f", "-i", "-e", bin], stdin: addrs).stdout
            .split(separator: "\n", omittingEmptySubsequences: false)
            .map { $0.hasSuffix(":0") ? $0.dropLast(2) + ":?" : $0 }.joined(separator: "\n")
        let ours = try sondeA2L(["-f", "-i", "-e", bin], stdin: addrs)
        #expect(ours.stdout == ref, "\(firstDifference(ref, ours.stdout))")
        // Lines alone do not depend on range lists: binutils is the reference.
        try expectSameAsBinutils(bin, flags: ["-a"], addresses: addrs)
    }

    @Test(.enabled(if: hasClang))
    func clangCxxDWARF5LinesMatchBinutils() throws {
        let bin = try build(clang, cppSource, ["-O2", "-g", "-lstdc++"])
        try expectSameAsBinutils(bin, flags: ["-a"])
    }

    @Test func splitDWARFMatchesLLVM() throws {
        let bin = try build("gcc", cSource, ["-O2", "-g", "-gsplit-dwarf"])
        #expect(FileManager.default.fileExists(atPath: bin + "-addr2line_main.dwo"))
        let addrs = try functionAddresses(bin)
        let ref = try run("llvm-addr2line", ["-f", "-i", "-e", bin], stdin: addrs).stdout
            .split(separator: "\n", omittingEmptySubsequences: false)
            .map { $0.hasSuffix(":0") ? $0.dropLast(2) + ":?" : $0 }
            .map { $0.hasSuffix(".cold") ? $0.dropLast(5) : $0 }.joined(separator: "\n")
        let ours = try sondeA2L(["-f", "-i", "-e", bin], stdin: addrs)
        #expect(ours.stdout == ref, "\(firstDifference(ref, ours.stdout))")
        // Without the .dwo sonde still answers (from the skeleton's line table and the symbols).
        try FileManager.default.removeItem(atPath: bin + "-addr2line_main.dwo")
        let alone = try sondeA2L(["-f", "-i", "-e", bin], stdin: addrs)
        #expect(alone.status == 0 && alone.stdout.contains("addr2line_main.c:"))
    }

    /// A stripped binary whose debug file is found by .gnu_debuglink (beside it) and by build-id
    /// (under --debug-file-directory); answers must equal binutils on the unstripped binary.
    @Test func separateDebugFiles() throws {
        let bin = try build("gcc", cSource, ["-O2", "-g", "-Wl,--build-id"])
        let dir = (bin as NSString).deletingLastPathComponent
        let addrs = try functionAddresses(bin)
        let debug = dir + "/prog.debug", stripped = dir + "/prog.stripped"
        #expect(try run("objcopy", ["--only-keep-debug", bin, debug]).status == 0)
        #expect(try run("objcopy", ["--strip-all", "--add-gnu-debuglink=" + debug, bin, stripped]).status == 0)
        // debuglink: binutils itself follows it, so it is the oracle on the stripped file too.
        try expectSameAsBinutils(stripped, addresses: addrs)
        try expectSameAsBinutils(stripped, addresses: addrs, oracleBinary: bin)
        // build-id: move the debug file under DIR/.build-id/xx/rest.debug.
        let notes = try run("readelf", ["-n", bin]).stdout
        let id = try #require(notes.split(separator: "\n").first { $0.contains("Build ID:") }.map { String(fields(String($0)).last!) })
        let root = try tempDir("debugroot").path
        let sub = root + "/.build-id/" + id.prefix(2)
        try FileManager.default.createDirectory(atPath: sub, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: debug, toPath: sub + "/" + id.dropFirst(2) + ".debug")
        let plain = dir + "/prog.nolink"
        #expect(try run("objcopy", ["--strip-all", bin, plain]).status == 0)
        try expectSameAsBinutils(plain, addresses: addrs, sondeExtra: ["--debug-file-directory=" + root], oracleBinary: bin)
        // A debuglink whose CRC does not match is ignored (binutils too): nothing but dynamic symbols.
        try FileManager.default.removeItem(atPath: debug)
        try "not the debug file".write(toFile: debug, atomically: true, encoding: .utf8)
        try expectSameAsBinutils(stripped, addresses: addrs)
    }
}

struct Addr2lineSystemTests {
    /// Sampled addresses across every allocated section of system files without DWARF.
    static func sampleAddresses(_ path: String, count: Int) throws -> String {
        var out = ""
        var ranges: [(UInt64, UInt64)] = []
        for line in try run("readelf", ["-S", "-W", path]).lines {
            guard let close = line.firstIndex(of: "]") else { continue }
            let f = fields(String(line[line.index(after: close)...]))
            guard f.count >= 7, let addr = UInt64(f[2], radix: 16), let size = UInt64(f[4], radix: 16), addr > 0, size > 0 else { continue }
            ranges.append((addr, size))
        }
        var seed: UInt64 = 0x9e37_79b9_7f4a_7c15
        for i in 0..<count {
            seed = seed &* 6364136223846793005 &+ 1442695040888963407
            let (a, n) = ranges[i % ranges.count]
            out += "0x" + String(a + (seed >> 20) % (n + 16), radix: 16) + "\n"
        }
        return out + "0x0\n0xffffffffffffffff\n"
    }

    @Test(arguments: ["/bin/ls", "/usr/bin/bash"].filter { FileManager.default.fileExists(atPath: $0) })
    func systemBinariesMatchBinutils(_ path: String) throws {
        let addrs = try Self.sampleAddresses(path, count: 3000)
        try expectSameAsBinutils(path, flags: ["-a", "-f", "-i"], addresses: addrs)
    }

    /// libc with its separate debug file when libc6-dbg is installed (found by build-id).
    /// Known differences, at most a handful of the 3,000 samples: binutils 2.40 also indexes a unit
    /// by the function ranges of units it has already read (so it finds code outside a unit's own
    /// DW_AT_ranges, e.g. __libc_freeres_fn), and names the primary file for some DWARF 5 rows
    /// whose file entry is another one (sonde follows the row's file index, as llvm does).
    @Test(.enabled(if: FileManager.default.fileExists(atPath: "/lib/x86_64-linux-gnu/libc.so.6")))
    func libcMatchesBinutils() throws {
        let path = "/lib/x86_64-linux-gnu/libc.so.6"
        let addrs = try Self.sampleAddresses(path, count: 3000)
        let ref = try run("addr2line", ["-a", "-f", "-i", "-e", path], stdin: addrs).stdout.split(separator: "\n", omittingEmptySubsequences: false)
        let ours = try sondeA2L(["-a", "-f", "-i", "-e", path], stdin: addrs).stdout.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(ref.count == ours.count)
        let differing = zip(ref, ours).filter { $0 != $1 }
        #expect(differing.count <= 15, "\(differing.prefix(5))")
        // Addresses and function names agree everywhere.
        #expect(zip(ref, ours).filter { $0.0.hasPrefix("0x") || !$0.0.contains(":") }.allSatisfy { $0.0 == $0.1 } || differing.count <= 15)
    }
}

struct Addr2lineCLITests {
    static let bin: String = (try? build("gcc", cSource, ["-O2", "-g"])) ?? "/nonexistent"

    @Test func operandsSymbolsAndOptionsMatchBinutils() throws {
        let args = ["main", "main+10", "main+0x10", "fail", "fail+4", "local_fn", "zzz", "10b0zz", "0x", "main-4", "outer+0x1", "0x0"]
        for flags in [["-a"], ["-f"], ["-a", "-f", "-p"], ["-afip"], ["--functions", "--inlines", "--basenames"], ["-s", "-i", "-f", "-C"]] {
            let ref = try run("addr2line", flags + ["-e", Self.bin] + args)
            let ours = try sonde(["addr2line"] + flags + ["-e", Self.bin] + args)
            #expect(ours.stdout == ref.stdout, "\(flags): \(firstDifference(ref.stdout, ours.stdout))")
            #expect(ours.status == ref.status)
        }
    }

    @Test func sectionRelativeOffsets() throws {
        let addrs = "0x0\n0x10\n0x40\n0x100\n0x5\n0x100000\n"
        try expectSameAsBinutils(Self.bin, flags: ["-a", "-f", "-i", "-j", ".text"], addresses: addrs)
        let ours = try sonde(["addr2line", "-e", Self.bin, "-j", ".nosuch", "0"])
        #expect(ours.status == 1 && ours.stderr.hasPrefix("sonde addr2line: "))
    }

    @Test func multiCallNameAndDefaultAOut() throws {
        let dir = try tempDir("a2lmc")
        let link = dir.appendingPathComponent("addr2line").path
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: sondeBinary)
        try FileManager.default.copyItem(atPath: Self.bin, toPath: dir.appendingPathComponent("a.out").path)
        let r = try run("/bin/sh", ["-c", "cd \"$0\" && \"$1\" -f main && addr2line -f main", dir.path, link])
        let lines = r.lines
        #expect(lines.count == 4 && Array(lines[0..<2]) == Array(lines[2..<4]), "\(r.stdout) \(r.stderr)")
    }

    @Test func jsonHasOneObjectPerAddress() throws {
        let r = try sonde(["addr2line", "--json", "-i", "-e", Self.bin, "outer", "0x0"])
        let objs = r.lines.map { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        #expect(objs.count == 2 && objs.allSatisfy { $0 != nil })
        let frames = objs[0]?["frames"] as? [[String: Any]]
        #expect((frames?.first?["file"] as? String)?.hasSuffix("addr2line_main.c") == true)
        #expect((objs[1]?["frames"] as? [Any])?.isEmpty == true)
    }

    /// Answers arrive one line at a time: the pipe stays open while we read the first answer.
    @Test func answersAreFlushedPerLine() throws {
        let script = """
        exec 3< <(true)
        coproc A2L { "$0" addr2line -f -e "$1"; }
        echo main >&${A2L[1]}
        read -t 10 name <&${A2L[0]} && read -t 10 loc <&${A2L[0]} && echo "$name|$loc"
        """
        let r = try run("/bin/bash", ["-c", script, sondeBinary, Self.bin])
        let ref = try run("addr2line", ["-f", "-e", Self.bin, "main"]).lines.joined(separator: "|")
        #expect(r.lines.first == ref, "\(r.stdout) \(r.stderr)")
    }

    @Test func helpAndVersion() throws {
        #expect(try sonde(["addr2line", "--help"]).stdout.contains("-j --section"))
        let v = try sonde(["addr2line", "-v"])
        #expect(v.status == 0 && v.stdout.contains("addr2line"))
        let bad = try sonde(["addr2line", "-Z"])
        #expect(bad.status == 2)
    }
}

struct Addr2lineBadInputTests {
    private func expectOneLineError(_ path: String, _ why: String? = nil) throws {
        let r = try sonde(["addr2line", "-e", path, "0x1000"])
        #expect(r.status == 1, "\(path): \(r.stdout)")
        let lines = r.stderr.split(separator: "\n")
        #expect(lines.count == 1 && lines[0].hasPrefix("sonde addr2line: \(path): "), "\(r.stderr)")
        if let why { #expect(r.stderr.contains(why), "\(r.stderr)") }
    }

    @Test func missingDirectoryFIFOWrongMagicTruncated() throws {
        let dir = try tempDir("a2lbad")
        try expectOneLineError(dir.appendingPathComponent("missing").path, "No such file")
        try expectOneLineError(dir.path, "is a directory")
        let fifo = dir.appendingPathComponent("fifo").path
        #expect(mkfifo(fifo, 0o600) == 0)
        try expectOneLineError(fifo, "not a regular file")
        let text = dir.appendingPathComponent("text").path
        try "hello, not an ELF file\n".write(toFile: text, atomically: true, encoding: .utf8)
        try expectOneLineError(text, "not an ELF file")
        let data = try Data(contentsOf: URL(fileURLWithPath: Addr2lineCLITests.bin))
        for n in [20, 64, 100] {
            let cut = dir.appendingPathComponent("cut\(n)").path
            try data.prefix(n).write(to: URL(fileURLWithPath: cut))
            try expectOneLineError(cut)
        }
    }

    @Test func unreadableFile() throws {
        let dir = try tempDir("a2lperm")
        let p = dir.appendingPathComponent("secret").path
        try FileManager.default.copyItem(atPath: Addr2lineCLITests.bin, toPath: p)
        chmod(p, 0)
        if geteuid() == 0 {
            print("skip: unreadableFile runs as root, which can read a mode-000 file")
            return
        }
        try expectOneLineError(p, "Permission denied")
    }

    /// Every prefix length of the debug sections cut at random points still answers (no trap):
    /// the file is truncated after the section headers were moved, so section data runs past the end.
    @Test func truncatedDebugDataNeverTraps() throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: Addr2lineCLITests.bin))
        let dir = try tempDir("a2ltrunc")
        let addrs = try functionAddresses(Addr2lineCLITests.bin, stride: 7)
        for frac in [0.3, 0.6, 0.9] {
            var d = data
            // Zero a block inside the file (debug sections live in the second half).
            let start = Int(Double(d.count) * frac), n = min(4096, d.count - start)
            d.replaceSubrange(start..<start + n, with: [UInt8](repeating: 0xff, count: n))
            let p = dir.appendingPathComponent("damaged\(frac)").path
            try d.write(to: URL(fileURLWithPath: p))
            let r = try sondeA2L(["-f", "-i", "-e", p], stdin: addrs)
            #expect(r.status == 0 || (r.status == 1 && r.stderr.hasPrefix("sonde addr2line: ")), "\(r.status) \(r.stderr)")
        }
    }
}

struct FixtureError: Error, CustomStringConvertible {
    let description: String
    init(_ d: String) { description = d }
}
