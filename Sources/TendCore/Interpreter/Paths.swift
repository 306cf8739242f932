import Foundation

/// The network as a graph: market gaps, the shortest introduction path, connectors.
extension Interpreter {
    // MARK: - Network analysis

    /// Professions serving the market (other than mine) where I know nobody at visibility or above.
    func gaps(_ market: Value?, _ range: SourceRange) throws -> RowSet {
        let v = try view()
        let m = try market ?? (meRecord()["preferred_client"] ?? .null)
        if m.isNull { throw fail("no preferred client is set; set me preferred_client: \"…\"", range) }
        let mine = v.net.me.profession.map(normalize)
        var rows: [Value] = []
        for p in try servedBy(m) where p != mine {
            let known = v.net.contacts.filter { $0.profession.map(normalize) == p }
            if known.contains(where: { $0.stage >= .visibility }) { continue }
            rows.append(.record(Record(keys: Schema.gaps.fieldNames, values: [.string(p), .int(known.count)])))
        }
        return RowSet(collection: nil, rows: rows, columns: Schema.gaps.fieldNames)
    }

    /// The shortest chain of `knows` edges from someone I know directly (at visibility or above,
    /// or touched) to the target. Searched from the target outwards, level by level, so that only
    /// the contacts on the way are asked whether they were touched; among equally short chains
    /// the one starting at the lowest contact number wins.
    func path(to target: Int64, range: SourceRange) throws -> RowSet {
        let v = try view()
        let spec = Schema.path
        func row(_ step: Int, _ id: Int64, _ ask: String) -> Value { .row(Row(spec, [.int(step), .contact(id), .string(ask)])) }
        func direct(_ ids: [Int64]) throws -> Set<Int64> {
            var out = Set<Int64>()
            var rest: [Int64] = []
            for id in ids {
                guard let i = v.position(of: id) else { continue }
                if v.contacts[i].stage >= .visibility { out.insert(id) } else { rest.append(id) }
            }
            guard !rest.isEmpty else { return out }
            // Asked of the backend for these contacts only when it has the figures, else from all.
            let figures = try v.backendFirst?.contactStats(of: rest, today: v.today) ?? v.stats
            return out.union(rest.filter { (figures[$0]?.touches ?? 0) > 0 })
        }
        if try direct([target]).contains(target) { return RowSet(collection: spec, rows: [row(1, target, "you know them")]) }
        let adj = v.adjacency
        var towards: [Int64: Int64] = [:]
        var seen: Set<Int64> = [target]
        var level = [target]
        while !level.isEmpty {
            var next: [Int64] = []
            for n in level {
                for m in adj[n] ?? [] where seen.insert(m).inserted {
                    towards[m] = n
                    next.append(m)
                }
            }
            if let start = try direct(next).min() {
                var chain = [start]
                while let n = towards[chain.last!] { chain.append(n) }
                var rows: [Value] = []
                for (i, id) in chain.enumerated() {
                    let ask = i == 0 ? "you know them" : "ask \(try contact(chain[i - 1])?.name ?? "?") to introduce you"
                    rows.append(row(i + 1, id, ask))
                }
                return RowSet(collection: spec, rows: rows)
            }
            level = next
        }
        return RowSet(collection: spec, rows: [])
    }

    /// Contacts by how many otherwise separate groups they bridge, then by degree (power connectors).
    func connectors() throws -> RowSet {
        let v = try view()
        let adj = v.adjacency
        var rows: [(Int64, Int, Int)] = []
        for (id, neighbours) in adj where v.net.contact(id) != nil {
            // Count the groups among the neighbours once this contact is taken away.
            let set = Set(neighbours)
            var seen = Set<Int64>()
            var groups = 0
            for n in neighbours where !seen.contains(n) {
                groups += 1
                var stack = [n]
                seen.insert(n)
                while let x = stack.popLast() {
                    for y in adj[x] ?? [] where y != id && set.contains(y) && seen.insert(y).inserted { stack.append(y) }
                }
            }
            rows.append((id, neighbours.count, groups))
        }
        // Namesakes last by contact number: the dictionary's order differs from run to run.
        rows.sort {
            if ($0.2, $0.1) != ($1.2, $1.1) { return ($0.2, $0.1) > ($1.2, $1.1) }
            let (a, b) = (v.net.contact($0.0)?.name ?? "", v.net.contact($1.0)?.name ?? "")
            return a != b ? a < b : $0.0 < $1.0
        }
        return RowSet(
            collection: nil,
            rows: rows.map { .record(Record(keys: Schema.connectors.fieldNames, values: [.contact($0.0), .int($0.1), .int($0.2)])) },
            columns: Schema.connectors.fieldNames)
    }
}
