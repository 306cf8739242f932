import Foundation
import GRDB

/// What the file holds besides data, kept in step with it by Tend's own triggers: the figures
/// (`figures`, `figures_due`, `figureTriggers`) and the agenda's kept items (`agenda_kept`,
/// `agenda_kept_for`, `keptItemsTriggers`). Another program that changes the file's schema
/// (sqlite3 dropping a trigger, even to make it again after a bulk write; a table made again by
/// hand, which takes its triggers with it; a view or trigger of its own on these tables) may have
/// left them out of step. So Tend notes the schema's version (`PRAGMA schema_version`, which
/// SQLite moves on every change to the schema) in `tend_checked` whenever it has made them, and
/// trusts them only while the file's version is that one: a run that only reads (`--read-only`)
/// then works everything out from the events, and one that opens the file to write makes them
/// all again (`mendDerived`) and works every contact's figures out afresh. A schema change of
/// the user's own (an index, a view for their reports) costs one such mending.
extension Store {
    /// The tables that hold nothing but what Tend works out: made again whole when in doubt.
    static let derivedTables = ["figures", "figures_due", "agenda_kept", "agenda_kept_for", "tend_checked"]

    /// Whether the file's schema is the one Tend last made its derived tables and triggers in.
    static func derivedChecked(_ db: Database) throws -> Bool {
        // Asked of sqlite_master itself: GRDB's `tableExists` costs a tenth of a short run.
        guard try Int.fetchOne(db, sql: "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'tend_checked'") == 1 else {
            return false
        }
        let noted = try Int64.fetchOne(db, sql: "SELECT schema_version FROM tend_checked WHERE id = 1")
        return try noted != nil && noted == Int64.fetchOne(db, sql: "PRAGMA schema_version")
    }

    /// Notes the schema as the one the derived tables were made in: after Tend's own change to
    /// it (`withoutFigureTriggers`), in the same transaction.
    static func noteSchemaChecked(_ db: Database) throws {
        try db.execute(sql: "INSERT OR REPLACE INTO tend_checked (id, schema_version) SELECT 1, schema_version FROM pragma_schema_version")
    }

    /// Makes the derived tables and every trigger of Tend's again, whatever stands in their
    /// place (a table of another shape or a view of the same name, in any case; triggers of
    /// other programs on them go with them), works out every contact's figures, and notes the
    /// schema. Nothing is lost: they hold no data.
    static func mendDerived(_ db: Database) throws {
        let names = derivedTables.map { "'\($0)'" }.joined(separator: ", ")
        let standing = try Row.fetchAll(db, sql: "SELECT type, name FROM sqlite_master WHERE lower(name) IN (\(names)) AND type IN ('table', 'view', 'index', 'trigger')")
        for row in standing {
            let type: String = row[0]
            let name: String = row[1]
            try db.execute(sql: "DROP \(type.uppercased()) IF EXISTS \(name.quotedDatabaseIdentifier)")
        }
        let triggers = figureTriggers + keptItemsTriggers
        for t in triggers { try db.execute(sql: "DROP TRIGGER IF EXISTS \(t.name)") }
        try createFigures(db)
        try makeKeptTables(db)
        try db.execute(sql: "CREATE TABLE tend_checked (id INTEGER PRIMARY KEY CHECK (id = 1), schema_version INTEGER NOT NULL)")
        for t in triggers { try db.execute(sql: t.sql) }
        try workOutDueFigures(db)
        try noteSchemaChecked(db)
    }
}
