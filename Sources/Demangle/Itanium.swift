// Itanium C++ ABI demangler whose text matches GNU c++filt (libiberty's
// cp-demangle with DMGL_PARAMS | DMGL_ANSI | DMGL_VERBOSE, binutils 2.40).
//
// The design follows the two phases of that demangler, since its output
// conventions (spacing, where declarator modifiers land, reference collapsing,
// template-parameter scoping) are properties of that design: a parser builds a
// tree of components in an arena (indices, no per-node objects), and a printer
// walks it with a stack of pending type modifiers. Everything is bounded: input
// length (like libiberty, 1024 bytes), recursion depth, output length, and all
// substitution and template-parameter indexes are range-checked.

enum IK: UInt8 {
    case name, qualName, localName, typedName, template, templateParam, functionParam, ctor, dtor
    case vtable, vtt, constructionVtable, typeinfo, typeinfoName, typeinfoFn, thunk, virtualThunk
    case covariantThunk, javaClass, guardVar, tlsInit, tlsWrapper, reftemp, hiddenAlias
    case transactionClone, nontransactionClone, subStd
    case restrict, volatile, const, restrictThis, volatileThis, constThis, referenceThis, rvalueReferenceThis
    case transactionSafe, noexcept, throwSpec
    case vendorTypeQual, pointer, reference, rvalueReference, complex, imaginary, builtin, vendorType
    case functionType, arrayType, ptrmemType, vectorType
    case argList, templateArgList, initializerList, op, extendedOp, cast, conversion
    case nullary, unary, binary, binaryArgs, trinary, trinaryArg1, trinaryArg2
    case literal, literalNeg, number, decltype, globalCtors, globalDtors
    case lambda, defaultArg, unnamedType, packExpansion, taggedName, clone, tparmObj
}

struct IComp {
    var kind: IK
    var l: Int32 = -1
    var r: Int32 = -1
    var num: Int32 = 0   // builtin/operator index, number, argument count
    var s: Int32 = 0     // string in the pool
    var n: Int32 = 0
}

enum PrintKind: UInt8 { case plain, int, unsigned, long, unsignedLong, longLong, unsignedLongLong, bool, float, void }

private let builtinNames: [(String, PrintKind)] = [
    ("signed char", .plain), ("bool", .bool), ("char", .plain), ("double", .float), ("long double", .float),
    ("float", .float), ("__float128", .float), ("unsigned char", .plain), ("int", .int), ("unsigned int", .unsigned),
    ("", .plain), ("long", .long), ("unsigned long", .unsignedLong), ("__int128", .plain),
    ("unsigned __int128", .plain), ("", .plain), ("", .plain), ("", .plain), ("short", .plain),
    ("unsigned short", .plain), ("", .plain), ("void", .void), ("wchar_t", .plain), ("long long", .longLong),
    ("unsigned long long", .unsignedLongLong), ("...", .plain),
    ("decimal32", .plain), ("decimal64", .plain), ("decimal128", .plain), ("half", .float), ("char8_t", .plain),
    ("char16_t", .plain), ("char32_t", .plain), ("decltype(nullptr)", .plain), ("_Float", .float),
]
private let builtinBytes: [[UInt8]] = builtinNames.map { Array($0.0.utf8) }
private let extendedFloat: Int32 = 34

struct OpInfo { let code: (UInt8, UInt8); let name: [UInt8]; let args: Int }
private let operatorTable: [OpInfo] = {
    let list: [(String, String, Int)] = [
        ("aN", "&=", 2), ("aS", "=", 2), ("aa", "&&", 2), ("ad", "&", 1), ("an", "&", 2), ("at", "alignof ", 1),
        ("aw", "co_await ", 1), ("az", "alignof ", 1), ("cc", "const_cast", 2), ("cl", "()", 2), ("cm", ",", 2),
        ("co", "~", 1), ("dV", "/=", 2), ("dX", "[...]=", 3), ("da", "delete[] ", 1), ("dc", "dynamic_cast", 2),
        ("de", "*", 1), ("di", "=", 2), ("dl", "delete ", 1), ("ds", ".*", 2), ("dt", ".", 2), ("dv", "/", 2),
        ("dx", "]=", 2), ("eO", "^=", 2), ("eo", "^", 2), ("eq", "==", 2), ("fL", "...", 3), ("fR", "...", 3),
        ("fl", "...", 2), ("fr", "...", 2), ("ge", ">=", 2), ("gs", "::", 1), ("gt", ">", 2), ("ix", "[]", 2),
        ("lS", "<<=", 2), ("le", "<=", 2), ("li", "operator\"\" ", 1), ("ls", "<<", 2), ("lt", "<", 2),
        ("mI", "-=", 2), ("mL", "*=", 2), ("mi", "-", 2), ("ml", "*", 2), ("mm", "--", 1), ("na", "new[]", 3),
        ("ne", "!=", 2), ("ng", "-", 1), ("nt", "!", 1), ("nw", "new", 3), ("nx", "noexcept", 1), ("oR", "|=", 2), ("oo", "||", 2),
        ("or", "|", 2), ("pL", "+=", 2), ("pl", "+", 2), ("pm", "->*", 2), ("pp", "++", 1), ("ps", "+", 1),
        ("pt", "->", 2), ("qu", "?", 3), ("rM", "%=", 2), ("rS", ">>=", 2), ("rc", "reinterpret_cast", 2),
        ("rm", "%", 2), ("rs", ">>", 2), ("sP", "sizeof...", 1), ("sZ", "sizeof...", 1), ("sc", "static_cast", 2),
        ("ss", "<=>", 2), ("st", "sizeof ", 1), ("sz", "sizeof ", 1), ("tr", "throw", 0), ("tw", "throw ", 1),
    ]
    return list.map { c, n, a in
        let b = Array(c.utf8)
        return OpInfo(code: (b[0], b[1]), name: Array(n.utf8), args: a)
    }
}()
/// Operator index by its two code bytes (c1 << 8 | c2), -1 when none.
private let operatorIndex: [Int16] = {
    var t = [Int16](repeating: -1, count: 1 << 16)
    for (i, op) in operatorTable.enumerated() { t[Int(op.code.0) << 8 | Int(op.code.1)] = Int16(i) }
    return t
}()

private struct StdSub { let code: UInt8; let full: [UInt8]; let simple: [UInt8]; let lastName: [UInt8]? }
private func stdSub(_ c: Unicode.Scalar, _ full: String, _ simple: String, _ last: String?) -> StdSub {
    StdSub(code: UInt8(ascii: c), full: Array(full.utf8), simple: Array(simple.utf8), lastName: last.map { Array($0.utf8) })
}
/// Standard substitutions: c++filt (DMGL_VERBOSE) prints the full expansion, nm -C and readelf -C the simple one.
private let standardSubs: [StdSub] = [
    stdSub("t", "std", "std", nil),
    stdSub("a", "std::allocator", "std::allocator", "allocator"),
    stdSub("b", "std::basic_string", "std::basic_string", "basic_string"),
    stdSub("s", "std::basic_string<char, std::char_traits<char>, std::allocator<char> >", "std::string", "basic_string"),
    stdSub("i", "std::basic_istream<char, std::char_traits<char> >", "std::istream", "basic_istream"),
    stdSub("o", "std::basic_ostream<char, std::char_traits<char> >", "std::ostream", "basic_ostream"),
    stdSub("d", "std::basic_iostream<char, std::char_traits<char> >", "std::iostream", "basic_iostream"),
]

@inline(__always) private func isDigit(_ c: UInt8) -> Bool { c >= 48 && c <= 57 }
@inline(__always) private func isLower(_ c: UInt8) -> Bool { c >= 97 && c <= 122 }
@inline(__always) private func isUpper(_ c: UInt8) -> Bool { c >= 65 && c <= 90 }
private func ch(_ s: Unicode.Scalar) -> UInt8 { UInt8(ascii: s) }

final class ItaniumDemangler {
    // Limits. libiberty refuses names longer than 1024 bytes (2 * len > 2048
    // components); parse depth is ours (deep nesting gives nil), print depth is
    // libiberty's.
    static let maxInput = 1024
    static let maxDepth = 256
    static let maxPrintRecursion = 1024
    static let maxOutput = 1 << 18

    var pool: [UInt8]      // the input, then any literal strings the parser adds
    let end: Int           // end of the input inside the pool
    var p = 0
    var nodes: [IComp] = []
    var subs: [Int32] = []
    var lastName: Int32 = -1
    var isExpression = false
    var isConversion = false
    var depth = 0
    /// 1: try the newer `sr <qualifier>+ E <name>` form; -1: it was tried; 0: old form only.
    var unresolvedState = 1
    var parseFailed = false
    let params: Bool
    let verbose: Bool

    init(_ bytes: [UInt8], params: Bool, verbose: Bool = true) {
        pool = bytes
        end = bytes.count
        self.params = params
        self.verbose = verbose
        nodes.reserveCapacity(bytes.count * 2)
    }

    // MARK: input

    @inline(__always) func peek() -> UInt8 { p < end ? pool[p] : 0 }
    @inline(__always) func peek2() -> UInt8 { p + 1 < end ? pool[p + 1] : 0 }
    @inline(__always) func next() -> UInt8 {
        guard p < end else { return 0 }
        p += 1
        return pool[p - 1]
    }
    @inline(__always) func check(_ c: UInt8) -> Bool {
        if p < end && pool[p] == c { p += 1; return true }
        return false
    }
    @inline(__always) func advance(_ n: Int) { p = min(end, p + n) }

    // MARK: components

    @inline(__always) func kind(_ i: Int32) -> IK? { i >= 0 ? nodes[Int(i)].kind : nil }
    @inline(__always) func left(_ i: Int32) -> Int32 { i >= 0 ? nodes[Int(i)].l : -1 }
    @inline(__always) func right(_ i: Int32) -> Int32 { i >= 0 ? nodes[Int(i)].r : -1 }

    func add(_ c: IComp) -> Int32 {
        if nodes.count >= 2 * Self.maxInput + 64 { return -1 }
        nodes.append(c)
        return Int32(nodes.count - 1)
    }

    /// d_make_comp: the same required-operand rules, so failures propagate alike.
    func make(_ k: IK, _ l: Int32, _ r: Int32) -> Int32 {
        switch k {
        case .qualName, .localName, .typedName, .taggedName, .template, .constructionVtable, .vendorTypeQual,
             .ptrmemType, .unary, .binary, .binaryArgs, .trinary, .trinaryArg1, .literal, .literalNeg,
             .vectorType, .clone:
            if l < 0 || r < 0 { return -1 }
        case .vtable, .vtt, .typeinfo, .typeinfoName, .typeinfoFn, .thunk, .virtualThunk, .covariantThunk,
             .javaClass, .guardVar, .tlsInit, .tlsWrapper, .reftemp, .hiddenAlias, .transactionClone,
             .nontransactionClone, .pointer, .reference, .rvalueReference, .complex, .imaginary, .vendorType,
             .cast, .conversion, .decltype, .packExpansion, .globalCtors, .globalDtors, .nullary, .trinaryArg2,
             .tparmObj:
            if l < 0 { return -1 }
        case .arrayType, .initializerList:
            if r < 0 { return -1 }
        case .functionType, .restrict, .volatile, .const, .argList, .templateArgList, .restrictThis,
             .volatileThis, .constThis, .referenceThis, .rvalueReferenceThis, .transactionSafe, .noexcept,
             .throwSpec:
            break
        default:
            return -1
        }
        return add(IComp(kind: k, l: l, r: r))
    }

    func makeName(_ s: Int, _ n: Int) -> Int32 {
        if n <= 0 { return -1 }
        return add(IComp(kind: .name, s: Int32(s), n: Int32(n)))
    }
    func makeLiteralName(_ bytes: [UInt8], kind k: IK = .name) -> Int32 {
        let s = pool.count
        pool.append(contentsOf: bytes)
        return add(IComp(kind: k, s: Int32(s), n: Int32(bytes.count)))
    }
    func makeBuiltin(_ index: Int) -> Int32 { add(IComp(kind: .builtin, num: Int32(index))) }

    func addSub(_ dc: Int32) -> Bool {
        if dc < 0 || subs.count >= end { return false }
        subs.append(dc)
        return true
    }

    func isFnQual(_ k: IK?) -> Bool {
        switch k {
        case .restrictThis?, .volatileThis?, .constThis?, .referenceThis?, .rvalueReferenceThis?,
             .transactionSafe?, .noexcept?, .throwSpec?: return true
        default: return false
        }
    }

    // MARK: grammar

    func mangledName(top: Bool) -> Int32 {
        if !check(ch("_")) && top { return -1 }
        if !check(ch("Z")) { return -1 }
        var dc = encoding(top: top)
        if top && params {
            while peek() == ch(".") && (isLower(peek2()) || peek2() == ch("_") || isDigit(peek2())) {
                dc = cloneSuffix(dc)
            }
        }
        return dc
    }

    func hasReturnType(_ dc: Int32) -> Bool {
        guard let k = kind(dc) else { return false }
        switch k {
        case .localName: return hasReturnType(right(dc))
        case .template: return !isCtorDtorOrConversion(left(dc))
        default:
            return isFnQual(k) ? hasReturnType(left(dc)) : false
        }
    }

    func isCtorDtorOrConversion(_ dc: Int32) -> Bool {
        var d = dc
        while let k = kind(d) {
            switch k {
            case .qualName, .localName: d = right(d)
            case .ctor, .dtor, .conversion: return true
            default: return false
            }
        }
        return false
    }

    func encoding(top: Bool) -> Int32 {
        depth += 1
        defer { depth -= 1 }
        if depth > Self.maxDepth { return -1 }
        let c = peek()
        if c == ch("G") || c == ch("T") { return specialName() }
        var dc = name()
        if dc < 0 { return -1 }
        if top && !params {
            while isFnQual(kind(dc)) { dc = left(dc) }
            if kind(dc) == .localName {
                var r = right(dc)
                while r >= 0 && isFnQual(kind(r)) { r = left(r) }
                nodes[Int(dc)].r = r
                if r < 0 { return -1 }
            }
            return dc
        }
        let c2 = peek()
        if c2 != 0 && c2 != ch("E") {
            let ftype = bareFunctionType(hasReturn: hasReturnType(dc))
            if ftype < 0 { return -1 }
            if !top && kind(dc) == .localName && kind(ftype) == .functionType { nodes[Int(ftype)].l = -1 }
            dc = make(.typedName, dc, ftype)
        }
        return dc
    }

    func abiTags(_ dcIn: Int32) -> Int32 {
        var dc = dcIn
        let hold = lastName
        while peek() == ch("B") {
            advance(1)
            let tag = sourceName()
            dc = make(.taggedName, dc, tag)
        }
        lastName = hold
        return dc
    }

    func name() -> Int32 {
        depth += 1
        defer { depth -= 1 }
        if depth > Self.maxDepth { return -1 }
        let c = peek()
        switch c {
        case ch("N"): return nestedName()
        case ch("Z"): return localName()
        case ch("U"): return unqualifiedName()
        case ch("S"):
            var dc: Int32
            let subst: Bool
            if peek2() != ch("t") {
                dc = substitution(prefix: false)
                subst = true
            } else {
                advance(2)
                let std = makeLiteralName(Array("std".utf8))
                dc = make(.qualName, std, unqualifiedName())
                subst = false
            }
            if peek() == ch("I") {
                if !subst && !addSub(dc) { return -1 }
                dc = make(.template, dc, templateArgs())
            }
            return dc
        default:
            var dc = unqualifiedName()
            if peek() == ch("I") {
                if !addSub(dc) { return -1 }
                dc = make(.template, dc, templateArgs())
            }
            return dc
        }
    }

    /// Parses CV-qualifiers into a chain; returns (head, hole): the value goes
    /// into `hole`'s left operand, or becomes the head when hole is -1.
    func cvQualifiers(memberFn: Bool) -> (ok: Bool, head: Int32, hole: Int32) {
        var head: Int32 = -1, hole: Int32 = -1
        var chain: [Int32] = []
        while nextIsTypeQual() {
            let c = next()
            var k: IK
            var r: Int32 = -1
            if c == ch("r") { k = memberFn ? .restrictThis : .restrict }
            else if c == ch("V") { k = memberFn ? .volatileThis : .volatile }
            else if c == ch("K") { k = memberFn ? .constThis : .const }
            else {
                let c2 = next()
                if c2 == ch("x") { k = .transactionSafe }
                else if c2 == ch("o") || c2 == ch("O") {
                    k = .noexcept
                    if c2 == ch("O") {
                        r = expression()
                        if r < 0 || !check(ch("E")) { return (false, -1, -1) }
                    }
                } else if c2 == ch("w") {
                    k = .throwSpec
                    r = parmlist()
                    if r < 0 || !check(ch("E")) { return (false, -1, -1) }
                } else { return (false, -1, -1) }
            }
            let q = make(k, -1, r)
            if q < 0 { return (false, -1, -1) }
            if hole < 0 { head = q } else { nodes[Int(hole)].l = q }
            hole = q
            chain.append(q)
        }
        if !memberFn && peek() == ch("F") {
            for q in chain {
                switch nodes[Int(q)].kind {
                case .restrict: nodes[Int(q)].kind = .restrictThis
                case .volatile: nodes[Int(q)].kind = .volatileThis
                case .const: nodes[Int(q)].kind = .constThis
                default: break
                }
            }
        }
        return (true, head, hole)
    }

    func refQualifier(_ sub: Int32) -> Int32 {
        let c = peek()
        if c == ch("R") || c == ch("O") {
            advance(1)
            return make(c == ch("R") ? .referenceThis : .rvalueReferenceThis, sub, -1)
        }
        return sub
    }

    func nestedName() -> Int32 {
        if !check(ch("N")) { return -1 }
        let q = cvQualifiers(memberFn: true)
        if !q.ok { return -1 }
        var ret = q.head
        let rqual = refQualifier(-1)
        let pre = prefix(substable: true)
        if pre < 0 { return -1 }
        if q.hole < 0 { ret = pre } else { nodes[Int(q.hole)].l = pre }
        if rqual >= 0 {
            nodes[Int(rqual)].l = ret
            ret = rqual
        }
        if !check(ch("E")) { return -1 }
        return ret
    }

    func prefix(substable: Bool) -> Int32 {
        var ret: Int32 = -1
        while true {
            let c = peek()
            if c == 0 { return -1 }
            var comb = IK.qualName
            var dc: Int32
            if c == ch("D") {
                let c2 = peek2()
                dc = (c2 == ch("T") || c2 == ch("t")) ? type() : unqualifiedName()
            } else if isDigit(c) || isLower(c) || c == ch("C") || c == ch("U") || c == ch("L") {
                dc = unqualifiedName()
            } else if c == ch("S") {
                dc = substitution(prefix: true)
            } else if c == ch("I") {
                if ret < 0 { return -1 }
                comb = .template
                dc = templateArgs()
            } else if c == ch("T") {
                dc = templateParam()
            } else if c == ch("E") {
                return ret
            } else if c == ch("M") {
                if ret < 0 { return -1 }
                advance(1)
                continue
            } else {
                return -1
            }
            ret = ret < 0 ? dc : make(comb, ret, dc)
            if ret < 0 { return -1 }
            if substable && c != ch("S") && peek() != ch("E") {
                if !addSub(ret) { return -1 }
            }
        }
    }

    func unqualifiedName() -> Int32 {
        let c = peek()
        var ret: Int32
        if isDigit(c) {
            ret = sourceName()
        } else if isLower(c) {
            let wasExpression = isExpression
            if c == ch("o") && peek2() == ch("n") {
                advance(2)
                isExpression = false  // "on cv" names a conversion operator
            }
            ret = operatorName()
            isExpression = wasExpression
            if ret >= 0 && nodes[Int(ret)].kind == .op {
                let info = operatorTable[Int(nodes[Int(ret)].num)]
                if info.code == (ch("l"), ch("i")) {
                    ret = make(.unary, ret, sourceName())
                }
            }
        } else if c == ch("C") || c == ch("D") {
            ret = ctorDtorName()
        } else if c == ch("L") {
            advance(1)
            ret = sourceName()
            if ret < 0 { return -1 }
            if !discriminator() { return -1 }
        } else if c == ch("U") {
            switch peek2() {
            case ch("l"): ret = lambda()
            case ch("t"): ret = unnamedType()
            default: return -1
            }
        } else {
            return -1
        }
        if peek() == ch("B") { ret = abiTags(ret) }
        return ret
    }

    func sourceName() -> Int32 {
        let len = number()
        if len <= 0 { return -1 }
        let r = identifier(len)
        lastName = r
        return r
    }

    /// d_number: [n] digits, -1 on int overflow.
    func number() -> Int {
        var negative = false
        if peek() == ch("n") { negative = true; advance(1) }
        var ret = 0
        while true {
            let c = peek()
            if !isDigit(c) { return negative ? -ret : ret }
            let d = Int(c) - 48
            if ret > (Int(Int32.max) - d) / 10 { return -1 }
            ret = ret * 10 + d
            advance(1)
        }
    }

    func identifier(_ len: Int) -> Int32 {
        let start = p
        if end - start < len { return -1 }
        advance(len)
        // g++'s encoding of an anonymous namespace: _GLOBAL_[._$]N...
        if len >= 10 && pool[start] == ch("_") && pool[start + 1] == ch("G") && pool[start + 2] == ch("L")
            && pool[start + 3] == ch("O") && pool[start + 4] == ch("B") && pool[start + 5] == ch("A")
            && pool[start + 6] == ch("L") && pool[start + 7] == ch("_") {
            let c = pool[start + 8]
            if (c == ch(".") || c == ch("_") || c == ch("$")) && pool[start + 9] == ch("N") {
                return makeLiteralName(Array("(anonymous namespace)".utf8))
            }
        }
        return makeName(start, len)
    }

    func operatorName() -> Int32 {
        let c1 = next(), c2 = next()
        if c1 == ch("v") && isDigit(c2) {
            let nm = sourceName()
            if nm < 0 { return -1 }
            return add(IComp(kind: .extendedOp, l: nm, num: Int32(c2) - 48))
        }
        if c1 == ch("c") && c2 == ch("v") {
            let was = isConversion
            isConversion = !isExpression
            let t = type()
            let res = make(isConversion ? .conversion : .cast, t, -1)
            isConversion = was
            return res
        }
        let idx = operatorIndex[Int(c1) << 8 | Int(c2)]
        if idx < 0 { return -1 }
        return add(IComp(kind: .op, num: Int32(idx)))
    }

    func specialName() -> Int32 {
        if check(ch("T")) {
            switch next() {
            case ch("V"): return make(.vtable, type(), -1)
            case ch("T"): return make(.vtt, type(), -1)
            case ch("I"): return make(.typeinfo, type(), -1)
            case ch("S"): return make(.typeinfoName, type(), -1)
            case ch("h"):
                if !callOffset(ch("h")) { return -1 }
                return make(.thunk, encoding(top: false), -1)
            case ch("v"):
                if !callOffset(ch("v")) { return -1 }
                return make(.virtualThunk, encoding(top: false), -1)
            case ch("c"):
                if !callOffset(0) || !callOffset(0) { return -1 }
                return make(.covariantThunk, encoding(top: false), -1)
            case ch("C"):
                let derived = type()
                let offset = number()
                if offset < 0 || !check(ch("_")) { return -1 }
                let base = type()
                return make(.constructionVtable, base, derived)
            case ch("F"): return make(.typeinfoFn, type(), -1)
            case ch("J"): return make(.javaClass, type(), -1)
            case ch("H"): return make(.tlsInit, name(), -1)
            case ch("W"): return make(.tlsWrapper, name(), -1)
            case ch("A"): return make(.tparmObj, templateArg(), -1)
            default: return -1
            }
        } else if check(ch("G")) {
            switch next() {
            case ch("V"): return make(.guardVar, name(), -1)
            case ch("R"):
                let nm = name()
                let num = add(IComp(kind: .number, num: Int32(clamping: number())))
                return make(.reftemp, nm, num)
            case ch("A"): return make(.hiddenAlias, encoding(top: false), -1)
            case ch("T"):
                if next() == ch("n") { return make(.nontransactionClone, encoding(top: false), -1) }
                return make(.transactionClone, encoding(top: false), -1)
            default: return -1  // Gr (Java resources) is not supported
            }
        }
        return -1
    }

    func callOffset(_ c0: UInt8) -> Bool {
        let c = c0 == 0 ? next() : c0
        if c == ch("h") {
            _ = number()
        } else if c == ch("v") {
            _ = number()
            if !check(ch("_")) { return false }
            _ = number()
        } else {
            return false
        }
        return check(ch("_"))
    }

    func ctorDtorName() -> Int32 {
        if peek() == ch("C") {
            var inheriting = false
            if peek2() == ch("I") { inheriting = true; advance(1) }
            let d = peek2()
            guard d >= ch("1") && d <= ch("5") else { return -1 }
            advance(2)
            if inheriting { _ = type() }
            if lastName < 0 { return -1 }
            return add(IComp(kind: .ctor, l: lastName, num: Int32(d) - 48))
        }
        if peek() == ch("D") {
            let d = peek2()
            guard d == ch("0") || d == ch("1") || d == ch("2") || d == ch("4") || d == ch("5") else { return -1 }
            advance(2)
            if lastName < 0 { return -1 }
            return add(IComp(kind: .dtor, l: lastName, num: Int32(d) - 48))
        }
        return -1
    }

    func nextIsTypeQual() -> Bool {
        let c = peek()
        if c == ch("r") || c == ch("V") || c == ch("K") { return true }
        if c == ch("D") {
            let c2 = peek2()
            return c2 == ch("x") || c2 == ch("o") || c2 == ch("O") || c2 == ch("w")
        }
        return false
    }

    func type() -> Int32 {
        depth += 1
        defer { depth -= 1 }
        if depth > Self.maxDepth { return -1 }
        if nextIsTypeQual() {
            let q = cvQualifiers(memberFn: false)
            if !q.ok { return -1 }
            var head = q.head
            var v = peek() == ch("F") ? functionType() : type()
            if v < 0 { return -1 }
            let vk = nodes[Int(v)].kind
            if vk == .rvalueReferenceThis || vk == .referenceThis {
                let fn = nodes[Int(v)].l
                nodes[Int(v)].l = head
                head = v
                v = fn
            }
            if q.hole < 0 { head = v } else { nodes[Int(q.hole)].l = v }
            if !addSub(head) { return -1 }
            return head
        }
        var canSubst = true
        var ret: Int32
        let c = peek()
        switch c {
        case ch("a"), ch("b"), ch("c"), ch("d"), ch("e"), ch("f"), ch("g"), ch("h"), ch("i"), ch("j"),
             ch("l"), ch("m"), ch("n"), ch("o"), ch("s"), ch("t"), ch("v"), ch("w"), ch("x"), ch("y"), ch("z"):
            ret = makeBuiltin(Int(c) - 97)
            canSubst = false
            advance(1)
        case ch("u"):
            advance(1)
            ret = make(.vendorType, sourceName(), -1)
        case ch("F"):
            ret = functionType()
        case ch("0")...ch("9"), ch("N"), ch("Z"):
            ret = name()
        case ch("A"):
            ret = arrayType()
        case ch("M"):
            ret = pointerToMemberType()
        case ch("T"):
            ret = templateParam()
            if peek() == ch("I") {
                if !isConversion {
                    if !addSub(ret) { return -1 }
                    ret = make(.template, ret, templateArgs())
                } else {
                    let saveP = p, saveN = nodes.count, saveS = subs.count, savePool = pool.count
                    let args = templateArgs()
                    if peek() == ch("I") {
                        if !addSub(ret) { return -1 }
                        ret = make(.template, ret, args)
                    } else {
                        p = saveP
                        nodes.removeLast(nodes.count - saveN)
                        subs.removeLast(subs.count - saveS)
                        pool.removeLast(pool.count - savePool)
                    }
                }
            }
        case ch("S"):
            let c2 = peek2()
            if isDigit(c2) || c2 == ch("_") || isUpper(c2) {
                ret = substitution(prefix: false)
                if peek() == ch("I") {
                    ret = make(.template, ret, templateArgs())
                } else {
                    canSubst = false
                }
            } else {
                ret = name()
                if ret >= 0 && nodes[Int(ret)].kind == .subStd { canSubst = false }
            }
        case ch("O"):
            advance(1)
            ret = make(.rvalueReference, type(), -1)
        case ch("P"):
            advance(1)
            ret = make(.pointer, type(), -1)
        case ch("R"):
            advance(1)
            ret = make(.reference, type(), -1)
        case ch("C"):
            advance(1)
            ret = make(.complex, type(), -1)
        case ch("G"):
            advance(1)
            ret = make(.imaginary, type(), -1)
        case ch("U"):
            advance(1)
            var nm = sourceName()
            if peek() == ch("I") { nm = make(.template, nm, templateArgs()) }
            ret = make(.vendorTypeQual, type(), nm)
        case ch("D"):
            canSubst = false
            advance(1)
            switch next() {
            case ch("T"), ch("t"):
                ret = make(.decltype, expression(), -1)
                if ret >= 0 && next() != ch("E") { ret = -1 }
                canSubst = true
            case ch("p"):
                ret = make(.packExpansion, type(), -1)
                canSubst = true
            case ch("a"): ret = makeLiteralName(Array("auto".utf8))
            case ch("c"): ret = makeLiteralName(Array("decltype(auto)".utf8))
            case ch("f"): ret = makeBuiltin(26)
            case ch("d"): ret = makeBuiltin(27)
            case ch("e"): ret = makeBuiltin(28)
            case ch("h"): ret = makeBuiltin(29)
            case ch("u"): ret = makeBuiltin(30)
            case ch("s"): ret = makeBuiltin(31)
            case ch("i"): ret = makeBuiltin(32)
            case ch("n"): ret = makeBuiltin(33)
            case ch("F"):
                // DF <number> _  is _Float<N>; DF <number> x is _Float<N>x.
                let bits = number()
                let c3 = peek()
                if c3 != ch("_") && c3 != ch("x") { return -1 }
                advance(1)
                var text = Array("_Float\(bits)".utf8)
                if c3 == ch("x") { text.append(ch("x")) }
                let s = pool.count
                pool.append(contentsOf: text)
                ret = add(IComp(kind: .builtin, num: extendedFloat, s: Int32(s), n: Int32(text.count)))
            case ch("v"):
                ret = vectorType()
                canSubst = true
            default:
                return -1
            }
        default:
            return -1
        }
        if canSubst && !addSub(ret) { return -1 }
        return ret
    }

    func functionType() -> Int32 {
        depth += 1
        defer { depth -= 1 }
        if depth > Self.maxDepth { return -1 }
        guard check(ch("F")) else { return -1 }
        if peek() == ch("Y") { advance(1) }
        var ret = bareFunctionType(hasReturn: true)
        ret = refQualifier(ret)
        if !check(ch("E")) { return -1 }
        return ret
    }

    func parmlist() -> Int32 {
        var head: Int32 = -1, tail: Int32 = -1
        while true {
            let c = peek()
            if c == 0 || c == ch("E") || c == ch(".") { break }
            if (c == ch("R") || c == ch("O")) && peek2() == ch("E") { break }
            let t = type()
            if t < 0 { return -1 }
            let cell = make(.argList, t, -1)
            if cell < 0 { return -1 }
            if tail < 0 { head = cell } else { nodes[Int(tail)].r = cell }
            tail = cell
        }
        if head < 0 { return -1 }
        let first = nodes[Int(head)].l
        if nodes[Int(head)].r < 0 && nodes[Int(first)].kind == .builtin && nodes[Int(first)].num == 21 {
            nodes[Int(head)].l = -1
        }
        return head
    }

    func bareFunctionType(hasReturn: Bool) -> Int32 {
        var hasRet = hasReturn
        if peek() == ch("J") { advance(1); hasRet = true }
        var rt: Int32 = -1
        if hasRet {
            rt = type()
            if rt < 0 { return -1 }
        }
        let tl = parmlist()
        if tl < 0 { return -1 }
        return make(.functionType, rt, tl)
    }

    func arrayType() -> Int32 {
        guard check(ch("A")) else { return -1 }
        var dim: Int32 = -1
        let c = peek()
        if c == ch("_") {
            dim = -1
        } else if isDigit(c) {
            let s = p
            while isDigit(peek()) { advance(1) }
            dim = makeName(s, p - s)
            if dim < 0 { return -1 }
        } else {
            dim = expression()
            if dim < 0 { return -1 }
        }
        if !check(ch("_")) { return -1 }
        return make(.arrayType, dim, type())
    }

    func vectorType() -> Int32 {
        var dim: Int32
        if peek() == ch("_") {
            advance(1)
            dim = expression()
        } else {
            dim = add(IComp(kind: .number, num: Int32(clamping: number())))
        }
        if dim < 0 || !check(ch("_")) { return -1 }
        return make(.vectorType, dim, type())
    }

    func pointerToMemberType() -> Int32 {
        guard check(ch("M")) else { return -1 }
        let cl = type()
        if cl < 0 { return -1 }
        let mem = type()
        if mem < 0 { return -1 }
        return make(.ptrmemType, cl, mem)
    }

    func compactNumber() -> Int {
        var num: Int
        if peek() == ch("_") { num = 0 }
        else if peek() == ch("n") { return -1 }
        else {
            let v = number()
            num = v < 0 ? -1 : v + 1
        }
        if num < 0 || !check(ch("_")) { return -1 }
        return num
    }

    func templateParam() -> Int32 {
        guard check(ch("T")) else { return -1 }
        let n = compactNumber()
        if n < 0 { return -1 }
        return add(IComp(kind: .templateParam, num: Int32(clamping: n)))
    }

    func templateArgs() -> Int32 {
        let c = peek()
        if c != ch("I") && c != ch("J") { return -1 }
        advance(1)
        return templateArgs1()
    }

    func templateArgs1() -> Int32 {
        let hold = lastName
        if peek() == ch("E") {
            advance(1)
            return make(.templateArgList, -1, -1)
        }
        var head: Int32 = -1, tail: Int32 = -1
        while true {
            let a = templateArg()
            if a < 0 { return -1 }
            let cell = make(.templateArgList, a, -1)
            if cell < 0 { return -1 }
            if tail < 0 { head = cell } else { nodes[Int(tail)].r = cell }
            tail = cell
            if peek() == ch("E") { advance(1); break }
            if peek() == 0 { return -1 }
        }
        lastName = hold
        return head
    }

    func templateArg() -> Int32 {
        depth += 1
        defer { depth -= 1 }
        if depth > Self.maxDepth { return -1 }
        switch peek() {
        case ch("X"):
            advance(1)
            let r = expression()
            if !check(ch("E")) { return -1 }
            return r
        case ch("L"): return exprPrimary()
        case ch("I"), ch("J"): return templateArgs()
        default: return type()
        }
    }

    func exprList(_ terminator: UInt8) -> Int32 {
        if peek() == terminator {
            advance(1)
            return make(.argList, -1, -1)
        }
        var head: Int32 = -1, tail: Int32 = -1
        while true {
            let a = expression()
            if a < 0 { return -1 }
            let cell = make(.argList, a, -1)
            if cell < 0 { return -1 }
            if tail < 0 { head = cell } else { nodes[Int(tail)].r = cell }
            tail = cell
            if peek() == terminator { advance(1); break }
            if peek() == 0 { return -1 }
        }
        return head
    }

    func opCode(_ op: Int32) -> (UInt8, UInt8)? {
        guard op >= 0, nodes[Int(op)].kind == .op else { return nil }
        return operatorTable[Int(nodes[Int(op)].num)].code
    }

    func isNewCast(_ op: Int32) -> Bool {
        guard let c = opCode(op) else { return false }
        return c.1 == ch("c") && (c.0 == ch("s") || c.0 == ch("d") || c.0 == ch("c") || c.0 == ch("r"))
    }

    func expression() -> Int32 {
        let was = isExpression
        isExpression = true
        let r = expression1()
        isExpression = was
        return r
    }

    func expression1() -> Int32 {
        depth += 1
        defer { depth -= 1 }
        if depth > Self.maxDepth { return -1 }
        let c = peek(), c2 = peek2()
        if c == ch("L") { return exprPrimary() }
        if c == ch("T") { return templateParam() }
        if c == ch("s") && c2 == ch("r") { return unresolvedName() }
        if c == ch("s") && c2 == ch("p") {
            advance(2)
            return make(.packExpansion, expression1(), -1)
        }
        if c == ch("f") && c2 == ch("p") {
            advance(2)
            var index: Int
            if peek() == ch("T") {
                advance(1)
                index = 0
            } else {
                index = compactNumber()
                if index < 0 || index >= Int(Int32.max) { return -1 }
                index += 1
            }
            return add(IComp(kind: .functionParam, num: Int32(index)))
        }
        if isDigit(c) || (c == ch("o") && c2 == ch("n")) {
            if c == ch("o") { advance(2) }
            let nm = unqualifiedName()
            if nm < 0 { return -1 }
            if peek() == ch("I") { return make(.template, nm, templateArgs()) }
            return nm
        }
        if (c == ch("i") || c == ch("t")) && c2 == ch("l") {
            advance(2)
            var t: Int32 = -1
            if c == ch("t") { t = type() }
            if peek() == 0 || peek2() == 0 { return -1 }
            return make(.initializerList, t, exprList(ch("E")))
        }
        let op = operatorName()
        if op < 0 { return -1 }
        let code = opCode(op)
        if let code, code == (ch("s"), ch("t")) {
            return make(.unary, op, type())
        }
        var args: Int
        switch nodes[Int(op)].kind {
        case .op: args = operatorTable[Int(nodes[Int(op)].num)].args
        case .extendedOp: args = Int(nodes[Int(op)].num)
        case .cast: args = 1
        default: return -1
        }
        switch args {
        case 0:
            return make(.nullary, op, -1)
        case 1:
            var suffix = false
            if let code, (code.0 == ch("p") || code.0 == ch("m")) && code.1 == code.0 {
                suffix = !check(ch("_"))
            }
            var operand: Int32
            if nodes[Int(op)].kind == .cast && check(ch("_")) {
                operand = exprList(ch("E"))
            } else if let code, code == (ch("s"), ch("P")) {
                operand = templateArgs1()
            } else {
                operand = expression1()
            }
            if suffix { operand = make(.binaryArgs, operand, operand) }
            return make(.unary, op, operand)
        case 2:
            guard let code else { return -1 }
            var l: Int32, r: Int32
            if isNewCast(op) { l = type() }
            else if code.0 == ch("f") { l = operatorName() }
            else if code == (ch("d"), ch("i")) { l = unqualifiedName() }
            else { l = expression1() }
            if code == (ch("c"), ch("l")) {
                r = exprList(ch("E"))
            } else if code == (ch("d"), ch("t")) || code == (ch("p"), ch("t")) {
                let p0 = peek(), p1 = peek2()
                if (p0 == ch("g") && p1 == ch("s")) || (p0 == ch("s") && p1 == ch("r")) {
                    r = expression1()
                } else {
                    r = unqualifiedName()
                    if peek() == ch("I") { r = make(.template, r, templateArgs()) }
                }
            } else {
                r = expression1()
            }
            return make(.binary, op, make(.binaryArgs, l, r))
        case 3:
            guard let code else { return -1 }
            var first: Int32, second: Int32, third: Int32
            if code == (ch("q"), ch("u")) || code == (ch("d"), ch("X")) {
                first = expression1()
                second = expression1()
                third = expression1()
                if third < 0 { return -1 }
            } else if code.0 == ch("f") {
                first = operatorName()
                second = expression1()
                third = expression1()
                if third < 0 { return -1 }
            } else if code.0 == ch("n") {
                if code.1 != ch("w") && code.1 != ch("a") { return -1 }
                first = exprList(ch("_"))
                second = type()
                if peek() == ch("E") {
                    advance(1)
                    third = -1
                } else if peek() == ch("p") && peek2() == ch("i") {
                    advance(2)
                    third = exprList(ch("E"))
                } else if peek() == ch("i") && peek2() == ch("l") {
                    third = expression1()
                } else {
                    return -1
                }
            } else {
                return -1
            }
            return make(.trinary, op, make(.trinaryArg1, first, make(.trinaryArg2, second, third)))
        default:
            return -1
        }
    }

    /// sr <type> <name>, or the newer sr <qualifier>+ E <name>, which is
    /// ambiguous with the old form: try it first, and reparse without it if
    /// the whole name then fails (as libiberty does).
    func unresolvedName() -> Int32 {
        advance(2)
        let c = peek()
        var t: Int32
        if unresolvedState != 0 && (isDigit(c) || isLower(c) || c == ch("C") || c == ch("U") || c == ch("L")) {
            unresolvedState = -1
            t = prefix(substable: false)
            if peek() == ch("E") { advance(1) }
        } else {
            t = type()
        }
        var nm = make(.qualName, t, unqualifiedName())
        if peek() == ch("I") { nm = make(.template, nm, templateArgs()) }
        return nm
    }

    func exprPrimary() -> Int32 {
        guard check(ch("L")) else { return -1 }
        var ret: Int32
        if peek() == ch("_") || peek() == ch("Z") {
            ret = mangledName(top: false)
        } else {
            let t = type()
            if t < 0 { return -1 }
            if nodes[Int(t)].kind == .builtin && nodes[Int(t)].num == 33 {
                if peek() == ch("E") { advance(1); return t }
            }
            var k = IK.literal
            if peek() == ch("n") { k = .literalNeg; advance(1) }
            let s = p
            while peek() != ch("E") {
                if peek() == 0 { return -1 }
                advance(1)
            }
            ret = make(k, t, makeName(s, p - s))
        }
        if !check(ch("E")) { return -1 }
        return ret
    }

    func localName() -> Int32 {
        guard check(ch("Z")) else { return -1 }
        let function = encoding(top: false)
        if function < 0 || !check(ch("E")) { return -1 }
        var nm: Int32
        if peek() == ch("s") {
            advance(1)
            if !discriminator() { return -1 }
            nm = makeLiteralName(Array("string literal".utf8))
        } else {
            var num = -1
            if peek() == ch("d") {
                advance(1)
                num = compactNumber()
                if num < 0 { return -1 }
            }
            nm = name()
            if nm >= 0 && nodes[Int(nm)].kind != .lambda && nodes[Int(nm)].kind != .unnamedType {
                if !discriminator() { return -1 }
            }
            if num >= 0 { nm = nm < 0 ? -1 : add(IComp(kind: .defaultArg, l: nm, num: Int32(clamping: num))) }
        }
        if nodes[Int(function)].kind == .typedName {
            let ft = nodes[Int(function)].r
            if ft >= 0 && nodes[Int(ft)].kind == .functionType { nodes[Int(ft)].l = -1 }
        }
        return make(.localName, function, nm)
    }

    func discriminator() -> Bool {
        if peek() != ch("_") { return true }
        advance(1)
        var underscores = 1
        if peek() == ch("_") { underscores += 1; advance(1) }
        let d = number()
        if d < 0 { return false }
        if underscores > 1 && d >= 10 {
            if peek() == ch("_") { advance(1) } else { return false }
        }
        return true
    }

    func lambda() -> Int32 {
        guard check(ch("U")), check(ch("l")) else { return -1 }
        let tl = parmlist()
        if tl < 0 || !check(ch("E")) { return -1 }
        let num = compactNumber()
        if num < 0 { return -1 }
        return add(IComp(kind: .lambda, l: tl, num: Int32(clamping: num)))
    }

    func unnamedType() -> Int32 {
        guard check(ch("U")), check(ch("t")) else { return -1 }
        let num = compactNumber()
        if num < 0 { return -1 }
        let r = add(IComp(kind: .unnamedType, num: Int32(clamping: num)))
        if !addSub(r) { return -1 }
        return r
    }

    func cloneSuffix(_ enc: Int32) -> Int32 {
        let s = p
        var q = p
        func at(_ i: Int) -> UInt8 { i < end ? pool[i] : 0 }
        if at(q) == ch(".") && (isLower(at(q + 1)) || at(q + 1) == ch("_")) {
            q += 2
            while isLower(at(q)) || at(q) == ch("_") { q += 1 }
        }
        while at(q) == ch(".") && isDigit(at(q + 1)) {
            q += 2
            while isDigit(at(q)) { q += 1 }
        }
        p = q
        return make(.clone, enc, makeName(s, q - s))
    }

    func substitution(prefix: Bool) -> Int32 {
        guard check(ch("S")) else { return -1 }
        var c = next()
        if c == ch("_") || isDigit(c) || isUpper(c) {
            var id = 0
            if c != ch("_") {
                repeat {
                    if isDigit(c) { id = id * 36 + Int(c) - 48 }
                    else if isUpper(c) { id = id * 36 + Int(c) - 55 }
                    else { return -1 }
                    if id > Int(Int32.max) { return -1 }
                    c = next()
                } while c != ch("_")
                id += 1
            }
            if id >= subs.count { return -1 }
            return subs[id]
        }
        // Verbose (c++filt): the full expansion; otherwise the simple one, except before a
        // constructor or destructor in a prefix, where libiberty uses the full one too.
        let full = verbose || (prefix && (peek() == ch("C") || peek() == ch("D")))
        for sub in standardSubs where sub.code == c {
            if let ln = sub.lastName { lastName = makeLiteralName(ln, kind: .subStd) }
            var dc = makeLiteralName(full ? sub.full : sub.simple, kind: .subStd)
            if peek() == ch("B") {
                dc = abiTags(dc)
                if !addSub(dc) { return -1 }
            }
            return dc
        }
        return -1
    }

    // MARK: entry

    /// Demangles `_Z...` or `_GLOBAL_[._$][ID]_...`; nil when c++filt would print the input unchanged.
    static func demangle(_ bytes: [UInt8], params: Bool, verbose: Bool = true) -> [UInt8]? {
        guard bytes.count >= 2, bytes.count <= maxInput else { return nil }
        let d = ItaniumDemangler(bytes, params: params, verbose: verbose)
        if let r = d.run() { return r }
        if d.parseFailed && d.unresolvedState == -1 {
            let again = ItaniumDemangler(bytes, params: params, verbose: verbose)
            again.unresolvedState = 0
            return again.run()
        }
        return nil
    }

    func run() -> [UInt8]? {
        let d = self
        let bytes = Array(pool[0 ..< end])
        var dc: Int32
        if bytes[0] == ch("_") && bytes[1] == ch("Z") {
            dc = d.mangledName(top: true)
        } else if bytes.count >= 11, bytes.starts(with: Array("_GLOBAL_".utf8)),
                  bytes[8] == ch(".") || bytes[8] == ch("_") || bytes[8] == ch("$"),
                  bytes[9] == ch("D") || bytes[9] == ch("I"), bytes[10] == ch("_") {
            d.p = 11
            var inner: Int32
            if d.peek() == ch("_") && d.peek2() == ch("Z") {
                d.advance(2)
                inner = d.encoding(top: false)
            } else {
                inner = d.makeName(d.p, d.end - d.p)
                d.p = d.end
            }
            dc = d.make(bytes[9] == ch("I") ? .globalCtors : .globalDtors, inner, -1)
        } else {
            return nil
        }
        if params && d.p != d.end { dc = -1 }
        if dc < 0 { parseFailed = true; return nil }
        var printer = ItaniumPrinter(d)
        printer.printComp(dc)
        if printer.failed { return nil }
        return printer.out
    }
}

// MARK: - printer

struct ItaniumPrinter {
    struct Mod { var mod: Int32; var next: Int32; var printed: Bool; var templates: Int32 }
    struct Tmpl { var next: Int32; var decl: Int32 }

    let d: ItaniumDemangler
    var out: [UInt8] = []
    var lastChar: UInt8 = 0
    var failed = false
    var mods: [Mod] = []
    var modifiers: Int32 = -1
    var tmpls: [Tmpl] = []
    var templates: Int32 = -1
    var currentTemplate: Int32 = -1
    var isLambdaArg = 0
    var packIndex = 0
    var recursion = 0
    var printing: [UInt8]
    var stack: [Int32] = []
    var savedScopes: [(container: Int32, templates: Int32)] = []

    init(_ d: ItaniumDemangler) {
        self.d = d
        printing = [UInt8](repeating: 0, count: d.nodes.count)
        out.reserveCapacity(128)
    }

    @inline(__always) func node(_ i: Int32) -> IComp { d.nodes[Int(i)] }
    @inline(__always) func kind(_ i: Int32) -> IK? { i >= 0 ? d.nodes[Int(i)].kind : nil }
    @inline(__always) func left(_ i: Int32) -> Int32 { i >= 0 ? d.nodes[Int(i)].l : -1 }
    @inline(__always) func right(_ i: Int32) -> Int32 { i >= 0 ? d.nodes[Int(i)].r : -1 }

    mutating func error() { failed = true }

    mutating func append(_ c: UInt8) {
        if out.count >= ItaniumDemangler.maxOutput { failed = true; return }
        out.append(c)
        lastChar = c
    }
    mutating func append(_ s: String) { for b in s.utf8 { append(b) } }
    mutating func append<C: Collection>(bytes: C) where C.Element == UInt8 {
        if bytes.isEmpty { return }
        if out.count + bytes.count > ItaniumDemangler.maxOutput { failed = true; return }
        out.append(contentsOf: bytes)
        lastChar = out[out.count - 1]
    }
    mutating func appendNum(_ n: Int) { append(String(n)) }
    mutating func appendPool(_ i: Int32) {
        let c = node(i)
        append(bytes: d.pool[Int(c.s) ..< Int(c.s + c.n)])
    }

    func isFnQual(_ k: IK?) -> Bool { d.isFnQual(k) }

    mutating func pushMod(_ m: Int32) -> Int32 {
        mods.append(Mod(mod: m, next: modifiers, printed: false, templates: templates))
        modifiers = Int32(mods.count - 1)
        return modifiers
    }

    mutating func printComp(_ dc: Int32) {
        if dc < 0 || printing[Int(dc)] > 1 || recursion > ItaniumDemangler.maxPrintRecursion || failed {
            failed = true
            return
        }
        printing[Int(dc)] += 1
        recursion += 1
        stack.append(dc)
        printInner(dc)
        stack.removeLast()
        printing[Int(dc)] -= 1
        recursion -= 1
    }

    func indexTemplateArgument(_ args: Int32, _ idx: Int) -> Int32 {
        if idx < 0 { return args }
        var a = args
        var i = idx
        while a >= 0 {
            if kind(a) != .templateArgList { return -1 }
            if i <= 0 { break }
            i -= 1
            a = right(a)
        }
        if i != 0 || a < 0 { return -1 }
        return left(a)
    }

    mutating func lookupTemplateArgument(_ dc: Int32) -> Int32 {
        if templates < 0 { error(); return -1 }
        return indexTemplateArgument(right(tmpls[Int(templates)].decl), Int(node(dc).num))
    }

    mutating func findPack(_ dc: Int32, _ budget: inout Int) -> Int32 {
        guard let k = kind(dc) else { return -1 }
        budget -= 1
        if budget < 0 { return -1 }
        switch k {
        case .templateParam:
            // A generic lambda's auto parameters are not the enclosing template's.
            if isLambdaArg > 0 { return -1 }
            let a = lookupTemplateArgument(dc)
            if a >= 0 && kind(a) == .templateArgList { return a }
            return -1
        case .packExpansion, .lambda, .name, .taggedName, .op, .builtin, .subStd, .functionParam,
             .unnamedType, .defaultArg, .number:
            return -1
        case .extendedOp, .ctor, .dtor:
            return findPack(left(dc), &budget)
        default:
            break
        }
        let a = findPack(left(dc), &budget)
        if a >= 0 { return a }
        return findPack(right(dc), &budget)
    }

    func packLength(_ dc: Int32) -> Int {
        var n = 0
        var a = dc
        while a >= 0 && kind(a) == .templateArgList && left(a) >= 0 {
            n += 1
            a = right(a)
        }
        return n
    }

    mutating func argsLength(_ dc: Int32) -> Int {
        var n = 0
        var a = dc
        while a >= 0 && kind(a) == .templateArgList {
            let elt = left(a)
            if elt < 0 { break }
            if kind(elt) == .packExpansion {
                var budget = 10000
                let p = findPack(left(elt), &budget)
                n += packLength(p)
            } else {
                n += 1
            }
            a = right(a)
        }
        return n
    }

    mutating func printSubexpr(_ dc: Int32) {
        let k = kind(dc)
        let simple = k == .name || k == .qualName || k == .initializerList || k == .functionParam
        if !simple { append(ch("(")) }
        printComp(dc)
        if !simple { append(ch(")")) }
    }

    mutating func saveScope(_ container: Int32) {
        // Copy the current template chain.
        var head: Int32 = -1, tail: Int32 = -1
        var src = templates
        var guardCount = 0
        while src >= 0 {
            guardCount += 1
            if guardCount > 4096 { error(); return }
            tmpls.append(Tmpl(next: -1, decl: tmpls[Int(src)].decl))
            let n = Int32(tmpls.count - 1)
            if tail < 0 { head = n } else { tmpls[Int(tail)].next = n }
            tail = n
            src = tmpls[Int(src)].next
        }
        savedScopes.append((container, head))
    }

    func opInfo(_ op: Int32) -> OpInfo? {
        guard op >= 0, kind(op) == .op else { return nil }
        return operatorTable[Int(node(op).num)]
    }

    mutating func maybePrintFold(_ dc: Int32) -> Bool {
        guard let info = opInfo(left(dc)), info.code.0 == ch("f") else { return false }
        let ops = right(dc)
        let oper = left(ops)
        var op1 = right(ops)
        var op2: Int32 = -1
        if kind(op1) == .trinaryArg2 {
            op2 = right(op1)
            op1 = left(op1)
        }
        let save = packIndex
        packIndex = -1
        switch info.code.1 {
        case ch("l"):
            append("(...")
            printExprOp(oper)
            printSubexpr(op1)
            append(ch(")"))
        case ch("r"):
            append(ch("("))
            printSubexpr(op1)
            printExprOp(oper)
            append("...)")
        case ch("L"), ch("R"):
            append(ch("("))
            printSubexpr(op1)
            printExprOp(oper)
            append("...")
            printExprOp(oper)
            printSubexpr(op2)
            append(ch(")"))
        default: break
        }
        packIndex = save
        return true
    }

    func isDesignatedInit(_ dc: Int32) -> Bool {
        guard kind(dc) == .binary || kind(dc) == .trinary, let info = opInfo(left(dc)) else { return false }
        return info.code.0 == ch("d") && (info.code.1 == ch("i") || info.code.1 == ch("x") || info.code.1 == ch("X"))
    }

    mutating func maybePrintDesignatedInit(_ dc: Int32) -> Bool {
        guard isDesignatedInit(dc), let info = opInfo(left(dc)) else { return false }
        let operands = right(dc)
        let op1 = left(operands)
        var op2 = right(operands)
        if info.code.1 == ch("i") { append(ch(".")) } else { append(ch("[")) }
        printComp(op1)
        if info.code.1 == ch("X") {
            append(" ... ")
            printComp(left(op2))
            op2 = right(op2)
        }
        if info.code.1 != ch("i") { append(ch("]")) }
        if isDesignatedInit(op2) {
            printComp(op2)
        } else {
            append(ch("="))
            printSubexpr(op2)
        }
        return true
    }

    mutating func printExprOp(_ dc: Int32) {
        if let info = opInfo(dc) { append(bytes: info.name) } else { printComp(dc) }
    }

    mutating func printInner(_ dcIn: Int32) {
        var dc = dcIn
        let c = node(dc)
        switch c.kind {
        case .name:
            appendPool(dc)
        case .taggedName:
            printComp(c.l)
            append("[abi:")
            printComp(c.r)
            append(ch("]"))
        case .qualName, .localName:
            printComp(c.l)
            append("::")
            var local = c.r
            if kind(local) == .defaultArg {
                append("{default arg#")
                appendNum(Int(node(local).num) + 1)
                append("}::")
                local = left(local)
            }
            printComp(local)
        case .typedName:
            printTypedName(dc)
        case .template:
            let holdCurrent = currentTemplate
            currentTemplate = dc
            let holdMods = modifiers
            modifiers = -1
            printComp(c.l)
            if lastChar == ch("<") { append(ch(" ")) }
            append(ch("<"))
            printComp(c.r)
            if lastChar == ch(">") { append(ch(" ")) }
            append(ch(">"))
            modifiers = holdMods
            currentTemplate = holdCurrent
        case .templateParam:
            if isLambdaArg > 0 {
                append("auto:")
                appendNum(Int(c.num) + 1)
            } else {
                var a = lookupTemplateArgument(dc)
                if a >= 0 && kind(a) == .templateArgList { a = indexTemplateArgument(a, packIndex) }
                if a < 0 { error(); return }
                let hold = templates
                templates = tmpls[Int(hold)].next
                printComp(a)
                templates = hold
            }
        case .tparmObj:
            append("template parameter object for ")
            printComp(c.l)
        case .ctor:
            printComp(c.l)
        case .dtor:
            append(ch("~"))
            printComp(c.l)
        case .vtable: append("vtable for "); printComp(c.l)
        case .vtt: append("VTT for "); printComp(c.l)
        case .constructionVtable:
            append("construction vtable for ")
            printComp(c.l)
            append("-in-")
            printComp(c.r)
        case .typeinfo: append("typeinfo for "); printComp(c.l)
        case .typeinfoName: append("typeinfo name for "); printComp(c.l)
        case .typeinfoFn: append("typeinfo fn for "); printComp(c.l)
        case .thunk: append("non-virtual thunk to "); printComp(c.l)
        case .virtualThunk: append("virtual thunk to "); printComp(c.l)
        case .covariantThunk: append("covariant return thunk to "); printComp(c.l)
        case .javaClass: append("java Class for "); printComp(c.l)
        case .guardVar: append("guard variable for "); printComp(c.l)
        case .tlsInit: append("TLS init function for "); printComp(c.l)
        case .tlsWrapper: append("TLS wrapper function for "); printComp(c.l)
        case .reftemp:
            append("reference temporary #")
            printComp(c.r)
            append(" for ")
            printComp(c.l)
        case .hiddenAlias: append("hidden alias for "); printComp(c.l)
        case .transactionClone: append("transaction clone for "); printComp(c.l)
        case .nontransactionClone: append("non-transaction clone for "); printComp(c.l)
        case .subStd:
            appendPool(dc)
        case .restrict, .volatile, .const:
            // The same qualifier pushed twice (arrays) is printed once.
            var m = modifiers
            while m >= 0 {
                let e = mods[Int(m)]
                if !e.printed {
                    let mk = kind(e.mod)
                    if mk != .restrict && mk != .volatile && mk != .const { break }
                    if mk == c.kind {
                        printComp(c.l)
                        return
                    }
                }
                m = e.next
            }
            printModifier(dc, inner: -1, restore: nil)
        case .reference, .rvalueReference:
            var sub = c.l
            var modInner: Int32 = -1
            var restore: Int32? = nil
            if isLambdaArg == 0 && kind(sub) == .templateParam {
                if let scope = savedScopes.first(where: { $0.container == sub }) {
                    var found = false
                    var i = stack.count - 1
                    while i >= 0 {
                        if stack[i] == sub || (stack[i] == dc && i != stack.count - 1) { found = true; break }
                        i -= 1
                    }
                    if !found {
                        restore = templates
                        templates = scope.templates
                    }
                } else {
                    saveScope(sub)
                    if failed { return }
                }
                var a = lookupTemplateArgument(sub)
                if a >= 0 && kind(a) == .templateArgList { a = indexTemplateArgument(a, packIndex) }
                if a < 0 {
                    if let r = restore { templates = r }
                    error()
                    return
                }
                sub = a
            }
            if kind(sub) == .reference || kind(sub) == c.kind {
                dc = sub
            } else if kind(sub) == .rvalueReference {
                modInner = left(sub)
            }
            printModifier(dc, inner: modInner, restore: restore)
        case .vendorTypeQual, .pointer, .complex, .imaginary, .restrictThis, .volatileThis, .constThis,
             .referenceThis, .rvalueReferenceThis, .transactionSafe, .noexcept, .throwSpec:
            printModifier(dc, inner: -1, restore: nil)
        case .builtin:
            if c.num == extendedFloat { appendPool(dc) } else { append(bytes: builtinBytes[Int(c.num)]) }
        case .vendorType:
            printComp(c.l)
        case .functionType:
            if c.l >= 0 {
                let m = pushMod(dc)
                let hold = mods[Int(m)].next
                printComp(c.l)
                modifiers = hold
                if mods[Int(m)].printed { return }
                append(ch(" "))
            }
            printFunctionType(dc, modifiers)
        case .arrayType:
            printArray(dc)
        case .ptrmemType, .vectorType:
            let m = pushMod(dc)
            let hold = mods[Int(m)].next
            printComp(c.r)
            if !mods[Int(m)].printed { printMod(dc) }
            modifiers = hold
        case .argList, .templateArgList:
            if c.l >= 0 { printComp(c.l) }
            if c.r >= 0 {
                append(", ")
                let len = out.count
                printComp(c.r)
                if out.count == len { out.removeLast(2) }  // an empty pack printed nothing
            }
        case .initializerList:
            if c.l >= 0 { printComp(c.l) }
            append(ch("{"))
            printComp(c.r)
            append(ch("}"))
        case .op:
            let info = operatorTable[Int(c.num)]
            append("operator")
            if let f = info.name.first, isLower(f) { append(ch(" ")) }
            var nm = info.name[...]
            if nm.last == ch(" ") { nm = nm.dropLast() }
            append(bytes: nm)
        case .extendedOp:
            append("operator ")
            printComp(c.l)
        case .conversion:
            append("operator ")
            printConversion(dc)
        case .nullary:
            printExprOp(c.l)
        case .unary:
            printUnary(dc)
        case .binary:
            printBinary(dc)
        case .trinary:
            printTrinary(dc)
        case .binaryArgs, .trinaryArg1, .trinaryArg2, .cast:
            // Only printed through their parents (a cast through its unary expression).
            error()
        case .literal, .literalNeg:
            printLiteral(dc)
        case .number:
            appendNum(Int(c.num))
        case .decltype:
            append("decltype (")
            printComp(c.l)
            append(ch(")"))
        case .packExpansion:
            var budget = 10000
            let a = findPack(c.l, &budget)
            if a < 0 {
                printSubexpr(c.l)
                append("...")
                return
            }
            let len = packLength(a)
            for i in 0 ..< len {
                packIndex = i
                printComp(c.l)
                if i < len - 1 { append(", ") }
                if failed { return }
            }
        case .functionParam:
            if c.num == 0 { append("this") } else {
                append("{parm#")
                appendNum(Int(c.num))
                append(ch("}"))
            }
        case .globalCtors:
            append("global constructors keyed to ")
            printComp(c.l)
        case .globalDtors:
            append("global destructors keyed to ")
            printComp(c.l)
        case .lambda:
            append("{lambda(")
            isLambdaArg += 1
            printComp(c.l)
            isLambdaArg -= 1
            append(")#")
            appendNum(Int(c.num) + 1)
            append(ch("}"))
        case .unnamedType:
            append("{unnamed type#")
            appendNum(Int(c.num) + 1)
            append(ch("}"))
        case .clone:
            printComp(c.l)
            append(" [clone ")
            printComp(c.r)
            append(ch("]"))
        case .defaultArg:
            error()
        }
    }

    mutating func printModifier(_ dc: Int32, inner: Int32, restore: Int32?) {
        let m = pushMod(dc)
        let hold = mods[Int(m)].next
        printComp(inner >= 0 ? inner : left(dc))
        if !mods[Int(m)].printed { printMod(dc) }
        modifiers = hold
        if let r = restore { templates = r }
    }

    mutating func printTypedName(_ dc: Int32) {
        let holdMods = modifiers
        modifiers = -1
        var adpm: [Int32] = []
        var typed = left(dc)
        while typed >= 0 {
            if adpm.count >= 4 { error(); return }
            let m = pushMod(typed)
            adpm.append(m)
            if !isFnQual(kind(typed)) { break }
            typed = left(typed)
        }
        if typed < 0 { error(); return }
        if kind(typed) == .localName {
            typed = right(typed)
            if kind(typed) == .defaultArg { typed = left(typed) }
            while typed >= 0 && isFnQual(kind(typed)) {
                if adpm.count >= 4 { error(); return }
                let i = adpm.count
                let prev = adpm[i - 1]
                mods.append(mods[Int(prev)])
                let cur = Int32(mods.count - 1)
                mods[Int(cur)].next = prev
                modifiers = cur
                mods[Int(prev)].mod = typed
                mods[Int(prev)].printed = false
                mods[Int(prev)].templates = templates
                adpm.append(cur)
                typed = left(typed)
            }
            if typed < 0 { error(); return }
        }
        var pushed = false
        if kind(typed) == .template {
            tmpls.append(Tmpl(next: templates, decl: typed))
            templates = Int32(tmpls.count - 1)
            pushed = true
        }
        printComp(right(dc))
        if pushed { templates = tmpls[Int(templates)].next }
        var i = adpm.count
        while i > 0 {
            i -= 1
            if !mods[Int(adpm[i])].printed {
                append(ch(" "))
                printMod(mods[Int(adpm[i])].mod)
            }
        }
        modifiers = holdMods
    }

    mutating func printArray(_ dc: Int32) {
        let holdMods = modifiers
        mods.append(Mod(mod: dc, next: holdMods, printed: false, templates: templates))
        let first = Int32(mods.count - 1)
        modifiers = first
        var adpm: [Int32] = [first]
        var pd = holdMods
        while pd >= 0 {
            let k = kind(mods[Int(pd)].mod)
            if k != .restrict && k != .volatile && k != .const { break }
            if !mods[Int(pd)].printed {
                if adpm.count >= 4 { error(); return }
                var copy = mods[Int(pd)]
                copy.next = modifiers
                mods.append(copy)
                modifiers = Int32(mods.count - 1)
                mods[Int(pd)].printed = true
                adpm.append(modifiers)
            }
            pd = mods[Int(pd)].next
        }
        printComp(right(dc))
        modifiers = holdMods
        if mods[Int(first)].printed { return }
        var i = adpm.count
        while i > 1 {
            i -= 1
            printMod(mods[Int(adpm[i])].mod)
        }
        printArrayType(dc, modifiers)
    }

    mutating func printModList(_ list: Int32, suffix: Bool) {
        var cur = list
        while cur >= 0 && !failed {
            let e = mods[Int(cur)]
            if e.printed || (!suffix && isFnQual(kind(e.mod))) {
                cur = e.next
                continue
            }
            mods[Int(cur)].printed = true
            let holdT = templates
            templates = e.templates
            switch kind(e.mod) {
            case .functionType?:
                printFunctionType(e.mod, e.next)
                templates = holdT
                return
            case .arrayType?:
                printArrayType(e.mod, e.next)
                templates = holdT
                return
            case .localName?:
                let holdMods = modifiers
                modifiers = -1
                printComp(left(e.mod))
                modifiers = holdMods
                append("::")
                var n = right(e.mod)
                if kind(n) == .defaultArg {
                    append("{default arg#")
                    appendNum(Int(node(n).num) + 1)
                    append("}::")
                    n = left(n)
                }
                while isFnQual(kind(n)) { n = left(n) }
                printComp(n)
                templates = holdT
                return
            default:
                printMod(e.mod)
                templates = holdT
                cur = e.next
            }
        }
    }

    mutating func printMod(_ mod: Int32) {
        switch kind(mod) {
        case .restrict?, .restrictThis?: append(" restrict")
        case .volatile?, .volatileThis?: append(" volatile")
        case .const?, .constThis?: append(" const")
        case .transactionSafe?: append(" transaction_safe")
        case .noexcept?:
            append(" noexcept")
            if right(mod) >= 0 {
                append(ch("("))
                printComp(right(mod))
                append(ch(")"))
            }
        case .throwSpec?:
            append(" throw")
            if right(mod) >= 0 {
                append(ch("("))
                printComp(right(mod))
                append(ch(")"))
            }
        case .vendorTypeQual?:
            append(ch(" "))
            printComp(right(mod))
        case .pointer?:
            append(ch("*"))
        case .referenceThis?:
            append(" &")
        case .reference?:
            append(ch("&"))
        case .rvalueReferenceThis?:
            append(" &&")
        case .rvalueReference?:
            append("&&")
        case .complex?: append(" _Complex")
        case .imaginary?: append(" _Imaginary")
        case .ptrmemType?:
            if lastChar != ch("(") { append(ch(" ")) }
            printComp(left(mod))
            append("::*")
        case .typedName?:
            printComp(left(mod))
        case .vectorType?:
            append(" __vector(")
            printComp(left(mod))
            append(ch(")"))
        default:
            printComp(mod)
        }
    }

    mutating func printFunctionType(_ dc: Int32, _ list: Int32) {
        var needParen = false, needSpace = false
        var p = list
        while p >= 0 {
            let e = mods[Int(p)]
            if e.printed { break }
            switch kind(e.mod) {
            case .pointer?, .reference?, .rvalueReference?:
                needParen = true
            case .restrict?, .volatile?, .const?, .vendorTypeQual?, .complex?, .imaginary?, .ptrmemType?:
                needSpace = true
                needParen = true
            default: break
            }
            if needParen { break }
            p = e.next
        }
        if needParen {
            if !needSpace && lastChar != ch("(") && lastChar != ch("*") { needSpace = true }
            if needSpace && lastChar != ch(" ") { append(ch(" ")) }
            append(ch("("))
        }
        let hold = modifiers
        modifiers = -1
        printModList(list, suffix: false)
        if needParen { append(ch(")")) }
        append(ch("("))
        if right(dc) >= 0 { printComp(right(dc)) }
        append(ch(")"))
        printModList(list, suffix: true)
        modifiers = hold
    }

    mutating func printArrayType(_ dc: Int32, _ list: Int32) {
        var needSpace = true
        if list >= 0 {
            var needParen = false
            var p = list
            while p >= 0 {
                if !mods[Int(p)].printed {
                    if kind(mods[Int(p)].mod) == .arrayType { needSpace = false } else { needParen = true; needSpace = true }
                    break
                }
                p = mods[Int(p)].next
            }
            if needParen { append(" (") }
            printModList(list, suffix: false)
            if needParen { append(ch(")")) }
        }
        if needSpace { append(ch(" ")) }
        append(ch("["))
        if left(dc) >= 0 { printComp(left(dc)) }
        append(ch("]"))
    }

    mutating func printConversion(_ dc: Int32) {
        var pushed = false
        if currentTemplate >= 0 {
            tmpls.append(Tmpl(next: templates, decl: currentTemplate))
            templates = Int32(tmpls.count - 1)
            pushed = true
        }
        let l = left(dc)
        if kind(l) != .template {
            printComp(l)
            if pushed { templates = tmpls[Int(templates)].next }
        } else {
            printComp(left(l))
            if pushed { templates = tmpls[Int(templates)].next }
            if lastChar == ch("<") { append(ch(" ")) }
            append(ch("<"))
            printComp(right(l))
            if lastChar == ch(">") { append(ch(" ")) }
            append(ch(">"))
        }
    }

    mutating func printUnary(_ dc: Int32) {
        let op = left(dc)
        var operand = right(dc)
        let info = opInfo(op)
        if let info {
            if info.code == (ch("a"), ch("d")) {
                if kind(operand) == .typedName && kind(left(operand)) == .qualName
                    && kind(right(operand)) == .functionType {
                    operand = left(operand)
                }
            }
            if kind(operand) == .binaryArgs {
                printSubexpr(left(operand))
                printExprOp(op)
                return
            }
            if info.code == (ch("s"), ch("Z")) {
                var budget = 10000
                let a = findPack(operand, &budget)
                appendNum(packLength(a))
                return
            }
            if info.code == (ch("s"), ch("P")) {
                appendNum(argsLength(operand))
                return
            }
        }
        if kind(op) != .cast {
            printExprOp(op)
        } else {
            append(ch("("))
            printComp(left(op))
            append(ch(")"))
        }
        if let info, info.code == (ch("g"), ch("s")) {
            printComp(operand)
        } else if let info, info.code == (ch("s"), ch("t")) {
            append(ch("("))
            printComp(operand)
            append(ch(")"))
        } else {
            printSubexpr(operand)
        }
    }

    mutating func printBinary(_ dc: Int32) {
        let op = left(dc)
        let args = right(dc)
        if kind(args) != .binaryArgs { error(); return }
        guard let info = opInfo(op) else { error(); return }
        if info.code.1 == ch("c") && (info.code.0 == ch("s") || info.code.0 == ch("d") || info.code.0 == ch("c") || info.code.0 == ch("r")) {
            printExprOp(op)
            append(ch("<"))
            printComp(left(args))
            append(">(")
            printComp(right(args))
            append(ch(")"))
            return
        }
        if maybePrintFold(dc) { return }
        if maybePrintDesignatedInit(dc) { return }
        let isGreater = info.name.count == 1 && info.name[0] == ch(">")
        if isGreater { append(ch("(")) }
        let isCall = info.code == (ch("c"), ch("l"))
        if isCall && kind(left(args)) == .typedName {
            let fn = left(args)
            if kind(right(fn)) != .functionType { error() }
            printSubexpr(left(fn))
        } else {
            printSubexpr(left(args))
        }
        if info.code == (ch("i"), ch("x")) {
            append(ch("["))
            printComp(right(args))
            append(ch("]"))
        } else {
            if !isCall { printExprOp(op) }
            printSubexpr(right(args))
        }
        if isGreater { append(ch(")")) }
    }

    mutating func printTrinary(_ dc: Int32) {
        let a1 = right(dc)
        if kind(a1) != .trinaryArg1 || kind(right(a1)) != .trinaryArg2 { error(); return }
        if maybePrintFold(dc) { return }
        if maybePrintDesignatedInit(dc) { return }
        let op = left(dc)
        let first = left(a1)
        let second = left(right(a1))
        let third = right(right(a1))
        if let info = opInfo(op), info.code == (ch("q"), ch("u")) {
            printSubexpr(first)
            printExprOp(op)
            printSubexpr(second)
            append(" : ")
            printSubexpr(third)
        } else {
            append("new ")
            if left(first) >= 0 {
                printSubexpr(first)
                append(ch(" "))
            }
            printComp(second)
            if third >= 0 { printSubexpr(third) }
        }
    }

    mutating func printLiteral(_ dc: Int32) {
        let c = node(dc)
        var tp = PrintKind.plain
        if kind(c.l) == .builtin {
            let num = node(c.l).num
            tp = num == extendedFloat ? .float : builtinNames[Int(num)].1
            switch tp {
            case .int, .unsigned, .long, .unsignedLong, .longLong, .unsignedLongLong:
                if kind(c.r) == .name {
                    if c.kind == .literalNeg { append(ch("-")) }
                    printComp(c.r)
                    switch tp {
                    case .unsigned: append(ch("u"))
                    case .long: append(ch("l"))
                    case .unsignedLong: append("ul")
                    case .longLong: append("ll")
                    case .unsignedLongLong: append("ull")
                    default: break
                    }
                    return
                }
            case .bool:
                if kind(c.r) == .name && node(c.r).n == 1 && c.kind == .literal {
                    let v = d.pool[Int(node(c.r).s)]
                    if v == ch("0") { append("false"); return }
                    if v == ch("1") { append("true"); return }
                }
            default: break
            }
        }
        append(ch("("))
        printComp(c.l)
        append(ch(")"))
        if c.kind == .literalNeg { append(ch("-")) }
        if tp == .float { append(ch("[")) }
        printComp(c.r)
        if tp == .float { append(ch("]")) }
    }
}
