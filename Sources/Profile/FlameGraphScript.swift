/// The flame graph's embedded script: details on hover, click to zoom (Reset Zoom), regex search
/// (Ctrl-F or F3; Esc clears) with "Matched: x%", ignore-case toggle, and `?s=REGEX&x=START&y=DEPTH`
/// URL parameters. Plain ES5, no network; the document needs `nametype` defined before it.
/// Entry points usable from other scripts: `search(re)`, `reset_search()`, `zoom(g)`, `unzoom()`.
let flameGraphScript = #"""
var svg, details, searchbtn, unzoombtn, matchedtxt, icbtn, frames = [], total = 0, xpad = 10,
    fontsize = 12, fontwidth = 0.59, width = 0, ignorecase = false, currentsearch = null, zoomed = null;

function frame_name(g) {
    var t = g.getElementsByTagName("title")[0].textContent;
    var i = t.lastIndexOf(" (");
    return i >= 0 ? t.substring(0, i) : t;
}

function init(evt) {
    if (svg) return;
    svg = document.documentElement;
    details = document.getElementById("details").firstChild;
    searchbtn = document.getElementById("search");
    unzoombtn = document.getElementById("unzoom");
    matchedtxt = document.getElementById("matched");
    icbtn = document.getElementById("ignorecase");
    total = parseFloat(svg.getAttribute("data-total")) || 0;
    xpad = parseFloat(svg.getAttribute("data-xpad")) || 10;
    fontsize = parseFloat(svg.getAttribute("data-fontsize")) || 12;
    fontwidth = parseFloat(svg.getAttribute("data-fontwidth")) || 0.59;
    width = parseFloat(svg.getAttribute("width"));
    var gs = document.getElementById("frames").children;
    for (var i = 0; i < gs.length; i++) {
        var g = gs[i], r = g.getElementsByTagName("rect")[0], t = g.getElementsByTagName("text")[0];
        frames.push({ g: g, rect: r, text: t, name: frame_name(g),
            s: parseFloat(g.getAttribute("data-s")), n: parseFloat(g.getAttribute("data-n")),
            d: parseInt(g.getAttribute("data-d"), 10), x: parseFloat(r.getAttribute("x")),
            w: parseFloat(r.getAttribute("width")), fill: r.getAttribute("fill") });
        g.fgIndex = i;
    }
    var box = document.getElementById("frames");
    box.addEventListener("mouseover", function (e) {
        var g = owner(e.target);
        if (g) details.nodeValue = nametype + " " + g.getElementsByTagName("title")[0].textContent;
    });
    box.addEventListener("mouseout", function (e) { details.nodeValue = " "; });
    box.addEventListener("click", function (e) {
        var g = owner(e.target);
        if (g) zoom(g);
    });
    unzoombtn.addEventListener("click", function () { unzoom(); });
    searchbtn.addEventListener("click", function () { search_prompt(); });
    icbtn.addEventListener("click", function () { toggle_ignorecase(); });
    window.addEventListener("keydown", function (e) {
        var key = e.key ? e.key.toLowerCase() : "", mod = e.ctrlKey || e.metaKey;
        if (key === "f3" || e.keyCode === 114 || (mod && (key === "f" || e.keyCode === 70))) {
            e.preventDefault();
            search_prompt();
        } else if (mod && (key === "i" || e.keyCode === 73)) {
            e.preventDefault();
            toggle_ignorecase();
        } else if (key === "escape" || e.keyCode === 27) {
            reset_search();
        }
    });
    var params = get_params();
    if (params.x !== undefined && params.y !== undefined) {
        for (var k = 0; k < frames.length; k++) {
            if (frames[k].s == parseFloat(params.x) && frames[k].d == parseInt(params.y, 10)) { zoom(frames[k].g); break; }
        }
    }
    if (params.s) search(params.s);
}

function owner(el) {
    while (el && el.parentNode && el.parentNode.id !== "frames") el = el.parentNode;
    return el && el.parentNode && el.parentNode.id === "frames" ? el : null;
}

function get_params() {
    var p = {}, q = "";
    try { q = window.location.search.substring(1); } catch (e) { return p; }
    var parts = q ? q.split("&") : [];
    for (var i = 0; i < parts.length; i++) {
        var kv = parts[i].split("=");
        try { p[decodeURIComponent(kv[0])] = decodeURIComponent((kv[1] || "").replace(/\+/g, " ")); } catch (e) {}
    }
    return p;
}

function set_params() {
    var q = [];
    if (zoomed) { q.push("x=" + zoomed.s); q.push("y=" + zoomed.d); }
    if (currentsearch) q.push("s=" + encodeURIComponent(currentsearch));
    try {
        history.replaceState(null, "", window.location.pathname + (q.length ? "?" + q.join("&") : ""));
    } catch (e) {}
}

// The label that fits `w` pixels: the whole name, the name cut with "..", or nothing.
function fit_label(name, w) {
    var fit = Math.floor(w / (fontsize * fontwidth));
    if (fit < 3) return "";
    if (name.length <= fit) return name;
    return name.substring(0, fit - 2) + "..";
}

function place(f, x, w) {
    f.rect.setAttribute("x", x.toFixed(2));
    f.rect.setAttribute("width", w.toFixed(2));
    f.text.setAttribute("x", (x + 3).toFixed(2));
    f.text.textContent = fit_label(f.name, w);
}

function zoom(g) {
    var z = frames[g.fgIndex];
    if (!z || z.n <= 0) return;
    zoomed = z;
    var scale = (width - 2 * xpad) / z.n;
    for (var i = 0; i < frames.length; i++) {
        var f = frames[i], cl = f.g.classList;
        if (f.d < z.d && f.s <= z.s && f.s + f.n >= z.s + z.n) {
            cl.add("parent"); cl.remove("hide");
            place(f, xpad, width - 2 * xpad);
        } else if (f.d >= z.d && f.s >= z.s && f.s + f.n <= z.s + z.n) {
            cl.remove("parent"); cl.remove("hide");
            place(f, xpad + (f.s - z.s) * scale, f.n * scale);
        } else {
            cl.add("hide"); cl.remove("parent");
        }
    }
    unzoombtn.classList.remove("hide");
    if (currentsearch) search(currentsearch);
    set_params();
}

function unzoom() {
    zoomed = null;
    for (var i = 0; i < frames.length; i++) {
        var f = frames[i];
        f.g.classList.remove("parent");
        f.g.classList.remove("hide");
        place(f, f.x, f.w);
    }
    unzoombtn.classList.add("hide");
    if (currentsearch) search(currentsearch);
    set_params();
}

function toggle_ignorecase() {
    ignorecase = !ignorecase;
    if (ignorecase) icbtn.classList.add("show"); else icbtn.classList.remove("show");
    if (currentsearch) search(currentsearch);
}

function search_prompt() {
    if (currentsearch) { reset_search(); return; }
    var term = prompt("Enter a search term (regexp allowed, eg: ^ext4_)" + (ignorecase ? ", ignoring case" : "") +
        "\nPress Ctrl-i to toggle case sensitivity", "");
    if (term != null && term !== "") search(term);
}

function reset_search() {
    for (var i = 0; i < frames.length; i++) frames[i].rect.setAttribute("fill", frames[i].fill);
    currentsearch = null;
    searchbtn.classList.remove("show");
    searchbtn.firstChild.nodeValue = "Search";
    matchedtxt.classList.add("hide");
    matchedtxt.firstChild.nodeValue = " ";
    set_params();
}

// Highlights frames whose name matches the regular expression and shows the share of all
// samples under them (overlapping matches, such as recursion, counted once). Returns that share.
function search(term) {
    var re;
    try { re = new RegExp(term, ignorecase ? "i" : ""); } catch (e) { return null; }
    currentsearch = term;
    var spans = [];
    for (var i = 0; i < frames.length; i++) {
        var f = frames[i];
        if (f.d > 0 && re.test(f.name)) {
            f.rect.setAttribute("fill", "rgb(230,0,230)");
            spans.push([f.s, f.s + f.n]);
        } else {
            f.rect.setAttribute("fill", f.fill);
        }
    }
    spans.sort(function (a, b) { return a[0] - b[0] || b[1] - a[1]; });
    var covered = 0, end = -Infinity;
    for (var k = 0; k < spans.length; k++) {
        var a = Math.max(spans[k][0], end), b = spans[k][1];
        if (b > a) { covered += b - a; end = b; }
    }
    var pct = total > 0 ? 100 * covered / total : 0;
    searchbtn.classList.add("show");
    searchbtn.firstChild.nodeValue = "Reset Search";
    matchedtxt.classList.remove("hide");
    matchedtxt.firstChild.nodeValue = "Matched: " + (pct === 100 ? "100" : pct.toFixed(1)) + "%";
    set_params();
    return pct;
}

init();
"""#
