import Foundation
import Testing

@testable import TendCore

/// Dates run from 0001-01-01 to 9999-12-31 and durations up to 9999 years: every value the
/// language makes is checked, so no input reaches a Swift trap (Int overflow) and no date
/// past 9999-12-31 is ever stored (it read back as 1970-01-01).
@Suite struct CalendarTests {
    static let extremes: [Int] = [
        0, 1, -1, 7, 12, 28, 365, 3_652_058, 3_652_059, 119_988, 119_989, Int(Int32.max), Int(Int32.min), Int.max, Int.min, Int.max / 7,
        Int.max / 12 + 1, Int.min + 1,
    ]

    @Test func theCalendarsEnds() {
        #expect(Day.first.description == "0001-01-01")
        #expect(Day.last.description == "9999-12-31")
        #expect(Day(iso: "0000-12-31") == nil)
        #expect(Day(iso: "9999-12-31") == Day.last)
        #expect(Day(iso: "10000-01-01") == nil)
        #expect(Day(checkedOrdinal: Day.last.ordinal + 1) == nil)
        #expect(Day(checkedOrdinal: Day.first.ordinal - 1) == nil)
        #expect(Day(checkedOrdinal: Int.max) == nil && Day(checkedOrdinal: Int.min) == nil)
        #expect(Day.last.adding(checked: Duration(days: 1)) == nil)
        #expect(Day.first.adding(checked: Duration(months: -1)) == nil)
        #expect(Day(iso: "2026-01-31")!.adding(checked: Duration(months: 1))?.description == "2026-02-28")
        #expect(Day(iso: "9999-12-15")!.adding(checked: Duration(months: 1, days: -30))?.description == "9999-12-16")
    }

    /// Every pair of extreme months and days, added to the ends of the calendar and to today:
    /// the checked sum is on the calendar or nil, the saturating one always on the calendar, and
    /// neither traps.
    @Test func addingNeverTraps() {
        for base in [Day.first, Day.last, testToday, Day(ordinal: Int.max / 2), Day(ordinal: Int.min / 2)] {
            for months in Self.extremes + Self.extremes.map({ $0 / -2 }) {
                for days in Self.extremes {
                    let d = Duration(months: months, days: days)
                    if let sum = base.adding(checked: d) {
                        #expect(sum.isOnCalendar && d.isOnCalendar && base.isOnCalendar)
                    }
                    #expect(base.adding(d).isOnCalendar)
                }
            }
        }
    }

    /// A period's year is written in four digits, as dates are (`999-Q2` for 0999-05-01).
    @Test func periodLabelsHaveFourDigitYears() throws {
        let day = try #require(Day(year: 999, month: 5, day: 1))
        #expect(day.label(of: .quarter) == "0999-Q2")
        #expect(day.label(of: .month) == "0999-05")
        #expect(day.label(of: .year) == "0999")
        #expect(day.label(of: .week) == "0999-W18")
        #expect(Day.first.label(of: .year) == "0001" && Day.first.label(of: .week) == "0001-W01")
    }

    @Test func periodsAtTheEnds() throws {
        #expect(Day.first.start(of: .week) == Day.first)  // 0001-01-01 is a Monday
        #expect(Day.last.end(of: .week) == nil)  // 9999-12-31 is a Friday
        for p in Day.Period.allCases {
            #expect(Day.first.start(of: p) == Day.first)
            _ = Day.last.label(of: p)
            if p != .week { #expect(Day.last.end(of: p) == Day.last) }
        }
        var seed: UInt64 = 42
        for _ in 0..<2_000 {
            seed = seed &* 6364136223846793005 &+ 1442695040888963407
            let day = Day(ordinal: Day.first.ordinal + Int(seed >> 33) % (Day.last.ordinal - Day.first.ordinal + 1))
            for p in Day.Period.allCases {
                guard let start = day.start(of: p), let end = day.end(of: p) else { continue }
                #expect(start <= day && day <= end, "\(day) \(p)")
                if let next = end.adding(checkedDays: 1) { #expect(next.start(of: p) == next) }
            }
        }
    }

    @Test func durationsParseWithinTheCalendar() {
        for (text, months, days) in [
            ("9999y", 119_988, 0), ("119988mo", 119_988, 0), ("3652058d", 0, 3_652_058), ("521722w", 0, 3_652_054), ("2w", 0, 14),
        ] {
            #expect(Duration(literal: text) == Duration(months: months, days: days), "\(text)")
        }
        for text in [
            "10000y", "119989mo", "3652059d", "521723w", "9223372036854775807d", "9223372036854775807w", "1537228672809129302y",
            "99999999999999999999d", "-1d", "d", "3.5d",
        ] {
            #expect(Duration(literal: text) == nil, "\(text)")
        }
    }

    @Test func scalingAndConvertingDecimals() {
        let nasty: [Decimal] = [
            Decimal(Int64.max), Decimal(Int64.min), Decimal(string: "1e100")!, Decimal(string: "-1e100")!, Decimal(string: "1e-100")!, .nan,
            Decimal(string: "9.3e18")!, Decimal(string: "999999999999999999.5")!, 0,
        ]
        for k in nasty {
            for d in [Duration(months: 1), Duration(days: 1), Duration(months: 119_988, days: -3_652_058), Duration(months: Int.max)] {
                if let r = d.scaled(by: k) { #expect(r.isOnCalendar) }
                if let r = d.divided(by: k) { #expect(r.isOnCalendar) }
            }
        }
        #expect(Decimal(Int64.max).exactInt == nil)
        #expect(Decimal(string: "9.3e18")!.exactInt == nil)
        #expect(Decimal(string: "999999999999999999")!.exactInt == 999_999_999_999_999_999)
        #expect(Decimal(string: "-42")!.exactInt == -42)
        #expect(Decimal(string: "2.5")!.exactInt == nil)
        #expect(Decimal.nan.exactInt == nil)
        #expect(Value.number(Decimal(string: "1e100")!).intValue == nil)
    }

    /// Each way the language makes a date, a duration or a number past its range: a located
    /// run-time error (or, for a literal, a located syntax error), never a trap.
    @Test(
        arguments: [
            ("9223372036854775807d", "this duration is off the calendar", 1, 1),
            ("print 2026-01-01 + 999999y", "this duration is off the calendar", 1, 20),
            ("print 9999-12-31 + 1d", "this date is off the calendar", 1, 7),
            ("print 0001-01-01 - 1d", "this date is off the calendar", 1, 7),
            ("print 1d + 2026-01-01 + 8000y", "this date is off the calendar", 1, 7),
            ("print 9999y + 1y", "this duration is off the calendar", 1, 7),
            ("print 3652058d - -1d", "this duration is off the calendar", 1, 7),
            ("print 9999y * 2", "this duration is off the calendar", 1, 7),
            ("print 1d * 99999999999999999999", "this duration is off the calendar", 1, 7),
            ("print 1d * -9223372036854775808", "this duration is off the calendar", 1, 7),
            ("print 1000000d * 1.5 * 3", "this duration is off the calendar", 1, 7),
            ("print 1d / 0.0000000000000000000000001", "this duration is off the calendar", 1, 7),
            ("print sum([9999y, 1y])", "this duration is off the calendar", 1, 7),
            ("print end_of(week, 9999-12-31)", "this date is off the calendar", 1, 7),
            ("print tomorrow + 0d", "this date is off the calendar", 1, 7),
            ("let big = 99999999999999999999999999999999999999\nprint big * big * big * big * big", "this result needs more than the 38 digits", 2, 7),
            (
                "print sum([99999999999999999999999999999999999999 * 99999999999999999999999999999999999999 * 99999999999999999999999999999999999999, 99999999999999999999999999999999999999 * 99999999999999999999999999999999999999 * 99999999999999999999999999999999999999]) * 99999999999999999999999999999999999999 * 99999999999999999999999999999999999999",
                "this result needs more than the 38 digits", 1, 12
            ),
        ] as [(String, String, Int, Int)])
    func outOfRangeIsALocatedError(_ text: String, _ message: String, _ line: Int, _ column: Int) throws {
        let h = Harness(today: Day.last)
        do {
            try h.run(text)
            Issue.record("no error for \(text)")
        } catch let d as Diagnostic {
            #expect(d.message.hasPrefix(message), "\(text): \(d.message)")
            #expect(d.lineColumn == (line, column), "\(text): \(d.message) at \(d.lineColumn)")
        }
    }

    /// Statements that would store a date past the calendar fail before anything is stored.
    @Test func nothingOffTheCalendarIsStored() throws {
        let h = Harness()
        try h.run("add \"Ann Lee\"")
        for text in [
            "set @ann-lee next_due: 9999-12-31 + 1d", "snooze @ann-lee 9999y", "add \"Bo Kim\" created: 9999-12-31 + 1d",
            "log call with @ann-lee on 0001-01-01 - 1d", "set @ann-lee stage: visibility on 9999-12-31 + 1d",
        ] {
            #expect(throws: Diagnostic.self, "\(text)") { try h.run(text) }
        }
        #expect(h.model.data.contacts.count == 1)
        #expect(h.model.data.contacts[0].nextDue == nil && h.model.data.contacts[0].snoozedUntil == nil)
        #expect(h.model.data.interactions.isEmpty && h.model.data.stageChanges.isEmpty)
    }

    /// Random arithmetic over extreme values of every kind: each result is a value (every date
    /// and duration on the calendar) or a worded error; a trap would end the test run.
    @Test func randomArithmeticNeverTraps() throws {
        let h = Harness()
        let atoms = [
            "9999-12-31", "0001-01-01", "today", "3652058d", "9999y", "119988mo", "521722w", "1mo", "0d", "99999999999999999999999999999999999999",
            "0.0000000000000000000000000000000000001", "-1", "0", "2.5", "1000000", "days(9999y)", "start_of(year)", "end_of(quarter, 9999-12-31)",
        ]
        let ops = ["+", "-", "*", "/", "%"]
        var seed: UInt64 = 7
        func next(_ n: Int) -> Int {
            seed = seed &* 6364136223846793005 &+ 1442695040888963407
            return Int(seed >> 33) % n
        }
        for _ in 0..<3_000 {
            var text = atoms[next(atoms.count)]
            for _ in 0..<(1 + next(3)) { text = "(\(text)) \(ops[next(ops.count)]) \(atoms[next(atoms.count)])" }
            for wrapped in [text, "round(\(text), \(atoms[next(atoms.count)]))", "days(\(text))", "start_of(month, \(text))"] {
                do {
                    let v = try h.value(wrapped)
                    if case .date(let d) = v { #expect(d.isOnCalendar, "\(wrapped)") }
                    if case .duration(let d) = v { #expect(d.isOnCalendar, "\(wrapped)") }
                    if case .number(let n) = v { #expect(!n.isNaN, "\(wrapped)") }
                } catch is Diagnostic {}
            }
        }
    }
}
