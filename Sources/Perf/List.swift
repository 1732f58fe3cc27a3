import CSonde
import Glibc
import PerfData
import PerfEvents

/// `perf list`: the event names this machine accepts, in perf 6.1's sections and layout
/// (`  %-50s [type]`): hardware and cache events only when the PMU counts them, software and tool
/// events, kernel PMU events from sysfs, the raw and breakpoint syntax, tracepoints from tracefs.
/// Not listed: SDT events (perf's build-id cache) and metric groups (perf's built-in JSON tables).
public enum List {
    static let options: [PerfOption] = [.flag(nil, "json"), .flag("d", "desc"), .flag("v", "long-desc"), .flag(nil, "raw-dump")]

    public struct Entry: Equatable, Sendable {
        public var name: String
        public var kind: String
    }

    public static func run(_ args: [String]) throws -> Int32 {
        if args.contains("-h") || args.contains("--help") {
            writeString("usage: sonde perf list [--json] [hw|sw|cache|tracepoint|pmu|event_glob|subsys:glob]...\n", fd: 1)
            return 0
        }
        let a = try PerfArguments.parse(args, options: options)
        let entries = try list(a.positional)
        if a.has("json") {
            var out = "[\n"
            for (i, e) in entries.enumerated() {
                out += "  {\"name\": \(statJSONString(e.name)), \"type\": \(statJSONString(e.kind))}" + (i + 1 < entries.count ? ",\n" : "\n")
            }
            writeString(out + "]\n", fd: 1)
        } else {
            writeString(render(entries), fd: 1)
        }
        return 0
    }

    public static func render(_ entries: [Entry]) -> String {
        var out = ""
        for e in entries { out += "  " + statPad(e.name, 50) + " [" + e.kind + "]\n" }
        return out
    }

    /// The entries `perf list ARGS` prints, in order.
    public static func list(_ args: [String]) throws -> [Entry] {
        if args.isEmpty { return all(glob: nil) }
        var out: [Entry] = []
        for arg in args {
            switch arg {
            case "hw", "hardware": out += hardware(glob: nil)
            case "sw", "software": out += software(glob: nil) + tool(glob: nil)
            case "cache", "hwcache": out += cache(glob: nil)
            case "tracepoint": out += tracepoints(system: nil, event: nil)
            case "pmu": out += pmu(glob: nil)
            case "sdt", "metric", "metricgroup": break  // not available in sonde
            default:
                if let colon = arg.firstIndex(of: ":") {
                    let sys = String(arg[..<colon]), ev = String(arg[arg.index(after: colon)...])
                    out += tracepoints(system: sys, event: ev)
                } else {
                    out += all(glob: "*\(arg)*")
                }
            }
        }
        return out
    }

    static func all(glob: String?) -> [Entry] {
        var out = hardware(glob: glob) + software(glob: glob) + tool(glob: glob) + cache(glob: glob) + pmu(glob: glob)
        if glob == nil {
            out.append(Entry(name: "rNNN", kind: "Raw hardware event descriptor"))
            out.append(Entry(name: "cpu/t1=v1[,t2=v2,t3 ...]/modifier", kind: "Raw hardware event descriptor"))
            out.append(Entry(name: "mem:<addr>[/len][:access]", kind: "Hardware breakpoint"))
        }
        out += tracepoints(system: nil, event: glob)
        return out
    }

    static func matches(_ s: String, _ glob: String?) -> Bool {
        guard let g = glob else { return true }
        return fnmatch(g, s, 0) == 0
    }

    /// Whether this machine can open the event (perf's is_event_supported: the caller's own task,
    /// retried with exclude_kernel).
    static func supported(type: UInt32, config: UInt64) -> Bool {
        var a = PerfAttr.blank()
        a.type = type; a.config = config; a.disabled = 1
        if (try? Counter(attr: a, pid: 0, cpu: -1)) != nil { return true }
        a.exclude_kernel = 1
        return (try? Counter(attr: a, pid: 0, cpu: -1)) != nil
    }

    static func symbolEntries(_ syms: [EventNames.Symbol], kind: String, glob: String?) -> [Entry] {
        var out: [Entry] = []
        for s in syms.sorted(by: { $0.name < $1.name }) {
            guard matches(s.name, glob) || (s.alias.map { matches($0, glob) } ?? false) else { continue }
            guard supported(type: s.type, config: s.config) else { continue }
            out.append(Entry(name: s.alias.map { "\(s.name) OR \($0)" } ?? s.name, kind: kind))
        }
        return out
    }

    static func hardware(glob: String?) -> [Entry] { symbolEntries(EventNames.hardware, kind: "Hardware event", glob: glob) }
    static func software(glob: String?) -> [Entry] { symbolEntries(EventNames.software, kind: "Software event", glob: glob) }

    static func tool(glob: String?) -> [Entry] {
        EventNames.tool.filter { matches($0, glob) }.map { Entry(name: $0, kind: "Tool event") }
    }

    static func cache(glob: String?) -> [Entry] {
        EventNames.cacheEvents.filter { matches($0.name, glob) && supported(type: PerfEventType.hwCache, config: $0.config) }
            .map { Entry(name: $0.name, kind: "Hardware cache event") }
    }

    /// sysfs PMU aliases: /sys/bus/event_source/devices/PMU/events/NAME → "PMU/NAME/".
    static func pmu(glob: String?) -> [Entry] {
        let root = "/sys/bus/event_source/devices"
        var names: [String] = []
        for p in dirEntries(root) {
            for e in dirEntries("\(root)/\(p)/events") where !e.hasSuffix(".scale") && !e.hasSuffix(".unit") && !e.hasSuffix(".snapshot") && !e.hasSuffix(".per-pkg") {
                let n = "\(p)/\(e)/"
                if matches(n, glob) || matches(e, glob) { names.append(n) }
            }
        }
        return names.sorted().map { Entry(name: $0, kind: "Kernel PMU event") }
    }

    static func tracepoints(system: String?, event: String?) -> [Entry] {
        Tracefs.tracepoints().filter { matches($0.system, system) && matches($0.event, event) }
            .map { "\($0.system):\($0.event)" }
            // perf sorts the whole "sys:event" strings (so "fib6:..." precedes "fib:...").
            .sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
            .map { Entry(name: $0, kind: "Tracepoint event") }
    }

    static func dirEntries(_ path: String) -> [String] { listDirectory(path).sorted() }
}
