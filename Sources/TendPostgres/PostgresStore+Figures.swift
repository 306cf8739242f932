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
/// contacts notes their contacts in a temporary table of its session (`tend_figures_note`, in
/// fixed SQL per table and event), and the transaction's commit (a deferred constraint trigger,
/// `tend_figures_work`) works those contacts' rows out again when it runs READ COMMITTED (each
/// row made, locked in order and changed in place, each statement seeing what others committed),
/// or marks them in `figures_stale` when it reads one snapshot (Tend's SERIALIZABLE runs: summing
/// from that snapshot would miss what others committed since), and Tend works the marks out
/// right after its commit (`refreshFigures`). These run as the tables' owner, so that the rows
/// are the same whichever member wrote, and refuse temporary tables of those names that the
/// owner did not make (a member's own would run the member's triggers as the owner); a member
/// can read `figures` but not change it (row-level security lets the owner alone write). A
/// reader sums, from their events, the contacts marked, those this transaction noted so far
/// (`tend_figures_due`), those with an event dated after the day asked for or without a row,
/// and `touches_90d` from the last 91 days' events; it takes no lock.
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
            // The contacts whose rows a transaction that reads one snapshot (Tend's SERIALIZABLE
            // runs) could not work out at its commit: summed by readers until worked out after it.
            "CREATE TABLE figures_stale (seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, contact_id BIGINT NOT NULL)",
            "ALTER TABLE figures ENABLE ROW LEVEL SECURITY", "ALTER TABLE figures FORCE ROW LEVEL SECURITY",
            "CREATE POLICY reading ON figures FOR SELECT USING (true)",
            "CREATE POLICY upkeep ON figures USING (\(owner)) WITH CHECK (\(owner))",
            "ALTER TABLE figures_stale ENABLE ROW LEVEL SECURITY", "ALTER TABLE figures_stale FORCE ROW LEVEL SECURITY",
            "CREATE POLICY reading ON figures_stale FOR SELECT USING (true)",
            "CREATE POLICY upkeep ON figures_stale USING (\(owner)) WITH CHECK (\(owner))",
            // Whoever may read the contacts may read their figures (tables made later are not
            // covered by an earlier GRANT … ON ALL TABLES).
            """
            DO $$ DECLARE r record; BEGIN
              FOR r IN SELECT DISTINCT a.grantee FROM pg_class c, aclexplode(c.relacl) a
                WHERE c.oid = 'contacts'::regclass AND a.privilege_type = 'SELECT' AND a.grantee <> c.relowner LOOP
                EXECUTE format('GRANT SELECT ON figures, figures_stale TO %s', CASE WHEN r.grantee = 0 THEN 'PUBLIC' ELSE quote_ident(pg_get_userbyid(r.grantee)) END);
              END LOOP;
            END $$
            """,
            // The session's temporary tables, made by the tables' owner (whose functions below
            // read and write them) the first time a write notes contacts; a member's own tables
            // of those names would run that member's triggers as the owner: refused. Emptied at
            // each commit that used them (ON COMMIT DELETE ROWS): autovacuum never visits a
            // temporary table, and rows deleted one commit after another would pile up in a
            // session that lasts (half of a one-row commit's upkeep, which stays).
            """
            CREATE FUNCTION tend_figures_tables() RETURNS void LANGUAGE plpgsql SECURITY DEFINER AS $$
            DECLARE due regclass := to_regclass('pg_temp.tend_figures_due'); pending regclass := to_regclass('pg_temp.tend_figures_pending');
            BEGIN
              IF due IS NULL AND pending IS NULL THEN
                CREATE TEMPORARY TABLE tend_figures_due (contact_id BIGINT PRIMARY KEY) ON COMMIT DELETE ROWS;
                CREATE TEMPORARY TABLE tend_figures_pending (pending BOOLEAN) ON COMMIT DELETE ROWS;
                CREATE CONSTRAINT TRIGGER tend_figures_pending AFTER INSERT ON pg_temp.tend_figures_pending
                  DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION tend_figures_upkeep();
              ELSIF due IS NULL OR pending IS NULL OR EXISTS (
                SELECT FROM pg_class WHERE oid IN (due, pending) AND relowner <> (SELECT oid FROM pg_roles WHERE rolname = current_user)
              ) THEN
                RAISE EXCEPTION 'this session''s tables tend_figures_due and tend_figures_pending are not Tend''s: no change can keep the figures'
                  USING ERRCODE = '42501';
              END IF;
            END $$
            """,
            """
            CREATE FUNCTION tend_figures_work() RETURNS void LANGUAGE plpgsql SECURITY DEFINER AS $$
            DECLARE due_ids BIGINT[];
            BEGIN
              IF to_regclass('pg_temp.tend_figures_due') IS NULL AND to_regclass('pg_temp.tend_figures_pending') IS NULL THEN RETURN; END IF;
              PERFORM tend_figures_tables();
              DELETE FROM pg_temp.tend_figures_pending;
              SELECT array_agg(contact_id ORDER BY contact_id) INTO due_ids FROM pg_temp.tend_figures_due;
              IF due_ids IS NULL THEN RETURN; END IF;
              DELETE FROM pg_temp.tend_figures_due;
              IF current_setting('transaction_isolation') = 'read committed' THEN
                PERFORM tend_figures_redo(due_ids);
              ELSE
                -- One snapshot cannot sum what others committed since it began: marked instead.
                INSERT INTO figures_stale (contact_id) SELECT unnest(due_ids);
              END IF;
            END $$
            """,
            // Each contact's row made and locked first, in order, and then changed in place (never
            // removed): another transaction's upkeep of the same contacts waits for this one's and
            // then sums, in a statement of its own, what it committed.
            """
            CREATE FUNCTION tend_figures_redo(due_ids BIGINT[]) RETURNS void LANGUAGE plpgsql SECURITY DEFINER AS $$
            BEGIN
              IF current_setting('transaction_isolation') <> 'read committed' THEN
                RAISE EXCEPTION 'the figures are worked out in READ COMMITTED alone (one snapshot misses what others committed)'
                  USING ERRCODE = '25001';
              END IF;
              INSERT INTO figures (contact_id, touches, gave, asked, inbound, referrals_given, referrals_received, introductions, spend_cents, degree)
                SELECT id, 0, 0, 0, 0, 0, 0, 0, 0, 0 FROM unnest(due_ids) AS id ORDER BY id ON CONFLICT DO NOTHING;
              PERFORM FROM figures WHERE contact_id = ANY(due_ids) ORDER BY contact_id FOR UPDATE;
              IF cardinality(due_ids) > \(figuresRedoneWhole) THEN
                UPDATE figures f SET \(storedAssignments) FROM (\(recomputedFiguresSQL(ids: nil))) AS s(\(storedNames))
                  WHERE f.contact_id = s.contact_id AND f.contact_id = ANY(due_ids);
              ELSE
                UPDATE figures f SET \(storedAssignments) FROM (\(recomputedFiguresSQL(ids: "due_ids"))) AS s(\(storedNames))
                  WHERE f.contact_id = s.contact_id;
              END IF;
              DELETE FROM figures f WHERE f.contact_id = ANY(due_ids) AND NOT EXISTS (SELECT FROM contacts c WHERE c.id = f.contact_id);
            END $$
            """,
            // Run by Tend after each commit that wrote (READ COMMITTED): the marked contacts
            // worked out, and the marks it saw (and those alone) removed; at most 100,000 marks
            // a call, so that one call's arrays and locks stay bounded (the next takes the rest).
            """
            CREATE FUNCTION tend_figures_refresh() RETURNS void LANGUAGE plpgsql SECURITY DEFINER AS $$
            DECLARE seen BIGINT[]; due_ids BIGINT[];
            BEGIN
              IF current_setting('transaction_isolation') <> 'read committed' THEN RETURN; END IF;
              SELECT array_agg(seq), array_agg(DISTINCT contact_id) INTO seen, due_ids
                FROM (SELECT seq, contact_id FROM figures_stale ORDER BY seq LIMIT 100000) AS marks;
              IF seen IS NULL THEN RETURN; END IF;
              PERFORM tend_figures_redo(due_ids);
              DELETE FROM figures_stale WHERE seq = ANY(seen);
            END $$
            """,
            """
            CREATE FUNCTION tend_figures_upkeep() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER AS $$
            BEGIN
              PERFORM tend_figures_work();
              RETURN NULL;
            END $$
            """,
            // The contacts this transaction's writes noted so far (a reader sums them).
            """
            CREATE FUNCTION tend_figures_due() RETURNS SETOF BIGINT LANGUAGE plpgsql SECURITY DEFINER AS $$
            BEGIN
              IF to_regclass('pg_temp.tend_figures_due') IS NULL AND to_regclass('pg_temp.tend_figures_pending') IS NULL THEN RETURN; END IF;
              PERFORM tend_figures_tables();
              RETURN QUERY SELECT contact_id FROM pg_temp.tend_figures_due;
            END $$
            """,
            noteFunction,
            """
            DO $$ BEGIN
              EXECUTE format('ALTER FUNCTION tend_figures_tables() SET search_path = %I, pg_temp', current_schema());
              EXECUTE format('ALTER FUNCTION tend_figures_work() SET search_path = %I, pg_temp', current_schema());
              EXECUTE format('ALTER FUNCTION tend_figures_upkeep() SET search_path = %I, pg_temp', current_schema());
              EXECUTE format('ALTER FUNCTION tend_figures_redo(BIGINT[]) SET search_path = %I, pg_temp', current_schema());
              -- Planned once a session, not for each commit's contacts (1.7 -> 0.65 ms a contact).
              ALTER FUNCTION tend_figures_redo(BIGINT[]) SET plan_cache_mode = force_generic_plan;
              EXECUTE format('ALTER FUNCTION tend_figures_refresh() SET search_path = %I, pg_temp', current_schema());
              EXECUTE format('ALTER FUNCTION tend_figures_due() SET search_path = %I, pg_temp', current_schema());
              EXECUTE format('ALTER FUNCTION tend_figures_note() SET search_path = %I, pg_temp', current_schema());
            END $$
            """,
            // Members need `tend_figures_due` and `tend_figures_refresh` alone (triggers need no
            // EXECUTE to fire); README's grant of every function gives them the others, which
            // guard themselves (fixed SQL, Tend's tables and the owner's temporary tables alone,
            // READ COMMITTED for the work).
            """
            REVOKE EXECUTE ON FUNCTION tend_figures_tables(), tend_figures_work(), tend_figures_redo(BIGINT[]), tend_figures_upkeep(),
              tend_figures_note() FROM PUBLIC
            """,
        ] + figureTriggers + ["INSERT INTO figures \(recomputedFiguresSQL(ids: nil))"]
    }

    /// The functions of `figuresSchema` (`PostgresSchema.functions`).
    static let figureFunctions = [
        "tend_figures_tables()", "tend_figures_work()", "tend_figures_redo(BIGINT[])", "tend_figures_refresh()", "tend_figures_upkeep()",
        "tend_figures_due()", "tend_figures_note()",
    ]

    /// The columns of `figures` after its contact's id, as `recomputedFiguresSQL` gives them.
    static let storedColumnList = [
        "touches", "last_touch", "last_key", "gave", "asked", "inbound", "referrals_given", "referrals_received", "introductions",
        "spend_cents", "degree", "stage_since",
    ]
    static var storedNames: String { "contact_id, " + storedColumnList.joined(separator: ", ") }
    static var storedAssignments: String { storedColumnList.map { "\($0) = s.\($0)" }.joined(separator: ", ") }

    /// Past this many contacts noted, a commit sums every contact's events in one pass and keeps
    /// the noted ones' (summing through the contact indexes costs about as much at that size;
    /// it also keeps `= ANY(…)` arrays short).
    static let figuresRedoneWhole = 2000

    /// The rows of `figures` for the contacts in `ids` (a plpgsql array; every contact when nil),
    /// counting every event whatever its date, and no one's private interactions.
    static func recomputedFiguresSQL(ids: String?) -> String {
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

    /// What each statement-level trigger notes: for a table and an event, the contacts (as `id`)
    /// of the statement's rows, `n` the new and `o` the old. A change to an interaction or a
    /// contact notes them only when it changes what is counted (a note's text does not; a change
    /// of `by` or `private` is noted through its people, whose copy of them `interactions_privacy`
    /// changes); the rows before and after are matched by id (a hash join: a bulk change stays linear).
    static let noted: [(table: String, event: String, select: String)] = {
        func changed(counted: [String], contacts: String) -> String {
            let row = { (alias: String) in "(" + counted.map { "\(alias).\($0)" }.joined(separator: ", ") + ")" }
            let ids = "SELECT o.id AS x FROM o LEFT JOIN n ON n.id = o.id WHERE n.id IS NULL OR \(row("o")) IS DISTINCT FROM \(row("n"))"
                + " UNION ALL SELECT n.id FROM n LEFT JOIN o ON o.id = n.id WHERE o.id IS NULL"
            return contacts.replacingOccurrences(of: "$ids", with: ids)
        }
        var out: [(String, String, String)] = []
        let contactColumns: [(String, [String])] = [
            ("interaction_people", ["contact_id"]), ("referrals", ["contact_id"]), ("introductions", ["a_id", "b_id"]),
            ("spending", ["contact_id"]), ("knows", ["a_id", "b_id"]), ("stage_changes", ["contact_id"]),
        ]
        for (table, columns) in contactColumns {
            func of(_ alias: String) -> String { columns.map { "SELECT \($0) AS id FROM \(alias)" }.joined(separator: " UNION ALL ") }
            out += [
                (table, "INSERT", of("n")), (table, "UPDATE", of("o") + " UNION ALL " + of("n")), (table, "DELETE", of("o")),
                (table, "TRUNCATE", "SELECT id FROM contacts"),
            ]
        }
        out += [
            (
                "interactions", "UPDATE",
                changed(
                    counted: ["kind", #""on""#, "gave", "asked", "inbound", "pitch", "private"],
                    contacts: "SELECT p.contact_id AS id FROM interaction_people p WHERE p.interaction_id IN ($ids)")
            ),
            ("contacts", "INSERT", "SELECT id FROM n"),
            ("contacts", "UPDATE", changed(counted: ["created"], contacts: "SELECT x AS id FROM ($ids) AS ids")),
            ("contacts", "DELETE", "SELECT id FROM o"),
        ]
        return out
    }()

    /// `tend_figures_note()`: notes the contacts of the statement that fired it, as `noted` says
    /// for its table and event, each in fixed SQL (no trigger's argument is run: the function
    /// runs as the tables' owner). A contacts table emptied empties `figures`. Fired by any
    /// other table, it refuses.
    static var noteFunction: String {
        let branches = noted.map { table, event, select in
            """
              ELSIF TG_RELID = '\(table)'::regclass AND TG_OP = '\(event)' THEN
                INSERT INTO pg_temp.tend_figures_due (contact_id) SELECT DISTINCT id FROM (\(select)) AS due WHERE id IS NOT NULL ON CONFLICT DO NOTHING;
            """
        }
        return """
            CREATE FUNCTION tend_figures_note() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER AS $$
            BEGIN
              PERFORM tend_figures_tables();
              IF TG_RELID = 'contacts'::regclass AND TG_OP = 'TRUNCATE' THEN
                DELETE FROM figures;
                RETURN NULL;
            \(branches.joined(separator: "\n"))
              ELSE
                RAISE EXCEPTION 'tend_figures_note keeps the figures of Tend''s own tables alone' USING ERRCODE = '42501';
              END IF;
              INSERT INTO pg_temp.tend_figures_pending SELECT true WHERE NOT EXISTS (SELECT FROM pg_temp.tend_figures_pending);
              RETURN NULL;
            END $$
            """
    }

    /// The statement-level triggers that run `tend_figures_note`, one per table and event of `noted`.
    static var figureTriggers: [String] {
        let transitions = ["INSERT": "REFERENCING NEW TABLE AS n", "UPDATE": "REFERENCING OLD TABLE AS o NEW TABLE AS n", "DELETE": "REFERENCING OLD TABLE AS o"]
        return (noted.map { ($0.table, $0.event) } + [("contacts", "TRUNCATE")]).map { table, event in
            """
            CREATE TRIGGER tend_figures_\(event.lowercased()) AFTER \(event) ON \(table) \(transitions[event] ?? "")
              FOR EACH STATEMENT EXECUTE FUNCTION tend_figures_note()
            """
        }
    }

    /// Every contact's figures as of `today` (or those of `ids`) from the stored rows, with the
    /// member's own private interactions added; nil when the database keeps none, the member may
    /// not read them, or so many contacts have to be summed besides that summing everyone's is
    /// the cheaper way.
    func storedStats(of ids: [Int64]? = nil, today: Day, figures: ContactStats.Figures) throws -> [Int64: ContactStats]? {
        guard let everyApart = try summedApart(today: today) else { return nil }
        let only = ids.map(Set.init)
        let apart = only.map { o in everyApart.filter(o.contains) } ?? everyApart
        var out: [Int64: ContactStats] = [:]
        var keys: [Int64: String] = [:]
        out.reserveCapacity(try ids?.count ?? rows(in: "contacts"))
        let wantsBy = figures.contains(.lastTouchBy)
        var storedValues: [SQLValue] = [.ints(apart)]
        if let ids { storedValues.append(.ints(ids)) }
        try each("contacts", PostgresStore.storedRowsSQL(figures: figures, restricted: ids != nil), storedValues) { r in
            let (id, s) = try PostgresStore.figures(r)
            out[id] = s
            if wantsBy, let key = r.optionalText(4) { keys[id] = key }
        }
        let values: [SQLValue] = [.text(today.description), .text(ContactStats.recentStart(today).description), .ints(apart)]
        try each("contacts", PostgresStore.addedStatsSQL(figures: figures), values) { r in
            let (id, added) = try PostgresStore.figures(r)
            if let only, !only.contains(id) { return }
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

    /// The contacts a reader sums from their events as of `today` (`summedApartSQL`); nil when the
    /// database keeps no figures, the member may not read them, or there are more than
    /// `summedApartLimit`.
    func summedApart(today: Day) throws -> [Int64]? {
        let ready = try scalar(
            """
            SELECT CASE WHEN to_regclass('figures_stale') IS NULL OR to_regprocedure('tend_figures_due()') IS NULL THEN NULL
              WHEN has_table_privilege('figures', 'SELECT') AND has_table_privilege('figures_stale', 'SELECT')
                AND has_function_privilege('tend_figures_due()', 'EXECUTE') THEN 'yes' END
            """)
        guard ready == "yes" else { return nil }
        var apart: [Int64] = []
        try each("contacts", PostgresStore.summedApartSQL, [.text(today.description)]) { apart.append($0.int(0)) }
        return apart.count <= PostgresStore.summedApartLimit ? apart : nil
    }

    /// `id IN (…) OR …`: the contacts that may meet the conditions on stored figures as of the
    /// day `summedApart` was asked for — those whose stored row meets them (or holds no date
    /// for a condition on one), those in `apart`, and those the member has private interactions
    /// with (their figures are the stored row's and more). A superset: the core checks every
    /// contact it is handed. Values are numbered after `first`. Nil when no condition is on a
    /// stored figure (`touches_90d` is not stored).
    static func storedFigureFilter(for conditions: [FieldCondition], after first: Int, summedApart apart: [Int64]) -> SQLPart? {
        var met: [String] = []
        var arguments: [SQLArgument] = []
        for c in conditions {
            guard let figure = figures[c.field], c.field != "touches_90d" else { continue }
            let column = storedColumnName[figure.column] ?? c.field
            let op = c.op == .equal ? "=" : c.op.rawValue
            switch c.value {
            case .date(let d) where figure.isDate && !d.isYearless:
                arguments.append(.text(d.description))
                met.append("(\(column) \(op) \(mark(first + arguments.count)) OR \(column) IS NULL)")
            case .number(let n) where !figure.isDate && Store.isWhole(n):
                arguments.append(.integer(NSDecimalNumber(decimal: n).int64Value))
                met.append("\(column) \(op) \(mark(first + arguments.count))")
            default: continue
            }
        }
        guard !met.isEmpty else { return nil }
        let apartList = apart.isEmpty ? "" : " OR id IN (\(apart.map(String.init).joined(separator: ",")))"
        return SQLPart(
            sql: """
                (id IN (SELECT contact_id FROM figures WHERE \(met.joined(separator: " AND ")))\(apartList)
                  OR id IN (SELECT ip.contact_id FROM interaction_people ip JOIN interactions i ON i.id = ip.interaction_id
                            WHERE \(Seen.ownPrivate.condition("i."))))
                """, arguments: arguments)
    }

    /// The column of `figures` each column of `sums` is stored in.
    static let storedColumnName: [Column: String] = [
        .touches: "touches", .last: "last_touch", .last_key: "last_key", .gave: "gave", .asked: "asked", .inbound: "inbound",
        .given: "referrals_given", .received: "referrals_received", .introduced: "introductions", .cents: "spend_cents::text",
        .degree: "degree", .since: "stage_since",
    ]

    /// Works out, after a commit that wrote, the figures of the contacts that transactions
    /// reading one snapshot (Tend's own) marked stale, in a short READ COMMITTED transaction of
    /// its own: each statement there sees what others committed, so it waits for no retry. A
    /// failure changes nothing that was committed: the marks stay, and readers sum those contacts.
    func refreshFigures() {
        // A conflict here is no conflict of the run, which has committed.
        let conflicted = connection.conflicted
        defer { connection.conflicted = conflicted }
        do {
            if keepsFigures == nil {
                keepsFigures = try scalar(
                    """
                    SELECT CASE WHEN to_regprocedure('tend_figures_refresh()') IS NULL THEN NULL
                      WHEN has_function_privilege('tend_figures_refresh()', 'EXECUTE') THEN 'yes' END
                    """) == "yes"
            }
            guard keepsFigures == true else { return }
            try connection.query("BEGIN ISOLATION LEVEL READ COMMITTED")
            try connection.query("SELECT tend_figures_refresh()")
            try connection.query("COMMIT")
        } catch {
            _ = try? connection.query("ROLLBACK")
        }
    }

    /// Past this many contacts to sum beside the stored rows, everyone's are summed (one pass
    /// over the events is then about as cheap, and the list is written into a selection's SQL).
    static let summedApartLimit = 5000

    /// Past this many contacts, their figures are read from the stored rows (fewer are summed
    /// from their events through the contact indexes, which costs less than reading the stored
    /// rows' privileges, marks and additions).
    static let storedRowsPast = 200

    /// The contacts the stored rows do not answer for as of $1: without a row, marked stale,
    /// noted by this transaction's writes so far, or with an event the member sees dated after
    /// that day (a stored row counts it).
    static let summedApartSQL = """
        SELECT id FROM contacts c WHERE NOT EXISTS (SELECT FROM figures f WHERE f.contact_id = c.id)
        UNION SELECT contact_id FROM figures_stale
        UNION SELECT tend_figures_due()
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
        return Column.allCases.map { c in wanted.contains(c) ? storedColumnName[c] ?? c.none : c == .cents ? "'0'" : c.none }
    }

    /// The stored rows, with `statsSQL`'s columns, but those of the contacts in $1 (summed
    /// instead); when `restricted`, only those of the contacts in $2.
    static func storedRowsSQL(figures: ContactStats.Figures, restricted: Bool = false) -> String {
        "SELECT contact_id, \(storedColumns(figures).joined(separator: ", ")) FROM figures WHERE NOT (contact_id = ANY($1))"
            + (restricted ? " AND contact_id = ANY($2)" : "")
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
