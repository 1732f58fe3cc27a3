import Bytes

/// One entry of .symtab or .dynsym.
public struct ELFSymbol: Sendable, Equatable {
    public var index: Int
    public var name: String
    public var value: UInt64
    public var size: UInt64
    public var info: UInt8
    public var other: UInt8
    public var shndx: UInt16
    /// st_name: offset of the name in the linked string table (0 for no name).
    public var nameOffset: UInt32 = 0

    public var type: UInt8 { info & 0xf }
    public var binding: UInt8 { info >> 4 }
    public var visibility: UInt8 { other & 0x3 }
}

/// Symbol types (STT_*) and bindings (STB_*), special section indexes (SHN_*).
public enum STT {
    public static let notype: UInt8 = 0, object: UInt8 = 1, `func`: UInt8 = 2, section: UInt8 = 3, file: UInt8 = 4
    public static let common: UInt8 = 5, tls: UInt8 = 6, gnuIfunc: UInt8 = 10
}
public enum STB {
    public static let local: UInt8 = 0, global: UInt8 = 1, weak: UInt8 = 2, gnuUnique: UInt8 = 10
}
public enum SHN {
    public static let undef: UInt16 = 0, loreserve: UInt16 = 0xff00, abs: UInt16 = 0xfff1, common: UInt16 = 0xfff2, xindex: UInt16 = 0xffff
}

extension ELFFile {
    /// The symbols of a SHT_SYMTAB or SHT_DYNSYM section, entry 0 included; names from its linked string table.
    public func symbols(in s: ELFSection) throws(ELFError) -> [ELFSymbol] {
        let entsize = is64 ? 24 : 16
        guard s.type == SHT.symtab || s.type == SHT.dynsym else { throw .malformed("section \(s.name) is not a symbol table") }
        let data = try rawData(s)
        let strtab: Bytes = Int(s.link) < sections.count ? ((try? rawData(sections[Int(s.link)])) ?? .empty) : .empty
        let n = data.count / entsize
        var out: [ELFSymbol] = []
        out.reserveCapacity(n)
        for i in 0..<n {
            var c = Cursor(data, offset: i * entsize)
            let sym: ELFSymbol = try wrap {
                if is64 {
                    let name = try c.u32(), info = try c.u8(), other = try c.u8(), shndx = try c.u16()
                    let value = try c.u64(), size = try c.u64()
                    return ELFSymbol(index: i, name: (try? strtab.cString(Int(name))) ?? "", value: value, size: size,
                                     info: info, other: other, shndx: shndx, nameOffset: name)
                } else {
                    let name = try c.u32(), value = UInt64(try c.u32()), size = UInt64(try c.u32())
                    let info = try c.u8(), other = try c.u8(), shndx = try c.u16()
                    return ELFSymbol(index: i, name: (try? strtab.cString(Int(name))) ?? "", value: value, size: size,
                                     info: info, other: other, shndx: shndx, nameOffset: name)
                }
            }
            out.append(sym)
        }
        return out
    }

    /// .symtab symbols, or [] when the file has none.
    public func staticSymbols() throws(ELFError) -> [ELFSymbol] {
        guard let s = sections.first(where: { $0.type == SHT.symtab }) else { return [] }
        return try symbols(in: s)
    }

    /// .dynsym symbols, or [] when the file has none.
    public func dynamicSymbols() throws(ELFError) -> [ELFSymbol] {
        guard let s = sections.first(where: { $0.type == SHT.dynsym }) else { return [] }
        return try symbols(in: s)
    }
}
