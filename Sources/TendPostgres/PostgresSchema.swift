/// Tend's tables in PostgreSQL: the same tables and columns as in SQLite (Store.migrator), so
/// that one network reads and writes alike in both. Dates are ISO text as in SQLite (a
/// birthday may have no year, `--04-12`), lists are the same JSON text, money is in cents,
/// flags are 0 or 1, and every whole number is a BIGINT (SQLite's BIGINT is 64 bits).
///
/// Migrations are applied in order, each once, recorded in `tend_migrations` (GRDB's
/// `grdb_migrations` in SQLite), all in one transaction: a database is Tend's when that
/// table is there.
enum PostgresSchema {
    static let migrationsTable = "tend_migrations"

    /// (identifier, statements), oldest first. Append; never change one that was released.
    /// A migration that adds a data table also makes its journal trigger (`tend_journal`).
    static let migrations: [(String, [String])] = [
        ("v1", v1), ("v2 members", v2), ("v3 journal", PostgresStore.journalSchema), ("v4 merging others' notes", v4),
        ("v5 sightings per event", v5), ("v6 deferrable references", v6), ("v7 events keep their author", v7),
        ("v8 deleted events witnessed", v8), ("v9 merges finish", v9), ("v10 indexes of references", v10),
        ("v11 sightings are their member's", v11), ("v12 the journal keeps only the member's rows", PostgresStore.journalOwnRows),
        ("v13 goal helpers are their member's", v13), ("v14 figures kept", PostgresStore.figuresSchema),
        ("v15 witnesses of Tend's tables alone", v15),
    ]

    /// `tend_event_deleted` runs as the tables' owner and may be executed by members (README
    /// grants every function): attached to a table of a member's own named like an event table,
    /// it wrote a "witness" that let the member insert an event in another member's name, and
    /// let a role with no rights fill `event_images` (b60 F5). It now refuses any table but Tend's
    /// event tables, and PUBLIC may no longer execute it (a trigger needs no EXECUTE to fire).
    static let v15 = [
        eventDeleted("CREATE OR REPLACE", eventTablesAlone: true),
        // Replacing a function resets its settings.
        """
        DO $$ BEGIN
          EXECUTE format('ALTER FUNCTION tend_event_deleted() SET search_path = %I, pg_temp', current_schema());
        END $$
        """,
        "REVOKE EXECUTE ON FUNCTION tend_event_deleted() FROM PUBLIC",
    ]

    /// The people a member's own calendar and mail saw who are not contacts (`report
    /// candidates`) are that member's alone, as their mail is: every member saw everyone's
    /// correspondents. What was kept before stays everyone's (member ''; who saw it is not
    /// known, and the migrating role is the tables' owner, whom no member logs in as), and the
    /// journal forgets its rows, as v5 did (an undo would look for them under the new key).
    static let v11 = [
        "ALTER TABLE candidate_sightings ADD COLUMN member TEXT NOT NULL DEFAULT ''",
        "ALTER TABLE candidate_sightings ALTER COLUMN member SET DEFAULT current_user",
        "ALTER TABLE candidate_sightings DROP CONSTRAINT candidate_sightings_pkey, ADD PRIMARY KEY (member, address, source_id)",
        "ALTER TABLE candidate_sightings ENABLE ROW LEVEL SECURITY", "ALTER TABLE candidate_sightings FORCE ROW LEVEL SECURITY",
        "CREATE POLICY own_rows ON candidate_sightings USING (member = current_user OR member = '')",
        "DELETE FROM journal_rows WHERE tbl = 'candidate_sightings'",
    ]

    /// A goal's helpers carry their member, as closed agenda items and snoozes do: the journal
    /// told another member's helpers by their goal being out of sight, and so also the member's
    /// own once their goal was removed (an undo of `remove goal` put the goal back without
    /// them). The rows there are given their goal's member, read with the policies lifted for
    /// the migrating owner; the journal's function reads the column (`journalFunction`).
    static let v13 =
        [
            "ALTER TABLE goal_helpers ADD COLUMN member TEXT NOT NULL DEFAULT current_user",
            "ALTER TABLE goals NO FORCE ROW LEVEL SECURITY", "ALTER TABLE goal_helpers NO FORCE ROW LEVEL SECURITY",
            "UPDATE goal_helpers h SET member = g.member FROM goals g WHERE g.id = h.goal_id",
            "ALTER TABLE goals FORCE ROW LEVEL SECURITY", "ALTER TABLE goal_helpers FORCE ROW LEVEL SECURITY",
        ] + PostgresStore.journalOwnRows

    /// Every column that refers to a contact has an index, as in the SQLite store: removing a
    /// contact looks up the rows that refer to it, and without one read every introduction.
    static let v10 = [
        "CREATE INDEX IF NOT EXISTS introductions_a ON introductions(a_id)", "CREATE INDEX IF NOT EXISTS introductions_b ON introductions(b_id)",
        "CREATE INDEX IF NOT EXISTS goal_helpers_contact ON goal_helpers(contact_id)", "CREATE INDEX IF NOT EXISTS agenda_numbers_contact ON agenda_numbers(contact_id)",
        // Keyed by member first: the contact leads no index of theirs.
        "CREATE INDEX IF NOT EXISTS agenda_items_contact ON agenda_items(contact_id)", "CREATE INDEX IF NOT EXISTS snoozes_contact ON snoozes(contact_id)",
    ]

    /// The tables the migrations create.
    static var tables: [String] {
        migrations.flatMap(\.1).compactMap { sql in
            guard sql.hasPrefix("CREATE TABLE ") else { return nil }
            return sql.dropFirst("CREATE TABLE ".count).split(separator: " ").first.map(String.init)
        }
    }

    static let v1 = [
        """
        CREATE TABLE contacts (
          id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
          handle TEXT NOT NULL UNIQUE,
          name TEXT NOT NULL,
          company TEXT, title TEXT, profession TEXT, email TEXT, phone TEXT, city TEXT,
          tags TEXT NOT NULL DEFAULT '[]',
          met_at TEXT, met_on TEXT, relationship TEXT,
          internal BIGINT NOT NULL DEFAULT 0 CHECK (internal IN (0, 1)),
          stage BIGINT NOT NULL DEFAULT 1,
          cadence_months BIGINT, cadence_days BIGINT,
          next_step TEXT, next_due TEXT,
          goals TEXT NOT NULL DEFAULT '[]', accomplishments TEXT NOT NULL DEFAULT '[]',
          interests TEXT NOT NULL DEFAULT '[]', networks TEXT NOT NULL DEFAULT '[]',
          skills TEXT NOT NULL DEFAULT '[]', serves TEXT NOT NULL DEFAULT '[]',
          expert BIGINT NOT NULL DEFAULT 0 CHECK (expert IN (0, 1)), passionate BIGINT NOT NULL DEFAULT 0 CHECK (passionate IN (0, 1)),
          honors_referrals BIGINT NOT NULL DEFAULT 0 CHECK (honors_referrals IN (0, 1)),
          notes TEXT,
          created TEXT NOT NULL,
          snoozed_until TEXT,
          emails TEXT NOT NULL DEFAULT '[]', phones TEXT NOT NULL DEFAULT '[]', addresses TEXT NOT NULL DEFAULT '[]',
          birthday TEXT, anniversary TEXT, dates TEXT NOT NULL DEFAULT '[]', uid TEXT)
        """,
        "CREATE INDEX contacts_name ON contacts(name)",
        "CREATE UNIQUE INDEX contacts_uid ON contacts(uid) WHERE uid IS NOT NULL",
        """
        CREATE TABLE stage_changes (
          id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
          contact_id BIGINT NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
          stage BIGINT NOT NULL, "on" TEXT NOT NULL)
        """,
        "CREATE INDEX stage_changes_contact ON stage_changes(contact_id)",
        """
        CREATE TABLE interactions (
          id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, kind TEXT NOT NULL, "on" TEXT NOT NULL, note TEXT,
          quality BIGINT, gave BIGINT NOT NULL DEFAULT 0 CHECK (gave IN (0, 1)), asked BIGINT NOT NULL DEFAULT 0 CHECK (asked IN (0, 1)),
          inbound BIGINT NOT NULL DEFAULT 0 CHECK (inbound IN (0, 1)), pitch BIGINT NOT NULL DEFAULT 0 CHECK (pitch IN (0, 1)), source_id TEXT)
        """,
        #"CREATE INDEX interactions_on ON interactions("on")"#,
        "CREATE UNIQUE INDEX interactions_source ON interactions(kind, source_id) WHERE source_id IS NOT NULL",
        """
        CREATE TABLE interaction_people (
          interaction_id BIGINT NOT NULL REFERENCES interactions(id) ON DELETE CASCADE,
          contact_id BIGINT NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
          position BIGINT NOT NULL,
          PRIMARY KEY (interaction_id, position))
        """,
        "CREATE INDEX interaction_people_contact ON interaction_people(contact_id)",
        """
        CREATE TABLE referrals (
          id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
          direction TEXT NOT NULL CHECK (direction IN ('given', 'received')),
          contact_id BIGINT NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
          about TEXT, "on" TEXT NOT NULL, value_cents BIGINT, status TEXT, note TEXT)
        """,
        "CREATE INDEX referrals_contact ON referrals(contact_id)",
        """
        CREATE TABLE introductions (
          id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
          a_id BIGINT NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
          b_id BIGINT NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
          "on" TEXT NOT NULL, note TEXT)
        """,
        """
        CREATE TABLE spending (
          id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
          contact_id BIGINT NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
          amount_cents BIGINT NOT NULL, "on" TEXT NOT NULL, note TEXT)
        """,
        "CREATE INDEX spending_contact ON spending(contact_id)",
        #"CREATE INDEX spending_on ON spending("on")"#,
        """
        CREATE TABLE knows (
          a_id BIGINT NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
          b_id BIGINT NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
          PRIMARY KEY (a_id, b_id), CHECK (a_id < b_id))
        """,
        "CREATE INDEX knows_b ON knows(b_id)",
        """
        CREATE TABLE me (
          id BIGINT PRIMARY KEY CHECK (id = 1), name TEXT, profession TEXT, company TEXT,
          preferred_client TEXT NOT NULL DEFAULT '[]', goals TEXT NOT NULL DEFAULT '[]', emails TEXT NOT NULL DEFAULT '[]')
        """,
        "CREATE TABLE markets (name TEXT PRIMARY KEY, served_by TEXT NOT NULL DEFAULT '[]', position BIGINT NOT NULL)",
        """
        CREATE TABLE goals (
          id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, name TEXT NOT NULL UNIQUE,
          due TEXT, metric TEXT, target TEXT, period TEXT)
        """,
        """
        CREATE TABLE goal_helpers (
          goal_id BIGINT NOT NULL REFERENCES goals(id) ON DELETE CASCADE,
          contact_id BIGINT NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
          position BIGINT NOT NULL,
          PRIMARY KEY (goal_id, contact_id))
        """,
        """
        CREATE TABLE definitions (
          kind TEXT NOT NULL, name TEXT NOT NULL, source TEXT NOT NULL, position BIGINT NOT NULL,
          PRIMARY KEY (kind, name))
        """,
        """
        CREATE TABLE agenda_items (
          contact_id BIGINT NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
          rule TEXT NOT NULL,
          state TEXT NOT NULL CHECK (state IN ('done', 'dismissed', 'snoozed')),
          since TEXT NOT NULL, until TEXT, note TEXT,
          PRIMARY KEY (contact_id, rule))
        """,
        """
        CREATE TABLE agenda_numbers (
          seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
          number BIGINT NOT NULL,
          contact_id BIGINT NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
          rule TEXT NOT NULL)
        """,
        """
        CREATE TABLE candidate_sightings (
          address TEXT NOT NULL, source_id TEXT NOT NULL, name TEXT, "on" TEXT NOT NULL,
          PRIMARY KEY (address, source_id))
        """,
    ]

    /// Members (issue 22). Each event records who logged it (`by`, the role that wrote it;
    /// null for what was logged before); an interaction may be private. Each member's `me`,
    /// definitions, goals, agenda states and numbers and snoozes are their own rows (`member`).
    /// Row-level security, forced on the owner too, enforces both: a private interaction (and
    /// its people) is seen by its author alone, and a member's own rows by that member alone,
    /// whatever program reads the tables (a superuser, or a role with BYPASSRLS, sees all).
    static let v2 = [
        #"ALTER TABLE stage_changes ADD COLUMN "by" TEXT"#,
        #"ALTER TABLE interactions ADD COLUMN "by" TEXT"#,
        #"ALTER TABLE referrals ADD COLUMN "by" TEXT"#,
        #"ALTER TABLE introductions ADD COLUMN "by" TEXT"#,
        #"ALTER TABLE spending ADD COLUMN "by" TEXT"#,
        "ALTER TABLE interactions ADD COLUMN private BIGINT NOT NULL DEFAULT 0 CHECK (private IN (0, 1))",
    ]
        + ["stage_changes", "interactions", "referrals", "introductions", "spending"].map {
            #"ALTER TABLE \#($0) ALTER COLUMN "by" SET DEFAULT current_user"#
        }
        + [
            // What was there before members is the migrating member's.
            "ALTER TABLE me ADD COLUMN member TEXT NOT NULL DEFAULT current_user",
            "ALTER TABLE me DROP CONSTRAINT me_pkey, DROP CONSTRAINT me_id_check, ADD PRIMARY KEY (member)",
            "ALTER TABLE definitions ADD COLUMN member TEXT NOT NULL DEFAULT current_user",
            "ALTER TABLE definitions DROP CONSTRAINT definitions_pkey, ADD PRIMARY KEY (member, kind, name)",
            "ALTER TABLE goals ADD COLUMN member TEXT NOT NULL DEFAULT current_user",
            "ALTER TABLE goals DROP CONSTRAINT goals_name_key, ADD UNIQUE (member, name)",
            "ALTER TABLE agenda_items ADD COLUMN member TEXT NOT NULL DEFAULT current_user",
            "ALTER TABLE agenda_items DROP CONSTRAINT agenda_items_pkey, ADD PRIMARY KEY (member, contact_id, rule)",
            "ALTER TABLE agenda_numbers ADD COLUMN member TEXT NOT NULL DEFAULT current_user",
            """
            CREATE TABLE snoozes (
              member TEXT NOT NULL DEFAULT current_user,
              contact_id BIGINT NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
              until TEXT NOT NULL,
              PRIMARY KEY (member, contact_id))
            """,
            "INSERT INTO snoozes (contact_id, until) SELECT id, snoozed_until FROM contacts WHERE snoozed_until IS NOT NULL",
            "UPDATE contacts SET snoozed_until = NULL",
            // The members whose prelude was installed (a member's first session installs it).
            "CREATE TABLE members (name TEXT PRIMARY KEY DEFAULT current_user)",
            "INSERT INTO members SELECT DISTINCT member FROM definitions",
        ]
        + ownRows.flatMap { table in
            [
                "ALTER TABLE \(table) ENABLE ROW LEVEL SECURITY", "ALTER TABLE \(table) FORCE ROW LEVEL SECURITY",
                "CREATE POLICY own_rows ON \(table) USING (member = current_user)",
            ]
        }
        + [
            "ALTER TABLE interactions ENABLE ROW LEVEL SECURITY", "ALTER TABLE interactions FORCE ROW LEVEL SECURITY",
            #"CREATE POLICY private_notes ON interactions USING (\#(visibleInteraction))"#,
            // An interaction's people carry its privacy (copied by a trigger, never by hand), so
            // that their policy reads their own row: a policy that looked the interaction up
            // for each row made reading every interaction's people eight times slower.
            "ALTER TABLE interaction_people ADD COLUMN private BIGINT NOT NULL DEFAULT 0, ADD COLUMN \"by\" TEXT",
            """
            CREATE OR REPLACE FUNCTION tend_people_privacy() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
              -- An interaction the member cannot see makes a row the policy refuses.
              NEW.private := 1;
              NEW."by" := NULL;
              SELECT i.private, i."by" INTO NEW.private, NEW."by" FROM interactions i WHERE i.id = NEW.interaction_id;
              NEW.private := coalesce(NEW.private, 1);
              RETURN NEW;
            END $$
            """,
            """
            CREATE TRIGGER interaction_people_privacy BEFORE INSERT OR UPDATE ON interaction_people
              FOR EACH ROW EXECUTE FUNCTION tend_people_privacy()
            """,
            """
            CREATE OR REPLACE FUNCTION tend_people_follow() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
              UPDATE interaction_people SET private = NEW.private WHERE interaction_id = NEW.id;
              RETURN NULL;
            END $$
            """,
            """
            CREATE TRIGGER interactions_privacy AFTER UPDATE OF private, "by" ON interactions
              FOR EACH ROW EXECUTE FUNCTION tend_people_follow()
            """,
            "ALTER TABLE interaction_people ENABLE ROW LEVEL SECURITY", "ALTER TABLE interaction_people FORCE ROW LEVEL SECURITY",
            #"CREATE POLICY private_notes ON interaction_people USING (\#(visibleInteraction))"#,
        ]

    /// A merge moves every member's notes with the person (issue 22). Row-level security hides
    /// another member's private notes, and their links to people, from the member who merges:
    /// `tend_merge_people(old, new)` moves those links, run as the tables' owner (SECURITY
    /// DEFINER), which the `merging` policies let see every row while the function runs (and
    /// only then: `tend.merging` is on inside it, and the policies ask for the owner). It
    /// shows the caller nothing, and records nothing in the caller's journal (the caller could
    /// not put those rows back). It refuses what no merge asks (a contact into itself, a contact
    /// that is not there), and only roles granted it may call it. The owner of the tables can
    /// lift any policy anyway (ALTER TABLE); to anyone else the policies give nothing.
    /// One sighting per address and calendar event, its occurrences counted (`Store.countSightings`):
    /// the rows kept per occurrence (`ical:UID/DAY`) are folded into their event's (`ical:UID`).
    static let v5 = [
        "ALTER TABLE candidate_sightings ADD COLUMN times BIGINT NOT NULL DEFAULT 1 CHECK (times > 0), ADD COLUMN last_on TEXT",
        #"UPDATE candidate_sightings SET last_on = "on""#,
        """
        CREATE TEMPORARY TABLE folded_sightings ON COMMIT DROP AS
          SELECT address, regexp_replace(source_id, '(/[0-9]{8}){1,2}$', '') AS source_id,
            (array_agg(name ORDER BY "on" DESC, name) FILTER (WHERE name IS NOT NULL))[1] AS name,
            min("on") AS "on", max("on") AS last_on, count(*) AS times
          FROM candidate_sightings WHERE source_id LIKE 'ical:%' GROUP BY 1, 2
          HAVING count(*) > 1 OR bool_or(source_id ~ '/[0-9]{8}$')
        """,
        """
        DELETE FROM candidate_sightings c USING folded_sightings f
          WHERE c.address = f.address AND c.source_id LIKE 'ical:%' AND regexp_replace(c.source_id, '(/[0-9]{8}){1,2}$', '') = f.source_id
        """,
        #"INSERT INTO candidate_sightings (address, source_id, name, "on", last_on, times) SELECT address, source_id, name, "on", last_on, times FROM folded_sightings"#,
        // Changes that kept them row for row (imports made before) are undone without them.
        "DELETE FROM journal_rows WHERE tbl = 'candidate_sightings'",
    ]

    /// Every foreign key may be checked at commit (`SET CONSTRAINTS ALL DEFERRED`): undo puts
    /// rows back newest first, and a removed contact's events were recorded after it (the
    /// cascade's rows after the row they follow from), so they came back before it and were refused.
    static let v6 = [
        """
        DO $$ DECLARE r record; BEGIN
          FOR r IN SELECT c.conname, t.relname FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid
            JOIN pg_namespace n ON n.oid = t.relnamespace WHERE c.contype = 'f' AND n.nspname = current_schema() LOOP
            EXECUTE format('ALTER TABLE %I ALTER CONSTRAINT %I DEFERRABLE INITIALLY IMMEDIATE', r.relname, r.conname);
          END LOOP;
        END $$
        """
    ]

    /// An event's `by` is enforced by the database, not only by Tend (issue 22): whatever
    /// program writes, a member inserts events in their own name or in that of a role
    /// PostgreSQL lets them act as (`PostgresStore.mayLog(as:)`), and no one changes an event's
    /// author afterwards. A row the member's own change deleted may come back as it was (undo
    /// puts back another member's events a removed contact took with it): v8 witnesses it. An
    /// insert naming no one (NULL) is the member's. Superusers, roles that
    /// bypass row-level security and the tables' owner are not held (a migration, a restore).
    /// Privacy needs nothing more: the `private_notes` policy's condition checks new rows too,
    /// so no one but its author makes or keeps a note private.
    static let v7 = [
        eventAuthor(
            "CREATE",
            witness: """
                EXISTS (SELECT 1 FROM journal_rows
                      WHERE member = current_user AND tbl = TG_TABLE_NAME AND after IS NULL AND before = to_jsonb(NEW))
                """),
        """
        DO $$ DECLARE t text; BEGIN
          FOREACH t IN ARRAY ARRAY['stage_changes', 'interactions', 'referrals', 'introductions', 'spending'] LOOP
            EXECUTE format('CREATE TRIGGER tend_event_author BEFORE INSERT OR UPDATE ON %I FOR EACH ROW EXECUTE FUNCTION tend_event_author()', t);
          END LOOP;
        END $$
        """,
        // Functions run as their caller find tables only in Tend's schema, never in one the caller made.
        """
        DO $$ BEGIN
          EXECUTE format('ALTER FUNCTION tend_event_author() SET search_path = %I, pg_temp', current_schema());
        END $$
        """,
    ]

    /// The rows an undo may put back in another member's name are witnessed by the database,
    /// not read from the member's journal (which the member writes, so psql could forge an
    /// entry and then log an event in anyone's name): a trigger that runs as the tables' owner
    /// keeps the image of every event deleted and who deleted it (`event_images`, which no
    /// member reads or writes: row-level security with no policy, whatever the grants), and
    /// `tend_event_author` lets a member insert, with the journal paused, only a row they
    /// deleted, as it was, once. The member is the role in force (`SET ROLE`), else the login.
    /// Two tables of each member's own get row-level security too: `members` (another member
    /// deleted one's row, and the next session installed the standard definitions over one's
    /// own) and `goal_helpers` (who helps with a goal is its member's, as the goal is).
    static let v8 = [
        "CREATE TABLE event_images (tbl TEXT NOT NULL, image JSONB NOT NULL, deleted_by TEXT NOT NULL)",
        "CREATE INDEX event_images_member ON event_images (deleted_by, tbl)",
        "ALTER TABLE event_images ENABLE ROW LEVEL SECURITY",
        "REVOKE ALL ON event_images FROM PUBLIC",
        """
        CREATE FUNCTION tend_member() RETURNS text LANGUAGE sql STABLE AS $$
          SELECT CASE WHEN current_setting('role') = 'none' THEN session_user::text ELSE current_setting('role') END
        $$
        """,
        eventDeleted("CREATE", eventTablesAlone: false),
        """
        CREATE FUNCTION tend_restorable(tbl_name text, row_image jsonb) RETURNS boolean LANGUAGE plpgsql SECURITY DEFINER AS $$
        DECLARE found int;
        BEGIN
          DELETE FROM event_images WHERE ctid = (SELECT ctid FROM event_images
            WHERE deleted_by = tend_member() AND tbl = tbl_name AND image = row_image LIMIT 1);
          GET DIAGNOSTICS found = ROW_COUNT;
          RETURN found > 0;
        END $$
        """,
        """
        DO $$ DECLARE t text; BEGIN
          FOREACH t IN ARRAY ARRAY['stage_changes', 'interactions', 'referrals', 'introductions', 'spending'] LOOP
            EXECUTE format('CREATE TRIGGER tend_event_deleted AFTER DELETE ON %I FOR EACH ROW EXECUTE FUNCTION tend_event_deleted()', t);
          END LOOP;
          EXECUTE format('ALTER FUNCTION tend_member() SET search_path = %I, pg_temp', current_schema());
          EXECUTE format('ALTER FUNCTION tend_event_deleted() SET search_path = %I, pg_temp', current_schema());
          EXECUTE format('ALTER FUNCTION tend_restorable(text, jsonb) SET search_path = %I, pg_temp', current_schema());
        END $$
        """,
        eventAuthor("CREATE OR REPLACE", witness: "tend_restorable(TG_TABLE_NAME::text, to_jsonb(NEW))"),
        // Replacing a function resets its settings: it finds functions and tables only in Tend's
        // schema again, never in one the caller made.
        """
        DO $$ BEGIN
          EXECUTE format('ALTER FUNCTION tend_event_author() SET search_path = %I, pg_temp', current_schema());
        END $$
        """,
        "ALTER TABLE members ENABLE ROW LEVEL SECURITY", "ALTER TABLE members FORCE ROW LEVEL SECURITY",
        "CREATE POLICY members_read ON members FOR SELECT USING (true)",
        "CREATE POLICY members_own ON members FOR INSERT WITH CHECK (name = current_user)",
        "CREATE POLICY members_own_change ON members FOR UPDATE USING (name = current_user) WITH CHECK (name = current_user)",
        "CREATE POLICY members_own_removal ON members FOR DELETE USING (name = current_user)",
        "ALTER TABLE goal_helpers ENABLE ROW LEVEL SECURITY", "ALTER TABLE goal_helpers FORCE ROW LEVEL SECURITY",
        // The goals a member sees are their own (`own_rows`), and so are those goals' helpers.
        "CREATE POLICY own_goals ON goal_helpers USING (EXISTS (SELECT 1 FROM goals g WHERE g.id = goal_id))",
    ]

    /// The function that keeps an event's author (v7, and v8 with the database's own witness):
    /// `witness` is the condition under which, with the journal paused, a member may insert a
    /// row in another's name (undo putting back what the member's change deleted).
    static func eventAuthor(_ create: String, witness: String) -> String {
        """
        \(create) FUNCTION tend_event_author() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF (SELECT rolsuper OR rolbypassrls FROM pg_roles WHERE rolname = current_user)
            OR current_user = (SELECT pg_get_userbyid(relowner) FROM pg_class WHERE oid = TG_RELID) THEN
            RETURN NEW;
          END IF;
          IF TG_OP = 'UPDATE' THEN
            IF NEW."by" IS DISTINCT FROM OLD."by" THEN
              RAISE EXCEPTION 'the member who logged % % cannot be changed', TG_TABLE_NAME, OLD.id USING ERRCODE = '42501';
            END IF;
            RETURN NEW;
          END IF;
          IF NEW."by" = current_user
            OR EXISTS (SELECT 1 FROM pg_roles WHERE rolname = NEW."by" AND pg_has_role(current_user, oid, 'MEMBER')) THEN
            RETURN NEW;
          END IF;
          IF coalesce(current_setting('tend.journal', true), '') = 'off' AND \(witness) THEN
            RETURN NEW;
          END IF;
          IF NEW."by" IS NULL THEN
            NEW."by" := current_user;
            RETURN NEW;
          END IF;
          RAISE EXCEPTION '% may not log % in the name of %', current_user, TG_TABLE_NAME, NEW."by" USING ERRCODE = '42501';
        END $$
        """
    }

    static let v4 = [
        "CREATE POLICY merging ON interactions USING (\(whileMerging("interactions")))",
        "CREATE POLICY merging ON interaction_people USING (\(whileMerging("interaction_people")))",
        mergePeople("CREATE", notingTheContact: false),
        // A function that runs as its owner finds tables only in Tend's schema, never in one the
        // caller made.
        """
        DO $$ BEGIN
          EXECUTE format('ALTER FUNCTION tend_merge_people(BIGINT, BIGINT) SET search_path = %I, pg_temp', current_schema());
        END $$
        """,
        // Members are granted it with their other rights (README); a role that is no member's cannot call it.
        "REVOKE EXECUTE ON FUNCTION tend_merge_people(BIGINT, BIGINT) FROM PUBLIC",
    ]

    /// A merge that moves other members' notes must finish: `tend_merge_people(old, new)` notes
    /// `old` in `tend_merges`, and at commit a check refuses the transaction unless contact `old`
    /// is gone (a member with psql moved another's private notes to someone else and kept both
    /// people, unrecorded: calling the function now does what a merge does, or nothing).
    /// `tend_merges` has row-level security and no policy: no member sees or changes its rows.
    /// The journal's tables are forced too, so that a member who owns the tables does not read
    /// another's journal (its images hold private notes) without lifting the policy first.
    static let v9 = [
        "CREATE TABLE tend_merges (old_id BIGINT NOT NULL)",
        "ALTER TABLE tend_merges ENABLE ROW LEVEL SECURITY",
        "REVOKE ALL ON tend_merges FROM PUBLIC",
        """
        CREATE FUNCTION tend_merge_finished() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER AS $$
        BEGIN
          IF EXISTS (SELECT 1 FROM contacts WHERE id = NEW.old_id) THEN
            RAISE EXCEPTION 'tend_merge_people moves notes in a merge only: contact % must be removed in the same transaction', NEW.old_id
              USING ERRCODE = '42501';
          END IF;
          DELETE FROM tend_merges WHERE ctid = (SELECT ctid FROM tend_merges WHERE old_id = NEW.old_id LIMIT 1);
          RETURN NULL;
        END $$
        """,
        """
        CREATE CONSTRAINT TRIGGER tend_merge_finished AFTER INSERT ON tend_merges
          DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION tend_merge_finished()
        """,
        mergePeople("CREATE OR REPLACE", notingTheContact: true),
        """
        DO $$ BEGIN
          EXECUTE format('ALTER FUNCTION tend_merge_people(BIGINT, BIGINT) SET search_path = %I, pg_temp', current_schema());
          EXECUTE format('ALTER FUNCTION tend_merge_finished() SET search_path = %I, pg_temp', current_schema());
        END $$
        """,
        "REVOKE EXECUTE ON FUNCTION tend_merge_finished() FROM PUBLIC",
        "ALTER TABLE journal_rows FORCE ROW LEVEL SECURITY",
        "ALTER TABLE journal FORCE ROW LEVEL SECURITY",
    ]

    /// `tend_merge_people(old, new)` (v4); from v9 it notes the contact it empties in `tend_merges`.
    static func mergePeople(_ create: String, notingTheContact: Bool) -> String {
        """
        \(create) FUNCTION tend_merge_people(old_id BIGINT, new_id BIGINT) RETURNS void LANGUAGE plpgsql SECURITY DEFINER AS $$
        DECLARE journal text := coalesce(current_setting('tend.journal', true), '');
        BEGIN
          IF old_id = new_id THEN RAISE EXCEPTION 'a contact cannot be merged into itself'; END IF;
          IF (SELECT count(*) FROM contacts WHERE id IN (old_id, new_id)) <> 2 THEN RAISE EXCEPTION 'no such contact'; END IF;
        \(notingTheContact ? "  INSERT INTO tend_merges (old_id) VALUES (old_id);\n" : "")\
          PERFORM set_config('tend.merging', 'on', true);
          PERFORM set_config('tend.journal', 'off', true);
          -- A note with both people keeps one link, to the merged person.
          DELETE FROM interaction_people WHERE contact_id = old_id
            AND interaction_id IN (SELECT interaction_id FROM interaction_people WHERE contact_id = new_id);
          UPDATE interaction_people SET contact_id = new_id WHERE contact_id = old_id;
          PERFORM set_config('tend.merging', '', true);
          PERFORM set_config('tend.journal', journal, true);
        END $$
        """
    }

    /// `tend_event_deleted()` (v8); from v15 it refuses any table but Tend's event tables.
    static func eventDeleted(_ create: String, eventTablesAlone: Bool) -> String {
        let guarded = """
              IF TG_RELID NOT IN ('stage_changes'::regclass, 'interactions'::regclass, 'referrals'::regclass, 'introductions'::regclass,
                                  'spending'::regclass) THEN
                RAISE EXCEPTION 'tend_event_deleted witnesses Tend''s own event tables alone' USING ERRCODE = '42501';
              END IF;

            """
        return """
            \(create) FUNCTION tend_event_deleted() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER AS $$
            BEGIN
            \(eventTablesAlone ? guarded : "")\
              -- Only another's event needs a witness: one's own comes back in one's own name.
              IF OLD."by" IS DISTINCT FROM tend_member() THEN
                INSERT INTO event_images (tbl, image, deleted_by) VALUES (TG_TABLE_NAME, to_jsonb(OLD), tend_member());
              END IF;
              RETURN NULL;
            END $$
            """
    }

    /// True inside `tend_merge_people` alone: the owner of `table`, with `tend.merging` on.
    static func whileMerging(_ table: String) -> String {
        "current_setting('tend.merging', true) = 'on' AND current_user = (SELECT pg_get_userbyid(relowner) FROM pg_class WHERE oid = '\(table)'::regclass)"
    }

    /// Every function the migrations make, triggers' ones too: dropping a table drops its
    /// triggers but not the functions they run, and `unmake` leaves none behind.
    static let functions = [
        "tend_people_privacy()", "tend_people_follow()", "tend_merge_people(BIGINT, BIGINT)", "tend_journal()", "tend_event_author()",
        "tend_event_deleted()", "tend_restorable(text, jsonb)", "tend_member()", "tend_merge_finished()",
    ] + PostgresStore.figureFunctions

    /// The tables whose rows are each member's own.
    static let ownRows = ["me", "definitions", "goals", "agenda_items", "agenda_numbers", "snoozes"]
    /// An interaction the member in the session may see (the policy's, and Tend's own reads'),
    /// and likewise its people.
    static let visibleInteraction = visible("")
    /// The same of the interaction (or people) row `prefix` names (`i.`).
    static func visible(_ prefix: String) -> String { #"\#(prefix)private = 0 OR \#(prefix)"by" = current_user"# }
}
