import ProcFS
import Render

/// What pmap shows for one process: who it is and its mappings (from maps, or
/// from smaps when the mode needs RSS and the other per-mapping counters).
public struct PMapProcess: Sendable {
    public var pid: Int32
    /// The "PID:   command" header text: argv joined by spaces, or "[comm]".
    public var command: String
    /// Start of the main thread's stack (stat field 28), to name "[ stack ]".
    public var startStack: UInt64
    public var mappings: [MemoryMapping]

    public init(pid: Int32, command: String, startStack: UInt64 = 0, mappings: [MemoryMapping]) {
        self.pid = pid
        self.command = command
        self.startStack = startStack
        self.mappings = mappings
    }

    /// The command as procps prints it: argv joined by spaces, "[comm]" when argv is empty.
    public static func commandText(argv: [String], comm: String) -> String {
        let joined = argv.joined(separator: " ")
        return joined.isEmpty ? "[\(comm)]" : joined
    }
}

public struct PMapOptions: Sendable {
    public enum Mode: Sendable, Equatable {
        /// Address, size, mode, mapping, " total" line.
        case standard
        /// -x: Address Kbytes RSS Dirty Mode Mapping.
        case extended
        /// -X (level 1) and -XX (level 2): every smaps field.
        case smaps(level: Int)
        /// -d: offset and device.
        case device
        /// --pss (sonde): RSS, PSS, USS, Swap and Dirty per mapping.
        case usage
    }

    public var mode: Mode = .standard
    public var quiet = false
    public var showPath = false
    /// -A low,high: only mappings that overlap [low, high].
    public var rangeLow: UInt64 = 0
    public var rangeHigh: UInt64 = .max

    public init() {}

    /// Whether the mode needs /proc/PID/smaps rather than maps.
    public var needsSmaps: Bool { mode != .standard && mode != .device }
}

/// Renders pmap reports. Keep one instance for all PIDs of a run: like procps,
/// the -X column widths carry over from one process to the next.
public struct PMapReport {
    public var options: PMapOptions
    /// -X columns: smaps field name and width, built from the first mapping seen.
    var smapsColumns: [(key: String, width: Int)] = []

    public init(options: PMapOptions) { self.options = options }

    /// The mapping column of the default, -x and -d views (procps' naming rules).
    public static func mappingName(_ m: MemoryMapping, startStack: UInt64, showPath: Bool) -> String {
        if m.devMajor == 0, m.name.contains("/SYSV") {
            return "  [ shmid=0x\(String(m.inode, radix: 16)) ]"
        }
        if let slash = m.name.lastIndex(of: "/") {
            if showPath, let first = m.name.firstIndex(of: "/") { return String(m.name[first...]) }
            let after = m.name.index(after: slash)
            return after < m.name.endIndex ? String(m.name[after...]) : "/"
        }
        if startStack >= m.start, startStack <= m.start &+ m.size { return "  [ stack ]" }
        return "  [ anon ]"
    }

    /// Permissions as pmap prints them: 5 characters, 'p' shown as '-', the fifth always '-'.
    public static func modeText(_ perms: String) -> String {
        var b = Array(perms.utf8.prefix(4))
        while b.count < 4 { b.append(UInt8(ascii: "-")) }
        if b[3] == UInt8(ascii: "p") { b[3] = UInt8(ascii: "-") }
        b.append(UInt8(ascii: "-"))
        return String(decoding: b, as: UTF8.self)
    }

    func inRange(_ m: MemoryMapping) -> Bool {
        !(m.end &- 1 < options.rangeLow) && !(options.rangeHigh < m.start)
    }

    static func hex(_ v: UInt64, _ width: Int) -> String {
        let s = String(v, radix: 16)
        return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
    }

    /// Text for one process, header line included.
    public mutating func render(_ p: PMapProcess) -> String {
        var out = "\(p.pid):   \(p.command)\n"
        switch options.mode {
        case .standard: out += standard(p)
        case .extended: out += extended(p)
        case .device: out += device(p)
        case .smaps(let level): out += smapsView(p, level: level)
        case .usage: out += usage(p)
        }
        return out
    }

    /// Mappings in range; like procps, the address-ordered walk stops at the first mapping past the range.
    func selected(_ p: PMapProcess) -> [MemoryMapping] {
        var r: [MemoryMapping] = []
        for m in p.mappings {
            if m.end &- 1 < options.rangeLow { continue }
            if options.rangeHigh < m.start { break }
            r.append(m)
        }
        return r
    }

    struct Totals { var shared: UInt64 = 0, privateWritable: UInt64 = 0, privateReadonly: UInt64 = 0
        var all: UInt64 { shared &+ privateWritable &+ privateReadonly }
        mutating func add(_ m: MemoryMapping) {
            if m.isShared { shared &+= m.size } else if m.isWritable { privateWritable &+= m.size } else { privateReadonly &+= m.size }
        }
    }

    func standard(_ p: PMapProcess) -> String {
        var out = ""
        var t = Totals()
        for m in selected(p) {
            t.add(m)
            let name = Self.mappingName(m, startStack: p.startStack, showPath: options.showPath)
            out += "\(Self.hex(m.start, 16)) \(Format.right(String(m.size >> 10), 6))K \(Self.modeText(m.perms)) \(name)\n"
        }
        if !options.quiet { out += " total \(Format.right(String(t.all >> 10), 16))K\n" }
        return out
    }

    func extended(_ p: PMapProcess) -> String {
        var out = ""
        if !options.quiet {
            out += Format.left("Address", 16) + " " + Format.right("Kbytes", 7) + " " + Format.right("RSS", 7) + " "
                + Format.right("Dirty", 7) + " " + Format.left("Mode", 5) + " Mapping\n"
        }
        var t = Totals()
        var rss: UInt64 = 0, dirty: UInt64 = 0
        for m in selected(p) {
            t.add(m)
            rss &+= m.rss
            dirty &+= m.dirty
            let name = Self.mappingName(m, startStack: p.startStack, showPath: options.showPath)
            out += Self.hex(m.start, 16) + " " + Format.right(String(m.size >> 10), 7) + " " + Format.right(String(m.rss), 7) + " "
                + Format.right(String(m.dirty), 7) + " " + Format.right(Self.modeText(m.perms), 5) + " " + name + "\n"
        }
        if !options.quiet {
            out += "---------------- ------- ------- ------- \n"
            out += Format.left("total kB", 16) + " " + Format.right(String(t.all >> 10), 7) + " " + Format.right(String(rss), 7) + " "
                + Format.right(String(dirty), 7) + "\n"
        }
        return out
    }

    func device(_ p: PMapProcess) -> String {
        var out = ""
        if !options.quiet {
            out += Format.left("Address", 16) + " " + Format.right("Kbytes", 7) + " " + Format.left("Mode", 5) + " "
                + Format.left("Offset", 16) + " " + Format.left("Device", 9) + " Mapping\n"
        }
        var t = Totals()
        for m in selected(p) {
            t.add(m)
            let name = Self.mappingName(m, startStack: p.startStack, showPath: options.showPath)
            out += Self.hex(m.start, 16) + " " + Format.right(String(m.size >> 10), 7) + " " + Format.right(Self.modeText(m.perms), 5) + " "
                + Self.hex(m.offset, 16) + " " + Self.hex(UInt64(m.devMajor), 3) + ":" + Self.hex(UInt64(m.devMinor), 5) + " " + name + "\n"
        }
        if !options.quiet {
            out += "mapped: \(t.all >> 10)K    writeable/private: \(t.privateWritable >> 10)K    shared: \(t.shared >> 10)K\n"
        }
        return out
    }

    /// Fields -X leaves out (-XX shows them).
    static let minorFields: Set<String> = ["AnonHugePages", "KernelPageSize", "MMUPageSize", "Shared_Dirty", "Private_Dirty",
                                           "Shared_Clean", "Private_Clean", "VmFlags"]

    /// -X / -XX: every smaps field as a column, widths fitted to values and totals.
    mutating func smapsView(_ p: PMapProcess, level: Int) -> String {
        func enabled(_ key: String) -> Bool { level >= 2 || !Self.minorFields.contains(key) }
        let quiet = options.quiet
        let all = p.mappings
        // Columns come from the first mapping's fields; later processes reuse them.
        if smapsColumns.isEmpty, let first = all.first {
            for f in first.fields where enabled(f.key) {
                smapsColumns.append((f.key, quiet ? 0 : f.key.count))
            }
        }
        var w1 = 0, w2 = 0, w3 = 0, w4 = 0, w5 = 0, wv = 0
        var hasFlags = false
        var totals = [UInt64](repeating: 0, count: smapsColumns.count)
        func value(_ m: MemoryMapping, _ key: String) -> UInt64 { m.field(key) ?? 0 }
        for m in all {
            w1 = max(w1, m.startText.count); w2 = max(w2, m.perms.count); w3 = max(w3, m.offsetText.count)
            w4 = max(w4, m.deviceText.count); w5 = max(w5, m.inodeText.count)
            if let f = m.vmFlags { hasFlags = true; wv = max(wv, f.joined(separator: " ").count) }
            guard inRange(m) else { continue }
            for (i, c) in smapsColumns.enumerated() {
                let v = value(m, c.key)
                totals[i] &+= v
                if quiet { smapsColumns[i].width = max(c.width, String(v).count) }
            }
        }
        if !quiet {
            for i in smapsColumns.indices { smapsColumns[i].width = max(smapsColumns[i].width, String(totals[i]).count) }
        }
        let showFlags = hasFlags && enabled("VmFlags")
        var out = ""
        if !quiet, !all.isEmpty {
            func head(_ s: String, _ w: inout Int) { w = max(w, s.count); out += Format.right(s, w) + " " }
            head("Address", &w1); head("Perm", &w2); head("Offset", &w3); head("Device", &w4); head("Inode", &w5)
            for c in smapsColumns { out += Format.right(c.key, c.width) + " " }
            if showFlags { head("VmFlags", &wv) }
            out += "Mapping\n"
        }
        for m in all where inRange(m) {
            var line = Format.right(m.startText, w1) + " " + Format.right(m.perms, w2) + " " + Format.right(m.offsetText, w3) + " "
                + Format.right(m.deviceText, w4) + " " + Format.right(m.inodeText, w5)
            for c in smapsColumns { line += " " + Format.right(String(value(m, c.key)), c.width) }
            if showFlags { line += " " + Format.right((m.vmFlags ?? []).joined(separator: " "), wv) }
            let name: String
            if !options.showPath, let slash = m.name.lastIndex(of: "/") { name = String(m.name[m.name.index(after: slash)...]) } else { name = m.name }
            line += " " + name + "\n"
            out += line
        }
        if !quiet, !smapsColumns.isEmpty {
            let gap = String(repeating: " ", count: w1 + w2 + w3 + w4 + w5 + 5)
            out += gap
            for c in smapsColumns { out += String(repeating: "=", count: c.width) + " " }
            out += "\n" + gap
            for (i, c) in smapsColumns.enumerated() { out += Format.right(String(totals[i]), c.width) + " " }
            out += "KB \n"
        }
        return out
    }

    /// --pss: what a process really costs, per mapping and in total.
    func usage(_ p: PMapProcess) -> String {
        var table = TextTable(headers: ["Address", "Kbytes", "RSS", "PSS", "USS", "Swap", "Dirty", "Mode", "Mapping"],
                              aligns: [.left, .right, .right, .right, .right, .right, .right, .left, .left])
        var t = UsageTotals()
        for m in selected(p) {
            t.add(m)
            table.add([Self.hex(m.start, 16), String(m.size >> 10), String(m.rss), String(m.pss), String(m.uss), String(m.swap),
                       String(m.dirty), Self.modeText(m.perms), Self.mappingName(m, startStack: p.startStack, showPath: options.showPath)])
        }
        if !options.quiet {
            table.add(["total kB", String(t.size >> 10), String(t.rss), String(t.pss), String(t.uss), String(t.swap), String(t.dirty), "", ""])
        }
        return table.render(header: !options.quiet).split(separator: "\n", omittingEmptySubsequences: false)
            .map { line -> String in
                var s = Substring(line)
                while s.last == " " { s.removeLast() }
                return String(s)
            }.joined(separator: "\n")
    }

    public struct UsageTotals: Sendable, Equatable {
        public var size: UInt64 = 0, rss: UInt64 = 0, pss: UInt64 = 0, uss: UInt64 = 0, swap: UInt64 = 0, dirty: UInt64 = 0
        public init() {}
        public mutating func add(_ m: MemoryMapping) {
            size &+= m.size; rss &+= m.rss; pss &+= m.pss; uss &+= m.uss; swap &+= m.swap; dirty &+= m.dirty
        }
    }

    /// The machine-readable form of one process, all fields included.
    public func json(_ p: PMapProcess) -> JSON {
        var t = UsageTotals()
        var maps: [JSON] = []
        for m in selected(p) {
            t.add(m)
            var o: [(String, JSON)] = [
                ("address", .string(Self.hex(m.start, 16))),
                ("end", .string(Self.hex(m.end, 16))),
                ("kbytes", .int(Int64(clamping: m.size >> 10))),
                ("perms", .string(m.perms)),
                ("offset", .string(Self.hex(m.offset, 16))),
                ("device", .string(m.deviceText)),
                ("inode", .int(Int64(clamping: m.inode))),
                ("name", .string(m.name)),
                ("mapping", .string(Self.mappingName(m, startStack: p.startStack, showPath: true).trimmingSpaces)),
            ]
            if !m.fields.isEmpty {
                o += [("rss_kb", .int(Int64(clamping: m.rss))), ("pss_kb", .int(Int64(clamping: m.pss))),
                      ("uss_kb", .int(Int64(clamping: m.uss))), ("swap_kb", .int(Int64(clamping: m.swap))),
                      ("dirty_kb", .int(Int64(clamping: m.dirty)))]
                o.append(("smaps", .object(m.fields.map { ($0.key, .int(Int64(clamping: $0.value))) })))
            }
            if let f = m.vmFlags { o.append(("vmflags", .array(f.map { .string($0) }))) }
            maps.append(.object(o))
        }
        var totals: [(String, JSON)] = [("kbytes", .int(Int64(clamping: t.size >> 10)))]
        if options.needsSmaps {
            totals += [("rss_kb", .int(Int64(clamping: t.rss))), ("pss_kb", .int(Int64(clamping: t.pss))),
                       ("uss_kb", .int(Int64(clamping: t.uss))), ("swap_kb", .int(Int64(clamping: t.swap))),
                       ("dirty_kb", .int(Int64(clamping: t.dirty)))]
        }
        return .object([("pid", .int(Int64(p.pid))), ("command", .string(p.command)), ("mappings", .array(maps)), ("total", .object(totals))])
    }
}


/// Why pmap could not show a process.
public enum PMapFailure: Error, Equatable {
    /// No such process: procps skips it silently and exits 42 at the end; sonde says so and exits 1.
    case noProcess(Int32)
    /// The process exists but its maps could not be read (header known).
    case unreadable(PMapProcess.Header, ProcError)
}

extension PMapProcess {
    /// Identity of the process, known before its maps are read.
    public struct Header: Sendable, Equatable {
        public var pid: Int32
        public var command: String
        public var startStack: UInt64
    }

    /// Reads the live process: stat, status (for the thread group), cmdline, then maps or smaps.
    public static func load(pid: Int32, fs: ProcFS = ProcFS(), smaps: Bool) throws(PMapFailure) -> PMapProcess {
        let header: Header
        do {
            let st = try fs.stat(pid: pid)
            let tgid = ((try? fs.status(pid: pid))?.tgid).flatMap { $0 > 0 ? $0 : nil } ?? st.pid
            let argv = (try? fs.cmdline(pid: tgid)) ?? []
            header = Header(pid: tgid, command: commandText(argv: argv, comm: st.comm), startStack: st.startStack)
        } catch {
            throw .noProcess(pid)
        }
        do {
            let maps = smaps ? try fs.smaps(pid: header.pid) : try fs.maps(pid: header.pid)
            return PMapProcess(pid: header.pid, command: header.command, startStack: header.startStack, mappings: maps)
        } catch {
            if error.isGone { throw .noProcess(pid) }
            throw .unreadable(header, error)
        }
    }
}

extension PMapFailure {
    /// One line for the user, saying what is missing and how to get it.
    public var message: String {
        switch self {
        case .noProcess(let pid): return "\(pid): no such process"
        case .unreadable(_, let e):
            if case let .io(path, errno) = e, errno == 13 || errno == 1 {
                return "\(path): permission denied (reading another user's mappings needs root or ptrace access to the process)"
            }
            return e.description
        }
    }
}

/// Command-line values of pmap, parsed as procps does.
public enum PMapArguments {
    /// A PID argument: decimal, 0x-hex or 0-octal (strtoul base 0), optionally
    /// as "/proc/PID". Returns nil when invalid, .some(nil) for "/proc/<non-digit>"
    /// (which procps skips), else the PID (1...0x7fffffff).
    public static func pid(_ arg: String) -> Int32?? {
        var s = Substring(arg)
        if s.hasPrefix("/proc/") {
            s = s.dropFirst(6)
            guard let f = s.first, f.isASCII, f.isNumber else { return .some(nil) }
        }
        guard let f = s.first, f >= "0", f <= "9" else { return nil }
        let v: UInt64?
        if s.hasPrefix("0x") || s.hasPrefix("0X") { v = UInt64(s.dropFirst(2), radix: 16) }
        else if s.count > 1, s.hasPrefix("0") { v = UInt64(s.dropFirst(), radix: 8) }
        else { v = UInt64(s) }
        guard let v, v >= 1, v <= 0x7fff_ffff else { return nil }
        return .some(Int32(v))
    }

    /// "-A low[,high]" in hex; an empty side keeps its default.
    public static func range(_ arg: String) -> (low: UInt64, high: UInt64)? {
        let parts = arg.split(separator: ",", maxSplits: 1, omittingEmptySubsequences: false)
        let lowText = parts[0]
        let highText = parts.count > 1 ? parts[1] : parts[0]
        func hex(_ s: Substring, _ def: UInt64) -> UInt64? {
            if s.isEmpty { return def }
            var t = s
            if t.hasPrefix("0x") || t.hasPrefix("0X") { t = t.dropFirst(2) }
            return UInt64(t, radix: 16)
        }
        guard let lo = hex(lowText, 0), let hi = hex(highText, .max) else { return nil }
        return (lo, hi)
    }
}
