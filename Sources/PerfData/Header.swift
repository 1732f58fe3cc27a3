import Bytes

/// A {offset, size} pair of the file header.
public struct FileSection: Sendable, Hashable {
    public var offset: UInt64
    public var size: UInt64
    public init(offset: UInt64, size: UInt64) { self.offset = offset; self.size = size }
}

/// The perf.data file header (file mode); pipe mode has only magic and size.
public struct FileHeader: Sendable, Hashable {
    /// "PERFILE2" as a little-endian u64.
    public static let magic: UInt64 = 0x3245_4c49_4652_4550
    public static let size = 104
    public static let pipeSize = 16

    public var headerSize: UInt64
    public var attrSize: UInt64
    public var attrs: FileSection
    public var data: FileSection
    public var eventTypes: FileSection
    /// The 256-bit feature bitmap as four u64 words (bit n of word n/64).
    public var features: [UInt64]

    /// Whether feature bit `id` is set.
    public func hasFeature(_ id: Int) -> Bool {
        guard id >= 0, id < 256 else { return false }
        return features[id / 64] >> UInt64(id % 64) & 1 != 0
    }

    /// Feature bits that are set, ascending.
    public var featureIDs: [Int] { (0..<256).filter(hasFeature) }
}
