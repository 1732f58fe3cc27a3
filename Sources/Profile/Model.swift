/// What a frame is, for colouring and for exports.
public enum FrameKind: UInt8, Sendable, Hashable {
    case user, kernel, inlined
}

/// One stack frame: a function name and where it came from when known.
public struct Frame: Hashable, Sendable {
    /// Function name (symbolized, possibly demangled), or an address in text form.
    public var name: String
    /// The module (DSO or executable path) the code belongs to.
    public var module: String?
    /// Source file of the function, when debug information told.
    public var file: String?
    /// Source line (0 = unknown).
    public var line: Int
    public var kind: FrameKind

    /// A frame; all but the name are optional.
    public init(_ name: String, module: String? = nil, file: String? = nil, line: Int = 0, kind: FrameKind = .user) {
        self.name = name
        self.module = module
        self.file = file
        self.line = line
        self.kind = kind
    }
}

/// What the weights count, as pprof names it: `samples`/`count`, `cpu`/`nanoseconds`, `alloc_space`/`bytes`.
public struct SampleType: Hashable, Sendable {
    public var type: String
    public var unit: String

    /// `type` names the quantity, `unit` its unit.
    public init(type: String, unit: String) {
        self.type = type
        self.unit = unit
    }

    /// Sample counts (CPU profiles).
    public static let samples = SampleType(type: "samples", unit: "count")
    /// Off-CPU (blocked) time in nanoseconds.
    public static let offCPU = SampleType(type: "off-cpu", unit: "nanoseconds")
    /// Allocated bytes (heap profiles).
    public static let bytes = SampleType(type: "alloc_space", unit: "bytes")
}

/// A profile: stacks (root first) of interned frames, each with one weight, or two for a
/// differential profile (before, after). Stacks are kept as added (duplicates allowed);
/// `FrameTree` merges them.
public struct StackProfile: Sendable {
    /// The interned frames; stacks refer to them by index.
    public private(set) var frames: [Frame] = []
    /// What the weight columns count: one entry, or two for a differential profile.
    public var sampleTypes: [SampleType]
    /// Number of weight columns (1, or 2 for a differential profile).
    public var columns: Int { sampleTypes.count }
    /// Sampling period in the first sample type's unit (pprof `period`), 0 if unknown.
    public var period: Int64 = 0

    private var frameIndex: [Frame: Int32] = [:]
    // Flattened stacks: stack k's frames are frameIDs[starts[k]..<starts[k+1]], root first.
    var frameIDs: [Int32] = []
    var starts: [Int] = [0]
    var weights: [Int64] = []
    var weights2: [Int64] = []

    /// An empty profile; pass two sample types for a differential (before, after) profile.
    public init(sampleTypes: [SampleType] = [.samples]) {
        precondition(sampleTypes.count == 1 || sampleTypes.count == 2, "one or two weight columns")
        self.sampleTypes = sampleTypes
    }

    /// Number of stacks added.
    public var stackCount: Int { weights.count }

    /// The index of a frame, interning it on first use.
    public mutating func frameID(_ frame: Frame) -> Int32 {
        if let id = frameIndex[frame] { return id }
        let id = Int32(frames.count)
        frames.append(frame)
        frameIndex[frame] = id
        return id
    }

    /// Adds a stack of interned frames (root first) with its weight (and the second column's).
    public mutating func add<C: Collection>(frameIDs stack: C, weight: Int64, weight2: Int64 = 0) where C.Element == Int32 {
        frameIDs.append(contentsOf: stack)
        starts.append(frameIDs.count)
        weights.append(weight)
        if columns == 2 { weights2.append(weight2) }
    }

    /// Adds a stack of frames (root first) with its weight (and the second column's).
    public mutating func add(stack: [Frame], weight: Int64, weight2: Int64 = 0) {
        var ids: [Int32] = []
        ids.reserveCapacity(stack.count)
        for f in stack { ids.append(frameID(f)) }
        add(frameIDs: ids, weight: weight, weight2: weight2)
    }

    /// Adds a stack given leaf first (as unwinders produce it).
    public mutating func add(leafFirst stack: [Frame], weight: Int64, weight2: Int64 = 0) {
        add(stack: stack.reversed(), weight: weight, weight2: weight2)
    }

    /// Stack `k`'s frame indices, root first.
    public func stack(_ k: Int) -> ArraySlice<Int32> { frameIDs[starts[k]..<starts[k + 1]] }

    /// Stack `k`'s weight in column `column` (0, or 1 for the second column of a differential profile).
    public func weight(_ k: Int, column: Int = 0) -> Int64 { column == 0 ? weights[k] : weights2[k] }

    /// Sum of a column's weights (saturating).
    public func total(column: Int = 0) -> Int64 {
        var t: Int64 = 0
        for w in column == 0 ? weights : weights2 { t = t.addingSaturating(w) }
        return t
    }

    /// Frames already interned by a reader; `ids` of `add(frameIDs:)` must index this table.
    mutating func setFrames(_ table: [Frame]) {
        frames = table
        frameIndex = [:]
        frameIndex.reserveCapacity(table.count)
        for (i, f) in table.enumerated() where frameIndex[f] == nil { frameIndex[f] = Int32(i) }
    }

    mutating func reserve(stacks: Int, frames n: Int) {
        weights.reserveCapacity(stacks)
        starts.reserveCapacity(stacks + 1)
        frameIDs.reserveCapacity(n)
        if columns == 2 { weights2.reserveCapacity(stacks) }
    }
}

extension Int64 {
    /// Sum clamped to Int64's range instead of trapping.
    @inline(__always) func addingSaturating(_ b: Int64) -> Int64 {
        let (r, o) = addingReportingOverflow(b)
        return o ? (b > 0 ? .max : .min) : r
    }
}
