import JSON
import Testing

/// The one writer of response JSON: compact, keys in the order written, strings escaped as RFC 8259 requires.
@Suite struct JSONWriterTests {
    @Test("objects, arrays, nulls, numbers and booleans come out compact, in the order written")
    func structure() {
        let bytes = JSONWriter.encode { writer in
            writer.object { writer in
                writer.field("name", "Bob")
                writer.field("nickname", nil as String?)
                writer.field("count", 3)
                writer.field("missing", nil as Int?)
                writer.key("flags")
                writer.array { writer in
                    writer.bool(true)
                    writer.bool(false)
                    writer.null()
                    writer.object { _ in }
                    writer.array { _ in }
                }
            }
        }
        #expect(
            String(decoding: bytes, as: UTF8.self)
                == #"{"name":"Bob","nickname":null,"count":3,"missing":null,"flags":[true,false,null,{},[]]}"#)
    }

    @Test("a verbatim string is quoted and separated like any value, its bytes copied unexamined")
    func verbatimStrings() {
        let bytes = JSONWriter.encode { writer in
            writer.array { writer in
                Array("2026-12-03".utf8).withUnsafeBytes { writer.verbatimString($0) }
                writer.verbatimString(UnsafeRawBufferPointer(start: nil, count: 0))
                writer.int(1)
            }
        }
        #expect(String(decoding: bytes, as: UTF8.self) == #"["2026-12-03","",1]"#)
    }

    @Test("integers are written in decimal, as Swift prints them, from the smallest to the largest")
    func integers() {
        for value in [0, 7, -1, 10, -10, 99, 100, 1_764_000_000_000, Int.max, Int.min, Int.min + 1] {
            #expect(String(decoding: JSONWriter.encode { $0.int(value) }, as: UTF8.self) == String(value))
        }
    }

    @Test(
        "strings escape quotes, backslashes and every control character; other characters pass as UTF-8",
        arguments: [
            ("plain", #""plain""#),
            ("say \"hi\"", #""say \"hi\"""#),
            (#"back\slash"#, #""back\\slash""#),
            ("line\nbreak\r\ttab", #""line\nbreak\r\ttab""#),
            ("\u{0}\u{1}\u{8}\u{C}\u{1F}", #""\u0000\u0001\u0008\u000c\u001f""#),
            ("/ é 😀 \u{2028}", "\"/ é 😀 \u{2028}\""),
            ("DEL \u{7F} is no control character to escape", "\"DEL \u{7F} is no control character to escape\""),
            (String("x\"y".dropFirst()), #""\"y""#),
        ])
    func escaping(text: String, expected: String) {
        #expect(String(decoding: JSONWriter.encode { $0.string(text) }, as: UTF8.self) == expected)
    }

    @Test(
        "a character that needs an escape is found wherever it stands, in text of any length",
        arguments: [("\"", #"\""#), ("\\", #"\\"#), ("\n", #"\n"#), ("\u{0}", #"\u0000"#), ("\u{1F}", #"\u001f"#)])
    func escapeAtEveryPosition(special: String, escaped: String) {
        // Text is checked eight bytes at a time, then byte by byte: every length across a few words, the character
        // at every place, with multi-byte characters around it.
        for length in 0...27 {
            let plain = String(repeating: "a", count: length)
            #expect(String(decoding: JSONWriter.encode { $0.string(plain) }, as: UTF8.self) == "\"\(plain)\"")
            for position in 0...length {
                let before = String(repeating: "é", count: position / 2) + String(repeating: "a", count: position % 2)
                let after = String(repeating: "z", count: length - position)
                let text = before + special + after
                let expected = "\"" + before + escaped + after + "\""
                #expect(String(decoding: JSONWriter.encode { $0.string(text) }, as: UTF8.self) == expected)
            }
        }
    }

    @Test("an answer larger than the writer's first buffer comes out whole")
    func largeOutput() {
        let long = String(repeating: "0123456789", count: 10_000)
        let bytes = JSONWriter.encode { writer in
            writer.array { writer in
                for index in 0..<300 { writer.int(index) }
                writer.string(long)
                writer.string("end \"quoted\"")
            }
        }
        let expected = "[" + (0..<300).map(String.init).joined(separator: ",") + ",\"\(long)\",\"end \\\"quoted\\\"\"]"
        #expect(String(decoding: bytes, as: UTF8.self) == expected)
        // The end of the first buffer (512 bytes) at every place in a plain string and in one with an escape.
        for padding in 470...530 {
            let pad = String(repeating: "p", count: padding)
            let written = JSONWriter.encode { writer in
                writer.array { writer in
                    writer.string(pad)
                    writer.string("0123456789abcdefghij")
                    writer.string("abcdefghij\"klmnopqrstuvwxyz")
                }
            }
            #expect(
                String(decoding: written, as: UTF8.self)
                    == "[\"\(pad)\",\"0123456789abcdefghij\",\"abcdefghij\\\"klmnopqrstuvwxyz\"]")
        }
    }

    @Test("a parsed value is written back byte for byte when it was compact: member order and number literals kept")
    func roundTrip() throws {
        let documents = [
            #"{"b":1,"a":[1.50,-0,2e10,true,null,"x"],"nested":{"z":{},"y":[]}}"#,
            #"["\u00e9 is written as UTF-8",{"k":"v"}]"#,
        ]
        for document in documents {
            let value = try JSONParser.parse(Array(document.utf8))
            let written = String(decoding: JSONWriter.encode { $0.value(value) }, as: UTF8.self)
            #expect(try JSONParser.parse(Array(written.utf8)) == value)
        }
        let compact = #"{"b":1,"a":[1.50,-0,2e10,true,null,"x"],"nested":{"z":{},"y":[]}}"#
        let value = try JSONParser.parse(Array(compact.utf8))
        #expect(String(decoding: JSONWriter.encode { $0.value(value) }, as: UTF8.self) == compact)
    }
}
