import PerfData

extension Machine {
    /// Applies a side-band record (COMM, MMAP, MMAP2, FORK, EXIT); false for any other record.
    /// Kernel maps are those of kernel cpumode or pid -1.
    @discardableResult
    public func apply(_ record: PerfData.Record, cpumode: UInt16) -> Bool {
        switch record {
        case let .comm(c): comm(pid: Int32(bitPattern: c.pid), tid: Int32(bitPattern: c.tid), name: c.comm, exec: c.exec)
        case let .mmap(x):
            let kernel = cpumode == RecordMisc.kernel || x.pid == UInt32.max
            mmap(pid: kernel ? -1 : Int32(bitPattern: x.pid), start: x.addr, length: x.len, pgoff: x.pgoff, filename: x.filename)
        case let .mmap2(x):
            let kernel = cpumode == RecordMisc.kernel || x.pid == UInt32.max
            mmap(pid: kernel ? -1 : Int32(bitPattern: x.pid), start: x.addr, length: x.len, pgoff: x.pgoff, filename: x.filename, buildID: x.buildID)
        case let .fork(t):
            fork(pid: Int32(bitPattern: t.pid), ppid: Int32(bitPattern: t.ppid), tid: Int32(bitPattern: t.tid), ptid: Int32(bitPattern: t.ptid))
        case let .exit(t): exit(pid: Int32(bitPattern: t.pid), tid: Int32(bitPattern: t.tid))
        default: return false
        }
        return true
    }
}
