import Foundation
import Testing

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// `save` writes definitions only, a file saved in a run loads later in that run, the JUnit
/// report counts errors, and `tend check --db` knows the database's definitions.
@Suite struct SaveLoadTests {
    /// `save` wrote `set me …`, so loading the file under `--read-only` failed.
    @Test func saveWritesDefinitionsOnly() throws {
        let dir = CLI.tempDir()
        let setup = """
            add "Ana Park"
            set me name: "Me Myself", profession: "coach"
            market "Dentists" served_by: ["@ana-park"]
            goal "Grow" target: 2 per month
            helps @ana-park "Grow"
            let w = 3
            fn twice(x) = 2 * x
            score warmth = twice(w)
            rule "call" when stage == contact then remind "Call {name}"
            save "rules.tend"
            """
        let r = try CLI.run(["run", "-"], stdin: setup, in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        // What it wrote, each kind counted (b105: the markets and goals went uncounted).
        #expect(r.stdout.contains(" definitions, 1 market and 1 goal to rules.tend.\n"), "\(r.stdout)")
        // A definition made again word for word is no change, and says so (b105: "Defined").
        #expect(try CLI.run(["-e", "let w = 3"], in: dir).stdout == "w is defined so already; nothing was changed.\n")
        #expect(try CLI.run(["-e", "let w = 4"], in: dir).stdout == "Defined w.\n")
        #expect(try CLI.run(["-e", "let w = 3"], in: dir).stdout == "Defined w.\n")
        let saved = try String(contentsOf: dir.appendingPathComponent("rules.tend"), encoding: .utf8)
        #expect(!saved.contains("set me") && !saved.contains("Me Myself") && !saved.contains("helps"), "\(saved)")
        for line in ["market \"Dentists\"", "goal \"Grow\" target: 2 per month", "let w = 3", "fn twice(x) = 2 * x", "score warmth", "rule \"call\""]
        {
            #expect(saved.contains(line), "\(line) missing from\n\(saved)")
        }
        try "load \"rules.tend\"\nassert twice(w) == 6\nassert count(rules where name == \"call\") == 1\n".write(
            to: dir.appendingPathComponent("checks.tend"), atomically: true, encoding: .utf8)
        let checks = try CLI.run(["run", "--read-only", "checks.tend"], in: dir)
        #expect(checks.status == 0, "\(checks.stderr)")
        #expect(checks.stderr.contains("2 passed, 0 failed"))
        // Into an empty database, the file rebuilds the definitions, markets and goals.
        let other = CLI.tempDir()
        #expect(try CLI.run(["run", dir.appendingPathComponent("rules.tend").path], in: other).status == 0)
        #expect(try CLI.run(["-e", "twice(w) + count(markets) + count(goals)"], in: other).stdout == "8\n")
    }

    /// `save` then `load` of the same file in one script failed the check: the load reads, at
    /// that point of the run, what the save wrote.
    @Test func aFileSavedInARunLoadsLaterInIt() throws {
        let dir = CLI.tempDir()
        try CLI.run(["-e", "add \"Ana Park\""], in: dir)
        let script = """
            let level = 1
            fn bump(x) = x + level
            save "snapshot.tend" overwrite
            let level = 5
            assert bump(1) == 6
            load "snapshot.tend"
            assert level == 1, "the load defines what was saved"
            assert bump(1) == 2
            """
        try script.write(to: dir.appendingPathComponent("s.tend"), atomically: true, encoding: .utf8)
        let check = try CLI.run(["check", "s.tend"], in: dir)
        #expect(check.status == 0, "\(check.stderr)")
        for _ in 0..<2 {
            let r = try CLI.run(["run", "s.tend"], in: dir)
            #expect(r.status == 0, "\(r.stderr)")
            #expect(r.stderr.contains("3 passed, 0 failed"), "\(r.stderr)")
        }
        #expect(try CLI.run(["-e", "level"], in: dir).stdout == "1\n")
        // A file the run did not save is read when the run is checked, as always.
        try "let level = 9\n".write(to: dir.appendingPathComponent("other.tend"), atomically: true, encoding: .utf8)
        let plain = try CLI.run(["run", "-"], stdin: "load \"other.tend\"\nassert level == 9\n", in: dir)
        #expect(plain.status == 0, "\(plain.stderr)")
    }

    static func report(_ dir: URL) throws -> XMLDocument {
        try XMLDocument(data: Data(contentsOf: dir.appendingPathComponent("report.xml")))
    }

    /// The JUnit report said `errors="0"` after a check error or a run-time error.
    @Test func theJUnitReportCountsErrors() throws {
        let dir = CLI.tempDir()
        try CLI.run(["-e", "add \"Ana Park\""], in: dir)
        let cases: [(String, Int32, String)] = [
            ("assert true\nassert nosuch == 1\n", 2, "unknown name 'nosuch'"),
            ("assert true\nremove interaction 99\n", 3, "no interaction 99"),
        ]
        for (script, status, message) in cases {
            let r = try CLI.run(["run", "--junit", "report.xml", "-"], stdin: script, in: dir)
            #expect(r.status == status, "\(r.stderr)")
            let doc = try Self.report(dir)
            let suite = try doc.nodes(forXPath: "//testsuite").first as? XMLElement
            #expect(suite?.attribute(forName: "errors")?.stringValue == "1", "\(doc.xmlString)")
            let errors = try doc.nodes(forXPath: "//testcase/error")
            #expect(errors.count == 1)
            #expect((errors.first as? XMLElement)?.attribute(forName: "message")?.stringValue?.contains(message) == true, "\(doc.xmlString)")
            #expect(errors.first?.stringValue?.contains("<stdin>:2:") == true, "\(doc.xmlString)")
        }
        // A mistyped database is an error in the report too.
        let missing = try CLI.run(["run", "--db", "typo.db", "--junit", "report.xml", "-"], stdin: "assert true\n", in: dir)
        #expect(missing.status == 3)
        #expect(try Self.report(dir).nodes(forXPath: "//testcase/error").first?.stringValue?.contains("no database at typo.db") == true)
        // So are the README's checks without --read-only: they load rules (definitions, kept in
        // a database) and assert, and passed against an empty database made for them.
        try "let k = 5\n".write(to: dir.appendingPathComponent("rules.tend"), atomically: true, encoding: .utf8)
        let checks = try CLI.run(["run", "--db", "typo2.db", "-"], stdin: "load \"rules.tend\"\nassert count(who is overdue) < 10, \"few\"\n", in: dir)
        #expect(checks.status == 3 && checks.stderr.contains("no database at typo2.db (a run that only defines and asserts does not create one)"), "\(checks.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("typo2.db").path))
        // A run that defines without asserting still makes its database (setting one up).
        #expect(try CLI.run(["run", "--db", "new.db", "-"], stdin: "load \"rules.tend\"\n", in: dir).status == 0)
        #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("new.db").path))
    }

    /// A report that cannot be written stops the run before it runs: found after it, the run's
    /// changes were kept although it exited 3.
    @Test func aJUnitReportThatCannotBeWrittenStopsTheRunFirst() throws {
        let dir = CLI.tempDir()
        #expect(try CLI.run(["-e", "add \"Ana Park\" company: \"Before\""], in: dir).status == 0)
        try "keep\n".write(to: dir.appendingPathComponent("notes.txt"), atomically: true, encoding: .utf8)
        let script = "set @ana-park company: \"After\"\nassert true, \"ok\"\n"
        for (target, said) in [("notes.txt", "notes.txt already exists; it is not a JUnit report"), ("nodir/r.xml", "there is no folder nodir")] {
            let r = try CLI.run(["run", "--junit", target, "-"], stdin: script, in: dir)
            #expect(r.status == 3 && r.stderr.contains(said) && r.stdout.isEmpty, "\(r.stdout)\(r.stderr)")
            #expect(try CLI.run(["--format", "csv", "-e", "@ana-park.company"], in: dir).stdout == "Before\n")
        }
        #expect(try String(contentsOf: dir.appendingPathComponent("notes.txt"), encoding: .utf8) == "keep\n")
        // A report an earlier run wrote is replaced.
        #expect(try CLI.run(["run", "--junit", "r.xml", "-"], stdin: script, in: dir).status == 0)
        #expect(try CLI.run(["run", "--junit", "r.xml", "-"], stdin: script, in: dir).status == 0)
    }

    /// `tend check --db FILE` never opened FILE.
    @Test func checkKnowsTheDatabasesDefinitions() throws {
        let dir = CLI.tempDir()
        try CLI.run(["run", "-"], stdin: "add \"Ana Park\"\nfn stored_fn(x) = x * 2\n", in: dir)
        try "print stored_fn(21)\n".write(to: dir.appendingPathComponent("uses.tend"), atomically: true, encoding: .utf8)
        let before = FolderSnapshot(dir)
        let known = try CLI.run(["check", "--db", "tend.db", "uses.tend"], in: dir)
        #expect(known.status == 0, "\(known.stderr)")
        #expect(FolderSnapshot(dir) == before, "check --db changed the folder")
        // With no database named at all (TEND_DB, which names one too, is read: CommandLineTests).
        let unknown = try CLI.run(["check", "uses.tend"], in: dir, env: ["TEND_DB": "", "XDG_DATA_HOME": dir.appendingPathComponent("none").path])
        #expect(unknown.status == 2 && unknown.stderr.contains("unknown function 'stored_fn'"), "\(unknown.stderr)")
        let missing = try CLI.run(["check", "--db", "typo.db", "uses.tend"], in: dir)
        // A database a later run will make (or a slip in its name) is said, and the prelude's
        // definitions are checked against: checking needs no database.
        #expect(missing.status == 2 && missing.stderr.contains("note: no database at typo.db: checked against the prelude's definitions only"), "\(missing.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("typo.db").path))
    }
}
