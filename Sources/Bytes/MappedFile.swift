import Dispatch
import Glibc

/// Why a file could not be opened for reading as binary data.
public struct FileError: Error, Equatable, CustomStringConvertible {
    public let path: String
    public let reason: String
    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }
    public var description: String { "\(path): \(reason)" }
}

/// Memory-maps a whole regular file read-only. Directories, FIFOs, devices and unreadable
/// files are refused with a `FileError` (a FIFO is never opened for blocking reads).
public enum MappedFile {
    public static func open(_ path: String, bigEndian: Bool = false) throws(FileError) -> Bytes {
        var st = stat()
        if stat(path, &st) != 0 { throw FileError(path: path, reason: String(cString: strerror(errno))) }
        switch st.st_mode & S_IFMT {
        case S_IFREG: break
        case S_IFDIR: throw FileError(path: path, reason: "is a directory")
        default: throw FileError(path: path, reason: "not a regular file")
        }
        let fd = Glibc.open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        if fd < 0 { throw FileError(path: path, reason: String(cString: strerror(errno))) }
        defer { close(fd) }
        if fstat(fd, &st) != 0 || st.st_mode & S_IFMT != S_IFREG {
            throw FileError(path: path, reason: "not a regular file")
        }
        let size = Int(st.st_size)
        if size == 0 { return Bytes(storage: ByteStorage(base: nil, count: 0, release: nil), bigEndian: bigEndian) }
        guard let p = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), p != MAP_FAILED else {
            throw FileError(path: path, reason: String(cString: strerror(errno)))
        }
        let addr = UInt(bitPattern: p)
        let storage = ByteStorage(base: UnsafeRawPointer(p), count: size, release: {
            munmap(UnsafeMutableRawPointer(bitPattern: addr), size)
        })
        return Bytes(storage: storage, bigEndian: bigEndian)
    }
}

extension MappedFile {
    /// Maps the pages of `bytes[offset ..< offset + length]` (a view of a mapped file) on another thread,
    /// front to back (MADV_POPULATE_READ, Linux 5.14): a reader going through a large file sequentially then
    /// finds its pages mapped instead of faulting on each. Without kernel support it does nothing.
    public static func populateInBackground(_ bytes: Bytes, offset: Int, length: Int) {
        guard let base = bytes.base, offset >= 0, length > 0, length <= bytes.count - offset else { return }
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        let start = UInt(bitPattern: base + offset) & ~UInt(page - 1)
        let end = UInt(bitPattern: base + offset + length)
        DispatchQueue.global().async {
            // The closure holds `bytes`, so the mapping stays while pages are populated.
            withExtendedLifetime(bytes) {
                var at = start
                let chunk = UInt(4 << 20)
                while at < end {
                    let n = min(chunk, end - at)
                    if madvise(UnsafeMutableRawPointer(bitPattern: at), Int(n), 22 /* MADV_POPULATE_READ */) != 0 { return }
                    at += n
                }
            }
        }
    }
}
