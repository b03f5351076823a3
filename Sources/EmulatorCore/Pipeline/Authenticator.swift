import FoundationEssentials
import SQLiteStore

/// HTTP Basic authentication against staff users: login email (case-insensitive) and API token (spec §1.4).
struct Authenticator {
    let connection: Connection

    /// The login (lower-cased) and token of a Basic `Authorization` header.
    /// - Throws: ``APIError/unauthorized`` when it is not Basic with a `login:token` pair.
    static func credentials(authorization: String) throws -> (login: String, token: [UInt8]) {
        let parts = authorization.trimmed.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "basic",
            let decoded = Data(base64Encoded: String(parts[1]).trimmed),
            let colon = decoded.firstIndex(of: UInt8(ascii: ":"))
        else { throw APIError.unauthorized }
        let login = String(decoding: decoded[..<colon], as: UTF8.self).trimmed.lowercased()
        return (login, Array(decoded[decoded.index(after: colon)...]))
    }

    /// The staff user with this login and token, with the token they have (for the credential cache).
    /// - Throws: ``APIError/unauthorized`` for every failure; the caller maps it to 401 or 403.
    func authenticate(login: String, token: [UInt8]) throws -> (staff: StaffUser, token: [UInt8]) {
        let found = try StaffRepository(connection: connection).credentials(login: login)
        guard let (staff, storedToken) = found, let storedToken, Self.constantTimeEquals(Array(storedToken.utf8), token)
        else { throw APIError.unauthorized }
        return (staff, Array(storedToken.utf8))
    }

    /// Compares in time that depends only on the lengths, so a token cannot be guessed byte by byte.
    static func constantTimeEquals(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
        var difference = UInt8(lhs.count == rhs.count ? 0 : 1)
        for index in 0..<max(lhs.count, rhs.count) {
            let left = index < lhs.count ? lhs[index] : 0
            let right = index < rhs.count ? rhs[index] : 0
            difference |= left ^ right
        }
        return difference == 0
    }
}
