import Foundation
import Testing
import TestSupport
@testable import Syscalls

private let x86 = SyscallTable.of(.x86_64)
private let i386 = SyscallTable.of(.i386)

private func selection(_ expr: String, _ personalities: [SyscallABI] = [.x86_64, .i386]) throws(SelectionError) -> SyscallSelection {
    try SyscallSelection(expr, personalities: personalities)
}

private func selectedNames(_ s: SyscallSelection, _ abi: SyscallABI = .x86_64) -> Set<String> {
    let t = SyscallTable.of(abi)
    return Set(s.selectedNumbers(abi: abi).compactMap { t.entry($0)?.name })
}

private func errorText(_ expr: String) -> String? {
    do { _ = try selection(expr); return nil } catch { return error.description }
}

@Suite struct SelectionTests {
    @Test func defaultSelectsEverything() {
        let s = SyscallSelection(personalities: [.x86_64, .i386])
        #expect(s.selectsEverything)
        #expect(s.contains(abi: .x86_64, number: 0) && s.contains(abi: .i386, number: 3))
        // Numbers without a table entry (newer kernels, syscall(1000)) are traced as syscall_0x...
        #expect(s.contains(abi: .x86_64, number: 1000) && s.contains(abi: .x86_64, number: -1))
    }

    @Test func namesOnEveryPersonality() throws {
        let s = try selection("read,write")
        #expect(selectedNames(s) == ["read", "write"])
        #expect(selectedNames(s, .i386) == ["read", "write"])
        #expect(s.contains(abi: .x86_64, number: 0) && s.contains(abi: .i386, number: 3))
        #expect(!s.contains(abi: .x86_64, number: 3) && !s.contains(abi: .x86_64, number: 1000))
        #expect(!s.contains(abi: .x86_64, number: -5) && !s.contains(abi: .x86_64, number: Int.max))
        #expect(!s.selectsEverything)
        // Empty tokens are skipped.
        #expect(selectedNames(try selection(",read,,write,")) == ["read", "write"])
        // A name of the i386 table only is accepted, and selects nothing on x86_64.
        let w = try selection("waitpid")
        #expect(selectedNames(w).isEmpty && selectedNames(w, .i386) == ["waitpid"])
    }

    @Test func negationAllNone() throws {
        let s = try selection("!read")
        #expect(!s.contains(abi: .x86_64, number: 0) && s.contains(abi: .x86_64, number: 1))
        #expect(s.contains(abi: .x86_64, number: 1000))
        #expect(selectedNames(try selection("!!read")) == ["read"])
        #expect(try selection("all").selectsEverything)
        #expect(try selection("!none").selectsEverything)
        #expect(selectedNames(try selection("none")).isEmpty)
        #expect(selectedNames(try selection("!all")).isEmpty)
        #expect(!(try selection("none")).contains(abi: .x86_64, number: 1000))
        // `all` inside a list is the legacy class: every named syscall, not unnamed numbers.
        let a = try selection("read,all")
        #expect(selectedNames(a).count == x86.all.count && !a.contains(abi: .x86_64, number: 1000))
    }

    @Test func classes() throws {
        for (word, cls) in SyscallSelection.classNames {
            let s = try selection(word)
            let expected = Set(x86.all.filter { $0.entry.classes.isSuperset(of: cls) }.map(\.entry.name))
            #expect(selectedNames(s) == expected, "\(word)")
        }
        #expect(selectedNames(try selection("%net")) == selectedNames(try selection("%network")))
        #expect(selectedNames(try selection("%file")) == selectedNames(try selection("file")))
        #expect(selectedNames(try selection("%%stat")).isSuperset(of: ["stat", "fstat", "lstat", "newfstatat", "statx"]))
        #expect(selectedNames(try selection("%%statfs"), .i386).isSuperset(of: ["statfs64", "fstatfs64", "ustat"]))
        #expect(selectedNames(try selection("%pure")).isSuperset(of: ["getpid", "gettid", "getuid"]))
        #expect(!selectedNames(try selection("%desc")).contains("getpid"))
        // Classes are case-sensitive, and the legacy names have no creds/clock/stat forms.
        #expect(errorText("%FILE") == "invalid system call '%FILE'")
        #expect(errorText("creds") == "invalid system call 'creds'")
    }

    @Test func regexes() throws {
        let s = try selection("/^get(pid|ppid)$")
        #expect(selectedNames(s) == ["getpid", "getppid"])
        #expect(selectedNames(try selection("/stat")).isSuperset(of: ["stat", "fstatfs", "statx", "newfstatat"]))
        #expect(selectedNames(try selection("/^_llseek$")).isEmpty)  // i386 only: accepted
        #expect(errorText("/^zzz") == "invalid system call '/^zzz'")
        #expect(errorText("?/^zzz") == nil)
        #expect(errorText("/[")?.hasPrefix("regcomp: [: ") == true)
        #expect(errorText("/a(")?.hasPrefix("regcomp: a(: ") == true)
    }

    @Test func personalitiesAndNumbers() throws {
        let s64 = try selection("read@64")
        #expect(s64.contains(abi: .x86_64, number: 0) && !s64.contains(abi: .i386, number: 3))
        let s32 = try selection("read@32")
        #expect(!s32.contains(abi: .x86_64, number: 0) && s32.contains(abi: .i386, number: 3))
        #expect(errorText("read@q") == "incorrect personality designator 'q' in qualification 'read@q'")
        #expect(errorText("?read@q") == "incorrect personality designator 'q' in qualification 'read@q'")
        #expect(errorText("/a@b") == "incorrect personality designator 'b' in qualification '/a@b'")
        #expect(errorText("read@x32") == nil)
        #expect(errorText("_llseek@64") == "invalid system call '_llseek@64'")
        #expect(errorText("?_llseek@64") == nil)
        // Numbers: the syscall with that number on each personality that has one.
        let n = try selection("0,39")
        #expect(selectedNames(n) == ["read", "getpid"])
        #expect(selectedNames(n, .i386) == ["restart_syscall", "mkdir"])
        #expect(selectedNames(try selection("400")).isEmpty)  // x86_64 has no 400; i386 has
        #expect(errorText("99999") == "invalid system call '99999'")
        #expect(errorText("99999999999999999999") == "invalid system call '99999999999999999999'")
        #expect(errorText("12abc") == "invalid system call '12abc'")
        #expect(errorText("-1") == "invalid system call '-1'")
    }

    @Test func unknownAndEmpty() throws {
        #expect(errorText("nosuch") == "invalid system call 'nosuch'")
        #expect(errorText("read,nosuch") == "invalid system call 'nosuch'")
        #expect(errorText("read,none") == "invalid system call 'none'")
        #expect(errorText("%bogus") == "invalid system call '%bogus'")
        #expect(errorText("") == "invalid system call ''")
        #expect(errorText("!") == "invalid system call '!'")
        #expect(errorText(",") == "invalid system call ','")
        #expect(errorText("!,,") == "invalid system call '!,,'")
        #expect(selectedNames(try selection("?nosuch")).isEmpty)
        #expect(selectedNames(try selection("?nosuch,getpid")) == ["getpid"])
        #expect(selectedNames(try selection("??")).isEmpty)
    }

    @Test func laterExpressionReplaces() throws {
        var s = SyscallSelection(personalities: [.x86_64, .i386])
        try s.add("getpid")
        try s.add("getppid")
        #expect(selectedNames(s) == ["getppid"])
        // A failed expression leaves the selection as it was.
        #expect(throws: SelectionError.self) { try s.add("nosuch") }
        #expect(selectedNames(s) == ["getppid"])
    }

    @Test func aarch64Personality() throws {
        let s = try selection("openat,%%stat", [.aarch64])
        #expect(s.contains(abi: .aarch64, number: 56))
        #expect(selectedNames(s, .aarch64) == ["openat", "newfstatat", "fstat", "statx"])
        #expect(errorText("open") == nil)
        #expect(throws: SelectionError.self) { try selection("open", [.aarch64]) }
        #expect((try? selection("read@32", [.aarch64])) != nil)  // arm has no table here: accepted
    }

    @Test func arbitraryInputNeverTraps() {
        var rng = SystemRandomNumberGenerator()
        let alphabet = Array("!?@,/%^$()[]{}*+.|\\0123456789abcdefghijklmnopqrstuvwxyz_ \u{0}é")
        for _ in 0..<3000 {
            let n = Int.random(in: 0..<12, using: &rng)
            let s = String((0..<n).map { _ in alphabet.randomElement(using: &rng)! })
            var sel = SyscallSelection(personalities: [.x86_64, .i386])
            try? sel.add(s)
            _ = sel.contains(abi: .i386, number: Int.random(in: -10...2000, using: &rng))
        }
    }
}

@Suite(.serialized, .enabled(if: StraceOracle.available, "needs strace 6.x, gcc and ptrace on x86_64"))
struct SelectionStraceTests {
    static let expressions = [
        "!%file", "/^get", "/^(read|write|close)$", "?nosuchcall,getpid", "%stat,%fstat", "!/^(mmap|munmap)$",
        "desc", "process,signal", "all", "!none", "none", "read@64,write", "39,getppid", "!!%memory",
        "?/zzz,%clock", "%net", "%%statfs,?bogus@32", "file,%ipc", "!%desc,%file", "/sig|sock", "?_llseek,%creds",
        "!?nosuch,%pure", "read,all",
    ]

    @Test(arguments: SelectionStraceTests.expressions)
    func sameSyscallsAsStrace(_ expr: String) throws {
        let called = Set(StraceOracle.calledNames)
        #expect(!called.isEmpty)
        let sel = try selection(expr)
        let ours = Set(called.filter { sel.contains(abi: .x86_64, name: $0) })
        let theirs = try StraceOracle.traced(expr).intersection(called)
        #expect(ours.subtracting(theirs).sorted() == [], "only ours for \(expr)")
        #expect(theirs.subtracting(ours).sorted() == [], "only strace's for \(expr)")
    }

    static let badExpressions = [
        "nosuch", "%bogus", "", "!", ",", "read@q", "?read@q", "/[", "/a(", "/zzz", "File", "read,none", "99999",
        "-1", "%FILE", "0x1", "read,,nosuch",
    ]

    @Test(arguments: SelectionStraceTests.badExpressions)
    func sameErrorAsStrace(_ expr: String) throws {
        let r = try run("strace", ["-e", "trace=" + expr, "true"])
        #expect(r.status != 0)
        // strace names itself by argv[0]: "/usr/bin/strace: invalid system call 'x'".
        let first = r.stderr.split(separator: "\n").first.map(String.init) ?? ""
        let message = first.range(of: ": ").map { String(first[$0.upperBound...]) }
        #expect(errorText(expr) == message, "\(expr)")
    }
}
