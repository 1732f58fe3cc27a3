import Foundation
import Testing
import TestSupport
import CSonde
import PerfData
@testable import PerfEvents

/// The live perf_event layer: counters, groups, errors, tracepoint ids, the ring buffer and the sampler.
@Suite(.serialized) struct PerfEventsTests {
    func burn(_ n: Int) -> UInt64 { var x: UInt64 = 0; for i in 0..<n { x = x &+ UInt64(i) &* 2654435761 }; return x }

    @Test func counterCountsOwnTaskClock() throws {
        var a = try PerfAttr.counting(try EventSpec.parse("task-clock"))
        a.inherit = 0
        let c = try Counter(attr: a, pid: 0, cpu: -1)
        c.enable()
        let x = burn(3_000_000)
        c.disable()
        let v = try c.read()
        #expect(x != 1)
        #expect(v.value > 100_000, "task-clock counted \(v.value) ns")
        #expect(v.enabled > 0 && v.running == v.enabled && !v.multiplexed)
        #expect(v.id == c.id && c.id != 0)
        #expect(v.scaled == Double(v.value) && v.runningPercent == 100)
        c.reset()
        #expect(try c.read().value < v.value)
    }

    @Test func groupReadsMembersTogether() throws {
        var a = try PerfAttr.counting(try EventSpec.parse("task-clock"))
        var b = try PerfAttr.counting(try EventSpec.parse("page-faults"))
        a.inherit = 0; b.inherit = 0
        let g = try CounterGroup(attrs: [a, b], pid: 0, cpu: -1)
        g.enable()
        let p = UnsafeMutableRawPointer.allocate(byteCount: 64 * 4096, alignment: 4096)
        for i in 0..<64 { p.storeBytes(of: 1, toByteOffset: i * 4096, as: UInt8.self) }
        p.deallocate()
        g.disable()
        let v = try g.read()
        #expect(v.count == 2)
        #expect(v[0].value > 0 && v[0].id == g.members[0].id)
        #expect(v[1].id == g.members[1].id && v[0].id != v[1].id)
        #expect(v[0].enabled == v[1].enabled, "one read carries the group's time")
    }

    @Test func scalingWhenMultiplexed() {
        let v = CounterValue(value: 1000, enabled: 200, running: 50)
        #expect(v.scaled == 4000 && v.runningPercent == 25 && v.multiplexed)
        #expect(!CounterValue(value: 5, enabled: 10, running: 0).counted)
        #expect(CounterValue(value: 5, enabled: 10, running: 0).scaled == 0)
        let d = CounterValue(value: 30, enabled: 300, running: 300).delta(since: CounterValue(value: 10, enabled: 100, running: 100))
        #expect(d.value == 20 && d.enabled == 200)
        // Group read layout: nr, enabled, running, {value, id}...
        let vals = Counter.decode([2, 100, 50, 7, 11, 9, 12], readFormat: ReadFormat.group.rawValue | ReadFormat.totalTimeEnabled.rawValue | ReadFormat.totalTimeRunning.rawValue | ReadFormat.id.rawValue)
        #expect(vals == [CounterValue(value: 7, enabled: 100, running: 50, id: 11), CounterValue(value: 9, enabled: 100, running: 50, id: 12)])
        #expect(Counter.decode([], readFormat: ReadFormat.group.rawValue).isEmpty)
        #expect(Counter.decode([UInt64.max], readFormat: ReadFormat.group.rawValue).isEmpty, "absurd nr does not trap")
    }

    @Test func typedErrors() throws {
        let a = try PerfAttr.counting(try EventSpec.parse("task-clock"))
        do { _ = try Counter(attr: a, pid: 999_999_9, cpu: -1); Issue.record("opened") } catch {
            #expect(error.kind == .noSuchProcess(999_999_9))
            #expect(error.description.contains("no such process"))
        }
        // Hardware events: counted on a PMU, `not supported` on this VM (as perf stat says).
        let hw = try PerfAttr.counting(try EventSpec.parse("cycles"))
        let perfSays = (try? run("perf", ["stat", "-x,", "-e", "cycles", "true"]))?.stderr ?? ""
        do {
            _ = try Counter(attr: hw, pid: 0, cpu: -1)
            #expect(!perfSays.contains("<not supported>"))
        } catch {
            #expect(error.isNotSupported, "\(error)")
            if hasTool("perf") { #expect(perfSays.contains("<not supported>,,cycles")) }
        }
        let perm = PerfEventError.open(errno: EACCES, what: "cycles", pid: 1)
        #expect(perm.description.contains("/proc/sys/kernel/perf_event_paranoid is"))
        #expect(perm.description.contains("CAP_PERFMON"))
    }

    @Test func tracepointIDFromTracefs() throws {
        let idPath = Tracefs.root + "/events/sched/sched_switch/id"
        guard let s = try? String(contentsOfFile: idPath, encoding: .utf8) else { return }
        #expect(try Tracefs.tracepointID(system: "sched", name: "sched_switch") == UInt64(s.trimmingCharacters(in: .whitespacesAndNewlines)))
        #expect(throws: PerfEventError.self) { try Tracefs.tracepointID(system: "sched", name: "no_such_event") }
        let names = Tracefs.tracepointNames()
        #expect(names[try Tracefs.tracepointID(system: "sched", name: "sched_switch")] == "sched:sched_switch")
        let sa = try PerfAttr.sampling(try EventSpec.parse("task-clock:u"), freq: 4000)
        #expect(sa.type == 1 && sa.config == 1 && sa.freq == 1 && sa.sample_freq == 4000 && sa.exclude_kernel == 1 && sa.mmap2 == 1)
        let tp = try PerfAttr.sampling(try EventSpec.parse("sched:sched_switch"))
        #expect(tp.type == 2 && tp.freq == 0 && tp.sample_period == 1 && tp.sample_type & SampleType.raw.rawValue != 0)
        // Count sched:sched_process_exec of a command started stopped, enabled on exec.
        let w = try Workload(["/bin/true"])
        var a = try PerfAttr.counting(try EventSpec.parse("sched:sched_process_exec"))
        a.enable_on_exec = 1
        let c = try Counter(attr: a, pid: w.pid, cpu: -1)
        try w.start()
        w.wait()
        #expect(try c.read().value == 1)
        #expect(w.exitStatus == 0)
    }

    @Test func cpuLists() {
        #expect(CPUList.parse("0-3,5") == [0, 1, 2, 3, 5])
        #expect(CPUList.parse("1") == [1])
        #expect(CPUList.parse("3-1") == nil && CPUList.parse("x") == nil && CPUList.parse("") == nil)
        #expect(!CPUList.online().isEmpty)
    }

    /// The consumer side on a file laid out like a perf mmap (metadata page + one data page): a record
    /// that straddles the end comes out whole, PERF_RECORD_LOST is counted, the tail is published.
    @Test func ringBufferWrapAndLostOnAFakeMapping() throws {
        let page = 4096
        var bytes = [UInt8](repeating: 0, count: 2 * page)
        func put64(_ off: Int, _ v: UInt64) { for i in 0..<8 { bytes[off + i] = UInt8((v >> (8 * UInt64(i))) & 0xff) } }
        // Stream positions: the tail was left at 4080; a 40-byte SAMPLE (4080..4120) wraps to data offset 24.
        var stream = [UInt8]()
        func rec(_ type: UInt32, _ payload: [UInt64]) {
            var r = [UInt8](repeating: 0, count: 8 + 8 * payload.count)
            for i in 0..<4 { r[i] = UInt8((type >> (8 * UInt32(i))) & 0xff) }
            let size = UInt16(r.count)
            r[6] = UInt8(size & 0xff); r[7] = UInt8(size >> 8)
            for (k, v) in payload.enumerated() { for i in 0..<8 { r[8 + 8 * k + i] = UInt8((v >> (8 * UInt64(i))) & 0xff) } }
            stream += r
        }
        rec(RecordType.sample, [0x401000, 0x0000_0007_0000_0007, 123456789, 1000])
        rec(RecordType.lost, [42, 17])
        for (i, b) in stream.enumerated() { bytes[page + (4080 + i) % page] = b }
        put64(1024, UInt64(4080 + stream.count))  // data_head
        put64(1032, 4080)  // data_tail
        put64(1040, UInt64(page))  // data_offset
        put64(1048, UInt64(page))  // data_size
        let dir = try tempDir("ring")
        let path = dir.appendingPathComponent("buf").path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let fd = open(path, O_RDWR)
        defer { close(fd) }
        let rb = try RingBuffer(fd: fd, dataPages: 1)
        var got: [[UInt8]] = []
        #expect(rb.pending == stream.count)
        let n = rb.drain { got.append(Array($0)) }
        #expect(n == 2 && got.count == 2)
        #expect(got.first == Array(stream[0..<40]), "the wrapped record comes out whole")
        #expect(got.last == Array(stream[40...]))
        #expect(rb.wrappedRecords == 1 && rb.lostRecords == 1 && rb.lostEvents == 17)
        #expect(rb.pending == 0 && rb.drain { _ in } == 0, "tail advanced to head")
        // A header of size 0 (never written by the kernel) skips to the head instead of looping.
        var head = UInt64(4080 + stream.count + 16)
        #expect(pwrite(fd, &head, 8, 1024) == 8)
        #expect(rb.pending == 16)
        #expect(rb.drain { _ in } == 0 && rb.pending == 0)
    }

    struct Samples {
        var samples = 0, ours = 0, user = 0, inBinary = 0, badSize = 0, lost: UInt64 = 0, wrapped: UInt64 = 0
        var mappings: [(UInt64, UInt64)] = []
    }

    /// Samples a CPU-burning child: SAMPLE records of its pid whose user ips fall inside the fixture's
    /// own executable mapping (taken from its MMAP2 record).
    func sampleBurner(dataPages: Int, ms: Int) throws -> Samples {
        let exe = try compileFixture("perf_spin", flags: ["-O1"])
        let w = try Workload([exe, "\(ms)"])
        let attr = Sampler.defaultAttr(freq: 999)
        let s = try Sampler(attr: attr, pid: w.pid, dataPages: dataPages)
        try w.start()
        var out = Samples()
        var ips: [UInt64] = []
        func take(_ cpu: Int32, _ r: UnsafeRawBufferPointer) {
            let type = r.loadUnaligned(fromByteOffset: 0, as: UInt32.self)
            let misc = r.loadUnaligned(fromByteOffset: 4, as: UInt16.self)
            if type == RecordType.sample {
                out.samples += 1
                // IP, TID (pid, tid), TIME, PERIOD: 8 + 32 bytes.
                if r.count != 40 { out.badSize += 1; return }
                let ip = r.loadUnaligned(fromByteOffset: 8, as: UInt64.self)
                let pid = r.loadUnaligned(fromByteOffset: 16, as: Int32.self)
                if pid == w.pid { out.ours += 1 }
                if misc & 7 == 2 { out.user += 1; ips.append(ip) }
            } else if type == RecordType.mmap2, r.count > 72 {
                let addr = r.loadUnaligned(fromByteOffset: 16, as: UInt64.self)
                let len = r.loadUnaligned(fromByteOffset: 24, as: UInt64.self)
                let name = String(decoding: r[72...].prefix { $0 != 0 }, as: UTF8.self)
                if name == exe { out.mappings.append((addr, len)) }
            }
        }
        while !w.wait(block: false) {
            _ = s.poll(timeoutMs: 5)
            s.drain(take)
        }
        s.drain(take)
        for ip in ips where out.mappings.contains(where: { ip >= $0.0 && ip < $0.0 + $0.1 }) { out.inBinary += 1 }
        out.lost = s.lostEvents
        out.wrapped = s.buffers.reduce(0) { $0 + $1.wrappedRecords }
        return out
    }

    @Test func samplerGetsSamplesWithPlausibleIPs() throws {
        let r = try sampleBurner(dataPages: 64, ms: 400)
        #expect(r.samples > 100, "\(r.samples) samples in 400 ms at 999 Hz")
        #expect(r.ours == r.samples)
        #expect(r.badSize == 0)
        #expect(!r.mappings.isEmpty, "MMAP2 of the fixture binary")
        #expect(Double(r.inBinary) > 0.8 * Double(r.user), "\(r.inBinary) of \(r.user) user samples inside the binary")
    }

    @Test func systemWideSamplerSeesABusyCPU() throws {
        let burner = try compileFixture("perf_spin", flags: ["-O1"])
        let child = try Child(burner, ["2000"])
        defer { child.stop() }
        var a = Sampler.defaultAttr(freq: 499, enableOnExec: false)
        a.sample_type |= SampleType.cpu.rawValue
        let s = try Sampler(attr: a, pid: -1, dataPages: 16)
        #expect(s.buffers.count == CPUList.online().count)
        #expect(Set(s.ids(ofAttr: 0)).count == s.buffers.count)
        s.enable()
        var pids: [Int32: Int] = [:], cpusSeen = Set<UInt32>()
        let end = monotonicNanos() + 300_000_000
        while monotonicNanos() < end {
            _ = s.poll(timeoutMs: 20)
            s.drain { cpu, r in
                guard r.loadUnaligned(fromByteOffset: 0, as: UInt32.self) == RecordType.sample, r.count >= 48 else { return }
                pids[r.loadUnaligned(fromByteOffset: 16, as: Int32.self), default: 0] += 1
                // IP, TID, TIME, CPU, PERIOD: the CPU field matches the buffer it came from.
                let c = r.loadUnaligned(fromByteOffset: 32, as: UInt32.self)
                #expect(Int32(c) == cpu)
                cpusSeen.insert(c)
            }
        }
        s.disable()
        #expect((pids[child.pid] ?? 0) > 50, "samples of the burner: \(pids[child.pid] ?? 0) of \(pids.values.reduce(0, +))")
    }

    @Test func smallBufferWrapsAndStillParses() throws {
        // One 4 KiB data page: 40-byte samples straddle its end and are copied out.
        let r = try sampleBurner(dataPages: 1, ms: 400)
        #expect(r.wrapped > 0, "records straddling the end: \(r.wrapped)")
        #expect(r.badSize == 0 && r.ours == r.samples)
        #expect(r.samples + Int(r.lost) > 100, "\(r.samples) samples, \(r.lost) lost")
        #expect(Double(r.inBinary) > 0.8 * Double(r.user))
        #expect(throws: PerfEventError.self) { try RingBuffer(fd: -1, dataPages: 3) }
    }
}
