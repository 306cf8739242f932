import Foundation
import TendTestSupport
import Testing

@testable import TendCore
@testable import TendPostgres
@testable import TendStore

/// The planner's negotiation on PostgreSQL (#22 item 2): the store narrows in SQL what the
/// SQLite store narrows, and every query gives what it gives over the network in memory.
@Suite(.enabled(if: TestCluster.available, Comment(rawValue: TestCluster.skipped)))
struct PostgresPushdownTests {
    let today = Pushdown.today

    /// A database of the test cluster holding `SampleNetwork(size:seed:)`, pushed in from SQLite.
    static func sample(size: Int, seed: UInt64) throws -> String {
        let personal = try Store(path: nil)
        try SampleNetwork(size: size, seed: seed, today: Pushdown.today).write(to: personal)
        let url = try TestCluster.freshDatabase("pushdown")
        let team = try PostgresStore(url: url)
        defer { team.close() }
        _ = try team.transaction { try Push(try personal.network(), into: team).run() }
        return url
    }

    @Test func pushedQueriesMatchTheCore() throws {
        let url = try Self.sample(size: 400, seed: 5)
        let store = try PostgresStore(url: url)
        defer { store.close() }
        let handle = try #require(try store.scalar("SELECT handle FROM contacts WHERE profession <> 'salon' ORDER BY id LIMIT 1"))
        let watched = Watched(store)
        let (fromStore, notNarrowed) = try Pushdown.runQueries(watched, handle: handle)
        #expect(notNarrowed.isEmpty, "not narrowed in SQL: \(notNarrowed)")
        let memory = MemoryModel(try store.network())
        for (q, expected) in zip(Pushdown.queries, fromStore) {
            #expect(try Pushdown.run(memory, q.replacingOccurrences(of: "HANDLE", with: handle)) == expected, "\(q)")
            #expect(!expected.isEmpty)
        }
        #expect(fromStore[0].split(separator: "\n").count > 1)
        #expect(fromStore[3] != "0")
        // Events read per contact, a page at a time, and narrowed for every contact: no event
        // table read whole, and the same answers.
        for q in Pushdown.eventQueries(handle) {
            let fresh = Watched(try PostgresStore(url: url))
            defer { fresh.store.close() }
            #expect(try Pushdown.run(fresh, q, cost: Pushdown.large) == (try Pushdown.run(memory, q)), "\(q)")
            #expect(fresh.loadedEvents == 0, "every event loaded: \(q)")
        }
        let agenda = Watched(try PostgresStore(url: url))
        defer { agenda.store.close() }
        #expect(try Pushdown.run(agenda, "agenda") == (try Pushdown.run(memory, "agenda")))
        #expect(agenda.loadedEvents == 0 && agenda.stats > 0 && agenda.narrowedCollections > 0, "the agenda read every event")
    }

    /// Every contact's figures, and a few contacts', as PostgreSQL sums them, are the core's.
    @Test func figuresMatchTheCore() throws {
        let url = try Self.sample(size: 300, seed: 11)
        let store = try PostgresStore(url: url)
        defer { store.close() }
        // A touch by another member on a contact's last day, after the others: it is the one
        // `last_touch_by` names; one in the future counts for nothing.
        try store.transaction {
            let first = try #require(try store.scalar("SELECT handle FROM contacts ORDER BY id LIMIT 1"))
            let id = try #require(try store.contactID(handle: first))
            var i = Interaction(kind: "call", on: today, people: [id])
            i.by = "someone_else"
            try store.apply(.insertInteraction(i))
            try store.apply(.insertReferral(Referral(direction: .given, contact: id, on: today.adding(days: 3))))
            var lunch = Interaction(kind: "lunch", on: today.adding(days: 3), people: [id])
            (lunch.gave, lunch.asked, lunch.inbound) = (true, true, true)
            try store.apply(.insertInteraction(lunch))
            let other = try #require(try store.scalar("SELECT id::text FROM contacts ORDER BY id LIMIT 1 OFFSET 9").flatMap { Int64($0) })
            try store.apply(.insertIntroduction(Introduction(a: id, b: other, on: today.adding(days: 3))))
            try store.apply(.insertSpend(Spend(contact: id, amount: 500, on: today.adding(days: 3))))
            // Ties on the last day: of two interactions the later logged names the member; a
            // referral on that day comes after them, an introduction after all.
            let ids = try #require(try store.scalar("SELECT string_agg(id::text, ',' ORDER BY id) FROM (SELECT id FROM contacts ORDER BY id LIMIT 4 OFFSET 1) AS x")).split(separator: ",").compactMap { Int64($0) }
            let day = today.adding(days: -2)
            for (member, contact) in [("first_logged", ids[0]), ("second_logged", ids[0]), ("by_call", ids[1]), ("by_call", ids[2])] {
                var i = Interaction(kind: "call", on: day, people: [contact])
                i.by = member
                try store.apply(.insertInteraction(i))
            }
            var referral = Referral(direction: .received, contact: ids[1], on: day)
            referral.by = "by_referral"
            try store.apply(.insertReferral(referral))
            var introduction = Introduction(a: ids[2], b: ids[3], on: day)
            introduction.by = "by_introduction"
            try store.apply(.insertIntroduction(introduction))
        }
        let expected = try store.network().stats(today: today)
        store.forget()
        let all = try #require(try store.contactStats(of: nil, today: today))
        #expect(all.count == 300 && expected.count == 300)
        for (id, figures) in expected { #expect(all[id] == figures, "contact \(id)") }
        #expect(all.values.contains { $0.lastTouchBy == "someone_else" })
        // What is dated after today counts for nothing; on its day, it counts.
        let first = try #require(try store.scalar("SELECT id::text FROM contacts ORDER BY id LIMIT 1").flatMap { Int64($0) })
        let expectedLater = try store.network().stats(today: today.adding(days: 3))
        store.forget()
        let later = try #require(try store.contactStats(of: nil, today: today.adding(days: 3))?[first])
        let now = try #require(all[first])
        #expect(later == expectedLater[first])
        #expect(later.referralsGiven == now.referralsGiven + 1 && later.gave == now.gave + 3 && later.asked == now.asked + 1)
        #expect(later.introductions == now.introductions + 1 && later.spend == now.spend + 500 && later.inbound == now.inbound + 1)
        let tied = try #require(try store.scalar("SELECT string_agg(id::text, ',' ORDER BY id) FROM (SELECT id FROM contacts ORDER BY id LIMIT 4 OFFSET 1) AS x"))
            .split(separator: ",").map { all[Int64($0)!]?.lastTouchBy }
        #expect(tied == ["second_logged", "by_referral", "by_introduction", "by_introduction"])
        #expect(all.values.filter { $0.touches > 0 && $0.spend > 0 && $0.degree > 0 && $0.stageSince != nil }.count > 10)
        // Each figure asked alone is the core's; the others are a contact's without events.
        for (figure, _) in PostgresStore.summed {
            let alone = try #require(try store.contactStats(of: nil, today: today, figures: figure))
            #expect(alone.count == 300)
            for (id, figures) in expected { #expect(alone[id] == Self.only(figure, of: figures), "contact \(id), figure \(figure.rawValue)") }
        }
        let some = Array(expected.keys.sorted().prefix(40))
        let few = try #require(try store.contactStats(of: some, today: today))
        #expect(few.count == 40)
        for id in some { #expect(few[id] == expected[id], "contact \(id)") }
        // With the events in memory, the core's pass answers.
        _ = try store.network(events: true)
        #expect(try store.contactStats(of: nil, today: today) == nil)
    }

    /// The figures of `s` that `f` names; the others as a contact without events has them.
    static func only(_ f: ContactStats.Figures, of s: ContactStats) -> ContactStats {
        var o = ContactStats()
        if f.contains(.touches) { o.touches = s.touches }
        if f.contains(.touches90) { o.touches90 = s.touches90 }
        if f.contains(.lastTouch) { o.lastTouch = s.lastTouch }
        if f.contains(.lastTouchBy) { o.lastTouchBy = s.lastTouchBy }
        if f.contains(.gave) { o.gave = s.gave }
        if f.contains(.asked) { o.asked = s.asked }
        if f.contains(.inbound) { o.inbound = s.inbound }
        if f.contains(.referralsGiven) { o.referralsGiven = s.referralsGiven }
        if f.contains(.referralsReceived) { o.referralsReceived = s.referralsReceived }
        if f.contains(.spend) { o.spend = s.spend }
        if f.contains(.introductions) { o.introductions = s.introductions }
        if f.contains(.degree) { o.degree = s.degree }
        if f.contains(.stageSince) { o.stageSince = s.stageSince }
        return o
    }

    /// The agenda has PostgreSQL sum only the figures the definitions name; a statement after
    /// it in the same session that reads another (a card's, a table's, a field of one contact)
    /// has them all summed again, and answers as the core does.
    @Test func theAgendaSumsWhatItsRulesReadAndLaterStatementsTheRest() throws {
        let url = try Self.sample(size: 200, seed: 23)
        let store = try PostgresStore(url: url)
        defer { store.close() }
        let handle = try #require(try store.scalar("SELECT c.handle FROM contacts c JOIN interaction_people ip ON ip.contact_id = c.id ORDER BY c.id LIMIT 1"))
        let memory = MemoryModel(try store.network())
        let script = """
            agenda
            @\(handle).touches
            @\(handle).last_touch_by
            contacts sort by id show handle, touches, touches_90d, last_touch_by, inbound, spend, introductions, degree, stage_since limit 60
            agenda
            """
        let watched = Watched(try PostgresStore(url: url))
        defer { watched.store.close() }
        let answer = try Pushdown.run(watched, script)
        #expect(answer == (try Pushdown.run(memory, script)))
        #expect(watched.loadedEvents == 0)
        #expect(watched.figuresAsked.first == [.lastTouch, .gave, .asked, .referralsGiven, .referralsReceived], "\(watched.figuresAsked)")
        #expect(watched.figuresAsked.contains(.all))
        #expect(try Pushdown.run(memory, "@\(handle).touches") != "0")
    }

    /// Contacts selected in SQL by their figures (`last_touch`, `touches`…, summed as
    /// `contactStats` sums them) are the contacts the core selects: those with no event at all
    /// included, another member's private note and a touch after today counted for nothing, and
    /// a contact outside the selection read with figures of its own.
    @Test func contactsSelectedByFiguresAreTheCoresSelection() throws {
        let url = try Self.sample(size: 300, seed: 17)
        let store = try PostgresStore(url: url)
        defer { store.close() }
        let handle = try #require(try store.scalar("SELECT handle FROM contacts ORDER BY id LIMIT 1 OFFSET 7"))
        try store.transaction {
            let id = try #require(try store.contactID(handle: handle))
            var note = Interaction(kind: "call", on: today, people: [id])
            (note.by, note.isPrivate) = ("someone_else", true)
            try store.apply(.insertInteraction(note))
            try store.apply(.insertInteraction(Interaction(kind: "lunch", on: today.adding(days: 5), people: [id])))
            try store.apply(.insertContact(Contact(name: "Nobody Yet", handle: "nobody-yet", created: today.adding(days: -3))))
        }
        store.forget()
        let memory = MemoryModel(try store.network())
        let queries = [
            "contacts where last_touch < today - 180d show handle, last_touch",
            "contacts where touches == 0 show handle, touches, last_touch",
            "contacts where touches_90d >= 2 and stage >= contact show handle, touches_90d",
            "contacts where degree >= 3 and inbound == 0 show handle, degree, inbound",
            "contacts where gave > 1 and asked <= 2 and referrals_given >= 0 and referrals_received < 5 show handle, gave, asked",
            "contacts where introductions > 0 and last_touch >= 2026-01-01 sort by last_touch desc show handle, @\(handle).last_touch, @\(handle).touches limit 5",
            "count(contacts where last_touch < today - 365d)",
            "contacts where last_touch == \(today.adding(days: -1)) or touches == 1 show handle",
            "contacts where touches < 2.5 and last_touch > today show handle",
            // Each figure alone, summed from its own tables only (a contact with none of them has 0).
            "contacts where degree == 0 show handle, degree",
            "contacts where degree >= 1 show handle, degree",
            "contacts where introductions == 0 show handle",
            "contacts where referrals_received >= 1 show handle, referrals_received",
            "contacts where asked == 0 and inbound == 0 show handle",
            "contacts where gave == 0 show handle",
            // Selected with their figures in one statement: every figure shown is the core's.
            "contacts where touches >= 0 and profession != \"nobody\" show handle, touches, touches_90d, last_touch, last_touch_by, gave, asked, inbound, referrals_given, referrals_received, introductions, spend, degree, stage_since",
            "contacts where degree >= 0 sort by spend desc, handle show handle, spend, stage_since, last_touch",
            "@\(handle)",
        ]
        for q in queries {
            let watched = Watched(try PostgresStore(url: url))
            defer { watched.store.close() }
            let got = try Pushdown.run(watched, q)
            #expect(got == (try Pushdown.run(memory, q)), "\(q)")
            if q.hasPrefix("contacts where last_touch < ") || q.hasPrefix("contacts where touches == 0") {
                #expect(watched.narrowed == 1 && watched.loadedAll == 0, "not selected in SQL: \(q)")
                #expect(got.split(separator: "\n").count >= 2, "\(q): \(got)")
            }
        }
        #expect(try Pushdown.run(memory, "contacts where touches == 0 show handle").contains("nobody-yet"))
    }

    /// Text PostgreSQL compares by bytes and Tend by canonical equivalence (the Kelvin sign is
    /// Tend's K): a narrowed read or a count in SQL leaves text that is not ASCII to the core.
    @Test func textOtherThanASCIIIsLeftToTheCore() throws {
        let url = try Self.sample(size: 40, seed: 4)
        let store = try PostgresStore(url: url)
        defer { store.close() }
        try store.transaction {
            let id = try #require(try store.network(events: false).contacts.first?.id)
            for note in ["OK", "O\u{212A}"] {
                var i = Interaction(kind: "call", on: today, people: [id])
                i.note = note
                try store.apply(.insertInteraction(i))
            }
            var c = Contact(name: "Kelvin", handle: "kelvin", created: today)
            c.profession = "\u{212A}iln operator"
            try store.apply(.insertContact(c))
        }
        store.forget()
        let memory = MemoryModel(try store.network())
        for q in [
            "count(interactions where kind == \"call\" and note == \"OK\")", "interactions where note == \"OK\" show kind, note",
            "contacts where profession == \"Kiln operator\" show handle",
        ] {
            store.forget()
            #expect(try Pushdown.run(Watched(store), q, cost: Pushdown.large) == (try Pushdown.run(memory, q)), "\(q)")
        }
        #expect(try Pushdown.run(memory, "count(interactions where note == \"OK\")") == "2")
    }

    /// `snoozed_until` narrowed in SQL is the member's own snooze (the snoozes table), as the
    /// contact's field reads it: one member's snooze selects nothing for another.
    @Test func aSnoozeConditionIsTheMembersOwn() throws {
        let url = try TestCluster.freshDatabase("snooze")
        let ann = try PostgresStore(url: url)
        defer { ann.close() }
        try ann.transaction {
            var c = Contact(name: "Cleo Diaz", handle: "cleo-diaz", created: today.adding(days: -30))
            c.id = try #require(try ann.apply(.insertContact(c)))
            c.snoozedUntil = today.adding(days: 10)
            try ann.apply(.updateContact(c, fields: ["snoozed_until"]))
            try ann.apply(.insertContact(Contact(name: "Dan Ito", handle: "dan-ito", created: today.adding(days: -30))))
        }
        let snoozed = [FieldCondition(field: "snoozed_until", op: .greater, value: .date(today))]
        ann.forget()
        #expect(try #require(try ann.read(ModelRead("contacts", where: snoozed))).contacts.map(\.handle) == ["cleo-diaz"])
        let q = "contacts where snoozed_until > today show handle"
        #expect(try Pushdown.run(Watched(ann), q) == "handle\ncleo-diaz")
        // Another member (the same database, acting as a role that snoozed nothing).
        let role = "eve_\(UUID().uuidString.prefix(8).lowercased())"
        try TestCluster.psql(
            """
            CREATE ROLE \(role) LOGIN NOSUPERUSER NOBYPASSRLS;
            GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO \(role);
            """, url: url)
        let eve = try PostgresStore(url: url.replacingOccurrences(of: "//\(TestCluster.role)@", with: "//\(role)@"))
        defer { eve.close() }
        #expect(try #require(try eve.read(ModelRead("contacts", where: snoozed))).contacts.isEmpty)
        #expect(try Pushdown.run(eve, q) == "handle\n")
    }

    /// A pushed-down read cannot show another member's private interaction: not through row-level
    /// security for a plain role, and not for a superuser's session either (which security does
    /// not restrict: the store's own condition does). Each member sees their own.
    @Test func aNarrowedReadShowsNoOtherMembersPrivateInteraction() throws {
        let url = try TestCluster.freshDatabase("private")
        let ann = try PostgresStore(url: url)
        defer { ann.close() }
        var ids: [Int64] = []
        try ann.transaction {
            for name in ["Cleo Diaz", "Dan Ito"] {
                let c = Contact(name: name, handle: name.lowercased().replacingOccurrences(of: " ", with: "-"), created: today.adding(days: -30))
                ids.append(try #require(try ann.apply(.insertContact(c))))
            }
        }
        let role = "bob_\(UUID().uuidString.prefix(8).lowercased())"
        try TestCluster.psql(
            """
            CREATE ROLE \(role) LOGIN NOSUPERUSER NOBYPASSRLS;
            GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO \(role);
            GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO \(role);
            """, url: url)
        let bob = try PostgresStore(url: url.replacingOccurrences(of: "//\(TestCluster.role)@", with: "//\(role)@"))
        defer { bob.close() }
        func log(_ store: PostgresStore, _ kind: String, _ note: String, private isPrivate: Bool, days: Int) throws {
            try store.transaction {
                var i = Interaction(kind: kind, on: today.adding(days: days), people: ids)
                i.note = note
                i.gave = true
                i.isPrivate = isPrivate
                try store.apply(.insertInteraction(i))
            }
        }
        try log(ann, "call", "shared call", private: false, days: -20)
        try log(bob, "lunch", "bob's secret", private: true, days: -2)
        try log(ann, "lunch", "ann's secret", private: true, days: -5)
        for (store, own, other) in [(ann, "ann's secret", "bob's secret"), (bob, "bob's secret", "ann's secret")] {
            let lunch = [FieldCondition(field: "kind", op: .equal, value: .string("lunch"))]
            let reads = [
                ModelRead("interactions", where: [], involving: ids[0]), ModelRead("interactions", where: lunch, involving: ids[1]),
                ModelRead("interactions", where: lunch, page: (Int64.min, 10)), ModelRead("interactions", where: [], page: (Int64.min, 10)),
                ModelRead("interactions", where: lunch),
            ]
            for r in reads {
                store.forget()
                let notes = try #require(try store.read(r)).interactions.compactMap(\.note)
                #expect(notes.contains(own) && !notes.contains(other), "\(store.member ?? ""): \(r.collection) \(notes)")
            }
            store.forget()
            let figures = try #require(try store.contactStats(of: nil, today: today))
            #expect(figures[ids[0]]?.touches == 2 && figures[ids[0]]?.gave == 2, "\(figures)")
            #expect(figures[ids[0]]?.lastTouch == today.adding(days: own.hasPrefix("bob") ? -2 : -5))
            store.forget()
            #expect(try store.offer(AccessRequest(collection: "interactions", constraints: [], count: true)).rows == 2)
            let memory = MemoryModel(try store.network())
            #expect(!memory.data.interactions.contains { $0.note == other })
            for q in ["timeline @cleo-diaz", "@dan-ito", "count(interactions where kind == \"lunch\")", "contacts show handle, touches, last_touch, last_touch_by"] {
                let fresh = try PostgresStore(url: store === ann ? url : url.replacingOccurrences(of: "//\(TestCluster.role)@", with: "//\(role)@"))
                defer { fresh.close() }
                let shown = try Pushdown.run(fresh, q, cost: Pushdown.large)
                #expect(shown == (try Pushdown.run(memory, q)), "\(q)")
                #expect(!shown.contains(other), "\(q): \(shown)")
            }
        }
    }
}
