import Foundation
import GRDB
import Testing

@testable import TendCore
@testable import TendREPL
@testable import TendStore

/// The agenda's items kept in the file from one run to the next (`Store+KeptItems`). Whatever
/// is written, by Tend or by another program, a run's agenda is the agenda worked out afresh
/// from every rule; a run that may not trust what is kept (another process wrote since it read,
/// another day, other definitions, bytes that do not read) works it out again.
@Suite struct KeptItemsTests {
    static let today = AgendaMemoTests.today
    typealias Output = ConcurrencyTests.Output

    /// A session of one run, as `tend agenda` is: nothing kept in memory between statements.
    static func session(_ path: String, _ output: Output, today: Day = today, keeping: Bool = true) throws -> Session {
        let store = try Store(path: path)
        store.keepsAgendaItems = keeping
        let console = Console(out: { output.out.append($0) }, err: { output.err.append($0) })
        let session = try Session(store: store, today: today, renderer: Renderer(format: .csv), console: console)
        session.interpreter.keepsAgenda = false
        return session
    }

    /// The agenda as a new process shows it, and as one that reads and keeps nothing works it out.
    static func agendas(_ path: String, today: Day = today, _ text: String = "agenda by item all\ncount(agenda)", readOnly: Bool = false) throws -> (kept: String, afresh: String) {
        let output = Output()
        let kept = AgendaMemoTests.run(try session(path, output, today: today), output, text, readOnly: readOnly)
        let afresh = AgendaMemoTests.run(try session(path, output, today: today, keeping: false), output, text, readOnly: true)
        return (kept, afresh)
    }

    static func keptRows(_ path: String) throws -> Int {
        try DatabaseQueue(path: path).read { try Int.fetchOne($0, sql: "SELECT count(*) FROM agenda_kept") ?? 0 }
    }

    /// Another program's write (sqlite3, a teammate's script), through a connection of its own.
    static func write(_ path: String, _ sql: String) throws {
        try DatabaseQueue(path: path).write { try $0.execute(sql: sql) }
    }

    static func network(_ path: String, size: Int = 80) throws -> [String] {
        try SampleNetwork(size: size, seed: 9, interactionsPerContact: 3, today: today).write(to: try session(path, Output()).store as! Store)
        return try Store(path: path).network(events: false).contacts.map { "@" + $0.handle }
    }

    @Test func theKeptAgendaIsTheAgendaWorkedOutAfresh() throws {
        let path = ConcurrencyTests.path()
        let h = try Self.network(path)
        // Rules reading columns the figures do not count (an interaction's quality, a referral's
        // status, a spend's note), each local, so that their items are kept.
        let rules = """
            rule "good lunch" as c when count(interactions where c in people and quality >= 4) > 0 then remind "lunch {name}"
            rule "open referral" as c when count(referrals where contact == c and status == "open") > 0 then remind "referral {name}"
            rule "noted spend" as c when count(spending where contact == c and note ~ "gift") > 0 then remind "gift {name}"
            rule "planned" when company ~ "zz" then remind "company {name}"
            """
        let steps: [(String, Bool)] = [
            (rules, false), ("log call with \(h[0])", false), ("refer \"Ana Park\" to \(h[1])", false),
            ("introduce \(h[3]) and \(h[4])", false), ("spend 900 at \(h[5]) note: \"gift box\"", false), ("knows \(h[6]) \(h[7])", false),
            ("set \(h[8]) stage: profitability, next_step: \"call\", next_due: 2026-11-01", false), ("snooze \(h[9]) 2w", false),
            ("add \"Zed New\" stage: credibility", false), ("log lunch with \(h[10]) pitch", false), ("undo", false),
            ("UPDATE interactions SET quality = 5 WHERE id = (SELECT interaction_id FROM interaction_people WHERE contact_id = (SELECT min(id) FROM contacts))", true),
            ("UPDATE referrals SET status = 'open' WHERE id = (SELECT min(id) FROM referrals)", true),
            ("UPDATE spending SET note = 'a gift' WHERE id = (SELECT max(id) FROM spending)", true),
            ("UPDATE contacts SET company = 'zz-co', next_due = NULL WHERE id IN (SELECT id FROM contacts ORDER BY id LIMIT 3)", true),
            ("DELETE FROM interaction_people WHERE contact_id = (SELECT max(id) FROM contacts WHERE id IN (SELECT contact_id FROM interaction_people))", true),
            ("DELETE FROM knows WHERE rowid = (SELECT min(rowid) FROM knows)", true),
            ("INSERT INTO stage_changes (contact_id, stage, \"on\") SELECT min(id), 3, '2026-11-20' FROM contacts", true),
            ("UPDATE definitions SET source = replace(source, '> 365', '> 30') WHERE name = 'reconnect'", true),
            ("remove \(h[11])", false), ("merge \(h[12]) into \(h[13])", false), ("set interaction 2 quality: 5", false),
            ("let w_stage = 7", false), ("reset rules", false), ("log call with \(h[14])", false),
        ]
        var used = 0
        _ = try Self.agendas(path)
        for (step, sql) in steps {
            if sql {
                try Self.write(path, step)
            } else {
                let output = Output()
                AgendaMemoTests.run(try Self.session(path, output), output, step)
            }
            let before = try Self.keptRows(path)
            let (kept, afresh) = try Self.agendas(path)
            #expect(kept == afresh, "after \(step)")
            #expect(kept.split(separator: "\n").count > 20)
            if before > 40 { used += 1 }
        }
        // Most steps changed one or two contacts: their agenda read the others' items.
        #expect(used > steps.count / 2)
    }

    /// Another day, other definitions in a run that keeps none, bytes that do not read as items:
    /// each is worked out again, and a run under --read-only keeps nothing.
    @Test func whatMayNotBeTrustedIsWorkedOutAgain() throws {
        let path = ConcurrencyTests.path()
        let h = try Self.network(path)
        _ = try Self.agendas(path)
        #expect(try Self.keptRows(path) > 60)
        let tomorrow = try Self.agendas(path, today: Self.today.adding(days: 40))
        #expect(tomorrow.kept == tomorrow.afresh)
        let plain = try Self.agendas(path, "agenda by item all")
        #expect(plain.kept == plain.afresh)
        let preview = try Self.agendas(path, "let w_stage = 40\nagenda by item all", readOnly: true)
        #expect(preview.kept == preview.afresh)
        #expect(preview.kept != plain.kept, "the preview's own weights")
        let keptBefore = try DatabaseQueue(path: path).read { try Row.fetchAll($0, sql: "SELECT * FROM agenda_kept ORDER BY contact_id") }
        _ = try Self.agendas(path, today: Self.today.adding(days: 3), readOnly: true)
        #expect(try DatabaseQueue(path: path).read { try Row.fetchAll($0, sql: "SELECT * FROM agenda_kept ORDER BY contact_id") } == keptBefore)
        // Bytes cut short, a length past the end, text that is not UTF-8.
        try Self.write(path, "UPDATE agenda_kept SET items = substr(items, 1, 5) WHERE contact_id IN (SELECT contact_id FROM agenda_kept WHERE length(items) > 8 LIMIT 3)")
        try Self.write(path, "UPDATE agenda_kept SET items = x'ff0f' WHERE contact_id = (SELECT max(contact_id) FROM agenda_kept)")
        try Self.write(path, "UPDATE agenda_kept SET items = x'04ffff' || items WHERE contact_id = (SELECT min(contact_id) FROM agenda_kept)")
        let damaged = try Self.agendas(path, today: Self.today.adding(days: 40))
        #expect(damaged.kept == damaged.afresh)
        // A kept table someone dropped: the agenda works everything out, as with none kept, and
        // the next run that opens the file to write makes it again (its triggers refused every write).
        try Self.write(path, "DROP TABLE agenda_kept")
        let dropped = try Self.agendas(path, today: Self.today.adding(days: 40), readOnly: true)
        #expect(dropped.kept == damaged.afresh)
        let output = Output()
        AgendaMemoTests.run(try Self.session(path, output), output, "log call with \(h[2])")
        try Self.write(path, "DROP TABLE agenda_kept_for")
        AgendaMemoTests.run(try Self.session(path, output), output, "log call with \(h[3])")
        let again = try Self.agendas(path, today: Self.today.adding(days: 40))
        #expect(again.kept == again.afresh)
        #expect(try Self.keptRows(path) > 0)
    }

    /// The items kept are what the page shows (the rules are not worked out again for their
    /// contact) until a row of the contact is written: then its items are worked out again.
    @Test func keptItemsAreShownUntilTheContactChanges() throws {
        let path = ConcurrencyTests.path()
        let h = try Self.network(path, size: 30)
        _ = try Self.agendas(path)
        let id = try Store(path: path).contactID(handle: String(h[4].dropFirst()))!
        let row = Row(Schema.agenda, [.contact(id), .string("stay in touch"), .string("kept, not worked out"), .number(99), .null])
        let fake: AgendaMemo.Item = (99, 0, "x", .row(row))
        var texts: [UInt64: (value: Decimal, text: String)] = [:]
        try DatabaseQueue(path: path).write {
            try $0.execute(sql: "UPDATE agenda_kept SET items = ? WHERE contact_id = ?", arguments: [Data(AgendaMemo.encode([fake], name: "Kept Name", handle: "kept-handle", snoozed: false, texts: &texts)!), id])
        }
        let shown = try Self.agendas(path).kept
        #expect(shown.contains("kept, not worked out") && shown.contains("kept-handle"))
        try Self.write(path, "UPDATE contacts SET notes = 'met again' WHERE id = \(id)")
        let after = try Self.agendas(path)
        #expect(!after.kept.contains("kept, not worked out"))
        #expect(after.kept == after.afresh)
    }

    /// A store that has not seen another process's commit neither reads nor keeps items: what
    /// the interpreter read before that commit may be out of date.
    @Test func anotherProcessCommitMeanwhileKeepsNothing() throws {
        let path = ConcurrencyTests.path()
        _ = try Self.network(path, size: 10)
        let mine = try Store(path: path)
        try mine.keepItems([1: []], under: "k")
        #expect(try mine.keptItems(under: "k")?.items == [1: []])
        try Self.write(path, "UPDATE me SET name = 'Someone'")
        #expect(try mine.keptItems(under: "k") == nil)
        try mine.keepItems([2: []], under: "k")
        #expect(try Self.keptRows(path) == 0)
        #expect(try mine.refresh())
        try mine.keepItems([2: []], under: "k")
        #expect(try mine.keptItems(under: "k")?.items == [2: []])
        #expect(try mine.keptItems(under: "other") == nil)
        // A contact due (written since its figures were worked out) is neither read nor kept.
        try Self.write(path, "INSERT INTO figures_due (contact_id) VALUES (3)")
        #expect(try mine.refresh())
        try mine.keepItems([3: [], 4: []], under: "k")
        #expect(try DatabaseQueue(path: path).read { try Int64.fetchAll($0, sql: "SELECT contact_id FROM agenda_kept ORDER BY 1") } == [2, 4])
    }

    /// Every table of the file is one whose writes forget some contacts' items, every contact's,
    /// or none's: a new table must be put in one of the lists.
    @Test func everyTableIsWatched() throws {
        let path = ConcurrencyTests.path()
        _ = try Self.network(path, size: 5)
        let tables = try DatabaseQueue(path: path).read { try String.fetchAll($0, sql: "SELECT name FROM sqlite_master WHERE type = 'table'") }
        // An interaction is its people's (`interaction_people`): its own triggers forget theirs.
        let known = Set(Store.keptByContact.map(\.table) + Store.keptByEveryone + ["interactions"]).union(Store.keptByNone)
        #expect(Set(tables).subtracting(known).isEmpty, "\(Set(tables).subtracting(known))")
        #expect(Set(tables).isSuperset(of: known))
    }
}
