/// The costs the planner weighs, each with its reason.
public struct CostModel: Sendable {
    /// Above this many interactions, events are read per contact or a page at a time instead of
    /// all at once: a million of them held in memory cost hundreds of megabytes, while below it
    /// one read of everything is faster than a read per contact.
    public var eventsInMemory = 300_000
    /// The most rows a read for every contact at once (`spending where on >= start_of(year)`,
    /// by the agenda's rules) may bring into memory; past it, events are read as without it.
    public var sharedReadLimit = 200_000
    /// Interactions read at a time when a large collection is scanned page by page.
    public var pageSize = 20_000
    /// Rows a streamed table (`Interpreter.streamedTable`) hands over at a time: a batch's
    /// rows, cells and text are held while it is drawn.
    public var streamedBatch = 1_000
    public init() {}
}

/// Turns a checked query into a plan: a pure function of the query, the definitions in force,
/// and the model's answers to what the query offers it. It reads no data; `explain` prints
/// what it decides, and the interpreter carries it out.
public struct Planner {
    /// The definitions in force, read only when a plan needs them (`count(contacts)` needs none).
    let readDefinitions: () -> Definitions
    /// What the checker made of a name (`Resolutions`).
    let resolution: (Expr) -> Expr.Resolution
    public var cost: CostModel
    /// The model's answer to a request (SQLite's `xBestIndex`); nil when the rows are in memory
    /// only (a goal's period, which counts its own window of events).
    public var offer: ((AccessRequest) throws -> AccessOffer)?
    /// Set by `explain`: the model is asked to count the collection, for the plan's size line.
    public var counting = false

    /// A planner for queries checked against `definitions`, with what their checker resolved.
    public init(
        definitions: Definitions, resolutions: Resolutions = Resolutions(), cost: CostModel = CostModel(),
        offer: ((AccessRequest) throws -> AccessOffer)?
    ) {
        self.init(
            cost: cost, offer: offer,
            resolution: { e in
                let r = resolutions[e]
                return r != .unresolved ? r : definitions.resolutions[e]
            }
        ) { definitions }
    }

    init(
        cost: CostModel, offer: ((AccessRequest) throws -> AccessOffer)?, resolution: @escaping (Expr) -> Expr.Resolution,
        definitions: @escaping () -> Definitions
    ) {
        self.readDefinitions = definitions
        self.resolution = resolution
        self.cost = cost
        self.offer = offer
    }

    public static let eventCollections: Set<String> = ["interactions", "referrals", "introductions", "spending"]

    public func plan(_ q: Query) throws -> Plan {
        var plan = Plan(query: q)
        guard case .expr(let e) = q.source, case .collection(let name) = resolution(e) else { return plan }
        plan.collection = name
        if name == "contacts", let filter = q.filter {
            plan.access = try contactsAccess(q, filter, &plan.rows)
        } else if Planner.eventCollections.contains(name) {
            // Without a where-clause too: every event is read a page at a time when there are
            // more than memory holds (`interactions sort by on desc limit 10` loaded them all).
            plan.access = .events(try eventAccess(name, q.filter, &plan.rows))
        }
        return plan
    }

    /// `contacts where …` whose parts read nothing but the row's own fields: the store selects
    /// the contacts by the conditions it can check, and the query runs on them alone.
    private func contactsAccess(_ q: Query, _ filter: Expr, _ rows: inout Int?) throws -> Plan.Access {
        guard let offer else { return .scan }
        let parts = [filter] + q.groupBy + q.sortBy.map(\.0) + q.show.map(\.0)
        guard parts.allSatisfy(readsOnlyTheRow) else { return .scan }
        // A contact's cadence, due and overdue call it: it must read only the row too. The
        // definitions are read only when the query may show or test one of them (parsing them was
        // a fifth of a one-shot query); without `show`, the rows are shown with `overdue`.
        if q.show.isEmpty || parts.contains(where: readsCadence), let fn = readDefinitions().fns["default_cadence"], !readsOnlyTheRow(fn.body) { return .scan }
        let constraints = constraints(in: filter)
        guard !constraints.isEmpty else { return .scan }
        let answer = try offer(AccessRequest(collection: "contacts", constraints: constraints.map(\.shape), count: counting))
        rows = answer.rows
        let usable = zip(constraints, answer.usable).filter(\.1).map(\.0)
        return answer.inMemory || usable.isEmpty ? .scan : .selectContacts(usable)
    }

    private func eventAccess(_ name: String, _ filter: Expr?, _ rows: inout Int?) throws -> Plan.EventAccess {
        var a = Plan.EventAccess()
        a.keys = filter.map(contactKeys) ?? []
        a.constraints = filter.map(constraints) ?? []
        guard let offer else { return a }
        let answer = try offer(AccessRequest(collection: name, constraints: a.constraints.map(\.shape), count: counting))
        rows = answer.rows
        guard !answer.inMemory else { return a }
        a.narrowing = zip(a.constraints, answer.usable).filter(\.1).map(\.0)
        let large = answer.eventRows > cost.eventsInMemory
        if a.keys.isEmpty {
            // Only interactions are paged: the other collections are a small part of the events.
            a.paged = name == "interactions" && (!a.narrowing.isEmpty || large)
            if !a.paged { a.narrowing = [] }
        } else {
            a.shared = a.narrowing.filter(\.fixed)
            a.perContact = large
            if !large { a.narrowing = [] }
        }
        return a
    }

    /// True when the model should read one contact's events through its index rather than
    /// every event at once (a card or a timeline): whenever they are not in memory already. One
    /// contact's events are a few index reads at any size; every event was a third of a second
    /// at 20,000 contacts, for a card that shows a dozen.
    public func readsEventsPerContact() throws -> Bool {
        guard let offer else { return false }
        return try !offer(AccessRequest(collection: "interactions", constraints: [])).inMemory
    }

    /// The exact number of rows a whole collection holds, when the model counts without reading
    /// them; nil to count the rows in memory.
    public func count(of collection: String) throws -> Int? {
        guard let offer, Schema.collection(named: collection) != nil, collection != "agenda" else { return nil }
        let answer = try offer(AccessRequest(collection: collection, constraints: [], count: true))
        return answer.inMemory ? nil : answer.rows
    }
}

// MARK: - Analyses of a where-clause

extension Planner {
    /// The parts of a condition joined by `and` at the top level (a part under `or` narrows nothing).
    static func andParts(_ e: Expr) -> [Expr] {
        if case .binary(.and, let l, let r) = e.kind { return andParts(l) + andParts(r) }
        return [e]
    }

    /// The parts of a where-clause a model could check itself: `field op value` (the value not
    /// depending on the row, either side) and a bare boolean field, joined by `and`.
    func constraints(in filter: Expr) -> [PlannedConstraint] {
        var out: [PlannedConstraint] = []
        for part in Planner.andParts(filter) {
            if case .name = part.kind, case .field(let f) = resolution(part) {
                out.append(PlannedConstraint(field: f, op: .equal, value: Expr(.literal(.bool(true)), part.range), fixed: true))
                continue
            }
            guard case .binary(let text, let l, let r) = part.kind, let op = ConstraintOp(rawValue: text.rawValue) else { continue }
            if case .name = l.kind, case .field(let f) = resolution(l), isRowIndependent(r) {
                out.append(PlannedConstraint(field: f, op: op, value: r, fixed: isFixedInRun(r)))
            } else if case .name = r.kind, case .field(let f) = resolution(r), isRowIndependent(l) {
                out.append(PlannedConstraint(field: f, op: op.mirrored, value: l, fixed: isFixedInRun(l)))
            }
        }
        return out
    }

    /// `contact == X` and `X in people` in a where-clause over events (X not depending on the
    /// row), in the clause's order.
    func contactKeys(in filter: Expr) -> [(value: Expr, firstPersonOnly: Bool)] {
        var out: [(Expr, Bool)] = []
        for part in Planner.andParts(filter) {
            guard case .binary(let op, let l, let r) = part.kind else { continue }
            if op == .equal {
                if isField(l, "contact"), isRowIndependent(r) {
                    out.append((r, true))
                } else if isField(r, "contact"), isRowIndependent(l) {
                    out.append((l, true))
                }
            } else if op == .isIn, isField(r, "people"), isRowIndependent(l) {
                out.append((l, false))
            }
        }
        return out
    }

    /// True when an expression reads only its row's fields, constants and built-in functions: no
    /// collection, query, `let`, user function or score (any of which could look at other rows).
    /// Whether `e` reads a contact's cadence, due or overdue (which `default_cadence` gives).
    func readsCadence(_ e: Expr) -> Bool {
        e.contains { x in
            switch x.kind {
            case .name:
                if case .field(let f) = resolution(x) { return Schema.cadenceFields.contains(f) }
                return false
            case .member(_, let f): return Schema.cadenceFields.contains(f)
            default: return false
            }
        }
    }

    func readsOnlyTheRow(_ e: Expr) -> Bool {
        switch e.kind {
        case .literal, .handle, .me, .it, .tag: return true
        case .name:
            switch resolution(e) {
            case .field(let f): return Interpreter.ContactKey.byName[f] != nil
            case .local, .stage, .constant, .row: return true
            default: return false
            }
        case .interpolated(let pieces):
            return pieces.allSatisfy {
                if case .expr(let x) = $0 { return readsOnlyTheRow(x) }
                return true
            }
        case .list(let items): return items.allSatisfy(readsOnlyTheRow)
        case .record(let fields): return fields.allSatisfy { readsOnlyTheRow($0.1) }
        case .unary(_, let x): return readsOnlyTheRow(x)
        case .binary(_, let a, let b): return readsOnlyTheRow(a) && readsOnlyTheRow(b)
        case .member(let b, let f): return Interpreter.ContactKey.byName[f] != nil && readsOnlyTheRow(b)
        case .call(let name, let args):
            return Builtin.byName[name] != nil && !Builtin.aggregates.contains(name) && args.allSatisfy(readsOnlyTheRow)
        case .ifThen(let c, let t, let f): return readsOnlyTheRow(c) && readsOnlyTheRow(t) && (f.map(readsOnlyTheRow) ?? true)
        case .query: return false
        }
    }
}

extension Planner {
    /// True when `e` is the bare field `name` of the row.
    func isField(_ e: Expr, _ name: String) -> Bool {
        if case .name(name) = e.kind, case .field(name) = resolution(e) { return true }
        return false
    }

    /// True when the value is the same wherever it is evaluated in one run: it depends on no
    /// row and reads no local (a function's parameter).
    func isFixedInRun(_ e: Expr) -> Bool { doesNotDepend(e, onLocals: true) }

    /// True when the value cannot depend on the row in view (no fields, `it` or tags).
    func isRowIndependent(_ e: Expr) -> Bool { doesNotDepend(e, onLocals: false) }

    private func doesNotDepend(_ e: Expr, onLocals: Bool) -> Bool {
        switch e.kind {
        case .literal, .handle, .me: return true
        case .name:
            switch resolution(e) {
            case .field, .unresolved, .row: return false
            case .local: return !onLocals
            default: return true
            }
        case .it, .tag, .query, .interpolated, .record, .ifThen: return false
        case .list(let items): return items.allSatisfy { doesNotDepend($0, onLocals: onLocals) }
        case .unary(_, let x), .member(let x, _): return doesNotDepend(x, onLocals: onLocals)
        case .binary(_, let a, let b): return doesNotDepend(a, onLocals: onLocals) && doesNotDepend(b, onLocals: onLocals)
        case .call(_, let args): return args.allSatisfy { doesNotDepend($0, onLocals: onLocals) }
        }
    }
}
