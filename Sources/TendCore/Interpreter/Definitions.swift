/// The user's named definitions, parsed: what the checker and the interpreter look names up in.
public struct Definitions: Sendable {
    public struct Let: Sendable {
        /// The text the definition was read from, for locating errors inside it.
        public var file: Source? = nil
        public var name: String
        public var value: Expr
        public var source: String
    }
    public struct Fn: Sendable {
        /// The text the definition was read from, for locating errors inside it.
        public var file: Source? = nil
        public var name: String
        public var params: [String]
        public var body: Expr
        public var source: String
        /// The steps one call takes with the fns it calls expanded, as the checker worked
        /// them out (nil when unchecked): a call past `Checker.maxSteps` is refused.
        public var steps: Int? = nil
    }
    public struct Rule: Sendable {
        /// The text the definition was read from, for locating errors inside it.
        public var file: Source? = nil
        public var name: String
        /// The name `as` gives the rule's contact, seen by the queries inside it.
        public var row: String? = nil
        public var when: Expr
        public var message: Expr
        public var priority: Expr?
        public var source: String
        /// The kind of touch `done` logs for the rule's items (`log call`); nil closes them instead.
        public var log: String? = nil
    }
    public struct Score: Sendable {
        /// The text the definition was read from, for locating errors inside it.
        public var file: Source? = nil
        public var name: String
        /// The name `as` gives the score's contact, seen by the queries inside it.
        public var row: String? = nil
        public var value: Expr
        public var source: String
    }

    public var lets: [String: Let] = [:]
    public var fns: [String: Fn] = [:]
    public var rules: [Rule] = []
    public var scores: [String: Score] = [:]
    /// Every definition's key (`let:vips`, `fn:weeks_over`, `score:priority`, `rule:x`) in the
    /// order it was last defined: a definition only uses ones made before it, so the checker
    /// learns them in this order without working any out twice.
    public private(set) var order: [String] = []
    /// What the checker learned about the names in the definitions' bodies (empty for
    /// definitions no checker saw, which resolve their names as they run).
    public private(set) var resolutions = Resolutions()
    public init() {}

    /// The key a definition is known by in `order` and in the checker's dependencies.
    public static func key(_ kind: Definition.Kind, _ name: String) -> String { kind.rawValue + ":" + name }

    private mutating func noteDefined(_ kind: Definition.Kind, _ name: String, replacing: Bool) {
        let key = Definitions.key(kind, name)
        if replacing, let i = order.firstIndex(of: key) { order.remove(at: i) }
        order.append(key)
    }

    /// Records the definition a statement makes, with what `checked` says of its names. Returns
    /// false for other statements.
    @discardableResult
    /// Whether the definition `s` makes is there already, word for word.
    func holds(_ s: Statement) -> Bool {
        switch s.kind {
        case .letDef(let name, _): return lets[name]?.source == s.text
        case .fnDef(let name, _, _): return fns[name]?.source == s.text
        case .ruleDef(let name, _, _, _, _, _): return rules.first { $0.name == name }?.source == s.text
        case .scoreDef(let name, _, _): return scores[name]?.source == s.text
        default: return false
        }
    }

    public mutating func define(_ s: Statement, resolving checked: Resolutions = Resolutions()) -> Bool {
        let text = s.text
        switch s.kind {
        case .letDef(let name, let value):
            noteDefined(.let, name, replacing: lets.updateValue(Let(file: s.source, name: name, value: value, source: text), forKey: name) != nil)
        case .fnDef(let name, let params, let body):
            let fn = Fn(file: s.source, name: name, params: params, body: body, source: text)
            noteDefined(.fn, name, replacing: fns.updateValue(fn, forKey: name) != nil)
        case .ruleDef(let name, let row, let when, let message, let priority, let log):
            let rule = Rule(
                file: s.source, name: name, row: row?.name, when: when, message: message, priority: priority, source: text, log: log)
            if let i = rules.firstIndex(where: { $0.name == name }) {
                rules[i] = rule
                noteDefined(.rule, name, replacing: true)
            } else {
                rules.append(rule)
                noteDefined(.rule, name, replacing: false)
            }
        case .scoreDef(let name, let row, let value):
            let score = Score(file: s.source, name: name, row: row?.name, value: value, source: text)
            noteDefined(.score, name, replacing: scores.updateValue(score, forKey: name) != nil)
        default: return false
        }
        keepResolutions(of: s, from: checked)
        return true
    }

    /// Keeps what `checked` says of the names in a definition's body (a fn or score is defined
    /// before its body is checked, so that one reading itself is reported as a cycle).
    mutating func keepResolutions(of s: Statement, from checked: Resolutions) {
        resolutions.copy(s.kind.exprs, from: checked)
    }

    public mutating func drop(_ kind: Definition.Kind, _ name: String) -> Bool {
        let dropped: Bool
        switch kind {
        case .let: dropped = lets.removeValue(forKey: name) != nil
        case .fn: dropped = fns.removeValue(forKey: name) != nil
        case .score: dropped = scores.removeValue(forKey: name) != nil
        case .rule:
            let before = rules.count
            rules.removeAll { $0.name == name }
            dropped = rules.count != before
        }
        if dropped, let i = order.firstIndex(of: Definitions.key(kind, name)) { order.remove(at: i) }
        return dropped
    }

    /// The kind of the definition with this name, if any (rules are named by their quoted name).
    public func kind(of name: String) -> Definition.Kind? {
        if lets[name] != nil { return .let }
        if fns[name] != nil { return .fn }
        if scores[name] != nil { return .score }
        if rules.contains(where: { $0.name == name }) { return .rule }
        return nil
    }

    /// Definitions as stored (kind, name and source), parsed and checked the way a script's
    /// are, in their order, so that running them is fast and exact. A definition the checker
    /// refuses (made by an older Tend) still runs, resolved as it goes.
    public init(parsing stored: [Definition]) {
        var statements: [Statement] = []
        for d in stored {
            statements += Parser.parse(Source(name: "\(d.kind.rawValue) \(d.name)", text: d.source)).statements
        }
        var checker = Checker(definitions: Definitions())
        checker.check(statements)
        var unchecked = Definitions()
        for s in statements { unchecked.define(s) }
        self = checker.definitions.all.count == unchecked.all.count ? checker.definitions : unchecked
    }

    /// Every definition in the order it was last defined.
    var ordered: [Definition] {
        let byKey = Dictionary(all.map { (Definitions.key($0.kind, $0.name), $0) }) { a, _ in a }
        let inOrder = order.compactMap { byKey[$0] }
        return inOrder.count == byKey.count ? inOrder : all
    }

    /// Every definition's text, and whether the checker resolved their names: definitions with
    /// the same fingerprint give the same agenda on the same data (the key of the items a store
    /// keeps between runs, `AgendaBook.keptItems`).
    public var fingerprint: String {
        all.map { "\($0.kind.rawValue):\($0.name)\u{1F}\($0.source)" }.joined(separator: "\u{1E}") + (resolutions.isEmpty ? "\u{1D}unresolved" : "")
    }

    /// Every definition as stored: its kind, name and source.
    public var all: [Definition] {
        lets.values.sorted { $0.name < $1.name }.map { Definition(kind: .let, name: $0.name, source: $0.source) }
            + fns.values.sorted { $0.name < $1.name }.map { Definition(kind: .fn, name: $0.name, source: $0.source) }
            + scores.values.sorted { $0.name < $1.name }.map { Definition(kind: .score, name: $0.name, source: $0.source) }
            + rules.map { Definition(kind: .rule, name: $0.name, source: $0.source) }
    }
}
