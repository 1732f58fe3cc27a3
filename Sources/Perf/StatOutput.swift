import Glibc
import PerfData

/// perf stat's output, as tools/perf/util/stat-display.c (perf 6.1) writes it: the default table,
/// `-x SEP` CSV, interval lines, and sonde's `--json`.

/// One printed counter line: an event, aggregated over what the mode aggregates.
struct StatRow {
    var spec: EventSpec
    /// "CPU0" (-A), "bash-1234" (--per-thread), "" (aggregated).
    var prefix: String
    var supported: Bool
    /// Mean over runs of the scaled count (clocks in ns; the unit's scale is applied when printing).
    var value: Double
    var enabled: Double
    var running: Double
    /// Standard error of the mean over runs, in percent of the mean (-r).
    var noisePct: Double?
    var metric: StatMetric?
    /// ("cpu", "0") with -A, ("thread", "comm-pid") with --per-thread: the JSON outputs' key.
    var jsonKey: (String, String)? = nil
    var counted: Bool { running > 0 && enabled > 0 }
}

/// perf's shadow metric: "CPUs utilized", "/sec"; a nil format prints the blank metric column.
struct StatMetric {
    var value: Double
    var unit: String
    /// False: perf knows the metric but has no denominator (prints blanks).
    var hasValue: Bool = true
}

struct StatFormat {
    var csvSep: String?
    var bigNum: Bool
    var runCount: Int
    var thousandsSep: String

    static let metricLen = 35
    static let unitWidth = 4

    /// The `%'18.2f` / `%18.0f` value column (or its CSV form).
    func valueText(_ v: Double, scaled: Bool) -> String {
        if csvSep != nil { return scaled ? statCFormat("%.2f", v) : statCFormat("%.0f", v) }
        var s = scaled ? statCFormat("%.2f", v) : statCFormat("%.0f", v)
        if bigNum && !thousandsSep.isEmpty { s = statGroupThousands(s, sep: thousandsSep) }
        return statPad(s, 18, left: false)
    }

    /// One counter line, without its trailing newline.
    func line(_ r: StatRow, timePrefix: String?) -> String {
        var out = ""
        let sep = csvSep ?? " "
        if let t = timePrefix { out += t + sep }
        if !r.prefix.isEmpty { out += r.prefix + sep }
        let name = r.spec.displayName
        let unit = r.spec.unit
        if !r.supported || !r.counted {
            let what = r.supported ? "<not counted>" : "<not supported>"
            if let csv = csvSep {
                out += what + csv + unit + csv + name
                if runCount > 1 { out += csv + statCFormat("%.2f", r.noisePct ?? 0) + "%" }
                out += csv + "\(UInt64(min(max(0, r.running), 1.8e19)))" + csv + statCFormat("%.2f", runningPct(r))
                out += csv + csv
            } else {
                out += statPad(what, 18, left: false) + " " + statPad(unit, StatFormat.unitWidth) + " " + statPad(name, 25)
                out += String(repeating: " ", count: StatFormat.metricLen)
                out += noiseStd(r) + runningStd(r)
            }
            return out
        }
        let scaled = r.spec.scale != 1
        let shown = r.value * r.spec.scale
        if let csv = csvSep {
            out += valueText(shown, scaled: scaled) + csv + unit + csv + name
            if runCount > 1 { out += csv + statCFormat("%.2f", r.noisePct ?? 0) + "%" }
            out += csv + "\(UInt64(min(max(0, r.running.rounded()), 1.8e19)))" + csv + statCFormat("%.2f", runningPct(r))
            if let m = r.metric, m.hasValue {
                out += csv + statCFormat("%8.3f", m.value).statTrimmedLeft + csv + m.unit
            } else {
                out += csv + csv
            }
            return out
        }
        out += valueText(shown, scaled: scaled) + " " + statPad(unit, StatFormat.unitWidth) + " " + statPad(name, 32)
        if let m = r.metric, m.hasValue {
            let head = " # " + statCFormat("%8.3f", m.value)
            out += head + " " + statPad(m.unit, max(0, StatFormat.metricLen - head.utf8.count - 1))
        } else {
            out += String(repeating: " ", count: StatFormat.metricLen)
        }
        out += noiseStd(r) + runningStd(r)
        return out
    }

    /// perf 6.1's `-j` line: {"counter-value" : "%f", "unit" : ..., "event" : ..., ["variance" : %.2f,]
    /// "event-runtime" : N, "pcnt-running" : %.2f, "metric-value" : %f, "metric-unit" : "..."}; a missing
    /// metric prints glibc's "(null)" as perf does.
    func perfJSONLine(_ r: StatRow, interval: String?) -> String {
        var out = "{"
        if let i = interval { out += "\"interval\" : \(i), " }
        if let (k, v) = r.jsonKey { out += "\"\(k)\" : \"\(v)\", " }
        let ok = r.supported && r.counted
        let value = ok ? statCFormat("%f", r.value * r.spec.scale) : (r.supported ? "<not counted>" : "<not supported>")
        out += "\"counter-value\" : \"\(value)\", \"unit\" : \"\(r.spec.unit)\", \"event\" : \"\(r.spec.displayName)\", "
        if runCount > 1 { out += "\"variance\" : " + statCFormat("%.2f", r.noisePct ?? 0) + ", " }
        out += "\"event-runtime\" : \(UInt64(min(max(0, r.running.rounded()), 1.8e19))), \"pcnt-running\" : " + statCFormat("%.2f", runningPct(r)) + ", "
        if !ok {
            out += "\"metric-value\" : 0.000000, \"metric-unit\" : \"\""
        } else if let m = r.metric {
            out += "\"metric-value\" : " + statCFormat("%f", m.hasValue ? m.value : 0) + ", \"metric-unit\" : \"\(m.unit)\""
        } else {
            out += "\"metric-value\" : 0.000000, \"metric-unit\" : \"(null)\""
        }
        return out + "}"
    }

    func runningPct(_ r: StatRow) -> Double { r.enabled > 0 ? 100 * r.running / r.enabled : 100 }

    func noiseStd(_ r: StatRow) -> String {
        guard runCount > 1, let p = r.noisePct, p != 0 else { return "" }
        return "  ( +-" + statCFormat("%6.2f", p) + "% )"
    }

    func runningStd(_ r: StatRow) -> String {
        guard r.running != r.enabled else { return "" }
        return "  (" + statCFormat("%.2f", r.enabled > 0 ? 100 * r.running / r.enabled : 0) + "%)"
    }

    /// The interval header (printed before the first interval and every 25th).
    func intervalHeader(mode: StatAggregation) -> String {
        let unitCol = statPad("unit", StatFormat.unitWidth, left: false)
        switch mode {
        case .perCPU: return "#           time CPU    " + "                counts \(unitCol) events\n"
        case .perThread: return "#           time             comm-pid" + "                  counts \(unitCol) events\n"
        case .global: return "#           time             counts \(unitCol) events\n"
        }
    }
}

enum StatAggregation { case global, perCPU, perThread }

/// The `%6lu.%09lu` timestamp of an interval line.
func statIntervalStamp(_ ns: UInt64) -> String {
    statPad("\(ns / 1_000_000_000)", 6, left: false) + "." + statPad("\(ns % 1_000_000_000)", 9, left: false, fill: "0")
}

/// printf of one double (perf's formats), locale-independent.
func statCFormat(_ fmt: String, _ v: Double) -> String {
    var buf = [CChar](repeating: 0, count: 128)
    let n = withVaList([v]) { vsnprintf(&buf, buf.count, fmt, $0) }
    guard n >= 0 else { return "" }
    return String(decoding: buf[0..<min(Int(n), buf.count - 1)].map { UInt8(bitPattern: $0) }, as: UTF8.self)
}

func statPad(_ s: String, _ width: Int, left: Bool = true, fill: Character = " ") -> String {
    let n = s.count
    guard n < width else { return s }
    let p = String(repeating: fill, count: width - n)
    return left ? s + p : p + s
}

/// "1234567.89" → "1,234,567.89" (perf's `%'` with a grouping locale).
func statGroupThousands(_ s: String, sep: String) -> String {
    var intPart = Substring(s), rest = Substring("")
    if let dot = s.firstIndex(of: ".") { intPart = s[..<dot]; rest = s[dot...] }
    var sign = ""
    if intPart.first == "-" { sign = "-"; intPart = intPart.dropFirst() }
    let digits = Array(intPart)
    var out = ""
    for (i, d) in digits.enumerated() {
        if i > 0 && (digits.count - i) % 3 == 0 { out += sep }
        out.append(d)
    }
    return sign + out + rest
}

/// The thousands separator of the user's LC_NUMERIC (perf calls setlocale(LC_ALL, "")); "" in C/POSIX.
func statThousandsSeparator() -> String {
    guard setlocale(LC_NUMERIC, "") != nil, let lc = localeconv() else { return "" }
    let sep = lc.pointee.thousands_sep.map { String(cString: $0) } ?? ""
    setlocale(LC_NUMERIC, "C")
    return sep
}

extension String {
    var statTrimmedLeft: String { String(drop { $0 == " " }) }
}

/// Mean and standard error of the mean, as perf's stat.c (Welford; stddev_stats = sqrt(var / n)).
struct RunningStats {
    var n = 0.0, mean = 0.0, m2 = 0.0
    mutating func add(_ x: Double) {
        n += 1
        let d = x - mean
        mean += d / n
        m2 += d * (x - mean)
    }
    /// perf's stddev_stats: the standard deviation of the mean.
    var stddevOfMean: Double {
        guard n >= 2 else { return 0 }
        return ((m2 / (n - 1)) / n).squareRoot()
    }
    /// perf's rel_stddev_stats: 100 × stddev / mean (0 when the mean is 0).
    var relativePct: Double { mean == 0 ? 0 : 100 * stddevOfMean / mean }
}

/// JSON string escaping for --json.
func statJSONString(_ s: String) -> String {
    var o = "\""
    for u in s.unicodeScalars {
        switch u {
        case "\"": o += "\\\""
        case "\\": o += "\\\\"
        case "\n": o += "\\n"
        default:
            if u.value < 0x20 { o += "\\u" + statPad(String(u.value, radix: 16), 4, left: false, fill: "0") } else { o.unicodeScalars.append(u) }
        }
    }
    return o + "\""
}

func statJSONNumber(_ v: Double) -> String {
    if v.isNaN || v.isInfinite { return "null" }
    if v == v.rounded() && abs(v) < 1e15 { return "\(Int64(v))" }
    return statCFormat("%.6f", v)
}
