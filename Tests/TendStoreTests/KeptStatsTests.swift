import Foundation
import Testing

@testable import TendCore
@testable import TendStore

/// A warm session keeps every contact's figures between statements: after each change they
/// are what summing every event again gives.
@Suite struct KeptStatsTests {
    /// Every contact's figures summed from nothing.
    static func summed(_ store: Store) throws -> [Int64: ContactStats] {
        try store.read { try Store.stats($0, today: day) }
    }

    /// Every contact's figures are kept at once (100,000 in a large network): 80 bytes each,
    /// counts and days in 32 bits, read back as they were written.
    @Test func figuresAreKeptCompactly() {
        #expect(MemoryLayout<ContactStats>.stride <= 80)
        var s = ContactStats()
        #expect(s.lastTouch == nil && s.stageSince == nil && s.touches == 0)
        s.lastTouch = Day.last
        s.stageSince = Day.first
        s.gave = 2_000_000_000
        s.asked = Int.max
        #expect(s.lastTouch == Day.last && s.stageSince == Day.first && s.gave == 2_000_000_000 && s.asked == Int(Int32.max))
        s.lastTouch = nil
        #expect(s.lastTouch == nil && s != ContactStats())
    }

    @Test func keptFiguresFollowEveryKindOfChange() throws {
        let store = try Store(path: nil)
        try SampleNetwork(size: 120, seed: 3, today: day).write(to: store)
        let net = try store.network(events: false)
        let (a, b, c) = (net.contacts[0].id, net.contacts[1].id, net.contacts[2].id)
        #expect(try store.contactStats(today: day) == (try Self.summed(store)))
        var later = Interaction(kind: "lunch", on: day.adding(days: -2), people: [a, b])
        later.gave = true
        var moved = net.contacts[1]
        moved.stage = .profitability
        var pat = Me()
        pat.name = "Pat"
        let changes: [(String, () throws -> Int64?)] = [
            ("a lunch with two", { try store.apply(.insertInteraction(later)) }),
            ("a new contact", { try store.apply(.insertContact(Contact(name: "New One", handle: "new-one", created: day))) }),
            ("a stage set", { try store.apply(.updateContact(moved, fields: ["stage"])) }),
            ("a referral", { try store.apply(.insertReferral(Referral(direction: .given, contact: c, on: day))) }),
            ("an introduction", { try store.apply(.insertIntroduction(Introduction(a: a, b: c, on: day.adding(days: -1)))) }),
            ("spending", { try store.apply(.insertSpend(Spend(contact: b, amount: Decimal(string: "99.50")!, on: day))) }),
            ("a stage change", { try store.apply(.insertStageChange(StageChange(contact: c, stage: .credibility, on: day))) }),
            ("an edge", { try store.apply(.insertKnows(a, net.contacts[5].id)) }),
            ("me", { try store.apply(.setMe(pat)) }),
        ]
        var lunch: Int64?
        for (name, change) in changes {
            let id = try change()
            if name == "a lunch with two" { lunch = id }
            #expect(try store.contactStats(today: day) == (try Self.summed(store)), "after \(name)")
            #expect(try store.contactStats(of: [a, b, c], today: day) == (try Self.summed(store)).filter { [a, b, c].contains($0.key) }, "after \(name)")
        }
        // Changes whose reach is wider drop what was kept.
        var earlier = try #require(try store.network().interactions.first { $0.id == lunch })
        store.forget()
        _ = try store.contactStats(today: day)
        earlier.on = day.adding(days: -400)
        try store.apply(.updateInteraction(earlier, fields: ["on"]))
        #expect(try store.contactStats(today: day) == (try Self.summed(store)), "after a date moved")
        try store.apply(.mergeContact(from: c, into: a))
        #expect(try store.contactStats(today: day) == (try Self.summed(store)), "after a merge")
        try store.apply(.deleteEvent(.interaction, try #require(lunch)))
        try store.apply(.deleteContact(b))
        #expect(try store.contactStats(today: day) == (try Self.summed(store)), "after deletions")
        // Another day is summed again.
        #expect(try store.contactStats(today: day.adding(days: 200)) == (try store.read { try Store.stats($0, today: day.adding(days: 200)) }))
    }

    /// The figures are kept indeed (a write behind the store's back is not seen), and dropped
    /// by a rollback and by another process's commit.
    @Test func keptFiguresAreDroppedWhenTheDatabaseMovesUnderThem() throws {
        let path = tempPath("kept.db")
        let store = try Store(path: path)
        try SampleNetwork(size: 60, seed: 9, today: day).write(to: store)
        let a = try store.network(events: false).contacts[0].id
        let before = try #require(try store.contactStats(today: day))
        try store.db.inDatabase { try $0.execute(sql: #"UPDATE interactions SET "on" = '2026-11-22'"#) }
        #expect(try store.contactStats(today: day) == before)
        store.forget()
        let after = try #require(try store.contactStats(today: day))
        #expect(after != before)
        #expect(after == (try Self.summed(store)))

        try store.begin()
        try store.apply(.insertInteraction(Interaction(kind: "call", on: day, people: [a])))
        #expect(try store.contactStats(today: day)?[a]?.lastTouch == day)
        store.rollback()
        #expect(try store.contactStats(today: day) == after)

        _ = try store.refresh()
        let other = try Store(path: path)
        try other.apply(.insertInteraction(Interaction(kind: "visit", on: day, people: [a])))
        other.close()
        #expect(try store.refresh())
        #expect(try store.contactStats(today: day) == (try Self.summed(store)))
        #expect(try store.contactStats(today: day)?[a]?.lastTouch == day)
    }
}
