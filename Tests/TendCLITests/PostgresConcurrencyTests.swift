import Foundation
import TendTestSupport
import Testing

@testable import TendPostgres

/// Members writing at the same time (#22.5): several `tend` processes, started together, log
/// interactions with and add tags to the same contacts of one PostgreSQL database; every
/// statement is its own transaction. Afterwards every write is there exactly once, the
/// derived figures count them all, and no process failed (a conflicting transaction was run
/// again, whole, and printed once).
@Suite(.enabled(if: TestCluster.available, Comment(rawValue: TestCluster.skipped)))
struct PostgresConcurrencyTests {
    static let writers = 4
    static let statements = 50
    static let contacts = 4

    /// Writer `w`'s statements: statement `i` logs a call with contact i % 4 on a day of its own
    /// and, every other statement, adds a tag naming it to a contact (read, change and write of
    /// the same row by every writer). Each runs as `tend -e`, a transaction of its own (piped
    /// input is one script, one transaction, dot-commands or not).
    static func statements(_ w: Int) -> [String] {
        var lines: [String] = []
        for i in 0..<statements {
            let c = i % contacts
            lines.append("log call with @c\(c) on \(day(i)) note: \"w\(w)-\(i)\"")
            if i % 2 == 0 { lines.append("set @c\(tagged(i)) +w\(w)i\(i)") }
        }
        return lines
    }

    /// The contact statement `i` (an even one) adds a tag to.
    static func tagged(_ i: Int) -> Int { (i / 2) % contacts }

    static func day(_ i: Int) -> String { "2026-10-\(String(format: "%02d", 1 + i % 28))" }

    /// With the journal (history and undo) and without it.
    @Test(arguments: [false, true])
    func concurrentWritersLoseNothing(journal: Bool) throws {
        let url = try TestCluster.freshDatabase("writers")
        let dir = CLI.tempDir()
        let setup = (0..<Self.contacts).map { "add \"C\($0)\" handle: \"c\($0)\"" }.joined(separator: "\n")
        let made = try CLI.run(["run", "-"], stdin: setup, in: dir, env: ["TEND_DB": url])
        #expect(made.status == 0, "\(made.stderr)")
        // A database has the journal since migration v3; without it, as one where it was taken out.
        if !journal { try TestCluster.psql("DROP TABLE journal, journal_rows; DROP FUNCTION tend_journal CASCADE", url: url) }
        let rollbacksBefore = try Self.rollbacks(url)

        let results = Results(count: Self.writers)
        let started = Date()
        DispatchQueue.concurrentPerform(iterations: Self.writers) { w in
            results.set(
                w,
                Result {
                    var all = CLI.Result(stdout: "", stderr: "", status: 0)
                    for statement in Self.statements(w) {
                        let one = try CLI.run(["-e", statement], in: dir, env: ["TEND_DB": url])
                        all = CLI.Result(stdout: all.stdout + one.stdout, stderr: all.stderr + one.stderr, status: max(all.status, one.status))
                    }
                    return all
                })
        }
        let seconds = Date().timeIntervalSince(started)
        for (w, r) in results.all.enumerated() {
            let r = try #require(try r?.get())
            #expect(r.status == 0, "writer \(w): \(r.stderr)")
            #expect(r.stderr.isEmpty, "writer \(w): \(r.stderr)")
            // Each statement printed once: a retried one is not printed twice.
            let logged = r.stdout.split(separator: "\n").filter { $0.hasPrefix("Logged") }.count
            #expect(logged == Self.statements, "writer \(w) printed \(logged) Logged lines:\n\(r.stdout)")
        }

        // Every interaction exactly once.
        let notes = try TestCluster.psql("SELECT note FROM interactions ORDER BY note", url: url).split(separator: "\n").map(String.init)
        let expected = (0..<Self.writers).flatMap { w in (0..<Self.statements).map { "w\(w)-\($0)" } }.sorted()
        #expect(notes == expected)
        // Every tag on its contact, none lost to another writer's update of the same row.
        for c in 0..<Self.contacts {
            let tags = Set(
                try CLI.run(["-e", "@c\(c).tags"], in: dir, env: ["TEND_DB": url]).stdout.split(separator: ",").map {
                    $0.trimmingCharacters(in: .whitespacesAndNewlines)
                })
            let want = (0..<Self.writers).flatMap { w in
                (0..<Self.statements).filter { $0 % 2 == 0 && Self.tagged($0) == c }.map { "w\(w)i\($0)" }
            }
            #expect(tags == Set(want), "@c\(c) lost \(Set(want).subtracting(tags).sorted())")
            // The derived figures count every writer's touches.
            let mine = (0..<Self.statements).filter { $0 % Self.contacts == c }
            let figures = try CLI.run(["-e", "[@c\(c).touches, @c\(c).last_touch]"], in: dir, env: ["TEND_DB": url])
            #expect(figures.stdout.contains("\(mine.count * Self.writers)"), "@c\(c): \(figures.stdout) \(figures.stderr)")
            #expect(figures.stdout.contains(mine.map(Self.day).max()!), "@c\(c): \(figures.stdout)")
        }
        if journal {
            // Every write is one change of the journal, after the setup's one.
            #expect(try TestCluster.psql("SELECT count(*) FROM journal", url: url) == "\(1 + Self.writers * (Self.statements + Self.statements / 2))")
        }
        let writes = Self.writers * (Self.statements + Self.statements / 2)
        let retries = try Self.rollbacks(url) - rollbacksBefore
        print(
            "PostgresConcurrencyTests\(journal ? " (journal)" : ""): \(Self.writers) writers, \(writes) transactions in \(String(format: "%.2f", seconds)) s "
                + "(\(String(format: "%.0f", Double(writes) / seconds))/s), \(retries) rolled back and run again")
    }

    /// Members adding the same name at once: one adds the contact, the others are told the
    /// handle is taken, as one after the other on SQLite (not a database's duplicate-key error).
    @Test func sameNameAtOnce() throws {
        let url = try TestCluster.freshDatabase("samename")
        let dir = CLI.tempDir()
        #expect(try CLI.run(["-e", "add \"Ann Arbor\""], in: dir, env: ["TEND_DB": url]).status == 0)
        let results = Results(count: Self.writers)
        DispatchQueue.concurrentPerform(iterations: Self.writers) { w in
            results.set(w, Result { try CLI.run(["-e", "add \"Dana Lee\""], in: dir, env: ["TEND_DB": url]) })
        }
        let all = try results.all.map { try #require(try $0?.get()) }
        #expect(all.filter { $0.status == 0 }.count == 1, "\(all.map(\.stderr))")
        for r in all where r.status != 0 {
            #expect(r.stderr.contains("@dana-lee is taken by Dana Lee"), "\(r.stderr)")
        }
        #expect(try TestCluster.psql("SELECT count(*) FROM contacts WHERE name = 'Dana Lee'", url: url) == "1")
    }

    /// A change waits up to ten seconds for another's to the rows it needs, then stops with
    /// nothing changed and says so, as on SQLite (it waited as long as the other ran: a
    /// member's `log` behind another's import).
    @Test func aChangeWaitsTenSecondsForAnother() throws {
        let url = try TestCluster.freshDatabase("locked")
        let dir = CLI.tempDir()
        #expect(try CLI.run(["-e", "add \"Mike Chen\""], in: dir, env: ["TEND_DB": url]).status == 0)
        // Another transaction holds Mike's row for 20 seconds.
        let holder = Thread {
            _ = try? TestCluster.psql("BEGIN; UPDATE contacts SET city = 'Oslo'; SELECT pg_sleep(20); ROLLBACK;", url: url)
        }
        holder.start()
        Thread.sleep(forTimeInterval: 1)
        let start = Date()
        let r = try CLI.run(["-e", "set @mike-chen company: \"Acme\""], in: dir, env: ["TEND_DB": url])
        let waited = Date().timeIntervalSince(start)
        #expect(r.status == 3 && r.stderr.contains("another member's change kept what this one needs busy for 10 seconds"), "\(r.stderr)")
        #expect(waited > 9 && waited < 18, "waited \(waited) s")
        #expect(try TestCluster.psql("SELECT coalesce(company, '-') FROM contacts", url: url) == "-")
    }

    /// Transactions rolled back in the database so far (PostgreSQL's statistics; each writer's
    /// are in once its process has ended).
    static func rollbacks(_ url: String) throws -> Int {
        Int(try TestCluster.psql("SELECT xact_rollback FROM pg_stat_database WHERE datname = current_database()", url: url)) ?? 0
    }

    final class Results: @unchecked Sendable {
        private let lock = NSLock()
        private var results: [Swift.Result<CLI.Result, Error>?]
        init(count: Int) { results = Array(repeating: nil, count: count) }
        func set(_ i: Int, _ r: Swift.Result<CLI.Result, Error>) { lock.withLock { results[i] = r } }
        var all: [Swift.Result<CLI.Result, Error>?] { lock.withLock { results } }
    }
}
