import Foundation
import GRDB
import GRDBSQLite
import TendCore

/// The agenda's items of each contact, kept in the file from one run to the next (#18): a
/// `tend agenda` after another reads them instead of working out every rule for every contact
/// again. Not data: never journalled, dumped or undone, and forgotten at the first doubt.
///
/// `agenda_kept` holds a contact's items in `AgendaMemo.encode`'s bytes; `agenda_kept_for` the
/// one key they were worked out under: this Tend's build, the day and the definitions' text
/// (`Interpreter.keptItemsKey`). Whenever a row that is a contact's, or one of its events, is
/// written — by Tend or by any other program — its items are not read again: the figures'
/// triggers make the contact due (`figures_due`, whose contacts' items are passed over, and
/// forgotten when their figures are worked out), and triggers of their own forget them when any
/// of their columns changes (the figures' watch only those they count); every contact's go when `me`, a market, a goal or a
/// definition is written. The interpreter keeps items only while the rules read nothing but
/// each contact's own (`Locality`), so what is kept is what working the rules out again gives.
extension Store {
    /// Migration v17: the tables and their triggers. A later migration that makes a table again
    /// (as v12 did) drops its triggers with it: it must make `keptItemsTriggers` again.
    static func createKeptItems(_ db: Database) throws {
        try makeKeptTables(db)
        for t in keptItemsTriggers { try db.execute(sql: t.sql) }
    }

    static let keptItemsMigration = "v17 agenda items kept"

    /// The two tables, unless they are there. They are not data: one someone dropped (to have
    /// the items worked out afresh) is made again when the file is opened to write
    /// (`mendDerived`), or its triggers would refuse every write.
    static func makeKeptTables(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE IF NOT EXISTS agenda_kept (contact_id INTEGER PRIMARY KEY, items BLOB NOT NULL);
                CREATE TABLE IF NOT EXISTS agenda_kept_for (id INTEGER PRIMARY KEY CHECK (id = 1), key TEXT NOT NULL);
                """)
    }

    /// The tables whose rows are a contact's own, with the columns naming the contact: a row
    /// written makes the contacts of its old and new values forget their items. A row added to
    /// or removed from a table the figures count (`counted`) makes its contacts due, whose
    /// items are then not read (`forgetDueItems`): only a change of it needs a trigger here (the
    /// figures' watch the columns they count). A trigger costs every row written (one on each
    /// insert was a tenth of an import of 50,000 vCards): there are no more than that.
    static let keptByContact: [(table: String, contacts: [String], counted: Bool)] = [
        ("contacts", ["id"], true), ("stage_changes", ["contact_id"], true), ("interaction_people", ["contact_id"], true),
        ("referrals", ["contact_id"], true), ("introductions", ["a_id", "b_id"], true), ("spending", ["contact_id"], true),
        ("knows", ["a_id", "b_id"], true), ("planned_steps", ["contact_id"], false),
    ]
    /// The tables every rule may read through a contact's events or `me`: a row written forgets every contact's items.
    static let keptByEveryone = ["me", "markets", "goals", "goal_helpers", "definitions"]
    /// The tables no rule whose items are kept reads (`Locality` refuses them), and the
    /// bookkeeping: writing them forgets nothing. Every table of the file is in one of these lists (a test sees to it).
    static let keptByNone = Set(derivedTables).union([
        "agenda_items", "agenda_numbers", "candidate_sightings", "journal", "journal_rows", "grdb_migrations", "sqlite_sequence",
    ])

    static let keptItemsTriggers: [FigureTrigger] = {
        // Nothing to forget while nothing is kept (a restore writes every row with none).
        let kept = " WHEN EXISTS (SELECT 1 FROM agenda_kept_for)"
        func forget(_ row: String, _ columns: [String]) -> String {
            "DELETE FROM agenda_kept WHERE contact_id IN (\(columns.map { "\(row).\($0)" }.joined(separator: ", ")));"
        }
        // A row that counts for a contact's figures makes it due (before it is written, as a
        // REPLACE removes a row without its delete trigger, and after it is added or removed):
        // a due contact's items are not read (`keptItems`), and go when the figures are worked
        // out (`forgetDueItems`), without a trigger of their own on each row written.
        var out: [FigureTrigger] = []
        for (table, contacts, counted) in keptByContact {
            out.append(
                FigureTrigger(
                    "agenda_kept_\(table)_changed", "AFTER UPDATE ON \(table)" + kept, forget("OLD", contacts) + " " + forget("NEW", contacts)))
            if !counted {
                out.append(FigureTrigger("agenda_kept_\(table)_added", "BEFORE INSERT ON \(table)" + kept, forget("NEW", contacts)))
            }
            // A contact removed is due no more (its figures go): its items go here.
            if !counted || table == "contacts" {
                out.append(FigureTrigger("agenda_kept_\(table)_removed", "AFTER DELETE ON \(table)" + kept, forget("OLD", contacts)))
            }
        }
        // An interaction is its people's: any column changed (a note, a quality) changes what their rules read.
        let people =
            "DELETE FROM agenda_kept WHERE contact_id IN (SELECT contact_id FROM interaction_people WHERE interaction_id IN (OLD.id, NEW.id));"
        out.append(FigureTrigger("agenda_kept_interactions_changed", "AFTER UPDATE ON interactions" + kept, people))
        for table in keptByEveryone {
            for event in ["INSERT", "UPDATE", "DELETE"] {
                out.append(
                    FigureTrigger(
                        "agenda_kept_\(table)_\(event.lowercased())", "AFTER \(event) ON \(table)" + kept,
                        "DELETE FROM agenda_kept; DELETE FROM agenda_kept_for;"))
            }
        }
        return out
    }()

    /// This build of Tend: items one build worked out are not another's (a function may answer
    /// otherwise). The kept bytes' layout, and the executable's device, inode, size and time of
    /// change (an upgrade writes a new file); nil where the executable cannot be found. On Linux
    /// through /proc/self/exe: `Bundle.main` reads the executable's whole folder to make itself
    /// (67M instructions, a third of a kept agenda, beside a folder of 28,000 files).
    static let buildIdentity: String? = {
        var st = stat()
        #if canImport(Darwin)
            guard let path = Bundle.main.executablePath, path.hasPrefix("/"), stat(path, &st) == 0 else { return nil }
            let changed = (st.st_mtimespec.tv_sec, st.st_mtimespec.tv_nsec)
        #else
            guard stat("/proc/self/exe", &st) == 0 else { return nil }
            let changed = (st.st_mtim.tv_sec, st.st_mtim.tv_nsec)
        #endif
        return "kept-1.\(st.st_dev).\(st.st_ino).\(st.st_size).\(changed.0).\(changed.1)"
    }()

    /// Whether the file has the tables, and nothing was committed by another connection since
    /// this one last looked (`refresh`): what the interpreter read then is what is there now.
    private func keptItemsUsable(_ db: Database) throws -> Bool {
        guard keepsAgendaItems, derivedTrusted, Store.buildIdentity != nil else { return false }
        return try Int64.fetchOne(db, sql: "PRAGMA data_version") == dataVersion
    }

    private static func fullKey(_ key: String) -> String { "\(buildIdentity ?? "")\u{1E}\(key)" }

    public func keptItems(under key: String) throws -> KeptItems? {
        try read { db in
            guard try keptItemsUsable(db),
                try String.fetchOne(db, sql: "SELECT key FROM agenda_kept_for WHERE id = 1") == Store.fullKey(key)
            else { return nil }
            // A contact due is one whose rows were written since its figures were worked out.
            let statement = try db.cachedStatement(
                sql: "SELECT contact_id, items FROM agenda_kept WHERE contact_id NOT IN (SELECT contact_id FROM figures_due)"
            ).sqliteStatement
            var contacts: [Int64] = []
            try Store.each(db, "contacts", "SELECT id FROM contacts ORDER BY id") { contacts.append($0.int(0)) }
            var out: [Int64: [UInt8]] = [:]
            defer { sqlite3_reset(statement) }
            while true {
                switch sqlite3_step(statement) {
                case SQLITE_ROW:
                    let blob = sqlite3_column_blob(statement, 1)
                    let n = Int(sqlite3_column_bytes(statement, 1))
                    let bytes = blob.map { Array(UnsafeRawBufferPointer(start: $0, count: n)) } ?? []
                    out[sqlite3_column_int64(statement, 0)] = bytes
                case SQLITE_DONE:
                    return (contacts, out)
                case let code:
                    throw Store.stepFailed(db, code)
                }
            }
        }
    }

    /// Forgets the items of the contacts due, before the list is cleared: what was written for
    /// them since is not in those items.
    static func forgetDueItems(_ db: Database) throws {
        guard try db.tableExists("agenda_kept") else { return }
        try db.execute(sql: "DELETE FROM agenda_kept WHERE contact_id IN (SELECT contact_id FROM figures_due)")
    }

    /// Kept items are a saving: a write of them that fails is taken back alone and the run goes
    /// on, unless SQLite gave up the run's whole transaction with it (a full disk can), which
    /// the run must then fail with. A contact due is not kept (its items go at the commit).
    public func keepItems(_ items: [Int64: [UInt8]], under key: String) throws {
        guard !readOnlyConnection else { return }
        do {
            try withoutWaiting { db in
                guard try keptItemsUsable(db) else { return }
                try db.execute(sql: "SAVEPOINT kept_items")
                do {
                    try writeKept(db, items, under: key)
                    try db.execute(sql: "RELEASE kept_items")
                } catch {
                    try? db.execute(sql: "ROLLBACK TO kept_items")
                    try? db.execute(sql: "RELEASE kept_items")
                    throw error
                }
            }
        } catch {
            if inTransaction, db.inDatabase({ sqlite3_get_autocommit($0.sqliteConnection) }) != 0 { throw error }
        }
    }

    private func writeKept(_ db: Database, _ items: [Int64: [UInt8]], under key: String) throws {
        let full = Store.fullKey(key)
        if try String.fetchOne(db, sql: "SELECT key FROM agenda_kept_for WHERE id = 1") != full {
            try db.execute(sql: "DELETE FROM agenda_kept")
            try db.execute(sql: "INSERT OR REPLACE INTO agenda_kept_for (id, key) VALUES (1, ?)", arguments: [full])
        }
        // Bound through SQLite's own calls: GRDB's arguments were most of keeping 10,000 rows.
        let insert = try db.cachedStatement(
            sql:
                "INSERT OR REPLACE INTO agenda_kept (contact_id, items) SELECT ?1, ?2 WHERE NOT EXISTS (SELECT 1 FROM figures_due WHERE contact_id = ?1)"
        ).sqliteStatement
        defer { sqlite3_reset(insert) }
        // In the table's order: each row goes at the B-tree's end instead of anywhere in it.
        for id in items.keys.sorted() {
            let bytes = items[id]!
            sqlite3_reset(insert)
            sqlite3_bind_int64(insert, 1, id)
            let bound = bytes.withUnsafeBytes {
                sqlite3_bind_blob64(insert, 2, $0.baseAddress, sqlite3_uint64($0.count), unsafeBitCast(-1, to: sqlite3_destructor_type.self))
            }
            let code = bound == SQLITE_OK ? sqlite3_step(insert) : bound
            guard code == SQLITE_DONE else {
                throw Store.stepFailed(db, code)
            }
        }
    }
}
