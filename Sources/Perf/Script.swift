import PerfData

/// `perf script`: one line (or call chain) per sample, perf's default layout; `-F` picks fields.
public enum Script {
    static let options: [PerfOption] = [
        .value("i", "input"), .value("F", "fields"), .flag(nil, "ns"), .value(nil, "symfs"), .value(nil, "kallsyms"),
        .flag(nil, "demangle"), .value(nil, "max-stack"), .value("c", "comms"), .value(nil, "pid"), .value(nil, "tid"),
        .flag("f", "force"), .flag("G", "hide-call-graph"), .flag("q", "quiet"), .flag(nil, "header"),
    ]

    public static func run(_ args: [String]) throws -> Int32 {
        let a = try PerfArguments.parse(args, options: options)
        if let extra = a.positional.first { throw PerfUsageError("unexpected argument `\(extra)' (scripts are not supported)") }
        let userFields = try a.value("fields").map(ScriptFields.parse)
        let nanoseconds = a.has("ns")
        let maxStack = Int(a.value("max-stack") ?? "") ?? 127
        let rec = try Recording.open(a.value("input") ?? "perf.data", symfs: a.value("symfs") ?? "", kallsyms: a.value("kallsyms"),
                                     demangle: a.bool("demangle", default: true), maxStack: maxStack)
        let comms = a.value("comms").map { Set($0.split(separator: ",").map(String.init)) }
        let pids = a.value("pid").map { Set($0.split(separator: ",").compactMap { Int32($0) }) }
        let tids = a.value("tid").map { Set($0.split(separator: ",").compactMap { Int32($0) }) }
        let hideChains = a.has("hide-call-graph")
        let formats = rec.tracepointFormats()
        // Per event, perf's default fields for its type (tracepoints: their decoded record instead of
        // period and address), and its name right-aligned to the longest event name.
        let nameWidth = rec.eventNames.map(\.count).max() ?? 0
        let renderers = rec.file.attrs.indices.map { i -> ScriptRenderer in
            let t = rec.file.attrs[i].attr.sampleType
            var f = userFields ?? (formats[i] != nil ? ScriptFields.tracepoint(callchain: !hideChains && t.contains(.callchain)) : ScriptFields())
            if nanoseconds { f.nanoseconds = true }
            var r = ScriptRenderer(fields: f)
            r.eventWidth = nameWidth
            return r
        }
        var out = ""
        out.reserveCapacity(1 << 16)
        try rec.replayNamed { attr, sample, input in
            let r = rec.session.resolve(input)
            if let comms, !comms.contains(r.comm) { return }
            if let pids, !pids.contains(r.thread.pid) { return }
            if let tids, !tids.contains(r.thread.tid) { return }
            let t = rec.file.attrs[attr].attr.sampleType
            let chain = !hideChains && (t.contains(.callchain) || t.contains(.stackUser))
            let renderer = renderers[attr]
            var line = ScriptLine(comm: r.comm, pid: r.thread.pid, tid: r.thread.tid,
                                  cpu: t.contains(.cpu) ? input.cpu : nil, time: t.contains(.time) ? input.time : nil,
                                  period: t.contains(.period) ? input.period : nil, event: rec.eventNames[attr],
                                  frames: chain ? r.frames : [rec.session.machine.resolve(r.thread, input.ip, kernel: input.cpumode == 1)],
                                  hasCallchain: chain)
            if renderer.fields.trace, let format = formats[attr] {
                let machine = rec.session.machine, thread = r.thread
                line.trace = format.render(sample.raw) { address in
                    let l = machine.resolve(thread, address, kernel: true)
                    return l.symbol.map { ($0.name, address &- $0.start) }
                }
            }
            renderer.render(line, into: &out)
            if out.utf8.count > 1 << 16 {
                writeString(out, fd: 1)
                out.removeAll(keepingCapacity: true)
            }
        }
        writeString(out, fd: 1)
        return 0
    }
}
