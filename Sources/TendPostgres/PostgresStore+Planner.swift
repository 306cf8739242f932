import Foundation
import TendCore
import TendStore

/// The planner's negotiation on PostgreSQL, as on SQLite (the conditions' SQL is the SQLite
/// store's, in TendStore): the store narrows contacts by their stored columns and events by
/// contact, by page and by their own columns. Every read goes through the member's session, so
/// row-level security applies; the private notes' condition is written into each read of
/// interactions as well, for a superuser's session, which security does not restrict.
extension PostgresStore {
    public func offer(_ request: AccessRequest) throws -> AccessOffer {
        var offer = try Store.offer(request, cache: cache, coreCache: coreCache, count: rows(in:), interactions: interactionsAbout)
        // Contacts are narrowed by their figures here too (`figuresSQL`): summing them for every
        // contact and sending them all costs more than selecting in SQL.
        if request.collection == "contacts", !offer.inMemory {
            offer.usable = zip(offer.usable, request.constraints).map { $0 || PostgresStore.narrowsByFigure($1) }
        }
        return offer
    }

    /// A table's rows as the member sees them (their own goals, the interactions they may see),
    /// counted once until the next change or transaction.
    func rows(in table: String) throws -> Int {
        if let known = counts[table] { return known }
        let condition =
            switch table {
            case "interactions": " WHERE " + PostgresSchema.visibleInteraction
            case "goals": " WHERE member = current_user"
            default: ""
            }
        let n = Int(try connection.query("SELECT count(*) FROM \(table)\(condition)").first?[0].decode(Int64.self) ?? 0)
        counts[table] = n
        return n
    }

    /// About how many interactions there are, for the planner's choice between reading every
    /// event and reading them per contact: PostgreSQL's own estimate for a large table (counting
    /// a million rows before each statement would cost more than the statement), else counted.
    func interactionsAbout() throws -> Int {
        if let n = interactionCount { return n }
        let estimate = try connection.query("SELECT reltuples::bigint FROM pg_class WHERE oid = 'interactions'::regclass").first?[0].decode(Int64.self) ?? 0
        let n = estimate > 100_000 ? Int(estimate) : try rows(in: "interactions")
        interactionCount = n
        return n
    }

    public func count(_ request: ModelRead) throws -> Int? {
        guard cache == nil,
            let q = Store.countSQL(request, placeholder: PostgresStore.mark, visible: PostgresSchema.visibleInteraction)
        else { return nil }
        guard let row = try connection.query(q.sql, PostgresStore.values(q.arguments)).first, try row[1].decode(Int64.self) == 0 else { return nil }
        return Int(try row[0].decode(Int64.self))
    }

    /// The rows a plan asks for, narrowed in SQL; nil once the network is in memory (filtering
    /// there is cheaper), when no condition has exact SQL, or past the cap.
    public func read(_ request: ModelRead) throws -> Network? {
        let c = request.conditions
        if request.collection == "contacts" {
            let stored = Store.contactConditionColumns.sql(for: c, placeholder: PostgresStore.mark, column: PostgresStore.contactColumn)
            guard cache == nil, coreCache == nil else { return nil }
            let first = stored?.arguments.count ?? 0
            let figures = try request.today.flatMap { today in
                // The stored figures when they answer (no condition on `touches_90d`), else summed.
                if !c.contains(where: { $0.field == "touches_90d" }), PostgresStore.figuresSQL(for: c, after: first, today: today) != nil,
                    let apart = try summedApart(today: today)
                {
                    return PostgresStore.storedFigureFilter(for: c, after: first, summedApart: apart)
                }
                return PostgresStore.figuresSQL(for: c, after: first, today: today)
            }
            let parts = [stored, figures].compactMap { $0 }
            guard !parts.isEmpty else { return nil }
            return try load(events: false, filter: SQLPart(sql: parts.map(\.sql).joined(separator: " AND "), arguments: parts.flatMap(\.arguments)))
        }
        guard cache == nil else { return nil }
        if let contact = request.involving { return try events(of: request.collection, involving: contact, where: c) }
        let interactionFilter = Store.interactionConditionColumns.sql(for: c, after: 1, placeholder: PostgresStore.mark)
        var net = Network()
        if let page = request.page {
            guard request.collection == "interactions" else { return nil }
            net.interactions = try interactions(after: page.after, limit: page.size, filter: interactionFilter, ids: request.ids)
            return net
        }
        let limit = request.cap ?? Int(Int32.max)
        if request.collection == "interactions" {
            guard let interactionFilter else { return nil }
            net.interactions = try interactions(after: Int64.min, limit: limit + 1, filter: interactionFilter)
            return net.interactions.count <= limit ? net : nil
        }
        guard let q = Store.narrowedEventsSQL(request.collection, where: c, limit: limit + 1, placeholder: PostgresStore.mark, select: { s, _ in s })
        else { return nil }
        var count = 0
        try each(request.collection, q.sql, PostgresStore.values(q.arguments)) {
            count += 1
            try Store.addEvent($0, of: request.collection, to: &net)
        }
        return count <= limit ? net : nil
    }

    /// One contact's rows of an event collection, through the contact indexes.
    func events(of collection: String, involving contact: Int64, where conditions: [FieldCondition]) throws -> Network? {
        let q = Store.contactEventsSQL(
            collection, involving: contact, where: conditions, placeholder: PostgresStore.mark, select: { s, _ in s },
            members: #"i.source_id, i."by", i.private"#, visible: PostgresSchema.visible("i."))
        guard let q else { return nil }
        var net = Network()
        try each(collection, q.sql, PostgresStore.values(q.arguments)) { try Store.addEvent($0, of: collection, to: &net) }
        return net
    }
}
