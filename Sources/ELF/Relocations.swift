import Bytes

/// One relocation of a SHT_REL, SHT_RELA or (decoded) SHT_RELR section.
public struct ELFRelocation: Sendable, Equatable {
    public var offset: UInt64
    public var info: UInt64
    public var type: UInt32
    public var symbol: UInt32
    /// r_addend for RELA; nil for REL and RELR (the addend is in place).
    public var addend: Int64?
}

public enum RelocationKind: Sendable, Equatable { case rel, rela, relr }

extension ELFFile {
    /// The relocations of a REL/RELA section, or the addresses of a RELR section (type and symbol 0).
    public func relocations(in s: ELFSection) throws(ELFError) -> [ELFRelocation] {
        let d = try rawData(s)
        var out: [ELFRelocation] = []
        switch s.type {
        case SHT.rel, SHT.rela:
            let rela = s.type == SHT.rela
            let w = is64 ? 8 : 4
            let ent = rela ? 3 * w : 2 * w
            let n = d.count / ent
            out.reserveCapacity(n)
            let mips64el = is64 && header.machine == EM.mips && !header.bigEndian
            for i in 0..<n {
                let o = i * ent
                let r: ELFRelocation = try wrap {
                    let off = try d.unsigned(o, size: w)
                    var info = try d.unsigned(o + w, size: w)
                    if mips64el {
                        // MIPS64 little-endian stores r_sym (32 bits) then r_ssym, r_type3, r_type2, r_type bytes.
                        let sym = info & 0xffff_ffff
                        let t = (info >> 56) & 0xff, t2 = (info >> 48) & 0xff, t3 = (info >> 40) & 0xff, ssym = (info >> 32) & 0xff
                        info = (sym << 32) | (ssym << 24) | (t3 << 16) | (t2 << 8) | t
                    }
                    let addend: Int64? = rela ? (is64 ? Int64(bitPattern: try d.u64(o + 2 * w)) : Int64(Int32(bitPattern: try d.u32(o + 2 * w)))) : nil
                    let sym = is64 ? UInt32(truncatingIfNeeded: info >> 32) : UInt32(truncatingIfNeeded: info >> 8)
                    let type = is64 ? (header.machine == EM.mips ? UInt32(info & 0xff) : UInt32(truncatingIfNeeded: info)) : UInt32(info & 0xff)
                    return ELFRelocation(offset: off, info: info, type: type, symbol: sym, addend: addend)
                }
                out.append(r)
            }
        case SHT.relr:
            for a in try relrAddresses(d) { out.append(ELFRelocation(offset: a, info: 0, type: 0, symbol: 0, addend: nil)) }
        default:
            throw .malformed("section \(s.name) is not a relocation section")
        }
        return out
    }

    /// Decodes SHT_RELR: an address entry, then bitmap entries (low bit set) covering the next 63 (or 31) words.
    public func relrAddresses(_ d: Bytes) throws(ELFError) -> [UInt64] {
        let w = is64 ? 8 : 4
        let bits = UInt64(w * 8 - 1)
        var out: [UInt64] = []
        var base: UInt64 = 0
        var i = 0
        while i + w <= d.count {
            let e = try wrap { try d.unsigned(i, size: w) }
            i += w
            if e & 1 == 0 {
                out.append(e)
                base = e &+ UInt64(w)
            } else {
                var m = e >> 1
                var a = base
                while m != 0 {
                    if m & 1 != 0 { out.append(a) }
                    m >>= 1
                    a = a &+ UInt64(w)
                }
                base = base &+ bits &* UInt64(w)
            }
            if out.count > d.count * 64 { break }
        }
        return out
    }

    /// The relocation sections that apply to section `target` (sh_info == its index).
    public func relocationSections(for target: ELFSection) -> [ELFSection] {
        sections.filter { ($0.type == SHT.rel || $0.type == SHT.rela) && Int($0.info) == target.index && target.index != 0 }
    }

    /// The contents of a section (decompressed) with the relocations of its REL/RELA sections applied,
    /// for relocatable objects (e.g. .debug_info of a .o). Only absolute and section-relative data
    /// relocations are applied (S + A); others are left as stored. Sections without relocations are returned as is.
    public func relocatedData(_ s: ELFSection) throws -> Bytes {
        let base = try data(s)
        let relSecs = relocationSections(for: s)
        if relSecs.isEmpty { return base }
        var buf = base.array
        let be = header.bigEndian
        for rs in relSecs {
            guard Int(rs.link) < sections.count else { continue }
            let symSec = sections[Int(rs.link)]
            guard symSec.type == SHT.symtab || symSec.type == SHT.dynsym else { continue }
            let symData = try rawData(symSec)
            let entsize = is64 ? 24 : 16
            for r in try relocations(in: rs) {
                guard let (size, op) = Self.dataRelocation(machine: header.machine, type: r.type, is64: is64) else { continue }
                guard r.offset <= UInt64(buf.count), UInt64(size) <= UInt64(buf.count) - r.offset else {
                    throw ELFError.malformed("relocation at 0x\(String(r.offset, radix: 16)) outside \(s.name)")
                }
                let off = Int(r.offset)
                var symValue: UInt64 = 0
                if r.symbol != 0 {
                    let so = Int(r.symbol) * entsize
                    guard so + entsize <= symData.count else { throw ELFError.malformed("relocation symbol \(r.symbol) out of range") }
                    symValue = try wrap { is64 ? try symData.u64(so + 8) : UInt64(try symData.u32(so + 4)) }
                }
                let old = Self.load(buf, off, size, be)
                let addend: UInt64 = r.addend.map { UInt64(bitPattern: $0) } ?? (op == .set ? old : 0)
                let v: UInt64
                switch op {
                case .set: v = symValue &+ addend
                case .add: v = old &+ symValue &+ addend
                case .sub: v = old &- (symValue &+ addend)
                case .set6: v = (old & ~0x3f) | ((symValue &+ addend) & 0x3f)
                case .sub6: v = (old & ~0x3f) | ((old &- (symValue &+ addend)) & 0x3f)
                }
                Self.store(&buf, off, size, v, be)
            }
        }
        return Bytes(buf, bigEndian: be)
    }

    enum RelocOp { case set, add, sub, set6, sub6 }

    /// Size and operation of the data relocations `relocatedData` applies.
    static func dataRelocation(machine: UInt16, type: UInt32, is64: Bool) -> (Int, RelocOp)? {
        switch machine {
        case EM.x86_64:
            switch type {
            case 1, 17: return (8, .set)        // R_X86_64_64, DTPOFF64
            case 10, 11, 21: return (4, .set)   // R_X86_64_32, 32S, DTPOFF32
            default: return nil
            }
        case EM.i386:
            switch type {
            case 1, 32: return (4, .set)        // R_386_32, TLS_LDO_32
            default: return nil
            }
        case EM.arm:
            switch type {
            case 2, 106: return (4, .set)       // R_ARM_ABS32, TLS_LDO32
            default: return nil
            }
        case EM.aarch64:
            switch type {
            case 257: return (8, .set)          // R_AARCH64_ABS64
            case 258: return (4, .set)          // ABS32
            case 259: return (2, .set)          // ABS16
            case 1029: return (8, .set)         // TLS_DTPREL64
            default: return nil
            }
        case EM.riscv:
            switch type {
            case 1, 8: return (4, .set)         // R_RISCV_32, TLS_DTPREL32
            case 2, 9: return (8, .set)         // R_RISCV_64, TLS_DTPREL64
            case 33: return (1, .add)
            case 34: return (2, .add)
            case 35: return (4, .add)
            case 36: return (8, .add)
            case 37: return (1, .sub)
            case 38: return (2, .sub)
            case 39: return (4, .sub)
            case 40: return (8, .sub)
            case 52: return (1, .sub6)
            case 53: return (1, .set6)
            case 54: return (1, .set)
            case 55: return (2, .set)
            case 56: return (4, .set)
            default: return nil
            }
        case EM.ppc64:
            switch type {
            case 1: return (4, .set)            // R_PPC64_ADDR32
            case 38, 78: return (8, .set)       // ADDR64, DTPREL64
            default: return nil
            }
        case EM.ppc:
            return type == 1 ? (4, .set) : nil  // R_PPC_ADDR32
        case EM.mips:
            switch type {
            case 2: return (4, .set)            // R_MIPS_32
            case 18: return (8, .set)           // R_MIPS_64
            default: return nil
            }
        case EM.s390:
            switch type {
            case 4: return (4, .set)            // R_390_32
            case 22: return (8, .set)           // R_390_64
            default: return nil
            }
        case EM.loongarch:
            switch type {
            case 1: return (4, .set)            // R_LARCH_32
            case 2: return (8, .set)            // R_LARCH_64
            default: return nil
            }
        default:
            return nil
        }
    }

    static func load(_ b: [UInt8], _ off: Int, _ size: Int, _ be: Bool) -> UInt64 {
        var v: UInt64 = 0
        for i in 0..<size {
            let byte = UInt64(b[off + (be ? i : size - 1 - i)])
            v = (v << 8) | byte
        }
        return v
    }

    static func store(_ b: inout [UInt8], _ off: Int, _ size: Int, _ v: UInt64, _ be: Bool) {
        for i in 0..<size {
            let byte = UInt8(truncatingIfNeeded: v >> (8 * UInt64(i)))
            b[off + (be ? size - 1 - i : i)] = byte
        }
    }
}
