import Foundation
import GRDB
import GRDBSQLite
import TendCore

/// The journal of changes, which `undo` takes back and `history` lists.
///
/// Every row a change inserts, updates or deletes is recorded, in the change's own transaction:
/// the row's image before, as JSON, and a hash of its image after. A run closes its change when
/// it commits (`commit(label:)`): the rows recorded since become one entry of `journal`.
///
/// A row that was there when the change began is recorded by triggers this connection makes
/// for itself (TEMP triggers, generated from each table's columns as they are now, so a later
/// migration cannot leave one behind). The rows the change added are recorded together when the
/// change closes, by one statement per table: when the change began, each table's largest row
/// number was marked (`journal_marks`), and the rows past the mark are new. They are recorded as
/// one range, with a sum of their rows' hashes (`tend_rows_sum`). So a restore or an import,
/// which add tens of thousands of rows, run no trigger for them and write one journal row per
/// table.
///
///     journal       id, day, at, source ("repl", a script, "import FILE"), statement, undone
///     journal_rows  seq, change_id, tbl, rid, through (a range's last row, else NULL),
///                   before (NULL: inserted), after_hash (NULL: deleted; a range's: the sum)
///
/// Undo walks the rows of the newest entries backwards, putting each before-image back (and
/// deleting a range's rows), after checking that every row is still as the change left it:
/// Tend's own later changes would have been undone first, so a difference means a write
/// outside Tend, and the undo is refused.
/// The journal is no data: `dump` leaves it out, and it keeps the last `journalKeep` changes
/// of the last `journalDays` days, and the last `journalRecent` changes whatever their age.
extension Store {
    /// Changes kept: enough for any morning's mistakes, small beside the data.
    public static let journalKeep = 1000
    /// Days a change is kept: a quarter, after which nobody remembers what it undoes.
    public static let journalDays = 90
    /// Changes kept whatever their age: the age bound counts from the run's today, and a run
    /// with a far later `--today` (a what-if) must not wipe the recent history.
    public static let journalRecent = 100

    /// Tables that are not data, and so are not journalled: the journal's own, the numbers the
    /// agenda page showed last, the figures stored from the events (Store+Figures: an undo's rows
    /// make their contacts due again), and SQLite's and GRDB's bookkeeping.
    static let unjournalled = Set(derivedTables).union(["journal", "journal_rows", "agenda_numbers", "grdb_migrations"])

    /// Tables whose rows housekeeping may delete without a journal entry (`agenda_items` forgets
    /// an item closed "until its condition stops holding" once it stops): undo does not refuse
    /// when such a row is gone, and restores it whole.
    static let housekeeping: Set<String> = ["agenda_items"]

    static func createJournalTables(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE journal (
                  id INTEGER PRIMARY KEY, day TEXT NOT NULL, at TEXT NOT NULL, source TEXT NOT NULL,
                  statement TEXT NOT NULL, undone INTEGER NOT NULL DEFAULT 0);
                CREATE TABLE journal_rows (
                  seq INTEGER PRIMARY KEY, change_id INTEGER NOT NULL REFERENCES journal(id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
                  tbl TEXT NOT NULL, rid INTEGER NOT NULL, before TEXT, after_hash INTEGER);
                CREATE INDEX journal_rows_change ON journal_rows(change_id);
                """)
    }

    /// Rows a change added are recorded as one range per table (see above).
    static func addJournalRanges(_ db: Database) throws {
        try db.execute(sql: "ALTER TABLE journal_rows ADD COLUMN through INTEGER")
    }

    /// The columns of each journalled table, as they are in the database now.
    static func journalledTables(_ db: Database) throws -> [(table: String, columns: [String])] {
        let names = try String.fetchAll(db, sql: "SELECT name FROM main.sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite%' ORDER BY name")
        return try names.filter { !unjournalled.contains($0) }.map { name in
            (name, try String.fetchAll(db, sql: "SELECT name FROM pragma_table_info(?)", arguments: [name]))
        }
    }

    /// `json_object('id', P."id", …)`: a row's image.
    static func image(_ columns: [String], of row: String) -> String {
        "json_object(" + columns.map { "'\($0)', \(row).\"\($0)\"" }.joined(separator: ", ") + ")"
    }

    /// `tend_row_hash(P."id", …)`: a row's hash in a range, from its values (cheaper than its image's).
    static func rowHash(_ columns: [String], of row: String) -> String {
        "tend_row_hash(" + columns.map { "\(row).\"\($0)\"" }.joined(separator: ", ") + ")"
    }

    /// The same hash of the row a before-image (the parameter `?1`) holds.
    static func rowHash(_ columns: [String], ofImage image: String) -> String {
        "tend_row_hash(" + columns.map { "json_extract(\(image), '$.\"\($0)\"')" }.joined(separator: ", ") + ")"
    }

    /// Makes this connection's journalling triggers, once; a database without a journal (open
    /// to read only, made by an older Tend) gets none.
    func startJournal(_ db: Database) throws {
        guard !journalStarted, !readOnlyConnection, try db.tableExists("journal") else { return }
        journalStarted = true
        // Rows are recorded inside a run's transaction (`journal_on`, set by `begin`), unless
        // journalling is paused (`journal_pause`): a write outside a run is no change to undo.
        Store.addImageHash(db)
        try db.execute(
            sql: """
                CREATE TEMP TABLE IF NOT EXISTS journal_on (x); CREATE TEMP TABLE IF NOT EXISTS journal_pause (x);
                CREATE TEMP TABLE IF NOT EXISTS journal_marks (tbl TEXT PRIMARY KEY, mark INTEGER NOT NULL);
                """)
        journalTables = try Store.journalledTables(db)
        try makeJournalTriggers(db, tables: journalTables.map(\.table))
    }

    /// The change's number is the next entry's: the entry is written when the run commits.
    static let nextChange = "(SELECT coalesce(max(id), 0) + 1 FROM journal)"

    /// Makes the triggers that record the rows of `tables` that were there when the change began.
    func makeJournalTriggers(_ db: Database, tables: [String]) throws {
        for (table, columns) in journalTables where tables.contains(table) {
            let before = Store.image(columns, of: "OLD")
            // The image after is only compared with the row when it is undone: its hash is
            // enough, and keeps a restore's journal a fraction of the data it wrote.
            let after = "tend_image_hash(\(Store.image(columns, of: "NEW")))"
            // A table without a mark (none is set outside a run) has every row recorded so.
            let old = "<= coalesce((SELECT mark FROM temp.journal_marks WHERE tbl = '\(table)'), 9223372036854775807)"
            for (event, rid, images) in [
                ("INSERT", "NEW.rowid", "NULL, \(after)"), ("UPDATE", "OLD.rowid", "\(before), \(after)"),
                ("DELETE", "OLD.rowid", "\(before), NULL"),
            ] {
                try db.execute(
                    sql: """
                        CREATE TEMP TRIGGER IF NOT EXISTS "journal_\(table)_\(event)" AFTER \(event) ON main."\(table)"
                        WHEN \(rid) \(old) AND EXISTS (SELECT 1 FROM temp.journal_on) AND NOT EXISTS (SELECT 1 FROM temp.journal_pause) BEGIN
                          INSERT INTO journal_rows (change_id, tbl, rid, before, after_hash) VALUES (\(Store.nextChange), '\(table)', \(rid), \(images));
                        END
                        """)
            }
        }
    }

    /// Whether the rows written now are recorded: in a run, and not paused.
    func recording(_ db: Database) throws -> Bool {
        try journalStarted
            && Bool.fetchOne(
                db, sql: "SELECT EXISTS (SELECT 1 FROM temp.journal_on) AND NOT EXISTS (SELECT 1 FROM temp.journal_pause)") == true
    }

    /// Marks where each table's rows end now: rows past the mark are new in the change.
    ///
    /// A table with no rows goes without its triggers until it has some: none of them could
    /// fire (every row it gets is new), and a table with triggers costs each statement on it a
    /// copy of the pages it changes (SQLite's statement journal), which was a seventh of a
    /// restore. Which tables have triggers is read from the schema, not remembered: a rolled-back
    /// run takes back the triggers it made or dropped.
    func markTables(_ db: Database) throws {
        try db.execute(sql: "DELETE FROM temp.journal_marks")
        for (table, _) in journalTables {
            try db.execute(
                sql: "INSERT INTO temp.journal_marks (tbl, mark) SELECT ?, coalesce(max(rowid), 0) FROM main.\"\(table)\"", arguments: [table])
        }
        let empty = Set(try String.fetchAll(db, sql: "SELECT tbl FROM temp.journal_marks WHERE mark = 0"))
        let triggered = try dropJournalTriggers(db, tables: empty)
        let untriggered = journalTables.map(\.table).filter { !empty.contains($0) && !triggered.all.contains($0) }
        try makeJournalTriggers(db, tables: untriggered)
    }

    /// Drops the journal's triggers of `tables`; returns the tables that had them, and every
    /// table that has them (before the drop).
    @discardableResult
    func dropJournalTriggers(_ db: Database, tables: Set<String>) throws -> (dropped: Set<String>, all: Set<String>) {
        let triggers = try GRDB.Row.fetchAll(db, sql: "SELECT name, tbl_name FROM temp.sqlite_master WHERE type = 'trigger' AND name LIKE 'journal\\_%' ESCAPE '\\'")
        var dropped: Set<String> = []
        for t in triggers where tables.contains(t[1]) {
            try db.execute(sql: "DROP TRIGGER temp.\"\(t[0] as String)\"")
            dropped.insert(t[1])
        }
        return (dropped, Set(triggers.map { $0[1] as String }))
    }

    /// Records the rows past each table's mark as inserted by the change, as they are now, and
    /// moves the marks past them.
    func recordInserted(_ db: Database) throws {
        for (table, columns) in journalTables {
            // Asked first, by a read: an INSERT takes the write lock even when it inserts nothing,
            // and a run that only read must not wait for another process's write.
            let added = try Bool.fetchOne(
                db, sql: "SELECT coalesce(max(rowid), 0) > (SELECT mark FROM temp.journal_marks WHERE tbl = ?) FROM main.\"\(table)\"",
                arguments: [table])
            guard added == true else { continue }
            // A housekeeping table's rows go one by one: one may be gone by the time of an undo.
            let range = !Store.housekeeping.contains(table)
            try db.execute(
                sql: """
                    INSERT INTO journal_rows (change_id, tbl, rid, through, before, after_hash)
                    SELECT \(Store.nextChange), ?, \(range ? "min(rowid), max(rowid)" : "rowid, NULL"), NULL,
                      \(range ? "tend_rows_sum(rowid, \(Store.rowHash(columns, of: "t")))" : "tend_image_hash(\(Store.image(columns, of: "t")))")
                    FROM main."\(table)" t WHERE rowid > (SELECT mark FROM temp.journal_marks WHERE tbl = ?) \(range ? "" : "ORDER BY rowid")
                    """, arguments: [table, table])
        }
        try markTables(db)
    }

    /// Stops recording until `resumeJournal`: the rows added so far are recorded first, and those
    /// added meanwhile will not be. False when it was stopped already (by an outer pause).
    func pauseJournal(_ db: Database) throws -> Bool {
        guard journalStarted, try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM temp.journal_pause)") == false else { return false }
        if try recording(db) { try recordInserted(db) }
        try db.execute(sql: "INSERT INTO temp.journal_pause VALUES (1)")
        return true
    }

    func resumeJournal(_ db: Database) throws {
        try db.execute(sql: "DELETE FROM temp.journal_pause")
        if try recording(db) { try markTables(db) }
    }

    /// Runs a write that is not journalled: the prelude a new database starts with, the
    /// agenda's housekeeping, an undo.
    public func withoutJournal<T>(_ body: (Database) throws -> T) throws -> T {
        try db.inDatabase { db in
            if inTransaction { wroteUnjournalled = true }
            // A run that has not begun its journal records nothing: no need to pause it.
            if journalDue { return try body(db) }
            try startJournal(db)
            guard try pauseJournal(db) else { return try body(db) }
            defer { try? resumeJournal(db) }
            return try body(db)
        }
    }

    /// Turns the journal off (for the prelude a new database starts with) and on again.
    public func setJournalling(_ on: Bool) throws {
        try db.inDatabase { db in
            try startJournal(db)
            guard journalStarted else { return }
            if on { try resumeJournal(db) } else { _ = try pauseJournal(db) }
        }
    }

    /// Adds `tend_image_hash(TEXT)`, `tend_row_hash` and `tend_rows_sum` to a connection. The first is FNV-1a, 64
    /// bits, of a row's image (the same in every run; NULL for anything but text). Called for
    /// every row a change writes, it is a plain SQLite function over the text's bytes: through
    /// GRDB's function wrapper, which makes a Swift string of each image, it took a tenth of a
    /// calendar import.
    static func addImageHash(_ db: Database) {
        sqlite3_create_function_v2(
            db.sqliteConnection, "tend_image_hash", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC, nil,
            { context, _, arguments in
                guard let value = arguments?[0], sqlite3_value_type(value) == SQLITE_TEXT, let text = sqlite3_value_text(value) else {
                    sqlite3_result_null(context)
                    return
                }
                var hash: UInt64 = 0xcbf2_9ce4_8422_2325
                for i in 0..<Int(sqlite3_value_bytes(value)) { hash = (hash ^ UInt64(text[i])) &* 0x100_0000_01b3 }
                sqlite3_result_int64(context, Int64(bitPattern: hash))
            }, nil, nil, nil)
        // tend_row_hash(value, …): FNV-1a of each value's type and content, in order.
        sqlite3_create_function_v2(
            db.sqliteConnection, "tend_row_hash", -1, SQLITE_UTF8 | SQLITE_DETERMINISTIC, nil,
            { context, count, arguments in
                var hash: UInt64 = 0xcbf2_9ce4_8422_2325
                func add(_ byte: UInt8) { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
                func add(_ word: UInt64) { for shift in stride(from: 0, to: 64, by: 8) { add(UInt8(truncatingIfNeeded: word >> UInt64(shift))) } }
                for i in 0..<Int(count) {
                    guard let value = arguments?[i] else { continue }
                    let type = sqlite3_value_type(value)
                    add(UInt8(truncatingIfNeeded: type))
                    switch type {
                    case SQLITE_INTEGER: add(UInt64(bitPattern: sqlite3_value_int64(value)))
                    case SQLITE_FLOAT: add(sqlite3_value_double(value).bitPattern)
                    case SQLITE_TEXT, SQLITE_BLOB:
                        let bytes = sqlite3_value_blob(value)?.assumingMemoryBound(to: UInt8.self)
                        let n = Int(sqlite3_value_bytes(value))
                        add(UInt64(n))
                        for j in 0..<n { add(bytes![j]) }
                    default: break
                    }
                }
                sqlite3_result_int64(context, Int64(bitPattern: hash))
            }, nil, nil, nil)
        // tend_rows_sum(rowid, hash): the wrapping sum of the rows' terms (`rowTerm`), 0 for none.
        sqlite3_create_function_v2(
            db.sqliteConnection, "tend_rows_sum", 2, SQLITE_UTF8 | SQLITE_DETERMINISTIC, nil, nil,
            { context, _, arguments in
                // SQLite gives each group this memory zeroed, and frees it.
                guard let sum = sqlite3_aggregate_context(context, Int32(MemoryLayout<UInt64>.size)), let arguments,
                    let rowid = arguments[0], let hash = arguments[1]
                else { return sqlite3_result_error_nomem(context) }
                sum.assumingMemoryBound(to: UInt64.self).pointee &+= Store.rowTerm(sqlite3_value_int64(rowid), sqlite3_value_int64(hash))
            },
            { context in
                let sum = sqlite3_aggregate_context(context, 0)?.assumingMemoryBound(to: UInt64.self).pointee ?? 0
                sqlite3_result_int64(context, Int64(bitPattern: sum))
            }, nil)
    }

    /// A row's term in a range's sum: its number and its image's hash, mixed (SplitMix64's
    /// finalizer), so that two rows trading contents change the sum.
    static func rowTerm(_ rowid: Int64, _ hash: Int64) -> UInt64 {
        var z = UInt64(bitPattern: hash) ^ (UInt64(bitPattern: rowid) &* 0x9E37_79B9_7F4A_7C15)
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// What a change is called in `history`.
    public struct JournalLabel: Sendable {
        public var source: String
        public var statement: String
        public var day: Day
        /// The time of day, or the day alone when the day is injected (`--today`): no test
        /// depends on the clock.
        public var at: String
        public init(source: String, statement: String, day: Day, at: String) {
            self.source = source
            self.statement = statement
            self.day = day
            self.at = at
        }
    }

    /// One change of the journal, as `history` lists it.
    public struct JournalEntry: Sendable, Equatable {
        public var number: Int64
        public var at: String
        public var source: String
        public var statement: String
        public var undone: Bool
    }

    /// Closes the change the open transaction made, if it made one: the rows recorded become
    /// one entry, and entries past the bound are dropped.
    func closeChange(_ db: Database, _ label: JournalLabel?) throws {
        guard journalStarted else { return }
        if try recording(db) { try recordInserted(db) }
        try db.execute(sql: "DELETE FROM temp.journal_on")
        let next = try Int64.fetchOne(db, sql: "SELECT coalesce(max(id), 0) + 1 FROM journal") ?? 1
        func recorded() throws -> Bool {
            try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM journal_rows WHERE change_id = ?)", arguments: [next]) == true
        }
        // A run that wrote nothing writes nothing here either: it holds no write lock, and
        // must not wait for another process's.
        guard try recorded() else { return }
        // A row written as it was (`set` of the value it has) is no change to undo, and a commit
        // that is no session's run (the demo's generated network) is not journalled.
        try db.execute(sql: "DELETE FROM journal_rows WHERE change_id = ? AND (tend_image_hash(before) IS after_hash OR ?)", arguments: [next, label == nil])
        guard let label, try recorded() else { return }
        try db.execute(
            sql: "INSERT INTO journal (id, day, at, source, statement) VALUES (?, ?, ?, ?, ?)",
            arguments: [next, label.day.description, label.at.isEmpty ? label.day.description : label.at, label.source, label.statement])
        // Only ever the oldest changes go, in order: a change dated earlier than one kept (a run
        // with an earlier --today) stays, so that no hole is left for undo to stumble on; and
        // the newest `journalRecent` stay whatever their age (a run with a later --today).
        let oldest = label.day.adding(days: -Store.journalDays).description
        try db.execute(
            sql: "DELETE FROM journal WHERE id <= ? OR (id <= ? AND id < (SELECT min(id) FROM journal WHERE day >= ?))",
            arguments: [next - Int64(Store.journalKeep), next - Int64(Store.journalRecent), oldest])
    }

    /// The changes, newest first.
    public func history(limit: Int? = nil) throws -> [JournalEntry] {
        try read { db in
            guard try db.tableExists("journal") else { return [] }
            return try Row.fetchAll(
                db, sql: "SELECT id, at, source, statement, undone FROM journal ORDER BY id DESC LIMIT ?", arguments: [limit ?? -1]
            ).map { JournalEntry(number: $0[0], at: $0[1], source: $0[2], statement: $0[3], undone: $0[4]) }
        }
    }

    public enum UndoError: Error, CustomStringConvertible {
        case nothing
        case tooFew(Int)
        case changedSince(JournalEntry, table: String)
        public var description: String {
            switch self {
            case .nothing: return "there is no change to undo"
            case .tooFew(let n): return "the journal holds \(n) change\(n == 1 ? "" : "s") that can be undone"
            case .changedSince(let e, let table):
                return "cannot undo change \(e.number) (\(e.statement)): a row of \(table) was changed since, outside Tend; nothing was undone"
            }
        }
    }

    /// Takes back the newest `count` changes not undone yet, newest first, in the open
    /// transaction; returns them. The undo itself is not journalled: undone changes are marked
    /// so in `history` and cannot be redone.
    public func undo(count: Int) throws -> [JournalEntry] {
        let entries = try history().filter { !$0.undone }
        if entries.isEmpty { throw UndoError.nothing }
        if entries.count < count { throw UndoError.tooFew(entries.count) }
        try withoutJournal { db in
            try db.execute(sql: "PRAGMA defer_foreign_keys = ON")
            let columns = Dictionary(uniqueKeysWithValues: try Store.journalledTables(db).map { ($0.table, $0.columns) })
            for entry in entries.prefix(count) {
                try revert(entry, columns, db)
                try db.execute(sql: "UPDATE journal SET undone = 1 WHERE id = ?", arguments: [entry.number])
                try db.execute(sql: "DELETE FROM journal_rows WHERE change_id = ?", arguments: [entry.number])
            }
        }
        forget()
        return Array(entries.prefix(count))
    }

    /// One row of `journal_rows`: a row's images, or a range of rows the change added.
    struct JournalRow {
        var table: String
        var rid: Int64
        /// A range's last row number.
        var through: Int64?
        var before: String?
        var afterHash: Int64?

        init(_ row: GRDB.Row) {
            (table, rid, through, before, afterHash) = (row[0], row[1], row[2], row[3], row[4])
        }
    }

    /// Puts back the rows one change made, after checking that each is as the change left it.
    private func revert(_ entry: JournalEntry, _ columns: [String: [String]], _ db: Database) throws {
        let rows = try GRDB.Row.fetchAll(
            db, sql: "SELECT tbl, rid, through, before, after_hash FROM journal_rows WHERE change_id = ? ORDER BY seq DESC",
            arguments: [entry.number]
        ).map(JournalRow.init)
        // Ctrl-C stops an undo as it stops a statement: nothing is put back.
        func stopWhenAsked() throws { if Interruption.requested != 0 { throw Stopped() } }
        // Every row is checked before any is put back: putting one back may change another
        // (deleting an inserted interaction deletes its people with it).
        try check(rows, of: entry, columns, db)
        for r in rows {
            try stopWhenAsked()
            let cols = columns[r.table]!
            if let through = r.through {
                try db.execute(sql: "DELETE FROM main.\"\(r.table)\" WHERE rowid BETWEEN ? AND ?", arguments: [r.rid, through])
                continue
            }
            let names = cols.map { "\"\($0)\"" }
            // SQLite's json_extract ends a text at its first NUL: an image holding one is read
            // here and its values bound (undo cut "before\0after" to "before", and the next undo
            // then took the row for one changed outside Tend).
            let bound = try r.before.flatMap { $0.contains("\\u0000") ? try Store.imageValues($0, cols, table: r.table) : nil }
            // Text goes in as bytes made text (bound as a string, it too ended at the NUL).
            let values =
                bound.map { b in b.indices.map { k in b[k] is String ? "CAST(?\(k + 3) AS TEXT)" : "?\(k + 3)" } }
                ?? cols.map { "json_extract(?1, '$.\"\($0)\"')" }
            let extra: [DatabaseValueConvertible?] = (bound ?? []).map { v in (v as? String).map { Data($0.utf8) } ?? v }
            // Statements are prepared once per table and shape (a 50,000-row undo prepared three
            // statements of every column per row, and took twenty times its change).
            if let before = r.before, r.afterHash != nil {
                // An update is put back in place: deleting the row would delete what refers to it.
                // Its id, the rowid it is found by, is not set: setting a key, even to itself,
                // makes SQLite look up every row that refers to it.
                let sets = zip(names, values).filter { $0.0 != "\"id\"" }.map { "\($0) = \($1)" }.joined(separator: ", ")
                try db.cachedStatement(sql: "UPDATE main.\"\(r.table)\" SET \(sets) WHERE rowid = ?2")
                    .execute(arguments: StatementArguments([before, r.rid] + extra))
                if db.changesCount > 0 { continue }
            }
            // A forgotten housekeeping row comes back unless it was closed again since (that stays).
            let forgotten = Store.housekeeping.contains(r.table) && r.afterHash == nil
            if !forgotten { try db.cachedStatement(sql: "DELETE FROM main.\"\(r.table)\" WHERE rowid = ?").execute(arguments: [r.rid]) }
            guard let before = r.before else { continue }
            try db.cachedStatement(
                sql: "INSERT \(forgotten ? "OR IGNORE " : "")INTO main.\"\(r.table)\" (rowid, \(names.joined(separator: ", "))) VALUES (?2, \(values.joined(separator: ", ")))"
            ).execute(arguments: StatementArguments([before, r.rid] + extra))
        }
    }

    /// A row's values from its image (JSON of its columns, as `image` writes it), in `columns`'
    /// order: text whole, NULs and all; whole numbers as integers, others as reals.
    static func imageValues(_ image: String, _ columns: [String], table: String) throws -> [DatabaseValueConvertible?] {
        guard let object = try? JSONSerialization.jsonObject(with: jsonDataKeepingFEFF(image)) as? [String: Any] else {
            throw DamagedValue(table: "journal_rows", row: nil, problem: "an image of a row of \(table) is not one", remedy: DamagedValue.sqliteRemedy)
        }
        return columns.map { column -> DatabaseValueConvertible? in
            switch object[column] {
            case let s as String: return s
            case let n as NSNumber: return Int64(n.stringValue) ?? Double(n.stringValue) ?? n.doubleValue
            default: return nil
            }
        }
    }

    /// Refuses the undo when a row the change added is referred to by a row the change did not
    /// add (written outside Tend since): deleting it would delete that row too, by cascade (an
    /// undone `add` took with it a `knows` row and an interaction's person added by sqlite3).
    private func checkReferences(_ rows: [JournalRow], of entry: JournalEntry, _ columns: [String: [String]], _ db: Database) throws {
        var added: [String: [ClosedRange<Int64>]] = [:]
        for r in rows where r.before == nil || r.through != nil { added[r.table, default: []].append(r.rid...(r.through ?? r.rid)) }
        guard !added.isEmpty else { return }
        func isAdded(_ table: String, _ rid: Int64) -> Bool { added[table]?.contains { $0.contains(rid) } ?? false }
        for child in columns.keys.sorted() {
            // Every key refers to its table's id, which is the row number.
            for fk in try GRDB.Row.fetchAll(db, sql: "SELECT \"table\", \"from\" FROM pragma_foreign_key_list(?) WHERE coalesce(\"to\", 'id') = 'id'", arguments: [child]) {
                let parent: String = fk[0]
                let column: String = fk[1]
                for range in added[parent] ?? [] {
                    let referring = try Int64.fetchCursor(
                        db, sql: "SELECT rowid FROM main.\"\(child)\" WHERE \"\(column)\" BETWEEN ? AND ?", arguments: [range.lowerBound, range.upperBound])
                    while let rid = try referring.next() {
                        if !isAdded(child, rid) { throw UndoError.changedSince(entry, table: child) }
                    }
                }
            }
        }
    }

    /// Refuses the undo unless every row is as the change left it: the newest image of each row
    /// (`rows` are newest first) is what it must hold now.
    private func check(_ rows: [JournalRow], of entry: JournalEntry, _ columns: [String: [String]], _ db: Database) throws {
        try checkReferences(rows, of: entry, columns, db)
        var checked: Set<String> = []
        for (i, r) in rows.enumerated() {
            if Interruption.requested != 0 { throw Stopped() }
            guard let cols = columns[r.table] else { throw UndoError.changedSince(entry, table: r.table) }
            if let through = r.through {
                let now = try rangeSum(r, through: through, newer: rows[..<i], columns: cols, db)
                if now != r.afterHash { throw UndoError.changedSince(entry, table: r.table) }
                continue
            }
            let hash = "tend_image_hash(\(Store.image(cols, of: "t")))"
            guard checked.insert("\(r.table)/\(r.rid)").inserted else { continue }
            let now = try Int64.fetchOne(db.cachedStatement(sql: "SELECT \(hash) FROM main.\"\(r.table)\" t WHERE rowid = ?"), arguments: [r.rid])
            // Housekeeping rows may be gone (forgotten since), or closed again since they were forgotten.
            if now != r.afterHash && !(Store.housekeeping.contains(r.table) && (now == nil || r.afterHash == nil)) {
                throw UndoError.changedSince(entry, table: r.table)
            }
        }
    }

    /// The sum of a range's rows as they were when it was recorded, if nothing outside Tend
    /// changed them since: the rows as they are now, but a row the change wrote again after the
    /// range was recorded (a run that paused its journal) counts as that later write found it.
    private func rangeSum(
        _ r: JournalRow, through: Int64, newer: ArraySlice<JournalRow>, columns: [String], _ db: Database
    ) throws -> Int64 {
        let table = "main.\"\(r.table)\""
        let hash = Store.rowHash(columns, of: "t")
        var sum = UInt64(bitPattern: try Int64.fetchOne(
            db, sql: "SELECT tend_rows_sum(rowid, \(hash)) FROM \(table) t WHERE rowid BETWEEN ? AND ?", arguments: [r.rid, through]) ?? 0)
        // Newest first: the last image kept for a row is its oldest later write's before-image.
        var then: [Int64: String?] = [:]
        for n in newer where n.through == nil && n.table == r.table && (r.rid...through).contains(n.rid) { then[n.rid] = n.before }
        for (rid, before) in then {
            if let live = try Int64.fetchOne(db, sql: "SELECT \(hash) FROM \(table) t WHERE rowid = ?", arguments: [rid]) {
                sum &-= Store.rowTerm(rid, live)
            }
            if let before, let old = try Int64.fetchOne(db, sql: "SELECT \(Store.rowHash(columns, ofImage: "?1"))", arguments: [before]) {
                sum &+= Store.rowTerm(rid, old)
            }
        }
        return Int64(bitPattern: sum)
    }
}
