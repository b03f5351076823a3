/// What one load has already looked up by name: staff users by email, identities by key, channels by slug. A
/// fixtures document names the same few staff users, customers and channels in every conversation and message; the
/// demo data looked them up 850 times, a fifth of its start-up statements.
///
/// Only found values are kept. Staff, contacts with their identities, and channels are inserted before anything
/// names them (the loader's order), and nothing loaded afterwards changes or removes them, so a value found once
/// stays right for the rest of the load. One instance serves one load, inside its transaction.
final class FixtureLookups {
    private struct StaffKey: Hashable {
        let accountID: Int
        let email: String
    }

    private struct IdentityKeyInAccount: Hashable {
        let accountID: Int
        let type: IdentityType
        let matchKey: String
    }

    private struct ChannelKey: Hashable {
        let brandID: Int
        let slug: String
    }

    private var staffIDs: [StaffKey: Int] = [:]
    private var identityIDs: [IdentityKeyInAccount: Int] = [:]
    private var channels: [ChannelKey: ChannelRecord] = [:]

    /// The id of the account's staff user with this email, from `find` the first time.
    func staffID(accountID: Int, email: String, find: () throws -> Int?) rethrows -> Int? {
        try remembered(in: &staffIDs, StaffKey(accountID: accountID, email: email), find)
    }

    /// The id of the account's identity with this key, from `find` the first time.
    func identityID(accountID: Int, key: IdentityKey, find: () throws -> Int?) rethrows -> Int? {
        try remembered(
            in: &identityIDs, IdentityKeyInAccount(accountID: accountID, type: key.type, matchKey: key.matchKey), find)
    }

    /// The brand's channel with this slug, from `find` the first time.
    func channel(brandID: Int, slug: String, find: () throws -> ChannelRecord?) rethrows -> ChannelRecord? {
        try remembered(in: &channels, ChannelKey(brandID: brandID, slug: slug), find)
    }

    private func remembered<Key: Hashable, Value>(
        in values: inout [Key: Value], _ key: Key, _ find: () throws -> Value?
    ) rethrows -> Value? {
        if let known = values[key] { return known }
        let found = try find()
        if let found { values[key] = found }
        return found
    }
}
