import JSON

/// The wire shapes of topics and articles, keys in the Go client's struct order.
extension JSONWriter {
    mutating func topic(_ topic: TopicRecord) {
        object { writer in
            writer.field("id", topic.id)
            writer.field("name", topic.name)
            writer.field("slug", topic.slug)
            writer.field("created_at", topic.createdAt)
            writer.field("updated_at", topic.updatedAt)
        }
    }

    mutating func article(_ article: ArticleRecord) {
        let url =
            "https://\(article.brandLabel).reamaze.com/kb/\(article.topic?.slug ?? "articles")/\(article.slug)"
        object { writer in
            writer.field("title", article.title)
            writer.field("body", article.body)
            writer.field("slug", article.slug)
            writer.field("status", article.status.rawValue)
            writer.field("created_at", article.createdAt)
            writer.field("updated_at", article.updatedAt)
            writer.field("url", url)
            writer.key("author")
            writer.author(.staff(article.author))
            writer.field("embedded_url", url + "/embedded")
            writer.key("topic")
            if let topic = article.topic {
                writer.object { writer in
                    writer.field("name", topic.name)
                    writer.field("slug", topic.slug)
                }
            } else {
                writer.null()
            }
        }
    }
}
