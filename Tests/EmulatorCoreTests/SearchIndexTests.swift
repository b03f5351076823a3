import Foundation
import SQLiteStore
import Testing

/// The contacts' trigram indexes behind `q`: names and emails pending or indexed answer alike, an older database
/// migrates, and a bulk load leaves them in a shape later writes do not merge whole. (A database filled by one
/// `INSERT … SELECT` of 20,000 contacts did: one identity move then wrote megabytes, the write outliers BENCHMARKS.md
/// explains, which came from how the benchmark seeded its data.)
@Suite("The contacts' search indexes")
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

    /// Loaded at start-up rather than by a state import (the same loader): an import of this size can outlast the
    /// test client's 30 s timeout on a busy machine in a debug build.
    @Test("after fixtures of 10,000 contacts, no identity move writes more than a few pages")
    func movesStaySmallAfterALoad() async throws {
        try await withEmulator(fixtures: Self.fixtures(contacts: 10_000)) { emulator in
            // A second connection reads how many pages each write added to the write-ahead log and empties the log
            // (retrying while the emulator's own background checkpoint holds it), so the next write starts it again.
            let observer = try Connection.open(path: emulator.databasePath, migrations: [])
            func emptyTheLog() async throws -> Int {
                // A passive checkpoint reports the pages in the log; a truncating one empties it (and reports 0).
                let pages = try observer.queryOne("PRAGMA wal_checkpoint(PASSIVE)") { $0.int(1) } ?? 0
                for _ in 0..<500 {
                    let busy = try observer.queryOne("PRAGMA wal_checkpoint(TRUNCATE)") { $0.int(0) }
                    if busy == 0 { return pages }
                    try await Task.sleep(for: .milliseconds(10))
                }
                Issue.record("the log stayed busy")
                return pages
            }
            _ = try await emptyTheLog()
            var largest = 0
            for index in 0..<300 {
                let target = index % 2 == 0 ? "mover-b@example.com" : "mover-a@example.com"
                let moved = try await emulator.client.post(
                    "/contacts/\(target)/identities",
                    #"{"identity": {"type": "email", "identifier": "moving@example.com"}}"#)
                #expect(moved.status == 200)
                largest = max(largest, try await emptyTheLog())
            }
            #expect(largest < 40, "the largest move wrote \(largest) pages")
        }
    }

    @Test("a search finds names and emails waiting to go into the index and in it, through renames, moves and folds")
    func waitingAndIndexedTextAgree() async throws {
        try await withEmulator(fixtures: Self.fixtures(contacts: 300)) { emulator in
            let probe = try StoreProbe(path: emulator.databasePath)
            func waitingNames() throws -> Set<String> {
                Set(
                    try probe.connection.query(
                        "SELECT c.name FROM contact_search_pending p JOIN contacts c ON c.id = p.id WHERE p.kind = 0"
                    ) { $0.string(0) })
            }
            func found(_ query: String) async throws -> [String?] {
                try contactNames(try await emulator.client.get("/contacts?q=" + query))
            }
            // 605 names and emails went in 64 at a time: the last contacts' still wait, the first ones' are in.
            let waiting = try waitingNames()
            #expect(waiting.contains("Contact 299") && !waiting.contains("Contact 100"), "\(waiting.sorted())")
            for (name, email) in [("Contact 299", "c299@ex"), ("Contact 100", "c100@ex")] {
                #expect(try await found(name.lowercased().replacing(" ", with: "%20")) == [name])
                #expect(try await found(email) == [name])
            }
            _ = try await emulator.client.put(
                "/contacts/c299@example.com", #"{"contact": {"name": "Renamed Waiting"}}"#)
            _ = try await emulator.client.put(
                "/contacts/c100@example.com", #"{"contact": {"name": "Renamed Indexed"}}"#)
            _ = try await emulator.client.post(
                "/contacts/mover-a@example.com/identities",
                #"{"identity": {"type": "email", "identifier": "c100@example.com"}}"#)
            func expectCurrent() async throws {
                #expect(try await found("contact%20299").isEmpty)
                #expect(try await found("contact%20100").isEmpty)
                #expect(try await found("renamed%20waiting") == ["Renamed Waiting"])
                #expect(try await found("renamed%20indexed") == ["Renamed Indexed"])
                #expect(try await found("c299@ex") == ["Renamed Waiting"])
                #expect(try await found("c100@ex") == ["Mover A"], "moved")
            }
            try await expectCurrent()
            // New contacts fill the queue past 64 again: the waiting rename goes into the index.
            for index in 0..<140 {
                let created = try await emulator.client.post(
                    "/contacts", #"{"contact": {"name": "New \#(index)", "email": "new\#(index)@example.com"}}"#)
                #expect(created.status == 200)
            }
            #expect(!(try waitingNames()).contains("Renamed Waiting"))
            try await expectCurrent()
            #expect(try await found("new%20139") == ["New 139"])
            #expect(try await found("new0@exa") == ["New 0"])
        }
    }

    @Test("texts wait for the index 64 at a time at most, however they come: new contacts, new emails, renames")
    func queueStaysSmall() async throws {
        try await withEmulator(fixtures: Self.fixtures(contacts: 100)) { emulator in
            let probe = try StoreProbe(path: emulator.databasePath)
            func waiting() throws -> Int {
                try probe.connection.queryOne("SELECT count(*) FROM contact_search_pending") { $0.int(0) } ?? -1
            }
            #expect(try waiting() < 64, "after the fixtures")
            for index in 0..<100 {
                let renamed = try await emulator.client.put(
                    "/contacts/c\(index)@example.com", #"{"contact": {"name": "Renamed \#(index)"}}"#)
                #expect(renamed.status == 200)
                #expect(try waiting() < 64, "after renaming contact \(index)")
            }
            for index in 0..<100 {
                let attached = try await emulator.client.post(
                    "/contacts/c\(index)@example.com/identities",
                    #"{"identity": {"type": "email", "identifier": "second\#(index)@example.com"}}"#)
                #expect(attached.status == 200)
                #expect(try waiting() < 64, "after an email for contact \(index)")
            }
            #expect(try contactNames(try await emulator.client.get("/contacts?q=renamed%2099")) == ["Renamed 99"])
            #expect(try contactNames(try await emulator.client.get("/contacts?q=second7@")) == ["Renamed 7"])
        }
    }

    @Test("a database stored with the single search index of earlier versions gains the two indexes when opened")
    func migrationFromOneIndex() async throws {
        try await withEmulator(fixtures: TestFixtures.reassociation) { first in
            // Take the store back to schema version 8: one index row per contact, its name and its emails.
            let probe = try StoreProbe(path: first.databasePath)
            try probe.restoreSingleSearchIndex()
            try probe.restoreIdentityPositionIndex()
            try probe.restoreConversationsWithoutSummaries()
            try probe.connection.executeScript("PRAGMA user_version = 8")
            try await withEmulator(fixtures: nil, configure: { $0.databasePath = first.databasePath }) { reopened in
                #expect(try contactNames(try await reopened.client.get("/contacts?q=ob%20smi")) == ["Bob Smith"])
                #expect(try contactNames(try await reopened.client.get("/contacts?q=robert@")) == ["Robert"])
                let moved = try await reopened.client.post(
                    "/contacts/bob@example.com/identities",
                    #"{"identity": {"type": "email", "identifier": "robert@example.com"}}"#)
                #expect(moved.status == 200)
                #expect(try contactNames(try await reopened.client.get("/contacts?q=robert@")) == ["Bob Smith"])
            }
        }
    }
}
