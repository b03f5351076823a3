import JSON
import SQLiteStore

/// A fixtures file that cannot be loaded; `path` names the bad entry, e.g. `accounts[0].contacts[3].identities[1]`.
public struct FixtureError: Error, CustomStringConvertible, Sendable {
    /// Where in the document the problem is.
    public let path: String
    /// What is wrong there.
    public let message: String
    /// A value that must be unique is taken (the seeding routes answer 409 for it, 422 for the others).
    let isConflict: Bool

    init(path: String, message: String) {
        (self.path, self.message, isConflict) = (path, message, false)
    }

    /// The value at `path` must be unique and is taken.
    static func taken(_ path: String) -> FixtureError {
        FixtureError(path: path, message: "has already been taken", conflict: true)
    }

    private init(path: String, message: String, conflict: Bool) {
        (self.path, self.message, isConflict) = (path, message, conflict)
    }

    /// `path: message` (just the message for the entry itself, when it is a whole body).
    public var description: String { path.isEmpty ? message : "\(path): \(message)" }
}

/// Loads the fixtures format (README, "Fixtures") into the store in one transaction: all of it, or nothing.
struct FixtureLoader {
    let connection: Connection
    let now: Timestamp
    private let lookups = FixtureLookups()

    init(connection: Connection, now: Timestamp) {
        (self.connection, self.now) = (connection, now)
    }

    private var staff: StaffRepository { StaffRepository(connection: connection) }

    /// Validates and inserts every account of a document already parsed.
    func load(document: JSONValue) throws {
        let root = try self.root(document)
        try connection.transaction {
            for account in try root.required("accounts").array() { try loadAccount(account, into: nil) }
        }
    }

    /// Validates a document of exactly one account and loads it into the existing, emptied account `accountID`
    /// (its name included), keeping that id.
    func load(document: JSONValue, intoAccount accountID: Int) throws {
        let root = try self.root(document)
        let accounts = try root.required("accounts")
        let entries = try accounts.array()
        guard entries.count == 1 else {
            throw FixtureError(
                path: accounts.path,
                message: "must hold exactly one account to import into account \(accountID), found \(entries.count)")
        }
        try connection.transaction { try loadAccount(entries[0], into: accountID) }
    }

    /// The document's root object. With `"dates_relative_to": "YYYY-MM-DD"`, every timestamp below it moves forward
    /// by the whole days from that date to the load day (the emulator clock's UTC date), so that demo data written
    /// once stays recent: the day it names becomes today.
    private func root(_ document: JSONValue) throws -> FixtureObject {
        let root = try FixtureNode(value: document, path: "$").object()
        guard let anchorNode = try root.optional("dates_relative_to") else { return root }
        guard let anchor = CalendarDay(parsing: try anchorNode.string()) else {
            throw FixtureError(path: anchorNode.path, message: "must be a date, YYYY-MM-DD")
        }
        let days = anchor.distance(to: CalendarDay(containing: now))
        return FixtureObject(object: root.object, location: root.location, shift: days * CalendarDay.milliseconds)
    }

    /// Loads one account entry: as a new account, or into an existing one.
    private func loadAccount(_ node: FixtureNode, into existingID: Int?) throws {
        let account = try node.object()
        let name = try account.required("name").string()
        let accountID: Int
        let accounts = AccountRepository(connection: connection)
        if let existingID {
            try accounts.rename(accountID: existingID, to: name)
            accountID = existingID
        } else {
            accountID = try mappingConstraints(at: nil) { try accounts.insert(name: name) }
        }
        var brandIDs: [String: Int] = [:]
        let brands = try account.required("brands").array()
        guard !brands.isEmpty else { throw FixtureError(path: node.path + ".brands", message: "needs a brand") }
        for (index, brandNode) in brands.enumerated() {
            let brand = try brandNode.object()
            let isDefault = try brand.optional("default")?.bool() ?? (index == 0)
            let (brandID, label) = try insertBrand(brand, accountID: accountID, isDefault: isDefault)
            brandIDs[label] = brandID
        }
        for staffNode in try account.optional("staff")?.array() ?? [] {
            _ = try insertStaff(try staffNode.object(), accountID: accountID)
        }
        for contact in try account.optional("contacts")?.array() ?? [] {
            try loadContact(contact, accountID: accountID)
        }
        for conversation in try account.optional("conversations")?.array() ?? [] {
            try loadConversation(conversation, accountID: accountID, brandIDs: brandIDs, defaultBrand: brands[0])
        }
        for kind in BrandEntryKind.loadedAfterConversations {
            for entryNode in try account.optional(kind.rawValue)?.array() ?? [] {
                let entry = try entryNode.object()
                let brandID = try brandID(of: entry, at: entryNode, brandIDs: brandIDs, defaultBrand: brands[0])
                _ = try insert(kind, entry, brandID: brandID, accountID: accountID)
            }
        }
    }

    /// A brand entry `{"name", "host", "url", "channels"?}` with its channels; returns its id and host label.
    func insertBrand(_ brand: FixtureObject, accountID: Int, isDefault: Bool) throws -> (id: Int, label: String) {
        let hostNode = try brand.required("host")
        let label = try hostNode.string().lowercased()
        let brands = BrandRepository(connection: connection)
        if try brands.hostLabelTaken(label) { throw FixtureError.taken(hostNode.path) }
        let brandID = try brands.insert(
            accountID: accountID, name: try brand.required("name").string(), hostLabel: label,
            url: try brand.required("url").string(), isDefault: isDefault)
        for channelNode in try brand.optional("channels")?.array() ?? [] {
            _ = try insertChannel(try channelNode.object(), brandID: brandID)
        }
        return (brandID, label)
    }

    /// A channel entry `{"name", "email", "slug"?, "channel"?, "visibility"?, "created_at"?}`.
    func insertChannel(_ channel: FixtureObject, brandID: Int) throws -> Int {
        let email = try channel.required("email").email()
        let slugNode = try channel.optional("slug")
        let slug = try slugNode?.string() ?? String(email.prefix { $0 != "@" })
        let repository = ChannelRepository(connection: connection)
        if try repository.channel(brandID: brandID, slug: slug) != nil {
            throw FixtureError.taken(slugNode?.path ?? channel.child("slug"))
        }
        let type = ChannelType(rawValue: try channel.optional("channel")?.int() ?? ChannelType.email.rawValue)
        return try repository.insert(
            brandID: brandID, name: try channel.required("name").string(), slug: slug, email: email, type: type,
            visibility: try channel.optional("visibility")?.int() ?? 1,
            createdAt: try channel.optional("created_at")?.timestamp() ?? now)
    }

    /// A staff entry `{"name"?, "email", "token"?, "password"?, "role"?, "admin"?, "access_reports"?,
    /// "created_at"?}`.
    func insertStaff(_ staff: FixtureObject, accountID: Int) throws -> Int {
        let admin = try staff.optional("admin")?.bool() ?? false
        let emailNode = try staff.required("email")
        let email = try emailNode.email()
        if try self.staff.emailTaken(email) { throw FixtureError.taken(emailNode.path) }
        let staffID = try self.staff.insert(
            accountID: accountID, name: try staff.optional("name")?.string(), email: email,
            token: try staff.optional("token")?.string(), password: try staff.optional("password")?.string(),
            role: try staff.optional("role")?.string() ?? (admin ? "Administrator" : "Staff"), isAdmin: admin,
            createdAt: try staff.optional("created_at")?.timestamp() ?? now)
        if let reports = try staff.optional("access_reports")?.bool() {
            try self.staff.setAccessReports(staffID: staffID, reports)
        }
        return staffID
    }

    private func loadContact(_ node: FixtureNode, accountID: Int) throws {
        let contact = try node.object()
        let repository = ContactRepository(connection: connection)
        let created = try contact.optional("created_at")?.timestamp() ?? now
        let externalID = try contact.optional("id")?.string()
        if let externalID, try repository.externalIDTaken(accountID: accountID, externalID: externalID) {
            throw FixtureError(path: node.path + ".id", message: "\"\(externalID)\" is used by another contact")
        }
        let avatar = try contact.optional("external_avatar_url")?.string()
        if let avatar, !Formats.isWebURL(avatar) {
            throw FixtureError(path: node.path + ".external_avatar_url", message: "is not an absolute http(s) URL")
        }
        let name = try contact.optional("name")?.string()
        let fields = ContactFields(
            externalID: externalID, name: name, friendlyName: try contact.optional("friendly_name")?.string(),
            externalAvatarURL: avatar)
        let contactID = try repository.insertContact(accountID: accountID, fields: fields, now: created)
        for identityNode in try contact.required("identities").array() {
            let key = try identityNode.identity()
            if try repository.identityOwner(accountID: accountID, type: key.type, matchKey: key.matchKey) != nil {
                throw FixtureError(
                    path: identityNode.path, message: "\(key.type.rawValue) \(key.identifier) is used twice")
            }
            try repository.insertIdentity(accountID: accountID, contactID: contactID, identity: key, now: created)
        }
        if let data = try contact.optional("data")?.customData() {
            _ = try repository.mergeData(contactID: contactID, changes: data)
        }
        for noteNode in try contact.optional("notes")?.array() ?? [] {
            let note = try noteNode.object()
            let creatorEmail = try note.required("creator_email").email()
            guard let creatorID = try knownStaffID(creatorEmail, accountID: accountID) else {
                throw FixtureError(
                    path: noteNode.path + ".creator_email", message: "is not a staff user of the account")
            }
            let noteCreated = try note.optional("created_at")?.timestamp() ?? created
            let noteID = try repository.insertNote(
                contactID: contactID, body: try note.required("body").string(), creatorID: creatorID,
                createdAt: noteCreated, now: created)
            if let noteUpdated = try note.optional("updated_at")?.timestamp() {
                try repository.setNoteUpdatedAt(noteID: noteID, max(noteUpdated, noteCreated))
            }
        }
        let updated = try contact.optional("updated_at")?.timestamp() ?? created
        try repository.touch(contactIDs: [contactID], now: max(updated, created))
    }

    private func loadConversation(
        _ node: FixtureNode, accountID: Int, brandIDs: [String: Int], defaultBrand: FixtureNode
    ) throws {
        let conversation = try node.object()
        let brandID = try self.brandID(of: conversation, at: node, brandIDs: brandIDs, defaultBrand: defaultBrand)
        let categoryNode = try conversation.required("category")
        let slug = try categoryNode.string()
        guard
            let channel = try lookups.channel(
                brandID: brandID, slug: slug,
                find: {
                    try ChannelRepository(connection: connection).channel(brandID: brandID, slug: slug)
                })
        else { throw FixtureError(path: categoryNode.path, message: "is not a channel slug of the brand") }
        let subject = try conversation.optional("subject")?.string()
        let created = try conversation.optional("created_at")?.timestamp() ?? now
        let repository = ConversationRepository(connection: connection)
        let conversationSlug =
            try conversation.optional("slug")?.string()
            ?? Slug.unique(for: subject) { try repository.slugTaken(brandID: brandID, slug: $0) }
        let author = try sender(try conversation.required("author"), accountID: accountID)
        guard let status = ConversationStatus(rawValue: try conversation.optional("status")?.int() ?? 0) else {
            throw FixtureError(path: node.path + ".status", message: "must be 0 to 9")
        }
        var assigneeID: Int?
        if let assignee = try conversation.optional("assignee") {
            assigneeID = try staffID(try assignee.email(), accountID: accountID, at: assignee)
        }
        let holdUntil = try conversation.optional("hold_until")?.timestamp()
        let data = try conversation.optional("data")?.customData()
        let messages = try conversation.required("messages").array()
        guard !messages.isEmpty else { throw FixtureError(path: node.path + ".messages", message: "needs a message") }
        // The conversation's updated_at (given, else its latest message's time) is written by its insert rather
        // than by an update once the messages are in. Times that do not parse are reported below, where they were
        // before: an invalid updated_at after every message's errors.
        let givenTimes = messages.map { try? $0.object().optional("created_at")?.timestamp() }
        let updatedAt =
            (try? conversation.optional("updated_at")?.timestamp())
            ?? givenTimes.reduce(created) { latest, given in max(latest, given ?? latest) }
        let conversationID = try mappingConstraints(at: node) {
            try repository.insertConversation(
                brandID: brandID, channel: channel, slug: conversationSlug, subject: subject, status: status,
                author: author, assigneeID: assigneeID, holdUntil: holdUntil, now: created, updatedAt: updatedAt)
        }
        if let data {
            _ = try CustomDataRepository(connection: connection, owner: .conversation).merge(conversationID, data)
        }
        var errors = ValidationErrors()
        let tags = FieldReader(object: conversation.object).tags("tag_list", &errors)
        if !errors.isEmpty { throw FixtureError(path: node.path + ".tag_list", message: "must be an array of strings") }
        try repository.insertTags(conversationID: conversationID, tags: tags ?? [])
        var latest = created
        var recipients: [String] = []
        for (messageNode, givenTime) in zip(messages, givenTimes) {
            let message = try messageNode.object()
            let from = try message.optional("from").map { try sender($0, accountID: accountID) } ?? author
            let sentAt = try givenTime ?? message.optional("created_at")?.timestamp() ?? latest
            latest = max(latest, sentAt)
            recipients = MessageSenders.merged(
                recipients, try (message.optional("recipients")?.array() ?? []).map { try $0.email() })
            let attachments = try (message.optional("attachments")?.array() ?? []).map { node -> String in
                let url = try node.string()
                guard Formats.isWebURL(url) else { throw FixtureError(path: node.path, message: "is not a URL") }
                return url
            }
            guard let visibility = MessageVisibility(rawValue: try message.optional("visibility")?.int() ?? 0) else {
                throw FixtureError(path: messageNode.path + ".visibility", message: "must be 0 or 1")
            }
            _ = try repository.insertMessage(
                conversationID: conversationID, body: try message.required("body").string(), visibility: visibility,
                originID: try message.optional("origin_id")?.string(), sender: from, recipients: recipients,
                attachments: attachments, now: sentAt)
        }
        _ = try conversation.optional("updated_at")?.timestamp()
    }

    /// A message or conversation sender: `{"staff": email}` or an identity `{"type", "identifier"}` of a contact.
    private func sender(_ node: FixtureNode, accountID: Int) throws -> SenderRef {
        let object = try node.object()
        if let staff = try object.optional("staff") {
            return SenderRef(staffID: try staffID(try staff.email(), accountID: accountID, at: staff))
        }
        let key = try node.identity()
        let identityID = try lookups.identityID(accountID: accountID, key: key) {
            try ContactRepository(connection: connection).identityOwner(
                accountID: accountID, type: key.type, matchKey: key.matchKey)?.identityID
        }
        guard let identityID else {
            throw FixtureError(
                path: node.path, message: "no contact of the account has \(key.type.rawValue) \(key.identifier)")
        }
        return SenderRef(identityID: identityID)
    }

    /// The brand an entry names by host label (`"brand"`), by default the account's first.
    func brandID(of entry: FixtureObject, at node: FixtureNode, brandIDs: [String: Int], defaultBrand: FixtureNode)
        throws -> Int
    {
        let label =
            try entry.optional("brand")?.string().lowercased()
            ?? defaultBrand.object().required("host").string().lowercased()
        guard let brandID = brandIDs[label] else {
            throw FixtureError(path: node.path + ".brand", message: "\"\(label)\" is not a brand of the account")
        }
        return brandID
    }

    /// The staff user an entry names by email (`node`), or else the account's first staff user (the default author
    /// of an article, owner of a template).
    func staffID(named node: FixtureNode?, orFirstOf accountID: Int, for entry: FixtureObject, as role: String) throws
        -> Int
    {
        if let node { return try staffID(try node.email(), accountID: accountID, at: node) }
        guard let first = try staff.firstStaffID(accountID: accountID) else {
            throw FixtureError(path: entry.path, message: "needs an \(role): the account has no staff")
        }
        return first
    }

    func staffID(_ email: String, accountID: Int, at node: FixtureNode) throws -> Int {
        guard let id = try knownStaffID(email, accountID: accountID) else {
            throw FixtureError(path: node.path, message: "\(email) is not a staff user of the account")
        }
        return id
    }

    /// The id of the account's staff user with this email, if there is one.
    private func knownStaffID(_ email: String, accountID: Int) throws -> Int? {
        try lookups.staffID(accountID: accountID, email: email) {
            try staff.staff(accountID: accountID, email: email)?.id
        }
    }

    /// Runs an insert; a uniqueness or other constraint failure becomes an error naming the entry.
    func mappingConstraints<T>(at node: FixtureNode?, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as SQLiteError where error.isConstraintViolation {
            throw FixtureError(path: node?.path ?? "$", message: "duplicates an existing entry (\(error.message))")
        }
    }
}

/// Where a value sits in the fixtures document, e.g. `$.accounts[0].contacts[3].name`, for errors that name the bad
/// entry. Each node links to its parent's and the text is written only when an error asks for it: writing every
/// node's path as text up front had cost about 3 % of the instructions of a start-up on the demo data (3.4M).
final class FixturePath: Sendable {
    private enum Step {
        case root(String)
        case key(String)
        case index(Int)
    }

    private let parent: FixturePath?
    private let step: Step

    /// The document's root, `$`, or `""` for an entry that is a whole request body (its keys are then bare).
    init(root: String) { (parent, step) = (nil, .root(root)) }

    private init(parent: FixturePath, step: Step) { (self.parent, self.step) = (parent, step) }

    func key(_ key: String) -> FixturePath { FixturePath(parent: self, step: .key(key)) }

    func index(_ index: Int) -> FixturePath { FixturePath(parent: self, step: .index(index)) }

    var text: String {
        switch (step, parent) {
        case (.root(let name), _): return name
        case (.key(let key), let parent?):
            let base = parent.text
            return base.isEmpty ? key : "\(base).\(key)"
        case (.index(let index), let parent?): return "\(parent.text)[\(index)]"
        case (.key, nil), (.index, nil): preconditionFailure("only a root has no parent")
        }
    }
}

/// A value of the fixtures document with its place in it.
struct FixtureNode {
    let value: JSONValue
    let location: FixturePath
    /// Milliseconds added to every timestamp read below this node (see `dates_relative_to`).
    var shift: Int64 = 0

    /// The document's root, at `path` (see ``FixturePath/init(root:)``).
    init(value: JSONValue, path: String) { (self.value, location) = (value, FixturePath(root: path)) }

    init(value: JSONValue, location: FixturePath, shift: Int64) {
        (self.value, self.location, self.shift) = (value, location, shift)
    }

    /// `$.accounts[0].name`, for an error message.
    var path: String { location.text }

    func object() throws -> FixtureObject {
        guard let object = value.objectValue else { throw FixtureError(path: path, message: "must be an object") }
        return FixtureObject(object: object, location: location, shift: shift)
    }

    func array() throws -> [FixtureNode] {
        guard case .array(let elements) = value else { throw FixtureError(path: path, message: "must be an array") }
        return elements.enumerated().map { FixtureNode(value: $1, location: location.index($0), shift: shift) }
    }

    func string() throws -> String {
        switch value {
        case .string(let text) where !Formats.isBlank(text): return text
        case .number(let literal): return literal
        default: throw FixtureError(path: path, message: "must be a non-empty string")
        }
    }

    func int() throws -> Int {
        guard case .number(let literal) = value, let number = Int(literal) else {
            throw FixtureError(path: path, message: "must be an integer")
        }
        return number
    }

    func bool() throws -> Bool {
        guard case .bool(let flag) = value else { throw FixtureError(path: path, message: "must be true or false") }
        return flag
    }

    func email() throws -> String {
        let email = try string().trimmed.lowercased()
        guard Formats.isEmail(email) else { throw FixtureError(path: path, message: "\"\(email)\" is not an email") }
        return email
    }

    /// Custom attributes one level deep, checked as the API checks them.
    func customData() throws -> JSONObject {
        var errors = ValidationErrors()
        guard let data = FieldReader(object: JSONObject([("data", value)])).data("data", &errors) else {
            throw FixtureError(path: path, message: "must be an object of strings, numbers and booleans")
        }
        return data
    }

    func timestamp() throws -> Timestamp {
        guard let stamp = Timestamp.parse(try string()) else {
            throw FixtureError(path: path, message: "must be an ISO 8601 timestamp")
        }
        return Timestamp(milliseconds: stamp.milliseconds + shift)
    }

    /// A value of a string enumeration; anything else names every value it may take.
    func oneOf<Value: RawRepresentable & CaseIterable>(_ type: Value.Type) throws -> Value
    where Value.RawValue == String {
        guard let value = Value(rawValue: try string()) else {
            let names = Value.allCases.map(\.rawValue).joined(separator: ", ")
            throw FixtureError(path: path, message: "must be one of \(names)")
        }
        return value
    }

    /// `{"type", "identifier"}`, normalised and checked as the API checks it (facebook allowed here).
    func identity() throws -> IdentityKey {
        let object = try object()
        let typeNode = try object.required("type")
        let type = try typeNode.oneOf(IdentityType.self)
        let identifierNode = try object.required("identifier")
        guard let key = IdentityKey(type, try identifierNode.string()) else {
            throw FixtureError(path: identifierNode.path, message: "is blank")
        }
        guard type.isValid(key.identifier) else {
            throw FixtureError(path: identifierNode.path, message: "\"\(key.identifier)\" is not a valid \(type)")
        }
        return key
    }
}

/// An object of the fixtures document.
struct FixtureObject {
    let object: JSONObject
    let location: FixturePath
    var shift: Int64 = 0

    /// A whole document or request body, at `path` (see ``FixturePath/init(root:)``).
    init(object: JSONObject, path: String) { (self.object, location) = (object, FixturePath(root: path)) }

    init(object: JSONObject, location: FixturePath, shift: Int64) {
        (self.object, self.location, self.shift) = (object, location, shift)
    }

    /// `$.accounts[0]`, for an error message.
    var path: String { location.text }

    func optional(_ key: String) throws -> FixtureNode? {
        guard let value = object[key], !value.isNull else { return nil }
        return FixtureNode(value: value, location: location.key(key), shift: shift)
    }

    /// The path of a key of this object (the bare key when the object is a whole request body).
    func child(_ key: String) -> String { location.key(key).text }

    func required(_ key: String) throws -> FixtureNode {
        guard let node = try optional(key) else { throw FixtureError(path: child(key), message: "is required") }
        return node
    }
}
