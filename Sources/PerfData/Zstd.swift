import Bytes
import Glibc

/// A zstd decompression stream that continues across COMPRESSED records: perf compresses the whole
/// recording as one never-ended frame, flushed into records, so every chunk depends on the ones before.
final class ZstdStream {
    private typealias Create = @convention(c) () -> UnsafeMutableRawPointer?
    private typealias Free = @convention(c) (UnsafeMutableRawPointer?) -> Int
    private typealias DecompressFn = @convention(c) (UnsafeMutableRawPointer?, UnsafeMutableRawPointer, UnsafeMutableRawPointer) -> Int
    private typealias IsError = @convention(c) (Int) -> UInt32
    private typealias ErrorName = @convention(c) (Int) -> UnsafePointer<CChar>?

    private struct API {
        let create: Create, free: Free, decompress: DecompressFn, isError: IsError, errorName: ErrorName
    }

    private static let api: API? = {
        for l in ["libzstd.so.1", "libzstd.so"] {
            guard let h = dlopen(l, RTLD_NOW | RTLD_LOCAL) else { continue }
            guard let c = dlsym(h, "ZSTD_createDStream"), let f = dlsym(h, "ZSTD_freeDStream"),
                  let d = dlsym(h, "ZSTD_decompressStream"), let e = dlsym(h, "ZSTD_isError"),
                  let n = dlsym(h, "ZSTD_getErrorName") else { continue }
            return API(create: unsafeBitCast(c, to: Create.self), free: unsafeBitCast(f, to: Free.self),
                       decompress: unsafeBitCast(d, to: DecompressFn.self), isError: unsafeBitCast(e, to: IsError.self),
                       errorName: unsafeBitCast(n, to: ErrorName.self))
        }
        return nil
    }()

    /// ZSTD_inBuffer / ZSTD_outBuffer: {pointer, size, pos}.
    private struct Buffer { var ptr: UnsafeMutableRawPointer?; var size: Int; var pos: Int }

    private let stream: UnsafeMutableRawPointer
    private let api: API

    init(offset: Int) throws(PerfDataError) {
        guard let api = Self.api else { throw .decompress(offset: offset, reason: "libzstd.so.1 is not installed (Debian package libzstd1)") }
        guard let s = api.create() else { throw .decompress(offset: offset, reason: "cannot create a zstd stream") }
        self.api = api
        self.stream = s
    }

    deinit { _ = api.free(stream) }

    /// Expands one chunk, appending to `out`; at most `limit` bytes in total.
    func decompress(_ input: Bytes, into out: inout [UInt8], offset: Int, limit: Int = 1 << 32) throws(PerfDataError) {
        var zstdError: Int? = nil
        var tooBig = false
        let ok: Bool? = try? input.withUnsafeBytes(0, input.count) { src -> Bool in
            var inBuf = Buffer(ptr: UnsafeMutableRawPointer(mutating: src.baseAddress), size: src.count, pos: 0)
            var chunk = [UInt8](repeating: 0, count: max(64 * 1024, min(src.count * 8, 16 << 20)))
            while true {
                var full = false, produced = 0
                let before = inBuf.pos
                chunk.withUnsafeMutableBytes { dst in
                    var outBuf = Buffer(ptr: dst.baseAddress, size: dst.count, pos: 0)
                    let rc = withUnsafeMutablePointer(to: &outBuf) { o in
                        withUnsafeMutablePointer(to: &inBuf) { i in api.decompress(stream, UnsafeMutableRawPointer(o), UnsafeMutableRawPointer(i)) }
                    }
                    if api.isError(rc) != 0 { zstdError = rc; return }
                    out.append(contentsOf: dst[0..<outBuf.pos])
                    full = outBuf.pos == dst.count
                    produced = outBuf.pos
                }
                if zstdError != nil { return false }
                if out.count > limit { tooBig = true; return false }
                if !full && inBuf.pos >= inBuf.size { return true }
                if produced == 0 && inBuf.pos == before { zstdError = -1; return false }  // no progress
            }
        }
        if ok == nil { throw .decompress(offset: offset, reason: "payload out of bounds") }
        if tooBig { throw .decompress(offset: offset, reason: "expands beyond \(limit) bytes") }
        if let rc = zstdError {
            let name = rc == -1 ? "stream does not advance" : api.errorName(rc).map { String(cString: $0) } ?? "error \(rc)"
            throw .decompress(offset: offset, reason: "corrupt zstd data (\(name))")
        }
    }
}
