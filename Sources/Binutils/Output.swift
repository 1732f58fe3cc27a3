import Glibc

/// Buffered text output for the binutils tools: writes to a file descriptor in large chunks,
/// or collects everything (tests, fuzzing). Avoids building one huge String for big files.
public final class OutputSink {
    private var buffer: [UInt8] = []
    private let fd: Int32?
    private(set) var collected: [UInt8] = []

    /// Writes to `fd` (1 for stdout); nil collects into `text`.
    public init(fd: Int32? = nil) {
        self.fd = fd
        buffer.reserveCapacity(1 << 16)
    }

    @inline(__always)
    public func emit(_ s: String) {
        var s = s
        s.withUTF8 { buffer.append(contentsOf: $0) }
        if buffer.count >= 1 << 16 { flush() }
    }

    @inline(__always)
    public func emit(byte: UInt8) { buffer.append(byte) }

    @inline(__always)
    public func emit(bytes: UnsafeRawBufferPointer) {
        buffer.append(contentsOf: bytes)
        if buffer.count >= 1 << 16 { flush() }
    }

    public func flush() {
        guard let fd else {
            collected.append(contentsOf: buffer)
            buffer.removeAll(keepingCapacity: true)
            return
        }
        buffer.withUnsafeBytes { raw in
            var off = 0
            while off < raw.count {
                let n = write(fd, raw.baseAddress! + off, raw.count - off)
                if n <= 0 { if n < 0 && errno == EINTR { continue }; break }
                off += n
            }
        }
        buffer.removeAll(keepingCapacity: true)
    }

    /// Everything emitted so far (collecting sinks only).
    public var text: String {
        flush()
        return String(decoding: collected, as: UTF8.self)
    }
}

/// printf-style helpers.
enum Fmt {
    static let digits: [UInt8] = Array("0123456789abcdef".utf8)

    /// Lowercase hex, zero-padded to at least `width` digits.
    @inline(__always)
    static func hex(_ v: UInt64, _ width: Int = 0) -> String {
        var tmp = [UInt8](repeating: 0x30, count: 16)
        var n = 0
        var x = v
        repeat { tmp[15 - n] = digits[Int(x & 15)]; x >>= 4; n += 1 } while x != 0
        let len = max(n, min(width, 16))
        var out = width > 16 ? String(repeating: "0", count: width - 16) : ""
        out += String(decoding: tmp[(16 - len)...], as: UTF8.self)
        return out
    }

    /// C's %#lx: "0" for zero, else 0x-prefixed.
    static func altHex(_ v: UInt64) -> String { v == 0 ? "0" : "0x" + hex(v) }

    static func padLeft(_ s: String, _ w: Int, _ c: Character = " ") -> String {
        let n = s.utf8.count
        return n >= w ? s : String(repeating: c, count: w - n) + s
    }

    static func padRight(_ s: String, _ w: Int) -> String {
        let n = s.utf8.count
        return n >= w ? s : s + String(repeating: " ", count: w - n)
    }

    /// %-W.Ws: pad and truncate to W bytes.
    static func fixed(_ s: String, _ w: Int) -> String {
        let u = Array(s.utf8)
        if u.count > w { return String(decoding: u[0..<w], as: UTF8.self) }
        return padRight(s, w)
    }

    static func dec(_ v: Int, _ w: Int) -> String { padLeft(String(v), w) }
    static func dec(_ v: UInt64, _ w: Int) -> String { padLeft(String(v), w) }
}

extension OutputSink {
    /// Appends lowercase hex of `v`, zero-padded to `width` digits, without building a String.
    @inline(__always)
    func emitHex(_ v: UInt64, width: Int) {
        var tmp: (UInt64, UInt64) = (0, 0)
        var n = 0
        var x = v
        withUnsafeMutableBytes(of: &tmp) { raw in
            repeat { raw[15 - n] = Fmt.digits[Int(x & 15)]; x >>= 4; n += 1 } while x != 0
            var pad = width - n
            while pad > 0 { emit(byte: 0x30); pad -= 1 }
            emit(bytes: UnsafeRawBufferPointer(rebasing: raw[(16 - n)...]))
        }
    }

    /// Appends `v` in decimal, right-aligned in `width` columns.
    @inline(__always)
    func emitDec(_ v: UInt64, width: Int) {
        var tmp: (UInt64, UInt64, UInt64) = (0, 0, 0)
        var n = 0
        var x = v
        withUnsafeMutableBytes(of: &tmp) { raw in
            repeat { raw[23 - n] = 0x30 + UInt8(x % 10); x /= 10; n += 1 } while x != 0
            var pad = width - n
            while pad > 0 { emit(byte: 0x20); pad -= 1 }
            emit(bytes: UnsafeRawBufferPointer(rebasing: raw[(24 - n)...]))
        }
    }

    /// Appends `s` left-aligned in `width` columns.
    @inline(__always)
    func emitPadded(_ s: String, width: Int) {
        var s = s
        let n = s.withUTF8 { u in emit(bytes: UnsafeRawBufferPointer(u)); return u.count }
        var pad = width - n
        while pad > 0 { emit(byte: 0x20); pad -= 1 }
    }

    /// Appends `s` right-aligned in `width` columns.
    @inline(__always)
    func emitRight(_ s: String, width: Int) {
        var s = s
        s.withUTF8 { u in
            var pad = width - u.count
            while pad > 0 { emit(byte: 0x20); pad -= 1 }
            emit(bytes: UnsafeRawBufferPointer(u))
        }
    }
}
