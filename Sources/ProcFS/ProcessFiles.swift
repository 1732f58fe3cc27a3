// Per-process files other than stat/status/maps: fd, limits, cgroup, io,
// schedstat. Pure parsers from bytes, plus thin live readers on ProcFS.

/// An open file descriptor and what it points to.
public struct FileDescriptor: Sendable, Equatable {
    public enum Kind: String, Sendable { case file, socket, pipe, anon = "anon_inode", device, other }

    public var fd: Int32
    /// The link target, e.g. "/etc/passwd", "socket:[1234]", "pipe:[99]", "anon_inode:[eventfd]".
    public var target: String

    public init(fd: Int32, target: String) {
        self.fd = fd
        self.target = target
    }

    public var kind: Kind { Self.kind(of: target) }

    public static func kind(of target: String) -> Kind {
        if target.hasPrefix("socket:[") { return .socket }
        if target.hasPrefix("pipe:[") { return .pipe }
        if target.hasPrefix("anon_inode:") { return .anon }
        if target.hasPrefix("/dev/") { return .device }
        if target.hasPrefix("/") { return .file }
        return .other
    }

    /// The inode number of "socket:[N]" / "pipe:[N]", nil otherwise.
    public var inode: UInt64? {
        guard let open = target.firstIndex(of: "["), target.hasSuffix("]") else { return nil }
        return UInt64(target[target.index(after: open)..<target.index(before: target.endIndex)])
    }
}

/// One row of /proc/PID/limits. nil soft/hard means "unlimited".
public struct ResourceLimit: Sendable, Equatable {
    public var name: String
    public var soft: UInt64?
    public var hard: UInt64?
    public var units: String

    public init(name: String, soft: UInt64?, hard: UInt64?, units: String) {
        self.name = name
        self.soft = soft
        self.hard = hard
        self.units = units
    }

    /// Parses the table. Column starts come from the header line ("Limit",
    /// "Soft Limit", "Hard Limit", "Units"); rows that do not fit are skipped.
    /// Returns nil when the header is missing.
    public static func parseTable(_ bytes: [UInt8]) -> [ResourceLimit]? {
        let lines = bytes.split(separator: 0x0A, omittingEmptySubsequences: true).map { Array($0) }
        guard let header = lines.first,
              let softCol = find(Array("Soft Limit".utf8), in: header),
              let hardCol = find(Array("Hard Limit".utf8), in: header) else { return nil }
        let unitsCol = find(Array("Units".utf8), in: header)
        guard softCol < hardCol else { return nil }
        var out: [ResourceLimit] = []
        for line in lines.dropFirst() {
            guard line.count > softCol else { continue }
            let name = trim(line[0..<softCol])
            let softEnd = min(hardCol, line.count)
            let softText = trim(line[softCol..<softEnd])
            let hardEnd = min(unitsCol ?? line.count, line.count)
            let hardText = hardCol < line.count ? trim(line[hardCol..<max(hardCol, hardEnd)]) : ""
            let units = (unitsCol.map { $0 < line.count ? trim(line[$0...]) : "" }) ?? ""
            func value(_ s: String) -> UInt64?? {
                if s == "unlimited" { return .some(nil) }
                if let v = UInt64(s) { return .some(v) }
                return nil
            }
            guard !name.isEmpty, let soft = value(softText), let hard = value(hardText) else { continue }
            out.append(ResourceLimit(name: name, soft: soft, hard: hard, units: units))
        }
        return out
    }

    static func find(_ needle: [UInt8], in hay: [UInt8]) -> Int? {
        guard needle.count <= hay.count else { return nil }
        for i in 0...(hay.count - needle.count) where hay[i..<(i + needle.count)].elementsEqual(needle) { return i }
        return nil
    }

    static func trim(_ s: ArraySlice<UInt8>) -> String {
        var a = s.startIndex, b = s.endIndex
        while a < b, s[a] == 0x20 || s[a] == 0x09 { a += 1 }
        while b > a, s[b - 1] == 0x20 || s[b - 1] == 0x09 || s[b - 1] == 0x0D { b -= 1 }
        return String(decoding: s[a..<b], as: UTF8.self)
    }
}

/// One line of /proc/PID/cgroup: "hierarchy-ID:controllers:path".
public struct CgroupEntry: Sendable, Equatable {
    public var hierarchy: Int
    /// Empty for the unified (v2) hierarchy.
    public var controllers: [String]
    public var path: String

    public init(hierarchy: Int, controllers: [String], path: String) {
        self.hierarchy = hierarchy
        self.controllers = controllers
        self.path = path
    }

    /// Lines that do not have the three fields are skipped. The path may contain ':'.
    public static func parse(_ bytes: [UInt8]) -> [CgroupEntry] {
        var out: [CgroupEntry] = []
        for line in bytes.split(separator: 0x0A) {
            let parts = line.split(separator: UInt8(ascii: ":"), maxSplits: 2, omittingEmptySubsequences: false)
            guard parts.count == 3, let id = Int(String(decoding: parts[0], as: UTF8.self)) else { continue }
            let ctl = parts[1].split(separator: UInt8(ascii: ",")).map { String(decoding: $0, as: UTF8.self) }
            out.append(CgroupEntry(hierarchy: id, controllers: ctl, path: String(decoding: parts[2], as: UTF8.self)))
        }
        return out
    }
}

/// /proc/PID/schedstat: time on CPU, time waiting on a run queue (ns), timeslices run.
public struct SchedStat: Sendable, Equatable {
    public var runNanoseconds: UInt64
    public var waitNanoseconds: UInt64
    public var timeslices: UInt64

    public init(runNanoseconds: UInt64, waitNanoseconds: UInt64, timeslices: UInt64) {
        self.runNanoseconds = runNanoseconds
        self.waitNanoseconds = waitNanoseconds
        self.timeslices = timeslices
    }

    public static func parse(_ bytes: [UInt8]) -> SchedStat? {
        var c = ByteCursor(bytes)
        guard let a = c.uint(), let b = c.uint(), let t = c.uint() else { return nil }
        return SchedStat(runNanoseconds: a, waitNanoseconds: b, timeslices: t)
    }
}

/// /proc/PID/io counters (bytes and calls), in file order.
public struct IOCounters: Sendable, Equatable {
    public var values: [(key: String, value: UInt64)] = []

    public init() {}

    public static func == (a: IOCounters, b: IOCounters) -> Bool {
        a.values.map(\.key) == b.values.map(\.key) && a.values.map(\.value) == b.values.map(\.value)
    }

    public subscript(_ key: String) -> UInt64? { values.first(where: { $0.key == key })?.value }

    /// nil when no line parses.
    public static func parse(_ bytes: [UInt8]) -> IOCounters? {
        var io = IOCounters()
        for (k, v) in keyValueLines(bytes) {
            if let n = UInt64(v) { io.values.append((k, n)) }
        }
        return io.values.isEmpty ? nil : io
    }
}

extension ProcFS {
    /// Open descriptors of a process, sorted by number. Descriptors that close
    /// while being listed are skipped.
    public func fileDescriptors(pid: Int32) throws(ProcError) -> [FileDescriptor] {
        let names = try list("\(pid)/fd")
        var out: [FileDescriptor] = []
        for n in names {
            guard let fd = Int32(n) else { continue }
            if let t = try? readlink("\(pid)/fd/\(n)") { out.append(FileDescriptor(fd: fd, target: t)) }
        }
        return out.sorted { $0.fd < $1.fd }
    }

    public func limits(pid: Int32) throws(ProcError) -> [ResourceLimit] {
        let rel = "\(pid)/limits"
        guard let l = ResourceLimit.parseTable(try read(rel)) else { throw .malformed(path: root + "/" + rel, what: "no header") }
        return l
    }

    public func cgroups(pid: Int32) throws(ProcError) -> [CgroupEntry] {
        CgroupEntry.parse(try read("\(pid)/cgroup"))
    }

    public func schedStat(pid: Int32, tid: Int32? = nil) throws(ProcError) -> SchedStat {
        let rel = Self.dir(pid, tid: tid) + "/schedstat"
        guard let s = SchedStat.parse(try read(rel)) else { throw .malformed(path: root + "/" + rel, what: "schedstat") }
        return s
    }

    public func ioCounters(pid: Int32) throws(ProcError) -> IOCounters {
        let rel = "\(pid)/io"
        guard let io = IOCounters.parse(try read(rel)) else { throw .malformed(path: root + "/" + rel, what: "no counters") }
        return io
    }
}
