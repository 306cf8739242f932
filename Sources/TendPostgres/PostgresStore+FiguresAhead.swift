import Foundation
import TendCore
import TendStore

/// Every contact's figures summed on a second connection while this one reads the contacts.
///
/// The agenda reads every contact, then every contact's figures: at 100,000 contacts the server
/// sums for two seconds while Tend waits, after Tend decoded the contacts for one. Told the
/// figures are coming (`expectContactStats`), the store has a second connection sum them
/// meanwhile. That connection reads the snapshot this transaction exported
/// (`pg_export_snapshot`, `SET TRANSACTION SNAPSHOT`), so both see the same rows, at the same
/// isolation (read only). Another transaction cannot see what this one wrote: the sums are
/// started only while this transaction has written nothing, and taken only if it still has
/// not (`pg_current_xact_id_if_assigned`); otherwise they are summed here, as without them.
final class FiguresAhead: @unchecked Sendable {
    let today: Day
    let figures: ContactStats.Figures
    /// The second connection: the summing thread's alone until it finishes (the store waits
    /// for `result()` before it uses the connection again).
    let reader: PostgresConnectionBridge
    private let done = DispatchSemaphore(value: 0)
    private var outcome: Result<[Int64: ContactStats], Error>?

    init(today: Day, figures: ContactStats.Figures, on reader: PostgresConnectionBridge) {
        (self.today, self.figures, self.reader) = (today, figures, reader)
    }

    /// Called once, by the thread that summed; the semaphore orders its write before any read.
    func finish(_ result: Result<[Int64: ContactStats], Error>) {
        outcome = result
        done.signal()
    }

    /// The sums, once they are there.
    func result() throws -> [Int64: ContactStats] {
        done.wait()
        done.signal()
        return try outcome!.get()
    }
}

extension PostgresStore {
    public func expectContactStats(today: Day, figures: ContactStats.Figures) {
        guard cache == nil, ahead == nil, inTransaction, let isolation else { return }
        // Anything going wrong here leaves the figures to be summed when asked, on this connection.
        do {
            guard try rows(in: "contacts") >= figuresAheadFrom,
                let snapshot = try connection.query(
                    "SELECT CASE WHEN pg_current_xact_id_if_assigned() IS NULL THEN pg_export_snapshot() END"
                ).first?[0].decode(String?.self)
            else { return }
            let reader = try self.reader ?? openReader()
            self.reader = reader
            let job = FiguresAhead(today: today, figures: figures, on: reader)
            ahead = job
            let readOnly = isolation.hasSuffix("READ ONLY") ? isolation : isolation + " READ ONLY"
            let sql = PostgresStore.statsSQL(restricted: false, figures: figures)
            let contacts = try rows(in: "contacts")
            Thread.detachNewThread {
                job.finish(Result { try PostgresStore.sum(on: job.reader, readOnly, snapshot: snapshot, sql, today, contacts) })
            }
        } catch {
            return
        }
    }

    /// The figures summed ahead, when they are these (or more) as of `today` and this
    /// transaction has written nothing since; nil to sum them here. Either way the second
    /// connection is free again after it.
    func takeAhead(today: Day, figures: ContactStats.Figures) throws -> [Int64: ContactStats]? {
        guard let job = ahead else { return nil }
        ahead = nil
        guard job.today == today, job.figures.isSuperset(of: figures),
            try connection.query("SELECT pg_current_xact_id_if_assigned() IS NULL").first?[0].decode(Bool.self) == true
        else {
            _ = try? job.result()
            return nil
        }
        do {
            let sums = try job.result()
            figuresSummedAhead += 1
            return sums
        } catch let failure as PostgresFailure where failure.isConflict {
            // Another transaction's: the session runs this one again, as for its own statements.
            connection.conflicted = true
            throw failure
        } catch {
            // The second connection failed (lost, refused, a damaged row): summed here, where
            // what is wrong is met as without it; a new connection is made next time.
            reader?.close()
            reader = nil
            return nil
        }
    }

    /// Waits for figures being summed ahead that no one will take (a new transaction, a write,
    /// closing), so that the second connection is free.
    func dropAhead() {
        guard let job = ahead else { return }
        ahead = nil
        _ = try? job.result()
    }

    /// The second connection: as this one, acting as the same role.
    private func openReader() throws -> PostgresConnectionBridge {
        let reader = try PostgresConnectionBridge(settings, home: home)
        do {
            if let role { try reader.query("SET ROLE " + PostgresStore.identifier(role)) }
        } catch {
            reader.close()
            throw error
        }
        return reader
    }

    /// `statsSQL`'s rows on `reader`, in a transaction of `isolation` that reads `snapshot`.
    private static func sum(
        on reader: PostgresConnectionBridge, _ isolation: String, snapshot: String, _ sql: String, _ today: Day, _ contacts: Int
    ) throws -> [Int64: ContactStats] {
        try reader.query("BEGIN ISOLATION LEVEL " + isolation)
        do {
            // PostgreSQL's own name for the snapshot, quoted as a literal (SET takes no parameter).
            try reader.query("SET TRANSACTION SNAPSHOT '" + snapshot.replacingOccurrences(of: "'", with: "''") + "'")
            var out: [Int64: ContactStats] = [:]
            out.reserveCapacity(contacts)
            try reader.each(sql, statsValues(today)) { row in
                let (id, s) = try figures(RowCells(row: row, table: "contacts", idColumn: 0))
                out[id] = s
            }
            try reader.query("COMMIT")
            return out
        } catch {
            _ = try? reader.query("ROLLBACK")
            throw error
        }
    }
}
