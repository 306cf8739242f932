import Foundation
import TendCore

/// A DATE or DATE-TIME value of iCalendar as written: `20260310` (all day),
/// `20260310T090000` (floating: the same wall time wherever you are), `20260310T140000Z` (UTC),
/// or `DTSTART;TZID=America/New_York:20260310T090000` (a named zone).
public struct CalendarTime: Hashable, Sendable, CustomStringConvertible {
    public enum Zone: Hashable, Sendable {
        case floating, utc
        case named(String)
    }
    public var local: LocalTime
    public var allDay: Bool
    public var zone: Zone

    public init(local: LocalTime, allDay: Bool = false, zone: Zone = .floating) {
        self.local = local
        self.allDay = allDay
        self.zone = allDay ? .floating : zone
    }

    /// Reads `YYYYMMDD` or `YYYYMMDDTHHMMSS[Z]`; the shape decides whether it is a date, so a
    /// date written without `VALUE=DATE` still reads. A TZID is ignored on a date and on a UTC time.
    public init(parsing text: String, zone tzid: String?) throws(CalendarValueError) {
        let b = Array(text.utf8)
        func digits(_ r: Range<Int>) -> Int? {
            var n = 0
            for i in r {
                let d = b[i] &- 48
                guard d <= 9 else { return nil }
                n = n * 10 + Int(d)
            }
            return n
        }
        guard b.count == 8 || ((b.count == 15 || (b.count == 16 && b[15] | 0x20 == UInt8(ascii: "z"))) && b[8] | 0x20 == UInt8(ascii: "t")),
            let y = digits(0..<4), let m = digits(4..<6), let d = digits(6..<8), let day = Day(year: y, month: m, day: d)
        else { throw CalendarValueError("\"\(text.prefix(40))\" is not a date (YYYYMMDD) or date-time (YYYYMMDDTHHMMSS)") }
        if b.count == 8 {
            self.init(local: LocalTime(day: day), allDay: true)
            return
        }
        // A leap second (60) reads as 59: a touch is dated by the day.
        guard let hh = digits(9..<11), let mm = digits(11..<13), let ss = digits(13..<15), hh < 24, mm < 60, ss <= 60 else {
            throw CalendarValueError("\"\(text.prefix(40))\" has no valid time of day")
        }
        let zone: Zone = b.count == 16 ? .utc : tzid.map { .named($0) } ?? .floating
        self.init(local: LocalTime(day: day, time: hh * 3600 + mm * 60 + min(ss, 59)), zone: zone)
    }

    /// As written, with the zone: `20260310`, `20260310T090000Z`, `20260310T090000 (Europe/Paris)`.
    public var description: String {
        if allDay { return LocalTime.digits(local.day, time: nil) }
        switch zone {
        case .floating: return local.description
        case .utc: return local.description + "Z"
        case .named(let z): return "\(local) (\(z))"
        }
    }
}

/// iCalendar (RFC 5545) as calendar programs export it: folded lines (split anywhere, even
/// inside a UTF-8 character, as Outlook does), escaped text, parameters with quoted values,
/// nested components. Only what touches need is kept: each VEVENT's people, start, summary,
/// status and recurrence, and the VTIMEZONE definitions. Reading never crashes on bad input: a
/// bad event becomes an error that names the event and line, and the others are still read.
public enum ICalendar {
    /// An ORGANIZER or ATTENDEE.
    public struct Attendee: Hashable, Sendable {
        /// The e-mail address, lower-cased: the EMAIL parameter (Apple's) or the `mailto:` value.
        public var address: String
        /// The CN parameter, as written.
        public var name: String?
        /// PARTSTAT, upper-cased: NEEDS-ACTION (when absent), ACCEPTED, DECLINED, TENTATIVE, DELEGATED.
        public var participation = "NEEDS-ACTION"
        /// CUTYPE, upper-cased: INDIVIDUAL (when absent), GROUP, RESOURCE, ROOM, UNKNOWN.
        public var userType = "INDIVIDUAL"
        /// ROLE, upper-cased: REQ-PARTICIPANT (when absent), CHAIR, OPT-PARTICIPANT, NON-PARTICIPANT.
        public var role = "REQ-PARTICIPANT"
    }

    /// One VEVENT: a single event, a recurring series (its master), or one changed occurrence of
    /// a series (an override: it has a RECURRENCE-ID).
    public struct Event: Sendable {
        /// Where it starts: "event 3 (line 17)".
        public var origin: String
        public var uid: String?
        public var start: CalendarTime
        public var recurrenceID: CalendarTime?
        /// RECURRENCE-ID;RANGE=THISANDFUTURE: the change holds for this occurrence and every later one.
        public var thisAndFuture = false
        public var summary: String?
        /// STATUS, upper-cased: TENTATIVE, CONFIRMED, CANCELLED, or nil.
        public var status: String?
        public var sequence = 0
        public var organizer: Attendee?
        public var attendees: [Attendee] = []
        public var rules: [RecurrenceRule] = []
        /// RDATE: occurrences added to the rule's.
        public var dates: [CalendarTime] = []
        /// EXDATE: occurrences taken out.
        public var exceptions: [CalendarTime] = []

        public var recurs: Bool { !rules.isEmpty || !dates.isEmpty }

        /// Written by Outlook or Exchange (an `X-MICROSOFT-…` property of theirs).
        public var fromOutlook = false

        /// Cancelled: STATUS:CANCELLED, or a summary Outlook marked "Canceled: …" (it keeps
        /// STATUS:CONFIRMED in the calendars it publishes when the organizer cancels). Another
        /// program's event so named is as its STATUS says (someone may call a meeting so).
        public var isCancelled: Bool { status == "CANCELLED" || (fromOutlook && summary.flatMap(Event.withoutCancelMark) != nil) }

        /// The summary without the "Canceled: " (or "Cancelled: ") before it, or nil when it has none.
        public static func withoutCancelMark(_ summary: String) -> String? {
            for mark in ["canceled:", "cancelled:"] where summary.lowercased().hasPrefix(mark) {
                return String(summary.dropFirst(mark.count)).trimmingCharacters(in: .whitespaces)
            }
            return nil
        }
    }

    /// A VTIMEZONE: the offsets a zone keeps (STANDARD and DAYLIGHT), each from an onset that may recur.
    public struct ZoneDefinition: Sendable {
        public var id: String
        public var observances: [Observance] = []
    }

    /// One STANDARD or DAYLIGHT part of a VTIMEZONE.
    public struct Observance: Sendable {
        /// DTSTART: the first onset, in the wall time in force before it.
        public var start: LocalTime
        public var offsetFrom: Int
        public var offsetTo: Int
        public var rules: [RecurrenceRule] = []
        public var dates: [LocalTime] = []
    }

    /// What a file holds: its events, its time zone definitions, and the events that could not be read.
    public struct Calendar: Sendable {
        public var events: [Event] = []
        public var zones: [String: ZoneDefinition] = [:]
        public var errors: [ImportError] = []
        /// What was read with a guess: a file not in UTF-8, read as Windows-1252.
        public var warnings: [ImportError] = []
        /// Each TZID the events' times name, with where it is first named ("line 12"): a zone
        /// found nowhere is a warning once every file is in (`TouchImporter`).
        public var zonesNamed: [(id: String, origin: String)] = []
        public init() {}
    }

    /// A content line: `NAME;PARAM=a,"b:c":value`, with its line number.
    struct Property {
        var name: String
        var params: [(String, String)]
        var value: String
        var line: Int
        func param(_ key: String) -> String? { params.first { $0.0 == key }?.1 }
    }

    /// Reads a whole file. Throws only when it is not an iCalendar file at all. A large file is
    /// read as two runs of lines on two threads, cut where an event begins: the same events,
    /// errors and warnings as one run.
    public static func read(_ bytes: [UInt8]) throws -> Calendar { try read(bytes, twoThreadsFrom: bytesForTwoThreads) }

    /// How large a file makes it worth reading on two threads (about 1,500 events).
    static let bytesForTwoThreads = 1 << 20

    /// `read`, on two threads from this many bytes on.
    static func read(_ raw: [UInt8], twoThreadsFrom: Int) throws -> Calendar {
        if raw.isEmpty { throw ImportError("file", "the file is empty") }
        // Windows programs save "Unicode" text as UTF-16 with a byte order mark: read as UTF-8.
        let bytes = TextEncoding.startsAsUTF16(raw) ? try TextEncoding.unicode(raw, what: "file") : raw
        if bytes.prefix(4096).contains(0) { throw ImportError("file", "this is a binary file, not an iCalendar file") }
        // A UTF-8 byte order mark is not part of the first line.
        let start = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        // Lines end at LF or CRLF; in a file without a LF (classic Mac OS), at CR.
        let lineEnd = bytes.contains(UInt8(ascii: "\n")) ? UInt8(ascii: "\n") : UInt8(ascii: "\r")
        var runs = [LineRun()]
        if bytes.count >= twoThreadsFrom, ProcessInfo.processInfo.activeProcessorCount > 1, lineEnd == UInt8(ascii: "\n"),
            let cut = cut(bytes, from: start)
        {
            // The second run starts inside the calendar, with as many events and lines before it as the first one reads.
            let before = bytes[start..<cut]
            var second = LineRun(firstLine: before.reduce(0) { $0 + ($1 == lineEnd ? 1 : 0) })
            second.reader.stack = ["VCALENDAR"]
            second.reader.eventCount = eventBegins(before)
            let boxes = [LineRunBox(runs[0]), LineRunBox(second)]
            let parts = [before, bytes[cut...]]
            DispatchQueue.concurrentPerform(iterations: 2) { k in boxes[k].run.read(parts[k], lineEnd: lineEnd) }
            let first = boxes[0].run.reader
            // Read as one run would have read it only if the first run ended where the second began.
            if first.stack == ["VCALENDAR"], first.event == nil, first.zone == nil, first.observance == nil,
                first.eventCount == second.reader.eventCount
            {
                runs = boxes.map(\.run)
            } else {
                runs[0].read(bytes[start...], lineEnd: lineEnd)
            }
        } else {
            runs[0].read(bytes[start...], lineEnd: lineEnd)
        }
        guard runs[0].sawCalendar else { throw ImportError("line 1", "this is not an iCalendar file (expected BEGIN:VCALENDAR)") }
        let cutInsideAnEvent = runs[runs.count - 1].reader.event != nil
        runs[runs.count - 1].reader.finish()
        var calendar = runs[0].reader.calendar
        for r in runs.dropFirst() {
            calendar.events += r.reader.calendar.events
            for (id, z) in r.reader.calendar.zones where calendar.zones[id] == nil { calendar.zones[id] = z }
            calendar.errors += r.reader.calendar.errors
            calendar.warnings += r.reader.calendar.warnings
            for z in r.reader.calendar.zonesNamed where !calendar.zonesNamed.contains(where: { $0.id == z.id }) { calendar.zonesNamed.append(z) }
        }
        if let warning = runs.lazy.compactMap(\.warning).first { calendar.warnings.append(warning) }
        // A file cut between two events reads whole, but what it lost (a later event, a moved or
        // cancelled occurrence of a series read) would be logged wrong: it stops the import as a
        // cut event does (which says so itself). Calendars joined by `cat` are whole when the
        // last of them ends.
        if runs.compactMap(\.endedLast).last != true {
            let cut = ImportError("file", "the file ends before END:VCALENDAR: it may have been cut short")
            if cutInsideAnEvent { calendar.warnings.append(cut) } else { calendar.errors.append(cut) }
        }
        return calendar
    }

    /// Lines of a file read in order by one `Reader`.
    struct LineRun {
        var reader = Reader()
        /// Lines before the run's first (its lines are numbered from the next).
        var firstLine = 0
        /// The run's first line is the file's: it says whether the file is a calendar.
        var first: Bool
        var sawCalendar = false
        /// Whether the last BEGIN:VCALENDAR or END:VCALENDAR of the run was the END (nil: neither).
        var endedLast: Bool?
        /// The first line that was not UTF-8.
        var warning: ImportError?

        init(firstLine: Int = 0) {
            self.firstLine = firstLine
            first = firstLine == 0
        }

        mutating func read(_ bytes: ArraySlice<UInt8>, lineEnd: UInt8) {
            ICalendar.forEachUnfoldedLine(bytes, lineEnd: lineEnd, firstLine: firstLine) { unfolded, number in
                // Calendars are UTF-8 by the standard (checked once lines are unfolded: a fold may
                // split a character); an older Windows program's are Windows-1252.
                var line = unfolded
                if !unfolded.allSatisfy({ $0 < 0x80 }), String(validating: unfolded, as: UTF8.self) == nil {
                    line = Array(TextEncoding.windows1252(Array(unfolded)).utf8)[...]
                    if warning == nil {
                        warning = ImportError("line \(number)", "the file is not UTF-8: read as Windows-1252 (Latin-1); check accented letters")
                    }
                }
                guard let p = ICalendar.parseLine(line, number) else {
                    if first { first = false }
                    reader.malformed(line, number)
                    return
                }
                if first {
                    first = false
                    sawCalendar = p.name == "BEGIN" && p.value.trimmed.uppercased() == "VCALENDAR"
                }
                if p.name == "END" || p.name == "BEGIN", p.value.trimmed.uppercased() == "VCALENDAR" { endedLast = p.name == "END" }
                reader.take(p)
            }
        }
    }

    /// Where a second run of lines may start: the first line from the middle on that is exactly
    /// BEGIN:VEVENT. Nil when there is none.
    static func cut(_ bytes: [UInt8], from start: Int) -> Int? {
        let word = Array("\nBEGIN:VEVENT".utf8)
        var i = max(start, start + (bytes.count - start) / 2)
        while i + word.count < bytes.count {
            guard let n = bytes[i...].firstIndex(of: UInt8(ascii: "\n")) else { return nil }
            if n + word.count <= bytes.count, bytes[n..<(n + word.count)].elementsEqual(word),
                n + word.count == bytes.count || bytes[n + word.count] == UInt8(ascii: "\r") || bytes[n + word.count] == UInt8(ascii: "\n")
            {
                return n + 1
            }
            i = n + 1
        }
        return nil
    }

    /// How many lines are exactly BEGIN:VEVENT (as a `Reader` counts the events begun, but for
    /// lines written otherwise; the caller checks that the counts agree).
    static func eventBegins(_ bytes: ArraySlice<UInt8>) -> Int {
        let word = Array("BEGIN:VEVENT".utf8)
        var n = 0
        var lineStart = bytes.startIndex
        while lineStart < bytes.endIndex {
            let end = bytes[lineStart...].firstIndex(of: UInt8(ascii: "\n")) ?? bytes.endIndex
            var last = end
            if last > lineStart, bytes[last - 1] == UInt8(ascii: "\r") { last -= 1 }
            if bytes[lineStart..<last].elementsEqual(word) { n += 1 }
            lineStart = end + 1
        }
        return n
    }

    /// Reads a `.ics` file, or every `.ics` file in a folder and its subfolders (a calendar
    /// synchronised one event per file, as vdirsyncer and khal keep it), in path order. A folder's
    /// events and zones are gathered into one calendar; each error names its file.
    public static func read(path: String) throws -> Calendar {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else { throw ImportError(path, "no such file or folder") }
        guard isFolder.boolValue else { return try read(file: path) }
        let files = (FileManager.default.enumerator(atPath: path)?.compactMap { $0 as? String } ?? [])
            .filter { $0.lowercased().hasSuffix(".ics") }.sorted()
        guard !files.isEmpty else { throw ImportError(path, "the folder holds no .ics file") }
        var all = Calendar()
        for file in files {
            let full = PathName.joined(path, file)
            var isSub: ObjCBool = false
            guard FileManager.default.fileExists(atPath: full, isDirectory: &isSub), !isSub.boolValue else { continue }
            do {
                let c = try read(file: full)
                all.events += c.events
                all.zones.merge(c.zones) { first, _ in first }
                all.errors += c.errors.map { ImportError("\(file): \($0.origin)", field: $0.field, $0.message) }
                all.warnings += c.warnings.map { ImportError("\(file): \($0.origin)", field: $0.field, $0.message) }
                all.zonesNamed += c.zonesNamed.map { ($0.id, "\(file): \($0.origin)") }
            } catch let e as ImportError {
                // A file of the folder that is no calendar (empty, cut, binary) is passed over and named.
                // (An error about the file as a whole names it by its path: said once, `fifo.ics: …`.)
                let origin = e.origin == full || e.origin == "file" ? file : "\(file): \(e.origin)"
                all.warnings.append(ImportError(origin, field: e.field, e.message + "; the file was passed over"))
            }
        }
        return all
    }

    private static func read(file: String) throws -> Calendar { try read(Mailbox.contents(of: file)) }

    /// Calls `body` with each logical line (folds joined, at the byte level) and its first line
    /// number, counted from `firstLine`. Blank lines are passed over.
    static func forEachUnfoldedLine(
        _ bytes: ArraySlice<UInt8>, lineEnd: UInt8, firstLine: Int = 0, _ body: (ArraySlice<UInt8>, Int) -> Void
    ) {
        var logical: [UInt8] = []
        var logicalLine = 0
        var number = firstLine
        var start = bytes.startIndex
        func flush() {
            if !logical.isEmpty { body(logical[...], logicalLine) }
            logical.removeAll(keepingCapacity: true)
        }
        while start < bytes.endIndex {
            number += 1
            var end = bytes[start...].firstIndex(of: lineEnd) ?? bytes.endIndex
            let next = end + 1
            if end > start, bytes[end - 1] == UInt8(ascii: "\r") { end -= 1 }
            if start < end, bytes[start] == UInt8(ascii: " ") || bytes[start] == UInt8(ascii: "\t"), !logical.isEmpty {
                logical.append(contentsOf: bytes[(start + 1)..<end])
            } else {
                flush()
                // A byte order mark begins each file `cat` joined.
                let bom = bytes[start..<end].starts(with: TextEncoding.utf8BOM) ? 3 : 0
                logical.append(contentsOf: bytes[(start + bom)..<end])
                logicalLine = number
            }
            start = next
        }
        flush()
    }

    /// Splits a content line into name, parameters and value; nil when it has no colon. Parameter
    /// values may be quoted (`CN="Doe, Jane"`), and quotes may hide `;`, `:` and `,`.
    static func parseLine(_ line: ArraySlice<UInt8>, _ number: Int) -> Property? {
        var params: [(String, String)] = []
        var i = line.startIndex
        func text(_ r: Range<Int>) -> String { String(decoding: line[r], as: UTF8.self) }
        while i < line.endIndex, line[i] != UInt8(ascii: ";"), line[i] != UInt8(ascii: ":") { i += 1 }
        guard i < line.endIndex, i > line.startIndex else { return nil }
        let name = text(line.startIndex..<i).uppercased()
        while i < line.endIndex, line[i] == UInt8(ascii: ";") {
            i += 1
            let keyStart = i
            while i < line.endIndex, line[i] != UInt8(ascii: "="), line[i] != UInt8(ascii: ":"), line[i] != UInt8(ascii: ";") { i += 1 }
            let key = text(keyStart..<i).uppercased()
            var value = ""
            if i < line.endIndex, line[i] == UInt8(ascii: "=") {
                i += 1
                var values: [String] = []
                repeat {
                    if i < line.endIndex, line[i] == UInt8(ascii: ",") { i += 1 }
                    if i < line.endIndex, line[i] == UInt8(ascii: "\"") {
                        let from = i + 1
                        i = line[from...].firstIndex(of: UInt8(ascii: "\"")) ?? line.endIndex
                        values.append(text(from..<i))
                        if i < line.endIndex { i += 1 }
                    } else {
                        let from = i
                        while i < line.endIndex, line[i] != UInt8(ascii: ","), line[i] != UInt8(ascii: ";"), line[i] != UInt8(ascii: ":") { i += 1 }
                        values.append(text(from..<i))
                    }
                } while i < line.endIndex && line[i] == UInt8(ascii: ",")
                value = values.joined(separator: ",")
            }
            params.append((key, value))
        }
        guard i < line.endIndex, line[i] == UInt8(ascii: ":") else { return nil }
        return Property(name: name, params: params, value: text((i + 1)..<line.endIndex), line: number)
    }

    /// TEXT values: `\n` and `\N` are new lines; `\,` `\;` `\\` are the characters.
    static func unescape(_ s: String) -> String { unescape(s, "\\", ["n": "\n", "N": "\n"], keepingUnknown: false) }

    /// RFC 6868's escapes in parameter values: `^n` a new line, `^'` a double quote, `^^` a caret.
    static func unescapeParameter(_ s: String) -> String { unescape(s, "^", ["n": "\n", "'": "\"", "^": "^"], keepingUnknown: true) }

    /// Undoes one escape character: each pair it starts reads as the table says; another pair
    /// reads as its second character, or (`keepingUnknown`) stays as written.
    private static func unescape(_ s: String, _ escape: Character, _ table: [Character: String], keepingUnknown: Bool) -> String {
        guard s.contains(escape) else { return s }
        var out = ""
        var escaped = false
        for ch in s {
            if escaped {
                out += table[ch] ?? (keepingUnknown ? "\(escape)\(ch)" : "\(ch)")
                escaped = false
            } else if ch == escape {
                escaped = true
            } else {
                out.append(ch)
            }
        }
        return escaped && keepingUnknown ? out + "\(escape)" : out
    }
}

// MARK: - Components

extension ICalendar {
    /// Follows BEGIN/END and gathers each VEVENT's and each VTIMEZONE part's properties; a
    /// component is built when it ends. Properties of other components (a VALARM's ATTENDEE, who
    /// gets the reminder, among them) are passed over.
    struct Reader {
        var calendar = Calendar()
        var stack: [String] = []
        var eventCount = 0
        var event: (props: [Property], origin: String)?
        var zone: ZoneDefinition?
        var zoneLine = 0
        var observance: [Property]?

        /// The VEVENT properties that touches use; the rest (DESCRIPTION, often long, among them) are not kept.
        static let eventProperties: Set<String> = [
            "UID", "DTSTART", "RECURRENCE-ID", "SUMMARY", "STATUS", "SEQUENCE", "ORGANIZER", "ATTENDEE", "RRULE", "RDATE", "EXDATE",
            "X-MICROSOFT-CDO-ALLDAYEVENT",
        ]

        mutating func take(_ p: Property) {
            switch p.name {
            case "BEGIN": begin(p.value.trimmed.uppercased(), p.line)
            case "END": end(p.value.trimmed.uppercased(), p.line)
            default:
                switch stack.last {
                case "VEVENT":
                    // Outlook's and Exchange's own lines are kept for what they say of the event's
                    // writer (`Event.fromOutlook`), not their values.
                    guard Self.eventProperties.contains(p.name) || p.name.hasPrefix("X-MICROSOFT-"), event != nil else { break }
                    event!.props.append(p)
                    noteZone(p)
                case "VTIMEZONE": if p.name == "TZID" { zone?.id = p.value }
                case "STANDARD", "DAYLIGHT": observance?.append(p)
                default: break
                }
            }
        }

        /// Keeps where a time's TZID is first named; a date or a UTC time has no zone.
        mutating func noteZone(_ p: Property) {
            guard ["DTSTART", "RECURRENCE-ID", "RDATE", "EXDATE"].contains(p.name), let id = p.param("TZID") else { return }
            let first = p.value.split(separator: ",").first?.trimmingCharacters(in: .whitespaces) ?? ""
            guard first.contains("T"), !first.hasSuffix("Z"), !calendar.zonesNamed.contains(where: { $0.id == id }) else { return }
            calendar.zonesNamed.append((id, "line \(p.line)"))
        }

        /// A line that is no property. Inside an event it is a warning and the event is kept:
        /// exporters write a description's line breaks raw, and Tend reads no description (a
        /// line that broke a property Tend reads leaves that property out, which says so then).
        mutating func malformed(_ line: ArraySlice<UInt8>, _ number: Int) {
            let shown = String(decoding: line.prefix(40), as: UTF8.self).debugDescription
            if let e = event {
                calendar.warnings.append(ImportError(e.origin, "line \(number) is not NAME:VALUE, and was passed over: \(shown)"))
            } else if !stack.isEmpty {
                calendar.errors.append(ImportError("line \(number)", "expected NAME:VALUE, found \(shown)"))
            }
        }

        private mutating func begin(_ name: String, _ line: Int) {
            switch name {
            case "VEVENT":
                if let e = event { calendar.errors.append(ImportError(e.origin, "no END:VEVENT before the next BEGIN:VEVENT")) }
                eventCount += 1
                event = ([], "event \(eventCount) (line \(line))")
            case "VTIMEZONE":
                zone = ZoneDefinition(id: "")
                zoneLine = line
            case "STANDARD", "DAYLIGHT":
                if stack.last == "VTIMEZONE" { observance = [] }
            default: break
            }
            stack.append(name)
        }

        private mutating func end(_ name: String, _ line: Int) {
            guard let at = stack.lastIndex(of: name) else {
                calendar.errors.append(ImportError("line \(line)", "END:\(name) without BEGIN:\(name)"))
                return
            }
            // Components left open inside this one end with it.
            while stack.count > at { close(stack.removeLast()) }
        }

        private mutating func close(_ name: String) {
            switch name {
            case "VEVENT":
                guard let e = event else { return }
                do { calendar.events.append(try ICalendar.event(e.props, origin: e.origin)) } catch { calendar.errors.append(error) }
                event = nil
            case "STANDARD", "DAYLIGHT":
                guard let props = observance else { return }
                do { zone?.observances.append(try ICalendar.observance(props)) } catch {
                    // A zone definition is no event: what it breaks is said, and its events read as the zone's
                    // name says (Tend's own zones) or as floating times.
                    calendar.warnings.append(ImportError("time zone \(zone?.id ?? "") (line \(zoneLine))", field: name, error.message + "; not used"))
                }
                observance = nil
            case "VTIMEZONE":
                if let z = zone, !z.id.isEmpty, !z.observances.isEmpty, calendar.zones[z.id] == nil { calendar.zones[z.id] = z }
                zone = nil
            default: break
            }
        }

        mutating func finish() {
            if let e = event { calendar.errors.append(ImportError(e.origin, "the file ends before END:VEVENT")) }
            event = nil
        }
    }

    /// Builds an event from its properties; the first bad one makes the whole event an error.
    static func event(_ props: [Property], origin: String) throws(ImportError) -> Event {
        guard let startProp = props.first(where: { $0.name == "DTSTART" }) else { throw ImportError(origin, "the event has no DTSTART") }
        var current = startProp
        do {
            var event = Event(origin: origin, start: try CalendarTime(parsing: startProp.value.trimmed, zone: startProp.param("TZID")))
            for p in props {
                current = p
                try apply(p, to: &event)
            }
            // Outlook and Exchange write an all-day event as midnight to midnight in the
            // organizer's zone: it is the day written, wherever the user is (it moved a day west).
            if props.contains(where: { $0.name == "X-MICROSOFT-CDO-ALLDAYEVENT" && $0.value.trimmed.uppercased() == "TRUE" }) {
                func day(_ t: CalendarTime) -> CalendarTime { t.allDay ? t : CalendarTime(local: LocalTime(day: t.local.day), allDay: true) }
                event.start = day(event.start)
                event.recurrenceID = event.recurrenceID.map(day)
                event.dates = event.dates.map(day)
                event.exceptions = event.exceptions.map(day)
            }
            return event
        } catch {
            throw ImportError(origin, field: current.name, error.message)
        }
    }

    /// Reads one property into the event.
    private static func apply(_ p: Property, to event: inout Event) throws(CalendarValueError) {
        switch p.name {
        case "UID": event.uid = p.value.trimmed
        case "RECURRENCE-ID":
            event.recurrenceID = try CalendarTime(parsing: p.value.trimmed, zone: p.param("TZID"))
            event.thisAndFuture = p.param("RANGE")?.trimmed.uppercased() == "THISANDFUTURE"
        case "SUMMARY": event.summary = unescape(p.value)
        case "STATUS": event.status = p.value.trimmed.uppercased()
        case "SEQUENCE": event.sequence = Int(p.value.trimmed) ?? 0
        case let name where name.hasPrefix("X-MICROSOFT-"): event.fromOutlook = true
        case "ORGANIZER": event.organizer = attendee(p)
        case "ATTENDEE": if let a = attendee(p) { event.attendees.append(a) }
        case "RRULE":
            let rule = try RecurrenceRule(parsing: p.value.trimmed)
            if rule.frequency < .daily && event.start.allDay {
                throw CalendarValueError("FREQ=\(rule.frequency.name) needs a start with a time of day")
            }
            event.rules.append(rule)
        case "RDATE": event.dates += try timeList(p)
        case "EXDATE": event.exceptions += try timeList(p)
        default: break
        }
    }

    /// RDATE and EXDATE: a comma-separated list; a PERIOD (`start/end`) counts by its start.
    static func timeList(_ p: Property) throws(CalendarValueError) -> [CalendarTime] {
        var out: [CalendarTime] = []
        for item in p.value.split(separator: ",") {
            let start = item.split(separator: "/", maxSplits: 1).first ?? item
            out.append(try CalendarTime(parsing: String(start).trimmed, zone: p.param("TZID")))
        }
        return out
    }

    /// An ORGANIZER or ATTENDEE with an e-mail address; nil for one without (`invalid:nomail`, a URN alone).
    static func attendee(_ p: Property) -> Attendee? {
        var address = p.param("EMAIL") ?? p.value
        address = address.trimmed
        if address.lowercased().hasPrefix("mailto:") { address = String(address.dropFirst(7)).trimmed }
        guard let at = address.firstIndex(of: "@"), at > address.startIndex, address.index(after: at) < address.endIndex,
            !address.contains(where: { $0 == " " || $0 == "<" || $0 == ">" })
        else { return nil }
        var a = Attendee(address: address.lowercased())
        if let cn = p.param("CN").map(unescapeParameter)?.trimmed, !cn.isEmpty { a.name = cn }
        if let s = p.param("PARTSTAT")?.uppercased(), !s.isEmpty { a.participation = s }
        if let s = p.param("CUTYPE")?.uppercased(), !s.isEmpty { a.userType = s }
        if let s = p.param("ROLE")?.uppercased(), !s.isEmpty { a.role = s }
        return a
    }

    /// A STANDARD or DAYLIGHT part: DTSTART and TZOFFSETTO are required, TZOFFSETFROM defaults to TZOFFSETTO.
    static func observance(_ props: [Property]) throws(CalendarValueError) -> Observance {
        func value(_ name: String) -> String? { props.first { $0.name == name }?.value.trimmed }
        guard let startText = value("DTSTART"), let toText = value("TZOFFSETTO") else {
            throw CalendarValueError("DTSTART and TZOFFSETTO are required")
        }
        let to = try offset(toText)
        var o = Observance(
            start: try CalendarTime(parsing: startText, zone: nil).local, offsetFrom: try value("TZOFFSETFROM").map(offset) ?? to, offsetTo: to)
        for p in props {
            if p.name == "RRULE" { o.rules.append(try RecurrenceRule(parsing: p.value.trimmed)) }
            if p.name == "RDATE" { o.dates += try timeList(p).map(\.local) }
        }
        return o
    }

    /// `+0100`, `-0500`, `+053000`: seconds east of UTC.
    static func offset(_ text: String) throws(CalendarValueError) -> Int {
        let b = Array(text.utf8)
        guard b.count == 5 || b.count == 7, b[0] == UInt8(ascii: "+") || b[0] == UInt8(ascii: "-"),
            b.dropFirst().allSatisfy({ $0 &- 48 <= 9 })
        else { throw CalendarValueError("\"\(text.prefix(20))\" is not a UTC offset such as +0100") }
        let d = b.dropFirst().map { Int($0 - 48) }
        let seconds = (d[0] * 10 + d[1]) * 3600 + (d[2] * 10 + d[3]) * 60 + (d.count == 6 ? d[4] * 10 + d[5] : 0)
        guard seconds < 86_400 else { throw CalendarValueError("\(text) is a day or more from UTC") }
        return b[0] == UInt8(ascii: "-") ? -seconds : seconds
    }
}

extension Day {
    /// `20261123`: the day in iCalendar's basic format. (Foundation's `replacingOccurrences`
    /// took a tenth of a 10,000-event import here.)
    var iCalendarDate: String {
        var text = description
        text.removeAll { $0 == "-" }
        return text
    }
}

/// A run of lines one thread of `ICalendar.read` reads.
private final class LineRunBox: @unchecked Sendable {
    var run: ICalendar.LineRun
    init(_ run: ICalendar.LineRun) { self.run = run }
}
