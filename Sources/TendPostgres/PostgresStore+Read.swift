import Foundation
import PostgresNIO
import TendCore
import TendStore

/// One row's columns, checked as the SQLite store checks them (Store+Read): a value Tend would
/// never have written is a `DamagedValue` naming the table and row, not a wrong answer.
struct RowCells {
    let row: PostgresRandomAccessRow
    let table: String
    /// The column of the row's id (nil for link tables).
    let idColumn: Int?

    func damaged(_ i: Int, _ problem: String) -> DamagedValue {
        var e = DamagedValue(table: table, row: idColumn.map(int), problem: "\(row[i].columnName) \(problem)")
        e.file = "PostgreSQL"
        return e
    }
    func optionalInt(_ i: Int) -> Int64? { (try? row[i].decode(Int64?.self)) ?? nil }
    func int(_ i: Int) -> Int64 { optionalInt(i) ?? 0 }
    func optionalText(_ i: Int) -> String? { (try? row[i].decode(String?.self)) ?? nil }
    func text(_ i: Int) -> String { optionalText(i) ?? "" }
    func bool(_ i: Int) throws -> Bool {
        let v = int(i)
        guard v == 0 || v == 1 else { throw damaged(i, "is \(v), not true (1) or false (0)") }
        return v == 1
    }
    func day(_ i: Int) throws -> Day? {
        guard let s = optionalText(i) else { return nil }
        guard let d = Day(iso: s) else { throw damaged(i, "is not a date from 0001-01-01 to 9999-12-31") }
        return d
    }
    func date(_ i: Int) throws -> Day {
        guard let d = try day(i) else { throw damaged(i, "is missing") }
        return d
    }
    func list(_ i: Int) throws -> [String] {
        guard let s = optionalText(i) else { return [] }
        guard let items = JSONList.decodeChecked(s) else { throw damaged(i, "is not a list of text") }
        return items
    }
    func stage(_ i: Int) throws -> Stage {
        let v = int(i)
        guard let s = Stage(rawValue: Int(truncatingIfNeeded: v)), Int64(s.rawValue) == v else {
            throw damaged(i, "is \(v), not a stage (1 contact … 4 profitability)")
        }
        return s
    }
    func money(_ i: Int) throws -> Decimal? {
        guard let v = optionalInt(i) else { return nil }
        guard StoredRange.cents.contains(v) else { throw damaged(i, "is out of range") }
        return Store.money(v)
    }
    func quality(_ i: Int) throws -> Int? {
        guard let v = optionalInt(i) else { return nil }
        guard v >= 1 && v <= 5 else { throw damaged(i, "is \(v), not a quality from 1 to 5") }
        return Int(v)
    }
    func cadence(_ months: Int, _ days: Int) throws -> Duration? {
        let m = optionalInt(months)
        let d = optionalInt(days)
        guard m != nil || d != nil else { return nil }
        let cadence = Duration(months: Int(m ?? 0), days: Int(d ?? 0))
        guard StoredRange.contains(cadence: cadence) else { throw damaged(months, "is out of range") }
        return cadence
    }
    func checked<T>(_ i: Int, _ result: Result<T, ContactLists.Problem>) throws -> T {
        switch result {
        case .success(let v): return v
        case .failure(let p): throw damaged(i, p.text)
        }
    }
}

extension PostgresStore {
    /// Runs a query and calls `body` with each row's cells.
    func each(_ table: String, _ sql: String, _ values: [SQLValue] = [], id: Int? = 0, _ body: (RowCells) throws -> Void) throws {
        for row in try connection.query(sql, values) { try body(RowCells(row: row, table: table, idColumn: id)) }
    }

    /// Reads the network; without `events`, only contacts, me, markets, goals and definitions.
    func load(events: Bool) throws -> Network {
        var net = Network()
        try each(
            "contacts",
            """
            SELECT id, handle, name, company, title, profession, email, phone, city, tags, met_at, met_on, relationship,
                   internal, stage, cadence_months, cadence_days, next_step, next_due, goals, accomplishments, interests,
                   networks, skills, serves, expert, passionate, honors_referrals, notes, created, snoozed_until,
                   emails, phones, addresses, birthday, anniversary, dates, uid
            FROM contacts ORDER BY id
            """
        ) { r in net.contacts.append(try contact(r)) }
        net.reindex()
        try loadSmallTables(into: &net)
        guard events else { return net }
        try each("stage_changes", #"SELECT id, contact_id, stage, "on" FROM stage_changes ORDER BY id"#) { r in
            var s = StageChange(contact: r.int(1), stage: try r.stage(2), on: try r.date(3))
            s.id = r.int(0)
            net.stageChanges.append(s)
        }
        net.interactions = try interactions()
        try each("referrals", #"SELECT id, direction, contact_id, about, "on", value_cents, status, note FROM referrals ORDER BY id"#) { r in
            guard let direction = Referral.Direction(rawValue: r.text(1)) else { throw r.damaged(1, "is not given or received") }
            var x = Referral(direction: direction, contact: r.int(2), on: try r.date(4))
            x.id = r.int(0)
            x.about = r.optionalText(3)
            x.value = try r.money(5)
            x.status = r.optionalText(6)
            if let s = x.status, !StoredRange.statuses.contains(s) { throw r.damaged(6, "is \"\(s)\", not open, won or lost") }
            x.note = r.optionalText(7)
            net.referrals.append(x)
        }
        try each("introductions", #"SELECT id, a_id, b_id, "on", note FROM introductions ORDER BY id"#) { r in
            var x = Introduction(a: r.int(1), b: r.int(2), on: try r.date(3))
            x.id = r.int(0)
            x.note = r.optionalText(4)
            net.introductions.append(x)
        }
        try each("spending", #"SELECT id, contact_id, amount_cents, "on", note FROM spending ORDER BY id"#) { r in
            guard let amount = try r.money(2) else { throw r.damaged(2, "is missing") }
            var x = Spend(contact: r.int(1), amount: amount, on: try r.date(3))
            x.id = r.int(0)
            x.note = r.optionalText(4)
            net.spending.append(x)
        }
        net.knows = try knowsEdges()
        return net
    }

    func contact(_ r: RowCells) throws -> Contact {
        var c = Contact(name: r.text(2), handle: r.text(1), created: try r.date(29))
        c.id = r.int(0)
        c.company = r.optionalText(3)
        c.title = r.optionalText(4)
        c.profession = r.optionalText(5)
        c.emails = try r.checked(31, ContactLists.points(try r.list(31)))
        c.phones = try r.checked(32, ContactLists.points(try r.list(32)))
        c.addresses = try r.checked(33, ContactLists.addresses(try r.list(33)))
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
        c.birthday = try r.day(34)
        c.anniversary = try r.day(35)
        c.dates = try r.checked(36, ContactLists.namedDates(try r.list(36)))
        c.uid = r.optionalText(37)
        return c
    }

    func interactions() throws -> [Interaction] {
        var people: [Int64: [Int64]] = [:]
        try each("interaction_people", "SELECT interaction_id, contact_id FROM interaction_people ORDER BY interaction_id, position", id: nil) {
            people[$0.int(0), default: []].append($0.int(1))
        }
        var out: [Interaction] = []
        try each(
            "interactions", #"SELECT id, kind, "on", note, quality, gave, asked, inbound, pitch, source_id FROM interactions ORDER BY id"#
        ) { r in
            var i = Interaction(kind: r.text(1), on: try r.date(2), people: people[r.int(0)] ?? [])
            i.id = r.int(0)
            i.note = r.optionalText(3)
            i.quality = try r.quality(4)
            i.gave = try r.bool(5)
            i.asked = try r.bool(6)
            i.inbound = try r.bool(7)
            i.pitch = try r.bool(8)
            i.sourceID = r.optionalText(9)
            out.append(i)
        }
        return out
    }

    func loadSmallTables(into net: inout Network) throws {
        try each("me", "SELECT id, name, profession, company, preferred_client, goals, emails FROM me WHERE id = 1") { r in
            net.me.name = r.optionalText(1)
            net.me.profession = r.optionalText(2)
            net.me.company = r.optionalText(3)
            net.me.preferredClient = try r.list(4)
            net.me.goals = try r.list(5)
            net.me.emails = try r.list(6)
        }
        try each("markets", "SELECT name, served_by FROM markets ORDER BY position, name", id: nil) { r in
            net.markets.append(Market(name: r.text(0), servedBy: try r.list(1)))
        }
        var helpers: [Int64: [Int64]] = [:]
        try each("goal_helpers", "SELECT goal_id, contact_id FROM goal_helpers ORDER BY goal_id, position") { r in
            helpers[r.int(0), default: []].append(r.int(1))
        }
        try each("goals", "SELECT id, name, due, metric, target, period FROM goals ORDER BY id") { r in
            var g = Goal(name: r.text(1))
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
            g.helpers = helpers[g.id] ?? []
            net.goals.append(g)
        }
        net.definitions = try readDefinitions()
    }

    func readDefinitions() throws -> [Definition] {
        var out: [Definition] = []
        try each("definitions", "SELECT position, kind, name, source FROM definitions ORDER BY position") { r in
            guard let kind = Definition.Kind(rawValue: r.text(1)) else { throw r.damaged(1, "is not let, fn, rule or score") }
            out.append(Definition(kind: kind, name: r.text(2), source: r.text(3)))
        }
        return out
    }
}
