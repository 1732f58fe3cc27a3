import Bytes
import ELF
import Glibc
import Render

/// The dynamic-linking view of a program, computed from its files without running it (unlike glibc's
/// ldd, which runs ld.so): DT_NEEDED resolved breadth first with ld.so's search rules.
public enum Ldd {
    /// What ld.so would run on: machine, class, byte order, float ABI, and the paths its build uses.
    public struct Target: Sendable, Equatable {
        public var machine: UInt16
        public var is64: Bool
        public var bigEndian: Bool
        public var elfFlags: UInt32

        public init(machine: UInt16, is64: Bool, bigEndian: Bool, elfFlags: UInt32) {
            self.machine = machine; self.is64 = is64; self.bigEndian = bigEndian; self.elfFlags = elfFlags
        }

        public init(_ h: ELFHeader) { self.init(machine: h.machine, is64: h.is64, bigEndian: h.bigEndian, elfFlags: h.flags) }

        /// Debian multiarch triplet glibc was configured with (its system search path and $LIB).
        public var triplet: String? {
            switch machine {
            case EM.x86_64: return is64 ? "x86_64-linux-gnu" : "x86_64-linux-gnux32"
            case EM.i386: return "i386-linux-gnu"
            case EM.aarch64: return bigEndian ? "aarch64_be-linux-gnu" : "aarch64-linux-gnu"
            case EM.arm: return elfFlags & 0x400 != 0 ? "arm-linux-gnueabihf" : "arm-linux-gnueabi"
            case EM.riscv: return is64 ? "riscv64-linux-gnu" : nil
            case EM.ppc64: return bigEndian ? "powerpc64-linux-gnu" : "powerpc64le-linux-gnu"
            case EM.ppc: return "powerpc-linux-gnu"
            case EM.s390: return is64 ? "s390x-linux-gnu" : nil
            case EM.loongarch: return "loongarch64-linux-gnu"
            default: return nil
            }
        }

        /// AT_PLATFORM as the kernel reports it (for $PLATFORM).
        public var platform: String {
            switch machine {
            case EM.x86_64: return "x86_64"
            case EM.i386: return "i686"
            case EM.aarch64: return "aarch64"
            case EM.arm: return "v7l"
            case EM.riscv: return "riscv64"
            case EM.ppc64: return "power8"
            case EM.s390: return "z900"
            default: return "unknown"
            }
        }

        /// The vDSO's name in ldd's list (nil where the kernel maps none).
        public var vdsoName: String? {
            switch machine {
            case EM.i386: return "linux-gate.so.1"
            case EM.ppc64, EM.s390: return is64 ? "linux-vdso64.so.1" : "linux-vdso32.so.1"
            case EM.x86_64, EM.aarch64, EM.arm, EM.riscv, EM.loongarch: return "linux-vdso.so.1"
            default: return nil
            }
        }

        /// The standard program interpreter, used for objects without PT_INTERP (shared libraries).
        public var defaultInterpreter: String? {
            switch machine {
            case EM.x86_64: return is64 ? "/lib64/ld-linux-x86-64.so.2" : "/libx32/ld-linux-x32.so.2"
            case EM.i386: return "/lib/ld-linux.so.2"
            case EM.aarch64: return "/lib/ld-linux-aarch64.so.1"
            case EM.arm: return elfFlags & 0x400 != 0 ? "/lib/ld-linux-armhf.so.3" : "/lib/ld-linux.so.3"
            case EM.riscv: return "/lib/ld-linux-riscv64-lp64d.so.1"
            case EM.ppc64: return bigEndian ? "/lib64/ld64.so.1" : "/lib64/ld64.so.2"
            case EM.s390: return "/lib/ld64.so.1"
            default: return nil
            }
        }

        /// Why ld.so would skip a candidate library with this header (nil when it matches).
        public func mismatch(_ h: ELFHeader) -> String? {
            if h.is64 != is64 { return "wrong ELF class: ELFCLASS\(h.is64 ? 64 : 32)" }
            if h.bigEndian != bigEndian { return "wrong byte order" }
            if h.machine != machine { return "wrong machine: \(machineName(h.machine))" }
            if machine == EM.arm && (h.flags & 0x400) != (elfFlags & 0x400) && (h.flags & 0x600) != 0 {
                return "wrong float ABI"
            }
            return nil
        }
    }

    static func machineName(_ m: UInt16) -> String {
        switch m {
        case EM.x86_64: return "x86-64"
        case EM.i386: return "i386"
        case EM.arm: return "ARM"
        case EM.aarch64: return "AArch64"
        case EM.riscv: return "RISC-V"
        case EM.ppc64: return "PowerPC64"
        case EM.ppc: return "PowerPC"
        case EM.mips: return "MIPS"
        case EM.s390: return "S/390"
        default: return "machine \(m)"
        }
    }

    /// How to search: the environment, a sysroot, and overrides of what is detected.
    public struct Options: Sendable {
        /// Sysroot the target's absolute paths live under ("" for this machine).
        public var root: String = ""
        /// LD_LIBRARY_PATH (nil when unset).
        public var libraryPath: String?
        /// glibc-hwcaps subdirectories in priority order; nil: detected from /proc/cpuinfo for this machine.
        public var hwcaps: [String]?
        /// Path of the ld.so cache under root; nil: <root>/etc/ld.so.cache.
        public var cachePath: String?
        /// Default (trusted) directories; nil: the layout glibc was built with, guessed from the sysroot.
        public var defaultDirs: [String]?
        public init() {}
    }

    /// A candidate file ld.so would have opened and passed over.
    public struct Skip: Sendable, Equatable {
        public var path: String
        public var reason: String
    }

    public enum Kind: String, Sendable { case main, vdso, interpreter, library, notFound = "not-found" }

    /// One object of the link map, in ldd's order.
    public struct Object: Sendable {
        public var kind: Kind
        /// The name it was first asked for (DT_NEEDED string, or the path for the program and interpreter).
        public var name: String
        /// Path as on the target (under root when one is given); nil for the vDSO and not-found ones.
        public var path: String?
        /// Which object's DT_NEEDED brought it in.
        public var neededBy: String?
        /// Candidates skipped on the way (wrong class, machine, not ELF).
        public var skipped: [Skip]
        /// Search list it was found in (RPATH, LD_LIBRARY_PATH, RUNPATH, ld.so.cache, default, direct).
        public var foundVia: String?
    }

    public struct VersionNeed: Sendable, Equatable {
        public var object: String
        public var file: String
        public var version: String
        public var weak: Bool
        public var resolved: String?
    }

    public enum Result: Sendable {
        case notDynamic
        case staticallyLinked
        case dynamic(objects: [Object], versions: [VersionNeed], unused: [String])
    }

    // MARK: - Engine

    final class Node {
        var names: [String]
        var path: String  // l_name (target path, or the name for faked ones)
        var kind: Kind
        var elf: ELFFile?
        var dyn: DynamicInfo?
        var loader: Node?
        var id: (UInt64, UInt64)?
        var skipped: [Skip] = []
        var foundVia: String?
        var neededBy: String?
        var sonameAdded = false
        init(names: [String], path: String, kind: Kind) { self.names = names; self.path = path; self.kind = kind }

        var runpath: String? { dyn?.runpath }
        /// DT_RPATH, ignored when DT_RUNPATH is present (as ld.so does).
        var rpath: String? { dyn?.runpath == nil ? dyn?.rpath : nil }
        var nodeflib: Bool { ((dyn?.value(DT.flags1) ?? 0) & 0x800) != 0 }
        /// Directory of l_name, made absolute with the working directory (not normalized, like ld.so).
        var origin: String? {
            guard kind != .notFound, kind != .vdso else { return nil }
            var p = path
            if !p.hasPrefix("/") { p = currentDirectory() + "/" + p }
            guard let slash = p.lastIndex(of: "/") else { return nil }
            return slash == p.startIndex ? "/" : String(p[..<slash])
        }
    }

    final class State {
        let target: Target
        let options: Options
        let hwcaps: [String]
        /// Subdirectories tried in every search directory, best first, "" (the directory itself) last.
        let subdirs: [String]
        let cache: LdCache?
        let cacheFlags: Int32?
        let defaultDirs: [String]
        let lib: String
        var main: Node!
        init(target: Target, options: Options) {
            self.target = target
            self.options = options
            let native = options.root.isEmpty && target == Ldd.hostTarget()
            hwcaps = options.hwcaps ?? (native && target.machine == EM.x86_64 && target.is64 ? Ldd.detectHWCaps(cpuinfo: Ldd.readText("/proc/cpuinfo")) : [])
            // glibc before 2.37 also tries the legacy hwcaps subdirectories (AT_PLATFORM, tls, the
            // important hwcaps); `ld.so --help` lists them. Only known for this machine.
            var legacy: [String] = []
            if native && target.machine == EM.x86_64 && target.is64 && Ldd.glibcBefore237() {
                legacy = ["tls/x86_64/x86_64", "tls/x86_64", "tls", "x86_64/x86_64", "x86_64"]
            }
            subdirs = hwcaps.map { "glibc-hwcaps/" + $0 } + legacy + [""]
            let cachePath = options.cachePath ?? options.root + "/etc/ld.so.cache"
            cache = (try? MappedFile.open(cachePath)).flatMap { try? LdCache.parse($0) }
            cacheFlags = LdCache.expectedFlags(machine: target.machine, is64: target.is64, elfFlags: target.elfFlags)
            let multiarch = target.triplet.map { t in
                Ldd.isDirectory(options.root + "/lib/" + t) || Ldd.isDirectory(options.root + "/usr/lib/" + t)
            } ?? false
            if let d = options.defaultDirs {
                defaultDirs = d
            } else if multiarch, let t = target.triplet {
                defaultDirs = ["/lib/" + t, "/usr/lib/" + t, "/lib", "/usr/lib"]
            } else {
                defaultDirs = target.is64 ? ["/lib64", "/usr/lib64"] : ["/lib", "/usr/lib"]
            }
            lib = multiarch ? "lib/" + target.triplet! : (target.is64 ? "lib64" : "lib")
        }

        func host(_ p: String) -> String { options.root.isEmpty || !p.hasPrefix("/") ? p : options.root + p }

        /// Expands $ORIGIN, $LIB, $PLATFORM (and the ${} forms) as ld.so's _dl_dst_substitute; nil when
        /// $ORIGIN is needed but unknown.
        func expand(_ s: String, origin: String?) -> String? {
            guard s.contains("$") else { return s }
            var out = ""
            var i = s.startIndex
            while i < s.endIndex {
                if s[i] == "$" {
                    let rest = s[s.index(after: i)...]
                    var matched = false
                    for (name, value) in [("ORIGIN", origin), ("PLATFORM", target.platform as String?), ("LIB", lib as String?)] {
                        var len = 0
                        if rest.hasPrefix("{" + name + "}") {
                            len = name.count + 2
                        } else if rest.hasPrefix(name) {
                            let after = rest.dropFirst(name.count).first
                            if after == nil || !(after!.isLetter || after!.isNumber || after! == "_") { len = name.count }
                        }
                        if len > 0 {
                            guard let v = value else { return nil }
                            out += v
                            i = s.index(i, offsetBy: len + 1)
                            matched = true
                            break
                        }
                    }
                    if matched { continue }
                }
                out.append(s[i])
                i = s.index(after: i)
            }
            return out
        }

        /// A colon-separated search list made into directories (empty entries mean the current directory).
        func dirs(_ list: String, origin: String?, separators: Set<Character> = [":"]) -> [String] {
            list.split(omittingEmptySubsequences: false, whereSeparator: { separators.contains($0) }).compactMap { e -> String? in
                guard var d = expand(String(e), origin: origin) else { return nil }
                if d.isEmpty { d = "." }
                while d.count > 1 && d.hasSuffix("/") { d.removeLast() }
                return d
            }
        }

        /// Opens and checks a candidate like ld.so's open_verify: nil when absent or skipped.
        func verify(_ path: String, skips: inout [Skip]) -> ELFFile? {
            let hp = host(path)
            var st = stat()
            guard stat(hp, &st) == 0, st.st_mode & S_IFMT == S_IFREG else { return nil }
            guard let elf = try? ELFFile(path: hp) else {
                skips.append(Skip(path: path, reason: "not an ELF file"))
                return nil
            }
            if let why = target.mismatch(elf.header) {
                skips.append(Skip(path: path, reason: why))
                return nil
            }
            if elf.header.type != ET.dyn {
                skips.append(Skip(path: path, reason: "not a shared object (ELF type \(elf.header.type))"))
                return nil
            }
            return elf
        }

        func join(_ dir: String, _ name: String) -> String { dir == "/" ? "/" + name : dir + "/" + name }

        func searchDirs(_ name: String, _ dirs: [String], _ skips: inout [Skip]) -> (String, ELFFile)? {
            for d in dirs {
                for sub in subdirs {
                    let p = join(sub.isEmpty ? d : join(d, sub), name)
                    if let e = verify(p, skips: &skips) { return (p, e) }
                }
            }
            return nil
        }

        /// _dl_map_object's search for a name without a slash.
        func search(_ name: String, loader: Node, skips: inout [Skip]) -> (String, ELFFile, String)? {
            if loader.runpath == nil {
                var l: Node? = loader
                var didMain = false
                while let o = l {
                    if let r = o.rpath {
                        if let (p, e) = searchDirs(name, dirs(r, origin: o.origin), &skips) { return (p, e, "RPATH of \(o.path)") }
                        if o === main { didMain = true }
                    }
                    l = o.loader
                }
                if !didMain, let r = main.rpath, let (p, e) = searchDirs(name, dirs(r, origin: main.origin), &skips) {
                    return (p, e, "RPATH of \(main.path)")
                }
            }
            if let llp = options.libraryPath, !llp.isEmpty,
               let (p, e) = searchDirs(name, dirs(llp, origin: main.origin, separators: [":", ";"]), &skips) {
                return (p, e, "LD_LIBRARY_PATH")
            }
            if let r = loader.runpath, let (p, e) = searchDirs(name, dirs(r, origin: loader.origin), &skips) {
                return (p, e, "RUNPATH of \(loader.path)")
            }
            if !loader.nodeflib {
                if let c = cache, let f = cacheFlags, let p = c.lookup(name, flags: f, hwcaps: hwcaps),
                   let e = verify(p, skips: &skips) {
                    return (p, e, "ld.so.cache")
                }
                if let (p, e) = searchDirs(name, defaultDirs, &skips) { return (p, e, "default path") }
            }
            return nil
        }
    }

    static func readText(_ path: String) -> String {
        guard let b = try? MappedFile.open(path), b.count > 0 else {
            // procfs files have size 0: read them with read(2).
            let fd = open(path, O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else { return "" }
            defer { close(fd) }
            var out: [UInt8] = []
            var buf = [UInt8](repeating: 0, count: 65536)
            while true {
                let n = buf.withUnsafeMutableBytes { read(fd, $0.baseAddress, 65536) }
                if n <= 0 { break }
                out += buf[0..<n]
            }
            return String(decoding: out, as: UTF8.self)
        }
        return String(decoding: b.array, as: UTF8.self)
    }

    static func glibcBefore237() -> Bool {
        var buf = [CChar](repeating: 0, count: 64)
        guard confstr(Int32(_CS_GNU_LIBC_VERSION), &buf, 64) > 0 else { return false }
        // "glibc 2.36"
        let v = String(cString: buf).split(separator: " ").last?.split(separator: ".").compactMap { Int($0) } ?? []
        return v.count >= 2 && (v[0], v[1]) < (2, 37)
    }

    static func isDirectory(_ p: String) -> Bool {
        var st = stat()
        return stat(p, &st) == 0 && st.st_mode & S_IFMT == S_IFDIR
    }

    static func currentDirectory() -> String {
        var buf = [CChar](repeating: 0, count: 4096)
        guard getcwd(&buf, 4096) != nil else { return "." }
        return String(cString: buf)
    }

    /// The machine this process runs on (for deciding whether /proc/cpuinfo's hwcaps apply).
    public static func hostTarget() -> Target? {
        guard let e = try? ELFFile(path: "/proc/self/exe") else { return nil }
        return Target(e.header)
    }

    /// The x86-64 glibc-hwcaps levels a CPU supports, best first, from /proc/cpuinfo's flags
    /// (the features glibc's x86-64-v2/v3/v4 require).
    public static func detectHWCaps(cpuinfo: String) -> [String] {
        guard let line = cpuinfo.split(separator: "\n").first(where: { $0.hasPrefix("flags") }),
              let colon = line.firstIndex(of: ":") else { return [] }
        let f = Set(line[line.index(after: colon)...].split(separator: " ").map(String.init))
        let v2 = ["cx16", "lahf_lm", "popcnt", "pni", "sse4_1", "sse4_2", "ssse3"]
        let v3 = ["avx", "avx2", "bmi1", "bmi2", "f16c", "fma", "abm", "movbe", "xsave"]
        let v4 = ["avx512f", "avx512bw", "avx512cd", "avx512dq", "avx512vl"]
        var out: [String] = []
        guard v2.allSatisfy(f.contains) else { return out }
        out.insert("x86-64-v2", at: 0)
        guard v3.allSatisfy(f.contains) else { return out }
        out.insert("x86-64-v3", at: 0)
        guard v4.allSatisfy(f.contains) else { return out }
        out.insert("x86-64-v4", at: 0)
        return out
    }

    static func fileID(_ p: String) -> (UInt64, UInt64)? {
        var st = stat()
        guard stat(p, &st) == 0 else { return nil }
        return (UInt64(st.st_dev), UInt64(st.st_ino))
    }

    /// Resolves `path`'s dependencies. `path` is a host path (under `options.root` when one is given).
    public static func resolve(_ path: String, options: Options = Options(), versions: Bool = false, unused: Bool = false) throws(ToolError) -> Result {
        var st = stat()
        if stat(path, &st) != 0 { throw ToolError("\(path): \(String(cString: strerror(errno)))") }
        if st.st_mode & S_IFMT != S_IFREG { throw ToolError("\(path): not regular file") }
        if access(path, R_OK) != 0 { throw ToolError("\(path): you do not have read permission") }
        guard let elf = try? ELFFile(path: path), let dyn = try? elf.dynamic() else { return .notDynamic }
        if dyn.needed.isEmpty { return .staticallyLinked }
        let target = Target(elf.header)
        let s = State(target: target, options: options)

        // l_name of the program: the path as given, seen from the root.
        var mainPath = path
        if !options.root.isEmpty, path.hasPrefix(options.root + "/") { mainPath = String(path.dropFirst(options.root.count)) }
        let main = Node(names: [mainPath], path: mainPath, kind: .main)
        main.elf = elf
        main.dyn = dyn
        main.id = fileID(path)
        s.main = main

        // The interpreter is loaded before anything else and answers to its path and soname.
        var rtld: Node?
        if let interp = elf.interpreter() ?? target.defaultInterpreter {
            let r = Node(names: [interp], path: interp, kind: .interpreter)
            if let e = try? ELFFile(path: s.host(interp)) {
                r.elf = e
                r.dyn = try? e.dynamic()
                if let so = r.dyn?.soname { r.names.append(so) }
            } else if let base = interp.split(separator: "/").last {
                r.names.append(String(base))
            }
            r.id = fileID(s.host(interp))
            rtld = r
        }

        var loaded: [Node] = [main]  // the l_next chain, without vDSO and interpreter
        var all: [Node] = [main] + (rtld.map { [$0] } ?? [])
        var searchlist: [Node] = [main]
        var queue = 0
        func find(_ name: String) -> Node? {
            for l in all where l.kind != .notFound {
                if l.names.contains(name) || l.path == name { return l }
                if !l.sonameAdded, let so = l.dyn?.soname, so == name {
                    l.names.append(so)
                    l.sonameAdded = true
                    return l
                }
            }
            return nil
        }
        while queue < searchlist.count {
            let obj = searchlist[queue]
            queue += 1
            for need in obj.dyn?.needed ?? [] {
                var node = find(need)
                if node == nil {
                    var skips: [Skip] = []
                    var found: (String, ELFFile, String)?
                    if need.contains("/") {
                        if let p = s.expand(need, origin: obj.origin), let e = s.verify(p, skips: &skips) { found = (p, e, "path") }
                    } else {
                        found = s.search(need, loader: obj, skips: &skips)
                    }
                    if let (p, e, via) = found {
                        let id = fileID(s.host(p))
                        if let id, let same = all.first(where: { $0.id != nil && $0.id! == id }) {
                            same.names.append(need)
                            node = same
                        } else {
                            let n = Node(names: [need], path: p, kind: .library)
                            n.elf = e
                            n.dyn = try? e.dynamic()
                            n.loader = obj
                            n.id = id
                            n.foundVia = via
                            n.skipped = skips
                            n.neededBy = obj.path
                            all.append(n)
                            loaded.append(n)
                            node = n
                        }
                    } else {
                        let n = Node(names: [need], path: need, kind: .notFound)
                        n.loader = obj
                        n.skipped = skips
                        n.neededBy = obj.path
                        all.append(n)
                        loaded.append(n)
                        node = n
                    }
                }
                if let n = node, !searchlist.contains(where: { $0 === n }) {
                    if n.neededBy == nil { n.neededBy = obj.path }
                    searchlist.append(n)
                }
            }
        }

        // The chain ldd prints: vDSO after the program, then the libraries in load order, with the
        // interpreter moved after its predecessor in the search list (dropped when nothing needs it).
        var chain: [Node] = []
        if let v = target.vdsoName { chain.append(Node(names: [v], path: v, kind: .vdso)) }
        chain += loaded.dropFirst()
        // Libraries not found are not in the search list ld.so links the interpreter by.
        let linked = searchlist.filter { $0.kind != .notFound }
        if let r = rtld, let i = linked.firstIndex(where: { $0 === r }) {
            let pred = linked[i - 1]
            if pred === main {
                chain.insert(r, at: 0)
            } else if let j = chain.firstIndex(where: { $0 === pred }) {
                chain.insert(r, at: j + 1)
            } else {
                chain.append(r)
            }
        }

        let objects = chain.map { n in
            Object(kind: n.kind, name: n.names[0], path: n.kind == .notFound || n.kind == .vdso ? nil : n.path,
                   neededBy: n.neededBy, skipped: n.skipped, foundVia: n.foundVia)
        }

        var needs: [VersionNeed] = []
        if versions {
            for n in [main] + chain {
                guard let e = n.elf else { continue }
                for (file, version, weak) in verneed(e, n.dyn) {
                    var resolved: String?
                    if let dep = searchlist.first(where: { $0.kind != .notFound && ($0.names.contains(file) || $0.path == file) }),
                       let de = dep.elf, verdefNames(de, dep.dyn).contains(version) {
                        resolved = dep.path
                    }
                    needs.append(VersionNeed(object: n.path, file: file, version: version, weak: weak, resolved: resolved))
                }
            }
        }

        var unusedDeps: [String] = []
        if unused {
            unusedDeps = findUnused(main: main, searchlist: searchlist)
        }
        return .dynamic(objects: objects, versions: needs, unused: unusedDeps)
    }

    // MARK: - Versions

    /// (file, version, weak) of each Vernaux of the object's .gnu.version_r, in file order.
    static func verneed(_ e: ELFFile, _ dyn: DynamicInfo?) -> [(String, String, Bool)] {
        guard let dyn, let (data, strings) = versionTable(e, dyn, sectionType: SHT.gnuVerneed, tag: DT.verneed) else { return [] }
        var out: [(String, String, Bool)] = []
        var off = 0
        var guardCount = 0
        while guardCount < 100_000 {
            guardCount += 1
            guard let cnt = try? data.u16(off + 2), let file = try? data.u32(off + 4), let aux = try? data.u32(off + 8),
                  let next = try? data.u32(off + 12) else { break }
            let fname = (try? strings.cString(Int(file))) ?? "?"
            var a = off + Int(aux)
            for _ in 0..<Int(cnt) {
                guard let flags = try? data.u16(a + 4), let name = try? data.u32(a + 8), let anext = try? data.u32(a + 12) else { break }
                out.append((fname, (try? strings.cString(Int(name))) ?? "?", flags & 0x2 != 0))
                if anext == 0 { break }
                a += Int(anext)
            }
            if next == 0 { break }
            off += Int(next)
        }
        return out
    }

    /// Version names an object defines (.gnu.version_d), index → name.
    static func verdefs(_ e: ELFFile, _ dyn: DynamicInfo?) -> [Int: String] {
        guard let dyn, let (data, strings) = versionTable(e, dyn, sectionType: SHT.gnuVerdef, tag: DT.verdef) else { return [:] }
        var out: [Int: String] = [:]
        var off = 0
        var guardCount = 0
        while guardCount < 100_000 {
            guardCount += 1
            guard let ndx = try? data.u16(off + 4), let aux = try? data.u32(off + 12), let next = try? data.u32(off + 16),
                  let name = try? data.u32(off + Int(aux)) else { break }
            out[Int(ndx)] = (try? strings.cString(Int(name))) ?? "?"
            if next == 0 { break }
            off += Int(next)
        }
        return out
    }

    static func verdefNames(_ e: ELFFile, _ dyn: DynamicInfo?) -> Set<String> { Set(verdefs(e, dyn).values) }

    static func versionTable(_ e: ELFFile, _ dyn: DynamicInfo, sectionType: UInt32, tag: Int64) -> (Bytes, Bytes)? {
        if let s = e.sections.first(where: { $0.type == sectionType }), let d = try? e.rawData(s) {
            return (d, dyn.strings)
        }
        guard let addr = dyn.value(tag), let d = try? e.bytes(atAddress: addr, count: 1) else { return nil }
        // Without section headers the table runs to the end of its segment.
        for p in e.segments where p.type == PT.load && addr >= p.vaddr && addr - p.vaddr < p.filesz {
            if let all = try? e.bytes(atAddress: addr, count: Int(clamping: p.filesz - (addr - p.vaddr))) { return (all, dyn.strings) }
        }
        _ = d
        return nil
    }

    // MARK: - Unused dependencies

    /// ld.so -u relocates only the program (ldd -u runs it with its PLT bound too) and marks every object a symbol lookup lands in; a direct dependency never landed in
    /// is unused (one that was not found is never used). Statically: each dynamic relocation of the
    /// program that names a symbol is resolved through the search list (the program first, except for
    /// copy relocations) by name and, where both sides are versioned, version name.
    static func findUnused(main: Node, searchlist: [Node]) -> [String] {
        guard let me = main.elf, let dyn = main.dyn, let syms = try? me.dynamicSymbols() else { return [] }
        let mainVersions = versionNames(me, dyn, count: syms.count)
        var used = Set<ObjectIdentifier>()
        var defs: [ObjectIdentifier: [String: [String?]]] = [:]
        func definitions(_ n: Node) -> [String: [String?]] {
            if let d = defs[ObjectIdentifier(n)] { return d }
            var d: [String: [String?]] = [:]
            if let e = n.elf, let ss = try? e.dynamicSymbols() {
                let vers = versionNames(e, n.dyn, count: ss.count)
                for (i, s) in ss.enumerated() where s.shndx != SHN.undef && !s.name.isEmpty
                    && (s.binding == STB.global || s.binding == STB.weak || s.binding == STB.gnuUnique) {
                    d[s.name, default: []].append(vers[i])
                }
            }
            defs[ObjectIdentifier(n)] = d
            return d
        }
        var seen = Set<Int>()
        for (symIndex, isCopy) in relocationSymbols(me, dyn, includePLT: true) {
            guard symIndex > 0, symIndex < syms.count, seen.insert(symIndex * 2 + (isCopy ? 1 : 0)).inserted else { continue }
            let sym = syms[symIndex]
            guard !sym.name.isEmpty else { continue }
            let want = mainVersions[symIndex]
            for n in searchlist where n.kind != .notFound && !(isCopy && n === main) {
                guard let vs = definitions(n)[sym.name] else { continue }
                if let want, !vs.contains(where: { $0 == nil || $0 == want }) { continue }
                used.insert(ObjectIdentifier(n))
                break
            }
        }
        // Direct dependencies in DT_NEEDED order.
        var out: [String] = []
        for need in dyn.needed {
            guard let n = searchlist.first(where: { $0.names.contains(need) }) else { continue }
            if !used.contains(ObjectIdentifier(n)) && !out.contains(n.path) { out.append(n.path) }
        }
        return out
    }

    /// Symbol indexes of the program's dynamic relocations (DT_RELA/DT_REL, and DT_JMPREL when
    /// `includePLT`), with whether each is a copy relocation.
    static func relocationSymbols(_ e: ELFFile, _ dyn: DynamicInfo, includePLT: Bool) -> [(Int, Bool)] {
        let is64 = e.is64
        let copyType: UInt64
        switch e.machine {
        case EM.x86_64, EM.i386: copyType = 5
        case EM.aarch64: copyType = 1024
        case EM.arm: copyType = 20
        case EM.riscv: copyType = 4
        case EM.ppc64, EM.ppc: copyType = 19
        default: copyType = UInt64.max
        }
        var ranges: [(UInt64, UInt64, Bool)] = []  // start, size, rela
        let plt = dyn.value(DT.jmprel).map { ($0, dyn.value(DT.pltrelsz) ?? 0) }
        let pltRela = (dyn.value(DT.pltrel) ?? UInt64(DT.rela)) == UInt64(DT.rela)
        for (tag, sz, rela) in [(DT.rela, DT.relasz, true), (DT.rel, DT.relsz, false)] {
            guard let a = dyn.value(tag), var n = dyn.value(sz) else { continue }
            // ld.so treats a PLT part at the end of the range as PLT relocations.
            if let (pa, ps) = plt, pa >= a, pa < a &+ n, pa &+ ps == a &+ n { n = pa - a }
            ranges.append((a, n, rela))
        }
        if includePLT, let (pa, ps) = plt { ranges.append((pa, ps, pltRela)) }
        var out: [(Int, Bool)] = []
        for (addr, size, rela) in ranges where size > 0 && size < 1 << 31 {
            guard let data = try? e.bytes(atAddress: addr, count: Int(size)) else { continue }
            let ent = (is64 ? 8 : 4) * (rela ? 3 : 2)
            for i in 0..<(data.count / ent) {
                guard let info = try? data.unsigned(i * ent + (is64 ? 8 : 4), size: is64 ? 8 : 4) else { break }
                let sym = is64 ? Int(info >> 32) : Int(info >> 8)
                let type = is64 ? info & 0xffff_ffff : info & 0xff
                out.append((sym, type == copyType))
            }
        }
        return out
    }

    /// Version name of each dynamic symbol (nil: unversioned, local or global base version).
    static func versionNames(_ e: ELFFile, _ dyn: DynamicInfo?, count: Int) -> [String?] {
        var out = [String?](repeating: nil, count: count)
        guard let vs = e.sections.first(where: { $0.type == SHT.gnuVersym }), let data = try? e.rawData(vs) else { return out }
        var names = verdefs(e, dyn)
        for (i, v) in verneedIndexed(e, dyn) { names[i] = v }
        for i in 0..<min(count, data.count / 2) {
            guard let v = try? data.u16(i * 2) else { break }
            let idx = Int(v & 0x7fff)
            if idx > 1 { out[i] = names[idx] }
        }
        return out
    }

    /// Version index → name for the object's needed versions (Vernaux vna_other).
    static func verneedIndexed(_ e: ELFFile, _ dyn: DynamicInfo?) -> [Int: String] {
        guard let dyn, let (data, strings) = versionTable(e, dyn, sectionType: SHT.gnuVerneed, tag: DT.verneed) else { return [:] }
        var out: [Int: String] = [:]
        var off = 0
        var guardCount = 0
        while guardCount < 100_000 {
            guardCount += 1
            guard let cnt = try? data.u16(off + 2), let aux = try? data.u32(off + 8), let next = try? data.u32(off + 12) else { break }
            var a = off + Int(aux)
            for _ in 0..<Int(cnt) {
                guard let other = try? data.u16(a + 6), let name = try? data.u32(a + 8), let anext = try? data.u32(a + 12) else { break }
                out[Int(other)] = (try? strings.cString(Int(name))) ?? "?"
                if anext == 0 { break }
                a += Int(anext)
            }
            if next == 0 { break }
            off += Int(next)
        }
        return out
    }

    // MARK: - Rendering

    /// ldd's text: one line per object, then "Version information:" with -v, or the unused list with -u.
    public static func render(_ r: Result, versions: Bool, unused: Bool) -> (stdout: String, stderr: String, status: Int32) {
        switch r {
        case .notDynamic: return ("", "\tnot a dynamic executable\n", 1)
        case .staticallyLinked: return (unused ? "" : "\tstatically linked\n", "", 0)
        case let .dynamic(objects, needs, unusedDeps):
            var out = "", err = ""
            for o in objects {
                for s in o.skipped { err += "\tskipped \(s.path): \(s.reason)\n" }
            }
            if unused {
                if unusedDeps.isEmpty { return ("", err, 0) }
                out = "Unused direct dependencies:\n" + unusedDeps.map { "\t\($0)\n" }.joined()
                return (out, err, 1)
            }
            for o in objects {
                switch o.kind {
                case .notFound: out += "\t\(o.name) => not found\n"
                case .vdso: out += "\t\(o.name)\n"
                default:
                    if let p = o.path, p != o.name { out += "\t\(o.name) => \(p)\n" } else { out += "\t\(o.name)\n" }
                }
            }
            if versions && !needs.isEmpty {
                out += "\n\tVersion information:\n"
                var last: String?
                for v in needs {
                    if v.object != last { out += "\t\(v.object):\n"; last = v.object }
                    out += "\t\t\(v.file) (\(v.version)) \(v.weak ? "[WEAK] " : "")=> \(v.resolved ?? "not found")\n"
                }
            }
            return (out, err, 0)
        }
    }

    public static func json(file: String, _ r: Result) -> JSON {
        switch r {
        case .notDynamic: return .object([("file", .string(file)), ("dynamic", false)])
        case .staticallyLinked: return .object([("file", .string(file)), ("dynamic", true), ("statically_linked", true), ("objects", .array([]))])
        case let .dynamic(objects, needs, unusedDeps):
            let objs: [JSON] = objects.map { o in
                var f: [(String, JSON)] = [("name", .string(o.name)), ("kind", .string(o.kind.rawValue)),
                                           ("path", o.path.map { .string($0) } ?? .null)]
                f.append(("needed_by", o.neededBy.map { .string($0) } ?? .null))
                f.append(("found_via", o.foundVia.map { .string($0) } ?? .null))
                f.append(("skipped", .array(o.skipped.map { .object([("path", .string($0.path)), ("reason", .string($0.reason))]) })))
                return .object(f)
            }
            var f: [(String, JSON)] = [("file", .string(file)), ("dynamic", true), ("statically_linked", false), ("objects", .array(objs))]
            if !needs.isEmpty {
                f.append(("versions", .array(needs.map { v in
                    .object([("object", .string(v.object)), ("file", .string(v.file)), ("version", .string(v.version)),
                             ("weak", .bool(v.weak)), ("path", v.resolved.map { .string($0) } ?? .null)])
                })))
            }
            f.append(("unused", .array(unusedDeps.map { .string($0) })))
            return .object(f)
        }
    }
}

extension Ldd {
    public static let help = """
        Usage: sonde ldd [OPTION]... FILE...
        Print the shared objects each FILE needs, found with ld.so's search rules (DT_RPATH, \
        LD_LIBRARY_PATH, DT_RUNPATH, /etc/ld.so.cache, default directories, glibc-hwcaps), without running it.
          -v, --verbose      also print the version requirements (Version information)
          -u, --unused       print unused direct dependencies (exit status 1 when there are some)
              --json         machine-readable output, with skipped candidates and where each library was found
              --root DIR     resolve inside a sysroot (another machine's or architecture's files)
              --hwcaps LIST  glibc-hwcaps subdirectories to search, best first (default: this CPU's levels)
              --library-path PATH  use PATH instead of $LD_LIBRARY_PATH
        Candidates ld.so would pass over (wrong ELF class or machine) are reported on stderr as "skipped".

        """

    /// The `sonde ldd` command line: ldd's flags (-v, -u, --) plus --json, --root DIR, --hwcaps LIST.
    /// Returns what to print and the exit status, like glibc's ldd (1 when any file failed).
    public static func main(_ args: [String], environment: [String: String]) throws(ToolError) -> (stdout: String, stderr: String, status: Int32) {
        var versions = false, unused = false, json = false
        var options = Options()
        options.libraryPath = environment["LD_LIBRARY_PATH"]
        var files: [String] = []
        var i = 0
        var noMore = false
        func value(_ flag: String) throws(ToolError) -> String {
            i += 1
            guard i < args.count else { throw .usage("option '\(flag)' requires an argument") }
            return args[i]
        }
        while i < args.count {
            let a = args[i]
            if noMore || !a.hasPrefix("-") || a == "-" {
                files.append(a)
            } else if a == "--" {
                noMore = true
            } else if a == "-v" || a == "--verbose" {
                versions = true
            } else if a == "-u" || a == "--unused" {
                unused = true
            } else if a == "--help" || a == "-h" {
                return (Ldd.help, "", 0)
            } else if a == "--json" {
                json = true
            } else if a == "--root" || a == "--sysroot" {
                options.root = try value(a)
            } else if a.hasPrefix("--root=") || a.hasPrefix("--sysroot=") {
                options.root = String(a.split(separator: "=", maxSplits: 1)[1])
            } else if a == "--hwcaps" {
                options.hwcaps = try value(a).split(separator: ",").map(String.init)
            } else if a.hasPrefix("--hwcaps=") {
                options.hwcaps = a.dropFirst(9).split(separator: ",").map(String.init)
            } else if a == "--library-path" {
                options.libraryPath = try value(a)
            } else if a == "-d" || a == "-r" || a == "--data-relocs" || a == "--function-relocs" {
                throw ToolError("\(a): relocation processing needs ld.so to run the program; sonde ldd never runs it")
            } else {
                throw .usage("unrecognized option '\(a)'")
            }
            i += 1
        }
        while options.root.count > 1 && options.root.hasSuffix("/") { options.root.removeLast() }
        if options.root == "/" { options.root = "" }
        guard !files.isEmpty else { throw .usage("missing file arguments") }
        var out = "", err = "", status: Int32 = 0
        var docs: [JSON] = []
        for f in files {
            if files.count > 1 && !json { out += "\(f):\n" }
            do {
                let r = try resolve(f, options: options, versions: versions, unused: unused)
                if json {
                    docs.append(Ldd.json(file: f, r))
                    if case .notDynamic = r { status = 1 }
                } else {
                    let (o, e, s) = render(r, versions: versions, unused: unused)
                    out += o
                    err += e
                    if s != 0 { status = s }
                }
            } catch {
                if files.count == 1 && !json { throw error }
                err += "sonde ldd: \(error.message)\n"
                if json { docs.append(.object([("file", .string(f)), ("error", .string(error.message))])) }
                status = 1
            }
        }
        if json { out = (files.count == 1 && docs.count == 1 ? docs[0] : .array(docs)).serialized(pretty: true) + "\n" }
        return (out, err, status)
    }
}
