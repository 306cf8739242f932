import GRDB
import GRDBSQLite
import TendCore

/// Writes of many new rows at once (the touches and sightings of a calendar or mailbox import),
/// journalled by one statement per table instead of by a trigger per row. A statement on a
/// table with triggers keeps a copy of every page it changes until it ends (SQLite's statement
/// journal, in case a trigger fails halfway), so tens of thousands of inserts copied the same
/// pages tens of thousands of times; without triggers, a one-row insert needs no such copy.
extension Store {
    /// An interaction's columns but its id, in the order `interactionCells` gives them.
    static let interactionColumns = "kind, \"on\", note, quality, gave, asked, inbound, pitch, source_id"

    static func interactionCells(_ i: Interaction) -> [Cell] {
        [
            .text(i.kind), .text(i.on.description), Cell(i.note), Cell(i.quality), Cell(i.gave), Cell(i.asked), Cell(i.inbound),
            Cell(i.pitch), Cell(i.sourceID),
        ]
    }

    /// Inserts an interaction and its people; returns its id. One whose source is already
    /// logged is refused in words.
    static func insertInteraction(_ i: Interaction, _ db: Database) throws -> Int64 {
        do {
            try run(db, "INSERT INTO interactions (\(interactionColumns)) VALUES (\(marks(9)))", interactionCells(i))
        } catch let e as DatabaseError where e.resultCode == .SQLITE_CONSTRAINT {
            // Looked up only when the index refused the row: an import writes tens of thousands.
            try refuseRepeatedSource(i, db)
            throw e
        }
        let id = db.lastInsertedRowID
        for (n, p) in i.people.enumerated() {
            try run(db, "INSERT INTO interaction_people (interaction_id, contact_id, position) VALUES (?, ?, ?)", [.int(id), .int(p), Cell(n)])
        }
        return id
    }

    /// Logs new interactions (each with its people), as `apply(.insertInteraction)` would one by
    /// one: the same rows, ids and journal rows. One whose source is already logged is refused in
    /// words (the caller rolls the run back).
    public func logInteractions(_ interactions: [Interaction]) throws {
        guard !interactions.isEmpty else { return }
        try insertingOnly(into: ["interactions", "interaction_people"]) { db in
            for i in interactions { try Store.insertInteraction(i, db) }
        }
        forgetCaches()
    }

    /// Runs `body`, which only inserts rows into `tables`, and journals those rows as the
    /// journal's triggers would have: one journal row per new row, with the hash of its image
    /// and no image before. The tables' triggers are dropped meanwhile and made again after;
    /// a row's number is above the table's largest before `body` exactly when `body` inserted it.
    func insertingOnly(into tables: [String], _ body: (Database) throws -> Void) throws {
        try db.inDatabase { db in
            try startJournal(db)
            let recording =
                try journalStarted
                && Bool.fetchOne(
                    db, sql: "SELECT EXISTS (SELECT 1 FROM temp.journal_on) AND NOT EXISTS (SELECT 1 FROM temp.journal_pause)") == true
            guard recording else { return try body(db) }
            var largest: [String: Int64] = [:]
            for table in tables {
                largest[table] = try Int64.fetchOne(db, sql: "SELECT coalesce(max(rowid), 0) FROM main.\"\(table)\"") ?? 0
            }
            let triggers = try String.fetchAll(
                db, sql: "SELECT name FROM temp.sqlite_master WHERE type = 'trigger' AND tbl_name IN (\(Store.marks(tables.count)))",
                arguments: StatementArguments(tables))
            for trigger in triggers { try db.execute(sql: "DROP TRIGGER temp.\"\(trigger)\"") }
            defer {
                journalStarted = false
                try? startJournal(db)
            }
            try body(db)
            let columns = Dictionary(uniqueKeysWithValues: try Store.journalledTables(db).map { ($0.table, $0.columns) })
            for table in tables {
                guard let cols = columns[table] else { continue }
                try db.execute(
                    sql: """
                        INSERT INTO journal_rows (change_id, tbl, rid, before, after_hash)
                        SELECT (SELECT coalesce(max(id), 0) + 1 FROM journal), ?, rowid, NULL, tend_image_hash(\(Store.image(cols, of: "t")))
                        FROM main."\(table)" t WHERE rowid > ? ORDER BY rowid
                        """, arguments: [table, largest[table]])
            }
        }
    }

    /// `?, ?, …`: `n` parameters.
    static func marks(_ n: Int) -> String { Array(repeating: "?", count: n).joined(separator: ", ") }
}

