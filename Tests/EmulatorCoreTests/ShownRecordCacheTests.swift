import Foundation
import TestSupport
import Testing

/// A conversation's channel and assignee are kept between reads (ShownRecordCache), never past a change: what a
/// state import changes is shown by the very next read.
@Suite struct ShownRecordCacheTests {
    static let path = "/conversations/order-1001-is-late"

    @Test("a conversation read again shows its channel and assignee as a state import renamed them")
    func renamedByImport() async throws {
        try await withEmulator { emulator in
            let client = try await OrderExample.seed(emulator)
            let assigned = try await client.put(Self.path, #"{"conversation": {"assignee": "max@acme-store.com"}}"#)
            #expect(assigned.status == 200)
            let before = try await client.get(Self.path).text
            for _ in 0..<3 { #expect(try await client.get(Self.path).text == before, "the kept records, unchanged") }
            #expect(before.contains(#""category":{"name":"Support","slug":"support","email":"support@acme-store.com""#))
            #expect(before.contains(#""assignee":{"name":"Max Support","email":"max@acme-store.com""#))

            let state = try await emulator.control("GET", "state").text
            let renamed =
                state
                .replacingOccurrences(
                    of: #""name":"Support","slug":"support""#, with: #""name":"Help Desk","slug":"support""#
                )
                .replacingOccurrences(of: #""name":"Max Support""#, with: #""name":"Max Helper""#)
            #expect(renamed != state)
            #expect(try await emulator.control("PUT", "state", renamed).status == 200)
            let after = try await client.get(Self.path).text
            #expect(after.contains(#""category":{"name":"Help Desk","slug":"support""#))
            #expect(after.contains(#""assignee":{"name":"Max Helper","email":"max@acme-store.com""#))
            #expect(
                after.replacingOccurrences(of: "Help Desk", with: "Support")
                    .replacingOccurrences(of: "Max Helper", with: "Max Support") == before, "nothing else changed")
        }
    }
}
