/// uid/gid to name lookups from /etc/passwd and /etc/group, read once.
/// (procps goes through NSS; on systems with only local accounts the answer is the same.)
public final class UserNames: @unchecked Sendable {
    private var users: [UInt32: String] = [:]
    private var groups: [UInt32: String] = [:]
    private var usersByName: [String: UInt32] = [:]

    public init(passwd: String = "/etc/passwd", group: String = "/etc/group") {
        let fs = ProcFS(root: "")
        if let b = try? fs.readFile(passwd) { Self.load(b, into: &users, byName: &usersByName) }
        var unused: [String: UInt32] = [:]
        if let b = try? fs.readFile(group) { Self.load(b, into: &groups, byName: &unused) }
    }

    /// Parses "name:x:id:..." lines; the first entry for an id wins, as getpwuid does.
    static func load(_ bytes: [UInt8], into map: inout [UInt32: String], byName: inout [String: UInt32]) {
        for line in bytes.split(separator: 0x0A) {
            let f = line.split(separator: UInt8(ascii: ":"), omittingEmptySubsequences: false)
            guard f.count >= 3, let id = UInt32(String(decoding: f[2], as: UTF8.self)) else { continue }
            let name = String(decoding: f[0], as: UTF8.self)
            if map[id] == nil { map[id] = name }
            if byName[name] == nil { byName[name] = id }
        }
    }

    public func user(_ uid: UInt32) -> String? { users[uid] }
    public func group(_ gid: UInt32) -> String? { groups[gid] }
    public func uid(named name: String) -> UInt32? { usersByName[name] }

    /// The name, or the number when unknown.
    public func userOrID(_ uid: UInt32) -> String { users[uid] ?? String(uid) }
    public func groupOrID(_ gid: UInt32) -> String { groups[gid] ?? String(gid) }
}
