import Foundation
import GRDB
import TendCore
import TendStore
import TendTestSupport
import Testing

/// Killing tend mid-run and running two at once: the data is all before or all after, never half.
@Suite(.serialized) struct RobustnessTests {
    static func vcards(_ n: Int, prefix: String) -> String {
        (0..<n).map { i in
            "BEGIN:VCARD\r\nVERSION:4.0\r\nFN:\(prefix) \(i)\r\nEMAIL:\(prefix.lowercased())\(i)@example.com\r\nORG:Co \(i % 50)\r\nEND:VCARD\r\n"
        }.joined()
    }

    func start(_ args: [String], in dir: URL, stderr: URL? = nil) throws -> Process {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: CLI.binary)
        p.arguments = args
        p.currentDirectoryURL = dir
        var env = ProcessInfo.processInfo.environment
        env["TEND_DB"] = dir.appendingPathComponent("tend.db").path
        env["TEND_TODAY"] = "2026-11-23"
        p.environment = env
        p.standardOutput = FileHandle.nullDevice
        if let stderr {
            FileManager.default.createFile(atPath: stderr.path, contents: nil)
            p.standardError = try FileHandle(forWritingTo: stderr)
        } else {
            p.standardError = FileHandle.nullDevice
        }
        try p.run()
        return p
    }

    /// SIGTERM to an import (a cron job's time limit, a shutdown) rolls it back and says so,
    /// exit 3, as for a script: it died silently with 143, and when the signal came after its
    /// report was printed, the report said "40000 added" of an import that was not kept.
    @Test func aStoppedImportSaysSoAndKeepsNothing() throws {
        let dir = CLI.tempDir()
        let rows = (0..<100_000).map { "Csv Person \($0),csv\($0)@imp.example,CsvCo\($0 % 50)" }
        try (["name,email,company"] + rows).joined(separator: "\n").write(to: dir.appendingPathComponent("big.csv"), atomically: true, encoding: .utf8)
        try CLI.run(["run", "-"], stdin: "add \"Kept Person\"\n", in: dir)
        let err = dir.appendingPathComponent("err.txt")
        let p = try start(["import", "csv", "big.csv"], in: dir, stderr: err)
        usleep(1_500_000)
        kill(p.processIdentifier, SIGTERM)
        p.waitUntilExit()
        let said = try String(contentsOf: err, encoding: .utf8)
        #expect(p.terminationReason == .exit && p.terminationStatus == 3, "\(p.terminationStatus): \(said)")
        #expect(said.contains("tend: error: stopped (SIGTERM)") && said.contains("nothing was changed"), "\(said)")
        let db = dir.appendingPathComponent("tend.db").path
        #expect(try Store(path: db).contactCount() == 1)
        #expect(!FileManager.default.fileExists(atPath: db + "-wal"), "the log was not folded in")
    }

    /// SIGTERM to a command that reads (a CI job's time limit on `tend agenda`, `tend dump`,
    /// `tend export`) stops it as a run is stopped: exit 3, said, the log folded in (they died
    /// with 143, silently, and left the database's -wal and -shm beside it).
    @Test(arguments: [["agenda", "all"], ["dump"], ["export", "csv", "all.csv"]]) func aStoppedReadSaysSo(_ command: [String]) throws {
        let dir = CLI.tempDir()
        #expect(try CLI.run(["demo", "--size", "20000"], in: dir).status == 0)
        let err = dir.appendingPathComponent("err.txt")
        var stopped = false
        // On a loaded machine a command may end before the signal: that one was not stopped.
        for _ in 0..<3 where !stopped {
            let p = try start(command, in: dir, stderr: err)
            usleep(200_000)
            kill(p.processIdentifier, SIGTERM)
            p.waitUntilExit()
            let said = try String(contentsOf: err, encoding: .utf8)
            if p.terminationReason == .exit && p.terminationStatus == 0 { continue }
            stopped = true
            #expect(p.terminationReason == .exit && p.terminationStatus == 3, "\(command): \(p.terminationStatus) \(said)")
            #expect(said.contains("stopped (SIGTERM)"), "\(command): \(said)")
        }
        #expect(stopped, "\(command) ended before the signal every time")
        let db = dir.appendingPathComponent("tend.db").path
        #expect(!FileManager.default.fileExists(atPath: db + "-wal") && !FileManager.default.fileExists(atPath: db + "-shm"), "\(command)")
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("all.csv").path))
    }

    /// SIGTERM to a command whose output waits on a reader that stopped reading (`timeout 60
    /// tend dump | slow`) stops it: the signal, caught on another thread, left the write waiting
    /// for ever.
    @Test(arguments: [["dump"], ["agenda", "all"], ["export", "csv", "-"]]) func aStopReachesAWriteThatWaits(_ command: [String]) throws {
        let dir = CLI.tempDir()
        #expect(try CLI.run(["demo", "--size", "2000"], in: dir).status == 0)
        #expect(mkfifo(dir.appendingPathComponent("slow").path, 0o600) == 0)
        let script = """
            (exec 3<slow; sleep 60) & reader=$!
            "$0" \(command.joined(separator: " ")) > slow 2> err.txt & p=$!
            sleep 3; kill -TERM $p
            i=0; while kill -0 $p 2>/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i+1)); done
            if kill -0 $p 2>/dev/null; then kill -9 $p; echo hung; else wait $p; echo "exit $?"; fi
            kill $reader
            """
        let r = try CLI.run(["/bin/sh", "-c", script, CLI.binary], in: dir, raw: true)
        #expect(r.stdout.hasPrefix("exit 3"), "\(command): \(r.stdout)")
        let said = (try? String(contentsOf: dir.appendingPathComponent("err.txt"), encoding: .utf8)) ?? ""
        #expect(said.contains("stopped (SIGTERM)"), "\(command): \(said)")
    }

    /// SIGTERM to a change waiting for another process's lock stops the wait: exit 3 at once,
    /// said, nothing changed (b83 #1: SQLite's busy timeout slept through the signal for ten
    /// seconds, then said the database was busy). Once the lock goes, a change waits for it.
    @Test func aStopEndsTheWaitForALock() throws {
        let dir = CLI.tempDir()
        try CLI.run(["run", "-"], stdin: "add \"Kept Person\"\n", in: dir)
        let db = dir.appendingPathComponent("tend.db").path
        var holding = Configuration()
        holding.allowsUnsafeTransactions = true
        let holder = try DatabaseQueue(path: db, configuration: holding)
        try holder.inDatabase { try $0.execute(sql: "BEGIN IMMEDIATE") }
        let err = dir.appendingPathComponent("err.txt")
        let p = try start(["-e", "add \"Waiting Person\""], in: dir, stderr: err)
        usleep(700_000)
        let signalled = Date()
        kill(p.processIdentifier, SIGTERM)
        p.waitUntilExit()
        let said = try String(contentsOf: err, encoding: .utf8)
        #expect(Date().timeIntervalSince(signalled) < 3, "the wait went on after the signal")
        #expect(p.terminationReason == .exit && p.terminationStatus == 3, "\(p.terminationStatus): \(said)")
        #expect(said.contains("stopped (SIGTERM); nothing was changed"), "\(said)")
        let waiting = try start(["-e", "add \"Waiting Person\""], in: dir)
        usleep(500_000)
        try holder.inDatabase { try $0.execute(sql: "COMMIT") }
        waiting.waitUntilExit()
        #expect(waiting.terminationStatus == 0)
        #expect(try Store(path: db).contactCount() == 2)
    }

    @Test func killedImportsLeaveAllOrNothing() throws {
        let dir = CLI.tempDir()
        try Self.vcards(20_000, prefix: "Person").write(to: dir.appendingPathComponent("many.vcf"), atomically: true, encoding: .utf8)
        try CLI.run(["run", "-"], stdin: "add \"Kept Person\"\n", in: dir)
        var seed: UInt64 = 7
        for _ in 0..<6 {
            seed = seed &* 6364136223846793005 &+ 1442695040888963407
            let p = try start(["import", "vcard", "many.vcf"], in: dir)
            usleep(useconds_t(50_000 + Int(seed >> 33) % 600_000))
            kill(p.processIdentifier, SIGKILL)
            p.waitUntilExit()
            let store = try Store(path: dir.appendingPathComponent("tend.db").path)
            #expect(try store.integrityCheck() == "ok")
            let n = try store.contactCount()
            #expect(n == 1 || n == 20_001, "half an import: \(n) contacts")
            if n == 20_001 { break }
        }
    }

    /// A long script (4,000 statements in one transaction) killed at random points.
    @Test func killedScriptsLeaveAllOrNothing() throws {
        let dir = CLI.tempDir()
        let script = (0..<2_000).map { "add \"Script Person \($0)\"\nlog call with @script-person-\($0)\n" }.joined()
        try script.write(to: dir.appendingPathComponent("long.tend"), atomically: true, encoding: .utf8)
        try CLI.run(["run", "-"], stdin: "add \"Kept Person\"\n", in: dir)
        var seed: UInt64 = 11
        for _ in 0..<6 {
            seed = seed &* 6364136223846793005 &+ 1442695040888963407
            let p = try start(["run", "long.tend"], in: dir)
            usleep(useconds_t(30_000 + Int(seed >> 33) % 500_000))
            kill(p.processIdentifier, SIGKILL)
            p.waitUntilExit()
            let store = try Store(path: dir.appendingPathComponent("tend.db").path)
            #expect(try store.integrityCheck() == "ok")
            let n = try store.contactCount()
            #expect(n == 1 || n == 2_001, "half a script: \(n) contacts")
            if n == 2_001 {
                #expect(try store.scalar("SELECT count(*) FROM interactions") == "2000")
                break
            }
        }
    }

    /// A statement the database refuses (a touch from a source logged already; on PostgreSQL,
    /// another member's private note) is pointed at like any other error: `file:line:col`, its
    /// line and a caret, and nothing of the run is kept. Before, a bare `error: …` said neither
    /// which file nor which line.
    @Test func aStatementTheDatabaseRefusesIsLocated() throws {
        let dir = CLI.tempDir()
        let script = "add \"Xa Xu\"\nlog call with @xa-xu source: \"a\"\n  log call with @xa-xu source: \"a\"\n"
        try script.write(to: dir.appendingPathComponent("calls.tend"), atomically: true, encoding: .utf8)
        try CLI.run(["run", "-"], stdin: "add \"Kept Person\"\n", in: dir)
        let r = try CLI.run(["run", "calls.tend"], in: dir)
        #expect(r.status == 3)
        #expect(
            r.stderr.contains("calls.tend:3:3: error: call 1 is already logged from source \"a\"\n  log call with @xa-xu source: \"a\"\n  ^~~"),
            "\(r.stderr)")
        #expect(try CLI.run(["-e", "count(contacts)"], in: dir).stdout == "1\n")
    }

    /// A disk that fills up in the middle of an import (a file size limit stands in for it):
    /// a message in words, exit 3, the data as it was.
    @Test func aFullDiskChangesNothing() throws {
        let dir = CLI.tempDir()
        try Self.vcards(20_000, prefix: "Person").write(to: dir.appendingPathComponent("many.vcf"), atomically: true, encoding: .utf8)
        try CLI.run(["run", "-"], stdin: "add \"Kept Person\"\n", in: dir)
        let r = try CLI.run(["/bin/bash", "-c", "ulimit -f 400; trap '' XFSZ; exec \"$0\" import vcard many.vcf", CLI.binary], in: dir, raw: true)
        #expect(r.status == 3)
        #expect(r.stderr.contains("nothing was changed"), "\(r.stderr)")
        #expect(!r.stderr.contains("INSERT"), "\(r.stderr)")
        let store = try Store(path: dir.appendingPathComponent("tend.db").path)
        #expect(try store.integrityCheck() == "ok")
        #expect(try store.contactCount() == 1)
        // A device is not written at all (FileWritingTests has the export onto a full disk).
        let e = try CLI.run(["export", "csv", "/dev/full"], in: dir)
        #expect(e.status == 3)
        #expect(e.stderr.contains("/dev/full is a device, not a regular file"), "\(e.stderr)")
    }

    /// A disk with room for the import's log but not for folding it into the file: the import
    /// is saved (in the log) and says so, with a warning that the file alone misses it (it said
    /// nothing, and a backup of the file copied a database without the import).
    @Test func aLogThatCannotBeFoldedInIsSaid() throws {
        let dir = CLI.tempDir()
        try CLI.run(["demo", "--size", "300"], in: dir)
        let rows = (0..<400).map { "P \($0),p\($0)@x.example,Co\($0)" }
        try (["name,email,company"] + rows).joined(separator: "\n").write(to: dir.appendingPathComponent("p.csv"), atomically: true, encoding: .utf8)
        let db = dir.appendingPathComponent("tend.db").path
        let size = try #require(try FileManager.default.attributesOfItem(atPath: db)[.size] as? Int)
        // Room for the log (about 100 KB) but not for the file to grow by the import (about 57 KB).
        let limit = (size + 20_000) / 1024
        let r = try CLI.run(["/bin/bash", "-c", "ulimit -f \(limit); exec \"$0\" import csv p.csv", CLI.binary], in: dir, raw: true)
        #expect(r.status == 0 && r.stdout.hasPrefix("Imported from p.csv: 400 added"), "\(r.stdout)\(r.stderr)")
        #expect(r.stderr.contains("tend: warning: \(db)'s log (\(db)-wal) could not be folded into it"), "\(r.stderr)")
        #expect(r.stderr.contains("a copy of \(db) alone misses it"), "\(r.stderr)")
        #expect(try CLI.run(["-e", "count(contacts)"], in: dir).stdout == "700\n")
    }

    /// A database in a folder nobody may write (the test drops to the `nobody` user when it runs
    /// as root, whom permissions do not stop): queries work, a change is refused before anything
    /// runs, and the file is as it was.
    @Test func aReadOnlyDatabaseCanBeQueriedNotChanged() throws {
        let dir = CLI.tempDir()
        let folder = dir.appendingPathComponent("ro")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let db = folder.appendingPathComponent("t.db").path
        #expect(try CLI.run(["--db", db, "-e", "add \"Kept Person\""], in: dir).status == 0)
        let binary = dir.appendingPathComponent("tend").path
        try Self.copyClosedOnExec(CLI.binary, to: binary)
        chmod(dir.path, 0o755)
        if getuid() == 0, let nobody = getpwnam("nobody") {
            // The files become nobody's own, as a user's database is theirs.
            for name in ["", "/t.db", "/t.db-wal", "/t.db-shm"] { chown(folder.path + name, nobody.pointee.pw_uid, nobody.pointee.pw_gid) }
        }
        chmod(db, 0o444)
        chmod(folder.path, 0o555)
        defer { chmod(folder.path, 0o755) }
        let before = try Data(contentsOf: URL(fileURLWithPath: db))
        func tend(_ args: [String]) throws -> CLI.Result {
            let command = [binary, "--db", db] + args
            var r = try CLI.run(getuid() == 0 ? ["/usr/sbin/runuser", "-u", "nobody", "--"] + command : command, in: dir, raw: true)
            // A process another test starts meanwhile may hold the copy open for writing a moment
            // (it inherits the descriptor until it runs its own program): try again then.
            for _ in 0..<20 where r.stderr.contains("Text file busy") {
                usleep(50_000)
                r = try CLI.run(getuid() == 0 ? ["/usr/sbin/runuser", "-u", "nobody", "--"] + command : command, in: dir, raw: true)
            }
            return r
        }
        let count = try tend(["-e", "count(contacts)"])
        #expect(count.status == 0 && count.stdout == "1\n", "\(count.stderr)")
        // The file system's refusal: exit 3, an I/O error (it was 2, "does not parse or type-check").
        let add = try tend(["-e", "add \"New Person\""])
        #expect(add.status == 3)
        #expect(add.stderr.contains("add changes data, and \(db) is read-only"), "\(add.stderr)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: db)) == before)
        // A file that may be written in a folder that may not: the folder is named (the file was
        // said to be read-only, which `ls -l` contradicted).
        chmod(db, 0o644)
        let inFolder = try tend(["-e", "add \"New Person\""])
        #expect(inFolder.status == 3)
        #expect(inFolder.stderr.contains("add changes data, and the folder of \(db) cannot be written"), "\(inFolder.stderr)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: db)) == before)
    }

    /// Copies a program through a descriptor closed on exec: FileManager's copy leaves its
    /// descriptor to any process another test starts meanwhile, which then holds the copy open
    /// for writing as long as it runs, and running the copy fails with "Text file busy".
    static func copyClosedOnExec(_ from: String, to path: String) throws {
        let bytes = try Data(contentsOf: URL(fileURLWithPath: from))
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o755)
        guard fd >= 0 else { throw CocoaError(.fileWriteUnknown) }
        defer { close(fd) }
        try bytes.withUnsafeBytes { raw in
            var done = 0
            while done < raw.count {
                let n = write(fd, raw.baseAddress! + done, raw.count - done)
                guard n > 0 else { throw CocoaError(.fileWriteUnknown) }
                done += n
            }
        }
    }

    @Test func twoWritersLoseNothing() throws {
        let dir = CLI.tempDir()
        try Self.vcards(3_000, prefix: "Imported").write(to: dir.appendingPathComponent("batch.vcf"), atomically: true, encoding: .utf8)
        try CLI.run(["run", "-"], stdin: "add \"Loop Person\"\n", in: dir)
        let importer = try start(["import", "vcard", "batch.vcf"], in: dir)
        var failures = 0
        for _ in 0..<15 {
            let r = try CLI.run(["-e", "log call with @loop-person"], in: dir)
            if r.status != 0 { failures += 1 }
            #expect(!r.stderr.contains("locked"), "\(r.stderr)")
        }
        importer.waitUntilExit()
        #expect(importer.terminationStatus == 0)
        #expect(failures == 0)
        #expect(try CLI.run(["-e", "count(contacts)"], in: dir).stdout == "3001\n")
        #expect(try CLI.run(["-e", "@loop-person.touches"], in: dir).stdout == "15\n")
    }

    /// A run that only reads takes no write lock: while another process holds it (a long import,
    /// the REPL in the middle of a change), queries, scripts that only read and the agenda answer
    /// at once.
    @Test func readersDoNotWaitForAWriter() throws {
        let dir = CLI.tempDir()
        try CLI.run(["run", "-"], stdin: "add \"Ana Park\" stage: credibility\n", in: dir)
        let writer = try Store(path: dir.appendingPathComponent("tend.db").path)
        try writer.begin()
        _ = try writer.apply(.insertContact(Contact(name: "Held", handle: "held", created: Day(year: 2026, month: 11, day: 1)!)))
        let started = Date()
        let count = try CLI.run(["-e", "count(contacts)"], in: dir)
        let agenda = try CLI.run(["agenda", "--format", "csv"], in: dir)
        let script = try CLI.run(
            ["run", "-"], stdin: "print \"{count(contacts where stage >= credibility)}\"\ncontacts where stage >= credibility show name\n", in: dir)
        // A dry run only reads too (it held the write lock while it read the file).
        let calendar = "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:u1\r\nDTSTART:20261101T100000Z\r\nATTENDEE:mailto:x@example.org\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
        try calendar.write(to: dir.appendingPathComponent("c.ics"), atomically: true, encoding: .utf8)
        try "BEGIN:VCARD\r\nVERSION:4.0\r\nFN:New One\r\nEND:VCARD\r\n".write(to: dir.appendingPathComponent("c.vcf"), atomically: true, encoding: .utf8)
        let dryRuns = [try CLI.run(["import", "ics", "c.ics", "--dry-run"], in: dir), try CLI.run(["import", "vcard", "c.vcf", "--dry-run"], in: dir)]
        #expect(Date().timeIntervalSince(started) < 8, "a reader waited for the write lock")
        for r in dryRuns { #expect(r.status == 0 && r.stdout.hasPrefix("Would"), "\(r.stdout) \(r.stderr)") }
        #expect(count.status == 0 && count.stdout == "1\n", "\(count.stderr)")
        #expect(agenda.status == 0 && agenda.stdout.contains("ana-park"), "\(agenda.stderr)")
        #expect(script.status == 0 && script.stdout.hasPrefix("1\n"), "\(script.stderr)")
        try writer.commit()
        #expect(try CLI.run(["-e", "count(contacts)"], in: dir).stdout == "2\n")
    }

    @Test func newerSchemaIsRefusedAndLeftAlone() throws {
        let dir = CLI.tempDir()
        try CLI.run(["-e", "count(contacts)"], in: dir)
        let path = dir.appendingPathComponent("tend.db").path
        // A migration this version does not know, as a newer Tend would have recorded it.
        let q = try Store(path: path)
        _ = q
        let r0 = try CLI.run(["run", "-"], stdin: "add \"A B\"\n", in: dir)
        #expect(r0.status == 0)
        let sqlite = try Child.run(
            "/usr/bin/env",
            [
                "python3", "-c",
                "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute(\"insert into grdb_migrations values ('v99')\"); c.commit(); c.execute('pragma wal_checkpoint(truncate)')",
                path,
            ])
        #expect(sqlite.status == 0, "\(sqlite.stderrText)")
        guard sqlite.status == 0 else { return }
        let before = try Data(contentsOf: URL(fileURLWithPath: path))
        let r = try CLI.run(["-e", "count(contacts)"], in: dir)
        #expect(r.status == 3)
        #expect(r.stderr.contains("newer version of Tend"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
    }
}
