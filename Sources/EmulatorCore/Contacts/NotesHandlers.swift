import MicroHTTP
import SQLiteStore

/// `GET/POST /contacts/{identifier}/notes` and `PUT/DELETE …/notes/{note_id}` (spec §4).
enum NotesHandlers {
    static let routes: [Route<RequestContext>] = [
        Route("contacts/:identifier/notes", [(.get, list), (.post, create)]),
        Route("contacts/:identifier/notes/:note_id", [(.put, update), (.delete, delete)]),
    ]

    /// `GET …/notes`: a bare array, oldest first (§4.2).
    static func list(_ context: RequestContext) throws -> HTTPResponse {
        let notes = try context.database.read { connection in
            try ContactRepository(connection: connection).notes(contactID: try context.contactID(in: connection))
        }
        return JSONResponse.make { $0.notes(notes) }
    }

    /// `POST …/notes`: adds one note; answers all of the contact's notes (§4.3).
    static func create(_ context: RequestContext) throws -> HTTPResponse {
        let notes = try context.database.write { connection in
            let repository = ContactRepository(connection: connection)
            let contactID = try context.contactID(in: connection)
            let input = try NoteInput(context, connection)
            guard let body = input.body else { throw ValidationErrors.single("body", "can't be blank") }
            try repository.insertNote(
                contactID: contactID, body: body, creatorID: input.creatorID ?? context.staff.id,
                createdAt: input.createdAt ?? context.now, now: context.now)
            return try repository.notes(contactID: contactID)
        }
        return JSONResponse.make { $0.notes(notes) }
    }

    /// `PUT …/notes/{note_id}`: changes the fields given; answers the single note (§4.4).
    static func update(_ context: RequestContext) throws -> HTTPResponse {
        let note = try context.database.write { connection in
            let repository = ContactRepository(connection: connection)
            let (contactID, noteID) = try existingNote(context, connection)
            let input = try NoteInput(context, connection)
            try repository.updateNote(
                id: noteID, contactID: contactID, body: input.body, creatorID: input.creatorID,
                createdAt: input.createdAt, now: context.now)
            return try repository.note(id: noteID, contactID: contactID)
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
    private static func existingNote(_ context: RequestContext, _ connection: Connection) throws -> (Int, Int) {
        let contactID = try context.contactID(in: connection)
        guard let noteID = Int(try context.pathParameters.require("note_id")),
            try ContactRepository(connection: connection).note(id: noteID, contactID: contactID) != nil
        else { throw APIError.notFound }
        return (contactID, noteID)
    }
}

/// The fields of a note write, read from a `note` object if the body has one, else from the top level (§4.3).
struct NoteInput {
    /// Nil when absent; a present but blank body is a 422.
    let body: String?
    let creatorID: Int?
    let createdAt: Timestamp?

    init(_ context: RequestContext, _ connection: Connection) throws {
        let source = context.body.root("note") ?? context.body
        var errors = ValidationErrors()
        switch source["body"] {
        case nil, .null: body = nil
        case .string(let text) where !Formats.isBlank(text): body = text
        case .string:
            body = nil
            errors.add("body", "can't be blank")
        default:
            body = nil
            errors.add("body", "is invalid")
        }
        let reader = FieldReader(object: source)
        if let email = reader.string("creator_email", &errors) {
            creatorID = try StaffRepository(connection: connection).staff(accountID: context.accountID, email: email)?
                .id
            if creatorID == nil { errors.add("creator_email", "is not a staff user") }
        } else {
            creatorID = nil
        }
        if let text = reader.string("created_at", &errors) {
            createdAt = Timestamp.parse(text.trimmed)
            if createdAt == nil { errors.add("created_at", "is invalid") }
        } else {
            createdAt = nil
        }
        try errors.throwIfAny()
    }
}
