// libFuzzer target for objcopy's ELF rewriting core: random ELF bytes must make it throw or
// produce an image, never trap. The first byte picks the operation.
import Bytes
import ELF
import Binutils

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    guard size > 1 else { return 0 }
    let op = data[0]
    let bytes = Bytes(Array(UnsafeBufferPointer(start: data + 1, count: size - 1)))
    guard let elf = try? ELFFile(bytes: bytes) else { return 0 }
    var o = ObjCopy.Options()
    switch op % 6 {
    case 0: _ = try? ObjCopy.binary(elf); return 0
    case 1: o.stripDebug = true
    case 2: o.onlyKeepDebug = true
    case 3: o.debuglink = ("x.debug", 0x1234_5678)
    case 4: o.remove = [".comment", ".text"]
    default: o.only = [".text"]
    }
    if let out = try? ObjCopy.rewrite(elf, o) {
        // What it writes must read back as ELF.
        _ = try? ELFFile(bytes: Bytes(out))
    }
    return 0
}
