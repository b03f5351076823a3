/// `GET /satisfaction_ratings`' query: `rating` 1 to 5, `assignee_id`, the four inclusive time bounds, `page`.
struct SatisfactionRatingQuery {
    var filter = SatisfactionRatingFilter()
    let page: Int

    init(parameters: Parameters) throws(ValidationErrors) {
        var errors = ValidationErrors()
        if let text = parameters.string("rating") {
            if let rating = Int(text.trimmed), (1...5).contains(rating) {
                filter.rating = rating
            } else {
                errors.add("rating", "is not included in the list")
            }
        }
        if let text = parameters.string("assignee_id") {
            // An id nobody can have (not an integer) matches nothing, as an unknown one does.
            if let id = Int(text.trimmed) { filter.assigneeID = id } else { filter.noAssigneeMatches = true }
        }
        for (name, bound) in [
            ("created_after", \SatisfactionRatingFilter.createdAfter),
            ("created_before", \.createdBefore), ("updated_after", \.updatedAfter), ("updated_before", \.updatedBefore),
        ] {
            guard let text = parameters.string(name) else { continue }
            guard let time = Timestamp.parse(text.trimmed) else {
                errors.add(name, "is invalid")
                continue
            }
            filter[keyPath: bound] = time
        }
        try errors.throwIfAny()
        page = Page<SatisfactionRatingRecord>.number(from: parameters.string("page"))
    }
}
