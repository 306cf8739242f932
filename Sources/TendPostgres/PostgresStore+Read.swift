import Foundation
import PostgresNIO
import TendCore
import TendStore

/// One row as PostgreSQL returns it: the primitive reads of `StoredRow`, on which the SQLite
/// store's checked values and row mappers (Store+Read) work unchanged.
struct RowCells: StoredRow {
    let row: PostgresRandomAccessRow
    let table: String
    /// The column of the row's id (nil for link tables).
    let idColumn: Int32?

    func damaged(_ i: Int32, _ problem: String) -> DamagedValue {
        damagedRow("\(row[Int(i)].columnName) \(problem)")
    }
    func damagedRow(_ problem: String) -> DamagedValue {
        var e = DamagedValue(table: table, row: idColumn.map(int), problem: problem, remedy: DamagedValue.postgresRemedy)
        e.file = "PostgreSQL"
        return e
    }
    func int(_ i: Int32) -> Int64 { ((try? row[Int(i)].decode(Int64?.self)) ?? nil) ?? 0 }
    func isNull(_ i: Int32) -> Bool { row[Int(i)].bytes == nil }
    func optionalText(_ i: Int32) -> String? { (try? row[Int(i)].decode(String?.self)) ?? nil }
    func anyDay(_ i: Int32) throws -> Day? {
        guard let s = optionalText(i) else { return nil }
        guard let d = Day(iso: s) else { throw damaged(i, DamagedValue.notADate(s)) }
        return d
    }
    func list(_ i: Int32) throws -> [String] {
        guard let s = optionalText(i) else { return [] }
        guard let items = JSONList.decodeChecked(s) else { throw damaged(i, "is not a list of text") }
        return items
    }
}

extension PostgresStore {
    /// Runs a query and calls `body` with each row's cells.
    func each(_ table: String, _ sql: String, _ values: [SQLValue] = [], id: Int32? = 0, _ body: (RowCells) throws -> Void) throws {
        try connection.each(sql, values) { try body(RowCells(row: $0, table: table, idColumn: id)) }
    }

    /// Reads the network; without `events`, only contacts, me, markets, goals and definitions;
    /// without `withInteractions`, every event but the interactions (read a page at a time).
    /// With `filter`, only the contacts it selects (`Columns.sql(for:)` on `contactColumn`).
    func load(events: Bool, withInteractions: Bool = true, filter: SQLPart? = nil) throws -> Network {
        var net = Network()
        try each(
            "contacts", "SELECT \(PostgresStore.contactSelect) FROM contacts \(filter.map { "WHERE " + $0.sql } ?? "") ORDER BY id",
            PostgresStore.values(filter?.arguments ?? [])
        ) { net.contacts.append(try Store.contact($0)) }
        net.reindex()
        try loadSmallTables(into: &net)
        guard events else { return net }
        try each("stage_changes", "SELECT \(Store.stageChangeSelect) ORDER BY id") {
            net.stageChanges.append(try Store.stageChange($0))
        }
        if withInteractions { net.interactions = try interactions() }
        try each("referrals", "SELECT \(Store.referralSelect) ORDER BY id") { net.referrals.append(try Store.referral($0)) }
        try each("introductions", "SELECT \(Store.introductionSelect) ORDER BY id") { net.introductions.append(try Store.introduction($0)) }
        try each("spending", "SELECT \(Store.spendSelect) ORDER BY id") { net.spending.append(try Store.spend($0)) }
        net.knows = try knowsEdges()
        return net
    }

    func interactions() throws -> [Interaction] {
        var people: [Int64: [Int64]] = [:]
        // Row-level security shows a member their own private notes alone; the same condition
        // here keeps them from a superuser's session too (which security does not restrict).
        try each(
            "interaction_people",
            """
            SELECT interaction_id, contact_id FROM interaction_people
            WHERE \(PostgresSchema.visibleInteraction) ORDER BY interaction_id, position
            """, id: nil
        ) {
            people[$0.int(0), default: []].append($0.int(1))
        }
        var out: [Interaction] = []
        try each("interactions", "SELECT \(PostgresStore.interactionSelect) WHERE \(PostgresSchema.visibleInteraction) ORDER BY id") { r in
            out.append(try Store.interaction(r, people: people[r.int(0)] ?? []))
        }
        return out
    }

    /// The interactions' columns as `Store.interaction` reads them, and their table.
    static let interactionSelect = #"id, kind, "on", note, quality, gave, asked, inbound, pitch, source_id, "by", private FROM interactions"#

    /// The interactions after an id that meet `filter` (its values numbered from $2), in id
    /// order, `limit` of them, with their people: a page, or a narrowed read.
    func interactions(after: Int64, limit: Int, filter: SQLPart?, ids: [Int64]? = nil) throws -> [Interaction] {
        var values: [SQLValue] = [.int(after)] + PostgresStore.values(filter?.arguments ?? [])
        // Only these ids (`ModelRead.ids`): one array parameter, not thousands of numbers to parse.
        var only = ""
        if let ids {
            values.append(.ints(ids))
            only = " AND id = ANY($\(values.count))"
        }
        values.append(.int(Int64(limit)))
        var out: [Interaction] = []
        try each(
            "interactions",
            """
            SELECT \(PostgresStore.interactionSelect) WHERE id > $1 AND (\(PostgresSchema.visibleInteraction))\(filter.map { " AND " + $0.sql } ?? "")\(only)
            ORDER BY id LIMIT $\(values.count)
            """, values
        ) { out.append(try Store.interaction($0, people: [])) }
        guard let first = out.first?.id, let last = out.last?.id else { return out }
        var people: [Int64: [Int64]] = [:]
        // A page that holds most ids of its range reads its people by that range, through the
        // key's order; one with gaps (a narrowed read), by its ids (matching an array of
        // thousands of ids costs far more than a range of the key).
        let dense = last - first < Int64(out.count) * 2
        let (which, range): (String, [SQLValue]) = dense ? ("BETWEEN $1 AND $2", [.int(first), .int(last)]) : ("= ANY($1)", [.ints(out.map(\.id))])
        try each(
            "interaction_people", "SELECT interaction_id, contact_id FROM interaction_people WHERE interaction_id \(which) ORDER BY interaction_id, position",
            range, id: nil
        ) { people[$0.int(0), default: []].append($0.int(1)) }
        for n in out.indices { out[n].people = people[out[n].id] ?? [] }
        return out
    }

    /// Values for a statement's parameters.
    static func values(_ arguments: [SQLArgument]) -> [SQLValue] {
        arguments.map {
            switch $0 {
            case .text(let s): return .text(s)
            case .integer(let n): return .int(n)
            }
        }
    }

    /// `$n`, PostgreSQL's placeholder.
    static func mark(_ n: Int) -> String { "$\(n)" }

    func loadSmallTables(into net: inout Network) throws {
        try each("me", "SELECT id, name, profession, company, preferred_client, goals, emails FROM me WHERE member = current_user") { try Store.me($0, into: &net) }
        try each("markets", "SELECT name, served_by FROM markets ORDER BY position, name", id: nil) { net.markets.append(try Store.market($0)) }
        var helpers: [Int64: [Int64]] = [:]
        try each("goal_helpers", "SELECT goal_id, contact_id FROM goal_helpers ORDER BY goal_id, position") { r in
            helpers[r.int(0), default: []].append(r.int(1))
        }
        try each("goals", "SELECT \(Store.goalSelect) FROM goals WHERE member = current_user ORDER BY id") { r in
            var g = try Store.goal(r)
            g.helpers = helpers[g.id] ?? []
            net.goals.append(g)
        }
        net.definitions = try readDefinitions()
    }

    /// The contacts' columns, with the member's own snooze for `snoozed_until`.
    static let contactSelect = Store.contactSelect.replacingOccurrences(of: "snoozed_until", with: snoozeColumn)
    static let snoozeColumn = "(SELECT until FROM snoozes s WHERE s.contact_id = contacts.id AND s.member = current_user)"
    /// A contact field's column in a condition: `snoozed_until` is the member's own snooze.
    static func contactColumn(_ field: String) -> String { field == "snoozed_until" ? snoozeColumn : "\"\(field)\"" }

    func readDefinitions() throws -> [Definition] {
        var out: [Definition] = []
        try each("definitions", "SELECT \(Store.definitionSelect) FROM definitions WHERE member = current_user ORDER BY position") { out.append(try Store.definition($0)) }
        return out
    }
}
