import Foundation
import GRDB
import TendCore
import TendStore
import Testing

/// Every file Tend writes goes through one writer: never the open database or its side files,
/// an existing file only when the user says so, only regular files, whole or not at all.
@Suite struct FileWritingTests {
    static func network() throws -> URL {
        let dir = CLI.tempDir()
        let r = try CLI.run(["run", "-"], stdin: "add \"Ana Park\"\nadd \"Ben Ode\"\nlet kept = 1\n", in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        return dir
    }

    static func names(_ dir: URL) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []).sorted()
    }

    static func run(_ script: String, in dir: URL, _ args: [String] = []) throws -> CLI.Result {
        try CLI.run(["run"] + args + ["-"], stdin: script, in: dir)
    }

    /// `save "x.db"` replaced the database with script text; `export csv` onto it, or onto the
    /// file it is linked from, or its log, must fail the same way, `overwrite` or not.
    /// A writer killed mid-export (`kill -9`) leaves its temporary file, part of the export,
    /// beside the target: the next export there removes it (it stayed for ever). A temporary
    /// file a live writer holds (locked) and the user's own files are left alone; `export vdir`
    /// sweeps its folder once.
    @Test func aKilledWritersTemporaryFileIsRemovedNextTime() throws {
        let dir = try Self.network()
        let fm = FileManager.default
        func make(_ name: String) -> String {
            let path = dir.appendingPathComponent(name).path
            fm.createFile(atPath: path, contents: Data("{\"name\":\"Ana Park\"".utf8))
            return path
        }
        let abandoned = make(".out.json.tend-3k9x0q2abc")
        let live = make(".out.json.tend-7zz")
        let liveFD = open(live, O_RDONLY)
        defer { close(liveFD) }
        #expect(flock(liveFD, LOCK_EX | LOCK_NB) == 0)
        let mine = [make(".out.json.tend-Notes"), make(".out.json.tend-"), make(".other.json.tend-3k9"), make(".tend-abc"), make(".tend-sync")]
        let r = try CLI.run(["export", "json", "out.json"], in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(!fm.fileExists(atPath: abandoned))
        #expect(fm.fileExists(atPath: live))
        for path in mine { #expect(fm.fileExists(atPath: path), "\(path)") }
        #expect(try CLI.run(["export", "vdir", "cards"], in: dir).status == 0)
        let card = try #require(try fm.contentsOfDirectory(atPath: dir.appendingPathComponent("cards").path).first)
        let left = dir.appendingPathComponent("cards/.\(card).tend-q1w2e3").path
        fm.createFile(atPath: left, contents: Data("BEGIN:VCARD".utf8))
        #expect(try CLI.run(["export", "vdir", "cards"], in: dir).status == 0)
        #expect(!fm.fileExists(atPath: left))
    }

    @Test func theOpenDatabaseIsNeverWritten() throws {
        let dir = try Self.network()
        let db = dir.appendingPathComponent("tend.db").path
        try FileManager.default.createSymbolicLink(atPath: dir.appendingPathComponent("link.db").path, withDestinationPath: db)
        link(db, dir.appendingPathComponent("hard.db").path)
        let before = try Data(contentsOf: URL(fileURLWithPath: db))
        let targets = ["tend.db", "./tend.db", db, "link.db", "hard.db", "tend.db-wal", "tend.db-shm", "tend.db-journal", "sub/../tend.db"]
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("sub"), withIntermediateDirectories: true)
        for target in targets {
            for statement in ["export csv \"\(target)\" overwrite", "save \"\(target)\" overwrite", "export json \"\(target)\""] {
                let r = try Self.run(statement + "\n", in: dir)
                #expect(r.status == 3, "\(statement): \(r.stderr)")
                #expect(r.stderr.contains("open database"), "\(statement): \(r.stderr)")
            }
        }
        let cli = try CLI.run(["export", "csv", "tend.db", "--overwrite"], in: dir)
        #expect(cli.status == 3 && cli.stderr.contains("open database"), "\(cli.stderr)")
        let junit = try CLI.run(["run", "--junit", "tend.db", "-"], stdin: "assert true\n", in: dir)
        #expect(junit.status == 3 && junit.stderr.contains("open database"), "\(junit.stderr)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: db)) == before)
        #expect(try CLI.run(["-e", "count(contacts)"], in: dir).stdout == "2\n")
        #expect(!Self.names(dir).contains { $0.contains("tend-") }, "\(Self.names(dir))")
    }

    /// A script kept in git that saves its definitions (`save "my-rules.tend"`, as the language
    /// reference writes it) failed its second run: the file it had written was there. A file
    /// that holds the very bytes to be written is left as it is; any other is still refused.
    /// A run that fails takes its files with it: one it saved or exported is removed, one it
    /// replaced gets its old bytes (a save of definitions never kept, an export of contacts that
    /// are gone, were left behind while the message said nothing was changed).
    @Test func aFailedRunTakesItsFilesWithIt() throws {
        let dir = CLI.tempDir()
        #expect(try CLI.run(["-e", "add \"Dana Lee\""], in: dir).status == 0)
        try "old bytes\n".write(to: dir.appendingPathComponent("old.csv"), atomically: true, encoding: .utf8)
        let script = """
            add "Zed One"
            let zz = 1
            save "saved.tend"
            export csv "old.csv" overwrite
            log call with @dana-lee quality: 2 * 3
            """
        let r = try CLI.run(["run", "-"], stdin: script + "\n", in: dir)
        #expect(r.status == 3, "\(r.stderr)")
        #expect(r.stderr.contains("the files the run wrote go with it: saved.tend was removed; old.csv was put back as it was"), "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("saved.tend").path))
        #expect(try String(contentsOf: dir.appendingPathComponent("old.csv"), encoding: .utf8) == "old bytes\n")
        // One file under two spellings, and a file written through a link, are one file each:
        // put back once, with its mode (the second spelling's "before" was the run's own export).
        try "kept\n".write(to: dir.appendingPathComponent("real.csv"), atomically: true, encoding: .utf8)
        chmod(dir.appendingPathComponent("real.csv").path, 0o644)
        try FileManager.default.createSymbolicLink(atPath: dir.appendingPathComponent("link.csv").path, withDestinationPath: "real.csv")
        let twice = """
            export csv "./old.csv" overwrite
            export csv "old.csv" overwrite
            export csv "./new.csv"
            export csv "new.csv" overwrite
            export csv "link.csv" overwrite
            log call with @dana-lee quality: 2 * 3
            """
        let again = try CLI.run(["run", "-"], stdin: twice + "\n", in: dir)
        #expect(again.status == 3)
        #expect(
            again.stderr.contains("the files the run wrote go with it: ./new.csv was removed; ./old.csv, link.csv were put back as they were"),
            "\(again.stderr)")
        #expect(try String(contentsOf: dir.appendingPathComponent("old.csv"), encoding: .utf8) == "old bytes\n")
        #expect(try String(contentsOf: dir.appendingPathComponent("real.csv"), encoding: .utf8) == "kept\n")
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("new.csv").path))
        let mode = try FileManager.default.attributesOfItem(atPath: dir.appendingPathComponent("real.csv").path)[.posixPermissions] as? Int
        #expect(mode == 0o644)
        #expect((try? FileManager.default.destinationOfSymbolicLink(atPath: dir.appendingPathComponent("link.csv").path)) == "real.csv")
        // The same run that succeeds keeps them.
        let ok = try CLI.run(["run", "-"], stdin: script.replacingOccurrences(of: "2 * 3", with: "2 * 2") + "\n", in: dir)
        #expect(ok.status == 0, "\(ok.stderr)")
        #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("saved.tend").path))
        #expect(try String(contentsOf: dir.appendingPathComponent("old.csv"), encoding: .utf8).hasPrefix("name,"))
        // A file the writer refused was never the run's: nothing is said to be put back.
        for statement in ["save \"nodir/x.tend\"", "export json \"old.csv\"", "export csv \"tend.db\" overwrite"] {
            let refused = try CLI.run(["-e", statement], in: dir)
            #expect(refused.status == 3 && !refused.stderr.contains("put back") && !refused.stderr.contains("go with it"), "\(statement): \(refused.stderr)")
        }
    }

    @Test func aFileThatHoldsTheSameBytesIsNoConflict() throws {
        let dir = try Self.network()
        let file = dir.appendingPathComponent("my-rules.tend")
        for statement in ["save \"my-rules.tend\"", "export csv \"my-rules.tend\"", "export vcard \"my-rules.tend\" contacts where name ~ \"Ana\""] {
            try? FileManager.default.removeItem(at: file)
            #expect(try Self.run(statement + "\n", in: dir).status == 0, "\(statement)")
            let written = try Data(contentsOf: file)
            let again = try Self.run(statement + "\n", in: dir)
            #expect(again.status == 0, "\(statement) again: \(again.stderr)")
            #expect(try Data(contentsOf: file) == written)
            try Data(written.dropLast()).write(to: file)
            let changed = try Self.run(statement + "\n", in: dir)
            // A file changed since it was written is kept, a save included.
            #expect(changed.status == 3 && changed.stderr.contains("my-rules.tend already exists; add overwrite to replace it"), "\(changed.stderr)")
            #expect(try Data(contentsOf: file) == written.dropLast())
        }
    }

    /// The spec's `save "my-rules.tend"` in a script kept in git runs again after a rule
    /// changed: a file an earlier save wrote, unchanged since, is saved over (it failed with
    /// exit 3, "add overwrite"). A save edited by hand, or a file that is no save, is kept.
    @Test func saveWritesOverAnEarlierSave() throws {
        let dir = try Self.network()
        let file = dir.appendingPathComponent("my-rules.tend")
        #expect(try Self.run("save \"my-rules.tend\"\n", in: dir).status == 0)
        let again = try Self.run("let newone = 5\nsave \"my-rules.tend\"\n", in: dir)
        #expect(again.status == 0, "\(again.stderr)")
        #expect(try String(contentsOf: file, encoding: .utf8).contains("let newone = 5"))
        // Edited by hand since (a comment added), it is kept: save asks for overwrite.
        let saved = try String(contentsOf: file, encoding: .utf8)
        try (saved + "# keep this note\n").write(to: file, atomically: true, encoding: .utf8)
        let edited = try Self.run("save \"my-rules.tend\"\n", in: dir)
        #expect(edited.status == 3 && edited.stderr.contains("already exists; add overwrite"), "\(edited.stderr)")
        #expect(try String(contentsOf: file, encoding: .utf8).hasSuffix("# keep this note\n"))
        try "# my own notes\nlet x = 1\n".write(to: file, atomically: true, encoding: .utf8)
        let mine = try Self.run("save \"my-rules.tend\"\n", in: dir)
        #expect(mine.status == 3 && mine.stderr.contains("already exists; add overwrite"), "\(mine.stderr)")
        #expect(try String(contentsOf: file, encoding: .utf8) == "# my own notes\nlet x = 1\n")
    }

    /// `export csv "~/.bashrc"` overwrote it: an existing file is replaced only with `overwrite`.
    @Test func anExistingFileIsReplacedOnlyWhenTheUserSaysSo() throws {
        let dir = try Self.network()
        let file = dir.appendingPathComponent("notes.txt")
        for statement in ["export csv \"notes.txt\"", "export csv \"notes.txt\" contacts where name ~ \"Ana\"", "save \"notes.txt\""] {
            try "mine\n".write(to: file, atomically: true, encoding: .utf8)
            let r = try Self.run(statement + "\n", in: dir)
            #expect(r.status == 3, "\(statement): \(r.stderr)")
            #expect(r.stderr.contains("notes.txt already exists; add overwrite to replace it"), "\(r.stderr)")
            #expect(try String(contentsOf: file, encoding: .utf8) == "mine\n")
            let again = try Self.run(statement + " overwrite\n", in: dir)
            #expect(again.status == 0, "\(statement) overwrite: \(again.stderr)")
            #expect(try String(contentsOf: file, encoding: .utf8) != "mine\n")
        }
        try "mine\n".write(to: file, atomically: true, encoding: .utf8)
        let cli = try CLI.run(["export", "csv", "notes.txt"], in: dir)
        #expect(cli.status == 3 && cli.stderr.contains("already exists"), "\(cli.stderr)")
        #expect(try String(contentsOf: file, encoding: .utf8) == "mine\n")
        let replaced = try CLI.run(["export", "csv", "notes.txt", "contacts where name ~ \"Ben\"", "--overwrite"], in: dir)
        #expect(replaced.status == 0, "\(replaced.stderr)")
        let csv = try String(contentsOf: file, encoding: .utf8)
        #expect(csv.contains("Ben Ode") && !csv.contains("Ana Park"))
        var st = stat()
        stat(file.path, &st)
        #expect(st.st_mode & 0o777 == 0o600)
        // `overwrite` is a word only after the file name: a name elsewhere.
        let name = try Self.run("let overwrite = 2\nprint overwrite * 21\n", in: dir)
        #expect(name.stdout.contains("42"), "\(name.stderr)")
    }

    /// A FIFO blocked the export forever; a link to standard output was renamed over; a device,
    /// a folder and a link to nothing are not files Tend writes.
    @Test func onlyRegularFilesAreWritten() throws {
        let dir = try Self.network()
        mkfifo(dir.appendingPathComponent("fifo").path, 0o600)
        try FileManager.default.createSymbolicLink(atPath: dir.appendingPathComponent("out").path, withDestinationPath: "/dev/stdout")
        try FileManager.default.createSymbolicLink(atPath: dir.appendingPathComponent("dangling").path, withDestinationPath: dir.path + "/nowhere/x")
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("folder"), withIntermediateDirectories: true)
        let cases = [
            ("fifo", "is a FIFO"), ("out", "not a regular file"), ("/dev/null", "is a device"), ("folder", "is a folder"),
            ("dangling", "link to a file that does not exist"), ("nowhere/x.csv", "there is no folder"),
        ]
        let started = Date()
        for (target, message) in cases {
            for overwrite in ["", " overwrite"] {
                let r = try Self.run("export csv \"\(target)\"\(overwrite)\n", in: dir)
                #expect(r.status == 3, "\(target): \(r.stderr)")
                #expect(r.stderr.contains(message), "\(target): \(r.stderr)")
            }
        }
        #expect(Date().timeIntervalSince(started) < 20, "an export blocked")
        #expect(!FileManager.default.fileExists(atPath: dir.path + "/nowhere"))
        // A link to a regular file writes that file, and the link stays.
        try "old\n".write(to: dir.appendingPathComponent("real.csv"), atomically: true, encoding: .utf8)
        try FileManager.default.createSymbolicLink(atPath: dir.appendingPathComponent("alias.csv").path, withDestinationPath: "real.csv")
        let r = try Self.run("export csv \"alias.csv\" overwrite\n", in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(try String(contentsOf: dir.appendingPathComponent("real.csv"), encoding: .utf8).contains("Ana Park"))
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: dir.appendingPathComponent("alias.csv").path) == "real.csv")
        #expect(!Self.names(dir).contains { $0.contains("tend-") }, "\(Self.names(dir))")
    }

    /// `-` is standard output, in the language and on the command line, and nothing else is
    /// printed there.
    @Test func dashIsStandardOutput() throws {
        let dir = try Self.network()
        let file = try CLI.run(["export", "csv", "people.csv"], in: dir)
        #expect(file.status == 0)
        let written = try String(contentsOf: dir.appendingPathComponent("people.csv"), encoding: .utf8)
        let cli = try CLI.run(["export", "csv", "-"], in: dir)
        #expect(cli.status == 0 && cli.stdout == written, "\(cli.stdout)")
        let script = try Self.run("export csv \"-\"\n", in: dir)
        #expect(script.status == 0 && script.stdout == written, "\(script.stdout)")
        let vcard = try CLI.run(["export", "vcard", "-", "contacts where name ~ \"Ana\""], in: dir)
        #expect(vcard.stdout.hasPrefix("BEGIN:VCARD") && vcard.stdout.contains("Ana Park") && !vcard.stdout.contains("Ben"))
        // Formats whose lines end in CRLF are the file's bytes too (a LF more followed the last CRLF).
        for format in ["vcard", "ics"] {
            #expect(try CLI.run(["export", format, "people.\(format)"], in: dir).status == 0)
            let file = try Data(contentsOf: dir.appendingPathComponent("people.\(format)"))
            let out = try CLI.run(["export", format, "-"], in: dir)
            #expect(Data(out.stdout.utf8) == file, "\(format): \(out.stdout.suffix(20).debugDescription)")
        }
        #expect(!Self.names(dir).contains("-"))
    }

    /// `ulimit -f` killed Tend with SIGXFSZ and left a temporary file; now the write fails in
    /// words, the target is as it was, and no temporary file is left.
    @Test func aFileSizeLimitIsAnErrorInWords() throws {
        let dir = try Self.network()
        let many = (0..<1_000).map { "add \"Person \($0)\" notes: \"\(String(repeating: "x", count: 200))\"" }.joined(separator: "\n")
        #expect(try Self.run(many + "\n", in: dir).status == 0)
        try "old\n".write(to: dir.appendingPathComponent("big.csv"), atomically: true, encoding: .utf8)
        // 120 KB: room for the database's shared-memory file (32 KB), not for the export.
        let limited = "ulimit -f 120; exec \"$0\" \"$@\""
        let r = try CLI.run(["/bin/sh", "-c", limited, CLI.binary, "export", "csv", "big.csv", "--overwrite"], in: dir, raw: true)
        #expect(r.status == 3, "\(r.stderr)")
        #expect(r.stderr.contains("cannot write big.csv: the file size limit was reached (ulimit -f)"), "\(r.stderr)")
        #expect(try String(contentsOf: dir.appendingPathComponent("big.csv"), encoding: .utf8) == "old\n")
        #expect(!Self.names(dir).contains { $0.contains("tend-") }, "\(Self.names(dir))")
        // An import into the database under the same limit: no signal, nothing changed.
        try RobustnessTests.vcards(5_000, prefix: "Person").write(to: dir.appendingPathComponent("many.vcf"), atomically: true, encoding: .utf8)
        let before = try CLI.run(["-e", "count(contacts)"], in: dir).stdout
        let imported = try CLI.run(
            ["/bin/sh", "-c", "ulimit -f 400; exec \"$0\" \"$@\"", CLI.binary, "import", "vcard", "many.vcf"], in: dir, raw: true)
        #expect(imported.status == 3, "\(imported.stderr)")
        #expect(imported.stderr.contains("nothing was changed"), "\(imported.stderr)")
        #expect(try CLI.run(["-e", "count(contacts)"], in: dir).stdout == before)
    }

    /// A database of mode 0644 was used silently: it is made private with a warning (under
    /// `--read-only`, only the warning).
    @Test func aDatabaseOthersCanReadIsMadePrivate() throws {
        let dir = try Self.network()
        let db = dir.appendingPathComponent("tend.db").path
        chmod(db, 0o644)
        var st = stat()
        let ro = try CLI.run(["--read-only", "-e", "count(contacts)"], in: dir)
        #expect(ro.status == 0 && ro.stderr.contains("can be read by other users (mode 644); `chmod go= \(db)` makes it private (left as it is: the database was opened read-only)"), "\(ro.stderr)")
        stat(db, &st)
        #expect(st.st_mode & 0o777 == 0o644)
        let r = try CLI.run(["-e", "count(contacts)"], in: dir)
        #expect(r.status == 0 && r.stdout == "2\n")
        #expect(r.stderr.contains("warning: \(db) could be read by other users (mode 644); it is now private to you (mode 600)"), "\(r.stderr)")
        stat(db, &st)
        #expect(st.st_mode & 0o777 == 0o600)
        #expect(try CLI.run(["-e", "count(contacts)"], in: dir).stderr.isEmpty)
        // A copy kept read-only (0444) stays read-only, private: 0400 (it was made 0600, writable).
        chmod(db, 0o444)
        let kept = try CLI.run(["-e", "count(contacts)"], in: dir)
        #expect(kept.stderr.contains("it is now private to you (mode 400)"), "\(kept.stderr)")
        stat(db, &st)
        #expect(st.st_mode & 0o777 == 0o400)
        chmod(db, 0o600)
    }

    /// A file Tend refuses is left as it was, mode included (a text file, or another program's
    /// SQLite file, was made 0600 while the error said it "was left untouched"); a link to a
    /// file that does not exist is said to be one (it said "File exists").
    @Test func aRefusedFileKeepsItsMode() throws {
        let dir = CLI.tempDir()
        let notes = dir.appendingPathComponent("notes.txt").path
        try "my notes\n".write(toFile: notes, atomically: true, encoding: .utf8)
        let other = dir.appendingPathComponent("other.db").path
        let made = try DatabaseQueue(path: other)
        try made.write { try $0.execute(sql: "CREATE TABLE foo (x)") }
        try made.close()
        for file in [notes, other] {
            chmod(file, 0o644)
            for args in [["-e", "count(contacts)"], ["add", "Ana Park"]] {
                let r = try CLI.run(["--db", file] + args, in: dir)
                #expect(r.status == 3, "\(file) \(args): \(r.stderr)")
                var st = stat()
                stat(file, &st)
                #expect(st.st_mode & 0o777 == 0o644, "\(file) \(args)")
            }
        }
        symlink(dir.appendingPathComponent("nowhere.db").path, dir.appendingPathComponent("dangling.db").path)
        let r = try CLI.run(["--db", dir.appendingPathComponent("dangling.db").path, "add", "Ana Park"], in: dir)
        #expect(r.status == 3 && r.stderr.contains("it is a link to a file that does not exist"), "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("nowhere.db").path))
    }

    /// The lock time-out printed raw SQLite text.
    @Test func aLockTimeOutIsAnErrorInWords() throws {
        let dir = try Self.network()
        let writer = try Store(path: dir.appendingPathComponent("tend.db").path)
        try writer.begin()
        _ = try writer.apply(.insertContact(Contact(name: "Held", handle: "held", created: Day(year: 2026, month: 11, day: 1)!)))
        let r = try CLI.run(["-e", "add \"Cy Lu\""], in: dir)
        let command = try CLI.run(["add", "Cy Lu"], in: dir)
        writer.rollback()
        #expect(r.status == 3)
        #expect(r.stderr.contains("another process"), "\(r.stderr)")
        // It says which database (it was "error: another process …" alone).
        let db = dir.appendingPathComponent("tend.db").path
        #expect(command.status == 3 && command.stderr.contains("error: \(db): another process kept the database busy"), "\(command.stderr)")
        #expect(!r.stderr.contains("SQLite") && !r.stderr.contains("locked") && !r.stderr.contains("BEGIN"), "\(r.stderr)")
    }

    /// The class: every way Tend writes a file, onto every target it must not write, leaves the
    /// folder as it was, with an error in words (exit 3).
    @Test func everyWriterRefusesEveryForbiddenTarget() throws {
        let dir = try Self.network()
        mkfifo(dir.appendingPathComponent("fifo").path, 0o600)
        try FileManager.default.createSymbolicLink(atPath: dir.appendingPathComponent("tty").path, withDestinationPath: "/dev/stdout")
        try FileManager.default.createSymbolicLink(atPath: dir.appendingPathComponent("db-link").path, withDestinationPath: "tend.db")
        try FileManager.default.createSymbolicLink(atPath: dir.appendingPathComponent("dangling").path, withDestinationPath: "gone/x")
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("folder"), withIntermediateDirectories: true)
        try "mine\n".write(to: dir.appendingPathComponent("existing.txt"), atomically: true, encoding: .utf8)
        let forced = ["tend.db", "./tend.db", "db-link", "tend.db-wal", "tend.db-shm", "fifo", "tty", "dangling", "folder", "/dev/null"]
        let writers: [(String, Bool) -> [String]] = [
            { t, o in ["run", "-", "<<export csv \"\(t)\"\(o ? " overwrite" : "")"] },
            { t, o in ["run", "-", "<<save \"\(t)\"\(o ? " overwrite" : "")"] },
            { t, o in ["export", "json", t] + (o ? ["--overwrite"] : []) },
            { t, o in ["backup", t] + (o ? ["--overwrite"] : []) },
            { t, _ in ["run", "--junit", t, "-", "<<assert true"] },
        ]
        let before = FolderSnapshot(dir)
        for writer in writers {
            for (target, overwrite) in forced.map({ ($0, true) }) + [("existing.txt", false)] {
                var args = writer(target, overwrite)
                var stdin: String?
                if let last = args.last, last.hasPrefix("<<") {
                    stdin = String(last.dropFirst(2)) + "\n"
                    args.removeLast()
                }
                let r = try CLI.run(args, stdin: stdin, in: dir)
                #expect(r.status == 3, "\(args) \(stdin ?? ""): \(r.stderr)")
                #expect(r.stderr.contains(target.hasPrefix("/") ? target : (target as NSString).lastPathComponent), "\(args): \(r.stderr)")
                let after = FolderSnapshot(dir)
                #expect(before == after, "\(args) \(stdin ?? "") changed the folder:\n\(before.difference(to: after))")
            }
        }
    }

    /// `--junit` replaces the report of an earlier run, and no other file.
    @Test func theJUnitReportReplacesOnlyAReport() throws {
        let dir = try Self.network()
        for _ in 0..<2 {
            let r = try CLI.run(["run", "--junit", "report.xml", "-"], stdin: "assert true\n", in: dir)
            #expect(r.status == 0, "\(r.stderr)")
        }
        try "keep me\n".write(to: dir.appendingPathComponent("notes.xml"), atomically: true, encoding: .utf8)
        let r = try CLI.run(["run", "--junit", "notes.xml", "-"], stdin: "assert true\n", in: dir)
        #expect(r.status == 3 && r.stderr.contains("not a JUnit report"), "\(r.stderr)")
        #expect(try String(contentsOf: dir.appendingPathComponent("notes.xml"), encoding: .utf8) == "keep me\n")
    }
}
