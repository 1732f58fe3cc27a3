/// pprof's profile.proto (github.com/google/pprof proto/profile.proto), gzip-compressed as pprof
/// reads it. Identical stacks become one sample (in first-seen order); locations are leaf first; consecutive inlined
/// frames share one location with their caller (lines innermost first); one mapping per module.
public enum Pprof {
    /// The encoded (uncompressed) profile.proto message.
    public static func encode(_ profile: StackProfile, timeNanos: Int64 = 0, durationNanos: Int64 = 0,
                              comments: [String] = []) -> [UInt8] {
        var strings: [String] = [""]
        var stringIndex: [String: Int64] = ["": 0]
        func str(_ s: String) -> Int64 {
            if let i = stringIndex[s] { return i }
            let i = Int64(strings.count)
            strings.append(s)
            stringIndex[s] = i
            return i
        }
        struct FunctionKey: Hashable { var name: String; var file: String }
        var functions: [FunctionKey] = []
        var functionIndex: [FunctionKey: Int64] = [:]
        var mappings: [String] = []
        var mappingIndex: [String: Int64] = [:]
        var mappingHasFiles: [Bool] = [], mappingHasLines: [Bool] = []
        // Location: mapping id and lines (function id, line), innermost first.
        var locations: [(mapping: Int64, lines: [(Int64, Int64)])] = []
        var locationIndex: [[Int64]: Int64] = [:]
        var samples: [(locations: [Int64], values: [Int64])] = []

        func functionID(_ f: Frame) -> Int64 {
            let k = FunctionKey(name: f.name, file: f.file ?? "")
            if let i = functionIndex[k] { return i }
            functions.append(k)
            let i = Int64(functions.count)
            functionIndex[k] = i
            return i
        }
        func mappingID(_ f: Frame) -> Int64 {
            guard let m = f.module else { return 0 }
            let i: Int64
            if let j = mappingIndex[m] { i = j } else {
                mappings.append(m); mappingHasFiles.append(false); mappingHasLines.append(false)
                i = Int64(mappings.count)
                mappingIndex[m] = i
            }
            if f.file != nil { mappingHasFiles[Int(i) - 1] = true }
            if f.line > 0 { mappingHasLines[Int(i) - 1] = true }
            return i
        }
        func locationID(_ group: [Frame]) -> Int64 {
            let mapping = mappingID(group.last!)
            var lines: [(Int64, Int64)] = []
            var key: [Int64] = [mapping]
            for f in group {
                let fid = functionID(f)
                lines.append((fid, Int64(f.line)))
                key.append(fid); key.append(Int64(f.line))
            }
            if let i = locationIndex[key] { return i }
            locations.append((mapping, lines))
            let i = Int64(locations.count)
            locationIndex[key] = i
            return i
        }
        // One sample per distinct stack: the tree's nodes with self weight, walked up to the root
        // (leaf first, as pprof wants). Location id of each frame alone, cached (the common case).
        let tree = FrameTree(profile)
        var single = [Int64](repeating: 0, count: profile.frames.count)
        var group: [Frame] = []
        for v in 1..<max(tree.count, 1) {
            let values = profile.columns == 2 ? [tree.selfWeight(v), tree.selfWeight(v, column: 1)] : [tree.selfWeight(v)]
            if values.allSatisfy({ $0 == 0 }) { continue }
            var ids: [Int64] = []
            group.removeAll(keepingCapacity: true)
            var n = v
            while n > 0 {
                let fid = Int(tree.frame(n))
                n = Int(tree.parent(n))
                let f = profile.frames[fid]
                if f.kind == .inlined { group.append(f); continue }
                if group.isEmpty {
                    if single[fid] == 0 { single[fid] = locationID([f]) }
                    ids.append(single[fid])
                } else {
                    group.append(f)
                    ids.append(locationID(group))
                    group.removeAll(keepingCapacity: true)
                }
            }
            if !group.isEmpty { ids.append(locationID(group)) }
            samples.append((ids, values))
        }

        var w = ProtobufWriter()
        var typeIDs: [(Int64, Int64)] = []
        for t in profile.sampleTypes { typeIDs.append((str(t.type), str(t.unit))) }
        let functionStrings = functions.map { (str($0.name), str($0.file)) }
        let mappingStrings = mappings.map { str($0) }
        let commentIDs = comments.map { str($0) }
        for (t, u) in typeIDs { w.message(1) { $0.int(1, t); $0.int(2, u) } }                   // sample_type
        for s in samples { w.message(2) { $0.packed(1, s.locations); $0.packed(2, s.values) } }  // sample
        for (i, m) in mappingStrings.enumerated() {                                              // mapping
            w.message(3) {
                $0.int(1, Int64(i + 1)); $0.int(5, m)
                $0.bool(7, true); $0.bool(8, mappingHasFiles[i]); $0.bool(9, mappingHasLines[i])
                $0.bool(10, true)
            }
        }
        for (i, l) in locations.enumerated() {                                                   // location
            w.message(4) {
                $0.int(1, Int64(i + 1)); $0.int(2, l.mapping)
                for (f, line) in l.lines { $0.message(4) { $0.int(1, f); $0.int(2, line) } }
            }
        }
        for (i, f) in functionStrings.enumerated() {                                              // function
            w.message(5) { $0.int(1, Int64(i + 1)); $0.int(2, f.0); $0.int(3, f.0); $0.int(4, f.1) }
        }
        for s in strings { w.string(6, s) }                                                      // string_table
        w.int(9, timeNanos)
        w.int(10, durationNanos)
        w.message(11) { $0.int(1, typeIDs[0].0); $0.int(2, typeIDs[0].1) }                      // period_type
        w.int(12, profile.period)
        for c in commentIDs { w.key(13, 0); w.varint(UInt64(c)) }
        return w.bytes
    }

    /// The gzip-compressed profile, as `pprof` and profile stores expect it.
    public static func gzipped(_ profile: StackProfile, timeNanos: Int64 = 0, durationNanos: Int64 = 0) -> [UInt8] {
        Gzip.compress(encode(profile, timeNanos: timeNanos, durationNanos: durationNanos), level: 1) // fastest, as Go's pprof writes
    }
}
