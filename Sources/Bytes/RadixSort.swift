extension Array {
    /// Sorts by an unsigned key, keeping the order of elements with equal keys (stable): a check for
    /// already sorted input, insertion sort for short arrays, else an LSD radix sort, one byte per
    /// pass over the bits the keys actually span. Much faster than `sort(by:)` on the large,
    /// nearly ordered address tables of symbolization.
    @inlinable
    public mutating func stableSort(byKey key: (Element) -> UInt64) {
        let n = count
        if n < 2 { return }
        var lowest = UInt64.max, highest: UInt64 = 0, prev: UInt64 = 0, ordered = true
        for i in 0..<n {
            let k = key(self[i])
            if k < prev { ordered = false }
            prev = k
            lowest = Swift.min(lowest, k)
            highest = Swift.max(highest, k)
        }
        if ordered { return }
        if n <= 32 {
            for i in 1..<n {
                let e = self[i]
                let k = key(e)
                var j = i
                while j > 0 && key(self[j - 1]) > k { self[j] = self[j - 1]; j -= 1 }
                self[j] = e
            }
            return
        }
        let span = highest - lowest
        var keys = [UInt64](unsafeUninitializedCapacity: n) { b, c in
            for i in 0..<n { b[i] = key(self[i]) &- lowest }
            c = n
        }
        var order = [Int32](unsafeUninitializedCapacity: n) { b, c in
            for i in 0..<n { b[i] = Int32(truncatingIfNeeded: i) }
            c = n
        }
        var keys2 = [UInt64](repeating: 0, count: n)
        var order2 = [Int32](repeating: 0, count: n)
        var counts = [Int](repeating: 0, count: 256)
        var shift: UInt64 = 0
        while shift < 64 && span >> shift != 0 {
            keys.withUnsafeBufferPointer { k in
                order.withUnsafeBufferPointer { o in
                    keys2.withUnsafeMutableBufferPointer { k2 in
                        order2.withUnsafeMutableBufferPointer { o2 in
                            counts.withUnsafeMutableBufferPointer { c in
                                for i in 0..<256 { c[i] = 0 }
                                for i in 0..<n { c[Int((k[i] >> shift) & 0xff)] += 1 }
                                var sum = 0
                                for i in 0..<256 { let v = c[i]; c[i] = sum; sum += v }
                                for i in 0..<n {
                                    let d = Int((k[i] >> shift) & 0xff)
                                    let at = c[d]
                                    c[d] = at + 1
                                    k2[at] = k[i]
                                    o2[at] = o[i]
                                }
                            }
                        }
                    }
                }
            }
            swap(&keys, &keys2)
            swap(&order, &order2)
            shift += 8
        }
        let old = self
        self = order.map { old[Int($0)] }
    }
}
