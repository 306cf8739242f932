import Foundation

extension Interpreter {
    /// Calls a built-in or user function.
    func call(_ e: Expr, _ name: String, _ args: [Expr], _ ctx: Ctx) throws -> Value {
        // Built-ins first: they cannot be redefined, and `count(contacts)` then needs no definitions.
        let builtin = Builtin.byName[name]
        if builtin == nil, let f = definitions.fns[name] {
            guard args.count == f.params.count else {
                throw fail("\(name) takes \(f.params.count) arguments, not \(args.count)", e.range)
            }
            var locals: [String: Value] = [:]
            for (p, a) in zip(f.params, args) { locals[p] = try eval(a, ctx) }
            return try enter(f, e, locals) { try eval(f.body, $0) }
        }
        guard let b = builtin else { throw fail("unknown function '\(name)'", e.range) }
        guard let run = b.run else { return try aggregate(e, name, args, ctx) }
        if name == "round", let fused = try roundedQuotient(args, ctx) { return fused }
        let values = try args.map { a -> Value in
            // `start_of(week)`: the period's name, which the checker resolved.
            if case .period = b.typing, a === args.first, case .constant(let p) = resolution(of: a) { return .string(p) }
            return try eval(a, ctx)
        }
        return try run(self, Builtin.Call(args: values, expr: e))
    }

    /// A user fn's body on its parameters' values, after the checks every call makes: the steps
    /// of a fn stored by an older Tend (which the checker of today refuses), work, and depth.
    func enter(_ f: Definitions.Fn, _ e: Expr, _ locals: [String: Value], _ body: (Ctx) throws -> Value) throws -> Value {
        if steps(of: f) > Checker.maxSteps {
            throw fail("fn \(f.name) would take more than \(Checker.maxSteps.formatted) steps each time it runs; redefine it", e.range)
        }
        try charge(1, e.range)
        callDepth += 1
        defer { callDepth -= 1 }
        if callDepth > Interpreter.maxCallDepth { throw failInDefinitions("functions call each other too deeply", e.range) }
        return try within(f.file) { try body(Ctx(locals: locals)) }
    }

    /// `round(a / b, places)` of two whole numbers, rounded from the exact quotient (the same
    /// result as rounding the 38-digit one, and the agenda's priority asks it of every contact).
    private func roundedQuotient(_ args: [Expr], _ ctx: Ctx) throws -> Value? {
        guard args.count == 2, case .binary(.divide, let l, let r) = args[0].kind, case .literal(.number(let p)) = args[1].kind,
            let places = p.whole
        else { return nil }
        let a = try eval(l, ctx)
        let b = try eval(r, ctx)
        guard case .number(let x) = a, case .number(let y) = b, let q = Decimal.roundedQuotient(x, y, places: Int(places)) else {
            // Anything else: the division and the rounding as written (operands already evaluated).
            let quotient = try binary(.divide, a, b, args[0])
            guard case .number(let n) = quotient else { return .null }
            return .number(n.rounded(toPlaces: Int(max(-20, min(20, places))), .plain))
        }
        return .number(q)
    }

    /// The professions serving a market (or each market of a list), normalised.
    func servedBy(_ market: Value) throws -> [String] {
        let names: [String]
        switch market {
        case .string(let s): names = [s]
        case .list(let l): names = l.compactMap(\.stringValue)
        default: names = []
        }
        let wanted = Set(names.map(normalize))
        var out: [String] = []
        for m in try view().net.markets where wanted.contains(normalize(m.name)) {
            for p in m.servedBy.map(normalize) where !out.contains(p) { out.append(p) }
        }
        return out
    }

    /// count / sum / avg / min / max over a collection, a list, a group, or plain values.
    func aggregate(_ e: Expr, _ name: String, _ args: [Expr], _ ctx: Ctx) throws -> Value {
        var values: [Value]
        if args.isEmpty {
            guard ctx.group != nil else { throw fail("\(name)() without arguments only works after group by", e.range) }
            return .int(groupSize(ctx))
        }
        if ctx.group != nil, let folded = foldedGroup, let values = folded.values[ObjectIdentifier(e)] {
            if let failure = folded.failures[ObjectIdentifier(e)] { throw failure }
            return try reduce(name, values, e)
        }
        if let group = ctx.group, args.count == 1, !isCollection(args[0]) {
            var values = try group.map { try eval(args[0], Ctx(row: $0, locals: ctx.locals, naming: ctx.rowName)) }
            values.removeAll { $0.isNull }
            return try reduce(name, values, e)
        }
        // count(COLLECTION) of a whole collection: the backend counts without loading it.
        if name == "count", args.count == 1, queryView == nil, periodView == nil, case .name = args[0].kind,
            case .collection(let c) = resolution(of: args[0]), let n = try planner(for: view()).count(of: c)
        {
            return .int(n)
        }
        if name == "count", args.count == 1, queryView == nil, periodView == nil, case .query(let q) = args[0].kind,
            let n = try countedByModel(q, ctx)
        {
            return .int(n)
        }
        let first = try eval(args[0], Ctx(row: ctx.row, locals: ctx.locals))
        switch first {
        case .rows(let set):
            if name == "count" { return .int(set.rows.count) }
            guard args.count >= 2 else { throw fail("\(name) needs the value to take from each row", e.range) }
            values = try set.rows.map { try eval(args[1], Ctx(row: $0, locals: ctx.locals)) }
        case .list(let items) where args.count == 1:
            values = items
        default:
            if let group = ctx.group, args.count == 1 {
                values = try group.map { try eval(args[0], Ctx(row: $0, locals: ctx.locals, naming: ctx.rowName)) }
            } else if name == "min" || name == "max" {
                values = [first] + (try args.dropFirst().map { try eval($0, ctx) })
            } else if name == "count" {
                return .int(first.isNull ? 0 : 1)
            } else {
                throw fail("\(name) takes a collection or a list, not \(first.typeName)", args[0].range)
            }
        }
        values.removeAll { $0.isNull }
        return try reduce(name, values, e)
    }

    /// `count(interactions where kind == "lunch")`: counted by the model, without reading a
    /// row, when every part of the where-clause is a condition it checks exactly as the core
    /// does (`Model.count`); nil to count the rows here.
    /// A count is kept by the view for the same query and values (a rule's count is asked for
    /// every contact) and charged as one step of work.
    private func countedByModel(_ q: Query, _ ctx: Ctx) throws -> Int? {
        guard q.groupBy.isEmpty, q.limit == nil, let filter = q.filter else { return nil }
        let plan = try plan(for: q)
        let v = try view()
        guard case .events(let a) = plan.access, a.keys.isEmpty, let collection = plan.collection,
            a.constraints.count == Planner.andParts(filter).count, let backend = v.backendFirst,
            // A value that fails here is left to the rows (which may never reach it).
            let conditions = try? conditions(a.constraints, ctx), conditions.count == a.constraints.count
        else { return nil }
        try charge(1, q.range)
        let key = "\(ObjectIdentifier(filter))" + conditions.map { "|\($0.field)\($0.op.rawValue)\($0.value)" }.joined()
        if let known = v.modelCounts[key] { return known }
        let n = try backend.count(ModelRead(collection, where: conditions))
        v.modelCounts[key] = n
        return n
    }

    /// How many rows the group in view has (0 outside a group).
    func groupSize(_ ctx: Ctx) -> Int {
        guard let group = ctx.group else { return 0 }
        return foldedGroup?.count ?? group.count
    }

    func isCollection(_ e: Expr) -> Bool {
        switch e.kind {
        case .query: return true
        case .name:
            if case .collection = resolution(of: e) { return true }
            if case .global = resolution(of: e) { return true }
            return false
        default: return false
        }
    }

    func reduce(_ name: String, _ values: [Value], _ e: Expr) throws -> Value {
        switch name {
        case "count":
            return .int(values.count)
        case "sum", "avg":
            if values.isEmpty { return name == "sum" ? .int(0) : .null }
            if case .duration = values[0] {
                // Added up in Double-free Ints with room to spare (each part is under 2^22, and
                // a statement holds far fewer than 2^40 values), then checked.
                var months = 0
                var days = 0
                for v in values {
                    guard case .duration(let stored) = v else { continue }
                    let d = try onCalendar(stored.isOnCalendar ? stored : nil, e)
                    months += d.months
                    days += d.days
                }
                if name == "avg" {
                    let total = Duration(months: months, days: days).approximateDays / Double(values.count)
                    return .duration(Duration(days: Int(total.rounded())))
                }
                return .duration(try onCalendar(Duration(checkedMonths: months, days: days), e))
            }
            var total = Decimal(0)
            for v in values {
                guard case .number(let n) = v else { throw fail("\(name) needs numbers, found \(v.typeName)", e.range) }
                total += n
            }
            return try finite(name == "sum" ? total : total / Decimal(values.count), e)
        default:
            var best: Value?
            for v in values {
                guard let b = best else {
                    best = v
                    continue
                }
                guard let c = Value.compare(v, b) else { throw fail("\(name) cannot compare \(v.typeName) with \(b.typeName)", e.range) }
                if (name == "min" && c < 0) || (name == "max" && c > 0) { best = v }
            }
            return best ?? .null
        }
    }
}

/// How markets and professions are compared: without regard to case or surrounding spaces.
public func normalize(_ s: String) -> String {
    s.trimmed.lowercased()
}

extension Substring {
    /// Without leading and trailing white space (Unicode's, newlines included). Written on the
    /// scalars: Foundation's `trimmingCharacters(in:)` goes through NSString, and was a third of
    /// the time of a 50k-card import.
    public var trimmed: String {
        // Most values have no space at either end: two byte checks decide that.
        if let a = utf8.first, let z = utf8.last, a > 0x20, a < 0x80, z > 0x20, z < 0x80 { return String(self) }
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })!
        return String(self[first..<scalars.index(after: last)])
    }
}

extension String {
    /// Without leading and trailing white space (see `Substring.trimmed`).
    public var trimmed: String { self[...].trimmed }
}
