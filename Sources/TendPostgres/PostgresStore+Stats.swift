import Foundation
import TendCore
import TendStore

/// The figures of `Network.stats(today:)`, computed by PostgreSQL in one statement: each table
/// whose rows count for a contact is summed by contact on its own (an interaction once for each
/// of its people, an introduction for both), and those sums are added up by contact. The same
/// rules as the core's pass, line for line: a touch is an interaction but a note, a referral or
/// an introduction, dated on or before today; the last touch's member is that of the last
/// counted on its day (interactions, referrals, introductions, each by id). Private notes the
/// member may not see count for nothing, as in the network the core would read.
///
/// Summing each table first lets PostgreSQL aggregate the million rows of a large network in
/// parallel and never sort them: the last touch and its member are the greatest of a key made
/// of the date, the table's rank and the id (`lastKey`), not the first of an ordered array (6.6 s
/// against 4.4 s at 1,000,000 interactions).
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
            s.lastTouchBy = PostgresStore.member(ofLastKey: r.optionalText(4))
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
        let f = { (name: String) in figures[name]!.sql }
        return """
            SELECT c, \(f("touches")), \(f("touches_90d")), \(f("last_touch")), max(last_key COLLATE "C"),
              \(f("gave")), \(f("asked")), \(f("inbound")), \(f("referrals_given")), \(f("referrals_received")),
              \(f("introductions")), sum(cents)::text, \(f("degree")), max(since)
            FROM \(sums(ids: restricted ? "$3" : nil, today: "$1", recent: "$2", lastKey: true)) GROUP BY c
            """
    }

    /// The member in a greatest `lastKey`: what follows its third separator, `+` and the name or
    /// `-` for none.
    static func member(ofLastKey key: String?) -> String? {
        guard let key else { return nil }
        let parts = key.split(separator: "\u{1}", maxSplits: 3, omittingEmptySubsequences: false)
        guard parts.count == 4, let tag = parts[3].first, tag == "+" else { return nil }
        return String(parts[3].dropFirst())
    }

    /// A figure a condition on contacts can be checked on in SQL: the sum of its table sums
    /// (`sums`), whether it is a date (else a whole number), and the tables it comes from
    /// (`figuresSQL` reads no other).
    struct Figure: Sendable {
        let sql: String
        let isDate: Bool
        let from: Set<EventTable>
        init(_ sql: String, isDate: Bool = false, from: Set<EventTable>) {
            (self.sql, self.isDate, self.from) = (sql, isDate, from)
        }
    }

    /// The figures, by field (`contacts where last_touch < today - 180d`).
    static let figures: [String: Figure] = [
        "last_touch": Figure("max(last)", isDate: true, from: EventTable.touches),
        "touches": Figure("sum(touches)::bigint", from: EventTable.touches),
        "touches_90d": Figure("sum(touches_90d)::bigint", from: EventTable.touches),
        "gave": Figure("sum(gave)::bigint", from: EventTable.touches),
        "asked": Figure("sum(asked)::bigint", from: [.interactions]),
        "inbound": Figure("sum(inbound)::bigint", from: [.interactions]),
        "referrals_given": Figure("sum(given)::bigint", from: [.referrals]),
        "referrals_received": Figure("sum(received)::bigint", from: [.referrals]),
        "introductions": Figure("sum(introduced)::bigint", from: [.introductions]),
        "degree": Figure("sum(degree)::bigint", from: [.knows]),
    ]

    /// The tables `sums` reads, each summed on its own. Every contact has a row of its own
    /// besides, so that one with no events has figures too (no touches).
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
        for c in conditions {
            guard let figure = figures[c.field] else { continue }
            switch c.value {
            case .date(let d) where figure.isDate && !d.isYearless: arguments.append(.text(d.description))
            case .number(let n) where !figure.isDate && Store.isWhole(n): arguments.append(.integer(NSDecimalNumber(decimal: n).int64Value))
            default: continue
            }
            having.append("\(figure.sql) \(c.op == .equal ? "=" : c.op.rawValue) \(mark(first + arguments.count))")
            tables.formUnion(figure.from)
        }
        guard !having.isEmpty else { return nil }
        let sums = sums(ids: nil, today: mark(first + 1), recent: mark(first + 2), lastKey: false, from: tables)
        return SQLPart(sql: "id IN (SELECT c FROM \(sums) GROUP BY c HAVING \(having.joined(separator: " AND ")))", arguments: arguments)
    }

    /// Each of these tables summed by contact, one row per contact a table has rows for, with
    /// `ids` (a placeholder) only those contacts'; `today` and `recent` are the placeholders of
    /// today and of the first day `touches_90d` counts; `lastKey` when the member of the last
    /// touch is wanted (its key is made for every row: a selection by figures goes without). A
    /// table expression `(…) AS e(c, …)`: the alias names its columns, whichever branches it holds.
    private static func sums(
        ids: String?, today t: String, recent r: String, lastKey: Bool, from tables: Set<EventTable> = Set(EventTable.allCases)
    ) -> String {
        func only(_ column: String, _ joiner: String = "WHERE") -> String { ids.map { " \(joiner) \(column) = ANY(\($0))" } ?? "" }
        /// The touch counts, last touch and `lastKey` of rows whose date is `on`, id `id`, member
        /// `by`, and which count as a touch when `touch` holds (rank: the table's in `lastKey`).
        func touches(_ touch: String, rank: Int, _ on: String = #""on""#, _ id: String = "id", _ by: String = #""by""#) -> String {
            let counted = "\(touch)\(on) <= \(t)"
            let key = #"\#(on) || chr(1) || '\#(rank)' || chr(1) || lpad(\#(id)::text, 19, '0') || chr(1) || coalesce('+' || \#(by), '-')"#
            return """
                count(*) FILTER (WHERE \(counted)), count(*) FILTER (WHERE \(counted) AND \(on) >= \(r)),
                  max(\(on)) FILTER (WHERE \(counted)), \(lastKey ? #"max((\#(key)) COLLATE "C") FILTER (WHERE \#(counted))"# : "NULL")
                """
        }
        // c, touches, touches in 90 days, last touch, its key, gave, asked, inbound, referrals
        // given and received, introductions, cents, degree, stage since.
        let none = "0, 0, NULL, NULL"
        let branches: [(EventTable, String)] = [
            (
                .interactions,
                """
                SELECT ip.contact_id, \(touches("i.kind <> 'note' AND ", rank: 0, #"i."on""#, "i.id", #"i."by""#)),
                  sum(i.gave), sum(greatest(i.asked, i.pitch)), sum(i.inbound), 0, 0, 0, 0::numeric, 0, NULL
                FROM interaction_people ip JOIN interactions i ON i.id = ip.interaction_id
                WHERE (\(PostgresSchema.visible("i.")))\(only("ip.contact_id", "AND")) GROUP BY ip.contact_id
                """
            ),
            (
                .referrals,
                """
                SELECT contact_id, \(touches("", rank: 1)), count(*) FILTER (WHERE direction = 'given'), 0, 0,
                  count(*) FILTER (WHERE direction = 'given'), count(*) FILTER (WHERE direction = 'received'), 0, 0, 0, NULL
                FROM referrals\(only("contact_id")) GROUP BY contact_id
                """
            ),
            (
                .introductions,
                """
                SELECT x, \(touches("", rank: 2)), count(*), 0, 0, 0, 0, count(*), 0, 0, NULL
                FROM (SELECT a_id AS x, "on", id, "by" FROM introductions\(only("a_id"))
                  UNION ALL SELECT b_id, "on", id, "by" FROM introductions\(only("b_id"))) AS xs GROUP BY x
                """
            ),
            (.spending, "SELECT contact_id, \(none), 0, 0, 0, 0, 0, 0, sum(amount_cents), 0, NULL FROM spending\(only("contact_id")) GROUP BY contact_id"),
            (
                .knows,
                """
                SELECT x, \(none), 0, 0, 0, 0, 0, 0, 0, count(*), NULL
                FROM (SELECT a_id AS x FROM knows\(only("a_id")) UNION ALL SELECT b_id FROM knows\(only("b_id"))) AS ks GROUP BY x
                """
            ),
            (
                // The stage's date: that of the change latest by its date (the contact's creation
                // when later) and then by id.
                .stageChanges,
                """
                SELECT s.contact_id, \(none), 0, 0, 0, 0, 0, 0, 0, 0,
                  split_part(max((greatest(s."on", sc.created) || chr(1) || lpad(s.id::text, 19, '0') || chr(1) || s."on") COLLATE "C"), chr(1), 3)
                FROM stage_changes s JOIN contacts sc ON sc.id = s.contact_id\(only("s.contact_id")) GROUP BY s.contact_id
                """
            ),
        ]
        let own = "SELECT id, \(none), 0, 0, 0, 0, 0, 0, 0, 0, NULL FROM contacts\(only("id"))"
        let union = (branches.filter { tables.contains($0.0) }.map(\.1) + [own]).joined(separator: "\nUNION ALL ")
        return """
            (\(union)) AS e(c, touches, touches_90d, last, last_key, gave, asked, inbound, given, received, introduced, cents, degree, since)
            """
    }
}
