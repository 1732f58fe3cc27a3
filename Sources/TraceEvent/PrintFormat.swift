/// A value while a print format is evaluated.
enum Value: Sendable {
    case int(Int64, unsigned: Bool)
    case string(String)

    var integer: Int64 {
        switch self {
        case let .int(v, _): return v
        case let .string(s): return s.isEmpty ? 0 : 1
        }
    }
}

/// An expression of a print format's argument list (C as the kernel's TP_printk writes it).
indirect enum Expr: Sendable {
    case number(Int64)
    case string(String)
    case field(String)
    /// A bare name: a field (the argument of __get_str) or a constant the kernel left as a name.
    case symbol(String)
    case index(Expr, Expr)
    case unary(String, Expr)
    case binary(String, Expr, Expr)
    case ternary(Expr, Expr, Expr)
    /// A cast to an integer type of `size` bytes (0: keep the width).
    case cast(size: Int, unsigned: Bool, Expr)
    case call(String, [Expr])
    /// `{ value, "name" }` of __print_flags / __print_symbolic.
    case pair(Expr, Expr)
}

extension Expr {
    /// `REC->name` or a bare `name` as a field reference.
    var asField: Expr? {
        switch self {
        case .field: return self
        case let .symbol(n): return .field(n)
        default: return nil
        }
    }
}

/// A parsed "print fmt: "...", args" line: the format text and its argument expressions.
public struct PrintFormat: Sendable {
    let format: String
    let args: [Expr]

    /// Parses the text after "print fmt: ". Throws on syntax it does not know (callers fall back to fields).
    public static func parse(_ text: String) throws(TraceEventError) -> PrintFormat {
        var p = ExprParser(try Lexer.tokens(text))
        guard case let .string(f)? = p.next() else { throw TraceEventError("print fmt does not start with a string") }
        var fmt = f
        while case let .string(more)? = p.peek { fmt += more; _ = p.next() }
        var args: [Expr] = []
        while p.peek != nil {
            guard p.take(.punct(",")) else { throw TraceEventError("expected , in print fmt") }
            args.append(try p.expression())
        }
        return PrintFormat(format: fmt, args: args)
    }

    /// The format applied to one record.
    func render(_ r: RecordValues) throws -> String {
        var out = ""
        var argIndex = 0
        func nextArg() throws -> Value {
            guard argIndex < args.count else { throw TraceEventError("too few arguments") }
            argIndex += 1
            return try Evaluator(r: r).eval(args[argIndex - 1])
        }
        let f = Array(format.utf8)
        var i = 0
        var literal: [UInt8] = []
        while i < f.count {
            let c = f[i]
            if c == UInt8(ascii: "\\"), i + 1 < f.count {
                switch f[i + 1] {
                case UInt8(ascii: "n"): literal.append(0x0A)
                case UInt8(ascii: "t"): literal.append(0x09)
                case UInt8(ascii: "\""): literal.append(0x22)
                case UInt8(ascii: "\\"): literal.append(0x5C)
                default: literal.append(f[i + 1])
                }
                i += 2
                continue
            }
            guard c == UInt8(ascii: "%") else { literal.append(c); i += 1; continue }
            if i + 1 < f.count, f[i + 1] == UInt8(ascii: "%") { literal.append(c); i += 2; continue }
            out += String(decoding: literal, as: UTF8.self)
            literal.removeAll()
            // %[flags][width][.precision][length]conversion
            var j = i + 1
            var flags = "", width: Int? = nil, precision: Int? = nil
            while j < f.count, "-+ #0".utf8.contains(f[j]) { flags.append(Character(UnicodeScalar(f[j]))); j += 1 }
            if j < f.count, f[j] == UInt8(ascii: "*") { width = Int(clamping: try nextArg().integer); j += 1 } else {
                var w = 0, any = false
                while j < f.count, f[j] >= 0x30, f[j] <= 0x39 { w = min(w * 10 + Int(f[j] - 0x30), 4096); any = true; j += 1 }
                if any { width = w }
            }
            if j < f.count, f[j] == UInt8(ascii: ".") {
                j += 1
                var p = 0
                while j < f.count, f[j] >= 0x30, f[j] <= 0x39 { p = min(p * 10 + Int(f[j] - 0x30), 4096); j += 1 }
                precision = p
            }
            var length = 0  // bytes of the argument: 0 = int
            while j < f.count, "hlLzjt".utf8.contains(f[j]) {
                length = f[j] == UInt8(ascii: "h") ? (length == 2 ? 1 : 2) : 8
                j += 1
            }
            guard j < f.count else { throw TraceEventError("format ends inside a conversion") }
            let conv = f[j]
            j += 1
            let v = try nextArg()
            var text: String
            switch conv {
            case UInt8(ascii: "d"), UInt8(ascii: "i"):
                var n = v.integer
                if length == 0 || length == 4 { n = Int64(Int32(truncatingIfNeeded: n)) } else if length == 2 { n = Int64(Int16(truncatingIfNeeded: n)) } else if length == 1 { n = Int64(Int8(truncatingIfNeeded: n)) }
                text = String(n)
                if let p = precision { text = Self.zeroPad(text, p) }
                if flags.contains("+") && n >= 0 { text = "+" + text }
            case UInt8(ascii: "u"), UInt8(ascii: "x"), UInt8(ascii: "X"), UInt8(ascii: "o"):
                var n = UInt64(bitPattern: v.integer)
                if length == 0 || length == 4 { n &= 0xffff_ffff } else if length == 2 { n &= 0xffff } else if length == 1 { n &= 0xff }
                let radix = conv == UInt8(ascii: "u") ? 10 : conv == UInt8(ascii: "o") ? 8 : 16
                text = String(n, radix: radix, uppercase: conv == UInt8(ascii: "X"))
                if let p = precision { text = Self.zeroPad(text, p) }
                if flags.contains("#") && n != 0 && radix == 16 { text = (conv == UInt8(ascii: "X") ? "0X" : "0x") + text }
            case UInt8(ascii: "c"):
                text = String(UnicodeScalar(UInt8(truncatingIfNeeded: v.integer)))
            case UInt8(ascii: "s"):
                switch v {
                case let .string(s): text = s
                case let .int(n, _): text = String(n)
                }
                if let p = precision { text = String(text.prefix(p)) }
            case UInt8(ascii: "p"):
                let n = UInt64(bitPattern: v.integer)
                // %ps / %pS: the kernel symbol (with +offset for S); %pf, %pF alike. NULL prints as printf's "(nil)".
                if j < f.count, "sSfF".utf8.contains(f[j]) {
                    let withOffset = f[j] == UInt8(ascii: "S") || f[j] == UInt8(ascii: "F")
                    j += 1
                    if let s = r.symbol(n) { text = withOffset ? s.name + "+0x" + String(s.offset, radix: 16) : s.name } else { text = "0x" + String(n, radix: 16) }
                } else {
                    text = n == 0 ? "(nil)" : "0x" + String(n, radix: 16)
                }
            default:
                throw TraceEventError("conversion %\(Character(UnicodeScalar(conv)))")
            }
            if let w = width, text.count < w {
                let pad = w - text.count
                if flags.contains("-") { text += String(repeating: " ", count: pad) }
                else if flags.contains("0") && conv != UInt8(ascii: "s") {
                    let neg = text.hasPrefix("-")
                    text = (neg ? "-" : "") + String(repeating: "0", count: pad) + text.dropFirst(neg ? 1 : 0)
                } else { text = String(repeating: " ", count: pad) + text }
            }
            out += text
            i = j
        }
        out += String(decoding: literal, as: UTF8.self)
        return out
    }

    static func zeroPad(_ s: String, _ n: Int) -> String {
        let neg = s.hasPrefix("-")
        let digits = neg ? String(s.dropFirst()) : s
        return (neg ? "-" : "") + digits.leftPadded(n)
    }
}

/// Evaluates argument expressions against a record.
struct Evaluator {
    let r: RecordValues

    func field(_ name: String) throws -> EventFormat.Field {
        guard let f = r.format.field(name) else { throw TraceEventError("no field \(name)") }
        return f
    }

    func eval(_ e: Expr) throws -> Value {
        switch e {
        case let .number(n): return .int(n, unsigned: false)
        case let .string(s): return .string(s)
        case let .field(name):
            let f = try field(name)
            if f.isString && (f.arrayCount != nil || f.dataLoc) { return .string(try r.string(f)) }
            return try r.integer(f)
        case let .symbol(name):
            if r.format.field(name) != nil { return try eval(.field(name)) }
            // libtraceevent reads other names as numbers: 0 (in __print_flags/__print_symbolic lists, -1).
            return .int(Self.knownConstants[name] ?? 0, unsigned: false)
        case let .index(base, i):
            guard case let .field(name) = base else { throw TraceEventError("index of a non-field") }
            return try r.integer(try field(name), index: Int(clamping: try eval(i).integer))
        case let .unary(op, x):
            let v = try eval(x).integer
            switch op {
            case "-": return .int(0 &- v, unsigned: false)
            case "~": return .int(~v, unsigned: true)
            case "!": return .int(v == 0 ? 1 : 0, unsigned: false)
            default: return .int(v, unsigned: false)
            }
        case let .binary(op, a, b):
            if op == "&&" { return .int(try eval(a).integer != 0 && eval(b).integer != 0 ? 1 : 0, unsigned: false) }
            if op == "||" { return .int(try eval(a).integer != 0 || eval(b).integer != 0 ? 1 : 0, unsigned: false) }
            let va = try eval(a), vb = try eval(b)
            var unsigned = false
            if case .int(_, let ua) = va, ua { unsigned = true }
            if case .int(_, let ub) = vb, ub { unsigned = true }
            let x = va.integer, y = vb.integer
            let ux = UInt64(bitPattern: x), uy = UInt64(bitPattern: y)
            func bool(_ c: Bool) -> Value { .int(c ? 1 : 0, unsigned: false) }
            switch op {
            case "+": return .int(x &+ y, unsigned: unsigned)
            case "-": return .int(x &- y, unsigned: unsigned)
            case "*": return .int(x &* y, unsigned: unsigned)
            case "/", "%":
                guard y != 0 else { throw TraceEventError("division by zero") }
                if unsigned { return .int(Int64(bitPattern: op == "/" ? ux / uy : ux % uy), unsigned: true) }
                let (q, o) = x.dividedReportingOverflow(by: y)
                let (m, _) = x.remainderReportingOverflow(dividingBy: y)
                return .int(op == "/" ? (o ? x : q) : m, unsigned: false)
            case "<<": return .int(y < 0 || y > 63 ? 0 : x << y, unsigned: unsigned)
            case ">>": return .int(y < 0 || y > 63 ? 0 : (unsigned ? Int64(bitPattern: ux >> uy) : x >> y), unsigned: unsigned)
            case "&": return .int(x & y, unsigned: unsigned)
            case "|": return .int(x | y, unsigned: unsigned)
            case "^": return .int(x ^ y, unsigned: unsigned)
            case "==": return bool(x == y)
            case "!=": return bool(x != y)
            case "<": return bool(unsigned ? ux < uy : x < y)
            case "<=": return bool(unsigned ? ux <= uy : x <= y)
            case ">": return bool(unsigned ? ux > uy : x > y)
            case ">=": return bool(unsigned ? ux >= uy : x >= y)
            default: throw TraceEventError("operator \(op)")
            }
        case let .ternary(c, a, b): return try eval(c).integer != 0 ? eval(a) : eval(b)
        case let .cast(size, unsigned, x):
            let v = try eval(x)
            guard case let .int(n, _) = v, size > 0, size < 8 else {
                if case let .int(n, _) = v { return .int(n, unsigned: unsigned) }
                return v
            }
            let bits = UInt64(8 * size)
            let masked = UInt64(bitPattern: n) & ((1 << bits) - 1)
            if unsigned { return .int(Int64(bitPattern: masked), unsigned: true) }
            return .int(Int64(bitPattern: masked << (64 - bits)) >> Int64(64 - bits), unsigned: false)
        case let .call(name, args): return try call(name, args)
        case .pair: throw TraceEventError("{ } outside __print_flags/__print_symbolic")
        }
    }

    /// A value of a __print_flags / __print_symbolic list: names libtraceevent does not know are -1.
    func flagValue(_ e: Expr) throws -> Int64 {
        if case let .symbol(name) = e, r.format.field(name) == nil { return Self.knownConstants[name] ?? -1 }
        return try eval(e).integer
    }

    static let knownConstants: [String: Int64] = [
        "HI_SOFTIRQ": 0, "TIMER_SOFTIRQ": 1, "NET_TX_SOFTIRQ": 2, "NET_RX_SOFTIRQ": 3, "BLOCK_SOFTIRQ": 4,
        "IRQ_POLL_SOFTIRQ": 5, "TASKLET_SOFTIRQ": 6, "SCHED_SOFTIRQ": 7, "HRTIMER_SOFTIRQ": 8, "RCU_SOFTIRQ": 9,
        "HRTIMER_NORESTART": 0, "HRTIMER_RESTART": 1,
    ]

    func call(_ name: String, _ args: [Expr]) throws -> Value {
        switch name {
        case "__get_str", "__get_rel_str":
            guard let a = args.first, case let .field(n) = a.asField else { throw TraceEventError("\(name) of a non-field") }
            return .string(try r.string(try field(n)))
        case "__print_flags":
            guard args.count >= 2 else { throw TraceEventError("__print_flags arguments") }
            var v = UInt64(bitPattern: try eval(args[0]).integer)
            guard case let .string(delim) = try eval(args[1]) else { throw TraceEventError("__print_flags delimiter") }
            var out = "", printed = false
            // libtraceevent's rules: a name it cannot evaluate (-1) stands for 0 when the value is 0.
            for case let .pair(fe, se) in args.dropFirst(2) {
                let fv = UInt64(bitPattern: try flagValue(fe))
                guard case let .string(s) = try eval(se) else { continue }
                if v == 0 && Int64(bitPattern: fv) < 0 { out += s; printed = true; break }
                if Int64(bitPattern: fv) > 0 && v & fv == fv {
                    if printed { out += delim }
                    out += s
                    printed = true
                    v &= ~fv
                }
            }
            if v != 0 { out += (printed ? delim : "") + "0x" + String(v, radix: 16) }
            return .string(out)
        case "__print_symbolic", "__print_symbolic_u64":
            guard let first = args.first else { throw TraceEventError("__print_symbolic arguments") }
            let v = try eval(first).integer
            for case let .pair(fe, se) in args.dropFirst() where try flagValue(fe) == v {
                if case let .string(s) = try eval(se) { return .string(s) }
            }
            return .string("0x" + String(UInt64(bitPattern: v), radix: 16))
        default:
            throw TraceEventError("function \(name)")
        }
    }
}

/// Tokens of a print fmt line.
enum Token: Equatable {
    case number(Int64)
    case string(String)
    case ident(String)
    case punct(String)
}

enum Lexer {
    static let puncts = ["->", "<<", ">>", "<=", ">=", "==", "!=", "&&", "||", "(", ")", "[", "]", "{", "}", ",", "?", ":",
                         "+", "-", "*", "/", "%", "&", "|", "^", "~", "!", "<", ">", "."]

    static func tokens(_ text: String) throws(TraceEventError) -> [Token] {
        let b = Array(text.utf8)
        var out: [Token] = []
        var i = 0
        while i < b.count {
            let c = b[i]
            if c == 0x20 || c == 0x09 || c == 0x0A { i += 1; continue }
            if c == UInt8(ascii: "\"") {
                var j = i + 1
                var s: [UInt8] = []
                while j < b.count, b[j] != UInt8(ascii: "\"") {
                    if b[j] == UInt8(ascii: "\\"), j + 1 < b.count { s.append(b[j]); s.append(b[j + 1]); j += 2; continue }
                    s.append(b[j]); j += 1
                }
                guard j < b.count else { throw TraceEventError("unterminated string") }
                out.append(.string(String(decoding: s, as: UTF8.self)))
                i = j + 1
                continue
            }
            if c >= 0x30 && c <= 0x39 {
                var j = i
                while j < b.count, (b[j] >= 0x30 && b[j] <= 0x39) || (b[j] | 0x20 >= 0x61 && b[j] | 0x20 <= 0x7A) { j += 1 }
                var lit = String(decoding: b[i..<j], as: UTF8.self).lowercased()
                while lit.hasSuffix("u") || lit.hasSuffix("l") { lit.removeLast() }
                let v: UInt64?
                if lit.hasPrefix("0x") { v = UInt64(lit.dropFirst(2), radix: 16) }
                else if lit.count > 1 && lit.hasPrefix("0") { v = UInt64(lit.dropFirst(), radix: 8) }
                else { v = UInt64(lit) }
                guard let v else { throw TraceEventError("number \(lit)") }
                out.append(.number(Int64(bitPattern: v)))
                i = j
                continue
            }
            if c == UInt8(ascii: "_") || (c | 0x20 >= 0x61 && c | 0x20 <= 0x7A) {
                var j = i
                while j < b.count, b[j] == UInt8(ascii: "_") || (b[j] | 0x20 >= 0x61 && b[j] | 0x20 <= 0x7A) || (b[j] >= 0x30 && b[j] <= 0x39) { j += 1 }
                out.append(.ident(String(decoding: b[i..<j], as: UTF8.self)))
                i = j
                continue
            }
            var matched = false
            for p in puncts where b.count - i >= p.utf8.count && Array(b[i..<(i + p.utf8.count)]) == Array(p.utf8) {
                out.append(.punct(p))
                i += p.utf8.count
                matched = true
                break
            }
            guard matched else { throw TraceEventError("character \(c)") }
        }
        return out
    }
}

/// Precedence climbing over C expressions (no assignments, no comma operator).
struct ExprParser {
    var tokens: [Token]
    var pos = 0
    var depth = 0
    init(_ t: [Token]) { tokens = t }

    var peek: Token? { pos < tokens.count ? tokens[pos] : nil }
    mutating func next() -> Token? { defer { pos += 1 }; return peek }
    mutating func take(_ t: Token) -> Bool { if peek == t { pos += 1; return true }; return false }
    mutating func expect(_ p: String) throws(TraceEventError) { guard take(.punct(p)) else { throw TraceEventError("expected \(p)") } }

    static let levels: [[String]] = [["||"], ["&&"], ["|"], ["^"], ["&"], ["==", "!="], ["<", "<=", ">", ">="], ["<<", ">>"], ["+", "-"], ["*", "/", "%"]]

    mutating func expression() throws(TraceEventError) -> Expr {
        depth += 1
        defer { depth -= 1 }
        guard depth < 200 else { throw TraceEventError("expression too deep") }
        let c = try binary(0)
        if take(.punct("?")) {
            let a = try expression()
            try expect(":")
            return .ternary(c, a, try expression())
        }
        return c
    }

    mutating func binary(_ level: Int) throws(TraceEventError) -> Expr {
        if level == Self.levels.count { return try unary() }
        var lhs = try binary(level + 1)
        while case let .punct(p)? = peek, Self.levels[level].contains(p) {
            pos += 1
            lhs = .binary(p, lhs, try binary(level + 1))
        }
        return lhs
    }

    static let typeWords: Set<String> = ["unsigned", "signed", "int", "long", "short", "char", "u8", "u16", "u32", "u64",
                                         "s8", "s16", "s32", "s64", "__u8", "__u16", "__u32", "__u64", "__s8", "__s16",
                                         "__s32", "__s64", "size_t", "bool", "pid_t", "void", "const", "uint8_t", "uint16_t",
                                         "uint32_t", "uint64_t", "int8_t", "int16_t", "int32_t", "int64_t"]

    /// (type) cast: size in bytes (0: keep the width, for typedefs it does not know) and signedness. A
    /// parenthesized list of names is a cast when an operand follows it (`(gfp_t)x`, `(loff_t)REC->index`).
    mutating func castType() -> (Int, Bool)? {
        var j = pos + 1
        var words: [String] = []
        var pointer = false
        while j < tokens.count {
            switch tokens[j] {
            case let .ident(w) where w != "REC": words.append(w)
            case .punct("*"): pointer = true
            case .punct(")"):
                guard !words.isEmpty, j + 1 < tokens.count else { return nil }
                switch tokens[j + 1] {
                case .ident, .number, .string, .punct("("), .punct("~"), .punct("!"): break
                case .punct("-") where words.allSatisfy(Self.typeWords.contains): break
                default: return nil
                }
                pos = j + 1
                if pointer { return (8, true) }
                if !words.allSatisfy(Self.typeWords.contains) {
                    // A typedef: unsigned when its name says so (u32, __u64, gfp_t is unsigned int too).
                    let w = words.last ?? ""
                    return (0, w.hasPrefix("u") || w.hasPrefix("__u") || w == "gfp_t" || w == "dev_t" || w == "size_t")
                }
                let unsigned = words.contains("unsigned") || words.contains { $0.hasPrefix("u") || $0.hasPrefix("__u") } || words == ["size_t"] || words == ["bool"]
                if words.contains("char") || words.contains(where: { $0.hasSuffix("8") && !$0.hasSuffix("_t") || $0 == "uint8_t" || $0 == "int8_t" }) { return (1, unsigned) }
                if words.contains("short") || words.contains(where: { $0.hasSuffix("16") || $0.hasSuffix("16_t") }) { return (2, unsigned) }
                if words.contains("long") || words.contains(where: { $0.hasSuffix("64") || $0.hasSuffix("64_t") }) || words == ["size_t"] { return (8, unsigned) }
                if words.contains("bool") { return (1, true) }
                return (4, unsigned)
            default: return nil
            }
            j += 1
        }
        return nil
    }

    mutating func unary() throws(TraceEventError) -> Expr {
        guard let t = peek else { throw TraceEventError("expression ends early") }
        switch t {
        case .punct("-"), .punct("~"), .punct("!"), .punct("+"):
            pos += 1
            guard case let .punct(op) = t else { throw TraceEventError("operator") }
            return .unary(op, try unary())
        case .punct("("):
            if let (size, unsigned) = castType() { return .cast(size: size, unsigned: unsigned, try unary()) }
            pos += 1
            let e = try expression()
            try expect(")")
            return try postfix(e)
        default:
            return try postfix(try primary())
        }
    }

    mutating func postfix(_ base: Expr) throws(TraceEventError) -> Expr {
        var e = base
        while take(.punct("[")) {
            let i = try expression()
            try expect("]")
            e = .index(e, i)
        }
        return e
    }

    mutating func primary() throws(TraceEventError) -> Expr {
        switch next() {
        case let .number(n)?: return .number(n)
        case var .string(s)?:
            while case let .string(more)? = peek { s += more; pos += 1 }
            return .string(s)
        case .punct("{")?:
            let a = try expression()
            try expect(",")
            let b = try expression()
            try expect("}")
            return .pair(a, b)
        case let .ident(name)?:
            if name == "REC" {
                try expect("->")
                guard case let .ident(f)? = next() else { throw TraceEventError("REC-> without a field") }
                return .field(f)
            }
            // A bare name is a field (the argument of __get_str), or an enum the kernel left unresolved
            // (then evaluating it fails and the record prints its fields).
            guard take(.punct("(")) else { return .symbol(name) }
            var args: [Expr] = []
            if !take(.punct(")")) {
                repeat { args.append(try expression()) } while take(.punct(","))
                try expect(")")
            }
            return .call(name, args)
        default:
            throw TraceEventError("unexpected token")
        }
    }
}
