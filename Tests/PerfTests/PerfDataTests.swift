import Bytes
import Foundation
import PerfData
import Testing
import TestSupport

/// perf is installed and may record (perf_event_paranoid, a PMU or cpu-clock).
private let perfUsable: Bool = {
    guard hasTool("perf"), let dir = try? tempDir("perfprobe") else { return false }
    defer { try? FileManager.default.removeItem(at: dir) }
    let out = dir.appendingPathComponent("p.data").path
    guard let r = try? run("perf", ["record", "-q", "-o", out, "--", "/bin/true"]) else { return false }
    return r.status == 0
}()

private let skipNote = "needs a working perf (apt-get install linux-perf; perf_event_paranoid <= 2)"

/// One line of `perf report -D`: "TIME OFFSET [SIZE]: PERF_RECORD_NAME ...", with the sample details perf printed.
private struct DumpEntry: Equatable, CustomStringConvertible {
    var time: UInt64, offset: Int, size: Int, name: String
    var pid: UInt32 = 0, tid: UInt32 = 0, ip: UInt64 = 0, period: UInt64 = 0
    var chain: [UInt64] = []
    var description: String { "\(time) \(hexs(offset)) [\(hexs(size))] \(name) \(pid)/\(tid) ip \(hexs(ip)) period \(period) chain \(chain.map { hexs($0) })" }
}

private func hexs<T: BinaryInteger>(_ v: T) -> String { "0x" + String(v, radix: 16) }

/// Parses perf's raw dump (delivery order) independently of the reader.
private func parseDump(_ text: String) -> [DumpEntry] {
    var r: [DumpEntry] = []
    var inChain = false
    for sub in text.split(separator: "\n") {
        let line = String(sub)
        if let first = line.first, first.isNumber {
            inChain = false
            let f = line.split(separator: " ", maxSplits: 4)
            guard f.count >= 4, f[1].hasPrefix("0x"), f[2].hasPrefix("[0x"), let t = UInt64(f[0]),
                  let off = Int(f[1].dropFirst(2), radix: 16), let size = Int(f[2].dropFirst(3).dropLast(2), radix: 16),
                  f[3].hasPrefix("PERF_RECORD_") else { continue }
            let name = String(f[3].dropFirst(12).prefix { $0.isUppercase || $0.isNumber || $0 == "_" })
            var e = DumpEntry(time: t, offset: off, size: size, name: name)
            if name == "SAMPLE", f.count == 5 {
                // f[4] = "0x2): 29456/29456: 0x5639101dc169 period: 1001001 addr: 0"
                let rest = f[4].split(separator: " ")
                if rest.count >= 5 {
                    let pt = rest[1].dropLast().split(separator: "/")
                    e.pid = UInt32(pt.first ?? "") ?? 0
                    e.tid = UInt32(pt.last ?? "") ?? 0
                    e.ip = UInt64(rest[2].dropFirst(2), radix: 16) ?? 0
                    e.period = UInt64(rest[4]) ?? 0
                }
            }
            r.append(e)
        } else if line.hasPrefix("... FP chain:") {
            inChain = true
        } else if inChain, line.hasPrefix("....."), let colon = line.lastIndex(of: ":") {
            let v = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            if let x = UInt64(v, radix: 16), !r.isEmpty { r[r.count - 1].chain.append(x) }
        } else {
            inChain = false
        }
    }
    return r
}

/// The same view from our reader, in delivery order.
private func ourDump(_ f: PerfDataFile) throws -> [DumpEntry] {
    var it = f.orderedRecords()
    var r: [DumpEntry] = []
    while let rec = try it.next() {
        if rec.type == RecordType.headerAttr { continue }
        var e = DumpEntry(time: f.timestamp(rec) ?? 0, offset: rec.offset, size: rec.size, name: RecordType.name(rec.type))
        if case .sample(let s) = try f.decode(rec) {
            e.pid = s.pid; e.tid = s.tid; e.ip = s.ip; e.period = s.period
            e.chain = Array(s.callchain)
        }
        r.append(e)
    }
    return r
}

private func dumpOfPerf(_ path: String) throws -> [DumpEntry] {
    let d = try run("perf", ["report", "-D", "-i", path])
    #expect(d.status == 0, "perf report -D: \(d.stderr)")
    return parseDump(d.stdout)
}

/// Records the small burner with perf (`extra` before the command); pipe mode redirects stdout.
private func record(_ dir: URL, _ name: String, _ extra: [String], pipe: Bool = false) throws -> String {
    let exe = try compileFixture("perf_burn_small", flags: ["-O1", "-g", "-fno-omit-frame-pointer"])
    let out = dir.appendingPathComponent(name).path
    let r: CommandResult
    if pipe {
        r = try run("/bin/sh", ["-c", "exec perf record -q -F 999 \"$@\" -o - -- \"$0\" > \"$OUT\"", exe] + extra,
                    environment: ["OUT": out])
    } else {
        r = try run("perf", ["record", "-q", "-F", "999"] + extra + ["-o", out, "--", exe])
    }
    #expect(r.status == 0, "perf record: \(r.stderr)")
    return out
}

/// Compares our ordered records with perf's raw dump. perf prints kernel records when it delivers them
/// (sorted) but its own records when it reads them, so the two kinds are compared as separate sequences.
/// In pipe mode perf counts offsets from the end of the 16-byte header.
private func compareDumps(_ path: String) throws {
    let f = try PerfDataFile(path: path)
    let ours = try ourDump(f)
    var theirs = try dumpOfPerf(path)
    if f.isPipe { for i in theirs.indices { theirs[i].offset += 16 } }
    let kernelNames = Set((1..<64).map { RecordType.name(UInt32($0)) })
    for kernel in [true, false] {
        let a = ours.filter { kernelNames.contains($0.name) == kernel }, b = theirs.filter { kernelNames.contains($0.name) == kernel }
        #expect(a.count == b.count, "\(kernel ? "kernel" : "perf") record count: ours \(a.count), perf \(b.count)")
        for (i, (x, y)) in zip(a, b).enumerated() where x != y {
            Issue.record("\(kernel ? "kernel" : "perf") record \(i) differs:\n ours: \(x)\n perf: \(y)")
            break
        }
    }
    #expect(theirs.filter { $0.name == "SAMPLE" }.count > 100, "too few samples to be a meaningful comparison")
}

@Suite(.serialized) struct PerfDataTests {
    @Test(.enabled(if: perfUsable, Comment(rawValue: skipNote)))
    func framePointerRecordingMatchesPerfRawDump() throws {
        let dir = try tempDir("perfdata")
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = try record(dir, "fp.data", ["-g"])
        try compareDumps(path)
        let f = try PerfDataFile(path: path)
        #expect(!f.isPipe)
        #expect(f.attrs.count == 1)
        #expect(f.attrs[0].attr.sampleType == [.ip, .tid, .time, .callchain, .period])
        #expect(f.attrs[0].attr.sampleIDAll && f.attrs[0].attr.freq && f.attrs[0].attr.mmap2 && f.attrs[0].attr.commExec)
        #expect(f.attrs[0].attr.samplePeriod == 999)
        // Features against what perf itself prints.
        let h = try run("perf", ["report", "--header-only", "-i", path]).stdout
        func field(_ key: String) -> String? {
            h.split(separator: "\n").first { $0.hasPrefix("# \(key) : ") }.map { String($0.dropFirst(key.count + 5)) }
        }
        #expect(f.features.hostname == field("hostname"))
        #expect(f.features.osRelease == field("os release"))
        #expect(f.features.version == field("perf version"))
        #expect(f.features.arch == field("arch"))
        #expect(f.features.cpuDesc == field("cpudesc"))
        #expect(f.features.nrCPUsOnline.map(String.init) == field("nrcpus online"))
        #expect(f.features.nrCPUsAvailable.map(String.init) == field("nrcpus avail"))
        #expect(f.features.totalMemKB.map { "\($0) kB" } == field("total memory"))
        #expect(f.features.cmdline?.joined(separator: " ") == field("cmdline")?.trimmingCharacters(in: .whitespaces))
        #expect(f.features.sampleTimeFirst != nil)
        let desc = try #require(f.features.eventDesc)
        #expect(desc.count == 1 && desc[0].name.hasPrefix("cpu-clock"))
        #expect(desc[0].ids == f.attrs[0].ids)
        // BUILD_ID entries against perf buildid-list.
        let bl = try run("perf", ["buildid-list", "-i", path]).stdout
        let theirs = Set(bl.split(separator: "\n").map { String($0) })
        let ours = Set(f.features.buildIDs.map { "\($0.hexID) \($0.filename)" })
        #expect(!ours.isEmpty && ours == theirs, "ours \(ours) perf \(theirs)")
    }

    @Test(.enabled(if: perfUsable, Comment(rawValue: skipNote)))
    func dwarfRecordingDecodesRegistersAndStacks() throws {
        let dir = try tempDir("perfdata")
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = try record(dir, "dwarf.data", ["--call-graph", "dwarf"])
        try compareDumps(path)
        let f = try PerfDataFile(path: path)
        let a = f.attrs[0].attr
        #expect(a.sampleType.contains([.regsUser, .stackUser, .callchain]))
        #expect(a.excludeCallchainUser)
        var it = f.records()
        var n = 0
        var dynSizes: [UInt64] = []
        while let r = try it.next() {
            guard case .sample(let s) = try f.decode(r) else { continue }
            n += 1
            #expect(s.userRegsABI == 2 && s.userRegs.count == a.sampleRegsUser.nonzeroBitCount)
            #expect(s.userStack.count == Int(a.sampleStackUser))
            dynSizes.append(s.userStackDynSize)
        }
        // perf prints the valid part of each stack copy as "ustack: size N".
        let d = try run("perf", ["report", "-D", "-i", path]).stdout
        let theirs = d.split(separator: "\n").filter { $0.hasPrefix("... ustack: size ") }.map {
            UInt64($0.dropFirst(17).prefix { $0.isNumber }) ?? 0
        }
        #expect(n > 100 && theirs.sorted() == dynSizes.sorted())
    }

    @Test(.enabled(if: perfUsable, Comment(rawValue: skipNote)))
    func twoEventsMapSamplesToTheirAttr() throws {
        let dir = try tempDir("perfdata")
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = try record(dir, "two.data", ["-e", "cpu-clock,task-clock"])
        try compareDumps(path)
        let f = try PerfDataFile(path: path)
        #expect(f.attrs.count == 2)
        let names = try #require(f.features.eventDesc).map(\.name)
        var counts: [String: Int] = [:]
        var it = f.records()
        while let r = try it.next() {
            guard r.type == RecordType.sample else { continue }
            #expect(r.attrIndex >= 0)
            counts[names[r.attrIndex], default: 0] += 1
        }
        let s = try run("perf", ["script", "-F", "event", "-i", path]).stdout
        var theirs: [String: Int] = [:]
        for l in s.split(separator: "\n") { theirs[l.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: ":", with: ""), default: 0] += 1 }
        #expect(counts == theirs)
    }

    @Test(.enabled(if: perfUsable, Comment(rawValue: skipNote)))
    func compressedRecordingMatchesPerfRawDump() throws {
        let dir = try tempDir("perfdata")
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = try record(dir, "z.data", ["-g", "-z"])
        let f = try PerfDataFile(path: path)
        #expect(f.features.compression?.type == 1)
        try compareDumps(path)
    }

    @Test(.enabled(if: perfUsable, Comment(rawValue: skipNote)))
    func pipeModeMatchesPerfRawDump() throws {
        let dir = try tempDir("perfdata")
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = try record(dir, "pipe.data", ["-g"], pipe: true)
        let f = try PerfDataFile(path: path)
        #expect(f.isPipe)
        #expect(f.attrs.count == 1 && f.attrs[0].attr.sampleType.contains(.callchain))
        #expect(f.features.hostname != nil && f.features.eventDesc?.first?.name.hasPrefix("cpu-clock") == true)
        try compareDumps(path)
    }
}
