import Glibc

/// Why compressed data could not be expanded.
public enum DecompressError: Error, Equatable, CustomStringConvertible {
    /// The library is not installed; `package` names the Debian package that provides it.
    case libraryMissing(library: String, package: String)
    case corrupt(String)
    case tooLarge(Int)

    public var description: String {
        switch self {
        case let .libraryMissing(l, p): return "\(l) is not installed (Debian package \(p))"
        case let .corrupt(what): return "corrupt \(what) data"
        case let .tooLarge(n): return "decompressed size \(n) is implausible"
        }
    }
}

/// zlib, zstd and xz decompression through the system libraries, loaded at run time with dlopen
/// so that sonde runs (without those formats) where they are absent.
public enum Decompress {
    /// Upper bound on any output, so a hostile header cannot make sonde allocate without limit.
    public static let maxOutput = 1 << 32

    private static func symbol(_ libs: [String], _ name: String) -> UnsafeMutableRawPointer? {
        for l in libs {
            if let h = dlopen(l, RTLD_NOW | RTLD_LOCAL), let s = dlsym(h, name) { return s }
        }
        return nil
    }

    private typealias Uncompress = @convention(c) (UnsafeMutablePointer<UInt8>?, UnsafeMutablePointer<UInt>, UnsafePointer<UInt8>?, UInt) -> Int32
    private typealias ZstdDecompress = @convention(c) (UnsafeMutableRawPointer?, Int, UnsafeRawPointer?, Int) -> Int
    private typealias ZstdIsError = @convention(c) (Int) -> UInt32
    private typealias LzmaDecode = @convention(c) (UnsafeMutablePointer<UInt64>, UInt32, UnsafeRawPointer?, UnsafePointer<UInt8>?,
                                                   UnsafeMutablePointer<Int>, Int, UnsafeMutablePointer<UInt8>?, UnsafeMutablePointer<Int>, Int) -> Int32

    private static let zlibUncompress: Uncompress? =
        symbol(["libz.so.1", "libz.so"], "uncompress").map { unsafeBitCast($0, to: Uncompress.self) }
    private static let zstd: (ZstdDecompress, ZstdIsError)? = {
        guard let d = symbol(["libzstd.so.1", "libzstd.so"], "ZSTD_decompress"),
              let e = symbol(["libzstd.so.1", "libzstd.so"], "ZSTD_isError") else { return nil }
        return (unsafeBitCast(d, to: ZstdDecompress.self), unsafeBitCast(e, to: ZstdIsError.self))
    }()
    private static let lzma: LzmaDecode? =
        symbol(["liblzma.so.5", "liblzma.so"], "lzma_stream_buffer_decode").map { unsafeBitCast($0, to: LzmaDecode.self) }

    /// zlib stream (RFC 1950) whose expanded size is known (ELF Chdr, .zdebug headers).
    public static func zlib(_ input: Bytes, size: Int) throws -> Bytes {
        guard let f = zlibUncompress else { throw DecompressError.libraryMissing(library: "libz.so.1", package: "zlib1g") }
        guard size >= 0, size <= maxOutput else { throw DecompressError.tooLarge(size) }
        var out = [UInt8](repeating: 0, count: size)
        var outLen = UInt(size)
        let rc = try input.withUnsafeBytes(0, input.count) { src in
            out.withUnsafeMutableBufferPointer { dst in
                f(dst.baseAddress, &outLen, src.baseAddress?.assumingMemoryBound(to: UInt8.self), UInt(src.count))
            }
        }
        guard rc == 0, Int(outLen) == size else { throw DecompressError.corrupt("zlib") }
        return Bytes(out, bigEndian: input.bigEndian)
    }

    /// zstd frame whose expanded size is known.
    public static func zstd(_ input: Bytes, size: Int) throws -> Bytes {
        guard let (f, isError) = zstd else { throw DecompressError.libraryMissing(library: "libzstd.so.1", package: "libzstd1") }
        guard size >= 0, size <= maxOutput else { throw DecompressError.tooLarge(size) }
        var out = [UInt8](repeating: 0, count: size)
        let n = try input.withUnsafeBytes(0, input.count) { src in
            out.withUnsafeMutableBytes { dst in f(dst.baseAddress, size, src.baseAddress, src.count) }
        }
        guard isError(n) == 0, n == size else { throw DecompressError.corrupt("zstd") }
        return Bytes(out, bigEndian: input.bigEndian)
    }

    /// A complete .xz stream of unknown expanded size (MiniDebugInfo).
    public static func xz(_ input: Bytes) throws -> Bytes {
        guard let f = lzma else { throw DecompressError.libraryMissing(library: "liblzma.so.5", package: "liblzma5") }
        var capacity = max(4096, input.count * 8)
        while capacity <= maxOutput {
            var out = [UInt8](repeating: 0, count: capacity)
            var inPos = 0, outPos = 0
            var memlimit = UInt64.max
            let rc = try input.withUnsafeBytes(0, input.count) { src in
                out.withUnsafeMutableBufferPointer { dst in
                    f(&memlimit, 0, nil, src.baseAddress?.assumingMemoryBound(to: UInt8.self), &inPos, src.count,
                      dst.baseAddress, &outPos, capacity)
                }
            }
            switch rc {
            case 0: // LZMA_OK
                out.removeSubrange(outPos...)
                return Bytes(out, bigEndian: input.bigEndian)
            case 10: capacity *= 4 // LZMA_BUF_ERROR: output too small
            default: throw DecompressError.corrupt("xz")
            }
        }
        throw DecompressError.tooLarge(capacity)
    }
}
