import ELF

/// HOOK for `readelf --debug-dump=...` / `-w...`: the DWARF (info, abbrev, rawline, decodedline, str, aranges,
/// Ranges, loc, ...) and CFI (frames, frames-interp) renderers plug in here. `kinds` holds the long option
/// names in command-line order ("info", "rawline" for -wl/--debug-dump=line, "decodedline", "frames", ...).
/// readelf prints these after the -x/-p dumps and before the notes; `ReadelfPrinter.printAll` calls this there.
/// Other kinds (abbrev, str, aranges, ranges, loc, ...) print nothing yet.
func readelfDebugDump(file: ELFFile, kinds: [String], options: ReadelfOptions, out: OutputSink) throws {
    var framesDone = false
    for k in kinds {
        switch k {
        case "frames", "frames-interp":
            if !framesDone { readelfFrames(file: file, out: out) }
            framesDone = true
        case "info":
            readelfDWARFInfo(file: file, out: out)
        case "line", "rawline", "decodedline":
            readelfDecodedLines(file: file, out: out)
        default:
            break
        }
    }
}
