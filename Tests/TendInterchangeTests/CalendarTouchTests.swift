import Foundation
import Testing

@testable import TendCore
@testable import TendInterchange

/// The contacts of the touch tests: 1 Dana, 2 Joan (two addresses), 3 Mike, 4 Tom, 5 Ana; and my two addresses.
func touchBook() -> AddressBook {
    var book = AddressBook()
    for (id, address) in [
        (1, "dana@lee.example"), (2, "joan@salon.example"), (2, "Joan@Home.example"), (3, "mike@green.example"), (4, "tom@okafor.example"),
        (5, "ana@park.example"),
    ] {
        book.add(address, contact: Int64(id))
    }
    book.addMine("me@example.com")
    book.addMine("ME@work.example")
    return book
}

func day(_ s: String) -> Day { Day(iso: s)! }

/// Imports calendar fixtures (or texts) the way the caller will: read each, add it, finish.
func importCalendars(
    _ names: [String], texts: [String] = [], today: String = "2026-06-15", zone: String, plan: Bool = false, noNotes: Bool = false
) throws -> TouchImport {
    let options = TouchOptions(today: day(today), timeZone: TimeZone(identifier: zone)!, plan: plan, noNotes: noNotes)
    var importer = TouchImporter(addressBook: touchBook(), options: options)
    for bytes in names.map(fixture) + texts.map({ Array($0.utf8) }) { importer.add(try ICalendar.read(bytes)) }
    return importer.finish()
}

/// `2026-01-05 meeting [1] Weekly sync with Dana`, one line per touch.
func lines(_ r: TouchImport) -> [String] {
    r.touches.map { t in
        "\(t.on) \(t.kind.rawValue)\(t.inbound ? " inbound" : "") \(t.people)" + (t.note.map { " " + $0 } ?? "")
    }
}

@Suite struct ICalendarReaderTests {
    @Test func googleExport() throws {
        let cal = try ICalendar.read(fixture("google.ics"))
        #expect(cal.errors.isEmpty, "\(cal.errors)")
        #expect(cal.events.count == 11)
        let weekly = cal.events[0]
        #expect(weekly.uid == "7kukuqrhlt6a0tp8ah3qh4v1h5@google.com")
        #expect(weekly.start == CalendarTime(local: wall("20260105T100000"), zone: .named("America/Los_Angeles")))
        #expect(weekly.rules.first?.byDay == [.init(n: 0, weekday: 1)] && weekly.rules.first?.weekStart == 7)
        #expect(weekly.exceptions == [CalendarTime(local: wall("20260119T100000"), zone: .named("America/Los_Angeles"))])
        #expect(weekly.attendees.map(\.address) == ["dana@lee.example", "me@example.com", "c_1889abcdef@resource.calendar.google.com"])
        #expect(weekly.attendees[0].name == "Dana Lee" && weekly.attendees[0].participation == "ACCEPTED")
        #expect(weekly.attendees[2].userType == "RESOURCE")
        #expect(cal.events[1].recurrenceID == CalendarTime(local: wall("20260126T100000"), zone: .named("America/Los_Angeles")))
        #expect(cal.events[2].status == "CANCELLED")
        #expect(cal.events[3].start == CalendarTime(local: LocalTime(day: day("2026-02-14")), allDay: true))
        #expect(cal.events[4].summary == "Dinner with Mike, Ana & co" && cal.events[4].start.zone == .utc)
        // Google folds at 75 octets, here inside the three bytes of ☕: the line is joined before it is decoded.
        #expect(cal.events[10].summary == "Café with José Núñez — planning the big spring garden show ☕ and the booth")
        #expect(cal.zones["America/Los_Angeles"]?.observances.count == 2)
    }

    @Test func outlookExport() throws {
        let cal = try ICalendar.read(fixture("outlook.ics"))
        #expect(cal.errors.isEmpty, "\(cal.errors)")
        #expect(cal.events.map { $0.summary ?? "" } == ["Early review", "Winter call", "Garden committee", "Trade show", "Budget; Q2"])
        // Quoted and unquoted TZID values name the same zone.
        #expect(cal.events[0].start.zone == .named("W. Europe Standard Time") && cal.events[1].start.zone == .named("W. Europe Standard Time"))
        #expect(cal.events[0].attendees.first?.name == "Rivera, Joan")
        #expect(cal.events[2].rules.first?.bySetPos == [2] && cal.events[2].attendees[1].role == "NON-PARTICIPANT")
        #expect(cal.zones["W. Europe Standard Time"]?.observances.map(\.offsetTo) == [3600, 7200])
        // A VALARM's properties are not the event's.
        #expect(cal.events.allSatisfy { $0.summary != "Reminder" })
    }

    @Test func appleExport() throws {
        let cal = try ICalendar.read(fixture("apple.ics"))
        #expect(cal.errors.isEmpty, "\(cal.errors)")
        let lunch = cal.events[0]
        // Apple gives the address in EMAIL and a URN as the value; the VALARM's ATTENDEE (who gets the reminder) is not a guest.
        #expect(lunch.attendees.map(\.address) == ["mike@green.example", "me@example.com"])
        #expect(cal.events[2].dates.count == 2 && cal.events[2].dates[1] == CalendarTime(local: wall("20260325T180000"), zone: .utc))
        #expect(cal.events[3].attendees[1].name == "Lena \"Lenny\" Vogel")
        #expect(cal.events[3].summary == "Intro call\nwith notes")
    }

    @Test func badEventsAreNamedAndTheOthersRead() throws {
        let text = """
            BEGIN:VCALENDAR
            BEGIN:VEVENT
            UID:no-start
            SUMMARY:Nothing
            END:VEVENT
            BEGIN:VEVENT
            UID:bad-rule
            DTSTART:20260101T100000Z
            RRULE:FREQ=SOMETIMES
            END:VEVENT
            BEGIN:VEVENT
            UID:bad-date
            DTSTART:2026-01-01
            END:VEVENT
            BEGIN:VEVENT
            UID:hourly-all-day
            DTSTART;VALUE=DATE:20260101
            RRULE:FREQ=HOURLY
            END:VEVENT
            BEGIN:VEVENT
            UID:good
            DTSTART:20260101T100000Z
            ATTENDEE:mailto:dana@lee.example
            END:VEVENT
            END:VTODO
            BEGIN:VEVENT
            UID:broken-line
            DTSTART:20260101T110000Z
            this line has no colon
            END:VEVENT
            BEGIN:VEVENT
            UID:unfinished
            DTSTART:20260101T100000Z

            """
        let cal = try ICalendar.read(Array(text.utf8))
        // A line that is no property is passed over, saying so: the event stays (exporters write a
        // description's line breaks raw; the whole event was dropped).
        #expect(cal.events.map(\.uid) == ["good", "broken-line"])
        #expect(
            cal.warnings.map(\.description) == [
                "event 6 (line 26): line 29 is not NAME:VALUE, and was passed over: \"this line has no colon\"",
                "file: the file ends before END:VCALENDAR: it may have been cut short",
            ])
        #expect(
            cal.errors.map(\.description) == [
                "event 1 (line 2): the event has no DTSTART",
                "event 2 (line 6), field RRULE: FREQ=SOMETIMES is not a frequency",
                "event 3 (line 11), field DTSTART: \"2026-01-01\" is not a date (YYYYMMDD) or date-time (YYYYMMDDTHHMMSS)",
                "event 4 (line 15), field RRULE: FREQ=HOURLY needs a start with a time of day",
                "line 25: END:VTODO without BEGIN:VTODO",
                "event 7 (line 31): the file ends before END:VEVENT",
            ])
    }

    /// A folder of .ics files, one event per file as vdirsyncer keeps a calendar, reads as one
    /// calendar; a bad file is an error that names it, and the others still read.
    /// A summary over 16 MB (a meeting's note) is a bad event, as a card's field that long is:
    /// it was logged, and the dump that wrote it could not be run.
    @Test func aSummaryOver16MBIsABadEvent() throws {
        func event(_ uid: String, _ summary: String) -> String {
            "BEGIN:VEVENT\r\nUID:\(uid)\r\nDTSTART:20260101T100000Z\r\nSUMMARY:\(summary)\r\nATTENDEE:mailto:dana@lee.example\r\nEND:VEVENT\r\n"
        }
        let text =
            "BEGIN:VCALENDAR\r\n" + event("huge", String(repeating: "x", count: Interpreter.maxStringBytes + 1)) + event("fine", "Lunch") + "END:VCALENDAR\r\n"
        let r = try importCalendars([], texts: [text], zone: "UTC")
        #expect(lines(r) == ["2026-01-01 meeting [1] Lunch"])
        #expect(r.errors.map(\.description) == ["event 1 (line 2), field SUMMARY: 16777217 bytes of text; a field holds at most 16 MB"])
    }

    @Test func folderOfFiles() throws {
        let dir = try temporaryFolder("vdir")
        defer { try? FileManager.default.removeItem(at: dir) }
        // Cut on the bytes: the fixture folds a line inside a UTF-8 character, so it is not text until unfolded.
        let google = fixture("google.ics")
        let begin = Array("BEGIN:VEVENT\r\n".utf8)
        var starts: [Int] = []
        for i in 0..<(google.count - begin.count) where google[i..<(i + begin.count)].elementsEqual(begin) { starts.append(i) }
        let end = google.count - "END:VCALENDAR\r\n".utf8.count
        let header = Array(google[..<starts[0]])
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("work"), withIntermediateDirectories: true)
        for (i, start) in starts.enumerated() {
            let event = google[start..<(i + 1 < starts.count ? starts[i + 1] : end)]
            let file = dir.appendingPathComponent(i % 2 == 0 ? "work/\(i).ics" : "\(i).ics")
            try Data(header + event + Array("END:VCALENDAR\r\n".utf8)).write(to: file)
        }
        try Data("not a calendar".utf8).write(to: dir.appendingPathComponent("broken.ics"))
        try Data("ignored".utf8).write(to: dir.appendingPathComponent("notes.txt"))
        let folder = try ICalendar.read(path: dir.path)
        #expect(folder.events.count == 11 && folder.zones.keys.sorted() == ["America/Los_Angeles"])
        // A file of the folder that is no calendar is passed over and named (no bad event: the
        // import goes on with the rest).
        #expect(folder.errors.isEmpty)
        #expect(folder.warnings.map(\.description) == [
            "broken.ics: line 1: this is not an iCalendar file (expected BEGIN:VCALENDAR); the file was passed over"
        ])
        // A FIFO is named once (it was `fifo.ics: /…/fifo.ics: not a regular file`).
        let fifo = dir.appendingPathComponent("fifo.ics").path
        #expect(mkfifo(fifo, 0o600) == 0)
        defer { unlink(fifo) }
        let withFifo = try ICalendar.read(path: dir.path)
        #expect(withFifo.warnings.contains { $0.description.hasPrefix("fifo.ics: not a regular file") }, "\(withFifo.warnings)")
        var importer = TouchImporter(
            addressBook: touchBook(), options: TouchOptions(today: day("2026-06-15"), timeZone: TimeZone(identifier: "America/Los_Angeles")!))
        importer.add(folder)
        #expect(importer.finish().touches == (try importCalendars(["google.ics"], zone: "America/Los_Angeles")).touches)
        #expect(throws: ImportError.self) { try ICalendar.read(path: dir.appendingPathComponent("work/missing.ics").path) }
        #expect(throws: ImportError.self) { try ICalendar.read(path: try temporaryFolder("empty").path) }
    }

    /// A calendar saved as "Unicode" (UTF-16 with a byte order mark, either order) reads as
    /// the same calendar (it was "a binary file"), and `BEGIN:VCALENDAR ` with a trailing blank
    /// begins a calendar as `END:VCALENDAR ` ends one (it was "not an iCalendar file").
    @Test func unicodeFilesAndTrailingBlanks() throws {
        let text = "BEGIN:VCALENDAR \r\nBEGIN:VEVENT\r\nUID:u1\r\nDTSTART:20260101T100000Z\r\nSUMMARY:Café\r\nEND:VEVENT \r\nEND:VCALENDAR\r\n"
        let utf8 = try ICalendar.read(Array(text.utf8))
        #expect(utf8.events.map(\.uid) == ["u1"] && utf8.errors.isEmpty)
        for order: [UInt8] in [[0xFF, 0xFE], [0xFE, 0xFF]] {
            let units = Array(text.utf16)
            let bytes = order + units.flatMap { u -> [UInt8] in
                let (hi, lo) = (UInt8(u >> 8), UInt8(u & 0xFF))
                return order == [0xFF, 0xFE] ? [lo, hi] : [hi, lo]
            }
            let cal = try ICalendar.read(bytes)
            #expect(cal.events.map(\.uid) == ["u1"] && cal.errors.isEmpty, "\(cal.errors)")
            #expect(cal.events.first?.summary == "Café")
        }
    }

    @Test func hostileFiles() {
        for (bytes, message) in [
            ([UInt8](), "file: the file is empty"),
            ([0, 1, 2, 3], "file: this is a binary file, not an iCalendar file"),
            (Array("BEGIN:VCARD\r\nEND:VCARD\r\n".utf8), "line 1: this is not an iCalendar file (expected BEGIN:VCALENDAR)"),
            (Array("hello".utf8), "line 1: this is not an iCalendar file (expected BEGIN:VCALENDAR)"),
        ] {
            do {
                _ = try ICalendar.read(bytes)
                Issue.record("\(bytes.prefix(10)) was read")
            } catch {
                #expect("\(error)" == message)
            }
        }
        // Random bytes after a good start never crash the reader or the engine.
        var noise = Noise(seed: 7)
        for _ in 0..<300 {
            let bytes = noise.bytes(
                after: "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART:20260101T100000Z\r\n", count: 200,
                tokens: ["RRULE:FREQ=DAILY", ";", ":", "\r\n ", "\r\n", "ATTENDEE:mailto:a@b", "END:VEVENT", "BEGIN:VEVENT", "TZID=X", "=?"])
            if let cal = try? ICalendar.read(bytes) {
                var importer = TouchImporter(
                    addressBook: touchBook(), options: TouchOptions(today: day("2026-06-15"), timeZone: TimeZone(identifier: "UTC")!))
                importer.add(cal)
                _ = importer.finish()
            }
        }
    }
}

@Suite struct CalendarTouchTests {
    @Test func googleCalendar() throws {
        let r = try importCalendars(["google.ics"], zone: "America/Los_Angeles")
        #expect(
            lines(r) == [
                "2026-01-05 meeting [1] Weekly sync with Dana",
                "2026-01-12 meeting [1] Weekly sync with Dana",
                "2026-01-28 meeting [1] Weekly sync with Dana (moved)",
                "2026-02-02 meeting [1] Weekly sync with Dana",
                "2026-02-14 meeting [2] Salon fair",
                "2026-02-16 meeting [1] Weekly sync with Dana",
                "2026-02-28 meeting [3] Dinner with Mike, Ana & co",
                "2026-04-15 meeting [3] Café with José Núñez — planning the big spring garden show ☕ and the booth",
            ])
        let weekly = "ical:7kukuqrhlt6a0tp8ah3qh4v1h5@google.com/"
        #expect(
            r.touches.map(\.sourceID).prefix(4) == [
                weekly + "20260105", weekly + "20260112", weekly + "20260126", weekly + "20260202",
            ])
        #expect(r.touches[4].sourceID == "ical:1g5v0d8n3c6m2q7k9h4j0a1b2c@google.com/20260214" && r.touches[4].oneOff)
        // A series left out whole counts once, whatever its reason (the stand-up with Sam, five
        // days, counted five where a cancelled series counted one).
        #expect(r.skipped == [.cancelled: 2, .declined: 1, .future: 1, .noOneElse: 1, .noContact: 1])
        #expect(
            r.candidates.map { "\($0.address) \($0.count) \($0.firstSeen) \($0.lastSeen)" } == [
                "sam@corp.example 5 2026-06-01 2026-06-05", "jose@nunez.example 1 2026-04-15 2026-04-15",
                "priya@shah.example 1 2026-02-28 2026-02-28",
            ])
        #expect(
            r.candidates.map(\.addLine) == [
                "add \"Sam Wu\" email: \"sam@corp.example\"", "add \"José Núñez\" email: \"jose@nunez.example\"",
                "add \"Priya Shah\" email: \"priya@shah.example\"",
            ])
        #expect(r.planned.isEmpty && r.errors.isEmpty)
    }

    /// Outlook names zones the Windows way; the file's VTIMEZONE gives their offsets. 05:30 on
    /// March 30 in Berlin (summer time since the 29th) is still March 29 in New York.
    @Test func outlookAcrossZones() throws {
        let berlin = try importCalendars(["outlook.ics"], zone: "Europe/Berlin")
        #expect(
            lines(berlin) == [
                "2026-01-08 meeting [3] Garden committee",
                "2026-01-15 meeting [1] Winter call",
                "2026-02-12 meeting [3] Garden committee",
                "2026-02-12 meeting [5] Trade show",
                "2026-03-30 meeting [2] Early review",
                "2026-04-09 meeting [3] Garden committee",
                "2026-04-20 meeting [4] Budget; Q2",
                "2026-05-14 meeting [3] Garden committee",
            ])
        #expect(berlin.touches[0].sourceID.hasSuffix("03/20260108"))
        #expect(berlin.candidates.isEmpty, "a room is not a person: \(berlin.candidates)")
        let newYork = try importCalendars(["outlook.ics"], zone: "America/New_York")
        #expect(newYork.touches.first { $0.note == "Early review" }?.on == day("2026-03-29"))
        #expect(newYork.touches.first { $0.note == "Winter call" }?.on == day("2026-01-14"))
        // In winter the zone is an hour ahead of UTC, not two: 01:30 is 00:30 UTC, still the 15th.
        let utc = try importCalendars(["outlook.ics"], zone: "UTC")
        #expect(utc.touches.first { $0.note == "Winter call" }?.on == day("2026-01-15"))
        #expect(Set(newYork.touches.map(\.sourceID)) == Set(berlin.touches.map(\.sourceID)))
    }

    @Test func appleCalendar() throws {
        let r = try importCalendars(["apple.ics"], zone: "Europe/Paris")
        #expect(
            lines(r) == [
                "2026-01-05 meeting [4, 5] Book club",
                "2026-02-02 meeting [4, 5] Book club",
                "2026-02-12 meeting [3] Lunch with Mike",
                "2026-02-20 meeting [1] Intro call with notes",
                "2026-03-02 meeting [4, 5] Book club",
                "2026-03-18 meeting [4, 5] Book club",
                "2026-03-25 meeting [4, 5] Book club",
            ])
        #expect(
            r.touches.filter { $0.note == "Book club" }.map { String($0.sourceID.suffix(8)) } == [
                "20260105", "20260202", "20260302", "20260318", "20260325",
            ])
        #expect(r.skipped == [.noOneElse: 1])
        #expect(r.candidates.map(\.addLine) == ["add \"Lena \\\"Lenny\\\" Vogel\" email: \"lena@vogel.example\""])
    }

    @Test func thunderbirdCalendar() throws {
        let r = try importCalendars(["thunderbird.ics"], zone: "Europe/Berlin")
        #expect(
            lines(r) == [
                "2024-05-20 meeting [1] Anniversary lunch",
                "2025-05-20 meeting [1] Anniversary lunch",
                "2026-01-02 meeting [4] Coffee with Tom",
                "2026-02-06 meeting [4] Coffee with Tom",
                "2026-02-10 meeting [2] Late chat",
                "2026-03-05 meeting [3] Floating dinner",
                "2026-03-06 meeting [4] Coffee with Tom",
                "2026-04-03 meeting [4] Coffee with Tom",
                "2026-04-06 meeting [2] Sprint kickoff",
                "2026-04-08 meeting [2] Sprint kickoff",
                "2026-04-10 meeting [2] Sprint kickoff",
                "2026-05-01 meeting [4] Coffee with Tom",
                "2026-05-20 meeting [1] Anniversary lunch",
                "2026-06-05 meeting [4] Coffee with Tom",
            ])
        #expect(r.skipped == [.future: 2])
        // The old Lightning TZID (/mozilla.org/…/Europe/Berlin) is Berlin: 23:00 there is 07:00 the next day in Tokyo.
        let tokyo = try importCalendars(["thunderbird.ics"], zone: "Asia/Tokyo")
        #expect(tokyo.touches.first { $0.note == "Late chat" }?.on == day("2026-02-11"))
        // A floating time is the same wall time everywhere.
        #expect(tokyo.touches.first { $0.note == "Floating dinner" }?.on == day("2026-03-05"))
    }

    /// With `plan`, the first event after today sets each contact's next step; the earliest wins.
    @Test func planSetsNextSteps() throws {
        let r = try importCalendars(["google.ics", "thunderbird.ics"], zone: "Europe/Berlin", plan: true)
        #expect(r.planned.map { "\($0.contact) \($0.due) \($0.step)" } == ["1 2026-07-20 Quarterly planning", "4 2026-07-03 Coffee with Tom"])
        #expect(r.planned[1].sourceID == "ical:5b1e4c2f-8a61-4d37-9f1e-0c3b9f0e7a11/20260703")
        #expect(r.skipped[.future] == nil)
        let quiet = try importCalendars(["google.ics", "thunderbird.ics"], zone: "Europe/Berlin", plan: true, noNotes: true)
        #expect(quiet.planned.map(\.step) == ["Meeting", "Meeting"])
        #expect(quiet.touches.allSatisfy { $0.note == nil })
        // Without plan the future is left out and counted.
        let unplanned = try importCalendars(["google.ics", "thunderbird.ics"], zone: "Europe/Berlin")
        #expect(unplanned.planned.isEmpty && unplanned.skipped[.future] == 3)
    }

    /// The same file twice, in one import or two, gives the same source ids and nothing new.
    @Test func importingTwiceAddsNothing() throws {
        let files = ["google.ics", "outlook.ics", "apple.ics", "thunderbird.ics"]
        let once = try importCalendars(files, zone: "Europe/Berlin")
        let again = try importCalendars(files, zone: "Europe/Berlin")
        #expect(once.touches == again.touches)
        #expect(Set(once.touches.map(\.sourceID)).count == once.touches.count)
        let twice = try importCalendars(files + files, zone: "Europe/Berlin")
        #expect(twice.touches == once.touches)
        // Candidates are seen once per item, so counts kept by (address, source id) do not grow.
        #expect(Set(again.sightings) == Set(once.sightings) && Set(twice.sightings) == Set(once.sightings))
        // One per address and event, its occurrences counted.
        let sam = once.sightings.filter { $0.address == "sam@corp.example" }
        #expect(sam.reduce(0) { $0 + $1.times } == 5 && sam.allSatisfy { Sighting.event(of: $0.sourceID) == $0.sourceID })
        #expect(Set(once.sightings.map { "\($0.address) \($0.sourceID)" }).count == once.sightings.count)
        // A later export of the same calendar: only what happened since is new.
        let later = try importCalendars(["google.ics"], today: "2026-08-01", zone: "America/Los_Angeles")
        let stored = Set(try importCalendars(["google.ics"], zone: "America/Los_Angeles").touches.map(\.sourceID))
        #expect(later.touches.filter { !stored.contains($0.sourceID) }.map { "\($0.on) \($0.note ?? "")" } == ["2026-07-20 Quarterly planning"])
    }

    /// An export made before an occurrence was moved, then one made after: the moved occurrence
    /// keeps its source id (UID and the day of its RECURRENCE-ID), so the second import does not
    /// log it again.
    @Test func movedOccurrenceKeepsItsSourceID() throws {
        let text = String(decoding: fixture("google.ics"), as: UTF8.self)
        let events = text.components(separatedBy: "BEGIN:VEVENT\r\n")
        let before = events.filter { !$0.contains("RECURRENCE-ID;TZID=America/Los_Angeles:20260126T100000") }.joined(separator: "BEGIN:VEVENT\r\n")
        #expect(before.count < text.count)
        let first = try importCalendars([], texts: [before], zone: "America/Los_Angeles")
        let second = try importCalendars(["google.ics"], zone: "America/Los_Angeles")
        let moved = "ical:7kukuqrhlt6a0tp8ah3qh4v1h5@google.com/20260126"
        #expect(first.touches.first { $0.sourceID == moved }?.on == day("2026-01-26"))
        #expect(second.touches.first { $0.sourceID == moved }?.on == day("2026-01-28"))
    }

    /// A one-off event moved to another day (Google writes it again with the same UID and a
    /// higher SEQUENCE) is the same event (its UID) on its new day, and a one-off, which the
    /// importer moves (TouchFileImport).
    @Test func aMovedOneOffEventKeepsItsSourceID() throws {
        func calendar(_ start: String, _ sequence: Int) -> String {
            "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nDTSTART:\(start)\r\nDTSTAMP:20260401T000000Z\r\nORGANIZER:mailto:me@example.com\r\n"
                + "UID:visit@google.com\r\nATTENDEE;PARTSTAT=ACCEPTED:mailto:ana@park.example\r\nSEQUENCE:\(sequence)\r\nSUMMARY:Site visit\r\n"
                + "END:VEVENT\r\nEND:VCALENDAR\r\n"
        }
        let first = try importCalendars([], texts: [calendar("20260312T180000Z", 0)], zone: "UTC")
        let moved = try importCalendars([], texts: [calendar("20260313T180000Z", 2)], zone: "UTC")
        #expect(first.touches.map { "\($0.on) \($0.sourceID) \($0.event!) \($0.oneOff)" } == ["2026-03-12 ical:visit@google.com/20260312 ical:visit@google.com true"])
        #expect(moved.touches.map { "\($0.on) \($0.sourceID) \($0.event!) \($0.oneOff)" } == ["2026-03-13 ical:visit@google.com/20260313 ical:visit@google.com true"])
        // Both exports in one import: the later SEQUENCE wins, one meeting.
        let both = try importCalendars([], texts: [calendar("20260313T180000Z", 2), calendar("20260312T180000Z", 0)], zone: "UTC")
        #expect(both.touches.map { "\($0.on) \($0.sourceID)" } == ["2026-03-13 ical:visit@google.com/20260313"])
    }

    /// Calendars change between exports: a series moved to another hour, a single event made a
    /// series. Each occurrence keeps its source id (UID and day), so nothing is logged twice
    /// (each gave a second meeting per occurrence); a rule repeating within a day logs the day once.
    @Test func editedSeriesKeepTheirSourceIDs() throws {
        func calendar(_ start: String, _ rule: String?) -> String {
            "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:grow\r\nDTSTART:\(start)\r\n" + (rule.map { "RRULE:\($0)\r\n" } ?? "")
                + "SUMMARY:Growth call\r\nORGANIZER:mailto:dana@lee.example\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
        }
        let single = try importCalendars([], texts: [calendar("20260302T100000Z", nil)], zone: "UTC")
        let weekly = try importCalendars([], texts: [calendar("20260302T100000Z", "FREQ=WEEKLY;COUNT=3")], zone: "UTC")
        let later = try importCalendars([], texts: [calendar("20260302T110000Z", "FREQ=WEEKLY;COUNT=3")], zone: "UTC")
        #expect(weekly.touches.map(\.sourceID) == ["ical:grow/20260302", "ical:grow/20260309", "ical:grow/20260316"])
        #expect(later.touches.map(\.sourceID) == weekly.touches.map(\.sourceID))
        // A one-off event's id is its UID and day, as the series' first occurrence's: the same meeting.
        #expect(single.touches.map(\.sourceID) == ["ical:grow/20260302"] && single.touches.map(\.event) == ["ical:grow"])
        #expect(single.touches.allSatisfy(\.oneOff) && weekly.touches.allSatisfy { $0.event == "ical:grow" && !$0.oneOff })
        let minutely = try importCalendars([], texts: [calendar("20260610T100000Z", "FREQ=MINUTELY;COUNT=5000")], zone: "UTC")
        #expect(minutely.touches.map(\.on) == [day("2026-06-10"), day("2026-06-11"), day("2026-06-12"), day("2026-06-13")])
    }

    /// Outlook without a VTIMEZONE writes Windows' zone names or display names: each is read
    /// as that zone (both were read as the user's own wall time, a day early for Berlin).
    @Test func windowsZoneNamesWithoutDefinitions() throws {
        func event(_ uid: String, _ start: String) -> String {
            "BEGIN:VEVENT\r\nUID:\(uid)\r\nDTSTART;\(start)\r\nSUMMARY:\(uid)\r\nORGANIZER:mailto:dana@lee.example\r\nEND:VEVENT\r\n"
        }
        let text =
            "BEGIN:VCALENDAR\r\nVERSION:2.0\r\n" + event("pacific", "TZID=Pacific Standard Time:20261020T200000")
            + event("eastern", "TZID=\"(UTC-05:00) Eastern Time (US & Canada)\":20261020T220000")
            + event("nowhere", "TZID=Atlantis Standard Time:20261020T220000") + "END:VCALENDAR\r\n"
        let r = try importCalendars([], texts: [text], today: "2026-11-01", zone: "Europe/Berlin")
        let days = Dictionary(uniqueKeysWithValues: r.touches.map { ($0.note ?? "", "\($0.on)") })
        #expect(days == ["pacific": "2026-10-21", "eastern": "2026-10-21", "nowhere": "2026-10-20"])
    }

    /// Nothing of an event's description (or location) is kept: only people, dates, summaries.
    @Test func descriptionsAreNeverKept() throws {
        let files = ["google.ics", "outlook.ics", "apple.ics", "thunderbird.ics"]
        let all = try importCalendars(files, zone: "UTC", plan: true)
        let text = "\(all)" + files.map { "\(try! ICalendar.read(fixture($0)))" }.joined()
        for secret in ["must never be stored", "secrets", "salaries", "Café Central", "Lunch soon", "Reminder"] {
            #expect(!text.contains(secret), "\(secret) was kept")
        }
    }

    /// A file whose every event repeats each second (and never matches) is read in bounded time:
    /// each series may walk 50,000 periods and the import's rules share one budget of periods;
    /// the series past either are cut short and counted, and the others are read whole.
    @Test func hostileRecurrencesAreBounded() throws {
        var text = "BEGIN:VCALENDAR\r\n"
        for i in 0..<8 {
            text +=
                "BEGIN:VEVENT\r\nUID:h\(i)\r\nDTSTART:19700301T000000Z\r\nRRULE:FREQ=SECONDLY;BYMONTH=2\r\nATTENDEE:mailto:dana@lee.example\r\nEND:VEVENT\r\n"
        }
        text +=
            "BEGIN:VEVENT\r\nUID:weekly\r\nDTSTART:20260105T100000Z\r\nRRULE:FREQ=WEEKLY;COUNT=3\r\nATTENDEE:mailto:tom@okafor.example\r\nEND:VEVENT\r\n"
        text += "BEGIN:VEVENT\r\nUID:once\r\nDTSTART:20260105T100000Z\r\nATTENDEE:mailto:mike@green.example\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
        let clock = ContinuousClock()
        var r = TouchImport()
        let took = try clock.measure { r = try importCalendars([], texts: [text], zone: "UTC") }
        // Each hostile series walks its 50,000 periods and stops, keeping its DTSTART; together
        // they leave most of the budget, and the weekly series after them is read whole (five
        // runaway series used to take every occurrence of the series after them).
        #expect(r.skipped[.tooLong] == 8)
        #expect(
            lines(r) == Array(repeating: "1970-03-01 meeting [1]", count: 8) + [
                "2026-01-05 meeting [3]", "2026-01-05 meeting [4]", "2026-01-12 meeting [4]", "2026-01-19 meeting [4]",
            ])
        #expect(took < .seconds(60), "\(took)")
    }

    /// A rule that lists every second of every day (29 million instances a year) is cut short
    /// without listing them, and a time zone whose rule repeats each second, or lists times, is
    /// read from its onset alone: both took minutes.
    @Test func rulesThatListTooMuchAreBounded() throws {
        let seconds = (0..<60).map(String.init).joined(separator: ",")
        let listing = "BYMONTH=1,2,3,4,5,6,7,8,9,10,11,12;BYHOUR=\((0..<24).map(String.init).joined(separator: ","));BYMINUTE=\(seconds);BYSECOND=\(seconds)"
        var text = "BEGIN:VCALENDAR\r\n"
        for (zone, rule) in [("Secondly", "FREQ=SECONDLY"), ("Listing", "FREQ=YEARLY;" + listing)] {
            text += "BEGIN:VTIMEZONE\r\nTZID:\(zone)\r\nBEGIN:STANDARD\r\nDTSTART:00010101T000000\r\nTZOFFSETFROM:+0100\r\n"
            text += "TZOFFSETTO:+0100\r\nRRULE:\(rule)\r\nEND:STANDARD\r\nEND:VTIMEZONE\r\n"
            text += "BEGIN:VEVENT\r\nUID:\(zone)\r\nDTSTART;TZID=\(zone):20260510T233000\r\nATTENDEE:mailto:dana@lee.example\r\nEND:VEVENT\r\n"
        }
        text += "BEGIN:VEVENT\r\nUID:all\r\nDTSTART:20200101T000000Z\r\nRRULE:FREQ=YEARLY;\(listing)\r\nATTENDEE:mailto:tom@okafor.example\r\nEND:VEVENT\r\n"
        text += "END:VCALENDAR\r\n"
        let clock = ContinuousClock()
        var r = TouchImport()
        let took = try clock.measure { r = try importCalendars([], texts: [text], zone: "UTC") }
        // 23:30 at +01:00 is 22:30 UTC, the same day.
        #expect(lines(r) == ["2020-01-01 meeting [4]", "2026-05-10 meeting [1]", "2026-05-10 meeting [1]"])
        #expect(r.skipped[.tooLong] == 1)
        #expect(took < .seconds(60), "\(took)")
    }

    /// Outlook writes an all-day event as midnight to midnight in its own zone, flagged
    /// X-MICROSOFT-CDO-ALLDAYEVENT: it is the day written in every zone (it was a day early west of it).
    @Test(arguments: ["America/New_York", "UTC", "Asia/Tokyo"])
    func outlookAllDayEventsKeepTheirDay(_ zone: String) throws {
        let text = """
            BEGIN:VCALENDAR
            BEGIN:VEVENT
            UID:ad1
            DTSTART;TZID=W. Europe Standard Time:20260310T000000
            DTEND;TZID=W. Europe Standard Time:20260311T000000
            X-MICROSOFT-CDO-ALLDAYEVENT:TRUE
            ATTENDEE:mailto:dana@lee.example
            END:VEVENT
            BEGIN:VEVENT
            UID:ad2
            DTSTART;TZID=W. Europe Standard Time:20260401T000000
            RRULE:FREQ=WEEKLY;COUNT=3
            EXDATE;TZID=W. Europe Standard Time:20260408T000000
            X-MICROSOFT-CDO-ALLDAYEVENT:TRUE
            ATTENDEE:mailto:dana@lee.example
            END:VEVENT
            END:VCALENDAR
            """
        let r = try importCalendars([], texts: [text], zone: zone)
        #expect(lines(r) == ["2026-03-10 meeting [1]", "2026-04-01 meeting [1]", "2026-04-15 meeting [1]"])
        // One occurrence moved to a timed meeting: it replaces its day, whatever its own flag.
        for flag in ["", "X-MICROSOFT-CDO-ALLDAYEVENT:FALSE\n"] {
            let moved = text.replacingOccurrences(
                of: "END:VCALENDAR",
                with: "BEGIN:VEVENT\nUID:ad2\nRECURRENCE-ID;TZID=W. Europe Standard Time:20260415T000000\n"
                    + "DTSTART;TZID=W. Europe Standard Time:20260416T140000\n\(flag)ATTENDEE:mailto:tom@okafor.example\nEND:VEVENT\nEND:VCALENDAR")
            let m = try importCalendars([], texts: [moved], zone: zone)
            #expect(lines(m) == ["2026-03-10 meeting [1]", "2026-04-01 meeting [1]", "2026-04-16 meeting [4]"], "\(flag)")
        }
    }

    /// A calendar an older Windows program wrote in Windows-1252 is read so, with a warning;
    /// its accented letters were replacement characters.
    @Test func aCalendarNotInUTF8IsReadAsWindows1252() throws {
        var bytes = Array("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:l1\r\nDTSTART:20260301T100000Z\r\nSUMMARY:Caf".utf8)
        bytes += [0xE9] + Array(" with J".utf8) + [0xFC] + Array("rgen\r\nORGANIZER;CN=J".utf8) + [0xFC]
        bytes += Array("rgen M".utf8) + [0xFC] + Array("ller:mailto:j@stranger.example\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n".utf8)
        let calendar = try ICalendar.read(bytes)
        #expect(calendar.events.first?.summary == "Café with Jürgen")
        #expect(calendar.events.first?.organizer?.name == "Jürgen Müller")
        #expect(calendar.warnings.map(\.description) == ["line 5: the file is not UTF-8: read as Windows-1252 (Latin-1); check accented letters"])
    }

    /// Sessions every five hours from 22:00 UTC: one meeting on each of the user's days they
    /// fall on, wherever the user is (Los Angeles saw one on Nov 1 and lost Nov 2's).
    @Test(arguments: [("America/Los_Angeles", ["2026-03-01", "2026-03-02"]), ("UTC", ["2026-03-01", "2026-03-02"]), ("Asia/Tokyo", ["2026-03-02", "2026-03-03"])])
    func subDailySeriesLogEachOfTheUsersDays(_ zone: String, _ days: [String]) throws {
        let text = """
            BEGIN:VCALENDAR
            BEGIN:VEVENT
            UID:h1
            DTSTART:20260301T220000Z
            RRULE:FREQ=HOURLY;INTERVAL=5;COUNT=6
            ATTENDEE:mailto:dana@lee.example
            END:VEVENT
            END:VCALENDAR
            """
        let r = try importCalendars([], texts: [text], zone: zone)
        #expect(lines(r) == days.map { "\($0) meeting [1]" })
        #expect(Set(r.touches.map(\.sourceID)).count == r.touches.count)
    }

    /// The ids an older Tend gave such a series (each day of the slot on the user's day of its
    /// first occurrence) are given to the same days still, so that importing the file again adds
    /// only the days it missed; a day never gets a second meeting of the series.
    @Test func subDailyIdsKeepTheirDays() throws {
        let text = """
            BEGIN:VCALENDAR
            BEGIN:VEVENT
            UID:t2
            DTSTART:20260310T060000Z
            RRULE:FREQ=HOURLY;INTERVAL=12;COUNT=6
            ATTENDEE:mailto:dana@lee.example
            END:VEVENT
            END:VCALENDAR
            """
        let r = try importCalendars([], texts: [text], zone: "America/Los_Angeles")
        #expect(r.touches.map { "\($0.on) \($0.sourceID)" } == [
            "2026-03-09 ical:t2/20260310", "2026-03-10 ical:t2/20260311", "2026-03-11 ical:t2/20260312",
            "2026-03-12 ical:t2/20260312/20260312",
        ])
    }

    /// A file with CR line ends (classic Mac OS) is read; one cut short between events is an
    /// error (what it lost may be a cancelled occurrence of a series it holds).
    @Test func lineEndsAndCutFiles() throws {
        let event = "BEGIN:VEVENT\rUID:c1\rDTSTART:20260301T100000Z\rATTENDEE:mailto:dana@lee.example\rEND:VEVENT\r"
        let cr = try ICalendar.read(Array(("BEGIN:VCALENDAR\r" + event + "END:VCALENDAR\r").utf8))
        #expect(cr.events.count == 1 && cr.warnings.isEmpty)
        let cut = try ICalendar.read(Array(("BEGIN:VCALENDAR\r\n" + event.replacingOccurrences(of: "\r", with: "\r\n") + "BEGIN:V").utf8))
        #expect(cut.events.count == 1)
        #expect(cut.warnings.isEmpty && cut.errors.map(\.description) == ["file: the file ends before END:VCALENDAR: it may have been cut short"])
        // Calendars joined by `cat`, each with its byte order mark.
        let one = "\u{FEFF}BEGIN:VCALENDAR\r\n" + event.replacingOccurrences(of: "\r", with: "\r\n") + "END:VCALENDAR\r\n"
        let joined = try ICalendar.read(Array((one + one.replacingOccurrences(of: "c1", with: "c2")).utf8))
        #expect(joined.events.count == 2 && joined.warnings.isEmpty, "\(joined.warnings)")
        // Joined, the last of them cut: the file is cut.
        let cutJoined = try ICalendar.read(Array((one + one.replacingOccurrences(of: "c1", with: "c2").replacingOccurrences(of: "END:VCALENDAR\r\n", with: "")).utf8))
        #expect(cutJoined.errors.map(\.description) == ["file: the file ends before END:VCALENDAR: it may have been cut short"], "\(cutJoined.errors)")
    }

    /// The ids of a series repeating within a day do not depend on the order of its changed
    /// occurrences in the file, nor on whether one was moved since the last import; an all-day
    /// series' exception written as midnight takes out its day.
    @Test func idsDoNotDependOnTheFilesOrder() throws {
        let series = "BEGIN:VEVENT\nUID:s1\nDTSTART:20260310T080000Z\nRRULE:FREQ=HOURLY;INTERVAL=12;COUNT=2\nATTENDEE:mailto:dana@lee.example\nEND:VEVENT\n"
        let moved = "BEGIN:VEVENT\nUID:s1\nRECURRENCE-ID:20260310T080000Z\nDTSTART:20260310T090000Z\nATTENDEE:mailto:dana@lee.example\nEND:VEVENT\n"
        let plain = try importCalendars([], texts: ["BEGIN:VCALENDAR\n" + series + "END:VCALENDAR\n"], zone: "Asia/Tokyo")
        let changed = try importCalendars([], texts: ["BEGIN:VCALENDAR\n" + moved + series + "END:VCALENDAR\n"], zone: "Asia/Tokyo")
        #expect(plain.touches.map { "\($0.on) \($0.sourceID)" } == ["2026-03-10 ical:s1/20260310", "2026-03-11 ical:s1/20260310/20260311"])
        #expect(changed.touches.map { "\($0.on) \($0.sourceID)" } == plain.touches.map { "\($0.on) \($0.sourceID)" })
        let allDay = """
            BEGIN:VCALENDAR
            BEGIN:VEVENT
            UID:d5
            DTSTART;VALUE=DATE:20260310
            RRULE:FREQ=DAILY;COUNT=4
            EXDATE;TZID=Europe/Berlin:20260311T000000
            ATTENDEE:mailto:dana@lee.example
            END:VEVENT
            END:VCALENDAR
            """
        #expect(lines(try importCalendars([], texts: [allDay], zone: "America/Los_Angeles")) == ["2026-03-10 meeting [1]", "2026-03-12 meeting [1]", "2026-03-13 meeting [1]"])
    }

    /// A change for this and every later occurrence (RANGE=THISANDFUTURE) holds for the later
    /// ones too: their people, their note, and the day it moved them to.
    @Test func thisAndFutureChangesTheRestOfTheSeries() throws {
        let text = """
            BEGIN:VCALENDAR
            BEGIN:VEVENT
            UID:s2
            SUMMARY:Sync
            DTSTART:20260302T150000Z
            RRULE:FREQ=WEEKLY;COUNT=5
            ATTENDEE:mailto:dana@lee.example
            END:VEVENT
            BEGIN:VEVENT
            UID:s2
            RECURRENCE-ID;RANGE=THISANDFUTURE:20260309T150000Z
            SUMMARY:Sync with Tom
            DTSTART:20260310T150000Z
            ATTENDEE:mailto:tom@okafor.example
            END:VEVENT
            BEGIN:VEVENT
            UID:s2
            RECURRENCE-ID:20260323T150000Z
            SUMMARY:Just this once
            DTSTART:20260325T150000Z
            ATTENDEE:mailto:dana@lee.example
            END:VEVENT
            END:VCALENDAR
            """
        let r = try importCalendars([], texts: [text], zone: "UTC")
        #expect(lines(r) == [
            "2026-03-02 meeting [1] Sync", "2026-03-10 meeting [4] Sync with Tom", "2026-03-17 meeting [4] Sync with Tom",
            "2026-03-25 meeting [1] Just this once", "2026-03-31 meeting [4] Sync with Tom",
        ])
    }

    /// Control characters in a summary or a name never reach a note or a candidate.
    @Test func controlCharactersAreCleaned() throws {
        let text = """
            BEGIN:VCALENDAR
            BEGIN:VEVENT
            UID:x
            DTSTART:20260101T100000Z
            SUMMARY:Plan\\n\u{1B}[31mred\u{1B}[0m\\tand\u{202E}backwards\u{2028}next\u{200F}line
            ATTENDEE;CN="Evil\u{7}Name":mailto:evil@x.example
            ATTENDEE:mailto:dana@lee.example
            END:VEVENT
            END:VCALENDAR
            """
        let r = try importCalendars([], texts: [text], zone: "UTC")
        #expect(r.touches.first?.note == "Plan [31mred [0mtand backwards next line")
        #expect(r.candidates.first?.name == "Evil Name")
    }

    /// Who was not there and what is no one: an attendee who delegated the invitation is not
    /// at the meeting (the delegate is), nor am I when I delegated mine; Google's calendars
    /// (holidays, a team calendar) are neither people nor candidates; Outlook.com's
    /// `tzone://Microsoft/Utc` is UTC (a late meeting was read in the user's own zone, a day off).
    @Test func delegatesCalendarsAndOutlookUTC() throws {
        let text = """
            BEGIN:VCALENDAR
            BEGIN:VEVENT
            UID:delegated
            DTSTART:20260302T100000Z
            SUMMARY:Review
            ORGANIZER:mailto:me@example.com
            ATTENDEE;PARTSTAT=DELEGATED;DELEGATED-TO="mailto:tom@okafor.example":mailto:dana@lee.example
            ATTENDEE;PARTSTAT=ACCEPTED;DELEGATED-FROM="mailto:dana@lee.example":mailto:tom@okafor.example
            END:VEVENT
            BEGIN:VEVENT
            UID:i-delegated
            DTSTART:20260303T100000Z
            ORGANIZER:mailto:dana@lee.example
            ATTENDEE;PARTSTAT=DELEGATED:mailto:me@example.com
            END:VEVENT
            BEGIN:VEVENT
            UID:holiday
            DTSTART;VALUE=DATE:20260525
            SUMMARY:Memorial Day
            ORGANIZER;CN=Holidays in United States:mailto:en.usa#holiday@group.v.calendar.google.com
            END:VEVENT
            BEGIN:VEVENT
            UID:team
            DTSTART:20260304T100000Z
            ORGANIZER;CN=Sales team:mailto:c_abc123@group.calendar.google.com
            ATTENDEE:mailto:ana@park.example
            END:VEVENT
            BEGIN:VEVENT
            UID:outlook
            DTSTART;TZID="tzone://Microsoft/Utc":20260305T233000
            ATTENDEE:mailto:ana@park.example
            END:VEVENT
            END:VCALENDAR
            """
        let r = try importCalendars([], texts: [text], zone: "America/Los_Angeles")
        #expect(lines(r) == ["2026-03-02 meeting [4] Review", "2026-03-04 meeting [5]", "2026-03-05 meeting [5]"])
        #expect(r.skipped == [.declined: 1, .noOneElse: 1])
        #expect(r.candidates.isEmpty, "\(r.candidates)")
        #expect(r.warnings.isEmpty, "\(r.warnings)")
    }

    /// A time zone that cannot be read is no bad event: a warning, the import goes on (a review:
    /// an unused VTIMEZONE without TZOFFSETTO stopped the import once bad events did).
    @Test func aBrokenZoneIsAWarning() throws {
        let text = """
            BEGIN:VCALENDAR
            BEGIN:VTIMEZONE
            TZID:Unused/Zone
            BEGIN:STANDARD
            DTSTART:19701025T030000
            END:STANDARD
            END:VTIMEZONE
            BEGIN:VEVENT
            UID:fine
            DTSTART:20260302T100000Z
            ATTENDEE:mailto:tom@okafor.example
            END:VEVENT
            END:VCALENDAR
            """
        let calendar = try ICalendar.read(Array(text.utf8))
        #expect(calendar.errors.isEmpty && calendar.warnings.count == 1, "\(calendar.errors) \(calendar.warnings)")
        #expect(calendar.events.count == 1)
    }

    /// Someone on an event twice, as organizer and as an attendee who declined (Google writes
    /// the organizer's own answer so), is not at it (they were counted as met); nor am I when
    /// my attendee line declines an event I organized.
    @Test func anOrganizerWhoDeclinedIsNotMet() throws {
        let text = """
            BEGIN:VCALENDAR
            BEGIN:VEVENT
            UID:organizer-declined
            DTSTART:20260302T100000Z
            SUMMARY:Review
            ORGANIZER:mailto:dana@lee.example
            ATTENDEE;PARTSTAT=DECLINED:mailto:Dana@Lee.example
            ATTENDEE;PARTSTAT=ACCEPTED:mailto:tom@okafor.example
            ATTENDEE;PARTSTAT=ACCEPTED:mailto:me@example.com
            END:VEVENT
            BEGIN:VEVENT
            UID:i-declined-mine
            DTSTART:20260303T100000Z
            ORGANIZER:mailto:me@example.com
            ATTENDEE;PARTSTAT=DECLINED:mailto:me@example.com
            ATTENDEE;PARTSTAT=ACCEPTED:mailto:ana@park.example
            END:VEVENT
            END:VCALENDAR
            """
        let r = try importCalendars([], texts: [text], zone: "UTC")
        #expect(lines(r) == ["2026-03-02 meeting [4] Review"])
        #expect(r.skipped == [.declined: 1])
    }
}

/// A zone known only by its VTIMEZONE gives the offsets Foundation gives for the same zone.
@Suite struct CalendarZoneTests {
    @Test func definitionsAgreeWithFoundation() throws {
        let outlook = try ICalendar.read(fixture("outlook.ics"))
        let google = try ICalendar.read(fixture("google.ics"))
        for (definition, name, from) in [
            (outlook.zones["W. Europe Standard Time"]!, "Europe/Berlin", 1997), (google.zones["America/Los_Angeles"]!, "America/Los_Angeles", 2008),
        ] {
            let defined = DefinedZone(definition)
            let tz = TimeZone(identifier: name)!
            var seed: UInt64 = 99
            let start = LocalTime(day: Day(year: from, month: 1, day: 1)!).seconds
            let end = LocalTime(day: Day(year: 2036, month: 1, day: 1)!).seconds
            for _ in 0..<20_000 {
                seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                let u = start + Int(seed >> 20) % (end - start)
                let expected = tz.secondsFromGMT(for: Date(timeIntervalSince1970: Double(u)))
                guard defined.offset(atUTC: u) == expected else {
                    Issue.record("\(name) at \(LocalTime(seconds: u))Z: \(defined.offset(atUTC: u)) instead of \(expected)")
                    return
                }
            }
            // Exactly at the change: 01:00 UTC on the last Sunday of March 2026 in Europe.
            if name == "Europe/Berlin" {
                let change = LocalTime(day: day("2026-03-29"), time: 3600).seconds
                #expect(defined.offset(atUTC: change - 1) == 3600 && defined.offset(atUTC: change) == 7200)
            }
        }
    }

    /// A TZID that no VTIMEZONE defines and that Tend does not know is read as floating, and
    /// said once, with the line that first names it (it was read so without a word).
    @Test func anUnknownZoneIsAWarning() throws {
        let text = """
            BEGIN:VCALENDAR\r
            VERSION:2.0\r
            BEGIN:VEVENT\r
            UID:olympus\r
            DTSTART;TZID=Mars/Olympus:20260310T230000\r
            ORGANIZER:mailto:dana@lee.example\r
            END:VEVENT\r
            BEGIN:VEVENT\r
            UID:olympus-2\r
            DTSTART;TZID=Mars/Olympus:20260311T100000\r
            ORGANIZER:mailto:dana@lee.example\r
            END:VEVENT\r
            BEGIN:VEVENT\r
            UID:berlin\r
            DTSTART;TZID=Europe/Berlin:20260312T100000\r
            ORGANIZER:mailto:dana@lee.example\r
            END:VEVENT\r
            END:VCALENDAR\r

            """
        let r = try importCalendars([], texts: [text], zone: "Asia/Tokyo")
        #expect(r.touches.map(\.on) == [day("2026-03-10"), day("2026-03-11"), day("2026-03-12")])
        #expect(
            r.warnings.map(\.description) == [
                "line 5: the time zone \"Mars/Olympus\" is not known and no VTIMEZONE in the file defines it: its times are read as written, in your own time zone"
            ])
    }

    @Test func unknownZonesAreFloating() throws {
        let zones = CalendarZones(user: TimeZone(identifier: "Asia/Tokyo")!, definitions: [:])
        let t = CalendarTime(local: wall("20260210T230000"), zone: .named("Nowhere/Special"))
        #expect(zones.instant(t) == nil && zones.userDay(t) == day("2026-02-10"))
        let prefixed = CalendarTime(local: wall("20260210T230000"), zone: .named("/citadel.org/20190914_1/Europe/Berlin"))
        #expect(zones.userDay(prefixed) == day("2026-02-11"))
    }
}
