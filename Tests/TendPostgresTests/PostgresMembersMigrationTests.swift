import Foundation
import TendCore
import TendTestSupport
import Testing

@testable import TendPostgres

/// A database made before members (migration v1 alone) is brought up to date by the first
/// Tend that may write: what was there is the migrating member's, and events keep no member.
@Suite(.enabled(if: TestCluster.available, Comment(rawValue: TestCluster.skipped)))
struct PostgresMembersMigrationTests {
    @Test func aDatabaseFromBeforeMembersIsTheMigratingMembers() throws {
        let url = try TestCluster.freshDatabase("v1")
        // The first stage's tables and rows, as its Tend wrote them.
        let v1 = PostgresSchema.migrations[0]
        #expect(v1.0 == "v1")
        try TestCluster.psql(
            (["CREATE TABLE tend_migrations (identifier TEXT PRIMARY KEY, position INTEGER NOT NULL)"] + v1.1 + [
                "INSERT INTO tend_migrations VALUES ('v1', 0)",
                "INSERT INTO contacts (handle, name, created, snoozed_until) VALUES ('cleo-diaz', 'Cleo Diaz', '2026-01-01', '2026-12-31')",
                #"INSERT INTO interactions (kind, "on") VALUES ('call', '2026-11-10')"#,
                "INSERT INTO interaction_people VALUES (1, 1, 0)",
                "INSERT INTO me (id, name) VALUES (1, 'Ann Arbor')",
                "INSERT INTO definitions VALUES ('let', 'x', 'let x = 1', 1)",
                "INSERT INTO agenda_items VALUES (1, 'reconnect', 'done', '2026-11-01', NULL, NULL)",
            ]).joined(separator: ";\n"), url: url)
        // Under --read-only it is refused in words, and left as it was.
        #expect {
            try PostgresStore(url: url, readOnly: true)
        } throws: { error in
            "\(error)".contains("was made by an older version of Tend; a command that may write (not --read-only) brings it up to date")
        }
        #expect(try PostgresStore.holdsTend(url: url))
        #expect(try TestCluster.psql("SELECT count(*) FROM tend_migrations", url: url) == "1")
        // A command that only reads brings it up to date.
        let store = try PostgresStore(url: url, create: false)
        defer { store.close() }
        #expect(!store.isNew && !store.needsPrelude)
        let net = try store.network()
        #expect(net.me.name == "Ann Arbor")
        #expect(net.definitions.map(\.name) == ["x"])
        #expect(net.contacts.first?.snoozedUntil == Day(iso: "2026-12-31"))
        #expect(net.interactions.count == 1 && net.interactions[0].by == nil && !net.interactions[0].isPrivate)
        #expect(try store.itemStates().count == 1)
        #expect(try store.scalar("SELECT string_agg(identifier, ',' ORDER BY position) FROM tend_migrations") == "v1,v2 members,v3 journal,v4 merging others' notes,v5 sightings per event,v6 deferrable references,v7 events keep their author,v8 deleted events witnessed,v9 merges finish,v10 indexes of references,v11 sightings are their member's,v12 the journal keeps only the member's rows,v13 goal helpers are their member's,v14 figures kept,v15 witnesses of Tend's tables alone")
        #expect(try store.scalar("SELECT count(*)::text FROM contacts WHERE snoozed_until IS NOT NULL") == "0")
        #expect(try store.scalar("SELECT string_agg(DISTINCT member, ',') FROM definitions") == TestCluster.role)
    }
}
