import Foundation
import Testing
import TestSupport

// sonde objdump against binutils objdump (and the aarch64 cross objdump) on the same files.
//
// Deliberate/known differences, named here: instruction text comes from Capstone, so a few
// GNU spellings differ (nop forms such as `nopl 0x0(%rax)` vs `nopl (%rax)`, `xchg %ax,%ax` vs
// `nop`, `cs nopw` prefixes); addresses, raw bytes, labels and the header views are identical.

private func compile(_ flags: [String], compiler: String = "gcc", object: Bool = false) throws -> String {
    let out = try tempDir("objdump").appendingPathComponent(object ? "t.o" : "t").path
    let src = packageRoot.appendingPathComponent("Tests/Fixtures/objdump_target.c").path
    let r = try run(compiler, flags + (object ? ["-c"] : []) + ["-o", out, src])
    try #require(r.status == 0, "\(compiler) failed: \(r.stderr)")
    return out
}

/// Instruction lines split into (address, bytes, text).
private func instructions(_ text: String) -> [(String, String, String)] {
    text.split(separator: "\n").compactMap { line in
        let parts = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
        guard parts.count >= 2, parts[0].hasSuffix(":"), parts[0].hasPrefix(" ") else { return nil }
        return (parts[0].trimmingCharacters(in: .whitespaces), parts[1].trimmingCharacters(in: .whitespaces),
                parts.count > 2 ? parts[2...].joined(separator: "\t") : "")
    }
}

private func labels(_ text: String) -> [String] {
    text.split(separator: "\n").map(String.init).filter { $0.hasSuffix(">:") || $0.hasPrefix("Disassembly of section") }
}

struct ObjDumpTests {
    @Test(arguments: [["-h"], ["-f"], ["-h", "-f"], ["-f", "-h", "-w"], ["-t"], ["-h", "-t"], ["-T"], ["-T", "-C"], ["-t", "-C"], ["-p"], ["-x"], ["-r"], ["-p", "-h"]])
    func headersIdenticalToBinutils(_ flags: [String]) throws {
        let files = [try compile(["-O2", "-g"]), try compile(["-O0", "-g"], object: true), try compile(["-O2", "-no-pie", "-gz"]),
                     "/bin/ls", "/lib/x86_64-linux-gnu/libc.so.6"]
        for f in files {
            let ours = try sonde(["objdump"] + flags + [f]), theirs = try run("objdump", flags + [f])
            #expect(ours.status == 0)
            #expect(ours.stdout == theirs.stdout, "objdump \(flags) \(f)")
        }
    }

    @Test func x86DisassemblyMatchesAddressesBytesAndLabels() throws {
        for f in [try compile(["-O2", "-g"]), try compile(["-O0"]), try compile(["-O2"], object: true)] {
            let ours = try sonde(["objdump", "-d", f]), theirs = try run("objdump", ["-d", f])
            #expect(ours.status == 0, "\(ours.stderr)")
            let a = instructions(ours.stdout), b = instructions(theirs.stdout)
            #expect(a.map { "\($0.0) \($0.1)" } == b.map { "\($0.0) \($0.1)" }, "addresses and raw bytes of \(f)")
            // Labels, including the synthetic sym@plt entries objdump derives from the PLT's relocations.
            #expect(labels(ours.stdout) == labels(theirs.stdout), "labels of \(f)")
            // Mnemonics: Capstone and GNU agree on nearly all; the named alias differences above are the rest.
            let mnemonic = { (t: String) in t.split(separator: " ").first.map(String.init) ?? "" }
            let same = zip(a, b).filter { mnemonic($0.0.2) == mnemonic($0.1.2) }.count
            #expect(Double(same) >= 0.9 * Double(b.count), "mnemonics \(same)/\(b.count) in \(f)")
            let sameText = zip(a, b).filter { $0.0.2 == $0.1.2 }.count
            #expect(Double(sameText) >= 0.75 * Double(b.count), "full instruction text \(sameText)/\(b.count) in \(f)")
        }
    }

    /// Stripped system libraries: labels come from .dynsym with versions (`free@@GLIBC_2.2.5`), aliases at one
    /// address resolved as objdump does, PLT entries named from .rela.plt (incl. IRELATIVE `*ABS*+0x...@plt`).
    @Test(arguments: ["/bin/ls", "/lib/x86_64-linux-gnu/libc.so.6", "/usr/lib/x86_64-linux-gnu/libstdc++.so.6"])
    func labelsOfSystemLibrariesIdentical(_ f: String) throws {
        let ours = try sonde(["objdump", "-d", f]), theirs = try run("objdump", ["-d", f])
        #expect(labels(ours.stdout) == labels(theirs.stdout))
    }

    @Test(.enabled(if: hasTool("aarch64-linux-gnu-gcc") && hasTool("aarch64-linux-gnu-objdump")))
    func aarch64ObjectIdenticalToCrossObjdump() throws {
        let o = try compile(["-O2"], compiler: "aarch64-linux-gnu-gcc", object: true)
        let ours = try sonde(["objdump", "-d", o]), theirs = try run("aarch64-linux-gnu-objdump", ["-d", o])
        let a = instructions(ours.stdout), b = instructions(theirs.stdout)
        #expect(a.map { "\($0.0) \($0.1)" } == b.map { "\($0.0) \($0.1)" })
        #expect(labels(ours.stdout) == labels(theirs.stdout))
        // Differences named: objdump names call targets of an unlinked .o by their relocation (`bl 0 <printf>`)
        // and prints `movz` as its `mov` alias with a `// #imm` comment; the rest is identical.
        let same = zip(a, b).filter { $0.0.2 == $0.1.2 }.count
        #expect(Double(same) >= 0.75 * Double(b.count), "\(same)/\(b.count) identical")
        let h = try sonde(["objdump", "-h", "-f", o]), th = try run("aarch64-linux-gnu-objdump", ["-h", "-f", o])
        #expect(h.stdout == th.stdout)
    }

    /// -l and -S: the source positions ("func():", "file:line (discriminator N)") and source text objdump
    /// interleaves, compared on everything that is not an instruction line.
    @Test(arguments: [["-d", "-l"], ["-S"], ["-S", "-l"]])
    func sourceAndLineInterleavingMatchesBinutils(_ flags: [String]) throws {
        for f in [try compile(["-O1", "-g"]), try compile(["-O0", "-g"]), try compile(["-O2", "-gdwarf-4"])] {
            let ours = try sonde(["objdump"] + flags + [f]), theirs = try run("objdump", flags + [f])
            let strip = { (t: String) in t.split(separator: "\n").filter { !($0.hasPrefix(" ") && $0.contains(":\t")) }.map(String.init) }
            #expect(strip(ours.stdout) == strip(theirs.stdout), "objdump \(flags) \(f)")
            #expect(instructions(ours.stdout).map(\.0) == instructions(theirs.stdout).map(\.0))
        }
    }

    @Test func addressRangeSelectsTheSameInstructions() throws {
        let f = try compile(["-O2"])
        let all = instructions(try run("objdump", ["-d", f]).stdout)
        try #require(all.count > 20)
        let start = "0x" + all[5].0.dropLast(), stop = "0x" + all[15].0.dropLast()
        let ours = try sonde(["objdump", "-d", "--start-address=\(start)", "--stop-address=\(stop)", f])
        let theirs = try run("objdump", ["-d", "--start-address=\(start)", "--stop-address=\(stop)", f])
        #expect(instructions(ours.stdout).map(\.0) == instructions(theirs.stdout).map(\.0))
        #expect(instructions(ours.stdout).count == 10)
    }

    @Test func badInputIsOneLine() throws {
        let dir = try tempDir("objdump-bad")
        let text = dir.appendingPathComponent("notelf")
        try Data("hello".utf8).write(to: text)
        for (path, why) in [(text.path, "not an ELF file"), (dir.path, "is a directory"), ("/nonexistent/x", "No such file")] {
            let r = try sonde(["objdump", "-d", path])
            #expect(r.status == 1)
            #expect(r.stderr.hasPrefix("sonde objdump: \(path): ") && r.stderr.contains(why), "\(r.stderr)")
            #expect(r.stderr.split(separator: "\n").count == 1)
        }
        #expect(try sonde(["objdump", "/bin/ls"]).status == 2, "no action is a usage error")
    }
}
