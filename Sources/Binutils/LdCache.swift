import Bytes
import ELF

/// Why /etc/ld.so.cache could not be read.
public enum LdCacheError: Error, Equatable, CustomStringConvertible {
    case badMagic
    case malformed(String)

    public var description: String {
        switch self {
        case .badMagic: return "not an ld.so cache (no glibc-ld.so.cache1.1 header)"
        case let .malformed(s): return "malformed ld.so cache: \(s)"
        }
    }
}

/// glibc's /etc/ld.so.cache in the "glibc-ld.so.cache1.1" format (glibc ≥ 2.32 writes only this;
/// older files start with an "ld.so-1.7.0" table that is skipped to reach the new one).
/// Only the new table is read: it carries the flags and the glibc-hwcaps extension.
public struct LdCache: Sendable {
    public struct Entry: Sendable, Equatable {
        /// FLAG_ELF_LIBC6 | architecture (e.g. 0x0303 for x86-64).
        public var flags: Int32
        public var name: String
        public var path: String
        public var hwcap: UInt64
        /// Index into `hwcapsSubdirs` when this is a glibc-hwcaps entry (hwcap bit 62 set).
        public var hwcapsIndex: Int? {
            // glibc: an extension entry has only DL_CACHE_HWCAP_EXTENSION set in the upper half,
            // ignoring the ISA level bits 32..41.
            ((hwcap & ~(UInt64(0x3ff) << 32)) >> 32) == (UInt64(1) << 30) ? Int(hwcap & 0xffff_ffff) : nil
        }
    }

    public var entries: [Entry]
    /// Names of the glibc-hwcaps subdirectories (extension tag 1), e.g. "x86-64-v3".
    public var hwcapsSubdirs: [String]
    /// The generator string (extension tag 0), e.g. "ldconfig (GNU libc) stable release version 2.36".
    public var generator: String?

    static let newMagic = Array("glibc-ld.so.cache1.1".utf8)
    static let oldMagic = Array("ld.so-1.7.0".utf8)

    /// Parses the cache bytes. Every offset is validated; bad input throws.
    public static func parse(_ raw: Bytes) throws(LdCacheError) -> LdCache {
        var b = raw
        b.bigEndian = false
        do {
            var base = 0
            if b.count >= oldMagic.count, try b.array(0, oldMagic.count) == oldMagic {
                // struct cache_file { char magic[11]; uint32 nlibs; file_entry { int flags; uint key, value; }[] }
                let n = Int(try b.u32(12))
                guard n <= b.count / 12 else { throw LdCacheError.malformed("\(n) old-format entries") }
                base = 16 + n * 12
                base = (base + 7) & ~7
            }
            guard b.count >= base + 48, try b.array(base, newMagic.count) == newMagic else { throw LdCacheError.badMagic }
            // The flags byte says which byte order the cache was written in (2 little, 3 big; 0 unknown).
            let order = try b.u8(base + 28)
            if order == 3 { b.bigEndian = true }
            let nlibs = Int(try b.u32(base + 20))
            let extOffset = Int(try b.u32(base + 32))
            guard nlibs <= (b.count - base - 48) / 24 else { throw LdCacheError.malformed("\(nlibs) entries") }
            // String offsets are relative to the start of the new header.
            let strs = try b.slice(from: base)
            var subdirs: [String] = []
            var generator: String?
            if extOffset != 0 {
                let ext = try strs.slice(from: extOffset)
                if try ext.u32(0) == 0xeaa4_2174 {
                    let count = Int(try ext.u32(4))
                    guard count <= (ext.count - 8) / 16 else { throw LdCacheError.malformed("\(count) extension sections") }
                    for i in 0..<count {
                        let o = 8 + i * 16
                        let tag = try ext.u32(o), off = Int(try ext.u32(o + 8)), size = Int(try ext.u32(o + 12))
                        let sec = try strs.slice(off, size)
                        if tag == 0 {
                            generator = String(decoding: sec.array, as: UTF8.self)
                        } else if tag == 1 {
                            guard size % 4 == 0 else { throw LdCacheError.malformed("hwcaps section size \(size)") }
                            for j in 0..<(size / 4) { subdirs.append(try strs.cString(Int(try sec.u32(j * 4)))) }
                        }
                    }
                }
            }
            var entries: [Entry] = []
            entries.reserveCapacity(nlibs)
            for i in 0..<nlibs {
                var c = Cursor(strs, offset: 48 + i * 24)
                let flags = try c.i32(), key = Int(try c.u32()), value = Int(try c.u32())
                _ = try c.u32()
                let hwcap = try c.u64()
                entries.append(Entry(flags: flags, name: try strs.cString(key), path: try strs.cString(value), hwcap: hwcap))
            }
            return LdCache(entries: entries, hwcapsSubdirs: subdirs, generator: generator)
        } catch let e as LdCacheError {
            throw e
        } catch {
            throw .malformed("\(error)")
        }
    }

    /// The cache flags ld.so of this machine and class expects (`_DL_CACHE_DEFAULT_ID`), or nil when unknown.
    public static func expectedFlags(machine: UInt16, is64: Bool, elfFlags: UInt32) -> Int32? {
        let libc6: Int32 = 0x0003
        switch machine {
        case EM.x86_64: return is64 ? libc6 | 0x0300 : libc6 | 0x0800
        case EM.i386: return libc6
        case EM.aarch64: return is64 ? libc6 | 0x0a00 : nil
        case EM.arm: return libc6 | (elfFlags & 0x400 != 0 ? 0x0900 : 0x0b00)
        case EM.ppc64: return libc6 | 0x0500
        case EM.ppc: return libc6
        case EM.s390: return is64 ? libc6 | 0x0400 : libc6
        case EM.riscv:
            // EF_RISCV_FLOAT_ABI: 0 soft, 4 double.
            return libc6 | ((elfFlags & 0x6) == 0x4 ? 0x1000 : 0x0f00)
        case EM.mips: return libc6
        case EM.loongarch: return libc6 | ((elfFlags & 0x3) == 0x3 ? 0x1200 : 0x1100)
        default: return nil
        }
    }

    /// Path for `name` as ld.so's `_dl_load_cache_lookup` picks it: entries of the right flags;
    /// a glibc-hwcaps entry of the most preferred supported subdirectory wins over the baseline one.
    /// Entries with legacy hwcap bits are skipped (glibc 2.37 dropped them).
    public func lookup(_ name: String, flags: Int32, hwcaps: [String]) -> String? {
        var best: (rank: Int, path: String)?
        for e in entries where e.flags == flags && e.name == name {
            let rank: Int
            if let i = e.hwcapsIndex {
                guard i < hwcapsSubdirs.count, let r = hwcaps.firstIndex(of: hwcapsSubdirs[i]) else { continue }
                rank = r
            } else if e.hwcap == 0 {
                rank = hwcaps.count
            } else {
                continue
            }
            if best == nil || rank < best!.rank { best = (rank, e.path) }
        }
        return best?.path
    }
}
