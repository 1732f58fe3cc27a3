extension StackProfile {
    /// Two profiles as one differential profile (difffolded.pl): each stack with its weight
    /// before and after; `normalize` scales "before" to the total of "after" (difffolded.pl -n).
    public static func differential(before: StackProfile, after: StackProfile, normalize: Bool = false) -> StackProfile {
        var p = StackProfile(sampleTypes: [before.sampleTypes[0], after.sampleTypes[after.columns - 1]])
        p.period = after.period
        let tb = before.total(), ta = after.total(column: after.columns - 1)
        let scale = normalize && tb > 0 ? Double(ta) / Double(tb) : 1
        let mb = before.frames.map { p.frameID($0) }
        for k in 0..<before.stackCount {
            let w = before.weight(k)
            let v = scale == 1 ? w : Int64(clamping: Int64(exactly: (Double(w) * scale).rounded()) ?? .max)
            p.add(frameIDs: before.stack(k).map { mb[Int($0)] }, weight: v, weight2: 0)
        }
        let ma = after.frames.map { p.frameID($0) }
        for k in 0..<after.stackCount {
            p.add(frameIDs: after.stack(k).map { ma[Int($0)] }, weight: 0, weight2: after.weight(k, column: after.columns - 1))
        }
        return p
    }
}
