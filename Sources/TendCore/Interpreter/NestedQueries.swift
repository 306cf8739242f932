/// A query nested in another's rows runs once for each value of what it reads from outside,
/// not once a row: `contacts as c where count(contacts where city == c.city) > 3` reads the
/// contacts once a city.
extension Interpreter {
    /// One nested query's runs in the current statement and view, by the values of its outer
    /// parts. The entry holds its node and its view, so that no other node takes its identity
    /// while it stands, and runs made in another view (another day's: `agenda on DATE`) are
    /// never read in this one.
    struct NestedRuns {
        var node: Expr
        var view: View
        /// What it reads from outside, each a name bound outside it or a field of one (`c.city`);
        /// nil when its result may depend on more (then it runs every time).
        var parts: [Expr]?
        var results: [String: RowSet] = [:]
        var hits = 0
    }

    /// A query read once for each outer row (`contact == c`) keeps its runs only while one of
    /// the first 64 is read again: a run a row costs memory and finds nothing.
    static let nestedRunsTried = 64
    /// The rows the statement's kept runs hold at most: a tenth of a large network's events,
    /// well inside `maxStatementBytes`.
    static let nestedRowsKeptAtMost = 200_000
    /// A key longer than this (a whole note read from outside) is not kept: it would cost more
    /// to hold than the run.
    static let nestedKeyBytesAtMost = 1024

    func forgetNestedRuns() {
        nestedRuns = [:]
        nestedRowsKept = 0
    }

    /// `q` (the query of node `e`) in the rows of `ctx`: a run kept for the same outer values
    /// in the same view, or a new run.
    func nestedQuery(_ e: Expr, _ q: Query, _ ctx: Ctx) throws -> RowSet {
        // A goal's metric reads each period's own view, made and dropped period by period.
        guard ctx.row != nil || !ctx.locals.isEmpty, periodView == nil else { return try runQuery(q, ctx) }
        let id = ObjectIdentifier(e)
        let view = try self.view()
        if nestedRuns[id]?.view !== view { nestedRuns[id] = NestedRuns(node: e, view: view, parts: outerParts(of: q)) }
        // A part that fails (a division by zero the run might never reach) is left to the run.
        guard let parts = nestedRuns[id]!.parts, let key = try? runKey(parts, ctx) else { return try runQuery(q, ctx) }
        if let kept = nestedRuns[id]!.results[key] {
            nestedRuns[id]!.hits += 1
            return kept
        }
        let set = try runQuery(q, ctx)
        let paying = nestedRuns[id]!.hits > 0 || nestedRuns[id]!.results.count < Interpreter.nestedRunsTried
        if paying, nestedRowsKept + set.rows.count <= Interpreter.nestedRowsKeptAtMost {
            nestedRuns[id]!.results[key] = set
            nestedRowsKept += set.rows.count
        }
        return set
    }

    /// The expressions of `q` that read from outside it, each the longest chain of fields on a
    /// name bound outside (`c.city`, `c`, a fn's parameter); nil when the query may read more:
    /// a source other than a collection by name (`c.interactions`), a limit that is not a
    /// number written out, a name the checker did not resolve, or a name a query inside `q`
    /// gives its rows (which may also be a name outside).
    func outerParts(of q: Query) -> [Expr]? {
        guard case .expr(let source) = q.source, case .name = source.kind, case .collection = resolution(of: source) else { return nil }
        if let l = q.limit, !l.isLiteral { return nil }
        var inside = Set<String>()
        for e in q.exprs {
            e.forEach { if case .query(let nested) = $0.kind, let n = nested.named?.name { inside.insert(n) } }
        }
        var parts: [Expr] = []
        func walk(_ e: Expr) -> Bool {
            var root = e
            while case .member(let base, _) = root.kind { root = base }
            if case .name = root.kind {
                switch resolution(of: root) {
                case .unresolved: return false
                case .local(let n) where inside.contains(n): return false
                case .local:
                    parts.append(e)
                    return true
                default: break
                }
            }
            return e.children.allSatisfy(walk)
        }
        return q.exprs.allSatisfy(walk) ? parts : nil
    }

    /// The outer parts' values as one key; nil when one is no plain value (a list, a record) or
    /// the key is long.
    func runKey(_ parts: [Expr], _ ctx: Ctx) throws -> String? {
        var key = ""
        for p in parts {
            switch try eval(p, Ctx(locals: ctx.locals)) {
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
            if key.utf8.count > Interpreter.nestedKeyBytesAtMost { return nil }
        }
        return key
    }
}

extension Expr {
    /// A value written out: `5`, `"x"`.
    var isLiteral: Bool {
        if case .literal = kind { return true }
        return false
    }
}
