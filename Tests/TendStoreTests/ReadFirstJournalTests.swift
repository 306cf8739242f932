import Foundation
import GRDB
import Testing

@testable import TendCore
@testable import TendStore

/// A run that only reads begins its transaction without the journal (`begin(immediate: false)`):
/// its triggers and marks are made by the first write, if one comes (the agenda's housekeeping,
/// statements a run reads from elsewhere). Every kind of write made so is journalled and undone
/// as it is in a run begun to write; a run that writes nothing leaves nothing behind.
@Suite struct ReadFirstJournalTests {
    typealias Setup = BulkInsertTests

    /// Every kind of write the store makes, each made in a run begun to read.
    static let writes: [(String, @Sendable (Store) throws -> Void)] = [
        ("a logged interaction", { try $0.apply(.insertInteraction(Interaction(kind: "call", on: day, people: [2]))) }),
        ("a contact's field", { store in
            var ann = try #require(store.network().contacts.first { $0.handle == "ann-lee" })
            ann.city = "Irvine"
            try store.apply(.updateContact(ann, fields: ["city"]))
        }),
        ("a removed contact", { try $0.apply(.deleteContact(3)) }),
        ("touches in bulk", { try $0.logInteractions(Array(Setup.touches.prefix(20))) }),
        ("sightings", { try $0.recordSightings(Array(Setup.sightings.prefix(20))) }),
        ("people added to a touch", { try $0.addPeople([2, 3], toInteraction: 1) }),
        ("an agenda item closed", { try $0.setItemState(ItemKey(contact: 1, rule: "stale"), ItemState(.done, since: day)) }),
    ]

    /// The rows of every table a write above touches.
    static func rows(_ store: Store) throws -> [String] {
        try store.db.inDatabase { db in
            var out: [String] = []
            for table in ["contacts", "interactions", "interaction_people", "candidate_sightings", "agenda_items"] {
                out += try Row.fetchAll(db, sql: "SELECT rowid, * FROM \(table) ORDER BY rowid").map { "\(table) \($0)" }
            }
            return out
        }
    }

    @Test(arguments: writes.indices) func aWriteInARunBegunToReadIsUndone(_ n: Int) throws {
        let (name, write) = Self.writes[n]
        let store = try Setup.store()
        let before = try Self.rows(store)
        try store.begin(immediate: false)
        _ = try store.network()
        try write(store)
        try store.commit(label: Setup.label(name))
        #expect(try Self.rows(store) != before, "\(name) changed nothing")
        try store.begin()
        #expect(try store.undo(count: 1).map(\.statement) == [name], "\(name)")
        try store.commit()
        #expect(try Self.rows(store) == before, "\(name) was not undone whole")
    }

    /// The same after an earlier run that wrote: this connection's triggers exist, and record
    /// nothing until the run writes.
    @Test func aLaterRunBegunToReadJournalsItsWrite() throws {
        let store = try Setup.store()
        try store.begin(immediate: false)
        _ = try store.network()
        try store.commit(label: Setup.label("count(contacts)"))
        let before = try Self.rows(store)
        try store.begin(immediate: false)
        try store.apply(.insertInteraction(Interaction(kind: "call", on: day, people: [2])))
        try store.commit(label: Setup.label("log call with @bo-chen"))
        try store.begin()
        #expect(try store.undo(count: 1).map(\.statement) == ["log call with @bo-chen"])
        try store.commit()
        #expect(try Self.rows(store) == before)
    }

    /// A journal a run begun to read made for its write goes with the run when it is rolled
    /// back (its tables and triggers are made inside the transaction), and is made again.
    @Test func aRolledBackWriteLeavesTheNextRunsJournalWhole() throws {
        let store = try Store(path: tempPath("read-first.db"))
        try store.begin(immediate: false)
        try store.apply(.insertContact(Contact(name: "Ann Lee", handle: "ann-lee", created: day)))
        store.rollback()
        try store.begin(immediate: false)
        try store.apply(.insertContact(Contact(name: "Bo Chen", handle: "bo-chen", created: day)))
        try store.commit(label: Setup.label("add Bo"))
        #expect(try store.network().contacts.map(\.name) == ["Bo Chen"])
        try store.begin()
        #expect(try store.undo(count: 1).map(\.statement) == ["add Bo"])
        try store.commit()
        #expect(try store.network().contacts.isEmpty)
    }

    /// A run that only reads writes nothing at all, not even its connection's temporary tables:
    /// closing the database then has no log to fold in.
    @Test func aRunThatOnlyReadsWritesNothing() throws {
        let store = try Setup.store()
        store.close()
        let path = store.path!
        let reader = try Store(path: path)
        try reader.begin(immediate: false)
        _ = try reader.network()
        _ = try reader.itemStates()
        try reader.commit(label: Setup.label("contacts"))
        #expect(try reader.db.inDatabase { $0.totalChangesCount } == 0)
        #expect(try reader.history().map(\.statement) == ["setup"])
        reader.close()
    }
}
