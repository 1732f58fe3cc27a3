import Foundation
import Testing
import TestSupport

/// strace's output options, each run side by side with strace 6.1 on the same program (per process,
/// normalized by StraceHarness); clock readings are masked to their shape.
@Suite(.serialized) struct StraceOptionsTests {
    static let options: [[String]] = [
        ["-i"], ["-n"], ["-a", "60"], ["-a0"], ["-x"], ["-xx"], ["-s", "8"], ["-s0"], ["-v"],
        ["-z"], ["-Z"], ["-e", "status=failed,successful"], ["-X", "raw"], ["-X", "verbose"],
        ["-y"], ["-t"], ["-tt"], ["-ttt"], ["-r"], ["-T"], ["-q"], ["-qq"],
        ["-e", "trace=%file"], ["-e", "trace=!close,mmap"], ["-e", "trace=/^open"], ["-e", "raw=openat,read"],
        ["-e", "verbose=none"], ["-e", "abbrev=none"], ["-u", "nobody"], ["-E", "FOO=bar", "-v", "-e", "trace=execve"],
        ["-e", "signal=none"], ["-e", "quiet=exit"], ["-e", "read=all", "-e", "trace=read,write"],
        ["-e", "write=!2", "-e", "trace=read,write"], ["-e", "read=none"],
    ]

    /// Times become `T` (wall clock), `R` (-r deltas), `<D>` (-T durations); everything else stays.
    static func maskTimes(_ line: String) -> String {
        var l = line
        for (pattern, with) in [(#"^\d\d:\d\d:\d\d(\.\d{6})? "#, "T "), (#"^\d{9,}\.\d{6} "#, "T "),
                                (#"^ *\d+\.\d{6} "#, "R "), (#" <\d+\.\d{6}>$"#, " <D>")] {
            l = l.replacingOccurrences(of: pattern, with: with, options: .regularExpression)
        }
        return l
    }

    @Test(.enabled(if: StraceHarness.available), arguments: options)
    func sameAsStrace(_ args: [String]) throws {
        let cmd = ["cat", "/etc/hostname", "/nonexistent"]
        var theirs = try StraceHarness.trace(sonde: false, args, cmd)
        var ours = try StraceHarness.trace(sonde: true, args, cmd)
        theirs.processes = theirs.processes.map { $0.map(Self.maskTimes) }
        ours.processes = ours.processes.map { $0.map(Self.maskTimes) }
        #expect(ours.status == theirs.status && ours.stdout == theirs.stdout, "\(args)")
        #expect(ours.processes.joined().count > 1, "\(args): traced something")
        for problem in StraceHarness.mismatches(theirs, ours) { Issue.record("\(args): \(problem)") }
    }
}
