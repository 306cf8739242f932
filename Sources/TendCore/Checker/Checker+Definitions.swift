import Foundation

/// What a checker has worked out about the definitions, shared with the copies it makes of
/// itself (a copy works out a let's type without reporting): each fact is worked out once per
/// definition, never again for each use, so checking stays linear in the text.
final class DefinitionFacts {
    /// Each let's type.
    var letTypes: [String: ValueType] = [:]
    /// Each fn's steps per call, with the fns it calls expanded (`Checker.maxSteps`).
    var fnSteps: [String: Int] = [:]
    /// Keys being worked out right now: met again only through a cycle that stored definitions
    /// (written by an older Tend, or by hand) make.
    var pending: Set<String> = []
    /// What checking a fn's body with a call's argument types gave (`checkedCall`): its type,
    /// and the first problem with its notes. Forgotten when any fn is defined.
    var calls: [String: (type: ValueType, problem: (message: String, notes: [String])?)] = [:]
}

extension Checker {
    // MARK: - Limits

    /// The most steps one evaluation of a definition may take, every fn it calls expanded.
    /// `fn f(x) = g(x) + g(x)` runs g twice, so forty such levels would run for days; a
    /// million steps take about a tenth of a second, and real definitions take under a thousand.
    public static let maxSteps = 1_000_000

    /// Sources that evaluate rules, scores, goals' metrics or every contact's cadence, with the
    /// reason a definition they evaluate cannot read them: it would evaluate itself.
    static let evaluators: [String: String] = [
        "agenda": "which evaluates every rule",
        "why": "which evaluates every rule",
        "progress": "which evaluates every goal's metric",
        "goals": "whose value evaluates every goal's metric",
        "report": "which works over every contact's figures",
        "who is overdue": "which evaluates every contact's cadence",
    ]

    /// Whether `key` may not read `evaluator`: every evaluator is refused to rules, scores, goals'
    /// metrics and the default cadence alike, but `who is overdue`, which evaluates the default
    /// cadence alone (a rule may read it, as it may read `contacts where overdue > 0d`).
    static func refuses(_ evaluator: String, to key: String) -> Bool {
        evaluator != "who is overdue" || key == "fn:default_cadence"
    }

    /// Rules, scores, goals' metrics and the default cadence: what the evaluators evaluate.
    static func isEvaluated(_ key: String) -> Bool {
        key.hasPrefix("rule:") || key.hasPrefix("score:") || key.hasPrefix("goal:") || key == "fn:default_cadence"
    }

    static let evaluatorNote =
        "a rule, a score, a goal's metric and default_cadence cannot read agenda, why, progress, goals or report, and default_cadence not who is overdue (directly or through fns, lets and scores): those evaluate them"

    /// `rule "x"`, `fn f`, `let vips`, `score priority`, `goal "Meet"`.
    static func describe(_ key: String) -> String {
        guard let colon = key.firstIndex(of: ":") else { return key }
        let kind = key[..<colon]
        let name = key[key.index(after: colon)...]
        return kind == "rule" || kind == "goal" ? "\(kind) \"\(name)\"" : "\(kind) \(name)"
    }

    // MARK: - Learning definitions

    /// Learns what an existing definition uses (and a let's type). Its errors were reported
    /// when it was made.
    mutating func learn(_ key: String) {
        guard let colon = key.firstIndex(of: ":") else { return }
        let name = String(key[key.index(after: colon)...])
        switch key[..<colon] {
        case "let":
            guard let l = definitions.lets[name] else { return }
            let (type, deps) = checked(l.value, Scope())
            facts.letTypes[name] = type
            dependencies[key] = deps
        case "fn":
            guard let f = definitions.fns[name] else { return }
            dependencies[key] = checked(f.body, fnScope(f.params)).deps
        case "score":
            guard let s = definitions.scores[name] else { return }
            dependencies[key] = checked(s.value, Scope(row: "contacts", named: s.row)).deps
        case "rule":
            guard let r = definitions.rules.first(where: { $0.name == name }) else { return }
            let scope = Scope(row: "contacts", named: r.row)
            var deps = checked(r.when, scope).deps
            deps.formUnion(checked(r.message, scope).deps)
            if let p = r.priority { deps.formUnion(checked(p, scope).deps) }
            dependencies[key] = deps
        default:
            return
        }
    }

    /// The keys of every definition, in the order they were made (dependencies first).
    static func keys(of definitions: Definitions) -> [String] {
        var keys = definitions.order
        let known = Set(keys)
        let all =
            definitions.lets.keys.map { Definitions.key(.let, $0) } + definitions.fns.keys.map { Definitions.key(.fn, $0) }
            + definitions.scores.keys.map { Definitions.key(.score, $0) } + definitions.rules.map { Definitions.key(.rule, $0.name) }
        keys += all.filter { !known.contains($0) }.sorted()
        return keys
    }

    /// Checks an expression and returns its type and the definitions it uses.
    mutating func checked(_ e: Expr, _ scope: Scope) -> (type: ValueType, deps: Set<String>) {
        currentDeps = []
        let type = check(e, scope)
        return (type, currentDeps)
    }

    /// A let's type, worked out once (the let was checked when it was made).
    func letType(_ l: Definitions.Let) -> ValueType {
        if let known = facts.letTypes[l.name] { return known }
        let key = Definitions.key(.let, l.name)
        if facts.pending.contains(key) { return .any }
        facts.pending.insert(key)
        defer { facts.pending.remove(key) }
        var copy = self
        copy.diagnostics = []
        copy.checksMembership = false
        let type = copy.check(l.value, Scope())
        facts.letTypes[l.name] = type
        return type
    }

    // MARK: - Admitting a definition

    /// Whether a definition was admitted, and if not, whether it stays defined.
    enum Admission {
        case admitted
        /// Refused for its cost alone: it stays defined (one error, not one more for each use),
        /// as costing one step, and the script does not run.
        case tooCostly
        /// Refused: it would loop. It is not defined.
        case refused
    }

    /// Records what a new or changed definition uses, unless evaluating it could loop or blow
    /// up: too many steps once fns are expanded, a rule (score, metric) that reads what
    /// evaluates it, or a cycle. Reports when it is refused; `dependencies` is then as before.
    mutating func admit(_ key: String, _ deps: Set<String>, steps: Int, _ s: Statement) -> Admission {
        if steps > Checker.maxSteps {
            report(
                "\(Checker.describe(key)) would take more than \(Checker.maxSteps.formatted) steps each time it runs: every call of a fn runs its whole body",
                s.range,
                notes: [
                    "work a value out once and pass it on: fn f(x) = g(x) + g(x) runs g twice (and each level of such fns doubles the work); fn f(x) = 2 * g(x) runs it once"
                ])
            dependencies[key] = deps
            return .tooCostly
        }
        if Checker.isEvaluated(key), let path = pathToEvaluator(deps, from: key) {
            report(Checker.evaluatorMessage(key, path), s.range, notes: [Checker.evaluatorNote])
            return .refused
        }
        let previous = dependencies[key]
        dependencies[key] = deps
        // Only a definition that others may already use, or that uses itself, can close a cycle.
        if previous != nil || deps.contains(key), let cycle = findCycle(from: key) {
            report(
                "definitions cannot refer to themselves (the language always terminates): "
                    + cycle.map { $0.replacingOccurrences(of: ":", with: " ") }.joined(separator: " → "), s.range)
            dependencies[key] = previous
            return .refused
        }
        if previous != nil, pathToEvaluator(deps, from: nil) != nil {
            // A fn or let that rules already use now reads the agenda (or the like).
            for user in dependencies.keys.sorted() where Checker.isEvaluated(user) {
                guard let path = pathToEvaluator(dependencies[user] ?? [], from: user) else { continue }
                report(Checker.evaluatorMessage(user, path), s.range, notes: [Checker.evaluatorNote])
                dependencies[key] = previous
                return .refused
            }
        }
        if previous != nil { forgetDependents(of: key) }
        return .admitted
    }

    /// `rule "rr" reads why, which evaluates every rule`, with the fns and lets in between.
    static func evaluatorMessage(_ key: String, _ path: [String]) -> String {
        let evaluator = path.last ?? ""
        let through = path.dropLast().map(describe)
        return "\(describe(key)) reads \(evaluator)" + (through.isEmpty ? "" : " through " + through.joined(separator: " → ")) + ", "
            + (evaluators[evaluator] ?? "")
    }

    /// The shortest chain of definitions from these uses to an evaluator (ending with it) that
    /// `key` may not read (any evaluator, for nil), or nil.
    func pathToEvaluator(_ deps: Set<String>, from key: String?) -> [String]? {
        var parent: [String: String] = [:]
        var seen = Set<String>()
        var queue = deps.sorted()
        seen.formUnion(queue)
        var i = 0
        while i < queue.count {
            let node = queue[i]
            i += 1
            if Checker.evaluators[node] != nil, key.map({ Checker.refuses(node, to: $0) }) ?? true {
                var path = [node]
                while let p = parent[path[0]] { path.insert(p, at: 0) }
                return path
            }
            for next in (dependencies[node] ?? []).sorted() where seen.insert(next).inserted {
                parent[next] = node
                queue.append(next)
            }
        }
        return nil
    }

    /// A cycle through `start`, as the keys along it, or nil. Iterative: a chain of thousands of
    /// definitions must not exhaust the stack.
    func findCycle(from start: String) -> [String]? {
        // Each level of `pending` holds the uses still to visit, smallest name last (visited first).
        func uses(_ key: String) -> [String] { (dependencies[key] ?? []).sorted(by: >) }
        var path: [String] = [start]
        var onPath: Set<String> = [start]
        var done = Set<String>()
        var pending: [[String]] = [uses(start)]
        while let last = path.last {
            guard let next = pending[pending.count - 1].popLast() else {
                path.removeLast()
                onPath.remove(last)
                done.insert(last)
                pending.removeLast()
                continue
            }
            if onPath.contains(next) { return Array(path[path.firstIndex(of: next)!...]) + [next] }
            if done.contains(next) { continue }
            path.append(next)
            onPath.insert(next)
            pending.append(uses(next))
        }
        return nil
    }

    /// After a let or fn changes, what was worked out from it no longer holds: the types of the
    /// lets and the steps of the fns that use it are worked out again when next asked for (the
    /// types conservatively, as any).
    private mutating func forgetDependents(of key: String) {
        let users = dependents()
        var stack = [key]
        var seen: Set<String> = [key]
        while let k = stack.popLast() {
            if k.hasPrefix("let:"), k != key { facts.letTypes[String(k.dropFirst(4))] = .any }
            if k.hasPrefix("fn:") { facts.fnSteps[String(k.dropFirst(3))] = nil }
            for u in users[k] ?? [] where seen.insert(u).inserted { stack.append(u) }
        }
    }

    // MARK: - Steps

    /// The steps one evaluation of an expression takes with the fns it calls expanded: a let,
    /// a score or a field is worked out once (per view, per contact) and counts one step; a
    /// query's clauses count once (its rows are counted when it runs). Saturates past the limit.
    func steps(_ e: Expr) -> Int {
        var n = 1
        if case .call(let name, _) = e.kind, Builtin.byName[name] == nil { n = facts.fnSteps[name] ?? 1 }
        for child in e.children { n = min(Checker.maxSteps + 1, n + steps(child)) }
        return n
    }

    /// The steps of an expression after those of every fn it reaches are known. The fns are
    /// worked out callee first with an explicit stack, so a long chain of fns needs no deep recursion.
    mutating func expandedSteps(_ e: Expr, _ deps: Set<String>) -> Int {
        var stack: [(String, Bool)] = deps.filter { $0.hasPrefix("fn:") }.map { (String($0.dropFirst(3)), false) }
        while let (name, calleesDone) = stack.popLast() {
            guard facts.fnSteps[name] == nil, let f = definitions.fns[name] else { continue }
            let key = Definitions.key(.fn, name)
            if calleesDone {
                facts.fnSteps[name] = steps(f.body)
                facts.pending.remove(key)
                continue
            }
            guard facts.pending.insert(key).inserted else { continue }
            stack.append((name, true))
            for d in dependencies[key] ?? [] where d.hasPrefix("fn:") && d != key { stack.append((String(d.dropFirst(3)), false)) }
        }
        return steps(e)
    }
}

extension Checker {
    // MARK: - Checking again what a redefinition changes

    /// After `key` was redefined, the definitions that use it are checked again once the whole
    /// script is (`checkRedefinedUsers`): a script may redefine a let and then the score that
    /// uses it to suit (each statement itself is checked against what is defined before it).
    mutating func recheckUsers(of key: String, _ s: Statement) {
        redefined.append((key, s))
    }

    /// The definitions that use what the script redefined (directly or through others), checked
    /// against the definitions as the script leaves them: one that no longer checks (a let that
    /// became text, a fn given another number of parameters) makes the redefinition the error,
    /// before anything runs; the agenda would otherwise fail on it later, or go quietly wrong.
    mutating func checkRedefinedUsers() {
        let pending = redefined
        redefined = []
        for (key, s) in pending where Checker.isDefined(key, in: definitions) {
            source = s.source
            recheck(key, s)
        }
    }

    static func isDefined(_ key: String, in d: Definitions) -> Bool {
        guard let colon = key.firstIndex(of: ":"), let kind = Definition.Kind(rawValue: String(key[..<colon])) else { return false }
        let name = String(key[key.index(after: colon)...])
        switch kind {
        case .let: return d.lets[name] != nil
        case .fn: return d.fns[name] != nil
        case .score: return d.scores[name] != nil
        case .rule: return d.rules.contains { $0.name == name }
        }
    }

    /// The definitions that use each definition directly, as keys.
    func dependents() -> [String: [String]] {
        var users: [String: [String]] = [:]
        for (k, deps) in dependencies { for d in deps { users[d, default: []].append(k) } }
        return users
    }

    private mutating func recheck(_ key: String, _ s: Statement) {
        let users = dependents()
        var stack = [key]
        var seen: Set<String> = [key]
        while let k = stack.popLast() {
            for u in (users[k] ?? []).sorted() where seen.insert(u).inserted {
                stack.append(u)
                guard let problem = problem(in: u) else { continue }
                var notes = problem.notes
                if let file = problem.file {
                    let (line, column) = file.location(of: problem.range.start)
                    notes.insert("\(file.name):\(line):\(column): \(file.line(line).trimmingCharacters(in: .whitespaces))", at: 0)
                }
                report(
                    "\(Checker.describe(u)) uses \(Checker.describe(key)), and would no longer check: \(problem.message)", s.range,
                    suggestion: nil, notes: notes + ["redefine or drop \(Checker.describe(u)) first"])
                return
            }
        }
    }

    /// `drop`: what the run will drop is gone for the statements after it (their redefinitions
    /// are checked without it), unless others use it and the run will refuse (no `cascade`).
    mutating func checkDrop(_ kind: Definition.Kind?, _ nameExpr: Expr, _ cascade: Bool) {
        let name: String
        switch nameExpr.kind {
        case .name(let n): name = n
        case .literal(.string(let n)): name = n
        default: return
        }
        for k in kind.map({ [$0] }) ?? Definition.Kind.allCases {
            var gone = [Definitions.key(k, name)]
            var seen = Set(gone)
            var i = 0
            while i < gone.count {
                let users = self.users(of: gone[i]).filter { $0 != gone[i] }
                if !users.isEmpty && !cascade { return }
                for u in users where seen.insert(u).inserted { gone.append(u) }
                i += 1
            }
            for key in gone {
                guard let colon = key.firstIndex(of: ":"), let kind = Definition.Kind(rawValue: String(key[..<colon])) else { continue }
                _ = definitions.drop(kind, String(key[key.index(after: colon)...]))
                dependencies[key] = nil
            }
        }
    }

    /// The first problem a stored definition has when checked as things are defined now.
    private func problem(in key: String) -> (message: String, notes: [String], range: SourceRange, file: Source?)? {
        guard let colon = key.firstIndex(of: ":") else { return nil }
        let name = String(key[key.index(after: colon)...])
        var copy = self
        copy.diagnostics = []
        copy.checksMembership = false
        switch key[..<colon] {
        case "let":
            guard let l = definitions.lets[name] else { return nil }
            copy.source = l.file ?? source
            _ = copy.check(l.value, Scope())
        case "fn":
            guard let f = definitions.fns[name] else { return nil }
            copy.source = f.file ?? source
            let type = copy.check(f.body, fnScope(f.params))
            if name == "default_cadence" { copy.checkCadenceType(type, f.body.range) }
        case "score":
            guard let sc = definitions.scores[name] else { return nil }
            copy.source = sc.file ?? source
            copy.expect(sc.value, .number, Scope(row: "contacts", named: sc.row), "a score")
        case "rule":
            guard let r = definitions.rules.first(where: { $0.name == name }) else { return nil }
            copy.source = r.file ?? source
            let scope = Scope(row: "contacts", named: r.row)
            copy.expect(r.when, .bool, scope, "a rule's when condition")
            copy.expect(r.message, .string, scope, "the reminder")
            if let p = r.priority { copy.expect(p, .number, scope, "the priority") }
        default:
            return nil
        }
        guard let first = copy.diagnostics.first(where: { $0.kind != .incomplete }) else { return nil }
        return (first.message, first.notes, first.range, copy.source)
    }

    /// `default_cadence` gives a contact's cadence: a duration (or null, for none).
    mutating func checkCadenceType(_ type: ValueType, _ range: SourceRange) {
        guard ![ValueType.duration, .any, .null].contains(type) else { return }
        report("default_cadence gives a contact's cadence: a duration such as 3mo or 2w, not \(article(type))", range)
    }

    /// A let and a score of one name would each be read in some places and not others.
    mutating func checkKindClash(_ name: String, _ kind: Definition.Kind, _ s: Statement) {
        let other: (Definition.Kind, Bool) = kind == .let ? (.score, definitions.scores[name] != nil) : (.let, definitions.lets[name] != nil)
        guard other.1 else { return }
        report(
            "'\(name)' is already a \(other.0); a \(kind) of the same name would be read in some places and the \(other.0) in others",
            s.range, suggestion: nil, notes: ["choose another name, or drop the \(other.0) first: drop \(other.0) \(name)"])
    }

    // MARK: - Definitions, one function per kind; each is admitted unless it would loop or blow up (`admit`)

    mutating func checkLet(_ s: Statement, _ name: String, _ value: Expr) {
        checkName(name, s)
        checkKindClash(name, .let, s)
        defining = name
        let (type, deps) = checked(value, Scope())
        defining = nil
        let redefining = definitions.lets[name] != nil
        if admit(Definitions.key(.let, name), deps, steps: expandedSteps(value, deps), s) != .refused {
            definitions.define(s, resolving: resolutions)
            facts.letTypes[name] = type
            if redefining { recheckUsers(of: Definitions.key(.let, name), s) }
        }
    }

    /// A call of a fn: its body is checked again with the types of this call's arguments, so that
    /// a mismatch they cause (`weeks_over(5)` reading a number's field, `add2("a", 1)`) is this
    /// call's error before anything runs, not a run-time error inside the fn. The type the body
    /// then has is the call's. What the body's names resolve to stays as the fn was checked.
    ///
    /// A body that chooses between branches (`if`, `??`), itself or through the fns it calls,
    /// is left to run time: a branch the arguments do not suit may be one that never runs
    /// (`if as_days then days(x) else x`): such a fn is valid, called one way or the other.
    mutating func checkedCall(_ f: Definitions.Fn, _ types: [ValueType], _ call: Expr) -> ValueType {
        let types = types.map { $0 == .null ? ValueType.any : $0 }
        let key = "call:\(f.name)(\(types.map(\.description).joined(separator: ",")))"
        guard !types.allSatisfy({ $0 == .any }), !facts.pending.contains(key), facts.pending.count < 64, !branches(f) else { return .any }
        if let known = facts.calls[key] {
            if let problem = known.problem { report(problem.message, call.range, notes: problem.notes) }
            return known.type
        }
        facts.pending.insert(key)
        defer { facts.pending.remove(key) }
        var copy = self
        copy.diagnostics = []
        copy.checksMembership = false
        copy.source = f.file ?? source
        var scope = Scope()
        for (p, t) in zip(f.params, types) { scope.locals[p] = t }
        let type = copy.check(f.body, scope)
        guard let first = copy.diagnostics.first else {
            facts.calls[key] = (type, nil)
            return type
        }
        let given = zip(f.params, types).filter { $0.1 != .any }.map { "\($0.0) \(article($0.1))" }.joined(separator: ", ")
        var notes = ["with \(given), the body of fn \(f.name) does not check"]
        if let file = f.file {
            let (line, column) = file.location(of: first.range.start)
            notes.append("\(file.name):\(line):\(column): \(file.line(line).trimmingCharacters(in: .whitespaces))")
        }
        report("\(f.name)(…): \(first.message)", call.range, notes: notes)
        facts.calls[key] = (.any, ("\(f.name)(…): \(first.message)", notes))
        return .any
    }

    /// Whether a fn's body, or a fn it calls, chooses between branches.
    func branches(_ f: Definitions.Fn) -> Bool {
        var seen: Set<String> = [f.name]
        var pending = [f.body]
        while let body = pending.popLast() {
            var found = false
            body.forEach { e in
                switch e.kind {
                case .ifThen, .binary(.coalesce, _, _): found = true
                case .call(let name, _):
                    if let g = definitions.fns[name], seen.insert(name).inserted { pending.append(g.body) }
                default: break
                }
            }
            if found { return true }
        }
        return false
    }

    mutating func checkFn(_ s: Statement, _ name: String, _ params: [String], _ body: Expr) {
        checkName(name, s)
        if Builtin.byName[name] != nil { report("'\(name)' is a built-in function and cannot be redefined", s.range) }
        var seen: Set<String> = []
        for p in params where !seen.insert(p).inserted {
            report("fn \(name) has two parameters named '\(p)': the second would hide the first", s.range)
        }
        // Tend calls it with the contact: another count of parameters turned every default
        // cadence off, unsaid.
        if name == "default_cadence", params.count != 1 {
            report("default_cadence takes one parameter, the contact: fn default_cadence(c) = …", s.range)
            return
        }
        // The function may call itself; define it first so that the cycle is what gets reported.
        facts.calls = [:]
        let previous = definitions.fns[name]
        definitions.define(s, resolving: resolutions)
        let deps = checked(body, fnScope(params)).deps
        definitions.keepResolutions(of: s, from: resolutions)
        facts.fnSteps[name] = nil
        let steps = expandedSteps(body, deps)
        definitions.fns[name]?.steps = steps
        switch admit(Definitions.key(.fn, name), deps, steps: steps, s) {
        case .admitted: facts.fnSteps[name] = steps
        case .tooCostly: facts.fnSteps[name] = 1
        case .refused:
            if let previous { definitions.fns[name] = previous } else { _ = definitions.drop(.fn, name) }
            return
        }
        if name == "default_cadence", params.count == 1 {
            var copy = self
            copy.diagnostics = []
            let type = copy.check(body, fnScope(params))
            checkCadenceType(type, body.range)
        }
        if previous != nil { recheckUsers(of: Definitions.key(.fn, name), s) }
    }

    mutating func checkRule(_ s: Statement, _ name: String, _ row: RowName?, _ when: Expr, _ message: Expr, _ priority: Expr?) {
        if name.trimmed.isEmpty { report("a rule needs a name, as in: rule \"call back\" when …", s.range) }
        // A name is a key of the file, whose text ends at a U+0000: "r\u{0}1" and "r\u{0}2"
        // would be one rule.
        if name.unicodeScalars.contains("\u{0}") { report("a rule's name cannot hold the character \\u{0}", s.range) }
        if let row { checkRowName(row, "contacts") }
        let scope = Scope(row: "contacts", named: row?.name)
        currentDeps = []
        expect(when, .bool, scope, "a rule's when condition")
        var deps = currentDeps
        currentDeps = []
        expect(message, .string, scope, "the reminder")
        deps.formUnion(currentDeps)
        var steps = expandedSteps(when, deps) + expandedSteps(message, deps)
        if let priority {
            currentDeps = []
            expect(priority, .number, scope, "the priority")
            deps.formUnion(currentDeps)
            steps += expandedSteps(priority, deps)
        }
        if admit(Definitions.key(.rule, name), deps, steps: steps, s) != .refused { definitions.define(s, resolving: resolutions) }
    }

    mutating func checkScore(_ s: Statement, _ name: String, _ row: RowName?, _ value: Expr) {
        checkName(name, s)
        checkKindClash(name, .score, s)
        if Schema.contacts.field(name) != nil {
            report("'\(name)' is a contact field; a score needs a name of its own", s.range)
        }
        // Defined first, as a fn is, so that a score reading itself is reported as a cycle.
        let previous = definitions.scores[name]
        definitions.define(s, resolving: resolutions)
        currentDeps = []
        if let row { checkRowName(row, "contacts") }
        expect(value, .number, Scope(row: "contacts", named: row?.name), "a score")
        definitions.keepResolutions(of: s, from: resolutions)
        let deps = currentDeps
        if admit(Definitions.key(.score, name), deps, steps: expandedSteps(value, deps), s) == .refused {
            if let previous { definitions.scores[name] = previous } else { _ = definitions.drop(.score, name) }
            return
        }
        if previous != nil { recheckUsers(of: Definitions.key(.score, name), s) }
    }
}

extension Checker {
    /// Each fn's steps per call, for definitions that were never checked (stored by an older
    /// Tend): the interpreter refuses a call past `maxSteps` with these.
    public static func steps(of definitions: Definitions) -> [String: Int] {
        var checker = Checker(definitions: definitions)
        for (name, f) in definitions.fns where checker.facts.fnSteps[name] == nil {
            checker.facts.fnSteps[name] = checker.expandedSteps(f.body, checker.dependencies[Definitions.key(.fn, name)] ?? [])
        }
        return checker.facts.fnSteps
    }
}

extension Int {
    /// 1,000,000: a limit as it is written in messages.
    var formatted: String {
        let digits = String(self)
        var out = ""
        for (i, c) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(c)
        }
        return out
    }
}
