extension Interpreter {
    /// The columns a grouped query's `show` makes. A shown key (`group by stage show stage,
    /// count()`) is that key's column, not a second one; any other column whose name a key
    /// already has gets a suffix (`company_2`), so that no two columns share a name.
    func groupShowNames(_ q: Query, keys: [String]) -> [String] {
        var names: [String] = []
        for (e, given) in q.show {
            // The key written again, or named by its column (`group by contact.stage show stage`:
            // the key, shown once, not `stage` and `stage_2`).
            let named: Int? = if case .name(let n) = e.kind { keys.firstIndex(of: n) } else { nil }
            if let k = q.groupBy.indices.first(where: { sameText(q.groupBy[$0], e) }) ?? named, given == nil || given == keys[k],
                !names.contains(keys[k])
            {
                names.append(keys[k])
                continue
            }
            var name = given ?? columnName(e)
            if name == "value", let src = source { name = src.slice(e.range) }
            var unique = name
            var n = 2
            while keys.contains(unique) || names.contains(unique) {
                unique = "\(name)_\(n)"
                n += 1
            }
            names.append(unique)
        }
        return names
    }

    /// Whether two expressions of the statement are written the same way.
    private func sameText(_ a: Expr, _ b: Expr) -> Bool {
        guard let source else { return columnName(a) == columnName(b) }
        return source.slice(a.range) == source.slice(b.range)
    }
}

extension Table {
    /// Makes a grouped result draw as a bar chart: one bar per group, labelled by its keys, of
    /// the first other column that holds numbers (`count` when `show` names none).
    mutating func chartGroups(keys: [String]) {
        let labels = columns.indices.filter { keys.contains(columns[$0]) }
        chartColumn = columns.indices.first { i in
            !labels.contains(i)
                && rows.allSatisfy { row in
                    if case .number = row[i] { return true }
                    return row[i].isNull
                }
        }
        labelColumns = labels
    }
}
