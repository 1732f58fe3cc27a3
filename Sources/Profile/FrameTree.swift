/// A profile's stacks merged into a call tree (computed once): node 0 is the root (no frame);
/// every other node is a frame under its parent with self and total weights per column.
/// Children are ordered by frame name (bytewise), as flamegraph.pl draws them.
public struct FrameTree: Sendable {
    struct Node {
        var frame: Int32, parent: Int32
        var firstChild: Int32 = -1, nextSibling: Int32 = -1
        var total: Int64 = 0, selfWeight: Int64 = 0
    }
    private var nodes: [Node] = [Node(frame: -1, parent: -1)]
    /// Children per node, saturating (only "few" or "many" matters).
    private var childCount: [UInt8] = [0]
    private var total1: [Int64] = [], self1: [Int64] = []
    private var childStart: [Int32] = []
    private var childList: [Int32] = []
    /// Number of weight columns (as in the profile).
    public let columns: Int
    /// The deepest node's depth.
    public private(set) var maxDepth: Int = 0

    /// Number of nodes, the root included.
    public var count: Int { nodes.count }
    /// Frame index (into the profile's `frames`) of a node; -1 for the root.
    public func frame(_ node: Int) -> Int32 { nodes[node].frame }
    /// Parent of a node; -1 for the root.
    public func parent(_ node: Int) -> Int32 { nodes[node].parent }
    /// Depth of a node: 0 for the root, 1 for the outermost frames (walks up the parents).
    public func depth(_ node: Int) -> Int {
        var d = 0, n = node
        while n > 0 { n = Int(nodes[n].parent); d += 1 }
        return d
    }

    /// Nodes with more children than this are also indexed in a hash table.
    private static let listLimit: UInt8 = 8

    /// Merges a profile's stacks; `reversed` merges them leaf first (a "reversed" flame graph).
    public init(_ profile: StackProfile, reversed: Bool = false) {
        columns = profile.columns
        let two = columns == 2
        if two { total1 = [0]; self1 = [0] }
        var table = NodeTable(capacity: 1024)
        let ids = profile.frameIDs, starts = profile.starts
        let w0 = profile.weights, w1 = profile.weights2
        nodes.reserveCapacity(ids.count + 1) // an upper bound; untouched pages cost nothing
        childCount.reserveCapacity(ids.count + 1)
        // The previous stack's path (frame, node) per depth: sorted input (as stackcollapse writes it)
        // shares long prefixes, which then need no lookup.
        var prevFrame: [Int32] = [], prevNode: [Int32] = []
        for k in 0..<w0.count {
            let a = starts[k], b = starts[k + 1]
            let x0 = w0[k], x1 = two ? w1[k] : 0
            var node: Int32 = 0
            let len = b - a
            var d = 0
            var fresh = false
            while d < len {
                let f = ids[reversed ? b - 1 - d : a + d]
                var child: Int32 = -1
                if !fresh && d < prevFrame.count && prevFrame[d] == f {
                    child = prevNode[d]
                } else {
                    // A node created for this stack has no children yet: no lookup needed below it.
                    if !fresh { child = findChild(node, f, table) }
                    if child < 0 {
                        child = Int32(nodes.count)
                        nodes.append(Node(frame: f, parent: node, nextSibling: nodes[Int(node)].firstChild))
                        childCount.append(0)
                        if two { total1.append(0); self1.append(0) }
                        addChild(node, child, &table)
                        if d + 1 > maxDepth { maxDepth = d + 1 }
                        fresh = true
                    }
                    if d < prevFrame.count {
                        prevFrame[d] = f; prevNode[d] = child
                        if d + 1 < prevFrame.count { prevFrame[d + 1] = -2 } // the rest of the old path no longer applies
                    } else {
                        prevFrame.append(f); prevNode.append(child)
                    }
                }
                node = child
                d += 1
            }
            if d < prevFrame.count { prevFrame[d] = -2 }
            nodes[Int(node)].selfWeight = nodes[Int(node)].selfWeight.addingSaturating(x0)
            if two { self1[Int(node)] = self1[Int(node)].addingSaturating(x1) }
        }
        // Totals bottom up: a child's index is always greater than its parent's.
        nodes.withUnsafeMutableBufferPointer { ns in
            for v in stride(from: ns.count - 1, through: 0, by: -1) {
                ns[v].total = ns[v].total.addingSaturating(ns[v].selfWeight)
                if v > 0 { ns[Int(ns[v].parent)].total = ns[Int(ns[v].parent)].total.addingSaturating(ns[v].total) }
            }
        }
        if two {
            for v in stride(from: nodes.count - 1, through: 0, by: -1) {
                total1[v] = total1[v].addingSaturating(self1[v])
                if v > 0 { total1[Int(nodes[v].parent)] = total1[Int(nodes[v].parent)].addingSaturating(total1[v]) }
            }
        }
        // Children lists: counting sort by parent, then by frame name within each list.
        let n = nodes.count
        var rank = [Int32](repeating: 0, count: profile.frames.count)
        let order = profile.frames.indices.sorted {
            let a = profile.frames[$0].name.utf8, b = profile.frames[$1].name.utf8
            if a.elementsEqual(b) { return $0 < $1 }
            return a.lexicographicallyPrecedes(b)
        }
        for (r, f) in order.enumerated() { rank[f] = Int32(r) }
        childStart = [Int32](repeating: 0, count: n + 1)
        for v in 1..<max(n, 1) { childStart[Int(nodes[v].parent) + 1] += 1 }
        for v in 0..<n { childStart[v + 1] += childStart[v] }
        childList = [Int32](repeating: 0, count: max(n - 1, 0))
        // Each child's name rank beside it, filled in node order (sequential reads, no cache misses later).
        var childRank = [Int32](repeating: 0, count: max(n - 1, 0))
        var fill = childStart
        for v in 1..<max(n, 1) {
            let p = Int(nodes[v].parent)
            childList[Int(fill[p])] = Int32(v)
            childRank[Int(fill[p])] = rank[Int(nodes[v].frame)]
            fill[p] += 1
        }
        // Sibling order as flamegraph.pl's sorted input lines give it: names compared bytewise as if
        // followed by " " (a frame with its own samples: its line "...;name count" sorts first) or by
        // ";" (a frame seen only inside deeper stacks). This matters only when one sibling's name is
        // a prefix of another's ("f1" and "f10", "foo" and "foo::bar").
        let names: [[UInt8]] = order.map { Array(profile.frames[$0].name.utf8) }
        var prefixEnd = [Int32](repeating: 0, count: names.count)
        for r in names.indices {
            var lo = r, hi = names.count - 1 // last rank whose name starts with names[r]
            while lo < hi {
                let mid = (lo + hi + 1) / 2
                if names[mid].starts(with: names[r]) { lo = mid } else { hi = mid - 1 }
            }
            prefixEnd[r] = Int32(lo)
        }
        let ns = nodes, s1 = self1
        func separator(_ v: Int32) -> UInt8 {
            ns[Int(v)].selfWeight != 0 || (two && s1[Int(v)] != 0) ? 0x20 : 0x3B
        }
        func precedes(_ x: Int32, _ y: Int32) -> Bool {
            let rx = Int(rank[Int(ns[Int(x)].frame)]), ry = Int(rank[Int(ns[Int(y)].frame)])
            let (lo, hi, flip) = rx < ry ? (rx, ry, false) : (ry, rx, true)
            guard hi <= Int(prefixEnd[lo]) else { return rx < ry }
            // names[lo] is a prefix of names[hi]: its separator meets names[hi]'s next byte.
            let short = names[lo], long = names[hi]
            let sepShort = separator(flip ? y : x)
            let next = long.count > short.count ? long[short.count] : separator(flip ? x : y)
            if sepShort == next { return rx < ry }
            return flip ? next < sepShort : sepShort < next
        }
        // By name rank first; the separator rule only when a child's name is a prefix of the next's.
        var keyed: [(rank: Int32, node: Int32)] = []
        for v in 0..<n where childStart[v + 1] - childStart[v] > 1 {
            let r = Int(childStart[v])..<Int(childStart[v + 1])
            keyed.removeAll(keepingCapacity: true)
            for k in r { keyed.append((childRank[k], childList[k])) }
            keyed.sort { $0.rank < $1.rank }
            var prefixed = false
            for k in 1..<keyed.count where keyed[k].rank <= prefixEnd[Int(keyed[k - 1].rank)] { prefixed = true; break }
            for (k, e) in keyed.enumerated() { childList[r.lowerBound + k] = e.node }
            if prefixed { childList[r].sort(by: precedes) }
        }
    }

    @inline(__always) private static func key(_ parent: Int32, _ frame: Int32) -> UInt64 {
        UInt64(UInt32(bitPattern: parent)) << 32 | UInt64(UInt32(bitPattern: frame))
    }

    private func findChild(_ p: Int32, _ f: Int32, _ table: NodeTable) -> Int32 {
        if childCount[Int(p)] > FrameTree.listLimit { return table.find(FrameTree.key(p, f)) }
        var c = nodes[Int(p)].firstChild
        while c >= 0 {
            if nodes[Int(c)].frame == f { return c }
            c = nodes[Int(c)].nextSibling
        }
        return -1
    }

    /// Links a new node (already pointing at the old first child) under its parent.
    private mutating func addChild(_ p: Int32, _ c: Int32, _ table: inout NodeTable) {
        nodes[Int(p)].firstChild = c
        let count = childCount[Int(p)] &+ (childCount[Int(p)] == 255 ? 0 : 1)
        childCount[Int(p)] = count
        if count == FrameTree.listLimit + 1 {
            var x: Int32 = c
            while x >= 0 { table.insert(FrameTree.key(p, nodes[Int(x)].frame), x); x = nodes[Int(x)].nextSibling }
        } else if count > FrameTree.listLimit + 1 {
            table.insert(FrameTree.key(p, nodes[Int(c)].frame), c)
        }
    }

    /// Children of a node, ordered by frame name.
    public func children(_ node: Int) -> ArraySlice<Int32> {
        childList[Int(childStart[node])..<Int(childStart[node + 1])]
    }

    /// Inclusive weight of a node in a column (0, or 1 for a differential profile's second).
    public func total(_ node: Int, column: Int = 0) -> Int64 { column == 0 ? nodes[node].total : total1[node] }

    /// Exclusive (self) weight of a node in a column.
    public func selfWeight(_ node: Int, column: Int = 0) -> Int64 { column == 0 ? nodes[node].selfWeight : self1[node] }
}

/// Open-addressing map from (parent, frame) keys to node indices (key and value in one slot).
struct NodeTable {
    private var slots: [(key: UInt64, value: Int32)]
    private var mask: Int
    private var used = 0

    init(capacity: Int) {
        var c = 16
        while c < capacity * 2 { c <<= 1 }
        slots = Array(repeating: (0, -1), count: c)
        mask = c - 1
    }

    @inline(__always) private static func hash(_ k: UInt64) -> Int {
        var x = k &* 0x9E37_79B9_7F4A_7C15
        x ^= x >> 29
        return Int(truncatingIfNeeded: x)
    }

    func find(_ key: UInt64) -> Int32 {
        slots.withUnsafeBufferPointer { s in
            var i = NodeTable.hash(key) & mask
            while true {
                let e = s[i]
                if e.value < 0 { return -1 }
                if e.key == key { return e.value }
                i = (i + 1) & mask
            }
        }
    }

    mutating func insert(_ key: UInt64, _ value: Int32) {
        if (used + 1) * 2 > slots.count { grow() }
        let m = mask
        slots.withUnsafeMutableBufferPointer { s in
            var i = NodeTable.hash(key) & m
            while s[i].value >= 0 { i = (i + 1) & m }
            s[i] = (key, value)
        }
        used += 1
    }

    private mutating func grow() {
        let old = slots
        slots = Array(repeating: (0, -1), count: old.count * 2)
        mask = slots.count - 1
        used = 0
        for e in old where e.value >= 0 { insert(e.key, e.value) }
    }
}
