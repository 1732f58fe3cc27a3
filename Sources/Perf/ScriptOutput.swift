/// `perf script` lines in perf 6's default layout (builtin-script.c): one line per sample with
/// comm, tid, [cpu], time, period, event, then the address and symbol, or the call chain below it.
public struct ScriptLine {
    public var comm: String
    public var pid: Int32
    public var tid: Int32
    public var cpu: UInt32?
    public var time: UInt64?
    public var period: UInt64?
    public var event: String
    /// Leaf first; a single frame when the sample has no call chain.
    public var frames: [Machine.Location]
    public var hasCallchain: Bool
    /// A tracepoint's decoded record (the `trace` field).
    public var trace: String? = nil
}

/// Which fields `perf script -F` asked for (nil: perf's defaults for the recorded sample type).
public struct ScriptFields: Sendable {
    public var comm = true, tid = true, pid = false, cpu = true, time = true, period = true, event = true
    public var ip = true, sym = true, symoff = true, dso = true
    public var trace = false
    public var nanoseconds = false

    public init() {}

    /// perf's defaults for tracepoint events: the decoded record instead of period and address; the
    /// address fields come back as the call chain when the samples have one.
    public static func tracepoint(callchain: Bool) -> ScriptFields {
        var f = ScriptFields()
        f.period = false
        f.trace = true
        f.ip = callchain; f.sym = callchain; f.symoff = callchain; f.dso = callchain
        return f
    }

    /// `-F comm,tid,time,...`; a leading `+`/`-` adds to or removes from the defaults.
    public static func parse(_ s: String) throws(PerfUsageError) -> ScriptFields {
        var f = ScriptFields()
        var list = s
        // "type:fields" applies to one event type; we have one field set for all.
        if let colon = list.firstIndex(of: ":"), ["hw", "sw", "trace", "raw", "synth"].contains(String(list[..<colon])) {
            list = String(list[list.index(after: colon)...])
        }
        let incremental = list.hasPrefix("+") || list.hasPrefix("-")
        if !incremental {
            f.comm = false; f.tid = false; f.cpu = false; f.time = false; f.period = false; f.event = false
            f.ip = false; f.sym = false; f.symoff = false; f.dso = false; f.trace = false
        }
        for raw in list.split(separator: ",") {
            var name = Substring(raw)
            var on = true
            if name.hasPrefix("+") { name = name.dropFirst() } else if name.hasPrefix("-") { name = name.dropFirst(); on = false }
            switch name {
            case "comm": f.comm = on
            case "tid": f.tid = on
            case "pid": f.pid = on
            case "cpu": f.cpu = on
            case "time": f.time = on
            case "period": f.period = on
            case "event": f.event = on
            case "ip": f.ip = on
            case "sym": f.sym = on
            case "symoff": f.symoff = on
            case "dso": f.dso = on
            case "trace": f.trace = on
            default: throw PerfUsageError("Invalid field requested: `\(name)'")
            }
        }
        return f
    }
}

public struct ScriptRenderer {
    public var fields: ScriptFields
    /// Event names are right-aligned to this width (perf: the longest name of the recording).
    public var eventWidth = 0
    public init(fields: ScriptFields) { self.fields = fields }

    public func render(_ l: ScriptLine, into out: inout String) {
        let chainMode = l.hasCallchain && fields.ip
        if fields.comm { out += chainMode ? l.comm + " " : Hists.pad(l.comm, 16) + " " }
        if fields.pid && fields.tid { out += Hists.pad(String(l.pid), 7) + "/" + String(l.tid).padding(7) + " " }
        else if fields.pid { out += Hists.pad(String(l.pid), 7) + " " }
        else if fields.tid { out += Hists.pad(String(l.tid), 5) + " " }
        if fields.cpu, let c = l.cpu { out += "[" + String(c).leftPad(3) + "] " }
        if fields.time, let t = l.time {
            let secs = t / 1_000_000_000, ns = t % 1_000_000_000
            out += Hists.pad(String(secs), 5) + "."
            out += fields.nanoseconds ? String(ns).leftPad(9) : String(ns / 1000).leftPad(6)
            out += ": "
        }
        if fields.period, let p = l.period { out += Hists.pad(String(p), 10) + " " }
        if fields.event { out += Hists.pad(l.event, eventWidth) + ": " }
        if fields.trace, let t = l.trace { out += t }
        guard fields.ip else {
            out += "\n"
            return
        }
        if chainMode {
            out += "\n"
            for f in l.frames {
                out += "\t" + Hists.pad(String(f.kernel || f.dso == nil ? f.address : f.mapAddress, radix: 16), 16)
                appendSymbol(f, into: &out)
                out += "\n"
            }
            out += "\n"
        } else if let f = l.frames.first {
            out += " " + Hists.pad(String(f.address, radix: 16), 16)
            appendSymbol(f, into: &out)
            out += "\n"
        } else {
            out += "\n"
        }
    }

    func appendSymbol(_ f: Machine.Location, into out: inout String) {
        if fields.sym {
            if let s = f.symbol {
                out += " " + s.name
                if fields.symoff { out += "+0x" + String(f.fileAddress &- s.start, radix: 16) }
            } else {
                out += " [unknown]"
            }
        }
        if fields.dso { out += " (" + (f.dso?.longName ?? "[unknown]") + ")" }
    }
}
