// libFuzzer target for call frame information: the bytes are an .eh_frame or .debug_frame section
// (first byte selects which, the address size and the section address); every entry is parsed, every FDE's
// table built and evaluated, and a few unwinder steps run over the same bytes as memory.
// Built by scripts/fuzz against Sources/Bytes, ELF, Unwind (see Fuzz/README.md).
import Bytes
import Unwind

struct Modules: ModuleProvider {
    let cfi: CallFrameInfo
    func module(for pc: UInt64) -> UnwindModule? { UnwindModule(cfi: cfi, bias: 0) }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    guard size >= 1 else { return 0 }
    let selector = data[0]
    let body = Array(UnsafeBufferPointer(start: data + 1, count: size - 1))
    let kind: FrameSection.Kind = selector & 1 == 0 ? .ehFrame : .debugFrame
    let addressSize = selector & 2 == 0 ? 8 : 4
    let address: UInt64 = selector & 4 == 0 ? 0x1000 : 0xffff_ffff_ffff_f000
    let fs = FrameSection(kind: kind, bytes: Bytes(body), address: address, addressSize: addressSize)
    fs.textBase = selector & 8 == 0 ? nil : 0x400000
    fs.dataBase = selector & 16 == 0 ? nil : 0x600000
    let memory = BufferMemory(base: 0x7000, bytes: body)
    let arch: Architecture = selector & 32 == 0 ? .x86_64 : .aarch64
    let (entries, _) = fs.entries()
    var pcs: [UInt64] = []
    for e in entries.prefix(64) {
        switch e {
        case let .cie(c): _ = try? fs.initialRow(c)
        case let .fde(f):
            if let rows = try? fs.rows(f) {
                for r in rows.prefix(16) {
                    _ = try? fs.row(f, at: r.location)
                    pcs.append(r.location)
                    for (_, rule) in r.registers.entries {
                        if case let .expression(x) = rule, let b = try? fs.bytes.slice(x.offset, x.length) {
                            let ev = ExpressionEvaluator(addressSize: addressSize, registers: { UInt64($0) &* 8 &+ 0x7000 }, memory: memory)
                            _ = try? ev.evaluate(b, initial: [0x7000])
                        }
                    }
                }
            }
        case .terminator: break
        }
    }
    for pc in pcs.prefix(8) { _ = try? fs.findFDE(pc) }
    _ = fs.fdeIndex()
    // Unwind from a register set pointing into the input.
    if let pc = pcs.first {
        var regs = RegisterSet(arch: arch, pc: pc)
        for r in 0..<32 { regs[UInt16(r)] = 0x7000 &+ UInt64(r) &* 8 }
        let cfi = CallFrameInfo(ehFrame: kind == .ehFrame ? fs : nil, debugFrame: kind == .debugFrame ? fs : nil, arch: arch)
        _ = Unwinder(memory: memory, modules: Modules(cfi: cfi), maxFrames: 32).unwind(regs)
    }
    return 0
}
