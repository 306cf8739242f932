import Foundation
import TendCore
import TendStore

/// The figures of `Network.stats(today:)`, computed by PostgreSQL in one statement: every
/// event that counts for a contact is one row of a union (an interaction once for each of its
/// people, an introduction for both), summed by contact. The same rules as the core's pass,
/// line for line: a touch is an interaction but a note, a referral or an introduction, dated on
/// or before today; the last touch's member is that of the last counted on its day
/// (interactions, referrals, introductions, each by id). Private notes the member may not see
/// count for nothing, as in the network the core would read.
extension PostgresStore {
    public func contactStats(of ids: [Int64]?, today: Day) throws -> [Int64: ContactStats]? {
        // The events in memory already: the core's pass over them is cheaper.
        if cache != nil { return nil }
        var values: [SQLValue] = [.text(today.description), .text(ContactStats.recentStart(today).description)]
        if let ids { values.append(.ints(ids)) }
        var out: [Int64: ContactStats] = [:]
        // Room for every contact's at once: growing copied the figures held so far, again and again.
        out.reserveCapacity(try ids?.count ?? rows(in: "contacts"))
        try each("contacts", PostgresStore.statsSQL(restricted: ids != nil), values) { r in
            var s = ContactStats()
            s.touches = Int(r.int(1))
            s.touches90 = Int(r.int(2))
            s.lastTouch = try r.day(3)
            s.lastTouchBy = r.optionalText(4)
            (s.gave, s.asked, s.inbound) = (Int(r.int(5)), Int(r.int(6)), Int(r.int(7)))
            (s.referralsGiven, s.referralsReceived, s.introductions) = (Int(r.int(8)), Int(r.int(9)), Int(r.int(10)))
            // A total, not one amount: two spends each within the range may add up past it.
            guard let cents = Int64(r.text(11)) else {
                throw DamagedValue(table: "spending", row: nil, problem: "the amounts paid to contact \(r.int(0)) are out of range")
            }
            if cents != 0 { s.spend = Store.money(cents) }
            s.degree = Int(r.int(12))
            s.stageSince = try r.day(13)
            out[r.int(0)] = s
        }
        return out
    }

    /// The statement of `contactStats`: $1 is today, $2 the first day `touches_90d` counts, and
    /// when `restricted`, $3 the contacts' ids.
    static func statsSQL(restricted: Bool) -> String {
        let counted = counted("$1")
        let last = #"ORDER BY "on" DESC, k DESC, id DESC) FILTER (WHERE \#(counted))"#
        return """
            SELECT c, \(figures["touches"]!.sql("$1", "$2")), \(figures["touches_90d"]!.sql("$1", "$2")),
              (array_agg("on" \(last))[1], (array_agg("by" \(last))[1],
              sum(gave)::bigint, sum(asked)::bigint, sum(inbound)::bigint, sum(given)::bigint, sum(received)::bigint,
              sum(introduced)::bigint, sum(cents)::text, sum(degree)::bigint, max("on") FILTER (WHERE k = 5)
            FROM \(events(restricted ? "$3" : nil)) GROUP BY c
            """
    }

    /// A touch that counts on the day `today` (a placeholder) names.
    private static func counted(_ today: String) -> String { #"touch AND "on" <= \#(today)"# }

    /// A figure a condition on contacts can be checked on in SQL: its sum, given the
    /// placeholders of today and of the first day `touches_90d` counts, as `statsSQL` sums it;
    /// whether it is a date (else a whole number); and the tables whose rows it sums
    /// (`figuresSQL` reads no other).
    struct Figure: Sendable {
        let sql: @Sendable (String, String) -> String
        let isDate: Bool
        let from: Set<EventTable>
        init(_ sql: @escaping @Sendable (String, String) -> String, isDate: Bool = false, from: Set<EventTable>) {
            (self.sql, self.isDate, self.from) = (sql, isDate, from)
        }
    }

    /// The figures, by field (`contacts where last_touch < today - 180d`).
    static let figures: [String: Figure] = [
        "last_touch": Figure({ t, _ in #"max("on") FILTER (WHERE \#(counted(t)))"# }, isDate: true, from: EventTable.touches),
        "touches": Figure({ t, _ in "count(*) FILTER (WHERE \(counted(t)))" }, from: EventTable.touches),
        "touches_90d": Figure({ t, r in #"count(*) FILTER (WHERE \#(counted(t)) AND "on" >= \#(r))"# }, from: EventTable.touches),
        "gave": Figure({ _, _ in "sum(gave)::bigint" }, from: EventTable.touches),
        "asked": Figure({ _, _ in "sum(asked)::bigint" }, from: [.interactions]),
        "inbound": Figure({ _, _ in "sum(inbound)::bigint" }, from: [.interactions]),
        "referrals_given": Figure({ _, _ in "sum(given)::bigint" }, from: [.referrals]),
        "referrals_received": Figure({ _, _ in "sum(received)::bigint" }, from: [.referrals]),
        "introductions": Figure({ _, _ in "sum(introduced)::bigint" }, from: [.introductions]),
        "degree": Figure({ _, _ in "sum(degree)::bigint" }, from: [.knows]),
    ]

    /// The tables of the union `events` reads, each one or two of its branches. Every contact
    /// has a row of its own besides, so that one with no events has figures too (no touches).
    enum EventTable: CaseIterable {
        case interactions, referrals, introductions, spending, knows, stageChanges
        /// The tables a touch comes from.
        static let touches: Set<EventTable> = [.interactions, .referrals, .introductions]
    }

    /// Whether a condition of this shape on contacts is one `figuresSQL` checks.
    static func narrowsByFigure(_ shape: AccessRequest.Shape) -> Bool { figures[shape.field] != nil }

    /// `id IN (…)`: the contacts whose figures meet the conditions on `figures`, or nil when no
    /// condition is on one. Values are numbered after `first`: today, the first day
    /// `touches_90d` counts, then each condition's value.
    static func figuresSQL(for conditions: [FieldCondition], after first: Int, today: Day) -> SQLPart? {
        var having: [String] = []
        var tables: Set<EventTable> = []
        var arguments: [SQLArgument] = [.text(today.description), .text(ContactStats.recentStart(today).description)]
        let (t, r) = (mark(first + 1), mark(first + 2))
        for c in conditions {
            guard let figure = figures[c.field] else { continue }
            switch c.value {
            case .date(let d) where figure.isDate && !d.isYearless: arguments.append(.text(d.description))
            case .number(let n) where !figure.isDate && Store.isWhole(n): arguments.append(.integer(NSDecimalNumber(decimal: n).int64Value))
            default: continue
            }
            having.append("\(figure.sql(t, r)) \(c.op == .equal ? "=" : c.op.rawValue) \(mark(first + arguments.count))")
            tables.formUnion(figure.from)
        }
        guard !having.isEmpty else { return nil }
        return SQLPart(sql: "id IN (SELECT c FROM \(events(nil, from: tables)) GROUP BY c HAVING \(having.joined(separator: " AND ")))", arguments: arguments)
    }

    /// Every event that counts for a contact, one row each (see the type's comment), of these
    /// tables; with `ids` (a placeholder), only those of these contacts. A table expression
    /// `(…) AS e(c, …)`: the alias names its columns, whichever branches it holds.
    private static func events(_ ids: String?, from tables: Set<EventTable> = Set(EventTable.allCases)) -> String {
        func only(_ column: String, _ joiner: String = "WHERE") -> String { ids.map { " \(joiner) \(column) = ANY(\($0))" } ?? "" }
        // c, on, by, k (the order touches are counted in), id, touch, gave, asked, inbound,
        // referrals given and received, introductions, cents, degree.
        let branches: [(EventTable, String)] = [
            (
                .interactions,
                """
                SELECT ip.contact_id AS c, i."on", i."by", 0 AS k, i.id, i.kind <> 'note' AS touch, i.gave, greatest(i.asked, i.pitch) AS asked,
                  i.inbound, 0 AS given, 0 AS received, 0 AS introduced, 0::bigint AS cents, 0 AS degree
                FROM interaction_people ip JOIN interactions i ON i.id = ip.interaction_id
                WHERE (\(PostgresSchema.visible("i.")))\(only("ip.contact_id", "AND"))
                """
            ),
            (
                .referrals,
                """
                SELECT contact_id, "on", "by", 1, id, true, (direction = 'given')::int, 0, 0, (direction = 'given')::int,
                  (direction = 'received')::int, 0, 0, 0 FROM referrals\(only("contact_id"))
                """
            ),
            (.introductions, #"SELECT a_id, "on", "by", 2, id, true, 1, 0, 0, 0, 0, 1, 0, 0 FROM introductions\#(only("a_id"))"#),
            (.introductions, #"SELECT b_id, "on", "by", 2, id, true, 1, 0, 0, 0, 0, 1, 0, 0 FROM introductions\#(only("b_id"))"#),
            (.spending, "SELECT contact_id, NULL, NULL, 3, id, false, 0, 0, 0, 0, 0, 0, amount_cents, 0 FROM spending\(only("contact_id"))"),
            (.knows, "SELECT a_id, NULL, NULL, 4, 0, false, 0, 0, 0, 0, 0, 0, 0, 1 FROM knows\(only("a_id"))"),
            (.knows, "SELECT b_id, NULL, NULL, 4, 0, false, 0, 0, 0, 0, 0, 0, 0, 1 FROM knows\(only("b_id"))"),
            (
                .stageChanges,
                """
                (SELECT DISTINCT ON (s.contact_id) s.contact_id, s."on", NULL, 5, s.id, false, 0, 0, 0, 0, 0, 0, 0, 0
                  FROM stage_changes s JOIN contacts sc ON sc.id = s.contact_id\(only("s.contact_id"))
                  ORDER BY s.contact_id, greatest(s."on", sc.created) DESC, s.id DESC)
                """
            ),
        ]
        let own = "SELECT id, NULL, NULL, 6, id, false, 0, 0, 0, 0, 0, 0, 0, 0 FROM contacts\(only("id"))"
        let union = (branches.filter { tables.contains($0.0) }.map(\.1) + [own]).joined(separator: "\nUNION ALL ")
        return #"(\#(union)) AS e(c, "on", "by", k, id, touch, gave, asked, inbound, given, received, introduced, cents, degree)"#
    }
}
