// libFuzzer target for tracepoint formats and print formats: a tracefs `format` text, then a NUL, then a
// raw record. Parsing the format, evaluating its print fmt (casts, __print_flags/__print_symbolic, %p,
// __data_loc strings) and the field fallback must give text for any input, never a trap.
import Bytes
import TraceEvent

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let split = bytes.firstIndex(of: 0) ?? bytes.count
    let text = String(decoding: bytes[..<split], as: UTF8.self)
    let raw = Bytes(Array(bytes[min(split + 1, bytes.count)...]))
    guard let f = try? EventFormat.parse(text, system: "fuzz") else { return 0 }
    _ = f.render(raw) { a in a & 1 == 0 ? ("sym", a & 0xff) : nil }
    return 0
}
