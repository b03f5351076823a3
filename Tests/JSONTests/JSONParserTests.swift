import JSON
import Testing

/// The request-body parser, case by case in the manner of JSONTestSuite: documents every parser must accept (with the
/// value they must give) and documents every strict RFC 8259 parser must refuse.
@Suite struct JSONParserTests {
    static func parse(_ text: String) throws -> JSONValue { try JSONParser.parse(Array(text.utf8)) }

    @Test(
        "accepts: numbers as their literal text",
        arguments: [
            "0", "-0", "1", "-12", "0.5", "-0.25", "1e10", "1E+2", "2e-3", "-1.5e-3", "123456789012345678901234",
        ])
    func acceptsNumbers(literal: String) throws {
        #expect(try Self.parse(literal) == .number(literal))
        #expect(try Self.parse(" [\(literal)] ") == .array([.number(literal)]))
    }

    @Test(
        "accepts: strings with every escape, surrogate pairs, multi-byte UTF-8 and an escaped NUL",
        arguments: [
            (#""""#, ""),
            (#""plain""#, "plain"),
            (#""\"\\\/\b\f\n\r\t""#, "\"\\/\u{08}\u{0C}\n\r\t"),
            (#""\u00e9\u00E9""#, "éé"),
            (#""\ud83d\ude00""#, "😀"),
            (#""😀 ünïcödé""#, "😀 ünïcödé"),
            (#""a\u0000b""#, "a\u{0}b"),
            (#""\u2028\u2029""#, "\u{2028}\u{2029}"),
            // The last ASCII byte and the first beyond it, unescaped: ASCII text is taken as it is, the rest validated.
            ("\"a\u{7F}b\"", "a\u{7F}b"),
            ("\"a\u{80}b\"", "a\u{80}b"),
        ])
    func acceptsStrings(document: String, expected: String) throws {
        #expect(try Self.parse(document) == .string(expected))
    }

    @Test("accepts: literals, empty containers, whitespace everywhere and nesting up to the limit")
    func acceptsStructure() throws {
        #expect(try Self.parse("true") == .bool(true))
        #expect(try Self.parse("false") == .bool(false))
        #expect(try Self.parse("null") == .null)
        #expect(
            try Self.parse(" \t\r\n{ \"a\" : [ ] , \"b\" : { } }\n ")
                == .object(JSONObject([("a", .array([])), ("b", .object(JSONObject()))])))
        let deepest =
            String(repeating: "[", count: JSONParser.maxDepth) + String(repeating: "]", count: JSONParser.maxDepth)
        #expect(throws: Never.self) { try Self.parse(deepest) }
    }

    @Test(
        "refuses: numbers outside the grammar or the range of a double",
        arguments: [
            "01", "-01", "1.", ".5", "+1", "-", "1e", "1e+", "0x10", "NaN", "Infinity", "-Infinity", "1e999", "1.5.2",
            "- 1",
        ])
    func refusesNumbers(text: String) {
        #expect(throws: JSONParseError.self) { try Self.parse(text) }
        #expect(throws: JSONParseError.self) { try Self.parse("[\(text)]") }
    }

    @Test(
        "refuses: bad escapes, lone or reversed surrogates, raw control characters, unterminated strings",
        arguments: [
            #""\x""#, #""\u12""#, #""\u12G4""#, #""\ud800""#, #""\udc00""#, #""\ud800\u0041""#, #""\ude00\ud83d""#,
            #""\ud800x""#, "\"tab\there\"", "\"new\nline\"", #""abc"#, #""\"#, "'single'",
        ])
    func refusesStrings(text: String) {
        #expect(throws: JSONParseError.self) { try Self.parse(text) }
    }

    @Test(
        "refuses: NUL bytes outside escapes, invalid UTF-8 and overlong encodings",
        arguments: [
            [UInt8(ascii: "\""), 0, UInt8(ascii: "\"")],
            Array("{}".utf8) + [0],
            [0],
            [UInt8(ascii: "\""), 0xC3, 0x28, UInt8(ascii: "\"")],
            [UInt8(ascii: "\""), 0xED, 0xA0, 0x80, UInt8(ascii: "\"")],
            [UInt8(ascii: "\""), 0xC0, 0xAF, UInt8(ascii: "\"")],
            [UInt8(ascii: "\""), 0xFF, UInt8(ascii: "\"")],
            [0xEF, 0xBB, 0xBF] + Array("{}".utf8),
        ])
    func refusesBytes(bytes: [UInt8]) {
        #expect(throws: JSONParseError.self) { try JSONParser.parse(bytes) }
    }

    @Test(
        "refuses: broken structure, trailing data and nesting past the limit",
        arguments: [
            "", " ", "[", "]", "{", "[1,]", "[,1]", "[1 2]", "{\"a\":1,}", "{a:1}", "{\"a\"}", "{\"a\" 1}", "{1:1}",
            "[1] x", "[1][2]", "{} {}", "tru", "nul", "True", "[\"a\",,\"b\"]",
            String(repeating: "[", count: JSONParser.maxDepth + 1)
                + String(repeating: "]", count: JSONParser.maxDepth + 1),
        ])
    func refusesStructure(text: String) {
        #expect(throws: JSONParseError.self) { try Self.parse(text) }
    }

    @Test("a key sent twice keeps its first position and its last value, in small and in indexed objects")
    func duplicateKeys() throws {
        let small = try #require(try Self.parse(#"{"a":1,"b":2,"a":3}"#).objectValue)
        #expect(small.members.map(\.key) == ["a", "b"])
        #expect(small["a"] == .number("3"))
        let keys = (0..<40).map { "\"k\($0)\":\($0)" }.joined(separator: ",")
        let large = try #require(try Self.parse("{\(keys),\"k3\":\"again\",\"k39\":null}").objectValue)
        #expect(large.members.count == 40)
        #expect(large.members[3].key == "k3")
        #expect(large["k3"] == .string("again"))
        #expect(large["k39"] == .null)
        #expect(large["k40"] == nil)
    }

    @Test("setting and removing members keeps order and lookups right, past the index threshold too")
    func editing() {
        var object = JSONObject()
        for index in 0..<30 { object["k\(index)"] = .number("\(index)") }
        object["k5"] = nil
        object["k29"] = .bool(true)
        object["new"] = .null
        #expect(object.members.count == 30)
        #expect(object.members.map(\.key).prefix(6) == ["k0", "k1", "k2", "k3", "k4", "k6"])
        #expect(object["k5"] == nil)
        #expect(object["k6"] == .number("6"))
        #expect(object["k29"] == .bool(true))
        #expect(object.members.last?.key == "new")
    }

    /// Parsing was quadratic in the number of keys (each key searched the object's members one by one): a body of
    /// 200,000 keys took minutes. The time limit only catches that blow-up; the speed is measured by `make bench`.
    @Test("an object of 200,000 keys parses, every key in order and found", .timeLimit(.minutes(1)))
    func manyKeys() throws {
        let count = 200_000
        var text = "{"
        for index in 0..<count { text += (index == 0 ? "" : ",") + "\"key-\(index)\":\(index)" }
        text += ",\"key-7\":\"last\"}"
        let object = try #require(try Self.parse(text).objectValue)
        #expect(object.members.count == count)
        #expect(object.members[count - 1].key == "key-\(count - 1)")
        #expect(object["key-7"] == .string("last"))
        #expect(object["key-\(count - 1)"] == .number("\(count - 1)"))
    }
}
