// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "sonde",
    products: [
        .executable(name: "sonde", targets: ["sonde"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        // Layer 1: only what Swift cannot express (variadic syscalls, kernel structs).
        .target(name: "CSonde", cSettings: [.define("_GNU_SOURCE")]),
        // Layer 2: bounds-checked reading of binary data (mapped files, both byte orders, LEB128, decompression).
        .target(name: "Bytes"),
        // Layer 2: ELF files: headers, sections, segments, symbols, notes, relocations, debug-file lookup.
        .target(name: "ELF", dependencies: ["Bytes"]),
        // Layer 2: call frame information (.eh_frame, .debug_frame), DWARF expressions, the stack unwinder.
        .target(name: "Unwind", dependencies: ["Bytes", "ELF"]),
        // Layer 3: the tracee engine (ptrace attach, registers, memory); grows into the debugger's in issue 4.
        .target(name: "Tracee", dependencies: ["CSonde"]),
        // Layer 4: syscall tables per ABI and argument decoders (pure: registers and memory in, values out).
        .target(name: "Syscalls"),
        // Layer 4: the strace engine: options, output lines, -c summary, over Tracee and Syscalls.
        .target(name: "Strace", dependencies: ["Syscalls", "Tracee", "CSonde", "Debug", "ProcFS", "Unwind"]),
        // Layer 4: debugging tools over live processes: sonde stack.
        .target(name: "Debug", dependencies: ["Unwind", "Tracee", "ProcFS", "ELF", "Symbolize", "Render"]),
        // Layer 2: DWARF 2-5: units, abbreviations, attributes, line programs, ranges, locations, inline chains.
        .target(name: "DWARF", dependencies: ["Bytes"]),
        // Layer 2: address -> function, file, line and inline chain; debug-file lookup (build-id, debuglink, .dwo).
        .target(name: "Symbolize", dependencies: ["ELF", "DWARF", "Bytes"]),
        // Layer 3: live procfs/sysfs readers and their pure parsers.
        .target(name: "ProcFS", dependencies: ["CSonde"]),
        // Layer 2: symbol demangling: Itanium C++ and Rust as c++filt prints them, Swift through the runtime.
        .target(name: "Demangle"),
        // Layer 2: machine code to instructions, through Capstone loaded at run time.
        .target(name: "Disasm"),
        // Layer 4: the engines behind readelf, nm, addr2line, objdump, objcopy, ldd.
        .target(name: "Binutils", dependencies: ["ELF", "DWARF", "Symbolize", "Bytes", "Disasm", "Demangle", "Unwind", "Render", "CSonde"]),
        // Layer 5: tables, JSON, terminal control.
        .target(name: "Render", dependencies: ["CSonde"]),
        // Layer 4: the engines behind ps, top, free, vmstat, mpstat, iostat, pmap, iotop, chrt, proc.
        .target(name: "Monitors", dependencies: ["ProcFS", "Render", "CSonde"]),
        // Layer 2: perf.data read and written; perf's event names (pure, any architecture's files).
        .target(name: "PerfData", dependencies: ["Bytes"]),
        // Layer 2: tracepoint formats (tracefs format files) and their print formats applied to raw records.
        .target(name: "TraceEvent", dependencies: ["Bytes"]),
        // Layer 3: live perf events: perf_event_open counters and groups, mmap ring buffers, tracepoint ids.
        .target(name: "PerfEvents", dependencies: ["CSonde", "PerfData"]),
        // Layer 5: symbolized stack profiles: folded stacks, flame-graph SVG, pprof, speedscope.
        .target(name: "Profile"),
        // Layer 4: the engines behind perf stat, list, record, report, script, annotate, top.
        .target(name: "Perf", dependencies: ["CSonde", "PerfData", "PerfEvents", "TraceEvent", "Profile", "ELF", "Symbolize", "Unwind", "Debug", "ProcFS", "Render", "Disasm", "Demangle", "Bytes", "Binutils"]),
        // Layer 6: the thin command-line front end.
        .executableTarget(name: "sonde", dependencies: [
            "Monitors", "ProcFS", "Render", "Binutils", "ELF", "Debug", "Strace", "Perf", "Profile",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        // Helpers shared by the test targets: running programs, compiling C fixtures, fake /proc trees.
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "DemangleTests", dependencies: ["Demangle", "TestSupport"]),
        .testTarget(name: "UnwindTests", dependencies: ["Unwind", "ELF", "Bytes", "TestSupport"]),
        .testTarget(name: "DebugTests", dependencies: ["Debug", "Unwind", "Tracee", "ELF", "TestSupport"]),
        .testTarget(name: "ELFTests", dependencies: ["ELF", "Bytes", "TestSupport"]),
        .testTarget(name: "DWARFTests", dependencies: ["DWARF", "Symbolize", "ELF", "Bytes", "TestSupport"]),
        .testTarget(name: "ProcFSTests", dependencies: ["ProcFS", "TestSupport"]),
        .testTarget(name: "MonitorsTests", dependencies: ["Monitors", "ProcFS", "Render", "TestSupport"]),
        .testTarget(name: "BinutilsTests", dependencies: ["Binutils", "Symbolize", "ELF", "Bytes", "Render", "TestSupport"]),
        .testTarget(name: "SyscallsTests", dependencies: ["Syscalls", "TestSupport"]),
        .testTarget(name: "StraceTests", dependencies: ["Strace", "Syscalls", "TestSupport"]),
        .testTarget(name: "PerfTests", dependencies: ["Perf", "PerfData", "PerfEvents", "TraceEvent", "Profile", "Bytes", "ELF", "TestSupport"]),
        .testTarget(name: "ProfileTests", dependencies: ["Profile", "TestSupport"]),
        .testTarget(name: "IntegrationTests", dependencies: ["ProcFS", "TestSupport"]),
    ]
)
