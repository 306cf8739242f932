import Foundation
import TendCore
import TendInterchange
import TendStore

/// `import ics|mbox|maildir FILE`: meetings and e-mails from the user's own calendar and mail
/// files become touches with the contacts in them. Headers only: no body is read or stored.
/// A second import of the same or an overlapping file adds nothing (each touch keeps its
/// source id); people who are not contacts are kept as sightings for `report candidates`.
struct TouchFileImport {
    let session: Session

    /// The formats read for touches rather than contacts.
    static let formats = Set(FileFormats.touchImports)

    /// The most lines of touches a dry run lists; the rest are counted.
    static let maxListed = 1000

    /// What an import logged or would log.
    struct Outcome {
        var meetings = 0
        var emails = 0
        var inbound = 0
        var alreadyImported = 0
        /// Touches already imported that now match more contacts: the new ones are added to them.
        var widened = 0
        /// Touches already imported with contacts who declined since: taken off them.
        var narrowed = 0
        /// Meetings of one-off events moved to another day since they were logged: moved with them.
        var moved = 0
        var planned = 0
        /// Meetings logged before their events were cancelled (or declined by me): removed.
        var removed = 0
        /// Next steps planned from meetings that have now been logged: done, so cleared.
        var stepsDone = 0
        /// Next steps planned from meetings since cancelled or declined: cleared.
        var stepsCancelled = 0
        /// Next steps a meeting planned took the place of (the user's own among them), one line each.
        var replacedSteps: [String] = []
        var listed: [String] = []
    }

    func run(format: String, path: String, options: [String: Value]) throws -> String {
        let dryRun = options["dry_run"]?.isTrue ?? false
        let store = session.store
        // `-`: standard input (`curl … | tend import ics -`); a maildir is a folder, never that.
        if path == "-" && format == "maildir" { throw Importer.Failure(description: "a maildir is a folder: it cannot come from standard input") }
        let piped = path == "-" ? try Importer.readFile(path, format: format) : nil
        // A calendar is read while the network is: reading it needs no contact.
        let calendar = format == "ics" ? Pending { try piped.map(ICalendar.read) ?? ICalendar.read(path: path) } : nil
        let net = try store.network(events: false)
        var book = AddressBook()
        for c in net.contacts { for e in c.emails { book.add(e.value, contact: c.id) } }
        for e in net.me.emails { book.addMine(e) }
        let touchOptions = TouchOptions(
            today: session.today, timeZone: TimeZone.current, plan: options["plan"]?.isTrue ?? false,
            noNotes: options["no_notes"]?.isTrue ?? false)
        var importer = TouchImporter(addressBook: book, options: touchOptions)
        do {
            switch format {
            case "ics": importer.add(try calendar!.value())
            case "mbox":
                if let piped { try Mailbox.readMbox(bytes: piped) { importer.add($0) } } else { try Mailbox.readMbox(path: path) { importer.add($0) } }
            default: try Mailbox.readMaildir(path: path, unreadable: { importer.couldNotRead($0) }) { importer.add($0) }
            }
        } catch let e as ImportError {
            throw Importer.Failure(description: e.origin == path ? "\(e)" : "\(path): \(e)")
        }
        let found = importer.finish()
        // An event or message that cannot be read is a bad record, as a contact import's is.
        if let first = found.errors.first, !(options["skip_bad"]?.isTrue ?? false) {
            let more = found.errors.count > 1 ? " (and \(found.errors.count - 1) more)" : ""
            throw Importer.Failure(
                description: "\(path): \(first)\(more); nothing was logged (\(session.option("skip_bad")) logs the rest and lists these)")
        }
        let outcome = try apply(found, net: net, dryRun: dryRun)
        if !dryRun { session.interpreter.invalidate() }
        return report(found, outcome, path: path, dryRun: dryRun, noAddresses: net.me.emails.isEmpty)
    }

    /// Logs the touches not imported before, widens those that now match more contacts, moves
    /// the meetings of rescheduled one-off events, sets next steps (`plan`) and keeps the
    /// sightings; with `dryRun`, only counts and lists them.
    func apply(_ found: TouchImport, net: Network, dryRun: Bool) throws -> Outcome {
        let store = session.store
        var out = Outcome()
        var logged: [Interaction] = []
        var fresh: [ImportedTouch] = []
        var stored = StoredMeetings(try store.importedSources(kinds: ["meeting", "email"]))
        var loggedByID: [Int64: Interaction]?
        let handles = Dictionary(net.contacts.map { ($0.id, "@" + $0.handle) }, uniquingKeysWith: { a, _ in a })
        for t in found.touches {
            try Interruption.check()
            if let (existing, moved) = stored.match(t) {
                out.alreadyImported += 1
                if moved {
                    out.moved += 1
                    if !dryRun { try move(existing.id, to: t, among: &loggedByID) }
                    // Logged on its new day now: a next step planned from it is done.
                    fresh.append(t)
                }
                // Contacts who declined since it was logged were not there; ones added since were.
                let away = t.declined.filter { existing.people.contains($0) }
                let missing = t.people.filter { !existing.people.contains($0) }
                if !away.isEmpty, existing.people.count == away.count, missing.isEmpty {
                    // No one of theirs was there: no touch at all.
                    out.removed += 1
                    if !dryRun { try store.apply(.deleteEvent(.interaction, existing.id)) }
                    continue
                }
                if !away.isEmpty {
                    out.narrowed += 1
                    if !dryRun { try store.removePeople(away, fromInteraction: existing.id) }
                }
                guard !missing.isEmpty else { continue }
                out.widened += 1
                if !dryRun { try store.addPeople(missing, toInteraction: existing.id) }
                continue
            }
            fresh.append(t)
            if t.kind == .meeting { out.meetings += 1 } else { out.emails += 1 }
            if t.inbound { out.inbound += 1 }
            if dryRun && out.listed.count < TouchFileImport.maxListed {
                let who = t.people.map { handles[$0] ?? "?" }.joined(separator: ", ")
                out.listed.append(
                    "\(t.kind.rawValue) with \(who) on \(t.on)\(t.inbound ? " inbound" : "")" + (t.note.map { ": " + $0 } ?? ""))
            }
            guard !dryRun else { continue }
            var i = Interaction(kind: t.kind.rawValue, on: t.on, people: t.people)
            i.note = t.note
            i.inbound = t.inbound
            i.sourceID = t.sourceID
            logged.append(i)
        }
        try store.logInteractions(logged)
        // Meetings logged before their event was cancelled: no touch after all.
        let calledOff =
            found.cancelledEvents.flatMap { (stored.byEvent[$0] ?? []).map(\.meeting) }
            + found.cancelledOccurrences.compactMap { stored.sources[Store.sourceKey(kind: "meeting", sourceID: $0)] }
        for m in calledOff where !stored.taken.contains(m.id) {
            stored.taken.insert(m.id)
            out.removed += 1
            if !dryRun { try store.apply(.deleteEvent(.interaction, m.id)) }
        }
        let from = PlannedOrigins(kept: try store.plannedSteps())
        let done = try clearStepsDone(by: fresh, net: net, from: from, dryRun: dryRun)
        out.stepsDone = done.count
        let cancelled = try clearSteps(of: found.unplanned, net: net, from: from, except: done, dryRun: dryRun)
        out.stepsCancelled = cancelled.count
        out.planned = try plan(found.planned, net: net, from: from, cleared: done.union(cancelled), dryRun: dryRun, replaced: &out.replacedSteps)
        if !dryRun {
            try store.recordSightings(found.sightings)
        }
        return out
    }

    /// Moves a logged meeting to its event's new day, with the event's source id, as a
    /// correction (`set interaction N on DATE`) is made: one change of the import, which `undo`
    /// takes back. `logged` is every interaction by id, read at the first move and once per
    /// import, so that moving many meetings takes time linear in their number.
    func move(_ id: Int64, to t: ImportedTouch, among logged: inout [Int64: Interaction]?) throws {
        if logged == nil {
            logged = Dictionary(try session.store.network(events: true).interactions.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        }
        guard var i = logged?[id] else { return }
        i.on = t.on
        i.sourceID = t.sourceID
        try session.store.apply(.updateInteraction(i, fields: ["on", "source_id"]))
    }

    /// Clears the next step a meeting was planned as (`plan` writes its summary, due on its day)
    /// once that meeting is logged: it has happened. The contacts whose step is done.
    func clearStepsDone(by touches: [ImportedTouch], net: Network, from: PlannedOrigins, dryRun: Bool) throws -> Set<Int64> {
        var done: Set<Int64> = []
        // Few contacts have a step due: the rest are not looked at again for each meeting.
        let withSteps = Set(net.contacts.filter { $0.nextDue != nil }.map(\.id))
        for t in touches where t.kind == .meeting {
            for id in t.people where withSteps.contains(id) && !done.contains(id) {
                // The step planned from this meeting, wherever it has moved since; else one of
                // its words on its day (a one-off event planned for a day and moved earlier is
                // the same meeting).
                guard var c = net.contact(id), let due = c.nextDue,
                    from.origin(of: c) == t.origin || (due == t.on || (t.oneOff && due > t.on)) && c.nextStep == (t.note ?? "Meeting")
                else { continue }
                done.insert(id)
                guard !dryRun else { continue }
                c.nextStep = nil
                c.nextDue = nil
                try session.store.apply(.updateContact(c, fields: ["next_step", "next_due"]))
            }
        }
        return done
    }

    /// Clears the next steps planned from meetings since cancelled or declined (the step is the
    /// event's summary due on its day, as `plan` wrote it). The contacts whose step was cleared.
    func clearSteps(of steps: [PlannedStep], net: Network, from: PlannedOrigins, except done: Set<Int64>, dryRun: Bool) throws -> Set<Int64> {
        var cleared: Set<Int64> = []
        for step in steps where !done.contains(step.contact) && !cleared.contains(step.contact) {
            guard var c = net.contact(step.contact), let text = c.nextStep,
                from.origin(of: c) == step.origin || c.nextDue == step.due && step.isPlanned(as: text)
            else { continue }
            cleared.insert(c.id)
            guard !dryRun else { continue }
            c.nextStep = nil
            c.nextDue = nil
            try session.store.apply(.updateContact(c, fields: ["next_step", "next_due"]))
        }
        return cleared
    }

    /// Sets each contact's next step from the first meeting with them after today, unless the
    /// contact has another next step due sooner (or none due, which the user wrote by hand).
    /// `cleared` contacts' steps were just done or cancelled. A step it replaces (the user's
    /// own, due later) is said in `replaced`.
    func plan(_ steps: [PlannedStep], net: Network, from: PlannedOrigins, cleared: Set<Int64>, dryRun: Bool, replaced: inout [String]) throws -> Int {
        var n = 0
        var recorded: [PlannedFrom] = []
        for step in steps {
            guard var c = net.contact(step.contact) else { continue }
            if cleared.contains(c.id) {
                c.nextStep = nil
                c.nextDue = nil
            }
            if c.nextStep == step.step && c.nextDue == step.due {
                // Planned by hand as the meeting would be: the meeting's from now on.
                if from.origin(of: c) == nil { recorded.append(PlannedFrom(contact: c.id, origin: step.origin, step: step.step, due: step.due)) }
                continue
            }
            // The step this meeting set before it moved (later too) follows it, said as planned.
            let moved = from.origin(of: c) == step.origin
            if !moved, c.nextStep != nil, c.nextDue.map({ $0 <= step.due }) ?? true { continue }
            if !moved, let old = c.nextStep {
                replaced.append(
                    "@\(c.handle): next step \(ScriptWriter.quote(old))\(c.nextDue.map { " (due \($0))" } ?? "") \(dryRun ? "would be" : "was") replaced by \(ScriptWriter.quote(step.step)) due \(step.due)")
            }
            n += 1
            guard !dryRun else { continue }
            c.nextStep = step.step
            c.nextDue = step.due
            try session.store.apply(.updateContact(c, fields: ["next_step", "next_due"]))
            recorded.append(PlannedFrom(contact: c.id, origin: step.origin, step: step.step, due: step.due))
        }
        if !dryRun { try session.store.recordPlannedSteps(recorded) }
        return n
    }

    /// The meeting each contact's next step was planned from, while the step is as planned.
    struct PlannedOrigins {
        let kept: [Int64: PlannedFrom]
        func origin(of c: Contact) -> String? {
            guard let p = kept[c.id], c.nextStep == p.step, c.nextDue == p.due else { return nil }
            return p.origin
        }
    }

    func report(_ found: TouchImport, _ o: Outcome, path: String, dryRun: Bool, noAddresses: Bool) -> String {
        func count(_ n: Int, _ one: String, _ many: String) -> String { "\(n) \(n == 1 ? one : many)" }
        var head = "\(dryRun ? "Would log" : "Logged") from \(path): \(count(o.meetings, "meeting", "meetings")), "
        head += count(o.emails, "e-mail", "e-mails") + (o.inbound > 0 ? " (\(o.inbound) inbound)" : "")
        head += "; \(o.alreadyImported) skipped as already imported; \(count(found.candidates.count, "candidate", "candidates"))"
        head += found.candidates.isEmpty ? "." : " (report candidates lists them)."
        var lines = [head]
        if o.narrowed > 0 {
            lines.append(
                "  \(count(o.narrowed, "touch", "touches")) already imported \(dryRun ? "would lose" : "lost") contacts who declined since")
        }
        if o.widened > 0 {
            lines.append("  \(count(o.widened, "touch", "touches")) already imported \(dryRun ? "would gain" : "gained") contacts added since")
        }
        if o.moved > 0 {
            let to = o.moved == 1 ? "to its event's new day" : "to their events' new days"
            lines.append("  \(count(o.moved, "meeting", "meetings")) \(dryRun ? "would move" : "moved") \(to)")
        }
        if o.removed > 0 {
            let what = o.removed == 1 ? "meeting logged before its event was cancelled or declined" : "meetings logged before their events were cancelled or declined"
            lines.append("  \(count(o.removed, what, what)) \(dryRun ? "would be" : o.removed == 1 ? "was" : "were") removed")
        }
        if o.stepsDone > 0 {
            lines.append(
                "  \(count(o.stepsDone, "next step", "next steps")) planned from \(o.stepsDone == 1 ? "a meeting" : "meetings") now logged \(dryRun ? "would be" : o.stepsDone == 1 ? "was" : "were") cleared")
        }
        if o.stepsCancelled > 0 {
            lines.append(
                "  \(count(o.stepsCancelled, "next step", "next steps")) planned from \(o.stepsCancelled == 1 ? "a meeting" : "meetings") since cancelled or declined \(dryRun ? "would be" : o.stepsCancelled == 1 ? "was" : "were") cleared")
        }
        if o.planned > 0 { lines.append("  \(count(o.planned, "next step", "next steps")) \(dryRun ? "would be planned" : "planned") from future meetings") }
        // Each kind of line is told by the first thousand, the rest counted.
        func capped(_ items: [String], _ indent: String, more: String = "more") {
            for item in items.prefix(Importer.Report.maxChangeLines) { lines.append(indent + item) }
            if items.count > Importer.Report.maxChangeLines { lines.append("\(indent)… and \(items.count - Importer.Report.maxChangeLines) \(more)") }
        }
        capped(o.replacedSteps, "    ")
        let reasons = found.skipped.sorted { $0.key < $1.key }.map { $0.key.counted($0.value) }
        if !reasons.isEmpty { lines.append("  left out: " + reasons.joined(separator: ", ")) }
        if noAddresses {
            lines.append("  none of your own e-mail addresses is set: set me emails: [\"you@example.org\"] so that your mail and meetings are told apart")
        }
        // A warning per message (a Date not read).
        capped(found.warnings.map { "\($0)" }, "  ", more: "more warnings")
        capped((found.errors + found.passedOver).map { "skipped \($0)" }, "  ")
        for l in o.listed { lines.append("  " + l) }
        let unlisted = o.meetings + o.emails - o.listed.count
        if dryRun && unlisted > 0 { lines.append("  … and \(unlisted) more") }
        return lines.joined(separator: "\n")
    }
}

/// The touches imported so far, as `apply` finds the one an imported touch already is.
struct StoredMeetings {
    typealias Stored = (id: Int64, on: Day, people: Set<Int64>)
    let sources: [String: Stored]
    /// The meetings of each calendar event, by `ical:UID`: the source id without its days.
    var byEvent: [String: [(source: String, meeting: Stored)]] = [:]
    /// Meetings matched by this import: each is one touch's.
    var taken: Set<Int64> = []

    init(_ sources: [String: Stored]) {
        self.sources = sources
        let meetings = Store.sourceKey(kind: "meeting", sourceID: "")
        for (key, meeting) in sources where key.hasPrefix(meetings + "ical:") {
            let source = String(key.dropFirst(meetings.count))
            byEvent[Sighting.event(of: source), default: []].append((source, meeting))
        }
    }

    /// The stored touch that `t` is, if any, and whether it moved to another day. A touch is
    /// its source id, which names the day the event starts on in its own zone (so the same
    /// event imported in another time zone is not moved); a meeting is also the one of its
    /// event it replaces:
    ///
    ///     one-off moved since (the only meeting of its UID)      the same meeting, moved
    ///     one-off stored as ical:UID (a Tend of 2026-12-03)      the same meeting (moved when
    ///                                                             its day is another)
    ///     occurrence of a series that was a one-off event        the one-off's meeting, on the
    ///                                                             occurrence's day
    ///     occurrence moved off its slot's day since              the same meeting, moved
    ///
    /// A one-off event moved after today is not among the touches: its meeting stays.
    mutating func match(_ t: ImportedTouch) -> (Stored, moved: Bool)? {
        let oneOff = t.kind == .meeting && t.oneOff
        if let exact = sources[Store.sourceKey(kind: t.kind.rawValue, sourceID: t.sourceID)] {
            taken.insert(exact.id)
            // An occurrence of a series moved to another day since it was logged on its slot's day moves its meeting.
            return (exact, t.kind == .meeting && t.movedFrom == exact.on && exact.on != t.on)
        }
        guard t.kind == .meeting, let event = t.event else { return nil }
        let candidates = (byEvent[event] ?? []).filter { !taken.contains($0.meeting.id) }
        let match: (Stored, moved: Bool)?
        if let same = candidates.first(where: { $0.meeting.on == t.on && (oneOff || $0.source == event) }) {
            match = (same.meeting, false)
        } else if oneOff, candidates.count == 1 {
            match = (candidates[0].meeting, true)
        } else {
            match = nil
        }
        if let (m, _) = match { taken.insert(m.id) }
        return match
    }
}

/// A value worked out on another thread, waited for when it is needed.
final class Pending<T>: @unchecked Sendable {
    private var result: Result<T, Error>?
    private let done = DispatchSemaphore(value: 0)
    private var waited = false

    init(_ work: @escaping @Sendable () throws -> T) {
        DispatchQueue.global().async {
            self.result = Result { try work() }
            self.done.signal()
        }
    }

    /// The value, or the error working it out threw; waits for it the first time.
    func value() throws -> T {
        if !waited {
            done.wait()
            waited = true
        }
        return try result!.get()
    }
}
