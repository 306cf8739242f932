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

    /// One statement: each kind is performed by a function of its own.
    func perform(_ s: Statement) throws -> [Output] {
        source = s.source
        statementsStarted &+= 1
        startStatement()
        queryView = nil
        let ctx = Ctx()
        switch s.kind {
        case .expr(let e): return try performExpr(e, ctx)
        case .explain(let inner): return try explain(inner)
        case .add(let name, let options): return [try performAdd(name, options, s, ctx)]
        case .set(let target, let options, let on): return [try performSet(target, options, on: on, ctx)]
        case .market(let name, let options): return [try performMarket(name, options, ctx)]
        case .log(let kind, let people, let on, let options): return [try performLog(kind, people, on: on, options, ctx)]
        case .refer(let about, let to, let on, let options): return [try performRefer(about, to: to, on: on, options, ctx)]
        case .referral(let from, let about, let on, let options): return [try performReferral(from: from, about, on: on, options, ctx)]
        case .introduce(let people, let on, let options): return [try performIntroduce(people, on: on, options, s, ctx)]
        case .spend(let amount, let at, let on, let options): return [try performSpend(amount, at: at, on: on, options, ctx)]
        case .knows(let people): return [try performKnows(people, s)]
        case .goal(let name, let by, let options, let period):
            try requireNamedContacts(s)
            return [try performGoal(name, by: by, options, period: period, s, ctx)]
        case .helps(let p, let goal): return [try performHelps(p, goal: goal, ctx)]
        case .merge(let from, let into): return [try performMerge(from: from, into: into, s)]
        case .remove(let what): return [try remove(what, ctx, s.source)]
        case .snooze(let p, let duration, let until): return [try performSnooze(p, duration: duration, until: until)]
        case .unsnooze(let p): return [try performUnsnooze(p)]
        case .agenda(let command): return try performAgenda(command, s)
        case .journal(let command): return try performJournal(command, s)
        case .edit(let target): return try performEdit(target, s)
        case .letDef(let name, _), .fnDef(let name, _, _), .scoreDef(let name, _, _):
            try requireNamedContacts(s)
            try checkGoalMetrics(redefining: s)
            // The same definition again is no change, and says so.
            let same = definitions.holds(s)
            try define(s)
            return [.text(same ? "\(name) is defined so already; nothing was changed." : "Defined \(name)\(readOnlyDefinitionNote).")]
        case .ruleDef(let name, _, _, _, _, _):
            try requireNamedContacts(s)
            let same = definitions.holds(s)
            try define(s)
            return [.text(same ? "Rule \"\(name)\" is defined so already; nothing was changed." : "Defined rule \"\(name)\"\(readOnlyDefinitionNote).")]
        case .drop(let kind, let name, let cascade): return [try drop(kind, name, cascade: cascade, s)]
        case .load(let path): return try performLoad(path, s, ctx)
        case .save(let path, let overwrite): return try performSave(path, overwrite: overwrite, s, ctx)
        case .assert(let cond, let message): return [try performAssert(cond, message: message, s, ctx)]
        case .print(let e): return [try performPrint(e, ctx)]
        case .resetRules: return [try performResetRules()]
        case .importFile(let format, let path, let options): return [try performImport(format, path, options, s, ctx)]
        case .exportFile(let format, let path, let query, let overwrite):
            return try performExport(format, path, query: query, overwrite: overwrite, s, ctx)
        case .numbersGiven(let options): return [try performNumbersGiven(options, ctx)]
        }
    }

    /// A query or expression on its own: what it shows. An empty path, `who serves` or `gaps in`
    /// says why it is empty.
    func performExpr(_ e: Expr, _ ctx: Ctx) throws -> [Output] {
        if case .query(let q) = e.kind, case .path(let to) = q.source, q.filter == nil {
            let value = try eval(e, ctx)
            guard case .rows(let set) = value, set.rows.isEmpty else { return [try present(e, ctx, value: value)] }
            // The empty table too: JSON and CSV say no rows, which a script reads.
            let name = try display(eval(to, ctx))
            return [
                try present(e, ctx, value: value),
                .text("No chain of people who know each other reaches \(name) from the people you know (add knows edges or introductions)."),
            ]
        }
        // An empty `who serves` says why: no market, no professions, no one classified.
        if case .query(let q) = e.kind, case .who(.serves(let m)) = q.source, q.filter == nil {
            let value = try eval(e, ctx)
            guard case .rows(let set) = value, set.rows.isEmpty else { return [try present(e, ctx, value: value)] }
            let market = try m.map { try eval($0, ctx) } ?? (meRecord()["preferred_client"] ?? .null)
            return [try present(e, ctx, value: value), .text(try whyNoneServe(market))]
        }
        // So does an empty `gaps in`: a market not defined is no market without gaps.
        if case .query(let q) = e.kind, case .gaps(let m) = q.source, q.filter == nil {
            let value = try eval(e, ctx)
            guard case .rows(let set) = value, set.rows.isEmpty else { return [try present(e, ctx, value: value)] }
            let market = try m.map { try eval($0, ctx) } ?? (meRecord()["preferred_client"] ?? .null)
            return [try present(e, ctx, value: value), .text(try whyNoGaps(market))]
        }
        if let streamed = try streamedTable(e, ctx) { return [.table(streamed)] }
        return [try present(e, ctx)]
    }

    /// `print EXPR`: rows as a table, anything else as its text.
    func performPrint(_ e: Expr, _ ctx: Ctx) throws -> Output {
        if let streamed = try streamedTable(e, ctx) { return .table(streamed) }
        let v = try eval(e, ctx)
        if case .rows = v { return try present(e, ctx, value: v) }
        return .value(.string(try display(v, e.range)))
    }

    /// `assert COND[, MESSAGE]`: passed or failed, with the values of a failed comparison's sides.
    func performAssert(_ cond: Expr, message messageExpr: Expr?, _ s: Statement, _ ctx: Ctx) throws -> Output {
        let v = try eval(cond, ctx)
        let message = try messageExpr.map { try display(eval($0, ctx)) } ?? s.source.slice(cond.range)
        let detail = v.isTrue ? "" : try assertionDetail(cond, ctx)
        return .assertion(passed: v.isTrue, message: message, detail: detail, range: cond.range, source: s.source)
    }

    /// What an expression shows: a contact's card, a table, or a value.
    func present(_ e: Expr, _ ctx: Ctx, value: Value? = nil) throws -> Output {
        let v = try value ?? eval(e, ctx)
        switch v {
        case .contact(let id): return .card(try card(id))
        case .rows(let set): return .table(try table(set))
        default: return .value(v, people: try people(in: v))
        }
    }

    /// The names and handles of the contacts inside a list or record, for its output.
    func people(in v: Value) throws -> [Int64: (name: String, handle: String)] {
        var people: [Int64: (name: String, handle: String)] = [:]
        func visit(_ v: Value) throws {
            switch v {
            case .contact(let id):
                if people[id] == nil, let c = try contact(id) { people[id] = (c.name, c.handle) }
            case .list(let items): for i in items { try visit(i) }
            case .record(let r): for f in r.values { try visit(f) }
            default: break
            }
        }
        try visit(v)
        return people
    }

    func explain(_ s: Statement) throws -> [Output] {
        // `explain agenda @x` shows the same breakdown as `why @x`.
        if case .expr(let e) = s.kind, case .query(let q) = e.kind, case .why = q.source { return [try present(e, Ctx())] }
        if case .expr(let e) = s.kind, case .query(let q) = e.kind, let lines = Interpreter.explanationLines(of: q, source: s.source) {
            return [.value(.string(lines.joined(separator: "\n")))]
        }
        // Sugar forms inside the statement (`count(who is overdue)`): what each stands for.
        var inside: [String] = []
        if case .expr(let e) = s.kind {
            e.forEach { x in
                guard case .query(let q) = x.kind, let lines = Interpreter.explanationLines(of: q, source: s.source) else { return }
                let said = lines[0].hasPrefix("# ") ? String(lines[0].dropFirst(2)) : lines[0]
                inside.append("  " + s.source.slice(x.range) + " stands for: " + said)
                inside += lines.dropFirst().map { "  " + $0 }
            }
        }
        var lines = [s.text + (inside.isEmpty ? "    # already a plain statement" : "")]
        if case .expr(let e) = s.kind, case .query(let q) = e.kind, case .expr = q.source {
            // The plan this query would run with, one step a line.
            explaining = true
            defer { explaining = false }
            lines += try plan(for: q).lines { s.source.slice($0.range) }.map { "  " + $0 }
        }
        return [.value(.string((lines + inside).joined(separator: "\n")))]
    }

    /// A sugar form's explanation, then the query's own clauses one a line, as a plain query's
    /// plan shows them; nil for a query over a collection.
    static func explanationLines(of q: Query, source: Source) -> [String]? {
        guard let text = explanation(of: q, source: source) else { return nil }
        let slice = { (e: Expr) in source.slice(e.range) }
        var lines = [text]
        if let f = q.filter { lines.append("  check: " + slice(f) + " on every row") }
        if !q.groupBy.isEmpty { lines.append("  group by: " + q.groupBy.map(slice).joined(separator: ", ")) }
        if !q.sortBy.isEmpty { lines.append("  sort by: " + q.sortBy.map { slice($0.0) + ($0.descending ? " desc" : "") }.joined(separator: ", ")) }
        if !q.show.isEmpty { lines.append("  show: " + q.show.map { slice($0.0) + ($0.name.map { " as " + $0 } ?? "") }.joined(separator: ", ")) }
        if let l = q.limit { lines.append("  limit: " + slice(l)) }
        return lines
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
}
