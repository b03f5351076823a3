import JSON
import SQLiteStore

/// A brand of an account (spec §1.1).
struct Brand: Sendable {
    let id: Int
    let accountID: Int
    let name: String
    let url: String
    let hostLabel: String
}

/// Everything a handler needs about one authenticated request.
struct RequestContext {
    /// The staff user the request acts as.
    let staff: StaffUser
    /// The brand named by the Host header, or the account's default brand.
    let brand: Brand
    /// Query and body parameters merged (spec §1.5).
    let parameters: Parameters
    /// The JSON object body; `{}` when the body was empty.
    let body: JSONObject
    /// The route's named path parameters, percent-decoded.
    let pathParameters: PathParameters
    /// The time of this request, from the injected environment.
    let now: Timestamp
    /// The store.
    let database: Database
    /// The Host header as sent, if any.
    let requestHost: String?
    /// Whether the request came over HTTPS.
    let isSecure: Bool

    /// The account the request acts in.
    var accountID: Int { staff.accountID }
}
