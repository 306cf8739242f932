import Foundation

/// Checks statements before anything runs: unknown names, fields and functions (with "did you
/// mean"), type mismatches, wrong argument counts, recursion, and `it` outside a row.
public struct Checker {
    public internal(set) var definitions: Definitions
    public internal(set) var diagnostics: [Diagnostic] = []
    /// For each definition ("fn:weeks_over", "let:vips", "score:priority", "rule:x"), what it
    /// uses: definitions, and the sources that evaluate definitions (`Checker.evaluators`).
    var dependencies: [String: Set<String>] = [:]
    /// Definitions the script redefined, with the statement: their users are checked at the end.
    var redefined: [(key: String, statement: Statement)] = []
    var currentDeps: Set<String> = []
    /// Let types and fn steps, worked out once (shared by copies of this checker).
    let facts = DefinitionFacts()
    var source: Source?
    /// Where the statement being checked starts: an unknown name there was likely a misspelt
    /// statement word (`lgo lunch with @x`).
    var statementStart: Int?
    /// The let whose value is being checked: its own name in it is a cycle, not an unknown name.
    var defining: String?
    /// Every statement that changes data, for `--read-only`.
    public private(set) var mutations: [Statement] = []
    /// Whether `x in …` must look for what the right side holds. Not in a definition (a let, fn,
    /// rule, score or goal's metric), stored or new: definitions are kept in the database and a
    /// dump replays them, so every one a database holds restores and can be redefined around (a
    /// rule may hold `count(interactions where it in people)`, always 0).
    var checksMembership = true
    /// What `expect` wants of the bare name it checks, and what it is called there.
    var expecting: (type: ValueType, what: String)?
    /// Set for a checker of what is stored (a goal's metric): `checksMembership` stays off.
    var checksDefinitions = false
    /// What each name checked so far turned out to be: the definitions' bodies and the statements'.
    public private(set) var resolutions = Resolutions()

    public init(definitions: Definitions) {
        self.definitions = definitions
        // Learn what the existing definitions use, in the order they were made, so that each
        // let's type is known before the lets that use it ask for it.
        for key in Checker.keys(of: definitions) { learn(key) }
        diagnostics = []
    }

    /// The definitions that use a definition directly, as keys (`"score:priority"`, `"rule:x"`):
    /// what `drop` must not leave dangling.
    public func users(of key: String) -> [String] {
        dependencies.filter { $0.value.contains(key) }.map(\.key).sorted()
    }

    /// The definitions an expression outside any row uses (a goal's metric), as keys.
    public mutating func uses(_ e: Expr) -> Set<String> {
        let saved = diagnostics
        defer { diagnostics = saved }
        return depsOf(e, scope: Scope())
    }

    private mutating func depsOf(_ e: Expr, scope: Scope) -> Set<String> {
        currentDeps = []
        _ = check(e, scope)
        return currentDeps
    }

    func fnScope(_ params: [String]) -> Scope {
        var s = Scope()
        for p in params { s.locals[p] = .any }
        return s
    }

    /// Scope of an expression: the row in view (a collection's name), parameters, a group.
    struct Scope {
        var row: String?
        /// The name `as` gave the row in view (`contacts as c`).
        var rowName: String?
        var locals: [String: ValueType] = [:]
        var grouped = false
        var groupKeys: [String] = []
        init(row: String? = nil, named rowName: String? = nil) {
            self.row = row
            self.rowName = rowName
        }

        /// The type of the row in view: a contact, a row of a collection, or unknown.
        var rowType: ValueType {
            guard let row else { return .any }
            if row == "contacts" { return .contact }
            return Schema.collection(row: row) != nil ? .row(row) : .any
        }

        /// The scope of a query nested in this one, over `collection`'s rows named `name`: the
        /// row this scope named is a local there.
        func nested(over collection: String?, named name: String?) -> Scope {
            var s = self
            if let outer = rowName { s.locals[outer] = rowType }
            s.row = collection ?? "*"
            s.rowName = name
            s.grouped = false
            return s
        }
    }

    // MARK: - Statements

    /// Checks statements in order; definitions made by earlier ones are visible to later ones.
    public mutating func check(_ statements: [Statement]) {
        for s in statements { check(s) }
        checkRedefinedUsers()
    }

    mutating func report(_ message: String, _ range: SourceRange, suggestion: String? = nil, notes: [String] = []) {
        diagnostics.append(Diagnostic(.type, message, at: range, in: source, suggestion: suggestion, notes: notes))
    }

    public mutating func check(_ s: Statement) {
        source = s.source
        statementStart = s.range.start
        currentDeps = []
        switch s.kind {
        case .letDef, .fnDef, .scoreDef, .ruleDef, .goal: checksMembership = false
        default: checksMembership = !checksDefinitions
        }
        switch s.kind {
        case .letDef, .fnDef, .scoreDef, .ruleDef, .drop: facts.calls = [:]
        default: break
        }
        if Checker.isMutation(s) { mutations.append(s) }
        switch s.kind {
        case .expr(let e), .print(let e):
            _ = check(e, Scope())
        case .explain(let inner):
            // The statement explained is not run: it changes nothing (it was refused under
            // --read-only, and took the write lock).
            let kept = mutations.count
            check(inner)
            mutations.removeSubrange(kept...)
        case .add(let name, let options):
            checkAdd(name, options)
        case .set(let target, let options, let on):
            checkSet(target, options, on, s.range)
        case .market(let name, let options):
            expect(name, .string, Scope(), "the market's name")
            refuseEmpty(name, "a market needs a name")
            checkOptions(options, allowed: ["served_by": .list(.string)], flags: [])
        case .log, .refer, .referral, .introduce, .spend:
            checkEvent(s)
        case .knows(let people):
            checkKnows(people, s.range)
        case .goal(let name, let by, let options, let period):
            checkGoal(s, name, by, options, period)
        case .helps(_, let goal):
            expect(goal, .string, Scope(), "the goal's name")
        case .drop(let kind, let name, let cascade):
            checkDrop(kind, name, cascade)
        case .merge, .unsnooze, .resetRules:
            break
        case .remove(let what):
            switch what {
            case .event(_, let id): checkEventNumber(id)
            case .market(let e), .goal(let e): expect(e, .string, Scope(), "the name")
            case .person, .knows: break
            }
        case .snooze(_, let duration, let until):
            checkSnooze(duration, until)
        case .agenda(let command):
            checkAgenda(command)
        case .journal(let command):
            checkJournal(command)
        case .edit(let target):
            if case .event(_, let id) = target { checkEventNumber(id) }
        case .letDef(let name, let value):
            checkLet(s, name, value)
        case .fnDef(let name, let params, let body):
            checkFn(s, name, params, body)
        case .ruleDef(let name, let row, let when, let message, let priority, _):
            checkRule(s, name, row, when, message, priority)
        case .scoreDef(let name, let row, let value):
            checkScore(s, name, row, value)
        case .load(let path), .save(let path, _):
            expect(path, .string, Scope(), "a file name")
        case .assert(let cond, let message):
            expect(cond, .bool, Scope(), "an assertion")
            if let message { expect(message, .string, Scope(), "the assertion's message") }
        case .importFile(let format, let path, let options):
            checkImport(s, format, path, options)
        case .exportFile(let format, let path, let query, _):
            checkExport(s, format, path, query)
        case .numbersGiven(let options):
            checkNumbersGiven(options, s.range)
        }
    }

    /// `numbers given interactions: 12, contacts: 40`: numbered collections, each given a
    /// number as an id is (a whole number from 1).
    private mutating func checkNumbersGiven(_ options: [Option], _ range: SourceRange) {
        if options.isEmpty { report("numbers given names a collection and a number, as in: numbers given interactions: 12", range) }
        checkOptions(options, allowed: Dictionary(uniqueKeysWithValues: Change.numbered.map { ($0, .number) }), flags: [])
        for case .pair(_, let value, _) in options {
            switch value.kind {
            case .literal(.number(let n)) where StoredRange.problem(id: .number(n)) != nil: report(StoredRange.numberGivenProblem, value.range)
            case .literal(.null): report(StoredRange.numberGivenProblem, value.range)
            case .unary(_, let operand):
                if case .literal(.number) = operand.kind { report(StoredRange.numberGivenProblem, value.range) }
            default: break
            }
        }
    }

    /// Whether a statement changes data or definitions: what a run must write, and what
    /// `--read-only` refuses.
    public static func isMutation(_ s: Statement) -> Bool {
        switch s.kind {
        case .expr, .explain, .load, .assert, .print, .journal(.history): return false
        // A dry run only reads: it must not hold the write lock while it reads a large file.
        case .importFile(_, _, let options): return !options.contains { $0.name == "dry_run" }
        // A vdir export gives contacts without a UID one, and keeps it.
        case .exportFile(let format, _, _, _): return format == "vdir"
        case .agenda(let command):
            if case .page = command { return false }
            return true
        default: return true
        }
    }

    /// An event's number: a number, and when written as one, a whole number from 1 that an id
    /// can be (`remove interaction 99999999999999999999` ran, and stopped at run time, exit 3).
    private mutating func checkEventNumber(_ id: Expr) {
        expect(id, .number, Scope(), "the event's number")
        if let n = Checker.literalNumber(id), (StoredRange.id(.number(n)) ?? 0) < 1 {
            report("an event's number is a whole number from 1, as interactions, referrals, introductions and spending show it", id.range)
        }
    }

    /// `add "Name" options…`.
    private mutating func checkAdd(_ name: Expr, _ options: [Option]) {
        expect(name, .string, Scope(), "a contact's name")
        // Found when checking, as a market's is (it was a run-time error, exit 3).
        refuseEmpty(name, "a contact needs a name")
        checkContactOptions(options, adding: true)
        checkID(options, of: "a contact")
    }

    /// `knows @a @b …`.
    private mutating func checkKnows(_ people: [Person], _ range: SourceRange) {
        if people.count < 2 { report("knows takes two or more people, as in: knows @dana-lee @mike-chen", range) }
        // A repeat in a longer list is passed over (`knows @a @b @a` records a and b); one
        // person alone, however often named, is no pair.
        if people.count >= 2 && Set(people.map(\.handle)).count < 2 { refuseRepeated(people, "knows takes two or more different people") }
    }

    /// `undo N`, `history limit N`.
    private mutating func checkJournal(_ command: JournalCommand) {
        switch command {
        case .undo(let count?):
            expect(count, .number, Scope(), "how many changes to undo")
            checkLiteralCount(count, "undo")
        case .history(let limit?):
            expect(limit, .number, Scope(), "how many changes to list")
            checkLiteralCount(limit, "history limit")
        case .undo(nil), .history(nil):
            break
        }
    }

    /// `set @x …`, `set me …`, `set interaction 3 …`, `set contacts where … …`.
    private mutating func checkSet(_ target: Statement.Target, _ options: [Option], _ on: Expr?, _ range: SourceRange) {
        // An event's `on DATE` alone moves it; a contact's dates a stage change, which needs a stage.
        let moves: Bool = { if case .event = target { on != nil } else { false } }()
        if options.isEmpty && !moves {
            // It said "Updated @x." and changed nothing.
            report("set needs a field to change, as in: set @dana-lee stage: credibility", range)
        }
        if case .me = target {
            checkMeOptions(options)
        } else if case .event(let kind, let id) = target {
            checkEventNumber(id)
            let logged = Checker.eventOptions[kind]!
            checkOptions(options, allowed: logged.allowed.merging(Checker.correctionOptions[kind] ?? [:]) { a, _ in a }, flags: logged.flags)
        } else {
            if case .query(let q) = target {
                let t = check(q, Scope())
                if case .rows(let c) = t, c != "contacts" {
                    report("set changes contacts; this query returns \(t)", q.range)
                }
            }
            checkContactOptions(options.filter { !Checker.isStageChangeOption($0) }, adding: false)
            checkStageChangeID(target, options, on)
            checkStageChangeAuthor(options)
        }
        if let on, case .literal(.null) = on.kind, case .event(let kind, _) = target {
            // What `edit` writes when an event's date line is deleted.
            report("\(kind == .interaction || kind == .introduction ? "an" : "a") \(kind.rawValue) keeps its date: give another one, as in: on 2026-11-20", on.range)
        } else if let on {
            expect(on, .date, Scope(), "the date of the stage change")
        }
    }

    /// `set @x stage: S on DATE id: N`: the number of the stage change it records (a dump's,
    /// after a gap). One contact's, dated, so that the statement always records one.
    private mutating func checkStageChangeID(_ target: Statement.Target, _ options: [Option], _ on: Expr?) {
        let ids = options.filter(Checker.isID)
        guard let first = ids.first else { return }
        guard case .person = target, on != nil, options.contains(where: { $0.name == "stage" }) else {
            report("id: numbers a stage change: it goes with one contact's stage: … on DATE", first.range)
            return
        }
        for extra in ids.dropFirst() { report("'id:' is given twice", extra.range) }
        checkID(ids)
    }

    /// `id: N` of a new event or contact is its number written out (a dump writes it after a
    /// gap): what a run numbers a row must not hang on the data.
    private mutating func checkID(_ options: [Option], of what: String = "an event") {
        for case .pair("id", let value, _) in options {
            var problem = StoredRange.problem(id: .null, of: what)
            if case .literal(let v) = value.kind { problem = StoredRange.problem(id: v, of: what) }
            if let problem { report(problem + ", written out", value.range) }
        }
    }

    /// `set @x stage: S by: "member"`: who changed the stage (a dump's, as events carry theirs).
    private mutating func checkStageChangeAuthor(_ options: [Option]) {
        var seen = false
        for case .pair("by", let value, let range) in options {
            if seen { report("'by:' is given twice", range) }
            seen = true
            if !options.contains(where: { $0.name == "stage" }) {
                report("by: names who changed a stage: it goes with stage: …", range)
            }
            expect(value, .string, Scope(), "who changed the stage")
        }
    }

    /// The options of `set` that belong to the stage change it records, not to the contact.
    static func isStageChangeOption(_ o: Option) -> Bool { o.name == "id" || o.name == "by" }

    static func isID(_ o: Option) -> Bool {
        if case .pair("id", _, _) = o { return true }
        return false
    }

    /// A person named twice where the statement needs different people (found when checking:
    /// it was a run-time error, exit 3, that `tend check` passed).
    mutating func refuseRepeated(_ people: [Person], _ message: String) {
        var seen = Set<String>()
        for p in people where !seen.insert(p.handle).inserted { report("@\(p.handle) is named twice: \(message)", p.range) }
    }

    /// The statements that log an event: log, refer, referral, introduce, spend.
    private mutating func checkEvent(_ s: Statement) {
        switch s.kind {
        case .log(let kind, _, let on, let options):
            if kind.trimmed.isEmpty { report("an interaction needs a kind, as in: log call with @dana-lee", s.range) }
            if let on { expect(on, .date, Scope(), "the date") }
            checkOptions(options, allowed: Checker.logOptions, flags: Checker.logFlags)
            checkID(options)
        case .refer(let about, _, let on, let options):
            if let about {
                _ = check(about, Scope())
                refuseEmpty(about, "a referral needs what it is about: a name, or the contact")
            }
            if let on { expect(on, .date, Scope(), "the date") }
            checkOptions(options, allowed: Checker.logged(.referral), flags: Checker.eventOptions[.referral]!.flags)
            checkID(options)
        case .referral(_, let about, let on, let options):
            if let about { _ = check(about, Scope()) }
            if let on { expect(on, .date, Scope(), "the date") }
            checkOptions(options, allowed: Checker.logged(.referral), flags: Checker.eventOptions[.referral]!.flags)
            checkID(options)
        case .introduce(let people, let on, let options):
            if people.count != 2 {
                report("introduce takes two people, as in: introduce @ana-park and @dana-lee", s.range)
            }
            refuseRepeated(people, "introduce takes two different people")
            if let on { expect(on, .date, Scope(), "the date") }
            checkOptions(options, allowed: Checker.logged(.introduction), flags: [])
            checkID(options)
        case .spend(let amount, _, let on, let options):
            expect(amount, .number, Scope(), "the amount")
            checkLiteralMoney(amount, "the amount")
            if let on { expect(on, .date, Scope(), "the date") }
            checkOptions(options, allowed: Checker.logged(.spend), flags: [])
            checkID(options)
        default:
            break
        }
    }

    /// `goal "NAME" by DATE metric: … target: N per PERIOD`.
    private mutating func checkGoal(_ s: Statement, _ name: Expr, _ by: Expr?, _ options: [Option], _ period: (Day.Period, SourceRange)?) {
        expect(name, .string, Scope(), "the goal's name")
        refuseEmpty(name, "a goal needs a name")
        if let by { expect(by, .date, Scope(), "the goal's due date") }
        // A metric is compared with a number (its target), and shown as one.
        let before = diagnostics.count
        checkOptions(options, allowed: ["metric": .number, "target": .number, "due": .date], flags: [])
        // A metric in quotes is text, not the expression it spells: said so, with it unquoted.
        for case .pair("metric", let e, _) in options {
            guard case .literal(.string(let text)) = e.kind, let i = diagnostics[before...].firstIndex(where: { $0.range == e.range }) else { continue }
            diagnostics[i].message = "a goal's metric is an expression that counts or sums (count(interactions where …)), not text in quotes"
            diagnostics[i].suggestion = text
        }
        let hasTarget = options.contains { $0.name == "target" }
        if hasTarget && period == nil {
            report("a target needs a period, as in: target: 12 per quarter", s.range)
        }
        checkMetric(name, options, s)
    }

    /// `import FORMAT "FILE" …`: contacts, or touches from calendars and mail.
    private mutating func checkImport(_ s: Statement, _ format: String, _ path: Expr, _ options: [Option]) {
        if !FileFormats.imports.contains(format) {
            report(
                "cannot import '\(format)'; formats are \(FileFormats.imports.joined(separator: ", "))", s.range,
                suggestion: closest(format, among: FileFormats.imports).first)
        }
        expect(path, .string, Scope(), "a file name")
        if FileFormats.touchImports.contains(format) {
            checkOptions(options, allowed: [:], flags: ["dry_run", "skip_bad", "plan", "no_notes"])
        } else {
            checkOptions(options, allowed: ["map": .record], flags: ["dry_run", "skip_bad", "update"])
        }
    }

    /// `export FORMAT "FILE" [QUERY]`.
    private mutating func checkExport(_ s: Statement, _ format: String, _ path: Expr, _ query: Expr?) {
        if !FileFormats.exports.contains(format) {
            report(
                "cannot export '\(format)'; formats are \(FileFormats.exports.joined(separator: ", "))", s.range,
                suggestion: closest(format, among: FileFormats.exports).first)
        }
        expect(path, .string, Scope(), "a file name")
        guard let query else { return }
        // Found when checking, as every other slip in the statement is (it was exit 3).
        switch check(query, Scope()) {
        case .rows, .any: break
        case let t: report("export takes a query, as in: export csv \"vip.csv\" contacts where +vip; this is \(article(t))", query.range)
        }
        // An export writes whole contacts (each with every field its format keeps): rows made
        // into records or groups hold no contact, and the file came out empty.
        if case .query(let q) = query.kind, let clause = q.show.first?.0 ?? q.groupBy.first {
            report(
                "export writes whole contacts, with every field the format keeps: leave out `\(q.show.isEmpty ? "group by" : "show")`",
                clause.range,
                notes: ["to write chosen columns, print the query as CSV: tend --format csv -e 'contacts where … show …'"])
        }
    }

    mutating func checkName(_ name: String, _ s: Statement) {
        if Schema.collection(named: name) != nil || Parser.statementWords.contains(name) {
            report("'\(name)' is already a word of the language; choose another name", s.range)
        }
    }

    static let contactOptionTypes: [String: ValueType] = {
        var m: [String: ValueType] = [:]
        for f in Schema.contacts.fields where !f.derived && !["id", "own_cadence"].contains(f.name) { m[f.name] = f.type }
        m["cadence"] = .duration
        // Read as lists of text, set with text or records that give each one's type.
        for f in Interpreter.listFields { m[f] = .list(.any) }
        // A date, or its text (`birthday: "--04-12"`); named dates are records of a label and a date.
        m["birthday"] = .any
        m["anniversary"] = .any
        m["dates"] = .list(.any)
        return m
    }()
    /// The options typed `any` that take only some values: these types, or a list of these
    /// `items` (what the run accepts: `importantDate`, `namedDates`, `strings`, `points`,
    /// `addresses`), in the run's words.
    typealias OneOf = (types: [ValueType], items: [ValueType]?, words: String)
    /// A contact's (`meTakesOneOf`: `me`'s).
    static let takesOneOf: [String: OneOf] = {
        let date = ([ValueType.date, .string], [ValueType]?.none, "a date (1988-04-12, or --04-12 without the year)")
        let points = ([ValueType.string, .record], [ValueType.string, .record] as [ValueType]?, "text or {value: …, type: …} records")
        return [
            "birthday": date, "anniversary": date,
            "dates": ([.record], [.record], "{label: …, date: …} records"),
            "emails": points, "phones": points,
            "addresses": ([.string, .record], [.string, .record], "text or records of its parts"),
        ]
    }()
    /// `me`'s: its preferred client (its e-mails are text alone, as `meOptionTypes` says).
    static let meTakesOneOf: [String: OneOf] = ["preferred_client": ([.string], [.string], "text or a list of text")]
    /// `add`'s options: a contact's, and `id:` (a dump numbers a contact after a gap).
    private static let addOptionTypes = contactOptionTypes.merging(["id": .any]) { a, _ in a }
    static let contactFlags = Set(Schema.contactFlags.keys)

    /// The options each kind of event is logged with (`log`, `refer`, `referral`, `introduce`,
    /// `spend`); `set KIND N` corrects the same ones.
    static let eventOptions: [EventKind: (allowed: [String: ValueType], flags: Set<String>)] = [
        .interaction: (["note": .string, "quality": .number], ["gave", "asked", "inbound", "pitch"]),
        .referral: (["note": .string, "value": .number, "status": .string], ["open", "won", "lost"]),
        .introduction: (["note": .string], []),
        .spend: (["note": .string], []),
    ]
    /// The options an event is logged with, `by:` and `id:` (a dump names who logged each
    /// event, and numbers one after a gap; `checkEventID` checks the number).
    static func logged(_ kind: EventKind) -> [String: ValueType] { loggedOptions[kind]! }
    private static let loggedOptions = eventOptions.mapValues { $0.allowed.merging(["by": .string, "id": .any]) { a, _ in a } }
    /// `log`'s options: an event's, and `source:`, which dumps of imported touches write (it is
    /// not corrected afterwards).
    private static let logOptions = logged(.interaction).merging(["source": .string]) { a, _ in a }
    /// `log`'s bare flags (`gave`, `private` …).
    public static let logFlags = eventOptions[.interaction]!.flags.union(["private"])
    /// What `set KIND N` corrects besides: the parts a logging statement takes in place (an
    /// interaction's kind, a referral's about, a spend's amount), and flags turned off (`gave: false`).
    static let correctionOptions: [EventKind: [String: ValueType]] = [
        .interaction: ["kind": .string, "gave": .bool, "asked": .bool, "inbound": .bool, "pitch": .bool],
        .referral: ["about": .string],
        .spend: ["amount": .number],
    ]

    private mutating func checkContactOptions(_ options: [Option], adding: Bool) {
        checkOptions(options, allowed: adding ? Checker.addOptionTypes : Checker.setContactOptionTypes, flags: Checker.contactFlags, oneOf: Checker.takesOneOf)
    }
    /// `set @x` also renames.
    private static let setContactOptionTypes = contactOptionTypes.merging(["name": .string]) { _, b in b }

    private mutating func checkMeOptions(_ options: [Option]) {
        checkOptions(options, allowed: Checker.meOptionTypes, flags: [], oneOf: Checker.meTakesOneOf)
    }
    private static let meOptionTypes = Dictionary(Schema.me.map { ($0.name, $0.type) }) { _, b in b }

    /// `oneOf`: the options typed `any` above that take only some values (`takesOneOf`).
    private mutating func checkOptions(_ options: [Option], allowed: [String: ValueType], flags: Set<String>, oneOf: [String: OneOf] = [:]) {
        // Values written as literals are checked by the rules the run applies (quality: 9).
        defer { checkLiteralOptions(options) }
        var seen = Set<String>()
        for o in options {
            switch o {
            case .pair(let name, let value, let range):
                guard let type = allowed[name] else {
                    report(
                        "unknown option '\(name):'", range,
                        suggestion: closest(name, among: Array(allowed.keys) + Array(flags)).first.map { "\($0):" })
                    continue
                }
                if !seen.insert(name).inserted { report("'\(name):' is given twice", range) }
                if let one = oneOf[name] {
                    // Typed `any` above, and yet not anything: a number for a birthday was found
                    // by the run, after the statements before it had run.
                    let t = check(value, Scope())
                    var fits = one.types.contains { compatible(t, $0) }
                    if case .list(let item) = t, let kinds = one.items { fits = kinds.contains { compatible(item, $0) } }
                    if !fits { report("\(name): takes \(one.words), not \(t)", value.range) }
                    continue
                }
                if type == .stage, case .name(let w) = value.kind, definitions.lets[w] == nil {
                    if let st = Stage(name: w) {
                        resolutions[value] = .stage(st)
                    } else {
                        let stages = Stage.allCases.map(\.description)
                        report(
                            "unknown stage '\(w)'; the stages are \(stages.dropLast().joined(separator: ", ")) and \(stages.last!)", value.range,
                            suggestion: closest(w.lowercased(), among: stages).first)
                    }
                    continue
                }
                if name == "status", case .name(let w) = value.kind, definitions.lets[w] == nil {
                    // `status: maybe` suggested "maybe", which the run then refused.
                    let known = StoredRange.statuses.contains(w.lowercased())
                    report(
                        known ? "unknown name '\(w)'; a status is text" : "status is open, won or lost", value.range,
                        suggestion: (known ? w.lowercased() : closest(w.lowercased(), among: StoredRange.statuses).first).map { "\"\($0)\"" })
                    continue
                }
                if case .list(let inner) = type {
                    let t = check(value, Scope())
                    if !compatible(t, type) && !compatible(t, inner) {
                        report("'\(name):' takes \(type) or one \(inner), not \(t)", value.range)
                    }
                } else {
                    expect(value, type, Scope(), "'\(name):'")
                }
            case .flag(let name, let range):
                if !flags.contains(name) {
                    let all = Array(flags) + allowed.keys.map { "\($0):" }
                    if allowed[name] != nil {
                        report("'\(name)' needs a value: \(name): …", range)
                    } else {
                        report("unknown flag '\(name)'", range, suggestion: closest(name, among: all).first)
                    }
                }
            case .tag(_, _, let range):
                if allowed["tags"] == nil { report("tags (+x) apply to contacts only", range) }
            }
        }
    }

    /// A goal's metric is evaluated by `progress` and by the goals' `value`: it cannot read them
    /// (nor the agenda), and it must not blow up once its fns are expanded.
    private mutating func checkMetric(_ nameExpr: Expr, _ options: [Option], _ s: Statement) {
        guard let metric = options.lazy.compactMap({ o -> Expr? in if case .pair("metric", let e, _) = o { return e } else { return nil } }).first
        else { return }
        var copy = self
        copy.diagnostics = []
        let deps = copy.checked(metric, Scope()).deps
        var name = "goal"
        if case .literal(.string(let n)) = nameExpr.kind { name = n }
        let key = "goal:" + name
        if let path = pathToEvaluator(deps, from: key) {
            report(Checker.evaluatorMessage(key, path), metric.range, notes: [Checker.evaluatorNote])
        } else if copy.expandedSteps(metric, deps) > Checker.maxSteps {
            report("\(Checker.describe(key))'s metric would take more than \(Checker.maxSteps.formatted) steps each time it runs", metric.range)
        }
    }

    // MARK: - Expressions

    /// `5d` for a number where a duration was meant; none for one that is no whole number of
    /// days (`0.5d` is no duration either).
    static func daysHint(_ n: Decimal, unit: String = "d") -> String? {
        let text = n.tendText
        return text.contains(".") || text.contains("e") ? nil : text + unit
    }

    /// The duration a number literal was meant as: in the unit a word after it names (`2 weeks`
    /// is `2w`), else in days.
    func durationHint(_ e: Expr, _ n: Decimal) -> String? {
        Checker.daysHint(n, unit: source.flatMap { Checker.unitWord(after: e.range.end, in: $0.bytes) } ?? "d")
    }

    /// The unit of a duration a word names (`weeks`), when one follows `offset` after blanks.
    static func unitWord(after offset: Int, in bytes: [UInt8]) -> String? {
        var i = offset
        while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x09 { i += 1 }
        var j = i
        while j < bytes.count, (0x61...0x7A).contains(bytes[j]) { j += 1 }
        return unitWords[String(decoding: bytes[i..<j], as: UTF8.self)]
    }

    static let unitWords = [
        "day": "d", "days": "d", "week": "w", "weeks": "w", "wk": "w", "wks": "w", "month": "mo", "months": "mo", "year": "y", "years": "y",
        "yr": "y", "yrs": "y",
    ]

    /// Checks an expression and reports when it cannot have the expected type.
    mutating func expect(_ e: Expr, _ type: ValueType, _ scope: Scope, _ what: String) {
        // A bare word where a value of a known kind is wanted (`cadence: banana`) is not told to
        // be text, which would then be refused as not that kind.
        if case .name = e.kind { expecting = (type, what) }
        defer { expecting = nil }
        let t = check(e, scope)
        if !compatible(t, type) {
            var hint: String?
            if type == .duration, case .literal(.number(let n)) = e.kind { hint = durationHint(e, n) }
            if type == .stage, case .literal(.string(let s)) = e.kind, Stage(name: s) != nil { hint = s }
            report("\(what) must be \(article(type)), not \(article(t))", e.range, suggestion: hint)
        }
    }

    /// A market is named by text, or a list of names (`me.preferred_client` may be either): a
    /// number or a contact named none (`who serves 5` answered "No one serves : …").
    mutating func refuseNonMarket(_ t: ValueType, _ e: Expr, _ what: String) {
        guard !compatible(t, .string), !compatible(t, .list(.string)) else { return }
        report("\(what) must be a market's name (a string) or a list of them, not \(article(t))", e.range)
    }

    /// A name written as empty text (`goal ""`, `refer "" to @x`) names nothing.
    mutating func refuseEmpty(_ e: Expr, _ message: String) {
        if case .literal(.string(let text)) = e.kind, text.trimmed.isEmpty { report(message, e.range) }
    }

    /// A type in words with its article: "a contact", "an interaction", "a collection of referrals".
    func article(_ t: ValueType) -> String {
        var s = t.description
        switch t {
        case .rows(nil): return s
        case .row(let c): s = Schema.collection(row: c)?.rowName ?? c
        default: break
        }
        return (["a", "e", "i", "o", "u"].contains(s.first.map(String.init) ?? "") ? "an " : "a ") + s
    }

    func compatible(_ actual: ValueType, _ expected: ValueType) -> Bool {
        if actual == .any || expected == .any || actual == .null { return true }
        if actual == expected { return true }
        switch (actual, expected) {
        case (.list(let a), .list(let b)): return compatible(a, b)
        case (.row, .record), (.rows, .rows): return true
        case (.row("contacts"), .contact), (.contact, .row("contacts")): return true
        default: return false
        }
    }

    mutating func check(_ e: Expr, _ scope: Scope) -> ValueType {
        switch e.kind {
        case .literal(let v):
            switch v {
            case .null: return .null
            case .bool: return .bool
            case .number: return .number
            case .string: return .string
            case .date: return .date
            case .duration: return .duration
            default: return .any
            }
        case .interpolated(let parts):
            for case .expr(let inner) in parts { _ = check(inner, scope) }
            return .string
        case .name(let n):
            return resolve(e, n, scope)
        case .handle:
            return .contact
        case .tag:
            if scope.row == nil {
                report("+tag needs a contact in view (inside where, when, show or a score)", e.range)
            } else if let row = scope.row, row != "contacts", row != "*" {
                report("+tag tests a contact's tags; the rows here are \(row)", e.range)
            }
            return .bool
        case .me:
            return .record
        case .it:
            if scope.grouped {
                report(Checker.notAKey("'it' is one row, and a group has many", scope), e.range)
                return .any
            }
            if let row = scope.row { return row == "contacts" ? .contact : .row(row) }
            report("'it' is the row in view, and there is none here (use it inside where, sort by, show, a rule or a score)", e.range)
            return .any
        case .list(let items):
            var t: ValueType?
            for i in items {
                let it = check(i, scope)
                if t == nil { t = it } else if t != it { t = .any }
            }
            return .list(t ?? .any)
        case .record(let fields):
            var seen: Set<String> = []
            for (k, v) in fields {
                _ = check(v, scope)
                if !seen.insert(k).inserted { report("the record has two fields named '\(k)': the second would replace the first", v.range) }
            }
            return .record
        case .unary(let op, let operand):
            let t = check(operand, scope)
            if op == .not {
                if !compatible(t, .bool) { report("'not' needs a bool, not \(article(t))", operand.range) }
                return .bool
            }
            if t == .number || t == .duration || t == .any || t == .null { return t }
            report("cannot negate \(article(t))", e.range)
            return .any
        case .binary(let op, let l, let r):
            return checkBinary(e, op, l, r, scope)
        case .member(let base, let field):
            return checkMember(e, base, field, scope)
        case .call(let name, let args):
            return checkCall(e, name, args, scope)
        case .ifThen(let c, let y, let n):
            expect(c, .bool, scope, "the condition of 'if'")
            let a = check(y, scope)
            let b = n.map { check($0, scope) } ?? .null
            if a == b || b == .null { return a }
            if a == .null { return b }
            return .any
        case .query(let q):
            return checkQuery(q, scope)
        }
    }

    /// A name at the start of a query or as an aggregate's first argument: a collection
    /// before a field of the row in view (`contacts show name, count(goals)` counts the goals,
    /// not the contact's GAINS goals, which `it.goals` reads); anything else as `check` has it.
    private mutating func checkCollectionFirst(_ e: Expr, _ scope: Scope) -> ValueType {
        if case .name(let n) = e.kind, n != scope.rowName, scope.locals[n] == nil, let c = Schema.collection(named: n) {
            return resolve(e, collection: c.name)
        }
        return check(e, scope)
    }

    /// `max(interactions, on)`: a collection's name, then one of its fields.
    static func namesCollectionAndField(_ args: [Expr]) -> Bool {
        guard args.count == 2, case .name(let c) = args[0].kind, case .name(let f) = args[1].kind else { return false }
        return Schema.collection(named: c)?.field(f) != nil
    }

    private mutating func resolve(_ e: Expr, collection: String) -> ValueType {
        resolutions[e] = .collection(collection)
        if Checker.evaluators[collection] != nil { currentDeps.insert(collection) }
        return .rows(collection)
    }

    /// A bare name's type; what the name is goes into `resolutions`.
    private mutating func resolve(_ e: Expr, _ n: String, _ scope: Scope) -> ValueType {
        if n == scope.rowName {
            if scope.grouped {
                report("'\(n)' names one row; after group by, use it inside an aggregate, as in sum(\(n).spend)", e.range)
                return .any
            }
            resolutions[e] = .row
            return scope.rowType
        }
        if let t = scope.locals[n] {
            resolutions[e] = .local(n)
            return t
        }
        if scope.grouped {
            if scope.groupKeys.contains(n) {
                resolutions[e] = .field(n)
                return .any
            }
            if n == "count" {
                resolutions[e] = .field(n)
                return .number
            }
            if let row = scope.row, Schema.collection(row: row)?.field(n) != nil || (row == "contacts" && definitions.scores[n] != nil) {
                report(Checker.notAKey("'\(n)' is not a key of the groups", scope), e.range)
                return .any
            }
        }
        if let row = scope.row, let spec = Schema.collection(row: row) {
            if let f = spec.field(n) {
                resolutions[e] = .field(n)
                noteFieldDeps(row, n)
                return f.type
            }
            if row == "contacts", definitions.scores[n] != nil {
                resolutions[e] = .field(n)
                currentDeps.insert("score:" + n)
                return .number
            }
        }
        if let l = definitions.lets[n] {
            resolutions[e] = .global(n)
            currentDeps.insert("let:" + n)
            return letType(l)
        }
        if let c = Schema.collection(named: n) { return resolve(e, collection: c.name) }
        if ["today", "yesterday", "tomorrow"].contains(n) {
            resolutions[e] = .constant(n)
            return .date
        }
        if let s = Stage(name: n), n == n.lowercased() {
            resolutions[e] = .stage(s)
            return .stage
        }
        if ["week", "month", "quarter", "year"].contains(n) {
            resolutions[e] = .constant(n)
            return .string
        }
        if scope.row == "*" {
            resolutions[e] = .field(n)
            return .any
        }
        reportUnknown(e, n, scope)
        return .any
    }

    /// `unknown name 'x'`, with the likeliest name meant, or why a field or a function is not one here.
    private mutating func reportUnknown(_ e: Expr, _ whole: String, _ scope: Scope) {
        // A name of a megabyte is shown by its start (the source line below shows where it is).
        let n = whole.count > 60 ? whole.prefix(60) + "…" : whole
        // Past the errors a report shows, suggestions are not looked for (20,000 slips took
        // 20 s of edit distances to print 100).
        guard diagnostics.count < 100 else { return report("unknown name '\(n)'", e.range) }
        // `let total = total + 1`, a new name: the cycle it is, as for a name defined before.
        if let name = defining, whole == name {
            return report("definitions cannot refer to themselves (the language always terminates): let \(name) → let \(name)", e.range)
        }
        // `Null`, `TRUE`: the language's own words are lowercase (it suggested "rule").
        if Checker.valueWords.contains(whole.lowercased()) {
            return report("unknown name '\(n)'", e.range, suggestion: whole.lowercased(), notes: ["the language's words are written in lowercase"])
        }
        var candidates = Array(definitions.lets.keys) + Schema.queryable.map(\.name) + Stage.allCases.map(\.description)
        if let row = scope.row, let spec = Schema.collection(row: row) {
            candidates += spec.fields.map(\.name)
            if row == "contacts" { candidates += Array(definitions.scores.keys) }
        }
        candidates += scope.locals.keys
        // Never the word itself (`people` outside a query suggested "people").
        candidates.removeAll { $0 == whole }
        var note: [String] = []
        if scope.row == nil, Schema.contacts.field(n) != nil {
            note.append("'\(n)' is a field; fields are in view inside where, sort by, show, rules and scores, or as x.\(n)")
        }
        // A field of another collection is said, and may still have been meant as text (`status`).
        var elsewhere: [String] = []
        if scope.row == nil, note.isEmpty, let other = Schema.queryable.first(where: { $0.field(whole) != nil }) {
            elsewhere.append("'\(n)' is a field of \(other.name); fields are in view inside where, sort by and show: \(other.name) where \(n) …")
        }
        if definitions.fns[n] != nil || Builtin.byName[whole] != nil {
            note.append("'\(n)' is a function: call it as \(n)(…), without a space before the parenthesis")
        }
        // The history Tend keeps outside the collections: said where it is read, never text.
        if let kept = Checker.historyKeptElsewhere[whole] { note.append(kept) }
        // Outside a row, a misspelt field (`print nmae`) is told where fields are in view.
        var field: String?
        if scope.row == nil, note.isEmpty, let f = closest(n, among: Schema.contacts.fields.map(\.name)).first {
            field = f
            note.append("'\(f)' is a field; fields are in view inside where, sort by, show, rules and scores, or as x.\(f)")
        }
        // The statement's first word: a statement meant (`lgo` for log), never text.
        if e.range.start == statementStart {
            // `dump`, `quit` typed as a statement: where they are found instead.
            if let instead = Checker.commandsOfTend[whole] {
                report("'\(n)' is not a statement: \(instead)", e.range)
                return
            }
            // `knows` alone: the statement's word, with nothing after it (it suggested itself).
            if Parser.statementWords.contains(whole) {
                report("'\(n)' begins a statement, and the rest of it is missing (tend help \(n) shows its forms)", e.range)
                return
            }
            // A field (`stage > 3`) is said to be one, not taken for a statement's word (`save`).
            if note.isEmpty, let word = closest(n, among: Parser.statementWords.sorted()).first {
                report("unknown name '\(n)'", e.range, suggestion: word, notes: ["'\(word)' begins a statement"])
                return
            }
            // A field by its own name is said to be one, with nothing else suggested (`w_stage`).
            let isContactField = scope.row == nil && Schema.contacts.field(whole) != nil
            report("unknown name '\(n)'", e.range, suggestion: isContactField ? nil : closest(n, among: candidates).first ?? field, notes: note + elsewhere)
            return
        }
        // A word with nothing close to it was most likely meant as text: `kind == lunch`, `status: won`;
        // not a word of the language (`snooze @x for 2w` suggested "for").
        if let (type, what) = expecting, [.duration, .date, .number].contains(type) {
            let example: String
            switch type {
            case .duration: example = " such as 2w or 3mo"
            case .date: example = " such as 2026-12-01 or today"
            case .number: example = " such as 3"
            default: example = ""
            }
            note.append("\(what) must be \(article(type))\(example)")
            let days = type == .date ? ["today", "yesterday", "tomorrow"] : []
            let near = closest(n, among: candidates + days).first
            report("unknown name '\(n)'", e.range, suggestion: near ?? field, notes: note + elsewhere)
            return
        }
        let text = n.count > 2 && whole.count <= 60 && note.isEmpty && !Checker.grammarWords.contains(whole) ? "\"\(n)\"" : nil
        report("unknown name '\(n)'", e.range, suggestion: closest(n, among: candidates).first ?? field ?? text, notes: note + elsewhere)
    }

    /// Words of tend's command line, and the REPL's ways out, typed as a statement, and where
    /// each is found.
    static let commandsOfTend: [String: String] = [
        "run": "tend run FILE runs a script from a shell; in a script or the REPL, load \"FILE\" runs one",
        "check": "tend check FILE checks a script from a shell",
        "dump": "tend dump > network.tend prints the database as a script, from a shell",
        "backup": "tend backup FILE copies the database, from a shell",
        "demo": "tend --db sample.db demo makes a sample network, from a shell",
        "push": "tend push postgresql://HOST/DB copies the database into a team's, from a shell",
        "completion": "tend completion bash|zsh|fish prints a completion script, from a shell",
        "manual": "tend manual prints the manual page, from a shell; help (or .help) shows help here",
        "quit": ".quit or Ctrl-D leaves the REPL",
        "exit": ".quit or Ctrl-D leaves the REPL",
    ]

    /// The words that are values, which a name in other capitals was meant as.
    static let valueWords: Set<String> = ["null", "true", "false", "today", "yesterday", "tomorrow"]

    /// What Tend keeps that no query starts from, and where each is read instead.
    static let historyKeptElsewhere = [
        "stage_changes": "stage changes are no collection: `timeline @handle` lists a contact's, and `stage_since` is the date of the last",
        "knows": "who knows whom is no collection: `degree` counts a contact's, `path to @handle` walks them",
    ]

    /// The words that join a statement's parts (`for`, `from`, `with`, `where`): never meant as
    /// text. A query source's word (`client`, `help`) may be a value.
    static let grammarWords = Keyword.words(.reserved).union(Keyword.words(.statement)).union(Keyword.words(.queryClause))
        .union(["with", "on", "to", "from", "about", "at", "per", "into", "until", "for", "since", "by", "as", "asc", "desc", "cascade", "overwrite"])

    private mutating func noteFieldDeps(_ row: String, _ field: String) {
        if row == "contacts", Schema.cadenceFields.contains(field), definitions.fns["default_cadence"] != nil {
            currentDeps.insert("fn:default_cadence")
        }
    }

    private mutating func checkBinary(_ e: Expr, _ op: BinaryOperator, _ l: Expr, _ r: Expr, _ scope: Scope) -> ValueType {
        // Each side is checked once: checking a side again for each level of nesting would take
        // time exponential in the depth.
        var lt = check(l, scope)
        var rt: ValueType
        if lt == .stage, op == .equal || op == .notEqual || op.orders, case .name(let n) = r.kind, let s = Stage(name: n) {
            // A stage name compared with a stage is the stage, even where a field has that name.
            resolutions[r] = .stage(s)
            rt = .stage
        } else {
            rt = check(r, scope)
        }
        // `by == me`: me compared is the member's name (Interpreter.memberSide).
        if op == .equal || op == .notEqual {
            if case .me = l.kind { lt = .string }
            if case .me = r.kind { rt = .string }
        }
        let unknown = lt == .any || rt == .any || lt == .null || rt == .null
        switch op {
        case .and, .or:
            if !compatible(lt, .bool) { report("'\(op.text)' needs bools; the left side is \(article(lt))", l.range) }
            if !compatible(rt, .bool) { report("'\(op.text)' needs bools; the right side is \(article(rt))", r.range) }
            return .bool
        case .equal, .notEqual:
            // Beside a number, date, duration or bool, a bare unknown word was no text either
            // (`zzqq == 1` suggested "zzqq"); beside text it may be (`kind == lunch`).
            if ![ValueType.string, .any, .null].contains(rt) { dropTextHint(l) }
            if ![ValueType.string, .any, .null].contains(lt) { dropTextHint(r) }
            if !unknown && !comparable(lt, rt) && !(isContactLike(lt) && isContactLike(rt)) {
                let hint = stageHint(l, r, lt, rt)
                report(
                    "cannot compare \(article(lt)) with \(article(rt)); the result would always be \(op == .equal ? "false" : "true")", e.range,
                    suggestion: hint, notes: outerRowNote(l, r, scope) + tagNotes(l, r))
            }
            return .bool
        case .less, .lessOrEqual, .greater, .greaterOrEqual:
            // Ordered beside a number, date or duration, a bare unknown word was no text.
            if ![ValueType.string, .any].contains(rt) { dropTextHint(l) }
            if ![ValueType.string, .any].contains(lt) { dropTextHint(r) }
            if !unknown && (!comparable(lt, rt) || !orderable(lt)) {
                var hint: String?
                if lt == .duration, rt == .number, case .literal(.number(let n)) = r.kind { hint = durationHint(r, n) }
                if rt == .duration, lt == .number, case .literal(.number(let n)) = l.kind { hint = durationHint(l, n) }
                if hint == nil { hint = stageHint(l, r, lt, rt) }
                report("cannot compare \(article(lt)) with \(article(rt))", e.range, suggestion: hint, notes: tagNotes(l, r))
            }
            return .bool
        case .match:
            // A contact, or a list of them (`people ~ "ana"`), matches by its name or handle.
            if !unknown && ![ValueType.string, .list(.string), .contact, .list(.contact)].contains(lt) {
                report("'~' matches text; the left side is \(article(lt))", l.range)
            }
            if !unknown && rt != .string { report("'~' needs text on the right, not \(article(rt))", r.range) }
            return .bool
        case .isIn, .notIn:
            checkMembership(e, op, l, r, lt, rt)
            return .bool
        case .coalesce:
            return lt == rt ? lt : (lt == .null ? rt : (rt == .null ? lt : .any))
        case .plus, .minus:
            return unknown ? arithmeticGuess(lt, rt, op) : sumType(e, op, r, lt, rt)
        case .times, .divide, .remainder:
            if unknown { return lt == .duration || rt == .duration ? .duration : (lt == .any || rt == .any ? .any : .number) }
            if lt == .number && rt == .number { return .number }
            if lt == .duration && rt == .number && op != .remainder { return .duration }
            if lt == .number && rt == .duration && op == .times { return .duration }
            report(
                "cannot apply '\(op.text)' to \(article(lt)) and \(article(rt))", e.range,
                notes: (lt == .duration || rt == .duration ? ["days(d) turns a duration into a number of days"] : []) + tagNotes(l, r))
            return .any
        }
    }

    /// `x in list`, `x in rows`, `x in text`: what is looked for must be what the right side
    /// holds, as `==` has it (`stage in ["credibility"]`, `"Zoe Khan" in people` and `5 in tags`
    /// are always false), except in a definition (`checksMembership`).
    private mutating func checkMembership(_ e: Expr, _ op: BinaryOperator, _ l: Expr, _ r: Expr, _ lt: ValueType, _ rt: ValueType) {
        let known = checksMembership && ![ValueType.any, .null].contains(lt)
        // A list on the left looks for any of its items (`["vip", "hot"] in tags`).
        var sought = lt
        if case .list(let items) = lt { sought = items }
        switch rt {
        case .list(let item):
            guard checksMembership, ![ValueType.any, .null].contains(sought), ![ValueType.any, .null].contains(item), !comparable(sought, item),
                !(isContactLike(sought) && isContactLike(item))
            else { return }
            var hint: String?
            if lt == .stage, case .list(let items) = r.kind {
                let names = items.compactMap { x -> String? in
                    if case .literal(.string(let s)) = x.kind, let stage = Stage(name: s) { return stage.description }
                    return nil
                }
                if names.count == items.count { hint = "[" + names.joined(separator: ", ") + "]" }
            }
            report(
                "cannot look for \(article(lt)) in a list of \(item.description)s; the result would always be \(op == .isIn ? "false" : "true")",
                e.range, suggestion: hint, notes: membershipNotes(l, lt, item))
        case .string:
            if known && lt != .string {
                report("'\(op.text)' on text looks for text; the left side is \(article(lt))", l.range)
            }
        case .rows(let row?) where checksMembership && row == "contacts":
            // `"Dana Khan" in contacts`: a collection holds its rows.
            if ![ValueType.any, .null].contains(sought), !isContactLike(sought) {
                report(
                    "cannot look for \(article(lt)) among contacts; the result would always be \(op == .isIn ? "false" : "true")", e.range,
                    notes: membershipNotes(l, lt, .contact))
            }
        case .rows(let row?) where checksMembership && ![ValueType.any, .null, .row(row)].contains(sought):
            // `it in (report money)`: a row of a report is no contact; a column of it is.
            report(
                "cannot look for \(article(lt)) among the rows of \(row); the result would always be \(op == .isIn ? "false" : "true")", e.range,
                notes: ["look among one column of them: … in (\(row) show COLUMN)"])
        case .rows, .any, .null: break
        default: report("'\(op.text)' needs a list, a collection or text on the right, not \(article(rt))", r.range)
        }
    }

    /// Why `x in people` holds no x: text is no contact, and `it` inside a query over events is
    /// the event, not the contact of the query around it.
    private func membershipNotes(_ l: Expr, _ lt: ValueType, _ item: ValueType) -> [String] {
        guard item == .contact else { return [] }
        if lt == .string { return ["a contact is written as its handle: @dana-lee in people"] }
        if case .it = l.kind, case .row(let row) = lt {
            let name = Schema.collection(row: row)?.rowName ?? row
            return ["here it is the \(name) in view; to look for the contact of a query around this one, name it: contacts as c where count(\(row) where c in people) > 0"]
        }
        return []
    }

    /// `-touches` is the test that a contact is not tagged "touches" (as `+vip` is that it is),
    /// never the field negated: said wherever one stands in arithmetic or a comparison.
    private func tagNotes(_ sides: Expr...) -> [String] {
        sides.compactMap { side in
            guard case .tag(let t, present: false) = side.kind else { return nil }
            return "-\(t) is the test that the contact is not tagged \"\(t)\"; to negate a value, write -(\(t)) or 0 - \(t)"
        }
    }

    /// The type of `l + r` or `l - r` when both sides' types are known; a mismatch is reported.
    private mutating func sumType(_ e: Expr, _ op: BinaryOperator, _ r: Expr, _ lt: ValueType, _ rt: ValueType) -> ValueType {
        switch (lt, rt, op) {
        case (.number, .number, _): return .number
        case (.date, .duration, _): return .date
        case (.duration, .date, .plus): return .date
        case (.date, .date, .minus): return .duration
        case (.duration, .duration, _): return .duration
        case (.string, .string, .plus): return .string
        case (.list(let a), .list(let b), .plus): return .list(a == b ? a : .any)
        default:
            var hint: String?
            if lt == .date || lt == .duration, rt == .number, case .literal(.number(let n)) = r.kind {
                hint = durationHint(r, n)
            }
            var sides = [r]
            if case .binary(_, let l, _) = e.kind { sides.insert(l, at: 0) }
            report(
                "cannot \(op == .plus ? "add" : "subtract") \(article(rt)) \(op == .plus ? "to" : "from") \(article(lt))", e.range,
                suggestion: hint, notes: (lt == .date ? ["dates take durations: today + 3d, today - 2w"] : []) + sides.flatMap { tagNotes($0) })
            return .any
        }
    }

    /// When `it` is compared inside a nested query, the row of the query around it was likely
    /// meant: `it` is always the innermost row.
    private func outerRowNote(_ l: Expr, _ r: Expr, _ scope: Scope) -> [String] {
        guard [l, r].contains(where: { if case .it = $0.kind { return true } else { return false } }), let row = scope.row,
            Schema.collection(row: row) != nil
        else { return [] }
        return [
            "'it' is the innermost row (here \(article(scope.rowType))); to mean the row of the query around it, name that row with as: contacts as c where count(referrals where contact == c) > 0 (in a rule: rule \"…\" as c when …)"
        ]
    }

    private func stageHint(_ l: Expr, _ r: Expr, _ lt: ValueType, _ rt: ValueType) -> String? {
        if lt == .stage, case .literal(.string(let s)) = r.kind, Stage(name: s) != nil { return s }
        if lt == .stage, rt == .number { return "stage_rank" }
        return nil
    }

    private func arithmeticGuess(_ a: ValueType, _ b: ValueType, _ op: BinaryOperator) -> ValueType {
        if a == .date || b == .date {
            if op == .minus && a == .date && b == .date { return .duration }
            // A date minus what is not known yet is a date (minus a duration) or a duration
            // (minus a date): `fn dd(p) = days(today - p)` was refused as days of a date.
            if op == .minus && a == .date && b != .duration { return .any }
            // Anything minus a date can only be a date minus a date.
            if op == .minus && b == .date { return .duration }
            return .date
        }
        if a == .duration || b == .duration { return .duration }
        if a == .number || b == .number { return .number }
        return .any
    }

    private func isContactLike(_ t: ValueType) -> Bool { t == .contact || t == .row("contacts") }

    private func comparable(_ a: ValueType, _ b: ValueType) -> Bool {
        if a == b { return true }
        switch (a, b) {
        case (.list, .list): return true
        default: return false
        }
    }
    private func orderable(_ t: ValueType) -> Bool {
        [.number, .string, .date, .duration, .stage, .bool].contains(t)
    }

    private mutating func checkMember(_ e: Expr, _ base: Expr, _ field: String, _ scope: Scope) -> ValueType {
        let bt = check(base, scope)
        switch bt {
        case .contact, .row("contacts"):
            if let f = Schema.contacts.field(field) {
                noteFieldDeps("contacts", field)
                return f.type
            }
            if definitions.scores[field] != nil {
                currentDeps.insert("score:" + field)
                return .number
            }
            report(
                "contacts have no field '\(field)'", e.range,
                suggestion: closest(field, among: Schema.contacts.fields.map(\.name) + Array(definitions.scores.keys)).first)
            return .any
        case .row(let c):
            if let f = Schema.collection(row: c)?.field(field) { return f.type }
            report(
                "\(c) have no field '\(field)'", e.range, suggestion: closest(field, among: Schema.collection(row: c)?.fields.map(\.name) ?? []).first
            )
            return .any
        case .record:
            if case .me = base.kind {
                if let f = Schema.me.first(where: { $0.name == field }) { return f.type }
                report("me has no field '\(field)'", e.range, suggestion: closest(field, among: Schema.me.map(\.name)).first)
            }
            return .any
        case .any:
            let known =
                Schema.all.contains { $0.field(field) != nil } || Schema.me.contains { $0.name == field }
                || definitions.scores[field] != nil
            if !known {
                report(
                    "no collection has a field '\(field)'", e.range,
                    suggestion: closest(field, among: Schema.all.flatMap { $0.fields.map(\.name) }).first)
            }
            // A fn's parameter may be a contact: what its score or due date reads is read here
            // too, so that a cycle through it is found (`fn wo(c) = c.priority` with `score
            // priority = wo(it)`).
            if definitions.scores[field] != nil { currentDeps.insert("score:" + field) }
            noteFieldDeps("contacts", field)
            return .any
        case .null:
            return .null
        default:
            report("\(article(bt)) has no fields", e.range)
            return .any
        }
    }

    /// count, sum, avg, min and max: over a collection and a per-row expression
    /// (`sum(spending, amount)`), a list, a group's rows (`sum(spend)` after group by), or plain
    /// values (`max(a, b)`). Each argument is checked once.
    private mutating func checkAggregate(_ e: Expr, _ name: String, _ args: [Expr], _ scope: Scope) -> ValueType {
        let extremum = name == "min" || name == "max"
        guard let first = args.first else {
            if scope.grouped && name == "count" { return .number }
            report(
                extremum
                    ? "\(name) takes two or more values, a list, or a collection and a field"
                    : "\(name)() without arguments only works after group by", e.range)
            return extremum ? .any : .number
        }
        // Inside an aggregate the row in view is a group's member again (or a collection's row).
        var rowScope = scope
        rowScope.grouped = false
        // `min(a, b)` compares values: its first argument is read as any other value is, unless
        // the second is a field of the collection it names (`max(introductions, on)`).
        let reported = diagnostics.count
        let t = extremum && args.count >= 2 && !Checker.namesCollectionAndField(args) ? check(first, scope) : checkCollectionFirst(first, rowScope)
        guard case .rows(let c) = t else { return checkValueAggregate(e, name, args, t, scope) }
        let took = name != "count" && args.count == 1 ? listTookTheComma(name, first) : nil
        if let took {
            // What the item that took the comma was checked as is beside the point.
            let kept = diagnostics[reported...].filter { $0.range.start < took.item.start || $0.range.end > took.item.end }
            diagnostics.replaceSubrange(reported..., with: kept)
        }
        return checkCollectionAggregate(e, name, args, c, took: took, scope)
    }

    /// count, sum, avg, min and max over a list, a group's rows, or plain values (`max(a, b)`):
    /// the first argument, of type `t`, is no collection.
    private mutating func checkValueAggregate(_ e: Expr, _ name: String, _ args: [Expr], _ t: ValueType, _ scope: Scope) -> ValueType {
        let extremum = name == "min" || name == "max"
        let first = args[0]
        if case .list = t, args.count == 1 { return name == "count" ? .number : .any }
        if extremum && args.count >= 2 {
            var result = t
            for a in args.dropFirst() {
                let at = check(a, scope)
                if result == .null || result == .any {
                    result = at
                } else if at != .null && at != .any && !compatible(at, result) {
                    report("\(name) compares values of one kind, not \(article(result)) and \(article(at))", a.range)
                }
            }
            return result
        }
        if scope.grouped {
            if name == "count" {
                report("count() in a group takes no argument", e.range)
                return .number
            }
            if args.count == 1 { return name == "sum" || name == "avg" ? (t == .duration ? .duration : .number) : t }
        }
        if extremum {
            report("\(name) takes two or more values, a list, or a collection and a field", e.range)
            return .any
        }
        if t != .any && t != .null {
            report(
                "\(name) takes a collection or a list, not \(article(t))", first.range,
                notes: scope.row != nil ? ["in a group by query, write it after show: … group by x show \(name)(…)"] : [])
        }
        return .number
    }

    /// `count(contacts where …)`, `sum(spending, amount)`: a collection, then a per-row expression.
    /// `took`: the query's last list took the comma before the value (`listTookTheComma`).
    private mutating func checkCollectionAggregate(
        _ e: Expr, _ name: String, _ args: [Expr], _ collection: String?, took: (suggestion: String?, note: String, item: SourceRange)?,
        _ scope: Scope
    ) -> ValueType {
        if args.count > 2 { report("\(name) takes a collection and one expression", e.range) }
        if name == "count" {
            if args.count > 1 { report("count takes only a collection; filter it with where", args[1].range) }
            return .number
        }
        guard args.count == 2 else {
            report(
                "\(name) of a collection needs the value to take from each row: \(name)(\(args[0].range == e.range ? "rows" : "…"), field)", e.range,
                suggestion: took?.suggestion, notes: took.map { [$0.note] } ?? [])
            return .any
        }
        let vt = check(args[1], scope.nested(over: collection, named: nil))
        if name == "sum" || name == "avg" {
            if !compatible(vt, .number) && vt != .duration { report("\(name) needs numbers, not \(article(vt))", args[1].range) }
            return name == "avg" ? .number : vt == .duration ? .duration : .number
        }
        return vt
    }

    /// `max(contacts group by profession, count)`: the comma after a query's `group by`,
    /// `sort by` or `show` list is the list's, so the value to take became its last item. The
    /// query in parentheses, then that item, is what was meant.
    private func listTookTheComma(_ name: String, _ arg: Expr) -> (suggestion: String?, note: String, item: SourceRange)? {
        guard case .query(let q) = arg.kind, let source else { return nil }
        let lists: [(String, [Expr])] = [("group by", q.groupBy), ("sort by", q.sortBy.map(\.0)), ("show", q.show.map(\.0))]
        guard let (clause, items) = lists.filter({ $0.1.count > 1 }).max(by: { $0.1.last!.range.start < $1.1.last!.range.start }),
            let last = items.last, last.range.end == arg.range.end
        else { return nil }
        // On one line, as a suggestion is shown; none when a comment is in the way.
        var query = source.slice(SourceRange(arg.range.start, last.range.start)).split(whereSeparator: \.isWhitespace).joined(separator: " ")
        while query.last == "," || query.last == " " { query.removeLast() }
        let item = source.slice(last.range).split(whereSeparator: \.isWhitespace).joined(separator: " ")
        return (
            query.contains("#") || item.contains("#") ? nil : "\(name)((\(query)), \(item))",
            "the comma after the query's \(clause) list is read as part of that list: put the query in parentheses", last.range
        )
    }

    private mutating func checkCall(_ e: Expr, _ name: String, _ args: [Expr], _ scope: Scope) -> ValueType {
        if let f = definitions.fns[name] {
            currentDeps.insert("fn:" + name)
            if args.count != f.params.count {
                report("\(name) takes \(f.params.count) argument\(f.params.count == 1 ? "" : "s"), not \(args.count)", e.range)
            }
            let types = args.map { check($0, scope) }
            guard args.count == f.params.count else { return .any }
            return checkedCall(f, types, e)
        }
        guard let b = Builtin.byName[name] else {
            report(
                "unknown function '\(name)'", e.range,
                suggestion: closest(name, among: Builtin.all.map(\.name) + Array(definitions.fns.keys)).first.map { "\($0)()" })
            for a in args { _ = check(a, scope) }
            return .any
        }
        if Builtin.aggregates.contains(name) { return checkAggregate(e, name, args, scope) }
        if !b.arity.contains(args.count) {
            let n = b.arity.lowerBound == b.arity.upperBound ? "\(b.arity.lowerBound)" : "\(b.arity.lowerBound) to \(b.arity.upperBound)"
            report("\(name) takes \(n) argument\(b.arity.upperBound == 1 ? "" : "s"), not \(args.count): \(b.signature)", e.range)
        }
        var types: [ValueType] = []
        for (i, a) in args.enumerated() {
            if case .period = b.typing, i == 0, case .name(let w) = a.kind, Day.Period(rawValue: w) != nil {
                resolutions[a] = .constant(w)
                types.append(.string)
                continue
            }
            types.append(check(a, scope))
        }
        func want(_ i: Int, _ t: ValueType) {
            if i < types.count, t != .any, !compatible(types[i], t) {
                // A number for a duration is its days (`days(5)`: 5d); a duration for a number,
                // its count of days (`days(…)`).
                var suggestion: String?
                if t == .duration, types[i] == .number, case .literal(.number(let n)) = args[i].kind { suggestion = "\(n)d" }
                if t == .number && types[i] == .duration { suggestion = source.map { "days(\($0.slice(args[i].range)))" } ?? "days(…)" }
                report("\(name) needs \(article(t)) here, not \(article(types[i]))", args[i].range, suggestion: suggestion)
            }
        }
        if name == "served_by", let t = types.first { refuseNonMarket(t, args[0], "served_by's market") }
        switch b.typing {
        case .fixed(let params, let result):
            for (i, t) in params.enumerated() { want(i, t) }
            return result
        case .rule(let result):
            return result(types)
        case .textOrList(let rest, let result):
            if let t = types.first {
                switch t {
                case .any, .null, .string, .list, .rows: break
                default: report("\(name) needs text or a list here, not \(article(t))", args[0].range)
                }
            }
            for (i, t) in rest.enumerated() { want(i + 1, t) }
            return result
        case .period:
            if args.count == 2 { want(1, .date) }
            if let a = args.first, resolutions[a] == .unresolved || types.first != .string {
                // One error for `start_of(decade)`: the unknown name's would say "did you mean "decade"?".
                diagnostics.removeAll { $0.range == a.range && $0.message.hasPrefix("unknown name") }
                let periods = ["week", "month", "quarter", "year"]
                let word: String? = if case .name(let n) = a.kind { n } else { nil }
                report("\(name) takes week, month, quarter or year", a.range, suggestion: word.flatMap { closest($0, among: periods).first })
            }
            return .date
        case .aggregate:
            return checkAggregate(e, name, args, scope)
        }
    }

    // MARK: - Queries

    private mutating func checkQuery(_ q: Query, _ outer: Scope) -> ValueType {
        switch checkSource(q, outer) {
        case .value(let t): return t
        case .collection(let collection): return checkClauses(q, over: collection, outer)
        }
    }

    /// What a query's source gives: rows of a collection (nil: of no one collection), or a
    /// value that is the query's type (a list, a number), clauses refused.
    private enum QueryStart {
        case collection(String?)
        case value(ValueType)
    }

    private mutating func checkSource(_ q: Query, _ outer: Scope) -> QueryStart {
        switch q.source {
        case .expr(let e):
            return checkExprSource(q, e, outer)
        case .agenda(let on):
            currentDeps.insert("agenda")
            if let on { expect(on, .date, outer, "the agenda's date") }
            return .collection("agenda")
        case .timeline(let who):
            expect(who, .contact, outer, "timeline's contact")
            return .collection("timeline")
        case .rules: return .collection("rules")
        case .progress:
            currentDeps.insert("progress")
            return .collection("progress")
        case .who(let w):
            switch w {
            case .serves(let m): if let m { refuseNonMarket(check(m, outer), m, "who serves's market") }
            case .canHelp(let g): expect(g, .string, outer, "the goal")
            case .knows(let c): expect(c, .contact, outer, "who knows's contact")
            case .isOverdue: currentDeps.insert("who is overdue")
            }
            return .collection("contacts")
        case .gaps(let m):
            if let m { refuseNonMarket(check(m, outer), m, "gaps in's market") }
            return .collection(Schema.gaps.name)
        case .path(let to):
            expect(to, .contact, outer, "path's destination")
            return .collection("path")
        case .connectors:
            return .collection(Schema.connectors.name)
        case .report(let kind):
            currentDeps.insert("report")
            guard let spec = Schema.reports[kind] else {
                report(
                    "unknown report '\(kind)'; reports are \(Interpreter.reportKinds.joined(separator: ", "))", q.range,
                    suggestion: closest(kind, among: Interpreter.reportKinds).first)
                return .collection(nil)
            }
            return .collection(spec.name)
        case .why(let who):
            currentDeps.insert("why")
            expect(who, .contact, outer, "why's contact")
            return .collection(Schema.why.name)
        }
    }

    /// `contacts where …`, `vips sort by …` (a let), or an expression that is no collection.
    private mutating func checkExprSource(_ q: Query, _ e: Expr, _ outer: Scope) -> QueryStart {
        let t = checkCollectionFirst(e, outer)
        switch t {
        case .rows(let c): return .collection(c)
        case .any: return .collection(nil)
        case .list:
            if q.filter != nil || !q.sortBy.isEmpty || !q.show.isEmpty || !q.groupBy.isEmpty {
                report("where, sort by, show and group by apply to collections, not lists", q.range)
            }
            return .value(t)
        default:
            if q.filter != nil || !q.sortBy.isEmpty || !q.show.isEmpty || !q.groupBy.isEmpty || q.limit != nil {
                report(
                    "a query starts from a collection (contacts, interactions, …), not \(article(t))", e.range,
                    suggestion: {
                        if case .name(let n) = e.kind { return closest(n, among: Schema.queryable.map(\.name)).first }
                        return nil
                    }())
                return .value(.any)
            }
            return .value(t)
        }
    }

    /// Takes back "did you mean "x"?" from the error of the unknown word `e`, where text cannot be meant.
    private mutating func dropTextHint(_ e: Expr) {
        guard case .name(let n) = e.kind, let i = diagnostics.lastIndex(where: { $0.range == e.range }),
            diagnostics[i].suggestion == "\"\(n)\""
        else { return }
        diagnostics[i].suggestion = nil
    }

    /// A sort key or a column: a bare word there that is no name is no text either (sorting by
    /// a constant does nothing), so "did you mean "x"?" is not said. In `sort by` (`sorting`, the
    /// query) a name `show … as` gives is not in view, since show comes after it: the error says so.
    private mutating func checkTerm(_ e: Expr, _ scope: Scope, sorting q: Query? = nil) {
        let before = diagnostics.count
        _ = check(e, scope)
        dropTextHint(e)
        guard let q, case .name(let n) = e.kind, diagnostics.count == before + 1, diagnostics[before].range == e.range else { return }
        if q.show.contains(where: { $0.1 == n }) {
            diagnostics[before].notes.append("'\(n)' is named by show, which comes after sort by: sort by the expression itself")
        }
    }

    /// `where`, `group by`, `sort by`, `show` and `limit` over rows of `collection`.
    private mutating func checkClauses(_ q: Query, over collection: String?, _ outer: Scope) -> ValueType {
        if let named = q.named { checkRowName(named, collection ?? "*") }
        let scope = outer.nested(over: collection, named: q.named?.name)
        if let f = q.filter {
            let before = diagnostics.count
            expect(f, .bool, scope, "a where condition")
            // `contacts where vip`: a bare word that is no name is a tag there, not text.
            if collection == "contacts", case .name(let n) = f.kind, diagnostics.count == before + 1,
                diagnostics[before].range == f.range, diagnostics[before].suggestion == "\"\(n)\""
            {
                diagnostics[before].suggestion = "+\(n)"
            }
        }
        var resultCollection: String? = collection
        if !q.groupBy.isEmpty {
            var keys: [String] = []
            for g in q.groupBy {
                _ = check(g, scope)
                keys.append(columnName(g))
            }
            var gs = scope
            gs.grouped = true
            gs.groupKeys = keys
            for (k, _) in q.sortBy { checkTerm(k, gs, sorting: q) }
            for (s, _) in q.show { checkTerm(s, gs) }
            resultCollection = nil
        } else {
            for (k, _) in q.sortBy { checkTerm(k, scope, sorting: q) }
            for (s, _) in q.show { checkTerm(s, scope) }
            if !q.show.isEmpty { resultCollection = nil }
        }
        if let l = q.limit {
            expect(l, .number, outer, "limit")
            checkLiteralLimit(l)
        }
        if q.groupBy.isEmpty && q.show.isEmpty { return .rows(resultCollection) }
        return .rows(nil)
    }

    /// After group by, a row's field is read inside an aggregate: the groups have many rows.
    static func notAKey(_ what: String, _ scope: Scope) -> String {
        let keys = scope.groupKeys.isEmpty ? "" : "a key (\(scope.groupKeys.joined(separator: ", "))) or "
        return "\(what); after group by, show \(keys)an aggregate over each group's rows: count(), sum(x), max(x), …"
    }

    /// The name `as` gives a row must not hide a field of the row or a word of the language.
    mutating func checkRowName(_ named: RowName, _ collection: String) {
        let n = named.name
        if Schema.collection(row: collection)?.field(n) != nil || (collection == "contacts" && definitions.scores[n] != nil) {
            report("'\(n)' is a field of \(collection); name the row something else, as in: \(collection) as c", named.range)
        } else if Schema.collection(named: n) != nil || Parser.statementWords.contains(n) || Stage(name: n) != nil {
            report("'\(n)' is already a word of the language; name the row something else", named.range)
        }
    }
}

/// The column name a `show` or `group by` expression gets when it has no `as`.
public func columnName(_ e: Expr) -> String {
    switch e.kind {
    case .name(let n): return n
    case .member(_, let f): return f
    case .call(let f, let args):
        if args.isEmpty { return f }
        if args.count == 1 { return "\(f)_\(columnName(args[0]))" }
        return f
    case .tag(let t, let present): return (present ? "+" : "-") + t
    default: return "value"
    }
}
