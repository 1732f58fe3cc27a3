import Glibc

/// gzip (RFC 1952) compression: deflate from zlib (libz.so.1, loaded at run time), or stored
/// (uncompressed) deflate blocks when zlib is absent; the result is a valid .gz either way.
public enum Gzip {
    private typealias Compress2 = @convention(c) (UnsafeMutablePointer<UInt8>?, UnsafeMutablePointer<UInt>, UnsafePointer<UInt8>?, UInt, Int32) -> Int32
    private typealias CompressBound = @convention(c) (UInt) -> UInt

    private static let zlib: (Compress2, CompressBound)? = {
        for l in ["libz.so.1", "libz.so"] {
            guard let h = dlopen(l, RTLD_NOW | RTLD_LOCAL) else { continue }
            if let c = dlsym(h, "compress2"), let b = dlsym(h, "compressBound") {
                return (unsafeBitCast(c, to: Compress2.self), unsafeBitCast(b, to: CompressBound.self))
            }
        }
        return nil
    }()

    /// Whether zlib could be loaded (else output is stored, not compressed).
    public static var hasZlib: Bool { zlib != nil }

    /// `data` as a gzip member; `useZlib: false` forces stored blocks.
    public static func compress(_ data: [UInt8], useZlib: Bool = true, level: Int32 = 6) -> [UInt8] {
        var out: [UInt8] = [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3] // deflate, no flags, no mtime, OS Unix
        if useZlib, let raw = zlibDeflate(data, level: level) {
            out += raw
        } else {
            out += storedDeflate(data)
        }
        let crc = crc32(data), size = UInt32(truncatingIfNeeded: data.count)
        for s in stride(from: 0, to: 32, by: 8) { out.append(UInt8(truncatingIfNeeded: crc >> UInt32(s))) }
        for s in stride(from: 0, to: 32, by: 8) { out.append(UInt8(truncatingIfNeeded: size >> UInt32(s))) }
        return out
    }

    /// Raw deflate data: zlib's compress2 output without its 2-byte header and Adler-32 trailer.
    static func zlibDeflate(_ data: [UInt8], level: Int32) -> [UInt8]? {
        guard let (compress2, bound) = zlib else { return nil }
        var cap = bound(UInt(data.count))
        var dst = [UInt8](repeating: 0, count: Int(cap))
        let rc = dst.withUnsafeMutableBufferPointer { d in
            data.withUnsafeBufferPointer { s in compress2(d.baseAddress, &cap, s.baseAddress, UInt(s.count), level) }
        }
        guard rc == 0, cap >= 6, dst[1] & 0x20 == 0 else { return nil }
        return Array(dst[2..<Int(cap) - 4])
    }

    /// Deflate stored blocks (BTYPE 00), at most 65535 bytes each.
    static func storedDeflate(_ data: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(data.count + data.count / 65535 * 5 + 5)
        var i = 0
        repeat {
            let n = min(65535, data.count - i)
            let last = i + n == data.count
            out.append(last ? 1 : 0)
            out += [UInt8(n & 0xff), UInt8(n >> 8), UInt8(~n & 0xff), UInt8((~n >> 8) & 0xff)]
            out += data[i..<i + n]
            i += n
        } while i < data.count
        return out
    }

    private static let crcTable: [UInt32] = (0..<256).map { n in
        var c = UInt32(n)
        for _ in 0..<8 { c = c & 1 != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        return c
    }

    /// CRC-32 (IEEE 802.3), as gzip stores it.
    public static func crc32(_ data: [UInt8]) -> UInt32 {
        var c: UInt32 = 0xffff_ffff
        let table = crcTable
        for b in data { c = table[Int((c ^ UInt32(b)) & 0xff)] ^ (c >> 8) }
        return c ^ 0xffff_ffff
    }
}
