/// What a statement produces for the user; the REPL and `tend run` draw it in the chosen format.
public enum Output: Sendable {
    /// A confirmation or `print` text.
    case text(String)
    /// A single value (an expression's result), with the names and handles of the contacts in
    /// its lists and records.
    case value(Value, people: [Int64: (name: String, handle: String)] = [:])
    /// Rows with named columns (a query's result).
    case table(Table)
    /// A contact's card: its fields, then its timeline.
    case card(Card)
    /// An assertion's outcome.
    case assertion(passed: Bool, message: String, detail: String, range: SourceRange, source: Source)
    /// Said on standard error; the statement has done its work (`Diagnostic.Kind.warning`).
    case warning(Diagnostic)
}

/// A query result ready to draw.
public struct Table: Sendable {
    public var title: String?
    public var columns: [String]
    public var rows: [[Value]]
    /// `group by` results draw as a bar chart of this column on a terminal.
    public var chartColumn: Int?
    /// The columns that label the chart's bars (a group's keys); nil: every column before the chart's.
    public var labelColumns: [Int]?
    /// Names and handles of the contacts that appear in cells.
    public var people: [Int64: (name: String, handle: String)] { didSet { sharedNames = Table.shared(people) } }
    /// Names two or more of `people` have (without regard to case): a table shows their
    /// handles beside them, so that two Sam Lees on the agenda can be told apart.
    public private(set) var sharedNames: Set<String> = []
    /// Columns whose durations JSON gives as a number of days (the agenda page's `overdue`);
    /// elsewhere a duration is text ("43d", "3mo").
    public var dayColumns: Set<String> = []
    /// Columns that are pictures for the screen (`progress`'s bar), which JSON, CSV and TSV
    /// leave out unless the query asked for them by name.
    public var drawnColumns: Set<String> = []
    /// Set for a result too large to hold (every event of a large network): `rows` is then
    /// empty, and the rows come from here, a batch at a time, each time they are asked for.
    public var stream: TableStream?
    public init(
        title: String? = nil, columns: [String], rows: [[Value]], chartColumn: Int? = nil, people: [Int64: (name: String, handle: String)] = [:]
    ) {
        self.title = title
        self.columns = columns
        self.rows = rows
        self.chartColumn = chartColumn
        self.people = people
        sharedNames = Table.shared(people)
    }

    static func shared(_ people: [Int64: (name: String, handle: String)]) -> Set<String> {
        var seen = Set<String>()
        var shared = Set<String>()
        for p in people.values where !seen.insert(p.name.lowercased()).inserted { shared.insert(p.name.lowercased()) }
        return shared
    }

    /// How a cell names a contact: the name, with the handle when another contact of the
    /// table has the name too.
    public func shownName(_ id: Int64) -> String {
        guard let p = people[id] else { return "#\(id)" }
        return sharedNames.contains(p.name.lowercased()) ? "\(p.name) (@\(p.handle))" : p.name
    }
}

/// The rows of a streamed table, read again each time: `read` hands over batches, each a table
/// of its own (the same columns, `people` naming the contacts of its cells). It reads only
/// until the next statement starts (the rows come from that statement's view of the data).
public struct TableStream: @unchecked Sendable {
    /// Reads the batches; `holding`: the caller keeps every batch (`materialized`), so that the
    /// bytes `show` makes count across them, as for a table held.
    let reader: (_ holding: Bool, _ batch: (Table) throws -> Void) throws -> Void
    /// Reads the batches, each let go before the next.
    public func read(_ batch: (Table) throws -> Void) throws { try reader(false, batch) }
    /// True when the rows are a collection's own fields, with no where-clause or `show` to
    /// work out: no cell holds a duration (whose column's unit needs every row first), and no
    /// row fails part way (short of the work budget, `maxWork` rows). JSON, CSV and TSV then
    /// write them in one read; otherwise a first read finds either before anything is written.
    public let plain: Bool
    public init(plain: Bool = false, reader: @escaping (_ holding: Bool, _ batch: (Table) throws -> Void) throws -> Void) {
        self.plain = plain
        self.reader = reader
    }
}

extension Table {
    /// Every row held: a streamed table read whole (for what needs the rows at once).
    public func materialized() throws -> Table {
        guard let stream else { return self }
        var whole = self
        whole.stream = nil
        var people = self.people
        try stream.reader(true) { batch in
            whole.rows += batch.rows
            people.merge(batch.people) { first, _ in first }
        }
        whole.people = people
        return whole
    }
}

/// Every field of a contact and its timeline.
public struct Card: Sendable {
    public var name: String
    public var handle: String
    public var fields: [(String, Value)]
    public var timeline: Table
    /// Fields a card on the screen leaves out: a list that says no more than the preferred
    /// value beside it (`emails` holding the one `email`; shown blank, it read as empty).
    /// JSON and CSV still give them whole.
    public var brief: [String] = []
}

/// A problem found while running: a located diagnostic (exit code 3).
public func runtimeError(_ message: String, at range: SourceRange, in source: Source?, suggestion: String? = nil, notes: [String] = []) -> Diagnostic
{
    Diagnostic(.runtime, message, at: range, in: source, suggestion: suggestion, notes: notes)
}

/// What the interpreter asks its host to do: the core itself reads and writes no files.
public protocol InterpreterHost: AnyObject {
    /// Writes `save`'s text to a file, relative to the running script's folder; an existing
    /// file is replaced only with `overwrite`. Its errors are worded for the user.
    func write(_ text: String, to path: String, overwrite: Bool, from source: Source) throws
    /// Runs a `load` of a file this run saved earlier (it was not there to inline when the run
    /// was checked): the definitions as saved are defined again.
    func loadSaved(_ path: String, from source: Source, into interpreter: Interpreter) throws -> [Output]
    /// Runs `import FORMAT FILE` and returns its report.
    func importFile(format: String, path: String, options: [String: Value], from source: Source, into interpreter: Interpreter) throws -> String
    /// Writes `export FORMAT FILE` of the given contacts (or the agenda for ics); returns the
    /// confirmation to show, or nil when the export itself went to standard output.
    func exportFile(
        format: String, path: String, overwrite: Bool, table: Table, contacts: [Int64], from source: Source, interpreter: Interpreter
    ) throws -> String?
    /// Asks the user a yes-or-no question before a change that is hard to take back (the REPL
    /// asks at its prompt); true when the answer is yes, or when nobody is there to ask (a
    /// script, `--yes`). It may throw to ask outside the run's transaction (the REPL does: no
    /// lock is held while a person thinks) and run the statement again with the answer.
    func confirm(_ question: String, from source: Source) throws -> Bool
    /// Takes back the last `count` changes; returns what to say about them.
    func undo(count: Int) throws -> String
    /// The changes kept in the journal, newest first.
    func history(limit: Int?) throws -> Table
}

/// An error a host throws to stop a statement as it is, not as its failure (the REPL stops a
/// run to ask a question outside its transaction): passed on unchanged, never reworded.
public protocol StopsTheStatement: Error {}
