import Foundation
import GRDB
import TendCore

/// Every contact's figures stored in the file, so that the agenda and the queries on derived
/// fields read one row a contact instead of summing every event (#18).
///
/// `figures` holds each contact's figures counting every event, whatever its date; `figures_due`
/// the contacts whose row is missing or may be out of date. Triggers in the file make a contact
/// due when a row that counts for it is added, replaced, changed or removed, by Tend or by any
/// other program (sqlite3, a teammate's script); a commit that wrote works out the figures of the
/// contacts due and clears the list. A reader takes the stored row of every contact that is not
/// due and has no event dated after the day it asks for, works out the others (through the
/// contact indexes), and counts `touches_90d` from the events of the last 91 days alone (through
/// the date indexes). So what it answers is what summing every event gives, always: the stored
/// rows only spare the work. (Not to be confused with `StatsKept`, one session's figures in memory.)
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

    /// Migrations v14 and v15: the triggers that keep `figures_due` (`figureTriggers`), made again
    /// whole. Each makes the set this Tend has (v15 made them lighter): a file that had v13 alone
    /// makes them twice, once per migration, at no cost worth a migration of its own.
    static func makeFigureTriggers(_ db: Database) throws {
        for t in figureTriggers { try db.execute(sql: "DROP TRIGGER IF EXISTS \(t.name)") }
        for t in figureTriggers { try db.execute(sql: t.sql) }
    }

    /// The statement that makes due the contacts `select` gives (as `id`). The UPSERT's DO
    /// NOTHING stands whatever conflict clause the statement firing the trigger has (that clause
    /// overrides an INSERT OR IGNORE's: an INSERT OR ABORT would fail on an id due twice), and
    /// it needs no temporary table: a DISTINCT, a UNION and a NOT IN made one each, for every row
    /// written, and restoring a dump took twice as long (`select` has none).
    static func makeDue(_ select: String) -> String {
        "INSERT INTO figures_due (contact_id) SELECT id FROM (\(select)) WHERE id IS NOT NULL ON CONFLICT DO NOTHING;"
    }

    /// The tables whose rows count for contacts: the columns naming those contacts, the columns
    /// whose change changes what a row counts, and the columns of its unique key (a REPLACE that
    /// meets a row of the same key removes it). An interaction counts for its people, through
    /// `interaction_people` (its own triggers are in `figureTriggers`).
    private static let countedRows: [(table: String, contacts: [String], counted: [String], key: [String])] = [
        ("interaction_people", ["contact_id"], ["interaction_id", "contact_id", "position"], ["interaction_id", "position"]),
        ("referrals", ["contact_id"], ["id", "contact_id", "direction", "\"on\""], ["id"]),
        ("introductions", ["a_id", "b_id"], ["id", "a_id", "b_id", "\"on\""], ["id"]),
        ("spending", ["contact_id"], ["id", "contact_id", "amount_cents", "\"on\""], ["id"]),
        ("knows", ["a_id", "b_id"], ["a_id", "b_id"], ["a_id", "b_id"]),
        ("stage_changes", ["contact_id"], ["id", "contact_id", "\"on\""], ["id"]),
    ]

    /// A trigger that keeps `figures_due`: its name, and the statement that makes it.
    struct FigureTrigger {
        let name: String
        let sql: String
        init(_ name: String, _ when: String, _ body: String) {
            self.name = name
            sql = "CREATE TRIGGER \(name) \(when) BEGIN \(body) END"
        }
    }

    /// Every row added, changed or removed makes the contacts it counts for due, before and after.
    /// SQLite runs no delete trigger for a row a REPLACE (or an UPDATE OR REPLACE) removes (unless
    /// recursive_triggers is on): the triggers before an insert or a change of key make the
    /// contacts of the row of the same key due first.
    static let figureTriggers: [FigureTrigger] = {
        var out: [FigureTrigger] = []
        for (table, contacts, counted, key) in countedRows {
            let sameKey = key.map { "r.\($0) = NEW.\($0)" }.joined(separator: " AND ")
            let replaced = contacts.map { makeDue("SELECT r.\($0) AS id FROM \(table) r WHERE \(sameKey)") }.joined(separator: " ")
            func row(_ name: String) -> String { contacts.map { makeDue("SELECT \(name).\($0) AS id") }.joined(separator: " ") }
            out += [
                FigureTrigger("figures_\(table)_replacing", "BEFORE INSERT ON \(table)", replaced),
                FigureTrigger("figures_\(table)_rekeying", "BEFORE UPDATE OF \(key.joined(separator: ", ")) ON \(table)", replaced),
                FigureTrigger("figures_\(table)_added", "AFTER INSERT ON \(table)", row("NEW")),
                FigureTrigger("figures_\(table)_removed", "AFTER DELETE ON \(table)", row("OLD")),
                FigureTrigger("figures_\(table)_changed", "AFTER UPDATE OF \(counted.joined(separator: ", ")) ON \(table)", row("OLD") + " " + row("NEW")),
            ]
        }
        // An interaction's date, kind and flags count for each of its people. Its people are read
        // before it is removed (a cascade may remove them first); people rows already there for
        // an interaction added (one put back by hand whose people a delete without foreign keys
        // left) count for it from then on; its unique keys are its id and its source.
        func people(of interaction: String) -> String {
            makeDue("SELECT contact_id AS id FROM interaction_people WHERE interaction_id = \(interaction)")
        }
        let sameSource = makeDue(
            """
            SELECT p.contact_id AS id FROM interactions i JOIN interaction_people p ON p.interaction_id = i.id
            WHERE NEW.source_id IS NOT NULL AND i.kind = NEW.kind AND i.source_id = NEW.source_id
            """)
        out += [
            FigureTrigger("figures_interactions_replacing", "BEFORE INSERT ON interactions", people(of: "NEW.id") + " " + sameSource),
            FigureTrigger("figures_interactions_rekeying", "BEFORE UPDATE OF id, kind, source_id ON interactions", people(of: "NEW.id") + " " + sameSource),
            FigureTrigger(
                "figures_interactions_changed", "AFTER UPDATE OF id, kind, \"on\", gave, asked, inbound, pitch ON interactions",
                people(of: "OLD.id") + " " + people(of: "NEW.id")),
            // An interaction added without its id has none before it is added.
            FigureTrigger("figures_interactions_added", "AFTER INSERT ON interactions", people(of: "NEW.id")),
            FigureTrigger("figures_interactions_removed", "BEFORE DELETE ON interactions", people(of: "OLD.id")),
            FigureTrigger("figures_contacts_added", "AFTER INSERT ON contacts", makeDue("SELECT NEW.id AS id")),
            FigureTrigger("figures_contacts_changed", "AFTER UPDATE OF id, created ON contacts", makeDue("SELECT OLD.id AS id UNION ALL SELECT NEW.id")),
            FigureTrigger("figures_contacts_removed", "AFTER DELETE ON contacts", "DELETE FROM figures WHERE contact_id = OLD.id;"),
        ]
        return out
    }()

    /// Runs `body`, a bulk write, without the triggers of `tables` (all when nil), and then makes
    /// `due` due (every contact when nil): the triggers cost a bulk write more than working out
    /// its contacts' figures at its commit. Inside the write's transaction, no other connection
    /// sees the file without them; they are made again if `body` fails too.
    static func withoutFigureTriggers(_ db: Database, of tables: [String]? = nil, making due: Set<Int64>? = nil, _ body: () throws -> Void) throws {
        guard try hasFigureTables(db) else { return try body() }
        // The schema changes and changes back: noted again as Tend's if it was before.
        let checked = try derivedChecked(db)
        let dropped = figureTriggers.filter { t in tables?.contains { t.name.hasPrefix("figures_\($0)_") } ?? true }
        for t in dropped { try db.execute(sql: "DROP TRIGGER IF EXISTS \(t.name)") }
        do {
            try body()
        } catch {
            for t in dropped { try? db.execute(sql: t.sql) }
            if checked { try? noteSchemaChecked(db) }
            throw error
        }
        if let due {
            let insert = try db.makeStatement(sql: makeDue("SELECT ?1 AS id"))
            for id in due { try insert.execute(arguments: [id]) }
        } else {
            try db.execute(sql: makeDue("SELECT id FROM contacts"))
        }
        for t in dropped { try db.execute(sql: t.sql) }
        if checked { try noteSchemaChecked(db) }
    }

    /// Whether this file has the figures' tables (one an older Tend made, opened read-only, has not).
    static func hasFigureTables(_ db: Database) throws -> Bool {
        try db.tableExists("figures") && db.tableExists("figures_due")
    }

    /// The columns of `figures`, in the order `workOutDueFigures` writes and `statsFromFigures` reads them.
    static let figureColumns =
        "contact_id, touches, last_touch, gave, asked, inbound, referrals_given, referrals_received, introductions, spend_cents, degree, stage_since"

    /// Works out the figures of the contacts due and clears the list: run by a commit that wrote,
    /// inside its transaction. Past `statsReadLimit` contacts, by one pass over every event; else,
    /// or when that pass meets a damaged row another program wrote, 500 contacts at a time, and
    /// one by one in a part that meets one: a contact whose figures cannot be worked out stays
    /// due (a reader meets the damage as before), the others are kept, and the write commits.
    static func workOutDueFigures(_ db: Database) throws {
        guard try hasFigureTables(db) else { return }
        let due = try Int64.fetchAll(db, sql: "SELECT contact_id FROM figures_due")
        guard !due.isEmpty else { return }
        // A contact's row is taken out and put back: another program's table that refers to it
        // is checked at the commit, when it is there again.
        try db.execute(sql: "PRAGMA defer_foreign_keys = ON")
        var sums: [Int64: ContactStats] = [:]
        var failed: [Int64] = []
        var everyone = false
        if due.count > statsReadLimit, let all = try? scannedStats(db, today: Day.last) {
            (sums, everyone) = (all, true)
        } else {
            func sum(_ ids: [Int64], _ list: String) throws { sums.merge(try unsignedStats(db, today: Day.last, only: ids, list)) { a, _ in a } }
            try inChunks(due) { part, list in
                do { try sum(part, list) } catch is DamagedValue {
                    for id in part {
                        do { try sum([id], String(id)) } catch is DamagedValue { failed.append(id) }
                    }
                }
            }
        }
        if everyone {
            try db.execute(sql: "DELETE FROM figures")
        } else {
            try inChunks(due) { _, list in try db.execute(sql: "DELETE FROM figures WHERE contact_id IN (\(list))") }
        }
        let insert = try db.makeStatement(sql: "INSERT INTO figures (\(figureColumns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
        for (id, s) in sums {
            try insert.execute(arguments: [
                id, s.touches, s.lastTouch?.description, s.gave, s.asked, s.inbound, s.referralsGiven, s.referralsReceived,
                s.introductions, cents(s.spend), s.degree, s.stageSince?.description,
            ])
        }
        try forgetDueItems(db)
        try db.execute(sql: "DELETE FROM figures_due")
        if !failed.isEmpty {
            let again = try db.makeStatement(sql: "INSERT INTO figures_due VALUES (?)")
            for id in failed { try again.execute(arguments: [id]) }
        }
    }

    /// `ids` 500 at a time, with the SQL list of each part (ids are written into the SQL, and a
    /// statement's text is kept short).
    static func inChunks(_ ids: [Int64], _ body: ([Int64], String) throws -> Void) throws {
        for start in stride(from: 0, to: ids.count, by: 500) {
            let part = Array(ids[start..<min(start + 500, ids.count)])
            try body(part, part.map(String.init).joined(separator: ","))
        }
    }

    /// Every contact's figures as of `today` from the stored rows (see the extension's comment);
    /// nil when the file has none, a stored row cannot be read, or so many contacts are due or
    /// have events after today that one pass over every event is the cheaper way.
    /// Only the figures of `wanted` that the stored rows do not hold are read besides:
    /// `touches90` (the last 91 days' touches) and `lastTouchBy` (whose member logged the last
    /// touch); without them they are as for a contact without events, for the contacts whose
    /// rows are read.
    static func statsFromFigures(_ db: Database, today: Day, wanted: ContactStats.Figures = .all) throws -> [Int64: ContactStats]? {
        guard try hasFigureTables(db) else { return nil }
        var redo = Set(try Int64.fetchAll(db, sql: "SELECT contact_id FROM figures_due"))
        guard redo.count <= statsReadLimit else { return nil }
        let later = try Int64.fetchAll(db, sql: laterSQL(after: today))
        redo.formUnion(later)
        guard redo.count <= statsReadLimit else { return nil }
        var stored: [Int64: ContactStats] = [:]
        do {
            try each(db, "figures", "SELECT \(figureColumns) FROM figures") { r in stored[r.int(0)] = try storedStats(r) }
        } catch is DamagedValue {
            return nil
        }
        var out = [Int64: ContactStats](minimumCapacity: stored.count)
        try each(db, "contacts", "SELECT id FROM contacts") { r in
            let id = r.int(0)
            if !redo.contains(id), let s = stored[id] { out[id] = s } else { redo.insert(id) }
        }
        guard redo.count <= statsReadLimit else { return nil }
        if wanted.contains(.touches90) { try addRecentTouches(db, today: today, to: &out) }
        if !redo.isEmpty {
            try inChunks(Array(redo)) { part, list in out.merge(try unsignedStats(db, today: today, only: part, list)) { _, fresh in fresh } }
        }
        if wanted.contains(.lastTouchBy) { try addLastTouchBy(db, today: today, nil, to: &out) }
        return out
    }

    /// A stored row of `figures` (its columns as `figureColumns` lists them).
    static func storedStats(_ r: Cells) throws -> ContactStats {
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
        return s
    }

    /// `statsFromFigures` of some contacts (those a query selected by a figure, say), read
    /// through the indexes: the stored rows of those not due and without an event after `today`,
    /// the others summed from their events. Nil when the file has no figures' tables, a stored
    /// row cannot be read, or `laterLimit` interactions or more are dated after `today` (a day
    /// long past: summing is then the cheaper).
    static func statsFromFigures(_ db: Database, today: Day, of ids: [Int64], wanted: ContactStats.Figures) throws -> [Int64: ContactStats]? {
        guard try hasFigureTables(db) else { return nil }
        let later = try Int.fetchOne(
            db, sql: #"SELECT count(*) FROM (SELECT 1 FROM interactions WHERE "on" > ? LIMIT ?)"#, arguments: [today.description, laterLimit])
        guard (later ?? 0) < laterLimit else { return nil }
        var out: [Int64: ContactStats] = [:]
        var redo: [Int64] = []
        do {
            try inChunks(ids) { _, list in
                var summed = Set(try Int64.fetchAll(db, sql: "SELECT contact_id FROM figures_due WHERE contact_id IN (\(list))"))
                summed.formUnion(try Int64.fetchAll(db, sql: laterSQL(after: today, among: list)))
                var stored: [Int64: ContactStats] = [:]
                try each(db, "figures", "SELECT \(figureColumns) FROM figures WHERE contact_id IN (\(list))") { r in stored[r.int(0)] = try storedStats(r) }
                try each(db, "contacts", "SELECT id FROM contacts WHERE id IN (\(list))") { r in
                    let id = r.int(0)
                    if !summed.contains(id), let s = stored[id] { out[id] = s } else { redo.append(id) }
                }
            }
        } catch is DamagedValue {
            return nil
        }
        if wanted.contains(.touches90), !out.isEmpty {
            try inChunks(Array(out.keys)) { _, list in try addRecentTouches(db, today: today, among: list, to: &out) }
        }
        try inChunks(redo) { part, list in out.merge(try unsignedStats(db, today: today, only: part, list)) { _, fresh in fresh } }
        // Whether any event names a member is cheaper to find out (one person's file names none)
        // than many contacts' touches are to read.
        if wanted.contains(.lastTouchBy), try namesAMember(db) {
            try inChunks(ids) { _, list in try addLastTouchBy(db, today: today, list, to: &out) }
        }
        return out
    }

    /// The interactions dated after the day asked for past which a list's figures are summed
    /// from its events rather than read from the stored rows (`statsFromFigures(_:today:of:wanted:)`).
    static let laterLimit = 5_000

    /// The contacts with an event dated after `today` (of those of `list`, when given): their
    /// stored rows count it. (The events that count, as in `scannedStats`.) The day is written
    /// into the SQL: its text is digits and dashes alone.
    static func laterSQL(after today: Day, among list: String? = nil) -> String {
        let day = "'\(today.description)'"
        func among(_ column: String) -> String { list.map { " AND \(column) IN (\($0))" } ?? "" }
        // The interactions dated later first, by their date's index (they are few: a list's
        // figures are summed when they are not), then their people.
        return """
            SELECT p.contact_id FROM interactions i CROSS JOIN interaction_people p ON p.interaction_id = i.id WHERE i."on" > \(day)\(among("p.contact_id"))
            UNION SELECT contact_id FROM referrals WHERE "on" > \(day)\(among("contact_id"))
            UNION SELECT a_id FROM introductions WHERE "on" > \(day)\(among("a_id"))
            UNION SELECT b_id FROM introductions WHERE "on" > \(day)\(among("b_id"))
            UNION SELECT contact_id FROM spending WHERE "on" > \(day)\(among("contact_id"))
            """
    }

    /// The figures a stored row holds: all but `touches90` and `lastTouchBy`, which are read
    /// beside it when asked for.
    static let figuresStored = ContactStats.Figures.all.subtracting([.touches90, .lastTouchBy])

    /// The stored figures a condition on contacts may select by (`contacts where last_touch < …`),
    /// each with whether it is a date; `touches_90d` and `spend` are not among them.
    static let figureFields: [String: Bool] = [
        "last_touch": true, "touches": false, "gave": false, "asked": false, "inbound": false, "referrals_given": false,
        "referrals_received": false, "introductions": false, "degree": false,
    ]

    /// Whether contacts are selected by a stored figure for a condition of this shape: one on a
    /// figure, with a value `figuresSQL` compares when the query writes it out.
    static func narrowsByFigure(_ shape: AccessRequest.Shape) -> Bool {
        guard figureFields[shape.field] != nil else { return false }
        guard let known = shape.condition else { return true }
        return figuresSQL(for: [known], today: Day.last) != nil
    }

    /// `(…)`: the contacts that may meet the conditions on stored figures as of `today` — those
    /// whose stored row meets them (or holds no date for a condition on one), and every contact
    /// whose stored row may not be right for that day (due, without a row, or with an event
    /// dated after it). A superset: the core checks every contact it is handed. Nil when no
    /// condition is on a stored figure (a whole number, or a date with a year).
    static func figuresSQL(for conditions: [FieldCondition], today: Day) -> SQLPart? {
        var met: [String] = []
        var arguments: [SQLArgument] = []
        for c in conditions {
            guard let isDate = figureFields[c.field] else { continue }
            let op = c.op == .equal ? "=" : c.op.rawValue
            switch c.value {
            case .date(let d) where isDate && !d.isYearless:
                met.append("(\(c.field) \(op) ? OR \(c.field) IS NULL)")
                arguments.append(.text(d.description))
            case .number(let n) where !isDate && isWhole(n):
                met.append("\(c.field) \(op) ?")
                arguments.append(.integer(NSDecimalNumber(decimal: n).int64Value))
            default: continue
            }
        }
        guard !met.isEmpty else { return nil }
        return SQLPart(
            sql: """
                (id IN (SELECT contact_id FROM figures WHERE \(met.joined(separator: " AND ")))
                  OR id IN (SELECT contact_id FROM figures_due) OR id NOT IN (SELECT contact_id FROM figures)
                  OR id IN (\(laterSQL(after: today))))
                """, arguments: arguments)
    }

    /// `touches_90d` of the contacts in `out`, from the touches of the last 91 days alone (a
    /// touch as `scannedStats` counts one).
    private static func addRecentTouches(_ db: Database, today: Day, among list: String? = nil, to out: inout [Int64: ContactStats]) throws {
        func among(_ column: String) -> String { list.map { " AND \(column) IN (\($0))" } ?? "" }
        let rows = try Row.fetchCursor(
            db,
            sql: """
                SELECT p.contact_id, count(*) FROM interactions i JOIN interaction_people p ON p.interaction_id = i.id
                  WHERE i.kind <> 'note' AND i."on" >= ?1 AND i."on" <= ?2\(among("p.contact_id")) GROUP BY p.contact_id
                UNION ALL SELECT contact_id, count(*) FROM referrals WHERE "on" >= ?1 AND "on" <= ?2\(among("contact_id")) GROUP BY contact_id
                UNION ALL SELECT a_id, count(*) FROM introductions WHERE "on" >= ?1 AND "on" <= ?2\(among("a_id")) GROUP BY a_id
                UNION ALL SELECT b_id, count(*) FROM introductions WHERE "on" >= ?1 AND "on" <= ?2\(among("b_id")) GROUP BY b_id
                """, arguments: [ContactStats.recentStart(today).description, today.description])
        while let r = try rows.next() {
            guard let id: Int64 = r[0], out[id] != nil else { continue }
            out[id]!.touches90 += r[1] as Int
        }
    }
}
