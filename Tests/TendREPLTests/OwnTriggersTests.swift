import Foundation
import GRDB
import Testing

@testable import TendCore
@testable import TendREPL
@testable import TendStore

/// Tend's own triggers keep the figures and the kept agenda items in step with the data. One
/// dropped or changed by another program (sqlite3, a teammate's clean-up) leaves them unwatched:
/// a run that only reads then trusts neither, and the next run that opens the file to write makes
/// the triggers again and works every figure out afresh.
@Suite struct OwnTriggersTests {
    typealias Output = ConcurrencyTests.Output
    static let today = KeptItemsTests.today

    /// The agenda as a run reading a copy of the file with no figures and no kept items shows it.
    static func truth(_ path: String) throws -> String {
        let copy = ConcurrencyTests.path()
        try FileManager.default.copyItem(atPath: path, toPath: copy)
        try KeptItemsTests.write(
            copy,
            "DELETE FROM figures; DELETE FROM agenda_kept; DELETE FROM agenda_kept_for; INSERT INTO figures_due SELECT id FROM contacts WHERE true ON CONFLICT DO NOTHING"
        )
        return try KeptItemsTests.agendas(copy, readOnly: true).afresh
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

    @Test(arguments: [
        "DROP TRIGGER figures_interaction_people_added; DROP TRIGGER agenda_kept_contacts_changed",
        """
        DROP TRIGGER figures_interaction_people_added;
        CREATE TRIGGER figures_interaction_people_added AFTER INSERT ON interaction_people WHEN 0 BEGIN SELECT 1; END;
        DROP TRIGGER agenda_kept_contacts_changed
        """,
        // A table made again (as a hand-made migration would) loses every trigger on it.
        """
        CREATE TABLE ip_copy AS SELECT * FROM interaction_people; DROP TABLE interaction_people;
        CREATE TABLE interaction_people (interaction_id INTEGER NOT NULL REFERENCES interactions(id) ON DELETE CASCADE,
          contact_id INTEGER NOT NULL REFERENCES contacts(id) ON DELETE CASCADE, position INTEGER NOT NULL,
          PRIMARY KEY (interaction_id, position));
        INSERT INTO interaction_people SELECT * FROM ip_copy; DROP TABLE ip_copy;
        DROP TRIGGER agenda_kept_contacts_changed
        """,
    ])
    func triggersSomeoneDroppedOrChangedAreNotTrusted(_ tampering: String) throws {
        let path = ConcurrencyTests.path()
        _ = try KeptItemsTests.network(path)
        _ = try KeptItemsTests.agendas(path)
        let made = try Self.tendTriggers(path)
        #expect(made.keys.contains("figures_interaction_people_added") && made.keys.contains("agenda_kept_contacts_changed"))
        let before = try Self.truth(path)
        try KeptItemsTests.write(path, tampering)
        let ids = try DatabaseQueue(path: path).read { try Int64.fetchAll($0, sql: "SELECT id FROM contacts ORDER BY id LIMIT 40") }
        try Self.lunches(path, ids)
        try KeptItemsTests.write(path, "UPDATE contacts SET company = 'zz-co' WHERE id IN (\(ids.prefix(5).map(String.init).joined(separator: ",")))")
        let truth = try Self.truth(path)
        #expect(truth != before, "the lunches change the agenda")
        // A run under --read-only trusts neither the figures nor the kept items, and mends nothing.
        let output = Output()
        let console = Console(out: { output.out.append($0) }, err: { output.err.append($0) })
        let reader = try Session(store: try Store(path: path, readOnly: true), today: Self.today, renderer: Renderer(format: .csv), console: console)
        reader.interpreter.keepsAgenda = false
        #expect(AgendaMemoTests.run(reader, output, "agenda by item all\ncount(agenda)", readOnly: true) == truth)
        #expect(try Self.tendTriggers(path) != made)
        // A run that opens the file to write makes Tend's triggers again, as they were made.
        AgendaMemoTests.run(try KeptItemsTests.session(path, output), output, "count(contacts)")
        #expect(try Self.tendTriggers(path) == made)
        let mended = try KeptItemsTests.agendas(path)
        #expect(mended.kept == truth && mended.afresh == truth)
        // And they watch again: more lunches, written the same way, are seen.
        try Self.lunches(path, Array(ids.suffix(20)))
        let later = try KeptItemsTests.agendas(path)
        #expect(later.kept == later.afresh)
        #expect(later.kept == (try Self.truth(path)))
    }

    /// A file Tend made is opened without being written: its triggers are found as they were made.
    @Test func aFileAsMadeIsNotWrittenOnOpening() throws {
        let path = ConcurrencyTests.path()
        _ = try KeptItemsTests.network(path, size: 10)
        let version = { try DatabaseQueue(path: path).read { try Int.fetchOne($0, sql: "PRAGMA schema_version") } }
        let before = try version()
        let figures = try DatabaseQueue(path: path).read { try Row.fetchAll($0, sql: "SELECT * FROM figures ORDER BY contact_id") }
        _ = try Store(path: path)
        #expect(try version() == before)
        #expect(try DatabaseQueue(path: path).read { try Row.fetchAll($0, sql: "SELECT * FROM figures ORDER BY contact_id") } == figures)
        #expect(try Store(path: path).ownTriggersIntact)
    }
}
