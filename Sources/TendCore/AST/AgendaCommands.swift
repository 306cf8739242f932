/// The statements that work the agenda as a task list: the page it prints, and what closes,
/// hides or postpones one item.
///
///     agenda [on DATE] [by item] [all] [limit N]     the page, numbered
///     done 3 [note: "…"]                             acted on item 3 (logs the rule's touch)
///     done @x rule "give first"                      the same, named
///     dismiss 3 [for 30d]                            hidden without logging
///     snooze 3 1w | snooze 3 until DATE              hidden for a while
///     snooze @x rule "give first" 2w                 one rule's item for one contact
///     snooze contacts where … 2w                     every item of those contacts
public enum AgendaCommand: Sendable {
    /// The printed agenda: one line per person (or per item `by item`), 20 lines unless `limit`
    /// or `all` says otherwise.
    case page(on: Expr?, byItem: Bool, all: Bool, limit: Expr?)
    case done(ItemReference, note: Expr?)
    case dismiss(ItemReference, for: Expr?)
    case snooze(ItemReference, duration: Expr?, until: Expr?)
    /// `snooze contacts where … 2w`: the contact-wide snooze of each contact the query returns.
    case snoozeMany(Expr, duration: Expr?, until: Expr?)
}

/// Which agenda item a command means: a number the agenda showed last (every item of that
/// line), or a contact and a rule's name.
public enum ItemReference: Sendable {
    case number(Expr)
    case rule(Person, name: Expr)

    public var range: SourceRange {
        switch self {
        case .number(let e): return e.range
        case .rule(let p, let name): return p.range.to(name.range)
        }
    }
}
