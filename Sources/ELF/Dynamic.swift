import Bytes

/// One entry of the dynamic section (DT_*).
public struct DynamicEntry: Sendable, Equatable {
    public var tag: Int64
    public var value: UInt64
}

/// Dynamic tags (DT_*) that sonde interprets.
public enum DT {
    public static let null: Int64 = 0, needed: Int64 = 1, pltrelsz: Int64 = 2, pltgot: Int64 = 3, hash: Int64 = 4
    public static let strtab: Int64 = 5, symtab: Int64 = 6, rela: Int64 = 7, relasz: Int64 = 8, relaent: Int64 = 9
    public static let strsz: Int64 = 10, syment: Int64 = 11, `init`: Int64 = 12, fini: Int64 = 13, soname: Int64 = 14
    public static let rpath: Int64 = 15, symbolic: Int64 = 16, rel: Int64 = 17, relsz: Int64 = 18, relent: Int64 = 19
    public static let pltrel: Int64 = 20, debug: Int64 = 21, textrel: Int64 = 22, jmprel: Int64 = 23, bindNow: Int64 = 24
    public static let initArray: Int64 = 25, finiArray: Int64 = 26, initArraysz: Int64 = 27, finiArraysz: Int64 = 28
    public static let runpath: Int64 = 29, flags: Int64 = 30, preinitArray: Int64 = 32, preinitArraysz: Int64 = 33
    public static let symtabShndx: Int64 = 34, relrsz: Int64 = 35, relr: Int64 = 36, relrent: Int64 = 37
    public static let gnuHash: Int64 = 0x6fff_fef5, versym: Int64 = 0x6fff_fff0, relacount: Int64 = 0x6fff_fff9
    public static let relcount: Int64 = 0x6fff_fffa, flags1: Int64 = 0x6fff_fffb, verdef: Int64 = 0x6fff_fffc
    public static let verdefnum: Int64 = 0x6fff_fffd, verneed: Int64 = 0x6fff_fffe, verneednum: Int64 = 0x6fff_ffff
    public static let auxiliary: Int64 = 0x7fff_fffd, filter: Int64 = 0x7fff_ffff
}

/// The dynamic section read from the file: entries up to DT_NULL, with string values resolved.
public struct DynamicInfo: Sendable {
    public var entries: [DynamicEntry]
    /// The dynamic string table the entries' names live in.
    public var strings: Bytes

    public func string(_ offset: UInt64) -> String? {
        guard offset < UInt64(strings.count) else { return nil }
        return try? strings.cString(Int(offset))
    }

    public func values(_ tag: Int64) -> [UInt64] { entries.filter { $0.tag == tag }.map(\.value) }
    public func value(_ tag: Int64) -> UInt64? { entries.first { $0.tag == tag }?.value }

    public var needed: [String] { values(DT.needed).compactMap(string) }
    public var soname: String? { value(DT.soname).flatMap(string) }
    public var rpath: String? { value(DT.rpath).flatMap(string) }
    public var runpath: String? { value(DT.runpath).flatMap(string) }
}

extension ELFFile {
    /// The dynamic section (from SHT_DYNAMIC, else PT_DYNAMIC), or nil for a static file.
    public func dynamic() throws(ELFError) -> DynamicInfo? {
        var data: Bytes
        var strings: Bytes = .empty
        if let s = sections.first(where: { $0.type == SHT.dynamic }) {
            data = try rawData(s)
            if Int(s.link) < sections.count { strings = (try? rawData(sections[Int(s.link)])) ?? .empty }
        } else if let p = segments.first(where: { $0.type == PT.dynamic }) {
            data = try wrap { try bytes.slice(p.offset, p.filesz) }
        } else {
            return nil
        }
        let entsize = is64 ? 16 : 8
        var entries: [DynamicEntry] = []
        var c = Cursor(data)
        while c.remaining >= entsize {
            let tag = try wrap { is64 ? Int64(bitPattern: try c.u64()) : Int64(Int32(bitPattern: try c.u32())) }
            let value = try wrap { try c.word(is64: is64) }
            entries.append(DynamicEntry(tag: tag, value: value))
            if tag == DT.null { break }
        }
        if strings.count == 0, let addr = entries.first(where: { $0.tag == DT.strtab })?.value,
           let size = entries.first(where: { $0.tag == DT.strsz })?.value, size < UInt64(Int32.max) {
            strings = (try? bytes(atAddress: addr, count: Int(size))) ?? .empty
        }
        return DynamicInfo(entries: entries, strings: strings)
    }

    /// PT_INTERP's path, if any.
    public func interpreter() -> String? {
        guard let p = segments.first(where: { $0.type == PT.interp }),
              let b = try? bytes.slice(p.offset, p.filesz) else { return nil }
        return try? b.cString(0)
    }
}
