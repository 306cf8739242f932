import GRDB
import GRDBSQLite
import TendCore

/// What the agenda keeps: each item's state (`agenda_items`, data like any other, so undone
/// with it) and the numbers the page showed last (`agenda_numbers`, not data: rewritten by
/// every page, never journalled or dumped). The housekeeping that forgets items is not
/// journalled either.
extension Store: AgendaBook {
    static func createAgendaTables(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE agenda_items (
                  contact_id INTEGER NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
                  rule TEXT NOT NULL,
                  state TEXT NOT NULL CHECK (state IN ('done', 'dismissed', 'snoozed')),
                  since TEXT NOT NULL, until TEXT, note TEXT,
                  PRIMARY KEY (contact_id, rule));
                CREATE TABLE agenda_numbers (
                  number INTEGER NOT NULL,
                  contact_id INTEGER NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
                  rule TEXT NOT NULL);
                """)
    }

    /// False for a database an older Tend made and that is open to read only (not migrated):
    /// it has no items kept.
    func hasAgendaTables(_ db: Database) throws -> Bool {
        try db.tableExists("agenda_items")
    }

    /// An item's note with U+0000 is refused by both stores alike: SQLite's text through GRDB
    /// ends there (the note would be kept cut short), PostgreSQL's text cannot hold it.
    package static func validate(_ state: ItemState?) throws {
        if state?.note?.unicodeScalars.contains("\u{0}") == true {
            throw UnstorableValue(description: "cannot store the note: it holds the character U+0000")
        }
    }

    public func itemStates() throws -> [ItemKey: ItemState] {
        try read { db in
            guard try hasAgendaTables(db) else { return [:] }
            var out: [ItemKey: ItemState] = [:]
            let rows = try Row.fetchCursor(db, sql: "SELECT contact_id, rule, state, since, until, note FROM agenda_items")
            while let r = try rows.next() {
                out[ItemKey(contact: r[0], rule: r[1])] = Store.itemState(r[2], since: r[3], until: r[4], note: r[5])
            }
            return out
        }
    }

    public func setItemState(_ key: ItemKey, _ state: ItemState?) throws {
        try Store.validate(state)
        try db.inDatabase { db in
            try journalWrites(db)
            guard let state else {
                try db.execute(sql: "DELETE FROM agenda_items WHERE contact_id = ? AND rule = ?", arguments: [key.contact, key.rule])
                return
            }
            try db.execute(
                sql: """
                    INSERT INTO agenda_items (contact_id, rule, state, since, until, note) VALUES (?, ?, ?, ?, ?, ?)
                    ON CONFLICT (contact_id, rule) DO UPDATE SET state = excluded.state, since = excluded.since,
                      until = excluded.until, note = excluded.note
                    """,
                arguments: [key.contact, key.rule, state.kind.rawValue, state.since.description, state.until?.description, state.note])
        }
    }

    /// Forgets items closed until their condition stopped holding. Not a change of its own:
    /// each goes with the change that made its condition stop (the run's, when it changed
    /// something, else the latest kept), so that undoing that change closes the item again.
    public func forgetItemStates(_ keys: [ItemKey]) throws {
        // Begun outside the pause below, so that its triggers do not record these rows twice.
        try db.inDatabase { try journalWrites($0) }
        try withoutWaiting { db in
            let change = try journalStarted ? Store.changeForHousekeeping(db) : nil
            let image = journalTables.first { $0.table == "agenda_items" }.map { Store.image($0.columns, of: "a") }
            for key in keys {
                if let change, let image {
                    try db.execute(
                        sql: """
                            INSERT INTO journal_rows (change_id, tbl, rid, through, before, after_hash)
                            SELECT ?, 'agenda_items', rowid, NULL, \(image), NULL FROM agenda_items a WHERE contact_id = ? AND rule = ?
                            """, arguments: [change, key.contact, key.rule])
                }
                try db.execute(sql: "DELETE FROM agenda_items WHERE contact_id = ? AND rule = ?", arguments: [key.contact, key.rule])
            }
        }
    }

    /// The change housekeeping goes with: the run's own when it has recorded rows (its journal
    /// entry is written when it commits), else the newest one not undone; nil when there is none.
    static func changeForHousekeeping(_ db: Database) throws -> Int64? {
        let next = try Int64.fetchOne(db, sql: "SELECT \(Store.nextChange)") ?? 1
        let inRun = try Bool.fetchOne(
            db, sql: "SELECT EXISTS (SELECT 1 FROM temp.journal_on) AND EXISTS (SELECT 1 FROM journal_rows WHERE change_id = ?)", arguments: [next])
        if inRun == true { return next }
        return try Int64.fetchOne(db, sql: "SELECT max(id) FROM journal WHERE undone = 0")
    }

    /// Runs a write that may be left undone: when another process holds the write lock, it is
    /// given up at once instead of waiting (`busyWait` is 0 for it).
    /// False when it was given up.
    @discardableResult
    func withoutWaiting(_ body: (Database) throws -> Void) throws -> Bool {
        try withoutJournal { db in
            let limit = busyWait.limit
            busyWait.limit = 0
            defer { busyWait.limit = limit }
            do {
                try body(db)
                return true
            } catch let e as DatabaseError where e.resultCode == .SQLITE_BUSY || e.resultCode == .SQLITE_LOCKED {
                return false
            }
        }
    }

    public func agendaNumbers() throws -> [[ItemKey]] {
        try read { db in
            guard try hasAgendaTables(db) else { return [] }
            var lines: [[ItemKey]] = []
            let rows = try Row.fetchCursor(db, sql: "SELECT number, contact_id, rule FROM agenda_numbers ORDER BY number, rowid")
            while let r = try rows.next() {
                let n: Int = r[0]
                while lines.count < n { lines.append([]) }
                if n >= 1 { lines[n - 1].append(ItemKey(contact: r[1], rule: r[2])) }
            }
            return lines
        }
    }

    /// Numbers the page showed last; a page numbered as the last one writes nothing (the
    /// one-shot `tend agenda` took the write lock and synced the file for every page).
    @discardableResult
    public func setAgendaNumbers(_ lines: [[ItemKey]]) throws -> Bool {
        let same: Bool = try read { db in
            guard try hasAgendaTables(db) else { return lines.keptLines.isEmpty }
            var kept = KeptNumbersComparison(lines)
            // Read through SQLite's own calls: GRDB's rows were a third of a kept agenda's reads.
            let statement = try db.cachedStatement(sql: "SELECT number, contact_id, rule FROM agenda_numbers ORDER BY number, rowid").sqliteStatement
            defer { sqlite3_reset(statement) }
            while kept.same {
                let code = sqlite3_step(statement)
                guard code == SQLITE_ROW else {
                    if code == SQLITE_DONE { break }
                    throw Store.stepFailed(db, code)
                }
                let rule = sqlite3_column_text(statement, 2).map { String(cString: $0) } ?? ""
                kept.next(Int(sqlite3_column_int64(statement, 0)), ItemKey(contact: sqlite3_column_int64(statement, 1), rule: rule))
            }
            return kept.finish()
        }
        if same { return true }
        return try withoutWaiting { db in
            guard try hasAgendaTables(db) else { return }
            try db.execute(sql: "DELETE FROM agenda_numbers")
            let insert = try db.cachedStatement(sql: "INSERT INTO agenda_numbers (number, contact_id, rule) VALUES (?, ?, ?)")
            for (i, keys) in lines.enumerated() {
                for key in keys { try insert.execute(arguments: [i + 1, key.contact, key.rule]) }
            }
        }
    }
}
