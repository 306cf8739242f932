import Testing

@testable import TendCore

/// Issue 19, item 2: birthdays, anniversaries and named dates, with or without a year.
@Suite struct ImportantDateTests {
    /// `--MM-DD` is a date without a year: kept in the leap year 1604, written back as it was
    /// given, and before every date with a year.
    @Test func datesWithoutAYear() throws {
        let d = try #require(Day(iso: "--04-12"))
        #expect(d.isYearless && d.description == "--04-12" && d != Day(year: 1604, month: 4, day: 12))
        #expect(Day(iso: "--02-29")?.description == "--02-29")
        #expect(Day(iso: "--02-30") == nil)
        #expect(Day.problem(iso: "--02-30") == "February has 29 days, so there is no day 30 in it")
        #expect(d < Day(iso: "1900-01-01")!)
        let h = Harness()
        #expect(h.text(try h.value("--04-12")) == "--04-12")
        #expect(h.text(try h.value("[--12-01, --04-12]")) == "--12-01, --04-12")
        // Between two operands `--` is two minus signs, as before.
        #expect(h.text(try h.value("5 --04")) == "9")
        #expect(throws: Diagnostic.self) { try h.value("--13-01") }
    }

    /// A date without a year is a state of its own, not the year 1604 (which leaked): it sorts
    /// before every date with a year (`--05-05 < 0001-01-01`), by month and day among its
    /// kind; a real 1604 date keeps its year; arithmetic that needs a year refuses it with a
    /// word, and `days_since` is null.
    @Test func yearlessIsNotTheYear1604() throws {
        let h = Harness()
        #expect(h.text(try h.value("--05-05 < 0001-01-01")) == "true")
        #expect(h.text(try h.value("--05-05 < --05-06 and --12-31 < 0001-01-01")) == "true")
        #expect(h.text(try h.value("[1604-05-05, 1604-05-05 == --05-05, year(1604-05-05)]")) == "1604-05-05, false, 1604")
        try h.run(
            """
            add "A" birthday: 1604-05-05
            add "B" birthday: --05-05
            add "C" birthday: 0001-01-01
            add "D" birthday: --01-02
            add "E" birthday: 1988-02-29
            """)
        #expect(try h.column("contacts sort by birthday show name") == ["D", "B", "C", "A", "E"])
        #expect(try h.column("contacts where birthday < 0001-01-01 sort by name show name") == ["B", "D"])
        #expect(h.text(try h.value("@a.birthday")) == "1604-05-05")
        #expect(try h.value("days_since(--05-05)").isNull)
        for e in ["--05-05 + 1d", "1d + --05-05", "2026-01-01 - --05-05", "start_of(month, --05-05)", "set @a met_on: --04-12", "log call with @a on --04-12",
            "goal \"Grow\" by --04-12", "goal \"Grow\" due: --04-12", "snooze @a until --04-12", "spend 5 at @a on --04-12",
        ] {
            do {
                _ = try h.run(e)
                Issue.record("\(e) was accepted")
            } catch let d as Diagnostic {
                #expect(d.message.contains("has no year"), "\(e): \(d.message)")
            }
        }
    }

    /// The next occurrence is on or after today; February 29 falls on February 28 in other years.
    @Test func nextDateAndDaysUntil() throws {
        let h = Harness()  // today 2026-11-23
        #expect(h.text(try h.value("next_date(--11-23)")) == "2026-11-23")
        #expect(h.text(try h.value("next_date(1980-11-22)")) == "2027-11-22")
        #expect(h.text(try h.value("next_date(--02-29)")) == "2027-02-28")
        #expect(h.text(try h.value("days_until(--11-23)")) == "0")
        #expect(h.text(try h.value("days_until(--11-30)")) == "7")
        #expect(h.text(try h.value("days_until(1980-11-22)")) == "364")
        #expect(try h.value("days_until(null)").isNull)
        // Of a list, the soonest: `days_until(dates)`.
        #expect(h.text(try h.value("days_until([--01-05, 1990-12-01, null])")) == "8")
        #expect(h.text(try h.value("next_date([--01-05, --12-01])")) == "2026-12-01")
        #expect(try h.value("days_until([])").isNull)
        #expect(throws: Diagnostic.self) { try h.value("days_until([\"x\"])") }
        let leap = Harness(today: Day(year: 2028, month: 2, day: 1)!)
        #expect(leap.text(try leap.value("next_date(--02-29)")) == "2028-02-29")
        let last = Harness(today: Day(year: 9999, month: 12, day: 31)!)
        #expect(try last.value("next_date(--01-01)").isNull)
        // days_until agrees with next_date at the end of the calendar (it counted to 10000-01-01).
        #expect(try last.value("days_until(--01-01)").isNull && last.text(try last.value("days_until([--01-01, --12-31])")) == "0")
        #expect(last.text(try last.value("[next_date(--12-31), days_until(--12-31)]")) == "9999-12-31, 0")
    }

    @Test func ages() throws {
        let h = Harness()
        #expect(h.text(try h.value("years_since(1980-11-23)")) == "46")
        #expect(h.text(try h.value("years_since(1980-11-24)")) == "45")
        #expect(try h.value("years_since(--04-12)").isNull)
        #expect(try h.value("year(--04-12)").isNull)
        #expect(h.text(try h.value("month(--04-12)")) == "4")
        // Born on February 29: a year older on the day the birthday comes round (February 28
        // without a leap day), as next_date and the agenda have it.
        let plain = Harness(today: Day(year: 2027, month: 2, day: 28)!)
        #expect(plain.text(try plain.value("[years_since(2000-02-29), days_until(2000-02-29)]")) == "27, 0")
        #expect(plain.text(try plain.value("years_since(2000-03-01)")) == "26")
        let leap = Harness(today: Day(year: 2028, month: 2, day: 28)!)
        #expect(leap.text(try leap.value("years_since(2000-02-29)")) == "27")
    }

    /// Set as dates or their text; named dates as records; every form goes back into a dump.
    @Test func setAndDump() throws {
        let h = Harness()
        try h.run(
            """
            add "Ana Lima" birthday: --04-12, anniversary: "2010-06-01"
            set @ana-lima dates: [{label: "kids' birthday", date: 2019-05-02}, {label: "name day", date: "--07-26"}]
            add "Bo" birthday: 1988-12-03, uid: "urn:uuid:1"
            """)
        #expect(h.text(try h.value("@ana-lima.birthday")) == "--04-12")
        #expect(h.text(try h.value("@ana-lima.dates")) == "2019-05-02, --07-26")
        #expect(try h.column("contacts where days_until(dates) < 250 show handle") == ["ana-lima"])
        #expect(try h.column("contacts where birthday != null sort by days_until(birthday) show handle") == ["bo", "ana-lima"])
        let dump = try ScriptWriter.dump(h.model.data, definitions: Definitions(), prelude: nil)
        #expect(
            dump.contains(
                "birthday: --04-12, anniversary: 2010-06-01, dates: [{label: \"kids' birthday\", date: 2019-05-02}, {label: \"name day\", date: --07-26}]"
            ), "\(dump)")
        #expect(dump.contains("birthday: 1988-12-03, uid: \"urn:uuid:1\""))
        let again = Harness(prelude: false)
        try again.run(dump)
        #expect(try ScriptWriter.dump(again.model.data, definitions: Definitions(), prelude: nil) == dump)
    }

    @Test func badValuesAreWordedErrors() throws {
        let h = Harness()
        try h.run("add \"Ana\"\nadd \"Bo\" uid: \"u-1\"")
        let cases = [
            ("set @ana birthday: \"April\"", "birthday: \"April\" is not a date"),
            ("set @ana birthday: 3", "birthday: takes a date"),
            ("set @ana dates: [{date: 2019-05-02}]", "dates: each date needs a label"),
            ("set @ana dates: [\"x\"]", "dates: takes {label: …, date: …} records"),
            ("set @ana dates: [{label: \"x\", on: 2019-05-02}]", "dates: a date is {label: …, date: …}, not with on:"),
            ("set @ana uid: \"u-1\"", "uid: \"u-1\" is @bo's UID"),
        ]
        for (text, message) in cases {
            #expect {
                try h.run(text)
            } throws: { e in
                (e as? Diagnostic)?.message.hasPrefix(message) == true
            }
        }
        #expect(try h.value("@ana.birthday").isNull)
    }
}
