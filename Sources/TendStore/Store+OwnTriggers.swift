import Foundation
import GRDB

/// Tend's own triggers keep what the file holds besides data in step with it: the figures
/// (`figureTriggers`) and the agenda's kept items (`keptItemsTriggers`). One that another program
/// dropped or changed (sqlite3, a teammate's clean-up, a table made again by hand, which takes
/// its triggers with it) leaves them unwatched, and they would be read out of date. So the file's
/// triggers are compared with Tend's when it is opened (and when another connection has
/// committed since): a run that only reads trusts neither while one is missing or changed, and
/// one that opens the file to write makes them again, with their tables, and works every
/// contact's figures out afresh. Triggers of other names are another program's: left alone.
extension Store {
    /// Every trigger this Tend makes, by name: the statement SQLite keeps for it.
    static let ownTriggers: [String: String] = Dictionary(
        uniqueKeysWithValues: (figureTriggers + keptItemsTriggers).map { ($0.name, $0.sql) })

    /// Whether every one of Tend's triggers is in the file as Tend made it, with the tables
    /// they write.
    static func ownTriggersAsMade(_ db: Database) throws -> Bool {
        var triggers = 0
        var tables = 0
        let rows = try Row.fetchCursor(db, sql: "SELECT type, name, sql FROM sqlite_master WHERE type IN ('trigger', 'table')")
        while let row = try rows.next() {
            let name: String = row[1]
            if row[0] == "table" {
                if ownTriggerTables.contains(name) { tables += 1 }
                continue
            }
            guard let made = ownTriggers[name] else { continue }
            guard made == row[2] as String? else { return false }
            triggers += 1
        }
        return triggers == ownTriggers.count && tables == ownTriggerTables.count
    }

    /// The tables Tend's triggers write.
    static let ownTriggerTables: Set<String> = ["figures", "figures_due", "agenda_kept", "agenda_kept_for"]

    /// Makes Tend's tables and triggers that are missing or changed again, unless another
    /// process did meanwhile; every contact's figures are then worked out, and no kept item is
    /// left (what was written while a trigger was missing is not known).
    static func mendOwnTriggers(_ db: Database) throws {
        guard try !ownTriggersAsMade(db) else { return }
        if try !hasFigureTables(db) {
            try db.execute(sql: "DROP TABLE IF EXISTS figures; DROP TABLE IF EXISTS figures_due")
            try createFigures(db)
        }
        try makeKeptTables(db)
        for (name, _) in ownTriggers { try db.execute(sql: "DROP TRIGGER IF EXISTS \(name)") }
        for (_, sql) in ownTriggers.sorted(by: { $0.key < $1.key }) { try db.execute(sql: sql) }
        try db.execute(sql: "DELETE FROM agenda_kept; DELETE FROM agenda_kept_for;")
        try db.execute(sql: makeDue("SELECT id FROM contacts"))
        try workOutDueFigures(db)
    }
}
