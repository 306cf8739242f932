import Foundation
import TendCore

/// The store's side of the planner's negotiation, as SQL both stores share (the SQLite store
/// and the PostgreSQL store in TendPostgres keep the same tables and columns): which columns
/// each collection narrows by, the SQL for the conditions on them, and the statements that read
/// one contact's events. Each store binds the values its own way and writes its own
/// placeholders (SQLite `?1`, PostgreSQL `$1`).

/// A value a condition compares a column with: dates are ISO text, flags 0 or 1, stages and ids
/// whole numbers, in both stores.
package enum SQLArgument: Equatable, Sendable {
    case text(String)
    case integer(Int64)
}

/// A piece of SQL and the values of its placeholders, in order.
package struct SQLPart: Sendable {
    package var sql: String
    package var arguments: [SQLArgument]
    package init(sql: String, arguments: [SQLArgument]) {
        self.sql = sql
        self.arguments = arguments
    }
}

/// How a store writes the placeholder of a statement's n-th value (from 1).
package typealias Placeholder = (Int) -> String

extension Store {
    /// The columns conditions can be checked on, by the kind of value they hold.
    package struct Columns: Sendable {
        var text: Set<String> = []
        var date: Set<String> = []
        var bool: Set<String> = []
        var integer: Set<String> = []
        var stage = false

        /// Whether `sql(for:)` can check a comparison of this shape (for values it can compare
        /// as Tend does): text and flags by `==` only; dates, stages and whole numbers by any.
        package func narrows(_ c: AccessRequest.Shape) -> Bool {
            // A value the query writes out is one SQL compares as Tend does, or the core's alone.
            if let known = c.condition { return sql(for: [known], placeholder: { _ in "?" }) != nil }
            if text.contains(c.field) || bool.contains(c.field) { return c.op == .equal }
            return date.contains(c.field) || integer.contains(c.field) || (stage && c.field == "stage")
        }

        /// The SQL for the conditions the store checks exactly as Tend does (`==` on text and
        /// flags, comparisons on dates, stages and whole numbers), or nil when there are none;
        /// the others are left to the caller, which checks every condition again. Values are
        /// numbered after `first`; `column` writes a field's column (quoted, maybe qualified).
        package func sql(
            for conditions: [FieldCondition], after first: Int = 0, placeholder: Placeholder,
            column: (String) -> String = { "\"\($0)\"" }
        ) -> SQLPart? {
            sql(for: conditions, after: first, placeholder: placeholder, column: column, exact: false)
        }

        /// `sql(for:)` of every condition, or nil when one is not checked so (the core must
        /// check it) or compares a date without a year (text would not compare it as Tend does).
        package func exactSQL(for conditions: [FieldCondition], after first: Int = 0, placeholder: Placeholder) -> SQLPart? {
            sql(for: conditions, after: first, placeholder: placeholder, column: { "\"\($0)\"" }, exact: true)
        }

        private func sql(
            for conditions: [FieldCondition], after first: Int, placeholder: Placeholder, column: (String) -> String, exact: Bool
        ) -> SQLPart? {
            var parts: [String] = []
            var arguments: [SQLArgument] = []
            for c in conditions {
                let equality = c.op == .equal
                switch c.value {
                case .string(let v) where text.contains(c.field) && equality: arguments.append(.text(v))
                case .date(let d) where date.contains(c.field) && !(exact && d.isYearless): arguments.append(.text(d.description))
                case .stage(let st) where stage && c.field == "stage": arguments.append(.integer(Int64(st.rawValue)))
                case .bool(let b) where bool.contains(c.field) && equality: arguments.append(.integer(b ? 1 : 0))
                case .number(let n) where integer.contains(c.field) && Store.isWhole(n):
                    arguments.append(.integer(NSDecimalNumber(decimal: n).int64Value))
                default:
                    if exact { return nil }
                    continue
                }
                let compared = "\(column(c.field)) \(equality ? "=" : c.op.rawValue) \(placeholder(first + arguments.count))"
                if case .string = c.value, !exact, c.field != "handle" {
                    // Bytes in SQL, canonical equivalence in Tend: they agree on ASCII alone (the
                    // Kelvin sign is Tend's K), so text that is not ASCII is left to the core.
                    // (A handle is ASCII: its index still serves.)
                    parts.append("(\(compared) OR \(Store.nonASCII(column(c.field), placeholder)))")
                } else {
                    parts.append(compared)
                }
            }
            guard !parts.isEmpty else { return nil }
            return SQLPart(sql: parts.joined(separator: " AND "), arguments: arguments)
        }
    }

    /// A test that a column's text is not all ASCII, in the dialect `placeholder` writes
    /// (`$1`: PostgreSQL; else SQLite).
    package static func nonASCII(_ column: String, _ placeholder: Placeholder) -> String {
        placeholder(1).hasPrefix("$")
            ? "octet_length(\(column)) <> length(\(column))" : "length(\(column)) <> length(CAST(\(column) AS BLOB))"
    }

    package static func isWhole(_ n: Decimal) -> Bool {
        var x = n
        var r = Decimal()
        NSDecimalRound(&r, &x, 0, .plain)
        return r == n && abs(n) < 1e15
    }

    package static let contactConditionColumns = Columns(
        text: ["name", "handle", "company", "title", "profession", "email", "phone", "city", "met_at", "relationship", "next_step", "notes"],
        date: ["met_on", "next_due", "created", "snoozed_until"],
        bool: ["internal", "expert", "passionate", "honors_referrals"], integer: ["id"], stage: true)
    package static let referralConditionColumns = Columns(text: ["direction", "about", "status", "note"], date: ["on"], integer: ["id"])
    package static let spendingConditionColumns = Columns(text: ["note"], date: ["on"], integer: ["id"])
    package static let introductionConditionColumns = Columns(text: ["note"], date: ["on"], integer: ["id"])
    package static let stageChangeConditionColumns = Columns(date: ["on"], integer: ["id"])
    package static let interactionConditionColumns = Columns(
        text: ["kind", "note"], date: ["on"], bool: ["gave", "asked", "inbound", "pitch"], integer: ["quality", "id"])

    /// The interactions with these ids (a read by ids, `ModelRead.ids`): whole numbers written
    /// into the statement, so that a page of them needs no placeholders (SQLite allows a few
    /// thousand at most).
    package static func interactionIDsSQL(_ ids: [Int64]) -> String {
        ids.isEmpty ? "1 = 0" : "interactions.id IN (" + ids.map(String.init).joined(separator: ",") + ")"
    }

    /// The tables of the collections a query can read, and the columns the store narrows by.
    package static let collections: [String: (table: String, columns: Columns?)] = [
        "contacts": ("contacts", contactConditionColumns), "interactions": ("interactions", interactionConditionColumns),
        "referrals": ("referrals", referralConditionColumns), "introductions": ("introductions", introductionConditionColumns),
        "spending": ("spending", spendingConditionColumns), "goals": ("goals", nil), "markets": ("markets", nil),
    ]

    /// A store's answer to the planner: which constraints it narrows by (by the column's kind:
    /// text and flags by `==` only, dates, stages and whole numbers by any comparison), how many
    /// rows the collection holds (taken from the network in memory, else counted by `count`,
    /// given the table, when the request asks), about how many interactions reading every
    /// event would bring, and whether the network is in memory already (filtering there is
    /// cheaper than any read).
    package static func offer(
        _ request: AccessRequest, cache: Network?, coreCache: Network?, count: (String) throws -> Int, interactions: () throws -> Int
    ) rethrows -> AccessOffer {
        guard let (table, columns) = collections[request.collection] else {
            return AccessOffer(usable: request.constraints.map { _ in false }, rows: 0, eventRows: 0, inMemory: true)
        }
        let isEvent = Planner.eventCollections.contains(request.collection)
        let inMemory = isEvent ? cache != nil : cache != nil || coreCache != nil
        let known = inMemory ? (cache ?? coreCache)?.count(of: request.collection) : nil
        return AccessOffer(
            usable: request.constraints.map { columns?.narrows($0) ?? false }, rows: try known ?? (request.count ? count(table) : nil),
            eventRows: isEvent ? try interactions() : 0, inMemory: inMemory)
    }

    /// `SELECT count(*)` of an event collection's rows meeting every condition of a request,
    /// when the store checks each exactly (`Columns.exactSQL`); nil otherwise, and for a request
    /// with a contact, a page or no condition. `visible` is a condition on interactions ("" for none).
    ///
    /// Text is compared by bytes in SQL and by canonical equivalence in Tend, which agree on
    /// ASCII alone (the Kelvin sign `K` is Tend's `K`): the statement's second column counts the
    /// rows whose compared text is not ASCII, and the count stands only when it is 0.
    package static func countSQL(_ request: ModelRead, placeholder: Placeholder, visible: String = "") -> SQLPart? {
        guard request.involving == nil, request.page == nil, !request.conditions.isEmpty, Planner.eventCollections.contains(request.collection),
            let (table, columns) = collections[request.collection], let columns, var q = columns.exactSQL(for: request.conditions, placeholder: placeholder)
        else { return nil }
        let shown = request.collection == "interactions" && !visible.isEmpty ? "(\(visible))" : nil
        let texts = Set(request.conditions.map(\.field).filter(columns.text.contains)).sorted()
        if texts.isEmpty {
            q.sql = "SELECT count(*), CAST(0 AS BIGINT) FROM \(table) WHERE \(shown.map { $0 + " AND " } ?? "")\(q.sql)"
        } else {
            // One pass: the count, and the rows whose compared text is not ASCII.
            let mixed = texts.map { nonASCII("\"\($0)\"", placeholder) }.joined(separator: " OR ")
            q.sql = "SELECT count(*) FILTER (WHERE \(q.sql)), count(*) FILTER (WHERE \(mixed)) FROM \(table)\(shown.map { " WHERE " + $0 } ?? "")"
        }
        return q
    }

    /// The statement that reads one contact's rows of an event collection (the contact is its
    /// first value), in id order, narrowed by the conditions the store checks exactly; nil for a
    /// collection that is not an event's. `select` gives a table's columns from one of
    /// `referralSelect`… (`id, … FROM table`); `members` the columns of the interaction `i`
    /// after `pitch` (source id, member, private); `visible`, a condition on `i` ("" for none).
    /// Interactions come one row per person, in order (`addEvent`).
    package static func contactEventsSQL(
        _ collection: String, involving contact: Int64, where conditions: [FieldCondition], placeholder p: Placeholder,
        select: (String, String) throws -> String, members: String, visible: String = ""
    ) rethrows -> SQLPart? {
        func narrowed(_ columns: Columns, _ column: @escaping (String) -> String = { "\"\($0)\"" }) -> SQLPart {
            let part = columns.sql(for: conditions, after: 1, placeholder: p, column: column)
            return SQLPart(sql: part.map { " AND " + $0.sql } ?? "", arguments: [.integer(contact)] + (part?.arguments ?? []))
        }
        var q: SQLPart
        switch collection {
        case "interactions":
            q = narrowed(interactionConditionColumns) { "i.\"\($0)\"" }
            // Every person of each of the contact's interactions, in one read.
            q.sql = """
                SELECT DISTINCT i.id, i.kind, i."on", i.note, i.quality, i.gave, i.asked, i.inbound, i.pitch, p.contact_id, p.position, \(members)
                FROM interaction_people ip JOIN interactions i ON i.id = ip.interaction_id
                JOIN interaction_people p ON p.interaction_id = i.id
                WHERE ip.contact_id = \(p(1))\(visible.isEmpty ? "" : " AND (\(visible))")\(q.sql) ORDER BY i.id, p.position
                """
        case "referrals", "spending":
            let referrals = collection == "referrals"
            q = narrowed(referrals ? referralConditionColumns : spendingConditionColumns)
            q.sql = "SELECT \(try select(referrals ? referralSelect : spendSelect, collection)) WHERE contact_id = \(p(1))\(q.sql) ORDER BY id"
        case "introductions":
            q = SQLPart(sql: "SELECT \(try select(introductionSelect, collection)) WHERE a_id = \(p(1)) OR b_id = \(p(1)) ORDER BY id", arguments: [.integer(contact)])
        case "stage_changes":
            q = SQLPart(sql: "SELECT \(try select(stageChangeSelect, collection)) WHERE contact_id = \(p(1)) ORDER BY id", arguments: [.integer(contact)])
        default:
            return nil
        }
        return q
    }

    /// Adds a row of `contactEventsSQL` or `narrowedEventsSQL` to the network: consecutive rows
    /// of the same interaction add its next person.
    package static func addEvent(_ r: some StoredRow, of collection: String, to net: inout Network) throws {
        switch collection {
        case "interactions":
            if let last = net.interactions.last, last.id == r.int(0) {
                net.interactions[net.interactions.count - 1].people.append(r.int(9))
            } else {
                net.interactions.append(try interaction(r, people: [r.int(9)], source: 11))
            }
        case "referrals": net.referrals.append(try referral(r))
        case "spending": net.spending.append(try spend(r))
        case "introductions": net.introductions.append(try introduction(r))
        default: net.stageChanges.append(try stageChange(r))
        }
    }

    /// The statement that reads every contact's rows of referrals, introductions, spending or stage changes
    /// that meet the conditions the store checks exactly, in id order, at most `limit` (its
    /// last value); nil when it checks none.
    package static func narrowedEventsSQL(
        _ collection: String, where conditions: [FieldCondition], limit: Int, placeholder p: Placeholder,
        select: (String, String) throws -> String
    ) rethrows -> SQLPart? {
        let tables: [String: (String, Columns)] = [
            "referrals": (referralSelect, referralConditionColumns), "introductions": (introductionSelect, introductionConditionColumns),
            "spending": (spendSelect, spendingConditionColumns), "stage_changes": (stageChangeSelect, stageChangeConditionColumns),
        ]
        guard let (columns, narrowing) = tables[collection], var q = narrowing.sql(for: conditions, placeholder: p) else { return nil }
        q.sql = "SELECT \(try select(columns, collection)) WHERE \(q.sql) ORDER BY id LIMIT \(p(q.arguments.count + 1))"
        q.arguments.append(.integer(Int64(limit)))
        return q
    }
}
