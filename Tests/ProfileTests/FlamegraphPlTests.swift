import Foundation
import Testing
import TestSupport
@testable import Profile

/// The same folded input drawn by Brendan Gregg's flamegraph.pl (when on PATH) and by sonde:
/// every frame's tooltip, position, width and (differential) colour must agree.
@Suite(.enabled(if: hasTool("flamegraph.pl"), "flamegraph.pl not on PATH (github.com/brendangregg/FlameGraph)"))
struct FlamegraphPlTests {
    func compare(_ text: String) throws {
        let ref = try run("flamegraph.pl", ["--minwidth", "0"], stdin: text)
        #expect(ref.status == 0, "\(ref.stderr)")
        // flamegraph.pl rounds x and width to 0.1 px: compare frames of half a pixel or more, both ways.
        let theirs = try parseSVG(Array(ref.stdout.utf8)).frames
        var o = FlameGraphOptions()
        o.minWidth = 0
        let ours = try parseSVG(FlameGraph.svg(try Folded.read(Array(text.utf8)).profile, options: o)).frames
        func same(_ a: SVGFrame, _ b: SVGFrame) -> Bool {
            a.title == b.title && a.y == b.y && abs(a.x - b.x) < 0.06 && abs(a.width - b.width) < 0.11
        }
        let differential = text.split(separator: "\n").first!.split(separator: " ").count == 3
        for f in ours where f.width >= 0.5 {
            let match = theirs.first { same($0, f) }
            #expect(match != nil, "no frame like \(f.title) at x \(f.x) y \(f.y) width \(f.width) in flamegraph.pl's output")
            if let match, differential, f.name != "all" {
                #expect(rgb(f.fill) == rgb(match.fill), "\(f.title): differential colour \(f.fill) vs \(match.fill)")
            }
        }
        for f in theirs where f.width >= 0.6 {
            #expect(ours.contains { same($0, f) }, "flamegraph.pl's \(f.title) at x \(f.x) y \(f.y) width \(f.width) missing")
        }
        #expect(ours.filter { $0.width >= 0.6 }.count <= theirs.count)
    }

    /// Names none of which is a prefix of another: flamegraph.pl's sorted lines never split a frame.
    let letters = (0..<12).map { "f" + String(UnicodeScalar(UInt8(97 + $0))) }

    @Test func sameFramesAsFlamegraphPl() throws {
        try compare(generatedFolded(lines: 400, seed: 21, pool: letters).text)
    }

    @Test func siblingsWhoseNamesArePrefixesSortAsFlamegraphPl() throws {
        // f1 has no samples of its own (sorts as "f1;", after "f10"); g has (sorts as "g ", before "g.cold").
        try compare("main;f1;x 3\nmain;f10 2\nmain;f1;y 4\nmain;f1:z 1\nmain;g 1\nmain;g.cold;a 2\nmain;f 5\n")
    }

    @Test func sameDifferentialAsFlamegraphPl() throws {
        var rng = SplitMix(state: 4)
        let g = generatedFolded(lines: 300, seed: 22, pool: letters)
        var seen: Set<String> = []
        var text = ""
        for (s, c) in g.stacks where seen.insert(s.joined(separator: ";")).inserted {
            text += s.joined(separator: ";") + " \(c) \(max(1, c + Int64.random(in: -40...40, using: &rng)))\n"
        }
        try compare(text)
    }
}
