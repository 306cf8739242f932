import Foundation
import Testing

/// What a statement says it did, found by a sweep of the language page: a `set` that changes
/// nothing said "Updated"; one handle set on many contacts said another's handle "is taken";
/// a card showed "emails —" beside the one e-mail; a column of durations in JSON mixed weeks
/// and days where CSV and the table print days.
@Suite struct StatementReplyTests {
    static func network() throws -> URL {
        let dir = CLI.tempDir()
        let script = """
            add "Ann Arbor" email: "ann@example.com", stage: credibility, cadence: 2w, +vip
            add "Ben Bose" cadence: 10d, +vip
            """
        let r = try CLI.run(["run", "-"], stdin: script, in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        return dir
    }

    static func history(_ dir: URL) throws -> String { try CLI.run(["history"], in: dir).stdout }

    @Test func aSetThatChangesNothingSaysSo() throws {
        let dir = try Self.network()
        let before = try Self.history(dir)
        let one = try CLI.run(["-e", "set @ann-arbor stage: credibility"], in: dir)
        #expect(one.status == 0 && one.stdout + one.stderr == "@ann-arbor already has that value; nothing was changed.\n", "\(one.stdout)\(one.stderr)")
        let many = try CLI.run(["-e", "set contacts where +vip +vip"], in: dir)
        #expect(many.stdout + many.stderr == "Updated 0 contacts (2 already had that value).\n", "\(many.stdout)\(many.stderr)")
        #expect(try Self.history(dir) == before)
        let some = try CLI.run(["-e", "set contacts where +vip cadence: 2w"], in: dir)
        #expect(some.stdout + some.stderr == "Updated 1 contact (1 already had that value).\n", "\(some.stdout)\(some.stderr)")
        // A dated stage change is history being entered: it is recorded though the stage is the same.
        let dated = try CLI.run(["-e", "set @ann-arbor stage: credibility on 2026-01-05"], in: dir)
        #expect(dated.stdout + dated.stderr == "Updated @ann-arbor.\n", "\(dated.stdout)\(dated.stderr)")
    }

    /// A name of blanks alone is no name, as in `add` (kept, the dump's `add ""` failed to
    /// restore); tags are each kept once, lowercased, none empty.
    @Test func aNameOfBlanksAndTagsTwice() throws {
        let dir = try Self.network()
        let blank = try CLI.run(["-e", "set @ann-arbor name: \"   \""], in: dir)
        #expect(blank.status == 3 && blank.stderr.contains("a contact needs a name"), "\(blank.stderr)")
        // Blanks around a name are kept as given: a dump restores them so.
        #expect(try CLI.run(["-e", "set @ann-arbor name: \" Ann Arbor \""], in: dir).status == 0)
        #expect(try CLI.run(["--format", "json", "-e", "@ann-arbor.name"], in: dir).stdout == "\" Ann Arbor \"\n")
        #expect(try CLI.run(["-e", "set @ann-arbor tags: [\"x\", \"X\", \"x y\", \"\"]"], in: dir).status == 0)
        #expect(try CLI.run(["--format", "json", "-e", "@ann-arbor.tags"], in: dir).stdout == "[\"x\",\"x y\"]\n")
    }

    /// Corrections, helps, goals and markets that change nothing say so and are no change:
    /// `undo` then takes back the last real change (a `helps` already known was undone in its
    /// place, taking back nothing).
    @Test func otherStatementsThatChangeNothing() throws {
        let dir = try Self.network()
        let setup = """
            log call with @ann-arbor note: "golf"
            goal "Lunches" metric: count(interactions where kind == "lunch") target: 2 per week
            helps @ben-bose "Lunches"
            market "retirees" served_by: ["travel agent"]
            """
        #expect(try CLI.run(["run", "-"], stdin: setup, in: dir).status == 0)
        #expect(try CLI.run(["add", "Real Change"], in: dir).status == 0)
        let before = try Self.history(dir)
        for (statement, reply) in [
            ("set interaction 1 note: \"golf\"", "Interaction 1 already has that value; nothing was changed."),
            ("helps @ben-bose \"Lunches\"", "@ben-bose can help with \"Lunches\" already; nothing was changed."),
            ("goal \"Lunches\" metric: count(interactions where kind == \"lunch\") target: 2 per week", "Goal \"Lunches\" is as written already; nothing was changed."),
            ("market \"retirees\" served_by: [\"travel agent\"]", "Market \"retirees\" is served by travel agent already; nothing was changed."),
        ] {
            let r = try CLI.run(["-e", statement], in: dir)
            #expect(r.status == 0 && r.stdout + r.stderr == reply + "\n", "\(statement): \(r.stdout)\(r.stderr)")
        }
        #expect(try Self.history(dir) == before)
        let undo = try CLI.run(["undo"], in: dir)
        #expect(undo.stdout.contains("Real Change"), "\(undo.stdout)")
    }

    @Test func oneHandleForManyContactsIsRefused() throws {
        let dir = try Self.network()
        let r = try CLI.run(["-e", "set contacts where +vip handle: \"same\""], in: dir)
        #expect(r.status == 3, "\(r.stderr)")
        #expect(r.stderr.contains("error: a handle names one contact, and this query matches 2"), "\(r.stderr)")
        #expect(r.stderr.contains("set @x handle:"), "\(r.stderr)")
        #expect(try CLI.run(["-e", "count(contacts where handle == \"same\")"], in: dir).stdout == "0\n")
        // One contact's handle is still changed so (definitions follow it: HandleRenameTests).
        #expect(try CLI.run(["-e", "set contacts where name == \"Ben Bose\" handle: \"ben\""], in: dir).status == 0)
        #expect(try CLI.run(["-e", "@ben.name"], in: dir).stdout == "Ben Bose\n")
    }

    @Test func aCardLeavesOutAListThatRepeatsTheOneValue() throws {
        let dir = try Self.network()
        let card = try CLI.run(["-e", "@ann-arbor"], in: dir).stdout
        #expect(card.contains("ann@example.com"), "\(card)")
        #expect(!card.contains("emails"), "\(card)")
        #expect(!card.contains("phones"), "\(card)")
        #expect(card.contains("phone "), "\(card)")
        // JSON gives the list whole.
        #expect(try CLI.run(["--format", "json", "-e", "@ann-arbor"], in: dir).stdout.contains("\"emails\":[\"ann@example.com\"]"))
    }

    @Test func aColumnOfDurationsIsInOneUnitInEveryFormat() throws {
        let dir = try Self.network()
        let q = "contacts sort by name show name, cadence"
        #expect(try CLI.run(["--format", "csv", "-e", q], in: dir).stdout == "name,cadence\nAnn Arbor,14d\nBen Bose,10d\n")
        #expect(
            try CLI.run(["--format", "json", "-e", q], in: dir).stdout
                == "[{\"name\":\"Ann Arbor\",\"cadence\":\"14d\"},{\"name\":\"Ben Bose\",\"cadence\":\"10d\"}]\n")
        #expect(try CLI.run(["--format", "json", "-e", "contacts where name == \"Ann Arbor\" show cadence"], in: dir).stdout == "[{\"cadence\":\"2w\"}]\n")
    }
}
