import Testing
import Foundation
import TestSupport

// MARK: helpers shared by the monitor integration tests

/// True when the tests can replace /proc files inside a private mount namespace (root + unshare).
let canFakeProc: Bool = isRoot && hasTool("unshare") && hasTool("mount")

/// Runs each command in one private mount namespace where the given /proc files
/// (keys: "meminfo", "stat"...) are bind-mounted over by the given contents, so
/// the original tools and sonde read the same fake files. Returns the results in order.
struct FakeRun { var status: Int32; var stdout: String; var stderr: String }
struct FakeProcError: Error, CustomStringConvertible { var description: String }

func underFakeProc(_ files: [String: String], _ commands: [[String]], env: [String: String] = [:]) throws -> [FakeRun] {
    let dir = try tempDir("fakeproc")
    var script = "set -e\n"
    for (name, content) in files {
        let p = dir.appendingPathComponent("f-" + name).path
        try Data(content.utf8).write(to: URL(fileURLWithPath: p))
        script += "mount --bind '\(p)' '/proc/\(name)'\n"
    }
    script += "set +e\n"
    for (i, c) in commands.enumerated() {
        let quoted = c.map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }.joined(separator: " ")
        script += "\(quoted) > '\(dir.path)/out\(i)' 2> '\(dir.path)/err\(i)'; echo $? > '\(dir.path)/rc\(i)'\n"
    }
    let sh = dir.appendingPathComponent("run.sh").path
    try Data(script.utf8).write(to: URL(fileURLWithPath: sh))
    let r = try run("unshare", ["-m", "--propagation", "private", "sh", sh], environment: env)
    guard r.status == 0 else { throw FakeProcError(description: "unshare failed: \(r.stderr)") }
    return try (0..<commands.count).map { i in
        let out = try String(contentsOfFile: "\(dir.path)/out\(i)", encoding: .utf8)
        let err = try String(contentsOfFile: "\(dir.path)/err\(i)", encoding: .utf8)
        let rc = Int32(try String(contentsOfFile: "\(dir.path)/rc\(i)", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
        return FakeRun(status: rc, stdout: out, stderr: err)
    }
}

/// A fake /proc tree for sonde's hidden --proc option.
func fakeProcDir(_ files: [String: String]) throws -> String {
    let dir = try tempDir("proc")
    try writeTree(files, in: dir)
    return dir.path
}

/// Asserts a failure is one line on stderr naming the tool, with the given status.
func expectOneLineError(_ r: CommandResult, status: Int32, tool: String, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(r.status == status, "status \(r.status), stderr: \(r.stderr)", sourceLocation: sourceLocation)
    let lines = r.stderr.split(separator: "\n")
    #expect(lines.count == 1, "stderr: \(r.stderr)", sourceLocation: sourceLocation)
    #expect(r.stderr.hasPrefix("sonde \(tool): "), "stderr: \(r.stderr)", sourceLocation: sourceLocation)
    #expect(r.stdout.isEmpty || status == 0, sourceLocation: sourceLocation)
}

func meminfoValue(_ key: String) throws -> Int64 {
    let text = try String(contentsOfFile: "/proc/meminfo", encoding: .utf8)
    for line in text.split(separator: "\n") where line.hasPrefix(key + ":") {
        return Int64(fields(String(line))[1]) ?? -1
    }
    return -1
}

// MARK: free

@Suite(.serialized) struct FreeIntegrationTests {
    @Test func bytesAgreeWithProcps() throws {
        let a = try run("free", ["-b"]), b = try sonde(["free", "-b"])
        #expect(a.status == 0 && b.status == 0)
        let fa = a.lines.map(fields), fb = b.lines.map(fields)
        #expect(a.lines[0] == b.lines[0])
        #expect(fa.map { $0.first } == fb.map { $0.first })
        let memA = try #require(fa.first { $0.first == "Mem:" }), memB = try #require(fb.first { $0.first == "Mem:" })
        let swapA = try #require(fa.first { $0.first == "Swap:" }), swapB = try #require(fb.first { $0.first == "Swap:" })
        // Static kernel values: exact, and what /proc/meminfo says.
        #expect(memA[1] == memB[1])
        #expect(memB[1] == String(try meminfoValue("MemTotal") * 1024))
        #expect(swapA[1] == swapB[1])
        // Moving values (used, free, shared, buff/cache, available): within 64 MiB (two reads a few ms apart).
        for col in [2, 3, 4, 5, 6] {
            let x = try #require(Int64(memA[col])), y = try #require(Int64(memB[col]))
            #expect(abs(x - y) < 64 << 20, "column \(col): \(x) vs \(y)")
        }
    }

    @Test(arguments: [[], ["-b"], ["-k"], ["-m"], ["-g"], ["-h"], ["-h", "--si"], ["--si"], ["-w"], ["-t"], ["-l"], ["-v"],
                      ["-w", "-t", "-l", "-v"], ["--kilo"], ["--mega"], ["--giga"], ["--tera"], ["--peta"], ["--tebi"], ["--pebi"],
                      ["--bytes", "-w", "-h"]])
    func sameShapeAsProcps(_ flags: [String]) throws {
        let a = try run("free", flags), b = try sonde(["free"] + flags)
        #expect(a.status == 0 && b.status == 0, "\(b.stderr)")
        #expect(a.lines.count == b.lines.count)
        #expect(a.lines.first == b.lines.first)
        #expect(a.lines.map { fields($0).first } == b.lines.map { fields($0).first })
        #expect(a.lines.map { fields($0).count } == b.lines.map { fields($0).count })
    }

    static let fakeMeminfos: [String] = [
        // A typical machine.
        "MemTotal:       16318480 kB\nMemFree:         1033652 kB\nMemAvailable:    9251024 kB\nBuffers:          412332 kB\nCached:          7410660 kB\nSwapCached:        11432 kB\nActive:          6530248 kB\nInactive:        7327652 kB\nShmem:            533020 kB\nSReclaimable:     679840 kB\nSwapTotal:       2097148 kB\nSwapFree:        1590012 kB\nCommitLimit:    10256388 kB\nCommitted_AS:   15003112 kB\n",
        // An old kernel: no MemAvailable, no SReclaimable, no swap.
        "MemTotal:         509884 kB\nMemFree:           27916 kB\nBuffers:           68132 kB\nCached:           240008 kB\nSwapTotal:             0 kB\nSwapFree:              0 kB\nShmem:              1004 kB\n",
        // Small and odd values around the -h boundaries.
        "MemTotal:           1023 kB\nMemFree:              17 kB\nMemAvailable:        999 kB\nBuffers:               3 kB\nCached:           999999 kB\nSwapTotal:          9999 kB\nSwapFree:           9765 kB\nShmem:           1048575 kB\nSReclaimable:          1 kB\n",
        // 32-bit highmem layout and available above total (container).
        "MemTotal:        3106860 kB\nMemFree:         1200000 kB\nMemAvailable:    9999999 kB\nBuffers:           10240 kB\nCached:           102400 kB\nHighTotal:       2236360 kB\nHighFree:         900000 kB\nLowTotal:         870500 kB\nLowFree:          300000 kB\nSwapTotal:     104857600 kB\nSwapFree:      104857599 kB\nShmem:                 0 kB\n",
        // Large (8 TiB) machine.
        "MemTotal:     8589934592 kB\nMemFree:      4294967296 kB\nMemAvailable: 6442450944 kB\nBuffers:         1048576 kB\nCached:      1073741824 kB\nSwapTotal:      99999999 kB\nSwapFree:       12345678 kB\nShmem:          95367431 kB\nSReclaimable:    9536743 kB\n",
    ]

    @Test(.enabled(if: canFakeProc, "needs root and unshare to bind-mount a fake /proc/meminfo"), arguments: 0..<fakeMeminfos.count)
    func identicalToProcpsOnFakeMeminfo(_ index: Int) throws {
        let flagSets: [[String]] = [[], ["-b"], ["-m"], ["-g"], ["-h"], ["-h", "--si"], ["-w", "-t"], ["-l"], ["--si"], ["--mega"],
                                    ["--tera", "-w"], ["-h", "-w", "-l", "-t"], ["-h", "--si", "-w", "-t"], ["-k", "-t", "-l", "-w"]]
        var commands: [[String]] = []
        for f in flagSets { commands.append(["/usr/bin/free"] + f); commands.append([sondeBinary, "free"] + f) }
        let results = try underFakeProc(["meminfo": Self.fakeMeminfos[index]], commands)
        for (k, f) in flagSets.enumerated() {
            let a = results[2 * k], b = results[2 * k + 1]
            #expect(a.status == 0 && b.status == 0, "\(f): \(b.stderr)")
            #expect(a.stdout == b.stdout, "free \(f.joined(separator: " "))\n--- procps\n\(a.stdout)--- sonde\n\(b.stdout)")
        }
    }

    @Test func repeatsWithSecondsAndCount() throws {
        let a = try run("free", ["-c", "2", "-s", "0.2"]), b = try sonde(["free", "-c", "2", "-s", "0.2"])
        #expect(a.status == 0 && b.status == 0)
        #expect(a.stdout.components(separatedBy: "\n\n").count == b.stdout.components(separatedBy: "\n\n").count)
        #expect(b.lines.filter { $0.hasPrefix("Mem:") }.count == 2)
        #expect(b.stdout.hasSuffix("Swap:" + (b.stdout.components(separatedBy: "Swap:").last ?? "")) && !b.stdout.hasSuffix("\n\n"))
    }

    @Test func jsonHasTheNumbersInBytes() throws {
        let r = try sonde(["free", "--json", "-t"])
        #expect(r.status == 0)
        let obj = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        let mem = try #require(obj["mem"] as? [String: Any])
        let total = try #require(mem["total"] as? Int64), used = try #require(mem["used"] as? Int64), avail = try #require(mem["available"] as? Int64)
        #expect(used + avail == total)
        #expect(total == (try meminfoValue("MemTotal")) * 1024)
        #expect(obj["swap"] != nil && obj["total"] != nil && obj["low"] == nil)
    }

    @Test func badArgumentsAreUsageErrors() throws {
        expectOneLineError(try sonde(["free", "-s", "x"]), status: 2, tool: "free")
        expectOneLineError(try sonde(["free", "-s", "0"]), status: 2, tool: "free")
        expectOneLineError(try sonde(["free", "-c", "0"]), status: 2, tool: "free")
        expectOneLineError(try sonde(["free", "-b", "-m"]), status: 2, tool: "free")
        #expect(try sonde(["free", "--bogus"]).status == 2)
        // procps rejects the same inputs.
        for args in [["-s", "x"], ["-s", "0"], ["-c", "0"], ["-b", "-m"], ["--bogus"]] {
            #expect(try run("free", args).status != 0)
        }
    }

    @Test func malformedOrMissingMeminfoIsAFailure() throws {
        expectOneLineError(try sonde(["free", "--proc", try fakeProcDir(["meminfo": "\u{0}garbage\nnot: numbers\n"])]), status: 1, tool: "free")
        expectOneLineError(try sonde(["free", "--proc", try fakeProcDir(["meminfo": ""])]), status: 1, tool: "free")
        expectOneLineError(try sonde(["free", "--proc", try fakeProcDir(["stat": "x"])]), status: 1, tool: "free")
        // A truncated file still works with what it has.
        let r = try sonde(["free", "-b", "--proc", try fakeProcDir(["meminfo": "MemTotal: 1000 kB\nMemFr"])])
        #expect(r.status == 0 && fields(r.lines[1])[1] == "1024000")
    }
}
