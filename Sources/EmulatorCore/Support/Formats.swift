import FoundationEssentials

/// The input formats of the spec, checked the same way everywhere (§2.5, §3.3).
enum Formats {
    /// `^[^@\s]+@[^@\s]+\.[^@\s]+$`: one `@`, no white space, a dot inside the domain.
    static func isEmail(_ text: String) -> Bool {
        isASCIIEmail(text.utf8) ?? isEmailByCharacters(text)
    }

    /// ``isEmail(_:)`` by characters, white space as Swift's `Character.isWhitespace` (Unicode) defines it.
    static func isEmailByCharacters(_ text: String) -> Bool {
        guard !text.contains(where: \.isWhitespace) else { return false }
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty else { return false }
        let domain = parts[1]
        guard domain.count >= 3 else { return false }
        return domain.dropFirst().dropLast().contains(".")
    }

    /// ``isEmail(_:)`` on the bytes, for all-ASCII text (nearly every address): nil when a byte is not ASCII. For
    /// ASCII, white space is exactly tab, line feed, vertical tab, form feed, carriage return and space, and every
    /// byte is one character, so the answer is the same without Unicode property look-ups (a fifth of loading the
    /// demo fixtures went to them).
    static func isASCIIEmail(_ bytes: String.UTF8View) -> Bool? {
        var at: Int?
        var count = 0
        for byte in bytes {
            guard byte < 0x80 else { return nil }
            if byte == UInt8(ascii: " ") || (0x09...0x0D).contains(byte) { return false }
            if byte == UInt8(ascii: "@") {
                guard at == nil else { return false }
                at = count
            }
            count += 1
        }
        guard let at, at > 0, count - at - 1 >= 3 else { return false }
        // A dot in the domain, neither its first nor its last character.
        return bytes.dropFirst(at + 2).dropLast().contains(UInt8(ascii: "."))
    }

    /// E.164 without spaces: `^\+[1-9][0-9]{6,14}$`.
    static func isMobile(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard bytes.count >= 8, bytes.count <= 16, bytes[0] == UInt8(ascii: "+"),
            bytes[1] >= UInt8(ascii: "1"), bytes[1] <= UInt8(ascii: "9")
        else { return false }
        return bytes.dropFirst(2).allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
    }

    /// An absolute `http` or `https` URL with a host.
    static func isWebURL(_ text: String) -> Bool {
        guard !text.contains(where: \.isWhitespace), let components = URLComponents(string: text),
            let scheme = components.scheme?.lowercased(), scheme == "http" || scheme == "https",
            let host = components.host, !host.isEmpty
        else { return false }
        return true
    }

    /// True for absent, `null`, or a string that is empty or only white space (the spec's "blank").
    static func isBlank(_ text: String?) -> Bool {
        guard let text else { return true }
        // Text that starts with a visible ASCII character, as names and addresses do, is not blank: no character
        // needs to be put together from its scalars to tell (this runs for every contact written).
        if let first = text.utf8.first, first > 0x20, first < 0x7F { return false }
        return text.allSatisfy(\.isWhitespace)
    }
}

extension String {
    /// The string without leading and trailing white space.
    var trimmed: String {
        // Most text has nothing to trim: an ASCII character that is not white space at each end settles it without
        // walking characters (the last byte always belongs to the last character; an ASCII one ends it).
        if let first = utf8.first, let last = utf8.last, Self.isASCIIText(first), Self.isASCIIText(last) {
            return self
        }
        var view = Substring(self)
        while view.first?.isWhitespace == true { view.removeFirst() }
        while view.last?.isWhitespace == true { view.removeLast() }
        return String(view)
    }

    /// An ASCII byte that is not white space (space, tab, line feed, vertical tab, form feed, carriage return).
    private static func isASCIIText(_ byte: UInt8) -> Bool {
        byte < 0x80 && byte != 0x20 && !(0x09...0x0D).contains(byte)
    }
}
