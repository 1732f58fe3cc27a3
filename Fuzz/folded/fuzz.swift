// libFuzzer target for the folded-stacks reader (one and two count columns, bad lines skipped or
// reported) and everything drawn from what it reads: frame tree, folded writer, flame graph SVG,
// pprof and speedscope. Any input must give a profile or an error, never a trap.
import Profile

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    _ = try? Folded.read(bytes)
    guard let r = try? Folded.read(bytes, options: Folded.Options(skipBadLines: true)) else { return 0 }
    let p = r.profile
    let folded = Folded.write(p, annotateKinds: true)
    // What the writer wrote must read back to the same totals.
    if let again = try? Folded.read(folded, options: Folded.Options(columns: p.columns)) {
        precondition(again.profile.total() == FrameTree(p).total(0), "folded round trip changed the total")
    }
    var o = FlameGraphOptions()
    o.minWidth = 0
    o.reversed = size & 1 == 0
    o.inverted = size & 2 == 0
    _ = FlameGraph.svg(p, options: o)
    _ = Pprof.encode(p)
    _ = Speedscope.json(p)
    return 0
}
