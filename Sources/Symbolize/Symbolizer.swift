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
            // Swift and clang -gmodules emit a skeleton unit per imported module per unit, naming a
            // .pcm that is rarely present: remember the names that were not found (thousands of
            // skeletons share a few dozen names), so each costs its access() probes once.
            let missing = MissingDWOs()
            d.dwoLoader = { name, compDir in
                let key = MissingDWOs.Key(name: name, compDir: compDir)
                if missing.names.contains(key) { return nil }
                let f = Self.loadDWO(name: name, compDir: compDir, objectPath: objectPath)
                if f == nil { missing.names.insert(key) }
                return f
            }
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
            // Objects (.o) carry their DWARF's cross-section offsets and addresses as relocations.
            return try? (f.header.type == ET.rel ? f.relocatedData(s) : f.data(s))
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
        for c in candidates where access(c, R_OK) == 0 {
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
            if let r = d.lookup(pc, sectionIndex: dsec.index, sectionAddress: dsec.addr) { return r }
        }
        if let r = mainSymbols.lookup(pc, sectionIndex: section.index, sectionAddress: section.addr) { return r }
        if mainSymbols.isEmpty, let m = miniDebugSymbols,
           let msec = m.file.sections.first(where: { $0.name == section.name }) {
            return m.lookup(pc, sectionIndex: msec.index, sectionAddress: msec.addr)
        }
        return nil
    }
}

/// Split-DWARF files looked for and not found (see `Symbolizer.init`).
final class MissingDWOs: @unchecked Sendable {
    struct Key: Hashable { var name: String; var compDir: String? }
    var names: Set<Key> = []
}

/// binutils' `_bfd_elf_find_function` over one file's symbols (.symtab, else .dynsym), indexed:
/// the closest function-like symbol at or below the address in the same section (sizes only break
/// ties), and the STT_FILE name before it when binutils would use it.
final class FunctionSymbols: @unchecked Sendable {
    struct Candidate { var value: UInt64; var size: UInt64; var order: Int32; var isFunc: Bool; var isNotype: Bool; var name: UInt32; var file: Int64 }
    let file: ELFFile
    private var bySection: [Int: [Candidate]] = [:]
    private var strtab = Bytes.empty
    let isEmpty: Bool

    /// Reads the symbol table raw (names stay offsets until a lookup returns one): a big binary
    /// has hundreds of thousands of symbols and only a few are ever printed.
    init(_ f: ELFFile) {
        file = f
        var table = f.sections.first { $0.type == SHT.symtab && $0.size > 0 }
        let entsize = f.is64 ? 24 : 16
        if table == nil || table!.size < UInt64(2 * entsize) { table = f.sections.first { $0.type == SHT.dynsym } }
        guard let t = table, let data = try? f.rawData(t), data.count >= 2 * entsize else { isEmpty = true; return }
        isEmpty = false
        if Int(t.link) < f.sections.count, let st = try? f.rawData(f.sections[Int(t.link)]) { strtab = st }
        var fileName: Int64 = -1
        var state = 0 // 0 nothing seen, 1 symbol seen, 2 file after symbol seen
        // Candidates in symbol order with their section; then grouped by section (stable) and each
        // group sorted by value (stable: equal values keep symbol order).
        var all: [Candidate] = []
        var sectionOf: [UInt16] = []
        let n = data.count / entsize
        all.reserveCapacity(n)
        sectionOf.reserveCapacity(n)
        let is64 = f.is64, big = data.bigEndian
        _ = try? data.withUnsafeBytes(0, n * entsize) { buf in
            let p = buf.baseAddress!
            @inline(__always) func u16(_ o: Int) -> UInt16 { let v = p.loadUnaligned(fromByteOffset: o, as: UInt16.self); return big ? v.byteSwapped : v }
            @inline(__always) func u32(_ o: Int) -> UInt32 { let v = p.loadUnaligned(fromByteOffset: o, as: UInt32.self); return big ? v.byteSwapped : v }
            @inline(__always) func u64(_ o: Int) -> UInt64 { let v = p.loadUnaligned(fromByteOffset: o, as: UInt64.self); return big ? v.byteSwapped : v }
            for i in 1..<n {
                let o = i * entsize
                let name = u32(o)
                let info: UInt8, other: UInt8, shndx: UInt16, value: UInt64, size: UInt64
                if is64 {
                    info = p.load(fromByteOffset: o + 4, as: UInt8.self); other = p.load(fromByteOffset: o + 5, as: UInt8.self)
                    shndx = u16(o + 6); value = u64(o + 8); size = u64(o + 16)
                } else {
                    value = UInt64(u32(o + 4)); size = UInt64(u32(o + 8))
                    info = p.load(fromByteOffset: o + 12, as: UInt8.self); other = p.load(fromByteOffset: o + 13, as: UInt8.self)
                    shndx = u16(o + 14)
                }
                let type = info & 0xf, binding = info >> 4
                if type == STT.file {
                    fileName = Int64(name)
                    if state == 1 { state = 2 }
                    continue
                }
                if state == 0 { state = 1 }
                // maybe_function_sym: no section, file, object, TLS symbols; must be in a real section.
                if type == STT.section || type == STT.object || type == STT.tls || type == STT.common { continue }
                if shndx == SHN.undef || shndx >= SHN.loreserve { continue }
                let local = binding == STB.local
                if size == 0 && local && type == STT.notype && other & 3 == 2 { continue }
                let fname = (fileName >= 0 && (local || state != 2)) ? fileName : -1
                all.append(Candidate(value: value, size: size == 0 ? 1 : size, order: Int32(i),
                                     isFunc: type == STT.func || type == STT.gnuIfunc, isNotype: type == STT.notype, name: name, file: fname))
                sectionOf.append(shndx)
            }
        }
        var counts: [Int: Int] = [:]
        var last: UInt16 = 0, run = 0
        for x in sectionOf {
            if x == last { run += 1; continue }
            if run > 0 { counts[Int(last), default: 0] += run }
            last = x
            run = 1
        }
        if run > 0 { counts[Int(last), default: 0] += run }
        var lists: [Int: [Candidate]] = [:]
        if counts.count == 1, let k = counts.keys.first {
            lists[k] = all
        } else {
            for (k, c) in counts { var a: [Candidate] = []; a.reserveCapacity(c); lists[k] = a }
            for (i, c) in all.enumerated() { lists[Int(sectionOf[i])]!.append(c) }
        }
        // Candidates were appended in symbol order: a stable sort by value orders them by (value, order).
        for k in lists.keys { lists[k]!.stableSort { $0.value } }
        bySection = lists
    }

    func lookup(_ pc: UInt64, sectionIndex: Int, sectionAddress: UInt64 = 0) -> (name: String, file: String?, value: UInt64)? {
        guard let list = bySection[sectionIndex] else { return nil }
        var lo = 0, hi = list.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if list[mid].value <= pc { lo = mid + 1 } else { hi = mid }
        }
        guard lo > 0 else { return nil }
        let v = list[lo - 1].value
        // bfd keeps symbol values relative to their section: one below the section start never fits.
        guard v >= sectionAddress else { return nil }
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
        let name = (try? strtab.cString(Int(best.name))) ?? ""
        let file = best.file >= 0 ? (try? strtab.cString(Int(best.file))) : nil
        return (name, file, best.value)
    }
}
