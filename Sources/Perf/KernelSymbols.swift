import Glibc
import ProcFS

/// Where a report gets kernel symbols, as perf does without a vmlinux: the build-id cache copy of the
/// recorded kernel's kallsyms (`~/.debug/[kernel.kallsyms]/<build-id>/kallsyms`, written by perf record
/// and by sonde perf record), else /proc/kallsyms when the recording is of the running kernel.
public enum KernelSymbols {
    /// The running kernel's GNU build-id, from the notes the kernel exports (/sys/kernel/notes).
    public static func runningBuildID(notes path: String = "/sys/kernel/notes") -> [UInt8]? {
        guard let b = try? ProcFS().readFile(path) else { return nil }
        return buildID(notes: b)
    }

    /// The NT_GNU_BUILD_ID descriptor of an ELF note section's bytes.
    public static func buildID(notes b: [UInt8]) -> [UInt8]? {
        func u32(_ o: Int) -> Int? { o + 4 <= b.count ? Int(b[o]) | Int(b[o + 1]) << 8 | Int(b[o + 2]) << 16 | Int(b[o + 3]) << 24 : nil }
        var o = 0
        while let namesz = u32(o), let descsz = u32(o + 4), let type = u32(o + 8) {
            let name = o + 12, desc = name + (namesz + 3) & ~3
            let next = desc + (descsz + 3) & ~3
            guard namesz < 1 << 16, descsz < 1 << 16, next <= b.count else { return nil }
            if type == 3, namesz == 4, b[name..<name + 3].elementsEqual("GNU".utf8) { return Array(b[desc..<desc + descsz]) }
            o = next
        }
        return nil
    }

    public static func hex(_ id: [UInt8]) -> String { id.map { String($0, radix: 16).leftPad(2) }.joined() }

    static var home: String { String(cString: getenv("HOME") ?? strdup("/root")) }

    /// perf's cache path of a kernel's kallsyms.
    public static func cachePath(_ id: [UInt8]) -> String { "\(home)/.debug/[kernel.kallsyms]/\(hex(id))/kallsyms" }

    /// Kernel symbols for a recording whose kernel has build-id `id` (nil: unknown) and os release `release`.
    public static func forRecording(buildID id: [UInt8]?, osRelease release: String?) -> Kallsyms? {
        if let id, let k = LiveProcesses.kallsyms(path: cachePath(id)) { return k }
        let running = runningBuildID()
        if let id, let running, id.prefix(20) != running.prefix(20) { return nil }
        if id == nil, let release, release != Recording.runningRelease() { return nil }
        return LiveProcesses.kallsyms()
    }

    /// Copies the running kernel's kallsyms into the cache once (what perf record does), so later reports
    /// read a plain file and reports of this recording on another boot still name kernel functions.
    public static func cacheRunning(_ text: [UInt8], buildID id: [UInt8]) {
        let path = cachePath(id)
        if access(path, R_OK) == 0 { return }
        var dir = ""
        for part in path.split(separator: "/").dropLast() {
            dir += "/" + part
            mkdir(dir, 0o755)
        }
        let tmp = path + ".tmp.\(getpid())"
        let fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0o644)
        guard fd >= 0 else { return }
        let ok = text.withUnsafeBytes { buf -> Bool in
            var off = 0
            while off < buf.count {
                let n = write(fd, buf.baseAddress! + off, buf.count - off)
                if n <= 0 { return false }
                off += n
            }
            return true
        }
        close(fd)
        if ok { rename(tmp, path) } else { unlink(tmp) }
    }
}
