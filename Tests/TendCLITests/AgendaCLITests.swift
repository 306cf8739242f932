import Foundation
import GRDB
import Testing

/// The agenda as a task list (#21): its numbers kept between commands, done, dismiss and
/// snoozing one item, through the built binary on a real database.
@Suite struct AgendaCLITests {
    /// Three people: Ann and Cy are hot (two rules each), Ben one rule. No prelude rule fires for
    /// contacts this new.
    static let setup = """
        add "Ann Arbor" created: 2026-11-01, +hot
        add "Ben Bose" created: 2026-11-01
        add "Cy Cole" created: 2026-11-01, +hot
        rule "call" when +hot then remind "Call {name}" priority 5 log call
        rule "mail" when true then remind "Mail {name}" priority 1

        """

    static func start() throws -> URL {
        let dir = CLI.tempDir()
        let r = try CLI.run(["run", "-"], stdin: setup, in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        return dir
    }

    static func csv(_ args: [String], _ dir: URL, env: [String: String] = [:]) throws -> [String] {
        let r = try CLI.run(["--format", "csv"] + args, in: dir, env: env)
        #expect(r.status == 0, "\(args): \(r.stderr)")
        return r.stdout.split(separator: "\n").map(String.init)
    }

    /// The page's JSON has the documented types: `rules` an array of the rules' names (it was
    /// one string joined with commas) and `overdue` a number of days or null (it was "8d");
    /// by item, `rule` is one name. The table shows them as before.
    /// `done` on the prelude's "stay in touch" logs the call the README promises, with the note,
    /// and the item goes because the contact is no longer overdue (it had only closed the item,
    /// keeping the note with it, while the contact stayed overdue and hidden).
    /// A U+0000 in a rule's name or a done note is refused in words, nothing kept (SQLite's text
    /// ends there: two rules "r\0 1" and "r\0 2" would be one, the note kept half).
    @Test(arguments: EventIDTests.stores)
    func aNulInARuleNameOrNoteIsRefused(_ store: String) throws {
        let dir = CLI.tempDir()
        let db = try EventIDTests.database(store, "nul_notes", in: dir)
        func tend(_ args: [String]) throws -> CLI.Result { try EventIDTests.tend(db, args, in: dir) }
        #expect(try tend(["-e", "add \"Ann Ash\" handle: \"ann\""]).status == 0)
        let rule = try tend(["-e", "rule \"r\\u{0}1\" when true then remind \"one\""])
        #expect(rule.status == 2 && rule.stderr.contains("a rule's name cannot hold the character \\u{0}"), "\(rule.stderr)")
        #expect(try tend(["-e", "rule \"mine\" when true then remind \"Call {name}\" priority 9"]).status == 0)
        #expect(try tend(["agenda"]).stdout.contains("Call Ann Ash"))
        let done = try tend(["-e", "agenda", "-e", "done 1 note: \"a\\u{0}b\""])
        #expect(done.status == 3 && done.stderr.contains("cannot store the note: it holds the character U+0000"), "\(done.stderr)")
        #expect(try tend(["agenda"]).stdout.contains("Call Ann Ash"))
    }

    /// Under --read-only the page's numbers are not kept, and a page numbered otherwise than
    /// the one kept says so: `done 1` after it closed the items of the line 1 of the page
    /// before, without a word. A page numbered as the kept one needs no note.
    @Test func aReadOnlyPageSaysItsNumbersAreNotKept() throws {
        let dir = try Self.start()
        let note = "note: read-only, these numbers are not kept"
        #expect(try Self.csv(["agenda"], dir)[1].contains("Ann Arbor"))
        let same = try CLI.run(["--read-only", "agenda"], in: dir)
        #expect(same.status == 0 && !same.stdout.contains(note) && !same.stderr.contains(note), "\(same.stdout)\(same.stderr)")
        // Ben becomes hot: line 2 of the next page is his, Cy's on the page kept.
        #expect(try CLI.run(["-e", "set @ben-bose +hot"], in: dir).status == 0)
        let moved = try CLI.run(["--read-only", "agenda"], in: dir)
        #expect(moved.stdout.contains("2         5  Ben Bose"), "\(moved.stdout)")
        #expect((moved.stdout + moved.stderr).contains(note + ": done, dismiss and snooze by number still mean the agenda shown before this one"), "\(moved.stdout)\(moved.stderr)")
        let done = try CLI.run(["done", "2"], in: dir)
        #expect((done.stdout + done.stderr).contains("@cy-cole"), "\(done.stdout)\(done.stderr)")
    }

    /// A rule failing for one contact (a date off the calendar) does not stop `done` for
    /// another's item (b68: `done 1` failed with exit 3 on @cy's rule): only the touched
    /// contact's rules are worked out again. The page leaves that item off and says where the
    /// rule fails, on standard error (it showed nothing, exit 3); a query of the agenda fails.
    @Test func anotherContactsFailingRuleLeavesDoneAlone() throws {
        let dir = try Self.start()
        #expect(try Self.csv(["agenda"], dir)[1].contains("Ann Arbor"))
        let rule = "rule \"chase\" when next_due != null and today > next_due + 1w then remind \"Chase {name}\" priority 6"
        #expect(try CLI.run(["run", "-"], stdin: "set @cy-cole next_step: \"someday\", next_due: 9999-12-31\n\(rule)\n", in: dir).status == 0)
        let done = try CLI.run(["done", "1"], in: dir)
        #expect(done.status == 0, "\(done.stderr)")
        #expect(done.stdout.contains("logged call") && done.stdout.contains("@ann-arbor"), "\(done.stdout)")
        let page = try CLI.run(["agenda"], in: dir)
        #expect(page.status == 0, "\(page.stderr)")
        #expect(page.stderr.contains("rule chase:1:48: warning: this date is off the calendar"), "\(page.stderr)")
        #expect(page.stderr.contains("note: evaluated for @cy-cole (Cy Cole)") && page.stderr.contains("left off the agenda"), "\(page.stderr)")
        #expect(page.stdout.contains("Cy Cole") && page.stdout.contains("Ben Bose"), "\(page.stdout)")
        #expect(try CLI.run(["-e", "count(agenda)"], in: dir).status == 3)
        #expect(try CLI.run(["done", "1"], in: dir).status == 0)
    }

    /// "Follow the money" counts what was spent this year up to today: a spend dated next
    /// February (or later this year) has not happened, and "You spent 300 with B Two this year"
    /// was said of it.
    @Test func theMoneyTrailCountsOnlyWhatWasSpent() throws {
        let dir = CLI.tempDir()
        let setup = try CLI.run(
            ["-e", "add \"B Two\" handle: \"b-two\"", "-e", "spend 300 at @b-two on 2027-02-01", "-e", "spend 400 at @b-two on 2026-12-20",
             "-e", "spend 50 at @b-two on 2026-01-01"], in: dir)
        #expect(setup.status == 0, "\(setup.stderr)")
        #expect(try CLI.run(["-e", "spend_this_year(@b-two)"], in: dir).stdout == "50\n")
        let agenda = try CLI.run(["--format", "csv", "-e", "agenda where contact == @b-two show rule"], in: dir)
        #expect(!agenda.stdout.contains("follow the money"), "\(agenda.stdout)")
        // Once the December spend is past, it counts.
        let later = try CLI.run(["--today", "2026-12-21", "--format", "csv", "-e", "agenda where contact == @b-two show rule, message"], in: dir)
        #expect(later.stdout.contains("You spent 450 with B Two this year"), "\(later.stdout)")
    }

    /// Two people of one name on the agenda (or any table) are told apart by their handles;
    /// a name no one else in the table has is shown alone. CSV keeps its handle column.
    @Test func namesalikeAreToldApart() throws {
        let dir = try AgendaCLITests.start()
        #expect(try CLI.run(["-e", "add \"ann arbor\" handle: \"ann-arbor-2\", created: 2026-11-01"], in: dir).status == 0)
        let page = try CLI.run(["agenda"], in: dir).stdout
        #expect(page.contains("Ann Arbor (@ann-arbor) ") && page.contains("ann arbor (@ann-arbor-2) ") && page.contains("Ben Bose ") && !page.contains("@ben-bose"), "\(page)")
        #expect(try AgendaCLITests.csv(["agenda"], dir).contains { $0.contains(",ann-arbor-2,") })
    }

    /// A column of durations that would mix weeks and days (9w beside 62d) is in days on the
    /// terminal and in CSV, as the messages say them; one that does not keeps its weeks.
    @Test func overdueIsInOneUnit() throws {
        let dir = CLI.tempDir()
        let setup = """
            add "Ann A" cadence: 1mo, created: 2026-08-21
            add "Bob B" cadence: 1mo, created: 2026-07-31
            add "Cy C" cadence: 1mo, created: 2026-08-22
            add "Di D" cadence: 1mo, created: 2026-08-14, next_due: 2027-01-01
            """
        #expect(try CLI.run(["run", "-"], stdin: setup, in: dir).status == 0)
        let page = try CLI.run(["agenda"], in: dir).stdout
        #expect(page.contains("84 days past a 1mo cadence  stay in touch  84d") && page.contains("  63d\n") && page.contains("  62d\n"), "\(page)")
        #expect(try AgendaCLITests.csv(["-e", "contacts sort by name show overdue"], dir) == ["overdue", "63d", "84d", "62d", "70d"])
        #expect(try AgendaCLITests.csv(["-e", "contacts where name in [\"Ann A\", \"Di D\"] sort by name show overdue, cadence"], dir) == ["overdue,cadence", "9w,1mo", "10w,1mo"])
    }

    /// A rule or a score that fails for one contact of many says for whom (the agenda page as a
    /// warning, its other items shown; a query of the agenda as an error).
    @Test func anErrorInARuleNamesItsContact() throws {
        let dir = try AgendaCLITests.start()
        #expect(try CLI.run(["-e", "set @ben-bose next_due: 2026-12-01"], in: dir).status == 0)
        #expect(try CLI.run(["-e", "rule \"far\" when next_due + 9000y > today then remind \"x\""], in: dir).status == 0)
        let r = try CLI.run(["agenda"], in: dir)
        #expect(r.status == 0 && r.stderr.contains("rule far:1:") && r.stderr.contains("note: evaluated for @ben-bose (Ben Bose)"), "\(r.stderr)")
        let q = try CLI.run(["-e", "agenda where rule == \"far\""], in: dir)
        #expect(q.status == 3 && q.stderr.contains("note: evaluated for @ben-bose (Ben Bose)"), "\(q.stderr)")
        #expect(try CLI.run(["-e", "rule \"far\" when false then remind \"x\""], in: dir).status == 0)
        #expect(try CLI.run(["-e", "score reach = if name == \"Cy Cole\" then days_until(today + 9000y) else 1"], in: dir).status == 0)
        let s = try CLI.run(["-e", "contacts sort by reach"], in: dir)
        #expect(s.status == 3 && s.stderr.contains("note: evaluated for @cy-cole (Cy Cole)"), "\(s.stderr)")
    }

    @Test func doneOnStayInTouchLogsTheCall() throws {
        let dir = CLI.tempDir()
        #expect(try CLI.run(["-e", "add \"Tom Okafor\" cadence: 1w, created: 2026-10-01"], in: dir).status == 0)
        #expect(try Self.csv(["agenda"], dir).dropFirst().first?.contains("stay in touch") == true)
        let done = try CLI.run(["done", "1", "note:", "\"left a message\""], in: dir)
        #expect(done.stdout == "Done: logged call 1 with @tom-okafor; closed \"stay in touch\" for @tom-okafor.\n", "\(done.stdout)")
        #expect(try Self.csv(["-e", "interactions show kind, on, note"], dir) == ["kind,on,note", "call,2026-11-23,left a message"])
        #expect(try Self.csv(["agenda"], dir, env: ["TEND_TODAY": "2027-03-01"]).dropFirst().first?.contains("stay in touch") == true)
        // A rule that logs nothing logs the note as a note (no touch), and says so: kept with
        // the item alone, it went when the rule stopped holding.
        #expect(try CLI.run(["-e", "rule \"gains\" when name != \"x\" then remind \"Learn about {name}\""], in: dir).status == 0)
        let quiet = try CLI.run(["-e", "done @tom-okafor rule \"gains\" note: \"asked about goals\""], in: dir)
        #expect(quiet.stdout.hasSuffix("No rule of it logs a touch: the note is logged as note 2 with @tom-okafor (the timeline keeps it).\n"), "\(quiet.stdout)")
        #expect(try CLI.run(["-e", "set @tom-okafor name: \"x\""], in: dir).status == 0)
        #expect(try CLI.run(["agenda"], in: dir).status == 0)
        #expect(try Self.csv(["-e", "interactions where kind == \"note\" show on, note"], dir) == ["on,note", "2026-11-23,asked about goals"])
        #expect(try CLI.run(["-e", "@tom-okafor.touches"], in: dir).stdout == "1\n")
    }

    /// A line with two items, the touch the first logs settling the second: `done` says so (it
    /// said the second "is not on the agenda today", right after the agenda listed it).
    @Test func anItemSettledByTheLinesTouchIsSaidSo() throws {
        let dir = CLI.tempDir()
        #expect(try CLI.run(["-e", "add \"Pat Q\" met_on: 2025-01-01, created: 2025-01-01"], in: dir).status == 0)
        let page = try CLI.run(["agenda"], in: dir)
        #expect(page.stdout.contains("stay in touch, reconnect"), "\(page.stdout)")
        let done = try CLI.run(["done", "1"], in: dir)
        #expect(done.stdout.contains("logged call 1 with @pat-q") && done.stdout.contains("\"reconnect\" for @pat-q is settled by that call (call 1)"),
            "\(done.stdout)")
    }

    /// `done` again, or on an item whose rule does not hold, logs nothing (a review: each
    /// repeat logged another call); a state typed by hand must be one a command could make; a
    /// dropped rule's states go with it.
    /// Another day's agenda (`agenda on DATE`, a plan) forgets no item closed today: on that
    /// day the rule may have stopped holding, and looking undid today's `done` and `dismiss`.
    /// A dismissal for good of an item whose rule does not hold is nothing, as `done` of one is
    /// (it was kept, and forgotten by the next look at the agenda).
    @Test func anotherDaysAgendaForgetsNothingClosedToday() throws {
        let dir = try Self.start()
        #expect(try CLI.run(["-e", "add \"Dee Day\" created: 2026-11-01, birthday: --11-26"], in: dir).status == 0)
        #expect(try CLI.run(["-e", "rule \"call\" when false then remind \"x\""], in: dir).status == 0)
        let page = try Self.csv(["agenda"], dir)
        let line = page.firstIndex { $0.contains("dee-day") }!
        #expect(try CLI.run(["done", "\(line)"], in: dir).stdout.contains("closed \"birthday\" for @dee-day"))
        #expect(!(try Self.csv(["agenda"], dir).joined().contains("dee-day")))
        #expect(try CLI.run(["-e", "agenda on 2026-12-10"], in: dir).status == 0)
        #expect(!(try Self.csv(["agenda"], dir).joined().contains("dee-day")), "the done birthday came back")
        let dismiss = try CLI.run(["-e", "dismiss @ann-arbor rule \"call\""], in: dir)
        #expect(dismiss.stdout == "\"call\" for @ann-arbor is not on the agenda today: nothing dismissed.\n", "\(dismiss.stdout)")
        #expect(!(try CLI.run(["dump"], in: dir).stdout.contains("dismissed @ann-arbor")))
        let both = try CLI.run(["-e", "dismiss @ann-arbor rule \"mail\"", "-e", "dismiss @ann-arbor rule \"call\" for 30d"], in: dir)
        #expect(both.stdout.hasPrefix("Dismissed \"mail\" for @ann-arbor until the rule stops applying.\nDismissed \"call\" for @ann-arbor until 2026-12-23."), "\(both.stdout)")
    }

    /// A next step set in place of the one done is a new item: it comes onto the agenda when
    /// due, at once when due today (it never came back: the rule had not stopped holding). A
    /// change to a field the rule does not read leaves the done item closed.
    @Test func aNewNextStepAfterDoneComesBack() throws {
        let dir = CLI.tempDir()
        #expect(try CLI.run(["run", "-"], stdin: "add \"Lou Prof\" stage: profitability, next_step: \"quarterly review\", next_due: 2026-11-20\nlog call with @lou-prof\n", in: dir).status == 0)
        #expect(try Self.csv(["agenda"], dir).joined().contains("Due 2026-11-20: quarterly review (Lou Prof)"))
        #expect(try CLI.run(["done", "1"], in: dir).status == 0)
        #expect(try CLI.run(["-e", "set @lou-prof +vip"], in: dir).status == 0)
        #expect(!(try Self.csv(["agenda"], dir).joined().contains("quarterly review")))
        #expect(try CLI.run(["-e", "set @lou-prof next_step: \"send proposal\", next_due: 2026-11-23"], in: dir).status == 0)
        #expect(try Self.csv(["agenda"], dir).joined().contains("Due 2026-11-23: send proposal (Lou Prof)"))
    }

    @Test func doneOnlyOnceAndTypedStatesHold() throws {
        let dir = CLI.tempDir()
        #expect(try CLI.run(["-e", "add \"Tom Okafor\" cadence: 1w, created: 2026-10-01"], in: dir).status == 0)
        #expect(try CLI.run(["agenda"], in: dir).status == 0)
        #expect(try CLI.run(["done", "1"], in: dir).status == 0)
        let again = try CLI.run(["done", "1"], in: dir)
        #expect(again.stdout == "Done: \"stay in touch\" for @tom-okafor is not on the agenda today: nothing logged.\n", "\(again.stdout)")
        let other = try CLI.run(["-e", "done @tom-okafor rule \"give first\""], in: dir)
        #expect(other.stdout.contains("\"give first\" for @tom-okafor is not on the agenda today: nothing logged"), "\(other.stdout)")
        #expect(try CLI.run(["-e", "count(interactions)"], in: dir).stdout == "1\n")
        let before = try CLI.run(["dump"], in: dir).stdout
        for (statement, message) in [
            ("snooze @tom-okafor rule \"stay in touch\" since 2026-11-01", "a snooze ends: give until DATE"),
            ("dismiss @tom-okafor rule \"stay in touch\" since 2026-11-01 until 2026-10-01", "the state would end on 2026-10-01, not after it began (2026-11-01)"),
        ] {
            let r = try CLI.run(["-e", statement], in: dir)
            #expect(r.status == 3 && r.stderr.contains("error: " + message), "\(statement): \(r.stderr)")
        }
        #expect(try CLI.run(["dump"], in: dir).stdout == before)
        // A dump restored on a day before its states began (a CI run with an earlier --today)
        // rebuilds them: it was refused ("an item's state is put on a day up to today").
        let later = CLI.tempDir()
        #expect(try CLI.run(["-e", "add \"Ann Lee\" cadence: 1w, created: 2026-10-01"], in: later).status == 0)
        #expect(try CLI.run(["agenda"], in: later).status == 0)
        #expect(try CLI.run(["dismiss", "1"], in: later).status == 0)
        let dump = try CLI.run(["dump"], in: later).stdout
        #expect(dump.contains("dismiss @ann-lee rule \"stay in touch\" since 2026-11-23"), "\(dump)")
        let restored = CLI.tempDir()
        let early = try CLI.run(["--today", "2026-11-01", "run", "-"], stdin: dump, in: restored)
        #expect(early.status == 0, "\(early.stderr)")
        #expect(try CLI.run(["dump"], in: restored).stdout == dump)
        let setup = "rule \"mail\" when true then remind \"Mail {name}\"\ndismiss @tom-okafor rule \"mail\" since 2026-11-20\ndrop rule \"mail\"\nrule \"mail\" when true then remind \"Mail {name}\"\n"
        #expect(try CLI.run(["run", "-"], stdin: setup, in: dir).status == 0)
        #expect(try Self.csv(["agenda", "by", "item"], dir).contains { $0.contains(",mail,") })
    }

    /// `export ics` has the agenda's items due today and the next steps due later on their day.
    @Test func exportIcsHasNextStepsDueLater() throws {
        let dir = CLI.tempDir()
        let setup = "add \"Dana Lee\" next_step: \"intro to CPA\", next_due: 2026-12-01\nadd \"Tom Okafor\" next_step: \"send brochure\", next_due: 2026-11-20\n"
        #expect(try CLI.run(["run", "-"], stdin: setup, in: dir).status == 0)
        let r = try CLI.run(["export", "ics", "-"], in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("DUE;VALUE=DATE:20261201\r\nSUMMARY:intro to CPA (Dana Lee)\r\n"), "\(r.stdout)")
        // A step due is reported by the prelude's rule, as the same to-do it was before its day
        // (it changed its UID then, and a calendar kept both), due on its day.
        #expect(r.stdout.contains("UID:contact-2.next-step@tend\r\nDTSTAMP:20261123T000000Z\r\nDUE;VALUE=DATE:20261120\r\nSUMMARY:Due 2026-11-20: send brochure (Tom Okafor)\r\n"), "\(r.stdout)")
        #expect(r.stdout.components(separatedBy: "BEGIN:VTODO").count - 1 == 2)
        #expect(r.stdout.contains("UID:contact-1.next-step@tend\r\n"), "\(r.stdout)")
        let before = try CLI.run(["--today", "2026-11-10", "export", "ics", "-"], in: dir)
        #expect(before.stdout.contains("UID:contact-2.next-step@tend\r\nDTSTAMP:20261110T000000Z\r\nDUE;VALUE=DATE:20261120\r\nSUMMARY:send brochure (Tom Okafor)\r\n"), "\(before.stdout)")
        // A query chooses the agenda's items and the next steps alike.
        let tom = try CLI.run(["export", "ics", "-", "agenda where contact == @tom-okafor"], in: dir)
        #expect(tom.stdout.components(separatedBy: "BEGIN:VTODO").count - 1 == 1 && !tom.stdout.contains("Dana"), "\(tom.stdout)")
    }

    @Test func agendaJSONHasRuleListsAndOverdueDays() throws {
        let dir = try Self.start()
        #expect(try CLI.run(["set", "@ann-arbor", "cadence:", "2w"], in: dir).status == 0)
        func lines(_ args: [String]) throws -> [[String: Any]] {
            let r = try CLI.run(["--format", "json"] + args, in: dir)
            #expect(r.status == 0, "\(r.stderr)")
            return try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [[String: Any]], "\(r.stdout)")
        }
        let page = try lines(["agenda"])
        #expect(page.count == 3)
        #expect(page[0]["rules"] as? [String] == ["call", "stay in touch", "mail"], "\(page[0])")
        #expect(page[0]["overdue"] as? Int == 8, "\(page[0])")
        #expect(page[2]["rules"] as? [String] == ["mail"], "\(page[2])")
        #expect(page.allSatisfy { $0["overdue"] is NSNull || $0["overdue"] is NSNumber }, "\(page)")
        let byItem = try lines(["agenda", "by", "item"])
        #expect(byItem[0]["rule"] as? String == "call" && byItem[0]["overdue"] as? Int == 8, "\(byItem[0])")
        let table = try CLI.run(["agenda"], in: dir)
        #expect(table.stdout.contains("call, mail") && table.stdout.contains("8d"), "\(table.stdout)")
    }

    /// A what-if run with a far later `--today` forgets no snooze nor dismissal for a while: it
    /// deleted every one that had ended by its day, unjournalled, and back on today the items
    /// they hid were on the page again.
    @Test func aFarLaterTodayForgetsNoSnooze() throws {
        let dir = try Self.start()
        #expect(try Self.csv(["agenda"], dir).count == 4)
        #expect(try CLI.run(["snooze", "1", "2w"], in: dir).status == 0)
        #expect(try CLI.run(["dismiss", "2", "for", "30d"], in: dir).status == 0)
        let before = try Self.csv(["agenda"], dir)
        #expect(before.dropFirst().map { $0.split(separator: ",")[2] } == ["ben-bose"], "\(before)")
        #expect(try Self.csv(["agenda"], dir, env: ["TEND_TODAY": "2035-01-01"]).count == 4)
        #expect(try Self.csv(["agenda"], dir) == before)
    }

    /// `tend agenda` keeps its numbers in the database: `tend done 2` in the next command closes
    /// the second line, whatever changed meanwhile; a number the page did not show is an error.
    @Test func numbersStayUntilTheAgendaIsShownAgain() throws {
        let dir = try Self.start()
        let none = try CLI.run(["done", "1"], in: dir)
        #expect(none.status == 3 && none.stderr.contains("no item 1 on the agenda (the agenda shown last had no items, or none was shown yet"), "\(none.stderr)")
        #expect(try Self.csv(["agenda"], dir).dropFirst().map { $0.split(separator: ",")[2] } == ["ann-arbor", "cy-cole", "ben-bose"])
        // A change in between does not renumber: 2 is still Cy's line.
        #expect(try CLI.run(["set", "@ben-bose", "+hot"], in: dir).status == 0)
        let done = try CLI.run(["done", "2", "note:", "left a message"], in: dir)
        #expect(done.status == 0, "\(done.stderr)")
        #expect(done.stdout.contains("logged call") && done.stdout.contains("@cy-cole") && done.stdout.contains("closed \"mail\" for @cy-cole"))
        #expect(
            try Self.csv(["-e", "count(interactions where contact == @cy-cole and kind == \"call\" and note == \"left a message\")"], dir) == ["1"])
        #expect(try Self.csv(["agenda"], dir).dropFirst().map { $0.split(separator: ",")[2] } == ["ann-arbor", "ben-bose"])
        let far = try CLI.run(["done", "3"], in: dir)
        #expect(far.status == 3 && far.stderr.contains("no item 3 on the agenda (the agenda shown last has items 1 to 2"), "\(far.stderr)")
    }

    /// An item dismissed until its rule stops applying comes back when the rule fires again after
    /// it stopped, whether or not the agenda was shown in between: the pitch's thirty days ran
    /// out unseen, and a new pitch is a new item (it stayed hidden unless an agenda happened to be
    /// shown while no pitch was recent).
    @Test func aClosedItemWhoseRuleStoppedUnseenComesBack() throws {
        let dir = CLI.tempDir()
        func at(_ day: String, _ args: [String]) throws -> CLI.Result { try CLI.run(["--today", day] + args, in: dir) }
        let setup = try CLI.run(["--today", "2026-10-05", "run", "-"], stdin: "add \"Xavier Pratt\" created: 2026-09-01\nlog meeting with @xavier-pratt on 2026-10-01 pitch\n", in: dir)
        #expect(setup.status == 0, "\(setup.stderr)")
        #expect(try at("2026-10-05", ["agenda", "by", "item"]).stdout.contains("no pitch yet"))
        #expect(try at("2026-10-05", ["-e", "dismiss @xavier-pratt rule \"no pitch yet\""]).stdout.contains("Dismissed \"no pitch yet\""))
        #expect(try at("2026-11-10", ["-e", "log call with @xavier-pratt pitch"]).status == 0)
        let page = try at("2026-11-10", ["agenda", "by", "item"])
        #expect(page.stdout.contains("no pitch yet"), "\(page.stdout)")
        // Undone, the pitch goes and the item is closed again, as it was.
        #expect(try at("2026-11-10", ["undo"]).status == 0)
        #expect(try at("2026-11-10", ["-e", "why @xavier-pratt"]).stdout.contains("on 2026-10-05 until the rule stops applying"))
        // The same when the contact is snoozed meanwhile, and when the run first corrects
        // another event (a change that may touch anyone).
        let script = "add \"Yara Quinn\" created: 2026-09-01\nadd \"Zed Roe\" created: 2026-09-01\nlog meeting with @yara-quinn on 2026-10-01 pitch\nlog call with @zed-roe on 2026-10-01\n"
        #expect(try CLI.run(["--today", "2026-10-05", "run", "-"], stdin: script, in: dir).status == 0)
        #expect(try at("2026-10-05", ["-e", "dismiss @yara-quinn rule \"no pitch yet\""]).status == 0)
        #expect(try at("2026-10-05", ["-e", "snooze @yara-quinn until 2026-11-12"]).status == 0)
        let zed = try at("2026-11-10", ["-e", "max(interactions where @zed-roe in people, id)"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let corrected = try CLI.run(
            ["--today", "2026-11-10", "run", "-"], stdin: "set interaction \(zed) note: \"typo fixed\"\nlog call with @yara-quinn pitch\n", in: dir)
        #expect(corrected.status == 0, "\(corrected.stderr)")
        #expect(try at("2026-11-13", ["agenda", "by", "item"]).stdout.contains("You pitched Yara Quinn"))
    }

    /// A run that shows a page and then fails keeps that page's numbers: it is the page seen
    /// last (the rollback took them back with the run, and `done 1` closed line 1 of the page
    /// before, someone else's, without a word). A line about a contact the rollback took away
    /// is no item.
    @Test func aPageShownByAFailedRunKeepsItsNumbers() throws {
        let dir = try Self.start()
        #expect(try Self.csv(["agenda"], dir).dropFirst().map { $0.split(separator: ",")[2] } == ["ann-arbor", "cy-cole", "ben-bose"])
        let script = """
            add "Dee Dow" created: 2026-11-01, +hot
            rule "first" when name == "Ben Bose" then remind "First {name}" priority 100
            agenda
            print 9999-12-31 + 1d

            """
        let failed = try CLI.run(["--format", "csv", "run", "-"], stdin: script, in: dir)
        #expect(failed.status == 3)
        #expect(failed.stdout.split(separator: "\n").dropFirst().map { $0.split(separator: ",")[2] } == ["ben-bose", "ann-arbor", "cy-cole", "dee-dow"])
        let first = try CLI.run(["done", "1"], in: dir)
        #expect(first.status == 0 && first.stdout.contains("closed \"mail\" for @ben-bose"), "\(first.stdout) \(first.stderr)")
        let second = try CLI.run(["done", "2"], in: dir)
        #expect(second.status == 0 && second.stdout.contains("@ann-arbor"), "\(second.stdout) \(second.stderr)")
        let gone = try CLI.run(["done", "4"], in: dir)
        #expect(gone.status == 3 && gone.stderr.contains("no item 4"), "\(gone.stderr)")
    }

    /// A page shown while another process holds the write lock is shown at once, but its
    /// numbers cannot be kept: it says so, and `done 2` still means the page shown before (it
    /// went on silently, and `done 2` closed what the earlier page numbered 2).
    @Test func aPageWhoseNumbersCannotBeKeptSaysSo() throws {
        let dir = try Self.start()
        _ = try Self.csv(["agenda", "limit", "1"], dir)
        var config = Configuration()
        config.allowsUnsafeTransactions = true
        let writer = try DatabaseQueue(path: dir.appendingPathComponent("tend.db").path, configuration: config)
        try writer.writeWithoutTransaction { try $0.execute(sql: "BEGIN IMMEDIATE") }
        for format in ["table", "csv"] {
            let page = try CLI.run(["--format", format, "agenda"], in: dir)
            #expect(page.status == 0, "\(page.stderr)")
            #expect(page.stdout.contains(format == "table" ? "Ben Bose" : "ben-bose"), "\(page.stdout)")
            let note = format == "table" ? page.stdout : page.stderr
            #expect(note.contains("these numbers were not kept"), "\(format): \(page.stdout) \(page.stderr)")
        }
        try writer.writeWithoutTransaction { try $0.execute(sql: "ROLLBACK") }
        try writer.close()
        let r = try CLI.run(["done", "2"], in: dir)
        #expect(r.status == 3 && r.stderr.contains("items 1 to 1"), "\(r.stderr)")
        let kept = try CLI.run(["agenda"], in: dir)
        #expect(!kept.stdout.contains("not kept") && !kept.stderr.contains("not kept"))
    }

    /// A page numbered as the last one shown writes nothing: shown again while another process
    /// holds the write lock, it says nothing of numbers not kept (every page took the write
    /// lock and synced the file, so a second writer made each one-shot agenda warn).
    @Test func aPageNumberedAsTheLastOneWritesNothing() throws {
        let dir = try Self.start()
        let first = try CLI.run(["agenda"], in: dir)
        #expect(first.status == 0, "\(first.stderr)")
        var config = Configuration()
        config.allowsUnsafeTransactions = true
        let writer = try DatabaseQueue(path: dir.appendingPathComponent("tend.db").path, configuration: config)
        try writer.writeWithoutTransaction { try $0.execute(sql: "BEGIN IMMEDIATE") }
        let again = try CLI.run(["agenda"], in: dir)
        try writer.writeWithoutTransaction { try $0.execute(sql: "ROLLBACK") }
        try writer.close()
        #expect(again.status == 0 && again.stdout == first.stdout, "\(again.stdout) \(again.stderr)")
        #expect(!again.stderr.contains("not kept"), "\(again.stderr)")
        let r = try CLI.run(["done", "2"], in: dir)
        #expect(r.status == 0, "\(r.stderr)")
    }

    /// A closed item whose condition a change ends comes back when it holds again, whether or
    /// not the agenda was shown in between (a closed "next step due" hid the next next step for
    /// good, and "give first" stayed closed after a gift evened the count, unless the agenda
    /// happened to be looked at while the condition was false).
    @Test func aClosedItemComesBackWithoutALookInBetween() throws {
        let dir = CLI.tempDir()
        func at(_ day: String, _ args: [String]) throws -> CLI.Result { try CLI.run(["--today", day] + args, in: dir) }
        #expect(try at("2026-11-10", ["add", "Dana Lee", "stage:", "credibility", "created:", "2026-11-01"]).status == 0)
        #expect(try at("2026-11-10", ["set", "@dana-lee", "next_step:", "send checklist", "next_due:", "2026-11-10"]).status == 0)
        let first = try at("2026-11-10", ["--format", "csv", "agenda", "by", "item"])
        #expect(first.stdout.contains("next step due"), "\(first.stdout)")
        let line = try #require(first.stdout.split(separator: "\n").first { $0.contains("next step due") }.map { String($0.split(separator: ",")[0]) })
        #expect(try at("2026-11-10", ["done", line]).status == 0)
        #expect(try at("2026-11-10", ["set", "@dana-lee", "next_step:", "review plan", "next_due:", "2026-11-20"]).status == 0)
        let later = try at("2026-11-20", ["--format", "csv", "agenda", "by", "item"])
        #expect(later.stdout.contains("Due 2026-11-20: review plan"), "\(later.stdout)")
        // Give first: closed, then a gift ends it, then another ask brings it back.
        #expect(try at("2026-11-20", ["add", "Ann Lee", "created:", "2026-11-01"]).status == 0)
        #expect(try at("2026-11-20", ["log", "lunch", "with", "@ann-lee", "asked"]).status == 0)
        let page = try at("2026-11-20", ["--format", "csv", "agenda", "by", "item"])
        let give = try #require(page.stdout.split(separator: "\n").first { $0.contains("Give to Ann Lee") }.map { String($0.split(separator: ",")[0]) })
        #expect(try at("2026-11-20", ["done", give]).status == 0)
        #expect(try at("2026-11-24", ["log", "call", "with", "@ann-lee", "gave"]).status == 0)
        #expect(try at("2026-11-25", ["log", "lunch", "with", "@ann-lee", "asked"]).status == 0)
        #expect(try at("2026-11-25", ["--format", "csv", "agenda", "by", "item"]).stdout.contains("Give to Ann Lee before asking again (1 given, 2 asked)"))
    }

    /// `unsnooze @x` ends the snoozes of the contact's items too (`snooze 1 1w` had no inverse
    /// but undo, and unsnooze said the contact "was not snoozed").
    @Test func unsnoozeEndsAnItemsSnooze() throws {
        let dir = try Self.start()
        let first = try Self.csv(["agenda"], dir)
        let handle = String(first[1].split(separator: ",")[2])
        #expect(try CLI.run(["snooze", "1", "1w"], in: dir).status == 0)
        #expect(!(try Self.csv(["agenda"], dir)).contains { $0.contains(",\(handle),") })
        let r = try CLI.run(["unsnooze", "@" + handle], in: dir)
        #expect(r.status == 0 && r.stdout.contains("@\(handle) is back on the agenda (") && r.stdout.contains("no longer snoozed)"), "\(r.stdout)")
        #expect(try Self.csv(["agenda"], dir).contains { $0.contains(",\(handle),") })
        #expect(try CLI.run(["unsnooze", "@" + handle], in: dir).stdout.contains("was not snoozed; nothing was changed"))
    }

    /// Under --read-only the page is shown but its numbers are not kept.
    @Test func aReadOnlyAgendaKeepsNoNumbers() throws {
        let dir = try Self.start()
        _ = try Self.csv(["agenda", "limit", "1"], dir)
        _ = try Self.csv(["--read-only", "agenda"], dir)
        let r = try CLI.run(["done", "2"], in: dir)
        #expect(r.status == 3 && r.stderr.contains("items 1 to 1"), "\(r.stderr)")
    }

    /// A closed item without a touch to log stays closed while its condition holds, and comes
    /// back once the condition has stopped holding and holds again; `why` shows it meanwhile.
    @Test func aClosedItemComesBackWhenItsConditionHoldsAgain() throws {
        let dir = try Self.start()
        _ = try Self.csv(["agenda", "by", "item"], dir)
        // Line 4 by item is Ben's mail (Ann's call, Cy's call, then mail for Ann, Ben and Cy).
        #expect(try CLI.run(["done", "4"], in: dir).stdout.contains("closed \"mail\" for @ben-bose"))
        #expect(try Self.csv(["agenda", "by", "item"], dir).filter { $0.contains("ben-bose") }.isEmpty)
        let why = try CLI.run(["-e", "why @ben-bose"], in: dir).stdout
        #expect(why.contains("done") && why.contains("on 2026-11-23 until the rule stops applying"), "\(why)")
        // The condition stops holding (mail is dropped, the agenda is looked at), then holds again.
        #expect(try CLI.run(["run", "-"], stdin: "rule \"mail\" when false then remind \"Mail {name}\" priority 1\nagenda\n", in: dir).status == 0)
        #expect(try CLI.run(["-e", "rule \"mail\" when true then remind \"Mail {name}\" priority 1"], in: dir).status == 0)
        #expect(try Self.csv(["agenda", "by", "item"], dir).contains { $0.contains("ben-bose,mail") })
    }

    /// `dismiss N for 30d` hides the item for 30 days without logging; `dismiss N` until the
    /// condition stops holding.
    @Test func dismissHidesWithoutLogging() throws {
        let dir = try Self.start()
        _ = try Self.csv(["agenda"], dir)
        let r = try CLI.run(["dismiss", "1", "for", "30d"], in: dir)
        #expect(r.status == 0 && r.stdout.contains("Dismissed \"call\" for @ann-arbor, \"mail\" for @ann-arbor until 2026-12-23."), "\(r.stderr)")
        // Again, it is no change, and says so (b105 F3: "Dismissed" again).
        let again = try CLI.run(["dismiss", "1", "for", "30d"], in: dir)
        #expect(
            again.stdout == "\"call\" for @ann-arbor, \"mail\" for @ann-arbor are already dismissed until 2026-12-23: nothing was changed.\n",
            "\(again.stdout)")
        #expect(try Self.csv(["-e", "count(interactions)"], dir) == ["0"])
        #expect(try Self.csv(["agenda"], dir).filter { $0.contains("ann-arbor") }.isEmpty)
        #expect(try Self.csv(["agenda"], dir, env: ["TEND_TODAY": "2026-12-23"]).contains { $0.contains("ann-arbor") })
        // Snoozing past today is the only way: a dismissal for a negative time is an error, which
        // tend check finds too (it passed the check and failed the run).
        _ = try Self.csv(["agenda"], dir)
        let bad = try CLI.run(["dismiss", "1", "for", "-2d"], in: dir)
        #expect(bad.status == 2 && bad.stderr.contains("a dismiss must end after today"), "\(bad.stderr)")
    }

    /// `snooze N 1w`, `snooze @x rule "NAME" 2w`, `snooze QUERY 2w`; a snooze that ends today or
    /// earlier is an error that changes nothing.
    @Test func snoozeOneItemARuleOrAQuery() throws {
        let dir = try Self.start()
        _ = try Self.csv(["agenda", "by", "item"], dir)
        #expect(try CLI.run(["snooze", "1", "1w"], in: dir).stdout.contains("Snoozed \"call\" for @ann-arbor until 2026-11-30."))
        #expect(try CLI.run(["snooze", "@cy-cole", "rule", "mail", "2w"], in: dir).status == 0)
        let items = try Self.csv(["agenda", "by", "item"], dir).dropFirst().map { $0.split(separator: ",")[2...3].joined(separator: " ") }
        #expect(items == ["cy-cole call", "ann-arbor mail", "ben-bose mail"])
        #expect(try CLI.run(["snooze", "contacts", "where", "+hot", "2w"], in: dir).stdout.contains("Snoozed 2 contacts until 2026-12-07."))
        #expect(try Self.csv(["agenda"], dir).dropFirst().map { $0.split(separator: ",")[2] } == ["ben-bose"])
        #expect(try CLI.run(["snooze", "@ann-arbor", "rule", "mial", "2w"], in: dir).stderr.contains("did you mean \"mail\""))
        // The items an agenda query gives, the contacts' others left (it was refused, and on the
        // command line the `==` after the field `rule` was quoted as a rule's name).
        let some = try CLI.run(["snooze", "agenda", "where", "rule", "==", "\"mail\"", "3w"], in: dir)
        #expect(some.stdout.contains("Snoozed 1 agenda item until 2026-12-14."), "\(some.stdout)\(some.stderr)")
        #expect(try Self.csv(["agenda"], dir).dropFirst().isEmpty)
        #expect(try CLI.run(["-e", "snooze (agenda show message) 1w"], in: dir).stderr.contains("snooze takes contacts (each one's every item) or agenda items"))
        let before = try CLI.run(["dump"], in: dir).stdout
        // A duration written out is refused before anything runs (exit 2); a date, when the run meets it.
        for (args, status, message) in [
            (["snooze", "1", "-1w"], Int32(2), "a snooze must end after today: give a duration longer than 0d (2w)"),
            (["snooze", "@ben-bose", "until", "2026-11-23"], 3, "a snooze must end after today"),
            (["snooze", "@ben-bose", "0d"], 2, "a snooze must end after today"),
            (["snooze", "contacts", "until", "2026-01-01"], 3, "a snooze must end after today"),
        ] {
            let r = try CLI.run(args, in: dir)
            #expect(r.status == status && r.stderr.contains(message), "\(args): \(r.stderr)")
        }
        #expect(try CLI.run(["dump"], in: dir).stdout == before)
    }

    /// The page's clauses come in any order: each order prints the same page.
    @Test func pageClausesInAnyOrder() throws {
        let dir = try Self.start()
        let pages = try ["agenda on 2026-11-30 by item limit 3", "agenda limit 3 by item on 2026-11-30", "agenda by item on 2026-11-30 limit 3"].map {
            try CLI.run(["--format", "csv", "--read-only", "-e", $0], in: dir)
        }
        #expect(pages[0].status == 0 && pages[0].stdout.split(separator: "\n").count == 4, "\(pages[0].stdout)\(pages[0].stderr)")
        #expect(pages.allSatisfy { $0.stdout == pages[0].stdout && $0.status == 0 })
        let all = try ["agenda all on 2026-11-30", "agenda on 2026-11-30 all"].map { try CLI.run(["--format", "csv", "--read-only", "-e", $0], in: dir) }
        #expect(all[0].status == 0 && all[0].stdout == all[1].stdout, "\(all[0].stderr)")
    }

    /// The page's form is checked before anything runs.
    @Test func pageFormsThatDoNotParse() throws {
        let dir = try Self.start()
        for (text, message) in [
            ("agenda all limit 3", "agenda all shows every line"), ("agenda limit 3 on today all", "agenda all shows every line"),
            ("agenda on today all on today", "agenda takes on once"), ("done", "expected the item's number"),
            ("done 1 quality: 3", "done takes note:"), ("snooze @ann-arbor rule 2w", "expected the rule's name in quotes"),
            ("snooze interactions 2w", "snooze takes contacts"),
        ] {
            let r = try CLI.run(["-e", text], in: dir)
            #expect(r.status == 2 && r.stderr.contains(message), "\(text): \(r.stderr)")
        }
    }
}
