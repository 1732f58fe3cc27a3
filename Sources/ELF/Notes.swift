import Bytes

/// One ELF note (name, type, descriptor bytes).
public struct ELFNote: Sendable {
    public var name: String
    public var type: UInt32
    public var desc: Bytes
}

/// Note types (NT_*) sonde interprets.
public enum NT {
    public static let gnuABITag: UInt32 = 1, gnuHwcap: UInt32 = 2, gnuBuildID: UInt32 = 3, gnuGoldVersion: UInt32 = 4
    public static let gnuPropertyType0: UInt32 = 5
    public static let prstatus: UInt32 = 1, fpregset: UInt32 = 2, prpsinfo: UInt32 = 3, auxv: UInt32 = 6
    public static let siginfo: UInt32 = 0x5349_4749, file: UInt32 = 0x4649_4c45, x86Xstate: UInt32 = 0x202
    public static let stapsdt: UInt32 = 3
}

extension ELFFile {
    /// Parses a run of notes (a SHT_NOTE section or PT_NOTE segment). `align` is 4 or 8.
    public static func parseNotes(_ data: Bytes, align: Int) throws(ELFError) -> [ELFNote] {
        let a = align == 8 ? 8 : 4
        func up(_ n: Int) -> Int { (n + a - 1) & ~(a - 1) }
        var out: [ELFNote] = []
        var off = 0
        while data.count - off >= 12 {
            let (namesz, descsz, type) = try wrap { (Int(try data.u32(off)), Int(try data.u32(off + 4)), try data.u32(off + 8)) }
            let nameOff = off + 12
            guard namesz <= data.count, descsz <= data.count else { throw .malformed("note sizes \(namesz), \(descsz)") }
            let descOff = up(nameOff + namesz)
            let nameBytes = try wrap { try data.array(nameOff, namesz) }
            let name = String(decoding: nameBytes.prefix { $0 != 0 }, as: UTF8.self)
            let desc = try wrap { try data.slice(descOff, descsz) }
            out.append(ELFNote(name: name, type: type, desc: desc))
            off = up(descOff + descsz)
        }
        return out
    }

    /// All notes, from SHT_NOTE sections when there are sections, else from PT_NOTE segments (cores).
    public func notes() throws(ELFError) -> [ELFNote] {
        var out: [ELFNote] = []
        let noteSections = sections.filter { $0.type == SHT.note }
        if !noteSections.isEmpty {
            for s in noteSections { out += try Self.parseNotes(try rawData(s), align: Int(clamping: s.addralign)) }
        } else {
            for p in segments where p.type == PT.note {
                out += try Self.parseNotes(try wrap { try bytes.slice(p.offset, p.filesz) }, align: Int(clamping: p.align))
            }
        }
        return out
    }

    /// The GNU build-id as lowercase hex, if the file has one.
    public func buildID() -> String? {
        guard let n = (try? notes())?.first(where: { $0.name == "GNU" && $0.type == NT.gnuBuildID }) else { return nil }
        return n.desc.array.map { b in (b < 16 ? "0" : "") + String(b, radix: 16) }.joined()
    }
}
