import MicroHTTP
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
    /// - Throws: ``UnknownBrand`` (a plain 404 to the client) when the named brand is not the account's.
    func resolve(label: String?, accountID: Int) throws -> Brand {
        let brands = BrandRepository(connection: connection)
        let brand = try label.map { try brands.brand(hostLabel: $0) } ?? brands.defaultBrand(accountID: accountID)
        guard let brand, brand.accountID == accountID else {
            throw UnknownBrand(
                label: label, accountID: accountID,
                accountBrands: try brands.brands(accountID: accountID).map(\.brand.hostLabel))
        }
        return brand
    }
}

/// The `Host` header names a brand the account does not have. The client gets Re:amaze's bare 404; the operator
/// gets the reason, in the log (info) and in the request's journal entry.
struct UnknownBrand: ExplainedError {
    let label: String?
    let accountID: Int
    let accountBrands: [String]

    var response: HTTPResponse { APIError.notFound.response }

    var explanation: String {
        let known = accountBrands.isEmpty ? "none" : accountBrands.joined(separator: ", ")
        guard let label else { return "account \(accountID) has no brand" }
        return "the Host header names brand '\(label)', which account \(accountID) does not have (its brands: \(known))"
    }
}
