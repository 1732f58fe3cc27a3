import Bytes

/// Why an ELF file could not be read. `description` is the text after "sonde <tool>: <path>: ".
public enum ELFError: Error, Equatable, CustomStringConvertible {
    case notELF
    case unsupported(String)
    case malformed(String)
    case bytes(ByteError)
    case noSection(String)

    public var description: String {
        switch self {
        case .notELF: return "not an ELF file"
        case let .unsupported(s): return "unsupported ELF file: \(s)"
        case let .malformed(s): return "malformed ELF file: \(s)"
        case let .bytes(e): return "truncated or malformed ELF file: \(e)"
        case let .noSection(s): return "no section \(s)"
        }
    }
}

/// The ELF file header (ELF32 and ELF64 alike, widened to 64 bits).
public struct ELFHeader: Sendable, Equatable {
    public var is64: Bool
    public var bigEndian: Bool
    public var identVersion: UInt8
    public var osabi: UInt8
    public var abiVersion: UInt8
    public var type: UInt16
    public var machine: UInt16
    public var version: UInt32
    public var entry: UInt64
    public var phoff: UInt64
    public var shoff: UInt64
    public var flags: UInt32
    public var ehsize: UInt16
    public var phentsize: UInt16
    public var phnum: Int
    public var shentsize: UInt16
    public var shnum: Int
    public var shstrndx: Int
    /// The header's own fields before extended numbering was applied (readelf prints both).
    public var rawPhnum: UInt16
    public var rawShnum: UInt16
    public var rawShstrndx: UInt16

    public var wordSize: Int { is64 ? 8 : 4 }
}

public struct ELFSection: Sendable, Equatable {
    public var index: Int
    public var name: String
    public var nameOffset: UInt32
    public var type: UInt32
    public var flags: UInt64
    public var addr: UInt64
    public var offset: UInt64
    public var size: UInt64
    public var link: UInt32
    public var info: UInt32
    public var addralign: UInt64
    public var entsize: UInt64

    public var isAlloc: Bool { flags & SHF.alloc != 0 }
    public var isCompressed: Bool { flags & SHF.compressed != 0 }
    public var hasFileData: Bool { type != SHT.nobits && type != SHT.null }
}

public struct ELFSegment: Sendable, Equatable {
    public var type: UInt32
    public var flags: UInt32
    public var offset: UInt64
    public var vaddr: UInt64
    public var paddr: UInt64
    public var filesz: UInt64
    public var memsz: UInt64
    public var align: UInt64
}

/// A parsed ELF file over a memory-mapped (or in-memory) image. Headers are parsed eagerly and
/// validated; section contents are sliced (and decompressed) on demand.
public final class ELFFile: @unchecked Sendable {
    public let bytes: Bytes
    public let header: ELFHeader
    public let sections: [ELFSection]
    public let segments: [ELFSegment]
    /// Path it was opened from, when it came from a file.
    public let path: String?
    private var decompressed: [Int: Bytes] = [:]

    public convenience init(path: String) throws {
        try self.init(bytes: MappedFile.open(path), path: path)
    }

    public init(bytes raw: Bytes, path: String? = nil) throws(ELFError) {
        self.path = path
        guard raw.count >= 16, (try? raw.u32(0)) == 0x464c_457f || (try? raw.array(0, 4)) == [0x7f, 0x45, 0x4c, 0x46] else {
            throw .notELF
        }
        var b = raw
        do {
            let cls = try b.u8(4), data = try b.u8(5)
            guard cls == 1 || cls == 2 else { throw ELFError.unsupported("class \(cls)") }
            guard data == 1 || data == 2 else { throw ELFError.unsupported("data encoding \(data)") }
            b.bigEndian = data == 2
            let is64 = cls == 2
            var c = Cursor(b, offset: 16)
            var h = ELFHeader(is64: is64, bigEndian: data == 2, identVersion: try b.u8(6), osabi: try b.u8(7), abiVersion: try b.u8(8),
                              type: 0, machine: 0, version: 0, entry: 0, phoff: 0, shoff: 0, flags: 0, ehsize: 0,
                              phentsize: 0, phnum: 0, shentsize: 0, shnum: 0, shstrndx: 0, rawPhnum: 0, rawShnum: 0, rawShstrndx: 0)
            h.type = try c.u16()
            h.machine = try c.u16()
            h.version = try c.u32()
            h.entry = try c.word(is64: is64)
            h.phoff = try c.word(is64: is64)
            h.shoff = try c.word(is64: is64)
            h.flags = try c.u32()
            h.ehsize = try c.u16()
            h.phentsize = try c.u16()
            h.rawPhnum = try c.u16()
            h.shentsize = try c.u16()
            h.rawShnum = try c.u16()
            h.rawShstrndx = try c.u16()
            h.phnum = Int(h.rawPhnum)
            h.shnum = Int(h.rawShnum)
            h.shstrndx = Int(h.rawShstrndx)
            let shdrSize = is64 ? 64 : 40, phdrSize = is64 ? 56 : 32
            // Extended numbering lives in section header 0.
            if h.shoff != 0 && (h.rawShnum == 0 || h.rawShstrndx == 0xffff || h.rawPhnum == 0xffff) {
                guard h.shentsize >= shdrSize else { throw ELFError.malformed("section header size \(h.shentsize)") }
                let s0 = try Self.parseSection(b, at: Int(try checkedOffset(h.shoff)), is64: is64, index: 0)
                if h.rawShnum == 0 { h.shnum = Int(clamping: s0.size) }
                if h.rawShstrndx == 0xffff { h.shstrndx = Int(s0.link) }
                if h.rawPhnum == 0xffff { h.phnum = Int(s0.info) }
            }
            self.header = h

            var secs: [ELFSection] = []
            if h.shoff != 0 && h.shnum > 0 {
                guard h.shentsize >= shdrSize else { throw ELFError.malformed("section header size \(h.shentsize)") }
                let base = try checkedOffset(h.shoff)
                // The table itself must fit: this rejects absurd counts before allocating.
                try b.check(base, h.shnum.multipliedReportingOverflow(by: Int(h.shentsize)).partialValue)
                guard h.shnum <= b.count / Int(h.shentsize) else { throw ELFError.malformed("\(h.shnum) section headers") }
                secs.reserveCapacity(h.shnum)
                for i in 0..<h.shnum {
                    secs.append(try Self.parseSection(b, at: base + i * Int(h.shentsize), is64: is64, index: i))
                }
                if h.shstrndx > 0 && h.shstrndx < secs.count {
                    let strtab = secs[h.shstrndx]
                    if let names = try? b.slice(strtab.offset, strtab.size), strtab.type != SHT.nobits {
                        for i in secs.indices {
                            secs[i].name = (try? names.cString(Int(secs[i].nameOffset))) ?? "<corrupt>"
                        }
                    }
                }
            }
            self.sections = secs

            var segs: [ELFSegment] = []
            if h.phoff != 0 && h.phnum > 0 {
                guard h.phentsize >= phdrSize else { throw ELFError.malformed("program header size \(h.phentsize)") }
                let base = try checkedOffset(h.phoff)
                guard h.phnum <= b.count / Int(h.phentsize) else { throw ELFError.malformed("\(h.phnum) program headers") }
                try b.check(base, h.phnum * Int(h.phentsize))
                segs.reserveCapacity(h.phnum)
                for i in 0..<h.phnum {
                    var p = Cursor(b, offset: base + i * Int(h.phentsize))
                    if is64 {
                        let type = try p.u32(), flags = try p.u32()
                        segs.append(ELFSegment(type: type, flags: flags, offset: try p.u64(), vaddr: try p.u64(), paddr: try p.u64(),
                                               filesz: try p.u64(), memsz: try p.u64(), align: try p.u64()))
                    } else {
                        let type = try p.u32(), offset = UInt64(try p.u32()), vaddr = UInt64(try p.u32()), paddr = UInt64(try p.u32())
                        let filesz = UInt64(try p.u32()), memsz = UInt64(try p.u32()), flags = try p.u32(), align = UInt64(try p.u32())
                        segs.append(ELFSegment(type: type, flags: flags, offset: offset, vaddr: vaddr, paddr: paddr,
                                               filesz: filesz, memsz: memsz, align: align))
                    }
                }
            }
            self.segments = segs
        } catch let e as ELFError {
            throw e
        } catch let e as ByteError {
            throw .bytes(e)
        } catch {
            throw .malformed("\(error)")
        }
        self.bytes = b
    }

    private static func parseSection(_ b: Bytes, at off: Int, is64: Bool, index: Int) throws -> ELFSection {
        var c = Cursor(b, offset: off)
        let name = try c.u32(), type = try c.u32()
        let flags = try c.word(is64: is64), addr = try c.word(is64: is64), offset = try c.word(is64: is64), size = try c.word(is64: is64)
        let link = try c.u32(), info = try c.u32()
        let align = try c.word(is64: is64), entsize = try c.word(is64: is64)
        return ELFSection(index: index, name: "", nameOffset: name, type: type, flags: flags, addr: addr, offset: offset,
                          size: size, link: link, info: info, addralign: align, entsize: entsize)
    }

    public var is64: Bool { header.is64 }
    public var machine: UInt16 { header.machine }

    /// The first section called `name`.
    public func section(named name: String) -> ELFSection? {
        sections.first { $0.name == name }
    }

    /// The section's bytes exactly as stored in the file (empty for SHT_NOBITS).
    public func rawData(_ s: ELFSection) throws(ELFError) -> Bytes {
        if !s.hasFileData { return Bytes.empty }
        return try wrap { try bytes.slice(s.offset, s.size) }
    }

    /// The section's contents, decompressed when SHF_COMPRESSED (zlib, zstd) or a legacy `.zdebug_*`.
    public func data(_ s: ELFSection) throws -> Bytes {
        let raw = try rawData(s)
        let legacy = s.name.hasPrefix(".zdebug") && raw.count >= 12 && (try? raw.array(0, 4)) == Array("ZLIB".utf8)
        guard s.isCompressed || legacy else { return raw }
        if let d = decompressed[s.index] { return d }
        var out: Bytes
        if legacy {
            var be = raw
            be.bigEndian = true
            let size = try wrap { try be.u64(4) }
            guard size <= UInt64(Decompress.maxOutput) else { throw DecompressError.tooLarge(Int(clamping: size)) }
            out = try Decompress.zlib(try wrap { try raw.slice(from: 12) }, size: Int(size))
        } else {
            var c = Cursor(raw)
            let type = try wrap { try c.u32() }
            if is64 { _ = try wrap { try c.u32() } }
            let size = try wrap { try c.word(is64: is64) }
            _ = try wrap { try c.word(is64: is64) }
            guard size <= UInt64(Decompress.maxOutput) else { throw DecompressError.tooLarge(Int(clamping: size)) }
            let payload = try wrap { try raw.slice(from: c.offset) }
            switch type {
            case 1: out = try Decompress.zlib(payload, size: Int(size))
            case 2: out = try Decompress.zstd(payload, size: Int(size))
            default: throw ELFError.unsupported("compression type \(type) in \(s.name)")
            }
        }
        out.bigEndian = bytes.bigEndian
        decompressed[s.index] = out
        return out
    }

    /// Contents of the first section called `name` (decompressed), or nil when absent.
    public func data(named name: String) throws -> Bytes? {
        if let s = section(named: name) { return try data(s) }
        if name.hasPrefix(".debug_"), let z = section(named: ".zdebug_" + name.dropFirst(7)) { return try data(z) }
        return nil
    }

    /// Bytes of the file at a virtual address range, through the PT_LOAD segments (or sections when there are none).
    public func bytes(atAddress addr: UInt64, count: Int) throws(ELFError) -> Bytes {
        for p in segments where p.type == PT.load && addr >= p.vaddr && addr - p.vaddr < p.filesz {
            let off = p.offset &+ (addr - p.vaddr)
            guard UInt64(count) <= p.filesz - (addr - p.vaddr) else { break }
            return try wrap { try bytes.slice(off, UInt64(count)) }
        }
        for s in sections where s.isAlloc && s.hasFileData && addr >= s.addr && addr - s.addr < s.size {
            guard UInt64(count) <= s.size - (addr - s.addr) else { break }
            return try wrap { try bytes.slice(s.offset &+ (addr - s.addr), UInt64(count)) }
        }
        throw .malformed(String(format0x: addr) + " is not in any loaded part of the file")
    }
}

@inline(__always)
func wrap<T>(_ body: () throws -> T) throws(ELFError) -> T {
    do { return try body() } catch let e as ByteError { throw .bytes(e) } catch let e as ELFError { throw e } catch {
        throw .malformed("\(error)")
    }
}

func checkedOffset(_ v: UInt64) throws(ELFError) -> Int {
    guard v <= UInt64(Int.max) else { throw .malformed("offset \(v)") }
    return Int(v)
}

extension String {
    /// "0x" + lowercase hex.
    public init(format0x v: UInt64) { self = "0x" + String(v, radix: 16) }
}
