import Foundation
import TendCore
import TendStore

/// Every contact's figures kept in the database (`figures`), so that the agenda reads one row a
/// contact instead of summing a million events (#22), as the SQLite store keeps them (#18).
///
/// The stored rows count the events every member sees: no one's private notes. A member's own
/// private interactions are added to them when that member reads (a few rows), so each member
/// gets what summing the events they see gives, as before. PostgreSQL keeps the rows up to date
/// itself, whoever writes (Tend, psql, another program): a statement that changes events or
/// contacts notes their contacts in a temporary table of its session (`tend_figures_note`), and
/// the transaction's commit works out those contacts' figures again (`tend_figures_work`, run
/// by a deferred constraint trigger). Both run as the tables' owner, so that the rows are the
/// same whichever member wrote; a member can read `figures` but not change it (row-level
/// security lets the owner alone write). A reader in the same transaction as a write runs the
/// work first (`tend_figures_now`). Contacts with an event dated after the day asked for, or
/// without a row, are summed as before; so are `touches_90d`, from the last 91 days' events.
extension PostgresStore {
    /// Migration "v14 figures kept".
    static var figuresSchema: [String] {
        let owner = "current_user = (SELECT pg_get_userbyid(relowner) FROM pg_class WHERE oid = 'figures'::regclass)"
        return [
            """
            CREATE TABLE figures (
              contact_id BIGINT PRIMARY KEY,
              touches BIGINT NOT NULL, last_touch TEXT, last_key TEXT, gave BIGINT NOT NULL, asked BIGINT NOT NULL,
              inbound BIGINT NOT NULL, referrals_given BIGINT NOT NULL, referrals_received BIGINT NOT NULL,
              introductions BIGINT NOT NULL, spend_cents NUMERIC NOT NULL, degree BIGINT NOT NULL, stage_since TEXT)
            """,
            // A member's own private interactions, added to the stored rows on every read.
            #"CREATE INDEX interactions_private ON interactions("by") WHERE private = 1"#,
            "ALTER TABLE figures ENABLE ROW LEVEL SECURITY", "ALTER TABLE figures FORCE ROW LEVEL SECURITY",
            "CREATE POLICY reading ON figures FOR SELECT USING (true)",
            "CREATE POLICY upkeep ON figures USING (\(owner)) WITH CHECK (\(owner))",
            // Whoever may read the contacts may read their figures (tables made later are not
            // covered by an earlier GRANT … ON ALL TABLES).
            """
            DO $$ DECLARE r record; BEGIN
              FOR r IN SELECT DISTINCT a.grantee FROM pg_class c, aclexplode(c.relacl) a
                WHERE c.oid = 'contacts'::regclass AND a.privilege_type = 'SELECT' AND a.grantee <> c.relowner LOOP
                EXECUTE format('GRANT SELECT ON figures TO %s', CASE WHEN r.grantee = 0 THEN 'PUBLIC' ELSE quote_ident(pg_get_userbyid(r.grantee)) END);
              END LOOP;
            END $$
            """,
            """
            CREATE FUNCTION tend_figures_work() RETURNS void LANGUAGE plpgsql SECURITY DEFINER AS $$
            DECLARE due_ids BIGINT[];
            BEGIN
              IF to_regclass('pg_temp.tend_figures_due') IS NULL THEN RETURN; END IF;
              DELETE FROM pg_temp.tend_figures_pending;
              SELECT array_agg(contact_id) INTO due_ids FROM pg_temp.tend_figures_due;
              IF due_ids IS NULL THEN RETURN; END IF;
              DELETE FROM pg_temp.tend_figures_due;
              IF cardinality(due_ids) > \(figuresRedoneWhole) THEN
                DELETE FROM figures;
                INSERT INTO figures \(storedFiguresSQL(ids: nil));
              ELSE
                DELETE FROM figures WHERE contact_id = ANY(due_ids);
                INSERT INTO figures \(storedFiguresSQL(ids: "due_ids"));
              END IF;
            END $$
            """,
            """
            CREATE FUNCTION tend_figures_upkeep() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER AS $$
            BEGIN
              PERFORM tend_figures_work();
              RETURN NULL;
            END $$
            """,
            """
            CREATE FUNCTION tend_figures_now() RETURNS void LANGUAGE sql SECURITY DEFINER AS $$ SELECT tend_figures_work() $$
            """,
            // TG_ARGV[0] selects the contacts (as `id`) from the statement's rows: `n`, the new
            // rows, and `o`, the old.
            """
            CREATE FUNCTION tend_figures_note() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER AS $$
            BEGIN
              IF to_regclass('pg_temp.tend_figures_due') IS NULL THEN
                CREATE TEMPORARY TABLE tend_figures_due (contact_id BIGINT PRIMARY KEY) ON COMMIT DELETE ROWS;
                CREATE TEMPORARY TABLE tend_figures_pending (pending BOOLEAN) ON COMMIT DELETE ROWS;
                CREATE CONSTRAINT TRIGGER tend_figures_pending AFTER INSERT ON pg_temp.tend_figures_pending
                  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION tend_figures_upkeep();
              END IF;
              EXECUTE 'INSERT INTO pg_temp.tend_figures_due (contact_id) SELECT DISTINCT id FROM (' || TG_ARGV[0]
                || ') AS due WHERE id IS NOT NULL ON CONFLICT DO NOTHING';
              INSERT INTO pg_temp.tend_figures_pending SELECT true WHERE NOT EXISTS (SELECT FROM pg_temp.tend_figures_pending);
              RETURN NULL;
            END $$
            """,
            """
            DO $$ BEGIN
              EXECUTE format('ALTER FUNCTION tend_figures_work() SET search_path = %I, pg_temp', current_schema());
              EXECUTE format('ALTER FUNCTION tend_figures_upkeep() SET search_path = %I, pg_temp', current_schema());
              EXECUTE format('ALTER FUNCTION tend_figures_now() SET search_path = %I, pg_temp', current_schema());
              EXECUTE format('ALTER FUNCTION tend_figures_note() SET search_path = %I, pg_temp', current_schema());
            END $$
            """,
        ] + figureTriggers + ["INSERT INTO figures \(storedFiguresSQL(ids: nil))"]
    }

    /// The functions of `figuresSchema` (`PostgresSchema.functions`).
    static let figureFunctions = ["tend_figures_work()", "tend_figures_upkeep()", "tend_figures_now()", "tend_figures_note()"]

    /// Past this many contacts noted, a commit works out every contact's figures in one pass.
    static let figuresRedoneWhole = 2000

    /// The rows of `figures` for the contacts in `ids` (a plpgsql array; every contact when nil),
    /// counting every event whatever its date, and no one's private interactions.
    static func storedFiguresSQL(ids: String?) -> String {
        let t = { (c: Column) in Figure.total(c) }
        let sums = sums(
            ids: ids, today: "'9999-12-31'", recent: "'9999-12-31'", columns: Set(Column.allCases).subtracting([.touches_90d]),
            interactions: .shared)
        return """
            SELECT c, \(t(.touches)), max(last), max(last_key COLLATE "C"), \(t(.gave)), \(t(.asked)), \(t(.inbound)),
              \(t(.given)), \(t(.received)), \(t(.introduced)), coalesce(sum(cents), 0), \(t(.degree)), max(since)
            FROM \(sums) WHERE c IN (SELECT id FROM contacts) GROUP BY c
            """
    }

    /// The statement-level triggers that note the contacts whose figures a write may change:
    /// the rows' contacts before and after. A change to an interaction or a contact notes them
    /// only when it changes what is counted (a note's text does not).
    static var figureTriggers: [String] {
        func changed(key: String, counted: [String], contacts: String) -> String {
            let row = { (alias: String) in "(" + ([key] + counted).map { "\(alias).\($0)" }.joined(separator: ", ") + ")" }
            let same = { (a: String, b: String) in "\(row(a)) IS NOT DISTINCT FROM \(row(b))" }
            let ids = "SELECT o.\(key) AS x FROM o WHERE NOT EXISTS (SELECT FROM n WHERE \(same("n", "o")))"
                + " UNION ALL SELECT n.\(key) FROM n WHERE NOT EXISTS (SELECT FROM o WHERE \(same("o", "n")))"
            return contacts.replacingOccurrences(of: "$ids", with: ids)
        }
        let people = "SELECT p.contact_id AS id FROM interaction_people p WHERE p.interaction_id IN ($ids)"
        let updates: [(String, String)] = [
            ("interactions", changed(key: "id", counted: ["kind", #""on""#, "gave", "asked", "inbound", "pitch", "private"], contacts: people)),
            ("contacts", changed(key: "id", counted: ["created"], contacts: "SELECT x AS id FROM ($ids) AS ids")),
        ]
        let contactColumns: [(String, [String])] = [
            ("interaction_people", ["contact_id"]), ("referrals", ["contact_id"]), ("introductions", ["a_id", "b_id"]),
            ("spending", ["contact_id"]), ("knows", ["a_id", "b_id"]), ("stage_changes", ["contact_id"]),
        ]
        func trigger(_ table: String, _ event: String, _ tables: String, _ select: String) -> String {
            let quoted = select.replacingOccurrences(of: "'", with: "''")
            return """
                CREATE TRIGGER tend_figures_\(event.lowercased()) AFTER \(event) ON \(table) \(tables)
                  FOR EACH STATEMENT EXECUTE FUNCTION tend_figures_note('\(quoted)')
                """
        }
        var out: [String] = []
        for (table, columns) in contactColumns {
            func of(_ alias: String) -> String { columns.map { "SELECT \($0) AS id FROM \(alias)" }.joined(separator: " UNION ALL ") }
            out += [
                trigger(table, "INSERT", "REFERENCING NEW TABLE AS n", of("n")),
                trigger(table, "UPDATE", "REFERENCING OLD TABLE AS o NEW TABLE AS n", of("o") + " UNION ALL " + of("n")),
                trigger(table, "DELETE", "REFERENCING OLD TABLE AS o", of("o")),
                trigger(table, "TRUNCATE", "", "SELECT id FROM contacts"),
            ]
        }
        for (table, select) in updates {
            out.append(trigger(table, "UPDATE", "REFERENCING OLD TABLE AS o NEW TABLE AS n", select))
        }
        out += [
            trigger("contacts", "INSERT", "REFERENCING NEW TABLE AS n", "SELECT id FROM n"),
            trigger("contacts", "DELETE", "REFERENCING OLD TABLE AS o", "SELECT id FROM o"),
        ]
        return out
    }

    /// Every contact's figures as of `today` from the stored rows, with the member's own private
    /// interactions added; nil when the database keeps none, the member may not read them, or
    /// so many contacts have to be summed besides that summing everyone's is the cheaper way.
    func storedStats(today: Day, figures: ContactStats.Figures) throws -> [Int64: ContactStats]? {
        let ready = try scalar(
            """
            SELECT CASE WHEN to_regclass('figures') IS NOT NULL AND has_table_privilege('figures', 'SELECT')
              AND has_function_privilege('tend_figures_now()', 'EXECUTE') THEN 'yes' END
            """)
        guard ready == "yes" else { return nil }
        try connection.query("SELECT tend_figures_now()")
        var redo: [Int64] = []
        try each("contacts", PostgresStore.redoSQL, [.text(today.description)]) { redo.append($0.int(0)) }
        guard redo.count <= PostgresStore.storedRedoLimit else { return nil }
        var out: [Int64: ContactStats] = [:]
        var keys: [Int64: String] = [:]
        out.reserveCapacity(try rows(in: "contacts"))
        let wantsBy = figures.contains(.lastTouchBy)
        try each("contacts", PostgresStore.storedRowsSQL(figures: figures), [.ints(redo)]) { r in
            let (id, s) = try PostgresStore.figures(r)
            out[id] = s
            if wantsBy, let key = r.optionalText(4) { keys[id] = key }
        }
        let values: [SQLValue] = [.text(today.description), .text(ContactStats.recentStart(today).description), .ints(redo)]
        try each("contacts", PostgresStore.addedStatsSQL(figures: figures), values) { r in
            let (id, added) = try PostgresStore.figures(r)
            guard var s = out[id] else {
                out[id] = added
                return
            }
            s.touches += added.touches
            s.touches90 += added.touches90
            if let key = r.optionalText(4), keys[id].map({ $0.utf8.lexicographicallyPrecedes(key.utf8) }) ?? true {
                s.lastTouchBy = added.lastTouchBy
            }
            if let day = added.lastTouch, s.lastTouch.map({ $0 < day }) ?? true { s.lastTouch = day }
            (s.gave, s.asked, s.inbound) = (s.gave + added.gave, s.asked + added.asked, s.inbound + added.inbound)
            // The member's own private interactions alone are added to a stored row: the other figures stand.
            out[id] = s
        }
        return out
    }

    /// Past this many contacts to sum beside the stored rows, everyone's are summed.
    static let storedRedoLimit = 5000

    /// The contacts the stored rows do not answer for as of $1: without a row, or with an event
    /// the member sees dated after that day (a stored row counts it).
    static let redoSQL = """
        SELECT id FROM contacts c WHERE NOT EXISTS (SELECT FROM figures f WHERE f.contact_id = c.id)
        UNION SELECT ip.contact_id FROM interaction_people ip JOIN interactions i ON i.id = ip.interaction_id
          WHERE i."on" > $1 AND (\(PostgresSchema.visible("i.")))
        UNION SELECT contact_id FROM referrals WHERE "on" > $1
        UNION SELECT a_id FROM introductions WHERE "on" > $1
        UNION SELECT b_id FROM introductions WHERE "on" > $1
        UNION SELECT contact_id FROM spending WHERE "on" > $1
        """

    /// What a stored row is read as, by column of `sums`: the figures not asked for are as for
    /// a contact without events (as in `statsSQL`), and `touches_90d` is never stored.
    static func storedColumns(_ figures: ContactStats.Figures) -> [String] {
        let wanted = columns(of: figures)
        let storedAs: [Column: String] = [
            .touches: "touches", .last: "last_touch", .last_key: "last_key", .gave: "gave", .asked: "asked", .inbound: "inbound",
            .given: "referrals_given", .received: "referrals_received", .introduced: "introductions", .cents: "spend_cents::text",
            .degree: "degree", .since: "stage_since",
        ]
        return Column.allCases.map { c in wanted.contains(c) ? storedAs[c] ?? c.none : c == .cents ? "'0'" : c.none }
    }

    /// The stored rows, with `statsSQL`'s columns, but those of the contacts in $1 (summed instead).
    static func storedRowsSQL(figures: ContactStats.Figures) -> String {
        "SELECT contact_id, \(storedColumns(figures).joined(separator: ", ")) FROM figures WHERE NOT (contact_id = ANY($1))"
    }

    /// What is added to the stored rows, with `statsSQL`'s columns: $1 is today, $2 the first
    /// day `touches_90d` counts, $3 the contacts summed whole as `statsSQL` sums them. For the
    /// others, the member's own private interactions and the touches of the last 91 days.
    static func addedStatsSQL(figures: ContactStats.Figures) -> String {
        let t = { (c: Column) in Figure.total(c) }
        let names = "c, " + Column.allCases.map(\.rawValue).joined(separator: ", ")
        let wanted = columns(of: figures)
        var added: [String] = []
        let own = wanted.intersection(Column.allCases.filter { $0 != .touches_90d && $0.tables.contains(.interactions) })
        if !own.isEmpty {
            added.append(
                "SELECT * FROM " + sums(ids: nil, today: "$1", recent: "$2", from: [.interactions], columns: own, interactions: .ownPrivate, everyContact: false))
        }
        if wanted.contains(.touches_90d) {
            added.append(
                "SELECT * FROM " + sums(
                    ids: nil, today: "$1", recent: "$2", from: EventTable.touches, columns: [.touches_90d], since: "$2", everyContact: false))
        }
        let summed = "SELECT * FROM " + sums(ids: "$3", today: "$1", recent: "$2", from: Set(wanted.flatMap(\.tables)), columns: wanted)
        let others = added.isEmpty ? "" : "SELECT * FROM (\(added.joined(separator: "\nUNION ALL "))) AS k(\(names)) WHERE NOT (c = ANY($3))\n  UNION ALL "
        return """
            SELECT c, \(t(.touches)), \(t(.touches_90d)), max(last), max(last_key COLLATE "C"),
              \(t(.gave)), \(t(.asked)), \(t(.inbound)), \(t(.given)), \(t(.received)),
              \(t(.introduced)), sum(cents)::text, \(t(.degree)), max(since)
            FROM (
              \(others)\(summed)
            ) AS e(\(names))
            GROUP BY c
            """
    }
}
