/// Queries too large to hold: every event of a large network shown as it is read.
extension Interpreter {
    /// A query over an event collection (or the collection named alone) that the model pages
    /// (the events do not fit in memory), not grouped, comes as a streamed table when the host
    /// draws outputs as they come (`streamsLargeResults`): its rows are read again, a batch at a
    /// time, each time the table is drawn, instead of a million rows, their cells and their text
    /// held at once. A sorted query holds its rows' ids and sort keys alone: the first read puts
    /// the ids in order, and every read takes the rows back by id in that order. Each read is a
    /// statement's work: the budgets start afresh, and `show`'s bytes count a batch at a time
    /// (across every batch when they are kept). Nil for any other query.
    func streamedTable(_ e: Expr, _ outer: Ctx) throws -> Table? {
        guard streamsLargeResults else { return nil }
        let q: Query
        if case .query(let query) = e.kind {
            q = query
        } else if case .collection = resolution(of: e) {
            // A collection named alone (`interactions`) is the query of its every row.
            q = Query(source: .expr(e), range: e.range)
        } else {
            return nil
        }
        guard q.groupBy.isEmpty, let (spec, access) = pagedEvents(try plan(for: q)) else { return nil }
        let wanted = try q.limit.map { try limit($0, outer) }
        if let wanted, wanted <= cost.streamedBatch { return nil }
        let locals = outer.locals
        func batchTable(_ rows: [Value]) throws -> Table {
            let set = RowSet(collection: spec, rows: rows)
            return try table(q.show.isEmpty ? set : shown(q, set, locals))
        }
        var shell = try table(q.show.isEmpty ? RowSet(collection: spec, rows: []) : RowSet(collection: nil, rows: [], columns: showNames(q.show)))
        let statement = statementsStarted
        let plain = q.show.isEmpty && q.filter == nil && !spec.fields.contains { $0.type == .duration || $0.type == .any }
        let source = self.source
        // The rows the first read found to pass the where-clause: later reads take the same
        // rows by id without working the clause out again (a grid reads three times).
        var matched: Set<Int64>?
        // A sorted query's rows, by id, in its order (worked out by the first read).
        var order: [Int64]?
        shell.stream = TableStream(plain: plain) { [weak self] holding, body in
            guard let self, self.statementsStarted == statement else {
                throw runtimeError("the rows of this query can no longer be read: another statement has run since", at: q.range, in: source)
            }
            self.startStatement()
            var batch: [Value] = []
            batch.reserveCapacity(self.cost.streamedBatch)
            var count = 0
            func handOver() throws {
                let t = try batchTable(batch)
                batch.removeAll(keepingCapacity: true)
                if !holding { self.madeBytes = 0 }
                try body(t)
            }
            let known = matched
            var passed: Set<Int64>? = q.filter != nil && known == nil && q.sortBy.isEmpty ? [] : nil
            func take(_ row: Value) throws -> Bool {
                if passed != nil, let id = Interpreter.eventID(row) { passed!.insert(id) }
                batch.append(row)
                count += 1
                if batch.count >= self.cost.streamedBatch { try handOver() }
                return wanted.map { count < $0 } ?? true
            }
            do {
                if q.sortBy.isEmpty {
                    try self.eachMatchingRow(spec, access, q, outer, matching: known, take)
                } else {
                    if order == nil { order = try self.sortedIDs(spec, access, q, outer, atMost: wanted) }
                    try self.eachRow(spec, ids: order!, q, take)
                }
                if !batch.isEmpty { try handOver() }
            } catch {
                throw self.readFailure() ?? error
            }
            if let failure = self.readFailure() { throw failure }
            if let passed { matched = passed }
        }
        return shell
    }

    /// The ids of the rows that pass the where-clause, in the order `sort by` puts them (rows
    /// with equal keys in id order, the order they are read in, as a held sort leaves them), at
    /// most `wanted`: what a sorted streamed table holds instead of its rows.
    private func sortedIDs(_ spec: CollectionSpec, _ access: Plan.EventAccess, _ q: Query, _ outer: Ctx, atMost wanted: Int?) throws -> [Int64] {
        var ids: [Int64] = []
        var keys: [Value] = []
        try eachMatchingRow(spec, access, q, outer) { row in
            guard let id = Interpreter.eventID(row) else { return true }
            let ctx = Ctx(row: row, locals: outer.locals, naming: q.named?.name)
            for (e, _) in q.sortBy { keys.append(try eval(e, ctx).sortKey) }
            ids.append(id)
            return true
        }
        let descending = q.sortBy.map(\.descending)
        var positions = Array(ids.indices)
        try checkInterruption(q.range)
        positions.sort { a, b in Interpreter.precedes(keys, a, b, descending) ?? (a < b) }
        return positions.prefix(wanted ?? positions.count).map { ids[$0] }
    }

    /// The rows with these ids, in this order, read back from the model a page at a time; a row
    /// removed since (by another process) is left out.
    private func eachRow(_ spec: CollectionSpec, ids: [Int64], _ q: Query, _ body: (Value) throws -> Bool) throws {
        guard let backend = try view().backendFirst else {
            throw runtimeError("the rows of this query can no longer be read", at: q.range, in: source)
        }
        for start in stride(from: 0, to: ids.count, by: cost.pageSize) {
            let page = Array(ids[start..<min(start + cost.pageSize, ids.count)])
            try checkInterruption(q.range)
            try charge(page.count, q.range)
            guard let net = try backend.read(ModelRead(spec.name, where: [], page: (Int64.min, page.count), ids: page)) else {
                throw runtimeError("the rows of this query can no longer be read", at: q.range, in: source)
            }
            var byID: [Int64: Value] = [:]
            byID.reserveCapacity(page.count)
            try eachEventRow(spec, net, window: nil) { row in
                if let id = Interpreter.eventID(row) { byID[id] = row }
            }
            // A model that read other rows than those asked for (one that does not know
            // `ModelRead.ids`) would have rows left out without a word.
            guard byID.count <= page.count, byID.keys.allSatisfy(Set(page).contains) else {
                throw runtimeError("the rows of this query could not be read back by number", at: q.range, in: source)
            }
            for id in page {
                if let row = byID[id], try !body(row) { return }
            }
        }
    }

    /// The event collection a plan reads a page at a time from the model (the events do not fit
    /// in memory), with its access; nil for any other plan.
    func pagedEvents(_ plan: Plan) -> (CollectionSpec, Plan.EventAccess)? {
        guard case .events(let access) = plan.access, access.paged, access.keys.isEmpty,
            let name = plan.collection, let spec = Schema.collection(named: name)
        else { return nil }
        return (spec, access)
    }
}
