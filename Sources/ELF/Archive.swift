import Bytes

/// One member of a Unix `ar` archive.
public struct ArchiveMember: Sendable {
    public var name: String
    /// Offset of the member's 60-byte header in the archive.
    public var headerOffset: Int
    public var data: Bytes
}

/// A Unix `ar` archive (`!<arch>\n`), GNU and BSD name variants. The symbol index (`/`, `/SYM64/`,
/// `__.SYMDEF`) and the long-name table (`//`) are not listed as members.
public struct Archive: Sendable {
    public var members: [ArchiveMember]

    public static let magic: [UInt8] = Array("!<arch>\n".utf8)

    public static func isArchive(_ b: Bytes) -> Bool { (try? b.array(0, 8)) == magic }

    public init(_ b: Bytes) throws(ELFError) {
        guard Archive.isArchive(b) else {
            if (try? b.array(0, 8)) == Array("!<thin>\n".utf8) { throw .unsupported("thin archive") }
            throw .notELF
        }
        var members: [ArchiveMember] = []
        var longNames: Bytes = .empty
        var off = 8
        while off < b.count {
            if b.count - off < 60 { throw .malformed("truncated archive member header at \(off)") }
            let hdr = try wrap { try b.array(off, 60) }
            guard hdr[58] == 0x60 && hdr[59] == 0x0a else { throw .malformed("bad archive member header at \(off)") }
            let rawName = String(decoding: hdr[0..<16], as: UTF8.self)
            let sizeText = String(decoding: hdr[48..<58], as: UTF8.self).trimmingSpaces
            guard let size = Int(sizeText), size >= 0 else { throw .malformed("bad archive member size '\(sizeText)'") }
            let dataOff = off + 60
            guard size <= b.count - dataOff else { throw .malformed("archive member at \(off) runs past the end") }
            var data = try wrap { try b.slice(dataOff, size) }
            var name = rawName.trimmingSpaces
            var skip = false
            if name == "/" || name == "/SYM64/" || name == "__.SYMDEF" || name == "__.SYMDEF SORTED" {
                skip = true
            } else if name == "//" {
                longNames = data
                skip = true
            } else if name.hasPrefix("/"), let idx = Int(name.dropFirst()) {
                // GNU long name: offset into "//", terminated by "/\n".
                guard idx >= 0 && idx < longNames.count else { throw .malformed("bad long name offset \(idx)") }
                var end = idx
                while end < longNames.count, let c = try? longNames.u8(end), c != 0x0a, c != 0 { end += 1 }
                var n = String(decoding: (try? longNames.array(idx, end - idx)) ?? [], as: UTF8.self)
                if n.hasSuffix("/") { n.removeLast() }
                name = n
            } else if name.hasPrefix("#1/"), let len = Int(name.dropFirst(3)) {
                // BSD: the name precedes the data.
                guard len >= 0 && len <= size else { throw .malformed("bad BSD name length \(len)") }
                let nb = try wrap { try data.array(0, len) }
                name = String(decoding: nb.prefix { $0 != 0 }, as: UTF8.self)
                data = try wrap { try data.slice(len, size - len) }
            } else if name.hasSuffix("/") {
                name.removeLast()
            }
            if !skip { members.append(ArchiveMember(name: name, headerOffset: off, data: data)) }
            off = dataOff + size
            if off & 1 == 1 { off += 1 }
        }
        self.members = members
    }
}

extension String {
    var trimmingSpaces: String {
        var s = Substring(self)
        while s.last == " " { s.removeLast() }
        while s.first == " " { s.removeFirst() }
        return String(s)
    }
}
