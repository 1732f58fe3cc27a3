import ELF

/// One file-backed mapping of a process, as the caller parsed it from /proc/PID/maps.
public struct Mapping: Sendable, Equatable {
    public var start: UInt64
    public var end: UInt64
    public var offset: UInt64
    public var path: String
    public init(start: UInt64, end: UInt64, offset: UInt64, path: String) {
        self.start = start
        self.end = end
        self.offset = offset
        self.path = path
    }
}

/// Symbolizes run-time addresses of a process from its mappings: the mapping gives the file and
/// the file offset, the file's PT_LOAD segments give the file-relative (link-time) address, so
/// the load bias of PIEs and libraries is accounted for. Reads no /proc itself.
public final class ProcessSymbolizer: @unchecked Sendable {
    public let mappings: [Mapping]
    private let debugDirectories: [String]
    private var cache: [String: Symbolizer?] = [:]

    public init(mappings: [Mapping], debugDirectories: [String] = ["/usr/lib/debug"]) {
        self.mappings = mappings.sorted { $0.start < $1.start }
        self.debugDirectories = debugDirectories
    }

    /// The symbolizer of a mapped file (opened once).
    public func symbolizer(for path: String) -> Symbolizer? {
        if let s = cache[path] { return s }
        let s = try? Symbolizer(path: path, debugDirectories: debugDirectories)
        cache[path] = s
        return s
    }

    /// The mapping, and the file-relative address, of a run-time address.
    public func fileAddress(_ address: UInt64) -> (mapping: Mapping, address: UInt64)? {
        guard let m = mappings.last(where: { $0.start <= address }), address < m.end, let s = symbolizer(for: m.path) else { return nil }
        let fileOffset = address - m.start + m.offset
        for p in s.file.segments where p.type == PT.load && fileOffset >= p.offset && fileOffset - p.offset < max(p.filesz, p.memsz) {
            return (m, p.vaddr &+ (fileOffset - p.offset))
        }
        return nil
    }

    /// Frames of a run-time address with the file it belongs to.
    public func symbolize(_ address: UInt64) -> (path: String, fileAddress: UInt64, frames: [Frame])? {
        guard let (m, a) = fileAddress(address), let s = symbolizer(for: m.path) else { return nil }
        return (m.path, a, s.symbolize(a))
    }
}
