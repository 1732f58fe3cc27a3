// libFuzzer target for every ProcFS parser: the bytes of a /proc or sysfs file
// come from another process's kernel view and must never trap the parser.
// Built by scripts/fuzz against Sources/ProcFS (see Fuzz/README.md).
import ProcFS

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    guard let selector = bytes.first else { return 0 }
    let body = Array(bytes.dropFirst())
    switch selector % 12 {
    case 0: _ = ProcessStat.parse(body)
    case 1: _ = ProcessStatus.parse(body)
    case 2: _ = MemInfo.parse(body).used
    case 3: _ = SystemStat.parse(body)
    case 4: _ = Uptime.parse(body); _ = LoadAverage.parse(body)
    case 5: _ = VMStatCounters.parse(body)
    case 6: _ = DiskStats.parse(body)
    case 7: _ = KmsgRecord.parse(body)
    case 8: _ = ProcessIO.parse(body); _ = ProcessStatm.parse(body); _ = IOCounters.parse(body); _ = SchedStat.parse(body)
    case 9: _ = try? MemoryMaps.parse(body); _ = SmapsRollup.parse(body)
    case 10: _ = TTYNames(drivers: body).name(Int32(truncatingIfNeeded: body.count &* 257))
    default: _ = Kallsyms(text: body).index(of: 0xffffffff81000000); _ = ResourceLimit.parseTable(body); _ = CgroupEntry.parse(body); _ = splitNul(body); _ = keyValueLines(body); _ = ProcFS.wchanName(body)
    }
    return 0
}
