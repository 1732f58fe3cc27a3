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

    private typealias DeflateAlloc = @convention(c) () -> OpaquePointer?
    private typealias DeflateFree = @convention(c) (OpaquePointer?) -> Void
    private typealias DeflateZlib = @convention(c) (OpaquePointer?, UnsafeRawPointer?, Int, UnsafeMutableRawPointer?, Int,
                                                    UnsafeMutablePointer<Int>?) -> Int32
    /// libdeflate (Debian libdeflate0) expands whole zlib streams about three times faster than zlib.
    private static let libdeflate: (DeflateAlloc, DeflateFree, DeflateZlib)? = {
        let libs = ["libdeflate.so.0", "libdeflate.so"]
        guard let a = symbol(libs, "libdeflate_alloc_decompressor"), let f = symbol(libs, "libdeflate_free_decompressor"),
              let z = symbol(libs, "libdeflate_zlib_decompress") else { return nil }
        return (unsafeBitCast(a, to: DeflateAlloc.self), unsafeBitCast(f, to: DeflateFree.self), unsafeBitCast(z, to: DeflateZlib.self))
    }()
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
        guard size >= 0, size <= maxOutput else { throw DecompressError.tooLarge(size) }
        let (storage, out) = ByteStorage.uninitialized(count: size)
        if let (alloc, free, decompress) = libdeflate, let d = alloc() {
            defer { free(d) }
            var n = 0
            let rc = try input.withUnsafeBytes(0, input.count) { src in decompress(d, src.baseAddress, src.count, out, size, &n) }
            guard rc == 0, n == size else { throw DecompressError.corrupt("zlib") }
            return Bytes(storage: storage, bigEndian: input.bigEndian)
        }
        guard let f = zlibUncompress else { throw DecompressError.libraryMissing(library: "libz.so.1", package: "zlib1g") }
        var outLen = UInt(size)
        let rc = try input.withUnsafeBytes(0, input.count) { src in
            f(out.assumingMemoryBound(to: UInt8.self), &outLen, src.baseAddress?.assumingMemoryBound(to: UInt8.self), UInt(src.count))
        }
        guard rc == 0, Int(outLen) == size else { throw DecompressError.corrupt("zlib") }
        return Bytes(storage: storage, bigEndian: input.bigEndian)
    }

    /// zstd frame whose expanded size is known.
    public static func zstd(_ input: Bytes, size: Int) throws -> Bytes {
        guard let (f, isError) = zstd else { throw DecompressError.libraryMissing(library: "libzstd.so.1", package: "libzstd1") }
        guard size >= 0, size <= maxOutput else { throw DecompressError.tooLarge(size) }
        let (storage, out) = ByteStorage.uninitialized(count: size)
        let n = try input.withUnsafeBytes(0, input.count) { src in f(out, size, src.baseAddress, src.count) }
        guard isError(n) == 0, n == size else { throw DecompressError.corrupt("zstd") }
        return Bytes(storage: storage, bigEndian: input.bigEndian)
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
