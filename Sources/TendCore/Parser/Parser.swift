import Foundation

/// The statements of a source and every problem found in it.
public struct ParseResult: Sendable {
    public var statements: [Statement]
    public var diagnostics: [Diagnostic]
    /// Where the source's comments are.
    public var comments: [SourceRange] = []
    /// True when the text stopped in the middle of a statement (the REPL asks for another line).
    public var isIncomplete: Bool { diagnostics.first?.kind == .incomplete }
}

/// A recursive-descent parser for Tend. Errors are collected, and parsing resumes at the next
/// statement, so one run reports every statement that does not parse.
public struct Parser {
    /// Nesting deeper than this is refused: the parser, checker and interpreter recurse once per
    /// level, and 256 levels is far beyond any real rule while well inside the stack.
    public static let maxDepth = 256
    /// Items in one list or record literal.
    public static let maxItems = 10_000

    /// Words that start a statement; everything else starts an expression.
    public static let statementWords = Keyword.words(.statement)
    /// The statements that log an event, each with a `note:` option.
    static let eventStatements: Set<String> = ["log", "refer", "referral", "introduce", "spend"]
    /// Words that are never names.
    public static let reservedWords = Keyword.words(.reserved)
    static let queryClauseWords = Keyword.words(.queryClause)

    let source: Source
    var tokens: [Token]
    var current = 0
    var depth = 0
    var diagnostics: [Diagnostic] = []
    let lexerIncomplete: Bool
    /// Set when asking whether the REPL's input goes on (`isIncomplete`): a comma or `and` at its
    /// end, after options or people, is then the statement going on on the next line; in a
    /// file, a trailing comma at the end of a statement is passed over, as it always was.
    var separatorAtEndContinues = false
    let comments: [SourceRange]

    public init(_ source: Source) {
        self.source = source
        var lexer = Lexer(source)
        tokens = lexer.tokenize()
        lexerIncomplete = lexer.endsIncomplete
        comments = lexer.comments
    }

    /// Parses a whole source.
    public static func parse(_ source: Source) -> ParseResult {
        var p = Parser(source)
        var result = p.parseProgram()
        result.comments = p.comments
        return result
    }

    /// Parses one expression (a rule's metric kept as text, a `-e` argument).
    public static func parseExpression(_ source: Source) -> (Expr?, [Diagnostic]) {
        var p = Parser(source)
        p.skipSeparators()
        do {
            let e = try p.parseQueryExpr()
            p.skipSeparators()
            if !p.isAtEnd { throw p.error("unexpected \(p.peek) after the expression") }
            return (e, p.diagnostics)
        } catch let d as Diagnostic {
            return (nil, p.diagnostics + [d])
        } catch {
            return (nil, p.diagnostics)
        }
    }

    // MARK: - Program

    mutating func parseProgram() -> ParseResult {
        var statements: [Statement] = []
        skipSeparators()
        while !isAtEnd {
            let before = current
            do {
                let s = try parseStatement()
                statements.append(s)
                if !isAtEnd && !checkSeparator() {
                    throw error("expected the end of the statement, found \(peek)", hint: endHint(startingAt: before))
                }
            } catch let d as Diagnostic {
                diagnostics.append(d)
                synchronize()
            } catch {
                synchronize()
            }
            // Every loop must make progress, whatever went wrong.
            if current == before && !isAtEnd { current += 1 }
            skipSeparators()
        }
        return ParseResult(statements: statements, diagnostics: diagnostics)
    }

    /// A likely fix for the token after a whole statement (`start` is the statement's first).
    private func endHint(startingAt start: Int) -> String? {
        switch peek.kind {
        case .symbol("="):
            // `set @x notes = "a"`: an option is written `notes: "a"`.
            if case .identifier(let first) = tokens[start].kind, ["add", "set"].contains(first), case .identifier(let field) = previous.kind {
                return field + ":"
            }
            return "=="
        // A misspelt clause or operator (`contacts wher …`), or the long form of an order.
        case .identifier("descending"): return "desc"
        case .identifier("ascending"): return "asc"
        // A number and its unit in words (`2 weeks`): the duration literal.
        case .identifier(let word) where Checker.unitWords[word] != nil:
            guard case .number(let n) = previous.kind else { return nil }
            return Checker.daysHint(n, unit: Checker.unitWords[word]!)
        // A text after an event's options (`log call with @x on 2026-12-01 "…"`): its note,
        // which is written `note: "…"` there (a bare text goes right after the people); a long
        // one is not repeated in the hint.
        case .string:
            guard case .identifier(let first) = tokens[start].kind, Parser.eventStatements.contains(first) else { return nil }
            return "note: " + (peek.range.end - peek.range.start <= 60 ? source.slice(peek.range) : "\"…\"")
        // SQL's words for Tend's.
        case .identifier("order"): return "sort"
        case .identifier("like"), .identifier("ilike"): return "~"
        case .identifier(let word):
            // A word that is itself a clause word or a statement's keyword is out of place, not misspelt.
            let words = Array(Keyword.words(.queryClause)) + ["and", "or", "desc", "asc"]
            guard !words.contains(word), !Keyword.all.contains(word) else { return nil }
            return closest(word, among: words).first
        default: return nil
        }
    }

    /// Skips to the start of the next statement after an error.
    mutating func synchronize() {
        while !isAtEnd && !checkSeparator() { current += 1 }
    }

    mutating func skipSeparators() {
        while checkSeparator() { current += 1 }
    }

    func checkSeparator() -> Bool {
        switch peek.kind {
        case .newline, .symbol(";"): return true
        default: return false
        }
    }

    // MARK: - Token access

    var peek: Token { tokens[current] }
    func peek(_ n: Int) -> Token { tokens[min(current + n, tokens.count - 1)] }
    var isAtEnd: Bool { peek.kind == .eof }
    var previous: Token { tokens[max(0, current - 1)] }

    @discardableResult mutating func advance() -> Token {
        let t = tokens[current]
        if current < tokens.count - 1 { current += 1 }
        return t
    }

    func check(_ word: String) -> Bool {
        if case .identifier(word) = peek.kind { return true }
        return false
    }
    func checkSymbol(_ s: String) -> Bool {
        if case .symbol(s) = peek.kind { return true }
        return false
    }
    mutating func match(_ word: String) -> Bool {
        if check(word) {
            advance()
            return true
        }
        return false
    }
    mutating func matchSymbol(_ s: String) -> Bool {
        if checkSymbol(s) {
            advance()
            return true
        }
        return false
    }
    mutating func consume(_ word: String, _ message: String) throws {
        if !match(word) { throw error(message) }
    }
    /// Words that begin a line continuing the statement above (`then remind "…"`), and are never
    /// a name (`priority` is one elsewhere: `snooze @x` with `priority` read as its length).
    static let clauseLineWords = Keyword.words(.continuesStatement).intersection(Keyword.words(.reserved)).sorted()
    mutating func consumeSymbol(_ s: String, _ message: String) throws {
        if !matchSymbol(s) { throw error(message) }
    }

    /// The bracket that closes the one at `opened`. Missing, the error is where the parser
    /// stopped, often a later line that is right: a note says where the bracket was opened.
    mutating func consumeClosing(_ s: String, opened: SourceRange, _ message: String) throws {
        guard !matchSymbol(s) else { return }
        var d = error(message)
        let open = source.location(of: opened.start)
        if source.location(of: d.range.start).line != open.line {
            d.notes.append("the '\(source.slice(opened))' at line \(open.line), column \(open.column) is not closed")
        }
        throw d
    }

    /// An error at the current token. At the end of input it is `.incomplete`, so the REPL
    /// reads another line instead of complaining.
    func error(_ message: String, at range: SourceRange? = nil, hint: String? = nil) -> Diagnostic {
        if case .error(let m) = peek.kind, range == nil {
            return Diagnostic(lexerIncomplete && isLastRealToken ? .incomplete : .syntax, m, at: peek.range, in: source)
        }
        let atEnd = isAtEnd || (peek.kind == .newline && lexerIncomplete)
        let kind: Diagnostic.Kind = (atEnd && range == nil) || (lexerIncomplete && range == nil && isAtEnd) ? .incomplete : .syntax
        let shown = range ?? (isAtEnd && current > 0 ? SourceRange(previous.range.end, previous.range.end + 1) : peek.range)
        return Diagnostic(kind, message, at: shown, in: source, suggestion: hint)
    }
    private var isLastRealToken: Bool { peek(1).kind == .eof }

    func word() -> String? {
        if case .identifier(let w) = peek.kind { return w }
        return nil
    }

    // MARK: - Expressions

    /// An expression that may carry query clauses: `contacts where … sort by … limit 5`.
    mutating func parseQueryExpr() throws -> Expr {
        let e = try parseExpression()
        let named = try parseRowName()
        guard named != nil || (word().map { Parser.queryClauseWords.contains($0) } ?? false) else { return e }
        var query: Query
        if case .query(let q) = e.kind {
            query = q
        } else {
            query = Query(source: .expr(e), range: e.range)
        }
        query.named = named
        try parseClauses(&query)
        query.range = e.range.to(previous.range)
        return Expr(.query(query), query.range)
    }

    /// `as c` after a query's source, a rule's name or a score's name: the name of the row.
    mutating func parseRowName() throws -> RowName? {
        guard match("as") else { return nil }
        let range = peek.range
        return RowName(try parseName("a name for the row after 'as', as in: contacts as c where …"), range)
    }

    mutating func parseClauses(_ q: inout Query) throws {
        if match("where") {
            if q.filter != nil { throw error("a query has one 'where'; join conditions with 'and'", at: previous.range) }
            q.filter = try parseExpression()
        }
        if match("group") {
            try consume("by", "expected 'by' after 'group'")
            repeat { q.groupBy.append(try parseExpression()) } while matchSymbol(",")
        }
        if match("sort") {
            try consume("by", "expected 'by' after 'sort'")
            repeat {
                let key = try parseExpression()
                var desc = false
                if match("desc") { desc = true } else { _ = match("asc") }
                q.sortBy.append((key, desc))
            } while matchSymbol(",")
        }
        if match("show") {
            repeat {
                let e = try parseExpression()
                var name: String?
                if match("as") { name = try parseName("a column name after 'as'") }
                q.show.append((e, name))
            } while matchSymbol(",")
        }
        if match("limit") { q.limit = try parseExpression() }
        if let w = word(), Parser.queryClauseWords.contains(w) {
            throw error("'\(w)' is out of place: clauses go in the order where, group by, sort by, show, limit")
        }
    }

    mutating func nest() throws {
        depth += 1
        if depth > Parser.maxDepth {
            throw Diagnostic(.syntax, "expression nested deeper than \(Parser.maxDepth) levels", at: peek.range, in: source)
        }
    }

    /// A chain `a + b + c …` builds a tree as deep as it is long; it counts against the depth limit.
    func lengthen(_ chain: inout Int) throws {
        chain += 1
        if depth + chain > Parser.maxDepth {
            throw Diagnostic(
                .syntax, "expression nested deeper than \(Parser.maxDepth) levels; split it with let or fn", at: previous.range, in: source)
        }
    }

    mutating func parseExpression() throws -> Expr {
        try nest()
        defer { depth -= 1 }
        if check("if") {
            let start = advance().range
            let cond = try parseExpression()
            try consume("then", "expected 'then' after the condition of 'if'")
            let yes = try parseExpression()
            var no: Expr?
            if match("else") { no = try parseExpression() }
            return Expr(.ifThen(cond, yes, no), start.to(previous.range))
        }
        return try parseOr()
    }

    mutating func parseOr() throws -> Expr {
        var terms = [try parseAnd()]
        while match("or") { terms.append(try parseAnd()) }
        return joined(terms, .or)
    }

    mutating func parseAnd() throws -> Expr {
        var terms = [try parseNot()]
        while match("and") { terms.append(try parseNot()) }
        return joined(terms, .and)
    }

    /// `a or b or c …` as a tree: left-deep as written while that stays inside the nesting
    /// limit (so every chain that parsed before is the same tree), else balanced, so that a
    /// generated condition of thousands of terms is as deep as its logarithm (`and` and `or`
    /// are associative).
    func joined(_ terms: [Expr], _ op: BinaryOperator) -> Expr {
        func node(_ l: Expr, _ r: Expr) -> Expr { Expr(.binary(op, l, r), l.range.to(r.range)) }
        guard depth + terms.count - 1 > Parser.maxDepth else { return terms.dropFirst().reduce(terms[0], node) }
        func balanced(_ part: ArraySlice<Expr>) -> Expr {
            guard part.count > 1 else { return part.first! }
            let middle = part.startIndex + part.count / 2
            return node(balanced(part[..<middle]), balanced(part[middle...]))
        }
        return balanced(terms[...])
    }

    mutating func parseNot() throws -> Expr {
        if check("not") {
            try nest()
            defer { depth -= 1 }
            let start = advance().range
            let operand = try parseNot()
            return Expr(.unary(.not, operand), start.to(operand.range))
        }
        return try parseComparison()
    }

    mutating func parseComparison() throws -> Expr {
        let left = try parseCoalesce()
        var op: BinaryOperator?
        if case .symbol(let s) = peek.kind, let found = BinaryOperator.symbol(s, at: 3) {
            op = found
            advance()
        } else if check("in") {
            op = .isIn
            advance()
        } else if check("not"), case .identifier("in") = peek(1).kind {
            advance()
            advance()
            op = .notIn
        } else if checkSymbol("=") {
            throw error("'=' does not compare", hint: "==")
        }
        guard let op else { return left }
        let right = try parseCoalesce()
        let e = Expr(.binary(op, left, right), left.range.to(right.range))
        if case .symbol(let s) = peek.kind, BinaryOperator.symbol(s, at: 3) != nil {
            throw error("comparisons do not chain; join them with 'and'")
        }
        if checkSymbol("=") { throw error("'=' does not compare", hint: "==") }
        return e
    }

    mutating func parseCoalesce() throws -> Expr {
        var left = try parseAdditive()
        var chain = 0
        while matchSymbol("??") {
            try lengthen(&chain)
            let right = try parseAdditive()
            left = Expr(.binary(.coalesce, left, right), left.range.to(right.range))
        }
        return left
    }

    mutating func parseAdditive() throws -> Expr {
        var left = try parseMultiplicative()
        var chain = 0
        while case .symbol(let s) = peek.kind, let op = BinaryOperator.symbol(s, at: 5) {
            try lengthen(&chain)
            advance()
            let right = try parseMultiplicative()
            left = Expr(.binary(op, left, right), left.range.to(right.range))
        }
        return left
    }

    mutating func parseMultiplicative() throws -> Expr {
        var left = try parseUnary()
        var chain = 0
        while case .symbol(let s) = peek.kind, let op = BinaryOperator.symbol(s, at: 6) {
            try lengthen(&chain)
            advance()
            let right = try parseUnary()
            left = Expr(.binary(op, left, right), left.range.to(right.range))
        }
        return left
    }

    mutating func parseUnary() throws -> Expr {
        if checkSymbol("-") {
            try nest()
            defer { depth -= 1 }
            let start = advance().range
            let operand = try parseUnary()
            return Expr(.unary(.negate, operand), start.to(operand.range))
        }
        return try parsePostfix()
    }

    mutating func parsePostfix() throws -> Expr {
        var e = try parsePrimary()
        var chain = 0
        while matchSymbol(".") {
            try lengthen(&chain)
            guard let w = word() else { throw error("expected a field name after '.'") }
            let t = advance()
            e = Expr(.member(e, w), e.range.to(t.range))
        }
        return e
    }

    /// Parentheses, lists and records nest through `parseExpression`, which counts each level
    /// once (counted here too, a level was two: 128 parentheses were "deeper than 256").
    mutating func parsePrimary() throws -> Expr {
        let t = peek
        switch t.kind {
        case .number(let n):
            advance()
            return Expr(.literal(.number(n)), t.range)
        case .date(let d):
            advance()
            return Expr(.literal(.date(d)), t.range)
        case .duration(let d):
            advance()
            return Expr(.literal(.duration(d)), t.range)
        case .handle(let h):
            advance()
            return Expr(.handle(h), t.range)
        case .tag(let name, let adds):
            advance()
            return Expr(.tag(name, present: adds), t.range)
        case .string(let pieces):
            advance()
            return try stringExpr(pieces, t.range)
        case .symbol("("):
            advance()
            let inner = try parseQueryExpr()
            try consumeClosing(")", opened: t.range, "expected ')'")
            return Expr(inner.kind, t.range.to(previous.range))
        case .symbol("["):
            advance()
            var items: [Expr] = []
            if !checkSymbol("]") {
                repeat {
                    if checkSymbol("]") { break }
                    if items.count == Parser.maxItems {
                        throw error("a list literal holds at most \(Parser.maxItems) items; bring larger data in with import")
                    }
                    items.append(try parseQueryExpr())
                } while matchSymbol(",")
            }
            try consumeClosing("]", opened: t.range, "expected ']' or ',' in the list")
            return Expr(.list(items), t.range.to(previous.range))
        case .symbol("{"):
            advance()
            var fields: [(String, Expr)] = []
            if !checkSymbol("}") {
                repeat {
                    if checkSymbol("}") { break }
                    if fields.count == Parser.maxItems { throw error("a record literal holds at most \(Parser.maxItems) fields") }
                    let key: String
                    if let w = word() {
                        key = w
                    } else if case .string(let p) = peek.kind, let s = Parser.plainText(p) {
                        key = s
                    } else {
                        throw error("expected a field name in the record")
                    }
                    advance()
                    try consumeSymbol(":", "expected ':' after the field name")
                    fields.append((key, try parseQueryExpr()))
                } while matchSymbol(",")
            }
            try consumeClosing("}", opened: t.range, "expected '}' or ',' in the record")
            return Expr(.record(fields), t.range.to(previous.range))
        case .identifier(let w):
            return try parseWord(w, t)
        case .error(let m):
            throw Diagnostic(lexerIncomplete && peek(1).kind == .eof ? .incomplete : .syntax, m, at: t.range, in: source)
        case .eof:
            throw error("expected an expression")
        case .newline:
            throw error("expected an expression before the end of the line")
        default:
            throw error("expected an expression, found \(t)")
        }
    }

    mutating func stringExpr(_ pieces: [StringPiece], _ range: SourceRange) throws -> Expr {
        if let plain = Parser.plainText(pieces) { return Expr(.literal(.string(plain)), range) }
        var parts: [Expr.Interpolation] = []
        for piece in pieces {
            switch piece {
            case .text(let s): parts.append(.text(s))
            case .code(let r):
                var sub = Parser(source, range: r, depth: depth)
                sub.skipSeparators()
                if sub.isAtEnd {
                    throw Diagnostic(.syntax, "empty '{}' in a string; write \\{ for a brace", at: SourceRange(r.start - 1, r.end + 1), in: source)
                }
                // The string is closed: a '{…}' that stops short is wrong, not waiting for more
                // lines (the REPL waited for ever on `"{(1}"`).
                do {
                    let e = try sub.parseQueryExpr()
                    if !sub.isAtEnd { throw sub.error("unexpected \(sub.peek) in '{…}'") }
                    parts.append(.expr(e))
                } catch var d as Diagnostic where d.kind == .incomplete {
                    d.kind = .syntax
                    throw d
                }
            }
        }
        return Expr(.interpolated(parts), range)
    }

    init(_ source: Source, range: SourceRange, depth: Int) {
        self.source = source
        var lexer = Lexer(source, range: range)
        tokens = lexer.tokenize()
        lexerIncomplete = false
        comments = []
        self.depth = depth
    }

    mutating func parseWord(_ w: String, _ t: Token) throws -> Expr {
        switch w {
        case "true", "false":
            advance()
            return Expr(.literal(.bool(w == "true")), t.range)
        case "null":
            advance()
            return Expr(.literal(.null), t.range)
        case "me":
            advance()
            return Expr(.me, t.range)
        case "it":
            advance()
            return Expr(.it, t.range)
        case "my":
            advance()
            let field = try parseMyPhrase()
            return Expr(.member(Expr(.me, t.range), field), t.range.to(previous.range))
        case "who":
            advance()
            let part = try parseWho()
            return query(.who(part), from: t)
        case "agenda":
            advance()
            // `agenda @x` (as in `explain agenda @x`) is why @x: the rules and priority for one contact.
            if case .handle = peek.kind {
                let part = try parsePostfix()
                return query(.why(part), from: t)
            }
            var on: Expr?
            if match("on") { on = try parseExpression() }
            return query(.agenda(on: on), from: t)
        case "timeline":
            advance()
            let part = try parsePostfix()
            return query(.timeline(part), from: t)
        case "why":
            advance()
            let part = try parsePostfix()
            return query(.why(part), from: t)
        case "rules" where !isFieldUse():
            advance()
            return query(.rules, from: t)
        case "progress" where !isFieldUse():
            advance()
            return query(.progress, from: t)
        case "connectors" where !isFieldUse():
            advance()
            return query(.connectors, from: t)
        case "gaps" where check1("in"):
            advance()
            advance()
            if check("my") {
                advance()
                _ = try parseMyPhrase()
                return query(.gaps(market: nil), from: t)
            }
            try expectMore("a market after 'gaps in', as in: gaps in my preferred client, gaps in \"retired empty nesters\"")
            let part = try parsePostfix()
            return query(.gaps(market: part), from: t)
        case "path" where check1("to"):
            advance()
            advance()
            try expectMore("the person to reach after 'path to', as in: path to @editor-jane")
            let part = try parsePostfix()
            return query(.path(to: part), from: t)
        case "report" where !isFieldUse():
            advance()
            let kind = try parseName("what to report: network, reciprocity, money, duplicates, unclassified or candidates")
            return query(.report(kind), from: t)
        default:
            break
        }
        if Parser.reservedWords.contains(w) && !["today", "yesterday", "tomorrow"].contains(w) {
            throw error("unexpected '\(w)'; expected an expression")
        }
        advance()
        if checkSymbol("("), previous.range.end == peek.range.start {
            let open = peek.range
            advance()
            var args: [Expr] = []
            if !checkSymbol(")") {
                repeat { args.append(try parseQueryExpr()) } while matchSymbol(",")
            }
            try consumeClosing(")", opened: open, "expected ')' after the arguments of \(w)")
            return Expr(.call(w, args), t.range.to(previous.range))
        }
        return Expr(.name(w), t.range)
    }

    /// Fails with what the words before need when nothing follows them (`path to`
    /// says what goes after it, not a bare "expected an expression"). An error, not a statement
    /// that goes on: at the REPL, the next line typed would be read as the rest of it.
    mutating func expectMore(_ needed: String) throws {
        switch peek.kind {
        case .eof, .newline, .symbol(";"), .symbol(")"), .symbol("]"), .symbol("}"), .symbol(","): break
        default: return
        }
        let end = current > 0 ? previous.range.end : 0
        throw error("expected \(needed)", at: SourceRange(end, end + 1))
    }

    private func check1(_ w: String) -> Bool {
        if case .identifier(w) = peek(1).kind { return true }
        return false
    }

    /// `rules`, `progress`, `report` are query sources unless an operator follows (a field use).
    private func isFieldUse() -> Bool {
        if case .symbol(let s) = peek(1).kind { return ["==", "!=", "<", ">", "<=", ">=", "+", "*", "/", "."].contains(s) }
        return false
    }

    /// The query made of `source`, which is parsed before the call, never as its argument:
    /// `self` is read before the arguments, so `previous` would be the token before the parse.
    private func query(_ source: QuerySource, from t: Token) -> Expr {
        let range = t.range.to(previous.range)
        return Expr(.query(Query(source: source, range: range)), range)
    }

    /// `my preferred client` → `me.preferred_client`; `my profession` → `me.profession`.
    mutating func parseMyPhrase() throws -> String {
        if match("preferred") {
            guard match("client") || match("clients") || match("market") || match("markets") else {
                throw error("expected 'client' after 'my preferred'")
            }
            return "preferred_client"
        }
        if let w = word(), ["profession", "name", "company", "goals", "preferred_client"].contains(w) {
            advance()
            return w
        }
        throw error("expected 'preferred client' or a field of me after 'my'")
    }

    mutating func parseWho() throws -> Who {
        if match("serves") {
            if match("my") {
                _ = try parseMyPhrase()
                return .serves(nil)
            }
            try expectMore("a market after 'who serves', as in: who serves my preferred client, who serves \"retired empty nesters\"")
            return .serves(try parsePostfix())
        }
        if match("can") {
            try consume("help", "expected 'help' after 'who can'")
            try expectMore("a goal after 'who can help', as in: who can help \"Write an article for the local paper\"")
            return .canHelp(try parsePostfix())
        }
        if match("knows") {
            try expectMore("a person after 'who knows', as in: who knows @joan-rivera")
            return .knows(try parsePostfix())
        }
        if match("is") {
            try consume("overdue", "expected 'overdue' after 'who is'")
            return .isOverdue
        }
        throw error("expected serves, can help, knows or is overdue after 'who'")
    }
}

extension Parser {
    /// True when the text ends in the middle of a statement: an open bracket or string, a trailing
    /// operator, a comma or `and` between options or people, or a statement that a line beginning
    /// with a clause word would go on with (`rule "x" when +vip`, then `then remind "…"`), as
    /// in a file.
    /// Anything else missing at the end (`remove`, `snooze @x`) is an error at once: the next
    /// line typed would be read as the rest of it.
    public static func isIncomplete(_ text: String, name: String = "<repl>") -> Bool {
        // A clause line (the REPL puts it into the query before it) goes on as its text asks:
        // `show name,` waits for the rest of the list.
        if Lexer.startsWithClauseWord(text) {
            var lexer = Lexer(Source(name: name, text: text))
            _ = lexer.tokenize()
            return lexer.endsIncomplete
        }
        var p = Parser(Source(name: name, text: text))
        p.separatorAtEndContinues = true
        guard p.parseProgram().isIncomplete else { return false }
        if p.lexerIncomplete { return true }
        // Tried: the statement goes on when the parser takes the word and stops after it.
        let end = text.utf8.count
        return clauseLineWords.contains { word in
            var trial = Parser(Source(name: name, text: text + "\n" + word))
            trial.separatorAtEndContinues = true
            guard let d = trial.parseProgram().diagnostics.first else { return true }
            return d.range.start > end + 1
        }
    }
}
