/// Names a controlling terminal from the tty_nr of /proc/PID/stat the way ps
/// prints it ("pts/3", "tty1", "ttyS0", "console", "?" for none).
public struct TTYNames: Sendable {
    struct Driver: Sendable { var node: String; var major: UInt32; var minorStart: UInt32; var minorEnd: UInt32 }
    var drivers: [Driver] = []

    /// Built from /proc/tty/drivers content (may be empty: the fixed rules still apply).
    public init(drivers bytes: [UInt8] = []) {
        for line in bytes.split(separator: 0x0A) {
            let f = line.split(separator: 0x20)
            guard f.count >= 4, let major = UInt32(String(decoding: f[2], as: UTF8.self)) else { continue }
            let node = String(decoding: f[1], as: UTF8.self)
            let range = String(decoding: f[3], as: UTF8.self).split(separator: "-")
            guard let lo = range.first.flatMap({ UInt32($0) }) else { continue }
            let hi = range.count > 1 ? UInt32(range[1]) ?? lo : lo
            drivers.append(Driver(node: node, major: major, minorStart: lo, minorEnd: hi))
        }
    }

    public static func major(_ ttyNr: Int32) -> UInt32 { (UInt32(bitPattern: ttyNr) >> 8) & 0xfff }
    public static func minor(_ ttyNr: Int32) -> UInt32 {
        let v = UInt32(bitPattern: ttyNr)
        return (v & 0xff) | ((v >> 12) & 0xfff00)
    }

    public func name(_ ttyNr: Int32) -> String {
        if ttyNr == 0 { return "?" }
        let major = Self.major(ttyNr), minor = Self.minor(ttyNr)
        switch major {
        case 136...143: return "pts/\((major - 136) * 256 + minor)"
        case 4:
            if minor == 0 { return "tty0" }
            return minor < 64 ? "tty\(minor)" : "ttyS\(minor - 64)"
        case 5:
            switch minor {
            case 0: return "tty"
            case 1: return "console"
            case 2: return "ptmx"
            default: break
            }
        default: break
        }
        for d in drivers where d.major == major && minor >= d.minorStart && minor <= d.minorEnd {
            let node = d.node.hasPrefix("/dev/") ? String(d.node.dropFirst(5)) : d.node
            return d.minorStart == d.minorEnd ? node : node + String(minor)
        }
        return "\(major),\(minor)"
    }
}
