/// Flame-graph colour palettes (flamegraph.pl's --colors), deterministic: a name always gets the
/// same colour, from a hash of the name.
public enum Palette: String, CaseIterable, Sendable {
    case hot, mem, io, wakeup, red, green, blue, aqua, yellow, purple, orange, java, js, perl

    /// The default palette for a sample type: `mem` for bytes, `io` for off-CPU time, else `hot`.
    public static func `default`(for type: SampleType) -> Palette {
        switch type.unit {
        case "bytes": return .mem
        case "nanoseconds" where type.type != "cpu": return .io
        default: return .hot
        }
    }

    /// The fill colour of a frame, as `rgb(r,g,b)`.
    public func color(name: String, kind: FrameKind) -> String {
        let (r, g, b) = rgb(name: name, kind: kind)
        return "rgb(\(r),\(g),\(b))"
    }

    /// The fill colour of a frame as red, green, blue.
    public func rgb(name: String, kind: FrameKind) -> (Int, Int, Int) {
        let (v1, v2, v3) = Palette.hashes(name)
        func scaled(_ base: Int, _ span: Double, _ v: Double) -> Int { base + Int(span * v) }
        switch self {
        case .hot: return (scaled(205, 50, v3), scaled(0, 230, v1), scaled(0, 55, v2))
        case .mem: return (0, scaled(190, 50, v2), scaled(0, 210, v1))
        case .io: let r = scaled(80, 60, v1); return (r, r, scaled(190, 55, v2))
        case .wakeup: let r = scaled(0, 100, v1); return (r, r, scaled(200, 55, v2)) // blue-ish
        case .red: let r = scaled(200, 55, v1); let x = scaled(50, 80, v1); return (r, x, x)
        case .green: let g = scaled(200, 55, v1); let x = scaled(50, 60, v1); return (x, g, x)
        case .blue: let r = scaled(80, 60, v1); return (r, r, scaled(205, 50, v1))
        case .aqua: return (scaled(50, 60, v1), scaled(165, 55, v1), scaled(165, 55, v1))
        case .yellow: let r = scaled(175, 55, v1); return (r, r, scaled(50, 20, v1))
        case .purple: let r = scaled(190, 65, v1); return (r, scaled(80, 60, v1), r)
        case .orange: return (scaled(190, 65, v1), scaled(90, 65, v1), 0)
        case .java, .js, .perl:
            return languageColor(name: name, kind: kind).rgb(name: name, kind: .user)
        }
    }

    /// Which plain palette a frame gets under the language palettes (java, js, perl):
    /// kernel orange, inlined aqua, JIT green, C++ yellow, other native code red.
    private func languageColor(name: String, kind: FrameKind) -> Palette {
        if kind == .kernel || name.hasSuffix("_[k]") { return .orange }
        if kind == .inlined || name.hasSuffix("_[i]") { return .aqua }
        if name.hasSuffix("_[j]") { return .green }
        switch self {
        case .java:
            for p in ["java/", "javax/", "jdk/", "net/", "org/", "com/", "io/", "sun/", "Ljava/", "Ljavax/", "Ljdk/",
                      "Lnet/", "Lorg/", "Lcom/", "Lio/", "Lsun/"] where name.hasPrefix(p) { return .green }
            return name.contains("::") ? .yellow : .red
        case .js:
            if name.contains("::") { return .yellow }
            if name.contains("/") || name.contains(".js") { return .green }
            return name.hasPrefix(" ") || name.isEmpty ? .green : .red
        default: // perl
            if name.contains("::") { return .yellow }
            if name.contains("Perl") || name.contains(".pl") { return .green }
            return .red
        }
    }

    /// Three numbers in [0, 1) from a hash of the name (FNV-1a, 64 bits).
    static func hashes(_ name: String) -> (Double, Double, Double) {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in name.utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        h ^= h >> 33
        h = h &* 0xff51_afd7_ed55_8ccd
        h ^= h >> 33
        let a = Double(h & 0xffff) / 65536, b = Double((h >> 16) & 0xffff) / 65536, c = Double((h >> 32) & 0xffff) / 65536
        return (a, b, c)
    }

    /// Differential colour (difffolded.pl + flamegraph.pl): red for growth, blue for shrinkage,
    /// white for none, saturated at `maxDelta`.
    public static func differential(delta: Int64, maxDelta: Int64) -> (Int, Int, Int) {
        guard maxDelta > 0, delta != 0 else { return (255, 255, 255) }
        let v = min(Double(delta.magnitude), Double(maxDelta.magnitude)), m = Double(maxDelta.magnitude)
        let fade = Int((210.0 * (m - v) / m).rounded(.down)) // flamegraph.pl's color_scale
        return delta > 0 ? (255, fade, fade) : (fade, fade, 255)
    }
}
