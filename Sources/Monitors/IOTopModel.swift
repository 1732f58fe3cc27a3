import Glibc
import ProcFS
import Render

// The pure part of iotop: two samples of /proc/PID/io counters in, rates and
// iotop's batch text out.

/// One task's I/O counters at one moment.
public struct IOTask: Sendable, Equatable {
    public var pid: Int32
    public var tid: Int32
    public var uid: UInt32
    public var readBytes: UInt64
    public var writeBytes: UInt64
    public var cancelledWriteBytes: UInt64
    public init(pid: Int32, tid: Int32, uid: UInt32 = 0, readBytes: UInt64 = 0, writeBytes: UInt64 = 0, cancelledWriteBytes: UInt64 = 0) {
        self.pid = pid; self.tid = tid; self.uid = uid
        self.readBytes = readBytes; self.writeBytes = writeBytes; self.cancelledWriteBytes = cancelledWriteBytes
    }
}

public struct IOSample: Sendable {
    /// Monotonic seconds.
    public var time: Double
    public var tasks: [IOTask]
    /// /proc/vmstat pgpgin and pgpgout (KiB paged in and out).
    public var pgpgin: UInt64
    public var pgpgout: UInt64
    public init(time: Double, tasks: [IOTask], pgpgin: UInt64, pgpgout: UInt64) {
        self.time = time; self.tasks = tasks; self.pgpgin = pgpgin; self.pgpgout = pgpgout
    }
}

public struct IORow: Sendable, Equatable {
    public var task: IOTask
    /// Bytes in the interval (write: written minus cancelled, at least 0).
    public var read: UInt64
    public var write: UInt64
    public var cancelled: UInt64
    /// Whether any counter moved (iotop -o).
    public var active: Bool { read > 0 || write > 0 || cancelled > 0 }
}

public struct IOFrame: Sendable {
    public var duration: Double
    public var totalRead: UInt64, totalWrite: UInt64
    public var currentRead: UInt64, currentWrite: UInt64
    public var rows: [IORow]
}

public enum IOTopModel {
    /// Rows sorted as iotop sorts without delay accounting: by DISK WRITE, highest first, ties in /proc order.
    /// A task not in `previous` has no history yet and shows 0, as iotop does.
    public static func frame(previous: IOSample, current: IOSample, only: Bool) -> IOFrame {
        let base = previous
        var prev: [Int32: IOTask] = [:]
        prev.reserveCapacity(base.tasks.count)
        for t in base.tasks { prev[t.tid] = t }
        func d(_ a: UInt64, _ b: UInt64) -> UInt64 { a >= b ? a - b : 0 }
        var rows: [IORow] = []
        var tr: UInt64 = 0, tw: UInt64 = 0
        for t in current.tasks {
            var r = IORow(task: t, read: 0, write: 0, cancelled: 0)
            if let p = prev[t.tid], p.pid == t.pid {
                r.read = d(t.readBytes, p.readBytes)
                let w = d(t.writeBytes, p.writeBytes)
                r.cancelled = d(t.cancelledWriteBytes, p.cancelledWriteBytes)
                r.write = d(w, r.cancelled)
            }
            tr &+= r.read
            tw &+= r.write
            if only && !r.active { continue }
            rows.append(r)
        }
        let indexed = rows.enumerated().map { ($0.offset, $0.element) }
        rows = indexed.sorted { a, b in
            if a.1.write != b.1.write { return a.1.write > b.1.write }
            return a.0 < b.0
        }.map { $0.1 }
        let duration = max(current.time - previous.time, 1e-6)
        return IOFrame(duration: duration, totalRead: tr, totalWrite: tw,
                       currentRead: d(current.pgpgin, previous.pgpgin) * 1024,
                       currentWrite: d(current.pgpgout, previous.pgpgout) * 1024, rows: rows)
    }
}

/// iotop's text.
public enum IOTopFormat {
    static let units = ["B", "K", "M", "G", "T", "P", "E"]

    /// "%.2f U" with the unit chosen as iotop does (int(log2(size/2)/10)).
    public static func humanSize(_ size: Double) -> String {
        if size == 0 { return "0.00 B" }
        let sign = size < 0 ? "-" : ""
        let v = abs(size)
        var expo = Int(log2(v / 2) / 10)  // truncates toward zero like Python's int()
        expo = min(max(expo, 0), units.count - 1)
        return sign + TopFormat.fixed(v / Double(1 << (10 * expo)), 2) + " " + units[expo]
    }

    public static func size(_ bytes: Double, kilobytes: Bool) -> String {
        kilobytes ? TopFormat.fixed(bytes / 1024, 2) + " K" : humanSize(bytes)
    }

    public static func bandwidth(_ bytes: UInt64, duration: Double, kilobytes: Bool) -> String {
        size(bytes == 0 ? 0 : Double(bytes) / duration, kilobytes: kilobytes) + "/s"
    }

    static func rjust(_ s: String, _ w: Int) -> String {
        let n = s.unicodeScalars.count
        return n >= w ? s : String(repeating: " ", count: w - n) + s
    }

    static func ljust(_ s: String, _ w: Int) -> String {
        let n = s.unicodeScalars.count
        return n >= w ? s : s + String(repeating: " ", count: w - n)
    }

    public static func summaryLines(_ f: IOFrame, kilobytes: Bool) -> [String] {
        func bw(_ b: UInt64) -> String { rjust(bandwidth(b, duration: f.duration, kilobytes: kilobytes), 14) }
        return ["Total DISK READ:   \(bw(f.totalRead)) | Total DISK WRITE:   \(bw(f.totalWrite))",
                "Current DISK READ: \(bw(f.currentRead)) | Current DISK WRITE: \(bw(f.currentWrite))"]
    }

    public static func titles(pidWidth: Int, processes: Bool, time: Bool) -> String {
        var t = String(repeating: " ", count: max(0, pidWidth - 3)) + (processes ? "PID" : "TID")
        t += "  PRIO" + "  USER" + "     DISK READ" + "  DISK WRITE" + "  SWAPIN" + "      IO" + "    COMMAND"
        return time ? "    TIME" + t : t
    }

    /// One row; without delay accounting SWAPIN and IO read "?unavailable?" as in iotop.
    public static func row(id: Int32, prio: String, user: String, read: String, write: String, command: String, pidWidth: Int) -> String {
        let u = String(String.UnicodeScalarView(user.unicodeScalars.prefix(8)))
        return rjust(String(id), pidWidth) + " " + rjust(prio, 4) + " " + ljust(u, 8) + " " + rjust(read, 11) + " " + rjust(write, 11)
            + " ?unavailable?  " + command
    }

    /// iotop's command text: argv joined by spaces with the program's directory dropped;
    /// "[comm]" for kernel threads; a thread named unlike its process gets " [name]".
    public static func command(argv: [String], comm: String, processComm: String?, isThread: Bool) -> String {
        if argv.isEmpty || argv.allSatisfy({ $0.isEmpty }) { return comm.isEmpty ? "{no name}" : "[\(comm)]" }
        var parts = argv
        if parts[0].hasPrefix("/"), let slash = parts[0].lastIndex(of: "/") { parts[0] = String(parts[0][parts[0].index(after: slash)...]) }
        // A newline in an argument would split the row (iotop prints it raw); control bytes become '?' as in ps.
        var s = psEscape(parts.joined(separator: " ").trimmingSpaces)
        if isThread, let pc = processComm, pc != comm { s += " [\(comm)]" }
        return s
    }

    /// ioprio_get value to iotop's text; class 0 (none) uses the scheduler policy and nice.
    public static func ioprio(_ value: Int32, policy: UInt64, nice: Int64) -> String {
        if value < 0 { return "?err" }
        let cls = value >> 13
        let data = value & 0xFF
        switch cls {
        case 1: return "rt/\(data)"
        case 2: return "be/\(data)"
        case 3: return "idle"
        default:
            let n = Int((Double(nice) + 20) / 5)
            switch policy {
            case 1, 2: return "rt/\(n)"
            case 5: return "idle"
            default: return "be/\(n)"
            }
        }
    }
}
