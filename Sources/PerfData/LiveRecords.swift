import Bytes

extension PerfDataFile {
    /// A ring-buffer record (header included) as a RawRecord with its attr resolved; nil if it is
    /// shorter than its header says.
    public func liveRecord(_ b: Bytes) -> RawRecord? {
        guard let type = try? b.u32(0), let misc = try? b.u16(4), let size = try? b.u16(6), Int(size) == b.count, size >= 8 else { return nil }
        return RawRecord(type: type, misc: misc, offset: 0, decompressedOffset: -1, bytes: b, attrIndex: attrIndex(type: type, record: b))
    }
}
