import JSON
import MicroHTTP

/// `GET/POST/DELETE /__emulator/faults`, `DELETE /__emulator/faults/{id}`.
struct FaultControl {
    let faults: FaultScript

    var routes: [Route<ControlContext>] {
        [
            Route("faults", [(.get, list), (.post, add), (.delete, clear)]),
            Route("faults/:id", [(.delete, remove)]),
        ]
    }

    func list(_ context: ControlContext) throws -> HTTPResponse {
        let rules = faults.rules
        return JSONResponse.make { writer in
            writer.object { writer in
                writer.key("faults")
                writer.array { writer in for rule in rules { writer.faultRule(rule) } }
            }
        }
    }

    /// `{"match": {"method", "path", "account"}, "action": {"status", "body", "headers", "delay_ms",
    /// "drop_connection"}, "after": N, "times": M}`.
    func add(_ context: ControlContext) throws -> HTTPResponse {
        let body = context.body
        let match = try body.controlObject("match") ?? JSONObject()
        guard let action = try body.controlObject("action") else { throw ControlError.badRequest("action is required") }
        let status = try action.controlInt("status")
        if let status, !(100...599).contains(status) { throw ControlError.badRequest("status must be 100 to 599") }
        var headers: [(name: String, value: String)] = []
        for member in try action.controlObject("headers")?.members ?? [] {
            guard case .string(let value) = member.value else {
                throw ControlError.badRequest("headers must map names to strings")
            }
            headers.append((member.key, value))
        }
        let delay = try action.controlInt("delay_ms") ?? 0
        guard (0...600_000).contains(delay) else { throw ControlError.badRequest("delay_ms must be 0 to 600000") }
        let drop = try action.controlBool("drop_connection") ?? false
        guard status != nil || delay > 0 || drop else {
            throw ControlError.badRequest("action needs a status, a delay_ms or drop_connection")
        }
        let after = try body.controlInt("after") ?? 0
        let times = try body.controlInt("times")
        guard after >= 0, times.map({ $0 >= 1 }) ?? true else {
            throw ControlError.badRequest("after must be 0 or more and times 1 or more")
        }
        let rule = faults.add { id in
            FaultRule(
                id: id, method: try? match.controlString("method"), pathGlob: try? match.controlString("path"),
                accountID: try? match.controlInt("account"), status: status, body: action["body"], headers: headers,
                delayMilliseconds: delay, dropConnection: drop, after: after, times: times)
        }
        return JSONResponse.make { $0.faultRule(rule) }
    }

    func clear(_ context: ControlContext) throws -> HTTPResponse {
        faults.remove()
        return JSONResponse.make { $0.object { $0.field("status", "cleared") } }
    }

    func remove(_ context: ControlContext) throws -> HTTPResponse {
        let given = try context.pathParameters.require("id")
        guard let id = Int(given), faults.remove(id: id) else {
            throw ControlError.notFound("no fault \(given)")
        }
        return JSONResponse.make { $0.object { $0.field("deleted", id) } }
    }
}

extension JSONWriter {
    mutating func faultRule(_ rule: FaultRule) {
        object { writer in
            writer.field("id", rule.id)
            writer.key("match")
            writer.object { writer in
                writer.field("method", rule.method)
                writer.field("path", rule.pathGlob)
                writer.field("account", rule.accountID)
            }
            writer.key("action")
            writer.object { writer in
                writer.field("status", rule.status)
                writer.key("body")
                writer.value(rule.body ?? .null)
                writer.key("headers")
                writer.object { writer in for header in rule.headers { writer.field(header.name, header.value) } }
                writer.field("delay_ms", rule.delayMilliseconds)
                writer.key("drop_connection")
                writer.bool(rule.dropConnection)
            }
            writer.field("after", rule.after)
            writer.field("times", rule.times)
            writer.field("hits", rule.hits)
        }
    }
}
