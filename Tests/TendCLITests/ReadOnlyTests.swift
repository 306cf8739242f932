import Foundation
import TendStore
import Testing

/// Every file in a folder, below it too: its kind, mode and bytes (a link: where it points).
struct FolderSnapshot: Equatable, CustomStringConvertible {
    var files: [String: String]

    init(_ dir: URL) {
        files = [:]
        let fm = FileManager.default
        var stack = [""]
        while let rel = stack.popLast() {
            let path = rel.isEmpty ? dir.path : dir.path + "/" + rel
            for name in ((try? fm.contentsOfDirectory(atPath: path)) ?? []).sorted() {
                let relName = rel.isEmpty ? name : rel + "/" + name
                let full = path + "/" + name
                var st = stat()
                lstat(full, &st)
                let mode = String(st.st_mode, radix: 8)
                switch st.st_mode & S_IFMT {
                case S_IFDIR:
                    files[relName] = "dir \(mode)"
                    stack.append(relName)
                case S_IFLNK:
                    files[relName] = "link \(mode) -> \((try? fm.destinationOfSymbolicLink(atPath: full)) ?? "?")"
                case S_IFREG:
                    let bytes = (try? Data(contentsOf: URL(fileURLWithPath: full))) ?? Data()
                    files[relName] = "file \(mode) \(bytes.count) bytes \(FolderSnapshot.digest(bytes)) \(st.st_mtim.tv_sec).\(st.st_mtim.tv_nsec)"
                default:
                    // A FIFO or socket: never opened (a FIFO would block).
                    files[relName] = "special \(mode)"
                }
            }
        }
    }

    /// FNV-1a over every byte (Data's own hash looks at the first bytes only).
    static func digest(_ bytes: Data) -> String {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in bytes { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        return String(h, radix: 16)
    }

    var description: String { files.keys.sorted().map { "\($0): \(files[$0]!)" }.joined(separator: "\n") }

    /// What changed, in words, for a test's message.
    func difference(to after: FolderSnapshot) -> String {
        var lines: [String] = []
        for k in Set(files.keys).union(after.files.keys).sorted() where files[k] != after.files[k] {
            lines.append("\(k): \(files[k] ?? "absent") -> \(after.files[k] ?? "absent")")
        }
        return lines.joined(separator: "\n")
    }
}

/// `--read-only` means Tend writes nothing: no change to the database, no file, no temporary
/// file, no new database, no `-wal` or `-shm` file left behind.
@Suite struct ReadOnlyTests {
    /// A folder with a database of three people, a definition, a goal and the files the
    /// statements below read, closed so that only `tend.db` is there.
    static func network() throws -> URL {
        let dir = CLI.tempDir()
        let setup = """
            add "Ana Park" email: "ana@example.com"
            add "Ben Ode"
            add "Cy Lu"
            log call with @ana-park
            let kept = 1
            goal "Grow" target: 2 per month
            market "Dentists" served_by: ["@ana-park"]
            """
        let r = try CLI.run(["run", "-"], stdin: setup, in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        try "let from_file = 2\n".write(to: dir.appendingPathComponent("rules.tend"), atomically: true, encoding: .utf8)
        try "name,email\nDee Fox,dee@example.com\n".write(to: dir.appendingPathComponent("people.csv"), atomically: true, encoding: .utf8)
        settle(dir.appendingPathComponent("tend.db").path)
        return dir
    }

    /// Closes the database as the last connection does, so that its log is folded in and removed.
    static func settle(_ path: String) {
        do { _ = try Store(path: path) } catch {}
    }

    /// Every kind of statement, the ones that change data and the ones that do not.
    static let statements = [
        "add \"Eve Ray\"", "set @ana-park company: \"B-Co\"", "set me name: \"Me\"", "market \"Vets\" served_by: [\"x\"]",
        "log call with @ana-park", "refer \"Mike\" to @ana-park", "referral from @ben-ode about \"Job\"",
        "introduce @ana-park and @ben-ode", "spend 10 at @ana-park", "knows @ana-park @ben-ode",
        "goal \"Other\" target: 1 per month", "helps @ana-park \"Grow\"", "merge @cy-lu into @ben-ode", "remove @cy-lu",
        "snooze @ana-park 2w", "unsnooze @ana-park", "let x = 1", "fn f(a) = a + 1",
        "rule \"r\" when stage == contact then remind \"hi\"", "score s = 1", "drop kept", "load \"rules.tend\"",
        "save \"saved.tend\"", "save \"rules.tend\" overwrite", "assert count(contacts) == 3", "print count(contacts)",
        "reset rules", "import csv \"people.csv\"", "export csv \"out.csv\"", "export csv \"tend.db\" contacts limit 1",
        "export csv \"rules.tend\" overwrite", "export json \"-\" contacts limit 1", "explain contacts where stage == contact",
        "contacts show name",
    ]

    @Test(arguments: statements)
    func aStatementUnderReadOnlyWritesNothing(_ statement: String) throws {
        let dir = try Self.network()
        try (statement + "\n").write(to: dir.appendingPathComponent("s.tend"), atomically: true, encoding: .utf8)
        let before = FolderSnapshot(dir)
        let r = try CLI.run(["run", "--read-only", "s.tend"], in: dir)
        #expect([0, 2].contains(r.status), "\(statement): exit \(r.status) \(r.stderr)")
        let after = FolderSnapshot(dir)
        #expect(before == after, "\(statement) changed the folder:\n\(before.difference(to: after))\n\(r.stderr)")
    }

    /// A definition under --read-only says it is not kept (a read-only REPL said "Defined x."
    /// and the next line did not know x); without --read-only the confirmation is as before.
    @Test func aDefinitionUnderReadOnlySaysItIsNotKept() throws {
        let dir = try Self.network()
        let r = try CLI.run(["--read-only", "-e", "let x = 4", "-e", "rule \"r\" when true then remind \"x\""], in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        #expect((r.stdout + r.stderr).contains("Defined x (read-only: not kept).") && (r.stdout + r.stderr).contains("Defined rule \"r\" (read-only: not kept)."), "\(r.stdout)\(r.stderr)")
        let kept = try CLI.run(["-e", "let x = 4"], in: dir)
        #expect((kept.stdout + kept.stderr).contains("Defined x."), "\(kept.stdout)\(kept.stderr)")
        // Markets and goals are definitions too, and say so.
        let others = try CLI.run(["--read-only", "-e", "market \"m\" served_by: [\"florist\"]", "-e", "goal \"g\" target: 2 per month"], in: dir)
        #expect(others.status == 0, "\(others.stderr)")
        #expect(
            others.stdout.contains("Market \"m\" is served by florist (read-only: not kept).")
                && others.stdout.contains("Goal \"g\", target 2 per month (read-only: not kept)."), "\(others.stdout)")
        // A drop too (it said "Dropped rule …" as if for good).
        let dropped = try CLI.run(["--read-only", "-e", "drop rule \"stay in touch\""], in: dir)
        #expect(dropped.stdout.contains("Dropped rule \"stay in touch\" (read-only: not kept)."), "\(dropped.stdout)\(dropped.stderr)")
    }

    /// `save "-"` writes to standard output, as `export … "-"` does: allowed under --read-only
    /// (it was refused as writing a file).
    @Test func saveToStandardOutputIsAllowed() throws {
        let dir = try Self.network()
        let r = try CLI.run(["--read-only", "-e", "save \"-\""], in: dir)
        #expect(r.status == 0 && r.stdout.hasPrefix("# Tend definitions"), "\(r.stderr)")
        // The script alone: no "Saved … to -." line after it, which did not load.
        #expect(!r.stdout.contains("definitions to -."), "\(r.stdout)")
        let other = CLI.tempDir()
        #expect(try CLI.run(["run", "-"], stdin: r.stdout, in: other).status == 0)
        #expect(try CLI.run(["--read-only", "-e", "save \"defs.tend\""], in: dir).status == 2)
    }

    /// Every command under `--read-only`, on an existing database and on a missing one.
    @Test func everyCommandUnderReadOnlyWritesNothing() throws {
        let dir = try Self.network()
        let commands: [[String]] = [
            ["-e", "count(contacts)"], ["-e", "add \"Eve Ray\""], ["agenda"], ["dump"], ["export", "csv", "out.csv"],
            ["export", "csv", "-"], ["import", "csv", "people.csv"], ["import", "--dry-run", "csv", "people.csv"],
            ["demo", "--size", "50"], ["backup", "copy.db"], ["check", "--db", "tend.db", "rules.tend"], ["run", "rules.tend"],
            ["--db", "other.db", "-e", "count(contacts)"], ["--db", "other.db", "-e", "add \"Eve Ray\""],
            ["--db", "other.db", "agenda"], ["--db", "other.db", "demo"], ["--db", "other.db", "import", "csv", "people.csv"],
        ]
        for args in commands {
            let before = FolderSnapshot(dir)
            let r = try CLI.run(["--read-only"] + args, in: dir)
            #expect(r.status != 1, "\(args): \(r.stderr)")
            let after = FolderSnapshot(dir)
            #expect(before == after, "\(args) changed the folder:\n\(before.difference(to: after))\n\(r.stderr)")
        }
        let piped = try CLI.run(["--read-only"], stdin: "add \"Eve Ray\"\n", in: dir)
        #expect(piped.status == 2)
        // The refusal of a command-line import names the command line's flag (it said
        // `import … dry_run`, the statement's word).
        let imported = try CLI.run(["--read-only", "import", "csv", "people.csv"], in: dir)
        #expect(imported.status == 2 && imported.stderr.contains("(tend import --dry-run shows what it would do)"), "\(imported.stderr)")
        #expect(!imported.stderr.contains("dry_run") && !imported.stderr.contains("<import>"), "\(imported.stderr)")
        // `explain` of a statement that would change data runs nothing: allowed (it was refused).
        let explained = try CLI.run(["--read-only", "-e", "explain set contacts where true +vip"], in: dir)
        #expect(explained.status == 0, "\(explained.stderr)")
    }

    /// An empty file (`touch tend.db`) is no database yet: a command that only reads says so
    /// and leaves the file as it was (it was made a database of Tend's, and its mode changed);
    /// one that writes makes it one.
    @Test func anEmptyFileIsMadeADatabaseOnlyByAWrite() throws {
        let dir = CLI.tempDir()
        let path = dir.appendingPathComponent("tend.db").path
        #expect(FileManager.default.createFile(atPath: path, contents: Data(), attributes: [.posixPermissions: 0o644]))
        for args in [["-e", "count(contacts)"], ["agenda"], ["dump"], ["export", "csv", "-"], ["import", "--dry-run", "csv", "none.csv"]] {
            let before = FolderSnapshot(dir)
            let r = try CLI.run(args, in: dir)
            #expect(r.stderr.contains("no database at") || r.stderr.contains("none.csv"), "\(args): \(r.stderr)")
            #expect(FolderSnapshot(dir) == before, "\(args) changed the folder: \(before.difference(to: FolderSnapshot(dir)))")
        }
        // A write that fails leaves the file there, empty (it was removed as a database the run made).
        for statement in ["drop rule \"nope\"", "undo"] {
            let r = try CLI.run(["-e", statement], in: dir)
            #expect(r.status == 3, "\(statement): \(r.stderr)")
            let size = try FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber
            #expect(size?.intValue == 0, "\(statement) left \(String(describing: size))")
        }
        let add = try CLI.run(["-e", "add \"Ann Lee\""], in: dir)
        #expect(add.status == 0 && add.stderr.contains("created a new database"), "\(add.stderr)")
        #expect(try CLI.run(["-e", "count(contacts)"], in: dir).stdout == "1\n")
    }

    /// Another process's log beside the database (its last changes not yet in the file) was
    /// folded into the file by a read-only run, which changed the file and removed the log.
    @Test func aLogLeftByAnotherProcessIsReadNotFolded() throws {
        let dir = try Self.network()
        let db = dir.appendingPathComponent("tend.db").path
        let py = try CLI.run(
            [
                "/usr/bin/env", "python3", "-c",
                """
                import sqlite3, os, sys
                c = sqlite3.connect(sys.argv[1]); c.execute('pragma wal_autocheckpoint=0')
                c.execute("update contacts set company = 'Only-In-The-Log' where handle = 'ana-park'"); c.commit(); os._exit(0)
                """, db,
            ], in: dir, raw: true)
        #expect(py.status == 0, "\(py.stderr)")
        #expect(FileManager.default.fileExists(atPath: db + "-wal"))
        // The shared-memory index beside them is written by every reader of a log (its read marks).
        func files() -> FolderSnapshot {
            var s = FolderSnapshot(dir)
            s.files["tend.db-shm"] = s.files["tend.db-shm"].map { _ in "there" }
            return s
        }
        let before = files()
        // A run whose definitions, markets and goals last for it alone writes them and rolls back.
        for args in [["-e", "@ana-park.company"], ["agenda"], ["dump"], ["-e", "goal \"G\" target: 3 per month"], ["-e", "market \"Vets\" served_by: [\"x\"]"]] {
            let r = try CLI.run(["--read-only"] + args, in: dir)
            #expect(r.status == 0, "\(args): \(r.stderr)")
            if args == ["-e", "@ana-park.company"] { #expect(r.stdout == "Only-In-The-Log\n", "\(r.stdout)") }
            let after = files()
            #expect(before == after, "\(args) changed the folder:\n\(before.difference(to: after))")
        }
    }

    /// Two read-only sessions on one file, closed one after the other, leave no -wal or -shm
    /// beside it, as one alone leaves none (the second kept a guard on the first's empty log,
    /// and both files stayed).
    @Test func twoReadOnlySessionsLeaveNoLog() throws {
        let dir = try Self.network()
        let db = dir.appendingPathComponent("tend.db").path
        let before = FolderSnapshot(dir)
        for order in [[0, 1], [1, 0]] {
            let stores = [try Store(path: db, readOnly: true), try Store(path: db, readOnly: true)]
            #expect(try stores.map { try $0.contactCount() } == [3, 3])
            for i in order { stores[i].close() }
            let after = FolderSnapshot(dir)
            #expect(before == after, "\(order): \(before.difference(to: after))")
        }
    }

    /// `export csv "victim.db"` under `--read-only` replaced the open database with CSV.
    @Test func exportCannotReplaceTheDatabaseUnderReadOnly() throws {
        let dir = try Self.network()
        let db = dir.appendingPathComponent("tend.db")
        let before = try Data(contentsOf: db)
        let r = try CLI.run(["run", "--read-only", "--db", db.path, "-"], stdin: "export csv \"\(db.path)\" contacts limit 1\n", in: dir)
        #expect(r.status == 2)
        #expect(r.stderr.contains("export writes a file, which --read-only does not allow"), "\(r.stderr)")
        #expect(try Data(contentsOf: db) == before)
    }

    /// The query argument of `tend export` was pasted into script text, so `; remove @x` ran.
    @Test func exportsQueryArgumentIsOneQuery() throws {
        let dir = try Self.network()
        for readOnly in [true, false] {
            let r = try CLI.run((readOnly ? ["--read-only"] : []) + ["export", "csv", "q.csv", "contacts limit 1; remove @ana-park"], in: dir)
            #expect(r.status == 2, "\(r.stderr)")
            #expect(r.stderr.contains("one query"), "\(r.stderr)")
            #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("q.csv").path))
            #expect(try CLI.run(["-e", "count(contacts where handle == \"ana-park\")"], in: dir).stdout == "1\n")
        }
        // Nor can the format or the file name carry a statement.
        let format = try CLI.run(["export", "csv \"a.csv\"\nremove @ana-park\nexport csv", "b.csv"], in: dir)
        #expect(format.status == 2, "\(format.stderr)")
        let imported = try CLI.run(["import", "csv \"people.csv\"\nremove @ana-park\nimport csv", "people.csv"], in: dir)
        #expect(imported.status == 2, "\(imported.stderr)")
        #expect(try CLI.run(["-e", "count(contacts where handle == \"ana-park\")"], in: dir).stdout == "1\n")
        // A query with a filter and a limit is still one query.
        let ok = try CLI.run(["export", "csv", "-", "contacts where stage == contact sort by name limit 2"], in: dir)
        #expect(ok.status == 0 && ok.stdout.contains("Ana Park") && !ok.stdout.contains("Cy Lu"), "\(ok.stderr)")
    }

    /// An export's query with `show` or `group by` wrote an empty file (its rows are records,
    /// not contacts) and said "Exported 0 contacts"; a query over another collection wrote a
    /// contact once per row (three cards for three spends).
    @Test func anExportWritesEachContactOnceAndRefusesShow() throws {
        let dir = try Self.network()
        #expect(try CLI.run(["run", "-"], stdin: "spend 10 at @ana-park\nspend 20 at @ana-park\nspend 5 at @ben-ode\n", in: dir).status == 0)
        for query in ["contacts where stage == contact show name", "contacts group by stage"] {
            let r = try CLI.run(["export", "vcard", "v.vcf", query], in: dir)
            #expect(r.status == 2 && r.stderr.contains("export writes whole contacts"), "\(query): \(r.stderr)")
            #expect(r.stderr.contains("--format csv"), "\(r.stderr)")
            #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("v.vcf").path))
        }
        // Nor through a name for the query.
        let named = try CLI.run(["-e", "let q = contacts show name", "-e", "export csv \"q.csv\" q"], in: dir)
        #expect(named.status == 3 && named.stderr.contains("hold none"), "\(named.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("q.csv").path))
        let cards = try CLI.run(["export", "vcard", "-", "spending"], in: dir)
        #expect(cards.stdout.components(separatedBy: "BEGIN:VCARD").count - 1 == 2, "\(cards.stdout)")
        let rows = try CLI.run(["export", "csv", "-", "spending"], in: dir)
        #expect(rows.stdout.split(separator: "\n").dropFirst().map { $0.prefix(8) } == ["Ana Park", "Ben Ode,"], "\(rows.stdout)")
    }

    /// A CI job with a mistyped `--db` checked an empty new database and passed.
    @Test func aMissingDatabaseIsAnErrorForARunThatOnlyReads() throws {
        let dir = CLI.tempDir()
        try "assert count(contacts) == 0\n".write(to: dir.appendingPathComponent("checks.tend"), atomically: true, encoding: .utf8)
        for extra in [["--read-only"], []] {
            let r = try CLI.run(["run"] + extra + ["--db", "typo.db", "checks.tend"], in: dir)
            #expect(r.status == 3, "\(extra): \(r.stderr)")
            #expect(r.stderr.contains("no database at typo.db"), "\(r.stderr)")
            #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["checks.tend"])
        }
        // A handle the missing database cannot know is not the error: the path is (it said "no contact @someone").
        for args in [["-e", "count(contacts)"], ["agenda"], ["dump"], ["export", "csv", "-"], ["backup", "b.db"], ["-e", "@someone"], ["-e", "timeline @someone"]] {
            let r = try CLI.run(["--db", "typo.db"] + args, in: dir)
            #expect(r.status == 3, "\(args): \(r.stderr)")
            #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["checks.tend"], "\(args)")
        }
        // Nor is it when the script defines something first (a definition adds no contact).
        try "let limit_overdue = 10\nassert @dana-lee.stage >= credibility, \"Dana is credible\"\n".write(
            to: dir.appendingPathComponent("defines.tend"), atomically: true, encoding: .utf8)
        for extra in [["--read-only"], []] {
            let r = try CLI.run(["run"] + extra + ["--db", "typo.db", "defines.tend"], in: dir)
            #expect(r.status == 3 && r.stderr.contains("no database at typo.db"), "\(extra): \(r.stderr)")
        }
        try FileManager.default.removeItem(at: dir.appendingPathComponent("defines.tend"))
        // A real error in the statement is still said as such.
        let typo = try CLI.run(["--db", "typo.db", "-e", "contacts where nmae == \"x\""], in: dir)
        #expect(typo.status == 2 && typo.stderr.contains("nmae"), "\(typo.stderr)")
        // -e with a command would be dropped by the command: refused, nothing made.
        let both = try CLI.run(["--db", "typo.db", "-e", "add \"Zed\"", "run", "checks.tend"], in: dir)
        #expect(both.status == 2 && both.stderr.contains("-e runs statements without a command"), "\(both.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["checks.tend"])
        // After the command too (b74: `run -e '…' f.tend` ran f.tend alone, exit 0); a
        // statement command's `-e` is its own text, and a database path may be called -e.
        for after in [["run", "-e", "add \"Zed\"", "checks.tend"], ["agenda", "-e", "add \"Zed\""], ["dump", "-e", "x"]] {
            let r = try CLI.run(["--db", "typo.db"] + after, in: dir)
            #expect(r.status == 2 && r.stderr.contains("-e runs statements without a command"), "\(after): \(r.stderr)")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["checks.tend"])
        // A run that does not check creates nothing either.
        let bad = try CLI.run(["--db", "typo.db", "-e", "add 3"], in: dir)
        #expect(bad.status == 2)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["checks.tend"])
        // A run that changes data creates the database, and says so.
        let add = try CLI.run(["--db", "new.db", "-e", "add \"Ana Park\""], in: dir)
        #expect(add.status == 0)
        #expect(add.stderr.contains("created a new database at new.db"), "\(add.stderr)")
        #expect(try CLI.run(["--db", "new.db", "-e", "count(contacts)"], in: dir).stdout == "1\n")
        // One that fails at run time leaves nothing behind.
        let failed = try CLI.run(["--db", "gone.db", "run", "-"], stdin: "add \"Ana Park\"\nremove interaction 99\n", in: dir)
        #expect(failed.status == 3)
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("gone.db").path))
        // Import and demo still create their database.
        try "name\nDee Fox\n".write(to: dir.appendingPathComponent("p.csv"), atomically: true, encoding: .utf8)
        #expect(try CLI.run(["--db", "imported.db", "import", "csv", "p.csv"], in: dir).status == 0)
        #expect(try CLI.run(["--db", "demo.db", "demo"], in: dir).status == 0)
        #expect(try CLI.run(["--db", "imported.db", "-e", "count(contacts)"], in: dir).stdout == "1\n")
    }
}
