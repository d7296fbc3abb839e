import Foundation

/// RFC 3339 `date-time` (section 5.6), strictly: `2026-12-01T08:00:00Z`, `…:00.25+02:00`. What the OpenAPI document's
/// `format: date-time` promises, so the API accepts exactly the times a client checked against it sends (Foundation's
/// ISO 8601 parser takes some that are not, and refuses some that are: years before 1583, offsets past ±14:00).
enum AdminRFC3339 {
    /// The time, or nil when `text` is not an RFC 3339 date-time.
    static func parse(_ text: String) -> Date? {
        let bytes = Array(text.utf8)
        guard bytes.count >= 20 else { return nil }
        func number(_ start: Int, _ count: Int) -> Int? {
            guard start + count <= bytes.count else { return nil }
            var value = 0
            for byte in bytes[start..<start + count] {
                guard (48...57).contains(byte) else { return nil }
                value = value * 10 + Int(byte - 48)
            }
            return value
        }
        guard let year = number(0, 4), bytes[4] == 45, let month = number(5, 2), bytes[7] == 45, let day = number(8, 2),
            [84, 116].contains(bytes[10]), let hour = number(11, 2), bytes[13] == 58, let minute = number(14, 2), bytes[16] == 58,
            let second = number(17, 2), (1...12).contains(month), (1...daysIn(month: month, year: year)).contains(day), hour < 24,
            minute < 60, second <= 60
        else { return nil }
        var index = 19
        var fraction = 0.0
        if bytes[index] == 46 {
            var scale = 0.1
            index += 1
            let start = index
            while index < bytes.count, (48...57).contains(bytes[index]) {
                fraction += Double(bytes[index] - 48) * scale
                scale /= 10
                index += 1
            }
            guard index > start else { return nil }
        }
        guard let offset = offsetSeconds(bytes, from: index) else { return nil }
        // Days since 1970-01-01 in the proleptic Gregorian calendar (Howard Hinnant's days_from_civil).
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        let days = era * 146_097 + dayOfEra - 719_468
        let seconds = days * 86_400 + hour * 3600 + minute * 60 + min(second, 59) - offset
        return Date(timeIntervalSince1970: Double(seconds) + fraction)
    }

    /// `Z`, or `+hh:mm` / `-hh:mm` ending the text, in seconds east of UTC.
    private static func offsetSeconds(_ bytes: [UInt8], from index: Int) -> Int? {
        if index == bytes.count - 1, [90, 122].contains(bytes[index]) { return 0 }
        guard index == bytes.count - 6, [43, 45].contains(bytes[index]), bytes[index + 3] == 58 else { return nil }
        let digits = [bytes[index + 1], bytes[index + 2], bytes[index + 4], bytes[index + 5]]
        guard digits.allSatisfy({ (48...57).contains($0) }) else { return nil }
        let hours = Int(digits[0] - 48) * 10 + Int(digits[1] - 48)
        let minutes = Int(digits[2] - 48) * 10 + Int(digits[3] - 48)
        guard hours < 24, minutes < 60 else { return nil }
        return (hours * 3600 + minutes * 60) * (bytes[index] == 45 ? -1 : 1)
    }

    private static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }
}
