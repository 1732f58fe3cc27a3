import Foundation
import Testing
import TestSupport
@testable import Profile

/// `sonde flamegraph` run as a program: inputs from files and stdin, exports, errors.
@Suite(.serialized)
struct CLITests {
    let dir: URL
    init() throws { dir = try tempDir("flamegraph") }

    func file(_ name: String, _ text: String) throws -> String {
        let p = dir.appendingPathComponent(name).path
        try Data(text.utf8).write(to: URL(fileURLWithPath: p))
        return p
    }

    @Test func stdinToSVGLikeFlamegraphPl() throws {
        let r = try run(sondeBinary, ["flamegraph", "--title", "CPU", "--width", "600"], stdin: "main;a 3\nmain;b 1\n")
        #expect(r.status == 0, "\(r.stderr)")
        let (frames, root) = try parseSVG(Array(r.stdout.utf8))
        #expect(attr(root, "width") == "600")
        #expect(frames.first { $0.name == "a" }?.title == "a (3 samples, 75.00%)")
    }

    @Test func exportsGoToFilesAndSVGOnlyWithOutput() throws {
        let input = try file("in.folded", "main;b 1\nmain;a 2\nmain;a 3\n")
        let pb = dir.appendingPathComponent("p.pb.gz").path, ss = dir.appendingPathComponent("s.json").path
        let r = try sonde(["flamegraph", "--folded", "-", "--pprof", pb, "--speedscope", ss, input])
        #expect(r.status == 0 && r.stdout == "main;a 5\nmain;b 1\n", "\(r.stderr)")
        let gz = try Data(contentsOf: URL(fileURLWithPath: pb))
        #expect(gz.prefix(2) == Data([0x1f, 0x8b]))
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: ss))) as! [String: Any]
        #expect(((json["profiles"] as! [[String: Any]])[0]["weights"] as! [Int]).reduce(0, +) == 6)
        let svg = dir.appendingPathComponent("o.svg").path
        let r2 = try sonde(["flamegraph", "--pprof", pb, "-o", svg, input])
        #expect(r2.status == 0 && r2.stdout.isEmpty)
        #expect(try parseSVG(Array(try Data(contentsOf: URL(fileURLWithPath: svg)))).frames.count == 4)
    }

    @Test func diffOfTwoFiles() throws {
        let a = try file("a.folded", "main;x 10\nmain;y 10\n"), b = try file("b.folded", "main;x 20\nmain;y 5\n")
        let r = try sonde(["flamegraph", "--diff", a, b])
        #expect(r.status == 0, "\(r.stderr)")
        let (frames, _) = try parseSVG(Array(r.stdout.utf8))
        #expect(rgb(frames.first { $0.name == "x" }!.fill).0 == 255 && rgb(frames.first { $0.name == "y" }!.fill).2 == 255)
        let f = try sonde(["flamegraph", "--diff", "--folded", "-", a, b])
        #expect(f.stdout == "main;x 10 20\nmain;y 10 5\n")
        let n = try sonde(["flamegraph", "--diff", "--normalize", "--folded", "-", a, b])
        #expect(n.stdout == "main;x 13 20\nmain;y 13 5\n", "before scaled to after's total 25/20")
    }

    @Test func errorsAreOneLineWithTheFile() throws {
        let missing = dir.appendingPathComponent("nope.folded").path
        let r = try sonde(["flamegraph", missing])
        #expect(r.status == 1 && r.stderr == "sonde flamegraph: \(missing): No such file or directory\n")
        let bad = try file("bad.folded", "main;a 1\nmain;b\n")
        let r2 = try sonde(["flamegraph", bad])
        #expect(r2.status == 1)
        #expect(r2.stderr.hasPrefix("sonde flamegraph: \(bad): line 2: no count at the end of the line"))
        #expect(r2.stderr.split(separator: "\n").count == 1)
        let r3 = try sonde(["flamegraph", "--skip-bad-lines", "--folded", "-", bad])
        #expect(r3.status == 0 && r3.stdout == "main;a 1\n" && r3.stderr.contains("ignored 1 lines"))
        let good = try file("good.folded", "a 1\n")
        let r4 = try sonde(["flamegraph", "-o", "/nonexistent-dir/x.svg", good])
        #expect(r4.status == 1 && r4.stderr == "sonde flamegraph: /nonexistent-dir/x.svg: No such file or directory\n")
        let r5 = try sonde(["flamegraph", "--colors", "plaid", good])
        #expect(r5.status == 2 && r5.stderr.contains("unknown palette plaid"))
        let r6 = try run(sondeBinary, ["flamegraph"], stdin: "")
        #expect(r6.status == 1 && r6.stderr == "sonde flamegraph: stdin: no valid input (no stack samples)\n")
        #expect(r6.stdout.contains("ERROR: No valid input"), "an error picture still goes out, as flamegraph.pl does")
    }
}
