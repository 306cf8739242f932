extension Interpreter {
    /// `edit @x`, `edit interaction 12`: the host opens an editor on the statements that set
    /// each field; what the user changed runs here, in the statement's own transaction.
    func performEdit(_ target: Statement.Target, _ s: Statement) throws -> [Output] {
        let lines: [String]
        let about: String
        switch target {
        case .person(let p):
            let id = try contactID(p.handle, p.range)
            guard let c = try contact(id) else { throw fail("no contact @\(p.handle)", p.range) }
            (lines, about) = (EditText.lines(of: c), "@\(c.handle)")
        case .event(let kind, let e):
            guard let n = try eval(e, Ctx()).intValue else { throw fail("expected the event's number", e.range) }
            guard let found = EditText.lines(of: kind, Int64(n), in: try view().full) else {
                throw fail("no \(kind.rawValue) \(n) (timeline @handle shows the numbers)", e.range)
            }
            (lines, about) = (found, "\(kind.rawValue) \(n)")
        case .me, .query:
            throw fail("edit takes @handle or an event and its number", s.range)
        }
        guard let host else { throw fail("edit needs an editor, which is not available here", s.range) }
        guard let statements = try host.edit(lines, about: about) else { return [.text("Nothing changed: the file was left as it was.")] }
        return try statements.flatMap { try execute($0) }
    }
}
