import Foundation
import Testing
import TestSupport
@testable import Demangle

/// Symbol names of an ELF file as nm lists them (version suffixes removed).
private func symbols(_ path: String, _ nmArgs: [String]) throws -> [String] {
    let r = try run("nm", nmArgs + [path])
    #expect(r.status == 0, "nm \(nmArgs) \(path): \(r.stderr)")
    var seen = Set<String>()
    var out: [String] = []
    for line in r.lines {
        guard let last = fields(line).last else { continue }
        let name = String(last.split(separator: "@", maxSplits: 1, omittingEmptySubsequences: false)[0])
        if !name.isEmpty && seen.insert(name).inserted { out.append(name) }
    }
    return out
}

/// Runs `tool` once over all names (one per line on stdin) and returns its lines.
private func oracle(_ tool: String, _ args: [String], _ names: [String]) throws -> [String] {
    let r = try run(tool, args, stdin: names.joined(separator: "\n") + "\n")
    #expect(r.status == 0, "\(tool): \(r.stderr)")
    return r.stdout.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
}

/// Compares our text (or the name itself where we return nil) with the oracle's, line by line.
private func compare(_ names: [String], _ expected: [String], knownDifferences: Set<String> = [],
                     _ ours: (String) -> String?) -> Int {
    #expect(names.count == expected.count)
    var mismatches: [String] = []
    for (name, want) in zip(names, expected) where !knownDifferences.contains(name) {
        let got = ours(name) ?? name
        if got != want { mismatches.append("\(name)\n  ours: \(got)\n  tool: \(want)") }
    }
    #expect(mismatches.isEmpty, "\(mismatches.count) of \(names.count) differ:\n\(mismatches.prefix(10).joined(separator: "\n"))")
    return names.count
}

private let libstdcxx = "/usr/lib/x86_64-linux-gnu/libstdc++.so.6"

@Suite struct ItaniumAgainstCxxfilt {
    @Test(.enabled(if: hasTool("c++filt") && hasTool("nm") && FileManager.default.fileExists(atPath: libstdcxx)))
    func libstdcxxDefinedAndUndefined() throws {
        for args in [["-D", "--defined-only"], ["-D"]] {
            let names = try symbols(libstdcxx, args)
            #expect(names.count > 5000)
            _ = compare(names, try oracle("c++filt", [], names)) { Demangler.demangle($0) }
        }
    }

    @Test(.enabled(if: hasTool("c++filt") && hasTool("nm") && FileManager.default.fileExists(atPath: libstdcxx)))
    func libstdcxxWithoutParameters() throws {
        let names = try symbols(libstdcxx, ["-D"])
        _ = compare(names, try oracle("c++filt", ["-p"], names)) { Demangler.itanium($0, parameters: false) }
    }

    @Test(.enabled(if: hasTool("c++filt") && hasTool("nm") && hasTool("g++")))
    func cxxFixture() throws {
        let src = packageRoot.appendingPathComponent("Tests/Fixtures/demangle_cases.cpp").path
        let dir = try tempDir("demangle")
        defer { try? FileManager.default.removeItem(at: dir) }
        var compilers: [(String, [String])] = [("g++", ["-O0", "-g"]), ("g++", ["-O2"])]
        let clang = "/opt/swift/usr/bin/clang++"
        if FileManager.default.isExecutableFile(atPath: clang) { compilers.append((clang, ["-O2"])) }
        for (i, (cc, flags)) in compilers.enumerated() {
            let out = dir.appendingPathComponent("cases\(i)").path
            let r = try run(cc, flags + ["-std=c++17", "-o", out, src])
            try #require(r.status == 0, "\(cc) failed: \(r.stderr)")
            let names = try symbols(out, [])
            if i == 0 { #expect(names.contains { $0.hasPrefix("_Z") && $0.contains("Ul") }, "lambdas expected") }
            _ = compare(names, try oracle("c++filt", [], names)) { Demangler.demangle($0) }
            _ = compare(names, try oracle("c++filt", ["-p"], names)) { Demangler.itanium($0, parameters: false) }
        }
    }

    @Test func handPickedCases() {
        let cases: [(String, String)] = [
            ("_ZNSs4sizeEv", "std::basic_string<char, std::char_traits<char>, std::allocator<char> >::size()"),
            ("_Z1fPA10_i", "f(int (*) [10])"),
            ("_Z1fM1AFviE", "f(void (A::*)(int))"),
            ("_ZZ4mainENKUliE_clEi", "main::{lambda(int)#1}::operator()(int) const"),
            ("_ZN12_GLOBAL__N_11fEv", "(anonymous namespace)::f()"),
            ("_Z1fIiEPFvvEv", "void (*f<int>())()"),
            ("_ZTC1A0_1B", "construction vtable for B-in-A"),
            ("_Z3foov.constprop.0.isra.0", "foo() [clone .constprop.0] [clone .isra.0]"),
            ("_Z1fILln3EEvv", "void f<-3l>()"),
            ("_Z1fDF16_", "f(_Float16)"),
            ("_GLOBAL__I_foo", "global constructors keyed to foo"),
        ]
        for (m, want) in cases { #expect(Demangler.demangle(m) == want, "\(m)") }
        #expect(Demangler.itanium("_Z3foov.isra.0", parameters: false) == "foo")
        for plain in ["main", "_GLOBAL__sub_I_main.cpp", "_ZGR1a_", "__cxa_throw", ""] {
            #expect(Demangler.demangle(plain) == nil, "\(plain)")
        }
    }
}

@Suite struct RustAgainstCxxfilt {
    @Test(.enabled(if: hasTool("c++filt") && hasTool("nm")))
    func rustFixture() throws {
        guard hasTool("rustc") else {
            print("skipping the Rust demangling test: rustc is not on PATH")
            return
        }
        let src = packageRoot.appendingPathComponent("Tests/Fixtures/demangle_rust.rs").path
        let dir = try tempDir("demangle-rust")
        defer { try? FileManager.default.removeItem(at: dir) }
        var total = 0
        // Stable rustc only selects legacy mangling with -Z unstable-options.
        for (tag, flags, env) in [("v0", ["-C", "symbol-mangling-version=v0"], [String: String]()),
                                  ("legacy", ["-Z", "unstable-options", "-C", "symbol-mangling-version=legacy"], ["RUSTC_BOOTSTRAP": "1"])] {
            let out = dir.appendingPathComponent("rust-\(tag)").path
            let r = try run("rustc", ["-O"] + flags + ["-o", out, src], environment: env)
            try #require(r.status == 0, "rustc (\(tag)) failed: \(r.stderr)")
            let names = try symbols(out, []).filter { $0.hasPrefix("_R") || $0.hasPrefix("_ZN") }
            #expect(names.contains { tag == "v0" ? $0.hasPrefix("_R") : $0.hasSuffix("E") && $0.contains("17h") })
            total += compare(names, try oracle("c++filt", [], names)) { Demangler.demangle($0) }
        }
        #expect(total > 50)
    }

    @Test func handPickedCases() {
        #expect(Demangler.rust("_ZN3std2rt10lang_start17h1234567890abcdefE") == "std::rt::lang_start::h1234567890abcdef")
        #expect(Demangler.demangle("_ZN3foo3bar17h0123456789abcdefE.llvm.123") == "foo::bar::h0123456789abcdef")
        #expect(Demangler.demangle("_RNvCs1234_7mycrate3foo") == "mycrate[3c1c0]::foo")
        #expect(Demangler.rust("_ZN3foo3barE") == nil)
    }
}

@Suite struct SwiftAgainstSwiftDemangle {
    static let demangler = "/opt/swift/usr/bin/swift-demangle"
    static let core = "/opt/swift/usr/lib/swift/linux/libswiftCore.so"

    // Our Swift text is the runtime's demangler: swift-demangle prints the same
    // with --no-sugar (its default adds sugar such as [A : B] and A?).
    @Test(.enabled(if: hasTool("nm") && FileManager.default.isExecutableFile(atPath: demangler)
                   && FileManager.default.fileExists(atPath: core)))
    func swiftCoreSample() throws {
        let all = try symbols(Self.core, []).filter { $0.hasPrefix("$s") }
        let names = stride(from: 0, to: all.count, by: max(1, all.count / 2000)).map { all[$0] }
        #expect(names.count > 1000)
        _ = compare(names, try oracle(Self.demangler, ["--compact", "--no-sugar"], names)) { Demangler.demangle($0) }
    }

    @Test func handPicked() {
        #expect(Demangler.swift("$sSi1poiyS2i_SitFZ") == "static Swift.Int.+ infix(Swift.Int, Swift.Int) -> Swift.Int")
        #expect(Demangler.swift("_ZN3foo3barE") == nil)
        #expect(Demangler.demangle("$sNotReallyMangled") == nil)
    }
}

@Suite struct MalformedInput {
    @Test func truncatedNamesNeverTrap() throws {
        let names = try symbols(libstdcxx, ["-D", "--defined-only"]).filter { $0.hasPrefix("_Z") }.prefix(400)
        for name in names {
            let b = Array(name.utf8)
            for cut in stride(from: 2, to: b.count, by: 3) {
                _ = Demangler.demangle(String(decoding: b[..<cut], as: UTF8.self))
            }
        }
    }

    @Test(.timeLimit(.minutes(1))) func hugeNestingIsRefused() {
        #expect(Demangler.demangle("_Z1f" + String(repeating: "P", count: 100_000) + "i") == nil)
        #expect(Demangler.itanium("_Z1f" + String(repeating: "P", count: 500) + "i") == nil)
        #expect(Demangler.demangle("_ZN" + String(repeating: "N1a", count: 50_000) + "E") == nil)
        #expect(Demangler.demangle("_R" + String(repeating: "RR", count: 50_000) + "p") == nil)
        #expect(Demangler.demangle("$s" + String(repeating: "Sq", count: 50_000)) == nil)
    }

    @Test func badReferencesAreRejected() {
        for s in ["_Z1fS_", "_Z1fS9_", "_Z1fSZZZZZZZZZZZZZZZ_", "_Z1fT_", "_ZN1aIT5_EE", "_Z1fIiEvT99_",
                  "_RNvB9999_3foo", "_RNvCs0_1a1bB_", "_RINvCs_1a1bKj1234567890123456789012_E", "_Z", "_R", "_ZN",
                  "_ZL", "_Z1aIL", "_Z1fv.", "_Z9999999999999i", "_Zcv", "_ZdlPvm\u{0}x"] {
            _ = Demangler.demangle(s)
        }
        #expect(Demangler.demangle("_Z1fS_") == nil)
        #expect(Demangler.demangle("_Z1fT_") == nil)
    }

    @Test func substitutionCyclesTerminate() {
        // Exponential expansion through back-references is bounded.
        var s = "_Z1fIi"
        for i in 0 ..< 60 { s += "S\(i == 0 ? "" : String(i - 1, radix: 36).uppercased())_" }
        s += "EvT_"
        _ = Demangler.demangle(s)
    }
}
