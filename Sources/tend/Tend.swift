import ArgumentParser
import Foundation
import TendCore
import TendREPL
import TendStore

/// Options every command takes.
struct GlobalOptions: ParsableArguments {
    @ArgumentParser.Option(name: .long, help: "The database file (default: $TEND_DB, else $XDG_DATA_HOME/tend/tend.db).")
    var db: String?

    @ArgumentParser.Option(name: .long, help: "Today's date, YYYY-MM-DD (default: $TEND_TODAY, else the system date).")
    var today: String?

    @ArgumentParser.Option(name: .long, help: "Output format: table, json, csv or tsv.")
    var format: OutputFormat = .table

    @Flag(name: .long, help: "Changing data is an error; definitions last for this run only.")
    var readOnly = false
}

extension OutputFormat: ExpressibleByArgument {}

/// What the global options say, however they were read (see `QuickArguments`).
struct Settings {
    var db: String?
    var today: String?
    var format: OutputFormat = .table
    var readOnly = false
}

extension GlobalOptions {
    var settings: Settings { Settings(db: db, today: today, format: format, readOnly: readOnly) }
}

@main
struct Tend: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tend",
        abstract: "A relationship manager for people who grow business through their network.",
        discussion: """
            With no arguments on a terminal, tend starts the REPL on the default database; with input
            piped in, it runs that input as a script (like `tend run -`).
            Exit codes: 0 success, 1 an assertion failed, 2 the script does not parse or type-check,
            3 a run-time, data or I/O error (every change of the run rolled back).
            """,
        subcommands: [
            RunCommand.self, CheckCommand.self, ImportCommand.self, ExportCommand.self, AgendaCommand.self,
            DumpCommand.self, BackupCommand.self, DemoCommand.self,
        ],
        defaultSubcommand: nil)

    @OptionGroup var global: GlobalOptions

    @ArgumentParser.Option(name: .customShort("e"), help: "Run one statement, print its result, and exit.")
    var statement: String?

    /// The two commonest one-shot forms (`tend -e …`, `tend run FILE…`) are read directly;
    /// everything else goes to ArgumentParser.
    static func main() {
        // A file size limit (ulimit -f) makes a write fail with EFBIG, reported in words with
        // nothing changed, instead of killing Tend half-way.
        signal(SIGXFSZ, SIG_IGN)
        if let quick = QuickArguments(Array(CommandLine.arguments.dropFirst())) { quick.run() }
        main(nil)
    }

    mutating func run() throws {
        let settings = global.settings
        if let statement { App.runStatement(statement, settings) }
        if isatty(STDIN_FILENO) == 1 {
            // The REPL creates a missing database, as it always has: it is where one starts.
            let session = App.open(settings, create: true)
            let status = REPL(session: session, databaseName: App.databasePath(settings)).run()
            App.finish(session, status, summary: false)
        }
        let source = App.readStdin()
        if REPL.hasDotCommands(source) {
            // Dot-commands make piped input a REPL session without a keyboard: it creates a
            // missing database as the REPL does.
            let session = App.open(settings, create: true)
            App.announceCreated(session, settings)
            let repl = REPL(session: session, databaseName: App.databasePath(settings), reader: PlainLineReader())
            App.finish(session, repl.runPiped(source, readOnly: settings.readOnly))
        }
        App.runSources([source], settings, bail: false, quiet: false, junit: nil)
    }
}

/// `tend -e STATEMENT` and `tend run FILE…` with the plain spelling of their options, read
/// without ArgumentParser: its reflection over the commands' options was half of the
/// instructions of a one-shot query (`tend -e 'count(contacts)'`), the start-up scripts in CI
/// pay on every call. Anything else, or anything unusual (`--db=x`, a repeated option, a value
/// that starts with a dash, help), is left to ArgumentParser, so the two never disagree on
/// what is accepted; `CLITests.quickArgumentsMatchArgumentParser` runs both spellings.
struct QuickArguments {
    enum Action {
        case statement(String)
        case run(files: [String], bail: Bool, quiet: Bool)
    }
    var settings = Settings()
    var action: Action

    init?(_ args: [String]) {
        var rest = args[...]
        let isRun = rest.first == "run"
        if isRun { rest = rest.dropFirst() }
        var statement: String?
        var files: [String] = []
        var bail = false
        var quiet = false
        var seen: Set<String> = []
        func value(_ v: String?) -> String? { v.flatMap { $0.hasPrefix("-") ? nil : $0 } }
        while let arg = rest.popFirst() {
            if arg.hasPrefix("-") && arg != "-" {
                guard seen.insert(arg).inserted else { return nil }
            }
            switch arg {
            case "-e" where !isRun:
                guard let v = rest.popFirst(), !v.hasPrefix("-") else { return nil }
                statement = v
            case "--db":
                guard let v = value(rest.popFirst()) else { return nil }
                settings.db = v
            case "--today":
                guard let v = value(rest.popFirst()) else { return nil }
                settings.today = v
            case "--format":
                guard let v = value(rest.popFirst()), let f = OutputFormat(rawValue: v) else { return nil }
                settings.format = f
            case "--read-only": settings.readOnly = true
            case "--bail" where isRun: bail = true
            case "--quiet" where isRun: quiet = true
            default:
                guard isRun, arg == "-" || !arg.hasPrefix("-") else { return nil }
                files.append(arg)
            }
        }
        if isRun {
            guard !files.isEmpty else { return nil }
            action = .run(files: files, bail: bail, quiet: quiet)
        } else {
            guard let statement else { return nil }
            action = .statement(statement)
        }
    }

    func run() -> Never {
        switch action {
        case .statement(let s): App.runStatement(s, settings)
        case .run(let files, let bail, let quiet): App.runFiles(files, settings, bail: bail, quiet: quiet, junit: nil)
        }
    }
}

/// What the commands share: finding and opening the database, and leaving with the right code.
enum App {
    static func databasePath(_ g: Settings) -> String {
        if let db = g.db { return db }
        if let db = environmentSetting("TEND_DB") { return db }
        let base = environmentSetting("XDG_DATA_HOME") ?? homeDirectory() + "/.local/share"
        return base + "/tend/tend.db"
    }

    static func today(_ g: Settings) -> Day {
        let text = g.today ?? environmentSetting("TEND_TODAY")
        if let text {
            guard let d = Day(iso: text) else { fail("today must be a date YYYY-MM-DD, not \"\(text)\"", .invalid) }
            return d
        }
        var t = time(nil)
        var tm = tm()
        localtime_r(&t, &tm)
        return Day(year: Int(tm.tm_year) + 1900, month: Int(tm.tm_mon) + 1, day: Int(tm.tm_mday))!
    }

    static var colorOutput: Bool { colorOn(STDOUT_FILENO) }
    static var colorErrors: Bool { colorOn(STDERR_FILENO) }
    static func colorOn(_ fd: Int32) -> Bool {
        isatty(fd) == 1 && environmentValue("NO_COLOR") == nil && environmentValue("TERM") != "dumb"
    }

    /// The session open now: leaving closes its database (see `exit`).
    static var session: Session?

    /// Opens the database for a command. A missing database is created only when `create` says
    /// so (the REPL, import, demo, a run that changes data) and never under `--read-only`;
    /// otherwise it is an error, so that a mistyped path fails instead of answering from an
    /// empty new database.
    static func open(_ g: Settings, create: Bool) -> Session {
        let path = databasePath(g)
        let day = today(g)
        if !FileManager.default.fileExists(atPath: path) && (!create || g.readOnly) { fail(missingDatabase(g), .failed) }
        do {
            var readOnlyFile: String?
            let store: Store
            do {
                store = try Store(path: path, readOnly: g.readOnly)
            } catch Store.OpenError.readOnly(let p) {
                // Still worth opening: queries, the agenda and exports work; changes are refused.
                store = try Store(path: path, readOnly: true)
                readOnlyFile = p
            }
            for w in store.warnings { TerminalOutput.write("tend: warning: \(w)\n", to: STDERR_FILENO) }
            let width = Terminal.width()
            let renderer = Renderer(format: g.format, color: colorOutput, width: width, today: width != nil ? day : nil, terminal: width != nil)
            let session = try Session(store: store, today: day, renderer: renderer, color: colorErrors)
            session.readOnlyFile = readOnlyFile
            session.readOnly = g.readOnly
            self.session = session
            return session
        } catch let e as Store.OpenError {
            fail(e.description, .failed)
        } catch {
            fail("cannot open \(path): \(Session.describe(error))", .failed)
        }
    }

    static func missingDatabase(_ g: Settings) -> String {
        let why = g.readOnly ? "--read-only creates none" : "a command that only reads does not create one"
        return "no database at \(databasePath(g)) (\(why)); check --db or TEND_DB"
    }

    /// Says on standard error that a command made a new database, when it did.
    static func announceCreated(_ session: Session, _ g: Settings) {
        if session.store.isNew { FileHandle.standardError.write(Data("tend: created a new database at \(databasePath(g))\n".utf8)) }
    }

    static func readStdin() -> Source {
        let data = FileHandle.standardInput.readDataToEndOfFile()
        do {
            return try Session.source(from: data, name: "<stdin>")
        } catch let e as Session.ReadError {
            fail("<stdin>: \(e)", e.status)
        } catch {
            fail("<stdin>: \(error)", .failed)
        }
    }

    static func fail(_ message: String, _ status: ExitStatus) -> Never {
        TerminalOutput.write("tend: error: \(message)\n", to: STDERR_FILENO)
        exit(status)
    }

    /// Leaves with a status: the only exit point. The database is closed first, so that what
    /// was written is in the file itself and no `-wal` or `-shm` file stays behind.
    static func exit(_ status: ExitStatus) -> Never {
        session?.store.close()
        Foundation.exit(status.rawValue)
    }

    /// `tend -e STATEMENT`.
    static func runStatement(_ statement: String, _ settings: Settings) -> Never {
        runSources([Source(name: "<-e>", text: statement)], settings, bail: false, quiet: false, junit: nil)
    }

    /// `tend run FILE…`.
    static func runFiles(_ files: [String], _ settings: Settings, bail: Bool, quiet: Bool, junit: String?) -> Never {
        var sources: [Source] = []
        for f in files {
            if f == "-" {
                sources.append(readStdin())
                continue
            }
            do {
                sources.append(try Session.readSource(f))
            } catch let e as Session.ReadError {
                fail("\(f): \(e)", e.status)
            } catch {
                fail("\(f): \(error)", .failed)
            }
        }
        runSources(sources, settings, bail: bail, quiet: quiet, junit: junit.map { ($0, files.joined(separator: " ")) })
    }

    /// Runs scripts on the database. A run on a path with no database creates one only when the
    /// program changes data (checked first, on a database in memory), says so, and removes it
    /// again when the run fails.
    static func runSources(_ sources: [Source], _ g: Settings, bail: Bool, quiet: Bool, junit: (file: String, suite: String)?) -> Never {
        let path = databasePath(g)
        var create = false
        if !FileManager.default.fileExists(atPath: path) {
            let probe: Session
            do {
                probe = try Session(store: Store(path: nil), today: today(g), color: colorErrors)
            } catch {
                fail("\(error)", .failed)
            }
            let (statements, diags) = probe.prepare(sources, readOnly: g.readOnly)
            if !diags.isEmpty {
                probe.report(diags)
                leave(probe, .invalid, junit: junit, database: path)
            }
            create = !g.readOnly && probe.changesData(statements)
            if !create {
                probe.fail("tend: error: \(missingDatabase(g))")
                leave(probe, .failed, junit: junit, database: path)
            }
        }
        let session = open(g, create: create)
        session.quiet = quiet
        let status = session.runScripts(sources, bail: bail, readOnly: g.readOnly)
        if create && session.store.isNew {
            if status == .failed {
                session.store.close()
                for suffix in ["", "-wal", "-shm", "-journal"] { unlink(path + suffix) }
            } else {
                announceCreated(session, g)
            }
        }
        leave(session, status, junit: junit, database: path)
    }

    /// Writes the JUnit report when asked for, prints the assertion summary, and exits.
    static func leave(_ session: Session, _ status: ExitStatus, junit: (file: String, suite: String)?, database: String) -> Never {
        if let (file, suite) = junit {
            do {
                // The report replaces one an earlier run wrote, and nothing else.
                let advice = "it is not a JUnit report from an earlier run, so Tend does not replace it"
                let isReport: ([UInt8]) -> Bool = { String(decoding: $0, as: UTF8.self).hasPrefix(Session.junitPrologue) }
                try FileWriter(database: database).write(
                    Array(session.junitReport(suite: suite).utf8), to: file, existing: .replaceIf(isReport, advice: advice))
            } catch {
                fail("\(error)", .failed)
            }
        }
        finish(session, status)
    }

    /// Prints the assertion summary and exits with the run's status.
    static func finish(_ session: Session, _ status: ExitStatus, summary: Bool = true) -> Never {
        if summary, let line = session.assertionSummary { session.console.err(line) }
        exit(status)
    }
}

struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run", abstract: "Run Tend scripts without a terminal (use - for standard input).")

    @OptionGroup var global: GlobalOptions
    @Flag(help: "Stop at the first failed assertion.") var bail = false
    @Flag(help: "Print only results, not confirmations.") var quiet = false
    @ArgumentParser.Option(help: "Write the assertions as a JUnit XML report to this file.") var junit: String?
    @Argument(help: "Script files, or - for standard input.") var files: [String]

    func validate() throws {
        if files.isEmpty { throw ValidationError("give at least one script file, or - for standard input") }
    }

    mutating func run() throws {
        App.runFiles(files, global.settings, bail: bail, quiet: quiet, junit: junit)
    }
}

struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check", abstract: "Parse and type-check scripts without running them (no database needed).")

    // `--db` is read from the options every command shares: the root command takes it first.
    @OptionGroup var global: GlobalOptions
    @Argument(help: "Script files.") var files: [String]

    mutating func run() throws {
        var definitions = Prelude.definitions
        if let db = global.db {
            // The database's definitions are known too; it is only read, and nothing is left beside it.
            guard FileManager.default.fileExists(atPath: db) else { App.fail("no database at \(db); check --db", .failed) }
            do {
                let store = try Store(path: db, readOnly: true)
                defer { store.close() }
                for d in try store.definitions() {
                    for s in Parser.parse(Source(name: d.name, text: d.source)).statements { definitions.define(s) }
                }
            } catch let e as Store.OpenError {
                App.fail(e.description, .failed)
            } catch {
                App.fail("\(db): \(Session.describe(error))", .failed)
            }
        }
        var checker = Checker(definitions: definitions)
        var diags: [Diagnostic] = []
        let color = App.colorErrors
        let host = try Session(store: Store(path: nil), today: Day(year: 2000, month: 1, day: 1)!)
        for f in files {
            let source: Source
            do {
                source = try Session.readSource(f)
            } catch let e as Session.ReadError {
                App.fail("\(f): \(e)", e.status)
            }
            let (statements, parseDiags) = host.parse(source)
            diags += parseDiags
            if parseDiags.isEmpty { checker.check(statements) }
        }
        diags += checker.diagnostics
        let formatter = DiagnosticFormatter(color: color)
        for d in diags { TerminalOutput.write(formatter.format(d) + "\n", to: STDERR_FILENO) }
        if !diags.isEmpty {
            FileHandle.standardError.write(Data("\(diags.count) error\(diags.count == 1 ? "" : "s")\n".utf8))
            App.exit(.invalid)
        }
    }
}

/// A format named on the command line: one word, so that it cannot carry a statement into the
/// script text it is written in (the checker names the formats that exist).
func formatWord(_ format: String) -> String {
    guard !format.isEmpty, format.allSatisfy({ $0.isASCII && $0.isLetter }) else {
        App.fail("'\(format)' is not a format name", .invalid)
    }
    return format
}

struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "import", abstract: "Import contacts: vcard, csv, linkedin or google.")
    @OptionGroup var global: GlobalOptions
    @Flag(name: .long, help: "Show the report without changing anything.") var dryRun = false
    @Flag(name: .long, help: "Import the good records and list the bad ones instead of stopping.") var skipBad = false
    @Flag(
        name: .long,
        help: "Take the file's value where a stored field differs (each change is reported); without it they are kept and reported as conflicts.")
    var update = false
    @Argument(help: "vcard, csv, linkedin or google.") var format: String
    @Argument(help: "The file.") var file: String

    mutating func run() throws {
        let settings = global.settings
        var flags = ""
        if dryRun { flags += " dry_run" }
        if skipBad { flags += " skip_bad" }
        if update { flags += " update" }
        let text = "import \(formatWord(format)) \(ScriptWriter.quote(file))\(flags)"
        let session = App.open(settings, create: !dryRun)
        App.announceCreated(session, settings)
        App.finish(session, session.runScripts([Source(name: "<import>", text: text)], bail: false, readOnly: settings.readOnly))
    }
}

struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "export", abstract: "Export contacts: vcard, csv, json, ics (the agenda) or dot.")
    @OptionGroup var global: GlobalOptions
    @Flag(name: .long, help: "Replace the file if it exists.") var overwrite = false
    @Argument(help: "vcard, csv, json, ics or dot.") var format: String
    @Argument(help: "The file to write, or - for standard output.") var file: String
    @Argument(help: "One query choosing what to export (all contacts by default).") var query: [String] = []

    mutating func run() throws {
        // The query is one query, checked as such before it goes into the statement: never
        // statements (`contacts; remove @x`).
        let queryText = query.joined(separator: " ")
        if !queryText.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            let (_, diags) = Parser.parseExpression(Source(name: "<query>", text: queryText))
            if let d = diags.first {
                let formatter = DiagnosticFormatter(color: App.colorErrors)
                FileHandle.standardError.write(Data((formatter.format(d) + "\n").utf8))
                App.fail("the query of tend export must be one query, as in: contacts where +vip", .invalid)
            }
        }
        let session = App.open(global.settings, create: false)
        let text = "export \(formatWord(format)) \(ScriptWriter.quote(file)) \(queryText)\(overwrite ? " overwrite" : "")"
        App.finish(session, session.runScripts([Source(name: "<export>", text: text)], bail: false, readOnly: global.readOnly))
    }
}

struct AgendaCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "agenda", abstract: "What your rules say to do today, highest priority first.")
    @OptionGroup var global: GlobalOptions
    @ArgumentParser.Option(help: "Show at most this many items.") var limit: Int?

    mutating func run() throws {
        let session = App.open(global.settings, create: false)
        let text = "agenda" + (limit.map { " limit \($0)" } ?? "")
        App.finish(session, session.runScripts([Source(name: "<agenda>", text: text)], bail: false, readOnly: true))
    }
}

struct DumpCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "dump", abstract: "Print the whole database as a Tend script that rebuilds it.")
    @OptionGroup var global: GlobalOptions

    mutating func run() throws {
        let session = App.open(global.settings, create: false)
        do {
            // Exact when redirected; on a terminal, a definition's raw control characters are escaped.
            TerminalOutput.write(try session.dump(), to: STDOUT_FILENO)
        } catch {
            App.fail(Session.describe(error), .failed)
        }
        App.exit(.success)
    }
}

struct BackupCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Copy the database into a file, consistent even while others use it (to restore, copy the file back).")
    @OptionGroup var global: GlobalOptions
    @Flag(name: .long, help: "Replace the file if it exists.") var overwrite = false
    @Argument(help: "The file to write.") var file: String

    mutating func run() throws {
        let settings = global.settings
        if settings.readOnly { App.fail("backup writes a file, which --read-only does not allow", .invalid) }
        let path = App.databasePath(settings)
        let session = App.open(settings, create: false)
        do {
            let existing = overwrite ? FileWriter.Existing.replace : .refuse(advice: "add --overwrite to replace it")
            try FileWriter(database: path).fill(file, existing: existing) { temp, _ in try session.store.backup(into: temp) }
        } catch {
            App.fail(Session.describe(error), .failed)
        }
        FileHandle.standardError.write(Data("Backed up \(path) to \(file).\n".utf8))
        App.exit(.success)
    }
}

struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "demo", abstract: "Generate a sample network into a database.")
    @OptionGroup var global: GlobalOptions
    @ArgumentParser.Option(help: "How many contacts (50 to 1,000,000).") var size: Int = 50
    @ArgumentParser.Option(help: "Seed for the generator.") var seed: UInt64 = 42
    @ArgumentParser.Option(help: "Interactions per contact, on average.") var interactions: Int = 10

    mutating func run() throws {
        let settings = global.settings
        if settings.readOnly { App.fail("demo writes a database, which --read-only does not allow", .invalid) }
        let path = App.databasePath(settings)
        // Opening a session installs the prelude in a new database.
        let session = App.open(settings, create: true)
        App.announceCreated(session, settings)
        let store = session.store
        guard try store.contactCount() == 0 else { App.fail("\(path) already has contacts; give an empty --db", .failed) }
        let started = Date()
        let counts: SampleNetwork.Counts
        do {
            counts = try SampleNetwork(size: size, seed: seed, interactionsPerContact: interactions, today: session.today).write(to: store)
        } catch {
            App.fail(Session.describe(error), .failed)
        }
        let seconds = Date().timeIntervalSince(started)
        TerminalOutput.write(
            "Generated \(counts.contacts) contacts, \(counts.interactions) interactions in \(String(format: "%.1f", seconds)) s into \(path).\n",
            to: STDERR_FILENO)
        App.exit(.success)
    }
}
