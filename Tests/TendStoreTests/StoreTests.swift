import Foundation
import GRDB
import Testing
import TendTestSupport

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
    /// Every column that refers to a contact is the first of an index: deleting a contact, or
    /// putting one back on undo, looks up the rows that refer to it, and without one SQLite
    /// read every introduction for each (undoing a change of 100,000 contacts took 184 s).
    @Test func everyReferenceToAContactIsIndexed() throws {
        let store = try Store(path: tempPath("refs.db"))
        let unindexed = try store.db.inDatabase { db -> [String] in
            var missing: [String] = []
            let tables = try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table'")
            for table in tables {
                let references = try GRDB.Row.fetchAll(db, sql: "SELECT \"from\", \"table\" FROM pragma_foreign_key_list(?)", arguments: [table])
                let firsts = try String.fetchAll(
                    db,
                    sql: "SELECT i.name FROM pragma_index_list(?) l, pragma_index_info(l.name) i WHERE i.seqno = 0", arguments: [table])
                for r in references where (r[1] as String) == "contacts" && !firsts.contains(r[0] as String) {
                    missing.append("\(table).\(r[0] as String)")
                }
            }
            return missing
        }
        #expect(unindexed.isEmpty, "\(unindexed)")
    }

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
            interpreterA.resolutions = checker.resolutions
            interpreterB.resolutions = checker.resolutions
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

    /// Contacts are inserted with their values bound through SQLite's calls: every field comes
    /// back as written, and a broken constraint is an error that names it, with nothing written.
    @Test func boundInsertsKeepEveryValueAndReportConstraints() throws {
        let store = try Store(path: nil)
        var c = Contact(name: "Zoë \"Quote\" Ñ", handle: "zoe", created: day)
        c.tags = ["a", "b c"]
        c.notes = "line one\nline two 😀"
        c.cadence = Duration(months: 1, days: 3)
        c.isInternal = true
        c.metOn = day.adding(days: -9)
        let id = try #require(try store.apply(.insertContact(c)))
        c.id = id
        let back = try #require(try store.network(events: false).contacts.first)
        #expect(back == c)
        var twin = Contact(name: "Other", handle: "zoe", created: day)
        twin.company = "X"
        #expect(throws: (any Error).self) { try store.apply(.insertContact(twin)) }
        do {
            try store.apply(.insertContact(twin))
        } catch {
            #expect(Store.databaseMessage(error) != nil && "\(error)".contains("UNIQUE"), "\(error)")
        }
        #expect(try store.network(events: false).contacts.count == 1)
        // The statement is reused after the error.
        twin.handle = "other"
        #expect(try store.apply(.insertContact(twin)) != nil)
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

    /// The sample goes only into a database without contacts, looked at under the write lock
    /// (b69: a contact added by another process after `demo` looked made a raw UNIQUE error).
    @Test func theSampleGoesIntoNoNetwork() throws {
        let store = try Store(path: nil)
        try store.apply(.insertContact(Contact(name: "Already Here", handle: "already-here", created: day)))
        #expect(throws: SampleNetwork.NotEmpty.self) { try SampleNetwork(size: 20, seed: 7, today: day).write(to: store) }
        #expect(try store.network().contacts.map(\.handle) == ["already-here"])
    }

    /// Who touched last (`last_touch_by`) from SQL agrees with the core's pass, with two members
    /// (`--as`) logging on the same days: of touches on the last day, the last counted wins.
    @Test func storeLastTouchByMatchesTheCore() throws {
        let store = try Store(path: nil)
        try SampleNetwork(size: 200, seed: 5, today: day).write(to: store)
        // The sample's events are Ann's (some introductions nobody's: logged before members).
        try store.db.inDatabase {
            try $0.execute(sql: #"UPDATE interactions SET "by" = 'ann'; UPDATE referrals SET "by" = 'ann'; UPDATE introductions SET "by" = 'ann' WHERE id % 2 = 0"#)
        }
        store.member = "bob"
        let net = try store.network(events: false)
        for (n, c) in net.contacts.enumerated() where n % 3 == 0 {
            let on = day.adding(days: -(n % 20))
            switch n % 4 {
            case 0: try store.apply(.insertInteraction(Interaction(kind: "call", on: on, people: [c.id])))
            case 1: try store.apply(.insertReferral(Referral(direction: .given, contact: c.id, on: on)))
            default: try store.apply(.insertIntroduction(Introduction(a: c.id, b: net.contacts[0].id, on: on)))
            }
        }
        store.forget()
        let fromSQL = try #require(try store.contactStats(today: day))
        let fromCore = try store.network().stats(today: day)
        for (id, s) in fromCore { #expect(fromSQL[id]?.lastTouchBy == s.lastTouchBy, "contact \(id)") }
        #expect(fromSQL == fromCore)
        let members = Set(fromCore.values.compactMap(\.lastTouchBy))
        #expect(members == ["ann", "bob"])
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
        let touched = Set(try #require(try store.contactStats(of: ids, today: today)).filter { $0.value.touches > 0 }.keys)
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

    /// A column's bytes read where they are give what the same bytes made into text give, bytes
    /// that are not UTF-8 included (each item mended as the whole text would be).
    @Test(arguments: [
        Array("[\"a\",\"\",\"é😀\"]".utf8), [0x5B, 0x22, 0xC3, 0x22, 0x2C, 0x22, 0xFF, 0x61, 0x22, 0x5D], [0x5B, 0x22, 0xF0, 0x9F, 0x22, 0x5D],
        Array("[\"a\"".utf8), Array("[\"a\",]".utf8), Array("[\"a\\\"b\"]".utf8), Array("[\"a\" ,\"b\"]".utf8), Array("[]".utf8),
    ])
    func bytesReadInPlace(_ bytes: [UInt8]) {
        let inPlace = bytes.withUnsafeBufferPointer { JSONList.fastDecode(bytes: $0) }
        let text = String(decoding: bytes, as: UTF8.self)
        #expect((inPlace ?? JSONList.slowDecode(text)) == JSONList.decodeChecked(text))
        if let inPlace { #expect(inPlace == JSONList.fastDecode(text)) }
    }
}

/// Queries the store narrows in SQL (stored-field conditions, whole-collection counts, figures
/// from aggregates) give what the same queries give over the network in memory.
@Suite struct PushdownTests {
    func run(_ model: Model, _ text: String, cost: CostModel = CostModel()) throws -> String { try Pushdown.run(model, text, cost: cost) }

    /// The store's side of the negotiation: it narrows by what its SQL checks exactly (text and
    /// flags by `==`, dates, stages and whole numbers by any comparison) and by the figures it
    /// stores (a superset: Store+Figures), counts exactly after every change, and steps aside
    /// once the network is in memory.
    @Test func theStoreOffersWhatItsSQLChecks() throws {
        let store = try Store(path: nil)
        try SampleNetwork(size: 50, seed: 3, today: day).write(to: store)
        let shapes: [AccessRequest.Shape] = [
            .init("city", .equal), .init("city", .less), .init("met_on", .less), .init("stage", .greaterOrEqual), .init("expert", .equal),
            .init("last_touch", .less), .init("id", .greater),
        ]
        let contacts = try store.offer(AccessRequest(collection: "contacts", constraints: shapes))
        #expect(contacts.usable == [true, false, true, true, true, true, true])
        // A plan alone has nothing counted (counting reads a whole index); a count has.
        #expect(contacts.rows == nil && contacts.eventRows == 0 && !contacts.inMemory)
        #expect(try store.offer(AccessRequest(collection: "contacts", constraints: [], count: true)).rows == 50)
        let events = try store.offer(AccessRequest(collection: "interactions", constraints: [.init("kind", .equal), .init("on", .greaterOrEqual)]))
        #expect(events.usable == [true, true] && events.rows == nil && events.eventRows == 500)
        try store.apply(.insertContact(Contact(name: "One More", handle: "one-more", created: day)))
        #expect(try store.offer(AccessRequest(collection: "contacts", constraints: [], count: true)).rows == 51)
        _ = try store.network(events: false)
        let inMemory = try store.offer(AccessRequest(collection: "contacts", constraints: []))
        #expect(inMemory.inMemory && inMemory.rows == 51)
        #expect(try !store.offer(AccessRequest(collection: "interactions", constraints: [])).inMemory)
        #expect(try store.read(ModelRead("contacts", where: [FieldCondition(field: "id", op: .equal, value: .int(1))])) == nil)
        #expect(try store.offer(AccessRequest(collection: "agenda", constraints: [.init("priority", .greater)])).inMemory)
    }

    /// The agenda reads every contact's figures from the store and, for the prelude's event
    /// queries (`spend_this_year`, `recent_pitches`), only the rows their fixed conditions select:
    /// no event table is read whole, and the items are those of the network in memory. A query
    /// whose conditions all depend on the contact still reads every event, and agrees too.
    @Test func narrowedEventReadsMatchTheCore() throws {
        let store = try Store(path: nil)
        try SampleNetwork(size: 400, seed: 9, today: day).write(to: store)
        let memory = MemoryModel(try store.network())
        let fresh = { () throws -> Store in
            let s = try Store(path: nil)
            try SampleNetwork(size: 400, seed: 9, today: day).write(to: s)
            return s
        }
        let watched = Watched(try fresh())
        let agenda = try run(watched, "agenda")
        #expect(agenda == (try run(memory, "agenda")))
        #expect(agenda.split(separator: "\n").count > 20)
        #expect(watched.loadedEvents == 0, "every event loaded for the agenda")
        #expect(watched.narrowedCollections == 2, "spending and interactions, once each")
        let queries = [
            "fn pitched(c) = count(interactions where pitch and c in people and on >= today - 60d)\ncontacts where pitched(it) > 0 show handle, pitched(it)",
            "fn spent(c) = sum(spending where contact == c and on >= 2026-01-01 and amount > 10, amount)\ncontacts where spent(it) > 0 show handle, spent(it)",
            "fn touched(c) = count(interactions where c in people)\ncontacts where touched(it) > 12 show handle, touched(it)",
            "fn met(c) = count(introductions where c in people and on <= today)\ncontacts where met(it) > 0 show handle, met(it)",
        ]
        for q in queries {
            let expected = try run(memory, q)
            #expect(expected.split(separator: "\n").count > 2, "\(q): \(expected)")
            #expect(try run(Watched(try fresh()), q) == expected, "\(q)")
        }
    }

    /// A model that hands back a page that does not move past the last one read (a damaged
    /// table did) ends the scan instead of reading it forever.
    /// A card or timeline of someone met with many people reads those people in a few reads,
    /// not one each: every contact read loads the small tables (definitions, me, goals) again,
    /// and a timeline of a contact with 2,000 co-participants took 1.8 s CPU (0.03 s for one
    /// with a single co-participant).
    @Test func aTimelineWithManyPeopleReadsThemTogether() throws {
        let memory = try Store(path: nil)
        let cold = try Store(path: nil)
        for store in [memory, cold] {
            let hub = try #require(try store.apply(.insertContact(Contact(name: "Hub Person", handle: "hub", created: day))))
            // Others between them, whom no event names.
            for n in 0..<120 {
                let id = try #require(try store.apply(.insertContact(Contact(name: "P\(n) Q", handle: "p\(n)", created: day))))
                _ = try store.apply(.insertContact(Contact(name: "Other \(n)", handle: "other-\(n)", created: day)))
                if n % 3 != 1 {
                    _ = try store.apply(.insertInteraction(Interaction(kind: "lunch", on: day.adding(days: -n), people: [hub, id])))
                }
            }
        }
        _ = try memory.network()
        for q in ["timeline @hub", "@hub"] {
            let watched = Watched(cold)
            #expect(try run(watched, q) == (try run(memory, q)), "\(q)")
            #expect(watched.narrowed <= 3 && watched.loadedAll == 0, "\(q): \(watched.narrowed) contact reads, \(watched.loadedAll) whole")
        }
    }

    @Test func aPageThatDoesNotMoveOnEndsTheScan() throws {
        let store = try Store(path: nil)
        try SampleNetwork(size: 50, seed: 3, today: day).write(to: store)
        let watched = Watched(store)
        watched.repeatsTheFirstPage = true
        var cost = CostModel()
        cost.pageSize = 10
        let lunches = try store.scalar("SELECT count(*) FROM interactions WHERE kind = 'lunch'").flatMap { Int($0) } ?? 0
        #expect(lunches > 10)
        // `len(people) > 0` is the core's to check: the rows are read a page at a time (a
        // where-clause the store checks whole is counted by the store, without pages).
        #expect(try run(watched, "count(interactions where kind == \"lunch\" and len(people) > 0)", cost: cost) == "10")
    }

    /// A count the store makes in SQL is the core's count: text stored as a character Tend
    /// holds equal to ASCII (the Kelvin sign is `K`) leaves the count to the rows, and a rule's
    /// count is asked of the store once for every contact.
    @Test func countsTheStoreMakesAreTheCoresCounts() throws {
        let store = try Store(path: nil)
        try SampleNetwork(size: 60, seed: 9, today: day).write(to: store)
        let people = try store.network(events: false).contacts.map(\.id)
        var ok = Interaction(kind: "call", on: day, people: [people[0]])
        ok.note = "OK"
        try store.apply(.insertInteraction(ok))
        let q = "count(interactions where kind == \"call\" and note == \"OK\")"
        let plain = Watched(store)
        #expect(try run(plain, q) == "1" && plain.counted == 1 && plain.loadedEvents == 0)
        ok.note = "O\u{212A}"
        try store.apply(.insertInteraction(ok))
        let memory = MemoryModel(try store.network())
        #expect(try run(memory, q) == "2")
        store.forget()
        let mixed = Watched(store)
        let mixedCount = try run(mixed, q)
        let stored = try store.scalar("SELECT group_concat(hex(note)) FROM interactions WHERE kind = 'call' AND note LIKE 'O%'") ?? ""
        #expect(mixedCount == "2" && mixed.counted == 0, "\(mixedCount), \(mixed.counted) counted; stored: \(stored)")
        // Every contact's rule asks the same count: the store is asked once (with nothing in
        // memory: a store holding the network counts there).
        store.forget()
        let interpreter = Interpreter(model: Watched(store), today: day, definitions: Definitions())
        let watched = try #require(interpreter.model as? Watched<Store>)
        // As with a million interactions: none is read into memory.
        interpreter.cost = Pushdown.large
        let text = "rule \"lunches\" when count(interactions where kind == \"lunch\" and on <= today) > 0 then remind \"x\"\ncount(agenda where rule == \"lunches\")"
        let parsed = Parser.parse(Source(name: "r", text: text))
        var checker = Checker(definitions: interpreter.definitions)
        checker.check(parsed.statements)
        #expect(checker.diagnostics.isEmpty)
        interpreter.resolutions = checker.resolutions
        var out: [Output] = []
        for st in parsed.statements { out += try interpreter.execute(st) }
        guard case .value(let v, _)? = out.last else { Issue.record("no count"); return }
        #expect(try interpreter.display(v) == "\(people.count)")
        #expect(watched.counted == 1 && watched.loadedEvents == 0, "\(watched.counted) counts, \(watched.loadedEvents) reads of every event")
    }

    /// A `let` of an event query is a source like the collection: a `where` on it filters its
    /// rows. The rows it held were marked as already filtered (by the let's own condition), so
    /// `count(recent where kind == "lunch")` counted every recent event.
    @Test func aWhereOnALetOfEventsFiltersItsRows() throws {
        let store = try Store(path: nil)
        try SampleNetwork(size: 200, seed: 3, today: day).write(to: store)
        let memory = MemoryModel(try store.network())
        let pairs = [
            ("let a = interactions where on >= 2026-09-01\ncount(a where kind == \"lunch\")",
             "count(interactions where on >= 2026-09-01 and kind == \"lunch\")"),
            ("let a = interactions where kind == \"lunch\"\ncount(a where on >= 2026-09-01)",
             "count(interactions where kind == \"lunch\" and on >= 2026-09-01)"),
            ("let a = interactions sort by on desc limit 50\ncount(a where kind == \"zzz\")", "0"),
            ("let r = referrals where on >= 2025-01-01\ncount(r where direction == \"given\")",
             "count(referrals where on >= 2025-01-01 and direction == \"given\")"),
            ("let s = spending where amount > 0\ncount(s where amount > 100)", "count(spending where amount > 100)"),
            ("let a = interactions where on >= 2026-09-01\nlet b = a where kind == \"lunch\"\ncount(b)",
             "count(interactions where on >= 2026-09-01 and kind == \"lunch\")"),
        ]
        for (viaLet, direct) in pairs {
            for (model, cost) in [(store as Model, CostModel()), (store, Pushdown.large), (memory, CostModel())] {
                let got = try run(model, viaLet, cost: cost).split(separator: "\n").last.map(String.init)
                #expect(got == (try run(memory, direct)), "\(viaLet)")
            }
        }
        #expect(try run(memory, "count(interactions where kind == \"lunch\" and on >= 2026-09-01)") != "0")
    }

    @Test func pushedQueriesMatchTheCore() throws {
        let store = try Store(path: nil)
        try SampleNetwork(size: 400, seed: 5, today: day).write(to: store)
        let handle = try #require(try store.scalar("SELECT handle FROM contacts WHERE profession <> 'salon' LIMIT 1"))
        let watched = Watched(store)
        let (fromStore, notNarrowed) = try Pushdown.runQueries(watched, handle: handle)
        #expect(notNarrowed.isEmpty, "not narrowed in SQL: \(notNarrowed)")
        let memory = MemoryModel(try store.network())
        for (q, expected) in zip(Pushdown.queries, fromStore) {
            #expect(try run(memory, q.replacingOccurrences(of: "HANDLE", with: handle)) == expected, "\(q)")
            #expect(!expected.isEmpty)
        }
        // The agenda and per-contact event queries with events read per contact (as on a large
        // network) and all in memory.
        let perContact = try Store(path: nil)
        try SampleNetwork(size: 400, seed: 5, today: day).write(to: perContact)
        // Every event counts as too many to hold: the planner reads them per contact or a page
        // at a time.
        let eventQueries = Pushdown.eventQueries(handle)
        for q in eventQueries {
            let expected = try run(memory, q)
            let watchedPerContact = Watched(perContact)
            #expect(try run(watchedPerContact, q, cost: Pushdown.large) == expected, "\(q)")
            #expect(watchedPerContact.loadedEvents == 0, "every event loaded: \(q)")
        }
        // A goal's metric measured after a narrowed query in the same statement counts its
        // period's rows, not the narrowed view's (a fresh store, so that the query is narrowed).
        let fresh = try Store(path: nil)
        try SampleNetwork(size: 400, seed: 5, today: day).write(to: fresh)
        let mixed = "count(contacts where city == \"Irvine\") + sum(goals, value)"
        #expect(try run(fresh, mixed) == (try run(memory, mixed)))
        // A card read from a store with nothing in memory (one contact selected) is the same card.
        let cold = try Store(path: nil)
        try SampleNetwork(size: 400, seed: 5, today: day).write(to: cold)
        #expect(try run(cold, "@\(handle)") == (try run(memory, "@\(handle)")))
        // A card or a timeline read cold, with the cost model as it ships, reads neither every
        // contact nor every event: one contact's events, and the people they name, through the
        // store's indexes (it was a third of a second at 20,000 contacts, #18).
        let grouped = try #require(
            try cold.scalar(
                """
                SELECT c.handle FROM contacts c JOIN interaction_people p ON p.contact_id = c.id
                WHERE p.interaction_id IN (SELECT interaction_id FROM interaction_people WHERE position = 1)
                  AND c.id IN (SELECT a_id FROM introductions) ORDER BY c.id LIMIT 1
                """))
        // Declined after the first contact, the others are read with every contact: the first
        // one looked up outside the view was once taken for no contact ("with ?").
        for (q, reads) in [("@\(grouped)", nil), ("timeline @\(grouped)", nil), ("timeline @\(grouped)", 1)] {
            let watchedCold = Watched(try Store(path: nil))
            watchedCold.contactReads = reads
            try SampleNetwork(size: 400, seed: 5, today: day).write(to: watchedCold.store)
            let card = try run(watchedCold, q)
            let expected = try run(memory, q)
            #expect(card == expected, "\(q)\n\(card)\n---\n\(expected)")
            #expect(card.contains("with "), "no meeting with others: \(q)")
            #expect(watchedCold.loadedAll == (reads == nil ? 0 : 1), "every contact read: \(q)")
        }
        // The queries narrowed in SQL found rows (the comparison is not between two empty tables).
        #expect(fromStore[0].split(separator: "\n").count > 1)
        #expect(fromStore[3] != "0")
    }
}

/// `touches_90d` counts a touch exactly 90 days ago, as `on >= today - 90d` selects it (#23 item
/// 7): the core's pass over events, the store's scan and its per-contact SQL agree at the edge.
@Suite struct TouchesIn90DaysTests {
    @Test func aTouchNinetyDaysAgoCounts() throws {
        let store = try Store(path: nil)
        let a = try #require(try store.apply(.insertContact(Contact(name: "Edge A", handle: "edge-a", created: day.adding(days: -400)))))
        let b = try #require(try store.apply(.insertContact(Contact(name: "Edge B", handle: "edge-b", created: day.adding(days: -400)))))
        // One touch of each kind on the first day counted, one of each on the day before it.
        for offset in [-90, -91] {
            try store.apply(.insertInteraction(Interaction(kind: "call", on: day.adding(days: offset), people: [a])))
            try store.apply(.insertReferral(Referral(direction: .given, contact: a, on: day.adding(days: offset))))
            try store.apply(.insertIntroduction(Introduction(a: a, b: b, on: day.adding(days: offset))))
        }
        let scanned = try #require(try store.contactStats(of: nil, today: day))
        let selected = try #require(try store.contactStats(of: [a, b], today: day))
        let core = try store.network().stats(today: day)
        #expect(core[a]?.touches90 == 3 && core[b]?.touches90 == 1)
        #expect(scanned[a] == core[a] && scanned[b] == core[b])
        #expect(selected[a] == core[a] && selected[b] == core[b])
        // The language says the same through the field and through the condition.
        let interpreter = Interpreter(model: store, today: day, definitions: Prelude.definitions)
        func value(_ text: String) throws -> String {
            let parsed = Parser.parse(Source(name: "q", text: text))
            var checker = Checker(definitions: interpreter.definitions)
            checker.check(parsed.statements)
            interpreter.resolutions = checker.resolutions
            guard case .value(let v, _)? = try interpreter.execute(parsed.statements[0]).last else { return "?" }
            return try interpreter.display(v)
        }
        #expect(try value("@edge-a.touches_90d") == "3")
        #expect(try value("count(interactions where @edge-a in people and on >= today - 90d)") == "1")
        #expect(try value("count(referrals where contact == @edge-a and on >= today - 90d)") == "1")
        #expect(try value("count(introductions where @edge-a in people and on >= today - 90d)") == "1")
    }

    /// An event dated after today has not happened: no figure counts it (a lunch that gave and
    /// asked, referrals either way, an introduction, a payment), in the core's pass, the store's
    /// scan and its per-contact SQL alike; on its day it counts.
    @Test func aFutureEventCountsForNothing() throws {
        let store = try Store(path: nil)
        let a = try #require(try store.apply(.insertContact(Contact(name: "Edge A", handle: "edge-a", created: day.adding(days: -400)))))
        let b = try #require(try store.apply(.insertContact(Contact(name: "Edge B", handle: "edge-b", created: day.adding(days: -400)))))
        let later = day.adding(days: 1)
        var lunch = Interaction(kind: "lunch", on: later, people: [a])
        (lunch.gave, lunch.asked, lunch.inbound) = (true, true, true)
        try store.apply(.insertInteraction(lunch))
        try store.apply(.insertReferral(Referral(direction: .given, contact: a, on: later)))
        try store.apply(.insertReferral(Referral(direction: .received, contact: a, on: later)))
        try store.apply(.insertIntroduction(Introduction(a: a, b: b, on: later)))
        try store.apply(.insertSpend(Spend(contact: a, amount: 500, on: later)))
        let scans = try [day, later].map { try #require(try store.contactStats(of: nil, today: $0)) }
        let selections = try [day, later].map { try #require(try store.contactStats(of: [a, b], today: $0)) }
        for (n, (today, expected)) in [(day, 0), (later, 1)].enumerated() {
            let (scanned, selected) = (scans[n], selections[n])
            let core = try store.network().stats(today: today)
            let s = try #require(core[a])
            #expect([s.asked, s.inbound, s.referralsGiven, s.referralsReceived, s.introductions] == Array(repeating: expected, count: 5))
            #expect(s.touches == 4 * expected && s.gave == 3 * expected && s.spend == Decimal(500 * expected))
            #expect(scanned[a] == s && selected[a] == s && scanned[b] == core[b] && selected[b] == core[b])
        }
    }

    /// Around every edge a figure has (today, 90 days back, the future): one contact per day
    /// and kind of event, and the three ways of computing the figures agree on every one.
    @Test func everyEdgeAgrees() throws {
        let store = try Store(path: nil)
        let other = try #require(try store.apply(.insertContact(Contact(name: "Other", handle: "other", created: day))))
        for offset in -93...2 {
            for kind in ["call", "note", "referral", "introduction"] {
                let c = try #require(
                    try store.apply(.insertContact(Contact(name: "C \(kind) \(offset + 100)", handle: "c-\(kind)-\(offset + 100)", created: day))))
                let on = day.adding(days: offset)
                switch kind {
                case "referral": try store.apply(.insertReferral(Referral(direction: .received, contact: c, on: on)))
                case "introduction": try store.apply(.insertIntroduction(Introduction(a: c, b: other, on: on)))
                default: try store.apply(.insertInteraction(Interaction(kind: kind, on: on, people: [c, other])))
                }
            }
        }
        let scanned = try #require(try store.contactStats(of: nil, today: day))
        let ids = Array(scanned.keys)
        let selected = try #require(try store.contactStats(of: ids, today: day))
        let core = try store.network().stats(today: day)
        for id in ids {
            #expect(scanned[id] == core[id], "contact \(id)")
            #expect(selected[id] == core[id], "contact \(id)")
        }
    }
}
