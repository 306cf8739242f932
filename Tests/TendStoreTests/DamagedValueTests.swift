import Foundation
import GRDB
import Testing

@testable import TendCore
@testable import TendStore

/// Values that Tend never writes, put into a database by another program or a bad disk: each is
/// reported with the file, table and row it is in, and nothing traps (a cadence of 2^63 days
/// made every query stop on an overflow).
@Suite struct DamagedValueTests {
    /// A small database with one of everything, and its path.
    static func database() throws -> String {
        let path = tempPath("damaged.db")
        let store = try Store(path: path)
        try store.transaction {
            var joan = Contact(name: "Joan Rivera", handle: "joan-rivera", created: day)
            joan.tags = ["vip"]
            joan.cadence = Duration(months: 3)
            let a = try store.apply(.insertContact(joan))!
            let b = try store.apply(.insertContact(Contact(name: "Dana Lee", handle: "dana-lee", created: day)))!
            try store.apply(.insertStageChange(StageChange(contact: a, stage: .visibility, on: day)))
            var i = Interaction(kind: "lunch", on: day, people: [a, b])
            i.quality = 4
            try store.apply(.insertInteraction(i))
            var r = Referral(direction: .given, contact: a, on: day)
            r.value = 120
            r.status = "open"
            try store.apply(.insertReferral(r))
            try store.apply(.insertIntroduction(Introduction(a: a, b: b, on: day)))
            try store.apply(.insertSpend(Spend(contact: b, amount: 85, on: day)))
            var g = Goal(name: "Meet")
            g.target = 3
            g.period = .month
            g.helpers = [a]
            try store.apply(.setGoal(g))
            try store.apply(.setMarket(Market(name: "retired", servedBy: ["salon"])))
            try store.apply(.setDefinition(Definition(kind: .let, name: "x", source: "let x = 1")))
        }
        return path
    }

    static let damages: [(String, String)] = [
        ("UPDATE contacts SET cadence_days = 9223372036854775807 WHERE id = 1", "contacts row 1: cadence is out of range"),
        ("UPDATE contacts SET cadence_months = -9223372036854775808 WHERE id = 1", "contacts row 1: cadence is out of range"),
        ("UPDATE contacts SET met_on = '10000-01-01' WHERE id = 2", "contacts row 2: met_on is \"10000-01-01\", not a date: write a date as YYYY-MM-DD, as in 2026-11-20"),
        ("UPDATE contacts SET created = 'soon' WHERE id = 2", "contacts row 2: created is \"soon\", not a date: write a date as YYYY-MM-DD, as in 2026-11-20"),
        ("UPDATE contacts SET created = 20261123 WHERE id = 2", "contacts row 2: created is \"20261123\", not a date: write a date as YYYY-MM-DD, as in 2026-11-20"),
        ("UPDATE contacts SET next_due = '2026-02-30' WHERE id = 1", "contacts row 1: next_due is \"2026-02-30\", not a date: February 2026 has 28 days, so there is no day 30 in it"),
        ("UPDATE contacts SET stage = 9 WHERE id = 1", "contacts row 1: stage is 9, not a stage"),
        ("UPDATE contacts SET expert = 2 WHERE id = 1", "contacts row 1: expert is 2, not true (1) or false (0)"),
        ("UPDATE contacts SET tags = '[\"vip\", 2]' WHERE id = 1", "contacts row 1: tags is not a list of text"),
        ("UPDATE contacts SET serves = '{\"a\": 1' WHERE id = 1", "contacts row 1: serves is not a list of text"),
        ("UPDATE interactions SET quality = 7", "interactions row 1: quality is 7, not a quality from 1 to 5"),
        ("UPDATE interactions SET \"on\" = '2026-13-01'", "interactions row 1: on is \"2026-13-01\", not a date: there is no month 13; months run from 01 to 12"),
        ("UPDATE interactions SET gave = -1", "interactions row 1: gave is -1"),
        ("UPDATE referrals SET value_cents = 9223372036854775807", "referrals row 1: value_cents is out of range"),
        ("UPDATE referrals SET status = 'maybe'", "referrals row 1: status is \"maybe\", not open, won or lost"),
        ("UPDATE referrals SET direction = 'sideways'", "referrals row 1: direction is not given or received"),
        ("UPDATE referrals SET contact_id = 99", "referrals row 1: contact 99 does not exist"),
        ("UPDATE spending SET amount_cents = -9223372036854775808", "spending row 1: amount_cents is out of range"),
        ("UPDATE stage_changes SET stage = 0", "stage_changes row 1: stage is 0, not a stage"),
        ("UPDATE interaction_people SET contact_id = 77 WHERE position = 1", "interactions row 1: contact 77 does not exist"),
        ("UPDATE introductions SET \"on\" = '99999-01-01'", "introductions row 1: on is \"99999-01-01\", not a date: write a date as YYYY-MM-DD, as in 2026-11-20"),
        // A date without its year is a birthday's or an anniversary's alone: an event on it was
        // counted from the year 0 (739,761 days overdue).
        ("UPDATE interactions SET \"on\" = '--12-25'", "interactions row 1: on is --12-25, a date without a year"),
        ("UPDATE referrals SET \"on\" = '--12-25'", "referrals row 1: on is --12-25, a date without a year"),
        ("UPDATE introductions SET \"on\" = '--02-29'", "introductions row 1: on is --02-29, a date without a year"),
        ("UPDATE spending SET \"on\" = '--12-25'", "spending row 1: on is --12-25, a date without a year"),
        ("UPDATE stage_changes SET \"on\" = '--12-25'", "stage_changes row 1: on is --12-25, a date without a year"),
        ("UPDATE contacts SET met_on = '--06-01' WHERE id = 2", "contacts row 2: met_on is --06-01, a date without a year"),
        ("UPDATE contacts SET created = '--06-01' WHERE id = 2", "contacts row 2: created is --06-01, a date without a year"),
        ("UPDATE contacts SET next_due = '--06-01' WHERE id = 1", "contacts row 1: next_due is --06-01, a date without a year"),
        ("UPDATE goals SET period = 'fortnight'", "goals row 1: period is not week, month, quarter or year"),
        ("UPDATE goals SET target = 'lots'", "goals row 1: target is not a number"),
        ("UPDATE goal_helpers SET contact_id = 55", "goal_helpers row 1: contact 55 does not exist"),
        ("UPDATE markets SET served_by = 'salon'", "markets: served_by is not a list of text"),
        ("INSERT INTO me (id, preferred_client) VALUES (1, '[')", "me row 1: preferred_client is not a list of text"),
        ("UPDATE definitions SET kind = 'macro'", "definitions row 1: kind is not let, fn, rule or score"),
    ]

    @Test(arguments: damages)
    func aDamagedValueNamesItsTableAndRow(_ damage: (String, String)) throws {
        let path = try Self.database()
        try GRDBQueue.unchecked(path).execute(damage.0)
        let store = try Store(path: path)
        // Every way of reading either answers or reports the damage; none traps.
        _ = try? store.contactStats(today: day)
        _ = try? store.network(events: false)
        _ = try? store.definitions()
        _ = try? store.handles()
        _ = try? store.read(ModelRead("interactions", where: [], involving: 1))
        do {
            _ = try store.network()
            Issue.record("no error for \(damage.0)")
        } catch let e as DamagedValue {
            #expect(e.description == "\(path): \(damage.1)" || e.description.hasPrefix("\(path): \(damage.1)"), "\(e)")
        }
    }

    /// A bad disk flipped bytes in a CI run's copy of a database so that the interactions table
    /// handed its rows back out of id order; paging on from the last id read the same page again
    /// and again, and `tend` never ended (the test suite with it). Two cells of the table's page
    /// are swapped here, as the flip did.
    @Test func rowsOutOfOrderAreDamageNotALoop() throws {
        let path = try Self.database()
        let store = try Store(path: path)
        for n in 2...6 { try store.apply(.insertInteraction(Interaction(kind: "call", on: day, people: [Int64(n % 2 + 1)]))) }
        let raw = try GRDBQueue.unchecked(path)
        try raw.queue.writeWithoutTransaction { try $0.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)") }
        let (root, pageSize) = try raw.queue.read { db in
            (try Int.fetchOne(db, sql: "SELECT rootpage FROM sqlite_schema WHERE name = 'interactions'")!,
             try Int.fetchOne(db, sql: "PRAGMA page_size")!)
        }
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        let page = (root - 1) * pageSize
        #expect(bytes[page] == 0x0D, "the interactions table fits on one leaf page")
        #expect(Int(bytes[page + 3]) << 8 | Int(bytes[page + 4]) == 6)
        let cells = page + 8
        for k in 0..<2 { bytes.swapAt(cells + k, cells + 2 + k) }
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let damaged = try Store(path: path)
        #expect {
            _ = try damaged.read(ModelRead("interactions", where: [], page: (Int64.min, 100)))
        } throws: { error in
            "\(error)".contains("interactions row 1: id is out of order: the table is damaged")
        }
    }

    /// The scan that sums every contact's figures, and the figures stored in the file, check
    /// what they read too.
    @Test(arguments: ["10000-01-01", "--12-25"])
    func theFiguresScanReportsDamage(_ date: String) throws {
        let path = try Self.database()
        try GRDBQueue.unchecked(path).execute("UPDATE interactions SET \"on\" = '\(date)'")
        #expect(throws: DamagedValue.self) { try Store(path: path).contactStats(today: day) }
        // The stored row of a contact made due by that change is worked out at the next write:
        // the damaged contact stays due, and its figures are still damage, not a date.
        let store = try Store(path: path)
        try store.apply(.insertContact(Contact(name: "Mo Ali", handle: "mo-ali", created: day)))
        #expect(throws: DamagedValue.self) { try store.contactStats(today: day) }
        #expect(throws: DamagedValue.self) { try store.read { try Store.statsFromFigures($0, today: day) } }
    }

    /// An agenda item's state whose date another program wrote without its year (or as no
    /// date) is no state, as a state Tend does not know is: a snooze until `--12-25` ended at
    /// once, and `tend dump` wrote `until --12-25`, which its own run refused.
    @Test func anItemStateWithADateWithoutItsYearIsNoState() throws {
        let path = try Self.database()
        let store = try Store(path: path)
        let (a, b, c) = (ItemKey(contact: 1, rule: "a"), ItemKey(contact: 1, rule: "b"), ItemKey(contact: 2, rule: "c"))
        try store.setItemState(a, ItemState(.snoozed, since: day, until: day.adding(days: 30), note: nil))
        try store.setItemState(b, ItemState(.done, since: day, note: "called"))
        try store.setItemState(c, ItemState(.dismissed, since: day, until: day.adding(days: 9), note: nil))
        try GRDBQueue.unchecked(path).execute("UPDATE agenda_items SET until = '--12-25' WHERE rule = 'a'; UPDATE agenda_items SET since = '--11-23' WHERE rule = 'b'")
        let states = try Store(path: path).itemStates()
        #expect(states[a] == nil && states[b] == nil)
        #expect(states[c]?.until == day.adding(days: 9))
    }

    /// A birthday or an anniversary may lack its year: that is no damage.
    @Test func aBirthdayWithoutItsYearIsNoDamage() throws {
        let path = try Self.database()
        try GRDBQueue.unchecked(path).execute("UPDATE contacts SET birthday = '--02-29', anniversary = '--06-01' WHERE id = 1")
        let joan = try #require(try Store(path: path).network().contacts.first { $0.id == 1 })
        #expect(joan.birthday == Day(month: 2, day: 29))
        #expect(joan.anniversary == Day(month: 6, day: 1))
    }

    /// What could not be read back is not written: dates past 9999 read back as 1970-01-01 before.
    @Test func valuesOutOfRangeAreNotWritten() throws {
        let store = try Store(path: nil)
        var c = Contact(name: "Far Future", handle: "far-future", created: day)
        c.nextDue = Day(ordinal: Day.last.ordinal + 1)
        #expect(throws: UnstorableValue.self) { try store.apply(.insertContact(c)) }
        c.nextDue = nil
        c.cadence = Duration(days: Int.max)
        #expect(throws: UnstorableValue.self) { try store.apply(.insertContact(c)) }
        c.cadence = nil
        let id = try store.apply(.insertContact(c))!
        #expect(throws: UnstorableValue.self) {
            try store.apply(.insertSpend(Spend(contact: id, amount: Decimal(string: "1e30")!, on: day)))
        }
        var i = Interaction(kind: "call", on: Day(ordinal: Int.max / 2), people: [id])
        #expect(throws: UnstorableValue.self) { try store.apply(.insertInteraction(i)) }
        i.on = day
        i.quality = 6
        #expect(throws: UnstorableValue.self) { try store.apply(.insertInteraction(i)) }
        #expect(try store.network().interactions.isEmpty)
    }

    /// The class: any value the store accepts, it reads back as written.
    @Test func whatIsWrittenReadsBack() throws {
        var rng = SampleNetwork.Random(state: 5)
        let store = try Store(path: nil)
        let edges = [
            StoredRange.days.lowerBound, StoredRange.days.upperBound, StoredRange.days.lowerBound - 1, StoredRange.days.upperBound + 1, 0,
        ]
        for n in 0..<200 {
            var c = Contact(name: "P \(n)", handle: "p-\(n)", created: day)
            c.metOn = Day(ordinal: rng.chance(0.5) ? rng.pick(edges) : rng.int(4_000_000) - 800_000)
            c.cadence = Duration(months: rng.int(3000) - 1500, days: rng.int(80_000) - 40_000)
            guard let id = try? store.apply(.insertContact(c)) else { continue }
            c.id = id
            #expect(try Store.load(fromQueueOf: store).contact(id) == c)
        }
    }
}
