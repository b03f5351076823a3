import JSON

extension JSONWriter {
    /// The response template object: `id`, `name`, `body`, `response_template_group`.
    mutating func responseTemplate(_ template: ResponseTemplateRecord) {
        object { writer in
            writer.field("id", template.id)
            writer.field("name", template.name)
            writer.field("body", template.body)
            writer.key("response_template_group")
            if let group = template.group {
                writer.object { writer in
                    writer.field("id", group.id)
                    writer.field("name", group.name)
                }
            } else {
                writer.null()
            }
        }
    }
}
