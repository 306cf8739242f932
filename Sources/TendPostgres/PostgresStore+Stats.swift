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
/// parallel and never sort them: the last touch's member is in the greatest of a key made of
/// the date, the table's rank, the id and the member (`lastKeySQL`), not the first of an
/// ordered array.
extension PostgresStore {
    public func contactStats(of ids: [Int64]?, today: Day, figures: ContactStats.Figures) throws -> [Int64: ContactStats]? {
        // The events in memory already: the core's pass over them is cheaper.
        if cache != nil { return nil }
        // A few contacts' figures are summed from their events through the contact indexes.
        if (ids?.count ?? Int.max) > PostgresStore.storedRowsPast, let stored = try storedStats(of: ids, today: today, figures: figures) {
            return stored
        }
        var values: [SQLValue] = [.text(today.description), .text(ContactStats.recentStart(today).description)]
        if let ids { values.append(.ints(ids)) }
        var out: [Int64: ContactStats] = [:]
        // Room for every contact's at once: growing copied the figures held so far, again and again.
        out.reserveCapacity(try ids?.count ?? rows(in: "contacts"))
        try each("contacts", PostgresStore.statsSQL(restricted: ids != nil, figures: figures), values) { r in
            let (id, s) = try PostgresStore.figures(r)
            out[id] = s
        }
        return out
    }

    /// A contact's id and figures, from a row of `statsSQL`.
    static func figures(_ r: RowCells) throws -> (Int64, ContactStats) {
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
        return (r.int(0), s)
    }

    /// The statement of `contactStats`: $1 is today, $2 the first day `touches_90d` counts, and
    /// when `restricted`, $3 the contacts' ids. Only the columns of `figures` are summed, from
    /// only the tables they come from; the others are as for a contact without events.
    static func statsSQL(restricted: Bool, figures: ContactStats.Figures = .all) -> String {
        let t = { (c: Column) in Figure.total(c) }
        let columns = columns(of: figures)
        return """
            SELECT c, \(t(.touches)), \(t(.touches_90d)), max(last), max(last_key COLLATE "C"),
              \(t(.gave)), \(t(.asked)), \(t(.inbound)), \(t(.given)), \(t(.received)),
              \(t(.introduced)), sum(cents)::text, \(t(.degree)), max(since)
            FROM \(sums(ids: restricted ? "$3" : nil, today: "$1", recent: "$2", from: Set(columns.flatMap(\.tables)), columns: columns))
            GROUP BY c
            """
    }

    /// The columns of `sums` these figures are worked out from.
    static func columns(of figures: ContactStats.Figures) -> Set<Column> {
        Set(summed.filter { figures.contains($0.figure) }.map(\.column))
    }

    /// The key whose greatest (compared byte by byte, `COLLATE "C"`) is a contact's last touch:
    /// its date, the table's rank (interactions 0, referrals 1, introductions 2), the id padded
    /// to 19 digits, and the member, `+` and the name or `-` for none, parted by U+0001 (below
    /// every character of a date, so a shorter field sorts first as in a tuple).
    static func lastKeySQL(on: String, rank: Int, id: String, by: String) -> String {
        #"\#(on) || chr(1) || '\#(rank)' || chr(1) || lpad(\#(id)::text, 19, '0') || chr(1) || coalesce('+' || \#(by), '-')"#
    }

    /// The member in a greatest `lastKeySQL`: what follows its third separator.
    static func member(ofLastKey key: String?) -> String? {
        guard let key else { return nil }
        let parts = key.split(separator: "\u{1}", maxSplits: 3, omittingEmptySubsequences: false)
        guard parts.count == 4, let tag = parts[3].first, tag == "+" else { return nil }
        return String(parts[3].dropFirst())
    }

    /// A figure a condition on contacts can be checked on in SQL: the column of `sums` it adds
    /// up, whether it is a date (the latest, else a whole number: the total), and the tables it
    /// comes from (`figuresSQL` reads no other).
    struct Figure: Sendable {
        let column: Column
        let isDate: Bool
        init(_ column: Column, isDate: Bool = false) {
            (self.column, self.isDate) = (column, isDate)
        }
        var sql: String { isDate ? "max(\(column))" : Figure.total(column) }
        /// A count's total over the table sums.
        static func total(_ column: Column) -> String { "sum(\(column))::bigint" }
    }

    /// The figures, by field (`contacts where last_touch < today - 180d`).
    static let figures: [String: Figure] = [
        "last_touch": Figure(.last, isDate: true), "touches": Figure(.touches), "touches_90d": Figure(.touches_90d),
        "gave": Figure(.gave), "asked": Figure(.asked), "inbound": Figure(.inbound),
        "referrals_given": Figure(.given), "referrals_received": Figure(.received),
        "introductions": Figure(.introduced), "degree": Figure(.degree),
    ]

    /// The column of `sums` each of a contact's figures is worked out from.
    static let summed: [(figure: ContactStats.Figures, column: Column)] = [
        (.touches, .touches), (.touches90, .touches_90d), (.lastTouch, .last), (.lastTouchBy, .last_key),
        (.gave, .gave), (.asked, .asked), (.inbound, .inbound), (.referralsGiven, .given), (.referralsReceived, .received),
        (.spend, .cents), (.introductions, .introduced), (.degree, .degree), (.stageSince, .since),
    ]

    /// The columns of `sums`, in order after the contact's id `c`.
    enum Column: String, CaseIterable, Sendable, CustomStringConvertible {
        case touches, touches_90d, last, last_key, gave, asked, inbound, given, received, introduced, cents, degree, since
        var description: String { rawValue }
        /// What a table with nothing for this column gives.
        var none: String { [.last, .last_key, .since].contains(self) ? "NULL" : "0" }
        /// The tables whose rows this column sums (`figuresSQL` and `statsSQL` read no other).
        var tables: Set<EventTable> {
            switch self {
            case .touches, .touches_90d, .last, .last_key, .gave: return EventTable.touches
            case .asked, .inbound: return [.interactions]
            case .given, .received: return [.referrals]
            case .introduced: return [.introductions]
            case .cents: return [.spending]
            case .degree: return [.knows]
            case .since: return [.stageChanges]
            }
        }
    }

    /// Which interactions `sums` counts: those the member in the session may see (what the core
    /// counts), those every member sees (the stored figures: no one's private notes), or the
    /// member's own private ones (added to the stored figures for that member).
    enum Seen: Sendable {
        case visible, shared, ownPrivate
        func condition(_ prefix: String) -> String {
            switch self {
            case .visible: return PostgresSchema.visible(prefix)
            case .shared: return "\(prefix)private = 0"
            case .ownPrivate: return #"\#(prefix)private = 1 AND \#(prefix)"by" = current_user"#
            }
        }
    }

    /// The tables `sums` reads, each summed on its own. Every contact has a row of its own
    /// besides, so that one with no events has figures too (no touches).
    enum EventTable: CaseIterable {
        case interactions, referrals, introductions, spending, knows, stageChanges
        /// The tables a touch comes from.
        static let touches: Set<EventTable> = [.interactions, .referrals, .introductions]
    }

    /// Whether a condition of this shape on contacts is one `figuresSQL` checks.
    /// (With a value the query writes out, one `figuresSQL` compares.)
    static func narrowsByFigure(_ shape: AccessRequest.Shape) -> Bool {
        guard figures[shape.field] != nil else { return false }
        guard let known = shape.condition else { return true }
        return figuresSQL(for: [known], after: 0, today: Day.last) != nil
    }

    /// `id IN (…)`: the contacts whose figures meet the conditions on `figures`, or nil when no
    /// condition is on one. Values are numbered after `first`: today, the first day
    /// `touches_90d` counts, then each condition's value.
    static func figuresSQL(for conditions: [FieldCondition], after first: Int, today: Day) -> SQLPart? {
        var having: [String] = []
        var tables: Set<EventTable> = []
        var columns: Set<Column> = []
        var arguments: [SQLArgument] = [.text(today.description), .text(ContactStats.recentStart(today).description)]
        for c in conditions {
            guard let figure = figures[c.field] else { continue }
            switch c.value {
            case .date(let d) where figure.isDate && !d.isYearless: arguments.append(.text(d.description))
            case .number(let n) where !figure.isDate && Store.isWhole(n): arguments.append(.integer(NSDecimalNumber(decimal: n).int64Value))
            default: continue
            }
            having.append("\(figure.sql) \(c.op == .equal ? "=" : c.op.rawValue) \(mark(first + arguments.count))")
            tables.formUnion(figure.column.tables)
            columns.insert(figure.column)
        }
        guard !having.isEmpty else { return nil }
        let sums = sums(ids: nil, today: mark(first + 1), recent: mark(first + 2), from: tables, columns: columns)
        return SQLPart(sql: "id IN (SELECT c FROM \(sums) GROUP BY c HAVING \(having.joined(separator: " AND ")))", arguments: arguments)
    }

    /// Each of these tables summed by contact, one row per contact a table has rows for, with
    /// `ids` (a placeholder) only those contacts'; `today` and `recent` are the placeholders of
    /// today and of the first day `touches_90d` counts. Only `columns` are summed, the others
    /// left as a table with nothing for them has them: PostgreSQL works out every aggregate a
    /// branch names, and the key of the last touch is made for every row. A table expression
    /// `(…) AS e(c, …)`: the alias names its columns, whichever branches it holds.
    static func sums(
        ids: String?, today t: String, recent r: String,
        from tables: Set<EventTable> = Set(EventTable.allCases), columns: Set<Column> = Set(Column.allCases),
        interactions seen: Seen = .visible, since: String? = nil, everyContact: Bool = true
    ) -> String {
        /// The rows of the contacts `ids` names (when it does), and when `since` is given and the
        /// table's date column `on`, those dated on or after it.
        func only(_ column: String, _ joiner: String = "WHERE", dated on: String? = nil) -> String {
            var conditions = ids.map { ["\(column) = ANY(\($0))"] } ?? []
            if let on, let since { conditions.append("\(on) >= \(since)") }
            return conditions.isEmpty ? "" : " \(joiner) " + conditions.joined(separator: " AND ")
        }
        /// One branch's select list: `sums` for the columns it has, the others as none gives them.
        func select(_ c: String, _ sums: [Column: String]) -> String {
            ([c] + Column.allCases.map { columns.contains($0) ? sums[$0] ?? $0.none : $0.none }).joined(separator: ", ")
        }
        /// The touch counts, last touch and its key of rows whose date is `on`, id `id`, member
        /// `by`, and which count as a touch when `touch` holds (rank: the table's in the key),
        /// with the table's other sums, `plus`.
        func touches(
            _ touch: String, rank: Int, _ on: String = #""on""#, _ id: String = "id", _ by: String = #""by""#, plus: [Column: String]
        ) -> [Column: String] {
            let counted = "\(touch)\(on) <= \(t)"
            let key = lastKeySQL(on: on, rank: rank, id: id, by: by)
            return plus.merging([
                .touches: "count(*) FILTER (WHERE \(counted))", .touches_90d: "count(*) FILTER (WHERE \(counted) AND \(on) >= \(r))",
                .last: "max(\(on)) FILTER (WHERE \(counted))", .last_key: #"max((\#(key)) COLLATE "C") FILTER (WHERE \#(counted))"#,
            ]) { a, _ in a }
        }
        /// An event dated after today has not happened yet: it counts for nothing.
        func happened(_ condition: String? = nil, alias: String = "") -> String {
            "FILTER (WHERE \(condition.map { "\($0) AND " } ?? "")\(alias)\"on\" <= \(t))"
        }
        let given = "count(*) \(happened("direction = 'given'"))"
        let branches: [(EventTable, String)] = [
            (
                .interactions,
                """
                SELECT \(select("ip.contact_id", touches("i.kind <> 'note' AND ", rank: 0, #"i."on""#, "i.id", #"i."by""#, plus: [
                    .gave: "sum(i.gave) \(happened(alias: "i."))", .asked: "sum(greatest(i.asked, i.pitch)) \(happened(alias: "i."))",
                    .inbound: "sum(i.inbound) \(happened(alias: "i."))",
                ])))
                FROM interaction_people ip JOIN interactions i ON i.id = ip.interaction_id
                WHERE (\(seen.condition("i.")))\(only("ip.contact_id", "AND", dated: #"i."on""#)) GROUP BY ip.contact_id
                """
            ),
            (
                .referrals,
                """
                SELECT \(select("contact_id", touches("", rank: 1, plus: [
                    .gave: given, .given: given, .received: "count(*) \(happened("direction = 'received'"))",
                ])))
                FROM referrals\(only("contact_id", dated: #""on""#)) GROUP BY contact_id
                """
            ),
            (
                .introductions,
                """
                SELECT \(select("x", touches("", rank: 2, plus: [.gave: "count(*) \(happened())", .introduced: "count(*) \(happened())"])))
                FROM (SELECT a_id AS x, "on", id, "by" FROM introductions\(only("a_id", dated: #""on""#))
                  UNION ALL SELECT b_id, "on", id, "by" FROM introductions\(only("b_id", dated: #""on""#))) AS xs GROUP BY x
                """
            ),
            (.spending, "SELECT \(select("contact_id", [.cents: "sum(amount_cents) \(happened())"])) FROM spending\(only("contact_id")) GROUP BY contact_id"),
            (
                .knows,
                """
                SELECT \(select("x", [.degree: "count(*)"]))
                FROM (SELECT a_id AS x FROM knows\(only("a_id")) UNION ALL SELECT b_id FROM knows\(only("b_id"))) AS ks GROUP BY x
                """
            ),
            (
                // The stage's date: that of the change latest by its date (the contact's creation
                // when later) and then by id.
                .stageChanges,
                """
                SELECT \(select("s.contact_id", [
                    .since: #"split_part(max((greatest(s."on", sc.created) || chr(1) || lpad(s.id::text, 19, '0') || chr(1) || s."on") COLLATE "C"), chr(1), 3)"#,
                ]))
                FROM stage_changes s JOIN contacts sc ON sc.id = s.contact_id\(only("s.contact_id")) GROUP BY s.contact_id
                """
            ),
        ]
        // The first branch names each column's type for the union: a total of amounts is numeric.
        let own = "SELECT \(select("id", [.cents: "0::numeric"])) FROM contacts\(only("id"))"
        let union = (everyContact ? [own] : []) + branches.filter { tables.contains($0.0) }.map(\.1)
        return "(\(union.joined(separator: "\nUNION ALL "))) AS e(c, \(Column.allCases.map(\.rawValue).joined(separator: ", ")))"
    }
}
