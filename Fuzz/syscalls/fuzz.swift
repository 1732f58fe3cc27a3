// libFuzzer target for every syscall decoder and the signal/siginfo/wait-status texts: arguments,
// results and the tracee's memory all come from another process and must never trap the decoder.
// Input: selector (ABI, syscall number), 6 argument words, a result word, then bytes that serve as
// the memory behind every pointer argument. Built by scripts/fuzz (see Fuzz/README.md).
import Syscalls

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    guard bytes.count >= 3 + 7 * 8 else { return 0 }
    func word(_ i: Int) -> UInt64 {
        var v: UInt64 = 0
        for k in 0..<8 { v |= UInt64(bytes[3 + i * 8 + k]) << (8 * UInt64(k)) }
        return v
    }
    let abi = SyscallABI.allCases[Int(bytes[0]) % SyscallABI.allCases.count]
    let number = Int(bytes[1]) | Int(bytes[2] & 1) << 8
    let body = Array(bytes[(3 + 7 * 8)...])
    // Every argument that looks like a pointer into the fuzz memory finds it there; small values are
    // plain integers. The memory sits at a fixed base so that both kinds occur.
    let base: UInt64 = 0x10000
    var args = (0..<6).map { word($0) }
    for i in 0..<6 where args[i] & 0xff00_0000_0000_0000 == 0x0100_0000_0000_0000 {
        args[i] = base + (args[i] & 0xffff) % UInt64(max(1, body.count))
    }
    let memory = RangesMemory([(start: base, bytes: body)])
    var options = DecodeOptions()
    options.stringLimit = Int(bytes[2] >> 1)
    options.verbose = bytes[2] & 0x80 != 0
    var call = SyscallCall(abi: abi, number: number, arguments: args)
    var ctx = DecodeContext(call: call, entering: true, memory: memory, options: options)
    Decoders.decode(&ctx)
    call = ctx.call
    call.returnValue = Int64(bitPattern: word(6))
    call.isError = call.returnValue < 0 && call.returnValue > -4096
    ctx = DecodeContext(call: call, entering: false, memory: memory, options: options)
    Decoders.decode(&ctx)
    var out: [UInt8] = []
    var style = TextStyle()
    style.hexStrings = Int(bytes[0] >> 6) % 3
    SyscallText.appendEntry(ctx.call, to: &out, style: style)
    SyscallText.appendExit(ctx.call, from: ctx.call.printedAtEntry, lineStart: 0, column: 40, to: &out, style: style)
    for v in ctx.call.values { SyscallJSON.append(v, to: &out) }
    _ = Signals.siginfo(body, abi: abi)
    _ = Signals.waitStatus(Int32(truncatingIfNeeded: word(0)))
    _ = Signals.sigreturnMask(stackPointer: args[0], abi: abi, memory: memory)
    return 0
}
