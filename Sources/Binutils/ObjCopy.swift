import Bytes
import ELF
import Glibc
import Render

/// Why objcopy could not produce its output.
public enum ObjCopyError: Error, Equatable, CustomStringConvertible {
    case malformed(String)
    case unsupported(String)

    public var description: String {
        switch self {
        case let .malformed(s): return "malformed input: \(s)"
        case let .unsupported(s): return s
        }
    }
}

/// The engine behind `sonde objcopy`: pure functions from an ELF image to the bytes of the output.
/// Loadable contents of executables and shared objects keep their file offsets (segments are copied
/// verbatim), so the result still runs; sections outside segments are laid out again after them.
public enum ObjCopy {
    public struct Options: Sendable {
        public var stripDebug = false
        public var onlyKeepDebug = false
        /// -R patterns (shell wildcards, as binutils).
        public var remove: [String] = []
        /// -j patterns: keep only these (plus the symbol and section-name tables).
        public var only: [String] = []
        /// --add-gnu-debuglink: the debug file's basename and CRC32.
        public var debuglink: (name: String, crc: UInt32)?
        public init() {}
    }

    // MARK: - -O binary

    /// `objcopy -O binary`: the contents of every loadable section with data, placed by load address
    /// (LMA, from the PT_LOAD segment holding it) relative to the lowest one, gaps zero-filled.
    public static func binary(_ elf: ELFFile) throws(ObjCopyError) -> [UInt8] {
        var parts: [(lma: UInt64, sec: ELFSection)] = []
        for s in elf.sections where s.isAlloc && s.type != SHT.nobits && s.type != SHT.null && s.size > 0 {
            parts.append((lma(elf, s), s))
        }
        guard let low = parts.map(\.lma).min() else { return [] }
        var high: UInt64 = low
        for p in parts {
            let (end, o) = p.lma.addingReportingOverflow(p.sec.size)
            guard !o else { throw .malformed("section \(p.sec.name) wraps around the address space") }
            high = max(high, end)
        }
        guard high - low <= 1 << 30 else { throw .unsupported("-O binary output would be \(high - low) bytes (sections spread over the address space)") }
        var out = [UInt8](repeating: 0, count: Int(high - low))
        for p in parts {
            let data: Bytes
            do { data = try elf.rawData(p.sec) } catch { throw .malformed("section \(p.sec.name): \(error)") }
            let at = Int(p.lma - low)
            _ = try? data.withUnsafeBytes(0, data.count) { src in
                out.withUnsafeMutableBytes { dst in dst.baseAddress!.advanced(by: at).copyMemory(from: src.baseAddress!, byteCount: src.count) }
            }
        }
        return out
    }

    /// A section's load address as BFD computes it: p_paddr + (offset within the PT_LOAD segment).
    static func lma(_ elf: ELFFile, _ s: ELFSection) -> UInt64 {
        for p in elf.segments where p.type == PT.load {
            guard s.offset >= p.offset, s.offset &+ s.size <= p.offset &+ p.filesz,
                  s.addr >= p.vaddr, s.addr &+ s.size <= p.vaddr &+ p.memsz else { continue }
            return p.paddr &+ (s.offset - p.offset)
        }
        return s.addr
    }

    // MARK: - Rewriting

    static func isDebug(_ name: String) -> Bool {
        name.hasPrefix(".debug") || name.hasPrefix(".zdebug") || name.hasPrefix(".gnu.debuglto_") || name.hasPrefix(".stab")
            || name == ".line" || name.hasPrefix(".gnu.linkonce.wi.")
    }

    static func matches(_ name: String, _ patterns: [String]) -> Bool {
        patterns.contains { fnmatch($0, name, 0) == 0 }
    }

    /// Output section: where its bytes come from and its header fields.
    struct OutSection {
        var orig: Int?  // index in the input, nil for a new one
        var name: String
        var type: UInt32
        var flags: UInt64
        var addr: UInt64
        var offset: UInt64 = 0
        var size: UInt64
        var link: UInt32
        var info: UInt32
        var align: UInt64
        var entsize: UInt64
        var data: [UInt8]?  // replaced contents (nil: the input's bytes)
        var pinned = false
    }

    /// --strip-debug, --only-keep-debug, -R, -j and --add-gnu-debuglink on an ELF image.
    public static func rewrite(_ elf: ELFFile, _ o: Options) throws(ObjCopyError) -> [UInt8] {
        do { return try rewriteImpl(elf, o) } catch let e as ObjCopyError { throw e } catch {
            throw .malformed("\(error)")
        }
    }

    static func rewriteImpl(_ elf: ELFFile, _ o: Options) throws -> [UInt8] {
        let h = elf.header
        let is64 = h.is64
        let b = elf.bytes
        let secs = elf.sections
        guard !secs.isEmpty else { throw ObjCopyError.unsupported("file has no section headers") }
        if secs.contains(where: { $0.type == SHT.symtabShndx }) { throw ObjCopyError.unsupported("SHT_SYMTAB_SHNDX (more than 65280 sections) is not supported") }
        let n = secs.count
        guard n < 0xff00 else { throw ObjCopyError.unsupported("\(n) sections (extended section numbering) are not supported") }
        // Every offset used below is checked once here.
        for s in secs where s.hasFileData {
            let (end, o) = s.offset.addingReportingOverflow(s.size)
            guard !o, end <= UInt64(b.count) else { throw ObjCopyError.malformed("section \(s.index) (\(s.name)) runs past the end of the file") }
        }
        for p in elf.segments {
            let (end, o) = p.offset.addingReportingOverflow(p.filesz)
            guard !o, end <= UInt64(b.count) else { throw ObjCopyError.malformed("segment at offset \(p.offset) runs past the end of the file") }
        }
        enum Action { case keep, remove, nobits }
        var action = [Action](repeating: .keep, count: n)
        let symtabIndex = secs.firstIndex { $0.type == SHT.symtab }
        let symStrIndex = symtabIndex.map { Int(secs[$0].link) }
        for (i, s) in secs.enumerated() where i > 0 {
            if i == h.shstrndx { continue }
            if matches(s.name, o.remove) { action[i] = .remove; continue }
            if !o.only.isEmpty && !matches(s.name, o.only) && i != symtabIndex && i != symStrIndex { action[i] = .remove; continue }
            if o.stripDebug && isDebug(s.name) { action[i] = .remove; continue }
            if o.onlyKeepDebug && s.isAlloc && s.type != SHT.note && s.type != SHT.nobits { action[i] = .nobits }
        }
        // Relocation sections go with the section they apply to.
        var changed = true
        while changed {
            changed = false
            for (i, s) in secs.enumerated() where action[i] == .keep && (s.type == SHT.rel || s.type == SHT.rela) && !s.isAlloc {
                let t = Int(s.info)
                // (binutils keeps the relocations of sections --only-keep-debug empties.)
                if t > 0 && t < n && action[t] == .remove {
                    action[i] = .remove
                    changed = true
                }
            }
        }
        if let si = symtabIndex, action[si] == .remove, let st = symStrIndex, st < n, st != h.shstrndx {
            action[st] = .remove
        }
        if o.debuglink != nil, secs.contains(where: { $0.name == ".gnu_debuglink" && action[$0.index] != .remove }) {
            throw ObjCopyError.unsupported("section .gnu_debuglink already exists")
        }

        // New section indexes.
        var newIndex = [Int](repeating: 0, count: n)
        var count = 0
        for i in 0..<n where action[i] != .remove { newIndex[i] = count; count += 1 }
        func remap(_ v: UInt32) -> UInt32 {
            let i = Int(v)
            return i > 0 && i < n && action[i] != .remove ? UInt32(newIndex[i]) : 0
        }
        func remapShndx(_ v: UInt16) -> UInt16? {
            if v == SHN.undef || v >= SHN.loreserve { return v }
            let i = Int(v)
            guard i < n, action[i] != .remove else { return nil }
            return UInt16(newIndex[i])
        }

        var outs: [OutSection] = []
        for (i, s) in secs.enumerated() where action[i] != .remove {
            var os = OutSection(orig: i, name: s.name, type: s.type, flags: s.flags, addr: s.addr, size: s.size, link: remap(s.link),
                                info: s.info, align: s.addralign, entsize: s.entsize)
            if action[i] == .nobits { os.type = SHT.nobits }
            if s.type == SHT.rel || s.type == SHT.rela || s.flags & SHF.infoLink != 0 { os.info = remap(s.info) }
            outs.append(os)
        }

        // Symbol table: drop symbols of removed sections (and FILE symbols with --strip-debug, as
        // binutils counts them as debugging symbols), renumber the rest and their relocations.
        var symbolMap: [Int: Int]?
        let symsChanged = action.contains(.remove) || o.stripDebug
        if let si = symtabIndex, action[si] != .remove, symsChanged {
            let sym = secs[si]
            let entsize = is64 ? 24 : 16
            let data = try elf.rawData(sym)
            let strtab = Int(sym.link) < n ? try elf.rawData(secs[Int(sym.link)]) : Bytes.empty
            let symbols = try elf.symbols(in: sym)
            // Section symbols still used by a kept relocation.
            var referenced = Set<Int>()
            for (i, s) in secs.enumerated() where action[i] == .keep && (s.type == SHT.rel || s.type == SHT.rela) && Int(s.link) == si {
                for r in try relocations(elf, s) { referenced.insert(r.sym) }
            }
            var keep: [Int] = []
            for s in symbols {
                if s.index == 0 { keep.append(0); continue }
                if s.shndx != SHN.undef && s.shndx < SHN.loreserve && (Int(s.shndx) >= n || action[Int(s.shndx)] == .remove) {
                    if referenced.contains(s.index) { throw ObjCopyError.unsupported("symbol \(s.name) is used by a relocation but its section is removed") }
                    continue
                }
                if o.stripDebug && s.type == STT.file && !referenced.contains(s.index) { continue }
                if o.stripDebug && s.type == STT.section && h.type == ET.rel && !referenced.contains(s.index) { continue }
                keep.append(s.index)
            }
            if o.stripDebug && h.type != ET.rel {
                // BFD emits an executable's section symbols again after the other local symbols.
                let isSection = { (i: Int) in symbols[i].type == STT.section && symbols[i].binding == STB.local }
                let isLocal = { (i: Int) in symbols[i].binding == STB.local }
                keep = keep.filter { isLocal($0) && !isSection($0) } + keep.filter(isSection) + keep.filter { !isLocal($0) }
            }
            var map: [Int: Int] = [:]
            var strings = StringTable()
            var out: [UInt8] = []
            var locals = 0
            for (ni, oi) in keep.enumerated() {
                map[oi] = ni
                let s = symbols[oi]
                var e = try data.array(oi * entsize, entsize)
                let nameOff = (try? strtab.cString(Int(try data.u32(oi * entsize)))).map { strings.add($0) } ?? 0
                put32(&e, 0, UInt32(nameOff), big: h.bigEndian)
                let shndx = remapShndx(s.shndx) ?? 0
                put16(&e, is64 ? 6 : 14, shndx, big: h.bigEndian)
                out += e
                if s.binding == STB.local { locals = ni + 1 }
            }
            symbolMap = map
            if let k = outs.firstIndex(where: { $0.orig == si }) {
                outs[k].data = out
                outs[k].size = UInt64(out.count)
                outs[k].info = UInt32(locals)
            }
            if let st = symStrIndex, st != h.shstrndx, let k = outs.firstIndex(where: { $0.orig == st }) {
                outs[k].data = strings.bytes
                outs[k].size = UInt64(strings.bytes.count)
            }
            // Relocations against the renumbered table.
            for k in outs.indices {
                guard let oi = outs[k].orig, outs[k].type == SHT.rel || outs[k].type == SHT.rela, Int(secs[oi].link) == si else { continue }
                var rd = try elf.rawData(secs[oi]).array
                let rela = outs[k].type == SHT.rela
                let ent = (is64 ? 8 : 4) * (rela ? 3 : 2)
                for r in 0..<(rd.count / ent) {
                    let at = r * ent + (is64 ? 8 : 4)
                    let info = try Bytes(rd, bigEndian: h.bigEndian).unsigned(at, size: is64 ? 8 : 4)
                    let old = is64 ? Int(info >> 32) : Int(info >> 8)
                    guard let new = map[old] else { throw ObjCopyError.unsupported("relocation against a removed symbol") }
                    let ninfo = is64 ? (UInt64(new) << 32) | (info & 0xffff_ffff) : (UInt64(new) << 8) | (info & 0xff)
                    if is64 { put64(&rd, at, ninfo, big: h.bigEndian) } else { put32(&rd, at, UInt32(ninfo), big: h.bigEndian) }
                }
                outs[k].data = rd
            }
        }
        _ = symbolMap
        // Groups list member section indexes.
        for k in outs.indices where outs[k].type == SHT.group {
            guard let oi = outs[k].orig else { continue }
            let d = try elf.rawData(secs[oi])
            var out = try d.array(0, 4)
            for j in stride(from: 1, to: d.count / 4, by: 1) {
                let m = try d.u32(j * 4)
                if remap(m) != 0 { out += [0, 0, 0, 0]; put32(&out, out.count - 4, remap(m), big: h.bigEndian) }
            }
            outs[k].data = out
            outs[k].size = UInt64(out.count)
        }

        if let (name, crc) = o.debuglink {
            var d = Array(name.utf8) + [0]
            while d.count % 4 != 0 { d.append(0) }
            d += [0, 0, 0, 0]
            put32(&d, d.count - 4, crc, big: h.bigEndian)
            // binutils puts it before the trailing symbol, string and section-name tables.
            var at = outs.count
            while at > 1, let oi = outs[at - 1].orig, oi == h.shstrndx || oi == symtabIndex || oi == symStrIndex { at -= 1 }
            for k in outs.indices {
                if outs[k].link >= UInt32(at) { outs[k].link += 1 }
                if (outs[k].type == SHT.rel || outs[k].type == SHT.rela || outs[k].flags & SHF.infoLink != 0) && outs[k].info >= UInt32(at) {
                    outs[k].info += 1
                }
            }
            outs.insert(OutSection(orig: nil, name: ".gnu_debuglink", type: SHT.progbits, flags: 0, addr: 0, size: UInt64(d.count),
                                   link: 0, info: 0, align: 4, entsize: 0, data: d), at: at)
        }

        // Section names.
        var names = StringTable()
        var nameOffsets: [UInt32] = []
        for s in outs { nameOffsets.append(UInt32(names.add(s.name))) }
        let shstrK = outs.firstIndex { $0.orig == h.shstrndx }
        if let k = shstrK { outs[k].data = names.bytes; outs[k].size = UInt64(names.bytes.count) }

        // Layout. Everything inside a segment's file image keeps its offset (copied verbatim).
        let phEnd = h.phnum > 0 ? Int(h.phoff) + h.phnum * Int(h.phentsize) : 0
        var prefixEnd = max(Int(h.ehsize), h.phnum > 0 ? phEnd : 0)
        var segments = elf.segments
        if o.onlyKeepDebug {
            // Only the headers and the notes (and interpreter name) right after them stay in place.
            for s in secs.sorted(by: { $0.offset < $1.offset }) where s.isAlloc && s.type != SHT.nobits && s.index > 0 {
                guard s.type == SHT.note || s.name == ".interp" else { break }
                if action[s.index] == .remove { break }
                prefixEnd = max(prefixEnd, fileEnd(s))
            }
            for k in outs.indices {
                guard let oi = outs[k].orig else { continue }
                let s = secs[oi]
                if s.isAlloc && s.type != SHT.nobits && fileEnd(s) <= prefixEnd && s.offset >= UInt64(Int(h.ehsize)) {
                    outs[k].pinned = true
                    outs[k].offset = s.offset
                }
            }
            for i in segments.indices {
                let p = segments[i]
                if p.offset < UInt64(prefixEnd) {
                    segments[i].filesz = min(p.filesz, UInt64(prefixEnd) - p.offset)
                } else {
                    segments[i].filesz = 0
                    segments[i].offset = UInt64(prefixEnd)
                }
            }
        } else {
            for p in segments where p.type == PT.load || p.type == PT.note || p.type == PT.interp || p.type == PT.dynamic {
                prefixEnd = max(prefixEnd, Int(clamping: p.offset &+ p.filesz))
            }
            guard prefixEnd <= b.count else { throw ObjCopyError.malformed("segment past the end of the file") }
            for k in outs.indices {
                guard let oi = outs[k].orig, oi > 0 else { continue }
                let s = secs[oi]
                let inside = segments.contains { p in
                    (p.type == PT.load || p.type == PT.note || p.type == PT.interp || p.type == PT.dynamic || p.type == PT.tls)
                        && s.offset >= p.offset && s.offset &+ (s.type == SHT.nobits ? 0 : s.size) <= p.offset &+ p.filesz
                        && (s.isAlloc || s.type == SHT.nobits)
                }
                if inside || (s.isAlloc && s.type == SHT.nobits && h.type != ET.rel) {
                    outs[k].pinned = true
                    outs[k].offset = s.offset
                }
            }
        }
        var out = try b.array(0, prefixEnd)
        var pos = prefixEnd
        let order = outs.indices.filter { !outs[$0].pinned && $0 > 0 }.sorted { a, c in
            let oa = outs[a].orig.map { secs[$0].offset } ?? UInt64.max, oc = outs[c].orig.map { secs[$0].offset } ?? UInt64.max
            return oa != oc ? oa < oc : a < c
        }
        for k in order {
            let align = Int(max(1, min(outs[k].align, 1 << 16)))
            if outs[k].type == SHT.nobits {
                outs[k].offset = UInt64(pos)
                continue
            }
            pos = (pos + align - 1) / align * align
            if out.count < pos { out += [UInt8](repeating: 0, count: pos - out.count) }
            outs[k].offset = UInt64(pos)
            if let d = outs[k].data {
                out += d
            } else if let oi = outs[k].orig {
                out += try elf.rawData(secs[oi]).array
            }
            pos = out.count
        }
        // Pinned sections whose contents were rewritten (symbol tables inside a segment are rare but
        // possible): write them in place when they still fit.
        for k in outs.indices where outs[k].pinned && outs[k].data != nil {
            guard let oi = outs[k].orig, UInt64(outs[k].data!.count) <= secs[oi].size,
                  Int(outs[k].offset) + outs[k].data!.count <= out.count else {
                throw ObjCopyError.unsupported("cannot rewrite section \(outs[k].name) inside a loadable segment")
            }
            let d = outs[k].data!
            for j in 0..<d.count { out[Int(outs[k].offset) + j] = d[j] }
        }

        // .dynsym's section indexes follow the renumbering (same size, rewritten in place).
        if action.contains(.remove), let dk = outs.firstIndex(where: { $0.type == SHT.dynsym && $0.pinned }), let oi = outs[dk].orig {
            let ds = secs[oi]
            let entsize = is64 ? 24 : 16
            for j in 0..<Int(ds.size) / entsize {
                let at = Int(ds.offset) + j * entsize + (is64 ? 6 : 14)
                guard at + 2 <= out.count else { break }
                let v = try Bytes(Array(out[at..<at + 2]), bigEndian: h.bigEndian).u16(0)
                put16(&out, at, remapShndx(v) ?? 0, big: h.bigEndian)
            }
        }

        // Section header table.
        let shAlign = is64 ? 8 : 4
        pos = (out.count + shAlign - 1) / shAlign * shAlign
        out += [UInt8](repeating: 0, count: pos - out.count)
        let shoff = pos
        let shentsize = is64 ? 64 : 40
        let shnum = outs.count
        let shstrndx = shstrK ?? 0
        for (k, s) in outs.enumerated() {
            var e = [UInt8](repeating: 0, count: shentsize)
            var size = s.size, link = s.link, info = s.info
            if k == 0 {
                size = shnum >= 0xff00 ? UInt64(shnum) : 0
                link = shstrndx >= 0xff00 ? UInt32(shstrndx) : 0
                info = h.phnum >= 0xffff ? UInt32(h.phnum) : 0
            }
            put32(&e, 0, k == 0 ? 0 : nameOffsets[k], big: h.bigEndian)
            put32(&e, 4, s.type, big: h.bigEndian)
            if is64 {
                put64(&e, 8, s.flags, big: h.bigEndian); put64(&e, 16, s.addr, big: h.bigEndian)
                put64(&e, 24, k == 0 ? 0 : s.offset, big: h.bigEndian); put64(&e, 32, size, big: h.bigEndian)
                put32(&e, 40, link, big: h.bigEndian); put32(&e, 44, info, big: h.bigEndian)
                put64(&e, 48, s.align, big: h.bigEndian); put64(&e, 56, s.entsize, big: h.bigEndian)
            } else {
                put32(&e, 8, UInt32(truncatingIfNeeded: s.flags), big: h.bigEndian); put32(&e, 12, UInt32(truncatingIfNeeded: s.addr), big: h.bigEndian)
                put32(&e, 16, UInt32(truncatingIfNeeded: k == 0 ? 0 : s.offset), big: h.bigEndian); put32(&e, 20, UInt32(truncatingIfNeeded: size), big: h.bigEndian)
                put32(&e, 24, link, big: h.bigEndian); put32(&e, 28, info, big: h.bigEndian)
                put32(&e, 32, UInt32(truncatingIfNeeded: s.align), big: h.bigEndian); put32(&e, 36, UInt32(truncatingIfNeeded: s.entsize), big: h.bigEndian)
            }
            out += e
        }

        // ELF header.
        if is64 {
            put64(&out, 40, UInt64(shoff), big: h.bigEndian)
            put16(&out, 58, UInt16(shentsize), big: h.bigEndian)
        } else {
            put32(&out, 32, UInt32(shoff), big: h.bigEndian)
            put16(&out, 46, UInt16(shentsize), big: h.bigEndian)
        }
        put16(&out, is64 ? 60 : 48, shnum >= 0xff00 ? 0 : UInt16(shnum), big: h.bigEndian)
        put16(&out, is64 ? 62 : 50, shstrndx >= 0xff00 ? 0xffff : UInt16(shstrndx), big: h.bigEndian)
        if o.onlyKeepDebug {
            for (i, p) in segments.enumerated() {
                let at = Int(h.phoff) + i * Int(h.phentsize)
                if is64 {
                    put64(&out, at + 8, p.offset, big: h.bigEndian); put64(&out, at + 32, p.filesz, big: h.bigEndian)
                } else {
                    put32(&out, at + 4, UInt32(p.offset), big: h.bigEndian); put32(&out, at + 16, UInt32(p.filesz), big: h.bigEndian)
                }
            }
        }
        return out
    }

    struct Reloc { var offset: UInt64; var sym: Int; var type: UInt64 }

    static func relocations(_ elf: ELFFile, _ s: ELFSection) throws -> [Reloc] {
        let d = try elf.rawData(s)
        let is64 = elf.is64
        let ent = (is64 ? 8 : 4) * (s.type == SHT.rela ? 3 : 2)
        var out: [Reloc] = []
        for i in 0..<(d.count / ent) {
            let off = try d.unsigned(i * ent, size: is64 ? 8 : 4)
            let info = try d.unsigned(i * ent + (is64 ? 8 : 4), size: is64 ? 8 : 4)
            out.append(is64 ? Reloc(offset: off, sym: Int(info >> 32), type: info & 0xffff_ffff)
                            : Reloc(offset: off, sym: Int(info >> 8), type: info & 0xff))
        }
        return out
    }

    /// A string table being built: "" at offset 0, each distinct string once.
    struct StringTable {
        var bytes: [UInt8] = [0]
        var index: [String: Int] = ["": 0]
        mutating func add(_ s: String) -> Int {
            if let o = index[s] { return o }
            let o = bytes.count
            bytes += Array(s.utf8) + [0]
            index[s] = o
            return o
        }
    }

    static func put16(_ a: inout [UInt8], _ at: Int, _ v: UInt16, big: Bool) {
        let x = big ? v.bigEndian : v.littleEndian
        withUnsafeBytes(of: x) { for i in 0..<2 { a[at + i] = $0[i] } }
    }
    static func put32(_ a: inout [UInt8], _ at: Int, _ v: UInt32, big: Bool) {
        let x = big ? v.bigEndian : v.littleEndian
        withUnsafeBytes(of: x) { for i in 0..<4 { a[at + i] = $0[i] } }
    }
    static func put64(_ a: inout [UInt8], _ at: Int, _ v: UInt64, big: Bool) {
        let x = big ? v.bigEndian : v.littleEndian
        withUnsafeBytes(of: x) { for i in 0..<8 { a[at + i] = $0[i] } }
    }

    /// CRC-32 (the zlib polynomial) that .gnu_debuglink records.
    public static func crc32(_ b: Bytes) -> UInt32 {
        var table = [UInt32](repeating: 0, count: 256)
        for i in 0..<256 {
            var c = UInt32(i)
            for _ in 0..<8 { c = c & 1 != 0 ? 0xedb8_8320 ^ (c >> 1) : c >> 1 }
            table[i] = c
        }
        var crc: UInt32 = 0xffff_ffff
        _ = try? b.withUnsafeBytes(0, b.count) { p in
            for x in p { crc = table[Int((crc ^ UInt32(x)) & 0xff)] ^ (crc >> 8) }
        }
        return crc ^ 0xffff_ffff
    }
}

extension ObjCopy {
    public static let help = """
        Usage: sonde objcopy [OPTION]... INPUT [OUTPUT]
        Copy an ELF file (32/64-bit, either byte order), changing it; INPUT is replaced when OUTPUT is absent.
          -O binary, --output-target=binary   loadable contents by load address, gaps zero-filled
          -g, --strip-debug                   remove debugging sections and symbols
              --only-keep-debug               keep only what a separate debug file needs
              --add-gnu-debuglink=FILE        add .gnu_debuglink naming FILE, with its CRC32
          -R, --remove-section=NAME           remove sections matching NAME (wildcards allowed)
          -j, --only-section=NAME             keep only sections matching NAME

        """

    /// `sonde objcopy [options] INPUT [OUTPUT]` (binutils syntax; OUTPUT defaults to INPUT, replaced
    /// atomically: written to a temporary file beside it, synced, then renamed, with INPUT's mode).
    public static func main(_ args: [String]) throws(ToolError) {
        var o = Options()
        var binaryOut = false
        var debuglinkFile: String?
        var files: [String] = []
        var i = 0
        func value(_ flag: String, _ a: String, short: String?, long: String) throws(ToolError) -> String? {
            if a == long || (short != nil && a == short!) {
                i += 1
                guard i < args.count else { throw .usage("option '\(a)' requires an argument") }
                return args[i]
            }
            if a.hasPrefix(long + "=") { return String(a.dropFirst(long.count + 1)) }
            if let short, a.hasPrefix(short), a.count > short.count, !a.hasPrefix("--") { return String(a.dropFirst(short.count)) }
            return nil
        }
        while i < args.count {
            let a = args[i]
            if !a.hasPrefix("-") || a == "-" {
                files.append(a)
            } else if a == "--help" || a == "-h" {
                writeOut(ObjCopy.help)
                return
            } else if a == "--only-keep-debug" {
                o.onlyKeepDebug = true
            } else if a == "--strip-debug" || a == "-g" || a == "--strip-unneeded-debug" {
                o.stripDebug = true
            } else if let v = try value(a, a, short: "-O", long: "--output-target") {
                guard v == "binary" else { throw .usage("output format '\(v)' is not supported (only binary)") }
                binaryOut = true
            } else if let v = try value(a, a, short: "-R", long: "--remove-section") {
                o.remove.append(v)
            } else if let v = try value(a, a, short: "-j", long: "--only-section") {
                o.only.append(v)
            } else if let v = try value(a, a, short: nil, long: "--add-gnu-debuglink") {
                debuglinkFile = v
            } else {
                throw .usage("unsupported option '\(a)'")
            }
            i += 1
        }
        guard files.count == 1 || files.count == 2 else { throw .usage("usage: sonde objcopy [options] INPUT [OUTPUT]") }
        let input = files[0], output = files.count == 2 ? files[1] : files[0]
        let elf = try openELF(input)
        if let f = debuglinkFile {
            let bytes: Bytes
            do { bytes = try MappedFile.open(f) } catch { throw ToolError("\(f): \(error.reason)") }
            let base = f.split(separator: "/").last.map(String.init) ?? f
            o.debuglink = (base, crc32(bytes))
        }
        let out: [UInt8]
        do {
            out = binaryOut ? try binary(elf) : try rewrite(elf, o)
        } catch {
            throw ToolError("\(input): \(error)")
        }
        var st = stat()
        let mode = stat(input, &st) == 0 ? st.st_mode & 0o7777 : 0o644
        try writeAtomically(output, out, mode: mode)
    }

    /// Writes `bytes` to a temporary file in `path`'s directory, fsyncs it and renames it over `path`.
    public static func writeAtomically(_ path: String, _ bytes: [UInt8], mode: mode_t) throws(ToolError) {
        let dir = path.contains("/") ? String(path[..<path.lastIndex(of: "/")!]) : "."
        var template = Array(((dir.isEmpty ? "" : dir) + "/.sonde-objcopy-XXXXXX").utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { throw ToolError("\(path): cannot create a temporary file in \(dir): \(String(cString: strerror(errno)))") }
        let tmp = String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
        var ok = true
        bytes.withUnsafeBytes { buf in
            var off = 0
            while off < buf.count {
                let n = write(fd, buf.baseAddress! + off, buf.count - off)
                if n < 0 { if errno == EINTR { continue }; ok = false; return }
                off += n
            }
        }
        let err = String(cString: strerror(errno))
        if ok { fchmod(fd, mode) }
        if ok && fsync(fd) != 0 { ok = false }
        close(fd)
        guard ok, rename(tmp, path) == 0 else {
            unlink(tmp)
            throw ToolError("\(path): \(ok ? String(cString: strerror(errno)) : err)")
        }
    }
}

/// offset + size of a section as an Int, saturating instead of trapping on hostile headers.
private func fileEnd(_ s: ELFSection) -> Int {
    let (end, overflow) = s.offset.addingReportingOverflow(s.size)
    return overflow ? Int.max : Int(clamping: end)
}
