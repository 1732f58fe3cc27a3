// libFuzzer target: line-number programs (DWARF 2-5 headers, entry formats, opcodes, sequences)
// and row lookups over attacker-controlled .debug_line bytes; also range and location lists.
import Bytes
import DWARF

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let b = Bytes(Array(UnsafeBufferPointer(start: data, count: size)))
    if let t = try? LineTable(line: b, offset: 0, addrSize: 8, compDir: "/c", strings: { r in try? b.cString(r.offset) }) {
        for r in t.rows.prefix(64) { _ = t.row(for: r.address); _ = t.path(r.file) }
        for q in t.sequences.prefix(16) { _ = t.row(for: q.start &+ 1) }
    }
    _ = try? RangeLists.rnglist(b, at: 0, addrSize: 8, base: 0) { $0 }
    _ = try? RangeLists.ranges(b, at: 0, addrSize: 4, base: 0)
    _ = try? RangeLists.loclist(b, at: 0, addrSize: 8, base: 0) { $0 }
    _ = try? RangeLists.locations(b, at: 0, addrSize: 8, base: 0)
    _ = try? RangeLists.aranges(b)
    return 0
}
