import ArgumentParser
import Perf
import Profile
import Render

struct FlameGraphCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "flamegraph",
        abstract: "Draw folded stacks as an interactive flame graph SVG (flamegraph.pl options); export folded, pprof, speedscope.",
        discussion: """
            Reads folded stacks (`root;caller;leaf COUNT` per line, or `... BEFORE AFTER` for a differential) from FILE or \
            standard input. The SVG goes to standard output (or -o FILE); when an export (--folded, --pprof, --speedscope) \
            is requested, the SVG is written only with -o. "-" as a FILE means standard input/output.
            """)

    @Argument(help: "Folded stacks file (default: standard input); with --diff, BEFORE and AFTER.")
    var files: [String] = []

    @Flag(help: "Differential flame graph of two folded files (or one file with two count columns): widths from the second, red = grew, blue = shrank.")
    var diff = false
    @Flag(help: "Differential: scale the first profile to the second's total (difffolded.pl -n).")
    var normalize = false
    @Flag(help: "Differential: swap red and blue.")
    var negate = false

    @Option(name: .shortAndLong, help: ArgumentHelp("Write the SVG to FILE.", valueName: "file"))
    var output: String?
    @Option(help: ArgumentHelp("Write merged folded stacks to FILE.", valueName: "file"))
    var folded: String?
    @Option(help: ArgumentHelp("Write a gzipped pprof profile.proto to FILE.", valueName: "file"))
    var pprof: String?
    @Option(help: ArgumentHelp("Write a speedscope JSON profile to FILE.", valueName: "file"))
    var speedscope: String?

    @Option(help: ArgumentHelp("With a perf.data input: the event to draw (default: the first with samples).", valueName: "name"))
    var event: String?
    @Option(name: .shortAndLong, help: ArgumentHelp("Input file (perf.data or folded stacks), like a FILE argument.", valueName: "file"))
    var input: String?

    @Option(help: "Title text.") var title: String?
    @Option(help: "Second-level title.") var subtitle: String?
    @Option(help: "Image width in pixels.") var width: Double = 1200
    @Option(help: "Frame height in pixels.") var height: Double = 16
    @Option(help: "Font size.") var fontsize: Double = 12
    @Option(help: "Font family.") var fonttype = "Verdana"
    @Option(help: "Average character width as a fraction of the font size (label truncation).") var fontwidth: Double = 0.59
    @Option(help: "Omit frames narrower than this many pixels.") var minwidth: Double = 0.1
    @Option(help: "Palette: \(Palette.allCases.map(\.rawValue).joined(separator: ", ")).") var colors: String?
    @Option(help: "What the counts are (tooltips): samples, bytes, ...") var countname: String?
    @Option(help: "Label before the name in the details line.") var nametype = "Function:"
    @Option(help: "What the counts measure: samples, nanoseconds (off-CPU), bytes.") var unit = "samples"
    @Flag(help: "Reverse stacks (merge leaf first).") var reverse = false
    @Flag(help: "Icicle graph (root at the top).") var inverted = false
    @Flag(name: .customLong("skip-bad-lines"), help: "Skip invalid lines (counted on stderr) instead of failing.")
    var skipBadLines = false

    func run() throws {
        var files = self.files
        if let input { files.insert(input, at: 0) }
        guard width > 0, height > 0, fontsize > 0, fontwidth > 0, minwidth >= 0 else { throw ToolError.usage("sizes must be positive") }
        let sampleType: SampleType
        switch unit {
        case "samples", "count": sampleType = .samples
        case "nanoseconds", "ns", "off-cpu": sampleType = .offCPU
        case "bytes": sampleType = .bytes
        default: throw ToolError.usage("unknown --unit \(unit) (samples, nanoseconds, bytes)")
        }
        var palette: Palette?
        if let c = colors {
            guard let p = Palette(rawValue: c) else { throw ToolError.usage("unknown palette \(c) (\(Palette.allCases.map(\.rawValue).joined(separator: ", ")))") }
            palette = p
        }
        var profile: StackProfile
        let name: String
        if diff && files.count == 2 {
            let before = try load(files[0], sampleType, columns: 1)
            let after = try load(files[1], sampleType, columns: 1)
            profile = StackProfile.differential(before: before, after: after, normalize: normalize)
            name = files[1]
        } else if files.count <= 1 {
            name = files.first ?? "-"
            profile = try load(name, sampleType, columns: diff ? 2 : nil)
            if normalize && profile.columns == 2 {
                var b = StackProfile(sampleTypes: [sampleType]), a = StackProfile(sampleTypes: [sampleType])
                for k in 0..<profile.stackCount {
                    let s = profile.stack(k).map { profile.frames[Int($0)] }
                    b.add(stack: s, weight: profile.weight(k)); a.add(stack: s, weight: profile.weight(k, column: 1))
                }
                profile = StackProfile.differential(before: b, after: a, normalize: true)
            }
        } else {
            throw ToolError.usage(diff ? "--diff takes BEFORE AFTER, or one file with two count columns" : "one input file at most (two with --diff)")
        }
        let display = name == "-" ? "stdin" : name
        if let f = folded { try save(Folded.write(profile), f) }
        if let f = pprof { try save(Pprof.gzipped(profile), f) }
        if let f = speedscope { try save(Speedscope.json(profile, name: display), f) }
        if output != nil || (folded == nil && pprof == nil && speedscope == nil) {
            var o = FlameGraphOptions()
            o.title = title; o.subtitle = subtitle; o.width = width; o.frameHeight = height; o.fontSize = fontsize
            o.fontType = fonttype; o.fontWidth = fontwidth
            o.minWidth = minwidth; o.palette = palette; o.countName = countname; o.nameType = nametype
            o.reversed = reverse; o.inverted = inverted; o.negate = negate
            try save(FlameGraph.svg(profile, options: o), output ?? "-")
        }
        if profile.total(column: profile.columns - 1) == 0 {
            throw ToolError("\(display): no valid input (no stack samples)")
        }
    }

    private func load(_ path: String, _ type: SampleType, columns: Int?) throws -> StackProfile {
        let display = path == "-" ? "stdin" : path
        // A perf.data recording (perf's or sonde's) is symbolized here instead of needing perf script + stackcollapse.
        if path != "-", let head = try? ProfileIO.withContents(path, { Array($0.prefix(8)) }), ProfileExport.isPerfData(head) {
            do { return try ProfileExport.stackProfile(path: path, event: event) } catch let e as PerfToolError {
                throw ToolError(e.description)
            }
        }
        let options = Folded.Options(skipBadLines: skipBadLines, columns: columns, sampleType: type)
        let result: Folded.Result
        do {
            result = try ProfileIO.withContents(path) { try Folded.read($0, options: options) }
        } catch let e as ProfileIOError {
            throw ToolError("\(display): \(e.reason)")
        } catch {
            throw ToolError("\(display): \(error) (--skip-bad-lines skips such lines)")
        }
        if result.skipped > 0 {
            writeOut("sonde flamegraph: \(display): ignored \(result.skipped) lines with invalid format (first: \(result.firstError!))\n", fd: 2)
        }
        return result.profile
    }

    private func save(_ bytes: [UInt8], _ path: String) throws {
        do { try ProfileIO.write(bytes, to: path) } catch { throw ToolError("\(path): \(error.reason)") }
    }
}
