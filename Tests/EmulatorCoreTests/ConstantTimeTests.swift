import Testing

@testable import EmulatorCore

@Suite struct ConstantTimeTests {
    @Test(
        "token comparison looks at every byte of both, whatever differs where",
        arguments: [
            ("secret", "secret", true), ("secret", "secreT", false), ("secret", "Secret", false),
            ("secret", "secre", false), ("secret", "secrets", false), ("", "", true), ("", "x", false),
        ])
    func compare(lhs: String, rhs: String, equal: Bool) {
        #expect(Authenticator.constantTimeEquals(Array(lhs.utf8), Array(rhs.utf8)) == equal)
    }
}
