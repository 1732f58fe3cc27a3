import Testing
@testable import Profile

/// The folded reader and writer against hand-made and generated inputs.
struct FoldedTests {
    func read(_ s: String, _ o: Folded.Options = Folded.Options()) throws -> Folded.Result {
        try Folded.read(Array(s.utf8), options: o)
    }

    func stacks(_ p: StackProfile) -> [String] {
        (0..<p.stackCount).map { k in p.stack(k).map { p.frames[Int($0)].name }.joined(separator: ";") + " \(p.weight(k))" }
    }

    @Test func readsStacksRootFirstWithCounts() throws {
        let r = try read("main;foo;bar 10\nmain;foo 5\r\n\n   \nmain;baz;schedule_[k] 7\nmain;foo;bar 3")
        let p = r.profile
        #expect(p.columns == 1)
        #expect(stacks(p) == ["main;foo;bar 10", "main;foo 5", "main;baz;schedule_[k] 7", "main;foo;bar 3"])
        #expect(p.total() == 25)
        #expect(p.frames.map(\.name) == ["main", "foo", "bar", "baz", "schedule_[k]"], "frames interned once")
        #expect(p.frames[4].kind == .kernel)
        #expect(r.skipped == 0)
    }

    @Test func namesWithSpacesAndDigitsKeepTheirText() throws {
        let p = try read("a b;operator() 12;x 4\n").profile
        #expect(stacks(p) == ["a b;operator() 12;x 4"], "only the last number is the count; '12' stays in the name")
        let q = try read("a;b 7\na b 12;c 3\n").profile
        #expect(q.columns == 1 && stacks(q) == ["a;b 7", "a b 12;c 3"])
    }

    @Test func differentialColumnsAreDetectedOrRequired() throws {
        let p = try read("main;a 10 20\nmain;b 5 0\n").profile
        #expect(p.columns == 2)
        #expect(p.weight(0) == 10 && p.weight(0, column: 1) == 20 && p.weight(1, column: 1) == 0)
        #expect(throws: FoldedError(line: 2, reason: "one count where two (before, after) are expected")) {
            try read("main;a 10 20\nmain;b 5\n")
        }
        #expect(throws: FoldedError(line: 1, reason: "one count where two (before, after) are expected")) {
            try read("main;a 10\n", Folded.Options(columns: 2))
        }
    }

    @Test func badLinesAreReportedWithLineNumbersOrSkipped() throws {
        let text = "a;b 1\nno count here\n42\n\na;c 99999999999999999999999\na;d 2\n"
        #expect(throws: FoldedError(line: 2, reason: "no count at the end of the line")) { try read(text) }
        let r = try read(text, Folded.Options(skipBadLines: true))
        #expect(r.skipped == 3)
        #expect(r.firstError == FoldedError(line: 2, reason: "no count at the end of the line"))
        #expect(stacks(r.profile) == ["a;b 1", "a;d 2"])
        #expect(throws: FoldedError(line: 1, reason: "no stack before the count")) { try read("42\n") }
        #expect(throws: FoldedError(line: 1, reason: "count too large")) { try read("a 99999999999999999999\n") }
    }

    @Test func hugeAndFractionalCounts() throws {
        let big = Int64.max / 2
        let p = try read("a;b \(big)\na;c \(big)\na;d \(big)\na 2.5\na 0.4\n").profile
        #expect(p.weight(0) == big)
        #expect(p.weight(3) == 3 && p.weight(4) == 0, "fractions round to nearest")
        #expect(p.total() == .max, "sums saturate instead of trapping")
        let t = FrameTree(p)
        #expect(t.total(0) == .max)
    }

    @Test func garbageNeverTraps() throws {
        var rng = SplitMix(state: 42)
        for _ in 0..<300 {
            let n = Int.random(in: 0..<200, using: &rng)
            let alphabet = Array("ab; \t\n\r0123456789.;_[k]\u{0}\u{ff}".utf8)
            let bytes = (0..<n).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &rng)] }
            if let r = try? Folded.read(bytes, options: Folded.Options(skipBadLines: true)) {
                _ = Folded.write(r.profile)
                _ = FlameGraph.svg(r.profile)
            }
        }
    }

    @Test func writerMergesAndSortsLikeStackcollapse() throws {
        let p = try read("main;foo;bar 10\nmain;foo 5\nmain;baz 7\nmain;foo;bar 3\nmain;a;b;c 1\n").profile
        let out = String(decoding: Folded.write(p), as: UTF8.self)
        #expect(out == "main;a;b;c 1\nmain;baz 7\nmain;foo 5\nmain;foo;bar 13\n")
        // Round trip: reading the output gives the same merged stacks.
        let again = try read(out).profile
        #expect(String(decoding: Folded.write(again), as: UTF8.self) == out)
    }

    @Test func writerSanitizesNamesAndWritesTwoColumns() throws {
        var p = StackProfile(sampleTypes: [.samples, .samples])
        p.add(stack: [Frame("main"), Frame("std::map<a;b>")], weight: 1, weight2: 4)
        p.add(stack: [Frame("main"), Frame("irq", kind: .kernel)], weight: 2, weight2: 0)
        let out = String(decoding: Folded.write(p, annotateKinds: true), as: UTF8.self)
        #expect(out == "main;irq_[k] 2 0\nmain;std::map<a:b> 1 4\n")
    }

    @Test func generatedInputKeepsItsTotals() throws {
        let g = generatedFolded(lines: 2000, seed: 7)
        let p = try read(g.text).profile
        #expect(p.stackCount == 2000 && p.total() == g.total)
        let tree = FrameTree(p)
        #expect(tree.total(0) == g.total)
        // Every node's total equals the sum over stacks with that prefix; self sums to the total.
        let expected = prefixTotals(g.stacks)
        var selfSum: Int64 = 0
        for v in 1..<tree.count {
            var path: [String] = []
            var n = v
            while n > 0 { path.append(p.frames[Int(tree.frame(n))].name); n = Int(tree.parent(n)) }
            #expect(expected[path.reversed().joined(separator: ";")] == tree.total(v))
            selfSum += tree.selfWeight(v)
            let childSum = tree.children(v).reduce(Int64(0)) { $0 + tree.total(Int($1)) }
            #expect(childSum + tree.selfWeight(v) == tree.total(v))
        }
        #expect(selfSum == g.total)
        #expect(tree.count - 1 == expected.count)
        let names = tree.children(1).map { p.frames[Int(tree.frame(Int($0)))].name }
        #expect(names == names.sorted(), "children ordered by name")
    }

    @Test func reversedTreeMergesLeafFirst() throws {
        let p = try read("main;a;x 3\nmain;b;x 4\nmain;b 1\n").profile
        let t = FrameTree(p, reversed: true)
        let tops = t.children(0).map { (p.frames[Int(t.frame(Int($0)))].name, t.total(Int($0))) }
        #expect(tops.map(\.0) == ["b", "x"] && tops.map(\.1) == [1, 7])
    }
}
