import Bytes
import ELF

/// The call frame information of one ELF file: .eh_frame (searched through .eh_frame_hdr when present)
/// and .debug_frame. Addresses are file (link-time) addresses.
public final class CallFrameInfo {
    public let arch: Architecture?
    public let ehFrame: FrameSection?
    public let debugFrame: FrameSection?

    /// The unwind rules found for a file address, remembered: profilers unwind the same few hundred
    /// addresses thousands of times, and running the FDE's CFA program each time dominated.
    public struct Rules {
        public let section: FrameSection
        public let fde: FDE
        public let cie: CIE
        public let row: UnwindRow
    }
    private var rulesCache: [UInt64: Rules?] = [:]

    /// `find` plus the CIE and the row at `pc`, cached per address (nil: no FDE covers it).
    public func rules(at pc: UInt64) throws(CFIError) -> Rules? {
        if let hit = rulesCache[pc] { return hit }
        var r: Rules? = nil
        if let (section, fde) = try find(pc) {
            r = Rules(section: section, fde: fde, cie: try section.cie(at: fde.cieOffset), row: try section.row(fde, at: pc))
        }
        if rulesCache.count > 1 << 16 { rulesCache.removeAll(keepingCapacity: true) }
        rulesCache[pc] = r
        return r
    }

    public init(ehFrame: FrameSection?, debugFrame: FrameSection?, arch: Architecture?) {
        self.ehFrame = ehFrame
        self.debugFrame = debugFrame
        self.arch = arch
    }

    /// Finds the frame sections of `elf`. A malformed .eh_frame_hdr is ignored (the FDE index is built instead);
    /// unreadable sections are left out.
    public init(elf: ELFFile) {
        arch = Architecture(machine: elf.machine)
        let size = elf.header.wordSize
        var eh: FrameSection? = nil
        let text = elf.section(named: ".text")?.addr
        let got = elf.section(named: ".got")?.addr
        if let s = elf.section(named: ".eh_frame"), s.type != SHT.nobits, let b = try? elf.data(s) {
            eh = FrameSection(kind: .ehFrame, bytes: b, address: s.addr, addressSize: size)
            if let h = elf.section(named: ".eh_frame_hdr"), let hb = try? elf.data(h),
               let hdr = try? EhFrameHeader.parse(hb, address: h.addr, addressSize: size), hdr.ehFramePointer == s.addr {
                eh?.header = hdr
            }
        } else if let p = elf.segments.first(where: { $0.type == PT.gnuEhFrame }),
                  let hb = try? elf.bytes(atAddress: p.vaddr, count: Int(clamping: p.filesz)),
                  let hdr = try? EhFrameHeader.parse(hb, address: p.vaddr, addressSize: size),
                  let load = elf.segments.first(where: { $0.type == PT.load && hdr.ehFramePointer >= $0.vaddr && hdr.ehFramePointer - $0.vaddr < $0.filesz }) {
            // No section headers (a memory image): .eh_frame runs from the header's pointer to the end of its segment.
            let len = load.filesz - (hdr.ehFramePointer - load.vaddr)
            if let b = try? elf.bytes(atAddress: hdr.ehFramePointer, count: Int(clamping: len)) {
                eh = FrameSection(kind: .ehFrame, bytes: b, address: hdr.ehFramePointer, addressSize: size)
                eh?.header = hdr
            }
        }
        eh?.textBase = text
        eh?.dataBase = got
        ehFrame = eh
        if let s = elf.section(named: ".debug_frame"), s.type != SHT.nobits, let b = try? elf.data(s) {
            debugFrame = FrameSection(kind: .debugFrame, bytes: b, address: 0, addressSize: size)
        } else {
            debugFrame = nil
        }
    }

    /// The FDE covering `pc` and the section holding it (.eh_frame first, then .debug_frame).
    public func find(_ pc: UInt64) throws(CFIError) -> (section: FrameSection, fde: FDE)? {
        var firstError: CFIError? = nil
        for s in [ehFrame, debugFrame] {
            guard let s else { continue }
            do {
                if let f = try s.findFDE(pc) { return (s, f) }
            } catch {
                if firstError == nil { firstError = error }
            }
        }
        if let firstError { throw firstError }
        return nil
    }
}
