import Foundation
import GRDB
import GRDBSQLite
import TendCore

// MARK: - Reading the network

extension Store {
    static func day(_ s: String?) -> Day? { s.flatMap { Day(iso: $0) } }
    static func money(_ cents: Int64) -> Decimal { Decimal(cents, places: 2) }
    static func cents(_ d: Decimal) -> Int64 {
        var v = d * 100
        var r = Decimal()
        NSDecimalRound(&r, &v, 0, .plain)
        return NSDecimalNumber(decimal: r).int64Value
    }

    /// The columns of the row a statement stands on, read through SQLite's own calls: GRDB's
    /// typed subscripts check and convert each value (text through a C string), which was a
    /// third of reading a large network.
    struct Cells {
        let statement: SQLiteStatement
        func int(_ i: Int32) -> Int64 { sqlite3_column_int64(statement, i) }
        func isNull(_ i: Int32) -> Bool { sqlite3_column_type(statement, i) == SQLITE_NULL }
        func optionalInt(_ i: Int32) -> Int64? { isNull(i) ? nil : int(i) }
        func bool(_ i: Int32) -> Bool { int(i) != 0 }
        func bytes(_ i: Int32) -> UnsafeBufferPointer<UInt8>? {
            guard let p = sqlite3_column_text(statement, i) else { return nil }
            return UnsafeBufferPointer(start: p, count: Int(sqlite3_column_bytes(statement, i)))
        }
        func optionalText(_ i: Int32) -> String? { bytes(i).map { String(decoding: $0, as: UTF8.self) } }
        func text(_ i: Int32) -> String { optionalText(i) ?? "" }
        func day(_ i: Int32) -> Day? { bytes(i).flatMap { Day(isoBytes: $0) } }
        /// A JSON list of strings; the empty list, most contacts' case, without making a string.
        func list(_ i: Int32) -> [String] {
            guard let b = bytes(i) else { return [] }
            if b.count == 2, b[0] == UInt8(ascii: "["), b[1] == UInt8(ascii: "]") { return [] }
            return JSONList.decode(String(decoding: b, as: UTF8.self))
        }
        func date(_ i: Int32) -> Day { day(i) ?? Day(ordinal: 0) }
    }

    /// Runs a query and calls `body` with each row's cells.
    static func each(_ db: Database, _ sql: String, _ arguments: StatementArguments = [], cached: Bool = false, _ body: (Cells) throws -> Void)
        throws
    {
        let statement = cached ? try db.cachedStatement(sql: sql) : try db.makeStatement(sql: sql)
        let rows = try Row.fetchCursor(statement, arguments: arguments)
        let cells = Cells(statement: statement.sqliteStatement)
        while try rows.next() != nil { try body(cells) }
    }

    /// Reads the network; without `events`, only contacts, me, markets, goals and definitions.
    /// With `filter`, only the contacts it selects (an SQL condition and its arguments).
    static func load(_ db: Database, events: Bool = true, filter: (String, StatementArguments)? = nil) throws -> Network {
        var net = Network()
        net.contacts.reserveCapacity(try Int.fetchOne(db, sql: "SELECT count(*) FROM contacts") ?? 0)
        try each(
            db,
            """
            SELECT id, handle, name, company, title, profession, email, phone, city, tags, met_at, met_on, relationship,
                   internal, stage, cadence_months, cadence_days, next_step, next_due, goals, accomplishments, interests,
                   networks, skills, serves, expert, passionate, honors_referrals, notes, created, snoozed_until
            FROM contacts \(filter.map { "WHERE " + $0.0 } ?? "") ORDER BY id
            """, filter?.1 ?? []
        ) { r in
            var c = Contact(name: r.text(2), handle: r.text(1), created: r.date(29))
            c.id = r.int(0)
            c.company = r.optionalText(3)
            c.title = r.optionalText(4)
            c.profession = r.optionalText(5)
            c.email = r.optionalText(6)
            c.phone = r.optionalText(7)
            c.city = r.optionalText(8)
            c.tags = r.list(9)
            c.metAt = r.optionalText(10)
            c.metOn = r.day(11)
            c.relationship = r.optionalText(12)
            c.isInternal = r.bool(13)
            c.stage = Stage(rawValue: Int(r.int(14))) ?? .contact
            let months = r.optionalInt(15)
            let days = r.optionalInt(16)
            if months != nil || days != nil { c.cadence = Duration(months: Int(months ?? 0), days: Int(days ?? 0)) }
            c.nextStep = r.optionalText(17)
            c.nextDue = r.day(18)
            c.goals = r.list(19)
            c.accomplishments = r.list(20)
            c.interests = r.list(21)
            c.networks = r.list(22)
            c.skills = r.list(23)
            c.serves = r.list(24)
            c.expert = r.bool(25)
            c.passionate = r.bool(26)
            c.honorsReferrals = r.bool(27)
            c.notes = r.optionalText(28)
            c.snoozedUntil = r.day(30)
            net.contacts.append(c)
        }
        net.reindex()
        try loadSmallTables(db, into: &net)
        guard events else { return net }
        try each(db, "SELECT id, contact_id, stage, \"on\" FROM stage_changes ORDER BY id") { net.stageChanges.append(stageChange($0)) }
        net.interactions = try interactions(db)
        try each(db, "SELECT \(referralSelect) ORDER BY id") {
            net.referrals.append(referral($0))
        }
        try each(db, "SELECT \(introductionSelect) ORDER BY id") { net.introductions.append(introduction($0)) }
        try each(db, "SELECT \(spendSelect) ORDER BY id") { net.spending.append(spend($0)) }
        try each(db, "SELECT a_id, b_id FROM knows ORDER BY a_id, b_id") { net.knows.append(($0.int(0), $0.int(1))) }
        return net
    }

    /// The figures of `Network.stats(today:)`, computed by SQLite. Dates are ISO text, so they
    /// compare as strings; a touch is dated on or before today.
    /// With `only`, the figures of those contacts alone, read through the contact indexes.
    static func stats(_ db: Database, today: Day, only: [Int64]? = nil) throws -> [Int64: ContactStats] {
        if only == nil, let all = try scannedStats(db, today: today) { return all }
        var out: [Int64: ContactStats] = [:]
        // Ids are integers: the list is written into the SQL.
        let list = only.map { $0.map(String.init).joined(separator: ",") }
        func restrict(_ column: String, _ joiner: String = "WHERE") -> String { list.map { " \(joiner) \(column) IN (\($0))" } ?? "" }
        let ids = try Int64.fetchCursor(db, sql: "SELECT id FROM contacts" + restrict("id"))
        while let id = try ids.next() { out[id] = ContactStats() }
        let args: StatementArguments = [today.description, today.adding(days: -90).description]

        func touched(_ id: Int64, _ count: Int, _ recent: Int, _ last: String?) {
            guard count > 0 else { return }
            out[id]!.touches += count
            out[id]!.touches90 += recent
            if let d = day(last), out[id]!.lastTouch.map({ d > $0 }) ?? true { out[id]!.lastTouch = d }
        }
        // The big table is read row by row and summed here: SQLite's GROUP BY over a million
        // joined rows took three times as long as this stream (its sorter, then random lookups).
        // Each contact's sums sit in an array slot, found once per row.
        let recent = today.adding(days: -90)
        var slot: [Int64: Int] = [:]
        var sums: [ContactStats] = []
        for id in out.keys {
            slot[id] = sums.count
            sums.append(ContactStats())
        }
        try each(
            db,
            """
            SELECT ip.contact_id, i.kind = 'note', i."on", i.gave, i.asked OR i.pitch, i.inbound
            FROM interaction_people ip CROSS JOIN interactions i ON i.id = ip.interaction_id\(restrict("ip.contact_id"))
            """
        ) { r in
            guard let k = slot[r.int(0)] else { return }
            if !r.bool(1), let on = r.day(2), on <= today {
                sums[k].touches += 1
                if on > recent { sums[k].touches90 += 1 }
                if sums[k].lastTouch.map({ on > $0 }) ?? true { sums[k].lastTouch = on }
            }
            if r.bool(3) { sums[k].gave += 1 }
            if r.bool(4) { sums[k].asked += 1 }
            if r.bool(5) { sums[k].inbound += 1 }
        }
        for (id, k) in slot where sums[k].touches > 0 || sums[k].gave > 0 || sums[k].asked > 0 || sums[k].inbound > 0 {
            out[id] = sums[k]
        }
        let referrals = try Row.fetchCursor(
            db,
            sql: """
                SELECT contact_id, total("on" <= ?1), total("on" <= ?1 AND "on" > ?2), max(CASE WHEN "on" <= ?1 THEN "on" END),
                       total(direction = 'given'), total(direction = 'received')
                FROM referrals\(restrict("contact_id")) GROUP BY contact_id
                """, arguments: args)
        while let r = try referrals.next() {
            let id: Int64 = r[0]
            guard out[id] != nil else { continue }
            touched(id, Int(r[1] as Double), Int(r[2] as Double), r[3])
            out[id]!.referralsGiven += Int(r[4] as Double)
            out[id]!.gave += Int(r[4] as Double)
            out[id]!.referralsReceived += Int(r[5] as Double)
        }
        let introductions = try Row.fetchCursor(
            db,
            sql: """
                SELECT id, total("on" <= ?1), total("on" <= ?1 AND "on" > ?2), max(CASE WHEN "on" <= ?1 THEN "on" END), count(*)
                FROM (SELECT a_id AS id, "on" FROM introductions\(restrict("a_id")) UNION ALL SELECT b_id, "on" FROM introductions\(restrict("b_id"))) GROUP BY id
                """, arguments: args)
        while let r = try introductions.next() {
            let id: Int64 = r[0]
            guard out[id] != nil else { continue }
            touched(id, Int(r[1] as Double), Int(r[2] as Double), r[3])
            out[id]!.introductions += r[4]
            out[id]!.gave += r[4]
        }
        let spending = try Row.fetchCursor(db, sql: "SELECT contact_id, sum(amount_cents) FROM spending\(restrict("contact_id")) GROUP BY contact_id")
        while let r = try spending.next() {
            let id: Int64 = r[0]
            if out[id] != nil { out[id]!.spend = money(r[1]) }
        }
        let degree = try Row.fetchCursor(
            db,
            sql:
                "SELECT id, count(*) FROM (SELECT a_id AS id FROM knows\(restrict("a_id")) UNION ALL SELECT b_id FROM knows\(restrict("b_id"))) GROUP BY id"
        )
        while let r = try degree.next() {
            let id: Int64 = r[0]
            if out[id] != nil { out[id]!.degree = r[1] }
        }
        let stages = try Row.fetchCursor(db, sql: "SELECT contact_id, max(\"on\") FROM stage_changes\(restrict("contact_id")) GROUP BY contact_id")
        while let r = try stages.next() {
            let id: Int64 = r[0]
            if out[id] != nil { out[id]!.stageSince = day(r[1]) }
        }
        return out
    }

    /// Every contact's figures from one plain scan of each table, summed here by position: no
    /// join and no GROUP BY (a B-tree seek per linked person and SQLite's sorter were most of
    /// the time). The same rules as `Network.stats(today:)`, line for line; nil in the unlikely
    /// case that a contact's spending overflows 64-bit cents, for the SQL sums to answer.
    static func scannedStats(_ db: Database, today: Day) throws -> [Int64: ContactStats]? {
        var contacts: [Int64] = []
        try each(db, "SELECT id FROM contacts ORDER BY id") { contacts.append($0.int(0)) }
        let slots = SortedIDs(contacts)
        var sums = [ContactStats](repeating: ContactStats(), count: contacts.count)
        let recent = today.adding(days: -90)
        func touch(_ k: Int, _ on: Day) { sums[k].touch(on, today: today, recent: recent) }
        // Interactions by id (date and flags), then their people in table order.
        var interactionIDs: [Int64] = []
        var dates: [Day] = []
        var flags: [UInt8] = []
        let (isTouch, gave, asked, inbound): (UInt8, UInt8, UInt8, UInt8) = (1, 2, 4, 8)
        try each(db, "SELECT id, kind <> 'note', \"on\", gave, asked OR pitch, inbound FROM interactions ORDER BY id") { r in
            interactionIDs.append(r.int(0))
            dates.append(r.date(2))
            flags.append(
                (r.bool(1) ? isTouch : 0) | (r.bool(3) ? gave : 0) | (r.bool(4) ? asked : 0) | (r.bool(5) ? inbound : 0))
        }
        let interactions = SortedIDs(interactionIDs)
        try each(db, "SELECT interaction_id, contact_id FROM interaction_people") { r in
            guard let n = interactions.position(of: r.int(0)), let k = slots.position(of: r.int(1)) else { return }
            let f = flags[n]
            if f & isTouch != 0 { touch(k, dates[n]) }
            if f & gave != 0 { sums[k].gave += 1 }
            if f & asked != 0 { sums[k].asked += 1 }
            if f & inbound != 0 { sums[k].inbound += 1 }
        }
        try each(db, "SELECT contact_id, direction <> 'received', \"on\" FROM referrals") { r in
            guard let k = slots.position(of: r.int(0)) else { return }
            touch(k, r.date(2))
            if r.bool(1) {
                sums[k].referralsGiven += 1
                sums[k].gave += 1
            } else {
                sums[k].referralsReceived += 1
            }
        }
        try each(db, "SELECT a_id, b_id, \"on\" FROM introductions") { r in
            for p in [r.int(0), r.int(1)] {
                guard let k = slots.position(of: p) else { continue }
                touch(k, r.date(2))
                sums[k].introductions += 1
                sums[k].gave += 1
            }
        }
        var cents = [Int64](repeating: 0, count: contacts.count)
        var overflow = false
        try each(db, "SELECT contact_id, amount_cents FROM spending") { r in
            guard let k = slots.position(of: r.int(0)) else { return }
            let (total, over) = cents[k].addingReportingOverflow(r.int(1))
            cents[k] = total
            overflow = overflow || over
        }
        if overflow { return nil }
        try each(db, "SELECT a_id, b_id FROM knows") { r in
            if let k = slots.position(of: r.int(0)) { sums[k].degree += 1 }
            if let k = slots.position(of: r.int(1)) { sums[k].degree += 1 }
        }
        try each(db, "SELECT contact_id, \"on\" FROM stage_changes") { r in
            guard let k = slots.position(of: r.int(0)) else { return }
            let on = r.date(1)
            if sums[k].stageSince.map({ on >= $0 }) ?? true { sums[k].stageSince = on }
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
        let link = Cells(statement: links.sqliteStatement)
        var linked = try linkRows.next() != nil
        try each(
            db,
            """
            SELECT id, kind, "on", note, quality, gave, asked, inbound, pitch FROM interactions
            WHERE id > ? \(filter.map { "AND " + $0.0 } ?? "") ORDER BY id LIMIT ?
            """, [after] + (filter?.1 ?? []) + [limit]
        ) { r in
            let id = r.int(0)
            var people: [Int64] = []
            while linked, link.int(0) <= id {
                if link.int(0) == id { people.append(link.int(1)) }
                linked = try linkRows.next() != nil
            }
            out.append(interaction(r, people: people))
        }
        return out
    }

    /// An interaction from `id, kind, on, note, quality, gave, asked, inbound, pitch`.
    static func interaction(_ r: Cells, people: [Int64]) -> Interaction {
        var i = Interaction(kind: r.text(1), on: r.date(2), people: people)
        i.id = r.int(0)
        i.note = r.optionalText(3)
        i.quality = r.optionalInt(4).map { Int($0) }
        i.gave = r.bool(5)
        i.asked = r.bool(6)
        i.inbound = r.bool(7)
        i.pitch = r.bool(8)
        return i
    }

    /// A referral from `id, direction, contact_id, about, on, value_cents, status, note`.
    static func referral(_ r: Cells) -> Referral {
        var x = Referral(direction: Referral.Direction(rawValue: r.text(1)) ?? .given, contact: r.int(2), on: r.date(4))
        x.id = r.int(0)
        x.about = r.optionalText(3)
        x.value = r.optionalInt(5).map(money)
        x.status = r.optionalText(6)
        x.note = r.optionalText(7)
        return x
    }

    /// An introduction from `id, a_id, b_id, on, note`.
    static func introduction(_ r: Cells) -> Introduction {
        var x = Introduction(a: r.int(1), b: r.int(2), on: r.date(3))
        x.id = r.int(0)
        x.note = r.optionalText(4)
        return x
    }

    /// A stage change from `id, contact_id, stage, on`.
    static func stageChange(_ r: Cells) -> StageChange {
        var s = StageChange(contact: r.int(1), stage: Stage(rawValue: Int(r.int(2))) ?? .contact, on: r.date(3))
        s.id = r.int(0)
        return s
    }

    /// A spend from `id, contact_id, amount_cents, on, note`.
    static func spend(_ r: Cells) -> Spend {
        var x = Spend(contact: r.int(1), amount: money(r.int(2)), on: r.date(3))
        x.id = r.int(0)
        x.note = r.optionalText(4)
        return x
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
                db, "SELECT id, kind, \"on\", note, quality, gave, asked, inbound, pitch FROM interactions WHERE \(filter) LIMIT ?",
                args + [limit + 1]
            ) { net.interactions.append(interaction($0, people: [])) }
            guard net.interactions.count <= limit else { return nil }
            net.interactions.sort { $0.id < $1.id }
            let people = try db.cachedStatement(sql: "SELECT contact_id FROM interaction_people WHERE interaction_id = ? ORDER BY position")
            for n in net.interactions.indices {
                net.interactions[n].people = try Int64.fetchAll(people, arguments: [net.interactions[n].id])
            }
            return net
        case "referrals":
            return try read(referralSelect, referralConditionColumns) { net.referrals.append(referral($0)) } ? net : nil
        case "introductions":
            return try read(introductionSelect, introductionConditionColumns) { net.introductions.append(introduction($0)) } ? net : nil
        case "spending":
            return try read(spendSelect, spendingConditionColumns) { net.spending.append(spend($0)) } ? net : nil
        default:
            return nil
        }
        /// Adds the rows of `SELECT … FROM table` that meet the conditions; false when SQLite can
        /// check none of them, or when more than `limit` rows meet them.
        func read(_ select: String, _ columns: Columns, _ add: (Cells) -> Void) throws -> Bool {
            guard let (filter, args) = sql(for: conditions, columns) else { return false }
            var count = 0
            try each(db, "SELECT \(select) WHERE \(filter) ORDER BY id LIMIT ?", args + [limit + 1]) {
                count += 1
                add($0)
            }
            return count <= limit
        }
    }

    /// The columns `referral`, `introduction` and `spend` read, and their tables.
    static let referralSelect = "id, direction, contact_id, about, \"on\", value_cents, status, note FROM referrals"
    static let introductionSelect = "id, a_id, b_id, \"on\", note FROM introductions"
    static let spendSelect = "id, contact_id, amount_cents, \"on\", note FROM spending"

    /// One contact's rows of an event collection, read through the contact indexes.
    static func events(_ db: Database, of collection: String, involving contact: Int64, where conditions: [FieldCondition] = []) throws
        -> Network?
    {
        var net = Network()
        // The conditions SQLite can check exactly narrow the read further (`pitch`, `on >= …`).
        func narrowed(_ columns: Columns) -> (String, StatementArguments) {
            guard let (sql, args) = sql(for: conditions, columns) else { return ("", [contact]) }
            return (" AND " + sql, [contact] + args)
        }
        switch collection {
        case "interactions":
            // Every person of each of the contact's interactions, in one read: consecutive rows
            // of the same interaction add its next person.
            let (filter, arguments) = narrowed(interactionConditionColumns)
            try each(
                db,
                """
                SELECT DISTINCT i.id, i.kind, i."on", i.note, i.quality, i.gave, i.asked, i.inbound, i.pitch, p.contact_id, p.position
                FROM interaction_people ip JOIN interactions i ON i.id = ip.interaction_id
                JOIN interaction_people p ON p.interaction_id = i.id
                WHERE ip.contact_id = ?\(filter) ORDER BY i.id, p.position
                """, arguments, cached: true
            ) { r in
                if let last = net.interactions.last, last.id == r.int(0) {
                    net.interactions[net.interactions.count - 1].people.append(r.int(9))
                } else {
                    net.interactions.append(interaction(r, people: [r.int(9)]))
                }
            }
        case "referrals":
            try each(
                db,
                """
                SELECT id, direction, contact_id, about, "on", value_cents, status, note FROM referrals
                WHERE contact_id = ?\(narrowed(referralConditionColumns).0) ORDER BY id
                """, narrowed(referralConditionColumns).1, cached: true
            ) { r in net.referrals.append(referral(r)) }
        case "spending":
            try each(
                db,
                """
                SELECT id, contact_id, amount_cents, "on", note FROM spending
                WHERE contact_id = ?\(narrowed(spendingConditionColumns).0) ORDER BY id
                """, narrowed(spendingConditionColumns).1, cached: true
            ) { r in net.spending.append(spend(r)) }
        case "introductions":
            try each(
                db,
                """
                SELECT id, a_id, b_id, "on", note FROM introductions WHERE a_id = ?1 OR b_id = ?1 ORDER BY id
                """, [contact], cached: true
            ) { r in net.introductions.append(introduction(r)) }
        case "stage_changes":
            try each(
                db,
                """
                SELECT id, contact_id, stage, "on" FROM stage_changes WHERE contact_id = ? ORDER BY id
                """, [contact], cached: true
            ) { r in net.stageChanges.append(stageChange(r)) }
        default:
            return nil
        }
        return net
    }

    static func loadSmallTables(_ db: Database, into net: inout Network) throws {
        if let r = try Row.fetchOne(db, sql: "SELECT name, profession, company, preferred_client, goals FROM me WHERE id = 1") {
            net.me.name = r[0]
            net.me.profession = r[1]
            net.me.company = r[2]
            net.me.preferredClient = JSONList.decode(r[3])
            net.me.goals = JSONList.decode(r[4])
        }
        for r in try Row.fetchAll(db, sql: "SELECT name, served_by FROM markets ORDER BY position, name") {
            net.markets.append(Market(name: r[0], servedBy: JSONList.decode(r[1])))
        }
        var helpers: [Int64: [Int64]] = [:]
        for r in try Row.fetchAll(db, sql: "SELECT goal_id, contact_id FROM goal_helpers ORDER BY goal_id, position") {
            helpers[r[0], default: []].append(r[1])
        }
        for r in try Row.fetchAll(db, sql: "SELECT id, name, due, metric, target, period FROM goals ORDER BY id") {
            var g = Goal(name: r[1])
            g.id = r[0]
            g.due = day(r[2])
            g.metric = r[3]
            g.target = (r[4] as String?).flatMap { Decimal(literal: $0) ?? Decimal(string: $0) }
            g.period = (r[5] as String?).flatMap(Day.Period.init(rawValue:))
            g.helpers = helpers[g.id] ?? []
            net.goals.append(g)
        }
        net.definitions = try definitions(db)
    }

    static func definitions(_ db: Database) throws -> [Definition] {
        try Row.fetchAll(db, sql: "SELECT kind, name, source FROM definitions ORDER BY position").compactMap { r in
            Definition.Kind(rawValue: r[0]).map { Definition(kind: $0, name: r[1], source: r[2]) }
        }
    }

    /// The columns conditions can be checked on, by the kind of value they hold.
    struct Columns {
        var text: Set<String> = []
        var date: Set<String> = []
        var bool: Set<String> = []
        var integer: Set<String> = []
        var stage = false
    }

    static func isWhole(_ n: Decimal) -> Bool {
        var x = n
        var r = Decimal()
        NSDecimalRound(&r, &x, 0, .plain)
        return r == n && abs(n) < 1e15
    }

    static let contactConditionColumns = Columns(
        text: ["name", "handle", "company", "title", "profession", "email", "phone", "city", "met_at", "relationship", "next_step", "notes"],
        date: ["met_on", "next_due", "created", "snoozed_until"],
        bool: ["internal", "expert", "passionate", "honors_referrals"], integer: ["id"], stage: true)
    static let referralConditionColumns = Columns(text: ["direction", "about", "status", "note"], date: ["on"], integer: ["id"])
    static let spendingConditionColumns = Columns(text: ["note"], date: ["on"], integer: ["id"])
    static let introductionConditionColumns = Columns(text: ["note"], date: ["on"], integer: ["id"])
    static let interactionConditionColumns = Columns(
        text: ["kind", "note"], date: ["on"], bool: ["gave", "asked", "inbound", "pitch"], integer: ["quality", "id"])

    /// The SQL for the conditions SQLite checks exactly as Tend does (`==` on ASCII text and
    /// booleans, comparisons on dates, stages and whole numbers), or nil when there are none.
    /// The others are left to the caller, which checks every condition again.
    static func sql(for conditions: [FieldCondition], _ columns: Columns) -> (String, StatementArguments)? {
        var parts: [String] = []
        var args: [DatabaseValueConvertible?] = []
        for c in conditions {
            guard ["==", "<", "<=", ">", ">="].contains(c.op) else { continue }
            let equality = c.op == "=="
            switch c.value {
            case .string(let v) where columns.text.contains(c.field) && equality: args.append(v)
            case .date(let d) where columns.date.contains(c.field): args.append(d.description)
            case .stage(let st) where columns.stage && c.field == "stage": args.append(st.rawValue)
            case .bool(let b) where columns.bool.contains(c.field) && equality: args.append(b)
            case .number(let n) where columns.integer.contains(c.field) && Store.isWhole(n): args.append(NSDecimalNumber(decimal: n).int64Value)
            default: continue
            }
            parts.append("\"\(c.field)\" \(equality ? "=" : c.op) ?")
        }
        guard !parts.isEmpty else { return nil }
        return (parts.joined(separator: " AND "), StatementArguments(args))
    }

    // MARK: - Writing changes

    /// A value for an SQL parameter, bound through SQLite's own calls (`bind`): GRDB's
    /// StatementArguments box each one, which was half the time of inserting a contact.
    enum Cell {
        case text(String)
        case int(Int64)
        case null
        init(_ s: String?) { self = s.map(Cell.text) ?? .null }
        init(_ n: Int?) { self = n.map { .int(Int64($0)) } ?? .null }
        init(_ b: Bool) { self = .int(b ? 1 : 0) }
        var databaseValue: DatabaseValue {
            switch self {
            case .text(let s): return s.databaseValue
            case .int(let n): return n.databaseValue
            case .null: return .null
            }
        }
    }

    /// The columns of `contactColumns`, in order.
    static func contactCells(_ c: Contact) -> [Cell] {
        [
            .text(c.handle), .text(c.name), Cell(c.company), Cell(c.title), Cell(c.profession), Cell(c.email), Cell(c.phone), Cell(c.city),
            .text(JSONList.encode(c.tags)), Cell(c.metAt), Cell(c.metOn?.description), Cell(c.relationship), Cell(c.isInternal),
            Cell(c.stage.rawValue), Cell(c.cadence?.months), Cell(c.cadence?.days), Cell(c.nextStep), Cell(c.nextDue?.description),
            .text(JSONList.encode(c.goals)), .text(JSONList.encode(c.accomplishments)), .text(JSONList.encode(c.interests)),
            .text(JSONList.encode(c.networks)), .text(JSONList.encode(c.skills)), .text(JSONList.encode(c.serves)), Cell(c.expert),
            Cell(c.passionate), Cell(c.honorsReferrals), Cell(c.notes), .text(c.created.description), Cell(c.snoozedUntil?.description),
        ]
    }

    static func contactArguments(_ c: Contact) -> StatementArguments {
        StatementArguments(contactCells(c).map(\.databaseValue))
    }

    /// Runs a cached statement with `cells` bound in order, through SQLite's calls.
    static func run(_ db: Database, _ sql: String, _ cells: [Cell]) throws {
        let statement = try db.cachedStatement(sql: sql)
        let s = statement.sqliteStatement
        sqlite3_reset(s)
        sqlite3_clear_bindings(s)
        // SQLite copies the text before the call returns.
        let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
        for (i, cell) in cells.enumerated() {
            let n = Int32(i + 1)
            switch cell {
            case .text(let text): sqlite3_bind_text(s, n, text, Int32(text.utf8.count), transient)
            case .int(let v): sqlite3_bind_int64(s, n, v)
            case .null: sqlite3_bind_null(s, n)
            }
        }
        let code = sqlite3_step(s)
        defer { sqlite3_reset(s) }
        guard code == SQLITE_DONE else {
            throw DatabaseError(resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(db.sqliteConnection)), sql: sql)
        }
    }

    static let insertContactSQL = "INSERT INTO contacts (\(contactColumns)) VALUES (\(Array(repeating: "?", count: 30).joined(separator: ", ")))"

    static let contactColumns = """
        handle, name, company, title, profession, email, phone, city, tags, met_at, met_on, relationship, internal, stage,
        cadence_months, cadence_days, next_step, next_due, goals, accomplishments, interests, networks, skills, serves,
        expert, passionate, honors_referrals, notes, created, snoozed_until
        """

    static func write(_ change: Change, _ db: Database) throws -> Int64? {
        switch change {
        case .insertContact(let c):
            if c.id != 0 {
                let marks = Array(repeating: "?", count: 30).joined(separator: ", ")
                try db.execute(
                    sql: "INSERT INTO contacts (id, \(contactColumns)) VALUES (?, \(marks))",
                    arguments: [c.id] + contactArguments(c))
                return c.id
            }
            // Cached and bound directly: imports insert tens of thousands of contacts in one run.
            try run(db, insertContactSQL, contactCells(c))
            return db.lastInsertedRowID
        case .updateContact(let c):
            let sets = contactColumns.split(separator: ",").map { "\($0.trimmingCharacters(in: .whitespacesAndNewlines)) = ?" }.joined(
                separator: ", ")
            try db.cachedStatement(sql: "UPDATE contacts SET \(sets) WHERE id = ?").execute(arguments: contactArguments(c) + [c.id])
        case .deleteContact(let id):
            try db.execute(sql: "DELETE FROM contacts WHERE id = ?", arguments: [id])
            try db.execute(sql: "DELETE FROM interactions WHERE id NOT IN (SELECT interaction_id FROM interaction_people)")
        case .mergeContact(let from, let into):
            // Interactions with both people keep one entry for the merged person.
            try db.execute(
                sql: """
                    DELETE FROM interaction_people WHERE contact_id = ?1
                      AND interaction_id IN (SELECT interaction_id FROM interaction_people WHERE contact_id = ?2)
                    """, arguments: [from, into])
            try db.execute(sql: "UPDATE interaction_people SET contact_id = ? WHERE contact_id = ?", arguments: [into, from])
            for table in ["referrals", "spending", "stage_changes"] {
                try db.execute(sql: "UPDATE \(table) SET contact_id = ? WHERE contact_id = ?", arguments: [into, from])
            }
            try db.execute(sql: "UPDATE introductions SET a_id = ? WHERE a_id = ?", arguments: [into, from])
            try db.execute(sql: "UPDATE introductions SET b_id = ? WHERE b_id = ?", arguments: [into, from])
            try db.execute(sql: "DELETE FROM introductions WHERE a_id = b_id")
            let edges = try Row.fetchAll(db, sql: "SELECT a_id, b_id FROM knows WHERE a_id = ?1 OR b_id = ?1", arguments: [from])
            for e in edges {
                let other: Int64 = (e[0] as Int64) == from ? e[1] : e[0]
                if other != into {
                    try db.execute(sql: "INSERT OR IGNORE INTO knows (a_id, b_id) VALUES (?, ?)", arguments: [min(other, into), max(other, into)])
                }
            }
            try db.execute(
                sql: """
                    INSERT OR IGNORE INTO goal_helpers (goal_id, contact_id, position)
                    SELECT goal_id, ?, position FROM goal_helpers WHERE contact_id = ?
                    """, arguments: [into, from])
            try db.execute(sql: "DELETE FROM contacts WHERE id = ?", arguments: [from])
        case .insertStageChange(let s):
            try db.execute(
                sql: "INSERT INTO stage_changes (contact_id, stage, \"on\") VALUES (?, ?, ?)",
                arguments: [s.contact, s.stage.rawValue, s.on.description])
            return db.lastInsertedRowID
        case .insertInteraction(let i):
            try db.cachedStatement(
                sql: "INSERT INTO interactions (kind, \"on\", note, quality, gave, asked, inbound, pitch) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
            ).execute(
                arguments: [i.kind, i.on.description, i.note, i.quality, i.gave, i.asked, i.inbound, i.pitch])
            let id = db.lastInsertedRowID
            for (n, p) in i.people.enumerated() {
                try db.cachedStatement(sql: "INSERT INTO interaction_people (interaction_id, contact_id, position) VALUES (?, ?, ?)").execute(
                    arguments: [id, p, n])
            }
            return id
        case .insertReferral(let r):
            try db.execute(
                sql: "INSERT INTO referrals (direction, contact_id, about, \"on\", value_cents, status, note) VALUES (?, ?, ?, ?, ?, ?, ?)",
                arguments: [r.direction.rawValue, r.contact, r.about, r.on.description, r.value.map(cents), r.status, r.note])
            return db.lastInsertedRowID
        case .insertIntroduction(let i):
            try db.execute(
                sql: "INSERT INTO introductions (a_id, b_id, \"on\", note) VALUES (?, ?, ?, ?)",
                arguments: [i.a, i.b, i.on.description, i.note])
            let id = db.lastInsertedRowID
            if i.a != i.b {
                try db.execute(sql: "INSERT OR IGNORE INTO knows (a_id, b_id) VALUES (?, ?)", arguments: [min(i.a, i.b), max(i.a, i.b)])
            }
            return id
        case .insertSpend(let s):
            try db.execute(
                sql: "INSERT INTO spending (contact_id, amount_cents, \"on\", note) VALUES (?, ?, ?, ?)",
                arguments: [s.contact, cents(s.amount), s.on.description, s.note])
            return db.lastInsertedRowID
        case .deleteEvent(let kind, let id):
            let table: String
            switch kind {
            case .interaction: table = "interactions"
            case .referral: table = "referrals"
            case .introduction: table = "introductions"
            case .spend: table = "spending"
            case .stage: table = "stage_changes"
            }
            try db.execute(sql: "DELETE FROM \(table) WHERE id = ?", arguments: [id])
        case .insertKnows(let a, let b):
            guard a != b else { return nil }
            try db.execute(sql: "INSERT OR IGNORE INTO knows (a_id, b_id) VALUES (?, ?)", arguments: [min(a, b), max(a, b)])
        case .setMe(let m):
            try db.execute(
                sql: """
                    INSERT INTO me (id, name, profession, company, preferred_client, goals) VALUES (1, ?, ?, ?, ?, ?)
                    ON CONFLICT(id) DO UPDATE SET name = excluded.name, profession = excluded.profession, company = excluded.company,
                      preferred_client = excluded.preferred_client, goals = excluded.goals
                    """, arguments: [m.name, m.profession, m.company, JSONList.encode(m.preferredClient), JSONList.encode(m.goals)])
        case .setMarket(let m):
            try db.execute(
                sql: """
                    INSERT INTO markets (name, served_by, position) VALUES (?, ?, (SELECT coalesce(max(position), 0) + 1 FROM markets))
                    ON CONFLICT(name) DO UPDATE SET served_by = excluded.served_by
                    """, arguments: [m.name, JSONList.encode(m.servedBy)])
        case .deleteMarket(let name):
            try db.execute(sql: "DELETE FROM markets WHERE name = ?", arguments: [name])
        case .setGoal(let g):
            try db.execute(
                sql: """
                    INSERT INTO goals (name, due, metric, target, period) VALUES (?, ?, ?, ?, ?)
                    ON CONFLICT(name) DO UPDATE SET due = excluded.due, metric = excluded.metric, target = excluded.target, period = excluded.period
                    """, arguments: [g.name, g.due?.description, g.metric, g.target.map { "\($0)" }, g.period?.rawValue])
            let id = try Int64.fetchOne(db, sql: "SELECT id FROM goals WHERE name = ?", arguments: [g.name]) ?? 0
            try db.execute(sql: "DELETE FROM goal_helpers WHERE goal_id = ?", arguments: [id])
            for (n, h) in g.helpers.enumerated() {
                try db.execute(sql: "INSERT OR IGNORE INTO goal_helpers (goal_id, contact_id, position) VALUES (?, ?, ?)", arguments: [id, h, n])
            }
            return id
        case .deleteGoal(let name):
            try db.execute(sql: "DELETE FROM goals WHERE name = ?", arguments: [name])
        case .setDefinition(let d):
            try db.execute(
                sql: """
                    INSERT INTO definitions (kind, name, source, position) VALUES (?, ?, ?, (SELECT coalesce(max(position), 0) + 1 FROM definitions))
                    ON CONFLICT(kind, name) DO UPDATE SET source = excluded.source
                    """, arguments: [d.kind.rawValue, d.name, d.source])
        case .deleteDefinition(let kind, let name):
            try db.execute(sql: "DELETE FROM definitions WHERE kind = ? AND name = ?", arguments: [kind.rawValue, name])
        }
        return nil
    }
}

/// Lists of text kept as JSON arrays in one column (readable with SQLite's json functions).
enum JSONList {
    static func encode(_ items: [String]) -> String {
        if items.isEmpty { return "[]" }
        return "[" + items.map(jsonStringLiteral).joined(separator: ",") + "]"
    }

    static func decode(_ text: String?) -> [String] {
        guard let text, text != "[]" else { return [] }
        return fastDecode(text) ?? slowDecode(text)
    }

    /// Arrays of plain strings as `encode` writes them, read without Foundation's JSON machinery
    /// (this runs for every list of every contact loaded). Anything unusual goes to `slowDecode`.
    static func fastDecode(_ text: String) -> [String]? {
        let bytes = Array(text.utf8)
        guard bytes.first == UInt8(ascii: "["), bytes.last == UInt8(ascii: "]") else { return nil }
        var items: [String] = []
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
            items.append(String(decoding: bytes[start..<i], as: UTF8.self))
            i += 1
            if bytes[i] == UInt8(ascii: ",") { i += 1 } else if i != bytes.count - 1 { return nil }
        }
        return items
    }

    static func slowDecode(_ text: String) -> [String] {
        guard let data = text.data(using: .utf8), let items = try? JSONSerialization.jsonObject(with: data) as? [Any] else { return [] }
        return items.compactMap { $0 as? String }
    }
}
