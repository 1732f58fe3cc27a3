import Bytes

/// A DWARF expression inside a frame section: [offset, offset+length) of `FrameSection.bytes`.
public struct ExpressionRef: Sendable, Equatable, Hashable {
    public var offset: Int
    public var length: Int
}

/// How to compute the CFA.
public enum CFARule: Sendable, Equatable {
    case registerOffset(register: UInt16, offset: Int64)
    case expression(ExpressionRef)
}

/// How to recover a register of the caller.
public enum RegisterRule: Sendable, Equatable {
    case undefined
    case sameValue
    /// Saved at CFA + n.
    case offset(Int64)
    /// The value is CFA + n.
    case valOffset(Int64)
    /// Saved in another register.
    case register(UInt16)
    /// Saved at the address the expression computes (CFA pushed first).
    case expression(ExpressionRef)
    /// The value is what the expression computes (CFA pushed first).
    case valExpression(ExpressionRef)
}

/// Register rules of one row, by DWARF register number, kept sorted (rows have few entries).
public struct RegisterRules: Sendable, Equatable {
    public private(set) var entries: [(register: UInt16, rule: RegisterRule)] = []

    public init() {}

    public subscript(_ reg: UInt16) -> RegisterRule? {
        get {
            for e in entries where e.register == reg { return e.rule }
            return nil
        }
        set {
            if let i = entries.firstIndex(where: { $0.register == reg }) {
                if let newValue { entries[i].rule = newValue } else { entries.remove(at: i) }
            } else if let newValue {
                let i = entries.firstIndex(where: { $0.register > reg }) ?? entries.count
                entries.insert((reg, newValue), at: i)
            }
        }
    }

    public static func == (a: RegisterRules, b: RegisterRules) -> Bool {
        a.entries.count == b.entries.count && zip(a.entries, b.entries).allSatisfy { $0.register == $1.register && $0.rule == $1.rule }
    }
}

/// One row of the CFI table: rules valid for pcs in [location, end).
public struct UnwindRow: Sendable, Equatable {
    public var location: UInt64
    public var end: UInt64
    public var cfa: CFARule
    public var registers: RegisterRules
    /// AArch64: the return address is signed (DW_CFA_AARCH64_negate_ra_state toggles it).
    public var returnAddressSigned: Bool
    /// DW_CFA_GNU_args_size.
    public var argsSize: UInt64

    public init(location: UInt64, end: UInt64, cfa: CFARule, registers: RegisterRules = RegisterRules(),
                returnAddressSigned: Bool = false, argsSize: UInt64 = 0) {
        self.location = location
        self.end = end
        self.cfa = cfa
        self.registers = registers
        self.returnAddressSigned = returnAddressSigned
        self.argsSize = argsSize
    }
}

/// DW_CFA opcodes.
public enum DW_CFA {
    public static let advance_loc: UInt8 = 0x40, offset: UInt8 = 0x80, restore: UInt8 = 0xc0
    public static let nop: UInt8 = 0x00, set_loc: UInt8 = 0x01, advance_loc1: UInt8 = 0x02, advance_loc2: UInt8 = 0x03
    public static let advance_loc4: UInt8 = 0x04, offset_extended: UInt8 = 0x05, restore_extended: UInt8 = 0x06
    public static let undefined: UInt8 = 0x07, same_value: UInt8 = 0x08, register: UInt8 = 0x09
    public static let remember_state: UInt8 = 0x0a, restore_state: UInt8 = 0x0b, def_cfa: UInt8 = 0x0c
    public static let def_cfa_register: UInt8 = 0x0d, def_cfa_offset: UInt8 = 0x0e, def_cfa_expression: UInt8 = 0x0f
    public static let expression: UInt8 = 0x10, offset_extended_sf: UInt8 = 0x11, def_cfa_sf: UInt8 = 0x12
    public static let def_cfa_offset_sf: UInt8 = 0x13, val_offset: UInt8 = 0x14, val_offset_sf: UInt8 = 0x15
    public static let val_expression: UInt8 = 0x16, MIPS_advance_loc8: UInt8 = 0x1d
    public static let AARCH64_negate_ra_state_with_pc: UInt8 = 0x2c
    public static let GNU_window_save: UInt8 = 0x2d, AARCH64_negate_ra_state: UInt8 = 0x2d
    public static let GNU_args_size: UInt8 = 0x2e, GNU_negative_offset_extended: UInt8 = 0x2f
}

/// Runs CIE and FDE instructions (DWARF 5 section 6.4.2).
enum CFAMachine {
    static let maxStateStack = 128

    struct State {
        var cfa: CFARule
        var regs: RegisterRules
        var raSigned: Bool
        var argsSize: UInt64
    }

    /// Executes `range` of `section.bytes` starting from `state`. When `target` is given, stops before the first
    /// advance past it. `emit` receives each completed row [loc, newLoc). Returns the final state and location.
    static func run(_ section: FrameSection, _ cie: CIE, range: Range<Int>, state: inout State, initial: State?,
                    location loc: inout UInt64, pcBegin: UInt64, target: UInt64?, emit: ((UnwindRow) -> Void)?) throws(CFIError) {
        let bytes = try cfi { try section.bytes.slice(0, range.upperBound) }
        var c = Cursor(bytes, offset: range.lowerBound)
        var stack: [State] = []
        let daf = cie.dataAlignment, caf = cie.codeAlignment
        func reg(_ v: UInt64, _ at: Int) throws(CFIError) -> UInt16 {
            guard v <= 0xffff else { throw .malformed(offset: at, reason: "register \(v)") }
            return UInt16(v)
        }
        func scaled(_ v: Int64, _ at: Int) throws(CFIError) -> Int64 {
            let (r, o) = v.multipliedReportingOverflow(by: daf)
            if o { throw .malformed(offset: at, reason: "offset overflow") }
            return r
        }
        func uscaled(_ v: UInt64, _ at: Int) throws(CFIError) -> Int64 {
            guard v <= UInt64(Int64.max) else { throw .malformed(offset: at, reason: "offset overflow") }
            return try scaled(Int64(v), at)
        }
        func block(_ at: Int) throws(CFIError) -> ExpressionRef {
            let n = try cfi { try c.uleb() }
            guard n <= UInt64(c.remaining) else { throw .malformed(offset: at, reason: "expression of \(n) bytes runs past the entry") }
            let r = ExpressionRef(offset: c.offset, length: Int(n))
            c.offset += Int(n)
            return r
        }
        // Returns false when the target has been reached.
        func advance(_ newLoc: UInt64, _ at: Int) throws(CFIError) -> Bool {
            if let target, newLoc > target { return false }
            if newLoc != loc, let emit {
                emit(UnwindRow(location: loc, end: newLoc, cfa: state.cfa, registers: state.regs, returnAddressSigned: state.raSigned,
                               argsSize: state.argsSize))
            }
            loc = newLoc
            return true
        }
        func delta(_ d: UInt64, _ at: Int) throws(CFIError) -> UInt64 {
            let (m, o1) = d.multipliedReportingOverflow(by: caf)
            let (n, o2) = loc.addingReportingOverflow(m)
            if o1 || o2 { throw .malformed(offset: at, reason: "location overflow") }
            return n
        }
        func restoreRule(_ r: UInt16) {
            state.regs[r] = initial?.regs[r]
        }
        while c.offset < range.upperBound {
            let at = c.offset
            let op = try cfi { try c.u8() }
            let high = op & 0xc0, low = op & 0x3f
            switch high {
            case DW_CFA.advance_loc:
                if try !advance(try delta(UInt64(low), at), at) { return }
                continue
            case DW_CFA.offset:
                state.regs[UInt16(low)] = .offset(try uscaled(try cfi { try c.uleb() }, at))
                continue
            case DW_CFA.restore:
                restoreRule(UInt16(low))
                continue
            default: break
            }
            switch op {
            case DW_CFA.nop: break
            case DW_CFA.set_loc:
                var ctx = section.context
                ctx.addressSize = cie.addressSize
                ctx.funcBase = pcBegin
                let enc = section.kind == .ehFrame ? cie.fdeEncoding : DW_EH_PE.absptr
                let newLoc = try PointerReader.read(&c, enc, ctx).value
                guard newLoc >= loc else { throw .malformed(offset: at, reason: "DW_CFA_set_loc moves backwards") }
                if try !advance(newLoc, at) { return }
            case DW_CFA.advance_loc1:
                if try !advance(try delta(UInt64(try cfi { try c.u8() }), at), at) { return }
            case DW_CFA.advance_loc2:
                if try !advance(try delta(UInt64(try cfi { try c.u16() }), at), at) { return }
            case DW_CFA.advance_loc4:
                if try !advance(try delta(UInt64(try cfi { try c.u32() }), at), at) { return }
            case DW_CFA.MIPS_advance_loc8:
                if try !advance(try delta(try cfi { try c.u64() }, at), at) { return }
            case DW_CFA.offset_extended:
                let r = try reg(try cfi { try c.uleb() }, at)
                state.regs[r] = .offset(try uscaled(try cfi { try c.uleb() }, at))
            case DW_CFA.restore_extended:
                restoreRule(try reg(try cfi { try c.uleb() }, at))
            case DW_CFA.undefined:
                state.regs[try reg(try cfi { try c.uleb() }, at)] = .undefined
            case DW_CFA.same_value:
                state.regs[try reg(try cfi { try c.uleb() }, at)] = .sameValue
            case DW_CFA.register:
                let r = try reg(try cfi { try c.uleb() }, at)
                state.regs[r] = .register(try reg(try cfi { try c.uleb() }, at))
            case DW_CFA.remember_state:
                guard stack.count < maxStateStack else { throw .malformed(offset: at, reason: "too many DW_CFA_remember_state") }
                stack.append(state)
            case DW_CFA.restore_state:
                guard let s = stack.popLast() else { throw .malformed(offset: at, reason: "DW_CFA_restore_state without remember_state") }
                // CFA, register rules and the RA signing state come back; args_size is not saved (as in libgcc).
                let args = state.argsSize
                state = s
                state.argsSize = args
            case DW_CFA.def_cfa:
                let r = try reg(try cfi { try c.uleb() }, at)
                let o = try cfi { try c.uleb() }
                guard o <= UInt64(Int64.max) else { throw .malformed(offset: at, reason: "CFA offset overflow") }
                state.cfa = .registerOffset(register: r, offset: Int64(o))
            case DW_CFA.def_cfa_sf:
                let r = try reg(try cfi { try c.uleb() }, at)
                state.cfa = .registerOffset(register: r, offset: try scaled(try cfi { try c.sleb() }, at))
            case DW_CFA.def_cfa_register:
                let r = try reg(try cfi { try c.uleb() }, at)
                guard case let .registerOffset(_, o) = state.cfa else {
                    throw .malformed(offset: at, reason: "DW_CFA_def_cfa_register with an expression CFA")
                }
                state.cfa = .registerOffset(register: r, offset: o)
            case DW_CFA.def_cfa_offset, DW_CFA.def_cfa_offset_sf:
                let o: Int64
                if op == DW_CFA.def_cfa_offset {
                    let u = try cfi { try c.uleb() }
                    guard u <= UInt64(Int64.max) else { throw .malformed(offset: at, reason: "CFA offset overflow") }
                    o = Int64(u)
                } else {
                    o = try scaled(try cfi { try c.sleb() }, at)
                }
                guard case let .registerOffset(r, _) = state.cfa else {
                    throw .malformed(offset: at, reason: "DW_CFA_def_cfa_offset with an expression CFA")
                }
                state.cfa = .registerOffset(register: r, offset: o)
            case DW_CFA.def_cfa_expression:
                state.cfa = .expression(try block(at))
            case DW_CFA.expression:
                let r = try reg(try cfi { try c.uleb() }, at)
                state.regs[r] = .expression(try block(at))
            case DW_CFA.val_expression:
                let r = try reg(try cfi { try c.uleb() }, at)
                state.regs[r] = .valExpression(try block(at))
            case DW_CFA.offset_extended_sf:
                let r = try reg(try cfi { try c.uleb() }, at)
                state.regs[r] = .offset(try scaled(try cfi { try c.sleb() }, at))
            case DW_CFA.val_offset:
                let r = try reg(try cfi { try c.uleb() }, at)
                state.regs[r] = .valOffset(try uscaled(try cfi { try c.uleb() }, at))
            case DW_CFA.val_offset_sf:
                let r = try reg(try cfi { try c.uleb() }, at)
                state.regs[r] = .valOffset(try scaled(try cfi { try c.sleb() }, at))
            case DW_CFA.GNU_args_size:
                state.argsSize = try cfi { try c.uleb() }
            case DW_CFA.GNU_negative_offset_extended:
                let r = try reg(try cfi { try c.uleb() }, at)
                state.regs[r] = .offset(0 &- (try uscaled(try cfi { try c.uleb() }, at)))
            case DW_CFA.AARCH64_negate_ra_state:
                state.raSigned.toggle()
            case DW_CFA.AARCH64_negate_ra_state_with_pc:
                state.raSigned.toggle()
            default:
                throw .badOpcode(op, offset: at)
            }
        }
    }
}

extension FrameSection {
    /// The state after the CIE's initial instructions (the rules DW_CFA_restore returns to).
    func initialState(_ cie: CIE) throws(CFIError) -> CFAMachine.State {
        if let s = initialStates[cie.offset] { return s }
        var state = CFAMachine.State(cfa: .registerOffset(register: 0, offset: 0), regs: RegisterRules(), raSigned: false, argsSize: 0)
        var loc: UInt64 = 0
        try CFAMachine.run(self, cie, range: cie.instructions, state: &state, initial: nil, location: &loc, pcBegin: 0,
                           target: nil, emit: nil)
        if initialStates.count < 4096 { initialStates[cie.offset] = state }
        return state
    }

    /// Every row of the FDE's table, in address order, covering [pcBegin, pcEnd).
    public func rows(_ fde: FDE) throws(CFIError) -> [UnwindRow] {
        let cie = try self.cie(at: fde.cieOffset)
        let initial = try initialState(cie)
        var state = initial
        var loc = fde.pcBegin
        var out: [UnwindRow] = []
        try CFAMachine.run(self, cie, range: fde.instructions, state: &state, initial: initial, location: &loc,
                           pcBegin: fde.pcBegin, target: nil, emit: { out.append($0) })
        if loc < fde.pcEnd || out.isEmpty {
            out.append(UnwindRow(location: loc, end: max(loc, fde.pcEnd), cfa: state.cfa, registers: state.regs,
                                 returnAddressSigned: state.raSigned, argsSize: state.argsSize))
        }
        return out
    }

    /// The CIE's initial row (what readelf prints under a CIE).
    public func initialRow(_ cie: CIE) throws(CFIError) -> UnwindRow {
        let s = try initialState(cie)
        return UnwindRow(location: 0, end: 0, cfa: s.cfa, registers: s.regs, returnAddressSigned: s.raSigned, argsSize: s.argsSize)
    }

    /// The row that applies at `pc` (which must lie in the FDE), without building the whole table.
    public func row(_ fde: FDE, at pc: UInt64) throws(CFIError) -> UnwindRow {
        let cie = try self.cie(at: fde.cieOffset)
        let initial = try initialState(cie)
        var state = initial
        var loc = fde.pcBegin
        try CFAMachine.run(self, cie, range: fde.instructions, state: &state, initial: initial, location: &loc,
                           pcBegin: fde.pcBegin, target: pc, emit: nil)
        return UnwindRow(location: loc, end: fde.pcEnd, cfa: state.cfa, registers: state.regs,
                         returnAddressSigned: state.raSigned, argsSize: state.argsSize)
    }
}
