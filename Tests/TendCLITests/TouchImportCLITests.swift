import Foundation
import GRDB
import Testing

/// Issue 20: touches from the user's own calendar and mail files, end to end through the
/// `tend` binary (today is 2026-11-23, a Monday; times are UTC).
@Suite struct TouchImportCLITests {
    static let contacts = """
        add "Dana Lee" emails: ["Dana@Lee.example", {value: "dana.lee@work.example", type: "work"}], created: 2024-01-01, cadence: 1mo
        add "Ana Park" email: "ana@park.example", created: 2024-01-01
        add "Tom Okafor" email: "tom@okafor.example", created: 2024-01-01
        set me emails: ["me@example.com", "ME@work.example"]
        log call with @dana-lee on 2025-06-01
        """

    static func event(_ uid: String, _ start: String, _ summary: String, _ lines: [String]) -> String {
        (["BEGIN:VEVENT", "UID:\(uid)", "DTSTAMP:20261101T000000Z", "DTSTART:\(start)", "SUMMARY:\(summary)"] + lines + ["END:VEVENT"])
            .joined(separator: "\r\n")
    }

    static func calendar(_ events: [String]) -> String {
        (["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Tend tests//EN"] + events + ["END:VCALENDAR"]).joined(separator: "\r\n") + "\r\n"
    }

    static let me = "ORGANIZER;CN=Me:mailto:me@example.com"
    static func attendee(_ address: String, _ state: String = "ACCEPTED", name: String? = nil) -> String {
        "ATTENDEE;CUTYPE=INDIVIDUAL;ROLE=REQ-PARTICIPANT;PARTSTAT=\(state)\(name.map { ";CN=\($0)" } ?? ""):mailto:\(address)"
    }

    /// A weekly series (six from 5 October, 19 October left out, 26 October moved to the 27th),
    /// a cancelled meeting, one I declined, one next week, two with someone not in Tend, and one
    /// with Dana and that stranger.
    static let mainCalendar = calendar([
        event(
            "weekly-1", "20261005T100000Z", "Weekly sync",
            [me, attendee("dana@lee.example"), "RRULE:FREQ=WEEKLY;COUNT=6", "EXDATE:20261019T100000Z"]),
        event("weekly-1", "20261027T150000Z", "Moved sync", [me, attendee("dana@lee.example"), "RECURRENCE-ID:20261026T100000Z"]),
        event("cancelled-1", "20261103T090000Z", "Cancelled lunch", [me, attendee("ana@park.example"), "STATUS:CANCELLED"]),
        event(
            "declined-1", "20261104T090000Z", "Pitch",
            ["ORGANIZER;CN=Tom:mailto:tom@okafor.example", attendee("me@example.com", "DECLINED")]),
        event("future-1", "20261201T090000Z", "Quarterly review", [me, attendee("dana.lee@work.example")]),
        event("stranger-1", "20261110T120000Z", "Coffee", [me, attendee("sam@new.example", name: "Sam Stranger")]),
        event("stranger-2", "20261115T120000Z", "Coffee again", [me, attendee("sam@new.example", name: "Sam Stranger")]),
        event("mixed-1", "20261116T120000Z", "Lunch with Dana and Sam", [me, attendee("DANA@lee.example"), attendee("sam@new.example")]),
    ])

    static func setUp() throws -> URL {
        let dir = CLI.tempDir()
        let r = try CLI.run(["run", "-"], stdin: contacts, in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        try mainCalendar.write(to: dir.appendingPathComponent("cal.ics"), atomically: true, encoding: .utf8)
        return dir
    }

    /// The database's bytes: the file and its log.
    static func databaseBytes(_ dir: URL) -> [Data] {
        ["tend.db", "tend.db-wal"].map { (try? Data(contentsOf: dir.appendingPathComponent($0))) ?? Data() }
    }

    static func value(_ expression: String, in dir: URL) throws -> String {
        let r = try CLI.run(["-e", expression], in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        return r.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test func aCalendarLogsEachMeetingOnce() throws {
        let dir = try Self.setUp()
        let r = try CLI.run(["import", "ics", "cal.ics"], in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(
            r.stdout.hasPrefix("Logged from cal.ics: 6 meetings, 0 e-mails; 0 skipped as already imported; 1 candidate (report candidates lists them)."),
            "\(r.stdout)")
        #expect(r.stdout.contains("1 cancelled") && r.stdout.contains("1 declined by me") && r.stdout.contains("1 after today"), "\(r.stdout)")
        let days = try CLI.run(["--format", "csv", "-e", "interactions where kind == \"meeting\" sort by on show on, note"], in: dir)
        #expect(
            days.stdout == """
                on,note
                2026-10-05,Weekly sync
                2026-10-12,Weekly sync
                2026-10-27,Moved sync
                2026-11-02,Weekly sync
                2026-11-09,Weekly sync
                2026-11-16,Lunch with Dana and Sam

                """, "\(days.stdout)")
        #expect(try Self.value("count(interactions where kind == \"meeting\" and @dana-lee in people)", in: dir) == "6")
        // The same file again, and a file that overlaps it with one new meeting: only that one is logged.
        let again = try CLI.run(["import", "ics", "cal.ics"], in: dir)
        #expect(again.stdout.hasPrefix("Logged from cal.ics: 0 meetings, 0 e-mails; 6 skipped as already imported"), "\(again.stdout)")
        let overlap = Self.calendar([
            Self.event("mixed-1", "20261116T120000Z", "Lunch with Dana and Sam", [Self.me, Self.attendee("dana@lee.example")]),
            Self.event("new-1", "20261118T120000Z", "Call with Ana", [Self.me, Self.attendee("ana@park.example")]),
        ])
        try overlap.write(to: dir.appendingPathComponent("overlap.ics"), atomically: true, encoding: .utf8)
        let o = try CLI.run(["import", "ics", "overlap.ics"], in: dir)
        #expect(o.stdout.hasPrefix("Logged from overlap.ics: 1 meeting, 0 e-mails; 1 skipped as already imported; 0 candidates."), "\(o.stdout)")
        #expect(try Self.value("count(interactions where kind == \"meeting\")", in: dir) == "7")
    }

    /// `import ics -` and `import mbox -` read standard input, as `import vcard -` does
    /// (`curl <calendar URL> | tend import ics -`); they said "-: no such file or folder". A
    /// maildir is a folder, never standard input.
    @Test func calendarsAndMailboxesComeFromStandardInput() throws {
        let dir = try Self.setUp()
        let piped = try CLI.run(["import", "ics", "-"], stdin: Self.mainCalendar, in: dir)
        #expect(piped.status == 0, "\(piped.stderr)")
        #expect(piped.stdout.hasPrefix("Logged from -: 6 meetings, 0 e-mails; 0 skipped as already imported"), "\(piped.stdout)")
        let file = try CLI.run(["import", "ics", "cal.ics"], in: dir)
        #expect(file.stdout.hasPrefix("Logged from cal.ics: 0 meetings, 0 e-mails; 6 skipped as already imported"), "\(file.stdout)")
        let mbox = """
            From me@example.com Mon Nov 16 10:00:00 2026
            From: me@example.com
            To: Ana Park <ana@park.example>
            Date: Mon, 16 Nov 2026 10:00:00 +0000
            Message-ID: <piped-1@example.com>

            Hello

            """
        let mail = try CLI.run(["import", "mbox", "-"], stdin: mbox, in: dir)
        #expect(mail.status == 0 && mail.stdout.hasPrefix("Logged from -: 0 meetings, 1 e-mail;"), "\(mail.stdout)\(mail.stderr)")
        #expect(try Self.value("count(interactions where kind == \"email\" and @ana-park in people)", in: dir) == "1")
        let maildir = try CLI.run(["import", "maildir", "-"], stdin: mbox, in: dir)
        #expect(maildir.status == 3 && maildir.stderr.contains("a maildir is a folder"), "\(maildir.stderr)")
    }

    /// An mbox cut inside a header before its Message-ID logs nothing (it logged the message
    /// under its cut header's fingerprint, and the whole file logged it a second time), unless
    /// --skip-bad, which logs the whole messages; the whole file then logs the rest once.
    @Test func aMailboxCutBeforeAMessageIDLogsNothing() throws {
        let dir = try Self.setUp()
        let whole = """
            From me@example.com Mon Nov 16 10:00:00 2026
            From: me@example.com
            To: Ana Park <ana@park.example>
            Date: Mon, 16 Nov 2026 10:00:00 +0000
            Message-ID: <one@example.com>

            Hello

            From ana@park.example Tue Nov 17 10:00:00 2026
            From: Ana Park <ana@park.example>
            To: me@example.com
            Date: Tue, 17 Nov 2026 10:00:00 +0000
            Subject: =?ISO-8859-1?Q?R=E9union?=
            Message-ID: <two@park.example>

            Hi

            """
        try whole.write(to: dir.appendingPathComponent("whole.mbox"), atomically: true, encoding: .utf8)
        let cut = String(whole[..<whole.range(of: "Subject: =?ISO")!.upperBound])
        try cut.write(to: dir.appendingPathComponent("cut.mbox"), atomically: true, encoding: .utf8)
        let before = try CLI.run(["dump"], in: dir).stdout
        let r = try CLI.run(["import", "mbox", "cut.mbox"], in: dir)
        #expect(r.status == 3, "\(r.stdout)\(r.stderr)")
        #expect(r.stderr.contains("cut.mbox: message 2 (byte "), "\(r.stderr)")
        #expect(r.stderr.contains("the file ends inside its header, before its Message-ID: it may have been cut short; nothing was logged"), "\(r.stderr)")
        #expect(try CLI.run(["dump"], in: dir).stdout == before)
        let skipping = try CLI.run(["import", "mbox", "cut.mbox", "--skip-bad"], in: dir)
        #expect(skipping.status == 0 && skipping.stdout.hasPrefix("Logged from cut.mbox: 0 meetings, 1 e-mail;"), "\(skipping.stdout)\(skipping.stderr)")
        let all = try CLI.run(["import", "mbox", "whole.mbox"], in: dir)
        #expect(all.stdout.hasPrefix("Logged from whole.mbox: 0 meetings, 1 e-mail (1 inbound); 1 skipped as already imported"), "\(all.stdout)\(all.stderr)")
        #expect(try Self.value("count(interactions where kind == \"email\" and @ana-park in people)", in: dir) == "2")
    }


    /// A calendar cut between two events (a download that stopped) reads whole, but what it lost
    /// may be a cancelled or moved occurrence of a series it holds: the import stops, nothing
    /// logged, unless --skip-bad (a cancelled meeting was logged again, exit 0, beside the
    /// warning that the file may have been cut short).
    @Test func aCalendarCutBetweenEventsLogsNothing() throws {
        let dir = try Self.setUp()
        let series = Self.event("weekly-9", "20261005T100000Z", "Weekly sync", [Self.me, Self.attendee("ana@park.example"), "RRULE:FREQ=WEEKLY;COUNT=4"])
        let cancelled = Self.event(
            "weekly-9", "20261012T100000Z", "Weekly sync", [Self.me, Self.attendee("ana@park.example"), "RECURRENCE-ID:20261012T100000Z", "STATUS:CANCELLED"])
        let whole = Self.calendar([series, cancelled])
        try whole.write(to: dir.appendingPathComponent("whole.ics"), atomically: true, encoding: .utf8)
        #expect(try CLI.run(["import", "ics", "whole.ics"], in: dir).stdout.hasPrefix("Logged from whole.ics: 3 meetings,"))
        #expect(try Self.meetings(in: dir).filter { $0.contains("weekly-9") }.count == 3)
        let cut = String(whole[..<whole.range(of: "END:VEVENT\r\n")!.upperBound])
        try cut.write(to: dir.appendingPathComponent("cut.ics"), atomically: true, encoding: .utf8)
        let before = try CLI.run(["dump"], in: dir).stdout
        let r = try CLI.run(["import", "ics", "cut.ics"], in: dir)
        #expect(r.status == 3, "\(r.stdout)\(r.stderr)")
        #expect(r.stderr.contains("cut.ics: file: the file ends before END:VCALENDAR: it may have been cut short; nothing was logged"), "\(r.stderr)")
        #expect(try CLI.run(["dump"], in: dir).stdout == before)
        let skipping = try CLI.run(["import", "ics", "cut.ics", "--skip-bad"], in: dir)
        #expect(skipping.status == 0, "\(skipping.stdout)\(skipping.stderr)")
    }
    /// The imported meetings as the dump writes them, each as its day and source.
    static func meetings(in dir: URL) throws -> [String] {
        try CLI.run(["dump"], in: dir).stdout.split(separator: "\n").filter { $0.hasPrefix("log meeting ") && $0.contains(" source: ") }.map { line in
            let day = line[line.range(of: " on ")!.upperBound...].prefix(10)
            return "\(day) \(line[line.range(of: " source: \"")!.upperBound...].dropLast())"
        }
    }

    /// A calendar of one event with me and Ana, written to `name`: the same UID written again
    /// with another start (and `extra` lines such as SEQUENCE) is the event rescheduled.
    static func writeOneOff(_ name: String, in dir: URL, uid: String, _ start: String, _ summary: String, _ extra: [String]) throws {
        let text = calendar([event(uid, start, summary, [me, attendee("ana@park.example")] + extra)])
        try text.write(to: dir.appendingPathComponent(name), atomically: true, encoding: .utf8)
    }

    /// A contact who declines a meeting already logged is taken off it by the next import (it
    /// added contacts who joined, and kept those who declined: the result hung on what was
    /// imported before); a meeting whose every contact declined is no touch. `undo` puts them back.
    @Test func aContactWhoDeclinedSinceIsTakenOff() throws {
        let dir = try Self.setUp()
        func write(_ name: String, ana: String, tom: String) throws {
            let text = Self.calendar([
                Self.event("team-1", "20261110T100000Z", "Team lunch", [Self.me, Self.attendee("ana@park.example", ana), Self.attendee("tom@okafor.example", tom)]),
                Self.event("solo-1", "20261111T100000Z", "Coffee", [Self.me, Self.attendee("tom@okafor.example", tom)]),
            ])
            try text.write(to: dir.appendingPathComponent(name), atomically: true, encoding: .utf8)
        }
        try write("first.ics", ana: "ACCEPTED", tom: "ACCEPTED")
        try write("declined.ics", ana: "ACCEPTED", tom: "DECLINED")
        #expect(try CLI.run(["import", "ics", "first.ics"], in: dir).stdout.hasPrefix("Logged from first.ics: 2 meetings,"))
        let before = try CLI.run(["dump"], in: dir).stdout
        let r = try CLI.run(["import", "ics", "declined.ics"], in: dir)
        #expect(r.stdout.contains("1 touch already imported lost contacts who declined since"), "\(r.stdout)")
        #expect(try Self.value("count(interactions where kind == \"meeting\" and @tom-okafor in people)", in: dir) == "0")
        #expect(try Self.value("count(interactions where kind == \"meeting\" and @ana-park in people)", in: dir) == "1")
        // As a new database importing the second file has it.
        let fresh = try Self.setUp()
        try FileManager.default.copyItem(at: dir.appendingPathComponent("declined.ics"), to: fresh.appendingPathComponent("declined.ics"))
        #expect(try CLI.run(["import", "ics", "declined.ics"], in: fresh).status == 0)
        #expect(try Self.meetings(in: fresh) == Self.meetings(in: dir))
        #expect(try CLI.run(["undo"], in: dir).status == 0)
        #expect(try CLI.run(["dump"], in: dir).stdout == before)
    }

    /// A one-off event rescheduled between two exports (Google writes it again with the same
    /// UID, a later DTSTAMP and SEQUENCE): its meeting moves to the new day, as one change that
    /// `undo` takes back, and no second meeting is logged. One moved after today stays as logged.
    @Test func aMovedEventMovesItsMeeting() throws {
        let dir = try Self.setUp()
        func write(_ name: String, _ start: String, _ extra: [String] = []) throws {
            try Self.writeOneOff(name, in: dir, uid: "once-1", start, "Site visit", extra)
        }
        try write("first.ics", "20261112T180000Z")
        try write("moved.ics", "20261113T180000Z", ["SEQUENCE:2"])
        try write("future.ics", "20261201T180000Z", ["SEQUENCE:3"])
        #expect(try CLI.run(["import", "ics", "first.ics"], in: dir).stdout.hasPrefix("Logged from first.ics: 1 meeting,"))
        #expect(try Self.meetings(in: dir) == ["2026-11-12 ical:once-1/20261112"])
        let dry = try CLI.run(["import", "ics", "moved.ics", "--dry-run"], in: dir)
        #expect(dry.stdout.hasPrefix("Would log from moved.ics: 0 meetings, 0 e-mails; 1 skipped as already imported;"), "\(dry.stdout)")
        #expect(dry.stdout.contains("  1 meeting would move to its event's new day"), "\(dry.stdout)")
        let moved = try CLI.run(["import", "ics", "moved.ics"], in: dir)
        #expect(moved.stdout.hasPrefix("Logged from moved.ics: 0 meetings, 0 e-mails; 1 skipped as already imported;"), "\(moved.stdout)")
        #expect(moved.stdout.contains("  1 meeting moved to its event's new day"), "\(moved.stdout)")
        #expect(try Self.meetings(in: dir) == ["2026-11-13 ical:once-1/20261113"])
        // The move is the import's change: undo takes it back, and importing again moves it again.
        #expect(try CLI.run(["-e", "undo"], in: dir).status == 0)
        #expect(try Self.meetings(in: dir) == ["2026-11-12 ical:once-1/20261112"])
        #expect(try CLI.run(["import", "ics", "moved.ics"], in: dir).stdout.contains("  1 meeting moved to its event's new day"))
        #expect(try CLI.run(["import", "ics", "moved.ics"], in: dir).stdout.hasPrefix("Logged from moved.ics: 0 meetings, 0 e-mails; 1 skipped"))
        // After today: the event has not happened on its new day yet, and the meeting stays.
        let future = try CLI.run(["import", "ics", "future.ics"], in: dir)
        #expect(future.stdout.hasPrefix("Logged from future.ics: 0 meetings,") && !future.stdout.contains("moved"), "\(future.stdout)")
        #expect(try Self.meetings(in: dir) == ["2026-11-13 ical:once-1/20261113"])
    }

    /// A database an earlier Tend filled holds one-off events as `ical:UID/DAY`: the same event
    /// is recognised (nothing logged twice), and moved when it was rescheduled; a one-off event
    /// later made a series does not log its first occurrence again.
    @Test func oneOffEventsOfAnEarlierImportAreRecognised() throws {
        let dir = try Self.setUp()
        let earlier = "log meeting with @ana-park on 2026-11-12 note: \"Site visit\" source: \"ical:once-1/20261112\""
        #expect(try CLI.run(["-e", earlier], in: dir).status == 0)
        func write(_ name: String, _ start: String, _ extra: [String] = []) throws {
            try Self.writeOneOff(name, in: dir, uid: "once-1", start, "Site visit", extra)
        }
        try write("same.ics", "20261112T180000Z")
        try write("moved.ics", "20261113T180000Z", ["SEQUENCE:2"])
        try write("series.ics", "20261113T180000Z", ["SEQUENCE:3", "RRULE:FREQ=DAILY;COUNT=2"])
        let same = try CLI.run(["import", "ics", "same.ics"], in: dir)
        #expect(same.stdout.hasPrefix("Logged from same.ics: 0 meetings, 0 e-mails; 1 skipped as already imported;"), "\(same.stdout)")
        let moved = try CLI.run(["import", "ics", "moved.ics"], in: dir)
        #expect(moved.stdout.hasPrefix("Logged from moved.ics: 0 meetings, 0 e-mails; 1 skipped as already imported;"), "\(moved.stdout)")
        #expect(moved.stdout.contains("  1 meeting moved to its event's new day"), "\(moved.stdout)")
        #expect(try Self.meetings(in: dir) == ["2026-11-13 ical:once-1/20261113"])
        let series = try CLI.run(["import", "ics", "series.ics"], in: dir)
        #expect(series.stdout.hasPrefix("Logged from series.ics: 1 meeting, 0 e-mails; 1 skipped as already imported;"), "\(series.stdout)")
        #expect(try Self.meetings(in: dir) == ["2026-11-13 ical:once-1/20261113", "2026-11-14 ical:once-1/20261114"])
    }

    /// A one-off event planned as a next step (`--plan`, when it was after today) and moved onto
    /// that day: once the day has passed, its meeting is moved there and the step is done, as
    /// when the meeting is logged fresh (the step stayed, and its rule kept reminding).
    @Test func aMovedMeetingClearsTheStepItWasPlannedAs() throws {
        let dir = try Self.setUp()
        func write(_ name: String, _ start: String, _ extra: [String] = []) throws {
            try Self.writeOneOff(name, in: dir, uid: "once-2", start, "Coffee", extra)
        }
        try write("first.ics", "20261120T180000Z")
        try write("later.ics", "20261210T180000Z", ["SEQUENCE:1"])
        #expect(try CLI.run(["import", "ics", "first.ics"], in: dir).status == 0)
        let planned = try CLI.run(["import", "ics", "later.ics", "--plan"], in: dir)
        #expect(planned.stdout.contains("1 next step planned"), "\(planned.stdout)")
        let moved = try CLI.run(["--today", "2026-12-11", "import", "ics", "later.ics", "--plan"], in: dir)
        #expect(moved.stdout.contains("1 meeting moved") && moved.stdout.contains("was cleared"), "\(moved.stdout)")
        let step = try CLI.run(["--today", "2026-12-11", "--format", "csv", "-e", "@ana-park.next_step"], in: dir)
        #expect(step.stdout == "\n" || step.stdout == "null\n", "\(step.stdout)")
    }

    /// A one-off event planned for a later day and moved earlier, to a day that has passed: the
    /// meeting is logged there and the step planned from it is done.
    @Test func aPlannedEventMovedEarlierClearsItsStep() throws {
        let dir = try Self.setUp()
        try Self.writeOneOff("later.ics", in: dir, uid: "once-3", "20261210T180000Z", "Coffee", [])
        try Self.writeOneOff("earlier.ics", in: dir, uid: "once-3", "20261120T180000Z", "Coffee", ["SEQUENCE:1"])
        #expect(try CLI.run(["import", "ics", "later.ics", "--plan"], in: dir).stdout.contains("1 next step planned"))
        let logged = try CLI.run(["import", "ics", "earlier.ics", "--plan"], in: dir)
        #expect(logged.stdout.contains("was cleared"), "\(logged.stdout)")
        let step = try CLI.run(["--format", "csv", "-e", "@ana-park.next_step"], in: dir).stdout
        #expect(step == "\n" || step == "null\n", "\(step)")
    }

    /// A UID that is another's up to a `/` is another event: its meeting is not taken over.
    @Test func aUIDThatBeginsAnotherIsAnotherEvent() throws {
        let dir = try Self.setUp()
        try Self.writeOneOff("a.ics", in: dir, uid: "x/1", "20261120T180000Z", "One", [])
        try Self.writeOneOff("b.ics", in: dir, uid: "x", "20261122T180000Z", "Two", [])
        #expect(try CLI.run(["import", "ics", "a.ics"], in: dir).stdout.hasPrefix("Logged from a.ics: 1 meeting,"))
        let b = try CLI.run(["import", "ics", "b.ics"], in: dir)
        #expect(b.stdout.hasPrefix("Logged from b.ics: 1 meeting,") && !b.stdout.contains("moved"), "\(b.stdout)")
        #expect(try Self.meetings(in: dir) == ["2026-11-20 ical:x/1/20261120", "2026-11-22 ical:x/20261122"])
    }

    /// The same event imported in another time zone falls on another of the user's days, but
    /// was not rescheduled: it stays where it was logged (a one-off moved back and forth with
    /// each import from another zone, one change each time).
    @Test func anotherTimeZoneDoesNotMoveAMeeting() throws {
        let dir = try Self.setUp()
        let text = Self.calendar([Self.event("late-1", "20261120T030000Z", "Late call", [Self.me, Self.attendee("ana@park.example")])])
        try text.write(to: dir.appendingPathComponent("late.ics"), atomically: true, encoding: .utf8)
        let west = try CLI.run(["import", "ics", "late.ics"], in: dir, env: ["TZ": "America/Los_Angeles"])
        #expect(west.stdout.hasPrefix("Logged from late.ics: 1 meeting,"), "\(west.stdout)")
        for zone in ["UTC", "America/Los_Angeles", "Asia/Tokyo"] {
            let again = try CLI.run(["import", "ics", "late.ics"], in: dir, env: ["TZ": zone])
            #expect(again.stdout.hasPrefix("Logged from late.ics: 0 meetings, 0 e-mails; 1 skipped as already imported;"), "\(again.stdout)")
            #expect(!again.stdout.contains("moved"), "\(zone): \(again.stdout)")
        }
        #expect(try Self.meetings(in: dir) == ["2026-11-19 ical:late-1/20261120"])
        // An occurrence of a series moved to the next evening, imported again from Tokyo, where
        // it falls on another day: it was not moved again, and stays.
        let series = Self.calendar([
            Self.event("late-2", "20261103T010000Z", "Evening", [Self.me, Self.attendee("ana@park.example"), "RRULE:FREQ=WEEKLY;COUNT=2"]),
            Self.event("late-2", "20261105T010000Z", "Evening", [Self.me, Self.attendee("ana@park.example"), "RECURRENCE-ID:20261103T010000Z"]),
        ])
        try series.write(to: dir.appendingPathComponent("series.ics"), atomically: true, encoding: .utf8)
        #expect(try CLI.run(["import", "ics", "series.ics"], in: dir, env: ["TZ": "America/New_York"]).status == 0)
        let logged = try Self.meetings(in: dir)
        let tokyo = try CLI.run(["import", "ics", "series.ics"], in: dir, env: ["TZ": "Asia/Tokyo"])
        #expect(!tokyo.stdout.contains("moved"), "\(tokyo.stdout)")
        #expect(try Self.meetings(in: dir) == logged)
    }

    /// An import is one change: `undo` takes back its meetings, their people and its candidates,
    /// and a second import then logs them all again.
    @Test func undoTakesAnImportBack() throws {
        let dir = try Self.setUp()
        let figures = "[count(interactions), count(report candidates), count(contacts)]"
        let before = try Self.value(figures, in: dir)
        #expect(try CLI.run(["import", "ics", "cal.ics"], in: dir).status == 0)
        #expect(try Self.value(figures, in: dir) != before)
        let history = try CLI.run(["--format", "csv", "-e", "history limit 1"], in: dir)
        #expect(history.stdout.contains(#"import cal.ics,"import ics ""cal.ics""""#), "\(history.stdout)")
        let undo = try CLI.run(["-e", "undo"], in: dir)
        #expect(undo.status == 0, "\(undo.stderr)")
        #expect(try Self.value(figures, in: dir) == before)
        let again = try CLI.run(["import", "ics", "cal.ics"], in: dir)
        #expect(again.stdout.hasPrefix("Logged from cal.ics: 6 meetings, 0 e-mails; 0 skipped as already imported"), "\(again.stdout)")
        // Still journalled after the import: a statement after it is undone on its own.
        #expect(try CLI.run(["-e", "log call with @dana-lee"], in: dir).status == 0)
        #expect(try CLI.run(["-e", "undo"], in: dir).status == 0)
        #expect(try Self.value("count(interactions where kind == \"meeting\")", in: dir) == "6")
    }

    /// --dry-run writes nothing (the database's bytes are the same) and lists what it would log.
    @Test func aDryRunWritesNothing() throws {
        let dir = try Self.setUp()
        let before = Self.databaseBytes(dir)
        let r = try CLI.run(["import", "ics", "cal.ics", "--dry-run", "--plan"], in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.hasPrefix("Would log from cal.ics: 6 meetings, 0 e-mails; 0 skipped as already imported; 1 candidate"), "\(r.stdout)")
        #expect(r.stdout.contains("  meeting with @dana-lee on 2026-10-27: Moved sync\n"), "\(r.stdout)")
        #expect(r.stdout.contains("  1 next step would be planned from future meetings"), "\(r.stdout)")
        #expect(Self.databaseBytes(dir) == before)
        #expect(try Self.value("count(interactions)", in: dir) == "1")
        #expect(try CLI.run(["--format", "csv", "-e", "report candidates"], in: dir).stdout == "name,email,seen,first_seen,last_seen,add\n")
        // The statement says so too, and --read-only allows it.
        let s = try CLI.run(["--read-only", "-e", "import ics \"cal.ics\" dry_run no_notes"], in: dir)
        #expect(s.status == 0, "\(s.stderr)")
        #expect(s.stdout.contains("  meeting with @dana-lee on 2026-10-27\n"), "\(s.stdout)")
        #expect(Self.databaseBytes(dir) == before)
    }

    /// A step planned from a meeting is cleared when the meeting is cancelled (or declined by
    /// me): it stayed due for ever. A step the user wrote, or one planned from another meeting
    /// with the same words, stays as it is: a later meeting does not push a sooner step back.
    @Test func aPlannedStepGoesWithItsCancelledMeeting() throws {
        let dir = try Self.setUp()
        func write(_ name: String, uid: String = "pitch-1", _ start: String, _ extra: [String] = []) throws {
            try Self.writeOneOff(name, in: dir, uid: uid, start, "Pitch meeting", extra)
        }
        func step(_ today: String = "2026-11-23") throws -> String {
            let r = try CLI.run(["--today", today, "--format", "csv", "-e", "contacts where handle == \"ana-park\" show next_step, next_due"], in: dir)
            return r.stdout.split(separator: "\n").dropFirst().joined()
        }
        try write("p1.ics", "20261126T150000Z")
        try write("pc.ics", "20261126T150000Z", ["SEQUENCE:1", "STATUS:CANCELLED"])
        try write("other.ics", uid: "pitch-2", "20261210T150000Z")
        #expect(try CLI.run(["import", "ics", "p1.ics", "--plan"], in: dir).stdout.contains("1 next step planned"))
        #expect(try step() == "Pitch meeting,2026-11-26")
        // Another meeting with the same words, later: the sooner step stays.
        #expect(try CLI.run(["import", "ics", "other.ics", "--plan"], in: dir).status == 0)
        #expect(try step() == "Pitch meeting,2026-11-26")
        let cancelled = try CLI.run(["--today", "2026-11-24", "import", "ics", "pc.ics", "--plan"], in: dir)
        #expect(cancelled.stdout.contains("1 next step planned from a meeting since cancelled or declined was cleared"), "\(cancelled.stdout)")
        #expect(try step("2026-11-24") == ",")
        // A step of the user's own is not the meeting's: not cleared.
        #expect(try CLI.run(["-e", "set @ana-park next_step: \"Send the deck\", next_due: 2026-11-26"], in: dir).status == 0)
        #expect(try CLI.run(["--today", "2026-11-24", "import", "ics", "pc.ics", "--plan"], in: dir).status == 0)
        #expect(try step("2026-11-24") == "Send the deck,2026-11-26")
    }

    /// A step planned from a meeting follows that meeting (its event, a one-off's UID) when it
    /// moves, later too; a cancellation after the move clears it, and so does the meeting logged
    /// on its new day. It kept the first day (a later meeting did not push a "sooner" step
    /// back), stayed after the cancellation, and was never cleared: a false "next step due"
    /// every day. Moved earlier, it is not said to replace a step of the user's.
    @Test func aPlannedStepFollowsItsMovedMeeting() throws {
        func step(_ dir: URL, _ today: String = "2026-11-23") throws -> String {
            let r = try CLI.run(["--today", today, "--format", "csv", "-e", "contacts where handle == \"ana-park\" show next_step, next_due"], in: dir)
            return r.stdout.split(separator: "\n").dropFirst().joined()
        }
        func setUp() throws -> URL {
            let dir = try Self.setUp()
            try Self.writeOneOff("p1.ics", in: dir, uid: "plan-9", "20261201T100000Z", "Quarterly planning", [])
            try Self.writeOneOff("later.ics", in: dir, uid: "plan-9", "20261203T100000Z", "Quarterly planning", ["SEQUENCE:1"])
            try Self.writeOneOff("earlier.ics", in: dir, uid: "plan-9", "20261128T100000Z", "Quarterly planning", ["SEQUENCE:1"])
            try Self.writeOneOff("off.ics", in: dir, uid: "plan-9", "20261203T100000Z", "Quarterly planning", ["SEQUENCE:2", "STATUS:CANCELLED"])
            #expect(try CLI.run(["import", "ics", "p1.ics", "--plan"], in: dir).stdout.contains("1 next step planned"))
            #expect(try step(dir) == "Quarterly planning,2026-12-01")
            return dir
        }
        // Moved later, then held and logged on its new day.
        let dir = try setUp()
        #expect(try CLI.run(["import", "ics", "later.ics", "--plan"], in: dir).status == 0)
        #expect(try step(dir) == "Quarterly planning,2026-12-03")
        let held = try CLI.run(["--today", "2026-12-04", "import", "ics", "later.ics", "--plan"], in: dir)
        #expect(held.stdout.contains("1 next step planned from a meeting now logged was cleared"), "\(held.stdout)")
        #expect(try step(dir, "2026-12-04") == ",")
        // Moved later, then cancelled.
        let other = try setUp()
        #expect(try CLI.run(["import", "ics", "later.ics", "--plan"], in: other).status == 0)
        let off = try CLI.run(["import", "ics", "off.ics", "--plan"], in: other)
        #expect(off.stdout.contains("1 next step planned from a meeting since cancelled or declined was cleared"), "\(off.stdout)")
        #expect(try step(other) == ",")
        // Moved earlier: the same meeting, no step of the user's replaced.
        let third = try setUp()
        let earlier = try CLI.run(["import", "ics", "earlier.ics", "--plan"], in: third)
        #expect(!earlier.stdout.contains("was replaced"), "\(earlier.stdout)")
        #expect(try step(third) == "Quarterly planning,2026-11-28")
        // A step of the user's own, even in the meeting's words, is not the meeting's: a later
        // meeting does not push it back.
        #expect(try CLI.run(["-e", "set @ana-park next_due: 2026-11-30"], in: third).status == 0)
        #expect(try CLI.run(["import", "ics", "later.ics", "--plan"], in: third).status == 0)
        #expect(try step(third) == "Quarterly planning,2026-11-30")
    }
    /// A step of the user's own that a sooner meeting replaces is named in the report (it went
    /// without a word); Outlook's cancellation ("Canceled: " before the summary) and one read
    /// with or without --no-notes clear the step the meeting planned (it stayed).
    @Test func replacedAndCancelledStepsAreSaid() throws {
        let dir = try Self.setUp()
        try Self.writeOneOff("p1.ics", in: dir, uid: "pitch-1", "20261126T150000Z", "Pitch meeting", [])
        try Self.writeOneOff("pc.ics", in: dir, uid: "pitch-1", "20261126T150000Z", "Canceled: Pitch meeting", ["SEQUENCE:1", "STATUS:CANCELLED"])
        #expect(try CLI.run(["-e", #"set @ana-park next_step: "send proposal", next_due: 2027-01-15"#], in: dir).status == 0)
        let planned = try CLI.run(["import", "ics", "p1.ics", "--plan"], in: dir)
        #expect(planned.stdout.contains(#"@ana-park: next step "send proposal" (due 2027-01-15) was replaced by "Pitch meeting" due 2026-11-26"#), "\(planned.stdout)")
        let cancelled = try CLI.run(["import", "ics", "pc.ics", "--plan", "--no-notes"], in: dir)
        #expect(cancelled.stdout.contains("1 next step planned from a meeting since cancelled or declined was cleared"), "\(cancelled.stdout)")
        #expect(try Self.value("@ana-park.next_step", in: dir) == "null")
    }

    /// --plan: the first meeting after today becomes the next step; without it, nothing is planned.
    @Test func planSetsTheNextStep() throws {
        let dir = try Self.setUp()
        #expect(try CLI.run(["import", "ics", "cal.ics", "--plan", "--no-notes"], in: dir).status == 0)
        let r = try CLI.run(["--format", "csv", "-e", "contacts where next_step != null show handle, next_step, next_due"], in: dir)
        #expect(r.stdout == "handle,next_step,next_due\ndana-lee,Meeting,2026-12-01\n", "\(r.stdout)")
        #expect(try Self.value("count(interactions where note != null)", in: dir) == "0")
    }

    /// A next step planned from a meeting is done once that meeting is imported as logged (a
    /// hostile review: it stayed, and the agenda called it due a week after the meeting).
    @Test func aPlannedStepIsClearedWhenItsMeetingIsLogged() throws {
        let dir = try Self.setUp()
        #expect(try CLI.run(["import", "ics", "cal.ics", "--plan"], in: dir).status == 0)
        let step = "contacts where next_step != null show handle, next_step, next_due"
        let planned = try CLI.run(["--format", "csv", "-e", step], in: dir)
        #expect(planned.stdout.hasPrefix("handle,next_step,next_due\ndana-lee,"), "\(planned.stdout)")
        #expect(planned.stdout.hasSuffix(",2026-12-01\n"), "\(planned.stdout)")
        let later = ["TEND_TODAY": "2026-12-09"]
        let dry = try CLI.run(["import", "ics", "cal.ics", "--dry-run"], in: dir, env: later)
        #expect(dry.stdout.contains("  1 next step planned from a meeting now logged would be cleared"), "\(dry.stdout)")
        let again = try CLI.run(["import", "ics", "cal.ics"], in: dir, env: later)
        #expect(again.stdout.contains("  1 next step planned from a meeting now logged was cleared"), "\(again.stdout)")
        #expect(try CLI.run(["--format", "csv", "-e", step], in: dir, env: later).stdout == "handle,next_step,next_due\n")
        // A step of the user's own, or one due another day, stays.
        #expect(try CLI.run(["-e", "set @dana-lee next_step: \"Send the proposal\", next_due: 2026-12-01"], in: dir).status == 0)
        let dir2 = try Self.setUp()
        #expect(try CLI.run(["-e", "set @dana-lee next_step: \"Call about the proposal\", next_due: 2026-12-01"], in: dir2).status == 0)
        #expect(try CLI.run(["import", "ics", "cal.ics"], in: dir2, env: later).status == 0)
        #expect(
            try CLI.run(["--format", "csv", "-e", step], in: dir2, env: later).stdout
                == "handle,next_step,next_due\ndana-lee,Call about the proposal,2026-12-01\n")
    }

    /// People not in Tend are listed most often seen first, with an add line; once added,
    /// importing the file again logs their meetings (and adds them to the one already logged).
    @Test func candidatesBecomeContacts() throws {
        let dir = try Self.setUp()
        #expect(try CLI.run(["import", "ics", "cal.ics"], in: dir).status == 0)
        #expect(try CLI.run(["import", "ics", "cal.ics"], in: dir).status == 0)
        let r = try CLI.run(["--format", "csv", "-e", "report candidates"], in: dir)
        #expect(
            r.stdout == "name,email,seen,first_seen,last_seen,add\n"
                + #"Sam Stranger,sam@new.example,3,2026-11-10,2026-11-16,"add ""Sam Stranger"" email: ""sam@new.example""""# + "\n",
            "\(r.stdout)")
        let add = try CLI.run(["-e", "add \"Sam Stranger\" email: \"sam@new.example\""], in: dir)
        #expect(add.status == 0, "\(add.stderr)")
        #expect(try CLI.run(["--format", "csv", "-e", "report candidates"], in: dir).stdout == "name,email,seen,first_seen,last_seen,add\n")
        let again = try CLI.run(["import", "ics", "cal.ics"], in: dir)
        #expect(again.stdout.hasPrefix("Logged from cal.ics: 2 meetings, 0 e-mails; 6 skipped as already imported; 0 candidates."), "\(again.stdout)")
        #expect(again.stdout.contains("  1 touch already imported gained contacts added since"), "\(again.stdout)")
        #expect(try Self.value("count(interactions where @sam-stranger in people)", in: dir) == "3")
    }

    /// Rules react: importing the calendar clears "stay in touch" and "reconnect" for Dana,
    /// and `why` shows the imported meeting as her last touch.
    @Test func importedTouchesClearAgendaItems() throws {
        let dir = try Self.setUp()
        let before = try CLI.run(["--format", "csv", "-e", "agenda by item"], in: dir)
        #expect(before.stdout.contains("dana-lee,stay in touch,") && before.stdout.contains("dana-lee,reconnect,"), "\(before.stdout)")
        #expect(try CLI.run(["import", "ics", "cal.ics"], in: dir).status == 0)
        let after = try CLI.run(["--format", "csv", "-e", "agenda by item"], in: dir)
        #expect(!after.stdout.contains("dana-lee,stay in touch,") && !after.stdout.contains("dana-lee,reconnect,"), "\(after.stdout)")
        #expect(after.stdout.contains(",stay in touch,"), "others still have theirs: \(after.stdout)")
        let why = try CLI.run(["--format", "csv", "-e", "why @dana-lee"], in: dir)
        #expect(why.stdout.contains("last touch,meeting on 2026-11-16 (imported from a calendar),2026-11-16\n"), "\(why.stdout)")
    }

    /// A restore keeps the source ids: importing the calendar into the restored database adds nothing.
    @Test func restoreThenReimportAddsNothing() throws {
        let dir = try Self.setUp()
        #expect(try CLI.run(["import", "ics", "cal.ics"], in: dir).status == 0)
        let dump = try CLI.run(["dump"], in: dir)
        #expect(dump.stdout.contains("log meeting with @dana-lee on 2026-10-27 note: \"Moved sync\" source: \"ical:weekly-1/20261026\""))
        #expect(dump.stdout.contains("set me emails: [\"me@example.com\", \"ME@work.example\"]"), "\(dump.stdout)")
        let copy = CLI.tempDir()
        try FileManager.default.copyItem(at: dir.appendingPathComponent("cal.ics"), to: copy.appendingPathComponent("cal.ics"))
        #expect(try CLI.run(["run", "-"], stdin: dump.stdout, in: copy).status == 0)
        // The sightings of people not in Tend are counted, not dumped; the dump says so, and
        // importing the file again counts them again.
        let leftOut = dump.stdout.split(separator: "\n").filter { $0.hasPrefix("# Not in this dump: ") }
        #expect(leftOut.count == 1 && leftOut[0].contains("(report candidates)"), "\(dump.stdout)")
        let end = "# End of Tend dump.\n"
        #expect(try String(CLI.run(["dump"], in: copy).stdout.dropLast(end.count)) + leftOut[0] + "\n" + end == dump.stdout)
        let again = try CLI.run(["import", "ics", "cal.ics"], in: copy)
        #expect(again.stdout.hasPrefix("Logged from cal.ics: 0 meetings, 0 e-mails; 6 skipped as already imported"), "\(again.stdout)")
        #expect(try CLI.run(["dump"], in: copy).stdout == dump.stdout)
        let candidates = ["--format", "csv", "-e", "report candidates"]
        #expect(try CLI.run(candidates, in: copy).stdout == CLI.run(candidates, in: dir).stdout)
        // A second touch of the same kind from the same source is refused in words.
        let twice = try CLI.run(["-e", "log meeting with @ana-park source: \"ical:weekly-1/20261026\""], in: copy)
        #expect(twice.status != 0)
        #expect(twice.stderr.contains("is already logged from source \"ical:weekly-1/20261026\""), "\(twice.stderr)")
    }

    /// Mail written by Python's `mailbox` module: sent mail logs an e-mail with each contact it
    /// went to, mail from a contact an inbound one; lists, bulk mail and no-reply senders are
    /// left out; the bodies' marker is nowhere in the database or its dump.
    static let mailScript = #"""
        import mailbox, os, sys
        from email.message import EmailMessage
        root = sys.argv[1]
        mails = [
          [("From", "Me <me@example.com>"), ("To", "Dana Lee <dana@lee.example>"), ("Date", "Tue, 10 Nov 2026 09:15:00 +0000"), ("Message-ID", "<s1@example.com>"), ("Subject", "Proposal")],
          [("From", "=?utf-8?q?Dana_L=C3=A9e?= <DANA@lee.example>"), ("To", "me@example.com"), ("Date", "Wed, 11 Nov 2026 10:00:00 +0000"), ("Message-ID", "<r1@lee.example>")],
          [("From", "Dana Lee <dana@lee.example>"), ("To", "club@lists.example"), ("List-Id", "Club <club.lists.example>"), ("Date", "Thu, 12 Nov 2026 10:00:00 +0000"), ("Message-ID", "<l1@lee.example>")],
          [("From", "Ana Park <ana@park.example>"), ("To", "me@example.com"), ("Precedence", "bulk"), ("Date", "Fri, 13 Nov 2026 10:00:00 +0000"), ("Message-ID", "<b1@park.example>")],
          [("From", "Shop <no-reply@shop.example>"), ("To", "me@example.com"), ("Date", "Sat, 14 Nov 2026 10:00:00 +0000"), ("Message-ID", "<n1@shop.example>")],
          [("From", "Sam Stranger <sam@new.example>"), ("To", "me@example.com"), ("Date", "Sun, 15 Nov 2026 10:00:00 +0000"), ("Message-ID", "<x1@new.example>")],
          [("From", "me@work.example"), ("To", "sam@new.example, Ana Park <ana@park.example>"), ("Date", "Mon, 16 Nov 2026 10:00:00 +0000"), ("Message-ID", "<s2@example.com>")],
        ]
        box = mailbox.mbox(os.path.join(root, "mail.mbox"))
        folder = mailbox.Maildir(os.path.join(root, "Maildir"))
        for headers in mails:
            m = EmailMessage()
            for k, v in headers:
                m[k] = v
            m.set_content("BODY-MARKER-7f3a9 the body is private\nFrom here on too\n")
            box.add(mailbox.mboxMessage(m))
            folder.add(mailbox.MaildirMessage(m))
        box.flush()
        box.close()
        """#

    @Test func mailLogsEmailsAndKeepsNoBody() throws {
        let dir = try Self.setUp()
        let py = try CLI.run(["/usr/bin/env", "python3", "-c", Self.mailScript, dir.path], in: dir, raw: true)
        #expect(py.status == 0, "python3 writes the mail fixtures: \(py.stderr)")
        let r = try CLI.run(["import", "mbox", "mail.mbox"], in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(
            r.stdout.hasPrefix("Logged from mail.mbox: 0 meetings, 3 e-mails (1 inbound); 0 skipped as already imported; 1 candidate"),
            "\(r.stdout)")
        #expect(r.stdout.contains("1 from a mailing list") && r.stdout.contains("1 bulk mail or newsletter") && r.stdout.contains("1 from a no-reply address"))
        #expect(try Self.value("count(interactions where kind == \"email\" and inbound)", in: dir) == "1")
        #expect(try Self.value("count(interactions where kind == \"email\" and @dana-lee in people)", in: dir) == "2")
        #expect(try Self.value("sum(contacts, inbound)", in: dir) == "1")
        // The same messages in a maildir are the same messages: nothing more.
        let m = try CLI.run(["import", "maildir", "Maildir"], in: dir)
        #expect(m.stdout.hasPrefix("Logged from Maildir: 0 meetings, 0 e-mails; 3 skipped as already imported"), "\(m.stdout)")
        let candidates = try CLI.run(["--format", "csv", "-e", "report candidates show email, seen"], in: dir)
        #expect(candidates.stdout == "email,seen\nsam@new.example,2\n", "\(candidates.stdout)")
        let dump = try CLI.run(["dump"], in: dir)
        for bytes in Self.databaseBytes(dir) + [Data(dump.stdout.utf8)] {
            #expect(bytes.range(of: Data("BODY-MARKER-7f3a9".utf8)) == nil)
            #expect(bytes.range(of: Data("Proposal".utf8)) == nil)
        }
    }

    /// An event that cannot be read is a bad record, as a contact import's is: the import stops
    /// naming it, and nothing is logged (PRODUCT.md: an import with a bad record leaves the
    /// database as it was); `--skip-bad` logs the rest and lists it. The good event was logged
    /// and the bad one was a line in the report, exit 0.
    @Test func aBadEventStopsTheImportUnlessSkipped() throws {
        let dir = try Self.setUp()
        let good = Self.event("good-1", "20261110T150000Z", "Coffee", [Self.me, Self.attendee("ana@park.example")])
        let bad = Self.event("bad-1", "2026-11-02 10:00", "Lunch", [Self.me, Self.attendee("ana@park.example")])
        try Self.calendar([good, bad]).write(to: dir.appendingPathComponent("bad.ics"), atomically: true, encoding: .utf8)
        let before = Self.databaseBytes(dir)
        let stopped = try CLI.run(["import", "ics", "bad.ics"], in: dir)
        #expect(stopped.status == 3, "\(stopped.stdout)")
        #expect(stopped.stderr.contains("bad.ics: event 2 (line ") && stopped.stderr.contains("nothing was logged (--skip-bad logs the rest and lists these)"),
            "\(stopped.stderr)")
        #expect(Self.databaseBytes(dir) == before)
        let skipped = try CLI.run(["import", "ics", "bad.ics", "--skip-bad"], in: dir)
        #expect(skipped.status == 0, "\(skipped.stderr)")
        #expect(skipped.stdout.hasPrefix("Logged from bad.ics: 1 meeting,") && skipped.stdout.contains("  skipped event 2 (line "), "\(skipped.stdout)")
    }

    /// A meeting I declined after it was logged is no touch, as a cancelled one (it stayed,
    /// though the report said "declined by me").
    @Test func aMeetingDeclinedAfterItWasLoggedIsRemoved() throws {
        let dir = try Self.setUp()
        let accepted = Self.calendar([Self.event("one-1", "20261110T150000Z", "Coffee", ["ORGANIZER:mailto:ana@park.example", Self.attendee("me@example.com")])])
        try accepted.write(to: dir.appendingPathComponent("a.ics"), atomically: true, encoding: .utf8)
        try accepted.replacingOccurrences(of: "PARTSTAT=ACCEPTED", with: "PARTSTAT=DECLINED").write(to: dir.appendingPathComponent("d.ics"), atomically: true, encoding: .utf8)
        #expect(try CLI.run(["import", "ics", "a.ics"], in: dir).stdout.contains("1 meeting"))
        let r = try CLI.run(["import", "ics", "d.ics"], in: dir)
        #expect(r.stdout.contains("1 meeting logged before its event was cancelled or declined was removed"), "\(r.stdout)")
        #expect(try Self.value("count(interactions where kind == \"meeting\")", in: dir) == "0")
    }

    /// Outlook publishes a meeting its organizer cancelled with "Canceled: " before the summary
    /// and STATUS:CONFIRMED: it is cancelled all the same. A meeting logged before is removed, a
    /// step planned from it is cleared, and a first import logs none (each counted as a touch).
    /// Another program's event so named is as its STATUS says.
    @Test func outlooksCanceledSummaryIsACancellation() throws {
        let dir = try Self.setUp()
        let outlook = ["STATUS:CONFIRMED", "X-MICROSOFT-CDO-BUSYSTATUS:FREE"]
        try Self.writeOneOff("past.ics", in: dir, uid: "ol-past", "20261110T150000Z", "Quarterly review", outlook)
        try Self.writeOneOff("pastc.ics", in: dir, uid: "ol-past", "20261110T150000Z", "Canceled: Quarterly review", outlook)
        try Self.writeOneOff("next.ics", in: dir, uid: "ol-next", "20261126T150000Z", "Pricing workshop", outlook)
        try Self.writeOneOff("nextc.ics", in: dir, uid: "ol-next", "20261126T150000Z", "Cancelled: Pricing workshop", outlook)
        try Self.writeOneOff("google.ics", in: dir, uid: "g-held", "20261112T150000Z", "Cancelled: the old plan, a retrospective", ["STATUS:CONFIRMED"])
        #expect(try CLI.run(["import", "ics", "google.ics"], in: dir).stdout.hasPrefix("Logged from google.ics: 1 meeting,"))
        #expect(try CLI.run(["import", "ics", "past.ics"], in: dir).stdout.hasPrefix("Logged from past.ics: 1 meeting,"))
        let removed = try CLI.run(["import", "ics", "pastc.ics"], in: dir)
        #expect(removed.stdout.contains("1 meeting logged before its event was cancelled or declined was removed"), "\(removed.stdout)")
        #expect(try Self.value("count(interactions where kind == \"meeting\")", in: dir) == "1")
        #expect(try CLI.run(["import", "ics", "next.ics", "--plan"], in: dir).status == 0)
        #expect(try Self.value("@ana-park.next_step", in: dir) == "Pricing workshop")
        let cleared = try CLI.run(["import", "ics", "nextc.ics", "--plan"], in: dir)
        #expect(cleared.stdout.contains("1 next step planned from a meeting since cancelled or declined was cleared"), "\(cleared.stdout)")
        #expect(try Self.value("@ana-park.next_step", in: dir) == "null")
        let fresh = try Self.setUp()
        try FileManager.default.copyItem(at: dir.appendingPathComponent("pastc.ics"), to: fresh.appendingPathComponent("pastc.ics"))
        try FileManager.default.copyItem(at: dir.appendingPathComponent("nextc.ics"), to: fresh.appendingPathComponent("nextc.ics"))
        let first = try CLI.run(["import", "ics", "pastc.ics"], in: fresh)
        #expect(first.stdout.hasPrefix("Logged from pastc.ics: 0 meetings,") && first.stdout.contains("1 cancelled"), "\(first.stdout)")
        #expect(try CLI.run(["import", "ics", "nextc.ics", "--plan"], in: fresh).status == 0)
        #expect(try Self.value("@ana-park.next_step", in: fresh) == "null")
    }

    /// Mail a vacation responder marks with Precedence or X-Precedence auto_reply, a spam
    /// filter's X-Spam-Flag, and list mail with only List-Post or ezmlm's Mailing-List is no
    /// touch (each was logged as an inbound e-mail).
    @Test func moreAutomaticAndListMailIsLeftOut() throws {
        let dir = try Self.setUp()
        func message(_ n: Int, _ header: String) -> String {
            "From ana@park.example Mon Nov 16 10:00:00 2026\nFrom: Ana Park <ana@park.example>\nTo: me@example.com\nSubject: m\(n)\nDate: Mon, 16 Nov 2026 10:0\(n):00 +0000\nMessage-ID: <m\(n)@park.example>\n\(header)\n\nbody\n\n"
        }
        let box = [
            "Precedence: auto_reply", "X-Precedence: auto_reply", "X-Spam-Flag: YES", "List-Post: <mailto:club@lists.example>",
            "Mailing-List: contact club-help@lists.example; run by ezmlm",
        ].enumerated().map { message($0.offset, $0.element) }.joined() + message(9, "X-Note: a real one")
        try box.write(to: dir.appendingPathComponent("m.mbox"), atomically: true, encoding: .utf8)
        let r = try CLI.run(["import", "mbox", "m.mbox"], in: dir)
        #expect(r.stdout.hasPrefix("Logged from m.mbox: 0 meetings, 1 e-mail (1 inbound)"), "\(r.stdout)")
    }

    /// A one-off meeting logged before its event was cancelled is no touch: importing the
    /// cancelled event removes it (it stayed, the report saying "1 cancelled"), as one change
    /// that `undo` takes back; a series cancelled whole keeps the occurrences held.
    @Test func aMeetingCancelledAfterItWasLoggedIsRemoved() throws {
        let dir = try Self.setUp()
        try Self.writeOneOff("held.ics", in: dir, uid: "once-9", "20261110T150000Z", "Coffee", [])
        try Self.writeOneOff("cancelled.ics", in: dir, uid: "once-9", "20261110T150000Z", "Coffee", ["SEQUENCE:1", "STATUS:CANCELLED"])
        #expect(try CLI.run(["import", "ics", "held.ics"], in: dir).stdout.hasPrefix("Logged from held.ics: 1 meeting,"))
        let dry = try CLI.run(["import", "ics", "cancelled.ics", "--dry-run"], in: dir)
        #expect(dry.stdout.contains("  1 meeting logged before its event was cancelled or declined would be removed"), "\(dry.stdout)")
        #expect(try Self.meetings(in: dir).count == 1)
        let r = try CLI.run(["import", "ics", "cancelled.ics"], in: dir)
        #expect(r.stdout.contains("  1 meeting logged before its event was cancelled or declined was removed"), "\(r.stdout)")
        #expect(try Self.meetings(in: dir).isEmpty)
        #expect(try CLI.run(["undo"], in: dir).status == 0)
        #expect(try Self.meetings(in: dir).count == 1)
    }

    /// A series changed after it was logged: an occurrence taken out (an EXDATE added, written
    /// in another zone than the series') removes its meeting, and one moved to another day
    /// (RECURRENCE-ID) moves its meeting; the file imported into a fresh database gives the
    /// same meetings (the occurrence taken out stayed, and the moved one stayed on its old day).
    @Test func aChangedSeriesChangesItsMeetings() throws {
        func series(_ extra: [String]) -> String {
            let master = [
                "BEGIN:VEVENT", "UID:series-7", "DTSTAMP:20261101T000000Z", "DTSTART;TZID=America/Los_Angeles:20261102T180000",
                "SUMMARY:Weekly", Self.me, Self.attendee("ana@park.example"), "RRULE:FREQ=WEEKLY;COUNT=3",
            ]
            return Self.calendar([(master + extra + ["END:VEVENT"]).joined(separator: "\r\n")])
        }
        let moved = Self.event("series-7", "20261118T020000Z", "Weekly", [Self.me, Self.attendee("ana@park.example"), "RECURRENCE-ID;TZID=America/Los_Angeles:20261116T180000"])
        let dir = try Self.setUp()
        try series([]).write(to: dir.appendingPathComponent("before.ics"), atomically: true, encoding: .utf8)
        // 9 November taken out (18:00 in Los Angeles is 02:00 the next day in London), 16 November moved to the 17th.
        let after = series(["EXDATE;TZID=Europe/London:20261110T020000"]).replacingOccurrences(of: "END:VCALENDAR", with: moved + "\r\nEND:VCALENDAR")
        try after.write(to: dir.appendingPathComponent("after.ics"), atomically: true, encoding: .utf8)
        #expect(try CLI.run(["import", "ics", "before.ics"], in: dir).stdout.hasPrefix("Logged from before.ics: 3 meetings,"))
        let r = try CLI.run(["import", "ics", "after.ics"], in: dir)
        #expect(r.stdout.contains("  1 meeting moved to its event's new day"), "\(r.stdout)")
        #expect(r.stdout.contains("  1 meeting logged before its event was cancelled or declined was removed"), "\(r.stdout)")
        let changed = try Self.meetings(in: dir)
        let fresh = try Self.setUp()
        try after.write(to: fresh.appendingPathComponent("after.ics"), atomically: true, encoding: .utf8)
        #expect(try CLI.run(["import", "ics", "after.ics"], in: fresh).status == 0)
        #expect(changed == (try Self.meetings(in: fresh)))
        // The user's days (times are UTC here): 18:00 in Los Angeles is the next morning.
        #expect(changed == ["2026-11-03 ical:series-7/20261102", "2026-11-18 ical:series-7/20261116"])
    }

    /// A live maildir holds more than messages: a FIFO, a folder, a link to a message the mail
    /// client has moved. Each is skipped and named; the messages around them are imported (one
    /// such entry stopped the whole import with exit 3).
    @Test func oddMaildirEntriesAreSkipped() throws {
        let dir = try Self.setUp()
        let py = try CLI.run(["/usr/bin/env", "python3", "-c", Self.mailScript, dir.path], in: dir, raw: true)
        #expect(py.status == 0, "python3 writes the mail fixtures: \(py.stderr)")
        let maildir = dir.appendingPathComponent("Maildir")
        #expect(mkfifo(maildir.appendingPathComponent("new/0-fifo").path, 0o600) == 0)
        try FileManager.default.createDirectory(at: maildir.appendingPathComponent("cur/0-folder"), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: maildir.appendingPathComponent("cur/0-moved").path, withDestinationPath: "/nonexistent/msg")
        let r = try CLI.run(["import", "maildir", "Maildir"], in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.hasPrefix("Logged from Maildir: 0 meetings, 3 e-mails (1 inbound)"), "\(r.stdout)")
        for entry in ["new/0-fifo", "cur/0-folder", "cur/0-moved"] {
            #expect(r.stdout.contains("skipped \(entry): "), "\(entry) in \(r.stdout)")
        }
    }

    /// The contact imports' options on a touch import, and the touch imports' on a contact
    /// import, are command-line errors in the command line's words (exit 2), not a diagnostic
    /// under a statement the user never typed; `import --help` says which formats each is for.
    @Test func optionsOfTheOtherKindOfImportAreUsageErrors() throws {
        let dir = try Self.setUp()
        for (args, option, kind) in [
            (["import", "ics", "cal.ics", "--update"], "--update", "contact imports (vcard, vdir, csv, linkedin, google, json)"),
            (["import", "vcard", "people.vcf", "--plan"], "--plan", "calendar imports (ics)"),
            (["import", "csv", "people.csv", "--no-notes"], "--no-notes", "calendar imports (ics)"),
        ] {
            let r = try CLI.run(args, in: dir)
            #expect(r.status == 2, "\(args): \(r.stderr)")
            #expect(r.stderr.contains("\(option) applies to \(kind) only"), "\(args): \(r.stderr)")
            #expect(!r.stderr.contains("<import>") && !r.stderr.contains("skip_bad"), "\(args): \(r.stderr)")
        }
        let help = try CLI.run(["import", "--help"], in: dir)
        for option in ["--update"] {
            let line = help.stdout.components(separatedBy: "\n  " + option)[1]
            #expect(line.hasPrefix(" ") && line.contains("Contact imports only"), "\(help.stdout)")
        }
        #expect(help.stdout.contains("Calendar imports only (ics)"), "\(help.stdout)")
    }

    /// Apple Mail's "Export Mailbox" writes a folder `NAME.mbox` holding the file `mbox` and a
    /// `table_of_contents`: the folder imports as its `mbox` file. A folder without one is refused.
    @Test func anAppleMailExportIsReadAsItsMboxFile() throws {
        let dir = try Self.setUp()
        let py = try CLI.run(["/usr/bin/env", "python3", "-c", Self.mailScript, dir.path], in: dir, raw: true)
        #expect(py.status == 0, "python3 writes the mail fixtures: \(py.stderr)")
        let export = dir.appendingPathComponent("Inbox.mbox")
        try FileManager.default.createDirectory(at: export, withIntermediateDirectories: true)
        try FileManager.default.moveItem(at: dir.appendingPathComponent("mail.mbox"), to: export.appendingPathComponent("mbox"))
        try Data([0, 0, 0, 1, 0x54, 0x4F, 0x43]).write(to: export.appendingPathComponent("table_of_contents"))
        let r = try CLI.run(["import", "mbox", "Inbox.mbox"], in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.hasPrefix("Logged from Inbox.mbox: 0 meetings, 3 e-mails (1 inbound)"), "\(r.stdout)")
        let other = dir.appendingPathComponent("Other.mbox")
        try FileManager.default.createDirectory(at: other, withIntermediateDirectories: true)
        let refused = try CLI.run(["import", "mbox", "Other.mbox"], in: dir)
        #expect(refused.status == 3 && refused.stderr.contains("not a regular file (a folder"), "\(refused.stderr)")
    }

    /// A FIFO or a missing file is refused; no database is left behind by a first import that fails.
    @Test func badFilesAreRefused() throws {
        let dir = CLI.tempDir()
        let r = try CLI.run(["import", "mbox", "missing.mbox"], in: dir)
        #expect(r.status != 0)
        #expect(r.stderr.contains("missing.mbox: no such file"), "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("tend.db").path))
        let s = try CLI.run(["-e", "import ics \"x.ics\" skip_bad"], in: dir)
        #expect(s.status != 0)
        #expect(s.stderr.contains("skip_bad"), "\(s.stderr)")
    }

    /// A stranger in a weekly meeting is kept once for the series, with every occurrence up to
    /// today counted: the same calendar again counts nothing twice, a later export of it (the
    /// series went on) counts what happened since, an older export takes nothing back, and a
    /// database that kept a row per occurrence has them folded into their series'.
    @Test func aStrangerInASeriesIsCountedPerOccurrence() throws {
        let dir = try Self.setUp()
        func series(until: String, name: String) -> String {
            Self.calendar([
                Self.event(
                    "standup-9", "20261005T090000Z", "Stand-up",
                    [Self.me, Self.attendee("ana@park.example"), Self.attendee("kim@out.example", name: name), "RRULE:FREQ=WEEKLY;UNTIL=\(until)"])
            ])
        }
        try series(until: "20261031T000000Z", name: "Kim").write(to: dir.appendingPathComponent("old.ics"), atomically: true, encoding: .utf8)
        try series(until: "20261114T000000Z", name: "Kim Out").write(to: dir.appendingPathComponent("new.ics"), atomically: true, encoding: .utf8)
        let candidates = ["--format", "csv", "-e", "report candidates show name, email, seen, first_seen, last_seen"]
        let fourWeeks = "name,email,seen,first_seen,last_seen\nKim,kim@out.example,4,2026-10-05,2026-10-26\n"
        let sixWeeks = "name,email,seen,first_seen,last_seen\nKim Out,kim@out.example,6,2026-10-05,2026-11-09\n"
        for (file, expected) in [("old.ics", fourWeeks), ("old.ics", fourWeeks), ("new.ics", sixWeeks), ("new.ics", sixWeeks), ("old.ics", sixWeeks)] {
            #expect(try CLI.run(["import", "ics", file], in: dir).status == 0)
            #expect(try CLI.run(candidates, in: dir).stdout == expected, "after \(file)")
        }
        let rows = "SELECT address || ' ' || source_id || ' ' || times FROM candidate_sightings"
        func kept(_ dir: URL, _ sql: String) throws -> [String] {
            try DatabaseQueue(path: dir.appendingPathComponent("tend.db").path).read { try String.fetchAll($0, sql: sql) }
        }
        #expect(try kept(dir, rows) == ["kim@out.example ical:standup-9 6"])
        // Importing the same file again wrote nothing: no change to undo.
        let history = try CLI.run(["-e", "history"], in: dir).stdout
        #expect(history.components(separatedBy: "import ics").count - 1 == 2, "\(history)")

        // A database an older Tend made kept a row per occurrence: folded when it is opened.
        let old = CLI.tempDir()
        #expect(try CLI.run(["run", "-"], stdin: Self.contacts, in: old).status == 0)
        try DatabaseQueue(path: old.appendingPathComponent("tend.db").path).write { db in
            try db.execute(
                sql: """
                    DROP TABLE candidate_sightings;
                    CREATE TABLE candidate_sightings (
                      address TEXT NOT NULL, source_id TEXT NOT NULL, name TEXT, "on" TEXT NOT NULL, PRIMARY KEY (address, source_id));
                    INSERT INTO candidate_sightings VALUES
                      ('kim@out.example', 'ical:standup-9/20261005', 'Kim', '2026-10-05'),
                      ('kim@out.example', 'ical:standup-9/20261012', NULL, '2026-10-12'),
                      ('kim@out.example', 'ical:standup-9/20261019/20261018', 'Kim', '2026-10-18'),
                      ('kim@out.example', 'ical:standup-9/20261026', 'Kim', '2026-10-26'),
                      ('kim@out.example', 'ical:one/off', 'Kim', '2026-09-01'),
                      ('kim@out.example', '<m1@mail.example>', 'Kim', '2026-09-02'),
                      ('lee@out.example', 'ical:x/20261001', NULL, '2026-10-01');
                    DELETE FROM grdb_migrations WHERE identifier = 'v10 sightings per event';
                    INSERT INTO journal (id, day, at, source, statement) VALUES (90, '2026-11-20', '2026-11-20', 'import', 'import ics "old.ics"');
                    INSERT INTO journal_rows (change_id, tbl, rid, through, before, after_hash) VALUES (90, 'candidate_sightings', 1, 7, NULL, 12345);
                    """)
        }
        let before = "name,email,seen,first_seen,last_seen\nKim,kim@out.example,6,2026-09-01,2026-10-26\nLee,lee@out.example,1,2026-10-01,2026-10-01\n"
        #expect(try CLI.run(["--read-only"] + candidates, in: old).stdout == before)
        #expect(try CLI.run(candidates, in: old).stdout == before)
        #expect(
            try kept(old, rows + " ORDER BY source_id") == [
                "kim@out.example <m1@mail.example> 1", "kim@out.example ical:one/off 1", "kim@out.example ical:standup-9 4",
                "lee@out.example ical:x 1",
            ])
        // An import made before can still be undone: its sightings' rows are folded, so it leaves the counts.
        let undo = try CLI.run(["undo"], in: old)
        #expect(undo.status == 0 && (undo.stdout + undo.stderr).contains("Undid change 90"), "\(undo.stdout)\(undo.stderr)")
        try series(until: "20261114T000000Z", name: "Kim").write(to: old.appendingPathComponent("new.ics"), atomically: true, encoding: .utf8)
        #expect(try CLI.run(["import", "ics", "new.ics"], in: old).status == 0)
        #expect(
            try CLI.run(candidates, in: old).stdout
                == "name,email,seen,first_seen,last_seen\nKim,kim@out.example,8,2026-09-01,2026-11-09\nLee,lee@out.example,1,2026-10-01,2026-10-01\n")
    }

    /// A database an older Tend made (before "v5 touch sources") is read under --read-only as it
    /// is, without the new columns, and migrated by the next run that may write.
    @Test func anOlderDatabaseReadsAndMigrates() throws {
        let dir = try Self.setUp()
        try DatabaseQueue(path: dir.appendingPathComponent("tend.db").path).write { db in
            // The stored figures came after: their triggers read the source too.
            for name in try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'figures\\_%' ESCAPE '\\'") {
                try db.execute(sql: "DROP TRIGGER \(name)")
            }
            try db.execute(
                sql: """
                    DROP TABLE figures; DROP TABLE figures_due;
                    DROP INDEX interactions_source; ALTER TABLE interactions DROP COLUMN source_id; ALTER TABLE me DROP COLUMN emails;
                    DROP TABLE candidate_sightings;
                    DELETE FROM grdb_migrations WHERE identifier IN ('v5 touch sources', 'v10 sightings per event') OR identifier LIKE 'v13 %' OR identifier LIKE 'v14 %';
                    """)
        }
        for query in ["count(interactions)", "why @dana-lee", "report candidates", "me.emails", "import ics \"cal.ics\" dry_run"] {
            let r = try CLI.run(["--read-only", "-e", query], in: dir)
            #expect(r.status == 0, "\(query): \(r.stderr)")
        }
        // My addresses went with the old column: set again, on the migrated database.
        #expect(try CLI.run(["-e", "set me emails: [\"me@example.com\"]"], in: dir).status == 0)
        let r = try CLI.run(["import", "ics", "cal.ics"], in: dir)
        #expect(r.stdout.hasPrefix("Logged from cal.ics: 6 meetings"), "\(r.stdout)\(r.stderr)")
    }
}
