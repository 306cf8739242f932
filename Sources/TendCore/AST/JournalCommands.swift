/// The statements that look back over the changes made, and take them back.
///
///     undo              takes back the last change (a REPL statement, a script run, an import)
///     undo 3            the last three
///     history           every change kept, newest first
///     history limit 5   the last five
public enum JournalCommand: Sendable {
    case undo(count: Expr?)
    case history(limit: Expr?)

    /// The expressions the command holds.
    public var exprs: [Expr] {
        switch self {
        case .undo(let e), .history(let e): return e.map { [$0] } ?? []
        }
    }
}
