/// A response template with what its JSON shows. Its owner and personal flag decide who sees it but are not sent.
struct ResponseTemplateRecord: Sendable {
    let id: Int
    let name: String
    let body: String
    let group: (id: Int, name: String)?
    let ownerID: Int
    let isPersonal: Bool
}
