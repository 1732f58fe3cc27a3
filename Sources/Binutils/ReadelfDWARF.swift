import DWARF
import ELF
import Symbolize

/// `readelf --debug-dump=info` (unit headers with each unit's name and directory) and
/// `--debug-dump=line|decodedline` (the decoded line table: file, line, address, stmt), in
/// readelf's layout. Inspection-grade: the DIE-by-DIE attribute dump and the raw line-program
/// opcodes of `rawline` are not reproduced.
func readelfDWARFInfo(file f: ELFFile, out: OutputSink) {
    let dwarf = DWARFFile(Symbolizer.sections(of: f, dwo: false))
    let units = dwarf.units
    if units.isEmpty { return }
    out.emit("Contents of the .debug_info section:\n\n")
    for u in units {
        let h = u.header
        // readelf prints offsets with %#lx: "0" for zero, "0x1f5" otherwise.
        func alt(_ v: Int) -> String { v == 0 ? "0" : "0x" + String(v, radix: 16) }
        out.emit("  Compilation Unit @ offset \(alt(h.offset)):\n")
        out.emit("   Length:        0x\(String(h.end - h.offset - (h.is64 ? 12 : 4), radix: 16)) (\(h.is64 ? "64-bit" : "32-bit"))\n")
        out.emit("   Version:       \(h.version)\n")
        out.emit("   Abbrev Offset: \(alt(h.abbrevOffset))\n")
        out.emit("   Pointer Size:  \(h.addrSize)\n")
        if let n = u.name.flatMap(dwarf.string) { out.emit("    DW_AT_name        : \(n)\n") }
        if let d = u.compDir { out.emit("    DW_AT_comp_dir    : \(d)\n") }
    }
    out.emit("\n")
}

func readelfDecodedLines(file f: ELFFile, out: OutputSink) {
    let dwarf = DWARFFile(Symbolizer.sections(of: f, dwo: false))
    var any = false
    for u in dwarf.units {
        guard let t = u.lineTable else { continue }
        if !any { out.emit("Contents of the .debug_line section:\n\n"); any = true }
        let cuName = u.name.flatMap(dwarf.string) ?? "?"
        out.emit(cuName.split(separator: "/").last.map(String.init).map { $0 + ":\n" } ?? "\n")
        // One row per address (the last the program set there), without readelf's View/Stmt columns.
        out.emit("File name                            Line number    Starting address\n")
        for r in t.rows {
            let path = t.path(r.file)
            let name = path.split(separator: "/").last.map(String.init) ?? path
            if r.endSequence {
                out.emit(pad(name, 35) + " " + pad("-", 15, right: true) + " " + pad("0x" + String(r.address, radix: 16), 19, right: true) + "\n\n")
                continue
            }
            out.emit(pad(name, 35) + " " + pad(String(r.line), 15, right: true) + " " + pad("0x" + String(r.address, radix: 16), 19, right: true) + "\n")
        }
        out.emit("\n")
    }
}

private func pad(_ s: String, _ w: Int, right: Bool = false) -> String {
    let n = s.count
    if n >= w { return s }
    return right ? String(repeating: " ", count: w - n) + s : s + String(repeating: " ", count: w - n)
}
