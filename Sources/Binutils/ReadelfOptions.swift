import Render

/// What `readelf` was asked to show (binutils 2.40 option syntax).
public struct ReadelfOptions: Sendable {
    public var header = false
    public var segments = false
    public var sections = false
    public var sectionDetails = false
    public var sectionGroups = false
    public var symbols = false
    public var dynSymbols = false
    public var dynamic = false
    public var notes = false
    public var relocs = false
    public var unwind = false
    public var versions = false
    public var archSpecific = false
    public var histogram = false
    public var wide = false
    public var silentTruncation = false
    public var decompress = false
    public var json = false
    public var demangle = false
    public var help = false
    public var version = false
    public enum DumpKind: Sendable { case hex, string, relocated }
    /// -x/-p/-R requests in command-line order: a section name or number.
    public var dumps: [(kind: DumpKind, section: String)] = []
    /// --debug-dump / -w kinds, normalised to long names (info, line, frames, ...).
    public var debugDump: [String] = []
    public var files: [String] = []

    public init() {}

    public var anything: Bool {
        header || segments || sections || sectionGroups || symbols || dynSymbols || dynamic || notes || relocs || unwind
            || versions || archSpecific || histogram || !dumps.isEmpty || !debugDump.isEmpty
    }

    static let debugLetters: [Character: String] = [
        "a": "abbrev", "A": "addr", "r": "aranges", "c": "cu_index", "L": "decodedline", "f": "frames",
        "F": "frames-interp", "g": "gdb_index", "i": "info", "o": "loc", "m": "macro", "p": "pubnames",
        "t": "pubtypes", "R": "Ranges", "l": "rawline", "s": "str", "O": "str-offsets", "u": "trace_abbrev",
        "T": "trace_aranges", "U": "trace_info", "k": "links", "K": "follow-links", "N": "no-follow-links",
    ]

    static let debugLongAliases: [String: String] = ["line": "rawline", "ranges": "Ranges", "frames-interp": "frames-interp"]

    /// Parses readelf's command line. Throws `.usage` for unknown options.
    public static func parse(_ args: [String]) throws(ToolError) -> ReadelfOptions {
        var o = ReadelfOptions()
        var i = 0
        func takeValue(_ inline: Substring, _ flag: String) throws(ToolError) -> String {
            if !inline.isEmpty { return String(inline) }
            i += 1
            guard i < args.count else { throw .usage("option requires an argument -- '\(flag)'\n" + ReadelfOptions.usageLine) }
            return args[i]
        }
        func setAll() {
            o.symbols = true; o.relocs = true; o.unwind = true; o.dynamic = true; o.header = true; o.sections = true
            o.sectionGroups = true; o.segments = true; o.versions = true; o.histogram = true; o.archSpecific = true; o.notes = true
        }
        func addDebug(_ list: String) {
            if list.isEmpty {
                o.debugDump += ["rawline", "info", "abbrev", "pubnames", "aranges", "macro", "frames", "str", "loc", "Ranges"]
                return
            }
            for k in list.split(separator: ",") {
                let s = String(k)
                o.debugDump.append(debugLongAliases[s] ?? s)
            }
        }
        var endOfOptions = false
        while i < args.count {
            let a = args[i]
            if endOfOptions || !a.hasPrefix("-") || a == "-" {
                o.files.append(a)
                i += 1
                continue
            }
            if a == "--" { endOfOptions = true; i += 1; continue }
            if a.hasPrefix("--") {
                let body = a.dropFirst(2)
                let name: Substring, value: Substring?
                if let eq = body.firstIndex(of: "=") { name = body[..<eq]; value = body[body.index(after: eq)...] } else { name = body; value = nil }
                func need() throws(ToolError) -> String {
                    if let value { return String(value) }
                    i += 1
                    guard i < args.count else { throw .usage("option '--\(name)' requires an argument\n" + ReadelfOptions.usageLine) }
                    return args[i]
                }
                switch name {
                case "all": setAll()
                case "file-header": o.header = true
                case "program-headers", "segments": o.segments = true
                case "section-headers", "sections": o.sections = true
                case "section-groups": o.sectionGroups = true
                case "section-details": o.sections = true; o.sectionDetails = true
                case "headers": o.header = true; o.segments = true; o.sections = true
                case "syms", "symbols": o.symbols = true
                case "dyn-syms": o.dynSymbols = true
                case "notes": o.notes = true
                case "relocs": o.relocs = true
                case "unwind": o.unwind = true
                case "dynamic": o.dynamic = true
                case "version-info": o.versions = true
                case "arch-specific": o.archSpecific = true
                case "histogram": o.histogram = true
                case "wide": o.wide = true
                case "silent-truncation": o.silentTruncation = true
                case "decompress": o.decompress = true
                case "demangle": o.demangle = true
                case "no-demangle": o.demangle = false
                case "json": o.json = true
                case "hex-dump": o.dumps.append((.hex, try need()))
                case "string-dump": o.dumps.append((.string, try need()))
                case "relocated-dump": o.dumps.append((.relocated, try need()))
                case "debug-dump": addDebug(value.map(String.init) ?? "")
                case "help": o.help = true
                case "version": o.version = true
                case "use-dynamic", "archive-index", "lint", "enable-checks", "recurse-limit", "no-recurse-limit", "lto-syms",
                     "process-links":
                    break
                case "sym-base", "unicode", "dwarf-depth", "dwarf-start", "ctf", "ctf-parent", "ctf-symbols", "ctf-strings", "sframe":
                    if value == nil && ["ctf", "ctf-parent", "ctf-symbols", "ctf-strings", "dwarf-depth", "dwarf-start"].contains(String(name)) {
                        _ = try need()
                    }
                default:
                    throw .usage("unrecognized option '\(a)'\n" + ReadelfOptions.usageLine)
                }
                i += 1
                continue
            }
            // Clustered short options: -hSl, -x.text, -x 3, -wi.
            var rest = a.dropFirst()
            while let c = rest.first {
                rest = rest.dropFirst()
                switch c {
                case "a": setAll()
                case "h": o.header = true
                case "l": o.segments = true
                case "S": o.sections = true
                case "g": o.sectionGroups = true
                case "t": o.sections = true; o.sectionDetails = true
                case "e": o.header = true; o.segments = true; o.sections = true
                case "s": o.symbols = true
                case "n": o.notes = true
                case "r": o.relocs = true
                case "u": o.unwind = true
                case "d": o.dynamic = true
                case "V": o.versions = true
                case "A": o.archSpecific = true
                case "I": o.histogram = true
                case "W": o.wide = true
                case "T": o.silentTruncation = true
                case "z": o.decompress = true
                case "C": o.demangle = true
                case "D", "c", "L", "P": break
                case "H": o.help = true
                case "v": o.version = true
                case "x", "p", "R":
                    let v = try takeValue(rest, String(c))
                    o.dumps.append((c == "x" ? .hex : c == "p" ? .string : .relocated, v))
                    rest = ""
                case "w":
                    if rest.isEmpty { addDebug("") } else {
                        for l in rest { o.debugDump.append(debugLetters[l] ?? String(l)) }
                    }
                    rest = ""
                case "U":
                    rest = ""
                default:
                    throw .usage("invalid option -- '\(c)'\n" + ReadelfOptions.usageLine)
                }
            }
            i += 1
        }
        return o
    }

    static let usageLine = "Usage: readelf <option(s)> elf-file(s)"

    public static let helpText = """
    Usage: readelf <option(s)> elf-file(s)
     Display information about the contents of ELF format files
     Options are:
      -a --all               Equivalent to: -h -l -S -s -r -d -V -A -I
      -h --file-header       Display the ELF file header
      -l --program-headers   Display the program headers
         --segments          An alias for --program-headers
      -S --section-headers   Display the sections' header
         --sections          An alias for --section-headers
      -g --section-groups    Display the section groups
      -t --section-details   Display the section details
      -e --headers           Equivalent to: -h -l -S
      -s --syms              Display the symbol table
         --symbols           An alias for --syms
         --dyn-syms          Display the dynamic symbol table
      -C --demangle          Decode mangled/processed symbol names
      -n --notes             Display the core notes (if present)
      -r --relocs            Display the relocations (if present)
      -u --unwind            Display the unwind info (if present)
      -d --dynamic           Display the dynamic section (if present)
      -V --version-info      Display the version sections (if present)
      -A --arch-specific     Display architecture specific information (if any)
      -x --hex-dump=<number|name>
                             Dump the contents of section <number|name> as bytes
      -p --string-dump=<number|name>
                             Dump the contents of section <number|name> as strings
      -R --relocated-dump=<number|name>
                             Dump the relocated contents of section <number|name>
      -z --decompress        Decompress section before dumping it
      -w --debug-dump[=info,rawline,decodedline,frames,...]
                             Display the contents of DWARF debug sections
      -I --histogram         Display histogram of bucket list lengths
      -W --wide              Allow output width to exceed 80 characters
      -T --silent-truncation If a symbol name is truncated, do not add [...] suffix
         --json              One JSON document for -h, -S, -l, -s, --dyn-syms, -d, -n
      -H --help              Display this information
      -v --version           Display the version number of readelf

    """
}
