import Foundation
import GRDB
import Testing

@testable import TendCore
@testable import TendStore

/// Migration v12 makes the numbered tables again with AUTOINCREMENT, so that no number is given
/// twice. A database made before it must come through whole: every row, column, index and id.
@Suite struct NumberingMigrationTests {
    /// What a table holds, row by row, and the indexes on it.
    static func snapshot(_ queue: DatabaseQueue) throws -> [String: [String]] {
        try queue.read { db in
            var out: [String: [String]] = [:]
            for table in Store.numberedTables + ["interaction_people", "knows", "goal_helpers", "agenda_items"] {
                out[table] = try Row.fetchAll(db, sql: "SELECT * FROM \(table) ORDER BY rowid").map(\.description)
                out[table + " indexes"] = try String.fetchAll(
                    db, sql: "SELECT coalesce(sql, name) FROM sqlite_master WHERE type = 'index' AND tbl_name = ? ORDER BY name", arguments: [table])
            }
            return out
        }
    }

    /// A database as Tend made it before v12: the tables without AUTOINCREMENT, the migration
    /// not run, and the newest interaction removed (its number is then the next again, as it was).
    static func olderDatabase() throws -> (path: String, raw: GRDBQueue) {
        let path = tempPath("old.db")
        do {
            let store = try Store(path: path)
            _ = try SampleNetwork(size: 60, seed: 3, interactionsPerContact: 6, today: day).write(to: store)
        }
        let raw = try GRDBQueue.unchecked(path)
        try raw.queue.write { db in
            for table in Store.numberedTables {
                let create = try String.fetchOne(db, sql: "SELECT sql FROM sqlite_master WHERE name = ?", arguments: [table])!
                let indexes = try String.fetchAll(db, sql: "SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL", arguments: [table])
                let old = create.replacingOccurrences(of: " AUTOINCREMENT", with: "")
                    .replacingOccurrences(of: "CREATE TABLE \"\(table)\"", with: "CREATE TABLE old_\(table)")
                    .replacingOccurrences(of: "CREATE TABLE \(table)", with: "CREATE TABLE old_\(table)")
                try db.execute(sql: old)
                try db.execute(sql: "INSERT INTO old_\(table) SELECT * FROM \(table); DROP TABLE \(table); ALTER TABLE old_\(table) RENAME TO \(table)")
                for sql in indexes { try db.execute(sql: sql) }
            }
            try db.execute(sql: "DELETE FROM sqlite_sequence; DELETE FROM grdb_migrations WHERE identifier = 'v12 ids never reused'")
            try db.execute(
                sql: """
                    DELETE FROM interaction_people WHERE interaction_id = (SELECT max(id) FROM interactions);
                    DELETE FROM interactions WHERE id = (SELECT max(id) FROM interactions);
                    """)
        }
        return (path, raw)
    }

    @Test func aDatabaseMadeBeforeKeepsEveryRowAndNumber() throws {
        let (path, raw) = try Self.olderDatabase()
        // A row another program left dangling, and views and triggers someone added: the file
        // opened before, and must after, with them (a view of contacts refused every write).
        var added = [
            "CREATE VIEW my_names AS SELECT name FROM contacts",
            "CREATE TABLE my_audit (x)",
            "CREATE TRIGGER my_log AFTER INSERT ON interactions BEGIN INSERT INTO my_audit VALUES (NEW.id); END",
            "CREATE TRIGGER my_knows AFTER INSERT ON knows BEGIN INSERT INTO my_audit SELECT count(*) FROM contacts; END",
        ]
        // And a view that reads another view, made before it in the file.
        let reading = ["CREATE VIEW my_b AS SELECT x FROM my_a", "CREATE VIEW my_a AS SELECT count(*) AS x FROM contacts"]
        try raw.queue.write { db in
            try db.execute(sql: "INSERT INTO interaction_people (interaction_id, contact_id, position) VALUES (999999, 1, 0)")
            for sql in added { try db.execute(sql: sql) }
            try db.execute(sql: "CREATE VIEW my_a AS SELECT 1 AS x; \(reading[0]); DROP VIEW my_a; \(reading[1])")
        }
        added += reading
        let before = try Self.snapshot(raw.queue)
        #expect(try raw.queue.read { try String.fetchOne($0, sql: "SELECT sql FROM sqlite_master WHERE name = 'interactions'") }?.contains("AUTOINCREMENT") == false)
        let largest = try raw.queue.read { try Int64.fetchOne($0, sql: "SELECT max(id) FROM interactions") }!

        let store = try Store(path: path)
        let after = try Self.snapshot(raw.queue)
        #expect(after == before)
        try raw.queue.read { db in
            for table in Store.numberedTables {
                let sql = try String.fetchOne(db, sql: "SELECT sql FROM sqlite_master WHERE name = ?", arguments: [table]) ?? ""
                #expect(sql.contains("id INTEGER PRIMARY KEY AUTOINCREMENT"), "\(table): \(sql)")
            }
            #expect(try String.fetchAll(db, sql: "PRAGMA integrity_check") == ["ok"])
            #expect(try String.fetchAll(db, sql: "SELECT sql FROM sqlite_master WHERE name LIKE 'my\\_%' ESCAPE '\\' ORDER BY sql") == added.sorted())
            #expect(try Row.fetchAll(db, sql: "PRAGMA foreign_key_check").count == 1)
        }
        // The next number follows the largest the table still has; removed after, it is not given again.
        let contact = try store.network(events: false).contacts[0].id
        let first = try store.apply(.insertInteraction(Interaction(kind: "call", on: day, people: [contact])))
        #expect(first == largest + 1)
        try store.apply(.deleteEvent(.interaction, first!))
        let second = try store.apply(.insertInteraction(Interaction(kind: "call", on: day, people: [contact])))
        #expect(second == largest + 2)
        // The trigger someone added still fires.
        #expect(try raw.queue.read { try Int64.fetchAll($0, sql: "SELECT x FROM my_audit") } == [first!, second!])
    }

    /// Read as it is (--read-only), an older database says no number was given past its rows
    /// (a dump writes no `numbers given`), and after the migration the removed newest one is.
    @Test func anOlderDatabaseNumbersNothingPastItsRows() throws {
        let (path, _) = try Self.olderDatabase()
        #expect(try Store(path: path, readOnly: true).numbersGivenPastRows().isEmpty)
        let store = try Store(path: path)
        let contact = try store.network(events: false).contacts[0].id
        let id = try store.apply(.insertInteraction(Interaction(kind: "call", on: day, people: [contact])))!
        try store.apply(.deleteEvent(.interaction, id))
        #expect(try store.numbersGivenPastRows().map(\.collection) == ["interactions"])
        #expect(try store.numbersGivenPastRows().map(\.upTo) == [id])
    }

    /// Two processes open one older file at once: the second found v12 pending before it waited
    /// for the first's write lock, ran it again and failed ("UNIQUE constraint failed:
    /// grdb_migrations.identifier"); the file it waited for is migrated, and it opens.
    @Test func aFileAnotherProcessMigratedMeanwhileOpens() throws {
        let (path, raw) = try Self.olderDatabase()
        let opened = OpenResult()
        try raw.queue.inDatabase { db in
            try db.execute(sql: "BEGIN IMMEDIATE")
            let second = Thread {
                do { _ = try Store(path: path) } catch { opened.error = "\(error)" }
                opened.done.signal()
            }
            second.start()
            Thread.sleep(forTimeInterval: 0.5)
            try Store.neverReuseIDs(db)
            try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v12 ids never reused')")
            try db.execute(sql: "COMMIT")
        }
        opened.done.wait()
        #expect(opened.error == nil, "\(opened.error ?? "")")
        #expect(try raw.queue.read { try String.fetchOne($0, sql: "SELECT sql FROM sqlite_master WHERE name = 'contacts'") }?.contains("AUTOINCREMENT") == true)
    }

    final class OpenResult: @unchecked Sendable {
        var error: String?
        let done = DispatchSemaphore(value: 0)
    }
}
