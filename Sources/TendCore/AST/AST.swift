import Foundation

/// An expression with the range of text it came from.
public final class Expr: @unchecked Sendable {
    public var kind: Kind
    public let range: SourceRange
    /// Filled by the checker: what a bare name turned out to be.
    public var resolution: Resolution = .unresolved
    /// Set on a condition's parts that sit under an `or` (they cannot narrow a query alone).
    var underOr = false
    /// The parts joined by `and`/`or` at the top level, once asked for (`Interpreter.conjuncts`).
    var conjuncts: [Expr]?
    /// For a field name read from a contact: which field (an index of `Interpreter.ContactKey`),
    /// -2 when it is none of them (a score), -1 until first read.
    var contactKey = -1
    /// For a binary expression: its operator, once evaluated (`Interpreter.BinaryOp`).
    var binaryOp: UInt8 = 0
    /// For a call: 1 for a user function, 2 for an aggregate, 3 for another built-in, 0 until first call.
    var callKind: UInt8 = 0
    /// For `and`/`or`: 2 when the right side is to be evaluated first (the left calls a function
    /// or runs a query and the right does neither), 1 otherwise, 0 until first evaluated.
    var sideOrder: UInt8 = 0
    var isAnd: Bool { !underOr }

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
        case unary(String, Expr)
        case binary(String, Expr, Expr)
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
    }
}

/// `SOURCE where … group by … sort by … show … limit …`.
public struct Query: Sendable {
    public var source: QuerySource
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
        case refer(about: Expr, to: Person, on: Expr?, options: [Option])
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
        case letDef(name: String, value: Expr)
        case fnDef(name: String, params: [String], body: Expr)
        /// `rule "x" when … then remind "…" [log KIND] [priority …]`: `log` names the touch that
        /// `done` logs for the rule's items.
        case ruleDef(name: String, when: Expr, message: Expr, priority: Expr?, log: String?)
        case scoreDef(name: String, value: Expr)
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
