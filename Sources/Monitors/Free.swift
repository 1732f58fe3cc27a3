import ProcFS
import Render

/// free(1) as procps-ng 4.0.2 prints it.
public enum FreeReport {
    /// Output unit: exponent 0 is the default (KiB, or kB with --si), 1 bytes,
    /// 2 kilo, 3 mega, 4 giga, 5 tera, 6 peta; `si` selects powers of 1000.
    public struct Options: Sendable, Equatable {
        public var exponent = 0
        public var si = false
        public var human = false
        public var wide = false
        public var lohi = false
        public var total = false
        public var committed = false

        public init() {}
    }

    /// The numbers free shows, in KiB, derived from /proc/meminfo as libproc2 4.0.2 does.
    public struct Numbers: Sendable, Equatable {
        public var total: UInt64 = 0, used: UInt64 = 0, free: UInt64 = 0, shared: UInt64 = 0
        public var buffers: UInt64 = 0, cache: UInt64 = 0, available: UInt64 = 0
        public var lowTotal: UInt64 = 0, lowUsed: UInt64 = 0, lowFree: UInt64 = 0
        public var highTotal: UInt64 = 0, highUsed: UInt64 = 0, highFree: UInt64 = 0
        public var swapTotal: UInt64 = 0, swapUsed: UInt64 = 0, swapFree: UInt64 = 0
        public var commitLimit: UInt64 = 0, committedAS: UInt64 = 0

        public init() {}
    }

    /// Derives the numbers; throws when MemTotal is missing (not a meminfo file).
    public static func numbers(_ m: MemInfo) throws(ToolError) -> Numbers {
        guard m.has("MemTotal") else { throw ToolError("/proc/meminfo: malformed (no MemTotal)") }
        func v(_ k: String) -> UInt64 { UInt64(max(0, m[k])) }
        var n = Numbers()
        n.total = v("MemTotal"); n.free = v("MemFree"); n.shared = v("Shmem"); n.buffers = v("Buffers")
        n.cache = v("Cached") &+ v("SReclaimable")
        // libproc2: a missing (or zero) MemAvailable falls back to MemFree, and so
        // does one larger than MemTotal (containers); used = total - available.
        var avail = v("MemAvailable")
        if avail == 0 { avail = n.free }
        if avail > n.total { avail = n.free }
        n.available = avail
        if n.total >= avail { n.used = n.total - avail } else { n.used = n.total >= n.free ? n.total - n.free : 0 }
        n.highTotal = v("HighTotal"); n.highFree = v("HighFree")
        n.highUsed = n.highFree < n.highTotal ? n.highTotal - n.highFree : 0
        n.lowTotal = v("LowTotal"); n.lowFree = v("LowFree")
        if n.lowTotal == 0 { n.lowTotal = n.total; n.lowFree = n.free }
        n.lowUsed = n.lowFree < n.lowTotal ? n.lowTotal - n.lowFree : 0
        n.swapTotal = v("SwapTotal"); n.swapFree = v("SwapFree")
        n.swapUsed = n.swapFree < n.swapTotal ? n.swapTotal - n.swapFree : 0
        n.commitLimit = v("CommitLimit"); n.committedAS = v("Committed_AS")
        return n
    }

    static func power(_ base: Double, _ e: Int) -> Double {
        var r = 1.0
        for _ in 0..<max(0, e) { r *= base }
        return r
    }

    /// One value as free prints it (procps scale_size).
    public static func scale(kib: UInt64, _ o: Options) -> String {
        let base: Double = o.si ? 1000 : 1024
        let (b, overflow) = kib.multipliedReportingOverflow(by: 1024)
        let bytes = overflow ? UInt64.max : b
        if !o.human {
            switch o.exponent {
            case 0: return String(bytes / UInt64(base))
            case 1: return String(bytes)
            default: return String(UInt64(Double(bytes) / power(base, o.exponent - 1)))
            }
        }
        let plain = "\(bytes)B"
        if plain.utf8.count <= 4 { return plain }
        let units: [Character] = ["K", "M", "G", "T", "P"]
        var last = plain
        for (i, u) in units.enumerated() {
            let q = Double(bytes) / power(base, i + 1)
            let asFloat = Double(Float(q))
            let limit = o.si ? 4 : 5
            let suffix = o.si ? String(u) : "\(u)i"
            let a = cfmt("%.1f", asFloat) + suffix
            if a.utf8.count <= limit { return a }
            let whole = q < 9.2e18 ? String(Int64(q)) : String(UInt64(q))
            last = whole + suffix
            if last.utf8.count <= limit { return last }
        }
        return last
    }

    static func headCol(_ s: String) -> String { Format.left(s, 9) }

    /// The whole report for one sample.
    public static func render(_ n: Numbers, _ o: Options) -> String {
        func f(_ v: UInt64) -> String { Format.right(scale(kib: v, o), 11) }
        func sf(_ v: UInt64) -> String { " " + f(v) }
        var out = o.wide
            ? "               total        used        free      shared     buffers       cache   available\n"
            : "               total        used        free      shared  buff/cache   available\n"
        out += headCol("Mem:") + f(n.total) + sf(n.used) + sf(n.free) + sf(n.shared)
        if o.wide { out += sf(n.buffers) + sf(n.cache) } else { out += sf(n.buffers &+ n.cache) }
        out += sf(n.available) + "\n"
        if o.lohi {
            out += headCol("Low:") + f(n.lowTotal) + sf(n.lowUsed) + sf(n.lowFree) + "\n"
            out += headCol("High:") + f(n.highTotal) + sf(n.highUsed) + sf(n.highFree) + "\n"
        }
        out += headCol("Swap:") + f(n.swapTotal) + sf(n.swapUsed) + sf(n.swapFree) + "\n"
        if o.total {
            out += headCol("Total:") + f(n.total &+ n.swapTotal) + sf(n.used &+ n.swapUsed) + sf(n.free &+ n.swapFree) + "\n"
        }
        if o.committed {
            // procps subtracts unsigned values; an over-committed system shows 0 here instead of a wrapped number.
            let avail = n.commitLimit >= n.committedAS ? n.commitLimit - n.committedAS : 0
            out += headCol("Comm:") + f(n.commitLimit) + sf(n.committedAS) + sf(avail) + "\n"
        }
        return out
    }

    /// JSON object: every value in bytes, whatever the display unit.
    public static func json(_ n: Numbers, _ o: Options) -> JSON {
        func b(_ kib: UInt64) -> JSON {
            let (v, ov) = kib.multipliedReportingOverflow(by: 1024)
            return .int(ov || v > UInt64(Int64.max) ? Int64.max : Int64(v))
        }
        var fields: [(String, JSON)] = [
            ("unit", "bytes"),
            ("mem", .object([("total", b(n.total)), ("used", b(n.used)), ("free", b(n.free)), ("shared", b(n.shared)),
                             ("buffers", b(n.buffers)), ("cache", b(n.cache)), ("buff_cache", b(n.buffers &+ n.cache)),
                             ("available", b(n.available))])),
        ]
        if o.lohi {
            fields.append(("low", .object([("total", b(n.lowTotal)), ("used", b(n.lowUsed)), ("free", b(n.lowFree))])))
            fields.append(("high", .object([("total", b(n.highTotal)), ("used", b(n.highUsed)), ("free", b(n.highFree))])))
        }
        fields.append(("swap", .object([("total", b(n.swapTotal)), ("used", b(n.swapUsed)), ("free", b(n.swapFree))])))
        if o.total {
            fields.append(("total", .object([("total", b(n.total &+ n.swapTotal)), ("used", b(n.used &+ n.swapUsed)),
                                             ("free", b(n.free &+ n.swapFree))])))
        }
        if o.committed {
            let avail = n.commitLimit >= n.committedAS ? n.commitLimit - n.committedAS : 0
            fields.append(("committed", .object([("limit", b(n.commitLimit)), ("committed_as", b(n.committedAS)), ("available", b(avail))])))
        }
        return .object(fields)
    }

    /// Reads /proc/meminfo under `proc` and renders (text or JSON line).
    public static func sample(_ proc: ProcFS, _ o: Options, json asJSON: Bool) throws -> String {
        let n = try numbers(try proc.memInfo())
        return asJSON ? json(n, o).serialized() + "\n" : render(n, o)
    }
}
