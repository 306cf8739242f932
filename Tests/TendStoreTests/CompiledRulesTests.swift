import Foundation
import Testing

@testable import TendCore
@testable import TendStore

/// The agenda evaluates rules, scores and fns through closures made once per run
/// (`Interpreter.compiled`); walking the tree (`eval`) must give the same value, or the same
/// error, for every part of every rule and every contact.
@Suite struct CompiledRulesTests {
    /// Rules beyond the prelude's, reaching each kind of node the closures are made for.
    static let rules = """
        fn bump(c) = if c.touches > 3 then 2 else -1
        fn third(n) = n / 3
        fn tagged(c, t) = t in c.tags and not ("board" in c.tags)
        rule "tags" when +vip or -connector and "golf" in interests
          then remind "{name} ({tags}; {interests})" priority bump(it) + third(4)
        rule "lists" when "local" in tags or tagged(it, "alumni") or "Rotary" not in networks
          then remind "{upper(name)}: {plural(touches, "touch")}" priority round(gave / 3, 1) - touches
        rule "dates" when (last_touch ?? created) < today - 30d and days_until(birthday ?? next_date(created)) < 400
          then remind "since {last_touch ?? created}, due {due}" priority days(overdue) % 7
        rule "off the calendar" when touches > 2 and today + touches * 3000y > today
          then remind "never"
        rule "text" when name ~ "an" and company != null and lower(company) in ["acme", "summit"]
          then remind "{name} at {company ?? "nowhere"}" priority if expert then 1 else 0
        rule "counts" when count(interactions where it in people and kind == "lunch") > 1
          then remind "{name} had lunches" priority -(referrals_given - referrals_received)
        """

    @Test func closuresGiveWhatTheTreeGives() throws {
        let store = try Store(path: nil)
        try SampleNetwork(size: 300, seed: 11, today: day).write(to: store)
        var checker = Checker(definitions: Definitions())
        checker.check(Prelude.statements)
        let parsed = Parser.parse(Source(name: "rules.tend", text: Self.rules))
        #expect(parsed.diagnostics.isEmpty)
        checker.check(parsed.statements)
        #expect(checker.diagnostics.isEmpty, "\(checker.diagnostics)")
        let interpreter = Interpreter(model: store, today: day, definitions: checker.definitions)
        interpreter.startStatement()
        #expect(interpreter.definitions.rules.count > 6)
        func outcome(_ body: () throws -> Value) -> String {
            do { return "\(try body())" } catch { return "error: \(error)" }
        }
        var compared = 0
        var errors = 0
        for c in try store.network(events: false).contacts {
            for rule in interpreter.definitions.rules {
                let ctx = Interpreter.Ctx(row: .contact(c.id), naming: rule.row)
                for part in [rule.when, rule.message] + (rule.priority.map { [$0] } ?? []) {
                    let walked = outcome { try interpreter.within(rule.file) { try interpreter.eval(part, ctx) } }
                    let closed = outcome { try interpreter.within(rule.file) { try interpreter.compiled(part)(ctx) } }
                    #expect(walked == closed, "rule \(rule.name), @\(c.handle)")
                    compared += 1
                    if walked.hasPrefix("error") { errors += 1 }
                }
            }
            let score = outcome { try interpreter.contactField(c.id, "priority", .none) }
            #expect(!score.hasPrefix("error"), "\(score)")
        }
        #expect(compared > 3000)
        // Some contacts' dates leave the calendar: the errors are compared too.
        #expect(errors > 0)
    }

    @Test func closuresGoWhenTheDefinitionsChange() throws {
        let store = try Store(path: nil)
        try SampleNetwork(size: 20, seed: 2, today: day).write(to: store)
        var checker = Checker(definitions: Definitions())
        checker.check(Parser.parse(Source(name: "a", text: "fn w(c) = 1\nrule \"r\" when w(it) > 0 then remind \"x\" priority w(it)")).statements)
        let interpreter = Interpreter(model: store, today: day, definitions: checker.definitions)
        interpreter.startStatement()
        let rule = try #require(interpreter.definitions.rules.first)
        let id = try #require(try store.network(events: false).contacts.first?.id)
        #expect(try interpreter.compiled(try #require(rule.priority))(Interpreter.Ctx(row: .contact(id))).numberValue == 1)
        // A fn redefined: the rule's closures read the new body.
        var redefine = Checker(definitions: interpreter.definitions)
        redefine.check(Parser.parse(Source(name: "b", text: "fn w(c) = 5")).statements)
        interpreter.definitions = redefine.definitions
        #expect(try interpreter.compiled(try #require(rule.priority))(Interpreter.Ctx(row: .contact(id))).numberValue == 5)
    }
}
