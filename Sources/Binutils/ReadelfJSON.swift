import ELF
import Render

/// `readelf --json`: the selected tables as one JSON object per file.
enum ReadelfJSON {
    static func hex(_ v: UInt64) -> JSON { .string("0x" + Fmt.hex(v)) }
    static func int(_ v: UInt64) -> JSON { v <= UInt64(Int64.max) ? .int(Int64(v)) : .string(String(v)) }

    static func document(_ f: ELFFile, _ o: ReadelfOptions) -> [(String, JSON)] {
        var doc: [(String, JSON)] = []
        let h = f.header
        let m = h.machine
        let pie = ((try? f.dynamic())??.value(DT.flags1) ?? 0) & 0x0800_0000 != 0
        if o.header {
            doc.append(("header", .object([
                ("class", .string(h.is64 ? "ELF64" : "ELF32")), ("endian", .string(h.bigEndian ? "big" : "little")),
                ("osabi", .string(ELFNames.osabi(h.osabi, machine: m))), ("abi_version", .int(Int64(h.abiVersion))),
                ("type", .string(ELFNames.fileType(h.type, pie: pie))), ("machine", .string(ELFNames.machine(m))),
                ("entry", hex(h.entry)), ("phoff", int(h.phoff)), ("shoff", int(h.shoff)), ("flags", hex(UInt64(h.flags))),
                ("ehsize", .int(Int64(h.ehsize))), ("phentsize", .int(Int64(h.phentsize))), ("phnum", .int(Int64(h.phnum))),
                ("shentsize", .int(Int64(h.shentsize))), ("shnum", .int(Int64(h.shnum))), ("shstrndx", .int(Int64(h.shstrndx))),
            ])))
        }
        if o.sections {
            doc.append(("sections", .array(f.sections.map { s in
                .object([("index", .int(Int64(s.index))), ("name", .string(s.name)), ("type", .string(ELFNames.sectionType(s.type, machine: m))),
                         ("address", hex(s.addr)), ("offset", hex(s.offset)), ("size", int(s.size)), ("entsize", int(s.entsize)),
                         ("flags", .string(ELFNames.sectionFlagLetters(s.flags, machine: m, osabi: h.osabi))), ("link", .int(Int64(s.link))),
                         ("info", .int(Int64(s.info))), ("align", int(s.addralign))])
            })))
        }
        if o.segments {
            doc.append(("segments", .array(f.segments.map { p in
                var fields: [(String, JSON)] = [("type", .string(ELFNames.segmentType(p.type, machine: m))), ("offset", hex(p.offset)),
                    ("vaddr", hex(p.vaddr)), ("paddr", hex(p.paddr)), ("filesz", int(p.filesz)), ("memsz", int(p.memsz)),
                    ("flags", .string((p.flags & 4 != 0 ? "R" : "") + (p.flags & 2 != 0 ? "W" : "") + (p.flags & 1 != 0 ? "E" : ""))),
                    ("align", int(p.align))]
                if p.type == PT.interp, let i = f.interpreter() { fields.append(("interpreter", .string(i))) }
                let secs = f.sections.dropFirst().filter { !ReadelfPrinter.tbssSpecial($0, p) && ReadelfPrinter.sectionInSegment($0, p) }
                fields.append(("sections", .array(secs.map { .string($0.name) })))
                return .object(fields)
            })))
        }
        if o.symbols || o.dynSymbols {
            let versions = try? f.symbolVersions()
            var tables: [JSON] = []
            for s in f.sections where (s.type == SHT.dynsym && (o.symbols || o.dynSymbols)) || (s.type == SHT.symtab && o.symbols) {
                let syms = (try? f.symbols(in: s)) ?? []
                let dyn = s.type == SHT.dynsym
                tables.append(.object([("table", .string(s.name)), ("symbols", .array(syms.map { sym in
                    var fields: [(String, JSON)] = [("num", .int(Int64(sym.index))), ("value", hex(sym.value)), ("size", int(sym.size)),
                        ("type", .string(ELFNames.symbolType(sym.type, machine: m))), ("bind", .string(ELFNames.symbolBinding(sym.binding))),
                        ("visibility", .string(ELFNames.symbolVisibility(sym.visibility))),
                        ("ndx", .string(ELFNames.symbolSectionIndex(sym.shndx, machine: m).trimmingCharacters())), ("name", .string(sym.name))]
                    if dyn, let v = versions?.version(ofSymbol: sym.index, undefined: sym.shndx == SHN.undef) {
                        fields.append(("version", .string(v.name)))
                        fields.append(("version_hidden", .bool(v.hidden || !v.isDefinition)))
                    }
                    return .object(fields)
                }))]))
            }
            doc.append(("symbol_tables", .array(tables)))
        }
        if o.dynamic {
            if let d = try? f.dynamic() {
                var list: [JSON] = []
                for e in d.entries {
                    var fields: [(String, JSON)] = [("tag", hex(UInt64(bitPattern: e.tag))), ("type", .string(ELFNames.dynamicTag(e.tag, machine: m))),
                                                    ("value", hex(e.value))]
                    if [DT.needed, DT.soname, DT.rpath, DT.runpath].contains(e.tag), let s = d.string(e.value) { fields.append(("string", .string(s))) }
                    list.append(.object(fields))
                    if e.tag == DT.null { break }
                }
                doc.append(("dynamic", .array(list)))
            } else {
                doc.append(("dynamic", .null))
            }
        }
        if o.notes {
            var list: [JSON] = []
            for n in (try? f.notes()) ?? [] {
                var fields: [(String, JSON)] = [("owner", .string(n.name)), ("type", .int(Int64(n.type))),
                    ("description", .string(ReadelfNotes.typeName(n, fileType: h.type))), ("size", .int(Int64(n.desc.count)))]
                if n.name == "GNU" && n.type == 3 { fields.append(("build_id", .string(n.desc.array.map { Fmt.hex(UInt64($0), 2) }.joined()))) }
                let text = ReadelfNotes.details(n, file: f, wide: true)
                if !text.isEmpty { fields.append(("details", .string(text.trimmingCharacters()))) }
                list.append(.object(fields))
            }
            doc.append(("notes", .array(list)))
        }
        return doc
    }
}

extension String {
    func trimmingCharacters() -> String {
        var s = Substring(self)
        while let c = s.first, c == " " || c == "\n" || c == "\t" { s.removeFirst() }
        while let c = s.last, c == " " || c == "\n" || c == "\t" { s.removeLast() }
        return String(s)
    }
}
