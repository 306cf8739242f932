import Foundation
import TendCore

/// What a session needs from a Tend database, whichever store holds it: the core's `Model`,
/// the one transaction per run or statement, the journal, and a few reads for completion and
/// imports. The SQLite store (`Store`) and the PostgreSQL store (TendPostgres) implement it.
public protocol TendDatabase: Model {
    /// True when the database was just created.
    var isNew: Bool { get }
    /// True when the session installs the prelude: a new database, or a team's new member.
    var needsPrelude: Bool { get }
    /// True when the member has no prelude and the session may not install it (read-only): the
    /// run uses it as if it were installed, keeping nothing.
    var lacksPrelude: Bool { get }
    /// What opening found worth telling the user.
    var warnings: [String] { get }
    /// The database's file; nil for one that is not a file (in memory, on a server).
    var path: String? { get }
    func close()
    /// The whole network but its interactions, which a dump reads a page at a time (`read`
    /// with `ModelRead.page`); the network in memory, interactions and all, when there is one.
    func networkButInteractions() throws -> Network
    /// Why `close` could not leave everything in the database's file itself (a full disk kept
    /// its log from being folded in); nil when it did, or when there is no file.
    var closeProblem: String? { get }

    /// Starts the one transaction a run or a REPL statement makes its changes in; `immediate`
    /// when it will write.
    func begin(immediate: Bool) throws
    /// Starts the transaction of a run that only reads (`Session.onlyReads`): what it reads is
    /// never taken back by a conflict, so what it prints need not wait for its end (on
    /// PostgreSQL a write in it is refused).
    func beginReading() throws
    /// Commits it; what it changed becomes one entry of the journal, called `label`.
    func commit(label: Store.JournalLabel?) throws
    /// Undoes every change since `begin`.
    func rollback()
    /// True between `begin` and `commit` or `rollback`.
    var inTransaction: Bool { get }
    /// How many times a run's transaction may be tried when another transaction conflicts with
    /// it (1: never again; SQLite's store waits for its lock instead of conflicting).
    var conflictAttempts: Int { get }
    /// True when the transaction begun last failed because another one conflicted with it
    /// (PostgreSQL's serialization failure or deadlock): run again, it may succeed.
    var conflicted: Bool { get }
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
    func importedSources(kinds: [String]) throws -> [String: (id: Int64, on: Day, people: Set<Int64>)]
    func addPeople(_ people: [Int64], toInteraction id: Int64) throws
    func removePeople(_ people: [Int64], fromInteraction id: Int64) throws
    /// Logs new interactions, as `apply(.insertInteraction)` would one by one.
    func logInteractions(_ interactions: [Interaction]) throws
    func recordSightings(_ sightings: [Sighting]) throws
    func candidateCounts() throws -> [CandidateCount]
    /// The meeting each contact's next step was planned from (`import ics --plan`), with the
    /// step and day as planned: a step since changed is no longer the meeting's.
    func plannedSteps() throws -> [Int64: PlannedFrom]
    func recordPlannedSteps(_ steps: [PlannedFrom]) throws
    /// The numbered collections whose largest number given is no longer there (its row was
    /// removed or its `log` undone), with that number: a dump's `numbers given`.
    func numbersGivenPastRows() throws -> [(collection: String, upTo: Int64)]

    /// Writes a consistent copy of the database into `path`.
    func backup(into path: String) throws
}

extension Store: TendDatabase {
    public var needsPrelude: Bool { isNew && !madeWithDefinitions }
    /// A SQLite database has its prelude from the run that made it.
    public var lacksPrelude: Bool { false }
}

/// A next step `import ics --plan` set, and the meeting it was set from: a one-off event's
/// `ical:UID`, or an occurrence of a series by its source id (`ical:UID/DAY`), which stay the
/// same when the meeting moves.
public struct PlannedFrom: Sendable, Equatable {
    public var contact: Int64
    public var origin: String
    public var step: String
    public var due: Day
    public init(contact: Int64, origin: String, step: String, due: Day) {
        (self.contact, self.origin, self.step, self.due) = (contact, origin, step, due)
    }
}

extension TendDatabase {
    /// A store that keeps no planned steps' meetings (PostgreSQL's): steps are matched by their
    /// words and day alone.
    public func plannedSteps() throws -> [Int64: PlannedFrom] { [:] }
    public func recordPlannedSteps(_ steps: [PlannedFrom]) throws {}

    /// A store whose transactions never conflict reads in an ordinary one.
    public func beginReading() throws { try begin(immediate: false) }
    public var closeProblem: String? { nil }
    public var conflictAttempts: Int { 1 }
    public var conflicted: Bool { false }

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

    /// `transaction`, run again (whole, after a `ConflictPause`) when another transaction
    /// conflicted with it, at most `conflictAttempts` times in all.
    public func transactionRetryingConflicts<T>(_ body: () throws -> T) throws -> T {
        var attempt = 1
        while true {
            do {
                return try transaction(body)
            } catch {
                guard conflicted, attempt < conflictAttempts else { throw error }
                attempt += 1
                Thread.sleep(forTimeInterval: ConflictPause.before(attempt))
            }
        }
    }
}

/// The pause before a transaction another one conflicted with is tried again.
public enum ConflictPause {
    /// Before attempt `n` (2, 3, …): doubling from 10 ms up to a second, each between half and
    /// one and a half times that at random, so that runs which conflicted do not meet again in
    /// step.
    public static func before(_ n: Int) -> Double {
        let base = min(0.010 * Double(1 << min(max(n - 2, 0), 16)), 1)
        return base * Double.random(in: 0.5...1.5)
    }
}

extension Store.JournalEntry {
    /// An entry of another store's journal (PostgreSQL's).
    package static func of(number: Int64, at: String, source: String, statement: String, undone: Bool) -> Self {
        Self(number: number, at: at, source: source, statement: statement, undone: undone)
    }
}
