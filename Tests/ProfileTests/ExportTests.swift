import Foundation
import Testing
import TestSupport
@testable import Profile

/// pprof and speedscope exports decoded independently (a wire-format decoder written here from
/// the protobuf spec; JSONSerialization) and checked against the stacks that went in.
struct ExportTests {
    /// A profile with modules, files, lines and an inlined frame.
    func sample() -> StackProfile {
        var p = StackProfile(sampleTypes: [.samples])
        p.period = 1_000_000
        let main = Frame("main", module: "/usr/bin/app", file: "app.c", line: 10)
        let work = Frame("work", module: "/usr/bin/app", file: "app.c", line: 20)
        let inl = Frame("helper", module: "/usr/bin/app", file: "util.h", line: 5, kind: .inlined)
        let memcpy = Frame("memcpy", module: "/lib/libc.so.6")
        let irq = Frame("irq_handler", kind: .kernel)
        p.add(stack: [main, work, inl], weight: 5)
        p.add(stack: [main, work, memcpy], weight: 7)
        p.add(stack: [main, work, inl], weight: 2)          // same stack again: merged
        p.add(leafFirst: [irq, memcpy, main], weight: 1)    // given leaf first
        return p
    }

    /// Each sample's function names leaf first (a location's lines innermost first), with its values.
    func decodedSamples(_ m: ProtoMessage) throws -> [(names: [String], values: [Int64])] {
        let strings = m.strings(6)
        var functions: [Int64: String] = [:]
        for f in try m.messages(5) { functions[f.int(1)] = strings[Int(f.int(2))] }
        var locations: [Int64: [String]] = [:]
        for l in try m.messages(4) {
            locations[l.int(1)] = try l.messages(4).map { functions[$0.int(1)]! }
        }
        return try m.messages(2).map { s in
            (try s.packed(1).flatMap { locations[$0]! }, try s.packed(2))
        }
    }

    @Test func pprofDecodesToTheSameStacksLeafFirst() throws {
        let m = try ProtoMessage(Pprof.encode(sample()))
        let strings = m.strings(6)
        #expect(strings.first == "", "string_table[0] is empty")
        let types = try m.messages(1)
        #expect(types.count == 1 && strings[Int(types[0].int(1))] == "samples" && strings[Int(types[0].int(2))] == "count")
        #expect(m.int(12) == 1_000_000, "period")
        let samples = try decodedSamples(m)
        #expect(samples.count == 3, "identical stacks merged")
        #expect(samples[0].names == ["helper", "work", "main"] && samples[0].values == [7])
        #expect(samples[1].names == ["memcpy", "work", "main"] && samples[1].values == [7])
        #expect(samples[2].names == ["irq_handler", "memcpy", "main"] && samples[2].values == [1])
        // The inlined frame shares a location with its caller: lines [helper, work].
        let firstLocation = try m.messages(2)[0].packed(1)[0]
        let loc = try m.messages(4).first { $0.int(1) == firstLocation }!
        let lines = try loc.messages(4)
        #expect(lines.count == 2 && lines.map { $0.int(2) } == [5, 20], "inline chain innermost first, with line numbers")
        // Mappings by module, referenced from locations; ids are 1-based and unique.
        let mappings = try m.messages(3)
        #expect(Set(mappings.map { strings[Int($0.int(5))] }) == ["/usr/bin/app", "/lib/libc.so.6"])
        #expect(strings[Int(mappings.first { $0.int(1) == loc.int(2) }!.int(5))] == "/usr/bin/app")
        let ids = try m.messages(4).map { $0.int(1) }
        #expect(Set(ids).count == ids.count && !ids.contains(0))
    }

    @Test func pprofDifferentialCarriesTwoValues() throws {
        let p = try Folded.read(Array("a;b 3 4\na;c 0 9\n".utf8)).profile
        let m = try ProtoMessage(Pprof.encode(p))
        #expect(try m.messages(1).count == 2)
        #expect(try decodedSamples(m).map(\.values) == [[3, 4], [0, 9]])
    }

    @Test func hugeWeightsSurviveEncoding() throws {
        var p = StackProfile()
        p.add(stack: [Frame("a")], weight: Int64.max - 1)
        let m = try ProtoMessage(Pprof.encode(p))
        #expect(try decodedSamples(m)[0].values == [Int64.max - 1])
    }

    @Test(arguments: [true, false])
    func gzipOutputIsReadByGzip(zlib: Bool) throws {
        let dir = try tempDir("pprof")
        defer { try? FileManager.default.removeItem(at: dir) }
        // Bigger than one stored block (65535 bytes), and compressible.
        var raw: [UInt8] = []
        var rng = SplitMix(state: 1)
        for i in 0..<200_000 { raw.append(i % 7 == 0 ? UInt8.random(in: 0...255, using: &rng) : UInt8(i % 13)) }
        let gz = Gzip.compress(raw, useZlib: zlib)
        if zlib && Gzip.hasZlib { #expect(gz.count < raw.count / 2) } else { #expect(gz.count > raw.count) }
        let rawPath = dir.appendingPathComponent("raw").path, gzPath = dir.appendingPathComponent("x.gz").path
        try Data(raw).write(to: URL(fileURLWithPath: rawPath))
        try Data(gz).write(to: URL(fileURLWithPath: gzPath))
        let r = try run("/bin/sh", ["-c", "gzip -dc \"$0\" | cmp - \"$1\"", gzPath, rawPath])
        #expect(r.status == 0, "gzip -dc gives back the input: \(r.stdout) \(r.stderr)")
        #expect(Gzip.crc32(Array("123456789".utf8)) == 0xCBF4_3926, "CRC-32 check value")
    }

    @Test(.enabled(if: hasTool("protoc"), "protoc not installed (Debian package protobuf-compiler)"))
    func protocDecodesTheProfile() throws {
        let dir = try tempDir("pprof")
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("p.pb").path
        try Data(Pprof.encode(sample())).write(to: URL(fileURLWithPath: path))
        let r = try run("/bin/sh", ["-c", "protoc --decode_raw < \"$0\"", path])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("6: \"\"") && r.stdout.contains("6: \"irq_handler\""))
    }

    @Test func speedscopeSamplesAndWeightsMatchTheStacks() throws {
        let g = generatedFolded(lines: 300, seed: 9)
        let p = try Folded.read(Array(g.text.utf8)).profile
        let json = try JSONSerialization.jsonObject(with: Data(Speedscope.json(p, name: "gen"))) as! [String: Any]
        #expect(json["$schema"] as? String == "https://www.speedscope.app/file-format-schema.json")
        let frames = ((json["shared"] as! [String: Any])["frames"] as! [[String: Any]]).map { $0["name"] as! String }
        let profiles = json["profiles"] as! [[String: Any]]
        #expect(profiles.count == 1)
        let prof = profiles[0]
        #expect(prof["type"] as? String == "sampled" && prof["unit"] as? String == "none")
        let samples = prof["samples"] as! [[Int]], weights = (prof["weights"] as! [NSNumber]).map(\.int64Value)
        #expect(samples.count == weights.count)
        #expect(weights.reduce(0, +) == g.total && (prof["endValue"] as! NSNumber).int64Value == g.total)
        // Stacks root first, identical stacks merged: compare with sums per distinct stack.
        var expected: [String: Int64] = [:]
        for (s, c) in g.stacks { expected[s.joined(separator: ";"), default: 0] += c }
        var got: [String: Int64] = [:]
        for (s, w) in zip(samples, weights) { got[s.map { frames[$0] }.joined(separator: ";"), default: 0] += w }
        #expect(got == expected)
        #expect(Set(samples.map { $0.map { frames[$0] }.joined(separator: ";") }).count == samples.count)
    }

    @Test func speedscopeKeepsFilesLinesAndUnits() throws {
        var p = StackProfile(sampleTypes: [.bytes])
        p.add(stack: [Frame("main", file: "a \"q\".c", line: 3), Frame("alloc")], weight: 4096)
        let json = try JSONSerialization.jsonObject(with: Data(Speedscope.json(p))) as! [String: Any]
        let frames = (json["shared"] as! [String: Any])["frames"] as! [[String: Any]]
        #expect(frames[0]["file"] as? String == "a \"q\".c" && frames[0]["line"] as? Int == 3)
        #expect((json["profiles"] as! [[String: Any]])[0]["unit"] as? String == "bytes")
    }
}
