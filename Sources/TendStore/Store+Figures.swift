import Foundation
import GRDB
import TendCore

/// Every contact's figures kept in the file, so that the agenda and the queries on derived fields
/// read one row a contact instead of summing every event (#18).
///
/// `figures` holds each contact's figures counting every event, whatever its date; `figures_due`
/// the contacts whose row is missing or may be out of date. Triggers in the file put a contact
/// there when a row that counts for it is added, changed or removed, by Tend or by any other
/// program (sqlite3, a teammate's script); a commit that wrote works out the figures of the
/// contacts due again and clears the list. A reader takes the kept row of every contact that is
/// not due and has no event dated after the day it asks for, works out the others (through the
/// contact indexes), and counts `touches_90d` from the events of the last 91 days alone (through
/// the date indexes). So what it answers is what summing every event gives, always: the kept
/// rows only spare the work.
extension Store {
    /// Migration v13: the tables, every contact due, and the date indexes the reader's
    /// `touches_90d` and dated-after-today lookups use. (The triggers are v14's.)
    static func createFigures(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE figures (
                  contact_id INTEGER PRIMARY KEY,
                  touches INTEGER NOT NULL, last_touch TEXT, gave INTEGER NOT NULL, asked INTEGER NOT NULL,
                  inbound INTEGER NOT NULL, referrals_given INTEGER NOT NULL, referrals_received INTEGER NOT NULL,
                  introductions INTEGER NOT NULL, spend_cents INTEGER NOT NULL, degree INTEGER NOT NULL, stage_since TEXT);
                CREATE TABLE figures_due (contact_id INTEGER PRIMARY KEY);
                INSERT INTO figures_due SELECT id FROM contacts;
                CREATE INDEX IF NOT EXISTS referrals_on ON referrals("on");
                CREATE INDEX IF NOT EXISTS introductions_on ON introductions("on");
                """)
    }

    /// Migration v14: the triggers that keep `figures_due`, made again whole (a file a build of
    /// the day v13 came made with fewer: none for a row a REPLACE removes).
    static func makeFigureTriggers(_ db: Database) throws {
        for sql in figuresTriggers { try db.execute(sql: "DROP TRIGGER IF EXISTS \(triggerName(sql))") }
        for sql in figuresTriggers { try db.execute(sql: sql) }
    }

    /// What each table's rows count for: the columns naming the contacts whose figures a row
    /// counts in, and the columns whose change changes what it counts. (An interaction counts for
    /// its people, through `interaction_people`; contacts themselves for their stage's date.)
    private static let countedRows: [(table: String, contacts: [String], counted: [String], key: [String])] = [
        ("interaction_people", ["contact_id"], ["interaction_id", "contact_id", "position"], ["interaction_id", "position"]),
        ("referrals", ["contact_id"], ["id", "contact_id", "direction", "\"on\""], ["id"]),
        ("introductions", ["a_id", "b_id"], ["id", "a_id", "b_id", "\"on\""], ["id"]),
        ("spending", ["contact_id"], ["id", "contact_id", "amount_cents", "\"on\""], ["id"]),
        ("knows", ["a_id", "b_id"], ["a_id", "b_id"], ["a_id", "b_id"]),
        ("stage_changes", ["contact_id"], ["id", "contact_id", "\"on\""], ["id"]),
    ]

    /// The triggers that put contacts in `figures_due`. Each adds an id only when it is not there
    /// already, rather than by INSERT OR IGNORE, whose conflict rule the statement that fires the
    /// trigger would override with its own (an INSERT OR ABORT would then fail on an id due twice).
    static let figuresTriggers: [String] = {
        func due(_ id: String) -> String {
            "INSERT INTO figures_due SELECT \(id) WHERE NOT EXISTS (SELECT 1 FROM figures_due WHERE contact_id = \(id));"
        }
        var out: [String] = []
        // The contacts of the row a REPLACE (or an UPDATE OR REPLACE) is about to remove: SQLite
        // runs no delete trigger for it (unless recursive_triggers is on).
        func replaced(_ table: String, _ contacts: [String], _ key: [String]) -> String {
            let same = key.map { "r.\($0) = NEW.\($0)" }.joined(separator: " AND ")
            return contacts.map {
                "INSERT INTO figures_due SELECT DISTINCT r.\($0) FROM \(table) r WHERE \(same) AND NOT EXISTS (SELECT 1 FROM figures_due d WHERE d.contact_id = r.\($0));"
            }.joined(separator: " ")
        }
        for (table, contacts, counted, key) in countedRows {
            out.append("CREATE TRIGGER figures_\(table)_replacing BEFORE INSERT ON \(table) BEGIN \(replaced(table, contacts, key)) END")
            out.append("CREATE TRIGGER figures_\(table)_rekeying BEFORE UPDATE OF \(key.joined(separator: ", ")) ON \(table) BEGIN \(replaced(table, contacts, key)) END")
            out.append("CREATE TRIGGER figures_\(table)_added AFTER INSERT ON \(table) BEGIN \(contacts.map { due("NEW.\($0)") }.joined(separator: " ")) END")
            out.append("CREATE TRIGGER figures_\(table)_removed AFTER DELETE ON \(table) BEGIN \(contacts.map { due("OLD.\($0)") }.joined(separator: " ")) END")
            out.append(
                "CREATE TRIGGER figures_\(table)_changed AFTER UPDATE OF \(counted.joined(separator: ", ")) ON \(table) BEGIN "
                    + contacts.flatMap { [due("OLD.\($0)"), due("NEW.\($0)")] }.joined(separator: " ") + " END")
        }
        // An interaction's date, kind and flags count for each of its people; its people are read
        // before it is removed (a cascade may remove them first).
        let people = "INSERT INTO figures_due SELECT DISTINCT p.contact_id FROM interaction_people p WHERE p.interaction_id IN (%@) AND NOT EXISTS (SELECT 1 FROM figures_due d WHERE d.contact_id = p.contact_id);"
        out.append(
            "CREATE TRIGGER figures_interactions_changed AFTER UPDATE OF id, kind, \"on\", gave, asked, inbound, pitch ON interactions BEGIN "
                + people.replacingOccurrences(of: "%@", with: "OLD.id, NEW.id") + " END")
        out.append("CREATE TRIGGER figures_interactions_removed BEFORE DELETE ON interactions BEGIN " + people.replacingOccurrences(of: "%@", with: "OLD.id") + " END")
        // People rows already there for an interaction added (a REPLACE, or one put back by hand
        // whose people a delete without foreign keys left) count for it from now on.
        out.append("CREATE TRIGGER figures_interactions_added BEFORE INSERT ON interactions BEGIN " + people.replacingOccurrences(of: "%@", with: "NEW.id") + " END")
        out.append("CREATE TRIGGER figures_contacts_added AFTER INSERT ON contacts BEGIN \(due("NEW.id")) END")
        out.append("CREATE TRIGGER figures_contacts_changed AFTER UPDATE OF id, created ON contacts BEGIN \(due("OLD.id")) \(due("NEW.id")) END")
        out.append("CREATE TRIGGER figures_contacts_removed AFTER DELETE ON contacts BEGIN DELETE FROM figures WHERE contact_id = OLD.id; END")
        return out
    }()

    /// Runs `body`, a bulk write, without the triggers (of `tables`, or all), and then makes
    /// `due` due (every contact when nil): the triggers cost a bulk write more than its contacts'
    /// figures worked out at its commit. Inside the write's transaction: no other connection sees
    /// the file without them.
    static func withoutFigureTriggers(_ db: Database, of tables: [String]? = nil, due: Set<Int64>? = nil, _ body: () throws -> Void) throws {
        guard try keepsFigures(db) else { return try body() }
        let dropped = figuresTriggers.filter { sql in tables?.contains { triggerName(sql).hasPrefix("figures_\($0)_") } ?? true }
        for sql in dropped { try db.execute(sql: "DROP TRIGGER IF EXISTS \(triggerName(sql))") }
        try body()
        if let due {
            let insert = try db.makeStatement(sql: "INSERT INTO figures_due SELECT ?1 WHERE NOT EXISTS (SELECT 1 FROM figures_due WHERE contact_id = ?1)")
            for id in due { try insert.execute(arguments: [id]) }
        } else {
            try db.execute(sql: "INSERT INTO figures_due SELECT id FROM contacts WHERE id NOT IN (SELECT contact_id FROM figures_due)")
        }
        for sql in dropped { try db.execute(sql: sql) }
    }

    /// The name a `CREATE TRIGGER name …` statement gives.
    static func triggerName(_ sql: String) -> String { String(sql.split(separator: " ")[2]) }

    /// Whether this file keeps figures (one an older Tend made, opened read-only, does not).
    static func keepsFigures(_ db: Database) throws -> Bool {
        try db.tableExists("figures") && db.tableExists("figures_due")
    }

    /// Past this many contacts due, one pass over every event costs less than each through the indexes.
    static let figuresDueLimit = 1000

    /// Works out the figures of the contacts due and clears the list: run by a commit that wrote,
    /// inside its transaction. Figures that cannot be worked out (a damaged row another program
    /// wrote) stay due, so that a reader meets the damage as before, and the write still commits.
    static func keepFigures(_ db: Database) throws {
        guard try keepsFigures(db), try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM figures_due)") == true else { return }
        try db.execute(sql: "SAVEPOINT figures")
        do {
            let due = try Int64.fetchAll(db, sql: "SELECT contact_id FROM figures_due")
            let everyone = due.count > figuresDueLimit
            let sums: [Int64: ContactStats]
            if everyone, let scanned = try scannedStats(db, today: Day.last) {
                sums = scanned
            } else {
                var read: [Int64: ContactStats] = [:]
                try inChunks(due) { part, list in read.merge(try unsignedStats(db, today: Day.last, only: part, list)) { a, _ in a } }
                sums = read
            }
            if everyone {
                try db.execute(sql: "DELETE FROM figures")
            } else {
                try inChunks(due) { _, list in try db.execute(sql: "DELETE FROM figures WHERE contact_id IN (\(list))") }
            }
            let insert = try db.makeStatement(
                sql: "INSERT INTO figures VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
            for (id, s) in sums {
                // A total past 64-bit cents is not kept: the contact is worked out when read.
                guard let cents = cents(s.spend) else { continue }
                try insert.execute(arguments: [
                    id, s.touches, s.lastTouch?.description, s.gave, s.asked, s.inbound, s.referralsGiven, s.referralsReceived,
                    s.introductions, cents, s.degree, s.stageSince?.description,
                ])
            }
            try db.execute(sql: "DELETE FROM figures_due")
            try db.execute(sql: "RELEASE figures")
        } catch {
            try db.execute(sql: "ROLLBACK TO figures")
            try db.execute(sql: "RELEASE figures")
        }
    }

    /// `ids` 500 at a time, with the SQL list of each part: ids are written into the SQL, and
    /// parts keep each statement short.
    static func inChunks(_ ids: [Int64], _ body: ([Int64], String) throws -> Void) throws {
        for start in stride(from: 0, to: ids.count, by: 500) {
            let part = Array(ids[start..<min(start + 500, ids.count)])
            try body(part, part.map(String.init).joined(separator: ","))
        }
    }

    /// Whole cents of an amount, when it is some.
    static func cents(_ amount: Decimal) -> Int64? {
        let scaled = amount * 100
        guard scaled.magnitude < Decimal(Int64.max) else { return nil }
        let whole = NSDecimalNumber(decimal: scaled).int64Value
        return Decimal(whole) == scaled ? whole : nil
    }

    /// Every contact's figures as of `today` from the kept rows (see the extension's comment);
    /// nil when the file keeps none, a kept row cannot be read, or so many contacts are due or
    /// have events after today that one pass over every event is the cheaper way.
    /// Without `recent`, `touches90` is left at 0 for the contacts whose rows are read.
    static func storedStats(_ db: Database, today: Day, recent: Bool = true) throws -> [Int64: ContactStats]? {
        guard try keepsFigures(db) else { return nil }
        var redo = Set(try Int64.fetchAll(db, sql: "SELECT contact_id FROM figures_due"))
        guard redo.count <= figuresDueLimit else { return nil }
        // Contacts with an event dated after today: their kept rows count it.
        let later = try Int64.fetchAll(
            db,
            sql: """
                SELECT p.contact_id FROM interactions i JOIN interaction_people p ON p.interaction_id = i.id WHERE i."on" > ?1
                UNION SELECT contact_id FROM referrals WHERE "on" > ?1
                UNION SELECT a_id FROM introductions WHERE "on" > ?1
                UNION SELECT b_id FROM introductions WHERE "on" > ?1
                UNION SELECT contact_id FROM spending WHERE "on" > ?1
                """, arguments: [today.description])
        redo.formUnion(later)
        guard redo.count <= figuresDueLimit else { return nil }
        var kept: [Int64: ContactStats] = [:]
        do {
            try each(
                db, "figures",
                """
                SELECT contact_id, touches, last_touch, gave, asked, inbound, referrals_given, referrals_received,
                  introductions, spend_cents, degree, stage_since FROM figures
                """
            ) { r in
                var s = ContactStats()
                s.touches = Int(r.int(1))
                s.lastTouch = try r.day(2)
                s.gave = Int(r.int(3))
                s.asked = Int(r.int(4))
                s.inbound = Int(r.int(5))
                s.referralsGiven = Int(r.int(6))
                s.referralsReceived = Int(r.int(7))
                s.introductions = Int(r.int(8))
                let cents = r.int(9)
                if cents != 0 { s.spend = money(cents) }
                s.degree = Int(r.int(10))
                s.stageSince = try r.day(11)
                kept[r.int(0)] = s
            }
        } catch is DamagedValue {
            return nil
        }
        var out = [Int64: ContactStats](minimumCapacity: kept.count)
        try each(db, "contacts", "SELECT id FROM contacts") { r in
            let id = r.int(0)
            if !redo.contains(id), let s = kept[id] { out[id] = s } else { redo.insert(id) }
        }
        guard redo.count <= figuresDueLimit else { return nil }
        if recent { try addRecentTouches(db, today: today, to: &out) }
        if !redo.isEmpty {
            try inChunks(Array(redo)) { part, list in out.merge(try unsignedStats(db, today: today, only: part, list)) { _, fresh in fresh } }
        }
        try addLastTouchBy(db, today: today, nil, to: &out)
        return out
    }

    /// `touches_90d` of the contacts in `out`, from the touches of the last 91 days alone.
    private static func addRecentTouches(_ db: Database, today: Day, to out: inout [Int64: ContactStats]) throws {
        let rows = try Row.fetchCursor(
            db,
            sql: """
                SELECT p.contact_id, count(*) FROM interactions i JOIN interaction_people p ON p.interaction_id = i.id
                  WHERE i.kind <> 'note' AND i."on" >= ?1 AND i."on" <= ?2 GROUP BY p.contact_id
                UNION ALL SELECT contact_id, count(*) FROM referrals WHERE "on" >= ?1 AND "on" <= ?2 GROUP BY contact_id
                UNION ALL SELECT a_id, count(*) FROM introductions WHERE "on" >= ?1 AND "on" <= ?2 GROUP BY a_id
                UNION ALL SELECT b_id, count(*) FROM introductions WHERE "on" >= ?1 AND "on" <= ?2 GROUP BY b_id
                """, arguments: [ContactStats.recentStart(today).description, today.description])
        while let r = try rows.next() {
            guard let id: Int64 = r[0], out[id] != nil else { continue }
            out[id]!.touches90 += r[1] as Int
        }
    }
}
