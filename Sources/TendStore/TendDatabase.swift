import TendCore

/// What a session needs from a Tend database, whichever store holds it: the core's `Model`,
/// the one transaction per run or statement, the journal, and a few reads for completion and
/// imports. The SQLite store (`Store`) and the PostgreSQL store (TendPostgres) implement it.
public protocol TendDatabase: Model {
    /// True when the database was just created.
    var isNew: Bool { get }
    /// True when the session installs the prelude: a new database, or a team's new member.
    var needsPrelude: Bool { get }
    /// What opening found worth telling the user.
    var warnings: [String] { get }
    /// The database's file; nil for one that is not a file (in memory, on a server).
    var path: String? { get }
    func close()

    /// Starts the one transaction a run or a REPL statement makes its changes in; `immediate`
    /// when it will write.
    func begin(immediate: Bool) throws
    /// Commits it; what it changed becomes one entry of the journal, called `label`.
    func commit(label: Store.JournalLabel?) throws
    /// Undoes every change since `begin`.
    func rollback()
    /// True between `begin` and `commit` or `rollback`.
    var inTransaction: Bool { get }
    /// True when another process has committed since the last look (what was read is dropped).
    func refresh() throws -> Bool

    func definitions() throws -> [Definition]
    func contactCount() throws -> Int
    /// Every handle and every tag in use, for completion.
    func handles() throws -> [String]
    func tags() throws -> [String]

    /// Journals changes or not (not while the prelude is installed in a new database).
    func setJournalling(_ on: Bool) throws
    func history(limit: Int?) throws -> [Store.JournalEntry]
    func undo(count: Int) throws -> [Store.JournalEntry]

    /// Imported touches: what was imported from which source, and the addresses seen.
    func importedSources(kinds: [String]) throws -> [String: (id: Int64, people: Set<Int64>)]
    func addPeople(_ people: [Int64], toInteraction id: Int64) throws
    /// Logs new interactions, as `apply(.insertInteraction)` would one by one.
    func logInteractions(_ interactions: [Interaction]) throws
    func recordSightings(_ sightings: [(address: String, sourceID: String, name: String?, on: Day)]) throws
    func candidateCounts() throws -> [CandidateCount]

    /// Writes a consistent copy of the database into `path`.
    func backup(into path: String) throws
}

extension Store: TendDatabase {
    public var needsPrelude: Bool { isNew }
}

extension TendDatabase {
    /// Every change of the journal, newest first.
    public func history() throws -> [Store.JournalEntry] { try history(limit: nil) }

    /// Runs `body` in a transaction of its own (when none is open) and commits it.
    public func transaction<T>(_ body: () throws -> T) throws -> T {
        if inTransaction { return try body() }
        try begin(immediate: true)
        do {
            let result = try body()
            try commit(label: nil)
            return result
        } catch {
            rollback()
            throw error
        }
    }
}
