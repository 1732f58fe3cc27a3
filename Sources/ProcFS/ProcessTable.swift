import Glibc
import Dispatch

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
    /// /proc/PID/statm (sizes in pages, with the shared count top shows as SHR).
    public static let statm = ProcessFields(rawValue: 1 << 5)
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
    public var statm: ProcessStatm?
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

/// Reads the files of one /proc/PID directory through a directory descriptor
/// (one path lookup per process, not per file) into a reused buffer.
final class ProcDirReader {
    var buffer: [UInt8] = []
    var dirfd: Int32 = -1
    var path = ""

    init() { buffer.reserveCapacity(16384) }

    /// `descriptor`: open the directory once and read relative to it. That saves
    /// path walks when three or more files are read, and costs an extra open and
    /// close when fewer are.
    func open(_ path: String, descriptor: Bool) throws(ProcError) {
        close()
        self.path = path
        guard descriptor else { return }
        dirfd = Glibc.open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if dirfd < 0 { throw .io(path: path, errno: errno) }
    }

    func close() {
        if dirfd >= 0 { Glibc.close(dirfd) }
        dirfd = -1
    }

    deinit { close() }

    /// The file's bytes in the shared buffer (valid until the next read).
    func read(_ name: String) throws(ProcError) -> [UInt8] {
        let fd = dirfd >= 0 ? openat(dirfd, name, O_RDONLY | O_CLOEXEC) : Glibc.open(path + "/" + name, O_RDONLY | O_CLOEXEC)
        if fd < 0 { throw .io(path: path + "/" + name, errno: errno) }
        defer { Glibc.close(fd) }
        if recordOwner {
            var st = Glibc.stat()
            lastOwner = fstat(fd, &st) == 0 ? st.st_uid : nil
            recordOwner = false  // one file is enough
        }
        buffer.removeAll(keepingCapacity: true)
        var failure: Int32 = 0
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 16384) { chunk in
            while true {
                let n = Glibc.read(fd, chunk.baseAddress!, chunk.count)
                if n < 0 { if errno == EINTR { continue }; failure = errno; return }
                if n == 0 { return }
                buffer.append(contentsOf: UnsafeBufferPointer(rebasing: chunk[0..<n]))
                // procfs fills the whole buffer while it has data, so a short
                // read is the end: skip the extra read() that would return 0.
                if n < chunk.count { return }
            }
        }
        if failure != 0 { throw .io(path: path + "/" + name, errno: failure) }
        return buffer
    }

    /// Owner of the last file read (set when `recordOwner`): procfs gives every
    /// file of /proc/PID the task's owner, so fstat on the open stat file answers
    /// without another path lookup.
    var recordOwner = false
    var lastOwner: UInt32?

    func ownerUID() throws(ProcError) -> UInt32 {
        if let o = lastOwner { return o }
        var st = Glibc.stat()
        let rc = dirfd >= 0 ? fstat(dirfd, &st) : fstatat(AT_FDCWD, path, &st, 0)
        if rc != 0 { throw .io(path: path, errno: errno) }
        return st.st_uid
    }
}

extension ProcFS {
    /// Reads one process (or thread). Throws if it does not exist; optional
    /// extras that cannot be read (permission) are left nil.
    public func record(pid: Int32, tid: Int32? = nil, fields: ProcessFields) throws(ProcError) -> ProcessRecord {
        try record(pid: pid, tid: tid, fields: fields, reader: ProcDirReader())
    }

    func record(pid: Int32, tid: Int32?, fields: ProcessFields, reader: ProcDirReader) throws(ProcError) -> ProcessRecord {
        let extraFiles = fields.intersection([.status, .cmdline, .wchan, .io, .statm]).rawValue.nonzeroBitCount
        try reader.open(root + "/" + Self.dir(pid, tid: tid), descriptor: extraFiles >= 2)
        defer { reader.close() }
        reader.recordOwner = fields.contains(.owner) && !fields.contains(.status)
        reader.lastOwner = nil
        defer { reader.recordOwner = false; reader.lastOwner = nil }
        guard let st = ProcessStat.parse(try reader.read("stat")) else { throw .malformed(path: reader.path + "/stat", what: "stat") }
        var r = ProcessRecord(pid: pid, tid: tid ?? pid, stat: st)
        if fields.contains(.status) {
            let s = ProcessStatus.parse(try reader.read("status"), keepLines: false)
            r.status = s
            if s.uids.count > 1 { r.euid = s.uids[1] }
        } else if fields.contains(.owner) {
            r.euid = try reader.ownerUID()
        }
        if fields.contains(.statm) {
            r.statm = (try? reader.read("statm")).flatMap { ProcessStatm.parse($0) }
        }
        if fields.contains(.cmdline) {
            // Threads share the process's argv (their own cmdline file is the same).
            r.cmdline = (try? reader.read("cmdline")).map(splitNul) ?? []
        }
        if fields.contains(.wchan) {
            r.wchan = Self.wchanName(try? reader.read("wchan"))
        }
        if fields.contains(.io) {
            r.io = (try? reader.read("io")).flatMap(ProcessIO.parse)
        }
        return r
    }

    /// Every process, or every thread when `threads` is true. Processes that
    /// vanish between the directory listing and the read are skipped silently.
    /// `leaderTotals`: in thread mode the leader's row shows the whole process
    /// (ps) rather than the leader thread alone (top -H).
    /// `parallel`: spread large tables over the CPUs (less wall time, slightly more CPU
    /// time from lock contention in procfs); a monitor that refreshes wants it off.
    public func processes(fields: ProcessFields, threads: Bool = false, leaderTotals: Bool = true, parallel: Bool = true) throws(ProcError) -> [ProcessRecord] {
        let pids = try processIDs()
        // Reading /proc is syscall-bound: spread large tables over the CPUs,
        // each worker with its own reader, results kept in pid order.
        let workers = parallel && pids.count >= 512 ? min(4, max(1, SystemConstants.onlineCPUs)) : 1
        if workers == 1 { return read(pids[...], fields: fields, threads: threads, leaderTotals: leaderTotals) }
        let chunk = (pids.count + workers - 1) / workers
        let results = UnsafeMutableBufferPointer<[ProcessRecord]>.allocate(capacity: workers)
        results.initialize(repeating: [])
        defer { results.deinitialize(); results.deallocate() }
        nonisolated(unsafe) let slots = results
        let me = self
        DispatchQueue.concurrentPerform(iterations: workers) { w in
            let lo = w * chunk, hi = min(pids.count, lo + chunk)
            if lo < hi { slots[w] = me.read(pids[lo..<hi], fields: fields, threads: threads, leaderTotals: leaderTotals) }
        }
        return results.flatMap { $0 }
    }

    func read(_ pids: ArraySlice<Int32>, fields: ProcessFields, threads: Bool, leaderTotals: Bool) -> [ProcessRecord] {
        var out: [ProcessRecord] = []
        out.reserveCapacity(pids.count)
        let reader = ProcDirReader()
        for pid in pids {
            if threads {
                guard let tids = try? threadIDs(pid) else { continue }
                for tid in tids {
                    // The leader's row carries the whole process's numbers, as procps shows it.
                    if var r = try? record(pid: pid, tid: tid == pid && leaderTotals ? nil : tid, fields: fields, reader: reader) {
                        r.tid = tid
                        out.append(r)
                    }
                }
            } else if let r = try? record(pid: pid, tid: nil, fields: fields, reader: reader) {
                out.append(r)
            }
        }
        return out
    }

    /// The threads of one process.
    public func threads(of pid: Int32, fields: ProcessFields) -> [ProcessRecord] {
        guard let tids = try? threadIDs(pid) else { return [] }
        let reader = ProcDirReader()
        return tids.compactMap { try? record(pid: pid, tid: $0, fields: fields, reader: reader) }
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
}
