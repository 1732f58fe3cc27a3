import Bytes
import PerfData

// Random bytes as perf.data (file or pipe mode, compressed records included): opening, streaming,
// ordered delivery and decoding every record must throw or succeed, never trap.

private func drain(_ f: PerfDataFile) {
    var it = f.records()
    var n = 0
    while n < 100_000, let r = try? it.next() {
        n += 1
        _ = try? f.decode(r)
        _ = try? f.sampleID(r)
        _ = f.timestamp(r)
        if case .sample(let s)? = try? f.decode(r) {
            var sum: UInt64 = 0
            for ip in s.callchain { sum &+= ip }
            for b in s.branches { sum &+= b.from }
            for v in s.userRegs { sum &+= v }
            _ = sum
            // Re-encode what was decoded.
            if let a = f.attr(of: r) {
                var o = ByteBuffer()
                try? RecordEncoder.sample(&o, s, misc: r.misc, attr: a)
            }
        }
    }
    var o = f.orderedRecords()
    n = 0
    while n < 100_000, (try? o.next()) != nil { n += 1 }
    _ = f.features.buildIDs.map(\.hexID)
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = Bytes(Array(UnsafeBufferPointer(start: data, count: size)))
    if let f = try? PerfDataFile(bytes: bytes) { drain(f) }
    return 0
}
