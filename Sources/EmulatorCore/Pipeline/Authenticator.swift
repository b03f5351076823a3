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
        let found = try StaffRepository(connection: connection).credentials(login: login)
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
        let brands = BrandRepository(connection: connection)
        let brand =
            try Self.label(fromHost: host).map { try brands.brand(hostLabel: $0) }
            ?? brands.defaultBrand(accountID: accountID)
        guard let brand, brand.accountID == accountID else { throw APIError.notFound }
        return brand
    }
}
