import Foundation
import TendTestSupport
import Testing

@testable import TendCore
@testable import TendPostgres
@testable import TendStore

/// The agenda's figures summed on a second connection while the first reads the contacts
/// (PostgresStore+FiguresAhead): the same figures as summed on the first, never a snapshot
/// that misses what the run wrote, and as the same member.
@Suite(.enabled(if: TestCluster.available, Comment(rawValue: TestCluster.skipped)))
struct PostgresFiguresAheadTests {
    let today = Pushdown.today

    @Test func theAgendaSummedAheadIsTheCores() throws {
        let url = try PostgresPushdownTests.sample(size: 300, seed: 29)
        let store = try PostgresStore(url: url)
        defer { store.close() }
        store.figuresAheadFrom = 0
        let memory = MemoryModel(try store.network())
        for reading in [false, true] {
            try reading ? store.beginReading() : store.begin()
            let answer = try Pushdown.run(Watched(store), "agenda all")
            try store.commit()
            #expect(answer == (try Pushdown.run(memory, "agenda all")))
        }
        #expect(store.figuresSummedAhead == 2)
        // Below the line, on the first connection.
        store.figuresAheadFrom = 301
        try store.begin()
        #expect(try Pushdown.run(Watched(store), "agenda all") == (try Pushdown.run(memory, "agenda all")))
        try store.commit()
        #expect(store.figuresSummedAhead == 2)
    }

    /// Another transaction cannot see what this one wrote: a run that wrote before its agenda,
    /// or between starting the sums and taking them, has its figures summed on its own connection.
    @Test func aRunThatWroteSumsItsOwnFigures() throws {
        let url = try PostgresPushdownTests.sample(size: 200, seed: 31)
        let store = try PostgresStore(url: url)
        defer { store.close() }
        store.figuresAheadFrom = 0
        let ids = try #require(try store.scalar("SELECT string_agg(id::text, ',' ORDER BY id) FROM (SELECT id FROM contacts ORDER BY id LIMIT 2) AS x"))
            .split(separator: ",").compactMap { Int64($0) }
        func touch(_ id: Int64) throws {
            var i = Interaction(kind: "call", on: today, people: [id])
            i.gave = true
            try store.apply(.insertInteraction(i))
        }
        try store.begin()
        try touch(ids[0])
        let memory = MemoryModel(try store.network())
        store.forget()
        #expect(try Pushdown.run(Watched(store), "agenda all") == (try Pushdown.run(memory, "agenda all")))
        #expect(store.figuresSummedAhead == 0)
        store.rollback()

        try store.begin()
        store.expectContactStats(today: today, figures: .all)
        try touch(ids[1])
        let figures = try #require(try store.contactStats(of: nil, today: today, figures: .all))
        let expected = try store.network().stats(today: today)
        #expect(figures[ids[1]]?.lastTouch == today && figures[ids[1]] == expected[ids[1]])
        #expect(store.figuresSummedAhead == 0)
        store.rollback()
        // Figures other than those summed ahead, or of another day: summed here too.
        try store.begin()
        store.expectContactStats(today: today, figures: .lastTouch)
        _ = try store.contactStats(of: nil, today: today, figures: [.lastTouch, .touches])
        store.expectContactStats(today: today, figures: .all)
        _ = try store.contactStats(of: nil, today: today.adding(days: -1), figures: .all)
        #expect(store.figuresSummedAhead == 0)
        store.expectContactStats(today: today, figures: .all)
        _ = try store.contactStats(of: nil, today: today, figures: .touches)
        #expect(store.figuresSummedAhead == 1)
        store.rollback()
    }

    /// A second connection the server dropped: the figures are summed on the first, and the
    /// next agenda makes a new second connection.
    @Test func aLostSecondConnectionIsReplaced() throws {
        let url = try PostgresPushdownTests.sample(size: 100, seed: 41)
        let store = try PostgresStore(url: url)
        defer { store.close() }
        store.figuresAheadFrom = 0
        let expected = try store.network().stats(today: today)
        func agendaFigures() throws -> [Int64: ContactStats]? {
            try store.begin()
            defer { store.rollback() }
            store.forget()
            store.expectContactStats(today: today, figures: .all)
            return try store.contactStats(of: nil, today: today, figures: .all)
        }
        #expect(try agendaFigures() == expected)
        #expect(store.figuresSummedAhead == 1)
        let killed = try store.scalar(
            "SELECT count(pg_terminate_backend(pid))::text FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()")
        #expect(killed == "1")
        #expect(try agendaFigures() == expected)
        #expect(store.figuresSummedAhead == 1)
        #expect(try agendaFigures() == expected)
        #expect(store.figuresSummedAhead == 2)
    }

    /// Acting as another member (`--as`), the second connection acts as that member too: a
    /// private note of the login role's counts for nothing in the member's figures.
    @Test func theSecondConnectionActsAsTheMember() throws {
        let url = try PostgresPushdownTests.sample(size: 100, seed: 37)
        let role = "ida_\(UUID().uuidString.prefix(8).lowercased())"
        try TestCluster.psql(
            """
            CREATE ROLE \(role) NOLOGIN NOSUPERUSER NOBYPASSRLS;
            GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO \(role);
            GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO \(role);
            """, url: url)
        let owner = try PostgresStore(url: url)
        defer { owner.close() }
        let id = try #require(try owner.scalar("SELECT id::text FROM contacts ORDER BY id LIMIT 1").flatMap { Int64($0) })
        try owner.transaction {
            var note = Interaction(kind: "call", on: today, people: [id])
            note.gave = true
            note.isPrivate = true
            try owner.apply(.insertInteraction(note))
        }
        let member = try PostgresStore(url: url, role: role)
        defer { member.close() }
        member.figuresAheadFrom = 0
        try member.begin()
        let expected = try member.network().stats(today: today)
        member.forget()
        member.expectContactStats(today: today, figures: .all)
        let figures = try #require(try member.contactStats(of: nil, today: today, figures: .all))
        try member.commit()
        #expect(member.figuresSummedAhead == 1)
        #expect(figures == expected)
        #expect(figures[id]?.lastTouch != today)
        #expect(try owner.contactStats(of: [id], today: today)?[id]?.lastTouch == today)
    }
}
