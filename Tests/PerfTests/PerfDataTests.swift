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
    var pid: UInt32 = 0, tid: UInt32 = 0, ip: UInt64 = 0, period: UInt64 = 0, addr: UInt64 = 0
    var cpu: UInt32? = nil
    var chain: [UInt64] = []
    /// READ values as "id value lost" and DATA_SRC, when perf printed them.
    var reads: [String] = []
    var dataSrc: UInt64? = nil
    var description: String {
        "\(cpu.map { "cpu \($0) " } ?? "")\(time) \(hexs(offset)) [\(hexs(size))] \(name) \(pid)/\(tid) ip \(hexs(ip)) period \(period) addr \(hexs(addr)) chain \(chain.map { hexs($0) }) reads \(reads) data_src \(dataSrc.map { hexs($0) } ?? "-")"
    }
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
            var f = line.split(separator: " ", maxSplits: 4)
            var cpu: UInt32? = nil
            // With CPU in sample_type perf prints "CPU TIME OFFSET [SIZE]: ...".
            if f.count >= 2, !f[1].hasPrefix("0x") {
                cpu = UInt32(f[0])
                f = line.split(separator: " ", maxSplits: 5).dropFirst().map { $0 }
            }
            guard f.count >= 4, f[1].hasPrefix("0x"), f[2].hasPrefix("[0x"), let t = UInt64(f[0]),
                  let off = Int(f[1].dropFirst(2), radix: 16), let size = Int(f[2].dropFirst(3).dropLast(2), radix: 16),
                  f[3].hasPrefix("PERF_RECORD_") else { continue }
            let name = String(f[3].dropFirst(12).prefix { $0.isUppercase || $0.isNumber || $0 == "_" })
            var e = DumpEntry(time: t, offset: off, size: size, name: name)
            if name == "SAMPLE" { e.cpu = cpu }
            if name == "SAMPLE", f.count == 5 {
                // f[4] = "0x2): 29456/29456: 0x5639101dc169 period: 1001001 addr: 0"
                let rest = f[4].split(separator: " ")
                if rest.count >= 5 {
                    let pt = rest[1].dropLast().split(separator: "/")
                    e.pid = UInt32(pt.first ?? "") ?? 0
                    e.tid = UInt32(pt.last ?? "") ?? 0
                    e.ip = UInt64(rest[2].dropFirst(2), radix: 16) ?? 0
                    e.period = UInt64(rest[4]) ?? 0
                    if rest.count >= 7 { e.addr = UInt64(rest[6].dropFirst(2), radix: 16) ?? UInt64(rest[6]) ?? 0 }
                }
            }
            r.append(e)
        } else if line.hasPrefix("... FP chain:") {
            inChain = true
        } else if line.hasPrefix(" . data_src: 0x"), !r.isEmpty {
            r[r.count - 1].dataSrc = UInt64(line.dropFirst(15), radix: 16)
        } else if line.hasPrefix("..... id "), !r.isEmpty {
            // "..... id 0000000000002b69, value 00000000000f9144, lost 0"
            let p = line.dropFirst(9).split(separator: ",").map { $0.split(separator: " ").last.map(String.init) ?? "" }
            if p.count == 3 { r[r.count - 1].reads.append("\(UInt64(p[0], radix: 16) ?? 0) \(UInt64(p[1], radix: 16) ?? 0) \(p[2])") }
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
        if case .sample(let s) = try f.decode(rec), let a = f.attr(of: rec) {
            e.pid = s.pid; e.tid = s.tid; e.ip = s.ip; e.period = s.period; e.addr = s.addr
            e.chain = Array(s.callchain)
            if a.sampleType.contains(.cpu) { e.cpu = s.cpu }
            if a.sampleType.contains(.dataSrc) { e.dataSrc = s.dataSrc }
            if a.readFormat.contains(.group) { e.reads = (s.read?.values ?? []).map { "\($0.id) \($0.value) \($0.lost)" } }
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

    /// A group leader sampling its group (READ with GROUP|ID|LOST), CPU, ADDR, DATA_SRC, PHYS_ADDR, page sizes,
    /// context-switch and namespace records: the same records and values as perf's raw dump.
    @Test(.enabled(if: perfUsable, Comment(rawValue: skipNote)))
    func manySampleFieldsMatchPerfRawDump() throws {
        let dir = try tempDir("perfdata")
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = try record(dir, "many.data", ["-e", "{cpu-clock,task-clock}:S", "--sample-cpu", "-d", "--phys-data",
                                                 "--data-page-size", "--code-page-size", "--switch-events", "--namespaces"])
        let f = try PerfDataFile(path: path)
        let t = f.attrs[0].attr.sampleType
        #expect(t.contains([.read, .cpu, .addr, .dataSrc, .physAddr, .dataPageSize, .codePageSize]), "\(t)")
        #expect(f.attrs[0].attr.readFormat.contains(.group) && f.attrs[0].attr.contextSwitch && f.attrs[0].attr.namespaces)
        try compareDumps(path)
        let ours = try ourDump(f)
        #expect(ours.contains { $0.name == "NAMESPACES" } && ours.contains { $0.name == "SWITCH" })
        #expect(ours.contains { $0.reads.count == 2 })
        // Page sizes as perf prints them ("4K", "2M", "N/A"), as multisets.
        func name(_ v: UInt64) -> String {
            v == 0 ? "N/A" : v % (1 << 30) == 0 ? "\(v >> 30)G" : v % (1 << 20) == 0 ? "\(v >> 20)M" : v % 1024 == 0 ? "\(v >> 10)K" : "\(v)"
        }
        var code: [String] = [], data: [String] = []
        var it = f.records()
        while let r = try it.next() {
            switch try f.decode(r) {
            case .namespaces(let pid, _, let links): #expect(pid > 0 && !links.isEmpty)
            case .sample(let s): code.append(name(s.codePageSize)); data.append(name(s.dataPageSize))
            default: break
            }
        }
        let d = try run("perf", ["report", "-D", "-i", path]).stdout.split(separator: "\n")
        let theirCode = d.filter { $0.hasPrefix(" .. code page size: ") }.map { String($0.dropFirst(20)) }
        let theirData = d.filter { $0.hasPrefix(" .. data page size: ") }.map { String($0.dropFirst(20)) }
        #expect(code.count > 100 && code.sorted() == theirCode.sorted())
        #expect(data.sorted() == theirData.sorted())
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

    @Test(.enabled(if: perfUsable, Comment(rawValue: skipNote)))
    func writerRoundTripFramePointer() throws {
        let dir = try tempDir("perfdata")
        defer { try? FileManager.default.removeItem(at: dir) }
        try roundTrip(try record(dir, "fp.data", ["-g"]), dir)
    }

    @Test(.enabled(if: perfUsable, Comment(rawValue: skipNote)))
    func writerRoundTripDwarf() throws {
        let dir = try tempDir("perfdata")
        defer { try? FileManager.default.removeItem(at: dir) }
        try roundTrip(try record(dir, "dwarf.data", ["--call-graph", "dwarf"]), dir)
    }

    @Test(.enabled(if: perfUsable, Comment(rawValue: skipNote)))
    func pipeWriterRoundTrip() throws {
        let dir = try tempDir("perfdata")
        defer { try? FileManager.default.removeItem(at: dir) }
        // perf report shows no Children column for pipe input, so the original is a pipe recording too.
        try roundTrip(try record(dir, "pipe.data", ["-g"], pipe: true), dir, pipe: true)
    }

    @Test(.enabled(if: perfUsable, Comment(rawValue: skipNote)))
    func writerRoundTripCompressedTwoEvents() throws {
        let dir = try tempDir("perfdata")
        defer { try? FileManager.default.removeItem(at: dir) }
        try roundTrip(try record(dir, "z2.data", ["-z", "-g", "-e", "cpu-clock,task-clock"]), dir)
    }

    /// perf's TRACING_DATA of a tracepoint recording decodes (systems, formats, printk formats, saved command
    /// names) and encodes back to the very bytes perf wrote.
    @Test(.enabled(if: perfUsable, Comment(rawValue: skipNote)))
    func tracingDataOfPerfRecordingRoundTrips() throws {
        let dir = try tempDir("perfdata")
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = try record(dir, "tp.data", ["-e", "sched:sched_switch", "-e", "sched:sched_process_exit"])
        let f = try PerfDataFile(path: path)
        let raw = try #require(f.features.raw[FeatureID.tracingData], "perf wrote TRACING_DATA")
        let t = try #require(f.features.tracingData, "TRACING_DATA decodes")
        #expect(Set(t.eventNames) == ["sched:sched_switch", "sched:sched_process_exit"])
        #expect(String(decoding: t.headerPage, as: UTF8.self).contains("field: u64 timestamp"))
        #expect(!t.printkFormats.isEmpty && t.version == "0.6")
        #expect(t.encode() == raw.array, "re-encoded tracing data equals perf's bytes")
        // Cut anywhere, it is an error naming the tracing data, never a trap.
        for cut in stride(from: 0, to: raw.count, by: max(1, raw.count / 97)) {
            #expect(throws: PerfDataError.self) { _ = try TracingData.decode(Bytes(Array(raw.array.prefix(cut)))) }
        }
    }

    /// A file built from nothing: perf reads our COMM, MMAP2 (build-id variant), SAMPLE, EXIT and features.
    @Test(.enabled(if: hasTool("perf"), Comment(rawValue: "needs perf")))
    func writerSyntheticFileIsReadByPerf() throws {
        let dir = try tempDir("perfdata")
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("syn.data").path
        var a = EventAttr()
        a.type = 1; a.config = 0; a.samplePeriod = 999; a.freq = true
        a.sampleType = [.ip, .tid, .time, .callchain, .period, .identifier]
        a.disabled = true; a.inherit = true; a.mmap = true; a.comm = true; a.enableOnExec = true; a.task = true
        a.sampleIDAll = true; a.mmap2 = true; a.commExec = true
        let w = try PerfDataWriter(path: path, attrs: [AttrEntry(attr: a, ids: [42])])
        w.roundEvery = 2
        w.features.hostname = "synthhost"
        w.features.osRelease = "9.9.9-test"
        w.features.arch = "x86_64"
        w.features.version = "sonde"
        w.features.nrCPUsAvailable = 4; w.features.nrCPUsOnline = 3
        w.features.cmdline = ["sonde", "perf", "record"]
        w.features.eventNames = ["cpu-clock"]
        let bid: [UInt8] = (0..<20).map { UInt8($0 * 7 & 0xff) }
        w.features.buildIDs = [BuildIDEntry(cpumode: RecordMisc.user, pid: -1, buildID: bid, filename: "/opt/synth/prog")]
        let sid = { (t: UInt64) in SampleID(pid: 77, tid: 78, time: t, id: 42) }
        try w.comm(pid: 77, tid: 78, comm: "synth", exec: true, sampleID: sid(1000))
        try w.mmap2(Mmap2Record(pid: 77, tid: 78, addr: 0x400000, len: 0x10000, pgoff: 0, buildID: bid, prot: 5, flags: 2,
                                filename: "/opt/synth/prog"), sampleID: sid(1001))
        for i in 0..<5 {
            var s = Sample()
            s.identifier = 42; s.ip = 0x401000 + UInt64(i) * 16; s.pid = 77; s.tid = 78; s.time = 2000 + UInt64(i) * 1000
            s.period = 1000; s.callchain = U64List([CallchainContext.user, s.ip, 0x402000])
            try w.sample(s)
        }
        try w.exit(TaskRecord(pid: 77, ppid: 1, tid: 78, ptid: 1, time: 9000), sampleID: sid(9000))
        try w.finish()
        let sc = try run("perf", ["script", "-F", "comm,pid,tid,time,ip,dso", "--ns", "-i", path])
        #expect(sc.status == 0, "\(sc.stderr)")
        let heads = sc.lines.filter { $0.hasPrefix("synth") }
        #expect(heads.count == 5, "\(sc.stdout)")
        #expect(heads.first?.contains("77/78") == true && heads.first?.contains("0.000002000") == true, "\(heads)")
        // Callchain entries resolved into our MMAP2 (perf prints map-relative addresses for a missing DSO).
        #expect(sc.stdout.contains(" 1040 (/opt/synth/prog)") && sc.stdout.contains(" 2000 (/opt/synth/prog)"), "\(sc.stdout)")
        let hdr = try run("perf", ["report", "--header-only", "-i", path]).stdout
        #expect(hdr.contains("# hostname : synthhost") && hdr.contains("# os release : 9.9.9-test"))
        #expect(hdr.contains("# nrcpus online : 3") && hdr.contains("# nrcpus avail : 4"))
        #expect(hdr.contains("# cmdline : sonde perf record"))
        #expect(hdr.contains("# event : name = cpu-clock"), "\(hdr)")
        let bl = try run("perf", ["buildid-list", "-i", path]).stdout
        #expect(bl.contains("\(BuildIDEntry(buildID: bid, filename: "").hexID) /opt/synth/prog"), "\(bl)")
        // And our reader sees what we wrote.
        let f = try PerfDataFile(path: path)
        #expect(f.features.hostname == "synthhost" && f.features.cmdline == ["sonde", "perf", "record"])
        #expect(f.features.buildIDs.first?.buildID == bid && f.features.eventDesc?.first?.ids == [42])
        var it = f.records()
        var kinds: [String] = []
        while let r = try it.next() {
            kinds.append(RecordType.name(r.type))
            if case .mmap2(let m) = try f.decode(r) { #expect(m.buildID == bid && m.filename == "/opt/synth/prog") }
            if r.type == RecordType.comm {
                let t = try #require(try f.sampleID(r))
                #expect(t.pid == 77 && t.tid == 78 && t.time == 1000 && t.identifier == 42)
            }
        }
        #expect(kinds == ["COMM", "MMAP2", "SAMPLE", "SAMPLE", "FINISHED_ROUND", "SAMPLE", "SAMPLE", "FINISHED_ROUND", "SAMPLE", "EXIT"])
    }
}

/// Opens and fully reads bytes; returns the error, nil when everything parsed.
private func readAll(_ b: Bytes) -> Error? {
    do {
        let f = try PerfDataFile(bytes: b)
        var it = f.records()
        while let r = try it.next() { _ = try f.decode(r); _ = try f.sampleID(r) }
        var o = f.orderedRecords()
        while try o.next() != nil {}
        return nil
    } catch { return error }
}

extension PerfDataTests {
    @Test(.enabled(if: perfUsable, Comment(rawValue: skipNote)))
    func malformedFilesThrowTypedErrors() throws {
        let dir = try tempDir("perfdata")
        defer { try? FileManager.default.removeItem(at: dir) }
        for (name, args, pipe) in [("fp.data", ["-g"], false), ("z.data", ["-g", "-z"], false), ("pipe.data", ["-g"], true)] {
            let path = try record(dir, name, args, pipe: pipe)
            let orig = try MappedFile.open(path).array
            #expect(readAll(Bytes(orig)) == nil)
            // Truncations at many offsets: a file cut anywhere in its records or features must throw, not trap.
            var thrown = 0
            for cut in stride(from: 0, to: orig.count, by: max(1, orig.count / 400)) {
                if let e = readAll(Bytes(Array(orig[0..<cut]))) {
                    #expect(e is PerfDataError, "\(name) cut at \(cut): \(e)")
                    thrown += 1
                }
            }
            #expect(thrown > 100, "\(name): only \(thrown) truncations were noticed")
            // Random byte flips (fixed seed): errors, if any, are PerfDataError that name an offset.
            var rng = SplitMix(seed: 0x5eed)
            for _ in 0..<300 {
                var m = orig
                for _ in 0..<4 { m[Int(rng.next() % UInt64(m.count))] ^= UInt8(truncatingIfNeeded: rng.next() | 1) }
                if let e = readAll(Bytes(m)) {
                    let pe = try #require(e as? PerfDataError, "\(e)")
                    #expect(pe.description.hasPrefix("perf.data: "), "\(pe)")
                }
            }
        }
    }

    @Test func errorNamesTheRecordOffset() throws {
        let dir = try tempDir("perfdata")
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("bad.data").path
        var a = EventAttr()
        a.sampleType = [.ip, .tid, .time, .period]
        let w = try PerfDataWriter(path: path, attrs: [AttrEntry(attr: a, ids: [])])
        try w.comm(pid: 1, tid: 1, comm: "x")
        try w.finish()
        var bytes = try MappedFile.open(path).array
        let f = try PerfDataFile(bytes: Bytes(bytes))
        let dataOffset = Int(try #require(f.header).data.offset)
        // Make the COMM record claim 4 bytes.
        bytes[dataOffset + 6] = 4; bytes[dataOffset + 7] = 0
        let g = try PerfDataFile(bytes: Bytes(bytes))
        var it = g.records()
        #expect(throws: PerfDataError.malformed(offset: dataOffset, context: "record at offset 0x\(String(dataOffset, radix: 16))",
                                                reason: "size 4 smaller than its header")) { _ = try it.next() }
        let msg = "\(PerfDataError.malformed(offset: 0x1a2b, context: "record at offset 0x1a2b", reason: "size 4 smaller than its header"))"
        #expect(msg == "perf.data: record at offset 0x1a2b: size 4 smaller than its header")
        #expect(throws: PerfDataError.notPerfData) { _ = try PerfDataFile(bytes: Bytes(Array("PERFILE1xxxxxxxxxxxxxxxx".utf8))) }
    }

    /// Every input kept by the fuzzer as a regression still parses or throws.
    @Test func fuzzRegressionInputsDoNotTrap() throws {
        let dir = packageRoot.appendingPathComponent("Tests/Fixtures/fuzz-regressions/perfdata")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
        for n in names {
            let b = try MappedFile.open(dir.appendingPathComponent(n).path)
            if let e = readAll(Bytes(b.array)) { #expect(e is PerfDataError, "\(n): \(e)") }
        }
    }
}

/// Converts a little-endian file of a known shape (written below) to big-endian, field by field, the way a
/// big-endian perf would have laid it out (bit-fields allocated from the most significant bit).
private func toBigEndian(_ le: [UInt8], attrs: Int) throws -> [UInt8] {
    let b = Bytes(le)
    var out = le
    func swap(_ o: Int, _ n: Int) { out.replaceSubrange(o..<o + n, with: le[o..<o + n].reversed()) }
    func u64s(_ o: Int, _ n: Int) { for k in 0..<n { swap(o + 8 * k, 8) } }
    u64s(0, 13)
    let attrOff = Int(try b.u64(24)), attrSz = Int(try b.u64(16)), dataOff = Int(try b.u64(40)), dataSz = Int(try b.u64(48))
    for k in 0..<attrs {
        let o = attrOff + k * attrSz
        swap(o, 4); swap(o + 4, 4); u64s(o + 8, 4)
        // flags: bit n of the little-endian word becomes bit 63-n of the big-endian one.
        var f = try b.u64(o + 40), r: UInt64 = 0
        for _ in 0..<64 { r = r << 1 | f & 1; f >>= 1 }
        withUnsafeBytes(of: r.bigEndian) { out.replaceSubrange(o + 40..<o + 48, with: $0) }
        swap(o + 48, 4); swap(o + 52, 4); u64s(o + 56, 5); swap(o + 96, 4); swap(o + 100, 4); u64s(o + 104, 1)
        swap(o + 112, 4); swap(o + 116, 2); swap(o + 118, 2); swap(o + 120, 4); swap(o + 124, 4); u64s(o + 128, 1)
        u64s(o + attrSz - 16, 2)
        let io = Int(try b.u64(o + attrSz - 16)), iz = Int(try b.u64(o + attrSz - 8))
        u64s(io, iz / 8)
    }
    var o = dataOff
    while o < dataOff + dataSz {
        let type = try b.u32(o), size = Int(try b.u16(o + 6))
        swap(o, 4); swap(o + 4, 2); swap(o + 6, 2)
        let p = o + 8
        switch type {
        case RecordType.comm: swap(p, 4); swap(p + 4, 4)
        case RecordType.exit: for k in 0..<4 { swap(p + 4 * k, 4) }; u64s(p + 16, 1)
        case RecordType.sample:
            // IDENTIFIER, IP, TID, TIME, PERIOD, CALLCHAIN (nr + ips): u64s except the pid/tid pair.
            u64s(p, 2); swap(p + 16, 4); swap(p + 20, 4); u64s(p + 24, (size - 32) / 8)
        default: break
        }
        if type == RecordType.comm || type == RecordType.exit {
            // sample_id_all trailer: pid, tid (u32), time, identifier.
            let t = o + size - 24
            swap(t, 4); swap(t + 4, 4); u64s(t + 8, 2)
        }
        o += size
    }
    // Features: HOSTNAME (u32 length + bytes) and NRCPUS (two u32), after the data.
    let ft = dataOff + dataSz
    u64s(ft, 4)
    swap(Int(try b.u64(ft)), 4)
    let nr = Int(try b.u64(ft + 16)); swap(nr, 4); swap(nr + 4, 4)
    return out
}

extension PerfDataTests {
    @Test func bigEndianFileReadsLikeItsLittleEndianTwin() throws {
        let dir = try tempDir("perfdata")
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("le.data").path
        var a = EventAttr()
        a.type = 1; a.samplePeriod = 4000; a.freq = true; a.sampleIDAll = true; a.mmap2 = true; a.comm = true; a.preciseIP = 2
        a.sampleType = [.identifier, .ip, .tid, .time, .period, .callchain]
        let w = try PerfDataWriter(path: path, attrs: [AttrEntry(attr: a, ids: [7, 8])])
        w.features.hostname = "bigendianhost"
        w.features.nrCPUsAvailable = 8; w.features.nrCPUsOnline = 6
        let sid = SampleID(pid: 300, tid: 301, time: 5, id: 7)
        try w.comm(pid: 300, tid: 301, comm: "be-prog", exec: true, sampleID: sid)
        for i in 0..<3 {
            var s = Sample()
            s.identifier = 7; s.ip = 0x1000 + UInt64(i); s.pid = 300; s.tid = 301; s.time = 10 + UInt64(i); s.period = 99
            s.callchain = U64List([CallchainContext.user, s.ip, 0xdead_beef_0000 + UInt64(i)])
            try w.sample(s)
        }
        try w.exit(TaskRecord(pid: 300, ppid: 1, tid: 301, ptid: 1, time: 20), sampleID: sid)
        try w.finish()
        let le = try MappedFile.open(path).array
        let be = try toBigEndian(le, attrs: 1)
        #expect(be != le)
        let f = try PerfDataFile(bytes: Bytes(le)), g = try PerfDataFile(bytes: Bytes(be))
        #expect(!f.isSwapped && g.isSwapped)
        #expect(g.attrs == f.attrs)
        #expect(g.attrs[0].attr.preciseIP == 2 && g.attrs[0].attr.freq && g.attrs[0].attr.sampleIDAll)
        #expect(g.features.hostname == "bigendianhost" && g.features.nrCPUsOnline == 6 && g.features.nrCPUsAvailable == 8)
        #expect(try ourDump(g) == ourDump(f))
        var it = g.records()
        var comms: [CommRecord] = [], trailers: [SampleID] = []
        while let r = try it.next() {
            if case .comm(let c) = try g.decode(r) { comms.append(c) }
            if let t = try g.sampleID(r) { trailers.append(t) }
        }
        #expect(comms == [CommRecord(pid: 300, tid: 301, comm: "be-prog", exec: true)])
        #expect(trailers.count == 2 && trailers.allSatisfy { $0.pid == 300 && $0.tid == 301 && $0.time == 5 && $0.identifier == 7 })
    }
}

/// A small deterministic generator for byte flips.
private struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }
}

/// Reads `path`, writes every record back through PerfDataWriter (typed encoders for COMM, MMAP, MMAP2,
/// FORK, EXIT, LOST, SAMPLE; raw copies for the rest; COMPRESSED expanded) and checks that perf script
/// and perf report print the same for both files.
private func roundTrip(_ path: String, _ dir: URL, pipe: Bool = false) throws {
    let f = try PerfDataFile(path: path)
    let out = dir.appendingPathComponent("copy.data").path
    var feats = WriterFeatures()
    feats.eventNames = f.features.eventDesc?.map(\.name)
    feats.hostname = f.features.hostname
    let w: PerfDataWriter
    if pipe {
        let fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        w = try PerfDataWriter(pipe: fd, attrs: f.attrs, features: feats, closeWhenDone: true)
    } else {
        w = try PerfDataWriter(path: out, attrs: f.attrs)
    }
    w.features.hostname = f.features.hostname
    w.features.osRelease = f.features.osRelease
    w.features.version = f.features.version
    w.features.arch = f.features.arch
    w.features.nrCPUsAvailable = f.features.nrCPUsAvailable
    w.features.nrCPUsOnline = f.features.nrCPUsOnline
    w.features.cmdline = f.features.cmdline
    w.features.eventNames = f.features.eventDesc?.map(\.name)
    w.features.buildIDs = f.features.buildIDs
    w.features.totalMemKB = f.features.totalMemKB
    var it = f.records()
    var typed = 0
    while let r = try it.next() {
        let ai = max(r.attrIndex, 0)
        let sid = try f.sampleID(r)
        switch try f.decode(r) {
        case .sample(let s): try w.sample(s, misc: r.misc, attr: ai)
        case .comm(let c): try w.comm(pid: c.pid, tid: c.tid, comm: c.comm, exec: c.exec, sampleID: sid, attr: ai)
        case .mmap(let m): try w.mmap(m, misc: r.misc, sampleID: sid, attr: ai)
        case .mmap2(let m): try w.mmap2(m, misc: r.misc, sampleID: sid, attr: ai)
        case .fork(let t): try w.fork(t, sampleID: sid, attr: ai)
        case .exit(let t): try w.exit(t, sampleID: sid, attr: ai)
        case .lost(let id, let n): try w.lost(id: id, lost: n, sampleID: sid, attr: ai)
        case .finishedRound: try w.finishedRound(); typed -= 1
        case .headerAttr, .headerFeature: typed -= 1  // the writer emits its own
        default: try w.writeRecord(r); typed -= 1
        }
        typed += 1
    }
    try w.finish()
    #expect(typed > 100)
    #expect(try PerfDataFile(path: out).isPipe == pipe)
    for args in [["script"], ["script", "-F", "comm,pid,tid,time,ip,sym,dso,period,event", "--ns"], ["report", "--stdio"]] {
        let a = try run("perf", args + ["-i", path]), b = try run("perf", args + ["-i", out])
        #expect(a.status == 0 && b.status == 0, "\(args): \(b.stderr)")
        #expect(a.lines.count > 20)
        let al = a.lines.filter { !$0.contains("(Tip:") }, bl = b.lines.filter { !$0.contains("(Tip:") }  // perf picks its tip line at random
        #expect(al.count == bl.count, "\(args): \(al.count) vs \(bl.count) lines")
        if let i = al.indices.first(where: { $0 < bl.count && al[$0] != bl[$0] }) { Issue.record("\(args) line \(i): \(al[i]) vs \(bl[i])") }
    }
    // Our own reader sees the same samples in the copy.
    let g = try PerfDataFile(path: out)
    #expect(try ourDump(g).filter { $0.name == "SAMPLE" }.map { [$0.time, $0.ip, UInt64($0.tid)] + $0.chain }
            == ourDump(f).filter { $0.name == "SAMPLE" }.map { [$0.time, $0.ip, UInt64($0.tid)] + $0.chain })
}
