import Foundation
import SQLiteStore
import Testing

/// The contacts' search index after a bulk load. A database filled by one `INSERT … SELECT` of 20,000 contacts leaves
/// the trigram index in a shape that a write a few requests later merges whole: one identity move then writes
/// megabytes (the write outliers BENCHMARKS.md explains, which came from how the benchmark seeded its data). The
/// emulator's own bulk loads must not leave it so.
@Suite("The search index after a bulk load")
struct SearchIndexTests {
    /// Acme with `count` more contacts, each with an email identity, and two contacts to move an identity between.
    static func fixtures(contacts count: Int) -> String {
        let contacts = (0..<count).map { index in
            #"{"name": "Contact \#(index)", "identities": [{"type": "email", "identifier": "c\#(index)@example.com"}]}"#
        }
        let movers = """
            {"name": "Mover A", "identities": [{"type": "email", "identifier": "mover-a@example.com"},
                                              {"type": "email", "identifier": "moving@example.com"}]},
            {"name": "Mover B", "identities": [{"type": "email", "identifier": "mover-b@example.com"}]}
            """
        return TestFixtures.acme.replacing(
            #""staff": ["#, with: #""contacts": [\#(movers), \#(contacts.joined(separator: ", "))], "staff": ["#,
            maxReplacements: 1)
    }

    @Test("after a state import of 20,000 contacts, no identity move writes more than a few pages")
    func movesStaySmallAfterALoad() async throws {
        try await withEmulator { emulator in
            let imported = try await emulator.client.send(
                "PUT", "/__emulator/state", body: Self.fixtures(contacts: 20_000))
            #expect(imported.status == 200)
            // A second connection reads how many pages each write added to the write-ahead log, and checkpoints
            // them, so the next write starts the log again.
            let observer = try Connection.open(path: emulator.databasePath, migrations: [])
            _ = try observer.queryOne("PRAGMA wal_checkpoint(TRUNCATE)") { $0.int(0) }
            var largest = 0
            for index in 0..<300 {
                let target = index % 2 == 0 ? "mover-b@example.com" : "mover-a@example.com"
                let moved = try await emulator.client.post(
                    "/contacts/\(target)/identities",
                    #"{"identity": {"type": "email", "identifier": "moving@example.com"}}"#)
                #expect(moved.status == 200)
                let pages = try observer.queryOne("PRAGMA wal_checkpoint(PASSIVE)") { $0.int(1) } ?? 0
                largest = max(largest, pages)
            }
            #expect(largest < 40, "the largest move wrote \(largest) pages")
        }
    }
}
