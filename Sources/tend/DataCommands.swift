import ArgumentParser
import Foundation
import TendCore
import TendPostgres
import TendREPL
import TendStore

/// A format named on the command line: one word, so that it cannot carry a statement into the
/// script text it is written in (the checker names the formats that exist).
func formatWord(_ format: String) -> String {
    guard !format.isEmpty, format.allSatisfy({ $0.isASCII && $0.isLetter }) else {
        App.fail("'\(format)' is not a format name", .invalid)
    }
    return format
}

/// The format and the file as `tend import`/`tend export` take them, or a usage error that
/// names the command meant: the format left out (`tend import c.vcf`) is said with the format
/// the file's name ends in, when it is one of `formats`.
func formatAndFile(_ verb: String, _ format: String, _ file: String?, among formats: [String]) throws -> (format: String, file: String) {
    let known = formats.contains(format)
    let aFile = !known && looksLikeAFile(format)
    if let file, !aFile { return (format, file) }
    if known { throw ValidationError("name the file after the format, as in: tend \(verb) \(format) FILE") }
    guard aFile else {
        throw ValidationError("cannot \(verb) '\(format)'; formats are \(formats.joined(separator: ", ")), and the file comes after it")
    }
    let meant = FileFormats.byExtension[URL(fileURLWithPath: format).pathExtension.lowercased()].flatMap { formats.contains($0) ? $0 : nil }
    throw ValidationError(
        "'\(format)' is a file; the format comes before it, as in: tend \(verb) \(meant ?? "FORMAT") \(format) (formats: \(formats.joined(separator: ", ")))")
}

/// A path (`c.vcf`, `~/Mail/sent.mbox`, a file or folder that is there), not a format's name.
private func looksLikeAFile(_ word: String) -> Bool {
    word.contains("/") || word.contains(".") || FileManager.default.fileExists(atPath: word)
}

struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import contacts (\(FileFormats.contactImports.joined(separator: ", "))) or touches from calendars and mail (\(FileFormats.touchImports.joined(separator: ", "))).")
    @OptionGroup var global: GlobalOptions
    @Flag(name: .long, help: "Show the report without changing anything.") var dryRun = false
    @Flag(name: .long, help: "Import the good records (contacts, events, messages) and list the bad ones instead of stopping.")
    var skipBad = false
    @Flag(
        name: .long,
        help:
            "Contact imports only \(Self.contactFormats): take the file's value where a stored field differs (each change is reported); without it they are kept and reported as conflicts."
    )
    var update = false
    @ArgumentParser.Option(
        name: .long,
        help: ArgumentHelp(
            "CSV imports only (csv, google, linkedin): the field a column fills, as COLUMN=FIELD; give it once per column (--map Vorname=\"first name\" --map Firma=company).",
            valueName: "COLUMN=FIELD"))
    var map: [String] = []
    @Flag(name: .long, help: "Calendar imports only (ics): a meeting after today sets the next step of the contacts in it.") var plan = false
    @Flag(name: .long, help: "Calendar imports only (ics): leave meetings' summaries out of the notes.") var noNotes = false
    @Argument(help: "\(FileFormats.imports.joined(separator: ", ")).") var format: String
    @Argument(help: "The file, always needed (for vdir, the folder of .vcf cards; for ics, also a folder of .ics files; for maildir, the maildir folder).") var file: String?

    static let contactFormats = "(" + FileFormats.contactImports.joined(separator: ", ") + ")"

    /// An option of another kind of import is a usage error in the command line's words, not a
    /// diagnostic under the statement the command would have run.
    func validate() throws {
        _ = try formatAndFile("import", format, file, among: FileFormats.imports)
        guard FileFormats.imports.contains(format) else { return }
        let contacts = FileFormats.contactImports.contains(format)
        for (given, option, applies, kind) in [
            (update, "--update", contacts, "contact imports \(Self.contactFormats)"),
            (plan, "--plan", format == "ics", "calendar imports (ics)"), (noNotes, "--no-notes", format == "ics", "calendar imports (ics)"),
            (!map.isEmpty, "--map", ["csv", "google", "linkedin"].contains(format), "CSV imports (csv, google, linkedin)"),
        ] where given && !applies {
            throw ValidationError("\(option) applies to \(kind) only, not to \(format)")
        }
        _ = try mapping()
    }

    /// `--map COLUMN=FIELD`s as the statement's `map: {"COLUMN": "FIELD", …}` (nil for none); the
    /// last `=` begins the field's name (no field has one; a column may: `E-Mail=Adresse`).
    func mapping() throws -> String? {
        guard !map.isEmpty else { return nil }
        var columns = Set<String>()
        let pairs = try map.map { given -> String in
            guard let eq = given.lastIndex(of: "="), eq != given.startIndex, given.index(after: eq) != given.endIndex else {
                throw ValidationError("--map \(ScriptWriter.quote(given)) is not COLUMN=FIELD, as in --map Vorname=\"first name\"")
            }
            let column = String(given[..<eq])
            // Said here, of the options as given: the statement they make is not the user's.
            guard columns.insert(column).inserted else { throw ValidationError("--map gives the column \(ScriptWriter.quote(column)) twice") }
            return ScriptWriter.quote(column) + ": " + ScriptWriter.quote(String(given[given.index(after: eq)...]))
        }
        return "{" + pairs.joined(separator: ", ") + "}"
    }

    mutating func run() throws {
        let settings = global.settings
        var flags = ""
        if dryRun { flags += " dry_run" }
        if skipBad { flags += " skip_bad" }
        if update { flags += " update" }
        if plan { flags += " plan" }
        if noNotes { flags += " no_notes" }
        if let mapping = try mapping() { flags += " map: " + mapping }
        let (format, file) = try formatAndFile("import", format, file, among: FileFormats.imports)
        let text = "import \(formatWord(format)) \(ScriptWriter.quote(file))\(flags)"
        let path = App.databasePath(settings)
        // A dry run before the database is made shows what the first import would do.
        let first = dryRun && !ConnectionSettings.isURL(path) && !App.hasDatabase(at: path)
        let session = first ? App.openInMemory(settings) : App.open(settings, create: !dryRun)
        // Ctrl-C or SIGTERM rolls the import back and says so, exit 3, as for a script.
        let status = App.stoppable(session) {
            session.runScripts([Source(name: "<import>", text: text, madeFromCommandLine: true)], bail: false, readOnly: settings.readOnly)
        }
        if !first { App.settleNewDatabase(session, status, settings) }
        App.finish(session, status)
    }
}

struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "export", abstract: "Export contacts: vcard, vdir (a folder of cards), csv, json, ics (the agenda) or dot.")
    @OptionGroup var global: GlobalOptions
    @Flag(name: .long, help: "Replace the file if it exists.") var overwrite = false
    @Argument(help: "\(FileFormats.exports.joined(separator: ", ")).") var format: String
    @Argument(help: "The file to write, always needed, or - for standard output (for vdir, the folder).") var file: String?
    @Argument(help: "One query choosing what to export (all contacts by default).") var query: [String] = []

    func validate() throws {
        _ = try formatAndFile("export", format, file, among: FileFormats.exports)
    }

    mutating func run() throws {
        let (format, file) = try formatAndFile("export", format, file, among: FileFormats.exports)
        // The query is one query, checked as such before it goes into the statement: never
        // statements (`contacts; remove @x`).
        let queryText = query.joined(separator: " ")
        if !queryText.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            let (_, diags) = Parser.parseExpression(Source(name: "<query>", text: queryText))
            if let d = diags.first {
                let formatter = DiagnosticFormatter(color: App.colorErrors, width: Terminal.width(of: STDERR_FILENO))
                TerminalOutput.write((formatter.format(d) + "\n"), to: STDERR_FILENO)
                App.fail("the query of tend export must be one query, as in: contacts where +vip", .invalid)
            }
        }
        let text = "export \(formatWord(format)) \(ScriptWriter.quote(file)) \(queryText)\(overwrite ? " overwrite" : "")"
        let session = App.open(global.settings, create: false)
        // Ctrl-C, SIGTERM or SIGHUP stops it, exit 3, the file as it was (it exited 143 or 130).
        let status = App.stoppable(session) {
            session.runScripts([Source(name: "<export>", text: text, madeFromCommandLine: true)], bail: false, readOnly: global.readOnly)
        }
        App.finish(session, status)
    }
}

struct AgendaCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "agenda", abstract: "What your rules say to do today, highest priority first.")
    @OptionGroup var global: GlobalOptions
    @ArgumentParser.Option(parsing: .unconditional, help: "Show at most this many lines (0 or more; 20 unless --all).") var limit: Int?
    @ArgumentParser.Flag(help: "Show every line.") var all = false
    @ArgumentParser.Flag(help: "One line per item (rule and contact) instead of one per person.") var byItem = false
    @Argument(help: "The statement's words after agenda: on DATE, by item, all, limit N.") var words: [String] = []

    func validate() throws {
        if let limit, limit < 0 { throw ValidationError("--limit must be 0 or more, not \(limit)") }
        if all && limit != nil { throw ValidationError("--all shows every line; leave out --limit, or leave out --all") }
    }

    mutating func run() throws {
        let session = App.open(global.settings, create: false)
        let text =
            (["agenda"] + words).joined(separator: " ") + (byItem ? " by item" : "") + (all ? " all" : "") + (limit.map { " limit \($0)" } ?? "")
        // One statement, and the process ends: nothing is kept for a next one.
        session.interpreter.keepsAgenda = false
        // Not read-only: the page keeps its numbers for `tend done 3` (under --read-only it keeps none).
        let status = App.stoppable(session) {
            session.runScripts([Source(name: "<agenda>", text: text, madeFromCommandLine: true)], bail: false, readOnly: global.readOnly)
        }
        App.finish(session, status)
    }
}

struct DumpCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "dump", abstract: "Print the whole database as a Tend script that rebuilds it.")
    @OptionGroup var global: GlobalOptions

    mutating func run() throws {
        let session = App.open(global.settings, create: false)
        /// Standard output is gone (a closed pipe, a full disk): the dump stops reading; the
        /// exit says why (`TerminalOutput.lost`).
        struct OutputLost: Error {}
        // Ctrl-C, SIGTERM or SIGHUP stops it between blocks, exit 3: the dump is left without its
        // last line, so that it is refused as cut short (it exited 143 or 130).
        let failure: Error? = App.stoppable(session) {
            do {
                // Exact when redirected; on a terminal, a definition's raw control characters are escaped.
                try session.dump { block in
                    TerminalOutput.write(block, to: STDOUT_FILENO)
                    // After the write, which a stop also ends when it waits on a full pipe.
                    try Interruption.check()
                    if TerminalOutput.lost != nil { throw OutputLost() }
                }
            } catch is OutputLost {
            } catch {
                return error
            }
            return nil
        }
        if let failure { App.fail(failure, closing: session) }
        App.exit(.success, closing: session)
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
            App.fail(error, closing: session)
        }
        TerminalOutput.write("Backed up \(TerminalText.escaped(path, keep: [])) to \(TerminalText.escaped(file, keep: [])).\n", to: STDERR_FILENO)
        App.exit(.success, closing: session)
    }
}

struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "demo", abstract: "Generate a sample network into a database.")
    @OptionGroup var global: GlobalOptions
    @ArgumentParser.Option(help: "How many contacts (1 to 1,000,000).") var size: Int = 50
    @ArgumentParser.Option(help: "Seed for the generator.") var seed: UInt64 = 42
    @ArgumentParser.Option(help: "Interactions per contact, on average (0 to 100).") var interactions: Int = 10

    /// Sizes out of range are usage errors (exit 2): `--size 0` made one contact, and a size
    /// past the range ran for minutes.
    func validate() throws {
        guard (1...1_000_000).contains(size) else { throw ValidationError("--size is a number of contacts from 1 to 1,000,000, not \(size)") }
        guard (0...100).contains(interactions) else {
            throw ValidationError("--interactions is an average number per contact from 0 to 100, not \(interactions)")
        }
    }

    mutating func run() throws {
        let settings = global.settings
        if settings.readOnly { App.fail("demo writes a database, which --read-only does not allow", .invalid) }
        let path = App.databasePath(settings)
        // Opening a session installs the prelude in a new database.
        let session = App.open(settings, create: true)
        App.announceCreated(session, settings)
        let contacts: Int
        do {
            contacts = try session.store.contactCount()
        } catch {
            App.fail(error, closing: session)
        }
        let notEmpty = "\(ConnectionSettings.redacted(path)) already has contacts; give an empty --db"
        guard contacts == 0 else { App.fail(notEmpty, .failed, closing: session) }
        let started = Date()
        let counts: SampleNetwork.Counts
        do {
            let sample = SampleNetwork(size: size, seed: seed, interactionsPerContact: interactions, today: session.today)
            if let store = session.store as? Store {
                counts = try sample.write(to: store)
            } else {
                // The generator writes SQLite's tables (SampleNetwork): it writes a database in
                // memory, which is pushed into the other store.
                let generated = try Store(path: nil)
                counts = try sample.write(to: generated)
                guard let team = session.store as? PostgresStore else {
                    App.fail("demo writes into SQLite or PostgreSQL", .invalid, closing: session)
                }
                let push = try Push(from: generated, into: team)
                _ = try session.store.transactionRetryingConflicts { try push.run() }
            }
        } catch is SampleNetwork.NotEmpty {
            App.fail(notEmpty + " (another process added some meanwhile)", .failed, closing: session)
        } catch {
            App.fail(error, closing: session)
        }
        let seconds = Date().timeIntervalSince(started)
        TerminalOutput.write(
            "Generated \(counts.contacts) contact\(counts.contacts == 1 ? "" : "s"), \(counts.interactions) interaction\(counts.interactions == 1 ? "" : "s") in \(String(format: "%.1f", seconds)) s into \(ConnectionSettings.redacted(path)).\n",
            to: STDERR_FILENO)
        App.exit(.success, closing: session)
    }
}
