import GRDB
import GRDBSQLite
import TendCore

/// What imports of calendars and mailboxes keep: each imported interaction's source id (unique
/// per kind, so that importing the same file again adds nothing), my own e-mail addresses, and
/// every sighting of someone who is not a contact (`report candidates` counts them).
extension Store: CandidateBook {
    static func createTouchSources(_ db: Database) throws {
        try db.execute(
            sql: """
                ALTER TABLE interactions ADD COLUMN source_id TEXT;
                CREATE UNIQUE INDEX interactions_source ON interactions(kind, source_id) WHERE source_id IS NOT NULL;
                ALTER TABLE me ADD COLUMN emails TEXT NOT NULL DEFAULT '[]';
                CREATE TABLE candidate_sightings (
                  address TEXT NOT NULL, source_id TEXT NOT NULL, name TEXT, "on" TEXT NOT NULL,
                  PRIMARY KEY (address, source_id));
                """)
    }

    static func createPlannedSteps(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE planned_steps (
                  contact_id INTEGER NOT NULL UNIQUE REFERENCES contacts(id) ON DELETE CASCADE,
                  origin TEXT NOT NULL, step TEXT NOT NULL, due TEXT NOT NULL);
                """)
    }

    public func plannedSteps() throws -> [Int64: PlannedFrom] {
        try read { db in
            guard try db.tableExists("planned_steps") else { return [:] }
            var out: [Int64: PlannedFrom] = [:]
            try Store.each(db, "planned_steps", "SELECT contact_id, origin, step, due FROM planned_steps", StatementArguments()) { r in
                out[r.int(0)] = PlannedFrom(contact: r.int(0), origin: r.text(1), step: r.text(2), due: try r.date(3))
            }
            return out
        }
    }

    public func recordPlannedSteps(_ steps: [PlannedFrom]) throws {
        guard !steps.isEmpty else { return }
        try db.inDatabase { db in
            guard try db.tableExists("planned_steps") else { return }
            try journalWrites(db)
            let upsert = try db.cachedStatement(
                sql: """
                    INSERT INTO planned_steps (contact_id, origin, step, due) VALUES (?, ?, ?, ?)
                    ON CONFLICT (contact_id) DO UPDATE SET origin = excluded.origin, step = excluded.step, due = excluded.due
                    """)
            for s in steps { try upsert.execute(arguments: [s.contact, s.origin, s.step, s.due.description]) }
        }
    }

    /// A column's name, or `NULL` when a database an older Tend made, opened to read only (and
    /// so not migrated), does not have it yet.
    static func column(_ db: Database, _ table: String, _ name: String, as prefix: String = "") throws -> String {
        try db.columns(in: table).contains { $0.name == name } ? prefix + name : "NULL"
    }

    /// A second interaction of the same kind from the same source is refused in words (the
    /// index would refuse it too, in SQL's).
    static func refuseRepeatedSource(_ i: Interaction, _ db: Database) throws {
        guard let source = i.sourceID else { return }
        let statement = try db.cachedStatement(sql: "SELECT id FROM interactions WHERE kind = ? AND source_id = ?")
        if let id = try Int64.fetchOne(statement, arguments: [i.kind, source]) {
            throw UnstorableValue(description: "\(i.kind) \(id) is already logged from source \(ScriptWriter.quote(source))")
        }
    }

    /// The source ids of the interactions of these kinds imported so far, with each one's id, day and people.
    public func importedSources(kinds: [String]) throws -> [String: (id: Int64, on: Day, people: Set<Int64>)] {
        try read { db in
            guard try Store.column(db, "interactions", "source_id") != "NULL" else { return [:] }
            var out: [String: (id: Int64, on: Day, people: Set<Int64>)] = [:]
            let marks = kinds.map { _ in "?" }.joined(separator: ", ")
            try Store.each(
                db, "interactions",
                """
                SELECT i.id, i.kind, i.source_id, p.contact_id, i."on" FROM interactions i JOIN interaction_people p ON p.interaction_id = i.id
                WHERE i.source_id IS NOT NULL AND i.kind IN (\(marks))
                """, StatementArguments(kinds)
            ) { r in
                let key = Store.sourceKey(kind: r.text(1), sourceID: r.text(2))
                if out[key] == nil { out[key] = (r.int(0), try r.date(4), []) }
                out[key]!.people.insert(r.int(3))
            }
            return out
        }
    }

    /// The key `importedSources` gives an interaction by.
    public static func sourceKey(kind: String, sourceID: String) -> String { kind + "\u{0}" + sourceID }

    /// Adds people to an imported interaction that now matches more contacts (someone added
    /// since the file was first imported).
    public func addPeople(_ people: [Int64], toInteraction id: Int64) throws {
        try db.inDatabase { db in
            try journalWrites(db)
            var position = try Int.fetchOne(db, sql: "SELECT coalesce(max(position), -1) + 1 FROM interaction_people WHERE interaction_id = ?", arguments: [id]) ?? 0
            for p in people {
                try Store.run(db, Store.insertPersonSQL, [.int(id), .int(p), Cell(position)])
                position += 1
            }
        }
        forget()
    }

    public func removePeople(_ people: [Int64], fromInteraction id: Int64) throws {
        try db.inDatabase { db in
            try journalWrites(db)
            for p in people {
                try Store.run(db, "DELETE FROM interaction_people WHERE interaction_id = ? AND contact_id = ?", [.int(id), .int(p)])
            }
        }
        forget()
    }

    /// One sighting per address and calendar event, its occurrences counted: a busy calendar
    /// kept a row per occurrence, most of what its import wrote. The rows kept so
    /// (`ical:UID/DAY`) are folded into their event's (`ical:UID`).
    static func countSightings(_ db: Database) throws {
        try db.execute(
            sql: """
                ALTER TABLE candidate_sightings ADD COLUMN times INTEGER NOT NULL DEFAULT 1 CHECK (times > 0);
                ALTER TABLE candidate_sightings ADD COLUMN last_on TEXT;
                UPDATE candidate_sightings SET last_on = "on";
                """)
        // The changes that kept sightings can no longer put them back row for row (the rows have
        // new columns, and are folded): undoing such a change (an import made before) takes back
        // its touches and leaves the counts.
        if try db.tableExists("journal_rows") { try db.execute(sql: "DELETE FROM journal_rows WHERE tbl = 'candidate_sightings'") }
        let kept = try Store.legacySightings(db)
        let folded = Sighting.folded(kept)
        guard folded != kept else { return }
        try db.execute(sql: "DELETE FROM candidate_sightings")
        for s in folded { _ = try insertSighting(s, db) }
    }

    /// The sightings as a database an older Tend made keeps them: one per row, in the order kept.
    static func legacySightings(_ db: Database) throws -> [Sighting] {
        var out: [Sighting] = []
        try Store.each(db, "candidate_sightings", #"SELECT address, source_id, name, "on" FROM candidate_sightings ORDER BY rowid"#, id: nil) { r in
            out.append(Sighting(address: r.text(0), name: r.optionalText(2), on: try r.date(3), sourceID: r.text(1)))
        }
        return out
    }

    static let insertSightingSQL =
        #"INSERT OR IGNORE INTO candidate_sightings (address, source_id, name, "on", last_on, times) VALUES (?, ?, ?, ?, ?, ?)"#

    /// Inserts a sighting unless one of the same address and source is kept; false then.
    static func insertSighting(_ s: Sighting, _ db: Database) throws -> Bool {
        // Bound in place: a mailbox gives tens of thousands.
        let statement = try db.cachedStatement(sql: insertSightingSQL).sqliteStatement
        sqlite3_reset(statement)
        bind(statement, 1, s.address)
        bind(statement, 2, s.sourceID)
        bind(statement, 3, s.name)
        bind(statement, 4, s.on.description)
        bind(statement, 5, s.last.description)
        sqlite3_bind_int64(statement, 6, Int64(s.times))
        try step(statement, db, insertSightingSQL)
        return sqlite3_changes(db.sqliteConnection) > 0
    }

    /// Keeps sightings of people who are not contacts. One kept already (the same address and
    /// source: the same file again, or a later export of a calendar) counts as the most either
    /// import saw, so nothing is counted twice.
    public func recordSightings(_ sightings: [Sighting]) throws {
        var kept: [Sighting] = []
        try insertingOnly(into: ["candidate_sightings"]) { db in
            for s in sightings where try !Store.insertSighting(s, db) { kept.append(s) }
        }
        guard !kept.isEmpty else { return }
        try db.inDatabase { db in
            try journalWrites(db)
            for s in kept {
                try db.execute(
                    sql: Store.widenSightingSQL, arguments: [s.address, s.sourceID, s.times, s.on.description, s.last.description, s.name])
            }
        }
    }

    /// Widens a kept sighting (`?1` address, `?2` source) to another import's count, days and
    /// name (`?3` … `?6`).
    static let widenSightingSQL =
        "UPDATE candidate_sightings SET \(widening.set) WHERE address = ?1 AND source_id = ?2 AND \(widening.changes)"
    static let widening = Store.widening(times: "?3", on: "?4", last: "?5", name: "?6")

    /// How a kept sighting takes another import's count, days and name (each an SQL expression):
    /// the most times either saw, the earliest first day, the latest last day and the name seen
    /// last. `changes` holds only where it changes something: a row written as it was would be
    /// a change to undo. Both stores use it.
    package static func widening(times: String, on: String, last: String, name: String) -> (set: String, changes: String) {
        // Qualified: PostgreSQL's `ON CONFLICT DO UPDATE` sees the proposed row too.
        let (t, o, l, n) = ("candidate_sightings.times", #"candidate_sightings."on""#, "candidate_sightings.last_on", "candidate_sightings.name")
        let kept = "coalesce(\(l), \(o))"
        let newer = "\(name) IS NOT NULL AND (\(last) >= \(kept) OR \(n) IS NULL)"
        return (
            """
            times = CASE WHEN \(t) < \(times) THEN \(times) ELSE \(t) END, "on" = CASE WHEN \(o) > \(on) THEN \(on) ELSE \(o) END,
            last_on = CASE WHEN \(kept) < \(last) THEN \(last) ELSE \(kept) END, name = CASE WHEN \(newer) THEN \(name) ELSE \(n) END
            """,
            "(\(t) < \(times) OR \(o) > \(on) OR \(kept) < \(last) OR (\(newer) AND (\(n) IS NULL OR \(n) <> \(name))))"
        )
    }

    /// Each address seen with how often and when first and last; the name is the latest one
    /// written (a sighting may have none). Both stores run it; a database an older Tend made,
    /// opened to read only, has one row per sighting (`counted` false).
    package static func candidateCountsSQL(counted: Bool = true) -> String {
        let (times, last) = counted ? ("times", #"coalesce(last_on, "on")"#) : ("1", #""on""#)
        return """
            SELECT address, CAST(sum(\(times)) AS BIGINT), min("on"), max(\(last)),
              (SELECT name FROM candidate_sightings s WHERE s.address = c.address AND s.name IS NOT NULL ORDER BY \(last) DESC, s.name LIMIT 1)
            FROM candidate_sightings c GROUP BY address
            """
    }

    /// A row of `candidateCountsSQL`.
    package static func candidateCount(_ r: some StoredRow) throws -> CandidateCount {
        CandidateCount(address: r.text(0), name: r.optionalText(4), count: Int(r.int(1)), firstSeen: try r.date(2), lastSeen: try r.date(3))
    }

    /// Every sighting kept, in the order kept (`tend push` copies them).
    public func sightings() throws -> [Sighting] {
        try read { db in
            guard try db.tableExists("candidate_sightings") else { return [] }
            var out: [Sighting] = []
            // A database an older Tend made, opened to read only (`tend push`), kept a row per
            // occurrence: folded as the migration folds them.
            guard try Store.column(db, "candidate_sightings", "times") != "NULL" else { return Sighting.folded(try Store.legacySightings(db)) }
            let sql = #"SELECT address, source_id, name, "on", coalesce(last_on, "on"), times FROM candidate_sightings ORDER BY rowid"#
            try Store.each(db, "candidate_sightings", sql, id: nil) { r in
                out.append(Sighting(address: r.text(0), name: r.optionalText(2), on: try r.date(3), last: try r.date(4), times: Int(r.int(5)), sourceID: r.text(1)))
            }
            return out
        }
    }

    public func candidateCounts() throws -> [CandidateCount] {
        try read { db in
            guard try db.tableExists("candidate_sightings") else { return [] }
            var out: [CandidateCount] = []
            let sql = Store.candidateCountsSQL(counted: try Store.column(db, "candidate_sightings", "times") != "NULL")
            try Store.each(db, "candidate_sightings", sql, id: nil) { out.append(try Store.candidateCount($0)) }
            return out
        }
    }
}
