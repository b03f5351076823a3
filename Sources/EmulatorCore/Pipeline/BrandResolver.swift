import SQLiteStore

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
