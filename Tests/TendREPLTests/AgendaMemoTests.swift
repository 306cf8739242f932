import Foundation
import Testing

@testable import TendCore
@testable import TendREPL
@testable import TendStore

/// A warm session keeps each contact's agenda items between statements and works out again
/// only those of the contacts a write touched (`AgendaMemo`). Whatever a script writes, the
/// warm agenda must be the agenda a fresh session works out from the database.
@Suite struct AgendaMemoTests {
    static let today = Day(year: 2026, month: 11, day: 23)!
    typealias Output = ConcurrencyTests.Output

    static func session(_ path: String, _ output: Output) throws -> Session {
        let console = Console(out: { output.out.append($0) }, err: { output.err.append($0) })
        return try Session(store: try Store(path: path), today: today, renderer: Renderer(format: .csv), console: console)
    }

    @discardableResult
    static func run(_ session: Session, _ output: Output, _ text: String, readOnly: Bool = false) -> String {
        output.out = []
        output.err = []
        let status = session.runScripts([Source(name: "<repl>", text: text)], bail: false, readOnly: readOnly)
        #expect(status == .success, "\(text): \(output.err)")
        return output.out.joined(separator: "\n")
    }

    /// Writes of every kind, each followed by the agenda in the warm session and in a fresh one.
    /// Rules that read more than their contact (every lunch, a let over every contact, another
    /// contact's field) are among them: their items change with writes that touch others.
    @Test func theWarmAgendaIsTheAgendaWorkedOutAfresh() throws {
        let path = ConcurrencyTests.path()
        // A session makes the database (with the prelude's rules), then the sample fills it.
        try SampleNetwork(size: 120, seed: 5, interactionsPerContact: 3, today: Self.today).write(to: try Self.session(path, Output()).store as! Store)
        let handles = try Store(path: path).network(events: false).contacts.prefix(12).map { "@" + $0.handle }
        let h = handles
        let steps = [
            "log call with \(h[0])", "refer \"Ana Park\" to \(h[1])", "referral from \(h[2]) about \"Bo\"",
            "introduce \(h[3]) and \(h[4])", "spend 900 at \(h[5])", "knows \(h[6]) \(h[7])",
            "set \(h[8]) stage: profitability, next_step: \"call\", next_due: 2026-11-01", "snooze \(h[9]) 2w",
            "add \"Zed New\" stage: credibility", "log lunch with \(h[10]) pitch", "log coffee with \(h[11]) asked",
            "agenda by item\ndone 1",
            "rule \"tea club\" when stage == credibility and count(interactions where kind == \"tea\") > 0 then remind \"tea {name}\"",
            "log tea with \(h[0])", "log lunch with \(h[1]), \(h[2])", "drop rule \"tea club\"", "log email with \(h[2]) gave",
            "let golfers = count(contacts where +golfer)\nrule \"golf\" when golfers > 0 and stage == visibility then remind \"golf {name}\"",
            "set \(h[3]) +golfer", "set \(h[4]) stage: profitability", "drop rule \"golf\"\ndrop let golfers",
            "rule \"friend of\" when \(h[5]).last_touch == today and stage == visibility then remind \"ask {name}\"",
            "log call with \(h[5])", "log call with \(h[6])", "drop rule \"friend of\"",
            "fn spend_this_year(c) = sum(spending where contact == c, amount)", "spend 50 at \(h[3])",
            "remove \(h[4])", "log call with \(h[5])", "merge \(h[6]) into \(h[7])", "set me name: \"Me\"", "log call with \(h[8])",
            "set interaction 1 quality: 5", "reset rules", "log call with \(h[9])",
        ]
        let output = Output()
        let warm = try Self.session(path, output)
        Self.run(warm, output, "agenda all")
        var memoised = 0
        for step in steps {
            Self.run(warm, output, step)
            let kept = Self.run(warm, output, "agenda by item all\ncount(agenda)")
            if warm.interpreter.keptAgenda != nil { memoised += 1 }
            let freshOutput = Output()
            // Read only: a write (the agenda's numbers) would make the warm session drop its memo.
            let fresh = Self.run(try Self.session(path, freshOutput), freshOutput, "agenda by item all\ncount(agenda)", readOnly: true)
            #expect(kept == fresh, "after \(step)")
            #expect(kept.split(separator: "\n").count > 20)
        }
        // The prelude's rules read only their contact's own: most agendas came from the memo.
        #expect(memoised > steps.count / 2)
    }

    /// The memo is made only for rules that read nothing but their contact's own.
    @Test(arguments: [
        ("rule \"r\" when touches > 2 then remind \"{name}\"", true),
        ("rule \"r\" as c when count(interactions where c in people and kind == \"lunch\") > 1 then remind \"x\"", true),
        ("fn mine(c) = sum(spending where contact == c, amount)\nrule \"r\" when mine(it) > 10 then remind \"x\" priority mine(it)", true),
        ("let lead = 7d\nrule \"r\" when days_until(birthday) <= days(lead) then remind \"x\"", true),
        ("rule \"r\" when count(interactions where kind == \"lunch\") > 1 then remind \"x\"", false),
        ("rule \"r\" as c when count(interactions where c in people or pitch) > 1 then remind \"x\"", false),
        ("let n = count(contacts)\nrule \"r\" when n > 1 then remind \"x\"", false),
        ("rule \"r\" when @dana-lee.touches > 1 then remind \"x\"", false),
        ("rule \"r\" when me.name == name then remind \"x\"", false),
        ("rule \"r\" when count(served_by(\"golf\")) > 1 then remind \"x\"", false),
        ("rule \"r\" as c when max(interactions where c in people, contact) != c then remind \"x\"", false),
        ("rule \"r\" as c when count(interactions where c in people and contact.touches > 1) > 0 then remind \"x\"", false),
        ("score priority = touches + count(contacts)\nrule \"r\" when touches > 1 then remind \"x\"", false),
        ("fn default_cadence(c) = if count(contacts) > 3 then 1w else 2w\nrule \"r\" when touches > 1 then remind \"x\"", false),
    ])
    func localityOfRules(_ text: String, _ local: Bool) throws {
        var checker = Checker(definitions: Definitions())
        let parsed = Parser.parse(Source(name: "rules.tend", text: text))
        #expect(parsed.diagnostics.isEmpty, "\(parsed.diagnostics)")
        checker.check(parsed.statements)
        #expect(checker.diagnostics.isEmpty, "\(checker.diagnostics)")
        let definitions = checker.definitions
        var locality = Locality(definitions: definitions) { definitions.resolutions[$0] }
        #expect(locality.rulesAreLocal() == local, "\(text)")
    }
}
