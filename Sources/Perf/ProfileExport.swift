import PerfData
import Profile

/// A recording as a symbolized stack profile for flame graphs and exports (`sonde flamegraph perf.data`):
/// one stack per sample, root first, with the command name as the root frame as stackcollapse-perf.pl
/// writes it; off-CPU recordings weigh each stack by its blocked nanoseconds.
public enum ProfileExport {
    /// Whether a file starts with perf.data's magic (either byte order).
    public static func isPerfData(_ firstBytes: [UInt8]) -> Bool {
        firstBytes.count >= 8 && (firstBytes.prefix(8).elementsEqual("PERFILE2".utf8) || firstBytes.prefix(8).elementsEqual("2ELIFREP".utf8))
    }

    /// The samples of `event` (default: the first event that has samples).
    public static func stackProfile(path: String, event: String? = nil) throws -> StackProfile {
        let rec = try Recording.open(path)
        var chosen: Int? = nil
        if let event {
            guard let i = rec.eventNames.firstIndex(of: event) else {
                throw PerfToolError("\(path): no event '\(event)' (events: \(rec.eventNames.joined(separator: ", ")))")
            }
            chosen = i
        }
        let offCPU = { (i: Int) in rec.eventNames[i] == "offcpu-time" }
        var profile: StackProfile? = nil
        try rec.replayNamed { attr, _, input in
            if chosen == nil { chosen = attr }
            guard attr == chosen else { return }
            if profile == nil { profile = StackProfile(sampleTypes: [offCPU(attr) ? .offCPU : .samples]) }
            let r = rec.session.resolve(input)
            var stack: [Frame] = [Frame(r.comm)]
            for l in r.frames.reversed() {
                let name = l.symbol?.name ?? "[unknown]"
                let kind: FrameKind = l.kernel ? .kernel : (name.hasSuffix(" (inlined)") ? .inlined : .user)
                stack.append(Frame(name, module: l.dso?.shortName, kind: kind))
            }
            profile!.add(stack: stack, weight: offCPU(attr) ? Int64(clamping: input.period) : 1)
        }
        return profile ?? StackProfile()
    }
}
