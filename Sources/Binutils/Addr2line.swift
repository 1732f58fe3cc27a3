import Bytes
import CSonde
import ELF
import Glibc
import Render
import Symbolize

/// The engine of `sonde addr2line`: binutils addr2line's flags, input forms and output bytes.
public enum Addr2line {
    public struct Options: Equatable {
        public var exe = "a.out"
        public var functions = false
        public var inlines = false
        public var demangle = false
        public var basenames = false
        public var addresses = false
        public var pretty = false
        public var section: String?
        public var json = false
        public var debugDirectories: [String] = []
        public var inputs: [String] = []
        public var help = false
        public var version = false
        public init() {}
    }

    public static let usage = """
    Usage: addr2line [option(s)] [addr(s)]
     Convert addresses into line number/file name pairs.
     If no addresses are specified on the command line, they will be read from stdin
     The options are:
      @<file>                Read options from <file>
      -a --addresses         Show addresses
      -b --target=<bfdname>  Set the binary file format
      -e --exe=<executable>  Set the input file name (default is a.out)
      -i --inlines           Unwind inlined functions
      -j --section=<name>    Read section-relative offsets instead of addresses
      -p --pretty-print      Make the output easier to read for humans
      -s --basenames         Strip directory names
      -f --functions         Show function names
      -C --demangle[=style]  Demangle function names
      -R --recurse-limit     Enable a limit on recursion whilst demangling.  [Default]
      -r --no-recurse-limit  Disable a limit on recursion whilst demangling
      -h --help              Display this information
      -v --version           Display the program's version
         --json              One JSON object per address (sonde)
         --debug-file-directory=DIR  Look for separate debug files under DIR (sonde; default /usr/lib/debug)

    """

    /// Parses binutils addr2line's command line (getopt_long with permutation).
    public static func parse(_ args: [String]) throws(ToolError) -> Options {
        var o = Options()
        var i = 0
        var onlyOperands = false
        func value(_ name: String, _ attached: String?) throws(ToolError) -> String {
            if let a = attached { return a }
            i += 1
            guard i < args.count else { throw .usage("option requires an argument -- '\(name)'\n" + usage) }
            return args[i]
        }
        while i < args.count {
            let a = args[i]
            if onlyOperands || a == "-" || !a.hasPrefix("-") { o.inputs.append(a); i += 1; continue }
            if a == "--" { onlyOperands = true; i += 1; continue }
            if a.hasPrefix("--") {
                let body = a.dropFirst(2)
                let name = String(body.split(separator: "=", maxSplits: 1).first ?? "")
                let attached: String? = body.contains("=") ? String(body.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)[1]) : nil
                let longs = ["addresses", "basenames", "demangle", "exe", "functions", "inlines", "pretty-print", "section", "target",
                             "recurse-limit", "no-recurse-limit", "no-recursion-limit", "help", "version", "json", "debug-file-directory"]
                let matches = longs.filter { $0.hasPrefix(name) }
                guard let long = longs.contains(name) ? name : (matches.count == 1 ? matches[0] : nil) else {
                    throw .usage("unrecognized option '\(a)'\n" + usage)
                }
                switch long {
                case "addresses": o.addresses = true
                case "basenames": o.basenames = true
                case "demangle": o.demangle = true
                case "exe": o.exe = try value("exe", attached)
                case "functions": o.functions = true
                case "inlines": o.inlines = true
                case "pretty-print": o.pretty = true
                case "section": o.section = try value("section", attached)
                case "target": _ = try value("target", attached)
                case "help": o.help = true
                case "version": o.version = true
                case "json": o.json = true
                case "debug-file-directory": o.debugDirectories.append(try value("debug-file-directory", attached))
                default: break
                }
                i += 1
                continue
            }
            var chars = Array(a.dropFirst())
            var k = 0
            while k < chars.count {
                let c = chars[k]
                let rest = k + 1 < chars.count ? String(chars[(k + 1)...]) : nil
                switch c {
                case "a": o.addresses = true
                case "s": o.basenames = true
                case "C": o.demangle = true
                case "f": o.functions = true
                case "i": o.inlines = true
                case "p": o.pretty = true
                case "r", "R", "H": break
                case "h": o.help = true
                case "v", "V": o.version = true
                case "e", "j", "b":
                    let v = try value(String(c), rest)
                    if c == "e" { o.exe = v } else if c == "j" { o.section = v }
                    chars = []
                    continue
                default: throw .usage("invalid option -- '\(c)'\n" + usage)
                }
                k += 1
            }
            i += 1
        }
        return o
    }

    /// Runs addr2line. Answers are written (and flushed) one address at a time through `write`, so
    /// the tool works as a coprocess; with no address arguments, addresses come from `readLine`
    /// (default: standard input, whose answers are written whenever no further address is already
    /// read, that is before waiting for input: at once for a coprocess, in chunks for a file).
    public static func run(_ args: [String], readLine: (() -> String?)? = nil,
                           write: (String) -> Void = { writeOut($0) }) throws(ToolError) {
        let o = try parse(args)
        if o.help { write(usage); return }
        if o.version { write("sonde addr2line (GNU addr2line compatible) 0.1.0\n"); return }
        heapOnHugePages()
        let elf = try openELF(o.exe)
        let dirs = o.debugDirectories.isEmpty ? ["/usr/lib/debug"] : o.debugDirectories
        let sym = Symbolizer(file: elf, debugDirectories: dirs)
        var section: ELFSection? = nil
        if let name = o.section {
            guard let s = elf.section(named: name) else { throw ToolError("\(o.exe): cannot find section \(name)") }
            section = s
        }
        let mask: UInt64 = elf.is64 ? .max : 0xffff_ffff
        let width = elf.is64 ? 16 : 8
        let names = SymbolNames(elf)
        var out = ""
        func answer(_ token: String) {
            let pc = parseAddress(token, names: names) & mask
            let frames = sym.symbolize(pc, inSection: section)
            if o.json {
                out += jsonLine(pc, frames, o) + "\n"
            } else {
                out += format(pc, frames, o, width: width)
            }
        }
        if o.inputs.isEmpty, let readLine {
            while let line = readLine() {
                answer(line)
                write(out)
                out = ""
            }
        } else if o.inputs.isEmpty {
            let input = LineReader(fd: 0)
            while let line = input.readLine() {
                answer(line)
                if !input.hasBufferedLine || out.utf8.count > 1 << 16 {
                    write(out)
                    out = ""
                }
            }
            if !out.isEmpty { write(out) }
        } else {
            for a in o.inputs {
                answer(a)
                if out.utf8.count > 1 << 16 { write(out); out = "" }
            }
            write(out)
        }
    }

    /// Symbolizing many addresses of a big binary fills ~100 MB of heap with unit tables (function
    /// ranges, abbreviations, symbols) that live to the end; on 4 KiB pages a sixth of the run went to
    /// page faults. So the heap is grown in one 256 MiB step (virtual: untouched pages cost nothing),
    /// kept (no trimming, no mmap for blocks below 32 MiB) and advised to transparent huge pages,
    /// as glibc's own glibc.malloc.hugetlb=1 tunable would. Where THP is off this changes nothing.
    static func heapOnHugePages() {
        let pad = 256 << 20
        guard mallopt(M_MMAP_THRESHOLD, 32 << 20) == 1, mallopt(M_TRIM_THRESHOLD, Int32(2 * pad)) == 1,
              mallopt(M_TOP_PAD, Int32(pad)) == 1 else { return }
        let start = UInt(bitPattern: sbrk(0))
        // Grows the heap by the pad (malloc_usable_size keeps the pair from being optimised away).
        if let block = malloc(1 << 20) { _ = malloc_usable_size(block); free(block) }
        let end = UInt(bitPattern: sbrk(0))
        let huge: UInt = 2 << 20
        let low = (start &+ huge &- 1) & ~(huge &- 1)
        guard start != UInt.max, end > low, let p = UnsafeMutableRawPointer(bitPattern: low) else { return }
        _ = madvise(p, Int(end - low), MADV_HUGEPAGE)
    }

    /// binutils' text for one address.
    public static func format(_ pc: UInt64, _ frames: [Frame], _ o: Options, width: Int) -> String {
        var s = ""
        if o.addresses {
            let h = String(pc, radix: 16)
            s += "0x" + String(repeating: "0", count: max(0, width - h.count)) + h
            s += o.pretty ? ": " : "\n"
        }
        if frames.isEmpty {
            if o.functions { s += o.pretty ? "?? " : "??\n" }
            s += "??:0\n"
            return s
        }
        // binutils keeps the first frame's discriminator for the whole inline chain.
        let discriminator = frames[0].discriminator
        for (n, f) in frames.enumerated() {
            if !o.inlines && n > 0 { break }
            if o.functions {
                var name = f.function ?? "??"
                if name.isEmpty { name = "??" } else if o.demangle { name = demangleName(name) }
                s += name
                s += o.pretty ? " at " : "\n"
            }
            var file = f.file
            if o.basenames, let p = file, let slash = p.lastIndex(of: "/") { file = String(p[p.index(after: slash)...]) }
            s += (file ?? "??") + ":"
            if f.line != 0 {
                s += discriminator != 0 ? "\(f.line) (discriminator \(discriminator))\n" : "\(f.line)\n"
            } else {
                s += "?\n"
            }
            if o.inlines && n + 1 < frames.count && o.pretty { s += " (inlined by) " }
        }
        return s
    }

    static func jsonLine(_ pc: UInt64, _ frames: [Frame], _ o: Options) -> String {
        var fs: [JSON] = []
        for (n, f) in frames.enumerated() where o.inlines || n == 0 {
            var file = f.file
            if o.basenames, let p = file, let slash = p.lastIndex(of: "/") { file = String(p[p.index(after: slash)...]) }
            fs.append(.object([
                ("function", f.function.map { .string(o.demangle ? demangleName($0) : $0) } ?? .null),
                ("file", file.map { .string($0) } ?? .null),
                ("line", .int(Int64(f.line))),
                ("column", .int(Int64(f.column))),
                ("discriminator", .int(Int64(f.discriminator))),
                ("inlined", .bool(f.inlined)),
            ]))
        }
        return JSON.object([("address", .string("0x" + String(pc, radix: 16))), ("frames", .array(fs))]).serialized()
    }

    /// An address operand: hex (optional 0x, parsed up to the first non-hex character), `symbol`
    /// when no hex digit leads, or `symbol+offset` with a C-style offset (decimal, 0x hex, 0 octal),
    /// as binutils 2.40 reads them.
    static func parseAddress(_ token: String, names: SymbolNames) -> UInt64 {
        let t = token.drop { $0 == " " || $0 == "\t" }
        let (value, consumed) = scanHex(Substring(t))
        if let plus = t.firstIndex(of: "+") {
            let name = String(t[..<plus])
            if let v = names.address(of: name) { return v &+ strtoull(String(t[t.index(after: plus)...]), nil, 0) }
        } else if consumed == 0, let v = names.address(of: String(t)) {
            return v
        }
        return value
    }

    static func scanHex(_ s: Substring) -> (value: UInt64, consumed: Int) {
        var u = Array(s.utf8)
        var start = 0
        if u.count >= 2 && u[0] == UInt8(ascii: "0") && (u[1] | 0x20) == UInt8(ascii: "x") && u.count > 2 && hexDigit(u[2]) != nil { start = 2 }
        var v: UInt64 = 0
        var i = start
        while i < u.count, let d = hexDigit(u[i]) { v = v &* 16 &+ UInt64(d); i += 1 }
        u.removeAll()
        return (v, i == start ? 0 : i)
    }

    static func hexDigit(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return c - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}

/// Symbol name → address for `symbol` / `symbol+off` operands (built on first use).
final class SymbolNames {
    let file: ELFFile
    private var table: [String: UInt64]?
    init(_ f: ELFFile) { file = f }
    func address(of name: String) -> UInt64? {
        if table == nil {
            var t: [String: UInt64] = [:]
            var syms = (try? file.staticSymbols()) ?? []
            if syms.count <= 1 { syms = (try? file.dynamicSymbols()) ?? [] }
            for s in syms where !s.name.isEmpty && s.shndx != SHN.undef && t[s.name] == nil { t[s.name] = s.value }
            table = t
        }
        return table![name]
    }
}



/// Lines of a file descriptor, read in blocks: like `Swift.readLine(strippingNewline: true)` on
/// standard input, and it can tell whether the next line is already read (no wait for input).
final class LineReader {
    private let fd: Int32
    private var buffer: [UInt8] = []
    private var start = 0
    private var atEnd = false

    init(fd: Int32) { self.fd = fd }

    /// A complete line is buffered: reading it will not wait.
    var hasBufferedLine: Bool {
        buffer.withUnsafeBufferPointer { b in start < b.count && memchr(b.baseAddress! + start, 0x0a, b.count - start) != nil }
    }

    func readLine() -> String? {
        while true {
            let found: Int? = buffer.withUnsafeBufferPointer { b in
                guard start < b.count, let p = memchr(b.baseAddress! + start, 0x0a, b.count - start) else { return nil }
                return UnsafeRawPointer(p) - UnsafeRawPointer(b.baseAddress!)
            }
            if let nl = found {
                var end = nl
                if end > start && buffer[end - 1] == 0x0d { end -= 1 }  // "\r\n" is one newline, as for readLine
                let line = String(decoding: buffer[start..<end], as: UTF8.self)
                start = nl + 1
                return line
            }
            if atEnd {
                guard start < buffer.count else { return nil }
                let line = String(decoding: buffer[start...], as: UTF8.self)
                start = buffer.count
                return line
            }
            if start > 0 { buffer.removeSubrange(0..<start); start = 0 }
            let old = buffer.count
            let chunk = 1 << 16
            buffer.append(contentsOf: repeatElement(0, count: chunk))
            var n = 0
            repeat { n = buffer.withUnsafeMutableBufferPointer { Glibc.read(fd, $0.baseAddress! + old, chunk) } } while n < 0 && errno == EINTR
            buffer.removeSubrange((old + max(n, 0))...)
            if n <= 0 { atEnd = true }
        }
    }
}
