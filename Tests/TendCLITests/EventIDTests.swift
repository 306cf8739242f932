import Foundation
import TendTestSupport
import Testing

/// Events keep their numbers through `tend dump` → `tend run` on an empty database (a dump
/// writes `id: N` on an event after a gap), on SQLite and, when the test cluster is there, on
/// PostgreSQL: the rebuilt database's timelines show the same ids, `remove interaction N`
/// removes the same event in both, and the next event logged gets the same number in both.
@Suite struct EventIDTests {
    /// The stores a test runs on: SQLite always, PostgreSQL with the test cluster.
    static var stores: [String] { ["sqlite"] + (TestCluster.available ? ["postgres"] : []) }

    /// A new empty database of `store`: a file in `dir`, or a database of the test cluster.
    static func database(_ store: String, _ name: String, in dir: URL) throws -> String {
        store == "sqlite" ? dir.appendingPathComponent("\(name).db").path : try TestCluster.freshDatabase(name)
    }

    /// Runs `tend` on `db`, as the cluster's role on both stores (the same `by:` in each dump).
    @discardableResult
    static func tend(_ db: String, _ args: [String], stdin: String? = nil, in dir: URL) throws -> CLI.Result {
        try CLI.run(["--db", db] + args, stdin: stdin, in: dir, env: ["TEND_AS": TestCluster.role])
    }

    /// A gap in every table of events whose rows `remove` addresses by number: a removal in the
    /// middle (and of the first referral), a person removed with their events, a merge that drops
    /// an introduction between the two people merged. The last event of each kind stays, so the
    /// next number is the same whatever the store keeps of removed rows.
    static let gaps = """
        add "Ann Ash" handle: "ann"
        add "Bo Birch" handle: "bo"
        add "Cy Cole" handle: "cy"
        add "Di Dunn" handle: "di"
        add "Eve Egan" handle: "eve"
        add "Fay Fox" handle: "fay", stage: credibility
        set @ann stage: visibility on 2026-01-01
        set @ann stage: credibility on 2026-02-01
        set @bo stage: visibility on 2026-03-01
        set @eve stage: visibility on 2026-03-02
        set @cy stage: profitability on 2026-03-03
        remove stage 3
        log call with @ann on 2026-10-01
        log lunch with @ann, @bo on 2026-10-02
        log coffee with @bo on 2026-10-03
        log note with @eve on 2026-10-04
        log email with @cy, @ann on 2026-10-05 note: "after the gaps"
        remove interaction 2
        refer "Mike Chen" to @ann on 2026-10-01
        referral from @bo about "Ana Park" on 2026-10-02 value: 50
        refer "Lee Ho" to @eve on 2026-10-03
        refer "Kim Li" to @cy on 2026-10-04
        remove referral 1
        introduce @ann and @bo on 2026-10-01
        introduce @cy and @di on 2026-10-02
        introduce @ann and @cy on 2026-10-03
        spend 10 at @ann on 2026-10-01
        spend 20 at @eve on 2026-10-02
        spend 30 at @bo on 2026-10-03
        spend 40 at @cy on 2026-10-04
        remove spend 2
        remove @eve
        merge @di into @cy

        """

    /// What the database shows of its events, with their numbers: each person's timeline.
    static func timelines(_ db: String, in dir: URL) throws -> String {
        try ["ann", "bo", "cy", "fay"].map { try tend(db, ["--format", "csv", "-e", "timeline @\($0)"], in: dir).stdout }.joined()
    }

    @Test(arguments: stores)
    func eventsKeepTheirNumbersThroughADump(_ store: String) throws {
        let dir = CLI.tempDir()
        let a = try Self.database(store, "ids_a", in: dir)
        let setup = try Self.tend(a, ["run", "-"], stdin: Self.gaps, in: dir)
        #expect(setup.status == 0, "\(setup.stderr)")
        let dump = try Self.tend(a, ["dump"], in: dir)
        #expect(dump.status == 0, "\(dump.stderr)")
        // An event after a gap says its number; one that follows its predecessor does not.
        for line in [
            "set @cy stage: profitability on 2026-03-03 id: 6", "log coffee with @bo on 2026-10-03 id: 3",
            "refer \"Kim Li\" to @cy on 2026-10-04 id: 4", "introduce @ann and @cy on 2026-10-03 id: 3", "spend 30 at @bo on 2026-10-03 id: 3",
        ] {
            #expect(dump.stdout.contains(line), "\(line) in:\n\(dump.stdout)")
        }
        #expect(dump.stdout.contains("\nlog call with @ann on 2026-10-01"))
        #expect(!dump.stdout.contains("log call with @ann on 2026-10-01 id:"))
        #expect(dump.stdout.contains("referral from @bo about \"Ana Park\" on 2026-10-02 id: 2 "), "\(dump.stdout)")
        #expect(dump.stdout.contains("log email with @cy, @ann on 2026-10-05 id: 5 "), "\(dump.stdout)")

        let b = try Self.database(store, "ids_b", in: dir)
        let restore = try Self.tend(b, ["run", "-"], stdin: dump.stdout, in: dir)
        #expect(restore.status == 0, "\(restore.stderr)")
        #expect(try Self.tend(b, ["dump"], in: dir).stdout == dump.stdout)
        let timelines = try Self.timelines(a, in: dir)
        #expect(timelines.contains("2026-10-03,interaction,3,coffee"), "\(timelines)")
        #expect(try Self.timelines(b, in: dir) == timelines)

        // The same number means the same event in both, and the next events get the same numbers.
        let next = """
            remove interaction 3
            log call with @bo on 2026-11-01
            refer "Nia Oh" to @ann on 2026-11-01
            referral from @cy on 2026-11-01
            introduce @bo and @fay on 2026-11-01
            spend 5 at @fay on 2026-11-01
            set @fay stage: profitability on 2026-11-01

            """
        let inA = try Self.tend(a, ["run", "-"], stdin: next, in: dir)
        let inB = try Self.tend(b, ["run", "-"], stdin: next, in: dir)
        #expect(inA.status == 0, "\(inA.stderr)")
        #expect(inA.stdout.contains("Logged call 6 with @bo"), "\(inA.stdout)")
        #expect(inB.stdout == inA.stdout)
        #expect(try Self.timelines(b, in: dir) == (try Self.timelines(a, in: dir)))
        #expect(!(try Self.timelines(a, in: dir)).contains("coffee"))
    }

    /// A number is never given twice: after the newest row of each kind is removed (or its
    /// `log` undone), the next one gets a new number, so that a script's `remove interaction N`,
    /// or an agenda page's line, cannot act on a row added since. SQLite gave the removed
    /// number again; PostgreSQL's sequences never did.
    @Test(arguments: stores)
    func aRemovedRowsNumberIsNeverGivenAgain(_ store: String) throws {
        let dir = CLI.tempDir()
        let db = try Self.database(store, "never", in: dir)
        let first = """
            add "Ann Ash" handle: "ann"
            add "Bo Birch" handle: "bo"
            remove @bo
            add "Cy Cole" handle: "cy"
            log call with @ann on 2026-10-01
            log call with @cy on 2026-10-02
            remove interaction 2
            log lunch with @ann on 2026-10-03
            refer "Kim Li" to @ann on 2026-10-01
            remove referral 1
            refer "Lee Ho" to @ann on 2026-10-02
            introduce @ann and @cy on 2026-10-01
            remove introduction 1
            introduce @cy and @ann on 2026-10-02
            spend 10 at @ann on 2026-10-01
            remove spend 1
            spend 20 at @ann on 2026-10-02
            set @ann stage: visibility on 2026-10-01
            remove stage 1
            set @ann stage: credibility on 2026-10-02

            """
        let run = try Self.tend(db, ["run", "--yes", "-"], stdin: first, in: dir)
        #expect(run.status == 0, "\(run.stderr)")
        for line in ["Added @cy (Cy Cole)", "Logged lunch 3 with @ann"] {
            #expect(run.stdout.contains(line), "\(line) in:\n\(run.stdout)")
        }
        let ids = try Self.tend(db, ["--format", "csv", "-e", "contacts show id, handle"], in: dir).stdout
        #expect(ids == "id,handle\n1,ann\n3,cy\n", "\(ids)")
        let timeline = try Self.tend(db, ["--format", "csv", "-e", "timeline @ann"], in: dir).stdout
        for row in ["interaction,3,lunch", "referral,2,", "introduction,2,", "spend,2,", "stage,2,"] {
            #expect(timeline.contains(row), "\(row) in:\n\(timeline)")
        }
        // The newest event removed by undo: its number is not given again either.
        let note = try Self.tend(db, ["-e", "log note with @cy on 2026-10-04"], in: dir)
        #expect(note.stdout.contains("Logged note 4 with @cy"), "\(note.stdout) \(note.stderr)")
        #expect(try Self.tend(db, ["undo"], in: dir).status == 0)
        let after = try Self.tend(db, ["-e", "log call with @cy on 2026-10-05"], in: dir)
        #expect(after.stdout.contains("Logged call 5 with @cy"), "\(after.stdout) \(after.stderr)")
    }

    /// After a row was given the last number `id:` takes, SQLite would number the next past it,
    /// a number no dump could give back: that row is refused in words, nothing kept, and the
    /// database still dumps and restores.
    @Test func noNumberPastTheLastAnIDTakes() throws {
        let dir = CLI.tempDir()
        let db = dir.appendingPathComponent("last.db").path
        let last = "9223372032559808511"
        let setup = try Self.tend(db, ["-e", "add \"Ann Ash\" handle: \"ann\", id: \(last)", "-e", "log call with @ann id: \(last)"], in: dir)
        #expect(setup.status == 0, "\(setup.stderr)")
        for (statement, what) in [("add \"Bo Birch\"", "contact"), ("log lunch with @ann", "interaction")] {
            let r = try Self.tend(db, ["-e", statement], in: dir)
            #expect(r.status == 3 && r.stderr.contains("cannot number the new \(what)"), "\(statement): \(r.stderr)")
        }
        let dump = try Self.tend(db, ["dump"], in: dir)
        let copy = dir.appendingPathComponent("copy.db").path
        let restore = try Self.tend(copy, ["run", "-"], stdin: dump.stdout, in: dir)
        #expect(restore.status == 0, "\(restore.stderr)")
        #expect(try Self.tend(copy, ["dump"], in: dir).stdout == dump.stdout)
    }

    /// The last number of each kind removed (or its `log` undone) is not given again by the
    /// database a dump rebuilds (b69): the dump ends with `numbers given …`, and the next
    /// contact, lunch, referral and spend get the same numbers in both. It gave them again
    /// (Dee Four was contact 3 in the copy, 4 in the original), so a note's `remove
    /// interaction 3` removed another lunch there.
    @Test(arguments: stores)
    func numbersOfRemovedLastRowsSurviveADump(_ store: String) throws {
        let dir = CLI.tempDir()
        let a = try Self.database(store, "given_a", in: dir)
        let setup = """
            add "Ann One" handle: "ann"
            add "Bob Two" handle: "bob"
            add "Cy Three" handle: "cy"
            log call with @ann on 2026-11-01
            log call with @bob on 2026-11-02
            log call with @cy on 2026-11-03
            refer "Z" to @ann value: 10
            spend 5 at @bob
            remove interaction 3
            remove @cy
            remove referral 1
            remove spending 1

            """
        #expect(try Self.tend(a, ["run", "-"], stdin: setup, in: dir).status == 0)
        #expect(try Self.tend(a, ["-e", "log lunch with @bob on 2026-11-04"], in: dir).stdout.contains("lunch 4"))
        #expect(try Self.tend(a, ["undo"], in: dir).status == 0)
        let dump = try Self.tend(a, ["dump"], in: dir)
        #expect(dump.stdout.hasSuffix("numbers given contacts: 3, interactions: 4, referrals: 1, spending: 1\n# End of Tend dump.\n"), "\(dump.stdout)")

        let b = try Self.database(store, "given_b", in: dir)
        let restore = try Self.tend(b, ["run", "-"], stdin: dump.stdout, in: dir)
        #expect(restore.status == 0, "\(restore.stderr)")
        #expect(try Self.tend(b, ["dump"], in: dir).stdout == dump.stdout)
        let next = """
            add "Dee Four" handle: "dee"
            log lunch with @ann on 2026-11-05
            refer "Q" to @ann on 2026-11-05
            spend 1 at @ann on 2026-11-05
            contacts where handle == "dee" show id

            """
        let inA = try Self.tend(a, ["run", "-"], stdin: next, in: dir)
        #expect(inA.stdout.contains("Logged lunch 5 with @ann") && inA.stdout.contains("Referral 2") && inA.stdout.contains("Spend 2"), "\(inA.stdout)")
        #expect(try Self.tend(b, ["run", "-"], stdin: next, in: dir).stdout == inA.stdout)
    }

    /// `numbers given` raises a kind's mark and never lowers it; a number that is no id is
    /// refused where it is written, and nothing runs.
    @Test(arguments: stores)
    func numbersGivenRaisesAndNeverLowers(_ store: String) throws {
        let dir = CLI.tempDir()
        let db = try Self.database(store, "given_raise", in: dir)
        let script = """
            add "Ann One" handle: "ann"
            log call with @ann on 2026-11-01
            numbers given interactions: 10, contacts: 20
            numbers given interactions: 2
            log call with @ann on 2026-11-02
            add "Bo Two" handle: "bo"
            contacts where handle == "bo" show id

            """
        let r = try Self.tend(db, ["--format", "csv", "run", "-"], stdin: script, in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("Logged call 11 with @ann") && r.stdout.hasSuffix("id\n21\n"), "\(r.stdout)\(r.stderr)")
        #expect(r.stderr.contains("Numbers given so far: interactions up to 10;"), "\(r.stderr)")
        // `numbers` is still a name (a `let numbers` of an older script or database).
        let named = try Self.tend(db, ["run", "-"], stdin: "let numbers = [1, 2]\nassert count(numbers) == 2\nnumbers\n", in: dir)
        #expect(named.status == 0, "\(named.stderr)")
        let bad = try Self.tend(db, ["run", "-"], stdin: "log call with @ann\nnumbers given interactions: 0, people: 3\nnumbers given contacts: -1\n", in: dir)
        #expect(bad.status == 2, "\(bad.stderr)")
        #expect(bad.stderr.contains("<stdin>:2:29: error: a number given is a whole number from 1"), "\(bad.stderr)")
        #expect(bad.stderr.contains("<stdin>:2:32: error: unknown option 'people:'"), "\(bad.stderr)")
        #expect(bad.stderr.contains("<stdin>:3:25: error: a number given is a whole number from 1"), "\(bad.stderr)")
        #expect(try Self.tend(db, ["-e", "log call with @ann"], in: dir).stdout.contains("call 12"))
    }

    /// Contacts keep their numbers too (`contacts show id`, `contacts where id == 6`, the UIDs
    /// of `export ics`): after a removal and a merge, the dump's `add` says the number of a
    /// contact that does not follow the one before, and the next contact added gets the same
    /// number in both databases.
    @Test(arguments: stores)
    func contactsKeepTheirNumbersThroughADump(_ store: String) throws {
        let dir = CLI.tempDir()
        let a = try Self.database(store, "cids_a", in: dir)
        let setup = try Self.tend(a, ["run", "-"], stdin: Self.gaps, in: dir)
        #expect(setup.status == 0, "\(setup.stderr)")
        let dump = try Self.tend(a, ["dump"], in: dir)
        let adds = dump.stdout.split(separator: "\n").filter { $0.hasPrefix("add ") }
        #expect(adds.count == 4, "\(dump.stdout)")
        #expect(adds.last?.contains(", id: 6") == true, "\(adds)")
        #expect(adds.dropLast().allSatisfy { !$0.contains("id:") }, "\(adds)")

        let b = try Self.database(store, "cids_b", in: dir)
        let restore = try Self.tend(b, ["run", "-"], stdin: dump.stdout, in: dir)
        #expect(restore.status == 0, "\(restore.stderr)")
        #expect(try Self.tend(b, ["dump"], in: dir).stdout == dump.stdout)
        let ids = ["--format", "csv", "-e", "contacts show id, handle"]
        let inA = try Self.tend(a, ids, in: dir).stdout
        #expect(inA == "id,handle\n1,ann\n2,bo\n3,cy\n6,fay\n")
        #expect(try Self.tend(b, ids, in: dir).stdout == inA)
        for db in [a, b] {
            #expect(try Self.tend(db, ["-e", "add \"Gus Gray\""], in: dir).status == 0)
            let next = try Self.tend(db, ["--format", "csv", "-e", "contacts where id > 6 show id, handle"], in: dir)
            #expect(next.stdout == "id,handle\n7,gus-gray\n", "\(next.stdout)\(next.stderr)")
        }
    }

    /// Numbers a store gives after a large one written (past 2^53) are written by the dump and
    /// restore: a dump the checker refused could not be restored.
    @Test func largeNumbersRestore() throws {
        let dir = CLI.tempDir()
        let setup = try CLI.run(
            ["-e", "add \"Ana\"", "-e", "log call with @ana id: 9007199254740992", "-e", "log call with @ana", "-e", "log call with @ana",
             "-e", "remove interaction 9007199254740993"], in: dir)
        #expect(setup.status == 0, "\(setup.stderr)")
        let dump = try CLI.run(["dump"], in: dir)
        #expect(dump.stdout.contains("id: 9007199254740994"), "\(dump.stdout)")
        let restored = try CLI.run(["--db", "b.db", "run", "-"], stdin: dump.stdout, in: dir)
        #expect(restored.status == 0, "\(restored.stderr)")
        #expect(try CLI.run(["--db", "b.db", "dump"], in: dir).stdout == dump.stdout)
    }

    /// Numbers past 10^18 (where arithmetic's fast paths stop) up to the stated limit are taken
    /// by add and log, so the dump of a database holding them restores.
    @Test func numbersPastTenToTheEighteenthRestore() throws {
        let dir = CLI.tempDir()
        let setup = try CLI.run(
            ["-e", "add \"A\" id: 999999999999999999", "-e", "add \"B\"", "-e", "add \"C\"", "-e", "remove @b",
             "-e", "add \"D\" id: 9223372032559808511", "-e", "log call with @a id: 1000000000000000005", "-e", "log call with @c"], in: dir)
        #expect(setup.status == 0, "\(setup.stderr)")
        let dump = try CLI.run(["dump"], in: dir)
        #expect(dump.stdout.contains("id: 1000000000000000001"), "\(dump.stdout)")
        let restored = try CLI.run(["--db", "b.db", "run", "-"], stdin: dump.stdout, in: dir)
        #expect(restored.status == 0, "\(restored.stderr)")
        #expect(try CLI.run(["--db", "b.db", "dump"], in: dir).stdout == dump.stdout)
        let past = try CLI.run(["-e", "add \"E\" id: 9223372032559808512"], in: dir)
        #expect(past.status == 2 && past.stderr.contains("a contact's id is a whole number from 1 to 9223372032559808511"), "\(past.stderr)")
    }

    /// An event numbered past 10^18 is corrected and removed by its number.
    @Test func eventsPastTenToTheEighteenthAreAddressed() throws {
        let dir = CLI.tempDir()
        let n = "1000000000000000007"
        let setup = try CLI.run(["-e", "add \"A\"", "-e", "log call with @a id: \(n)", "-e", "set interaction \(n) note: \"y\""], in: dir)
        #expect(setup.status == 0, "\(setup.stderr)")
        let removed = try CLI.run(["-e", "remove interaction \(n)", "-e", "count(interactions)"], in: dir)
        #expect(removed.status == 0 && removed.stdout.hasSuffix("0\n"), "\(removed.stdout)\(removed.stderr)")
    }

    /// A database without gaps dumps as before: no event says its number.
    @Test func anOrdinaryDumpWritesNoIDs() throws {
        let dir = CLI.tempDir()
        let script = Self.gaps.split(separator: "\n").filter { !$0.hasPrefix("remove") && !$0.hasPrefix("merge") }.joined(separator: "\n")
        #expect(try CLI.run(["run", "-"], stdin: script, in: dir).status == 0)
        let dump = try CLI.run(["dump"], in: dir)
        #expect(!dump.stdout.contains(" id: "), "\(dump.stdout)")
    }

    /// `undo` takes back an event given its number, below the table's largest (a gap filled) and
    /// above it, and a restore that numbered its events.
    @Test(arguments: stores)
    func undoTakesBackANumberedEvent(_ store: String) throws {
        let dir = CLI.tempDir()
        let db = try Self.database(store, "ids_undo", in: dir)
        let setup = try Self.tend(db, ["run", "-"], stdin: Self.gaps, in: dir)
        #expect(setup.status == 0, "\(setup.stderr)")
        let before = try Self.tend(db, ["dump"], in: dir).stdout
        let filled = try Self.tend(db, ["-e", "log lunch with @ann, @bo on 2026-10-02 id: 2"], in: dir)
        #expect(filled.stdout.contains("Logged lunch 2 with @ann, @bo"), "\(filled.stdout)\(filled.stderr)")
        let numbered = "spend 9 at @bo on 2026-11-01 id: 40\nspend 8 at @bo on 2026-11-02\nset @bo stage: credibility on 2026-11-01 id: 3\n"
        let past = try Self.tend(db, ["run", "-"], stdin: numbered, in: dir)
        #expect(past.stdout.contains("Spend 41: 8 at @bo."), "\(past.stdout)\(past.stderr)")
        let undo = try Self.tend(db, ["undo", "2"], in: dir)
        #expect(undo.status == 0, "\(undo.stderr)")
        // The spends' numbers stay given (the stage change's 3 and the lunch's 2 are below others).
        let end = "# End of Tend dump.\n"
        #expect(try Self.tend(db, ["dump"], in: dir).stdout == before.replacingOccurrences(of: end, with: "numbers given spending: 41\n" + end))

        // A restore with numbered events, undone, leaves the database empty of contacts and events.
        let copy = try Self.database(store, "ids_undo_copy", in: dir)
        #expect(try Self.tend(copy, ["run", "-"], stdin: before, in: dir).status == 0)
        #expect(try Self.tend(copy, ["undo"], in: dir).status == 0)
        let rows = "count(contacts) + count(interactions) + count(referrals) + count(spending)"
        let left = try Self.tend(copy, ["--format", "csv", "-e", rows], in: dir)
        #expect(left.stdout == "0\n", "\(left.stdout)\(left.stderr)")
    }
}
