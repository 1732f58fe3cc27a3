/// perf report's histogram: samples grouped by sort keys (comm, pid, dso, sym, srcline, ...), self and
/// accumulated ("children") periods, and per entry a call-chain tree for the graph. Pure: fed resolved
/// samples, it never reads files.

/// A sort key of `perf report --sort` / a column of `-F`.
public enum SortKey: String, CaseIterable, Sendable {
    case comm, pid, tid, dso, sym, srcline, srcfile, cpu

    var header: String {
        switch self {
        case .comm: return "Command"
        case .pid: return "Pid:Command"
        case .tid: return "Tid:Command"
        case .dso: return "Shared Object"
        case .sym: return "Symbol"
        case .srcline: return "Source:Line"
        case .srcfile: return "Source File"
        case .cpu: return "CPU"
        }
    }
}

/// One frame of a resolved call chain (leaf first in `ResolvedSample.frames`).
public struct ChainFrame {
    public var location: Machine.Location
    public init(_ location: Machine.Location) { self.location = location }
}

/// A sample with its thread and call chain resolved to objects and functions.
public struct ResolvedSample {
    public var thread: Machine.Thread
    public var comm: String
    /// -1 when the recording has no CPU field.
    public var cpu: Int32
    public var period: UInt64
    /// Leaf first: frames[0] is the sampled address (or the innermost function inlined there).
    public var frames: [Machine.Location]
    /// Where the sample's own entry goes: the function holding the sampled address (never an inlined one).
    public var leaf: Machine.Location?
    public init(thread: Machine.Thread, comm: String, cpu: Int32, period: UInt64, frames: [Machine.Location], leaf: Machine.Location? = nil) {
        self.thread = thread
        self.comm = comm
        self.cpu = cpu
        self.period = period
        self.frames = frames
        self.leaf = leaf ?? frames.first
    }
}

/// How call chains are shown under each entry (`-g`).
public struct CallchainOptions: Sendable {
    public enum Mode: String, Sendable { case graph, flat, folded, fractal, none }
    public enum Order: String, Sendable { case caller, callee }
    public var mode: Mode = .graph
    /// Minimum share of the total (percent) a chain node needs to be shown.
    public var minPercent: Double = 0.5
    /// nil: perf's default (caller with --children, callee without).
    public var order: Order? = nil
    public var printLimit: Int = 0
    public init() {}
}

/// A node of a call-chain tree; `key` identifies the function (or the address when unresolved).
final class ChainNode {
    let key: FrameKey
    let name: String
    /// perf's order of siblings with equal periods: by object (in creation order), then function start.
    let place: ChainPlace
    var hit: UInt64 = 0
    var childrenHit: UInt64 = 0
    var children: [ChainNode] = []
    private var index: [FrameKey: Int] = [:]

    init(key: FrameKey, name: String, place: ChainPlace = ChainPlace(object: -1, start: 0)) {
        self.key = key
        self.name = name
        self.place = place
    }

    var cumulative: UInt64 { hit &+ childrenHit }

    /// The nodes of one chain (display order) below this node, created as needed: this node first.
    func path(_ chain: ArraySlice<(FrameKey, String, ChainPlace)>) -> [ChainNode] {
        var out: [ChainNode] = [self]
        out.reserveCapacity(chain.count + 1)
        var node = self
        for (k, name, place) in chain {
            let child: ChainNode
            if let i = node.index[k] { child = node.children[i] } else {
                child = ChainNode(key: k, name: name, place: place)
                node.index[k] = node.children.count
                node.children.append(child)
            }
            out.append(child)
            node = child
        }
        return out
    }

    /// Adds a period along a path from `path(_:)`: it passes through all but the last node and ends there.
    static func add(_ path: [ChainNode], period: UInt64) {
        for n in path.dropLast() { n.childrenHit &+= period }
        path.last?.hit &+= period
    }
}

/// Where a call-chain node sorts among siblings of equal period, highest first (perf's match_chain order puts a new node left of smaller ones: the object, as perf
/// compares its dso pointers, in creation order here; then the function's start, or the address without one).
struct ChainPlace: Comparable {
    var object: Int
    var start: UInt64
    static func < (a: ChainPlace, b: ChainPlace) -> Bool { (a.object, a.start) < (b.object, b.start) }

    init(object: Int, start: UInt64) { self.object = object; self.start = start }
    init(_ l: Machine.Location) {
        object = l.dso?.serial ?? -1
        start = l.symbol?.start ?? l.address
    }
}

/// What makes two frames the same callchain node: the function, or the address when it has none.
enum FrameKey: Hashable {
    case symbol(ObjectIdentifier)
    case address(UInt64)

    init(_ l: Machine.Location) {
        if let s = l.symbol { self = .symbol(ObjectIdentifier(s)) } else { self = .address(l.address) }
    }
}

/// One line of the report.
public final class HistEntry {
    /// Column texts by sort key, computed when the entry is created.
    public internal(set) var values: [SortKey: String]
    public internal(set) var period: UInt64 = 0
    public internal(set) var samples: UInt64 = 0
    public internal(set) var accumulatedPeriod: UInt64 = 0
    public internal(set) var accumulatedSamples: UInt64 = 0
    let chains = ChainNode(key: .address(0), name: "")
    /// Tie-break keys in sort order (perf compares keys when periods are equal).
    let order: [String]
    /// The thread of the first sample: perf sizes the comm column by the thread's last command name.
    var thread: Machine.Thread?
    /// The longest call chain added to this entry (from its frame to the end of the chain).
    var maxDepth = 0

    init(values: [SortKey: String], order: [String]) {
        self.values = values
        self.order = order
    }
}

/// The histogram of one event.
public final class Hists {
    public let sortKeys: [SortKey]
    public let children: Bool
    public let callchain: CallchainOptions?
    public private(set) var totalPeriod: UInt64 = 0
    public private(set) var totalSamples: UInt64 = 0
    public private(set) var entries: [HistEntry] = []
    private var byKey: [[Int]: HistEntry] = [:]
    private var strings: [String: Int] = [:]
    private var objects: [ObjectIdentifier: Int] = [:]
    private let lineOf: (Machine.Location) -> (file: String, line: UInt32)?

    /// `lineOf` answers srcline/srcfile keys (DWARF line tables); only called when those keys are used.
    public init(sortKeys: [SortKey], children: Bool, callchain: CallchainOptions?,
                lineOf: @escaping (Machine.Location) -> (file: String, line: UInt32)? = { _ in nil }) {
        self.sortKeys = sortKeys
        self.children = children
        self.callchain = callchain
        self.lineOf = lineOf
    }

    var chainOrder: CallchainOptions.Order { callchain?.order ?? (children ? .caller : .callee) }

    /// What one sample adds to: its self entry, the entries its callers accumulate into, and their
    /// call-chain paths. Identical samples (same thread state and addresses) reuse it.
    public struct Touch {
        let selfEntry: HistEntry
        let selfPath: [ChainNode]?
        let accumulated: [(HistEntry, [ChainNode]?)]
    }

    public func add(_ s: ResolvedSample) {
        guard let t = touch(s) else { return }
        apply(t, period: s.period)
    }

    public func apply(_ t: Touch, period: UInt64) {
        totalPeriod &+= period
        totalSamples &+= 1
        t.selfEntry.period &+= period
        t.selfEntry.samples &+= 1
        if let p = t.selfPath { ChainNode.add(p, period: period) }
        guard children else { return }
        t.selfEntry.accumulatedPeriod &+= period
        t.selfEntry.accumulatedSamples &+= 1
        for (e, p) in t.accumulated {
            e.accumulatedPeriod &+= period
            e.accumulatedSamples &+= 1
            if let p { ChainNode.add(p, period: period) }
        }
    }

    public func touch(_ s: ResolvedSample) -> Touch? {
        guard let leaf = s.leaf ?? s.frames.first else { return nil }
        let chain: [(FrameKey, String, ChainPlace)]
        if callchain != nil {
            let ordered = chainOrder == .callee ? s.frames : s.frames.reversed()
            chain = ordered.map { (FrameKey($0), Self.chainName($0), ChainPlace($0)) }
        } else { chain = [] }

        let selfEntry = entry(s, leaf)
        let selfPath = callchain != nil ? selfEntry.chains.path(chain[...]) : nil
        if callchain != nil { selfEntry.maxDepth = max(selfEntry.maxDepth, chain.count) }
        guard children else { return Touch(selfEntry: selfEntry, selfPath: selfPath, accumulated: []) }
        // Each distinct entry along the chain gets the period once, with the chain from that frame on.
        var seen: Set<ObjectIdentifier> = [ObjectIdentifier(selfEntry)]
        var acc: [(HistEntry, [ChainNode]?)] = []
        let frames = chainOrder == .callee ? Array(s.frames) : Array(s.frames.reversed())
        for (i, f) in frames.enumerated() {
            let e = entry(s, f)
            guard seen.insert(ObjectIdentifier(e)).inserted else { continue }
            if callchain != nil { e.maxDepth = max(e.maxDepth, chain.count - i) }
            acc.append((e, callchain != nil ? e.chains.path(chain[i...]) : nil))
        }
        return Touch(selfEntry: selfEntry, selfPath: selfPath, accumulated: acc)
    }

    /// The function, else the address as perf prints it with "%#lx" (plain "0" for zero).
    static func chainName(_ l: Machine.Location) -> String {
        l.symbol?.name ?? (l.address == 0 ? "0" : "0x" + String(l.address, radix: 16))
    }

    private func id(_ s: String) -> Int {
        if let i = strings[s] { return i }
        strings[s] = strings.count
        return strings.count - 1
    }

    private func id(_ o: AnyObject?) -> Int {
        guard let o else { return -1 }
        let k = ObjectIdentifier(o)
        if let i = objects[k] { return i }
        objects[k] = objects.count
        return objects.count - 1
    }

    private func entry(_ s: ResolvedSample, _ l: Machine.Location) -> HistEntry {
        var key: [Int] = []
        key.reserveCapacity(sortKeys.count * 2)
        for k in sortKeys {
            switch k {
            case .comm: key.append(id(s.comm))
            case .pid: key.append(Int(s.thread.pid)); key.append(id(s.comm))
            case .tid: key.append(Int(s.thread.tid)); key.append(id(s.comm))
            case .dso: key.append(id(l.dso))
            case .sym:
                if let sym = l.symbol { key.append(id(sym)) } else { key.append(-2); key.append(Int(truncatingIfNeeded: l.address)) }
            case .srcline, .srcfile: key.append(id(text(k, s, l)))
            case .cpu: key.append(Int(s.cpu))
            }
        }
        if let e = byKey[key] { return e }
        var values: [SortKey: String] = [:]
        for k in sortKeys { values[k] = text(k, s, l) }
        let e = HistEntry(values: values, order: sortKeys.map { values[$0] ?? "" })
        e.thread = s.thread
        byKey[key] = e
        entries.append(e)
        return e
    }

    /// The column text perf shows for a key.
    func text(_ k: SortKey, _ s: ResolvedSample, _ l: Machine.Location) -> String {
        switch k {
        case .comm: return s.comm
        case .pid: return Self.pad(String(s.thread.pid), 7) + ":" + s.comm
        case .tid: return Self.pad(String(s.thread.tid), 7) + ":" + s.comm
        case .dso: return l.dso?.shortName ?? "[unknown]"
        case .sym:
            let level = l.kernel ? "[k] " : "[.] "
            if let sym = l.symbol { return level + sym.name }
            // perf's "%#.16llx": zero has no 0x.
            let a = l.dso == nil ? l.address : l.mapAddress
            return level + (a == 0 ? "" : "0x") + String(a, radix: 16).leftPad(16)
        case .srcline:
            guard let (file, line) = lineOf(l) else { return "??:0" }
            return (file.split(separator: "/").last.map(String.init) ?? file) + ":\(line)"
        case .srcfile:
            guard let (file, _) = lineOf(l) else { return "" }
            return file.split(separator: "/").last.map(String.init) ?? file
        case .cpu:
            // perf's "%*.*d" with precision 3: 0 -> "000", -1 -> "-001".
            let digits = String(abs(Int(s.cpu))).leftPad(3)
            return s.cpu < 0 ? "-" + digits : digits
        }
    }

    static func pad(_ s: String, _ w: Int) -> String { s.count >= w ? s : String(repeating: " ", count: w - s.count) + s }

    /// Entries in report order: by (accumulated, with --children) period; among equal accumulated periods of
    /// one thread, callers above callees (perf 6: the deeper call chain first, the shallower with -g callee);
    /// then self period, then the key columns (perf's comm, dso and sym sort).
    public func sorted(bySelf: Bool = false) -> [HistEntry] {
        let acc = children && !bySelf
        let callerFirst = chainOrder == .caller
        return entries.sorted { a, b in
            let pa = acc ? a.accumulatedPeriod : a.period, pb = acc ? b.accumulatedPeriod : b.period
            if pa != pb { return pa > pb }
            if acc, callchain != nil, a.thread === b.thread, a.maxDepth != b.maxDepth {
                return callerFirst ? a.maxDepth > b.maxDepth : a.maxDepth < b.maxDepth
            }
            if a.period != b.period { return a.period > b.period }
            return a.order.lexicographicallyPrecedes(b.order)
        }
    }
}
