import Foundation

/// Carrying out a plan's access path: the rows a query's where-clause is then checked on.
extension Interpreter {
    /// The plan for a query in this view: made once per view, since what the model offers changes
    /// only with the data or with what is in memory, and either makes a new view or clears them.
    func plan(for q: Query) throws -> Plan {
        guard case .expr(let e) = q.source else { return Plan(query: q) }
        let v = try view()
        if explaining {
            var planner = planner(for: v)
            planner.counting = true
            return try planner.plan(q)
        }
        let key = ObjectIdentifier(e)
        if let known = v.plans[key] { return known }
        let plan = try planner(for: v).plan(q)
        v.plans[key] = plan
        return plan
    }

    /// A planner for this view: the model's offers while no events are in memory; none in a
    /// goal's period (its window of events is in memory) or once every event is.
    func planner(for v: View) -> Planner {
        let backend = v.backendFirst
        return Planner(
            cost: cost, offer: backend.map { model in { try model.offer($0) } }, resolution: { [unowned self] in self.resolution(of: $0) }
        ) { [unowned self] in self.definitions }
    }

    /// The rows a plan's access hands over, before the where-clause (unless `filtered`).
    func rows(for plan: Plan, _ outer: Ctx) throws -> RowSet {
        let q = plan.query
        switch plan.access {
        case .scan:
            return try sourceRows(q, outer)
        case .selectContacts(let constraints):
            guard let partial = try selectedContacts(constraints, outer) else { return try sourceRows(q, outer) }
            queryView = partial
            return RowSet(collection: Schema.contacts, rows: partial.selectedRows)
        case .events(let access):
            guard let name = plan.collection, let spec = Schema.collection(named: name) else { return try sourceRows(q, outer) }
            if let filter = q.filter, let one = try contactRows(spec, access, filter, outer) { return one }
            return try pagedRows(spec, access, q, outer)
        }
    }

    /// The values of planned constraints, as conditions a model can check. Text other than ASCII
    /// is left out: Swift compares it by canonical equivalence, SQLite by bytes.
    func conditions(_ planned: [PlannedConstraint], _ outer: Ctx) throws -> [FieldCondition] {
        var out: [FieldCondition] = []
        for c in planned {
            let value = try eval(c.value, outer)
            if case .string(let text) = value, !text.utf8.allSatisfy({ $0 < 0x80 }) { continue }
            out.append(FieldCondition(field: c.field, op: c.op, value: value))
        }
        return out
    }

    // MARK: - Contacts selected by the model

    /// A view of the contacts the model selects, or nil when it could not select them.
    func selectedContacts(_ constraints: [PlannedConstraint], _ outer: Ctx) throws -> View? {
        let conditions = try conditions(constraints, outer)
        guard !conditions.isEmpty, let net = try model.read(ModelRead("contacts", where: conditions, today: try view().today)) else { return nil }
        return narrowedView(net)
    }

    /// A view of the contacts the backend selected, which reads the rest from the model when
    /// asked for anything else.
    func narrowedView(_ selected: Network) -> View {
        let model = self.model
        let v = View(today: today, partial: selected) { events in try model.network(events: events) }
        v.backend = model
        return v
    }

    // MARK: - Events of one contact

    /// `EVENTS where … contact == X …` or `… X in people …`: only the events of X, for the first
    /// key whose value is a contact (nil when none is). Rules that sum a contact's spending so
    /// stay linear.
    func contactRows(_ spec: CollectionSpec, _ a: Plan.EventAccess, _ filter: Expr, _ outer: Ctx) throws -> RowSet? {
        for key in a.keys {
            guard case .contact(let id) = try eval(key.value, outer) else { continue }
            let candidates = try rows(of: spec, with: id, a, filter, outer)
            // `contact ==` means the first person only; the index holds every participant.
            guard key.firstPersonOnly else { return RowSet(collection: spec, rows: candidates) }
            return RowSet(
                collection: spec,
                rows: candidates.filter {
                    if case .row(let r) = $0 { return Value.equal(r["contact"] ?? .null, .contact(id)) }
                    return false
                })
        }
        return nil
    }

    /// The rows of an event collection that involve one contact, from the shared read when the
    /// plan has one, else through the model's index, else from every event in memory (indexed by
    /// contact once per view; an event that certainly fails a condition is passed over).
    func rows(of spec: CollectionSpec, with contact: Int64, _ a: Plan.EventAccess, _ filter: Expr, _ outer: Ctx) throws -> [Value] {
        let v = try view()
        var out: [Value] = []
        if !a.shared.isEmpty, let narrowed = try sharedRead(spec, a.shared, filter, outer, v) {
            try eachEventRow(spec, narrowed.net, window: nil, at: narrowed.index[contact] ?? []) { out.append($0) }
            return out
        }
        if a.perContact, let backend = v.backendFirst,
            let mine = try backend.read(ModelRead(spec.name, where: try conditions(a.narrowing, outer), involving: contact))
        {
            try eachEventRow(spec, mine, window: nil) { out.append($0) }
            return out
        }
        if v.positionsByContact[spec.name] == nil {
            v.positionsByContact[spec.name] = Interpreter.positionsByContact(spec, v.full)
        }
        let net = v.full
        var positions = v.positionsByContact[spec.name]?[contact] ?? []
        // Worked out only for a contact with events (most have no spending, say).
        if !positions.isEmpty, !a.constraints.isEmpty, case let conditions = try conditions(a.constraints, outer), !conditions.isEmpty {
            positions = positions.filter { mayMatch(spec, net, $0, conditions) }
        }
        try eachEventRow(spec, net, window: v.window, at: positions) { out.append($0) }
        return out
    }

    /// Each contact's rows of an event collection, by position.
    static func positionsByContact(_ spec: CollectionSpec, _ net: Network) -> [Int64: [Int]] {
        var index: [Int64: [Int]] = [:]
        switch spec.name {
        case "interactions": for (n, e) in net.interactions.enumerated() { for p in e.people { index[p, default: []].append(n) } }
        case "referrals": for (n, e) in net.referrals.enumerated() { index[e.contact, default: []].append(n) }
        case "introductions":
            for (n, e) in net.introductions.enumerated() {
                index[e.a, default: []].append(n)
                if e.b != e.a { index[e.b, default: []].append(n) }
            }
        case "spending": for (n, e) in net.spending.enumerated() { index[e.contact, default: []].append(n) }
        default: break
        }
        return index
    }

    /// The rows of an event collection that meet a where-clause's conditions fixed for the whole
    /// run, read from the model once per clause and view for every contact (nil when the events
    /// are in memory, when the model can check none, or when more than the cost model's limit meet them).
    func sharedRead(_ spec: CollectionSpec, _ shared: [PlannedConstraint], _ filter: Expr, _ outer: Ctx, _ v: View) throws -> NarrowedEvents? {
        guard let backend = v.backendFirst else { return nil }
        let key = ObjectIdentifier(filter)
        if let known = v.narrowed[key] { return known.events }
        var found: NarrowedEvents?
        let fixed = try conditions(shared, outer)
        if !fixed.isEmpty, let net = try backend.read(ModelRead(spec.name, where: fixed, cap: cost.sharedReadLimit)) {
            found = NarrowedEvents(net, Interpreter.positionsByContact(spec, net))
        }
        v.narrowed[key] = (filter, found)
        return found
    }

    /// False when an event certainly fails one of the conditions, read from the event itself
    /// before its row is made (its date, an interaction's kind and flags); the where-clause is
    /// evaluated in full afterwards, so anything uncertain (another field, values that do not
    /// compare, which the clause reports) keeps the event.
    func mayMatch(_ spec: CollectionSpec, _ net: Network, _ n: Int, _ conditions: [FieldCondition]) -> Bool {
        for c in conditions {
            let field: Value
            switch (spec.name, c.field) {
            case ("interactions", "on"): field = .date(net.interactions[n].on)
            case ("interactions", "kind"): field = .string(net.interactions[n].kind)
            case ("interactions", "pitch"): field = .bool(net.interactions[n].pitch)
            case ("interactions", "gave"): field = .bool(net.interactions[n].gave)
            case ("interactions", "asked"): field = .bool(net.interactions[n].asked)
            case ("interactions", "inbound"): field = .bool(net.interactions[n].inbound)
            case ("referrals", "on"): field = .date(net.referrals[n].on)
            case ("referrals", "direction"): field = .string(net.referrals[n].direction.rawValue)
            case ("introductions", "on"): field = .date(net.introductions[n].on)
            case ("spending", "on"): field = .date(net.spending[n].on)
            default: continue
            }
            if c.op == .equal {
                if !Value.equal(field, c.value) { return false }
                continue
            }
            guard let order = Value.compare(field, c.value) else { continue }
            if !c.op.holds(order) { return false }
        }
        return true
    }

    // MARK: - Every event, one at a time

    /// `EVENTS where …` over the whole collection: rows are made and tested one at a time and
    /// only the matches are kept (a million interaction rows at once would not fit in memory).
    /// A paged plan has the model hand them over a page at a time, narrowed.
    ///
    /// With `limit N` (and no group by), no more rows are kept than the answer needs: the first
    /// N matches when unsorted (the read stops there), else the N first in the sort's order, the
    /// others let go as the read goes on.
    func pagedRows(_ spec: CollectionSpec, _ a: Plan.EventAccess, _ q: Query, _ outer: Ctx) throws -> RowSet {
        let locals = outer.locals
        var kept: [Value] = []
        let wanted = try q.groupBy.isEmpty ? q.limit.map { try limit($0, outer) } : nil
        try eachMatchingRow(spec, a, q, outer) { row in
            kept.append(row)
            guard let wanted else { return true }
            if q.sortBy.isEmpty { return kept.count < wanted }
            if kept.count >= max(2 * wanted, 10_000) {
                // Sorted (ties in the order read) and cut: a row let go has `wanted` rows before
                // it that stay before it, whatever comes later.
                kept = Array(try sort(kept, q.sortBy, locals, naming: q.named?.name).prefix(wanted))
            }
            return true
        }
        var set = RowSet(collection: spec, rows: kept)
        set.filtered = true
        return set
    }

    /// Hands `body` each row of an event collection that passes the query's where-clause, in the
    /// order read, until it returns false: a page at a time from the model when the plan is
    /// paged, else from the events in memory.
    ///
    /// `matching`: the ids of the rows that pass, known from an earlier read of the same
    /// statement (a streamed table's); the where-clause is then not worked out again.
    func eachMatchingRow(
        _ spec: CollectionSpec, _ a: Plan.EventAccess, _ q: Query, _ outer: Ctx, matching: Set<Int64>? = nil, _ body: (Value) throws -> Bool
    ) throws {
        let v = try view()
        let locals = outer.locals
        var seen = 0
        struct Enough: Error {}
        func passes(_ row: Value) throws -> Bool {
            if let matching, let id = Interpreter.eventID(row) { return matching.contains(id) }
            return try q.filter.map({ try eval($0, Ctx(row: row, locals: locals, naming: q.named?.name)).isTrue }) ?? true
        }
        func test(_ row: Value) throws {
            seen += 1
            try checkInterruption(q.range)
            if seen % 100_000 == 0 { try charge(100_000, q.range) }
            if try passes(row), try !body(row) { throw Enough() }
        }
        let backend = a.paged ? v.backendFirst : nil
        let narrowing = backend == nil ? [] : try conditions(a.narrowing, outer)
        func page(after id: Int64) throws -> Network? {
            try backend?.read(ModelRead(spec.name, where: narrowing, page: (id, cost.pageSize)))
        }
        do {
            if var net = try page(after: Int64.min) {
                var after = Int64.min
                // A model that hands back a page not past the last one would have this loop forever.
                while let last = net.interactions.last, last.id > after {
                    try eachEventRow(spec, net, window: nil, test)
                    after = last.id
                    net = try page(after: after) ?? Network()
                }
            } else {
                try eachEventRow(spec, v.full, window: v.window, test)
            }
        } catch is Enough {}
        try charge(seen % 100_000, q.range)
    }

    /// An event row's id (its first field).
    static func eventID(_ row: Value) -> Int64? {
        guard case .row(let r) = row, let first = r.values.first else { return nil }
        return StoredRange.id(first)
    }

    // MARK: - One event by its number; every event of one contact

    /// A network holding the event `kind` `id`, if there is one (and perhaps others): read by
    /// its number when the model can (every event of a large network does not fit in memory),
    /// else every event.
    func eventNumbered(_ kind: EventKind, _ id: Int64) throws -> Network {
        let v = try view()
        guard let backend = v.backendFirst,
            let net = try backend.read(ModelRead(kind.collection, where: [FieldCondition(field: "id", op: .equal, value: .number(Decimal(id)))]))
        else { return v.full }
        return net
    }

    /// Every event of one contact: read through the model's indexes on a large network, else
    /// taken from the events in memory.
    func eventsInvolving(_ id: Int64) throws -> Network {
        let v = try view()
        guard let backend = v.backendFirst, try planner(for: v).readsEventsPerContact() else { return v.full }
        var net = Network()
        for kind in ["interactions", "referrals", "introductions", "spending", "stage_changes"] {
            guard let part = try backend.read(ModelRead(kind, where: [], involving: id)) else { return v.full }
            net.interactions += part.interactions
            net.referrals += part.referrals
            net.introductions += part.introductions
            net.spending += part.spending
            net.stageChanges += part.stageChanges
        }
        return net
    }
}
