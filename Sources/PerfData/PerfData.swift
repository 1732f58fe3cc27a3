// The PerfData module: perf.data read and written (pure analysis: bytes in, records out; bytes out).
// Layout: tools/perf/Documentation/perf.data-file-format.txt; notes in ../shared/notes/perf.md.
// Main types: PerfDataFile (reader), PerfDataWriter, Record, Sample, EventAttr, EventSpec, EventNames.
