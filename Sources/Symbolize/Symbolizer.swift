import Bytes
import DWARF
import ELF
import Glibc

/// One frame of a symbolized address. `function`/`file` nil mean unknown ("??"), line 0 unknown.
public struct Frame: Sendable, Equatable {
    public var function: String?
    public var file: String?
    public var line: UInt32
    public var column: UInt32
    public var discriminator: UInt32
    /// This frame was inlined into the next one.
    public var inlined: Bool

    public init(function: String?, file: String?, line: UInt32, column: UInt32 = 0, discriminator: UInt32 = 0, inlined: Bool = false) {
        self.function = function
        self.file = file
        self.line = line
        self.column = column
        self.discriminator = discriminator
        self.inlined = inlined
    }
}

/// Address → function, file, line and inline chain for one ELF file, with binutils addr2line's
/// rules: DWARF first (from the file or its separate debug file), ELF symbols for names DWARF does
/// not give as linkage names and for addresses DWARF does not know. Everything is built lazily
/// and cached, so a Symbolizer should be kept for many lookups.
public final class Symbolizer: @unchecked Sendable {
    /// The file whose addresses are looked up.
    public let file: ELFFile
    /// The separate debug file found through build-id or .gnu_debuglink, if any.
    public let debugFile: ELFFile?
    /// How the debug file was found ("build-id", "debuglink"), for diagnostics.
    public let debugFileSource: String?
    /// The DWARF used (from `debugFile` when there is one), nil when there is none.
    public let dwarf: DWARFFile?
    private let debugDirectories: [String]
    private var renamed: [Int: String] = [:]
    private var settled: Set<Int> = []
    private lazy var mainSymbols = FunctionSymbols(file)
    private lazy var debugSymbols: FunctionSymbols? = debugFile.map { FunctionSymbols($0) }
    private lazy var miniDebugSymbols: FunctionSymbols? = Self.miniDebugInfo(file).map { FunctionSymbols($0) }

    public convenience init(path: String, debugDirectories: [String] = ["/usr/lib/debug"]) throws {
        try self.init(file: ELFFile(path: path), debugDirectories: debugDirectories)
    }

    public init(file: ELFFile, debugDirectories: [String] = ["/usr/lib/debug"]) {
        self.file = file
        self.debugDirectories = debugDirectories
        var dbg: ELFFile? = nil
        var source: String? = nil
        if !Self.hasDWARF(file) {
            if let (f, s) = DebugFileLocator(file: file, directories: debugDirectories).find() { dbg = f; source = s }
        }
        self.debugFile = dbg
        self.debugFileSource = source
        let src = dbg ?? file
        if Self.hasDWARF(src) {
            let d = DWARFFile(Self.sections(of: src, dwo: false))
            let objectPath = file.path
            d.dwoLoader = { name, compDir in Self.loadDWO(name: name, compDir: compDir, objectPath: objectPath) }
            dwarf = d
        } else {
            dwarf = nil
        }
    }

    static func hasDWARF(_ f: ELFFile) -> Bool {
        f.sections.contains { ($0.name == ".debug_info" || $0.name == ".zdebug_info") && $0.type != SHT.nobits && $0.size > 0 }
    }

    /// The DWARF sections of an ELF file (decompressed).
    public static func sections(of f: ELFFile, dwo: Bool) -> DWARFSections {
        DWARFSections(dwo: dwo, bigEndian: f.header.bigEndian) { name in
            guard let s = f.section(named: name) ?? f.section(named: ".z" + name.dropFirst()), s.type != SHT.nobits else { return nil }
            return try? f.data(s)
        }
    }

    static func loadDWO(name: String, compDir: String?, objectPath: String?) -> DWARFFile? {
        var candidates: [String] = []
        if name.hasPrefix("/") { candidates.append(name) } else if let d = compDir { candidates.append(d + "/" + name) }
        if let p = objectPath {
            let dir = p.contains("/") ? String(p[..<p.lastIndex(of: "/")!]) : "."
            candidates.append(dir + "/" + (name.split(separator: "/").last.map(String.init) ?? name))
        }
        if !name.hasPrefix("/") { candidates.append(name) }
        for c in candidates {
            guard let f = try? ELFFile(path: c) else { continue }
            return DWARFFile(sections(of: f, dwo: true))
        }
        return nil
    }

    /// The xz-compressed ELF of .gnu_debugdata (MiniDebugInfo), whose .symtab names local functions.
    static func miniDebugInfo(_ f: ELFFile) -> ELFFile? {
        guard let s = f.section(named: ".gnu_debugdata"), let raw = try? f.rawData(s), let bytes = try? Decompress.xz(raw) else { return nil }
        return try? ELFFile(bytes: bytes)
    }

    /// The first allocated section holding `address` (binutils' section walk).
    public func section(containing address: UInt64) -> ELFSection? {
        file.sections.first { $0.isAlloc && $0.size > 0 && address >= $0.addr && address - $0.addr < $0.size }
    }

    /// Frames for `address`, innermost first; empty when nothing is known (addr2line's "??").
    /// With `section`, the address is an offset into that section (addr2line -j).
    public func symbolize(_ address: UInt64, inSection sec: ELFSection? = nil) -> [Frame] {
        var pc = address
        let section: ELFSection
        if let sec {
            guard address < sec.size else { return [] }
            pc = sec.addr &+ address
            section = sec
        } else {
            guard let s = self.section(containing: address) else { return [] }
            section = s
        }
        if let d = dwarf, let frames = d.frames(at: pc) {
            var out = frames.map { f in
                Frame(function: f.functionOffset.flatMap { renamed[$0] } ?? f.function, file: f.file, line: f.line, column: f.column,
                      discriminator: f.discriminator, inlined: f.inlined)
            }
            let first = frames[0]
            if let off = first.functionOffset {
                // binutils 2.40: the first time a function whose DWARF name is not a linkage name is
                // found, the covering ELF symbol's name is printed instead; the DWARF name is replaced for
                // good only when that symbol starts exactly at the function. Later lookups print the
                // (possibly replaced) DWARF name. Answers therefore depend on the order of queries.
                if !first.functionIsLinkage && renamed[off] == nil && !settled.contains(off) {
                    if let s = functionSymbol(pc, section: section, preferDebug: true) {
                        out[0].function = s.name
                        if out[0].file == nil { out[0].file = s.file }
                        if s.value == first.functionLow { renamed[off] = s.name }
                    }
                    settled.insert(off)
                }
            } else if let s = functionSymbol(pc, section: section, preferDebug: true) {
                out[0].function = s.name
                if out[0].file == nil { out[0].file = s.file }
            }
            return out
        }
        if let s = functionSymbol(pc, section: section, preferDebug: dwarf != nil) {
            return [Frame(function: s.name, file: s.file, line: 0)]
        }
        return []
    }

    private func functionSymbol(_ pc: UInt64, section: ELFSection, preferDebug: Bool) -> (name: String, file: String?, value: UInt64)? {
        if preferDebug, let d = debugSymbols, let dsec = d.file.sections.indices.contains(section.index) ? d.file.sections[section.index] : nil,
           dsec.name == section.name {
            if let r = d.lookup(pc, sectionIndex: dsec.index) { return r }
        }
        if let r = mainSymbols.lookup(pc, sectionIndex: section.index) { return r }
        if mainSymbols.isEmpty, let m = miniDebugSymbols,
           let msec = m.file.sections.first(where: { $0.name == section.name }) {
            return m.lookup(pc, sectionIndex: msec.index)
        }
        return nil
    }
}

/// binutils' `_bfd_elf_find_function` over one file's symbols (.symtab, else .dynsym), indexed:
/// the closest function-like symbol at or below the address in the same section (sizes only break
/// ties), and the STT_FILE name before it when binutils would use it.
final class FunctionSymbols: @unchecked Sendable {
    struct Candidate { var value: UInt64; var size: UInt64; var order: Int32; var isFunc: Bool; var isNotype: Bool; var name: String; var file: String? }
    let file: ELFFile
    private var bySection: [Int: [Candidate]] = [:]
    let isEmpty: Bool

    init(_ f: ELFFile) {
        file = f
        var syms = (try? f.staticSymbols()) ?? []
        if syms.count <= 1 { syms = (try? f.dynamicSymbols()) ?? [] }
        isEmpty = syms.count <= 1
        var fileName: String? = nil
        var state = 0 // 0 nothing seen, 1 symbol seen, 2 file after symbol seen
        for (i, s) in syms.enumerated() where i > 0 {
            if s.type == STT.file {
                fileName = s.name
                if state == 1 { state = 2 }
                continue
            }
            if state == 0 { state = 1 }
            // maybe_function_sym: no section, file, object, TLS symbols; must be in a real section.
            if s.type == STT.section || s.type == STT.object || s.type == STT.tls || s.type == STT.common { continue }
            if s.shndx == SHN.undef || s.shndx >= SHN.loreserve { continue }
            let local = s.binding == STB.local
            if s.size == 0 && local && s.type == STT.notype && s.visibility == 2 { continue }
            let fname = (fileName != nil && (local || state != 2)) ? fileName : nil
            bySection[Int(s.shndx), default: []].append(Candidate(value: s.value, size: s.size == 0 ? 1 : s.size, order: Int32(i),
                                                                   isFunc: s.type == STT.func || s.type == STT.gnuIfunc,
                                                                   isNotype: s.type == STT.notype, name: s.name, file: fname))
        }
        for k in bySection.keys { bySection[k]!.sort { $0.value != $1.value ? $0.value < $1.value : $0.order < $1.order } }
    }

    func lookup(_ pc: UInt64, sectionIndex: Int) -> (name: String, file: String?, value: UInt64)? {
        guard let list = bySection[sectionIndex] else { return nil }
        var lo = 0, hi = list.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if list[mid].value <= pc { lo = mid + 1 } else { hi = mid }
        }
        guard lo > 0 else { return nil }
        let v = list[lo - 1].value
        var i = lo - 1
        while i > 0 && list[i - 1].value == v { i -= 1 }
        var best = list[i]
        i += 1
        while i < lo {
            let c = list[i]
            i += 1
            if best.value &+ best.size <= pc {
                if c.size > best.size { best = c }
                continue
            }
            if c.value &+ c.size <= pc { continue }
            if best.isFunc && !c.isFunc { continue }
            if c.isFunc && !best.isFunc { best = c; continue }
            if best.isNotype && !c.isNotype { best = c; continue }
            if !best.isNotype && c.isNotype { continue }
            if c.size < best.size { best = c }
        }
        return (best.name, best.file, best.value)
    }
}
