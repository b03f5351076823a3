/// The one place compact JSON is written: UTF-8, keys in the order given, `null` for absent values.
///
/// Wire models write themselves with it directly, so no intermediate tree or dictionary is built per response. It
/// cannot be copied (it owns its buffer); pass it `inout`.
public struct JSONWriter: ~Copyable {
    private var buffer = ByteBuffer(capacity: 512)
    private var needsComma = false

    /// An empty writer.
    public init() {}

    /// The bytes written so far.
    public var bytes: [UInt8] { buffer.array }

    /// Writes an object whose members `body` writes.
    public mutating func object(_ body: (inout JSONWriter) -> Void) {
        separate()
        buffer.append(UInt8(ascii: "{"))
        needsComma = false
        body(&self)
        buffer.append(UInt8(ascii: "}"))
        needsComma = true
    }

    /// Writes an array whose elements `body` writes.
    public mutating func array(_ body: (inout JSONWriter) -> Void) {
        separate()
        buffer.append(UInt8(ascii: "["))
        needsComma = false
        body(&self)
        buffer.append(UInt8(ascii: "]"))
        needsComma = true
    }

    /// Writes an object key; the next value written is its value.
    public mutating func key(_ name: String) {
        separate()
        appendQuoted(name)
        buffer.append(UInt8(ascii: ":"))
        needsComma = false
    }

    /// Writes a string, or `null`.
    public mutating func string(_ value: String?) {
        separate()
        if let value { appendQuoted(value) } else { appendLiteral("null") }
        needsComma = true
    }

    /// Writes a string of these UTF-8 bytes, unexamined: for text made of characters that never need an escape (a
    /// date's digits and punctuation), written without making a string for it first.
    public mutating func verbatimString(_ text: UnsafeRawBufferPointer) {
        separate()
        buffer.append(UInt8(ascii: "\""))
        buffer.append(text)
        buffer.append(UInt8(ascii: "\""))
        needsComma = true
    }

    /// Writes an integer, or `null`.
    public mutating func int(_ value: Int?) {
        separate()
        if let value { appendDecimal(value) } else { appendLiteral("null") }
        needsComma = true
    }

    /// Writes a Boolean.
    public mutating func bool(_ value: Bool) {
        separate()
        appendLiteral(value ? "true" : "false")
        needsComma = true
    }

    /// Writes `null`.
    public mutating func null() {
        separate()
        appendLiteral("null")
        needsComma = true
    }

    /// Writes any parsed JSON value.
    public mutating func value(_ value: JSONValue) {
        switch value {
        case .null: null()
        case .bool(let flag): bool(flag)
        case .number(let literal):
            separate()
            var literal = literal
            literal.withUTF8 { buffer.append(UnsafeRawBufferPointer($0)) }
            needsComma = true
        case .string(let text): string(text)
        case .array(let elements): array { writer in for element in elements { writer.value(element) } }
        case .object(let object):
            self.object { writer in
                for member in object.members {
                    writer.key(member.key)
                    writer.value(member.value)
                }
            }
        }
    }

    /// Writes `key` then a string or `null`.
    public mutating func field(_ name: String, _ value: String?) {
        key(name)
        string(value)
    }

    /// Writes `key` then an integer or `null`.
    public mutating func field(_ name: String, _ value: Int?) {
        key(name)
        int(value)
    }

    /// Writes a whole value that knows how to write itself.
    public static func encode(_ body: (inout JSONWriter) -> Void) -> [UInt8] {
        var writer = JSONWriter()
        body(&writer)
        return writer.bytes
    }

    private mutating func separate() {
        if needsComma { buffer.append(UInt8(ascii: ",")) }
    }

    private mutating func appendLiteral(_ literal: StaticString) {
        literal.withUTF8Buffer { buffer.append(UnsafeRawBufferPointer($0)) }
    }

    /// An integer's decimal digits, written straight into the buffer (no string made for them).
    private mutating func appendDecimal(_ value: Int) {
        if value < 0 { buffer.append(UInt8(ascii: "-")) }
        var magnitude = value.magnitude
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes: room for 20 digits, filled from the end
        withUnsafeMutableBytes(of: &digits) { digits in
            var index = digits.count
            repeat {
                index -= 1
                digits[index] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
            } while magnitude > 0
            buffer.append(UnsafeRawBufferPointer(rebasing: digits[index...]))
        }
    }

    private mutating func appendQuoted(_ text: String) {
        // Most strings need no escape: copied whole when nothing in them needs one.
        let copiedWhole =
            text.utf8.withContiguousStorageIfAvailable {
                buffer.appendQuotedIfNothingToEscape(UnsafeRawBufferPointer($0))
            } ?? false
        if copiedWhole { return }
        buffer.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): appendLiteral("\\\"")
            case UInt8(ascii: "\\"): appendLiteral("\\\\")
            case 0x0A: appendLiteral("\\n")
            case 0x0D: appendLiteral("\\r")
            case 0x09: appendLiteral("\\t")
            case 0..<0x20:
                appendLiteral("\\u00")
                buffer.append(Self.hexDigits[Int(byte >> 4)])
                buffer.append(Self.hexDigits[Int(byte & 0x0F)])
            default: buffer.append(byte)
            }
        }
        buffer.append(UInt8(ascii: "\""))
    }

    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)
}
