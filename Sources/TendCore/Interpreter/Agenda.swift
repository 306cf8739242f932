import Foundation

extension Interpreter {
    // MARK: - Agenda

    /// Every rule for every contact that is not snoozed: one item per contact and rule that matches.
    func agendaRows(on date: Day?, _ range: SourceRange) throws -> RowSet {
        try agendaItems(on: date, range).rows
    }

    /// The agenda's items, with the names and handles of their contacts when the page was made
    /// of the items the store kept, reading no contact (nil when the contacts were read).
    func agendaItems(on date: Day?, _ range: SourceRange) throws -> (rows: RowSet, people: [Int64: (name: String, handle: String)]?) {
        try enterRules("agenda", range)
        evaluatingRules += 1
        defer { evaluatingRules -= 1 }
        let saved = today
        if let date { today = date }
        defer { today = saved }
        let v = try view()
        let memo = agendaMemo(for: v)
        // Today's items the store kept from an earlier run, for the contacts nothing was
        // written for since (none when another process committed since this one last looked:
        // `AgendaBook.keptItems`); those worked out here are given back to it, unless the run
        // is read-only.
        let settling = date == nil || date == saved
        let keptKey = settling ? keptItemsKey(v) : nil
        // Every contact's kept, and no contact read yet: the page reads none.
        if memo == nil, !v.hasRead, let keptKey, let kept = keptPage(keptItems(under: keptKey)) {
            let rows = try withoutHiddenItems(
                Interpreter.sorted(kept.items).map(\.row), on: v.today, settling: settling, evaluated: kept.evaluated.contains)
            return (RowSet(collection: Schema.agenda, rows: rows), kept.people)
        }
        let contacts = v.net.contacts
        let memoMisses = memo.map { m in contacts.contains { m.items(of: $0.id) == nil } } ?? true
        // Read again, after the contacts, when the page above missed: read before them, the
        // kept items could be older than the contacts (another process committing in between).
        let stored = memoMisses ? keptKey.flatMap(keptItems)?.items ?? [:] : [:]
        // Every contact's figures are needed: from the backend at once while the events are not
        // in memory, unless the memo or the store holds most contacts' items. Rules' event queries
        // read only the rows their fixed conditions select (`narrowedEvents`), or else every event,
        // once. The backend sums only the figures the definitions name.
        v.figuresWanted = figuresNamedByDefinitions()
        let misses = contacts.lazy.filter { memo?.items(of: $0.id) == nil && stored[$0.id] == nil }
        if misses.dropFirst(Interpreter.memoMissLimit).first != nil { v.wholeTable = true }
        // Each with a Double copy of its priority to sort on: comparing Decimals was most of the sort.
        var items: [AgendaMemo.Item] = []
        var fresh: [Int64: [UInt8]] = [:]
        var priorityTexts: [UInt64: (value: Decimal, text: String)] = [:]
        let keeping = keptKey != nil && !readOnly
        let rules = definitions.rules.map { CompiledRule($0, self) }
        var failedContacts: Set<Int64> = []
        // By index: a contact copied for each look at the memo was a tenth of a kept agenda.
        for i in contacts.indices {
            let id = contacts[i].id
            if let kept = memo?.items(of: id) {
                items += kept
                continue
            }
            if let bytes = stored[id], let kept = AgendaMemo.decode(bytes, contact: id)?.items {
                memo?.keep(kept, of: id)
                items += kept
                continue
            }
            let c = contacts[i]
            let snoozed = c.snoozedUntil.map { $0 > v.today } ?? false
            let (mine, failed) = snoozed ? ([], false) : try workOutItems(of: c, rules)
            // Items a failed rule left out are not kept: the next look tries the rule again.
            if failed {
                failedContacts.insert(id)
            } else {
                memo?.keep(mine, of: id)
                if keeping { fresh[id] = AgendaMemo.encode(mine, name: c.name, handle: c.handle, snoozed: snoozed, texts: &priorityTexts) }
            }
            items += mine
        }
        // Keeping them is a saving, not data: a store that cannot shows the page all the same
        // (it throws only when the run's transaction went with the failed write).
        if let keptKey, !fresh.isEmpty { try agendaBook.keepItems(fresh, under: keptKey) }
        // Another day's agenda (`agenda on DATE`, a plan) forgets no closed item: on that day
        // the rule may have stopped holding, and today's `done` would be undone by looking.
        let rows = try withoutHiddenItems(Interpreter.sorted(items).map(\.row), v, settling: settling, failed: failedContacts)
        return (RowSet(collection: Schema.agenda, rows: rows), nil)
    }

    /// A rule with its parts made into closures, boxed once: copying a rule for every contact
    /// retained its six fields.
    final class CompiledRule {
        let rule: Definitions.Rule
        let when: Compiled
        let message: Compiled
        let priority: Compiled?
        init(_ rule: Definitions.Rule, _ interpreter: Interpreter) {
            self.rule = rule
            when = interpreter.compiled(rule.when)
            message = interpreter.compiled(rule.message)
            priority = rule.priority.map(interpreter.compiled)
        }
    }

    /// A contact's items: every rule worked out for it. A rule failing for the contact's own
    /// data, on the printed page (`agendaFailures`), is said there and leaves its item off
    /// (`failed`); elsewhere the error stops the statement.
    private func workOutItems(of c: Contact, _ rules: [CompiledRule]) throws -> (items: [AgendaMemo.Item], failed: Bool) {
        try charge(rules.count, .none)
        let plain = Ctx(row: .contact(c.id))
        var mine: [AgendaMemo.Item] = []
        // The contact's own sort keys, read when its first rule fires.
        var keys: (overdue: Value, days: Int, name: String)?
        var failed = false
        for compiled in rules {
            ruleInView = compiled.rule.name
            let ctx = compiled.rule.row == nil ? plain : Ctx(row: plain.row, naming: compiled.rule.row)
            let fired: (message: String, priority: Decimal)?
            do {
                fired = try forContact(c) {
                    try within(compiled.rule.file) { () throws -> (String, Decimal)? in
                        guard try compiled.when(ctx).isTrue else { return nil }
                        return (try display(compiled.message(ctx)), try priorityValue(compiled.priority, ctx))
                    }
                }
            } catch let d as Diagnostic where agendaFailures != nil && isContactsOwn(d) {
                agendaFailures!.append(d)
                failed = true
                continue
            }
            guard let fired else { continue }
            if keys == nil {
                let overdue = try contactField(c.id, "overdue", .none)
                keys = (overdue, { if case .duration(let d) = overdue { return d.days } else { return 0 } }(), AgendaMemo.sortName(c.name))
            }
            let row = Row(
                Schema.agenda, [.contact(c.id), .string(compiled.rule.name), .string(fired.message), .number(fired.priority), keys!.overdue])
            mine.append(((fired.priority as NSDecimalNumber).doubleValue, keys!.days, keys!.name, .row(row)))
        }
        return (mine, failed)
    }

    /// The items the store kept under `key`; none when they cannot be read (a table someone
    /// changed by hand): they only spare work, and the contacts' own reads report real damage.
    private func keptItems(under key: String) -> KeptItems? {
        (try? agendaBook.keptItems(under: key)) ?? nil
    }

    /// Highest priority first, then most overdue, then by name; two people of one name by who
    /// was added first, and one person's items in their rules' order (the order they come in,
    /// in either path): the same page whichever order the contacts came in (kept ones come in
    /// the store's), so that its numbers stay (and are not written again).
    static func sorted(_ items: [AgendaMemo.Item]) -> [AgendaMemo.Item] {
        func contact(_ item: AgendaMemo.Item) -> Int64 {
            guard case .row(let r) = item.row, case .contact(let id)? = r.values.first else { return 0 }
            return id
        }
        return items.indices.sorted { i, j in
            let (a, b) = (items[i], items[j])
            if a.priority != b.priority { return a.priority > b.priority }
            if a.overdue != b.overdue { return a.overdue > b.overdue }
            if a.name != b.name { return a.name < b.name }
            let (x, y) = (contact(a), contact(b))
            return x != y ? x < y : i < j
        }.map { items[$0] }
    }

    /// Today's items from those the store kept, when it kept every contact's; nil when any
    /// contact's must be worked out. The contacts whose rules were worked out (all but the
    /// snoozed), and the names and handles the page shows, come with them.
    private func keptPage(_ kept: KeptItems?) -> (items: [AgendaMemo.Item], evaluated: Set<Int64>, people: [Int64: (name: String, handle: String)])? {
        guard let kept else { return nil }
        var items: [AgendaMemo.Item] = []
        var people: [Int64: (name: String, handle: String)] = [:]
        var evaluated = Set<Int64>(minimumCapacity: kept.contacts.count)
        for id in kept.contacts {
            guard let bytes = kept.items[id], let mine = AgendaMemo.decode(bytes, contact: id) else { return nil }
            items += mine.items
            if !mine.items.isEmpty { people[id] = (mine.name, mine.handle) }
            if !mine.snoozed { evaluated.insert(id) }
        }
        return (items, evaluated, people)
    }

    /// Whether an error is the contact's own (a value its data makes: a date off the calendar),
    /// not the definitions' (a cycle, nesting too deep) nor the statement's (its work or memory
    /// spent, a stop asked for): only such an error leaves one item off the page.
    func isContactsOwn(_ d: Diagnostic) -> Bool {
        d.kind == .runtime && !d.inDefinitions && Interruption.requested == 0 && work <= maxWork && madeBytes <= maxStatementBytes
    }

    /// The figures the definitions' fields name (a rule's, a score's, a fn's or a let's, in any
    /// scope), with the last touch the agenda's own `overdue` reads: what a backend summing every
    /// contact's figures for the agenda is asked for. A figure read that is not among them (a
    /// field named in a way no name shows) has every figure asked for again when it is read.
    func figuresNamedByDefinitions() -> ContactStats.Figures {
        var found = ContactKey.overdue.figures
        var stack = definitions.rules.flatMap { [$0.when, $0.message] + ($0.priority.map { [$0] } ?? []) }
        stack += definitions.scores.values.map(\.value) + definitions.fns.values.map(\.body) + definitions.lets.values.map(\.value)
        while let e = stack.popLast() {
            switch e.kind {
            case .name(let n), .member(_, let n):
                if let key = ContactKey.byName[n] { found.formUnion(key.figures) }
            default:
                break
            }
            stack += e.children
        }
        return found
    }

    /// `body`, a rule's parts evaluated for a contact: an error in it says for whom (a rule
    /// that fails for one contact of thousands is otherwise hard to mend).
    func forContact<T>(_ c: Contact, _ body: () throws -> T) throws -> T {
        try forContact(named: { (c.handle, c.name) }, body)
    }

    /// `forContact`, the contact's handle and name read only for an error (a contact read out
    /// of the view's array for each score was a copy of its every field).
    func forContact<T>(named who: () -> (handle: String, name: String), _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch var d as Diagnostic where d.kind == .runtime && !d.notes.contains(where: { $0.hasPrefix("evaluated for @") }) {
            let (handle, name) = who()
            d.notes.append("evaluated for @\(handle) (\(name))")
            throw d
        }
    }

    /// Past this many contacts to work out, their figures are read for every contact at once:
    /// one pass over every event then costs less than a read of each contact's own rows (the
    /// same line the SQLite store draws for a selection's figures, `Store.statsReadLimit`).
    static let memoMissLimit = 1000

    /// The memo of the agenda's items for this view's day, made when none is kept; nil when the
    /// rules read more than each contact's own (`Locality`), or the view is not the whole
    /// network as it stands (a goal's period, a selection).
    func agendaMemo(for v: View) -> AgendaMemo? {
        guard keepsAgenda, itemsMayBeKept(v) else { return nil }
        if let memo = keptAgenda, memo.day == v.today { return memo }
        keptAgenda = AgendaMemo(day: v.today)
        return keptAgenda
    }

    /// Whether each contact's items may be kept for a later look (in memory, `AgendaMemo`; in
    /// the store, `keptItemsKey`): the view is the network as it is, and the rules read only
    /// each contact's own (`Locality`).
    func itemsMayBeKept(_ v: View) -> Bool {
        guard periodView == nil, queryView == nil, v === cachedView, v.window == nil else { return false }
        if rulesAreLocal == nil {
            var locality = Locality(definitions: definitions) { [unowned self] in self.resolution(of: $0) }
            rulesAreLocal = locality.rulesAreLocal()
        }
        return rulesAreLocal == true
    }

    /// What the items the store keeps between runs are worked out for: the day and every
    /// definition's text. Nil when none may be kept (`itemsMayBeKept`).
    func keptItemsKey(_ v: View) -> String? {
        guard itemsMayBeKept(v) else { return nil }
        return "\(v.today)\u{1E}" + definitions.fingerprint
    }

    /// The rule's priority; where it gives none (no `priority`, or one that is null for this
    /// contact: `priority days_since(last_touch)` before any touch), the score `priority`; else 0.
    func priorityValue(_ compiled: Compiled?, _ ctx: Ctx) throws -> Decimal {
        var value = try compiled?(ctx) ?? .null
        if value.isNull, definitions.scores["priority"] != nil, case .contact(let id)? = ctx.row {
            value = try contactField(id, "priority", .none)
        }
        return value.numberValue ?? 0
    }

    /// `why @x`: each rule's condition parts and whether they held, then the priority term by term.
    func why(_ id: Int64, _ range: SourceRange) throws -> RowSet {
        try enterRules("why", range)
        evaluatingRules += 1
        defer { evaluatingRules -= 1 }
        let plain = Ctx(row: .contact(id))
        var rows: [Value] = []
        func add(_ what: String, _ expr: String, _ value: Value) {
            rows.append(.record(Record(keys: Schema.why.fieldNames, values: [.string(what), .string(expr), value])))
        }
        guard let c = try contact(id) else { throw fail("no contact #\(id)", .none) }
        if let until = c.snoozedUntil, until > today { add("snoozed", "until \(until)", .bool(true)) }
        for t in try lastTouches(of: id) { add("last touch", t.text, .date(t.on)) }
        let states = try agendaBook.itemStates()
        for rule in definitions.rules {
            ruleInView = rule.name
            let ctx = ruleContext(rule, contact: id)
            let saved = source
            source = rule.file ?? source
            defer { source = saved }
            let fires = try eval(rule.when, ctx)
            add("rule \"\(rule.name)\"", fires.isTrue ? "fires" : "does not fire", fires)
            if let state = states[ItemKey(contact: id, rule: rule.name)], state.hides(on: today) {
                add("  " + state.kind.rawValue, state.described, .bool(true))
            }
            for part in conjuncts(rule.when) {
                add("  when", sliceOf(part), try eval(part, ctx))
            }
            if fires.isTrue {
                add("  message", sliceOf(rule.message), .string(try display(eval(rule.message, ctx))))
                // As `priorityValue`: a rule's priority that is null for the contact gives way to the score.
                var usesScore = rule.priority == nil
                if let own = rule.priority, definitions.scores["priority"] != nil, try eval(own, ctx).isNull {
                    add("  priority", sliceOf(own) + " (null, so the score priority)", .null)
                    usesScore = true
                }
                let priorityExpr = usesScore ? definitions.scores["priority"]?.value : rule.priority
                let label = usesScore ? "  score priority" : "  priority"
                if usesScore { source = definitions.scores["priority"]?.file ?? source }
                if let p = priorityExpr {
                    // The score's terms see its own name for the contact.
                    let termCtx = usesScore ? Ctx(row: plain.row, naming: definitions.scores["priority"]?.row) : ctx
                    var total = Decimal(0)
                    for (sign, term) in terms(p) {
                        let v = try eval(term, termCtx)
                        let n = (v.numberValue ?? 0) * (sign ? 1 : -1)
                        total += n
                        add(label, (sign ? "+ " : "- ") + sliceOf(term), .number(n))
                    }
                    add(label, "= total", .number(total))
                } else {
                    add("  priority", "none given", .int(0))
                }
            }
        }
        return RowSet(collection: nil, rows: rows, columns: Schema.why.fieldNames)
    }

    /// Where a rule's expressions are evaluated for one contact: the contact in view, under the
    /// name `as` gives it.
    func ruleContext(_ rule: Definitions.Rule, contact id: Int64) -> Ctx {
        let plain = Ctx(row: .contact(id))
        return rule.row == nil ? plain : Ctx(row: plain.row, naming: rule.row)
    }

    /// The contact's three latest interactions up to today (what `why` shows the touch rules read), latest first.
    /// A contact's latest touches, newest first, at most three: what `last_touch` counts
    /// (interactions but notes, referrals either way, introductions), on or before today. `why`
    /// named interactions alone, so a referral made today left it a different last touch.
    func lastTouches(of id: Int64) throws -> [(text: String, on: Day)] {
        // The contact's own events, as a timeline reads them: the whole network's took 2.3 s
        // and 425 MB at 100,000 contacts.
        let net = try eventsInvolving(id)
        var touches: [(on: Day, kind: Int, id: Int64, text: String)] = []
        for i in net.interactions where i.kind != "note" && i.on <= today && i.people.contains(id) {
            let imported = i.sourceID.map { " (imported from \($0.hasPrefix("mail:") ? "mail" : "a calendar"))" } ?? ""
            touches.append((i.on, 0, i.id, "\(i.kind) on \(i.on)" + imported))
        }
        for r in net.referrals where r.contact == id && r.on <= today {
            touches.append((r.on, 1, r.id, "referral \(r.direction == .given ? "given" : "received") on \(r.on)"))
        }
        for x in net.introductions where (x.a == id || x.b == id) && x.on <= today {
            touches.append((x.on, 2, x.id, "introduction on \(x.on)"))
        }
        // Newest first; on one day, interactions before referrals before introductions.
        let newest = touches.sorted { $0.on != $1.on ? $0.on > $1.on : ($0.kind, -$0.id) < ($1.kind, -$1.id) }.prefix(3)
        return newest.map { ($0.text, $0.on) }
    }

    private func sliceOf(_ e: Expr) -> String { source.map { $0.slice(e.range) } ?? "…" }

    /// Stops a stored rule that reads what evaluates every rule (see `evaluatingRules`).
    func enterRules(_ what: String, _ range: SourceRange) throws {
        guard evaluatingRules > 0 else { return }
        throw failInDefinitions("rule \"\(ruleInView)\" reads \(what), which evaluates every rule: a cycle; drop or redefine the rule", range)
    }

    /// The parts of a condition joined by `and`/`or` at the top level (`why` shows each).
    func conjuncts(_ e: Expr) -> [Expr] {
        if case .binary(let op, let l, let r) = e.kind, op == .and || op == .or { return conjuncts(l) + conjuncts(r) }
        return [e]
    }

    /// The additive terms of an expression with their signs: `2 * a + b - c` → (+2*a, +b, -c).
    func terms(_ e: Expr) -> [(Bool, Expr)] {
        if case .binary(let op, let l, let r) = e.kind, op == .plus || op == .minus {
            return terms(l) + terms(r).map { (op == .plus ? $0.0 : !$0.0, $0.1) }
        }
        return [(true, e)]
    }
}
