import Bytes
import Disasm
import ELF
import Render
import Symbolize

/// `objdump` options (binutils syntax).
public struct ObjDumpOptions: Sendable {
    public var files: [String] = []
    public var disassemble = false
    public var disassembleAll = false
    public var sectionHeaders = false
    public var fileHeader = false
    public var symbols = false
    public var dynamicSymbols = false
    public var allHeaders = false
    public var privateHeaders = false
    public var relocations = false
    public var source = false
    public var lineNumbers = false
    public var demangle = false
    public var showRawInsn = true
    public var wide = false
    public var onlySections: [String] = []
    public var startAddress: UInt64?
    public var stopAddress: UInt64?

    public init() {}

    /// Parses binutils objdump arguments.
    public static func parse(_ args: [String]) throws(ToolError) -> ObjDumpOptions {
        var o = ObjDumpOptions()
        var i = 0
        func value(_ flag: String, _ inline: String?) throws(ToolError) -> String {
            if let v = inline { return v }
            i += 1
            guard i < args.count else { throw .usage("option requires an argument -- '\(flag)'") }
            return args[i]
        }
        func address(_ s: String) throws(ToolError) -> UInt64 {
            let t = s.lowercased()
            let v = t.hasPrefix("0x") ? UInt64(t.dropFirst(2), radix: 16) : (t.hasPrefix("0") && t.count > 1 ? UInt64(t.dropFirst(), radix: 8) : UInt64(t))
            guard let v else { throw .usage("bad address '\(s)'") }
            return v
        }
        while i < args.count {
            let a = args[i]
            if a.hasPrefix("--") {
                let parts = a.split(separator: "=", maxSplits: 1).map(String.init)
                let inline = parts.count > 1 ? parts[1] : nil
                switch parts[0] {
                case "--disassemble": o.disassemble = true
                case "--disassemble-all": o.disassembleAll = true
                case "--section-headers", "--headers": o.sectionHeaders = true
                case "--file-headers": o.fileHeader = true
                case "--syms": o.symbols = true
                case "--dynamic-syms": o.dynamicSymbols = true
                case "--all-headers": o.allHeaders = true
                case "--private-headers": o.privateHeaders = true
                case "--reloc": o.relocations = true
                case "--source": o.source = true; o.disassemble = true
                case "--line-numbers": o.lineNumbers = true
                case "--demangle": o.demangle = true
                case "--no-show-raw-insn": o.showRawInsn = false
                case "--show-raw-insn": o.showRawInsn = true
                case "--wide": o.wide = true
                case "--section": o.onlySections.append(try value("j", inline))
                case "--start-address": o.startAddress = try address(try value("start-address", inline))
                case "--stop-address": o.stopAddress = try address(try value("stop-address", inline))
                default: throw .usage("unrecognized option '\(a)'")
                }
            } else if a.hasPrefix("-") && a.count > 1 {
                var chars = Array(a.dropFirst())
                while !chars.isEmpty {
                    let c = chars.removeFirst()
                    switch c {
                    case "d": o.disassemble = true
                    case "D": o.disassembleAll = true
                    case "h": o.sectionHeaders = true
                    case "f": o.fileHeader = true
                    case "t": o.symbols = true
                    case "T": o.dynamicSymbols = true
                    case "x": o.allHeaders = true
                    case "p": o.privateHeaders = true
                    case "r": o.relocations = true
                    case "S": o.source = true; o.disassemble = true
                    case "l": o.lineNumbers = true
                    case "C": o.demangle = true
                    case "w": o.wide = true
                    case "j":
                        let rest = String(chars)
                        chars = []
                        o.onlySections.append(try value("j", rest.isEmpty ? nil : rest))
                    default: throw .usage("invalid option -- '\(c)'")
                    }
                }
            } else {
                o.files.append(a)
            }
            i += 1
        }
        if o.files.isEmpty { o.files = ["a.out"] }
        if !(o.disassemble || o.disassembleAll || o.sectionHeaders || o.fileHeader || o.symbols || o.dynamicSymbols || o.allHeaders
             || o.privateHeaders || o.relocations) {
            throw .usage("no action given: use one of -d -D -h -f -p -r -t -T -x")
        }
        return o
    }
}

/// binutils' names for an ELF file's format and architecture.
public enum BFDNames {
    public static func format(_ h: ELFHeader) -> String {
        let bits = h.is64 ? "elf64" : "elf32"
        let le = h.bigEndian ? "big" : "little"
        switch h.machine {
        case EM.x86_64: return "elf64-x86-64"
        case EM.i386: return "elf32-i386"
        case EM.aarch64: return "\(bits)-\(le)aarch64"
        case EM.arm: return "elf32-\(le)arm"
        case EM.riscv: return "\(bits)-\(le)riscv"
        case EM.ppc64: return h.bigEndian ? "elf64-powerpc" : "elf64-powerpcle"
        case EM.ppc: return h.bigEndian ? "elf32-powerpc" : "elf32-powerpcle"
        case EM.mips: return "\(bits)-trad\(le)mips"
        default: return "\(bits)-\(le)"
        }
    }

    public static func architecture(_ h: ELFHeader) -> String {
        switch h.machine {
        case EM.x86_64: return "i386:x86-64"
        case EM.i386: return "i386"
        case EM.aarch64: return "aarch64"
        case EM.arm: return "arm"
        case EM.riscv: return h.is64 ? "riscv:rv64" : "riscv:rv32"
        case EM.ppc64: return "powerpc:common64"
        case EM.ppc: return "powerpc:common"
        case EM.mips: return "mips"
        default: return "UNKNOWN!"
        }
    }
}

/// The engine behind `sonde objdump`.
public struct ObjDump {
    public let options: ObjDumpOptions
    /// Turns a symbol name into what -C shows.
    public var demangler: (String) -> String = demangleName
    let labelCache = LabelCache()

    public init(options: ObjDumpOptions) { self.options = options }

    /// Runs over every file, writing as it goes; returns the exit status.
    public func run(write: (String) -> Void, report: (String) -> Void) -> Int32 {
        var status: Int32 = 0
        for path in options.files {
            do {
                let f = try openELF(path)
                try dump(f, path: path, write: write)
            } catch {
                report(error.message)
                status = 1
            }
        }
        return status
    }

    func dump(_ f: ELFFile, path: String, write: (String) -> Void) throws(ToolError) {
        write("\n\(path):     file format \(BFDNames.format(f.header))\n")
        if options.allHeaders { write(path + "\n") }
        if options.fileHeader || options.allHeaders { write(fileHeader(f)) }
        if options.privateHeaders || options.allHeaders {
            if !(options.fileHeader || options.allHeaders) { write("\n") }
            write(privateHeaders(f))
        }
        if options.sectionHeaders || options.allHeaders {
            if !(options.fileHeader || options.allHeaders || options.privateHeaders) { write("\n") }
            write(sectionHeaders(f))
        }
        // Each view after the first drops its leading blank line (objdump's spacing).
        var first = !(options.fileHeader || options.sectionHeaders || options.allHeaders || options.privateHeaders)
        if options.symbols || options.allHeaders {
            write(String(symbolTable(f, dynamic: false).dropFirst(first ? 0 : 1)))
            first = false
        }
        if options.dynamicSymbols {
            write(String(symbolTable(f, dynamic: true).dropFirst(first ? 0 : 1)))
            first = false
        }
        if options.relocations || (options.allHeaders && f.header.type == ET.rel) {
            // Static relocations only exist in relocatable files; -r on others prints just the spacing.
            let text = f.header.type == ET.rel ? relocationRecords(f) : ""
            write(String(text.dropFirst(first ? 0 : 1)) + "\n")
            first = false
        }
        if options.disassemble || options.disassembleAll {
            if first { write("\n") }
            try disassembly(f, write: write)
        }
    }

    // MARK: -f

    func fileHeader(_ f: ELFFile) -> String {
        let h = f.header
        var flags: UInt32 = 0
        var names: [String] = []
        let hasRelocs = f.sections.contains { $0.type == SHT.rel || $0.type == SHT.rela }
        if h.type == ET.rel && hasRelocs { flags |= 0x01; names.append("HAS_RELOC") }
        if h.type == ET.exec { flags |= 0x02; names.append("EXEC_P") }
        if f.sections.contains(where: { ($0.type == SHT.symtab || $0.type == SHT.dynsym) && $0.size > 0 }) { flags |= 0x10; names.append("HAS_SYMS") }
        if h.type == ET.dyn { flags |= 0x40; names.append("DYNAMIC") }
        if (h.type == ET.exec || h.type == ET.dyn) && !f.segments.isEmpty { flags |= 0x100; names.append("D_PAGED") }
        let hex = String(flags, radix: 16)
        var s = "architecture: \(BFDNames.architecture(h)), flags 0x\(String(repeating: "0", count: 8 - hex.count))\(hex):\n"
        s += names.joined(separator: ", ") + "\n"
        s += "start address 0x\(hexPad(h.entry, h.is64 ? 16 : 8))\n\n"
        return s
    }

    // MARK: -h

    func sectionFlags(_ f: ELFFile, _ s: ELFSection) -> [String] {
        var out: [String] = []
        let alloc = s.flags & SHF.alloc != 0
        let contents = s.type != SHT.nobits
        let load = alloc && contents
        let relocated = f.header.type == ET.rel && f.sections.contains {
            ($0.type == SHT.rel || $0.type == SHT.rela) && Int($0.info) == s.index && $0.size > 0
        }
        if contents { out.append("CONTENTS") }
        if alloc { out.append("ALLOC") }
        if load { out.append("LOAD") }
        if relocated { out.append("RELOC") }
        if s.flags & SHF.write == 0 { out.append("READONLY") }
        if s.flags & SHF.execinstr != 0 { out.append("CODE") } else if load { out.append("DATA") }
        if !alloc && (s.name.hasPrefix(".debug") || s.name.hasPrefix(".zdebug") || s.name.hasPrefix(".gnu.linkonce.wi.")
                      || s.name == ".line" || s.name.hasPrefix(".stab")) { out.append(contentsOf: ["DEBUGGING", "OCTETS"]) }
        if s.flags & SHF.exclude != 0 { out.append("EXCLUDE") }
        if s.flags & SHF.tls != 0 { out.append("THREAD_LOCAL") }
        if s.type == SHT.group { out.append("GROUP") }
        return out
    }

    /// Sections objdump lists: everything but the null section, the symbol/string/relocation tables and the group's own.
    func listedSections(_ f: ELFFile) -> [ELFSection] {
        f.sections.filter { s in
            s.index != 0 && ![SHT.symtab, SHT.strtab, SHT.rel, SHT.rela, SHT.symtabShndx].contains(s.type)
                || (s.type == SHT.strtab && s.flags & SHF.alloc != 0)
                || ((s.type == SHT.rel || s.type == SHT.rela) && s.flags & SHF.alloc != 0)
        }
    }

    func sectionHeaders(_ f: ELFFile) -> String {
        let w = f.is64 ? 16 : 8
        let listed = listedSections(f)
        // -w widens the name column to the longest name.
        let nameWidth = options.wide ? max(13, listed.map { $0.name.count }.max() ?? 0) : 13
        var s = "Sections:\nIdx " + pad("Name", nameWidth) + " Size      VMA" + String(repeating: " ", count: w - 1) + "LMA"
            + String(repeating: " ", count: w - 1) + "File off  Algn"
        if options.wide { s += "  Flags" }
        s += "\n"
        for (idx, sec) in listed.enumerated() {
            let lma = lmaOf(f, sec)
            var align = 0
            while align < 63 && (UInt64(1) << (align + 1)) <= sec.addralign { align += 1 }
            let idxText = String(idx)
            s += String(repeating: " ", count: max(0, 3 - idxText.count)) + idxText + " " + pad(sec.name, nameWidth) + " "
                + hexPad(sec.size, 8) + "  " + hexPad(sec.addr, w) + "  " + hexPad(lma, w) + "  " + hexPad(sec.offset, 8) + "  2**\(align)"
            let flags = sectionFlags(f, sec).joined(separator: ", ")
            if options.wide { s += "  " + flags + "\n" } else { s += "\n                  " + flags + "\n" }
        }
        return s
    }

    func pad(_ s: String, _ w: Int) -> String { s.count < w ? s + String(repeating: " ", count: w - s.count) : s }

    func lmaOf(_ f: ELFFile, _ s: ELFSection) -> UInt64 {
        guard s.flags & SHF.alloc != 0 else { return s.addr }
        for p in f.segments where p.type == PT.load && s.offset >= p.offset && s.offset - p.offset < max(p.filesz, 1)
            && s.addr >= p.vaddr && s.addr - p.vaddr < max(p.memsz, 1) {
            return p.paddr &+ (s.addr - p.vaddr)
        }
        return s.addr
    }

    // MARK: -p

    func privateHeaders(_ f: ELFFile) -> String {
        let w = f.is64 ? 16 : 8
        var s = ""
        if !f.segments.isEmpty {
            s += "Program Header:\n"
            for p in f.segments {
                let names: [UInt32: String] = [PT.null: "NULL", PT.load: "LOAD", PT.dynamic: "DYNAMIC", PT.interp: "INTERP", PT.note: "NOTE",
                                               PT.shlib: "SHLIB", PT.phdr: "PHDR", PT.tls: "TLS", PT.gnuEhFrame: "EH_FRAME",
                                               PT.gnuStack: "STACK", PT.gnuRelro: "RELRO", 0x6474_e554: "SFRAME"]
                let t = names[p.type] ?? "0x" + String(p.type, radix: 16)
                var align = 0
                while align < 63 && (UInt64(1) << (align + 1)) <= p.align { align += 1 }
                s += String(repeating: " ", count: max(0, 8 - t.count)) + t + " off    0x" + hexPad(p.offset, w) + " vaddr 0x" + hexPad(p.vaddr, w)
                    + " paddr 0x" + hexPad(p.paddr, w) + " align 2**\(align)\n"
                s += "         filesz 0x" + hexPad(p.filesz, w) + " memsz 0x" + hexPad(p.memsz, w) + " flags "
                    + (p.flags & 4 != 0 ? "r" : "-") + (p.flags & 2 != 0 ? "w" : "-") + (p.flags & 1 != 0 ? "x" : "-")
                s += (p.flags & ~7 != 0 ? " " + String(p.flags & ~7, radix: 16) : "") + "\n"
            }
            s += "\n"
        }
        if let dyn = try? f.dynamic() {
            s += "Dynamic Section:\n"
            let stringTags: Set<Int64> = [DT.needed, DT.soname, DT.rpath, DT.runpath, DT.auxiliary, DT.filter]
            for e in dyn.entries where e.tag != DT.null {
                let name = ELFNames.dynamicTag(e.tag, machine: f.machine)
                let value = stringTags.contains(e.tag) ? (dyn.string(e.value) ?? "0x" + hexPad(e.value, w)) : "0x" + hexPad(e.value, w)
                s += "  " + name + String(repeating: " ", count: max(1, 21 - name.count)) + value + "\n"
            }
            s += "\n"
        }
        if let vs = (try? f.symbolVersions()) ?? nil {
            if !vs.definitions.isEmpty {
                s += "Version definitions:\n"
                for d in vs.definitions {
                    s += "\(d.index) 0x" + hexPad(UInt64(d.flags), 2) + " 0x" + hexPad(UInt64(d.hash), 8) + " " + (d.names.first ?? "") + "\n"
                    for n in d.names.dropFirst() { s += "\t" + n + " \n" }
                }
                s += "\n"
            }
            if !vs.needs.isEmpty {
                s += "Version References:\n"
                for n in vs.needs {
                    s += "  required from \(n.file):\n"
                    for a in n.entries {
                        let other = String(a.other)
                        s += "    0x" + hexPad(UInt64(a.hash), 8) + " 0x" + hexPad(UInt64(a.flags), 2) + " "
                            + (other.count < 2 ? "0" + other : other) + " " + a.name + "\n"
                    }
                }
                s += "\n"
            }
        }
        return s
    }

    // MARK: -r

    func relocationRecords(_ f: ELFFile) -> String {
        let w = f.is64 ? 16 : 8
        var s = ""
        let syms = (try? f.staticSymbols()) ?? []
        for sec in f.sections where (sec.type == SHT.rel || sec.type == SHT.rela) && Int(sec.info) < f.sections.count && sec.info != 0 {
            guard let relocs = try? f.relocations(in: sec), !relocs.isEmpty else { continue }
            let target = f.sections[Int(sec.info)]
            s += "\nRELOCATION RECORDS FOR [\(target.name)]:\n"
            s += "OFFSET" + String(repeating: " ", count: w - 5) + "TYPE              VALUE\n"
            for r in relocs {
                let type = ELFNames.relocationType(r.type, machine: f.machine) ?? "unknown"
                var value = ""
                if Int(r.symbol) < syms.count && r.symbol != 0 {
                    let sym = syms[Int(r.symbol)]
                    value = sym.type == STT.section && Int(sym.shndx) < f.sections.count ? f.sections[Int(sym.shndx)].name : demangle(sym.name)
                } else {
                    value = "*ABS*"
                }
                if let a = r.addend, a != 0 {
                    value += (a < 0 ? "-0x" : "+0x") + hexPad(a < 0 ? UInt64(bitPattern: -a) : UInt64(a), w)
                }
                s += hexPad(r.offset, w) + " " + type + String(repeating: " ", count: max(1, 18 - type.count)) + value + "\n"
            }
            s += "\n"
        }
        return s
    }

    // MARK: -l, -S

    /// Interleaves source positions (-l: "function():" and "file:line") and source text (-S) as objdump does:
    /// printed when the function, file, line or discriminator changes; -S prints the lines since the last
    /// one shown from that file (the first time, up to five lines of context before).
    final class SourceAnnotator {
        let symbolizer: Symbolizer
        let functions: Bool
        let text: Bool
        let demangle: (String) -> String
        var lastFunction: String?
        var lastFile: String?
        var lastLine: UInt32 = 0
        var lastDiscriminator: UInt32 = 0
        var printed: [String: Int] = [:]
        var sources: [String: [Substring]?] = [:]

        init(symbolizer: Symbolizer, functions: Bool, text: Bool, demangle: @escaping (String) -> String) {
            self.symbolizer = symbolizer
            self.functions = functions
            self.text = text
            self.demangle = demangle
        }

        func annotate(_ address: UInt64, into out: inout TextBuffer) {
            guard let fr = symbolizer.symbolize(address).first else { return }
            if functions, let fn = fr.function, fn != lastFunction {
                out.append(demangle(fn) + "():\n")
                lastFunction = fn
            }
            guard let file = fr.file, fr.line > 0 else { return }
            if file == lastFile && fr.line == lastLine && fr.discriminator == lastDiscriminator { return }
            if functions {
                out.append(file + ":" + String(fr.line) + (fr.discriminator > 0 ? " (discriminator \(fr.discriminator))" : "") + "\n")
            }
            if text, fr.line != lastLine || file != lastFile, let lines = lines(of: file) {
                let line = Int(fr.line)
                let from: Int
                if let last = printed[file] { from = line > last ? last + 1 : line } else { from = max(1, line - 5) }
                if from >= 1 && line <= lines.count && from <= line {
                    for l in from...line { out.append(String(lines[l - 1]) + "\n") }
                }
                printed[file] = max(printed[file] ?? 0, line)
            }
            lastFile = file
            lastLine = fr.line
            lastDiscriminator = fr.discriminator
        }

        func lines(of path: String) -> [Substring]? {
            if let cached = sources[path] { return cached }
            var result: [Substring]? = nil
            if let b = try? MappedFile.open(path), let text = try? b.withUnsafeBytes(0, b.count, { String(decoding: $0, as: UTF8.self) }) {
                result = text.split(separator: "\n", omittingEmptySubsequences: false)
            }
            sources[path] = result
            return result
        }
    }

    // MARK: -t, -T

    /// Version text of a dynamic symbol as objdump prints it: "Base" for the global index,
    /// needed versions in parentheses (bfd marks them hidden), defined ones plain unless hidden.
    func dynamicVersion(_ f: ELFFile, _ sym: ELFSymbol) -> (name: String, hidden: Bool)? {
        if labelCache.versions == nil { labelCache.versions = .some((try? f.symbolVersions()) ?? nil) }
        guard let vs = labelCache.versions ?? nil, sym.index < vs.versym.count else { return nil }
        let raw = vs.versym[sym.index]
        switch raw & 0x7fff {
        case 0: return ("*local*", false)
        case 1: return ("Base", false)
        default:
            guard let v = vs.version(ofSymbol: sym.index, undefined: sym.shndx == SHN.undef) else { return nil }
            return (v.name, !v.isDefinition || v.hidden)
        }
    }

    func symbolTable(_ f: ELFFile, dynamic: Bool) -> String {
        let w = f.is64 ? 16 : 8
        var s = dynamic ? "\nDYNAMIC SYMBOL TABLE:\n" : "\nSYMBOL TABLE:\n"
        let syms = ((try? (dynamic ? f.dynamicSymbols() : f.staticSymbols())) ?? []).dropFirst()
        if syms.isEmpty { return s + "no symbols\n\n\n" }
        for sym in syms {
            let isCommon = sym.shndx == SHN.common
            let defined = sym.shndx != SHN.undef
            var flags = [Character](repeating: " ", count: 7)
            switch sym.binding {
            case STB.local: flags[0] = "l"
            case STB.global: flags[0] = defined && !isCommon ? "g" : " "
            case STB.gnuUnique: flags[0] = "u"
            default: break
            }
            if sym.binding == STB.weak { flags[1] = "w" }
            if sym.type == STT.gnuIfunc { flags[4] = "i" }
            if sym.type == STT.section || sym.type == STT.file { flags[5] = "d" } else if dynamic { flags[5] = "D" }
            switch sym.type {
            case STT.func: flags[6] = "F"
            case STT.file: flags[6] = "f"
            case STT.object, STT.common: flags[6] = "O"
            default: break
            }
            let secName: String
            switch sym.shndx {
            case SHN.undef: secName = "*UND*"
            case SHN.abs: secName = "*ABS*"
            case SHN.common: secName = "*COM*"
            default: secName = Int(sym.shndx) < f.sections.count ? f.sections[Int(sym.shndx)].name : "*ABS*"
            }
            let value = isCommon ? sym.size : sym.value
            let size = isCommon ? sym.value : sym.size
            var name = sym.type == STT.section && sym.name.isEmpty ? secName : sym.name
            name = demangle(name)
            s += hexPad(value, w) + " " + String(flags) + " " + secName + "\t" + hexPad(size, w)
            if dynamic, let v = dynamicVersion(f, sym) {
                if v.hidden {
                    s += " (" + v.name + ")" + String(repeating: " ", count: max(0, 10 - v.name.count))
                } else {
                    s += "  " + v.name + String(repeating: " ", count: max(0, 11 - v.name.count))
                }
            } else if f.sections.contains(where: { $0.type == SHT.gnuVersym }) {
                // With version tables, objdump pads an empty version column.
                s += "  " + String(repeating: " ", count: 11)
            }
            switch sym.other & 3 {
            case 1: s += " .internal"
            case 2: s += " .hidden"
            case 3: s += " .protected"
            default: if sym.other != 0 { s += " 0x" + hexPad(UInt64(sym.other), 2) }
            }
            s += " " + name + "\n"
        }
        return s + "\n\n"
    }

    // MARK: -d

    struct Label {
        var address: UInt64
        var name: String
    }

    /// Symbols objdump uses as labels in a section: functions, objects and untyped symbols, no section/file symbols.
    func labels(_ f: ELFFile, section: ELFSection) -> [Label] {
        if let cached = labelCache.bySection[section.index] { return cached }
        if labelCache.symbols == nil {
            var syms = (try? f.staticSymbols()) ?? []
            if syms.isEmpty {
                // Without .symtab objdump names code by dynamic symbols with their versions ("free@@GLIBC_2.2.5", "main@@Base").
                syms = (try? f.dynamicSymbols()) ?? []
                for i in syms.indices where syms[i].shndx != SHN.undef {
                    if let v = dynamicVersion(f, syms[i]), v.name != "*local*" { syms[i].name += (v.hidden ? "@" : "@@") + v.name }
                }
            }
            labelCache.symbols = syms
        }
        let syms = labelCache.symbols ?? []
        let mappingSymbols = f.machine == EM.arm || f.machine == EM.aarch64 || f.machine == EM.riscv
        var candidates = syms.filter {
            Int($0.shndx) == section.index && !$0.name.isEmpty && $0.type != STT.section && $0.type != STT.file
                && !(mappingSymbols && ($0.name.hasPrefix("$") || $0.name.hasPrefix(".L")))
        }
        // objdump's order among symbols at one address (compare_symbols): functions, then objects,
        // globals before weak and local, larger first, names not starting with '.', then by name.
        func rank(_ a: ELFSymbol, _ b: ELFSymbol) -> Bool {
            let af = a.type == STT.func || a.type == STT.gnuIfunc, bf = b.type == STT.func || b.type == STT.gnuIfunc
            if af != bf { return af }
            let ao = a.type == STT.object, bo = b.type == STT.object
            if ao != bo { return ao }
            let al = a.binding == STB.local, bl = b.binding == STB.local
            if al != bl { return !al }
            let ag = a.binding == STB.global, bg = b.binding == STB.global
            if ag != bg { return ag }
            if a.size != b.size { return a.size > b.size }
            let ad = a.name.hasPrefix("."), bd = b.name.hasPrefix(".")
            if ad != bd { return !ad }
            // Names compare without their version suffix; equal ones keep the table order (glibc's qsort is stable).
            let an = Array(a.name.utf8.prefix { $0 != UInt8(ascii: "@") }), bn = Array(b.name.utf8.prefix { $0 != UInt8(ascii: "@") })
            if an != bn { return an.lexicographicallyPrecedes(bn) }
            return a.index < b.index
        }
        candidates.sort { a, b in a.value != b.value ? a.value < b.value : rank(a, b) }
        var out = candidates.map { Label(address: f.machine == EM.arm ? $0.value & ~1 : $0.value, name: $0.name) }
        out += pltLabels(f, section: section)
        out.sort { $0.address < $1.address }  // stable: the best-ranked symbol stays first at each address
        var dedup: [Label] = []
        for l in out where dedup.last?.address != l.address { dedup.append(l) }
        labelCache.bySection[section.index] = dedup
        return dedup
    }

    /// x86-64 PLT entries named "sym@plt" as objdump synthesizes them: each entry's `jmp *GOT(%rip)`
    /// slot is matched with the dynamic relocation (JUMP_SLOT, GLOB_DAT) that fills it.
    func pltLabels(_ f: ELFFile, section: ELFSection) -> [Label] {
        guard f.machine == EM.x86_64, [".plt", ".plt.sec", ".plt.got"].contains(section.name),
              let data = try? f.rawData(section), let dynsyms = try? f.dynamicSymbols() else { return [] }
        var slots: [UInt64: String] = [:]
        for rs in f.sections where rs.type == SHT.rela && rs.flags & SHF.alloc != 0 {
            for r in (try? f.relocations(in: rs)) ?? [] where Int(r.symbol) < dynsyms.count {
                if r.symbol != 0 {
                    slots[r.offset] = dynsyms[Int(r.symbol)].name
                } else if let a = r.addend {
                    // IRELATIVE: no symbol, the resolver's address is the addend.
                    slots[r.offset] = "*ABS*+0x" + String(UInt64(bitPattern: a), radix: 16)
                }
            }
        }
        if slots.isEmpty { return [] }
        let entry = section.entsize > 0 ? Int(clamping: section.entsize) : 16
        var out: [Label] = []
        var seen = Set<Int>()
        var i = 0
        while i + 6 <= data.count {
            if (try? data.u8(i)) == 0xff, (try? data.u8(i + 1)) == 0x25, let disp = try? data.u32(i + 2) {
                let start = i / entry * entry
                let got = section.addr &+ UInt64(i + 6) &+ UInt64(bitPattern: Int64(Int32(bitPattern: disp)))
                if !seen.contains(start), let name = slots[got] {
                    out.append(Label(address: section.addr &+ UInt64(start), name: name + "@plt"))
                    seen.insert(start)
                }
            }
            i += 1
        }
        return out
    }

    /// Symbols read once per file and labels per section, built on first use.
    final class LabelCache {
        var symbols: [ELFSymbol]?
        var bySection: [Int: [Label]] = [:]
        var versions: SymbolVersions??
    }

    /// ARM: which ranges are Thumb code, from $t/$a mapping symbols (or odd function addresses).
    func thumbRanges(_ f: ELFFile, section: ELFSection) -> [(UInt64, Bool)] {
        guard f.machine == EM.arm else { return [] }
        let syms = ((try? f.staticSymbols()) ?? []).filter { Int($0.shndx) == section.index }
        var marks: [(UInt64, Bool)] = []
        for s in syms {
            if s.name == "$t" || s.name.hasPrefix("$t.") { marks.append((s.value, true)) }
            else if s.name == "$a" || s.name.hasPrefix("$a.") || s.name == "$d" || s.name.hasPrefix("$d.") { marks.append((s.value, false)) }
            else if s.type == STT.func { marks.append((s.value & ~1, s.value & 1 == 1)) }
        }
        return marks.sorted { $0.0 < $1.0 }
    }

    func disassembly(_ f: ELFFile, write: (String) -> Void) throws(ToolError) {
        guard let isa = ISA(elfMachine: f.machine, is64: f.is64) else {
            throw ToolError("can't disassemble for architecture \(BFDNames.architecture(f.header))")
        }
        let secs = f.sections.filter { s in
            guard s.type != SHT.nobits, s.size > 0, s.index != 0 else { return false }
            if !options.onlySections.isEmpty { return options.onlySections.contains(s.name) }
            return options.disassembleAll ? s.flags & SHF.alloc != 0 : s.flags & SHF.execinstr != 0
        }
        var disassemblers: [Bool: Disassembler] = [:]
        func disassembler(thumb: Bool) throws(ToolError) -> Disassembler {
            if let d = disassemblers[thumb] { return d }
            do {
                let d = try Disassembler(thumb ? .thumb : isa, bigEndian: f.header.bigEndian)
                disassemblers[thumb] = d
                return d
            } catch { throw ToolError("\(error)") }
        }
        let addrWidth = f.is64 ? 16 : 8
        let source = options.lineNumbers || options.source
            ? SourceAnnotator(symbolizer: Symbolizer(file: f), functions: options.lineNumbers, text: options.source, demangle: demangle) : nil
        for sec in secs {
            var lo = sec.addr, hi = sec.addr &+ sec.size
            if let s = options.startAddress { lo = max(lo, s) }
            if let e = options.stopAddress { hi = min(hi, e) }
            if lo >= hi { continue }
            let data: Bytes
            do { data = try f.rawData(sec) } catch { throw ToolError("\(error)") }
            write("\nDisassembly of section \(sec.name):\n")
            let labs = labels(f, section: sec)
            let thumbs = thumbRanges(f, section: sec)
            // Address column: leading groups of four zeros of the section's end address are dropped, then zeros become spaces.
            let endText = hexPad(sec.addr &+ sec.size, addrWidth)
            var skip = 0
            let endChars = Array(endText)
            while skip + 4 < endChars.count && endChars[skip..<(skip + 5)].allSatisfy({ $0 == "0" }) { skip += 4 }
            let columnWidth = addrWidth - skip
            func addressColumn(_ a: UInt64, _ out: inout TextBuffer) {
                var n = 1
                while n < 16 && a >> (4 * UInt64(n)) != 0 { n += 1 }
                out.append(UInt8(ascii: " "), count: columnWidth - n)
                out.appendHex(a, width: n)
            }
            // Split at labels (and ARM mode changes) so each run is decoded from its start.
            var cuts = Set(labs.map(\.address).filter { $0 > lo && $0 < hi })
            for (a, _) in thumbs where a > lo && a < hi { cuts.insert(a) }
            let bounds = [lo] + cuts.sorted() + [hi]
            for k in 0..<(bounds.count - 1) {
                let start = bounds[k], end = bounds[k + 1]
                if let l = lastLabel(atOrBefore: start, labs), l.address == start {
                    write("\n\(hexPad(start, addrWidth)) <\(demangle(l.name))>:\n")
                } else if k == 0 {
                    write("\n\(hexPad(start, addrWidth)) <\(labelText(start, labs, section: sec))>:\n")
                }
                let thumb = thumbs.last(where: { $0.0 <= start })?.1 ?? false
                let bytes: [UInt8]
                do { bytes = try data.array(Int(start - sec.addr), Int(end - start)) } catch { throw ToolError("\(error)") }
                let d = try disassembler(thumb: thumb)
                let unit = isa == .x86_64 || isa == .i386 ? 1 : (thumb ? 2 : 4)
                var out = TextBuffer()
                d.disassemble(bytes, address: start, unit: unit) { insn in
                    if let src = source { src.annotate(insn.address, into: &out) }
                    line(insn, isa: isa, thumb: thumb, f: f, labs: labs, sec: sec, addressColumn: addressColumn, into: &out)
                    if out.count > 1 << 16 { write(out.flush()) }
                }
                write(out.flush())
            }
        }
    }

    /// Binary search: the last label at or below `a`.
    func lastLabel(atOrBefore a: UInt64, _ labs: [Label]) -> Label? {
        var lo = 0, hi = labs.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if labs[mid].address <= a { lo = mid + 1 } else { hi = mid }
        }
        return lo > 0 ? labs[lo - 1] : nil
    }

    func labelText(_ a: UInt64, _ labs: [Label], section: ELFSection) -> String {
        if let l = lastLabel(atOrBefore: a, labs) {
            return a == l.address ? demangle(l.name) : "\(demangle(l.name))+0x\(String(a - l.address, radix: 16))"
        }
        if let next = labs.first { return "\(demangle(next.name))-0x\(String(next.address - a, radix: 16))" }
        return a == section.addr ? section.name : "\(section.name)+0x\(String(a - section.addr, radix: 16))"
    }

    func demangle(_ s: String) -> String { options.demangle ? demangler(s) : s }

    /// One instruction in objdump's layout: address, raw bytes (7 per line on x86, words elsewhere), text.
    func line(_ insn: Instruction, isa: ISA, thumb: Bool, f: ELFFile, labs: [Label], sec: ELFSection,
              addressColumn: (UInt64, inout TextBuffer) -> Void, into out: inout TextBuffer) {
        let text = instructionText(insn, isa: isa, f: f, labs: labs, sec: sec)
        let colon = UInt8(ascii: ":"), tab = UInt8(ascii: "\t"), space = UInt8(ascii: " "), newline = UInt8(ascii: "\n")
        switch isa {
        case .x86_64, .i386:
            let perLine = 7
            var i = 0
            var first = true
            while first || i < insn.bytes.count {
                let n = min(perLine, insn.bytes.count - i)
                addressColumn(insn.address &+ UInt64(i), &out)
                out.append(byte: colon)
                out.append(byte: tab)
                if options.showRawInsn {
                    for k in i..<(i + n) {
                        out.appendHex(UInt64(insn.bytes[k]), width: 2)
                        out.append(byte: space)
                    }
                    if first { out.append(space, count: (perLine - n) * 3) }
                }
                if first {
                    out.append(byte: tab)
                    out.append(text)
                }
                out.append(byte: newline)
                i += n
                first = false
                if !options.showRawInsn || options.wide { break }
            }
        default:
            // Words (4 bytes) or Thumb halfwords, printed as numbers in the file's byte order.
            addressColumn(insn.address, &out)
            out.append(byte: colon)
            out.append(byte: tab)
            if options.showRawInsn {
                let unit = thumb ? 2 : 4
                var i = 0
                while i + unit <= insn.bytes.count {
                    var v: UInt64 = 0
                    for j in 0..<unit { v = v << 8 | UInt64(insn.bytes[i + (f.header.bigEndian ? j : unit - 1 - j)]) }
                    out.appendHex(v, width: unit * 2)
                    out.append(byte: space)
                    i += unit
                }
                if thumb && insn.bytes.count == 2 { out.append(space, count: 5) }
                out.append(byte: tab)
            }
            out.append(text)
            out.append(byte: newline)
        }
    }

    /// Capstone's text rewritten in objdump's conventions where they differ mechanically.
    func instructionText(_ insn: Instruction, isa: ISA, f: ELFFile, labs: [Label], sec: ELFSection) -> String {
        if insn.mnemonic == "(bad)" { return "(bad)" }
        switch isa {
        case .x86_64, .i386:
            var m = insn.mnemonic
            // Capstone 4 spells the 64-bit defaults with a q suffix that objdump omits.
            if ["callq", "retq", "pushq", "popq", "jmpq", "leaveq"].contains(m) { m.removeLast() }
            // Capstone always adds the operand-size suffix; objdump only when no register operand gives the size.
            if let last = m.last, "bwlq".contains(last), Self.suffixed.contains(String(m.dropLast())), hasRegisterOperand(insn.operands) {
                m.removeLast()
            }
            var ops = x86Operands(insn.operands)
            var comment = ""
            if isBranch(m), let target = parseHex(ops) {
                ops = String(target, radix: 16) + " <" + symbolize(target, f: f, labs: labs, sec: sec) + ">"
            } else if let disp = ripDisplacement(ops) {
                // RIP-relative: objdump adds the absolute address and its symbol as a comment.
                let next = insn.address &+ UInt64(insn.bytes.count)
                let target = UInt64(bitPattern: Int64(bitPattern: next) &+ disp)
                comment = "        # " + String(target, radix: 16) + " <" + symbolize(target, f: f, labs: labs, sec: sec) + ">"
            }
            if ops.isEmpty { return m }
            return m + String(repeating: " ", count: max(0, 6 - m.count)) + " " + ops + comment
        case .aarch64:
            if insn.operands.isEmpty { return insn.mnemonic }
            let branches: Set<String> = ["b", "bl", "cbz", "cbnz", "tbz", "tbnz", "adr", "adrp"]
            if branches.contains(insn.mnemonic) || insn.mnemonic.hasPrefix("b.") {
                // The last operand is the target: objdump prints "ADDR <sym+off>".
                var parts = insn.operands.split(separator: ",").map { $0.hasPrefix(" ") ? String($0.dropFirst()) : String($0) }
                if let last = parts.last, last.hasPrefix("#"),
                   let target = last.hasPrefix("#0x") ? UInt64(last.dropFirst(3), radix: 16) : UInt64(last.dropFirst()) {
                    parts[parts.count - 1] = String(target, radix: 16) + " <" + symbolize(target, f: f, labs: labs, sec: sec) + ">"
                    return insn.mnemonic + "\t" + aarch64Operands(parts.dropLast().joined(separator: ", ")) + (parts.count > 1 ? ", " : "") + parts[parts.count - 1]
                }
            }
            return insn.mnemonic + "\t" + aarch64Operands(insn.operands)
        default:
            return insn.operands.isEmpty ? insn.mnemonic : insn.mnemonic + "\t" + insn.operands
        }
    }

    /// AArch64 immediates as objdump prints them: hex, except shift amounts and memory offsets (decimal).
    func aarch64Operands(_ s: String) -> String {
        var out = ""
        var prevWord = ""
        var word = ""
        var inMemory = false
        var afterMemory = false
        let u = Array(s)
        var i = 0
        while i < u.count {
            let c = u[i]
            if c == "[" { inMemory = true } else if c == "]" { inMemory = false; afterMemory = true }
            if c == "#" {
                var j = i + 1
                var neg = false
                if j < u.count && u[j] == "-" { neg = true; j += 1 }
                var k = j
                var value: UInt64?
                if k + 1 < u.count && u[k] == "0" && u[k + 1] == "x" {
                    k += 2
                    while k < u.count && u[k].isHexDigit { k += 1 }
                    value = UInt64(String(u[(j + 2)..<k]), radix: 16)
                } else {
                    while k < u.count && u[k].isNumber { k += 1 }
                    value = UInt64(String(u[j..<k]))
                }
                if let v = value, k < u.count ? (u[k] == "," || u[k] == "]" || u[k] == " " || u[k] == "!") : true {
                    let isShift = ["lsl", "lsr", "asr", "ror", "msl", "uxtw", "sxtw", "uxtx", "sxtx", "uxtb", "uxth", "sxtb", "sxth", "mul"].contains(prevWord)
                    let decimal = isShift || inMemory || afterMemory
                    out += "#" + (neg ? "-" : "") + (decimal ? String(v) : "0x" + String(v, radix: 16))
                    i = k
                    continue
                }
            }
            if c.isLetter || c.isNumber { word.append(c) } else if !word.isEmpty { prevWord = word; word = "" }
            out.append(c)
            i += 1
        }
        return out
    }

    /// The displacement of a "disp(%rip)" operand.
    func ripDisplacement(_ ops: String) -> Int64? {
        let u = Array(ops.utf8)
        let pattern = Array("(%rip)".utf8)
        guard u.count >= pattern.count else { return nil }
        for at in 0...(u.count - pattern.count) where Array(u[at..<(at + pattern.count)]) == pattern {
            var start = at
            while start > 0 && u[start - 1] != UInt8(ascii: ",") && u[start - 1] != UInt8(ascii: "*") && u[start - 1] != UInt8(ascii: " ") {
                start -= 1
            }
            return parseSignedHex(String(decoding: u[start..<at], as: UTF8.self))
        }
        return nil
    }

    static let suffixed: Set<String> = ["add", "sub", "and", "or", "xor", "cmp", "test", "mov", "lea", "inc", "dec", "neg", "not",
                                        "shl", "shr", "sar", "sal", "rol", "ror", "rcl", "rcr", "adc", "sbb", "imul", "mul", "div",
                                        "idiv", "push", "pop", "xchg", "bt", "bts", "btr", "btc", "cmpxchg", "xadd", "bsf", "bsr",
                                        "shld", "shrd", "cmov", "tzcnt", "lzcnt", "popcnt", "andn", "movbe", "crc32"]

    /// Whether an AT&T operand list names a register outside a memory reference.
    func hasRegisterOperand(_ ops: String) -> Bool {
        var depth = 0
        for c in ops.utf8 {
            if c == UInt8(ascii: "(") { depth += 1 } else if c == UInt8(ascii: ")") { depth -= 1 }
            else if c == UInt8(ascii: "%") && depth == 0 { return true }
        }
        return false
    }

    func isBranch(_ m: String) -> Bool {
        m.hasPrefix("j") || m == "call" || m.hasPrefix("loop") || m == "jrcxz" || m == "xbegin"
    }

    /// "$8, %rsp" → "$0x8,%rsp", "8(%rax)" → "0x8(%rax)" (objdump prints numbers in hex, no space after commas).
    func x86Operands(_ s: String) -> String {
        let u = Array(s.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(u.count + 8)
        func isDigit(_ c: UInt8) -> Bool { c >= 48 && c <= 57 }
        func appendHex(_ v: UInt64) {
            out.append(contentsOf: [UInt8(ascii: "0"), UInt8(ascii: "x")])
            out.append(contentsOf: Array(String(v, radix: 16).utf8))
        }
        var i = 0
        while i < u.count {
            let c = u[i]
            if c == UInt8(ascii: ",") && i + 1 < u.count && u[i + 1] == UInt8(ascii: " ") {
                out.append(c)
                i += 2
                continue
            }
            let prev = out.last
            let startsOperand = prev == nil || prev == UInt8(ascii: ",") || prev == UInt8(ascii: ":") || prev == UInt8(ascii: "*")
            if (c == UInt8(ascii: "-") || isDigit(c)) && startsOperand {
                // A decimal displacement "8(%rax)" / "-8(%rbp)".
                var j = c == UInt8(ascii: "-") ? i + 1 : i
                let digitsStart = j
                while j < u.count && isDigit(u[j]) { j += 1 }
                if j > digitsStart && j < u.count && u[j] == UInt8(ascii: "("), let v = UInt64(String(decoding: u[digitsStart..<j], as: UTF8.self)) {
                    if c == UInt8(ascii: "-") { out.append(c) }
                    appendHex(v)
                    i = j
                    continue
                }
            }
            if c == UInt8(ascii: "$") {
                var j = i + 1
                let neg = j < u.count && u[j] == UInt8(ascii: "-")
                if neg { j += 1 }
                let digitsStart = j
                while j < u.count && isDigit(u[j]) { j += 1 }
                let isHex = j < u.count && u[j] == UInt8(ascii: "x")
                if j > digitsStart && !isHex, let v = UInt64(String(decoding: u[digitsStart..<j], as: UTF8.self)) {
                    out.append(c)
                    appendHex(neg ? UInt64(bitPattern: -Int64(bitPattern: v)) : v)
                    i = j
                    continue
                }
            }
            out.append(c)
            i += 1
        }
        return String(decoding: out, as: UTF8.self)
    }

    func parseHex(_ s: String) -> UInt64? {
        guard s.hasPrefix("0x") else { return nil }
        return UInt64(s.dropFirst(2), radix: 16)
    }

    func parseSignedHex(_ s: String) -> Int64? {
        if s.hasPrefix("-0x") { return UInt64(s.dropFirst(3), radix: 16).map { -Int64(bitPattern: $0) } }
        if s.hasPrefix("0x") { return UInt64(s.dropFirst(2), radix: 16).map { Int64(bitPattern: $0) } }
        return s.isEmpty ? nil : Int64(s)
    }

    /// "sym+0xoff" for an address anywhere in the file (the section's labels first, then all symbols).
    func symbolize(_ a: UInt64, f: ELFFile, labs: [Label], sec: ELFSection) -> String {
        if a >= sec.addr && a < sec.addr &+ sec.size { return labelText(a, labs, section: sec) }
        if let other = f.sections.first(where: { $0.flags & SHF.alloc != 0 && a >= $0.addr && a < $0.addr &+ $0.size && $0.type != SHT.nobits || ($0.type == SHT.nobits && a >= $0.addr && a < $0.addr &+ $0.size) }) {
            return labelText(a, labels(f, section: other), section: other)
        }
        return labelText(a, labs, section: sec)
    }
}

func hexPad(_ v: UInt64, _ width: Int) -> String {
    let h = String(v, radix: 16)
    return h.count >= width ? h : String(repeating: "0", count: width - h.count) + h
}

func hex2(_ b: UInt8) -> String {
    let digits: [Character] = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "a", "b", "c", "d", "e", "f"]
    return String([digits[Int(b >> 4)], digits[Int(b & 15)]])
}
