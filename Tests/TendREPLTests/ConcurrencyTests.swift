import Foundation
import GRDB
import TendTestSupport
import Testing

@testable import TendCore
@testable import TendREPL
@testable import TendStore

/// A long-lived session (what the REPL runs on) and another `tend` process writing the same
/// database: the session sees the other's commits before each statement, and never writes
/// back a stale copy over them (#17.6).
@Suite struct ConcurrencyTests {
    final class Output: @unchecked Sendable {
        var out: [String] = []
        var err: [String] = []
    }

    /// A session on a new database file, the way the REPL holds one.
    static func session(_ path: String, _ output: Output) throws -> Session {
        let console = Console(out: { output.out.append($0) }, err: { output.err.append($0) })
        return try Session(store: try Store(path: path), today: Day(year: 2026, month: 11, day: 23)!, console: console)
    }

    /// Runs a statement as the REPL does and returns what it printed.
    static func run(_ session: Session, _ output: Output, _ text: String) -> String {
        output.out = []
        output.err = []
        let status = session.runScripts([Source(name: "<repl>", text: text)], bail: false, readOnly: false)
        #expect(status == .success, "\(text): \(output.err)")
        return output.out.joined(separator: "\n")
    }

    /// The other process: the `tend` binary on the same file.
    static func other(_ path: String, _ statement: String) throws {
        let r = try Child.run(Terminal.binary, ["--db", path, "--today", "2026-11-23", "-e", statement])
        #expect(r.status == 0, "\(statement): \(r.stderrText)")
    }

    static func path() -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tend-two-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir.appendingPathComponent("t.db").path
    }

    /// `set @x next_step: …` in the REPL undid `set @x company: "B-Co"` made by another process.
    @Test func noLostUpdate() throws {
        let path = Self.path()
        let output = Output()
        let session = try Self.session(path, output)
        _ = Self.run(session, output, "add \"Joan Rivera\" company: \"A-Co\", +vip")
        #expect(Self.run(session, output, "@joan-rivera.company") == "A-Co")
        try Self.other(path, "set @joan-rivera company: \"B-Co\", +golf")
        _ = Self.run(session, output, "set @joan-rivera next_step: \"call about the lease\"")
        let fresh = try Store(path: path).network().contact(handle: "joan-rivera")!
        #expect(fresh.company == "B-Co")
        #expect(fresh.tags == ["vip", "golf"])
        #expect(fresh.nextStep == "call about the lease")
        #expect(Self.run(session, output, "@joan-rivera.company") == "B-Co")
    }

    /// The class: whatever field the session sets, every field the other process set stands.
    @Test(arguments: ["title: \"Owner\"", "stage: credibility", "cadence: 2w", "snooze", "-vip", "expert", "notes: \"met at BNI\""])
    func onlyTheNamedFieldsAreWritten(_ option: String) throws {
        let path = Self.path()
        let output = Output()
        let session = try Self.session(path, output)
        _ = Self.run(session, output, "add \"Joan Rivera\" company: \"A-Co\", +vip")
        _ = Self.run(session, output, "contacts show company, city, next_due")
        try Self.other(path, "set @joan-rivera company: \"B-Co\", city: \"Irvine\", next_due: 2026-12-01, interests: [\"golf\"]")
        _ = Self.run(session, output, option == "snooze" ? "snooze @joan-rivera 2w" : "set @joan-rivera \(option)")
        let fresh = try Store(path: path).network().contact(handle: "joan-rivera")!
        #expect(fresh.company == "B-Co" && fresh.city == "Irvine" && fresh.nextDue == Day(year: 2026, month: 12, day: 1))
        #expect(fresh.interests == ["golf"])
    }

    /// A session on a new database with Ana's next step overdue before Bo's.
    static func twoNextSteps() throws -> (path: String, output: Output, session: Session) {
        let path = Self.path()
        let output = Output()
        let session = try Self.session(path, output)
        _ = Self.run(session, output, #"add "Ana Park" next_step: "send the deck", next_due: 2026-11-01"#)
        _ = Self.run(session, output, #"add "Bo Li" next_step: "call back", next_due: 2026-11-10"#)
        return (path, output, session)
    }

    /// The agenda page a session showed is the one its numbers mean: when another process
    /// numbered the agenda again since and line 1 is someone else's there, `done 1` refuses
    /// and names who line 1 was here (it logged a call with the other page's first person). A
    /// line that is the same on both pages still works; showing the agenda again renumbers.
    @Test func aPageAnotherProcessNumberedAgainIsNotThisSessions() throws {
        let (path, output, session) = try Self.twoNextSteps()
        let page = Self.run(session, output, "agenda")
        #expect(page.contains("1") && page.range(of: "Ana Park")!.lowerBound < page.range(of: "Bo Li")!.lowerBound, "\(page)")
        // Ana's step is done elsewhere, and that process shows the agenda: Bo is its line 1.
        try Self.other(path, "set @ana-park next_step: null, next_due: null")
        try Self.other(path, "agenda")
        output.out = []
        output.err = []
        let status = session.runScripts([Source(name: "<repl>", text: #"done 1 note: "called""#)], bail: false, readOnly: false)
        #expect(status != .success)
        #expect(output.err.joined().contains("item 1 of the agenda shown here was @ana-park, but another process has numbered the agenda again since"), "\(output.err)")
        #expect(try Store(path: path).network().interactions.isEmpty)
        // Shown again here, the numbers are this page's.
        let again = Self.run(session, output, "agenda")
        #expect(again.contains("Bo Li") && !again.contains("Ana Park"), "\(again)")
        #expect(Self.run(session, output, #"done 1 note: "called""#).contains("@bo-li"))
    }

    /// A line whose person another process removed is refused for that reason (b92 F7: it was
    /// said that another process had numbered the agenda again, which none had).
    @Test func aLineWhosePersonWasRemovedElsewhereSaysSo() throws {
        let (path, output, session) = try Self.twoNextSteps()
        _ = Self.run(session, output, "agenda")
        try Self.other(path, "remove @ana-park")
        output.out = []
        output.err = []
        #expect(session.runScripts([Source(name: "<repl>", text: "done 1")], bail: false, readOnly: false) != .success)
        #expect(output.err.joined().contains("item 1 was about a contact who has been removed since; nothing was done"), "\(output.err)")
        #expect(Self.run(session, output, "done 2").contains("@bo-li"))
    }

    /// The page shown here bounds its numbers: a line past it is refused (another process's
    /// longer page gave `done 4` a person never shown here); the same person's line is fine
    /// though the other page has another rule on it; a statement rolled back leaves the page
    /// shown before it as this session's.
    @Test func thePageShownHereBoundsItsNumbers() throws {
        let (path, output, session) = try Self.twoNextSteps()
        _ = Self.run(session, output, "agenda")
        for name in ["Cy Dee", "Di Eve", "Ed Fox"] { try Self.other(path, #"add "\#(name)" next_step: "x", next_due: 2026-11-20"#) }
        try Self.other(path, "agenda")
        func refused(_ text: String) -> String {
            output.out = []
            output.err = []
            #expect(session.runScripts([Source(name: "<repl>", text: text)], bail: false, readOnly: false) != .success, "\(text)")
            return output.err.joined()
        }
        #expect(refused("done 4").contains("no item 4 on the agenda shown here (it has items 1 to 2)"))
        // Line 1 is still Ana's on the other page: done 1 is hers.
        #expect(Self.run(session, output, "done 1").contains("@ana-park"))
        // A run that showed the agenda and failed keeps the page it showed.
        _ = Self.run(session, output, "agenda")
        #expect(refused("agenda\ndone 99").contains("no item 99 on the agenda shown here"))
        #expect(Self.run(session, output, "done 1").contains("@"))
    }

    /// A run that shows a page and then fails leaves that page as the one shown here, its
    /// numbers kept: `done 1` is line 1 of it (the session went back to the page before and
    /// refused, saying another process had numbered the agenda, when none had).
    @Test func aPageAFailedRunShowedIsTheSessionsPage() throws {
        let (_, output, session) = try Self.twoNextSteps()
        _ = Self.run(session, output, "agenda")
        output.out = []
        output.err = []
        let failed = #"set @ana-park next_step: null, next_due: null"# + "\nagenda\nprint 9999-12-31 + 1d\n"
        #expect(session.runScripts([Source(name: "<repl>", text: failed)], bail: false, readOnly: false) != .success)
        #expect(output.out.joined().contains("Bo Li") && !output.out.joined().contains("Ana Park"), "\(output.out)")
        let done = Self.run(session, output, #"done 1 note: "called""#)
        #expect(done.contains("@bo-li"), "\(done) \(output.err)")
    }

    /// A page whose numbers could not be kept (another process held the write lock) is still
    /// the page shown here: `done 1` where line 1 was someone else on the page kept refuses and
    /// names who line 1 was here (it logged a call with the kept page's first person, with a
    /// note meant for the one on screen).
    @Test func aPageWhoseNumbersWereNotKeptIsStillTheOneShownHere() throws {
        let (path, output, session) = try Self.twoNextSteps()
        _ = Self.run(session, output, "agenda")
        try Self.other(path, "snooze @ana-park 2w")
        var config = GRDB.Configuration()
        config.allowsUnsafeTransactions = true
        let writer = try DatabaseQueue(path: path, configuration: config)
        try writer.writeWithoutTransaction { try $0.execute(sql: "BEGIN IMMEDIATE") }
        let page = Self.run(session, output, "agenda")
        #expect(page.contains("Bo Li") && !page.contains("Ana Park") && page.contains("not kept"), "\(page)")
        try writer.writeWithoutTransaction { try $0.execute(sql: "ROLLBACK") }
        try writer.close()
        output.out = []
        output.err = []
        let status = session.runScripts([Source(name: "<repl>", text: #"done 1 note: "called Bo""#)], bail: false, readOnly: false)
        #expect(status != .success)
        #expect(output.err.joined().contains("item 1 of the agenda shown here was @bo-li, but its numbers were not kept"), "\(output.err)")
        #expect(try Store(path: path).network().interactions.isEmpty)
        // Shown again with the lock free, the numbers are kept and mean what is shown.
        _ = Self.run(session, output, "agenda")
        #expect(Self.run(session, output, #"done 1 note: "called Bo""#).contains("@bo-li"))
    }

    /// The same person on line 1 of both pages, with other items: `done 1` closes what line 1
    /// showed here (it closed the kept page's other item too, never shown on that line).
    @Test func aLineShownHereIsItsItems() throws {
        let (path, output, session) = try Self.twoNextSteps()
        _ = Self.run(session, output, #"rule "mail" when true then remind "Mail {name}" priority 0"#)
        let page = Self.run(session, output, "agenda")
        #expect(page.contains("mail"), "\(page)")
        var config = GRDB.Configuration()
        config.allowsUnsafeTransactions = true
        let writer = try DatabaseQueue(path: path, configuration: config)
        try writer.writeWithoutTransaction { try $0.execute(sql: "BEGIN IMMEDIATE") }
        let byItem = Self.run(session, output, "agenda by item")
        #expect(byItem.contains("not kept"), "\(byItem)")
        try writer.writeWithoutTransaction { try $0.execute(sql: "ROLLBACK") }
        try writer.close()
        let done = Self.run(session, output, "done 1")
        #expect(done.contains("@ana-park") && !done.contains("\"mail\""), "\(done)")
    }

    /// Derived figures, the agenda and definitions follow the other process's commits.
    @Test func figuresAndAgendaAreFresh() throws {
        let path = Self.path()
        let output = Output()
        let session = try Self.session(path, output)
        _ = Self.run(session, output, "add \"Joan Rivera\" cadence: 1mo, created: 2026-01-01")
        _ = Self.run(session, output, "rule \"Never called\" when touches == 0 then remind \"call {name}\"")
        #expect(Self.run(session, output, "@joan-rivera.touches") == "0")
        #expect(Self.run(session, output, "agenda by item").contains("call Joan Rivera"))
        try Self.other(path, "log call with @joan-rivera on 2026-11-20")
        #expect(Self.run(session, output, "@joan-rivera.touches") == "1")
        #expect(Self.run(session, output, "@joan-rivera.last_touch") == "2026-11-20")
        #expect(!Self.run(session, output, "agenda by item").contains("call Joan Rivera"))
        try Self.other(path, "fn twice(x) = x * 2")
        #expect(Self.run(session, output, "twice(21)") == "42")
        try Self.other(path, "drop rule \"Never called\"")
        #expect(!Self.run(session, output, "rules").contains("Never called"))
    }

    /// The REPL itself, at the keyboard (tmux), while another process writes.
    @Test(.enabled(if: Terminal.available)) func theREPLSeesAndKeepsAnotherProcesssChanges() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tend-repl-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let db = dir.appendingPathComponent("r.db").path
        let t = Terminal(dir: dir)
        defer { t.stop() }
        t.start()
        t.type("add \"Joan Rivera\" company: \"A-Co\"", "Enter")
        #expect(t.waitFor("Added @joan-rivera"))
        t.type("@joan-rivera.touches", "Enter")
        #expect(t.waitFor("tend:r>", count: 3))
        try Self.other(db, "set @joan-rivera company: \"B-Co\"")
        try Self.other(db, "log call with @joan-rivera")
        t.type("set @joan-rivera next_step: \"send the lease\"", "Enter")
        #expect(t.waitFor("Updated @joan-rivera."))
        t.type("contacts show company, next_step, touches", "Enter")
        #expect(t.waitFor("B-Co"))
        #expect(t.screen.contains("send the lease"))
        let fresh = try Store(path: db).network().contact(handle: "joan-rivera")!
        #expect(fresh.company == "B-Co" && fresh.nextStep == "send the lease")
    }
}
