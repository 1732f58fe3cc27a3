import Bytes

/// A bounded DWARF expression stack machine for CFI (DWARF 5 section 2.5): values are address-sized,
/// registers come from a register set, memory from a reader. Location descriptions (DW_OP_reg*, piece)
/// and operations CFI cannot use are errors.
public struct ExpressionEvaluator {
    public static let maxSteps = 10_000
    public static let maxStack = 256

    public var addressSize: Int
    public var registers: (UInt16) -> UInt64?
    public var memory: MemoryReader?

    public init(addressSize: Int, registers: @escaping (UInt16) -> UInt64?, memory: MemoryReader?) {
        self.addressSize = addressSize
        self.registers = registers
        self.memory = memory
    }

    /// Evaluates `code`, with `initial` pushed first, and returns the top of the stack.
    public func evaluate(_ code: Bytes, initial: [UInt64] = []) throws(CFIError) -> UInt64 {
        var stack: [UInt64] = initial
        let mask: UInt64 = addressSize == 4 ? 0xffff_ffff : UInt64.max
        var c = Cursor(code)
        var steps = 0
        func pop() throws(CFIError) -> UInt64 {
            guard let v = stack.popLast() else { throw .expression("stack underflow") }
            return v
        }
        func push(_ v: UInt64) throws(CFIError) {
            guard stack.count < Self.maxStack else { throw .expression("stack overflow") }
            stack.append(v & mask)
        }
        func reg(_ r: UInt64) throws(CFIError) -> UInt64 {
            guard r <= 0xffff, let v = registers(UInt16(r)) else { throw .expression("register \(r) is not available") }
            return v
        }
        func deref(_ addr: UInt64, _ size: Int) throws(CFIError) -> UInt64 {
            guard let memory else { throw .expression("no memory to dereference 0x\(String(addr, radix: 16))") }
            guard let v = memory.word(addr, size: size) else { throw .memory(address: addr) }
            return v
        }
        func signed(_ v: UInt64) -> Int64 {
            addressSize == 4 ? Int64(Int32(truncatingIfNeeded: v)) : Int64(bitPattern: v)
        }
        func branch(_ d: Int16) throws(CFIError) {
            let target = c.offset + Int(d)
            guard target >= 0 && target <= code.count else { throw .expression("branch out of the expression") }
            c.offset = target
        }
        while c.offset < code.count {
            steps += 1
            guard steps <= Self.maxSteps else { throw .expression("more than \(Self.maxSteps) steps") }
            let at = c.offset
            let op = try cfi { try c.u8() }
            switch op {
            case 0x03: try push(try cfi { try c.unsigned(size: addressSize) })  // addr
            case 0x06: try push(try deref(try pop(), addressSize))  // deref
            case 0x08: try push(UInt64(try cfi { try c.u8() }))
            case 0x09: try push(UInt64(bitPattern: Int64(try cfi { try c.i8() })))
            case 0x0a: try push(UInt64(try cfi { try c.u16() }))
            case 0x0b: try push(UInt64(bitPattern: Int64(try cfi { try c.i16() })))
            case 0x0c: try push(UInt64(try cfi { try c.u32() }))
            case 0x0d: try push(UInt64(bitPattern: Int64(try cfi { try c.i32() })))
            case 0x0e, 0x0f: try push(try cfi { try c.u64() })
            case 0x10: try push(try cfi { try c.uleb() })  // constu
            case 0x11: try push(UInt64(bitPattern: try cfi { try c.sleb() }))  // consts
            case 0x12: let v = try pop(); try push(v); try push(v)  // dup
            case 0x13: _ = try pop()  // drop
            case 0x14:  // over
                guard stack.count >= 2 else { throw .expression("stack underflow") }
                try push(stack[stack.count - 2])
            case 0x15:  // pick
                let i = Int(try cfi { try c.u8() })
                guard i < stack.count else { throw .expression("DW_OP_pick \(i) beyond the stack") }
                try push(stack[stack.count - 1 - i])
            case 0x16:  // swap
                let a = try pop(), b = try pop(); try push(a); try push(b)
            case 0x17:  // rot
                let a = try pop(), b = try pop(), cc = try pop(); try push(a); try push(cc); try push(b)
            case 0x19: let v = signed(try pop()); try push(UInt64(bitPattern: v == Int64.min ? v : abs(v)))  // abs
            case 0x1a: let b = try pop(), a = try pop(); try push(a & b)
            case 0x1b:  // div (signed)
                let b = signed(try pop()), a = signed(try pop())
                guard b != 0 else { throw .expression("division by zero") }
                try push(UInt64(bitPattern: a.dividedReportingOverflow(by: b).partialValue))
            case 0x1c: let b = try pop(), a = try pop(); try push(a &- b)  // minus
            case 0x1d:  // mod (unsigned)
                let b = try pop(), a = try pop()
                guard b != 0 else { throw .expression("modulo by zero") }
                try push(a % b)
            case 0x1e: let b = try pop(), a = try pop(); try push(a &* b)
            case 0x1f: try push(0 &- (try pop()))  // neg
            case 0x20: try push(~(try pop()))  // not
            case 0x21: let b = try pop(), a = try pop(); try push(a | b)
            case 0x22: let b = try pop(), a = try pop(); try push(a &+ b)
            case 0x23: let a = try pop(); try push(a &+ (try cfi { try c.uleb() }))  // plus_uconst
            case 0x24: let b = try pop(), a = try pop(); try push(b >= 64 ? 0 : a << b)  // shl
            case 0x25: let b = try pop(), a = try pop(); try push(b >= 64 ? 0 : (a & mask) >> b)  // shr
            case 0x26:  // shra
                let b = try pop(), a = signed(try pop())
                try push(UInt64(bitPattern: b >= 64 ? (a < 0 ? -1 : 0) : a >> Int64(b)))
            case 0x27: let b = try pop(), a = try pop(); try push(a ^ b)
            case 0x28:  // bra
                let d = try cfi { try c.i16() }
                if try pop() != 0 { try branch(d) }
            case 0x29...0x2e:  // eq ge gt le lt ne (signed compares)
                let b = signed(try pop()), a = signed(try pop())
                let r: Bool
                switch op {
                case 0x29: r = a == b
                case 0x2a: r = a >= b
                case 0x2b: r = a > b
                case 0x2c: r = a <= b
                case 0x2d: r = a < b
                default: r = a != b
                }
                try push(r ? 1 : 0)
            case 0x2f: try branch(try cfi { try c.i16() })  // skip
            case 0x30...0x4f: try push(UInt64(op - 0x30))  // lit
            case 0x70...0x8f:  // breg
                let off = try cfi { try c.sleb() }
                try push(try reg(UInt64(op - 0x70)) &+ UInt64(bitPattern: off))
            case 0x92:  // bregx
                let r = try cfi { try c.uleb() }
                let off = try cfi { try c.sleb() }
                try push(try reg(r) &+ UInt64(bitPattern: off))
            case 0x94:  // deref_size
                let n = Int(try cfi { try c.u8() })
                guard n >= 1 && n <= addressSize else { throw .expression("DW_OP_deref_size \(n)") }
                let a = try pop()
                var v: UInt64 = 0
                guard let memory else { throw .expression("no memory to dereference") }
                guard let b = memory.bytes(a, count: n) else { throw .memory(address: a) }
                for (i, x) in b.enumerated() { v |= UInt64(x) << (8 * UInt64(i)) }
                try push(v)
            case 0x96: break  // nop
            default:
                throw .expression("operation 0x\(String(op, radix: 16)) at offset \(at) is not allowed in call frame information")
            }
        }
        guard let top = stack.last else { throw .expression("empty stack at the end") }
        return top
    }
}
