import Foundation
import Testing
import TestSupport
@testable import Profile

/// The flame graph's script run in headless Chromium: no script errors, search, zoom, URL parameters.
/// Needs Debian's chromium-headless-shell (or chromium).
let chromium: String? = {
    for p in ["/usr/bin/chromium-headless-shell", "/usr/lib/chromium/chromium-headless-shell", "/usr/bin/chromium"]
    where FileManager.default.isExecutableFile(atPath: p) { return p }
    return nil
}()

@Suite(.serialized, .enabled(if: chromium != nil, "headless Chromium absent (apt-get install chromium-headless-shell)"))
struct BrowserTests {
    /// Adds an error recorder at the start and `actions` (JS) at the end, loads the page and returns
    /// what the actions wrote: a JSON object that always has `errors`.
    func runInBrowser(_ svg: [UInt8], actions: String, query: String = "", extraScript: String = "") throws -> [String: Any] {
        var s = String(decoding: svg, as: UTF8.self)
        let recorder = """
            <script type="text/ecmascript"><![CDATA[
            window.__errors = [];
            window.addEventListener("error", function (e) { window.__errors.push(String(e.message)); });
            ]]></script>
            """
        let open = s.range(of: ">", range: s.range(of: "<svg ")!.upperBound..<s.endIndex)!
        s.insert(contentsOf: "\n" + recorder + extraScript + "\n", at: open.upperBound)
        let probe = """
            <script type="text/ecmascript"><![CDATA[
            (function () {
              var out = {};
              try { \(actions) } catch (e) { window.__errors.push("test: " + e.message); }
              out.errors = window.__errors;
              var t = document.createElementNS("http://www.w3.org/2000/svg", "text");
              t.setAttribute("id", "fgtest");
              t.textContent = JSON.stringify(out);
              document.documentElement.appendChild(t);
            })();
            ]]></script>
            """
        s.insert(contentsOf: probe + "\n", at: s.range(of: "</svg>", options: .backwards)!.lowerBound)
        let dir = try tempDir("fgbrowser")
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("fg.svg").path
        try Data(s.utf8).write(to: URL(fileURLWithPath: path))
        let r = try run("/usr/bin/timeout", ["90", chromium!, "--headless", "--no-sandbox", "--disable-gpu",
                                             "--user-data-dir=\(dir.path)/profile", "--dump-dom", "file://\(path)\(query)"])
        #expect(r.status == 0, "chromium: \(r.stderr.suffix(500))")
        guard let a = r.stdout.range(of: "<text id=\"fgtest\">"),
              let b = r.stdout.range(of: "</text>", range: a.upperBound..<r.stdout.endIndex) else {
            Issue.record("no probe output; stdout: \(r.stdout.prefix(300)) stderr: \(r.stderr.suffix(500))")
            return ["errors": ["no output"]]
        }
        let json = String(r.stdout[a.upperBound..<b.lowerBound])
            .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&lt;", with: "<")
            .replacingOccurrences(of: "&gt;", with: ">").replacingOccurrences(of: "&amp;", with: "&")
        return try JSONSerialization.jsonObject(with: Data(json.utf8)) as! [String: Any]
    }

    func svg(_ folded: String, _ o: FlameGraphOptions = FlameGraphOptions()) throws -> [UInt8] {
        FlameGraph.svg(try Folded.read(Array(folded.utf8)).profile, options: o)
    }

    @Test func searchZoomAndResetWork() throws {
        let out = try runInBrowser(try svg("main;foo;bar 10\nmain;foo 5\nmain;baz;qux 20\nmain;foo;bar 3\n"), actions: """
            var gs = document.getElementById("frames").children, foo = null, bar = null;
            for (var i = 0; i < gs.length; i++) { var n = frame_name(gs[i]); if (n == "foo") foo = gs[i]; if (n == "bar") bar = gs[i]; }
            out.pct = search("^ba");
            out.matched = document.getElementById("matched").textContent;
            out.barFill = bar.getElementsByTagName("rect")[0].getAttribute("fill");
            zoom(foo);
            out.fooZoomW = foo.getElementsByTagName("rect")[0].getAttribute("width");
            out.barZoomW = bar.getElementsByTagName("rect")[0].getAttribute("width");
            out.hidden = document.querySelectorAll("#frames > .hide").length;
            out.parents = document.querySelectorAll("#frames > .parent").length;
            out.unzoomShown = !document.getElementById("unzoom").classList.contains("hide");
            unzoom();
            out.fooW = foo.getElementsByTagName("rect")[0].getAttribute("width");
            reset_search();
            out.barFillAfter = bar.getElementsByTagName("rect")[0].getAttribute("fill");
            var ev = document.createEvent("MouseEvents");
            ev.initMouseEvent("mouseover", true, true, window, 0, 0, 0, 0, 0, false, false, false, false, 0, null);
            bar.getElementsByTagName("rect")[0].dispatchEvent(ev);
            out.details = document.getElementById("details").textContent;
            """)
        #expect((out["errors"] as? [Any])?.isEmpty == true, "script errors: \(out["errors"] ?? "")")
        // bar 13 + baz 20 of 38.
        #expect(abs((out["pct"] as? Double ?? 0) - 100.0 * 33 / 38) < 1e-9)
        #expect(out["matched"] as? String == "Matched: 86.8%")
        #expect(out["barFill"] as? String == "rgb(230,0,230)")
        #expect(out["fooZoomW"] as? String == "1180.00", "\(out)")
        #expect(out["barZoomW"] as? String == "852.22", "bar is 13 of foo's 18: \(out)")
        #expect(out["hidden"] as? Int == 2 && out["parents"] as? Int == 2, "baz and qux hidden; all and main dimmed")
        #expect(out["unzoomShown"] as? Bool == true)
        #expect(out["fooW"] as? String == "558.95", "unzoom restores: 18/38 of 1180")
        #expect((out["barFillAfter"] as? String)?.hasPrefix("rgb(") == true && out["barFillAfter"] as? String != "rgb(230,0,230)")
        #expect(out["details"] as? String == "Function: bar (13 samples, 34.21%)")
    }

    @Test func ctrlFPromptsForARegexAndEscapeClears() throws {
        let out = try runInBrowser(try svg("main;foo 1\nmain;Foobar 3\n"), actions: """
            window.prompt = function () { return "^foo"; };
            window.dispatchEvent(new KeyboardEvent("keydown", { key: "f", ctrlKey: true, bubbles: true }));
            out.matched = document.getElementById("matched").textContent;
            window.dispatchEvent(new KeyboardEvent("keydown", { key: "i", ctrlKey: true, bubbles: true }));
            out.matchedIgnoringCase = document.getElementById("matched").textContent;
            window.dispatchEvent(new KeyboardEvent("keydown", { key: "Escape", bubbles: true }));
            out.cleared = document.getElementById("matched").textContent;
            out.button = document.getElementById("search").textContent;
            """)
        #expect((out["errors"] as? [Any])?.isEmpty == true, "script errors: \(out["errors"] ?? "")")
        #expect(out["matched"] as? String == "Matched: 25.0%")
        #expect(out["matchedIgnoringCase"] as? String == "Matched: 100%")
        #expect(out["cleared"] as? String == " " && out["button"] as? String == "Search")
    }

    @Test func urlParametersSearchAndZoom() throws {
        let page = try svg("main;foo;bar 10\nmain;baz 30\n")
        // foo starts after baz (children by name): data-s 30, depth 2.
        let out = try runInBrowser(page, actions: """
            out.matched = document.getElementById("matched").textContent;
            var gs = document.getElementById("frames").children;
            for (var i = 0; i < gs.length; i++) if (frame_name(gs[i]) == "bar") out.barW = gs[i].getElementsByTagName("rect")[0].getAttribute("width");
            """, query: "?x=30&y=2&s=ba")
        #expect((out["errors"] as? [Any])?.isEmpty == true, "script errors: \(out["errors"] ?? "")")
        #expect(out["matched"] as? String == "Matched: 100%", "bar and baz cover everything")
        #expect(out["barW"] as? String == "1180.00", "zoomed into foo from the URL")
    }

    @Test func largeDifferentialAndIcicleGraphsLoadCleanly() throws {
        let g = generatedFolded(lines: 3000, seed: 5)
        var text = ""
        for (s, c) in g.stacks { text += s.joined(separator: ";") + " \(c / 2) \(c)\n" }
        var o = FlameGraphOptions()
        o.inverted = true
        let out = try runInBrowser(try svg(text, o), actions: """
            out.frames = document.getElementById("frames").children.length;
            out.pct = search("f1");
            var gs = document.getElementById("frames").children;
            zoom(gs[gs.length - 1]); unzoom(); zoom(gs[1]);
            """)
        #expect((out["errors"] as? [Any])?.isEmpty == true, "script errors: \(out["errors"] ?? "")")
        #expect((out["frames"] as? Int ?? 0) > 100)
        #expect((out["pct"] as? Double ?? 0) > 0)
    }

    @Test func theHarnessSeesScriptErrors() throws {
        // Negative control: a broken script must show up, or the checks above prove nothing.
        let out = try runInBrowser(try svg("a;b 1\n"), actions: "undefinedFunction();")
        #expect((out["errors"] as? [String])?.first?.contains("undefinedFunction") == true, "\(out)")
        let out2 = try runInBrowser(try svg("a;b 1\n"), actions: "",
                                    extraScript: "<script type=\"text/ecmascript\">setTimeout(0);</script><script type=\"text/ecmascript\">throw new Error('boom');</script>")
        #expect((out2["errors"] as? [String])?.contains { $0.contains("boom") } == true, "\(out2)")
    }
}
