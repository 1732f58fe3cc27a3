/// Login sessions as procps 4.0.2's uptime line counts them: utmp records of
/// type USER_PROCESS with a non-empty user name (glibc x86_64/aarch64 layout:
/// 384-byte records, ut_type at 0, ut_user at 44).
public enum Utmp {
    public static let recordSize = 384
    static let userProcess: Int16 = 7
    static let userOffset = 44

    public static func countUsers(_ bytes: [UInt8]) -> Int {
        var n = 0
        var off = 0
        while off + recordSize <= bytes.count {
            let type = Int16(bytes[off]) | (Int16(bytes[off + 1]) << 8)
            if type == userProcess && bytes[off + userOffset] != 0 { n += 1 }
            off += recordSize
        }
        return n
    }

    /// Reads /var/run/utmp (missing file: no users, as getutent gives none).
    public static func countUsers(path: String = "/var/run/utmp") -> Int {
        guard let b = try? ProcFS(root: "").readFile(path) else { return 0 }
        return countUsers(b)
    }
}
