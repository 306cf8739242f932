import Foundation
import TendCore
import TendStore

/// Every `Change`, written as the SQLite store writes it (Store+Write), in PostgreSQL's SQL.
extension PostgresStore {
    static func value(_ cell: Store.Cell) -> SQLValue {
        switch cell {
        case .text(let s): return .text(s)
        case .int(let n): return .int(n)
        case .null: return .null
        }
    }
    static func flag(_ b: Bool) -> SQLValue { .int(b ? 1 : 0) }
    static func day(_ d: Day?) -> SQLValue { SQLValue(d?.description) }
    static func cents(_ d: Decimal?) -> SQLValue { d.map { .int(Store.cents($0)) } ?? .null }

    /// $1, $2, … $n.
    static func marks(_ n: Int, from first: Int = 1) -> String {
        (first..<first + n).map { "$\($0)" }.joined(separator: ", ")
    }

    /// Sets a contact's stage from its history; with no history, to `otherwise` (nil: unchanged).
    func settleStage(of contact: Int64, otherwise: Stage?) throws {
        try connection.query(
            """
            UPDATE contacts SET stage = coalesce(
              (SELECT stage FROM stage_changes WHERE contact_id = $1 ORDER BY greatest("on", contacts.created) DESC, id DESC LIMIT 1), $2, stage)
            WHERE id = $1
            """, [.int(contact), SQLValue(otherwise.map { Int64($0.rawValue) })])
    }

    func insertKnows(_ a: Int64, _ b: Int64) throws {
        guard a != b else { return }
        try connection.query("INSERT INTO knows (a_id, b_id) VALUES ($1, $2) ON CONFLICT DO NOTHING", [.int(min(a, b)), .int(max(a, b))])
    }

    /// Writes the named fields of an event's row; `value` and `amount` are kept in cents.
    func update(_ table: String, _ id: Int64, _ fields: Set<String>, _ columns: [(String, SQLValue)]) throws {
        var sets: [String] = []
        var values: [SQLValue] = []
        for (field, value) in columns where fields.contains(field) {
            let column = ["value": "value_cents", "amount": "amount_cents"][field] ?? field
            values.append(value)
            sets.append("\"\(column)\" = $\(values.count)")
        }
        guard !sets.isEmpty else { return }
        try connection.query("UPDATE \(table) SET \(sets.joined(separator: ", ")) WHERE id = $\(values.count + 1)", values + [.int(id)])
    }

    /// The new row's id, from `RETURNING id`.
    func inserted(_ sql: String, _ values: [SQLValue]) throws -> Int64 {
        guard let row = try connection.query(sql + " RETURNING id", values).first else {
            throw PostgresFailure(message: "the server returned no id for a new row")
        }
        return try row[0].decode(Int64.self)
    }

    /// A new event's row; its id. Numbered by the table's sequence, or by its statement (`id:`,
    /// which a dump writes after a gap): refused then when the number is taken, and the
    /// sequence moved past it, so that the rows it numbers later do not collide.
    func insertedEvent(_ kind: EventKind, id: Int64, _ columns: String, _ values: [SQLValue]) throws -> Int64 {
        let table = Store.table(of: kind)
        guard id != 0 else { return try inserted("INSERT INTO \(table) (\(columns)) VALUES (\(PostgresStore.marks(values.count)))", values) }
        // The unique index finds a row that row-level security hides (another member's private note) too.
        let rows = try connection.query(
            "INSERT INTO \(table) (id, \(columns)) VALUES (\(PostgresStore.marks(values.count + 1))) ON CONFLICT (id) DO NOTHING RETURNING id",
            [.int(id)] + values)
        guard !rows.isEmpty else { throw TakenID(kind: kind, id: id) }
        try moveSequence(of: table, past: id)
        return id
    }

    /// Moves a table's sequence past a number a statement gave a row, so that the rows it
    /// numbers later do not collide; only ever forward: the sequence may be past every id this
    /// member can see.
    func moveSequence(of table: String, past id: Int64) throws {
        try connection.query(
            """
            SELECT setval(pg_get_serial_sequence($1, 'id'), $2)
            WHERE $2 > coalesce(pg_sequence_last_value(pg_get_serial_sequence($1, 'id')::regclass), 0)
            """, [.text(table), .int(id)])
    }

    /// Writes one change; returns the id of an inserted row. Each kind of change has a function of its own group.
    func write(_ change: Change) throws -> Int64? {
        try Store.validate(change, nul: false)
        switch change {
        case .insertContact, .updateContact, .deleteContact, .mergeContact: return try writeContact(change)
        case .setMe, .setMarket, .deleteMarket, .setGoal, .deleteGoal, .setDefinition, .deleteDefinition: return try writeNamed(change)
        case .keepNumbers(let collection, let upTo): return try keepNumbers(collection, upTo: upTo)
        default: return try writeEvent(change)
        }
    }

    /// Raises the table's sequence to `upTo` (never lowers it). A sequence is not rolled back
    /// with the transaction: a run that fails after it leaves those numbers given, which only
    /// skips them.
    private func keepNumbers(_ collection: String, upTo: Int64) throws -> Int64? {
        guard Change.numbered.contains(collection) else { throw UnstorableValue(description: "\(collection) is not numbered") }
        try moveSequence(of: collection, past: upTo)
        return try connection.query(
            "SELECT pg_sequence_last_value(pg_get_serial_sequence($1, 'id')::regclass)", [.text(collection)]
        ).first?[0].decode(Int64?.self)
    }

    /// The largest number each numbered table's sequence gave that the table no longer has
    /// (as `Store.numbersGivenPastRows`).
    public func numbersGivenPastRows() throws -> [(collection: String, upTo: Int64)] {
        var found: [(String, Int64)] = []
        for table in Change.numbered {
            let row = try connection.query(
                "SELECT pg_sequence_last_value(pg_get_serial_sequence($1, 'id')::regclass), (SELECT max(id) FROM \(table))", [.text(table)]
            ).first
            guard let row, let given = try row[0].decode(Int64?.self) else { continue }
            if given > (try row[1].decode(Int64?.self) ?? 0) { found.append((table, given)) }
        }
        return found
    }

    /// A contact added, changed, removed or merged.
    private func writeContact(_ change: Change) throws -> Int64? {
        switch change {
        case .insertContact(let c):
            // A snooze is the member's own (the snoozes table), not the contact's.
            let cells = zip(Store.contactColumnNames, Store.contactCells(c)).map { $0 == "snoozed_until" ? .null : PostgresStore.value($1) }
            var id = c.id
            if c.id != 0 {
                // A restored dump's `add … id:`: refused when the number is taken.
                let rows = try connection.query(
                    """
                    INSERT INTO contacts (id, \(Store.contactColumns)) VALUES ($1, \(PostgresStore.marks(cells.count, from: 2)))
                    ON CONFLICT (id) DO NOTHING RETURNING id
                    """, [.int(c.id)] + cells)
                guard !rows.isEmpty else { throw TakenID(contact: c.id) }
                try moveSequence(of: "contacts", past: c.id)
            } else {
                id = try inserted("INSERT INTO contacts (\(Store.contactColumns)) VALUES (\(PostgresStore.marks(cells.count)))", cells)
            }
            if c.snoozedUntil != nil {
                var snoozed = c
                snoozed.id = id
                try snooze(snoozed)
            }
            return id
        case .updateContact(let c, let fields):
            // Only the named fields' columns: the rest of the row may have changed meanwhile.
            var sets: [String] = []
            var values: [SQLValue] = []
            let fields = fields.map { Set($0.map(Contact.storage)) }
            if fields?.contains("snoozed_until") ?? true { try snooze(c) }
            for (column, cell) in zip(Store.contactColumnNames, Store.contactCells(c))
            where column != "snoozed_until" && fields?.contains(Store.field(ofColumn: column)) ?? true {
                values.append(PostgresStore.value(cell))
                sets.append("\(column) = $\(values.count)")
            }
            guard !sets.isEmpty else { return nil }
            try connection.query("UPDATE contacts SET \(sets.joined(separator: ", ")) WHERE id = $\(values.count + 1)", values + [.int(c.id)])
            // The stage's history counts from the day the contact was added (`Network.latestStage`).
            if fields?.contains("created") == true { try settleStage(of: c.id, otherwise: nil) }
        case .deleteContact(let id):
            try connection.query("DELETE FROM contacts WHERE id = $1", [.int(id)])
            try connection.query("DELETE FROM interactions WHERE id NOT IN (SELECT interaction_id FROM interaction_people)")
        case .mergeContact(let from, let into):
            try merge(from, into: into)
        default: break
        }
        return nil
    }
    /// An event logged, corrected or removed, and `knows`.
    private func writeEvent(_ change: Change) throws -> Int64? {
        switch change {
        case .insertStageChange(let s):
            let id = try insertedEvent(
                .stage, id: s.id, "contact_id, stage, \"on\", \"by\"",
                [.int(s.contact), .int(Int64(s.stage.rawValue)), .text(s.on.description), SQLValue(s.by)])
            try settleStage(of: s.contact, otherwise: nil)
            return id
        case .updateInteraction(let i, let fields):
            try update(
                "interactions", i.id, fields,
                [
                    ("kind", .text(i.kind)), ("on", .text(i.on.description)), ("note", SQLValue(i.note)), ("quality", SQLValue(i.quality)),
                    ("gave", PostgresStore.flag(i.gave)), ("asked", PostgresStore.flag(i.asked)), ("inbound", PostgresStore.flag(i.inbound)),
                    ("pitch", PostgresStore.flag(i.pitch)), ("source_id", SQLValue(i.sourceID)),
                ])
        case .updateReferral(let r, let fields):
            try update(
                "referrals", r.id, fields,
                [
                    ("about", SQLValue(r.about)), ("on", .text(r.on.description)), ("value", PostgresStore.cents(r.value)),
                    ("status", SQLValue(r.status)), ("note", SQLValue(r.note)),
                ])
        case .updateIntroduction(let i, let fields):
            try update("introductions", i.id, fields, [("on", .text(i.on.description)), ("note", SQLValue(i.note))])
        case .updateSpend(let sp, let fields):
            try update(
                "spending", sp.id, fields,
                [("amount", PostgresStore.cents(sp.amount)), ("on", .text(sp.on.description)), ("note", SQLValue(sp.note))])
        case .insertInteraction(let i):
            return try insertInteraction(i)
        case .insertReferral(let r):
            return try insertedEvent(
                .referral, id: r.id, "direction, contact_id, about, \"on\", value_cents, status, note, \"by\"",
                [
                    .text(r.direction.rawValue), .int(r.contact), SQLValue(r.about), .text(r.on.description), PostgresStore.cents(r.value),
                    SQLValue(r.status), SQLValue(r.note), SQLValue(r.by),
                ])
        case .insertIntroduction(let i):
            let id = try insertedEvent(
                .introduction, id: i.id, "a_id, b_id, \"on\", note, \"by\"",
                [.int(i.a), .int(i.b), .text(i.on.description), SQLValue(i.note), SQLValue(i.by)])
            try insertKnows(i.a, i.b)
            return id
        case .insertSpend(let s):
            return try insertedEvent(
                .spend, id: s.id, "contact_id, amount_cents, \"on\", note, \"by\"",
                [.int(s.contact), PostgresStore.cents(s.amount), .text(s.on.description), SQLValue(s.note), SQLValue(s.by)])
        case .deleteEvent(let kind, let id):
            try deleteEvent(kind, id)
        case .insertKnows(let a, let b):
            try insertKnows(a, b)
        case .deleteKnows(let a, let b):
            try connection.query("DELETE FROM knows WHERE a_id = $1 AND b_id = $2", [.int(min(a, b)), .int(max(a, b))])
        default: break
        }
        return nil
    }
    /// The member's own `me`, definitions and goals, and the team's markets.
    private func writeNamed(_ change: Change) throws -> Int64? {
        switch change {
        case .setMe(let m):
            try connection.query(
                """
                INSERT INTO me (id, name, profession, company, preferred_client, goals, emails) VALUES (1, $1, $2, $3, $4, $5, $6)
                ON CONFLICT (member) DO UPDATE SET name = excluded.name, profession = excluded.profession, company = excluded.company,
                  preferred_client = excluded.preferred_client, goals = excluded.goals, emails = excluded.emails
                """,
                [
                    SQLValue(m.name), SQLValue(m.profession), SQLValue(m.company), .text(JSONList.encode(m.preferredClient)),
                    .text(JSONList.encode(m.goals)), .text(JSONList.encode(m.emails)),
                ])
        case .setMarket(let m):
            try connection.query(
                """
                INSERT INTO markets (name, served_by, position) VALUES ($1, $2, (SELECT coalesce(max(position), 0) + 1 FROM markets))
                ON CONFLICT (name) DO UPDATE SET served_by = excluded.served_by
                """, [.text(m.name), .text(JSONList.encode(m.servedBy))])
        case .deleteMarket(let name):
            try connection.query("DELETE FROM markets WHERE name = $1", [.text(name)])
        case .setGoal(let g):
            return try setGoal(g)
        case .deleteGoal(let name):
            try connection.query("DELETE FROM goals WHERE name = $1 AND member = current_user", [.text(name)])
        case .setDefinition(let d):
            try connection.query(
                """
                INSERT INTO definitions (kind, name, source, position)
                VALUES ($1, $2, $3, (SELECT coalesce(max(position), 0) + 1 FROM definitions WHERE member = current_user))
                ON CONFLICT (member, kind, name) DO UPDATE SET source = excluded.source
                """, [.text(d.kind.rawValue), .text(d.name), .text(d.source)])
            // The member's prelude is in (their first session's definitions).
            try connection.query("INSERT INTO members DEFAULT VALUES ON CONFLICT DO NOTHING")
        case .deleteDefinition(let kind, let name):
            try connection.query(
                "DELETE FROM definitions WHERE kind = $1 AND name = $2 AND member = current_user", [.text(kind.rawValue), .text(name)])
        default: break
        }
        return nil
    }
    private func insertInteraction(_ i: Interaction) throws -> Int64 {
        if let source = i.sourceID,
            let existing = try connection.query("SELECT id FROM interactions WHERE kind = $1 AND source_id = $2", [.text(i.kind), .text(source)]).first
        {
            throw UnstorableValue(description: "\(i.kind) \(try existing[0].decode(Int64.self)) is already logged from source \(ScriptWriter.quote(source))")
        }
        let id = try insertedEvent(
            .interaction, id: i.id, "kind, \"on\", note, quality, gave, asked, inbound, pitch, source_id, \"by\", private",
            [
                .text(i.kind), .text(i.on.description), SQLValue(i.note), SQLValue(i.quality), PostgresStore.flag(i.gave),
                PostgresStore.flag(i.asked), PostgresStore.flag(i.inbound), PostgresStore.flag(i.pitch), SQLValue(i.sourceID),
                SQLValue(i.by), PostgresStore.flag(i.isPrivate),
            ])
        for (n, p) in i.people.enumerated() {
            try connection.query(
                "INSERT INTO interaction_people (interaction_id, contact_id, position) VALUES ($1, $2, $3)", [.int(id), .int(p), .int(Int64(n))])
        }
        return id
    }

    private func merge(_ from: Int64, into: Int64) throws {
        let both: [SQLValue] = [.int(from), .int(into)]
        // Interactions with both people keep one entry for the merged person.
        try connection.query(
            """
            DELETE FROM interaction_people WHERE contact_id = $1
              AND interaction_id IN (SELECT interaction_id FROM interaction_people WHERE contact_id = $2)
            """, both)
        try connection.query("UPDATE interaction_people SET contact_id = $2 WHERE contact_id = $1", both)
        // The links row-level security hides from this member (others' private notes) move too,
        // unseen and unjournalled (PostgresSchema.v4).
        try connection.query("SELECT tend_merge_people($1, $2)", both)
        for table in ["referrals", "spending", "stage_changes"] {
            try connection.query("UPDATE \(table) SET contact_id = $2 WHERE contact_id = $1", both)
        }
        try connection.query("UPDATE introductions SET a_id = $2 WHERE a_id = $1", both)
        try connection.query("UPDATE introductions SET b_id = $2 WHERE b_id = $1", both)
        try connection.query("DELETE FROM introductions WHERE a_id = b_id")
        for edge in try connection.query("SELECT a_id, b_id FROM knows WHERE a_id = $1 OR b_id = $1", [.int(from)]) {
            let (a, b) = (try edge[0].decode(Int64.self), try edge[1].decode(Int64.self))
            let other = a == from ? b : a
            if other != into { try insertKnows(other, into) }
        }
        try connection.query(
            """
            INSERT INTO goal_helpers (goal_id, contact_id, position)
            SELECT goal_id, $2, position FROM goal_helpers WHERE contact_id = $1 ON CONFLICT DO NOTHING
            """, both)
        try connection.query("DELETE FROM contacts WHERE id = $1", [.int(from)])
        try settleStage(of: into, otherwise: nil)
    }

    private func deleteEvent(_ kind: EventKind, _ id: Int64) throws {
        let table = Store.table(of: kind)
        let contact =
            kind == .stage
            ? try connection.query("SELECT contact_id FROM stage_changes WHERE id = $1", [.int(id)]).first.map { try $0[0].decode(Int64.self) }
            : nil
        try connection.query("DELETE FROM \(table) WHERE id = $1", [.int(id)])
        if let contact { try settleStage(of: contact, otherwise: .contact) }
    }

    /// The member's own snooze of a contact (none when `snoozedUntil` is nil).
    private func snooze(_ c: Contact) throws {
        guard let until = c.snoozedUntil else {
            try connection.query("DELETE FROM snoozes WHERE contact_id = $1 AND member = current_user", [.int(c.id)])
            return
        }
        try connection.query(
            "INSERT INTO snoozes (contact_id, until) VALUES ($1, $2) ON CONFLICT (member, contact_id) DO UPDATE SET until = excluded.until",
            [.int(c.id), .text(until.description)])
    }

    private func setGoal(_ g: Goal) throws -> Int64 {
        let id = try inserted(
            """
            INSERT INTO goals (name, due, metric, target, period) VALUES ($1, $2, $3, $4, $5)
            ON CONFLICT (member, name) DO UPDATE SET due = excluded.due, metric = excluded.metric, target = excluded.target, period = excluded.period
            """, [.text(g.name), PostgresStore.day(g.due), SQLValue(g.metric), SQLValue(g.target.map { "\($0)" }), SQLValue(g.period?.rawValue)])
        try connection.query("DELETE FROM goal_helpers WHERE goal_id = $1", [.int(id)])
        for (n, h) in g.helpers.enumerated() {
            try connection.query(
                "INSERT INTO goal_helpers (goal_id, contact_id, position) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING", [.int(id), .int(h), .int(Int64(n))])
        }
        return id
    }
}
