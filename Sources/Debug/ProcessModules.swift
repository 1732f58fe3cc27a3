import Bytes
import ELF
import ProcFS
import Symbolize
import Unwind

/// One object mapped into a process: its ELF, CFI and symbols, loaded on first use.
public final class MappedObject {
    public let path: String
    public let elf: ELFFile
    public let cfi: CallFrameInfo
    private var symbolIndex: SymbolIndex?

    init(path: String, elf: ELFFile) {
        self.path = path
        self.elf = elf
        self.cfi = CallFrameInfo(elf: elf)
    }

    /// Symbols of .symtab, else of the separate debug file (build-id or .gnu_debuglink, as binutils finds it),
    /// else of .dynsym.
    public var symbols: SymbolIndex {
        if let symbolIndex { return symbolIndex }
        var index: SymbolIndex
        if elf.section(named: ".symtab") == nil, let (debug, _) = DebugFileLocator(file: elf).find(),
           debug.section(named: ".symtab") != nil {
            index = SymbolIndex(debug)
            if index.entries.isEmpty { index = SymbolIndex(elf) }
        } else {
            index = SymbolIndex(elf)
        }
        symbolIndex = index
        return index
    }
}

/// The objects of a live process from /proc/PID/maps, with their load biases; the vDSO is read from memory.
public final class ProcessModules: ModuleProvider {
    struct Region {
        var start: UInt64
        var end: UInt64
        var offset: UInt64
        var name: String
    }

    private let regions: [Region]
    private let memory: MemoryReader
    private let pid: Int32
    private var objects: [String: MappedObject?] = [:]
    private var biases: [String: UInt64] = [:]

    /// `reusing` an older view of the same process keeps its parsed objects (a remapped file is read again
    /// only when its path changed).
    public init(pid: Int32, maps: [MemoryMapping], memory: MemoryReader, reusing old: ProcessModules? = nil) {
        self.pid = pid
        self.memory = memory
        if let old { objects = old.objects.filter { $0.key != "[vdso]" } }
        regions = maps.filter { $0.name.hasPrefix("/") || $0.name == "[vdso]" }
            .map { Region(start: $0.start, end: $0.end, offset: $0.offset, name: $0.name) }
            .sorted { $0.start < $1.start }
    }

    func region(_ pc: UInt64) -> Region? {
        var lo = 0, hi = regions.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if regions[mid].start <= pc { lo = mid + 1 } else { hi = mid }
        }
        guard lo > 0, pc < regions[lo - 1].end else { return nil }
        return regions[lo - 1]
    }

    /// The object, its bias and its display name for a runtime address.
    public func object(for pc: UInt64) -> (object: MappedObject, bias: UInt64)? {
        guard let r = region(pc), let obj = load(r) else { return nil }
        if let b = biases[r.name] { return (obj, b) }
        let b = Self.bias(elf: obj.elf, mappingStart: r.start, fileOffset: r.offset)
        biases[r.name] = b
        return (obj, b)
    }

    public func module(for pc: UInt64) -> UnwindModule? {
        guard let (o, b) = object(for: pc) else { return nil }
        return UnwindModule(cfi: o.cfi, bias: b)
    }

    private func load(_ r: Region) -> MappedObject? {
        if let cached = objects[r.name] { return cached }
        var obj: MappedObject? = nil
        if r.name == "[vdso]" {
            let all = regions.filter { $0.name == "[vdso]" }
            if let first = all.first, let last = all.last, last.end - first.start <= 1 << 20,
               let bytes = memory.bytes(first.start, count: Int(last.end - first.start)),
               let elf = try? ELFFile(bytes: Bytes(bytes), path: "[vdso]") {
                obj = MappedObject(path: "[vdso]", elf: elf)
            }
        } else {
            let name = r.name.hasSuffix(" (deleted)") ? String(r.name.dropLast(10)) : r.name
            // Prefer the process's own view of the file (containers, deleted or replaced files).
            let candidates = ["/proc/\(pid)/map_files/\(String(r.start, radix: 16))-\(String(r.end, radix: 16))", "/proc/\(pid)/root\(name)", name]
            for c in candidates {
                if let elf = try? ELFFile(path: c) {
                    obj = MappedObject(path: name, elf: elf)
                    break
                }
            }
        }
        objects[r.name] = obj
        return obj
    }

    /// Runtime address minus file address, from one mapping of the file: the PT_LOAD holding `fileOffset`
    /// maps vaddr (offset + (vaddr - p_offset)).
    public static func bias(elf: ELFFile, mappingStart: UInt64, fileOffset: UInt64) -> UInt64 {
        let page: UInt64 = 4096
        for p in elf.segments where p.type == PT.load {
            let alignedOffset = p.offset & ~(page - 1)
            if fileOffset >= alignedOffset && fileOffset < p.offset &+ max(p.filesz, 1) {
                return mappingStart &- fileOffset &- (p.vaddr &- p.offset)
            }
        }
        // No segment holds the offset (e.g. the vDSO read from memory): assume the first PT_LOAD maps at the start.
        if let p = elf.segments.first(where: { $0.type == PT.load }) {
            return mappingStart &- (p.vaddr & ~(page - 1))
        }
        return mappingStart
    }
}
