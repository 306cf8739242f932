import Foundation
import GRDB
import Testing

/// One mapping from what ended a command to its exit code (#18.4), whichever command it was and
/// whether ArgumentParser or Tend read the command line: 0 success, 1 an assertion failed, 2
/// nothing was run because the input is wrong, 3 a run-time, data or I/O error.
@Suite struct ExitCodeTests {
    /// Output that cannot be written (a full disk, a closed pipe with SIGPIPE ignored) stops the
    /// run before it commits: exit 3 and nothing kept, not a crash after the change was kept.
    @Test func unwritableOutputKeepsNothing() throws {
        let dir = CLI.tempDir()
        #expect(try CLI.run(["add", "Ann Lee"], in: dir).status == 0)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: CLI.binary)
        p.arguments = ["--db", dir.appendingPathComponent("tend.db").path, "-e", "add \"Full Disk\""]
        p.environment = ["TEND_TODAY": "2026-11-23", "NO_COLOR": "1", "HOME": dir.path]
        p.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: "/dev/full"))
        let err = Pipe()
        p.standardError = err
        try p.run()
        let message = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        #expect(p.terminationStatus == 3, "\(message)")
        #expect(message.contains("error: cannot write the output: No space left on device; nothing was changed"), "\(message)")
        #expect(try CLI.run(["-e", "count(contacts)"], in: dir).stdout == "1\n")
    }

    /// `tend check` against a database refuses what `run` refuses before running: a handle
    /// the database has no contact for and the scripts make none (check passed it, exit 0,
    /// and run then refused it, exit 2). Without a database, handles are not looked up.
    @Test func checkRefusesWhatRunRefuses() throws {
        let dir = CLI.tempDir()
        #expect(try CLI.run(["-e", "add \"Ann Lee\""], in: dir).status == 0)
        try "set @nobody company: \"X\"\nset @ann-lee company: \"Y\"\n".write(to: dir.appendingPathComponent("nb.tend"), atomically: true, encoding: .utf8)
        let check = try CLI.run(["check", "nb.tend"], in: dir)
        // A check that fails closes the database it read: no -wal or -shm is left beside it.
        for side in ["-wal", "-shm"] {
            #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("tend.db" + side).path), "\(side) left")
        }
        let run = try CLI.run(["run", "nb.tend"], in: dir)
        #expect(check.status == 2 && run.status == 2, "\(check.stderr) \(run.stderr)")
        #expect(check.stderr.contains("nb.tend:1:5: error: no contact @nobody"), "\(check.stderr)")
        try "add \"No Body\" handle: \"nobody\"\n".write(to: dir.appendingPathComponent("first.tend"), atomically: true, encoding: .utf8)
        #expect(try CLI.run(["check", "first.tend", "nb.tend"], in: dir).status == 0)
        #expect(try CLI.run(["check", "--db", dir.appendingPathComponent("none.db").path, "nb.tend"], in: dir).status == 0)
        // The default database, named by neither --db nor TEND_DB, gives its definitions but is
        // not asked for contacts: a script kept in git names the team's, not one's own (a spec
        // example's `snooze @joan-rivera 2w` failed check on a machine with a personal database).
        let home = ["TEND_DB": "", "XDG_DATA_HOME": dir.appendingPathComponent("xdg").path]
        let made = try CLI.run(["--db", dir.appendingPathComponent("xdg/tend/tend.db").path, "-e", "add \"Ann Lee\""], in: dir)
        #expect(made.status == 0, "\(made.stderr)")
        let unnamed = try CLI.run(["check", "nb.tend"], in: dir, env: home)
        #expect(unnamed.status == 0, "\(unnamed.stderr)")
    }

    /// `tend check` whose errors cannot be written (standard error full or closed) still ends
    /// with its status, 2: Foundation's FileHandle write ended it with SIGILL, exit 132.
    @Test func checkWithNowhereToSayItStillExits() throws {
        let dir = CLI.tempDir()
        try "print 1 +* 2\n".write(to: dir.appendingPathComponent("ce.tend"), atomically: true, encoding: .utf8)
        for redirect in ["2>/dev/full", "2>&-"] {
            let r = try CLI.run(["/bin/sh", "-c", "'\(CLI.binary)' check ce.tend \(redirect); echo \"status $?\""], in: dir, raw: true)
            #expect(r.stdout == "status 2\n", "\(redirect): \(r.stdout) \(r.stderr)")
        }
    }

    /// SIGTERM (CI cancelling a job) stops a run as Ctrl-C stops a statement: rolled back, the
    /// file it exported put back as it was, exit 3. It died at once (143), its data rolled back
    /// but the file it had written over left so.
    @Test func aTerminatedRunPutsItsFilesBack() throws {
        let dir = CLI.tempDir()
        #expect(try CLI.run(["demo", "--size", "1000"], in: dir).status == 0)
        try "precious\n".write(to: dir.appendingPathComponent("sig.csv"), atomically: true, encoding: .utf8)
        try """
            add "Sig Person"
            export csv "sig.csv" overwrite
            print count(contacts as c where count(interactions where note ~ c.name) > 0)
            """.write(to: dir.appendingPathComponent("sig.tend"), atomically: true, encoding: .utf8)
        let run = Process()
        run.executableURL = URL(fileURLWithPath: CLI.binary)
        run.arguments = ["--db", dir.appendingPathComponent("tend.db").path, "--today", "2026-11-23", "run", "sig.tend"]
        run.currentDirectoryURL = dir
        run.standardOutput = FileHandle.nullDevice
        let errors = Pipe()
        run.standardError = errors
        try run.run()
        // Once the export is written, the run is in its long query.
        let csv = dir.appendingPathComponent("sig.csv")
        let started = Date()
        while Date().timeIntervalSince(started) < 30, (try? String(contentsOf: csv, encoding: .utf8)) == "precious\n" {
            Thread.sleep(forTimeInterval: 0.05)
        }
        Thread.sleep(forTimeInterval: 0.3)
        run.terminate()
        let said = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        run.waitUntilExit()
        #expect(run.terminationReason == .exit && run.terminationStatus == 3, "\(run.terminationStatus): \(said)")
        #expect(said.contains("stopped (SIGTERM)"), "\(said)")
        #expect(try String(contentsOf: csv, encoding: .utf8) == "precious\n")
        #expect(try CLI.run(["-e", "count(contacts)"], in: dir).stdout == "1000\n")
    }

    /// SIGTERM stops an export between two pieces of its file, which is then put back (b88: an
    /// export of 100,000 contacts wrote its whole file, 9 s, before it was removed).
    @Test func aTerminatedExportStopsWhileItWrites() throws {
        let dir = CLI.tempDir()
        #expect(try CLI.run(["demo", "--size", "5000"], in: dir).status == 0)
        let arguments = ["--db", dir.appendingPathComponent("tend.db").path, "--today", "2026-11-23", "export", "vcard", "all.vcf"]
        // The whole export's time (the second time: the first works out the kept figures), then
        // half of it: the contacts are read in the first fifth.
        var whole = 0.0
        for _ in 0..<2 {
            let begun = Date()
            #expect(try CLI.run(Array(arguments.dropFirst(4)), in: dir).status == 0)
            whole = Date().timeIntervalSince(begun)
            try FileManager.default.removeItem(at: dir.appendingPathComponent("all.vcf"))
        }
        let run = Process()
        run.executableURL = URL(fileURLWithPath: CLI.binary)
        run.arguments = arguments
        run.currentDirectoryURL = dir
        run.standardOutput = FileHandle.nullDevice
        let errors = Pipe()
        run.standardError = errors
        try run.run()
        Thread.sleep(forTimeInterval: whole / 2)
        run.terminate()
        let stopped = Date()
        let said = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        run.waitUntilExit()
        let took = Date().timeIntervalSince(stopped)
        #expect(run.terminationReason == .exit && run.terminationStatus == 3, "\(run.terminationStatus): \(said)")
        #expect(said.contains("stopped (SIGTERM)"), "\(said)")
        #expect(took < whole / 4, "\(took) s of \(whole) s: \(said)")
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("all.vcf").path))
    }

    /// A script from standard input is bounded as a file is, and a NUL byte ends the read at
    /// once: 2 GB of zeros were read whole (3.9 GB of memory) before "binary file", /dev/zero
    /// 1 GB before "larger than 1024 MB", and `yes | tend run -` grew without end.
    @Test func binaryScriptsStopAtTheirFirstNul() throws {
        let dir = CLI.tempDir()
        let piped = try CLI.run(["/bin/sh", "-c", "head -c 300000000 /dev/zero | '\(CLI.binary)' run --read-only -; echo \"status $?\""], in: dir, raw: true)
        #expect(piped.stdout == "status 2\n" && piped.stderr.contains("<stdin>: it is a binary file"), "\(piped.stdout) \(piped.stderr)")
        let device = try CLI.run(["run", "--read-only", "/dev/zero"], in: dir)
        #expect(device.status == 2 && device.stderr.contains("/dev/zero: it is a binary file"), "\(device.stderr)")
    }

    /// A script with a slip on every line shows its first 100 errors and counts the rest; a
    /// megabyte name is quoted by its start; a misspelt statement word is suggested as one (`lgo`
    /// was offered "lgo" as text). 20,000 errors took 20 s; a megabyte name never finished.
    @Test func manyOrHugeErrorsAreCutShort() throws {
        let dir = CLI.tempDir()
        let slips = (0..<20_000).map { "print nosuchname\($0)" }.joined(separator: "\n") + "\n"
        try slips.write(to: dir.appendingPathComponent("slips.tend"), atomically: true, encoding: .utf8)
        let many = try CLI.run(["check", "slips.tend"], in: dir)
        #expect(many.status == 2)
        #expect(many.stderr.components(separatedBy: "error: unknown name").count - 1 == 100)
        #expect(many.stderr.hasSuffix("… and 19900 more errors, not shown\n20000 errors\n"), "\(many.stderr.suffix(200))")
        let run = try CLI.run(["run", "slips.tend"], in: dir)
        #expect(run.status == 2 && run.stderr.hasSuffix("… and 19900 more errors, not shown\n20000 errors; nothing was run\n"), "\(run.stderr.suffix(200))")
        try ("print " + String(repeating: "a", count: 1_000_000) + "\n").write(
            to: dir.appendingPathComponent("huge.tend"), atomically: true, encoding: .utf8)
        let huge = try CLI.run(["check", "huge.tend"], in: dir)
        #expect(huge.status == 2 && huge.stderr.count < 2000, "\(huge.stderr.count) characters")
        #expect(huge.stderr.contains("unknown name 'aaaaaaaaaa") && huge.stderr.contains("…'"))
        let slip = try CLI.run(["-e", "lgo lunch with @dana-lee"], in: dir)
        #expect(slip.status == 2 && slip.stderr.contains("unknown name 'lgo'; did you mean log?"), "\(slip.stderr)")
    }

    @Test func successIsZero() throws {
        let dir = CLI.tempDir()
        #expect(try CLI.run(["add", "Ann Lee"], in: dir).status == 0)
        for args in [["--help"], ["--version"], ["help", "add"], ["-e", "1 + 1"], ["--format", "csv", "-e", "1 + 1"]] {
            let r = try CLI.run(args, in: dir)
            #expect(r.status == 0, "\(args): \(r.stderr)")
        }
    }

    @Test func aFailedAssertionIsOne() throws {
        let dir = CLI.tempDir()
        #expect(try CLI.run(["add", "Ann Lee"], in: dir).status == 0)
        // Read by Tend's own reader and by ArgumentParser.
        for args in [["-e", "assert 1 == 2"], ["--format", "csv", "-e", "assert 1 == 2"]] {
            let r = try CLI.run(args, in: dir)
            #expect(r.status == 1, "\(args): \(r.stderr)")
        }
    }

    /// A command line ArgumentParser refuses ran nothing, like a script that does not parse: 2,
    /// not ArgumentParser's own 64.
    @Test func aCommandLineThatDoesNotParseIsTwo() throws {
        let dir = CLI.tempDir()
        let cases: [([String], String)] = [
            (["agenda", "--limit", "-1"], "--limit must be 0 or more, not -1"),
            (["completion", "tcsh"], "no completion for tcsh"),
            (["frobnicate"], "frobnicate"),
            (["run"], "Missing expected argument"),
            (["-e", "1 +"], "error:"),
        ]
        for (args, message) in cases {
            let r = try CLI.run(args, in: dir)
            #expect(r.status == 2, "\(args): \(r.status) \(r.stderr)")
            #expect(r.stderr.contains(message), "\(args): \(r.stderr)")
            #expect(r.stdout.isEmpty, "\(args): \(r.stdout)")
        }
    }

    /// Dump and demo failing are errors of data (3), never the assertion code.
    @Test func dumpAndDemoFailuresAreThree() throws {
        let dir = CLI.tempDir()
        let db = dir.appendingPathComponent("t.db").path
        #expect(try CLI.run(["--db", db, "demo", "--size", "50"], in: dir).status == 0)
        let again = try CLI.run(["--db", db, "demo", "--size", "50"], in: dir)
        #expect(again.status == 3, "\(again.stderr)")
        #expect(again.stderr.contains("already has contacts"))
        // A value no Tend could have written: dump names it instead of writing a wrong script.
        try DatabaseQueue(path: db).write { try $0.execute(sql: "UPDATE contacts SET cadence_days = 9223372036854775807 WHERE id = 3") }
        let dump = try CLI.run(["--db", db, "dump"], in: dir)
        #expect(dump.status == 3, "\(dump.stderr)")
        #expect(dump.stderr.contains("cadence is out of range"), "\(dump.stderr)")
        // A database whose contacts another program made unreadable: demo says so in words (it
        // exited 1 with SQLite's message before).
        let broken = dir.appendingPathComponent("broken.db").path
        #expect(try CLI.run(["--db", broken, "-e", "add \"Ann Lee\""], in: dir).status == 0)
        try DatabaseQueue(path: broken).writeWithoutTransaction {
            try $0.execute(sql: "PRAGMA foreign_keys = OFF; DROP TABLE contacts; CREATE TABLE gone(x); CREATE VIEW contacts AS SELECT * FROM gone; DROP TABLE gone")
        }
        let demo = try CLI.run(["--db", broken, "demo"], in: dir)
        #expect(demo.status == 3, "\(demo.stderr)")
        #expect(demo.stderr.contains("tend: error: "), "\(demo.stderr)")
    }
}
