import Foundation
import GRDB
import Testing

@testable import TendCore
@testable import TendStore
import TendTestSupport

/// The figures stored in the file (Store+Figures) give what summing every event gives, on any day,
/// after any change: Tend's own, another program's, an undo, an event dated later.
@Suite struct StoredFiguresTests {
    /// The days each check asks for: before every event, today, between, and later.
    static let days = [Day(year: 2001, month: 1, day: 1)!, day.adding(days: -400), day.adding(days: -30), day, day.adding(days: 200)]

    /// The figures read from the file are what the sums give, on every day of `days`; and, when
    /// nothing is due, every stored row is what summing every event whatever its date gives.
    static func expectKept(_ store: Store, _ what: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        try store.read { db in
            // Some contacts, read through the indexes (a card, a query's selection), and one
            // that is not there.
            let ids = try Int64.fetchAll(db, sql: "SELECT id FROM contacts WHERE id % 3 = 1") + [999_999]
            for d in days {
                let read = try Store.statsFromFigures(db, today: d)
                #expect(read != nil, "\(what): nothing read from the stored figures", sourceLocation: sourceLocation)
                #expect(read == (try Store.stats(db, today: d)), "\(what), on \(d)", sourceLocation: sourceLocation)
                let some = try Store.statsFromFigures(db, today: d, of: ids, wanted: .all)
                #expect(some != nil, "\(what): nothing read from the stored figures of some", sourceLocation: sourceLocation)
                #expect(some == (try Store.stats(db, today: d, only: ids)), "\(what), some contacts, on \(d)", sourceLocation: sourceLocation)
            }
            guard try Int.fetchOne(db, sql: "SELECT count(*) FROM figures_due") == 0 else { return }
            var all = try Store.stats(db, today: Day.last)
            for id in all.keys { (all[id]!.touches90, all[id]!.lastTouchBy) = (0, nil) }
            var stored: [Int64: ContactStats] = [:]
            try Store.each(db, "figures", "SELECT \(Store.figureColumns) FROM figures") { r in
                var s = ContactStats()
                (s.touches, s.lastTouch, s.gave, s.asked, s.inbound) = (Int(r.int(1)), try r.day(2), Int(r.int(3)), Int(r.int(4)), Int(r.int(5)))
                (s.referralsGiven, s.referralsReceived, s.introductions) = (Int(r.int(6)), Int(r.int(7)), Int(r.int(8)))
                if r.int(9) != 0 { s.spend = Store.money(r.int(9)) }
                (s.degree, s.stageSince) = (Int(r.int(10)), try r.day(11))
                stored[r.int(0)] = s
            }
            #expect(stored == all, "\(what): the stored rows", sourceLocation: sourceLocation)
        }
    }

    /// Tend writes something that counts for no one, so that its commit works out what is due.
    static func settle(_ store: Store) throws {
        var me = Me()
        me.name = "Pat \(UUID().uuidString.prefix(4))"
        try store.transaction { _ = try store.apply(.setMe(me)) }
        #expect(try due(store) == 0)
    }

    /// The id SQLite gives the next interaction added without one (ids are never reused).
    static let nextInteraction =
        "(SELECT max(coalesce((SELECT max(id) FROM interactions), 0), coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'interactions'), 0)) + 1)"

    static func due(_ store: Store) throws -> Int {
        try store.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM figures_due") ?? -1 }
    }

    /// One run, committed as a change `history` and `undo` know.
    static func run(_ store: Store, _ what: String, _ body: () throws -> Void) throws {
        try store.begin()
        try body()
        try store.commit(label: BulkInsertTests.label(what))
    }

    @Test func aCommitKeepsTheFiguresOfEveryKindOfChange() throws {
        let store = try Store(path: tempPath("figures-changes.db"))
        try SampleNetwork(size: 150, seed: 4, today: day).write(to: store)
        #expect(try Self.due(store) == 0)
        #expect(try store.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM figures") } == 150)
        try Self.expectKept(store, "after the sample network")
        let net = try store.network()
        let (a, b, c, d) = (net.contacts[0].id, net.contacts[1].id, net.contacts[2].id, net.contacts[3].id)
        var lunch = Interaction(kind: "lunch", on: day.adding(days: -3), people: [a, b])
        lunch.gave = true
        var note = Interaction(kind: "note", on: day, people: [c])
        note.asked = true
        var edited = try #require(net.interactions.first { $0.people.contains(d) })
        var moved = net.contacts[4]
        moved.created = day.adding(days: -5000)
        var referral = try #require(net.referrals.first)
        var spend = Spend(contact: b, amount: Decimal(string: "120.25")!, on: day.adding(days: -10))
        let changes: [(String, () throws -> Void)] = [
            ("a lunch with two", { lunch.id = try #require(try store.apply(.insertInteraction(lunch))) }),
            ("a note that asks", { _ = try store.apply(.insertInteraction(note)) }),
            ("a lunch planned for later", { _ = try store.apply(.insertInteraction(Interaction(kind: "lunch", on: day.adding(days: 30), people: [d]))) }),
            ("an interaction moved to another day", {
                edited.on = day.adding(days: -1)
                try store.apply(.updateInteraction(edited, fields: ["on"]))
            }),
            ("an interaction's people changed", {
                edited.people = [a]
                try store.apply(.updateInteraction(edited, fields: ["people"]))
            }),
            ("a contact's creation moved", { try store.apply(.updateContact(moved, fields: ["created"])) }),
            ("a referral", { _ = try store.apply(.insertReferral(Referral(direction: .received, contact: c, on: day))) }),
            ("a referral turned round", {
                referral.direction = referral.direction == .given ? .received : .given
                try store.apply(.updateReferral(referral, fields: ["direction"]))
            }),
            ("an introduction", { _ = try store.apply(.insertIntroduction(Introduction(a: a, b: d, on: day.adding(days: -2)))) }),
            ("spending", { spend.id = try #require(try store.apply(.insertSpend(spend))) }),
            ("spending corrected", {
                spend.amount = Decimal(string: "80")!
                try store.apply(.updateSpend(spend, fields: ["amount"]))
            }),
            ("a stage change", { _ = try store.apply(.insertStageChange(StageChange(contact: c, stage: .credibility, on: day))) }),
            ("an edge", { try store.apply(.insertKnows(b, d)) }),
            ("an edge removed", { try store.apply(.deleteKnows(b, d)) }),
            ("a lunch removed", { try store.apply(.deleteEvent(.interaction, lunch.id)) }),
            ("a merge", { try store.apply(.mergeContact(from: c, into: a)) }),
            ("a contact removed", { try store.apply(.deleteContact(b)) }),
            ("a new contact", { _ = try store.apply(.insertContact(Contact(name: "New One", handle: "new-one", created: day))) }),
        ]
        for (what, change) in changes {
            try Self.run(store, what, change)
            #expect(try Self.due(store) == 0, "after \(what)")
            try Self.expectKept(store, "after \(what)")
        }
        // An undo puts rows back with the numbers they had: their contacts are due again.
        for _ in 0..<4 {
            try store.begin()
            let undone = try store.undo(count: 1)
            try store.commit()
            #expect(undone.count == 1)
            #expect(try Self.due(store) == 0)
            try Self.expectKept(store, "after an undo")
        }
    }

    /// An import's touches are written in bulk without the triggers of their people: those
    /// people are due all the same, and the figures kept after the commit count the touches.
    @Test func touchesWrittenInBulkAreCounted() throws {
        let store = try Store(path: tempPath("figures-bulk.db"))
        try SampleNetwork(size: 60, seed: 5, today: day).write(to: store)
        let ids = try store.network(events: false).contacts.map(\.id)
        let touches = (0..<40).map { n in
            var i = Interaction(kind: n % 3 == 0 ? "meeting" : "email", on: day.adding(days: -n * 7), people: [ids[n % 7], ids[(n * 5) % 11 + 20]])
            i.inbound = n % 2 == 0
            return i
        }
        try Self.run(store, "touches") { try store.logInteractions(touches) }
        #expect(try Self.due(store) == 0)
        try Self.expectKept(store, "after touches in bulk")
        #expect(try Self.triggers(store) == Store.figureTriggers.count)
    }

    static func triggers(_ store: Store) throws -> Int? {
        try store.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM sqlite_master WHERE name LIKE 'figures\\_%' ESCAPE '\\' AND type = 'trigger'") }
    }

    /// Contacts selected by their stored figures (`contacts where last_touch < …`) are the ones
    /// memory selects, also while some are due (another program wrote) and some have events
    /// dated after the day asked, on several days; the store did select them.
    @Test func contactsSelectedByStoredFiguresAreMemorys() throws {
        let path = tempPath("figures-select.db")
        let store = try Store(path: path)
        try SampleNetwork(size: 200, seed: 11, today: day).write(to: store)
        let other = try DatabaseQueue(path: path)
        try other.write { db in
            try db.execute(sql: #"UPDATE interactions SET "on" = '2026-11-22' WHERE id % 17 = 0"#)
            try db.execute(sql: #"INSERT INTO spending (contact_id, amount_cents, "on") SELECT id, 100, '2027-01-01' FROM contacts WHERE id % 13 = 0"#)
        }
        try Self.settle(store)
        try other.write { db in
            try db.execute(sql: #"UPDATE interactions SET "on" = '2027-02-01' WHERE id % 23 = 0"#)
            try db.execute(sql: "DELETE FROM knows WHERE a_id % 7 = 0")
        }
        #expect(try Self.due(store) > 0)
        _ = try store.refresh()
        let memory = MemoryModel(try store.network())
        store.forget()
        let queries = [
            "contacts where last_touch < today - 120d sort by handle show handle, last_touch",
            "contacts where last_touch >= today - 30d and touches > 3 sort by handle show handle, touches",
            "count(contacts where touches == 0 and last_touch == null)",
            "contacts where gave > asked and inbound >= 1 sort by handle show handle",
            "count(contacts where degree <= 1)",
            "count(contacts where referrals_received >= 1 and introductions == 0)",
        ]
        for today in [day, day.adding(days: 120), Day(year: 2025, month: 3, day: 1)!] {
            for q in queries {
                // Nothing read before: the network a query loaded would be used in its place.
                store.forget()
                let watched = Watched(store)
                let fromStore = try Pushdown.run(watched, q, today: today)
                #expect(fromStore == (try Pushdown.run(memory, q, today: today)), "\(q) on \(today)")
                #expect(watched.narrowed == 1, "not selected by the store: \(q)")
            }
        }
        try other.close()
        store.close()
    }

    /// A bulk write that fails half-way leaves the triggers as they were (its run is rolled back
    /// by its caller, but the triggers must not depend on that).
    @Test func aFailedBulkWriteKeepsTheTriggers() throws {
        let store = try Store(path: tempPath("figures-failed.db"))
        try SampleNetwork(size: 10, seed: 1, today: day).write(to: store)
        struct Stop: Error {}
        #expect(throws: Stop.self) {
            try store.db.inDatabase { db in try Store.withoutFigureTriggers(db, of: ["interactions", "interaction_people"], making: [1]) { throw Stop() } }
        }
        #expect(try Self.triggers(store) == Store.figureTriggers.count)
    }

    /// A long list (past a chunk of 500, with ids repeated in another chunk) reads from the
    /// stored rows what summing gives; for a day long past, most interactions dated after it,
    /// the list is summed instead.
    @Test func aLongListReadsAsSummed() throws {
        let store = try Store(path: tempPath("figures-long.db"))
        try SampleNetwork(size: 1_100, seed: 5, today: day).write(to: store)
        let ids = try store.read { try Int64.fetchAll($0, sql: "SELECT id FROM contacts ORDER BY id") }
        let past = Day(year: 2001, month: 1, day: 1)!
        try store.read { db in
            let read = try Store.statsFromFigures(db, today: day, of: ids + ids.prefix(40), wanted: .all)
            #expect(read != nil)
            #expect(read == (try Store.stats(db, today: day, only: ids)))
            #expect(try #require(try Int.fetchOne(db, sql: "SELECT count(*) FROM interactions")) >= Store.laterLimit)
            #expect(try Store.statsFromFigures(db, today: past, of: ids, wanted: .all) == nil)
        }
        let some = Array(ids.prefix(600))
        #expect(try store.contactStats(of: some, today: past) == (try store.read { try Store.stats($0, today: past, only: some) }))
        #expect(try store.contactStats(of: some, today: day) == (try store.read { try Store.stats($0, today: day, only: some) }))
    }

    /// Figures read without `touches_90d` and the last touch's member (the prelude's agenda names
    /// neither) and then asked for with them: they are read then, not taken from what was kept
    /// without them.
    @Test func figuresReadWithoutRecentTouchesOrMemberAreReadAgainWithThem() throws {
        let store = try Store(path: tempPath("figures-recent.db"))
        try SampleNetwork(size: 200, seed: 8, today: day).write(to: store)
        // A file pushed from or to a team's database names the members who logged its events.
        try store.db.inDatabase { try $0.execute(sql: #"UPDATE interactions SET "by" = 'ann' WHERE id % 2 = 0; UPDATE referrals SET "by" = 'bo'"#) }
        let without = try #require(try store.contactStats(of: nil, today: day, figures: Store.figuresStored))
        #expect(without.values.allSatisfy { $0.touches90 == 0 && $0.lastTouchBy == nil })
        let with = try store.contactStats(of: nil, today: day, figures: .all)
        #expect(with == (try store.read { try Store.stats($0, today: day) }))
        #expect(with?.values.contains { $0.touches90 > 0 } == true)
        #expect(Set(with?.values.compactMap(\.lastTouchBy) ?? []) == ["ann", "bo"])
        // Some contacts read through the indexes (a card, a query's selection; few and many):
        // their members too.
        let ids = try store.read { try Int64.fetchAll($0, sql: "SELECT id FROM contacts") }
        for some in [Array(ids.prefix(3)), Array(ids.prefix(120))] {
            let read = try store.contactStats(of: some, today: day)
            #expect(read == (try store.read { try Store.stats($0, today: day, only: some) }))
            #expect(read?.values.contains { $0.lastTouchBy != nil } == true)
        }
        // Asked for one of them alone, the other is still read again.
        let store2 = try Store(path: tempPath("figures-member.db"))
        try SampleNetwork(size: 200, seed: 8, today: day).write(to: store2)
        try store2.db.inDatabase { try $0.execute(sql: #"UPDATE interactions SET "by" = 'ann'"#) }
        _ = try store2.contactStats(of: nil, today: day, figures: ContactStats.Figures.all.subtracting(.lastTouchBy))
        #expect(try store2.contactStats(of: nil, today: day, figures: .all) == (try store2.read { try Store.stats($0, today: day) }))
    }

    /// Another program writing to the file (sqlite3, a teammate's script) goes through the
    /// triggers: its rows make their contacts due, and a reader works them out before Tend
    /// writes again; a damaged row it writes does not stop Tend's next write.
    @Test func anotherProgramsWritesAreCounted() throws {
        let path = tempPath("figures-other.db")
        let store = try Store(path: path)
        try SampleNetwork(size: 80, seed: 7, today: day).write(to: store)
        let net = try store.network()
        let (a, b) = (net.contacts[0].id, net.contacts[1].id)
        let old = try #require(net.interactions.first { !$0.people.contains(b) })
        let other = try DatabaseQueue(path: path)
        let writes = [
            "INSERT INTO interaction_people (interaction_id, contact_id, position) VALUES (\(old.id), \(b), 99)",
            #"UPDATE interactions SET "on" = '2026-11-20', kind = 'call' WHERE id = \#(old.id)"#,
            "DELETE FROM referrals WHERE id = (SELECT min(id) FROM referrals)",
            #"INSERT INTO spending (id, contact_id, amount_cents, "on") VALUES (1000000, \#(a), 500000, '2026-01-05')"#,
            #"INSERT INTO spending (contact_id, amount_cents, "on") VALUES (\#(a), 700, '2027-05-01')"#,
            "UPDATE knows SET b_id = \(b) WHERE rowid = (SELECT min(rowid) FROM knows WHERE a_id < \(b) AND b_id <> \(b))",
            #"UPDATE stage_changes SET "on" = '2026-11-01' WHERE id = (SELECT max(id) FROM stage_changes)"#,
            "DELETE FROM interactions WHERE id = (SELECT max(interaction_id) FROM interaction_people WHERE contact_id = \(a))",
            #"INSERT OR REPLACE INTO introductions (a_id, b_id, "on") VALUES (\#(a), \#(b), '2026-11-22')"#,
            "PRAGMA foreign_keys = ON; DELETE FROM contacts WHERE id = \(net.contacts[5].id)",
            // A REPLACE removes a row without its delete triggers.
            #"REPLACE INTO interactions (id, kind, "on", gave, asked, inbound, pitch) VALUES ((SELECT max(interaction_id) FROM interaction_people WHERE contact_id = \#(a)), 'note', '2026-01-07', 0, 0, 0, 0)"#,
            "REPLACE INTO interaction_people (interaction_id, position, contact_id) VALUES (\(old.id), 0, \(net.contacts[7].id))",
            #"REPLACE INTO referrals (id, direction, contact_id, "on") VALUES ((SELECT min(id) FROM referrals), 'received', \#(a), '2026-03-17')"#,
            "UPDATE OR REPLACE spending SET id = (SELECT min(id) FROM spending) WHERE id = (SELECT max(id) FROM spending WHERE id < 1000000)",
            // … and through an interaction's other unique key, its source.
            "UPDATE interactions SET source_id = 'cal-1' WHERE id = (SELECT min(interaction_id) FROM interaction_people WHERE contact_id = \(b))",
            #"REPLACE INTO interactions (kind, source_id, "on") SELECT kind, source_id, '2020-01-01' FROM interactions WHERE source_id = 'cal-1'"#,
            #"UPDATE OR REPLACE interactions SET kind = 'lunch', source_id = 'cal-1' WHERE id = (SELECT max(interaction_id) FROM interaction_people WHERE contact_id = \#(b))"#,
            // People written first for the interaction to come, and it added without its id (b58):
            // it has none before it is added.
            "INSERT INTO interaction_people (interaction_id, contact_id, position) VALUES (\(Self.nextInteraction), \(a), 0)",
            #"INSERT INTO interactions (kind, "on", gave, asked, inbound, pitch) VALUES ('call', '2026-11-21', 1, 0, 0, 0)"#,
        ]
        for sql in writes {
            try Self.settle(store)
            try other.writeWithoutTransaction { try $0.execute(sql: "PRAGMA foreign_keys = OFF; " + sql) }
            #expect(try Self.due(store) > 0, "\(sql)")
            _ = try store.refresh()
            try Self.expectKept(store, "after \(sql)")
        }
        try store.transaction { _ = try store.apply(.insertContact(Contact(name: "Ada Quill", handle: "ada-quill", created: day))) }
        #expect(try Self.due(store) == 0)
        try Self.expectKept(store, "after Tend wrote again")

        // An interaction removed without foreign keys leaves its people; put back by hand after
        // Tend wrote, it counts for them again.
        let gone = try #require(try store.read { try Row.fetchOne($0, sql: "SELECT * FROM interactions WHERE id IN (SELECT interaction_id FROM interaction_people) ORDER BY id LIMIT 1") })
        try other.writeWithoutTransaction { try $0.execute(sql: "PRAGMA foreign_keys = OFF; DELETE FROM interactions WHERE id = ?", arguments: [gone["id"]]) }
        try store.transaction { _ = try store.apply(.insertContact(Contact(name: "Al Vey", handle: "al-vey", created: day))) }
        try Self.expectKept(store, "after an interaction was removed by hand")
        try other.writeWithoutTransaction {
            try $0.execute(
                sql: #"INSERT INTO interactions (id, kind, "on", gave, asked, inbound, pitch) VALUES (?, ?, ?, ?, ?, ?, ?)"#,
                arguments: [gone["id"], gone["kind"], gone["on"], gone["gave"], gone["asked"], gone["inbound"], gone["pitch"]])
        }
        #expect(try Self.due(store) > 0)
        try Self.expectKept(store, "after it was put back by hand")

        // A date no one can read, written by the other program among other changes: Tend's next
        // write commits, the damaged interaction's people alone stay due, and the damage is
        // reported when the figures are read, as it was without stored figures.
        let damaged = try #require(try store.read { try Int64.fetchOne($0, sql: "SELECT max(interaction_id) FROM interaction_people WHERE interaction_id IN (SELECT id FROM interactions)") })
        try other.write { db in
            try db.execute(sql: #"UPDATE interactions SET "on" = 'soon' WHERE id = ?"#, arguments: [damaged])
            try db.execute(sql: #"UPDATE referrals SET "on" = "on""#)
        }
        #expect(try Self.due(store) > 3)
        try store.transaction { _ = try store.apply(.insertContact(Contact(name: "Bo Reyes", handle: "bo-reyes", created: day))) }
        #expect(try store.contactID(handle: "bo-reyes") != nil)
        let people = try store.read { Set(try Int64.fetchAll($0, sql: "SELECT contact_id FROM interaction_people WHERE interaction_id = ?", arguments: [damaged])) }
        #expect(try store.read { Set(try Int64.fetchAll($0, sql: "SELECT contact_id FROM figures_due")) } == people)
        #expect(throws: DamagedValue.self) { try store.read { try Store.statsFromFigures($0, today: day) } }
        #expect(throws: DamagedValue.self) { try store.read { try Store.statsFromFigures($0, today: day, of: Array(people), wanted: .all) } }
        // Read for a list long enough to be read from the stored rows, the damage is said too.
        let many = try store.read { try Int64.fetchAll($0, sql: "SELECT id FROM contacts LIMIT 60") }
        #expect(throws: DamagedValue.self) { try store.contactStats(of: Array(people) + many, today: day) }
        #expect(throws: DamagedValue.self) { try store.read { try Store.stats($0, today: day) } }
        try other.close()
        store.close()
    }

    /// A sample network in a file, changed by `made` as an older Tend would have left it,
    /// and a connection of another program to it.
    static func sampleFile(_ name: String, size: Int, seed: UInt64, made: (Database) throws -> Void) throws -> (String, DatabaseQueue) {
        let path = tempPath(name)
        let store = try Store(path: path)
        try SampleNetwork(size: size, seed: seed, today: day).write(to: store)
        store.close()
        let raw = try DatabaseQueue(path: path)
        try raw.write(made)
        return (path, raw)
    }

    /// The conflict clause of the statement that fires a trigger stands in for those of the
    /// trigger's statements: another program's INSERT OR ROLLBACK (ABORT, FAIL, IGNORE, REPLACE)
    /// of a second event for a contact already due neither fails nor rolls back, and counts.
    @Test func anotherProgramsConflictClausesStandAside() throws {
        let path = tempPath("figures-conflicts.db")
        let store = try Store(path: path)
        try SampleNetwork(size: 40, seed: 3, today: day).write(to: store)
        let a = try store.network().contacts[0].id
        let other = try DatabaseQueue(path: path)
        for (n, clause) in ["ROLLBACK", "ABORT", "FAIL", "IGNORE", "REPLACE"].enumerated() {
            try Self.settle(store)
            try other.writeWithoutTransaction { db in
                try db.execute(sql: "BEGIN")
                for cents in [100, 200] {
                    try db.execute(sql: #"INSERT OR \#(clause) INTO spending (contact_id, amount_cents, "on") VALUES (?, ?, '2026-02-01')"#, arguments: [a, cents])
                }
                try db.execute(sql: #"INSERT OR \#(clause) INTO interaction_people (interaction_id, contact_id, position) SELECT id, ?, ? FROM interactions WHERE id = (SELECT min(id) FROM interactions)"#, arguments: [a, 50 + n])
                try db.execute(sql: "COMMIT")
            }
            #expect(try Self.due(store) == 1, "INSERT OR \(clause)")
            _ = try store.refresh()
            try Self.expectKept(store, "after INSERT OR \(clause)")
        }
    }

    /// A file an older Tend made has every contact's figures worked out once it is opened to
    /// write (its derived tables made again: Store+Derived), and kept by its writes after;
    /// opened read-only it keeps none and reads as before.
    @Test func anOlderFileGetsItsFiguresAtTheFirstWrite() throws {
        // As v12 left it.
        let (path, raw) = try Self.sampleFile("figures-old.db", size: 40, seed: 2) { db in
            for t in Store.figureTriggers { try db.execute(sql: "DROP TRIGGER \(t.name)") }
            try db.execute(sql: "DROP TABLE figures; DROP TABLE figures_due; DELETE FROM grdb_migrations WHERE identifier LIKE 'v13 %' OR identifier LIKE 'v14 %' OR identifier LIKE 'v15 %'")
        }
        try raw.close()
        let readOnly = try Store(path: path, readOnly: true)
        #expect(try readOnly.read { try Store.statsFromFigures($0, today: day) } == nil)
        #expect(try readOnly.contactStats(today: day) == (try readOnly.read { try Store.stats($0, today: day) }))
        readOnly.close()
        let store = try Store(path: path)
        #expect(try Self.due(store) == 0)
        try Self.expectKept(store, "once opened to write")
        try store.transaction { _ = try store.apply(.insertContact(Contact(name: "Cy Day", handle: "cy-day", created: day))) }
        #expect(try Self.due(store) == 0)
        try Self.expectKept(store, "after the first write")
        store.close()
    }

    /// A file made on the day v13 came, with the triggers of its first version (none before an
    /// insert), gets them all from v14, and a REPLACE is then counted.
    @Test func aFileWithTheFirstTriggersGetsTheRest() throws {
        let (path, raw) = try Self.sampleFile("figures-v13.db", size: 30, seed: 6) { db in
            for t in Store.figureTriggers where t.sql.contains(" BEFORE INSERT ") || t.sql.contains(" BEFORE UPDATE ") {
                try db.execute(sql: "DROP TRIGGER \(t.name)")
            }
            try db.execute(sql: "DELETE FROM grdb_migrations WHERE identifier LIKE 'v14 %' OR identifier LIKE 'v15 %'")
        }
        let store = try Store(path: path)
        #expect(try Self.triggers(store) == Store.figureTriggers.count)
        try raw.write { try $0.execute(sql: #"REPLACE INTO referrals (id, direction, contact_id, "on") VALUES ((SELECT min(id) FROM referrals), 'given', (SELECT max(id) FROM contacts), '2026-02-01')"#) }
        #expect(try Self.due(store) > 0)
        _ = try store.refresh()
        try Self.expectKept(store, "after a REPLACE")
        try raw.close()
        store.close()
    }
}
