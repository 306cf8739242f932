import TendCore

/// A wall-clock time, in no particular zone: seconds since 1970-01-01T00:00 as the clock on the
/// wall reads them. Recurrences are expanded in the wall time of their start ("every Monday at 9"
/// stays at 9 across a daylight-saving change); zones are applied to each occurrence afterwards.
public struct LocalTime: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var seconds: Int

    public init(seconds: Int) { self.seconds = seconds }
    public init(day: Day, time: Int = 0) { seconds = day.ordinal * 86_400 + time }

    public var day: Day { Day(ordinal: seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400) }
    /// Seconds since midnight, 0 ..< 86,400.
    public var time: Int { seconds - day.ordinal * 86_400 }

    public static func < (a: LocalTime, b: LocalTime) -> Bool { a.seconds < b.seconds }

    /// `20260310T090000`, the iCalendar form (written for every occurrence's source id, so digit by digit).
    public var description: String { Self.digits(day, time: time) }

    /// `20260310`, or with a time `20260310T090000`.
    static func digits(_ day: Day, time: Int?) -> String {
        let p = day.parts
        var out: [UInt8] = []
        out.reserveCapacity(15)
        func put(_ n: Int, _ width: Int) {
            var d = 1
            for _ in 1..<width { d *= 10 }
            while d > 0 {
                out.append(UInt8(48 + n / d % 10))
                d /= 10
            }
        }
        put(p.year, 4)
        put(p.month, 2)
        put(p.day, 2)
        if let time {
            out.append(UInt8(ascii: "T"))
            put(time / 3600, 2)
            put(time / 60 % 60, 2)
            put(time % 60, 2)
        }
        return String(decoding: out, as: UTF8.self)
    }
}

/// A recurrence rule (RFC 5545 §3.3.10), such as `FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,WE;UNTIL=20261231T235959Z`.
public struct RecurrenceRule: Hashable, Sendable {
    public enum Frequency: Int, Comparable, Sendable, CaseIterable {
        case secondly, minutely, hourly, daily, weekly, monthly, yearly
        public static func < (a: Frequency, b: Frequency) -> Bool { a.rawValue < b.rawValue }
        var name: String { ["SECONDLY", "MINUTELY", "HOURLY", "DAILY", "WEEKLY", "MONTHLY", "YEARLY"][rawValue] }
        /// The length of one period in seconds, for the frequencies shorter than a day.
        var seconds: Int { [1, 60, 3600][min(rawValue, 2)] }
    }

    /// A BYDAY entry: `MO` (every Monday of the period), `2TU` (the second Tuesday), `-1FR` (the last Friday).
    public struct WeekdayNumber: Hashable, Sendable {
        /// 0 for every such weekday of the period; otherwise the position from the start (or, negative, from the end).
        public var n: Int
        /// 1 = Monday … 7 = Sunday, as `Day.weekday`.
        public var weekday: Int
    }

    public var frequency: Frequency
    public var interval = 1
    public var count: Int?
    public var until: CalendarTime?
    public var bySecond: [Int] = []
    public var byMinute: [Int] = []
    public var byHour: [Int] = []
    public var byDay: [WeekdayNumber] = []
    public var byMonthDay: [Int] = []
    public var byYearDay: [Int] = []
    public var byWeekNo: [Int] = []
    public var byMonth: [Int] = []
    public var bySetPos: [Int] = []
    /// The day weeks start on (WKST), 1 = Monday.
    public var weekStart = 1

    /// The two-letter weekday names in `Day.weekday` order.
    static let weekdays = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]

    /// No calendar repeats less often than every 10,000 periods; the cap keeps date arithmetic in range.
    static let maximumInterval = 10_000

    /// Reads a rule's value; a part it does not know (an `X-` extension) is left out, a bad one is an error.
    public init(parsing text: String) throws(CalendarValueError) {
        var frequency: Frequency?
        var rule = RecurrenceRule(frequency: .daily)
        for part in text.split(separator: ";", omittingEmptySubsequences: true) {
            guard let eq = part.firstIndex(of: "=") else { throw CalendarValueError("\"\(part)\" is not NAME=VALUE") }
            let name = part[..<eq].uppercased()
            let value = String(part[part.index(after: eq)...]).uppercased()
            switch name {
            case "FREQ":
                guard let f = Frequency.allCases.first(where: { $0.name == value }) else {
                    throw CalendarValueError("FREQ=\(value) is not a frequency")
                }
                frequency = f
            case "INTERVAL": rule.interval = try Self.number(value, name, in: 1...Self.maximumInterval)
            case "COUNT": rule.count = try Self.number(value, name, in: 1...Int(Int32.max))
            case "UNTIL": rule.until = try CalendarTime(parsing: value, zone: nil)
            case "BYSECOND": rule.bySecond = try Self.numbers(value, name, in: 0...60, signed: false)
            case "BYMINUTE": rule.byMinute = try Self.numbers(value, name, in: 0...59, signed: false)
            case "BYHOUR": rule.byHour = try Self.numbers(value, name, in: 0...23, signed: false)
            case "BYMONTHDAY": rule.byMonthDay = try Self.numbers(value, name, in: 1...31, signed: true)
            case "BYYEARDAY": rule.byYearDay = try Self.numbers(value, name, in: 1...366, signed: true)
            case "BYWEEKNO": rule.byWeekNo = try Self.numbers(value, name, in: 1...53, signed: true)
            case "BYMONTH": rule.byMonth = try Self.numbers(value, name, in: 1...12, signed: false)
            case "BYSETPOS": rule.bySetPos = try Self.numbers(value, name, in: 1...366, signed: true)
            case "BYDAY":
                rule.byDay = []
                for item in value.split(separator: ",") { rule.byDay.append(try Self.weekdayNumber(String(item))) }
            case "WKST":
                guard let w = Self.weekdays.firstIndex(of: value) else { throw CalendarValueError("WKST=\(value) is not a weekday") }
                rule.weekStart = w + 1
            default: continue
            }
        }
        guard let frequency else { throw CalendarValueError("the rule has no FREQ") }
        rule.frequency = frequency
        self = rule
    }

    init(frequency: Frequency) { self.frequency = frequency }

    private static func number(_ text: String, _ name: String, in range: ClosedRange<Int>) throws(CalendarValueError) -> Int {
        guard let n = Int(text), range.contains(n) else { throw CalendarValueError("\(name)=\(text) is not a number in \(range)") }
        return n
    }

    /// A list such as `1,15,-1`: each in `range`, or its negative when `signed` (counted from the end).
    private static func numbers(_ text: String, _ name: String, in range: ClosedRange<Int>, signed: Bool) throws(CalendarValueError) -> [Int] {
        var out: [Int] = []
        for item in text.split(separator: ",") {
            guard let n = Int(item), range.contains(signed ? abs(n) : n) else {
                throw CalendarValueError("\(name)=\(text): \(item) is not in \(signed ? "±" : "")\(range)")
            }
            if !out.contains(n) { out.append(n) }
        }
        return out
    }

    /// `MO`, `+2TU`, `-1FR`.
    private static func weekdayNumber(_ text: String) throws(CalendarValueError) -> WeekdayNumber {
        guard text.count >= 2, let w = weekdays.firstIndex(of: String(text.suffix(2))) else {
            throw CalendarValueError("BYDAY \(text) is not a weekday such as MO or -1FR")
        }
        let prefix = text.dropLast(2)
        guard prefix.isEmpty else {
            guard let n = Int(prefix.hasPrefix("+") ? prefix.dropFirst() : prefix), n != 0, abs(n) <= 53 else {
                throw CalendarValueError("BYDAY \(text): the position must be 1 to 53 or -1 to -53")
            }
            return WeekdayNumber(n: n, weekday: w + 1)
        }
        return WeekdayNumber(n: 0, weekday: w + 1)
    }
}

/// A value of an iCalendar property that cannot be read, worded for the import report.
public struct CalendarValueError: Error, CustomStringConvertible, Sendable {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

// MARK: - Expansion

extension RecurrenceRule {
    /// How many periods one rule may walk through, each costing its instances (at least one):
    /// 50,000 covers a daily event since 1890 or an hourly one for five years. A rule that needs
    /// more (every minute since 2020, every second of every day) is a mistake or hostile input;
    /// its expansion stops there and the caller reports it as cut short. One such series leaves
    /// the import's shared budget (`TouchImporter.periodBudget`) to the others.
    static let periodLimit = 50_000

    /// Calls `visit` with each occurrence after `start`, in order, through `horizon`, while
    /// `visit` returns true. `start` itself (DTSTART) is the first occurrence and the caller's to
    /// count: COUNT includes it. `until` is UNTIL already turned into the start's wall time.
    /// `from`, when the rule has no COUNT, lets the walk begin at the period that holds that day.
    /// Returns false when the period limit cut the expansion short.
    public func occurrences(
        after start: LocalTime, allDay: Bool, until: LocalTime?, through horizon: Day, from: Day? = nil,
        _ visit: (LocalTime) -> Bool
    ) -> Bool {
        var budget = Self.periodLimit
        return occurrences(after: start, allDay: allDay, until: until, through: horizon, from: from, budget: &budget, visit)
    }

    /// The same, walking at most `budget` periods (and at most the period limit), and taking
    /// those it walks from `budget`: an import shares one budget among all its rules.
    public func occurrences(
        after start: LocalTime, allDay: Bool, until: LocalTime?, through horizon: Day, from: Day? = nil, budget: inout Int,
        _ visit: (LocalTime) -> Bool
    ) -> Bool {
        var remaining = count.map { $0 - 1 }
        if let r = remaining, r <= 0 { return true }
        let walk = RuleWalk(rule: self, start: start, allDay: allDay)
        var k = count == nil ? from.map { walk.firstPeriod(near: $0) } ?? 0 : 0
        let limit = min(budget, Self.periodLimit)
        var walked = 0
        defer { budget -= walked }
        while walked < limit {
            guard let period = walk.period(k) else { return true }
            if period.first > horizon { return true }
            // A period holding more instances than are left (every second of every day of a
            // yearly rule) is not even listed.
            guard let (instances, candidates) = walk.instances(in: period, atMost: limit - walked) else {
                walked = limit
                return false
            }
            walked += max(1, candidates)
            for t in instances where t > start {
                if let until, t > until { return true }
                if t.day > horizon || !visit(t) { return true }
                if let r = remaining {
                    if r <= 1 { return true }
                    remaining = r - 1
                }
            }
            k += 1
        }
        return false
    }
}

/// One rule prepared for walking from one start: the defaults that DTSTART supplies filled in
/// (a plain `FREQ=MONTHLY` repeats on DTSTART's day of the month), and the period arithmetic.
///
/// Each period (a year, month, week, day, hour, minute or second, INTERVAL apart) gives its
/// candidate days; every BY part then keeps the days and times that match it, which is how
/// RFC 5545's "expand" and "limit" columns come out (BYDAY expands a week but limits a day:
/// a day is one candidate, a week seven); BYSETPOS picks from what is left, in order.
struct RuleWalk {
    var rule: RecurrenceRule
    let start: LocalTime
    let allDay: Bool
    /// The start's year, month, day and weekday.
    let startParts: (year: Int, month: Int, day: Int)

    struct Period {
        /// The first candidate day (for the horizon check) and, for frequencies shorter than a day, the instant.
        var first: Day
        var days: [Day]
        var instant: LocalTime?
    }

    init(rule: RecurrenceRule, start: LocalTime, allDay: Bool) {
        self.rule = rule
        self.start = start
        self.allDay = allDay
        startParts = start.day.parts
        if rule.byWeekNo.isEmpty && rule.byYearDay.isEmpty && rule.byMonthDay.isEmpty && rule.byDay.isEmpty {
            switch rule.frequency {
            case .yearly:
                if self.rule.byMonth.isEmpty { self.rule.byMonth = [startParts.month] }
                self.rule.byMonthDay = [startParts.day]
            case .monthly: self.rule.byMonthDay = [startParts.day]
            case .weekly: self.rule.byDay = [.init(n: 0, weekday: start.day.weekday)]
            default: break
            }
        }
        self.rule.byMonth.sort()
    }

    /// A period index at or just before the one that holds `day`, so that skipping to it loses nothing.
    func firstPeriod(near day: Day) -> Int {
        let p = day.parts
        let units: Int
        switch rule.frequency {
        case .yearly: units = p.year - startParts.year - 1
        case .monthly: units = (p.year - startParts.year) * 12 + p.month - startParts.month - 1
        case .weekly: units = (day.ordinal - start.day.ordinal) / 7 - 1
        case .daily: units = day.ordinal - start.day.ordinal - 1
        default: units = (LocalTime(day: day).seconds - start.seconds) / rule.frequency.seconds - 1
        }
        return max(0, units / rule.interval)
    }

    /// The k-th period from the start's, or nil past the end of the calendar (year 9999).
    func period(_ k: Int) -> Period? {
        let step = k * rule.interval
        switch rule.frequency {
        case .yearly:
            let year = startParts.year + step
            guard year <= 9999, let jan1 = Day(year: year, month: 1, day: 1) else { return nil }
            let months = rule.byMonth.isEmpty ? Array(1...12) : rule.byMonth
            return Period(first: jan1, days: months.flatMap { daysOf(year: year, month: $0) })
        case .monthly:
            let index = startParts.year * 12 + startParts.month - 1 + step
            let (year, month) = (index / 12, index % 12 + 1)
            guard year <= 9999, let first = Day(year: year, month: month, day: 1) else { return nil }
            return Period(first: first, days: daysOf(year: year, month: month))
        case .weekly:
            let offset = (start.day.weekday - rule.weekStart + 7) % 7
            let first = Day(ordinal: start.day.ordinal - offset + 7 * step)
            guard first.year <= 9999 else { return nil }
            return Period(first: first, days: (0..<7).map { first.adding(days: $0) })
        case .daily:
            let day = start.day.adding(days: step)
            guard day.year <= 9999 else { return nil }
            return Period(first: day, days: [day])
        default:
            let instant = LocalTime(seconds: start.seconds + step * rule.frequency.seconds)
            guard instant.day.year <= 9999 else { return nil }
            return Period(first: instant.day, days: [instant.day], instant: instant)
        }
    }

    private func daysOf(year: Int, month: Int) -> [Day] {
        guard let first = Day(year: year, month: month, day: 1) else { return [] }
        return (0..<Day.daysIn(year: year, month: month)).map { first.adding(days: $0) }
    }

    /// The occurrences of one period, in order, before BYSETPOS picks and after every BY filter.
    /// The period's instances in order, with how many candidates they were picked from (BYSETPOS
    /// keeps a few of them); nil when there would be more than `atMost` candidates.
    func instances(in period: Period, atMost: Int) -> (instances: [LocalTime], candidates: Int)? {
        let days = period.days.filter(matches)
        if days.isEmpty { return ([], 0) }
        let times = allDay ? [0] : self.times(in: period)
        if days.count * times.count > atMost { return nil }
        return (picked(days, times), days.count * times.count)
    }

    private func picked(_ days: [Day], _ times: [Int]) -> [LocalTime] {
        var out: [LocalTime] = []
        out.reserveCapacity(days.count * times.count)
        for d in days { for t in times { out.append(LocalTime(day: d, time: t)) } }
        guard !rule.bySetPos.isEmpty else { return out }
        var chosen = Set<Int>()
        for p in rule.bySetPos {
            let i = p > 0 ? p - 1 : out.count + p
            if out.indices.contains(i) { chosen.insert(i) }
        }
        return chosen.sorted().map { out[$0] }
    }

    /// The times of day: units shorter than the frequency come from BYHOUR, BYMINUTE, BYSECOND
    /// (or the start's); the period's own unit, for frequencies under a day, must match them.
    private func times(in period: Period) -> [Int] {
        let f = rule.frequency
        let fixed = period.instant?.time ?? start.time
        func unit(_ by: [Int], _ own: RecurrenceRule.Frequency, _ value: Int) -> [Int] {
            if f > own { return by.isEmpty ? [value] : by.sorted() }
            return by.isEmpty || by.contains(value) ? [value] : []
        }
        let hours = unit(rule.byHour, .hourly, fixed / 3600)
        let minutes = unit(rule.byMinute, .minutely, fixed / 60 % 60)
        let seconds = unit(rule.bySecond, .secondly, fixed % 60)
        var out: [Int] = []
        for h in hours { for m in minutes { for s in seconds { out.append(h * 3600 + m * 60 + min(s, 59)) } } }
        return out
    }

    /// Whether a candidate day passes BYMONTH, BYWEEKNO, BYYEARDAY, BYMONTHDAY and BYDAY.
    private func matches(_ day: Day) -> Bool {
        let p = day.parts
        if !rule.byMonth.isEmpty && !rule.byMonth.contains(p.month) { return false }
        if !rule.byWeekNo.isEmpty {
            // A day's week may belong to the year before or after (Jan 1, 2027 is in week 53 of 2026).
            var weekYear = p.year
            if day < week1Start(p.year) { weekYear -= 1 } else if day >= week1Start(p.year + 1) { weekYear += 1 }
            let from = week1Start(weekYear)
            let weeks = (week1Start(weekYear + 1).ordinal - from.ordinal) / 7
            let n = (day.ordinal - from.ordinal) / 7 + 1
            if !rule.byWeekNo.contains(n) && !rule.byWeekNo.contains(n - weeks - 1) { return false }
        }
        let daysInYear = Day.isLeap(p.year) ? 366 : 365
        let dayOfYear = day.ordinal - Day(year: p.year, month: 1, day: 1)!.ordinal + 1
        if !rule.byYearDay.isEmpty && !rule.byYearDay.contains(dayOfYear) && !rule.byYearDay.contains(dayOfYear - daysInYear - 1) {
            return false
        }
        let daysInMonth = Day.daysIn(year: p.year, month: p.month)
        if !rule.byMonthDay.isEmpty && !rule.byMonthDay.contains(p.day) && !rule.byMonthDay.contains(p.day - daysInMonth - 1) {
            return false
        }
        if !rule.byDay.isEmpty {
            let weekday = day.weekday
            // A position counts within the month for monthly rules (and yearly ones limited to
            // months), within the year for other yearly rules, and not at all for the rest.
            let inMonth = rule.frequency == .monthly || (rule.frequency == .yearly && !rule.byMonth.isEmpty)
            let inYear = rule.frequency == .yearly && !inMonth && rule.byWeekNo.isEmpty
            let (index, length) = inMonth ? (p.day, daysInMonth) : (dayOfYear, daysInYear)
            let ok = rule.byDay.contains { w in
                guard w.weekday == weekday else { return false }
                guard w.n != 0, inMonth || inYear else { return true }
                return w.n > 0 ? (index - 1) / 7 + 1 == w.n : -((length - index) / 7 + 1) == w.n
            }
            if !ok { return false }
        }
        return true
    }

    /// The first day of week 1 of a year: the week (starting on WKST) that holds at least four of its days.
    private func week1Start(_ year: Int) -> Day {
        guard let jan1 = Day(year: min(year, 9999), month: 1, day: 1) else { return Day(ordinal: 0) }
        let offset = (jan1.weekday - rule.weekStart + 7) % 7
        let weekStart = jan1.adding(days: -offset)
        return 7 - offset >= 4 ? weekStart : weekStart.adding(days: 7)
    }
}
