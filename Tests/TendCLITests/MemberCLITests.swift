import Foundation
import Testing

/// Members on SQLite (issue 22): one person's file records no member unless `--as` (or
/// `TEND_AS`) names one; what was there reads as before.
@Suite struct MemberCLITests {
    @Test func asNamesWhoLoggedAnEventInAFile() throws {
        let dir = CLI.tempDir()
        let setup = try CLI.run(["run", "-"], stdin: "add \"Cleo Diaz\"\nlog call with @cleo-diaz on 2026-11-10\n", in: dir)
        #expect(setup.status == 0, "\(setup.stderr)")
        let ann = try CLI.run(["--as", "ann", "-e", "log lunch with @cleo-diaz on 2026-11-12"], in: dir)
        #expect(ann.status == 0, "\(ann.stderr)")
        let bob = try CLI.run(["-e", "log note with @cleo-diaz on 2026-11-13 note: \"just mine\" private"], in: dir, env: ["TEND_AS": "bob"])
        #expect(bob.status == 0, "\(bob.stderr)")
        let all = try CLI.run(["--format", "csv", "-e", "interactions sort by id show kind, by, private"], in: dir)
        #expect(all.stdout == "kind,by,private\ncall,,false\nlunch,ann,false\nnote,bob,true\n", "\(all.stdout)")
        let mine = try CLI.run(["--as", "ann", "--format", "csv", "-e", "interactions where by == me show kind"], in: dir)
        #expect(mine.stdout == "kind\nlunch\n")
        // Without a member, `me` compares as null: the events logged before members.
        let nobody = try CLI.run(["--format", "csv", "-e", "interactions where by == me show kind"], in: dir)
        #expect(nobody.stdout == "kind\ncall\n")
        let last = try CLI.run(["--format", "csv", "-e", "contacts show last_touch, last_touch_by"], in: dir)
        #expect(last.stdout == "last_touch,last_touch_by\n2026-11-12,ann\n")
        // One person's file: a private note is theirs anyway, and shows.
        #expect(try CLI.run(["-e", "timeline @cleo-diaz"], in: dir).stdout.contains("just mine"))
        // A dump keeps who logged what; run on a new file, it is kept.
        let dump = try CLI.run(["dump"], in: dir)
        #expect(dump.stdout.contains("log call with @cleo-diaz on 2026-11-10\n"))
        #expect(dump.stdout.contains("log lunch with @cleo-diaz on 2026-11-12 by: \"ann\"\n"))
        #expect(dump.stdout.contains("log note with @cleo-diaz on 2026-11-13 note: \"just mine\" private by: \"bob\"\n"))
        let copy = CLI.tempDir()
        #expect(try CLI.run(["run", "-"], stdin: dump.stdout, in: copy).status == 0)
        #expect(try CLI.run(["--format", "csv", "-e", "interactions sort by id show kind, by, private"], in: copy).stdout == all.stdout)
    }

    /// An empty --db (`--db "$UNSET"`) is a usage error, not a file named "" ("no database at  (…").
    @Test func anEmptyDatabasePathIsAUsageError() throws {
        let dir = CLI.tempDir()
        for args in [["--db", "", "-e", "count(contacts)"], ["--db", "", "agenda"], ["agenda", "--db", ""]] {
            let r = try CLI.run(args, in: dir)
            #expect(r.status == 2 && r.stderr.contains("--db needs a database: a file's path or a postgresql:// URL"), "\(args): \(r.stderr)")
        }
    }

    /// libpq's key=value form is refused, not shown (it made an SQLite file named with the
    /// password, and the data went into it).
    @Test func aKeyValueConnectionStringIsRefused() throws {
        let dir = CLI.tempDir()
        let conninfo = "host=127.0.0.1 port=5 user=alice password=SECRET13 dbname=team"
        for (args, env) in [(["--db", conninfo, "-e", "add \"X\""], [String: String]()), (["-e", "count(contacts)"], ["TEND_DB": conninfo])] {
            let r = try CLI.run(args, in: dir, env: env)
            #expect(r.status == 2 && r.stderr.contains("not libpq's key=value form") && !r.stderr.contains("SECRET13"), "\(r.stderr)")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).allSatisfy { !$0.contains("SECRET") })
    }

    /// A URL of another scheme is refused, naming the scheme alone (`postgresq://…` made the
    /// folders `postgresq:/host/` and a private database there, and the change went into it).
    @Test func aMistypedDatabaseMakesNothing() throws {
        let dir = CLI.tempDir()
        for (args, env) in [
            (["--db", "postgresq://ann:SECRET14@db.example/team", "add", "A B"], [String: String]()),
            (["demo"], ["TEND_DB": "mysql://x:SECRET14@y/z"]),
            (["-e", "add \"A B\""], ["TEND_DB": "jdbc:postgresql://h:5432/team?user=u&password=SECRET14"]),
        ] {
            let r = try CLI.run(args, in: dir, env: env)
            #expect(r.status == 2 && r.stderr.contains("takes a file's path or a postgresql:// URL") && !r.stderr.contains("SECRET14"), "\(r.stderr)")
        }
        #expect(try CLI.run(["--db", "postgresq://ann@db.example/team", "add", "A B"], in: dir).stderr.contains("did you mean postgresql://?"))
        // file:///… made the folders `file:/…` too; a path that reads so is named ./scheme://….
        #expect(try CLI.run(["--db", "file:///tmp/x.db", "add", "A B"], in: dir).stderr.contains("write the file's path itself"))
        #expect(try CLI.run(["--db", "backup://b.db", "add", "A B"], in: dir).stderr.contains("named ./backup://"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).isEmpty)
    }

    /// `me`'s e-mails are text alone: a record is refused before anything runs (the contact's
    /// rule, which takes records, was applied to `me` too, and the run failed).
    @Test func myEmailsAreText() throws {
        let dir = CLI.tempDir()
        let r = try CLI.run(["-e", "set me emails: {value: \"a@b.example\", type: \"work\"}"], in: dir)
        #expect(r.status == 2, "\(r.stderr)")
        #expect(try CLI.run(["-e", "set me emails: [\"a@b.example\"], preferred_client: [\"spas\"]"], in: dir).status == 0)
    }

    @Test func aMembersNameIsText() throws {
        let dir = CLI.tempDir()
        #expect(try CLI.run(["run", "-"], stdin: "add \"Cleo Diaz\"\n", in: dir).status == 0)
        let r = try CLI.run(["--as", "ann\u{1B}[2J", "-e", "log call with @cleo-diaz"], in: dir)
        #expect(r.status == 2, "\(r.stderr)")
        #expect(r.stderr.contains("--as needs a member's name"))
        #expect(!r.stderr.contains("\u{1B}"))
        #expect(try CLI.run(["--format", "csv", "-e", "count(interactions)"], in: dir).stdout == "0\n")
    }
}
