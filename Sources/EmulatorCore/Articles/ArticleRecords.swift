/// A knowledge-base topic of a brand.
struct TopicRecord: Sendable {
    let id: Int
    let name: String
    let slug: String
    let createdAt: Timestamp
    let updatedAt: Timestamp
}

/// An article's status, the integer the API reads and writes; clients also send the words.
enum ArticleStatus: Int, Sendable, CaseIterable {
    case published = 0
    case draft = 1
    case `internal` = 2

    /// The word PHP clients send.
    var word: String {
        switch self {
        case .published: "published"
        case .draft: "draft"
        case .internal: "internal"
        }
    }

    /// `0`, `"0"` or `"published"` and so on; nil for anything else (4 included).
    init?(parameter text: String) {
        let trimmed = text.trimmed.lowercased()
        guard
            let status = Int(trimmed).flatMap(ArticleStatus.init(rawValue:))
                ?? ArticleStatus.allCases.first(where: { $0.word == trimmed })
        else { return nil }
        self = status
    }
}

/// An article with everything its JSON shows.
struct ArticleRecord: Sendable {
    let id: Int
    let title: String
    let body: String
    let slug: String
    let status: ArticleStatus
    let createdAt: Timestamp
    let updatedAt: Timestamp
    let author: StaffRecord
    /// The topic's name and slug.
    let topic: (name: String, slug: String)?
    /// The brand's host label, for `url`.
    let brandLabel: String
}

/// The filters of `GET /articles` and `GET /topics/{slug}/articles`.
struct ArticleListFilter: Sendable {
    var query: String?
    var status: ArticleStatus?
    var topicID: Int?
    /// `topic=` named a slug the brand does not have: the list is empty.
    var unknownTopic = false
}
