import Foundation
import TendCore

/// Turns calendar times into instants and into dates where the user is.
///
/// A TZID is looked up, in this order: as a zone name Foundation knows (`Europe/Berlin`); by
/// its trailing parts, for the prefixed names older Thunderbird and Lightning write
/// (`/mozilla.org/20050126_1/America/New_York`); by the file's own VTIMEZONE, which is how
/// Outlook's Windows names (`W. Europe Standard Time`) are read; then by Windows' own name for
/// the zone when the file defines none (`Pacific Standard Time`, from the CLDR's table of
/// Windows zones); then by the offset of a display name (`(UTC-05:00) Eastern Time (US &
/// Canada)`, read as that fixed offset). A zone found nowhere is read as floating: the wall time
/// as written.
final class CalendarZones {
    /// The user's zone: timed events are dated by the user's calendar day.
    let user: SystemZone
    private let definitions: [String: ICalendar.ZoneDefinition]
    private var resolved: [String: Zone] = [:]

    enum Zone {
        case system(SystemZone)
        case defined(DefinedZone)
        case unknown
    }

    init(user: TimeZone, definitions: [String: ICalendar.ZoneDefinition]) {
        self.user = SystemZone(user)
        self.definitions = definitions
    }

    func zone(_ id: String) -> Zone {
        if let z = resolved[id] { return z }
        var found = Zone.unknown
        if let tz = TimeZone(identifier: id) {
            found = .system(SystemZone(tz))
        } else if let tz = Self.trailingName(id) {
            found = .system(SystemZone(tz))
        } else if let d = definitions[id] {
            found = .defined(DefinedZone(d))
        } else if let name = Self.windowsZones[id], let tz = TimeZone(identifier: name) {
            found = .system(SystemZone(tz))
        } else if let tz = Self.displayOffset(id) {
            found = .system(SystemZone(tz))
        }
        resolved[id] = found
        return found
    }

    /// Windows' zone names as Outlook and Exchange write them without a VTIMEZONE, for the zones
    /// most calendars are kept in, to the zone the CLDR maps each to.
    static let windowsZones: [String: String] = [
        "Hawaiian Standard Time": "Pacific/Honolulu", "Alaskan Standard Time": "America/Anchorage",
        "Pacific Standard Time": "America/Los_Angeles", "US Mountain Standard Time": "America/Phoenix",
        "Mountain Standard Time": "America/Denver", "Central Standard Time": "America/Chicago",
        "Canada Central Standard Time": "America/Regina", "Central America Standard Time": "America/Guatemala",
        "Central Standard Time (Mexico)": "America/Mexico_City", "Eastern Standard Time": "America/New_York",
        "SA Pacific Standard Time": "America/Bogota", "Atlantic Standard Time": "America/Halifax",
        "Newfoundland Standard Time": "America/St_Johns", "E. South America Standard Time": "America/Sao_Paulo",
        "Argentina Standard Time": "America/Argentina/Buenos_Aires", "UTC": "UTC", "GMT Standard Time": "Europe/London",
        "Greenwich Standard Time": "Atlantic/Reykjavik", "W. Europe Standard Time": "Europe/Berlin",
        "Romance Standard Time": "Europe/Paris", "Central Europe Standard Time": "Europe/Budapest",
        "Central European Standard Time": "Europe/Warsaw", "W. Central Africa Standard Time": "Africa/Lagos",
        "Morocco Standard Time": "Africa/Casablanca", "GTB Standard Time": "Europe/Bucharest",
        "FLE Standard Time": "Europe/Kiev", "E. Europe Standard Time": "Europe/Chisinau", "Egypt Standard Time": "Africa/Cairo",
        "South Africa Standard Time": "Africa/Johannesburg", "Israel Standard Time": "Asia/Jerusalem",
        "Turkey Standard Time": "Europe/Istanbul", "Russian Standard Time": "Europe/Moscow", "Arab Standard Time": "Asia/Riyadh",
        "Iran Standard Time": "Asia/Tehran", "Arabian Standard Time": "Asia/Dubai", "Pakistan Standard Time": "Asia/Karachi",
        "India Standard Time": "Asia/Kolkata", "SE Asia Standard Time": "Asia/Bangkok", "China Standard Time": "Asia/Shanghai",
        "Singapore Standard Time": "Asia/Singapore", "Taipei Standard Time": "Asia/Taipei", "Tokyo Standard Time": "Asia/Tokyo",
        "Korea Standard Time": "Asia/Seoul", "W. Australia Standard Time": "Australia/Perth",
        "Cen. Australia Standard Time": "Australia/Adelaide", "E. Australia Standard Time": "Australia/Brisbane",
        "AUS Eastern Standard Time": "Australia/Sydney", "New Zealand Standard Time": "Pacific/Auckland",
    ]

    /// `(UTC-05:00) Eastern Time (US & Canada)` → a zone of that fixed offset (summer time is
    /// not in the name; an hour off in summer beats the wall time read as the user's own).
    static func displayOffset(_ id: String) -> TimeZone? {
        let scalars = Array(id.utf8)
        guard scalars.count >= 11, id.hasPrefix("(UTC"), scalars[10] == UInt8(ascii: ")"), scalars[7] == UInt8(ascii: ":"),
            scalars[4] == UInt8(ascii: "+") || scalars[4] == UInt8(ascii: "-"),
            let hours = Int(String(decoding: scalars[5..<7], as: UTF8.self)),
            let minutes = Int(String(decoding: scalars[8..<10], as: UTF8.self)), hours <= 14, minutes < 60
        else { return nil }
        let seconds = (hours * 3600 + minutes * 60) * (scalars[4] == UInt8(ascii: "-") ? -1 : 1)
        return TimeZone(secondsFromGMT: seconds)
    }

    /// `/mozilla.org/20050126_1/America/New_York` → America/New_York: the longest run of trailing
    /// parts that is a zone name, or a Windows one (Outlook.com's `tzone://Microsoft/Utc`).
    private static func trailingName(_ id: String) -> TimeZone? {
        let parts = id.split(separator: "/")
        guard parts.count > 1 else { return nil }
        for n in stride(from: parts.count - 1, through: 1, by: -1) {
            let name = parts.suffix(n).joined(separator: "/")
            let windows = windowsZones[name] ?? (["UTC", "GMT"].contains(name.uppercased()) ? "UTC" : nil)
            if let tz = TimeZone(identifier: name) ?? windows.flatMap(TimeZone.init(identifier:)) { return tz }
        }
        return nil
    }

    /// Seconds east of UTC in force at an instant.
    func offset(_ zone: Zone, atUTC u: Int) -> Int? {
        switch zone {
        case .system(let z): return z.offset(atUTC: u)
        case .defined(let d): return d.offset(atUTC: u)
        case .unknown: return nil
        }
    }

    /// The instant (seconds since 1970 UTC) of a time; nil for all-day and floating times, and for unknown zones.
    func instant(_ t: CalendarTime) -> Int? {
        if t.allDay { return nil }
        switch t.zone {
        case .floating: return nil
        case .utc: return t.local.seconds
        case .named(let id):
            let z = zone(id)
            // The offset at the wall time read as UTC is right but near a change of offset; the second look settles it.
            guard let guess = offset(z, atUTC: t.local.seconds), let o = offset(z, atUTC: t.local.seconds - guess) else { return nil }
            return t.local.seconds - o
        }
    }

    /// Where a time falls among a series' occurrences: its instant, or its wall time when it
    /// has none (all-day, floating, an unknown zone).
    func order(_ t: CalendarTime) -> Int { instant(t) ?? t.local.seconds }

    /// The time's date on the user's calendar. All-day and floating times keep their written date,
    /// and so do times in the user's own zone (without a round trip through UTC).
    func userDay(_ t: CalendarTime) -> Day {
        if t.allDay { return t.local.day }
        if case .named(let id) = t.zone, case .system(let z) = zone(id), z.identifier == user.identifier { return t.local.day }
        guard let u = instant(t) else { return t.local.day }
        return LocalTime(seconds: u + user.offset(atUTC: u)).day
    }

    /// A time as the wall clock of `zone` shows it (for UNTIL written in UTC against a start in a named zone).
    func wallTime(_ t: CalendarTime, in zone: CalendarTime.Zone) -> LocalTime {
        guard case .named(let id) = zone, let u = instant(t), let o = offset(self.zone(id), atUTC: u) else { return t.local }
        return LocalTime(seconds: u + o)
    }
}

/// A zone Foundation knows, with the offsets it was asked for kept by UTC day: an import asks for
/// tens of thousands, and Foundation takes a lock for each.
final class SystemZone {
    let zone: TimeZone
    let identifier: String
    /// The offset in force through each UTC day (seconds since 1970 / 86,400) that keeps one all day.
    private var byDay: [Int: Int] = [:]

    init(_ zone: TimeZone) {
        self.zone = zone
        identifier = zone.identifier
    }

    func offset(atUTC u: Int) -> Int {
        let day = u >= 0 ? u / 86_400 : (u - 86_399) / 86_400
        if let o = byDay[day] { return o }
        let o = zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(u)))
        // A day the offset changes on is asked of Foundation each time.
        let (first, last) = (day * 86_400, day * 86_400 + 86_399)
        if zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(first))) == o
            && zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(last))) == o
            && zone.nextDaylightSavingTimeTransition(after: Date(timeIntervalSince1970: Double(first))).map({ $0.timeIntervalSince1970 > Double(last) }) ?? true
        {
            byDay[day] = o
        }
        return o
    }
}

/// A zone known only by its VTIMEZONE: the offset at an instant is the TZOFFSETTO of the latest
/// onset at or before it, over every observance's DTSTART, RRULE and RDATE.
final class DefinedZone {
    let definition: ICalendar.ZoneDefinition
    /// The onsets that fall in each UTC year, as (instant, offset after), sorted; filled as years are asked for.
    private var onsets: [Int: [(utc: Int, offset: Int)]] = [:]
    private var base: [Int: Int] = [:]
    private let firstYear: Int
    private let initialOffset: Int

    init(_ definition: ICalendar.ZoneDefinition) {
        self.definition = definition
        let first = definition.observances.min { $0.start < $1.start }
        firstYear = first?.start.day.year ?? 1970
        initialOffset = first?.offsetFrom ?? 0
    }

    func offset(atUTC u: Int) -> Int {
        let year = LocalTime(seconds: u).day.year
        if let last = onsets(in: year).last(where: { $0.utc <= u }) { return last.offset }
        return offset(atStartOf: year)
    }

    /// The offset in force when a UTC year begins: the last onset of an earlier year.
    private func offset(atStartOf year: Int) -> Int {
        if let b = base[year] { return b }
        var y = year - 1
        var found = initialOffset
        while y >= firstYear - 1 {
            if let b = base[y + 1] {
                found = b
                break
            }
            if let last = onsets(in: y).last {
                found = last.offset
                break
            }
            y -= 1
        }
        base[year] = found
        return found
    }

    private func onsets(in year: Int) -> [(utc: Int, offset: Int)] {
        if let o = onsets[year] { return o }
        guard year >= firstYear - 1, year <= 9998, let from = Day(year: max(year - 1, 1), month: 1, day: 1),
            let through = Day(year: year + 1, month: 12, day: 31)
        else { return [] }
        var out: [(utc: Int, offset: Int)] = []
        for o in definition.observances {
            func add(_ local: LocalTime) {
                let utc = local.seconds - o.offsetFrom
                if LocalTime(seconds: utc).day.year == year { out.append((utc, o.offsetTo)) }
            }
            if o.start.day >= from && o.start.day <= through { add(o.start) }
            for d in o.dates where d.day >= from && d.day <= through { add(d) }
            // Clocks change a few times a year, at one time of day: a rule that repeats more often
            // than monthly or lists times is no zone's (`FREQ=SECONDLY` from 1601 would walk for
            // hours) and is left out.
            for rule in o.rules
            where rule.frequency >= .monthly && rule.byHour.count <= 1 && rule.byMinute.count <= 1 && rule.bySecond.count <= 1 {
                // UNTIL is in UTC in a VTIMEZONE; the onsets are in the wall time before them.
                let until = rule.until.map { $0.zone == .utc ? LocalTime(seconds: $0.local.seconds + o.offsetFrom) : $0.local }
                _ = rule.occurrences(after: o.start, allDay: false, until: until, through: through, from: from) { t in
                    if t.day >= from { add(t) }
                    return true
                }
            }
        }
        out.sort { $0.utc < $1.utc }
        onsets[year] = out
        return out
    }
}
