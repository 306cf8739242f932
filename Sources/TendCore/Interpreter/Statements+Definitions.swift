import Foundation

extension Interpreter {
    /// Stores a definition (for the run only under `--read-only`).
    func define(_ s: Statement, resolving checked: Resolutions? = nil) throws {
        definitions.define(s, resolving: checked ?? resolutions)
        invalidate()
        guard !readOnly else { return }
        switch s.kind {
        case .letDef(let n, _): try apply(.setDefinition(Definition(kind: .let, name: n, source: s.text)))
        case .fnDef(let n, _, _): try apply(.setDefinition(Definition(kind: .fn, name: n, source: s.text)))
        case .scoreDef(let n, _, _): try apply(.setDefinition(Definition(kind: .score, name: n, source: s.text)))
        case .ruleDef(let n, _, _, _, _, _): try apply(.setDefinition(Definition(kind: .rule, name: n, source: s.text)))
        default: break
        }
    }

    /// A redefinition that a goal's metric uses (directly or through other definitions) must
    /// leave the metric checking, and a number: `let lunches = "many"` under a goal's metric
    /// `lunches` would make the goal's value text, and its progress an error. Goals are data,
    /// which the checker does not see, so this is checked as the statement runs (the run is then
    /// rolled back). A new definition has no users: nothing is read for one.
    func checkGoalMetrics(redefining s: Statement) throws {
        let key: String
        switch s.kind {
        case .letDef(let n, _): key = "let:" + n
        case .fnDef(let n, _, _): key = "fn:" + n
        case .scoreDef(let n, _, _): key = "score:" + n
        default: return
        }
        guard Checker.isDefined(key, in: definitions) else { return }
        let (_, goals) = try dependents(of: key, all: true)
        guard !goals.isEmpty else { return }
        var next = definitions
        next.define(s, resolving: resolutions)
        for g in goals {
            guard let text = g.metric else { continue }
            let src = Source(name: "goal \(ScriptWriter.quote(g.name))", text: text)
            let (expr, diags) = Parser.parseExpression(src)
            guard let expr, diags.isEmpty else { continue }
            var checker = Checker(definitions: next)
            checker.source = src
            checker.checksMembership = false
            checker.expect(expr, .number, Checker.Scope(), "its metric")
            if let d = checker.diagnostics.first {
                throw fail(
                    "the metric of goal \(ScriptWriter.quote(g.name)) (\(text)) uses \(Interpreter.spell(key)), and would no longer check: \(d.message)",
                    s.range, notes: ["give the goal another metric first (goal \(ScriptWriter.quote(g.name)) metric: …), or drop \(Interpreter.spell(key)) cascade"])
            }
        }
    }

    /// `reset rules`: the prelude's definitions as shipped; your own definitions stay.
    func performResetRules() throws -> Output {
        // The prelude's definitions as they are: nothing to put back, and no change made.
        let current = Dictionary(definitions.all.map { (Definitions.key($0.kind, $0.name), $0.source) }) { a, _ in a }
        if Prelude.definitions.all.allSatisfy({ current[Definitions.key($0.kind, $0.name)] == $0.source }) {
            return .text("The prelude's definitions are as they were; nothing was changed.")
        }
        // Drop what the prelude defines, then define it again.
        for d in Prelude.definitions.all {
            _ = definitions.drop(d.kind, d.name)
            if !readOnly { try apply(.deleteDefinition(d.kind, d.name)) }
        }
        for p in Prelude.statements { try define(p, resolving: Prelude.definitions.resolutions) }
        return .text("The prelude's definitions are back.")
    }

    /// `drop [KIND] NAME [cascade]`. A definition that others use (definitions, or a goal's
    /// metric) is dropped only with `cascade`, which drops them too (a goal keeps its target and
    /// loses its metric): nothing is left calling what is gone.
    func drop(_ kind: Definition.Kind?, _ nameExpr: Expr, cascade: Bool, _ s: Statement) throws -> Output {
        let name: String
        switch nameExpr.kind {
        case .name(let n): name = n
        case .literal(.string(let t)): name = t
        default: throw fail("drop takes a definition's name", nameExpr.range)
        }
        guard let k = kind ?? definitions.kind(of: name) else {
            throw fail("nothing named \(name) is defined", nameExpr.range, suggestion: closest(name, among: definitions.all.map(\.name)).first)
        }
        let defined: Bool
        switch k {
        case .let: defined = definitions.lets[name] != nil
        case .fn: defined = definitions.fns[name] != nil
        case .score: defined = definitions.scores[name] != nil
        case .rule: defined = definitions.rules.contains { $0.name == name }
        }
        guard defined else {
            let near = closest(name, among: definitions.all.filter { $0.kind == k }.map(\.name)).first
            let spelled = k == .rule ? ScriptWriter.quote(name) : name
            throw fail("no \(k.rawValue) named \(spelled)", nameExpr.range, suggestion: near.map { k == .rule ? ScriptWriter.quote($0) : $0 })
        }
        let key = "\(k.rawValue):\(name)"
        let (users, goals) = try dependents(of: key, all: cascade)
        let spelled = Interpreter.spell(key)
        if !cascade && !(users.isEmpty && goals.isEmpty) {
            let names = users.map(Interpreter.spell) + goals.map { "the metric of goal \(ScriptWriter.quote($0.name))" }
            let list = names.count == 1 ? names[0] : names.dropLast().joined(separator: ", ") + " and " + names.last!
            let them = names.count == 1 ? "uses it; drop it" : "use it; drop them"
            throw fail("drop \(spelled): \(list) \(them) first or say \"drop \(spelled) cascade\"", s.range)
        }
        if readOnly && !goals.isEmpty { throw fail("drop … cascade would change goals, which --read-only does not allow", s.range) }
        for dropped in users + [key] {
            let kind = Definition.Kind(rawValue: String(dropped.prefix { $0 != ":" }))!
            let name = String(dropped.drop { $0 != ":" }.dropFirst())
            _ = definitions.drop(kind, name)
            if !readOnly { try apply(.deleteDefinition(kind, name)) }
            // A rule's closed, dismissed and snoozed items go with it (a rule of that name defined
            // again starts with none, as a dump rebuilds it).
            if kind == .rule && !readOnly {
                for key in try agendaBook.itemStates().keys where key.rule == name { try agendaBook.setItemState(key, nil) }
            }
        }
        for var g in goals {
            g.metric = nil
            try apply(.setGoal(g))
        }
        invalidate()
        var text = "Dropped \(spelled)"
        if !users.isEmpty { text += ", and \(users.map(Interpreter.spell).joined(separator: ", ")) that used it" }
        if !goals.isEmpty {
            text +=
                "; goal\(goals.count == 1 ? "" : "s") \(goals.map { ScriptWriter.quote($0.name) }.joined(separator: ", ")) no longer \(goals.count == 1 ? "has a metric" : "have metrics")"
        }
        return .text(text + readOnlyDefinitionNote + ".")
    }

    /// The definitions that use a definition (every one down the line with `all`, users before
    /// what they use), and the goals whose metric uses any of those.
    func dependents(of key: String, all: Bool) throws -> ([String], [Goal]) {
        let checker = Checker(definitions: definitions)
        var users: [String] = []
        var frontier = [key]
        while let next = frontier.popLast() {
            for u in checker.users(of: next) where !users.contains(u) {
                users.append(u)
                if all { frontier.append(u) }
            }
        }
        // A user of a user is dropped before it: deepest first.
        users.reverse()
        let gone = Set(users + [key])
        var goals: [Goal] = []
        for g in try view().net.goals {
            guard let metric = g.metric,
                case .expr(let e)? = Parser.parse(Source(name: "goal \(g.name)", text: metric)).statements.first?.kind
            else { continue }
            var c = checker
            if !c.uses(e).isDisjoint(with: gone) { goals.append(g) }
        }
        return (users, goals)
    }

    /// A definition's key in words: `score priority`, `rule "Follow up"`.
    static func spell(_ key: String) -> String {
        let kind = key.prefix { $0 != ":" }
        let name = String(key.drop { $0 != ":" }.dropFirst())
        return "\(kind) \(kind == "rule" ? ScriptWriter.quote(name) : name)"
    }
}
