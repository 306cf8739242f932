import Foundation
import TendCore
import TendStore

/// What a session needs beyond the model (TendDatabase), the agenda's book, and the
/// candidates' sightings, on PostgreSQL.
extension PostgresStore: TendDatabase, AgendaBook, CandidateBook {
    public var path: String? { nil }

    /// The journal (history, undo; PostgresStore+Journal) where the database has one; in one
    /// without, a change commits as it is.
    public func commit(label: Store.JournalLabel?) throws {
        try closeChange(label)
        try commit()
    }
    public func setJournalling(_ on: Bool) throws { journalling = on }
    public func history(limit: Int?) throws -> [Store.JournalEntry] { try journalHistory(limit: limit) }
    public func undo(count: Int) throws -> [Store.JournalEntry] { try journalUndo(count: count) }
    static let noJournal = "history and undo are not kept on PostgreSQL yet (only in SQLite databases)"

    /// Other members may have committed since any earlier look, and the server does not say
    /// cheaply whether they did: the session drops what it read every time (this store keeps
    /// what it reads for one transaction only; `begin` forgets it). Saying false here let a
    /// session write a contact as an earlier statement had read it, over another member's change.
    public func refresh() throws -> Bool { true }

    public func backup(into path: String) throws {
        throw PostgresFailure(message: "a PostgreSQL database is backed up with pg_dump (tend backup copies SQLite files)")
    }

    // MARK: - Imported touches

    public func importedSources(kinds: [String]) throws -> [String: (id: Int64, on: Day, people: Set<Int64>)] {
        var out: [String: (id: Int64, on: Day, people: Set<Int64>)] = [:]
        let marks = PostgresStore.marks(kinds.count)
        try each(
            "interactions",
            """
            SELECT i.id, i.kind, i.source_id, p.contact_id, i."on" FROM interactions i JOIN interaction_people p ON p.interaction_id = i.id
            WHERE i.source_id IS NOT NULL AND i.kind IN (\(marks))
            """, kinds.map(SQLValue.text)
        ) { r in
            let key = Store.sourceKey(kind: r.text(1), sourceID: r.text(2))
            if out[key] == nil { out[key] = (r.int(0), try r.date(4), []) }
            out[key]!.people.insert(r.int(3))
        }
        return out
    }

    public func addPeople(_ people: [Int64], toInteraction id: Int64) throws {
        for p in people {
            try connection.query(
                """
                INSERT INTO interaction_people (interaction_id, contact_id, position)
                SELECT $1, $2, coalesce(max(position), -1) + 1 FROM interaction_people WHERE interaction_id = $1
                """, [.int(id), .int(p)])
        }
        forget()
    }

    public func removePeople(_ people: [Int64], fromInteraction id: Int64) throws {
        for p in people {
            try connection.query("DELETE FROM interaction_people WHERE interaction_id = $1 AND contact_id = $2", [.int(id), .int(p)])
        }
        forget()
    }

    public func logInteractions(_ interactions: [Interaction]) throws { try insertInteractions(interactions) }

    public func recordSightings(_ sightings: [Sighting]) throws {
        try insertSightings(sightings)
    }

    public func candidateCounts() throws -> [CandidateCount] {
        var out: [CandidateCount] = []
        try each("candidate_sightings", Store.candidateCountsSQL(), id: nil) { out.append(try Store.candidateCount($0)) }
        return out
    }

    // MARK: - The agenda's book

    public func itemStates() throws -> [ItemKey: ItemState] {
        var out: [ItemKey: ItemState] = [:]
        try each("agenda_items", "SELECT contact_id, rule, state, since, until, note FROM agenda_items WHERE member = current_user", id: nil) { r in
            out[ItemKey(contact: r.int(0), rule: r.text(1))] = Store.itemState(
                r.optionalText(2), since: r.optionalText(3), until: r.optionalText(4), note: r.optionalText(5))
        }
        return out
    }

    public func setItemState(_ key: ItemKey, _ state: ItemState?) throws {
        try Store.validate(state)
        guard let state else {
            try connection.query(
                "DELETE FROM agenda_items WHERE contact_id = $1 AND rule = $2 AND member = current_user", [.int(key.contact), .text(key.rule)])
            return
        }
        try connection.query(
            """
            INSERT INTO agenda_items (contact_id, rule, state, since, until, note) VALUES ($1, $2, $3, $4, $5, $6)
            ON CONFLICT (member, contact_id, rule) DO UPDATE SET state = excluded.state, since = excluded.since,
              until = excluded.until, note = excluded.note
            """,
            [.int(key.contact), .text(key.rule), .text(state.kind.rawValue), .text(state.since.description), PostgresStore.day(state.until), SQLValue(state.note)])
    }

    /// Forgets items closed until their condition stopped holding (`Store.forgetItemStates`):
    /// no change of its own, but with the change that made the condition stop.
    public func forgetItemStates(_ keys: [ItemKey]) throws {
        guard !keys.isEmpty else { return }
        guard try journalReady() else { return try keys.forEach { try setItemState($0, nil) } }
        let journal = try connection.query("SELECT coalesce(current_setting('tend.journal', true), '')").first.map { try $0[0].decode(String.self) } ?? ""
        try connection.query("SELECT set_config('tend.journal', 'off', true)")
        defer { _ = try? connection.query("SELECT set_config('tend.journal', $1, true)", [.text(journal)]) }
        for key in keys {
            try connection.query(
                """
                INSERT INTO journal_rows (change_id, tbl, before, after)
                SELECT c.id, 'agenda_items', to_jsonb(a), NULL FROM agenda_items a,
                  (SELECT coalesce(nullif(current_setting('tend.change', true), '')::bigint,
                     (SELECT max(id) FROM journal WHERE member = current_user AND undone = 0)) AS id) c
                WHERE c.id IS NOT NULL AND a.contact_id = $1 AND a.rule = $2 AND a.member = current_user
                """, [.int(key.contact), .text(key.rule)])
            try setItemState(key, nil)
        }
    }

    public func agendaNumbers() throws -> [[ItemKey]] {
        var lines: [[ItemKey]] = []
        try each("agenda_numbers", "SELECT number, contact_id, rule FROM agenda_numbers WHERE member = current_user ORDER BY number, seq", id: nil) { r in
            let n = Int(r.int(0))
            while lines.count < n { lines.append([]) }
            if n >= 1 { lines[n - 1].append(ItemKey(contact: r.int(1), rule: r.text(2))) }
        }
        return lines
    }

    @discardableResult
    public func setAgendaNumbers(_ lines: [[ItemKey]]) throws -> Bool {
        let shown = lines.keptLines
        var kept = KeptNumbersComparison(shown)
        try each("agenda_numbers", "SELECT number, contact_id, rule FROM agenda_numbers WHERE member = current_user ORDER BY number, seq", id: nil) { r in
            kept.next(Int(r.int(0)), ItemKey(contact: r.int(1), rule: r.text(2)))
        }
        if kept.finish() { return true }
        // One statement for the page (a round trip per line was most of a long agenda's time);
        // `seq` is given in the arrays' order.
        let numbered = shown.enumerated().flatMap { i, keys in keys.map { (Int64(i + 1), $0) } }
        let write = {
            try self.connection.query("DELETE FROM agenda_numbers WHERE member = current_user")
            guard !numbered.isEmpty else { return }
            try self.connection.query(
                """
                INSERT INTO agenda_numbers (number, contact_id, rule)
                SELECT n, c, r FROM unnest($1::bigint[], $2::bigint[], $3::text[]) WITH ORDINALITY AS t(n, c, r, o) ORDER BY o
                """,
                [.ints(numbered.map(\.0)), .ints(numbered.map(\.1.contact)), .texts(numbered.map(\.1.rule))])
        }
        // Outside a run (a page kept after its run was rolled back): one change, never half a page.
        if inTransaction { try write() } else { try transaction(write) }
        return true
    }
}
