import Bytes

/// Why DWARF data could not be read. Readers throw these (or a `ByteError` for a read past the
/// end of a section) instead of trapping, so malformed input becomes one clear message.
public enum DWARFError: Error, Equatable, CustomStringConvertible {
    case malformed(String)
    case unsupported(String)

    public var description: String {
        switch self {
        case let .malformed(s): return "malformed DWARF: \(s)"
        case let .unsupported(s): return "unsupported DWARF: \(s)"
        }
    }
}

/// The DWARF sections of one file, already decompressed (and, for relocatable objects, relocated).
/// Missing sections are empty. For a split-DWARF `.dwo` file, fill the fields from the `.dwo` sections.
public struct DWARFSections: @unchecked Sendable {
    public var info = Bytes.empty
    public var abbrev = Bytes.empty
    public var str = Bytes.empty
    public var lineStr = Bytes.empty
    public var strOffsets = Bytes.empty
    public var addr = Bytes.empty
    public var ranges = Bytes.empty
    public var rnglists = Bytes.empty
    public var loc = Bytes.empty
    public var loclists = Bytes.empty
    public var aranges = Bytes.empty
    public var line = Bytes.empty
    public var types = Bytes.empty
    public var bigEndian = false
    /// True for the sections of a `.dwo` file (split units; their ranges/loclists bases are implicit).
    public var isDWO = false

    public init() {}

    /// Names of the sections each field is read from (`.dwo` adds the suffix).
    nonisolated(unsafe) public static let sectionNames: [(String, WritableKeyPath<DWARFSections, Bytes>)] = [
        ("info", \.info), ("abbrev", \.abbrev), ("str", \.str), ("line_str", \.lineStr), ("str_offsets", \.strOffsets),
        ("addr", \.addr), ("ranges", \.ranges), ("rnglists", \.rnglists), ("loc", \.loc), ("loclists", \.loclists),
        ("aranges", \.aranges), ("line", \.line), ("types", \.types),
    ]

    /// Builds the sections through a lookup by name (".debug_info", or ".debug_info.dwo" when `dwo`).
    public init(dwo: Bool = false, bigEndian: Bool, lookup: (String) -> Bytes?) {
        self.bigEndian = bigEndian
        self.isDWO = dwo
        for (name, kp) in Self.sectionNames {
            if var b = lookup(".debug_" + name + (dwo ? ".dwo" : "")) {
                b.bigEndian = bigEndian
                self[keyPath: kp] = b
            }
        }
    }
}
