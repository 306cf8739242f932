import Foundation
import Testing

@testable import TendCore
@testable import TendInterchange

/// `19970902T090000` → a wall time.
func wall(_ text: String) -> LocalTime { try! CalendarTime(parsing: text, zone: nil).local }

/// A rule's occurrences from a floating start (the start first, as COUNT counts it), through `horizon`.
func expand(_ rule: String, from start: String, through horizon: String = "20991231", limit: Int = 1000) throws -> [String] {
    let r = try RecurrenceRule(parsing: rule)
    let s = wall(start)
    var out = [s]
    let complete = r.occurrences(after: s, allDay: start.count == 8, until: r.until.map(\.local), through: wall(horizon).day) { t in
        out.append(t)
        return out.count < limit
    }
    #expect(complete, "the period limit cut \(rule) short")
    return out.map { start.count == 8 ? String($0.description.prefix(8)) : $0.description }
}

/// The examples of RFC 5545 §3.8.5.3, with the occurrences it lists (times are 09:00 floating).
@Suite struct RecurrenceRFCExamples {
    @Test func dailyForTenOccurrences() throws {
        #expect(try expand("FREQ=DAILY;COUNT=10", from: "19970902T090000").count == 10)
        #expect(try expand("FREQ=DAILY;COUNT=10", from: "19970902T090000").last == "19970911T090000")
    }

    @Test func dailyUntilAndEveryOtherDay() throws {
        let until = try expand("FREQ=DAILY;UNTIL=19971224T000000Z", from: "19970902T090000")
        #expect(until.count == 113 && until.last == "19971223T090000")
        let tenDays = try expand("FREQ=DAILY;INTERVAL=10;COUNT=5", from: "19970902T090000")
        #expect(tenDays == ["19970902T090000", "19970912T090000", "19970922T090000", "19971002T090000", "19971012T090000"])
    }

    @Test func everyDayInJanuaryForThreeYears() throws {
        let a = try expand("FREQ=YEARLY;UNTIL=20000131T140000Z;BYMONTH=1;BYDAY=SU,MO,TU,WE,TH,FR,SA", from: "19980101T090000")
        let b = try expand("FREQ=DAILY;UNTIL=20000131T140000Z;BYMONTH=1", from: "19980101T090000")
        #expect(a.count == 93 && a == b)
    }

    @Test func weeklyForms() throws {
        #expect(try expand("FREQ=WEEKLY;COUNT=10", from: "19970902T090000").last == "19971104T090000")
        let mwf = try expand("FREQ=WEEKLY;INTERVAL=2;UNTIL=19971224T000000Z;WKST=SU;BYDAY=MO,WE,FR", from: "19970901T090000")
        #expect(mwf.count == 25 && mwf.prefix(4) == ["19970901T090000", "19970903T090000", "19970905T090000", "19970915T090000"])
        #expect(mwf.last == "19971222T090000")
        let tuth = try expand("FREQ=WEEKLY;INTERVAL=2;COUNT=8;WKST=SU;BYDAY=TU,TH", from: "19970902T090000")
        #expect(tuth == ["19970902", "19970904", "19970916", "19970918", "19970930", "19971002", "19971014", "19971016"].map { $0 + "T090000" })
    }

    /// WKST changes which days fall in the same week when INTERVAL > 1.
    @Test func weekStartMatters() throws {
        let mo = try expand("FREQ=WEEKLY;INTERVAL=2;COUNT=4;BYDAY=TU,SU;WKST=MO", from: "19970805T090000")
        let su = try expand("FREQ=WEEKLY;INTERVAL=2;COUNT=4;BYDAY=TU,SU;WKST=SU", from: "19970805T090000")
        #expect(mo == ["19970805", "19970810", "19970819", "19970824"].map { $0 + "T090000" })
        #expect(su == ["19970805", "19970817", "19970819", "19970831"].map { $0 + "T090000" })
    }

    @Test func monthlyForms() throws {
        let firstFriday = try expand("FREQ=MONTHLY;COUNT=10;BYDAY=1FR", from: "19970905T090000")
        #expect(firstFriday.prefix(4) == ["19970905T090000", "19971003T090000", "19971107T090000", "19971205T090000"])
        let firstAndLastSunday = try expand("FREQ=MONTHLY;INTERVAL=2;COUNT=10;BYDAY=1SU,-1SU", from: "19970907T090000")
        #expect(firstAndLastSunday.prefix(4) == ["19970907T090000", "19970928T090000", "19971102T090000", "19971130T090000"])
        let secondToLastMonday = try expand("FREQ=MONTHLY;COUNT=6;BYDAY=-2MO", from: "19970922T090000")
        #expect(secondToLastMonday == ["19970922", "19971020", "19971117", "19971222", "19980119", "19980216"].map { $0 + "T090000" })
        let thirdToLastDay = try expand("FREQ=MONTHLY;BYMONTHDAY=-3", from: "19970928T090000", through: "19980301")
        #expect(thirdToLastDay == ["19970928", "19971029", "19971128", "19971229", "19980129", "19980226"].map { $0 + "T090000" })
        let secondAndFifteenth = try expand("FREQ=MONTHLY;COUNT=10;BYMONTHDAY=2,15", from: "19970902T090000")
        #expect(secondAndFifteenth.prefix(4) == ["19970902T090000", "19970915T090000", "19971002T090000", "19971015T090000"])
        let tuesdaysEveryOtherMonth = try expand("FREQ=MONTHLY;INTERVAL=2;BYDAY=TU", from: "19970902T090000", through: "19980401")
        #expect(tuesdaysEveryOtherMonth.count == 18 && tuesdaysEveryOtherMonth[5] == "19971104T090000")
    }

    @Test func yearlyForms() throws {
        let juneJuly = try expand("FREQ=YEARLY;COUNT=10;BYMONTH=6,7", from: "19970610T090000")
        #expect(
            juneJuly
                == ["19970610", "19970710", "19980610", "19980710", "19990610", "19990710", "20000610", "20000710", "20010610", "20010710"].map {
                    $0 + "T090000"
                })
        let yearDays = try expand("FREQ=YEARLY;INTERVAL=3;COUNT=10;BYYEARDAY=1,100,200", from: "19970101T090000")
        #expect(yearDays.prefix(4) == ["19970101T090000", "19970410T090000", "19970719T090000", "20000101T090000"])
        let twentiethMonday = try expand("FREQ=YEARLY;BYDAY=20MO", from: "19970519T090000", through: "19991231")
        #expect(twentiethMonday == ["19970519T090000", "19980518T090000", "19990517T090000"])
        let week20 = try expand("FREQ=YEARLY;BYWEEKNO=20;BYDAY=MO", from: "19970512T090000", through: "19991231")
        #expect(week20 == ["19970512T090000", "19980511T090000", "19990517T090000"])
        let marchThursdays = try expand("FREQ=YEARLY;BYMONTH=3;BYDAY=TH", from: "19970313T090000", through: "19990401")
        #expect(
            marchThursdays
                == [
                    "19970313", "19970320", "19970327", "19980305", "19980312", "19980319", "19980326", "19990304", "19990311", "19990318",
                    "19990325",
                ].map { $0 + "T090000" })
    }

    /// ISO 8601 weeks: 2020 and 2026 have 53 weeks, 2021 and 2022 have 52; a week's days may fall in the next year.
    @Test func lastWeeksOfTheYear() throws {
        #expect(
            try expand("FREQ=YEARLY;BYWEEKNO=53;BYDAY=SU", from: "20200101T090000", through: "20271231") == [
                "20200101T090000", "20210103T090000", "20270103T090000",
            ])
        #expect(
            try expand("FREQ=YEARLY;BYWEEKNO=52;BYDAY=SA", from: "20210101T090000", through: "20221231") == [
                "20210101T090000", "20220101T090000", "20221231T090000",
            ])
        #expect(
            try expand("FREQ=YEARLY;BYWEEKNO=-1;BYDAY=MO", from: "20200101T090000", through: "20221231") == [
                "20200101T090000", "20201228T090000", "20211227T090000", "20221226T090000",
            ])
        #expect(
            try expand("FREQ=YEARLY;BYWEEKNO=1;BYDAY=MO,SU", from: "20200101T090000", through: "20211231") == [
                "20200101T090000", "20200105T090000", "20210104T090000", "20210110T090000",
            ])
    }

    @Test func fridayThe13thAndElectionDay() throws {
        let friday13 = try expand("FREQ=MONTHLY;BYDAY=FR;BYMONTHDAY=13", from: "19970902T090000", through: "20001231")
        // DTSTART itself is the first occurrence even though it is not a Friday the 13th.
        #expect(friday13 == ["19970902", "19980213", "19980313", "19981113", "19990813", "20001013"].map { $0 + "T090000" })
        let saturdayAfterFirstSunday = try expand("FREQ=MONTHLY;BYDAY=SA;BYMONTHDAY=7,8,9,10,11,12,13", from: "19970913T090000", through: "19980301")
        #expect(saturdayAfterFirstSunday == ["19970913", "19971011", "19971108", "19971213", "19980110", "19980207"].map { $0 + "T090000" })
        let election = try expand("FREQ=YEARLY;INTERVAL=4;BYMONTH=11;BYDAY=TU;BYMONTHDAY=2,3,4,5,6,7,8", from: "19961105T090000", through: "20041231")
        #expect(election == ["19961105T090000", "20001107T090000", "20041102T090000"])
    }

    /// BYDAY entries with and without a position are a union: every Friday, and the third Tuesday.
    @Test func mixedPositions() throws {
        let days = try expand("FREQ=MONTHLY;BYDAY=FR,3TU", from: "20260102T090000", through: "20260131")
        #expect(days == ["20260102", "20260109", "20260116", "20260120", "20260123", "20260130"].map { $0 + "T090000" })
    }

    @Test func setPositions() throws {
        let third = try expand("FREQ=MONTHLY;COUNT=3;BYDAY=TU,WE,TH;BYSETPOS=3", from: "19970904T090000")
        #expect(third == ["19970904T090000", "19971007T090000", "19971106T090000"])
        let secondToLastWeekday = try expand("FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-2", from: "19970929T090000", through: "19980331")
        #expect(secondToLastWeekday == ["19970929", "19971030", "19971127", "19971230", "19980129", "19980226", "19980330"].map { $0 + "T090000" })
    }

    @Test func hoursAndMinutes() throws {
        let threeHours = try expand("FREQ=HOURLY;INTERVAL=3;UNTIL=19970902T170000Z", from: "19970902T090000")
        #expect(threeHours == ["19970902T090000", "19970902T120000", "19970902T150000"])
        let quarter = try expand("FREQ=MINUTELY;INTERVAL=15;COUNT=6", from: "19970902T090000")
        #expect(quarter == ["090000", "091500", "093000", "094500", "100000", "101500"].map { "19970902T" + $0 })
        let workday = try expand("FREQ=DAILY;BYHOUR=9,10,11,12,13,14,15,16;BYMINUTE=0,20,40", from: "19970902T090000", through: "19970903")
        #expect(workday.count == 48 && workday[1] == "19970902T092000" && workday.last == "19970903T164000")
        let sameByMinutely = try expand("FREQ=MINUTELY;INTERVAL=20;BYHOUR=9,10,11,12,13,14,15,16", from: "19970902T090000", through: "19970903")
        #expect(sameByMinutely == workday)
    }

    /// Days that do not exist are not occurrences (RFC 5545: "invalid dates are ignored").
    @Test func missingDaysAreSkipped() throws {
        let fifteenthAndThirtieth = try expand("FREQ=MONTHLY;BYMONTHDAY=15,30;COUNT=5", from: "20070115T090000")
        #expect(fifteenthAndThirtieth == ["20070115", "20070130", "20070215", "20070315", "20070330"].map { $0 + "T090000" })
        let thirtyFirst = try expand("FREQ=MONTHLY;COUNT=4", from: "20260131")
        #expect(thirtyFirst == ["20260131", "20260331", "20260531", "20260731"])
        let leapDay = try expand("FREQ=YEARLY;COUNT=3", from: "20240229")
        #expect(leapDay == ["20240229", "20280229", "20320229"])
    }

    @Test func badRulesAreWordedErrors() {
        for (rule, message) in [
            ("FREQ=FORTNIGHTLY", "FREQ=FORTNIGHTLY is not a frequency"),
            ("INTERVAL=2", "the rule has no FREQ"),
            ("FREQ=DAILY;INTERVAL=0", "INTERVAL=0 is not a number in 1...10000"),
            ("FREQ=MONTHLY;BYMONTHDAY=0", "BYMONTHDAY=0: 0 is not in ±1...31"),
            ("FREQ=MONTHLY;BYDAY=1XX", "BYDAY 1XX is not a weekday such as MO or -1FR"),
            ("FREQ=DAILY;UNTIL=tomorrow", "\"TOMORROW\" is not a date (YYYYMMDD) or date-time (YYYYMMDDTHHMMSS)"),
            ("FREQ", "\"FREQ\" is not NAME=VALUE"),
        ] {
            #expect(throws: CalendarValueError.self) { try RecurrenceRule(parsing: rule) }
            do { _ = try RecurrenceRule(parsing: rule) } catch { #expect(error.message == message) }
        }
    }

    /// A rule that matches nothing (February 30th) or repeats every second stops at the period limit, in bounded time.
    @Test func hostileRulesStop() throws {
        let never = try RecurrenceRule(parsing: "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30")
        var n = 0
        #expect(
            never.occurrences(after: wall("20000101T090000"), allDay: false, until: nil, through: Day(year: 9999, month: 1, day: 1)!) { _ in
                n += 1
                return true
            })
        #expect(n == 0)
        let seconds = try RecurrenceRule(parsing: "FREQ=SECONDLY")
        let complete = seconds.occurrences(after: wall("19700101T000000"), allDay: false, until: nil, through: Day(year: 2026, month: 1, day: 1)!) {
            _ in
            n += 1
            return true
        }
        #expect(!complete && n == RecurrenceRule.periodLimit - 1)
    }
}

/// Random rules, expanded here and by python-dateutil; they must agree. dateutil leaves out a
/// DTSTART that the rule does not match, where RFC 5545 counts it as the first occurrence: the
/// comparison allows for that and nothing else.
@Suite struct RecurrenceAgainstDateutil {
    struct Case {
        var start: String
        var rule: String
        var horizon: String
    }

    static func cases(_ n: Int) -> [Case] {
        var seed: UInt64 = 20_261_123
        func next(_ bound: Int) -> Int {
            seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((seed >> 33) % UInt64(bound))
        }
        func pick(_ values: [String], upTo k: Int) -> String {
            (0...next(k)).map { _ in values[next(values.count)] }.reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }.joined(
                separator: ",")
        }
        let weekdays = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
        var out: [Case] = []
        for _ in 0..<n {
            let freq = ["YEARLY", "MONTHLY", "WEEKLY", "DAILY", "HOURLY", "MINUTELY"][next(6)]
            var parts = ["FREQ=\(freq)"]
            if next(2) == 0 { parts.append("INTERVAL=\(1 + next(3))") }
            if next(3) == 0 { parts.append("BYMONTH=" + pick((1...12).map(String.init), upTo: 3)) }
            // dateutil walks a rule shorter than a day minute by minute until something matches,
            // and never stops on one that cannot (BYMONTHDAY=30 in February, BYSETPOS=2 of one minute).
            let subDaily = freq == "HOURLY" || freq == "MINUTELY"
            if !subDaily && next(3) == 0 { parts.append("BYMONTHDAY=" + pick((1...31).map(String.init) + ["-1", "-2", "-10"], upTo: 3)) }
            let weekNumbers = freq == "YEARLY" && next(6) == 0
            // dateutil miscounts the weeks of the year before for the days of January that belong
            // to its last week (it puts Jan 1, 2022 in week 53 of 2021, which has 52): the last
            // weeks are checked by hand instead (lastWeeksOfTheYear).
            if weekNumbers { parts.append("BYWEEKNO=" + pick(["1", "2", "20", "30"], upTo: 2)) }
            if next(2) == 0 {
                // All with positions or none: dateutil keeps only the days that match both kinds
                // (an empty set for FR,3TU), where RFC 5545 takes either (see mixedPositions).
                // Positions are not allowed with BYWEEKNO.
                let positions = (freq == "MONTHLY" || freq == "YEARLY") && !weekNumbers && next(2) == 0
                let ordinals = positions ? ["1", "2", "-1", "3", "-2"] : [""]
                parts.append("BYDAY=" + pick(weekdays.map { ordinals[next(ordinals.count)] + $0 }, upTo: 3))
            }
            if freq == "YEARLY" && next(6) == 0 { parts.append("BYYEARDAY=" + pick(["1", "100", "200", "-1", "60", "365"], upTo: 2)) }
            if next(4) == 0 { parts.append("BYHOUR=" + pick(["8", "9", "12", "17", "23"], upTo: 2)) }
            if next(5) == 0 { parts.append("BYMINUTE=" + pick(["0", "15", "30", "45"], upTo: 2)) }
            if (freq == "MONTHLY" || freq == "YEARLY") && next(5) == 0 { parts.append("BYSETPOS=" + pick(["1", "2", "-1", "3"], upTo: 2)) }
            if next(4) == 0 { parts.append("WKST=" + weekdays[next(7)]) }
            if next(2) == 0 { parts.append("COUNT=\(1 + next(40))") }
            let start = String(format: "%04d%02d%02dT%02d%02d00", 2019 + next(5), 1 + next(12), 1 + next(28), next(24), [0, 15, 30, 45][next(4)])
            let span = ["YEARLY": 30, "MONTHLY": 8, "WEEKLY": 3, "DAILY": 1][freq] ?? 0
            let days = ["HOURLY": 20, "MINUTELY": 2][freq] ?? 0
            let s = wall(start).day
            let end = s.adding(Duration(months: 12 * span, days: days))
            out.append(Case(start: start, rule: parts.joined(separator: ";"), horizon: end.description.replacingOccurrences(of: "-", with: "")))
        }
        return out
    }

    static let script = #"""
        import signal, sys, warnings
        from datetime import datetime
        from dateutil.rrule import rrulestr
        warnings.simplefilter("ignore")
        def slow(*_):
            raise ValueError("slow")
        signal.signal(signal.SIGALRM, slow)
        for line in sys.stdin:
            start, rule, horizon = line.split()
            dtstart = datetime.strptime(start, "%Y%m%dT%H%M%S")
            end = datetime.strptime(horizon, "%Y%m%d").replace(hour=23, minute=59, second=59)
            out = []
            try:
                # dateutil walks on to the year 9999 after a rule's last match, whatever UNTIL says:
                # a rule that takes it more than a fifth of a second is left out.
                signal.setitimer(signal.ITIMER_REAL, 0.2)
                # UNTIL bounds dateutil's walk as the horizon bounds ours (with COUNT too).
                for dt in rrulestr("RRULE:" + rule, dtstart=dtstart).replace(until=end):
                    if len(out) >= 400:
                        break
                    out.append(dt.strftime("%Y%m%dT%H%M%S"))
            except ValueError:
                # dateutil refuses a rule whose BYHOUR or BYMINUTE the interval can never reach.
                out = ["refused"]
            signal.setitimer(signal.ITIMER_REAL, 0)
            print(" ".join(out) or "-")
        """#

    @Test func agreeOnRandomRules() throws {
        let cases = Self.cases(500)
        let input = cases.map { "\($0.start) \($0.rule) \($0.horizon)" }.joined(separator: "\n") + "\n"
        let dir = try temporaryFolder("rrule")
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("cases.txt")
        try input.write(to: file, atomically: true, encoding: .utf8)
        let output = try python("import sys; sys.stdin = open(sys.argv[1])\n" + Self.script, [file.path])
        let lines = output.split(separator: "\n", omittingEmptySubsequences: false)
        try #require(lines.count >= cases.count, "dateutil printed \(lines.count) lines for \(cases.count) rules")
        var failures = 0
        for (c, line) in zip(cases, lines) {
            if line == "refused" { continue }
            let theirs = line == "-" ? [] : line.split(separator: " ").map(String.init)
            let ours = try expand(c.rule, from: c.start, through: c.horizon, limit: 400 + 1)
            var expected = theirs
            if theirs.first != c.start {
                // dateutil leaves out an unmatched DTSTART; RFC 5545 (and this reader) counts it first.
                expected = [c.start] + theirs
                if let count = c.rule.split(separator: ";").first(where: { $0.hasPrefix("COUNT=") }).flatMap({ Int($0.dropFirst(6)) }) {
                    expected = Array(expected.prefix(count))
                }
            }
            let n = min(ours.count, expected.count, 400)
            if Array(ours.prefix(n)) != Array(expected.prefix(n)) || (ours.count < 400 && expected.count < 400 && ours.count != expected.count) {
                failures += 1
                if failures <= 5 {
                    Issue.record(
                        "\(c.start) \(c.rule) through \(c.horizon):\n ours   \(ours.prefix(12))… (\(ours.count))\n theirs \(expected.prefix(12))… (\(expected.count))"
                    )
                }
            }
        }
        #expect(failures == 0, "\(failures) of \(cases.count) rules differ from dateutil")
        #expect(lines.filter { $0 == "refused" }.count < cases.count / 5, "dateutil left out too many rules to compare")
    }
}
