import Bytes
import ELF
import Glibc

/// Finds the separate debug file of an ELF file like binutils: build-id first
/// (DIR/.build-id/xx/rest.debug), then .gnu_debuglink (beside the file, in its .debug/
/// subdirectory, and DIR/<file's directory>/) with the CRC32 checked.
public struct DebugFileLocator {
    public let file: ELFFile
    public let directories: [String]

    public init(file: ELFFile, directories: [String] = ["/usr/lib/debug"]) {
        self.file = file
        self.directories = directories
    }

    /// The debug file and how it was found ("build-id" or "debuglink").
    public func find() -> (ELFFile, String)? {
        if let id = file.buildID(), id.count > 2 {
            let sub = ".build-id/" + id.prefix(2) + "/" + id.dropFirst(2) + ".debug"
            for d in directories {
                if let f = open(d + "/" + sub), f.buildID() == id { return (f, "build-id") }
            }
        }
        if let (name, crc) = debuglink() {
            for c in debuglinkCandidates(name) {
                guard let bytes = try? MappedFile.open(c), Self.crc32(bytes) == crc, let f = try? ELFFile(bytes: bytes, path: c) else { continue }
                return (f, "debuglink")
            }
        }
        return nil
    }

    private func open(_ path: String) -> ELFFile? { try? ELFFile(path: path) }

    /// The .gnu_debuglink name and CRC.
    public func debuglink() -> (String, UInt32)? {
        guard let s = file.section(named: ".gnu_debuglink"), let d = try? file.rawData(s), let n = try? d.cStringLength(0),
              let name = try? d.cString(0) else { return nil }
        let crcOff = (n + 1 + 3) & ~3
        guard let crc = try? d.u32(crcOff), !name.isEmpty, !name.contains("/") || true else { return nil }
        return (name, crc)
    }

    func debuglinkCandidates(_ name: String) -> [String] {
        guard let p = file.path else { return [] }
        var dir = "."
        if let slash = p.lastIndex(of: "/") { dir = String(p[..<slash]); if dir.isEmpty { dir = "/" } }
        var absDir = dir
        if !absDir.hasPrefix("/") {
            var buf = [CChar](repeating: 0, count: Int(PATH_MAX))
            if getcwd(&buf, buf.count) != nil {
                let cwd = String(decoding: buf.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
                absDir = dir == "." ? cwd : cwd + "/" + dir
            }
        }
        var out = [dir + "/" + name, dir + "/.debug/" + name]
        for d in directories { out.append(d + absDir + "/" + name) }
        return out
    }

    /// The CRC-32 of .gnu_debuglink (the zlib/ISO-HDLC polynomial).
    public static func crc32(_ b: Bytes) -> UInt32 {
        var crc: UInt32 = 0xffff_ffff
        let table = crcTable
        _ = try? b.withUnsafeBytes(0, b.count) { buf in
            for byte in buf { crc = table[Int((crc ^ UInt32(byte)) & 0xff)] ^ (crc >> 8) }
        }
        return ~crc
    }

    static let crcTable: [UInt32] = (0..<256).map { i -> UInt32 in
        var c = UInt32(i)
        for _ in 0..<8 { c = c & 1 != 0 ? 0xedb8_8320 ^ (c >> 1) : c >> 1 }
        return c
    }
}
