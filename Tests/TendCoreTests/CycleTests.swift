import Testing

@testable import TendCore

/// Rules, scores, goals' metrics and the default cadence are evaluated by the agenda, `why`,
/// `progress`, the goals' values and every contact's cadence: one that reads what evaluates it
/// would loop until the stack overflows. The checker refuses it where it is defined, and a
/// stored one (an older Tend's, or written by hand) stops at run time with words.
@Suite struct CycleTests {
    /// The first diagnostic of checking `text` after the prelude, as (message, line, column).
    func firstError(_ text: String) -> (String, Int, Int)? {
        let parsed = Parser.parse(Source(name: "t", text: text))
        var checker = Checker(definitions: Harness.checkedPrelude)
        checker.check(parsed.statements)
        guard let d = (parsed.diagnostics + checker.diagnostics).first else { return nil }
        return (d.message, d.lineColumn.0, d.lineColumn.1)
    }

    @Test(
        arguments: [
            // The two found: each crashed every later command once stored.
            ("rule \"rr\" when count(why it) > 0 then remind \"x\"", "rule \"rr\" reads why, which evaluates every rule", 1, 1),
            (
                "goal \"Loop\" metric: count(progress) target: 1 per month", "goal \"Loop\" reads progress, which evaluates every goal's metric",
                1, 21
            ),
            // Through fns, lets and scores, with the path named.
            (
                "fn f(c) = count(agenda)\nrule \"x\" when f(it) > 0 then remind \"y\"",
                "rule \"x\" reads agenda through fn f, which evaluates every rule",
                2, 1
            ),
            (
                "let top = agenda limit 3\nfn f(c) = c in top\nscore s = if f(it) then 1 else 0",
                "score s reads agenda through fn f → let top, which evaluates every rule", 3, 1
            ),
            (
                "fn busy() = count(goals where value > 0)\nrule \"x\" when busy() > 0 then remind \"y\"",
                "rule \"x\" reads goals through fn busy, whose value evaluates every goal's metric", 2, 1
            ),
            (
                "fn default_cadence(c) = if count(who is overdue) > 5 then 1w else 2w",
                "fn default_cadence reads who is overdue, which evaluates every contact's cadence", 1, 1
            ),
            (
                "goal \"G\" metric: count(agenda) target: 3 per week", "goal \"G\" reads agenda, which evaluates every rule", 1, 18
            ),
            (
                "rule \"r\" when count(report money) > 0 then remind \"y\"", "rule \"r\" reads report, which works over every contact's figures", 1,
                1
            ),
            // Through a fn's parameter read as a contact (its type unknown where the fn is defined).
            (
                "fn wo(c) = 1\nscore priority = wo(it)\nfn wo(c) = c.priority",
                "definitions cannot refer to themselves (the language always terminates): fn wo → score priority → fn wo", 3, 1
            ),
            (
                "fn default_cadence(c) = if c.overdue > 1w then 1w else 2w",
                "definitions cannot refer to themselves (the language always terminates): fn default_cadence → fn default_cadence", 1, 1
            ),
            // A fn that rules already use, changed to read the agenda.
            (
                "fn f(c) = 1\nrule \"x\" when f(it) > 0 then remind \"y\"\nfn f(c) = count(agenda)",
                "rule \"x\" reads agenda through fn f, which evaluates every rule", 3, 1
            ),
        ] as [(String, String, Int, Int)])
    func refusedWhereDefined(_ text: String, _ message: String, _ line: Int, _ column: Int) throws {
        let (m, l, c) = try #require(firstError(text), "no error for \(text)")
        #expect(m == message)
        #expect((l, c) == (line, column), "\(m) at \(l):\(c)")
    }

    /// A let or fn that reads an evaluator is fine on its own: only what the evaluators
    /// evaluate may not reach one.
    @Test func scriptsMayStillReadTheEvaluators() throws {
        for text in [
            "let top = agenda limit 5", "fn behind() = count(progress where status == \"behind\")", "let g = goals",
            "print count(why @x)", "fn f(c) = c in (who is overdue)",
        ] {
            #expect(firstError(text) == nil, "\(text): \(firstError(text)!)")
        }
    }

    /// Every evaluator, reached by every kind of evaluated definition directly, through a fn and
    /// through a let: each is refused where it is defined, and, stored without checking,
    /// stops with a run-time error when evaluated; none crashes.
    @Test func everyEvaluatorFromEveryEvaluatedDefinition() throws {
        let readers = [
            "count(agenda)", "count(why @ann-lee)", "count(progress)", "count(goals)", "count(report network)",
            "count(who is overdue)",
        ]
        for reader in readers {
            // An aggregate's first argument names the collection even where a contact is in view.
            for via in ["direct", "fn", "let"] {
                let prefix: String
                let use: String
                switch via {
                case "fn": (prefix, use) = ("fn reach(c) = \(reader)\n", "reach(it)")
                case "let": (prefix, use) = ("let reach = \(reader)\n", "reach")
                default: (prefix, use) = ("", reader)
                }
                let useOutsideRow = use == "reach(it)" ? "reach(null)" : use
                let definitions = [
                    "rule \"loop\" when \(use) >= 0 then remind \"x\"",
                    "score loop = \(use)",
                    "fn default_cadence(c) = if \(use == "reach(it)" ? "reach(c)" : use) > 100 then 1w else 2w",
                    "goal \"Loop\" metric: \(useOutsideRow) target: 1 per month",
                ]
                for d in definitions {
                    let text = prefix + d
                    // `who is overdue` evaluates the default cadence alone: the others may read it,
                    // as they may read `contacts where overdue > 0d` (b87).
                    if reader == "count(who is overdue)", !d.hasPrefix("fn default_cadence") {
                        #expect(firstError(text) == nil, "\(text): \(firstError(text)!)")
                        try storedAndRun(text)
                        continue
                    }
                    let (message, _, _) = try #require(firstError(text), "not refused: \(text)")
                    #expect(message.contains(" reads "), "\(text): \(message)")
                    try storedAndRun(text)
                }
            }
        }
    }

    /// Defines `text` the way an older Tend stored it (parsed, never checked), then runs every
    /// statement that evaluates rules, scores, metrics and cadences: each ends, with a value or
    /// a worded run-time error.
    func storedAndRun(_ text: String) throws {
        let h = Harness()
        try h.run(
            """
            add "Ann Lee" +vip
            add "Bo Kim" cadence: 1w, created: 2026-01-01
            log call with @ann-lee on 2026-11-01
            goal "Meet" metric: count(interactions) target: 2 per month
            """)
        var definitions = h.interpreter.definitions
        var goals: [Statement] = []
        for s in Parser.parse(Source(name: "stored", text: text)).statements {
            if case .goal = s.kind { goals.append(s) } else { definitions.define(s) }
        }
        h.interpreter.definitions = definitions
        for g in goals { _ = try h.interpreter.execute(g) }
        for statement in ["agenda", "why @ann-lee", "progress", "goals", "who is overdue", "@bo-kim.overdue", "contacts show loop"] {
            do {
                _ = try h.run(statement)
            } catch let d as Diagnostic {
                #expect(d.kind == .runtime || d.kind == .type, "\(text) / \(statement): \(d.kind) \(d.message)")
            }
        }
    }

    /// A stored definition that reads itself, at run time: a worded error, not a crash.
    @Test(
        arguments: [
            ("fn f(x) = f(x) + 1", "f(1)", "functions call each other too deeply"),
            ("let a = a + 1", "a", "let a reads itself (a cycle): drop or redefine it"),
            ("score s = s + 1", "@ann-lee.s", "score s reads itself (a cycle): drop or redefine it"),
            (
                "rule \"rr\" when count(why it) > 0 then remind \"x\"", "agenda",
                "rule \"rr\" reads why, which evaluates every rule: a cycle; drop or redefine the rule"
            ),
        ])
    func storedSelfReferenceStopsWithWords(_ definition: String, _ statement: String, _ message: String) throws {
        let h = Harness()
        try h.run("add \"Ann Lee\"")
        var definitions = h.interpreter.definitions
        for s in Parser.parse(Source(name: "stored", text: definition)).statements { definitions.define(s) }
        h.interpreter.definitions = definitions
        let statements = Parser.parse(Source(name: "t", text: statement)).statements
        do {
            _ = try h.interpreter.execute(statements[0])
            Issue.record("no error for \(definition)")
        } catch let d as Diagnostic {
            #expect(d.kind == .runtime)
            #expect(d.message == message)
        }
    }
}
