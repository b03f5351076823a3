import JSON
import MicroHTTP
import SQLiteStore

/// What an API handler gets: made by ``Authentication`` (who and which brand), completed by the later steps (the
/// request time, the JSON body and the merged parameters).
struct RequestContext: PipelineContext {
    let exchange: Exchange
    /// The staff user the request acts as.
    let staff: StaffUser
    /// The brand named by the Host header, or the account's default brand.
    let brand: Brand
    /// The store.
    let database: Database
    /// Channels and staff users kept between requests, for this request's read transactions (never its writes).
    let shownRecords: ShownRecords
    /// The time of this request, from the injected clock; a request held by a latency fault takes the time it is
    /// let through.
    var now: Timestamp
    /// The JSON object body; `{}` when the body was empty.
    var body = JSONObject()
    /// Query and body parameters merged (spec §1.5); set with the body, by ``JSONBody``.
    var parameters = Parameters.none

    /// The route's named path parameters, percent-decoded.
    var pathParameters: PathParameters { (try? exchange.route.get().parameters) ?? PathParameters() }
    /// The Host header as sent, if any.
    var requestHost: String? { exchange.request.header("Host") }
    /// Whether the request came over HTTPS.
    var isSecure: Bool { exchange.request.isSecure }
    /// The account the request acts in.
    var accountID: Int { staff.accountID }
}

extension RequestContext {
    /// A single read: the record `find` returns in one read transaction, written by `render`; 404 when there is none.
    func show<Record>(
        _ find: (Connection) throws -> Record?, _ render: (inout JSONWriter, Record) -> Void
    ) throws -> HTTPResponse {
        guard let record = try database.read(find) else { throw APIError.notFound }
        return JSONResponse.make { render(&$0, record) }
    }
}
