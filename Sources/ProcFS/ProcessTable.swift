/// What to read for each process beyond /proc/PID/stat.
public struct ProcessFields: OptionSet, Sendable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }
    /// /proc/PID/status (uids, gids, VmLck, VmRSS...).
    public static let status = ProcessFields(rawValue: 1 << 0)
    /// /proc/PID/cmdline.
    public static let cmdline = ProcessFields(rawValue: 1 << 1)
    /// /proc/PID/wchan.
    public static let wchan = ProcessFields(rawValue: 1 << 2)
    /// /proc/PID/io (needs the same uid or CAP_SYS_PTRACE).
    public static let io = ProcessFields(rawValue: 1 << 3)
    /// Owner of /proc/PID: the effective uid, without reading status.
    public static let owner = ProcessFields(rawValue: 1 << 4)
}

/// One process (or one thread of it) as read from procfs at one moment.
public struct ProcessRecord: Sendable {
    /// Thread-group id (the process id).
    public var pid: Int32
    /// Thread id; equal to pid for a process row.
    public var tid: Int32
    public var stat: ProcessStat
    public var status: ProcessStatus?
    /// argv; empty for kernel threads and zombies; nil when not read.
    public var cmdline: [String]?
    public var wchan: String?
    public var io: ProcessIO?
    /// Effective uid (from status when read, else the owner of /proc/PID).
    public var euid: UInt32 = 0

    public init(pid: Int32, tid: Int32, stat: ProcessStat) {
        self.pid = pid
        self.tid = tid
        self.stat = stat
    }

    public var isThread: Bool { tid != pid }
    /// Kernel threads have no memory map and are children of kthreadd (2) or are it.
    public var isKernelThread: Bool { stat.flags & 0x0020_0000 != 0 }  // PF_KTHREAD
}

/// /proc/PID/io counters (bytes and calls).
public struct ProcessIO: Sendable, Equatable {
    public var rchar: UInt64 = 0, wchar: UInt64 = 0, syscr: UInt64 = 0, syscw: UInt64 = 0
    public var readBytes: UInt64 = 0, writeBytes: UInt64 = 0, cancelledWriteBytes: UInt64 = 0

    public init() {}

    public static func parse(_ bytes: [UInt8]) -> ProcessIO? {
        var io = ProcessIO()
        var seen = 0
        for (k, v) in keyValueLines(bytes) {
            guard let n = UInt64(v) else { continue }
            seen += 1
            switch k {
            case "rchar": io.rchar = n
            case "wchar": io.wchar = n
            case "syscr": io.syscr = n
            case "syscw": io.syscw = n
            case "read_bytes": io.readBytes = n
            case "write_bytes": io.writeBytes = n
            case "cancelled_write_bytes": io.cancelledWriteBytes = n
            default: seen -= 1
            }
        }
        return seen > 0 ? io : nil
    }
}

extension ProcFS {
    /// Reads one process (or thread). Throws if it does not exist; optional
    /// extras that cannot be read (permission) are left nil.
    public func record(pid: Int32, tid: Int32? = nil, fields: ProcessFields) throws(ProcError) -> ProcessRecord {
        let dir = Self.dir(pid, tid: tid)
        let bytes = try read(dir + "/stat")
        guard let st = ProcessStat.parse(bytes) else { throw .malformed(path: root + "/" + dir + "/stat", what: "stat") }
        var r = ProcessRecord(pid: pid, tid: tid ?? pid, stat: st)
        if fields.contains(.status) {
            let s = try status(pid: pid, tid: tid)
            r.status = s
            if s.uids.count > 1 { r.euid = s.uids[1] }
        } else if fields.contains(.owner) {
            r.euid = try ownerUID(dir)
        }
        if fields.contains(.cmdline) {
            // Threads share the process's argv.
            r.cmdline = (try? cmdline(pid: pid)) ?? []
        }
        if fields.contains(.wchan) {
            r.wchan = Self.wchanName(try? read(dir + "/wchan"))
        }
        if fields.contains(.io) {
            r.io = (try? read(dir + "/io")).flatMap(ProcessIO.parse)
        }
        return r
    }

    /// procps' rendering of /proc/PID/wchan: "-" when not waiting, "?" when unreadable,
    /// leading dots and underscores dropped.
    public static func wchanName(_ bytes: [UInt8]?) -> String {
        guard let bytes, !bytes.isEmpty else { return "?" }
        if bytes == [UInt8(ascii: "0")] { return "-" }
        var s = Substring(String(decoding: bytes, as: UTF8.self))
        if s.first == "." { s = s.dropFirst() }
        while s.first == "_" { s = s.dropFirst() }
        return String(s)
    }

    /// Every process, or every thread when `threads` is true. Processes that
    /// vanish between the directory listing and the read are skipped silently.
    public func processes(fields: ProcessFields, threads: Bool = false) throws(ProcError) -> [ProcessRecord] {
        var out: [ProcessRecord] = []
        let pids = try processIDs()
        out.reserveCapacity(pids.count)
        for pid in pids {
            if threads {
                guard let tids = try? threadIDs(pid) else { continue }
                for tid in tids {
                    // The leader's row carries the whole process's numbers, as procps shows it.
                    if var r = try? record(pid: pid, tid: tid == pid ? nil : tid, fields: fields) {
                        r.tid = tid
                        out.append(r)
                    }
                }
            } else if let r = try? record(pid: pid, fields: fields) {
                out.append(r)
            }
        }
        return out
    }

    /// The threads of one process.
    public func threads(of pid: Int32, fields: ProcessFields) -> [ProcessRecord] {
        guard let tids = try? threadIDs(pid) else { return [] }
        return tids.compactMap { try? record(pid: pid, tid: $0, fields: fields) }
    }
}
