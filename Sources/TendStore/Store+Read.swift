import Foundation
import GRDB
import GRDBSQLite
import TendCore

/// A value in the database that Tend would never have written there (a damaged file, or one
/// another program changed): reported with the file, table and row it is in, as a data error.
public struct DamagedValue: Error, CustomStringConvertible {
    /// The database file, filled in by the store that read it.
    public var file = ""
    public var table: String
    public var row: Int64?
    public var problem: String
    /// How to mend a value read from a row, which Tend never writes (nil for a sum of values
    /// that are each right, and too large together).
    public var remedy: String?
    package init(table: String, row: Int64?, problem: String, remedy: String? = nil) {
        self.table = table
        self.row = row
        self.problem = problem
        self.remedy = remedy
    }
    public var description: String {
        "\(file.isEmpty ? "" : file + ": ")\(table)\(row.map { " row \($0)" } ?? ""): \(problem)" + (remedy.map { " (\($0))" } ?? "")
    }
    /// What a value SQLite holds that Tend never writes calls for.
    package static let sqliteRemedy = "Tend never writes this: another program did, or the file is damaged; mend the row with sqlite3, or restore a backup"
    /// What a value PostgreSQL holds that Tend never writes calls for.
    package static let postgresRemedy = "Tend never writes this: another program did; mend the row with psql"

    /// A column's text that is no date, said as it is and why (a day that does not exist,
    /// `2026-02-30`, is in the range of dates).
    package static func notADate(_ text: some StringProtocol) -> String {
        let shown = String(text.prefix(40))
        return "is \(shown.debugDescription), not a date: \(Day.problem(iso: shown) ?? "write it as YYYY-MM-DD")"
    }
}

// MARK: - Reading the network

extension Store {
    /// A date with its year, or nil (for none, or for text that is not one).
    package static func day(_ s: String?) -> Day? { s.flatMap { Day(iso: $0) }.flatMap { $0.isYearless ? nil : $0 } }

    /// An agenda item's state from its stored columns; nil (no state) for a state this Tend does
    /// not know or a date that is not one: a snooze until `--12-25` (another program's) ended
    /// at once, and `tend dump` wrote a script that would not run.
    package static func itemState(_ kind: String?, since: String?, until: String?, note: String?) -> ItemState? {
        guard let kind = kind.flatMap(ItemState.Kind.init(rawValue:)), let since = day(since) else { return nil }
        let end = day(until)
        if until != nil && end == nil { return nil }
        return ItemState(kind, since: since, until: end, note: note)
    }
    package static func money(_ cents: Int64) -> Decimal { Decimal(cents, places: 2) }
    package static func cents(_ d: Decimal) -> Int64 {
        var v = d * 100
        var r = Decimal()
        NSDecimalRound(&r, &v, 0, .plain)
        return NSDecimalNumber(decimal: r).int64Value
    }

    /// The columns of the row a statement stands on, read through SQLite's own calls: GRDB's
    /// typed subscripts check and convert each value (text through a C string), which was a
    /// third of reading a large network. Every value is checked against what Tend writes
    /// (`StoredRange`): a value outside it (a damaged file, another program's change) is a
    /// `DamagedValue` naming the table and row, never a wrong answer or a trap later on.
    struct Cells: StoredRow {
        let statement: SQLiteStatement
        /// The table read, and the column that holds each row's id (nil for link tables).
        let table: String
        let idColumn: Int32?

        package func damaged(_ i: Int32, _ problem: String) -> DamagedValue {
            let column = sqlite3_column_name(statement, i).map { String(cString: $0) } ?? "column \(i)"
            return DamagedValue(table: table, row: idColumn.map(int), problem: "\(column) \(problem)", remedy: DamagedValue.sqliteRemedy)
        }
        package func damagedRow(_ problem: String) -> DamagedValue {
            DamagedValue(table: table, row: idColumn.map(int), problem: problem, remedy: DamagedValue.sqliteRemedy)
        }
        package func int(_ i: Int32) -> Int64 { sqlite3_column_int64(statement, i) }
        package func isNull(_ i: Int32) -> Bool { sqlite3_column_type(statement, i) == SQLITE_NULL }
        func bytes(_ i: Int32) -> UnsafeBufferPointer<UInt8>? {
            guard let p = sqlite3_column_text(statement, i) else { return nil }
            return UnsafeBufferPointer(start: p, count: Int(sqlite3_column_bytes(statement, i)))
        }
        package func optionalText(_ i: Int32) -> String? { bytes(i).map { String(decoding: $0, as: UTF8.self) } }
        package func anyDay(_ i: Int32) throws -> Day? {
            guard let b = bytes(i) else { return nil }
            guard let d = Day(isoBytes: b) else { throw damaged(i, DamagedValue.notADate(String(decoding: b.prefix(40), as: UTF8.self))) }
            return d
        }
        /// A JSON list of strings; the empty list, most contacts' case, without making a string.
        package func list(_ i: Int32) throws -> [String] {
            guard let b = bytes(i) else { return [] }
            if b.count == 2, b[0] == UInt8(ascii: "["), b[1] == UInt8(ascii: "]") { return [] }
            if let items = JSONList.fastDecode(bytes: b) { return items }
            guard let items = JSONList.slowDecode(String(decoding: b, as: UTF8.self)) else { throw damaged(i, "is not a list of text") }
            return items
        }
    }

    /// Runs a query and calls `body` with each row's cells.
    /// `table` and `id` (the column of the row's id) name the row a damaged value is in.
    static func each(
        _ db: Database, _ table: String, _ sql: String, _ arguments: StatementArguments = [], id: Int32? = 0, cached: Bool = false,
        _ body: (Cells) throws -> Void
    ) throws {
        let statement = cached ? try db.cachedStatement(sql: sql) : try db.makeStatement(sql: sql)
        let rows = try Row.fetchCursor(statement, arguments: arguments)
        let cells = Cells(statement: statement.sqliteStatement, table: table, idColumn: id)
        while try rows.next() != nil { try body(cells) }
    }

    /// Reads the network; without `events`, only contacts, me, markets, goals and definitions;
    /// without `withInteractions`, every event but the interactions (read a page at a time).
    /// With `filter`, only the contacts it selects (an SQL condition and its arguments).
    static func load(_ db: Database, events: Bool = true, withInteractions: Bool = true, filter: (String, StatementArguments)? = nil) throws -> Network {
        var net = Network()
        // A filter's few contacts need no count of every row (a scan of its own).
        if filter == nil { net.contacts.reserveCapacity(try Int.fetchOne(db, sql: "SELECT count(*) FROM contacts") ?? 0) }
        try each(
            db, "contacts",
            "SELECT \(contactSelect) FROM contacts \(filter.map { "WHERE " + $0.0 } ?? "") ORDER BY id", filter?.1 ?? []
        ) { net.contacts.append(try contact($0)) }
        net.reindex()
        try loadSmallTables(db, into: &net)
        guard events else { return net }
        try each(db, "stage_changes", "SELECT \(try withMembers(db, stageChangeSelect, "stage_changes")) ORDER BY id") {
            net.stageChanges.append(try stageChange($0))
        }
        if withInteractions { net.interactions = try interactions(db) }
        try each(db, "referrals", "SELECT \(try withMembers(db, referralSelect, "referrals")) ORDER BY id") { net.referrals.append(try referral($0)) }
        try each(db, "introductions", "SELECT \(try withMembers(db, introductionSelect, "introductions")) ORDER BY id") { net.introductions.append(try introduction($0)) }
        try each(db, "spending", "SELECT \(try withMembers(db, spendSelect, "spending")) ORDER BY id") { net.spending.append(try spend($0)) }
        try each(db, "knows", "SELECT a_id, b_id FROM knows ORDER BY a_id, b_id", id: nil) { net.knows.append(($0.int(0), $0.int(1))) }
        try checkLinks(net)
        return net
    }

    /// The columns `contact` reads, in order.
    package static let contactSelect = """
        id, handle, name, company, title, profession, email, phone, city, tags, met_at, met_on, relationship,
        internal, stage, cadence_months, cadence_days, next_step, next_due, goals, accomplishments, interests,
        networks, skills, serves, expert, passionate, honors_referrals, notes, created, snoozed_until,
        emails, phones, addresses, birthday, anniversary, dates, uid
        """

    /// A contact from the columns of `contactSelect`.
    package static func contact(_ r: some StoredRow) throws -> Contact {
        var c = Contact(name: r.text(2), handle: r.text(1), created: try r.date(29))
        c.id = r.int(0)
        c.company = r.optionalText(3)
        c.title = r.optionalText(4)
        c.profession = r.optionalText(5)
        // The e-mail, phone and city columns repeat the lists' preferred values.
        c.emails = try r.points(31)
        c.phones = try r.points(32)
        c.addresses = try r.addresses(33)
        c.tags = try r.list(9)
        c.metAt = r.optionalText(10)
        c.metOn = try r.day(11)
        c.relationship = r.optionalText(12)
        c.isInternal = try r.bool(13)
        c.stage = try r.stage(14)
        c.cadence = try r.cadence(15, 16)
        c.nextStep = r.optionalText(17)
        c.nextDue = try r.day(18)
        c.goals = try r.list(19)
        c.accomplishments = try r.list(20)
        c.interests = try r.list(21)
        c.networks = try r.list(22)
        c.skills = try r.list(23)
        c.serves = try r.list(24)
        c.expert = try r.bool(25)
        c.passionate = try r.bool(26)
        c.honorsReferrals = try r.bool(27)
        c.notes = r.optionalText(28)
        c.snoozedUntil = try r.day(30)
        c.birthday = try r.anyDay(34)
        c.anniversary = try r.anyDay(35)
        c.dates = try r.namedDates(36)
        c.uid = r.optionalText(37)
        return c
    }

    /// The figures of `Network.stats(today:)`, computed by SQLite. Dates are ISO text, so they
    /// compare as strings; a touch is dated on or before today.
    /// With `only`, the figures of those contacts alone, read through the contact indexes.
    static func stats(_ db: Database, today: Day, only: [Int64]? = nil) throws -> [Int64: ContactStats] {
        // Ids are integers: the list is written into the SQL.
        let list = only.map { $0.map(String.init).joined(separator: ",") }
        var out = try unsignedStats(db, today: today, only: only, list)
        try addLastTouchBy(db, today: today, list, to: &out)
        return out
    }

    /// `stats` but `lastTouchBy`.
    static func unsignedStats(_ db: Database, today: Day, only: [Int64]?, _ list: String?) throws -> [Int64: ContactStats] {
        if only == nil, let all = try scannedStats(db, today: today) { return all }
        var out: [Int64: ContactStats] = [:]
        let ids = try Int64.fetchCursor(db, sql: "SELECT id FROM contacts" + restrict(list, "id"))
        while let id = try ids.next() { out[id] = ContactStats() }
        try addInteractionStats(db, today: today, list, to: &out)
        try checkSummedDates(db, list)
        try addReferralAndIntroductionStats(db, today: today, list, to: &out)
        try addSpendingKnowsAndStages(db, today: today, list, to: &out)
        return out
    }

    /// The tables whose dates SQL compares as text in the sums below, each with its columns of
    /// contacts: a date that is not one (`--12-25`, without its year, sorts before every year
    /// and was counted as a touch or a spend) is damage, as where rows are read one by one.
    private static let summedDates: [(table: String, contacts: [String])] = [
        ("referrals", ["contact_id"]), ("introductions", ["a_id", "b_id"]), ("spending", ["contact_id"]), ("stage_changes", ["contact_id"]),
    ]

    /// Fails on the first row of `summedDates` (of the contacts of `list`) whose date is not
    /// `YYYY-MM-DD` in 0001…9999 (SQLite's date() gives any other text back changed or NULL).
    static func checkSummedDates(_ db: Database, _ list: String?) throws {
        for (table, contacts) in summedDates {
            let mine = list.map { l in " AND (" + contacts.map { "\($0) IN (\(l))" }.joined(separator: " OR ") + ")" } ?? ""
            let sql = #"SELECT id, "on" FROM \#(table) WHERE (date("on") IS NOT "on" OR "on" < '0001-01-01')\#(mine) LIMIT 1"#
            try each(db, table, sql) { r in _ = try r.date(1) }
        }
    }

    /// Who logged each contact's last touch: of the touches on its day, the last in the order
    /// `Network.stats` counts them (interactions, referrals, introductions, each by id). For
    /// every contact, read only when some event names its member (one person's file names none;
    /// finding that out reads each table, more than a few contacts' rows through the indexes).
    static func addLastTouchBy(_ db: Database, today: Day, _ list: String?, to out: inout [Int64: ContactStats]) throws {
        guard try list != nil ? hasMemberColumns(db) : namesAMember(db) else { return }
        let rows = try Row.fetchCursor(
            db,
            sql: """
                SELECT contact, "on", "by" FROM (
                  SELECT ip.contact_id AS contact, i."on", i."by", 0 AS k, i.id FROM interaction_people ip JOIN interactions i ON i.id = ip.interaction_id
                  WHERE i.kind != 'note'\(restrict(list, "ip.contact_id", "AND"))
                  UNION ALL SELECT contact_id, "on", "by", 1, id FROM referrals\(restrict(list, "contact_id"))
                  UNION ALL SELECT a_id, "on", "by", 2, id FROM introductions\(restrict(list, "a_id"))
                  UNION ALL SELECT b_id, "on", "by", 2, id FROM introductions\(restrict(list, "b_id")))
                WHERE "on" <= ? ORDER BY k, id
                """, arguments: [today.description])
        while let r = try rows.next() {
            guard let id: Int64 = r[0], let last = out[id]?.lastTouch, day(r[1]) == last else { continue }
            out[id]!.lastTouchBy = r[2]
        }
    }

    /// Whether any touch names the member who logged it (a team's file; one person's names none).
    static func namesAMember(_ db: Database) throws -> Bool {
        try hasMemberColumns(db)
            && lastTouchTables.contains(where: { try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM \($0) WHERE \"by\" IS NOT NULL)") ?? false })
    }

    /// Whether the touches' tables have their member's column (`by`; a file of an older Tend has not).
    private static func hasMemberColumns(_ db: Database) throws -> Bool {
        try lastTouchTables.allSatisfy { try column(db, $0, "by") == "by" }
    }

    /// The tables whose rows are touches with a member (`by`).
    private static let lastTouchTables = ["interactions", "referrals", "introductions"]

    /// ` WHERE column IN (ids)` for the contacts of `list`; nothing for every contact.
    static func restrict(_ list: String?, _ column: String, _ joiner: String = "WHERE") -> String {
        list.map { " \(joiner) \(column) IN (\($0))" } ?? ""
    }

    /// Each contact with the date of the stage change its stage comes from (`Network.latestStage`):
    /// the latest by date, one dated before the contact was added counting as made that day,
    /// ties to the later id.
    static func stageSinceSQL(_ list: String? = nil) -> String {
        """
        SELECT contact_id, "on" FROM (
          SELECT s.contact_id, s."on", row_number() OVER (PARTITION BY s.contact_id ORDER BY max(s."on", c.created) DESC, s.id DESC) AS n
          FROM stage_changes s JOIN contacts c ON c.id = s.contact_id\(restrict(list, "s.contact_id"))
        ) WHERE n = 1
        """
    }

    /// The interactions' part of `stats`: touches, gave, asked and inbound.
    static func addInteractionStats(_ db: Database, today: Day, _ list: String?, to out: inout [Int64: ContactStats]) throws {
        // The big table is read row by row and summed here: SQLite's GROUP BY over a million
        // joined rows took three times as long as this stream (its sorter, then random lookups).
        // Each contact's sums sit in an array slot, found once per row.
        let recent = ContactStats.recentStart(today)
        var slot: [Int64: Int] = [:]
        var sums: [ContactStats] = []
        for id in out.keys {
            slot[id] = sums.count
            sums.append(ContactStats())
        }
        try each(
            db, "interactions",
            """
            SELECT i.id, ip.contact_id, i.kind = 'note', i."on", i.gave, i.asked OR i.pitch, i.inbound
            FROM interaction_people ip CROSS JOIN interactions i ON i.id = ip.interaction_id\(restrict(list, "ip.contact_id"))
            """
        ) { r in
            guard let k = slot[r.int(1)], let on = try r.day(3), on <= today else { return }
            if r.int(2) == 0 { sums[k].touch(on, recent: recent) }
            if try r.bool(4) { sums[k].gave += 1 }
            if try r.bool(5) { sums[k].asked += 1 }
            if try r.bool(6) { sums[k].inbound += 1 }
        }
        for (id, k) in slot where sums[k].touches > 0 || sums[k].gave > 0 || sums[k].asked > 0 || sums[k].inbound > 0 {
            out[id] = sums[k]
        }
    }

    /// Referrals and introductions dated on or before today count as touches, and as given or received.
    static func addReferralAndIntroductionStats(_ db: Database, today: Day, _ list: String?, to out: inout [Int64: ContactStats]) throws {
        // ?2 is the first day touches_90d counts (`ContactStats.recentStart`), itself included.
        let args: StatementArguments = [today.description, ContactStats.recentStart(today).description]
        func touched(_ id: Int64, _ count: Int, _ recent: Int, _ last: String?) {
            guard count > 0 else { return }
            out[id]!.touches += count
            out[id]!.touches90 += recent
            if let d = day(last), out[id]!.lastTouch.map({ d > $0 }) ?? true { out[id]!.lastTouch = d }
        }
        // Rows dated after today are left out once, by the WHERE: each count is then of the rest.
        let referrals = try Row.fetchCursor(
            db,
            sql: """
                SELECT contact_id, count(*), total("on" >= ?2), max("on"), total(direction = 'given'), total(direction = 'received')
                FROM referrals WHERE "on" <= ?1\(restrict(list, "contact_id", "AND")) GROUP BY contact_id
                """, arguments: args)
        while let r = try referrals.next() {
            guard let id: Int64 = r[0], out[id] != nil else { continue }
            touched(id, r[1], Int(r[2] as Double), r[3])
            out[id]!.referralsGiven += Int(r[4] as Double)
            out[id]!.gave += Int(r[4] as Double)
            out[id]!.referralsReceived += Int(r[5] as Double)
        }
        let introductions = try Row.fetchCursor(
            db,
            sql: """
                SELECT id, count(*), total("on" >= ?2), max("on")
                FROM (SELECT a_id AS id, "on" FROM introductions\(restrict(list, "a_id")) UNION ALL SELECT b_id, "on" FROM introductions\(restrict(list, "b_id")))
                WHERE "on" <= ?1 GROUP BY id
                """, arguments: args)
        while let r = try introductions.next() {
            guard let id: Int64 = r[0], out[id] != nil else { continue }
            let counted: Int = r[1]
            touched(id, counted, Int(r[2] as Double), r[3])
            out[id]!.introductions += counted
            out[id]!.gave += counted
        }
    }

    /// Money spent up to today, who-knows-whom degree and the date of the latest stage change.
    static func addSpendingKnowsAndStages(_ db: Database, today: Day, _ list: String?, to out: inout [Int64: ContactStats]) throws {
        let spending = try Row.fetchCursor(
            db, sql: "SELECT contact_id, sum(amount_cents) FROM spending WHERE \"on\" <= ?\(restrict(list, "contact_id", "AND")) GROUP BY contact_id",
            arguments: [today.description])
        // SQLite's sum() stops with "integer overflow" past 64 bits: a damaged total, as below.
        func next() throws -> GRDB.Row? {
            do { return try spending.next() } catch let e as DatabaseError where e.message?.contains("integer overflow") == true {
                throw DamagedValue(table: "spending", row: nil, problem: "the amounts paid to a contact add up past what can be held")
            }
        }
        while let r = try next() {
            guard let id: Int64 = r[0], out[id] != nil else { continue }
            // A total, not one amount: two spends each within the range may add up past it.
            guard let cents: Int64 = r[1] else {
                throw DamagedValue(table: "spending", row: nil, problem: "the amounts paid to contact \(id) are out of range")
            }
            out[id]!.spend = money(cents)
        }
        let degree = try Row.fetchCursor(
            db,
            sql:
                "SELECT id, count(*) FROM (SELECT a_id AS id FROM knows\(restrict(list, "a_id")) UNION ALL SELECT b_id FROM knows\(restrict(list, "b_id"))) GROUP BY id"
        )
        while let r = try degree.next() {
            if let id: Int64 = r[0], out[id] != nil { out[id]!.degree = r[1] }
        }
        let stages = try Row.fetchCursor(db, sql: stageSinceSQL(list))
        while let r = try stages.next() {
            if let id: Int64 = r[0], out[id] != nil { out[id]!.stageSince = day(r[1]) }
        }
    }

    /// Every contact's figures from one plain scan of each table, summed here by position: no
    /// join and no GROUP BY (a B-tree seek per linked person and SQLite's sorter were most of
    /// the time). The same rules as `Network.stats(today:)`, line for line; nil in the unlikely
    /// case that a contact's spending overflows 64-bit cents, for the SQL sums to answer.
    static func scannedStats(_ db: Database, today: Day) throws -> [Int64: ContactStats]? {
        var contacts: [Int64] = []
        try each(db, "contacts", "SELECT id FROM contacts ORDER BY id") { contacts.append($0.int(0)) }
        let slots = SortedIDs(contacts)
        var sums = [ContactStats](repeating: ContactStats(), count: contacts.count)
        let recent = ContactStats.recentStart(today)
        func touch(_ k: Int, _ on: Day) { sums[k].touch(on, recent: recent) }
        // Interactions by id (date and flags), then their people in table order.
        var interactionIDs: [Int64] = []
        var dates: [Day] = []
        var flags: [UInt8] = []
        let (isTouch, gave, asked, inbound): (UInt8, UInt8, UInt8, UInt8) = (1, 2, 4, 8)
        try each(db, "interactions", "SELECT id, kind <> 'note', \"on\", gave, asked, pitch, inbound FROM interactions ORDER BY id") { r in
            interactionIDs.append(r.int(0))
            dates.append(try r.date(2))
            let asks = try r.bool(4) || r.bool(5)
            flags.append(
                (try r.bool(1) ? isTouch : 0) | (try r.bool(3) ? gave : 0) | (asks ? asked : 0) | (try r.bool(6) ? inbound : 0))
        }
        let interactions = SortedIDs(interactionIDs)
        try each(db, "interaction_people", "SELECT interaction_id, contact_id FROM interaction_people", id: nil) { r in
            guard let n = interactions.position(of: r.int(0)), dates[n] <= today, let k = slots.position(of: r.int(1)) else { return }
            let f = flags[n]
            if f & isTouch != 0 { touch(k, dates[n]) }
            if f & gave != 0 { sums[k].gave += 1 }
            if f & asked != 0 { sums[k].asked += 1 }
            if f & inbound != 0 { sums[k].inbound += 1 }
        }
        try each(db, "referrals", "SELECT id, contact_id, direction, \"on\" FROM referrals") { r in
            guard let k = slots.position(of: r.int(1)) else { return }
            let on = try r.date(3)
            guard on <= today else { return }
            touch(k, on)
            if try direction(r, 2) == .given {
                sums[k].referralsGiven += 1
                sums[k].gave += 1
            } else {
                sums[k].referralsReceived += 1
            }
        }
        try each(db, "introductions", "SELECT id, a_id, b_id, \"on\" FROM introductions") { r in
            let on = try r.date(3)
            guard on <= today else { return }
            for p in [r.int(1), r.int(2)] {
                guard let k = slots.position(of: p) else { continue }
                touch(k, on)
                sums[k].introductions += 1
                sums[k].gave += 1
            }
        }
        var cents = [Int64](repeating: 0, count: contacts.count)
        var overflow = false
        try each(db, "spending", "SELECT id, contact_id, amount_cents, \"on\" FROM spending") { r in
            guard let k = slots.position(of: r.int(1)), try r.date(3) <= today else { return }
            let amount = r.int(2)
            guard StoredRange.cents.contains(amount) else { throw r.damaged(2, "is out of range") }
            let (total, over) = cents[k].addingReportingOverflow(amount)
            cents[k] = total
            overflow = overflow || over
        }
        if overflow { return nil }
        try each(db, "knows", "SELECT a_id, b_id FROM knows", id: nil) { r in
            if let k = slots.position(of: r.int(0)) { sums[k].degree += 1 }
            if let k = slots.position(of: r.int(1)) { sums[k].degree += 1 }
        }
        try each(db, "stage_changes", stageSinceSQL(), id: nil) { r in
            guard let k = slots.position(of: r.int(0)) else { return }
            sums[k].stageSince = try r.date(1)
        }
        var out = [Int64: ContactStats](minimumCapacity: contacts.count)
        for (k, id) in contacts.enumerated() {
            if cents[k] != 0 { sums[k].spend = money(cents[k]) }
            out[id] = sums[k]
        }
        return out
    }

    /// Positions of ids in an ascending list: ids are mostly dense, so the offset from the first
    /// is tried before a binary search.
    struct SortedIDs {
        let ids: [Int64]
        init(_ ids: [Int64]) { self.ids = ids }
        func position(of id: Int64) -> Int? {
            guard let first = ids.first, id >= first else { return nil }
            let guess = id - first
            if guess < ids.count, ids[Int(guess)] == id { return Int(guess) }
            var (lo, hi) = (0, ids.count)
            while lo < hi {
                let mid = (lo + hi) / 2
                if ids[mid] < id { lo = mid + 1 } else { hi = mid }
            }
            return lo < ids.count && ids[lo] == id ? lo : nil
        }
    }

    /// The interactions after an id, in id order, `limit` of them (all with -1). The people of
    /// each are merged in as both cursors go up by interaction id: a dictionary of a million
    /// small lists was the largest thing held while loading.
    static func interactions(
        _ db: Database, after: Int64 = Int64.min, limit: Int = -1,
        filter: (String, StatementArguments)? = nil
    ) throws -> [Interaction] {
        var out: [Interaction] = []
        if filter == nil { out.reserveCapacity(limit >= 0 ? limit : try Int.fetchOne(db, sql: "SELECT count(*) FROM interactions") ?? 0) }
        let links = try db.makeStatement(
            sql: filter == nil
                ? """
                SELECT interaction_id, contact_id FROM interaction_people WHERE interaction_id > ? ORDER BY interaction_id, position
                """
                : """
                SELECT ip.interaction_id, ip.contact_id FROM interaction_people ip JOIN interactions ON interactions.id = ip.interaction_id
                WHERE ip.interaction_id > ? AND \(filter!.0) ORDER BY ip.interaction_id, ip.position
                """)
        let linkRows = try Row.fetchCursor(links, arguments: [after] + (filter?.1 ?? []))
        let link = Cells(statement: links.sqliteStatement, table: "interaction_people", idColumn: nil)
        var linked = try linkRows.next() != nil
        var previous = after
        try each(
            db, "interactions",
            """
            SELECT id, kind, "on", note, quality, gave, asked, inbound, pitch, \(try memberColumns(db)) FROM interactions
            WHERE id > ? \(filter.map { "AND " + $0.0 } ?? "") ORDER BY id LIMIT ?
            """, [after] + (filter?.1 ?? []) + [limit]
        ) { r in
            let id = r.int(0)
            // The merge below and every caller paging on (`after` the last id) rely on the order;
            // a damaged table that hands back an earlier id would have a page reader loop forever.
            guard id > previous else {
                throw DamagedValue(table: "interactions", row: id, problem: "id is out of order: the table is damaged", remedy: DamagedValue.sqliteRemedy)
            }
            previous = id
            var people: [Int64] = []
            while linked, link.int(0) <= id {
                if link.int(0) == id { people.append(link.int(1)) }
                linked = try linkRows.next() != nil
            }
            out.append(try interaction(r, people: people))
        }
        return out
    }

    /// An interaction's columns after `pitch`: its source id, who logged it and whether it is
    /// private (null and 0 in an older database, opened read-only and so not migrated).
    static func memberColumns(_ db: Database, as prefix: String = "") throws -> String {
        try ["source_id", "by", "private"].map { name in
            let c = try column(db, "interactions", name, as: prefix)
            return c == "NULL" ? (name == "private" ? "0" : "NULL") : prefix + "\"\(name)\""
        }.joined(separator: ", ")
    }

    /// An interaction from `id, kind, on, note, quality, gave, asked, inbound, pitch`, and its
    /// source id, member and private flag from column `source` on.
    package static func interaction(_ r: some StoredRow, people: [Int64], source: Int32 = 9) throws -> Interaction {
        var i = Interaction(kind: r.text(1), on: try r.date(2), people: people)
        i.id = r.int(0)
        i.note = r.optionalText(3)
        i.quality = try r.quality(4)
        i.gave = try r.bool(5)
        i.asked = try r.bool(6)
        i.inbound = try r.bool(7)
        i.pitch = try r.bool(8)
        i.sourceID = r.optionalText(source)
        i.by = r.optionalText(source + 1)
        i.isPrivate = try r.bool(source + 2)
        return i
    }

    /// A referral from `id, direction, contact_id, about, on, value_cents, status, note, by`.
    package static func referral(_ r: some StoredRow) throws -> Referral {
        var x = Referral(direction: try direction(r, 1), contact: r.int(2), on: try r.date(4))
        x.id = r.int(0)
        x.about = r.optionalText(3)
        x.value = try r.money(5)
        x.status = r.optionalText(6)
        if let s = x.status, !StoredRange.statuses.contains(s) { throw r.damaged(6, "is \"\(s)\", not open, won or lost") }
        x.note = r.optionalText(7)
        x.by = r.optionalText(8)
        return x
    }

    static func direction(_ r: some StoredRow, _ i: Int32) throws -> Referral.Direction {
        guard let d = Referral.Direction(rawValue: r.text(i)) else { throw r.damaged(i, "is not given or received") }
        return d
    }

    /// An introduction from `id, a_id, b_id, on, note, by`.
    package static func introduction(_ r: some StoredRow) throws -> Introduction {
        var x = Introduction(a: r.int(1), b: r.int(2), on: try r.date(3))
        x.id = r.int(0)
        x.note = r.optionalText(4)
        x.by = r.optionalText(5)
        return x
    }

    /// A stage change from `id, contact_id, stage, on, by`.
    package static func stageChange(_ r: some StoredRow) throws -> StageChange {
        var s = StageChange(contact: r.int(1), stage: try r.stage(2), on: try r.date(3))
        s.id = r.int(0)
        s.by = r.optionalText(4)
        return s
    }

    /// A spend from `id, contact_id, amount_cents, on, note, by`.
    package static func spend(_ r: some StoredRow) throws -> Spend {
        guard let amount = try r.money(2) else { throw r.damaged(2, "is missing") }
        var x = Spend(contact: r.int(1), amount: amount, on: try r.date(3))
        x.id = r.int(0)
        x.note = r.optionalText(4)
        x.by = r.optionalText(5)
        return x
    }

    /// Every event's people, and every helper, is a contact of the network: a damaged link
    /// would otherwise name nobody wherever it is shown.
    static func checkLinks(_ net: Network) throws {
        func check(_ table: String, _ row: Int64?, _ id: Int64) throws {
            guard net.contactIndex[id] != nil else { throw DamagedValue(table: table, row: row, problem: "contact \(id) does not exist", remedy: DamagedValue.sqliteRemedy) }
        }
        for i in net.interactions { for p in i.people { try check("interactions", i.id, p) } }
        for r in net.referrals { try check("referrals", r.id, r.contact) }
        for i in net.introductions {
            try check("introductions", i.id, i.a)
            try check("introductions", i.id, i.b)
        }
        for s in net.spending { try check("spending", s.id, s.contact) }
        for s in net.stageChanges { try check("stage_changes", s.id, s.contact) }
        for (a, b) in net.knows {
            try check("knows", nil, a)
            try check("knows", nil, b)
        }
        for g in net.goals { for h in g.helpers { try check("goal_helpers", g.id, h) } }
    }

    /// The rows of an event collection (every contact's) that meet the conditions SQLite can
    /// check exactly; nil when it can check none, or when more than `limit` rows meet them.
    static func events(_ db: Database, of collection: String, where conditions: [FieldCondition], limit: Int) throws -> Network? {
        var net = Network()
        switch collection {
        case "interactions":
            guard let (filter, args) = sql(for: conditions, interactionConditionColumns) else { return nil }
            // No ORDER BY: SQLite would rather scan the table in id order than use the date index
            // and sort. The few rows are sorted here and their people read through the key.
            try each(
                db, "interactions", """
                SELECT id, kind, "on", note, quality, gave, asked, inbound, pitch, \(try memberColumns(db))
                FROM interactions WHERE \(filter) LIMIT ?
                """,
                args + [limit + 1]
            ) { net.interactions.append(try interaction($0, people: [])) }
            guard net.interactions.count <= limit else { return nil }
            net.interactions.sort { $0.id < $1.id }
            for n in net.interactions.indices {
                try each(
                    db, "interaction_people", "SELECT contact_id FROM interaction_people WHERE interaction_id = ? ORDER BY position",
                    [net.interactions[n].id], id: nil, cached: true
                ) { net.interactions[n].people.append($0.int(0)) }
            }
            return net
        default:
            let select = { try withMembers(db, $0, $1) }
            guard let q = try narrowedEventsSQL(collection, where: conditions, limit: limit + 1, placeholder: { "?\($0)" }, select: select)
            else { return nil }
            var count = 0
            try each(db, collection, q.sql, arguments(q.arguments)) {
                count += 1
                try addEvent($0, of: collection, to: &net)
            }
            return count <= limit ? net : nil
        }
    }

    /// The columns `referral`, `introduction` and `spend` read, and their tables.
    package static let referralSelect = "id, direction, contact_id, about, \"on\", value_cents, status, note, \"by\" FROM referrals"
    package static let introductionSelect = "id, a_id, b_id, \"on\", note, \"by\" FROM introductions"
    package static let spendSelect = "id, contact_id, amount_cents, \"on\", note, \"by\" FROM spending"
    package static let stageChangeSelect = "id, contact_id, stage, \"on\", \"by\" FROM stage_changes"

    /// One contact's rows of an event collection, read through the contact indexes; the
    /// conditions SQLite can check exactly narrow the read further (`pitch`, `on >= …`).
    static func events(_ db: Database, of collection: String, involving contact: Int64, where conditions: [FieldCondition] = []) throws
        -> Network?
    {
        let q = try contactEventsSQL(
            collection, involving: contact, where: conditions, placeholder: { "?\($0)" }, select: { try withMembers(db, $0, $1) },
            members: try memberColumns(db, as: "i."))
        guard let q else { return nil }
        var net = Network()
        try each(db, collection, q.sql, arguments(q.arguments), cached: true) { try addEvent($0, of: collection, to: &net) }
        return net
    }

    /// Me, from `id, name, profession, company, preferred_client, goals, emails`.
    package static func me(_ r: some StoredRow, into net: inout Network) throws {
        net.me.name = r.optionalText(1)
        net.me.profession = r.optionalText(2)
        net.me.company = r.optionalText(3)
        net.me.preferredClient = try r.list(4)
        net.me.goals = try r.list(5)
        net.me.emails = try r.list(6)
    }

    /// A market, from `name, served_by`.
    package static func market(_ r: some StoredRow) throws -> Market {
        guard let name = r.optionalText(0) else { throw r.damaged(0, "is missing") }
        return Market(name: name, servedBy: try r.list(1))
    }

    static func loadSmallTables(_ db: Database, into net: inout Network) throws {
        try each(db, "me", "SELECT id, name, profession, company, preferred_client, goals, \(try column(db, "me", "emails")) FROM me WHERE id = 1") {
            try me($0, into: &net)
        }
        try each(db, "markets", "SELECT name, served_by FROM markets ORDER BY position, name", id: nil) { net.markets.append(try market($0)) }
        var helpers: [Int64: [Int64]] = [:]
        try each(db, "goal_helpers", "SELECT goal_id, contact_id FROM goal_helpers ORDER BY goal_id, position") { r in
            helpers[r.int(0), default: []].append(r.int(1))
        }
        try each(db, "goals", "SELECT \(goalSelect) FROM goals ORDER BY id") { r in
            var g = try goal(r)
            g.helpers = helpers[g.id] ?? []
            net.goals.append(g)
        }
        net.definitions = try definitions(db)
    }

    package static let goalSelect = "id, name, due, metric, target, period"

    /// A goal, without its helpers, from the columns of `goalSelect`.
    package static func goal(_ r: some StoredRow) throws -> Goal {
        guard let name = r.optionalText(1) else { throw r.damaged(1, "is missing") }
        var g = Goal(name: name)
        g.id = r.int(0)
        g.due = try r.day(2)
        g.metric = r.optionalText(3)
        if let t = r.optionalText(4) {
            guard let n = Decimal(literal: t) ?? Decimal(string: t), n.isFinite else { throw r.damaged(4, "is not a number") }
            g.target = n
        }
        if let p = r.optionalText(5) {
            guard let period = Day.Period(rawValue: p) else { throw r.damaged(5, "is not week, month, quarter or year") }
            g.period = period
        }
        return g
    }

    package static let definitionSelect = "position, kind, name, source"

    /// A definition from the columns of `definitionSelect`.
    package static func definition(_ r: some StoredRow) throws -> Definition {
        guard let kind = Definition.Kind(rawValue: r.text(1)) else { throw r.damaged(1, "is not let, fn, rule or score") }
        guard let name = r.optionalText(2), let source = r.optionalText(3) else { throw r.damaged(2, "or its source is missing") }
        return Definition(kind: kind, name: name, source: source)
    }

    static func definitions(_ db: Database) throws -> [Definition] {
        var out: [Definition] = []
        try each(db, "definitions", "SELECT \(definitionSelect) FROM definitions ORDER BY position") { out.append(try definition($0)) }
        return out
    }

    /// The SQL for the conditions SQLite checks exactly (`Columns.sql(for:)`), with its arguments.
    static func sql(for conditions: [FieldCondition], _ columns: Columns) -> (String, StatementArguments)? {
        columns.sql(for: conditions, placeholder: { _ in "?" }).map { ($0.sql, arguments($0.arguments)) }
    }

    static func arguments(_ values: [SQLArgument]) -> StatementArguments {
        StatementArguments(values.map { v -> DatabaseValueConvertible in
            switch v {
            case .text(let s): return s
            case .integer(let n): return n
            }
        })
    }
}

/// Lists of text kept as JSON arrays in one column (readable with SQLite's json functions).
package enum JSONList {
    package static func encode(_ items: [String]) -> String {
        if items.isEmpty { return "[]" }
        return "[" + items.map(jsonStringLiteral).joined(separator: ",") + "]"
    }

    static func decode(_ text: String?) -> [String] {
        guard let text else { return [] }
        return decodeChecked(text) ?? []
    }

    /// The items, or nil when the text is not a JSON array of strings.
    package static func decodeChecked(_ text: String) -> [String]? {
        if text == "[]" { return [] }
        return fastDecode(text) ?? slowDecode(text)
    }

    /// Arrays of plain strings as `encode` writes them, read without Foundation's JSON machinery
    /// (this runs for every list of every contact loaded). Anything unusual goes to `slowDecode`.
    static func fastDecode(_ text: String) -> [String]? {
        var text = text
        return text.withUTF8 { fastDecode(bytes: $0) }
    }

    /// `fastDecode` of the text's UTF-8 where it is (a column's bytes in SQLite's buffer): no
    /// copy into a String and then into an array first.
    static func fastDecode(bytes: UnsafeBufferPointer<UInt8>) -> [String]? {
        guard bytes.first == UInt8(ascii: "["), bytes.last == UInt8(ascii: "]") else { return nil }
        var items: [String] = []
        // Two quotes an item (a quote inside one is escaped, which `slowDecode` reads): sized
        // once, where growing it item by item was half of this function.
        items.reserveCapacity(bytes.reduce(0) { $0 + ($1 == UInt8(ascii: "\"") ? 1 : 0) } / 2)
        var i = 1
        while i < bytes.count - 1 {
            guard bytes[i] == UInt8(ascii: "\"") else { return nil }
            i += 1
            let start = i
            while i < bytes.count, bytes[i] != UInt8(ascii: "\"") {
                if bytes[i] == UInt8(ascii: "\\") { return nil }
                i += 1
            }
            guard i < bytes.count else { return nil }
            items.append(String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<i]), as: UTF8.self))
            i += 1
            if bytes[i] == UInt8(ascii: ",") { i += 1 } else if i != bytes.count - 1 { return nil }
        }
        return items
    }

    static func slowDecode(_ text: String) -> [String]? {
        guard let items = try? JSONSerialization.jsonObject(with: jsonDataKeepingFEFF(text)) as? [Any] else { return nil }
        let strings = items.compactMap { $0 as? String }
        return strings.count == items.count ? strings : nil
    }
}
