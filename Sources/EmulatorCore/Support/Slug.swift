/// Slugs of conversations, articles and topics (spec §5.3): one rule, with its own word for an empty result.
enum Slug {
    /// Lower-cases the subject, turns each run of characters outside `[a-z0-9]` into one `-`, trims `-` from both
    /// ends; an empty result is `empty` (`conversation`, `article`, `topic`).
    static func base(for subject: String?, empty: String = "conversation") -> String {
        let subject = subject ?? ""
        // An ASCII subject is lower-cased by its bytes. Beyond ASCII a character may lower-case to ASCII letters (the
        // Kelvin sign to `k`), so such a subject is lower-cased as Unicode first (about 12,000 instructions a
        // subject, which is why ASCII is not); every scalar outside ASCII is then a separator.
        let slug =
            subject.utf8.allSatisfy { $0 < 0x80 }
            ? joined(subject.utf8.lazy.map { (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains($0) ? $0 | 0x20 : $0 })
            : joined(subject.lowercased().unicodeScalars.lazy.map { $0.isASCII ? UInt8($0.value) : 0x80 })
        return slug.isEmpty ? empty : slug
    }

    /// The runs of `[a-z0-9]` of lower-cased ASCII bytes, joined by single dashes.
    private static func joined(_ lowercased: some Sequence<UInt8>) -> String {
        var bytes: [UInt8] = []
        var pendingDash = false
        for byte in lowercased {
            if (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
            {
                if pendingDash && !bytes.isEmpty { bytes.append(UInt8(ascii: "-")) }
                pendingDash = false
                bytes.append(byte)
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
