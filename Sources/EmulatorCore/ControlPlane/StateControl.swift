import JSON
import MicroHTTP
import SQLiteStore

/// `POST /__emulator/reset`, `GET/PUT /__emulator/state` and the named snapshots.
struct StateControl {
    /// A state import (`PUT /__emulator/state`) may be a whole store, far larger than an API body. Every other
    /// control-plane call takes small JSON and keeps the API's limit, so an unauthenticated caller cannot make the
    /// server buffer and parse hundreds of megabytes anywhere else.
    static let maxStateBodyBytes = 256 << 20

    let database: Database
    let snapshots: SnapshotStore
    let clock: EmulatorClock
    let bootstrap: Bootstrap

    var routes: [Route<ControlContext>] {
        [
            Route("reset", [(.post, resetAll)]),
            Route("state", [(.get, export), (.put, importState)], maxBodyBytes: Self.maxStateBodyBytes),
            Route("snapshots", [(.get, listSnapshots), (.post, saveSnapshot)]),
            Route("snapshots/:name", [(.delete, deleteSnapshot)]),
            Route("snapshots/:name/restore", [(.post, restoreSnapshot)]),
        ]
    }

    /// Everything back to the start-up state (fixtures and bootstrap), by copying the page image kept at start.
    func resetAll(_ context: ControlContext) throws -> HTTPResponse {
        guard let startup = snapshots.startup else { throw APIError.serviceUnavailable }
        try database.restore(startup)
        return JSONResponse.make { $0.object { $0.field("status", "reset") } }
    }

    /// The whole store, or one account (`?account=ID`), in the fixtures format.
    func export(_ context: ControlContext) throws -> HTTPResponse {
        let accountID = try context.intQuery("account")
        let bytes = try database.read { connection in
            try FixtureExporter(connection: connection).export(accountID: accountID)
        }
        return HTTPResponse(status: 200, headers: [JSONResponse.contentType], body: bytes)
    }

    /// Replaces everything with a fixtures document, atomically: a bad document (422) changes nothing. With
    /// `?account=ID` it replaces that account's contents only (the document must hold exactly that one account);
    /// every other account stays exactly as it was.
    func importState(_ context: ControlContext) throws -> HTTPResponse {
        let now = clock.now()
        let accountID = try context.intQuery("account")
        try database.write { connection in
            // The control plane parsed the body already; a state document can be large, so it is not parsed twice.
            let loader = FixtureLoader(connection: connection, now: now)
            if let accountID {
                let accounts = AccountRepository(connection: connection)
                guard try accounts.exists(accountID: accountID) else {
                    throw ControlError.notFound("no account \(accountID)")
                }
                try accounts.empty(accountID: accountID, keeping: .accountOnly)
                try loader.load(document: .object(context.body), intoAccount: accountID)
            } else {
                try AccountRepository(connection: connection).deleteEverything()
                try loader.load(document: .object(context.body))
            }
            try bootstrap.ensure(connection, now: now)
        }
        return try export(context)
    }

    func listSnapshots(_ context: ControlContext) throws -> HTTPResponse {
        let snapshots = snapshots.all
        return JSONResponse.make { writer in
            writer.object { writer in
                writer.key("snapshots")
                writer.array { writer in for snapshot in snapshots { writer.snapshot(snapshot) } }
            }
        }
    }

    /// `{"name": "…"}`: keeps a copy of the whole store in memory under that name (replacing one of the same name).
    func saveSnapshot(_ context: ControlContext) throws -> HTTPResponse {
        guard let name = try context.body.controlString("name") else {
            throw ControlError.badRequest("name is required")
        }
        let named = SnapshotStore.Named(
            name: name, createdAt: clock.now(), snapshot: try database.snapshot())
        snapshots.save(named)
        return JSONResponse.make { $0.snapshot(named) }
    }

    func restoreSnapshot(_ context: ControlContext) throws -> HTTPResponse {
        let name = try context.pathParameters.require("name")
        guard let named = snapshots.named(name) else {
            throw ControlError.notFound("no snapshot \(name)")
        }
        try database.restore(named.snapshot)
        return JSONResponse.make { $0.snapshot(named) }
    }

    func deleteSnapshot(_ context: ControlContext) throws -> HTTPResponse {
        let name = try context.pathParameters.require("name")
        guard snapshots.remove(name) else {
            throw ControlError.notFound("no snapshot \(name)")
        }
        return JSONResponse.make { $0.object { $0.field("deleted", name) } }
    }
}

extension JSONWriter {
    mutating func snapshot(_ named: SnapshotStore.Named) {
        object { writer in
            writer.field("name", named.name)
            writer.field("created_at", named.createdAt)
            writer.field("size_bytes", named.snapshot.sizeInBytes)
        }
    }
}
