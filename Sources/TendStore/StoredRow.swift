import Foundation
import TendCore

/// One row of a stored table, as a store reads it (SQLite's `Store.Cells`, PostgreSQL's rows):
/// the few primitive reads each store does its own way, and every checked value built on them
/// here, once for both. Every value is checked against what Tend writes (`StoredRange`): a
/// value outside it (a damaged file, another program's change) is a `DamagedValue` naming the
/// table and row, never a wrong answer or a trap later on.
package protocol StoredRow {
    /// The damage in column `i`, named by the column.
    func damaged(_ i: Int32, _ problem: String) -> DamagedValue
    /// The damage of the row as a whole.
    func damagedRow(_ problem: String) -> DamagedValue
    func int(_ i: Int32) -> Int64
    func isNull(_ i: Int32) -> Bool
    func optionalText(_ i: Int32) -> String?
    /// A date with or without its year (`--12-25`: a birthday, an anniversary), or nil for
    /// NULL; anything but `YYYY-MM-DD` in 0001…9999 or `--MM-DD` is damage.
    func anyDay(_ i: Int32) throws -> Day?
    /// A JSON list of strings.
    func list(_ i: Int32) throws -> [String]
}

extension StoredRow {
    package func optionalInt(_ i: Int32) -> Int64? { isNull(i) ? nil : int(i) }
    package func text(_ i: Int32) -> String { optionalText(i) ?? "" }
    package func bool(_ i: Int32) throws -> Bool {
        let v = int(i)
        guard v == 0 || v == 1 else { throw damaged(i, "is \(v), not true (1) or false (0)") }
        return v == 1
    }
    /// A date, or nil for NULL; a date without its year is damage here: only a birthday or an
    /// anniversary may lack one (an event on `--12-25` would be counted from the year 0).
    package func day(_ i: Int32) throws -> Day? {
        guard let d = try anyDay(i) else { return nil }
        guard !d.isYearless else { throw damaged(i, "is \(d), a date without a year") }
        return d
    }
    package func date(_ i: Int32) throws -> Day {
        guard let d = try day(i) else { throw damaged(i, "is missing") }
        return d
    }
    package func stage(_ i: Int32) throws -> Stage {
        let v = int(i)
        guard let s = Stage(rawValue: Int(truncatingIfNeeded: v)), Int64(s.rawValue) == v else {
            throw damaged(i, "is \(v), not a stage (1 contact … 4 profitability)")
        }
        return s
    }
    /// An amount in cents, or nil for NULL.
    package func money(_ i: Int32) throws -> Decimal? {
        guard let v = optionalInt(i) else { return nil }
        guard StoredRange.cents.contains(v) else { throw damaged(i, "is out of range") }
        return Store.money(v)
    }
    package func quality(_ i: Int32) throws -> Int? {
        guard let v = optionalInt(i) else { return nil }
        guard v >= 1 && v <= 5 else { throw damaged(i, "is \(v), not a quality from 1 to 5") }
        return Int(v)
    }
    /// A cadence from its months and days columns; nil when both are NULL.
    package func cadence(_ months: Int32, _ days: Int32) throws -> Duration? {
        let m = optionalInt(months)
        let d = optionalInt(days)
        guard m != nil || d != nil else { return nil }
        // Int is 64 bits on every platform Tend builds for, so these conversions are exact.
        let cadence = Duration(months: Int(m ?? 0), days: Int(d ?? 0))
        guard StoredRange.contains(cadence: cadence) else { throw damagedRow("cadence is out of range") }
        return cadence
    }
}
