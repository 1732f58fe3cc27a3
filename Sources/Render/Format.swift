/// Number and text formatting shared by the monitors.
public enum Format {
    /// Pads on the left to width (right-aligned); longer text is kept whole.
    public static func right(_ s: String, _ width: Int) -> String {
        let n = s.count
        return n >= width ? s : String(repeating: " ", count: width - n) + s
    }

    /// Pads on the right to width (left-aligned).
    public static func left(_ s: String, _ width: Int) -> String {
        let n = s.count
        return n >= width ? s : s + String(repeating: " ", count: width - n)
    }

    /// Fixed-point decimal with `digits` fraction digits, rounded half away from zero like printf.
    public static func fixed(_ v: Double, _ digits: Int) -> String {
        guard v.isFinite else { return v.isNaN ? "nan" : (v < 0 ? "-inf" : "inf") }
        var scale: Double = 1
        for _ in 0..<digits { scale *= 10 }
        let neg = v < 0
        let scaled = (abs(v) * scale).rounded(.toNearestOrAwayFromZero)
        guard scaled < 9.2e18 else { return String(v) }
        let n = UInt64(scaled)
        let ip = n / UInt64(scale)
        var s = (neg && n != 0 ? "-" : "") + String(ip)
        if digits > 0 {
            let fp = String(n % UInt64(scale))
            s += "." + String(repeating: "0", count: digits - fp.count) + fp
        }
        return s
    }

    /// free -h / top style: scale by 1024 (or 1000 with si) into B, Ki, Mi, Gi, Ti, Pi
    /// keeping at most 4 significant characters.
    public static func human(bytes: Int64, si: Bool = false) -> String {
        let base: Double = si ? 1000 : 1024
        let units = si ? ["B", "k", "M", "G", "T", "P", "E"] : ["B", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"]
        if bytes < Int64(base) { return "\(bytes)B" }
        var v = Double(bytes)
        var u = 0
        while v >= base && u < units.count - 1 { v /= base; u += 1 }
        // procps: one decimal when below 10, else integer (rounded).
        if v < 10 { return fixed(v, 1) + units[u] }
        return String(Int64(v.rounded())) + units[u]
    }
}

/// A text table: columns are sized to their widest cell; right-aligned columns for numbers.
public struct TextTable {
    public enum Align { case left, right }
    public var headers: [String]
    public var aligns: [Align]
    public var rows: [[String]] = []
    public var separator = " "

    public init(headers: [String], aligns: [Align]) {
        self.headers = headers
        self.aligns = aligns
    }

    public mutating func add(_ row: [String]) { rows.append(row) }

    public func render(header: Bool = true) -> String {
        var widths = headers.map { header ? $0.count : 0 }
        for r in rows { for (i, c) in r.enumerated() where i < widths.count { widths[i] = max(widths[i], c.count) } }
        var out = ""
        func line(_ cells: [String]) {
            var parts: [String] = []
            for (i, c) in cells.enumerated() {
                let last = i == cells.count - 1
                if i < widths.count {
                    if aligns[i] == .right { parts.append(Format.right(c, widths[i])) } else { parts.append(last ? c : Format.left(c, widths[i])) }
                } else { parts.append(c) }
            }
            out += parts.joined(separator: separator) + "\n"
        }
        if header { line(headers) }
        rows.forEach(line)
        return out
    }
}
