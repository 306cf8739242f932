extension Interpreter {
    /// What `edit @x` or `edit interaction 12` opens the editor on: the statements that set
    /// each field, and what the edit is about (`@x`). The host reads it before the editor opens
    /// and again, in the write transaction, when it closes: a difference is another process's
    /// change, which the edit must not overwrite.
    public func editText(_ target: Statement.Target, _ s: Statement) throws -> (lines: [String], about: String) {
        switch target {
        case .person(let p):
            let id = try contactID(p.handle, p.range)
            guard let c = try contact(id) else { throw fail("no contact @\(p.handle)", p.range) }
            return (EditText.lines(of: c), "@\(c.handle)")
        case .event(let kind, let e):
            guard let n = StoredRange.id(try eval(e, Ctx())) else { throw fail("expected the event's number", e.range) }
            guard let found = EditText.lines(of: kind, Int64(n), in: try eventNumbered(kind, Int64(n))) else {
                throw fail("no \(kind.rawValue) \(n) (timeline @handle shows the numbers)", e.range)
            }
            return (found, "\(kind.rawValue) \(n)")
        case .me, .query:
            throw fail("edit takes @handle or an event and its number", s.range)
        }
    }

    /// `edit` reached inside a run: the host (a session) runs an edit on its own, outside any
    /// transaction while the editor is open, so here there is no editor to open.
    func performEdit(_ target: Statement.Target, _ s: Statement) throws -> [Output] {
        _ = try editText(target, s)
        throw fail("edit needs an editor, which is not available here", s.range)
    }
}
