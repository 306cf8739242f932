import Foundation
import TendCore
import TendStore

/// Many rows at once (an import of touches, `tend push`, `tend demo`): a statement per
/// thousand rows instead of one or two per row, each a round trip to the server. Each writes
/// what `apply` writes for the same change, in the open transaction.
extension PostgresStore {
    /// Rows per statement: at most 1,000, and at most 65,535 parameters (PostgreSQL's limit).
    static let bulkRows = 1000
    static func rowsPerStatement(width: Int) -> Int { min(bulkRows, 65_535 / max(width, 1)) }

    /// Inserts `rows` (each `columns.count` values) into `table`, a statement per
    /// `rowsPerStatement`; `suffix` ends each statement (`ON CONFLICT DO NOTHING RETURNING 1`).
    /// The number of rows the statements returned.
    @discardableResult
    func insertRows(_ table: String, _ columns: [String], _ rows: [[SQLValue]], suffix: String = "") throws -> Int {
        let size = PostgresStore.rowsPerStatement(width: columns.count)
        let names = columns.map { "\"\($0)\"" }.joined(separator: ", ")
        var (start, returned) = (0, 0)
        while start < rows.count {
            let batch = rows[start..<min(start + size, rows.count)]
            let marks = batch.indices.map { "(" + PostgresStore.marks(columns.count, from: ($0 - start) * columns.count + 1) + ")" }
            returned += try connection.query(
                "INSERT INTO \(table) (\(names)) VALUES \(marks.joined(separator: ", ")) \(suffix)", batch.flatMap { $0 }
            ).count
            start += batch.count
        }
        return returned
    }

    /// Ids for `n` new rows of `table`, from its sequence, in one round trip.
    func newIDs(_ table: String, _ n: Int) throws -> [Int64] {
        guard n > 0 else { return [] }
        return try connection.query(
            "SELECT nextval(pg_get_serial_sequence($1, 'id')) FROM generate_series(1, $2)", [.text(table), .int(Int64(n))]
        ).map { try $0[0].decode(Int64.self) }
    }

    /// Inserts interactions and their people, as `apply(.insertInteraction)` would one by one
    /// (refusing one whose source is logged already; signed by the member when they say no
    /// one), in the open transaction. The sequence numbers them, whatever ids they carry: a
    /// push brings events numbered by another database.
    func insertInteractions(_ interactions: [Interaction]) throws {
        var start = 0
        while start < interactions.count {
            let batch = Array(interactions[start..<min(start + PostgresStore.bulkRows, interactions.count)])
            for i in batch { try Store.validate(.insertInteraction(i), nul: false) }
            try refuseLoggedSources(batch)
            let ids = try newIDs("interactions", batch.count)
            let rows: [[SQLValue]] = zip(batch, ids).map { i, id in
                [
                    .int(id), .text(i.kind), .text(i.on.description), SQLValue(i.note), SQLValue(i.quality), PostgresStore.flag(i.gave),
                    PostgresStore.flag(i.asked), PostgresStore.flag(i.inbound), PostgresStore.flag(i.pitch), SQLValue(i.sourceID),
                    PostgresStore.flag(i.isPrivate), SQLValue(i.by ?? member),
                ]
            }
            try insertRows(
                "interactions", ["id", "kind", "on", "note", "quality", "gave", "asked", "inbound", "pitch", "source_id", "private", "by"], rows)
            let people = zip(batch, ids).flatMap { i, id in
                i.people.enumerated().map { [SQLValue.int(id), .int($0.element), .int(Int64($0.offset))] }
            }
            try insertRows("interaction_people", ["interaction_id", "contact_id", "position"], people)
            start += batch.count
        }
        forget()
    }

    /// The refusal `apply(.insertInteraction)` gives when an interaction's source is logged already.
    private func refuseLoggedSources(_ batch: [Interaction]) throws {
        let sourced = batch.filter { $0.sourceID != nil }
        guard !sourced.isEmpty else { return }
        var seen: Set<String> = []
        for i in sourced where !seen.insert("\(i.kind) \(i.sourceID!)").inserted {
            throw UnstorableValue(description: "\(i.kind) from source \(ScriptWriter.quote(i.sourceID!)) is logged twice")
        }
        let pairs = sourced.indices.map { "($\($0 * 2 + 1), $\($0 * 2 + 2))" }.joined(separator: ", ")
        let found = try connection.query(
            "SELECT id, kind, source_id FROM interactions WHERE (kind, source_id) IN (\(pairs)) LIMIT 1",
            sourced.flatMap { [SQLValue.text($0.kind), .text($0.sourceID!)] })
        if let row = found.first {
            let (id, kind, source) = (try row[0].decode(Int64.self), try row[1].decode(String.self), try row[2].decode(String.self))
            throw UnstorableValue(description: "\(kind) \(id) is already logged from source \(ScriptWriter.quote(source))")
        }
    }

    /// Inserts contacts, as `apply(.insertContact)` would one by one (a contact's snooze is the
    /// member's own); their new ids, in order.
    public func insertContacts(_ contacts: [Contact]) throws -> [Int64] {
        for c in contacts { try Store.validate(.insertContact(c), nul: false) }
        let ids = try newIDs("contacts", contacts.count)
        let rows: [[SQLValue]] = zip(contacts, ids).map { c, id in
            [.int(id)] + zip(Store.contactColumnNames, Store.contactCells(c)).map { $0 == "snoozed_until" ? .null : PostgresStore.value($1) }
        }
        try insertRows("contacts", ["id"] + Store.contactColumnNames, rows)
        try insertSnoozes(zip(contacts, ids).compactMap { c, id in c.snoozedUntil.map { (id, $0) } })
        forget()
        return ids
    }

    /// The member's own snoozes of contacts that have none (`ON CONFLICT DO NOTHING`).
    func insertSnoozes(_ snoozes: [(contact: Int64, until: Day)]) throws {
        try insertRows(
            "snoozes", ["contact_id", "until"], snoozes.map { [.int($0.contact), .text($0.until.description)] }, suffix: "ON CONFLICT DO NOTHING")
    }

    /// Inserts events of the other kinds, signed by the member when they say no one, as
    /// `apply` would one by one: a contact's stage follows its history, an introduction's two
    /// people know each other. The sequences number them, whatever ids they carry (a push's
    /// are another database's).
    func insertEvents(stageChanges: [StageChange], referrals: [Referral], introductions: [Introduction], spending: [Spend]) throws {
        for change in stageChanges.map(Change.insertStageChange) + referrals.map(Change.insertReferral)
            + introductions.map(Change.insertIntroduction) + spending.map(Change.insertSpend)
        {
            try Store.validate(change, nul: false)
        }
        let by = { (e: String?) in SQLValue(e ?? self.member) }
        try insertRows(
            "stage_changes", ["contact_id", "stage", "on", "by"],
            stageChanges.map { [.int($0.contact), .int(Int64($0.stage.rawValue)), .text($0.on.description), by($0.by)] })
        try connection.query(
            """
            UPDATE contacts SET stage = (
              SELECT stage FROM stage_changes WHERE contact_id = contacts.id ORDER BY greatest("on", contacts.created) DESC, id DESC LIMIT 1)
            WHERE id = ANY($1) AND EXISTS (SELECT 1 FROM stage_changes WHERE contact_id = contacts.id)
            """, [.ints(Array(Set(stageChanges.map(\.contact))))])
        try insertRows(
            "referrals", ["direction", "contact_id", "about", "on", "value_cents", "status", "note", "by"],
            referrals.map {
                [
                    .text($0.direction.rawValue), .int($0.contact), SQLValue($0.about), .text($0.on.description), PostgresStore.cents($0.value),
                    SQLValue($0.status), SQLValue($0.note), by($0.by),
                ]
            })
        try insertRows(
            "introductions", ["a_id", "b_id", "on", "note", "by"],
            introductions.map { [.int($0.a), .int($0.b), .text($0.on.description), SQLValue($0.note), by($0.by)] })
        try insertKnows(introductions.map { ($0.a, $0.b) })
        try insertRows(
            "spending", ["contact_id", "amount_cents", "on", "note", "by"],
            spending.map { [.int($0.contact), PostgresStore.cents($0.amount), .text($0.on.description), SQLValue($0.note), by($0.by)] })
        forget()
    }

    /// `knows` edges, each once whichever way round (none of a person with themself).
    func insertKnows(_ edges: [(Int64, Int64)]) throws {
        let rows = edges.filter { $0.0 != $0.1 }.map { [SQLValue.int(min($0.0, $0.1)), .int(max($0.0, $0.1))] }
        try insertRows("knows", ["a_id", "b_id"], rows, suffix: "ON CONFLICT DO NOTHING")
        forget()
    }

    /// Sightings of people who are not contacts. One kept already (the same address and source)
    /// counts as the most either saw (`Store.widening`). How many were new or widened.
    @discardableResult
    func insertSightings(_ sightings: [Sighting]) throws -> Int {
        let new = { (column: String) in "excluded.\"\(column)\"" }
        let widening = Store.widening(times: new("times"), on: new("on"), last: new("last_on"), name: new("name"))
        return try insertRows(
            "candidate_sightings", ["address", "source_id", "name", "on", "last_on", "times"],
            sightings.map {
                [.text($0.address), .text($0.sourceID), SQLValue($0.name), .text($0.on.description), .text($0.last.description), .int(Int64($0.times))]
            },
            suffix: "ON CONFLICT (member, address, source_id) DO UPDATE SET \(widening.set) WHERE \(widening.changes) RETURNING 1")
    }

    /// The member's own states of agenda items that have none.
    func insertItemStates(_ states: [(ItemKey, ItemState)]) throws {
        try insertRows(
            "agenda_items", ["contact_id", "rule", "state", "since", "until", "note"],
            states.map { key, s in
                [
                    .int(key.contact), .text(key.rule), .text(s.kind.rawValue), .text(s.since.description), PostgresStore.day(s.until),
                    SQLValue(s.note),
                ]
            }, suffix: "ON CONFLICT DO NOTHING")
    }
}
