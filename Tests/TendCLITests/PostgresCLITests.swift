import Foundation
import TendTestSupport
import Testing

/// `--db postgresql://…` from the command line: what is refused leaves the database as it was,
/// exit statuses are the SQLite store's for the same cases, and no message shows the password.
@Suite(.enabled(if: TestCluster.available, Comment(rawValue: TestCluster.skipped)))
struct PostgresCLITests {
    static func run(_ args: [String], stdin: String? = nil, db: String) throws -> CLI.Result {
        try CLI.run(args, stdin: stdin, in: CLI.tempDir(), env: ["TEND_DB": db])
    }

    @Test func aFailedFirstRunLeavesNoTendTables() throws {
        for script in ["add \"Ann Arbor\"\nlog call with @nobody\n", "contacts where stage > 3\n", "count(contacts)\n"] {
            let url = try TestCluster.freshDatabase("first")
            let file = CLI.tempDir().appendingPathComponent("tend.db").path
            let postgres = try Self.run(["run", "-"], stdin: script, db: url)
            let sqlite = try Self.run(["run", "-"], stdin: script, db: file)
            #expect(postgres.status == sqlite.status && postgres.status != 0, "\(script): \(postgres.stderr)")
            #expect(postgres.stdout == sqlite.stdout)
            #expect(try TestCluster.tables(url) == [], "\(script)")
            #expect(!FileManager.default.fileExists(atPath: file))
        }
    }

    /// A connection the server drops in the middle of a command (its backend terminated, the
    /// server stopped) ends the command with an error, exit 3, nothing kept: Tend waited for
    /// ever on a statement postgres-nio never answered (the rollback after the first error).
    @Test func aDroppedConnectionEndsTheCommand() throws {
        let url = try TestCluster.freshDatabase("dropped")
        let database = String(url.split(separator: "/").last!)
        let demo = Process()
        demo.executableURL = URL(fileURLWithPath: CLI.binary)
        demo.arguments = ["--db", url, "--today", "2026-11-23", "demo", "--size", "3000"]
        demo.standardOutput = FileHandle.nullDevice
        let errors = Pipe()
        demo.standardError = errors
        try demo.run()
        defer { if demo.isRunning { demo.terminate() } }
        // Once the demo is writing (its tables made), its backend is ended.
        let started = Date()
        while Date().timeIntervalSince(started) < 30, (try? TestCluster.psql("SELECT count(*) FROM contacts", url: url)) == nil {
            Thread.sleep(forTimeInterval: 0.05)
        }
        _ = try TestCluster.psql("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '\(database)' AND pid <> pg_backend_pid()")
        let deadline = Date().addingTimeInterval(60)
        while demo.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.1) }
        #expect(!demo.isRunning, "tend still waits on a dropped connection")
        guard !demo.isRunning else { return }
        let said = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(demo.terminationStatus == 3 && said.contains("error:"), "\(demo.terminationStatus): \(said)")
        #expect(try TestCluster.psql("SELECT count(*) FROM contacts", url: url) == "0")
    }

    /// A run that only reads (queries, print, assert) reads in a transaction no other can make
    /// it retry (READ ONLY DEFERRABLE): its rows are printed as they are read, not held until its
    /// end (a million interactions held 321 MB), and it keeps no predicate locks on what it read.
    @Test func aRunThatOnlyReadsPrintsAsItReads() throws {
        let url = try TestCluster.freshDatabase("reads")
        let demo = try Self.run(["--today", "2026-11-23", "demo", "--size", "2000"], db: url)
        #expect(demo.status == 0, "\(demo.stderr)")
        let database = String(url.split(separator: "/").last!)
        let run = Process()
        run.executableURL = URL(fileURLWithPath: CLI.binary)
        run.arguments = ["--db", url, "--today", "2026-11-23", "--format", "csv", "-e", "interactions"]
        let out = Pipe()
        run.standardOutput = out
        run.standardError = FileHandle.nullDevice
        try run.run()
        defer { if run.isRunning { run.terminate() } }
        let first = out.fileHandleForReading.readData(ofLength: 4096)
        #expect(first.count == 4096)
        // The rest, a megabyte, is not read yet: the run waits to write it, inside its transaction.
        let open = "SELECT count(*) FROM pg_stat_activity WHERE datname = '\(database)' AND xact_start IS NOT NULL"
        #expect(try TestCluster.psql(open) == "1")
        let locks = "SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid WHERE a.datname = '\(database)' AND l.mode = 'SIReadLock'"
        #expect(try TestCluster.psql(locks) == "0")
        let rest = out.fileHandleForReading.readDataToEndOfFile()
        run.waitUntilExit()
        #expect(run.terminationStatus == 0)
        // Every interaction, under its header.
        let lines = String(decoding: first + rest, as: UTF8.self).split(separator: "\n")
        #expect(try TestCluster.psql("SELECT count(*) FROM interactions", url: url) == String(lines.count - 1))
    }

    /// A run that only reads writes nothing, on either store: a query of the agenda leaves
    /// what it would tidy (an item closed for a rule that fires no more) to a run that writes.
    /// PostgreSQL refused the tidying in the read-only transaction, run after run.
    @Test func aQueryOfTheAgendaOnlyReads() throws {
        let url = try TestCluster.freshDatabase("agendaread")
        let file = CLI.tempDir().appendingPathComponent("tend.db").path
        let setUp = ["-e", "add \"Ana\"", "-e", "rule \"never\" when false then remind \"x\"", "-e", "done @ana rule \"never\" since 2026-11-01"]
        for db in [url, file] {
            let made = try Self.run(["--today", "2026-11-23"] + setUp, db: db)
            #expect(made.status == 0, "\(made.stderr)")
        }
        for query in ["print count(agenda)", "count(agenda where contact == @ana)", "assert count(agenda) == 0"] {
            let postgres = try Self.run(["--today", "2026-11-23", "-e", query], db: url)
            let sqlite = try Self.run(["--today", "2026-11-23", "-e", query], db: file)
            #expect(postgres.status == 0 && !postgres.stderr.contains("error"), "\(query): \(postgres.stderr)")
            #expect(postgres.stdout == sqlite.stdout && postgres.stderr == sqlite.stderr && postgres.status == sqlite.status, "\(query)")
        }
    }

    /// A run that only reads waits for no other transaction: a member's long write under way
    /// (a serializable transaction, as Tend's are) does not hold up a query.
    @Test func aReadWaitsForNoWriter() throws {
        let url = try TestCluster.freshDatabase("nowait")
        #expect(try Self.run(["-e", "add \"Ana\""], db: url).status == 0)
        let writer = Process()
        writer.executableURL = URL(fileURLWithPath: TestCluster.psql)
        writer.arguments = ["-X", "-q", url, "-c", "BEGIN ISOLATION LEVEL SERIALIZABLE; UPDATE contacts SET city = 'Lyon'; SELECT pg_sleep(60); COMMIT;"]
        writer.standardOutput = FileHandle.nullDevice
        writer.standardError = FileHandle.nullDevice
        try writer.run()
        let sleeping = "SELECT count(*) FROM pg_stat_activity WHERE query LIKE '%pg_sleep(60)%' AND pid <> pg_backend_pid()"
        defer {
            _ = try? TestCluster.psql("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE '%pg_sleep(60)%' AND pid <> pg_backend_pid()")
            writer.waitUntilExit()
        }
        let started = Date()
        while Date().timeIntervalSince(started) < 30, try TestCluster.psql(sleeping) != "1" { Thread.sleep(forTimeInterval: 0.05) }
        let read = try Self.run(["-e", "contacts show name, city"], db: url)
        #expect(read.status == 0 && read.stdout.contains("Ana"), "\(read.stderr)")
        // The writer is still under way: its change is not seen, and the read did not wait for it.
        #expect(writer.isRunning && !read.stdout.contains("Lyon"))
    }

    @Test func aFirstRunThatWorksMakesTheDatabaseTends() throws {
        let url = try TestCluster.freshDatabase("made")
        let r = try Self.run(["run", "-"], stdin: "add \"Ann Arbor\" +vip\n", db: url)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("tend: created a new database at \(url)"))
        #expect(try TestCluster.psql("SELECT handle || ' ' || tags FROM contacts", url: url) == "ann-arbor [\"vip\"]")
        let again = try Self.run(["-e", "contacts where +vip show name"], db: url)
        #expect(again.stdout.contains("Ann Arbor"))
        #expect(!again.stderr.contains("created"))
    }

    @Test func aForeignDatabaseIsRefusedFromTheCommandLine() throws {
        let url = try TestCluster.freshDatabase("foreigncli")
        try TestCluster.psql("CREATE TABLE orders (id integer)", url: url)
        for args in [["-e", "add \"Ann Arbor\""], ["-e", "count(contacts)"], ["check", "--db", url, "/dev/null"]] {
            let r = try Self.run(args, db: url)
            #expect(r.status == 3, "\(args): \(r.stderr)")
            #expect(r.stderr.contains("is not a Tend database"), "\(args): \(r.stderr)")
        }
        #expect(try TestCluster.tables(url) == ["orders"])
        // No table, but another program's sequence, function or type: refused and left alone
        // too (Tend's tables were made beside them).
        for object in [
            "CREATE SEQUENCE order_numbers", "CREATE FUNCTION answer() RETURNS int LANGUAGE sql AS 'SELECT 42'",
            "CREATE TYPE mood AS ENUM ('sad', 'ok')",
        ] {
            let other = try TestCluster.freshDatabase("foreignobject")
            try TestCluster.psql(object, url: other)
            let r = try Self.run(["-e", "add \"Ann Arbor\""], db: other)
            #expect(r.status == 3 && r.stderr.contains("is not a Tend database"), "\(object): \(r.stderr)")
            #expect(try TestCluster.tables(other) == [], "\(object)")
        }
    }

    @Test func noMessageShowsThePassword() throws {
        let good = try #require(TestCluster.passwordURL)
        let secret = "N0t-the-Passw0rd"
        let wrong = good.replacingOccurrences(of: #"(//[^:]+:)[^@]+@"#, with: "$1\(secret)@", options: .regularExpression)
        let unreachable = wrong.replacingOccurrences(of: #"@127\.0\.0\.1:\d+/"#, with: "@127.0.0.1:1/", options: .regularExpression)
        for url in [wrong, unreachable] {
            for args in [["-e", "count(contacts)"], ["run", "-"], ["--db", url, "-e", "add \"Ann\""], ["check", "--db", url, "/dev/null"]] {
                let r = try Self.run(args, stdin: "count(contacts)\n", db: url)
                #expect(r.status == 3, "\(args): \(r.stderr)")
                #expect(r.stderr.contains("tend: error: cannot connect to postgresql://tend_password:***@127.0.0.1:"), "\(args): \(r.stderr)")
                #expect(!(r.stderr + r.stdout).contains(secret))
            }
        }
        // The right password logs in; the run works.
        let handle = "pat-\(UUID().uuidString.prefix(8).lowercased())"
        let r = try Self.run(["run", "-"], stdin: "add \"Pat Example\" handle: \"\(handle)\"\n", db: good)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(!r.stderr.contains(try #require(good.split(separator: ":")[2].split(separator: "@").first)))
    }

    /// A password file others may read is passed over, and a login that fails for want of a
    /// password says so (the warning was lost with the failure: "none was given" alone).
    @Test func aPasswordFileOthersCanReadIsNamedWhenTheLoginFails() throws {
        let good = try #require(TestCluster.passwordURL)
        let password = try #require(good.split(separator: ":")[2].split(separator: "@").first)
        let bare = good.replacingOccurrences(of: ":\(password)@", with: "@")
        let dir = CLI.tempDir()
        let file = dir.appendingPathComponent("pgpass").path
        try "*:*:*:*:\(password)\n".write(toFile: file, atomically: true, encoding: .utf8)
        chmod(file, 0o644)
        let r = try CLI.run(["-e", "count(contacts)"], in: dir, env: ["TEND_DB": bare, "PGPASSFILE": file])
        #expect(r.status == 3 && r.stderr.contains("none was given") && r.stderr.contains(file), "\(r.stderr)")
        #expect(!r.stderr.contains(String(password)))
    }
}
