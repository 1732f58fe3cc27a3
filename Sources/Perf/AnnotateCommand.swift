import PerfData

/// `perf annotate [SYMBOL]`: every sampled function (or the named ones) with per-instruction shares.
public enum AnnotateCommand {
    static let options: [PerfOption] = [
        .value("i", "input"), .flag(nil, "stdio"), .flag(nil, "tui"), .value("s", "symbol"), .value("d", "dsos"),
        .value(nil, "symfs"), .flag("l", "print-line"), .flag("f", "force"), .flag(nil, "source"), .value("M", "disassembler-style"),
        .flag("q", "quiet"),
    ]

    public static func run(_ args: [String]) throws -> Int32 {
        let a = try PerfArguments.parse(args, options: options)
        var wanted = Set(a.positional)
        if let s = a.value("symbol") { wanted.insert(s) }
        let dsos = a.value("dsos").map { Set($0.split(separator: ",").map(String.init)) }
        let rec = try Recording.open(a.value("input") ?? "perf.data", symfs: a.value("symfs") ?? "")
        // Per event: symbol -> (address -> period, samples).
        struct Hits { var counts: [UInt64: UInt64] = [:]; var samples: UInt64 = 0; var period: UInt64 = 0 }
        var perEvent: [[ObjectIdentifier: (Symbol, Hits)]] = rec.eventNames.map { _ in [:] }
        try rec.replayNamed { attr, _, input in
            let thread = rec.session.machine.thread(pid: input.pid, tid: input.tid)
            let l = rec.session.machine.resolve(thread, input.ip, kernel: input.cpumode == 1)
            guard let sym = l.symbol, !l.kernel, attr < perEvent.count else { return }
            if !wanted.isEmpty && !wanted.contains(sym.name) { return }
            if let dsos, !dsos.contains(sym.dso.shortName) && !dsos.contains(sym.dso.longName) { return }
            var entry = perEvent[attr][ObjectIdentifier(sym)] ?? (sym, Hits())
            entry.1.counts[l.fileAddress, default: 0] &+= input.period
            entry.1.samples &+= 1
            entry.1.period &+= input.period
            perEvent[attr][ObjectIdentifier(sym)] = entry
        }
        var out = ""
        for (i, syms) in perEvent.enumerated() {
            for (sym, hits) in syms.values.sorted(by: { $0.1.period > $1.1.period }) {
                Annotator().render(dso: sym.dso, symbol: sym, counts: hits.counts, samples: hits.samples, event: rec.eventNames[i], into: &out)
            }
        }
        if out.isEmpty, !wanted.isEmpty {
            throw PerfToolError("no samples for \(wanted.sorted().joined(separator: ", "))")
        }
        writeString(out, fd: 1)
        return 0
    }
}
