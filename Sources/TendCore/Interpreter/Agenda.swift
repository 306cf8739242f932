import Foundation

extension Interpreter {
    // MARK: - Agenda

    /// Every rule for every contact that is not snoozed: one item per contact and rule that matches.
    func agendaRows(on date: Day?, _ range: SourceRange) throws -> RowSet {
        try enterRules("agenda", range)
        evaluatingRules += 1
        defer { evaluatingRules -= 1 }
        let saved = today
        if let date { today = date }
        defer { today = saved }
        let v = try view()
        let spec = Schema.agenda
        // Every contact's figures are needed: from the backend at once while the events are not
        // in memory. Rules' event queries read only the rows their fixed conditions select
        // (`narrowedEvents`), or else every event, once.
        v.wholeTable = true
        // Sorted on a Double copy of the priority: comparing Decimals was most of the sort.
        var items: [(priority: Double, overdue: Int, name: String, row: Value)] = []
        // Each rule boxed once: copying a rule for every contact retained its six fields.
        final class Boxed {
            let rule: Definitions.Rule
            init(_ rule: Definitions.Rule) { self.rule = rule }
        }
        let rules = definitions.rules.map(Boxed.init)
        for c in v.net.contacts {
            if let until = c.snoozedUntil, until > v.today { continue }
            try charge(rules.count, .none)
            let plain = Ctx(row: .contact(c.id))
            var overdue: Value?
            var sortName: String?
            for boxed in rules {
                ruleInView = boxed.rule.name
                let ctx = boxed.rule.row == nil ? plain : Ctx(row: plain.row, naming: boxed.rule.row)
                let (fires, message, priority) = try within(boxed.rule.file) { () throws -> (Bool, String, Decimal) in
                    guard try eval(boxed.rule.when, ctx).isTrue else { return (false, "", 0) }
                    return (true, try display(eval(boxed.rule.message, ctx)), try priorityValue(boxed.rule, ctx))
                }
                guard fires else { continue }
                if overdue == nil {
                    overdue = try contactField(c.id, "overdue", .none)
                    sortName = c.name.lowercased()
                }
                let days = { if case .duration(let d)? = overdue { return d.days } else { return 0 } }()
                items.append(
                    (
                        (priority as NSDecimalNumber).doubleValue, days, sortName!,
                        .row(Row(spec, [.contact(c.id), .string(boxed.rule.name), .string(message), .number(priority), overdue!]))
                    ))
            }
        }
        items.sort { a, b in
            if a.priority != b.priority { return a.priority > b.priority }
            if a.overdue != b.overdue { return a.overdue > b.overdue }
            return a.name < b.name
        }
        return RowSet(collection: spec, rows: try withoutHiddenItems(items.map(\.row), v))
    }

    func priorityValue(_ rule: Definitions.Rule, _ ctx: Ctx) throws -> Decimal {
        let value: Value
        if let p = rule.priority {
            value = try eval(p, ctx)
        } else if definitions.scores["priority"] != nil, case .contact(let id)? = ctx.row {
            value = try contactField(id, "priority", .none)
        } else {
            value = .int(0)
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
            rows.append(.record(Record(keys: ["what", "expression", "value"], values: [.string(what), .string(expr), value])))
        }
        guard let c = try contact(id) else { throw fail("no contact #\(id)", .none) }
        if let until = c.snoozedUntil, until > today { add("snoozed", "until \(until)", .bool(true)) }
        for i in try lastTouches(of: id) {
            add("last touch", "\(i.kind) on \(i.on)" + (i.sourceID.map { " (imported from \($0.hasPrefix("mail:") ? "mail" : "a calendar"))" } ?? ""), .date(i.on))
        }
        let states = try agendaBook.itemStates()
        for rule in definitions.rules {
            ruleInView = rule.name
            let ctx = rule.row == nil ? plain : Ctx(row: plain.row, naming: rule.row)
            let saved = source
            source = rule.file ?? source
            defer { source = saved }
            let fires = try eval(rule.when, ctx)
            add("rule \"\(rule.name)\"", fires.isTrue ? "fires" : "does not fire", fires)
            if let state = states[ItemKey(contact: id, rule: rule.name)], state.hides(on: today) {
                add("  " + state.kind.rawValue, state.described, .bool(true))
            }
            for part in conjuncts(rule.when) {
                add("  when", rule.when.range == part.range ? sliceOf(part) : sliceOf(part), try eval(part, ctx))
            }
            if fires.isTrue {
                add("  message", sliceOf(rule.message), .string(try display(eval(rule.message, ctx))))
                let priorityExpr = rule.priority ?? definitions.scores["priority"]?.value
                let label = rule.priority != nil ? "  priority" : "  score priority"
                if rule.priority == nil { source = definitions.scores["priority"]?.file ?? source }
                if let p = priorityExpr {
                    // The score's terms see its own name for the contact.
                    let termCtx = rule.priority != nil ? ctx : Ctx(row: plain.row, naming: definitions.scores["priority"]?.row)
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
        return RowSet(collection: nil, rows: rows, columns: ["what", "expression", "value"])
    }

    /// The contact's three latest interactions up to today (what `why` shows the touch rules read), latest first.
    func lastTouches(of id: Int64) throws -> [Interaction] {
        let mine = try view().full.interactions.filter { $0.kind != "note" && $0.on <= today && $0.people.contains(id) }
        return Array(mine.sorted { ($0.on, $0.id) > ($1.on, $1.id) }.prefix(3))
    }

    private func sliceOf(_ e: Expr) -> String { source.map { $0.slice(e.range) } ?? "…" }

    /// Stops a stored rule that reads what evaluates every rule (see `evaluatingRules`).
    func enterRules(_ what: String, _ range: SourceRange) throws {
        guard evaluatingRules > 0 else { return }
        throw fail("rule \"\(ruleInView)\" reads \(what), which evaluates every rule: a cycle; drop or redefine the rule", range)
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

    // MARK: - Goals

    /// A goal's metric over one period: dated collections hold only the period's rows, and
    /// `today` is the period's last day (or today, for the current period).
    func metric(_ g: Goal, in window: ClosedRange<Day>, reading what: String, _ range: SourceRange) throws -> Value {
        guard let text = g.metric else { return .null }
        if evaluatingGoals > 0 {
            throw fail("goal \"\(goalInView)\" reads \(what), which evaluates every goal's metric: a cycle; remove or redefine the goal", range)
        }
        evaluatingGoals += 1
        goalInView = g.name
        defer { evaluatingGoals -= 1 }
        let src = Source(name: "goal \"\(g.name)\"", text: text)
        let (expr, diags) = Parser.parseExpression(src)
        guard let expr, diags.isEmpty else { throw fail("the metric of goal \"\(g.name)\" does not parse: \(diags.first?.message ?? "")", .none) }
        var checker = Checker(definitions: definitions)
        checker.check(Statement(.expr(expr), expr.range, src))
        if let d = checker.diagnostics.first { throw d }
        let base = try view()
        let savedSource = source
        let saved = periodView
        periodView = View(today: min(today, window.upperBound), window: window) { events in events ? base.full : base.net }
        defer {
            periodView = saved
            source = savedSource
        }
        source = src
        return try eval(expr, Ctx())
    }

    /// Each goal with a metric: this period and the three before, against the target.
    func progressRows(_ range: SourceRange) throws -> RowSet {
        let spec = Schema.progress
        var rows: [Value] = []
        for g in try view().net.goals {
            guard g.metric != nil, let period = g.period else { continue }
            // This period and the three before, as far as the calendar goes back.
            var periods: [ClosedRange<Day>] = []
            var day: Day? = today
            while periods.count < 4, let d = day, let start = d.start(of: period), let end = d.end(of: period) {
                periods.append(start...end)
                day = start.adding(checkedDays: -1)
            }
            for (i, p) in periods.enumerated() {
                let value = try metric(g, in: p, reading: "progress", range)
                let n = value.numberValue ?? 0
                let target = g.target
                var percent: Value = .null
                var expected: Value = .null
                var status = ""
                if let t = target, t > 0 {
                    percent = .number((n * 100 / t).rounded(toPlaces: 0, .plain))
                    if i == 0 {
                        let elapsed = Decimal(today.ordinal - p.lowerBound.ordinal + 1) / Decimal(p.upperBound.ordinal - p.lowerBound.ordinal + 1)
                        expected = .number((t * elapsed).rounded(toPlaces: 1, .plain))
                        status = n >= t ? "done" : (n >= t * elapsed ? "on track" : "behind")
                    } else {
                        status = n >= t ? "met" : "missed"
                    }
                }
                rows.append(
                    .row(
                        Row(
                            spec,
                            [
                                .string(g.name), .string(p.lowerBound.label(of: period)), value,
                                target.map(Value.number) ?? .null, percent, expected, .string(status), .string(Interpreter.bar(n, of: target)),
                            ])))
            }
        }
        return RowSet(collection: spec, rows: rows)
    }

    /// `██████████│███` : the value in blocks, 20 to the target, with the target marked.
    static func bar(_ value: Decimal, of target: Decimal?) -> String {
        guard let target, target > 0 else { return "" }
        let share = (value * 20 / target).rounded(toPlaces: 0, .down)
        let cells = share > 40 ? 40 : max(0, share.exactInt ?? 0)
        var s = String(repeating: "█", count: min(cells, 20))
        if cells < 20 { s += String(repeating: "·", count: 20 - cells) }
        s += "│"
        if cells > 20 { s += String(repeating: "█", count: cells - 20) }
        return s
    }

    // MARK: - Network analysis

    /// Professions serving the market (other than mine) where I know nobody at visibility or above.
    func gaps(_ market: Value?) throws -> RowSet {
        let v = try view()
        let m = try market ?? (meRecord()["preferred_client"] ?? .null)
        if m.isNull { throw fail("no preferred client is set; set me preferred_client: \"…\"", .none) }
        let mine = v.net.me.profession.map(normalize)
        var rows: [Value] = []
        for p in try servedBy(m) where p != mine {
            let known = v.net.contacts.filter { $0.profession.map(normalize) == p }
            if known.contains(where: { $0.stage >= .visibility }) { continue }
            rows.append(.record(Record(keys: ["profession", "contacts"], values: [.string(p), .int(known.count)])))
        }
        return RowSet(collection: nil, rows: rows, columns: ["profession", "contacts"])
    }

    /// The shortest chain of `knows` edges from someone I know directly (at visibility or above,
    /// or touched) to the target. Searched from the target outwards, level by level, so that only
    /// the contacts on the way are asked whether they were touched; among equally short chains
    /// the one starting at the lowest contact number wins.
    func path(to target: Int64, range: SourceRange) throws -> RowSet {
        let v = try view()
        let spec = Schema.path
        func row(_ step: Int, _ id: Int64, _ ask: String) -> Value { .row(Row(spec, [.int(step), .contact(id), .string(ask)])) }
        func direct(_ ids: [Int64]) throws -> Set<Int64> {
            var out = Set<Int64>()
            var rest: [Int64] = []
            for id in ids {
                guard let i = v.position(of: id) else { continue }
                if v.contacts[i].stage >= .visibility { out.insert(id) } else { rest.append(id) }
            }
            guard !rest.isEmpty else { return out }
            // Asked of the backend for these contacts only when it has the figures, else from all.
            let figures = try v.backendFirst?.contactStats(of: rest, today: v.today) ?? v.stats
            return out.union(rest.filter { (figures[$0]?.touches ?? 0) > 0 })
        }
        if try direct([target]).contains(target) { return RowSet(collection: spec, rows: [row(1, target, "you know them")]) }
        let adj = v.adjacency
        var towards: [Int64: Int64] = [:]
        var seen: Set<Int64> = [target]
        var level = [target]
        while !level.isEmpty {
            var next: [Int64] = []
            for n in level {
                for m in adj[n] ?? [] where seen.insert(m).inserted {
                    towards[m] = n
                    next.append(m)
                }
            }
            if let start = try direct(next).min() {
                var chain = [start]
                while let n = towards[chain.last!] { chain.append(n) }
                var rows: [Value] = []
                for (i, id) in chain.enumerated() {
                    let ask = i == 0 ? "you know them" : "ask \(try contact(chain[i - 1])?.name ?? "?") to introduce you"
                    rows.append(row(i + 1, id, ask))
                }
                return RowSet(collection: spec, rows: rows)
            }
            level = next
        }
        return RowSet(collection: spec, rows: [])
    }

    /// Contacts by how many otherwise separate groups they bridge, then by degree (power connectors).
    func connectors() throws -> RowSet {
        let v = try view()
        let adj = v.adjacency
        var rows: [(Int64, Int, Int)] = []
        for (id, neighbours) in adj where v.net.contact(id) != nil {
            // Count the groups among the neighbours once this contact is taken away.
            let set = Set(neighbours)
            var seen = Set<Int64>()
            var groups = 0
            for n in neighbours where !seen.contains(n) {
                groups += 1
                var stack = [n]
                seen.insert(n)
                while let x = stack.popLast() {
                    for y in adj[x] ?? [] where y != id && set.contains(y) && seen.insert(y).inserted { stack.append(y) }
                }
            }
            rows.append((id, neighbours.count, groups))
        }
        rows.sort {
            ($0.2, $0.1) != ($1.2, $1.1) ? ($0.2, $0.1) > ($1.2, $1.1) : (v.net.contact($0.0)?.name ?? "") < (v.net.contact($1.0)?.name ?? "")
        }
        return RowSet(
            collection: nil,
            rows: rows.map { .record(Record(keys: ["contact", "degree", "bridges"], values: [.contact($0.0), .int($0.1), .int($0.2)])) },
            columns: ["contact", "degree", "bridges"])
    }

    func report(_ kind: String, _ range: SourceRange) throws -> RowSet {
        let v = try view()
        let net = v.full
        switch kind {
        case "network":
            var rows: [Value] = []
            let total = max(net.contacts.count, 1)
            func add(_ section: String, _ group: String, _ count: Int) {
                let share = (Decimal(count) * 100 / Decimal(total)).rounded(toPlaces: 0, .plain)
                rows.append(
                    .record(
                        Record(
                            keys: ["section", "group", "count", "share"], values: [.string(section), .string(group), .int(count), .number(share)])))
            }
            func counts(_ section: String, _ key: (Contact) -> String?, top: Int = 100) {
                var m: [String: Int] = [:]
                for c in net.contacts { m[key(c) ?? "(none)", default: 0] += 1 }
                for (g, n) in m.sorted(by: { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }).prefix(top) { add(section, g, n) }
            }
            add("total", "contacts", net.contacts.count)
            for s in Stage.allCases { add("stage", s.description, net.contacts.filter { $0.stage == s }.count) }
            counts("relationship", { $0.relationship })
            counts("met_at", { $0.metAt })
            counts("profession", { $0.profession }, top: 10)
            add("organisation", "internal", net.contacts.filter(\.isInternal).count)
            add("organisation", "external", net.contacts.filter { !$0.isInternal }.count)
            let mine = net.me.profession.map(normalize)
            let same = net.contacts.filter { mine != nil && $0.profession.map(normalize) == mine }.count
            add("profession", "same as mine", same)
            add("profession", "different from mine", net.contacts.count - same)
            add("activity", "touched in 90 days", net.contacts.filter { (v.stats[$0.id]?.touches90 ?? 0) > 0 }.count)
            let yearAgo = v.today.adding(Duration(months: -12))
            add(
                "activity", "dormant (no touch for a year)",
                net.contacts.filter { c in
                    (v.stats[c.id]?.lastTouch ?? c.metOn ?? c.created) < yearAgo
                }.count)
            return RowSet(collection: nil, rows: rows, columns: ["section", "group", "count", "share"])
        case "reciprocity":
            var byContact: [Int64: (g: Int, r: Int, gv: Decimal, rv: Decimal, last: Day?)] = [:]
            for r in net.referrals {
                var e = byContact[r.contact] ?? (0, 0, 0, 0, nil)
                if r.direction == .given {
                    e.g += 1
                    e.gv += r.value ?? 0
                } else {
                    e.r += 1
                    e.rv += r.value ?? 0
                }
                if e.last.map({ r.on > $0 }) ?? true { e.last = r.on }
                byContact[r.contact] = e
            }
            let sorted = byContact.sorted { a, b in
                let na = a.value.r == 0 && a.value.g > 0
                let nb = b.value.r == 0 && b.value.g > 0
                if na != nb { return na }
                if a.value.g - a.value.r != b.value.g - b.value.r { return a.value.g - a.value.r > b.value.g - b.value.r }
                return (net.contact(a.key)?.name ?? "") < (net.contact(b.key)?.name ?? "")
            }
            let cols = ["contact", "given", "received", "value_given", "value_received", "last_referral", "give_ratio", "never_gave_back"]
            return RowSet(
                collection: nil,
                rows: sorted.map { id, e in
                    .record(
                        Record(
                            keys: cols,
                            values: [
                                .contact(id), .int(e.g), .int(e.r), .number(e.gv), .number(e.rv), .optional(e.last),
                                .number(v.stats[id]?.giveRatio ?? 0), .bool(e.r == 0 && e.g > 0),
                            ]))
                }, columns: cols)
        case "money":
            let since = v.today.adding(Duration(months: -12))
            var spend: [Int64: Decimal] = [:]
            for s in net.spending where s.on > since && s.on <= v.today { spend[s.contact, default: 0] += s.amount }
            let askedEver = Set(net.interactions.filter { $0.asked }.flatMap(\.people))
            let cols = ["contact", "profession", "spend_12mo", "referrals_sent", "referrals_received", "asked_for_reciprocity"]
            let sorted = spend.sorted {
                $0.value != $1.value ? $0.value > $1.value : (net.contact($0.key)?.name ?? "") < (net.contact($1.key)?.name ?? "")
            }
            return RowSet(
                collection: nil,
                rows: sorted.map { id, amount in
                    .record(
                        Record(
                            keys: cols,
                            values: [
                                .contact(id), .optional(net.contact(id)?.profession), .number(amount),
                                .int(v.stats[id]?.referralsGiven ?? 0), .int(v.stats[id]?.referralsReceived ?? 0), .bool(askedEver.contains(id)),
                            ]))
                }, columns: cols)
        case "duplicates":
            return duplicates(net)
        case "unclassified":
            return unclassified(net)
        case "candidates":
            return try candidates(net)
        default:
            throw fail("unknown report '\(kind)'", range)
        }
    }

    /// The reports `report KIND` knows (the checker reads this list too).
    public static let reportKinds = ["network", "reciprocity", "money", "duplicates", "unclassified", "candidates"]

    /// `report candidates`: people met or written to (in imported calendars and mail) who are
    /// not contacts, most often seen first, each with the `add` line that makes them one. An
    /// address that is now a contact's, or mine, is left out.
    func candidates(_ net: Network) throws -> RowSet {
        let known = Set(net.contacts.flatMap { $0.emails.map { $0.value.trimmed.lowercased() } } + net.me.emails.map { $0.trimmed.lowercased() })
        let counts = try ((model as? CandidateBook)?.candidateCounts() ?? []).filter { !known.contains($0.address.lowercased()) }.sorted {
            ($1.count, $1.lastSeen, $0.address) < ($0.count, $0.lastSeen, $1.address)
        }
        let cols = ["name", "email", "seen", "first_seen", "last_seen", "add"]
        return RowSet(
            collection: nil,
            rows: counts.map { c in
                .record(
                    Record(
                        keys: cols,
                        values: [
                            .string(CandidateCount.displayName(c.name, address: c.address)), .string(c.address), .int(c.count), .date(c.firstSeen),
                            .date(c.lastSeen), .string(CandidateCount.addLine(c.name, address: c.address)),
                        ]))
            }, columns: cols)
    }

    /// `report duplicates`: pairs of contacts that are likely one person, which import keeps
    /// apart when an e-mail or phone disagrees: the same name (and company), the same e-mail,
    /// the same phone. Each row says why and gives the `merge` that joins them into the older.
    func duplicates(_ net: Network) -> RowSet {
        var groups: [(String, [String: [Int64]])] = [("name", [:]), ("e-mail", [:]), ("phone", [:])]
        for c in net.contacts {
            groups[0].1[personKey(c.name, nil), default: []].append(c.id)
            if let e = c.email { groups[1].1[e.lowercased(), default: []].append(c.id) }
            if let p = c.phone, !phoneDigits(p).isEmpty { groups[2].1[phoneDigits(p), default: []].append(c.id) }
        }
        var reasons: [[Int64]: [String]] = [:]
        for (what, byKey) in groups {
            for ids in byKey.values where ids.count > 1 {
                let ids = ids.sorted()
                for other in ids.dropFirst() {
                    var reason = "same \(what)"
                    if what == "name", let a = net.contact(ids[0]), let b = net.contact(other), let x = a.company, let y = b.company,
                        normalize(x) == normalize(y)
                    {
                        reason = "same name and company"
                    }
                    reasons[[ids[0], other], default: []].append(reason)
                }
            }
        }
        let cols = ["contact", "other", "reason", "merge"]
        func name(_ id: Int64) -> String { net.contact(id)?.name ?? "" }
        let pairs = reasons.keys.sorted { (name($0[0]), $0[0], name($0[1]), $0[1]) < (name($1[0]), $1[0], name($1[1]), $1[1]) }
        return RowSet(
            collection: nil,
            rows: pairs.map { pair in
                let merge = "merge @\(net.contact(pair[1])?.handle ?? "") into @\(net.contact(pair[0])?.handle ?? "")"
                return .record(
                    Record(
                        keys: cols, values: [.contact(pair[0]), .contact(pair[1]), .string(reasons[pair]!.joined(separator: ", ")), .string(merge)]))
            }, columns: cols)
    }
}
