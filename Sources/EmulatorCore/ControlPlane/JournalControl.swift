import MicroHTTP

/// `GET/DELETE /__emulator/requests`.
struct JournalControl {
    let journal: Journal

    var routes: [Route<ControlContext>] { [Route("requests", [(.get, list), (.delete, clear)])] }

    /// Newest first; `method`, `path` (a glob), `status`, `account` filter; `limit` (default 100) bounds the list.
    func list(_ context: ControlContext) throws -> HTTPResponse {
        let method = context.query("method")?.uppercased()
        let path = context.query("path")
        let status = try context.intQuery("status")
        let account = try context.intQuery("account")
        let limit = try context.intQuery("limit") ?? 100
        guard limit > 0 else { throw ControlError.badRequest("limit must be positive") }
        let entries = journal.newestFirst().lazy.filter { entry in
            (method == nil || entry.method.uppercased() == method)
                && (path.map { Glob.matches(pattern: Array($0.utf8), text: Array(entry.path.utf8)) } ?? true)
                && (status == nil || entry.status == status) && (account == nil || entry.accountID == account)
        }.prefix(limit)
        return JSONResponse.make { writer in
            writer.object { writer in
                writer.key("requests")
                writer.array { writer in for entry in entries { writer.journalEntry(entry) } }
            }
        }
    }

    func clear(_ context: ControlContext) throws -> HTTPResponse {
        journal.clear()
        return JSONResponse.make { $0.object { $0.field("status", "cleared") } }
    }
}
