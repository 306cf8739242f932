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
            DumpCommand.self, DemoCommand.self,
        ],
        defaultSubcommand: nil)

    @OptionGroup var global: GlobalOptions

    @ArgumentParser.Option(name: .customShort("e"), help: "Run one statement, print its result, and exit.")
    var statement: String?

    /// The two commonest one-shot forms (`tend -e …`, `tend run FILE…`) are read directly;
    /// everything else goes to ArgumentParser.
    static func main() {
        if let quick = QuickArguments(Array(CommandLine.arguments.dropFirst())) { quick.run() }
        main(nil)
    }

    mutating func run() throws {
        let settings = global.settings
        if let statement { App.runStatement(statement, settings) }
        if isatty(STDIN_FILENO) == 1 {
            let session = try App.open(settings)
            let status = REPL(session: session, databaseName: App.databasePath(settings)).run()
            App.finish(session, status, summary: false)
        }
        let session = try App.open(settings)
        let source = try App.readStdin()
        App.finish(session, session.runScripts([source], bail: false, readOnly: settings.readOnly))
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

    static func today(_ g: Settings) throws -> Day {
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

    static func terminalWidth() -> Int? {
        guard isatty(STDOUT_FILENO) == 1 else { return nil }
        var w = winsize()
        if ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &w) == 0, w.ws_col > 0 { return Int(w.ws_col) }
        return 80
    }

    static func open(_ g: Settings) throws -> Session {
        let path = databasePath(g)
        let day = try today(g)
        do {
            var readOnlyFile: String?
            let store: Store
            do {
                store = try Store(path: path)
            } catch Store.OpenError.readOnly(let p) {
                // Still worth opening: queries, the agenda and exports work; changes are refused.
                store = try Store(path: path, readOnly: true)
                readOnlyFile = p
            }
            let width = terminalWidth()
            let renderer = Renderer(format: g.format, color: colorOutput, width: width, today: width != nil ? day : nil, terminal: width != nil)
            let session = try Session(store: store, today: day, renderer: renderer, color: colorErrors)
            session.readOnlyFile = readOnlyFile
            return session
        } catch let e as Store.OpenError {
            fail(e.description, .failed)
        } catch {
            fail("cannot open \(path): \(error)", .failed)
        }
    }

    static func readStdin() throws -> Source {
        let data = FileHandle.standardInput.readDataToEndOfFile()
        do {
            return try Session.source(from: data, name: "<stdin>")
        } catch let e as Session.ReadError {
            fail("<stdin>: \(e)", e.status)
        }
    }

    static func fail(_ message: String, _ status: ExitStatus) -> Never {
        TerminalOutput.write("tend: error: \(message)\n", to: STDERR_FILENO)
        Foundation.exit(status.rawValue)
    }

    /// `tend -e STATEMENT`.
    static func runStatement(_ statement: String, _ settings: Settings) -> Never {
        let session: Session
        do {
            session = try open(settings)
        } catch {
            fail("\(error)", .failed)
        }
        finish(session, session.runScripts([Source(name: "<-e>", text: statement)], bail: false, readOnly: settings.readOnly))
    }

    /// `tend run FILE…`.
    static func runFiles(_ files: [String], _ settings: Settings, bail: Bool, quiet: Bool, junit: String?) -> Never {
        var sources: [Source] = []
        do {
            for f in files {
                if f == "-" {
                    sources.append(try readStdin())
                    continue
                }
                do {
                    sources.append(try Session.readSource(f))
                } catch let e as Session.ReadError {
                    fail("\(f): \(e)", e.status)
                }
            }
        } catch {
            fail("\(error)", .failed)
        }
        let session: Session
        do {
            session = try open(settings)
        } catch {
            fail("\(error)", .failed)
        }
        session.quiet = quiet
        let status = session.runScripts(sources, bail: bail, readOnly: settings.readOnly)
        if let junit {
            do {
                try Session.writePrivate(session.junitReport(suite: files.joined(separator: " ")), to: junit)
            } catch {
                fail("cannot write \(junit): \(error)", .failed)
            }
        }
        finish(session, status)
    }

    /// Prints the assertion summary and exits with the run's status: the only exit point.
    static func finish(_ session: Session, _ status: ExitStatus, summary: Bool = true) -> Never {
        if summary, let line = session.assertionSummary { session.console.err(line) }
        Foundation.exit(status.rawValue)
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

    @ArgumentParser.Option(help: "Also know the definitions kept in this database.") var db: String?
    @Argument(help: "Script files.") var files: [String]

    mutating func run() throws {
        var definitions = Prelude.definitions
        if let db {
            do {
                let store = try Store(path: db, readOnly: true)
                for d in try store.definitions() {
                    for s in Parser.parse(Source(name: d.name, text: d.source)).statements { definitions.define(s) }
                }
            } catch {
                App.fail("\(db): \(error)", .failed)
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
            Foundation.exit(ExitStatus.invalid.rawValue)
        }
    }
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
        let session = try App.open(global.settings)
        var flags = ""
        if dryRun { flags += " dry_run" }
        if skipBad { flags += " skip_bad" }
        if update { flags += " update" }
        let text = "import \(format) \(ScriptWriter.quote(file))\(flags)"
        App.finish(session, session.runScripts([Source(name: "<import>", text: text)], bail: false, readOnly: false))
    }
}

struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "export", abstract: "Export contacts: vcard, csv, json, ics (the agenda) or dot.")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "vcard, csv, json, ics or dot.") var format: String
    @Argument(help: "The file to write.") var file: String
    @Argument(help: "A query choosing what to export (all contacts by default).") var query: [String] = []

    mutating func run() throws {
        let session = try App.open(global.settings)
        let text = "export \(format) \(ScriptWriter.quote(file)) \(query.joined(separator: " "))"
        App.finish(session, session.runScripts([Source(name: "<export>", text: text)], bail: false, readOnly: false))
    }
}

struct AgendaCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "agenda", abstract: "What your rules say to do today, highest priority first.")
    @OptionGroup var global: GlobalOptions
    @ArgumentParser.Option(help: "Show at most this many items.") var limit: Int?

    mutating func run() throws {
        let session = try App.open(global.settings)
        let text = "agenda" + (limit.map { " limit \($0)" } ?? "")
        App.finish(session, session.runScripts([Source(name: "<agenda>", text: text)], bail: false, readOnly: true))
    }
}

struct DumpCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "dump", abstract: "Print the whole database as a Tend script that rebuilds it.")
    @OptionGroup var global: GlobalOptions

    mutating func run() throws {
        let session = try App.open(global.settings)
        // Exact when redirected; on a terminal, a definition's raw control characters are escaped.
        TerminalOutput.write(try session.dump(), to: STDOUT_FILENO)
    }
}

struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "demo", abstract: "Generate a sample network into a database.")
    @OptionGroup var global: GlobalOptions
    @ArgumentParser.Option(help: "How many contacts (50 to 1,000,000).") var size: Int = 50
    @ArgumentParser.Option(help: "Seed for the generator.") var seed: UInt64 = 42
    @ArgumentParser.Option(help: "Interactions per contact, on average.") var interactions: Int = 10

    mutating func run() throws {
        let path = App.databasePath(global.settings)
        let day = try App.today(global.settings)
        let store: Store
        do {
            store = try Store(path: path)
        } catch {
            App.fail("\(error)", .failed)
        }
        // Opening a session installs the prelude in the new database.
        _ = try Session(store: store, today: day)
        guard try store.contactCount() == 0 else { App.fail("\(path) already has contacts; give an empty --db", .failed) }
        let started = Date()
        let counts = try SampleNetwork(size: size, seed: seed, interactionsPerContact: interactions, today: day).write(to: store)
        let seconds = Date().timeIntervalSince(started)
        TerminalOutput.write(
            "Generated \(counts.contacts) contacts, \(counts.interactions) interactions in \(String(format: "%.1f", seconds)) s into \(path).\n",
            to: STDERR_FILENO)
    }
}
