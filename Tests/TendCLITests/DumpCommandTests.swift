import Foundation
import GRDB
import Testing

    /// A restore of over a thousand changes into an empty database gives the same database,
    /// every index there and whole (a restore that made its indexes at its end, as sqlite3's
    /// `.dump` does, was tried: the run's own reads scanned without them, 1.7 times slower).
    @Test func aLargeRestoreKeepsEveryIndex() throws {
        let source = CLI.tempDir()
        #expect(try CLI.run(["demo", "--size", "300"], in: source).status == 0)
        let dump = try CLI.run(["dump"], in: source).stdout
        #expect(dump.split(separator: "\n").count > 1000)
        let copy = CLI.tempDir()
        let restored = try CLI.run(["run", "-"], stdin: dump, in: copy)
        #expect(restored.status == 0, "\(restored.stderr)")
        #expect(try CLI.run(["dump"], in: copy).stdout == dump)
        func indexes(_ dir: URL) throws -> String {
            try CLI.run(["/usr/bin/env", "sqlite3", "tend.db", "SELECT name || ' ' || sql FROM sqlite_master WHERE type = 'index' ORDER BY name"], in: dir, raw: true).stdout
        }
        #expect(try indexes(copy) == indexes(source) && !(try indexes(copy)).isEmpty)
        #expect(try CLI.run(["/usr/bin/env", "sqlite3", "tend.db", "PRAGMA integrity_check"], in: copy, raw: true).stdout == "ok\n")
    }

/// `tend dump` → `tend run` on an empty database → `tend dump` gives the same text (#17.10).
@Suite struct DumpCommandTests {
    @Test func dumpRunDumpIsIdentical() throws {
        let dir = CLI.tempDir()
        let db = dir.appendingPathComponent("rich.db").path
        #expect(try CLI.run(["--db", db, "demo", "--size", "40"], in: dir).status == 0)
        let changes = try CLI.run(
            ["--db", db, "run", "-"],
            stdin: """
                fn partner_value(c) = c.referrals_given * 100 + w_partner
                let w_partner = 7
                score worth = partner_value(it)
                goal "Partners" metric: sum(contacts, partner_value(it)) target: 900 per quarter
                goal "Third" metric: count(interactions) target: 10 / 3 per month
                drop rule "reconnect"
                rule "reconnect" when days_since(last_touch ?? created) > 200 then remind "Reconnect with {name} \\{soon\\}"
                drop fn default_cadence cascade
                add "Zoë \\"Q\\" O'Neil" handle: "zoe", notes: "line one\\nline two\\ttab \\u{7}", tags: ["odd tag", "vip"]
                set @zoe stage: credibility on 2026-03-01
                set @zoe stage: visibility on 2026-02-01
                snooze @zoe until 2027-01-01
                """, in: dir)
        #expect(changes.status == 0, "\(changes.stderr)")
        let first = try CLI.run(["--db", db, "dump"], in: dir)
        #expect(first.status == 0, "\(first.stderr)")
        let copy = dir.appendingPathComponent("copy.db").path
        let restore = try CLI.run(["--db", copy, "run", "-"], stdin: first.stdout, in: dir)
        #expect(restore.status == 0, "\(restore.stderr.prefix(2000))")
        let second = try CLI.run(["--db", copy, "dump"], in: dir)
        #expect(first.stdout == second.stdout)
        let agenda = try CLI.run(["--db", db, "agenda"], in: dir)
        #expect(try CLI.run(["--db", copy, "agenda"], in: dir).stdout == agenda.stdout)
        // A goal's target comes back whole (it was written to six decimals: 3.333333).
        let target = ["--format", "json", "-e", "goals where name == \"Third\" show target"]
        let written = try CLI.run(["--db", db] + target, in: dir).stdout
        let restored = try CLI.run(["--db", copy] + target, in: dir).stdout
        #expect(written.contains("3.33333333333") && restored == written, "\(written) \(restored)")
    }

    /// Agenda items closed, dismissed or snoozed are in the dump as the states they were put in
    /// on their day (an acceptance run found them back on the rebuilt database's agenda).
    /// A dump cut short (a full disk, a dropped `ssh … | tend run -`) is refused whole, exit 2,
    /// nothing run: cut at a line's end or inside one after a whole option, it ran with exit 0
    /// and restored part of the network. A dump an older Tend wrote (no such last line) runs.
    /// A dump saved with CR LF line ends (git's autocrlf, a Windows editor) restores as the
    /// dump itself: the definitions kept a CR on every line, and the next dump differed.
    @Test func aDumpWithCRLFLineEndsRestoresTheSame() throws {
        let dir = CLI.tempDir()
        #expect(try CLI.run(["run", "-"], stdin: "add \"Ann Ash\"\nfn twice(x) =\n  x +\n  x\ngoal \"calls\" metric: count(interactions\n where kind == \"call\") target: 3 per week\n", in: dir).status == 0)
        let dump = try CLI.run(["dump"], in: dir).stdout
        #expect(dump.contains("fn twice(x) =\n  x +\n  x"), "\(dump)")
        let copy = CLI.tempDir()
        let crlf = dump.replacingOccurrences(of: "\n", with: "\r\n")
        #expect(try CLI.run(["run", "-"], stdin: crlf, in: copy).status == 0)
        #expect(try CLI.run(["dump"], in: copy).stdout == dump)
    }

    @Test func aDumpCutShortRunsNothing() throws {
        let dir = CLI.tempDir()
        let db = dir.appendingPathComponent("d.db").path
        #expect(try CLI.run(["--db", db, "demo", "--size", "50"], in: dir).status == 0)
        let dump = try CLI.run(["--db", db, "dump"], in: dir).stdout
        #expect(dump.hasSuffix("\n# End of Tend dump.\n"))
        let lines = dump.split(separator: "\n", omittingEmptySubsequences: false)
        let cuts = [
            lines.prefix(300).joined(separator: "\n") + "\n",
            String(dump.prefix(through: dump.range(of: "company: ")!.upperBound)) + "\"Northwind\"",
            String(dump.dropLast("# End of Tend dump.\n".count)),
            // Cut in its first bytes: inside the first line, after it, inside the second (b69, b73).
            String(dump.prefix(3)), String(dump.prefix(20)), String(dump.prefix(through: dump.firstIndex(of: "\n")!)),
            String(dump.prefix(upTo: dump.firstIndex(of: "\n")!)),
            String(dump.prefix(dump.firstIndex(of: "\n")!.utf16Offset(in: dump) + 10)),
        ]
        for (n, cut) in cuts.enumerated() {
            let copy = dir.appendingPathComponent("cut\(n).db").path
            let r = try CLI.run(["--db", copy, "run", "-"], stdin: cut, in: dir)
            #expect(r.status == 2, "cut \(n): \(r.stderr.prefix(500))")
            #expect(r.stderr.contains("error: this dump was cut short"), "cut \(n): \(r.stderr.prefix(500))")
            #expect(!FileManager.default.fileExists(atPath: copy), "cut \(n)")
        }
        // Whole, with Windows line ends or blank lines after it, it runs.
        let crlf = dump.replacingOccurrences(of: "\n", with: "\r\n") + "\r\n\n"
        let whole = try CLI.run(["--db", dir.appendingPathComponent("crlf.db").path, "run", "-"], stdin: crlf, in: dir)
        #expect(whole.status == 0, "\(whole.stderr.prefix(500))")
        // Text after the end line (a script joined after it, blanks after the line) runs too.
        let joined = dump.replacingOccurrences(of: "# End of Tend dump.\n", with: "# End of Tend dump.  \nadd \"Joined Later\"\n")
        let more = try CLI.run(["--db", dir.appendingPathComponent("joined.db").path, "run", "-"], stdin: joined, in: dir)
        #expect(more.status == 0, "\(more.stderr.prefix(500))")
        // An older dump, with the first line alone and no last line, runs as before.
        let older = lines.enumerated().filter { $0.offset != 1 && !$0.element.hasPrefix("# End of Tend dump.") }.map(\.element).joined(separator: "\n")
        let old = try CLI.run(["--db", dir.appendingPathComponent("old.db").path, "run", "-"], stdin: older, in: dir)
        #expect(old.status == 0, "\(old.stderr.prefix(500))")
    }

    @Test func agendaItemStatesAreRebuilt() throws {
        let dir = CLI.tempDir()
        let db = dir.appendingPathComponent("a.db").path
        let setup = "add \"Ann A\" cadence: 1w, created: 2026-10-01\nadd \"Bo B\" cadence: 1w, created: 2026-10-01\nadd \"Cy C\" cadence: 1w, created: 2026-10-01\nrule \"mail\" when true then remind \"Mail {name}\"\n"
        #expect(try CLI.run(["--db", db, "run", "-"], stdin: setup, in: dir).status == 0)
        #expect(try CLI.run(["--db", db, "agenda", "by", "item"], in: dir).status == 0)
        for command in [["dismiss", "1", "for", "30d"], ["snooze", "3", "1w"], ["-e", "done @cy-c rule \"mail\" note: \"sent \\\"it\\\"\""]] {
            let r = try CLI.run(["--db", db] + command, in: dir)
            #expect(r.status == 0, "\(command): \(r.stderr)")
        }
        let later = ["TEND_TODAY": "2026-11-25"]
        let agenda = try CLI.run(["--db", db, "--format", "csv", "agenda", "by", "item"], in: dir, env: later)
        let dump = try CLI.run(["--db", db, "dump"], in: dir, env: later)
        #expect(dump.stdout.contains("\ndone @cy-c rule \"mail\" since 2026-11-23 note: \"sent \\\"it\\\"\"\n"), "\(dump.stdout)")
        let copy = dir.appendingPathComponent("copy.db").path
        let restore = try CLI.run(["--db", copy, "run", "-"], stdin: dump.stdout, in: dir, env: later)
        #expect(restore.status == 0, "\(restore.stderr)")
        #expect(try CLI.run(["--db", copy, "dump"], in: dir, env: later).stdout == dump.stdout)
        #expect(try CLI.run(["--db", copy, "--format", "csv", "agenda", "by", "item"], in: dir, env: later).stdout == agenda.stdout)
        let why = try CLI.run(["--db", copy, "--format", "csv", "-e", "why @cy-c"], in: dir).stdout
        #expect(why.contains("  done,\"on 2026-11-23 until the rule stops applying: sent \"\"it\"\"\",true"), "\(why)")
    }
}

/// What a dump writes must read back: found by restoring dumps of hostile data.
@Suite struct DumpReadsBackTests {
    /// Kinds a word test by characters took for words: `İstanbul` (lowercased to i and a
    /// combining dot), a decomposed `café`, a zero-width joiner. The lexer reads scalars, and
    /// refused them; they are written quoted now.
    @Test func kindsThatAreNoWordsAreQuoted() throws {
        let dir = CLI.tempDir()
        let db = dir.appendingPathComponent("k.db").path
        let setup = try CLI.run(
            ["--db", db, "run", "-"],
            stdin: """
                add "Ann Ash" handle: "ann"
                log "İstanbul" with @ann on 2026-10-01
                log "cafe\\u{301}" with @ann on 2026-10-02
                log "a\\u{200D}b" with @ann on 2026-10-03
                log "x2" with @ann on 2026-10-04

                """, in: dir)
        #expect(setup.status == 0, "\(setup.stderr)")
        let dump = try CLI.run(["--db", db, "dump"], in: dir).stdout
        #expect(dump.contains("log x2 with @ann"), "\(dump)")
        let copy = dir.appendingPathComponent("copy.db").path
        let restore = try CLI.run(["--db", copy, "run", "-"], stdin: dump, in: dir)
        #expect(restore.status == 0, "\(restore.stderr)")
        #expect(try CLI.run(["--db", copy, "dump"], in: dir).stdout == dump)
    }

    /// `set` refuses what `log` and `refer` refuse: a blank kind, a referral given about white
    /// space (the dump wrote `refer ""`, which its restore refused); about no one said it takes.
    @Test func setRefusesWhatLoggingRefuses() throws {
        let dir = CLI.tempDir()
        let db = dir.appendingPathComponent("s.db").path
        let setup = try CLI.run(
            ["--db", db, "-e", "add \"Ann Ash\" handle: \"ann\"", "-e", "log call with @ann", "-e", "refer \"Kim Li\" to @ann", "-e",
             "referral from @ann"], in: dir)
        #expect(setup.status == 0, "\(setup.stderr)")
        for (statement, message) in [
            ("set interaction 1 kind: \" \"", "kind: takes a word"), ("set referral 1 about: \"  \"", "needs what it is about"),
        ] {
            let r = try CLI.run(["--db", db, "-e", statement], in: dir)
            #expect(r.status == 3 && r.stderr.contains(message), "\(statement): \(r.stderr)")
        }
        // A referral received may be about no one in particular; one given too, as `refer to @x` says.
        #expect(try CLI.run(["--db", db, "-e", "set referral 2 about: null"], in: dir).status == 0)
        #expect(try CLI.run(["--db", db, "-e", "set referral 1 about: null"], in: dir).status == 0)
        let dump = try CLI.run(["--db", db, "dump"], in: dir).stdout
        #expect(dump.contains("refer to @ann on"), "\(dump)")
        let restore = try CLI.run(["--db", dir.appendingPathComponent("copy.db").path, "run", "-"], stdin: dump, in: dir)
        #expect(restore.status == 0, "\(restore.stderr)")
    }

    /// A referral given whose "whom" is not kept (written by another program, empty or none) is
    /// dumped as `refer to @x`, which restores it: the dump was `refer "" to @x`, refused (b78 F8);
    /// one without a status as `status: null` (restored, it was open).
    @Test func aReferralGivenAboutNoOneIsDumpedSoItRestores() throws {
        let dir = CLI.tempDir()
        let db = dir.appendingPathComponent("r.db").path
        let setup = try CLI.run(["--db", db, "-e", "add \"Ann Ash\" handle: \"ann\"", "-e", "refer \"Kim Li\" to @ann"], in: dir)
        #expect(setup.status == 0, "\(setup.stderr)")
        try DatabaseQueue(path: db).write { db in
            try db.execute(sql: "INSERT INTO referrals (direction, contact_id, about, \"on\") VALUES ('given', 1, '', '2026-01-01'), ('given', 1, NULL, '2026-01-02')")
        }
        let dump = try CLI.run(["--db", db, "dump"], in: dir).stdout
        // Their status none said either: written so, as `refer` would make it open.
        #expect(dump.contains("refer to @ann on 2026-01-01 status: null") && dump.contains("refer to @ann on 2026-01-02 status: null"), "\(dump)")
        let copy = dir.appendingPathComponent("copy.db").path
        let restore = try CLI.run(["--db", copy, "run", "-"], stdin: dump, in: dir)
        #expect(restore.status == 0, "\(restore.stderr)")
        #expect(try CLI.run(["--db", copy, "dump"], in: dir).stdout == dump)
        #expect(try CLI.run(["--db", copy, "-e", "count(referrals where about == null)"], in: dir).stdout.contains("2"))
        // Written so by hand, it records a referral given to Ann, whom not said; from the shell too.
        let typed = try CLI.run(["--db", copy, "-e", "refer to @ann value: 50"], in: dir)
        #expect(typed.status == 0 && typed.stdout.contains("Referral 4 to @ann"), "\(typed.stdout) \(typed.stderr)")
        let shell = try CLI.run(["--db", copy, "refer", "to", "@ann"], in: dir)
        #expect(shell.status == 0 && shell.stdout.contains("Referral 5 to @ann"), "\(shell.stdout) \(shell.stderr)")
        #expect(try CLI.run(["--db", copy, "refer", "Kim Lo", "to", "@ann"], in: dir).stdout.contains("Referral 6: Kim Lo to @ann"))
        // White space alone is no whom either: dumped as none, so that it restores.
        try DatabaseQueue(path: copy).write { try $0.execute(sql: "UPDATE referrals SET about = ' \t\n' WHERE id = 5") }
        let spaced = try CLI.run(["--db", copy, "dump"], in: dir).stdout
        #expect(spaced.contains("refer to @ann on"))
        #expect(try CLI.run(["--db", dir.appendingPathComponent("again.db").path, "run", "-"], stdin: spaced, in: dir).status == 0)
    }

    /// The end line inside a definition's string is no end line: a dump cut short after it ran
    /// whole, without the rules and lets after it.
    @Test func anEndLineInsideAStringIsNoEnd() throws {
        let dir = CLI.tempDir()
        let db = dir.appendingPathComponent("e.db").path
        let setup = try CLI.run(
            ["--db", db, "run", "-"],
            stdin: "add \"Ann Ash\"\nlet z = \"x\n# End of Tend dump.\ny\"\nrule \"mine\" when true then remind \"m\"\n", in: dir)
        #expect(setup.status == 0, "\(setup.stderr)")
        let dump = try CLI.run(["--db", db, "dump"], in: dir).stdout
        let lines = dump.split(separator: "\n", omittingEmptySubsequences: false)
        guard let inString = lines.firstIndex(of: "# End of Tend dump."), inString < lines.count - 2 else {
            Issue.record("no end line inside the string: \(dump)")
            return
        }
        let cut = lines[...(inString + 1)].joined(separator: "\n") + "\n"
        let copy = dir.appendingPathComponent("cut.db").path
        let r = try CLI.run(["--db", copy, "run", "-"], stdin: cut, in: dir)
        #expect(r.status == 2 && r.stderr.contains("this dump was cut short"), "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: copy))
        // Whole, it runs.
        #expect(try CLI.run(["--db", copy, "run", "-"], stdin: dump, in: dir).status == 0)
    }
}
