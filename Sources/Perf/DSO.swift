import ProcFS
import Bytes
import Demangle
import Debug
import ELF
import Glibc
import Symbolize
import Unwind

/// A function as reports show it: interned once per object, compared by identity.
public final class Symbol {
    public let name: String
    /// File address (user objects) or kernel address where the function starts, and where it ends.
    public let start: UInt64
    public let end: UInt64
    public unowned let dso: DSO

    init(name: String, start: UInt64, end: UInt64, dso: DSO) {
        self.name = name
        self.start = start
        self.end = end
        self.dso = dso
    }
}

/// A shared object (executable, library, kernel, vDSO) as a recording names it, with its symbols
/// loaded on first use.
public final class DSO {
    public enum Kind: Sendable { case user, kernel, vdso, anonymous }

    /// The name recorded in MMAP records ("/usr/lib/x86_64-linux-gnu/libc.so.6", "[kernel.kallsyms]").
    public let longName: String
    /// What perf's "Shared Object" column shows: the file name, or the bracketed name.
    public let shortName: String
    public let kind: Kind
    /// The GNU build-id from the recording (BUILD_ID feature or MMAP2), if any.
    public var buildID: [UInt8]?
    /// Creation order in its machine (the kernel is 0).
    public internal(set) var serial = 0

    let symbolSource: SymbolSource
    private var loaded = false
    private var elfFile: ELFFile?
    /// The path the object file was opened from (build-id cache or symfs + recorded path).
    public private(set) var objectPath: String?
    private var index: SymbolIndex?
    private var interned: [Int: Symbol] = [:]
    private var symbolizer: Symbolizer?
    private var symbolizerTried = false

    init(longName: String, kind: Kind, source: SymbolSource) {
        self.longName = longName
        self.kind = kind
        self.symbolSource = source
        switch kind {
        case .user:
            let trimmed = longName.hasSuffix(" (deleted)") ? String(longName.dropLast(10)) : longName
            shortName = trimmed.split(separator: "/").last.map(String.init) ?? trimmed
        case .kernel, .vdso, .anonymous: shortName = longName
        }
    }

    /// The object file that holds this DSO's code and symbols on this machine, if one is found and its
    /// build-id agrees with the recording's.
    public var elf: ELFFile? {
        load()
        return elfFile
    }

    private func load() {
        guard !loaded else { return }
        loaded = true
        guard kind == .user || kind == .vdso else { return }
        if let (elf, path) = symbolSource.open(self) {
            elfFile = elf
            objectPath = path
        }
        if let elfFile { index = MappedObjectSymbols.index(for: elfFile) }
    }

    /// The function holding a file address, interned.
    public func symbol(atFileAddress address: UInt64) -> Symbol? {
        if kind == .kernel { return symbolSource.kernelSymbol(address, dso: self) }
        load()
        guard let index, let hit = index.lookup(address) ?? index.nearest(address).flatMap({ $0.entry.isFunction && address < $0.entry.start &+ 4096 ? $0 : nil }) else { return nil }
        // Entries are sorted by start: intern by start address.
        let key = Int(truncatingIfNeeded: hit.entry.start)
        if let s = interned[key] { return s }
        let s = Symbol(name: symbolSource.displayName(hit.entry.name), start: hit.entry.start, end: hit.entry.end, dso: self)
        interned[key] = s
        return s
    }

    private var inlineCache: [UInt64: (inlined: [Symbol], function: Symbol?)] = [:]
    private var inlineSymbols: [InlineKey: Symbol] = [:]

    /// The call-chain entries perf 6 shows for a file address whose function is `base`: the functions
    /// inlined there, innermost first, as "name (inlined)" symbols, and what stands for the function itself:
    /// `base` when the debug information names it the same, else a "name (inlined)" symbol with the debug
    /// information's name (perf's inline list replaces the entry: `__libc_start_main_impl (inlined)` for
    /// `__libc_start_main@@GLIBC_2.34`). Without DWARF, no inlined entries and `base`.
    public func inlined(atFileAddress address: UInt64, base: Symbol) -> (inlined: [Symbol], function: Symbol) {
        if let c = inlineCache[address] { return (c.inlined, c.function ?? base) }
        if !symbolizerTried {
            symbolizerTried = true
            if let elf { symbolizer = Symbolizer(file: elf) }
        }
        var out: [Symbol] = []
        var function: Symbol? = nil
        let frames = symbolizer?.symbolize(address) ?? []
        for (i, f) in frames.enumerated() {
            guard let fn = f.function else { continue }
            let name = symbolSource.displayName(fn)
            if i == frames.count - 1 && name == base.name { break }
            let s = inlineSymbol(name + " (inlined)", base: base)
            if i == frames.count - 1 { function = s } else { out.append(s) }
        }
        inlineCache[address] = (out, function)
        return (out, function ?? base)
    }

    /// perf's inline symbols span the function they were found in (offsets print relative to its start);
    /// one per name and function, as perf merges inline entries of one name whose ranges overlap.
    private func inlineSymbol(_ name: String, base: Symbol) -> Symbol {
        let key = InlineKey(name: name, start: base.start)
        if let s = inlineSymbols[key] { return s }
        let s = Symbol(name: name, start: base.start, end: base.end, dso: self)
        inlineSymbols[key] = s
        return s
    }
    private struct InlineKey: Hashable { var name: String; var start: UInt64 }

    /// Source file and line of a file address (DWARF line tables), for srcline sorting and annotate.
    public func sourceLine(atFileAddress address: UInt64) -> (file: String, line: UInt32)? {
        if !symbolizerTried {
            symbolizerTried = true
            if let elf { symbolizer = Symbolizer(file: elf) }
        }
        guard let frame = symbolizer?.symbolize(address).last, let file = frame.file, frame.line > 0 else { return nil }
        return (file, frame.line)
    }

    private var cfiLoaded = false
    private var cfiTable: CallFrameInfo?

    /// Call frame information (.eh_frame, .debug_frame) for unwinding, nil without an object file.
    public var cfi: CallFrameInfo? {
        if !cfiLoaded {
            cfiLoaded = true
            if let elf { cfiTable = CallFrameInfo(elf: elf) }
        }
        return cfiTable
    }

    /// Load bias: runtime address minus file address, for a mapping of this object.
    func bias(mappingStart: UInt64, pgoff: UInt64) -> UInt64? {
        guard let elf else { return nil }
        return ProcessModules.bias(elf: elf, mappingStart: mappingStart, fileOffset: pgoff)
    }
}

/// Symbols of an ELF the way `perf report` finds them: .symtab, else a separate debug file's, else .dynsym.
enum MappedObjectSymbols {
    static func index(for elf: ELFFile) -> SymbolIndex {
        if elf.section(named: ".symtab") == nil, let (debug, _) = DebugFileLocator(file: elf).find(),
           debug.section(named: ".symtab") != nil {
            let index = SymbolIndex(debug, aliases: .perf)
            if !index.entries.isEmpty { return index }
        }
        return SymbolIndex(elf, aliases: .perf)
    }
}

/// Where a report finds objects and kernel symbols: a root directory for recorded paths (perf's --symfs),
/// the build-id caches, and the running kernel's kallsyms when the recording is of this kernel.
public final class SymbolSource {
    public var symfs: String
    /// Kernel symbols, loaded on the first kernel address (reading /proc/kallsyms costs ~50 ms).
    public var kallsyms: Kallsyms? {
        if !kallsymsLoaded { kallsymsLoaded = true; kallsymsValue = kallsymsLoader?() }
        return kallsymsValue
    }
    private var kallsymsLoaded = false
    private var kallsymsValue: Kallsyms?
    private let kallsymsLoader: (() -> Kallsyms?)?
    public var demangle: Bool
    private var kernelInterned: [Int: Symbol] = [:]

    public init(symfs: String = "", kallsyms: (() -> Kallsyms?)? = nil, demangle: Bool = true) {
        self.symfs = symfs
        kallsymsLoader = kallsyms
        self.demangle = demangle
    }

    func displayName(_ name: String) -> String {
        // Symbol versions ("__libc_start_main@@GLIBC_2.34") stay, as perf 6 shows them.
        let raw = name
        guard demangle, raw.hasPrefix("_Z") || raw.hasPrefix("_R") else { return raw }
        return Demangler.demangle(raw) ?? raw
    }

    /// Candidates for an object: build-id caches first (the recorded object even if the file changed since),
    /// then the recorded path under symfs. A file whose build-id differs from the recording's is refused.
    func open(_ dso: DSO) -> (ELFFile, String)? {
        var paths: [String] = []
        if let id = dso.buildID, id.count > 1 {
            let hex = id.map { String($0, radix: 16).leftPad(2) }.joined()
            let home = String(cString: getenv("HOME") ?? strdup("/root"))
            paths.append("\(home)/.debug/.build-id/\(hex.prefix(2))/\(hex.dropFirst(2))/elf")
        }
        if dso.kind == .user { paths.append(symfs + dso.longName) }
        for p in paths {
            guard let elf = try? ELFFile(path: p) else { continue }
            if let want = dso.buildID, !want.isEmpty, let have = elf.buildID(),
               have != want.map({ String($0, radix: 16).leftPad(2) }).joined() { continue }
            return (elf, p)
        }
        return nil
    }

    func kernelSymbol(_ address: UInt64, dso: DSO) -> Symbol? {
        guard let k = kallsyms, let i = k.index(of: address) else { return nil }
        if let s = kernelInterned[i] { return s }
        let end = i + 1 < k.count ? k.start(i + 1) : k.start(i) &+ 1
        let s = Symbol(name: k.name(i), start: k.start(i), end: end, dso: dso)
        kernelInterned[i] = s
        return s
    }
}

extension String {
    func leftPad(_ width: Int, with c: Character = "0") -> String {
        count >= width ? self : String(repeating: c, count: width - count) + self
    }
}
