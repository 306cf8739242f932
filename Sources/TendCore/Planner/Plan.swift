/// How a query reads its rows, decided before it runs (`Planner.plan`) and printed by `explain`.
/// The where-clause is always checked in full on the rows the access hands over: narrowing
/// only spares reading rows that cannot match.
public struct Plan {
    public enum Access {
        /// Every row of the query's source: a collection as the view holds it, a `let`'s rows, or
        /// the rows a sugar form (`agenda`, `who …`, `timeline …`) works out.
        case scan
        /// The contacts the model selects by these constraints; the rest of the statement reads
        /// them alone (and the whole network the moment it asks for anything else).
        case selectContacts([PlannedConstraint])
        /// The rows of an event collection, one at a time.
        case events(EventAccess)
    }

    /// Where an event collection's rows come from.
    public struct EventAccess {
        /// `contact == X` (the first person only) and `X in people`, X not depending on the row:
        /// only X's rows are read, for the first of these whose X is a contact when it runs.
        public var keys: [(value: Expr, firstPersonOnly: Bool)] = []
        /// The where-clause's conditions on the row's own fields: in memory, an event failing
        /// one is passed over before its row is made.
        public var constraints: [PlannedConstraint] = []
        /// The constraints the model narrows its reads by (none when the rows are in memory).
        public var narrowing: [PlannedConstraint] = []
        /// With keys: the narrowing constraints fixed for the whole run (`on >= today - 30d`),
        /// read once for every contact (at most `CostModel.sharedReadLimit` rows) and indexed.
        public var shared: [PlannedConstraint] = []
        /// With keys: the model reads each contact's rows through its index (every event would
        /// not fit in memory); otherwise every event is read once and indexed by contact.
        public var perContact = false
        /// Without keys: the model hands the rows a page at a time, narrowed.
        public var paged = false
    }

    public var query: Query
    /// The collection the query reads, when it reads one by name.
    public var collection: String?
    public var access: Access = .scan
    /// How many rows the collection holds, as the model told the planner (nil when not asked).
    public var rows: Int?

    public init(query: Query) { self.query = query }

    /// The where-clause, checked on every row the access hands over.
    public var filter: Expr? { query.filter }
}

/// `field op value` in a where-clause, `value` not depending on the row.
public struct PlannedConstraint {
    public var field: String
    public var op: ConstraintOp
    public var value: Expr
    /// True when the value is the same wherever the query runs in one run (no parameter).
    public var fixed: Bool
    public var shape: AccessRequest.Shape {
        switch value.kind {
        case .literal(let v): return AccessRequest.Shape(field, op, value: v)
        // `-1.5` is a literal negated.
        case .unary(.negate, let inner):
            if case .literal(.number(let n)) = inner.kind { return AccessRequest.Shape(field, op, value: .number(-n)) }
        default: break
        }
        return AccessRequest.Shape(field, op)
    }
}

extension Plan {
    /// The plan in words, one step a line; `text` gives an expression's source.
    public func lines(_ text: (Expr) -> String) -> [String] {
        var out = ["read: " + accessText(text)]
        if let rows, let name = collection { out.append("size: \(name) holds \(rows) row\(rows == 1 ? "" : "s")") }
        if let f = filter { out.append("check: \(text(f)) on every row read") }
        if !query.groupBy.isEmpty { out.append("group by: " + query.groupBy.map(text).joined(separator: ", ")) }
        if !query.sortBy.isEmpty {
            out.append("sort by: " + query.sortBy.map { text($0.0) + ($0.descending ? " desc" : "") }.joined(separator: ", "))
        }
        if let l = query.limit { out.append("limit: " + text(l)) }
        if !query.show.isEmpty { out.append("show: " + query.show.map { text($0.0) }.joined(separator: ", ")) }
        return out
    }

    private func accessText(_ text: (Expr) -> String) -> String {
        func list(_ cs: [PlannedConstraint]) -> String {
            cs.map { c in
                // A bare flag (`pitch`) stands for `pitch == true`.
                if case .literal(.bool(let b)) = c.value.kind { return "\(c.field) \(c.op.rawValue) \(b)" }
                return "\(c.field) \(c.op.rawValue) \(text(c.value))"
            }.joined(separator: " and ")
        }
        let name = collection ?? "the source"
        switch access {
        case .scan:
            return collection == nil ? "the rows of the source" : "every row of \(name)"
        case .selectContacts(let cs):
            return "the contacts the store selects where \(list(cs))"
        case .events(let a):
            let narrowed = a.narrowing.isEmpty ? "" : ", narrowed by the store to \(list(a.narrowing))"
            guard !a.keys.isEmpty else {
                return a.paged
                    ? "every row of \(name), a page at a time from the store\(narrowed)" : "every row of \(name), from memory"
            }
            let keys = a.keys.map { ($0.firstPersonOnly ? "contact == " : "in people: ") + text($0.value) }.joined(separator: ", else ")
            var how = a.perContact ? "through the store's index, one contact at a time\(narrowed)" : "from memory, indexed by contact"
            if !a.shared.isEmpty { how = "read once for every contact where \(list(a.shared)), else " + how }
            return "the rows of \(name) of one contact (\(keys)): " + how
        }
    }
}
