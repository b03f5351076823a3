/// Slugs of conversations, articles and topics (spec §5.3): one rule, with its own word for an empty result.
enum Slug {
    /// Lower-cases the subject, turns each run of characters outside `[a-z0-9]` into one `-`, trims `-` from both
    /// ends; an empty result is `empty` (`conversation`, `article`, `topic`).
    static func base(for subject: String?, empty: String = "conversation") -> String {
        var slug = ""
        var pendingDash = false
        for scalar in (subject ?? "").lowercased().unicodeScalars {
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
