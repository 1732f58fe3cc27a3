import Binutils

/// `perf annotate --stdio` for one function: the disassembly with source lines (our objdump engine,
/// `-d -S -l --no-show-raw-insn -C` over the function's range, as perf runs objdump) and each
/// instruction's share of the function's samples.
public struct Annotator {
    public init() {}

    /// `counts`: samples (or period) by file address inside the function.
    public func render(dso: DSO, symbol: Symbol, counts: [UInt64: UInt64], samples: UInt64, event: String, into out: inout String) {
        let total = counts.values.reduce(0, &+)
        let title = " Percent |\tSource code & Disassembly of \(dso.shortName) for \(event) (\(samples) samples, percent: local period)"
        out += title + "\n"
        // The dashes cover the title as a terminal shows it (the tab to column 16).
        out += String(repeating: "-", count: title.count - 1 + (16 - 10)) + "\n"
        guard let path = dso.objectPath else {
            out += "         :   (no object file for \(dso.longName): cannot disassemble)\n\n"
            return
        }
        var o = ObjDumpOptions()
        o.files = [path]
        o.disassemble = true
        o.source = true
        o.lineNumbers = true
        o.demangle = true
        o.showRawInsn = false
        o.startAddress = symbol.start
        o.stopAddress = symbol.end
        var text = ""
        _ = ObjDump(options: o).run(write: { text += $0 }, report: { text += "\($0)\n" })
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        // objdump's preamble: "", "<path>:     file format ...", "".
        if let i = lines.firstIndex(where: { $0.contains("file format") }) { lines.removeFirst(i + 1) }
        while lines.last?.isEmpty == true { lines.removeLast() }
        // objdump -S prints, after a "file:N" marker, the source lines up to N: number the block backwards.
        var block: [Substring] = []
        var blockEnd: Int? = nil
        func flush() {
            guard let end = blockEnd else { return }
            for (i, b) in block.enumerated() {
                out += "         : " + String(end - (block.count - 1) + i).padding(4) + " " + b + "\n"
            }
            block = []
            blockEnd = nil
        }
        for l in lines {
            if let (addr, insn) = Self.instruction(l) {
                flush()
                let pct = total == 0 ? 0 : Double(counts[addr] ?? 0) * 100 / Double(total)
                out += Hists.pad(Self.fixed2(pct), 8) + " :" + Hists.pad(String(addr, radix: 16), 7) + ":   " + insn + "\n"
                continue
            }
            if let n = Self.lineMarker(l) {
                flush()
                blockEnd = n
                continue
            }
            if blockEnd != nil {
                block.append(l)
            } else {
                out += l.isEmpty ? "         :\n" : "         :      " + l + "\n"
            }
        }
        flush()
        out += "\n"
    }

    /// "    1139:\tpush   %rbp" -> (0x1139, "push   %rbp").
    static func instruction(_ l: Substring) -> (UInt64, String)? {
        let t = l.drop { $0 == " " }
        guard let colon = t.firstIndex(of: ":"), colon != t.startIndex,
              let a = UInt64(t[..<colon], radix: 16) else { return nil }
        let rest = t[t.index(after: colon)...]
        guard rest.first == "\t" else { return nil }
        return (a, String(rest.drop { $0 == "\t" }))
    }

    /// "/path/file.c:15" (objdump -l) -> 15.
    static func lineMarker(_ l: Substring) -> Int? {
        guard l.hasPrefix("/") || l.contains(".c:") || l.contains(".h:"),
              let colon = l.lastIndex(of: ":"), let n = Int(l[l.index(after: colon)...].prefix { $0 != " " }) else { return nil }
        return n
    }

    static func fixed2(_ v: Double) -> String {
        let s = formatPercent(v)
        return String(s.dropLast())
    }
}
