import Foundation

/// Timestamps as stored: INTEGER milliseconds since the Unix epoch, UTC.
///
/// Millisecond precision is what the records need (ordering uses ids, not times), and an integer sorts and
/// compares the same in SQLite and PostgreSQL. A `Date` read back is rounded to the millisecond.
enum StoredTime {
    /// The stored value of `date`.
    static func milliseconds(_ date: Date) -> Int64 {
        // Safety: Int64 milliseconds span ±292 million years; every Date the bridge builds (even
        // distantPast/distantFuture, ±6.3e13 ms) converts without trapping.
        Int64((date.timeIntervalSince1970 * 1000).rounded())
    }

    /// The `Date` of a stored value.
    static func date(_ milliseconds: Int64) -> Date {
        Date(timeIntervalSince1970: Double(milliseconds) / 1000)
    }

    /// The `Date` of an optional stored value.
    static func date(_ milliseconds: Int64?) -> Date? {
        milliseconds.map { date($0) }
    }

    /// The whole milliseconds of `duration`, never negative; saturates instead of trapping on absurd values.
    static func milliseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        let (whole, overflow) = seconds.multipliedReportingOverflow(by: 1000)
        if overflow {
            return seconds < 0 ? 0 : .max
        }
        let (total, overflowAgain) = whole.addingReportingOverflow(attoseconds / 1_000_000_000_000_000)
        return overflowAgain ? .max : max(0, total)
    }

    /// The stored value of `date + duration` (a lease's expiry), saturating.
    static func milliseconds(_ date: Date, plus duration: Duration) -> Int64 {
        let (sum, overflow) = milliseconds(date).addingReportingOverflow(milliseconds(duration))
        return overflow ? .max : sum
    }
}
