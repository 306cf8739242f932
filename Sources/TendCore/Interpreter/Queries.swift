import Foundation

extension Interpreter {
    // MARK: - Collections

    /// Every row of a collection (only the period's rows while a goal's metric is measured).
    /// Contacts and markets are kept for the statement; event rows are made again when asked for,
    /// since a million of them would hold far more memory than the events themselves.
    func rows(of spec: CollectionSpec, _ range: SourceRange = .none) throws -> [Value] {
        let v = try view()
        let keep = spec.name == "contacts" || spec.name == "markets"
        if keep, let cached = v.rows[spec.name] { return cached }
        let made = try makeRows(of: spec, v, range)
        if keep { v.rows[spec.name] = made }
        return made
    }

    /// Makes the rows of an event collection one at a time (all of them, or those at `positions`),
    /// leaving out what falls outside the window.
    func eachEventRow(
        _ spec: CollectionSpec, _ net: Network, window: ClosedRange<Day>?, at positions: [Int]? = nil,
        _ body: (Value) throws -> Void
    ) throws {
        func inWindow(_ d: Day) -> Bool { window.map { $0.contains(d) } ?? true }
        switch spec.name {
        case "interactions":
            for n in positions ?? Array(net.interactions.indices) {
                let i = net.interactions[n]
                guard inWindow(i.on) else { continue }
                try body(
                    .row(
                        Row(
                            spec,
                            [
                                .int64(i.id), .string(i.kind), .date(i.on), i.people.first.map(Value.contact) ?? .null,
                                .list(i.people.map(Value.contact)), .optional(i.note), i.quality.map { .int($0) } ?? .null,
                                .bool(i.gave), .bool(i.asked), .bool(i.inbound), .bool(i.pitch), .optional(i.by), .bool(i.isPrivate),
                            ])))
            }
        case "referrals":
            for n in positions ?? Array(net.referrals.indices) {
                let r = net.referrals[n]
                guard inWindow(r.on) else { continue }
                try body(
                    .row(
                        Row(
                            spec,
                            [
                                .int64(r.id), .string(r.direction.rawValue), .contact(r.contact), .list([.contact(r.contact)]),
                                .optional(r.about), .date(r.on), r.value.map(Value.number) ?? .null, .optional(r.status), .optional(r.note),
                                .optional(r.by),
                            ])))
            }
        case "introductions":
            for n in positions ?? Array(net.introductions.indices) {
                let i = net.introductions[n]
                guard inWindow(i.on) else { continue }
                try body(
                    .row(
                        Row(
                            spec,
                            [
                                .int64(i.id), .contact(i.a), .contact(i.b), .list([.contact(i.a), .contact(i.b)]), .date(i.on), .optional(i.note),
                                .optional(i.by),
                            ])))
            }
        case "spending":
            for n in positions ?? Array(net.spending.indices) {
                let s = net.spending[n]
                guard inWindow(s.on) else { continue }
                try body(
                    .row(
                        Row(
                            spec,
                            [
                                .int64(s.id), .contact(s.contact), .list([.contact(s.contact)]), .number(s.amount), .date(s.on), .optional(s.note),
                                .optional(s.by),
                            ])))
            }
        default:
            break
        }
    }

    func makeRows(of spec: CollectionSpec, _ v: View, _ range: SourceRange = .none) throws -> [Value] {
        if Planner.eventCollections.contains(spec.name) {
            var out: [Value] = []
            try eachEventRow(spec, v.full, window: v.window) { out.append($0) }
            return out
        }
        let net = v.net
        func inWindow(_ d: Day) -> Bool { v.window.map { $0.contains(d) } ?? true }
        switch spec.name {
        case "contacts":
            // Each contact's id alone: filtering the contacts first copied every one of them.
            guard v.window != nil else { return net.contacts.map { .contact($0.id) } }
            return net.contacts.lazy.filter { inWindow($0.created) }.map { .contact($0.id) }
        case "goals":
            return try net.goals.map { g in
                .row(
                    Row(
                        spec,
                        [
                            .string(g.name), .optional(g.due), .optional(g.metric), g.target.map(Value.number) ?? .null,
                            .optional(g.period?.rawValue), .list(g.helpers.map(Value.contact)), try goalValue(g, range),
                        ]))
            }
        case "markets":
            return net.markets.map { .row(Row(spec, [.string($0.name), .list($0.servedBy.map(Value.string))])) }
        case "agenda":
            return try agendaRows(on: nil, range).rows
        default:
            return []
        }
    }

    func goalValue(_ g: Goal, _ range: SourceRange) throws -> Value {
        guard g.metric != nil, let period = g.period, periodView == nil, let start = today.start(of: period), let end = today.end(of: period)
        else { return .null }
        return try metric(g, in: start...end, reading: "goals", range)
    }

    // MARK: - Queries

    func runQuery(_ q: Query, _ outer: Ctx) throws -> RowSet {
        let locals = outer.locals
        let plan = try plan(for: q)
        if !q.groupBy.isEmpty, let (spec, access) = pagedEvents(plan) {
            // Grouped as they are read, a page at a time: every event is never held at once.
            return try group(q, locals) { body in
                try eachMatchingRow(spec, access, q, outer) { row in
                    try body(row)
                    return true
                }
            }
        }
        var set = try rows(for: plan, outer)
        // The flag speaks of this query's where-clause only: a set a `let` holds was filtered by
        // its own query's, and one filtered here is handed on as plain rows.
        let applied = set.filtered
        set.filtered = false
        if !applied {
            try charge(set.rows.count, q.range)
            if let f = q.filter {
                set.rows = try set.rows.filter {
                    try checkInterruption(q.range)
                    return try eval(f, Ctx(row: $0, locals: locals, naming: q.named?.name)).isTrue
                }
            }
        }
        if !q.groupBy.isEmpty { return try group(q, set, locals) }
        if !q.sortBy.isEmpty { set.rows = try sort(set.rows, q.sortBy, locals, naming: q.named?.name) }
        if let l = q.limit { set.rows = Array(set.rows.prefix(try limit(l, outer))) }
        if !q.show.isEmpty { set = try shown(q, set, locals) }
        return set
    }

    /// The rows reshaped by the query's `show` clause: one record a row.
    func shown(_ q: Query, _ set: RowSet, _ locals: [String: Value]) throws -> RowSet {
        var set = set
        let names = showNames(q.show)
        let clause = q.show[0].0.range.to(q.show[q.show.count - 1].0.range)
        set.rows = try set.rows.map { row in
            let ctx = Ctx(row: row, locals: locals, naming: q.named?.name)
            return try kept(.record(Record(keys: names, values: try q.show.map { try eval($0.0, ctx) })), clause)
        }
        set.columns = names
        set.collection = nil
        return set
    }

    func limit(_ e: Expr, _ ctx: Ctx) throws -> Int {
        let v = try eval(e, ctx)
        guard case .number(let n) = v else { throw fail(ValueRules.limit(-1)!, e.range) }
        // A part of a row is no row: `limit 1.5` is a mistake, not one row and a half.
        if let problem = ValueRules.limit(n) { throw fail(problem, e.range) }
        if n > 1_000_000_000 { return 1_000_000_000 }
        return v.intValue ?? 0
    }

    func showNames(_ show: [(Expr, name: String?)]) -> [String] {
        var names: [String] = []
        for (e, n) in show {
            var name = n ?? columnName(e)
            if name == "value", let src = source { name = src.slice(e.range) }
            var unique = name
            var k = 2
            while names.contains(unique) {
                unique = "\(name)_\(k)"
                k += 1
            }
            names.append(unique)
        }
        return names
    }

    /// Sorts by several keys; nulls go last whichever the direction.
    func sort(_ rows: [Value], _ keys: [(Expr, descending: Bool)], _ locals: [String: Value], naming: String? = nil) throws -> [Value] {
        let keyed = try rows.enumerated().map { (i, r) in (i, r, try keys.map { try eval($0.0, Ctx(row: r, locals: locals, naming: naming)).sortKey }) }
        let descending = keys.map(\.descending)
        return keyed.sorted { a, b in
            Interpreter.precedes(a.2, b.2, descending) ?? (a.0 < b.0)
        }.map(\.1)
    }

    /// Compares sort keys: nulls last whichever the direction; nil when every key is equal.
    static func precedes(_ x: [Value], _ y: [Value], _ descending: [Bool]) -> Bool? {
        for (k, desc) in descending.enumerated() {
            if let p = precedes(x[k], y[k], descending: desc) { return p }
        }
        return nil
    }

    /// Rows `a` and `b` compared by their keys, kept `descending.count` to a row in one array.
    static func precedes(_ keys: [Value], _ a: Int, _ b: Int, _ descending: [Bool]) -> Bool? {
        let width = descending.count
        for (k, desc) in descending.enumerated() {
            if let p = precedes(keys[a * width + k], keys[b * width + k], descending: desc) { return p }
        }
        return nil
    }

    /// One sort key compared: nulls (and empty lists: no tags) last whichever the direction;
    /// nil when equal.
    @inline(__always)
    static func precedes(_ a: Value, _ b: Value, descending: Bool) -> Bool? {
        let (none, other) = (a.isNull || a.isEmptyList, b.isNull || b.isEmptyList)
        if none && other { return nil }
        if none { return false }
        if other { return true }
        let c = Value.compare(a, b) ?? 0
        if c != 0 { return descending ? c > 0 : c < 0 }
        return nil
    }

    /// `group by`: one record per key (a list-valued key puts the row in each of its items' groups).
    func group(_ q: Query, _ set: RowSet, _ locals: [String: Value]) throws -> RowSet {
        try group(q, locals) { body in for row in set.rows { try body(row) } }
    }

    /// `group by` over rows handed over one at a time by `each`. A group counts its rows, and
    /// keeps for each aggregate of `show` and `sort by` the values it takes from them (each
    /// worked out as the row comes); it keeps the rows themselves only when an expression there
    /// reads them otherwise. So grouping every event of a large network read a page at a time
    /// holds its groups and their aggregates' values alone.
    func group(_ q: Query, _ locals: [String: Value], rows each: ((Value) throws -> Void) throws -> Void) throws -> RowSet {
        let keyNames = q.groupBy.map(columnName)
        let folds = foldedAggregates(q)
        let (order, groups) = try collectGroups(q, locals, folds: folds, rows: each)
        // A group's aggregates, taken from its values (its rows were not kept) while its
        // `show` or `sort by` is worked out.
        func withGroup<T>(_ id: String, _ body: () throws -> T) rethrows -> T {
            let saved = foldedGroup
            defer { foldedGroup = saved }
            if let folds, let g = groups[id] {
                let calls = folds.map(ObjectIdentifier.init)
                foldedGroup = FoldedGroup(
                    count: g.count, values: Dictionary(uniqueKeysWithValues: zip(calls, g.values)),
                    failures: Dictionary(uniqueKeysWithValues: zip(calls, g.failures).compactMap { c, f in f.map { (c, $0) } }))
            } else {
                foldedGroup = nil
            }
            return try body()
        }
        let showNamesList = q.show.isEmpty ? ["count"] : groupShowNames(q, keys: keyNames)
        var records: [Value] = []
        for key in order {
            let id = key.map { groupKeyText($0) }.joined(separator: "\u{1F}")
            let members = groups[id]!.rows
            let keys = Record(keys: keyNames, values: key)
            let ctx = Ctx(row: nil, locals: locals, naming: q.named?.name, group: members, groupKeys: keys)
            var r = keys
            if q.show.isEmpty {
                r["count"] = .int(groups[id]!.count)
            } else {
                try withGroup(id) {
                    for (i, (e, _)) in q.show.enumerated() { r[showNamesList[i]] = try eval(e, ctx) }
                }
            }
            records.append(try kept(.record(r), q.range))
        }
        var result = records
        if q.sortBy.isEmpty {
            // Biggest groups first, as a bar chart reads best: by the `count()` shown, else by
            // the groups' sizes; ties by key.
            let countKey = q.show.isEmpty ? "count" : q.show.indices.first { i in
                if case .call("count", let args) = q.show[i].0.kind { args.isEmpty } else { false }
            }.map { showNamesList[$0] }
            let sizes = order.map { key in groups[key.map { groupKeyText($0) }.joined(separator: "\u{1F}")]?.count ?? 0 }
            result = zip(result, sizes).sorted { a, b in
                guard case .record(let x) = a.0, case .record(let y) = b.0 else { return false }
                let c = countKey.map { Value.compare(x[$0] ?? .null, y[$0] ?? .null) ?? 0 } ?? (a.1 == b.1 ? 0 : a.1 < b.1 ? -1 : 1)
                if c != 0 { return c > 0 }
                return keyPrecedes(x, y)
            }.map(\.0)
        } else {
            let keyed = try result.map { rec -> (Value, [Value]) in
                guard case .record(let r) = rec else { return (rec, []) }
                let id = r.values.prefix(keyNames.count).map(groupKeyText).joined(separator: "\u{1F}")
                var ctx = Ctx(row: rec, locals: locals, group: groups[id]?.rows ?? [], groupKeys: r)
                ctx.rowName = q.named?.name
                return (rec, try withGroup(id) { try q.sortBy.map { try eval($0.0, ctx).sortKey } })
            }
            // Ties in the sort keys go by the group's key, as without `sort by` (the order was arbitrary).
            let descending = q.sortBy.map(\.descending)
            result = keyed.sorted { a, b in
                if let p = Interpreter.precedes(a.1, b.1, descending) { return p }
                guard case .record(let x) = a.0, case .record(let y) = b.0 else { return false }
                return keyPrecedes(x, y)
            }.map(\.0)
        }
        if let l = q.limit { result = Array(result.prefix(try limit(l, Ctx(locals: locals)))) }
        // A key that `show` names is shown where `show` puts it, once.
        let columns = keyNames.filter { !showNamesList.contains($0) } + showNamesList
        return RowSet(collection: nil, rows: result, columns: columns, groupKeys: keyNames)
    }

    /// A query's groups: one per combination of its keys' values (a list-valued key puts a
    /// row in a group for each item), in the order they first come, each with its count, its
    /// rows when `folds` is nil, else the values each of those aggregates takes from its rows.
    private func collectGroups(
        _ q: Query, _ locals: [String: Value], folds: [Expr]?, rows each: ((Value) throws -> Void) throws -> Void
    ) throws -> (order: [[Value]], groups: [String: Group]) {
        let keepsRows = folds == nil
        var order: [[Value]] = []
        var groups: [String: Group] = [:]
        try each { row in
            let ctx = Ctx(row: row, locals: locals, naming: q.named?.name)
            // An aggregate's argument that fails on a row fails the aggregate only where `show`
            // or `sort by` reaches it (`if count() > 9 then max(…) else 0`), as with the rows
            // kept: the error waits there. Ctrl-C and a spent budget do not wait.
            let taken = try folds?.map { e -> Result<Value, Error> in
                guard case .call(_, let args) = e.kind else { return .success(.null) }
                do {
                    return .success(try eval(args[0], ctx))
                } catch {
                    if Interruption.requested != 0 || work > maxWork || madeBytes > maxStatementBytes { throw error }
                    return .failure(error)
                }
            }
            var combos: [[Value]] = [[]]
            for g in q.groupBy {
                let v = try eval(g, ctx)
                let parts: [Value]
                if case .list(let items) = v { parts = items.isEmpty ? [.null] : items } else { parts = [v] }
                // Several list-valued keys multiply: each combination counts as a row visit,
                // charged before the combinations are made.
                try charge(combos.count * parts.count, q.range)
                combos = combos.flatMap { c in parts.map { c + [$0] } }
            }
            for key in combos {
                let id = key.map { groupKeyText($0) }.joined(separator: "\u{1F}")
                if groups[id] == nil {
                    let n = folds?.count ?? 0
                    groups[id] = (key, [], 0, Array(repeating: [], count: n), Array(repeating: nil, count: n))
                    order.append(key)
                }
                groups[id]!.count += 1
                if keepsRows { groups[id]!.rows.append(row) }
                // After its first failure an aggregate's values no longer matter (it fails).
                for (n, result) in (taken ?? []).enumerated() where groups[id]!.failures[n] == nil {
                    switch result {
                    case .success(let v): if !v.isNull { groups[id]!.values[n].append(v) }
                    case .failure(let error): groups[id]!.failures[n] = error
                    }
                }
            }
        }
        return (order, groups)
    }

    /// A group of a grouped query as its rows come (see `collectGroups`).
    private typealias Group = (key: [Value], rows: [Value], count: Int, values: [[Value]], failures: [Error?])

    /// The aggregates of a grouped query's `show` and `sort by` that take a value from each row
    /// of a group (`avg(quality)`, `max(i.on)`): a group can keep those values instead of its
    /// rows. Nil when an expression there may read the rows some other way (a query inside),
    /// or when there are so many that their values would take more room than the rows.
    private func foldedAggregates(_ q: Query) -> [Expr]? {
        var found: [Expr] = []
        var stack = q.show.map(\.0) + q.sortBy.map(\.0)
        while let e = stack.popLast() {
            switch e.kind {
            case .query:
                return nil
            case .call(let name, let args) where Builtin.aggregates.contains(name) && args.count == 1 && !isCollection(args[0]):
                // Its argument is worked out on each row alone, without the group.
                found.append(e)
            default:
                stack += e.children
            }
        }
        // A row of events holds about a dozen values: past eight aggregates, the rows are smaller.
        return found.count <= 8 ? found : nil
    }

    /// The order of groups with equal counts or sort keys: the "(none)" group last, the rest by
    /// their keys in the keys' own order (stages from contact to profitability, numbers, dates),
    /// text for keys that have none.
    private func keyPrecedes(_ x: Record, _ y: Record) -> Bool {
        for (a, b) in zip(x.values, y.values) {
            if a.isNull != b.isNull { return b.isNull }
            if let c = Value.compare(a, b), c != 0 { return c < 0 }
            let (ta, tb) = (groupKeyText(a), groupKeyText(b))
            if ta != tb { return ta < tb }
        }
        return false
    }

    private func groupKeyText(_ v: Value) -> String {
        switch v {
        case .null: return "\u{0}"
        case .contact(let id): return "#\(id)"
        case .string(let s): return "s" + s
        // By `==`'s measure (1y is 365d), a group holding both shown as the first met.
        case .duration(let d): return "d\(d.approximateDays)"
        default: return plainText(v)
        }
    }

    func sourceRows(_ q: Query, _ outer: Ctx) throws -> RowSet {
        switch q.source {
        case .expr(let e):
            let v = try eval(e, outer)
            switch v {
            case .rows(let set): return set
            case .list(let items): return RowSet(collection: nil, rows: items)
            default: throw fail("a query starts from a collection, not \(v.typeName)", e.range)
            }
        case .agenda(let on):
            let day = try on.map { try eval($0, outer) }
            if let day, day.dateValue == nil && !day.isNull { throw fail("agenda on takes a date", q.range) }
            if let d = day?.dateValue, d.isYearless { throw fail("agenda on takes a date with its year, not \(d)", q.range) }
            return try agendaRows(on: day?.dateValue, q.range)
        case .timeline(let who):
            guard case .contact(let id) = try eval(who, outer) else { throw fail("timeline takes a contact", who.range) }
            return try timeline(id, events: narrowToTimeline(of: id))
        case .rules:
            // The definitions, then the markets and goals, which persist as definitions do.
            func row(_ kind: String, _ name: String, _ source: String) -> Value {
                .row(Row(Schema.definitions, [.string(kind), .string(name), .string(source)]))
            }
            let net = try view().net
            return RowSet(
                collection: Schema.definitions,
                rows: definitions.all.map { row($0.kind.rawValue, $0.name, $0.source) }
                    + zip(net.markets.sorted { $0.name < $1.name }, ScriptWriter.markets(net)).map { row("market", $0.0.name, $0.1) }
                    + net.goals.map { row("goal", $0.name, ScriptWriter.goal($0)) })
        case .progress:
            return try progressRows(q.range)
        case .who(let w):
            return try who(w, outer, q.range)
        case .gaps(let m):
            return try gaps(m.map { try eval($0, outer) }, q.range)
        case .path(let to):
            guard case .contact(let id) = try eval(to, outer) else { throw fail("path to takes a contact", to.range) }
            return try path(to: id, range: to.range)
        case .connectors:
            return try connectors()
        case .report(let kind):
            return try report(kind, q.range)
        case .why(let who):
            guard case .contact(let id) = try eval(who, outer) else { throw fail("why takes a contact", who.range) }
            return try why(id, q.range)
        }
    }

    // MARK: - Who

    /// `range`: the query's, where an error without a part of its own is reported.
    func who(_ w: Who, _ ctx: Ctx, _ range: SourceRange) throws -> RowSet {
        let v = try view()
        let contacts = Schema.contacts
        switch w {
        case .serves(let m):
            let market = try m.map { try eval($0, ctx) } ?? (meRecord()["preferred_client"] ?? .null)
            if market.isNull { throw fail("no preferred client is set; set me preferred_client: \"…\"", m?.range ?? range) }
            let professions = Set(try servedBy(market))
            let markets: Set<String>
            switch market {
            case .string(let s): markets = [normalize(s)]
            case .list(let l): markets = Set(l.compactMap(\.stringValue).map(normalize))
            default: markets = []
            }
            let rows = v.net.contacts.filter { c in
                (c.profession.map { professions.contains(normalize($0)) } ?? false) || c.serves.contains { markets.contains(normalize($0)) }
            }
            return RowSet(collection: contacts, rows: rows.map { .contact($0.id) })
        case .canHelp(let g):
            guard case .string(let name) = try eval(g, ctx) else { throw fail("who can help takes a goal's name", g.range) }
            let goal = v.net.goals.first { normalize($0.name) == normalize(name) }
            var out: [Int64] = goal?.helpers ?? []
            let words = Set(
                name.lowercased().split { !$0.isLetter && !$0.isNumber }.map(String.init)
                    .filter { $0.count >= 4 && !Interpreter.stopWords.contains($0) })
            if !words.isEmpty {
                for c in v.net.contacts where !out.contains(c.id) {
                    let text = (c.skills + c.networks + c.accomplishments + [c.profession ?? ""]).joined(separator: " ").lowercased()
                    let tokens = Set(text.split { !$0.isLetter && !$0.isNumber }.map(String.init))
                    if !words.isDisjoint(with: tokens) || words.contains(where: { w in tokens.contains { $0.hasPrefix(w) } }) {
                        out.append(c.id)
                    }
                }
            }
            if goal == nil && out.isEmpty {
                throw fail("no goal \"\(name)\"", g.range, suggestion: closest(name, among: v.net.goals.map(\.name)).first.map { "\"\($0)\"" })
            }
            return RowSet(collection: contacts, rows: out.map(Value.contact))
        case .knows(let c):
            guard case .contact(let id) = try eval(c, ctx) else { throw fail("who knows takes a contact", c.range) }
            let ids = (v.adjacency[id] ?? []).sorted { (v.net.contact($0)?.name ?? "") < (v.net.contact($1)?.name ?? "") }
            return RowSet(collection: contacts, rows: ids.map(Value.contact))
        case .isOverdue:
            var rows: [(Int64, Int)] = []
            for c in v.net.contacts {
                if case .duration(let d) = try contactField(c.id, "overdue", .none), d.days > 0 { rows.append((c.id, d.days)) }
            }
            rows.sort { $0.1 != $1.1 ? $0.1 > $1.1 : (v.net.contact($0.0)?.name ?? "") < (v.net.contact($1.0)?.name ?? "") }
            return RowSet(collection: contacts, rows: rows.map { .contact($0.0) })
        }
    }

    /// Words of a goal that say nothing of who could help. Not `write` nor `local`: the goal
    /// "Write an article for the local paper" found no writer, nor the local business journal's
    /// members.
    static let stopWords: Set<String> = [
        "with", "from", "that", "this", "into", "about", "more", "have", "their", "your", "what", "when", "will", "make", "meet",
        "person", "some",
    ]

    /// The plain query a sugar form stands for (for `explain`), when one can be written; else what it does, as a
    /// comment (`# …`), so that it is never taken for a query to run.
    public static func explanation(of q: Query, source: Source) -> String? {
        switch q.source {
        case .who(.serves(let m)):
            let market = m.map { source.slice($0.range) } ?? "me.preferred_client"
            return "contacts where norm(profession) in served_by(\(market)) or norm(\(market)) in norm(serves)"
        case .who(.isOverdue):
            return "contacts where overdue > 0d sort by overdue desc, name"
        case .who(.canHelp(let g)):
            return
                "# no plain query: contacts marked with helps for the goal \(source.slice(g.range)), then contacts whose skills, networks, accomplishments or profession mention its words"
        case .who(.knows(let c)):
            return "# no plain query: contacts joined to \(source.slice(c.range)) by a knows edge (from knows, and from introductions)"
        case .gaps(let m):
            let market = m.map { source.slice($0.range) } ?? "me.preferred_client"
            return
                "# no plain query: the professions of served_by(\(market)), but yours (me.profession), that no contact at visibility or above has (none where norm(profession) == it and stage >= visibility)"
        case .path(let to):
            return "# no plain query: a breadth-first search over knows edges from the contacts you have touched or reached visibility with, to \(source.slice(to.range))"
        case .agenda:
            return
                "# no plain query: every rule's when, evaluated for each contact not snoozed; priority from the rule, else score priority; sort by priority desc, overdue desc, name"
        default:
            return nil
        }
    }

    // MARK: - Timeline

    /// When nothing is in memory yet, the backend reads this one contact and the people its
    /// timeline names (the others in its meetings and introductions): a card on a large network
    /// then reads a few rows, not every contact. The view widens if a field needs more. Returns
    /// the contact's events when it read them, for the timeline to use.
    func narrowToTimeline(of id: Int64) throws -> Network? {
        guard queryView == nil, periodView == nil else { return nil }
        guard var net = try readContact(id) else { return nil }
        queryView = narrowedView(net)
        guard try planner(for: queryView!).readsEventsPerContact() else { return nil }
        let events = try eventsInvolving(id)
        var named = Set(events.interactions.flatMap(\.people) + events.introductions.flatMap { [$0.a, $0.b] })
        named.remove(id)
        guard let others = try readContacts(named.sorted()) else { return events }
        net.contacts += others
        net.reindex()
        queryView = narrowedView(net)
        return events
    }

    /// The one contact `id`, read through the model (with the small tables); nil when it declines.
    func readContact(_ id: Int64) throws -> Network? {
        try model.read(ModelRead("contacts", where: [FieldCondition(field: "id", op: .equal, value: .int64(id))]))
    }

    /// The contacts `ids` (sorted) names, read through the model; nil when it declines. A few
    /// are read one by one; more in one read of the ids between the first and the last (each
    /// read loads the small tables again: a timeline naming 2,000 people took 1.8 s so).
    func readContacts(_ ids: [Int64]) throws -> [Contact]? {
        guard let first = ids.first, let last = ids.last else { return [] }
        func condition(_ op: ConstraintOp, _ id: Int64) -> FieldCondition { FieldCondition(field: "id", op: op, value: .int64(id)) }
        guard ids.count > Interpreter.contactsReadAlone else {
            var out: [Contact] = []
            for id in ids {
                guard let one = try readContact(id) else { return nil }
                out += one.contacts
            }
            return out
        }
        guard let range = try model.read(ModelRead("contacts", where: [condition(.greaterOrEqual, first), condition(.lessOrEqual, last)])) else { return nil }
        let wanted = Set(ids)
        return range.contacts.filter { wanted.contains($0.id) }
    }

    /// Contacts a card reads one by one; past it, in one read.
    static let contactsReadAlone = 8

    /// `events`: the contact's events, when they were read already.
    func timeline(_ id: Int64, events known: Network? = nil) throws -> RowSet {
        let net = try known ?? eventsInvolving(id)
        let spec = Schema.timeline
        var events: [(Day, Int, Value)] = []
        func add(_ on: Day, _ event: String, _ eid: Int64, _ kind: String, _ people: [Int64], _ summary: String, _ order: Int) {
            events.append(
                (
                    on, order,
                    .row(Row(spec, [.date(on), .string(event), .int64(eid), .string(kind), .list(people.map(Value.contact)), .string(summary)]))
                ))
        }
        func name(_ p: Int64) -> String { (try? contact(p))??.name ?? "?" }
        for i in net.interactions where i.people.contains(id) {
            var flags: [String] = []
            if i.gave { flags.append("gave") }
            if i.asked { flags.append("asked") }
            if i.pitch { flags.append("pitch") }
            if i.inbound { flags.append("inbound") }
            if i.sourceID != nil { flags.append("imported") }
            var summary = i.note ?? ""
            if i.people.count > 1 {
                summary = "with " + i.people.filter { $0 != id }.map(name).joined(separator: ", ") + (summary.isEmpty ? "" : ": " + summary)
            }
            if let q = i.quality { summary += (summary.isEmpty ? "" : " ") + "(quality \(q))" }
            if !flags.isEmpty { summary += (summary.isEmpty ? "" : " ") + "[" + flags.joined(separator: ", ") + "]" }
            add(i.on, "interaction", i.id, i.kind, i.people, summary, Int(i.id))
        }
        for r in net.referrals where r.contact == id {
            // "I referred Mike Chen to them", "they referred Ana Park to me" (it read "I referred about Mike Chen").
            let whom = r.about ?? "someone"
            let value = r.value.map { ", worth \($0.tendText)" } ?? ""
            add(
                r.on, "referral", r.id, r.direction == .given ? "given" : "received",
                [r.contact], (r.direction == .given ? "I referred \(whom) to them" : "they referred \(whom) to me") + value + (r.status.map { " (\($0))" } ?? ""),
                Int(r.id)
            )
        }
        for i in net.introductions where i.a == id || i.b == id {
            let other = i.a == id ? i.b : i.a
            add(i.on, "introduction", i.id, "introduced", [i.a, i.b], "introduced to \(name(other))" + (i.note.map { ": \($0)" } ?? ""), Int(i.id))
        }
        for s in net.spending where s.contact == id {
            add(s.on, "spend", s.id, "spend", [s.contact], "paid \(s.amount.tendText)" + (s.note.map { ": \($0)" } ?? ""), Int(s.id))
        }
        for s in net.stageChanges where s.contact == id {
            add(s.on, "stage", s.id, s.stage.description, [s.contact], "stage → \(s.stage)", Int(s.id))
        }
        events.sort { $0.0 != $1.0 ? $0.0 > $1.0 : $0.1 > $1.1 }
        return RowSet(collection: spec, rows: events.map(\.2))
    }

    // MARK: - Tables

    /// Default columns of each collection when a query has no `show`.
    static let defaultColumns: [String: [String]] = [
        "contacts": ["handle", "name", "company", "profession", "stage", "last_touch", "overdue"],
        "interactions": ["id", "on", "kind", "people", "note", "quality"],
        "referrals": ["id", "on", "direction", "contact", "about", "value", "status"],
        "introductions": ["id", "on", "people", "note"],
        "spending": ["id", "on", "contact", "amount", "note"],
        "goals": ["name", "due", "metric", "target", "period", "value", "helpers"],
        "markets": ["name", "served_by"],
        "agenda": ["priority", "contact", "rule", "message"],
        "rules": ["kind", "name", "source"],
        "progress": ["goal", "period", "value", "target", "percent", "status", "bar"],
        "timeline": ["on", "event", "id", "kind", "summary"],
        "path": ["step", "contact", "ask"],
    ]

    /// Turns a result into a table ready to draw.
    public func table(_ set: RowSet, title: String? = nil) throws -> Table {
        var columns: [String]
        var drawn: Set<String> = []
        if let c = set.columns {
            columns = c
        } else if let spec = set.collection {
            columns = Interpreter.defaultColumns[spec.name] ?? spec.fields.map(\.name)
            if spec.name == "progress" { drawn = ["bar"] }
        } else if case .record(let r)? = set.rows.first {
            columns = r.keys
        } else {
            columns = ["value"]
        }
        var people: [Int64: (name: String, handle: String)] = [:]
        let view = try view()
        func note(_ v: Value) {
            switch v {
            case .contact(let id):
                if people[id] == nil, let i = view.position(of: id) { people[id] = (view.contacts[i].name, view.contacts[i].handle) }
            case .list(let items): items.forEach(note)
            case .record(let r): r.values.forEach(note)
            default: break
            }
        }
        var rows: [[Value]] = []
        rows.reserveCapacity(set.rows.count)
        // Rows of the set's own collection: each column's position, found once.
        let positions = set.collection.map { spec in columns.compactMap { spec.index(of: $0) } }
        let byPosition = positions?.count == columns.count
        for r in set.rows {
            let cells: [Value]
            switch r {
            case .record(let rec): cells = columns.map { rec[$0] ?? .null }
            case .row(let x) where byPosition && x.collection === set.collection:
                cells = positions!.map { $0 < x.values.count ? x.values[$0] : .null }
            case .contact, .row: cells = try columns.map { try field(r, $0, .none) }
            default: cells = [r]
            }
            cells.forEach(note)
            rows.append(cells)
        }
        var table = Table(title: title, columns: columns, rows: rows, people: people)
        table.drawnColumns = drawn
        if let keys = set.groupKeys { table.chartGroups(keys: keys) }
        return table
    }

    /// A contact's card: every field, then the timeline.
    public func card(_ id: Int64) throws -> Card {
        let events = try narrowToTimeline(of: id)
        guard let c = try contact(id) else { throw fail("no contact #\(id)", .none) }
        var fields: [(String, Value)] = []
        var brief: [String] = []
        for f in Schema.contacts.fields where f.name != "id" {
            let shown = Interpreter.onCard(f.name, c)
            if case .null? = shown { brief.append(f.name) }
            fields.append((f.name, try shown.flatMap { $0.isNull ? nil : $0 } ?? contactField(id, f.name, .none)))
        }
        for name in definitions.scores.keys.sorted() { fields.append((name, try contactField(id, name, .none))) }
        var card = Card(name: c.name, handle: c.handle, fields: fields, timeline: try table(timeline(id, events: events)))
        card.brief = brief
        return card
    }
}

extension Value {
    static func int64(_ n: Int64) -> Value { .number(Decimal(n)) }
}
