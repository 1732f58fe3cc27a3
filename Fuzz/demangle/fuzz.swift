// libFuzzer target for the demanglers: symbol names come from arbitrary
// binaries and must never trap, hang or blow up (Itanium, Rust, Swift).
import Demangle

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let s = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    _ = Demangler.demangle(s)
    _ = Demangler.itanium(s, parameters: false)
    if size > 2 { _ = Demangler.demangle("_Z" + s); _ = Demangler.demangle("_R" + s) }
    return 0
}
