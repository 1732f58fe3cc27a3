import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
@testable import Profile

/// Flame graph SVGs parsed as XML and checked against the folded input they were drawn from.
struct FlameGraphSVGTests {
    func profile(_ s: String) throws -> StackProfile { try Folded.read(Array(s.utf8)).profile }

    /// Reconstructs each drawn frame's path from geometry alone: depth from y, parent = the frame
    /// one level closer to the root whose x range contains it.
    func paths(_ frames: [SVGFrame], frameHeight: Double = 16, inverted: Bool = false) -> [(path: String, frame: SVGFrame, parent: SVGFrame?)] {
        let root = frames.first { $0.name == "all" }!
        func depth(_ f: SVGFrame) -> Int { Int(((inverted ? f.y - root.y : root.y - f.y) / frameHeight).rounded()) }
        var byDepth: [Int: [SVGFrame]] = [:]
        for f in frames { byDepth[depth(f), default: []].append(f) }
        var out: [(String, SVGFrame, SVGFrame?)] = []
        var pathOf: [String: String] = [:] // key "depth:x"
        func key(_ f: SVGFrame) -> String { "\(depth(f)):\(f.x):\(f.name)" }
        for d in (byDepth.keys.sorted()) {
            for f in byDepth[d]! {
                if d == 0 { pathOf[key(f)] = ""; out.append(("", f, nil)); continue }
                let mid = f.x + f.width / 2
                let parent = byDepth[d - 1]!.first { $0.x <= mid && mid <= $0.x + $0.width }
                guard let parent, let pp = pathOf[key(parent)] else { continue }
                let p = pp.isEmpty ? f.name : pp + ";" + f.name
                pathOf[key(f)] = p
                out.append((p, f, parent))
            }
        }
        return out
    }

    @Test(arguments: [false, true])
    func widthsFollowCountsAndChildrenNestInParents(inverted: Bool) throws {
        // Counts of 50 or more: every frame is wider than 2 px, so geometry identifies parents unambiguously.
        let g = generatedFolded(lines: 400, seed: 3, minCount: 50)
        var o = FlameGraphOptions()
        o.minWidth = 0
        o.inverted = inverted
        let svg = FlameGraph.svg(try profile(g.text), options: o)
        let (frames, root) = try parseSVG(svg)
        #expect(attr(root, "width") == "1200")
        let all = frames.first { $0.name == "all" }!
        #expect(all.count == g.total && abs(all.width - 1180) < 0.01 && all.x == 10, "the root spans the image")
        let expected = prefixTotals(g.stacks)
        let drawn = paths(frames, inverted: inverted)
        #expect(drawn.count == frames.count, "every frame sits on a parent")
        #expect(frames.count == expected.count + 1, "every distinct stack prefix is a frame (minwidth 0)")
        for (path, f, parent) in drawn where parent != nil {
            #expect(expected[path] == f.count, "\(path)")
            #expect(abs(f.width - Double(f.count) * 1180 / Double(g.total)) < 0.011, "\(path): width proportional to count")
            if inverted { #expect(f.y > parent!.y) } else { #expect(f.y < parent!.y) }
        }
        // Children side by side, never overlapping, never wider than their parent.
        for (_, p, _) in drawn {
            let kids = drawn.filter { $0.parent.map { $0.x == p.x && $0.y == p.y && $0.name == p.name } ?? false }.map(\.frame)
                .sorted { $0.x < $1.x }
            #expect(kids.reduce(0) { $0 + $1.width } <= p.width + 0.05)
            for (a, b) in zip(kids, kids.dropFirst()) { #expect(a.x + a.width <= b.x + 0.011) }
        }
    }

    @Test func tinyFramesAreOmittedBelowMinWidth() throws {
        let text = "main;big 100000\nmain;tiny 1\n"
        let (frames, _) = try parseSVG(FlameGraph.svg(try profile(text)))
        #expect(frames.map(\.name).sorted() == ["all", "big", "main"], "0.012 px is under the default 0.1 px")
        var o = FlameGraphOptions()
        o.minWidth = 0
        let (all, _) = try parseSVG(FlameGraph.svg(try profile(text), options: o))
        #expect(all.contains { $0.name == "tiny" })
    }

    @Test func differentialColoursRedForGrowthBlueForShrinkage() throws {
        let before = try profile("main;grew 10\nmain;shrank 10\nmain;same 5\n")
        let after = try profile("main;grew 30\nmain;shrank 5\nmain;same 5\n")
        let diff = StackProfile.differential(before: before, after: after)
        let (frames, _) = try parseSVG(FlameGraph.svg(diff))
        func f(_ n: String) -> SVGFrame { frames.first { $0.name == n }! }
        #expect(f("grew").count == 30 && f("shrank").count == 5, "widths and counts from the second profile")
        let g = rgb(f("grew").fill), s = rgb(f("shrank").fill), same = rgb(f("same").fill)
        #expect(g.0 == 255 && g.2 < 255, "grew is red: \(f("grew").fill)")
        #expect(s.2 == 255 && s.0 < 255, "shrank is blue: \(f("shrank").fill)")
        #expect(same == (255, 255, 255), "unchanged is white")
        #expect(f("grew").title == "grew (30 samples, 75.00%; +50.00%)", "delta in the tooltip, as flamegraph.pl")
        #expect(rgb(f("main").fill) == (255, 255, 255), "colour follows a frame's own (self) change, as flamegraph.pl")
        #expect(rgb(f("shrank").fill) == (0, 0, 255) || g == (255, 0, 0), "the largest change is saturated")
        var o = FlameGraphOptions()
        o.negate = true
        let (neg, _) = try parseSVG(FlameGraph.svg(diff, options: o))
        #expect(rgb(neg.first { $0.name == "grew" }!.fill).2 == 255, "--negate swaps the hues")
        // One file with two columns reads the same.
        let two = try profile("main;grew 10 30\nmain;shrank 10 5\nmain;same 5 5\n")
        let (frames2, _) = try parseSVG(FlameGraph.svg(two))
        #expect(frames2.map(\.fill) == frames.map(\.fill))
    }

    @Test func paletteIsDeterministicByName() throws {
        let (frames, _) = try parseSVG(FlameGraph.svg(try profile("a;x;b 3\nc;x 5\nd;e;x 2\n")))
        let xs = frames.filter { $0.name == "x" }
        #expect(xs.count == 3 && Set(xs.map(\.fill)).count == 1, "same name, same colour")
        for f in frames where f.name != "all" {
            let (r, g, b) = rgb(f.fill)
            #expect((205...255).contains(r) && (0...230).contains(g) && (0...55).contains(b), "hot palette")
        }
        var o = FlameGraphOptions()
        o.palette = .mem
        let (mem, _) = try parseSVG(FlameGraph.svg(try profile("a;b 1\n"), options: o))
        #expect(mem.filter { $0.name != "all" }.allSatisfy { rgb($0.fill).0 == 0 })
        #expect(Palette.java.rgb(name: "tcp_sendmsg", kind: .kernel) == Palette.orange.rgb(name: "tcp_sendmsg", kind: .user))
    }

    @Test func textIsEscapedTruncatedAndTitled() throws {
        var o = FlameGraphOptions()
        o.title = "T <1> & \"2\""
        o.subtitle = "sub"
        o.width = 300
        o.countName = "bytes"
        let long = String(repeating: "verylongfunctionname", count: 10)
        let svg = FlameGraph.svg(try profile("main;<lambda>&\"q\" 1\nmain;\(long) 3\n"), options: o)
        let (frames, root) = try parseSVG(svg)
        let texts = try root.nodes(forXPath: "//*[local-name()='text']").compactMap { ($0 as? XMLElement) }
        #expect(texts.contains { attr($0, "id") == "title" && $0.stringValue == "T <1> & \"2\"" })
        #expect(texts.contains { attr($0, "id") == "subtitle" && $0.stringValue == "sub" })
        let lambda = frames.first { $0.name == "<lambda>&\"q\"" }
        #expect(lambda?.title == "<lambda>&\"q\" (1 bytes, 25.00%)")
        let l = frames.first { $0.name == long }!
        #expect(l.label.hasSuffix("..") && long.hasPrefix(l.label.dropLast(2)))
        #expect(Double(l.label.count) * 12 * 0.59 <= l.width, "the label fits its frame")
    }

    @Test func emptyInputDrawsAnErrorPicture() throws {
        let (frames, root) = try parseSVG(FlameGraph.svg(StackProfile()))
        #expect(frames.isEmpty)
        #expect(root.stringValue?.contains("ERROR: No valid input") == true)
    }

    @Test func reversedGraphPutsLeavesAtTheBase() throws {
        var o = FlameGraphOptions()
        o.reversed = true
        let (frames, _) = try parseSVG(FlameGraph.svg(try profile("main;a;leaf 3\nmain;b;leaf 4\n"), options: o))
        let drawn = paths(frames)
        #expect(drawn.first { $0.path == "leaf" }?.frame.count == 7)
        #expect(drawn.first { $0.path == "leaf;b;main" }?.frame.count == 4)
    }
}
