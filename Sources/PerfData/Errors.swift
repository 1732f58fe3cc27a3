import Bytes

/// Why perf.data could not be read or written. `description` starts with "perf.data: " and names the file offset.
public enum PerfDataError: Error, Equatable, CustomStringConvertible {
    /// The first 8 bytes are not "PERFILE2" in either byte order.
    case notPerfData
    /// A structure at a file offset is inconsistent (`context` names it, `reason` says what is wrong).
    case malformed(offset: Int, context: String, reason: String)
    /// Well-formed but not supported (e.g. an unknown compression type).
    case unsupported(String)
    /// zstd data could not be expanded.
    case decompress(offset: Int, reason: String)
    /// A system call of the writer failed.
    case io(String)

    public var description: String {
        switch self {
        case .notPerfData: return "perf.data: not a perf.data file (bad magic)"
        case let .malformed(o, c, r):
            // Contexts such as "record at offset 0x..." already name the offset.
            return c.contains("offset ") ? "perf.data: \(c): \(r)" : "perf.data: \(c) at offset \(hex(o)): \(r)"
        case let .unsupported(s): return "perf.data: unsupported: \(s)"
        case let .decompress(o, r): return "perf.data: compressed record at offset \(hex(o)): \(r)"
        case let .io(s): return "perf.data: \(s)"
        }
    }

    /// The same error for a truncated read inside a structure.
    static func truncated(_ offset: Int, _ context: String, _ e: ByteError) -> PerfDataError {
        .malformed(offset: offset, context: context, reason: "truncated (\(e))")
    }
}

/// `0x` + lowercase hex.
@inline(__always) func hex(_ v: Int) -> String { "0x" + String(v, radix: 16) }

/// Checked file-offset arithmetic: nil on overflow or negative.
@inline(__always) func add(_ a: Int, _ b: Int) -> Int? {
    let (r, o) = a.addingReportingOverflow(b)
    return o || r < 0 ? nil : r
}

/// UInt64 from a file as an Int, nil when it does not fit.
@inline(__always) func int(_ v: UInt64) -> Int? { v <= UInt64(Int.max) ? Int(v) : nil }
