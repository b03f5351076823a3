import MicroHTTP
import SQLiteStore

/// `GET/POST /contacts/{identifier}/notes` and `PUT/DELETE …/notes/{note_id}` (spec §4).
enum NoteRoutes {
    static let routes: [Route<RequestContext>] = [
        Route("contacts/:identifier/notes", [(.get, list), (.post, create)]),
        Route("contacts/:identifier/notes/:note_id", [(.put, update), (.delete, delete)]),
    ]

    /// `GET …/notes`: a bare array, oldest first (§4.2).
    static func list(_ context: RequestContext) throws -> HTTPResponse {
        let notes = try context.database.read { connection in
            try context.readOfPathContact(in: connection) { $0.notes(accountID:type:identifier:) }
        }
        return JSONResponse.make { $0.notes(notes) }
    }

    /// `POST …/notes`: adds one note; answers all of the contact's notes (§4.3).
    static func create(_ context: RequestContext) throws -> HTTPResponse {
        let notes = try context.write(
            precheck: { _ = try NewNote(body: context.body, lookups: BodyOnly()) }, target: context.contactID(in:),
            input: { connection, _ in try NewNote(body: context.body, lookups: context.lookups(connection)) }
        ) { connection, contactID, note in
            let repository = ContactRepository(connection: connection)
            try repository.insertNote(
                contactID: contactID, body: note.body, creatorID: note.fields.creator?.id ?? context.staff.id,
                createdAt: note.fields.createdAt ?? context.now, now: context.now)
            return try repository.notes(contactID: contactID)
        }
        return JSONResponse.make { $0.notes(notes) }
    }

    /// `PUT …/notes/{note_id}`: changes the fields given; answers the single note (§4.4).
    static func update(_ context: RequestContext) throws -> HTTPResponse {
        let note = try context.write(
            precheck: { _ = try NoteFields(body: context.body, lookups: BodyOnly()) },
            target: { try existingNote(context, $0) },
            input: { connection, _ in try NoteFields(body: context.body, lookups: context.lookups(connection)) }
        ) { connection, target, fields in
            let repository = ContactRepository(connection: connection)
            try repository.updateNote(
                id: target.noteID, contactID: target.contactID, body: fields.body, creatorID: fields.creator?.id,
                createdAt: fields.createdAt, now: context.now)
            return try repository.note(id: target.noteID, contactID: target.contactID)
        }
        guard let note else { throw APIError.notFound }
        return JSONResponse.make { $0.note(note) }
    }

    /// `DELETE …/notes/{note_id}`: deletes the note and answers it as it was (§4.5).
    static func delete(_ context: RequestContext) throws -> HTTPResponse {
        let note = try context.database.write { connection in
            let repository = ContactRepository(connection: connection)
            let (contactID, noteID) = try existingNote(context, connection)
            let note = try repository.note(id: noteID, contactID: contactID)
            try repository.deleteNote(id: noteID, contactID: contactID, now: context.now)
            return note
        }
        guard let note else { throw APIError.notFound }
        return JSONResponse.make { $0.note(note) }
    }

    /// The contact and the note of the path; 404 when the note id is not an integer, unknown, or another contact's.
    private static func existingNote(_ context: RequestContext, _ connection: Connection) throws -> (
        contactID: Int, noteID: Int
    ) {
        let contactID = try context.contactID(in: connection)
        guard let noteID = Int(try context.pathParameters.require("note_id")),
            try ContactRepository(connection: connection).note(id: noteID, contactID: contactID) != nil
        else { throw APIError.notFound }
        return (contactID, noteID)
    }
}
