import Bytes

/// One version definition (.gnu.version_d entry): its index, flags and names (first is the version, rest parents).
public struct VersionDefinition: Sendable, Equatable {
    public var offset: Int
    public var version: UInt16
    public var flags: UInt16
    public var index: UInt16
    public var count: UInt16
    public var hash: UInt32
    public var names: [String]
    /// Offsets of each aux entry within the section (readelf prints them).
    public var auxOffsets: [Int]
}

/// One needed version (.gnu.version_r aux entry).
public struct VersionNeedAux: Sendable, Equatable {
    public var offset: Int
    public var hash: UInt32
    public var flags: UInt16
    public var other: UInt16
    public var name: String
}

/// One file's needed versions (.gnu.version_r entry).
public struct VersionNeed: Sendable, Equatable {
    public var offset: Int
    public var version: UInt16
    public var count: UInt16
    public var file: String
    public var entries: [VersionNeedAux]
}

/// A dynamic symbol's version, as `nm -D` and `readelf --dyn-syms` append it.
public struct SymbolVersion: Sendable, Equatable {
    public var name: String
    /// VERSYM_HIDDEN: not the default version (printed with one `@`).
    public var hidden: Bool
    /// Defined in this file's version definitions (as opposed to needed from another).
    public var isDefinition: Bool
    /// The versym index (readelf prints it in parentheses for needed versions).
    public var index: UInt16
}

/// The symbol versioning sections of a file.
public struct SymbolVersions: Sendable {
    public var versym: [UInt16]
    public var definitions: [VersionDefinition]
    public var needs: [VersionNeed]
    private var defNames: [UInt16: String] = [:]
    private var needNames: [UInt16: String] = [:]

    public init(versym: [UInt16], definitions: [VersionDefinition], needs: [VersionNeed]) {
        self.versym = versym
        self.definitions = definitions
        self.needs = needs
        for d in definitions { if let n = d.names.first, defNames[d.index] == nil { defNames[d.index] = n } }
        for n in needs { for a in n.entries where needNames[a.other] == nil { needNames[a.other] = a.name } }
    }

    /// The name of version index `v` (without the hidden bit), from definitions or needs.
    public func name(ofIndex v: UInt16) -> String? {
        let i = v & 0x7fff
        if i == 0 { return "*local*" }
        if i == 1 && defNames[1] == nil && needNames[1] == nil { return "*global*" }
        return needNames[i] ?? defNames[i]
    }

    /// The version of dynamic symbol `i`, or nil for local/global (index 0/1) or without versioning.
    /// `undefined`: the symbol is SHN_UNDEF (its version then comes from the needs, like readelf).
    public func version(ofSymbol i: Int, undefined: Bool) -> SymbolVersion? {
        guard i >= 0 && i < versym.count else { return nil }
        let raw = versym[i]
        let v = raw & 0x7fff
        let hidden = raw & 0x8000 != 0
        if v == 0 || v == 1 { return nil }
        if undefined {
            if let n = needNames[v] { return SymbolVersion(name: n, hidden: hidden, isDefinition: false, index: v) }
            if let n = defNames[v] { return SymbolVersion(name: n, hidden: hidden, isDefinition: true, index: v) }
        } else {
            if let n = defNames[v] { return SymbolVersion(name: n, hidden: hidden, isDefinition: true, index: v) }
            if let n = needNames[v] { return SymbolVersion(name: n, hidden: hidden, isDefinition: false, index: v) }
        }
        return nil
    }
}

extension ELFFile {
    /// .gnu.version, .gnu.version_d and .gnu.version_r, or nil when the file has no versioning.
    public func symbolVersions() throws(ELFError) -> SymbolVersions? {
        let vs = sections.first { $0.type == SHT.gnuVersym }
        let vd = sections.first { $0.type == SHT.gnuVerdef }
        let vn = sections.first { $0.type == SHT.gnuVerneed }
        if vs == nil && vd == nil && vn == nil { return nil }
        var versym: [UInt16] = []
        if let s = vs {
            let d = try rawData(s)
            versym.reserveCapacity(d.count / 2)
            var i = 0
            while i + 2 <= d.count { versym.append(try wrap { try d.u16(i) }); i += 2 }
        }
        return SymbolVersions(versym: versym, definitions: try vd.map { s throws(ELFError) in try versionDefinitions(s) } ?? [],
                              needs: try vn.map { s throws(ELFError) in try versionNeeds(s) } ?? [])
    }

    private func linkedStrings(_ s: ELFSection) -> Bytes {
        Int(s.link) < sections.count ? ((try? rawData(sections[Int(s.link)])) ?? .empty) : .empty
    }

    /// Entries of a SHT_GNU_verdef section (at most sh_info entries, following vd_next links).
    public func versionDefinitions(_ s: ELFSection) throws(ELFError) -> [VersionDefinition] {
        let d = try rawData(s)
        let strs = linkedStrings(s)
        var out: [VersionDefinition] = []
        var off = 0
        var guardCount = 0
        let limit = s.info == 0 ? 0x10000 : Int(s.info)
        while off + 20 <= d.count && guardCount < limit {
            guardCount += 1
            let (ver, flags, ndx, cnt, hash, aux, next) = try wrap {
                (try d.u16(off), try d.u16(off + 2), try d.u16(off + 4), try d.u16(off + 6), try d.u32(off + 8),
                 try d.u32(off + 12), try d.u32(off + 16))
            }
            var names: [String] = []
            var auxOffs: [Int] = []
            var a = off + Int(aux)
            for _ in 0..<Int(cnt) {
                guard a >= 0 && a + 8 <= d.count else { break }
                let (nameOff, anext) = try wrap { (try d.u32(a), try d.u32(a + 4)) }
                names.append((try? strs.cString(Int(nameOff))) ?? "<corrupt>")
                auxOffs.append(a)
                if anext == 0 { break }
                a += Int(anext)
            }
            out.append(VersionDefinition(offset: off, version: ver, flags: flags, index: ndx, count: cnt, hash: hash,
                                         names: names, auxOffsets: auxOffs))
            if next == 0 { break }
            off += Int(next)
        }
        return out
    }

    /// Entries of a SHT_GNU_verneed section.
    public func versionNeeds(_ s: ELFSection) throws(ELFError) -> [VersionNeed] {
        let d = try rawData(s)
        let strs = linkedStrings(s)
        var out: [VersionNeed] = []
        var off = 0
        var guardCount = 0
        let limit = s.info == 0 ? 0x10000 : Int(s.info)
        while off + 16 <= d.count && guardCount < limit {
            guardCount += 1
            let (ver, cnt, file, aux, next) = try wrap {
                (try d.u16(off), try d.u16(off + 2), try d.u32(off + 4), try d.u32(off + 8), try d.u32(off + 12))
            }
            var entries: [VersionNeedAux] = []
            var a = off + Int(aux)
            for _ in 0..<Int(cnt) {
                guard a >= 0 && a + 16 <= d.count else { break }
                let (hash, flags, other, name, anext) = try wrap {
                    (try d.u32(a), try d.u16(a + 4), try d.u16(a + 6), try d.u32(a + 8), try d.u32(a + 12))
                }
                entries.append(VersionNeedAux(offset: a, hash: hash, flags: flags, other: other,
                                              name: (try? strs.cString(Int(name))) ?? "<corrupt>"))
                if anext == 0 { break }
                a += Int(anext)
            }
            out.append(VersionNeed(offset: off, version: ver, count: cnt, file: (try? strs.cString(Int(file))) ?? "<corrupt>",
                                   entries: entries))
            if next == 0 { break }
            off += Int(next)
        }
        return out
    }
}
