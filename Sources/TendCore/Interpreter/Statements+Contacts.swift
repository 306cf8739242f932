import Foundation

extension Interpreter {
    /// `add "Name" options…`: a new contact, refused when its handle is taken (with a free one to
    /// give instead).
    func performAdd(_ nameExpr: Expr, _ options: [Option], _ s: Statement, _ ctx: Ctx) throws -> Output {
        guard case .string(let name) = try eval(nameExpr, ctx), !name.trimmed.isEmpty else {
            throw fail("a contact needs a name", nameExpr.range)
        }
        var c = Contact(name: name.trimmed, handle: makeHandle(name), created: today)
        for o in options where o.name == "handle" || o.name == "created" {
            if case .pair(let n, let e, _) = o {
                let v = try eval(e, ctx)
                if n == "handle" { c.handle = try validHandle(v, e.range) }
                if n == "created", case .date(let d) = v { c.created = try fullDate(d, e) }
            }
        }
        let given = options.contains { $0.name == "handle" }
        if !given, !name.contains(where: { $0.isLetter || $0.isNumber }) {
            // A name with nothing to make a handle of ("😀", "!!!"): the next free "contact-N",
            // since no other name would tell such people apart either; the same name again is
            // taken, as any name is.
            for candidate in Interpreter.handles(from: c.handle) {
                guard let existing = try model.contactID(handle: candidate) else {
                    c.handle = candidate
                    break
                }
                if try contact(existing)?.name == c.name {
                    throw fail(
                        "\(ScriptWriter.quote(c.name)) is @\(candidate) already; to add a second person, give a handle", s.range,
                        suggestion: "handle: \"\(try freeHandle(c.handle))\"")
                }
            }
        } else if let existing = try model.contactID(handle: c.handle) {
            let other = try contact(existing)?.name ?? c.handle
            let free = try freeHandle(c.handle)
            // The handle given is taken: another one is wanted, not "a handle".
            throw fail(
                "@\(c.handle) is taken by \(other); \(given ? "give another handle" : "to add a second person, give a handle")", s.range,
                suggestion: "handle: \"\(free)\"")
        }
        var fields: Set<String> = []
        _ = try applyContactOptions(&c, options.filter { !["handle", "created", "id"].contains($0.name) }, ctx, fields: &fields)
        c.id = try givenID(options, ctx, of: "a contact")
        c.id = try insertNumbered(.insertContact(c), options)
        if fields.contains("stage") { try apply(.insertStageChange(StageChange(contact: c.id, stage: c.stage, on: c.created))) }
        // The name on one line, as a card shows it: a line break in it is data, not layout.
        return .text("Added @\(c.handle) (\(TerminalText.escaped(c.name))).")
    }

    /// `set @x …`, `set me …`, `set QUERY …` and `set interaction N …`. For contacts, `on DATE`
    /// dates the stage change; for an event it moves the event.
    func performSet(_ target: Statement.Target, _ options: [Option], on: Expr?, _ ctx: Ctx) throws -> Output {
        switch target {
        case .event(let kind, let id): return try correct(kind, id, options, on: on, ctx)
        case .me:
            // `on` dates nothing of mine; it is evaluated all the same, as for a contact.
            _ = try stageDate(on, ctx)
            return try setMe(options, ctx)
        case .person(let p):
            let date = try stageDate(on, ctx)
            let id = try contactID(p.handle, p.range)
            guard var c = try contact(id) else { throw fail("no contact @\(p.handle)", p.range) }
            guard try update(&c, options, ctx, on: date, dated: on != nil) else {
                return .text("@\(c.handle) already has \(options.count == 1 ? "that value" : "those values"); nothing was changed.")
            }
            return .text("Updated @\(c.handle).")
        case .query(let q):
            let date = try stageDate(on, ctx)
            guard case .rows(let set) = try eval(q, ctx) else { throw fail("set needs contacts", q.range) }
            let ids = set.rows.compactMap { if case .contact(let id) = $0 { id } else { nil } }
            if ids.count > 1, let h = options.first(where: { $0.name == "handle" }) {
                throw fail(
                    "a handle names one contact, and this query matches \(ids.count)", h.range,
                    suggestion: "set one contact's handle: set @x handle: \"new-handle\"")
            }
            var (n, same) = (0, 0)
            for id in ids {
                guard var c = try contact(id) else { continue }
                if try update(&c, options, ctx, on: date, dated: on != nil) { n += 1 } else { same += 1 }
            }
            let kept = same == 0 ? "" : " (\(same) already had \(options.count == 1 ? "that value" : "those values"))"
            return .text("Updated \(n) contact\(n == 1 ? "" : "s")\(kept).")
        }
    }

    /// The date of a stage change `set … on DATE` records: today without `on`.
    func stageDate(_ on: Expr?, _ ctx: Ctx) throws -> Day {
        try on.map { try eval($0, ctx).dateValue ?? today } ?? today
    }

    /// `set me name: … profession: … goals: […]`.
    func setMe(_ options: [Option], _ ctx: Ctx) throws -> Output {
        var me = try view().net.me
        let before = me
        for o in options {
            guard case .pair(let n, let e, _) = o else { continue }
            let v = try eval(e, ctx)
            switch n {
            case "name": me.name = v.stringValue
            case "profession": me.profession = v.stringValue
            case "company": me.company = v.stringValue
            case "preferred_client": me.preferredClient = try strings(v, e.range)
            case "goals": me.goals = try strings(v, e.range)
            case "emails": me.emails = try strings(v, e.range).filter { !$0.isEmpty }
            default: break
            }
        }
        if me == before { return .text("me already has \(options.count == 1 ? "that value" : "those values"); nothing was changed.") }
        try apply(.setMe(me))
        return .text("Updated me.")
    }

    /// `merge @a into @b`: one contact with both's events, saying what of `@a` it did not keep.
    func performMerge(from fromP: Person, into intoP: Person, _ s: Statement) throws -> Output {
        let from = try contactID(fromP.handle, fromP.range)
        let into = try contactID(intoP.handle, intoP.range)
        guard from != into else { throw fail("cannot merge a contact into itself", s.range) }
        guard let a = try contact(from), var b = try contact(into) else { throw fail("no such contact", s.range) }
        let stage = b.stage
        let created = b.created
        let dropped = merge(a, into: &b)
        // The further stage is kept, whoever had it: said, since it is not the target's own;
        // so is the earlier date of adding (it moves `due`, so the agenda).
        let tookStage =
            (b.stage != stage ? " The stage is @\(a.handle)'s, \(b.stage), the further of the two." : "")
            + (b.created != created ? " Added on \(b.created), @\(a.handle)'s date, the earlier of the two." : "")
        // An introduction of the two to each other goes with the merge: they are one person now.
        let between = try eventsInvolving(from).introductions.filter { Set([$0.a, $0.b]) == Set([from, into]) }.map(\.id).sorted()
        // The merged contact goes first: the kept one may take its UID.
        try apply(.mergeContact(from: from, into: into))
        try apply(.updateContact(b))
        try recordKeptStage(b)
        try renameHandle(a.handle, to: b.handle)
        let removed =
            between.isEmpty
            ? ""
            : " Removed \(between.count == 1 ? "introduction" : "introductions") \(between.map(String.init).joined(separator: ", ")) of the two to each other."
        guard !dropped.isEmpty else { return .text("Merged @\(a.handle) into @\(b.handle).\(tookStage)\(removed)") }
        return .text(
            "Merged @\(a.handle) into @\(b.handle), keeping @\(b.handle)'s value where both had one; not kept from @\(a.handle): "
                + dropped.joined(separator: ", ") + ".\(tookStage)\(removed)")
    }

    /// A merge keeps the stage of the contact merged into, but brings the other's stage history
    /// along, whose latest change may say otherwise; the stage is what its history says (a dump
    /// replays the history), so the kept stage is recorded as the latest change, dated today or
    /// with the latest change when that is later.
    func recordKeptStage(_ c: Contact) throws {
        let history = try eventsInvolving(c.id).stageChanges.filter { $0.contact == c.id }
        func counted(_ on: Day) -> Day { max(on, c.created) }
        guard let latest = history.max(by: { (counted($0.on), $0.id) < (counted($1.on), $1.id) }), latest.stage != c.stage else { return }
        try apply(.insertStageChange(StageChange(contact: c.id, stage: c.stage, on: max(today, counted(latest.on)))))
    }

    /// `snooze @x 2w` or `snooze @x until DATE`: off the agenda until then.
    func performSnooze(_ p: Person, duration: Expr?, until: Expr?) throws -> Output {
        let id = try contactID(p.handle, p.range)
        guard var c = try contact(id) else { throw fail("no contact @\(p.handle)", p.range) }
        c.snoozedUntil = try snoozeEnd(duration: duration, until: until, "snooze")
        try apply(.updateContact(c, fields: ["snoozed_until"]))
        return .text("Snoozed @\(c.handle) until \(c.snoozedUntil!).")
    }

    /// `unsnooze @x`: back on the agenda, the contact and each of its items snoozed alone
    /// (`snooze 3 1w`, `snooze @x rule "…" 1w`), which it said were not snoozed.
    func performUnsnooze(_ p: Person) throws -> Output {
        let id = try contactID(p.handle, p.range)
        guard var c = try contact(id) else { throw fail("no contact @\(p.handle)", p.range) }
        let items = try agendaBook.itemStates().filter { $0.key.contact == id && $0.value.kind == .snoozed && $0.value.hides(on: today) }
            .keys.sorted { $0.rule < $1.rule }
        guard c.snoozedUntil != nil || !items.isEmpty else { return .text("@\(c.handle) was not snoozed; nothing was changed.") }
        if c.snoozedUntil != nil {
            c.snoozedUntil = nil
            try apply(.updateContact(c, fields: ["snoozed_until"]))
        }
        for key in items { try agendaBook.setItemState(key, nil) }
        let rules = items.isEmpty ? "" : " (\(items.map { "\"\($0.rule)\"" }.joined(separator: ", ")) no longer snoozed)"
        return .text("@\(c.handle) is back on the agenda\(rules).")
    }

    func validHandle(_ v: Value, _ range: SourceRange) throws -> String {
        guard case .string(let h) = v else { throw fail("a handle is text", range) }
        if let problem = ValueRules.handle(h) { throw fail(problem.message, range, suggestion: problem.suggestion) }
        return h.hasPrefix("@") ? String(h.dropFirst()) : h
    }

    func freeHandle(_ base: String) throws -> String {
        // The handles from a base never end: one is free.
        try Interpreter.handles(from: base).dropFirst().first { try model.contactID(handle: $0) == nil }!
    }

    /// `base`, then `base-2`, `base-3` …: the handles a person takes in turn when one is taken.
    static func handles(from base: String) -> some Sequence<String> {
        (1...).lazy.map { $0 == 1 ? base : "\(base)-\($0)" }
    }

    /// Sets a contact's options. A stage is recorded as a change when it differs from the
    /// current one, or always when the statement gives its date (history being entered, as a
    /// dump replays it); the stage is then the latest change by date.
    /// False when the contact already had every value (nothing is written: no change to undo).
    @discardableResult
    func update(_ c: inout Contact, _ options: [Option], _ ctx: Ctx, on date: Day, dated: Bool = false) throws -> Bool {
        let original = c
        let before = c.stage
        // Checked whether or not a stage change is recorded: a name one may not act as is refused.
        let author = try author(options, ctx)
        var fields: Set<String> = []
        let newHandle = try applyContactOptions(&c, options.filter { !Checker.isStageChangeOption($0) }, ctx, fields: &fields)
        let stageGiven = fields.contains("stage")
        if c == original && !(stageGiven && dated) { return false }
        let oldHandle = newHandle == nil ? nil : try contact(c.id)?.handle
        if let h = newHandle, h != oldHandle, let other = try model.contactID(handle: h), other != c.id {
            throw fail("@\(h) is taken", options.first { $0.name == "handle" }?.range ?? .none)
        }
        // Only the fields the statement names are written: another process may have changed the others.
        try apply(.updateContact(c, fields: fields))
        if stageGiven && (c.stage != before || dated) {
            var change = StageChange(contact: c.id, stage: c.stage, on: date)
            change.id = try givenID(options, ctx)
            change.by = author
            _ = try insertNumbered(.insertStageChange(change), options)
        }
        if let old = oldHandle, let h = newHandle { try renameHandle(old, to: h) }
        return true
    }

    /// Merges `a` into `b`: lists and flags are joined, and a field only `a` has is taken. Where
    /// both have a different value, `b`'s is kept and `a`'s returned (`company "Beta"`), so that
    /// the merge says what it did not keep.
    func merge(_ a: Contact, into b: inout Contact) -> [String] {
        var dropped: [String] = []
        func keep<T: Equatable>(_ field: String, _ path: WritableKeyPath<Contact, T?>, _ show: (T) -> String) {
            guard let theirs = a[keyPath: path] else { return }
            guard let ours = b[keyPath: path] else {
                b[keyPath: path] = theirs
                return
            }
            if ours != theirs { dropped.append("\(field) \(show(theirs))") }
        }
        let quoted = { (s: String) in s.debugDescription }
        if a.name != b.name { dropped.append("name \(a.name.debugDescription)") }
        keep("company", \.company, quoted)
        keep("title", \.title, quoted)
        keep("profession", \.profession, quoted)
        // Every e-mail, phone and address of both, the kept contact's preferred ones first.
        b.emails.append(contentsOf: a.emails.filter { e in !b.emails.contains { $0.value.lowercased() == e.value.lowercased() } })
        let phoneKey = { (p: ContactPoint) in p.value.contains(where: \.isNumber) ? p.value.filter(\.isNumber) : p.value.lowercased() }
        b.phones.append(contentsOf: a.phones.filter { p in !b.phones.contains { phoneKey($0) == phoneKey(p) } })
        // A number both have keeps a type only the merged one gave it.
        for i in b.phones.indices where b.phones[i].type == nil {
            b.phones[i].type = a.phones.first { phoneKey($0) == phoneKey(b.phones[i]) }?.type
        }
        let parts = { (x: PostalAddress) in [x.street, x.city, x.region, x.postcode, x.country].map { $0?.lowercased() ?? "" } }
        b.addresses.append(contentsOf: a.addresses.filter { x in !b.addresses.contains { parts($0) == parts(x) } })
        keep("met_at", \.metAt, quoted)
        keep("met_on", \.metOn, \.description)
        keep("birthday", \.birthday, \.description)
        keep("anniversary", \.anniversary, \.description)
        for d in a.dates where !b.dates.contains(d) { b.dates.append(d) }
        keep("relationship", \.relationship, quoted)
        keep("cadence", \.cadence, \.description)
        keep("uid", \.uid, quoted)
        keep("snoozed_until", \.snoozedUntil, \.description)
        if b.nextStep == nil {
            b.nextStep = a.nextStep
            b.nextDue = a.nextDue
        } else if let step = a.nextStep, step != b.nextStep || a.nextDue != b.nextDue {
            dropped.append("next_step \(step.debugDescription)" + (a.nextDue.map { " due \($0)" } ?? ""))
        }
        for f in Schema.contactListFields {
            for item in a[list: f] where !b[list: f].contains(item) { b[list: f].append(item) }
        }
        b.isInternal = b.isInternal || a.isInternal
        b.expert = b.expert || a.expert
        b.passionate = b.passionate || a.passionate
        b.honorsReferrals = b.honorsReferrals || a.honorsReferrals
        b.stage = max(a.stage, b.stage)
        // Notes the kept contact has already are not written twice.
        if let n = a.notes, b.notes.map({ $0 != n && !$0.hasSuffix("\n" + n) && !$0.hasPrefix(n + "\n") }) ?? true {
            b.notes = b.notes.map { $0 + "\n" + n } ?? n
        }
        b.created = min(a.created, b.created)
        return dropped
    }
}
