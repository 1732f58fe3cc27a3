import Foundation
import TestSupport

/// Test inputs built once: the elf_symbols.c fixture for x86_64 (.o, PIE, -gz), arm and aarch64
/// (when the cross compilers are installed), plus system files and a static archive.
enum Inputs {
    static let dir: URL = { try! tempDir("binutils-inputs") }()
    static let source = packageRoot.appendingPathComponent("Tests/Fixtures/elf_symbols.c").path

    static func build(_ compiler: String, _ flags: [String], _ name: String) -> String? {
        guard hasTool(compiler) else { return nil }
        let out = dir.appendingPathComponent(name).path
        guard let r = try? run(compiler, flags + ["-fcommon", "-o", out, source]), r.status == 0 else { return nil }
        return out
    }

    static let object = build("gcc", ["-c", "-g"], "x86.o")
    static let pie = build("gcc", ["-g"], "x86-pie")
    static let compressed = build("gcc", ["-g", "-gz"], "x86-gz")
    static let arm = build("arm-linux-gnueabihf-gcc", ["-g"], "arm")
    static let armObject = build("arm-linux-gnueabihf-gcc", ["-g", "-c"], "arm.o")
    static let aarch64 = build("aarch64-linux-gnu-gcc", ["-g"], "aarch64")
    static let aarch64Object = build("aarch64-linux-gnu-gcc", ["-g", "-c"], "aarch64.o")

    static let system = ["/bin/ls", "/usr/bin/bash", "/lib/x86_64-linux-gnu/libc.so.6", "/usr/lib/x86_64-linux-gnu/libstdc++.so.6"]
        .filter { FileManager.default.fileExists(atPath: $0) }
    static let archive = ["/usr/lib/x86_64-linux-gnu/libc_nonshared.a"].first { FileManager.default.fileExists(atPath: $0) }

    /// Every ELF input that exists here.
    static var all: [String] { system + [object, pie, compressed, arm, armObject, aarch64, aarch64Object].compactMap { $0 } }
    static var built: [String] { [object, pie, compressed, arm, armObject, aarch64, aarch64Object].compactMap { $0 } }
}

/// Runs binutils and sonde with the same arguments (C locale) and returns both results.
func both(_ tool: String, _ args: [String]) throws -> (CommandResult, CommandResult) {
    let env = ["LC_ALL": "C"]
    return (try run(tool, args, environment: env), try sonde([tool] + args, environment: env))
}
