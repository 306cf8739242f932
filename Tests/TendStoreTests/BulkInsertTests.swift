import Foundation
import GRDB
import Testing

@testable import TendCore
@testable import TendStore

/// An import's touches and sightings are written in bulk (`logInteractions`, `recordSightings`),
/// journalled by one statement per table instead of by the triggers. The rows, their ids and
/// the journal must be what the one-by-one path writes, so that undo takes an import back whole.
@Suite struct BulkInsertTests {
    /// A store with three contacts and one interaction, as if logged before the import.
    static func store() throws -> Store {
        let store = try Store(path: tempPath("bulk.db"))
        try store.begin()
        for (name, handle) in [("Ann Lee", "ann-lee"), ("Bo Chen", "bo-chen"), ("Cy Park", "cy-park")] {
            try store.apply(.insertContact(Contact(name: name, handle: handle, created: day)))
        }
        try store.apply(.insertInteraction(Interaction(kind: "lunch", on: day, people: [1])))
        try store.commit(label: label("setup"))
        return store
    }

    static func label(_ statement: String) -> Store.JournalLabel {
        Store.JournalLabel(source: "test", statement: statement, day: day, at: "")
    }

    static let touches: [Interaction] = (0..<250).map { n in
        var i = Interaction(kind: n % 3 == 0 ? "email" : "meeting", on: day.adding(days: -n), people: n % 2 == 0 ? [1, 3] : [2])
        i.sourceID = "ical:event-\(n)/20261123"
        i.note = n % 5 == 0 ? nil : "Review \(n)"
        i.inbound = n % 4 == 0
        return i
    }

    static let sightings = (0..<120).map { n in
        Sighting(
            address: "stranger\(n % 40)@example.org", name: n % 3 == 0 ? nil : "Stranger \(n)", on: day.adding(days: -n - 7),
            last: day.adding(days: -n), times: n % 7 + 1, sourceID: "m\(n)")
    }

    /// Every table's rows and the newest change's journal rows, in order.
    static func contents(_ store: Store) throws -> [String] {
        try store.db.inDatabase { db in
            var out: [String] = []
            for table in ["interactions", "interaction_people", "candidate_sightings"] {
                out += try Row.fetchAll(db, sql: "SELECT rowid, * FROM \(table) ORDER BY rowid").map { "\(table) \($0)" }
            }
            out += try Row.fetchAll(
                db, sql: "SELECT tbl, rid, through, before, after_hash FROM journal_rows WHERE change_id = (SELECT max(id) FROM journal) ORDER BY tbl, rid"
            ).map { "journal \($0)" }
            return out
        }
    }

    @Test func bulkWritesWhatOneByOneWrites() throws {
        let bulk = try Self.store()
        try bulk.begin()
        try bulk.logInteractions(Self.touches)
        try bulk.recordSightings(Self.sightings)
        try bulk.commit(label: Self.label("import ics cal.ics"))

        let single = try Self.store()
        try single.begin()
        for i in Self.touches { try single.apply(.insertInteraction(i)) }
        try single.db.inDatabase { db in
            for s in Self.sightings {
                try db.execute(
                    sql: "INSERT OR IGNORE INTO candidate_sightings (address, source_id, name, \"on\", last_on, times) VALUES (?, ?, ?, ?, ?, ?)",
                    arguments: [s.address, s.sourceID, s.name, s.on.description, s.last.description, s.times])
            }
        }
        try single.commit(label: Self.label("import ics cal.ics"))

        let written = try Self.contents(bulk)
        // One range per table: the rows the change added, first to last, with their hashes' sum.
        #expect(written.filter { $0.hasPrefix("journal") }.map { $0.replacingOccurrences(of: #"after_hash:-?\d+"#, with: "", options: .regularExpression) } == [
            "journal [tbl:\"candidate_sightings\" rid:1 through:120 before:NULL ]",
            "journal [tbl:\"interaction_people\" rid:2 through:376 before:NULL ]",
            "journal [tbl:\"interactions\" rid:2 through:251 before:NULL ]",
        ])
        #expect(written == (try Self.contents(single)))
    }

    /// Each column is bound as the value is: empty text stays empty text (not NULL), text that
    /// is not ASCII keeps its bytes, absent values are NULL, flags 0 or 1.
    @Test func everyColumnIsStoredAsGiven() throws {
        let store = try Self.store()
        var plain = Interaction(kind: "meeting", on: day, people: [2, 3, 1])
        plain.note = ""
        plain.sourceID = "ical:plain"
        var full = Interaction(kind: "lunch", on: day.adding(days: -3), people: [3])
        full.note = "Café ☕ with Zoë, 東京"
        full.quality = 4
        full.gave = true
        full.asked = true
        full.inbound = true
        full.pitch = true
        full.by = "pat"
        full.isPrivate = true
        full.sourceID = "ical:é/20261120"
        try store.begin()
        try store.logInteractions([plain, full])
        try store.recordSightings([Sighting(address: "zoë@example.org", name: "", on: day, sourceID: "")])
        try store.commit(label: Self.label("import"))
        let rows = try store.db.inDatabase { db in
            try String.fetchAll(
                db,
                sql: """
                    SELECT kind || '|' || "on" || '|' || quote(note) || '|' || quote(quality) || '|' || gave || asked || inbound || pitch || '|'
                      || source_id || '|' || quote("by") || '|' || private || '|'
                      || (SELECT group_concat(contact_id || ':' || position, ' ') FROM interaction_people WHERE interaction_id = i.id)
                    FROM interactions i WHERE id > 1 ORDER BY id
                    """)
                + String.fetchAll(db, sql: "SELECT address || '|' || quote(source_id) || '|' || quote(name) || '|' || \"on\" FROM candidate_sightings")
        }
        #expect(rows == [
            "meeting|2026-11-23|''|NULL|0000|ical:plain|NULL|0|2:0 3:1 1:2",
            "lunch|2026-11-20|'Café ☕ with Zoë, 東京'|4|1111|ical:é/20261120|'pat'|1|3:0",
            "zoë@example.org|''|''|2026-11-23",
        ])
    }

    @Test func undoTakesABulkWriteBackWhole() throws {
        let store = try Self.store()
        let before = try Self.contents(store).filter { !$0.hasPrefix("journal") }
        try store.begin()
        try store.logInteractions(Self.touches)
        try store.recordSightings(Self.sightings)
        try store.commit(label: Self.label("import ics cal.ics"))
        try store.begin()
        #expect(try store.undo(count: 1).map(\.statement) == ["import ics cal.ics"])
        try store.commit()
        #expect(try Self.contents(store).filter { !$0.hasPrefix("journal") } == before)
        // The change before the import is still there to undo, and is undone by its journal.
        try store.begin()
        #expect(try store.undo(count: 1).map(\.statement) == ["setup"])
        try store.commit()
        #expect(try store.network().contacts.isEmpty)
    }

    @Test func aRepeatedSourceIsRefusedInWordsAndTheJournalGoesOn() throws {
        let store = try Self.store()
        var twice = Self.touches
        twice.append(Self.touches[7])
        try store.begin()
        #expect {
            try store.logInteractions(twice)
        } throws: { error in
            "\(error)".contains("already logged from source \"ical:event-7/20261123\"")
        }
        store.rollback()
        #expect(try store.network().interactions.count == 1)
        // The triggers are back: a later change is journalled and undone as before.
        try store.begin()
        try store.apply(.insertInteraction(Interaction(kind: "call", on: day, people: [2])))
        try store.commit(label: Self.label("log call with @bo-chen"))
        try store.begin()
        #expect(try store.undo(count: 1).map(\.statement) == ["log call with @bo-chen"])
        try store.commit()
        #expect(try store.network().interactions.count == 1)
    }

    /// A change that deletes the newest rows and then adds rows: the new rows get numbers past
    /// the deleted ones (a number is never given twice), they are recorded as the change made
    /// them, and undo puts back what was deleted. One by one and in bulk.
    @Test(arguments: [false, true]) func rowsAddedAfterTheNewestWereDeletedInOneChange(bulk: Bool) throws {
        let store = try Self.store()
        try store.begin()
        try store.logInteractions(Array(Self.touches.prefix(5)))
        try store.commit(label: Self.label("import"))
        let before = try Self.contents(store).filter { !$0.hasPrefix("journal") }
        try store.begin()
        for id in [Int64(6), 5] { try store.apply(.deleteEvent(.interaction, id)) }
        let added = Array(Self.touches[100..<104])
        if bulk {
            try store.logInteractions(added)
        } else {
            for i in added { try store.apply(.insertInteraction(i)) }
        }
        try store.apply(.deleteEvent(.interaction, 8))
        try store.commit(label: Self.label("remove and log"))
        #expect(try store.network().interactions.map(\.id) == [1, 2, 3, 4, 7, 9, 10])
        try store.begin()
        #expect(try store.undo(count: 1).map(\.statement) == ["remove and log"])
        try store.commit()
        #expect(try Self.contents(store).filter { !$0.hasPrefix("journal") } == before)
    }

    /// A run whose journal pauses halfway (the agenda's housekeeping does) records the rows it
    /// added so far as a range; a later write in the same run to a row of that range is recorded
    /// on its own. Undo checks the range as that later write found it, and takes the run back whole.
    @Test(arguments: [false, true]) func aRangeWrittenAgainInTheSameRun(bulk: Bool) throws {
        let store = try Self.store()
        let before = try Self.contents(store).filter { !$0.hasPrefix("journal") }
        try store.begin()
        let first = Array(Self.touches.prefix(10))
        if bulk { try store.logInteractions(first) } else { for i in first { try store.apply(.insertInteraction(i)) } }
        try store.withoutJournal { _ in }
        var edited = try #require(store.network().interactions.first { $0.id == 3 })
        edited.note = "Changed after the pause"
        try store.apply(.updateInteraction(edited, fields: ["note"]))
        try store.apply(.deleteEvent(.interaction, 5))
        try store.logInteractions(Array(Self.touches[20..<25]))
        try store.commit(label: Self.label("log, pause, edit"))
        try store.begin()
        #expect(try store.undo(count: 1).map(\.statement) == ["log, pause, edit"])
        try store.commit()
        #expect(try Self.contents(store).filter { !$0.hasPrefix("journal") } == before)
    }

    /// A row of a range changed, deleted or put in its gap by another program refuses the undo,
    /// and nothing is undone.
    @Test(arguments: [
        "UPDATE interactions SET note = 'edited by hand' WHERE id = 40",
        "DELETE FROM interactions WHERE id = 41",
        "UPDATE interaction_people SET contact_id = 3 WHERE interaction_id = 42 AND position = 0",
        "UPDATE candidate_sightings SET name = 'Someone' WHERE rowid = 3",
        "INSERT INTO interactions (id, kind, \"on\") VALUES (44, 'call', '2026-11-02')",
    ]) func anOutsideChangeToAnAddedRowRefusesTheUndo(outside: String) throws {
        let store = try Self.store()
        try store.begin()
        try store.logInteractions(Self.touches)
        try store.apply(.deleteEvent(.interaction, 44))
        try store.recordSightings(Self.sightings)
        try store.commit(label: Self.label("import ics cal.ics"))
        try store.db.inDatabase { db in try db.execute(sql: outside) }
        let changed = try Self.contents(store)
        try store.begin()
        #expect(throws: Store.UndoError.self) { try store.undo(count: 1) }
        store.rollback()
        #expect(try Self.contents(store) == changed)
    }

    /// The triggers a change would need only for rows it found: a table empty when the change
    /// begins has none meanwhile (a restore into a new database runs without them), and gets them
    /// once it has rows, also when the run that emptied or filled it is rolled back.
    @Test func tablesGetTheirTriggersWhenTheyHaveRows() throws {
        let store = try Store(path: tempPath("triggers.db"))
        func triggered() throws -> Set<String> {
            try store.db.inDatabase { db in
                Set(try String.fetchAll(db, sql: "SELECT DISTINCT tbl_name FROM temp.sqlite_master WHERE type = 'trigger'"))
            }
        }
        let ann = Contact(name: "Ann Lee", handle: "ann-lee", created: day)
        try store.begin()
        #expect(try !triggered().contains("contacts"))
        try store.apply(.insertContact(ann))
        store.rollback()
        try store.begin()
        try store.apply(.insertContact(ann))
        try store.commit(label: Self.label("add Ann"))
        try store.begin()
        #expect(try triggered().contains("contacts"))
        #expect(try !triggered().contains("goals"))
        var changed = try #require(store.network().contacts.first)
        changed.company = "Lee & Co"
        try store.apply(.updateContact(changed, fields: ["company"]))
        try store.apply(.insertInteraction(Interaction(kind: "lunch", on: day, people: [changed.id])))
        try store.commit(label: Self.label("set and log"))
        try store.begin()
        #expect(try store.undo(count: 1).map(\.statement) == ["set and log"])
        try store.commit()
        #expect(try store.network().contacts.map(\.company) == [nil])
        #expect(try store.network().interactions.isEmpty)
        try store.begin()
        #expect(try store.undo(count: 1).map(\.statement) == ["add Ann"])
        try store.commit()
        #expect(try store.network().contacts.isEmpty)
    }

    @Test func outsideARunNothingIsJournalled() throws {
        let store = try Self.store()
        try store.logInteractions(Array(Self.touches.prefix(3)))
        #expect(try store.history().map(\.statement) == ["setup"])
        #expect(try store.network().interactions.count == 4)
    }
}
