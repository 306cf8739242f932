import ArgumentParser
import Foundation
import TendCore
import TendPostgres
import TendREPL
import TendStore

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
        commandName: "check", abstract: "Parse and type-check scripts without running them (no database needed; - for standard input).")

    // `--db` is read from the options every command shares: the root command takes it first.
    @OptionGroup var global: GlobalOptions
    @Argument(help: "Script files, or - for standard input.") var files: [String]

    mutating func run() throws {
        var definitions = Prelude.definitions
        // The database every command uses (--db, else TEND_DB, else the default one): its
        // definitions are known when checking (TEND_DB was passed over).
        let db = App.databasePath(global.settings)
        // A database that is not there yet (CI checks the scripts before a run makes it) leaves
        // the prelude's definitions: checking needs no database. Said only of one --db named.
        if global.db != nil, !ConnectionSettings.isURL(db), !App.hasDatabase(at: db) {
            TerminalOutput.write("note: no database at \(TerminalText.escaped(db, keep: [])): checked against the prelude's definitions only\n", to: STDERR_FILENO)
        }
        // The database, when there is one, is read for its definitions and its contacts' handles.
        var database: (any TendDatabase)?
        defer { database?.close() }
        if ConnectionSettings.isURL(db) || App.hasDatabase(at: db) {
            // The database's definitions are known too; it is only read, and nothing is left beside it.
            let isURL = ConnectionSettings.isURL(db)
            do {
                let store: any TendDatabase = isURL ? try PostgresStore(url: db, readOnly: true) : try Store(path: db, readOnly: true)
                database = store
                for d in try store.definitions() {
                    for s in Parser.parse(Source(name: d.name, text: d.source)).statements { definitions.define(s) }
                }
            } catch {
                database?.close()
                let said = error is Store.OpenError || error is PostgresStore.OpenError || error is PostgresFailure
                App.fail(error, prefix: said ? "" : "\(ConnectionSettings.redacted(db)): ")
            }
        }
        var checker = Checker(definitions: definitions)
        var diags: [Diagnostic] = []
        let color = App.colorErrors
        let host = try Session(store: Store(path: nil), today: Day(year: 2000, month: 1, day: 1)!)
        var sources: [Source] = []
        var statements: [Statement] = []
        var loads = Session.LoadState()
        for f in files {
            // `-` is standard input, as for `run`.
            if f == "-" {
                sources.append(App.readStdin())
            } else {
                do {
                    sources.append(try Session.readSource(f))
                } catch {
                    database?.close()
                    App.fail(error, prefix: "\(f): ")
                }
            }
            let (parsed, parseDiags) = host.parse(sources.last!, &loads)
            diags += parseDiags
            statements += parsed
        }
        // Statements that parsed are checked even when others did not, as `run` does.
        checker.check(statements)
        // A handle the database named (--db, TEND_DB) has no contact for, and the scripts make
        // none: `run` refuses it before running (check passed a script run then refused). The
        // default database, named by no one, is not the one a script kept in git is checked
        // against: its contacts are not asked for.
        let named = global.db != nil || environmentSetting("TEND_DB") != nil
        let handles = named ? database.map { Session.unknownHandles(statements, in: $0) } ?? [] : []
        diags = Diagnostic.inSourceOrder(loads.noted(diags + checker.diagnostics + handles), sources: sources + statements.map(\.source))
        let formatter = DiagnosticFormatter(color: color, width: Terminal.width(of: STDERR_FILENO))
        for d in diags.prefix(Session.maxShownErrors) { TerminalOutput.write(formatter.format(d) + "\n", to: STDERR_FILENO) }
        if diags.count > Session.maxShownErrors {
            TerminalOutput.write("… and \(diags.count - Session.maxShownErrors) more errors, not shown\n", to: STDERR_FILENO)
        }
        if !diags.isEmpty {
            TerminalOutput.write("\(diags.count) error\(diags.count == 1 ? "" : "s")\n", to: STDERR_FILENO)
            // Closed before the process ends, as on success: its -wal and -shm go with it.
            database?.close()
            database = nil
            App.exit(.invalid)
        }
    }
}
