import FoundationEssentials
import SQLiteStore

/// HTTP Basic authentication against staff users: login email (case-insensitive) and API token (spec §1.4).
struct Authenticator {
    let connection: Connection

    /// The staff user named by the `Authorization` header.
    /// - Throws: ``APIError/unauthorized`` for every failure; the caller maps it to 401 or 403.
    func authenticate(authorization: String?) throws -> StaffUser {
        guard let authorization else { throw APIError.unauthorized }
        let parts = authorization.trimmed.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "basic",
            let decoded = Data(base64Encoded: String(parts[1]).trimmed),
            let colon = decoded.firstIndex(of: UInt8(ascii: ":"))
        else { throw APIError.unauthorized }
        let login = String(decoding: decoded[..<colon], as: UTF8.self).trimmed.lowercased()
        let token = Array(decoded[decoded.index(after: colon)...])
        let found = try connection.queryOne(
            "SELECT id, account_id, name, email, api_token FROM staff WHERE email = ?", [login]
        ) { row in
            (
                StaffUser(id: row.int(0), accountID: row.int(1), name: row.optionalString(2), email: row.string(3)),
                row.optionalString(4)
            )
        }
        guard let (staff, storedToken) = found, let storedToken,
            Self.constantTimeEquals(Array(storedToken.utf8), token)
        else { throw APIError.unauthorized }
        return staff
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

/// Finds the brand named by the Host header (spec §1.1).
struct BrandResolver {
    let connection: Connection

    /// The brand label a Host header names, or nil for the account's default brand.
    static func label(fromHost host: String?) -> String? {
        guard var host = host?.trimmed.lowercased(), !host.isEmpty, !host.hasPrefix("[") else { return nil }
        if let colon = host.lastIndex(of: ":") { host = String(host[..<colon]) }
        for suffix in [".reamaze.io", ".reamaze.com", ".localhost"] where host.hasSuffix(suffix) {
            let label = host.dropLast(suffix.count).split(separator: ".", omittingEmptySubsequences: false).first
            if let label, !label.isEmpty { return String(label) }
        }
        return nil
    }

    /// The brand for this request.
    /// - Throws: ``APIError/notFound`` when the named brand is not the account's.
    func resolve(host: String?, accountID: Int) throws -> Brand {
        let label = Self.label(fromHost: host)
        let columns = "SELECT id, account_id, name, url, host_label FROM brands"
        let map: (Row) -> Brand = { row in
            Brand(
                id: row.int(0), accountID: row.int(1), name: row.string(2), url: row.string(3), hostLabel: row.string(4)
            )
        }
        let brand =
            try label.map { try connection.queryOne("\(columns) WHERE host_label = ?", [$0], map) }
            ?? connection.queryOne(
                "\(columns) WHERE account_id = ? ORDER BY is_default DESC, id LIMIT 1", [accountID], map)
        guard let brand, brand.accountID == accountID else { throw APIError.notFound }
        return brand
    }
}
