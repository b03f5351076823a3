import JSON

/// The query of `GET /articles` and `GET /topics/{topic_slug}/articles`.
struct ArticleListQuery {
    var filter = ArticleListFilter()
    let page: Int
    /// `topic=` on `/articles`: a topic slug, resolved when the list is read.
    let topicSlug: String?

    init(parameters: Parameters, nested: Bool) throws(ValidationErrors) {
        filter.query = parameters.string("q")
        if let status = parameters.string("status") {
            guard let parsed = ArticleStatus(parameter: status) else {
                throw .single("status", "is not included in the list")
            }
            filter.status = parsed
        }
        topicSlug = nested ? nil : parameters.string("topic")?.trimmed
        page = Page<ArticleRecord>.number(from: parameters.string("page"))
    }
}

/// Reads of the article fields both writes share.
extension FieldReader {
    /// `status`: 0, 1, 2, as a number or a string, or `published`, `draft`, `internal`.
    func articleStatus(_ errors: inout ValidationErrors) -> ArticleStatus? {
        switch object["status"] {
        case nil, .null: return nil
        case .string(let text) where Formats.isBlank(text): return nil
        case .number(let text), .string(let text):
            if let status = ArticleStatus(parameter: text) { return status }
        default: break
        }
        errors.add(prefix + "status", "is not included in the list")
        return nil
    }

    /// `topic_id`: a topic's id (a number or a decimal string) or its slug; blank is none.
    func topicKey(_ errors: inout ValidationErrors) -> String? {
        switch object["topic_id"] {
        case nil, .null: return nil
        case .number(let literal): return literal
        case .string(let text): return Formats.isBlank(text) ? nil : text.trimmed
        default:
            errors.add(prefix + "topic_id", "is invalid")
            return nil
        }
    }
}

/// `POST /articles` and `POST /topics/{topic_slug}/articles`: a title and a body, a status (published by default)
/// and a topic of the brand. In the nested form the path names the topic and `topic_id` is not read.
struct NewArticle<Lookups: WriteLookups> {
    let title: String
    let body: String
    let status: ArticleStatus
    /// The body's `topic_id`, resolved; nil when none was given (or in the nested form).
    let topic: Lookups.TopicReference?

    init(body request: JSONObject, nested: Bool, lookups: Lookups) throws {
        let object = try request.requiredRoot("article")
        var errors = ValidationErrors()
        let reader = FieldReader(object: object)
        let title = reader.string("title", &errors)
        if title == nil, !errors.has("title") { errors.add("title", "can't be blank") }
        let text = reader.string("body", &errors)
        if text == nil, !errors.has("body") { errors.add("body", "can't be blank") }
        status = reader.articleStatus(&errors) ?? .published
        var topic: Lookups.TopicReference?
        if !nested, let key = reader.topicKey(&errors) {
            topic = try lookups.topic(idOrSlug: key)
            if topic == nil { errors.add("topic_id", "is invalid") }
        }
        self.topic = topic
        // Each nil above recorded an error.
        guard errors.isEmpty, let title, let text else { throw errors }
        (self.title, self.body) = (title, text)
    }
}

/// `PUT /articles/{slug}`: what changes; blank fields stay as they are, and an article keeps its topic unless
/// another is named.
struct ArticleChanges<Lookups: WriteLookups> {
    let title: String?
    let body: String?
    let status: ArticleStatus?
    let topic: Lookups.TopicReference?

    init(body request: JSONObject, lookups: Lookups) throws {
        let object = try request.requiredRoot("article")
        var errors = ValidationErrors()
        let reader = FieldReader(object: object)
        title = reader.string("title", &errors)
        body = reader.string("body", &errors)
        status = reader.articleStatus(&errors)
        var topic: Lookups.TopicReference?
        if let key = reader.topicKey(&errors) {
            topic = try lookups.topic(idOrSlug: key)
            if topic == nil { errors.add("topic_id", "is invalid") }
        }
        self.topic = topic
        try errors.throwIfAny()
    }
}
