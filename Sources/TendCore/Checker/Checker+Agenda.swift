extension Checker {
    // MARK: - The agenda as a task list

    /// The page and the item commands: numbers are numbers, durations durations, dates dates,
    /// and `snooze QUERY` snoozes contacts.
    mutating func checkAgenda(_ command: AgendaCommand) {
        switch command {
        case .page(let on, _, _, let limit):
            currentDeps.insert("agenda")
            if let on { expect(on, .date, Scope(), "the agenda's date") }
            if let limit {
                expect(limit, .number, Scope(), "how many lines to show")
                checkLiteralLimit(limit)
            }
        case .done(let item, let note):
            checkItem(item)
            if let note { expect(note, .string, Scope(), "the note") }
        case .dismiss(let item, let duration):
            checkItem(item)
            if let duration {
                expect(duration, .duration, Scope(), "how long to dismiss it (30d)")
                checkLiteralSnooze(duration, "dismiss")
            }
        case .snooze(let item, let duration, let until):
            checkItem(item)
            checkSnooze(duration, until)
        case .snoozeMany(let query, let duration, let until):
            let t = check(query, Scope())
            if case .rows(let c) = t, c != "contacts" && c != "agenda" {
                report("snooze takes contacts (each one's every item) or agenda items; this query returns \(t)", query.range)
            }
            checkSnooze(duration, until)
        case .record(let item, _, let since, let until, let note):
            checkItem(item)
            expect(since, .date, Scope(), "the day the item was put so")
            if let until { expect(until, .date, Scope(), "the day it comes back") }
            if let note { expect(note, .string, Scope(), "the note") }
        }
    }

    private mutating func checkItem(_ item: ItemReference) {
        switch item {
        case .number(let n): expect(n, .number, Scope(), "the item's number")
        case .rule(_, let name): expect(name, .string, Scope(), "the rule's name")
        }
    }

    mutating func checkSnooze(_ duration: Expr?, _ until: Expr?) {
        if let duration {
            expect(duration, .duration, Scope(), "how long to snooze (2w)")
            checkLiteralSnooze(duration, "snooze")
        }
        if let until { expect(until, .date, Scope(), "the date the snooze ends") }
    }
}
