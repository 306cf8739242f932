import Foundation
import TendCore
import TendStore

/// An environment variable, empty or not; nil when unset. Read with getenv: ProcessInfo's
/// `environment` copies every variable into a dictionary on each call (a tenth of a one-line
/// query's start-up).
public func environmentValue(_ name: String) -> String? {
    getenv(name).map { String(cString: $0) }
}

/// An environment variable when it is set and not empty.
public func environmentSetting(_ name: String) -> String? {
    environmentValue(name).flatMap { $0.isEmpty ? nil : $0 }
}

/// An XDG base folder (`XDG_DATA_HOME`, …) when set to an absolute path: the specification
/// says a relative one is invalid and ignored (it made the history under the current folder).
public func xdgDirectory(_ name: String) -> String? {
    environmentSetting(name).flatMap { $0.hasPrefix("/") ? $0 : nil }
}

/// The user's home: `$HOME` when set (Foundation's NSHomeDirectory reads the password file instead).
public func homeDirectory() -> String {
    environmentSetting("HOME") ?? NSHomeDirectory()
}

/// How a run ended; the one place exit codes are decided.
public enum ExitStatus: Int32, Sendable {
    case success = 0
    /// An assertion failed.
    case assertionFailed = 1
    /// The script does not parse or type-check; nothing was executed.
    case invalid = 2
    /// A run-time, data or I/O error; every change of the run was rolled back.
    case failed = 3
}

/// Where a session's text goes: standard output and standard error, or buffers in tests.
public struct Console {
    public var out: (String) -> Void
    public var err: (String) -> Void
    /// Writes part of the output, adding no line break, and throws when the output is gone (a
    /// closed pipe): a streamed table is written a block at a time through it. Without it, the
    /// table is read whole and printed through `out`.
    public var part: ((String) throws -> Void)?
    public init(out: @escaping (String) -> Void, err: @escaping (String) -> Void, part: ((String) throws -> Void)? = nil) {
        self.out = out
        self.err = err
        self.part = part
    }
    /// Standard output and error; on a terminal, through `TerminalOutput`'s one sanitiser.
    public static var standard: Console {
        Console(
            out: { s in TerminalOutput.write(s + "\n", to: STDOUT_FILENO) },
            err: { s in TerminalOutput.write(s + "\n", to: STDERR_FILENO) },
            part: { s in
                TerminalOutput.write(s, to: STDOUT_FILENO)
                if let lost = TerminalOutput.lost { throw TerminalOutput.OutputError(code: lost) }
            })
    }
}

/// One assertion's outcome, for the summary and the JUnit report.
public struct AssertionResult: Sendable {
    public var passed: Bool
    public var message: String
    public var location: String
    public var detail: String
}

/// An error that stopped a run (a script that does not check, a run-time error), for the
/// JUnit report.
public struct ErrorResult: Sendable {
    public var message: String
    public var location: String
}

/// A database opened for running Tend: it checks scripts, runs them in one transaction, and
/// prints what they show. The REPL and every command of `tend` go through it.
public final class Session: InterpreterHost {
    public let store: any TendDatabase
    public let interpreter: Interpreter
    public var renderer: Renderer
    public var console: Console
    public var quiet = false
    /// How many times a run was tried again because another transaction conflicted with it.
    public internal(set) var conflictRetries = 0
    public var diagnostics: DiagnosticFormatter
    public internal(set) var assertions: [AssertionResult] = []
    public internal(set) var errors: [ErrorResult] = []

    public init(store: any TendDatabase, today: Day, renderer: Renderer = Renderer(), console: Console = .standard, color: Bool = false) throws {
        self.store = store
        self.renderer = renderer
        self.console = console
        self.diagnostics = DiagnosticFormatter(color: color)
        interpreter = Interpreter(model: store, today: today)
        interpreter.streamsLargeResults = true
        interpreter.host = self
        if store.needsPrelude {
            // The prelude a database (or a team's member) starts with is no change to undo.
            try store.setJournalling(false)
            defer { try? store.setJournalling(true) }
            try installPrelude()
        }
        try loadDefinitions()
    }

    public var today: Day {
        get { interpreter.today }
        set {
            interpreter.today = newValue
            renderer.today = renderer.today == nil ? nil : newValue
        }
    }

    /// Reads the definitions kept in the database; they are parsed and checked into the
    /// interpreter's environment when first needed (a one-line query may need none).
    /// A new member's read-only run has the standard ones, as their first session would.
    func loadDefinitions() throws {
        deferDefinitions(store.lacksPrelude ? Session.preludeDefinitions : try store.definitions())
    }

    private func deferDefinitions(_ stored: [Definition]) {
        storedDefinitions = stored
        storedDefinitionNames = Set(stored.map(\.name))
        interpreter.deferDefinitions { Definitions(parsing: stored) }
    }

    /// The definitions as the database had them when the session read them, and their names.
    private var storedDefinitions: [Definition] = []
    private var storedDefinitionNames: Set<String> = []

    /// The definitions to check statements against: none while they are not parsed yet and the
    /// statements are expressions naming none of them (the names would resolve the same way);
    /// the interpreter still reads them if running the statements needs them after all (the
    /// agenda, a contact's scores, the default cadence).
    func definitions(toCheck statements: [Statement]) -> Definitions {
        if let loaded = interpreter.definitionsIfLoaded { return loaded }
        var names: Set<String> = []
        for s in statements {
            guard case .expr(let e) = s.kind else { return interpreter.definitions }
            Session.collectNames(e, into: &names)
        }
        return names.isDisjoint(with: storedDefinitionNames) && !names.contains(Session.anyDefinition)
            ? Definitions() : interpreter.definitions
    }

    /// Collected for parts of a statement whose names are not looked at.
    static let anyDefinition = "\u{0}"

    /// Every name an expression uses: variables, functions and members, in queries and
    /// interpolated strings too.
    static func collectNames(_ e: Expr, into names: inout Set<String>) {
        e.forEach { x in
            switch x.kind {
            case .name(let n), .member(_, let n), .call(let n, _): names.insert(n)
            // `who …` reads definitions of its own: stand for a name that is always defined.
            case .query(let q): if case .who = q.source { names.insert(Session.anyDefinition) }
            default: break
            }
        }
    }

    /// Puts the prelude's definitions into the database (a new one, or `reset rules`). New
    /// members starting at once conflict over the definitions' table (SERIALIZABLE): it is tried
    /// again as a run is (three of four such first runs failed with the server's words).
    func installPrelude() throws {
        var attempt = 1
        while true {
            do {
                return try installPreludeOnce()
            } catch where store.conflicted && attempt < store.conflictAttempts {
                attempt += 1
                Thread.sleep(forTimeInterval: ConflictPause.before(attempt))
            }
        }
    }

    private func installPreludeOnce() throws {
        try store.transaction {
            for d in Session.preludeDefinitions { try store.apply(.setDefinition(d)) }
        }
    }

    /// The standard definitions, as a database keeps them.
    public static let preludeDefinitions: [Definition] = Prelude.statements.compactMap { s in
        switch s.kind {
        case .letDef(let n, _): return Definition(kind: .let, name: n, source: s.text)
        case .fnDef(let n, _, _): return Definition(kind: .fn, name: n, source: s.text)
        case .scoreDef(let n, _, _): return Definition(kind: .score, name: n, source: s.text)
        case .ruleDef(let n, _, _, _, _, _): return Definition(kind: .rule, name: n, source: s.text)
        default: return nil
        }
    }

    // MARK: - Loading files

    /// Loads nest at most this deep: far beyond any real set of rules files, and well inside the
    /// stack (each level parses a file and recurses once).
    public static let maxLoadDepth = 64
    /// A file `load` reads is at most this large (rules files are kilobytes); a larger one is
    /// refused from its size, before it is read.
    public static let maxLoadSize = 16 << 20
    /// A script `tend run` reads is at most this large (a dump of a large network is tens of MB).
    public static let maxScriptSize = 1 << 30

    /// What the loads of one run have seen.
    public struct LoadState {
        /// Every file read in this run, by real path: a file is loaded once.
        var loaded: Set<String> = []
        /// The files being loaded, outermost first: loading one of them again is a cycle.
        var chain: [String] = []
        /// Files an earlier `save` of the run writes (see `fileKey`): a load of one is left in
        /// the program, to read at run time what the save wrote.
        var saved: Set<String> = []
        /// How deep in loads the file being parsed is (0: the sources run).
        var depth = 0
        /// For each loaded file, the line of the source run that loaded it (directly or through
        /// other files): its statements stand there (piped input's dot-commands go by it).
        var loadedAt: [ObjectIdentifier: Int] = [:]
        /// For each loaded file, where the `load` that read it stands (`outer.tend:2:1`) and the
        /// file that holds it: an error in a loaded file says where it was loaded.
        var loadedBy: [ObjectIdentifier: (place: String, loader: ObjectIdentifier)] = [:]
        public init() {}

        /// The diagnostics with a note for each load that led to the file each points into, as a
        /// compiler says where a file was included.
        public func noted(_ diags: [Diagnostic]) -> [Diagnostic] {
            guard !loadedBy.isEmpty else { return diags }
            return diags.map { d in
                var d = d
                var file = d.source.map(ObjectIdentifier.init)
                var seen = Set<ObjectIdentifier>()
                while let f = file, seen.insert(f).inserted, let by = loadedBy[f] {
                    d.notes.append("loaded from \(by.place)")
                    file = by.loader
                }
                return d
            }
        }
    }

    /// Parses a source and inlines the files it loads (relative to the loading file), so that the
    /// whole program is checked before anything runs. Each file is read once per run (a second
    /// load of it adds nothing), a file that loads itself is an error, and so are loads nested
    /// deeper than `maxLoadDepth`.
    public func parse(_ source: Source) -> ([Statement], [Diagnostic]) {
        var state = LoadState()
        return parse(source, &state)
    }

    public func parse(_ source: Source, _ state: inout LoadState) -> ([Statement], [Diagnostic]) {
        let real = Session.realPath(source.name)
        if let real {
            state.loaded.insert(real)
            state.chain.append(real)
        }
        defer { if real != nil { state.chain.removeLast() } }
        let result = Parser.parse(source)
        var statements: [Statement] = []
        var diags = result.diagnostics
        if let last = ScriptWriter.cutShort(source.bytes, comments: result.comments) {
            diags.append(
                Diagnostic(
                    .syntax, "this dump was cut short: its last line is not \"\(ScriptWriter.dumpEnd)\", so none of it runs", at: last, in: source,
                    notes: ["a dump that is whole ends with that line; make the dump again (tend dump), or restore from a backup"]))
        }
        for s in result.statements {
            if case .save(let pathExpr, _) = s.kind, case .literal(.string(let path)) = pathExpr.kind {
                state.saved.insert(Session.fileKey(resolve(path, from: source)))
            }
            guard case .load(let pathExpr) = s.kind else {
                statements.append(s)
                continue
            }
            if case .literal(.string(let path)) = pathExpr.kind, path.hasSuffix(".tend"),
                state.saved.contains(Session.fileKey(resolve(path, from: source)))
            {
                statements.append(s)
                continue
            }
            do {
                guard let loaded = try load(pathExpr, from: source, &state) else { continue }
                let (line, column) = source.location(of: s.range.start)
                state.loadedBy[ObjectIdentifier(loaded)] = ("\(source.name):\(line):\(column)", ObjectIdentifier(source))
                state.depth += 1
                let (inner, innerDiags) = parse(loaded, &state)
                state.depth -= 1
                if state.depth == 0 {
                    let line = source.location(of: s.range.start).line
                    for i in inner { state.loadedAt[ObjectIdentifier(i.source)] = line }
                }
                statements += inner
                diags += innerDiags
            } catch {
                diags.append(Diagnostic(.type, "\(error)", at: pathExpr.range, in: source))
            }
        }
        return (statements, diags)
    }

    /// The file a `load` names, read; nil when this run has loaded it already.
    func load(_ pathExpr: Expr, from source: Source, _ state: inout LoadState) throws -> Source? {
        guard case .literal(.string(let path)) = pathExpr.kind else { throw ReadError.io("load takes a file name in quotes") }
        let full = resolve(path, from: source)
        guard let real = Session.realPath(full) else { throw ReadError.io("cannot load \(path): no such file") }
        if let start = state.chain.firstIndex(of: real) {
            let names = (state.chain[start...] + [real]).map { PathName.last($0) }
            throw ReadError.io("\(path) loads itself (\(names.joined(separator: " → ")))")
        }
        if state.loaded.contains(real) { return nil }
        if state.chain.count > Session.maxLoadDepth {
            throw ReadError.io("cannot load \(path): loads nest more than \(Session.maxLoadDepth) files deep")
        }
        do {
            return try Session.readScript(real, named: full)
        } catch {
            throw ReadError.io("cannot load \(path): \(error)")
        }
    }

    /// A file's place, whether or not it exists yet: its folder's real path and its name.
    static func fileKey(_ path: String) -> String {
        let dir = PathName.folder(path)
        return (realPath(dir.isEmpty ? "." : dir) ?? dir) + "/" + PathName.last(path)
    }

    /// What each `save` of the current run wrote, by `fileKey`.
    private var savedThisRun: [String: String] = [:]

    public func loadSaved(_ path: String, from source: Source, into interpreter: Interpreter) throws -> [Output] {
        let full = resolve(path, from: source)
        guard let text = savedThisRun[Session.fileKey(full)] else { throw ReadError.io("cannot load \(path): this run did not save it") }
        let loaded = Parser.parse(Source(name: full, text: text))
        // The text is what `save` made of checked definitions; it is checked again to resolve it.
        var checker = Checker(definitions: interpreter.definitions)
        checker.check(loaded.statements)
        if let d = (loaded.diagnostics + checker.diagnostics).first { throw d }
        interpreter.resolutions.merge(checker.resolutions)
        // These outputs are drawn after the file's last statement: they are held, not streamed.
        let streams = interpreter.streamsLargeResults
        interpreter.streamsLargeResults = false
        defer { interpreter.streamsLargeResults = streams }
        return try loaded.statements.flatMap { try interpreter.execute($0) }
    }

    /// The real path of a file (links and `.`/`..` resolved), or nil when there is none.
    static func realPath(_ path: String) -> String? {
        guard !path.hasPrefix("<"), let real = realpath(path, nil) else { return nil }
        defer { free(real) }
        return String(cString: real)
    }

    /// Reads a Tend script for `load` and the REPL's `.read`: a regular file named `*.tend`
    /// (after links), at most `maxLoadSize`. Anything else is refused unread, so that no line of
    /// it (a credentials file, say) can appear in a diagnostic.
    public static func readScript(_ path: String, named name: String? = nil) throws -> Source {
        guard let real = realPath(path) else { throw ReadError.io("no such file") }
        guard real.hasSuffix(".tend") else {
            throw ReadError.io("it is not a Tend script (Tend loads only files named *.tend)")
        }
        // A pipe or device named *.tend would wait for a writer that may never come.
        var st = stat()
        guard stat(real, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else {
            throw ReadError.io("it is not a regular file (a pipe, device or folder); load reads files")
        }
        return try readSource(real, named: name ?? path, limit: maxLoadSize)
    }

    func resolve(_ path: String, from source: Source) -> String {
        if path.hasPrefix("/") || path == "-" { return path }
        let expanded = path.hasPrefix("~/") ? homeDirectory() + String(path.dropFirst(1)) : path
        if expanded.hasPrefix("/") { return expanded }
        if source.name.hasPrefix("<") { return expanded }
        let dir = PathName.folder(source.name)
        return dir.isEmpty ? expanded : dir + "/" + expanded
    }

    public enum ReadError: Error, CustomStringConvertible {
        /// The file cannot be read (exit 3).
        case io(String)
        /// The file is not Tend text: binary, or not UTF-8 (exit 2, like any script that does not parse).
        case notText(String)
        /// Text that is not UTF-8, where it stops being so: said as the language's errors are,
        /// with the line (the bad bytes shown as �) and a caret (exit 2).
        case notUTF8(Diagnostic)
        public var description: String {
            switch self {
            case .io(let s), .notText(let s): return s
            case .notUTF8(let d):
                // On one line, after the file's name as the callers write it (`tend run` draws
                // the whole diagnostic itself).
                let (line, column) = d.source?.location(of: d.range.start) ?? (1, 1)
                return "line \(line), column \(column): \(d.message)"
            }
        }
        public var status: ExitStatus {
            if case .io = self { return .failed }
            return .invalid
        }
    }

    /// Reads a script: a file, a pipe or a device (`tend run <(…)`); refuses folders, more than
    /// `limit` bytes (a file's from its size, unread), binary files and invalid UTF-8.
    public static func readSource(_ path: String, named name: String? = nil, limit: Int = maxScriptSize) throws -> Source {
        var fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { throw ReadError.io(errno == ENOENT ? "no such file" : String(cString: strerror(errno))) }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw ReadError.io(String(cString: strerror(errno))) }
        // A pipe (`tend run <(make-rules)`, a named pipe) or a device such as /dev/null is read
        // as it comes; a named pipe is opened again to wait for its writer (opened without
        // waiting, it read as empty). The read below is bounded whatever it is.
        switch st.st_mode & S_IFMT {
        case S_IFREG: break
        case S_IFIFO:
            let blocking = open(path, O_RDONLY | O_CLOEXEC)
            guard blocking >= 0 else { throw ReadError.io(String(cString: strerror(errno))) }
            close(fd)
            fd = blocking
        case S_IFCHR: _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK)
        default: throw ReadError.io("not a file, a pipe or a device (a folder?)")
        }
        guard st.st_size <= limit else { throw ReadError.io("it is larger than \(limit >> 20) MB; Tend scripts are smaller") }
        // The read is bounded too: a file may grow, or (in /proc) say it is empty.
        let bytes = try readAll(fd, limit: limit, capacity: Int(st.st_size), text: true)
        guard bytes.count <= limit else { throw ReadError.io("it is larger than \(limit >> 20) MB; Tend scripts are smaller") }
        return try source(from: Data(bytes), name: name ?? path)
    }

    /// Everything on standard input. A closed standard input (`tend <&-`, a CI step started
    /// without one) reads as nothing, as /dev/null does: Foundation's reader stopped the process.
    /// A script (`tend run -`) is bounded as a file is, and a NUL ends the read at once (a
    /// binary file): `yes | tend run -` grew without end, and 2 GB of zeros were read whole first.
    public static func readStandardInput(script: Bool = false) throws -> [UInt8] {
        let limit = script ? maxScriptSize : .max
        let bytes: [UInt8]
        do { bytes = try readAll(STDIN_FILENO, limit: limit, text: script) } catch ReadError.io(let why) {
            throw ReadError.io("cannot read standard input: \(why)")
        }
        guard bytes.count <= limit else { throw ReadError.io("standard input is larger than \(limit >> 20) MB; Tend scripts are smaller") }
        return bytes
    }

    /// A descriptor's bytes to its end, or to just past `limit` (the caller says it is too
    /// large); a closed descriptor (EBADF) has none.
    /// Reads to the end, or past `limit`; with `text`, a NUL byte stops it at once (no script holds one).
    static func readAll(_ fd: Int32, limit: Int = .max, capacity: Int = 0, text: Bool = false) throws -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(capacity)
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while bytes.count <= limit {
            let n = read(fd, &chunk, chunk.count)
            if n < 0 && errno == EINTR { continue }
            if n < 0 && errno == EBADF { break }
            guard n >= 0 else { throw ReadError.io(String(cString: strerror(errno))) }
            if n == 0 { break }
            if text, chunk.withUnsafeBytes({ memchr($0.baseAddress!, 0, n) }) != nil {
                throw ReadError.notText("it is a binary file, not a Tend script")
            }
            bytes += chunk[..<n]
        }
        return bytes
    }

    public static func source(from data: Data, name: String) throws -> Source {
        let hasZero = data.withUnsafeBytes { $0.baseAddress.map { memchr($0, 0, data.count) != nil } ?? false }
        if hasZero { throw ReadError.notText("it is a binary file, not a Tend script") }
        guard let text = String(data: data, encoding: .utf8) else {
            // Find the first bad byte so that the message can say where.
            var valid = 0
            let bytes = [UInt8](data)
            while valid < bytes.count {
                var it = bytes[valid...].makeIterator()
                var decoder = UTF8()
                guard case .scalarValue(let s) = decoder.decode(&it) else { break }
                valid += s.utf8.count
            }
            // Up to there the text is as written; the bad bytes read as U+FFFD, three bytes long.
            let shown = Source(name: name, text: String(decoding: bytes, as: UTF8.self))
            throw ReadError.notUTF8(
                Diagnostic(.syntax, "invalid UTF-8 (byte \(valid + 1) of the file); save the file as UTF-8", at: SourceRange(valid, valid + 3), in: shown))
        }
        return Source(name: name, text: text.hasPrefix("\u{FEFF}") ? String(text.dropFirst()) : text)
    }

    // MARK: - Checking

    /// Checks statements against the current definitions: the program to run, and the problems
    /// that stop it; under `readOnly`, data changes and files written are errors.
    public func check(_ statements: [Statement], readOnly: Bool) -> (program: CheckedProgram, diagnostics: [Diagnostic]) {
        var checker = Checker(definitions: definitions(toCheck: statements))
        checker.check(statements)
        if !checker.diagnostics.isEmpty, interpreter.definitionsIfLoaded == nil {
            // Errors are found again with every definition in view, for their suggestions.
            checker = Checker(definitions: interpreter.definitions)
            checker.check(statements)
        }
        var diags = checker.diagnostics + unknownHandles(statements) + Session.undoMixed(checker.mutations) + Session.editAlone(statements)
        if readOnly || readOnlyFile != nil {
            let why = readOnly ? "which --read-only does not allow" : "and \(readOnlyFile!)"
            for s in checker.mutations where Session.changesData(s) {
                // In the words of whoever wrote it: the command line's flag, or the statement's.
                let dryRun = s.source.isMadeFromCommandLine ? "tend import --dry-run" : "import … dry_run"
                let hint = Session.isImport(s) ? " (\(dryRun) shows what it would do)" : ""
                // A file or folder that cannot be written is the file system's refusal, not the
                // statement's fault: exit 3, as an I/O error (`refusedStatus`).
                diags.append(Diagnostic(readOnly ? .type : .runtime, "\(Session.verb(s)) changes data, \(why)\(hint)", at: s.range, in: s.source))
            }
        }
        if readOnly {
            for s in statements where Session.writesFile(s) {
                let hint = Session.verb(s) == "export" ? " (export to \"-\" writes to standard output)" : ""
                diags.append(
                    Diagnostic(.type, "\(Session.verb(s)) writes a file, which --read-only does not allow\(hint)", at: s.range, in: s.source))
            }
        }
        return (CheckedProgram(statements: statements, mutations: checker.mutations, resolutions: checker.resolutions), diags)
    }

    /// Every @handle the statements write that names no contact of the database, nor one the
    /// statements themselves make: an error before anything runs, wherever it is written.
    func unknownHandles(_ statements: [Statement]) -> [Diagnostic] { Session.unknownHandles(statements, in: store) }

    /// The same against a database `tend check` reads: check and run refuse the same scripts.
    public static func unknownHandles(_ statements: [Statement], in store: any TendDatabase) -> [Diagnostic] {
        let found = HandleUses(statements)
        var exists: [String: Bool] = [:]
        for h in found.created { exists[h] = true }
        var missing: [HandleUses.Use] = []
        for use in found.uses {
            if exists[use.handle] == nil {
                switch Result(catching: { try store.contactID(handle: use.handle) }) {
                case .success(let id): exists[use.handle] = id != nil
                // A database that cannot answer leaves the handle to run time, which says why.
                case .failure: exists[use.handle] = true
                }
            }
            if exists[use.handle] == false { missing.append(use) }
        }
        guard !missing.isEmpty, !found.createsUnknown else { return [] }
        // The contacts alone (their events, a million in a large network, are not needed).
        let handles = ((try? store.network(events: false).contacts.map(\.handle)) ?? []) + found.created.sorted()
        return missing.map { Diagnostic.noContact($0.handle, at: $0.range, in: $0.source, among: handles, kind: .type) }
    }

    /// Set when the database could only be opened to read (a read-only file or folder): every
    /// run is then read-only, and a change is an error found before anything runs.
    /// Why the database cannot be written, when its file or folder cannot (`tend.db is read-only`).
    public var readOnlyFile: String?

    /// Set by `--read-only`: every run of the session changes no data and writes no file.
    public var readOnly = false

    static func isDefinition(_ s: Statement) -> Bool {
        switch s.kind {
        case .letDef, .fnDef, .ruleDef, .scoreDef, .drop, .market, .goal: return true
        default: return false
        }
    }

    static func isImport(_ s: Statement) -> Bool {
        if case .importFile = s.kind { return true }
        return false
    }

    /// Whether a statement the checker lists as a mutation changes the database's data: not a
    /// definition (kept for the run only under `--read-only`), not `save` (it writes a file), not
    /// an import with `dry_run`.
    static func changesData(_ s: Statement) -> Bool {
        switch s.kind {
        case .save: return false
        case .importFile(_, _, let options): return !options.contains { $0.name == "dry_run" }
        // A query, a print or an agenda page does not (what the agenda tidies is no change of the run's).
        default: return Checker.isMutation(s) && !isDefinition(s)
        }
    }

    /// Whether a statement writes a file: `save`, and `export` to anything but "-" (standard output).
    static func writesFile(_ s: Statement) -> Bool {
        switch s.kind {
        // `save "-"` and `export … "-"` write to standard output.
        case .save(let path, _):
            if case .literal(.string("-")) = path.kind { return false }
            return true
        case .exportFile(_, let path, _, _):
            if case .literal(.string("-")) = path.kind { return false }
            return true
        default: return false
        }
    }

    static func verb(_ s: Statement) -> String {
        String(s.text.prefix { !$0.isWhitespace })
    }

    // MARK: - Running

    /// Runs a checked program in one transaction: any run-time error rolls back everything
    /// (exit 3). Under `readOnly` (`--read-only`), nothing is kept and no file is written.
    public func run(_ program: CheckedProgram, bail: Bool = false, readOnly: Bool = false) -> ExitStatus {
        // A Ctrl-C at the prompt before this run is not this run's.
        if clearsInterruption { Interruption.requested = 0 }
        refusesFiles = readOnly || self.readOnly
        writtenThisRun = []
        interpreter.resolutions = program.resolutions
        let readOnly = refusesFiles || readOnlyFile != nil
        let reads = Session.onlyReads(program)
        interpreter.readOnly = readOnly || reads
        defer {
            interpreter.readOnly = false
            refusesFiles = false
            TerminalOutput.flush()
        }
        if program.statements.count == 1, case .edit(let target) = program.statements[0].kind, !readOnly {
            return runEdit(program.statements[0], target, program)
        }
        filesBefore = [:]
        removedThisRun = []
        defer {
            filesBefore = [:]
            removedThisRun = []
        }
        bailedEarly = false
        var status: ExitStatus
        rewritable = []
        defer {
            answers = [:]
            rewritable = []
        }
        let kept = (assertions: assertions.count, errors: errors.count)
        // The page shown before the run: a page the run showed is still the one shown last when
        // the run is rolled back (`keepPageShown`).
        let pageShown = interpreter.pageShown
        while true {
            askFirst = nil
            // What an attempt that stops for a question printed is printed by the attempt after
            // (only the interactive REPL asks, and only some statements: others print as they go).
            let console = self.console
            let held = HeldOutput()
            let asks = (confirmRemoval != nil || confirmOverwrite != nil) && program.statements.contains(where: Session.mayAsk)
            if asks { self.console = held.console }
            status = retryingConflicts(unless: reads) { attempt(program, bail: bail, readOnly: readOnly, onlyReads: reads) }
            self.console = console
            guard let question = askFirst else {
                held.replay(to: console)
                break
            }
            rewritable = writtenThisRun
            assertions.removeSubrange(kept.assertions...)
            errors.removeSubrange(kept.errors...)
            if answers.count == Session.maxQuestions {
                console.err("Gave up after \(Session.maxQuestions) questions: other changes kept changing what was asked; nothing was changed.")
                status = .failed
                break
            }
            answers[question.question] = question.ask(question.question)
        }
        if status == .failed || bailedEarly {
            putBackFiles()
            interpreter.keepPageShown(after: pageShown)
        }
        afterCommit = []
        syncStatesToWrite = [:]
        return status
    }

    /// A file a run wrote (by its real path: `./a.csv`, `a.csv` and a link to it are one file),
    /// as it was before the run first wrote it: its bytes and mode, nil when it was not there;
    /// and the name the run first gave it.
    /// With it, the file the run's last write left there (its device and inode): a file another
    /// program replaced since (vdirsyncer pulling a phone's edit into a card) is not put back.
    private var filesBefore: [String: (before: FileBefore?, named: String, written: FileIdentity?)] = [:]

    /// A file's device and inode.
    struct FileIdentity: Equatable {
        var device: dev_t
        var inode: ino_t
        init?(_ path: String) {
            var st = stat()
            guard lstat(path, &st) == 0 else { return nil }
            (device, inode) = (st.st_dev, st.st_ino)
        }
    }

    /// A file as it was before a run wrote it. A large one is held open: its bytes outlive the
    /// rename that replaces it, and none is held in memory (an export of every contact is some
    /// hundred megabytes). A small one (a vdir's card) is read: a vdir of 20,000 cards held open
    /// would take more files than a process may have open.
    final class FileBefore {
        private let fd: Int32
        private var bytes: [UInt8]?
        let mode: mode_t
        /// Files up to this size are read into memory.
        static let heldInMemory = 64 << 10

        /// The regular file at `path` (a link is not followed), or nil.
        init?(_ path: String) {
            var fd = open(path, O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC)
            var st = stat()
            guard fd >= 0, fstat(fd, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else {
                if fd >= 0 { close(fd) }
                return nil
            }
            mode = st.st_mode
            if st.st_size <= FileBefore.heldInMemory {
                var all: [UInt8] = []
                // One more byte than the size: a file that grew meanwhile is held open instead.
                let taken = FileWriter.chunks(of: fd, count: Int(st.st_size) + 1) { part in
                    all += part
                    return true
                }
                if taken >= 0 && taken <= Int(st.st_size) {
                    bytes = all
                    close(fd)
                    fd = -1
                }
            }
            self.fd = fd
        }
        deinit { if fd >= 0 { close(fd) } }

        /// Its bytes, a megabyte at a time.
        func read(_ body: (UnsafeBufferPointer<UInt8>) throws -> Void) throws {
            if let bytes { return try bytes.withUnsafeBufferPointer(body) }
            let taken = try FileWriter.chunks(of: fd) { part in
                try body(part)
                return true
            }
            guard taken >= 0 else { throw FileWriter.failure("the file as it was", errno) }
        }
    }

    /// The file's real path (`realPath`), or for one not there yet its folder's and its name.
    static func writtenPath(_ path: String) -> String {
        if let real = realPath(path) { return real }
        let dir = PathName.folder(path)
        guard let real = realPath(dir.isEmpty ? "." : dir) else { return path }
        return real + "/" + PathName.last(path)
    }

    /// A run that failed was rolled back; the files it saved or exported go back too: one it made
    /// is removed, one it replaced gets its old bytes (a `save` of definitions that were never
    /// kept, an export listing contacts that are gone, were left behind).
    private func putBackFiles() {
        guard !filesBefore.isEmpty else { return }
        var removed: [String] = []
        var restored: [String] = []
        var left: [String] = []
        var changed: [String] = []
        // Each folder is swept and synced once, not once a file (a vdir puts back thousands).
        var folders = Set<String>()
        for (path, file) in filesBefore.sorted(by: { $0.value.named < $1.value.named }) {
            let removedByRun = file.written == nil && removedThisRun.contains(path)
            if removedByRun ? FileIdentity(path) != nil : file.written == nil || FileIdentity(path) != file.written {
                changed.append(file.named)
                continue
            }
            folders.insert(PathName.folder(path))
            if let before = file.before {
                let writer = FileWriter(database: store.path)
                if (try? writer.write(to: path, existing: .replace, syncingFolder: false, producingBytes: before.read)) != nil {
                    chmod(path, before.mode & 0o7777)
                    restored.append(file.named)
                } else {
                    left.append(file.named)
                }
            } else if unlink(path) == 0 {
                removed.append(file.named)
            } else {
                left.append(file.named)
            }
        }
        for folder in folders { FileWriter.syncFolder(folder) }
        // The first few by name (a vdir export puts back thousands of cards).
        func list(_ paths: [String], _ one: String, _ many: String) -> String? {
            guard !paths.isEmpty else { return nil }
            let named = paths.prefix(paths.count > 5 ? 3 : 5).map { TerminalText.escaped($0, keep: []) }.joined(separator: ", ")
            let more = paths.count > 5 ? " and \(Interpreter.grouped(paths.count - 3)) more" : ""
            return named + more + " " + (paths.count == 1 ? one : many)
        }
        let said = [
            list(removed, "was removed", "were removed"), list(restored, "was put back as it was", "were put back as they were"),
            list(left, "could not be put back", "could not be put back"),
            list(changed, "was changed by another program since and was left as it is", "were changed by another program since and were left as they are"),
        ].compactMap { $0 }
        if !said.isEmpty { console.err("the files the run wrote go with it: " + said.joined(separator: "; ")) }
    }

    /// Set when `--bail` stopped a run at a failed assertion before its last statement: the run
    /// was rolled back (a script applied up to its failed check is a half-applied change).
    private var bailedEarly = false

    /// Runs a checked program once, in one transaction.
    private func attempt(_ program: CheckedProgram, bail: Bool, readOnly: Bool, onlyReads: Bool) -> ExitStatus {
        savedThisRun = [:]
        // What an attempt rolled back for a conflict recorded is not the next attempt's.
        afterCommit = []
        syncStatesToWrite = [:]
        var definitionsBefore = interpreter.definitionsIfLoaded
        func restoreDefinitions() {
            if let definitionsBefore { interpreter.definitions = definitionsBefore } else { deferDefinitions(storedDefinitions) }
        }
        /// Takes back what the run did in the database, and the session's views and definitions with it.
        func rollBack() {
            store.rollback()
            interpreter.invalidate()
            restoreDefinitions()
        }
        do {
            if onlyReads { try store.beginReading() } else { try store.begin(immediate: !readOnly && !program.mutations.isEmpty) }
            noticeOtherWriters()
            definitionsBefore = interpreter.definitionsIfLoaded
        } catch {
            reportFailure(error)
            return .failed
        }
        attempting = true
        defer { attempting = false }
        interpreter.startRun()
        var progress = RunProgress()
        do {
            try runStatements(program, bail: bail, readOnly: readOnly, &progress)
            if let k = progress.stoppedAt, k < program.statements.count - 1, !readOnly {
                rollBack()
                bailedEarly = true
                if progress.changed || progress.defined {
                    console.err("nothing was changed: --bail stopped the run at a failed assertion, so its earlier changes were rolled back")
                }
                return .assertionFailed
            }
            if readOnly {
                store.rollback()
                // A session read-only as a whole (`--read-only`, a file that cannot be written)
                // is the run definitions last for: a REPL's next line knows them.
                if !(self.readOnly || readOnlyFile != nil) { restoreDefinitions() }
            } else {
                // Closed items whose condition the run's changes ended are forgotten with them.
                if progress.changed { try interpreter.settleClosedItems() }
                // Written before the commit: if standard output is gone (a closed pipe, a full
                // disk), the process stops with nothing kept, as it did writing line by line.
                try TerminalOutput.flushOrThrow()
                try store.commit(label: journalLabel(program.mutations))
                for action in afterCommit { action() }
                afterCommit = []
            }
        } catch let question as AskFirst {
            rollBack()
            askFirst = question
            return .failed
        } catch {
            rollBack()
            reportRolledBack(error, progress, readOnly: readOnly)
            return .failed
        }
        if readOnly { interpreter.invalidate() }
        return progress.failed ? .assertionFailed : .success
    }

    /// How far a run's statements went, for its end: whether an assertion failed, whether the
    /// run changed data or defined something, where `--bail` stopped it, the statement running.
    private struct RunProgress {
        var failed = false
        var changed = false
        var defined = false
        var stoppedAt: Int?
        /// The statement running, to point at when the database refuses it.
        var current: Statement?
    }

    /// Runs a program's statements in order, with the dot-commands of piped input written
    /// between them; `progress` is kept up to date when a statement throws too.
    private func runStatements(_ program: CheckedProgram, bail: Bool, readOnly: Bool, _ progress: inout RunProgress) throws {
        var pending = pipedDotCommands?.commands[...] ?? []
        /// Carries out the dot-commands of piped input written before `line` (every one left when nil).
        func carryOut(before line: Int?) {
            while let next = pending.first, line.map({ next.line < $0 }) ?? true {
                pending.removeFirst()
                next.perform()
            }
        }
        for (k, s) in program.statements.enumerated() {
            progress.current = s
            if let piped = pipedDotCommands {
                // A loaded file's statements stand at the line that loaded it.
                if s.source === piped.source {
                    carryOut(before: piped.source.location(of: s.range.start).line)
                } else if let line = loads.loadedAt[ObjectIdentifier(s.source)] {
                    carryOut(before: line)
                }
            }
            // What was printed is out before a statement that may take a while: a run killed
            // then (a job's time limit) has shown what it did.
            if !Session.changesData(s) { TerminalOutput.flush() }
            beforeStatement?(s)
            for output in try execute(s) {
                if case .assertion(let passed, _, _, _, _) = output, !passed {
                    progress.failed = true
                    if bail { break }
                }
            }
            if Session.changesData(s) { progress.changed = true }
            // A definition is kept in the database too: taken back with the run, it is said so.
            if Session.isDefinition(s) { progress.defined = true }
            // Ctrl-C while the statement wrote (in SQLite, or waiting for another writer's
            // lock) stops the run here: nothing it did is kept.
            if Interruption.requested != 0 && !readOnly { throw Stopped() }
            if progress.failed && bail {
                progress.stoppedAt = k
                break
            }
        }
        progress.current = nil
        carryOut(before: nil)
    }

    /// Reports the error that stopped a run, which was rolled back, and that the changes it
    /// confirmed before are gone.
    private func reportRolledBack(_ error: Error, _ progress: RunProgress, readOnly: Bool) {
        let located = Session.located(error, progress.current)
        reportFailure(located)
        if progress.changed || progress.defined, !readOnly, !Session.describe(located).hasSuffix("nothing was changed") {
            console.err("nothing was changed: the run's earlier changes were rolled back with it")
        } else if error is Stopped, !readOnly, progress.current.map(Session.changesData) == true {
            // Stopped inside a statement that writes (an import, record by record).
            console.err("nothing was changed: what the statement had written was rolled back")
        }
    }

    /// True while a run under `--read-only` goes: the host then writes no file, whatever the
    /// checker let through.
    private var refusesFiles = false

    /// Any error in words for the user (a database error without its SQL).
    public static func describe(_ error: Error) -> String {
        if let d = error as? Diagnostic { return d.message }
        if let e = error as? Store.OpenError { return e.description }
        if let m = Store.databaseMessage(error) { return m + "; nothing was changed" }
        return "\(error)"
    }

    /// An error a statement ended with, pointing at the statement when it does not point
    /// anywhere itself (a refusal of the database's: a source logged already, a policy).
    static func located(_ error: Error, _ statement: Statement?) -> Error {
        // An output that is gone is no statement's doing (a streamed table meets it mid-statement).
        guard let statement, !(error is Diagnostic), !(error is TerminalOutput.OutputError) else { return error }
        return Diagnostic(.runtime, describe(error), at: statement.range, in: statement.source)
    }

    /// Where a diagnostic points, as `file:line:col`.
    static func location(_ d: Diagnostic) -> String {
        guard let source = d.source else { return "" }
        let (line, col) = source.location(of: source.focus(d.range).start)
        return "\(source.name):\(line):\(col)"
    }

    /// Shows the error a run ended with (located, when it is a diagnostic) and keeps it for the report.
    func reportFailure(_ error: Error) {
        if var d = error as? Diagnostic {
            d = loads.noted([d])[0]
            console.err(diagnostics.format(d))
            errors.append(ErrorResult(message: d.message, location: Session.location(d)))
        } else if Store.databaseMessage(error) != nil, let path = store.path {
            // A database's refusal that no statement caused (busy at the start, damaged at the
            // commit) says which database.
            fail("error: \(path): \(Session.describe(error))")
        } else {
            fail("error: \(Session.describe(error))")
        }
    }

    /// Prints an error that ended a run and keeps it for the report.
    public func fail(_ message: String, at location: String = "") {
        console.err(Renderer.shown(message, keep: .lines))
        errors.append(ErrorResult(message: message, location: location))
    }

    /// Runs one statement and prints its outputs.
    func execute(_ s: Statement) throws -> [Output] {
        let outputs = try interpreter.execute(s)
        for o in outputs {
            if case .table(let t) = o, t.stream != nil { try showStreamed(t) } else { show(o) }
        }
        return outputs
    }

    /// Draws a streamed table as its rows are read (`Renderer.render(streamed:)`); a console that
    /// cannot take part of a line is given the table read whole.
    func showStreamed(_ t: Table) throws {
        guard let part = console.part else { return show(.table(try t.materialized())) }
        try renderer.render(streamed: t, write: part)
    }

    public func show(_ o: Output) {
        switch o {
        case .assertion(let passed, let message, let detail, let range, let source):
            let (line, col) = source.location(of: range.start)
            let location = "\(source.name):\(line):\(col)"
            assertions.append(AssertionResult(passed: passed, message: message, location: location, detail: detail))
            if !passed {
                var d = Diagnostic(.assertion, message, at: range, in: source)
                if !detail.isEmpty { d.notes = [detail] }
                console.err(diagnostics.format(d))
            }
        case .warning(let d):
            console.err(diagnostics.format(d))
        case .text(let s):
            if quiet { return }
            // Confirmations carry data (a name, a note): its control characters are shown escaped,
            // Tend's own colour codes among them, in every format.
            let shown = Renderer.shown(s, keep: .lines)
            if renderer.format == .table { console.out(shown) } else { console.err(shown) }
        default:
            if let text = renderer.render(o) { console.out(text) }
        }
    }

    /// Forgets what was read from the database when another process has committed since, so
    /// that a long-lived session (the REPL) checks, answers and writes against what is there now.
    func noticeOtherWriters() {
        guard (try? store.refresh()) == true else { return }
        interpreter.invalidate()
        try? loadDefinitions()
    }

    /// Dot-commands of piped input (`REPL.runPiped`), each carried out before the first
    /// statement of `source` (or of a file it loads) written after its line.
    struct PipedDotCommands {
        var source: Source
        var commands: [(line: Int, perform: () -> Void)]
    }
    var pipedDotCommands: PipedDotCommands?
    /// `LoadState` of the program prepared last: where each loaded file's statements stand (piped
    /// input's dot-commands go by it), and where it was loaded, which its errors say.
    var loads = LoadState()

    /// The status of a run refused before it began: 3 when only the file system refused it (the
    /// database's file or folder cannot be written; the statements are fine), else 2.
    static func refusedStatus(_ diags: [Diagnostic]) -> ExitStatus {
        diags.allSatisfy { $0.kind == .runtime } ? .failed : .invalid
    }

    /// Runs script sources (files or stdin) the way `tend run` does.
    public func runScripts(_ sources: [Source], bail: Bool, readOnly: Bool) -> ExitStatus {
        runScripts(parse(sources), bail: bail, readOnly: readOnly)
    }

    /// Runs sources parsed already (by a session that checked them against no database, to
    /// learn whether the run makes one: a dump restored into a new file was parsed twice).
    public func runScripts(_ parsed: ParsedSources, bail: Bool, readOnly: Bool) -> ExitStatus {
        noticeOtherWriters()
        let (program, diags) = prepare(parsed, readOnly: readOnly)
        if !diags.isEmpty {
            report(diags)
            return Session.refusedStatus(diags)
        }
        return run(program, bail: bail, readOnly: readOnly || self.readOnly)
    }

    /// Sources parsed, with the files they load inlined: the same for every session (parsing
    /// reads no database), so they can be checked by one session and run by another.
    public struct ParsedSources {
        let sources: [Source]
        let statements: [Statement]
        let diagnostics: [Diagnostic]
        let loads: LoadState
    }

    /// Parses sources with the files they load.
    public func parse(_ sources: [Source]) -> ParsedSources {
        var statements: [Statement] = []
        var diags: [Diagnostic] = []
        var state = LoadState()
        for src in sources {
            let (s, d) = parse(src, &state)
            statements += s
            diags += d
        }
        return ParsedSources(sources: sources, statements: statements, diagnostics: diags, loads: state)
    }

    /// Parses and checks sources, with the files they load: the program, and every problem found.
    public func prepare(_ sources: [Source], readOnly: Bool) -> (program: CheckedProgram, diagnostics: [Diagnostic]) {
        prepare(parse(sources), readOnly: readOnly)
    }

    public func prepare(_ parsed: ParsedSources, readOnly: Bool) -> (program: CheckedProgram, diagnostics: [Diagnostic]) {
        loads = parsed.loads
        // Statements that parsed are checked even when others did not, so one run reports every error.
        let (program, checkDiags) = check(parsed.statements, readOnly: readOnly || self.readOnly)
        let diags = parsed.loads.noted(parsed.diagnostics + checkDiags)
        return (program, Diagnostic.inSourceOrder(diags, sources: parsed.sources + parsed.statements.map(\.source)))
    }

    /// True when a database that is not there explains these problems of the sources: each is a
    /// handle the empty database checked against does not know, and no statement would change
    /// data. `@someone` on a mistyped path is the path's error, not the handle's.
    public func missingDatabaseExplains(_ diags: [Diagnostic], in parsed: ParsedSources) -> Bool {
        guard !diags.isEmpty, diags.allSatisfy(\.isNoContact) else { return false }
        // A definition adds no contact: only a statement that writes data may make the handle known.
        return parsed.diagnostics.isEmpty && !parsed.statements.contains { Checker.isMutation($0) && !Session.isDefinition($0) }
    }

    /// Prints the problems that stop a program from running.
    /// Prints at most `maxShownErrors` of them (a compiler's "too many errors"): a generated
    /// script with a slip on every line is read by its first ones, and the rest are counted.
    public func report(_ diags: [Diagnostic]) {
        for d in diags.prefix(Session.maxShownErrors) {
            console.err(diagnostics.format(d))
            errors.append(ErrorResult(message: d.message, location: Session.location(d)))
        }
        let n = diags.count
        if n > Session.maxShownErrors { console.err("… and \(n - Session.maxShownErrors) more errors, not shown") }
        console.err("\(n) error\(n == 1 ? "" : "s"); nothing was run")
    }

    public static let maxShownErrors = 100

    /// Whether every statement of a program only reads and prints: queries, `print`, `assert`,
    /// `explain` and `history`. Not an agenda's page (it numbers its items), an export (to a
    /// file, or a vdir that gives cards their UIDs) or a load (its file's statements are known
    /// only when it runs). Such a run writes nothing at all: what a query of the agenda would
    /// tidy (`Interpreter.readOnly`) waits for a run that writes.
    static func onlyReads(_ program: CheckedProgram) -> Bool {
        program.statements.allSatisfy {
            switch $0.kind {
            case .expr, .print, .assert, .explain, .journal(.history): return true
            default: return false
            }
        }
    }

    /// Whether a checked program changes the database (a definition is a change: it is kept there).
    public static func changesData(_ program: CheckedProgram) -> Bool {
        program.mutations.contains { Session.changesData($0) || Session.isDefinition($0) }
    }

    /// Whether a program only defines (rules loaded, lets) and asserts: CI's checks. Run on a
    /// path with no database, it would pass against an empty one made for it (a mistyped --db),
    /// so it makes none.
    /// Whether the program is expressions (printed) alone that read nothing a database holds: no
    /// collection, contact, `me`, let or function of the database (`1 + 2`, `print today + 30d`,
    /// `days(3mo)`). It answers the same on any database, none included.
    public static func readsNothing(_ program: CheckedProgram) -> Bool {
        program.mutations.isEmpty
            && program.statements.allSatisfy { s in
                let exprs: [Expr]
                switch s.kind {
                case .expr(let e), .print(let e): exprs = [e]
                default: return false
                }
                return !exprs.contains { e in
                    e.contains { x in
                        switch x.kind {
                        case .handle, .me, .it, .query, .tag: return true
                        case .call(let name, _): return Builtin.byName[name] == nil || Builtin.aggregates.contains(name)
                        case .name:
                            switch program.resolutions[x] {
                            case .stage, .constant: return false
                            default: return true
                            }
                        default: return false
                        }
                    }
                }
            }
    }

    public static func onlyDefinesAndAsserts(_ program: CheckedProgram) -> Bool {
        !program.mutations.contains(where: changesData) && program.statements.contains { if case .assert = $0.kind { true } else { false } }
    }

    // MARK: - The journal

    /// Set when the day is not injected: the time of day a change is journalled at. Without it
    /// a change is journalled with its day alone, so that no test depends on the clock.
    public var clock: (() -> String)?

    /// How long a change's statements are in `history`, in characters: one line of a terminal.
    static let journalStatementLength = 80

    /// What `history` calls the change a run makes: where it came from ("repl", a script's
    /// path, "import FILE") and its statements on one line.
    func journalLabel(_ mutations: [Statement]) -> Store.JournalLabel {
        // Only as many statements as the label shows are read: a restore runs hundreds of thousands.
        var first: Statement?
        var onlyOne = true
        var text = ""
        for change in mutations where Session.changesData(change) || Session.isDefinition(change) {
            if first == nil { first = change } else { onlyOne = false }
            guard text.count <= Session.journalStatementLength else { break }
            text += (text.isEmpty ? "" : "; ") + change.text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        }
        var source: String
        switch first?.source.name ?? "" {
        case "<repl>": source = "repl"
        case "<-e>": source = "tend -e"
        case "<stdin>": source = "stdin"
        case let name: source = name.hasPrefix("<") ? String(name.dropFirst().dropLast()) : name
        }
        if onlyOne, let first, case .importFile(_, let path, _) = first.kind, case .literal(.string(let file)) = path.kind {
            source = "import \(file)"
        }
        if text.count > Session.journalStatementLength { text = String(text.prefix(Session.journalStatementLength - 1)) + "…" }
        return Store.JournalLabel(source: TerminalText.escaped(source), statement: TerminalText.escaped(text), day: today, at: clock?() ?? today.description)
    }

    /// `undo` runs alone: it takes back whole changes, which a change made in the same run is
    /// not yet.
    static func undoMixed(_ mutations: [Statement]) -> [Diagnostic] {
        let undos = mutations.filter { if case .journal(.undo) = $0.kind { return true } else { return false } }
        guard let first = undos.first,
            mutations.contains(where: { (changesData($0) || isDefinition($0)) && !undos.map(\.range).contains($0.range) })
        else { return [] }
        return [
            Diagnostic(
                .type, "undo takes back whole changes, so it runs on its own: run it apart from the statements that change data",
                at: first.range, in: first.source)
        ]
    }

    public func undo(count: Int) throws -> String {
        Interruption.requested = 0
        let undone = try store.undo(count: count)
        // The rows changed under the interpreter: what it read, definitions included, is read again.
        interpreter.invalidate()
        try loadDefinitions()
        return undone.map { "Undid change \($0.number) (\($0.source): \($0.statement))." }.joined(separator: "\n")
    }

    public func history(limit: Int?) throws -> Table {
        let rows: [[Value]] = try store.history(limit: limit).map {
            [.number(Decimal($0.number)), .string($0.at), .string($0.source), .string($0.statement), .bool($0.undone)]
        }
        return Table(columns: ["number", "time", "source", "statement", "undone"], rows: rows)
    }

    /// The `N passed, N failed` line for the run's assertions, if it had any.
    public var assertionSummary: String? {
        guard !assertions.isEmpty else { return nil }
        let passed = assertions.filter(\.passed).count
        return "\(passed) passed, \(assertions.count - passed) failed"
    }

    /// How every JUnit report starts; `--junit` replaces only a file that starts so.
    public static let junitPrologue = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites"

    /// A JUnit XML report of the run's assertions.
    public func junitReport(suite: String) -> String {
        // A CI log is shared: a connection string's password in a failed assertion is not shown.
        func esc(_ s: String) -> String {
            var out = ""
            for ch in DiagnosticFormatter.maskingPasswords(s).unicodeScalars {
                switch ch {
                case "&": out += "&amp;"
                case "<": out += "&lt;"
                case ">": out += "&gt;"
                case "\"": out += "&quot;"
                case "'": out += "&apos;"
                default:
                    // XML 1.0 has no place for most control characters, nor for U+FFFE and U+FFFF
                    // (a report holding one did not parse).
                    let unfit = (ch.value < 0x20 && ch != "\n" && ch != "\t" && ch != "\r") || ch.value == 0xFFFE || ch.value == 0xFFFF
                    if unfit { out += " " } else { out.unicodeScalars.append(ch) }
                }
            }
            return out
        }
        let failures = assertions.filter { !$0.passed }.count
        let tests = assertions.count + errors.count
        var xml = Session.junitPrologue + " tests=\"\(tests)\" failures=\"\(failures)\" errors=\"\(errors.count)\">\n"
        xml += "  <testsuite name=\"\(esc(suite))\" tests=\"\(tests)\" failures=\"\(failures)\" errors=\"\(errors.count)\">\n"
        for a in assertions {
            xml += "    <testcase classname=\"\(esc(suite))\" name=\"\(esc(a.message))\" file=\"\(esc(a.location))\""
            if a.passed {
                xml += "/>\n"
            } else {
                xml += ">\n      <failure message=\"\(esc(a.message))\">\(esc(a.location + ": " + a.detail))</failure>\n    </testcase>\n"
            }
        }
        // A check or run-time error is a test case of its own, so that CI shows what stopped the run.
        for e in errors {
            let name = e.location.isEmpty ? "error" : "error at \(e.location)"
            xml += "    <testcase classname=\"\(esc(suite))\" name=\"\(esc(name))\" file=\"\(esc(e.location))\">\n"
            xml +=
                "      <error message=\"\(esc(e.message))\">\(esc(e.location.isEmpty ? e.message : e.location + ": " + e.message))</error>\n    </testcase>\n"
        }
        xml += "  </testsuite>\n</testsuites>\n"
        return xml
    }

    // MARK: - InterpreterHost

    /// False for a script's run from the command line: a signal that came while it was read and
    /// checked stops it at once (the REPL forgets a Ctrl-C typed at the prompt).
    public var clearsInterruption = true

    /// Set by the interactive REPL (unless `--yes`): asks before removing a person with events.
    public var confirmRemoval: ((String) -> Bool)?

    /// Only a statement typed at the REPL's prompt is asked about: a script (`.read`, a load, the
    /// init script) runs as written.
    public func confirm(_ question: String, from source: Source) throws -> Bool {
        guard source.name == "<repl>", let confirmRemoval else { return true }
        return try asked(question, confirmRemoval)
    }

    /// A question for the person at the prompt, asked with no transaction open: during a run,
    /// the run stops and is rolled back (`AskFirst`), the question is asked, and the run starts
    /// again with the answer (holding the write lock while a person thinks made every other
    /// writer fail after ten seconds). The same question asked again gets the answer given.
    func asked(_ question: String, _ ask: @escaping (String) -> Bool) throws -> Bool {
        if let answer = answers[question] { return answer }
        guard attempting else { return ask(question) }
        throw AskFirst(question: question, ask: ask)
    }

    /// Whether a statement may ask the person at the prompt: a removal of someone (with their
    /// events), a save or an export onto a file that may be there.
    static func mayAsk(_ s: Statement) -> Bool {
        switch s.kind {
        case .remove(.person): return true
        case .save(_, let overwrite): return !overwrite
        case .exportFile(_, let path, _, let overwrite):
            if case .literal(.string("-")) = path.kind { return false }
            return !overwrite
        default: return false
        }
    }

    /// Thrown and caught on the session's own thread, within one run (its closure is the REPL's).
    struct AskFirst: StopsTheStatement, @unchecked Sendable {
        var question: String
        var ask: (String) -> Bool
    }

    /// Answers given to questions asked outside a run, for its next attempts (until it ends).
    private var answers: [String: Bool] = [:]
    /// Called before each statement of a run, inside its transaction: how tests make another
    /// member's change land in the middle of a run.
    var beforeStatement: ((Statement) -> Void)?
    /// How many questions one run asks before it gives up: another writer that changes what is
    /// asked (a removal's count of events) each time could otherwise keep it asking.
    static let maxQuestions = 5
    /// True while a run's transaction is open.
    private var attempting = false
    /// The question that stopped the last attempt.
    private var askFirst: AskFirst?

    /// Set by the interactive REPL: asks the user whether to replace an existing file.
    public var confirmOverwrite: ((String) -> Bool)?

    /// What happens to an existing file: replaced when the statement says `overwrite`, asked
    /// about in the interactive REPL, refused otherwise.
    func existing(overwrite: Bool, advice: String) -> FileWriter.Existing {
        if overwrite { return .replace }
        if let confirmOverwrite { return .ask({ [unowned self] in try self.asked($0, confirmOverwrite) }, advice: advice) }
        return .refuse(advice: advice)
    }

    /// Writes a file of the session's (never the database's), or standard output for "-".
    public func output(_ text: String, to path: String, existing: FileWriter.Existing) throws {
        // To standard output a block at a time: the text of an export of every contact is too
        // large to copy.
        let terminal = TerminalOutput.stdoutIsTerminal
        try output(to: path, existing: existing) { write in
            guard path == "-", console.part != nil else { return try write(text) }
            for piece in Session.blocks(of: text, wholeCharacters: terminal) { try write(String(piece)) }
        }
    }

    /// `output` of a text that `produce` hands over a piece at a time, never held whole unless
    /// the console takes only whole texts.
    func output(to path: String, existing: FileWriter.Existing, producing produce: (_ write: (String) throws -> Void) throws -> Void) throws {
        if refusesFiles && path != "-" { throw FileWriter.Failure("\(path): --read-only writes no file") }
        if path == "-" {
            // An export is data from end to end: on a terminal none of its escape sequences is
            // kept, not even one that looks like Tend's own colours (the console's last pass
            // keeps those).
            guard let write = blockWriter(for: path) else {
                var text = ""
                try produce { text += $0 }
                // The console adds the line end the text already has.
                if TerminalOutput.stdoutIsTerminal { text = TerminalText.escaped(text, keep: .lines) }
                if !text.isEmpty { console.out(text.hasSuffix("\n") ? String(text.dropLast()) : text) }
                return
            }
            try produce { write($0) }
            write(nil)
            return
        }
        // A file an attempt of this run wrote before another member's change made it start again is
        // the run's own: it is written again.
        // Only a file that was not there, or a plain file, is put back on failure: a link, a
        // device or a pipe is left alone.
        // A file is the run's to put back only once it was written: one the writer refused (a
        // replacement declined, a missing folder) was never touched.
        try writingFile(path) {
            // Stopped (SIGTERM, Ctrl-C) between two pieces, not at the end of the file.
            try FileWriter(database: store.path).write(to: path, existing: rewritable.contains(path) ? .replace : existing) { write in
                try withoutActuallyEscaping(write) { write in
                    try produce { piece in
                        try Interruption.check()
                        try write(piece)
                    }
                }
            }
        }
    }

    /// Writes the file at `path` with `write`, the first time in a run remembering it as it was,
    /// for a run that fails to put back (`putBackFiles`).
    func writingFile(_ path: String, _ write: () throws -> Void) throws {
        let real = Session.writtenPath(path)
        var before: (before: FileBefore?, named: String, written: FileIdentity?)?
        if filesBefore.index(forKey: real) == nil {
            var st = stat()
            if lstat(real, &st) != 0 {
                if errno == ENOENT { before = (nil, path, nil) }
            } else if let file = FileBefore(real) {
                before = (file, path, nil)
            }
        }
        try write()
        if let before { filesBefore[real] = before }
        filesBefore[real]?.written = FileIdentity(real)
        writtenThisRun.insert(path)
    }

    /// Removes a file as part of the run: a run that fails puts it back (unless another program
    /// made one there since), as it does a file it wrote.
    func removingFile(_ path: String) throws {
        try writingFile(path) {
            guard unlink(path) == 0 || errno == ENOENT else { throw FileWriter.failure(path, errno) }
        }
        removedThisRun.insert(Session.writtenPath(path))
    }

    /// Files this run removed (`removingFile`), by their real path.
    private var removedThisRun: Set<String> = []

    /// Set while a statement `tend import` or `tend export` made imports or exports: advice
    /// there names the command line's flags (`--skip-bad`), not the statement's words.
    var fromCommandLine = false

    /// An option as the user who ran the statement writes it.
    func option(_ word: String) -> String {
        fromCommandLine ? "--" + word.replacingOccurrences(of: "_", with: "-") : word
    }

    /// What runs right after the run's transaction is committed (never when it is rolled back:
    /// a failure, a stop, a conflict's retry, a read-only run).
    var afterCommit: [() -> Void] = []
    /// The vdir states (`Vdir.SyncState`) an import of this run recorded, by folder, until
    /// they are written after the commit (or an export of the run writes them).
    var syncStatesToWrite: [String: [String: Vdir.SyncState.Entry]] = [:]

    /// Files this run wrote; files the attempts before this one wrote.
    var writtenThisRun: Set<String> = []
    var rewritable: Set<String> = []

    public func write(_ text: String, to path: String, overwrite: Bool, from source: Source) throws {
        let advice = "add overwrite to replace it: save \(ScriptWriter.quote(path)) overwrite"
        let full = resolve(path, from: source)
        // A file an earlier `save` wrote, unchanged since, is saved over (a script kept in git
        // that saves its definitions runs again after a rule changed); any other file, one
        // edited by hand included, is kept unless told.
        let saved = FileWriter.regularContents(of: full, limit: 16 << 20).map(ScriptWriter.isUnchangedSave) ?? false
        try output(text, to: full, existing: saved ? .replace : existing(overwrite: overwrite, advice: advice))
        savedThisRun[Session.fileKey(full)] = text
    }

    public func importFile(format: String, path: String, options: [String: Value], from source: Source, into interpreter: Interpreter) throws
        -> String
    {
        let full = resolve(path, from: source)
        fromCommandLine = source.isMadeFromCommandLine
        defer { fromCommandLine = false }
        if TouchFileImport.formats.contains(format) { return try TouchFileImport(session: self).run(format: format, path: full, options: options) }
        return try Importer(session: self).run(format: format, path: full, options: options)
    }

    public func exportFile(
        format: String, path: String, overwrite: Bool, table: Table, contacts: [Int64], from source: Source, interpreter: Interpreter
    ) throws -> String? {
        let full = resolve(path, from: source)
        if format == "vdir" && refusesFiles { throw FileWriter.Failure("\(path): --read-only writes no file") }
        // Contacts a failed read left out are not written (a vdir export also gives each a UID).
        try interpreter.stopOnReadFailure()
        fromCommandLine = source.isMadeFromCommandLine
        defer { fromCommandLine = false }
        let advice =
            fromCommandLine
            ? "add \(option("overwrite")) to replace it" : "add overwrite to replace it: export \(format) \(ScriptWriter.quote(path)) … overwrite"
        exporting = existing(overwrite: overwrite, advice: advice)
        defer { exporting = .refuse(advice: "") }
        let done = try Exporter(session: self).run(format: format, path: full, table: table, contacts: contacts)
        // An export to standard output is the output: no confirmation is mixed into it.
        return full == "-" ? nil : done
    }

    /// Writes standard output a block at a time when `path` is `-` and the console takes parts
    /// (nil otherwise: the text is written whole by `output`); nil as a block ends the text with
    /// a line break unless its last character as written is one (a CR LF is a character of its
    /// own: one follows it off a terminal), as a line printed would. On a terminal each block is escaped
    /// on its own: a block holds whole characters. A closed output is the run's exit status to
    /// tell (`TerminalOutput.lost`), as it is for a line: what follows is dropped.
    func blockWriter(for path: String) -> ((String?) -> Void)? {
        guard path == "-", let part = console.part else { return nil }
        let terminal = TerminalOutput.stdoutIsTerminal
        var failed = false
        var last: Character?
        return { [unowned self] block in
            // Records worked out from a failed read are not written: the statement fails with it.
            if interpreter.readFailed { failed = true }
            guard !failed else { return }
            // A CR LF is one Character: it ends the output too (a LF more made a bare empty line
            // after a vCard's or iCalendar's last CRLF).
            let text = block ?? (last.map { $0 == "\n" || $0 == "\r\n" } ?? true ? "" : "\n")
            guard !text.isEmpty else { return }
            // The end as written: escaped, a CR LF ends in a line break of its own.
            let written = terminal ? TerminalText.escaped(text, keep: .lines) : text
            last = written.last
            do { try part(written) } catch { failed = true }
        }
    }

    /// A text in pieces of 16,384 Unicode scalars (at most 64 KB), or of as many characters when
    /// each piece is escaped for a terminal on its own (a line break of two scalars stays whole).
    static func blocks(of text: String, wholeCharacters: Bool) -> [Substring] {
        let size = 1 << 14
        var pieces: [Substring] = []
        var start = text.startIndex
        while start < text.endIndex {
            let end =
                wholeCharacters
                ? text.index(start, offsetBy: size, limitedBy: text.endIndex) ?? text.endIndex
                : text.unicodeScalars.index(start, offsetBy: size, limitedBy: text.endIndex) ?? text.endIndex
            pieces.append(text[start..<end])
            start = end
        }
        return pieces
    }

    /// What the export under way does with an existing file (the exporter writes through
    /// `output(to:existing:producing:)` with it).
    var exporting: FileWriter.Existing = .refuse(advice: "")
    /// How many contacts an export makes the cells of at once (tests make it small).
    var exportBatch = 1_000

    /// The whole database as a script. The sightings of people who are not contacts (`report
    /// candidates`) are counts of what imported files held, not the user's records: the dump
    /// says how many it leaves out, and importing the same files again counts them again.
    public func dump() throws -> String {
        var text = ""
        try dump { text += $0 }
        return text
    }

    /// The dump, handed to `write` a block at a time: the interactions are read a page at a time
    /// (a large network's do not fit in memory with the script's text), all in one read
    /// transaction, so that another process writing meanwhile cannot make it inconsistent.
    public func dump(write: (String) throws -> Void) throws {
        let began = !store.inTransaction
        if began { try store.begin(immediate: false) }
        defer { if began { store.rollback() } }
        let net = try store.networkButInteractions()
        let definitions = interpreter.definitions
        var block = ""
        func line(_ text: String) throws {
            block += text
            if block.utf8.count >= 1 << 16 {
                try write(block)
                block = ""
            }
        }
        try ScriptWriter.dump(net, interactions: dumpedInteractions(net), definitions: definitions, prelude: Prelude.definitions, write: line)
        try line(ScriptWriter.itemStates(try interpreter.agendaBook.itemStates(), net: net, rules: Set(definitions.rules.map(\.name))))
        try line(ScriptWriter.numbersGiven(try store.numbersGivenPastRows()))
        let candidates = try store.candidateCounts()
        if !candidates.isEmpty {
            let seen = candidates.reduce(0) { $0 + $1.count }
            try line(
                "# Not in this dump: \(seen) sighting\(seen == 1 ? "" : "s") of \(candidates.count) "
                    + "\(candidates.count == 1 ? "person" : "people") who \(candidates.count == 1 ? "is" : "are") not a contact (report candidates); "
                    + "importing the same calendars and mailboxes again counts them.\n")
        }
        try write(block + ScriptWriter.dumpEnd + "\n")
    }

    /// The interactions a dump writes, in id order: a page at a time from the store, or those of
    /// the network in memory (`net`, when it holds them).
    private func dumpedInteractions(_ net: Network) -> ScriptWriter.Interactions {
        guard net.interactions.isEmpty else { return ScriptWriter.Interactions(net) }
        let store = self.store
        let size = interpreter.cost.pageSize
        return ScriptWriter.Interactions { body in
            var after = Int64.min
            while true {
                guard let page = try store.read(ModelRead("interactions", where: [], page: (after, size))) else {
                    // A store that holds the network in memory after all: its interactions, in
                    // order, if none was written yet (else they would be written twice).
                    guard after == Int64.min else { throw FileWriter.Failure("the interactions could not be read to the end; the dump is not whole") }
                    try ScriptWriter.Interactions(try store.network()).each(body)
                    return
                }
                guard let last = page.interactions.last, last.id > after else { return }
                for i in page.interactions { try body(i) }
                after = last.id
            }
        }
    }
}
