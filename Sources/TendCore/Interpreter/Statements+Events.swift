import Foundation

extension Interpreter {
    /// `log KIND with @x… [on DATE] options…`.
    func performLog(_ kind: String, _ people: [Person], on: Expr?, _ options: [Option], _ ctx: Ctx) throws -> Output {
        var i = Interaction(kind: kind, on: try date(on, ctx), people: try ids(people))
        i.id = try givenID(options, ctx)
        for o in options {
            switch o {
            case .flag("gave", _): i.gave = true
            case .flag("asked", _): i.asked = true
            case .flag("inbound", _): i.inbound = true
            case .flag("pitch", _): i.pitch = true
            case .flag("private", _): i.isPrivate = true
            case .pair("by", let e, _): i.by = try author(e, ctx)
            case .pair("note", let e, _): i.note = try eval(e, ctx).stringValue
            case .pair("quality", let e, _): i.quality = try quality(eval(e, ctx), e.range)
            case .pair("source", let e, _): i.sourceID = try eval(e, ctx).stringValue
            default: break
            }
        }
        let id = try insertNumbered(.insertInteraction(i), options)
        return .text("Logged \(kind) \(id) with \(try names(i.people)) on \(i.on).")
    }

    /// `refer "Mike Chen" to @x`: a referral I gave.
    func performRefer(_ aboutExpr: Expr?, to: Person, on: Expr?, _ options: [Option], _ ctx: Ctx) throws -> Output {
        var r = Referral(direction: .given, contact: try contactID(to.handle, to.range), on: try date(on, ctx))
        // An empty "whom" is none: the one way a dump writes either (`refer to @x`).
        r.about = try aboutExpr.map { try display(eval($0, ctx)) }.flatMap { $0.trimmed.isEmpty ? nil : $0 }
        try referralOptions(&r, options, ctx)
        r.id = try givenID(options, ctx)
        let id = try insertNumbered(.insertReferral(r), options)
        return .text("Referral \(id)\(r.about.map { ": " + TerminalText.escaped($0) } ?? "") to \(try names([r.contact])).")
    }

    /// `referral from @x [about "Ana Park"]`: a referral I received.
    func performReferral(from: Person, _ aboutExpr: Expr?, on: Expr?, _ options: [Option], _ ctx: Ctx) throws -> Output {
        var r = Referral(direction: .received, contact: try contactID(from.handle, from.range), on: try date(on, ctx))
        r.about = try aboutExpr.map { try display(eval($0, ctx)) }
        try referralOptions(&r, options, ctx)
        r.id = try givenID(options, ctx)
        let id = try insertNumbered(.insertReferral(r), options)
        return .text("Referral \(id) received from \(try names([r.contact])).")
    }

    /// `introduce @a @b`: two different people I introduced.
    func performIntroduce(_ people: [Person], on: Expr?, _ options: [Option], _ s: Statement, _ ctx: Ctx) throws -> Output {
        let p = try ids(people)
        guard p.count == 2, p[0] != p[1] else { throw fail("introduce takes two different people", s.range) }
        var i = Introduction(a: p[0], b: p[1], on: try date(on, ctx))
        for case .pair("note", let e, _) in options { i.note = try eval(e, ctx).stringValue }
        i.by = try author(options, ctx)
        i.id = try givenID(options, ctx)
        let id = try insertNumbered(.insertIntroduction(i), options)
        return .text("Introduction \(id): \(try names(p)).")
    }

    /// `spend AMOUNT at @x`: money spent on someone, to the cent.
    func performSpend(_ amountExpr: Expr, at: Person, on: Expr?, _ options: [Option], _ ctx: Ctx) throws -> Output {
        let amount = try money(eval(amountExpr, ctx), amountExpr.range, "the amount")
        var sp = Spend(contact: try contactID(at.handle, at.range), amount: amount, on: try date(on, ctx))
        for case .pair("note", let e, _) in options { sp.note = try eval(e, ctx).stringValue }
        sp.by = try author(options, ctx)
        sp.id = try givenID(options, ctx)
        let id = try insertNumbered(.insertSpend(sp), options)
        return .text("Spend \(id): \(sp.amount.tendText) at \(try names([sp.contact])).")
    }

    /// `id: N`, which a dump writes on an event (or contact) after a gap: the number the new
    /// row takes; 0 without one (the model gives the next after the largest).
    func givenID(_ options: [Option], _ ctx: Ctx, of what: String = "an event") throws -> Int64 {
        for case .pair("id", let e, _) in options {
            let v = try eval(e, ctx)
            if let problem = StoredRange.problem(id: v, of: what) { throw fail(problem, e.range) }
            return StoredRange.id(v)!
        }
        return 0
    }

    /// Inserts a new event or contact; its id. A number `id:` gave that another has is refused there.
    func insertNumbered(_ change: Change, _ options: [Option]) throws -> Int64 {
        do {
            return try apply(change) ?? 0
        } catch let taken as TakenID {
            throw fail("\(taken)", options.first(where: Checker.isID)?.range ?? .none)
        }
    }

    /// Money as written: a number, 0 or more, exact to the cent (a third decimal is refused
    /// rather than rounded away).
    func money(_ v: Value, _ range: SourceRange, _ what: String) throws -> Decimal {
        guard case .number(let amount) = v else { throw fail("\(what) must be a number, 0 or more", range) }
        if let problem = ValueRules.money(amount, what) { throw fail(problem.message, range, suggestion: problem.suggestion) }
        return amount
    }

    /// `knows @a @b …`: every two of them know each other.
    func performKnows(_ people: [Person], _ s: Statement) throws -> Output {
        let p = try ids(people)
        guard Set(p).count > 1 else { throw fail("knows takes two or more different people", s.range) }
        for i in p.indices {
            for j in p.indices where j > i && p[i] != p[j] {
                try apply(.insertKnows(p[i], p[j]))
            }
        }
        return .text("Recorded that \(try names(p)) know each other.")
    }

    /// `numbers given interactions: 12, contacts: 40`: the next of each is numbered past these
    /// (never lower than it would have been).
    func performNumbersGiven(_ options: [Option], _ ctx: Ctx) throws -> Output {
        var kept: [String] = []
        for case .pair(let collection, let e, _) in options {
            let v = try eval(e, ctx)
            guard let n = StoredRange.id(v), StoredRange.ids.contains(n) else {
                throw fail(StoredRange.numberGivenProblem, e.range)
            }
            let mark = try apply(.keepNumbers(collection: collection, upTo: n)) ?? n
            kept.append("\(collection) up to \(mark)")
        }
        return .text("Numbers given so far: \(kept.joined(separator: ", ")); the next of each is numbered past them.")
    }

    /// `set interaction|referral|introduction|spend N …`: corrects a logged event with the options
    /// it was logged with (`on DATE` moves it); only the fields named are written.
    func correct(_ kind: EventKind, _ idExpr: Expr, _ options: [Option], on: Expr?, _ ctx: Ctx) throws -> Output {
        guard let n = StoredRange.id(try eval(idExpr, ctx)) else { throw fail("expected the event's number", idExpr.range) }
        let id = Int64(n)
        let net = try eventNumbered(kind, id)
        func missing() -> Diagnostic { fail("no \(kind.rawValue) \(n) (timeline @handle shows the numbers)", idExpr.range) }
        // A correction that changes nothing is no change (it said "Updated").
        func unchanged() -> Output { .text("\(kind.rawValue.prefix(1).uppercased() + kind.rawValue.dropFirst()) \(n) already has \(options.count + (on == nil ? 0 : 1) == 1 ? "that value" : "those values"); nothing was changed.") }
        let date = try on.map { try self.date($0, ctx) }
        var fields: Set<String> = on == nil ? [] : ["on"]
        switch kind {
        case .interaction:
            guard var i = net.interactions.first(where: { $0.id == id }) else { throw missing() }
            let before = i
            i.on = date ?? i.on
            try eachOption(options, ctx, &fields) { name, v, range in try correct(&i, name, v, range) }
            if i == before { return unchanged() }
            try apply(.updateInteraction(i, fields: fields))
        case .referral:
            guard var r = net.referrals.first(where: { $0.id == id }) else { throw missing() }
            let before = r
            r.on = date ?? r.on
            try referralOptions(&r, options, ctx, keepStatus: true)
            try eachOption(options, ctx, &fields) { name, v, range in
                guard name == "about" else { return }
                r.about = Interpreter.text(v)
                // As `refer` says: one given is about someone, or about no one said (`refer to
                // @x`, about: null), never about white space.
                if r.direction == .given, let about = r.about, about.trimmed.isEmpty {
                    throw fail("a referral you gave needs what it is about: a name, or the contact", range)
                }
            }
            if r == before { return unchanged() }
            try apply(
                .updateReferral(r, fields: fields.map { StoredRange.statuses.contains($0) ? "status" : $0 }.reduce(into: []) { $0.insert($1) }))
        case .introduction:
            guard var i = net.introductions.first(where: { $0.id == id }) else { throw missing() }
            let before = i
            i.on = date ?? i.on
            try eachOption(options, ctx, &fields) { _, v, _ in i.note = Interpreter.text(v) }
            if i == before { return unchanged() }
            try apply(.updateIntroduction(i, fields: fields))
        case .spend:
            guard var sp = net.spending.first(where: { $0.id == id }) else { throw missing() }
            let before = sp
            sp.on = date ?? sp.on
            try eachOption(options, ctx, &fields) { name, v, range in
                if name == "note" { sp.note = Interpreter.text(v) }
                if name == "amount" { sp.amount = try money(v, range, "the amount") }
            }
            if sp == before { return unchanged() }
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
            guard let k = Interpreter.text(v)?.trimmed.lowercased(), !k.isEmpty else { throw fail("kind: takes a word such as call or lunch", range) }
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
        guard case .number(let n) = v, let q = v.intValue else { throw fail(ValueRules.quality(0)!, range) }
        if let problem = ValueRules.quality(n) { throw fail(problem, range) }
        return q
    }

    /// A referral's options; a new one is open unless they say otherwise.
    /// `by: "NAME"`, written by a dump: who logged the event (else the store's member).
    func author(_ options: [Option], _ ctx: Ctx) throws -> String? {
        for case .pair("by", let e, _) in options { return try author(e, ctx) }
        return nil
    }

    /// `by:` as given. On a team's database it names the member logging the event, or one they
    /// may act as: any member could otherwise log (and so make private) events in another's name.
    func author(_ e: Expr, _ ctx: Ctx) throws -> String? {
        let by = try eval(e, ctx).stringValue
        if let by, try !model.mayLog(as: by) {
            throw fail(
                "by: names who logged an event, and on a team's database that is the member logging it (\(model.member ?? "you")) or a role they may act as, not \(by)",
                e.range)
        }
        return by
    }

    func referralOptions(_ r: inout Referral, _ options: [Option], _ ctx: Ctx, keepStatus: Bool = false) throws {
        if !keepStatus { r.status = "open" }
        for o in options {
            switch o {
            case .pair("note", let e, _): r.note = try eval(e, ctx).stringValue
            case .pair("by", let e, _): r.by = try author(e, ctx)
            case .pair("value", let e, _):
                let v = try eval(e, ctx)
                r.value = v.isNull ? nil : try money(v, e.range, "a referral's value")
            case .pair("status", let e, _):
                // None said (a dump writes a referral whose status another program left empty so).
                let v = try eval(e, ctx)
                if v.isNull {
                    r.status = nil
                    continue
                }
                let s = v.stringValue?.lowercased() ?? ""
                if let problem = ValueRules.status(s) { throw fail(problem, e.range) }
                r.status = s
            case .flag(let f, _) where StoredRange.statuses.contains(f): r.status = f
            default: break
            }
        }
    }
}
