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
///     done @x rule "R" since DATE [until DATE] [note: "…"]   an item's state as recorded (dumps)
public enum AgendaCommand: Sendable {
    /// The printed agenda: one line per person (or per item `by item`), 20 lines unless `limit`
    /// or `all` says otherwise.
    case page(on: Expr?, byItem: Bool, all: Bool, limit: Expr?)
    case done(ItemReference, note: Expr?)
    case dismiss(ItemReference, for: Expr?)
    case snooze(ItemReference, duration: Expr?, until: Expr?)
    /// `snooze contacts where … 2w`: the contact-wide snooze of each contact the query returns.
    case snoozeMany(Expr, duration: Expr?, until: Expr?)
    /// `done @x rule "NAME" since DATE [until DATE] [note: "…"]` (or `dismiss`, `snooze`): an
    /// item's state as it was recorded, as `tend dump` writes it; nothing is logged.
    case record(ItemReference, ItemState.Kind, since: Expr, until: Expr?, note: Expr?)
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

extension AgendaCommand {
    /// The expressions the command holds, in the order written.
    public var exprs: [Expr] {
        func maybe(_ e: Expr?) -> [Expr] { e.map { [$0] } ?? [] }
        switch self {
        case .page(let on, _, _, let limit): return maybe(on) + maybe(limit)
        case .done(let item, let note): return item.exprs + maybe(note)
        case .dismiss(let item, let duration): return item.exprs + maybe(duration)
        case .snooze(let item, let duration, let until): return item.exprs + maybe(duration) + maybe(until)
        case .snoozeMany(let query, let duration, let until): return [query] + maybe(duration) + maybe(until)
        case .record(let item, _, let since, let until, let note): return item.exprs + [since] + maybe(until) + maybe(note)
        }
    }

    /// The people the command names with @handles outside its expressions.
    public var people: [Person] {
        switch self {
        case .done(.rule(let p, _), _), .dismiss(.rule(let p, _), _), .snooze(.rule(let p, _), _, _), .record(.rule(let p, _), _, _, _, _): return [p]
        default: return []
        }
    }
}

extension ItemReference {
    var exprs: [Expr] {
        switch self {
        case .number(let e): return [e]
        case .rule(_, let name): return [name]
        }
    }
}
