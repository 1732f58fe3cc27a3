import Foundation

/// What a finished command left behind.
public struct CommandResult: Sendable {
    public var status: Int32
    public var stdout: String
    public var stderr: String
    public var lines: [String] { stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init).filter { !$0.isEmpty } }
}

/// The package root, found from this file's location.
public let packageRoot: URL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// The sonde binary under test: $SONDE_BIN (set by scripts/test) or the debug build.
public var sondeBinary: String {
    if let p = ProcessInfo.processInfo.environment["SONDE_BIN"], !p.isEmpty { return p }
    return packageRoot.appendingPathComponent(".build/debug/sonde").path
}

/// Spawns a program with posix_spawn: default signal dispositions and an empty
/// signal mask (threads of the test runner block signals, and children would
/// inherit that), stdin from /dev/null, stdout and stderr to the given files.
func spawn(_ executable: String, _ args: [String], environment: [String: String]?, stdout: String, stderr: String, newSession: Bool = false) throws -> pid_t {
    let path = executable.hasPrefix("/") ? executable : try which(executable)
    var env = ProcessInfo.processInfo.environment
    for (k, v) in environment ?? [:] { env[k] = v }
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 1, stdout, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    posix_spawn_file_actions_addopen(&actions, 2, stderr, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    // Only 0-2: other tests running in parallel may hold descriptors without O_CLOEXEC at this moment,
    // and a child that inherits one sees different fd numbers (strace tests compare them).
    // glibc 2.34's posix_spawn_file_actions_addclosefrom_np, which the Glibc module does not export.
    typealias CloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
    if let sym = dlsym(nil, "posix_spawn_file_actions_addclosefrom_np") {
        _ = unsafeBitCast(sym, to: CloseFrom.self)(&actions, 3)
    }
    var attr = posix_spawnattr_t()
    posix_spawnattr_init(&attr)
    defer { posix_spawnattr_destroy(&attr) }
    var empty = sigset_t(), all = sigset_t()
    sigemptyset(&empty)
    sigfillset(&all)
    posix_spawnattr_setsigmask(&attr, &empty)
    posix_spawnattr_setsigdefault(&attr, &all)
    var flags = Int32(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF)
    if newSession { flags |= 0x80 }  // POSIX_SPAWN_SETSID (glibc)
    posix_spawnattr_setflags(&attr, Int16(flags))
    let argv = ([path] + args).map { strdup($0) } + [nil]
    // Sorted: the same variables in the same order for every run (tracers pass the order on).
    let envp = env.sorted { $0.key < $1.key }.map { strdup("\($0.key)=\($0.value)") } + [nil]
    defer { argv.forEach { free($0) }; envp.forEach { free($0) } }
    var pid: pid_t = 0
    let rc = posix_spawn(&pid, path, &actions, &attr, argv, envp)
    guard rc == 0 else { throw NotFound(description: "spawn \(path): \(String(cString: strerror(rc)))") }
    return pid
}

/// Waits for a child and returns its exit status (128+signal when killed).
@discardableResult
func reap(_ pid: pid_t) -> Int32 {
    var status: Int32 = 0
    while waitpid(pid, &status, 0) < 0 { if errno != EINTR { return -1 } }
    if status & 0x7f == 0 { return (status >> 8) & 0xff }
    return 128 + (status & 0x7f)
}

/// Runs a program to completion and captures its output.
@discardableResult
public func run(_ executable: String, _ args: [String], environment: [String: String]? = nil, stdin: String? = nil) throws -> CommandResult {
    let dir = try tempDir("run")
    defer { try? FileManager.default.removeItem(at: dir) }
    let out = dir.appendingPathComponent("out").path, err = dir.appendingPathComponent("err").path
    var exe = executable, argv = args
    if let stdin {
        // Feed stdin through a file and the shell's redirection.
        let inPath = dir.appendingPathComponent("in").path
        try Data(stdin.utf8).write(to: URL(fileURLWithPath: inPath))
        exe = "/bin/sh"
        argv = ["-c", "exec \"$0\" \"$@\" < \"$SONDE_TEST_STDIN\"", executable.hasPrefix("/") ? executable : try which(executable)] + args
        var env = environment ?? [:]
        env["SONDE_TEST_STDIN"] = inPath
        let pid = try spawn(exe, argv, environment: env, stdout: out, stderr: err)
        let status = reap(pid)
        return CommandResult(status: status, stdout: (try? String(contentsOfFile: out, encoding: .utf8)) ?? "", stderr: (try? String(contentsOfFile: err, encoding: .utf8)) ?? "")
    }
    let pid = try spawn(exe, argv, environment: environment, stdout: out, stderr: err)
    let status = reap(pid)
    let o = (try? Data(contentsOf: URL(fileURLWithPath: out))) ?? Data()
    let e = (try? Data(contentsOf: URL(fileURLWithPath: err))) ?? Data()
    return CommandResult(status: status, stdout: String(decoding: o, as: UTF8.self), stderr: String(decoding: e, as: UTF8.self))
}

/// Runs sonde with arguments.
@discardableResult
public func sonde(_ args: [String], environment: [String: String]? = nil) throws -> CommandResult {
    try run(sondeBinary, args, environment: environment)
}

public struct NotFound: Error, CustomStringConvertible { public let description: String }

/// Full path of a program on PATH.
public func which(_ name: String) throws -> String {
    for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
        let p = "\(dir)/\(name)"
        if FileManager.default.isExecutableFile(atPath: p) { return p }
    }
    throw NotFound(description: "\(name) not on PATH")
}

public func hasTool(_ name: String) -> Bool { (try? which(name)) != nil }

public var isRoot: Bool { geteuid() == 0 }

/// A fresh temporary directory.
public func tempDir(_ tag: String = "sonde") throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("\(tag)-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// Compiles Tests/Fixtures/NAME.c with gcc into a temporary directory and returns the binary's path.
public func compileFixture(_ name: String, flags: [String] = ["-O0", "-g"]) throws -> String {
    let src = packageRoot.appendingPathComponent("Tests/Fixtures/\(name).c").path
    let out = try tempDir("fixture").appendingPathComponent(name).path
    let r = try run("gcc", flags + ["-o", out, src, "-lpthread"])
    guard r.status == 0 else { throw NotFound(description: "gcc failed: \(r.stderr)") }
    return out
}

/// Writes files of a fake /proc tree: keys are relative paths, values contents.
public func writeTree(_ files: [String: String], in root: URL) throws {
    for (rel, content) in files {
        let url = root.appendingPathComponent(rel)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(content.utf8).write(to: url)
    }
}

/// A started child process that the test kills when done.
public final class Child: @unchecked Sendable {
    public let pid: Int32
    private var reaped = false

    /// `newSession`: the child leads a new session (and process group) of its own.
    public init(_ executable: String, _ args: [String], newSession: Bool = false) throws {
        pid = try spawn(executable, args, environment: nil, stdout: "/dev/null", stderr: "/dev/null", newSession: newSession)
    }

    public var isRunning: Bool {
        if reaped { return false }
        var status: Int32 = 0
        if waitpid(pid, &status, WNOHANG) == pid {
            reaped = true
            exitStatus = status & 0x7f == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
            return false
        }
        return true
    }

    /// Exit status once it has ended (128+signal when killed), nil while running.
    public private(set) var exitStatus: Int32?

        public func stop() {
        guard !reaped else { return }
        kill(pid, SIGKILL)
        exitStatus = reap(pid)
        reaped = true
    }

    deinit { stop() }
}

/// Splits a line into whitespace-separated fields.
public func fields(_ line: String) -> [String] { line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init) }
