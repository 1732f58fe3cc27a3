/// A profile's stacks merged into a call tree (computed once): node 0 is the root (no frame);
/// every other node is a frame under its parent with self and total weights per column.
/// Children are ordered by frame name (bytewise), as flame graphs draw them.
public struct FrameTree: Sendable {
    /// Frame index (into the profile's `frames`) of each node; -1 for the root.
    public private(set) var frame: [Int32] = [-1]
    /// Parent node of each node; -1 for the root.
    public private(set) var parent: [Int32] = [-1]
    /// Depth of each node: 0 for the root, 1 for the outermost frames.
    public private(set) var depth: [Int32] = [0]
    private var total0: [Int64] = [0], self0: [Int64] = [0]
    private var total1: [Int64] = [], self1: [Int64] = []
    private var childStart: [Int32] = []
    private var childList: [Int32] = []
    /// Number of weight columns (as in the profile).
    public let columns: Int
    /// The deepest node's depth.
    public private(set) var maxDepth: Int = 0

    /// Number of nodes, the root included.
    public var count: Int { frame.count }

    /// Merges a profile's stacks; `reversed` merges them leaf first (a "reversed" flame graph).
    public init(_ profile: StackProfile, reversed: Bool = false) {
        columns = profile.columns
        let two = columns == 2
        if two { total1 = [0]; self1 = [0] }
        var table = NodeTable(capacity: 1024)
        let ids = profile.frameIDs, starts = profile.starts
        let w0 = profile.weights, w1 = profile.weights2
        for k in 0..<w0.count {
            let a = starts[k], b = starts[k + 1]
            let x0 = w0[k], x1 = two ? w1[k] : 0
            var node: Int32 = 0
            total0[0] = total0[0].addingSaturating(x0)
            if two { total1[0] = total1[0].addingSaturating(x1) }
            var i = reversed ? b - 1 : a
            var d: Int32 = 0
            while reversed ? i >= a : i < b {
                let f = ids[i]
                d += 1
                let key = UInt64(UInt32(bitPattern: node)) << 32 | UInt64(UInt32(bitPattern: f))
                var child = table.find(key)
                if child < 0 {
                    child = Int32(frame.count)
                    frame.append(f); parent.append(node); depth.append(d)
                    total0.append(0); self0.append(0)
                    if two { total1.append(0); self1.append(0) }
                    table.insert(key, child)
                    if Int(d) > maxDepth { maxDepth = Int(d) }
                }
                node = child
                total0[Int(node)] = total0[Int(node)].addingSaturating(x0)
                if two { total1[Int(node)] = total1[Int(node)].addingSaturating(x1) }
                i += reversed ? -1 : 1
            }
            self0[Int(node)] = self0[Int(node)].addingSaturating(x0)
            if two { self1[Int(node)] = self1[Int(node)].addingSaturating(x1) }
        }
        // Children lists: counting sort by parent, then by frame name within each list.
        let n = frame.count
        var rank = [Int32](repeating: 0, count: profile.frames.count)
        let order = profile.frames.indices.sorted {
            let a = profile.frames[$0].name.utf8, b = profile.frames[$1].name.utf8
            if a.elementsEqual(b) { return $0 < $1 }
            return a.lexicographicallyPrecedes(b)
        }
        for (r, f) in order.enumerated() { rank[f] = Int32(r) }
        childStart = [Int32](repeating: 0, count: n + 1)
        for v in 1..<max(n, 1) { childStart[Int(parent[v]) + 1] += 1 }
        for v in 0..<n { childStart[v + 1] += childStart[v] }
        childList = [Int32](repeating: 0, count: max(n - 1, 0))
        var fill = childStart
        for v in 1..<max(n, 1) {
            let p = Int(parent[v])
            childList[Int(fill[p])] = Int32(v)
            fill[p] += 1
        }
        for v in 0..<n where childStart[v + 1] - childStart[v] > 1 {
            let r = Int(childStart[v])..<Int(childStart[v + 1])
            let fr = frame
            childList[r].sort { rank[Int(fr[Int($0)])] < rank[Int(fr[Int($1)])] }
        }
    }

    /// Children of a node, ordered by frame name.
    public func children(_ node: Int) -> ArraySlice<Int32> {
        childList[Int(childStart[node])..<Int(childStart[node + 1])]
    }

    /// Inclusive weight of a node in a column (0, or 1 for a differential profile's second).
    public func total(_ node: Int, column: Int = 0) -> Int64 { column == 0 ? total0[node] : total1[node] }

    /// Exclusive (self) weight of a node in a column.
    public func selfWeight(_ node: Int, column: Int = 0) -> Int64 { column == 0 ? self0[node] : self1[node] }
}

/// Open-addressing map from (parent, frame) keys to node indices.
struct NodeTable {
    private var keys: [UInt64]
    private var values: [Int32]
    private var mask: Int
    private var used = 0

    init(capacity: Int) {
        var c = 16
        while c < capacity * 2 { c <<= 1 }
        keys = [UInt64](repeating: 0, count: c)
        values = [Int32](repeating: -1, count: c)
        mask = c - 1
    }

    @inline(__always) private static func hash(_ k: UInt64) -> Int {
        var x = k &* 0x9E37_79B9_7F4A_7C15
        x ^= x >> 29
        return Int(truncatingIfNeeded: x)
    }

    func find(_ key: UInt64) -> Int32 {
        var i = NodeTable.hash(key) & mask
        while true {
            let v = values[i]
            if v < 0 { return -1 }
            if keys[i] == key { return v }
            i = (i + 1) & mask
        }
    }

    mutating func insert(_ key: UInt64, _ value: Int32) {
        if (used + 1) * 2 > keys.count { grow() }
        var i = NodeTable.hash(key) & mask
        while values[i] >= 0 { i = (i + 1) & mask }
        keys[i] = key
        values[i] = value
        used += 1
    }

    private mutating func grow() {
        let oldK = keys, oldV = values
        keys = [UInt64](repeating: 0, count: oldK.count * 2)
        values = [Int32](repeating: -1, count: oldK.count * 2)
        mask = keys.count - 1
        used = 0
        for i in 0..<oldK.count where oldV[i] >= 0 { insert(oldK[i], oldV[i]) }
    }
}
