/// The rounding rules of every report figure: averages of seconds to whole numbers, ratings and thread sizes to 2
/// decimals, ratios to 4, all half away from zero; nothing to average is `nil` (JSON `null`).
enum ReportFigures {
    /// The mean of response times given as a total in milliseconds, in whole seconds.
    static func averageSeconds(totalMilliseconds: Int64, count: Int) -> Int? {
        guard count > 0 else { return nil }
        return Int(roundedQuotient(totalMilliseconds, Int64(count) * 1_000))
    }

    /// `numerator / denominator` rounded to `places` decimals, as a JSON number literal in its shortest form
    /// (`4.5`, `4`, `0.6667`); nil when the denominator is 0.
    static func decimal(_ numerator: Int64, _ denominator: Int64, places: Int) -> String? {
        guard denominator != 0 else { return nil }
        var scale: Int64 = 1
        for _ in 0..<places { scale *= 10 }
        let scaled = roundedQuotient(numerator * scale, denominator)
        let magnitude = scaled.magnitude
        let whole = magnitude / UInt64(scale)
        let sign = scaled < 0 ? "-" : ""
        var fraction = String(magnitude % UInt64(scale))
        guard fraction != "0" else { return sign + String(whole) }
        fraction = String(repeating: "0", count: places - fraction.count) + fraction
        while fraction.hasSuffix("0") { fraction.removeLast() }
        return sign + String(whole) + "." + fraction
    }

    /// `(recent - earlier) / earlier` to 4 decimals: nil when either is missing or the earlier one is 0.
    static func changeRate(recent: Int?, earlier: Int?) -> String? {
        guard let recent, let earlier, earlier != 0 else { return nil }
        return decimal(Int64(recent - earlier), Int64(earlier), places: 4)
    }

    /// `numerator / denominator` rounded to an integer, halves away from zero.
    private static func roundedQuotient(_ numerator: Int64, _ denominator: Int64) -> Int64 {
        let negative = (numerator < 0) != (denominator < 0)
        let (n, d) = (numerator.magnitude, denominator.magnitude)
        let rounded = Int64((2 * n + d) / (2 * d))
        return negative ? -rounded : rounded
    }
}
