import JSON

/// A contact with everything its JSON shows (spec §2.1).
struct ContactRecord: Sendable {
    let id: Int
    let externalID: String?
    let name: String?
    let friendlyName: String?
    let externalAvatarURL: String?
    /// Set by the repository after the contact row, like `identities` and `notes`.
    var data = JSONObject()
    /// Oldest first: the first of each type is the contact field of that type.
    var identities: [Identity] = []
    var notes: [NoteRecord] = []
    let createdAt: Timestamp
    let updatedAt: Timestamp

    /// The oldest identity of `type`, if any.
    func first(_ type: IdentityType) -> String? {
        identities.first { $0.type == type }?.identifier
    }

    /// The first non-blank of `friendly_name`, `name`, `email`, `mobile` (spec §2.1).
    var displayName: String? {
        func nonBlank(_ text: String?) -> String? { Formats.isBlank(text) ? nil : text }
        return nonBlank(friendlyName) ?? nonBlank(name) ?? nonBlank(first(.email)) ?? nonBlank(first(.mobile))
    }
}

/// A contact note with its creator (spec §4.1).
struct NoteRecord: Sendable {
    let id: Int
    let body: String
    let createdAt: Timestamp
    let updatedAt: Timestamp
    let creatorName: String?
    let creatorEmail: String
}

/// The kinds of identity a contact can hold (spec §3.1).
public enum IdentityType: String, CaseIterable, Sendable {
    case email, mobile, twitter, instagram, igsid, facebook

    public init?(rawValue: String) {
        guard let type = Self.scanning(rawValue) else { return nil }
        self = type
    }

    /// The identifier as stored and shown, and the key it is matched by (spec §1.11): emails lower-cased, twitter
    /// handles without one leading `@` and matched case-insensitively, the others exact. White space is trimmed.
    /// Returns nil when nothing is left.
    func normalize(_ raw: String) -> (identifier: String, matchKey: String)? {
        var text = raw.trimmed
        switch self {
        case .email:
            text = text.lowercased()
            return text.isEmpty ? nil : (text, text)
        case .twitter:
            if text.hasPrefix("@") { text.removeFirst() }
            text = text.trimmed
            return text.isEmpty ? nil : (text, text.lowercased())
        case .mobile, .instagram, .igsid, .facebook:
            return text.isEmpty ? nil : (text, text)
        }
    }
}

extension IdentityType {
    /// Whether a normalised identifier has this type's format: emails are addresses, mobiles E.164 (spec §3.3).
    func isValid(_ identifier: String) -> Bool {
        switch self {
        case .email: Formats.isEmail(identifier)
        case .mobile: Formats.isMobile(identifier)
        case .twitter, .instagram, .igsid, .facebook: true
        }
    }
}

/// An identity as a write stores and finds it: its type, its normalised identifier and its match key.
struct IdentityKey: Sendable {
    let type: IdentityType
    let identifier: String
    let matchKey: String

    /// Nil when nothing is left of `raw` once normalised.
    init?(_ type: IdentityType, _ raw: String) {
        guard let normalized = type.normalize(raw) else { return nil }
        (self.type, identifier, matchKey) = (type, normalized.identifier, normalized.matchKey)
    }

    private init(type: IdentityType, normalized: String) {
        (self.type, identifier, matchKey) = (type, normalized, normalized)
    }

    /// An email address already trimmed and lower-cased (emails match as they are stored).
    static func email(_ normalized: String) -> IdentityKey { IdentityKey(type: .email, normalized: normalized) }
    /// A mobile number already trimmed (mobiles match exactly).
    static func mobile(_ normalized: String) -> IdentityKey { IdentityKey(type: .mobile, normalized: normalized) }
}

/// One identity of a contact: a type and its normalised identifier.
public struct Identity: Sendable, Equatable {
    /// The kind of identity.
    public var type: IdentityType
    /// The identifier as stored (§3.1).
    public var identifier: String
}

/// The scalar fields of a new contact, already validated and normalised.
struct ContactFields {
    var externalID: String?
    var name: String?
    var friendlyName: String?
    var externalAvatarURL: String?
}

/// The filters of `GET /contacts` (spec §2.3), already validated.
struct ContactListFilter {
    var query: String?
    var identityType: IdentityType?
    var data: [(key: String, value: String)] = []
    var newestFirst = false
}
