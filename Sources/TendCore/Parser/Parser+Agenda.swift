extension Parser {
    // MARK: - The agenda as a task list

    /// `agenda [on DATE] [by item] [all] [limit N]` (the clauses in any order) is the printed page. With any other clause
    /// (`agenda where …`, `agenda show …`) or inside an expression it is the query of the items,
    /// one row per rule and contact: nil, and nothing is consumed.
    mutating func parseAgendaPage() throws -> Statement.Kind? {
        let start = current
        advance()
        func isWord(_ w: String, at n: Int) -> Bool {
            if case .identifier(w) = peek(n).kind { return true }
            return false
        }
        if case .handle = peek.kind { return rewind(to: start) }
        // `on DATE`, `by item`, `all` and `limit N`, in any order, each once.
        var on: Expr?
        var byItem = false
        var all = false
        var limit: Expr?
        var seen: Set<String> = []
        while !(isAtEnd || checkSeparator()) {
            let clause: String
            if check("on") {
                clause = "on"
            } else if isWord("by", at: 0) && isWord("item", at: 1) {
                clause = "by item"
            } else if check("all") {
                clause = "all"
            } else if check("limit") {
                clause = "limit"
            } else {
                return rewind(to: start)
            }
            guard seen.insert(clause).inserted else { throw error("agenda takes \(clause) once") }
            if (clause == "all" && seen.contains("limit")) || (clause == "limit" && seen.contains("all")) {
                throw error("agenda all shows every line; leave out limit, or leave out all")
            }
            advance()
            switch clause {
            case "on": on = try parseExpression()
            case "by item": advance(); byItem = true
            case "all": all = true
            default: limit = try parseExpression()
            }
        }
        return .agenda(.page(on: on, byItem: byItem, all: all, limit: limit))
    }

    private mutating func rewind(to start: Int) -> Statement.Kind? {
        current = start
        return nil
    }

    /// `done N [note: "…"]`, `done @x rule "NAME"`, `dismiss N [for 30d]`.
    mutating func parseItemCommand(_ verb: String) throws -> Statement.Kind {
        let item = try parseItemReference(verb)
        if let recorded = try parseRecordedState(item, verb) { return recorded }
        if verb == "dismiss" {
            var duration: Expr?
            if match("for") { duration = try parseExpression() }
            return .agenda(.dismiss(item, for: duration))
        }
        var note: Expr?
        for option in try parseOptions(stop: []) {
            guard case .pair("note", let e, _) = option else {
                throw error("done takes note: \"…\" only, as in: done 3 note: \"called, lunch next week\"", at: option.range)
            }
            if note != nil { throw error("'note:' is given twice", at: option.range) }
            note = e
        }
        return .agenda(.done(item, note: note))
    }

    /// `… @x rule "NAME" since DATE [until DATE] [note: "…"]`: the state an item was put in, on
    /// the day it was, as a dump writes it; nil when `since` does not follow.
    mutating func parseRecordedState(_ item: ItemReference, _ verb: String) throws -> Statement.Kind? {
        guard case .rule = item, match("since") else { return nil }
        let kind: ItemState.Kind = verb == "done" ? .done : verb == "dismiss" ? .dismissed : .snoozed
        let since = try parseExpression()
        let until = match("until") ? try parseExpression() : nil
        var note: Expr?
        for option in try parseOptions(stop: []) {
            guard case .pair("note", let e, _) = option else {
                throw error("\(verb) … since DATE takes until DATE and note: \"…\" only", at: option.range)
            }
            if note != nil { throw error("'note:' is given twice", at: option.range) }
            note = e
        }
        return .agenda(.record(item, kind, since: since, until: until, note: note))
    }

    /// An item's number as the agenda showed it (`3`), or `@x rule "NAME"`.
    mutating func parseItemReference(_ verb: String) throws -> ItemReference {
        if case .number = peek.kind { return .number(try parsePrimary()) }
        guard case .handle = peek.kind else {
            throw error("expected the item's number as the agenda shows it, or @handle rule \"NAME\", as in: \(verb) 3")
        }
        let person = try parsePerson()
        let example = "as in: \(verb) @\(person.handle) rule \"give first\""
        try consume("rule", "expected rule \"NAME\" after the contact, \(example)")
        guard case .string = peek.kind else { throw error("expected the rule's name in quotes, \(example)") }
        return .rule(person, name: try parsePrimary())
    }

    /// `snooze N 1w`, `snooze @x rule "NAME" 2w`, `snooze contacts where … 2w` (each with `until
    /// DATE` instead of the duration); nil for `snooze @x 2w`, which the plain statement reads.
    /// How long a snooze lasts: a duration, or `until DATE`. The statement ended without one:
    /// said at once, not read as a line to come.
    mutating func parseSnoozeLength(_ example: String = "snooze 2") throws -> (duration: Expr?, until: Expr?) {
        if isAtEnd || checkSeparator() {
            let end = current > 0 ? previous.range.end : 0
            throw error(
                "snooze needs how long: a duration (\(example) 1w) or until a date (\(example) until 2027-01-04)", at: SourceRange(end, end + 1))
        }
        if match("until") { return (nil, try parseExpression()) }
        return (try parseExpression(), nil)
    }

    mutating func parseSnoozeCommand() throws -> Statement.Kind? {
        switch peek.kind {
        case .duration, .eof, .newline, .symbol(";"), .identifier("until"):
            // `snooze 2w`: the length is there, what to snooze is not.
            throw error("expected what to snooze before how long: @handle, an agenda line's number or a query (snooze @x 2w, snooze 3 1w)")
        case .handle:
            guard case .identifier("rule") = peek(1).kind else { return nil }
            let item = try parseItemReference("snooze")
            if let recorded = try parseRecordedState(item, "snooze") { return recorded }
            let (duration, until) = try parseSnoozeLength()
            return .agenda(.snooze(item, duration: duration, until: until))
        case .number:
            let item = ItemReference.number(try parsePrimary())
            let (duration, until) = try parseSnoozeLength()
            return .agenda(.snooze(item, duration: duration, until: until))
        default:
            let query = try parseQueryExpr()
            let (duration, until) = try parseSnoozeLength()
            return .agenda(.snoozeMany(query, duration: duration, until: until))
        }
    }
}
