import Foundation

/// An expression with the range of text it came from. Nothing changes it once the parser made
/// it: what the checker learns about its names is kept in `Resolutions`, and what the
/// interpreter works out while running in tables of its own, by node.
public final class Expr: Sendable {
    public let kind: Kind
    public let range: SourceRange

    public init(_ kind: Kind, _ range: SourceRange) {
        self.kind = kind
        self.range = range
    }

    public indirect enum Kind: Sendable {
        case literal(Value)
        case interpolated([Interpolation])
        /// A bare word: a field of the row in scope, a `let`, a parameter, a collection or a stage name.
        case name(String)
        case handle(String)
        /// `+vip` is `"vip" in tags`; `-vip` is its negation.
        case tag(String, present: Bool)
        case me
        case it
        case list([Expr])
        case record([(String, Expr)])
        case unary(UnaryOperator, Expr)
        case binary(BinaryOperator, Expr, Expr)
        case member(Expr, String)
        case call(String, [Expr])
        case ifThen(Expr, Expr, Expr?)
        case query(Query)
    }

    public enum Interpolation: Sendable {
        case text(String)
        case expr(Expr)
    }

    public enum Resolution: Sendable, Equatable {
        case unresolved
        case field(String)
        case local(String)
        case global(String)
        case collection(String)
        case stage(Stage)
        case constant(String)
        /// The row in view, by the name `as` gave it (`contacts as c where c.stage …`); inside a
        /// query nested in that one, the same name is a `.local`.
        case row
    }
}

/// The name `as` gives a query's rows, or a rule's or score's contact: `contacts as c where …`,
/// `rule "thank" as c when …`. Inside queries nested in it, the name still means that row.
public struct RowName: Sendable {
    public var name: String
    public var range: SourceRange
    public init(_ name: String, _ range: SourceRange) {
        self.name = name
        self.range = range
    }
}

/// `SOURCE where … group by … sort by … show … limit …`.
public struct Query: Sendable {
    public var source: QuerySource
    /// `contacts as c`: the name of the row, seen by queries nested in this one.
    public var named: RowName?
    public var filter: Expr?
    public var groupBy: [Expr] = []
    public var sortBy: [(Expr, descending: Bool)] = []
    public var show: [(Expr, name: String?)] = []
    public var limit: Expr?
    public var range: SourceRange
    public init(source: QuerySource, range: SourceRange) {
        self.source = source
        self.range = range
    }
}

/// Where a query's rows come from.
public indirect enum QuerySource: Sendable {
    /// A collection by name, or an expression whose value is rows (a `let`).
    case expr(Expr)
    case agenda(on: Expr?)
    case timeline(Expr)
    case rules
    case progress
    case who(Who)
    case gaps(market: Expr?)
    case path(to: Expr)
    case connectors
    case report(String)
    case why(Expr)
}

public enum Who: Sendable {
    /// `who serves my preferred client` (nil market) or `who serves "market"`.
    case serves(Expr?)
    case canHelp(Expr)
    case knows(Expr)
    case isOverdue
}

/// A statement with its range.
public struct Statement: Sendable {
    public var kind: Kind
    public var range: SourceRange
    public var source: Source

    public init(_ kind: Kind, _ range: SourceRange, _ source: Source) {
        self.kind = kind
        self.range = range
        self.source = source
    }

    public var text: String { source.slice(range) }

    public indirect enum Kind: Sendable {
        /// A query or expression whose value is printed.
        case expr(Expr)
        case explain(Statement)
        case add(name: Expr, options: [Option])
        case set(target: Target, options: [Option], on: Expr?)
        case market(name: Expr, options: [Option])
        case log(kind: String, people: [Person], on: Expr?, options: [Option])
        /// `refer "Mike Chen" to @joan-rivera`: a referral I gave.
        case refer(about: Expr?, to: Person, on: Expr?, options: [Option])
        /// `referral from @dana-lee about "Ana Park"`: a referral I received.
        case referral(from: Person, about: Expr?, on: Expr?, options: [Option])
        case introduce(people: [Person], on: Expr?, options: [Option])
        case spend(amount: Expr, at: Person, on: Expr?, options: [Option])
        case knows(people: [Person])
        case goal(name: Expr, by: Expr?, options: [Option], period: (Day.Period, SourceRange)?)
        case helps(Person, goal: Expr)
        case merge(from: Person, into: Person)
        case remove(Removal)
        case snooze(Person, duration: Expr?, until: Expr?)
        case unsnooze(Person)
        /// The agenda as a task list: its page, `done`, `dismiss`, a snooze of one item.
        case agenda(AgendaCommand)
        /// `undo [N]` and `history [limit N]`.
        case journal(JournalCommand)
        /// `edit @x`, `edit interaction 12`: the host opens an editor on it (a person or an event).
        case edit(Target)
        case letDef(name: String, value: Expr)
        case fnDef(name: String, params: [String], body: Expr)
        /// `rule "x" [as c] when … then remind "…" [log KIND] [priority …]`: `log` names the touch
        /// that `done` logs for the rule's items.
        case ruleDef(name: String, row: RowName?, when: Expr, message: Expr, priority: Expr?, log: String?)
        /// `score s [as c] = …`.
        case scoreDef(name: String, row: RowName?, value: Expr)
        /// `drop fn partner_value [cascade]`: with `cascade`, what uses it goes too.
        case drop(Definition.Kind?, name: Expr, cascade: Bool)
        case load(path: Expr)
        /// `save "FILE" [overwrite]`.
        case save(path: Expr, overwrite: Bool)
        case assert(Expr, message: Expr?)
        case print(Expr)
        case resetRules
        case importFile(format: String, path: Expr, options: [Option])
        /// `export FORMAT "FILE" [QUERY] [overwrite]`.
        case exportFile(format: String, path: Expr, query: Expr?, overwrite: Bool)
        /// `numbers given interactions: 12, contacts: 40`: numbers up to these count as given,
        /// so that the next of each kind is numbered past them (a dump's, for a database whose
        /// last event or contact was removed).
        case numbersGiven([Option])
    }

    /// What `set` changes: one contact, `me`, every contact a query returns, or a logged event
    /// by its number (`set referral 2 status: "won"`).
    public enum Target: Sendable {
        case person(Person)
        case me
        case query(Expr)
        case event(EventKind, Expr)
    }

    public enum Removal: Sendable {
        case person(Person)
        case event(EventKind, Expr)
        case market(Expr)
        case goal(Expr)
        /// `remove knows @a @b`: the edge alone (a mistaken one skewed degree and paths for good).
        case knows(Person, Person)
    }
}

/// An @handle written in a statement, kept with its range for "did you mean" errors.
public struct Person: Sendable {
    public var handle: String
    public var range: SourceRange
    public init(_ handle: String, _ range: SourceRange) {
        self.handle = handle
        self.range = range
    }
}

/// `name: value`, a bare flag (`gave`), or a tag (`+vip`, `-vip`).
public enum Option: Sendable {
    case pair(String, Expr, SourceRange)
    case flag(String, SourceRange)
    case tag(String, adds: Bool, SourceRange)

    public var range: SourceRange {
        switch self {
        case .pair(_, _, let r), .flag(_, let r), .tag(_, _, let r): return r
        }
    }
    public var name: String {
        switch self {
        case .pair(let n, _, _), .flag(let n, _): return n
        case .tag(let t, _, _): return "+" + t
        }
    }
}

// MARK: - Walking

extension QuerySource {
    /// The expressions of a query's source (`who serves M`, `timeline @x`, …).
    public var exprs: [Expr] {
        switch self {
        case .expr(let e), .timeline(let e), .path(let e), .why(let e): return [e]
        case .agenda(let on): return on.map { [$0] } ?? []
        case .gaps(let m): return m.map { [$0] } ?? []
        case .who(.serves(let m)): return m.map { [$0] } ?? []
        case .who(.canHelp(let e)), .who(.knows(let e)): return [e]
        case .who(.isOverdue), .rules, .progress, .connectors, .report: return []
        }
    }
}

extension Query {
    /// Every expression of the query: its source's, then its clauses' in the order written.
    public var exprs: [Expr] {
        source.exprs + (filter.map { [$0] } ?? []) + groupBy + sortBy.map(\.0) + show.map(\.0) + (limit.map { [$0] } ?? [])
    }
}

extension Expr {
    /// The expressions directly inside this one, in the order written.
    public var children: [Expr] {
        switch kind {
        case .literal, .name, .handle, .tag, .me, .it: return []
        case .interpolated(let parts): return parts.compactMap { if case .expr(let x) = $0 { return x } else { return nil } }
        case .list(let items): return items
        case .record(let fields): return fields.map(\.1)
        case .unary(_, let x), .member(let x, _): return [x]
        case .binary(_, let a, let b): return [a, b]
        case .call(_, let args): return args
        case .ifThen(let c, let t, let f): return [c, t] + (f.map { [$0] } ?? [])
        case .query(let q): return q.exprs
        }
    }

    /// True when `test` holds for this expression or any inside it. Walked with a stack of its
    /// own, so that a tree as deep as the parser allows needs no deep recursion.
    public func contains(where test: (Expr) throws -> Bool) rethrows -> Bool {
        var stack = [self]
        while let e = stack.popLast() {
            if try test(e) { return true }
            stack += e.children.reversed()
        }
        return false
    }

    /// Calls `body` on this expression and every one inside it, outermost first.
    public func forEach(_ body: (Expr) throws -> Void) rethrows {
        _ = try contains { e in
            try body(e)
            return false
        }
    }
}

extension Statement.Kind {
    /// The expressions a statement holds directly, in the order written (an option's value, a
    /// `set`'s query, a definition's body; an `explain`'s statement's too).
    public var exprs: [Expr] {
        func opts(_ options: [Option]) -> [Expr] {
            options.compactMap { if case .pair(_, let e, _) = $0 { return e } else { return nil } }
        }
        func maybe(_ e: Expr?) -> [Expr] { e.map { [$0] } ?? [] }
        switch self {
        case .expr(let e), .print(let e), .load(let e), .save(let e, _), .letDef(_, let e), .fnDef(_, _, let e), .scoreDef(_, _, let e):
            return [e]
        case .explain(let inner): return inner.kind.exprs
        case .add(let name, let options), .market(let name, let options): return [name] + opts(options)
        case .set(let target, let options, let on):
            switch target {
            case .query(let e), .event(_, let e): return [e] + opts(options) + maybe(on)
            case .person, .me: return opts(options) + maybe(on)
            }
        case .log(_, _, let on, let options), .introduce(_, let on, let options): return maybe(on) + opts(options)
        case .refer(let about, _, let on, let options): return maybe(about) + maybe(on) + opts(options)
        case .referral(_, let about, let on, let options): return maybe(about) + maybe(on) + opts(options)
        case .spend(let amount, _, let on, let options): return [amount] + maybe(on) + opts(options)
        case .knows, .merge, .unsnooze, .resetRules: return []
        case .goal(let name, let by, let options, _): return [name] + maybe(by) + opts(options)
        case .helps(_, let goal): return [goal]
        case .remove(let what):
            switch what {
            case .person, .knows: return []
            case .event(_, let e), .market(let e), .goal(let e): return [e]
            }
        case .snooze(_, let duration, let until): return maybe(duration) + maybe(until)
        case .ruleDef(_, _, let when, let message, let priority, _): return [when, message] + maybe(priority)
        case .drop(_, let name, _): return [name]
        case .assert(let cond, let message): return [cond] + maybe(message)
        case .importFile(_, let path, let options): return [path] + opts(options)
        case .numbersGiven(let options): return opts(options)
        case .exportFile(_, let path, let query, _): return [path] + maybe(query)
        case .agenda(let command): return command.exprs
        case .journal(let command): return command.exprs
        case .edit(let target):
            if case .event(_, let e) = target { return [e] }
            return []
        }
    }

    /// The people a statement names with @handles outside its expressions (`log call with @x`).
    public var people: [Person] {
        switch self {
        case .explain(let inner): return inner.kind.people
        case .set(.person(let p), _, _), .refer(_, let p, _, _), .referral(let p, _, _, _), .spend(_, let p, _, _), .helps(let p, _),
            .remove(.person(let p)), .snooze(let p, _, _), .unsnooze(let p), .edit(.person(let p)):
            return [p]
        case .log(_, let people, _, _), .introduce(let people, _, _), .knows(let people): return people
        case .merge(let from, let into), .remove(.knows(let from, let into)): return [from, into]
        case .agenda(let command): return command.people
        default: return []
        }
    }
}
