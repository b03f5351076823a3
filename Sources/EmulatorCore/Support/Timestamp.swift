import JSON

/// Milliseconds since 1970-01-01T00:00:00Z, the one time representation of the store and the wire.
public struct Timestamp: Sendable, Hashable, Comparable {
    /// Milliseconds since the Unix epoch, UTC.
    public let milliseconds: Int64

    /// A timestamp from milliseconds since the Unix epoch.
    public init(milliseconds: Int64) { self.milliseconds = milliseconds }

    public static func < (lhs: Timestamp, rhs: Timestamp) -> Bool { lhs.milliseconds < rhs.milliseconds }

    /// ISO 8601 in UTC with milliseconds, e.g. `2026-11-25T23:40:00.123Z` (spec §1.10).
    public var iso8601: String { withISO8601 { String(decoding: $0, as: UTF8.self) } }

    /// `body` given ``iso8601``'s ASCII bytes: a response writes its dates straight into its buffer, with no string
    /// made for each (this runs for every date of every response).
    public func withISO8601<Result>(_ body: (UnsafeRawBufferPointer) -> Result) -> Result {
        let days = Int64((Double(milliseconds) / 86_400_000).rounded(.down))
        let msOfDay = milliseconds - days * 86_400_000
        let (year, month, day) = Self.civilDate(fromDays: days)
        let fourDigitYear = (0...9999).contains(year)
        // Filled in a fixed 24-byte buffer on the stack.
        var buffer: (UInt64, UInt64, UInt64) = (0, 0, 0)
        return withUnsafeMutableBytes(of: &buffer) { bytes in
            Self.template.withUTF8Buffer { bytes.copyMemory(from: UnsafeRawBufferPointer($0)) }
            // Two digits at a time, each a division by a constant (no loop: this runs for every date written).
            func putTwoDigits(_ value: Int64, at offset: Int) {
                bytes[offset] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: value / 10)
                bytes[offset + 1] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: value % 10)
            }
            if fourDigitYear {
                putTwoDigits(year / 100, at: 0)
                putTwoDigits(year % 100, at: 2)
            }
            putTwoDigits(month, at: 5)
            putTwoDigits(day, at: 8)
            putTwoDigits(msOfDay / 3_600_000, at: 11)
            putTwoDigits(msOfDay / 60_000 % 60, at: 14)
            putTwoDigits(msOfDay / 1_000 % 60, at: 17)
            let milliseconds = msOfDay % 1_000
            bytes[20] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: milliseconds / 100)
            putTwoDigits(milliseconds % 100, at: 21)
            guard fourDigitYear else {
                // As the padded decimal form always wrote it (zeros before a sign), though no input makes such a year.
                let digits = Array(String(year).utf8)
                let text =
                    Array(repeatElement(UInt8(ascii: "0"), count: max(0, 4 - digits.count))) + digits
                    + bytes[4...]
                return text.withUnsafeBytes(body)
            }
            return body(UnsafeRawBufferPointer(bytes))
        }
    }

    private static let template: StaticString = "0000-00-00T00:00:00.000Z"

    /// Parses the accepted input forms of spec §1.10: an ISO 8601 date-time with `Z`, `±hh:mm` or no offset (UTC),
    /// with or without fractional seconds (truncated to milliseconds), or a bare date `YYYY-MM-DD` (midnight UTC).
    public static func parse(_ text: String) -> Timestamp? {
        var scanner = DigitScanner(Array(text.utf8))
        guard let year = scanner.number(4), scanner.take("-"), let month = scanner.number(2), scanner.take("-"),
            let day = scanner.number(2), (1...12).contains(month), (1...daysIn(month: month, year: year)).contains(day)
        else { return nil }
        let dayStart = daysFromCivil(year: year, month: month, day: day) * 86_400_000
        if scanner.atEnd { return Timestamp(milliseconds: dayStart) }
        guard scanner.take("T") || scanner.take("t") || scanner.take(" "), let hour = scanner.number(2),
            scanner.take(":"), let minute = scanner.number(2), scanner.take(":"), let second = scanner.number(2),
            hour < 24, minute < 60, second < 60
        else { return nil }
        var millis: Int64 = 0
        if scanner.take(".") {
            guard let fraction = scanner.fraction() else { return nil }
            millis = fraction
        }
        var offsetMinutes: Int64 = 0
        if scanner.take("Z") || scanner.take("z") {
            offsetMinutes = 0
        } else if !scanner.atEnd {
            let sign: Int64
            if scanner.take("+") { sign = 1 } else if scanner.take("-") { sign = -1 } else { return nil }
            guard let offsetHours = scanner.number(2), scanner.take(":"), let offsetMins = scanner.number(2),
                offsetHours < 24, offsetMins < 60
            else { return nil }
            offsetMinutes = sign * (offsetHours * 60 + offsetMins)
        }
        guard scanner.atEnd else { return nil }
        let local = dayStart + hour * 3_600_000 + minute * 60_000 + second * 1_000 + millis
        return Timestamp(milliseconds: local - offsetMinutes * 60_000)
    }

    /// Parses a bare `YYYY-MM-DD` only.
    public static func parseDate(_ text: String) -> Timestamp? {
        text.utf8.count == 10 ? parse(text) : nil
    }

    // Howard Hinnant's days-from-civil algorithms: exact for the proleptic Gregorian calendar.
    static func daysFromCivil(year: Int64, month: Int64, day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    static func civilDate(fromDays days: Int64) -> (Int64, Int64, Int64) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    private static func daysIn(month: Int64, year: Int64) -> Int64 {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }
}

/// Reads fixed-width decimal fields from ASCII bytes.
private struct DigitScanner {
    let bytes: [UInt8]
    var index = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var atEnd: Bool { index == bytes.count }

    mutating func take(_ character: Unicode.Scalar) -> Bool {
        guard index < bytes.count, bytes[index] == UInt8(ascii: character) else { return false }
        index += 1
        return true
    }

    mutating func number(_ width: Int) -> Int64? {
        guard index + width <= bytes.count else { return nil }
        var value: Int64 = 0
        for byte in bytes[index..<index + width] {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            value = value * 10 + Int64(byte - UInt8(ascii: "0"))
        }
        index += width
        return value
    }

    /// One or more digits after the decimal point, as milliseconds (truncated).
    mutating func fraction() -> Int64? {
        var digits: [Int64] = []
        while index < bytes.count, bytes[index] >= UInt8(ascii: "0"), bytes[index] <= UInt8(ascii: "9") {
            digits.append(Int64(bytes[index] - UInt8(ascii: "0")))
            index += 1
        }
        guard !digits.isEmpty else { return nil }
        let padded = (digits + [0, 0, 0]).prefix(3)
        return padded.reduce(0) { $0 * 10 + $1 }
    }
}

extension JSONWriter {
    /// Writes `key` then the date in ISO 8601 (``Timestamp/iso8601``), or `null`: digits straight into the buffer.
    mutating func field(_ name: String, _ value: Timestamp?) {
        key(name)
        guard let value else { return null() }
        value.withISO8601 { verbatimString($0) }
    }
}
