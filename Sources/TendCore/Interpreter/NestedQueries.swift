/// A query nested in another's rows runs once for each value of what it reads from outside,
/// not once a row: `contacts as c where count(contacts where city == c.city) > 3` reads the
/// contacts once a city (it read them once a contact, quadratic: a minute at 5,000 contacts).
extension Interpreter {
    /// One nested query's runs in the current statement, by the values of its outer parts.
    /// The entry holds its node, so that no other node can take its identity while it stands.
    struct NestedRuns {
        var node: Expr
        /// What it reads from outside, each a name of the rows outside or a field of one
        /// (`c.city`); nil when its result may depend on more (then it always runs).
        var parts: [Expr]?
        var results: [String: RowSet] = [:]
        var hits = 0
    }

    /// Runs are kept while they pay: after 64 different outer values with no run read twice
    /// (`contact == c`, one a row) nothing more is kept; the statement keeps 200,000 rows at most.
    static let nestedRunsTried = 64
    static let nestedRowsKeptAtMost = 200_000

    func forgetNestedRuns() {
        nestedRuns = [:]
        nestedRowsKept = 0
    }

    /// `q` (the query of node `e`) in the rows of `ctx`: a run kept for the same outer values,
    /// or a new run.
    func nestedQuery(_ e: Expr, _ q: Query, _ ctx: Ctx) throws -> RowSet {
        // A goal's metric reads each period's own view: its runs differ from one to the next.
        guard ctx.row != nil || !ctx.locals.isEmpty, periodView == nil else { return try runQuery(q, ctx) }
        let id = ObjectIdentifier(e)
        if nestedRuns[id] == nil { nestedRuns[id] = NestedRuns(node: e, parts: outerParts(of: q, outer: Set(ctx.locals.keys))) }
        // A part that fails to evaluate (a field of null) is left to the run, which says so
        // only if it reaches it.
        guard let parts = nestedRuns[id]!.parts, let key = try? runKey(parts, ctx) else { return try runQuery(q, ctx) }
        if let kept = nestedRuns[id]!.results[key] {
            nestedRuns[id]!.hits += 1
            return kept
        }
        let set = try runQuery(q, ctx)
        let runs = nestedRuns[id]!
        if runs.hits > 0 || runs.results.count < Interpreter.nestedRunsTried, nestedRowsKept + set.rows.count <= Interpreter.nestedRowsKeptAtMost {
            nestedRuns[id]!.results[key] = set
            nestedRowsKept += set.rows.count
        }
        return set
    }

    /// The expressions of `q` that read the rows outside it (names in `outer`), each the
    /// longest chain of fields on such a name (`c.city`, `c`); nil when the query may read
    /// more from outside: a source other than a collection by name (`c.interactions`), a
    /// limit that is not a number written out, a name the checker did not resolve, or a name
    /// both outside and given to rows inside.
    func outerParts(of q: Query, outer: Set<String>) -> [Expr]? {
        guard case .expr(let source) = q.source, case .name = source.kind, case .collection = resolution(of: source) else { return nil }
        if let l = q.limit, !isLiteral(l) { return nil }
        var inside = Set<String>()
        for e in q.exprs {
            e.forEach { if case .query(let nested) = $0.kind, let n = nested.named?.name { inside.insert(n) } }
        }
        if let n = q.named?.name { inside.insert(n) }
        guard inside.isDisjoint(with: outer) else { return nil }
        var parts: [Expr] = []
        func walk(_ e: Expr) -> Bool {
            var root = e
            while case .member(let base, _) = root.kind { root = base }
            if case .name = root.kind {
                let r = resolution(of: root)
                if r == .unresolved { return false }
                if case .local(let n) = r, outer.contains(n) {
                    parts.append(e)
                    return true
                }
            }
            return e.children.allSatisfy(walk)
        }
        return q.exprs.allSatisfy(walk) ? parts : nil
    }

    private func isLiteral(_ e: Expr) -> Bool {
        if case .literal = e.kind { return true }
        return false
    }

    /// The outer parts' values as one key; nil when one is no plain value (a list, a record).
    func runKey(_ parts: [Expr], _ ctx: Ctx) throws -> String? {
        var key = ""
        for p in parts {
            let v = try eval(p, Ctx(locals: ctx.locals))
            switch v {
            case .null: key += "n"
            case .bool(let b): key += b ? "t" : "f"
            case .number(let n): key += "#\(n)"
            case .string(let s): key += "s\(s.utf8.count):" + s
            case .date(let d): key += "d\(d)"
            case .duration(let d): key += "u\(d.days):\(d.months)"
            case .stage(let s): key += "g\(s.rawValue)"
            case .contact(let id): key += "c\(id)"
            default: return nil
            }
            key += ";"
        }
        return key
    }
}
