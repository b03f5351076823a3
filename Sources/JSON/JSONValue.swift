/// A parsed JSON value. Objects keep their keys in the order sent; numbers keep their literal text, so `3` stays `3`.
public enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    /// A number, as its JSON literal (already validated by the parser).
    case number(String)
    case string(String)
    case array([JSONValue])
    case object(JSONObject)

    /// The object, if this is one.
    public var objectValue: JSONObject? {
        if case .object(let object) = self { return object }
        return nil
    }

    /// True for `null`.
    public var isNull: Bool { self == .null }

    /// A short name of the JSON type, for error messages.
    public var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "boolean"
        case .number: "number"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        }
    }
}

/// A JSON object with its keys in order. A key sent twice keeps its first position and its last value.
///
/// Lookups are constant time: past a handful of members a hash index maps each key to its position, so parsing an
/// object of n keys is linear, not quadratic (a body of 60,000 keys once took seconds of a worker).
public struct JSONObject: Sendable, Equatable {
    /// Objects up to this many members are searched in order: cheaper than hashing for the small objects of requests.
    static let indexThreshold = 16

    /// The members in order.
    public private(set) var members: [(key: String, value: JSONValue)]
    /// Each key's position in `members`, once there are more than ``indexThreshold`` of them.
    private var positions: [String: Int]?

    /// An empty object.
    public init() { members = [] }

    /// An object with these members, in this order.
    public init(_ members: [(key: String, value: JSONValue)]) {
        self.members = []
        for member in members { self[member.key] = member.value }
    }

    /// The value of `key`, or nil when the key is absent.
    public subscript(key: String) -> JSONValue? {
        get { position(of: key).map { members[$0].value } }
        set {
            switch (position(of: key), newValue) {
            case (let index?, let value?): members[index].value = value
            case (let index?, nil):
                members.remove(at: index)
                if positions != nil { buildIndex() }
            case (nil, let value?):
                members.append((key, value))
                if positions != nil {
                    positions?[key] = members.count - 1
                } else if members.count > Self.indexThreshold {
                    buildIndex()
                }
            case (nil, nil): break
            }
        }
    }

    /// True when the object has no members.
    public var isEmpty: Bool { members.isEmpty }

    private func position(of key: String) -> Int? {
        if let positions { return positions[key] }
        return members.firstIndex { $0.key == key }
    }

    private mutating func buildIndex() {
        var index: [String: Int] = [:]
        index.reserveCapacity(members.count)
        for (position, member) in members.enumerated() { index[member.key] = position }
        positions = index
    }

    public static func == (lhs: JSONObject, rhs: JSONObject) -> Bool {
        lhs.members.count == rhs.members.count
            && zip(lhs.members, rhs.members).allSatisfy { $0.key == $1.key && $0.value == $1.value }
    }
}
