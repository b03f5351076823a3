/// Slugs of conversations, articles and topics (spec §5.3): one rule, with its own word for an empty result.
enum Slug {
    /// Lower-cases the subject, turns each run of characters outside `[a-z0-9]` into one `-`, trims `-` from both
    /// ends; an empty result is `empty` (`conversation`, `article`, `topic`).
    static func base(for subject: String?, empty: String = "conversation") -> String {
        let subject = subject ?? ""
        if let slug = asciiBase(for: subject) { return slug.isEmpty ? empty : slug }
        var slug = ""
        var pendingDash = false
        for scalar in subject.lowercased().unicodeScalars {
            if ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar) {
                if pendingDash && !slug.isEmpty { slug.append("-") }
                pendingDash = false
                slug.unicodeScalars.append(scalar)
            } else {
                pendingDash = true
            }
        }
        return slug.isEmpty ? empty : slug
    }

    /// ``base(for:empty:)`` of an ASCII subject by its bytes (nil for any other): Unicode lower-casing is needed only
    /// beyond ASCII, where a character may lower-case to ASCII letters (the Kelvin sign to `k`), and had cost about
    /// 12,000 instructions a subject.
    private static func asciiBase(for subject: String) -> String? {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(subject.utf8.count)
        var pendingDash = false
        for byte in subject.utf8 {
            guard byte < 0x80 else { return nil }
            let lower = (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) ? byte | 0x20 : byte
            if (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(lower)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(lower)
            {
                if pendingDash && !bytes.isEmpty { bytes.append(UInt8(ascii: "-")) }
                pendingDash = false
                bytes.append(lower)
            } else {
                pendingDash = true
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The base slug (of `subject`, or `base` when given), or the first of `-2`, `-3`, … that `isTaken` says is free.
    static func unique(for subject: String?, base given: String? = nil, isTaken: (String) throws -> Bool) rethrows
        -> String
    {
        let base = given ?? base(for: subject)
        if try !isTaken(base) { return base }
        var suffix = 2
        while try isTaken("\(base)-\(suffix)") { suffix += 1 }
        return "\(base)-\(suffix)"
    }
}
