import Foundation
import JSON
import MicroHTTP
import Testing

@testable import EmulatorCore

/// The hand-written calendar arithmetic, checked against Foundation's calendar and against the accepted input forms.
@Suite struct TimestampTests {
    /// From 1600 on: before the Gregorian reform Foundation's calendar is Julian, while ISO 8601 (and the emulator)
    /// count in the proleptic Gregorian calendar.
    @Test("formats every instant as Foundation does, before and after 1970, across leap years and centuries")
    func formatsLikeFoundation() {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        var generator = SystemRandomNumberGenerator()
        var instants: [Int64] = [0, -1, 1, 86_399_999, 86_400_000, -86_400_000, 951_782_400_000, 4_107_542_399_999]
        instants += (0..<2_000).map { _ in
            Int64.random(in: -11_676_096_000_000...253_402_300_799_999, using: &generator)
        }
        for milliseconds in instants {
            let expected = formatter.string(from: Date(timeIntervalSince1970: Double(milliseconds) / 1_000))
            #expect(Timestamp(milliseconds: milliseconds).iso8601 == expected, "\(milliseconds)")
            #expect(Timestamp.parse(expected)?.milliseconds == milliseconds, "round trip of \(expected)")
        }
    }

    @Test(
        "a date written into a JSON document is the quoted iso8601 text, byte for byte, out-of-range years included",
        arguments: [
            0, -1, 1, 86_399_999, 951_782_400_000, 4_107_542_399_999, 1_764_114_000_123, -62_200_000_000_000,
            -62_135_596_800_001, 253_402_300_799_999, 253_402_300_800_000, 9_000_000_000_000_000,
        ] as [Int64])
    func writesIntoJSON(milliseconds: Int64) {
        let date = Timestamp(milliseconds: milliseconds)
        let written = JSONWriter.encode { writer in
            writer.object { object in
                object.field("at", date)
                object.field("none", nil as Timestamp?)
            }
        }
        #expect(String(decoding: written, as: UTF8.self) == "{\"at\":\"\(date.iso8601)\",\"none\":null}")
    }

    @Test(
        "parses the accepted forms: Z, offsets, no offset, fractions truncated to milliseconds, bare dates",
        arguments: [
            ("2026-11-25T23:40:00.123Z", "2026-11-25T23:40:00.123Z"),
            ("2026-11-25T23:40:00Z", "2026-11-25T23:40:00.000Z"),
            ("2026-11-25t23:40:00z", "2026-11-25T23:40:00.000Z"),
            ("2026-11-25 23:40:00", "2026-11-25T23:40:00.000Z"),
            ("2026-11-25T23:40:00.1234567Z", "2026-11-25T23:40:00.123Z"),
            ("2026-11-25T23:40:00.5Z", "2026-11-25T23:40:00.500Z"),
            ("2026-11-26T01:40:00+02:00", "2026-11-25T23:40:00.000Z"),
            ("2026-11-25T18:10:00-05:30", "2026-11-25T23:40:00.000Z"),
            ("2026-11-25", "2026-11-25T00:00:00.000Z"),
            ("2024-02-29", "2024-02-29T00:00:00.000Z"),
            ("2000-02-29T12:00:00Z", "2000-02-29T12:00:00.000Z"),
            ("1969-12-31T23:59:59.999Z", "1969-12-31T23:59:59.999Z"),
        ])
    func parses(text: String, expected: String) {
        #expect(Timestamp.parse(text)?.iso8601 == expected)
    }

    @Test(
        "refuses impossible dates and anything outside the grammar",
        arguments: [
            "", "2026", "2026-11", "2026-13-01", "2026-00-10", "2026-11-31", "2023-02-29", "1900-02-29",
            "2026-11-25T24:00:00Z", "2026-11-25T23:60:00Z", "2026-11-25T23:40:60Z", "2026-11-25T23:40Z",
            "2026-11-25T23:40:00.Z", "2026-11-25T23:40:00+0200", "2026-11-25T23:40:00+24:00", "2026-11-25T23:40:00Zx",
            "26-11-25", "2026/11/25", "2026-11-25x", " 2026-11-25",
        ])
    func refuses(text: String) {
        #expect(Timestamp.parse(text) == nil)
    }

    @Test("parseDate takes a bare date only")
    func bareDates() {
        #expect(Timestamp.parseDate("2026-11-25")?.iso8601 == "2026-11-25T00:00:00.000Z")
        #expect(Timestamp.parseDate("2026-11-25T00:00:00Z") == nil)
    }
}

@Suite struct RouterTests {
    /// A handler that answers with its own name.
    static func named(_ name: String) -> Route<Int>.Handler {
        { _ in HTTPResponse(status: 200, body: Array(name.utf8)) }
    }

    static let router = RouteGroup<Int>(
        prefix: ["api", "v1"],
        routes: [
            Route("contacts", [(.get, named("list")), (.post, named("create"))]),
            Route("contacts/:identifier", [(.get, named("show")), (.put, named("update"))]),
            Route("contacts/:identifier/notes/:note_id", [(.put, named("note")), (.delete, named("remove"))]),
            Route("contacts/search", [(.get, named("never: the parameter route above is listed first"))]),
        ])

    @Test(
        "matches literal segments and named parameters; the first listed pattern wins",
        arguments: [
            ("GET", ["contacts"], "list", [:]),
            ("POST", ["contacts"], "create", [:]),
            ("PUT", ["contacts", "bob@x.io"], "update", ["identifier": "bob@x.io"]),
            ("GET", ["contacts", "search"], "show", ["identifier": "search"]),
            ("DELETE", ["contacts", "a/b", "notes", "7"], "remove", ["identifier": "a/b", "note_id": "7"]),
        ])
    func matches(method: String, segments: [String], handler: String, parameters: [String: String]) throws {
        let match = try Self.router.match(method: method, path: segments)
        #expect(String(decoding: try Self.router.handler(match)(0).body, as: UTF8.self) == handler)
        #expect(match.parameters == PathParameters(parameters.map { ($0.key, $0.value) }))
        for (name, value) in parameters { #expect(try match.parameters.require(name) == value) }
    }

    @Test("a parameter the route does not capture is an error to log, not a crash")
    func missingParameter() throws {
        let match = try Self.router.match(method: "GET", path: ["contacts", "bob"])
        #expect(throws: MissingPathParameter.self) { try match.parameters.require("note_id") }
        let response = APIError.from(MissingPathParameter(name: "note_id")).response
        #expect(response.status == 500)
    }

    @Test("an unknown path is 404; a known path with another method is 405 listing the path's methods")
    func refusals() {
        for segments in [[], ["contact"], ["contacts", "a", "notes"], ["contacts", "a", "b", "c", "d"]] {
            #expect {
                try Self.router.match(method: "GET", path: segments)
            } throws: { error in
                if case APIError.notFound = error { return true }
                return false
            }
        }
        for method in ["DELETE", "PATCH", "get", "BREW"] {
            #expect {
                try Self.router.match(method: method, path: ["contacts", "bob"])
            } throws: { error in
                if case APIError.methodNotAllowed(let allow) = error { return allow == ["GET", "PUT"] }
                return false
            }
        }
    }
}

@Suite struct GlobTests {
    @Test(
        "`*` is any run (slashes included), `?` one byte, everything else itself",
        arguments: [
            ("/api/v1/contacts", "/api/v1/contacts", true),
            ("/api/v1/contacts*", "/api/v1/contacts", true),
            ("/api/v1/contacts*", "/api/v1/contacts/bob@x.io/notes", true),
            ("*", "", true),
            ("*", "/anything/at/all", true),
            ("/api/*/notes", "/api/v1/contacts/bob/notes", true),
            ("/api/*/notes", "/api/v1/contacts/bob/notes/1", false),
            ("/api/v?/staff", "/api/v1/staff", true),
            ("/api/v?/staff", "/api/v12/staff", false),
            ("?", "", false),
            ("a*b*c", "abc", true),
            ("a*b*c", "axxbyyczzc", true),
            ("a*b*c", "axxbyy", false),
            ("**", "x", true),
            ("/API/*", "/api/v1", false),
        ])
    func matching(pattern: String, text: String, expected: Bool) {
        #expect(Glob.matches(pattern: Array(pattern.utf8), text: Array(text.utf8)) == expected)
    }
}

@Suite struct SlugTests {
    @Test(
        "a subject becomes lower-case runs of letters and digits joined by single dashes; nothing left is `conversation`",
        arguments: [
            ("Order #1001 is late!", "order-1001-is-late"),
            ("  Hello,   World  ", "hello-world"),
            ("ÜBER cool", "ber-cool"),
            ("---", "conversation"),
            ("", "conversation"),
            ("a", "a"),
            ("Already-a-slug", "already-a-slug"),
            // Beyond ASCII a character may lower-case to letters: the Kelvin sign is a `k`.
            ("\u{212A}ELVIN 42", "kelvin-42"),
            ("CAFÉ au lait", "caf-au-lait"),
        ])
    func base(subject: String, expected: String) {
        #expect(Slug.base(for: subject) == expected)
    }

    @Test("a taken slug gets the first free -2, -3, … suffix")
    func unique() {
        let taken: Set = ["hello", "hello-2", "hello-3"]
        #expect(Slug.unique(for: "Hello") { taken.contains($0) } == "hello-4")
        #expect(Slug.unique(for: "Other") { taken.contains($0) } == "other")
        #expect(Slug.unique(for: nil, base: "hello-2") { taken.contains($0) } == "hello-2-2")
        #expect(Slug.unique(for: nil) { _ in false } == "conversation")
    }
}

/// The email check's byte-level fast path for ASCII text gives the answers of the check by characters.
@Suite struct EmailFormatTests {
    @Test("isEmail's ASCII fast path agrees with the check by characters, and defers on anything else")
    func fastPathAgrees() {
        var samples = [
            "bob@example.com", "a@b.c", "a@.bc", "a@bc.", "a@b.", "@b.co", "a@@b.co", "a@b@c.co", "a b@c.co",
            "a@b.c\t", "a\u{0B}@b.co", "a@b\r\n.co", "", "@", "a@", "a@bc", "a@b.c.d", "x@y..z", "x@.y.",
        ]
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array("ab.@ \t\u{0B}\u{0C}\r\nc")
        samples += (0..<5_000).map { _ in
            String(
                (0..<Int.random(in: 0...8, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! })
        }
        for sample in samples {
            #expect(Formats.isASCIIEmail(sample.utf8) == Formats.isEmailByCharacters(sample), "\(Array(sample.utf8))")
        }
        for unicode in ["é@ü.de", "a@b\u{00A0}.co", "a@b.c\u{85}", "😀@😀.😀"] {
            #expect(Formats.isASCIIEmail(unicode.utf8) == nil)
            #expect(Formats.isEmail(unicode) == Formats.isEmailByCharacters(unicode))
        }
    }
}

/// Blank is nil, empty or white space only, by characters; the shortcut for a visible ASCII first byte agrees.
@Suite struct BlankTextTests {
    @Test("isBlank answers as a walk over the characters does")
    func agreesWithCharacters() {
        let samples: [String] = [
            "", " ", "\t", "\n\r", "\u{0B}\u{0C}", "\u{85}", "\u{A0}", "\u{2028}", "\u{3000}", " \u{3000} ", "a", " a",
            "\ta", "Bob", "~", "!", "\u{7F}", "e\u{301}", " e\u{301}", "é", "😀", "\u{200B}", "\u{3000}x", "x\u{3000}",
        ]
        for sample in samples {
            #expect(Formats.isBlank(sample) == sample.allSatisfy(\.isWhitespace), "\(Array(sample.unicodeScalars))")
        }
        #expect(Formats.isBlank(nil))
    }
}

/// `trimmed` removes Unicode white space at both ends, and takes its shortcut only where nothing is to be removed.
@Suite struct TrimmingTests {
    @Test(
        "trims like a walk over the characters does",
        arguments: [
            "", " ", "bob", " bob ", "\tbob\n", "\r\nbob\r\n", "bob\u{0B}", "\u{0C}bob", "\u{A0}bob\u{3000}",
            "bob\u{2028}", "\u{85}bob", "b o b", "é", " é ", "e\u{301}", "\u{1C}bob\u{1F}", "😀", "a\u{200B}",
        ])
    func likeTheCharacterWalk(text: String) {
        var view = Substring(text)
        while view.first?.isWhitespace == true { view.removeFirst() }
        while view.last?.isWhitespace == true { view.removeLast() }
        #expect(text.trimmed == String(view))
    }
}
