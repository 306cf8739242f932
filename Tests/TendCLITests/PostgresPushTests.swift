import Foundation
import TendTestSupport
import Testing

/// `tend push postgresql://…` (#22.6) and `tend demo` on PostgreSQL: the team database ends up
/// with the same network as the personal file (the same dump, the same answers), the file is
/// only read, pushing again adds nothing, and a contact that differs is refused with nothing
/// written.
@Suite(.enabled(if: TestCluster.available, Comment(rawValue: TestCluster.skipped)))
struct PostgresPushTests {
    static func run(_ args: [String], stdin: String? = nil, db: String) throws -> CLI.Result {
        try CLI.run(args, stdin: stdin, in: CLI.tempDir(), env: ["TEND_DB": db])
    }

    /// A personal database: the demo network (me, markets, goals, every kind of event), with
    /// definitions of the user's (one of them the prelude's, changed), a contact changed, and
    /// two identical coffees.
    static func personal() throws -> String {
        let file = CLI.tempDir().appendingPathComponent("mine.db").path
        let demo = try run(["demo", "--size", "60", "--seed", "7"], db: file)
        #expect(demo.status == 0, "\(demo.stderr)")
        let more = """
            fn warm(c) = c.touches >= 3
            let w_overdue = 4
            rule "Call the warm ones" when warm(it) and days_since(last_touch) > 30 then remind "call {name}"
            set @\(try firstHandle(file)) next_step: "send the lease", +golf
            log coffee with @\(try firstHandle(file)) on 2026-11-20 note: "twice the same"
            log coffee with @\(try firstHandle(file)) on 2026-11-20 note: "twice the same"
            """
        let r = try run(["run", "-"], stdin: more, db: file)
        #expect(r.status == 0, "\(r.stderr)")
        return file
    }

    static func firstHandle(_ db: String) throws -> String {
        try run(["--format", "csv", "-e", "contacts sort by handle show handle limit 1"], db: db).stdout.split(separator: "\n")[1]
            .trimmingCharacters(in: .whitespaces)
    }

    static let queries = [
        "contacts where touches > 3 show handle, touches, last_touch, stage",
        "count(interactions)",
        "agenda",
        "report network",
        "interactions where kind == \"coffee\" show on, people, note",
        "[w_overdue, w_stage]",
    ]

    static func fingerprint(_ path: String) -> Data? {
        FileManager.default.contents(atPath: path)
    }

    @Test func pushCopiesTheNetworkAndAddsNothingTheSecondTime() throws {
        let file = try Self.personal()
        let before = Self.fingerprint(file)
        let url = try TestCluster.freshDatabase("push")
        let first = try Self.run(["push", url], db: file)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.contains("contacts: 60 added, 0 there already"), "\(first.stdout)")
        #expect(first.stdout.contains("interactions: 602 added, 0 there already"), "\(first.stdout)")
        #expect(first.stderr.contains("Pushed \(file) into"), "\(first.stderr)")
        let interactions = try TestCluster.psql("SELECT count(*) FROM interactions", url: url)
        #expect(interactions == "602")
        let second = try Self.run(["push", url], db: file)
        #expect(second.status == 0, "\(second.stderr)")
        let lines = second.stdout.split(separator: "\n")
        #expect(!lines.isEmpty && lines.allSatisfy { $0.contains(": 0 added") }, "\(second.stdout)")
        #expect(try TestCluster.psql("SELECT count(*) FROM interactions", url: url) == interactions)
        // The personal file was only read: the same bytes, and no -wal or -shm left beside it.
        #expect(Self.fingerprint(file) == before)
        for suffix in ["-wal", "-shm", "-journal"] { #expect(!FileManager.default.fileExists(atPath: file + suffix)) }
        try Self.expectSameNetwork(file, url)
    }

    /// What a personal database holds beside the network goes too: closed, dismissed and
    /// snoozed agenda items and snoozes (the pushing member's own), the sightings `report
    /// candidates` counts, and the sources that make importing a calendar again add nothing.
    /// Before, push left the first two behind (a snooze of a contact the team had was refused
    /// as a difference), and the sightings too.
    @Test func pushKeepsTheAgendaSnoozesAndSightings() throws {
        let dir = CLI.tempDir()
        let file = dir.appendingPathComponent("mine.db").path
        let calendar = dir.appendingPathComponent("cal.ics").path
        try TouchImportCLITests.mainCalendar.write(toFile: calendar, atomically: true, encoding: .utf8)
        let setup = TouchImportCLITests.contacts + "\nadd \"Lee Wu\" cadence: 1mo, created: 2024-01-01\nadd \"Mo Ray\" cadence: 2mo, created: 2024-01-01\nadd \"Kai Sun\" cadence: 3mo, created: 2024-01-01\n"
        #expect(try Self.run(["run", "-"], stdin: setup, db: file).status == 0)
        #expect(try Self.run(["import", "ics", calendar], db: file).status == 0)
        #expect(try Self.run(["agenda"], db: file).status == 0)
        #expect(try Self.run(["run", "-"], stdin: "done 1 note: \"called\"\nsnooze 2 1w\nsnooze @tom-okafor until 2026-12-31", db: file).status == 0)
        let url = try TestCluster.freshDatabase("pushagenda")
        let first = try Self.run(["push", url], db: file)
        #expect(first.status == 0, "\(first.stderr)")
        // `done 1` logged the call its rules ask for, which settled both of its items: the two
        // snoozed items of line 2 are what there is to push.
        #expect(first.stdout.contains("agenda items: 2 added, 0 there already"), "\(first.stdout)")
        #expect(first.stdout.contains("candidate sightings: 3 added, 0 there already"), "\(first.stdout)")
        try Self.expectSameAnswers(file, url)
        // A snooze of a contact the team has, and an item dismissed since (@ana-park's; @kai-sun's
        // stays open): added by the next push.
        #expect(try Self.run(["agenda"], db: file).status == 0)
        #expect(try Self.run(["run", "-"], stdin: "snooze @ana-park until 2027-01-15\ndismiss 2", db: file).status == 0)
        let second = try Self.run(["push", url], db: file)
        #expect(second.status == 0, "\(second.stderr)")
        #expect(second.stdout.contains("snoozes: 1 added, 1 there already"), "\(second.stdout)")
        #expect(second.stdout.contains("agenda items: 2 added, 2 there already"), "\(second.stdout)")
        try Self.expectSameAnswers(file, url)
        // Importing the calendar again adds nothing on either side.
        let againMine = try Self.run(["import", "ics", calendar], db: file)
        let againTeam = try Self.run(["import", "ics", calendar], db: url)
        #expect(againTeam.stdout == againMine.stdout && againMine.stdout.contains("6 skipped as already imported"), "\(againTeam.stdout)")
        try Self.expectSameAnswers(file, url)
        let third = try Self.run(["push", url], db: file)
        #expect(third.stdout.split(separator: "\n").allSatisfy { $0.contains(": 0 added") }, "\(third.stdout)")
    }

    /// An agenda item or a snooze the member set otherwise in the team database is a
    /// difference like any other: refused, listed, and nothing written.
    @Test func anItemOrASnoozeSetOtherwiseThereIsRefused() throws {
        let file = CLI.tempDir().appendingPathComponent("mine.db").path
        let setup = "add \"Lee Wu\" cadence: 1mo, created: 2024-01-01\nadd \"Tom Okafor\" created: 2024-01-01\n"
        #expect(try Self.run(["run", "-"], stdin: setup, db: file).status == 0)
        let url = try TestCluster.freshDatabase("pushagendaconflict")
        #expect(try Self.run(["push", url], db: file).status == 0)
        for (db, close, until) in [(url, "dismiss 1", "2027-01-31"), (file, "snooze 1 1w", "2026-12-31")] {
            #expect(try Self.run(["agenda"], db: db).stdout.contains("Lee Wu"))
            #expect(try Self.run(["run", "-"], stdin: "\(close)\nsnooze @tom-okafor until \(until)", db: db).status == 0)
        }
        let dumpBefore = try Self.run(["dump"], db: url).stdout
        let r = try Self.run(["push", url], db: file)
        #expect(r.status == 3, "\(r.stderr)")
        #expect(r.stderr.contains("nothing was pushed: 3 things are in both databases and differ"), "\(r.stderr)")
        #expect(r.stderr.contains(#"@tom-okafor: snoozed_until "2026-12-31" here, "2027-01-31" there"#), "\(r.stderr)")
        #expect(
            r.stderr.contains(#"agenda item "stay in touch" of @lee-wu: snoozed on 2026-11-23 until 2026-11-30 here, dismissed on 2026-11-23 there"#),
            "\(r.stderr)")
        #expect(try Self.run(["dump"], db: url).stdout == dumpBefore)
    }

    /// A refused push names each difference as the language writes it: a stage by its name
    /// (it said "stage 1 here, 2 there"), `me`'s fields (it said only "yours differs"), and a
    /// definition's text on both sides (it said "defined otherwise there").
    @Test func aRefusedPushSaysWhatDiffers() throws {
        let file = CLI.tempDir().appendingPathComponent("mine.db").path
        #expect(try Self.run(["run", "-"], stdin: "add \"Lee Wu\"\nset me name: \"Bo\"\nlet w_stage = 2\n", db: file).status == 0)
        let url = try TestCluster.freshDatabase("pushwords")
        // The member's `me` written there is said too (it was set silently).
        let first = try Self.run(["push", url], db: file)
        #expect(first.status == 0 && first.stdout.contains("me: 1 added, 0 there already"), "\(first.stdout)")
        #expect(try Self.run(["run", "-"], stdin: "set @lee-wu stage: visibility\nset me name: \"Cy\"\nlet w_stage = 3\n", db: url).status == 0)
        let r = try Self.run(["push", url], db: file)
        #expect(r.status == 3, "\(r.stderr)")
        #expect(r.stderr.contains("@lee-wu: stage contact here, visibility there"), "\(r.stderr)")
        #expect(r.stderr.contains(#"me: name "Bo" here, "Cy" there"#), "\(r.stderr)")
        #expect(r.stderr.contains("let w_stage: `let w_stage = 2` here, `let w_stage = 3` there"), "\(r.stderr)")
    }

    /// The same answers from both databases to the agenda, the candidates and the snoozes.
    static func expectSameAnswers(_ file: String, _ url: String) throws {
        for q in ["agenda", "report candidates", "contacts where snoozed_until != null show handle, snoozed_until", "count(interactions)"] {
            let mine = try Self.run(["--format", "csv", "-e", q], db: file)
            let team = try Self.run(["--format", "csv", "-e", q], db: url)
            #expect(team.stdout == mine.stdout, "\(q): team\n\(team.stdout)\nmine\n\(mine.stdout)")
            #expect(mine.stdout.split(separator: "\n").count > 1 || q.hasPrefix("count"), "\(q): \(mine.stdout)")
        }
    }

    /// A private note stays private in the team database (the pushing member's), so no other
    /// member sees it, and pushing again adds nothing. Before, the bulk insert left the flag out:
    /// the note became public, and each push added it again.
    @Test func aPrivateNoteStaysPrivateAndIsPushedOnce() throws {
        let file = CLI.tempDir().appendingPathComponent("mine.db").path
        let mine = """
            add "Xa Xu"
            log note with @xa-xu "moving to Lisbon" private
            log call with @xa-xu "about the lease"
            """
        #expect(try Self.run(["run", "-"], stdin: mine, db: file).status == 0)
        let url = try TestCluster.freshDatabase("pushprivate")
        for _ in 0..<2 { #expect(try Self.run(["push", url], db: file).status == 0) }
        let rows = try TestCluster.psql(#"SELECT note || ' ' || private || ' ' || "by" FROM interactions ORDER BY id"#, url: url)
        #expect(rows == "moving to Lisbon 1 \(TestCluster.role)\nabout the lease 0 \(TestCluster.role)", "\(rows)")
        let role = "tend_other_\(UUID().uuidString.prefix(8).lowercased())"
        try TestCluster.psql("CREATE ROLE \(role) LOGIN; GRANT SELECT ON ALL TABLES IN SCHEMA public TO \(role)", url: url)
        let other = url.replacingOccurrences(of: "//\(TestCluster.role)@", with: "//\(role)@")
        #expect(try TestCluster.psql("SELECT string_agg(note, ',') FROM interactions", url: other) == "about the lease")
    }

    /// Who logged an interaction in the personal file (`--as`) is kept by the push when the
    /// pushing role may act as them (PostgreSQL decides, as for `--as`); else, and for one logged
    /// by no one, the pushing member's: a file cannot log in any member's name.
    @Test func whoLoggedAnInteractionIsKept() throws {
        let bob = "bob_\(UUID().uuidString.prefix(8).lowercased())"
        let file = CLI.tempDir().appendingPathComponent("mine.db").path
        #expect(try Self.run(["run", "-"], stdin: "add \"Xa Xu\"\n", db: file).status == 0)
        #expect(try Self.run(["--as", bob, "-e", "log call with @xa-xu"], db: file).status == 0)
        #expect(try Self.run(["--as", "no_such_role", "-e", "log coffee with @xa-xu"], db: file).status == 0)
        #expect(try Self.run(["-e", "log lunch with @xa-xu"], db: file).status == 0)
        let url = try TestCluster.freshDatabase("pushby")
        try TestCluster.psql("CREATE ROLE \(bob) NOLOGIN", url: url)
        #expect(try Self.run(["push", url], db: file).status == 0)
        let rows = try TestCluster.psql(#"SELECT kind || ' ' || "by" FROM interactions ORDER BY id"#, url: url)
        #expect(rows == "call \(bob)\ncoffee \(TestCluster.role)\nlunch \(TestCluster.role)", "\(rows)")
    }

    /// The same dump, and the same answers to a few queries, from both databases.
    static func expectSameNetwork(_ file: String, _ url: String) throws {
        let dumpMine = try Self.run(["dump"], db: file)
        let dumpTeam = try Self.run(["dump"], db: url)
        #expect(dumpMine.status == 0 && dumpTeam.status == 0, "\(dumpTeam.stderr)")
        // The team database records the pushing member as who logged each event.
        let signed = " by: \"\(TestCluster.role)\""
        #expect(dumpTeam.stdout.contains(signed))
        #expect(dumpTeam.stdout.replacingOccurrences(of: signed, with: "") == dumpMine.stdout)
        for q in Self.queries {
            let mine = try Self.run(["--format", "csv", "-e", q], db: file)
            let team = try Self.run(["--format", "csv", "-e", q], db: url)
            #expect(team.stdout == mine.stdout, "\(q): team\n\(team.stdout)\nmine\n\(mine.stdout)")
            #expect(!mine.stdout.isEmpty && mine.status == 0, "\(q): \(mine.stderr)")
        }
    }

    @Test func aContactThatDiffersIsRefusedAndNothingIsWritten() throws {
        let file = try Self.personal()
        let url = try TestCluster.freshDatabase("pushconflict")
        #expect(try Self.run(["push", url], db: file).status == 0)
        let handle = try Self.firstHandle(file)
        // Another member changes the contact in the team database; you change it too, and add one.
        #expect(try Self.run(["-e", "set @\(handle) company: \"Team-Co\""], db: url).status == 0)
        #expect(try Self.run(["run", "-"], stdin: "set @\(handle) company: \"My-Co\"\nadd \"Newly Met\"\nlog call with @newly-met", db: file).status == 0)
        let dumpBefore = try Self.run(["dump"], db: url).stdout
        let r = try Self.run(["push", url], db: file)
        #expect(r.status == 3, "\(r.stderr)")
        #expect(r.stderr.contains("nothing was pushed: 1 thing is in both databases and differs"), "\(r.stderr)")
        #expect(r.stderr.contains("@\(handle): company \"My-Co\" here, \"Team-Co\" there"), "\(r.stderr)")
        #expect(try Self.run(["dump"], db: url).stdout == dumpBefore)
        #expect(try TestCluster.psql("SELECT count(*) FROM contacts WHERE handle = 'newly-met'", url: url) == "0")
    }

    @Test func pushIsRefusedInWordsWithoutThePassword() throws {
        let file = try Self.personal()
        let good = try #require(TestCluster.passwordURL)
        let secret = "N0t-the-Passw0rd"
        let wrong = good.replacingOccurrences(of: #"(//[^:]+:)[^@]+@"#, with: "$1\(secret)@", options: .regularExpression)
        let r = try Self.run(["push", wrong], db: file)
        #expect(r.status == 3, "\(r.stderr)")
        #expect(r.stderr.contains("cannot connect to postgresql://tend_password:***@"), "\(r.stderr)")
        #expect(!(r.stdout + r.stderr).contains(secret))
        let notURL = try Self.run(["push", "/tmp/other.db"], db: file)
        #expect(notURL.status == 2 && notURL.stderr.contains("give its postgresql:// URL"), "\(notURL.stderr)")
    }

    /// `tend demo` on PostgreSQL generates the network it generates in an SQLite file.
    @Test func demoOnPostgreSQLIsTheSameNetwork() throws {
        let file = CLI.tempDir().appendingPathComponent("demo.db").path
        let url = try TestCluster.freshDatabase("demo")
        let sqlite = try Self.run(["demo", "--size", "80", "--seed", "3"], db: file)
        let postgres = try Self.run(["demo", "--size", "80", "--seed", "3"], db: url)
        #expect(sqlite.status == 0 && postgres.status == 0, "\(postgres.stderr)")
        #expect(postgres.stderr.contains("Generated 80 contacts"), "\(postgres.stderr)")
        try Self.expectSameNetwork(file, url)
        let again = try Self.run(["demo"], db: url)
        #expect(again.status == 3 && again.stderr.contains("already has contacts"), "\(again.stderr)")
    }
}
