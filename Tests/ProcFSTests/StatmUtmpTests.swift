import Foundation
import Testing
@testable import ProcFS

@Suite struct StatmUtmpTests {
    @Test func statmParsesPagesAndRejectsGarbage() throws {
        let s = try #require(ProcessStatm.parse(Array("10665 3282 1575 156 0 2129 0\n".utf8)))
        #expect(s.size == 10665 && s.resident == 3282 && s.shared == 1575 && s.text == 156 && s.data == 2129)
        #expect(ProcessStatm.parse(Array("".utf8)) == nil)
        #expect(ProcessStatm.parse(Array("12 x".utf8)) == nil)
        #expect(ProcessStatm.parse(Array("99999999999999999999999 1 2".utf8))?.size == Int64.max)
    }

    @Test func utmpCountsUserProcessRecordsWithNames() {
        func record(type: Int16, user: String) -> [UInt8] {
            var r = [UInt8](repeating: 0, count: Utmp.recordSize)
            r[0] = UInt8(type & 0xFF); r[1] = UInt8(type >> 8)
            for (i, b) in user.utf8.prefix(32).enumerated() { r[44 + i] = b }
            return r
        }
        let bytes = record(type: 2, user: "reboot") + record(type: 7, user: "alice") + record(type: 7, user: "") + record(type: 7, user: "bob") + [1, 2, 3]
        #expect(Utmp.countUsers(bytes) == 2)
        #expect(Utmp.countUsers(path: "/nonexistent/utmp") == 0)
    }
}
