import Foundation
import GRDB
import GRDBSQLite
import TendCore

/// A Tend database in an SQLite file (or in memory), implementing the core's `Model`.
public final class Store: Model {
    /// Marks the file as a Tend database (`PRAGMA application_id`), so that another program's
    /// SQLite file is refused instead of being changed. "TEND" in ASCII.
    static let applicationID: Int32 = 0x5445_4E44

    public let path: String?
    let db: DatabaseQueue
    /// How long a statement waits for another process's lock (`Store.busyMilliseconds`, or less).
    let busyWait = BusyWait()
    /// The whole network, once something needed the events.
    private var cache: Network?
    /// The network without events, for queries on stored contact fields.
    private var coreCache: Network?
    public private(set) var inTransaction = false
    /// Whether the open transaction was begun to write, and whether one such was committed.
    private var writing = false
    private var committedWrites = false
    /// True once this connection made its journalling triggers (see Store+Journal).
    var journalStarted = false
    /// True while the open transaction has not begun its journal (it has not written yet).
    var journalDue = false
    /// True when the open transaction made this connection's journal (see `journalWrites`).
    private var journalStartedInRun = false
    /// True once the open transaction wrote rows on purpose left out of the journal (`withoutJournal`).
    var wroteUnjournalled = false
    /// The journalled tables and their columns, read when the journal started.
    var journalTables: [(table: String, columns: [String])] = []
    /// True for a connection opened under `--read-only` or on a file it cannot write.
    let readOnlyConnection: Bool
    /// `--as NAME`: the member new events are logged by (one person's file: nil, no name).
    public var member: String?

    public enum OpenError: Error, CustomStringConvertible {
        case notTend(String)
        case newer(String)
        case cannotOpen(String, String)
        /// The file or its folder cannot be written: it can still be opened to read.
        case readOnly(String)
        public var description: String {
            switch self {
            case .readOnly(let p): return "cannot open \(p) to write: the file or its folder is read-only"
            case .notTend(let p): return "\(p) is not a Tend database (it is another program's SQLite file); it was left untouched"
            case .newer(let p): return "\(p) was made by a newer version of Tend; upgrade Tend to open it (the file was left untouched)"
            case .cannotOpen(let p, let why): return "cannot open \(p): \(why)"
            }
        }
    }

    /// Opens (creating when missing, mode 0600) the database at `path`; nil opens one in memory.
    /// `readOnly` opens an existing database only, and changes nothing on disk: not its data,
    /// not its mode, and no `-wal` or `-shm` file is left behind once it is closed.
    /// Opens the database at `path` (in memory when nil). A new one is made with `definitions`
    /// (the prelude, worked out only then) in it, whole: it is never seen without them.
    public init(path: String?, readOnly: Bool = false, startingWith definitions: @autoclosure () -> [Definition] = []) throws {
        self.path = path
        readOnlyConnection = readOnly
        var config = Configuration()
        config.allowsUnsafeTransactions = true
        config.busyMode = .callback { [busyWait] tries in busyWait.keepWaiting(tries) }
        config.foreignKeysEnabled = true
        config.readonly = readOnly
        config.label = "tend"
        // A database of up to 32 MB (some 20,000 contacts with their history) is read through a
        // memory map rather than copied into SQLite's cache: a query over 10,000 contacts then
        // makes half the page faults. Larger ones are read as before, since mapped pages count
        // as resident memory.
        var st = stat()
        if let path, stat(path, &st) == 0, st.st_size <= 32 << 20 {
            config.prepareDatabase { db in try db.execute(sql: "PRAGMA mmap_size = 33554432") }
        }
        guard let path else {
            db = try DatabaseQueue(configuration: config)
            try migrate(readOnly: readOnly)
            return
        }
        let made = try Store.prepareFile(path, create: !readOnly, with: definitions())
        let dir = PathName.folder(path)
        let writable = access(path, W_OK) == 0 && access(dir.isEmpty ? "." : dir, W_OK) == 0
        if !readOnly && !writable { throw OpenError.readOnly(path) }
        var target = Store.plainName(path)
        if readOnly, let leftover = Store.unfinishedLog(waitingFor: path) {
            // Reading it would write (SQLite folds a crashed run's rollback journal back, and makes
            // a log's -shm), and reading the file without it would answer from stale data.
            throw OpenError.cannotOpen(
                path,
                "\(leftover) holds changes of a run that did not finish; a command that may write the database folds them in (tend -e 'count(contacts)', without --read-only, on a disk that is not read-only)"
            )
        }
        // A log whose -shm goes from here on is a closing writer's, folded into the file already.
        let shared = FileManager.default.fileExists(atPath: path + "-shm")
        // An empty log without its -shm (a writer's, killed after its last checkpoint) holds
        // nothing to read: as none, so that no -shm is made for it.
        var logInfo = stat()
        let log = stat(path + "-wal", &logInfo) == 0 && (logInfo.st_size > 0 || shared)
        if readOnly && writable {
            // A read-only connection to a WAL database makes its `-wal` and `-shm` files and
            // leaves them behind; one that may write (but cannot create the file: mode=rw)
            // removes them when it closes last, as any writer does. Nothing it does is kept: the
            // session rolls back every run under --read-only, whose definitions, markets and
            // goals last for the run only, and the migrations are not run.
            config.readonly = false
            target = Store.uri(path, "mode=rw")
        } else if readOnly && !(log && shared) {
            // A file nobody here may write, with no log beside it, is read as it is (SQLite could
            // not make its shared-memory file in a folder that cannot be written).
            target = Store.uri(path, "immutable=1")
        }
        do {
            db = try DatabaseQueue(path: target, configuration: config)
            if readOnly && writable && log {
                // Another process's log (its last changes, not yet in the file) is read, never
                // folded into the file: a connection that may write, closing last, would fold it;
                // a read-only one held open until after it has closed folds nothing itself.
                var guardConfig = Configuration()
                guardConfig.readonly = true
                let guardQueue = try DatabaseQueue(path: Store.uri(path, "mode=ro"), configuration: guardConfig)
                try guardQueue.read { _ = try Int.fetchOne($0, sql: "SELECT count(*) FROM sqlite_master") }
                logGuard = guardQueue
            }
        } catch {
            throw OpenError.cannotOpen(path, Store.describe(error))
        }
        try migrate(readOnly: readOnly)
        if made {
            isNew = true
            madeWithDefinitions = !definitions().isEmpty
        }
        // Only once the file is known to be Tend's: a file refused (another program's SQLite
        // file, a text file) is left as it was, mode included.
        warnings = Store.makePrivate(path, change: !readOnly)
        _ = try? refresh()
    }

    /// The file beside the database that holds changes SQLite has not folded in and that cannot
    /// be read without writing: a rollback journal left by a crash, or a log without its -shm.
    static func unfinishedLog(_ path: String, shared: Bool) -> String? {
        var st = stat()
        if stat(path + "-journal", &st) == 0, st.st_size > 0 { return PathName.last(path) + "-journal" }
        // Looked at again after the log: a writer opening meanwhile makes its -shm first.
        if !shared, stat(path + "-wal", &st) == 0, st.st_size > 0, access(path + "-shm", F_OK) != 0 { return PathName.last(path) + "-wal" }
        return nil
    }

    /// `unfinishedLog`, once a log without its -shm has had a short while to go: a writer closing
    /// last removes its -shm and then its log (folded into the file by then), so a read-only run
    /// starting in between sees a killed run's sign. A killed run's log stays and is named after
    /// `closingWriterWait`; a rollback journal, or a log on a file system mounted read-only
    /// (which no writer removes), at once.
    static func unfinishedLog(waitingFor path: String, wait milliseconds: UInt64 = closingWriterWait) -> String? {
        let deadline = DispatchTime.now().uptimeNanoseconds + milliseconds * 1_000_000
        var fileSystem = statvfs()
        while true {
            let leftover = unfinishedLog(path, shared: access(path + "-shm", F_OK) == 0)
            guard let leftover, leftover.hasSuffix("-wal"), DispatchTime.now().uptimeNanoseconds < deadline else { return leftover }
            if statvfs(path, &fileSystem) == 0, fileSystem.f_flag & UInt(ST_RDONLY) != 0 { return leftover }
            usleep(2_000)
        }
    }

    /// How long, in milliseconds, a read-only run waits for a log left without its -shm to go.
    static let closingWriterWait: UInt64 = 2_000

    /// A file beside `path` that SQLite would take for the log of a database made there (a log
    /// with frames, its index, a rollback journal), when there is no database or it is to be
    /// replaced: a killed run's of a database since removed, or a database open in another
    /// process. SQLite lays it over the new file, which is then corrupt. Its name, or nil.
    public static func logBeside(_ path: String) -> String? {
        var st = stat()
        for sidecar in ["-wal", "-journal"] where stat(path + sidecar, &st) == 0 && st.st_size > 0 { return PathName.last(path) + sidecar }
        if access(path + "-shm", F_OK) == 0 { return PathName.last(path) + "-shm" }
        return nil
    }

    /// Why a new database or a copy cannot be written at `path` (`logBeside`).
    public static func refusingLogBeside(_ path: String) -> String? {
        logBeside(path).map { log in
            "\(log) is beside it, the log of a database that was there (left by a run that was killed) or is open in another program, which SQLite would lay over the new file; remove \(log) (and the other \(PathName.last(path))-* files) if no program has \(PathName.last(path)) open, or choose another file"
        }
    }

    /// The file's name as SQLite is to open it: one that begins `file:` (a file so named in the
    /// current folder) is a URI to SQLite, which would open another file (`file:u.db` is u.db)
    /// or none at all (`?mode=memory`), so it is named from the current folder.
    static func plainName(_ path: String) -> String {
        path.hasPrefix("file:") ? "./" + path : path
    }

    static func uri(_ path: String, _ parameter: String) -> String {
        "file:" + (path.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? path) + "?" + parameter
    }

    /// What opening found worth telling the user (a database others could read).
    public private(set) var warnings: [String] = []

    /// Personal data is for its owner's eyes: a database (and its log) that others may read
    /// keeps its owner's permissions alone (0644 becomes 0600, a read-only 0444 stays read-only
    /// as 0400), or under `--read-only` is only reported.
    static func makePrivate(_ path: String, change: Bool) -> [String] {
        var st = stat()
        guard stat(path, &st) == 0, st.st_mode & 0o077 != 0 else { return [] }
        let mode = String(st.st_mode & 0o777, radix: 8)
        guard change else {
            return ["\(path) can be read by other users (mode \(mode)); `chmod go= \(path)` makes it private (left as it is: the database was opened read-only)"]
        }
        for file in [path, path + "-wal", path + "-shm", path + "-journal"] {
            var own = stat()
            guard stat(file, &own) == 0 else { continue }
            if chmod(file, own.st_mode & 0o700) != 0 {
                return ["\(path) can be read by other users (mode \(mode)) and could not be made private: \(String(cString: strerror(errno)))"]
            }
        }
        return ["\(path) could be read by other users (mode \(mode)); it is now private to you (mode \(String(st.st_mode & 0o700, radix: 8)))"]
    }

    /// Closes the database. When this connection wrote, its log is folded into the file first
    /// (TRUNCATE), so that copying the file alone, as backups do, copies everything even while
    /// another process keeps the database open; when it is the last connection, SQLite removes
    /// the log.
    public func close() {
        guard !closed else { return }
        closed = true
        try? db.inDatabase { db in
            if path != nil && !readOnlyConnection && db.totalChangesCount > 0 {
                // Not worth waiting long for: a busy reader only means the next close folds it in.
                // A connection that wrote only its temporary tables (an edit given up, a REPL whose
                // runs only read) does not wait at all: it must not take two seconds more while
                // another process writes. A run that only reads writes nothing, not even those, and
                // leaves the log to the processes that wrote it (each folds it in when it closes).
                busyWait.limit = committedWrites ? 2000 : 0
                do {
                    _ = try Row.fetchOne(db, sql: "PRAGMA wal_checkpoint(TRUNCATE)")
                } catch let error as DatabaseError where error.resultCode != .SQLITE_BUSY && error.resultCode != .SQLITE_LOCKED {
                    // What was committed is safe in the log, but the file alone is not the
                    // database until a later close folds the log in (a full disk).
                    let name = path ?? "the database"
                    closeProblem =
                        "\(name)'s log (\(name)-wal) could not be folded into it: \(error.message ?? "\(error.resultCode)"); "
                        + "what was saved is safe in the log, but a copy of \(name) alone misses it: copy its -wal beside it, or run tend again once there is room"
                }
            }
        }
        // The log the guard was kept for is empty now (another read-only session's, closed
        // since): nothing to fold, so this connection, which may write, closes last and removes
        // it and its -shm, as one read-only session alone does (both stayed).
        var log = stat()
        if let path, logGuard != nil, stat(path + "-wal", &log) == 0, log.st_size == 0 {
            try? logGuard?.close()
            logGuard = nil
        }
        try? db.close()
        try? logGuard?.close()
    }
    private var closed = false
    public private(set) var closeProblem: String?
    /// A read-only connection held open while a read-only run reads beside another process's log (see `init`).
    private var logGuard: DatabaseQueue?

    /// Writes a consistent copy of the database into `path`, an empty file (`VACUUM INTO`): it
    /// reads one snapshot, so a change another process commits meanwhile is in the copy whole
    /// or not at all, and it waits for no one.
    public func backup(into path: String) throws {
        try db.inDatabase { try $0.execute(sql: "VACUUM INTO ?", arguments: [Store.plainName(path)]) }
        // The copy is written in rollback mode; a Tend database is in WAL mode, so that readers
        // never wait for a writer once it is restored.
        let copy = try DatabaseQueue(path: Store.plainName(path))
        try copy.inDatabase { _ = try String.fetchOne($0, sql: "PRAGMA journal_mode = WAL") }
        try copy.close()
    }

    /// True when the database was just created (the session installs the prelude then, unless
    /// it was made with it: `madeWithDefinitions`).
    public private(set) var isNew = false
    public private(set) var madeWithDefinitions = false

    /// Checks the file at `path` is one to open, and makes it (a new database, whole) when there
    /// is none and `create`: true when this process made it.
    static func prepareFile(_ path: String, create: Bool, with definitions: @autoclosure () -> [Definition] = []) throws -> Bool {
        let fm = FileManager.default
        let dir = PathName.folder(path)
        if !dir.isEmpty && !fm.fileExists(atPath: dir) {
            guard create else { throw OpenError.cannotOpen(path, "no such folder") }
            do {
                try fm.createDirectory(atPath: dir, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            } catch {
                throw OpenError.cannotOpen(path, "cannot create folder \(dir)")
            }
        }
        var st = stat()
        if stat(path, &st) == 0 {
            if (st.st_mode & S_IFMT) != S_IFREG { throw OpenError.cannotOpen(path, "not a regular file") }
            return false
        }
        if lstat(path, &st) == 0, (st.st_mode & S_IFMT) == S_IFLNK {
            // Creating through it failed with "File exists".
            throw OpenError.cannotOpen(path, "it is a link to a file that does not exist; Tend does not make a database through it")
        }
        guard create else { throw OpenError.cannotOpen(path, "no such file") }
        // Another process may have made it meanwhile, its log beside it: that one is opened.
        if let refusal = refusingLogBeside(path), stat(path, &st) != 0 { throw OpenError.cannotOpen(path, "cannot make a database here: " + refusal) }
        if stat(path, &st) == 0 { return false }
        return try makeDatabase(path, with: definitions())
    }

    /// Makes a new database at `path` whole or not at all: its tables and `definitions` are made
    /// in a temporary file beside it (`TemporaryFile`), which is then linked into place. A process killed while
    /// making it leaves no half-made database at `path`, and of two processes making the same
    /// one at once, the second opens the first's. False when another process made it first.
    static func makeDatabase(_ path: String, with definitions: [Definition]) throws -> Bool {
        let dir = PathName.folder(path)
        TemporaryFile.removeAbandoned(in: dir, of: PathName.last(path))
        guard let (temp, fd) = TemporaryFile.make(beside: path) else { throw OpenError.cannotOpen(path, String(cString: strerror(errno))) }
        var placed = false
        defer {
            if !placed { unlink(temp) }
            for sidecar in TemporaryFile.sidecars { unlink(temp + sidecar) }
            closeDescriptor(fd)
        }
        do {
            let made = try DatabaseQueue(path: plainName(temp))
            _ = try made.inDatabase { try String.fetchOne($0, sql: "PRAGMA journal_mode = WAL") }
            try migrator.migrate(made)
            try made.write { db in for d in definitions { try setDefinition(d, db) } }
            try mark(made)
            try made.close()
        } catch {
            throw OpenError.cannotOpen(path, describe(error))
        }
        _ = fsync(fd)
        if link(temp, path) == 0 {
            // The temporary name goes at once, so that no second name of the database stays.
            unlink(temp)
            placed = true
        } else {
            if errno == EEXIST { return false }
            // A file system without links (some network and FAT ones): moved into place, unless
            // another process has made the database meanwhile.
            guard access(path, F_OK) != 0, rename(temp, path) == 0 else {
                if access(path, F_OK) == 0 { return false }
                throw OpenError.cannotOpen(path, String(cString: strerror(errno)))
            }
            placed = true
        }
        TemporaryFile.syncFolder(dir)
        return true
    }

    /// Marks the file as Tend's, once (an older Tend's file is marked already: nothing more to
    /// write there); the last step of making or upgrading one.
    static func mark(_ db: DatabaseQueue) throws {
        try db.inDatabase { db in
            if try Int32.fetchOne(db, sql: "PRAGMA application_id") != Store.applicationID {
                try db.execute(sql: "PRAGMA application_id = \(Store.applicationID)")
            }
        }
    }

    /// A database error in words a user can act on, or nil for other errors.
    public static func databaseMessage(_ error: Error) -> String? {
        error is DatabaseError ? describe(error) : nil
    }

    /// A database error in words a user can act on (the SQL behind it is of no use to them).
    static func describe(_ error: Error) -> String {
        if let e = error as? DatabaseError {
            switch e.resultCode {
            case .SQLITE_NOTADB: return "not a database file"
            case .SQLITE_READONLY: return "the file or its folder is read-only"
            case .SQLITE_FULL: return "the disk is full"
            case .SQLITE_IOERR: return "cannot write the database (disk I/O error: is the disk full, or a file size limit reached?)"
            case .SQLITE_CANTOPEN: return "cannot open the file (check the folder's permissions)"
            case .SQLITE_BUSY, .SQLITE_LOCKED:
                // The wait was stopped: Ctrl-C or SIGTERM (`BusyWait`).
                if Interruption.requested != 0 { return Interruption.message }
                return "another process kept the database busy for 10 seconds (an import, or a REPL in the middle of a change); try again"
            default: return e.message ?? "\(e.resultCode)"
            }
        }
        return "\(error)"
    }

    // MARK: - Schema

    static var migrator: DatabaseMigrator {
        // No migration changes what refers to what (v12 keeps every id), so none checks every
        // reference afterwards: a file with a row another program left dangling opened before an
        // upgrade and must open after it. (Set before the migrations are registered.)
        var m = DatabaseMigrator().disablingDeferredForeignKeyChecks()
        m.registerMigration("v1", migrate: Store.createContactTables)
        m.registerMigration("v2 date indexes", migrate: Store.createDateIndexes)
        m.registerMigration("v3 contact lists", migrate: Store.addContactLists)
        m.registerMigration("v4 agenda items", migrate: Store.createAgendaTables)
        m.registerMigration("v5 touch sources", migrate: Store.createTouchSources)
        m.registerMigration("v6 dates and uid", migrate: Store.addImportantDates)
        m.registerMigration("v7 journal", migrate: Store.createJournalTables)
        m.registerMigration("v8 journal ranges", migrate: Store.addJournalRanges)
        m.registerMigration("v9 members", migrate: Store.addMembers)
        m.registerMigration("v10 sightings per event", migrate: Store.countSightings)
        m.registerMigration("v11 indexes of references", migrate: Store.indexReferences)
        m.registerMigration("v12 ids never reused", migrate: Store.neverReuseIDs)
        m.registerMigration("v13 kept figures", migrate: Store.createFigures)
        m.registerMigration("v14 figures' triggers", migrate: Store.makeFigureTriggers)
        // The same triggers without a temporary table for each row they fire on.
        m.registerMigration("v15 figures' triggers, lighter", migrate: Store.makeFigureTriggers)
        m.registerMigration("v16 planned steps' meetings", migrate: Store.createPlannedSteps)
        m.registerMigration(Store.keptItemsMigration, migrate: Store.createKeptItems)
        return m
    }

    private func migrate(readOnly: Bool) throws {
        let migrator = Store.migrator
        let label = path ?? ":memory:"
        var upToDate = false
        var unfinished = false
        var everyMigration = false
        try db.inDatabase { db in
            let appID = try Int32.fetchOne(db, sql: "PRAGMA application_id") ?? 0
            if appID != Store.applicationID {
                // Another program's file: anything in its schema (a table, a view alone), or its
                // mark in the header (an application id, a user version), even with no table yet.
                // A Tend file, marked, is not asked (every command opens one).
                let objects = try Int.fetchOne(db, sql: "SELECT count(*) FROM sqlite_master") ?? 0
                let userVersion = try Int32.fetchOne(db, sql: "PRAGMA user_version") ?? 0
                if objects > 0 || appID != 0 || userVersion != 0 {
                    // Unless it is one an older Tend was killed making (its migrations made one by
                    // one, the mark last): that one is finished, not refused for good.
                    guard appID == 0, userVersion == 0, try Store.isUnfinished(db, migrator) else { throw OpenError.notTend(label) }
                    unfinished = true
                }
            }
            if try migrator.hasBeenSuperseded(db) { throw OpenError.newer(label) }
            let applied = try migrator.appliedIdentifiers(db)
            everyMigration = Set(migrator.migrations).isSubset(of: applied)
            // A file whose making was cut short holds nothing yet: it is new, prelude and all.
            isNew = try applied.isEmpty || (unfinished && Int.fetchOne(db, sql: "SELECT count(*) FROM contacts") == 0)
            if readOnly {
                if isNew { throw OpenError.cannotOpen(label, "no Tend database there yet") }
                // An older file's figures, read before its migrations, are not trusted either.
                derivedTrusted = try everyMigration && Store.derivedChecked(db)
                return
            }
            // An up-to-date database (already in WAL mode, which the file keeps) is not written
            // to on opening: the migrator and the pragmas would wait for the write lock while
            // another process holds it.
            upToDate = appID == Store.applicationID && everyMigration
            if path != nil && !upToDate { try db.execute(sql: "PRAGMA journal_mode = WAL") }
            // Checked before writing: a file as Tend left it is not written to on opening.
            derivedTrusted = try upToDate && Store.derivedChecked(db)
        }
        guard !readOnly, !upToDate || !derivedTrusted else { return }
        do {
            // Nothing to migrate: the mending waits for no other writer (this run then sums the
            // events itself, as under --read-only, and the next open mends).
            if upToDate { return try mendDerived(waiting: false) }
            do {
                try migrator.migrate(db)
            } catch let e as DatabaseError {
                // Another process opening the same older file migrated it first: its migrations
                // were found pending before this one waited for the write lock, and are done (a
                // migration run again failed, and was rolled back).
                guard try db.inDatabase({ try migrator.hasCompletedMigrations($0) }) else { throw e }
            }
            try Store.mark(db)
            try mendDerived(waiting: true)
        } catch let e as DatabaseError {
            throw OpenError.cannotOpen(label, Store.describe(e))
        }
    }

    /// Makes the derived tables again (`Store+Derived`) when the file's schema is not the one
    /// they were made in — another program changed it, or an older Tend made the file — unless
    /// another process did meanwhile. Without foreign key checks: another program's table that
    /// refers to one of them must not keep them from being made again (and the file locked).
    /// Not `waiting` (nothing was migrated), it gives up at once while another process writes,
    /// and a mending that fails (a full disk) leaves the file as it was for a run that may only
    /// read: that run sums the events itself, and one that writes meets the failure itself.
    private func mendDerived(waiting: Bool) throws {
        let limit = busyWait.limit
        try db.inDatabase { db in
            try db.execute(sql: "PRAGMA foreign_keys = OFF")
            if !waiting { busyWait.limit = 0 }
        }
        defer {
            try? db.inDatabase { db in
                try db.execute(sql: "PRAGMA foreign_keys = ON")
                busyWait.limit = limit
            }
        }
        do {
            try db.write { db in if try !Store.derivedChecked(db) { try Store.mendDerived(db) } }
            derivedTrusted = true
        } catch is DatabaseError where !waiting {
            derivedTrusted = false
        }
    }

    /// A file with Tend's first tables and only Tend's migrations applied, but not marked as
    /// Tend's: one whose making was cut short.
    static func isUnfinished(_ db: Database, _ migrator: DatabaseMigrator) throws -> Bool {
        guard try db.tableExists("grdb_migrations"), try db.tableExists("contacts"), try db.tableExists("interaction_people") else { return false }
        let applied = try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations")
        return applied.contains("v1") && Set(applied).isSubset(of: migrator.migrations)
    }

    // MARK: - Transactions

    /// How long a statement waits for another process's lock before it fails.
    static let busyMilliseconds = 10_000

    /// SQLite's busy timeout as a handler of Tend's own, so that Ctrl-C, SIGTERM or SIGHUP stops
    /// the wait for another process's lock (SQLite's own sleeps through them, for ten seconds).
    /// A stop asked before the wait began (Ctrl-C at the REPL's prompt, not yet taken up by a
    /// statement) does not end it. `limit` is set on the connection's queue, between its statements.
    final class BusyWait: @unchecked Sendable {
        /// Milliseconds; 0 gives up at once.
        var limit = Store.busyMilliseconds
        private var since: UInt64 = 0
        private var stopAtStart: Int32 = 0
        /// The pauses between tries, in milliseconds: SQLite's first ones, the longest 20 so
        /// that a stop is seen within that.
        private static let pauses = [1, 2, 5, 10, 15, 20]

        /// Whether to try again after `tries` tries (a pause first); false: the statement fails busy.
        func keepWaiting(_ tries: Int) -> Bool {
            let now = DispatchTime.now().uptimeNanoseconds
            if tries == 0 { (since, stopAtStart) = (now, Interruption.requested) }
            guard !stopped, now - since < UInt64(max(limit, 0)) * 1_000_000 else { return false }
            usleep(UInt32(BusyWait.pauses[min(tries, BusyWait.pauses.count - 1)] * 1000))
            return !stopped
        }

        /// A stop asked since the wait began.
        private var stopped: Bool { Interruption.requested != 0 && stopAtStart == 0 }
    }

    /// The page cache of a transaction that writes, in KiB.
    static let writeCacheKiB = 65536

    /// Starts the one transaction a run or a REPL statement makes its changes in. A run that
    /// will write takes the write lock at once (`immediate`), so that it cannot fail half-way for
    /// want of it; one that only reads takes none, and other Tend processes may write meanwhile
    /// (a write it makes after all, from a file loaded at run time, takes the lock then).
    public func begin(immediate: Bool = true) throws {
        guard !inTransaction else { return }
        try db.inDatabase { db in
            // A run that writes may change many pages in its one transaction: past SQLite's usual
            // 2 MB cache they would be written to the log and read back again, over and over (a
            // 20,000-contact restore spent a fifth of its time so). A run that only reads keeps
            // the small cache: memory at 100,000 contacts is close to its limit.
            try db.execute(sql: immediate ? "PRAGMA cache_size = -\(Store.writeCacheKiB)" : "PRAGMA cache_size = -2000")
            // Made outside the transaction, the journal's tables and triggers outlive a rollback.
            if immediate { try startJournal(db) }
            try db.execute(sql: immediate ? "BEGIN IMMEDIATE" : "BEGIN DEFERRED")
            // A run that only reads makes no journal (its triggers and marks were half of a
            // one-shot query's time): a write it makes after all begins it first (`journalWrites`).
            journalDue = !readOnlyConnection
            if immediate { try journalWrites(db) }
        }
        inTransaction = true
        writing = immediate
    }

    /// Begins the open transaction's journal, before its first write: every write to the
    /// database in a run goes through here (the commit makes sure of it in debug builds).
    func journalWrites(_ db: Database) throws {
        guard journalDue else { return }
        journalDue = false
        // Made inside the transaction, they go if it is rolled back, and are made again.
        journalStartedInRun = !journalStarted
        try startJournal(db)
        // Rolled back with the transaction, or cleared when it commits.
        if journalStarted {
            try db.execute(sql: "INSERT INTO temp.journal_on VALUES (1)")
            try markTables(db)
        }
    }

    /// Whether the open transaction has written to the database (SQLite's own account of it).
    static func hasWritten(_ db: Database) -> Bool {
        sqlite3_txn_state(db.sqliteConnection, "main") == SQLITE_TXN_WRITE
    }

    /// Commits the open transaction; what it changed becomes one entry of the journal, called
    /// `label` in `history`.
    public func commit(label: JournalLabel? = nil) throws {
        guard inTransaction else { return }
        try db.inDatabase { db in
            // A write that did not begin the journal could not be undone.
            assert(!journalDue || wroteUnjournalled || !Store.hasWritten(db), "a run wrote without its journal")
            if !journalDue { try closeChange(db, label) }
            // The figures of the contacts this run's writes counted for (Store+Figures).
            if Store.hasWritten(db) { try Store.workOutDueFigures(db) }
            try db.execute(sql: "COMMIT")
        }
        inTransaction = false
        journalDue = false
        journalStartedInRun = false
        wroteUnjournalled = false
        if writing { committedWrites = true }
    }

    /// Forgets everything read and cached from the database: after an undo rewrote rows, or a
    /// write that is not a `Change` (an import's bulk rows, people added to a touch).
    func forget() {
        cache = nil
        coreCache = nil
        counts = [:]
        interactionCount = nil
        statsKept = nil
    }

    /// Undoes every change since `begin`, and forgets what was cached from them.
    public func rollback() {
        guard inTransaction else { return }
        try? db.inDatabase { try $0.execute(sql: "ROLLBACK") }
        inTransaction = false
        if journalStartedInRun { journalStarted = false }
        journalStartedInRun = false
        journalDue = false
        wroteUnjournalled = false
        cache = nil
        coreCache = nil
        counts = [:]
        statsKept = nil
    }

    /// The database's `PRAGMA data_version` when this connection last looked: it changes when
    /// another connection (another Tend process) commits.
    private(set) var dataVersion: Int64?
    /// Whether the file's schema was the one Tend made its derived tables in when the file was
    /// opened, and when another connection was last seen to commit (`Store+Derived`): while not,
    /// the figures and the kept items are neither read nor kept.
    private(set) var derivedTrusted = false
    /// False to have the agenda work out every rule again, reading and keeping no items
    /// (`Store+KeptItems`): what the kept items are compared with.
    public var keepsAgendaItems = true

    /// True when another process has committed since the last look; what was read and cached
    /// from the database is then dropped. A long-lived session asks before each statement, so
    /// that it neither answers from nor writes back a stale copy.
    public func refresh() throws -> Bool {
        let version = try db.inDatabase { try Int64.fetchOne($0, sql: "PRAGMA data_version") } ?? 0
        defer { dataVersion = version }
        guard let seen = dataVersion, seen != version else { return false }
        // A schema another program changed meanwhile is mended by the next open to write.
        if derivedTrusted { derivedTrusted = try db.inDatabase(Store.derivedChecked) }
        forget()
        return true
    }

    // MARK: - Model

    /// The error of a statement stepped through SQLite's own calls, as GRDB would have thrown it.
    static func stepFailed(_ db: Database, _ code: Int32) -> DatabaseError {
        DatabaseError(resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(db.sqliteConnection)))
    }

    /// Runs a read on the connection; a damaged value it finds is reported with this file's name.
    func read<T>(_ body: (Database) throws -> T) throws -> T {
        do {
            return try db.inDatabase(body)
        } catch var e as DamagedValue {
            e.file = path ?? ":memory:"
            throw e
        }
    }

    public func contactID(handle: String) throws -> Int64? {
        // A script names a handle in most statements: the statement is prepared once, and the
        // handle bound through SQLite's own call (GRDB's arguments box it).
        try read { db in
            let statement = try db.cachedStatement(sql: "SELECT id FROM contacts WHERE handle = ?").sqliteStatement
            sqlite3_reset(statement)
            defer { sqlite3_reset(statement) }
            sqlite3_bind_text(statement, 1, handle, Int32(handle.utf8.count), unsafeBitCast(-1, to: sqlite3_destructor_type.self))
            switch sqlite3_step(statement) {
            case SQLITE_ROW: return sqlite3_column_int64(statement, 0)
            case SQLITE_DONE: return nil
            case let code: throw Store.stepFailed(db, code)
            }
        }
    }

    /// Every handle, for completion and suggestions.
    public func handles() throws -> [String] {
        try read { db in
            var out: [String] = []
            try Store.each(db, "contacts", "SELECT id, handle FROM contacts ORDER BY handle") { out.append($0.text(1)) }
            return out
        }
    }

    /// Every tag in use, for completion.
    public func tags() throws -> [String] {
        try db.inDatabase {
            try String.fetchAll(
                $0, sql: "SELECT DISTINCT t.value FROM contacts, json_each(contacts.tags) t WHERE json_valid(contacts.tags) ORDER BY 1")
        }
    }

    public func contactCount() throws -> Int {
        try read { try Int.fetchOne($0, sql: "SELECT count(*) FROM contacts") ?? 0 }
    }

    /// How many times the whole network was read from the database (tests count them: a script
    /// of changes must not read it again after each one).
    private(set) var wholeReads = 0

    public func network(events: Bool) throws -> Network {
        if let cache { return cache }
        if !events, let coreCache { return coreCache }
        let net = try read { try Store.load($0, events: events) }
        wholeReads += 1
        if events {
            cache = net
            coreCache = nil
        } else {
            coreCache = net
        }
        return net
    }

    public func networkButInteractions() throws -> Network {
        if let cache { return cache }
        return try read { try Store.load($0, withInteractions: false) }
    }

    /// The figures of these contacts (every contact's when nil) from SQL aggregates, so that
    /// derived fields need no events in memory. Nil when the events are loaded already: the
    /// core's pass over them is then cheaper. Every figure is summed, whichever are asked for,
    /// but `touches_90d` and the last touch's member when they are not and the figures stored in
    /// the file are read (the two they do not hold: Store+Figures); they are kept for the next
    /// statement. A few contacts' (up to `statsReadLimit`) are read through the indexes, from
    /// their stored rows when the file's are trusted and there are `storedRowsFrom` or more.
    public func contactStats(of ids: [Int64]?, today: Day, figures: ContactStats.Figures) throws -> [Int64: ContactStats]? {
        if cache != nil { return nil }
        if let kept = try keptStats(today: today, figures: figures) {
            guard let ids else { return kept }
            return ids.reduce(into: [:]) { out, id in out[id] = kept[id] }
        }
        guard let ids, ids.count <= Store.statsReadLimit else {
            let stored = derivedTrusted ? try read { try Store.statsFromFigures($0, today: today, wanted: figures) } : nil
            let all = try stored ?? read { try Store.stats($0, today: today) }
            statsKept = StatsKept(today: today, stats: all, held: stored == nil ? .all : figures.union(Store.figuresStored))
            guard let ids else { return all }
            return ids.reduce(into: [:]) { out, id in out[id] = all[id] }
        }
        if derivedTrusted, ids.count >= Store.storedRowsFrom,
            let stored = try read({ try Store.statsFromFigures($0, today: today, of: ids, wanted: figures) })
        {
            return stored
        }
        return try statsRead(of: ids, today: today)
    }

    /// From this many contacts on, their figures are read from the stored rows rather than
    /// summed from their events: for one (a card) summing is the cheaper (3.3 M instructions
    /// against 5.0 M: both are a dozen statements), for 800 selected by a figure the stored
    /// rows (488 M → 332 M for the whole query).
    static let storedRowsFrom = 50

    /// Past this many contacts, one pass over every event (kept for the next statement) costs
    /// less than reading each contact's through the indexes.
    static let statsReadLimit = 1000

    /// `stats` of some contacts, read through the contact indexes.
    private func statsRead(of ids: [Int64], today: Day) throws -> [Int64: ContactStats] {
        try read { db in
            var out: [Int64: ContactStats] = [:]
            try Store.inChunks(ids) { part, _ in out.merge(try Store.stats(db, today: today, only: part)) { a, _ in a } }
            return out
        }
    }

    /// Every contact's figures as of a day, kept from one statement to the next so that a warm
    /// session answers the agenda after a write without summing every event again. A change to
    /// some contacts' events marks those contacts (`stale`), whose figures are read again, alone,
    /// when next asked for; a change whose reach is not so plain (a deletion, a merge, an edit of
    /// an event), a bulk write, an undo or another process's commit drops them all.
    struct StatsKept {
        var today: Day
        var stats: [Int64: ContactStats]
        /// The figures the kept rows count: the others (`touches90`, `lastTouchBy`, when read from
        /// the stored rows without them) are as for a contact without events.
        var held = ContactStats.Figures.all
        var stale: Set<Int64> = []
    }
    private var statsKept: StatsKept?

    /// Past this many marked contacts, summing every event again is the cheaper way.
    static let staleStatsLimit = 2000

    /// The kept figures for `today`, brought up to date; nil when none are kept for that day.
    private func keptStats(today: Day, figures: ContactStats.Figures) throws -> [Int64: ContactStats]? {
        guard let kept = statsKept, kept.today == today, kept.held.isSuperset(of: figures) else { return nil }
        guard !kept.stale.isEmpty else { return kept.stats }
        let fresh = try statsRead(of: Array(kept.stale), today: today)
        statsKept!.stats.merge(fresh) { _, new in new }
        statsKept!.stale = []
        return statsKept!.stats
    }

    /// Marks the contacts whose figures a change may move (see `StatsKept`).
    private func markStats(after change: Change, id: Int64?) {
        guard statsKept != nil else { return }
        let moved: [Int64]
        switch change {
        case .setMe, .setMarket, .deleteMarket, .setGoal, .deleteGoal, .setDefinition, .deleteDefinition, .keepNumbers: return
        case .insertContact: moved = id.map { [$0] } ?? []
        case .updateContact(let c, _): moved = [c.id]
        case .insertInteraction(let i): moved = i.people
        case .insertReferral(let r): moved = [r.contact]
        case .insertIntroduction(let i): moved = [i.a, i.b]
        case .insertSpend(let s): moved = [s.contact]
        case .insertStageChange(let s): moved = [s.contact]
        case .insertKnows(let a, let b), .deleteKnows(let a, let b): moved = [a, b]
        case .deleteContact, .mergeContact, .updateInteraction, .updateReferral, .updateIntroduction, .updateSpend, .deleteEvent:
            statsKept = nil
            return
        }
        statsKept!.stale.formUnion(moved)
        if statsKept!.stale.count > Store.staleStatsLimit { statsKept = nil }
    }

    /// Only the definitions (start-up needs them before anything else, and not the contacts).
    public func definitions() throws -> [Definition] {
        if let net = cache ?? coreCache { return net.definitions }
        return try read { try Store.definitions($0) }
    }

    // MARK: - What the store offers the planner

    /// Which constraints the store can narrow by, and how many rows there are (Store.offer).
    public func offer(_ request: AccessRequest) throws -> AccessOffer {
        var offer = try Store.offer(request, cache: cache, coreCache: coreCache, count: rows(in:), interactions: interactionsAbout)
        // Contacts are selected by their stored figures too (Store+Figures), where the file has them.
        if request.collection == "contacts", !offer.inMemory, request.constraints.contains(where: Store.narrowsByFigure), derivedTrusted
        {
            offer.usable = zip(offer.usable, request.constraints).map { $0 || Store.narrowsByFigure($1) }
        }
        return offer
    }

    /// A table's rows, counted by SQLite once until the next change.
    private func rows(in table: String) throws -> Int {
        if let known = counts[table] { return known }
        let n = try read { try Int.fetchOne($0, sql: "SELECT count(*) FROM \(table)") } ?? 0
        counts[table] = n
        return n
    }
    private var counts: [String: Int] = [:]

    /// About how many interactions there are, for the planner's choice between reading every
    /// event and reading them per contact: counted once, then kept until another process
    /// writes (a change here adds or removes a few; counting a million after each one would
    /// cost more than a REPL statement should).
    private func interactionsAbout() throws -> Int {
        if let n = interactionCount { return n }
        let n = try rows(in: "interactions")
        interactionCount = n
        return n
    }
    private var interactionCount: Int?

    /// The rows a plan asks for, narrowed in SQL; nil once the network is in memory (filtering
    /// there is cheaper), when no condition has exact SQL (contacts), or past the cap.
    public func count(_ request: ModelRead) throws -> Int? {
        guard cache == nil,
            let q = Store.countSQL(request, placeholder: { _ in "?" })
        else { return nil }
        return try read { db in
            guard let row = try Row.fetchOne(db, sql: q.sql, arguments: Store.arguments(q.arguments)), row[1] as Int == 0 else { return nil }
            return row[0] as Int
        }
    }

    public func read(_ request: ModelRead) throws -> Network? {
        let c = request.conditions
        if request.collection == "contacts" {
            guard cache == nil, coreCache == nil else { return nil }
            return try read { db in
                let stored = Store.contactConditionColumns.sql(for: c, placeholder: { _ in "?" })
                let figures = try request.today.flatMap { derivedTrusted ? Store.figuresSQL(for: c, today: $0) : nil }
                let parts = [stored, figures].compactMap { $0 }
                guard !parts.isEmpty else { return nil }
                return try Store.load(
                    db, events: false, filter: (parts.map(\.sql).joined(separator: " AND "), Store.arguments(parts.flatMap(\.arguments))))
            }
        }
        guard cache == nil else { return nil }
        if let contact = request.involving {
            return try read { try Store.events($0, of: request.collection, involving: contact, where: c) }
        }
        if let page = request.page {
            guard request.collection == "interactions" else { return nil }
            var filter = Store.sql(for: c, Store.interactionConditionColumns)
            if let ids = request.ids {
                let only = Store.interactionIDsSQL(ids)
                filter = filter.map { ("(\($0.0)) AND \(only)", $0.1) } ?? (only, [])
            }
            var net = Network()
            net.interactions = try read { try Store.interactions($0, after: page.after, limit: page.size, filter: filter) }
            return net
        }
        return try read { try Store.events($0, of: request.collection, where: c, limit: request.cap ?? Int(Int32.max)) }
    }

    public func knowsEdges() throws -> [(Int64, Int64)] {
        if let cache { return cache.knows }
        return try read { db in
            var edges: [(Int64, Int64)] = []
            try Store.each(db, "knows", "SELECT a_id, b_id FROM knows ORDER BY a_id, b_id", id: nil) { edges.append(($0.int(0), $0.int(1))) }
            return edges
        }
    }

    @discardableResult
    public func apply(_ change: Change) throws -> Int64? {
        let change = Network.signed(change, by: member)
        let id: Int64? = try db.inDatabase { db in
            try journalWrites(db)
            return try Store.write(change, db)
        }
        counts = [:]
        markStats(after: change, id: id)
        if cache != nil || coreCache != nil {
            let stamped = Store.stamp(change, id: id)
            if cache != nil { cache!.apply(stamped) }
            // A contact's stage follows its whole history, which the network without events
            // does not hold: the stage the database settled on is copied into it. A merge
            // moves every event: that network is read again.
            switch change {
            case .insertStageChange(let c): try settledStage(of: c.contact)
            case .deleteEvent(.stage, _): coreCache = nil
            case .mergeContact: coreCache = nil
            case .updateContact(let c, let fields?) where fields.contains("created"):
                // The stage's history counts from the day the contact was added.
                if coreCache != nil { coreCache!.apply(stamped) }
                try settledStage(of: c.id)
            default: if coreCache != nil { coreCache!.apply(stamped) }
            }
        }
        return id
    }

    /// The change with the id the database gave its new row.
    package static func stamp(_ change: Change, id: Int64?) -> Change {
        guard let id else { return change }
        switch change {
        case .insertContact(var c):
            c.id = id
            return .insertContact(c)
        case .insertStageChange(var s):
            s.id = id
            return .insertStageChange(s)
        case .insertInteraction(var e):
            e.id = id
            return .insertInteraction(e)
        case .insertReferral(var e):
            e.id = id
            return .insertReferral(e)
        case .insertIntroduction(var e):
            e.id = id
            return .insertIntroduction(e)
        case .insertSpend(var e):
            e.id = id
            return .insertSpend(e)
        case .setGoal(var g):
            g.id = id
            return .setGoal(g)
        default: return change
        }
    }

    /// Copies a contact's stage, as the database settled it, into the network without events.
    private func settledStage(of id: Int64) throws {
        // The contact alone is copied: a copy of the network would make the change below copy it all.
        guard var c = coreCache?.contact(id) else { return }
        let stored = try db.inDatabase { try Int.fetchOne($0.cachedStatement(sql: "SELECT stage FROM contacts WHERE id = ?"), arguments: [id]) }
        guard let stored, let stage = Stage(rawValue: stored), stage != c.stage else { return }
        c.stage = stage
        coreCache!.apply(.updateContact(c, fields: ["stage"]))
    }

    /// Reads raw SQL results; used by the benchmark and by tests.
    public func scalar(_ sql: String) throws -> String? {
        try db.inDatabase { try String.fetchOne($0, sql: sql) }
    }

    /// `PRAGMA integrity_check`.
    public func integrityCheck() throws -> String {
        try db.inDatabase { try String.fetchOne($0, sql: "PRAGMA integrity_check") ?? "?" }
    }
}

/// `close(2)`, out of reach of `Store.close()`'s name.
private func closeDescriptor(_ fd: Int32) { close(fd) }
