import Binutils
import Bytes
import ELF

// Random bytes as an ELF file (or an ar archive): every parser of the ELF module and the readelf/nm
// renderers must throw or print, never trap.

private func exercise(_ f: ELFFile) {
    for s in f.sections {
        _ = try? f.rawData(s)
        _ = try? f.data(s)
        if s.type == SHT.rel || s.type == SHT.rela || s.type == SHT.relr { _ = try? f.relocations(in: s) }
        if s.type == SHT.symtab || s.type == SHT.dynsym { _ = try? f.symbols(in: s) }
        if s.type == SHT.gnuVerdef { _ = try? f.versionDefinitions(s) }
        if s.type == SHT.gnuVerneed { _ = try? f.versionNeeds(s) }
        if s.flags & SHF.alloc == 0 { _ = try? f.relocatedData(s) }
    }
    _ = try? f.symbolVersions()
    _ = try? f.dynamic()
    _ = try? f.notes()
    _ = f.buildID()
    _ = f.interpreter()
    _ = SymbolIndex(f).lookup(f.header.entry)
    var o = ReadelfOptions()
    o.header = true; o.sections = true; o.segments = true; o.symbols = true; o.dynamic = true; o.notes = true
    o.relocs = true; o.versions = true; o.archSpecific = true; o.histogram = true; o.sectionGroups = true; o.unwind = true
    o.dumps = [(.hex, "1"), (.string, "2"), (.relocated, "3"), (.hex, ".text")]
    for wide in [false, true] {
        o.wide = wide
        let out = OutputSink()
        try? Readelf.render(f, o, to: out)
        _ = out.text
    }
    o.sectionDetails = true
    try? Readelf.render(f, o, to: OutputSink())
    for flags in [["-a", "-S"], ["-D", "-n"], ["--size-sort", "-f", "sysv"], ["-P", "-u"], ["-g", "-r", "-t", "o"]] {
        guard let no = try? NMOptions.parse(flags + ["x"]) else { continue }
        try? NM.render(f, no, to: OutputSink())
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = Bytes(Array(UnsafeBufferPointer(start: data, count: size)))
    if Archive.isArchive(bytes) {
        if let ar = try? Archive(bytes) {
            for m in ar.members.prefix(4) { if let f = try? ELFFile(bytes: m.data) { exercise(f) } }
        }
        return 0
    }
    if let f = try? ELFFile(bytes: bytes) { exercise(f) }
    return 0
}
