import Foundation
import Testing

/// A definition or a goal that names a contact follows it through a new handle and a merge,
/// and keeps it from being removed: the agenda keeps working and a dump still rebuilds the
/// database (found by a spec sweep: `agenda` stopped at "no contact @ana-park").
@Suite struct HandleRenameTests {
    static let setup = """
        add "Ana Park"
        add "Bo Li"
        fn is_ana(c) = c == @ana-park
        rule "ana" when is_ana(it) then remind "Call {@ana-park.name}"
        let ana = @ana-park
        goal "Ana lunches" metric: count(interactions where @ana-park in people) target: 1 per month
        """

    func database(_ dir: URL) throws -> String {
        let db = dir.appendingPathComponent("t.db").path
        let made = try CLI.run(["--db", db, "--today", "2026-11-23", "run", "-"], stdin: HandleRenameTests.setup, in: dir)
        #expect(made.status == 0, "\(made.stderr)")
        return db
    }

    /// The dump of `db` runs on an empty database and gives the same dump.
    func dumpRebuilds(_ db: String, _ dir: URL) throws -> String {
        let dump = try CLI.run(["--db", db, "dump"], in: dir)
        #expect(dump.status == 0, "\(dump.stderr)")
        let copy = dir.appendingPathComponent("copy-\(UUID().uuidString).db").path
        let restore = try CLI.run(["--db", copy, "run", "-"], stdin: dump.stdout, in: dir)
        #expect(restore.status == 0, "\(restore.stderr.prefix(2000))")
        #expect(try CLI.run(["--db", copy, "dump"], in: dir).stdout == dump.stdout)
        return dump.stdout
    }

    @Test(arguments: ["set @ana-park handle: \"ana\"", "merge @ana-park into @bo-li"])
    func definitionsFollowTheContact(_ change: String) throws {
        let dir = CLI.tempDir()
        let db = try database(dir)
        let changed = try CLI.run(["--db", db, "--today", "2026-11-23", "-e", change], in: dir)
        #expect(changed.status == 0, "\(changed.stderr)")
        let now = change.hasPrefix("set") ? "@ana" : "@bo-li"
        let agenda = try CLI.run(["--db", db, "--today", "2026-11-23", "--format", "csv", "agenda"], in: dir)
        #expect(agenda.status == 0, "\(agenda.stderr)")
        #expect(agenda.stdout.contains("ana"), "\(agenda.stdout)")
        let dump = try dumpRebuilds(db, dir)
        #expect(!dump.contains("@ana-park"), "\(dump)")
        #expect(dump.contains("fn is_ana(c) = c == \(now)"))
        #expect(dump.contains("remind \"Call {\(now).name}\""))
        #expect(dump.contains("let ana = \(now)"))
        #expect(dump.contains("metric: count(interactions where \(now) in people)"))
        // Undo puts the old handle back in the definitions too.
        #expect(try CLI.run(["--db", db, "-e", "undo"], in: dir).status == 0)
        let undone = try dumpRebuilds(db, dir)
        #expect(undone.contains("fn is_ana(c) = c == @ana-park"))
        #expect(try CLI.run(["--db", db, "--today", "2026-11-23", "agenda"], in: dir).status == 0)
    }

    @Test func aNamedContactIsNotRemoved() throws {
        let dir = CLI.tempDir()
        let db = try database(dir)
        let before = try CLI.run(["--db", db, "dump"], in: dir).stdout
        let removed = try CLI.run(["--db", db, "-e", "remove @ana-park"], in: dir)
        #expect(removed.status == 3)
        #expect(
            removed.stderr.contains(
                "error: fn is_ana, rule \"ana\", let ana and goal \"Ana lunches\" name @ana-park: change or drop them before removing @ana-park"),
            "\(removed.stderr)")
        #expect(try CLI.run(["--db", db, "dump"], in: dir).stdout == before)
        // Once nothing names them, they go.
        let dropped = try CLI.run(
            ["--db", db, "run", "-"], stdin: "drop fn is_ana cascade\ndrop ana\nremove goal \"Ana lunches\"\nremove @ana-park\n", in: dir)
        #expect(dropped.status == 0, "\(dropped.stderr)")
        _ = try dumpRebuilds(db, dir)
    }

    /// A handle in a comment or in plain text is not a use, and another contact's longer
    /// handle is not this one.
    @Test func onlyTheHandleItselfIsRewritten() throws {
        let dir = CLI.tempDir()
        let db = try database(dir)
        let more = try CLI.run(
            ["--db", db, "run", "-"],
            stdin: "add \"Ana Park\" handle: \"ana-park-2\"\nlet others = [@ana-park-2, \"@ana-park\"]  # not @ana-park\n", in: dir)
        #expect(more.status == 0, "\(more.stderr)")
        #expect(try CLI.run(["--db", db, "-e", "set @ana-park handle: \"ana\""], in: dir).status == 0)
        let dump = try dumpRebuilds(db, dir)
        #expect(dump.contains("let others = [@ana-park-2, \"@ana-park\"]\n"), "\(dump)")
    }

    /// A definition made later in the run that renamed or removed its contact is refused there
    /// (the script was checked while the handle still stood): the run is rolled back.
    @Test(arguments: [
        "set @ana-park handle: \"ana\"\nrule \"late\" when it == @ana-park then remind \"x\"",
        "drop fn is_ana cascade\ndrop ana\nremove goal \"Ana lunches\"\nremove @ana-park\nlet again = @ana-park",
        "merge @ana-park into @bo-li\ngoal \"g\" metric: count(interactions where @ana-park in people) target: 1 per week",
    ])
    func aDefinitionAfterTheContactWentIsRefused(_ script: String) throws {
        let dir = CLI.tempDir()
        let db = try database(dir)
        let before = try CLI.run(["--db", db, "dump"], in: dir).stdout
        let r = try CLI.run(["--db", db, "run", "-"], stdin: script, in: dir)
        #expect(r.status == 3, "\(r.stdout) \(r.stderr)")
        #expect(r.stderr.contains("error: no contact @ana-park"), "\(r.stderr)")
        #expect(try CLI.run(["--db", db, "dump"], in: dir).stdout == before)
    }
}
