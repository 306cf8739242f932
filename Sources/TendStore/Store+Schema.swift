import Foundation
import GRDB
import TendCore

/// The contact tables and the migrations that changed them; each runs once per database, so
/// its SQL never changes.
extension Store {
    /// The contact tables: contacts, their events, `knows`, me, markets, goals and definitions.
    static func createContactTables(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE contacts (
                  id INTEGER PRIMARY KEY,
                  handle TEXT NOT NULL UNIQUE,
                  name TEXT NOT NULL,
                  company TEXT, title TEXT, profession TEXT, email TEXT, phone TEXT, city TEXT,
                  tags TEXT NOT NULL DEFAULT '[]',
                  met_at TEXT, met_on TEXT, relationship TEXT,
                  internal INTEGER NOT NULL DEFAULT 0,
                  stage INTEGER NOT NULL DEFAULT 1,
                  cadence_months INTEGER, cadence_days INTEGER,
                  next_step TEXT, next_due TEXT,
                  goals TEXT NOT NULL DEFAULT '[]', accomplishments TEXT NOT NULL DEFAULT '[]',
                  interests TEXT NOT NULL DEFAULT '[]', networks TEXT NOT NULL DEFAULT '[]',
                  skills TEXT NOT NULL DEFAULT '[]', serves TEXT NOT NULL DEFAULT '[]',
                  expert INTEGER NOT NULL DEFAULT 0, passionate INTEGER NOT NULL DEFAULT 0,
                  honors_referrals INTEGER NOT NULL DEFAULT 0,
                  notes TEXT,
                  created TEXT NOT NULL,
                  snoozed_until TEXT);
                CREATE INDEX contacts_name ON contacts(name);
                CREATE TABLE stage_changes (
                  id INTEGER PRIMARY KEY,
                  contact_id INTEGER NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
                  stage INTEGER NOT NULL, "on" TEXT NOT NULL);
                CREATE INDEX stage_changes_contact ON stage_changes(contact_id);
                CREATE TABLE interactions (
                  id INTEGER PRIMARY KEY, kind TEXT NOT NULL, "on" TEXT NOT NULL, note TEXT, quality INTEGER,
                  gave INTEGER NOT NULL DEFAULT 0, asked INTEGER NOT NULL DEFAULT 0,
                  inbound INTEGER NOT NULL DEFAULT 0, pitch INTEGER NOT NULL DEFAULT 0);
                CREATE TABLE interaction_people (
                  interaction_id INTEGER NOT NULL REFERENCES interactions(id) ON DELETE CASCADE,
                  contact_id INTEGER NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
                  position INTEGER NOT NULL,
                  PRIMARY KEY (interaction_id, position));
                CREATE INDEX interaction_people_contact ON interaction_people(contact_id);
                CREATE TABLE referrals (
                  id INTEGER PRIMARY KEY, direction TEXT NOT NULL CHECK (direction IN ('given', 'received')),
                  contact_id INTEGER NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
                  about TEXT, "on" TEXT NOT NULL, value_cents INTEGER, status TEXT, note TEXT);
                CREATE INDEX referrals_contact ON referrals(contact_id);
                CREATE TABLE introductions (
                  id INTEGER PRIMARY KEY,
                  a_id INTEGER NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
                  b_id INTEGER NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
                  "on" TEXT NOT NULL, note TEXT);
                CREATE TABLE spending (
                  id INTEGER PRIMARY KEY,
                  contact_id INTEGER NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
                  amount_cents INTEGER NOT NULL, "on" TEXT NOT NULL, note TEXT);
                CREATE INDEX spending_contact ON spending(contact_id);
                CREATE TABLE knows (
                  a_id INTEGER NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
                  b_id INTEGER NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
                  PRIMARY KEY (a_id, b_id), CHECK (a_id < b_id));
                CREATE INDEX knows_b ON knows(b_id);
                CREATE TABLE me (
                  id INTEGER PRIMARY KEY CHECK (id = 1), name TEXT, profession TEXT, company TEXT,
                  preferred_client TEXT NOT NULL DEFAULT '[]', goals TEXT NOT NULL DEFAULT '[]');
                CREATE TABLE markets (name TEXT PRIMARY KEY, served_by TEXT NOT NULL DEFAULT '[]', position INTEGER NOT NULL);
                CREATE TABLE goals (
                  id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, due TEXT, metric TEXT, target TEXT, period TEXT);
                CREATE TABLE goal_helpers (
                  goal_id INTEGER NOT NULL REFERENCES goals(id) ON DELETE CASCADE,
                  contact_id INTEGER NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
                  position INTEGER NOT NULL,
                  PRIMARY KEY (goal_id, contact_id));
                CREATE TABLE definitions (
                  kind TEXT NOT NULL, name TEXT NOT NULL, source TEXT NOT NULL, position INTEGER NOT NULL,
                  PRIMARY KEY (kind, name));
                """)
    }

    /// Dates of the two event tables that queries narrow by date (`on >= today - 30d`).
    static func createDateIndexes(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE INDEX interactions_on ON interactions("on");
                CREATE INDEX spending_on ON spending("on");
                """)
    }

    /// Every column that refers to a contact has an index: deleting a contact, or putting one
    /// back on undo, looks up the rows that refer to it, and without one read all introductions
    /// for each (undoing a change of 100,000 contacts took 184 s against 4 s for the change). An
    /// index someone made already under one of these names is kept.
    static func indexReferences(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE INDEX IF NOT EXISTS introductions_a ON introductions(a_id);
                CREATE INDEX IF NOT EXISTS introductions_b ON introductions(b_id);
                CREATE INDEX IF NOT EXISTS goal_helpers_contact ON goal_helpers(contact_id);
                CREATE INDEX IF NOT EXISTS agenda_numbers_contact ON agenda_numbers(contact_id);
                """)
    }

    /// The tables whose ids the user reads and writes (`remove interaction 12`, an agenda page's
    /// numbers hold contact ids).
    static let numberedTables = Change.numbered

    /// Ids are never given twice, so that a script's `remove interaction N`, or an agenda page's
    /// line of a removed contact, cannot act on a row added since: without AUTOINCREMENT, SQLite
    /// gives the largest id again once its row is removed. Each numbered table is made again with
    /// AUTOINCREMENT, with its rows, columns, indexes and ids as they were; the next id is past
    /// the largest there now.
    static func neverReuseIDs(_ db: Database) throws {
        // Views and triggers someone added (Tend's own, the figures', are made after this migration) are set aside and made
        // again after: a table's own triggers go with it, and renaming the new table checks
        // every view and trigger, which refused one that read a table dropped meanwhile.
        let added = try String.fetchAll(db, sql: "SELECT sql FROM sqlite_master WHERE type IN ('view', 'trigger') AND sql IS NOT NULL ORDER BY rowid")
        for row in try Row.fetchAll(db, sql: "SELECT type, name FROM sqlite_master WHERE type IN ('trigger', 'view')") {
            let type: String = row[0]
            let name: String = row[1]
            try db.execute(sql: "DROP \(type == "view" ? "VIEW" : "TRIGGER") IF EXISTS \(name.quotedDatabaseIdentifier)")
        }
        for table in numberedTables {
            guard let create = try String.fetchOne(db, sql: "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", arguments: [table]),
                !create.contains("AUTOINCREMENT")
            else { continue }
            guard let key = create.range(of: "id INTEGER PRIMARY KEY"),
                let name = create.range(of: "CREATE TABLE \(table)") ?? create.range(of: "CREATE TABLE \"\(table)\"")
            else { throw DatabaseError(message: "the table \(table) is not as Tend made it") }
            var made = create
            made.replaceSubrange(key, with: "id INTEGER PRIMARY KEY AUTOINCREMENT")
            made.replaceSubrange(name, with: "CREATE TABLE tend_rebuilt")
            // Its own indexes (a UNIQUE column's comes with the table).
            let indexes = try String.fetchAll(
                db, sql: "SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL", arguments: [table])
            try db.execute(sql: made)
            try db.execute(sql: "INSERT INTO tend_rebuilt SELECT * FROM \(table)")
            try db.execute(sql: "DROP TABLE \(table)")
            try db.execute(sql: "ALTER TABLE tend_rebuilt RENAME TO \(table)")
            for sql in indexes { try db.execute(sql: sql) }
        }
        // Each is made again; one that fails (SQLite checks what a view or trigger reads only
        // when it is used, but a later SQLite may check on making) is tried again after the others.
        var left = added
        while !left.isEmpty {
            var failed: [String] = []
            var lastError: Error?
            for sql in left {
                do { try db.execute(sql: sql) } catch {
                    failed.append(sql)
                    lastError = error
                }
            }
            if failed.count == left.count, let lastError { throw lastError }
            left = failed
        }
    }

    /// Several e-mails, phones and addresses per contact (issue 19), the preferred first; the
    /// single values become the first of each list, with no kind.
    static func addContactLists(_ db: Database) throws {
        try db.execute(
            sql: """
                ALTER TABLE contacts ADD COLUMN emails TEXT NOT NULL DEFAULT '[]';
                ALTER TABLE contacts ADD COLUMN phones TEXT NOT NULL DEFAULT '[]';
                ALTER TABLE contacts ADD COLUMN addresses TEXT NOT NULL DEFAULT '[]';
                """ + ContactLists.fromSingleValues)
    }

    /// Important dates (issue 19): a date without a year is kept as --MM-DD; named dates are
    /// a flat JSON list of label and date. The UID names the contact in vdir folders: one
    /// contact per UID.
    static func addImportantDates(_ db: Database) throws {
        try db.execute(
            sql: """
                ALTER TABLE contacts ADD COLUMN birthday TEXT;
                ALTER TABLE contacts ADD COLUMN anniversary TEXT;
                ALTER TABLE contacts ADD COLUMN dates TEXT NOT NULL DEFAULT '[]';
                ALTER TABLE contacts ADD COLUMN uid TEXT;
                CREATE UNIQUE INDEX contacts_uid ON contacts(uid) WHERE uid IS NOT NULL;
                """)
    }

    /// Who logged each event (`by`, the member's name; null in one person's file) and the
    /// private flag of an interaction.
    static func addMembers(_ db: Database) throws {
        try db.execute(
            sql: """
                ALTER TABLE stage_changes ADD COLUMN "by" TEXT;
                ALTER TABLE interactions ADD COLUMN "by" TEXT;
                ALTER TABLE interactions ADD COLUMN private INTEGER NOT NULL DEFAULT 0 CHECK (private IN (0, 1));
                ALTER TABLE referrals ADD COLUMN "by" TEXT;
                ALTER TABLE introductions ADD COLUMN "by" TEXT;
                ALTER TABLE spending ADD COLUMN "by" TEXT;
                """)
    }

    /// A `SELECT … "by" FROM table` as this database can answer it: an older one, opened
    /// read-only (and so not migrated), has no `by` column, and reads null.
    static func withMembers(_ db: Database, _ select: String, _ table: String) throws -> String {
        try column(db, table, "by") == "by" ? select : select.replacingOccurrences(of: #", "by" FROM"#, with: ", NULL FROM")
    }
}
