import Foundation
import Testing
import TestSupport

/// The pmap_target fixture running, with the addresses it reported.
final class PMapTarget: @unchecked Sendable {
    let child: Child
    let anonStart: UInt64
    let fileStart: UInt64
    let dataPath: String
    var pid: Int32 { child.pid }

    nonisolated(unsafe) static var binary: String?

    init() throws {
        if PMapTarget.binary == nil { PMapTarget.binary = try compileFixture("pmap_target") }
        let dir = try tempDir("pmap target")  // the space ends up in the mapping name
        let ready = dir.appendingPathComponent("ready").path
        dataPath = dir.appendingPathComponent("data file.bin").path
        child = try Child(PMapTarget.binary!, [ready, dataPath])
        var text: String?
        for _ in 0..<500 {
            if let t = try? String(contentsOfFile: ready, encoding: .utf8), t.hasSuffix("\n") { text = t; break }
            usleep(10_000)
        }
        let parts = fields(try #require(text, "fixture did not become ready").trimmingCharacters(in: .whitespacesAndNewlines))
        anonStart = try #require(UInt64(parts[0], radix: 16))
        fileStart = try #require(UInt64(parts[1], radix: 16))
    }

    deinit { child.stop() }
}

func hex16(_ v: UInt64) -> String {
    let s = String(v, radix: 16)
    return String(repeating: "0", count: max(0, 16 - s.count)) + s
}

@Suite(.serialized) struct PMapIntegrationTests {
    static let available = hasTool("pmap") && hasTool("gcc")

    @Test(.enabled(if: available)) func defaultViewIdenticalToProcps() throws {
        let t = try PMapTarget()
        for flags in [[], ["-q"], ["-p"], ["-d"], ["-d", "-q"], ["-A", hex16(t.anonStart)]] {
            let want = try run("pmap", flags + [String(t.pid)])
            let got = try sonde(["pmap"] + flags + [String(t.pid)])
            #expect(got.status == want.status, "flags \(flags)")
            #expect(got.stdout == want.stdout, "flags \(flags)")
            #expect(!got.stdout.isEmpty)
        }
    }

    @Test(.enabled(if: available)) func severalPIDsIdenticalToProcps() throws {
        let a = try PMapTarget(), b = try PMapTarget()
        let args = [String(a.pid), String(b.pid)]
        let want = try run("pmap", args)
        let got = try sonde(["pmap"] + args)
        #expect(got.stdout == want.stdout)
        #expect(got.stdout.components(separatedBy: " total ").count == 3)
    }

    /// -x: same mappings, sizes, modes and names; RSS and Dirty per line and in total within one page.
    @Test(.enabled(if: available)) func extendedViewMatchesProcps() throws {
        let t = try PMapTarget()
        let want = try run("pmap", ["-x", String(t.pid)])
        let got = try sonde(["pmap", "-x", String(t.pid)])
        #expect(got.status == 0 && want.status == 0)
        let w = want.lines, g = got.lines
        try #require(w.count == g.count, "line counts differ:\n\(want.stdout)\n---\n\(got.stdout)")
        #expect(g[0] == w[0])
        #expect(g[1] == w[1])  // column header
        #expect(g[g.count - 2] == w[w.count - 2])  // dashes
        for (a, b) in zip(w.dropFirst(2).dropLast(2), g.dropFirst(2).dropLast(2)) {
            let fa = fields(a), fb = fields(b)
            #expect(fa[0] == fb[0] && fa[1] == fb[1] && fa[4] == fb[4], "\(a) vs \(b)")
            #expect(fa[5...] == fb[5...])
            #expect(abs(Int(fa[2])! - Int(fb[2])!) <= 4 && abs(Int(fa[3])! - Int(fb[3])!) <= 4, "\(a) vs \(b)")
            #expect(a.count == b.count, "column layout: \(a) vs \(b)")
        }
        let tw = fields(w.last!), tg = fields(g.last!)
        #expect(tg[0] == "total" && tg[1] == "kB" && tw[2] == tg[2])
        for i in 3...4 { #expect(abs(Int(tw[i])! - Int(tg[i])!) <= 4, "total column \(i): \(w.last!) vs \(g.last!)") }
    }

    /// The fixture's own facts: 64 pages mapped, exactly 10 touched and dirty; a 3-page file mapping.
    @Test(.enabled(if: available)) func knownRegionsHaveKnownSizes() throws {
        let t = try PMapTarget()
        let page = Int(sysconf(Int32(_SC_PAGESIZE))) / 1024
        let got = try sonde(["pmap", "-x", String(t.pid)])
        let anon = try #require(got.lines.first { $0.hasPrefix(hex16(t.anonStart)) })
        let f = fields(anon)
        #expect(f[1] == String(64 * page) && f[2] == String(10 * page) && f[3] == String(10 * page) && f[4] == "rw---")
        #expect(anon.hasSuffix("  [ anon ]"))
        let file = try #require(got.lines.first { $0.hasPrefix(hex16(t.fileStart)) })
        #expect(fields(file)[1] == String(3 * page))
        #expect(fields(file)[4] == "r--s-")
        #expect(file.hasSuffix(" data file.bin"))
        let full = try sonde(["pmap", "-p", String(t.pid)])
        #expect(full.lines.contains { $0.hasPrefix(hex16(t.fileStart)) && $0.hasSuffix(" " + t.dataPath) })
    }

    /// -X and -XX: same header (column set and order), same rows, same fixed columns; the numbers
    /// are live (PSS moves when other processes map the same libraries) so only the anon region's are pinned.
    @Test(.enabled(if: available)) func smapsViewsHaveProcpsColumns() throws {
        let t = try PMapTarget()
        for flag in ["-X", "-XX"] {
            let want = try run("pmap", [flag, String(t.pid)])
            let got = try sonde(["pmap", flag, String(t.pid)])
            let w = want.lines, g = got.lines
            try #require(w.count == g.count, "\(flag): line counts differ")
            #expect(fields(g[1]) == fields(w[1]), "\(flag) header")
            for (a, b) in zip(w.dropFirst(2).dropLast(2), g.dropFirst(2).dropLast(2)) {
                #expect(Array(fields(a).prefix(6)) == Array(fields(b).prefix(6)), "\(flag): \(a) vs \(b)")
                #expect(fields(a).count == fields(b).count)
            }
            #expect(g.last!.hasSuffix(" KB "))  // procps leaves a space after KB
            #expect(fields(g[g.count - 2]).count == fields(w[w.count - 2]).count, "\(flag): '=' underline")
            let header = fields(g[1])
            let row = try #require(g.first { fields($0).first == String(t.anonStart, radix: 16) })
            let values = Dictionary(uniqueKeysWithValues: zip(header, fields(row)))
            let page = Int(sysconf(Int32(_SC_PAGESIZE))) / 1024
            #expect(values["Size"] == String(64 * page))
            #expect(values["Rss"] == String(10 * page))
            #expect(values["Pss"] == String(10 * page))
            #expect(values["Anonymous"] == String(10 * page))
            if flag == "-XX" { #expect(values["Private_Dirty"] == String(10 * page)) }
        }
    }

    /// sonde's own addition: RSS, PSS, USS, Swap and Dirty per mapping, checked against the fixture.
    @Test(.enabled(if: available)) func pssViewShowsUssAndDirty() throws {
        let t = try PMapTarget()
        let got = try sonde(["pmap", "--pss", String(t.pid)])
        #expect(got.status == 0)
        #expect(fields(got.lines[1]) == ["Address", "Kbytes", "RSS", "PSS", "USS", "Swap", "Dirty", "Mode", "Mapping"])
        let page = Int(sysconf(Int32(_SC_PAGESIZE))) / 1024
        let row = fields(try #require(got.lines.first { $0.hasPrefix(hex16(t.anonStart)) }))
        #expect(Array(row[1...6]) == [64, 10, 10, 10, 0, 10].map { String($0 * page) })
        let total = fields(got.lines.last!)
        let x = fields(try sonde(["pmap", "-x", String(t.pid)]).lines.last!)
        #expect(total[2] == x[2], "Kbytes total as -x")
    }

    @Test(.enabled(if: available)) func jsonTotalsMatchExtendedView() throws {
        let t = try PMapTarget()
        let got = try sonde(["pmap", "--json", String(t.pid)])
        let list = try #require(try JSONSerialization.jsonObject(with: Data(got.stdout.utf8)) as? [[String: Any]])
        let p = try #require(list.first)
        #expect(p["pid"] as? Int == Int(t.pid))
        let maps = try #require(p["mappings"] as? [[String: Any]])
        let anon = try #require(maps.first { $0["address"] as? String == hex16(t.anonStart) })
        let page = Int(sysconf(Int32(_SC_PAGESIZE))) / 1024
        #expect(anon["uss_kb"] as? Int == 10 * page)
        #expect(anon["kbytes"] as? Int == 64 * page)
        let x = fields(try run("pmap", ["-x", String(t.pid)]).lines.last!)
        let total = try #require(p["total"] as? [String: Any])
        #expect(String(total["kbytes"] as? Int ?? -1) == x[2])
    }

    @Test(.enabled(if: available)) func missingPIDIsOneLineAndExitOne() throws {
        let want = try run("pmap", ["999999"])
        let got = try sonde(["pmap", "999999"])
        // Deliberate difference: procps exits 42 for a missing PID, sonde 1 (issue 2).
        #expect(want.status == 42)
        #expect(got.status == 1)
        #expect(got.stdout.isEmpty)
        #expect(got.stderr.split(separator: "\n").count == 1)
        #expect(got.stderr.contains("999999") && got.stderr.contains("no such process"))
    }

    @Test(.enabled(if: available)) func badArgumentsAreUsageErrors() throws {
        for args in [["abc"], ["-z", "1"], [], ["0"], ["-x", "-d", "1"]] {
            let got = try sonde(["pmap"] + args)
            #expect(got.status == 2, "args \(args)")
            #expect(!got.stderr.isEmpty)
            #expect(got.stdout.isEmpty)
        }
    }

    /// Another user's smaps: procps prints the header line and exits 1; sonde also says why.
    @Test(.enabled(if: available && isRoot && hasTool("setpriv"))) func permissionDeniedIsExplained() throws {
        let t = try PMapTarget()
        let asNobody = ["--reuid=nobody", "--regid=nogroup", "--clear-groups"]
        let want = try run("setpriv", asNobody + ["pmap", "-x", String(t.pid)])
        let got = try run("setpriv", asNobody + [sondeBinary, "pmap", "-x", String(t.pid)])
        #expect(want.status == 1)
        #expect(got.status == want.status)
        #expect(got.stdout == want.stdout)
        #expect(got.stderr.contains("permission denied"))
        #expect(got.stderr.split(separator: "\n").count == 1)
    }
}
