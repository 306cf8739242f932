import Foundation
import GRDB
import GRDBSQLite
import TendCore

extension Store {
    /// A value for an SQL parameter, bound through SQLite's own calls (`bind`): GRDB's
    /// StatementArguments box each one, which was half the time of inserting a contact.
    package enum Cell {
        case text(String)
        case int(Int64)
        case null
        init(_ s: String?) { self = s.map(Cell.text) ?? .null }
        init(_ n: Int?) { self = n.map { .int(Int64($0)) } ?? .null }
        init(_ b: Bool) { self = .int(b ? 1 : 0) }
        /// A new row's id: the one its statement gave (`id:`), or NULL for none, which SQLite
        /// reads as the next after the largest.
        static func id(_ n: Int64) -> Cell { n == 0 ? .null : .int(n) }
        var databaseValue: DatabaseValue {
            switch self {
            case .text(let s): return s.databaseValue
            case .int(let n): return n.databaseValue
            case .null: return .null
            }
        }
    }

    /// The columns of `contactColumns`, in order.
    package static func contactCells(_ c: Contact) -> [Cell] {
        [
            .text(c.handle), .text(c.name), Cell(c.company), Cell(c.title), Cell(c.profession), Cell(c.email), Cell(c.phone), Cell(c.city),
            .text(JSONList.encode(c.tags)), Cell(c.metAt), Cell(c.metOn?.description), Cell(c.relationship), Cell(c.isInternal),
            Cell(c.stage.rawValue), Cell(c.cadence?.months), Cell(c.cadence?.days), Cell(c.nextStep), Cell(c.nextDue?.description),
            .text(JSONList.encode(c.goals)), .text(JSONList.encode(c.accomplishments)), .text(JSONList.encode(c.interests)),
            .text(JSONList.encode(c.networks)), .text(JSONList.encode(c.skills)), .text(JSONList.encode(c.serves)), Cell(c.expert),
            Cell(c.passionate), Cell(c.honorsReferrals), Cell(c.notes), .text(c.created.description), Cell(c.snoozedUntil?.description),
            .text(ContactLists.encode(c.emails)), .text(ContactLists.encode(c.phones)), .text(ContactLists.encode(c.addresses)),
            Cell(c.birthday?.description), Cell(c.anniversary?.description), .text(ContactLists.encode(c.dates)), Cell(c.uid),
        ]
    }

    static func contactArguments(_ c: Contact) -> StatementArguments {
        StatementArguments(contactCells(c).map(\.databaseValue))
    }

    /// Runs a cached statement with `cells` bound in order, through SQLite's calls.
    static func run(_ db: Database, _ sql: String, _ cells: [Cell]) throws {
        let s = try db.cachedStatement(sql: sql).sqliteStatement
        sqlite3_reset(s)
        if cells.count != Int(sqlite3_bind_parameter_count(s)) { sqlite3_clear_bindings(s) }
        bind(s, cells)
        try step(s, db, sql)
    }

    /// Binds cells in order, text by its bytes (its length given: a NUL inside is kept).
    static func bind(_ s: OpaquePointer, _ cells: [Cell]) {
        for (i, cell) in cells.enumerated() {
            let n = Int32(i + 1)
            switch cell {
            case .text(let text): bind(s, n, text)
            case .int(let v): sqlite3_bind_int64(s, n, v)
            case .null: sqlite3_bind_null(s, n)
            }
        }
    }

    /// The first column of the first row of a cached statement with `cells` bound as `run` binds them.
    static func fetchInt(_ db: Database, _ sql: String, _ cells: [Cell]) throws -> Int64? {
        let s = try db.cachedStatement(sql: sql).sqliteStatement
        sqlite3_reset(s)
        defer { sqlite3_reset(s) }
        bind(s, cells)
        let code = sqlite3_step(s)
        if code == SQLITE_ROW { return sqlite3_column_type(s, 0) == SQLITE_NULL ? nil : sqlite3_column_int64(s, 0) }
        guard code == SQLITE_DONE else {
            throw DatabaseError(resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(db.sqliteConnection)), sql: sql)
        }
        return nil
    }

    /// Steps a statement that returns no rows, and resets it.
    static func step(_ s: OpaquePointer, _ db: Database, _ sql: @autoclosure () -> String) throws {
        let code = sqlite3_step(s)
        defer { sqlite3_reset(s) }
        guard code == SQLITE_DONE else {
            throw DatabaseError(resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(db.sqliteConnection)), sql: sql())
        }
    }

    /// Binds text from the string's own UTF-8 storage (no C string made for it); SQLite copies it.
    static func bind(_ s: OpaquePointer, _ n: Int32, _ text: String) {
        var text = text
        text.withUTF8 { bytes in
            guard let start = bytes.baseAddress, bytes.count > 0 else {
                _ = sqlite3_bind_text(s, n, "", 0, transientText)
                return
            }
            _ = sqlite3_bind_text(s, n, UnsafeRawPointer(start).assumingMemoryBound(to: CChar.self), Int32(bytes.count), transientText)
        }
    }

    static func bind(_ s: OpaquePointer, _ n: Int32, _ text: String?) {
        if let text { bind(s, n, text) } else { sqlite3_bind_null(s, n) }
    }

    static func bind(_ s: OpaquePointer, _ n: Int32, _ number: Int?) {
        if let number { sqlite3_bind_int64(s, n, Int64(number)) } else { sqlite3_bind_null(s, n) }
    }

    static func bind(_ s: OpaquePointer, _ n: Int32, _ flag: Bool) { sqlite3_bind_int64(s, n, flag ? 1 : 0) }

    /// `SQLITE_TRANSIENT`: SQLite makes its own copy before the call returns.
    static let transientText = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    static let insertContactSQL =
        "INSERT INTO contacts (\(contactColumns)) VALUES (\(Array(repeating: "?", count: contactColumnNames.count).joined(separator: ", ")))"

    package static let contactColumns = """
        handle, name, company, title, profession, email, phone, city, tags, met_at, met_on, relationship, internal, stage,
        cadence_months, cadence_days, next_step, next_due, goals, accomplishments, interests, networks, skills, serves,
        expert, passionate, honors_referrals, notes, created, snoozed_until, emails, phones, addresses, birthday, anniversary,
        dates, uid
        """

    /// Sets a contact's stage from its history (`Network.latestStage`); with no history, to
    /// `otherwise` (nil: unchanged).
    static func settleStage(_ db: Database, of contact: Int64, otherwise: Stage?) throws {
        try run(
            db,
            """
            UPDATE contacts SET stage = coalesce(
              (SELECT stage FROM stage_changes WHERE contact_id = ?1 ORDER BY max("on", (SELECT created FROM contacts WHERE id = ?1)) DESC, id DESC LIMIT 1), ?2, stage)
            WHERE id = ?1
            """, [.int(contact), Cell(otherwise?.rawValue)])
    }

    static let insertKnowsSQL = "INSERT OR IGNORE INTO knows (a_id, b_id) VALUES (?, ?)"

    /// Writes the named fields of an event's row; `value` and `amount` are kept in cents.
    static func update(_ db: Database, _ table: String, _ id: Int64, _ fields: Set<String>, _ columns: [(String, Cell)]) throws {
        var sets: [String] = []
        var cells: [Cell] = []
        for (field, cell) in columns where fields.contains(field) {
            let column = ["value": "value_cents", "amount": "amount_cents"][field] ?? field
            sets.append("\"\(column)\" = ?")
            cells.append(cell)
        }
        guard !sets.isEmpty else { return }
        try run(db, "UPDATE \(table) SET \(sets.joined(separator: ", ")) WHERE id = ?", cells + [.int(id)])
    }

    /// The names in `contactColumns`, in order.
    package static let contactColumnNames = contactColumns.split(separator: ",").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }

    /// The contact field a column holds (`Contact.storedFields`): the cadence is two columns,
    /// and the e-mail, phone and city columns repeat the head of their lists.
    package static func field(ofColumn column: String) -> String { column.hasPrefix("cadence_") ? "cadence" : Contact.storage(of: column) }

    /// `field(ofColumn:)` of each of `contactColumnNames`.
    static let contactColumnFields = contactColumnNames.map(field(ofColumn:))

    /// The table of an event kind's rows.
    package static func table(of kind: EventKind) -> String { kind.collection }

    /// Writes one change; returns the id of an inserted row. Each kind of change has a function of its own.
    static func write(_ change: Change, _ db: Database) throws -> Int64? {
        try validate(change)
        if let r = change.requestedID,
            try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM \(table(of: r.kind)) WHERE id = ?)", arguments: [r.id]) == true
        {
            throw TakenID(kind: r.kind, id: r.id)
        }
        switch change {
        case .insertContact(let c): return try insertContact(c, db)
        case .updateContact(let c, let fields): try updateContact(c, fields, db)
        case .deleteContact(let id):
            try db.execute(sql: "DELETE FROM contacts WHERE id = ?", arguments: [id])
            try db.execute(sql: "DELETE FROM interactions WHERE id NOT IN (SELECT interaction_id FROM interaction_people)")
        case .mergeContact(let from, let into): try mergeContact(from, into: into, db)
        case .insertStageChange(let s): return try insertStageChange(s, db)
        case .updateInteraction(let i, let fields): try updateInteraction(i, fields, db)
        case .updateReferral(let r, let fields): try updateReferral(r, fields, db)
        case .updateIntroduction(let i, let fields):
            try update(db, "introductions", i.id, fields, [("on", .text(i.on.description)), ("note", Cell(i.note))])
        case .updateSpend(let sp, let fields):
            try update(
                db, "spending", sp.id, fields, [("amount", .int(cents(sp.amount))), ("on", .text(sp.on.description)), ("note", Cell(sp.note))])
        case .insertInteraction(let i): return try insertInteraction(i, db)
        case .insertReferral(let r): return try insertReferral(r, db)
        case .insertIntroduction(let i): return try insertIntroduction(i, db)
        case .insertSpend(let s): return try insertSpend(s, db)
        case .deleteEvent(let kind, let id): try deleteEvent(kind, id, db)
        case .insertKnows(let a, let b):
            guard a != b else { return nil }
            try run(db, insertKnowsSQL, [.int(min(a, b)), .int(max(a, b))])
        case .deleteKnows(let a, let b):
            try run(db, "DELETE FROM knows WHERE a_id = ? AND b_id = ?", [.int(min(a, b)), .int(max(a, b))])
        case .setMe(let m): try setMe(m, db)
        case .setMarket(let m): try setMarket(m, db)
        case .deleteMarket(let name):
            try run(db, "DELETE FROM markets WHERE name = ?", [.text(name)])
        case .setGoal(let g): return try setGoal(g, db)
        case .deleteGoal(let name):
            try run(db, "DELETE FROM goals WHERE name = ?", [.text(name)])
        case .setDefinition(let d): try setDefinition(d, db)
        case .deleteDefinition(let kind, let name):
            try db.execute(sql: "DELETE FROM definitions WHERE kind = ? AND name = ?", arguments: [kind.rawValue, name])
        case .keepNumbers(let collection, let upTo): return try keepNumbers(collection, upTo: upTo, db)
        }
        return nil
    }

    /// SQLite keeps the largest number an AUTOINCREMENT table gave in `sqlite_sequence`, and
    /// numbers a new row past it and past every row there: raising it keeps numbers from being
    /// given (a row is there for a table once it has had one).
    static func keepNumbers(_ collection: String, upTo: Int64, _ db: Database) throws -> Int64 {
        guard numberedTables.contains(collection) else { throw DatabaseError(message: "\(collection) is not numbered") }
        try db.execute(sql: "UPDATE sqlite_sequence SET seq = max(seq, ?) WHERE name = ?", arguments: [upTo, collection])
        if db.changesCount == 0 {
            try db.execute(sql: "INSERT INTO sqlite_sequence (name, seq) VALUES (?, ?)", arguments: [collection, upTo])
        }
        let largest = try Int64.fetchOne(db, sql: "SELECT max(id) FROM \(collection)") ?? 0
        return max(largest, try Int64.fetchOne(db, sql: "SELECT seq FROM sqlite_sequence WHERE name = ?", arguments: [collection]) ?? upTo)
    }

    /// The largest number each numbered table gave that it no longer has (its last row was
    /// removed, or its `log` undone): what a dump says with `numbers given`. Tables whose
    /// largest number is still there are not named.
    public func numbersGivenPastRows() throws -> [(collection: String, upTo: Int64)] {
        try read { try Store.numbersGivenPastRows($0) }
    }

    static func numbersGivenPastRows(_ db: Database) throws -> [(collection: String, upTo: Int64)] {
        // A database an older Tend made, read without bringing it up to date (--read-only),
        // may number nothing with AUTOINCREMENT yet: it has no such table.
        guard try db.tableExists("sqlite_sequence") else { return [] }
        var found: [(String, Int64)] = []
        for table in numberedTables {
            guard let given = try Int64.fetchOne(db, sql: "SELECT seq FROM sqlite_sequence WHERE name = ?", arguments: [table]) else { continue }
            let largest = try Int64.fetchOne(db, sql: "SELECT max(id) FROM \(table)") ?? 0
            if given > largest { found.append((table, given)) }
        }
        return found
    }

    /// The id SQLite gave the row just inserted. One past `StoredRange.ids` (a row was given a
    /// number near the end with `id:`, and the next follows it) is refused: no `id:` could
    /// give it back, so a dump would not restore.
    static func givenID(_ db: Database, _ what: String) throws -> Int64 {
        let id = db.lastInsertedRowID
        guard id <= StoredRange.ids.upperBound else {
            throw UnstorableValue(
                description: "cannot number the new \(what): the numbers up to \(StoredRange.ids.upperBound) are used or passed (one near the last was given with id:)")
        }
        return id
    }

    /// A new contact; with an id (a restored dump's `add … id:`) under that id, refused when taken.
    static func insertContact(_ c: Contact, _ db: Database) throws -> Int64 {
        if c.id != 0 {
            if try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM contacts WHERE id = ?)", arguments: [c.id]) == true {
                throw TakenID(contact: c.id)
            }
            let marks = Array(repeating: "?", count: contactColumnNames.count).joined(separator: ", ")
            try run(db, "INSERT INTO contacts (id, \(contactColumns)) VALUES (?, \(marks))", [.int(c.id)] + contactCells(c))
            return c.id
        }
        // Cached and bound directly: imports insert tens of thousands of contacts in one run.
        try run(db, insertContactSQL, contactCells(c))
        return try givenID(db, "contact")
    }

    /// The named fields of a contact (every field with nil).
    static func updateContact(_ c: Contact, _ fields: Set<String>?, _ db: Database) throws {
        // Only the named fields' columns: the rest of the row may have changed meanwhile.
        var sets: [String] = []
        var cells: [Cell] = []
        let fields = fields.map { Set($0.map(Contact.storage)) }
        for (n, cell) in contactCells(c).enumerated() where fields?.contains(contactColumnFields[n]) ?? true {
            let column = contactColumnNames[n]
            sets.append("\(column) = ?")
            cells.append(cell)
        }
        guard !sets.isEmpty else { return }
        try run(db, "UPDATE contacts SET \(sets.joined(separator: ", ")) WHERE id = ?", cells + [.int(c.id)])
        // The stage's history counts from the day the contact was added (`Network.latestStage`).
        if fields?.contains("created") == true { try settleStage(db, of: c.id, otherwise: nil) }
    }

    /// Moves every event, edge and goal help of `from` to `into`, then deletes `from`.
    static func mergeContact(_ from: Int64, into: Int64, _ db: Database) throws {
        // Interactions with both people keep one entry for the merged person.
        try db.execute(
            sql: """
                DELETE FROM interaction_people WHERE contact_id = ?1
                  AND interaction_id IN (SELECT interaction_id FROM interaction_people WHERE contact_id = ?2)
                """, arguments: [from, into])
        try db.execute(sql: "UPDATE interaction_people SET contact_id = ? WHERE contact_id = ?", arguments: [into, from])
        for table in ["referrals", "spending", "stage_changes"] {
            try db.execute(sql: "UPDATE \(table) SET contact_id = ? WHERE contact_id = ?", arguments: [into, from])
        }
        try db.execute(sql: "UPDATE introductions SET a_id = ? WHERE a_id = ?", arguments: [into, from])
        try db.execute(sql: "UPDATE introductions SET b_id = ? WHERE b_id = ?", arguments: [into, from])
        try db.execute(sql: "DELETE FROM introductions WHERE a_id = b_id")
        let edges = try Row.fetchAll(db, sql: "SELECT a_id, b_id FROM knows WHERE a_id = ?1 OR b_id = ?1", arguments: [from])
        for e in edges {
            let other: Int64 = (e[0] as Int64) == from ? e[1] : e[0]
            if other != into {
                try db.execute(sql: "INSERT OR IGNORE INTO knows (a_id, b_id) VALUES (?, ?)", arguments: [min(other, into), max(other, into)])
            }
        }
        try db.execute(
            sql: """
                INSERT OR IGNORE INTO goal_helpers (goal_id, contact_id, position)
                SELECT goal_id, ?, position FROM goal_helpers WHERE contact_id = ?
                """, arguments: [into, from])
        try db.execute(sql: "DELETE FROM contacts WHERE id = ?", arguments: [from])
        try settleStage(db, of: into, otherwise: nil)
    }

    /// A stage change, and the contact's stage settled from its history.
    static func insertStageChange(_ s: StageChange, _ db: Database) throws -> Int64 {
        try run(
            db, "INSERT INTO stage_changes (id, contact_id, stage, \"on\", \"by\") VALUES (?, ?, ?, ?, ?)",
            [.id(s.id), .int(s.contact), Cell(s.stage.rawValue), .text(s.on.description), Cell(s.by)])
        let id = try givenID(db, "stage change")
        try settleStage(db, of: s.contact, otherwise: nil)
        return id
    }

    static func updateInteraction(_ i: Interaction, _ fields: Set<String>, _ db: Database) throws {
        try update(
            db, "interactions", i.id, fields,
            [
                ("kind", .text(i.kind)), ("on", .text(i.on.description)), ("note", Cell(i.note)), ("quality", Cell(i.quality)),
                ("gave", Cell(i.gave)), ("asked", Cell(i.asked)), ("inbound", Cell(i.inbound)), ("pitch", Cell(i.pitch)),
                ("source_id", Cell(i.sourceID)),
            ])
    }

    static func updateReferral(_ r: Referral, _ fields: Set<String>, _ db: Database) throws {
        try update(
            db, "referrals", r.id, fields,
            [
                ("about", Cell(r.about)), ("on", .text(r.on.description)), ("value", r.value.map { .int(cents($0)) } ?? .null),
                ("status", Cell(r.status)), ("note", Cell(r.note)),
            ])
    }

    static func insertReferral(_ r: Referral, _ db: Database) throws -> Int64 {
        try run(
            db,
            "INSERT INTO referrals (id, direction, contact_id, about, \"on\", value_cents, status, note, \"by\") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                .id(r.id), .text(r.direction.rawValue), .int(r.contact), Cell(r.about), .text(r.on.description),
                r.value.map { .int(cents($0)) } ?? .null, Cell(r.status), Cell(r.note), Cell(r.by),
            ])
        return try givenID(db, "referral")
    }

    /// An introduction; the two people now know each other.
    static func insertIntroduction(_ i: Introduction, _ db: Database) throws -> Int64 {
        try run(
            db, "INSERT INTO introductions (id, a_id, b_id, \"on\", note, \"by\") VALUES (?, ?, ?, ?, ?, ?)",
            [.id(i.id), .int(i.a), .int(i.b), .text(i.on.description), Cell(i.note), Cell(i.by)])
        let id = try givenID(db, "introduction")
        if i.a != i.b { try run(db, insertKnowsSQL, [.int(min(i.a, i.b)), .int(max(i.a, i.b))]) }
        return id
    }

    static func insertSpend(_ s: Spend, _ db: Database) throws -> Int64 {
        try run(
            db, "INSERT INTO spending (id, contact_id, amount_cents, \"on\", note, \"by\") VALUES (?, ?, ?, ?, ?, ?)",
            [.id(s.id), .int(s.contact), .int(cents(s.amount)), .text(s.on.description), Cell(s.note), Cell(s.by)])
        return try givenID(db, "spend")
    }

    /// An event; a removed stage change settles the contact's stage from what is left.
    static func deleteEvent(_ kind: EventKind, _ id: Int64, _ db: Database) throws {
        let table = Store.table(of: kind)
        let contact = kind == .stage ? try Int64.fetchOne(db, sql: "SELECT contact_id FROM stage_changes WHERE id = ?", arguments: [id]) : nil
        try db.execute(sql: "DELETE FROM \(table) WHERE id = ?", arguments: [id])
        if let contact { try settleStage(db, of: contact, otherwise: .contact) }
    }

    // Text is bound through `run` (its length given): GRDB's binding of a String ends it at
    // a NUL, which cut "A\u{0}B" to "A".

    static func setMe(_ m: Me, _ db: Database) throws {
        try run(
            db,
            """
            INSERT INTO me (id, name, profession, company, preferred_client, goals, emails) VALUES (1, ?, ?, ?, ?, ?, ?)
            ON CONFLICT(id) DO UPDATE SET name = excluded.name, profession = excluded.profession, company = excluded.company,
              preferred_client = excluded.preferred_client, goals = excluded.goals, emails = excluded.emails
            """,
            [
                Cell(m.name), Cell(m.profession), Cell(m.company), .text(JSONList.encode(m.preferredClient)), .text(JSONList.encode(m.goals)),
                .text(JSONList.encode(m.emails)),
            ])
    }

    /// A market, appended to the list if new.
    static func setMarket(_ m: Market, _ db: Database) throws {
        try run(
            db,
            """
            INSERT INTO markets (name, served_by, position) VALUES (?, ?, (SELECT coalesce(max(position), 0) + 1 FROM markets))
            ON CONFLICT(name) DO UPDATE SET served_by = excluded.served_by
            """, [.text(m.name), .text(JSONList.encode(m.servedBy))])
    }

    /// A goal and its helpers in order; returns its id.
    static func setGoal(_ g: Goal, _ db: Database) throws -> Int64 {
        try run(
            db,
            """
            INSERT INTO goals (name, due, metric, target, period) VALUES (?, ?, ?, ?, ?)
            ON CONFLICT(name) DO UPDATE SET due = excluded.due, metric = excluded.metric, target = excluded.target, period = excluded.period
            """, [.text(g.name), Cell(g.due?.description), Cell(g.metric), Cell(g.target.map { "\($0)" }), Cell(g.period?.rawValue)])
        let id = try fetchInt(db, "SELECT id FROM goals WHERE name = ?", [.text(g.name)]) ?? 0
        try db.execute(sql: "DELETE FROM goal_helpers WHERE goal_id = ?", arguments: [id])
        for (n, h) in g.helpers.enumerated() {
            try db.execute(sql: "INSERT OR IGNORE INTO goal_helpers (goal_id, contact_id, position) VALUES (?, ?, ?)", arguments: [id, h, n])
        }
        return id
    }

    /// A definition; a new one goes last.
    static func setDefinition(_ d: Definition, _ db: Database) throws {
        try db.execute(
            sql: """
                INSERT INTO definitions (kind, name, source, position) VALUES (?, ?, ?, (SELECT coalesce(max(position), 0) + 1 FROM definitions))
                ON CONFLICT(kind, name) DO UPDATE SET source = excluded.source
                """, arguments: [d.kind.rawValue, d.name, d.source])
    }
}

/// A value a change would store that could not be read back (`StoredRange`): the change is
/// refused, so that whatever Tend writes it can read.
public struct UnstorableValue: Error, CustomStringConvertible {
    public var description: String
    package init(description: String) { self.description = description }
}

extension Store {
    /// `nul`: whether text may hold the character U+0000 (PostgreSQL's text cannot).
    package static func validate(_ change: Change, nul: Bool = true) throws {
        func date(_ d: Day?, _ what: String) throws {
            if let d, let problem = StoredRange.problem(d) { throw UnstorableValue(description: "cannot store \(what): \(problem)") }
        }
        func money(_ n: Decimal?, _ what: String) throws {
            guard let n else { return }
            let limit = Decimal(StoredRange.cents.upperBound) / 100
            if !n.isFinite || n > limit || n < -limit {
                throw UnstorableValue(description: "cannot store \(what) \(n.tendText): amounts are at most \(limit.tendText) either way")
            }
        }
        // What the language cannot hold, a dump could not restore: text is at most 16 MB.
        func text(_ values: [String?], _ what: String) throws {
            for case let v? in values where v.utf8.count > Interpreter.maxStringBytes {
                throw UnstorableValue(description: "cannot store \(what): \(v.utf8.count) bytes of text; text holds at most 16 MB")
            }
            if !nul, values.contains(where: { $0?.utf8.contains(0) == true }) {
                throw UnstorableValue(description: "cannot store \(what): PostgreSQL's text cannot hold the character U+0000 (\\u{0})")
            }
        }
        if let r = change.requestedID, !StoredRange.ids.contains(r.id) {
            throw UnstorableValue(description: "cannot store \(r.kind.rawValue) \(r.id): \(StoredRange.problem(id: .null)!)")
        }
        if case .insertContact(let c) = change, c.id != 0, !StoredRange.ids.contains(c.id) {
            throw UnstorableValue(description: "cannot store contact \(c.id): \(StoredRange.problem(id: .null, of: "a contact")!)")
        }
        switch change {
        case .insertContact(let c), .updateContact(let c, _):
            try text(
                [c.name, c.company, c.title, c.profession, c.email, c.phone, c.city, c.metAt, c.relationship, c.nextStep, c.notes], "@\(c.handle)")
            try text(c.tags + c.goals + c.accomplishments + c.interests + c.networks + c.skills + c.serves, "@\(c.handle)")
            try text((c.emails + c.phones).map(\.value) + c.addresses.map(\.formatted), "@\(c.handle)")
            if let bad = (c.emails + c.phones).first(where: { $0.value.isEmpty || ContactLists.kind($0.type ?? "") == nil }) {
                throw UnstorableValue(
                    description: "cannot store \(bad.value.debugDescription) of @\(c.handle): kinds are \(ContactPoint.types.joined(separator: ", "))"
                )
            }
            try date(c.created, "created")
            try date(c.metOn, "met_on")
            try date(c.nextDue, "next_due")
            try date(c.snoozedUntil, "snoozed_until")
            // Important dates may have no year (`--04-12`), which is stored as it is written.
            try date(c.birthday.flatMap { $0.isYearless ? nil : $0 }, "birthday")
            try date(c.anniversary.flatMap { $0.isYearless ? nil : $0 }, "anniversary")
            for d in c.dates where !d.date.isYearless { try date(d.date, "dates") }
            try text(c.dates.map(\.label) + [c.uid], "@\(c.handle)")
            if let cad = c.cadence, let problem = StoredRange.problem(cadence: cad) {
                throw UnstorableValue(description: "cannot store the cadence of @\(c.handle): \(problem)")
            }
        case .insertStageChange(let s): try date(s.on, "the stage change's date")
        case .insertInteraction(let i), .updateInteraction(let i, _):
            try text([i.kind, i.note, i.sourceID], "the interaction")
            try date(i.on, "the interaction's date")
            if let q = i.quality, !StoredRange.quality.contains(q) { throw UnstorableValue(description: "cannot store quality \(q): it is 1 to 5") }
        case .insertReferral(let r), .updateReferral(let r, _):
            try text([r.about, r.note], "the referral")
            try date(r.on, "the referral's date")
            try money(r.value, "the referral's value")
        case .insertIntroduction(let i), .updateIntroduction(let i, _): try date(i.on, "the introduction's date")
        case .insertSpend(let s), .updateSpend(let s, _):
            try date(s.on, "the spend's date")
            try money(s.amount, "the amount")
        case .setGoal(let g): try date(g.due, "the goal's due date")
        default: break
        }
    }
}
