// Placeholder until the generated tables land (issue 4): the numbers below are the few the engine's
// own tests use. Replaced by tables generated from the kernel UAPI headers.
let x86_64Table = SyscallTable(abi: .x86_64, entries: [
    0: SyscallEntry(name: "read", argumentCount: 3, classes: [.desc]),
    1: SyscallEntry(name: "write", argumentCount: 3, classes: [.desc]),
    3: SyscallEntry(name: "close", argumentCount: 1, classes: [.desc]),
    39: SyscallEntry(name: "getpid", argumentCount: 0, classes: [.pure]),
    60: SyscallEntry(name: "exit", argumentCount: 1, classes: [.process]),
    231: SyscallEntry(name: "exit_group", argumentCount: 1, classes: [.process]),
    257: SyscallEntry(name: "openat", argumentCount: 4, classes: [.desc, .file]),
])
let i386Table = SyscallTable(abi: .i386, entries: [:])
let aarch64Table = SyscallTable(abi: .aarch64, entries: [:])
