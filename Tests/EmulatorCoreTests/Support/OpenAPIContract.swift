import EmulatorCore
import Foundation
import JSON
import Testing

/// Checks every API response a test receives against `Sources/EmulatorCore/OpenAPI/openapi.yaml`: the status must be
/// documented for the operation, the content type must be the documented one, and the body must match the schema.
/// The code and the contract cannot drift apart without a test failing.
enum OpenAPIContract {
    /// The document, parsed once (it is JSON, which is YAML too).
    static let document: JSONObject = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Sources/EmulatorCore/OpenAPI/openapi.yaml")
        guard let data = FileManager.default.contents(atPath: url.path),
            let object = try? JSONParser.parse(Array(data)).objectValue
        else { fatalError("cannot read \(url.path)") }
        return object
    }()

    /// Records an issue for every way the response departs from the document.
    static func check(method: String, path: String, status: Int, contentType: String?, body: Data) {
        guard path.hasPrefix("/api/v1") else { return }
        let problems = problems(method: method, path: path, status: status, contentType: contentType, body: body)
        for problem in problems { Issue.record("OpenAPI: \(method) \(path) → \(status): \(problem)") }
    }

    static func problems(method: String, path: String, status: Int, contentType: String?, body: Data) -> [String] {
        guard let paths = document["paths"]?.objectValue else { return ["no paths"] }
        // Dot segments are resolved as HTTP clients (libcurl among them) do before sending.
        var segments: [String] = []
        for segment in path.split(separator: "?", maxSplits: 1).first?.split(separator: "/") ?? [] {
            if segment == ".." { _ = segments.popLast() } else if segment != "." { segments.append(String(segment)) }
        }
        if let last = segments.last, last.hasSuffix(".json") { segments[segments.count - 1] = String(last.dropLast(5)) }
        let template = paths.members.first { member in
            let parts = member.key.split(separator: "/").map(String.init)
            return parts.count == segments.count
                && zip(parts, segments).allSatisfy { $0.hasPrefix("{") || $0 == $1 }
        }
        guard let template else { return status == 404 ? [] : ["no documented path"] }
        guard let operation = template.value.objectValue?[method.lowercased()]?.objectValue else {
            return status == 405 ? [] : ["no documented operation"]
        }
        guard var response = operation["responses"]?.objectValue?[String(status)]?.objectValue else {
            return ["status \(status) is not documented"]
        }
        if case .string(let reference)? = response["$ref"], let resolved = resolve(reference)?.objectValue {
            response = resolved
        }
        guard let content = response["content"]?.objectValue, let documented = content.members.first else {
            return ["no documented content"]
        }
        var problems: [String] = []
        if contentType != documented.key {
            problems.append("content type \(contentType ?? "none"), not \(documented.key)")
        }
        guard let schema = documented.value.objectValue?["schema"] else { return problems + ["no schema"] }
        guard let value = try? JSONParser.parse(Array(body)) else { return problems + ["the body is not JSON"] }
        problems += validate(value, against: schema, at: "$")
        return problems
    }

    static func resolve(_ reference: String) -> JSONValue? {
        var node: JSONValue? = .object(document)
        for part in reference.dropFirst(2).split(separator: "/") { node = node?.objectValue?[String(part)] }
        return node
    }

    /// The subset of JSON Schema the document uses: $ref, type (one or several), properties, required,
    /// additionalProperties, items, maxItems, enum, const, minimum, maximum, oneOf.
    static func validate(_ value: JSONValue, against schema: JSONValue, at path: String) -> [String] {
        guard var schema = schema.objectValue else { return [] }
        if case .string(let reference)? = schema["$ref"], let resolved = resolve(reference)?.objectValue {
            schema = resolved
        }
        var problems: [String] = []
        if case .array(let choices)? = schema["oneOf"] {
            let matching = choices.filter { validate(value, against: $0, at: path).isEmpty }
            if matching.count != 1 { problems.append("\(path): matches \(matching.count) of oneOf") }
            return problems
        }
        if let type = schema["type"] {
            let allowed: [String]
            switch type {
            case .string(let name): allowed = [name]
            case .array(let names): allowed = names.compactMap { if case .string(let name) = $0 { name } else { nil } }
            default: allowed = []
            }
            if !allowed.contains(where: { matches(value, type: $0) }) {
                return ["\(path): \(value.typeName) is not \(allowed.joined(separator: " or "))"]
            }
        }
        if case .array(let options)? = schema["enum"], !options.contains(value) {
            problems.append("\(path): not in the enum")
        }
        if let constant = schema["const"], constant != value { problems.append("\(path): not the constant") }
        if case .number(let literal) = value, let number = Double(literal) {
            if case .number(let minimum)? = schema["minimum"], let bound = Double(minimum), number < bound {
                problems.append("\(path): below the minimum")
            }
            if case .number(let maximum)? = schema["maximum"], let bound = Double(maximum), number > bound {
                problems.append("\(path): above the maximum")
            }
        }
        if case .object(let object) = value {
            let properties = schema["properties"]?.objectValue ?? JSONObject()
            if case .array(let required)? = schema["required"] {
                for case .string(let name) in required where object[name] == nil {
                    problems.append("\(path).\(name): missing")
                }
            }
            for member in object.members {
                if let property = properties[member.key] {
                    problems += validate(member.value, against: property, at: "\(path).\(member.key)")
                } else if let additional = schema["additionalProperties"] {
                    if additional == .bool(false) {
                        problems.append("\(path).\(member.key): not documented")
                    } else {
                        problems += validate(member.value, against: additional, at: "\(path).\(member.key)")
                    }
                }
            }
        }
        if case .array(let elements) = value {
            if case .number(let maximum)? = schema["maxItems"], let bound = Int(maximum), elements.count > bound {
                problems.append("\(path): more than \(bound) items")
            }
            if let items = schema["items"] {
                for (index, element) in elements.enumerated() {
                    problems += validate(element, against: items, at: "\(path)[\(index)]")
                }
            }
        }
        return problems
    }

    static func matches(_ value: JSONValue, type: String) -> Bool {
        switch (type, value) {
        case ("null", .null), ("boolean", .bool), ("string", .string), ("object", .object), ("array", .array):
            return true
        case ("number", .number): return true
        case ("integer", .number(let literal)): return Int(literal) != nil
        default: return false
        }
    }
}
