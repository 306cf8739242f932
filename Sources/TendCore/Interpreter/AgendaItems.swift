import Foundation

extension Interpreter {
    // MARK: - The agenda as a task list

    /// Lines the page shows unless `limit` or `all` says otherwise: what fits a screen.
    static let agendaPageLines = 20

    func performAgenda(_ command: AgendaCommand, _ s: Statement) throws -> [Output] {
        let ctx = Ctx()
        switch command {
        case .page(let on, let byItem, let all, let limit):
            let day = try on.map { try date($0, ctx) }
            var lines: Int? = all ? nil : Interpreter.agendaPageLines
            if let limit {
                guard case .number(let n) = try eval(limit, ctx) else { throw fail(ValueRules.limit(-1)!, limit.range) }
                if let problem = ValueRules.limit(n) { throw fail(problem, limit.range) }
                lines = n > 1_000_000_000 ? 1_000_000_000 : NSDecimalNumber(decimal: n).intValue
            }
            return try agendaPage(on: day, byItem: byItem, lines: lines, s)
        case .done(let item, let note):
            return [.text(try done(item, note: try note.map { try display(eval($0, ctx)) }))]
        case .dismiss(let item, let duration):
            let until = try duration.map { try snoozeEnd(duration: $0, until: nil, "dismiss") }
            return [.text(try setState(item, ItemState(.dismissed, since: today, until: until), "Dismissed", onlyFiring: until == nil))]
        case .snooze(let item, let duration, let until):
            let end = try snoozeEnd(duration: duration, until: until, "snooze")
            return [.text(try setState(item, ItemState(.snoozed, since: today, until: end), "Snoozed"))]
        case .record(let item, let kind, let since, let until, let note):
            let state = ItemState(
                kind, since: try date(since, ctx), until: try until.map { try date($0, ctx) }, note: try note.map { try display(eval($0, ctx)) })
            // A state may begin after today: a dump made later is restored on any day (a CI run
            // with an earlier --today), as its contacts and events dated after today are.
            if let end = state.until, let untilExpr = until, end <= state.since {
                throw fail("the state would end on \(end), not after it began (\(state.since))", untilExpr.range)
            }
            if kind == .snoozed && state.until == nil { throw fail("a snooze ends: give until DATE", item.range) }
            let verb = ["done": "Recorded as done", "dismissed": "Dismissed", "snoozed": "Snoozed"][kind.rawValue]!
            return [.text(try setState(item, state, verb, sameUnsaid: true) + " (since \(state.since))")]
        case .snoozeMany(let query, let duration, let until):
            let end = try snoozeEnd(duration: duration, until: until, "snooze")
            guard case .rows(let set) = try eval(query, ctx) else { throw fail("snooze takes contacts", query.range) }
            if set.collection === Schema.agenda { return [.text(try snoozeItems(set, until: end))] }
            var n = 0
            for case .contact(let id) in set.rows {
                guard var c = try contact(id) else { continue }
                c.snoozedUntil = end
                try apply(.updateContact(c, fields: ["snoozed_until"]))
                n += 1
            }
            return [.text("Snoozed \(n) contact\(n == 1 ? "" : "s") until \(end).")]
        }
    }

    /// The printed agenda: the items in priority order, one line per contact (every rule that
    /// fired for them, highest priority first) or one per item, numbered; the numbers are kept
    /// for `done`, `dismiss` and `snooze` until the agenda is shown again.
    func agendaPage(on day: Day?, byItem: Bool, lines limit: Int?, _ s: Statement) throws -> [Output] {
        // One rule failing for one contact leaves that item off the page, said on standard
        // error, not the whole day's work (b68); a query of `agenda` still fails with it.
        agendaFailures = []
        defer { agendaFailures = nil }
        let (set, keptPeople) = try agendaItems(on: day, s.range)
        let items = set.rows
        let failures = agendaFailures ?? []
        // Each line's items, and its first (highest) item, which it shows.
        var lines: [(keys: [ItemKey], top: Row)] = []
        var lineOf: [Int64: Int] = [:]
        for case .row(let r) in items {
            guard case .contact(let id)? = r["contact"], case .string(let rule)? = r["rule"] else { continue }
            let key = ItemKey(contact: id, rule: rule)
            if !byItem, let i = lineOf[id] {
                lines[i].keys.append(key)
                continue
            }
            lineOf[id] = lines.count
            lines.append(([key], r))
        }
        let shown = limit.map { Array(lines.prefix($0)) } ?? lines
        // Numbers kept for a page worked out from a failed read would make `done 1` close
        // someone else's item.
        try stopOnReadFailure()
        let numbered = try readOnly || agendaBook.setAgendaNumbers(shown.map(\.keys))
        // This page is the one shown here, its numbers kept or not: when they are not (another
        // writer), `done 1` must not close line 1 of the page before if someone else is on it here.
        if !readOnly {
            pageShown = shown.map(\.keys).keptLines
            pageNumbersKept = numbered
        }
        let columns =
            byItem
            ? ["number", "priority", "contact", "rule", "message", "overdue"] : ["number", "priority", "contact", "message", "rules", "overdue"]
        var rows: [[Value]] = []
        var people: [Int64: (name: String, handle: String)] = [:]
        for (i, line) in shown.enumerated() {
            let top = line.top
            if case .contact(let id)? = top["contact"] {
                if let p = keptPeople?[id] { people[id] = p } else if let c = try contact(id) { people[id] = (c.name, c.handle) }
            }
            let what: Value = byItem ? top["rule"] ?? .null : .list(line.keys.map { .string($0.rule) })
            let cells: [Value] = [.int(i + 1), top["priority"] ?? .null, top["contact"] ?? .null]
            rows.append(cells + (byItem ? [what, top["message"] ?? .null] : [top["message"] ?? .null, what]) + [top["overdue"] ?? .null])
        }
        var table = Table(columns: columns, rows: rows, people: people)
        table.dayColumns = ["overdue"]
        var out: [Output] = [.table(table)]
        if shown.count < lines.count {
            // The page of another day says how to see that day's whole: `agenda all` is today's.
            let on = day.map { " on \($0)" } ?? ""
            out.append(.text("… \(Interpreter.grouped(lines.count - shown.count)) more (agenda\(on)\(byItem ? " by item" : "") all)"))
        }
        if readOnly, !shown.isEmpty, try agendaBook.agendaNumbers() != shown.map(\.keys).keptLines {
            // Nothing is written, the numbers neither: `done 1` after this page closed the
            // items of the line 1 of the page before, without a word.
            out.append(
                .text("note: read-only, these numbers are not kept: done, dismiss and snooze by number still mean the agenda shown before this one"))
        }
        if !numbered {
            // `done 2` must not close what another page numbered 2 without saying so.
            out.append(
                .text(
                    "note: another process is writing to the database, so these numbers were not kept: done, dismiss and snooze by number still mean the agenda shown before this one; show it again when the other process is done"
                ))
        }
        return out + Interpreter.leftOff(failures)
    }

    /// The warnings for items a failing rule left off the page: the first few in full (the
    /// rule, its place, the contact), then how many more, so that a rule failing for thousands
    /// of contacts is said in a screenful.
    static func leftOff(_ failures: [Diagnostic], shown: Int = 3) -> [Output] {
        var out: [Output] = failures.prefix(shown).map { d in
            var w = d
            w.kind = .warning
            w.notes.append("this item is left off the agenda until the rule is mended; the rest is shown")
            return .warning(w)
        }
        if failures.count > shown {
            let more = failures.count - shown
            out.append(
                .warning(
                    Diagnostic(
                        .warning,
                        "\(more) more item\(more == 1 ? "" : "s") left off the agenda: \(more == 1 ? "its rule fails" : "their rules fail") for \(more == 1 ? "its contact" : "their contacts") too",
                        at: .none)))
        }
        return out
    }

    /// After a run that showed a page was rolled back: the page's numbers went with the run, but
    /// the page is what was shown last, so they are kept again, on their own (`done 1` would
    /// otherwise close line 1 of the page before, someone else's). A line about someone the
    /// rollback took away keeps no items: `done` on it says so.
    public func keepPageShown(after before: [[ItemKey]]?) {
        guard !readOnly, let page = pageShown, page != before else { return }
        do {
            // The contacts read at once: one by one, each read loaded the small tables again
            // (a 10,000-contact page stopped by SIGTERM took 12 s to leave).
            let there = Set(try view().net.contacts.map(\.id))
            let standing = page.map { line in line.filter { there.contains($0.contact) } }
            pageShown = standing
            pageNumbersKept = try agendaBook.setAgendaNumbers(standing)
        } catch {
            // Not read or not written (the database went away): the numbers kept are another
            // page's, which `done` says when a line differs.
            pageNumbersKept = false
        }
    }

    /// A count with its thousands grouped: 1,976.
    public static func grouped(_ n: Int) -> String {
        let digits = String(n)
        var out = ""
        for (i, ch) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out += "," }
            out.append(ch)
        }
        return out
    }

    /// The items a reference names: every item of a numbered line, or one contact's rule.
    func items(_ ref: ItemReference) throws -> [ItemKey] {
        switch ref {
        case .number(let e):
            var numbers = try agendaBook.agendaNumbers()
            let asked = try eval(e, Ctx())
            // The page this session showed, when another process numbered another since: its line
            // is the one meant, the items shown on it (the same person's line there may hold others).
            if let mine = pageShown, let n = asked.intValue {
                try checkShownHere(n, mine, numbers, e.range)
                numbers = mine
            }
            guard let n = asked.intValue, n >= 1, n <= numbers.count else {
                // An empty page keeps no numbers either: "not shown yet" was said after one.
                let shown =
                    numbers.isEmpty
                    ? "the agenda shown last had no items, or none was shown yet" : "the agenda shown last has items 1 to \(numbers.count)"
                throw fail("no item \(plainText(asked)) on the agenda (\(shown); agenda numbers them)", e.range)
            }
            let keys = numbers[n - 1]
            guard let first = keys.first, try contact(first.contact) != nil else {
                throw fail("item \(n) was about a contact who has been removed since; agenda numbers them again", e.range)
            }
            return keys
        case .rule(let p, let nameExpr):
            let id = try contactID(p.handle, p.range)
            guard case .string(let name) = try eval(nameExpr, Ctx()) else { throw fail("expected the rule's name", nameExpr.range) }
            guard definitions.rules.contains(where: { $0.name == name }) else {
                throw fail(
                    "no rule \(ScriptWriter.quote(name))", nameExpr.range,
                    suggestion: closest(name, among: definitions.rules.map(\.name)).first.map(ScriptWriter.quote))
            }
            return [ItemKey(contact: id, rule: name)]
        }
    }

    /// Refuses a number whose line on the page this session showed (`mine`) is not the line the
    /// kept numbers give it: another process numbered the agenda again since, and line n may be
    /// someone else's. The same person's line (another rule on it, or the same page) is fine.
    func checkShownHere(_ n: Int, _ mine: [[ItemKey]], _ numbers: [[ItemKey]], _ range: SourceRange) throws {
        guard n >= 1 else { return }
        guard n <= mine.count else {
            let shown = mine.isEmpty ? "had no items" : "has items 1 to \(mine.count)"
            throw fail("no item \(n) on the agenda shown here (it \(shown)); nothing was done: show it again (agenda) to number it anew", range)
        }
        let here = mine[n - 1].first?.contact
        // Its person removed since (by another process): that is the reason, whatever the numbers.
        if let here, try contact(here) == nil {
            throw fail("item \(n) was about a contact who has been removed since; nothing was done: show the agenda again (agenda) to number it anew", range)
        }
        guard n > numbers.count || numbers[n - 1].first?.contact != here else { return }
        let was = try here.flatMap { try contact($0) }.map { "@" + $0.handle } ?? "someone removed since"
        let why =
            pageNumbersKept
            ? "another process has numbered the agenda again since" : "its numbers were not kept (another process was writing)"
        throw fail("item \(n) of the agenda shown here was \(was), but \(why); nothing was done: show it again (agenda) and use its numbers", range)
    }

    /// `done`: logs the touch each rule names (once per kind of touch), and closes each item
    /// until its rule's condition stops holding (at once, when the touch settles it).
    func done(_ ref: ItemReference, note: String?) throws -> String {
        var said: [String] = []
        var logged: [String: Int64] = [:]
        var closed = 0
        var closedFor: [Int64] = []
        let states = try agendaBook.itemStates()
        let keys = try items(ref)
        // What held before this `done` logged anything.
        let heldBefore = Set(keys.filter { (try? fires($0.rule, for: $0.contact, ref.range)) == true })
        // The first touch logged, which may settle the line's other items.
        var firstLogged: (kind: String, id: Int64)?
        for key in keys {
            let handle = "@" + (try contact(key.contact)?.handle ?? "?")
            // Done once: a second `done` would log the rule's touch again.
            if let state = states[key], state.kind == .done {
                said.append("\(ScriptWriter.quote(key.rule)) for \(handle) was already done on \(state.since)")
                continue
            }
            // An item whose rule does not hold today (settled since the page was shown, or never
            // there) is nothing to do: its touch is not logged again.
            guard try fires(key.rule, for: key.contact, ref.range) else {
                // The touch this `done` logged for the line's first item may settle the others
                // (a call is a touch for `reconnect` too): that is no "not on the agenda".
                if heldBefore.contains(key), let (kind, id) = firstLogged {
                    said.append("\(ScriptWriter.quote(key.rule)) for \(handle) is settled by that \(kind) (\(kind) \(id))")
                } else {
                    said.append("\(ScriptWriter.quote(key.rule)) for \(handle) is not on the agenda today: nothing logged")
                }
                continue
            }
            if let kind = definitions.rules.first(where: { $0.name == key.rule })?.log {
                if logged[kind] == nil {
                    var i = Interaction(kind: kind, on: today, people: [key.contact])
                    i.note = note
                    logged[kind] = try apply(.insertInteraction(i)) ?? 0
                    if firstLogged == nil { firstLogged = (kind, logged[kind]!) }
                    said.append("logged \(kind) \(logged[kind]!) with \(handle)")
                }
            }
            try agendaBook.setItemState(key, ItemState(.done, since: today, note: note))
            itemsClosedInRun.insert(key)
            said.append("closed \(ScriptWriter.quote(key.rule)) for \(handle)")
            closed += 1
            if !closedFor.contains(key.contact) { closedFor.append(key.contact) }
        }
        // A touch that settles an item (the contact is no longer overdue) ends its state at once,
        // as working out the agenda would, which would otherwise hide the item when the rule
        // fires again, however much later. Only these contacts' rules are worked out, so that
        // another contact's failing rule does not stop this `done`.
        if !logged.isEmpty { try settleStates(of: closedFor, ref.range) }
        // With no touch logged to hold it, the note goes into the timeline as a note (not a
        // touch): kept with the item alone, it went when the rule stopped holding.
        var noted = ""
        if let note, logged.isEmpty, closed > 0 {
            var notes: [String] = []
            for id in closedFor {
                var i = Interaction(kind: "note", on: today, people: [id])
                i.note = note
                let n = try apply(.insertInteraction(i)) ?? 0
                notes.append("note \(n) with @\(try contact(id)?.handle ?? "?")")
            }
            noted = " No rule of it logs a touch: the note is logged as \(notes.joined(separator: ", ")) (the timeline keeps it)."
        }
        return "Done: " + said.joined(separator: "; ") + "." + noted
    }

    /// Forgets the states of these contacts' items whose rule no longer fires (see
    /// `settleItemStates`). A rule that fails for one of them is taken as firing: its state stays.
    func settleStates(of contacts: [Int64], _ range: SourceRange) throws {
        let looked = Set(try contacts.filter { id in try contact(id).map { c in c.snoozedUntil.map { $0 <= today } ?? true } ?? false })
        var fired: Set<ItemKey> = []
        for id in looked {
            for rule in definitions.rules {
                let holds: Bool
                do {
                    holds = try fires(rule.name, for: id, range)
                } catch let d as Diagnostic where isContactsOwn(d) {
                    holds = true
                }
                if holds { fired.insert(ItemKey(contact: id, rule: rule.name)) }
            }
        }
        _ = try settleItemStates(fired: fired, evaluated: looked.contains, on: today, settling: true)
    }

    /// Whether a rule holds for a contact today, its item shown or hidden.
    func fires(_ ruleName: String, for id: Int64, _ range: SourceRange) throws -> Bool {
        guard let rule = definitions.rules.first(where: { $0.name == ruleName }) else { return false }
        try enterRules("done", range)
        evaluatingRules += 1
        defer { evaluatingRules -= 1 }
        let ctx = ruleContext(rule, contact: id)
        let saved = (source, ruleInView)
        source = rule.file ?? source
        ruleInView = rule.name
        defer { (source, ruleInView) = saved }
        return try eval(rule.when, ctx).isTrue
    }

    /// `onlyFiring`: a dismissal for good, which ends when the rule stops holding, is nothing
    /// for an item whose rule does not hold today (it was kept, and forgotten by the next look
    /// at the agenda), as `done` is.
    /// An item already so is said to be, unless `sameUnsaid` (a dump's `record`, whose line says
    /// what it restores).
    func setState(_ ref: ItemReference, _ state: ItemState, _ verb: String, onlyFiring: Bool = false, sameUnsaid: Bool = false) throws -> String {
        var said: [String] = []
        var already: [String] = []
        var notThere: [String] = []
        let states = try agendaBook.itemStates()
        for key in try items(ref) {
            let item = "\(ScriptWriter.quote(key.rule)) for @\(try contact(key.contact)?.handle ?? "?")"
            if onlyFiring, try !fires(key.rule, for: key.contact, ref.range) {
                notThere.append(item)
                continue
            }
            // An item already so keeps the day it was put so: writing it again is no change.
            if let was = states[key], was.kind == state.kind, was.until == state.until, was.note == state.note,
                was.since == state.since || state.since == today
            {
                if sameUnsaid { said.append(item) } else { already.append(item) }
                continue
            }
            said.append(item)
            try agendaBook.setItemState(key, state)
            itemsClosedInRun.insert(key)
        }
        let until = state.until.map { " until \($0)" } ?? " until the rule stops applying"
        let done = said.isEmpty ? [] : ["\(verb) " + said.joined(separator: ", ") + until + "."]
        let same =
            already.isEmpty
            ? []
            : [already.joined(separator: ", ") + " \(already.count == 1 ? "is" : "are") already \(verb.lowercased())\(until)" + (said.isEmpty ? ": nothing was changed." : ".")]
        let nothing =
            notThere.isEmpty
            ? []
            : [notThere.joined(separator: ", ") + " \(notThere.count == 1 ? "is" : "are") not on the agenda today: nothing \(verb.lowercased())."]
        return (done + same + nothing).joined(separator: " ")
    }

    /// `snooze agenda where … 2w`: each item the query gives (a rule and a contact), snoozed
    /// until `end`; the contacts' other items stay on the agenda.
    func snoozeItems(_ set: RowSet, until end: Day) throws -> String {
        let states = try agendaBook.itemStates()
        let state = ItemState(.snoozed, since: today, until: end)
        var n = 0
        // Rows of the agenda's own collection: each has its contact and rule.
        for case .row(let r) in set.rows {
            guard case .contact(let id)? = r["contact"], case .string(let rule)? = r["rule"] else { continue }
            let key = ItemKey(contact: id, rule: rule)
            n += 1
            if let was = states[key], was.kind == .snoozed, was.until == end { continue }
            try agendaBook.setItemState(key, state)
            itemsClosedInRun.insert(key)
        }
        return "Snoozed \(n) agenda item\(n == 1 ? "" : "s") until \(end)."
    }

    /// The day a snooze (or a dismissal for a while) ends: after today, or it is an error.
    func snoozeEnd(duration: Expr?, until: Expr?, _ verb: String) throws -> Day {
        let end: Day
        let range: SourceRange
        if let duration {
            guard case .duration(let d) = try eval(duration, Ctx()) else { throw fail("\(verb) takes a duration (2w) or until DATE", duration.range) }
            end = try onCalendar(today.adding(checked: d), duration)
            range = duration.range
        } else if let until {
            guard case .date(let d) = try eval(until, Ctx()) else { throw fail("\(verb) until takes a date", until.range) }
            end = try fullDate(d, until)
            range = until.range
        } else {
            throw fail("\(verb) takes a duration (2w) or until DATE", .none)
        }
        guard end > today else {
            throw fail("a \(verb) must end after today (\(today)); it would end on \(end)", range)
        }
        return end
    }

    // MARK: - States on the agenda

    /// The item states that hide items today, after forgetting those of closed and dismissed
    /// items whose rule no longer fires for the contact (`fired`: every item that fired, for
    /// contacts not snoozed): a rule that stops holding and holds again brings its item back.
    /// A state that ended (a snooze, a dismissal for a while) is kept: it hides nothing from
    /// its end on, and a run with a far later `--today` (a what-if) must not forget it for the
    /// days before (there is one state per item, so they do not pile up).
    /// `settling`: false for another day's agenda (`agenda on DATE`), which forgets nothing; it
    /// is what `day == today` once said, before the agenda of a day came to set `today` to it.
    func settleItemStates(fired: Set<ItemKey>, evaluated: (Int64) -> Bool, on day: Day, settling: Bool) throws -> [ItemKey: ItemState] {
        var hiding: [ItemKey: ItemState] = [:]
        var spent: [ItemKey] = []
        for (key, state) in try agendaBook.itemStates() {
            if state.until == nil && evaluated(key.contact) && !fired.contains(key) {
                spent.append(key)
            } else if state.hides(on: day) {
                hiding[key] = state
            }
        }
        if !readOnly && settling && !spent.isEmpty {
            // A rule found not holding on figures a failed read left empty still holds.
            try stopOnReadFailure()
            try agendaBook.forgetItemStates(spent)
        }
        return hiding
    }
}

extension Interpreter {
    /// The agenda's items without those closed, dismissed or snoozed (see `settleItemStates`).
    /// `failed`: contacts a rule failed for, whose items' states are left as they are.
    func withoutHiddenItems(_ rows: [Value], _ v: View, settling: Bool, failed: Set<Int64> = []) throws -> [Value] {
        try withoutHiddenItems(rows, on: v.today, settling: settling) { id in
            guard !failed.contains(id), let c = v.net.contact(id) else { return false }
            return c.snoozedUntil.map { $0 <= v.today } ?? true
        }
    }

    /// `evaluated`: whether a contact's rules were worked out (it is there, not snoozed, no rule failed for it).
    func withoutHiddenItems(_ rows: [Value], on day: Day, settling: Bool, evaluated: (Int64) -> Bool) throws -> [Value] {
        func key(_ r: Value) -> ItemKey? {
            guard case .row(let row) = r, case .contact(let id)? = row["contact"], case .string(let rule)? = row["rule"] else { return nil }
            return ItemKey(contact: id, rule: rule)
        }
        let fired = Set(rows.compactMap(key))
        let hiding = try settleItemStates(fired: fired, evaluated: evaluated, on: day, settling: settling)
        guard !hiding.isEmpty else { return rows }
        return rows.filter { key($0).map { hiding[$0] == nil } ?? true }
    }
}

extension Interpreter {
    /// Forgets the items closed until their rule stops applying (done, or dismissed for good)
    /// of the contacts this run changed, whose rule does not fire for them now: a change that
    /// makes a closed item's condition stop holding ends it as a look at the agenda would (a
    /// closed "next step due" hid the next next step for good, unless the agenda happened to
    /// be shown while the condition was false). An item whose rule's condition names a field
    /// this run set is forgotten too, firing or not: it is a new item (a next step set in place
    /// of the one done, due at once, never came onto the agenda). Called by the host before a
    /// writing run commits.
    ///
    /// Only the contacts the run's changes name are looked at (a rule that reads other
    /// contacts', or a change that may touch anyone's, is left to the agenda, which settles
    /// every item it works out), and never an item this run closed or recorded (a restored
    /// dump keeps its closed items as they were).
    /// Forgets what the last run changed, before a run starts.
    public func startRun() {
        contactsChangedInRun = []
        fieldsSetInRun = [:]
        itemsClosedInRun = []
        closedAtRunStart = nil
        settledInRun = []
        settledEveryone = false
    }

    public func settleClosedItems() throws {
        let changed = contactsChangedInRun
        let recorded = itemsClosedInRun
        let fieldsSet = fieldsSetInRun
        contactsChangedInRun = []
        fieldsSetInRun = [:]
        itemsClosedInRun = []
        guard !readOnly, let changed, !changed.isEmpty else { return }
        let closed = try agendaBook.itemStates().filter {
            $0.value.until == nil && changed.contains($0.key.contact) && !recorded.contains($0.key)
        }
        guard !closed.isEmpty else { return }
        let spent = try spentItems(Array(closed.keys), fieldsSet: fieldsSet)
        try stopOnReadFailure()
        if !spent.isEmpty { try agendaBook.forgetItemStates(spent) }
    }

    /// Before the run first changes a contact (or, for a change that may touch anyone, before
    /// its first such change), its closed items whose rule no longer fires: they are forgotten
    /// once the change is made, with it (so that undoing it closes them again), as a look at the
    /// agenda would have forgotten them. The rule stopped applying while no agenda was shown (a
    /// pitch's thirty days ran out, a new year began), and what the change makes fire is a new
    /// item, not the one closed (it stayed hidden).
    func itemsSpentBeforeChanging(_ ids: Set<Int64>?) throws -> [ItemKey] {
        guard !readOnly, evaluatingRules == 0, !settledEveryone else { return [] }
        if closedAtRunStart == nil {
            closedAtRunStart = Dictionary(grouping: try agendaBook.itemStates().filter { $0.value.until == nil }.keys, by: \.contact)
        }
        let keys: [ItemKey]
        if let ids {
            let fresh = ids.subtracting(settledInRun)
            guard !fresh.isEmpty else { return [] }
            settledInRun.formUnion(fresh)
            keys = fresh.flatMap { closedAtRunStart?[$0] ?? [] }
        } else {
            settledEveryone = true
            keys = closedAtRunStart?.values.flatMap { $0 } ?? []
        }
        let open = keys.filter { !itemsClosedInRun.contains($0) }
        guard !open.isEmpty else { return [] }
        let spent = try spentItems(open, fieldsSet: [:], snoozedToo: true)
        for key in spent { closedAtRunStart?[key.contact]?.removeAll { $0 == key } }
        return spent
    }

    /// Of these closed items, those whose rule no longer fires for its contact now, or whose
    /// condition names a field `fieldsSet` says was set. An item of a rule dropped, of a contact
    /// removed or (unless `snoozedToo`) snoozed, or whose rule fails for its contact stays closed
    /// (the agenda says why).
    func spentItems(_ keys: [ItemKey], fieldsSet: [Int64: Set<String>], snoozedToo: Bool = false) throws -> [ItemKey] {
        let rules = Dictionary(definitions.rules.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        let viewing = ruleInView
        evaluatingRules += 1
        defer {
            evaluatingRules -= 1
            ruleInView = viewing
        }
        var spent: [ItemKey] = []
        for key in keys.sorted(by: { ($0.contact, $0.rule) < ($1.contact, $1.rule) }) {
            guard let rule = rules[key.rule], let c = try contact(key.contact), snoozedToo || (c.snoozedUntil.map { $0 <= today } ?? true) else {
                continue
            }
            ruleInView = rule.name
            if let set = fieldsSet[c.id], set.contains("*") || !set.isDisjoint(with: fieldsRead(by: rule)) {
                spent.append(key)
                continue
            }
            let ctx = Ctx(row: .contact(c.id), naming: rule.row)
            do {
                if try !within(rule.file, { try compiled(rule.when)(ctx).isTrue }) { spent.append(key) }
            } catch let d as Diagnostic where d.kind == .runtime && Interruption.requested == 0 {
                // Kept closed: the agenda says why the rule fails.
            }
        }
        return spent
    }

    /// The stored fields a rule's condition names itself (`next_step`, `next_due`): an item
    /// is about them. A field it reads only through a derived one, a let or a fn (a tag the
    /// default cadence looks at, for "stay in touch") leaves a closed item closed, as the
    /// condition holding on says.
    func fieldsRead(by rule: Definitions.Rule) -> Set<String> {
        var names = Set<String>()
        var stack = [rule.when]
        while let e = stack.popLast() {
            switch e.kind {
            case .name(let n), .member(_, let n): names.insert(n)
            default: break
            }
            stack += e.children
        }
        return names.filter { Schema.contacts.field($0).map { !$0.derived } ?? false }
    }
}
