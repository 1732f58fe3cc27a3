import Testing
@testable import Perf

/// perf's parse-options rules, as `perf record`/`perf stat` accept them (tools/lib/subcmd/parse-options.c).
struct PerfOptionsTests {
    let options: [PerfOption] = [
        .flag("a", "all-cpus"), .flag("g", "g"), .value("F", "freq"), .value("e", "event"),
        .optional(nil, "call-graph"), .flag(nil, "children"), .value("o", "output"),
    ]

    @Test func bundledAttachedAndSeparateValues() throws {
        let a = try PerfArguments.parse(["-agF999", "-e", "cpu-clock", "-etask-clock", "--output=x.data", "sleep", "-e", "1"], options: options)
        #expect(a.has("all-cpus") && a.has("g"))
        #expect(a.value("freq") == "999")
        #expect(a.values("event") == ["cpu-clock", "task-clock"])
        #expect(a.value("output") == "x.data")
        #expect(a.positional == ["sleep", "-e", "1"], "the command's own options are not perf's")
    }

    @Test func negationOptionalValuesAndDoubleDash() throws {
        let a = try PerfArguments.parse(["--children", "--no-children", "--call-graph", "--", "-x"], options: options)
        #expect(a.bool("children", default: true) == false)
        #expect(a.value("call-graph") == "", "a bare optional-value option has no value")
        #expect(a.positional == ["-x"])
        let b = try PerfArguments.parse(["--call-graph=dwarf,4096"], options: options)
        #expect(b.value("call-graph") == "dwarf,4096")
        let c = try PerfArguments.parse(["--call-graph", "none", "--childr"], options: options)
        #expect(c.value("call-graph") == "none", "an optional value takes the next word unless it is an option")
        #expect(c.has("children"), "an unambiguous prefix names the option")
    }

    @Test func errorsNameTheOffendingOption() {
        #expect(throws: PerfUsageError("unknown option `nope'")) { try PerfArguments.parse(["--nope"], options: options) }
        #expect(throws: PerfUsageError("unknown switch `z'")) { try PerfArguments.parse(["-z"], options: options) }
        #expect(throws: PerfUsageError("option `F' requires a value")) { try PerfArguments.parse(["-F"], options: options) }
    }
}
