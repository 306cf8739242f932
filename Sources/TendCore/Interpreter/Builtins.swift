import Foundation

/// A built-in function, in one entry: its name, how many arguments it takes, how the checker
/// types a call, and what a call does. The checker, the interpreter, the REPL's completion and
/// `.help functions` all read `Builtin.all`.
public struct Builtin: Sendable {
    public let name: String
    public let signature: String
    public let arity: ClosedRange<Int>
    public let doc: String
    let typing: Typing
    /// What a call does with its arguments' values; nil for the aggregates, which take a
    /// collection and an expression to evaluate per row (`Interpreter.aggregate`).
    let run: (@Sendable (Interpreter, Call) throws -> Value)?

    /// How the checker types a call.
    enum Typing: Sendable {
        /// The arguments, by position, must be of these types (`.any`: whatever); the result is of the last.
        case fixed([ValueType], ValueType)
        /// The result's type from the arguments' types.
        case rule(@Sendable ([ValueType]) -> ValueType)
        /// `start_of(week|month|quarter|year[, date])`: a period's name first, then a date; a date.
        case period
        /// count, sum, avg, min, max (`Checker.checkAggregate`).
        case aggregate
        /// `len`, `contains`: the first argument is text, a list or rows; the others, by
        /// position, of these types; the result of the last.
        case textOrList([ValueType], ValueType)
    }

    /// One call's evaluated arguments, and the call itself for located errors.
    struct Call {
        let args: [Value]
        let expr: Expr
        /// The argument at `i`, or null when the call has fewer.
        func arg(_ i: Int) -> Value { i < args.count ? args[i] : .null }
    }

    init(
        _ name: String, _ signature: String, _ arity: ClosedRange<Int>, _ doc: String, _ typing: Typing,
        _ run: (@Sendable (Interpreter, Call) throws -> Value)?
    ) {
        self.name = name
        self.signature = signature
        self.arity = arity
        self.doc = doc
        self.typing = typing
        self.run = run
    }

    public static let byName: [String: Builtin] = Dictionary(uniqueKeysWithValues: all.map { ($0.name, $0) })
    public static let aggregates: Set<String> = Set(all.filter { $0.run == nil }.map(\.name))

    /// The catalogue.
    public static let all: [Builtin] = [
        Builtin("count", "count(rows) · count(list) · count() in group by", 0...1, "how many rows or items", .aggregate, nil),
        Builtin("sum", "sum(rows, expr) · sum(list) · sum(expr) in group by", 1...2, "total, nulls skipped", .aggregate, nil),
        Builtin("avg", "avg(rows, expr) · avg(list) · avg(expr) in group by", 1...2, "mean, nulls skipped", .aggregate, nil),
        Builtin("min", "min(a, b, …) · min(rows, expr) · min(list) · min(expr) in group by", 1...32, "smallest", .aggregate, nil),
        Builtin("max", "max(a, b, …) · max(rows, expr) · max(list) · max(expr) in group by", 1...32, "largest", .aggregate, nil),
        Builtin(
            "days_since", "days_since(date)", 1...1, "whole days from the date to today (null for null and for a date without a year)",
            .fixed([.date], .number)
        ) { i, c in
            guard case .date(let d) = c.arg(0), !d.isYearless else { return .null }
            return .int(try i.view().today.ordinal - d.ordinal)
        },
        Builtin(
            "next_date", "next_date(date or list)", 1...1,
            "the next day on or after today with the date's month and day (a birthday's next one; Feb 29 → Feb 28 in other years); of a list, the soonest",
            .fixed([.any], .date)
        ) { i, c in
            guard let next = try i.nextOccurrence(c) else { return .null }
            return next.isOnCalendar ? .date(next) : .null
        },
        Builtin(
            "days_until", "days_until(date or list)", 1...1,
            "whole days from today to the date's next occurrence (0 on the day; null for null); of a list, to the soonest",
            .fixed([.any], .number)
        ) { i, c in
            // Null where next_date is: an occurrence after 9999-12-31 is off the calendar.
            guard let next = try i.nextOccurrence(c), next.isOnCalendar else { return .null }
            return .int(next.ordinal - (try i.view().today).ordinal)
        },
        Builtin(
            "years_since", "years_since(date)", 1...1, "whole years from the date to today: an age (null without a year)", .fixed([.date], .number)
        ) { i, c in
            guard case .date(let d) = c.arg(0), let years = d.years(to: try i.view().today) else { return .null }
            return .int(years)
        },
        Builtin("days", "days(duration)", 1...1, "a duration in days (a month counts 365/12 days)", .fixed([.duration], .number)) { _, c in
            guard case .duration(let d) = c.arg(0) else { return .null }
            return .number(d.months == 0 ? Decimal(d.days) : Decimal(d.months) * 365 / 12 + Decimal(d.days))
        },
        Builtin("lower", "lower(string)", 1...1, "lowercase", .fixed([.string], .string)) { i, c in
            try c.arg(0).stringValue.map { try i.made($0.lowercased(), c.expr.range) } ?? .null
        },
        Builtin("upper", "upper(string)", 1...1, "uppercase", .fixed([.string], .string)) { i, c in
            try c.arg(0).stringValue.map { try i.made($0.uppercased(), c.expr.range) } ?? .null
        },
        Builtin("trim", "trim(string)", 1...1, "without surrounding spaces", .fixed([.string], .string)) { _, c in
            c.arg(0).stringValue.map { .string($0.trimmed) } ?? .null
        },
        Builtin(
            "norm", "norm(string or list)", 1...1, "lower(trim(x)), element-wise on a list: how markets and professions compare",
            .rule { types in if case .list? = types.first { return .list(.string) } else { return .string } }
        ) { _, c in
            switch c.arg(0) {
            case .string(let s): return .string(normalize(s))
            case .list(let items): return .list(items.map { $0.stringValue.map { .string(normalize($0)) } ?? $0 })
            default: return c.arg(0)
            }
        },
        Builtin("len", "len(string or list)", 1...1, "length", .textOrList([], .number)) { i, c in
            switch c.arg(0) {
            case .string(let s): return .int(s.count)
            case .list(let l): return .int(l.count)
            case .rows(let r): return .int(r.rows.count)
            case .null: return .null
            default: throw i.fail("len needs text or a list, not \(c.arg(0).typeName)", c.expr.range)
            }
        },
        Builtin("contains", "contains(string or list, x)", 2...2, "substring or element (case and accents aside)", .textOrList([.any], .bool)) { i, c in
            let x = c.arg(1)
            switch c.arg(0) {
            case .string(let s): return .bool(x.stringValue.map { FoldedText(s).contains(FoldedText($0)) } ?? false)
            case .list(let l):
                return .bool(
                    l.contains { item in
                        if case .string(let a) = item, case .string(let b) = x { return sameText(a, b) }
                        return Value.equal(item, x)
                    })
            case .rows(let r): return .bool(r.rows.contains { Value.equal($0, x) })
            case .null: return .null
            default: throw i.fail("contains needs text or a list, not \(c.arg(0).typeName)", c.expr.range)
            }
        },
        Builtin("starts_with", "starts_with(string, prefix)", 2...2, "prefix test (case and accents aside)", .fixed([.string, .string], .bool)) { _, c in
            guard let s = c.arg(0).stringValue.map(FoldedText.init), let p = c.arg(1).stringValue.map(FoldedText.init) else { return .null }
            return .bool(s.hasPrefix(p))
        },
        Builtin("ends_with", "ends_with(string, suffix)", 2...2, "suffix test (case and accents aside)", .fixed([.string, .string], .bool)) { _, c in
            guard let s = c.arg(0).stringValue.map(FoldedText.init), let p = c.arg(1).stringValue.map(FoldedText.init) else { return .null }
            return .bool(s.hasSuffix(p))
        },
        Builtin(
            "coalesce", "coalesce(a, b, …)", 1...32, "the first value that is not null",
            .rule { types in types.first { $0 != .null && $0 != .any } ?? .any }
        ) { _, c in c.args.first { !$0.isNull } ?? .null },
        Builtin("round", "round(number[, places])", 1...2, "rounded half away from zero", .fixed([.number], .number)) { _, c in
            guard case .number(let n) = c.arg(0) else { return .null }
            let places = c.arg(1).numberValue.map { $0 > 100 ? 100 : ($0 < -100 ? -100 : $0.rounded(toPlaces: 0, .down).exactInt ?? 0) } ?? 0
            return .number(n.rounded(toPlaces: max(-20, min(20, places)), .plain))
        },
        Builtin("abs", "abs(number)", 1...1, "absolute value", .fixed([.number], .number)) { _, c in
            guard case .number(let n) = c.arg(0) else { return .null }
            return .number(n < 0 ? -n : n)
        },
        Builtin("floor", "floor(number)", 1...1, "rounded down", .fixed([.number], .number)) { _, c in
            guard case .number(let n) = c.arg(0) else { return .null }
            return .number(n.rounded(toPlaces: 0, .down))
        },
        Builtin("ceil", "ceil(number)", 1...1, "rounded up", .fixed([.number], .number)) { _, c in
            guard case .number(let n) = c.arg(0) else { return .null }
            return .number(n.rounded(toPlaces: 0, .up))
        },
        Builtin(
            "start_of", "start_of(week|month|quarter|year[, date])", 1...2, "first day of the period holding the date (today)", .period
        ) { i, c in try i.periodEdge(c, start: true) },
        Builtin("end_of", "end_of(week|month|quarter|year[, date])", 1...2, "last day of the period holding the date (today)", .period) { i, c in
            try i.periodEdge(c, start: false)
        },
        Builtin("year", "year(date)", 1...1, "the year (null for a date without one, --04-12)", .fixed([.date], .number)) { _, c in
            c.arg(0).dateValue.flatMap { $0.isYearless ? nil : .int($0.year) } ?? .null
        },
        Builtin("month", "month(date)", 1...1, "the month, 1–12", .fixed([.date], .number)) { _, c in
            c.arg(0).dateValue.map { .int($0.month) } ?? .null
        },
        Builtin(
            "served_by", "served_by(market or list)", 1...1, "the professions that serve the market(s), normalised", .fixed([.any], .list(.string))
        ) { i, c in .list(try i.servedBy(c.arg(0)).map(Value.string)) },
        Builtin(
            "plural", "plural(number, word[, words])", 2...3, "the number and the word, made plural unless the number is 1: 1 day, 3 days",
            .fixed([.number, .string, .string], .string)
        ) { i, c in
            guard case .number(let n) = c.arg(0), case .string(let one) = c.arg(1) else { return .null }
            let many = c.arg(2).stringValue ?? one + "s"
            return try i.made("\(n.tendText) \(n == 1 ? one : many)", c.expr.range)
        },
        Builtin("join", "join(list[, separator])", 1...2, "the items as text, \", \" between them (a query: its contacts' names, or its one column)", .fixed([.any, .any], .string)) { i, c in
            try i.join(c)
        },
        Builtin("date", "date(string)", 1...1, "parses YYYY-MM-DD or --MM-DD (null when it is not a date)", .fixed([.string], .date)) { _, c in
            c.arg(0).stringValue.flatMap { Day(iso: $0) }.map(Value.date) ?? .null
        },
        Builtin("string", "string(x)", 1...1, "the value as text", .fixed([.any], .string)) { i, c in
            try i.made(i.display(c.arg(0), c.expr.range), c.expr.range)
        },
    ]
}

extension Interpreter {
    /// The next occurrence on or after today of a date, or the soonest of a list's dates
    /// (`days_until(dates)`); nil for null and for a list without a date.
    fileprivate func nextOccurrence(_ c: Builtin.Call) throws -> Day? {
        let today = try view().today
        var name = "it"
        if case .call(let n, _) = c.expr.kind { name = n }
        switch c.arg(0) {
        case .null: return nil
        case .date(let d): return d.nextOccurrence(onOrAfter: today)
        case .list(let items):
            return try items.compactMap { item -> Day? in
                switch item {
                case .date(let d): return d.nextOccurrence(onOrAfter: today)
                case .null: return nil
                default: throw fail("\(name) takes a date or a list of dates, not a list holding \(item.typeName)", c.expr.range)
                }
            }.min()
        default: throw fail("\(name) takes a date or a list of dates, not \(c.arg(0).typeName)", c.expr.range)
        }
    }

    /// `start_of(period[, date])` and `end_of(…)`.
    fileprivate func periodEdge(_ c: Builtin.Call, start: Bool) throws -> Value {
        guard let p = c.arg(0).stringValue.flatMap(Day.Period.init(rawValue:)) else {
            throw fail("\(start ? "start_of" : "end_of") takes week, month, quarter or year", c.expr.range)
        }
        let d = c.args.count > 1 ? c.arg(1).dateValue : try view().today
        guard let d else { return .null }
        let full = try fullDate(d, c.expr)
        return .date(try onCalendar(start ? full.start(of: p) : full.end(of: p), c.expr))
    }

    /// `join(list[, separator])`: the items as text; text that is not a list is itself.
    fileprivate func join(_ c: Builtin.Call) throws -> Value {
        var items: [Value]
        switch c.arg(0) {
        case .list(let list): items = list
        case .rows(let set):
            // A query's rows: each contact by its name, each row of one column shown by its value.
            let shown = set.columns.map { "shows \($0.count) (\($0.joined(separator: ", ")))" } ?? "gives \(set.collection?.name ?? "rows")"
            let contacts = set.columns == nil && set.rows.allSatisfy { if case .contact = $0 { return true } else { return false } }
            guard set.columns?.count == 1 || contacts else {
                throw fail(
                    "join needs a list, or a query of contacts or that shows one column; this one \(shown)",
                    c.expr.range,
                    notes: ["a separator after a query is read as part of it: join((QUERY show COLUMN), \"; \")"])
            }
            items = set.rows.map { row in if case .record(let r) = row, r.values.count == 1 { return r.values[0] } else { return row } }
        case .null: return .null
        case let other: return try made(display(other, c.expr.range), c.expr.range)
        }
        let separator = c.arg(1).stringValue ?? ", "
        var out = ""
        for (i, item) in items.enumerated() {
            if i > 0 { out += separator }
            out += try display(item, c.expr.range)
            try checkLength(out.utf8.count, c.expr.range)
        }
        return try made(out, c.expr.range)
    }
}
