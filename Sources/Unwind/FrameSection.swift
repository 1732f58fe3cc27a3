import Bytes

/// A Common Information Entry.
public struct CIE: Sendable, Equatable {
    public var offset: Int
    /// Length field value (bytes after the length field).
    public var length: UInt64
    public var is64BitFormat: Bool
    public var version: UInt8
    public var augmentation: String
    public var addressSize: Int
    public var segmentSize: UInt8
    public var codeAlignment: UInt64
    public var dataAlignment: Int64
    public var returnAddressRegister: UInt16
    /// Encoding of FDE addresses ('R'); absptr when absent.
    public var fdeEncoding: UInt8
    public var lsdaEncoding: UInt8
    public var personalityEncoding: UInt8
    public var personality: UInt64?
    /// 'S': frames of this CIE are signal trampolines (the pc is exact, not a return address).
    public var isSignalFrame: Bool
    /// 'z': FDEs carry augmentation data with a length.
    public var hasAugmentationData: Bool
    /// 'B': AArch64 return addresses are signed with the B key.
    public var usesBKey: Bool
    /// Initial instructions: section offsets [start, end).
    public var instructions: Range<Int>
    /// Offset just past this entry.
    public var end: Int
}

/// A Frame Description Entry.
public struct FDE: Sendable, Equatable {
    public var offset: Int
    public var length: UInt64
    public var is64BitFormat: Bool
    public var cieOffset: Int
    public var pcBegin: UInt64
    public var pcRange: UInt64
    public var lsda: UInt64?
    public var instructions: Range<Int>
    public var end: Int

    public var pcEnd: UInt64 { pcBegin &+ pcRange }
    public func contains(_ pc: UInt64) -> Bool { pc >= pcBegin && pc - pcBegin < pcRange }
}

/// One entry of a frame section, in file order.
public enum FrameEntry: Sendable, Equatable {
    case cie(CIE)
    case fde(FDE)
    /// A zero length word (end of .eh_frame, or padding).
    case terminator(offset: Int)
}

/// A .eh_frame or .debug_frame section: entries parsed on demand, CIEs cached,
/// FDE lookup by pc through .eh_frame_hdr's sorted table or an index built once.
public final class FrameSection {
    public enum Kind: Sendable { case ehFrame, debugFrame }

    public let kind: Kind
    public let bytes: Bytes
    /// Address of the section's first byte (for pcrel encodings).
    public let address: UInt64
    /// Address size of the file (4 or 8); debug_frame v4 CIEs may override it.
    public let addressSize: Int
    public var textBase: UInt64?
    public var dataBase: UInt64?
    /// The .eh_frame_hdr search table, when there is a usable one.
    var header: EhFrameHeader?
    private var cieCache: [Int: CIE] = [:]
    var initialStates: [Int: CFAMachine.State] = [:]
    private var index: [(begin: UInt64, end: UInt64, offset: Int)]?

    public init(kind: Kind, bytes: Bytes, address: UInt64, addressSize: Int) {
        self.kind = kind
        self.bytes = bytes
        self.address = address
        self.addressSize = addressSize
    }

    var context: PointerContext {
        PointerContext(addressSize: addressSize, sectionAddress: address, textBase: textBase, dataBase: dataBase)
    }

    /// Reads the length word and the CIE id/pointer at `offset`. nil for a terminator.
    private func entryHeader(_ offset: Int) throws(CFIError) -> (length: UInt64, is64: Bool, body: Int, end: Int, id: UInt64, idOffset: Int)? {
        var c = Cursor(bytes, offset: offset)
        var length = UInt64(try cfi { try c.u32() })
        var is64 = false
        if length == 0xffff_ffff {
            length = try cfi { try c.u64() }
            is64 = true
        } else if length >= 0xffff_fff0 {
            throw .malformed(offset: offset, reason: "reserved length 0x\(String(length, radix: 16))")
        }
        if length == 0 { return nil }
        let body = c.offset
        guard length <= UInt64(bytes.count - body) else {
            throw .malformed(offset: offset, reason: "length \(length) runs past the end of the section")
        }
        let end = body + Int(length)
        let idOffset = c.offset
        let id: UInt64
        if is64 { id = try cfi { try c.u64() } } else { id = UInt64(try cfi { try c.u32() }) }
        guard c.offset <= end else { throw .malformed(offset: offset, reason: "entry too short") }
        return (length, is64, body, end, id, idOffset)
    }

    private func isCIEId(_ id: UInt64, is64: Bool) -> Bool {
        switch kind {
        case .ehFrame: return id == 0
        case .debugFrame: return is64 ? id == UInt64.max : id == 0xffff_ffff
        }
    }

    /// The entry at `offset` and the offset of the next one.
    public func entry(at offset: Int) throws(CFIError) -> (entry: FrameEntry, next: Int) {
        guard let h = try entryHeader(offset) else {
            return (.terminator(offset: offset), offset + 4)
        }
        if isCIEId(h.id, is64: h.is64) {
            return (.cie(try cie(at: offset)), h.end)
        }
        return (.fde(try fde(at: offset)), h.end)
    }

    /// All entries in file order (stops at the first error, which is returned).
    public func entries() -> (entries: [FrameEntry], error: CFIError?) {
        var out: [FrameEntry] = []
        var off = 0
        while off < bytes.count {
            do {
                let (e, next) = try entry(at: off)
                out.append(e)
                guard next > off else { return (out, .malformed(offset: off, reason: "entry does not advance")) }
                off = next
            } catch {
                return (out, error)
            }
        }
        return (out, nil)
    }

    /// The CIE at `offset` (cached).
    public func cie(at offset: Int) throws(CFIError) -> CIE {
        if let c = cieCache[offset] { return c }
        guard offset >= 0, offset < bytes.count, let h = try entryHeader(offset) else {
            throw .malformed(offset: offset, reason: "no CIE here")
        }
        guard isCIEId(h.id, is64: h.is64) else { throw .malformed(offset: offset, reason: "not a CIE") }
        let entryBytes = try cfi { try bytes.slice(0, h.end) }
        var c = Cursor(entryBytes, offset: h.idOffset + (h.is64 ? 8 : 4))
        let version = try cfi { try c.u8() }
        guard version == 1 || version == 3 || version == 4 else {
            throw .malformed(offset: offset, reason: "CIE version \(version)")
        }
        let augStart = c.offset
        let augLength = try cfi { try entryBytes.cStringLength(augStart) }
        guard augLength < 32 else { throw .unsupportedAugmentation("(too long)", offset: offset) }
        let aug = try cfi { try entryBytes.cString(augStart) }
        c.offset += augLength + 1
        var addressSize = self.addressSize
        var segmentSize: UInt8 = 0
        if version == 4 {
            addressSize = Int(try cfi { try c.u8() })
            segmentSize = try cfi { try c.u8() }
            guard addressSize == 4 || addressSize == 8 else { throw .malformed(offset: offset, reason: "address size \(addressSize)") }
        }
        if aug == "eh" { // ancient GCC: a pointer-sized exception table address
            c.offset += addressSize
        }
        let codeAlign = try cfi { try c.uleb() }
        let dataAlign = try cfi { try c.sleb() }
        let ra: UInt64 = version == 1 ? UInt64(try cfi { try c.u8() }) : try cfi { try c.uleb() }
        guard ra <= UInt64(UInt16.max) else { throw .malformed(offset: offset, reason: "return address register \(ra)") }
        var cie = CIE(offset: offset, length: h.length, is64BitFormat: h.is64, version: version, augmentation: aug,
                      addressSize: addressSize, segmentSize: segmentSize, codeAlignment: codeAlign, dataAlignment: dataAlign,
                      returnAddressRegister: UInt16(ra), fdeEncoding: DW_EH_PE.absptr, lsdaEncoding: DW_EH_PE.omit,
                      personalityEncoding: DW_EH_PE.omit, personality: nil, isSignalFrame: false, hasAugmentationData: false,
                      usesBKey: false, instructions: 0..<0, end: h.end)
        var ctx = context
        ctx.addressSize = addressSize
        if aug.hasPrefix("z") {
            cie.hasAugmentationData = true
            let len = try cfi { try c.uleb() }
            guard len <= UInt64(h.end - c.offset) else { throw .malformed(offset: offset, reason: "augmentation data length \(len)") }
            let dataEnd = c.offset + Int(len)
            letters: for ch in aug.utf8.dropFirst() {
                switch ch {
                case UInt8(ascii: "L"):
                    cie.lsdaEncoding = try cfi { try c.u8() }
                    guard PointerReader.valid(cie.lsdaEncoding) else { throw .badPointerEncoding(cie.lsdaEncoding, offset: c.offset - 1) }
                case UInt8(ascii: "P"):
                    let enc = try cfi { try c.u8() }
                    cie.personalityEncoding = enc
                    var pc = Cursor(entryBytes, offset: c.offset)
                    cie.personality = try PointerReader.read(&pc, enc, ctx).value
                    c.offset = pc.offset
                case UInt8(ascii: "R"):
                    cie.fdeEncoding = try cfi { try c.u8() }
                    guard cie.fdeEncoding != DW_EH_PE.omit, PointerReader.valid(cie.fdeEncoding) else {
                        throw .badPointerEncoding(cie.fdeEncoding, offset: c.offset - 1)
                    }
                case UInt8(ascii: "S"): cie.isSignalFrame = true
                case UInt8(ascii: "B"): cie.usesBKey = true
                case UInt8(ascii: "G"): break // AArch64 MTE tagged stack frames
                default:
                    // An unknown letter: its data cannot be decoded, but the length lets us skip the rest.
                    c.offset = dataEnd
                    break letters
                }
            }
            guard c.offset <= dataEnd else { throw .malformed(offset: offset, reason: "augmentation data overruns its length") }
            c.offset = dataEnd
        } else if !aug.isEmpty && aug != "eh" {
            throw .unsupportedAugmentation(aug, offset: offset)
        }
        guard c.offset <= h.end else { throw .malformed(offset: offset, reason: "CIE header overruns the entry") }
        cie.instructions = c.offset..<h.end
        if cieCache.count < 4096 { cieCache[offset] = cie }
        return cie
    }

    /// The FDE at `offset`.
    public func fde(at offset: Int) throws(CFIError) -> FDE {
        guard offset >= 0, offset < bytes.count, let h = try entryHeader(offset) else {
            throw .malformed(offset: offset, reason: "no FDE here")
        }
        guard !isCIEId(h.id, is64: h.is64) else { throw .malformed(offset: offset, reason: "not an FDE") }
        let cieOffset: Int
        switch kind {
        case .ehFrame:
            // Relative to the CIE pointer field itself, pointing backwards.
            guard h.id <= UInt64(h.idOffset) else { throw .badCIEPointer(fde: offset, cie: -1) }
            cieOffset = h.idOffset - Int(h.id)
        case .debugFrame:
            guard h.id < UInt64(bytes.count) else { throw .badCIEPointer(fde: offset, cie: Int(clamping: h.id)) }
            cieOffset = Int(h.id)
        }
        guard cieOffset != offset else { throw .badCIEPointer(fde: offset, cie: cieOffset) }
        let cie: CIE
        do { cie = try self.cie(at: cieOffset) } catch { throw .badCIEPointer(fde: offset, cie: cieOffset) }
        let entryBytes = try cfi { try bytes.slice(0, h.end) }
        var c = Cursor(entryBytes, offset: h.idOffset + (h.is64 ? 8 : 4))
        var ctx = context
        ctx.addressSize = cie.addressSize
        let enc = kind == .ehFrame ? cie.fdeEncoding : DW_EH_PE.absptr
        if kind == .debugFrame && cie.segmentSize > 0 {
            c.offset += Int(cie.segmentSize)
        }
        let begin = try PointerReader.read(&c, enc, ctx).value
        let range = try PointerReader.read(&c, enc & 0x0f, ctx, valueOnly: true).value
        var lsda: UInt64? = nil
        if cie.hasAugmentationData {
            let len = try cfi { try c.uleb() }
            guard len <= UInt64(h.end - c.offset) else { throw .malformed(offset: offset, reason: "augmentation data length \(len)") }
            let dataEnd = c.offset + Int(len)
            if cie.lsdaEncoding != DW_EH_PE.omit && len > 0 {
                var lc = Cursor(try cfi { try entryBytes.slice(0, dataEnd) }, offset: c.offset)
                ctx.funcBase = begin
                // A zero LSDA means none (the encoding may be pcrel).
                let raw = try cfi { try entryBytes.slice(c.offset, min(dataEnd - c.offset, 8)) }
                if raw.array.contains(where: { $0 != 0 }) { lsda = try PointerReader.read(&lc, cie.lsdaEncoding, ctx).value }
            }
            c.offset = dataEnd
        }
        guard c.offset <= h.end else { throw .malformed(offset: offset, reason: "FDE header overruns the entry") }
        return FDE(offset: offset, length: h.length, is64BitFormat: h.is64, cieOffset: cieOffset, pcBegin: begin, pcRange: range,
                   lsda: lsda, instructions: c.offset..<h.end, end: h.end)
    }

    /// Sorted (begin, end, offset) of every FDE; built on first use when there is no search table.
    public func fdeIndex() -> [(begin: UInt64, end: UInt64, offset: Int)] {
        if let index { return index }
        var list: [(begin: UInt64, end: UInt64, offset: Int)] = []
        var off = 0
        var guardCount = 0
        while off < bytes.count && guardCount < 10_000_000 {
            guardCount += 1
            guard let h = try? entryHeader(off) else {
                // A terminator in .eh_frame ends the list; unreadable headers end the walk.
                if kind == .ehFrame { break }
                if (try? bytes.u32(off)) == 0 { off += 4; continue }
                break
            }
            if !isCIEId(h.id, is64: h.is64), let f = try? fde(at: off), f.pcRange > 0 {
                list.append((f.pcBegin, f.pcEnd, off))
            }
            off = h.end
        }
        list.sort { $0.begin < $1.begin }
        index = list
        return list
    }

    /// The FDE covering `pc` (an address in this file's address space).
    public func findFDE(_ pc: UInt64) throws(CFIError) -> FDE? {
        if let header, let addr = header.lookup(pc) {
            guard addr >= address, addr - address < UInt64(bytes.count) else { return try findInIndex(pc) }
            let f = try fde(at: Int(addr - address))
            if f.contains(pc) { return f }
            return nil
        } else if header != nil {
            return nil
        }
        return try findInIndex(pc)
    }

    private func findInIndex(_ pc: UInt64) throws(CFIError) -> FDE? {
        let idx = fdeIndex()
        var lo = 0, hi = idx.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if idx[mid].begin <= pc { lo = mid + 1 } else { hi = mid }
        }
        var i = lo - 1
        var tries = 0
        while i >= 0 && tries < 4 {
            if pc >= idx[i].begin && pc < idx[i].end { return try fde(at: idx[i].offset) }
            i -= 1
            tries += 1
        }
        return nil
    }
}

/// The binary search table of .eh_frame_hdr.
struct EhFrameHeader {
    let bytes: Bytes
    let address: UInt64
    let ehFramePointer: UInt64
    let tableEncoding: UInt8
    let count: Int
    let tableOffset: Int
    let entrySize: Int
    let addressSize: Int

    /// Parses the header; nil when it has no usable (fixed-size, sorted) table. Throws on malformed bytes.
    static func parse(_ bytes: Bytes, address: UInt64, addressSize: Int) throws(CFIError) -> EhFrameHeader? {
        var c = Cursor(bytes)
        let version = try cfi { try c.u8() }
        guard version == 1 else { throw .malformed(offset: 0, reason: "eh_frame_hdr version \(version)") }
        let ptrEnc = try cfi { try c.u8() }, countEnc = try cfi { try c.u8() }, tableEnc = try cfi { try c.u8() }
        let ctx = PointerContext(addressSize: addressSize, sectionAddress: address, dataBase: address)
        let ehPtr = try PointerReader.read(&c, ptrEnc, ctx).value
        guard countEnc != DW_EH_PE.omit, tableEnc != DW_EH_PE.omit else { return nil }
        let count = try PointerReader.read(&c, countEnc, ctx).value
        guard tableEnc & 0x70 == DW_EH_PE.datarel || tableEnc & 0x70 == 0,
              let size = PointerReader.fixedSize(tableEnc, addressSize: addressSize), tableEnc & DW_EH_PE.indirect == 0 else { return nil }
        let entry = 2 * size
        guard count <= UInt64(bytes.count / entry), UInt64(c.offset) + count * UInt64(entry) <= UInt64(bytes.count) else {
            throw .malformed(offset: c.offset, reason: "eh_frame_hdr table of \(count) entries runs past the end")
        }
        return EhFrameHeader(bytes: bytes, address: address, ehFramePointer: ehPtr, tableEncoding: tableEnc, count: Int(count),
                             tableOffset: c.offset, entrySize: entry, addressSize: addressSize)
    }

    private func read(_ i: Int, second: Bool) -> UInt64? {
        let at = tableOffset + i * entrySize + (second ? entrySize / 2 : 0)
        if tableEncoding == 0x3b {  // datarel sdata4: what every linker writes
            guard let v = try? bytes.u32(at) else { return nil }
            return address &+ UInt64(bitPattern: Int64(Int32(bitPattern: v)))
        }
        var c = Cursor(bytes, offset: tableOffset + i * entrySize + (second ? entrySize / 2 : 0))
        let ctx = PointerContext(addressSize: addressSize, sectionAddress: address, dataBase: address)
        return try? PointerReader.read(&c, tableEncoding, ctx).value
    }

    /// Address of the FDE whose initial location is the greatest one <= pc.
    func lookup(_ pc: UInt64) -> UInt64? {
        var lo = 0, hi = count
        while lo < hi {
            let mid = (lo + hi) / 2
            guard let v = read(mid, second: false) else { return nil }
            if v <= pc { lo = mid + 1 } else { hi = mid }
        }
        guard lo > 0 else { return nil }
        return read(lo - 1, second: true)
    }
}
