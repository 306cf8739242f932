import Testing

@testable import TendCore

/// `id: N` on a new event, which a dump writes on an event after a gap, in the core: the writer
/// numbers only what the next insert would not, and the memory model takes the number or
/// refuses it where it is written.
@Suite struct EventIDTests {
    /// An event after a gap says its number; one that follows its predecessor does not. Stage
    /// changes count after those `add … stage:` records.
    @Test func theWriterNumbersOnlyAfterAGap() throws {
        var net = Network()
        net.apply(.insertContact(Contact(name: "Ann", handle: "ann", created: testToday)))
        for id: Int64 in [1, 2, 5, 6, 9] {
            var i = Interaction(kind: "call", on: testToday, people: [1])
            i.id = id
            net.apply(.insertInteraction(i))
        }
        var s = StageChange(contact: 1, stage: .visibility, on: testToday)
        s.id = 3
        net.apply(.insertStageChange(s))
        let lines = try ScriptWriter.eventLines(net, { _ in "@ann" }, stagesAdded: 2).filter { $0.hasPrefix("log") || $0.hasPrefix("set") }
        #expect(
            lines == [
                "set @ann stage: visibility on 2026-11-23",
                "log call with @ann on 2026-11-23", "log call with @ann on 2026-11-23",
                "log call with @ann on 2026-11-23 id: 5", "log call with @ann on 2026-11-23",
                "log call with @ann on 2026-11-23 id: 9",
            ])
    }

    /// A correction finds its event by id whether the events are in id order (a binary search)
    /// or not (an event logged with a lower `id:` after others): each update lands on its event.
    @Test func aCorrectionFindsItsEventInAnyOrder() {
        var net = Network()
        net.apply(.insertContact(Contact(name: "Ann", handle: "ann", created: testToday)))
        for id: Int64 in [4, 9, 2, 12, 7, 1] {
            var i = Interaction(kind: "call", on: testToday, people: [1])
            i.id = id
            net.apply(.insertInteraction(i))
        }
        for id: Int64 in [1, 2, 4, 7, 9, 12, 99] {
            var i = Interaction(kind: "lunch", on: testToday, people: [1])
            i.id = id
            net.apply(.updateInteraction(i, fields: ["kind"]))
        }
        #expect(net.interactions.map(\.id) == [4, 9, 2, 12, 7, 1])
        #expect(net.interactions.allSatisfy { $0.kind == "lunch" })
        let sorted: [Interaction] = (1...50).map { n in
            var i = Interaction(kind: "call", on: testToday, people: [1])
            i.id = Int64(n * 2)
            return i
        }
        for n in 1...100 { #expect(Network.position(of: Int64(n), in: sorted) == (n % 2 == 0 ? n / 2 - 1 : nil)) }
    }

    @Test func anEventTakesTheNumberItIsGiven() throws {
        let h = Harness()
        try h.run("add \"Ann Ash\"\nlog call with @ann-ash id: 7\nlog lunch with @ann-ash")
        #expect(h.model.data.interactions.map(\.id) == [7, 8])
        #expect(throws: Diagnostic.self) { try h.run("log coffee with @ann-ash id: 7") }
        do {
            try h.run("spend 3 at @ann-ash id: 2\nspend 4 at @ann-ash id: 2", name: "s")
        } catch let d as Diagnostic {
            #expect(d.message == "spend 2 is taken: an id gives a new event a number no other has")
            #expect(d.source?.slice(d.range) == "id: 2")
        }
        #expect(h.model.data.interactions.count == 2)
    }
}
