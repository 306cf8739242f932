/// A calendar date (proleptic Gregorian), stored as days since 1970-01-01.
///
/// Tend's dates run from 0001-01-01 to 9999-12-31 (`Day.first`…`Day.last`): four-digit years,
/// as dates are written and stored. Every date the language makes is checked against that
/// range (`adding(checked:)`, `start(of:)`, `Day(iso:)`); a value read from a file or a
/// database can be checked with `Day(checkedOrdinal:)` or `isOnCalendar`.
public struct Day: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var ordinal: Int

    /// A day by its number, unchecked: for ordinals known to be on the calendar.
    public init(ordinal: Int) { self.ordinal = ordinal }

    /// A day by its number, or nil when it is off the calendar (before 0001-01-01, after 9999-12-31).
    public init?(checkedOrdinal ordinal: Int) {
        guard Day.ordinals.contains(ordinal) else { return nil }
        self.ordinal = ordinal
    }

    /// The first and the last day on Tend's calendar.
    public static let first = Day(ordinal: Day.ordinal(year: 1, month: 1, day: 1))
    public static let last = Day(ordinal: Day.ordinal(year: 9999, month: 12, day: 31))
    static let ordinals = first.ordinal...last.ordinal

    /// True from 0001-01-01 to 9999-12-31.
    public var isOnCalendar: Bool { Day.ordinals.contains(ordinal) }

    /// A date from its parts, or nil when it does not exist (2026-02-30) or is off the calendar.
    public init?(year: Int, month: Int, day: Int) {
        guard (1...12).contains(month), day >= 1, day <= Day.daysIn(year: year, month: month),
            (1...9999).contains(year)
        else { return nil }
        ordinal = Day.ordinal(year: year, month: month, day: day)
    }

    /// Days since 1970-01-01 of any (year, month, day), unchecked: Howard Hinnant's days_from_civil.
    static func ordinal(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146097 + doe - 719468
    }

    /// Parses `YYYY-MM-DD` (read for every dated row, so it works on the bytes).
    public init?(iso text: String) {
        var text = text
        guard let day = text.withUTF8({ Day(isoBytes: $0) }) else { return nil }
        self = day
    }

    /// Why `text` is not a date, in words (`2026-02-30`: "February 2026 has 28 days"); nil when
    /// it is one.
    public static func problem(iso text: String) -> String? {
        if Day(iso: text) != nil { return nil }
        if text.hasPrefix("--") {
            // --02-30: "February has 29 days, …" (the year that holds it is a leap year).
            return problem(iso: "2000-" + text.dropFirst(2)).map { $0.replacingOccurrences(of: " 2000", with: "") }
        }
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard text.utf8.count == 10, parts.count == 3, parts.map(\.count) == [4, 2, 2],
            let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2])
        else { return "write a date as YYYY-MM-DD, as in 2026-11-20" }
        guard (1...9999).contains(y) else { return "years run from 0001 to 9999" }
        guard (1...12).contains(m) else { return "there is no month \(parts[1]); months run from 01 to 12" }
        let names = [
            "January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December",
        ]
        return "\(names[m - 1]) \(parts[0]) has \(daysIn(year: y, month: m)) days, so there is no day \(d) in it"
    }

    /// Parses `YYYY-MM-DD` from UTF-8 bytes (a database column read in place).
    public init?(isoBytes b: UnsafeBufferPointer<UInt8>) {
        func digits(_ range: Range<Int>) -> Int? {
            var n = 0
            for i in range {
                let d = b[i] &- 48
                guard d <= 9 else { return nil }
                n = n * 10 + Int(d)
            }
            return n
        }
        // `--MM-DD`: a date without a year.
        if b.count == 7, b[0] == 45, b[1] == 45, b[4] == 45, let m = digits(2..<4), let d = digits(5..<7) {
            self.init(month: m, day: d)
            return
        }
        guard b.count == 10, b[4] == 45, b[7] == 45, let y = digits(0..<4), let m = digits(5..<7), let d = digits(8..<10) else { return nil }
        self.init(year: y, month: m, day: d)
    }

    /// The date's year, month and day; the year is 0 for a date without one.
    public var parts: (year: Int, month: Int, day: Int) {
        if isYearless {
            let k = ordinal - Day.yearlessOrdinals.lowerBound
            return (0, k / 31 + 1, k % 31 + 1)
        }
        let z = ordinal + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let doe = z - era * 146097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
        let y = yoe + era * 400
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (m <= 2 ? y + 1 : y, m, d)
    }
    public var year: Int { parts.year }
    public var month: Int { parts.month }

    /// 1 = Monday … 7 = Sunday.
    public var weekday: Int { ((ordinal % 7) + 7 + 3) % 7 + 1 }

    public static func daysIn(year: Int, month: Int) -> Int {
        switch month {
        case 2: return isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }
    public static func isLeap(_ y: Int) -> Bool { (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 }

    /// Calendar-true addition: months first, clamped to the month's end (Jan 31 + 1mo = Feb 28),
    /// then days. Nil when the day, the duration or the result is off the calendar.
    public func adding(checked d: Duration) -> Day? {
        guard isOnCalendar, d.isOnCalendar else { return nil }
        return Day(checkedOrdinal: uncheckedAdding(d))
    }

    /// Calendar-true addition that stops at the ends of the calendar (0001-01-01, 9999-12-31):
    /// for working figures (a due date, a year ago) that need no error. What the language
    /// makes goes through `adding(checked:)`.
    public func adding(_ d: Duration) -> Day {
        let base = Day(ordinal: Swift.min(Swift.max(ordinal, Day.first.ordinal), Day.last.ordinal))
        let months = Swift.min(Swift.max(d.months, -Duration.maxMonths), Duration.maxMonths)
        let days = Swift.min(Swift.max(d.days, -Duration.maxDays), Duration.maxDays)
        let o = base.uncheckedAdding(Duration(months: months, days: days))
        return Day(ordinal: Swift.min(Swift.max(o, Day.first.ordinal), Day.last.ordinal))
    }
    public func adding(days: Int) -> Day { adding(Duration(days: days)) }
    /// `adding(checked:)` for a number of days.
    public func adding(checkedDays days: Int) -> Day? { adding(checked: Duration(days: days)) }

    /// The ordinal of the sum, for a day and a duration on the calendar (no overflow is possible).
    private func uncheckedAdding(_ d: Duration) -> Int {
        var result = ordinal
        if d.months != 0 {
            let p = parts
            let total = p.year * 12 + (p.month - 1) + d.months
            let y = total >= 0 ? total / 12 : (total - 11) / 12
            let m = total - y * 12 + 1
            result = Day.ordinal(year: y, month: m, day: Swift.min(p.day, Day.daysIn(year: y, month: m)))
        }
        return result + d.days
    }

    public static func < (a: Day, b: Day) -> Bool { a.ordinal < b.ordinal }

    public var description: String {
        let p = parts
        func pad(_ n: Int, _ w: Int) -> String {
            let s = String(n)
            return String(repeating: "0", count: max(0, w - s.count)) + s
        }
        if isYearless { return "--\(pad(p.month, 2))-\(pad(p.day, 2))" }
        return "\(pad(p.year, 4))-\(pad(p.month, 2))-\(pad(p.day, 2))"
    }

    // MARK: - Dates without a year

    /// A date without a year is a state of its own, written `--MM-DD` as vCard writes it: it
    /// is kept in ordinals just before 0001-01-01 (31 a month), off the calendar, so that it
    /// sorts before every date with a year and, among its kind, by month and day; a real date
    /// of any year (1604 included) keeps its year. Date arithmetic refuses it, `year` is null,
    /// and `next_date`/`days_until` give its next occurrence.
    static let yearlessOrdinals = (Day.first.ordinal - 400)...(Day.first.ordinal - 400 + 12 * 31 - 1)

    /// The year Apple's address book writes for a date without one (`X-APPLE-OMIT-YEAR=1604`).
    public static let appleYearlessYear = 1604

    /// A birthday whose year is not known: `--04-12`; `--02-29` exists.
    public init?(month: Int, day: Int) {
        guard (1...12).contains(month), day >= 1, day <= Day.daysIn(year: 2000, month: month) else { return nil }
        ordinal = Day.yearlessOrdinals.lowerBound + (month - 1) * 31 + (day - 1)
    }

    public var isYearless: Bool { Day.yearlessOrdinals.contains(ordinal) }

    /// The next day on or after `from` with this date's month and day. February 29 falls on
    /// February 28 in a year without it (the day before March, as most calendars remind).
    public func nextOccurrence(onOrAfter from: Day) -> Day {
        let p = parts
        let f = from.parts
        for y in f.year...(f.year + 1) {
            let day = Swift.min(p.day, Day.daysIn(year: y, month: p.month))
            let d = Day(ordinal: Day.ordinal(year: y, month: p.month, day: day))
            if d >= from { return d }
        }
        return from
    }

    /// Whole years from this date to `to` (an age on a birthday); nil for a date without a year.
    /// A February 29 comes round on February 28 in a year without it, as `nextOccurrence` has it.
    public func years(to: Day) -> Int? {
        guard !isYearless else { return nil }
        let a = parts
        let b = to.parts
        let day = Swift.min(a.day, Day.daysIn(year: b.year, month: a.month))
        return b.year - a.year - ((b.month, b.day) < (a.month, day) ? 1 : 0)
    }

    // MARK: - Periods

    public enum Period: String, Sendable, CaseIterable { case week, month, quarter, year }

    /// The first day of the period that holds this date (ISO weeks start on Monday), or nil
    /// when it is off the calendar (the week of 0001-01-01 starts the day before).
    public func start(of period: Period) -> Day? {
        let p = parts
        switch period {
        case .week: return Day(checkedOrdinal: ordinal - (weekday - 1))
        case .month: return Day(checkedOrdinal: Day.ordinal(year: p.year, month: p.month, day: 1))
        case .quarter: return Day(checkedOrdinal: Day.ordinal(year: p.year, month: ((p.month - 1) / 3) * 3 + 1, day: 1))
        case .year: return Day(checkedOrdinal: Day.ordinal(year: p.year, month: 1, day: 1))
        }
    }
    /// The last day of the period that holds this date, or nil when it is off the calendar.
    public func end(of period: Period) -> Day? {
        let p = parts
        switch period {
        case .week: return Day(checkedOrdinal: ordinal - (weekday - 1) + 6)
        case .month: return Day(checkedOrdinal: Day.ordinal(year: p.year, month: p.month, day: Day.daysIn(year: p.year, month: p.month)))
        case .quarter:
            let last = ((p.month - 1) / 3) * 3 + 3
            return Day(checkedOrdinal: Day.ordinal(year: p.year, month: last, day: Day.daysIn(year: p.year, month: last)))
        case .year: return Day(checkedOrdinal: Day.ordinal(year: p.year, month: 12, day: 31))
        }
    }
    /// A short name of the period that holds this date: 2026-W47, 2026-11, 2026-Q4, 2026.
    public func label(of period: Period) -> String {
        let p = parts
        switch period {
        case .week:
            // The ISO week-year is the year of the week's Thursday.
            let thursday = Day(ordinal: ordinal - (weekday - 1) + 3)
            let january4 = Day(ordinal: Day.ordinal(year: thursday.year, month: 1, day: 4))
            let firstThursday = january4.ordinal - (january4.weekday - 1) + 3
            let week = (thursday.ordinal - firstThursday) / 7 + 1
            return "\(Day.yearText(thursday.year))-W\(week < 10 ? "0" : "")\(week)"
        case .month: return "\(Day.yearText(p.year))-\(p.month < 10 ? "0" : "")\(p.month)"
        case .quarter: return "\(Day.yearText(p.year))-Q\((p.month - 1) / 3 + 1)"
        case .year: return Day.yearText(p.year)
        }
    }

    /// A year in four digits, as dates print it (0999, not 999).
    static func yearText(_ year: Int) -> String {
        let digits = String(year)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }
}

/// A length of time kept as calendar months and days, so that 1mo after Jan 31 is Feb 28.
///
/// A duration spans at most the calendar either way: 9,999 years of months
/// (`Duration.maxMonths`) and the days from 0001-01-01 to 9999-12-31 (`Duration.maxDays`).
/// Longer ones mean nothing on a calendar, and within these bounds no sum of two durations,
/// nor a date plus a duration, can overflow. The language refuses anything longer; values read
/// from files and databases can be checked with `Duration(checkedMonths:days:)` or
/// `isOnCalendar`.
public struct Duration: Hashable, Sendable, CustomStringConvertible {
    public var months: Int
    public var days: Int
    /// Unchecked: for values known to be in range.
    public init(months: Int = 0, days: Int = 0) {
        self.months = months
        self.days = days
    }

    /// 9,999 years, in months.
    public static let maxMonths = 9_999 * 12
    /// From 0001-01-01 to 9999-12-31, in days.
    public static let maxDays = Day.last.ordinal - Day.first.ordinal
    /// How the limits read in messages.
    public static let limitText = "9999y (\(maxMonths)mo, \(maxDays / 7)w, \(maxDays)d)"

    /// A duration, or nil when either part is longer than the calendar.
    public init?(checkedMonths months: Int, days: Int) {
        guard months.magnitude <= Duration.maxMonths.magnitude, days.magnitude <= Duration.maxDays.magnitude else { return nil }
        self.init(months: months, days: days)
    }

    /// True when neither part is longer than the calendar.
    public var isOnCalendar: Bool { months.magnitude <= Duration.maxMonths.magnitude && days.magnitude <= Duration.maxDays.magnitude }

    /// Length in days for comparisons and `days()`: a month counts 365/12 days, so 1mo > 30d.
    public var approximateDays: Double { Double(months) * 365.0 / 12.0 + Double(days) }

    // Wrapping, so that a duration off the calendar (read unchecked) cannot trap here; on the
    // calendar no sum of two overflows, and `isOnCalendar` tells the rest apart.
    public static func + (a: Duration, b: Duration) -> Duration { Duration(months: a.months &+ b.months, days: a.days &+ b.days) }
    public static prefix func - (a: Duration) -> Duration { Duration(months: 0 &- a.months, days: 0 &- a.days) }

    /// The sum, or nil when it is longer than the calendar (or either duration is).
    public func adding(checked other: Duration) -> Duration? {
        guard isOnCalendar, other.isOnCalendar else { return nil }
        return Duration(checkedMonths: months + other.months, days: days + other.days)
    }

    /// `n` of a unit (`d w mo y`), or nil for another unit or a duration longer than the calendar.
    public init?(_ n: Int, unit: Substring) {
        let (perUnit, isMonths): (Int, Bool)
        switch unit {
        case "d": (perUnit, isMonths) = (1, false)
        case "w": (perUnit, isMonths) = (7, false)
        case "mo": (perUnit, isMonths) = (1, true)
        case "y": (perUnit, isMonths) = (12, true)
        default: return nil
        }
        let (value, overflow) = n.multipliedReportingOverflow(by: perUnit)
        guard !overflow else { return nil }
        self.init(checkedMonths: isMonths ? value : 0, days: isMonths ? 0 : value)
    }

    /// Parses the literal forms `10d 2w 3mo 1y` (also accepted by imports and options); nil
    /// for anything else, and for a duration longer than the calendar.
    public init?(literal text: String) {
        let digits = text.prefix { $0.isNumber || $0 == "_" }
        guard let n = Int(digits.filter { $0 != "_" }) else { return nil }
        self.init(n, unit: text.dropFirst(digits.count))
    }

    /// Whether it prints in weeks: weeks read well for cadences (2w); long spans read better in
    /// days (357d).
    public var printsInWeeks: Bool { months == 0 && days != 0 && days % 7 == 0 && days.magnitude <= 70 }

    /// The shortest literal that reads back as this duration: `3mo`, `2w`, `1y2mo`, `10d`.
    public var description: String {
        if months == 0 && days == 0 { return "0d" }
        var parts: [String] = []
        if months != 0 {
            if months % 12 == 0 { parts.append("\(months / 12)y") } else { parts.append("\(months)mo") }
        }
        if days != 0 {
            if printsInWeeks { parts.append("\(days / 7)w") } else { parts.append("\(days)d") }
        }
        // 1y - 1d, not 1y + -1d.
        if parts.count == 2, days < 0 { return parts[0] + " - " + parts[1].dropFirst() }
        return parts.joined(separator: " + ")
    }
}

/// How far a relationship has come: a collected card, they know you, they trust you, mutually rewarding.
public enum Stage: Int, CaseIterable, Comparable, Sendable, CustomStringConvertible {
    case contact = 1, visibility, credibility, profitability
    public init?(name: String) {
        guard let s = Stage.allCases.first(where: { $0.description == name.lowercased() }) else { return nil }
        self = s
    }
    public static func < (a: Stage, b: Stage) -> Bool { a.rawValue < b.rawValue }
    public var description: String {
        switch self {
        case .contact: return "contact"
        case .visibility: return "visibility"
        case .credibility: return "credibility"
        case .profitability: return "profitability"
        }
    }
}
