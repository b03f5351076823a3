import EmulatorCore
import Foundation
import Logging
import MicroHTTP
import Testing

/// A recorded conversation with the emulator: some two hundred requests over every route, API and control plane,
/// successes and every kind of refusal, on the demo data and a pinned clock. Each answer's status, headers and body
/// are compared byte for byte with `Transcripts/pipeline.txt`, so a change meant to keep behaviour (a restructure, a
/// speed-up) proves it does. A change meant to alter an answer re-records the file (`RECORD_TRANSCRIPTS=1 swift test
/// --filter TranscriptTests`) and the diff shows exactly which answers moved.
@Suite struct TranscriptTests {
    static let demo = "Basic " + Data("demo@example.com:demo-token".utf8).base64EncodedString()
    static let priya = "Basic " + Data("priya@demo-outfitters.com:priya-token".utf8).base64EncodedString()
    static let wrong = "Basic " + Data("demo@example.com:nope".utf8).base64EncodedString()

    /// One request of the script: `method path`, then the headers and body to send.
    struct Step {
        var method: String
        var target: String
        var authorization: String? = TranscriptTests.demo
        var host: String? = nil
        var body: String? = nil
        var bodyExceededLimit = false
        var extraHeaders: [(name: String, value: String)] = []

        var request: HTTPRequest {
            let parts = target.split(separator: "?", maxSplits: 1)
            let query = parts.count > 1 ? Self.formDecode(parts[1]) : []
            var headers: [(name: String, value: String)] = []
            if let authorization { headers.append(("Authorization", authorization)) }
            if let host { headers.append(("Host", host)) }
            headers += extraHeaders
            return HTTPRequest(
                method: method, rawPath: String(parts[0]), query: query, headers: headers,
                body: Array((body ?? "").utf8),
                bodyExceededLimit: bodyExceededLimit)
        }

        static func formDecode(_ text: Substring) -> [(name: String, value: String)] {
            text.split(separator: "&").map { pair in
                let sides = pair.split(separator: "=", maxSplits: 1).map {
                    ($0.replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String($0))
                }
                return (sides[0], sides.count > 1 ? sides[1] : "")
            }
        }
    }

    static func api(
        _ method: String, _ target: String, as authorization: String? = demo, host: String? = nil, body: String? = nil
    ) -> Step {
        Step(method: method, target: "/api/v1/" + target, authorization: authorization, host: host, body: body)
    }

    static func control(_ method: String, _ target: String, body: String? = nil, token: String? = nil) -> Step {
        Step(
            method: method, target: "/__emulator/" + target, authorization: token.map { "Bearer \($0)" }, body: body)
    }

    /// The script: read in order, each step sees what the ones before it did.
    static let script: [Step] = [
        // The console, the API's order of checks, and paths outside both.
        Step(method: "GET", target: "/", authorization: nil),
        Step(method: "HEAD", target: "/console", authorization: nil),
        Step(method: "POST", target: "/console", authorization: nil),
        Step(method: "GET", target: "/nowhere"),
        Step(method: "GET", target: "/api/v2/contacts"),
        api("GET", "nothing", as: wrong),
        api("DELETE", "contacts", as: wrong),
        api("GET", "contacts", as: nil),
        api("GET", "contacts", as: wrong),
        api("GET", "contacts", as: "Bearer demo-token"),
        api("GET", "contacts", host: "nope.localhost"),
        api("GET", "contacts?page=2", host: "demo-coffee.localhost"),
        Step(method: "POST", target: "/api/v1/contacts", body: "{", bodyExceededLimit: true),
        api("POST", "contacts", body: "{"),
        api("POST", "contacts", body: "[1]"),
        api("POST", "contacts", body: "{}"),
        Step(method: "GET", target: "/api/v1/" + String(repeating: "x", count: 9_000)),
        Step(
            method: "GET", target: "/api/v1/contacts",
            extraHeaders: [("X-Padding", String(repeating: "p", count: 9_000))]),
        // Contacts.
        api("GET", "contacts"),
        api("GET", "contacts.json?page=2"),
        api("GET", "contacts?q=silva"),
        api("GET", "contacts?q=%2B1555"),
        api("GET", "contacts?data%5Bplan%5D=free&page=1"),
        api("GET", "contacts?tag=vip"),
        api("GET", "contacts?page=0"),
        api("GET", "contacts?page=abc"),
        api("GET", "contacts/olivia.silva@example.com"),
        api("GET", "contacts/olivia.silva%40example.com.json"),
        api("GET", "contacts/%2B15551000000?type=mobile"),
        api("GET", "contacts/nobody@example.com"),
        api("GET", "contacts/fb.100000?type=facebook"),
        api("GET", "contacts/olivia.silva@example.com?type=telepathy"),
        api(
            "POST", "contacts",
            body: #"{"contact": {"name": "Zoe Quinn", "email": "zoe@example.com", "mobile": "+15559990000", "#
                + #""data": {"plan": "pro", "seats": 3}, "friendly_name": "Zo"}}"#),
        api("POST", "contacts", body: #"{"contact": {"name": "Zoe Again", "email": "zoe@example.com"}}"#),
        api("POST", "contacts", body: #"{"contact": {"name": "No Identity"}}"#),
        api("POST", "contacts", body: #"{"contact": {"email": "not-an-email", "mobile": "abc"}}"#),
        api("POST", "contacts", body: #"{"contact": {"email": 7, "data": "x", "name": ["a"]}}"#),
        api("POST", "contacts", body: #"{"contact": "zoe"}"#),
        api(
            "PUT", "contacts/zoe@example.com",
            body: #"{"contact": {"name": "Zoe Q.", "data": {"seats": 4, "plan": null}, "notes": "ignored"}}"#),
        api("PUT", "contacts/zoe@example.com", body: #"{"contact": {"email": "zoe2@example.com"}}"#),
        api("PUT", "contacts/zoe@example.com", body: #"{"contact": {"data": [1]}}"#),
        api("PUT", "contacts/ghost@example.com", body: #"{"contact": {"name": "x"}}"#),
        api("GET", "contacts/zoe@example.com"),
        // Identities, and moving one with its history.
        api("GET", "contacts/olivia.silva@example.com/identities"),
        api("GET", "contacts/ghost@example.com/identities"),
        api(
            "POST", "contacts/zoe@example.com/identities",
            body: #"{"identity": {"type": "email", "identifier": "zoe.work@example.com"}}"#),
        api(
            "POST", "contacts/zoe@example.com/identities",
            body: #"{"identity": {"type": "email", "identifier": "olivia.silva@example.com"}}"#),
        api(
            "POST", "contacts/zoe@example.com/identities",
            body: #"{"identity": {"type": "email", "identifier": "olivia.silva@example.com"}}"#),
        api("POST", "contacts/zoe@example.com/identities", body: #"{"identity": {"type": "pigeon"}}"#),
        api("POST", "contacts/zoe@example.com/identities", body: #"{}"#),
        api("GET", "contacts/zoe@example.com/identities"),
        api("GET", "contacts/%2B15551000000?type=mobile"),
        // Notes.
        api("GET", "contacts/zoe@example.com/notes"),
        api("POST", "contacts/zoe@example.com/notes", body: #"{"note": {"body": "Prefers email"}}"#),
        api("POST", "contacts/zoe@example.com/notes", body: #"{"note": {"body": ""}}"#),
        api("POST", "contacts/zoe@example.com/notes", body: #"{"note": {}}"#),
        api("GET", "contacts/zoe@example.com/notes"),
        api("PUT", "contacts/zoe@example.com/notes/18", body: #"{"note": {"body": "Edited"}}"#),
        api("PUT", "contacts/zoe@example.com/notes/18", body: #"{"note": {"body": " "}}"#),
        api("PUT", "contacts/olivia.silva@example.com/notes/1", body: #"{"note": {"body": "Not hers"}}"#),
        api("PUT", "contacts/zoe@example.com/notes/999999", body: #"{"note": {"body": "Edited"}}"#),
        api("PUT", "contacts/zoe@example.com/notes/abc", body: #"{"note": {"body": "Edited"}}"#),
        api("DELETE", "contacts/zoe@example.com/notes/999999"),
        api("GET", "contacts/olivia.silva@example.com/notes"),
        // Conversations.
        api("GET", "conversations"),
        api("GET", "conversations?page=2"),
        api("GET", "conversations?filter=archived"),
        api("GET", "conversations?filter=open&sort=updated"),
        api("GET", "conversations?filter=bogus"),
        api("GET", "conversations?tag=shipping"),
        api("GET", "conversations?category=support"),
        api("GET", "conversations?category=nope"),
        api("GET", "conversations?for=olivia.silva@example.com"),
        api("GET", "conversations?data%5Border_id%5D=1000"),
        api("GET", "conversations?start_date=2026-11-01&end_date=2026-11-05"),
        api("GET", "conversations?start_date=yesterday"),
        api("GET", "conversations?q=order"),
        api("GET", "conversations", host: "demo-coffee.localhost"),
        api("GET", "conversations", as: priya),
        api("GET", "conversations/nope"),
        api(
            "POST", "conversations",
            body: #"{"conversation": {"subject": "Broken zip", "category": "support", "tag_list": ["returns"], "#
                + #""data": {"order_id": "42"}, "message": {"body": "The zip on my jacket broke.", "#
                + #""recipients": ["zoe@example.com"]}, "user": {"name": "Zoe", "email": "zoe@example.com"}}}"#),
        api("GET", "conversations/broken-zip"),
        api("GET", "conversations/broken-zip.json", host: "demo-coffee.localhost"),
        api(
            "PUT", "conversations/broken-zip",
            body:
                #"{"conversation": {"status": 1, "tag_list": ["returns", "zips"], "assignee": "priya@demo-outfitters.com", "#
                + #""data": {"rma": "R-1"}}}"#),
        api("PUT", "conversations/broken-zip", body: #"{"conversation": {"status": 99}}"#),
        api("PUT", "conversations/broken-zip", body: #"{"conversation": {"assignee": "ghost@example.com"}}"#),
        api("GET", "conversations/broken-zip/messages"),
        api(
            "POST", "conversations/broken-zip/messages",
            body: #"{"message": {"body": "We'll send a new zip.", "visibility": 0}}"#),
        api(
            "POST", "conversations/broken-zip/messages",
            body: #"{"message": {"body": "Note to self", "visibility": 1}}"#),
        api("POST", "conversations/broken-zip/messages", body: #"{"message": {"body": ""}}"#),
        api("POST", "conversations/broken-zip/messages", body: #"{"message": {"body": "x", "visibility": 7}}"#),
        api("GET", "conversations/nope/messages"),
        api("GET", "conversations/broken-zip/messages"),
        api("GET", "conversations/broken-zip"),
        api("POST", "conversations", body: #"{"conversation": {"subject": "x"}}"#),
        api("POST", "conversations", body: #"{"conversation": {"category": "nope", "message": {"body": "x"}}}"#),
        api("POST", "conversations", body: #"{"conversation": 1}"#),
        // Messages.
        api("GET", "messages"),
        api("GET", "messages?page=3"),
        api("GET", "messages?visibility=internal"),
        api("GET", "messages?origin=customer"),
        api("GET", "messages?filter=bogus"),
        // Every write's body problems beside the store's, the path's 404 before a bad body, and list queries.
        api("POST", "contacts", body: #"{"contact": {"email": "olivia.silva@example.com", "name": 5}}"#),
        api("POST", "contacts", body: #"{"contact": {"email": 7, "mobile": "+15551000000"}}"#),
        api("POST", "contacts", body: #"{"contact": {"id": "cus_1000", "email": "new1@example.com"}}"#),
        api(
            "POST", "contacts",
            body: #"{"contact": {"email": "new2@example.com", "notes": ["a", " ", "b"], "data": {"x": {"y": 1}}}}"#),
        api(
            "POST", "contacts",
            body: #"{"contact": {"email": "new3@example.com", "external_avatar_url": "ftp://x", "id": 5}}"#),
        api("PUT", "contacts/ghost@example.com", body: "{}"),
        api("PUT", "contacts/zoe@example.com", body: "{}"),
        api("PUT", "contacts/zoe@example.com?identifier_type=pager", body: "{}"),
        api("POST", "contacts/ghost@example.com/identities", body: "{}"),
        api(
            "POST", "contacts/zoe@example.com/identities",
            body: #"{"identity": {"type": "facebook", "identifier": "x"}}"#),
        api(
            "POST", "contacts/zoe@example.com/identities",
            body: #"{"identity": {"type": "email", "identifier": "bad"}}"#),
        api(
            "POST", "contacts/zoe@example.com/identities",
            body: #"{"identity": {"type": "twitter", "identifier": " @Zo "}}"#),
        api(
            "POST", "contacts/zoe@example.com/notes",
            body: #"{"note": {"body": "", "creator_email": "ghost@example.com", "created_at": "x"}}"#),
        api(
            "POST", "contacts/zoe@example.com/notes",
            body:
                #"{"body": "by priya", "creator_email": "priya@demo-outfitters.com", "created_at": "2026-01-01T00:00:00Z"}"#
        ),
        api("PUT", "contacts/zoe@example.com/notes/18", body: #"{"note": {"creator_email": "ghost@example.com"}}"#),
        api(
            "PUT", "contacts/zoe@example.com/notes/18",
            body: #"{"note": {"creator_email": "priya@demo-outfitters.com"}}"#),
        api("POST", "contacts/ghost@example.com/notes", body: #"{"note": {}}"#),
        api(
            "POST", "conversations",
            body: #"{"conversation": {"category": "nope", "subject": 5, "message": {"body": "x"}, "#
                + #""user": {"email": "zoe@example.com"}}}"#),
        api(
            "POST", "conversations",
            body: #"{"conversation": {"category": "support", "message": {"body": "x", "recipients": "bad", "#
                + #""attachments": ["ftp://x"]}, "user": {"email": "bad"}}}"#),
        api(
            "POST", "conversations",
            body: #"{"conversation": {"category": "support", "subject": "From staff", "status": 5, "#
                + #""message": {"body": "x"}, "user": {"email": "priya@demo-outfitters.com"}}}"#),
        api(
            "POST", "conversations",
            body: #"{"conversation": {"category": "support", "subject": "SMS customer", "tag_list": "a, b ,a", "#
                + #""message": {"body": "x", "origin_id": 77}, "user": {"mobile": "+15557770000", "name": "Sam", "#
                + #""data": {"tier": "gold"}}}}"#),
        api(
            "POST", "conversations",
            body: #"{"conversation": {"category": "support", "subject": "SMS customer again", "#
                + #""message": {"body": "y", "origin_id": "77"}, "user": {"mobile": "+15557770000"}}}"#),
        api(
            "PUT", "conversations/broken-zip",
            body:
                #"{"conversation": {"assignee": "ghost@example.com", "status": 99, "brand": "nope", "category": "chat"}}"#
        ),
        api("PUT", "conversations/broken-zip", body: #"{"conversation": {"category": "chat"}}"#),
        api(
            "PUT", "conversations/broken-zip", body: #"{"conversation": {"brand": "demo-coffee", "category": "nope"}}"#),
        api("PUT", "conversations/broken-zip", body: #"{"conversation": {"assignee": {"email": 5}, "data": [1]}}"#),
        api("PUT", "conversations/broken-zip", body: #"{"conversation": {"assignee": 5}}"#),
        api("PUT", "conversations/nope", body: #"{"x": 1}"#),
        api("PUT", "conversations/broken-zip", body: "{}"),
        api("PUT", "conversations/broken-zip", body: #"{"conversation": {"status": 5}}"#),
        api(
            "PUT", "conversations/broken-zip",
            body: #"{"conversation": {"status": 5, "hold_until": "2026-12-24T09:00:00Z", "tag_list": []}}"#),
        api(
            "PUT", "conversations/broken-zip",
            body: #"{"conversation": {"brand": "demo-coffee", "category": "support"}}"#),
        api("GET", "conversations/broken-zip", host: "demo-coffee.localhost"),
        api(
            "POST", "conversations/broken-zip/messages", host: "demo-coffee.localhost",
            body: #"{"message": {"body": "", "visibility": 1, "user": {"email": "olivia.silva@example.com"}}}"#),
        api(
            "POST", "conversations/broken-zip/messages", host: "demo-coffee.localhost",
            body: #"{"message": {"body": "hi", "visibility": 1, "user": {"email": "olivia.silva@example.com"}}}"#),
        api(
            "POST", "conversations/broken-zip/messages", host: "demo-coffee.localhost",
            body: #"{"message": {"body": "From Priya", "user": {"email": "priya@demo-outfitters.com"}}}"#),
        api(
            "POST", "conversations/broken-zip/messages", host: "demo-coffee.localhost",
            body: #"{"message": {"body": "From a new customer", "user": {"email": "new.person@example.com", "#
                + #""name": "New Person"}, "recipients": ["cc@example.com"]}}"#),
        api(
            "POST", "conversations/broken-zip/messages", host: "demo-coffee.localhost",
            body: #"{"message": {"body": "once", "origin_id": "o-1", "suppress_autoresolve": true}}"#),
        api(
            "POST", "conversations/broken-zip/messages", host: "demo-coffee.localhost",
            body: #"{"message": {"body": "twice", "origin_id": "o-1"}}"#),
        api(
            "POST", "conversations/broken-zip/messages", host: "demo-coffee.localhost",
            body:
                #"{"message": {"body": "x", "user": {"email": "bad"}, "attachments": ["ftp://x"], "visibility": "1"}}"#),
        api("POST", "conversations/nope/messages", body: #"{"message": {}}"#),
        api("POST", "conversations/broken-zip/messages", host: "demo-coffee.localhost", body: "{}"),
        api("GET", "conversations/broken-zip", host: "demo-coffee.localhost"),
        api("GET", "conversations/broken-zip?id_type=bogus", host: "demo-coffee.localhost"),
        api("GET", "conversations/1?id_type=ref"),
        api("GET", "conversations/77?id_type=origin"),
        api("GET", "conversations/77?id_type=origin&category=support"),
        api("GET", "conversations/77?id_type=origin&category=support&channel=9"),
        api("POST", "staff", body: #"{"staff": {"email": "demo@example.com", "name": 3}}"#),
        api("POST", "staff", body: #"{"staff": {"name": "x"}}"#),
        api("POST", "staff", body: "{}"),
        api("GET", "contacts?type=facebook"),
        api("GET", "contacts?type=mobile&q=555"),
        api("GET", "conversations?filter=bogus&start_date=x&end_date=2026-13-01"),
        api("GET", "conversations?for=olivia.silva@example.com&for_id=cus_1000"),
        api("GET", "conversations?for_id=cus_1001&sort=changed"),
        api("GET", "messages?filter=bogus&origin=x"),
        api("GET", "messages?sent_by=priya@demo-outfitters.com"),
        api("GET", "messages?sent_by=new.person@example.com", host: "demo-coffee.localhost"),
        api("GET", "messages?sent_by=nobody@example.com"),
        api("GET", "messages?filter=customer&tag=zips", host: "demo-coffee.localhost"),
        // Channels and staff.
        api("GET", "channels"),
        api("GET", "channels/support"),
        api("GET", "channels/chat.json"),
        api("GET", "channels/nope"),
        api("GET", "channels", host: "demo-coffee.localhost"),
        api("GET", "staff"),
        api("GET", "staff?page=2"),
        api("POST", "staff", body: #"{"staff": {"name": "New Agent", "email": "agent@demo-outfitters.com"}}"#),
        api("POST", "staff", body: #"{"staff": {"name": "New Agent", "email": "agent@demo-outfitters.com"}}"#),
        api("POST", "staff", body: #"{"staff": {"email": "nope"}}"#),
        api("POST", "staff", as: priya, body: #"{"staff": {"name": "Agent", "email": "a2@demo-outfitters.com"}}"#),
        // The knowledge base.
        api("GET", "topics"),
        api("GET", "topics", host: "demo-coffee.localhost"),
        api("GET", "articles?q=refund"),
        api("GET", "articles?status=draft&page=1"),
        api("GET", "articles?status=4"),
        api("GET", "articles?topic=nothing"),
        api("GET", "articles/how-do-i-track-my-order"),
        api("GET", "articles/how-do-i-track-my-order", host: "demo-coffee.localhost"),
        api("GET", "topics/shipping/articles?q=PARCEL"),
        api("GET", "topics/nothing/articles"),
        api(
            "POST", "topics/sizing/articles",
            body: #"{"article": {"title": "Glove sizes", "body": "Measure your palm."}}"#),
        api("POST", "articles", body: #"{"article": {"title": "Glove sizes", "body": "Again", "topic_id": 3}}"#),
        api("POST", "articles", body: #"{"article": {"status": "archived", "topic_id": "brewing"}}"#),
        api(
            "PUT", "articles/glove-sizes", body: #"{"article": {"status": "draft", "topic_id": "orders", "body": ""}}"#),
        api("PUT", "articles/nothing", body: "{}"),
        api("DELETE", "articles/glove-sizes"),
        // Response templates.
        api("GET", "response_templates"),
        api("GET", "response_templates?q=RETURN", as: priya),
        api("GET", "response_templates/7"),
        api("GET", "response_templates/7", as: priya),
        api("GET", "response_templates/8"),
        api("GET", "response_templates/abc"),
        api("POST", "response_templates", body: #"{"response_template": {"name": "Quick hello", "body": "Hi!"}}"#),
        api("POST", "response_templates", body: #"{"response_template": {"is_personal": "maybe"}}"#),
        api("PUT", "response_templates/1", body: #"{"response_template": {"name": "", "is_personal": 1}}"#),
        api("GET", "response_templates", as: priya),
        api("DELETE", "response_templates/1"),
        // Satisfaction ratings.
        api("GET", "satisfaction_ratings"),
        api("GET", "satisfaction_ratings?rating=5&created_after=2026-11-01T00:00:00Z"),
        api("GET", "satisfaction_ratings?assignee_id=2&updated_before=2026-11-30"),
        api("GET", "satisfaction_ratings?rating=0&created_before=soon"),
        api("GET", "satisfaction_ratings", host: "demo-coffee.localhost"),
        api("GET", "satisfaction_ratings?rating=0", as: priya),
        api("POST", "satisfaction_ratings", body: "{}"),
        // The control plane.
        control("GET", "nothing"),
        control("DELETE", "health"),
        control("GET", "health"),
        control("GET", "openapi.yaml"),
        control("GET", "config"),
        control("PUT", "config", body: #"{"rate_limit": 0}"#),
        control("PUT", "config", body: #"{"auth_failure_status": 418}"#),
        control("PUT", "config", body: #"{"auth_failure_status": 403}"#),
        api("GET", "contacts", as: wrong),
        control("PUT", "config", body: #"{"auth_failure_status": 401, "rate_limit": 3}"#),
        api("GET", "staff"),
        api("GET", "staff"),
        api("GET", "staff"),
        control("PUT", "config", body: #"{"rate_limit": null}"#),
        api("GET", "staff"),
        control("PUT", "config", body: "{"),
        control("PUT", "config", body: "[]"),
        control("GET", "clock"),
        control("PUT", "clock", body: #"{"now": "2026-12-01T10:00:00Z"}"#),
        control("PUT", "clock", body: #"{"advance_ms": 90000}"#),
        control("PUT", "clock", body: #"{"now": "tomorrow"}"#),
        control("PUT", "clock", body: #"{"now": "2026-12-01T10:00:00Z", "advance_ms": 1}"#),
        control("PUT", "clock", body: #"{"advance_ms": "x"}"#),
        api("POST", "contacts/zoe@example.com/notes", body: #"{"note": {"body": "Written on the moved clock"}}"#),
        control("GET", "accounts"),
        control(
            "POST", "accounts",
            body: #"{"name": "Globex", "brand": "globex", "login": "hank@globex.com", "#
                + #""token": "globex-token"}"#),
        control("POST", "accounts", body: #"{"brand": "globex", "token": "t"}"#),
        control("POST", "accounts", body: #"{"brand": "Not A Label!", "token": "t"}"#),
        control("POST", "accounts", body: #"{"login": "nope", "token": "t"}"#),
        control("POST", "accounts", body: #"{"token": "second-tenant"}"#),
        control("GET", "accounts"),
        api("GET", "contacts", as: "Basic " + Data("hank@globex.com:globex-token".utf8).base64EncodedString()),
        api(
            "POST", "contacts", as: "Basic " + Data("hank@globex.com:globex-token".utf8).base64EncodedString(),
            body: #"{"contact": {"name": "Globex Contact", "email": "zoe@example.com"}}"#),
        control("POST", "accounts/2/reset"),
        control("POST", "accounts/99/reset"),
        control("POST", "accounts/abc/reset"),
        control("DELETE", "accounts/3"),
        control("DELETE", "accounts/3"),
        // Snapshots, state and reset.
        control("GET", "snapshots"),
        control("POST", "snapshots", body: #"{"name": "after-setup"}"#),
        control("POST", "snapshots", body: #"{}"#),
        control("GET", "snapshots"),
        api("DELETE", "contacts/zoe@example.com/notes/18"),
        api("DELETE", "contacts/zoe@example.com/notes/18"),
        control("POST", "snapshots/after-setup/restore"),
        control("POST", "snapshots/nope/restore"),
        api("GET", "contacts/zoe@example.com/notes"),
        control("DELETE", "snapshots/after-setup"),
        control("DELETE", "snapshots/after-setup"),
        control("GET", "state"),
        control("GET", "state?account=2"),
        control("GET", "state?account=x"),
        control(
            "PUT", "state?account=2",
            body: #"{"accounts": [{"name": "Globex Again", "brands": [{"name": "Globex", "host": "globex", "#
                + #""url": "globex.com", "default": true}], "staff": [{"name": "Hank", "email": "hank@globex.com", "#
                + #""token": "globex-token"}]}]}"#),
        control("PUT", "state?account=77", body: #"{"accounts": []}"#),
        control("PUT", "state", body: #"{"accounts": [{"brands": "x"}]}"#),
        control("GET", "state?account=2"),
        // Faults and the journal.
        control("GET", "faults"),
        control(
            "POST", "faults",
            body: #"{"match": {"path": "/api/v1/channels*"}, "action": {"status": 503, "#
                + #""headers": {"Retry-After": "7"}}, "times": 1}"#),
        control(
            "POST", "faults",
            body: #"{"match": {"method": "GET", "path": "/api/v1/staff"}, "action": {"#
                + #""status": 500, "body": {"error": "boom"}}, "after": 1, "times": 1}"#),
        control(
            "POST", "faults",
            body: #"{"match": {"path": "/api/v1/messages"}, "action": {"#
                + #""drop_connection": true}, "times": 1}"#),
        control(
            "POST", "faults",
            body: #"{"match": {"path": "/api/v1/conversations"}, "action": {"#
                + #""delay_ms": 40, "status": 429}, "times": 1}"#),
        control("POST", "faults", body: #"{"action": {}}"#),
        control("POST", "faults", body: #"{"action": {"status": 99}}"#),
        control("POST", "faults", body: #"{"match": {"path": "/x"}}"#),
        control("GET", "faults"),
        api("GET", "channels"),
        api("GET", "channels"),
        api("GET", "staff"),
        api("GET", "staff"),
        api("GET", "staff"),
        api("GET", "messages"),
        api("GET", "conversations"),
        api("GET", "staff", as: wrong),
        control("DELETE", "faults/9"),
        control("DELETE", "faults/x"),
        control("DELETE", "faults"),
        control("GET", "requests?limit=5"),
        control("GET", "requests?status=401"),
        control("GET", "requests?path=/api/v1/contacts/*&method=put&limit=3"),
        control("GET", "requests?account=2"),
        control("GET", "requests?limit=0"),
        control("DELETE", "requests"),
        control("GET", "requests"),
        control("POST", "reset"),
        api("GET", "contacts/zoe@example.com"),
        control("GET", "accounts"),
    ]

    /// The answers to the script, as text: a `>>>` line per request, then its status, headers and body (bodies
    /// over 4 KiB as their length and a hash). Wall-clock figures (uptime, durations) are masked.
    static func transcript(of emulator: Emulator, script: [Step]) -> String {
        var text = ""
        for step in script {
            var response = emulator.handle(step.request)
            var deferred = ""
            if let deferral = response.deferral {
                deferred = " (deferred \(deferral.milliseconds) ms)"
                response = deferral.respond()
            }
            text += ">>> \(step.method) \(step.target.prefix(120))\(deferred)\n"
            text += response.dropsConnection ? "dropped\n" : "\(response.status)\n"
            for (name, value) in response.headers { text += "\(name): \(value)\n" }
            text += render(response.body) + "\n\n"
        }
        return text
    }

    static func render(_ body: [UInt8]) -> String {
        var text = String(decoding: body, as: UTF8.self)
        // Wall-clock figures, and the passwords generated for staff created over the API.
        for pattern in [#""uptime_ms":[0-9]+"#, #""duration_ms":[0-9.]+"#, #""password":"[A-Za-z0-9]{24}""#] {
            text = text.replacingOccurrences(
                of: pattern, with: pattern.prefix(while: { $0 != ":" }) + ":#", options: .regularExpression)
        }
        guard text.utf8.count <= 4_096 else {
            let hash = text.utf8.reduce(UInt64(0xcbf2_9ce4_8422_2325)) { ($0 ^ UInt64($1)) &* 0x100_0000_01b3 }
            return "<\(text.utf8.count) bytes, FNV-1a \(String(hash, radix: 16))>"
        }
        return text
    }

    static func emulator(adminToken: String? = nil, start: Bool = true) throws -> Emulator {
        var configuration = EmulatorConfiguration()
        configuration.databasePath = ":memory:"
        configuration.login = "demo@example.com"
        configuration.token = "demo-token"
        configuration.brand = "demo"
        configuration.adminToken = adminToken
        let emulator = try Emulator(
            configuration: configuration, environment: EmulatorEnvironment { testEpoch },
            logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
        if start {
            let demo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
                "../../fixtures/demo.json")
            try emulator.start(fixtures: Array(try Data(contentsOf: demo)))
        }
        return emulator
    }

    /// Before start-up has finished, and with an admin token.
    static let edgeScript: [Step] = [
        Step(method: "GET", target: "/", authorization: nil),
        control("GET", "health"),
        control("GET", "config"),
        Step(method: "GET", target: "/api/v1/contacts"),
        Step(method: "GET", target: "/elsewhere"),
    ]

    static let adminScript: [Step] = [
        control("GET", "health"),
        control("GET", "openapi.yaml"),
        control("GET", "config"),
        control("GET", "config", token: "wrong"),
        control("GET", "config", token: "s3cret"),
        control("GET", "nothing"),
        control("GET", "nothing", token: "s3cret"),
        api("GET", "channels/support"),
    ]

    static func fullTranscript() throws -> String {
        var text = "## The demo data, step by step\n\n"
        let emulator = try emulator()
        defer { emulator.close() }
        text += transcript(of: emulator, script: script)
        text += "## Before start-up has finished\n\n"
        let starting = try self.emulator(start: false)
        defer { starting.close() }
        text += transcript(of: starting, script: edgeScript)
        text += "## With an admin token\n\n"
        let guarded = try self.emulator(adminToken: "s3cret")
        defer { guarded.close() }
        text += transcript(of: guarded, script: adminScript)
        return text
    }

    static let recording = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
        "Transcripts/pipeline.txt")

    @Test("every answer to the recorded script is byte-identical to the recording")
    func answersMatchTheRecording() throws {
        let actual = try Self.fullTranscript()
        if ProcessInfo.processInfo.environment["RECORD_TRANSCRIPTS"] == "1" {
            try FileManager.default.createDirectory(
                at: Self.recording.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(actual.utf8).write(to: Self.recording)
        }
        let expected = try String(contentsOf: Self.recording, encoding: .utf8)
        let actualLines = actual.split(separator: "\n", omittingEmptySubsequences: false)
        let expectedLines = expected.split(separator: "\n", omittingEmptySubsequences: false)
        if let first = zip(actualLines, expectedLines).enumerated().first(where: { $0.element.0 != $0.element.1 }) {
            let request = actualLines[..<first.offset].last { $0.hasPrefix(">>> ") } ?? "(start)"
            Issue.record(
                "line \(first.offset + 1), after \(request):\n  recorded: \(first.element.1)\n  now:      \(first.element.0)"
            )
        }
        #expect(actualLines.count == expectedLines.count)
    }
}
