/// Address → symbol lookup over a file's function and object symbols, sorted once.
/// Uses .symtab when present, else .dynsym; zero-size symbols cover up to the next symbol.
public struct SymbolIndex: Sendable {
    public struct Entry: Sendable, Equatable {
        public var start: UInt64
        public var end: UInt64
        public var name: String
        public var isFunction: Bool
    }

    public let entries: [Entry]

    /// Which of several symbols at one address names it.
    public enum AliasChoice: Sendable {
        /// binutils (addr2line, nm order): global, then weak, then local; then the first in the table.
        case binutils
        /// perf's choose_best_symbol: non-weak before weak, then global, then fewer leading underscores
        /// (`mmap64`, not `__mmap64`), then the longer name.
        case perf
    }

    public init(_ file: ELFFile, aliases: AliasChoice = .binutils) {
        var syms = (try? file.staticSymbols()) ?? []
        if syms.isEmpty { syms = (try? file.dynamicSymbols()) ?? [] }
        self.init(symbols: syms, aliases: aliases)
    }

    public init(symbols: [ELFSymbol], aliases: AliasChoice = .binutils) {
        var list = symbols.filter {
            $0.shndx != SHN.undef && $0.shndx != SHN.abs && $0.shndx != SHN.common && !$0.name.isEmpty
                && ($0.type == STT.func || $0.type == STT.object || $0.type == STT.gnuIfunc || $0.type == STT.notype)
                && !($0.type == STT.notype && $0.name.hasPrefix("$")) // ARM/AArch64 mapping symbols $x, $d
        }
        func underscores(_ s: String) -> Int { s.utf8.prefix { $0 == UInt8(ascii: "_") }.count }
        // Sort keys computed once (sorting the symbols themselves moves their names around).
        struct Key { var value: UInt64; var sized: Bool; var type: UInt8; var rank: Int; var underscores: Int; var length: Int; var index: Int; var at: Int }
        var keys = list.enumerated().map { i, s in
            let rank: Int
            switch aliases {
            case .binutils: rank = s.binding == STB.global ? 0 : s.binding == STB.weak ? 1 : 2
            case .perf: rank = s.binding == STB.weak ? 2 : s.binding == STB.global ? 0 : 1
            }
            return Key(value: s.value, sized: s.size > 0, type: s.type, rank: rank,
                       underscores: aliases == .perf ? underscores(s.name) : 0, length: aliases == .perf ? -s.name.utf8.count : 0,
                       index: s.index, at: i)
        }
        // Prefer sized symbols, then by the chosen rules among aliases at the same address.
        keys.sort { a, b in
            if a.value != b.value { return a.value < b.value }
            if a.sized != b.sized { return a.sized }
            if a.type != b.type { return a.type == STT.func }
            if a.rank != b.rank { return a.rank < b.rank }
            if a.underscores != b.underscores { return a.underscores < b.underscores }
            if a.length != b.length { return a.length < b.length }
            return a.index < b.index
        }
        list = keys.map { list[$0.at] }
        var out: [Entry] = []
        out.reserveCapacity(list.count)
        for (i, s) in list.enumerated() {
            if let last = out.last, last.start == s.value { continue }
            var end = s.value &+ s.size
            if s.size == 0 {
                end = i + 1 < list.count ? list[i + 1].value : s.value &+ 1
                if end <= s.value { end = s.value &+ 1 }
            }
            out.append(Entry(start: s.value, end: end, name: s.name, isFunction: s.type == STT.func || s.type == STT.gnuIfunc))
        }
        entries = out
    }

    /// The symbol whose [start, end) holds `address`, with the offset into it.
    /// The symbol at or before `address` even when its size does not cover it (how libdw and strace -k
    /// name code between symbols): a covering symbol when there is one, else the nearest one below.
    public func nearest(_ address: UInt64) -> (entry: Entry, offset: UInt64)? {
        if let hit = lookup(address) { return hit }
        var lo = 0, hi = entries.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if entries[mid].start <= address { lo = mid + 1 } else { hi = mid }
        }
        guard lo > 0 else { return nil }
        let e = entries[lo - 1]
        return (e, address - e.start)
    }

    public func lookup(_ address: UInt64) -> (entry: Entry, offset: UInt64)? {
        var lo = 0, hi = entries.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if entries[mid].start <= address { lo = mid + 1 } else { hi = mid }
        }
        // Sized symbols may nest (a local inside a bigger one): walk back a few.
        var i = lo - 1
        var tries = 0
        while i >= 0 && tries < 8 {
            let e = entries[i]
            if address >= e.start && address < e.end { return (e, address - e.start) }
            i -= 1
            tries += 1
        }
        return nil
    }

    /// The first symbol named `name`.
    public func address(of name: String) -> Entry? { entries.first { $0.name == name } }
}
