// libFuzzer target: unit headers, abbreviations, the DIE walk, function tables, names and
// address lookups over attacker-controlled .debug_info/.debug_abbrev/.debug_str bytes.
// Input: [u16 abbrev length][abbrev bytes][rest = .debug_info]; .debug_str is the info bytes too.
import Bytes
import DWARF

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    guard bytes.count >= 2 else { return 0 }
    let n = min(Int(bytes[0]) | Int(bytes[1]) << 8, bytes.count - 2)
    var s = DWARFSections()
    s.abbrev = Bytes(Array(bytes[2..<(2 + n)]))
    s.info = Bytes(Array(bytes[(2 + n)...]))
    s.str = s.info
    s.strOffsets = s.info
    s.addr = s.info
    s.rnglists = s.info
    s.ranges = s.info
    let d = DWARFFile(s)
    for u in d.units.prefix(8) {
        try? u.forEachDIE { die, _ in
            if die.tag == DW_TAG.subprogram || die.tag == DW_TAG.inlinedSubroutine { _ = u.functionName(at: die.offset) }
            if let v = die.value(DW_AT.ranges) { _ = try? u.ranges(v) }
            return true
        }
        for e in u.functionTable.entries.prefix(16) { _ = d.frames(at: e.low) }
        _ = u.unitName
    }
    _ = d.frames(at: 0x1000)
    _ = d.typeUnits.count
    return 0
}
