extension CaseIterable where Self: RawRepresentable, RawValue == String {
    /// The case whose raw value equals `raw`, found by comparing each in turn. An enumeration on the request path
    /// (the method, an identity's type) declares its `init?(rawValue:)` with this: the one Swift derives goes
    /// through the standard library's string switch, about 20 of a single read's instruction-cache misses for two
    /// look-ups (bench/instructions.py), where a compare of short strings is a few instructions, inlined.
    static func scanning(_ raw: String) -> Self? {
        allCases.first { $0.rawValue == raw }
    }
}
