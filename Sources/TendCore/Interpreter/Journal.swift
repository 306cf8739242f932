extension Interpreter {
    /// `undo [N]` and `history [limit N]`: the host keeps the journal.
    func performJournal(_ command: JournalCommand, _ s: Statement) throws -> [Output] {
        let ctx = Ctx()
        func count(_ e: Expr?, _ what: String) throws -> Int? {
            guard let e else { return nil }
            let v = try eval(e, ctx)
            guard case .number(let n) = v, ValueRules.count(n, what) == nil, let whole = v.intValue else {
                throw fail(ValueRules.count(0, what)!, e.range)
            }
            return whole
        }
        guard let host else { throw fail("the journal is not available here", s.range) }
        switch command {
        case .undo(let e):
            let n = try count(e, "undo") ?? 1
            do {
                return [.text(try host.undo(count: n))]
            } catch let d as Diagnostic {
                throw d
            } catch {
                throw fail("\(error)", s.range)
            }
        case .history(let e):
            return [.table(try host.history(limit: try count(e, "history limit")))]
        }
    }
}
