import Foundation
import TendStore

/// Members writing at the same time: each run (a REPL statement, a command, an import) is one
/// transaction, and a transaction another one conflicted with is run again, whole, by the
/// session (Session.run), up to `conflictAttempts` times.
extension PostgresStore {
    /// SERIALIZABLE. A run reads what it needs (this store reads whole tables: it narrows
    /// nothing yet) and decides from it, so it must see one consistent snapshot, and its result
    /// must be one the runs would have had one after the other, as on SQLite, where one writer
    /// goes at a time. REPEATABLE READ gives the snapshot and fails (40001) a run that updates a
    /// row another changed since (two members tagging the same contact), but lets write skew
    /// through: two runs that each read what the other writes and write different rows
    /// (`set @a x: @b.x` while another member runs `set @b x: @a.x`). SERIALIZABLE fails one of those too, and the session
    /// runs it again. Its cost is more retries: since every run reads every table, two runs that
    /// write at the same time read what the other writes, and one of them is run again. In the
    /// test of 4 writer processes × 75 statements on the same 4 contacts
    /// (PostgresConcurrencyTests), 7 to 26 of 300 runs were tried again, against 2 to 6 under
    /// REPEATABLE READ (BENCHMARKS.md, #22); on a large network, where a run reads for seconds,
    /// more. As the store learns to read only what a statement needs, runs conflict less.
    static let isolation = "SERIALIZABLE"

    /// Ten attempts: with the pauses (ConflictPause, at most some 3 s in all) a run that
    /// conflicts nine times in a row is one other members' runs keep overtaking.
    public var conflictAttempts: Int { 10 }
    public var conflicted: Bool { connection.conflicted }
}

extension PostgresFailure {
    /// A failure that running the transaction again may not meet: a serialization failure
    /// (40001), a deadlock (40P01), or a unique key that a concurrent transaction took first
    /// (23505, which PostgreSQL reports instead of 40001 when the run did not read the key
    /// itself; run again, it sees the other's row. Tend checks keys before writing, so no run
    /// meets one by itself).
    var isConflict: Bool {
        ["40001", "40P01", "23505"].contains(sqlState ?? "")
    }
}
