/// perf's symbolic event names and their (type, config) pairs, as tools/perf/util/parse-events.c
/// (event_symbols_hw/sw) and evsel.c (evsel__hw_names, evsel__hw_cache*) spell them in perf 6.1.
/// Pure: no live system. Tracepoint ids are resolved by the live layer (PerfEvents).

/// perf_event_attr.type values (include/uapi/linux/perf_event.h).
public enum PerfEventType {
    public static let hardware: UInt32 = 0
    public static let software: UInt32 = 1
    public static let tracepoint: UInt32 = 2
    public static let hwCache: UInt32 = 3
    public static let raw: UInt32 = 4
    public static let breakpoint: UInt32 = 5
}

public enum EventNames {
    /// One symbolic event: its canonical name, its alias (perf lists "context-switches OR cs").
    public struct Symbol: Sendable, Equatable {
        public let name: String
        public let alias: String?
        public let type: UInt32
        public let config: UInt64
    }

    /// PERF_TYPE_HARDWARE, config = PERF_COUNT_HW_*; names as parse-events.c event_symbols_hw.
    public static let hardware: [Symbol] = [
        Symbol(name: "cpu-cycles", alias: "cycles", type: 0, config: 0),
        Symbol(name: "instructions", alias: nil, type: 0, config: 1),
        Symbol(name: "cache-references", alias: nil, type: 0, config: 2),
        Symbol(name: "cache-misses", alias: nil, type: 0, config: 3),
        Symbol(name: "branch-instructions", alias: "branches", type: 0, config: 4),
        Symbol(name: "branch-misses", alias: nil, type: 0, config: 5),
        Symbol(name: "bus-cycles", alias: nil, type: 0, config: 6),
        Symbol(name: "stalled-cycles-frontend", alias: "idle-cycles-frontend", type: 0, config: 7),
        Symbol(name: "stalled-cycles-backend", alias: "idle-cycles-backend", type: 0, config: 8),
        Symbol(name: "ref-cycles", alias: nil, type: 0, config: 9),
    ]

    /// PERF_TYPE_SOFTWARE, config = PERF_COUNT_SW_*; names as parse-events.c event_symbols_sw.
    public static let software: [Symbol] = [
        Symbol(name: "cpu-clock", alias: nil, type: 1, config: 0),
        Symbol(name: "task-clock", alias: nil, type: 1, config: 1),
        Symbol(name: "page-faults", alias: "faults", type: 1, config: 2),
        Symbol(name: "context-switches", alias: "cs", type: 1, config: 3),
        Symbol(name: "cpu-migrations", alias: "migrations", type: 1, config: 4),
        Symbol(name: "minor-faults", alias: nil, type: 1, config: 5),
        Symbol(name: "major-faults", alias: nil, type: 1, config: 6),
        Symbol(name: "alignment-faults", alias: nil, type: 1, config: 7),
        Symbol(name: "emulation-faults", alias: nil, type: 1, config: 8),
        Symbol(name: "dummy", alias: nil, type: 1, config: 9),
        Symbol(name: "bpf-output", alias: nil, type: 1, config: 10),
        Symbol(name: "cgroup-switches", alias: nil, type: 1, config: 11),
    ]

    /// perf's tool events (not kernel events): measured by perf itself.
    public static let tool: [String] = ["duration_time", "user_time", "system_time"]

    /// The names perf reports for hardware events (evsel__hw_names).
    static let hwReportNames = ["cycles", "instructions", "cache-references", "cache-misses", "branches",
                                "branch-misses", "bus-cycles", "stalled-cycles-frontend", "stalled-cycles-backend", "ref-cycles"]
    /// The names perf reports for software events (evsel__sw_names).
    static let swReportNames = ["cpu-clock", "task-clock", "page-faults", "context-switches", "cpu-migrations",
                                "minor-faults", "major-faults", "alignment-faults", "emulation-faults", "dummy",
                                "bpf-output", "cgroup-switches"]

    // hw-cache: config = cache | op << 8 | result << 16 (PERF_COUNT_HW_CACHE_*).
    /// Cache names and their aliases (evsel__hw_cache); the first is canonical.
    public static let cacheTypes: [[String]] = [
        ["L1-dcache", "l1-d", "l1d", "L1-data"],
        ["L1-icache", "l1-i", "l1i", "L1-instruction"],
        ["LLC", "L2"],
        ["dTLB", "d-tlb", "Data-TLB"],
        ["iTLB", "i-tlb", "Instruction-TLB"],
        ["branch", "branches", "bpu", "btb", "bpc"],
        ["node"],
    ]
    /// Operations (evsel__hw_cache_op): [0] in "x-op-result" names, [1] in "x-ops" names.
    public static let cacheOps: [[String]] = [
        ["load", "loads", "read"],
        ["store", "stores", "write"],
        ["prefetch", "prefetches", "speculative-read", "speculative-load"],
    ]
    /// Results (evsel__hw_cache_result).
    public static let cacheResults: [[String]] = [
        ["refs", "Reference", "ops", "access"],
        ["misses", "miss"],
    ]
    /// Which ops each cache supports (evsel__hw_cache_stat): bit op.
    static let cacheOpMask: [UInt8] = [0b111, 0b101, 0b111, 0b111, 0b001, 0b001, 0b111]

    public static func cacheOpValid(cache: Int, op: Int) -> Bool {
        cache >= 0 && cache < cacheOpMask.count && op >= 0 && op < 3 && cacheOpMask[cache] & (1 << UInt8(op)) != 0
    }

    /// perf's name of a hw-cache config: "L1-dcache-loads", "L1-dcache-load-misses" (__evsel__hw_cache_type_op_res_name).
    public static func cacheName(cache: Int, op: Int, result: Int) -> String? {
        guard cache >= 0, cache < cacheTypes.count, op >= 0, op < cacheOps.count, result >= 0, result < cacheResults.count else { return nil }
        if result != 0 { return "\(cacheTypes[cache][0])-\(cacheOps[op][0])-\(cacheResults[result][0])" }
        return "\(cacheTypes[cache][0])-\(cacheOps[op][1])"
    }

    /// Every valid hw-cache event, canonical names in perf list order (cache, op, result).
    public static var cacheEvents: [(name: String, config: UInt64)] {
        var out: [(String, UInt64)] = []
        for c in 0..<cacheTypes.count {
            for o in 0..<cacheOps.count where cacheOpValid(cache: c, op: o) {
                for r in 0..<cacheResults.count {
                    out.append((cacheName(cache: c, op: o, result: r)!, UInt64(c) | UInt64(o) << 8 | UInt64(r) << 16))
                }
            }
        }
        return out
    }

    /// Every spelling perf accepts for hw-cache events ("type-op-result", "type-result-op", "type-op",
    /// "type-result", "type"), as perf's (case-sensitive) lexer does.
    static let cacheSpellings: [String: UInt64] = {
        var d: [String: UInt64] = [:]
        func put(_ k: String, _ v: UInt64) { if d[k] == nil { d[k] = v } }
        for (c, names) in cacheTypes.enumerated() {
            for n in names {
                for o in 0..<cacheOps.count where cacheOpValid(cache: c, op: o) {
                    for r in 0..<cacheResults.count {
                        let cfg = UInt64(c) | UInt64(o) << 8 | UInt64(r) << 16
                        for os in cacheOps[o] {
                            if r == 0 { put("\(n)-\(os)", cfg) }
                            for rs in cacheResults[r] {
                                put("\(n)-\(os)-\(rs)", cfg)
                                put("\(n)-\(rs)-\(os)", cfg)
                            }
                        }
                    }
                }
                // A result alone means a read: "L1-dcache-misses" = L1-dcache-load-misses.
                if cacheOpValid(cache: c, op: 0) {
                    for r in 0..<cacheResults.count {
                        for rs in cacheResults[r] { put("\(n)-\(rs)", UInt64(c) | UInt64(r) << 16) }
                    }
                }
                put(n, UInt64(c))
            }
        }
        return d
    }()

    /// The (type, config) of a symbolic name (hardware, software, hw-cache), or nil.
    public static func lookup(_ name: String) -> (type: UInt32, config: UInt64)? {
        for s in hardware + software where s.name == name || s.alias == name { return (s.type, s.config) }
        if let c = cacheSpellings[name] { return (PerfEventType.hwCache, c) }
        return nil
    }

    /// Every name a user may type (for "did you mean").
    public static var allNames: [String] {
        var out: [String] = []
        for s in hardware + software { out.append(s.name); if let a = s.alias { out.append(a) } }
        out += cacheEvents.map(\.name)
        out += tool
        return out
    }

    /// perf's name for an attr's (type, config), as perf report/script print it: "cycles", "task-clock",
    /// "L1-dcache-load-misses", "raw 0x1234" → perf prints "r1234"; tracepoints need their names from
    /// the file (EVENT_DESC) or tracefs, so they print as "tracepoint:<id>" here.
    public static func name(type: UInt32, config: UInt64) -> String {
        switch type {
        case PerfEventType.hardware:
            if config < UInt64(hwReportNames.count) { return hwReportNames[Int(config)] }
            return "unknown-hardware"
        case PerfEventType.software:
            if config < UInt64(swReportNames.count) { return swReportNames[Int(config)] }
            return "unknown-software"
        case PerfEventType.hwCache:
            let c = Int(config & 0xff), o = Int((config >> 8) & 0xff), r = Int((config >> 16) & 0xff)
            if config >> 24 == 0, cacheOpValid(cache: c, op: o), let n = cacheName(cache: c, op: o, result: r) { return n }
            return "unknown-ext-hardware-cache-type"
        case PerfEventType.raw:
            return "r" + String(config, radix: 16)
        case PerfEventType.tracepoint:
            return "unknown:unknown"  // perf: the name comes from tracefs / the file's event description
        case PerfEventType.breakpoint:
            return "mem:0x0"
        default:
            return "unknown attr type: \(type)"
        }
    }

    /// Levenshtein distance, for suggestions.
    static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a.utf8), b = Array(b.utf8)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var prev = Array(0...b.count), cur = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            cur[0] = i
            for j in 1...b.count {
                cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            swap(&prev, &cur)
        }
        return prev[b.count]
    }

    /// The closest known name, if it is reasonably close.
    public static func suggestion(for name: String, extra: [String] = []) -> String? {
        var best: (String, Int)? = nil
        for n in allNames + extra {
            let d = distance(name.lowercased(), n.lowercased())
            if best == nil || d < best!.1 { best = (n, d) }
        }
        guard let b = best, b.1 <= max(1, name.count / 3) else { return nil }
        return b.0
    }
}
