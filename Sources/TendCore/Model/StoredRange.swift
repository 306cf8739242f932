import Foundation

/// The ranges a stored value lies in. A model refuses to write a value outside them, and the
/// SQLite store reports one read from a file as damaged, so that no value from a database can
/// reach arithmetic that would overflow (a cadence of 2^63 days trapped every query).
public enum StoredRange {
    /// Dates: the years 0001 to 9999, which `YYYY-MM-DD` can write and read back.
    public static let days: ClosedRange<Int> = Day(year: 1, month: 1, day: 1)!.ordinal...Day(year: 9999, month: 12, day: 31)!.ordinal
    /// A cadence's months and days, each at most a hundred years either way: a date plus the
    /// largest cadence stays far inside `Int`.
    public static let cadenceMonths: ClosedRange<Int> = -1_200...1_200
    public static let cadenceDays: ClosedRange<Int> = -36_525...36_525
    /// Money in cents: up to a trillion either way, far above any referral or spend, and so far
    /// inside 64 bits that a million of them still add up without overflow.
    public static let cents: ClosedRange<Int64> = -100_000_000_000_000...100_000_000_000_000
    /// An interaction's quality.
    public static let quality: ClosedRange<Int> = 1...5
    /// A contact's or an event's number (`add … id: N`, `log … id: N`, which a dump writes
    /// after a gap): any a store gives after one written, so that every dump restores, short of
    /// 2^32 below the largest 64-bit number, so that the stores' next numbers (the largest plus
    /// one) never overflow.
    public static let ids: ClosedRange<Int64> = 1...(Int64.max - (1 << 32))
    /// A referral's status.
    public static let statuses = ["open", "won", "lost"]

    public static func contains(_ d: Day) -> Bool { days.contains(d.ordinal) }
    /// The longest cadence as days, months counted at 365/12 (1200mo is 36,500): what a file
    /// may set, and what a statement may.
    public static let maxCadenceDays = 36_525.0
    /// The shortest cadence as days: a day (`1mo - 30d` would be due the day it began).
    public static let minCadenceDays = 1.0

    public static func contains(cadence d: Duration) -> Bool { cadenceMonths.contains(d.months) && cadenceDays.contains(d.days) }

    /// Why a value cannot be stored, in words, or nil when it can.
    public static func problem(_ d: Day) -> String? {
        contains(d) ? nil : "a date must be between 0001-01-01 and 9999-12-31"
    }
    /// What `numbers given` says of a number that is no id.
    public static let numberGivenProblem = "a number given is a whole number from 1 to \(ids.upperBound), as ids are"

    /// Why a value given to a new event (or contact: `of: "a contact"`) cannot be its id
    /// (`id:`), or nil when it can.
    public static func problem(id v: Value, of what: String = "an event") -> String? {
        if let n = id(v), ids.contains(n) { return nil }
        return "\(what)'s id is a whole number from 1 to \(ids.upperBound)"
    }

    /// A whole number as a 64-bit one, past the 10^18 where arithmetic's fast paths stop: ids
    /// go up to `ids.upperBound`.
    public static func id(_ v: Value) -> Int64? {
        if let n = v.intValue { return Int64(n) }
        guard case .number(let d) = v, d.isFinite, !d.isNaN else { return nil }
        var value = d
        var whole = Decimal()
        NSDecimalRound(&whole, &value, 0, .plain)
        return whole == d ? Int64(whole.description) : nil
    }
    /// A cadence written: its months and days each in range, and their sum too (100y + 36525d
    /// was taken, and its export could not be imported back).
    public static func problem(cadence d: Duration) -> String? {
        contains(cadence: d) && d.approximateDays <= maxCadenceDays ? nil : "a cadence is at most 100 years (1200mo or 36525d)"
    }
}
