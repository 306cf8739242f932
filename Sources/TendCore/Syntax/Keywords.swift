/// Every word the language gives a meaning, in one table: the lexer, the parser, the checker
/// and the REPL's completion read their lists from it. A word's roles say what it does:
///
///     contacts where +vip and        ← `and` ends a line that needs more (.endsIncomplete)
///       stage > visibility
///     contacts
///     sort by name                   ← `sort` starts a line that continues (.continuesStatement)
public enum Keyword {
    public struct Role: OptionSet, Sendable {
        public let rawValue: Int
        public init(rawValue: Int) { self.rawValue = rawValue }
        /// Starts a statement (`add`, `rule`, …); anything else starts an expression.
        public static let statement = Role(rawValue: 1 << 0)
        /// Never a name: a let, fn, score, parameter or row cannot be called so.
        public static let reserved = Role(rawValue: 1 << 1)
        /// A clause of a query: `where`, `group`, `sort`, `show`, `limit`.
        public static let queryClause = Role(rawValue: 1 << 2)
        /// A line that ends with it needs the next one.
        public static let endsIncomplete = Role(rawValue: 1 << 3)
        /// A line that starts with it continues the statement before (none starts a statement).
        public static let continuesStatement = Role(rawValue: 1 << 4)
        /// A word only in the slot of a statement or query that expects it (`log … with`,
        /// `who serves`, `save … overwrite`); elsewhere a name like any other.
        public static let inSlot = Role(rawValue: 1 << 5)
    }

    /// The table, in the order completion offers the words.
    public static let table: [(word: String, roles: Role)] = [
        // Statements.
        ("add", .statement), ("set", .statement), ("market", .statement), ("log", .statement), ("refer", .statement),
        ("referral", .statement), ("introduce", .statement), ("spend", .statement), ("knows", .statement), ("goal", .statement),
        ("helps", .statement), ("merge", .statement), ("remove", .statement), ("snooze", .statement), ("unsnooze", .statement),
        ("let", .statement), ("fn", .statement), ("rule", .statement), ("score", .statement), ("drop", .statement),
        ("load", .statement), ("save", .statement), ("assert", .statement), ("print", .statement), ("reset", .statement),
        ("import", .statement), ("export", .statement), ("explain", .statement), ("done", .statement), ("dismiss", .statement),
        ("undo", .statement), ("history", .statement), ("edit", .statement),
        // Queries.
        ("where", [.reserved, .queryClause, .endsIncomplete, .continuesStatement]),
        ("group", [.reserved, .queryClause, .endsIncomplete, .continuesStatement]),
        ("sort", [.reserved, .queryClause, .endsIncomplete, .continuesStatement]),
        ("show", [.reserved, .queryClause, .endsIncomplete, .continuesStatement]),
        ("limit", [.reserved, .queryClause, .endsIncomplete, .continuesStatement]),
        ("by", [.inSlot, .endsIncomplete]), ("asc", .inSlot), ("desc", .inSlot), ("as", .inSlot),
        // Expressions.
        ("and", [.reserved, .endsIncomplete, .continuesStatement]), ("or", [.reserved, .endsIncomplete, .continuesStatement]),
        ("not", [.reserved, .endsIncomplete]), ("in", [.reserved, .endsIncomplete]), ("if", [.reserved, .endsIncomplete]),
        ("then", [.reserved, .endsIncomplete, .continuesStatement]), ("else", [.reserved, .endsIncomplete, .continuesStatement]),
        ("true", .reserved), ("false", .reserved), ("null", .reserved), ("it", .reserved), ("me", .reserved), ("my", .reserved),
        ("today", .reserved), ("yesterday", .reserved), ("tomorrow", .reserved),
        // Rules.
        ("when", [.reserved, .endsIncomplete, .continuesStatement]), ("remind", [.inSlot, .endsIncomplete]),
        ("priority", [.inSlot, .continuesStatement]),
        // Query sources and the questions users ask.
        ("who", .reserved), ("serves", .inSlot), ("can", .inSlot), ("help", .inSlot), ("is", .inSlot), ("overdue", .inSlot),
        ("preferred", .inSlot), ("client", .inSlot), ("agenda", .inSlot), ("timeline", .inSlot), ("rules", .inSlot),
        ("progress", .inSlot), ("gaps", .inSlot), ("path", .inSlot), ("connectors", .inSlot), ("report", .inSlot), ("why", .inSlot),
        // Statements' slots.
        ("with", .inSlot), ("on", .inSlot), ("to", .inSlot), ("from", .inSlot), ("about", .inSlot), ("at", .inSlot),
        ("per", .inSlot), ("target", .inSlot), ("into", .inSlot), ("until", .inSlot), ("cascade", .inSlot),
        ("overwrite", .inSlot), ("private", .inSlot), ("for", .inSlot), ("since", .inSlot), ("numbers", .inSlot), ("given", .inSlot),
    ]

    /// The words with a role.
    public static func words(_ role: Role) -> Set<String> { Set(table.filter { $0.roles.contains(role) }.map(\.word)) }

    /// Every word, in the table's order (for completion).
    public static let all: [String] = table.map(\.word)
}

/// The binary operators, as the parser makes them, from the loosest binding to the tightest:
/// `or`; `and`; the comparisons `== != < <= > >= ~ in not in` (which do not chain); `??`;
/// `+ -`; `* / %`. The lexer, parser, checker and interpreter read this table.
public enum BinaryOperator: String, Sendable, CaseIterable {
    case or, and
    case equal = "==", notEqual = "!=", less = "<", lessOrEqual = "<=", greater = ">", greaterOrEqual = ">=", match = "~"
    case isIn = "in", notIn = "not in"
    case coalesce = "??"
    case plus = "+", minus = "-"
    case times = "*", divide = "/", remainder = "%"

    /// How the operator is written.
    public var text: String { rawValue }

    /// How tightly it binds (1 `or` … 6 `* / %`); the parser has one function per level.
    public var precedence: Int {
        switch self {
        case .or: return 1
        case .and: return 2
        case .equal, .notEqual, .less, .lessOrEqual, .greater, .greaterOrEqual, .match, .isIn, .notIn: return 3
        case .coalesce: return 4
        case .plus, .minus: return 5
        case .times, .divide, .remainder: return 6
        }
    }

    /// `< <= > >=`: the operators that order their sides.
    public var orders: Bool { [.less, .lessOrEqual, .greater, .greaterOrEqual].contains(self) }

    /// The operator a symbol token spells at a level of precedence (`"+"` at 5), if any.
    static func symbol(_ s: String, at level: Int) -> BinaryOperator? {
        guard let op = BinaryOperator(rawValue: s), op.precedence == level, op != .and, op != .or, op != .isIn, op != .notIn else { return nil }
        return op
    }

    /// Symbols after which a line needs the next one: the operators written as symbols, and
    /// `=`, `,`, `:`, `.` and the opening brackets.
    static let continuingSymbols: Set<String> =
        Set(allCases.map(\.rawValue).filter { $0.first.map { !$0.isLetter } ?? false }).union(["=", ",", ":", ".", "(", "[", "{"])
}

/// `not x` and `-x`.
public enum UnaryOperator: String, Sendable {
    case not
    case negate = "-"
    public var text: String { rawValue }
}
