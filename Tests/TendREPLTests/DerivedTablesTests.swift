import Foundation
import GRDB
import Testing

@testable import TendCore
@testable import TendREPL
@testable import TendStore

/// Tend's own triggers keep the figures and the kept agenda items in step with the data. A schema
/// another program changed (sqlite3, a teammate's clean-up) may have left them unwatched: a run
/// under --read-only then trusts neither, and the next run that opens the file to write makes
/// them again and works every figure out afresh (`Store+Derived`).
@Suite struct DerivedTablesTests {
    typealias Output = ConcurrencyTests.Output
    static let today = KeptItemsTests.today

    /// The agenda as a run under --read-only shows it from a copy of the file without the
    /// figures and the kept items (whatever another program left in their place).
    static func truth(_ path: String) throws -> String {
        let copy = ConcurrencyTests.path()
        try FileManager.default.copyItem(atPath: path, toPath: copy)
        var plain = Configuration()
        plain.foreignKeysEnabled = false
        try DatabaseQueue(path: copy, configuration: plain).write { db in
            let names = Store.derivedTables.map { "'\($0)'" }.joined(separator: ", ")
            for row in try Row.fetchAll(db, sql: "SELECT type, name FROM sqlite_master WHERE lower(name) IN (\(names)) OR name LIKE 'figures%' OR name LIKE 'agenda_kept%'") {
                guard ["table", "view", "trigger"].contains(row[0] as String) else { continue }
                try db.execute(sql: "DROP \((row[0] as String).uppercased()) IF EXISTS \((row[1] as String).quotedDatabaseIdentifier)")
            }
        }
        return try readOnlyAgenda(copy)
    }

    /// The agenda of a run under --read-only (which keeps no items; `keeping` reads them).
    static func readOnlyAgenda(_ path: String, keeping: Bool = false) throws -> String {
        let output = Output()
        let console = Console(out: { output.out.append($0) }, err: { output.err.append($0) })
        let store = try Store(path: path, readOnly: true)
        store.keepsAgendaItems = keeping
        let reader = try Session(store: store, today: today, renderer: Renderer(format: .csv), console: console)
        reader.interpreter.keepsAgenda = false
        return AgendaMemoTests.run(reader, output, "agenda by item all\ncount(agenda)", readOnly: true)
    }

    static func tendTriggers(_ path: String) throws -> [String: String] {
        try DatabaseQueue(path: path).read { db in
            try Row.fetchAll(db, sql: "SELECT name, sql FROM sqlite_master WHERE type = 'trigger'").reduce(into: [:]) { $0[$1[0]] = $1[1] }
        }
    }

    /// A recent lunch with each of the first contacts, written by another program.
    static func lunches(_ path: String, _ ids: [Int64]) throws {
        for id in ids {
            try KeptItemsTests.write(
                path,
                """
                INSERT INTO interactions (kind, "on", quality) VALUES ('lunch', '\(today.adding(days: -1))', 5);
                INSERT INTO interaction_people (interaction_id, contact_id, position) VALUES (last_insert_rowid(), \(id), 0);
                UPDATE contacts SET next_due = NULL, snoozed_until = NULL WHERE id = \(id);
                """)
        }
    }

    static func schemaVersion(_ path: String) throws -> Int {
        try DatabaseQueue(path: path).read { try Int.fetchOne($0, sql: "PRAGMA schema_version") ?? 0 }
    }

    static func bytes(_ path: String) throws -> Data { try Data(contentsOf: URL(fileURLWithPath: path)) }

    /// Changes to the schema another program may make, and whether its writes still go through
    /// the tables they leave (a view named `figures_due` refuses them).
    static let tamperings: [(sql: String, writes: Bool)] = [
        ("DROP TRIGGER figures_interaction_people_added; DROP TRIGGER agenda_kept_contacts_changed", true),
        (
            """
            DROP TRIGGER figures_interaction_people_added;
            CREATE TRIGGER figures_interaction_people_added AFTER INSERT ON interaction_people WHEN 0 BEGIN SELECT 1; END;
            DROP TRIGGER agenda_kept_contacts_changed
            """, true
        ),
        // A table made again (as a hand-made migration would) loses every trigger on it.
        (
            """
            CREATE TABLE ip_copy AS SELECT * FROM interaction_people; DROP TABLE interaction_people;
            CREATE TABLE interaction_people (interaction_id INTEGER NOT NULL REFERENCES interactions(id) ON DELETE CASCADE,
              contact_id INTEGER NOT NULL REFERENCES contacts(id) ON DELETE CASCADE, position INTEGER NOT NULL,
              PRIMARY KEY (interaction_id, position));
            INSERT INTO interaction_people SELECT * FROM ip_copy; DROP TABLE ip_copy;
            DROP TRIGGER agenda_kept_contacts_changed
            """, true
        ),
        // The marks of contacts due thrown away with a table of another shape.
        ("DROP TABLE figures_due; CREATE TABLE figures_due (contact_id INTEGER PRIMARY KEY, note TEXT)", true),
        ("ALTER TABLE figures RENAME COLUMN touches TO t", true),
        ("ALTER TABLE agenda_kept RENAME TO kept_before; ALTER TABLE kept_before RENAME TO AGENDA_KEPT", true),
        ("DROP TABLE figures_due; CREATE VIEW figures_due AS SELECT 1 AS contact_id", false),
        ("CREATE TRIGGER mine AFTER INSERT ON figures_due BEGIN DELETE FROM figures_due; END", true),
        // Another program's table that refers to one of them (the figures made again, and kept, all the same).
        ("CREATE TABLE mine (x INTEGER REFERENCES figures(contact_id)); INSERT INTO mine SELECT contact_id FROM figures LIMIT 3", true),
    ]

    @Test(arguments: 0..<tamperings.count)
    func aSchemaAnotherProgramChangedIsNotTrusted(_ n: Int) throws {
        let (tampering, writes) = Self.tamperings[n]
        let path = ConcurrencyTests.path()
        _ = try KeptItemsTests.network(path)
        _ = try KeptItemsTests.agendas(path)
        let made = try Self.tendTriggers(path)
        #expect(made.keys.contains("figures_interaction_people_added") && made.keys.contains("agenda_kept_contacts_changed"))
        let before = try Self.truth(path)
        try KeptItemsTests.write(path, tampering)
        let ids = try DatabaseQueue(path: path).read { try Int64.fetchAll($0, sql: "SELECT id FROM contacts ORDER BY id LIMIT 40") }
        if writes {
            try Self.lunches(path, ids)
            try KeptItemsTests.write(path, "UPDATE contacts SET company = 'zz-co' WHERE id IN (\(ids.prefix(5).map(String.init).joined(separator: ",")))")
        }
        let truth = try Self.truth(path)
        #expect(truth != before || !writes, "the lunches change the agenda")
        // A run under --read-only trusts neither the figures nor the kept items, and writes nothing.
        let file = try Self.bytes(path)
        #expect(try Self.readOnlyAgenda(path, keeping: true) == truth)
        #expect(try Self.bytes(path) == file)
        let output = Output()
        // A run that opens the file to write makes Tend's tables and triggers again, as they
        // were made, and the next one finds them so and writes nothing on opening.
        AgendaMemoTests.run(try KeptItemsTests.session(path, output), output, "count(contacts)")
        #expect(try Self.tendTriggers(path) == made)
        let version = try Self.schemaVersion(path)
        _ = try Store(path: path)
        #expect(try Self.schemaVersion(path) == version)
        let mended = try KeptItemsTests.agendas(path)
        #expect(mended.kept == truth && mended.afresh == truth)
        // And they watch again: more lunches, written the same way, are seen.
        try Self.lunches(path, Array(ids.suffix(20)))
        let later = try KeptItemsTests.agendas(path)
        #expect(later.kept == later.afresh)
        #expect(later.kept == (try Self.truth(path)))
    }

    /// A trigger dropped for a bulk write and made again exactly as it was, by another program:
    /// the schema is Tend's again, but what was written meanwhile was not watched.
    @Test func aTriggerMadeAgainAsItWasIsNotTrustedEither() throws {
        let path = ConcurrencyTests.path()
        _ = try KeptItemsTests.network(path)
        _ = try KeptItemsTests.agendas(path)
        let made = try Self.tendTriggers(path)
        let ids = try DatabaseQueue(path: path).read { try Int64.fetchAll($0, sql: "SELECT id FROM contacts ORDER BY id LIMIT 40") }
        try KeptItemsTests.write(path, "DROP TRIGGER figures_interaction_people_added; DROP TRIGGER agenda_kept_contacts_changed")
        try Self.lunches(path, ids)
        try KeptItemsTests.write(path, "UPDATE contacts SET company = 'zz-co' WHERE id IN (\(ids.prefix(5).map(String.init).joined(separator: ",")))")
        try KeptItemsTests.write(path, made["figures_interaction_people_added"]! + ";" + made["agenda_kept_contacts_changed"]!)
        #expect(try Self.tendTriggers(path) == made)
        let truth = try Self.truth(path)
        let shown = try KeptItemsTests.agendas(path)
        #expect(shown.kept == truth && shown.afresh == truth)
    }

    /// Tend's own bulk writes (an import, the sample network) drop the figures' triggers and
    /// make them again in one transaction: the file is still Tend's as made after them.
    @Test func tendsOwnBulkWritesKeepTheSchemaChecked() throws {
        let path = ConcurrencyTests.path()
        // The sample is written in one bulk write, after the file was made and checked.
        _ = try KeptItemsTests.network(path, size: 20)
        let version = try Self.schemaVersion(path)
        _ = try Store(path: path)
        #expect(try Self.schemaVersion(path) == version, "not mended again")
        #expect(try Store(path: path, readOnly: true).derivedTrusted)
    }

    /// A file to mend while another process writes: a run that has nothing to migrate does not
    /// wait for it, and sums the events itself as under --read-only; the next open mends.
    @Test func aFileToMendWhileAnotherWritesIsReadWithoutWaiting() throws {
        let path = ConcurrencyTests.path()
        _ = try KeptItemsTests.network(path)
        _ = try KeptItemsTests.agendas(path)
        try KeptItemsTests.write(path, "DROP TRIGGER figures_interaction_people_added")
        try Self.lunches(path, [1, 2, 3])
        let truth = try Self.truth(path)
        var config = Configuration()
        config.allowsUnsafeTransactions = true
        let other = try DatabaseQueue(path: path, configuration: config)
        try other.inDatabase { try $0.execute(sql: "BEGIN IMMEDIATE") }
        let start = Date()
        let store = try Store(path: path)
        #expect(Date().timeIntervalSince(start) < 5)
        #expect(!store.derivedTrusted)
        let output = Output()
        let console = Console(out: { output.out.append($0) }, err: { output.err.append($0) })
        let reader = try Session(store: store, today: Self.today, renderer: Renderer(format: .csv), console: console)
        reader.interpreter.keepsAgenda = false
        #expect(AgendaMemoTests.run(reader, output, "agenda by item all\ncount(agenda)", readOnly: true) == truth)
        try other.inDatabase { try $0.execute(sql: "ROLLBACK") }
        #expect(try Store(path: path).derivedTrusted)
    }

    /// A file Tend made is opened without being written: its schema is found as it was noted.
    @Test func aFileAsMadeIsNotWrittenOnOpening() throws {
        let path = ConcurrencyTests.path()
        _ = try KeptItemsTests.network(path, size: 10)
        _ = try Store(path: path)
        let version = try Self.schemaVersion(path)
        let figures = try DatabaseQueue(path: path).read { try Row.fetchAll($0, sql: "SELECT * FROM figures ORDER BY contact_id") }
        _ = try Store(path: path)
        #expect(try Self.schemaVersion(path) == version)
        #expect(try DatabaseQueue(path: path).read { try Row.fetchAll($0, sql: "SELECT * FROM figures ORDER BY contact_id") } == figures)
        #expect(try Store(path: path).derivedTrusted)
        #expect(try Store(path: path, readOnly: true).derivedTrusted)
    }
}
