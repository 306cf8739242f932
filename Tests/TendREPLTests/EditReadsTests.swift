import Foundation
import Testing

@testable import TendCore
@testable import TendREPL
@testable import TendStore

/// A change to one event or one contact reads that event or the contact's own, not every event
/// (a `remove interaction 5` at 1,000,000 interactions held 394 MB, a handle's rename 504 MB):
/// the same answers and the same database as from every event in memory.
@Suite struct EditReadsTests {
    static let today = MoneyReportReadsTests.today

    /// What a statement answers, in words: its texts, or its error's message.
    static func answer(_ interpreter: Interpreter, _ text: String) -> String {
        do {
            let outputs = try interpreter.execute(Parser.parse(Source(name: "e", text: text)).statements[0])
            return outputs.map { if case .text(let t) = $0 { t } else { "\($0)" } }.joined(separator: "\n")
        } catch let d as Diagnostic {
            return "error: " + d.message
        } catch {
            return "error: \(error)"
        }
    }

    @Test func aChangeToOneEventOrContactReadsItsOwn() throws {
        let (file, h) = try MoneyReportReadsTests.sampleNetwork(seed: 9)
        try MoneyReportReadsTests.run(
            """
            introduce @\(h[2]) and @\(h[3]) note: "both sail"
            refer "Ana Park" to @\(h[4]) value: 120
            spend 40 at @\(h[5])
            goal "Lunch with @\(h[1])" metric: count(interactions where @\(h[1]) in people) target: 2 per month
            """, on: file)
        let net = try Store(path: file).network()
        let (referral, spend) = (net.referrals.last!.id, net.spending.last!.id)
        let statements = [
            "remove interaction 5", "set interaction 6 quality: 3 note: \"moved\"", "remove interaction 999999",
            "set interaction 999999 quality: 2", "set referral \(referral) status: \"won\"", "remove spend \(spend)",
            "set spend \(spend) amount: 55", "remove @\(h[2])", "set @\(h[1]) handle: \"renamed-x\"", "set @\(h[6]) uid: \"abc-123\"",
            "remove goal \"Lunch\"",
        ]
        for statement in statements {
            let copy = DumpTests.path("c.db")
            try FileManager.default.copyItem(atPath: file, toPath: copy)
            let store = try Store(path: copy)
            let session = try Session(store: store, today: Self.today, console: DumpTests.quiet)
            let memory = MemoryModel(try Store(path: file).network())
            let fromMemory = Self.answer(Interpreter(model: memory, today: Self.today), statement)
            #expect(Self.answer(session.interpreter, statement) == fromMemory, "\(statement)")
            #expect(try store.network(events: false).interactions.isEmpty, "\(statement) read every event")
            // The database holds what the model holding every event holds.
            let stored = try Store(path: copy).network()
            #expect(stored.interactions.map(\.id) == memory.data.interactions.map(\.id), "\(statement)")
            #expect(stored.contacts.map(\.handle) == memory.data.contacts.map(\.handle), "\(statement)")
            #expect(stored.goals.map(\.metric) == memory.data.goals.map(\.metric), "\(statement)")
            #expect(stored.spending.map(\.amount) == memory.data.spending.map(\.amount), "\(statement)")
        }
    }
}
