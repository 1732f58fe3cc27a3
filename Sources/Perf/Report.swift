import Glibc
import PerfData

/// `perf report`: reads a recording and prints the histogram (stdio; `--json` is sonde's addition).
public enum Report {
    public static func run(_ args: [String]) throws -> Int32 {
        let o = try ReportOptions.parse(args)
        let rec = try Recording.open(o.input, symfs: o.symfs, kallsyms: o.kallsyms, demangle: o.demangle, maxStack: o.maxStack)
        if o.header || o.headerOnly {
            writeString(HeaderText.render(rec.file, path: o.input), fd: 1)
            if o.headerOnly { return 0 }
        }
        let builder = ReportBuilder(options: o, eventNames: rec.eventNames, hasCallchains: rec.hasCallchains)
        // Samples that repeat (same thread state, event, cpu and addresses) resolve once.
        var cache: [SampleKey: Hists.Touch?] = [:]
        try rec.replayNamed { attr, _, input in
            // Stack copies are unwound first; the unwound addresses then key the cache like a call chain.
            var unwound: [(UInt64, Bool)]? = nil
            let chain: U64List
            if input.userStack != nil {
                let a = rec.session.addresses(input)
                unwound = a
                chain = U64List(a.map(\.0))
            } else {
                chain = input.callchain ?? U64List()  // the ip is in the key
            }
            let thread = rec.session.machine.thread(pid: input.pid, tid: input.tid)
            let key = SampleKey(thread: ObjectIdentifier(thread), generation: thread.generation, attr: attr,
                                cpu: input.cpu ?? .max, mode: input.cpumode, ip: input.ip, chain: chain)
            let touch: Hists.Touch?
            if let cached = cache[key] { touch = cached } else {
                let resolved = unwound.map { rec.session.resolve(input, addresses: $0) } ?? rec.session.resolve(input)
                touch = builder.touch(resolved, attr: attr)
                cache[key] = touch
            }
            if let touch { builder.apply(touch, attr: attr, period: input.period) }
        }
        builder.lostSamples = rec.lostSamples
        writeString(o.json ? builder.renderJSON() : builder.render(), fd: 1)
        return 0
    }
}

/// What makes two samples resolve the same.
struct SampleKey: Hashable {
    var thread: ObjectIdentifier
    var generation: Int
    var attr: Int
    var cpu: UInt32
    var mode: UInt16
    var ip: UInt64
    var chain: U64List
}

extension Recording {
    /// Opens a recording, turning a missing file or a malformed one into one line naming the file.
    static func open(_ path: String, symfs: String = "", kallsyms: String? = nil, demangle: Bool = true, maxStack: Int = 127) throws -> Recording {
        var st = stat()
        guard stat(path, &st) == 0 else {
            throw PerfToolError("\(path): \(String(cString: strerror(errno)))")
        }
        do {
            return try Recording(path: path, symfs: symfs, kallsyms: kallsyms, demangle: demangle, maxStack: maxStack)
        } catch let e as PerfDataError {
            throw PerfToolError(path + ": " + e.description.dropPrefix("perf.data: "))
        }
    }

    /// Replay with file errors named by path.
    func replayNamed(_ sample: (Int, Sample, SampleInput) throws -> Void) throws {
        do { try replay(sample) } catch let e as PerfDataError {
            throw PerfToolError(path + ": " + e.description.dropPrefix("perf.data: "))
        }
    }
}

/// A failure a perf subcommand reports as one line (`sonde perf report: <what>`), exit status 1.
public struct PerfToolError: Error, CustomStringConvertible {
    public let description: String
    public init(_ d: String) { description = d }
}

extension String {
    func dropPrefix(_ p: String) -> String { hasPrefix(p) ? String(dropFirst(p.count)) : self }
}
