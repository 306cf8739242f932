import Foundation

extension Parser {
    // MARK: - Statements

    /// The dot-commands' words (`.mode`, `.read`), said to be no statements where a script has them.
    static let dotCommandWords: Set<String> = ["help", "quit", "exit", "mode", "schema", "read", "rules", "today"]

    mutating func parseStatement() throws -> Statement {
        let start = peek.range
        let kind = try parseStatementKind()
        return Statement(kind, start.to(previous.range), source)
    }

    /// One statement, after the word that starts it: each kind has a function of its own.
    mutating func parseStatementKind() throws -> Statement.Kind {
        if check("agenda"), let page = try parseAgendaPage() { return page }
        // `numbers given …`: a statement by its two words, so that `numbers` stays a name (a
        // `let numbers` of a script or a database written before the statement was).
        if check("numbers"), case .identifier("given") = peek(1).kind {
            advance()
            advance()
            return .numbersGiven(try parseOptions(stop: []))
        }
        // `.mode csv` in a script file: said why it is refused ("expected an expression, found .").
        if checkSymbol("."), case .identifier(let w) = peek(1).kind, Parser.dotCommandWords.contains(w), peek(1).range.start == peek.range.end {
            throw error(
                ".\(w) is a dot-command of the REPL and of input piped to tend, not a statement of a script; here use --format, --today or load \"FILE\"")
        }
        guard let w = word(), Parser.statementWords.contains(w), !isFollowedByOperator() else {
            return .expr(try parseQueryExpr())
        }
        advance()
        switch w {
        case "add": return .add(name: try parseExpression(), options: try parseOptions(stop: []))
        case "set": return try parseSet()
        case "market": return .market(name: try parseExpression(), options: try parseOptions(stop: []))
        case "log": return try parseLog()
        case "refer": return try parseRefer()
        case "referral": return try parseReferral()
        case "introduce":
            let people = try parsePeople()
            let (on, options) = try parseOnAndOptions()
            return .introduce(people: people, on: on, options: options)
        case "spend": return try parseSpend()
        case "knows": return .knows(people: try parsePeople())
        case "goal": return try parseGoal()
        case "helps": return .helps(try parsePerson(), goal: try parseExpression())
        case "merge": return try parseMerge()
        case "remove": return try parseRemove()
        case "edit": return try parseEdit()
        case "done", "dismiss": return try parseItemCommand(w)
        case "snooze": return try parseSnooze()
        case "undo": return .journal(.undo(count: isAtEnd || checkSeparator() ? nil : try parseExpression()))
        case "history": return .journal(.history(limit: match("limit") ? try parseExpression() : nil))
        case "unsnooze": return .unsnooze(try parsePerson())
        case "let": return try parseLet()
        case "fn": return try parseFn()
        case "rule": return try parseRule()
        case "score": return try parseScore()
        case "drop": return try parseDrop()
        case "load": return .load(path: try parseExpression())
        // `overwrite` is a word only here, after the file name: it is no reserved word.
        case "save": return .save(path: try parseExpression(), overwrite: match("overwrite"))
        case "assert": return try parseAssert()
        case "print": return .print(try parseQueryExpr())
        case "reset":
            try consume("rules", "expected 'rules': reset rules puts the prelude's definitions back")
            return .resetRules
        case "import": return try parseImport()
        case "export": return try parseExport()
        case "explain":
            try expectMore("a query or statement to explain, as in: explain who serves my preferred client")
            return .explain(try parseStatement())
        default: throw error("unknown statement '\(w)'")
        }
    }

    /// `set @x|me|EVENT N|QUERY options… [on DATE options…]`.
    mutating func parseSet() throws -> Statement.Kind {
        let target: Statement.Target
        if case .handle = peek.kind {
            target = .person(try parsePerson())
        } else if match("me") {
            target = .me
        } else if let w = word(), let kind = EventKind(rawValue: w), kind != .stage {
            advance()
            target = .event(kind, try parseExpression())
        } else {
            target = .query(try parseQueryExpr())
        }
        var options = try parseOptions(stop: ["on"])
        var on: Expr?
        if match("on") {
            on = try parseExpression()
            options += try parseOptions(stop: [])
        }
        return .set(target: target, options: options, on: on)
    }

    /// `log KIND with @x… [on DATE] options…`; the kind is a word or quoted text.
    mutating func parseLog() throws -> Statement.Kind {
        let kind: String
        if case .identifier(let k) = peek.kind, k != "with" {
            kind = k
            advance()
        } else if case .string(let pieces) = peek.kind, let text = Parser.plainText(pieces) {
            kind = text
            advance()
        } else {
            throw error("expected the kind of interaction after 'log' (call, email, meeting, lunch, coffee, …)")
        }
        try consume("with", "expected 'with' and the people, as in: log \(kind) with @joan-rivera")
        let people = try parsePeople()
        // `log note with @x "…"`: the text right after the people is its note.
        var note: [Option] = []
        if case .string = peek.kind {
            let text = try parseExpression()
            note.append(.pair("note", text, text.range))
        }
        let (on, options) = try parseOnAndOptions()
        // `"note "` is a note: a kind with blanks around it counted as a touch.
        return .log(kind: kind.trimmed.lowercased(), people: people, on: on, options: note + options)
    }

    /// `refer "Mike Chen" to @joan-rivera [on DATE] options…`.
    mutating func parseRefer() throws -> Statement.Kind {
        // `refer to @x`: a referral given whose "whom" was not kept (a dump writes one so).
        let about = check("to") ? nil : try parseExpression()
        try consume("to", "expected 'to @handle' after whom you refer, as in: refer \"Mike Chen\" to @joan-rivera")
        let to = try parsePerson()
        let (on, options) = try parseOnAndOptions()
        return .refer(about: about, to: to, on: on, options: options)
    }

    /// `referral from @dana-lee [about "Ana Park"] [on DATE] options…`: `about` (also written
    /// `about:`) and `on` among the options in any order, as options are.
    mutating func parseReferral() throws -> Statement.Kind {
        try consume("from", "expected 'from @handle', as in: referral from @dana-lee about \"Ana Park\"")
        let from = try parsePerson()
        var about: Expr?
        var on: Expr?
        var options: [Option] = []
        while true {
            options += try parseOptions(stop: ["on", "about"])
            if options.isEmpty && about == nil && on == nil { _ = matchSymbol(",") }
            let word = peek
            if match("about") {
                _ = matchSymbol(":")
                guard about == nil else { throw error("about is given twice", at: word.range) }
                about = try parseExpression()
            } else if match("on") {
                guard on == nil else { throw error("on is given twice", at: word.range) }
                on = try parseExpression()
            } else {
                return .referral(from: from, about: about, on: on, options: options)
            }
            _ = matchSymbol(",")
        }
    }

    /// `spend 85 at @joan-rivera [on DATE] options…`.
    mutating func parseSpend() throws -> Statement.Kind {
        let amount = try parseExpression()
        try consume("at", "expected 'at @handle' after the amount, as in: spend 85 at @joan-rivera")
        let at = try parsePerson()
        let (on, options) = try parseOnAndOptions()
        return .spend(amount: amount, at: at, on: on, options: options)
    }

    /// `goal "NAME"` then `by DATE`, `per PERIOD` and options, in any order.
    mutating func parseGoal() throws -> Statement.Kind {
        let name = try parseExpression()
        var by: Expr?
        var options: [Option] = []
        var period: (Day.Period, SourceRange)?
        while true {
            // Options are separated by commas or spaces, around `by DATE` and `per PERIOD` too.
            if by != nil || period != nil || !options.isEmpty { _ = matchSymbol(",") }
            if match("by") {
                by = try parseExpression()
            } else if match("per") {
                guard let p = word(), let value = Day.Period(rawValue: p) else {
                    throw error("expected week, month, quarter or year after 'per'")
                }
                period = (value, peek.range)
                advance()
            } else {
                let more = try parseOptions(stop: ["by", "per"])
                if more.isEmpty { break }
                options += more
            }
        }
        return .goal(name: name, by: by, options: options, period: period)
    }

    /// `merge @joan-rivera-2 into @joan-rivera`.
    mutating func parseMerge() throws -> Statement.Kind {
        let from = try parsePerson()
        try consume("into", "expected 'into @handle', as in: merge @joan-rivera-2 into @joan-rivera")
        return .merge(from: from, into: try parsePerson())
    }

    /// `remove @x`, `remove interaction 41` (a plural is read as its singular), `remove market
    /// "…"`, `remove goal "…"`.
    mutating func parseRemove() throws -> Statement.Kind {
        if case .handle = peek.kind { return .remove(.person(try parsePerson())) }
        guard let what = word() else {
            throw error("expected @handle, or an event and its number, as in: remove interaction 41")
        }
        advance()
        if what == "market" {
            try expectMore("the market to remove, as in: remove market \"retired empty nesters\"")
            return .remove(.market(try parseExpression()))
        }
        if what == "goal" {
            try expectMore("the goal to remove, as in: remove goal \"Write an article for the local paper\"")
            return .remove(.goal(try parseExpression()))
        }
        if what == "knows" { return .remove(.knows(try parsePerson(), try parsePerson())) }
        guard let kind = EventKind(word: what) else {
            throw error(
                "cannot remove '\(what)'; remove takes @handle, interaction, referral, introduction, spend, stage, knows, market or goal",
                at: previous.range)
        }
        try expectMore("the \(kind.rawValue)'s number, as in: remove \(kind.rawValue) 41 (the numbers are in the timeline)")
        return .remove(.event(kind, try parseExpression()))
    }

    /// `edit @x` or `edit interaction 12`.
    mutating func parseEdit() throws -> Statement.Kind {
        if case .handle = peek.kind { return .edit(.person(try parsePerson())) }
        guard let what = word(), let kind = EventKind(rawValue: what), kind != .stage else {
            throw error("expected @handle, or an event and its number, as in: edit @joan-rivera, edit interaction 12")
        }
        advance()
        try expectMore("the \(kind.rawValue)'s number, as in: edit \(kind.rawValue) 12 (the numbers are in the timeline)")
        return .edit(.event(kind, try parseExpression()))
    }

    /// `snooze @x 2w`, `snooze @x until DATE`, or the snooze of one agenda item.
    mutating func parseSnooze() throws -> Statement.Kind {
        if let command = try parseSnoozeCommand() { return command }
        let person = try parsePerson()
        let (duration, until) = try parseSnoozeLength("snooze @\(person.handle)")
        return .snooze(person, duration: duration, until: until)
    }

    /// `let vips = contacts where +vip`.
    mutating func parseLet() throws -> Statement.Kind {
        let name = try parseName("a name after 'let'")
        try consumeSymbol("=", "expected '=' after the name, as in: let vips = contacts where +vip")
        return .letDef(name: name, value: try parseQueryExpr())
    }

    /// `fn weeks_over(c) = days(c.overdue) / 7`.
    mutating func parseFn() throws -> Statement.Kind {
        let name = try parseName("a function name after 'fn'")
        try consumeSymbol("(", "expected '(' and the parameters, as in: fn weeks_over(c) = days(c.overdue) / 7")
        var params: [String] = []
        if !checkSymbol(")") {
            repeat { params.append(try parseName("a parameter name")) } while matchSymbol(",")
        }
        try consumeSymbol(")", "expected ')' after the parameters")
        try consumeSymbol("=", "expected '=' and the body, as in: fn weeks_over(c) = days(c.overdue) / 7")
        return .fnDef(name: name, params: params, body: try parseQueryExpr())
    }

    /// `rule "NAME" [as c] when COND then remind MESSAGE [log KIND] [priority EXPR]`.
    mutating func parseRule() throws -> Statement.Kind {
        guard case .string(let pieces) = peek.kind, let name = Parser.plainText(pieces) else {
            if case .string = peek.kind {
                // Quoted, but with `{…}` in it: a name is the same text wherever it is read.
                throw error("a rule's name is plain text: write \\{ and \\} for braces, as in: rule \"call \\{x\\}\" when …")
            }
            throw error("expected the rule's name in quotes, as in: rule \"stay in touch\" when …")
        }
        advance()
        let row = try parseRowName()
        try consume("when", "expected 'when' and a condition after the rule's name")
        let cond = try parseExpression()
        try consume("then", "expected 'then remind \"…\"' after the condition")
        try consume("remind", "expected 'remind' and a message after 'then'")
        let message = try parseExpression()
        var priority: Expr?
        var log: String?
        // `log KIND` and `priority EXPR`, in either order.
        while true {
            if log == nil && match("log") {
                log = try parseName("the kind of touch after 'log', as in: then remind \"Call {name}\" log call").lowercased()
            } else if priority == nil && match("priority") {
                priority = try parseExpression()
            } else {
                break
            }
        }
        return .ruleDef(name: name, row: row, when: cond, message: message, priority: priority, log: log)
    }

    /// `score priority [as c] = 2 * stage_rank`.
    mutating func parseScore() throws -> Statement.Kind {
        let name = try parseName("a score name after 'score'")
        let row = try parseRowName()
        try consumeSymbol("=", "expected '=' and an expression, as in: score priority = 2 * stage_rank")
        return .scoreDef(name: name, row: row, value: try parseExpression())
    }

    /// `drop [KIND] NAME [cascade]`.
    mutating func parseDrop() throws -> Statement.Kind {
        var kind: Definition.Kind?
        if let w = word(), let k = Definition.Kind(rawValue: w) {
            kind = k
            advance()
        }
        let name = try parsePrimary()
        return .drop(kind, name: name, cascade: match("cascade"))
    }

    /// `assert COND[, MESSAGE]`.
    mutating func parseAssert() throws -> Statement.Kind {
        let cond = try parseQueryExpr()
        var message: Expr?
        if matchSymbol(",") { message = try parseExpression() }
        return .assert(cond, message: message)
    }

    /// `import FORMAT "FILE" options…`.
    mutating func parseImport() throws -> Statement.Kind {
        let format = try parseName("a format after 'import': \(FileFormats.imports.joined(separator: ", "))")
        let path = try parseExpression()
        return .importFile(format: format, path: path, options: try parseOptions(stop: []))
    }

    /// `export FORMAT "FILE" [QUERY] [overwrite]`.
    mutating func parseExport() throws -> Statement.Kind {
        let format = try parseName("a format after 'export': vcard, csv, json, ics or dot")
        let path = try parseExpression()
        var query: Expr?
        if !isAtEnd && !checkSeparator() && !check("overwrite") { query = try parseQueryExpr() }
        return .exportFile(format: format, path: path, query: query, overwrite: match("overwrite"))
    }

    /// `spend` and `knows` are also field names: `spend > 100` is an expression.
    private func isFollowedByOperator() -> Bool {
        switch peek(1).kind {
        case .symbol(let s):
            return ["==", "!=", "<", "<=", ">", ">=", "*", "/", "%", "~", "??", ".", ")", ",", "="].contains(s)
                && !(s == "=" && ["let", "score"].contains(word() ?? ""))
        case .newline, .eof: return ["spend", "knows"].contains(word() ?? "")
        case .identifier(let w):
            return ["and", "or", "in", "sort", "where", "limit", "show", "group"].contains(w) && ["spend", "knows"].contains(word() ?? "")
        default: return false
        }
    }

    mutating func parseName(_ what: String) throws -> String {
        guard let w = word() else { throw error("expected \(what)") }
        if Parser.reservedWords.contains(w) { throw error("'\(w)' is a reserved word and cannot be a name") }
        advance()
        return w
    }

    mutating func parsePerson() throws -> Person {
        guard case .handle(let h) = peek.kind else {
            if case .string = peek.kind {
                throw error("expected an @handle here, not a quoted name (people are referred to by @handle)")
            }
            throw error("expected an @handle, found \(peek)")
        }
        let t = advance()
        return Person(h, t.range)
    }

    /// Handles separated by `,`, `and` or spaces: `@ana-park and @dana-lee`.
    mutating func parsePeople() throws -> [Person] {
        var people = [try parsePerson()]
        while true {
            let save = current
            if matchSymbol(",") || match("and") {
                // `log lunch with @ana-park and` at the line's end: more people come next.
                if separatorAtEndContinues, case .eof = peek.kind { throw error("expected another @handle") }
                guard case .handle = peek.kind else {
                    current = save
                    break
                }
            }
            guard case .handle = peek.kind else { break }
            people.append(try parsePerson())
        }
        return people
    }

    mutating func parseOnAndOptions() throws -> (Expr?, [Option]) {
        var options = try parseOptions(stop: ["on"])
        var on: Expr?
        if match("on") {
            on = try parseExpression()
            // Options are separated by commas or spaces, after the date as before it.
            _ = matchSymbol(",")
            options += try parseOptions(stop: ["on"])
        }
        return (on, options)
    }

    /// `name: value`, bare flags and tags, separated by commas or spaces, until the end of the
    /// statement or a word that belongs to the statement (`on`, `per`, …).
    mutating func parseOptions(stop: Set<String>) throws -> [Option] {
        var options: [Option] = []
        // A comma may come before the first option too (`add "Ana Park", profession: "…"`,
        // `log call with @ana-park, note: "…"`): options are separated by commas or spaces.
        if case .symbol(",") = peek.kind {
            switch peek(1).kind {
            case .tag: advance()
            case .eof where separatorAtEndContinues:
                // `add "Ana Park",` at the REPL: the options come on the next line.
                advance()
                throw error("expected an option after ','")
            case .identifier(let w) where !stop.contains(w) && !Parser.reservedWords.contains(w): advance()
            default: break
            }
        }
        while true {
            let comma = !options.isEmpty && matchSymbol(",")
            let t = peek
            // `set @x company: "Co",` with the line's end after the comma: the statement goes on
            // (at the REPL, on the next line: half of it ran).
            if comma, separatorAtEndContinues, case .eof = t.kind { throw error("expected another option after ','") }
            switch t.kind {
            case .tag(let name, let adds):
                advance()
                options.append(.tag(name, adds: adds, t.range))
            case .identifier(let w) where !stop.contains(w):
                if case .symbol(":") = peek(1).kind {
                    advance()
                    advance()
                    let value = try parseExpression()
                    options.append(.pair(w, value, t.range.to(value.range)))
                } else if Parser.reservedWords.contains(w) {
                    throw error("unexpected '\(w)'")
                } else {
                    advance()
                    options.append(.flag(w, t.range))
                }
            case .string where options.isEmpty == false:
                throw error("unexpected string; options are written name: value")
            default:
                return options
            }
        }
    }

    static func plainText(_ pieces: [StringPiece]) -> String? {
        var s = ""
        for p in pieces {
            guard case .text(let t) = p else { return nil }
            s += t
        }
        return s
    }
}
