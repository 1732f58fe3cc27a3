import ArgumentParser
import Glibc
import Monitors
import ProcFS
import Render

struct Free: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "free",
        abstract: "Display amount of free and used memory in the system (procps free).",
        discussion: """
        Columns as procps-ng 4: used = total - available, buff/cache = Buffers + Cached + SReclaimable.
        --json prints one object per sample, every value in bytes:
          {"unit":"bytes","mem":{"total","used","free","shared","buffers","cache","buff_cache","available"},
           "low":{...} (with -l), "high":{...} (with -l), "swap":{"total","used","free"},
           "total":{"total","used","free"} (with -t), "committed":{"limit","committed_as","available"} (with -v)}
        With -s/-c, one JSON object per line.
        """,
        helpNames: [.long]
    )

    @Flag(name: [.customShort("b"), .customLong("bytes")], help: "Show output in bytes.") var bytes = false
    @Flag(name: .customLong("kilo"), help: "Show output in kilobytes.") var kilo = false
    @Flag(name: .customLong("mega"), help: "Show output in megabytes.") var mega = false
    @Flag(name: .customLong("giga"), help: "Show output in gigabytes.") var giga = false
    @Flag(name: .customLong("tera"), help: "Show output in terabytes.") var tera = false
    @Flag(name: .customLong("peta"), help: "Show output in petabytes.") var peta = false
    @Flag(name: [.customShort("k"), .customLong("kibi")], help: "Show output in kibibytes.") var kibi = false
    @Flag(name: [.customShort("m"), .customLong("mebi")], help: "Show output in mebibytes.") var mebi = false
    @Flag(name: [.customShort("g"), .customLong("gibi")], help: "Show output in gibibytes.") var gibi = false
    @Flag(name: .customLong("tebi"), help: "Show output in tebibytes.") var tebi = false
    @Flag(name: .customLong("pebi"), help: "Show output in pebibytes.") var pebi = false
    @Flag(name: [.customShort("h"), .customLong("human")], help: "Show human-readable output.") var human = false
    @Flag(name: .customLong("si"), help: "Use powers of 1000 not 1024.") var si = false
    @Flag(name: [.customShort("l"), .customLong("lohi")], help: "Show detailed low and high memory statistics.") var lohi = false
    @Flag(name: [.customShort("t"), .customLong("total")], help: "Show total for RAM + swap.") var total = false
    @Flag(name: [.customShort("v"), .customLong("committed")], help: "Show committed memory and commit limit.") var committed = false
    @Option(name: [.customShort("s", allowingJoined: true), .customLong("seconds")], help: ArgumentHelp("Repeat printing every N seconds.", valueName: "N")) var seconds: String?
    @Option(name: [.customShort("c", allowingJoined: true), .customLong("count")], help: ArgumentHelp("Repeat printing N times, then exit.", valueName: "N")) var count: String?
    @Flag(name: [.customShort("w"), .customLong("wide")], help: "Wide output (buffers and cache separate).") var wide = false
    @Flag(name: .customLong("json"), help: "JSON output (see above).") var json = false
    @Flag(name: [.customShort("V"), .customLong("version")], help: "Output version information and exit.") var version = false
    @Option(name: .customLong("proc"), help: .hidden) var procRoot = "/proc"

    func run() throws {
        setlocale(LC_ALL, "")
        if version { writeOut("free from sonde \(Sonde.version)\n"); return }
        var o = FreeReport.Options()
        let units: [(Bool, Int, Bool)] = [(bytes, 1, false), (kibi, 2, false), (mebi, 3, false), (gibi, 4, false), (tebi, 5, false),
                                          (pebi, 6, false), (kilo, 2, true), (mega, 3, true), (giga, 4, true), (tera, 5, true), (peta, 6, true)]
        let chosen = units.filter { $0.0 }
        if chosen.count > 1 { throw ToolError.usage("Multiple unit options don't make sense.") }
        if let u = chosen.first { o.exponent = u.1; o.si = u.2 }
        if si { o.si = true }
        o.human = human; o.wide = wide; o.lohi = lohi; o.total = total; o.committed = committed

        var repeating = false
        var interval = 1.0
        var remaining = 0
        if let s = seconds {
            guard let v = Double(s), v.isFinite else { throw ToolError.usage("seconds argument failed: '\(s)'") }
            guard v * 1_000_000 >= 1 else { throw ToolError.usage("seconds argument `\(s)' is not positive number") }
            interval = v
            repeating = true
        }
        if let c = count {
            guard let v = Int(c), v >= 1 else { throw ToolError.usage("failed to parse count argument: '\(c)'") }
            remaining = v
            repeating = true
        }
        let proc = ProcFS(root: procRoot)
        while true {
            writeOut(try FreeReport.sample(proc, o, json: json))
            if remaining > 0 {
                remaining -= 1
                if remaining < 1 { return }
            }
            if !repeating { return }
            if !json { writeOut("\n") }
            usleep(UInt32(min(interval * 1_000_000, Double(UInt32.max))))
        }
    }
}
