import Foundation
import Glibc
import Testing
import TestSupport

/// Starts the unwind_chain fixture and waits until both threads sleep in their blocking calls.
func startBlockedFixture(_ exe: String, threads: Int = 2) throws -> (Child, URL) {
    let dir = try tempDir("stack")
    let ready = dir.appendingPathComponent("ready").path
    let child = try Child(exe, [ready])
    var calm = 0
    for _ in 0..<400 {
        if FileManager.default.fileExists(atPath: ready) {
            let states = threadStates(child.pid)
            if states.count == threads && states.allSatisfy({ $0 == "S" }) { calm += 1 } else { calm = 0 }
            if calm >= 3 { return (child, dir) }
        }
        usleep(20_000)
    }
    child.stop()
    throw FixtureNotBlocked()
}

struct FixtureNotBlocked: Error {}

/// State letter of each thread (/proc/PID/task/TID/stat field 3).
func threadStates(_ pid: Int32) -> [String] {
    let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task")) ?? []
    return tasks.compactMap { t in
        guard let s = try? String(contentsOfFile: "/proc/\(pid)/task/\(t)/stat", encoding: .utf8),
              let close = s.lastIndex(of: ")") else { return nil }
        return fields(String(s[s.index(after: close)...])).first
    }
}

struct Parsed { var tid: Int32; var frames: [(pc: UInt64, name: String)] }

/// Parses eu-stack-format output (sonde's and eu-stack's).
func parseStack(_ text: String) -> [Int32: [(pc: UInt64, name: String)]] {
    var out: [Int32: [(pc: UInt64, name: String)]] = [:]
    var tid: Int32 = 0
    for line in text.split(separator: "\n").map(String.init) {
        let f = fields(line)
        if f.count == 2, f[0] == "TID", let t = Int32(f[1].dropLast()) { tid = t; out[t] = []; continue }
        if f.count >= 2, f[0].hasPrefix("#"), f[1].hasPrefix("0x"), let pc = UInt64(f[1].dropFirst(2), radix: 16) {
            var name = f.count >= 3 ? f[2] : "??"
            if let at = name.firstIndex(of: "@") { name = String(name[..<at]) }
            out[tid, default: []].append((pc, name))
        }
    }
    return out
}

/// gdb's `thread apply all bt`: per LWP, the addresses it prints (frames after #0 that are not inlined) and names.
func parseGDB(_ text: String) -> [Int32: [(pc: UInt64?, name: String)]] {
    var out: [Int32: [(pc: UInt64?, name: String)]] = [:]
    var tid: Int32 = 0
    for line in text.split(separator: "\n").map(String.init) {
        if line.hasPrefix("Thread "), let r = line.range(of: "(LWP ") {
            let rest = line[r.upperBound...]
            tid = Int32(rest.prefix(while: { $0.isNumber })) ?? 0
            out[tid] = []
            continue
        }
        let f = fields(line)
        guard f.count >= 2, f[0].hasPrefix("#"), Int(f[0].dropFirst()) != nil else { continue }
        if f[1].hasPrefix("0x"), f.count >= 4, f[2] == "in" {
            out[tid, default: []].append((UInt64(f[1].dropFirst(2), radix: 16), f[3]))
        } else {
            out[tid, default: []].append((nil, f[1]))
        }
    }
    return out
}

/// Names defined at the same address in a library are aliases (pause = __libc_pause); checked with nm.
final class AliasOracle {
    var addressOf: [String: [String: String]] = [:]
    func address(_ name: String, in lib: String) -> String? {
        if addressOf[lib] == nil {
            var map: [String: String] = [:]
            var files = [lib]
            if let id = (try? run("readelf", ["-n", lib]))?.stdout.split(separator: "\n").first(where: { $0.contains("Build ID:") }),
               let hex = fields(String(id)).last {
                files.append("/usr/lib/debug/.build-id/\(hex.prefix(2))/\(hex.dropFirst(2)).debug")
            }
            for f in files where FileManager.default.fileExists(atPath: f) {
                for args in [["--defined-only", f], ["-D", "--defined-only", f]] {
                    for line in ((try? run("nm", args))?.stdout ?? "").split(separator: "\n") {
                        let p = fields(String(line))
                        if p.count >= 3 {
                            var n = p[2]
                            if let at = n.firstIndex(of: "@") { n = String(n[..<at]) }
                            map[n] = p[0]
                        }
                    }
                }
            }
            addressOf[lib] = map
        }
        return addressOf[lib]?[name]
    }
}

@Suite(.serialized) struct StackTests {
    static let canTrace = isRoot || (try? String(contentsOfFile: "/proc/sys/kernel/yama/ptrace_scope", encoding: .utf8))?.hasPrefix("0") == true

    func check(flags: [String]) throws {
        let exe = try compileFixture("unwind_chain", flags: flags)
        let (child, dir) = try startBlockedFixture(exe)
        defer { child.stop(); try? FileManager.default.removeItem(at: dir) }
        let pid = child.pid

        let mine = try sonde(["stack", String(pid)])
        #expect(mine.status == 0, "\(mine.stderr)")
        #expect(mine.stderr.isEmpty, "\(mine.stderr)")
        let stacks = parseStack(mine.stdout)
        #expect(stacks.count == 2)

        // The fixture's own frames, by construction.
        let main = try #require(stacks[pid]).map(\.name)
        #expect(Array(main.drop(while: { $0 != "f10" }).prefix(11)) == ["f10", "f9", "f8", "f7", "f6", "f5", "f4", "f3", "f2", "f1", "main"])
        #expect(main.last == "_start")
        let other = try #require(stacks.first(where: { $0.key != pid })?.value).map(\.name)
        #expect(Array(other.drop(while: { $0 != "g10" }).prefix(11)) == ["g10", "g9", "g8", "g7", "g6", "g5", "g4", "g3", "g2", "g1", "thread_main"])

        // gdb: the return addresses it prints are ours, frame for frame (gdb stops at main).
        if hasTool("gdb") {
            let g = try run("gdb", ["-batch", "-nx", "-iex", "set auto-load safe-path /", "-iex", "set debuginfod enabled off",
                                    "-p", String(pid), "-ex", "thread apply all bt"])
            let gdb = parseGDB(g.stdout)
            #expect(gdb.count == 2, "\(g.stdout)\n\(g.stderr)")
            for (tid, gframes) in gdb {
                let ours = try #require(stacks[tid], "no thread \(tid) in sonde's output")
                // Inlined frames print no address: gdb's addressed frames after #0 are the physical frames 1...
                let gdbPCs = gframes.dropFirst().compactMap(\.pc)
                let ourPCs = ours.dropFirst().map(\.pc)
                #expect(Array(ourPCs.prefix(gdbPCs.count)) == gdbPCs, "TID \(tid): sonde \(ourPCs.map { String($0, radix: 16) }) gdb \(gdbPCs.map { String($0, radix: 16) })")
                if let g0 = gframes.first?.pc { #expect(ours.first?.pc == g0) }
                // Names of the fixture's frames agree with gdb's.
                let fixtureNames = Set(["f10", "f9", "f8", "f7", "f6", "f5", "f4", "f3", "f2", "f1", "main", "g10", "g9", "g8", "g7", "g6", "g5", "g4", "g3", "g2", "g1", "thread_main"])
                #expect(gframes.map(\.name).filter(fixtureNames.contains) == ours.map(\.name).filter(fixtureNames.contains))
            }
        }

        // eu-stack: same frames (pcs) through the outermost one, same names up to aliases.
        if hasTool("eu-stack") {
            let e = try run("eu-stack", ["-p", String(pid), "-m"])
            let eu = parseStack(e.stdout)
            let ourModules = parseModules(try sonde(["stack", "-m", String(pid)]).stdout)
            let aliases = AliasOracle()
            #expect(eu.count == 2, "\(e.stdout)\n\(e.stderr)")
            for (tid, eframes) in eu {
                let ours = try #require(stacks[tid])
                #expect(ours.map(\.pc) == eframes.map(\.pc), "TID \(tid): \(ours.map { String($0.pc, radix: 16) }) vs \(eframes.map { String($0.pc, radix: 16) })")
                for (i, (a, b)) in zip(ours, eframes).enumerated() where a.name != b.name {
                    let lib = ourModules[tid]?[i] ?? ""
                    let same = aliases.address(a.name, in: lib) != nil && aliases.address(a.name, in: lib) == aliases.address(b.name, in: lib)
                    #expect(same, "TID \(tid) #\(i): sonde \(a.name), eu-stack \(b.name) (\(lib))")
                }
            }
        }

        // Still running, not left stopped or traced.
        #expect(child.isRunning)
        #expect(threadStates(pid).allSatisfy { $0 == "S" })
        let status = (try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)) ?? ""
        #expect(status.contains("TracerPid:\t0"))
    }

    func parseModules(_ text: String) -> [Int32: [String]] {
        var out: [Int32: [String]] = [:]
        var tid: Int32 = 0
        for line in text.split(separator: "\n").map(String.init) {
            let f = fields(line)
            if f.count == 2, f[0] == "TID", let t = Int32(f[1].dropLast()) { tid = t; continue }
            if f.first?.hasPrefix("#") == true { out[tid, default: []].append(f.last ?? "") }
        }
        return out
    }

    @Test(.enabled(if: canTrace), .timeLimit(.minutes(2)))
    func optimisedWithoutFramePointers() throws {
        try check(flags: ["-O2", "-fomit-frame-pointer", "-g"])
    }

    @Test(.enabled(if: canTrace), .timeLimit(.minutes(2)))
    func unoptimisedWithFramePointers() throws {
        try check(flags: ["-O0", "-fno-omit-frame-pointer", "-g"])
    }

    /// No CFI at all for the fixture (stripped .eh_frame): frame pointers carry the walk through the fixture.
    @Test(.enabled(if: canTrace && hasTool("objcopy")), .timeLimit(.minutes(2)))
    func framePointerFallback() throws {
        let exe = try compileFixture("unwind_chain", flags: ["-O0", "-fno-omit-frame-pointer", "-fno-asynchronous-unwind-tables", "-fno-unwind-tables"])
        let r = try run("objcopy", ["--remove-section=.eh_frame", "--remove-section=.eh_frame_hdr", "--remove-section=.debug_frame", exe])
        try #require(r.status == 0, "\(r.stderr)")
        let (child, dir) = try startBlockedFixture(exe)
        defer { child.stop(); try? FileManager.default.removeItem(at: dir) }
        let out = try sonde(["stack", "--json", String(child.pid)])
        #expect(out.status == 0)
        let mine = try sonde(["stack", String(child.pid)])
        let main = parseStack(mine.stdout)[child.pid]?.map(\.name) ?? []
        #expect(Array(main.drop(while: { $0 != "f10" }).prefix(11)) == ["f10", "f9", "f8", "f7", "f6", "f5", "f4", "f3", "f2", "f1", "main"], "\(mine.stdout)")
        #expect(out.stdout.contains("\"method\":\"frame-pointer\""))
        #expect(child.isRunning)
    }

    /// Inside a signal handler: the trampoline (CIE augmentation S) is unwound and the interrupted pc is exact; same pcs and names as eu-stack.
    @Test(.enabled(if: canTrace && hasTool("eu-stack")), .timeLimit(.minutes(1)))
    func signalFrame() throws {
        let exe = try compileFixture("unwind_signal", flags: ["-O2", "-g"])
        let (child, dir) = try startBlockedFixture(exe, threads: 1)
        defer { child.stop(); try? FileManager.default.removeItem(at: dir) }
        let mine = try sonde(["stack", "-m", String(child.pid)])
        let eu = try run("eu-stack", ["-p", String(child.pid)])
        let ours = try #require(parseStack(mine.stdout)[child.pid])
        let theirs = try #require(parseStack(eu.stdout)[child.pid])
        #expect(ours.map(\.pc) == theirs.map(\.pc))
        let names = ours.map(\.name)
        #expect(names.contains("__restore_rt"))
        #expect(Array(names.drop(while: { $0 != "handler" }).prefix(2)) == ["handler", "__restore_rt"])
        #expect(Array(names.drop(while: { $0 != "s3" }).prefix(4)) == ["s3", "s2", "s1", "main"])
        let modules = parseModules(mine.stdout)[child.pid] ?? []
        let aliases = AliasOracle()
        for (i, (a, b)) in zip(ours, theirs).enumerated() where a.name != b.name {
            let lib = i < modules.count ? modules[i] : ""
            #expect(aliases.address(a.name, in: lib) != nil && aliases.address(a.name, in: lib) == aliases.address(b.name, in: lib), "#\(i) \(a.name) vs \(b.name)")
        }
        #expect(child.isRunning)
    }

    @Test func noSuchProcess() throws {
        let r = try sonde(["stack", "2147483646"])
        #expect(r.status == 1)
        #expect(r.stderr == "sonde stack: 2147483646: no such process\n")
        #expect(r.stdout.isEmpty)
    }

    @Test func usage() throws {
        #expect(try sonde(["stack"]).status == 2)
        #expect(try sonde(["stack", "-n", "0", "1"]).status == 2)
    }

    /// Without the right to trace (an unprivileged user): one line, exit 1, the target untouched.
    @Test(.enabled(if: isRoot && hasTool("setpriv")), .timeLimit(.minutes(1)))
    func permissionDenied() throws {
        let child = try Child("/bin/sleep", ["30"])
        defer { child.stop() }
        let r = try run("setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", sondeBinary, "stack", String(child.pid)])
        #expect(r.status == 1)
        #expect(r.stderr.hasPrefix("sonde stack: \(child.pid): operation not permitted"), "\(r.stderr)")
        #expect(r.stderr.split(separator: "\n").count == 1)
        #expect(child.isRunning)
    }

    @Test(.enabled(if: canTrace), .timeLimit(.minutes(1)))
    func jsonShape() throws {
        let exe = try compileFixture("unwind_chain", flags: ["-O2", "-g"])
        let (child, dir) = try startBlockedFixture(exe)
        defer { child.stop(); try? FileManager.default.removeItem(at: dir) }
        let r = try sonde(["stack", "--json", "-n", "3", String(child.pid)])
        #expect(r.status == 0)
        let obj = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]
        let threads = obj?["threads"] as? [[String: Any]] ?? []
        #expect(threads.count == 2)
        for t in threads {
            let frames = t["frames"] as? [[String: Any]] ?? []
            #expect(frames.count == 3)
            #expect(t["stop"] as? String == "frame limit reached")
            #expect(frames.first?["method"] as? String == "context")
        }
        #expect(child.isRunning)
    }
}
