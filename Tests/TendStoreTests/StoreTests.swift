import Foundation
import Testing
@testable import TendCore
@testable import TendStore

let day = Day(year: 2026, month: 11, day: 23)!

func tempPath(_ name: String) -> String {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tend-store-\(UUID().uuidString)")
    try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    return dir.appendingPathComponent(name).path
}

/// Writes a change, reloads the network from SQL, and returns it.
func roundTrip(_ store: Store, _ change: Change) throws -> (Int64?, Network) {
    let id = try store.apply(change)
    let fresh = try Store.load(fromQueueOf: store)
    return (id, fresh)
}

extension Store {
    static func load(fromQueueOf store: Store) throws -> Network { try store.db.inDatabase { try Store.load($0) } }
}

@Suite struct StoreTests {
    @Test func contactsRoundTripEveryField() throws {
        let store = try Store(path: nil)
        var c = Contact(name: "José Núñez", handle: "jose-nunez", created: day)
        c.company = "Acme"
        c.title = "Owner"
        c.profession = "salon"
        c.email = "j@x.org"
        c.phone = "+1 555"
        c.city = "Irvine"
        c.tags = ["vip", "local"]
        c.metAt = "gym"
        c.metOn = Day(year: 2020, month: 2, day: 29)
        c.relationship = "vendor"
        c.isInternal = true
        c.stage = .credibility
        c.cadence = Duration(months: 1, days: 3)
        c.nextStep = "lunch"
        c.nextDue = day
        c.goals = ["grow"]
        c.accomplishments = ["award \"best\""]
        c.interests = ["fly\nfishing"]
        c.networks = ["Rotary"]
        c.skills = ["cuts"]
        c.serves = ["retired empty nesters"]
        c.expert = true
        c.passionate = true
        c.honorsReferrals = true
        c.notes = "note"
        c.snoozedUntil = day
        let (id, net) = try roundTrip(store, .insertContact(c))
        c.id = id!
        #expect(net.contacts == [c])
        c.tags = []
        c.company = nil
        let (_, net2) = try roundTrip(store, .updateContact(c))
        #expect(net2.contacts == [c])
    }

    @Test func everyEntityAndCascade() throws {
        let store = try Store(path: nil)
        let a = try store.apply(.insertContact(Contact(name: "A", handle: "a", created: day)))!
        let b = try store.apply(.insertContact(Contact(name: "B", handle: "b", created: day)))!
        try store.apply(.insertStageChange(StageChange(contact: a, stage: .visibility, on: day)))
        var i = Interaction(kind: "lunch", on: day, people: [a, b])
        i.note = "n"
        i.quality = 4
        i.gave = true
        try store.apply(.insertInteraction(i))
        var r = Referral(direction: .given, contact: a, on: day)
        r.value = Decimal(string: "120.55")
        r.about = "Mike"
        try store.apply(.insertReferral(r))
        try store.apply(.insertIntroduction(Introduction(a: a, b: b, on: day)))
        try store.apply(.insertSpend(Spend(contact: a, amount: Decimal(string: "85.10")!, on: day)))
        try store.apply(.insertKnows(b, a))
        var me = Me()
        me.profession = "realtor"
        me.preferredClient = ["retired empty nesters", "first-time buyers"]
        try store.apply(.setMe(me))
        try store.apply(.setMarket(Market(name: "m", servedBy: ["salon"])))
        var g = Goal(name: "g")
        g.metric = "count(interactions)"
        g.target = 12
        g.period = .quarter
        g.helpers = [a]
        try store.apply(.setGoal(g))
        try store.apply(.setDefinition(Definition(kind: .rule, name: "r", source: "rule \"r\" when true then remind \"x\"")))
        var net = try Store.load(fromQueueOf: store)
        #expect(net.stageChanges.count == 1 && net.interactions.first?.people == [a, b] && net.interactions.first?.quality == 4)
        #expect(net.referrals.first?.value == Decimal(string: "120.55"))
        #expect(net.spending.first?.amount == Decimal(string: "85.1"))
        #expect(net.knows.count == 1 && net.knows[0] == (a, b))
        #expect(net.me == me)
        #expect(net.markets == [Market(name: "m", servedBy: ["salon"])])
        #expect(net.goals.first?.helpers == [a] && net.goals.first?.target == 12 && net.goals.first?.period == .quarter)
        #expect(net.definitions.count == 1)
        // Deleting a contact takes its events with it; a shared interaction keeps the other person.
        try store.apply(.deleteContact(a))
        net = try Store.load(fromQueueOf: store)
        #expect(net.contacts.map(\.handle) == ["b"])
        #expect(net.interactions.first?.people == [b])
        #expect(net.referrals.isEmpty && net.introductions.isEmpty && net.spending.isEmpty && net.knows.isEmpty && net.stageChanges.isEmpty)
        #expect(net.goals.first?.helpers == [])
        try store.apply(.deleteContact(b))
        #expect(try Store.load(fromQueueOf: store).interactions.isEmpty)
    }

    @Test func cachedNetworkMatchesTheDatabase() throws {
        let store = try Store(path: nil)
        _ = try store.network()
        let model = MemoryModel()
        let interpreterA = Interpreter(model: store, today: day)
        let interpreterB = Interpreter(model: model, today: day)
        let script = """
            add "A B" +vip
            add "C D"
            log lunch with @a-b and @c-d gave
            introduce @a-b and @c-d
            spend 12.5 at @c-d
            merge @c-d into @a-b
            """
        for s in Parser.parse(Source(name: "t", text: script)).statements {
            var checker = Checker(definitions: Definitions())
            checker.check(s)
            _ = try interpreterA.execute(s)
            _ = try interpreterB.execute(s)
        }
        let cached = try store.network()
        let fresh = try Store.load(fromQueueOf: store)
        #expect(cached.contacts == fresh.contacts)
        #expect(cached.interactions == fresh.interactions)
        #expect(cached.spending == fresh.spending)
        #expect(fresh.contacts == model.data.contacts)
        #expect(fresh.interactions == model.data.interactions)
    }

    @Test func fileIsPrivateAndFailedTransactionsLeaveItUntouched() throws {
        let path = tempPath("t.db")
        do {
            let store = try Store(path: path)
            try store.apply(.insertContact(Contact(name: "A", handle: "a", created: day)))
        }
        var st = stat()
        stat(path, &st)
        #expect(st.st_mode & 0o777 == 0o600)
        let store = try Store(path: path)
        try store.db.inDatabase { try $0.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)") }
        let before = try Data(contentsOf: URL(fileURLWithPath: path))
        try store.begin()
        try store.apply(.insertContact(Contact(name: "B", handle: "b", created: day)))
        #expect(throws: (any Error).self) { try store.apply(.insertContact(Contact(name: "A", handle: "a", created: day))) }
        store.rollback()
        try store.db.inDatabase { try $0.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)") }
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
        #expect(try store.network().contacts.map(\.handle) == ["a"])
    }

    @Test func refusesOtherFiles() throws {
        let path = tempPath("other.db")
        let other = try Store(path: nil)
        _ = other
        // Another program's SQLite file.
        try "".write(toFile: path, atomically: true, encoding: .utf8)
        let q = try GRDBQueue.make(path)
        try q.execute("CREATE TABLE notes (x)")
        #expect(throws: Store.OpenError.self) { try Store(path: path) }
        // Not a database at all.
        let junk = tempPath("junk.db")
        try Data(repeating: 0x41, count: 4096).write(to: URL(fileURLWithPath: junk))
        #expect(throws: (any Error).self) { try Store(path: junk) }
        #expect(try Data(contentsOf: URL(fileURLWithPath: junk)) == Data(repeating: 0x41, count: 4096))
    }

    @Test func sampleNetworkIsDeterministic() throws {
        let a = try Store(path: nil)
        let b = try Store(path: nil)
        let counts = try SampleNetwork(size: 200, seed: 7, today: day).write(to: a)
        try SampleNetwork(size: 200, seed: 7, today: day).write(to: b)
        #expect(counts.contacts == 200 && counts.interactions == 2000)
        let na = try a.network()
        let nb = try b.network()
        #expect(na.contacts == nb.contacts && na.interactions == nb.interactions)
        #expect(!na.referrals.isEmpty && !na.spending.isEmpty && !na.knows.isEmpty && !na.introductions.isEmpty && !na.goals.isEmpty)
    }

    /// The store's SQL figures and its `knows` edges agree with the core's pass over the events,
    /// on a generated network plus the edge cases (notes, future events, several people, a
    /// contact with nothing), for several "todays".
    @Test(arguments: ["2026-11-23", "2026-06-30", "2020-01-01"])
    func storeStatsMatchTheCore(_ todayText: String) throws {
        let today = Day(iso: todayText)!
        let store = try Store(path: nil)
        try SampleNetwork(size: 300, seed: 11, today: day).write(to: store)
        let a = try #require(try store.apply(.insertContact(Contact(name: "Edge A", handle: "edge-a", created: day))))
        let b = try #require(try store.apply(.insertContact(Contact(name: "Edge B", handle: "edge-b", created: day))))
        try store.apply(.insertContact(Contact(name: "Edge C", handle: "edge-c", created: day)))
        var note = Interaction(kind: "note", on: day, people: [a])
        note.gave = true
        try store.apply(.insertInteraction(note))
        var future = Interaction(kind: "lunch", on: day.adding(days: 30), people: [a, b])
        future.asked = true
        future.pitch = true
        try store.apply(.insertInteraction(future))
        try store.apply(.insertInteraction(Interaction(kind: "call", on: day.adding(days: -100), people: [b, a])))
        try store.apply(.insertReferral(Referral(direction: .received, contact: b, on: day.adding(days: 1))))
        try store.apply(.insertIntroduction(Introduction(a: a, b: b, on: day.adding(days: -5))))
        try store.apply(.insertSpend(Spend(contact: b, amount: Decimal(string: "12.34")!, on: day)))
        try store.apply(.insertStageChange(StageChange(contact: a, stage: .visibility, on: day.adding(days: -3))))
        let fromSQL = try #require(try store.contactStats(today: today))
        let edges = try store.knowsEdges()
        let ids = Array(fromSQL.keys)
        let touched = try #require(try store.touchedContacts(among: ids, today: today))
        let net = try store.network()
        #expect(try store.contactStats(today: today) == nil)  // events in memory: the core's turn
        let fromCore = net.stats(today: today)
        #expect(fromSQL.count == fromCore.count)
        for (id, s) in fromCore { #expect(fromSQL[id] == s, "contact \(id)") }
        #expect(touched == Set(fromCore.filter { $0.value.touches > 0 }.keys))
        #expect(edges.map { [$0.0, $0.1] } == net.knows.map { [$0.0, $0.1] })
    }
}

@Suite struct JSONListTests {
    @Test(arguments: [[], ["a"], ["a", "b c"], ["quote \" and \\ backslash", "new\nline", "tab\t", "é😀"], [""], ["", ""]])
    func roundTrip(_ items: [String]) {
        #expect(JSONList.decode(JSONList.encode(items)) == items)
    }

    @Test func foreignJSONStillReads() {
        #expect(JSONList.decode("[ \"a\" , \"b\" ]") == ["a", "b"])
        #expect(JSONList.decode("not json") == [])
    }
}
