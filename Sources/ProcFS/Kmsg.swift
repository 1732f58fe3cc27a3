import Glibc

/// One record of /dev/kmsg: "prio,seq,usec,flags[,...];text" (kernel Documentation/ABI/testing/dev-kmsg).
public struct KmsgRecord: Sendable, Equatable {
    /// Syslog level 0 (emerg) ... 7 (debug).
    public var level: Int
    public var facility: Int
    public var sequence: UInt64
    /// Microseconds since boot.
    public var microseconds: UInt64
    public var message: String

    public init(level: Int, facility: Int, sequence: UInt64, microseconds: UInt64, message: String) {
        self.level = level; self.facility = facility; self.sequence = sequence
        self.microseconds = microseconds; self.message = message
    }

    /// Parses one record; continuation lines (" KEY=value") are dropped. Nil when malformed.
    public static func parse(_ bytes: [UInt8]) -> KmsgRecord? {
        guard let semi = bytes.firstIndex(of: UInt8(ascii: ";")) else { return nil }
        let head = bytes[..<semi].split(separator: UInt8(ascii: ","), omittingEmptySubsequences: false)
        guard head.count >= 3,
              let prio = Int(String(decoding: head[0], as: UTF8.self)),
              let seq = UInt64(String(decoding: head[1], as: UTF8.self)),
              let usec = UInt64(String(decoding: head[2], as: UTF8.self)) else { return nil }
        var end = bytes.index(after: semi)
        while end < bytes.count, bytes[end] != 0x0A { end += 1 }
        let text = String(decoding: bytes[(semi + 1)..<end], as: UTF8.self)
        return KmsgRecord(level: prio & 7, facility: prio >> 3, sequence: seq, microseconds: usec, message: unescape(text))
    }

    /// The kernel escapes non-printable bytes as \xNN.
    static func unescape(_ s: String) -> String {
        guard s.contains("\\x") else { return s }
        var out: [UInt8] = []
        let b = Array(s.utf8)
        var i = 0
        while i < b.count {
            if b[i] == UInt8(ascii: "\\"), i + 3 < b.count, b[i + 1] == UInt8(ascii: "x"),
               let h = hexDigit(b[i + 2]), let l = hexDigit(b[i + 3]) {
                out.append(h << 4 | l)
                i += 4
            } else {
                out.append(b[i])
                i += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}

extension ProcFS {
    /// Every record currently in the kernel log buffer (needs read access to /dev/kmsg).
    public static func kernelLog(path: String = "/dev/kmsg") throws(ProcError) -> [KmsgRecord] {
        let fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        if fd < 0 { throw .io(path: path, errno: errno) }
        defer { close(fd) }
        var out: [KmsgRecord] = []
        var buf = [UInt8](repeating: 0, count: 8192)
        while true {
            let n = buf.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress!, $0.count) }
            if n < 0 {
                if errno == EINTR || errno == EPIPE { continue }  // EPIPE: records overwritten meanwhile
                break  // EAGAIN: the end
            }
            if n == 0 { break }
            if let r = KmsgRecord.parse(Array(buf[0..<n])) { out.append(r) }
        }
        return out
    }
}
