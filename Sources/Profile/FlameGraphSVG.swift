/// How a flame graph is drawn (flamegraph.pl's options).
public struct FlameGraphOptions: Sendable {
    /// Title; nil: "Flame Graph", "Icicle Graph" or "Differential Flame Graph".
    public var title: String?
    public var subtitle: String?
    /// Image width in pixels.
    public var width: Double = 1200
    /// Height of one frame in pixels.
    public var frameHeight: Double = 16
    public var fontSize: Double = 12
    /// Average character width as a fraction of the font size (for truncating labels).
    public var fontWidth: Double = 0.59
    public var fontType = "Verdana"
    /// Frames narrower than this many pixels are omitted.
    public var minWidth: Double = 0.1
    /// Colour palette; nil picks one from the sample type.
    public var palette: Palette?
    /// What the counts are called in tooltips ("samples", "bytes", ...); nil: from the sample type.
    public var countName: String?
    /// Label before a frame's name in the details line.
    public var nameType = "Function:"
    /// Merge stacks leaf first (a "reversed" flame graph).
    public var reversed = false
    /// Root at the top (an icicle graph).
    public var inverted = false
    /// Differential: swap red and blue.
    public var negate = false

    public init() {}
}

/// Flame graph SVG rendering (the picture of flamegraph.pl, our own code and script).
public enum FlameGraph {
    static let xpad = 10.0
    static let framePad = 1.0

    /// Renders a profile as a self-contained interactive SVG. A differential (two-column) profile
    /// is drawn with widths from the second column, each frame coloured by the change of its self
    /// count from the first (red grew, blue shrank, white unchanged), as flamegraph.pl does.
    public static func svg(_ profile: StackProfile, options o: FlameGraphOptions = FlameGraphOptions()) -> [UInt8] {
        let tree = FrameTree(profile, reversed: o.reversed)
        return svg(profile, tree: tree, options: o)
    }

    /// Renders with a tree already merged (`tree` must come from `profile`, reversed as `options` say).
    public static func svg(_ profile: StackProfile, tree: FrameTree, options o: FlameGraphOptions) -> [UInt8] {
        let diff = profile.columns == 2
        let col = diff ? 1 : 0
        let total = tree.total(0, column: col)
        let palette = o.palette ?? Palette.default(for: profile.sampleTypes[0])
        let countName = o.countName ?? defaultCountName(profile.sampleTypes[col])
        let fs = o.fontSize
        let titleText = o.title ?? (o.inverted ? "Icicle Graph" : diff ? "Differential Flame Graph" : "Flame Graph")
        let ypad1 = fs * 3 + (o.subtitle != nil ? fs * 2 : 0)
        let ypad2 = fs * 2 + 10
        let width = max(o.width, 2 * xpad + 1)
        let wpu = total > 0 ? (width - 2 * xpad) / Double(total) : 0
        let minUnits = wpu > 0 ? o.minWidth / wpu : 0

        // Layout: start offset (in weight units) of each kept node; children left to right after
        // the parent's self weight (where flamegraph.pl's sorted input puts it).
        var start = [Double](repeating: -1, count: tree.count)
        var keep: [Int32] = []
        var depthOf = [Int32](repeating: 0, count: tree.count)
        var maxDepth = 0
        var maxDelta: Int64 = 0
        if total > 0 {
            start[0] = 0
            var stack: [(Int32, Int32)] = [(0, 0)]
            while let (v, dd) = stack.popLast() {
                let n = Int(v)
                let d = Int(dd)
                keep.append(v)
                depthOf[n] = dd
                if d > maxDepth { maxDepth = d }
                if diff {
                    let delta = tree.selfWeight(n, column: 1) &- tree.selfWeight(n, column: 0)
                    if delta.magnitude > maxDelta.magnitude { maxDelta = Int64(clamping: delta.magnitude) }
                }
                var x = start[n] + Double(tree.selfWeight(n, column: col))
                for c in tree.children(n) {
                    let w = Double(tree.total(Int(c), column: col))
                    if w > 0 && w >= minUnits {
                        start[Int(c)] = x
                        stack.append((c, dd + 1))
                    }
                    x += w
                }
            }
        }
        let imageHeight = Double(maxDepth + 1) * o.frameHeight + ypad1 + ypad2
        var t = ByteText()
        t.bytes.reserveCapacity(keep.count * 200 + 20000)
        t.add("<?xml version=\"1.0\" standalone=\"no\"?>\n")
        t.add("<!DOCTYPE svg PUBLIC \"-//W3C//DTD SVG 1.1//EN\" \"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd\">\n")
        t.add("<svg version=\"1.1\" width=\""); t.add(fixed: width); t.add("\" height=\""); t.add(fixed: imageHeight)
        t.add("\" onload=\"init(evt)\" viewBox=\"0 0 "); t.add(fixed: width); t.add(" "); t.add(fixed: imageHeight)
        t.add("\" xmlns=\"http://www.w3.org/2000/svg\" xmlns:xlink=\"http://www.w3.org/1999/xlink\"")
        t.add(" data-total=\""); t.add(total); t.add("\" data-xpad=\""); t.add(fixed: xpad)
        t.add("\" data-fontsize=\""); t.add(fixed: fs); t.add("\" data-fontwidth=\""); t.add(fixed: o.fontWidth, places: 3)
        t.add("\" data-inverted=\""); t.add(o.inverted ? "1" : "0"); t.add("\">\n")
        t.add("<!-- Flame graph stack visualization (after Brendan Gregg's flamegraph.pl); drawn by sonde. -->\n")
        let (bg1, bg2) = palette == .mem || palette == .io || palette == .wakeup ? ("#eeeeee", "#e0e0ff") :
            diff ? ("#eeeeee", "#eeeeee") : ("#eeeeee", "#eeeeb0")
        t.add("<defs>\n<linearGradient id=\"background\" y1=\"0\" y2=\"1\" x1=\"0\" x2=\"0\">\n")
        t.add("<stop stop-color=\"\(bg1)\" offset=\"5%\"/>\n<stop stop-color=\"\(bg2)\" offset=\"95%\"/>\n</linearGradient>\n</defs>\n")
        t.add("<style type=\"text/css\">\n")
        t.add("text { font-family:"); t.add(xml: o.fontType.filter { $0 != ";" && $0 != "}" && $0 != "<" }); t.add("; font-size:\(fmt(fs))px; fill:rgb(0,0,0); }\n")
        t.add("#search, #ignorecase { opacity:0.1; cursor:pointer; }\n#search:hover, #search.show, #ignorecase:hover, #ignorecase.show { opacity:1; }\n")
        t.add("#subtitle { text-anchor:middle; font-color:rgb(160,160,160); }\n")
        t.add("#title { text-anchor:middle; font-size:\(fmt(fs + 5))px; }\n")
        t.add("#unzoom { cursor:pointer; }\n#frames > *:hover { stroke:black; stroke-width:0.5; cursor:pointer; }\n")
        t.add(".hide { display:none; }\n.parent { opacity:0.5; }\n")
        t.add("</style>\n")
        t.add("<rect x=\"0\" y=\"0\" width=\""); t.add(fixed: width); t.add("\" height=\""); t.add(fixed: imageHeight)
        t.add("\" fill=\"url(#background)\"/>\n")
        t.add("<text id=\"title\" x=\""); t.add(fixed: width / 2); t.add("\" y=\""); t.add(fixed: fs * 2); t.add("\">")
        t.add(xml: titleText); t.add("</text>\n")
        if let sub = o.subtitle {
            t.add("<text id=\"subtitle\" x=\""); t.add(fixed: width / 2); t.add("\" y=\""); t.add(fixed: fs * 4); t.add("\">")
            t.add(xml: sub); t.add("</text>\n")
        }
        t.add("<text id=\"details\" x=\""); t.add(fixed: xpad); t.add("\" y=\""); t.add(fixed: imageHeight - ypad2 / 2)
        t.add("\"> </text>\n")
        t.add("<text id=\"unzoom\" class=\"hide\" x=\""); t.add(fixed: xpad); t.add("\" y=\""); t.add(fixed: fs * 2)
        t.add("\">Reset Zoom</text>\n")
        t.add("<text id=\"search\" x=\""); t.add(fixed: width - xpad - 100); t.add("\" y=\""); t.add(fixed: fs * 2)
        t.add("\">Search</text>\n")
        t.add("<text id=\"ignorecase\" x=\""); t.add(fixed: width - xpad - 16); t.add("\" y=\""); t.add(fixed: fs * 2)
        t.add("\">ic</text>\n")
        t.add("<text id=\"matched\" x=\""); t.add(fixed: width - xpad - 100); t.add("\" y=\""); t.add(fixed: imageHeight - ypad2 / 2)
        t.add("\"> </text>\n")
        if total == 0 {
            t.add("<text x=\""); t.add(fixed: width / 2); t.add("\" y=\""); t.add(fixed: fs * 4)
            t.add("\" text-anchor=\"middle\">ERROR: No valid input provided to flamegraph</text>\n")
        }
        t.add("<g id=\"frames\">\n")
        let charWidth = fs * o.fontWidth
        for v in keep {
            let n = Int(v)
            let d = Int(depthOf[n])
            let w = Double(tree.total(n, column: col))
            let x1 = xpad + start[n] * wpu, ww = w * wpu
            let y1: Double, y2: Double
            if o.inverted {
                y1 = ypad1 + Double(d) * o.frameHeight
                y2 = ypad1 + Double(d + 1) * o.frameHeight - framePad
            } else {
                y1 = imageHeight - ypad2 - Double(d + 1) * o.frameHeight + framePad
                y2 = imageHeight - ypad2 - Double(d) * o.frameHeight
            }
            let f = n == 0 ? nil : profile.frames[Int(tree.frame(n))]
            let name = f?.name ?? "all"
            let count = tree.total(n, column: col)
            let color: String
            var deltaText = ""
            if diff {
                // As flamegraph.pl: a frame's colour is the change of its own (self) count.
                var delta = tree.selfWeight(n, column: 1) &- tree.selfWeight(n, column: 0)
                if o.negate { delta = 0 &- delta }
                let (r, g, b) = Palette.differential(delta: delta, maxDelta: maxDelta)
                color = "rgb(\(r),\(g),\(b))"
                if n > 0 {
                    var dt = ByteText()
                    dt.add(fixed: total > 0 ? 100 * Double(delta) / Double(total) : 0, places: 2, keepZeros: true)
                    deltaText = "; " + (delta > 0 ? "+" : "") + String(decoding: dt.bytes, as: UTF8.self) + "%"
                }
            } else if n == 0 {
                color = "rgb(250,250,250)"
            } else {
                color = palette.color(name: name, kind: f!.kind)
            }
            t.add("<g data-s=\""); t.add(start[n]); t.add("\" data-n=\""); t.add(count)
            t.add("\" data-d=\""); t.add(d); t.add("\"><title>")
            t.add(xml: name); t.add(" ("); t.add(withCommas(count)); t.add(" "); t.add(xml: countName); t.add(", ")
            // As flamegraph.pl: "100%" for the root, two decimals elsewhere.
            if n == 0 { t.add("100") } else { t.add(fixed: total > 0 ? 100 * Double(count) / Double(total) : 0, places: 2, keepZeros: true) }
            t.add("%"); t.add(deltaText); t.add(")</title>")
            t.add("<rect x=\""); t.add(fixed: x1); t.add("\" y=\""); t.add(fixed: y1); t.add("\" width=\""); t.add(fixed: ww)
            t.add("\" height=\""); t.add(fixed: y2 - y1); t.add("\" fill=\""); t.add(color); t.add("\" rx=\"2\" ry=\"2\"/>")
            t.add("<text x=\""); t.add(fixed: x1 + 3); t.add("\" y=\""); t.add(fixed: 3 + (y1 + y2) / 2); t.add("\">")
            t.add(xml: label(name, width: ww, charWidth: charWidth)); t.add("</text></g>\n")
        }
        t.add("</g>\n<script type=\"text/ecmascript\"><![CDATA[\n")
        t.add("var nametype = "); t.add(json: o.nameType); t.add(";\n")
        t.add(flameGraphScript)
        t.add("]]></script>\n</svg>\n")
        return t.bytes
    }

    /// A frame's label: the name, truncated with ".." to fit, or nothing when under 3 characters fit.
    static func label(_ name: String, width: Double, charWidth: Double) -> String {
        let fit = Int(width / charWidth)
        if fit < 3 { return "" }
        var n = 0
        for _ in name.unicodeScalars { n += 1; if n > fit { break } }
        if n <= fit { return name }
        return String(String.UnicodeScalarView(name.unicodeScalars.prefix(fit - 2))) + ".."
    }

    static func defaultCountName(_ t: SampleType) -> String {
        switch t.unit {
        case "count": return "samples"
        case "": return "samples"
        default: return t.unit
        }
    }

    static func fmt(_ v: Double) -> String {
        var t = ByteText()
        t.add(fixed: v)
        return String(decoding: t.bytes, as: UTF8.self)
    }
}

extension ByteText {
    /// A start offset in weight units (integral in practice).
    mutating func add(_ v: Double) {
        if v.magnitude < 9e18 && v == v.rounded() { add(Int64(v)) } else { add(fixed: v, places: 0) }
    }
}
