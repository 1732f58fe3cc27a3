import Bytes
import ELF
import Testing
@testable import Unwind

/// Little-endian builders for hand-made frame sections.
func le32(_ v: UInt32) -> [UInt8] { withUnsafeBytes(of: v.littleEndian, Array.init) }
func le64(_ v: UInt64) -> [UInt8] { withUnsafeBytes(of: v.littleEndian, Array.init) }
func uleb(_ v: UInt64) -> [UInt8] {
    var v = v, out: [UInt8] = []
    repeat { var b = UInt8(v & 0x7f); v >>= 7; if v != 0 { b |= 0x80 }; out.append(b) } while v != 0
    return out
}
func sleb(_ v: Int64) -> [UInt8] {
    var v = v, out: [UInt8] = []
    while true {
        let b = UInt8(v & 0x7f); v >>= 7
        if (v == 0 && b & 0x40 == 0) || (v == -1 && b & 0x40 != 0) { out.append(b); return out }
        out.append(b | 0x80)
    }
}

/// An x86_64-style .eh_frame CIE ("zR", FDE encoding `enc`) with the given initial instructions.
func ehCIE(aug: String = "zR", augData: [UInt8] = [0x1b], version: UInt8 = 1, instructions: [UInt8]) -> [UInt8] {
    var body: [UInt8] = le32(0) + [version] + Array(aug.utf8) + [0] + uleb(1) + sleb(-8) + [16]
    if aug.hasPrefix("z") { body += uleb(UInt64(augData.count)) + augData }
    body += instructions
    while (body.count + 4) % 8 != 0 { body.append(0) }
    return le32(UInt32(body.count)) + body
}

/// An .eh_frame FDE at `offset` pointing to the CIE at 0, pcrel sdata4 begin.
func ehFDE(at offset: Int, sectionAddress: UInt64, begin: UInt64, range: UInt32, instructions: [UInt8]) -> [UInt8] {
    let cieField = offset + 4
    let beginField = UInt64(offset + 8)
    let rel = Int64(bitPattern: begin) - Int64(bitPattern: sectionAddress + beginField)
    var body = le32(UInt32(cieField)) + le32(UInt32(truncatingIfNeeded: rel)) + le32(range) + uleb(0) + instructions
    while (body.count + 4) % 8 != 0 { body.append(0) }
    return le32(UInt32(body.count)) + body
}

let cieInit: [UInt8] = [0x0c, 7, 8, 0x90, 1]  // def_cfa rsp+8; offset rip at cfa-8

func section(_ bytes: [UInt8], address: UInt64 = 0x1000, kind: FrameSection.Kind = .ehFrame) -> FrameSection {
    FrameSection(kind: kind, bytes: Bytes(bytes), address: address, addressSize: 8)
}

@Suite struct CFIUnitTests {
    @Test func rowsOfAHandMadeFDE() throws {
        let cie = ehCIE(instructions: cieInit)
        // push rbp at +1: cfa rsp+16, rbp at cfa-16; remember; +4 cfa rsp+8, restore rbp; +1 restore_state.
        let ins: [UInt8] = [0x41, 0x0e, 16, 0x86, 2, 0x44, 0x0a, 0x0e, 8, 0xc6, 0x41, 0x0b]
        let fde = ehFDE(at: cie.count, sectionAddress: 0x1000, begin: 0x4000, range: 0x20, instructions: ins)
        let fs = section(cie + fde + le32(0))
        let f = try #require(try fs.findFDE(0x4005))
        #expect(f.pcBegin == 0x4000 && f.pcEnd == 0x4020)
        let rows = try fs.rows(f)
        #expect(rows.map(\.location) == [0x4000, 0x4001, 0x4005, 0x4006])
        #expect(rows[1].cfa == .registerOffset(register: 7, offset: 16))
        #expect(rows[1].registers[6] == .offset(-16))
        #expect(rows[2].registers[6] == nil)
        #expect(rows[3].registers[6] == .offset(-16))
        #expect(rows[3].cfa == .registerOffset(register: 7, offset: 16))
        #expect(try fs.row(f, at: 0x4005) == UnwindRow(location: 0x4005, end: 0x4020, cfa: .registerOffset(register: 7, offset: 8),
                                                       registers: rows[2].registers))
        #expect(try fs.findFDE(0x4020) == nil)
        #expect(try fs.findFDE(0x3fff) == nil)
    }

    @Test func signalFrameAndPointerEncodings() throws {
        // "zPLRS": personality udata4 absolute, LSDA pcrel sdata4, FDE udata8 absolute; signal frame.
        let aug: [UInt8] = [0x03] + le32(0xdead) + [0x1b, 0x04]
        let cie = ehCIE(aug: "zPLRS", augData: aug, instructions: cieInit)
        let fs = section(cie)
        let c = try fs.cie(at: 0)
        #expect(c.isSignalFrame)
        #expect(c.personality == 0xdead)
        #expect(c.lsdaEncoding == 0x1b && c.fdeEncoding == 0x04)
        // Every encoding reads what it should.
        let ctx = PointerContext(addressSize: 8, sectionAddress: 0x1000, textBase: 0x100, dataBase: 0x200, funcBase: 0x300)
        func read(_ enc: UInt8, _ b: [UInt8]) throws -> UInt64 {
            var cur = Cursor(Bytes(b))
            return try PointerReader.read(&cur, enc, ctx).value
        }
        #expect(try read(0x00, le64(5)) == 5)
        #expect(try read(0x01, uleb(300)) == 300)
        #expect(try read(0x02, [1, 2]) == 0x201)
        #expect(try read(0x09, sleb(-2)) == UInt64(bitPattern: -2))
        #expect(try read(0x0a, [0xfe, 0xff]) == UInt64(bitPattern: -2))
        #expect(try read(0x0b, le32(UInt32(bitPattern: -4))) == UInt64(bitPattern: -4))
        #expect(try read(0x1b, le32(0x10)) == 0x1010)  // pcrel from the field at 0x1000
        #expect(try read(0x23, le32(1)) == 0x101)  // textrel
        #expect(try read(0x33, le32(1)) == 0x201)  // datarel
        #expect(try read(0x43, le32(1)) == 0x301)  // funcrel
        #expect(try read(0x50, le64(7)) == 7)  // aligned (0x1000 is aligned)
        var cur = Cursor(Bytes(le64(9)))
        #expect(try PointerReader.read(&cur, 0x80, ctx).indirect)
        #expect(throws: CFIError.self) { try read(0x07, [0, 0, 0, 0]) }
        #expect(throws: CFIError.self) { try read(0x63, le32(1)) }
        #expect(throws: CFIError.self) { try read(0x23, le32(1) + []) == 0 && false ? 0 : read(0x3b, []) }
    }

    @Test func debugFrameVersion4And64BitFormat() throws {
        // 64-bit DWARF CIE (id all ones), version 4 with address size 8, segment size 0.
        var cieBody: [UInt8] = le64(UInt64.max) + [4] + [0] + [8, 0] + uleb(4) + sleb(-8) + uleb(30) + [0x0c, 31, 0]
        while cieBody.count % 8 != 4 { cieBody.append(0) }
        let cie = le32(0xffff_ffff) + le64(UInt64(cieBody.count)) + cieBody
        var fdeBody: [UInt8] = le64(0) + le64(0x400000) + le64(0x40) + [0x44 /* advance 4*4 */, 0x0e, 16, 0x9d, 2, 0x9e, 1]
        fdeBody += [0x2d]  // AArch64 negate_ra_state
        let fde = le32(0xffff_ffff) + le64(UInt64(fdeBody.count)) + fdeBody
        let fs = section(cie + fde, address: 0, kind: .debugFrame)
        let c = try fs.cie(at: 0)
        #expect(c.version == 4 && c.is64BitFormat && c.addressSize == 8 && c.returnAddressRegister == 30 && c.codeAlignment == 4)
        let f = try #require(try fs.findFDE(0x400020))
        let rows = try fs.rows(f)
        #expect(rows.map(\.location) == [0x400000, 0x400010])
        #expect(rows[1].registers[29] == .offset(-16) && rows[1].registers[30] == .offset(-8))
        #expect(rows[1].returnAddressSigned && !rows[0].returnAddressSigned)
    }

    @Test func expressions() throws {
        let regs: (UInt16) -> UInt64? = { $0 == 7 ? 0x7000 : $0 == 16 ? 0x13 : nil }
        let mem = BufferMemory(base: 0x7000, bytes: le64(0x1122) + le64(0x3344))
        let e = ExpressionEvaluator(addressSize: 8, registers: regs, memory: mem)
        // The PLT CFA expression: rsp+8 + ((rip & 15) >= 11) << 3
        let plt: [UInt8] = [0x77, 8, 0x80, 0, 0x3f, 0x1a, 0x3b, 0x2a, 0x33, 0x24, 0x22]
        #expect(try e.evaluate(Bytes(plt)) == 0x7008)
        #expect(try e.evaluate(Bytes([0x77, 0, 0x06])) == 0x1122)  // breg7 0; deref
        #expect(try e.evaluate(Bytes([0x23, 8, 0x06]), initial: [0x7000]) == 0x3344)  // plus_uconst 8; deref
        #expect(try e.evaluate(Bytes([0x31, 0x28, 2, 0, 0x32, 0x2f, 0x33])) == 3)  // lit1; bra +2 (skip lit2, skip); lit3
        #expect(try e.evaluate(Bytes([0x08, 10, 0x08, 3, 0x1d])) == 1)  // 10 mod 3
        #expect(throws: CFIError.self) { try e.evaluate(Bytes([0x30, 0x30, 0x1b])) }  // division by zero
        #expect(throws: CFIError.self) { try e.evaluate(Bytes([0x22])) }  // underflow
        #expect(throws: CFIError.self) { try e.evaluate(Bytes([0x2f, 0xfd, 0xff])) }  // skip -3: endless loop, bounded
        #expect(throws: CFIError.self) { try e.evaluate(Bytes([0x71, 0])) }  // unknown register
        #expect(throws: CFIError.self) { try e.evaluate(Bytes([0x50])) }  // DW_OP_reg0 is a location, not CFI
        #expect(throws: CFIError.self) { try e.evaluate(Bytes([0x30, 0x06])) }  // deref of unmapped 0
        #expect(throws: CFIError.self) { try e.evaluate(Bytes(Array(repeating: 0x30, count: 300))) }  // stack overflow
    }

    @Test func malformedSectionsThrowTypedErrors() throws {
        let cie = ehCIE(instructions: cieInit)
        let good = cie + ehFDE(at: cie.count, sectionAddress: 0x1000, begin: 0x4000, range: 0x20, instructions: [0x41])
        // Every truncation parses or throws, never traps.
        for n in 0..<good.count {
            let fs = section(Array(good.prefix(n)))
            _ = fs.entries()
            _ = try? fs.findFDE(0x4000)
        }
        // Length past the end.
        #expect(throws: CFIError.self) { try section(le32(100) + [0, 0, 0, 0]).entry(at: 0) }
        // Reserved length values.
        #expect(throws: CFIError.self) { try section(le32(0xffff_fff0) + le32(0)).entry(at: 0) }
        // FDE whose CIE pointer points at itself, past the start, or at another FDE (a loop).
        var selfLoop = cie + le32(12) + le32(4) + le32(0) + le32(0)
        #expect(throws: CFIError.badCIEPointer(fde: cie.count, cie: cie.count)) { try section(selfLoop).fde(at: cie.count) }
        selfLoop = cie + le32(12) + le32(0x7fff_0000) + le32(0) + le32(0)
        #expect(throws: CFIError.self) { try section(selfLoop).fde(at: cie.count) }
        let fde1 = ehFDE(at: cie.count, sectionAddress: 0x1000, begin: 0x4000, range: 0x20, instructions: [])
        let off2 = cie.count + fde1.count
        let fde2 = le32(12) + le32(UInt32(off2 + 4 - cie.count)) + le32(0) + le32(0)  // points at fde1
        #expect(throws: CFIError.badCIEPointer(fde: off2, cie: cie.count)) { try section(cie + fde1 + fde2).fde(at: off2) }
        // Bad encodings: R with 0x0f, unknown CIE version, unknown augmentation without z.
        #expect(throws: CFIError.self) { try section(ehCIE(augData: [0x0f], instructions: [])).cie(at: 0) }
        #expect(throws: CFIError.self) { try section(ehCIE(version: 2, instructions: [])).cie(at: 0) }
        #expect(throws: CFIError.unsupportedAugmentation("xy", offset: 0)) { try section(ehCIE(aug: "xy", instructions: [])).cie(at: 0) }
        // Augmentation data longer than the entry.
        #expect(throws: CFIError.self) { try section(ehCIE(augData: [0x1b] + Array(repeating: 0, count: 3), instructions: []).map { $0 == 4 ? 200 : $0 }).cie(at: 0) }
        // Bad instructions: unknown opcode, restore_state without remember, expression past the end, def_cfa_offset on an expression CFA.
        for ins: [UInt8] in [[0x3f], [0x0b], [0x0f, 50, 1], [0x0f, 1, 0x30, 0x0e, 8], [0x0d, 0x80, 0x80, 0x80, 0x80, 0x10]] {
            let c2 = ehCIE(instructions: cieInit)
            let fs = section(c2 + ehFDE(at: c2.count, sectionAddress: 0x1000, begin: 0x4000, range: 0x20, instructions: ins))
            let f = try fs.fde(at: c2.count)
            #expect(throws: CFIError.self, "\(ins)") { try fs.rows(f) }
        }
        // Too many remember_state.
        let c3 = ehCIE(instructions: cieInit)
        let many = section(c3 + ehFDE(at: c3.count, sectionAddress: 0x1000, begin: 0x4000, range: 0x20, instructions: Array(repeating: 0x0a, count: 200)))
        #expect(throws: CFIError.self) { try many.rows(try many.fde(at: c3.count)) }
        // A malformed .eh_frame_hdr is rejected (the FDE index is used instead).
        #expect(throws: CFIError.self) { try EhFrameHeader.parse(Bytes([1, 0x1b, 0x03, 0x3b] + le32(0) + le32(1000)), address: 0, addressSize: 8) }
        #expect(throws: CFIError.self) { try EhFrameHeader.parse(Bytes([2, 0x1b, 0x03, 0x3b]), address: 0, addressSize: 8) }
    }
}

/// A synthetic stack: two frames described by CFI, one by the frame pointer, then the outermost frame.
@Suite struct UnwinderUnitTests {
    struct Modules: ModuleProvider {
        var cfi: CallFrameInfo
        func module(for pc: UInt64) -> UnwindModule? { pc >= 0x4000 && pc < 0x5000 ? UnwindModule(cfi: cfi, bias: 0) : nil }
    }

    @Test func cfiThenFramePointerThenStop() throws {
        // f at 0x4000..0x4100: cfa = rsp+16, ra at cfa-8 (one push). g at 0x4100..0x4200: outermost (ra undefined).
        let cie = ehCIE(instructions: cieInit)
        let f = ehFDE(at: cie.count, sectionAddress: 0x1000, begin: 0x4000, range: 0x100, instructions: [0x0e, 16])
        let g = ehFDE(at: cie.count + f.count, sectionAddress: 0x1000, begin: 0x4100, range: 0x100, instructions: [0x07, 16])
        let fs = section(cie + f + g)
        let cfi = CallFrameInfo(ehFrame: fs, debugFrame: nil, arch: .x86_64)
        // Stack at 0x8000: [0x8000] junk, [0x8008] return to 0x9010 (no CFI: frame pointer), rbp chain at 0x8010.
        var stack = [UInt8](repeating: 0, count: 0x100)
        func put(_ off: Int, _ v: UInt64) { for i in 0..<8 { stack[off + i] = UInt8((v >> (8 * UInt64(i))) & 0xff) } }
        put(0x08, 0x9010)  // f returns into code without CFI
        put(0x10, 0x8030)  // saved rbp at rbp=0x8010 -> next rbp
        put(0x18, 0x4150)  // return address into g
        let mem = BufferMemory(base: 0x8000, bytes: stack)
        var regs = RegisterSet(arch: .x86_64, pc: 0x4010)
        regs.sp = 0x8000
        regs[6] = 0x8010
        let (frames, stop) = Unwinder(memory: mem, modules: Modules(cfi: cfi)).unwind(regs)
        #expect(frames.map(\.pc) == [0x4010, 0x9010, 0x4150])
        #expect(frames.map(\.method) == [.context, .cfi, .framePointer])
        #expect(frames[1].cfa == 0x8010)
        #expect(frames[2].sp == 0x8020)
        #expect(stop == .outermost)
    }

    @Test func stopsOnCyclesAndLimits() throws {
        // A frame-pointer chain that points to itself.
        var stack = [UInt8](repeating: 0, count: 0x40)
        for i in 0..<8 { stack[i] = UInt8((0x8000 >> (8 * i)) & 0xff); stack[8 + i] = UInt8((0x9999 >> (8 * i)) & 0xff) }
        let mem = BufferMemory(base: 0x8000, bytes: stack)
        let cfi = CallFrameInfo(ehFrame: nil, debugFrame: nil, arch: .x86_64)
        var regs = RegisterSet(arch: .x86_64, pc: 0x9000)
        regs.sp = 0x7ff0
        regs[6] = 0x8000
        let (frames, stop) = Unwinder(memory: mem, modules: Modules(cfi: cfi)).unwind(regs)
        #expect(frames.count <= 3)
        #expect(stop == .noProgress || stop == .cycle || stop == .noUnwindInfo)
        let limited = Unwinder(memory: mem, modules: Modules(cfi: cfi), maxFrames: 1).unwind(regs)
        #expect(limited.frames.count == 1 && limited.stop == .frameLimit)
        #expect(Unwinder(memory: mem, modules: Modules(cfi: cfi), maxFrames: 100_000).maxFrames == 1024)
    }
}

/// Inputs the cfi fuzz target crashed on (Fuzz/cfi), kept as regressions.
@Suite struct CFIFuzzRegressions {
    static let crashes = [
        // A 9-byte SLEB128 data alignment with the sign bit set: -(1 << 63) overflowed in Bytes.sleb.
        "AC0AAAAAAAAAAXpSAAH//////////3gQARsMBwAB0Of/YAMJAAAAwAAAEEEEnOPn/yEAAAAASQ4QMAAAAEQBAAC44+f/pwAAAABOEI4CRQ5iYmJiYmJiYmJiYmJiYmJiYmJiYg==",
    ]

    @Test func crashesParse() throws {
        for b64 in Self.crashes {
            let input = try #require(decodeBase64(b64))
            let fs = FrameSection(kind: input[0] & 1 == 0 ? .ehFrame : .debugFrame, bytes: Bytes(Array(input.dropFirst())),
                                  address: input[0] & 4 == 0 ? 0x1000 : 0xffff_ffff_ffff_f000, addressSize: input[0] & 2 == 0 ? 8 : 4)
            for e in fs.entries().entries { if case let .fde(f) = e { _ = try? fs.rows(f) } }
            _ = fs.fdeIndex()
        }
        #expect(try Bytes([0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x40]).sleb(0).value == -(Int64(1) << 62))
    }
}

func decodeBase64(_ s: String) -> [UInt8]? {
    let table = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
    var out: [UInt8] = [], acc: UInt32 = 0, bits = 0
    for ch in s.utf8 where ch != UInt8(ascii: "=") {
        guard let v = table.firstIndex(of: ch) else { return nil }
        acc = acc << 6 | UInt32(v)
        bits += 6
        if bits >= 8 { bits -= 8; out.append(UInt8((acc >> UInt32(bits)) & 0xff)) }
    }
    return out
}
