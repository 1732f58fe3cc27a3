import ELF
import Unwind

/// `readelf --debug-dump=frames-interp` (also used for `frames`): every CIE and FDE of .eh_frame and
/// .debug_frame with its table of CFA and register rules, in readelf's layout. The raw DW_CFA
/// listing of `frames` is not reproduced: the interpreted table is what people read.
func readelfFrames(file f: ELFFile, out: OutputSink) {
    let cfi = CallFrameInfo(elf: f)
    let arch = cfi.arch
    let w = f.is64 ? 16 : 8
    func name(_ r: UInt16, ra: UInt16) -> String {
        if r == ra { return "ra" }
        return arch?.registerName(r) ?? "r\(r)"
    }
    func rule(_ r: RegisterRule) -> String {
        switch r {
        case .undefined: return "u"
        case .sameValue: return "s"
        case let .offset(n): return "c" + (n >= 0 ? "+" : "") + String(n)
        case let .valOffset(n): return "v" + (n >= 0 ? "+" : "") + String(n)
        case let .register(o): return "r\(o)"
        case .expression: return "exp"
        case .valExpression: return "vexp"
        }
    }
    func cfaText(_ c: CFARule) -> String {
        switch c {
        case let .registerOffset(r, o): return (arch?.registerName(r) ?? "r\(r)") + (o >= 0 ? "+" : "") + String(o)
        case .expression: return "exp"
        }
    }
    func pad(_ s: String, _ n: Int) -> String { s.count >= n ? s : s + String(repeating: " ", count: n - s.count) }
    func table(_ rows: [UnwindRow], ra: UInt16) {
        var regs = Set<UInt16>()
        for r in rows { for (reg, rl) in r.registers.entries where rl != .undefined { regs.insert(reg) } }
        let cols = regs.sorted()
        var t = pad("   LOC", w + 1) + pad("CFA", 9)
        for c in cols { t += pad(name(c, ra: ra), 5) + " " }
        out.emit(t + "\n")
        var last: String?
        for (i, r) in rows.enumerated() {
            // One row per location: the last rules at an address win, unchanged rows are not repeated.
            if i + 1 < rows.count && rows[i + 1].location == r.location { continue }
            var line = pad(cfaText(r.cfa), 8) + " "
            for c in cols {
                let rl = r.registers.entries.first { $0.register == c }?.rule ?? .undefined
                line += pad(rule(rl), 5) + " "
            }
            if line == last { continue }
            last = line
            out.emit(hex(r.location, w) + " " + line + "\n")
        }
        out.emit("\n")
    }
    for (title, section) in [(".eh_frame", cfi.ehFrame), (".debug_frame", cfi.debugFrame)] {
        guard let fs = section else { continue }
        out.emit("Contents of the \(title) section:\n\n\n")
        let (entries, error) = fs.entries()
        for e in entries {
            switch e {
            case let .cie(c):
                out.emit("\(hex(UInt64(c.offset), 8)) \(hex(c.length, w)) \(hex(0, 8)) CIE \"\(c.augmentation)\" cf=\(c.codeAlignment) df=\(c.dataAlignment) ra=\(c.returnAddressRegister)\n")
                if let row = try? fs.initialRow(c) { table([row], ra: c.returnAddressRegister) } else { out.emit("\n") }
            case let .fde(d):
                let ra = (try? fs.cie(at: d.cieOffset))?.returnAddressRegister ?? 0
                // The CIE pointer as stored: relative to the field in .eh_frame, an offset in .debug_frame.
                let pointer = title == ".eh_frame" ? UInt64(d.offset + (d.is64BitFormat ? 12 : 4) - d.cieOffset) : UInt64(d.cieOffset)
                out.emit("\(hex(UInt64(d.offset), 8)) \(hex(d.length, w)) \(hex(pointer, 8)) FDE cie=\(hex(UInt64(d.cieOffset), 8)) pc=\(hex(d.pcBegin, w))..\(hex(d.pcEnd, w))\n")
                if d.instructions.isEmpty {
                    out.emit("\n")
                } else if let rows = try? fs.rows(d) {
                    table(rows, ra: ra)
                } else {
                    out.emit("  <corrupt call frame instructions>\n\n")
                }
            case let .terminator(off):
                out.emit("\(hex(UInt64(off), 8)) ZERO terminator\n\n")
            }
        }
        if let error { out.emit("readelf: Warning: \(title): \(error)\n") }
        out.emit("\n")
    }
}

private func hex(_ v: UInt64, _ w: Int) -> String {
    let h = String(v, radix: 16)
    return h.count >= w ? h : String(repeating: "0", count: w - h.count) + h
}
