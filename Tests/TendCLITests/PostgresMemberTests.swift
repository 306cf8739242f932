import Foundation
import TendTestSupport
import Testing

/// Members of a team on one PostgreSQL database (issue 22): real roles made in the test cluster,
/// each a plain role (no superuser, no BYPASSRLS), so that row-level security applies to them.
@Suite(.enabled(if: TestCluster.available, Comment(rawValue: TestCluster.skipped)))
struct PostgresMemberTests {
    /// A team database: made Tend's, with `contacts`, by the cluster's superuser (or by the
    /// member `owner`, whose database it is), and a plain role for each name (`ann` becomes
    /// `ann_1a2b3c4d`) with the rights README gives members.
    struct Team {
        let url: String
        let roles: [String: String]

        init(_ names: [String], contacts: String, owner: String? = nil) throws {
            url = try TestCluster.freshDatabase("team")
            let suffix = UUID().uuidString.prefix(8).lowercased()
            roles = Dictionary(uniqueKeysWithValues: names.map { ($0, "\($0)_\(suffix)") })
            for role in roles.values { try TestCluster.psql("CREATE ROLE \(role) LOGIN NOSUPERUSER NOBYPASSRLS", url: url) }
            if let owner {
                let database = url.split(separator: "/").last!
                try TestCluster.psql("ALTER DATABASE \(database) OWNER TO \(roles[owner]!)", url: url)
            }
            let maker = owner.map(url(as:)) ?? url
            let made = try CLI.run(["run", "-"], stdin: contacts, in: CLI.tempDir(), env: ["TEND_DB": maker])
            #expect(made.status == 0, "\(made.stderr)")
            for (name, role) in roles where name != owner {
                try TestCluster.psql(
                    """
                    GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO \(role);
                    GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO \(role);
                    GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA public TO \(role);
                    """, url: maker)
            }
        }

        /// The database's URL as the member's role logs in.
        func url(as name: String) -> String { url.replacingOccurrences(of: "//\(TestCluster.role)@", with: "//\(roles[name]!)@") }

        /// Runs tend as the member on `today`.
        @discardableResult
        func tend(_ name: String, _ args: [String], stdin: String? = nil, today: String = "2026-11-23") throws -> CLI.Result {
            let r = try CLI.run(args, stdin: stdin, in: CLI.tempDir(), env: ["TEND_DB": url(as: name), "TEND_TODAY": today])
            #expect(r.status == 0, "\(name) \(args): \(r.stderr)")
            return r
        }

        /// One statement's table as CSV lines, as the member sees it.
        func lines(_ name: String, _ statement: String, today: String = "2026-11-23") throws -> [String] {
            try tend(name, ["--format", "csv", "-e", statement], today: today).stdout.split(separator: "\n").map(String.init)
        }

        /// psql as the member's role.
        func psql(_ name: String, _ sql: String) throws -> String { try TestCluster.psql(sql, url: url(as: name)) }
    }

    @Test func anotherMembersRoleCannotReadAPrivateNoteEvenWithPsql() throws {
        let team = try Team(["ann", "bob"], contacts: "add \"Cleo Diaz\" profession: \"accountant\"\n")
        try team.tend("ann", ["run", "-"], stdin: """
            log call with @cleo-diaz on 2026-11-10 note: "pricing"
            log note with @cleo-diaz "secret merger plan" on 2026-11-12 private
            """)
        let secret = "SELECT count(*) FROM interactions WHERE note LIKE '%merger%'"
        #expect(try team.psql("ann", secret) == "1")
        #expect(try team.psql("ann", "SELECT count(*) FROM interaction_people") == "2")
        // Bob's role, in psql: the row is not there for him, nor its link to Cleo.
        #expect(try team.psql("bob", secret) == "0")
        #expect(try team.psql("bob", "SELECT count(*) FROM interactions") == "1")
        #expect(try team.psql("bob", "SELECT count(*) FROM interaction_people") == "1")
        // Nor can he make it public, or log a private note in Ann's name.
        #expect(try team.psql("bob", "UPDATE interactions SET private = 0 WHERE note LIKE '%merger%' RETURNING id") == "")
        #expect(throws: TestCluster.PsqlFailed.self) {
            try team.psql("bob", "INSERT INTO interactions (kind, \"on\", note, private, \"by\") VALUES ('note', '2026-11-13', 'x', 1, '\(team.roles["ann"]!)')")
        }
        #expect(try team.psql("ann", secret) == "1")
        // The policies are forced: the owner of the tables is held to them too.
        #expect(try TestCluster.psql("SELECT bool_and(relforcerowsecurity) FROM pg_class WHERE relname IN ('interactions', 'interaction_people')", url: team.url) == "t")

        // Through Tend, as Bob: not in the interactions, the timeline, the card or why.
        for statement in ["interactions show note", "timeline @cleo-diaz", "@cleo-diaz", "why @cleo-diaz", "count(interactions)"] {
            let bob = try team.tend("bob", ["-e", statement]).stdout
            #expect(!bob.contains("merger"), "\(statement): \(bob)")
        }
        #expect(try team.lines("bob", "count(interactions)") == ["1"])
        // Ann sees her own note everywhere.
        #expect(try team.tend("ann", ["-e", "timeline @cleo-diaz"]).stdout.contains("secret merger plan"))
        #expect(try team.lines("ann", "interactions where private show note, by") == ["note,by", "secret merger plan,\(team.roles["ann"]!)"])
        // Bob cannot link a person to it either; once Ann makes it public, its people follow.
        let id = try team.psql("ann", secret.replacingOccurrences(of: "count(*)", with: "id"))
        #expect(throws: TestCluster.PsqlFailed.self) {
            try team.psql("bob", "INSERT INTO interaction_people (interaction_id, contact_id, position) VALUES (\(id), 1, 5)")
        }
        _ = try team.psql("ann", "UPDATE interactions SET private = 0 WHERE id = \(id)")
        #expect(try team.psql("bob", "SELECT count(*) FROM interaction_people") == "2")
        #expect(try team.tend("bob", ["-e", "timeline @cleo-diaz"]).stdout.contains("secret merger plan"))
    }

    /// A delete's cascade reaches rows row-level security hides from the member (another
    /// member's closed agenda items, snoozes, goal helpers and private-note links): the journal
    /// does not copy them into the member's own rows, where psql read them inside the
    /// transaction before the commit dropped them.
    @Test func theJournalKeepsNoOtherMembersRowsOfACascade() throws {
        let team = try Team(["ann", "bob"], contacts: "add \"Leo Park\" created: 2026-01-01\n")
        try team.tend("ann", ["run", "-"], stdin: """
            log note with @leo-park "x" private
            goal "Meet" target: 3 per month
            helps @leo-park "Meet"
            """)
        try team.tend("ann", ["-e", "agenda"])
        try team.tend("ann", ["-e", "dismiss 1 for 30d"])
        try team.tend("ann", ["-e", "snooze @leo-park until 2027-01-01"])
        let ann = team.roles["ann"]!
        let seen = try team.psql(
            "bob",
            """
            SET tend.journal = 'on';
            DELETE FROM contacts WHERE handle = 'leo-park';
            SELECT count(*) FROM journal_rows WHERE tbl IN ('agenda_items', 'snoozes', 'goal_helpers', 'interaction_people')
              AND (coalesce(before, after)->>'member' = '\(ann)' OR coalesce(before, after)->>'by' = '\(ann)' OR tbl = 'goal_helpers');
            """)
        #expect(seen == "0")
        // Bob's own rows of the cascade are kept (the contact itself).
        #expect(try team.psql("bob", "SELECT count(*) FROM journal_rows WHERE tbl = 'contacts'") == "1")
    }

    /// Undoing a member's `remove goal` puts the goal back with its helpers (the journal took
    /// them for another member's, their goal being out of sight once removed).
    @Test func undoingARemovedGoalBringsItsHelpersBack() throws {
        let team = try Team(["ann", "bob"], contacts: "add \"Gil Ray\"\n")
        try team.tend("ann", ["run", "-"], stdin: "goal \"Grow\" target: 2 per month\nhelps @gil-ray \"Grow\"\n")
        try team.tend("bob", ["run", "-"], stdin: "goal \"Mine\" target: 2 per month\nhelps @gil-ray \"Mine\"\n")
        try team.tend("ann", ["-e", "remove goal \"Grow\""])
        try team.tend("ann", ["-e", "undo"])
        #expect(try team.psql("ann", "SELECT count(*) FROM goal_helpers") == "1")
        #expect(try team.tend("ann", ["--format", "csv", "-e", "goals"]).stdout.contains("Gil Ray"))
        // Bob's helper is his still, and out of Ann's journal.
        #expect(try team.psql("bob", "SELECT member FROM goal_helpers") == team.roles["bob"]!)
        #expect(try team.psql("ann", "SELECT count(*) FROM journal_rows WHERE tbl = 'goal_helpers' AND coalesce(before, after)->>'member' <> current_user") == "0")
    }

    /// Merging moves every member's notes with the person: Bob's private notes with @xavier-ho
    /// are with @xavi-ho after Ann merges the two, and still Bob's alone, whether the tables
    /// are the superuser's or Ann's own. Before, row-level security hid them from Ann's merge,
    /// and removing @xavier-ho took him off them.
    @Test(arguments: [nil, "ann"]) func mergingMovesAnotherMembersPrivateNotes(owner: String?) throws {
        let team = try Team(["ann", "bob"], contacts: "add \"Xavier Ho\"\nadd \"Xavi Ho\"\n", owner: owner)
        try team.tend("bob", ["run", "-"], stdin: """
            log note with @xavier-ho "wants to sell the firm" on 2026-11-10 private
            log note with @xavier-ho and @xavi-ho "the same man twice" on 2026-11-11 private
            """)
        try team.tend("ann", ["-e", "log call with @xavier-ho on 2026-11-12 note: \"pricing\""])
        try team.tend("ann", ["-e", "merge @xavier-ho into @xavi-ho"])
        let bobs = "interactions where private sort by on show note, people"
        let seen = try team.lines("bob", bobs)
        #expect(seen == ["note,people", "wants to sell the firm,Xavi Ho", "the same man twice,Xavi Ho"], "\(seen)")
        #expect(try team.tend("bob", ["-e", "timeline @xavi-ho"]).stdout.contains("wants to sell the firm"))
        // Still Bob's alone: not in Ann's Tend, nor in her psql, and not in her journal.
        #expect(try team.lines("ann", "interactions show note") == ["note", "pricing"])
        #expect(!(try team.tend("ann", ["-e", "timeline @xavi-ho"]).stdout.contains("firm")))
        #expect(try team.psql("ann", "SELECT count(*) FROM interactions") == "1")
        #expect(try team.psql("ann", "SELECT count(*) FROM interaction_people") == "1")
        #expect(try team.psql("bob", "SELECT count(*) FROM interaction_people p JOIN contacts c ON c.id = p.contact_id WHERE c.handle = 'xavi-ho'") == "3")
        let bob = team.roles["bob"]!
        #expect(try TestCluster.psql("SELECT count(*) FROM journal_rows WHERE member <> '\(bob)' AND coalesce(after, before)->>'by' = '\(bob)'", url: team.url) == "0")
        // Ann's undo gives her call back to @xavier-ho; Bob's notes stay with the merged person.
        try team.tend("ann", ["undo"])
        #expect(try team.lines("ann", "interactions show note, people") == ["note,people", "pricing,Xavier Ho"])
        #expect(try team.lines("bob", bobs).dropFirst() == ["wants to sell the firm,Xavi Ho", "the same man twice,Xavi Ho"])
    }

    /// The function a merge moves other members' notes with is for members alone, and refuses
    /// what no merge asks: nobody moves a private note off its person outside a merge that way.
    @Test func theMergeFunctionIsForMergesAlone() throws {
        let team = try Team(["ann", "bob"], contacts: "add \"Xavier Ho\"\nadd \"Xavi Ho\"\n")
        try team.tend("bob", ["-e", "log note with @xavier-ho \"wants to sell the firm\" private"])
        let ids = try team.psql("ann", "SELECT string_agg(id::text, ',' ORDER BY id) FROM contacts").split(separator: ",")
        let (xavier, xavi) = (String(ids[0]), String(ids[1]))
        let stranger = "stranger_\(UUID().uuidString.prefix(8).lowercased())"
        try TestCluster.psql("CREATE ROLE \(stranger) LOGIN NOSUPERUSER NOBYPASSRLS", url: team.url)
        let strangerURL = team.url.replacingOccurrences(of: "//\(TestCluster.role)@", with: "//\(stranger)@")
        #expect(throws: (any Error).self) { try TestCluster.psql("SELECT tend_merge_people(\(xavier), \(xavi))", url: strangerURL) }
        #expect(throws: (any Error).self) { try team.psql("ann", "SELECT tend_merge_people(\(xavier), \(xavier))") }
        #expect(throws: (any Error).self) { try team.psql("ann", "SELECT tend_merge_people(\(xavier), 999999999)") }
        let onXavier = "SELECT count(*) FROM interaction_people p JOIN contacts c ON c.id = p.contact_id WHERE c.handle = 'xavier-ho'"
        #expect(try team.psql("bob", onXavier) == "1")
        // A member calling it in psql, both people kept: refused at commit (Bob's private note
        // was moved to Xavi, unrecorded, and Xavier stayed); as part of a whole merge, allowed.
        #expect(throws: (any Error).self) { try team.psql("ann", "SELECT tend_merge_people(\(xavier), \(xavi))") }
        #expect(try team.psql("bob", onXavier) == "1")
        #expect(throws: (any Error).self) {
            try team.psql("ann", "BEGIN; SELECT tend_merge_people(\(xavier), \(xavi)); SET CONSTRAINTS ALL IMMEDIATE; COMMIT;")
        }
        #expect(try team.psql("bob", onXavier) == "1")
        try team.tend("ann", ["-e", "merge @xavier-ho into @xavi-ho"])
        #expect(try team.lines("bob", "interactions show note, people") == ["note,people", "wants to sell the firm,Xavi Ho"])
    }

    /// The tables' owner restores a team's dump, every event keeping who logged it, as the
    /// database's own trigger allows: Tend refused the owner first ("by: … not bob").
    @Test func theOwnerRestoresATeamsDump() throws {
        let team = try Team(["ann", "bob"], contacts: "add \"Xavier Ho\"\n", owner: "ann")
        try team.tend("bob", ["-e", "log call with @xavier-ho"])
        let dump = try team.tend("ann", ["dump"]).stdout
        #expect(dump.contains("by: \"\(team.roles["bob"]!)\""), "\(dump)")
        let fresh = try TestCluster.freshDatabase("restore")
        let database = fresh.split(separator: "/").last!
        try TestCluster.psql("ALTER DATABASE \(database) OWNER TO \(team.roles["ann"]!)", url: fresh)
        let annURL = fresh.replacingOccurrences(of: "//\(TestCluster.role)@", with: "//\(team.roles["ann"]!)@")
        let r = try CLI.run(["run", "-"], stdin: dump, in: CLI.tempDir(), env: ["TEND_DB": annURL, "TEND_TODAY": "2026-11-23"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(try TestCluster.psql("SELECT \"by\" FROM interactions", url: fresh) == team.roles["bob"]!)
        // A member who is not the owner still may not log in another's name.
        let bob = try CLI.run(["-e", "log call with @xavier-ho by: \"\(team.roles["ann"]!)\""], in: CLI.tempDir(), env: ["TEND_DB": team.url(as: "bob")])
        #expect(bob.status == 3 && bob.stderr.contains("by: names who logged an event"), "\(bob.stderr)")
        // Nor may the owner write another's private note (row-level security's refusal, in words).
        let note = try CLI.run(
            ["-e", "log note with @xavier-ho \"n\" private by: \"\(team.roles["bob"]!)\""], in: CLI.tempDir(), env: ["TEND_DB": annURL])
        #expect(note.status == 3, "\(note.stderr)")
        #expect(note.stderr.contains("error: a private note is its author's alone: only \(team.roles["bob"]!) may write one in their name"), "\(note.stderr)")
        #expect(!note.stderr.contains("row-level security policy"), "\(note.stderr)")
    }

    /// A member who owns the tables does not read another member's journal, whose images hold
    /// their private notes (row-level security was on but not forced on the owner).
    @Test func theOwnersRoleDoesNotReadAnothersJournal() throws {
        let team = try Team(["ann", "bob"], contacts: "add \"Xavier Ho\"\n", owner: "ann")
        try team.tend("bob", ["-e", "log note with @xavier-ho \"wants to sell the firm\" private"])
        #expect(try team.psql("bob", "SELECT count(*) FROM journal_rows WHERE after::text LIKE '%sell the firm%'") != "0")
        #expect(try team.psql("ann", "SELECT count(*) FROM journal_rows WHERE after::text LIKE '%sell the firm%'") == "0")
        #expect(try team.psql("ann", "SELECT count(*) FROM journal WHERE member <> current_user") == "0")
    }

    /// A team database an older Tend made is brought up to date by the role that owns its
    /// tables: a member's command says so, and changes nothing, until the owner has run one.
    @Test func anOlderTeamDatabaseWaitsForItsOwner() throws {
        let team = try Team(["bob"], contacts: "add \"Cleo Diaz\"\n")
        try TestCluster.psql(
            """
            DROP POLICY merging ON interactions; DROP POLICY merging ON interaction_people;
            DROP FUNCTION tend_merge_people(BIGINT, BIGINT);
            DELETE FROM tend_migrations WHERE identifier = 'v4 merging others'' notes';
            """, url: team.url)
        let refused = try CLI.run(["-e", "log call with @cleo-diaz"], in: CLI.tempDir(), env: ["TEND_DB": team.url(as: "bob")])
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("only the role that owns its tables (\(TestCluster.role)) may bring it up to date"), "\(refused.stderr)")
        // Under --read-only as well: the owner is named (it said "a command that may write (not
        // --read-only) brings it up to date", which a member's command cannot).
        let reading = try CLI.run(["--read-only", "agenda"], in: CLI.tempDir(), env: ["TEND_DB": team.url(as: "bob")])
        #expect(reading.status == 3 && reading.stderr.contains("only the role that owns its tables (\(TestCluster.role))"), "\(reading.stderr)")
        #expect(try TestCluster.psql("SELECT count(*) FROM interactions", url: team.url) == "0")
        let owner = try CLI.run(["-e", "log call with @cleo-diaz"], in: CLI.tempDir(), env: ["TEND_DB": team.url])
        #expect(owner.status == 0, "\(owner.stderr)")
        try team.tend("bob", ["-e", "log call with @cleo-diaz"])
        #expect(try TestCluster.psql("SELECT count(*) FROM interactions", url: team.url) == "2")
    }

    @Test func asIsSetRoleAndPostgreSQLDecides() throws {
        let team = try Team(["ann", "bob"], contacts: "add \"Cleo Diaz\"\n")
        // The superuser may act as Ann: what it logs is Ann's.
        let r = try CLI.run(
            ["--as", team.roles["ann"]!, "-e", "log call with @cleo-diaz"], in: CLI.tempDir(), env: ["TEND_DB": team.url])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(try team.psql("ann", "SELECT \"by\" FROM interactions") == team.roles["ann"]!)
        // Bob may not act as Ann: refused in words, as other connection errors are, and nothing written.
        let refused = try CLI.run(
            ["-e", "log call with @cleo-diaz"], in: CLI.tempDir(), env: ["TEND_DB": team.url(as: "bob"), "TEND_AS": team.roles["ann"]!])
        #expect(refused.status == 3, "\(refused.stderr)")
        #expect(refused.stderr.contains("cannot act as \(team.roles["ann"]!): permission denied"), "\(refused.stderr)")
        #expect(try team.psql("ann", "SELECT count(*) FROM interactions") == "1")
        // --as none is no member: SET ROLE none would act as the login itself.
        let none = try CLI.run(["--as", "None", "-e", "log call with @cleo-diaz"], in: CLI.tempDir(), env: ["TEND_DB": team.url(as: "bob")])
        #expect(none.status == 3 && none.stderr.contains("cannot act as None: it is PostgreSQL's word for no role"), "\(none.stderr)")
        #expect(try team.psql("ann", "SELECT count(*) FROM interactions") == "1")
    }

    @Test func snoozesAreEachMembersAndStageChangesSayWho() throws {
        let team = try Team(["ann", "bob"], contacts: "add \"Cleo Diaz\"\n")
        try team.tend("ann", ["-e", "snooze @cleo-diaz until 2026-12-31"])
        #expect(try team.lines("ann", "contacts show snoozed_until") == ["snoozed_until", "2026-12-31"])
        #expect(try team.lines("bob", "contacts where snoozed_until == null show name") == ["name", "Cleo Diaz"])
        #expect(try team.psql("bob", "SELECT count(*) FROM snoozes") == "0")
        #expect(try team.psql("ann", "SELECT count(*) FROM snoozes") == "1")
        try team.tend("ann", ["-e", "unsnooze @cleo-diaz"])
        #expect(try team.lines("ann", "contacts where snoozed_until == null show name") == ["name", "Cleo Diaz"])
        #expect(try TestCluster.psql("SELECT count(*) FROM snoozes", url: team.url) == "0")
        try team.tend("bob", ["-e", "set @cleo-diaz stage: visibility"])
        #expect(try team.psql("ann", "SELECT \"by\" FROM stage_changes") == team.roles["bob"]!)
    }

    /// The people a member's own mail saw who are not contacts are that member's alone, as
    /// their mail is (every member's `report candidates` listed everyone's correspondents);
    /// two members who saw the same address keep a sighting each.
    @Test func sightingsAreEachMembersOwn() throws {
        let team = try Team(["ann", "bob"], contacts: "add \"Cleo Diaz\" email: \"cleo@diaz.example\"\n")
        func mbox(_ to: String, _ id: String) -> String {
            "From me@example.com Mon Nov 16 10:00:00 2026\nFrom: me@example.com\nTo: \(to)\nDate: Mon, 16 Nov 2026 10:00:00 +0000\nMessage-ID: <\(id)@example.com>\n\nHi\n\n"
        }
        for name in ["ann", "bob"] { try team.tend(name, ["-e", "set me emails: [\"me@example.com\"]"]) }
        try team.tend("ann", ["import", "mbox", "-"], stdin: mbox("Divorce Lawyer <lawyer@divorce.example>", "a") + mbox("shared@x.example", "s"))
        try team.tend("bob", ["import", "mbox", "-"], stdin: mbox("shared@x.example", "s"))
        let ann = try team.lines("ann", "report candidates").joined(separator: "\n")
        let bob = try team.lines("bob", "report candidates").joined(separator: "\n")
        #expect(ann.contains("lawyer@divorce.example") && ann.contains("shared@x.example"), "\(ann)")
        #expect(!bob.contains("lawyer@divorce.example") && bob.contains("shared@x.example"), "\(bob)")
        #expect(try team.psql("bob", "SELECT count(*) FROM candidate_sightings") == "1")
    }

    /// An event is logged by the member who logs it: `by:` naming another member is refused
    /// (bob logged a lunch, and could make it private, as ann), and `tend push` records the
    /// pushing member, whoever the personal file names.
    @Test func noMemberLogsInAnothersName() throws {
        let team = try Team(["ann", "bob"], contacts: "add \"Cleo Diaz\"\n")
        let ann = team.roles["ann"]!
        let forged = try CLI.run(
            ["-e", "log lunch with @cleo-diaz note: \"forged\" by: \"\(ann)\""], in: CLI.tempDir(), env: ["TEND_DB": team.url(as: "bob")])
        #expect(forged.status == 3 && forged.stderr.contains("by: names who logged an event"), "\(forged.stderr)")
        let referred = try CLI.run(["-e", "refer \"x\" to @cleo-diaz by: \"\(ann)\""], in: CLI.tempDir(), env: ["TEND_DB": team.url(as: "bob")])
        #expect(referred.status == 3, "\(referred.stderr)")
        try team.tend("bob", ["-e", "log call with @cleo-diaz by: \"\(team.roles["bob"]!)\""])
        #expect(try TestCluster.psql("SELECT string_agg(\"by\", ',') FROM interactions", url: team.url) == team.roles["bob"]!)
        // A personal file whose events say ann, pushed by bob.
        let dir = CLI.tempDir()
        let file = dir.appendingPathComponent("bob.db").path
        #expect(try CLI.run(["--db", file, "--as", ann, "-e", "add \"Cleo Diaz\""], in: dir).status == 0)
        #expect(try CLI.run(["--db", file, "--as", ann, "-e", "log coffee with @cleo-diaz on 2026-11-20"], in: dir).status == 0)
        let pushed = try CLI.run(["--db", file, "push", team.url(as: "bob")], in: dir)
        #expect(pushed.status == 0, "\(pushed.stderr)")
        #expect(
            try TestCluster.psql("SELECT \"by\" FROM interactions WHERE kind = 'coffee'", url: team.url) == team.roles["bob"]!)
    }

    /// The database keeps each event's author, whatever program writes (before, Tend alone did):
    /// through psql Bob can neither log in Ann's name nor take over her call (making it his
    /// and private would hide it from her); an insert naming no one is his. Undoing his removal
    /// of a contact still puts back Ann's events it took with it, in her name.
    @Test func theDatabaseKeepsEachEventsAuthor() throws {
        let team = try Team(["ann", "bob"], contacts: "add \"Cleo Diaz\"\nadd \"Dan Ek\"\n")
        let (ann, bob) = (team.roles["ann"]!, team.roles["bob"]!)
        try team.tend("ann", ["run", "-"], stdin: """
            log call with @cleo-diaz on 2026-11-10 note: "ann's call"
            refer "roof" to @cleo-diaz on 2026-11-11
            spend 40 at @cleo-diaz on 2026-11-12
            """)
        let forgeries = [
            "INSERT INTO interactions (kind, \"on\", note, \"by\") VALUES ('call', '2026-11-13', 'forged', '\(ann)')",
            "INSERT INTO referrals (direction, contact_id, \"on\", \"by\") VALUES ('given', 1, '2026-11-13', '\(ann)')",
            "INSERT INTO spending (contact_id, amount_cents, \"on\", \"by\") VALUES (1, 100, '2026-11-13', 'nobody_at_all')",
            "UPDATE interactions SET \"by\" = '\(bob)', private = 1 WHERE note = 'ann''s call'",
            "UPDATE referrals SET \"by\" = NULL",
        ]
        for sql in forgeries {
            #expect(throws: TestCluster.PsqlFailed.self, "\(sql)") { try team.psql("bob", sql) }
        }
        #expect(try team.lines("ann", "interactions show note, by") == ["note,by", "ann's call,\(ann)"])
        // What is shared stays shared: Bob may correct the call's note, and an event naming no one is his.
        _ = try team.psql("bob", "UPDATE interactions SET note = 'ann''s call (30 min)' WHERE note = 'ann''s call'")
        _ = try team.psql("bob", "INSERT INTO stage_changes (contact_id, stage, \"on\", \"by\") VALUES (2, 2, '2026-11-13', NULL)")
        #expect(try team.psql("ann", "SELECT \"by\" FROM stage_changes WHERE contact_id = 2 AND stage = 2") == bob)

        try team.tend("bob", ["-e", "remove @cleo-diaz"])
        #expect(try team.lines("ann", "count(interactions) + count(referrals) + count(spending)") == ["0"])
        try team.tend("bob", ["-e", "undo"])
        #expect(try team.lines("ann", "interactions show note, by") == ["note,by", "ann's call (30 min),\(ann)"])
        #expect(try team.psql("bob", "SELECT string_agg(\"by\", ',') FROM referrals") == ann)
        #expect(try team.psql("bob", "SELECT string_agg(\"by\", ',') FROM spending") == ann)
        // An undo's row comes back once: Bob cannot put Ann's call back again after she removes it.
        try team.tend("ann", ["-e", "remove interaction 1"])
        let again = "SELECT set_config('tend.journal', 'off', false); INSERT INTO interactions SELECT * FROM jsonb_populate_record(NULL::interactions, "
            + "(SELECT before FROM journal_rows WHERE tbl = 'interactions' AND after IS NULL AND before->>'by' = '\(ann)' ORDER BY seq DESC LIMIT 1))"
        #expect(throws: TestCluster.PsqlFailed.self) { try team.psql("bob", again) }
        // A journal entry Bob writes himself is no witness: with it he still cannot log in Ann's name.
        try team.tend("ann", ["-e", "log call with @cleo-diaz on 2026-11-14 note: \"ann's second call\""])
        let forged = """
            INSERT INTO journal_rows (change_id, tbl, before) SELECT 999999, 'interactions', to_jsonb(i) || '{"id": 900, "note": "forged"}'
              FROM interactions i WHERE note = 'ann''s second call';
            SELECT set_config('tend.journal', 'off', false);
            INSERT INTO interactions SELECT * FROM jsonb_populate_record(NULL::interactions, (SELECT before FROM journal_rows WHERE change_id = 999999))
            """
        #expect(throws: TestCluster.PsqlFailed.self) { try team.psql("bob", forged) }
        #expect(try team.psql("ann", "SELECT count(*) FROM interactions WHERE note = 'forged'") == "0")
        // What the database keeps to tell is no member's to read or write, whatever the grants.
        #expect(throws: TestCluster.PsqlFailed.self) { try team.psql("bob", "INSERT INTO event_images VALUES ('interactions', '{}', '\(bob)')") }
        #expect(try team.psql("bob", "SELECT count(*) FROM event_images") == "0")
    }

    /// Another member cannot take away one's standing as a member (the next session installed
    /// the standard definitions over one's own) nor read or change who helps with one's goals.
    @Test func aMembersRowAndGoalHelpersAreTheirOwn() throws {
        let team = try Team(["ann", "bob"], contacts: "add \"Cleo Diaz\"\n")
        let ann = team.roles["ann"]!
        try team.tend("ann", ["run", "-"], stdin: "let w_stage = 7\ngoal \"Grow\" by 2027-03-31\nhelps @cleo-diaz \"Grow\"\n")
        _ = try team.psql("bob", "DELETE FROM members WHERE name = '\(ann)'")
        _ = try team.psql("bob", "DELETE FROM goal_helpers")
        #expect(try team.psql("bob", "SELECT count(*) FROM goal_helpers") == "0")
        #expect(try team.psql("ann", "SELECT count(*) FROM members WHERE name = '\(ann)'") == "1")
        #expect(try team.lines("ann", "w_stage") == ["7"])
        #expect(try team.lines("ann", "who can help \"Grow\" show handle") == ["handle", "cleo-diaz"])
        // Even a member who removed their own row keeps their definitions.
        _ = try team.psql("ann", "DELETE FROM members WHERE name = '\(ann)'")
        #expect(try team.lines("ann", "w_stage") == ["7"])
        #expect(throws: TestCluster.PsqlFailed.self) { try team.psql("bob", "INSERT INTO members VALUES ('\(ann)x')") }
    }

    /// A member's undo of a contact they added is refused once another member has logged an
    /// event with that contact: the contact's delete took the other's call's person with it.
    @Test func undoLeavesAnotherMembersEventsWhole() throws {
        let team = try Team(["ann", "bob"], contacts: "add \"Cleo Diaz\"\n")
        try team.tend("bob", ["-e", "add \"Bo New\""])
        try team.tend("ann", ["-e", "log call with @bo-new note: \"ann's call\""])
        let undo = try CLI.run(["-e", "undo"], in: CLI.tempDir(), env: ["TEND_DB": team.url(as: "bob")])
        #expect(undo.status == 3 && undo.stderr.contains("nothing was undone"), "\(undo.stderr)")
        #expect(try team.lines("ann", "interactions show note, people") == ["note,people", "ann's call,Bo New"])
    }

    /// A member's undo of a contact's removal puts the contact back although another member had
    /// snoozed it or closed an item of it: those rows, the other's own, went with the contact by
    /// the cascade, and putting them back broke the policy ("new row violates row-level security
    /// policy for table snoozes"), so nothing came back; nor are they in the remover's journal.
    @Test func undoingARemovalLeavesOtherMembersOwnRowsOut() throws {
        let team = try Team(["ann", "bob"], contacts: "add \"Cleo Diaz\" stage: credibility\nadd \"Dee Ray\"\n")
        try team.tend("bob", ["-e", "snooze @cleo-diaz 2w"])
        try team.tend("bob", ["-e", "done @cleo-diaz rule \"plan a next step\""])
        try team.tend("ann", ["--yes", "-e", "remove @cleo-diaz"])
        let undo = try CLI.run(["-e", "undo"], in: CLI.tempDir(), env: ["TEND_DB": team.url(as: "ann")])
        #expect(undo.status == 0, "\(undo.stderr)")
        #expect(try team.lines("ann", "count(contacts where handle == \"cleo-diaz\")") == ["1"])
        #expect(try team.psql("ann", "SELECT count(*) FROM journal_rows WHERE tbl IN ('snoozes', 'agenda_items')") == "0")
    }

    /// A new member's first runs, started at once, all succeed: installing the member's prelude
    /// is tried again on a conflict like any run (three of four failed with the server's words).
    @Test func aNewMembersFirstRunsAtOnceAllSucceed() throws {
        let team = try Team(["ann", "dave"], contacts: "add \"Cleo Diaz\"\n")
        let url = team.url(as: "dave")
        let results = PostgresConcurrencyTests.Results(count: 4)
        DispatchQueue.concurrentPerform(iterations: 4) { i in
            results.set(i, Result { try CLI.run(["-e", "count(contacts)"], in: CLI.tempDir(), env: ["TEND_DB": url]) })
        }
        let all = results.all.compactMap { try? $0?.get() }
        #expect(all.count == 4 && all.allSatisfy { $0.status == 0 && $0.stdout == "1\n" }, "\(all.map(\.stderr))")
    }

    /// A member granted reading alone reads, with the standard definitions (their first session
    /// could not install them: "permission denied for table definitions", exit 3), and writes nothing.
    @Test func aMemberWhoMayOnlyReadReads() throws {
        let team = try Team(["ann"], contacts: "add \"Cleo Diaz\"\n")
        let dave = "dave_\(UUID().uuidString.prefix(8).lowercased())"
        try TestCluster.psql("CREATE ROLE \(dave) LOGIN NOSUPERUSER NOBYPASSRLS; GRANT SELECT ON ALL TABLES IN SCHEMA public TO \(dave)", url: team.url)
        let url = team.url.replacingOccurrences(of: "//\(TestCluster.role)@", with: "//\(dave)@")
        for args in [["agenda"], ["-e", "count(contacts)"]] {
            let r = try CLI.run(args, in: CLI.tempDir(), env: ["TEND_DB": url, "TEND_TODAY": "2026-11-23"])
            #expect(r.status == 0, "\(args): \(r.stderr)")
        }
        #expect(try TestCluster.psql("SELECT count(*) FROM definitions WHERE member = '\(dave)'", url: team.url) == "0")
    }

    /// A role not granted the tables is told so, not that there is no database there (the
    /// catalog it read listed only the tables it may read).
    @Test func aRoleWithoutRightsIsToldSo() throws {
        let team = try Team(["ann"], contacts: "add \"Cleo Diaz\"\n")
        let eve = "eve_\(UUID().uuidString.prefix(8).lowercased())"
        try TestCluster.psql("CREATE ROLE \(eve) LOGIN NOSUPERUSER NOBYPASSRLS", url: team.url)
        let url = team.url.replacingOccurrences(of: "//\(TestCluster.role)@", with: "//\(eve)@")
        for args in [["-e", "count(contacts)"], ["--read-only", "-e", "count(contacts)"]] {
            let r = try CLI.run(args, in: CLI.tempDir(), env: ["TEND_DB": url])
            #expect(r.status == 3 && r.stderr.contains("permission denied") && !r.stderr.contains("no database"), "\(args): \(r.stderr)")
        }
        #expect(try TestCluster.psql("SELECT count(*) FROM contacts", url: team.url) == "1")
    }

    @Test func aNewMembersReadOnlyRunWritesNothing() throws {
        let team = try Team(["ann"], contacts: "add \"Cleo Diaz\"\n")
        let r = try CLI.run(["--read-only", "--format", "csv", "-e", "count(contacts)"], in: CLI.tempDir(), env: ["TEND_DB": team.url(as: "ann")])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout == "1\n")
        #expect(try TestCluster.psql("SELECT count(*) FROM definitions WHERE member = '\(team.roles["ann"]!)'", url: team.url) == "0")
        #expect(try TestCluster.psql("SELECT count(*) FROM members", url: team.url) == "1")
        // It has the standard rules as her first session will (a read-only CI check ran with none).
        let page = try CLI.run(["--read-only", "--format", "csv", "-e", "count(rules)"], in: CLI.tempDir(), env: ["TEND_DB": team.url(as: "ann")])
        #expect(page.status == 0 && (Int(page.stdout.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0) > 3, "\(page.stdout)\(page.stderr)")
        #expect(try TestCluster.psql("SELECT count(*) FROM definitions WHERE member = '\(team.roles["ann"]!)'", url: team.url) == "0")
        // Her first run that may write installs her standard definitions.
        try team.tend("ann", ["-e", "count(contacts)"])
        #expect(try team.psql("ann", "SELECT count(*) > 10 FROM definitions") == "t")
    }

    /// A week of a referral group: three members share the chapter's contacts; each logs
    /// touches, has their own me, rules and closed agenda items, and so their own agenda.
    @Test func aWeekOfAReferralGroup() throws {
        let team = try Team(
            ["ann", "bob", "cat"],
            contacts: """
                add "Cleo Diaz" profession: "accountant" met_on: 2026-01-10 cadence: 1mo +chapter
                add "Dev Shah" profession: "roofer" met_on: 2026-02-01 cadence: 1mo +chapter
                add "Eva Lind" profession: "florist" met_on: 2026-03-01 cadence: 1mo +chapter
                add "Finn Ode" profession: "lawyer" met_on: 2026-04-01 cadence: 2mo
                """)
        let (ann, cat) = (team.roles["ann"]!, team.roles["cat"]!)
        // Monday: each sets up their own me and rules.
        let monday = "2026-11-16"
        try team.tend("ann", ["run", "-"], stdin: """
            set me name: "Ann Arbor", profession: "insurance"
            rule "chapter first" when +chapter and touches_90d == 0 then remind "Meet {name} one to one" priority 9
            """, today: monday)
        try team.tend("bob", ["run", "-"], stdin: """
            set me name: "Bob Byrne", profession: "mortgages"
            rule "lawyers" when profession == "lawyer" then remind "Ask {name} about closings" priority 8
            """, today: monday)
        try team.tend("cat", ["-e", "set me name: \"Cat Ng\""], today: monday)
        let agenda = { (name: String, today: String) in
            Set(try team.lines(name, "agenda where rule in [\"chapter first\", \"lawyers\"] show contact, rule", today: today).dropFirst())
        }
        // Each has their own rules, and so their own agenda over the same contacts.
        #expect(try agenda("ann", monday) == ["cleo-diaz,chapter first", "dev-shah,chapter first", "eva-lind,chapter first"])
        #expect(try agenda("bob", monday) == ["finn-ode,lawyers"])
        #expect(try agenda("cat", monday) == [])
        #expect(try team.psql("ann", "SELECT count(*) FROM definitions WHERE name = 'lawyers'") == "0")
        #expect(try team.psql("bob", "SELECT count(*) FROM definitions WHERE name = 'lawyers'") == "1")
        // Each member got the prelude: the standard rules are everyone's.
        #expect(try team.psql("cat", "SELECT count(*) FROM definitions WHERE name = 'stay in touch'") == "1")

        // The week: touches by each, one private note.
        try team.tend("ann", ["-e", "log coffee with @cleo-diaz note: \"1-2-1\""], today: "2026-11-17")
        try team.tend("bob", ["-e", "log call with @dev-shah"], today: "2026-11-18")
        try team.tend("cat", ["-e", "log lunch with @cleo-diaz"], today: "2026-11-19")
        try team.tend("ann", ["-e", "refer \"Gus Hale\" to @eva-lind"], today: "2026-11-19")
        try team.tend("bob", ["-e", "log note with @finn-ode note: \"thinks of leaving his firm\" private"], today: "2026-11-20")
        try team.tend("cat", ["-e", "introduce @dev-shah and @finn-ode"], today: "2026-11-20")
        try team.tend("bob", ["-e", "done @finn-ode rule \"lawyers\""], today: "2026-11-20")
        let friday = "2026-11-21"

        // Shared contacts and the whole team's touches; who touched each last.
        let touched = try team.lines("cat", "contacts sort by name show name, touches, last_touch, last_touch_by", today: friday)
        #expect(
            touched == [
                "name,touches,last_touch,last_touch_by", "Cleo Diaz,2,2026-11-19,\(cat)", "Dev Shah,2,2026-11-20,\(cat)",
                "Eva Lind,1,2026-11-19,\(ann)", "Finn Ode,1,2026-11-20,\(cat)",
            ], "\(touched)")
        // Each member's own: interactions where by == me, and me.
        #expect(try team.lines("ann", "interactions where by == me show kind, contact", today: friday) == ["kind,contact", "coffee,cleo-diaz"])
        #expect(
            try team.lines("bob", "interactions where by == me sort by on show kind, contact", today: friday)
                == ["kind,contact", "call,dev-shah", "note,finn-ode"])
        #expect(try team.lines("cat", "interactions where by == me show kind", today: friday) == ["kind", "lunch"])
        #expect(try team.lines("ann", "me.name", today: friday) == ["Ann Arbor"])
        #expect(try team.lines("bob", "me.name", today: friday) == ["Bob Byrne"])
        // Bob's private note: his alone.
        #expect(try team.lines("ann", "count(interactions)", today: friday) == ["3"])
        #expect(try team.lines("bob", "count(interactions)", today: friday) == ["4"])
        // The team's touches count for everyone: Ann's chapter contacts were all touched this week.
        #expect(try agenda("ann", friday) == [])
        // Bob closed his item on Finn for himself alone.
        #expect(try agenda("bob", friday) == [])
        #expect(try team.psql("bob", "SELECT count(*) FROM agenda_items") == "1")
        #expect(try team.psql("ann", "SELECT count(*) FROM agenda_items") == "0")
    }
}
