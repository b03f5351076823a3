/// Reads of the conversation and message fields that several requests share (spec §5.2, §5.6, §6.3).
extension FieldReader {
    /// `tag_list`: an array of strings or one comma-separated string; trimmed, blanks and duplicates dropped.
    func tags(_ key: String, _ errors: inout ValidationErrors) -> [String]? {
        let raw: [String]
        switch object[key] {
        case nil, .null: return nil
        case .string(let text): raw = text.split(separator: ",").map(String.init)
        case .array:
            guard let strings = stringArray(key, &errors) else { return nil }
            raw = strings
        default:
            errors.add(prefix + key, "is invalid")
            return nil
        }
        var seen: Set<String> = []
        return raw.map(\.trimmed).filter { !$0.isEmpty && seen.insert($0.lowercased()).inserted }
    }

    /// `status` 0–9 and its `hold_until` (§5.2): 5 needs a `hold_until` in the same request.
    func status(_ errors: inout ValidationErrors) -> (status: ConversationStatus?, holdUntil: Timestamp?) {
        var status: ConversationStatus?
        switch object["status"] {
        case nil, .null: status = nil
        case .number(let literal):
            if let value = Int(literal).flatMap(ConversationStatus.init(rawValue:)) {
                status = value
            } else {
                errors.add(prefix + "status", "is not included in the list")
            }
        case .string(let text) where Formats.isBlank(text): status = nil
        default: errors.add(prefix + "status", "is not included in the list")
        }
        var holdUntil: Timestamp?
        if let text = string("hold_until", &errors) {
            holdUntil = Timestamp.parse(text.trimmed)
            if holdUntil == nil { errors.add(prefix + "hold_until", "is invalid") }
        }
        if status == .onHold, holdUntil == nil, !errors.has(prefix + "hold_until") {
            errors.add(prefix + "hold_until", "can't be blank")
        }
        return (status, holdUntil)
    }

    /// `recipients`: an array of email addresses, lower-cased.
    func recipients(_ errorField: String, _ errors: inout ValidationErrors) -> [String] {
        var ignored = ValidationErrors()
        switch object["recipients"] {
        case nil, .null: return []
        case .array:
            guard let strings = stringArray("recipients", &ignored) else {
                errors.add(errorField, "is invalid")
                return []
            }
            let emails = strings.map { $0.trimmed.lowercased() }
            if !emails.allSatisfy(Formats.isEmail) { errors.add(errorField, "is invalid") }
            return emails
        default:
            errors.add(errorField, "is invalid")
            return []
        }
    }

    /// `attachment` (one URL) and `attachments` (an array of URLs), each an absolute http(s) URL.
    func attachments(_ errorField: String, _ errors: inout ValidationErrors) -> [String] {
        var urls: [String] = []
        var valid = true
        for key in ["attachment", "attachments"] {
            switch object[key] {
            case nil, .null: continue
            case .string(let text): urls.append(text.trimmed)
            case .array(let elements):
                for element in elements {
                    if case .string(let text) = element { urls.append(text.trimmed) } else { valid = false }
                }
            default: valid = false
            }
        }
        if !valid || !urls.allSatisfy(Formats.isWebURL) { errors.add(errorField, "is invalid") }
        return urls
    }

    /// A Boolean flag; anything but `true` is false.
    func flag(_ key: String) -> Bool { object[key] == .bool(true) }
}

extension RequestContext {
    /// `{scheme}://{Host}` of this request, for `perma_url` (§5.1): https over TLS and on Re:amaze's own host
    /// names, which clients only ever reach over TLS, else http; the brand's Re:amaze host when no Host was sent.
    var permaBase: String {
        guard let host = requestHost?.trimmed, !host.isEmpty else { return "https://\(brand.hostLabel).reamaze.io" }
        let name = host.lowercased().split(separator: ":").first.map(String.init) ?? host
        let secure = isSecure || name.hasSuffix(".reamaze.io") || name.hasSuffix(".reamaze.com")
        return "\(secure ? "https" : "http")://\(host)"
    }
}
