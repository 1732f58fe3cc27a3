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

/// Runs a program to completion and captures its output.
@discardableResult
public func run(_ executable: String, _ args: [String], environment: [String: String]? = nil, stdin: String? = nil) throws -> CommandResult {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: executable.hasPrefix("/") ? executable : try which(executable))
    p.arguments = args
    if let environment {
        var env = ProcessInfo.processInfo.environment
        for (k, v) in environment { env[k] = v }
        p.environment = env
    }
    let out = Pipe(), err = Pipe()
    p.standardOutput = out
    p.standardError = err
    let input = Pipe()
    p.standardInput = input
    try p.run()
    if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
    try? input.fileHandleForWriting.close()
    // Read both pipes concurrently so a full pipe cannot block the child.
    nonisolated(unsafe) var errData = Data()
    let group = DispatchGroup()
    group.enter()
    DispatchQueue.global().async { errData = err.fileHandleForReading.readDataToEndOfFile(); group.leave() }
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    group.wait()
    p.waitUntilExit()
    return CommandResult(status: p.terminationStatus, stdout: String(decoding: outData, as: UTF8.self), stderr: String(decoding: errData, as: UTF8.self))
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
    public let process: Process
    public var pid: Int32 { process.processIdentifier }

    public init(_ executable: String, _ args: [String]) throws {
        process = Process()
        process.executableURL = URL(fileURLWithPath: executable.hasPrefix("/") ? executable : try which(executable))
        process.arguments = args
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
    }

    public func stop() {
        if process.isRunning { kill(pid, SIGKILL) }
        process.waitUntilExit()
    }

    deinit { stop() }
}

/// Splits a line into whitespace-separated fields.
public func fields(_ line: String) -> [String] { line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init) }
