/// Percent-decoding done once and by us, because libmicrohttpd's own decoding would turn `%2F` into a path break.
public enum PercentDecoding {
    /// Decodes `%XX` escapes in one path segment; `+` stays `+`. Returns nil for a bad escape or invalid UTF-8.
    public static func decodePathSegment<S: StringProtocol>(_ segment: S) -> String? {
        decode(segment, plusIsSpace: false)
    }

    /// Decodes an `application/x-www-form-urlencoded` component: `+` is a space, then `%XX` escapes.
    /// Returns nil for a bad escape or invalid UTF-8.
    public static func decodeFormComponent<S: StringProtocol>(_ component: S) -> String? {
        decode(component, plusIsSpace: true)
    }

    private static func decode<S: StringProtocol>(_ text: S, plusIsSpace: Bool) -> String? {
        func needsDecoding(_ byte: UInt8) -> Bool {
            byte == UInt8(ascii: "%") || (plusIsSpace && byte == UInt8(ascii: "+"))
        }
        // Most segments hold no escape: looked at in place (a string's bytes are contiguous) and copied as they are,
        // with no byte array made first. The closure's buffer is a concrete type, so the scan is specialized.
        let plain =
            text.utf8.withContiguousStorageIfAvailable { !$0.contains(where: needsDecoding) }
            ?? !text.utf8.contains(where: needsDecoding)
        if plain { return String(text) }
        let utf8 = Array(text.utf8)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(utf8.count)
        var index = 0
        while index < utf8.count {
            let byte = utf8[index]
            if byte == UInt8(ascii: "%") {
                guard index + 2 < utf8.count, let high = hexValue(utf8[index + 1]), let low = hexValue(utf8[index + 2])
                else { return nil }
                bytes.append(high << 4 | low)
                index += 3
            } else {
                bytes.append(plusIsSpace && byte == UInt8(ascii: "+") ? UInt8(ascii: " ") : byte)
                index += 1
            }
        }
        return String(validating: bytes, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}
