import Testing
import TestSupport
import PerfData
@testable import PerfEvents

/// perf's -e syntax: names, hw-cache spellings, raw, tracepoints, modifiers (checked against the attr
/// real perf 6.1 prints with `perf stat -vv`), groups and errors.
struct EventSpecTests {
    @Test func symbolicNamesAndAliases() throws {
        let cases: [(String, UInt32, UInt64)] = [
            ("cycles", 0, 0), ("cpu-cycles", 0, 0), ("instructions", 0, 1), ("cache-references", 0, 2),
            ("cache-misses", 0, 3), ("branches", 0, 4), ("branch-instructions", 0, 4), ("branch-misses", 0, 5),
            ("bus-cycles", 0, 6), ("stalled-cycles-frontend", 0, 7), ("stalled-cycles-backend", 0, 8), ("ref-cycles", 0, 9),
            ("cpu-clock", 1, 0), ("task-clock", 1, 1), ("page-faults", 1, 2), ("faults", 1, 2), ("context-switches", 1, 3),
            ("cs", 1, 3), ("cpu-migrations", 1, 4), ("migrations", 1, 4), ("minor-faults", 1, 5), ("major-faults", 1, 6),
            ("alignment-faults", 1, 7), ("emulation-faults", 1, 8), ("dummy", 1, 9), ("bpf-output", 1, 10), ("cgroup-switches", 1, 11),
        ]
        for (name, type, config) in cases {
            let s = try EventSpec.parse(name)
            #expect(s.type == type && s.config == config, "\(name)")
            #expect(s.displayName == name)
        }
    }

    @Test func hwCacheSpellings() throws {
        let cases: [(String, UInt64)] = [
            ("L1-dcache-loads", 0x0), ("L1-dcache-load-misses", 0x10000), ("L1-dcache-stores", 0x100),
            ("L1-dcache-store-misses", 0x10100), ("L1-dcache-prefetches", 0x200), ("L1-icache-load-misses", 0x10001),
            ("LLC-loads", 0x2), ("LLC-load-misses", 0x10002), ("LLC-stores", 0x102), ("dTLB-loads", 0x3),
            ("dTLB-load-misses", 0x10003), ("iTLB-loads", 0x4), ("iTLB-load-misses", 0x10004),
            ("branch-loads", 0x5), ("branch-load-misses", 0x10005), ("node-loads", 0x6), ("node-store-misses", 0x10106),
            ("l1d-misses", 0x10000), ("L1-dcache-misses-load", 0x10000), ("LLC-prefetch-misses", 0x10202),
        ]
        for (name, config) in cases {
            let s = try EventSpec.parse(name)
            #expect(s.type == PerfEventType.hwCache && s.config == config, "\(name): \(s.config)")
        }
        // iTLB has no stores, branch no prefetches (evsel__hw_cache_stat).
        #expect(throws: EventSpecError.self) { try EventSpec.parse("iTLB-stores") }
        #expect(throws: EventSpecError.self) { try EventSpec.parse("branch-prefetches") }
        #expect(EventNames.cacheEvents.count == 32, "16 valid cache/op pairs × access/miss")
    }

    @Test func namesForReports() {
        #expect(EventNames.name(type: 0, config: 0) == "cycles")
        #expect(EventNames.name(type: 0, config: 4) == "branches")
        #expect(EventNames.name(type: 1, config: 1) == "task-clock")
        #expect(EventNames.name(type: 1, config: 3) == "context-switches")
        #expect(EventNames.name(type: 3, config: 0x10000) == "L1-dcache-load-misses")
        #expect(EventNames.name(type: 3, config: 0x2) == "LLC-loads")
        #expect(EventNames.name(type: 4, config: 0x1a8) == "r1a8")
        #expect(EventNames.name(type: 99, config: 0) == "unknown attr type: 99")
        // Round trip for every canonical hw-cache name.
        for e in EventNames.cacheEvents { #expect(EventNames.name(type: 3, config: e.config) == e.name) }
    }

    @Test func rawTracepointsAndModifiers() throws {
        let r = try EventSpec.parse("r1a8:u")
        #expect(r.type == 4 && r.config == 0x1a8 && r.modifiers.excludeKernel && r.displayName == "r1a8:u")
        let t = try EventSpec.parse("sched:sched_switch")
        #expect(t.kind == .tracepoint(system: "sched", name: "sched_switch") && t.type == 2)
        let tk = try EventSpec.parse("sched:sched_switch:k")
        #expect(tk.modifiers.excludeUser && !tk.modifiers.excludeKernel)
        let p = try EventSpec.parse("cycles:ppp")
        #expect(p.modifiers.preciseIP == 3)
        #expect(try EventSpec.parse("task-clock:u").displayName == "task-clock:u")
        #expect(try EventSpec.parse("task-clock").unit == "msec")
        #expect(try EventSpec.parse("cs").unit == "")
    }

    @Test func groupsAndLists() throws {
        let g = try EventList.parse("cycles,{task-clock,page-faults}:u,cs")
        #expect(g.count == 3)
        #expect(!g[0].isGroup && g[1].isGroup && g[1].events.count == 2)
        #expect(g[1].events[0].displayName == "task-clock:u" && g[1].events[1].modifiers.excludeKernel)
        #expect(throws: EventSpecError.self) { try EventList.parse("{cycles,instructions") }
        #expect(throws: EventSpecError.self) { try EventList.parse("cycles,,cs") }
    }

    @Test func errorsSuggestTheClosestName() {
        do { _ = try EventSpec.parse("task-clok"); Issue.record("accepted") } catch {
            #expect(error.description.contains("event syntax error: 'task-clok'"))
            #expect(error.description.contains("did you mean 'task-clock'"))
        }
        do { _ = try EventSpec.parse("instrucions:u"); Issue.record("accepted") } catch {
            #expect(error.description.contains("did you mean 'instructions:u'"))
        }
        #expect(throws: EventSpecError.self) { try EventSpec.parse("cycles:q") }
        #expect(throws: EventSpecError.self) { try EventSpec.parse("") }
        #expect(throws: EventSpecError.self) { try EventSpec.parse("cpu/event=1/") }
        // Garbage never traps.
        for s in [":", "::", "{", "}", ",", "r", "rzz", "a:b:c:d", "{a,{b}}", "\u{0}", String(repeating: "x", count: 5000)] {
            _ = try? EventList.parse(s)
        }
    }

    /// The exclude_* / precise / pinned bits of each modifier equal what perf 6.1 itself sets
    /// (`perf stat -vv` prints the attr it opens).
    @Test(.enabled(if: hasTool("perf"))) func modifierBitsMatchPerf() throws {
        for m in ["", "u", "k", "h", "G", "H", "p", "ppp", "D", "uk", "kh", "uG", "I"] {
            let ev = "task-clock" + (m.isEmpty ? "" : ":" + m)
            let r = try run("perf", ["stat", "-vv", "-e", ev, "true"])
            var perfBits: [String: UInt64] = [:]
            var inAttr = false
            for line in r.stderr.split(separator: "\n") {
                if line.contains("perf_event_attr:") { inAttr = true; continue }
                if inAttr && line.hasPrefix("---") { break }
                if inAttr {
                    let f = fields(String(line))
                    if f.count == 2, let v = UInt64(f[1]) { perfBits[f[0]] = v }
                }
            }
            #expect(!perfBits.isEmpty, "perf -vv printed no attr for \(ev)")
            let a = try PerfAttr.counting(try EventSpec.parse(ev))
            let ours: [String: UInt64] = [
                "exclude_user": a.exclude_user, "exclude_kernel": a.exclude_kernel, "exclude_hv": a.exclude_hv,
                "exclude_idle": a.exclude_idle, "exclude_host": a.exclude_host, "exclude_guest": a.exclude_guest,
                "precise_ip": a.precise_ip, "pinned": a.pinned, "inherit": a.inherit, "disabled": a.disabled,
            ]
            for (k, v) in ours { #expect((perfBits[k] ?? 0) == v, "\(ev): \(k) perf \(perfBits[k] ?? 0) sonde \(v)") }
        }
    }
}
