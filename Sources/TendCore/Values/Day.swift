/// A calendar date (proleptic Gregorian), stored as days since 1970-01-01.
public struct Day: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var ordinal: Int

    public init(ordinal: Int) { self.ordinal = ordinal }

    /// A date from its parts, or nil when it does not exist (2026-02-30).
    public init?(year: Int, month: Int, day: Int) {
        guard (1...12).contains(month), day >= 1, day <= Day.daysIn(year: year, month: month),
            (1...9999).contains(year)
        else { return nil }
        // Howard Hinnant's days_from_civil.
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        ordinal = era * 146097 + doe - 719468
    }

    /// Parses `YYYY-MM-DD` (read for every dated row, so it works on the bytes).
    public init?(iso text: String) {
        var text = text
        guard let day = text.withUTF8({ Day(isoBytes: $0) }) else { return nil }
        self = day
    }

    /// Parses `YYYY-MM-DD` from UTF-8 bytes (a database column read in place).
    public init?(isoBytes b: UnsafeBufferPointer<UInt8>) {
        guard b.count == 10, b[4] == 45, b[7] == 45 else { return nil }
        func digits(_ range: Range<Int>) -> Int? {
            var n = 0
            for i in range {
                let d = b[i] &- 48
                guard d <= 9 else { return nil }
                n = n * 10 + Int(d)
            }
            return n
        }
        guard let y = digits(0..<4), let m = digits(5..<7), let d = digits(8..<10) else { return nil }
        self.init(year: y, month: m, day: d)
    }

    public var parts: (year: Int, month: Int, day: Int) {
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

    /// Calendar-true addition: months first, clamped to the month's end (Jan 31 + 1mo = Feb 28), then days.
    public func adding(_ d: Duration) -> Day {
        var result = self
        if d.months != 0 {
            let p = parts
            let total = p.year * 12 + (p.month - 1) + d.months
            let y = Int((Double(total) / 12).rounded(.down))
            let m = total - y * 12 + 1
            let clampedYear = min(max(y, 1), 9999)
            result = Day(year: clampedYear, month: m, day: min(p.day, Day.daysIn(year: clampedYear, month: m)))!
        }
        result.ordinal += d.days
        return result
    }
    public func adding(days: Int) -> Day { Day(ordinal: ordinal + days) }

    public static func < (a: Day, b: Day) -> Bool { a.ordinal < b.ordinal }

    public var description: String {
        let p = parts
        func pad(_ n: Int, _ w: Int) -> String {
            let s = String(n)
            return String(repeating: "0", count: max(0, w - s.count)) + s
        }
        return "\(pad(p.year, 4))-\(pad(p.month, 2))-\(pad(p.day, 2))"
    }

    // MARK: - Periods

    public enum Period: String, Sendable, CaseIterable { case week, month, quarter, year }

    /// The first day of the period that holds this date (ISO weeks start on Monday).
    public func start(of period: Period) -> Day {
        let p = parts
        switch period {
        case .week: return Day(ordinal: ordinal - (weekday - 1))
        case .month: return Day(year: p.year, month: p.month, day: 1)!
        case .quarter: return Day(year: p.year, month: ((p.month - 1) / 3) * 3 + 1, day: 1)!
        case .year: return Day(year: p.year, month: 1, day: 1)!
        }
    }
    /// The last day of the period that holds this date.
    public func end(of period: Period) -> Day {
        let s = start(of: period)
        switch period {
        case .week: return s.adding(days: 6)
        case .month: return s.adding(Duration(months: 1)).adding(days: -1)
        case .quarter: return s.adding(Duration(months: 3)).adding(days: -1)
        case .year: return s.adding(Duration(months: 12)).adding(days: -1)
        }
    }
    /// A short name of the period that holds this date: 2026-W47, 2026-11, 2026-Q4, 2026.
    public func label(of period: Period) -> String {
        let p = parts
        switch period {
        case .week:
            // The ISO week-year is the year of the week's Thursday.
            let thursday = Day(ordinal: ordinal - (weekday - 1) + 3)
            let firstThursday = Day(year: thursday.year, month: 1, day: 4)!.start(of: .week).adding(days: 3)
            let week = (thursday.ordinal - firstThursday.ordinal) / 7 + 1
            return "\(thursday.year)-W\(week < 10 ? "0" : "")\(week)"
        case .month: return "\(p.year)-\(p.month < 10 ? "0" : "")\(p.month)"
        case .quarter: return "\(p.year)-Q\((p.month - 1) / 3 + 1)"
        case .year: return "\(p.year)"
        }
    }
}

/// A length of time kept as calendar months and days, so that 1mo after Jan 31 is Feb 28.
public struct Duration: Hashable, Sendable, CustomStringConvertible {
    public var months: Int
    public var days: Int
    public init(months: Int = 0, days: Int = 0) {
        self.months = months
        self.days = days
    }

    /// Length in days for comparisons and `days()`: a month counts 365/12 days, so 1mo > 30d.
    public var approximateDays: Double { Double(months) * 365.0 / 12.0 + Double(days) }

    public static func + (a: Duration, b: Duration) -> Duration { Duration(months: a.months + b.months, days: a.days + b.days) }
    public static prefix func - (a: Duration) -> Duration { Duration(months: -a.months, days: -a.days) }

    /// Parses the literal forms `10d 2w 3mo 1y` (also accepted by imports and options).
    public init?(literal text: String) {
        let digits = text.prefix { $0.isNumber || $0 == "_" }
        guard let n = Int(digits.filter { $0 != "_" }) else { return nil }
        switch text.dropFirst(digits.count) {
        case "d": self.init(days: n)
        case "w": self.init(days: 7 * n)
        case "mo": self.init(months: n)
        case "y": self.init(months: 12 * n)
        default: return nil
        }
    }

    /// The shortest literal that reads back as this duration: `3mo`, `2w`, `1y2mo`, `10d`.
    public var description: String {
        if months == 0 && days == 0 { return "0d" }
        var parts: [String] = []
        if months != 0 {
            if months % 12 == 0 { parts.append("\(months / 12)y") } else { parts.append("\(months)mo") }
        }
        if days != 0 {
            // Weeks read well for cadences (2w); long spans read better in days (357d).
            if days % 7 == 0 && months == 0 && abs(days) <= 70 { parts.append("\(days / 7)w") } else { parts.append("\(days)d") }
        }
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
