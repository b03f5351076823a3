import JSON
import Synchronization

/// A scripted fault (`POST /__emulator/faults`): let `after` matching requests through, then act on the next `times`
/// (on every later one when `times` is absent).
struct FaultRule: Sendable {
    let id: Int
    let method: String?
    /// A glob over the request path: `*` is any run of characters, `?` one character.
    let pathGlob: String?
    let accountID: Int?
    let status: Int?
    let body: JSONValue?
    let headers: [(name: String, value: String)]
    let delayMilliseconds: Int
    let dropConnection: Bool
    let after: Int
    let times: Int?
    var hits = 0

    func matches(method: String, path: String, accountID: Int?) -> Bool {
        if let wanted = self.method, wanted.uppercased() != method.uppercased() { return false }
        if let wanted = self.accountID, wanted != accountID { return false }
        if let pathGlob, !Glob.matches(pattern: Array(pathGlob.utf8), text: Array(path.utf8)) { return false }
        return true
    }

    /// Whether the `hits`-th matching request falls inside the rule's window.
    var isActive: Bool { hits > after && (times.map { hits <= after + $0 } ?? true) }
}

/// What the pipeline does for a request a fault rule caught.
enum FaultAction {
    /// Wait, then answer normally.
    case delay(milliseconds: Int)
    /// Wait, then answer with this response instead of the handler's; nothing is written.
    case respond(delayMilliseconds: Int, status: Int, headers: [(name: String, value: String)], body: JSONValue?)
    /// Wait, then close the connection without an answer.
    case drop(delayMilliseconds: Int)
}

/// The fault rules, in the order they were added: for each request every matching rule counts a hit, and the first
/// whose window is active acts.
final class FaultScript: Sendable {
    private struct State {
        var rules: [FaultRule] = []
        var nextID = 1
    }

    private let state = Mutex(State())

    /// Adds a rule and returns it.
    func add(_ make: (Int) -> FaultRule) -> FaultRule {
        state.withLock { state in
            let rule = make(state.nextID)
            state.nextID += 1
            state.rules.append(rule)
            return rule
        }
    }

    /// The rules with their hit counts.
    var rules: [FaultRule] { state.withLock { $0.rules } }

    /// Removes every rule, or one; false when that one does not exist.
    @discardableResult
    func remove(id: Int? = nil) -> Bool {
        state.withLock { state in
            guard let id else {
                state.rules.removeAll()
                return true
            }
            let before = state.rules.count
            state.rules.removeAll { $0.id == id }
            return state.rules.count < before
        }
    }

    /// Counts the request against every matching rule and returns the action of the first active one.
    func action(method: String, path: String, accountID: Int?) -> FaultAction? {
        state.withLock { state in
            var chosen: FaultAction?
            for index in state.rules.indices
            where state.rules[index].matches(method: method, path: path, accountID: accountID) {
                state.rules[index].hits += 1
                let rule = state.rules[index]
                guard chosen == nil, rule.isActive else { continue }
                if rule.dropConnection {
                    chosen = .drop(delayMilliseconds: rule.delayMilliseconds)
                } else if let status = rule.status {
                    chosen = .respond(
                        delayMilliseconds: rule.delayMilliseconds, status: status, headers: rule.headers,
                        body: rule.body)
                } else {
                    chosen = .delay(milliseconds: rule.delayMilliseconds)
                }
            }
            return chosen
        }
    }
}
