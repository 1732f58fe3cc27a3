// Rust symbol demangling with GNU c++filt's text (libiberty rust-demangle in
// verbose mode, as c++filt runs it): legacy `_ZN...17h<hash>E` symbols keep
// their hash segment, v0 `_R...` symbols show crate disambiguators as
// `crate[hex]` and constants with their type (`3: usize`).

private func c(_ s: Unicode.Scalar) -> UInt8 { UInt8(ascii: s) }
private func isDigit(_ b: UInt8) -> Bool { b >= 48 && b <= 57 }
private func isLower(_ b: UInt8) -> Bool { b >= 97 && b <= 122 }
private func isUpper(_ b: UInt8) -> Bool { b >= 65 && b <= 90 }
private func isAlnum(_ b: UInt8) -> Bool { isDigit(b) || isLower(b) || isUpper(b) }
private func lowerHex(_ b: UInt8) -> Int {
    if isDigit(b) { return Int(b) - 48 }
    if b >= c("a") && b <= c("f") { return Int(b) - 87 }
    return -1
}

struct RustDemangler {
    static let maxDepth = 256
    static let maxOutput = 1 << 18

    let sym: [UInt8]       // the symbol without its _ZN / _R prefix
    var len = 0            // the part that is parsed
    var pos = 0
    var out: [UInt8] = []
    var errored = false
    var skipping = false
    var boundLifetimeDepth = 0
    var depth = 0

    init(_ s: ArraySlice<UInt8>) { sym = Array(s) }

    static func demangle(_ bytes: [UInt8]) -> [UInt8]? {
        guard bytes.count >= 2, bytes[0] == c("_") else { return nil }
        if bytes.count >= 3 && bytes[1] == c("Z") && bytes[2] == c("N") { return legacy(bytes) }
        if bytes[1] == c("R") { return v0(bytes) }
        return nil
    }

    // MARK: legacy

    static func legacy(_ bytes: [UInt8]) -> [UInt8]? {
        var d = RustDemangler(bytes[3...])
        for b in d.sym {
            guard b == c("_") || isAlnum(b) || b == c("$") || b == c(".") || b == c(":") || b == c("@") else { return nil }
        }
        // Ends with E, possibly followed by .suffixes that are dropped.
        var n = d.sym.count
        var dotSuffix = true
        while n > 0 && !(dotSuffix && d.sym[n - 1] == c("E")) {
            dotSuffix = d.sym[n - 1] == c(".")
            n -= 1
        }
        guard n > 0, d.sym[n - 1] == c("E") else { return nil }
        n -= 1
        guard n > 19, d.sym[n - 19] == c("1"), d.sym[n - 18] == c("7"), d.sym[n - 17] == c("h") else { return nil }
        d.len = n
        var last: Range<Int>? = nil
        repeat {
            guard let r = d.parseIdent(v0: false).ascii, !d.errored, !r.isEmpty else { return nil }
            last = r
        } while d.pos < d.len
        guard let h = last, isLegacyHash(d.sym[h]) else { return nil }
        d.pos = 0
        repeat {
            if d.pos > 0 { d.emit("::") }
            guard let r = d.parseIdent(v0: false).ascii else { return nil }
            d.printLegacyIdent(d.sym[r])
        } while d.pos < d.len && !d.errored
        return d.errored ? nil : d.out
    }

    static func isLegacyHash(_ s: ArraySlice<UInt8>) -> Bool {
        guard s.count == 17, s.first == c("h") else { return false }
        var seen: UInt16 = 0
        for b in s.dropFirst() {
            let v = lowerHex(b)
            if v < 0 { return false }
            seen |= 1 << UInt16(v)
        }
        return seen.nonzeroBitCount >= 5
    }

    mutating func printLegacyIdent(_ identIn: ArraySlice<UInt8>) {
        var ident = identIn
        if ident.count >= 2 && ident[ident.startIndex] == c("_") && ident[ident.startIndex + 1] == c("$") {
            ident = ident.dropFirst()
        }
        while !ident.isEmpty {
            let first = ident[ident.startIndex]
            if first == c("$") {
                if let (ch, n) = Self.legacyEscape(ident) {
                    emit(byte: ch)
                    ident = ident.dropFirst(n)
                } else {
                    emit(bytes: ident)
                    return
                }
            } else if first == c(".") {
                if ident.count >= 2 && ident[ident.startIndex + 1] == c(".") {
                    emit("::")
                    ident = ident.dropFirst(2)
                } else {
                    emit(byte: c("."))
                    ident = ident.dropFirst()
                }
            } else {
                var n = 0
                for b in ident {
                    if b == c("$") || b == c(".") { break }
                    n += 1
                }
                emit(bytes: ident.prefix(n))
                ident = ident.dropFirst(n)
            }
        }
    }

    static func legacyEscape(_ s: ArraySlice<UInt8>) -> (UInt8, Int)? {
        guard s.count >= 3, s.first == c("$") else { return nil }
        let e = Array(s.dropFirst())
        var ch: UInt8 = 0
        var escapeLen = 0
        if e[0] == c("C") {
            escapeLen = 1
            ch = c(",")
        } else if e.count >= 2 {
            escapeLen = 2
            switch (e[0], e[1]) {
            case (c("S"), c("P")): ch = c("@")
            case (c("B"), c("P")): ch = c("*")
            case (c("R"), c("F")): ch = c("&")
            case (c("L"), c("T")): ch = c("<")
            case (c("G"), c("T")): ch = c(">")
            case (c("L"), c("P")): ch = c("(")
            case (c("R"), c("P")): ch = c(")")
            default:
                if e[0] == c("u") && e.count >= 3 {
                    escapeLen = 3
                    let hi = lowerHex(e[1]), lo = lowerHex(e[2])
                    if hi < 0 || lo < 0 || hi > 7 { return nil }
                    ch = UInt8(hi << 4 | lo)
                    if ch < 0x20 || ch == 0x7f { return nil }
                }
            }
        }
        if ch == 0 || e.count <= escapeLen || e[escapeLen] != c("$") { return nil }
        return (ch, 2 + escapeLen)
    }

    // MARK: v0

    static func v0(_ bytes: [UInt8]) -> [UInt8]? {
        var d = RustDemangler(bytes[2...])
        guard let f = d.sym.first, isUpper(f) else { return nil }
        for b in d.sym {
            if b == c(".") { break }
            guard b == c("_") || isAlnum(b) else { return nil }
            d.len += 1
        }
        d.path(inValue: true)
        if !d.errored && d.pos < d.len {
            d.skipping = true
            d.path(inValue: false)
        }
        if d.pos != d.len { d.errored = true }
        return d.errored ? nil : d.out
    }

    mutating func emit(_ s: String) { emit(bytes: s.utf8) }
    mutating func emit<C: Collection>(bytes: C) where C.Element == UInt8 {
        if errored || skipping { return }
        if out.count + bytes.count > Self.maxOutput { errored = true; return }
        out.append(contentsOf: bytes)
    }
    mutating func emit(byte: UInt8) { emit(bytes: CollectionOfOne(byte)) }

    func peek() -> UInt8 { pos < len ? sym[pos] : 0 }
    mutating func next() -> UInt8 {
        guard pos < len else { errored = true; return 0 }
        pos += 1
        return sym[pos - 1]
    }
    mutating func eat(_ b: UInt8) -> Bool {
        if pos < len && sym[pos] == b { pos += 1; return true }
        return false
    }

    mutating func integer62() -> UInt64 {
        if eat(c("_")) { return 0 }
        var x: UInt64 = 0
        while !eat(c("_")) && !errored {
            let b = next()
            var v: UInt64
            if isDigit(b) { v = UInt64(b - 48) }
            else if isLower(b) { v = UInt64(b - 97) + 10 }
            else if isUpper(b) { v = UInt64(b - 65) + 36 }
            else { errored = true; return 0 }
            let (m, o1) = x.multipliedReportingOverflow(by: 62)
            let (a, o2) = m.addingReportingOverflow(v)
            if o1 || o2 { errored = true; return 0 }
            x = a
        }
        if x == UInt64.max { errored = true; return 0 }
        return x + 1
    }

    mutating func optInteger62(_ tag: UInt8) -> UInt64 {
        if !eat(tag) { return 0 }
        let v = integer62()
        if v == UInt64.max { errored = true; return 0 }
        return v + 1
    }

    mutating func parseIdent(v0: Bool) -> (ascii: Range<Int>?, punycode: Bool) {
        var puny = false
        if v0 { puny = eat(c("u")) }
        let first = next()
        guard isDigit(first) else { errored = true; return (nil, false) }
        var n = Int(first) - 48
        if first != c("0") {
            while isDigit(peek()) {
                n = n * 10 + Int(next()) - 48
                if n > len { errored = true; return (nil, false) }
            }
        }
        if v0 { _ = eat(c("_")) }
        let start = pos
        guard n <= len - start else { errored = true; return (nil, false) }
        pos = start + n
        if puny { errored = true }  // punycode identifiers are not supported
        return (n == 0 ? nil : start ..< start + n, puny)
    }

    mutating func backref() -> Int? {
        let start = pos - 1
        let v = integer62()
        if errored { return nil }
        // Backrefs count from the start of the symbol after "_R"; they must point backwards.
        guard v < UInt64(start) else { errored = true; return nil }
        return Int(v)
    }

    mutating func enter() -> Bool {
        depth += 1
        if depth > Self.maxDepth { errored = true; return false }
        return true
    }

    mutating func path(inValue: Bool) {
        if errored { return }
        guard enter() else { return }
        defer { depth -= 1 }
        let tag = next()
        switch tag {
        case c("C"):
            let dis = optInteger62(c("s"))
            let name = parseIdent(v0: true)
            if let r = name.ascii { emit(bytes: sym[r]) }
            emit("[")
            emit(String(dis, radix: 16))
            emit("]")
        case c("N"):
            let ns = next()
            guard isLower(ns) || isUpper(ns) else { errored = true; return }
            path(inValue: inValue)
            let dis = optInteger62(c("s"))
            let name = parseIdent(v0: true)
            if isUpper(ns) {
                emit("::{")
                if ns == c("C") { emit("closure") } else if ns == c("S") { emit("shim") } else { emit(byte: ns) }
                if let r = name.ascii {
                    emit(":")
                    emit(bytes: sym[r])
                }
                emit("#")
                emit(String(dis))
                emit("}")
            } else if let r = name.ascii {
                emit("::")
                emit(bytes: sym[r])
            }
        case c("M"), c("X"), c("Y"):
            if tag != c("Y") {
                _ = optInteger62(c("s"))
                let was = skipping
                skipping = true
                path(inValue: inValue)
                skipping = was
            }
            emit("<")
            type()
            if tag != c("M") {
                emit(" as ")
                path(inValue: false)
            }
            emit(">")
        case c("I"):
            path(inValue: inValue)
            if inValue { emit("::") }
            emit("<")
            var i = 0
            while !errored && !eat(c("E")) {
                if i > 0 { emit(", ") }
                genericArg()
                i += 1
            }
            emit(">")
        case c("B"):
            guard let target = backref() else { return }
            if !skipping {
                let old = pos
                pos = target
                path(inValue: inValue)
                pos = old
            }
        default:
            errored = true
        }
    }

    mutating func genericArg() {
        if eat(c("L")) {
            let lt = integer62()
            printLifetime(lt)
        } else if eat(c("K")) {
            const()
        } else {
            type()
        }
    }

    mutating func printLifetime(_ lt: UInt64) {
        emit("'")
        if lt == 0 { emit("_"); return }
        let depth = UInt64(boundLifetimeDepth) &- lt
        if depth < 26 {
            emit(byte: c("a") + UInt8(depth))
        } else {
            emit("_")
            emit(String(depth))
        }
    }

    mutating func binder() {
        let n = optInteger62(c("G"))
        if errored || n == 0 { return }
        guard n < 10_000 else { errored = true; return }
        emit("for<")
        for i in 0 ..< n {
            if i > 0 { emit(", ") }
            boundLifetimeDepth += 1
            printLifetime(1)
        }
        emit("> ")
    }

    static func basicType(_ t: UInt8) -> String? {
        switch t {
        case c("a"): return "i8"
        case c("b"): return "bool"
        case c("c"): return "char"
        case c("d"): return "f64"
        case c("e"): return "str"
        case c("f"): return "f32"
        case c("h"): return "u8"
        case c("i"): return "isize"
        case c("j"): return "usize"
        case c("l"): return "i32"
        case c("m"): return "u32"
        case c("n"): return "i128"
        case c("o"): return "u128"
        case c("p"): return "_"
        case c("s"): return "i16"
        case c("t"): return "u16"
        case c("u"): return "()"
        case c("v"): return "..."
        case c("x"): return "i64"
        case c("y"): return "u64"
        case c("z"): return "!"
        default: return nil
        }
    }

    mutating func type() {
        if errored { return }
        let tag = next()
        if let b = Self.basicType(tag) { emit(b); return }
        guard enter() else { return }
        defer { depth -= 1 }
        switch tag {
        case c("R"), c("Q"):
            emit("&")
            if eat(c("L")) {
                let lt = integer62()
                if lt != 0 {
                    printLifetime(lt)
                    emit(" ")
                }
            }
            if tag != c("R") { emit("mut ") }
            type()
        case c("P"), c("O"):
            emit("*")
            emit(tag != c("P") ? "mut " : "const ")
            type()
        case c("A"), c("S"):
            emit("[")
            type()
            if tag == c("A") {
                emit("; ")
                const()
            }
            emit("]")
        case c("T"):
            emit("(")
            var i = 0
            while !errored && !eat(c("E")) {
                if i > 0 { emit(", ") }
                type()
                i += 1
            }
            if i == 1 { emit(",") }
            emit(")")
        case c("F"):
            let old = boundLifetimeDepth
            binder()
            if eat(c("U")) { emit("unsafe ") }
            if eat(c("K")) {
                var abi: ArraySlice<UInt8>
                if eat(c("C")) {
                    abi = [c("C")][...]
                } else {
                    let id = parseIdent(v0: true)
                    guard let r = id.ascii, !id.punycode else { errored = true; boundLifetimeDepth = old; return }
                    abi = sym[r]
                }
                emit("extern \"")
                // '-' in ABI names was mangled as '_'.
                var parts = abi
                var i = 0
                while i < parts.count {
                    if parts[parts.startIndex + i] == c("_") {
                        emit(bytes: parts.prefix(i))
                        emit("-")
                        parts = parts.dropFirst(i + 1)
                        i = 0
                    }
                    i += 1
                }
                emit(bytes: parts)
                emit("\" ")
            }
            emit("fn(")
            var i = 0
            while !errored && !eat(c("E")) {
                if i > 0 { emit(", ") }
                type()
                i += 1
            }
            emit(")")
            if !eat(c("u")) {
                emit(" -> ")
                type()
            }
            boundLifetimeDepth = old
        case c("D"):
            emit("dyn ")
            let old = boundLifetimeDepth
            binder()
            var i = 0
            while !errored && !eat(c("E")) {
                if i > 0 { emit(" + ") }
                dynTrait()
                i += 1
            }
            boundLifetimeDepth = old
            if !eat(c("L")) { errored = true; return }
            let lt = integer62()
            if lt != 0 {
                emit(" + ")
                printLifetime(lt)
            }
        case c("B"):
            guard let target = backref() else { return }
            if !skipping {
                let old = pos
                pos = target
                type()
                pos = old
            }
        default:
            pos -= 1
            path(inValue: false)
        }
    }

    mutating func dynTrait() {
        var open = pathMaybeOpenGenerics()
        while eat(c("p")) {
            emit(open ? ", " : "<")
            open = true
            let name = parseIdent(v0: true)
            if let r = name.ascii { emit(bytes: sym[r]) }
            emit(" = ")
            type()
        }
        if open { emit(">") }
    }

    mutating func pathMaybeOpenGenerics() -> Bool {
        if errored { return false }
        guard enter() else { return false }
        defer { depth -= 1 }
        var open = false
        if eat(c("B")) {
            guard let target = backref() else { return false }
            if !skipping {
                let old = pos
                pos = target
                open = pathMaybeOpenGenerics()
                pos = old
            }
        } else if eat(c("I")) {
            path(inValue: false)
            emit("<")
            open = true
            var i = 0
            while !errored && !eat(c("E")) {
                if i > 0 { emit(", ") }
                genericArg()
                i += 1
            }
        } else {
            path(inValue: false)
        }
        return open
    }

    mutating func hexNibbles() -> (value: UInt64, count: Int, start: Int) {
        let start = pos
        var v: UInt64 = 0
        var n = 0
        while !eat(c("_")) {
            let h = lowerHex(next())
            if h < 0 || errored { errored = true; return (0, 0, start) }
            v = v << 4 | UInt64(h)
            n += 1
        }
        return (v, n, start)
    }

    mutating func const() {
        if errored { return }
        if eat(c("B")) {
            guard let target = backref() else { return }
            if !skipping {
                let old = pos
                pos = target
                const()
                pos = old
            }
            return
        }
        let tag = next()
        switch tag {
        case c("p"):
            emit("_")
            return
        case c("h"), c("t"), c("m"), c("y"), c("o"), c("j"):
            constUInt(tag)
        case c("a"), c("s"), c("l"), c("x"), c("n"), c("i"):
            if eat(c("n")) { emit("-") }
            constUInt(tag)
        case c("b"):
            let h = hexNibbles()
            if errored { return }
            if h.count != 1 || h.value > 1 { errored = true; return }
            emit(h.value == 0 ? "false" : "true")
        case c("c"):
            let h = hexNibbles()
            if errored { return }
            if h.count == 0 || h.count > 8 { errored = true; return }
            emit("'")
            switch h.value {
            case 9: emit("\\t")
            case 13: emit("\\r")
            case 10: emit("\\n")
            case 33 ..< 126: emit(byte: UInt8(h.value))
            default:
                emit("\\u{")
                emit(String(h.value, radix: 16))
                emit("}")
            }
            emit("'")
        default:
            errored = true
        }
        // c++filt's verbose mode names the constant's type.
        if !errored, let t = Self.basicType(tag) {
            emit(": ")
            emit(t)
        }
    }

    /// An integer constant's value (beyond 64 bits: its hex digits).
    mutating func constUInt(_ tag: UInt8) {
        let h = hexNibbles()
        if errored { return }
        if h.count > 16 {
            emit("0x")
            emit(bytes: sym[h.start ..< h.start + h.count])
        } else if h.count > 0 {
            emit(String(h.value))
        } else {
            errored = true
        }
    }
}
