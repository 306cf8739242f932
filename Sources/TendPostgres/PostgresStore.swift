import Foundation
import TendCore

/// A Tend database in PostgreSQL: the same tables as the SQLite store (PostgresSchema), shared
/// by a team.
public final class PostgresStore {
    public let settings: ConnectionSettings
    let connection: PostgresConnectionBridge
    public internal(set) var inTransaction = false
    /// The whole network, once something needed the events; the network without events.
    /// Kept for one transaction only: other members write between them.
    var cache: Network?
    var coreCache: Network?
    /// Rows counted (by table) and about how many interactions there are, for the planner;
    /// kept, as the networks, until the next change or transaction.
    var counts: [String: Int] = [:]
    var interactionCount: Int?
    /// Whether the database has a journal (PostgresStore+Journal), once asked; whether this
    /// connection's runs are journalled (not the prelude of a new database).
    var hasJournal: Bool?
    /// Whether the transaction begun may write (`begin`, not `beginReading`).
    var mayHaveWritten = false
    /// Whether the database keeps figures this member may bring up to date (asked once per connection).
    var keepsFigures: Bool?
    var journalling = true
    /// True when the database was just made Tend's (the session installs the prelude then).
    public private(set) var isNew = false
    /// What opening found worth telling (a password file others may read).
    public var warnings: [String] { settings.warnings }
    /// The member the session acts as: its role (`current_user`), after `SET ROLE` for `--as`.
    public private(set) var member: String?
    /// True when the member has no prelude yet (their first session installs it).
    public private(set) var needsPrelude = false
    /// True when the member has no prelude yet and the session is read-only.
    public private(set) var lacksPrelude = false

    public enum OpenError: Error, CustomStringConvertible {
        /// The database has tables, and they are not Tend's.
        case notTend(String)
        case newer(String)
        /// An older Tend's database, under --read-only (which does not bring it up to date).
        case older(String)
        /// Empty (no table at all), where a Tend database was needed.
        case empty(String)
        /// An older Tend's database that only the role owning its tables may bring up to date.
        case notOwner(String, owner: String)
        case cannotOpen(String, String)
        public var description: String {
            switch self {
            case .notTend(let db):
                return "\(db) is not a Tend database (it has another program's tables or other objects); it was left untouched"
            case .newer(let db):
                return "\(db) was made by a newer version of Tend; upgrade Tend to open it (the database was left untouched)"
            case .older(let db):
                return "\(db) was made by an older version of Tend; a command that may write (not --read-only) brings it up to date"
            case .empty(let db): return "cannot open \(db): no Tend database there yet"
            case .notOwner(let db, let owner):
                return "\(db) was made by an older version of Tend, and only the role that owns its tables (\(owner)) may bring it up to date: "
                    + "run a command that may write as \(owner) first (the database was left untouched)"
            case .cannotOpen(let db, let why): return "cannot open \(db): \(why)"
            }
        }
    }

    /// Connects and makes the database Tend's when it is empty (or brings Tend's schema up to
    /// date); `readOnly` changes nothing and needs a Tend database there already.
    /// `role` (`--as`) is set with `SET ROLE`: PostgreSQL checks that the login may act as it.
    public init(
        settings: ConnectionSettings, home: String = NSHomeDirectory(), readOnly: Bool = false, create: Bool = true, role: String? = nil
    ) throws {
        self.settings = settings
        connection = try PostgresConnectionBridge(settings, home: home)
        do {
            if let role {
                // SET ROLE none (however quoted) is PostgreSQL's way back to the login's own role.
                if role.lowercased() == "none" {
                    throw OpenError.cannotOpen(settings.description, "cannot act as \(role): it is PostgreSQL's word for no role (SET ROLE NONE)")
                }
                do {
                    try connection.query("SET ROLE " + PostgresStore.identifier(role))
                } catch let e as PostgresFailure {
                    throw OpenError.cannotOpen(settings.description, "cannot act as \(role): \(e.message)")
                }
            }
            // A run waits up to ten seconds for another's change to the rows it needs (as on
            // SQLite), then stops with nothing changed: without a limit a member's `log` waited
            // as long as another's import ran.
            member = try scalar("SELECT current_user::text FROM (SELECT set_config('lock_timeout', '10s', false)) limit_set")
            try migrate(readOnly: readOnly, create: create)
            // Read-only writes nothing: a new member's first run that may write installs it.
            // (A database not brought up to date, under --read-only, has no members yet.)
            // A member with definitions of their own keeps them, whatever `members` says.
            let firstSession =
                try isNew
                || connection.query(
                    "SELECT 1 FROM members WHERE name = current_user UNION ALL SELECT 1 FROM definitions WHERE member = current_user LIMIT 1"
                ).isEmpty
            // A member granted reading alone reads with the standard definitions, as under
            // --read-only (installing them failed: "permission denied for table definitions").
            let mayInstall =
                try isNew
                || connection.query(
                    "SELECT has_table_privilege('definitions', 'INSERT') AND has_table_privilege('members', 'INSERT')"
                ).first.map { try $0[0].decode(Bool.self) } ?? false
            needsPrelude = firstSession && !readOnly && mayInstall
            lacksPrelude = firstSession && (readOnly || !mayInstall)
            // Asked now, outside any transaction: it turns the connection's journal on for good.
            _ = try journalReady()
        } catch let e as PostgresFailure {
            connection.close()
            throw OpenError.cannotOpen(settings.description, e.message)
        } catch {
            connection.close()
            throw error
        }
    }

    /// Opens the database a `postgresql://` URL names, with libpq's fallbacks from the
    /// environment and ~/.pgpass.
    public convenience init(
        url: String, environment: [String: String] = ProcessInfo.processInfo.environment, readOnly: Bool = false, create: Bool = true,
        role: String? = nil
    ) throws {
        let home = environment["HOME"] ?? NSHomeDirectory()
        let osUser = environment["USER"] ?? environment["LOGNAME"] ?? NSUserName()
        let settings = try ConnectionSettings(url: url, environment: environment, home: home, osUser: osUser)
        do {
            try self.init(settings: settings, home: home, readOnly: readOnly, create: create, role: role)
        } catch let failure as PostgresFailure where !settings.warnings.isEmpty {
            // What was passed over on the way (a password file others may read) may be why.
            throw PostgresFailure(message: failure.message + " (" + settings.warnings.joined(separator: "; ") + ")", sqlState: failure.sqlState)
        } catch OpenError.cannotOpen(let where_, let why) where !settings.warnings.isEmpty {
            throw OpenError.cannotOpen(where_, why + " (" + settings.warnings.joined(separator: "; ") + ")")
        }
    }

    /// A name as an SQL identifier, quoted.
    static func identifier(_ name: String) -> String { "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }

    public func close() {
        if inTransaction { rollback() }
        connection.close()
    }

    /// True when the URL names a Tend database; false for an empty database. Changes nothing.
    public static func holdsTend(url: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> Bool {
        do {
            try PostgresStore(url: url, environment: environment, readOnly: true).close()
            return true
        } catch OpenError.empty {
            return false
        } catch OpenError.older {
            return true
        }
    }

    /// Removes Tend's tables from a database this store just made Tend's (`isNew`), as the
    /// SQLite store's file is removed when the first command on it fails: a failed first
    /// command leaves no empty Tend database behind.
    public func unmake() throws {
        guard isNew else { return }
        rollback()
        try transaction {
            let tables = [PostgresSchema.migrationsTable] + PostgresSchema.tables
            try connection.query("DROP TABLE IF EXISTS \(tables.joined(separator: ", ")) CASCADE")
            // CASCADE: the constraint trigger on this session's temporary table runs one of them.
            try connection.query("DROP FUNCTION IF EXISTS \(PostgresSchema.functions.joined(separator: ", ")) CASCADE")
        }
        isNew = false
    }

    // MARK: - Schema

    /// The tables (and views) of the connection's schema (`current_schema()`, public by
    /// default), whether or not the role may read them: information_schema lists only those it
    /// may, and a member without rights was told there was no database there.
    func tables() throws -> Set<String> {
        // An extension's tables and views (pg_stat_statements, PostGIS's spatial_ref_sys) are the
        // server's, not another program's: left out, as `hasOtherObjects` leaves them.
        let rows = try connection.query(
            """
            SELECT relname::text FROM pg_class c WHERE relnamespace = to_regnamespace(current_schema()) AND relkind IN ('r', 'v', 'm', 'p', 'f')
              AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.deptype = 'e')
            """)
        return Set(try rows.map { try $0[0].decode(String.self) })
    }

    func appliedMigrations() throws -> [String] {
        try connection.query("SELECT identifier FROM \(PostgresSchema.migrationsTable) ORDER BY position").map {
            try $0[0].decode(String.self)
        }
    }

    /// Refuses a database that is not Tend's, or that a newer Tend changed, before writing
    /// anything; applies the missing migrations in one transaction. Two Tends opening one new
    /// database at once: the advisory lock makes the second wait and then find it done.
    /// Whether Tend's schema holds objects of another program's (sequences, functions, types)
    /// that are no extension's; or, when Tend's schema is `public` (no one chose one for it),
    /// whether another schema holds another program's tables.
    private func hasOtherObjects() throws -> Bool {
        let sql = """
            SELECT (current_schema() = 'public' AND EXISTS (SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                             WHERE n.nspname NOT IN ('public', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%'
                             AND c.relkind IN ('r', 'v', 'm', 'p', 'f')
                             AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.deptype = 'e')))
                OR EXISTS (SELECT 1 FROM pg_class c WHERE c.relnamespace = to_regnamespace(current_schema()) AND c.relkind IN ('S', 'm', 'f', 'p')
                             AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.deptype = 'e'))
                OR EXISTS (SELECT 1 FROM pg_proc p WHERE p.pronamespace = to_regnamespace(current_schema())
                             AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e'))
                OR EXISTS (SELECT 1 FROM pg_type t WHERE t.typnamespace = to_regnamespace(current_schema()) AND t.typtype IN ('e', 'd', 'c', 'r')
                             AND (t.typrelid = 0 OR (SELECT relkind FROM pg_class WHERE oid = t.typrelid) = 'c')
                             AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = t.oid AND d.deptype = 'e'))
            """
        return try connection.query(sql).first.map { try $0[0].decode(Bool.self) } ?? false
    }

    private func migrate(readOnly: Bool, create: Bool) throws {
        let label = settings.description
        func check() throws -> [String] {
            let tables = try tables()
            if tables.isEmpty {
                // No table, but another program's sequence, function or type: not empty either.
                if try hasOtherObjects() { throw OpenError.notTend(label) }
                return []
            }
            guard tables.contains(PostgresSchema.migrationsTable) else { throw OpenError.notTend(label) }
            let applied: [String]
            do {
                applied = try appliedMigrations()
            } catch let e as PostgresFailure where e.sqlState == "42703" || e.sqlState == "42804" {
                // Another program's table of that name (its columns are not Tend's).
                throw OpenError.notTend(label)
            }
            let known = Set(PostgresSchema.migrations.map(\.0))
            if applied.contains(where: { !known.contains($0) }) { throw OpenError.newer(label) }
            // A table in Tend's schema that Tend did not make: another program's (README).
            let ours = Set([PostgresSchema.migrationsTable] + PostgresSchema.tables)
            if tables.contains(where: { !ours.contains($0) }) { throw OpenError.notTend(label) }
            return applied
        }
        var applied = try check()
        isNew = applied.isEmpty
        if isNew && (readOnly || !create) { throw OpenError.empty(label) }
        guard applied.count < PostgresSchema.migrations.count else { return }
        // A Tend database an older Tend made is brought up to date by any command but a
        // read-only one, which changes nothing, and so cannot read it; by the tables' owner, whom
        // a member is told of.
        if readOnly {
            let others = try? scalar(
                """
                SELECT pg_get_userbyid(relowner)::text FROM pg_class WHERE oid = 'contacts'::regclass
                  AND NOT pg_has_role(current_user, relowner, 'USAGE') AND NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user)
                """)
            if let owner = others ?? nil { throw OpenError.notOwner(label, owner: owner) }
            throw OpenError.older(label)
        }
        try connection.query("BEGIN")
        do {
            // "Tend" in ASCII, as SQLite's application_id.
            try connection.query("SELECT pg_advisory_xact_lock(1413828164)")
            applied = try check()
            isNew = applied.isEmpty
            if isNew {
                try connection.query(
                    "CREATE TABLE \(PostgresSchema.migrationsTable) (identifier TEXT PRIMARY KEY, position INTEGER NOT NULL)")
            }
            for (n, (identifier, statements)) in PostgresSchema.migrations.enumerated() where !applied.contains(identifier) {
                try connection.execute(statements)
                try connection.query(
                    "INSERT INTO \(PostgresSchema.migrationsTable) (identifier, position) VALUES ($1, $2)", [.text(identifier), .int(Int64(n))])
            }
            try connection.query("COMMIT")
        } catch {
            _ = try? connection.query("ROLLBACK")
            // Policies and functions are the tables' owner's to change: a member cannot.
            if !isNew, (error as? PostgresFailure)?.sqlState == "42501",
                let owner = try? scalar("SELECT pg_get_userbyid(relowner)::text FROM pg_class WHERE oid = 'contacts'::regclass")
            {
                throw OpenError.notOwner(label, owner: owner)
            }
            throw error
        }
    }

    // MARK: - Transactions

    /// Starts the one transaction a run or a REPL statement makes its changes in.
    public func begin(immediate: Bool = true) throws {
        try start("BEGIN ISOLATION LEVEL \(PostgresStore.isolation)", writing: true)
    }

    /// A run that only reads: one snapshot of what was committed when it began (REPEATABLE
    /// READ), which PostgreSQL never ends in a serialization failure when nothing is written, so
    /// its rows are printed as they come; it waits for no other transaction and keeps no
    /// predicate locks on what it read. (SERIALIZABLE READ ONLY DEFERRABLE would not fail
    /// either, but waits for every transaction that writes, a long import's too, to end first.)
    public func beginReading() throws {
        try start("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", writing: false)
    }

    /// Begins a transaction with `begin`, what was read before forgotten.
    private func start(_ begin: String, writing: Bool) throws {
        guard !inTransaction else { return }
        mayHaveWritten = writing
        forget()
        connection.conflicted = false
        try connection.query(begin)
        inTransaction = true
        if !journalling { try pauseJournal() }
    }

    public func commit() throws {
        guard inTransaction else { return }
        inTransaction = false
        try connection.query("COMMIT")
        if mayHaveWritten { refreshFigures() }
    }

    public func rollback() {
        guard inTransaction else { return }
        inTransaction = false
        forget()
        _ = try? connection.query("ROLLBACK")
    }

    /// A member may log an event in their own name, or in that of a role they may act as
    /// (`SET ROLE`: the owner restoring a team's dump, a superuser): PostgreSQL decides, as for `--as`.
    public func mayLog(as name: String) throws -> Bool {
        if name == member { return true }
        // As the database's trigger (`tend_event_author`) holds it: a role the member may act as;
        // and anyone for the tables' owner, a superuser or a role that bypasses row-level
        // security (a restore of a team's dump; the owner was refused here, which the trigger allows).
        let sql = """
            SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = $1 AND pg_has_role(current_user, oid, 'MEMBER'))
              OR (EXISTS (SELECT 1 FROM pg_roles WHERE rolname = $1)
                AND (coalesce((SELECT rolsuper OR rolbypassrls FROM pg_roles WHERE rolname = current_user), false)
                  OR current_user = (SELECT pg_get_userbyid(relowner) FROM pg_class WHERE oid = 'interactions'::regclass)))
            """
        return try connection.query(sql, [.text(name)]).first.map { try $0[0].decode(Bool.self) } ?? false
    }

    /// One value of a query, as text; for tests.
    public func scalar(_ sql: String) throws -> String? {
        try connection.query(sql).first.flatMap { try $0[0].decode(String?.self) }
    }
}
