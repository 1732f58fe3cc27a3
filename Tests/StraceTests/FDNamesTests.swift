import Testing
@testable import Strace
@testable import Syscalls

/// The pure parts of `-y`/`-yy` and `-e read=/write=`: sock_diag requests and answers (crafted here byte
/// by byte in the kernel's layouts), path escaping, and the dump walker over a fake tracee memory.
@Suite struct SocketDiagTests {
    func le32(_ v: UInt32) -> [UInt8] { SocketDiag.le32(v) }
    func le16(_ v: UInt16) -> [UInt8] { SocketDiag.le16(v) }

    /// A netlink message of SOCK_DIAG_BY_FAMILY around `data`, padded to 4.
    func message(_ data: [UInt8], type: UInt16 = 20) -> [UInt8] {
        var m = le32(UInt32(16 + data.count)) + le16(type) + le16(2) + le32(0) + le32(0) + data
        while m.count % 4 != 0 { m.append(0) }
        return m
    }

    /// An inet_diag_msg.
    func inet(family: UInt8, sport: UInt16, dport: UInt16, src: [UInt8], dst: [UInt8], inode: UInt32) -> [UInt8] {
        var d = [family, 10, 0, 0] + [UInt8(sport >> 8), UInt8(sport & 0xff), UInt8(dport >> 8), UInt8(dport & 0xff)]
        d += src + [UInt8](repeating: 0, count: 16 - src.count)
        d += dst + [UInt8](repeating: 0, count: 16 - dst.count)
        d += [UInt8](repeating: 0, count: 12)         // if, cookie
        d += [UInt8](repeating: 0, count: 16)         // expires, rqueue, wqueue, uid
        return d + le32(inode)
    }

    func rta(_ type: UInt16, _ payload: [UInt8]) -> [UInt8] {
        var a = le16(UInt16(4 + payload.count)) + le16(type) + payload
        while a.count % 4 != 0 { a.append(0) }
        return a
    }

    @Test func requests() {
        let tcp = SocketDiag.request(.inet(family: 2, protocol: 6), inode: 7)
        #expect(tcp.count == 72)
        #expect(Array(tcp[0..<8]) == le32(72) + le16(20) + le16(0x301))
        #expect(Array(tcp[16..<24]) == [2, 6, 0, 0, 0xff, 0xff, 0xff, 0xff])
        let unix = SocketDiag.request(.unix, inode: 0x01020304)
        #expect(unix.count == 40)
        #expect(Array(unix[6..<8]) == le16(1))
        #expect(Array(unix[24..<32]) == le32(0x01020304) + le32(5))
        let nl = SocketDiag.request(.netlink, inode: 1)
        #expect(nl.count == 36 && nl[16] == 16 && nl[17] == 255)
    }

    @Test func inetDetails() {
        let lo: [UInt8] = [127, 0, 0, 1]
        let listening = message(inet(family: 2, sport: 5055, dport: 0, src: lo, dst: [], inode: 99))
        let other = message(inet(family: 2, sport: 1, dport: 2, src: lo, dst: lo, inode: 98))
        let conn = message(inet(family: 2, sport: 59462, dport: 5055, src: lo, dst: lo, inode: 100))
        let buf = other + listening + conn
        let k = SocketDiag.Kind.inet(family: 2, protocol: 6)
        #expect(SocketDiag.scan(buf, inode: 99, kind: k, name: "TCP", style: TextStyle()) == .found("TCP:[127.0.0.1:5055]"))
        #expect(SocketDiag.scan(buf, inode: 100, kind: k, name: "TCP", style: TextStyle()) ==
                .found("TCP:[127.0.0.1:59462->127.0.0.1:5055]"))
        #expect(SocketDiag.scan(buf, inode: 5, kind: k, name: "TCP", style: TextStyle()) == .other)
        let v6 = message(inet(family: 10, sport: 80, dport: 4242, src: [UInt8](repeating: 0, count: 15) + [1],
                              dst: [UInt8](repeating: 0, count: 10) + [0xff, 0xff, 10, 0, 0, 2], inode: 7))
        #expect(SocketDiag.scan(v6, inode: 7, kind: .inet(family: 10, protocol: 6), name: "TCPv6", style: TextStyle()) ==
                .found("TCPv6:[[::1]:80->[::ffff:10.0.0.2]:4242]"))
        // The end of a dump (NLMSG_DONE) stops the search.
        #expect(SocketDiag.scan(message([0, 0, 0, 0], type: 3), inode: 7, kind: k, name: "TCP", style: TextStyle()) == .stop)
    }

    @Test func unixDetails() {
        func msg(_ ino: UInt32, _ attrs: [UInt8]) -> [UInt8] { message([1, 1, 1, 0] + le32(ino) + le32(0) + le32(0) + attrs) }
        let style = TextStyle()
        #expect(SocketDiag.scan(msg(10, rta(2, le32(11))), inode: 10, kind: .unix, name: "UNIX-STREAM", style: style) ==
                .found("UNIX-STREAM:[10->11]"))
        let named = msg(12, rta(0, Array("/run/x\"y".utf8) + [0, 0]) + rta(2, le32(13)))
        #expect(SocketDiag.scan(named, inode: 12, kind: .unix, name: "UNIX-STREAM", style: style) ==
                .found("UNIX-STREAM:[12->13,\"/run/x\\\"y\"]"))
        let abstract = msg(14, rta(0, [0] + Array("sonde".utf8)))
        #expect(SocketDiag.scan(abstract, inode: 14, kind: .unix, name: "UNIX", style: style) == .found("UNIX:[14,@\"sonde\"]"))
        // Neither a peer nor a name: strace falls back to UNIX:[inode].
        #expect(SocketDiag.scan(msg(15, []), inode: 15, kind: .unix, name: "UNIX", style: style) == .stop)
    }

    @Test func netlinkDetails() {
        func msg(_ proto: UInt8, _ port: UInt32, _ ino: UInt32) -> [UInt8] {
            message([16, 3, proto, 0] + le32(port) + le32(0) + le32(0) + le32(ino) + le32(0) + le32(0))
        }
        #expect(SocketDiag.scan(msg(0, 1234, 5), inode: 5, kind: .netlink, name: "NETLINK", style: TextStyle()) ==
                .found("NETLINK:[ROUTE:1234]"))
        #expect(SocketDiag.scan(msg(15, 0, 6), inode: 6, kind: .netlink, name: "NETLINK", style: TextStyle()) ==
                .found("NETLINK:[KOBJECT_UEVENT:0]"))
        #expect(SocketDiag.scan(msg(17, 9, 7), inode: 7, kind: .netlink, name: "NETLINK", style: TextStyle()) ==
                .found("NETLINK:[17]"))
    }

    /// Truncated, oversized and random answers are refused without trapping.
    @Test func malformedAnswers() {
        var rng = SystemRandomNumberGenerator()
        let kinds: [SocketDiag.Kind] = [.unix, .netlink, .inet(family: 2, protocol: 6), .inet(family: 10, protocol: 17)]
        for n in 0..<3000 {
            var b = (0..<Int.random(in: 0...160, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
            if n % 2 == 0, b.count >= 8 {
                b.replaceSubrange(0..<4, with: le32(UInt32(Int.random(in: 0...b.count + 8, using: &rng))))
                b.replaceSubrange(4..<6, with: le16(20))
            }
            for k in kinds { _ = SocketDiag.scan(b, inode: UInt32.random(in: 0...3, using: &rng), kind: k, name: "X", style: TextStyle()) }
        }
        #expect(SocketDiag.scan([], inode: 1, kind: .unix, name: "UNIX", style: TextStyle()) == .stop)
    }
}

@Suite struct FDNamesUnitTests {
    @Test func pathEscaping() {
        let p = Array("/tmp/a\nb>c<d\"e\\f\tg\u{1}h".utf8)
        #expect(FDNames.quoted(p, style: TextStyle()) == "</tmp/a\\nb\\76c\\74d\\\"e\\\\f\\tg\\1h>")
        var x = TextStyle(); x.hexStrings = 1
        #expect(FDNames.quoted(Array("/tmp/ok".utf8), style: x) == "</tmp/ok>")
        #expect(FDNames.quoted([0x2f, 0xc3, 0xa9], style: x) == "<\\x2f\\xc3\\xa9>")
        // Octal takes three digits when a digit follows.
        #expect(FDNames.quoted([0x2f, 1, 0x37], style: TextStyle()) == "</\\0017>")
    }

    @Test func socketInodes() {
        #expect(FDNames.socketInode(Array("socket:[12345]".utf8)) == 12345)
        #expect(FDNames.socketInode(Array("socket:[0]".utf8)) == nil)
        #expect(FDNames.socketInode(Array("socket:[]".utf8)) == nil)
        #expect(FDNames.socketInode(Array("socket:[12a]".utf8)) == nil)
        #expect(FDNames.socketInode(Array("pipe:[12]".utf8)) == nil)
        #expect(FDNames.socketInode(Array("socket:[99999999999999999999999]".utf8)) == nil)
    }
}

/// A tracee memory made of a few mapped regions.
struct FakeMemory: SyscallMemory {
    var regions: [(UInt64, [UInt8])]
    func read(_ address: UInt64, into buffer: UnsafeMutableRawBufferPointer) -> Bool {
        for (base, bytes) in regions where address >= base && address &+ UInt64(buffer.count) <= base + UInt64(bytes.count) {
            let o = Int(address - base)
            for i in 0..<buffer.count { buffer[i] = bytes[o + i] }
            return true
        }
        return false
    }
}

@Suite struct IODumpTests {
    func le64(_ v: UInt64) -> [UInt8] { (0..<8).map { UInt8((v >> (8 * UInt64($0))) & 0xff) } }

    func call(_ name: String, _ args: [UInt64], result: Int64, error: Bool = false) -> SyscallCall {
        let nr = SyscallTable.of(.x86_64).all.first { $0.entry.name == name }!.number
        var c = SyscallCall(abi: .x86_64, number: nr, arguments: args)
        c.returnValue = result
        c.isError = error
        return c
    }

    @Test func writesAndReads() {
        let mem = FakeMemory(regions: [(0x1000, Array("hello world".utf8))])
        let w = IODump.lines(call("write", [3, 0x1000, 5], result: -14, error: true), tid: 1, read: [], write: [3], memory: mem)
        #expect(w == [" | 00000  68 65 6c 6c 6f                                    hello            |"])
        #expect(IODump.lines(call("read", [3, 0x1000, 11], result: -4, error: true), tid: 1, read: [3], write: [], memory: mem).isEmpty)
        #expect(IODump.lines(call("read", [3, 0x1000, 11], result: 2, error: false), tid: 1, read: [3], write: [], memory: mem) ==
                [" | 00000  68 65                                             he               |"])
        #expect(IODump.lines(call("read", [4, 0x1000, 11], result: 2), tid: 1, read: [3], write: [], memory: mem).isEmpty)
        // Unreadable from the start: nothing; readable then not: the <Cannot fetch> line.
        #expect(IODump.lines(call("write", [3, 0x9000, 5], result: 5), tid: 1, read: [], write: [3], memory: mem).isEmpty)
        let big = FakeMemory(regions: [(0x10000, [UInt8](repeating: 0x41, count: 1 << 16))])
        let l = IODump.lines(call("write", [3, 0x10000, (1 << 16) + 3], result: 0), tid: 42, read: [], write: [3], memory: big)
        #expect(l.count == 4097)
        #expect(l.last == " | <Cannot fetch 3 bytes from pid 42 @0x20000>")
        // Absurd lengths and wrapping addresses are skipped.
        #expect(IODump.lines(call("write", [3, 0xffff_ffff_ffff_fff0, 0x100], result: 0), tid: 1, read: [], write: [3], memory: mem).isEmpty)
        #expect(IODump.lines(call("write", [3, 0x1000, UInt64.max], result: 0), tid: 1, read: [], write: [3], memory: mem).isEmpty)
    }

    @Test func vectors() {
        // Three iovecs at 0x2000 over data at 0x1000: "abc", "", "def".
        let iov = le64(0x1000) + le64(3) + le64(0x1003) + le64(0) + le64(0x1003) + le64(3)
        let mem = FakeMemory(regions: [(0x1000, Array("abcdef".utf8)), (0x2000, iov)])
        let w = IODump.lines(call("writev", [5, 0x2000, 3], result: 6), tid: 1, read: [], write: [5], memory: mem)
        #expect(w == [" * 3 bytes in buffer 0", " | 00000  61 62 63                                          abc              |"])
        let r = IODump.lines(call("readv", [5, 0x2000, 1], result: 2), tid: 1, read: [5], write: [], memory: mem)
        #expect(r == [" * 2 bytes in buffer 0", " | 00000  61 62                                             ab               |"])
        #expect(IODump.lines(call("writev", [5, 0x2000, 0xffff_ffff], result: 0), tid: 1, read: [], write: [5], memory: mem).isEmpty)
        // msghdr at 0x3000 pointing at the iovecs; an mmsghdr array of two at 0x4000.
        var msg = [UInt8](repeating: 0, count: 56)
        msg.replaceSubrange(16..<24, with: le64(0x2000)); msg.replaceSubrange(24..<32, with: le64(3))
        var mm = msg + [UInt8](repeating: 0, count: 8)
        mm.replaceSubrange(56..<60, with: [2, 0, 0, 0])
        mm += mm
        let mem2 = FakeMemory(regions: mem.regions + [(0x3000, msg), (0x4000, mm)])
        #expect(IODump.lines(call("sendmsg", [5, 0x3000, 0], result: 6), tid: 1, read: [], write: [5], memory: mem2) == w)
        let m = IODump.lines(call("recvmmsg", [5, 0x4000, 2, 0, 0], result: 2), tid: 1, read: [5], write: [], memory: mem2)
        #expect(m.filter { $0.hasPrefix(" = ") } == [" = 3 buffers in vector 0", " = 3 buffers in vector 1"])
        #expect(m.count == 6)
        // A count beyond the readable messages stops quietly.
        #expect(IODump.lines(call("recvmmsg", [5, 0x4000, 9, 0, 0], result: 9), tid: 1, read: [5], write: [], memory: mem2).count == 6)
    }
}
