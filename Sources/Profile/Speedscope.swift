/// speedscope's file format (github.com/jlfwong/speedscope src/lib/file-format-spec.ts): shared
/// frames and one "sampled" profile per weight column, stacks root first, identical stacks merged.
public enum Speedscope {
    /// The JSON document; `name` names the profile group.
    public static func json(_ profile: StackProfile, name: String = "sonde profile") -> [UInt8] {
        // Frames as speedscope sees them: name, file, line.
        struct Key: Hashable { var name: String; var file: String?; var line: Int }
        var frameIndex: [Key: Int] = [:]
        var frames: [Key] = []
        var map = [Int](repeating: 0, count: profile.frames.count)
        for (i, f) in profile.frames.enumerated() {
            let k = Key(name: f.name, file: f.file, line: f.line)
            if let j = frameIndex[k] { map[i] = j } else { map[i] = frames.count; frameIndex[k] = frames.count; frames.append(k) }
        }
        // One sample per distinct stack (the tree's nodes with self weight, in first-seen order).
        let tree = FrameTree(profile)
        var stacks: [[Int]] = []
        var w0: [Int64] = [], w1: [Int64] = []
        for v in 1..<max(tree.count, 1) {
            let a = tree.selfWeight(v), b = profile.columns == 2 ? tree.selfWeight(v, column: 1) : 0
            if a == 0 && b == 0 { continue }
            var s: [Int] = []
            var n = v
            while n > 0 { s.append(map[Int(tree.frame(n))]); n = Int(tree.parent(n)) }
            stacks.append(s.reversed())
            w0.append(a); w1.append(b)
        }
        var t = ByteText()
        t.add("{\"$schema\":\"https://www.speedscope.app/file-format-schema.json\",\"exporter\":\"sonde\",\"name\":")
        t.add(json: name)
        t.add(",\"activeProfileIndex\":0,\"shared\":{\"frames\":[")
        for (i, f) in frames.enumerated() {
            if i > 0 { t.add(",") }
            t.add("{\"name\":"); t.add(json: f.name)
            if let file = f.file { t.add(",\"file\":"); t.add(json: file) }
            if f.line > 0 { t.add(",\"line\":"); t.add(f.line) }
            t.add("}")
        }
        t.add("]},\"profiles\":[")
        for c in 0..<profile.columns {
            let ws = c == 0 ? w0 : w1
            var total: Int64 = 0
            for w in ws where w > 0 { total = total.addingSaturating(w) }
            if c > 0 { t.add(",") }
            t.add("{\"type\":\"sampled\",\"name\":")
            t.add(json: profile.columns == 2 ? (c == 0 ? "\(name) (before)" : "\(name) (after)") : name)
            t.add(",\"unit\":"); t.add(json: unit(profile.sampleTypes[c]))
            t.add(",\"startValue\":0,\"endValue\":"); t.add(total)
            t.add(",\"samples\":[")
            var first = true
            for (j, s) in stacks.enumerated() where ws[j] > 0 {
                if !first { t.add(",") }
                first = false
                t.add("[")
                for (i, f) in s.enumerated() { if i > 0 { t.add(",") }; t.add(f) }
                t.add("]")
            }
            t.add("],\"weights\":[")
            first = true
            for w in ws where w > 0 {
                if !first { t.add(",") }
                first = false
                t.add(w)
            }
            t.add("]}")
        }
        t.add("]}\n")
        return t.bytes
    }

    /// speedscope's unit for a sample type.
    static func unit(_ t: SampleType) -> String {
        switch t.unit {
        case "nanoseconds", "microseconds", "milliseconds", "seconds", "bytes": return t.unit
        default: return "none"
        }
    }
}
