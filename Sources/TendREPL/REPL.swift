import Foundation
import TendCore
import TendStore

/// The interactive loop: reads statements (several lines when incomplete), runs each in its own
/// transaction, and prints results; errors leave the session running.
public final class REPL {
    let session: Session
    let name: String
    var reader: LineReader
    var ended = false

    public init(session: Session, databaseName: String, reader: LineReader? = nil, assumeYes: Bool = false) {
        self.session = session
        // The prompt shows the database's name: a file name may hold control characters too.
        self.name = TerminalText.escaped(PathName.withoutExtension(PathName.last(databaseName)))
        let stateHome = xdgDirectory("XDG_STATE_HOME") ?? homeDirectory() + "/.local/state"
        let historyPath = stateHome + "/tend/history"
        var completer = Completer(session: session)
        completer.earlierLines = entrySoFar
        // Under --read-only the REPL writes nothing, its history included (it is read).
        self.reader =
            reader ?? EditLineReader(historyPath: historyPath, savesHistory: !session.readOnly, complete: { completer.complete($0) })
            ?? PlainLineReader()
        if self.reader is EditLineReader {
            // At the keyboard, replacing an existing file is asked about rather than refused, and
            // so is removing a person with their events (unless `--yes`).
            let ask: (String) -> Bool = { [weak self] question in
                guard let self else { return false }
                let reader = self.reader
                // Lines pasted after the statement are statements, never its answer (a pasted
                // `yesterday` removed someone with their events): with input waiting (or a pasted
                // line taken to look at), the answer is no.
                if self.readAhead != nil || reader.hasPendingInput() {
                    TerminalOutput.write(TerminalText.escaped(question) + "no (more input was waiting: only a typed answer counts)\n", to: STDOUT_FILENO)
                    return false
                }
                let answered: String?
                // A file name in the question may hold control characters: shown escaped.
                do { answered = try reader.readLine(prompt: TerminalText.escaped(question)) } catch { return false }
                guard let answer = answered else {
                    // Ctrl-D: the answer is no, on a line of its own.
                    TerminalOutput.write("\n", to: STDOUT_FILENO)
                    return false
                }
                return answer.trimmingCharacters(in: .whitespaces).lowercased().hasPrefix("y")
            }
            session.confirmOverwrite = ask
            if !assumeYes { session.confirmRemoval = ask }
        }
    }

    /// Runs until `.quit` or Ctrl-D; returns the status to exit with.
    public func run() -> ExitStatus {
        // A database that cannot be written is said at once, not at the first change refused.
        if let why = session.readOnlyFile { session.console.err("note: \(why): queries, the agenda and exports work; changes are refused") }
        runInitScript()
        if (try? session.store.contactCount()) == 0 {
            session.console.out("Your network is empty. Add someone: add \"Joan Rivera\" profession: \"hairstylist\", cadence: 3mo")
            session.console.out("Type .help for the language and the dot-commands, .quit to leave.")
        }
        while !ended {
            switch readEntry() {
            case .end:
                session.console.out("")
                ended = true
            case .dotCommand(let line):
                // The terminal's width now: `.help` is broken to it.
                if session.renderer.width != nil { session.renderer.width = Terminal.width() }
                dotCommand(line)
            case .statement(let typed):
                if session.renderer.width != nil { session.renderer.width = Terminal.width() }
                if session.diagnostics.width != nil { session.diagnostics.width = Terminal.width(of: STDERR_FILENO) }
                // A line that starts with a clause word continues the previous statement, as in a
                // file: typed after a query has run, it refines that query (`contacts`, then
                // `where +vip`); after a definition, it is defined again with the line (`rule …
                // then remind "…"`, then `priority 3`), which replaces it. After anything else it
                // is the error it is in a file.
                let continues = Lexer.startsWithClauseWord(typed) && (lastQuery != nil || lastDefinition != nil)
                let made =
                    !continues
                    ? nil
                    : lastQuery.map { REPL.refinement($0, with: typed) }
                        ?? (text: lastDefinition! + "\n" + typed, typed: (at: lastDefinition!.utf8.count + 1, from: 0, count: typed.utf8.count))
                let text = made?.text ?? typed
                let source = Source(name: "<repl>", text: text)
                // A problem in the typed line is shown on it, not in the statement made of it.
                if let at = made?.typed {
                    session.diagnostics.typedPart = TypedPart(
                        within: source, range: SourceRange(at.at, at.at + at.count), typed: Source(name: "<repl>", text: typed), offset: at.from)
                }
                let alone = !continues && Lexer.startsWithClauseWord(typed)
                let status = alone ? clauseLineAlone(typed) : session.runScripts([source], bail: false, readOnly: false)
                session.diagnostics.typedPart = nil
                previousRan = status == .success
                // A statement pasted with lines after it that failed stops the paste: the lines
                // after a typo in a pasted script were run and committed one by one.
                if status != .success, readAhead != nil, inPaste {
                    readAhead = nil
                    let n = 1 + reader.discardPendingInput()
                    session.console.err("note: the \(n == 1 ? "line" : "\(n) lines") pasted after it \(n == 1 ? "was" : "were") not run")
                }
                if status == .success {
                    let kind = REPL.continuable(text)
                    lastQuery = kind == .query ? text : nil
                    lastDefinition = kind == .definition ? text : nil
                } else if !continues {
                    lastQuery = nil
                    lastDefinition = nil
                }
            }
        }
        reader.saveHistory()
        // Ended by SIGTERM or SIGHUP, not by the user: a supervisor is told (3, as a run so stopped).
        return EditLineReader.endedBySignal ? .failed : .success
    }

    /// A clause line typed after a statement it cannot go on with (`log lunch with @a` has run,
    /// then `and @b`): said as what it is at the prompt, not as the bare `unexpected 'and'`.
    func clauseLineAlone(_ typed: String) -> ExitStatus {
        var lexer = Lexer(Source(name: "<line>", text: typed))
        let first = lexer.tokenize().first!
        let before = previousRan.map { $0 ? "the statement before it, which has run" : "the statement before it, which failed" } ?? "a statement before it, and none came before it here"
        session.report([
            Diagnostic(
                .syntax,
                "'\(first.description)' goes on with \(before): at the prompt, end a line with 'and', a comma or an operator "
                    + "to go on, or type the statement on one line (after a query or a definition, a clause line refines it)",
                at: first.range, in: Source(name: "<repl>", text: typed))
        ])
        return .invalid
    }

    /// Whether the last statement typed ran (nil before the first).
    private var previousRan: Bool?

    /// The last statement run that was a query (a plain expression that changes nothing).
    private var lastQuery: String?
    /// The last statement run that was a definition (let, fn, rule, score).
    private var lastDefinition: String?

    /// The clauses of a query, in the order they must come.
    static let clauseOrder = ["where", "group", "sort", "show", "limit"]

    /// A query refined by a typed clause line, the clause put where clauses go: `where +vip`
    /// after `contacts show name` goes before `show`; a clause the query has already is replaced
    /// (`sort by city` after `… sort by name`), but `where`, which narrows it further (`(a) and
    /// (b)`), as `and …`/`or …` continue its condition. Anything else is appended.
    static func refined(_ query: String, with line: String) -> String { refinement(query, with: line).text }

    /// `refined`, with where the typed line's text is in it: at `at` in the text made, from
    /// `from` in the line.
    static func refinement(_ query: String, with line: String) -> (text: String, typed: (at: Int, from: Int, count: Int)) {
        let source = Source(name: "<repl>", text: query)
        var lexer = Lexer(source)
        let tokens = lexer.tokenize()
        // The query's clauses at the top level, each from its word to the next one's.
        var depth = 0
        var starts: [(word: String, at: Int)] = []
        for t in tokens {
            switch t.kind {
            case .symbol("("), .symbol("["), .symbol("{"): depth += 1
            case .symbol(")"), .symbol("]"), .symbol("}"): depth -= 1
            case .identifier(let w) where depth == 0 && clauseOrder.contains(w): starts.append((w, t.range.start))
            default: break
            }
        }
        let bytes = Array(query.utf8)
        func text(_ from: Int, _ to: Int) -> String { String(decoding: bytes[from..<to], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines) }
        func end(of i: Int) -> Int { i + 1 < starts.count ? starts[i + 1].at : bytes.count }
        var lineLexer = Lexer(Source(name: "<line>", text: line))
        let lineTokens = lineLexer.tokenize()
        let appended = (query + "\n" + line, (at: query.utf8.count + 1, from: 0, count: line.utf8.count))
        guard case .identifier(let word)? = lineTokens.first?.kind else { return appended }
        let lineBytes = Array(line.utf8)
        let blank = { (b: UInt8) in b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D }
        let restFrom = lineTokens.first!.range.end + lineBytes[lineTokens.first!.range.end...].prefix(while: blank).count
        let lineFrom = lineBytes.prefix(while: blank).count
        let rest = String(decoding: lineBytes[restFrom...], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        let head = text(0, starts.first?.at ?? bytes.count)
        var clauses = starts.indices.map { (word: starts[$0].word, text: text(starts[$0].at, end(of: $0))) }
        // The clause the typed text went into, where in it, from where in the line, and how long.
        let typed: (clause: Int, offset: Int, from: Int, count: Int)
        if ["where", "and", "or"].contains(word), let i = clauses.firstIndex(where: { $0.word == "where" }) {
            let condition = String(clauses[i].text.dropFirst("where".count)).trimmingCharacters(in: .whitespaces)
            // Each part closed on a line of its own: a comment at the end of one cannot hide the parenthesis.
            let before = "where (\(condition)\n) \(word == "where" ? "and" : word) ("
            clauses[i].text = before + rest + "\n)"
            typed = (i, before.utf8.count, restFrom, rest.utf8.count)
        } else if let order = clauseOrder.firstIndex(of: word) {
            let i = clauses.firstIndex { $0.word == word } ?? clauses.firstIndex { clauseOrder.firstIndex(of: $0.word)! > order } ?? clauses.count
            if i < clauses.count, clauses[i].word == word {
                clauses[i].text = line.trimmingCharacters(in: .whitespaces)
            } else {
                clauses.insert((word, line.trimmingCharacters(in: .whitespaces)), at: i)
            }
            typed = (i, 0, lineFrom, line.trimmingCharacters(in: .whitespaces).utf8.count)
        } else {
            return appended
        }
        // A clause on each line: a line that starts with a clause word continues the one above.
        let parts = [head] + clauses.map(\.text)
        let at = parts.prefix(typed.clause + 1).reduce(0) { $0 + $1.utf8.count + 1 } + typed.offset
        return (parts.joined(separator: "\n"), (at, typed.from, typed.count))
    }

    /// `~/x.tend` in the home folder ($HOME), as `load` reads it.
    static func expandingHome(_ path: String) -> String {
        path == "~" || path.hasPrefix("~/") ? homeDirectory() + path.dropFirst() : path
    }

    /// What a clause line typed next continues in the text just run, when it is one statement:
    /// a query (or another expression that only asks), refined; a definition (let, fn, rule,
    /// score), given again.
    enum Continuable { case query, definition }
    static func continuable(_ text: String) -> Continuable? {
        let parsed = Parser.parse(Source(name: "<repl>", text: text))
        guard parsed.diagnostics.isEmpty, parsed.statements.count == 1 else { return nil }
        switch parsed.statements[0].kind {
        case .expr: return .query
        case .letDef, .fnDef, .ruleDef, .scoreDef: return .definition
        default: return nil
        }
    }

    enum Entry {
        case statement(String)
        case dotCommand(String)
        case end
    }

    /// A line pasted after the statement, taken to see whether it continues it (a clause word),
    /// and not shown yet: `readEntry` reads it again.
    private var readAhead: String?
    /// Whether the statement read came with a paste, which a failed statement stops: lines that
    /// came together at a prompt that waited. Lines typed ahead while a statement ran are kept.
    private var inPaste = false
    /// The lines of the statement being typed before the one the cursor is on.
    private let entrySoFar = TypedLines()

    var prompt: String { "tend:\(name)> " }
    var continuationPrompt: String { String(repeating: " ", count: max(0, name.count + 2)) + "...> " }

    /// Reads one entry: a dot-command, or a statement with its continuation lines. Lines pasted
    /// together arrive before the statement runs; a waiting line that starts with a clause word
    /// (`sort by name` under `contacts`) continues it, so a pasted script reads as it does from a
    /// file.
    func readEntry() -> Entry {
        var buffer = ""
        // Lines waiting before the prompt is shown were typed while a statement ran, or are the
        // rest of a paste under way; lines that come after the prompt waited for the user, with
        // more behind them (a dot-command's line too), begin a paste.
        let waiting = readAhead != nil || reader.hasInputWaiting()
        if !waiting { inPaste = false }
        defer { if !waiting && (readAhead != nil || reader.hasInputWaiting()) { inPaste = true } }
        while true {
            let line: String?
            // A line taken to look at is read again now, and shown after what came before it.
            if let ahead = readAhead {
                reader.pushBack(ahead)
                readAhead = nil
            }
            do {
                entrySoFar.text = buffer
                defer { entrySoFar.text = "" }
                line = try reader.readLine(prompt: buffer.isEmpty ? prompt : continuationPrompt)
            } catch {
                buffer = ""
                continue
            }
            guard let line else {
                // Ctrl-D on a continuation line leaves without running the unfinished statement:
                // one that parses as it stands (`set @x city: "Half",`) was run and committed.
                if !buffer.isEmpty {
                    if reader is EditLineReader { TerminalOutput.write("\n", to: STDOUT_FILENO) }
                    session.console.err("note: the unfinished statement was not run")
                    reader.addHistory(buffer)
                }
                return .end
            }
            if buffer.isEmpty && line.trimmingCharacters(in: .whitespaces).hasPrefix(".") {
                reader.addHistory(line)
                return .dotCommand(line.trimmingCharacters(in: .whitespaces))
            }
            // `help` and `help TOPIC` typed at the prompt are `.help` (no statement begins so:
            // it was told "did you mean helps?", which marks a contact as able to help).
            let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            if buffer.isEmpty, words.first == "help", words.count <= 2 {
                reader.addHistory(line)
                return .dotCommand("." + words.joined(separator: " "))
            }
            // `quit` and `exit` alone leave, as `.quit` does, unless a definition has the name.
            if buffer.isEmpty, words.count == 1, ["quit", "exit"].contains(words[0]), session.interpreter.definitions.lets[String(words[0])] == nil {
                reader.addHistory(line)
                return .dotCommand(".quit")
            }
            buffer += buffer.isEmpty ? line : "\n" + line
            if buffer.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
                buffer = ""
                continue
            }
            if Parser.isIncomplete(buffer) { continue }
            guard let next = reader.takePendingLine() else {
                reader.addHistory(buffer)
                return .statement(buffer)
            }
            readAhead = next
            if Lexer.startsWithClauseWord(next) { continue }
            reader.addHistory(buffer)
            return .statement(buffer)
        }
    }

    /// Whether piped input holds a dot-command line (outside an unfinished statement).
    public static func hasDotCommands(_ piped: Source) -> Bool {
        !dotCommandLines(lines(of: withNewlines(piped))).isEmpty
    }

    /// The input's lines, without their line ends.
    static func lines(of source: Source) -> [String] {
        source.text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    }

    /// The positions of the lines that are dot-commands: starting with `.` (after blanks) outside
    /// an unfinished statement.
    static func dotCommandLines(_ lines: [String]) -> Set<Int> {
        var dots: Set<Int> = []
        var statement: [String] = []
        for (n, line) in lines.enumerated() {
            guard line.trimmingCharacters(in: .whitespaces).hasPrefix("."), !Parser.isIncomplete(statement.joined(separator: "\n")) else {
                statement.append(line)
                continue
            }
            dots.insert(n)
            statement = []
        }
        return dots
    }

    /// Piped input (`tend < script`) runs as a script, as `tend run -` does: checked whole
    /// first (nothing runs when any of it is wrong), then run in one transaction, which a
    /// run-time error rolls back whole. A dot-command line is carried out where it stands:
    /// `.mode`, `.today`, `.schema` and `.help` between the statements around it, `.read FILE`
    /// as `load "FILE"`, `.rules` as `rules`; `.quit` ends the input. An unknown dot-command or
    /// a wrong argument is an error with its line, as a statement's would be.
    public func runPiped(_ piped: Source, readOnly: Bool) -> ExitStatus {
        // Lines ended by CRLF (a file from Windows) are lines too.
        let source = REPL.withNewlines(piped)
        var lines = REPL.lines(of: source)
        let dots = REPL.dotCommandLines(lines)
        var between: [(line: Int, command: DotCommand)] = []
        var problems: [Diagnostic] = []
        var offset = 0
        for n in lines.indices {
            let line = lines[n]
            defer { offset += line.utf8.count + 1 }
            guard dots.contains(n) else { continue }
            switch DotCommand.parse(line.trimmingCharacters(in: .whitespaces)) {
            case .failure(let problem):
                let column = line.utf8.count - line.drop { $0 == " " || $0 == "\t" }.utf8.count
                problems.append(
                    Diagnostic(.syntax, problem.message, at: SourceRange(offset + column, offset + line.utf8.count), in: source, suggestion: problem.suggestion))
                lines[n] = ""
            case .success(.quit):
                lines.removeSubrange(n...)
                return problems.isEmpty ? runChecked(source, lines, between, readOnly: readOnly) : invalid(problems, source, lines, readOnly: readOnly)
            case .success(.read(let path)):
                lines[n] = "load " + ScriptWriter.quote(REPL.expandingHome(path))
            case .success(.rules):
                lines[n] = "rules"
            case .success(let command):
                between.append((n + 1, command))
                lines[n] = ""
            }
        }
        return problems.isEmpty ? runChecked(source, lines, between, readOnly: readOnly) : invalid(problems, source, lines, readOnly: readOnly)
    }

    /// Reports the wrong dot-commands with every problem of the statements around them, in the
    /// order of their lines, as one run's check would (with --read-only's refusals only under it).
    private func invalid(_ problems: [Diagnostic], _ source: Source, _ lines: [String], readOnly: Bool) -> ExitStatus {
        let statements = session.prepare([Source(name: source.name, text: lines.joined(separator: "\n"))], readOnly: readOnly).diagnostics
        let all = (problems + statements).enumerated().sorted { a, b in
            func line(_ d: Diagnostic) -> Int { d.source.map { $0.name == source.name ? $0.location(of: d.range.start).line : 0 } ?? 0 }
            return (line(a.element), a.offset) < (line(b.element), b.offset)
        }
        session.report(all.map(\.element))
        return .invalid
    }

    /// The text with each CRLF (and lone CR) made a line feed.
    static func withNewlines(_ source: Source) -> Source {
        guard source.text.utf8.contains(13) else { return source }
        return Source(name: source.name, text: source.text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n"))
    }

    /// The piped statements (dot-command lines blanked, so that errors keep the input's line
    /// numbers) as one run, with the dot-commands carried out between them.
    private func runChecked(_ source: Source, _ lines: [String], _ between: [(line: Int, command: DotCommand)], readOnly: Bool) -> ExitStatus {
        let text = Source(name: source.name, text: lines.joined(separator: "\n"))
        session.pipedDotCommands = Session.PipedDotCommands(
            source: text, commands: between.map { entry in (entry.line, { [unowned self] in self.perform(entry.command) }) })
        defer { session.pipedDotCommands = nil }
        return session.runScripts([text], bail: false, readOnly: readOnly)
    }

    func runInitScript() {
        let config = xdgDirectory("XDG_CONFIG_HOME") ?? homeDirectory() + "/.config"
        let path = config + "/tend/init.tend"
        guard FileManager.default.fileExists(atPath: path) else { return }
        do {
            let source = try Session.readSource(path)
            let quiet = session.quiet
            session.quiet = true
            // Run as piped input is: a start-up file is where `.mode csv` and `.today` go.
            _ = runPiped(source, readOnly: false)
            session.quiet = quiet
        } catch {
            session.console.err("\(path): \(error)")
        }
    }

    // MARK: - Dot-commands

    /// The dot-commands, as `.help` lists them and completion offers them.
    static let dotCommands = [".help", ".quit", ".exit", ".mode", ".schema", ".read", ".rules", ".today"]

    /// A dot-command line typed at the prompt: carried out, or its problem shown.
    func dotCommand(_ line: String) {
        switch DotCommand.parse(line) {
        case .success(let command): perform(command)
        case .failure(let problem):
            // A mistyped line may hold a connection string: its password is not shown.
            session.console.err(DiagnosticFormatter.maskingPasswords(problem.message + (problem.suggestion.map { "; did you mean \($0)?" } ?? "")))
            if line.hasPrefix(".mode") { session.console.err("(the output is \(session.renderer.format.rawValue) now)") }
        }
    }

    func perform(_ command: DotCommand) {
        switch command {
        case .quit:
            ended = true
        case .help(let topic):
            session.console.out(DiagnosticFormatter.maskingPasswords(Help.wrapped(Help.text(topic), width: session.renderer.width)))
        case .mode(let format):
            session.renderer.format = format
        case .schema(let name):
            session.console.out(DiagnosticFormatter.maskingPasswords(Help.schema(name, definitions: session.interpreter.definitions)))
        case .read(let path):
            do {
                // As `load` does: Tend scripts only, so that no other file's lines are shown.
                let source = try Session.readScript(REPL.expandingHome(path))
                // Run as piped input is, its own dot-commands included (`.mode csv` in a file of
                // settings a start-up script reads).
                _ = runPiped(source, readOnly: false)
            } catch {
                session.console.err(DiagnosticFormatter.maskingPasswords("\(path): \(error)"))
            }
        case .rules:
            _ = session.runScripts([Source(name: "<repl>", text: "rules")], bail: false, readOnly: false)
        case .today(nil):
            // As a value is printed in the format: a JSON string beside JSON.
            session.console.out(session.renderer.format == .json ? "\"\(session.today)\"" : session.today.description)
        case .today(let day?):
            session.today = day
            // For people: on standard error beside JSON, CSV or TSV, which a program reads.
            let said = "Today is \(day) for this session."
            if session.renderer.format == .table { session.console.out(said) } else { session.console.err(said) }
        }
    }
}

/// A line of the REPL (or of piped input) that starts with a dot.
enum DotCommand {
    case quit
    case help(String?)
    case mode(OutputFormat)
    case schema(String?)
    case read(String)
    case rules
    /// `.today` shows the session's day; `.today DATE` sets it.
    case today(Day?)

    struct Problem: Error {
        var message: String
        var suggestion: String?
    }

    static func parse(_ line: String) -> Result<DotCommand, Problem> {
        let parts = line.split(maxSplits: 1, whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        let arg = parts.count > 1 ? parts[1].trimmingCharacters(in: .whitespaces) : ""
        switch parts.first ?? line {
        case ".quit", ".exit", ".q": return .success(.quit)
        case ".help", ".h": return .success(.help(arg.isEmpty ? nil : arg))
        case ".mode":
            guard let format = OutputFormat(rawValue: arg) else {
                return .failure(Problem(message: "usage: .mode table|json|csv|tsv" + (arg.isEmpty ? "" : " (not \(arg))")))
            }
            return .success(.mode(format))
        case ".schema": return .success(.schema(arg.isEmpty ? nil : arg))
        case ".read":
            // A name in quotes, as `load` takes it and a shell user writes one with blanks.
            var path = arg
            if path.count >= 2, let q = path.first, q == "\"" || q == "'", path.last == q { path = String(path.dropFirst().dropLast()) }
            guard !path.isEmpty else { return .failure(Problem(message: "usage: .read FILE")) }
            return .success(.read(path))
        case ".rules": return .success(.rules)
        case ".today":
            if arg.isEmpty { return .success(.today(nil)) }
            guard let day = Day(iso: arg), !day.isYearless else {
                // A date's shape on a day the calendar does not have (2026-02-30) is said so.
                if let why = Day.problem(iso: arg) { return .failure(Problem(message: "\(TerminalText.escaped(arg)) is not a date on the calendar: \(why)")) }
                return .failure(Problem(message: "usage: .today YYYY-MM-DD"))
            }
            return .success(.today(day))
        case let name:
            return .failure(Problem(message: "unknown command \(name) (.help lists them)", suggestion: closest(name, among: REPL.dotCommands).first))
        }
    }
}

/// The lines of a statement typed so far, shared by the REPL and its completion.
final class TypedLines {
    var text = ""
}

/// Tab completion that knows the language and the database.
struct Completer {
    let session: Session
    /// The statement's lines before the cursor's (completion reads them: a string opened there
    /// is still open).
    var earlierLines: TypedLines?

    static let keywords: [String] = Keyword.all + Stage.allCases.map(\.description)

    /// What may complete the word that ends `before` (the line up to the cursor).
    func complete(_ before: String) -> Completion {
        // Inside a string opened on an earlier line of the statement: a Tab is a tab of the text.
        if let lines = earlierLines?.text, !lines.isEmpty {
            let earlier = lines + "\n"
            let whole = earlier + before
            if let quote = Completer.openQuote(whole), quote < whole.index(whole.startIndex, offsetBy: earlier.count) {
                return Completion(word: "", candidates: [], keepsTab: true)
            }
        }
        let line = before.drop { $0 == " " }
        if line.hasPrefix(".") { return dotCommand(String(line)) }
        // Inside a string, but not inside its interpolation (`{…`, where the language is back).
        if let quote = Completer.openQuote(before), case let inside = String(before[before.index(after: quote)...]),
            !Completer.inInterpolation(inside)
        {
            return inString(before[..<quote], inside)
        }
        var start = before.endIndex
        while start > before.startIndex {
            let c = before[before.index(before: start)]
            guard c.isLetter || c.isNumber || c == "_" || c == "@" || c == "-" || c == "." else { break }
            start = before.index(before: start)
        }
        let word = String(before[start...])
        let head = before[..<start]
        let words = head.split(whereSeparator: { $0 == " " || $0 == "\t" })
        // A tag after `+` (the sign is not part of the word) or `-` (it is).
        if head.last == "+" && Completer.startsTag(head.dropLast()) {
            return Completion(word: word, candidates: matching(word, in: tags()))
        }
        if word.hasPrefix("-") && Completer.startsTag(head) {
            return Completion(word: word, candidates: matching(word, in: tags().map { "-" + $0 }))
        }
        // A phrase's next word (`who ` → serves, can, knows, is; `sort ` → by), and only those.
        if head.last == " " || head.last == "\t", !word.contains("."), !word.hasPrefix("@"), let next = Completer.nextWords(after: words) {
            return Completion(word: word, candidates: matching(word, in: next, empty: true))
        }
        if words.count == 1, let verb = words.first, verb == "import" || verb == "export", head.last == " " {
            return Completion(word: word, candidates: matching(word, in: verb == "import" ? FileFormats.imports : FileFormats.exports))
        }
        if word.hasPrefix("@") {
            if let dot = word.firstIndex(of: ".") {
                let field = String(word[word.index(after: dot)...])
                return Completion(word: field, candidates: matching(field, in: Schema.contacts.fields.map(\.name), empty: true))
            }
            return Completion(word: word, candidates: matching(word, in: ((try? session.store.handles()) ?? []).map { "@" + $0 }))
        }
        if let dot = word.lastIndex(of: ".") {
            let field = String(word[word.index(after: dot)...])
            let fields = Schema.all.flatMap { $0.fields.map(\.name) } + Schema.me.map(\.name)
            return Completion(word: field, candidates: matching(field, in: fields, empty: word.count > 1))
        }
        let defs = session.interpreter.definitions
        let pool =
            Completer.keywords + Schema.queryable.map(\.name) + Schema.all.flatMap { $0.fields.map(\.name) }
            + Builtin.all.map(\.name) + Array(defs.lets.keys) + Array(defs.fns.keys) + Array(defs.scores.keys)
        let found = matching(word, in: pool)
        // A function goes in with its parenthesis: after a space, `days_since (…)` does not parse.
        if found.count == 1, Builtin.byName[found[0]] != nil || defs.fns[found[0]] != nil, !Completer.keywords.contains(found[0]) {
            return Completion(word: word, candidates: found, closing: "(")
        }
        return Completion(word: word, candidates: found)
    }

    /// Inside a string opened after `head`, with `inside` typed so far: a file's name after
    /// import, export, load or save; a rule's name after `rule`; a market's after `who serves`;
    /// a goal's after `who can help` and `helps @x`;
    /// else nothing (not language words, which are no part of a path), and a Tab is a tab in the text.
    private func inString(_ head: Substring, _ inside: String) -> Completion {
        let lead = head.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        // Names go in as the language writes them inside a string (`\"`, `\\`, `\{`, `\u{1B}`),
        // and a sole one closes the string.
        func named(_ names: [String]) -> Completion {
            let written = names.map { String(ScriptWriter.quote($0).dropFirst().dropLast()) }
            return Completion(word: inside, candidates: matching(inside, in: written, empty: true), closing: "\"")
        }
        func goals() -> Completion { named((try? session.store.network(events: false).goals.map(\.name)) ?? []) }
        switch (lead.first, lead.last) {
        case ("import"?, _), ("export"?, _), ("load"?, _), ("save"?, _):
            // The path as typed is escaped (`my\"dir/`): the folder is looked up as it is named.
            let found = files(Completer.unescaped(inside))
            let written = found.candidates.map { String(ScriptWriter.quote($0).dropFirst().dropLast()) }
            let typed = inside.lastIndex(of: "/").map { String(inside[inside.index(after: $0)...]) } ?? inside
            return Completion(word: typed, candidates: written.filter { $0.hasPrefix(typed) }, closing: "\"")
        case (let first?, "rule"?) where first != "rule":
            return named(session.interpreter.definitions.rules.map(\.name))
        case ("who"?, "serves"?):
            return named((try? session.store.network(events: false).markets.map(\.name)) ?? [])
        // A goal's name: `who can help "…`, `helps @x "…`.
        case ("who"?, "help"?):
            return goals()
        case ("helps"?, _) where lead.count <= 2:
            return goals()
        default: return Completion(word: inside, candidates: [], keepsTab: true)
        }
    }

    /// The words a phrase goes on with, by its last words (two, then one): `who can` → help.
    static let phrases: [String: [String]] = [
        "who": ["serves", "can", "knows", "is"], "who can": ["help"], "who is": ["overdue"], "who serves": ["my"],
        "serves my": ["preferred"], "my preferred": ["client"], "sort": ["by"], "group": ["by"], "reset": ["rules"],
        "numbers": ["given"], "agenda": ["all", "by", "limit", "on"], "agenda by": ["item"], "path": ["to"], "gaps": ["in"],
    ]

    /// The words that may follow `words` (the line's before the word completed), or nil.
    static func nextWords(after words: [Substring]) -> [String]? {
        let last = words.suffix(2).map { $0.lowercased() }
        if last.count == 2, let next = phrases[last.joined(separator: " ")] { return next }
        // A statement's word goes on so only as the statement's first word (`print numbers `).
        if let word = last.last, ["agenda", "numbers", "reset"].contains(word), words.count > 1 { return nil }
        return last.last.flatMap { phrases[$0] }
    }

    /// A sign starts a tag after the start of input, whitespace, `(`, `[`, `,` or `:`.
    static func startsTag(_ before: Substring) -> Bool {
        guard let c = before.last else { return true }
        return c == " " || c == "\t" || "([,:{".contains(c)
    }

    /// Dot-commands, and their arguments where they are words from a list.
    func dotCommand(_ line: String) -> Completion {
        let parts = line.split(separator: " ", omittingEmptySubsequences: false)
        guard parts.count > 1 else { return Completion(word: line, candidates: matching(line, in: REPL.dotCommands)) }
        let word = String(parts.last!)
        let pool: [String]
        switch parts[0] {
        case ".mode": pool = OutputFormat.allCases.map(\.rawValue)
        case ".help", ".h": pool = Help.topics.map(\.name) + ["fields", "functions"]
        case ".schema": pool = Schema.queryable.map(\.name)
        case ".read": return parts.count == 2 ? files(word) : Completion(word: word, candidates: [])
        default: pool = []
        }
        return Completion(word: word, candidates: parts.count == 2 ? matching(word, in: pool, empty: true) : [])
    }

    func tags() -> [String] { (try? session.store.tags()) ?? [] }

    /// Whether the cursor is inside a `{…}` of a string's text (an escaped `\{` opens none).
    static func inInterpolation(_ inside: String) -> Bool {
        var depth = 0
        var escaped = false
        for c in inside {
            if escaped {
                escaped = false
            } else if c == "\\" {
                escaped = true
            } else if c == "{" {
                depth += 1
            } else if c == "}" {
                depth = max(0, depth - 1)
            }
        }
        return depth > 0
    }

    /// A string's text as typed, its escapes undone (`\"`, `\\`, `\{`, `\}`, `\n`, `\t`, `\u{1B}`);
    /// an escape left unfinished at the cursor is kept as typed.
    static func unescaped(_ typed: String) -> String {
        var out = ""
        var rest = Substring(typed)
        while let slash = rest.firstIndex(of: "\\") {
            out += rest[..<slash]
            let next = rest.index(after: slash)
            guard next < rest.endIndex else { return out + rest[slash...] }
            switch rest[next] {
            case "n": out += "\n"
            case "t": out += "\t"
            case "u":
                guard rest[rest.index(after: next)...].hasPrefix("{"), let close = rest[next...].firstIndex(of: "}"),
                    let scalar = UInt32(rest[rest.index(next, offsetBy: 2)..<close], radix: 16).flatMap(Unicode.Scalar.init)
                else { return out + rest[slash...] }
                out.unicodeScalars.append(scalar)
                rest = rest[rest.index(after: close)...]
                continue
            default: out.append(rest[next])
            }
            rest = rest[rest.index(after: next)...]
        }
        return out + rest
    }

    /// Where the string the cursor is in opens, or nil when it is not in one (a `\"` inside a
    /// string is no end).
    static func openQuote(_ before: String) -> String.Index? {
        var open: String.Index?
        var escaped = false
        for i in before.indices {
            let c = before[i]
            if open != nil && escaped {
                escaped = false
            } else if open != nil && c == "\\" {
                escaped = true
            } else if c == "\"" {
                open = open == nil ? i : nil
            }
        }
        return open
    }

    /// The files and folders (with a `/`) whose names start as the path's last part does; `~/`
    /// is the home folder. Hidden ones only when the part starts with a dot.
    func files(_ path: String) -> Completion {
        let slash = path.lastIndex(of: "/")
        let folder = slash.map { String(path[...$0]) } ?? ""
        let part = slash.map { String(path[path.index(after: $0)...]) } ?? path
        var directory = folder.isEmpty ? "." : folder
        if directory.hasPrefix("~/") { directory = homeDirectory() + directory.dropFirst() }
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        let candidates = names.filter { $0.hasPrefix(part) && (part.hasPrefix(".") || !$0.hasPrefix(".")) }.sorted().map { name -> String in
            var isFolder: ObjCBool = false
            _ = FileManager.default.fileExists(atPath: PathName.joined(directory, name), isDirectory: &isFolder)
            return isFolder.boolValue ? name + "/" : name
        }
        return Completion(word: part, candidates: candidates)
    }

    /// The pool's words that start as `word` does; with `empty`, all of them when it is empty
    /// (the fields after `@x.`, a dot-command's words, the names a string may hold), else none
    /// (every word of the language at once says nothing).
    func matching(_ word: String, in pool: [String], empty: Bool = false) -> [String] {
        guard !word.isEmpty || empty else { return [] }
        return Array(Set(pool.filter { $0.hasPrefix(word) })).sorted()
    }
}
