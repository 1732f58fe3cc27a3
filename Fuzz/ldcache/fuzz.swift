// libFuzzer target for the /etc/ld.so.cache parser (new format, old-format prefix, hwcaps extension)
// and its lookup: malformed caches must throw, never trap.
import Bytes
import Binutils

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = Bytes(Array(UnsafeBufferPointer(start: data, count: size)))
    if let c = try? LdCache.parse(bytes) {
        _ = c.lookup("libc.so.6", flags: 0x303, hwcaps: ["x86-64-v3", "x86-64-v2"])
        for e in c.entries.prefix(4) { _ = e.hwcapsIndex; _ = c.lookup(e.name, flags: e.flags, hwcaps: c.hwcapsSubdirs) }
    }
    return 0
}
