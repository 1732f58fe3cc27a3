import Binutils
import Bytes
import ELF
import Foundation
import Testing
import TestSupport

/// `sonde ldd` against glibc's ldd (which runs ld.so) on the same files: output compared with the load
/// addresses stripped. Deliberate difference: sonde also reports, on stderr, the candidates it skipped.
@Suite(.serialized)
struct LddTests {
    static let hasLdd = hasTool("ldd") && hasTool("gcc")

    /// glibc ldd's stdout without the " (0x...)" load addresses.
    static func normalized(_ s: String) -> String {
        s.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            guard line.hasSuffix(")"), let r = line.range(of: " (0x", options: .backwards) else { return String(line) }
            return String(line[..<r.lowerBound])
        }.joined(separator: "\n")
    }

    /// Runs both ldds with the same arguments and environment (and working directory) and compares.
    @discardableResult
    static func compare(_ args: [String], environment: [String: String]? = nil, cwd: String? = nil,
                        sourceLocation: SourceLocation = #_sourceLocation) throws -> (ldd: CommandResult, sonde: CommandResult) {
        func go(_ cmd: [String]) throws -> CommandResult {
            if let cwd { return try run("/bin/sh", ["-c", "cd \"$0\" && exec \"$@\"", cwd] + cmd + args, environment: environment) }
            return try run(cmd[0], Array(cmd.dropFirst()) + args, environment: environment)
        }
        let a = try go([try which("ldd")]), b = try go([sondeBinary, "ldd"])
        #expect(b.stdout == normalized(a.stdout), "sonde ldd \(args)", sourceLocation: sourceLocation)
        #expect(b.status == a.status, "status of ldd \(args): \(a.stderr) / \(b.stderr)", sourceLocation: sourceLocation)
        return (a, b)
    }

    static func gcc(_ args: [String], compiler: String = "gcc") throws {
        let r = try run(compiler, args)
        guard r.status == 0 else { throw CompileError(message: "\(compiler) \(args): \(r.stderr)") }
    }

    struct CompileError: Error { var message: String }

    static let mainSource = packageRoot.appendingPathComponent("Tests/Fixtures/ldd_main.c").path
    static let libSource = packageRoot.appendingPathComponent("Tests/Fixtures/ldd_lib.c").path

    /// DIR/lib/libb.so (leaf), DIR/lib/liba.so (needs libb.so, no search path of its own) and DIR/prog
    /// (needs liba.so) with `linkFlags` (an RPATH or RUNPATH).
    static func tree(_ linkFlags: [String], tag: String = "ldd") throws -> String {
        let dir = try tempDir(tag).path
        try FileManager.default.createDirectory(atPath: dir + "/lib", withIntermediateDirectories: true)
        try gcc(["-shared", "-fPIC", "-DNAME=lib_b", "-o", dir + "/lib/libb.so", libSource])
        try gcc(["-shared", "-fPIC", "-DNAME=lib_a", "-DCALLS=lib_b", "-o", dir + "/lib/liba.so", libSource, "-L" + dir + "/lib", "-lb"])
        try gcc(["-o", dir + "/prog", mainSource, "-L" + dir + "/lib", "-la", "-Wl,-rpath-link," + dir + "/lib"] + linkFlags)
        return dir
    }

    @Test(.enabled(if: hasLdd)) func systemBinaries() throws {
        var files = ["/bin/ls", "/usr/bin/bash", "/bin/true", "/lib/x86_64-linux-gnu/libc.so.6"]
        if let py = try? which("python3") { files.append(py) }
        if FileManager.default.fileExists(atPath: "/opt/swift/usr/bin/swift-frontend") {
            files.append("/opt/swift/usr/bin/swift-frontend")  // RUNPATH $ORIGIN/../lib/swift/linux, not normalized
        }
        for f in files where FileManager.default.fileExists(atPath: f) {
            try Self.compare([f])
            try Self.compare(["-v", f])
            try Self.compare(["-u", f])
        }
        try Self.compare(files.filter { FileManager.default.fileExists(atPath: $0) })  // "FILE:" headers
    }

    @Test(.enabled(if: hasLdd)) func rpathIsInheritedByDependencies() throws {
        let dir = try Self.tree(["-Wl,--disable-new-dtags", "-Wl,-rpath,$ORIGIN/lib"])
        let (_, s) = try Self.compare([dir + "/prog"])
        // liba.so has no search path: libb.so is found through the program's DT_RPATH.
        #expect(s.stdout.contains("libb.so => \(dir)/lib/libb.so"))
        try Self.compare(["-v", dir + "/prog"])
    }

    @Test(.enabled(if: hasLdd)) func runpathIsNotInherited() throws {
        let dir = try Self.tree(["-Wl,--enable-new-dtags", "-Wl,-rpath,${ORIGIN}/lib"])
        let (_, s) = try Self.compare([dir + "/prog"])
        #expect(s.stdout.contains("liba.so => \(dir)/lib/liba.so"))
        #expect(s.stdout.contains("libb.so => not found"))
        #expect(s.status == 0)
        // LD_LIBRARY_PATH finds it; a relative program path keeps ld.so's unnormalized $ORIGIN.
        try Self.compare([dir + "/prog"], environment: ["LD_LIBRARY_PATH": dir + "/lib"])
        try Self.compare(["./prog"], cwd: dir)
        try Self.compare(["../" + URL(fileURLWithPath: dir).lastPathComponent + "/prog"], cwd: dir)
    }

    @Test(.enabled(if: hasLdd)) func libraryPathAndMissingLibraries() throws {
        let dir = try Self.tree([])
        try Self.compare([dir + "/prog"])  // nothing found
        try Self.compare([dir + "/prog"], environment: ["LD_LIBRARY_PATH": "/nonexistent::" + dir + "/lib"])
        try Self.compare(["-u", dir + "/prog"], environment: ["LD_LIBRARY_PATH": dir + "/lib"])
        // liba.so and libb.so both missing, and libb.so needed by the program too.
        try Self.gcc(["-o", dir + "/prog2", Self.mainSource, "-L" + dir + "/lib", "-la", "-lb", "-Wl,--no-as-needed", "-Wl,-rpath-link," + dir + "/lib"])
        try Self.compare([dir + "/prog2"])
        try Self.compare([dir + "/prog2"], environment: ["LD_LIBRARY_PATH": dir + "/lib"])
        try Self.compare([dir + "/prog", dir + "/prog2", "/bin/true"])
    }

    @Test(.enabled(if: hasLdd)) func dynamicStringTokens() throws {
        // $LIB and $PLATFORM expand as this machine's ld.so expands them.
        let dir = try tempDir("ldd-dst").path
        let lib = try #require(Ldd.Target(try ELFFile(path: "/bin/true").header).triplet)
        for sub in ["lib/" + lib, "x86_64"] {
            try FileManager.default.createDirectory(atPath: dir + "/" + sub, withIntermediateDirectories: true)
            try Self.gcc(["-shared", "-fPIC", "-DNAME=lib_b", "-o", dir + "/" + sub + "/libb.so", Self.libSource])
        }
        try Self.gcc(["-shared", "-fPIC", "-DNAME=lib_a", "-DCALLS=lib_b", "-o", dir + "/liba.so", Self.libSource, "-L" + dir + "/x86_64", "-lb"])
        for rpath in ["$ORIGIN/$LIB", "$ORIGIN/${PLATFORM}", "$ORIGIN/$LIBX:${ORIGIN}/$PLATFORM"] {
            try Self.gcc(["-o", dir + "/prog", Self.mainSource, dir + "/liba.so", "-Wl,-rpath-link," + dir + "/x86_64",
                          "-Wl,--disable-new-dtags", "-Wl,-rpath,$ORIGIN:" + rpath])
            try Self.compare([dir + "/prog"])
        }
    }

    @Test(.enabled(if: hasLdd && hasTool("arm-linux-gnueabihf-gcc"))) func wrongClassLibraryIsSkipped() throws {
        let dir = try Self.tree(["-Wl,--disable-new-dtags", "-Wl,-rpath,$ORIGIN/arm:$ORIGIN/lib"])
        try FileManager.default.createDirectory(atPath: dir + "/arm", withIntermediateDirectories: true)
        try Self.gcc(["-shared", "-fPIC", "-DNAME=lib_a", "-o", dir + "/arm/liba.so", Self.libSource], compiler: "arm-linux-gnueabihf-gcc")
        let (_, s) = try Self.compare([dir + "/prog"])
        #expect(s.stdout.contains("liba.so => \(dir)/lib/liba.so"))
        // Deliberate difference: ld.so passes over it silently, sonde says so on stderr and in --json.
        #expect(s.stderr.contains("skipped \(dir)/arm/liba.so: wrong ELF class: ELFCLASS32"))
        let j = try sonde(["ldd", "--json", dir + "/prog"])
        #expect(j.status == 0)
        let doc = try JSONSerialization.jsonObject(with: Data(j.stdout.utf8)) as? [String: Any]
        let objects = doc?["objects"] as? [[String: Any]] ?? []
        let a = objects.first { $0["name"] as? String == "liba.so" }
        #expect(a?["path"] as? String == dir + "/lib/liba.so")
        let skipped = a?["skipped"] as? [[String: Any]] ?? []
        #expect(skipped.first?["path"] as? String == dir + "/arm/liba.so")
        // Only the wrong-class one: "not found", like ld.so.
        try FileManager.default.removeItem(atPath: dir + "/lib/liba.so")
        let (_, s2) = try Self.compare([dir + "/prog"])
        #expect(s2.stdout.contains("liba.so => not found"))
    }

    @Test(.enabled(if: hasLdd)) func hwcapsSubdirectoryPreferred() throws {
        let dir = try Self.tree([])
        let caps = Ldd.detectHWCaps(cpuinfo: (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? "")
        for c in caps.reversed() {
            try FileManager.default.createDirectory(atPath: dir + "/lib/glibc-hwcaps/" + c, withIntermediateDirectories: true)
            try FileManager.default.copyItem(atPath: dir + "/lib/liba.so", toPath: dir + "/lib/glibc-hwcaps/\(c)/liba.so")
            try Self.compare([dir + "/prog"], environment: ["LD_LIBRARY_PATH": dir + "/lib"])
        }
        // An unsupported level is never searched.
        try FileManager.default.createDirectory(atPath: dir + "/lib/glibc-hwcaps/x86-64-v9", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: dir + "/lib/libb.so", toPath: dir + "/lib/glibc-hwcaps/x86-64-v9/libb.so")
        try Self.compare([dir + "/prog"], environment: ["LD_LIBRARY_PATH": dir + "/lib"])
    }

    @Test(.enabled(if: hasLdd)) func staticAndBadInputs() throws {
        let dir = try tempDir("ldd-static").path
        try "int main(void){return 0;}\n".write(toFile: dir + "/s.c", atomically: true, encoding: .utf8)
        try Self.gcc(["-static", "-o", dir + "/static", dir + "/s.c"])
        try Self.gcc(["-static-pie", "-o", dir + "/static-pie", dir + "/s.c"])
        for f in [dir + "/static", dir + "/static-pie", "/etc/passwd", dir + "/s.c"] {
            let (a, b) = try Self.compare([f])
            #expect(b.stderr == a.stderr)  // "\tnot a dynamic executable"
        }
        for f in ["/nonexistent", dir] {
            let (a, b) = try Self.compare([f])
            // ldd: "ldd: FILE: why"; sonde: "sonde ldd: FILE: why".
            #expect(b.stderr == "sonde " + a.stderr)
        }
        var truncated = try Data(contentsOf: URL(fileURLWithPath: "/bin/true"))
        truncated = truncated.prefix(200)
        try truncated.write(to: URL(fileURLWithPath: dir + "/truncated"))
        let r = try sonde(["ldd", dir + "/truncated"])
        #expect(r.status == 1 && r.stderr == "\tnot a dynamic executable\n")
        #expect(try sonde(["ldd"]).status == 2)
        #expect(try sonde(["ldd", "--bogus", "/bin/true"]).status == 2)
    }

    /// Cross-architecture: an arm binary against a sysroot. No arm ld.so runs here, so the oracle is the
    /// files themselves: readelf's NEEDED names, and the sysroot's layout.
    @Test(.enabled(if: hasTool("arm-linux-gnueabihf-gcc") && FileManager.default.fileExists(atPath: "/usr/arm-linux-gnueabihf/lib/libc.so.6")))
    func sysrootForAnotherArchitecture() throws {
        let root = try tempDir("ldd-root").path
        try FileManager.default.createDirectory(atPath: root + "/lib", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: root + "/usr/bin", withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: root + "/lib/arm-linux-gnueabihf", withDestinationPath: "/usr/arm-linux-gnueabihf/lib")
        try "int main(void){return 0;}\n".write(toFile: root + "/m.c", atomically: true, encoding: .utf8)
        try Self.gcc(["-o", root + "/usr/bin/prog", root + "/m.c", "-Wl,--no-as-needed", "-lm"], compiler: "arm-linux-gnueabihf-gcc")
        let r = try sonde(["ldd", "--root", root, root + "/usr/bin/prog"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout == """
            \tlinux-vdso.so.1
            \tlibm.so.6 => /lib/arm-linux-gnueabihf/libm.so.6
            \tlibc.so.6 => /lib/arm-linux-gnueabihf/libc.so.6
            \t/lib/ld-linux-armhf.so.3

            """)
    }

    @Test func cacheParsedLikeLdconfig() throws {
        guard let bytes = try? MappedFile.open("/etc/ld.so.cache"), let ldconfig = ["/sbin/ldconfig", "/usr/sbin/ldconfig"].first(where: {
            FileManager.default.isExecutableFile(atPath: $0) }) else { return }
        let cache = try LdCache.parse(bytes)
        let r = try run(ldconfig, ["-p"])
        // "\tlibfoo.so.1 (libc6,x86-64) => /lib/x86_64-linux-gnu/libfoo.so.1"
        let rows = r.lines.dropFirst().compactMap { line -> String? in
            let f = fields(line)
            guard f.count >= 4, let arrow = f.firstIndex(of: "=>") else { return nil }
            return f[0] + " " + f[(arrow + 1)...].joined(separator: " ")
        }
        #expect(rows.count == cache.entries.count)
        #expect(rows == cache.entries.map { $0.name + " " + $0.path })
        #expect(r.lines.first?.hasPrefix("\(cache.entries.count) libs found") == true)
    }

    /// A cache written by hand: the old "ld.so-1.7.0" table in front, a glibc-hwcaps extension, and
    /// entries for two architectures.
    @Test func cacheOldPrefixAndHWCaps() throws {
        var strings: [UInt8] = []
        func str(_ s: String, base: Int) -> UInt32 { let o = base + strings.count; strings += Array(s.utf8) + [0]; return UInt32(o) }
        func le32(_ v: UInt32) -> [UInt8] { withUnsafeBytes(of: v.littleEndian, Array.init) }
        func le64(_ v: UInt64) -> [UInt8] { withUnsafeBytes(of: v.littleEndian, Array.init) }
        let nlibs = 4
        let stringsBase = 48 + nlibs * 24
        let names = [str("libz.so.1", base: stringsBase), str("/usr/lib/glibc-hwcaps/x86-64-v3/libz.so.1", base: stringsBase),
                     str("/usr/lib/libz.so.1", base: stringsBase), str("/usr/lib32/libz.so.1", base: stringsBase),
                     str("x86-64-v3", base: stringsBase), str("/usr/lib/tls/libz.so.1", base: stringsBase)]
        let extOffset = (stringsBase + strings.count + 7) & ~7
        let hwcapsArray = extOffset + 8 + 16
        var new: [UInt8] = Array("glibc-ld.so.cache1.1".utf8) + le32(UInt32(nlibs)) + le32(UInt32(strings.count)) + [2, 0, 0, 0]
            + le32(UInt32(extOffset)) + [UInt8](repeating: 0, count: 12)
        func entry(_ flags: UInt32, _ path: UInt32, _ hwcap: UInt64) -> [UInt8] { le32(flags) + le32(names[0]) + le32(path) + le32(0) + le64(hwcap) }
        new += entry(0x303, names[1], (UInt64(1) << 62) | 0)
        new += entry(0x303, names[5], 1 << 3)  // legacy hwcap bit: skipped
        new += entry(0x303, names[2], 0)
        new += entry(0x003, names[3], 0)
        new += strings
        new += [UInt8](repeating: 0, count: extOffset - new.count)
        new += le32(0xeaa4_2174) + le32(1) + le32(1) + le32(0) + le32(UInt32(hwcapsArray)) + le32(4) + le32(names[4])
        let old: [UInt8] = Array("ld.so-1.7.0".utf8) + [0] + le32(1) + le32(3) + le32(0) + le32(0) + [0, 0, 0, 0]
        for prefix in [[], old] {
            let c = try LdCache.parse(Bytes(prefix + new))
            #expect(c.entries.count == 4)
            #expect(c.hwcapsSubdirs == ["x86-64-v3"])
            #expect(c.lookup("libz.so.1", flags: 0x303, hwcaps: ["x86-64-v4", "x86-64-v3", "x86-64-v2"]) == "/usr/lib/glibc-hwcaps/x86-64-v3/libz.so.1")
            #expect(c.lookup("libz.so.1", flags: 0x303, hwcaps: ["x86-64-v2"]) == "/usr/lib/libz.so.1")
            #expect(c.lookup("libz.so.1", flags: 0x003, hwcaps: []) == "/usr/lib32/libz.so.1")
            #expect(c.lookup("libm.so.6", flags: 0x303, hwcaps: []) == nil)
        }
        // Truncations and garbage throw, never trap.
        for n in stride(from: 0, to: new.count, by: 7) { _ = try? LdCache.parse(Bytes(Array(new.prefix(n)))) }
        #expect(throws: LdCacheError.self) { try LdCache.parse(Bytes(Array("hello".utf8))) }
    }

    @Test func hwcapsFromCPUFlags() {
        let v2 = "cx16 lahf_lm popcnt pni sse4_1 sse4_2 ssse3"
        let v3 = v2 + " avx avx2 bmi1 bmi2 f16c fma abm movbe xsave"
        #expect(Ldd.detectHWCaps(cpuinfo: "flags\t\t: fpu sse2\n") == [])
        #expect(Ldd.detectHWCaps(cpuinfo: "flags\t\t: \(v2)\n") == ["x86-64-v2"])
        #expect(Ldd.detectHWCaps(cpuinfo: "flags\t\t: \(v3) avx512f\n") == ["x86-64-v3", "x86-64-v2"])
        #expect(Ldd.detectHWCaps(cpuinfo: "flags\t\t: \(v3) avx512f avx512bw avx512cd avx512dq avx512vl\n") == ["x86-64-v4", "x86-64-v3", "x86-64-v2"])
    }
}
