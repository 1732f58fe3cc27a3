import Foundation
import Testing
import TestSupport
@testable import Syscalls

/// The kernel UAPI headers, read here independently of scripts/gen-syscall-tables.
enum UAPI {
    static let x86_64Header = "/usr/include/x86_64-linux-gnu/asm/unistd_64.h"
    static let i386Header = "/usr/include/x86_64-linux-gnu/asm/unistd_32.h"
    static let genericHeader = "/usr/aarch64-linux-gnu/include/asm-generic/unistd.h"
    static let aarch64Header = "/usr/aarch64-linux-gnu/include/asm/unistd.h"

    static func exists(_ path: String) -> Bool { FileManager.default.fileExists(atPath: path) }

    /// `#define __NR_name N` lines: number -> name.
    static func plain(_ path: String) -> [Int: String] {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return [:] }
        var out: [Int: String] = [:]
        for line in text.split(separator: "\n") {
            let f = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard f.count == 3, f[0] == "#define", f[1].hasPrefix("__NR_"), let n = Int(f[2]) else { continue }
            out[n] = String(f[1].dropFirst(5))
        }
        return out
    }

    /// The `#define __ARCH_WANT_*` lines of arm64's asm/unistd.h.
    static func aarch64Wants() -> Set<String> {
        guard let text = try? String(contentsOfFile: aarch64Header, encoding: .utf8) else { return [] }
        var out: Set<String> = []
        for line in text.split(separator: "\n") {
            let f = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            if f.count >= 2, f[0] == "#define", f[1].hasPrefix("__ARCH_WANT_") { out.insert(String(f[1])) }
        }
        return out
    }

    /// asm-generic/unistd.h through a small preprocessor (conditionals, #define/#undef of __NR macros),
    /// as a 64-bit arch that defines `wants` sees it: number -> name.
    static func generic(_ path: String, wants: Set<String>) -> [Int: String] {
        guard var text = try? String(contentsOfFile: path, encoding: .utf8) else { return [:] }
        // Comments out, continuation lines joined.
        while let open = text.range(of: "/*") {
            guard let close = text.range(of: "*/", range: open.upperBound..<text.endIndex) else { break }
            text.replaceSubrange(open.lowerBound..<close.upperBound, with: " ")
        }
        text = text.replacingOccurrences(of: "\\\n", with: " ")
        var macros: [String: String] = [:]
        var stack: [(outer: Bool, taken: Bool)] = []
        var active = true
        for raw in text.split(separator: "\n") {
            let line = raw.trimmingCharacters(in: .whitespaces)
            guard line.hasPrefix("#") else { continue }
            let words = line.dropFirst().split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
            guard let directive = words.first else { continue }
            let rest = words.dropFirst().joined(separator: " ")
            let defined = wants.union(macros.keys)
            switch directive {
            case "ifdef", "ifndef", "if":
                let v: Bool
                if directive == "ifdef" { v = defined.contains(rest) }
                else if directive == "ifndef" { v = !defined.contains(rest) }
                else { v = Condition(rest, defined: defined).value != 0 }
                stack.append((active, active && v))
                active = active && v
            case "elif":
                guard let top = stack.last else { continue }
                let v = top.outer && !top.taken && Condition(rest, defined: defined).value != 0
                stack[stack.count - 1].taken = top.taken || v
                active = v
            case "else":
                guard let top = stack.last else { continue }
                active = top.outer && !top.taken
                stack[stack.count - 1].taken = true
            case "endif":
                active = stack.popLast()?.outer ?? true
            case "define" where active && words.count == 3 && words[1].hasPrefix("__NR"):
                macros[words[1]] = words[2]
            case "undef" where active && words.count >= 2:
                macros[words[1]] = nil
            default: break
            }
        }
        var out: [Int: String] = [:]
        for (name, value) in macros where name.hasPrefix("__NR_") {
            var v = value, hops = 0
            while Int(v) == nil, let next = macros[v], hops < 10 { v = next; hops += 1 }
            if let n = Int(v) { out[n] = String(name.dropFirst(5)) }
        }
        return out
    }

    /// A preprocessor `#if` expression: defined(X), __BITS_PER_LONG (64), numbers, ==, !=, !, &&, ||, ().
    struct Condition {
        var tokens: [String]
        var pos = 0
        let defined: Set<String>
        init(_ s: String, defined: Set<String>) {
            self.defined = defined
            var t: [String] = []
            var i = s.startIndex
            while i < s.endIndex {
                let c = s[i]
                if c == " " || c == "\t" { i = s.index(after: i); continue }
                let two = s[i...].prefix(2)
                if ["||", "&&", "==", "!="].contains(String(two)) { t.append(String(two)); i = s.index(i, offsetBy: 2); continue }
                if c.isLetter || c.isNumber || c == "_" {
                    var j = i
                    while j < s.endIndex, s[j].isLetter || s[j].isNumber || s[j] == "_" { j = s.index(after: j) }
                    t.append(String(s[i..<j])); i = j; continue
                }
                t.append(String(c)); i = s.index(after: i)
            }
            tokens = t
        }
        var value: Int { var c = self; return c.or() }
        mutating func next() -> String? { pos < tokens.count ? tokens[pos] : nil }
        mutating func take() -> String { defer { pos += 1 }; return pos < tokens.count ? tokens[pos] : "" }
        mutating func or() -> Int {
            var v = and()
            while next() == "||" { _ = take(); let w = and(); v = (v != 0 || w != 0) ? 1 : 0 }
            return v
        }
        mutating func and() -> Int {
            var v = cmp()
            while next() == "&&" { _ = take(); let w = cmp(); v = (v != 0 && w != 0) ? 1 : 0 }
            return v
        }
        mutating func cmp() -> Int {
            var v = unary()
            while let op = next(), op == "==" || op == "!=" {
                _ = take(); let w = unary(); v = ((v == w) == (op == "==")) ? 1 : 0
            }
            return v
        }
        mutating func unary() -> Int {
            let t = take()
            switch t {
            case "!": return unary() == 0 ? 1 : 0
            case "(": let v = or(); _ = take(); return v
            case "defined":
                let paren = next() == "("
                if paren { _ = take() }
                let name = take()
                if paren { _ = take() }
                return defined.contains(name) ? 1 : 0
            case "__BITS_PER_LONG": return 64
            default: return Int(t) ?? 0
            }
        }
    }
}

/// number -> name of one of our tables.
private func names(_ abi: SyscallABI) -> [Int: String] {
    var out: [Int: String] = [:]
    for (n, e) in SyscallTable.of(abi).all { out[n] = e.name }
    return out
}

private func expectSame(_ ours: [Int: String], _ kernel: [Int: String], _ abi: String) {
    for n in Set(ours.keys).union(kernel.keys).sorted() where ours[n] != kernel[n] {
        Issue.record("\(abi) \(n): ours \(ours[n] ?? "-"), kernel header \(kernel[n] ?? "-")")
    }
    #expect(!kernel.isEmpty)
}

@Suite struct TableTests {
    @Test(.enabled(if: UAPI.exists(UAPI.x86_64Header), "needs the x86_64 UAPI headers (linux-libc-dev)"))
    func x86_64MatchesHeader() {
        let kernel = UAPI.plain(UAPI.x86_64Header).filter { $0.key < 512 }
        expectSame(names(.x86_64), kernel, "x86_64")
        #expect(kernel.count >= 360)
    }

    @Test(.enabled(if: UAPI.exists(UAPI.i386Header), "needs the i386 UAPI header (linux-libc-dev)"))
    func i386MatchesHeader() {
        expectSame(names(.i386), UAPI.plain(UAPI.i386Header), "i386")
    }

    @Test(.enabled(if: UAPI.exists(UAPI.genericHeader) && UAPI.exists(UAPI.aarch64Header),
                   "needs the arm64 UAPI headers (linux-libc-dev-arm64-cross)"))
    func aarch64MatchesHeader() {
        var kernel = UAPI.generic(UAPI.genericHeader, wants: UAPI.aarch64Wants())
        // Not syscalls: the size of the table and the base of an arch-specific block.
        kernel = kernel.filter { $0.value != "syscalls" && $0.value != "arch_specific_syscall" }
        expectSame(names(.aarch64), kernel, "aarch64")
        // The 64-bit names the generic header maps its __NR3264_* numbers to.
        let t = SyscallTable.of(.aarch64)
        #expect(t.number(of: "newfstatat") == 79 && t.number(of: "fstat") == 80)
        #expect(t.number(of: "mmap") == 222 && t.number(of: "fcntl") == 25 && t.number(of: "lseek") == 62)
        #expect(t.number(of: "sync_file_range") == 84 && t.number(of: "clone3") == 435)
        #expect(t.number(of: "open") == nil && t.number(of: "fstat64") == nil && t.number(of: "clock_gettime64") == nil)
    }

    /// The i386 compat ABI without a 32-bit compiler: numbers from the header (above), and argument
    /// counts where 64-bit values take two registers or old calls take one pointer (strace 6.1's counts).
    @Test func i386CompatArguments() {
        let t = SyscallTable.of(.i386)
        func nargs(_ name: String) -> Int? { t.number(of: name).flatMap { t.entry($0)?.argumentCount } }
        #expect(nargs("pread64") == 5 && nargs("pwrite64") == 5 && nargs("preadv") == 5)
        #expect(nargs("fallocate") == 6 && nargs("sync_file_range") == 6 && nargs("fadvise64_64") == 6)
        #expect(nargs("mmap") == 1 && nargs("mmap2") == 6 && nargs("select") == 1 && nargs("_newselect") == 5)
        #expect(nargs("_llseek") == 5 && nargs("socketcall") == 2 && nargs("ipc") == 6)
        #expect(t.number(of: "socketcall") == 102 && t.number(of: "mmap2") == 192 && t.number(of: "fstat64") == 197)
        let x = SyscallTable.of(.x86_64)
        #expect(x.entry(x.number(of: "pread64") ?? -1)?.argumentCount == 4)
        // The same name is in the same classes on both ABIs.
        for (_, e) in t.all {
            if let n = x.number(of: e.name), let other = x.entry(n) {
                #expect(other.classes == e.classes, "\(e.name)")
            }
        }
        #expect(t.entry(t.number(of: "fstat64") ?? -1)?.classes == [.desc, .fstat, .statLike])
        #expect(t.entry(t.number(of: "statfs64") ?? -1)?.classes == [.file, .statfs, .statfsLike])
    }

    @Test func entriesAreConsistent() {
        for abi in SyscallABI.allCases {
            let t = SyscallTable.of(abi)
            #expect(t.all.count > 300, "\(abi)")
            var seen: Set<String> = []
            for (n, e) in t.all {
                #expect(t.number(of: e.name) == n)
                #expect(seen.insert(e.name).inserted, "\(abi) \(e.name) twice")
                #expect((0...6).contains(e.argumentCount))
                let c = e.classes
                if !c.isDisjoint(with: [.stat, .lstat, .fstat]) { #expect(c.contains(.statLike), "\(e.name)") }
                if !c.isDisjoint(with: [.statfs, .fstatfs]) { #expect(c.contains(.statfsLike), "\(e.name)") }
            }
            #expect(t.entry(-1) == nil && t.entry(1 << 20) == nil && t.entry(Int.min) == nil)
        }
        let x = SyscallTable.of(.x86_64)
        #expect(x.entry(0)?.name == "read" && x.entry(59)?.name == "execve" && x.entry(435)?.name == "clone3")
        #expect(x.entry(39)?.neverFails == true && x.entry(39)?.classes == [.pure])
        #expect(x.entry(335) == nil && x.entry(512) == nil)
    }

    @Test(.enabled(if: hasTool("python3"), "needs python3 to run scripts/gen-syscall-tables"))
    func generatedFileIsCurrent() throws {
        let script = packageRoot.appendingPathComponent("scripts/gen-syscall-tables").path
        let r = try run("python3", [script, "--check"])
        #expect(r.status == 0, "\(r.stderr)")
    }
}

// MARK: - Against the real strace

struct OracleFailure: Error, CustomStringConvertible { let description: String }

/// The fixture that calls a fixed list of syscalls, and strace runs over it.
enum StraceOracle {
    static let available: Bool = {
        #if arch(x86_64)
        guard hasTool("strace"), hasTool("gcc"), let r = try? run("strace", ["-V"]) else { return false }
        guard r.stdout.hasPrefix("strace -- version 6.") else { return false }
        // ptrace may be forbidden (containers without CAP_SYS_PTRACE).
        return (try? run("strace", ["-qq", "-o", "/dev/null", "true"]))?.status == 0
        #else
        return false
        #endif
    }()

    static let fixture: String? = try? compileFixture("syscall_classes", flags: ["-O0"])

    /// The syscall names the fixture calls.
    static let calledNames: [String] = {
        guard let f = fixture, let r = try? run(f, ["list"]), r.status == 0 else { return [] }
        return r.lines
    }()

    /// The names of the syscalls strace printed for `-e trace=<expression>`.
    static func traced(_ expression: String) throws -> Set<String> {
        guard let f = fixture else { throw OracleFailure(description: "fixture syscall_classes did not compile") }
        let dir = try tempDir("strace")
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("log").path
        let r = try run("strace", ["-f", "-qq", "-o", out, "-e", "trace=" + expression, f])
        guard r.status == 0 else { throw OracleFailure(description: "strace -e trace=\(expression): \(r.stderr)") }
        return namesIn(try String(contentsOfFile: out, encoding: .utf8))
    }

    /// Syscall names at the start of strace's lines (after a pid prefix), and in `<... name resumed>`.
    static func namesIn(_ log: String) -> Set<String> {
        var out: Set<String> = []
        for line in log.split(separator: "\n") {
            var s = line.drop(while: { $0.isNumber }).drop(while: { $0 == " " })
            if s.hasPrefix("<... ") { s = s.dropFirst(5) }
            let name = s.prefix(while: { $0.isLetter || $0.isNumber || $0 == "_" })
            let after = s.dropFirst(name.count)
            if !name.isEmpty, after.hasPrefix("(") || after.hasPrefix(" resumed>") { out.insert(String(name)) }
        }
        return out
    }
}

@Suite(.serialized, .enabled(if: StraceOracle.available, "needs strace 6.x, gcc and ptrace on x86_64"))
struct TableStraceTests {
    static let classes: [(String, SyscallClass)] = [
        ("%file", .file), ("%desc", .desc), ("%network", .network), ("%process", .process),
        ("%signal", .signal), ("%memory", .memory), ("%stat", .stat), ("%fstat", .fstat), ("%lstat", .lstat),
        ("%%stat", .statLike), ("%statfs", .statfs), ("%fstatfs", .fstatfs), ("%%statfs", .statfsLike),
        ("%creds", .creds), ("%clock", .clock), ("%ipc", .ipc), ("%pure", .pure),
    ]

    @Test func fixtureCallsEnough() {
        let called = StraceOracle.calledNames
        #expect(called.count > 200)
        let t = SyscallTable.of(.x86_64)
        for name in called { #expect(t.number(of: name) != nil, "\(name) is not an x86_64 syscall of ours") }
        // Every class has members and non-members among the calls, or the comparison says little.
        for (word, cls) in Self.classes {
            let members = called.filter { t.entry(t.number(of: $0) ?? -1)?.classes.isSuperset(of: cls) == true }
            #expect(!members.isEmpty && members.count < called.count, "\(word)")
        }
    }

    @Test(arguments: TableStraceTests.classes.map(\.0))
    func classMatchesStrace(_ word: String) throws {
        let cls = Self.classes.first { $0.0 == word }!.1
        let called = Set(StraceOracle.calledNames)
        #expect(!called.isEmpty)
        let t = SyscallTable.of(.x86_64)
        let ours = Set(called.filter { t.entry(t.number(of: $0) ?? -1)?.classes.isSuperset(of: cls) == true })
        let theirs = try StraceOracle.traced(word).intersection(called)
        #expect(ours.subtracting(theirs).sorted() == [], "only ours for \(word)")
        #expect(theirs.subtracting(ours).sorted() == [], "only strace's for \(word)")
    }
}
