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

/// The DWARF sections of one file, decompressed (and, for relocatable objects, relocated) on first use:
/// a lookup of one address in a large library's debug file reads .debug_aranges, .debug_info and
/// .debug_abbrev, not its location or line lists. Missing sections are empty. For a split-DWARF `.dwo`
/// file, fill the fields from the `.dwo` sections. Like `DWARFFile`, not for concurrent first use.
public struct DWARFSections: @unchecked Sendable {
    /// Loaded sections by index into `names`, and how to load the rest (copied on write).
    final class Store {
        var slots: [Bytes?]
        let lookup: ((String) -> Bytes?)?
        init(slots: [Bytes?], lookup: ((String) -> Bytes?)?) { self.slots = slots; self.lookup = lookup }
    }
    private var store: Store
    public var bigEndian = false
    /// True for the sections of a `.dwo` file (split units; their ranges/loclists bases are implicit).
    public var isDWO = false

    public init() {
        store = Store(slots: Array(repeating: .empty, count: Self.names.count), lookup: nil)
    }

    /// Sections looked up by name (".debug_info", or ".debug_info.dwo" when `dwo`) as they are first read.
    public init(dwo: Bool = false, bigEndian: Bool, lookup: @escaping (String) -> Bytes?) {
        self.bigEndian = bigEndian
        self.isDWO = dwo
        store = Store(slots: Array(repeating: nil, count: Self.names.count), lookup: { lookup(".debug_" + $0 + (dwo ? ".dwo" : "")) })
    }

    static let names = ["info", "abbrev", "str", "line_str", "str_offsets", "addr", "ranges", "rnglists", "loc", "loclists",
                        "aranges", "line", "types"]

    private func section(_ i: Int) -> Bytes {
        if let b = store.slots[i] { return b }
        var b = store.lookup?(Self.names[i]) ?? .empty
        b.bigEndian = bigEndian
        store.slots[i] = b
        return b
    }

    private mutating func set(_ i: Int, _ b: Bytes) {
        if !isKnownUniquelyReferenced(&store) { store = Store(slots: store.slots, lookup: store.lookup) }
        store.slots[i] = b
    }

    public var info: Bytes { get { section(0) } set { set(0, newValue) } }
    public var abbrev: Bytes { get { section(1) } set { set(1, newValue) } }
    public var str: Bytes { get { section(2) } set { set(2, newValue) } }
    public var lineStr: Bytes { get { section(3) } set { set(3, newValue) } }
    public var strOffsets: Bytes { get { section(4) } set { set(4, newValue) } }
    public var addr: Bytes { get { section(5) } set { set(5, newValue) } }
    public var ranges: Bytes { get { section(6) } set { set(6, newValue) } }
    public var rnglists: Bytes { get { section(7) } set { set(7, newValue) } }
    public var loc: Bytes { get { section(8) } set { set(8, newValue) } }
    public var loclists: Bytes { get { section(9) } set { set(9, newValue) } }
    public var aranges: Bytes { get { section(10) } set { set(10, newValue) } }
    public var line: Bytes { get { section(11) } set { set(11, newValue) } }
    public var types: Bytes { get { section(12) } set { set(12, newValue) } }
}
