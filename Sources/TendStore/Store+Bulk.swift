import GRDB
import GRDBSQLite
import TendCore

/// Writes of many new rows at once (the touches and sightings of a calendar or mailbox import),
/// without the journal's triggers. A statement on a table with triggers keeps a copy of every
/// page it changes until it ends (SQLite's statement journal, in case a trigger fails halfway),
/// even when no trigger fires, so tens of thousands of inserts copied the same pages tens of
/// thousands of times; without triggers, a one-row insert needs no such copy.
extension Store {
    /// An interaction's columns, in the order `insertInteraction` binds them.
    static let interactionColumns = "id, kind, \"on\", note, quality, gave, asked, inbound, pitch, source_id, \"by\", private"

    /// Made once: an import inserts tens of thousands of rows with them.
    static let insertInteractionSQL = "INSERT INTO interactions (\(interactionColumns)) VALUES (\(marks(12)))"
    static let insertPersonSQL = "INSERT INTO interaction_people (interaction_id, contact_id, position) VALUES (?, ?, ?)"

    /// Inserts an interaction and its people; returns its id (the one `id:` gave, or the next
    /// after the largest). One whose source is already logged is refused in words.
    static func insertInteraction(_ i: Interaction, _ db: Database) throws -> Int64 {
        // Bound in place, without an array of cells: an import inserts tens of thousands.
        let s = try db.cachedStatement(sql: insertInteractionSQL).sqliteStatement
        sqlite3_reset(s)
        if i.id == 0 { sqlite3_bind_null(s, 1) } else { sqlite3_bind_int64(s, 1, i.id) }
        bind(s, 2, i.kind)
        bind(s, 3, i.on.description)
        bind(s, 4, i.note)
        bind(s, 5, i.quality)
        bind(s, 6, i.gave)
        bind(s, 7, i.asked)
        bind(s, 8, i.inbound)
        bind(s, 9, i.pitch)
        bind(s, 10, i.sourceID)
        bind(s, 11, i.by)
        bind(s, 12, i.isPrivate)
        do {
            try step(s, db, insertInteractionSQL)
        } catch let e as DatabaseError where e.resultCode == .SQLITE_CONSTRAINT {
            // Looked up only when the index refused the row: an import writes tens of thousands.
            try refuseRepeatedSource(i, db)
            throw e
        }
        let id = try givenID(db, "interaction")
        let person = try db.cachedStatement(sql: insertPersonSQL).sqliteStatement
        for (n, p) in i.people.enumerated() {
            sqlite3_reset(person)
            sqlite3_bind_int64(person, 1, id)
            sqlite3_bind_int64(person, 2, p)
            sqlite3_bind_int64(person, 3, Int64(n))
            try step(person, db, insertPersonSQL)
        }
        return id
    }

    /// Logs new interactions (each with its people), as `apply(.insertInteraction)` would one by
    /// one: the same rows, ids and journal rows. One whose source is already logged is refused in
    /// words (the caller rolls the run back). The store numbers them, whatever ids they carry (as
    /// PostgreSQL's does): each is then past its table's mark, as `insertingOnly` needs.
    public func logInteractions(_ interactions: [Interaction]) throws {
        guard !interactions.isEmpty else { return }
        try insertingOnly(into: ["interactions", "interaction_people"]) { db in
            // New interactions and people: their people are due, said once each rather than by a
            // trigger per row.
            try Store.withoutFigureTriggers(db, of: ["interactions", "interaction_people"], making: Set(interactions.flatMap(\.people))) {
                for i in interactions {
                    guard case .insertInteraction(var signed) = Network.signed(.insertInteraction(i), by: member) else { continue }
                    signed.id = 0
                    try Store.validate(.insertInteraction(signed))
                    _ = try Store.insertInteraction(signed, db)
                }
            }
        }
        forget()
    }

    /// Runs `body`, which only inserts rows into `tables`, without those tables' journal
    /// triggers when every row it adds will be past its table's mark, and so recorded when the
    /// change closes (see Store+Journal); with them otherwise (a row deleted earlier in the change
    /// may leave its number to be taken again).
    func insertingOnly(into tables: [String], _ body: (Database) throws -> Void) throws {
        try db.inDatabase { db in
            try journalWrites(db)
            try startJournal(db)
            let pastMarks =
                try recording(db)
                && tables.allSatisfy { table in
                    try Bool.fetchOne(
                        db, sql: "SELECT coalesce(max(rowid), 0) >= (SELECT mark FROM temp.journal_marks WHERE tbl = ?) FROM main.\"\(table)\"",
                        arguments: [table]) == true
                }
            guard pastMarks else { return try body(db) }
            let dropped = Array(try dropJournalTriggers(db, tables: Set(tables)).dropped)
            do {
                try body(db)
            } catch {
                // The run is rolled back, which brings the triggers back too.
                try? makeJournalTriggers(db, tables: dropped)
                throw error
            }
            // Without them, later changes to these tables would not be recorded: a failure here fails the run.
            try makeJournalTriggers(db, tables: dropped)
        }
    }

    /// `?, ?, …`: `n` parameters.
    static func marks(_ n: Int) -> String { Array(repeating: "?", count: n).joined(separator: ", ") }
}

