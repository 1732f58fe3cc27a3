import Bytes
import ELF
import Render

/// The `readelf` tool: binutils 2.40 output for the supported modes.
public enum Readelf {
    /// Runs readelf over `args`, writing to `out`; errors go to `err` as whole lines
    /// ("PATH: why"), the CLI prefixes "sonde readelf: ". Returns the exit status.
    public static func run(_ args: [String], out: OutputSink, err: @escaping (String) -> Void) throws(ToolError) -> Int32 {
        let o = try ReadelfOptions.parse(args)
        if o.help { out.emit(ReadelfOptions.helpText); out.flush(); return 0 }
        if o.version { out.emit("sonde readelf (compatible with GNU readelf 2.40)\n"); out.flush(); return 0 }
        if o.files.isEmpty || !o.anything {
            throw .usage(o.files.isEmpty ? "no input files\n" + ReadelfOptions.usageLine : "nothing to do\n" + ReadelfOptions.usageLine)
        }
        var status: Int32 = 0
        var jsonDocs: [JSON] = []
        for path in o.files {
            let bytes: Bytes
            do { bytes = try MappedFile.open(path) } catch { err("\(error)"); status = 1; continue }
            if Archive.isArchive(bytes) {
                do {
                    let ar = try Archive(bytes)
                    for m in ar.members {
                        let name = "\(path)(\(m.name))"
                        do {
                            let f = try ELFFile(bytes: m.data, path: name)
                            if o.json { jsonDocs.append(.object([("file", .string(name))] + ReadelfJSON.document(f, o))); continue }
                            out.emit("\nFile: \(name)\n")
                            try ReadelfPrinter(f, o, out, err).printAll()
                        } catch { err("\(name): \(error)"); status = 1 }
                    }
                } catch { err("\(path): \(error)"); status = 1 }
                continue
            }
            let f: ELFFile
            do { f = try ELFFile(bytes: bytes, path: path) } catch { err("\(path): \(error)"); status = 1; continue }
            if o.json { jsonDocs.append(.object([("file", .string(path))] + ReadelfJSON.document(f, o))); continue }
            if o.files.count > 1 { out.emit("\nFile: \(path)\n") }
            do {
                let p = ReadelfPrinter(f, o, out, err)
                try p.printAll()
                if p.failed { status = 1 }
            } catch { out.flush(); err("\(path): \(error)"); status = 1 }
        }
        if o.json {
            out.emit((jsonDocs.count == 1 ? jsonDocs[0] : .array(jsonDocs)).serialized(pretty: true) + "\n")
        }
        out.flush()
        return status
    }
}

extension Readelf {
    /// Renders one parsed file with the given options (the engine behind `run`, for tests and fuzzing).
    public static func render(_ f: ELFFile, _ o: ReadelfOptions, to out: OutputSink, err: @escaping (String) -> Void = { _ in }) throws {
        try ReadelfPrinter(f, o, out, err).printAll()
    }
}

/// Renders one ELF file the way readelf does.
final class ReadelfPrinter {
    let f: ELFFile
    let o: ReadelfOptions
    let out: OutputSink
    let err: (String) -> Void
    let is64: Bool
    let machine: UInt16
    var failed = false
    lazy var dyn: DynamicInfo? = try? f.dynamic()
    lazy var versions: SymbolVersions? = try? f.symbolVersions()

    init(_ f: ELFFile, _ o: ReadelfOptions, _ out: OutputSink, _ err: @escaping (String) -> Void) {
        self.f = f
        self.o = o
        self.out = out
        self.err = err
        self.is64 = f.header.is64
        self.machine = f.header.machine
    }

    func emit(_ s: String) { out.emit(s) }

    /// print_vma LONG_HEX: 8 or 16 digits.
    func longHex(_ v: UInt64) -> String { Fmt.hex(is64 ? v : v & 0xffff_ffff, is64 ? 16 : 8) }

    var isPIE: Bool {
        guard let d = dyn, let f1 = d.value(DT.flags1) else { return false }
        return f1 & 0x0800_0000 != 0
    }

    func sectionName(_ i: Int) -> String { i < f.sections.count ? f.sections[i].name : "<corrupt>" }

    /// print_symbol: truncate to `width` with "[...]" unless wide; negative width pads.
    func symbolText(_ s: String, _ width: Int) -> String {
        var w = width
        var pad = false
        if w < 0 { w = -w; pad = true } else if w == 0 { return "" }
        var text = ""
        var printed = 0
        let u = Array(s.utf8)
        var remaining = Int.max
        var dots = false
        if !o.wide {
            remaining = w
            if u.count > w && !o.silentTruncation {
                remaining = max(0, w - 5)
                dots = true
            }
        }
        var bytes: [UInt8] = []
        for c in u {
            if remaining <= 0 { break }
            if c < 0x20 || c == 0x7f {
                if remaining < 2 { break }
                bytes.append(0x5e)
                bytes.append(c == 0x7f ? 0x3f : c + 0x40)
                remaining -= 2
                printed += 2
            } else {
                bytes.append(c)
                remaining -= 1
                printed += 1
            }
        }
        text = String(decoding: bytes, as: UTF8.self)
        if dots { text += "[...]"; printed += 5 }
        if pad && printed < w { text += String(repeating: " ", count: w - printed) }
        return text
    }

    func printAll() throws {
        if o.header { printHeader() }
        if o.sections { printSections() }
        if o.sectionGroups { printGroups() }
        if o.segments { printSegments() }
        if o.dynamic { printDynamic() }
        if o.relocs { try printRelocations() }
        if o.unwind { printUnwind() }
        if o.symbols || o.dynSymbols { try printSymbols() }
        if o.histogram { printHistogram() }
        if o.versions { printVersions() }
        if !o.dumps.isEmpty { try printDumps() }
        if !o.debugDump.isEmpty { try readelfDebugDump(file: f, kinds: o.debugDump, options: o, out: out) }
        if o.notes { printNotes() }
        if o.archSpecific { printArchSpecific() }
        out.flush()
        for w in pendingWarnings { err(w) }
    }

    var pendingWarnings: [String] = []

    // MARK: -h

    func printHeader() {
        let h = f.header
        var ident = (try? f.bytes.array(0, 16)) ?? []
        while ident.count < 16 { ident.append(0) }
        emit("ELF Header:\n  Magic:   ")
        for b in ident { emit(Fmt.hex(UInt64(b), 2) + " ") }
        emit("\n")
        emit("  Class:                             \(h.is64 ? "ELF64" : "ELF32")\n")
        emit("  Data:                              \(h.bigEndian ? "2's complement, big endian" : "2's complement, little endian")\n")
        let v = h.identVersion
        emit("  Version:                           \(v)\(v == 1 ? " (current)" : v != 0 ? " <unknown>" : "")\n")
        emit("  OS/ABI:                            \(ELFNames.osabi(h.osabi, machine: h.machine))\n")
        emit("  ABI Version:                       \(h.abiVersion)\n")
        emit("  Type:                              \(ELFNames.fileType(h.type, pie: isPIE))\n")
        emit("  Machine:                           \(ELFNames.machine(h.machine))\n")
        emit("  Version:                           0x\(Fmt.hex(UInt64(h.version)))\n")
        emit("  Entry point address:               0x\(Fmt.hex(h.entry))\n")
        emit("  Start of program headers:          \(h.phoff) (bytes into file)\n")
        emit("  Start of section headers:          \(h.shoff) (bytes into file)\n")
        emit("  Flags:                             0x\(Fmt.hex(UInt64(h.flags)))\(ELFNames.machineFlags(h.flags, machine: h.machine))\n")
        emit("  Size of this header:               \(h.ehsize) (bytes)\n")
        emit("  Size of program headers:           \(h.phentsize) (bytes)\n")
        var ph = "  Number of program headers:         \(h.rawPhnum)"
        if h.rawPhnum == 0xffff, let s0 = f.sections.first, s0.info != 0 { ph += " (\(s0.info))" }
        emit(ph + "\n")
        emit("  Size of section headers:           \(h.shentsize) (bytes)\n")
        var sh = "  Number of section headers:         \(h.rawShnum)"
        var shnum = Int(h.rawShnum)
        if h.rawShnum == 0, !f.sections.isEmpty { sh += " (\(h.shnum))"; shnum = h.shnum }
        emit(sh + "\n")
        var st = "  Section header string table index: \(h.rawShstrndx)"
        var idx = Int(h.rawShstrndx)
        if h.rawShstrndx == 0xffff, !f.sections.isEmpty { st += " (\(h.shstrndx))"; idx = h.shstrndx }
        if idx != 0 && idx >= shnum { st += " <corrupt: out of range>" }
        emit(st + "\n")
    }

    // MARK: -S

    func printSections() {
        let h = f.header
        if !o.header {
            let n = f.sections.count
            emit("There \(n == 1 ? "is" : "are") \(n) section header\(n == 1 ? "" : "s"), starting at offset 0x\(Fmt.hex(h.shoff)):\n")
        }
        if f.sections.isEmpty {
            emit("\nThere are no sections in this file.\n")
            return
        }
        emit(f.sections.count == 1 ? "\nSection Header:\n" : "\nSection Headers:\n")
        let details = o.sectionDetails
        if !is64 {
            if details {
                emit("  [Nr] Name\n       Type            Addr     Off    Size   ES   Lk Inf Al\n       Flags\n")
            } else {
                emit("  [Nr] Name              Type            Addr     Off    Size   ES Flg Lk Inf Al\n")
            }
        } else if o.wide {
            if details {
                emit("  [Nr] Name\n       Type            Address          Off    Size   ES   Lk Inf Al\n       Flags\n")
            } else {
                emit("  [Nr] Name              Type            Address          Off    Size   ES Flg Lk Inf Al\n")
            }
        } else if details {
            emit("  [Nr] Name\n       Type              Address          Offset            Link\n       Size              EntSize          Info              Align\n       Flags\n")
        } else {
            emit("  [Nr] Name              Type             Address           Offset\n       Size              EntSize          Flags  Link  Info  Align\n")
        }
        for s in f.sections {
            var line = "  [" + Fmt.dec(s.index, 2) + "] "
            if details {
                line += s.name + "\n      "
            } else {
                line += symbolText(s.name, -17)
            }
            let tname = ELFNames.sectionType(s.type, machine: machine)
            line += o.wide ? " " + Fmt.padRight(tname, 15) + " " : " " + Fmt.fixed(tname, 15) + " "
            let flagLetters = ELFNames.sectionFlagLetters(s.flags, machine: machine, osabi: h.osabi)
            if !is64 || o.wide {
                line += longHex(s.addr)
                line += " " + Fmt.hex(s.offset, 6) + " " + Fmt.hex(s.size, 6) + " " + Fmt.hex(s.entsize, 2)
                line += details ? "  " : " " + Fmt.padLeft(flagLetters, 3) + " "
                line += Fmt.dec(Int(s.link), 2) + " " + Fmt.dec(Int(s.info), 3) + " " + Fmt.dec(s.addralign, 2) + "\n"
            } else if details {
                line += " " + longHex(s.addr) + "  " + longHex(s.offset) + "  \(s.link)\n       "
                line += longHex(s.size) + " " + longHex(s.entsize) + "  " + Fmt.padRight(String(s.info), 16) + "  \(s.addralign)\n"
            } else {
                line += " " + longHex(s.addr) + "  " + Fmt.hex(s.offset, 8) + "\n       "
                line += longHex(s.size) + "  " + longHex(s.entsize)
                line += " " + Fmt.padLeft(flagLetters, 3) + " "
                line += "     " + Fmt.dec(Int(s.link), 2) + "   " + Fmt.dec(Int(s.info), 3) + "     \(s.addralign)\n"
            }
            if details {
                let w = is64 ? 16 : 8
                line += "       [" + Fmt.hex(s.flags, w) + "]: " + ELFNames.sectionFlagWords(s.flags, machine: machine) + "\n"
                if s.isCompressed, let raw = try? f.rawData(s) {
                    let type = (try? raw.u32(0)) ?? 0
                    let size = is64 ? ((try? raw.u64(8)) ?? 0) : UInt64((try? raw.u32(4)) ?? 0)
                    let align = is64 ? ((try? raw.u64(16)) ?? 0) : UInt64((try? raw.u32(8)) ?? 0)
                    let tn = type == 1 ? "ZLIB" : type == 2 ? "ZSTD" : "[<unknown>: 0x\(Fmt.hex(UInt64(type)))]"
                    line += "       \(tn), \(longHex(size)), \(align)\n"
                }
            }
            emit(line)
        }
        if !details { emit(ELFNames.sectionFlagKey(machine: machine, osabi: h.osabi)) }
    }

    // MARK: -g

    func printGroups() {
        let groups = f.sections.filter { $0.type == SHT.group }
        if groups.isEmpty {
            emit("\nThere are no section groups in this file.\n")
            return
        }
        for g in groups {
            guard let d = try? f.rawData(g), d.count >= 4 else { continue }
            var sig = "<corrupt>"
            if Int(g.link) < f.sections.count, let syms = try? f.symbols(in: f.sections[Int(g.link)]), Int(g.info) < syms.count {
                let s = syms[Int(g.info)]
                sig = s.type == STT.section && s.name.isEmpty ? sectionName(Int(s.shndx)) : s.name
            }
            let flags = (try? d.u32(0)) ?? 0
            let n = d.count / 4 - 1
            emit("\n\(flags & 1 != 0 ? "COMDAT" : "") group section [\(Fmt.dec(g.index, 5))] `\(g.name)' [\(sig)] contains \(n) sections:\n")
            emit("   [Index]    Name\n")
            for i in 1...max(1, n) where i <= n {
                let idx = Int((try? d.u32(i * 4)) ?? 0)
                emit("   [\(Fmt.dec(idx, 5))]   \(sectionName(idx))\n")
            }
        }
    }

    // MARK: -l

    func printSegments() {
        let h = f.header
        if f.segments.isEmpty {
            emit("\nThere are no program headers in this file.\n")
            return
        }
        if !o.header {
            emit("\nElf file type is \(ELFNames.fileType(h.type, pie: isPIE))\n")
            emit("Entry point 0x\(Fmt.hex(h.entry))\n")
            let n = f.segments.count
            emit("There \(n == 1 ? "is" : "are") \(n) program header\(n == 1 ? "" : "s"), starting at offset \(h.phoff)\n")
        }
        emit(f.segments.count == 1 ? "\nProgram Header:\n" : "\nProgram Headers:\n")
        if !is64 {
            emit("  Type           Offset   VirtAddr   PhysAddr   FileSiz MemSiz  Flg Align\n")
        } else if o.wide {
            emit("  Type           Offset   VirtAddr           PhysAddr           FileSiz  MemSiz   Flg Align\n")
        } else {
            emit("  Type           Offset             VirtAddr           PhysAddr\n                 FileSiz            MemSiz              Flags  Align\n")
        }
        for p in f.segments {
            var line = "  " + Fmt.fixed(ELFNames.segmentType(p.type, machine: machine), 14) + " "
            let fl = (p.flags & 4 != 0 ? "R" : " ") + (p.flags & 2 != 0 ? "W" : " ") + (p.flags & 1 != 0 ? "E" : " ")
            if !is64 {
                line += "0x" + Fmt.hex(p.offset, 6) + " 0x" + Fmt.hex(p.vaddr, 8) + " 0x" + Fmt.hex(p.paddr, 8)
                line += " 0x" + Fmt.hex(p.filesz, 5) + " 0x" + Fmt.hex(p.memsz, 5) + " " + fl + " " + Fmt.altHex(p.align)
            } else if o.wide {
                line += "0x" + Fmt.hex(p.offset, 6) + " 0x" + Fmt.hex(p.vaddr, 16) + " 0x" + Fmt.hex(p.paddr, 16)
                line += " 0x" + Fmt.hex(p.filesz, 6) + " 0x" + Fmt.hex(p.memsz, 6) + " " + fl + " " + Fmt.altHex(p.align)
            } else {
                line += "0x" + Fmt.hex(p.offset, 16) + " 0x" + Fmt.hex(p.vaddr, 16) + " 0x" + Fmt.hex(p.paddr, 16)
                line += "\n                 0x" + Fmt.hex(p.filesz, 16) + " 0x" + Fmt.hex(p.memsz, 16)
                line += "  " + fl + "    0x" + Fmt.hex(p.align)
            }
            emit(line + "\n")
            if p.type == PT.interp, let interp = f.interpreter() {
                emit("      [Requesting program interpreter: \(interp)]\n")
            }
        }
        guard !f.sections.isEmpty else { return }
        emit("\n Section to Segment mapping:\n  Segment Sections...\n")
        for (i, p) in f.segments.enumerated() {
            var line = "   " + Fmt.padLeft(String(i), 2, "0") + "     "
            for s in f.sections.dropFirst() where !Self.tbssSpecial(s, p) && Self.sectionInSegment(s, p) {
                line += s.name + " "
            }
            emit(line + "\n")
        }
    }

    static func tbssSpecial(_ s: ELFSection, _ p: ELFSegment) -> Bool {
        s.flags & SHF.tls != 0 && s.type == SHT.nobits && p.type != PT.tls
    }

    /// binutils' ELF_SECTION_IN_SEGMENT_STRICT (check_vma and strict set).
    static func sectionInSegment(_ s: ELFSection, _ p: ELFSegment) -> Bool {
        let tls = s.flags & SHF.tls != 0
        let alloc = s.flags & SHF.alloc != 0
        let size: UInt64 = (!tls || s.type != SHT.nobits || p.type == PT.tls) ? s.size : 0
        let typeOK = (tls && (p.type == PT.tls || p.type == PT.gnuRelro || p.type == PT.load))
            || (!tls && p.type != PT.tls && p.type != PT.phdr)
        guard typeOK else { return false }
        let loadLike = p.type == PT.load || p.type == PT.dynamic || p.type == PT.gnuEhFrame || p.type == PT.gnuStack
            || p.type == PT.gnuRelro || p.type == 0x6474_e554 || (p.type >= 0x6474_e555 && p.type <= 0x6474_f554)
        if !alloc && loadLike { return false }
        if s.type != SHT.nobits {
            guard s.offset >= p.offset else { return false }
            let rel = s.offset &- p.offset
            guard rel <= p.filesz &- 1 else { return false }
            let (end, ov) = rel.addingReportingOverflow(size)
            guard !ov && end <= p.filesz else { return false }
        }
        if alloc {
            guard s.addr >= p.vaddr else { return false }
            let rel = s.addr &- p.vaddr
            guard rel <= p.memsz &- 1 else { return false }
            let (end, ov) = rel.addingReportingOverflow(size)
            guard !ov && end <= p.memsz else { return false }
        }
        if (p.type == PT.dynamic || p.type == PT.note) && s.size == 0 && p.memsz != 0 {
            let offOK = s.type == SHT.nobits || (s.offset > p.offset && s.offset &- p.offset < p.filesz)
            let addrOK = !alloc || (s.addr > p.vaddr && s.addr &- p.vaddr < p.memsz)
            if !(offOK && addrOK) { return false }
        }
        return true
    }

    // MARK: -d

    func printDynamic() {
        guard let d = dyn else {
            emit("\nThere is no dynamic section in this file.\n")
            return
        }
        var offset: UInt64 = 0
        if let s = f.sections.first(where: { $0.type == SHT.dynamic }) { offset = s.offset } else if let p = f.segments.first(where: { $0.type == PT.dynamic }) { offset = p.offset }
        var n = 0
        for e in d.entries { n += 1; if e.tag == DT.null { break } }
        emit("\nDynamic section at offset 0x\(Fmt.hex(offset)) contains \(n) \(n == 1 ? "entry" : "entries"):\n")
        emit("  Tag        Type                         Name/Value\n")
        for e in d.entries.prefix(n) {
            let tname = ELFNames.dynamicTag(e.tag, machine: machine)
            let pad = max(1, (is64 ? 19 : 27) - tname.utf8.count)
            var line = " 0x" + Fmt.hex(UInt64(bitPattern: e.tag) & (is64 ? ~0 : 0xffff_ffff), is64 ? 16 : 8) + " (" + tname + ")" + String(repeating: " ", count: pad)
            line += dynamicValue(e, d)
            emit(line + "\n")
        }
    }

    func dynamicValue(_ e: DynamicEntry, _ d: DynamicInfo) -> String {
        let v = e.value
        func str(_ label: String, brackets: Bool = true) -> String {
            if let s = d.string(v) { return brackets ? "\(label): [\(s)]" : "\(label): \(s)" }
            return "0x" + Fmt.hex(v)
        }
        switch e.tag {
        case DT.needed: return str("Shared library")
        case DT.soname: return str("Library soname")
        case DT.rpath: return str("Library rpath")
        case DT.runpath: return str("Library runpath")
        case DT.auxiliary: return str("Auxiliary library")
        case DT.filter: return str("Filter library")
        case 0x6fff_fefa: return str("Configuration file", brackets: false)
        case 0x6fff_fefb: return str("Dependency audit library", brackets: false)
        case 0x6fff_fefc: return str("Audit library", brackets: false)
        case DT.flags:
            let names = ELFNames.dynamicFlags(v)
            return names.isEmpty ? "" : names.joined(separator: " ")
        case DT.flags1:
            return "Flags:" + ELFNames.dynamicFlags1(v).map { " " + $0 }.joined()
        case 0x6fff_fdfd:
            var s = "Flags:"
            if v & 1 != 0 { s += " LAZYLOAD" }
            if v & 2 != 0 { s += " GROUPPERM" }
            return s
        case DT.pltrel: return ELFNames.dynamicTag(Int64(bitPattern: v), machine: machine)
        case DT.pltrelsz, DT.relasz, DT.strsz, DT.relsz, DT.relaent, DT.syment, DT.relent, DT.initArraysz, DT.finiArraysz,
             DT.preinitArraysz, DT.relrsz, DT.relrent, 0x6fff_fdfe, 0x6fff_fdff, 0x6fff_fdf6, 0x6fff_fdf7, 0x6fff_fdfa,
             0x6fff_fdfb, 0x6fff_fdf9:
            return "\(v) (bytes)"
        case DT.verdefnum, DT.verneednum, DT.relacount, DT.relcount:
            return "\(v)"
        default:
            return "0x" + Fmt.hex(v)
        }
    }

    // MARK: -r

    func printRelocations() throws {
        var any = false
        for s in f.sections where s.type == SHT.rel || s.type == SHT.rela || s.type == SHT.relr {
            any = true
            let relocs = (try? f.relocations(in: s)) ?? []
            if s.type == SHT.relr {
                let ent = UInt64(is64 ? 8 : 4)
                let n = s.size / ent
                emit("\nRelocation section '\(s.name)' at offset 0x\(Fmt.hex(s.offset)) contains \(n) \(n == 1 ? "entry" : "entries"):\n")
                printRelr(s, relocs)
                continue
            }
            let n = relocs.count
            emit("\nRelocation section '\(s.name)' at offset 0x\(Fmt.hex(s.offset)) contains \(n) \(n == 1 ? "entry" : "entries"):\n")
            let rela = s.type == SHT.rela
            if !is64 {
                if rela {
                    emit(o.wide ? " Offset     Info    Type                Sym. Value  Symbol's Name + Addend\n" : " Offset     Info    Type            Sym.Value  Sym. Name + Addend\n")
                } else {
                    emit(o.wide ? " Offset     Info    Type                Sym. Value  Symbol's Name\n" : " Offset     Info    Type            Sym.Value  Sym. Name\n")
                }
            } else if rela {
                emit(o.wide ? "    Offset             Info             Type               Symbol's Value  Symbol's Name + Addend\n" : "  Offset          Info           Type           Sym. Value    Sym. Name + Addend\n")
            } else {
                emit(o.wide ? "    Offset             Info             Type               Symbol's Value  Symbol's Name\n" : "  Offset          Info           Type           Sym. Value    Sym. Name\n")
            }
            var syms: [ELFSymbol] = []
            var dynsym = false
            if s.link != 0, Int(s.link) < f.sections.count {
                let ss = f.sections[Int(s.link)]
                if ss.type == SHT.symtab || ss.type == SHT.dynsym {
                    syms = (try? f.symbols(in: ss)) ?? []
                    dynsym = ss.type == SHT.dynsym
                }
            }
            for r in relocs {
                var line: String
                if !is64 {
                    line = Fmt.hex(r.offset & 0xffff_ffff, 8) + "  " + Fmt.hex(r.info & 0xffff_ffff, 8) + " "
                } else if o.wide {
                    line = Fmt.hex(r.offset, 16) + "  " + Fmt.hex(r.info, 16) + " "
                } else {
                    line = Fmt.hex(r.offset, 12) + "  " + Fmt.hex(r.info, 12) + " "
                }
                if let tn = ELFNames.relocationType(r.type, machine: machine) {
                    line += o.wide ? Fmt.padRight(tn, 22) : Fmt.fixed(tn, 17)
                } else {
                    line += "unrecognized: " + Fmt.padRight(Fmt.hex(UInt64(r.type)), 7)
                }
                if r.symbol != 0 {
                    if Int(r.symbol) >= syms.count {
                        pendingWarnings.append("\(f.path ?? ""): bad symbol index: \(Fmt.hex(UInt64(r.symbol), 8)) in reloc")
                    } else {
                        let sym = syms[Int(r.symbol)]
                        var ver = ""
                        if dynsym, let v = readelfVersion(Int(r.symbol), sym) { ver = v }
                        line += " "
                        if sym.type == STT.gnuIfunc {
                            let width = is64 ? 14 : 8
                            let nm = sym.name.isEmpty ? "??" : sym.name
                            let t = symbolText(nm, width)
                            let len = t.utf8.count
                            line += t + ver + "()" + String(repeating: " ", count: len <= width ? (width + 1) - len : 1)
                        } else {
                            line += longHex(sym.value) + (is64 ? " " : "   ")
                        }
                        if sym.name.isEmpty {
                            var secName = "<null>"
                            if sym.type == STT.section {
                                if Int(sym.shndx) < f.sections.count { secName = sectionName(Int(sym.shndx)) } else if sym.shndx == SHN.abs { secName = "ABS" } else if sym.shndx == SHN.common { secName = "COMMON" } else { secName = "<section 0x\(Fmt.hex(UInt64(sym.shndx)))>" }
                            }
                            line += symbolText(secName, 22)
                        } else {
                            line += symbolText(sym.name, 22) + (sym.type == STT.gnuIfunc ? "" : ver)
                        }
                        if let a = r.addend { line += a < 0 ? " - " + Fmt.hex(UInt64(bitPattern: 0 &- a)) : " + " + Fmt.hex(UInt64(a)) }
                    }
                } else if let a = r.addend {
                    line += String(repeating: " ", count: is64 ? 20 : 12)
                    line += a < 0 ? "-" + Fmt.hex(UInt64(bitPattern: 0 &- a)) : Fmt.hex(UInt64(a))
                }
                emit(line + "\n")
            }
        }
        if !any { emit("\nThere are no relocations in this file.\n") }
    }

    func printRelr(_ s: ELFSection, _ relocs: [ELFRelocation]) {
        emit("  \(relocs.count) \(relocs.count == 1 ? "offset" : "offsets")\n")
        for r in relocs { emit(longHex(r.offset) + "\n") }
    }

    // MARK: -u

    func printUnwind() {
        switch machine {
        case EM.x86_64, EM.i386:
            emit("No processor specific unwind information to decode\n")
        case EM.arm:
            // The ARM EHABI decoder is not implemented: list the sections as readelf's first line does.
            for s in f.sections where s.type == SHT.armExidx {
                let n = s.size / 8
                emit("\nUnwind section '\(s.name)' at offset 0x\(Fmt.hex(s.offset)) contains \(n) \(n == 1 ? "entry" : "entries"):\n\n")
            }
        default:
            emit("\nThe decoding of unwind sections for machine type \(ELFNames.machine(machine)) is not currently supported.\n")
        }
    }

    // MARK: -s

    /// readelf's version suffix for a .dynsym symbol: "@@V", "@V" or "@V (n)".
    func readelfVersion(_ i: Int, _ sym: ELFSymbol) -> String? {
        guard let info = readelfVersionInfo(i, sym) else { return nil }
        return (info.kind == 0 ? "@@" : "@") + info.name
    }

    /// kind 0 public, 1 hidden, 2 needed (undefined).
    func readelfVersionInfo(_ i: Int, _ sym: ELFSymbol) -> (name: String, kind: Int, other: UInt16)? {
        guard let v = versions, i < v.versym.count else { return nil }
        let data = v.versym[i]
        if data == 0 { return nil }
        let hidden = data & 0x8000 != 0
        if sym.shndx != SHN.undef && data != 0x8001 {
            if let d = v.definitions.first(where: { $0.index == data & 0x7fff }), let n = d.names.first {
                // A version's own definition symbol (ABS "GLIBC_2.10") is printed bare.
                if sym.shndx == SHN.abs && sym.name == n { return nil }
                return (n, hidden ? 1 : 0, 0)
            }
        }
        for n in v.needs {
            for a in n.entries where a.other == data & 0x7fff { return (a.name, 2, a.other) }
        }
        return nil
    }

    func printSymbols() throws {
        for s in f.sections where (s.type == SHT.dynsym && (o.symbols || o.dynSymbols)) || (s.type == SHT.symtab && o.symbols) {
            let ent = UInt64(is64 ? 24 : 16)
            guard s.entsize != 0 else {
                emit("\nSymbol table '\(s.name)' has a sh_entsize of zero!\n")
                continue
            }
            let n = s.size / ent
            emit("\nSymbol table '\(s.name)' contains \(n) \(n == 1 ? "entry" : "entries"):\n")
            emit(is64 ? "   Num:    Value          Size Type    Bind   Vis      Ndx Name\n" : "   Num:    Value  Size Type    Bind   Vis      Ndx Name\n")
            let syms = try f.symbols(in: s)
            let dynsym = s.type == SHT.dynsym
            let shndxTable = extendedIndexes(for: s)
            for sym in syms {
                out.emitDec(UInt64(sym.index), width: 6)
                out.emit(byte: 0x3a); out.emit(byte: 0x20)
                out.emitHex(is64 ? sym.value : sym.value & 0xffff_ffff, width: is64 ? 16 : 8)
                out.emit(byte: 0x20)
                if sym.size <= 99999 { out.emitDec(sym.size, width: 5) } else { out.emit("0x"); out.emitHex(sym.size, width: 0) }
                out.emit(byte: 0x20)
                out.emitPadded(ELFNames.symbolType(sym.type, machine: machine), width: 7)
                out.emit(byte: 0x20)
                out.emitPadded(ELFNames.symbolBinding(sym.binding), width: 6)
                let vis = sym.other & 3
                out.emit(byte: 0x20)
                out.emitPadded(ELFNames.symbolVisibility(vis), width: 7)
                if sym.other ^ vis != 0 { out.emit(" [" + symbolOther(sym.other ^ vis) + "] ") }
                var shndx = sym.shndx
                if shndx == SHN.xindex, let t = shndxTable, sym.index < t.count { shndx = UInt16(truncatingIfNeeded: t[sym.index]) }
                out.emit(byte: 0x20)
                if shndx != 0 && shndx < SHN.loreserve && Int(shndx) < f.header.shnum && sym.shndx != SHN.xindex {
                    out.emitDec(UInt64(shndx), width: 4)
                } else {
                    var ndx = ELFNames.symbolSectionIndex(shndx, machine: machine)
                    if shndx != 0 && shndx < SHN.loreserve && Int(shndx) >= f.header.shnum { ndx = "bad section index[\(Fmt.dec(Int(shndx), 3))]" }
                    if sym.shndx == SHN.xindex, let t = shndxTable, sym.index < t.count { ndx = Fmt.dec(Int(t[sym.index]), 3) }
                    out.emitRight(ndx, width: 4)
                }
                out.emit(byte: 0x20)
                var name = o.demangle ? demangleName(sym.name) : sym.name
                if sym.type == STT.section && Int(sym.shndx) < f.sections.count && sym.nameOffset == 0 { name = sectionName(Int(sym.shndx)) }
                var avail = 21
                var suffix = ""
                if dynsym, let info = readelfVersionInfo(sym.index, sym) {
                    switch info.kind {
                    case 0: suffix = "@@" + info.name
                    case 1: suffix = "@" + info.name
                    default: suffix = "@\(info.name) (\(info.other))"
                    }
                    if !o.wide {
                        avail -= 1 + info.name.utf8.count
                        if info.kind == 2 { avail -= " (\(info.other))".utf8.count } else if info.kind == 0 { avail -= 1 }
                    }
                }
                emitSymbolText(name, avail)
                if !suffix.isEmpty { out.emit(suffix) }
                out.emit(byte: 0x0a)
            }
        }
    }

    /// symbolText written straight to the output; printable names that fit skip the slow path.
    func emitSymbolText(_ s: String, _ width: Int) {
        if width > 0 {
            var s2 = s
            let fast: Bool = s2.withUTF8 { u in
                guard o.wide || u.count <= width else { return false }
                for c in u where c < 0x20 || c == 0x7f { return false }
                out.emit(bytes: UnsafeRawBufferPointer(u))
                return true
            }
            if fast { return }
        }
        out.emit(symbolText(s, width))
    }

    func symbolOther(_ v: UInt8) -> String {
        switch machine {
        case EM.aarch64 where v == 0x80: return "VARIANT_PCS"
        case EM.riscv where v == 0x80: return "VARIANT_CC"
        case EM.ppc64:
            let le = (v >> 5) & 7
            let bytes = le == 0 || le == 1 ? 0 : (1 << le) >> 2 * 4
            return "localentry: \(bytes == 0 ? "<unknown>" : String(bytes))"
        default: return "<other>: 0x\(Fmt.hex(UInt64(v)))"
        }
    }

    func extendedIndexes(for s: ELFSection) -> [UInt32]? {
        guard let x = f.sections.first(where: { $0.type == SHT.symtabShndx && Int($0.link) == s.index }),
              let d = try? f.rawData(x) else { return nil }
        var out: [UInt32] = []
        var i = 0
        while i + 4 <= d.count { out.append((try? d.u32(i)) ?? 0); i += 4 }
        return out
    }

    // MARK: -I

    func printHistogram() {
        var lengths: [Int] = []
        var name = ""
        if let s = f.sections.first(where: { $0.type == SHT.hash }), let d = try? f.rawData(s), d.count >= 8 {
            // SysV hash: nbucket, nchain, buckets, chains.
            let nb = Int((try? d.u32(0)) ?? 0), nc = Int((try? d.u32(4)) ?? 0)
            if nb <= d.count / 4 && nc <= d.count / 4 {
                for b in 0..<nb {
                    var len = 0
                    var si = Int((try? d.u32(8 + 4 * b)) ?? 0)
                    var guardN = 0
                    while si != 0 && si < nc && guardN <= nc {
                        len += 1
                        guardN += 1
                        si = Int((try? d.u32(8 + 4 * nb + 4 * si)) ?? 0)
                    }
                    lengths.append(len)
                }
                emitHistogram(nil, lengths)
            }
        }
        lengths = []
        if let s = f.sections.first(where: { $0.type == SHT.gnuHash }), let d = try? f.rawData(s), d.count >= 16 {
            name = s.name
            let nb = Int((try? d.u32(0)) ?? 0), symoff = Int((try? d.u32(4)) ?? 0), bloom = Int((try? d.u32(8)) ?? 0)
            let bw = is64 ? 8 : 4
            let bucketsOff = 16 + bloom * bw
            let chainsOff = bucketsOff + nb * 4
            guard nb <= d.count / 4, bloom <= d.count / bw, chainsOff <= d.count else { return }
            for b in 0..<nb {
                let start = Int((try? d.u32(bucketsOff + 4 * b)) ?? 0)
                var len = 0
                if start != 0 && start >= symoff {
                    var i = start - symoff
                    while chainsOff + 4 * i + 4 <= d.count {
                        len += 1
                        let h = (try? d.u32(chainsOff + 4 * i)) ?? 1
                        if h & 1 != 0 { break }
                        i += 1
                    }
                }
                lengths.append(len)
            }
            emitHistogram(name, lengths)
        }
    }

    func emitHistogram(_ name: String?, _ lengths: [Int]) {
        let nb = lengths.count
        guard nb > 0, lengths.contains(where: { $0 > 0 }) else { return }
        let title = name.map { "Histogram for `\($0)' bucket list length" } ?? "Histogram for bucket list length"
        emit("\n\(title) (total of \(nb) \(nb == 1 ? "bucket" : "buckets")):\n")
        let maxLen = lengths.max() ?? 0
        var counts = [Int](repeating: 0, count: maxLen + 1)
        for l in lengths { counts[l] += 1 }
        let nsyms = lengths.reduce(0, +)
        emit(" Length  Number     % of total  Coverage\n")
        emit("      0  " + Fmt.padRight(String(counts[0]), 10) + " (" + pct(Double(counts[0]) * 100 / Double(nb)) + "%)\n")
        var nzero = 0
        for i in 1...max(1, maxLen) where i <= maxLen {
            nzero += counts[i] * i
            emit(Fmt.dec(i, 7) + "  " + Fmt.padRight(String(counts[i]), 10) + " (" + pct(Double(counts[i]) * 100 / Double(nb)) + "%)    " + pct(nsyms == 0 ? 0 : Double(nzero) * 100 / Double(nsyms)) + "%\n")
        }
    }

    func pct(_ v: Double) -> String { Fmt.padLeft(Render.Format.fixed(v, 1), 5) }

    // MARK: -V

    func printVersions() {
        var any = false
        let addrHex: (UInt64) -> String = { v in Fmt.hex(v, 16) }
        for s in f.sections {
            switch s.type {
            case SHT.gnuVerdef:
                any = true
                let defs = (try? f.versionDefinitions(s)) ?? []
                emit("\nVersion definition section '\(s.name)' contains \(s.info) \(s.info == 1 ? "entry" : "entries"):\n")
                emit(" Addr: 0x\(addrHex(s.addr))  Offset: 0x\(Fmt.hex(s.offset, 8))  Link: \(s.link) (\(sectionName(Int(s.link))))\n")
                for d in defs {
                    emit("  \(off06(d.offset)): Rev: \(d.version)  Flags: \(verFlags(d.flags))  Index: \(d.index)  Cnt: \(d.count)  Name: \(d.names.first ?? "")\n")
                    for (j, n) in d.names.enumerated().dropFirst() {
                        emit("  \(off06(d.auxOffsets[j])): Parent \(j): \(n)\n")
                    }
                }
            case SHT.gnuVerneed:
                any = true
                let needs = (try? f.versionNeeds(s)) ?? []
                emit("\nVersion needs section '\(s.name)' contains \(s.info) \(s.info == 1 ? "entry" : "entries"):\n")
                emit(" Addr: 0x\(addrHex(s.addr))  Offset: 0x\(Fmt.hex(s.offset, 8))  Link: \(s.link) (\(sectionName(Int(s.link))))\n")
                for n in needs {
                    emit("  \(off06(n.offset)): Version: \(n.version)  File: \(n.file)  Cnt: \(n.count)\n")
                    for a in n.entries {
                        emit("  \(off06(a.offset)):   Name: \(a.name)  Flags: \(verFlags(a.flags))  Version: \(a.other)\n")
                    }
                }
            case SHT.gnuVersym:
                any = true
                guard let v = versions else { continue }
                let total = v.versym.count
                emit("\nVersion symbols section '\(s.name)' contains \(total) \(total == 1 ? "entry" : "entries"):\n")
                emit(" Addr: 0x\(addrHex(s.addr))  Offset: 0x\(Fmt.hex(s.offset, 8))  Link: \(s.link) (\(sectionName(Int(s.link))))\n")
                var syms: [ELFSymbol] = []
                if Int(s.link) < f.sections.count { syms = (try? f.symbols(in: f.sections[Int(s.link)])) ?? [] }
                var cnt = 0
                while cnt < total {
                    var line = "  " + Fmt.hex(UInt64(cnt), 3) + ":"
                    for j in 0..<4 where cnt + j < total {
                        let d = v.versym[cnt + j]
                        switch d {
                        case 0: line += "   0 (*local*)    "
                        case 1: line += "   1 (*global*)   "
                        default:
                            var piece = Fmt.dec(Int(d & 0x7fff), 4).replacingHex(d & 0x7fff) + (d & 0x8000 != 0 ? "h" : " ")
                            var checkDef = true, checkNeed = true
                            if cnt + j < syms.count {
                                let sym = syms[cnt + j]
                                let nobits = Int(sym.shndx) < f.sections.count && f.sections[Int(sym.shndx)].type == SHT.nobits
                                if !nobits { if sym.shndx == SHN.undef { checkDef = false } else { checkNeed = false } }
                            }
                            var name: String?
                            if checkNeed {
                                outer: for n in v.needs { for a in n.entries where a.other == d { name = a.name; break outer } }
                            }
                            if name == nil && checkDef && d != 0x8001 {
                                name = v.definitions.first { $0.index == d & 0x7fff }?.names.first
                            }
                            if let name {
                                let pad = 12 - name.utf8.count
                                piece += "(" + name + (pad > 0 ? Fmt.padRight(")", pad) : pad < 0 ? Fmt.padRight(")", -pad) : ")")
                            }
                            if piece.utf8.count < 18 { piece += String(repeating: " ", count: 18 - piece.utf8.count) }
                            line += piece
                        }
                    }
                    emit(line + "\n")
                    cnt += 4
                }
            default: continue
            }
        }
        if !any { emit("\nNo version information found in this file.\n") }
    }

    func off06(_ v: Int) -> String { v == 0 ? "000000" : "0x" + Fmt.hex(UInt64(v), 4) }

    func verFlags(_ fl: UInt16) -> String {
        if fl == 0 { return "none" }
        var parts: [String] = []
        if fl & 1 != 0 { parts.append("BASE") }
        if fl & 2 != 0 { parts.append("WEAK") }
        if fl & 4 != 0 { parts.append("INFO") }
        var s = parts.joined(separator: " | ")
        if fl & ~7 != 0 { s += " <unknown>" }
        return s
    }

    // MARK: -x / -p / -R

    func findSection(_ sel: String) -> [ELFSection] {
        if let n = Int(sel) { return n >= 0 && n < f.sections.count ? [f.sections[n]] : [] }
        return f.sections.filter { $0.name == sel }
    }

    func printDumps() throws {
        for d in o.dumps {
            let secs = findSection(d.section)
            if secs.isEmpty {
                if Int(d.section) != nil {
                    pendingWarnings.append("Warning: Section \(d.section) was not dumped because it does not exist!")
                } else {
                    pendingWarnings.append("Warning: Section '\(d.section)' was not dumped because it does not exist")
                }
                continue
            }
            for s in secs {
                switch d.kind {
                case .hex, .relocated: try hexDump(s, relocated: d.kind == .relocated)
                case .string: try stringDump(s)
                }
            }
        }
    }

    func sectionBytes(_ s: ELFSection) throws -> Bytes {
        if o.decompress { return try f.data(s) }
        return try f.rawData(s)
    }

    func hexDump(_ s: ELFSection, relocated: Bool) throws {
        if s.type == SHT.nobits || s.size == 0 {
            emit("Section '\(s.name)' has no data to dump.\n")
            return
        }
        let data = relocated ? try f.relocatedData(s) : try sectionBytes(s)
        emit("\nHex dump of section '\(s.name)':\n")
        if !relocated && f.header.type == ET.rel && !f.relocationSections(for: s).isEmpty {
            emit(" NOTE: This section has relocations against it, but these have NOT been applied to this dump.\n")
        }
        if o.decompress && s.isCompressed && data.count > 0 {
            // readelf notes the decompression only when it changed the size.
        }
        var addr = s.addr
        var off = 0
        let n = data.count
        while off < n {
            let len = min(16, n - off)
            var line = "  0x" + Fmt.hex(addr, 8) + " "
            var ascii = ""
            for j in 0..<16 {
                if j < len {
                    let b = (try? data.u8(off + j)) ?? 0
                    line += Fmt.hex(UInt64(b), 2)
                    ascii.unicodeScalars.append(b >= 0x20 && b < 0x7f ? Unicode.Scalar(b) : ".")
                } else {
                    line += "  "
                }
                if j & 3 == 3 { line += " " }
            }
            emit(line + ascii + "\n")
            off += len
            addr &+= UInt64(len)
        }
        emit("\n")
    }

    func stringDump(_ s: ELFSection) throws {
        if s.type == SHT.nobits || s.size == 0 {
            emit("Section '\(s.name)' has no data to dump.\n")
            return
        }
        let data = try sectionBytes(s)
        emit("\nString dump of section '\(s.name)':\n")
        let bytes = data.array
        var i = 0
        var found = false
        while i < bytes.count {
            while i < bytes.count && bytes[i] == 0 { i += 1 }
            if i >= bytes.count { break }
            let start = i
            var text = ""
            while i < bytes.count && bytes[i] != 0 {
                let c = bytes[i]
                if c < 0x20 || c == 0x7f {
                    text += "^" + String(Unicode.Scalar(c == 0x7f ? 0x3f : c + 0x40))
                } else if c < 0x80 {
                    text.unicodeScalars.append(Unicode.Scalar(c))
                } else {
                    text += "<0x" + Fmt.hex(UInt64(c), 2) + ">"
                }
                i += 1
            }
            emit("  [" + Fmt.padLeft(Fmt.hex(UInt64(start)), 6) + "]  " + text + "\n")
            found = true
        }
        if !found { emit("  No strings found in this section.") }
        emit("\n")
    }

    // MARK: -n

    func printNotes() {
        let noteSections = f.sections.filter { $0.type == SHT.note }
        if !noteSections.isEmpty {
            for s in noteSections {
                emit("\nDisplaying notes found in: \(s.name)\n")
                emit("  Owner                Data size \tDescription\n")
                guard let d = try? f.rawData(s), let notes = try? ELFFile.parseNotes(d, align: Int(clamping: s.addralign)) else {
                    pendingWarnings.append("\(f.path ?? ""): corrupt note found in \(s.name)")
                    continue
                }
                for n in notes { printNote(n) }
            }
        } else {
            for p in f.segments where p.type == PT.note {
                emit("\nDisplaying notes found at file offset 0x\(Fmt.hex(p.offset, 8)) with length 0x\(Fmt.hex(p.filesz, 8)):\n")
                emit("  Owner                Data size \tDescription\n")
                guard let d = try? f.bytes.slice(p.offset, p.filesz), let notes = try? ELFFile.parseNotes(d, align: Int(clamping: p.align)) else { continue }
                for n in notes { printNote(n) }
            }
        }
    }

    func printNote(_ n: ELFNote) {
        let details = ReadelfNotes.details(n, file: f, wide: o.wide)
        emit("  " + Fmt.padRight(n.name, 20) + " 0x" + Fmt.hex(UInt64(n.desc.count), 8) + "\t" + ReadelfNotes.typeName(n, fileType: f.header.type))
        emit(o.wide && !details.isEmpty ? "\t" : "\n")
        emit(details)
    }

    // MARK: -A

    func printArchSpecific() {
        switch machine {
        case EM.arm:
            for s in f.sections where s.type == SHT.armAttributes {
                if let d = try? f.rawData(s) { emit(ReadelfAttributes.arm(d)) }
            }
        case EM.riscv:
            for s in f.sections where s.type == SHT.riscvAttributes {
                if let d = try? f.rawData(s) { emit(ReadelfAttributes.generic(d, vendor: "riscv")) }
            }
        default:
            for s in f.sections where s.type == SHT.gnuAttributes {
                if let d = try? f.rawData(s) { emit(ReadelfAttributes.generic(d, vendor: "gnu")) }
            }
        }
    }
}

extension String {
    /// readelf prints versym indexes with %4x: keep the decimal padding width but show hex digits.
    fileprivate func replacingHex(_ v: UInt16) -> String { Fmt.padLeft(Fmt.hex(UInt64(v)), 4) }
}
