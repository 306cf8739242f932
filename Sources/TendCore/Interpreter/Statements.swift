import Foundation

extension Interpreter {
    /// Runs one checked statement and returns what it shows. An error reading the model fails
    /// the statement, whatever it went on to compute without the data.
    public func execute(_ s: Statement) throws -> [Output] {
        let outputs: [Output]
        do {
            outputs = try perform(s)
        } catch {
            throw readFailure() ?? error
        }
        if let failure = readFailure() { throw failure }
        return outputs
    }

    func perform(_ s: Statement) throws -> [Output] {
        source = s.source
        startStatement()
        queryView = nil
        let ctx = Ctx()
        switch s.kind {
        case .expr(let e):
            if case .query(let q) = e.kind, case .path(let to) = q.source, q.filter == nil,
                case .rows(let set) = try eval(e, ctx), set.rows.isEmpty
            {
                let name = try display(eval(to, ctx))
                return [.text("No chain of people who know each other reaches \(name) from the people you know (add knows edges or introductions).")]
            }
            // An empty `who serves` says why: no market, no professions, no one classified.
            if case .query(let q) = e.kind, case .who(.serves(let m)) = q.source, q.filter == nil {
                let value = try eval(e, ctx)
                guard case .rows(let set) = value, set.rows.isEmpty else { return [try present(e, ctx, value: value)] }
                let market = try m.map { try eval($0, ctx) } ?? (meRecord()["preferred_client"] ?? .null)
                return [try present(e, ctx, value: value), .text(try whyNoneServe(market))]
            }
            return [try present(e, ctx)]
        case .explain(let inner):
            return try explain(inner)
        case .add(let nameExpr, let options):
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
            if let existing = try model.contactID(handle: c.handle) {
                let other = try contact(existing)?.name ?? c.handle
                let free = try freeHandle(c.handle)
                throw fail(
                    "@\(c.handle) is taken by \(other); to add a second person, give a handle", s.range,
                    suggestion: "handle: \"\(free)\"")
            }
            var fields: Set<String> = []
            _ = try applyContactOptions(&c, options.filter { $0.name != "handle" && $0.name != "created" }, ctx, fields: &fields)
            c.id = try apply(.insertContact(c)) ?? 0
            if fields.contains("stage") { try apply(.insertStageChange(StageChange(contact: c.id, stage: c.stage, on: c.created))) }
            return [.text("Added @\(c.handle) (\(c.name)).")]
        case .set(let target, let options, let on):
            if case .event(let kind, let id) = target { return [try correct(kind, id, options, on: on, ctx)] }
            let date = try on.map { try eval($0, ctx).dateValue ?? today } ?? today
            switch target {
            case .event: return []
            case .me:
                var me = try view().net.me
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
                try apply(.setMe(me))
                return [.text("Updated me.")]
            case .person(let p):
                let id = try contactID(p.handle, p.range)
                guard var c = try contact(id) else { throw fail("no contact @\(p.handle)", p.range) }
                try update(&c, options, ctx, on: date, dated: on != nil)
                return [.text("Updated @\(c.handle).")]
            case .query(let q):
                guard case .rows(let set) = try eval(q, ctx) else { throw fail("set needs contacts", q.range) }
                var n = 0
                for case .contact(let id) in set.rows {
                    guard var c = try contact(id) else { continue }
                    try update(&c, options, ctx, on: date, dated: on != nil)
                    n += 1
                }
                return [.text("Updated \(n) contact\(n == 1 ? "" : "s").")]
            }
        case .market(let nameExpr, let options):
            guard case .string(let name) = try eval(nameExpr, ctx) else { throw fail("a market needs a name", nameExpr.range) }
            var served: [String] = try view().net.markets.first { normalize($0.name) == normalize(name) }?.servedBy ?? []
            for case .pair("served_by", let e, _) in options { served = try strings(eval(e, ctx), e.range) }
            try apply(.setMarket(Market(name: name, servedBy: served)))
            return [.text("Market \"\(name)\" is served by \(served.isEmpty ? "nobody yet" : served.joined(separator: ", ")).")]
        case .log(let kind, let people, let on, let options):
            var i = Interaction(kind: kind, on: try date(on, ctx), people: try ids(people))
            for o in options {
                switch o {
                case .flag("gave", _): i.gave = true
                case .flag("asked", _): i.asked = true
                case .flag("inbound", _): i.inbound = true
                case .flag("pitch", _): i.pitch = true
                case .pair("note", let e, _): i.note = try eval(e, ctx).stringValue
                case .pair("quality", let e, _): i.quality = try quality(eval(e, ctx), e.range)
                case .pair("source", let e, _): i.sourceID = try eval(e, ctx).stringValue
                default: break
                }
            }
            let id = try apply(.insertInteraction(i)) ?? 0
            return [.text("Logged \(kind) \(id) with \(try names(i.people)) on \(i.on).")]
        case .refer(let aboutExpr, let to, let on, let options):
            var r = Referral(direction: .given, contact: try contactID(to.handle, to.range), on: try date(on, ctx))
            r.about = try display(eval(aboutExpr, ctx))
            try referralOptions(&r, options, ctx)
            let id = try apply(.insertReferral(r)) ?? 0
            return [.text("Referral \(id): \(r.about ?? "") to \(try names([r.contact])).")]
        case .referral(let from, let aboutExpr, let on, let options):
            var r = Referral(direction: .received, contact: try contactID(from.handle, from.range), on: try date(on, ctx))
            r.about = try aboutExpr.map { try display(eval($0, ctx)) }
            try referralOptions(&r, options, ctx)
            let id = try apply(.insertReferral(r)) ?? 0
            return [.text("Referral \(id) received from \(try names([r.contact])).")]
        case .introduce(let people, let on, let options):
            let p = try ids(people)
            guard p.count == 2, p[0] != p[1] else { throw fail("introduce takes two different people", s.range) }
            var i = Introduction(a: p[0], b: p[1], on: try date(on, ctx))
            for case .pair("note", let e, _) in options { i.note = try eval(e, ctx).stringValue }
            let id = try apply(.insertIntroduction(i)) ?? 0
            return [.text("Introduction \(id): \(try names(p)).")]
        case .spend(let amountExpr, let at, let on, let options):
            guard case .number(let amount) = try eval(amountExpr, ctx), amount >= 0 else {
                throw fail("the amount must be a number, 0 or more", amountExpr.range)
            }
            var sp = Spend(contact: try contactID(at.handle, at.range), amount: amount.rounded(toPlaces: 2, .plain), on: try date(on, ctx))
            for case .pair("note", let e, _) in options { sp.note = try eval(e, ctx).stringValue }
            let id = try apply(.insertSpend(sp)) ?? 0
            return [.text("Spend \(id): \(sp.amount.tendText) at \(try names([sp.contact])).")]
        case .knows(let people):
            let p = try ids(people)
            var n = 0
            for i in p.indices {
                for j in p.indices where j > i && p[i] != p[j] {
                    try apply(.insertKnows(p[i], p[j]))
                    n += 1
                }
            }
            return [.text("Recorded that \(try names(p)) know each other.")]
        case .goal(let nameExpr, let by, let options, let period):
            guard case .string(let name) = try eval(nameExpr, ctx) else { throw fail("a goal needs a name", nameExpr.range) }
            var g = try view().net.goals.first { $0.name == name } ?? Goal(name: name)
            if let by { g.due = try eval(by, ctx).dateValue }
            for o in options {
                guard case .pair(let n, let e, _) = o else { continue }
                switch n {
                case "metric": g.metric = s.source.slice(e.range)
                case "target": g.target = try eval(e, ctx).numberValue
                case "due": g.due = try eval(e, ctx).dateValue
                default: break
                }
            }
            if let period { g.period = period.0 }
            try apply(.setGoal(g))
            return [
                .text(
                    "Goal \"\(name)\"\(g.due.map { " by \($0)" } ?? "")\(g.target.map { ", target \($0.tendText) per \(g.period?.rawValue ?? "period")" } ?? "")."
                )
            ]
        case .helps(let p, let goalExpr):
            let id = try contactID(p.handle, p.range)
            guard case .string(let name) = try eval(goalExpr, ctx) else { throw fail("helps takes a goal's name", goalExpr.range) }
            let goals = try view().net.goals
            guard var g = goals.first(where: { $0.name == name }) ?? goals.first(where: { normalize($0.name) == normalize(name) }) else {
                throw fail("no goal \"\(name)\"", goalExpr.range, suggestion: closest(name, among: goals.map(\.name)).first.map { "\"\($0)\"" })
            }
            if !g.helpers.contains(id) { g.helpers.append(id) }
            try apply(.setGoal(g))
            return [.text("\(try names([id])) can help with \"\(g.name)\".")]
        case .merge(let fromP, let intoP):
            let from = try contactID(fromP.handle, fromP.range)
            let into = try contactID(intoP.handle, intoP.range)
            guard from != into else { throw fail("cannot merge a contact into itself", s.range) }
            guard let a = try contact(from), var b = try contact(into) else { throw fail("no such contact", s.range) }
            let dropped = merge(a, into: &b)
            // The merged contact goes first: the kept one may take its UID.
            try apply(.mergeContact(from: from, into: into))
            try apply(.updateContact(b))
            guard !dropped.isEmpty else { return [.text("Merged @\(a.handle) into @\(b.handle).")] }
            return [
                .text(
                    "Merged @\(a.handle) into @\(b.handle), keeping @\(b.handle)'s value where both had one; not kept from @\(a.handle): "
                        + dropped.joined(separator: ", ") + ".")
            ]
        case .remove(let what):
            return [try remove(what, ctx, s.source)]
        case .snooze(let p, let duration, let until):
            let id = try contactID(p.handle, p.range)
            guard var c = try contact(id) else { throw fail("no contact @\(p.handle)", p.range) }
            c.snoozedUntil = try snoozeEnd(duration: duration, until: until, "snooze")
            try apply(.updateContact(c, fields: ["snoozed_until"]))
            return [.text("Snoozed @\(c.handle) until \(c.snoozedUntil!).")]
        case .agenda(let command):
            return try performAgenda(command, s)
        case .journal(let command):
            return try performJournal(command, s)
        case .edit(let target):
            return try performEdit(target, s)
        case .unsnooze(let p):
            let id = try contactID(p.handle, p.range)
            guard var c = try contact(id) else { throw fail("no contact @\(p.handle)", p.range) }
            c.snoozedUntil = nil
            try apply(.updateContact(c, fields: ["snoozed_until"]))
            return [.text("@\(c.handle) is back on the agenda.")]
        case .letDef(let name, _), .fnDef(let name, _, _), .scoreDef(let name, _, _):
            try define(s)
            return [.text("Defined \(name).")]
        case .ruleDef(let name, _, _, _, _, _):
            try define(s)
            return [.text("Defined rule \"\(name)\".")]
        case .drop(let kind, let nameExpr, let cascade):
            return [try drop(kind, nameExpr, cascade: cascade, s)]
        case .load(let pathExpr):
            // The session inlines loaded files before checking; a load left in the program reads
            // a file this run saved earlier.
            guard let host, case .string(let path) = try eval(pathExpr, ctx) else { return [] }
            return try host.loadSaved(path, from: s.source, into: self)
        case .save(let pathExpr, let overwrite):
            guard case .string(let path) = try eval(pathExpr, ctx) else { throw fail("save takes a file name", pathExpr.range) }
            guard let host else { throw fail("save is not available here", s.range) }
            let text = try ScriptWriter.definitions(of: view().net, definitions: definitions)
            do { try host.write(text, to: path, overwrite: overwrite, from: s.source) } catch { throw fail("\(error)", pathExpr.range) }
            return [.text("Saved \(definitions.all.count) definitions to \(path).")]
        case .assert(let cond, let messageExpr):
            let v = try eval(cond, ctx)
            let message = try messageExpr.map { try display(eval($0, ctx)) } ?? s.source.slice(cond.range)
            let detail = v.isTrue ? "" : try assertionDetail(cond, ctx)
            return [.assertion(passed: v.isTrue, message: message, detail: detail, range: cond.range, source: s.source)]
        case .print(let e):
            let v = try eval(e, ctx)
            if case .rows = v { return [try present(e, ctx, value: v)] }
            return [.value(.string(try display(v, e.range)))]
        case .resetRules:
            // The prelude's definitions as they are: nothing to put back, and no change made.
            let current = Dictionary(definitions.all.map { (Definitions.key($0.kind, $0.name), $0.source) }) { a, _ in a }
            if Prelude.definitions.all.allSatisfy({ current[Definitions.key($0.kind, $0.name)] == $0.source }) {
                return [.text("The prelude's definitions are as they were; nothing was changed.")]
            }
            // Drop what the prelude defines (your own definitions stay), then define it again.
            for d in Prelude.definitions.all {
                _ = definitions.drop(d.kind, d.name)
                if !readOnly { try apply(.deleteDefinition(d.kind, d.name)) }
            }
            for p in Prelude.statements { try define(p) }
            return [.text("The prelude's definitions are back.")]
        case .importFile(let format, let pathExpr, let options):
            guard case .string(let path) = try eval(pathExpr, ctx) else { throw fail("import takes a file name", pathExpr.range) }
            guard let host else { throw fail("import is not available here", s.range) }
            var opts: [String: Value] = [:]
            for o in options {
                switch o {
                case .pair(let n, let e, _): opts[n] = try eval(e, ctx)
                case .flag(let n, _): opts[n] = .bool(true)
                case .tag(let t, let adds, _): opts["+" + t] = .bool(adds)
                }
            }
            let report = try host.importFile(format: format, path: path, options: opts, from: s.source, into: self)
            invalidate()
            return [.text(report)]
        case .exportFile(let format, let pathExpr, let query, let overwrite):
            guard case .string(let path) = try eval(pathExpr, ctx) else { throw fail("export takes a file name", pathExpr.range) }
            guard let host else { throw fail("export is not available here", s.range) }
            let set: RowSet
            if let query {
                guard case .rows(let r) = try eval(query, ctx) else { throw fail("export takes a query", query.range) }
                set = r
            } else if format == "ics" {
                set = try agendaRows(on: nil, s.range)
            } else {
                set = RowSet(collection: Schema.contacts, rows: try rows(of: Schema.contacts))
            }
            let ids: [Int64] = set.rows.compactMap {
                if case .contact(let id) = $0 { return id }
                if case .row(let r) = $0, case .contact(let id)? = r["contact"] { return id }
                return nil
            }
            let done = try host.exportFile(
                format: format, path: path, overwrite: overwrite, table: try table(set), contacts: ids, from: s.source, interpreter: self)
            return done.map { [.text($0)] } ?? []
        }
    }

    /// `drop [KIND] NAME [cascade]`. A definition that others use (definitions, or a goal's
    /// metric) is dropped only with `cascade`, which drops them too (a goal keeps its target and
    /// loses its metric): nothing is left calling what is gone.
    func drop(_ kind: Definition.Kind?, _ nameExpr: Expr, cascade: Bool, _ s: Statement) throws -> Output {
        let name: String
        switch nameExpr.kind {
        case .name(let n): name = n
        case .literal(.string(let t)): name = t
        default: throw fail("drop takes a definition's name", nameExpr.range)
        }
        guard let k = kind ?? definitions.kind(of: name) else {
            throw fail("nothing named \(name) is defined", nameExpr.range, suggestion: closest(name, among: definitions.all.map(\.name)).first)
        }
        let defined: Bool
        switch k {
        case .let: defined = definitions.lets[name] != nil
        case .fn: defined = definitions.fns[name] != nil
        case .score: defined = definitions.scores[name] != nil
        case .rule: defined = definitions.rules.contains { $0.name == name }
        }
        guard defined else { throw fail("no \(k.rawValue) named \(name)", nameExpr.range) }
        let key = "\(k.rawValue):\(name)"
        let (users, goals) = try dependents(of: key, all: cascade)
        let spelled = Interpreter.spell(key)
        if !cascade && !(users.isEmpty && goals.isEmpty) {
            let names = users.map(Interpreter.spell) + goals.map { "the metric of goal \(ScriptWriter.quote($0.name))" }
            let list = names.count == 1 ? names[0] : names.dropLast().joined(separator: ", ") + " and " + names.last!
            let them = names.count == 1 ? "uses it; drop it" : "use it; drop them"
            throw fail("drop \(spelled): \(list) \(them) first or say \"drop \(spelled) cascade\"", s.range)
        }
        if readOnly && !goals.isEmpty { throw fail("drop … cascade would change goals, which --read-only does not allow", s.range) }
        for dropped in users + [key] {
            let kind = Definition.Kind(rawValue: String(dropped.prefix { $0 != ":" }))!
            let name = String(dropped.drop { $0 != ":" }.dropFirst())
            _ = definitions.drop(kind, name)
            if !readOnly { try apply(.deleteDefinition(kind, name)) }
        }
        for var g in goals {
            g.metric = nil
            try apply(.setGoal(g))
        }
        invalidate()
        var text = "Dropped \(spelled)"
        if !users.isEmpty { text += ", and \(users.map(Interpreter.spell).joined(separator: ", ")) that used it" }
        if !goals.isEmpty {
            text +=
                "; goal\(goals.count == 1 ? "" : "s") \(goals.map { ScriptWriter.quote($0.name) }.joined(separator: ", ")) no longer \(goals.count == 1 ? "has a metric" : "have metrics")"
        }
        return .text(text + ".")
    }

    /// The definitions that use a definition (every one down the line with `all`, users before
    /// what they use), and the goals whose metric uses any of those.
    func dependents(of key: String, all: Bool) throws -> ([String], [Goal]) {
        let checker = Checker(definitions: definitions)
        var users: [String] = []
        var frontier = [key]
        while let next = frontier.popLast() {
            for u in checker.users(of: next) where !users.contains(u) {
                users.append(u)
                if all { frontier.append(u) }
            }
        }
        // A user of a user is dropped before it: deepest first.
        users.reverse()
        let gone = Set(users + [key])
        var goals: [Goal] = []
        for g in try view().net.goals {
            guard let metric = g.metric,
                case .expr(let e)? = Parser.parse(Source(name: "goal \(g.name)", text: metric)).statements.first?.kind
            else { continue }
            var c = checker
            if !c.uses(e).isDisjoint(with: gone) { goals.append(g) }
        }
        return (users, goals)
    }

    /// A definition's key in words: `score priority`, `rule "Follow up"`.
    static func spell(_ key: String) -> String {
        let kind = key.prefix { $0 != ":" }
        let name = String(key.drop { $0 != ":" }.dropFirst())
        return "\(kind) \(kind == "rule" ? ScriptWriter.quote(name) : name)"
    }

    /// `set interaction|referral|introduction|spend N …`: corrects a logged event with the options
    /// it was logged with (`on DATE` moves it); only the fields named are written.
    func correct(_ kind: EventKind, _ idExpr: Expr, _ options: [Option], on: Expr?, _ ctx: Ctx) throws -> Output {
        guard let n = try eval(idExpr, ctx).intValue else { throw fail("expected the event's number", idExpr.range) }
        let id = Int64(n)
        let net = try view().full
        func missing() -> Diagnostic { fail("no \(kind.rawValue) \(n) (timeline @handle shows the numbers)", idExpr.range) }
        let date = try on.map { try self.date($0, ctx) }
        var fields: Set<String> = on == nil ? [] : ["on"]
        switch kind {
        case .interaction:
            guard var i = net.interactions.first(where: { $0.id == id }) else { throw missing() }
            i.on = date ?? i.on
            try eachOption(options, ctx, &fields) { name, v, range in try correct(&i, name, v, range) }
            try apply(.updateInteraction(i, fields: fields))
        case .referral:
            guard var r = net.referrals.first(where: { $0.id == id }) else { throw missing() }
            r.on = date ?? r.on
            try referralOptions(&r, options, ctx, keepStatus: true)
            try eachOption(options, ctx, &fields) { name, v, _ in if name == "about" { r.about = Interpreter.text(v) } }
            try apply(
                .updateReferral(r, fields: fields.map { ["open", "won", "lost"].contains($0) ? "status" : $0 }.reduce(into: []) { $0.insert($1) }))
        case .introduction:
            guard var i = net.introductions.first(where: { $0.id == id }) else { throw missing() }
            i.on = date ?? i.on
            try eachOption(options, ctx, &fields) { _, v, _ in i.note = Interpreter.text(v) }
            try apply(.updateIntroduction(i, fields: fields))
        case .spend:
            guard var sp = net.spending.first(where: { $0.id == id }) else { throw missing() }
            sp.on = date ?? sp.on
            try eachOption(options, ctx, &fields) { name, v, range in
                if name == "note" { sp.note = Interpreter.text(v) }
                if name == "amount" {
                    guard case .number(let amount) = v, amount >= 0 else { throw fail("the amount must be a number, 0 or more", range) }
                    sp.amount = amount.rounded(toPlaces: 2, .plain)
                }
            }
            try apply(.updateSpend(sp, fields: fields))
        case .stage:
            throw fail("a stage change is corrected by removing it (remove stage \(n)) and setting the stage again", idExpr.range)
        }
        return .text("Updated \(kind.rawValue) \(n).")
    }

    /// Calls `body` with each option's name and value (a flag is `true`), adding the name to `fields`.
    func eachOption(_ options: [Option], _ ctx: Ctx, _ fields: inout Set<String>, _ body: (String, Value, SourceRange) throws -> Void) throws {
        for o in options {
            fields.insert(o.name)
            switch o {
            case .flag(let f, let r): try body(f, .bool(true), r)
            case .pair(let name, let e, _): try body(name, try eval(e, ctx), e.range)
            case .tag(_, _, let r): throw fail("events have no tags", r)
            }
        }
    }

    /// One corrected field of an interaction.
    func correct(_ i: inout Interaction, _ name: String, _ v: Value, _ range: SourceRange) throws {
        switch name {
        case "kind":
            guard let k = Interpreter.text(v)?.lowercased() else { throw fail("kind: takes a word such as call or lunch", range) }
            i.kind = k
        case "note": i.note = Interpreter.text(v)
        case "quality": i.quality = try quality(v, range)
        case "gave": i.gave = v.isTrue
        case "asked": i.asked = v.isTrue
        case "inbound": i.inbound = v.isTrue
        case "pitch": i.pitch = v.isTrue
        default: throw fail("interactions have no option '\(name):'", range)
        }
    }

    /// Text as stored: the empty string is no text.
    static func text(_ v: Value) -> String? { v.stringValue.flatMap { $0.isEmpty ? nil : $0 } }

    /// An interaction's quality: a whole number from 1 to 5.
    func quality(_ v: Value, _ range: SourceRange) throws -> Int {
        guard let q = v.intValue, (1...5).contains(q), v.numberValue == Decimal(q) else {
            throw fail("quality is a whole number from 1 to 5", range)
        }
        return q
    }

    /// Stores a definition (for the run only under `--read-only`).
    func define(_ s: Statement) throws {
        definitions.define(s)
        invalidate()
        guard !readOnly else { return }
        switch s.kind {
        case .letDef(let n, _): try apply(.setDefinition(Definition(kind: .let, name: n, source: s.text)))
        case .fnDef(let n, _, _): try apply(.setDefinition(Definition(kind: .fn, name: n, source: s.text)))
        case .scoreDef(let n, _, _): try apply(.setDefinition(Definition(kind: .score, name: n, source: s.text)))
        case .ruleDef(let n, _, _, _, _, _): try apply(.setDefinition(Definition(kind: .rule, name: n, source: s.text)))
        default: break
        }
    }

    /// What an expression shows: a contact's card, a table, or a value.
    func present(_ e: Expr, _ ctx: Ctx, value: Value? = nil) throws -> Output {
        let v = try value ?? eval(e, ctx)
        switch v {
        case .contact(let id): return .card(try card(id))
        case .rows(let set): return .table(try table(set))
        default: return .value(v)
        }
    }

    func explain(_ s: Statement) throws -> [Output] {
        // `explain agenda @x` shows the same breakdown as `why @x`.
        if case .expr(let e) = s.kind, case .query(let q) = e.kind, case .why = q.source { return [try present(e, Ctx())] }
        if case .expr(let e) = s.kind, case .query(let q) = e.kind, let text = Interpreter.explanation(of: q, source: s.source) {
            var out = text
            if let f = q.filter { out += " and (\(s.source.slice(f.range)))" }
            return [.value(.string(out))]
        }
        var lines = [s.text + "    # already a plain statement"]
        if case .expr(let e) = s.kind, case .query(let q) = e.kind, case .expr = q.source {
            // The plan this query would run with, one step a line.
            explaining = true
            defer { explaining = false }
            lines += try plan(for: q).lines { s.source.slice($0.range) }.map { "  " + $0 }
        }
        return [.value(.string(lines.joined(separator: "\n")))]
    }

    /// For a failed assert: the values of the comparison's two sides.
    func assertionDetail(_ cond: Expr, _ ctx: Ctx) throws -> String {
        if case .binary(let op, let l, let r) = cond.kind, op != .and, op != .or {
            let lv = try eval(l, ctx)
            let rv = try eval(r, ctx)
            // A literal side needs no "0 is 0": the other side's value is what the reader wants.
            func literal(_ e: Expr) -> Bool {
                switch e.kind {
                case .literal: return true
                case .unary(_, let x): if case .literal = x.kind { return true } else { return false }
                default: return false
                }
            }
            let left = "\(source!.slice(l.range)) is \(try shown(lv))"
            let right = "\(source!.slice(r.range)) is \(try shown(rv))"
            if literal(r) { return left + ", expected \(op.text) \(source!.slice(r.range))" }
            if literal(l) { return right }
            return left + ", " + right
        }
        return "\(source!.slice(cond.range)) is \(try shown(eval(cond, ctx)))"
    }

    func shown(_ v: Value) throws -> String {
        switch v {
        case .null: return "null"
        case .string(let s): return "\"\(s)\""
        case .rows(let set): return "\(set.rows.count) rows"
        default: return try display(v)
        }
    }

    // MARK: - Helpers

    func date(_ e: Expr?, _ ctx: Ctx) throws -> Day {
        guard let e else { return today }
        guard case .date(let d) = try eval(e, ctx) else { throw fail("expected a date", e.range) }
        return try fullDate(d, e)
    }

    func ids(_ people: [Person]) throws -> [Int64] {
        var out: [Int64] = []
        for p in people {
            let id = try contactID(p.handle, p.range)
            if !out.contains(id) { out.append(id) }
        }
        return out
    }

    func names(_ ids: [Int64]) throws -> String {
        try ids.map { "@" + (try contact($0)?.handle ?? "?") }.joined(separator: ", ")
    }

    func strings(_ v: Value, _ range: SourceRange) throws -> [String] {
        switch v {
        case .null: return []
        case .string(let s): return [s]
        case .list(let items):
            return try items.map {
                guard case .string(let s) = $0 else { throw fail("expected a list of text, found \($0.typeName)", range) }
                return s
            }
        default: throw fail("expected text or a list of text, not \(v.typeName)", range)
        }
    }

    func validHandle(_ v: Value, _ range: SourceRange) throws -> String {
        guard case .string(let h) = v else { throw fail("a handle is text", range) }
        let bare = h.hasPrefix("@") ? String(h.dropFirst()) : h
        guard isValidHandle(bare) else {
            throw fail("a handle is lowercase letters and digits joined by dashes", range, suggestion: "\"\(makeHandle(bare))\"")
        }
        return bare
    }

    func freeHandle(_ base: String) throws -> String {
        var n = 2
        while try model.contactID(handle: "\(base)-\(n)") != nil { n += 1 }
        return "\(base)-\(n)"
    }

    /// A referral's options; a new one is open unless they say otherwise.
    func referralOptions(_ r: inout Referral, _ options: [Option], _ ctx: Ctx, keepStatus: Bool = false) throws {
        if !keepStatus { r.status = "open" }
        for o in options {
            switch o {
            case .pair("note", let e, _): r.note = try eval(e, ctx).stringValue
            case .pair("value", let e, _): r.value = try eval(e, ctx).numberValue.map { $0.rounded(toPlaces: 2, .plain) }
            case .pair("status", let e, _):
                let s = try eval(e, ctx).stringValue?.lowercased()
                guard let s, ["open", "won", "lost"].contains(s) else { throw fail("status is open, won or lost", e.range) }
                r.status = s
            case .flag(let f, _) where ["open", "won", "lost"].contains(f): r.status = f
            default: break
            }
        }
    }

    /// Sets a contact's options. A stage is recorded as a change when it differs from the
    /// current one, or always when the statement gives its date (history being entered, as a
    /// dump replays it); the stage is then the latest change by date.
    func update(_ c: inout Contact, _ options: [Option], _ ctx: Ctx, on date: Day, dated: Bool = false) throws {
        let before = c.stage
        var fields: Set<String> = []
        let newHandle = try applyContactOptions(&c, options, ctx, fields: &fields)
        let stageGiven = fields.contains("stage")
        if let h = newHandle, h != (try contact(c.id)?.handle), let other = try model.contactID(handle: h), other != c.id {
            throw fail("@\(h) is taken", options.first { $0.name == "handle" }?.range ?? .none)
        }
        // Only the fields the statement names are written: another process may have changed the others.
        try apply(.updateContact(c, fields: fields))
        if stageGiven && (c.stage != before || dated) { try apply(.insertStageChange(StageChange(contact: c.id, stage: c.stage, on: date))) }
    }

    /// Sets or clears one of the contact's yes/no fields (`Schema.contactFlags`) by name.
    static func setFlag(_ name: String, _ on: Bool, on c: inout Contact) {
        if let flag = Schema.contactFlags[name] { c[keyPath: flag] = on }
    }

    /// Applies `name: value` pairs, flags and tags to a contact, adding the stored fields they set
    /// to `fields`. Returns a new handle if one was given.
    func applyContactOptions(_ c: inout Contact, _ options: [Option], _ ctx: Ctx, fields: inout Set<String>) throws -> String? {
        var newHandle: String?
        for o in options {
            switch o {
            case .tag(let t, let adds, _):
                fields.insert("tags")
                if !adds, Schema.contactFlags[t] != nil { fields.insert(t) }
            case .flag(let f, _): fields.insert(f)
            case .pair(let n, _, _): fields.insert(n == "own_cadence" ? "cadence" : n)
            }
            switch o {
            case .tag(let t, let adds, _):
                if adds {
                    if !c.tags.contains(t) { c.tags.append(t) }
                } else {
                    c.tags.removeAll { $0 == t }
                    // `-expert` clears the flag of that name (and a tag of that name, if any).
                    Interpreter.setFlag(t, false, on: &c)
                }
            case .flag(let f, _):
                Interpreter.setFlag(f, true, on: &c)
            case .pair(let n, let e, let range):
                let v: Value
                if case .stage(let st) = e.resolution { v = .stage(st) } else { v = try eval(e, ctx) }
                func text() throws -> String? {
                    switch v {
                    case .null: return nil
                    case .string(let s): return s.isEmpty ? nil : s
                    default: throw fail("\(n): takes text, not \(v.typeName)", e.range)
                    }
                }
                func day() throws -> Day? {
                    switch v {
                    case .null: return nil
                    case .date(let d): return try fullDate(d, e)
                    default: throw fail("\(n): takes a date, not \(v.typeName)", e.range)
                    }
                }
                func flag() throws -> Bool {
                    guard case .bool(let b) = v else { throw fail("\(n): takes true or false", e.range) }
                    return b
                }
                switch n {
                case "name":
                    guard let s = try text() else { throw fail("a contact needs a name", e.range) }
                    c.name = s
                case "handle":
                    newHandle = try validHandle(v, e.range)
                    c.handle = newHandle!
                case "company": c.company = try text()
                case "title": c.title = try text()
                case "profession": c.profession = try text()
                case "email": c.email = try text()
                case "phone": c.phone = try text()
                case "city": c.city = try text()
                case "emails": c.emails = try points(v, n, e.range)
                case "phones": c.phones = try points(v, n, e.range)
                case "addresses": c.addresses = try addresses(v, e.range)
                case "met_at": c.metAt = try text()
                case "relationship": c.relationship = try text()
                case "next_step": c.nextStep = try text()
                case "notes": c.notes = try text()
                case "met_on": c.metOn = try day()
                case "next_due": c.nextDue = try day()
                case "created": if let d = try day() { c.created = d }
                case "snoozed_until": c.snoozedUntil = try day()
                case "birthday": c.birthday = try importantDate(v, n, e.range)
                case "anniversary": c.anniversary = try importantDate(v, n, e.range)
                case "dates": c.dates = try namedDates(v, e.range)
                case "uid": c.uid = try uid(v, of: c, e.range)
                case _ where Schema.contactFlags[n] != nil: Interpreter.setFlag(n, try flag(), on: &c)
                case "stage":
                    switch v {
                    case .stage(let st): c.stage = st
                    case .string(let s):
                        guard let st = Stage(name: s) else {
                            throw fail("no stage \"\(s)\"; stages are contact, visibility, credibility, profitability", e.range)
                        }
                        c.stage = st
                    default: throw fail("stage: takes contact, visibility, credibility or profitability", e.range)
                    }
                case "cadence":
                    switch v {
                    case .null: c.cadence = nil
                    case .duration(let d):
                        guard d.approximateDays > 0 else { throw fail("a cadence must be longer than 0d", e.range) }
                        if let problem = StoredRange.problem(cadence: d) { throw fail(problem, e.range) }
                        c.cadence = d
                    default: throw fail("cadence: takes a duration such as 2w or 3mo", e.range)
                    }
                case "tags":
                    c.tags = try strings(v, e.range).map { $0.lowercased() }
                case "goals", "accomplishments", "interests", "networks", "skills", "serves":
                    c[list: n] = try strings(v, e.range)
                default:
                    throw fail("contacts have no option '\(n):'", range)
                }
            }
        }
        return newHandle
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
        if let n = a.notes { b.notes = b.notes.map { $0 + "\n" + n } ?? n }
        b.created = min(a.created, b.created)
        return dropped
    }

    func remove(_ what: Statement.Removal, _ ctx: Ctx, _ source: Source) throws -> Output {
        let net = try view().full
        switch what {
        case .person(let p):
            let id = try contactID(p.handle, p.range)
            let events =
                net.interactions.count { $0.people.contains(id) } + net.referrals.count { $0.contact == id }
                + net.introductions.count { $0.a == id || $0.b == id } + net.spending.count { $0.contact == id }
            if events > 0, let host, !host.confirm("Remove @\(p.handle) and their \(events) event\(events == 1 ? "" : "s")? [y/N] ", from: source) {
                return .text("Nothing removed.")
            }
            try apply(.deleteContact(id))
            return .text("Removed @\(p.handle) and their events.")
        case .event(let kind, let e):
            guard let n = try eval(e, ctx).intValue else { throw fail("expected the event's number", e.range) }
            let id = Int64(n)
            let exists: Bool
            switch kind {
            case .interaction: exists = net.interactions.contains { $0.id == id }
            case .referral: exists = net.referrals.contains { $0.id == id }
            case .introduction: exists = net.introductions.contains { $0.id == id }
            case .spend: exists = net.spending.contains { $0.id == id }
            case .stage: exists = net.stageChanges.contains { $0.id == id }
            }
            guard exists else { throw fail("no \(kind.rawValue) \(n) (timeline @handle shows the numbers)", e.range) }
            try apply(.deleteEvent(kind, id))
            return .text("Removed \(kind.rawValue) \(n).")
        case .market(let e):
            guard case .string(let name) = try eval(e, ctx), net.markets.contains(where: { $0.name == name }) else {
                throw fail(
                    "no such market", e.range,
                    suggestion: closest(plainText(try eval(e, ctx)), among: net.markets.map(\.name)).first.map { "\"\($0)\"" })
            }
            try apply(.deleteMarket(name))
            return .text("Removed market \"\(name)\".")
        case .goal(let e):
            guard case .string(let name) = try eval(e, ctx), net.goals.contains(where: { $0.name == name }) else {
                throw fail(
                    "no such goal", e.range, suggestion: closest(plainText(try eval(e, ctx)), among: net.goals.map(\.name)).first.map { "\"\($0)\"" })
            }
            try apply(.deleteGoal(name))
            return .text("Removed goal \"\(name)\".")
        }
    }
}
