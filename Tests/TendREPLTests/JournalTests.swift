import Foundation
import GRDB
import Testing
import TendTestSupport

@testable import TendCore
@testable import TendREPL
@testable import TendStore

/// The journal (#21 item 4): every change is journalled with the rows it changed, `undo` puts
/// them back exactly, `history` lists the changes, and the journal keeps a bounded number.
@Suite struct JournalTests {
    static let today = Day(year: 2026, month: 11, day: 23)!

    final class Output: @unchecked Sendable {
        var out: [String] = []
        var err: [String] = []
    }

    /// A session on a new database file, as the REPL holds one.
    static func session(_ output: Output, dir: URL = CLIFolder.make()) throws -> Session {
        let console = Console(out: { output.out.append($0) }, err: { output.err.append($0) })
        return try Session(store: try Store(path: dir.appendingPathComponent("tend.db").path), today: today, console: console)
    }

    /// Runs one REPL statement: its own run, its own change.
    @discardableResult
    static func run(_ session: Session, _ output: Output, _ text: String) -> TendREPL.ExitStatus {
        output.out = []
        output.err = []
        return session.runScripts([Source(name: "<repl>", text: text)], bail: false, readOnly: false)
    }

    /// Every row of every table but the journal's and the agenda page's numbers, in rowid order:
    /// the database's content.
    static func content(_ store: Store) throws -> [String: [String]] {
        try store.db.inDatabase { db in
            var out: [String: [String]] = [:]
            for (table, _) in try Store.journalledTables(db) {
                out[table] = try Row.fetchAll(db, sql: "SELECT rowid, * FROM \"\(table)\" ORDER BY rowid").map { "\($0)" }
            }
            return out
        }
    }

    /// The largest number each numbered table has given (SQLite's `sqlite_sequence`).
    static func numbering(_ store: Store) throws -> [String: Int64] {
        try store.db.inDatabase { db in
            Dictionary(uniqueKeysWithValues: try Row.fetchAll(db, sql: "SELECT name, seq FROM sqlite_sequence").map { ($0[0], $0[1]) })
        }
    }

    /// Makes the numbered tables give numbers as they would have at `numbering`.
    static func setNumbering(_ store: Store, _ numbering: [String: Int64]) throws {
        try store.db.inDatabase { db in
            try db.execute(sql: "DELETE FROM sqlite_sequence")
            for (name, seq) in numbering { try db.execute(sql: "INSERT INTO sqlite_sequence (name, seq) VALUES (?, ?)", arguments: [name, seq]) }
        }
    }

    static func changes(_ store: Store) throws -> Int { try store.history().filter { !$0.undone }.count }

    /// A small network with rules that fire, so that the agenda has items to close.
    static let setup = """
        add "Ann Arbor" created: 2026-11-01, +hot, company: "Acme"
        add "Ben Bose" created: 2026-11-01
        add "Cy Cole" created: 2026-11-01, +hot
        log call with @ann-arbor on 2026-11-02 note: "first"
        rule "call" when +hot then remind "Call {name}" priority 5 log call
        rule "mail" when true then remind "Mail {name}" priority 1
        """

    /// The statements the property test draws from: every kind of change, some of which fail
    /// (a removed contact, an item no longer on the page) and change nothing.
    static func statements(_ csv: String) -> [String] {
        [
            "add \"Dee Dunn\" +vip, city: \"Oslo\"", "add \"Eve Eng\" company: \"Acme\"", "set @ann-arbor city: \"Bergen\", -hot",
            "set @ben-bose +hot, stage: credibility", "set contacts where company == \"Acme\" +client", "log lunch with @ben-bose, @cy-cole quality: 4",
            "log call with @cy-cole gave", "refer \"Mike Chen\" to @ann-arbor value: 120", "referral from @ben-bose about \"Ana Park\" value: 500",
            "introduce @ann-arbor and @ben-bose", "spend 85 at @cy-cole", "knows @ann-arbor @cy-cole", "remove @dee-dunn", "remove @ben-bose",
            "remove interaction 1", "snooze @cy-cole 2w", "unsnooze @cy-cole", "agenda", "done 1", "done 2 note: \"left a message\"",
            "dismiss 1 for 30d", "snooze 2 1w", "snooze @ann-arbor rule \"mail\" 2w", "import csv \"\(csv)\"",
            "rule \"lunch\" when +client then remind \"Lunch with {name}\" priority 3", "let vips = contacts where +vip",
            "fn twice(x) = x * 2", "drop rule \"mail\"", "goal \"Meet in person\" by 2027-03-31", "market \"nesters\" served_by: [\"travel agent\"]",
            "merge @eve-eng into @ann-arbor", "set me profession: \"advisor\"", "set interaction 1 note: \"corrected\"", "reset rules",
        ]
    }

    /// Random sequences of changing statements: undoing each one restores exactly the content
    /// before it (and running it again gives the same change), and undoing all of them restores
    /// the content before the sequence.
    @Test(arguments: [1, 2, 3, 4])
    func undoRestoresEveryKindOfChange(seed: UInt64) throws {
        let dir = CLIFolder.make()
        let csv = dir.appendingPathComponent("people.csv").path
        try "name,company,email\nZed Zee,Acme,zed@acme.example\nBen Bose,,ben@bose.example\n".write(toFile: csv, atomically: true, encoding: .utf8)
        let output = Output()
        let session = try Self.session(output, dir: dir)
        #expect(Self.run(session, output, Self.setup) == .success, "\(output.err)")
        let start = try Self.content(session.sqlite)
        let startChanges = try Self.changes(session.sqlite)
        var rng = SeededGenerator(seed: seed)
        let pool = Self.statements(csv)
        var made = 0
        for _ in 0..<40 {
            let statement = pool[Int(rng.next() % UInt64(pool.count))]
            let before = try Self.content(session.sqlite)
            let numberingBefore = try Self.numbering(session.sqlite)
            let journalled = try Self.changes(session.sqlite)
            guard Self.run(session, output, statement) == .success, try Self.changes(session.sqlite) > journalled else {
                // The page forgets items closed "until the condition stops holding" once it has:
                // housekeeping, not a change (see Store.housekeeping).
                if statement == "agenda" { continue }
                #expect(try Self.content(session.sqlite) == before, "\(statement) failed yet changed rows: \(output.err)")
                continue
            }
            let after = try Self.content(session.sqlite)
            #expect(after != before, "\(statement) was journalled without changing a row")
            let numbered = try Self.numbering(session.sqlite)
            #expect(Self.run(session, output, "undo") == .success, "undo of \(statement): \(output.err)")
            #expect(try Self.content(session.sqlite) == before, "undo of \(statement) left the rows otherwise")
            // The numbers the statement gave are not given again after its undo; run again, the
            // statement is compared with its first run as if they were.
            #expect(try Self.numbering(session.sqlite) == numbered, "undo of \(statement) took back numbers")
            try Self.setNumbering(session.sqlite, numberingBefore)
            #expect(Self.run(session, output, statement) == .success, "\(statement) again: \(output.err)")
            #expect(try Self.content(session.sqlite) == after, "\(statement) again changed other rows")
            made += 1
        }
        #expect(made >= 10)
        let n = try Self.changes(session.sqlite) - startChanges
        #expect(Self.run(session, output, "undo \(n)") == .success, "\(output.err)")
        #expect(try Self.content(session.sqlite) == start)
        #expect(try session.sqlite.integrityCheck() == "ok")
    }

    /// A REPL statement, a script, an import and `tend -e` are one change each, listed newest
    /// first with their source and statements; undone ones stay listed as undone.
    @Test func historyListsChangesWithTheirSource() throws {
        let dir = CLIFolder.make()
        let csv = dir.appendingPathComponent("people.csv").path
        try "name\nZed Zee\n".write(toFile: csv, atomically: true, encoding: .utf8)
        let output = Output()
        let session = try Self.session(output, dir: dir)
        let script = dir.appendingPathComponent("morning.tend").path
        #expect(session.runScripts([Source(name: script, text: "add \"Ann Arbor\"\nadd \"Ben Bose\"\n")], bail: false, readOnly: false) == .success)
        Self.run(session, output, "set @ann-arbor +vip")
        Self.run(session, output, "contacts")
        Self.run(session, output, "import csv \"\(csv)\"")
        Self.run(session, output, "undo")
        #expect(output.out.contains { $0.contains("Undid change 3 (import \(csv): import csv") }, "\(output.out)")
        #expect(Self.run(session, output, "history") == .success)
        let entries = try session.sqlite.history()
        #expect(entries.map(\.source) == ["import \(csv)", "repl", script])
        #expect(entries.map(\.undone) == [true, false, false])
        #expect(entries[2].statement == "add \"Ann Arbor\"; add \"Ben Bose\"")
        #expect(entries.allSatisfy { $0.at == "2026-11-23" })
        #expect(try session.sqlite.history(limit: 1).count == 1)
    }

    /// `undo` with other changes in one run is refused before anything runs; so is undoing more
    /// changes than the journal holds.
    @Test func undoStandsAloneAndCountsWhatThereIs() throws {
        let output = Output()
        let session = try Self.session(output)
        Self.run(session, output, "add \"Ann Arbor\"")
        #expect(Self.run(session, output, "add \"Ben Bose\"\nundo") == .invalid)
        #expect(output.err.joined().contains("undo takes back whole changes, so it runs on its own"), "\(output.err)")
        #expect(Self.run(session, output, "undo 2") == .failed)
        #expect(output.err.joined().contains("the journal holds 1 change that can be undone"), "\(output.err)")
        #expect(try session.sqlite.contactCount() == 1)
        #expect(Self.run(session, output, "undo") == .success)
        #expect(try session.sqlite.contactCount() == 0)
        #expect(Self.run(session, output, "undo") == .failed)
        #expect(output.err.joined().contains("there is no change to undo"), "\(output.err)")
    }

    /// A row changed since by something other than Tend (no journal entry of its own) makes
    /// the undo refuse, and leave everything as it is.
    @Test func undoRefusesRowsChangedOutsideTend() throws {
        let dir = CLIFolder.make()
        let output = Output()
        let session = try Self.session(output, dir: dir)
        Self.run(session, output, "add \"Ann Arbor\"")
        Self.run(session, output, "set @ann-arbor city: \"Oslo\"")
        let other = try DatabaseQueue(path: dir.appendingPathComponent("tend.db").path)
        try other.write { try $0.execute(sql: "UPDATE contacts SET city = 'Rome'") }
        try other.close()
        #expect(Self.run(session, output, "undo") == .failed)
        #expect(output.err.joined().contains("a row of contacts was changed since, outside Tend; nothing was undone"), "\(output.err)")
        #expect(try session.sqlite.scalar("SELECT city FROM contacts") == "Rome")
        #expect(try Self.changes(session.sqlite) == 2)
    }

    /// The journal keeps the last 1,000 changes, and none older than 90 days but the last 100.
    @Test func theJournalIsBounded() throws {
        let output = Output()
        let session = try Self.session(output)
        Self.run(session, output, "add \"Ann Arbor\"")
        for i in 0..<(Store.journalKeep + 4) { Self.run(session, output, "set @ann-arbor notes: \"\(i)\"") }
        var entries = try session.sqlite.history()
        #expect(entries.count == Store.journalKeep)
        #expect(entries.first?.number == Int64(Store.journalKeep + 5) && entries.last?.number == 6)
        session.today = Self.today.adding(days: Store.journalDays)
        Self.run(session, output, "set @ann-arbor notes: \"a quarter on\"")
        #expect(try session.sqlite.history().count == Store.journalKeep)
        session.today = Self.today.adding(days: Store.journalDays + 1)
        Self.run(session, output, "set @ann-arbor notes: \"past the quarter\"")
        entries = try session.sqlite.history()
        #expect(entries.count == Store.journalRecent)
        #expect(entries.prefix(2).map(\.statement) == ["set @ann-arbor notes: \"past the quarter\"", "set @ann-arbor notes: \"a quarter on\""])
        #expect(try session.sqlite.scalar("SELECT count(DISTINCT change_id) FROM journal_rows") == "\(Store.journalRecent)")
    }

    /// A what-if run with a far later `--today` keeps the recent history: the age bound counted
    /// from its today dropped every change before it, and the next real run had nothing to undo.
    @Test func aFarLaterTodayKeepsTheRecentChanges() throws {
        let output = Output()
        let session = try Self.session(output)
        Self.run(session, output, "add \"Ann Arbor\" company: \"A\"")
        for i in 0..<5 { Self.run(session, output, "set @ann-arbor notes: \"\(i)\"") }
        session.today = Day(year: 2035, month: 1, day: 1)!
        Self.run(session, output, "set @ann-arbor title: \"what if\"")
        #expect(try session.sqlite.history().map(\.number) == [7, 6, 5, 4, 3, 2, 1])
        session.today = Self.today
        #expect(try session.undo(count: 7).isEmpty == false)
        #expect(try session.sqlite.scalar("SELECT count(*) FROM contacts") == "0")
    }

    /// A statement that changes nothing journals nothing, so `history` does not list it and
    /// `undo` does not take back a no-op instead of the change before it: `reset rules` with
    /// the prelude's definitions as they are (it dropped and wrote them again), a dismissal or
    /// snooze of an item already so (its day was written again), tags as they are, a snooze of
    /// no one.
    @Test func aStatementThatChangesNothingIsNoChange() throws {
        let output = Output()
        let session = try Self.session(output)
        #expect(Self.run(session, output, Self.setup) == .success, "\(output.err)")
        #expect(Self.run(session, output, "agenda") == .success)
        #expect(Self.run(session, output, "dismiss 1") == .success)
        #expect(Self.run(session, output, "snooze 2 until 2026-12-20") == .success, "\(output.err)")
        let changes = try session.sqlite.history().map(\.number)
        let content = try Self.content(session.sqlite)
        // A day later: the items' days were written again.
        session.today = Self.today.adding(days: 1)
        for statement in [
            "reset rules", "dismiss 1", "snooze 2 until 2026-12-20", "set @ann-arbor tags: [\"hot\"]", "set @ann-arbor +hot",
            "snooze contacts where company == \"nobody\" 2w", "unsnooze @ben-bose", "set @ann-arbor company: \"Acme\"",
        ] {
            #expect(Self.run(session, output, statement) == .success, "\(statement): \(output.err)")
            #expect(try session.sqlite.history().map(\.number) == changes, "\(statement) was journalled")
            #expect(try Self.content(session.sqlite) == content, "\(statement) changed rows")
        }
        #expect(Self.run(session, output, "dismiss 1 for 30d") == .success)
        #expect(try session.sqlite.history().count == changes.count + 1, "a dismissal for a while after one for good is a change")
    }

    /// A run with an earlier `--today` leaves no hole: its change was dropped by the next run's
    /// age bound while the older one before it was kept, and undo then blamed a change "outside
    /// Tend".
    @Test func anEarlierTodayLeavesNoHole() throws {
        let output = Output()
        let session = try Self.session(output)
        Self.run(session, output, "add \"Ann Arbor\" company: \"A\"")
        session.today = Day(year: 2020, month: 1, day: 1)!
        Self.run(session, output, "set @ann-arbor company: \"B\"")
        session.today = Self.today
        Self.run(session, output, "set @ann-arbor title: \"T\"")
        #expect(try session.sqlite.history().map(\.number) == [3, 2, 1])
        #expect(try session.undo(count: 3).isEmpty == false)
        #expect(try session.sqlite.scalar("SELECT count(*) FROM contacts") == "0")
    }

    /// A new database's prelude is no change; a dump holds no journal.
    @Test func thePreludeIsNotAChangeAndADumpHasNoJournal() throws {
        let output = Output()
        let session = try Self.session(output)
        #expect(try session.sqlite.history().isEmpty)
        Self.run(session, output, "add \"Ann Arbor\"")
        #expect(try !session.dump().contains("journal"))
        #expect(try session.sqlite.history().count == 1)
    }
}

/// A new empty folder for a test's files.
enum CLIFolder {
    static func make() -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tend-journal-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }
}


extension Session {
    /// The session's SQLite store (the journal's tests read its tables).
    var sqlite: Store { store as! Store }
}
