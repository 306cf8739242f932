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
                let key = r.text(1) + "\u{0}" + r.text(2)
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
            var position = try Int.fetchOne(db, sql: "SELECT coalesce(max(position), -1) + 1 FROM interaction_people WHERE interaction_id = ?", arguments: [id]) ?? 0
            for p in people {
                try Store.run(db, Store.insertPersonSQL, [.int(id), .int(p), Cell(position)])
                position += 1
            }
        }
        forget()
    }

    /// Keeps sightings of people who are not contacts; one already kept (same address and
    /// source) is not counted twice.
    public func recordSightings(_ sightings: [(address: String, sourceID: String, name: String?, on: Day)]) throws {
        let sql = "INSERT OR IGNORE INTO candidate_sightings (address, source_id, name, \"on\") VALUES (?, ?, ?, ?)"
        try insertingOnly(into: ["candidate_sightings"]) { db in
            // Bound in place: a mailbox gives tens of thousands.
            let statement = try db.cachedStatement(sql: sql).sqliteStatement
            for s in sightings {
                sqlite3_reset(statement)
                Store.bind(statement, 1, s.address)
                Store.bind(statement, 2, s.sourceID)
                Store.bind(statement, 3, s.name)
                Store.bind(statement, 4, s.on.description)
                try Store.step(statement, db, sql)
            }
        }
    }

    /// Each address seen with how often and when first and last; the name is the latest one
    /// written (a sighting may have none). Both stores run it.
    package static let candidateCountsSQL = """
        SELECT address, count(*), min("on"), max("on"),
          (SELECT name FROM candidate_sightings n WHERE n.address = s.address AND n.name IS NOT NULL ORDER BY n."on" DESC, n.name LIMIT 1)
        FROM candidate_sightings s GROUP BY address
        """

    /// A row of `candidateCountsSQL`.
    package static func candidateCount(_ r: some StoredRow) throws -> CandidateCount {
        CandidateCount(address: r.text(0), name: r.optionalText(4), count: Int(r.int(1)), firstSeen: try r.date(2), lastSeen: try r.date(3))
    }

    /// Every sighting kept, in the order kept (`tend push` copies them).
    public func sightings() throws -> [(address: String, sourceID: String, name: String?, on: Day)] {
        try read { db in
            guard try db.tableExists("candidate_sightings") else { return [] }
            var out: [(address: String, sourceID: String, name: String?, on: Day)] = []
            let sql = #"SELECT address, source_id, name, "on" FROM candidate_sightings ORDER BY rowid"#
            try Store.each(db, "candidate_sightings", sql, id: nil) { r in out.append((r.text(0), r.text(1), r.optionalText(2), try r.date(3))) }
            return out
        }
    }

    public func candidateCounts() throws -> [CandidateCount] {
        try read { db in
            guard try db.tableExists("candidate_sightings") else { return [] }
            var out: [CandidateCount] = []
            try Store.each(db, "candidate_sightings", Store.candidateCountsSQL, id: nil) { out.append(try Store.candidateCount($0)) }
            return out
        }
    }
}
