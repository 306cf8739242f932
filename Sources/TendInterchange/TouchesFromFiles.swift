import Foundation
import TendCore

/// Who is who, by e-mail address: each contact's addresses (a contact may have several, and two
/// contacts may share one), and the user's own, which are never a contact.
public struct AddressBook: Sendable {
    private var contacts: [String: [Int64]] = [:]
    private var mine: Set<String> = []

    public init() {}

    /// Addresses are matched lower-cased and trimmed, with any `mailto:` dropped.
    static func normalize(_ address: String) -> String {
        var a = address.trimmed.lowercased()
        if a.hasPrefix("mailto:") { a = String(a.dropFirst(7)).trimmed }
        return a
    }

    public mutating func add(_ address: String, contact: Int64) {
        let a = Self.normalize(address)
        guard !a.isEmpty, !(contacts[a]?.contains(contact) ?? false) else { return }
        contacts[a, default: []].append(contact)
    }

    public mutating func addMine(_ address: String) {
        let a = Self.normalize(address)
        if !a.isEmpty { mine.insert(a) }
    }

    public var myAddresses: Set<String> { mine }

    /// The contacts with this address; none for one of mine.
    public func contacts(for address: String) -> [Int64] { mine.contains(address) ? [] : contacts[address] ?? [] }
    public func isMine(_ address: String) -> Bool { mine.contains(address) }
}

/// How touches are read: "today" (injected, never the clock), the user's time zone (a meeting is
/// dated by the user's calendar day), and the import's options.
public struct TouchOptions: Sendable {
    public var today: Day
    public var timeZone: TimeZone
    /// Events after today set the matched contacts' next step instead of being left out.
    public var plan = false
    /// Summaries are not copied into notes (nor into next steps).
    public var noNotes = false

    public init(today: Day, timeZone: TimeZone, plan: Bool = false, noNotes: Bool = false) {
        self.today = today
        self.timeZone = timeZone
        self.plan = plan
        self.noNotes = noNotes
    }

    /// The user's calendar day at an instant (seconds since 1970 UTC).
    func day(at instant: Int) -> Day {
        LocalTime(seconds: instant + timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(instant)))).day
    }
}

/// One interaction to log: a meeting from a calendar or an e-mail from a mailbox.
public struct ImportedTouch: Hashable, Sendable {
    public enum Kind: String, Sendable { case meeting, email }
    public var kind: Kind
    public var on: Day
    /// Contact ids, ascending.
    public var people: [Int64]
    public var note: String?
    /// They reached out: an e-mail a contact sent me.
    public var inbound: Bool
    /// What makes a second import of the same item add nothing: `ical:UID/DAY` (an event, by
    /// the day it starts on as its own zone writes it, so that importing from another time zone
    /// gives the same id; an occurrence of a series by the day of the slot it fills),
    /// `mail:MESSAGE-ID`.
    public var sourceID: String
    /// A meeting's event, `ical:UID`: the prefix of its source id.
    public var event: String? = nil
    /// A meeting of an event that does not repeat: moved to another day, it is still this meeting.
    public var oneOff = false
    /// For an occurrence of a series moved off its slot (RECURRENCE-ID) to another day, the
    /// day of the slot as the user's zone sees it: a meeting logged for it on that day moves with
    /// it (one logged on another day, seen from another time zone, stays).
    public var movedFrom: Day?
    /// Contacts the event lists as having declined or delegated it: not at the meeting, so taken
    /// off one logged before they declined.
    public var declined: [Int64] = []

    /// The meeting, as it stays when moved: the event of a one-off, else the source id.
    public var origin: String { oneOff ? event ?? sourceID : sourceID }
}

/// A contact's next step from the first event with them after today (with `plan`).
public struct PlannedStep: Hashable, Sendable {
    public var contact: Int64
    public var step: String
    public var due: Day
    public var sourceID: String
    /// The meeting, as it stays when moved: a one-off event's `ical:UID`, a series' occurrence's
    /// source id (`ImportedTouch.origin`).
    public var origin: String
    /// The event's summary, notes or not (a cancelled meeting's step is found by it).
    public var summary: String?

    /// Whether a contact's next step is the one planned from this step's event: its summary
    /// (with or without the "Canceled: " Outlook puts before a cancelled meeting's), or
    /// "Meeting", as `plan` writes it with or without `no_notes`.
    public func isPlanned(as text: String) -> Bool {
        if text == step || text == "Meeting" { return true }
        guard let summary else { return false }
        return text == (ICalendar.Event.withoutCancelMark(summary) ?? summary)
    }
}

/// Someone met or written to who is not in Tend, by address.
public struct Candidate: Hashable, Sendable {
    public var address: String
    public var name: String?
    /// How many meetings and messages they were part of.
    public var count: Int
    public var firstSeen: Day
    public var lastSeen: Day

    /// The statement that adds them: `add "Jane Doe" email: "jane@x.org"`.
    public var addLine: String { CandidateCount.addLine(name, address: address) }

    /// The name as written, or one made from the address (`jane.doe@x.org` → Jane Doe) when there is none.
    public var displayName: String { CandidateCount.displayName(name, address: address) }
}

/// One time someone not in Tend was met or written to. Stored unique by address and source id,
/// sightings make `report candidates` come out the same however often a file is imported, and
/// the items stay importable: once the person is added, importing the file again logs the touches.

/// Why a meeting or a message gave no touch. A recurring series left out whole counts once.
public enum SkipReason: String, CaseIterable, Comparable, Sendable {
    case noOneElse = "no one else was invited"
    case noRecipient = "sent to no one else"
    case noContact = "no one in Tend"
    case cancelled = "cancelled"
    case declined = "declined by me"
    case future = "after today"
    case duplicate = "already seen in this import"
    case mailingList = "from a mailing list"
    case bulk = "bulk mail or newsletter"
    case automatic = "sent automatically"
    case noReply = "from a no-reply address"
    case notMine = "neither from me nor to me"
    case noSender = "no From address"
    case noDate = "no date"
    case draft = "draft (never sent)"
    case junk = "junk, spam or deleted"
    case tooLong = "recurrence cut short (too many repetitions)"

    /// How the report counts it: `1 draft (never sent)`, `2 drafts (never sent)`.
    public func counted(_ n: Int) -> String {
        guard n != 1 else { return "1 \(rawValue)" }
        switch self {
        case .draft: return "\(n) drafts (never sent)"
        case .mailingList: return "\(n) from mailing lists"
        case .bulk: return "\(n) bulk mail or newsletters"
        case .noReply: return "\(n) from no-reply addresses"
        case .tooLong: return "\(n) recurrences cut short (too many repetitions)"
        default: return "\(n) \(rawValue)"
        }
    }

    public static func < (a: SkipReason, b: SkipReason) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}

/// What an import of calendars and mailboxes found.
public struct TouchImport: Sendable {
    /// In date order (then by source id).
    public var touches: [ImportedTouch] = []
    /// One per contact: the earliest future event with them.
    public var planned: [PlannedStep] = []
    /// With `plan`: the steps the cancelled or declined occurrences after today would have been
    /// (a step planned from one before it was cancelled is cleared).
    public var unplanned: [PlannedStep] = []
    /// Most frequent first (then the most recently seen, then by address).
    public var candidates: [Candidate] = []
    /// Every sighting the candidates were counted from, one per address and item (a message, a
    /// calendar event with all its occurrences), in the order first seen.
    public var sightings: [Sighting] = []
    public var skipped: [SkipReason: Int] = [:]
    /// Meetings a cancellation takes back, if they were logged: a cancelled one-off event's
    /// (`ical:UID`, whatever day it was logged on) and a cancelled occurrence's (its source id).
    public var cancelledEvents: [String] = []
    public var cancelledOccurrences: [String] = []
    /// Events that could not be read (from the calendars' readers, and lines of a calendar
    /// that are no property): bad records, which stop the import unless it skips them. A time
    /// zone that cannot be read, or a file of a folder that is no calendar, is a warning.
    public var errors: [ImportError] = []
    /// Entries of a live maildir that are no message files (a FIFO, a folder, a link to a
    /// message the mail client moved): passed over, and named in the report.
    public var passedOver: [ImportError] = []
    /// What was read with a guess (a calendar not in UTF-8): said, never silently.
    public var warnings: [ImportError] = []
}

/// Finds touches in calendars and mailboxes: pure, with no database. The caller gives it the
/// address book and options, adds calendars and messages, and takes the result; it then drops
/// the touches whose source ids are already stored, so importing a file twice adds nothing.
public struct TouchImporter {
    let book: AddressBook
    let options: TouchOptions
    var result = TouchImport()
    var seen: Set<String> = []
    var candidates: [String: Candidate] = [:]
    /// Where each sighting is in `result.sightings`, by address and item.
    var sightingAt: [String: Int] = [:]
    var planned: [Int64: PlannedStep] = [:]
    var unplanned: [PlannedStep] = []
    /// Calendar events by UID, in the order first seen; expanded when the result is taken, once every file is in.
    var series: [String: Series] = [:]
    var seriesOrder: [String] = []
    var zoneDefinitions: [String: ICalendar.ZoneDefinition] = [:]
    /// Every TZID named, with where first: one that no file defines and Tend does not know is a warning.
    var zonesNamed: [(id: String, origin: String)] = []
    /// Periods the import's recurrence rules may still walk (see `periodBudget`).
    var periodsLeft = Self.periodBudget

    /// How many periods (days of a daily rule, weeks of a weekly one …), each costing its
    /// instances, all the rules of one import may walk: ten years of a busy calendar walk about
    /// 70,000, and 400 weekday series since 2015 about 1,200,000; a hostile file (every event
    /// repeating each second) walks 50,000 per series (`RecurrenceRule.periodLimit`). Past this
    /// budget the remaining series are cut short and counted, so any file is read in bounded time.
    static let periodBudget = 5_000_000

    public init(addressBook: AddressBook, options: TouchOptions) {
        book = addressBook
        self.options = options
    }

    /// The touches, next steps, candidates and counts, once every calendar and message is in.
    public mutating func finish() -> TouchImport { finish(twoThreadsFrom: Self.seriesForTwoThreads) }

    /// `finish`, on two threads from this many series on.
    mutating func finish(twoThreadsFrom: Int) -> TouchImport {
        expandAll(twoThreadsFrom: twoThreadsFrom)
        var out = result
        out.touches.sort { ($0.on, $0.sourceID) < ($1.on, $1.sourceID) }
        out.planned = planned.values.sorted { $0.contact < $1.contact }
        out.unplanned = unplanned
        out.candidates = candidates.values.sorted {
            ($1.count, $1.lastSeen.ordinal, $0.address) < ($0.count, $0.lastSeen.ordinal, $1.address)
        }
        return out
    }

    mutating func skip(_ reason: SkipReason) { result.skipped[reason, default: 0] += 1 }

    /// A file or event that could not be read; the rest of the import goes on.
    public mutating func couldNotRead(_ error: ImportError) { result.passedOver.append(error) }

    /// Whether this source id is new to this import (a message in two folders, an event in two files); marks it seen.
    mutating func firstSight(_ sourceID: String) -> Bool {
        if seen.insert(sourceID).inserted { return true }
        skip(.duplicate)
        return false
    }

    /// Someone who is not a contact, seen in a message or meeting; `name` is clean (`clean`).
    /// `sourceID` is the item's: a message's, or a calendar event's (`ical:UID`) for every occurrence.
    mutating func sawCandidate(_ address: String, name: String?, on day: Day, sourceID: String) {
        saw(Sighting(address: address, name: name, on: day, sourceID: sourceID), firstName: name)
    }

    /// Counts a sighting (of one or more occurrences, `firstName` the first name written in
    /// them) for its candidate, and keeps it.
    mutating func saw(_ s: Sighting, firstName: String?) {
        if var c = candidates[s.address] {
            c.count += s.times
            c.firstSeen = min(c.firstSeen, s.on)
            c.lastSeen = max(c.lastSeen, s.last)
            if c.name == nil { c.name = firstName }
            candidates[s.address] = c
        } else {
            candidates[s.address] = Candidate(address: s.address, name: firstName, count: s.times, firstSeen: s.on, lastSeen: s.last)
        }
        keep(s)
    }

    /// Keeps a sighting, counted with the one of the same address and item if there is one.
    mutating func keep(_ s: Sighting) {
        if let i = sightingAt[s.key] { return result.sightings[i].add(s) }
        sightingAt[s.key] = result.sightings.count
        result.sightings.append(s)
    }

    /// Text from a file made safe to store and show: control characters (new lines, escapes),
    /// line and paragraph separators and the marks that reorder text (U+202E turns what follows
    /// around) become spaces, runs of spaces one, and the ends are trimmed.
    static func clean(_ text: String) -> String {
        var out = ""
        var space = false
        for s in text.unicodeScalars {
            let isControl =
                s.value < 0x20 || (0x7F...0x9F).contains(s.value) || (0x202A...0x202E).contains(s.value) || (0x2066...0x2069).contains(s.value)
                || s.value == 0x200E || s.value == 0x200F || s.value == 0x061C || s.value == 0x2028 || s.value == 0x2029
            if isControl || s == " " {
                space = !out.isEmpty
            } else {
                if space { out.unicodeScalars.append(" ") }
                space = false
                out.unicodeScalars.append(s)
            }
        }
        return out
    }

    /// How the local parts that nobody reads begin, once `-`, `_` and `.` are taken out
    /// (mailer-daemon, postmaster, bounces+x): mail from them is left out, and they are never
    /// candidates; so are those with `noReplyWords` anywhere.
    static let noReplyPrefixes = ["mailerdaemon", "postmaster", "bounce"].map { Array($0.utf8) }

    /// Words that make a local part anywhere in it one that nobody reads, `-`, `_` and `.` taken
    /// out: no-reply, do_not_reply, drive-shares-noreply, notifications-123, calendar-notification.
    static let noReplyWords = ["noreply", "donotreply", "notification"].map { Array($0.utf8) }

    /// Gmail's Takeout mbox holds drafts, spam and trash beside the rest, marked by their
    /// labels only. A message in the trash that was sent or is in the inbox was still mail.
    static func leftOut(labels: [String]) -> SkipReason? {
        if labels.contains(where: { $0 == "drafts" || $0 == "draft" }) { return .draft }
        if labels.contains("spam") { return .junk }
        if labels.contains("trash") && !labels.contains("sent") && !labels.contains("inbox") { return .junk }
        return nil
    }

    /// Works on the bytes: it is asked of every sender and stranger.
    static func isNoReply(_ address: String) -> Bool {
        var local: [UInt8] = []
        local.reserveCapacity(24)
        for b in address.utf8 {
            if b == UInt8(ascii: "@") || b == UInt8(ascii: "+") || local.count == 64 { break }
            if b == UInt8(ascii: "-") || b == UInt8(ascii: "_") || b == UInt8(ascii: ".") { continue }
            local.append(b >= 65 && b <= 90 ? b | 0x20 : b)
        }
        return noReplyPrefixes.contains { local.starts(with: $0) } || noReplyWords.contains { local.firstRange(of: $0) != nil }
    }
}

// MARK: - Mail

extension TouchImporter {
    /// A message I sent gives an `email` touch with every contact it went to; one a contact sent
    /// me gives an inbound `email` touch with them. Lists, bulk mail, automatic mail and no-reply
    /// senders are left out. Only headers are looked at.
    public mutating func add(_ message: MailMessage) {
        let h = message.headers
        // Cut before its Message-ID, a message would be logged under its cut header's
        // fingerprint, and logged again when the whole file is imported.
        if message.cutShort && h.messageID == nil {
            result.errors.append(ImportError(message.origin, "the file ends inside its header, before its Message-ID: it may have been cut short"))
            return
        }
        if let reason = message.leftOut ?? Self.leftOut(labels: h.gmailLabels) { return skip(reason) }
        if h.deletedByMozilla || h.markedSpam { return skip(.junk) }
        guard let sender = h.from.first else { return skip(.noSender) }
        if h.listID != nil { return skip(.mailingList) }
        if h.listUnsubscribe || ["bulk", "list", "junk"].contains(h.precedence ?? "") { return skip(.bulk) }
        if h.autoReply || h.precedence == "auto_reply" || (h.autoSubmitted.map { $0 != "no" } ?? false) { return skip(.automatic) }
        if Self.isNoReply(sender.address) { return skip(.noReply) }
        guard let instant = h.date ?? message.envelopeDate else { return skip(.noDate) }
        if h.date == nil, let unread = h.unreadDate {
            result.warnings.append(ImportError(message.origin, "its Date \"\(unread)\" is not a date Tend reads; the date the mailbox gives it is used"))
        }
        if message.cutShort {
            result.warnings.append(ImportError(message.origin, "the file ends inside its header (a line cut short is left out)"))
        }
        let day = options.day(at: instant)
        if day > options.today { return skip(.future) }
        let id = "mail:" + (h.messageID ?? "hash:" + h.fingerprint.hex)
        guard firstSight(id) else { return }
        let recipients = h.to + h.cc + h.bcc
        if book.isMine(sender.address) {
            var people: [Int64] = []
            var others = Set<String>()
            for r in recipients where !book.isMine(r.address) && !Self.isNoReply(r.address) && others.insert(r.address).inserted {
                let ids = book.contacts(for: r.address)
                if ids.isEmpty { sawCandidate(r.address, name: r.name.map(Self.clean), on: day, sourceID: id) }
                people += ids
            }
            if others.isEmpty { return skip(.noRecipient) }
            if people.isEmpty { return skip(.noContact) }
            result.touches.append(ImportedTouch(kind: .email, on: day, people: Array(Set(people)).sorted(), note: nil, inbound: false, sourceID: id))
        } else {
            // Mail to me, or to no one visible (Bcc, undisclosed recipients); not a copy of others' mail.
            guard recipients.isEmpty || recipients.contains(where: { book.isMine($0.address) }) else { return skip(.notMine) }
            let people = book.contacts(for: sender.address)
            if people.isEmpty {
                sawCandidate(sender.address, name: sender.name.map(Self.clean), on: day, sourceID: id)
                return skip(.noContact)
            }
            result.touches.append(ImportedTouch(kind: .email, on: day, people: people.sorted(), note: nil, inbound: true, sourceID: id))
        }
    }
}

// MARK: - Calendars

/// One UID's events: the series' master (or the single event) and its changed occurrences.
struct Series {
    var master: ICalendar.Event?
    var overrides: [ICalendar.Event] = []
}

/// Which occurrence of a series: its date (all-day), its instant, or its wall time (floating, or a zone not found).
enum OccurrenceKey: Hashable {
    case day(Day)
    case instant(Int)
    case floating(Int)

    init(_ t: CalendarTime, _ zones: CalendarZones) {
        if t.allDay {
            self = .day(t.local.day)
        } else if let u = zones.instant(t) {
            self = .instant(u)
        } else {
            self = .floating(t.local.seconds)
        }
    }
}

extension TouchImporter {
    /// How far ahead a series' first occurrence after today is looked for (to plan it, or to
    /// count it as left out): ten years; a next step further out is none.
    static let lookAheadDays = 3653

    /// Takes a calendar's events; they are expanded by `finish`, when every file is in, so that a
    /// series and its changed occurrences may come from different files.
    public mutating func add(_ calendar: ICalendar.Calendar) {
        result.errors += calendar.errors
        result.warnings += calendar.warnings
        for (id, z) in calendar.zones where zoneDefinitions[id] == nil { zoneDefinitions[id] = z }
        for z in calendar.zonesNamed where !zonesNamed.contains(where: { $0.id == z.id }) { zonesNamed.append(z) }
        for e in calendar.events {
            // A meeting's note is its summary, and text is at most 16 MB (a dump could not
            // restore more): such an event is a bad record, as a card's 16 MB field is.
            if let bytes = e.summary?.utf8.count, bytes > Interpreter.maxStringBytes {
                result.errors.append(ImportError(e.origin, field: "SUMMARY", "\(bytes) bytes of text; a field holds at most 16 MB"))
                continue
            }
            var uid = e.uid ?? ""
            if uid.isEmpty {
                var h = StableHash()
                h.add((e.start.description + "\n" + (e.summary ?? "") + "\n" + (e.organizer?.address ?? "")).utf8)
                uid = "hash:" + h.hex
            }
            if series[uid] == nil {
                seriesOrder.append(uid)
                series[uid] = Series()
            }
            if e.recurrenceID != nil {
                series[uid]!.overrides.append(e)
            } else if (series[uid]!.master?.sequence ?? Int.min) <= e.sequence {
                series[uid]!.master = e
            }
        }
    }

    /// How many series make it worth expanding them on two threads.
    static let seriesForTwoThreads = 512

    /// Expands every series. Many are expanded on two threads, each half by an importer of its
    /// own that starts empty with half the period budget, and the halves are joined in order:
    /// the same result as one pass. When a half used up its share, which series one pass would
    /// have cut short depends on the order, so they are expanded again in one pass (a hostile
    /// file so costs at most twice the budget, not three times).
    mutating func expandAll(twoThreadsFrom: Int) {
        defer { (series, seriesOrder) = ([:], []) }
        let (all, order, options, definitions) = (series, seriesOrder, options, zoneDefinitions)
        warnOfUnknownZones()
        @Sendable func onePass(_ importer: inout TouchImporter, _ uids: ArraySlice<String>) {
            let zones = CalendarZones(user: options.timeZone, definitions: definitions)
            for uid in uids { importer.expand(all[uid]!, uid: uid, zones: zones) }
        }
        guard order.count >= twoThreadsFrom, ProcessInfo.processInfo.activeProcessorCount > 1 else { return onePass(&self, order[...]) }
        var empty = self
        (empty.result, empty.candidates, empty.sightingAt, empty.planned, empty.series, empty.seriesOrder) = (TouchImport(), [:], [:], [:], [:], [])
        empty.unplanned = []
        let parts = [order[..<(order.count / 2)], order[(order.count / 2)...]]
        let shares = [periodsLeft / 2, periodsLeft - periodsLeft / 2]
        let halves = shares.map { share in
            var half = empty
            half.periodsLeft = share
            return ImporterBox(half)
        }
        DispatchQueue.concurrentPerform(iterations: parts.count) { k in onePass(&halves[k].importer, parts[k]) }
        guard halves.allSatisfy({ $0.importer.periodsLeft > 0 }) else { return onePass(&self, order[...]) }
        periodsLeft -= zip(shares, halves).reduce(0) { $0 + $1.0 - $1.1.importer.periodsLeft }
        for half in halves { join(half.importer) }
    }

    /// A zone found nowhere (`CalendarZones`) is read as floating: said, with where it is named.
    mutating func warnOfUnknownZones() {
        let zones = CalendarZones(user: options.timeZone, definitions: zoneDefinitions)
        for (id, origin) in zonesNamed {
            guard case .unknown = zones.zone(id) else { continue }
            result.warnings.append(
                ImportError(
                    origin,
                    "the time zone \(id.debugDescription) is not known and no VTIMEZONE in the file defines it: its times are read as written, in your own time zone"
                ))
        }
        zonesNamed = []
    }

    /// Adds what an importer that started empty found after what this one found.
    mutating func join(_ later: TouchImporter) {
        result.touches += later.result.touches
        // The halves expanded other series: their sightings are of other events.
        for s in later.result.sightings {
            sightingAt[s.key] = result.sightings.count
            result.sightings.append(s)
        }
        result.skipped.merge(later.result.skipped, uniquingKeysWith: +)
        result.errors += later.result.errors
        result.warnings += later.result.warnings
        result.passedOver += later.result.passedOver
        result.cancelledEvents += later.result.cancelledEvents
        result.cancelledOccurrences += later.result.cancelledOccurrences
        // The source ids seen (`firstSight`) are not joined: the halves' are of other series,
        // and nothing is expanded after the join.
        for (address, c) in later.candidates {
            guard var first = candidates[address] else {
                candidates[address] = c
                continue
            }
            first.count += c.count
            (first.firstSeen, first.lastSeen) = (min(first.firstSeen, c.firstSeen), max(first.lastSeen, c.lastSeen))
            if first.name == nil { first.name = c.name }
            candidates[address] = first
        }
        for (id, step) in later.planned where planned[id].map({ ($0.due, $0.sourceID) > (step.due, step.sourceID) }) ?? true {
            planned[id] = step
        }
        unplanned += later.unplanned
    }

    /// Every occurrence of a series up to today becomes a meeting (or is left out, with a reason);
    /// with `plan`, the first one after today becomes the next step of the contacts in it.
    mutating func expand(_ s: Series, uid: String, zones: CalendarZones) {
        let events = (s.master.map { [$0] } ?? []) + s.overrides
        // (A contact who declined may be on a meeting logged before: it is looked at.)
        guard events.contains(where: { !people(in: $0).isEmpty || !declinedContacts(in: $0).isEmpty }) else { return skip(.noOneElse) }
        if let m = s.master, m.isCancelled {
            // A one-off meeting logged before it was cancelled is no touch (a series cancelled
            // whole keeps the occurrences that were held: deleting one ends it from then on).
            if !m.recurs && s.overrides.isEmpty { result.cancelledEvents.append("ical:" + uid) }
            // With `plan`: the step its next occurrence was planned as, before it was cancelled, goes.
            if options.plan, let next = slots(of: s, zones: zones).map({ zones.userDay($0.start) }).filter({ $0 > options.today }).min() {
                _ = plan(attendance(m), on: next, sourceID: "ical:" + uid, origin: "ical:" + uid)
            }
            return skip(.cancelled)
        }
        // Each VEVENT's people and note, worked out once for all its occurrences: the master's
        // first (none when the file has only changed occurrences), then each override's.
        let attendances = [s.master.map(attendance) ?? Attendance(leftOut: .noOneElse)] + s.overrides.map(attendance)
        var list = slots(of: s, zones: zones)
        // A one-off event is one meeting, whatever day it is moved to (`oneOff`: the importer
        // moves its meeting).
        let event = "ical:" + uid
        let oneOff = s.master.map { !$0.recurs } == true && s.overrides.isEmpty
        let (ids, userDays) = meetingIDs(&list, event: event, zones: zones)
        var future: [(day: Day, id: String, event: Int)] = []
        var strangers = SeriesStrangers()
        // A series left out whole (each of its VEVENTs for one reason: declined by me, no one in
        // Tend) counts once, as a cancelled one does, however many of its occurrences are past.
        let own = (s.master == nil ? [] : [attendances[0]]) + attendances.dropFirst()
        let whole = own.first?.leftOut.flatMap { r in own.allSatisfy { $0.leftOut == r } ? r : nil }
        let countedBefore = whole.map { result.skipped[$0, default: 0] }
        defer {
            if let whole, let countedBefore, result.skipped[whole, default: 0] > countedBefore { result.skipped[whole] = countedBefore + 1 }
        }
        cancelExcluded(s, ids: ids, event: event, zones: zones)
        for (k, o) in list.enumerated() {
            guard let id = ids[k] else { continue }
            let day = userDays[k]
            if day <= options.today {
                let from = zones.userDay(o.slot)
                meeting(attendances[o.event], on: day, sourceID: id, event: event, oneOff: oneOff, movedFrom: from == day ? nil : from, strangers: &strangers)
            } else {
                future.append((day, id, o.event))
            }
        }
        for (s, firstName) in zip(strangers.sightings, strangers.firstNames) { saw(s, firstName: firstName) }
        guard !future.isEmpty else { return }
        let planned =
            options.plan
            && future.sorted { ($0.day, $0.id) < ($1.day, $1.id) }.contains {
                plan(attendances[$0.event], on: $0.day, sourceID: $0.id, origin: oneOff ? event : $0.id)
            }
        if !planned { skip(.future) }
    }

    /// Occurrences up to today taken out of a series (EXDATE) since they may have been logged:
    /// each is cancelled, as one cancelled by a changed occurrence is, unless another
    /// occurrence still holds its day's meeting id.
    mutating func cancelExcluded(_ s: Series, ids: [String?], event: String, zones: CalendarZones) {
        guard let m = s.master, m.recurs else { return }
        let held = Set(ids.compactMap { $0 })
        for e in m.exceptions where zones.userDay(e) <= options.today {
            // The day of the slot in the series' own zone, whatever zone the exception is written in.
            var local = e.allDay || m.start.allDay ? e.local : zones.wallTime(e, in: m.start.zone)
            if !e.allDay, !m.start.allDay, m.start.zone == .utc, let instant = zones.instant(e) { local = LocalTime(seconds: instant) }
            let id = Self.slotID(event, local.day)
            if !held.contains(id) { result.cancelledOccurrences.append(id) }
        }
    }

    /// The meeting id of a series' occurrence by the day of its slot, as the event's own zone
    /// writes it: `ical:UID/20260310`.
    static func slotID(_ event: String, _ day: Day) -> String {
        event + "/" + day.iCalendarDate
    }

    /// A series' occurrences, each with the slot it fills: its own start, or for a changed one
    /// the start it replaces (RECURRENCE-ID); `event` is 0 for the master's, else 1 + the
    /// override's index.
    mutating func slots(of s: Series, zones: CalendarZones) -> [(slot: CalendarTime, start: CalendarTime, event: Int)] {
        // Changed occurrences by the one they replace; the highest SEQUENCE wins.
        var overrides: [OccurrenceKey: Int] = [:]
        for (i, o) in s.overrides.enumerated() {
            // An all-day series' occurrence is its day, however the change names it (Outlook
            // writes a moved all-day occurrence's RECURRENCE-ID as midnight in its zone).
            let k = s.master?.start.allDay == true ? OccurrenceKey.day(o.recurrenceID!.local.day) : OccurrenceKey(o.recurrenceID!, zones)
            if let j = overrides[k], s.overrides[j].sequence > o.sequence { continue }
            overrides[k] = i
        }
        var list: [(slot: CalendarTime, start: CalendarTime, event: Int)] = []
        if let m = s.master {
            if m.recurs {
                let (times, complete) = occurrences(of: m, skipping: Set(overrides.keys), zones: zones)
                if !complete { skip(.tooLong) }
                list += times.map { ($0.time, $0.time, 0) }
            } else {
                list.append((m.start, m.start, 0))
            }
        }
        list += overrides.map { (s.overrides[$0.value].recurrenceID!, s.overrides[$0.value].start, $0.value + 1) }
        // A change made for this and every later occurrence (RANGE=THISANDFUTURE) gives the later
        // ones of the master its people and summary, and moves them as it moved its own; a later
        // such change takes over from there.
        let at = zones.order
        for j in overrides.values.sorted(by: { at(s.overrides[$0].recurrenceID!) < at(s.overrides[$1].recurrenceID!) })
        where s.overrides[j].thisAndFuture {
            let o = s.overrides[j]
            let from = at(o.recurrenceID!)
            let shift = o.start.allDay || o.recurrenceID!.allDay ? 0 : o.start.local.seconds - o.recurrenceID!.local.seconds
            for k in list.indices where list[k].event == 0 && at(list[k].slot) > from {
                var start = list[k].start
                start.local = LocalTime(seconds: start.local.seconds + shift)
                list[k] = (list[k].slot, start, j + 1)
            }
        }
        return list
    }

    /// The meeting id of each occurrence (nil: left out as a second one on its day), and its
    /// day as the user's zone sees it; sorts `list` by slot.
    ///
    /// One meeting per series and day of the slot, as the event's own zone writes it (so that
    /// importing from another time zone gives the same id): the id stays the same when the
    /// series moves to another hour and when one occurrence moves (a one-off event made a series
    /// is matched with its meeting by day, when stored ids are); a rule repeating within a day
    /// logs that day once, on the user's day of its first occurrence (unless an earlier day of
    /// the slot's is on it). Its other occurrences that fall on a user's day no meeting of the
    /// series is on yet (sessions every five hours, seen from eight hours west) are logged too,
    /// with that day in their ids: an id an earlier import gave is never given to another day.
    /// In the order of the slots (changed occurrences among the rest), so that the first
    /// occurrence of a day of the slot keeps its id however the file orders them.
    mutating func meetingIDs(
        _ list: inout [(slot: CalendarTime, start: CalendarTime, event: Int)], event: String, zones: CalendarZones
    ) -> (ids: [String?], userDays: [Day]) {
        let at = zones.order
        list.sort { (at($0.slot), $0.event) < (at($1.slot), $1.event) }
        let userDays = list.map { zones.userDay($0.start) }
        var ids: [String?] = Array(repeating: nil, count: list.count)
        var slots: Set<String> = []
        var days: Set<Day> = []
        for (k, o) in list.enumerated() {
            let id = Self.slotID(event, o.slot.local.day)
            guard slots.insert(id).inserted, days.insert(userDays[k]).inserted else { continue }
            ids[k] = id
        }
        for (k, o) in list.enumerated() where ids[k] == nil {
            guard days.insert(userDays[k]).inserted else {
                skip(.duplicate)
                continue
            }
            ids[k] = Self.slotID(event, o.slot.local.day) + "/" + userDays[k].iCalendarDate
        }
        return (ids, userDays)
    }

    /// A day as a RECURRENCE-ID writes it: `20260310`.

    /// A master's occurrences: DTSTART, RDATE and every rule's, less EXDATE and the changed ones,
    /// up to today and the first after it (for `plan`), in time order, each once.
    mutating func occurrences(of m: ICalendar.Event, skipping: Set<OccurrenceKey>, zones: CalendarZones) -> (
        [(key: OccurrenceKey, time: CalendarTime)], complete: Bool
    ) {
        var excluded = skipping
        for e in m.exceptions { excluded.insert(OccurrenceKey(e, zones)) }
        // An all-day EXDATE on a timed series takes out that day's occurrences, and an all-day
        // series' exception is its day however it is written (Outlook writes midnight).
        let excludedDays = Set(m.exceptions.filter { $0.allDay || m.start.allDay }.map(\.local.day))
        var out: [(key: OccurrenceKey, time: CalendarTime)] = []
        var keys = Set<OccurrenceKey>()
        let today = options.today
        /// Adds an occurrence; true when it is after today (its rule need go no further).
        func take(_ t: CalendarTime) -> Bool {
            let k = OccurrenceKey(t, zones)
            guard !excluded.contains(k), !excludedDays.contains(t.local.day) else { return false }
            if keys.insert(k).inserted { out.append((k, t)) }
            return zones.userDay(t) > today
        }
        _ = take(m.start)
        for d in m.dates { _ = take(d) }
        var complete = true
        var budget = periodsLeft
        let horizon = today.adding(days: Self.lookAheadDays)
        for rule in m.rules {
            let until = rule.until.map { untilWallTime($0, start: m.start, zones: zones) }
            complete =
                rule.occurrences(after: m.start.local, allDay: m.start.allDay, until: until, through: horizon, budget: &budget) { t in
                    !take(CalendarTime(local: t, allDay: m.start.allDay, zone: m.start.zone))
                } && complete
        }
        periodsLeft = budget
        return (out, complete)
    }

    /// UNTIL in the wall time of the series' start: a date ends with its last second; a UTC time is moved into the start's zone.
    func untilWallTime(_ until: CalendarTime, start: CalendarTime, zones: CalendarZones) -> LocalTime {
        if until.allDay && !start.allDay { return LocalTime(day: until.local.day, time: 86_399) }
        if start.allDay || until.zone != .utc { return until.local }
        return zones.wallTime(until, in: start.zone)
    }

    /// The people an event is with: organizer and attendees other than me, that are people (not
    /// rooms or resources, nor a shared calendar's own address), take part, and did not decline
    /// or hand the invitation on (DELEGATED: the delegate is an attendee of their own).
    /// Someone who declined is left out wherever else they are named (an organizer who declined
    /// their own meeting is on it twice: as organizer, and as an attendee who declined).
    func people(in event: ICalendar.Event) -> [ICalendar.Attendee] {
        var seenAddresses = Set<String>()
        let everyone = (event.organizer.map { [$0] } ?? []) + event.attendees
        let away = Set(everyone.filter { Self.absent.contains($0.participation) }.map { $0.address.lowercased() })
        return everyone.filter { a in
            !book.isMine(a.address) && (a.userType == "INDIVIDUAL" || a.userType == "UNKNOWN") && a.role != "NON-PARTICIPANT"
                && !away.contains(a.address.lowercased()) && !Self.isCalendarAddress(a.address)
                && seenAddresses.insert(a.address.lowercased()).inserted
        }
    }

    /// The contacts an event lists as having declined or delegated it, ascending.
    func declinedContacts(in event: ICalendar.Event) -> [Int64] {
        let away = event.attendees.filter { Self.absent.contains($0.participation) && !book.isMine($0.address) }
        return away.isEmpty ? [] : Set(away.flatMap { book.contacts(for: $0.address) }).sorted()
    }

    /// PARTSTATs of someone who is not at the event.
    static let absent: Set<String> = ["DECLINED", "DELEGATED"]

    /// The addresses Google gives calendars rather than people: a shared or team calendar
    /// (`…@group.calendar.google.com`), a public one such as a country's holidays
    /// (`en.usa#holiday@group.v.calendar.google.com`), a room (`…@resource.calendar.google.com`),
    /// a subscribed one (`…@import.calendar.google.com`). A full export holds one file per calendar.
    static func isCalendarAddress(_ address: String) -> Bool {
        let lower = address.lowercased()
        return ["@group.calendar.google.com", "@group.v.calendar.google.com", "@resource.calendar.google.com", "@import.calendar.google.com"]
            .contains { lower.hasSuffix($0) }
    }

    /// What one VEVENT gives each of its occurrences.
    struct Attendance {
        /// Cancelled, declined by me, no one else, or no one in Tend (then the strangers still count as candidates).
        var leftOut: SkipReason?
        var contacts: [Int64] = []
        /// Their names made clean (`clean`) once for all the occurrences.
        var strangers: [ICalendar.Attendee] = []
        var note: String?
        /// The summary made clean, with `no_notes` too.
        var summary: String?
        /// Contacts who declined or delegated it (`ImportedTouch.declined`).
        var declined: [Int64] = []
    }

    func attendance(_ event: ICalendar.Event) -> Attendance {
        let note = options.noNotes ? "" : Self.clean(event.summary ?? "")
        // Declined by me: every one of my addresses on it declined. A cancelled or declined
        // event keeps its contacts and note, for the step planned from it (`plan`).
        // As an attendee when I am one (an organizer's own PARTSTAT is on their attendee line).
        let attending = event.attendees.filter { book.isMine($0.address) }
        let mine = attending.isEmpty ? (event.organizer.map { [$0] } ?? []).filter { book.isMine($0.address) } : attending
        let declined = !mine.isEmpty && mine.allSatisfy({ Self.absent.contains($0.participation) })
        if event.isCancelled || declined {
            let ids = Set(people(in: event).flatMap { book.contacts(for: $0.address) })
            let summary = Self.clean(event.summary ?? "")
            return Attendance(
                leftOut: declined ? .declined : .cancelled, contacts: ids.sorted(), note: note.isEmpty ? nil : note, summary: summary.isEmpty ? nil : summary)
        }
        let people = people(in: event)
        if people.isEmpty { return Attendance(leftOut: .noOneElse, declined: declinedContacts(in: event)) }
        var ids = Set<Int64>()
        var a = Attendance()
        for p in people {
            let matched = book.contacts(for: p.address)
            if matched.isEmpty && !Self.isNoReply(p.address) {
                var stranger = p
                stranger.name = p.name.map(Self.clean)
                a.strangers.append(stranger)
            }
            ids.formUnion(matched)
        }
        a.contacts = ids.sorted()
        a.declined = declinedContacts(in: event).filter { !ids.contains($0) }
        if ids.isEmpty { a.leftOut = .noContact }
        a.note = note.isEmpty ? nil : note
        return a
    }

    /// One occurrence up to today: a `meeting` touch with the contacts in it.
    mutating func meeting(
        _ a: Attendance, on day: Day, sourceID: String, event: String, oneOff: Bool = false, movedFrom: Day? = nil,
        strangers: inout SeriesStrangers
    ) {
        guard firstSight(sourceID) else { return }
        if let reason = a.leftOut, reason != .noContact {
            // Declined since it was logged, as cancelled: I was not there (or no contact was:
            // every one of them declined).
            if reason == .cancelled || reason == .declined || reason == .noOneElse && !a.declined.isEmpty {
                result.cancelledOccurrences.append(sourceID)
            }
            return skip(reason)
        }
        for p in a.strangers { strangers.saw(p, on: day, event: event) }
        if a.contacts.isEmpty { return skip(.noContact) }
        result.touches.append(
            ImportedTouch(
                kind: .meeting, on: day, people: a.contacts, note: a.note, inbound: false, sourceID: sourceID, event: event, oneOff: oneOff,
                movedFrom: movedFrom, declined: a.declined))
    }

    /// An occurrence after today, with `plan`: the next step of each contact in it, unless one
    /// of theirs comes sooner. False when it has no contact (or is cancelled or declined: then
    /// the step it would have been is kept in `unplanned`).
    mutating func plan(_ a: Attendance, on day: Day, sourceID: String, origin: String) -> Bool {
        if a.leftOut == .cancelled || a.leftOut == .declined {
            for id in a.contacts {
                unplanned.append(PlannedStep(contact: id, step: a.note ?? "Meeting", due: day, sourceID: sourceID, origin: origin, summary: a.summary))
            }
            return false
        }
        guard a.leftOut == nil else { return false }
        for id in a.contacts where planned[id].map({ ($0.due, $0.sourceID) > (day, sourceID) }) ?? true {
            planned[id] = PlannedStep(contact: id, step: a.note ?? "Meeting", due: day, sourceID: sourceID, origin: origin)
        }
        return true
    }
}

/// The strangers of one series' occurrences, each counted once for the series before the
/// import counts them (one dictionary of a few, not the import's, for each occurrence).
struct SeriesStrangers {
    var sightings: [Sighting] = []
    /// The first name written for each, in the order of the occurrences.
    var firstNames: [String?] = []
    var at: [String: Int] = [:]

    mutating func saw(_ p: ICalendar.Attendee, on day: Day, event: String) {
        let s = Sighting(address: p.address, name: p.name, on: day, sourceID: event)
        guard let i = at[p.address] else {
            at[p.address] = sightings.count
            sightings.append(s)
            firstNames.append(p.name)
            return
        }
        sightings[i].add(s)
        if firstNames[i] == nil { firstNames[i] = p.name }
    }
}

/// An importer one thread of `expandAll` fills.
private final class ImporterBox: @unchecked Sendable {
    var importer: TouchImporter
    init(_ importer: TouchImporter) { self.importer = importer }
}
