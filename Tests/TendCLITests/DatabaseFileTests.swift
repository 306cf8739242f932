import Foundation
import GRDB
import TendTestSupport
import Testing

/// What Tend does with the file `--db` names when it is not simply Tend's database: a name
/// SQLite would read as a URI, another program's SQLite file, a log a crashed run left, a FIFO.
/// Each is either Tend's file as named, or a worded error that leaves it as it was.
@Suite struct DatabaseFileTests {
    static func bytes(_ url: URL) -> Data? { FileManager.default.contents(atPath: url.path) }

    /// A path that begins `file:` is a file of that name: SQLite read it as a URI, so the data
    /// went into `u.db` (mode 0644) beside an empty `file:u.db`, `?mode=memory` kept nothing,
    /// and an export over `u.db` wrote over the real database.
    @Test func aPathThatLooksLikeAURIIsAFile() throws {
        let dir = CLI.tempDir()
        for name in ["file:u.db", "file:w.db?mode=memory"] {
            let added = try CLI.run(["--db", name, "-e", "add \"Uri Person\""], in: dir)
            #expect(added.status == 0, "\(added.stderr)")
            #expect(try CLI.run(["--db", name, "-e", "count(contacts)"], in: dir).stdout == "1\n", "\(name)")
            let attributes = try FileManager.default.attributesOfItem(atPath: dir.appendingPathComponent(name).path)
            #expect((attributes[.size] as? Int ?? 0) > 0 && (attributes[.posixPermissions] as? Int) == 0o600, "\(name): \(attributes)")
        }
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("u.db").path))
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("w.db").path))
        // A backup so named is that file too.
        #expect(try CLI.run(["--db", "file:u.db", "backup", "file:copy.db"], in: dir).status == 0)
        #expect(try CLI.run(["--db", "file:copy.db", "-e", "count(contacts)"], in: dir).stdout == "1\n")
    }

    /// A new database is made whole or not at all: processes starting on it at once each add
    /// their person (all but one failed, told the half-made file was another program's, or that
    /// a table was missing); a file an older Tend was killed making, its migrations applied and
    /// no mark yet, is finished rather than refused for good; and what a process killed while
    /// making one left beside it is removed by the next.
    @Test func aNewDatabaseIsMadeWhole() throws {
        let dir = CLI.tempDir()
        let results = Array(repeating: CLI.Result?.none, count: 4)
        let box = Box(results)
        DispatchQueue.concurrentPerform(iterations: 4) { k in
            let r = try? CLI.run(["--db", "n.db", "run", "-"], stdin: "add \"Person \(k)\"\nprint count(rules) > 0\n", in: dir)
            box.set(k, r)
        }
        // Each sees the prelude's rules: the database is never seen without them.
        for r in box.values { #expect(r?.status == 0 && r?.stdout.hasSuffix("true\n") == true, "\(r?.stdout ?? "") \(r?.stderr ?? "not run")") }
        #expect(try CLI.run(["--db", "n.db", "-e", "count(contacts)"], in: dir).stdout == "4\n")
        // Made by an older Tend killed before marking it.
        let queue = try DatabaseQueue(path: dir.appendingPathComponent("n.db").path)
        try queue.write { try $0.execute(sql: "PRAGMA application_id = 0") }
        try queue.close()
        #expect(try CLI.run(["--db", "n.db", "-e", "count(contacts)"], in: dir).stdout == "4\n")
        #expect(try CLI.run(["--db", "n.db", "-e", "add \"Person 5\""], in: dir).status == 0)
        let marked = try DatabaseQueue(path: dir.appendingPathComponent("n.db").path)
        #expect(try marked.read { try Int32.fetchOne($0, sql: "PRAGMA application_id") } == 0x5445_4E44)
        try marked.close()
        // One with nothing in it yet is new: it gets the prelude's rules.
        let empty = dir.appendingPathComponent("e.db").path
        #expect(try CLI.run(["--db", "e.db", "-e", "let lead = 3d"], in: dir).status == 0)
        let bare = try DatabaseQueue(path: empty)
        try bare.write { try $0.execute(sql: "DELETE FROM definitions; PRAGMA application_id = 0") }
        try bare.close()
        #expect(try CLI.run(["--db", "e.db", "-e", "count(rules) > 0"], in: dir).stdout == "true\n")
        // Left by a process killed while making m.db: no lock is held on it.
        for name in [".m.db.tend-k1ll3d", ".m.db.tend-k1ll3d-wal", ".m.db.tend-k1ll3d-shm"] {
            try Data("half".utf8).write(to: dir.appendingPathComponent(name))
        }
        #expect(try CLI.run(["--db", "m.db", "-e", "add \"Mo\""], in: dir).status == 0)
        let left = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasPrefix(".m.db") }
        #expect(left.isEmpty, "\(left)")
    }

    /// Results gathered from several threads.
    final class Box: @unchecked Sendable {
        private let lock = NSLock()
        private var results: [CLI.Result?]
        init(_ results: [CLI.Result?]) { self.results = results }
        func set(_ k: Int, _ r: CLI.Result?) { lock.withLock { results[k] = r } }
        var values: [CLI.Result?] { lock.withLock { results } }
    }

    /// Another program's SQLite file with no table yet (its application id or user version set,
    /// or a view alone) is not Tend's: a command that only reads migrated it and answered 0.
    @Test func anotherProgramsFileWithoutTablesIsLeftAlone() throws {
        let dir = CLI.tempDir()
        for (name, sql) in [
            ("appid.db", "PRAGMA application_id = 1234"), ("version.db", "PRAGMA user_version = 1"), ("view.db", "CREATE VIEW v AS SELECT 1 AS x"),
        ] {
            let url = dir.appendingPathComponent(name)
            let queue = try DatabaseQueue(path: url.path)
            try queue.write { try $0.execute(sql: sql) }
            try queue.close()
            let before = Self.bytes(url)
            for args in [["-e", "count(contacts)"], ["-e", "add \"Zed\""], ["agenda"]] {
                let r = try CLI.run(["--db", url.path] + args, in: dir)
                #expect(r.status == 3 && r.stderr.contains("not a Tend database"), "\(name) \(args): \(r.stderr)")
            }
            #expect(Self.bytes(url) == before, "\(name) changed")
        }
        // An SQLite file with nothing in it and no mark is no one's: made Tend's.
        let empty = dir.appendingPathComponent("empty.db")
        let queue = try DatabaseQueue(path: empty.path)
        try queue.inDatabase { _ = try String.fetchOne($0, sql: "PRAGMA journal_mode = WAL") }
        try queue.close()
        #expect(try CLI.run(["--db", empty.path, "-e", "add \"Zed\""], in: dir).status == 0)
        #expect(try CLI.run(["--db", empty.path, "-e", "count(contacts)"], in: dir).stdout == "1\n")
    }

    /// A log a killed run left without its `-shm` cannot be read without writing one: under
    /// --read-only that is an error naming it (a `-shm` was left beside it; on a read-only disk
    /// the log was passed over, and the answers missed its changes).
    @Test func aLogLeftWithoutItsSharedMemoryIsSaid() throws {
        let (dir, copied) = try Self.logLeftWithoutSharedMemory()
        let r = try CLI.run(["--db", copied.path, "--read-only", "-e", "count(contacts where name == \"Wal Person\")"], in: dir)
        #expect(r.status == 3 && r.stderr.contains("tend.db-wal holds changes of a run that did not finish"), "\(r.stdout) \(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: copied.path + "-shm"))
        // Opened where it may be written, the log is read and folded in.
        #expect(try CLI.run(["--db", copied.path, "-e", "count(contacts where name == \"Wal Person\")"], in: dir).stdout == "1\n")
    }

    /// A database whose log holds a change (a row named "Wal Person") and has no -shm beside it,
    /// as a writer killed after its last write leaves it; in a folder of its own.
    static func logLeftWithoutSharedMemory() throws -> (dir: URL, db: URL) {
        let dir = CLI.tempDir()
        #expect(try CLI.run(["demo", "--size", "20"], in: dir).status == 0)
        let db = dir.appendingPathComponent("tend.db")
        // A writer that is killed leaves its log: a copy of the file and its log, without -shm.
        let copy = dir.appendingPathComponent("copy")
        try FileManager.default.createDirectory(at: copy, withIntermediateDirectories: true)
        let holder = try DatabaseQueue(path: db.path)
        try holder.inDatabase { try $0.execute(sql: "PRAGMA wal_autocheckpoint = 0") }
        try holder.write { try $0.execute(sql: "UPDATE contacts SET name = 'Wal Person' WHERE id = (SELECT min(id) FROM contacts)") }
        for suffix in ["", "-wal"] { try FileManager.default.copyItem(atPath: db.path + suffix, toPath: copy.appendingPathComponent("tend.db").path + suffix) }
        try holder.close()
        let copied = copy.appendingPathComponent("tend.db")
        #expect((try FileManager.default.attributesOfItem(atPath: copied.path + "-wal")[.size] as? Int ?? 0) > 0)
        return (dir, copied)
    }

    /// A writer closing last removes its -shm, then its log: a read-only run starting in between
    /// waits for the log to go instead of taking it for a killed run's (b79 #7: one run in 400
    /// refused beside short sqlite3 writers). Here the writer is a run that folds the log in.
    @Test func aLogWhoseWriterIsClosingIsWaitedFor() throws {
        let (dir, copied) = try Self.logLeftWithoutSharedMemory()
        let writer = Process()
        writer.executableURL = URL(fileURLWithPath: "/bin/sh")
        writer.arguments = ["-c", "sleep 0.3; exec \"$0\" --db \"$1\" -e 'count(contacts)' >/dev/null", CLI.binary, copied.path]
        try writer.run()
        let r = try CLI.run(["--db", copied.path, "--read-only", "-e", "count(contacts where name == \"Wal Person\")"], in: dir)
        writer.waitUntilExit()
        #expect(writer.terminationStatus == 0)
        #expect(r.status == 0 && r.stdout == "1\n", "\(r.stdout) \(r.stderr)")
        // Read again, the change is there (folded into the file, or in a log with its -shm).
        #expect(try CLI.run(["--db", copied.path, "--read-only", "-e", "count(contacts where name == \"Wal Person\")"], in: dir).stdout == "1\n")
    }

    /// A FIFO (or a folder) named as the database is said to be no file, by a command that
    /// reads as by one that writes (reading said "no database at fifo.db").
    @Test func aFIFOIsNoDatabase() throws {
        let dir = CLI.tempDir()
        let fifo = dir.appendingPathComponent("fifo.db")
        #expect(mkfifo(fifo.path, 0o600) == 0)
        for args in [["-e", "count(contacts)"], ["-e", "add \"Zed\""], ["agenda"]] {
            let r = try CLI.run(["--db", fifo.path] + args, in: dir)
            #expect(r.status == 3 && r.stderr.contains("not a regular file"), "\(args): \(r.stderr)")
        }
    }
}

extension DatabaseFileTests {
    /// The indexes of references are made unless an index of their name is there already (one
    /// the user made by hand, or left by an upgrade stopped half-way): the upgrade stopped at it,
    /// "index introductions_a already exists", and no command could open the database.
    @Test func anIndexOfTheSameNameDoesNotStopTheUpgrade() throws {
        let dir = CLI.tempDir()
        #expect(try CLI.run(["-e", "add \"Ann Lee\""], in: dir).status == 0)
        let db = dir.appendingPathComponent("tend.db")
        let queue = try DatabaseQueue(path: db.path)
        try queue.write { try $0.execute(sql: "DELETE FROM grdb_migrations WHERE identifier = 'v11 indexes of references'") }
        try queue.close()
        let r = try CLI.run(["-e", "count(contacts)"], in: dir)
        #expect(r.status == 0 && r.stdout == "1\n", "\(r.stderr)")
    }
}
