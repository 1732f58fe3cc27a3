import Foundation
import Glibc
import Testing
import TestSupport
@testable import Syscalls

/// The file/descriptor/stat/memory decoders against strace 6.1 itself: Tests/Fixtures/strace_file.c makes
/// each call through syscall(2) and records its number, arguments, result and the memory it touched (before
/// and after the call); the test rebuilds every call into a `RangesMemory`, renders it and compares the
/// line with the one strace wrote for the same call in the same run.
@Suite(.serialized) struct FileDecoderTests {
    struct Record {
        var name: String
        var number: Int
        var result: Int64
        var errno: Int32
        var args: [UInt64]
        var before: [(UInt64, [UInt8])] = []
        var after: [(UInt64, [UInt8])] = []
    }

    static let fixture: String? = try? compileFixture("strace_file")

    static var canRun: Bool { hasTool("strace") && hasTool("setarch") && hasTool("gcc") }

    /// Runs the fixture under strace with `straceArgs`; returns the records and strace's lines between
    /// the two markers.
    func trace(_ straceArgs: [String]) throws -> (records: [Record], lines: [String]) {
        let exe = try #require(Self.fixture)
        let dir = try tempDir("fdec")
        defer { try? FileManager.default.removeItem(at: dir) }
        let work = dir.appendingPathComponent("d").path
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        let log = dir.appendingPathComponent("log").path
        var u = utsname()
        uname(&u)
        let machine = withUnsafeBytes(of: &u.machine) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        let r = try run("setarch", [machine, "-R", "strace", "-o", log] + straceArgs + [exe, work])
        #expect(r.status == 0, "\(r.stderr)")
        let text = try String(contentsOfFile: log, encoding: .utf8)
        var lines: [String] = []
        var inside = false
        for l in text.split(separator: "\n").map(String.init) {
            if l.hasPrefix("close(12345)") { inside = true; continue }
            if l.hasPrefix("close(12346)") { break }
            if inside { lines.append(l) }
        }
        return (parse(r.stdout), lines)
    }

    func parse(_ s: String) -> [Record] {
        var out: [Record] = []
        func bytes(_ h: Substring) -> [UInt8] {
            if h == "-" { return [] }
            var b: [UInt8] = []
            b.reserveCapacity(h.utf8.count / 2)
            var it = h.utf8.makeIterator()
            while let x = it.next(), let y = it.next() {
                func v(_ c: UInt8) -> UInt8 { c <= 57 ? c - 48 : c - 87 }
                b.append(v(x) << 4 | v(y))
            }
            return b
        }
        for line in s.split(separator: "\n") {
            let w = line.split(separator: " ")
            if w.first == "R", w.count == 11 {
                out.append(Record(name: String(w[1]), number: Int(w[2]) ?? -1, result: Int64(w[3]) ?? 0,
                                  errno: Int32(w[4]) ?? 0, args: w[5...].map { UInt64($0, radix: 16) ?? 0 }))
            } else if w.first == "M", w.count == 5, !out.isEmpty {
                let addr = UInt64(w[1], radix: 16) ?? 0
                out[out.count - 1].before.append((addr, bytes(w[3])))
                out[out.count - 1].after.append((addr, bytes(w[4])))
            }
        }
        return out
    }

    /// Whole pages (zero-filled) holding the regions, so string reads past a region's end still succeed as
    /// they do in the tracee.
    func memory(_ regions: [(UInt64, [UInt8])]) -> RangesMemory {
        var pages: [UInt64: [UInt8]] = [:]
        for (addr, b) in regions {
            for (i, x) in b.enumerated() {
                let a = addr + UInt64(i)
                pages[a & ~4095, default: [UInt8](repeating: 0, count: 4096)][Int(a & 4095)] = x
            }
        }
        return RangesMemory(pages.sorted { $0.key < $1.key }.map { (start: $0.key, bytes: $0.value) })
    }

    /// Decodes a record the way the session does (entry, then exit) and renders its whole line.
    func render(_ r: Record, options: DecodeOptions) -> String {
        var call = SyscallCall(abi: .x86_64, number: r.number, arguments: r.args)
        call.name = r.name
        var entry = DecodeContext(call: call, entering: true, memory: memory(r.before), options: options)
        Decoders.decode(&entry)
        call = entry.call
        call.returnValue = r.result
        call.isError = r.errno != 0
        var exit = DecodeContext(call: call, entering: false, memory: memory(r.after), options: options)
        Decoders.decode(&exit)
        var out: [UInt8] = []
        SyscallText.appendEntry(exit.call, to: &out, style: TextStyle())
        SyscallText.appendExit(exit.call, from: exit.call.printedAtEntry, lineStart: 0, column: 40, to: &out, style: TextStyle())
        return String(decoding: out, as: UTF8.self)
    }

    func compare(_ straceArgs: [String], _ options: DecodeOptions) throws {
        let (records, lines) = try trace(straceArgs)
        #expect(records.count > 150)
        #expect(records.count == lines.count, "records \(records.count), strace lines \(lines.count)")
        var bad: [String] = []
        for (r, line) in zip(records, lines) {
            let ours = render(r, options: options)
            if ours != line { bad.append("strace: \(line)\nsonde:  \(ours)") }
        }
        #expect(bad.isEmpty, "\(bad.count) of \(records.count) lines differ:\n\(bad.joined(separator: "\n"))")
    }

    @Test(.enabled(if: canRun)) func defaultOptionsMatchStrace() throws {
        try compare([], DecodeOptions())
    }

    @Test(.enabled(if: canRun)) func verboseMatchesStrace() throws {
        var o = DecodeOptions()
        o.verbose = true
        try compare(["-v"], o)
    }

    @Test(.enabled(if: canRun)) func shortStringsMatchStrace() throws {
        var o = DecodeOptions()
        o.stringLimit = 5
        try compare(["-s", "5"], o)
    }
}
