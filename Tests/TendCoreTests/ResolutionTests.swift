import Testing

@testable import TendCore

/// What the checker resolves lives beside the tree: in the checker's table, handed on with the
/// program, and in the definitions', for their bodies.
@Suite struct ResolutionTests {
    /// Every bare name in a statement's expressions.
    static func names(in s: Statement) -> [Expr] {
        var found: [Expr] = []
        for root in s.kind.exprs {
            root.forEach { e in if case .name = e.kind { found.append(e) } }
        }
        return found
    }

    /// A definition keeps what its body's names are, fns and scores too (they are defined
    /// before their bodies are checked, so that one reading itself is a cycle).
    @Test(
        arguments: [
            "fn f(c) = if c.expert then c.city else \"x\"", "score s = if expert then 2 else 1", "let l = contacts where stage == credibility",
            "rule \"r\" when stage == credibility then remind \"x\"",
        ])
    func definitionsKeepTheirBodiesResolutions(_ text: String) throws {
        let parsed = Parser.parse(Source(name: "t", text: text))
        var checker = Checker(definitions: Harness.checkedPrelude)
        checker.check(parsed.statements)
        #expect(parsed.diagnostics.isEmpty && checker.diagnostics.isEmpty, "\(checker.diagnostics)")
        let names = ResolutionTests.names(in: parsed.statements[0])
        #expect(!names.isEmpty)
        for n in names {
            #expect(checker.definitions.resolutions[n] != .unresolved, "\(text): \(n.kind)")
            #expect(checker.definitions.resolutions[n] == checker.resolutions[n])
        }
    }

    /// The prelude's default cadence reads only its contact: with the definitions' resolutions
    /// the planner sees that, and lets the store select the contacts.
    @Test func thePlannerReadsTheDefinitionsResolutions() throws {
        let source = Source(name: "q", text: "contacts where profession == \"salon\"")
        let parsed = Parser.parse(source)
        var checker = Checker(definitions: Definitions())
        checker.check(parsed.statements)
        guard case .expr(let e) = parsed.statements[0].kind, case .query(let q) = e.kind else {
            Issue.record("no query")
            return
        }
        #expect(Harness.checkedPrelude.fns["default_cadence"] != nil)
        let offer: (AccessRequest) throws -> AccessOffer = { PlannerTests.store.offer($0) }
        let plan = try Planner(definitions: Harness.checkedPrelude, resolutions: checker.resolutions, offer: offer).plan(q)
        guard case .selectContacts = plan.access else {
            Issue.record("\(plan.access)")
            return
        }
    }
}
