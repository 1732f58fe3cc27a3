import Foundation
import Testing
@testable import Monitors
import Render

/// iotop's human_size written independently from its Python source, as the oracle.
private func pyHuman(_ size: Double) -> String {
    if size == 0 { return "0.00 B" }
    let units = ["B", "K", "M", "G", "T", "P", "E"]
    let expo = Int(log(size / 2) / log(2.0) / 10)
    return String(format: "%.2f %@", size / pow(1024, Double(expo)), units[expo])
}

@Suite struct IOTopModelTests {
    @Test func ratesBetweenTwoSamples() throws {
        let prev = IOSample(time: 10, tasks: [IOTask(pid: 5, tid: 5, readBytes: 1000, writeBytes: 4096, cancelledWriteBytes: 0),
                                              IOTask(pid: 6, tid: 6, readBytes: 0, writeBytes: 0)], pgpgin: 100, pgpgout: 200)
        let cur = IOSample(time: 12, tasks: [IOTask(pid: 5, tid: 5, readBytes: 1000 + 8192, writeBytes: 4096 + 3 << 20, cancelledWriteBytes: 1 << 20),
                                             IOTask(pid: 6, tid: 6, readBytes: 0, writeBytes: 0),
                                             IOTask(pid: 7, tid: 7, readBytes: 999, writeBytes: 999)], pgpgin: 108, pgpgout: 2248)
        let f = IOTopModel.frame(previous: prev, current: cur, only: false)
        #expect(f.duration == 2)
        let r5 = try #require(f.rows.first { $0.task.tid == 5 })
        #expect(r5.read == 8192 && r5.write == 2 << 20)
        // A task without history shows nothing yet, as iotop does.
        #expect(try #require(f.rows.first { $0.task.tid == 7 }).active == false)
        #expect(f.totalRead == 8192 && f.totalWrite == 2 << 20)
        #expect(f.currentRead == 8 * 1024 && f.currentWrite == 2048 * 1024)
        #expect(f.rows.map(\.task.tid) == [5, 6, 7])  // DISK WRITE first, ties in /proc order
        #expect(IOTopModel.frame(previous: prev, current: cur, only: true).rows.map(\.task.tid) == [5])
        #expect(IOTopFormat.bandwidth(r5.write, duration: f.duration, kilobytes: false) == pyHuman(Double(2 << 20) / 2) + "/s")
        #expect(IOTopFormat.bandwidth(r5.write, duration: f.duration, kilobytes: true) == String(format: "%.2f K/s", Double(2 << 20) / 2 / 1024))
    }

    @Test func humanSizeMatchesIotopFormula() {
        for v in [1.0, 1.5, 2047.0, 2048.0, 4096.0, 1e6, 3.3e9, 7.7e12] {
            #expect(IOTopFormat.humanSize(v) == pyHuman(v), "\(v)")
        }
    }

    @Test func lineShapes() {
        let f = IOFrame(duration: 1, totalRead: 0, totalWrite: 1536, currentRead: 0, currentWrite: 0, rows: [])
        let s = IOTopFormat.summaryLines(f, kilobytes: false)
        let w = pyHuman(1536) + "/s"
        #expect(s[0] == "Total DISK READ:         0.00 B/s | Total DISK WRITE:   " + String(repeating: " ", count: 14 - w.count) + w)
        #expect(IOTopFormat.titles(pidWidth: 5, processes: false, time: false) == "  TID  PRIO  USER     DISK READ  DISK WRITE  SWAPIN      IO    COMMAND")
        #expect(IOTopFormat.titles(pidWidth: 7, processes: true, time: true) == "    TIME    PID  PRIO  USER     DISK READ  DISK WRITE  SWAPIN      IO    COMMAND")
        let row = IOTopFormat.row(id: 42, prio: "be/4", user: "averylongname", read: "0.00 B/s", write: "1.50 K/s", command: "dd if=x", pidWidth: 5)
        #expect(row == "   42 be/4 averylon    0.00 B/s    1.50 K/s ?unavailable?  dd if=x")
    }

    @Test func commandAndPrio() {
        #expect(IOTopFormat.command(argv: ["/usr/bin/python3", "/usr/sbin/iotop", "-b"], comm: "python3", processComm: nil, isThread: false) == "python3 /usr/sbin/iotop -b")
        #expect(IOTopFormat.command(argv: [], comm: "kthreadd", processComm: nil, isThread: false) == "[kthreadd]")
        #expect(IOTopFormat.command(argv: ["srv"], comm: "worker", processComm: "srv", isThread: true) == "srv [worker]")
        #expect(IOTopFormat.command(argv: ["srv"], comm: "srv", processComm: "srv", isThread: true) == "srv")
        #expect(IOTopFormat.ioprio((2 << 13) | 7, policy: 0, nice: 0) == "be/7")
        #expect(IOTopFormat.ioprio(3 << 13, policy: 0, nice: 0) == "idle")
        #expect(IOTopFormat.ioprio(0, policy: 0, nice: -20) == "be/0")
        #expect(IOTopFormat.ioprio(0, policy: 0, nice: 19) == "be/7")
        #expect(IOTopFormat.ioprio(0, policy: 1, nice: 0) == "rt/4")
        #expect(IOTopFormat.ioprio(-1, policy: 0, nice: 0) == "?err")
    }

    @Test func options() throws {
        let o = try IOTopOptions.parse(["-boPk", "-n3", "-d", "0.5", "-p", "12", "--user=root", "-qq", "-t"], uidOf: { $0 == "root" ? 0 : nil })
        #expect(o.batch && o.only && o.processes && o.kilobytes && o.iterations == 3 && o.delay == 0.5 && o.pids == [12] && o.uids == [0] && o.quiet == 2 && o.time)
        #expect(try IOTopOptions.parse(["-q"], uidOf: { _ in nil }).batch)
        for bad in [["-n", "x"], ["-d", "-1"], ["-Z"], ["-u", "nosuch"], ["-p", "x"], ["-n"]] {
            #expect(throws: ToolError.self, "\(bad)") { try IOTopOptions.parse(bad, uidOf: { _ in nil }) }
            do { _ = try IOTopOptions.parse(bad, uidOf: { _ in nil }) } catch { #expect(error.status == 2) }
        }
    }
}
