import Foundation
import TendTestSupport
import Testing

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// Runs the built `tend` binary the way a user or CI would.
enum CLI {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static var binary: String {
        if let b = ProcessInfo.processInfo.environment["TEND_BINARY"], FileManager.default.fileExists(atPath: b) { return b }
        return packageRoot.appendingPathComponent(".build/debug/tend").path
    }

    struct Result {
        var stdout: String
        var stderr: String
        var status: Int32
    }

    static func tempDir() -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tend-cli-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    @discardableResult
    /// Runs tend with these arguments; with `raw`, the first argument is the program to run instead.
    static func run(_ args: [String], stdin: String? = nil, in dir: URL, env extra: [String: String] = [:], raw: Bool = false) throws -> Result {
        var env = ProcessInfo.processInfo.environment
        env["TEND_DB"] = dir.appendingPathComponent("tend.db").path
        env["TEND_TODAY"] = "2026-11-23"
        env["XDG_DATA_HOME"] = dir.appendingPathComponent("data").path
        env["XDG_STATE_HOME"] = dir.appendingPathComponent("state").path
        env["XDG_CONFIG_HOME"] = dir.appendingPathComponent("config").path
        env["NO_COLOR"] = "1"
        for (k, v) in extra { env[k] = v }
        let r = try Child.run(
            raw ? args[0] : binary, raw ? Array(args.dropFirst()) : args, environment: env, directory: dir,
            stdin: Data((stdin ?? "").utf8))
        return Result(stdout: r.stdoutText, stderr: r.stderrText, status: r.status)
    }
}

/// A golden file: a script with `# args:`, `# exit:`, `# expect: LINE` (stdout, in order) and
/// `# expect stderr: TEXT` (somewhere in stderr) lines; `# next run` lines split it into runs
/// made one after another.
struct Golden: CustomStringConvertible {
    var name: String
    var text: String
    var description: String { name }

    static var all: [Golden] {
        let dir = CLI.packageRoot.appendingPathComponent("Tests/TendCLITests/Golden")
        let files = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
        return files.filter { $0.hasSuffix(".tend") }.sorted().map {
            Golden(name: $0, text: (try? String(contentsOf: dir.appendingPathComponent($0), encoding: .utf8)) ?? "")
        }
    }

    func directive(_ key: String) -> [String] {
        text.split(separator: "\n", omittingEmptySubsequences: false).compactMap { line -> String? in
            if line == "# \(key):" { return "" }
            guard let r = line.range(of: "# \(key): ") else { return nil }
            return String(line[r.upperBound...])
        }
    }
}

@Suite struct CLITests {
    @Test(arguments: Golden.all)
    func golden(_ g: Golden) throws {
        let dir = CLI.tempDir()
        let file = dir.appendingPathComponent(g.name)
        try g.text.write(to: file, atomically: true, encoding: .utf8)
        for setup in g.directive("setup") {
            let r = try CLI.run(["run", "-"], stdin: setup.replacingOccurrences(of: "\\n", with: "\n"), in: dir)
            #expect(r.status == 0, "setup failed: \(r.stderr)")
        }
        let args = (g.directive("args").first ?? "run --format csv").split(separator: " ").map(String.init) + [g.name]
        // The parts between `# next run` lines run one after another, each in a run of its own.
        var r = CLI.Result(stdout: "", stderr: "", status: 0)
        for part in g.text.components(separatedBy: "\n# next run\n") {
            try part.write(to: file, atomically: true, encoding: .utf8)
            let one = try CLI.run(args, in: dir)
            r = CLI.Result(stdout: r.stdout + one.stdout, stderr: r.stderr + one.stderr, status: max(r.status, one.status))
        }
        let expectedExit = Int32(g.directive("exit").first ?? "0") ?? 0
        #expect(r.status == expectedExit, "\(g.name): exit \(r.status)\nstderr: \(r.stderr)")
        let expected = g.directive("expect")
        let actual = r.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init).filter { !$0.isEmpty }
        #expect(actual == expected, "\(g.name) stdout:\n\(r.stdout)\nstderr:\n\(r.stderr)")
        for fragment in g.directive("expect stderr") {
            #expect(r.stderr.contains(fragment), "\(g.name): stderr lacks \(fragment):\n\(r.stderr)")
        }
    }

    /// `tend -e` and `tend run` in their plain spelling are read without ArgumentParser; the same
    /// arguments spelled so that ArgumentParser reads them (`--db=…`, `--format=…`) must give the
    /// same output, errors and exit status.
    @Test func quickArgumentsMatchArgumentParser() throws {
        let dir = CLI.tempDir()
        let db = dir.appendingPathComponent("other.db").path
        try CLI.run(["run", "-"], stdin: "add \"Ana Park\" stage: credibility\nadd \"Ben Ode\"\n", in: dir)
        try CLI.run(["--db=\(db)", "-e", "add \"Cy Other\""], in: dir)
        try "contacts where stage >= credibility show handle\nassert count(contacts) == 2\n".write(
            to: dir.appendingPathComponent("ok.tend"), atomically: true, encoding: .utf8)
        try "assert count(contacts) == 3 \"three\"\n".write(to: dir.appendingPathComponent("fails.tend"), atomically: true, encoding: .utf8)
        try "contacts where\n".write(to: dir.appendingPathComponent("bad.tend"), atomically: true, encoding: .utf8)
        let pairs: [([String], [String])] = [
            (["-e", "count(contacts)"], ["-e=count(contacts)"]),
            (["-e", "contacts show handle, stage", "--format", "json"], ["--format=json", "-e", "contacts show handle, stage"]),
            (["--db", db, "-e", "contacts show name"], ["--db=\(db)", "-e", "contacts show name"]),
            (["-e", "today", "--today", "2026-01-31"], ["-e", "today", "--today=2026-01-31"]),
            (["-e", "today", "--today", "yesterday"], ["-e", "today", "--today=yesterday"]),
            (["--read-only", "-e", "add \"Dee\""], ["--read-only", "--format=table", "-e", "add \"Dee\""]),
            (["-e", "contacts where"], ["--format=table", "-e", "contacts where"]),
            (["run", "ok.tend"], ["run", "--format=table", "ok.tend"]),
            (
                ["run", "ok.tend", "fails.tend", "--bail", "--quiet"],
                ["run", "--db=\(dir.appendingPathComponent("tend.db").path)", "--bail", "--quiet", "ok.tend", "fails.tend"]
            ),
            (["run", "bad.tend"], ["run", "--format=csv", "bad.tend"]),
            (["run", "missing.tend"], ["run", "--format=csv", "missing.tend"]),
            (["run", "--format", "csv", "ok.tend"], ["run", "--format=csv", "ok.tend"]),
        ]
        for (quick, parsed) in pairs {
            let a = try CLI.run(quick, in: dir)
            let b = try CLI.run(parsed, in: dir)
            #expect(a.stdout == b.stdout && a.status == b.status, "\(quick): \(a.stdout)|\(a.status) against \(b.stdout)|\(b.status)")
            #expect(a.stderr == b.stderr, "\(quick)")
        }
        #expect(try CLI.run(["-e", "count(contacts)"], in: dir).stdout == "2\n")
    }

    /// --bail stops at a failed assertion; a run stopped before its end keeps none of its
    /// changes (the script was applied up to its failed check). A failed last statement stops
    /// nothing: the run is whole, and kept, as without --bail.
    @Test func bailKeepsNoHalfOfARun() throws {
        let dir = CLI.tempDir()
        #expect(try CLI.run(["-e", "add \"Ann Lee\" company: \"Before\""], in: dir).status == 0)
        let stopped = try CLI.run(["run", "--bail", "-"], stdin: "set @ann-lee company: \"Bail\"\nassert false, \"first\"\nset @ann-lee city: \"Never\"\n", in: dir)
        #expect(stopped.status == 1 && stopped.stderr.contains("--bail stopped the run at a failed assertion, so its earlier changes were rolled back"), "\(stopped.stderr)")
        #expect(try CLI.run(["--format", "csv", "-e", "@ann-lee.company"], in: dir).stdout == "Before\n")
        let whole = try CLI.run(["run", "--bail", "-"], stdin: "set @ann-lee company: \"Whole\"\nassert false, \"last\"\n", in: dir)
        #expect(whole.status == 1)
        #expect(try CLI.run(["--format", "csv", "-e", "@ann-lee.company"], in: dir).stdout == "Whole\n")
    }

    @Test func runtimeErrorLeavesTheDatabaseByteForByte() throws {
        let dir = CLI.tempDir()
        try CLI.run(["run", "-"], stdin: "add \"Joan Rivera\"\nlog call with @joan-rivera", in: dir)
        let db = dir.appendingPathComponent("tend.db")
        let before = try Data(contentsOf: db)
        let r = try CLI.run(["run", "-"], stdin: "add \"Dana Lee\"\nlog call with @dana-lee\nremove interaction 99\n", in: dir)
        #expect(r.status == 3)
        #expect(r.stderr.contains("<stdin>:3:20: error: no interaction 99"), "\(r.stderr)")
        #expect(try Data(contentsOf: db) == before)
        let count = try CLI.run(["-e", "count(contacts)"], in: dir)
        #expect(count.stdout == "1\n")
    }

    /// A script may come through a pipe (`tend run <(make-rules)`, a named pipe whose writer
    /// comes later) or be /dev/null; a folder is refused. Pipes were refused, and a named pipe
    /// opened before its writer read as an empty script.
    @Test func scriptsComeThroughPipes() throws {
        let dir = CLI.tempDir()
        #expect(try CLI.run(["-e", "add \"Ann Lee\""], in: dir).status == 0)
        let fifo = dir.appendingPathComponent("rules.pipe").path
        #expect(mkfifo(fifo, 0o600) == 0)
        let writer = Thread {
            Thread.sleep(forTimeInterval: 0.3)
            if let h = FileHandle(forWritingAtPath: fifo) {
                h.write(Data("print \"through the pipe\"\n".utf8))
                try? h.close()
            }
        }
        writer.start()
        let piped = try CLI.run(["run", fifo], in: dir)
        #expect(piped.status == 0 && piped.stdout == "through the pipe\n", "\(piped.stdout)\(piped.stderr)")
        let empty = try CLI.run(["run", "/dev/null"], in: dir)
        #expect(empty.status == 0, "\(empty.stderr)")
        let folder = try CLI.run(["run", dir.path], in: dir)
        #expect(folder.status == 3 && folder.stderr.contains("not a file, a pipe or a device"), "\(folder.stderr)")
        // load and .read take files alone: a pipe named *.tend is refused, not waited on.
        #expect(mkfifo(dir.appendingPathComponent("waits.tend").path, 0o600) == 0)
        let load = try CLI.run(["-e", "load \"waits.tend\""], in: dir)
        #expect(load.status == 2 && load.stderr.contains("it is not a regular file"), "\(load.stderr)")
    }

    /// A statement on the command line whose bytes are not UTF-8 is refused as a script's are
    /// (it was stored with U+FFFD in place of the bytes); one that is UTF-8 runs.
    @Test func aCommandLineStatementMustBeUTF8() throws {
        let dir = CLI.tempDir()
        for form in [#"exec "$0" -e "$(printf 'add "Bad\303 Name"')""#, #"exec "$0" add "$(printf 'Bad\303 Name')""#] {
            let r = try CLI.run(["/bin/sh", "-c", form, CLI.binary], in: dir, raw: true)
            #expect(r.status == 2 && r.stderr.contains("a statement on the command line is not UTF-8"), "\(form): \(r.stderr)")
        }
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("tend.db").path))
        let good = try CLI.run(["-e", "add \"Good ☕ Name\""], in: dir)
        #expect(good.status == 0, "\(good.stderr)")
    }

    /// A closed standard input reads as nothing (Foundation's reader stopped the process with
    /// a backtrace, exit 132), and output that cannot be written is an error, exit 3: a dump to
    /// a full disk, or a result larger than one block, said nothing and exited 0.
    @Test func closedInputAndLostOutput() throws {
        let dir = CLI.tempDir()
        #expect(try CLI.run(["-e", "add \"Ann Lee\""], in: dir).status == 0)
        for form in [#"exec "$0" <&-"#, #"exec "$0" run - <&-"#, #"exec "$0" import vcard - <&-"#] {
            let r = try CLI.run(["/bin/sh", "-c", form, CLI.binary], in: dir, raw: true)
            #expect(r.status == 0 || r.status == 3, "\(form): \(r.status) \(r.stderr)")
            #expect(!r.stderr.contains("Fatal error"), "\(form): \(r.stderr)")
        }
        let many = (1...3000).map { "add \"Person \($0)\"" }.joined(separator: "\n")
        #expect(try CLI.run(["run", "-"], stdin: many, in: dir).status == 0)
        for form in [#"exec "$0" dump >/dev/full"#, #"exec "$0" dump >&-"#, #"exec "$0" manual >/dev/full"#, #"exec "$0" completion bash >/dev/full"#, #"exec "$0" -e 'contacts' >/dev/full"#, #"exec "$0" -e 'count(contacts)' >/dev/full"#] {
            let r = try CLI.run(["/bin/sh", "-c", form, CLI.binary], in: dir, raw: true)
            #expect(r.status == 3 && r.stderr.contains("cannot write the output"), "\(form): \(r.status) \(r.stderr)")
        }
        // A reader that stops early: the status is Tend's (not a signal's), and a change whose
        // output was not read whole is not kept.
        let script = "set @ann-lee company: \"Piped\"\n" + String(repeating: "contacts\n", count: 20)
        try script.write(to: dir.appendingPathComponent("p.tend"), atomically: true, encoding: .utf8)
        for form in [#""$0" run p.tend | head -c 1 >/dev/null; exit ${PIPESTATUS[0]}"#, #""$0" dump | head -c 1 >/dev/null; exit ${PIPESTATUS[0]}"#] {
            let r = try CLI.run(["/bin/bash", "-c", form, CLI.binary], in: dir, raw: true)
            #expect(r.status == 3 && r.stderr.contains("cannot write the output"), "\(form): \(r.status) \(r.stderr)")
        }
        #expect(try CLI.run(["--format", "csv", "-e", "count(contacts where company == \"Piped\")"], in: dir).stdout == "0\n")
    }

    /// An error in parentheses that open on an earlier line is shown where it is, not at the `(`.
    @Test func anErrorInsideParenthesesIsShownWhereItIs() throws {
        let dir = CLI.tempDir()
        try "contacts where (\n  stage > 3\n)\ncount(contacts where ((stage > 3)))\n".write(to: dir.appendingPathComponent("ml.tend"), atomically: true, encoding: .utf8)
        let r = try CLI.run(["check", "ml.tend"], in: dir)
        #expect(r.stderr.hasPrefix("ml.tend:2:3: error: cannot compare a stage with a number; did you mean stage_rank?\n  stage > 3\n  ^~~~~~~~~\n"), "\(r.stderr)")
        #expect(r.stderr.contains("ml.tend:4:24: error: cannot compare a stage with a number"), "\(r.stderr)")
    }

    @Test func checkNeedsNoDatabase() throws {
        let dir = CLI.tempDir()
        try "contacts where stage > 3\nlet x = contacts where +vip\n".write(
            to: dir.appendingPathComponent("bad.tend"), atomically: true, encoding: .utf8)
        let r = try CLI.run(["check", "bad.tend"], in: dir, env: ["TEND_DB": "/nonexistent/dir/x.db"])
        #expect(r.status == 2)
        #expect(r.stderr.contains("bad.tend:1:16: error: cannot compare a stage with a number; did you mean stage_rank?"))
        #expect(!FileManager.default.fileExists(atPath: "/nonexistent/dir/x.db"))
        try "count(contacts)\n".write(to: dir.appendingPathComponent("good.tend"), atomically: true, encoding: .utf8)
        #expect(try CLI.run(["check", "good.tend"], in: dir).status == 0)
        // --db naming a database a later run will make: checked with the prelude, nothing made.
        let later = try CLI.run(["--db", "later.db", "check", "good.tend"], in: dir)
        #expect(later.status == 0, "\(later.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("later.db").path))
    }

    /// `check` reports what `run` reports, in the order of the text: a type error before a
    /// syntax error further down, in two files, was left out by check (it stopped at the
    /// syntax error) and listed after it by run.
    @Test func checkReportsWhatRunReports() throws {
        let dir = CLI.tempDir()
        try "contacts where stage > 3\nfoo(\n".write(to: dir.appendingPathComponent("a.tend"), atomically: true, encoding: .utf8)
        try "let n = 1\nprint n + \"x\"\n)\n".write(to: dir.appendingPathComponent("b.tend"), atomically: true, encoding: .utf8)
        let check = try CLI.run(["check", "a.tend", "b.tend"], in: dir)
        let run = try CLI.run(["run", "a.tend", "b.tend"], in: dir)
        #expect(check.status == 2 && run.status == 2)
        let places = ["a.tend:1:16: error", "a.tend:2:5: error", "b.tend:2:7: error", "b.tend:3:1: error"]
        for out in [check.stderr, run.stderr] {
            let found = places.map { out.range(of: $0)?.lowerBound }
            #expect(found.allSatisfy { $0 != nil }, "\(out)")
            #expect(found.compactMap { $0 } == found.compactMap { $0 }.sorted(), "\(out)")
        }
        #expect(check.stderr.hasSuffix("4 errors\n"), "\(check.stderr)")
    }

    @Test func junitReportParses() throws {
        let dir = CLI.tempDir()
        try "add \"A B\"\nassert count(contacts) == 1, \"one <person> & more\"\nassert count(contacts) == 2\n"
            .write(to: dir.appendingPathComponent("c.tend"), atomically: true, encoding: .utf8)
        let r = try CLI.run(["run", "--junit", "report.xml", "c.tend"], in: dir)
        #expect(r.status == 1)
        #expect(r.stderr.contains("1 passed, 1 failed"))
        let xml = try Data(contentsOf: dir.appendingPathComponent("report.xml"))
        let doc = try XMLDocument(data: xml)
        let cases = try doc.nodes(forXPath: "//testcase")
        #expect(cases.count == 2)
        #expect(try doc.nodes(forXPath: "//failure").count == 1)
        // U+FFFE and U+FFFF, which XML has no place for, are left out (the report did not parse).
        try "assert false, \"x \\u{FFFE} y \\u{FFFF}\"\n".write(to: dir.appendingPathComponent("n.tend"), atomically: true, encoding: .utf8)
        #expect(try CLI.run(["run", "--read-only", "--junit", "report.xml", "n.tend"], in: dir).status == 1)
        let parsed = try CLI.run(["/usr/bin/env", "python3", "-c", "import sys, xml.dom.minidom; xml.dom.minidom.parse(sys.argv[1])", "report.xml"], in: dir, raw: true)
        #expect(parsed.status == 0, "\(parsed.stderr)")
    }

    @Test func stdinAndShebang() throws {
        let dir = CLI.tempDir()
        let r = try CLI.run([], stdin: "#!/usr/bin/env -S tend run\nadd \"A B\"\ncount(contacts)\n", in: dir)
        #expect(r.status == 0)
        #expect(r.stdout.hasSuffix("1\n"))
    }

    /// Dot-commands work in piped input as at the REPL's prompt, where they stand; the lines
    /// between them keep their line numbers in errors.
    @Test func dotCommandsInPipedInput() throws {
        let dir = CLI.tempDir()
        let r = try CLI.run(
            [], stdin: "add \"Ann Lee\" +vip\n.mode json\ncontacts show name, tags\n.mode csv\ncontacts\n  show name\n.quit\nprint 1\n", in: dir)
        #expect(r.status == 0)
        #expect(r.stdout == "Added @ann-lee (Ann Lee).\n[{\"name\":\"Ann Lee\",\"tags\":[\"vip\"]}]\nname\nAnn Lee\n", "\(r.stdout)")
        let bad = try CLI.run([], stdin: ".mode tsv\n\ncontacts where stage > 3\n", in: dir)
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("<stdin>:3:16: error: cannot compare a stage with a number"), "\(bad.stderr)")
    }

    /// Piped input with dot-commands is still one script: one transaction that a run-time error
    /// rolls back whole (exit 3), checked whole before anything runs (exit 2), a file `.read`
    /// runs in the same transaction; a wrong dot-command is an error with its line. Each chunk
    /// between dot-commands was its own run: the add before `.mode json` stayed.
    /// `.read` takes a name in quotes and one under `~/` (the home folder, $HOME), as `load`
    /// does: each was "no such file", the quotes taken as part of the name.
    @Test func readTakesQuotesAndTheHomeFolder() throws {
        let dir = CLI.tempDir()
        let home = dir.appendingPathComponent("home")
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        try "print \"from t\"\n".write(to: home.appendingPathComponent("t.tend"), atomically: true, encoding: .utf8)
        try "print \"from my rules\"\n".write(to: home.appendingPathComponent("my rules.tend"), atomically: true, encoding: .utf8)
        try "print \"from u\"\n".write(to: home.appendingPathComponent("u 2.tend"), atomically: true, encoding: .utf8)
        let input = ".read ~/t.tend\n.read \"\(home.path)/my rules.tend\"\n.read '~/u 2.tend'\n"
        let r = try CLI.run(["--db", dir.appendingPathComponent("t.db").path], stdin: input, in: dir, env: ["HOME": home.path])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout == "from t\nfrom my rules\nfrom u\n", "\(r.stdout)")
    }

    @Test func dotCommandsKeepTheOneTransaction() throws {
        let dir = CLI.tempDir()
        let db = dir.appendingPathComponent("t.db").path
        func count() throws -> String { try CLI.run(["--db", db, "-e", "count(contacts)"], in: dir).stdout }
        #expect(try CLI.run(["--db", db, "-e", "add \"Dana Lee\""], in: dir).status == 0)
        let failing = try CLI.run(["--db", db], stdin: "add \"Piped Five\"\n.mode json\nlog call with @dana-lee quality: 0 * 1\n", in: dir)
        #expect(failing.status == 3)
        #expect(failing.stderr.contains("<stdin>:3:34: error: quality is a whole number from 1 to 5"), "\(failing.stderr)")
        #expect(try count() == "1\n")
        try "add \"Ann Park\"\nlog call with @ann-park quality: 9 * 1\n".write(toFile: dir.appendingPathComponent("f.tend").path, atomically: true, encoding: .utf8)
        let read = try CLI.run(["--db", db], stdin: "add \"Piped Two\"\n.read f.tend\nprint \"after\"\n", in: dir)
        #expect(read.status == 3)
        #expect(!read.stdout.contains("after"))
        #expect(try count() == "1\n")
        let unknown = try CLI.run(["--db", db], stdin: "add \"Piped Three\"\n.mode xml\n.modes json\n.today 2026-02-30\n", in: dir)
        #expect(unknown.status == 2)
        #expect(unknown.stderr.contains("<stdin>:2:1: error: usage: .mode table|json|csv|tsv (not xml)"), "\(unknown.stderr)")
        #expect(unknown.stderr.contains("<stdin>:3:1: error: unknown command .modes (.help lists them)"), "\(unknown.stderr)")
        #expect(unknown.stderr.contains("did you mean .mode?"), "\(unknown.stderr)")
        // A day the calendar does not have is said so, not answered with the usage.
        #expect(unknown.stderr.contains("<stdin>:4:1: error: 2026-02-30 is not a date on the calendar: February 2026 has 28 days"), "\(unknown.stderr)")
        #expect(try count() == "1\n")
        let later = try CLI.run(["--db", db], stdin: "add \"Piped Four\"\n.mode csv\ncontacts where stage > 3\n", in: dir)
        #expect(later.status == 2)
        #expect(!later.stdout.contains("Added"))
        let fine = try CLI.run(["--db", db], stdin: "add \"Piped Six\"\n.read f.tend\n", in: dir)
        #expect(fine.status == 3)
        try "add \"Ann Park\"\nlog call with @ann-park\n".write(toFile: dir.appendingPathComponent("f.tend").path, atomically: true, encoding: .utf8)
        let both = try CLI.run(["--db", db], stdin: "add \"Piped Six\"\n.read f.tend\n.mode csv\ncount(contacts)\n", in: dir)
        #expect(both.status == 0)
        #expect(both.stdout.hasSuffix("3\n"), "\(both.stdout)")
        // A dot-command before .read holds for the file's statements (they ran before it);
        // CRLF input and a tab after the command's name are read as the REPL reads them; a wrong
        // dot-command is reported with the statements' errors, in line order.
        try "count(contacts)\nlog call with @ann-park\n".write(toFile: dir.appendingPathComponent("g.tend").path, atomically: true, encoding: .utf8)
        let ordered = try CLI.run(["--db", db], stdin: ".mode json\n.today 2027-05-05\n.read g.tend\n", in: dir)
        #expect(ordered.status == 0, "\(ordered.stderr)")
        #expect(ordered.stdout.hasPrefix("3\n"), "\(ordered.stdout)")
        let asked = try CLI.run(["--db", db], stdin: ".mode json\n.today\n", in: dir)
        #expect(asked.stdout == "\"2026-11-23\"\n", "\(asked.stdout)")
        // In JSON, confirmations go to standard error, `.today`'s too (it broke the JSON read).
        #expect(ordered.stderr.contains("on 2027-05-05") && ordered.stderr.contains("Today is 2027-05-05 for this session."), "\(ordered.stderr)")
        let crlf = try CLI.run(["--db", db], stdin: "print 1\r\n.mode\tjson\r\nprint 2\r\n", in: dir)
        #expect(crlf.status == 0 && crlf.stdout == "1\n\"2\"\n", "\(crlf.stdout) \(crlf.stderr)")
        let every = try CLI.run(["--db", db], stdin: "print 1 +* 2\n.bogus\n", in: dir)
        #expect(every.status == 2)
        #expect(every.stderr.contains("<stdin>:1:") && every.stderr.contains("<stdin>:2:1: error: unknown command .bogus"), "\(every.stderr)")
        #expect(every.stderr.contains("2 errors; nothing was run"), "\(every.stderr)")
        // A change beside a wrong dot-command is no error of its own (it was refused as under --read-only).
        let change = try CLI.run(["--db", db], stdin: "add \"Zed Zu\"\n.bogus\n", in: dir)
        #expect(change.status == 2 && !change.stderr.contains("read-only") && change.stderr.contains("1 error; nothing was run"), "\(change.stderr)")
        // Two files read with a dot-command between them: it holds for the second file only.
        try "print \"five\"\n".write(toFile: dir.appendingPathComponent("h.tend").path, atomically: true, encoding: .utf8)
        try "print \"six\"\n".write(toFile: dir.appendingPathComponent("i.tend").path, atomically: true, encoding: .utf8)
        let two = try CLI.run(["--db", db], stdin: ".read h.tend\n.mode json\n.read i.tend\n", in: dir)
        #expect(two.status == 0 && two.stdout == "five\n\"six\"\n", "\(two.stdout) \(two.stderr)")
    }

    @Test func databaseIsCreatedPrivate() throws {
        let dir = CLI.tempDir()
        let path = dir.appendingPathComponent("deep/er/x.db").path
        // A run that changes data creates its database; one that only reads would not (ReadOnlyTests).
        let r = try CLI.run(["-e", "add \"A B\"", "--db", path], in: dir)
        #expect(r.status == 0)
        var st = stat()
        stat(path, &st)
        #expect(st.st_mode & 0o777 == 0o600)
    }

    @Test func dumpRebuildsTheSameDatabase() throws {
        for size in [50, 300] {
            let a = CLI.tempDir()
            #expect(try CLI.run(["demo", "--size", "\(size)", "--seed", "\(size)"], in: a).status == 0)
            try CLI.run(
                ["run", "-"],
                stdin:
                    "drop rule \"reconnect\"\nrule \"mine\" when +vip then remind \"{name}\"\nsnooze @\(size == 50 ? "joan-rivera" : "dana-lee") 2w\n",
                in: a)
            let dump1 = try CLI.run(["dump"], in: a)
            #expect(dump1.status == 0)
            let b = CLI.tempDir()
            let rebuild = try CLI.run(["run", "--quiet", "-"], stdin: dump1.stdout, in: b)
            #expect(rebuild.status == 0, "\(rebuild.stderr.prefix(2000))")
            let dump2 = try CLI.run(["dump"], in: b)
            #expect(dump1.stdout == dump2.stdout)
        }
    }
}

@Suite struct InterchangeCLITests {
    /// export → import into an empty database → export again gives the same file.
    @Test(arguments: ["vcard", "csv", "json"])
    func roundTrip(_ format: String) throws {
        let a = CLI.tempDir()
        try CLI.run(
            ["run", "-"],
            stdin: """
                add "Joan Rivera" profession: "hairstylist", company: "Salon; Joan, Inc", email: "joan@salon.example", +vip, +local, cadence: 3mo, stage: visibility, met_on: 2024-05-01, met_at: "gym", notes: "line one\\nline two"
                add "José Núñez" city: "Irvine", phone: "+1 555 0100", relationship: "vendor"
                """, in: a)
        #expect(try CLI.run(["export", format, "one.\(format)"], in: a).status == 0)
        let b = CLI.tempDir()
        let imported = try CLI.run(["import", format, a.appendingPathComponent("one.\(format)").path], in: b)
        #expect(imported.status == 0, "\(imported.stderr)")
        #expect(try CLI.run(["export", format, "two.\(format)"], in: b).status == 0)
        let one = try String(contentsOf: a.appendingPathComponent("one.\(format)"), encoding: .utf8)
        let two = try String(contentsOf: b.appendingPathComponent("two.\(format)"), encoding: .utf8)
        #expect(one == two)
    }

    @Test func badImportLeavesTheDatabaseAsItWas() throws {
        let dir = CLI.tempDir()
        try "name,email\nAna Park,ana@x.org\nBad,not-an-email\n".write(to: dir.appendingPathComponent("p.csv"), atomically: true, encoding: .utf8)
        let r = try CLI.run(["import", "csv", "p.csv"], in: dir)
        #expect(r.status == 3)
        #expect(r.stderr.contains("record 2 (line 3), field email: \"not-an-email\" is not an e-mail address"))
        // The error names the file's record, not a place in a statement the user never wrote
        // (it read `<import>:1:1: error: …` over `import csv "p.csv"` and a caret).
        #expect(r.stderr.hasPrefix("tend: error: p.csv: record 2 (line 3)"), "\(r.stderr)")
        #expect(!r.stderr.contains("<import>") && !r.stderr.contains("^~"), "\(r.stderr)")
        // A failed first import leaves no database behind: as it was.
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("tend.db").path))
        let skip = try CLI.run(["import", "--skip-bad", "csv", "p.csv"], in: dir)
        #expect(skip.status == 0)
        #expect(skip.stdout.contains("1 added, 0 merged, 1 skipped"))
        let again = try CLI.run(["import", "--dry-run", "--skip-bad", "csv", "p.csv"], in: dir)
        #expect(again.stdout.contains("Would import"))
        #expect(again.stdout.contains("0 added, 0 merged, 1 unchanged"), "\(again.stdout)")
    }

    /// A date with no year is a birthday's or an anniversary's only: in another date field it is
    /// that record's error, skipped with --skip-bad (it failed at store time, with neither file
    /// nor record, and as out of range).
    @Test(arguments: [
        ("csv", "p.csv", "name,email,next_due\nAna Park,ana@x.org,\nBad,b@x.org,--04-12\n", "p.csv: record 2 (line 3), field next_due"),
        ("vcard", "p.vcf", "BEGIN:VCARD\nVERSION:4.0\nFN:Ana Park\nEND:VCARD\nBEGIN:VCARD\nVERSION:4.0\nFN:Bad\nX-TEND-MET-ON:--0412\nEND:VCARD\n", "field X-TEND-MET-ON"),
        ("json", "p.json", #"[{"name": "Ana Park"}, {"name": "Bad", "created": "--04-12"}]"#, "field created"),
        ("json", "p.json", #"[{"name": "Ana Park"}, {"name": "Bad", "stage_since": "--04-12"}]"#, "field stage_since"),
    ])
    func aDateWithoutItsYearIsTheRecordsError(format: String, file: String, text: String, said: String) throws {
        let dir = CLI.tempDir()
        try text.write(to: dir.appendingPathComponent(file), atomically: true, encoding: .utf8)
        let r = try CLI.run(["import", format, file], in: dir)
        #expect(r.status == 3)
        #expect(r.stderr.contains(said) && r.stderr.contains("year"), "\(r.stderr)")
        let skip = try CLI.run(["import", "--skip-bad", format, file], in: dir)
        #expect(skip.status == 0, "\(skip.stderr)")
        #expect(skip.stdout.contains("1 added, 0 merged, 1 skipped"), "\(skip.stdout)")
        // A birthday without its year is a birthday.
        try "name,birthday\nCy Lo,--04-12\n".write(to: dir.appendingPathComponent("b.csv"), atomically: true, encoding: .utf8)
        #expect(try CLI.run(["import", "csv", "b.csv"], in: dir).status == 0)
        #expect(try CLI.run(["-e", "@cy-lo.birthday"], in: dir).stdout.contains("--04-12"))
    }

    @Test func icsParsesWithAnICalendarLibrary() throws {
        let dir = CLI.tempDir()
        try CLI.run(["demo", "--size", "50"], in: dir)
        #expect(try CLI.run(["export", "ics", "agenda.ics"], in: dir).status == 0)
        let check = """
            import sys
            try:
                import icalendar
            except ImportError:
                print("the icalendar package is missing (Scripts/test installs it with pip)"); sys.exit(1)
            cal = icalendar.Calendar.from_ical(open(sys.argv[1], 'rb').read())
            todos = [c for c in cal.walk('VTODO')]
            assert len(todos) > 0
            for t in todos:
                assert t.get('SUMMARY') and t.get('DUE') and t.get('UID')
            print(len(todos))
            """
        try check.write(to: dir.appendingPathComponent("check.py"), atomically: true, encoding: .utf8)
        let parsed = try Child.run(
            "/usr/bin/env", ["python3", dir.appendingPathComponent("check.py").path, dir.appendingPathComponent("agenda.ics").path])
        #expect(parsed.status == 0, "\(parsed.stdoutText)\(parsed.stderrText)")
    }
}

@Suite struct HostileInputTests {
    @Test func binaryAndInvalidUTF8Scripts() throws {
        let dir = CLI.tempDir()
        try Data([0x7F, 0x45, 0x4C, 0x46, 0x00, 0x01]).write(to: dir.appendingPathComponent("bin.tend"))
        let bin = try CLI.run(["run", "bin.tend"], in: dir)
        #expect(bin.status == 2)
        #expect(bin.stderr.contains("binary file"))
        try Data([0x61, 0x64, 0x64, 0x20, 0x22, 0xC3, 0x28, 0x22, 0x0A]).write(to: dir.appendingPathComponent("bad.tend"))
        let bad = try CLI.run(["run", "bad.tend"], in: dir)
        #expect(bad.status == 2)
        // Said as the language's errors are: where, the line, a caret under the bad bytes.
        #expect(bad.stderr == "bad.tend:1:6: error: invalid UTF-8 (byte 6 of the file); save the file as UTF-8\nadd \"\u{FFFD}(\"\n     ^\n", "\(bad.stderr)")
        try Data(Array("print 1\n# café\nprint \"ab".utf8) + [0xFF, 0xFE] + Array("cd\"\n".utf8)).write(to: dir.appendingPathComponent("bad2.tend"))
        let bad2 = try CLI.run(["check", "bad2.tend"], in: dir)
        #expect(bad2.status == 2 && bad2.stderr.hasPrefix("bad2.tend:3:10: error: invalid UTF-8 (byte 26 of the file)"), "\(bad2.stderr)")
        let missing = try CLI.run(["run", "nope.tend"], in: dir)
        #expect(missing.status == 3)
        let deep = try CLI.run(["run", "-"], stdin: String(repeating: "(", count: 10_000) + "\n", in: dir)
        #expect(deep.status == 2)
        #expect(deep.stderr.contains("nested deeper than 256 levels"))
        // A flat chain of 300 alternatives is not nesting (it was refused as deeper than 256 levels).
        let names = (0..<300).map { "name == \"n\($0)\"" }.joined(separator: " or ")
        let flat = try CLI.run(["run", "-"], stdin: "add \"n7\"\nadd \"n299\"\nadd \"x\"\ncount(contacts where \(names))\n", in: dir)
        #expect(flat.status == 0 && flat.stdout.hasSuffix("2\n"), "\(flat.stdout)\(flat.stderr)")
    }

    /// A chain that parsed before keeps its tree: a term that stops with an error after one that
    /// is true gives the same answer with 33 terms as with 32 (the first balanced version did not).
    @Test func aChainThatParsedBeforeEvaluatesAsBefore() throws {
        let dir = CLI.tempDir()
        for n in [32, 33, 200] {
            let terms = ["boom()"] + (2...n).map { $0 == 17 ? "today == 2026-11-23" : "today == 2000-01-0\($0 % 9 + 1)" }
            let r = try CLI.run(["-e", "fn boom() = --04-12 + 1d > today", "-e", terms.joined(separator: " or ")], in: dir)
            #expect(r.status == 0 && r.stdout.hasSuffix("true\n"), "\(n): \(r.stdout)\(r.stderr)")
        }
    }

    @Test func notATendDatabase() throws {
        let dir = CLI.tempDir()
        let path = dir.appendingPathComponent("other.db").path
        try Data(repeating: 0x41, count: 1000).write(to: URL(fileURLWithPath: path))
        let r = try CLI.run(["-e", "count(contacts)", "--db", path], in: dir)
        #expect(r.status == 3)
        #expect(r.stderr.contains("cannot open"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == Data(repeating: 0x41, count: 1000))
    }

    @Test func resetRulesBringsThePreludeBack() throws {
        let dir = CLI.tempDir()
        try CLI.run(["run", "-"], stdin: "drop rule \"reconnect\"\nlet w_stage = 9\nrule \"mine\" when true then remind \"x\"\n", in: dir)
        #expect(try CLI.run(["-e", "count(rules where name == \"reconnect\")"], in: dir).stdout == "0\n")
        try CLI.run(["run", "-"], stdin: "reset rules\n", in: dir)
        #expect(try CLI.run(["-e", "count(rules where name == \"reconnect\")"], in: dir).stdout == "1\n")
        #expect(try CLI.run(["-e", "w_stage"], in: dir).stdout == "2\n")
        #expect(try CLI.run(["-e", "count(rules where name == \"mine\")"], in: dir).stdout == "1\n")
    }

    @Test func loadAndSaveRelativeToTheScript() throws {
        let dir = CLI.tempDir()
        let sub = dir.appendingPathComponent("team")
        try FileManager.default.createDirectory(at: sub, withIntermediateDirectories: true)
        try "rule \"vip\" when +vip then remind \"Call {name}\" priority 9\nlet w_stage = 4\n".write(
            to: sub.appendingPathComponent("rules.tend"), atomically: true, encoding: .utf8)
        try "load \"rules.tend\"\nadd \"A B\" +vip\nsave \"saved.tend\"\nagenda show rule limit 1\n".write(
            to: sub.appendingPathComponent("main.tend"), atomically: true, encoding: .utf8)
        let r = try CLI.run(["run", "--format", "csv", "team/main.tend"], in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout == "rule\nvip\n")
        let saved = try String(contentsOf: sub.appendingPathComponent("saved.tend"), encoding: .utf8)
        #expect(saved.contains("rule \"vip\" when +vip then remind \"Call {name}\" priority 9"))
        #expect(saved.contains("let w_stage = 4"))
        // Loading the saved definitions into another database reproduces them.
        let other = CLI.tempDir()
        #expect(try CLI.run(["run", sub.appendingPathComponent("saved.tend").path], in: other).status == 0)
        #expect(try CLI.run(["-e", "w_stage"], in: other).stdout == "4\n")
    }

    @Test func tableFormatForPeople() throws {
        let dir = CLI.tempDir()
        let r = try CLI.run(["run", "-"], stdin: "add \"Joan Rivera\" profession: \"hairstylist\"\ncontacts show name, profession\n", in: dir)
        #expect(
            r.stdout == "Added @joan-rivera (Joan Rivera).\nname         profession\n───────────  ───────────\nJoan Rivera  hairstylist\n(1 row)\n")
    }
}

@Suite struct DefaultPathTests {
    @Test func defaultDatabaseUnderHome() throws {
        let dir = CLI.tempDir()
        let r = try CLI.run(["-e", "add \"A B\""], in: dir, env: ["TEND_DB": "", "XDG_DATA_HOME": "", "HOME": dir.path])
        #expect(r.status == 0, "\(r.stderr)")
        let path = dir.appendingPathComponent(".local/share/tend/tend.db").path
        var st = stat()
        #expect(stat(path, &st) == 0)
        #expect(st.st_mode & 0o777 == 0o600)
        let xdg = try CLI.run(["-e", "add \"A B\""], in: dir, env: ["TEND_DB": "", "XDG_DATA_HOME": dir.appendingPathComponent("xdg").path])
        #expect(xdg.status == 0)
        #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("xdg/tend/tend.db").path))
        // A relative XDG folder is ignored, as the specification says: HOME's is used.
        let relative = try CLI.run(["-e", "add \"C D\""], in: dir, env: ["TEND_DB": "", "XDG_DATA_HOME": "rel/data", "HOME": dir.path])
        #expect(relative.status == 0, "\(relative.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("rel").path))
        #expect(try CLI.run(["-e", "count(contacts)"], in: dir, env: ["TEND_DB": "", "XDG_DATA_HOME": "", "HOME": dir.path]).stdout == "2\n")
    }
}
