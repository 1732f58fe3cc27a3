import CSonde
import Glibc
import PerfData


/// The mmap'ed ring buffer of a sampling event: page 0 is `perf_event_mmap_page`, then 2^n data pages.
/// The kernel writes at data_head; we read from data_tail to data_head (acquire), then publish the new
/// tail (release) so the kernel can reuse the space (tools/include/linux/ring_buffer.h).
public final class RingBuffer: @unchecked Sendable {
    public let fd: Int32
    let base: UnsafeMutableRawPointer
    let mapLength: Int
    let dataOffset: Int
    /// Bytes of the data area (a power of two).
    public let dataSize: Int
    var scratch: UnsafeMutableRawPointer
    var scratchSize: Int

    /// PERF_RECORD_LOST records seen and the events they say were lost.
    public private(set) var lostRecords: UInt64 = 0
    public private(set) var lostEvents: UInt64 = 0
    /// Records that straddled the end of the buffer (copied out).
    public private(set) var wrappedRecords: UInt64 = 0
    /// Records handed out.
    public private(set) var records: UInt64 = 0

    static let headOffset = 1024, tailOffset = 1032, dataOffsetOffset = 1040, dataSizeOffset = 1048

    /// Maps 1 + `dataPages` pages of `fd` (dataPages a power of two). The fd stays owned by the caller.
    public init(fd: Int32, dataPages: Int) throws(PerfEventError) {
        guard dataPages > 0, dataPages & (dataPages - 1) == 0 else {
            throw PerfEventError(kind: .system(EINVAL), what: "ring buffer of \(dataPages) pages (must be a power of two)", errno: EINVAL)
        }
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        let len = (1 + dataPages) * page
        let p = mmap(nil, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0)
        guard let p, p != MAP_FAILED else {
            let e = errno
            if e == EPERM || e == EACCES {
                throw PerfEventError(kind: .permission(paranoid: paranoidLevel()), what: "mmap ring buffer (\(len / 1024) KiB; see /proc/sys/kernel/perf_event_mlock_kb)", errno: e)
            }
            throw PerfEventError(kind: .system(e), what: "mmap ring buffer", errno: e)
        }
        self.fd = fd
        base = p
        mapLength = len
        // data_offset/data_size exist since Linux 4.1; older kernels put the data at page 1.
        let off = Int(p.load(fromByteOffset: RingBuffer.dataOffsetOffset, as: UInt64.self))
        let size = Int(p.load(fromByteOffset: RingBuffer.dataSizeOffset, as: UInt64.self))
        if off != 0 && size != 0 && off + size <= len { dataOffset = off; dataSize = size } else { dataOffset = page; dataSize = dataPages * page }
        scratchSize = 65536
        scratch = UnsafeMutableRawPointer.allocate(byteCount: scratchSize, alignment: 8)
    }

    deinit {
        munmap(base, mapLength)
        scratch.deallocate()
    }

    var headPointer: UnsafePointer<UInt64> { UnsafePointer(base.advanced(by: RingBuffer.headOffset).assumingMemoryBound(to: UInt64.self)) }
    var tailPointer: UnsafeMutablePointer<UInt64> { base.advanced(by: RingBuffer.tailOffset).assumingMemoryBound(to: UInt64.self) }

    /// Bytes written by the kernel and not consumed yet.
    public var pending: Int { Int(sonde_load_acquire_u64(headPointer) &- tailPointer.pointee) }

    /// The metadata page (time_shift/time_mult/time_zero and friends).
    public var metadataPage: UnsafeRawPointer { UnsafeRawPointer(base) }

    /// Hands every complete record between tail and head to `body` (header included; the bytes are only
    /// valid during the call), then advances the tail. Returns how many records were read.
    /// PERF_RECORD_LOST is counted and handed out like any record.
    @discardableResult
    public func drain(_ body: (UnsafeRawBufferPointer) throws -> Void) rethrows -> Int {
        let head = sonde_load_acquire_u64(headPointer)
        var tail = tailPointer.pointee
        let data = base.advanced(by: dataOffset)
        let mask = UInt64(dataSize - 1)
        var n = 0
        defer { sonde_store_release_u64(tailPointer, tail) }
        while tail < head {
            let off = Int(tail & mask)
            // Records are 8-byte aligned and sized, so the 8-byte header never straddles the end.
            let type = data.load(fromByteOffset: off, as: UInt32.self)
            let size = Int(data.load(fromByteOffset: off + 6, as: UInt16.self))
            guard size >= 8, UInt64(size) <= head - tail else {
                // Corrupt or torn: skip everything (the kernel never writes such a record).
                tail = head
                break
            }
            let rec: UnsafeRawBufferPointer
            if off + size <= dataSize {
                rec = UnsafeRawBufferPointer(start: data.advanced(by: off), count: size)
            } else {
                if size > scratchSize {
                    scratch.deallocate()
                    scratchSize = size
                    scratch = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 8)
                }
                let first = dataSize - off
                scratch.copyMemory(from: data.advanced(by: off), byteCount: first)
                scratch.advanced(by: first).copyMemory(from: data, byteCount: size - first)
                rec = UnsafeRawBufferPointer(start: scratch, count: size)
                wrappedRecords += 1
            }
            if type == RecordType.lost && size >= 24 {
                lostRecords += 1
                lostEvents &+= rec.loadUnaligned(fromByteOffset: 16, as: UInt64.self)
            }
            tail += UInt64(size)
            n += 1
            records += 1
            try body(rec)
        }
        return n
    }

    /// Waits until the kernel signals data (wakeup_events/watermark) or the timeout (ms, -1 forever)
    /// passes; false on timeout. POLLHUP (the event's task exited) also returns true.
    public func poll(timeoutMs: Int32) -> Bool { RingBuffer.poll([fd], timeoutMs: timeoutMs) }

    /// poll(2) over several event fds.
    public static func poll(_ fds: [Int32], timeoutMs: Int32) -> Bool {
        var p = fds.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
        while true {
            let r = Glibc.poll(&p, nfds_t(p.count), timeoutMs)
            if r < 0 && errno == EINTR { continue }
            return r > 0
        }
    }
}
