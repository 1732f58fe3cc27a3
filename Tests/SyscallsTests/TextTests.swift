import Testing
@testable import Syscalls
import Foundation

@Suite struct TextTests {
    @Test func errnoNamesMatchTheUAPIHeaders() throws {
        var expected: [Int: String] = [:]
        for f in ["/usr/include/asm-generic/errno-base.h", "/usr/include/asm-generic/errno.h"] {
            let text = try String(contentsOfFile: f, encoding: .utf8)
            for line in text.split(separator: "\n") where line.hasPrefix("#define") {
                let w = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
                if w.count >= 3, let n = Int(w[2]), expected[n] == nil { expected[n] = String(w[1]) }
            }
        }
        #expect(expected.count > 120)
        for (n, name) in expected { #expect(Errno.name(n) == name, "errno \(n)") }
    }
}
