import Foundation

extension Interpreter {
    /// Calls a built-in or user function.
    func call(_ e: Expr, _ name: String, _ args: [Expr], _ ctx: Ctx) throws -> Value {
        // Built-ins first: they cannot be redefined, and `count(contacts)` then needs no definitions.
        // Which kind of function a call names is kept on it.
        if e.callKind == 0 { e.callKind = Builtin.byName[name] == nil ? 1 : Builtin.aggregates.contains(name) ? 2 : 3 }
        if e.callKind == 1, let f = definitions.fns[name] {
            guard args.count == f.params.count else {
                throw fail("\(name) takes \(f.params.count) arguments, not \(args.count)", e.range)
            }
            var locals: [String: Value] = [:]
            for (p, a) in zip(f.params, args) { locals[p] = try eval(a, ctx) }
            if steps(of: f) > Checker.maxSteps {
                // Stored by an older Tend: the checker now refuses it.
                throw fail("fn \(name) would take more than \(Checker.maxSteps.formatted) steps each time it runs; redefine it", e.range)
            }
            try charge(1, e.range)
            callDepth += 1
            defer { callDepth -= 1 }
            if callDepth > Interpreter.maxCallDepth { throw fail("functions call each other too deeply", e.range) }
            return try within(f.file) { try eval(f.body, Ctx(locals: locals)) }
        }
        if e.callKind == 2 { return try aggregate(e, name, args, ctx) }
        if name == "round", let fused = try roundedQuotient(args, ctx) { return fused }
        let v = try args.map { a -> Value in
            if name == "start_of" || name == "end_of", a === args.first, case .constant(let p) = a.resolution { return .string(p) }
            return try eval(a, ctx)
        }
        func arg(_ i: Int) -> Value { i < v.count ? v[i] : .null }
        switch name {
        case "days_since":
            guard case .date(let d) = arg(0) else { return .null }
            return .int(try view().today.ordinal - d.ordinal)
        case "days":
            guard case .duration(let d) = arg(0) else { return .null }
            return .number(d.months == 0 ? Decimal(d.days) : Decimal(d.months) * 365 / 12 + Decimal(d.days))
        case "lower": return try arg(0).stringValue.map { try made($0.lowercased(), e.range) } ?? .null
        case "upper": return try arg(0).stringValue.map { try made($0.uppercased(), e.range) } ?? .null
        case "trim": return arg(0).stringValue.map { .string($0.trimmed) } ?? .null
        case "norm":
            switch arg(0) {
            case .string(let s): return .string(normalize(s))
            case .list(let items): return .list(items.map { $0.stringValue.map { .string(normalize($0)) } ?? $0 })
            default: return arg(0)
            }
        case "len":
            switch arg(0) {
            case .string(let s): return .int(s.count)
            case .list(let l): return .int(l.count)
            case .rows(let r): return .int(r.rows.count)
            case .null: return .null
            default: throw fail("len needs text or a list, not \(arg(0).typeName)", e.range)
            }
        case "contains":
            switch arg(0) {
            case .string(let s): return .bool(arg(1).stringValue.map { FoldedText(s).contains(FoldedText($0)) } ?? false)
            case .list(let l):
                return .bool(
                    l.contains {
                        Value.equal($0, arg(1)) || ($0.stringValue != nil && $0.stringValue?.lowercased() == arg(1).stringValue?.lowercased())
                    })
            case .rows(let r): return .bool(r.rows.contains { Value.equal($0, arg(1)) })
            case .null: return .null
            default: throw fail("contains needs text or a list, not \(arg(0).typeName)", e.range)
            }
        case "starts_with", "ends_with":
            guard let s = arg(0).stringValue.map(FoldedText.init), let p = arg(1).stringValue.map(FoldedText.init) else { return .null }
            return .bool(name == "starts_with" ? s.hasPrefix(p) : s.hasSuffix(p))
        case "coalesce":
            return v.first { !$0.isNull } ?? .null
        case "round":
            guard case .number(let n) = arg(0) else { return .null }
            let places = max(
                -20, min(20, arg(1).numberValue.map { $0 > 100 ? 100 : ($0 < -100 ? -100 : $0.rounded(toPlaces: 0, .down).exactInt ?? 0) } ?? 0))
            return .number(n.rounded(toPlaces: places, .plain))
        case "abs":
            guard case .number(let n) = arg(0) else { return .null }
            return .number(n < 0 ? -n : n)
        case "floor", "ceil":
            guard case .number(let n) = arg(0) else { return .null }
            return .number(n.rounded(toPlaces: 0, name == "floor" ? .down : .up))
        case "start_of", "end_of":
            guard let p = arg(0).stringValue.flatMap(Day.Period.init(rawValue:)) else {
                throw fail("\(name) takes week, month, quarter or year", e.range)
            }
            let d = args.count > 1 ? arg(1).dateValue : try view().today
            guard let d else { return .null }
            return .date(try onCalendar(name == "start_of" ? d.start(of: p) : d.end(of: p), e))
        case "year", "month":
            guard let d = arg(0).dateValue else { return .null }
            return .int(name == "year" ? d.year : d.month)
        case "served_by":
            return .list(try servedBy(arg(0)).map(Value.string))
        case "join":
            guard case .list(let items) = arg(0) else { return arg(0).isNull ? .null : try made(display(arg(0), e.range), e.range) }
            let separator = arg(1).stringValue ?? ", "
            var out = ""
            for (i, item) in items.enumerated() {
                if i > 0 { out += separator }
                out += try display(item, e.range)
                try checkLength(out.utf8.count, e.range)
            }
            return try made(out, e.range)
        case "date":
            return arg(0).stringValue.flatMap { Day(iso: $0) }.map(Value.date) ?? .null
        case "string":
            return try made(display(arg(0), e.range), e.range)
        default:
            throw fail("unknown function '\(name)'", e.range)
        }
    }

    /// `round(a / b, places)` of two whole numbers, rounded from the exact quotient (the same
    /// result as rounding the 38-digit one, and the agenda's priority asks it of every contact).
    private func roundedQuotient(_ args: [Expr], _ ctx: Ctx) throws -> Value? {
        guard args.count == 2, case .binary("/", let l, let r) = args[0].kind, case .literal(.number(let p)) = args[1].kind,
            let places = p.whole
        else { return nil }
        let a = try eval(l, ctx)
        let b = try eval(r, ctx)
        guard case .number(let x) = a, case .number(let y) = b, let q = Decimal.roundedQuotient(x, y, places: Int(places)) else {
            // Anything else: the division and the rounding as written (operands already evaluated).
            let quotient = try binary("/", a, b, args[0])
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
            guard let group = ctx.group else { throw fail("\(name)() without arguments only works after group by", e.range) }
            return .int(group.count)
        }
        if let group = ctx.group, args.count == 1, !Interpreter.isCollection(args[0]) {
            var values = try group.map { try eval(args[0], Ctx(row: $0, locals: ctx.locals, naming: ctx.rowName)) }
            values.removeAll { $0.isNull }
            return try reduce(name, values, e)
        }
        // count(COLLECTION) of a whole collection: the backend counts without loading it.
        if name == "count", args.count == 1, queryView == nil, periodView == nil, case .name = args[0].kind,
            case .collection(let c) = args[0].resolution, let n = try planner(for: view()).count(of: c)
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

    static func isCollection(_ e: Expr) -> Bool {
        switch e.kind {
        case .query: return true
        case .name:
            if case .collection = e.resolution { return true }
            if case .global = e.resolution { return true }
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
