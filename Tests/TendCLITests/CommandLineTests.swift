import Foundation
import Testing

/// The command line a new user meets first (#23, items 12–15): versions, help per command,
/// arguments that start with a dash, dates in words, changing statements as commands, shell
/// completion and the manual page.
@Suite struct CommandLineTests {
    @Test func versionAndHelpPerCommand() throws {
        let dir = CLI.tempDir()
        let version = try CLI.run(["--version"], in: dir)
        #expect(version.status == 0)
        #expect(version.stdout.hasPrefix("0."))
        for args in [["help", "add"], ["add", "--help"]] {
            let r = try CLI.run(args, in: dir)
            #expect(r.status == 0, "\(args): \(r.stderr)")
            #expect(r.stdout.contains("add \"NAME\" [field: value, …] [+tag] [flags]"), "\(args): \(r.stdout)")
            #expect(r.stdout.contains("USAGE: tend add"))
        }
        let importHelp = try CLI.run(["import", "--help"], in: dir)
        #expect(importHelp.stdout.contains("json"))
        // Paragraphs are not broken in the middle of a sentence by hard line ends.
        let root = try CLI.run(["--help"], in: dir)
        #expect(!root.stdout.contains("database;\nwith input\npiped"), "\(root.stdout)")
        #expect(!root.stdout.contains("with input\npiped in"))
    }

    /// `tend help WORD` for no command is a command line that does not parse (exit 2, with the
    /// nearest command); `tend check -` reads standard input, as `run -` does.
    @Test func helpForNoCommandAndCheckFromStandardInput() throws {
        let dir = CLI.tempDir()
        let none = try CLI.run(["help", "rnu"], in: dir)
        #expect(none.status == 2 && none.stderr == "tend: error: no command 'rnu'; did you mean run? (tend --help lists them)\n", "\(none.stderr)")
        #expect(try CLI.run(["help", "run"], in: dir).status == 0)
        // So after a global option (b105 F4: the general help, exit 0).
        let after = try CLI.run(["--db", "x.db", "help", "rnu"], in: dir)
        #expect(after.status == 2 && after.stderr == none.stderr, "\(after.stderr)")
        #expect(try CLI.run(["--db", "x.db", "help", "queries"], in: dir).stdout.contains("COLLECTION [where COND]"))
        // A `.help` topic of the language is shown as the REPL shows it (b74: "no command").
        let topic = try CLI.run(["help", "queries"], in: dir)
        #expect(topic.status == 0 && topic.stdout.contains("COLLECTION [where COND]"), "\(topic.stdout)\(topic.stderr)")
        #expect(try CLI.run(["help", "functions"], in: dir).stdout.contains("days_since"))
        let bad = try CLI.run(["check", "-"], stdin: "contacts where stage > 3\n", in: dir)
        #expect(bad.status == 2 && bad.stderr.contains("<stdin>:1:16: error: cannot compare a stage with a number"), "\(bad.stderr)")
        #expect(try CLI.run(["check", "-"], stdin: "count(contacts)\n", in: dir).status == 0)
    }

    /// A first word that is no command: a misspelt one gets the nearest, a query how to run it
    /// (each was ArgumentParser's "Unexpected argument" alone); exit 2, nothing created.
    @Test(arguments: [
        (["agnda"], "tend: error: no command 'agnda'; did you mean agenda? (tend --help lists them)\n"),
        (["--db", "x.db", "agnda", "limit", "2"], "tend: error: no command 'agnda'; did you mean agenda? (tend --help lists them)\n"),
        (["contacts", "where", "+vip"], "tend: error: no command 'contacts'; a query or expression runs with -e: tend -e 'contacts where +vip'\n"),
        (["@dana-lee"], "tend: error: no command '@dana-lee'; a query or expression runs with -e: tend -e '@dana-lee'\n"),
        (["count(contacts)"], "tend: error: no command 'count(contacts)'; a query or expression runs with -e: tend -e 'count(contacts)'\n"),
    ])
    func aWordThatIsNoCommand(_ args: [String], _ said: String) throws {
        let dir = CLI.tempDir()
        let r = try CLI.run(args, in: dir)
        #expect(r.status == 2 && r.stderr == said, "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("tend.db").path))
    }

    /// `tend import c.vcf`: the format left out is said with the command meant (it said the file
    /// was missing); a format without its file says so. Exit 2, nothing created.
    @Test(arguments: [
        (["import", "c.vcf"], "'c.vcf' is a file; the format comes before it, as in: tend import vcard c.vcf"),
        (["import", "cal/work.ics"], "as in: tend import ics cal/work.ics"),
        (["import", "notes.txt"], "as in: tend import FORMAT notes.txt"),
        (["import", "vcard"], "name the file after the format, as in: tend import vcard FILE"),
        (["import", "vcf"], "cannot import 'vcf'; formats are vcard,"),
        (["export", "out.csv"], "as in: tend export csv out.csv"),
        (["export", "out.vcf", "contacts where +vip"], "as in: tend export vcard out.vcf"),
        (["export", "json"], "name the file after the format, as in: tend export json FILE"),
    ])
    func aFormatLeftOut(_ args: [String], _ said: String) throws {
        let dir = CLI.tempDir()
        let r = try CLI.run(args, in: dir)
        #expect(r.status == 2 && r.stderr.contains(said), "\(args): \(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("tend.db").path))
    }

    @Test func valuesThatStartWithADash() throws {
        let dir = CLI.tempDir()
        _ = try CLI.run(["add", "Ann Lee"], in: dir)
        let r = try CLI.run(["-e", "-7 % 3"], in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout == "-1\n")
        let spelled = try CLI.run(["--format", "csv", "-e", "-7 % 3"], in: dir)
        #expect(spelled.stdout == "-1\n", "ArgumentParser's path: \(spelled.stderr)")
        let limit = try CLI.run(["agenda", "--limit", "-1"], in: dir)
        #expect(limit.status != 0)
        #expect(limit.stderr.contains("--limit must be 0 or more, not -1"), "\(limit.stderr)")
    }

    /// `tend goal … metric: EXPR` takes the metric as the expression the shell passed, spaces
    /// and all (it was quoted as text, and refused as "'metric:' must be a number, not a string").
    @Test func aGoalsMetricFromTheShell() throws {
        let dir = CLI.tempDir()
        let goal = try CLI.run(
            ["goal", "Meet in person", "metric:", #"count(interactions where kind == "lunch")"#, "target:", "12", "per", "quarter"], in: dir)
        #expect(goal.status == 0, "\(goal.stderr)")
        let metric = try CLI.run(["--format", "csv", "-e", "goals show metric"], in: dir)
        #expect(metric.stdout == "metric\n\"count(interactions where kind == \"\"lunch\"\")\"\n", "\(metric.stdout)")
        // A # in it would make the rest of the command line a comment: it is text then, and refused.
        let comment = try CLI.run(["goal", "G5", "metric:", "count(interactions) # lunches", "target:", "12", "per", "quarter"], in: dir)
        #expect(comment.status == 2 && comment.stderr.contains("a goal's metric is an expression"), "\(comment.stderr)")
    }

    /// `tend -e 'contacts' -e 'agenda'` ran the last statement only, silently. Several `-e` run
    /// in order as one script (one transaction), on both paths through the command line.
    @Test func severalStatementsRunInOrder() throws {
        let dir = CLI.tempDir()
        let quick = try CLI.run(["-e", "add \"Ann Lee\"", "-e", "count(contacts)"], in: dir)
        #expect(quick.status == 0, "\(quick.stderr)")
        #expect(quick.stdout == "Added @ann-lee (Ann Lee).\n1\n")
        let parsed = try CLI.run(["-e", "-7 % 3", "--yes", "-e", "count(contacts)"], in: dir)
        #expect(parsed.stdout == "-1\n1\n", "ArgumentParser's path: \(parsed.stderr)")
        let failing = try CLI.run(["-e", "add \"Bo Kim\"", "-e", "log call with @ann-lee quality: 0 * 1"], in: dir)
        #expect(failing.status == 3)
        #expect(failing.stderr.contains("<-e>:2:33: error: quality is a whole number from 1 to 5"), "\(failing.stderr)")
        #expect(try CLI.run(["-e", "count(contacts)"], in: dir).stdout == "1\n")
    }

    /// `run`'s own options may come before it, with the global ones, as `--db` and `--today` may
    /// come after it (`tend --db x --bail run f` was refused).
    @Test(arguments: [
        ["--bail", "run", "s.tend"], ["run", "--bail", "s.tend"], ["--today", "2026-11-23", "--bail", "run", "s.tend"],
        ["--quiet", "--bail", "run", "s.tend"], ["--db=tend.db", "--bail", "run", "s.tend"], ["--yes", "--bail", "run", "s.tend"],
        ["--bail", "--junit", "j.xml", "run", "s.tend"],
    ])
    func runOptionsOnEitherSide(_ args: [String]) throws {
        let dir = CLI.tempDir()
        try "add \"Ann Lee\"\nassert false\nadd \"Bo Kim\"\n".write(to: dir.appendingPathComponent("s.tend"), atomically: true, encoding: .utf8)
        let r = try CLI.run(args, in: dir)
        #expect(r.status == 1, "\(args): \(r.stderr)")
        // Stopped at the failed assertion: the contact after it was never added.
        #expect(!r.stdout.contains("Bo Kim"), "\(args): \(r.stdout)")
        #expect(r.stdout.contains("Ann Lee") != args.contains("--quiet"), "\(args): \(r.stdout)")
    }

    /// `tend add Sam Smith +vip`: the plain words before the options are the name (b74: "unknown
    /// flag 'Smith'"); a flag's name ends it.
    @Test func aNameInPlainWords() throws {
        let dir = CLI.tempDir()
        #expect(try CLI.run(["add", "Sam", "Smith", "+vip", "profession:", "plumber"], in: dir).stdout.contains("Added @sam-smith (Sam Smith)"))
        #expect(try CLI.run(["add", "Ann", "Lee", "expert"], in: dir).stdout.contains("Added @ann-lee (Ann Lee)"))
        let rows = try CLI.run(["--format", "csv", "-e", "contacts sort by name show name, tags, expert, profession"], in: dir).stdout
        #expect(rows == "name,tags,expert,profession\nAnn Lee,,true,\nSam Smith,vip,false,plumber\n", "\(rows)")
    }

    /// After a run-time error, the confirmations printed before it are of changes that were
    /// rolled back: the run says so (and says nothing of the kind when nothing had changed).
    @Test func aRolledBackRunSaysSo() throws {
        let dir = CLI.tempDir()
        #expect(try CLI.run(["add", "Ann Lee"], in: dir).status == 0)
        let r = try CLI.run(["run", "-"], stdin: "add \"Bo Kim\"\nremove interaction 99999\n", in: dir)
        #expect(r.status == 3)
        #expect(r.stdout.contains("Added @bo-kim"))
        #expect(r.stderr.contains("nothing was changed: the run's earlier changes were rolled back with it"), "\(r.stderr)")
        #expect(try CLI.run(["-e", "count(contacts)"], in: dir).stdout == "1\n")
        let alone = try CLI.run(["run", "-"], stdin: "remove interaction 99999\n", in: dir)
        #expect(alone.status == 3 && !alone.stderr.contains("rolled back"), "\(alone.stderr)")
        // Queries, an agenda page and a print before the error changed nothing to roll back.
        let reads = try CLI.run(
            ["run", "-"], stdin: "count(contacts)\nagenda\nprint \"x\"\nexport csv \"/nonexistent/dir/x.csv\"\n", in: dir)
        #expect(reads.status == 3 && reads.stderr.contains("/nonexistent/dir") && !reads.stderr.contains("rolled back"), "\(reads.stderr)")
        // Definitions are kept in the database too: "Defined rule" was followed by no word of
        // its being taken back.
        let defined = try CLI.run(["run", "-"], stdin: "let lead = 3d\nrule \"r\" when true then remind \"x\"\nremove interaction 99999\n", in: dir)
        #expect(defined.status == 3 && defined.stderr.contains("nothing was changed: the run's earlier changes were rolled back with it"), "\(defined.stderr)")
        #expect(try CLI.run(["-e", "lead"], in: dir).status == 2)
    }

    /// A card's lists are whole in JSON (`[]` for none, the one e-mail for one), while the
    /// card on the screen leaves out a list that says no more than the field beside it (JSON
    /// gave null for both; left blank, "emails —" read as no e-mail).
    @Test func aCardsListsAreWholeInJSON() throws {
        let dir = CLI.tempDir()
        #expect(try CLI.run(["run", "-"], stdin: "add \"Ann Lee\" email: \"ann@example.com\"\nadd \"Bo Kim\"\n", in: dir).status == 0)
        for (handle, emails) in [("ann-lee", ["ann@example.com"]), ("bo-kim", [])] {
            let r = try CLI.run(["--format", "json", "-e", "@" + handle], in: dir)
            let card = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any], "\(r.stdout)")
            #expect(card["emails"] as? [String] == emails, "\(handle): \(card["emails"] ?? "missing")")
            #expect(card["phones"] as? [String] == [] && card["addresses"] as? [String] == [], "\(handle)")
        }
        let shown = try CLI.run(["-e", "@ann-lee"], in: dir).stdout
        #expect(!shown.contains("emails"), "\(shown)")
        #expect(shown.split(separator: "\n").contains { $0.trimmingCharacters(in: .whitespaces).hasPrefix("email ") && $0.hasSuffix("ann@example.com") })
    }

    /// `demo --size` outside its range is a usage error (`--size 0` made one contact, a size
    /// past a million ran for minutes, `--size -1` said the value was missing).
    @Test func demoSizesOutOfRangeAreUsageErrors() throws {
        let dir = CLI.tempDir()
        for size in ["0", "1000001", "-1"] {
            let r = try CLI.run(["demo", "--size=\(size)"], in: dir)
            #expect(r.status == 2 && r.stderr.contains("--size is a number of contacts from 1 to 1,000,000"), "\(size): \(r.stderr)")
        }
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("tend.db").path))
        let one = try CLI.run(["demo", "--size", "1"], in: dir)
        #expect(one.status == 0 && (one.stdout + one.stderr).contains("Generated 1 contact, "), "\(one.stdout)\(one.stderr)")
    }

    /// `tend check` knows the definitions of the database TEND_DB names, as --db's help says
    /// (only --db was read: a script calling the user's function failed to check under TEND_DB).
    @Test func checkReadsTheDatabaseTendDBNames() throws {
        let dir = CLI.tempDir()
        #expect(try CLI.run(["-e", "fn myf(c) = 1"], in: dir).status == 0)
        try "count(contacts where myf(it) == 1)\n".write(to: dir.appendingPathComponent("ck.tend"), atomically: true, encoding: .utf8)
        let r = try CLI.run(["check", "ck.tend"], in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        let elsewhere = try CLI.run(["check", "ck.tend"], in: dir, env: ["TEND_DB": dir.appendingPathComponent("none.db").path])
        #expect(elsewhere.status == 2 && elsewhere.stderr.contains("unknown function 'myf'"), "\(elsewhere.stderr)")
    }

    /// Undo on a path with no database says there is none (it said "there is no change to
    /// undo", as if a mistyped --db were an empty network), and makes none.
    @Test func undoOnAMissingDatabaseSaysSo() throws {
        let dir = CLI.tempDir()
        let r = try CLI.run(["--db", "typo.db", "undo"], in: dir)
        #expect(r.status == 3 && r.stderr.contains("no database at typo.db (undo has nothing to take back there"), "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("typo.db").path))
    }

    /// An expression that reads nothing a database holds is answered without one, and none is
    /// made (`tend -e '1 + 2'` said there was no database); one that reads the network, and a
    /// check, still say so.
    @Test func anExpressionNeedsNoDatabase() throws {
        let dir = CLI.tempDir()
        for (e, out) in [("1 + 2", "3\n"), ("print today + 30d", "2026-12-23\n"), ("upper(\"abc\")", "ABC\n"), ("credibility > contact", "true\n")] {
            let r = try CLI.run(["--db", "none.db", "-e", e], in: dir)
            #expect(r.status == 0 && r.stdout == out, "\(e): \(r.stdout)\(r.stderr)")
        }
        // In the format asked.
        #expect(try CLI.run(["--db", "none.db", "--format", "json", "-e", "\"x,y\""], in: dir).stdout == "\"x,y\"\n")
        for e in ["count(contacts)", "@dana-lee", "assert 1 == 1", "me"] {
            let r = try CLI.run(["--db", "none.db", "-e", e], in: dir)
            #expect(r.status == 3 && r.stderr.contains("no database at none.db"), "\(e): \(r.stderr)")
        }
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("none.db").path))
    }

    /// TSV writes a carriage return as a space, as it does a tab and a line feed (kept, it
    /// split the row in TSV readers).
    @Test func tsvWritesACarriageReturnAsASpace() throws {
        let dir = CLI.tempDir()
        #expect(try CLI.run(["run", "-"], stdin: "add \"Tab\\tName\" handle: \"tabby\", notes: \"a\\tb\\u{D}c\\u{D}\\nd\"\n", in: dir).status == 0)
        let r = try CLI.run(["--format", "tsv", "-e", "contacts show name, notes"], in: dir)
        #expect(r.stdout == "name\tnotes\nTab Name\ta b c  d\n", "\(r.stdout.debugDescription)")
    }

    /// A limit is a whole number of rows (`limit 1.5` showed one).
    @Test func aLimitIsAWholeNumber() throws {
        let dir = CLI.tempDir()
        #expect(try CLI.run(["run", "-"], stdin: "add \"Ann Lee\"\nadd \"Bo Kim\"\n", in: dir).status == 0)
        let r = try CLI.run(["-e", "contacts limit 1.5"], in: dir)
        #expect(r.status == 2 && r.stderr.contains("limit takes a whole number of rows, not 1.5"), "\(r.stderr)")
        let computed = try CLI.run(["-e", "contacts limit 3 / 2"], in: dir)
        #expect(computed.status == 3 && computed.stderr.contains("limit takes a whole number of rows, not 1.5"), "\(computed.stderr)")
        #expect(try CLI.run(["--format", "csv", "-e", "contacts show name limit 1"], in: dir).stdout.split(separator: "\n").count == 2)
    }

    @Test func anImpossibleTodaySaysWhy() throws {
        let r = try CLI.run(["--today", "2026-02-30", "-e", "1"], in: CLI.tempDir())
        #expect(r.status == 2)
        #expect(r.stderr.contains("February 2026 has 28 days, so there is no day 30 in it"), "\(r.stderr)")
    }

    @Test func exportToStandardOutput() throws {
        let dir = CLI.tempDir()
        _ = try CLI.run(["add", "Ann Lee"], in: dir)
        let r = try CLI.run(["export", "csv", "-"], in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.hasPrefix("name,handle,"))
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("-").path))
    }

    /// The shell took the quotes off: text where text is expected gets them back.
    @Test func changingStatementsAsCommands() throws {
        let dir = CLI.tempDir()
        let add = try CLI.run(["add", "Joan Rivera", "profession:", "hairstylist,", "+vip", "cadence:", "3mo", "stage:", "credibility"], in: dir)
        #expect(add.status == 0, "\(add.stderr)")
        #expect(add.stderr.contains("created a new database"))
        #expect(try CLI.run(["add", "Dana", "expert"], in: dir).status == 0)
        #expect(try CLI.run(["log", "lunch", "with", "@joan-rivera", "note:", "asked about the ad", "quality:", "4"], in: dir).status == 0)
        #expect(try CLI.run(["referral", "from", "@dana", "about", "Ana", "value:", "500"], in: dir).status == 0)
        #expect(try CLI.run(["goal", "Networking", "by", "2027-01-01"], in: dir).status == 0)
        #expect(try CLI.run(["helps", "@dana", "Networking"], in: dir).status == 0)
        let q = try CLI.run(
            ["--format", "csv", "-e", "contacts sort by name show handle, profession, stage, cadence, tags, touches, referrals_received"], in: dir)
        #expect(
            q.stdout
                == "handle,profession,stage,cadence,tags,touches,referrals_received\ndana,,contact,6mo,,1,1\njoan-rivera,hairstylist,credibility,3mo,vip,1,0\n",
            "\(q.stdout)\(q.stderr)")
        // An e-mail address, a web address and a phone number with its country code can only be
        // text: quoted too (`email: ntp@example.com` read as a name and a handle).
        let email = try CLI.run(["add", "Newer Person", "email:", "ntp@example.com,", "phone:", "+15550100"], in: dir)
        #expect(email.status == 0, "\(email.stderr)")
        #expect(try CLI.run(["-e", "@newer-person.email"], in: dir).stdout == "ntp@example.com\n")
        #expect(try CLI.run(["-e", "@newer-person.phone"], in: dir).stdout == "+15550100\n")
        // A one-word note after the people is text too (b105 F7: "unknown flag 'secret'"); the
        // flags and words of `log` after them stay bare.
        for words in [["note", "with", "@dana", "secret", "private"], ["call", "with", "@dana", "and", "@joan-rivera", "hello", "gave"]] {
            let r = try CLI.run(["log"] + words, in: dir)
            #expect(r.status == 0, "\(words) \(r.stderr)")
        }
        // A word near one of log's own, or a value's word, stays bare: the statement corrects it
        // (review b106: `privat` became a note, the note not private).
        for words in [["call", "with", "@dana", "privat"], ["call", "with", "@dana", "PRIVATE"], ["call", "with", "@dana", "yesterday"]] {
            let r = try CLI.run(["log"] + words, in: dir)
            #expect(r.status == 2, "\(words) \(r.stdout)")
        }
        let notes = try CLI.run(["--format", "csv", "-e", "interactions where kind in [\"note\", \"call\"] sort by id show kind, note, gave, private"], in: dir)
        #expect(notes.stdout == "kind,note,gave,private\nnote,secret,false,true\ncall,hello,true,false\n", "\(notes.stdout)\(notes.stderr)")
        let bad = try CLI.run(["log", "lunch", "with", "@nobody"], in: dir)
        #expect(bad.status != 0)
        #expect(bad.stderr.contains("<log>:1:16: error: no contact @nobody"), "\(bad.stderr)")
    }

    /// `tend why @x` is a command as `tend help` offers it (it was "2 unexpected arguments");
    /// it reads, so a mistyped database is not made.
    @Test func whyIsACommand() throws {
        let dir = CLI.tempDir()
        #expect(try CLI.run(["add", "Dana Lee"], in: dir).status == 0)
        let why = try CLI.run(["why", "@dana-lee", "--format", "csv"], in: dir)
        #expect(why.status == 0 && why.stdout.hasPrefix("what,expression,value\n") && why.stdout.contains("stay in touch"), "\(why.stdout)\(why.stderr)")
        let nowhere = try CLI.run(["why", "@dana-lee", "--db", "missing/x.db"], in: dir)
        #expect(nowhere.status == 3 && !FileManager.default.fileExists(atPath: dir.appendingPathComponent("missing").path), "\(nowhere.stderr)")
    }

    /// tend's own options after a statement command's words (`tend history --db FILE`) were
    /// refused ("Unknown option '--db'. Did you mean '--db'?") or taken as statement text
    /// (`tend edit @x --db e.db` looked in the default database).
    @Test func optionsAfterAStatementCommand() throws {
        let dir = CLI.tempDir()
        // `-3d` is the statement's (a cadence the checker refuses), not an option of tend's.
        #expect(try CLI.run(["add", "Ann Lee", "+vip,", "cadence:", "-3d", "--db", "other.db"], in: dir).status == 2)
        #expect(try CLI.run(["add", "Ann Lee", "+vip", "--db", "other.db"], in: dir).status == 0)
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("tend.db").path))
        let history = try CLI.run(["history", "--db", "other.db", "--format", "csv"], in: dir)
        #expect(history.status == 0 && history.stdout.hasPrefix("number,time,source,statement,undone\n1,"), "\(history.stdout)\(history.stderr)")
        let undo = try CLI.run(["undo", "--db", "other.db"], in: dir)
        #expect(undo.status == 0, "\(undo.stderr)")
        #expect(try CLI.run(["--db", "other.db", "-e", "count(contacts)"], in: dir).stdout == "0\n")
        // A word that begins with a dash is the statement's (LANGUAGE.md's `set @x -expert`).
        #expect(try CLI.run(["add", "Bo Li", "expert,", "+events", "--db", "other.db"], in: dir).status == 0)
        for word in ["-expert", "-events"] {
            let r = try CLI.run(["set", "@bo-li", word, "--db", "other.db"], in: dir)
            #expect(r.status == 0, "\(word): \(r.stderr)")
        }
        #expect(try CLI.run(["--db", "other.db", "--format", "csv", "-e", "@bo-li.expert; @bo-li.tags"], in: dir).stdout == "false\n\n")
    }

    /// A first import that fails leaves no empty database behind (and does not claim one).
    @Test func aFailedFirstImportCreatesNothing() throws {
        let dir = CLI.tempDir()
        try Data([0, 1, 2]).write(to: dir.appendingPathComponent("bin.vcf"))
        let r = try CLI.run(["import", "vcard", "bin.vcf"], in: dir)
        #expect(r.status == 3)
        #expect(!r.stderr.contains("created a new database"), "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("tend.db").path))
        try "BEGIN:VCARD\nVERSION:3.0\nFN:Ann Lee\nEND:VCARD\n".write(to: dir.appendingPathComponent("ok.vcf"), atomically: true, encoding: .utf8)
        let ok = try CLI.run(["import", "vcard", "ok.vcf"], in: dir)
        #expect(ok.status == 0)
        #expect(ok.stderr.contains("created a new database"))
    }

    /// `-expert` in `set` clears the flag (it answered "Updated" and left it set).
    @Test func aMinusFlagClearsIt() throws {
        let dir = CLI.tempDir()
        _ = try CLI.run(["-e", "add \"Dana Lee\" expert, passionate, +expert"], in: dir)
        _ = try CLI.run(["-e", "set @dana-lee -expert"], in: dir)
        let r = try CLI.run(["--format", "csv", "-e", "@dana-lee.expert; @dana-lee.passionate; @dana-lee.tags"], in: dir)
        #expect(r.stdout == "false\ntrue\n\n", "\(r.stdout)\(r.stderr)")
    }

    @Test func completionScriptsAndTheManual() throws {
        let dir = CLI.tempDir()
        for shell in ["bash", "zsh", "fish"] {
            let r = try CLI.run(["completion", shell], in: dir)
            #expect(r.status == 0)
            #expect(r.stdout.contains("agenda") && r.stdout.contains("import"), "\(shell)")
        }
        #expect(try CLI.run(["completion", "tcsh"], in: dir).status != 0)
        let manual = try CLI.run(["manual"], in: dir)
        #expect(manual.stdout.hasPrefix(".TH TEND 1"))
        // Under each command's heading its help begins (an abstract that wrapped left its second
        // line there, repeated).
        let lines = manual.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        for (i, line) in lines.enumerated() where line.hasPrefix(".SS ") && i + 3 < lines.count {
            #expect(lines[i + 2] == ".nf" && (lines[i + 3].isEmpty || lines[i + 3].hasPrefix("USAGE:")), "\(line): \(lines[i + 3])")
        }
        let committed = try String(contentsOf: CLI.packageRoot.appendingPathComponent("docs/tend.1"), encoding: .utf8)
        #expect(manual.stdout == committed, "docs/tend.1 is made by `tend manual > docs/tend.1`")
    }
}
