import Foundation
import TendTestSupport
import Testing

@testable import TendCore
@testable import TendPostgres
@testable import TendStore

/// Rows are handed to their reader as they arrive (`PostgresConnectionBridge.each`): a reader's
/// error stops the statement and is the error the caller gets, and the connection goes on.
@Suite(.enabled(if: TestCluster.available, Comment(rawValue: TestCluster.skipped)))
struct PostgresRowStreamTests {
    @Test func aDamagedRowStopsTheReadAndTheConnectionGoesOn() throws {
        let url = try PostgresPushdownTests.sample(size: 300, seed: 23)
        let store = try PostgresStore(url: url)
        defer { store.close() }
        let damaged = try #require(
            try store.scalar("UPDATE contacts SET tags = 'not a list' WHERE id = (SELECT id FROM contacts ORDER BY id OFFSET 150 LIMIT 1) RETURNING id::text"))
        store.forget()
        // Half the contacts were read when the damaged one came: the reader's own error, naming the row.
        let error = #expect(throws: DamagedValue.self) { try store.network() }
        #expect(error?.table == "contacts" && error?.row == Int64(damaged))
        #expect(error?.description.contains("tags") == true)
        // The rest of the statement's rows were let go: the next statements are answered in turn.
        #expect(try store.scalar("SELECT count(*)::text FROM contacts") == "300")
        _ = try store.scalar("UPDATE contacts SET tags = '[]' WHERE id = \(damaged) RETURNING id::text")
        store.forget()
        #expect(try store.network().contacts.count == 300)
        // The last of some thousands of interactions, after many reads from the socket.
        let last = try #require(try store.scalar(#"UPDATE interactions SET "on" = 'not a date' WHERE id = (SELECT max(id) FROM interactions) RETURNING id::text"#))
        store.forget()
        let late = #expect(throws: DamagedValue.self) { try store.network(events: true) }
        #expect(late?.table == "interactions" && late?.row == Int64(last))
        #expect(try store.scalar("SELECT count(*)::text FROM interactions WHERE id <= \(last)") == last)
    }

    @Test func manyRowsAreReadOneAfterTheOther() throws {
        let url = try PostgresPushdownTests.sample(size: 300, seed: 29)
        let store = try PostgresStore(url: url)
        defer { store.close() }
        store.forget()
        let net = try store.network(events: true)
        // Every row in its order, as the statements ask (ORDER BY id).
        #expect(net.interactions.map(\.id) == net.interactions.map(\.id).sorted())
        #expect(net.contacts.map(\.id) == net.contacts.map(\.id).sorted())
        #expect(try store.scalar(#"SELECT count(*)::text FROM interactions WHERE private = 0 OR "by" = current_user"#) == String(net.interactions.count))
    }
}
