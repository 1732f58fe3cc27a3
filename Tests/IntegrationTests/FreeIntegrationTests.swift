import Testing
import Foundation
import TestSupport

@Suite struct FreeIntegrationTests {
    @Test func placeholder() {}
}
