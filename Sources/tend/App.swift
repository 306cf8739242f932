import ArgumentParser
import Foundation
import TendCore
import TendPostgres
import TendREPL
import TendStore

/// What the commands share: finding and opening the database, and leaving with the right code.
enum App {
    static func databasePath(_ g: Settings) -> String {
        if let db = g.db {
            // An empty --db (`--db "$UNSET"`) is a slip, not a file named "".
            if db.isEmpty { fail("--db needs a database: a file's path or a postgresql:// URL", .invalid) }
            return refusingOtherURLs(refusingConnectionString(db, "--db"), "--db")
        }
        if let db = environmentSetting("TEND_DB") { return refusingOtherURLs(refusingConnectionString(db, "TEND_DB"), "TEND_DB") }
        let base = xdgDirectory("XDG_DATA_HOME") ?? homeDirectory() + "/.local/share"
        return base + "/tend/tend.db"
    }

    /// libpq's keyword/value form (`host=… user=… password=…`) is not a file's name: it made an
    /// SQLite file named with the password, and the team's data went into it. Refused without
    /// being shown (it may hold a password).
    static func refusingConnectionString(_ db: String, _ what: String) -> String {
        let keywords: Set<String> = ["host", "hostaddr", "port", "dbname", "user", "password", "passfile", "sslmode", "service", "options", "application_name", "connect_timeout"]
        let first = db.split(whereSeparator: \.isWhitespace).first.map(String.init) ?? ""
        guard let eq = first.firstIndex(of: "="), keywords.contains(first[..<eq].lowercased()) else { return db }
        fail("\(what) takes a file's path or a postgresql:// URL, not libpq's key=value form: write it as postgresql://USER@HOST:PORT/DB (the password in PGPASSWORD or ~/.pgpass)", .invalid)
    }

    /// A URL of another scheme (`postgresq://…`, `mysql://…`, `file:///…`; a path that begins
    /// `file:` without the slashes names a file) is no file's name: it made folders
    /// named after it and a private database there, and a member's change went into it instead
    /// of the team's. Refused, naming the scheme alone (the rest may hold a password).
    static func refusingOtherURLs(_ db: String, _ what: String) -> String {
        // Any word before `://` with no folder in it (`jdbc:postgresql://…` too).
        guard !ConnectionSettings.isURL(db), let colon = db.range(of: "://"),
            case let scheme = db[..<colon.lowerBound], !scheme.isEmpty, !scheme.contains("/"), !scheme.hasPrefix(".")
        else { return db }
        let hint =
            scheme.lowercased() == "file" ? "; write the file's path itself"
            : closest(scheme.lowercased(), among: ["postgresql", "postgres"]).first.map { "; did you mean \($0)://?" }
                ?? "; a file whose path reads so is named ./\(TerminalText.escaped(String(scheme)))://…"
        fail("\(what) takes a file's path or a postgresql:// URL, and \(TerminalText.escaped(String(scheme)))://… is neither\(hint)", .invalid)
    }

    /// What the REPL's prompt names: the file, or a PostgreSQL database's name (never the
    /// rest of its URL, which may hold a password).
    static func promptName(_ g: Settings) -> String {
        let path = databasePath(g)
        guard ConnectionSettings.isURL(path) else { return path }
        let env = ProcessInfo.processInfo.environment
        return (try? ConnectionSettings(url: path, environment: env, home: homeDirectory(), osUser: env["USER"] ?? "").database) ?? "postgresql"
    }

    /// The member to act as: `--as`, else `TEND_AS`; nil for none.
    static func member(_ g: Settings) -> String? {
        guard let name = g.member ?? environmentSetting("TEND_AS") else { return nil }
        if name.isEmpty || name.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
            fail("--as needs a member's name (a PostgreSQL role), and \"\(TerminalText.escaped(name))\" is not one", .invalid)
        }
        return name
    }

    static func today(_ g: Settings) -> Day {
        let text = g.today ?? environmentSetting("TEND_TODAY")
        if let text {
            // Named as the user gave it: a stale TEND_TODAY in a profile was not recognised as one.
            let what = g.today == nil ? "TEND_TODAY" : "--today"
            guard let d = Day(iso: text) else {
                fail("\(what) must be a date, and \"\(text)\" is not one: \(Day.problem(iso: text) ?? "")", .invalid)
            }
            guard !d.isYearless else { fail("\(what) must be a date with its year (YYYY-MM-DD), and \(text) has none", .invalid) }
            return d
        }
        var t = time(nil)
        var tm = tm()
        localtime_r(&t, &tm)
        return Day(year: Int(tm.tm_year) + 1900, month: Int(tm.tm_mon) + 1, day: Int(tm.tm_mday))!
    }

    /// The local date and time to the minute, as `history` shows when a change was made.
    static func localTime() -> String {
        var t = time(nil)
        var tm = tm()
        localtime_r(&t, &tm)
        var buffer = [CChar](repeating: 0, count: 32)
        let n = strftime(&buffer, buffer.count, "%Y-%m-%d %H:%M", &tm)
        return String(decoding: buffer.prefix(n).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    static var colorOutput: Bool { colorOn(STDOUT_FILENO) }
    static var colorErrors: Bool { colorOn(STDERR_FILENO) }
    static func colorOn(_ fd: Int32) -> Bool {
        // NO_COLOR counts when it is set to something (no-color.org): an empty one leaves colour on.
        isatty(fd) == 1 && (environmentValue("NO_COLOR") ?? "").isEmpty && environmentValue("TERM") != "dumb"
    }

    /// Opens the database for a command. A missing database is created only when `create` says
    /// so (the REPL, import, demo, a run that changes data) and never under `--read-only`;
    /// otherwise it is an error, so that a mistyped path fails instead of answering from an
    /// empty new database.
    /// Whether a Tend database may be at `path`: a file with something in it. An empty file
    /// (`touch tend.db`) is no database yet, as a missing one: only what creates one makes it.
    static func hasDatabase(at path: String) -> Bool {
        // lstat(2), as FileManager does (a link is not followed), without its look-up of the
        // owner's name (a read of the user database).
        var info = stat()
        guard lstat(path, &info) == 0 else { return false }
        // Something other than a file (a folder, a FIFO) is there: opening it says what.
        let kind = info.st_mode & S_IFMT
        if info.st_size > 0 || access(path + "-wal", F_OK) == 0 || (kind != S_IFREG && kind != S_IFLNK) { return true }
        emptyFilesFound.insert(path)
        return false
    }
    /// Empty files `hasDatabase` found: a command that fails to make one a database leaves it empty.
    nonisolated(unsafe) static var emptyFilesFound: Set<String> = []

    static func open(_ g: Settings, create: Bool) -> Session {
        let path = databasePath(g)
        let day = today(g)
        if ConnectionSettings.isURL(path) { return openPostgres(g, create: create) }
        if !hasDatabase(at: path) && (!create || g.readOnly) { fail(missingDatabase(g), .failed) }
        do {
            var readOnlyFile: String?
            let store: Store
            do {
                store = try Store(path: path, readOnly: g.readOnly, startingWith: Session.preludeDefinitions)
            } catch Store.OpenError.readOnly(let p) {
                // Still worth opening: queries, the agenda and exports work; changes are refused.
                store = try Store(path: path, readOnly: true)
                // Said as it is: a file that may be written in a folder that may not (SQLite
                // writes its journal beside the database) is not itself read-only.
                readOnlyFile = access(p, W_OK) == 0 ? "the folder of \(p) cannot be written (SQLite keeps its journal beside the database)" : "\(p) is read-only"
            }
            store.member = member(g)
            let session = try self.session(store, g, day)
            session.readOnlyFile = readOnlyFile
            return session
        } catch {
            fail(error, prefix: error is Store.OpenError ? "" : "cannot open \(path): ")
        }
    }

    /// A session on a new database in memory: nothing is written anywhere.
    static func openInMemory(_ g: Settings) -> Session {
        do {
            let store = try Store(path: nil)
            store.member = member(g)
            return try session(store, g, today(g))
        } catch {
            fail(error)
        }
    }

    /// A session on an open database, as the settings say.
    static func session(_ store: any TendDatabase, _ g: Settings, _ day: Day) throws -> Session {
        for w in store.warnings { TerminalOutput.write("tend: warning: \(w)\n", to: STDERR_FILENO) }
        let width = Terminal.width()
        let renderer = Renderer(format: g.format, color: colorOutput, width: width, today: width != nil ? day : nil, terminal: width != nil)
        let session = try Session(store: store, today: day, renderer: renderer, color: colorErrors)
        session.diagnostics.width = Terminal.width(of: STDERR_FILENO)
        session.readOnly = g.readOnly
        if g.today == nil && environmentSetting("TEND_TODAY") == nil { session.clock = localTime }
        return session
    }

    /// Opens a PostgreSQL database (`--db postgresql://…`). The database itself must exist
    /// (the server's administrator makes it); an empty one becomes Tend's when `create` says
    /// so. No message names the password.
    static func openPostgres(_ g: Settings, create: Bool) -> Session {
        let url = databasePath(g)
        let day = today(g)
        do {
            let store = try PostgresStore(url: url, readOnly: g.readOnly, create: create, role: member(g))
            return try session(store, g, day)
        } catch {
            let said = error is PostgresStore.OpenError || error is PostgresFailure
            fail(error, prefix: said ? "" : "cannot open \(ConnectionSettings.redacted(url)): ")
        }
    }

    static func missingDatabase(_ g: Settings, checks: Bool = false, undoes: Bool = false) -> String {
        let why =
            g.readOnly
            ? "--read-only creates none"
            : checks
                ? "a run that only defines and asserts does not create one"
                : undoes ? "undo has nothing to take back there, and does not create one" : "a command that only reads does not create one"
        return "no database at \(ConnectionSettings.redacted(databasePath(g))) (\(why)); check --db or TEND_DB"
    }

    /// Whether the PostgreSQL database `url` names is Tend's already (it exists, and is not empty).
    static func postgresHoldsTend(_ url: String) -> Bool {
        do {
            return try PostgresStore.holdsTend(url: url)
        } catch {
            let said = error is PostgresStore.OpenError || error is PostgresFailure
            fail(error, prefix: said ? "" : "cannot open \(ConnectionSettings.redacted(url)): ")
        }
    }

    /// Says on standard error that a command made a new database, when it did.
    static func announceCreated(_ session: Session, _ g: Settings) {
        if session.store.isNew {
            let path = TerminalText.escaped(ConnectionSettings.redacted(databasePath(g)), keep: [])
            TerminalOutput.write("tend: created a new database at \(path)\n", to: STDERR_FILENO)
        }
    }

    static func readStdin() -> Source {
        do {
            return try Session.source(from: Data(try Session.readStandardInput(script: true)), name: "<stdin>")
        } catch {
            fail(error, prefix: "<stdin>: ")
        }
    }

    /// The one mapping from an error that ends a command to its exit status (0 success, 1 an
    /// assertion failed, 2 nothing was run because the input is wrong, 3 a run-time, data or
    /// I/O error). Of ArgumentParser's errors, help and `--version` are a success and a command
    /// line it refuses is wrong input; any other error is a failure.
    static func status(for error: Error) -> ExitStatus {
        if let e = error as? Session.ReadError { return e.status }
        if error is Diagnostic || error is Store.OpenError || error is PostgresStore.OpenError { return .failed }
        switch Tend.exitCode(for: error) {
        case .success: return .success
        case .validationFailure: return .invalid
        default: return .failed
        }
    }

    /// Leaves after an error that reached the top. ArgumentParser's own (help and version on
    /// standard output, what is wrong with the command line on standard error) are in its
    /// words; any other is Tend's error.
    static func leave(after error: Error) -> Never {
        guard Tend.exitCode(for: error) != .failure else { fail(error) }
        let status = status(for: error)
        let message = Tend.fullMessage(for: error)
        if !message.isEmpty { TerminalOutput.write(message + "\n", to: status == .success ? STDOUT_FILENO : STDERR_FILENO) }
        exit(status)
    }

    /// Leaves after an error, in words after `prefix`, with the status `status(for:)` gives it.
    /// Leaves with exit 2 when `word` names no command (`tend help nosuch`).
    static func requireCommand(_ word: String, among names: [String]) {
        guard !names.contains(word) else { return }
        let near = closest(word, among: names).first.map { "; did you mean \($0)?" } ?? ""
        fail("no command '\(word)'\(near) (tend --help lists them)", .invalid)
    }

    static func fail(_ error: Error, prefix: String = "", closing session: Session? = nil) -> Never {
        if case Session.ReadError.notUTF8(let d) = error {
            // Where the file is, it says itself, as the language's errors do.
            TerminalOutput.write(DiagnosticFormatter(color: colorErrors, width: Terminal.width(of: STDERR_FILENO)).format(d) + "\n", to: STDERR_FILENO)
            exit(status(for: error), closing: session)
        }
        fail(prefix + Session.describe(error), status(for: error), closing: session)
    }

    static func fail(_ message: String, _ status: ExitStatus, closing session: Session? = nil) -> Never {
        // The message may quote data (a file's name, a value): shown with its control characters escaped.
        TerminalOutput.write("tend: error: \(TerminalText.escaped(message, keep: .lines))\n", to: STDERR_FILENO)
        exit(status, closing: session)
    }

    /// Leaves with a status: the only exit point. The open session's database is closed first,
    /// so that what was written is in the file itself and no `-wal` or `-shm` file stays behind.
    static func exit(_ status: ExitStatus, closing session: Session? = nil) -> Never {
        // What standard output could not take makes a success a failure (a dump to a full disk).
        TerminalOutput.flush()
        session?.store.close()
        if let problem = session?.store.closeProblem {
            TerminalOutput.write("tend: warning: \(TerminalText.escaped(problem, keep: .lines))\n", to: STDERR_FILENO)
        }
        if status == .success, let code = TerminalOutput.lost {
            let why = code == EINTR && Interruption.requested != 0 ? Interruption.message : "cannot write the output: \(String(cString: strerror(code)))"
            TerminalOutput.write("tend: error: \(why)\n", to: STDERR_FILENO)
            Foundation.exit(ExitStatus.failed.rawValue)
        }
        Foundation.exit(status.rawValue)
    }

    /// `tend -e STATEMENT`. A statement whose bytes on the command line are not UTF-8 is
    /// refused, as a script file's are: Swift reads such an argument with U+FFFD in place of the
    /// bytes, which would be stored ("Bad\u{FFFD} Name").
    static func runStatement(_ statement: String, _ settings: Settings, name: String = "<-e>") -> Never {
        if statement.contains("\u{FFFD}"), argumentsNotUTF8 {
            fail("a statement on the command line is not UTF-8 (a byte of it could not be read); nothing was run", .invalid)
        }
        runSources([Source(name: name, text: statement)], settings, bail: false, quiet: false, junit: nil)
    }

    /// Whether an argument of the command line, as the shell gave its bytes, is not UTF-8.
    static let argumentsNotUTF8: Bool = (0..<Int(CommandLine.argc)).contains { i in
        guard let arg = CommandLine.unsafeArgv[i] else { return false }
        let bytes = UnsafeBufferPointer(start: UnsafeRawPointer(arg).assumingMemoryBound(to: UInt8.self), count: strlen(arg))
        return String(validating: bytes, as: UTF8.self) == nil
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
            } catch {
                fail(error, prefix: "\(f): ")
            }
        }
        runSources(sources, settings, bail: bail, quiet: quiet, junit: junit.map { ($0, files.joined(separator: " ")) })
    }

    /// Runs scripts on the database. A run on a path with no database creates one only when the
    /// program changes data (checked first, on a database in memory), says so, and removes it
    /// again when the run fails.
    /// A database this command created is kept (and announced) when the run did not fail, and
    /// removed again when it did: a failed first command leaves no empty database behind.
    static func settleNewDatabase(_ session: Session, _ status: ExitStatus, _ g: Settings) {
        guard session.store.isNew else { return }
        if status == .failed || status == .invalid {
            if let postgres = session.store as? PostgresStore {
                try? postgres.unmake()
                return
            }
            session.store.close()
            let path = databasePath(g)
            // An empty file the user made is left empty, not removed.
            let wasEmptyFile = FileManager.default.fileExists(atPath: path) && emptyFilesFound.contains(path)
            if wasEmptyFile { truncate(path, 0) }
            for suffix in (wasEmptyFile ? [] : [""]) + ["-wal", "-shm", "-journal"] { unlink(path + suffix) }
        } else {
            announceCreated(session, g)
        }
    }

    static func runSources(_ sources: [Source], _ g: Settings, bail: Bool, quiet: Bool, junit: (file: String, suite: String)?) -> Never {
        let path = databasePath(g)
        // A report that could not be written is known before the run: found after it, the run's
        // changes were kept although the command failed.
        if let file = junit?.file {
            do { _ = try FileWriter(database: path).check(file, existing: .replaceIf(isJUnitReport, advice: junitAdvice)) } catch { fail(error) }
        }
        var create = false
        var parsed: Session.ParsedSources?
        // A PostgreSQL database (the server's administrator makes it) is there when it is Tend's.
        if !(ConnectionSettings.isURL(path) ? postgresHoldsTend(path) : hasDatabase(at: path)) {
            let probe: Session
            do {
                // In the command line's format and terminal: it answers an expression that reads
                // nothing a database holds.
                probe = try session(Store(path: nil), g, today(g))
            } catch {
                fail(error)
            }
            let parsedHere = probe.parse(sources)
            parsed = parsedHere
            let (program, diags) = probe.prepare(parsedHere, readOnly: g.readOnly)
            if probe.missingDatabaseExplains(diags, in: parsedHere) {
                probe.fail("tend: error: \(missingDatabase(g))")
                leave(probe, .failed, junit: junit, database: path)
            }
            if !diags.isEmpty {
                probe.report(diags)
                leave(probe, .invalid, junit: junit, database: path)
            }
            // An expression that reads nothing a database holds is answered without one
            // (`tend -e '1 + 2'`); nothing is created. Checks (`assert`) are a database's: a
            // mistyped one stays an error for them (`readsNothing` takes none).
            if Session.readsNothing(program) {
                probe.quiet = quiet
                let status = stoppable(probe) { probe.runScripts(sources, bail: bail, readOnly: true) }
                leave(probe, status, junit: junit, database: path)
            }
            let checks = Session.onlyDefinesAndAsserts(program)
            // Undo on a path with no database said "there is no change to undo" (a mistyped --db).
            let undoes = !program.mutations.isEmpty && program.mutations.allSatisfy { if case .journal = $0.kind { true } else { false } }
            create = !g.readOnly && Session.changesData(program) && !checks && !undoes
            if !create {
                probe.fail("tend: error: \(missingDatabase(g, checks: checks, undoes: undoes))")
                leave(probe, .failed, junit: junit, database: path)
            }
        }
        let session = open(g, create: create)
        session.quiet = quiet
        let status = stoppable(session) { session.runScripts(parsed ?? session.parse(sources), bail: bail, readOnly: g.readOnly) }
        if create { settleNewDatabase(session, status, g) }
        leave(session, status, junit: junit, database: path)
    }

    /// Runs scripts so that SIGTERM, SIGINT or SIGHUP (CI cancelling a job, a closed terminal)
    /// stops them as Ctrl-C stops a statement at the REPL: the run is rolled back, the files it
    /// wrote are put back, and it ends with exit 3 (it died at once, its exported file left written
    /// over while its changes were gone). A second signal ends the process at once; a signal
    /// that was ignored when Tend started stays so.
    static func stoppable<T>(_ session: Session, _ body: () -> T) -> T {
        session.clearsInterruption = false
        var caught: [(Int32, sigaction)] = []
        for signo in [SIGINT, SIGTERM, SIGHUP] {
            var current = sigaction()
            sigaction(signo, nil, &current)
            guard current.__sigaction_handler.sa_handler == nil else { continue }
            var action = sigaction()
            action.__sigaction_handler.sa_handler = { signo in Interruption.requested = signo }
            action.sa_flags = Int32(truncatingIfNeeded: SA_RESETHAND)
            sigemptyset(&action.sa_mask)
            sigaction(signo, &action, nil)
            caught.append((signo, current))
        }
        defer { for (signo, before) in caught { var b = before; sigaction(signo, &b, nil) } }
        return body()
    }

    static let junitAdvice = "it is not a JUnit report from an earlier run, so Tend does not replace it"

    /// The report replaces one an earlier run wrote, and nothing else.
    static func isJUnitReport(_ head: [UInt8]) -> Bool { String(decoding: head, as: UTF8.self).hasPrefix(Session.junitPrologue) }

    /// Writes the JUnit report when asked for, prints the assertion summary, and exits.
    static func leave(_ session: Session, _ status: ExitStatus, junit: (file: String, suite: String)?, database: String) -> Never {
        if let (file, suite) = junit {
            do {
                try FileWriter(database: database).write(
                    Array(session.junitReport(suite: suite).utf8), to: file, existing: .replaceIf(isJUnitReport, advice: junitAdvice))
            } catch {
                fail(error, closing: session)
            }
        }
        finish(session, status)
    }

    /// Prints the assertion summary and exits with the run's status.
    static func finish(_ session: Session, _ status: ExitStatus, summary: Bool = true) -> Never {
        if summary, let line = session.assertionSummary { session.console.err(line) }
        exit(status, closing: session)
    }
}
