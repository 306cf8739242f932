import Foundation

extension Interpreter {
    /// Sets or clears one of the contact's yes/no fields (`Schema.contactFlags`) by name.
    static func setFlag(_ name: String, _ on: Bool, on c: inout Contact) {
        if let flag = Schema.contactFlags[name] { c[keyPath: flag] = on }
    }

    /// Applies `name: value` pairs, flags and tags to a contact, adding the stored fields they set
    /// to `fields`. Returns a new handle if one was given.
    func applyContactOptions(_ c: inout Contact, _ options: [Option], _ ctx: Ctx, fields: inout Set<String>) throws -> String? {
        var newHandle: String?
        // Options may come in any order with the same result: `name: value` pairs first, then
        // `+tag`, `-tag` and flags (`+vip tags: ["a"]` keeps vip).
        let pairsFirst = options.filter { if case .pair = $0 { true } else { false } } + options.filter { if case .pair = $0 { false } else { true } }
        for o in pairsFirst {
            switch o {
            case .tag(let t, let adds, _):
                fields.insert("tags")
                // A tag is the same tag as `+tag` finds it: case and accents aside.
                if adds {
                    if !c.tags.contains(where: { sameText($0, t) }) { c.tags.append(t) }
                } else {
                    if Schema.contactFlags[t] != nil { fields.insert(t) }
                    c.tags.removeAll { sameText($0, t) }
                    // `-expert` clears the flag of that name (and a tag of that name, if any).
                    Interpreter.setFlag(t, false, on: &c)
                }
            case .flag(let f, _):
                fields.insert(f)
                Interpreter.setFlag(f, true, on: &c)
            case .pair(let n, let e, let range):
                fields.insert(n == "own_cadence" ? "cadence" : n)
                let v: Value
                if case .stage(let st) = resolution(of: e) { v = .stage(st) } else { v = try eval(e, ctx) }
                try setContactField(n, v, e, range, of: &c)
                if n == "handle" { newHandle = c.handle }
            }
        }
        return newHandle
    }

    /// One `name: value` option of a contact; `range` is the option's, `e` its value's.
    func setContactField(_ n: String, _ v: Value, _ e: Expr, _ range: SourceRange, of c: inout Contact) throws {
        switch n {
        case "name":
            // A name of blanks alone is no name (set, it was kept, and the dump's `add ""` then
            // failed to restore); blanks around a name are kept as given (a dump restores them so).
            guard let s = try optionText(n, v, e), !s.trimmed.isEmpty else { throw fail("a contact needs a name", e.range) }
            c.name = s
        case "handle": c.handle = try validHandle(v, e.range)
        case "company": c.company = try optionText(n, v, e)
        case "title": c.title = try optionText(n, v, e)
        case "profession": c.profession = try optionText(n, v, e)
        case "email": c.email = try optionText(n, v, e)
        case "phone": c.phone = try optionText(n, v, e)
        case "city": c.city = try optionText(n, v, e)
        case "emails": c.emails = try points(v, n, e.range)
        case "phones": c.phones = try points(v, n, e.range)
        case "addresses": c.addresses = try addresses(v, e.range)
        case "met_at": c.metAt = try optionText(n, v, e)
        case "relationship": c.relationship = try optionText(n, v, e)
        case "next_step": c.nextStep = try optionText(n, v, e)
        case "notes": c.notes = try optionText(n, v, e)
        case "met_on": c.metOn = try optionDay(n, v, e)
        case "next_due": c.nextDue = try optionDay(n, v, e)
        case "created": if let d = try optionDay(n, v, e) { c.created = d }
        case "snoozed_until": c.snoozedUntil = try optionDay(n, v, e)
        case "birthday": c.birthday = try importantDate(v, n, e.range)
        case "anniversary": c.anniversary = try importantDate(v, n, e.range)
        case "dates": c.dates = try namedDates(v, e.range)
        case "uid": c.uid = try uid(v, of: c, e.range)
        case _ where Schema.contactFlags[n] != nil:
            guard case .bool(let b) = v else { throw fail("\(n): takes true or false", e.range) }
            Interpreter.setFlag(n, b, on: &c)
        case "stage": c.stage = try optionStage(v, e)
        case "cadence": c.cadence = try optionCadence(v, e)
        case "tags":
            // Each tag once, lowercased, and none empty (["x", "X", ""] kept three).
            var seen = Set<String>()
            // Tags are words: lowercased, without blanks at their ends (as every import reads them).
            c.tags = try strings(v, e.range).map { $0.trimmed.lowercased() }.filter { !$0.isEmpty && seen.insert($0).inserted }
        case "goals", "accomplishments", "interests", "networks", "skills", "serves":
            // An item of blanks alone says nothing: no GAINS list is known by one.
            c[list: n] = try strings(v, e.range).filter { !$0.trimmed.isEmpty }
        default:
            throw fail("contacts have no option '\(n):'", range)
        }
    }

    /// A text option's value: null, the empty string or blanks alone are no text (what looks
    /// empty is null).
    func optionText(_ n: String, _ v: Value, _ e: Expr) throws -> String? {
        switch v {
        case .null: return nil
        case .string(let s): return s.trimmed.isEmpty ? nil : s
        default: throw fail("\(n): takes text, not \(v.typeName)", e.range)
        }
    }

    /// A date option's value: a full date, or null for none.
    func optionDay(_ n: String, _ v: Value, _ e: Expr) throws -> Day? {
        switch v {
        case .null: return nil
        case .date(let d): return try fullDate(d, e)
        default: throw fail("\(n): takes a date, not \(v.typeName)", e.range)
        }
    }

    /// `stage: credibility` (a stage name) or `stage: "credibility"`.
    func optionStage(_ v: Value, _ e: Expr) throws -> Stage {
        switch v {
        case .stage(let st): return st
        case .string(let s):
            guard let st = Stage(name: s) else {
                throw fail("no stage \"\(s)\"; stages are contact, visibility, credibility, profitability", e.range)
            }
            return st
        default: throw fail("stage: takes contact, visibility, credibility or profitability", e.range)
        }
    }

    /// `cadence: 2w`, longer than a day and within what the store keeps; null for none.
    func optionCadence(_ v: Value, _ e: Expr) throws -> Duration? {
        switch v {
        case .null: return nil
        case .duration(let d):
            if let problem = ValueRules.cadence(d) { throw fail(problem, e.range) }
            return d
        default: throw fail("cadence: takes a duration such as 2w or 3mo", e.range)
        }
    }
}
