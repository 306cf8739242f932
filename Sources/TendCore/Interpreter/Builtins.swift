/// A built-in function: its name, how many arguments it takes, and what it does.
public struct Builtin: Sendable {
    public let name: String
    public let signature: String
    public let arity: ClosedRange<Int>
    public let doc: String

    /// The catalogue the checker, the REPL's completion and `.help functions` read.
    public static let all: [Builtin] = [
        Builtin(name: "count", signature: "count(rows) · count(list) · count() in group by", arity: 0...1, doc: "how many rows or items"),
        Builtin(name: "sum", signature: "sum(rows, expr) · sum(list) · sum(expr) in group by", arity: 1...2, doc: "total, nulls skipped"),
        Builtin(name: "avg", signature: "avg(rows, expr) · avg(list) · avg(expr) in group by", arity: 1...2, doc: "mean, nulls skipped"),
        Builtin(name: "min", signature: "min(a, b, …) · min(rows, expr) · min(list) · min(expr) in group by", arity: 1...32, doc: "smallest"),
        Builtin(name: "max", signature: "max(a, b, …) · max(rows, expr) · max(list) · max(expr) in group by", arity: 1...32, doc: "largest"),
        Builtin(name: "days_since", signature: "days_since(date)", arity: 1...1, doc: "whole days from the date to today (null for null)"),
        Builtin(name: "days", signature: "days(duration)", arity: 1...1, doc: "a duration in days (a month counts 365/12 days)"),
        Builtin(name: "lower", signature: "lower(string)", arity: 1...1, doc: "lowercase"),
        Builtin(name: "upper", signature: "upper(string)", arity: 1...1, doc: "uppercase"),
        Builtin(name: "trim", signature: "trim(string)", arity: 1...1, doc: "without surrounding spaces"),
        Builtin(
            name: "norm", signature: "norm(string or list)", arity: 1...1,
            doc: "lower(trim(x)), element-wise on a list: how markets and professions compare"),
        Builtin(name: "len", signature: "len(string or list)", arity: 1...1, doc: "length"),
        Builtin(name: "contains", signature: "contains(string or list, x)", arity: 2...2, doc: "substring (case-insensitive) or element"),
        Builtin(name: "starts_with", signature: "starts_with(string, prefix)", arity: 2...2, doc: "case-insensitive prefix test"),
        Builtin(name: "ends_with", signature: "ends_with(string, suffix)", arity: 2...2, doc: "case-insensitive suffix test"),
        Builtin(name: "coalesce", signature: "coalesce(a, b, …)", arity: 1...32, doc: "the first value that is not null"),
        Builtin(name: "round", signature: "round(number[, places])", arity: 1...2, doc: "rounded half away from zero"),
        Builtin(name: "abs", signature: "abs(number)", arity: 1...1, doc: "absolute value"),
        Builtin(name: "floor", signature: "floor(number)", arity: 1...1, doc: "rounded down"),
        Builtin(name: "ceil", signature: "ceil(number)", arity: 1...1, doc: "rounded up"),
        Builtin(
            name: "start_of", signature: "start_of(week|month|quarter|year[, date])", arity: 1...2,
            doc: "first day of the period holding the date (today)"),
        Builtin(
            name: "end_of", signature: "end_of(week|month|quarter|year[, date])", arity: 1...2, doc: "last day of the period holding the date (today)"
        ),
        Builtin(name: "year", signature: "year(date)", arity: 1...1, doc: "the year"),
        Builtin(name: "month", signature: "month(date)", arity: 1...1, doc: "the month, 1–12"),
        Builtin(name: "served_by", signature: "served_by(market or list)", arity: 1...1, doc: "the professions that serve the market(s), normalised"),
        Builtin(name: "join", signature: "join(list[, separator])", arity: 1...2, doc: "the items as text, \", \" between them"),
        Builtin(name: "date", signature: "date(string)", arity: 1...1, doc: "parses YYYY-MM-DD (null when it is not a date)"),
        Builtin(name: "string", signature: "string(x)", arity: 1...1, doc: "the value as text"),
    ]

    public static let byName: [String: Builtin] = Dictionary(uniqueKeysWithValues: all.map { ($0.name, $0) })
    public static let aggregates: Set<String> = ["count", "sum", "avg", "min", "max"]
}
