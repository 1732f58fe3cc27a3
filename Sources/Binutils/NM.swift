import Demangle
import Bytes
import ELF
import Glibc
import Render

/// Demangles a symbol name for `nm -C` / `readelf -C`. Returns the name unchanged until the
/// Demangle module is wired in (the lead replaces this body with `Demangler.demangle(name) ?? name`).
public func demangleName(_ name: String) -> String {
    // nm -C demangles the name before any version suffix ("_ZNSt...@@GLIBCXX_3.4").
    if let at = name.firstIndex(of: "@"), at != name.startIndex {
        let base = String(name[..<at])
        return (Demangler.demangle(base, verbose: false) ?? base) + name[at...]
    }
    return Demangler.demangle(name, verbose: false) ?? name
}

/// `nm` options (binutils 2.40 syntax).
public struct NMOptions: Sendable {
    public enum Format: Sendable { case bsd, sysv, posix, just }
    public enum Sort: Sendable { case name, numeric, none, size }
    public var debugSyms = false
    public var fileNamePerSymbol = false
    public var demangle = false
    public var dynamic = false
    public var format: Format = .bsd
    public var externOnly = false
    public var undefinedOnly = false
    public var definedOnly = false
    public var noWeak = false
    public var sort: Sort = .name
    public var reverse = false
    public var printSize = false
    public var radix = 16
    public var quiet = false
    public var json = false
    public var withVersions = true
    public var help = false
    public var version = false
    public var files: [String] = []

    public init() {}

    public static func parse(_ args: [String]) throws(ToolError) -> NMOptions {
        var o = NMOptions()
        var i = 0
        var endOfOptions = false
        func setFormat(_ s: String) throws(ToolError) {
            switch s {
            case "bsd", "b", "B": o.format = .bsd
            case "sysv", "s", "S": o.format = .sysv
            case "posix", "p", "P": o.format = .posix
            case "just-symbols", "j", "J": o.format = .just
            default: throw .usage("\(s): invalid output format")
            }
        }
        func setRadix(_ s: String) throws(ToolError) {
            switch s {
            case "d": o.radix = 10
            case "o": o.radix = 8
            case "x": o.radix = 16
            default: throw .usage("\(s): invalid radix")
            }
        }
        while i < args.count {
            let a = args[i]
            if endOfOptions || !a.hasPrefix("-") || a == "-" { o.files.append(a); i += 1; continue }
            if a == "--" { endOfOptions = true; i += 1; continue }
            if a.hasPrefix("--") {
                let body = a.dropFirst(2)
                let name: Substring, value: Substring?
                if let eq = body.firstIndex(of: "=") { name = body[..<eq]; value = body[body.index(after: eq)...] } else { name = body; value = nil }
                func need() throws(ToolError) -> String {
                    if let value { return String(value) }
                    i += 1
                    guard i < args.count else { throw .usage("option '--\(name)' requires an argument") }
                    return args[i]
                }
                switch name {
                case "debug-syms": o.debugSyms = true
                case "print-file-name": o.fileNamePerSymbol = true
                case "demangle": o.demangle = true
                case "no-demangle": o.demangle = false
                case "dynamic": o.dynamic = true
                case "format": try setFormat(try need())
                case "extern-only": o.externOnly = true
                case "just-symbols": o.format = .just
                case "numeric-sort": o.sort = .numeric
                case "no-sort": o.sort = .none
                case "portability": o.format = .posix
                case "reverse-sort": o.reverse = true
                case "print-size": o.printSize = true
                case "size-sort": o.sort = .size
                case "radix": try setRadix(try need())
                case "undefined-only": o.undefinedOnly = true
                case "defined-only": o.definedOnly = true
                case "no-weak": o.noWeak = true
                case "quiet": o.quiet = true
                case "json": o.json = true
                case "with-symbol-versions": o.withVersions = true
                case "without-symbol-versions": o.withVersions = false
                case "help": o.help = true
                case "version": o.version = true
                case "special-syms", "synthetic", "recurse-limit", "no-recurse-limit", "line-numbers", "print-armap": break
                case "unicode", "target", "plugin", "ifunc-chars": _ = try need()
                default: throw .usage("unrecognized option '\(a)'")
                }
                i += 1
                continue
            }
            var rest = a.dropFirst()
            while let c = rest.first {
                rest = rest.dropFirst()
                switch c {
                case "a": o.debugSyms = true
                case "A", "o": o.fileNamePerSymbol = true
                case "B": o.format = .bsd
                case "C": o.demangle = true
                case "D": o.dynamic = true
                case "e", "l", "s": break
                case "f", "t", "X":
                    let v: String
                    if !rest.isEmpty { v = String(rest); rest = "" } else {
                        i += 1
                        guard i < args.count else { throw .usage("option requires an argument -- '\(c)'") }
                        v = args[i]
                    }
                    if c == "f" { try setFormat(v) } else if c == "t" { try setRadix(v) }
                case "g": o.externOnly = true
                case "j": o.format = .just
                case "n", "v": o.sort = .numeric
                case "p": o.sort = .none
                case "P": o.format = .posix
                case "r": o.reverse = true
                case "S": o.printSize = true
                case "u": o.undefinedOnly = true
                case "U": o.definedOnly = true
                case "W": o.noWeak = true
                case "h", "H": o.help = true
                case "V": o.version = true
                default: throw .usage("invalid option -- '\(c)'")
                }
            }
            i += 1
        }
        if o.files.isEmpty { o.files = ["a.out"] }
        return o
    }

    public static let helpText = """
    Usage: nm [option(s)] [file(s)]
     List symbols in [file(s)] (a.out by default).
     The options are:
      -a, --debug-syms       Display debugger-only symbols
      -A, --print-file-name  Print name of the input file before every symbol
      -B                     Same as --format=bsd
      -C, --demangle         Decode mangled/processed symbol names
      -D, --dynamic          Display dynamic symbols instead of normal symbols
      -f, --format=FORMAT    Use the output format FORMAT.  FORMAT can be `bsd',
                               `sysv', `posix' or 'just-symbols'.
      -g, --extern-only      Display only external symbols
      -j, --just-symbols     Same as --format=just-symbols
      -n, --numeric-sort     Sort symbols numerically by address
      -o                     Same as -A
      -p, --no-sort          Do not sort the symbols
      -P, --portability      Same as --format=posix
      -r, --reverse-sort     Reverse the sense of the sort
      -S, --print-size       Print size of defined symbols
          --quiet            Suppress "no symbols" diagnostic
          --size-sort        Sort symbols by size
      -t, --radix=RADIX      Use RADIX for printing symbol values
      -u, --undefined-only   Display only undefined symbols
      -U, --defined-only     Display only defined symbols
      -W, --no-weak          Ignore weak symbols
          --without-symbol-versions  Do not append version strings (nm -D)
          --json             One JSON document
      -h, --help             Display this information
      -V, --version          Display this program's version number

    """
}

/// One symbol as nm sees it: BFD's class letter and the fields nm prints.
public struct NMSymbol: Sendable {
    public var name: String
    public var letter: Character
    public var value: UInt64
    public var size: UInt64
    public var undefined: Bool
    public var version: String
    public var type: UInt8
    public var sectionName: String
    public var sectionAddress: UInt64 = 0
}

/// The `nm` tool.
public enum NM {
    public static func run(_ args: [String], out: OutputSink, err: @escaping (String) -> Void) throws(ToolError) -> Int32 {
        let o = try NMOptions.parse(args)
        if o.help { out.emit(NMOptions.helpText); out.flush(); return 0 }
        if o.version { out.emit("sonde nm (compatible with GNU nm 2.40)\n"); out.flush(); return 0 }
        var status: Int32 = 0
        let multi = o.files.count > 1
        var json: [JSON] = []
        for path in o.files {
            let bytes: Bytes
            do { bytes = try MappedFile.open(path) } catch {
                err(error.reason == "No such file or directory" ? "'\(path)': No such file" : "\(error)")
                status = 1
                continue
            }
            if Archive.isArchive(bytes) {
                let ar: Archive
                do { ar = try Archive(bytes) } catch { err("\(path): \(error)"); status = 1; continue }
                if multi && o.format == .bsd && !o.json { out.emit("\n\(path):\n") }
                for m in ar.members {
                    if !o.fileNamePerSymbol && !o.json {
                        switch o.format {
                        case .bsd: out.emit("\n\(m.name):\n")
                        case .posix: out.emit("\(path)[\(m.name)]:\n")
                        case .sysv, .just: break
                        }
                    }
                    let f: ELFFile
                    do { f = try ELFFile(bytes: m.data, path: m.name) } catch {
                        err("\(m.name): file format not recognized"); status = 1; continue
                    }
                    let label = "\(path)(\(m.name))"
                    do {
                        let syms = try symbols(f, o)
                        if syms.isEmpty { if !o.quiet { err("\(m.name): no symbols") }; continue }
                        if o.json { json.append(jsonFile(label, syms)); continue }
                        render(syms, f, o, out, prefix: o.format == .posix ? "\(path)[\(m.name)]: " : "\(path):\(m.name):",
                               sysvName: "\(path)[\(m.name)]")
                    } catch { err("\(label): \(error)"); status = 1 }
                }
                continue
            }
            let f: ELFFile
            do { f = try ELFFile(bytes: bytes, path: path) } catch {
                err("\(path): file format not recognized")
                status = 1
                continue
            }
            if multi && !o.fileNamePerSymbol && !o.json {
                switch o.format {
                case .bsd: out.emit("\n\(path):\n")
                case .posix: out.emit("\(path):\n")
                case .sysv, .just: break
                }
            }
            do {
                let syms = try symbols(f, o)
                if syms.isEmpty { if !o.quiet { err("\(path): no symbols") }; continue }
                if o.json { json.append(jsonFile(path, syms)); continue }
                render(syms, f, o, out, prefix: o.format == .posix ? "\(path): " : "\(path):", sysvName: path)
            } catch { out.flush(); err("\(path): \(error)"); status = 1 }
        }
        if o.json { out.emit((json.count == 1 ? json[0] : .array(json)).serialized(pretty: true) + "\n") }
        out.flush()
        return status
    }

    /// Lists one parsed file's symbols in the selected format (for tests and fuzzing).
    public static func render(_ f: ELFFile, _ o: NMOptions, to out: OutputSink) throws {
        let syms = try symbols(f, o)
        if o.json { out.emit(jsonFile(f.path ?? "", syms).serialized()); return }
        render(syms, f, o, out, prefix: "", sysvName: f.path ?? "")
    }

    static func jsonFile(_ path: String, _ syms: [NMSymbol]) -> JSON {
        .object([("file", .string(path)), ("symbols", .array(syms.map { s in
            var fields: [(String, JSON)] = [("name", .string(s.name)), ("type", .string(String(s.letter)))]
            if !s.undefined { fields.append(("value", .string("0x" + Fmt.hex(s.value)))) }
            if s.size != 0 { fields.append(("size", .int(Int64(clamping: s.size)))) }
            if !s.version.isEmpty { fields.append(("version", .string(s.version))) }
            return .object(fields)
        }))])
    }

    /// BFD's SEC_* view of an ELF section, for the class letter.
    struct SectionClass {
        var letter: Character
        var name: String
    }

    static func sectionClasses(_ f: ELFFile) -> [Character] {
        let m = f.header.machine
        return f.sections.map { s in
            let n = s.name
            for (p, c) in [(".drectve", Character("i")), (".edata", "e"), (".idata", "i"), (".pdata", "p")] where n.hasPrefix(p) {
                let next = n.utf8.dropFirst(p.utf8.count).first
                if next == nil || ".$0123456789".utf8.contains(next!) { return c }
            }
            let hasContents = s.type != SHT.nobits
            let alloc = s.flags & SHF.alloc != 0
            let load = alloc && s.type != SHT.nobits
            let readonly = s.flags & SHF.write == 0
            let code = s.flags & SHF.execinstr != 0
            let data = !code && load
            let small = (m == EM.mips || m == EM.ppc || m == EM.riscv || m == 0x69 /* m32r */)
                && (n.hasPrefix(".sdata") || n.hasPrefix(".sbss") || n.hasPrefix(".srodata") || n.hasPrefix(".scommon") || n.hasPrefix(".lit"))
            var debugging = false
            if !alloc && n.hasPrefix(".") {
                debugging = n.hasPrefix(".debug") || n.hasPrefix(".gnu.debuglto_.debug_") || n.hasPrefix(".gnu.linkonce.wi.")
                    || n.hasPrefix(".zdebug") || n.hasPrefix(".line") || n.hasPrefix(".stab") || n == ".gdb_index"
            }
            if code { return "t" }
            if data { return readonly ? "r" : small ? "g" : "d" }
            if !hasContents { return small ? "s" : "b" }
            if debugging { return "N" }
            if hasContents && readonly { return "n" }
            return "?"
        }
    }

    /// Reads, classifies, filters and sorts the symbols nm would print.
    public static func symbols(_ f: ELFFile, _ o: NMOptions) throws -> [NMSymbol] {
        let tableType = o.dynamic ? SHT.dynsym : SHT.symtab
        guard let table = f.sections.first(where: { $0.type == tableType }) else { return [] }
        let raw = try f.symbols(in: table)
        let classes = sectionClasses(f)
        let versions = o.dynamic && o.withVersions ? try? f.symbolVersions() : nil
        let machine = f.header.machine
        var xindex: [UInt32] = []
        if let x = f.sections.first(where: { $0.type == SHT.symtabShndx && Int($0.link) == table.index }), let d = try? f.rawData(x) {
            var i = 0
            while i + 4 <= d.count { xindex.append((try? d.u32(i)) ?? 0); i += 4 }
        }
        var out: [NMSymbol] = []
        out.reserveCapacity(raw.count)
        for s in raw.dropFirst() {
            var shndx = Int(s.shndx)
            if s.shndx == SHN.xindex && s.index < xindex.count { shndx = Int(xindex[s.index]) }
            let und = s.shndx == SHN.undef
            let com = s.shndx == SHN.common || (machine == EM.x86_64 && s.shndx == 0xff00)
            let abs = !und && !com && (s.shndx == SHN.abs || (s.shndx >= SHN.loreserve && s.shndx != SHN.xindex) || shndx >= f.sections.count)
            let bind = s.binding
            let local = bind == STB.local
            let global = bind == STB.global && !und && !com
            let weak = bind == STB.weak
            let unique = bind == STB.gnuUnique && !und && !com
            let object = s.type == STT.object
            let debugging = s.type == STT.section || s.type == STT.file
            let ifunc = s.type == STT.gnuIfunc
            let letter: Character
            if com {
                letter = "C"
            } else if und {
                letter = weak ? (object ? "v" : "w") : "U"
            } else if ifunc {
                letter = "i"
            } else if weak {
                letter = object ? "V" : "W"
            } else if unique {
                letter = "u"
            } else if !(global || local) {
                letter = "?"
            } else {
                var c: Character = abs ? "a" : classes[shndx]
                if global, let a = c.asciiValue, a >= 0x61 && a <= 0x7a { c = Character(Unicode.Scalar(a - 0x20)) }
                letter = c
            }
            // Filters, in nm's order.
            var keep: Bool
            if o.undefinedOnly { keep = und } else if o.externOnly { keep = global || weak || unique || und || com } else if o.noWeak { keep = !weak } else { keep = true }
            if keep && !o.debugSyms && debugging { keep = false }
            if keep && o.sort == .size && (abs || und) { keep = false }
            if keep && o.definedOnly && und { keep = false }
            if !keep { continue }
            var name = s.name
            if s.type == STT.section && s.nameOffset == 0 && shndx < f.sections.count { name = f.sections[shndx].name }
            var version = ""
            if let v = versions, s.index < v.versym.count {
                let raw = v.versym[s.index]
                let num = raw & 0x7fff
                var hidden = raw & 0x8000 != 0
                var vs = ""
                if num == 0 || num == 1 {
                    vs = ""
                } else if let d = v.definitions.first(where: { $0.index == num }) {
                    let node = d.names.first ?? ""
                    vs = node == name ? "" : node
                } else {
                    vs = "<corrupt>"
                    outer: for n in v.needs { for a in n.entries where a.other == num { hidden = true; vs = a.name; break outer } }
                }
                if !vs.isEmpty { version = (hidden || und ? "@" : "@@") + vs }
            }
            let secName = und ? "*UND*" : com ? "*COM*" : abs ? "*ABS*" : f.sections[shndx].name
            out.append(NMSymbol(name: name, letter: letter, value: und ? 0 : s.value, size: s.size, undefined: letter == "U" || letter == "w" || letter == "v",
                                version: version, type: s.type, sectionName: secName,
                                sectionAddress: !und && !com && !abs ? f.sections[shndx].addr : 0))
        }
        sortSymbols(&out, o)
        return out
    }

    @inline(__always)
    static func nameLess(_ a: String, _ b: String) -> Int {
        var a = a, b = b
        return a.withUTF8 { x in
            b.withUTF8 { y in
                let n = min(x.count, y.count)
                let c = n == 0 ? 0 : memcmp(x.baseAddress!, y.baseAddress!, n)
                if c != 0 { return c < 0 ? -1 : 1 }
                return x.count == y.count ? 0 : (x.count < y.count ? -1 : 1)
            }
        }
    }

    /// All symbol names in one byte buffer, so sorting compares with memcmp and no reference counting.
    struct NameKeys {
        var bytes: [UInt8] = []
        var offsets: [Int] = []
        var lengths: [Int] = []
        init(_ syms: [NMSymbol]) {
            offsets.reserveCapacity(syms.count)
            lengths.reserveCapacity(syms.count)
            for s in syms {
                var n = s.name
                n.withUTF8 { u in offsets.append(bytes.count); lengths.append(u.count); bytes.append(contentsOf: u) }
            }
        }
    }

    static func sortSymbols(_ syms: inout [NMSymbol], _ o: NMOptions) {
        let reverse = o.reverse
        if o.sort == .none { return }
        if o.sort == .size {
            sizeSort(&syms, reverse)
            return
        }
        let keys = NameKeys(syms)
        let numeric = o.sort == .numeric
        let undef = syms.map { $0.sectionName == "*UND*" }
        let values = syms.map(\.value)
        // The first 24 name bytes as three big-endian words decide most comparisons without memcmp
        // (mangled names share long prefixes).
        let words = 3
        var prefixes = [UInt64](repeating: 0, count: syms.count * words)
        keys.bytes.withUnsafeBufferPointer { buf in
            for i in 0..<syms.count {
                let o = keys.offsets[i], n = keys.lengths[i]
                for w in 0..<words {
                    var k: UInt64 = 0
                    for j in (w * 8)..<(w * 8 + 8) { k = (k << 8) | UInt64(j < n ? buf[o + j] : 0) }
                    prefixes[i * words + w] = k
                }
            }
        }
        let order: [Int] = keys.bytes.withUnsafeBufferPointer { buf in
            let base = buf.baseAddress
            return keys.offsets.withUnsafeBufferPointer { off in
                keys.lengths.withUnsafeBufferPointer { len in
                    undef.withUnsafeBufferPointer { und in
                        values.withUnsafeBufferPointer { val in
                            prefixes.withUnsafeBufferPointer { pre in
                                stableOrder(syms.count) { a, b in
                                    var c = 0
                                    if numeric {
                                        if und[a] != und[b] { c = und[a] ? -1 : 1 } else if !und[a] && val[a] != val[b] { c = val[a] < val[b] ? -1 : 1 }
                                    }
                                    if c == 0 {
                                        let pa = a * words, pb = b * words
                                        if pre[pa] != pre[pb] {
                                            c = pre[pa] < pre[pb] ? -1 : 1
                                        } else if pre[pa + 1] != pre[pb + 1] {
                                            c = pre[pa + 1] < pre[pb + 1] ? -1 : 1
                                        } else if pre[pa + 2] != pre[pb + 2] {
                                            c = pre[pa + 2] < pre[pb + 2] ? -1 : 1
                                        } else {
                                            let la = len[a], lb = len[b]
                                            let m = min(la, lb)
                                            let skip = 8 * words
                                            let r = m <= skip || base == nil ? 0 : memcmp(base! + off[a] + skip, base! + off[b] + skip, m - skip)
                                            c = r != 0 ? (r < 0 ? -1 : 1) : (la == lb ? 0 : (la < lb ? -1 : 1))
                                        }
                                    }
                                    return reverse ? c > 0 : c < 0
                                }
                            }
                        }
                    }
                }
            }
        }
        syms = order.map { syms[$0] }
    }

    static func sizeSort(_ syms: inout [NMSymbol], _ reverse: Bool) {
        // binutils: qsort by size_forward1 (value, section address, file-name heuristics, name),
        // drop zero sizes, then qsort by size and name (both reversed by -r); glibc's qsort is stable.
        stableSort(&syms) { x, y in
            if x.value != y.value { return x.value < y.value }
            if x.sectionAddress != y.sectionAddress { return x.sectionAddress < y.sectionAddress }
            func gnu(_ s: NMSymbol) -> Bool { s.name.contains("gnu_compiled") || s.name.contains("gcc2_compiled") }
            let xg = gnu(x), yg = gnu(y)
            if xg != yg { return xg }
            func file(_ s: NMSymbol) -> Bool {
                let u = Array(s.name.utf8)
                return s.type == STT.file || (u.count > 2 && u[u.count - 2] == 0x2e && (u[u.count - 1] == 0x6f || u[u.count - 1] == 0x61))
            }
            let xf = file(x), yf = file(y)
            if xf != yf { return xf }
            return nameLess(x.name, y.name) < 0
        }
        syms.removeAll { $0.size == 0 }
        stableSort(&syms) { x, y in
            var c: Int
            if x.size != y.size { c = x.size < y.size ? -1 : 1 } else { c = nameLess(x.name, y.name) }
            return reverse ? c > 0 : c < 0
        }
    }

    /// Stable merge sort of 0..<n by `less` on indices.
    static func stableOrder(_ n: Int, _ less: (Int, Int) -> Bool) -> [Int] {
        var idx = Array(0..<n)
        guard n > 1 else { return idx }
        var tmp = idx
        var width = 1
        var inTmp = false
        idx.withUnsafeMutableBufferPointer { a in
            tmp.withUnsafeMutableBufferPointer { b in
                var src = a, dst = b
                while width < n {
                    var i = 0
                    while i < n {
                        let mid = min(i + width, n), hi = min(i + 2 * width, n)
                        var l = i, r = mid, k = i
                        while l < mid && r < hi {
                            if less(src[r], src[l]) { dst[k] = src[r]; r += 1 } else { dst[k] = src[l]; l += 1 }
                            k += 1
                        }
                        while l < mid { dst[k] = src[l]; l += 1; k += 1 }
                        while r < hi { dst[k] = src[r]; r += 1; k += 1 }
                        i += 2 * width
                    }
                    swap(&src, &dst)
                    inTmp.toggle()
                    width *= 2
                }
            }
        }
        return inTmp ? tmp : idx
    }

    /// Bottom-up merge sort: stable, like glibc's qsort for these sizes.
    static func stableSort(_ syms: inout [NMSymbol], _ less: (NMSymbol, NMSymbol) -> Bool) {
        let n = syms.count
        guard n > 1 else { return }
        var idx = Array(0..<n)
        var tmp = idx
        let all = syms
        var width = 1
        while width < n {
            var i = 0
            while i < n {
                let mid = min(i + width, n), hi = min(i + 2 * width, n)
                var l = i, r = mid, k = i
                while l < mid && r < hi {
                    if less(all[idx[r]], all[idx[l]]) { tmp[k] = idx[r]; r += 1 } else { tmp[k] = idx[l]; l += 1 }
                    k += 1
                }
                while l < mid { tmp[k] = idx[l]; l += 1; k += 1 }
                while r < hi { tmp[k] = idx[r]; r += 1; k += 1 }
                i += 2 * width
            }
            swap(&idx, &tmp)
            width *= 2
        }
        syms = idx.map { all[$0] }
    }

    static func value(_ v: UInt64, _ o: NMOptions, width: Int, pad: Bool) -> String {
        let w = pad ? width : 0
        switch o.radix {
        case 10: return Fmt.padLeft(String(v), w, "0")
        case 8: return Fmt.padLeft(String(v, radix: 8), w, "0")
        default: return Fmt.hex(v, w)
        }
    }

    static func render(_ syms: [NMSymbol], _ f: ELFFile, _ o: NMOptions, _ out: OutputSink, prefix: String, sysvName: String) {
        let width = f.header.is64 ? 16 : 8
        let blank = String(repeating: " ", count: width)
        func name(_ s: NMSymbol) -> String { (o.demangle ? demangleName(s.name) : s.name) + s.version }
        switch o.format {
        case .bsd:
            let hexFast = o.radix == 16
            for s in syms {
                if o.fileNamePerSymbol { out.emit(prefix) }
                if s.undefined { out.emit(blank) } else {
                    // --size-sort without -S shows the size in the value column, like binutils.
                    let v = o.sort == .size && !o.printSize ? s.size : s.value
                    if hexFast { out.emitHex(v, width: width) } else { out.emit(value(v, o, width: width, pad: true)) }
                    if o.printSize && s.size != 0 {
                        out.emit(byte: 0x20)
                        if hexFast { out.emitHex(s.size, width: width) } else { out.emit(value(s.size, o, width: width, pad: true)) }
                    }
                }
                out.emit(byte: 0x20)
                out.emit(byte: s.letter.asciiValue ?? 0x3f)
                out.emit(byte: 0x20)
                out.emit(o.demangle ? demangleName(s.name) : s.name)
                if !s.version.isEmpty { out.emit(s.version) }
                out.emit(byte: 0x0a)
            }
        case .just:
            for s in syms { out.emit((o.fileNamePerSymbol ? prefix : "") + name(s) + "\n") }
        case .posix:
            for s in syms {
                var line = o.fileNamePerSymbol ? prefix : ""
                line += name(s) + " " + String(s.letter) + " "
                if s.undefined { line += "        " } else {
                    line += value(s.value, o, width: width, pad: false) + " "
                    if s.size != 0 { line += value(s.size, o, width: width, pad: false) }
                }
                out.emit(line + "\n")
            }
        case .sysv:
            do {
                out.emit("\n\nSymbols from \(sysvName):\n\n")
                out.emit(width == 16 ? "Name                  Value           Class        Type         Size             Line  Section\n\n"
                                     : "Name                  Value   Class        Type         Size     Line  Section\n\n")
            }
            for s in syms {
                var line = o.fileNamePerSymbol ? prefix : ""
                line += Fmt.padRight(name(s), 20) + "|"
                line += (s.undefined ? blank : value(s.value, o, width: width, pad: true)) + "|"
                line += "   " + String(s.letter) + "  |"
                line += Fmt.padLeft(sysvType(s.type), 18) + "|"
                line += (s.size != 0 ? value(s.size, o, width: width, pad: true) : blank) + "|     |" + s.sectionName
                out.emit(line + "\n")
            }
        }
    }

    /// nm -f sysv's type column: readelf's names, except that nm has no name for STT_GNU_IFUNC.
    static func sysvType(_ t: UInt8) -> String {
        t == STT.gnuIfunc ? "<OS specific>: \(t)" : ELFNames.symbolType(t, machine: 0)
    }
}
