import Foundation
import TendCore
import TendStore

/// Many interactions at once (an import of touches, `tend push`, `tend demo`): a statement per
/// thousand rows instead of two per row, each a round trip to the server.
extension PostgresStore {
    /// Rows per statement: 11 parameters each, far inside PostgreSQL's 65,535.
    static let bulkRows = 1000

    /// Inserts interactions and their people, as `apply(.insertInteraction)` would one by one
    /// (refusing one whose source is logged already), in the open transaction.
    func insertInteractions(_ interactions: [Interaction]) throws {
        var start = 0
        while start < interactions.count {
            let batch = Array(interactions[start..<min(start + PostgresStore.bulkRows, interactions.count)])
            for i in batch { try Store.validate(.insertInteraction(i)) }
            try refuseLoggedSources(batch)
            let ids = try connection.query(
                "SELECT nextval(pg_get_serial_sequence('interactions', 'id')) FROM generate_series(1, $1)", [.int(Int64(batch.count))]
            ).map { try $0[0].decode(Int64.self) }
            var rows: [String] = []
            var values: [SQLValue] = []
            var people: [(Int64, Int64, Int64)] = []
            for (i, id) in zip(batch, ids) {
                let cells: [SQLValue] = [
                    .int(id), .text(i.kind), .text(i.on.description), SQLValue(i.note), SQLValue(i.quality), PostgresStore.flag(i.gave),
                    PostgresStore.flag(i.asked), PostgresStore.flag(i.inbound), PostgresStore.flag(i.pitch), SQLValue(i.sourceID),
                    PostgresStore.flag(i.isPrivate),
                ]
                rows.append("(" + PostgresStore.marks(cells.count, from: values.count + 1) + ")")
                values += cells
                people += i.people.enumerated().map { (id, $0.element, Int64($0.offset)) }
            }
            try connection.query(
                "INSERT INTO interactions (id, kind, \"on\", note, quality, gave, asked, inbound, pitch, source_id, private) VALUES "
                    + rows.joined(separator: ", "), values)
            try insertPeople(people)
            start += batch.count
        }
        forget()
    }

    /// (interaction, contact, position) rows, a statement per `bulkRows * 3` of them.
    private func insertPeople(_ people: [(Int64, Int64, Int64)]) throws {
        var start = 0
        while start < people.count {
            let batch = people[start..<min(start + PostgresStore.bulkRows * 3, people.count)]
            let rows = batch.indices.map { "(" + PostgresStore.marks(3, from: ($0 - start) * 3 + 1) + ")" }
            try connection.query(
                "INSERT INTO interaction_people (interaction_id, contact_id, position) VALUES " + rows.joined(separator: ", "),
                batch.flatMap { [SQLValue.int($0.0), .int($0.1), .int($0.2)] })
            start += batch.count
        }
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
}
