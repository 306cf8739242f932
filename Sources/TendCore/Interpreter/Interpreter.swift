import Foundation

/// Runs checked statements against a model.
public final class Interpreter {
    public let model: Model
    public var today: Day
    /// The lets, functions, scores and rules in force. When they are kept elsewhere (a
    /// database), `deferDefinitions` leaves them to be read the first time they are needed: a
    /// statement that uses none of them (`count(contacts)`) never parses them.
    public var definitions: Definitions {
        _read {
            loadPendingDefinitions()
            yield storedDefinitions
        }
        _modify {
            loadPendingDefinitions()
            forgetLetValues()
            yield &storedDefinitions
        }
    }
    private var storedDefinitions: Definitions
    /// Handles a rename, merge or removal took away in this session: a definition made after
    /// it must not name one (`requireNamedContacts`).
    var handlesGone: Set<String> = []
    private var pendingDefinitions: (() -> Definitions)?
    /// The definitions, unless they have not been read yet.
    public var definitionsIfLoaded: Definitions? { pendingDefinitions == nil ? storedDefinitions : nil }
    /// Reads the definitions with `load` when they are first needed.
    public func deferDefinitions(_ load: @escaping () -> Definitions) {
        pendingDefinitions = load
        forgetLetValues()
    }
    private func loadPendingDefinitions() {
        guard let load = pendingDefinitions else { return }
        pendingDefinitions = nil
        storedDefinitions = load()
        forgetLetValues()
    }
    /// The lets' values kept by the views no longer hold once a definition changes, nor do
    /// the steps worked out for unchecked fns.
    private func forgetLetValues() {
        for v in [cachedView, queryView, periodView] {
            v?.lets = [:]
            v?.plans = [:]
        }
        uncheckedSteps = nil
        checkedMetrics = [:]
        compiledBodies = [:]
        keptAgenda = nil
        rulesAreLocal = nil
    }
    /// Goals' metrics as checked against the definitions in force, by source name (`goal "X"`).
    var checkedMetrics: [String: (Expr, Source)] = [:] {
        didSet { if checkedMetrics.isEmpty { metricResolutions = Resolutions() } }
    }
    /// What the names of the metrics in `checkedMetrics` resolved to.
    var metricResolutions = Resolutions() {
        didSet { compiledBodies = [:] }
    }
    /// What the names of the program being run resolved to, as its checker handed it over
    /// (`CheckedProgram.resolutions`). A name it does not know is looked up in the
    /// definitions', and one no checker saw is resolved as it runs.
    public var resolutions = Resolutions() {
        didSet { compiledBodies = [:] }
    }
    /// Definitions' bodies made into closures (`compiled(_:)`), by their root node. They hold
    /// the resolutions and definitions in force when made, and go when either changes.
    var compiledBodies: [ObjectIdentifier: (node: Expr, run: Compiled)] = [:]
    /// The agenda's items of each contact (`AgendaMemo`), kept while only `apply`'s changes are made.
    var keptAgenda: AgendaMemo?
    /// Set while the printed page is worked out: a rule failing for a contact is kept here and
    /// that item left off, instead of stopping the page (`agendaRows`).
    var agendaFailures: [Diagnostic]?
    /// False for a run of one statement whose process then ends (`tend agenda`): each contact's
    /// items are then not kept for a next statement (at 100,000 contacts, a dictionary and 70,000
    /// arrays held at the agenda's peak of memory).
    public var keepsAgenda = true
    /// Whether the rules in force read only each contact's own (`Locality`), once worked out.
    var rulesAreLocal: Bool?

    /// What the checker made of a name: the program's checker, the definitions' or a metric's.
    /// Definitions not read yet are not read for this: none of their bodies is running.
    func resolution(of e: Expr) -> Expr.Resolution {
        let r = resolutions[e]
        if r != .unresolved { return r }
        let d = storedDefinitions.resolutions[e]
        if d != .unresolved { return d }
        return metricResolutions[e]
    }
    /// Steps per call of fns the checker did not see (see `Checker.steps(of:)`), worked out
    /// when one is first called.
    private var uncheckedSteps: [String: Int]?

    /// The steps one call of a fn takes, with the fns it calls expanded.
    func steps(of f: Definitions.Fn) -> Int {
        if let known = f.steps { return known }
        if uncheckedSteps == nil { uncheckedSteps = Checker.steps(of: storedDefinitions) }
        return uncheckedSteps?[f.name] ?? 0
    }
    public weak var host: InterpreterHost?
    /// Where the agenda's numbers and item states are kept: the model, when it keeps them.
    public lazy var agendaBook: AgendaBook = (model as? AgendaBook) ?? MemoryAgendaBook()
    /// Under `--read-only`, definitions last for the run and nothing is written to the model.
    public var readOnly = false
    /// The lines of the agenda page this interpreter showed last (a REPL session's): `done 2`
    /// refuses when another process has numbered the agenda again since and line 2 is not the
    /// line shown here. Nil until it shows one: a one-shot `tend done 2` follows the numbers
    /// kept in the database.
    public var pageShown: [[ItemKey]]?
    /// Whether the numbers of `pageShown` were kept (false: another process held the write lock).
    var pageNumbersKept = true
    /// After "Defined x": under --read-only a definition is not kept in the database, which the
    /// confirmation says.
    var readOnlyDefinitionNote: String { readOnly ? " (read-only: not kept)" : "" }

    /// The network and what is computed from it, until the next change.
    /// Rows of one event collection read narrowed, and each contact's positions among them (a
    /// class: the agenda looks them up once per contact, and a copy of a network is a dozen
    /// arrays to retain).
    final class NarrowedEvents {
        let net: Network
        let index: [Int64: [Int]]
        init(_ net: Network, _ index: [Int64: [Int]]) {
            self.net = net
            self.index = index
        }
    }

    final class View {
        private var loadedNet: Network?
        private var loadedFull: Network?
        /// Contacts, me, markets, goals and definitions: read first, and often all that is needed.
        var net: Network {
            if partial { widen() }
            if let n = loadedNet { return n }
            let n = loadedFull ?? attempt { try load(false) } ?? Network()
            loadedNet = n
            return n
        }
        /// Everything, events included (derived fields, event collections, the graph). Once it is
        /// read, `net` is the same network: contacts are not read twice.
        var full: Network {
            if let f = loadedFull { return f }
            // Events that cannot be read fail the statement (`failure`); meanwhile the contacts
            // read already stay, as positions into them may be held.
            let f = attempt { try load(true) } ?? loadedNet ?? attempt { try load(false) } ?? Network()
            loadedFull = f
            loadedNet = f
            contacts = f.contacts
            contactIndex = f.contactIndex
            contactsReady = true
            lastLookup = (Int64.min, nil)
            // Plans made while the events were the model's read them from memory now.
            plans = [:]
            return f
        }
        /// The contacts and their positions, held apart so that reading one field of one contact
        /// copies neither the network nor the contact (the hot path of queries and the agenda).
        private(set) var contacts: [Contact] = []
        private(set) var contactIndex: [Int64: Int] = [:]
        private var contactsReady = false
        /// Set on a view made of the contacts a backend selected for one query: a contact outside
        /// them (a handle, a member of another contact) makes the view read them all.
        var partial = false
        init(today: Day, partial net: Network, load: @escaping (Bool) throws -> Network) {
            self.load = load
            self.today = today
            self.window = nil
            loadedNet = net
            partial = true
        }
        /// Whether anything was read from the model yet.
        var hasRead: Bool { loadedNet != nil || loadedFull != nil }
        /// The contacts the backend selected, as rows (a partial view only).
        var selectedRows: [Value] { (loadedNet?.contacts ?? []).map { .contact($0.id) } }
        /// Reads every contact: something outside the selection was asked for.
        func widen() {
            if statsOfSelection { dropSelectionStats() }
            partial = false
            contactsReady = false
            lastLookup = (Int64.min, nil)
            loadedNet = attempt { try load(false) } ?? loadedNet
        }
        func position(of id: Int64) -> Int? {
            // The agenda and a where-clause read many fields of one contact in a row.
            if contactsReady, id == lastLookup.id { return lastLookup.position }
            readyContacts()
            // Also when it is the first contact looked up: a partial view's first lookup of a
            // contact outside it once answered "no such contact".
            if partial && contactIndex[id] == nil {
                widen()
                readyContacts()
            }
            let found = contactIndex[id]
            lastLookup = (id, found)
            return found
        }
        private func readyContacts() {
            guard !contactsReady else { return }
            let n = loadedNet ?? net
            contacts = n.contacts
            contactIndex = n.contactIndex
            contactsReady = true
        }
        /// The last contact looked up; it stands only while `contactsReady` (which `widen` and
        /// reading every event clear before the contacts are replaced).
        private var lastLookup: (id: Int64, position: Int?) = (Int64.min, nil)
        let load: (Bool) throws -> Network
        /// The first error met reading the model. The view's properties cannot throw; the
        /// statement that used them fails with it (`readFailure`) instead of answering from an
        /// empty network.
        private(set) var failure: Error?
        func attempt<T>(_ body: () throws -> T) -> T? {
            do {
                return try body()
            } catch {
                if failure == nil { failure = error }
                return nil
            }
        }
        let today: Day
        let window: ClosedRange<Day>?
        /// The model, when the view shows it as it is (not a goal's period): its own figures,
        /// edges and per-contact events (SQL) then spare loading every event into memory.
        var backend: Model?
        /// The backend while it is the better source: no events are in memory yet (nil for a
        /// goal's period, which has no backend).
        var backendFirst: Model? { loadedFull == nil ? backend : nil }
        /// One contact's figures, `needing` these of them: asked of the backend one by one for
        /// the first few contacts (a short table), then for everyone at once.
        func stats(of id: Int64, needing figures: ContactStats.Figures = .all) -> ContactStats? {
            hold(figures)
            if statsOfSelection, let all = statsAll, all[id] == nil {
                // A contact outside the selection: everyone's figures, as for a whole view.
                dropSelectionStats()
            }
            if let all = statsAll {
                if id == lastStats.id { return lastStats.stats }
                lastStats = (id, all[id])
                return lastStats.stats
            }
            if let s = statsFew[id] { return s }
            if statsFew.count < 25, !wholeTable, let s = attempt({ try backendFirst?.contactStats(of: [id], today: today) }) ?? nil {
                statsFew[id] = s[id]
                return s[id]
            }
            return heldStats[id]
        }
        private var lastStats: (id: Int64, stats: ContactStats?) = (Int64.min, nil)
        private var statsFew: [Int64: ContactStats?] = [:]
        private var statsAll: [Int64: ContactStats]?
        /// Set while `statsAll` holds the figures of a partial view's selection alone.
        private var statsOfSelection = false
        /// Every figure of every contact (of a partial view, of the contacts it selected).
        var stats: [Int64: ContactStats] {
            hold(.all)
            return heldStats
        }
        /// The figures the agenda's definitions name (`figuresNamedByDefinitions`), which the
        /// backend is asked for when it sums every contact's; any other is then asked for again
        /// with the rest.
        var figuresWanted = ContactStats.Figures.all
        /// Which figures `statsAll` holds; the others are as a contact without events has them.
        private var statsHeld = ContactStats.Figures.all
        /// Drops the figures held when they lack some of these (a figure the agenda's
        /// definitions were not seen to name): every figure is read next.
        private func hold(_ figures: ContactStats.Figures) {
            guard statsAll != nil, !statsHeld.isSuperset(of: figures) else { return }
            figuresWanted = .all
            dropSelectionStats()
        }
        /// Every contact's figures: the backend's own when it has them and no events are in
        /// memory, else a pass over the events. In a partial view, the backend is asked for the
        /// selected contacts' alone (a query narrowed by a figure selects a few of 100,000).
        private var heldStats: [Int64: ContactStats] {
            if let all = statsAll { return all }
            if partial, let backend = backendFirst, let selected = loadedNet?.contacts.map(\.id),
                let some = attempt({ try backend.contactStats(of: selected, today: today) }) ?? nil
            {
                statsAll = some
                statsHeld = .all
                statsOfSelection = true
                return some
            }
            let wanted = figuresWanted
            if let summed = attempt({ try backendFirst?.contactStats(of: nil, today: today, figures: wanted) }) ?? nil {
                statsAll = summed
                statsHeld = wanted
                return summed
            }
            let all = full.stats(today: today, window: window)
            statsAll = all
            statsHeld = .all
            return all
        }
        private func dropSelectionStats() {
            statsAll = nil
            statsOfSelection = false
            lastStats = (Int64.min, nil)
        }
        /// Contacts adjacent to each contact through `knows` edges.
        lazy var adjacency: [Int64: [Int64]] = {
            if let edges = attempt({ try backendFirst?.knowsEdges() }) ?? nil {
                var n = Network()
                n.knows = edges
                return n.adjacency()
            }
            return full.adjacency()
        }()
        var cadence: [Int64: Duration?] = [:]
        /// Every stage change and `knows` edge, which no period narrows, for the networks of
        /// goals' periods (`periodNetwork`).
        var wholeHistory: (stages: [StageChange], knows: [(Int64, Int64)])?
        var scores: [String: [Int64: Value]] = [:]
        /// Counts the model made (`countedByModel`), by query and condition values; nil where it could not.
        var modelCounts: [String: Int?] = [:]
        lazy var handles: [String: Int64] = Dictionary(net.contacts.map { ($0.handle, $0.id) }, uniquingKeysWith: { a, _ in a })
        /// Rows of each collection, made once per view.
        var rows: [String: [Value]] = [:]
        /// Rows of each event collection by the contacts in them, for `contact == X` and `X in people`.
        var positionsByContact: [String: [Int64: [Int]]] = [:]
        /// Rows read narrowed by a where-clause's fixed conditions, by position for each contact,
        /// keyed by the clause (nil: the clause could not be narrowed). The clause is held with
        /// them, so that its identity is not taken by another statement's while the view lasts.
        var narrowed: [ObjectIdentifier: (filter: Expr, events: NarrowedEvents?)] = [:]
        /// The values of the lets read so far.
        var lets: [String: Value] = [:]
        /// The plan of each query run in this view, by its source expression (which the plan holds).
        var plans: [ObjectIdentifier: Plan] = [:]
        /// Set when every contact's figures will be asked for (the agenda): they are then read at
        /// once from the start rather than one contact at a time.
        var wholeTable = false
        init(today: Day, window: ClosedRange<Day>? = nil, load: @escaping (Bool) throws -> Network) {
            self.load = load
            self.today = today
            self.window = window
        }
    }
    private(set) var cachedView: View?
    /// How many interactions a goal's period reads through the model's index at most, and past
    /// that how many a page (tests make them small).
    var periodReads = (few: 20_000, page: 50_000)
    /// Set while a goal's metric is evaluated for one period.
    var periodView: View?
    /// The contacts the backend selected for the statement's query (see `pushedDown`): the rest
    /// of the statement (the table of results) reads them from here. It widens to every contact
    /// the moment anything else is asked for, and is dropped when the next statement starts.
    var queryView: View?
    var source: Source?
    /// Definitions evaluated inside one another (fns, lets, scores): a stored definition that
    /// reads itself stops here, with words, long before the stack (`stack`) runs out. Two
    /// hundred is far beyond any real chain of definitions.
    var callDepth = 0
    static let maxCallDepth = 200
    /// The stack's limit on this thread: evaluation stops with an error before it overflows.
    var stack = StackGuard()
    /// Rows visited and fns called by the current statement. A query inside a query over a
    /// large network is quadratic, and fns calling fns twice are exponential: past `maxWork`
    /// steps the statement stops with an error instead of running for hours. Counted, not
    /// timed, so that the limit is the same on every machine; twenty million steps take
    /// seconds, and a statement over a 20,000-contact network takes a few hundred thousand.
    var work = 0
    public var maxWork = 20_000_000
    /// The longest text a statement may make with `+`, interpolation and the text functions:
    /// `fn d(s) = s + s` nested 26 times stopped at 6 GB, out of memory. 16 MB is sixteen string
    /// literals (`Lexer.maxStringBytes`): a dump writes a longer note as literals joined by `+`,
    /// and imports refuse a field longer than this, so whatever is stored can be restored.
    public static let maxStringBytes = 16 << 20
    /// The most items in a list a statement makes with `+` (a literal holds at most 10,000):
    /// a million is a hundred times a large network, and about 40 MB.
    public static let maxListItems = 1_000_000
    /// Lists and records nested deeper than this cannot be made: taking apart (and printing)
    /// a nested value recurses once per level, like the parser's nesting limit.
    public static let maxValueDepth = Parser.maxDepth
    /// The bytes of values one statement may keep (the rows `show` and `group by` make, the
    /// lets it works out), counted as they are made. A 1 MB literal shown for 2,000 contacts
    /// took 2 GB; 256 MB is a hundred times a large network's whole table, and well inside a
    /// small machine's memory.
    public var maxStatementBytes = 256 << 20
    /// Bytes of values the current statement has made.
    var madeBytes = 0
    /// For each `and`/`or` evaluated in the statement: whether its right side goes first. A run-time
    /// fact kept apart from the tree, by node; each entry holds its node, so that no other node
    /// can take its identity while it stands. Emptied when a statement starts.
    var sideOrder: [ObjectIdentifier: (node: Expr, rightFirst: Bool)] = [:]
    /// The runs of queries nested in another's rows, by node (`nestedQuery`), and the rows they
    /// keep. Emptied when a statement starts or the view goes.
    var nestedRuns: [ObjectIdentifier: NestedRuns] = [:]
    var nestedRowsKept = 0
    /// What is being evaluated for every contact or period: the rules (for the agenda or `why`),
    /// goals' metrics, the default cadence. A stored definition (by an older Tend, or written
    /// into the database by hand) that reads what evaluates it is stopped when it re-enters,
    /// with the cycle named, instead of recursing until the stack overflows.
    var evaluatingRules = 0
    var ruleInView = ""
    var evaluatingGoals = 0
    var goalInView = ""
    var evaluatingCadence = 0
    /// The lets and scores being evaluated now (`let:x`, `score:s`): one that reads itself is a cycle.
    var inProgress: Set<String> = []
    /// What the planner weighs (how many events fit in memory, the size of a page).
    public var cost = CostModel()
    /// Set while `explain` plans a query: the plan then says how many rows the collection holds.
    var explaining = false
    /// A host that draws a statement's outputs before the next statement runs sets this: a
    /// query over every event of a large network then comes as a streamed table (`Table.stream`),
    /// read again as it is drawn, instead of a million rows held.
    public var streamsLargeResults = false
    /// Counts the statements begun: a streamed table reads only while its statement is the last.
    var statementsStarted = 0
    /// The group in view when its rows were not kept: how many, and the values each aggregate
    /// took from them (by the aggregate's call), nulls left out, or the error its argument
    /// first met on one of them.
    var foldedGroup: FoldedGroup?
    struct FoldedGroup {
        var count: Int
        var values: [ObjectIdentifier: [Value]]
        var failures: [ObjectIdentifier: Error]
    }

    /// Starts the budgets of a statement afresh (work, bytes made) and reads the stack's bounds.
    func startStatement() {
        work = 0
        madeBytes = 0
        sideOrder = [:]
        forgetNestedRuns()
        stack.prepare()
    }

    /// Counts bytes of values the statement keeps (the rows `show` and `group by` make, the
    /// lets it works out) against `maxStatementBytes`. Values made and dropped along the way
    /// (a condition's text, row by row) are not counted: they are freed as the rows go by.
    func account(_ bytes: Int, _ range: SourceRange) throws {
        madeBytes += bytes
        if madeBytes > maxStatementBytes {
            throw fail(
                "this statement makes more than \(maxStatementBytes >> 20) MB of values", range,
                notes: ["show fewer rows (limit), or less text per row: a long text in show is repeated on every row"])
        }
    }

    /// A value the statement keeps, counted with everything in it (up to what is left of the
    /// budget), and nested no deeper than `maxValueDepth`.
    func kept(_ v: Value, _ range: SourceRange) throws -> Value {
        let (bytes, depth) = Interpreter.measure(v, budget: maxStatementBytes - madeBytes + 1)
        if depth > Interpreter.maxValueDepth { throw fail("lists and records nest at most \(Interpreter.maxValueDepth) deep", range) }
        try account(bytes, range)
        return v
    }

    /// Text the statement made: at most `maxStringBytes`.
    func made(_ text: String, _ range: SourceRange) throws -> Value {
        try checkLength(text.utf8.count, range)
        return .string(text)
    }

    /// Refuses text longer than `maxStringBytes` (before it is made, where the length is known).
    func checkLength(_ bytes: Int, _ range: SourceRange) throws {
        if bytes > Interpreter.maxStringBytes {
            throw fail(
                "this text would be \(bytes.formatted) bytes long; text holds at most 16 MB (\(Interpreter.maxStringBytes.formatted) bytes)", range)
        }
    }

    /// A list or record the statement made: nested no deeper than `maxValueDepth`.
    func made(_ v: Value, _ range: SourceRange) throws -> Value {
        if Interpreter.depth(of: v) > Interpreter.maxValueDepth {
            throw fail("lists and records nest at most \(Interpreter.maxValueDepth) deep", range)
        }
        return v
    }

    /// How deeply lists and records nest in a value (0 for anything else).
    static func depth(of v: Value) -> Int {
        switch v {
        case .list(let items): return 1 + (items.lazy.map(depth).max() ?? 0)
        case .record(let r): return 1 + (r.values.lazy.map(depth).max() ?? 0)
        default: return 0
        }
    }

    /// A value's bytes (text counted by its UTF-8, everything else by its slot) and how deeply
    /// lists and records nest in it; stops counting once past `budget`.
    static func measure(_ v: Value, budget: Int) -> (bytes: Int, depth: Int) {
        let slot = MemoryLayout<Value>.stride
        switch v {
        case .string(let s): return (slot + s.utf8.count, 0)
        case .list(let items): return measure(items, budget: budget)
        case .record(let r): return measure(r.values, budget: budget)
        case .row(let r): return measure(r.values, budget: budget)
        default: return (slot, 0)
        }
    }

    private static func measure(_ items: [Value], budget: Int) -> (bytes: Int, depth: Int) {
        var bytes = MemoryLayout<Value>.stride
        var depth = 0
        for item in items {
            let (b, d) = measure(item, budget: budget - bytes)
            bytes += b
            depth = max(depth, d)
            if bytes > budget { break }
        }
        return (bytes, depth + 1)
    }

    func charge(_ rows: Int, _ range: SourceRange) throws {
        try checkInterruption(range)
        work += rows
        if work > maxWork {
            throw fail(
                "this statement does too much work (over \(maxWork) steps: rows visited and fns called)", range,
                notes: [
                    evaluatingRules > 0
                        ? "a rule's, score's or fn's query runs once for every contact, and reads every row it selects each time; narrow it (by date, kind or the contact: count(referrals where contact == c)) or compute what does not depend on the contact once with let"
                        : "a query inside a query over every row grows with the square of the network; narrow the inner query by the outer row (contacts as c where count(referrals where contact == c) > 0) or compute it once with let"
                ])
        }
    }

    /// Stops the statement when the user asked (Ctrl-C in the REPL): the run is rolled back.
    @inline(__always) func checkInterruption(_ range: SourceRange) throws {
        if Interruption.requested != 0 { throw fail(Interruption.message, range) }
    }

    public init(model: Model, today: Day, definitions: Definitions = Definitions()) {
        self.model = model
        self.today = today
        self.storedDefinitions = definitions
    }

    func view() throws -> View {
        // A goal's period comes first: a query narrowed earlier in the statement must not stand
        // in for the period's rows.
        if let p = periodView { return p }
        if let q = queryView, q.today == today { return q }
        if let v = cachedView, v.today == today { return v }
        retiredView = nil
        let model = self.model
        let v = View(today: today) { events in try model.network(events: events) }
        v.backend = model
        cachedView = v
        return v
    }

    /// Forgets what was computed from the network (after a change). The old view is freed when
    /// the next one is made, not here: a one-shot command that ends after its last statement
    /// then exits without spending a tenth of its time taking a large network apart.
    public func invalidate() {
        keptAgenda = nil
        forgetView()
    }

    private func forgetView() {
        forgetNestedRuns()
        if cachedView != nil { retiredView = cachedView }
        cachedView = nil
        queryView = nil
    }
    private var retiredView: View?

    /// Whether a view of this statement met an error reading the model (which the statement
    /// then fails with): what it goes on to compute stands on missing data, and a host writing
    /// it out as it comes (an export to standard output) stops.
    public var readFailed: Bool { [queryView, periodView, cachedView].contains { $0?.failure != nil } }

    /// The error a view of this statement met reading the model, if any; the views are then
    /// dropped, so that the next statement reads again.
    func readFailure() -> Error? {
        guard let failure = [queryView, periodView, cachedView].lazy.compactMap({ $0?.failure }).first else { return nil }
        invalidate()
        retiredView = nil
        periodView = nil
        return failure
    }

    /// The contacts whose data this run changed; nil when a change may touch any (a definition,
    /// `me`). Read and reset by `settleClosedItems`.
    public var contactsChangedInRun: Set<Int64>? = []
    /// The fields this run set of each contact ("*": every field, as an edit may).
    var fieldsSetInRun: [Int64: Set<String>] = [:]
    /// The items this run closed, dismissed, snoozed or recorded: `settleClosedItems` leaves them.
    var itemsClosedInRun: Set<ItemKey> = []
    /// The items closed until their rule stops applying, by contact, as the run found them
    /// (`itemsSpentBeforeChanging`); read when first needed. The contacts whose items were
    /// looked at before the run changed them, or everyone's.
    var closedAtRunStart: [Int64: [ItemKey]]?
    var settledInRun: Set<Int64> = []
    var settledEveryone = false

    /// Fails with the error a view met reading the model, before a change or a side effect
    /// rests on what was read: `set contacts where touches > 3 …` on a damaged file set the 25
    /// contacts whose figures were read one by one, and the failure went with the view the
    /// change let go.
    public func stopOnReadFailure() throws {
        if let failure = readFailure() { throw failure }
    }

    @discardableResult
    func apply(_ change: Change) throws -> Int64? {
        // A statement writing many rows stops between them (after the last, the host's check
        // before its commit does).
        if Interruption.requested != 0 { throw Stopped() }
        try stopOnReadFailure()
        let touched = AgendaMemo.contacts(changedBy: change)
        let spent = try itemsSpentBeforeChanging(touched)
        if let touched { contactsChangedInRun?.formUnion(touched) } else { contactsChangedInRun = nil }
        if case .updateContact(let c, let fields) = change { fieldsSetInRun[c.id, default: []].formUnion(fields ?? ["*"]) }
        // The agenda's items of the contacts the change touches are worked out again; a change
        // that may touch anyone's drops them all.
        if let memo = keptAgenda {
            if let touched { memo.markStale(touched) } else { keptAgenda = nil }
        }
        forgetView()
        // The views share the model's arrays of contacts and events: they are let go before the
        // change, so that the model changes its own copy in place. Kept, every change would copy
        // every contact, and a script of n changes would take n² time.
        retiredView = nil
        let id = try model.apply(change)
        if case .insertContact = change, let id { keptAgenda?.markStale([id]) }
        if !spent.isEmpty { try agendaBook.forgetItemStates(spent) }
        return id
    }

    // MARK: - Evaluation context

    struct Ctx {
        var row: Value?
        var locals: [String: Value] = [:]
        var group: [Value]?
        var groupKeys: Record?
        /// The name `as` gave the rows (of a group, the rows of its members).
        var rowName: String?
        static let empty = Ctx()

        init(row: Value? = nil, locals: [String: Value] = [:], group: [Value]? = nil, groupKeys: Record? = nil) {
            self.row = row
            self.locals = locals
            self.group = group
            self.groupKeys = groupKeys
        }

        /// The context of one row of a query (rule, score) whose rows are named `rowName`: the
        /// row is a local too, for the queries nested inside.
        init(row: Value?, locals: [String: Value] = [:], naming rowName: String?, group: [Value]? = nil, groupKeys: Record? = nil) {
            self.init(row: row, locals: locals, group: group, groupKeys: groupKeys)
            self.rowName = rowName
            if let rowName, let row { self.locals[rowName] = row }
        }
    }

    /// Evaluates with `source` set to a definition's text, so that errors inside it point there.
    func within<T>(_ file: Source?, _ body: () throws -> T) rethrows -> T {
        guard let file, file !== source else { return try body() }
        let saved = source
        source = file
        defer { source = saved }
        return try body()
    }

    func fail(_ message: String, _ range: SourceRange, suggestion: String? = nil, notes: [String] = []) -> Diagnostic {
        runtimeError(message, at: range, in: source, suggestion: suggestion, notes: notes)
    }

    /// `fail` for an error of the definitions themselves (`Diagnostic.inDefinitions`).
    func failInDefinitions(_ message: String, _ range: SourceRange) -> Diagnostic {
        var d = fail(message, range)
        d.inDefinitions = true
        return d
    }

    /// Stops evaluation that nests too deeply for the stack left (definitions inside definitions).
    @inline(__always) func checkStack(_ e: Expr) throws {
        if stack.exhausted { throw failInDefinitions("this nests too deeply to evaluate (definitions inside definitions)", e.range) }
    }

    func eval(_ e: Expr, _ ctx: Ctx) throws -> Value {
        try checkStack(e)
        switch e.kind {
        case .literal(let v):
            return v
        case .interpolated(let parts):
            var s = ""
            for p in parts {
                switch p {
                case .text(let t): s += t
                case .expr(let inner): s += try display(eval(inner, ctx), inner.range)
                }
                try checkLength(s.utf8.count, e.range)
            }
            return try made(s, e.range)
        case .name(let n):
            return try evalName(e, n, ctx)
        case .handle(let h):
            return .contact(try contactID(h, e.range))
        case .tag(let t, let present):
            guard let row = ctx.row else { throw fail("+\(t) needs a contact in view", e.range) }
            let tags = try field(row, "tags", e.range)
            let has = tags.listValue?.contains { $0.stringValue.map { sameText($0, t) } ?? false } ?? false
            return .bool(present ? has : !has)
        case .me:
            return .record(try meRecord())
        case .it:
            guard let row = ctx.row else { throw fail("'it' has no row here", e.range) }
            return row
        case .list(let items):
            return try made(.list(try items.map { try eval($0, ctx) }), e.range)
        case .record(let fields):
            var r = Record()
            for (k, v) in fields { r[k] = try eval(v, ctx) }
            return try made(.record(r), e.range)
        case .unary(let op, let operand):
            return try negated(op, eval(operand, ctx), e, operand)
        case .binary(let op, let l, let r):
            return try evalBinary(e, op, l, r, ctx)
        case .member(let base, let name):
            let b = try eval(base, ctx)
            if b.isNull { return .null }
            if case .contact(let id) = b, let key = ContactKey.byName[name] { return try contactField(id, key) }
            return try field(b, name, e.range)
        case .call(let name, let args):
            return try call(e, name, args, ctx)
        case .ifThen(let c, let y, let n):
            if try eval(c, ctx).isTrue { return try eval(y, ctx) }
            return try n.map { try eval($0, ctx) } ?? .null
        case .query(let q):
            return .rows(try nestedQuery(e, q, ctx))
        }
    }

    /// `not v`, `-v`.
    func negated(_ op: UnaryOperator, _ v: Value, _ e: Expr, _ operand: Expr) throws -> Value {
        if op == .not {
            if v.isNull { return .null }
            guard case .bool(let b) = v else { throw fail("'not' needs a bool, not \(v.typeName)", operand.range) }
            return .bool(!b)
        }
        switch v {
        case .null: return .null
        case .number(let n): return .number(n.whole.map { Decimal(-$0) } ?? -n)
        case .duration(let d): return .duration(-d)
        default: throw fail("cannot negate \(v.typeName)", e.range)
        }
    }

    func evalName(_ e: Expr, _ n: String, _ ctx: Ctx) throws -> Value {
        try evalName(e, n, as: resolution(of: e), ctx)
    }

    /// A name's value, resolved as `resolution` says: the checker's, or for input no checker
    /// saw (`.unresolved`) the one worked out here, each time.
    func evalName(_ e: Expr, _ n: String, as resolution: Expr.Resolution, _ ctx: Ctx) throws -> Value {
        switch resolution {
        case .local(let name):
            return ctx.locals[name] ?? .null
        case .field(let name):
            if let keys = ctx.groupKeys {
                if let v = keys[name] { return v }
                if name == "count" { return .int(groupSize(ctx)) }
            }
            guard let row = ctx.row else { throw fail("'\(name)' is a field, and no row is in view", e.range) }
            if case .contact(let id) = row, let key = ContactKey.byName[name] { return try contactField(id, key) }
            return try field(row, name, e.range)
        case .global(let name):
            // A let's value cannot change while the view stands (it reads no row): worked out once.
            let v = try view()
            if let known = v.lets[name] { return known }
            return try letValue(name, v, e.range)
        case .collection(let name):
            guard let spec = Schema.collection(named: name) else { throw fail("unknown collection \(name)", e.range) }
            if name == "agenda" { return .rows(try agendaRows(on: nil, e.range)) }
            return .rows(RowSet(collection: spec, rows: try rows(of: spec, e.range)))
        case .row:
            guard let row = ctx.row else { throw fail("'\(n)' names a row, and no row is in view", e.range) }
            return row
        case .stage(let s):
            return .stage(s)
        case .constant(let c):
            switch c {
            case "today": return .date(try view().today)
            case "yesterday": return .date(try onCalendar(view().today.adding(checkedDays: -1), e))
            case "tomorrow": return .date(try onCalendar(view().today.adding(checkedDays: 1), e))
            default: return .string(c)
            }
        case .unresolved:
            // Unchecked input (a rule loaded from an older database): resolve the way the checker would.
            if let v = ctx.locals[n] { return v }
            if let keys = ctx.groupKeys, let v = keys[n] { return v }
            if case .contact? = ctx.row, ContactKey.byName[n] != nil || definitions.scores[n] != nil {
                // A contact's field or score: its errors (a score that reads itself) are the answer.
                return try field(ctx.row!, n, e.range)
            }
            if let row = ctx.row, let v = try? field(row, n, e.range) { return v }
            if definitions.lets[n] != nil { return try evalName(e, n, as: .global(n), ctx) }
            if Schema.collection(named: n) != nil { return try evalName(e, n, as: .collection(n), ctx) }
            if ["today", "yesterday", "tomorrow"].contains(n) { return try evalName(e, n, as: .constant(n), ctx) }
            if let s = Stage(name: n) { return .stage(s) }
            throw fail("unknown name '\(n)'", e.range)
        }
    }

    // MARK: - Lets

    /// A let's value in this view. The lets it reads (directly, or in the fns it calls) are
    /// worked out first, from the bottom up, so that a chain of a thousand lets needs no more
    /// stack than one.
    func letValue(_ name: String, _ v: View, _ range: SourceRange) throws -> Value {
        guard let l = definitions.lets[name] else { throw fail("'\(name)' is no longer defined", range) }
        if inProgress.contains(Definitions.key(.let, name)) { throw failInDefinitions("let \(name) reads itself (a cycle): drop or redefine it", range) }
        var order: [String] = []
        var state: [String: Bool] = [name: false]
        var stack = letsRead(by: l.value, definitions).map { ($0, false) }
        while let (n, done) = stack.popLast() {
            if done {
                order.append(n)
                continue
            }
            guard state[n] == nil, v.lets[n] == nil, let dep = definitions.lets[n] else { continue }
            state[n] = false
            stack.append((n, true))
            stack += letsRead(by: dep.value, definitions).filter { state[$0] == nil }.map { ($0, false) }
        }
        for n in order where v.lets[n] == nil { _ = try evaluateLet(n, v, range) }
        return try evaluateLet(name, v, range)
    }

    private func evaluateLet(_ name: String, _ v: View, _ range: SourceRange) throws -> Value {
        guard let l = definitions.lets[name] else { throw fail("'\(name)' is no longer defined", range) }
        let value = try kept(once(.let, name, range) { try within(l.file) { try eval(l.value, Ctx()) } }, range)
        v.lets[name] = value
        return value
    }

    /// Evaluates a let or a score, stopping one that reads itself (a stored cycle) and a chain
    /// of definitions deeper than `maxCallDepth`.
    private func once(_ kind: Definition.Kind, _ name: String, _ range: SourceRange, _ body: () throws -> Value) throws -> Value {
        let key = Definitions.key(kind, name)
        if inProgress.contains(key) { throw failInDefinitions("\(kind) \(name) reads itself (a cycle): drop or redefine it", range) }
        callDepth += 1
        inProgress.insert(key)
        defer {
            callDepth -= 1
            inProgress.remove(key)
        }
        if callDepth > Interpreter.maxCallDepth { throw failInDefinitions("definitions nested too deeply", range) }
        return try body()
    }

    /// The lets an expression reads, directly or in the fns it calls (each fn looked into once).
    /// Walked with a stack of its own: fns calling fns may be thousands deep.
    func letsRead(by root: Expr, _ definitions: Definitions) -> [String] {
        var found: [String] = []
        var fnsSeen = Set<String>()
        var stack = [root]
        while let e = stack.popLast() {
            switch e.kind {
            case .name(let n):
                switch resolution(of: e) {
                case .global(let g): found.append(g)
                case .unresolved where definitions.lets[n] != nil: found.append(n)
                default: break
                }
            case .call(let name, _):
                if Builtin.byName[name] == nil, let f = definitions.fns[name], fnsSeen.insert(name).inserted { stack.append(f.body) }
            default: break
            }
            stack += e.children
        }
        return found
    }

    // MARK: - Contacts

    /// The id of a handle, or an error that suggests the closest handles.
    func contactID(_ handle: String, _ range: SourceRange) throws -> Int64 {
        if let p = periodView, let id = p.handles[handle] { return id }
        if let id = try model.contactID(handle: handle) { return id }
        throw Diagnostic.noContact(handle, at: range, in: source, among: try view().net.contacts.map(\.handle), kind: .runtime)
    }

    func contact(_ id: Int64) throws -> Contact? {
        // With nothing read yet, the model reads the one contact: a change to one person read
        // every contact (on PostgreSQL, every row then in the transaction's conflict check).
        if periodView == nil, queryView == nil, !(cachedView?.hasRead ?? false), let one = try readContact(id) {
            return one.contacts.first { $0.id == id }
        }
        let v = try view()
        return v.position(of: id).map { v.contacts[$0] }
    }

    func meRecord() throws -> Record {
        let me = try view().net.me
        var r = Record()
        r["name"] = .optional(me.name)
        r["profession"] = .optional(me.profession)
        r["company"] = .optional(me.company)
        r["preferred_client"] =
            me.preferredClient.count == 1
            ? .string(me.preferredClient[0]) : (me.preferredClient.isEmpty ? .null : .list(me.preferredClient.map(Value.string)))
        r["goals"] = .list(me.goals.map(Value.string))
        r["emails"] = .list(me.emails.map(Value.string))
        return r
    }

    /// A field of a row: a contact's stored or derived field or score, an event's field, a record's key.
    func field(_ row: Value, _ name: String, _ range: SourceRange) throws -> Value {
        switch row {
        case .contact(let id):
            return try contactField(id, name, range)
        case .row(let r):
            if let v = r[name] { return v }
            throw fail("\(r.collection.name) have no field '\(name)'", range)
        case .record(let r):
            if let v = r[name] { return v }
            return .null
        case .null:
            return .null
        default:
            throw fail("\(row.typeName) has no field '\(name)'", range)
        }
    }

    func contactField(_ id: Int64, _ name: String, _ range: SourceRange) throws -> Value {
        let v = try view()
        guard let i = v.position(of: id) else { return .null }
        guard let key = ContactKey.byName[name] else { return try score(name, of: id, v, range) }
        return try contactField(at: i, v, key)
    }

    /// A field of a contact by its key (null for a contact no longer there).
    func contactField(_ id: Int64, _ key: ContactKey) throws -> Value {
        let v = try view()
        guard let i = v.position(of: id) else { return .null }
        return try contactField(at: i, v, key)
    }

    /// The contact's fields by name, looked up once per access instead of a chain of string compares.
    enum ContactKey: String, CaseIterable {
        case id, name, handle, company, title, profession, email, phone, city, emails, phones, addresses
        case tags, goals, accomplishments, interests, networks, skills, serves
        case met_at, met_on, relationship, `internal`, stage, own_cadence, cadence, next_step, next_due
        case expert, passionate, honors_referrals, notes, created, snoozed_until, stage_rank, gains, referrable
        case birthday, anniversary, dates, uid
        case due, overdue, last_touch, last_touch_by, touches, touches_90d, gave, asked, inbound, give_ratio
        case referrals_given, referrals_received, spend, introductions, degree, stage_since

        static let byName: [String: ContactKey] = Dictionary(uniqueKeysWithValues: allCases.map { ($0.rawValue, $0) })

        /// The figures the field is worked out from (none for a stored field): `due` and
        /// `overdue` count from the last touch.
        var figures: ContactStats.Figures {
            switch self {
            case .last_touch, .due, .overdue: return .lastTouch
            case .last_touch_by: return .lastTouchBy
            case .touches: return .touches
            case .touches_90d: return .touches90
            case .gave: return .gave
            case .asked: return .asked
            case .give_ratio: return [.gave, .asked]
            case .inbound: return .inbound
            case .referrals_given: return .referralsGiven
            case .referrals_received: return .referralsReceived
            case .spend: return .spend
            case .introductions: return .introductions
            case .degree: return .degree
            case .stage_since: return .stageSince
            default: return []
            }
        }
    }

    /// A score (`score priority = …`) of a contact, computed once per view.
    private func score(_ name: String, of id: Int64, _ v: View, _ range: SourceRange) throws -> Value {
        guard let score = definitions.scores[name] else {
            throw fail("contacts have no field '\(name)'", range, suggestion: closest(name, among: Schema.contacts.fields.map(\.name)).first)
        }
        if let cached = v.scores[name]?[id] { return cached }
        let ctx = Ctx(row: .contact(id), naming: score.row)
        let evaluate = { try self.once(.score, name, range) { try self.within(score.file) { try self.evalCompiled(score.value, ctx) } } }
        let value = try v.position(of: id).map { i in try forContact(named: { (v.contacts[i].handle, v.contacts[i].name) }, evaluate) } ?? evaluate()
        v.scores[name, default: [:]][id] = value
        return value
    }

    /// A field of the contact at position `i` of the view, read in place: copying a contact
    /// (a score of strings and lists) for each field read was a tenth of the agenda's time.
    func contactField(at i: Int, _ v: View, _ key: ContactKey) throws -> Value {
        switch key {
        case .id: return .number(Decimal(v.contacts[i].id))
        case .name: return .string(v.contacts[i].name)
        case .handle: return .string(v.contacts[i].handle)
        case .company: return .optional(v.contacts[i].company)
        case .title: return .optional(v.contacts[i].title)
        case .profession: return .optional(v.contacts[i].profession)
        case .email: return .optional(v.contacts[i].email)
        case .phone: return .optional(v.contacts[i].phone)
        case .city: return .optional(v.contacts[i].city)
        case .emails: return Interpreter.texts(v.contacts[i].emails)
        case .phones: return Interpreter.texts(v.contacts[i].phones)
        case .addresses: return Interpreter.texts(v.contacts[i].addresses)
        case .tags: return .list(v.contacts[i].tags.map(Value.string))
        case .goals: return .list(v.contacts[i].goals.map(Value.string))
        case .accomplishments: return .list(v.contacts[i].accomplishments.map(Value.string))
        case .interests: return .list(v.contacts[i].interests.map(Value.string))
        case .networks: return .list(v.contacts[i].networks.map(Value.string))
        case .skills: return .list(v.contacts[i].skills.map(Value.string))
        case .serves: return .list(v.contacts[i].serves.map(Value.string))
        case .met_at: return .optional(v.contacts[i].metAt)
        case .met_on: return .optional(v.contacts[i].metOn)
        case .relationship: return .optional(v.contacts[i].relationship)
        case .internal: return .bool(v.contacts[i].isInternal)
        case .stage: return .stage(v.contacts[i].stage)
        case .own_cadence: return v.contacts[i].cadence.map(Value.duration) ?? .null
        case .cadence: return try cadence(at: i, v).map(Value.duration) ?? .null
        case .next_step: return .optional(v.contacts[i].nextStep)
        case .next_due: return .optional(v.contacts[i].nextDue)
        case .expert: return .bool(v.contacts[i].expert)
        case .passionate: return .bool(v.contacts[i].passionate)
        case .honors_referrals: return .bool(v.contacts[i].honorsReferrals)
        case .notes: return .optional(v.contacts[i].notes)
        case .created: return .date(v.contacts[i].created)
        case .snoozed_until: return .optional(v.contacts[i].snoozedUntil)
        case .birthday: return .optional(v.contacts[i].birthday)
        case .anniversary: return .optional(v.contacts[i].anniversary)
        case .dates: return .list(v.contacts[i].dates.map { .date($0.date) })
        case .uid: return .optional(v.contacts[i].uid)
        case .stage_rank: return .int(v.contacts[i].stage.rawValue)
        case .gains: return .int(Schema.gainsFields.filter { !v.contacts[i][list: $0].isEmpty }.count)
        case .referrable: return .bool(v.contacts[i].expert && v.contacts[i].passionate && v.contacts[i].honorsReferrals)
        case .due: return try due(at: i, v).map(Value.date) ?? .null
        case .overdue:
            guard let d = try due(at: i, v) else { return .duration(Duration()) }
            return .duration(Duration(days: max(0, v.today.ordinal - d.ordinal)))
        default: break
        }
        let s = v.stats(of: v.contacts[i].id, needing: key.figures) ?? ContactStats()
        switch key {
        case .last_touch: return .optional(s.lastTouch)
        case .last_touch_by: return .optional(s.lastTouchBy)
        case .touches: return .int(s.touches)
        case .touches_90d: return .int(s.touches90)
        case .gave: return .int(s.gave)
        case .asked: return .int(s.asked)
        case .inbound: return .int(s.inbound)
        case .give_ratio: return .number(s.giveRatio)
        case .referrals_given: return .int(s.referralsGiven)
        case .referrals_received: return .int(s.referralsReceived)
        case .spend: return .number(s.spend)
        case .introductions: return .int(s.introductions)
        case .degree: return .int(s.degree)
        default: return .optional(s.stageSince ?? v.contacts[i].created)
        }
    }

    /// The contact's own cadence, else what the prelude's `default_cadence(c)` says.
    func cadence(at i: Int, _ v: View) throws -> Duration? {
        if let own = v.contacts[i].cadence { return own }
        let id = v.contacts[i].id
        if let cached = v.cadence[id] { return cached }
        var result: Duration?
        if let fn = definitions.fns["default_cadence"], fn.params.count == 1 {
            if evaluatingCadence > 0 {
                throw failInDefinitions(
                    "default_cadence needs a contact's cadence, due or overdue (or who is overdue), which default_cadence gives: a cycle; redefine it",
                    fn.body.range)
            }
            callDepth += 1
            evaluatingCadence += 1
            defer {
                callDepth -= 1
                evaluatingCadence -= 1
            }
            if callDepth > Interpreter.maxCallDepth { throw failInDefinitions("default_cadence nested too deeply", fn.body.range) }
            if case .duration(let d) = try within(fn.file, { try evalCompiled(fn.body, Ctx(locals: [fn.params[0]: .contact(id)])) }) {
                // Only what a contact's own cadence may be, as `cadence:` checks it: overdue and
                // due mean nothing past a cadence of 0d or less.
                if let problem = ValueRules.cadence(d) {
                    throw fail("default_cadence gave \(plainText(.duration(d))) for @\(v.contacts[i].handle): \(problem)", fn.body.range)
                }
                result = d
            }
        }
        v.cadence[id] = result
        return result
    }

    func due(at i: Int, _ v: View) throws -> Day? {
        guard let cad = try cadence(at: i, v) else { return nil }
        let base = v.stats(of: v.contacts[i].id, needing: .lastTouch)?.lastTouch ?? v.contacts[i].metOn ?? v.contacts[i].created
        return base.adding(cad)
    }

    // MARK: - Operators

    /// True when evaluating an expression may cost far more than reading fields: it calls a
    /// user function or an aggregate, or runs a query.
    func isCostly(_ e: Expr) -> Bool {
        e.contains { x in
            switch x.kind {
            case .name: if case .collection = resolution(of: x) { return true } else { return false }
            case .call(let name, _): return Builtin.byName[name] == nil || Builtin.aggregates.contains(name)
            case .query: return true
            default: return false
            }
        }
    }

    func evalBinary(_ e: Expr, _ op: BinaryOperator, _ l: Expr, _ r: Expr, _ ctx: Ctx) throws -> Value {
        if op == .and || op == .or, rightFirst(e, l, r) {
            // `and` and `or` give the same result whichever side is evaluated first (neither
            // has effects), so a cheap side goes first: `spend_this_year(it) >= 300 and asked == 0`
            // sums spending only for the contacts that never asked.
            return try evalSides(e, op, r, l, ctx)
        }
        return try evalSides(e, op, l, r, ctx)
    }

    /// Whether the right side of an `and`/`or` goes first: the left calls a function or runs a
    /// query and the right does neither. Worked out once per node and statement (`sideOrder`).
    private func rightFirst(_ e: Expr, _ l: Expr, _ r: Expr) -> Bool {
        let key = ObjectIdentifier(e)
        if let known = sideOrder[key] { return known.rightFirst }
        let first = isCostly(l) && !isCostly(r)
        sideOrder[key] = (e, first)
        return first
    }

    /// A binary expression with its sides in the order given.
    /// `by == me`, `me != by`: compared, `me` is the member's name (the PostgreSQL role, or
    /// `--as`; null in one person's file, where every event's `by` is null too). The other side.
    func memberSide(_ l: Expr, _ r: Expr) -> (other: Expr, isLeft: Bool)? {
        if case .me = l.kind { return (r, true) }
        if case .me = r.kind { return (l, false) }
        return nil
    }

    private func evalSides(_ e: Expr, _ op: BinaryOperator, _ l: Expr, _ r: Expr, _ ctx: Ctx) throws -> Value {
        switch op {
        case .and:
            let a = try eval(l, ctx)
            if case .bool(false) = a { return .bool(false) }
            let b = try eval(r, ctx)
            if case .bool(false) = b { return .bool(false) }
            if a.isNull || b.isNull { return .null }
            return .bool(a.isTrue && b.isTrue)
        case .or:
            let a = try eval(l, ctx)
            if a.isTrue { return .bool(true) }
            let b = try eval(r, ctx)
            if b.isTrue { return .bool(true) }
            if a.isNull || b.isNull { return .null }
            return .bool(false)
        case .coalesce:
            let a = try eval(l, ctx)
            return a.isNull ? try eval(r, ctx) : a
        default:
            break
        }
        if op == .equal || op == .notEqual, let m = memberSide(l, r) {
            let other = try eval(m.other, ctx)
            return try binary(op, m.isLeft ? .optional(model.member) : other, m.isLeft ? other : .optional(model.member), e)
        }
        let a = try eval(l, ctx)
        if op == .isIn || op == .notIn, case .string = a, let found = try contactHasTag(r, a, ctx) {
            // `"weekly" in c.tags`: the contact's tags are read where they are, not made a list.
            return .bool(op == .isIn ? found : !found)
        }
        let b = try eval(r, ctx)
        return try binary(op, a, b, e)
    }

    /// Whether the contact an expression's `tags` field belongs to (`c.tags`, or `tags` on a
    /// contact row) has the tag; nil when the expression is anything else.
    private func contactHasTag(_ e: Expr, _ tag: Value, _ ctx: Ctx) throws -> Bool? {
        let id: Int64
        switch e.kind {
        case .member(let base, let name):
            guard ContactKey.byName[name] == .tags, case .contact(let c) = try eval(base, ctx) else { return nil }
            id = c
        case .name(let name):
            guard case .field = resolution(of: e), ctx.groupKeys == nil, case .contact(let c)? = ctx.row, ContactKey.byName[name] == .tags else {
                return nil
            }
            id = c
        default:
            return nil
        }
        return try contact(id, hasTag: tag)
    }

    /// Whether a contact's tags hold the value (nil for a contact no longer there).
    func contact(_ id: Int64, hasTag tag: Value) throws -> Bool? {
        let v = try view()
        guard let i = v.position(of: id) else { return nil }
        // Through the buffer: `v.contacts[i].tags` copied the whole contact.
        guard case .string(let t) = tag else { return false }
        return v.contacts.withUnsafeBufferPointer { $0[i].tags.contains { sameText($0, t) } }
    }

    /// One operator on two values.
    func binary(_ op: BinaryOperator, _ a: Value, _ b: Value, _ e: Expr) throws -> Value {
        switch op {
        case .equal: return .bool(Value.equal(a, b))
        case .notEqual: return .bool(!Value.equal(a, b))
        default: break
        }
        if a.isNull || b.isNull { return .null }
        switch op {
        case .less, .lessOrEqual, .greater, .greaterOrEqual:
            guard let c = Value.compare(a, b) else { throw fail("cannot compare \(a.typeName) with \(b.typeName)", e.range) }
            switch op {
            case .less: return .bool(c < 0)
            case .lessOrEqual: return .bool(c <= 0)
            case .greater: return .bool(c > 0)
            default: return .bool(c >= 0)
            }
        case .plus, .minus, .times, .divide:
            // Numbers, the common case, without the operator's text.
            guard case .number(let x) = a, case .number(let y) = b else { break }
            switch op {
            case .plus: return try finite(Decimal.sum(x, y), e)
            case .minus: return try finite(Decimal.difference(x, y), e)
            case .times: return try finite(Decimal.product(x, y), e)
            default: return y == 0 ? .null : try finite(Decimal.quotient(x, y), e)
            }
        default: break
        }
        switch op {
        case .match:
            return try matchText(a, b, e)
        case .isIn, .notIn:
            let found = try member(a, of: b, e)
            return .bool(op == .isIn ? found : !found)
        case .plus, .minus:
            return try addOrSubtract(op, a, b, e)
        case .times, .divide, .remainder:
            return try multiply(op, a, b, e)
        case .and, .or, .coalesce, .equal, .notEqual, .less, .lessOrEqual, .greater, .greaterOrEqual:
            // Worked out above (`and`, `or` and `??` in `evalBinary`, before their sides are).
            throw fail("'\(op.text)' on two values", e.range)
        }
    }

    /// `a ~ "text"`: text, or any item of a list, that holds the text (case and accents folded).
    func matchText(_ a: Value, _ b: Value, _ e: Expr) throws -> Value {
        guard case .string(let needle) = b else { throw fail("'~' needs text on the right", e.range) }
        let n = FoldedText(needle)
        // A contact matches by its name or its handle, as it is shown and written.
        func matches(_ v: Value) throws -> Bool {
            switch v {
            case .string(let s): return FoldedText(s).contains(n)
            case .contact(let id):
                // The handle as it is written too (`people ~ "@bob"`).
                let name = try contactField(id, .name).stringValue ?? ""
                let handle = try contactField(id, .handle).stringValue ?? ""
                return FoldedText(name).contains(n) || FoldedText("@" + handle).contains(n)
            default: return false
            }
        }
        switch a {
        case .string, .contact: return .bool(try matches(a))
        case .list(let items): return .bool(try items.contains(where: matches))
        default: throw fail("'~' matches text, not \(a.typeName)", e.range)
        }
    }

    /// `+` and `-` on numbers, dates and durations, text (`+` only) and lists (`+` only).
    func addOrSubtract(_ op: BinaryOperator, _ a: Value, _ b: Value, _ e: Expr) throws -> Value {
        switch (a, b) {
        case (.number(let x), .number(let y)): return try finite(op == .plus ? Decimal.sum(x, y) : Decimal.difference(x, y), e)
        case (.date(let d), .duration(let u)):
            return .date(try onCalendar(try fullDate(d, e).adding(checked: op == .plus ? u : -u), e))
        case (.duration(let u), .date(let d)) where op == .plus:
            return .date(try onCalendar(try fullDate(d, e).adding(checked: u), e))
        case (.date(let x), .date(let y)) where op == .minus:
            return .duration(Duration(days: try fullDate(x, e).ordinal - fullDate(y, e).ordinal))
        case (.duration(let x), .duration(let y)): return .duration(try onCalendar(x.adding(checked: op == .plus ? y : -y), e))
        case (.string(let x), .string(let y)) where op == .plus:
            try checkLength(x.utf8.count + y.utf8.count, e.range)
            return try made(x + y, e.range)
        case (.list(let x), .list(let y)) where op == .plus:
            if x.count + y.count > Interpreter.maxListItems {
                throw fail(
                    "this list would hold \((x.count + y.count).formatted) items; a list holds at most \(Interpreter.maxListItems.formatted)",
                    e.range)
            }
            return .list(x + y)
        default: throw fail("cannot \(op == .plus ? "add" : "subtract") \(b.typeName) and \(a.typeName)", e.range)
        }
    }

    /// `*`, `/` and `%` on numbers, and a duration scaled or divided by a number.
    func multiply(_ op: BinaryOperator, _ a: Value, _ b: Value, _ e: Expr) throws -> Value {
        switch (a, b) {
        case (.number(let x), .number(let y)):
            if op == .times { return try finite(Decimal.product(x, y), e) }
            if y == 0 { return .null }
            if op == .divide { return try finite(Decimal.quotient(x, y), e) }
            if let a = x.whole, let b = y.whole { return .number(Decimal(a % b)) }
            let q = (x / y).rounded(toPlaces: 0, x / y >= 0 ? .down : .up)
            return try finite(x - q * y, e)
        case (.duration(let d), .number(let n)), (.number(let n), .duration(let d)):
            if op == .remainder { break }
            if op == .divide {
                if case .number = a { break }
                if n == 0 { return .null }
                return .duration(try onCalendar(d.divided(by: n), e))
            }
            return .duration(try onCalendar(d.scaled(by: n), e))
        default: break
        }
        throw fail("cannot apply '\(op.text)' to \(a.typeName) and \(b.typeName)", e.range)
    }

    /// A number, unless the arithmetic left what a number holds exactly (38 digits, under
    /// 10^165): the arithmetic gives NaN then.
    func finite(_ n: Decimal, _ e: Expr) throws -> Value {
        if n.isNaN {
            throw fail("this result needs more than the 38 digits a number holds exactly (or passes 10^165)", e.range)
        }
        return .number(n)
    }

    /// A date or duration the calendar holds, or the error that says it does not.
    /// The date, when it has a year: a date without one (`--04-12`) has no place on the
    /// calendar to count from (`next_date` gives its next occurrence).
    func fullDate(_ d: Day, _ e: Expr) throws -> Day {
        guard d.isYearless else { return d }
        throw fail("\(d) has no year, so it cannot be counted from; next_date(\(d)) is its next occurrence", e.range)
    }

    func onCalendar<T>(_ value: T?, _ e: Expr) throws -> T {
        guard let value else {
            throw fail(
                T.self == Day.self
                    ? "this date is off the calendar: dates run from 0001-01-01 to 9999-12-31"
                    : "this duration is off the calendar: durations go up to \(Duration.limitText)", e.range)
        }
        return value
    }

    /// `x in list`, `x in rows`, `"sub" in "text"`; a list on the left matches when any item is in.
    func member(_ a: Value, of b: Value, _ e: Expr) throws -> Bool {
        if case .list(let xs) = a {
            if case .list = b { return try xs.contains { try member($0, of: b, e) } }
        }
        switch b {
        case .list(let items):
            // Text is in a list as `~` and `"sub" in "text"` find it: case and accents aside.
            if case .string(let s) = a { return items.contains { $0.stringValue.map { sameText($0, s) } ?? false } }
            return items.contains { Value.equal($0, a) }
        case .rows(let set):
            // Rows of one column (`show name`) are that column's values, as SQL's IN (SELECT …):
            // `name in (contacts where +vip show name)` was always false.
            if set.columns?.count == 1 {
                return try member(a, of: .list(set.rows.map { if case .record(let r) = $0, r.values.count == 1 { r.values[0] } else { $0 } }), e)
            }
            return set.rows.contains { Value.equal($0, a) }
        case .string(let s):
            guard case .string(let sub) = a else { return false }
            return FoldedText(s).contains(FoldedText(sub))
        default: throw fail("'in' needs a list, a collection or text on the right, not \(b.typeName)", e.range)
        }
    }

    // MARK: - Display

    /// A value as text inside a string: null is empty, a contact is its name.
    public func display(_ v: Value) throws -> String { try display(v, .none) }

    /// `display`, stopping with an error located at `range` once the text passes `maxStringBytes`.
    func display(_ v: Value, _ range: SourceRange) throws -> String {
        switch v {
        case .null: return ""
        case .contact(let id): return try contact(id)?.name ?? "@\(id)"
        case .list(let items):
            var out = ""
            for (i, item) in items.enumerated() {
                if i > 0 { out += ", " }
                out += try display(item, range)
                try checkLength(out.utf8.count, range)
            }
            return out
        case .rows(let set): return "\(set.rows.count) \(set.collection?.name ?? "rows")"
        case .record(let r):
            try checkLength(Interpreter.measure(v, budget: Interpreter.maxStringBytes).bytes, range)
            var out = "{"
            for (i, (k, f)) in zip(r.keys, r.values).enumerated() {
                out += (i > 0 ? ", " : "") + k + ": " + (try display(f, range))
                try checkLength(out.utf8.count, range)
            }
            return out + "}"
        default: return plainText(v)
        }
    }
}

/// A value as plain text, without looking anything up.
public func plainText(_ v: Value) -> String { plainText(v, name: { _ in nil }) }

/// A value as plain text: a contact is `name` of its id when that gives one (the names an
/// output carries), else its row number.
public func plainText(_ v: Value, name: (Int64) -> String?) -> String {
    switch v {
    case .null: return ""
    case .bool(let b): return b ? "true" : "false"
    case .number(let n): return n.tendText
    case .string(let s): return s
    case .date(let d): return d.description
    case .duration(let d): return d.description
    case .stage(let s): return s.description
    case .list(let items): return items.map { plainText($0, name: name) }.joined(separator: ", ")
    case .record(let r): return "{" + zip(r.keys, r.values).map { "\($0): \(plainText($1, name: name))" }.joined(separator: ", ") + "}"
    case .contact(let id): return name(id) ?? "#\(id)"
    case .row(let r): return "\(r.collection.rowName) \(r["id"].map { plainText($0) } ?? "")"
    case .rows(let s): return "\(s.rows.count) rows"
    }
}

extension Decimal {
    func rounded(toPlaces places: Int, _ mode: NSDecimalNumber.RoundingMode) -> Decimal {
        var value = self
        var result = Decimal()
        NSDecimalRound(&result, &value, places, mode)
        return result
    }
}

/// The user's request to stop the statement running (Ctrl-C in the REPL): set from a signal
/// handler (a plain store), read by the interpreter as it visits rows and calls fns.
public enum Interruption {
    /// Nonzero when asked: the signal that asked (SIGINT: Ctrl-C; SIGTERM or SIGHUP: the REPL's
    /// or a script's run was told to end).
    nonisolated(unsafe) public static var requested: Int32 = 0

    /// Throws `Stopped` when asked: for a long loop of the host's (an import's records).
    @inline(__always) public static func check() throws {
        if requested != 0 { throw Stopped() }
    }

    /// What a statement stopped so says.
    public static var message: String {
        switch requested {
        case SIGTERM: "stopped (SIGTERM)"
        case SIGHUP: "stopped (SIGHUP)"
        default: "stopped (Ctrl-C)"
        }
    }
}

/// What a run or an undo stopped by Ctrl-C throws where no expression is at hand (a write, the
/// commit): the host locates it at the statement and rolls the run back.
public struct Stopped: Error, CustomStringConvertible {
    public init() {}
    public var description: String { Interruption.message }
}
