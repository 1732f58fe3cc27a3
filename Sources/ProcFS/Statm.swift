import Glibc

/// /proc/PID/statm: sizes in pages (size resident shared text lib data dt).
public struct ProcessStatm: Sendable, Equatable {
    public var size: Int64 = 0
    public var resident: Int64 = 0
    public var shared: Int64 = 0
    public var text: Int64 = 0
    public var data: Int64 = 0

    public init() {}

    /// Parses the first five numbers; nil when fewer than three are present.
    public static func parse<C: RandomAccessCollection>(_ bytes: C) -> ProcessStatm? where C.Element == UInt8, C.Index == Int {
        var v: [Int64] = [0, 0, 0, 0, 0, 0]
        var n = 0
        var i = bytes.startIndex
        while i < bytes.endIndex && n < 6 {
            while i < bytes.endIndex, bytes[i] == 0x20 || bytes[i] == 0x0A || bytes[i] == 0x09 { i += 1 }
            guard i < bytes.endIndex else { break }
            var value: Int64 = 0
            var any = false
            while i < bytes.endIndex {
                let d = bytes[i] &- 0x30
                if d > 9 { break }
                let (m, o1) = value.multipliedReportingOverflow(by: 10)
                let (a, o2) = m.addingReportingOverflow(Int64(d))
                value = (o1 || o2) ? Int64.max : a
                any = true
                i += 1
            }
            if !any { return nil }
            v[n] = value
            n += 1
        }
        guard n >= 3 else { return nil }
        var s = ProcessStatm()
        s.size = v[0]; s.resident = v[1]; s.shared = v[2]; s.text = v[3]; s.data = v[5]
        return s
    }
}
