/// The address space of a stopped tracee, as decoders see it. The live side implements it with
/// process_vm_readv; tests implement it with a dictionary of byte ranges.
public protocol SyscallMemory {
    /// Fills `buffer` from `address`; false when any byte is unreadable (nothing else is promised then).
    func read(_ address: UInt64, into buffer: UnsafeMutableRawBufferPointer) -> Bool
}

extension SyscallMemory {
    /// `count` bytes at `address`, or nil when unreadable.
    public func bytes(_ address: UInt64, count: Int) -> [UInt8]? {
        guard count >= 0, address != 0 || count == 0 else { return nil }
        if count == 0 { return [] }
        var out = [UInt8](repeating: 0, count: count)
        let ok = out.withUnsafeMutableBytes { read(address, into: $0) }
        return ok ? out : nil
    }

    /// A little-endian integer of `size` bytes (1, 2, 4 or 8) at `address`.
    public func integer(_ address: UInt64, size: Int) -> UInt64? {
        guard let b = bytes(address, count: size) else { return nil }
        var v: UInt64 = 0
        for (i, x) in b.enumerated() { v |= UInt64(x) << (8 * UInt64(i)) }
        return v
    }

    /// A NUL-terminated string of at most `limit` bytes. `terminated` is false when no NUL came within
    /// the limit. Reads page by page so a string ending just before an unmapped page still reads.
    /// Nil when the first byte is unreadable.
    public func cString(_ address: UInt64, limit: Int) -> (bytes: [UInt8], terminated: Bool)? {
        guard address != 0 else { return nil }
        var out: [UInt8] = []
        var at = address
        while out.count < limit {
            let toPage = Int(4096 - (at & 4095))
            let n = min(toPage, limit - out.count)
            guard let chunk = bytes(at, count: n) else { return out.isEmpty ? nil : (out, false) }
            if let z = chunk.firstIndex(of: 0) {
                out.append(contentsOf: chunk[..<z])
                return (out, true)
            }
            out.append(contentsOf: chunk)
            let (next, overflow) = at.addingReportingOverflow(UInt64(n))
            if overflow { break }
            at = next
        }
        return (out, false)
    }
}

/// Memory made of byte ranges (for tests and fuzzing).
public struct RangesMemory: SyscallMemory {
    public var ranges: [(start: UInt64, bytes: [UInt8])]
    public init(_ ranges: [(start: UInt64, bytes: [UInt8])] = []) { self.ranges = ranges }

    public func read(_ address: UInt64, into buffer: UnsafeMutableRawBufferPointer) -> Bool {
        for r in ranges where address >= r.start {
            let off = address - r.start
            guard off <= UInt64(r.bytes.count), UInt64(r.bytes.count) - off >= UInt64(buffer.count) else { continue }
            for i in 0..<buffer.count { buffer[i] = r.bytes[Int(off) + i] }
            return true
        }
        return false
    }
}
