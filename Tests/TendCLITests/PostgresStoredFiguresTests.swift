import Foundation
import TendTestSupport
import Testing

/// Every contact's figures kept in a team's PostgreSQL database (`figures`, #22): PostgreSQL
/// keeps them itself whoever writes, they count no one's private notes, each member reads them
/// with their own private interactions added, and no member can change them.
@Suite(.enabled(if: TestCluster.available, Comment(rawValue: TestCluster.skipped)))
struct PostgresStoredFiguresTests {
    typealias Team = PostgresMemberTests.Team

    static let people = """
        add "Cleo Diaz" profession: "accountant"
        add "Dev Rao" profession: "lawyer"
        add "Eli Moss" profession: "banker"
        add "Fay Lin" profession: "designer"
        """

    /// Every figure of every contact, as the member sees them.
    static let everyFigure =
        "contacts sort by handle show handle, touches, touches_90d, last_touch, last_touch_by, gave, asked, inbound, "
        + "referrals_given, referrals_received, introductions, degree, spend, stage_since"

    /// Expects psql to refuse `sql` with a message holding `words` (not any error: a typo too is one).
    func expectRefused(_ team: Team, _ member: String, _ sql: String, _ words: String, sourceLocation: SourceLocation = #_sourceLocation) {
        do {
            let out = try team.psql(member, sql)
            Issue.record("not refused, printed \(out)", sourceLocation: sourceLocation)
        } catch let e as TestCluster.PsqlFailed {
            #expect(e.message.contains(words), "\(e.message)", sourceLocation: sourceLocation)
        } catch {
            Issue.record(error, sourceLocation: sourceLocation)
        }
    }

    /// The figures as the member reads them, and then as summing every event gives them (the
    /// member's right to read the stored rows taken by the cluster's superuser for the second
    /// read, and given back: Tend then sums every figure from the events, as before v14).
    func readAndSummed(
        _ team: Team, _ member: String, _ statement: String = everyFigure, today: String = "2026-11-23"
    ) throws -> (read: [String], summed: [String]) {
        let read = try team.lines(member, statement, today: today)
        #expect(try TestCluster.psql("SELECT count(*) FROM figures", url: team.url) != "0")
        let role = team.roles[member]!
        try TestCluster.psql("REVOKE SELECT ON figures FROM \(role)", url: team.url)
        let summed = try team.lines(member, statement, today: today)
        try TestCluster.psql("GRANT SELECT ON figures TO \(role)", url: team.url)
        return (read, summed)
    }

    /// Every figure Ann and Bob read is what summing the events each may see gives.
    func expectEachMemberReadsAsSummed(_ team: Team, _ when: String) throws {
        for member in ["ann", "bob"] {
            let (read, summed) = try readAndSummed(team, member)
            #expect(read == summed, "\(member) \(when)")
        }
    }

    /// The stored rows are what working out every contact's again gives: the cluster's superuser
    /// removes every row and empties and refills `knows` in one transaction (its TRUNCATE notes
    /// every contact, and each row is made again).
    func expectStoredRowsAsRecomputed(_ team: Team, _ comment: Comment) throws {
        let rows = "SELECT * FROM figures ORDER BY contact_id"
        let kept = try TestCluster.psql(rows, url: team.url)
        try TestCluster.psql(
            "DELETE FROM figures; CREATE TEMPORARY TABLE k AS SELECT * FROM knows; TRUNCATE knows; INSERT INTO knows SELECT * FROM k", url: team.url)
        #expect(try TestCluster.psql(rows, url: team.url) == kept, comment)
        #expect(!kept.isEmpty)
    }

    @Test func theStoredFiguresAreWhatSummingTheEventsGivesForEachMember() throws {
        let team = try Team(["ann", "bob"], contacts: Self.people)
        try team.tend("ann", ["run", "-"], stdin: """
            log lunch with @cleo-diaz on 2026-11-10 gave
            log call with @cleo-diaz and @dev-rao on 2026-10-01 asked
            log lunch with @dev-rao on 2026-11-20 private gave
            log note with @eli-moss "thinking of moving" on 2026-11-21 private
            refer "Fay Lin" to @cleo-diaz on 2026-09-01
            introduce @eli-moss and @fay-lin on 2026-08-15
            spend 120.50 at @fay-lin on 2026-07-01
            set @eli-moss stage: credibility
            knows @cleo-diaz @dev-rao
            """)
        try team.tend("bob", ["run", "-"], stdin: """
            log coffee with @dev-rao on 2026-11-22 inbound
            log call with @eli-moss on 2026-11-01 private
            """)
        // Another program writes as Bob: an interaction and its person, a date moved, one removed.
        try team.psql("bob", """
            INSERT INTO interactions (id, kind, "on") VALUES (900, 'meeting', '2026-11-23');
            INSERT INTO interaction_people (interaction_id, contact_id, position) VALUES (900, (SELECT id FROM contacts WHERE handle = 'eli-moss'), 0);
            """)
        try team.psql("ann", #"UPDATE interactions SET "on" = '2026-11-18' WHERE kind = 'lunch' AND private = 0"#)
        try team.psql("bob", "DELETE FROM interactions WHERE kind = 'coffee'")
        // A savepoint rolled back takes its notes with it; what follows it is noted anew.
        let spend = { (handle: String) in
            #"INSERT INTO spending (contact_id, amount_cents, "on") VALUES ((SELECT id FROM contacts WHERE handle = '\#(handle)'), 700, '2026-11-03')"#
        }
        try team.psql("bob", "BEGIN; SAVEPOINT s; \(spend("cleo-diaz")); ROLLBACK TO SAVEPOINT s; \(spend("dev-rao")); COMMIT;")
        try team.psql("bob", "BEGIN; \(spend("eli-moss")); SAVEPOINT s; \(spend("fay-lin")); ROLLBACK TO SAVEPOINT s; COMMIT;")
        try team.psql("bob", "BEGIN; \(spend("eli-moss")); ROLLBACK;")
        try expectStoredRowsAsRecomputed(team, "after writes by Tend and psql")
        let spent = "SELECT string_agg(c.handle || '=' || f.spend_cents, ' ' ORDER BY c.handle) FROM figures f JOIN contacts c ON c.id = f.contact_id"
        #expect(try team.psql("bob", spent) == "cleo-diaz=0 dev-rao=700 eli-moss=700 fay-lin=12050")
        for member in ["ann", "bob"] {
            for statement in [Self.everyFigure, "agenda all"] {
                let (read, summed) = try readAndSummed(team, member, statement)
                #expect(read == summed, "\(member): \(statement)")
            }
        }
        let ann = try team.lines("ann", Self.everyFigure)
        let bob = try team.lines("bob", Self.everyFigure)
        // Ann's private lunch with Dev counts for her alone, Bob's private call with Eli for him.
        #expect(ann.first { $0.hasPrefix("dev-rao,") }?.hasPrefix("dev-rao,2,2,2026-11-20,\(team.roles["ann"]!),1,1,") == true, "\(ann)")
        #expect(bob.first { $0.hasPrefix("dev-rao,") }?.hasPrefix("dev-rao,1,1,2026-10-01,\(team.roles["ann"]!),0,1,") == true, "\(bob)")
        #expect(ann.first { $0.hasPrefix("eli-moss,") }?.hasPrefix("eli-moss,2,1,2026-11-23,\(team.roles["bob"]!),") == true, "\(ann)")
        #expect(bob.first { $0.hasPrefix("eli-moss,") }?.hasPrefix("eli-moss,3,2,2026-11-23,\(team.roles["bob"]!),") == true, "\(bob)")
        // The stored rows count no one's private interactions: what Bob reads of them in psql.
        let stored = try team.psql("bob", "SELECT touches, gave FROM figures f JOIN contacts c ON c.id = f.contact_id WHERE c.handle = 'dev-rao'")
        #expect(stored == "1|0")
    }

    /// Contacts selected by a figure are selected by the stored rows, and the figures of many
    /// selected contacts read from them: the member's private interactions count for them.
    @Test func aSelectionByFiguresIsWhatSummingGivesForEachMember() throws {
        let many = (1...260).map { "add \"Person \($0)\" profession: \"p\($0 % 7)\"" }.joined(separator: "\n")
        let team = try Team(["ann", "bob"], contacts: many)
        let logs = (1...260).map { n -> String in
            let day = String(format: "2026-%02d-%02d", 1 + n % 11, 1 + n % 27)
            return "log \(n % 3 == 0 ? "call" : "lunch") with @person-\(n) on \(day)\(n % 4 == 0 ? " private" : "")\(n % 5 == 0 ? " gave" : "")"
        }
        try team.tend("ann", ["run", "-"], stdin: logs.filter { $0.hasSuffix("private") || $0.contains("private ") }.joined(separator: "\n"))
        try team.tend("bob", ["run", "-"], stdin: logs.filter { !$0.contains("private") }.prefix(150).joined(separator: "\n"))
        let statements = [
            "contacts where touches >= 1 sort by handle show handle, touches, last_touch, last_touch_by, gave",
            "contacts where last_touch < 2026-06-01 sort by handle show handle, touches, last_touch",
            "contacts where gave >= 1 and touches == 1 sort by handle show handle, gave",
            "count(contacts where touches == 0)",
        ]
        try expectStoredRowsAsRecomputed(team, "after the logs")
        var seen: [String: [String]] = [:]
        for member in ["ann", "bob"] {
            for statement in statements {
                let (read, summed) = try readAndSummed(team, member, statement)
                #expect(read == summed, "\(member): \(statement)")
                seen[member + statement] = read
            }
        }
        // Ann's private lunches count for her alone: she sees more contacts touched than Bob.
        let touched = statements[0]
        #expect(seen["ann" + touched]!.count > seen["bob" + touched]!.count + 50, "\(seen["ann" + touched]!.count)")
        // Ann's selection is read from the stored rows, past `storedReadFrom` contacts.
        #expect(seen["ann" + touched]!.count > 201 && seen["bob" + touched]!.count > 100)
    }

    @Test func aMemberCanReadTheFiguresButNotChangeThem() throws {
        let team = try Team(["ann", "bob"], contacts: Self.people)
        try team.tend("ann", ["-e", "log lunch with @cleo-diaz on 2026-11-10"])
        let cleo = "(SELECT id FROM contacts WHERE handle = 'cleo-diaz')"
        #expect(try team.psql("bob", "SELECT touches FROM figures WHERE contact_id = \(cleo)") == "1")
        #expect(try team.psql("bob", "UPDATE figures SET touches = 99 RETURNING contact_id") == "")
        #expect(try team.psql("bob", "DELETE FROM figures RETURNING contact_id") == "")
        expectRefused(
            team, "bob", "INSERT INTO figures SELECT contact_id + 1000, 99, NULL, NULL, 0, 0, 0, 0, 0, 0, 0, 0, NULL FROM figures",
            "row-level security")
        #expect(try team.psql("ann", "SELECT touches FROM figures WHERE contact_id = \(cleo)") == "1")
        // A program's REPEATABLE READ write marks its contact; readers sum it meanwhile, and
        // working the marks out by hand works them out.
        try team.psql("bob", #"BEGIN ISOLATION LEVEL REPEATABLE READ; INSERT INTO knows VALUES (\#(cleo), (SELECT id FROM contacts WHERE handle = 'fay-lin')); COMMIT;"#)
        #expect(try team.psql("bob", "SELECT count(*) FROM figures_stale") == "2")
        #expect(try team.psql("bob", "SELECT degree FROM figures WHERE contact_id = \(cleo)") == "0")
        #expect(try team.lines("bob", "contacts where handle == \"cleo-diaz\" show degree") == ["degree", "1"])
        #expect(try team.psql("bob", "SELECT tend_figures_refresh()") == "")
        #expect(try team.psql("bob", "SELECT count(*) FROM figures_stale") == "0")
        #expect(try team.psql("bob", "SELECT degree FROM figures WHERE contact_id = \(cleo)") == "1")
        #expect(try team.lines("bob", "contacts where touches == 1 show handle") == ["handle", "cleo-diaz"])
    }

    /// The upkeep runs as the tables' owner: nothing a member (or a role with no rights) holds in
    /// their session makes it run their code, skip the upkeep, or forge a row (b59 F1-F3).
    @Test func noRoleRunsItsCodeAsTheOwnerOrSkipsTheUpkeep() throws {
        let team = try Team(["ann", "eve"], contacts: Self.people)
        let eve = team.roles["eve"]!
        try TestCluster.psql("REVOKE ALL ON ALL TABLES IN SCHEMA public FROM \(eve); REVOKE EXECUTE ON ALL FUNCTIONS IN SCHEMA public FROM \(eve)", url: team.url)
        try team.tend("ann", ["-e", "log lunch with @cleo-diaz on 2026-11-10"])
        let evil = """
            CREATE FUNCTION pg_temp.evil() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN EXECUTE 'ALTER ROLE ' || session_user || ' SUPERUSER'; RETURN NULL; END $$;
            """
        let superuser = { (name: String) in try TestCluster.psql("SELECT rolsuper FROM pg_roles WHERE rolname = '\(team.roles[name]!)'", url: team.url) }
        // Its trigger function on a table of one's own: refused (a member may execute it; it notes
        // Tend's tables alone), or not executable at all (a role with no rights).
        let bait = evil + """
            CREATE TEMP TABLE bait (contact_id BIGINT);
            CREATE TRIGGER t AFTER INSERT ON pg_temp.bait REFERENCING NEW TABLE AS n FOR EACH STATEMENT EXECUTE FUNCTION public.tend_figures_note();
            INSERT INTO bait VALUES (1);
            """
        expectRefused(team, "ann", bait, "keeps the figures of Tend's own tables alone")
        expectRefused(team, "eve", bait, "permission denied for function")
        #expect(try superuser("ann") == "f" && superuser("eve") == "f")
        // Tables of the upkeep's names made first, with a trigger of one's own: a write is refused,
        // and so is the upkeep called by hand; nothing of the member's runs, nothing is written.
        let cleo = "(SELECT id FROM contacts WHERE handle = 'cleo-diaz')"
        let premade = evil + """
            CREATE TEMP TABLE tend_figures_due (contact_id BIGINT PRIMARY KEY);
            CREATE TEMP TABLE tend_figures_pending (pending BOOLEAN);
            CREATE TRIGGER x AFTER DELETE ON pg_temp.tend_figures_pending FOR EACH STATEMENT EXECUTE FUNCTION pg_temp.evil();
            INSERT INTO tend_figures_due VALUES (1);
            """
        expectRefused(team, "ann", premade + "SELECT public.tend_figures_due();", "are not Tend's")
        expectRefused(
            team, "ann", premade + "DELETE FROM interactions WHERE id IN (SELECT interaction_id FROM interaction_people WHERE contact_id = \(cleo));",
            "are not Tend's")
        // The work called by hand in a transaction of one snapshot: refused.
        expectRefused(team, "ann", "BEGIN ISOLATION LEVEL REPEATABLE READ; SELECT tend_figures_redo(ARRAY[1]::bigint[]); COMMIT;", "READ COMMITTED alone")
        #expect(try superuser("ann") == "f")
        #expect(try team.psql("ann", "SELECT count(*) FROM interactions") == "1")
        try expectStoredRowsAsRecomputed(team, "after the attempts")
        #expect(try team.psql("ann", "SELECT touches FROM figures WHERE contact_id = \(cleo)") == "1")
    }

    /// The witness of a deleted event is written for Tend's own event tables alone: a member's
    /// table named like one cannot forge one and so log an event in another member's name (b60 F5).
    @Test func noMemberForgesTheWitnessOfADeletedEvent() throws {
        let team = try Team(["ann", "bob"], contacts: Self.people)
        let bob = team.roles["bob"]!
        let insert = #"INSERT INTO public.interactions (id, kind, "on", note, "by") VALUES (9001, 'note', '2026-11-20', 'forged', '\#(bob)');"#
        expectRefused(team, "ann", insert, "may not log interactions in the name of")
        expectRefused(
            team, "ann",
            """
                CREATE TEMP TABLE interactions (LIKE public.interactions);
                CREATE TRIGGER w AFTER DELETE ON pg_temp.interactions FOR EACH ROW EXECUTE FUNCTION public.tend_event_deleted();
                INSERT INTO pg_temp.interactions (id, kind, "on", note, gave, asked, inbound, pitch, "by", private)
                  VALUES (9001, 'note', '2026-11-20', 'forged', 0, 0, 0, 0, '\(bob)', 0);
                DELETE FROM pg_temp.interactions;
                """, "witnesses Tend's own event tables alone")
        expectRefused(team, "ann", "SET tend.journal = 'off'; " + insert, "may not log interactions in the name of")
        #expect(try TestCluster.psql("SELECT count(*) FROM interactions WHERE id = 9001", url: team.url) == "0")
    }

    /// Two programs changing one contact's events at once (psql's READ COMMITTED): both commit,
    /// and the stored row counts both (the second upkeep waits for the first's row, b59 F4).
    @Test func twoWritersOfOneContactBothCommitAndBothCount() throws {
        let team = try Team(["ann", "bob"], contacts: Self.people)
        func spend(_ cents: Int) -> String {
            #"INSERT INTO spending (contact_id, amount_cents, "on") VALUES ((SELECT id FROM contacts WHERE handle = 'fay-lin'), \#(cents), '2026-11-01')"#
        }
        let first = "BEGIN; \(spend(100)); SET CONSTRAINTS ALL IMMEDIATE; SELECT pg_sleep(1.5); COMMIT;"
        let second = spend(250)
        final class Failures: @unchecked Sendable {
            let lock = NSLock()
            var list: [String] = []
        }
        let failed = Failures()
        DispatchQueue.concurrentPerform(iterations: 2) { i in
            do {
                if i == 0 {
                    try team.psql("ann", first)
                } else {
                    Thread.sleep(forTimeInterval: 0.5)
                    try team.psql("bob", second)
                }
            } catch {
                failed.lock.withLock { failed.list.append("\(error)") }
            }
        }
        let failures = failed.list
        #expect(failures.isEmpty, "\(failures)")
        #expect(try team.psql("bob", "SELECT spend_cents FROM figures f JOIN contacts c ON c.id = f.contact_id WHERE c.handle = 'fay-lin'") == "350")
        try expectStoredRowsAsRecomputed(team, "after two writers")
    }

    /// Three writers queued behind one contact's row all commit (the row is changed in place, so
    /// each waiter locks it in turn), and a Tend run that reads what it wrote holds no row another
    /// program's commit needs: no deadlock (b60 F1, F3).
    @Test func writersQueuedOnOneContactAllCommitAndTendHoldsNoRowsTillItsCommit() throws {
        let team = try Team(["ann", "bob"], contacts: Self.people)
        let fay = "(SELECT id FROM contacts WHERE handle = 'fay-lin')"
        let spend = #"INSERT INTO spending (contact_id, amount_cents, "on") VALUES (\#(fay), 100, '2026-11-01')"#
        final class Failures: @unchecked Sendable {
            let lock = NSLock()
            var list: [String] = []
            func add(_ e: Error) { lock.withLock { list.append("\(e)") } }
        }
        let failed = Failures()
        let url = team.url
        DispatchQueue.concurrentPerform(iterations: 4) { i in
            do {
                if i == 0 {
                    try TestCluster.psql("BEGIN; SELECT contact_id FROM figures WHERE contact_id = \(fay) FOR UPDATE; SELECT pg_sleep(1.5); COMMIT;", url: url)
                } else {
                    Thread.sleep(forTimeInterval: 0.4)
                    try team.psql(["ann", "bob", "ann"][i - 1], spend)
                }
            } catch { failed.add(error) }
        }
        #expect(failed.list.isEmpty, "\(failed.list)")
        #expect(try team.psql("bob", "SELECT spend_cents FROM figures WHERE contact_id = \(fay)") == "300")

        // Bob's program holds Cleo's row and changes Dev's events; Ann's run changes Dev's, reads,
        // then waits for Cleo's row. Both commit (Ann's run again, after Bob's commit).
        let both = Failures()
        let cleo = "(SELECT id FROM contacts WHERE handle = 'cleo-diaz')"
        let dev = "(SELECT id FROM contacts WHERE handle = 'dev-rao')"
        DispatchQueue.concurrentPerform(iterations: 2) { i in
            do {
                if i == 0 {
                    try team.psql(
                        "bob",
                        #"BEGIN; UPDATE contacts SET tags = tags WHERE id = \#(cleo); INSERT INTO spending (contact_id, amount_cents, "on") VALUES (\#(dev), 50, '2026-11-02'); SELECT pg_sleep(1); COMMIT;"#)
                } else {
                    Thread.sleep(forTimeInterval: 0.2)
                    _ = try team.tend("ann", ["run", "-"], stdin: """
                        log call with @dev-rao on 2026-11-20
                        contacts where touches >= 0 sort by touches desc show handle, touches limit 1
                        set @cleo-diaz +waited
                        """)
                }
            } catch { both.add(error) }
        }
        #expect(both.list.isEmpty, "\(both.list)")
        let devFigures = try team.lines("ann", "contacts where handle == \"dev-rao\" show touches, spend")
        #expect(devFigures == ["touches,spend", "1,0.5"], "\(devFigures)")
        try expectStoredRowsAsRecomputed(team, "after the queued writers")
    }

    /// Past 200 contacts the figures are read from the stored rows; in a run that wrote, the
    /// contacts it noted are summed from their events (their rows are worked out at its commit).
    @Test func aRunThatWroteSumsWhatItNotedAmongStoredRows() throws {
        let many = (1...260).map { "add \"Person \($0)\"" }.joined(separator: "\n")
        let team = try Team(["ann"], contacts: many)
        let r = try team.tend("ann", ["--format", "csv", "run", "-"], stdin: """
            log call with @person-7 on 2026-11-20
            log call with @person-7 on 2026-11-21
            contacts where touches >= 0 sort by touches desc show handle, touches limit 2
            """)
        #expect(r.stdout.hasSuffix("handle,touches\nperson-7,2\nperson-1,0\n"), "\(r.stdout)")
        #expect(try team.psql("ann", "SELECT touches FROM figures f JOIN contacts c ON c.id = f.contact_id WHERE c.handle = 'person-7'") == "2")
    }

    /// A statement noting more than 2,000 contacts works every row out in one pass.
    @Test func aStatementOfThousandsOfContactsWorksEveryRowOut() throws {
        let team = try Team(["ann"], contacts: Self.people)
        try TestCluster.psql(
            """
            INSERT INTO contacts (handle, name, created) SELECT 'bulk-' || g, 'Bulk ' || g, '2026-01-01' FROM generate_series(1, 2100) AS g;
            INSERT INTO knows SELECT least(c.id, d.id), greatest(c.id, d.id) FROM contacts c JOIN contacts d ON d.handle = 'cleo-diaz' WHERE c.handle LIKE 'bulk-%';
            """, url: team.url)
        #expect(try team.psql("ann", "SELECT count(*), sum(degree) FROM figures") == "2104|4200")
        try expectStoredRowsAsRecomputed(team, "after a bulk insert")
        let (read, summed) = try readAndSummed(team, "ann", "contacts where degree > 1 show handle, degree")
        #expect(read == summed && read == ["handle,degree", "cleo-diaz,2100"], "\(read)")
    }

    /// A run reads, before its commit, the figures of what it wrote (the upkeep is at commit).
    @Test func aRunReadsTheFiguresOfWhatItWroteBeforeItsCommit() throws {
        let team = try Team(["ann"], contacts: Self.people)
        let r = try team.tend("ann", ["--format", "csv", "run", "-"], stdin: """
            log lunch with @cleo-diaz on 2026-11-20 gave
            contacts where touches > 0 show handle, touches, gave, last_touch
            log call with @dev-rao on 2026-11-21
            remove @fay-lin
            contacts where touches > 0 or handle == "fay-lin" show handle, touches, last_touch
            """)
        #expect(r.stdout.contains("handle,touches,gave,last_touch\ncleo-diaz,1,1,2026-11-20\n"), "\(r.stdout)")
        #expect(r.stdout.contains("handle,touches,last_touch\ncleo-diaz,1,2026-11-20\ndev-rao,1,2026-11-21\n"), "\(r.stdout)")
        #expect(try TestCluster.psql("SELECT count(*) FROM figures", url: team.url) == "3")
    }

    /// A member granted the tables before the figures were kept reads no `figures`: Tend sums
    /// the events as before, and answers the same.
    @Test func aMemberWhoMayNotReadTheFiguresGetsTheSameAnswers() throws {
        let team = try Team(["ann", "bob"], contacts: Self.people)
        try team.tend("ann", ["-e", "log lunch with @cleo-diaz on 2026-11-10 gave"])
        let before = try team.lines("bob", Self.everyFigure)
        try TestCluster.psql("REVOKE SELECT ON figures FROM \(team.roles["bob"]!)", url: team.url)
        expectRefused(team, "bob", "SELECT count(*) FROM figures", "permission denied for table figures")
        #expect(try team.lines("bob", Self.everyFigure) == before)
        try team.tend("bob", ["-e", "log call with @cleo-diaz on 2026-11-11"])
        #expect(try team.lines("ann", "contacts where handle == \"cleo-diaz\" show touches") == ["touches", "2"])
    }

    /// Merging, undoing and a change of privacy keep the stored rows right for every member.
    @Test func mergesUndoAndPrivacyKeepTheStoredRowsRight() throws {
        let team = try Team(["ann", "bob"], contacts: Self.people + "\nadd \"Cleo D\" profession: \"accountant\"\n")
        try team.tend("bob", ["-e", "log call with @cleo-d on 2026-11-05"])
        try team.tend("bob", ["-e", "log lunch with @cleo-d on 2026-11-06 private"])
        try team.tend("ann", ["-e", "log lunch with @cleo-diaz on 2026-11-01"])
        try team.tend("ann", ["-e", "merge @cleo-d into @cleo-diaz"])
        try expectStoredRowsAsRecomputed(team, "after the merge")
        try expectEachMemberReadsAsSummed(team, "after the merge")
        #expect(try team.lines("bob", "contacts where handle == \"cleo-diaz\" show touches") == ["touches", "3"])
        #expect(try team.lines("ann", "contacts where handle == \"cleo-diaz\" show touches") == ["touches", "2"])
        try team.tend("ann", ["undo"])
        try expectStoredRowsAsRecomputed(team, "after the undo")
        try team.psql("bob", "UPDATE interactions SET private = 0 WHERE kind = 'lunch' AND \"by\" = current_user")
        try expectStoredRowsAsRecomputed(team, "after a private lunch became everyone's")
        try expectEachMemberReadsAsSummed(team, "after the undo")
        // Bob's private lunch stayed with the merged person (README), and is now everyone's.
        #expect(try team.lines("ann", "contacts where handle == \"cleo-d\" show touches") == ["touches", "1"])
        #expect(try team.lines("ann", "contacts where handle == \"cleo-diaz\" show touches") == ["touches", "2"])
    }
}
