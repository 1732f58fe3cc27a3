import Foundation
import Testing
import TestSupport
@testable import Binutils

// sonde nm against binutils nm 2.40 (LC_ALL=C: nm sorts with strcoll, sonde by bytes).
// Deliberate difference: binutils 2.40's -U swallows the next argument (a getopt bug), so tests use --defined-only.

private let flagSets: [[String]] = [
    [], ["-a"], ["-A"], ["-o"], ["-g"], ["-u"], ["--defined-only"], ["-n"], ["-v"], ["-p"], ["-r"], ["-S"], ["-n", "-r"],
    ["--size-sort"], ["--size-sort", "-r"], ["-S", "--size-sort"], ["-t", "d"], ["-t", "o", "-S"], ["-t", "x"], ["-P"],
    ["-P", "-A"], ["--format=sysv"], ["-f", "posix"], ["-j"], ["-g", "-S", "-n"], ["-a", "-n"], ["-W"], ["-C"],
]

struct NMTests {
    static let objects = Inputs.built + (Inputs.archive.map { [$0] } ?? [])

    @Test(arguments: objects)
    func staticSymbolsMatchBinutils(_ path: String) throws {
        for flags in flagSets {
            let (a, b) = try both("nm", flags + [path])
            #expect(b.stdout == a.stdout, "nm \(flags.joined(separator: " ")) \(path)")
            #expect(b.status == a.status, "status of nm \(flags.joined(separator: " ")) \(path)")
        }
    }

    static let shared = Inputs.system + [Inputs.pie, Inputs.arm, Inputs.aarch64].compactMap { $0 }

    @Test(arguments: shared)
    func dynamicSymbolsMatchBinutils(_ path: String) throws {
        for flags in [["-D"], ["-D", "-g"], ["-D", "-n"], ["-D", "-u"], ["-D", "--defined-only"], ["-D", "-S"], ["-D", "--size-sort"],
                      ["-D", "-r"], ["-D", "-P"], ["-D", "-f", "sysv"], ["-D", "-S", "--size-sort", "-r"], ["-D", "-p"],
                      ["-D", "--without-symbol-versions"]] {
            let (a, b) = try both("nm", flags + [path])
            #expect(b.stdout == a.stdout, "nm \(flags.joined(separator: " ")) \(path)")
        }
    }

    @Test func multipleFilesAndArchives() throws {
        var files = Inputs.built
        if let ar = Inputs.archive { files.append(ar) }
        for flags in [[], ["-A"], ["-P"]] {
            let (a, b) = try both("nm", flags + files)
            #expect(b.stdout == a.stdout, "\(flags)")
        }
    }

    @Test func noSymbolsMessageAndStatus() throws {
        // A stripped executable: "no symbols" on stderr, status 0, like binutils.
        let (a, b) = try both("nm", ["/bin/ls"])
        #expect(a.stderr.hasSuffix("nm: /bin/ls: no symbols\n"))
        #expect(b.stderr == "sonde nm: /bin/ls: no symbols\n")
        #expect(b.status == a.status && b.stdout == a.stdout)
        let q = try sonde(["nm", "--quiet", "/bin/ls"])
        #expect(q.stderr.isEmpty)
    }

    @Test func badInputs() throws {
        let dir = try tempDir("nm-bad")
        let junk = dir.appendingPathComponent("junk").path
        try Data("not an object file".utf8).write(to: URL(fileURLWithPath: junk))
        for p in [junk, "/nonexistent/x"] {
            let (a, b) = try both("nm", [p])
            #expect(b.status == a.status, "\(p)")
            // binutils names itself by argv[0] (the full path here): compare from "nm: " on.
            let theirs = a.stderr.components(separatedBy: "nm: ").dropFirst().joined(separator: "nm: ")
            #expect(b.stderr == "sonde nm: " + theirs, "\(p)")
        }
        let d = try sonde(["nm", dir.path])
        #expect(d.status == 1 && d.stderr.split(separator: "\n").count == 1)
    }

    @Test func jsonListsTheSameSymbols() throws {
        let path = try #require(Inputs.object)
        let r = try sonde(["nm", "--json", path])
        #expect(r.status == 0)
        let names = try run("nm", [path], environment: ["LC_ALL": "C"]).lines.compactMap { fields($0).last }
        for n in names { #expect(r.stdout.contains("\"name\": \"\(n)\"")) }
        #expect(r.stdout.components(separatedBy: "\"name\"").count - 1 == names.count)
    }

    @Test func demangleHookIsIdentityUntilWired() {
        #expect(demangleName("_Z1fv") == "_Z1fv" || demangleName("_Z1fv") == "f()")
    }
}
