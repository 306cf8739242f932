import Foundation
import Testing

@testable import TendCore
@testable import TendInterchange

/// Many series are expanded on two threads, half each; what comes out is what one pass gives.
@Suite struct CalendarThreadsTests {
    /// A calendar of `count` series of every sort the importer tells apart: weekly ones with a
    /// stranger (named in one series, not in another), single meetings, cancelled, declined by
    /// me, in the future (planned), and daily ones with an exception and a moved occurrence.
    static func calendar(series count: Int) -> String {
        var text = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"
        for i in 0..<count {
            let uid = "UID:s\(i)@threads.example\r\n"
            let stranger = "ATTENDEE;CN=\(i % 3 == 0 && i % 37 < 10 ? "Stranger \(i % 7)" : ""):mailto:x\(i % 37)@out.example\r\n"
            let d = String(format: "202601%02d", i % 28 + 1)
            switch i % 6 {
            case 0:
                text += "BEGIN:VEVENT\r\n\(uid)DTSTART:\(d)T090000Z\r\nRRULE:FREQ=WEEKLY;COUNT=\(i % 30 + 2)\r\nSUMMARY:Weekly \(i)\r\n"
                text += "ATTENDEE:mailto:dana@lee.example\r\n\(stranger)END:VEVENT\r\n"
            case 1:
                text += "BEGIN:VEVENT\r\n\(uid)DTSTART:\(d)T120000Z\r\nSUMMARY:Lunch \(i)\r\nATTENDEE:mailto:mike@green.example\r\n\(stranger)END:VEVENT\r\n"
            case 2:
                text += "BEGIN:VEVENT\r\n\(uid)DTSTART:\(d)T120000Z\r\nSTATUS:CANCELLED\r\nATTENDEE:mailto:mike@green.example\r\nEND:VEVENT\r\n"
            case 3:
                text += "BEGIN:VEVENT\r\n\(uid)DTSTART:202607\(d.suffix(2))T100000Z\r\nSUMMARY:Plan \(i)\r\n"
                text += "ATTENDEE:mailto:tom@okafor.example\r\nATTENDEE:mailto:\(i % 2 == 0 ? "ana@park.example" : "x\(i % 37)@out.example")\r\nEND:VEVENT\r\n"
            case 4:
                text += "BEGIN:VEVENT\r\n\(uid)DTSTART:\(d)T080000Z\r\nRRULE:FREQ=DAILY;COUNT=20\r\nEXDATE:\(d)T080000Z\r\n"
                text += "SUMMARY:Daily \(i)\r\nATTENDEE:mailto:ana@park.example\r\n\(stranger)END:VEVENT\r\n"
                text += "BEGIN:VEVENT\r\n\(uid)RECURRENCE-ID:202602\(d.suffix(2))T080000Z\r\nDTSTART:202602\(d.suffix(2))T150000Z\r\n"
                text += "SUMMARY:Moved \(i)\r\nATTENDEE:mailto:joan@salon.example\r\nEND:VEVENT\r\n"
            default:
                text += "BEGIN:VEVENT\r\n\(uid)DTSTART:\(d)T120000Z\r\nATTENDEE;PARTSTAT=DECLINED:mailto:me@example.com\r\n"
                text += "ATTENDEE:mailto:dana@lee.example\r\nEND:VEVENT\r\n"
            }
        }
        return text + "END:VCALENDAR\r\n"
    }

    static func finish(_ text: String, twoThreadsFrom: Int, periods: Int = TouchImporter.periodBudget) throws -> TouchImport {
        let options = TouchOptions(today: day("2026-06-15"), timeZone: TimeZone(identifier: "Europe/Berlin")!, plan: true)
        var importer = TouchImporter(addressBook: touchBook(), options: options)
        importer.periodsLeft = periods
        importer.add(try ICalendar.read(Array(text.utf8)))
        return importer.finish(twoThreadsFrom: twoThreadsFrom)
    }

    static func expectSame(_ a: TouchImport, _ b: TouchImport) {
        #expect(a.touches == b.touches)
        #expect(a.planned == b.planned)
        #expect(a.candidates == b.candidates)
        #expect(a.sightings == b.sightings)
        #expect(a.skipped == b.skipped)
        // The cancelled one-off events, whose logged meetings an import removes (the halves'
        // were dropped: a calendar of 512 events or more removed none).
        #expect(Set(a.cancelledEvents) == Set(b.cancelledEvents) && Set(a.cancelledOccurrences) == Set(b.cancelledOccurrences))
    }

    @Test func twoThreadsGiveWhatOnePassGives() throws {
        let text = Self.calendar(series: 600)
        let one = try Self.finish(text, twoThreadsFrom: .max)
        let two = try Self.finish(text, twoThreadsFrom: 2)
        // The calendar has something of every sort, so the comparison compares something.
        #expect(one.touches.count > 1000 && one.planned.count == 2 && one.candidates.count == 37)
        #expect(one.candidates.contains { $0.name != nil } && one.candidates.contains { $0.name == nil })
        #expect(Set(one.skipped.keys) == [.cancelled, .declined])
        #expect(one.cancelledEvents.count == 100)
        Self.expectSame(one, two)
    }

    /// Series that together walk past the import's period budget: which are cut short depends on
    /// the order, so the import is expanded again in one pass.
    @Test func pastThePeriodBudgetOnePassDecides() throws {
        var text = "BEGIN:VCALENDAR\r\n"
        for i in 0..<20 {
            text += "BEGIN:VEVENT\r\nUID:m\(i)\r\nDTSTART:20260614T000000Z\r\nRRULE:FREQ=MINUTELY\r\n"
            text += "ATTENDEE:mailto:dana@lee.example\r\nATTENDEE:mailto:y\(i)@out.example\r\nEND:VEVENT\r\n"
        }
        text += "END:VCALENDAR\r\n"
        // Each walks some 2,760 minutes (to the first after today): ten fit in 30,000.
        let one = try Self.finish(text, twoThreadsFrom: .max, periods: 30_000)
        #expect(one.skipped[.tooLong] == 10)
        Self.expectSame(one, try Self.finish(text, twoThreadsFrom: 2, periods: 30_000))
    }

    /// Everything a read calendar holds, as text.
    static func contents(_ c: ICalendar.Calendar) -> [String] {
        c.events.map { "\($0)" } + c.zones.keys.sorted() + c.errors.map { "error \($0)" } + c.warnings.map { "warning \($0)" }
            + c.zonesNamed.map { "named \($0.id) \($0.origin)" }
    }

    /// A large file is read as two runs of lines, cut where an event begins; what comes out is
    /// what one run reads: events, zones (the first definition of one wins), errors and
    /// warnings with their lines and event numbers, the first line not in UTF-8. A file the cut
    /// would read otherwise (an event left open there, events begun in words the cut does not
    /// count) is read in one run.
    @Test func aLargeFileReadOnTwoThreadsReadsAsOneRun() throws {
        let body = Self.calendar(series: 600)
        let lines = body.components(separatedBy: "\r\n")
        let (head, tail) = (lines[..<(lines.count / 2 - 40)].joined(separator: "\r\n"), lines[(lines.count / 2 - 40)...].joined(separator: "\r\n"))
        let zone = "BEGIN:VTIMEZONE\r\nTZID:Office\r\nBEGIN:STANDARD\r\nDTSTART:19700101T000000\r\nTZOFFSETFROM:+0300\r\nTZOFFSETTO:+0300\r\nEND:STANDARD\r\nEND:VTIMEZONE\r\n"
        let odd = [
            "BEGIN:VEVENT\r\nUID:zoned-1\r\nDTSTART;TZID=Office:20260105T090000\r\nSUMMARY:Zoned\r\nATTENDEE:mailto:dana@lee.example\r\nEND:VEVENT\r\n",
            "BEGIN:VEVENT\r\nUID:broken-1\r\nSUMMARY:No start\r\nEND:VEVENT\r\n",
            "BEGIN:VEVENT\r\nUID:bad-line\r\nDTSTART:20260105T090000Z\r\nthis line has no colon\r\nEND:VEVENT\r\n",
            "BEGIN:VEVENT\r\nUID:latin-1\r\nDTSTART:20260106T090000Z\r\nSUMMARY:Caf\u{E9}\r\nEND:VEVENT\r\n",
            "BEGIN:VEVENT\r\nUID:named-again\r\nDTSTART;TZID=Nowhere/Else:20260107T090000\r\nEND:VEVENT\r\n",
        ].joined()
        func bytes(_ text: String) -> [UInt8] { Array(text.replacingOccurrences(of: "Caf\u{E9}", with: "Caf\u{1}").utf8).map { $0 == 1 ? 0xE9 : $0 } }
        let files = [
            // Cut between plain events, zones and oddities on both sides.
            head + "\r\n" + odd + zone + tail.replacingOccurrences(of: "END:VCALENDAR", with: odd + zone + "END:VCALENDAR"),
            // No END:VCALENDAR, and a file that begins with a byte order mark.
            "\u{FEFF}" + body.replacingOccurrences(of: "END:VCALENDAR\r\n", with: ""),
            // An event left open where the cut falls: read in one run.
            head + "\r\nBEGIN:VEVENT\r\nUID:open\r\nDTSTART:20260105T090000Z\r\n" + tail,
            // Events begun in lower case before the cut: counted otherwise, read in one run.
            head.replacingOccurrences(of: "BEGIN:VEVENT", with: "begin:vevent") + "\r\n" + tail,
        ]
        for (k, text) in files.enumerated() {
            let data = bytes(text)
            #expect(ICalendar.cut(data, from: 0) != nil)
            let one = try ICalendar.read(data, twoThreadsFrom: .max)
            let two = try ICalendar.read(data, twoThreadsFrom: 1)
            // Each file has what it is there for, so the comparison compares something.
            #expect(one.events.count > 500)
            // (The first file's warnings: its two lines that are no property, and its Latin-1 line.)
            // (The second's error: it ends before END:VCALENDAR.)
            #expect([!one.errors.isEmpty && one.warnings.count == 3 && one.zonesNamed.count == 2, one.errors.count == 1 && one.warnings.isEmpty, !one.errors.isEmpty, true][k])
            let (a, b) = (Self.contents(one), Self.contents(two))
            let firstDifference = zip(a, b).first { $0 != $1 }.map { "\($0)\n\($1)" } ?? "\(a.count) against \(b.count)"
            #expect(a == b, "file \(k): \(firstDifference)")
        }
    }
}
