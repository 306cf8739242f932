import Foundation

/// `report KIND`: the built-in reports over the network.
extension Interpreter {
    func report(_ kind: String, _ range: SourceRange) throws -> RowSet {
        let v = try view()
        switch kind {
        case "network":
            return networkReport(v)
        case "reciprocity":
            return try reciprocityReport(v)
        case "money":
            return try moneyReport(v)
        case "duplicates":
            // Contacts alone: their events are not read (a large network's do not fit in memory).
            return duplicates(v.net)
        case "unclassified":
            return unclassified(v.net)
        case "candidates":
            return try candidates(v.net)
        default:
            throw fail("unknown report '\(kind)'", range)
        }
    }

    /// `report network`: contacts by stage, relationship, where met, profession, organisation
    /// and activity, each group's count with its share of all contacts.
    func networkReport(_ v: View) -> RowSet {
        // Contacts and their figures: no event is read (a large network's do not fit in memory).
        let net = v.net
        var rows: [[Value]] = []
        let total = max(net.contacts.count, 1)
        func add(_ section: String, _ group: String, _ count: Int?) {
            // A count that cannot be made (nothing to compare with) is null, never a 0.
            guard let count else { return rows.append([.string(section), .string(group), .null, .null]) }
            let share = (Decimal(count) * 100 / Decimal(total)).rounded(toPlaces: 0, .plain)
            rows.append([.string(section), .string(group), .int(count), .number(share)])
        }
        func counts(_ section: String, _ key: (Contact) -> String?, top: Int = 100, alike: Bool = false) {
            var m: [String: Int] = [:]
            // With `alike`, spellings that differ only in case and spaces are one group, shown
            // as first written ("Financial Advisor" and "financial advisor " are one profession,
            // as who serves compares them).
            var shown: [String: String] = [:]
            for c in net.contacts {
                let k = key(c).map { alike ? normalize($0) : $0 } ?? "(none)"
                if alike, shown[k] == nil { shown[k] = key(c).map { $0.trimmed } ?? k }
                m[k, default: 0] += 1
            }
            let named = m.map { (shown[$0.key] ?? $0.key, $0.value) }.sorted(by: { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0 < $1.0 })
            for (g, n) in named.prefix(top) { add(section, g, n) }
            // The rest in one row, so that the shares add up (past the tenth profession, they
            // were left out unsaid).
            if named.count > top {
                let rest = named.dropFirst(top)
                add(section, "other (\(rest.count) more)", rest.reduce(0) { $0 + $1.1 })
            }
        }
        add("total", "contacts", net.contacts.count)
        for s in Stage.allCases { add("stage", s.description, net.contacts.count { $0.stage == s }) }
        counts("relationship", { $0.relationship })
        counts("met_at", { $0.metAt })
        counts("profession", { $0.profession.flatMap { $0.trimmed.isEmpty ? nil : $0 } }, top: 10, alike: true)
        add("organisation", "internal", net.contacts.count(where: \.isInternal))
        add("organisation", "external", net.contacts.count { !$0.isInternal })
        let mine = net.me.profession.map(normalize)
        // Against mine, only contacts with a profession count: one not set is neither.
        let professions = net.contacts.compactMap { $0.profession.map(normalize) }.filter { !$0.isEmpty }
        let same = professions.count { mine != nil && $0 == mine }
        // Without a profession of mine there is nothing to compare with: null, not 0.
        add("profession", "same as mine", mine == nil ? nil : same)
        add("profession", "different from mine", mine == nil ? nil : professions.count - same)
        add("activity", "touched in 90 days", net.contacts.count { (v.stats[$0.id]?.touches90 ?? 0) > 0 })
        // Over 365 days, as the prelude's "reconnect" rule counts them (twelve months before
        // today disagreed with it by a day across a leap day).
        let yearAgo = v.today.adding(days: -365)
        add(
            "activity", "dormant (no touch for a year)",
            net.contacts.count { c in
                (v.stats[c.id]?.lastTouch ?? c.metOn ?? c.created) < yearAgo
            })
        return RowSet.records(Schema.reports["network"]!.fieldNames, rows)
    }

    /// `report reciprocity`: referrals given and received a contact up to today (one dated later
    /// has not happened, as the figures count it), those who never gave one back first.
    func reciprocityReport(_ v: View) throws -> RowSet {
        let net = v.net
        // The value of each direction, and of its referrals won: open and lost ones are not
        // business that came of it (the money trail).
        var byContact: [Int64: (g: Int, r: Int, gv: Decimal, rv: Decimal, gw: Decimal, rw: Decimal, last: Day?)] = [:]
        for r in try referrals(v) where r.on <= v.today {
            var e = byContact[r.contact] ?? (0, 0, 0, 0, 0, 0, nil)
            let won = r.status == "won" ? r.value ?? 0 : 0
            if r.direction == .given {
                e.g += 1
                e.gv += r.value ?? 0
                e.gw += won
            } else {
                e.r += 1
                e.rv += r.value ?? 0
                e.rw += won
            }
            if e.last.map({ r.on > $0 }) ?? true { e.last = r.on }
            byContact[r.contact] = e
        }
        let sorted = byContact.sorted { a, b in
            let na = a.value.r == 0 && a.value.g > 0
            let nb = b.value.r == 0 && b.value.g > 0
            if na != nb { return na }
            if a.value.g - a.value.r != b.value.g - b.value.r { return a.value.g - a.value.r > b.value.g - b.value.r }
            // Two of one name in the order they were added: a dictionary's order changes from
            // run to run, and the report must not.
            return ((net.contact(a.key)?.name ?? ""), a.key) < ((net.contact(b.key)?.name ?? ""), b.key)
        }
        let cols = Schema.reports["reciprocity"]!.fieldNames
        return RowSet.records(
            cols,
            sorted.map { id, e in
                [
                    .contact(id), .int(e.g), .int(e.r), .number(e.gv), .number(e.rv), .number(e.gw), .number(e.rw), .optional(e.last),
                    .number(v.stats[id]?.giveRatio ?? 0), .bool(e.r == 0 && e.g > 0),
                ]
            })
    }

    /// Every referral, in no particular order: read from the model when it reads them so, else
    /// from the events in memory (a large network's do not fit). A model is asked for rows
    /// meeting conditions: here those given, then those received, which are all of them.
    private func referrals(_ v: View) throws -> [Referral] {
        func read(_ direction: Referral.Direction) throws -> [Referral]? {
            let condition = FieldCondition(field: "direction", op: .equal, value: .string(direction.rawValue))
            // The core checks what a model answers, as it does every condition it hands over.
            return try v.backendFirst?.read(ModelRead("referrals", where: [condition]))?.referrals.filter { $0.direction == direction }
        }
        guard let given = try read(.given), let received = try read(.received) else { return v.full.referrals }
        return given + received
    }

    /// `report money`: the last twelve months' spending a contact, with the referrals it went with.
    func moneyReport(_ v: View) throws -> RowSet {
        let since = v.today.adding(Duration(months: -12))
        let (spending, interactions) = try moneyEvents(v, since: since)
        let net = v.net
        var spend: [Int64: Decimal] = [:]
        for s in spending where s.on > since && s.on <= v.today { spend[s.contact, default: 0] += s.amount }
        // As the `asked` figure counts: an interaction flagged asked or pitch, up to today.
        let askedEver = Set(interactions.filter { ($0.asked || $0.pitch) && $0.on <= v.today }.flatMap(\.people))
        let cols = Schema.reports["money"]!.fieldNames
        // Equal spends by name, two of one name in the order they were added (never in a
        // dictionary's order, which changes from run to run).
        let sorted = spend.sorted {
            $0.value != $1.value ? $0.value > $1.value : ((net.contact($0.key)?.name ?? ""), $0.key) < ((net.contact($1.key)?.name ?? ""), $1.key)
        }
        return RowSet.records(
            cols,
            sorted.map { id, amount in
                [
                    .contact(id), .optional(net.contact(id)?.profession), .number(amount),
                    .int(v.stats[id]?.referralsGiven ?? 0), .int(v.stats[id]?.referralsReceived ?? 0), .bool(askedEver.contains(id)),
                ]
            })
    }

    /// The spending after `since` and the interactions that asked or pitched, read narrowed
    /// from the model when it can (at least those: the report checks each again), else every
    /// one from the events in memory (a large network's do not fit).
    private func moneyEvents(_ v: View, since: Day) throws -> ([Spend], [Interaction]) {
        if let backend = v.backendFirst,
            let spent = try backend.read(ModelRead("spending", where: [FieldCondition(field: "on", op: .greater, value: .date(since))])),
            let asked = try backend.read(ModelRead("interactions", where: [FieldCondition(field: "asked", op: .equal, value: .bool(true))])),
            let pitched = try backend.read(ModelRead("interactions", where: [FieldCondition(field: "pitch", op: .equal, value: .bool(true))]))
        {
            return (spent.spending, asked.interactions + pitched.interactions)
        }
        return (v.full.spending, v.full.interactions)
    }

    /// The reports `report KIND` knows (the checker reads this list too).
    public static let reportKinds = ["network", "reciprocity", "money", "duplicates", "unclassified", "candidates"]

    /// `report candidates`: people met or written to (in imported calendars and mail) who are
    /// not contacts, most often seen first, each with the `add` line that makes them one. An
    /// address that is now a contact's, or mine, is left out.
    func candidates(_ net: Network) throws -> RowSet {
        let known = Set(net.contacts.flatMap { $0.emails.map { $0.value.trimmed.lowercased() } } + net.me.emails.map { $0.trimmed.lowercased() })
        let counts = try ((model as? CandidateBook)?.candidateCounts() ?? []).filter { !known.contains($0.address.lowercased()) }.sorted {
            ($1.count, $1.lastSeen, $0.address) < ($0.count, $0.lastSeen, $1.address)
        }
        return RowSet.records(
            Schema.reports["candidates"]!.fieldNames,
            counts.map { c in
                [
                    .string(CandidateCount.displayName(c.name, address: c.address)), .string(c.address), .int(c.count), .date(c.firstSeen),
                    .date(c.lastSeen), .string(CandidateCount.addLine(c.name, address: c.address)),
                ]
            })
    }

    /// `report duplicates`: pairs of contacts that are likely one person, which import keeps
    /// apart when an e-mail or phone disagrees: the same name (and company), the same e-mail,
    /// the same phone. Each row says why and gives the `merge` that joins them into the older.
    func duplicates(_ net: Network) -> RowSet {
        var groups: [(String, [String: [Int64]])] = [("name", [:]), ("e-mail", [:]), ("phone", [:]), ("first and last name and company", [:])]
        for c in net.contacts {
            // José and Jose, Straße and Strasse, as search folds them: a report asks, a merge decides.
            groups[0].1[String(decoding: FoldedText(personKey(c.name, nil)).bytes, as: UTF8.self), default: []].append(c.id)
            if let e = c.email { groups[1].1[e.lowercased(), default: []].append(c.id) }
            if let p = c.phone, !phoneDigits(p).isEmpty { groups[2].1[phoneDigits(p), default: []].append(c.id) }
            // Ana María Núñez and Ana Núñez at one company (a middle name one file left out).
            if let key = firstAndLastNameKey(c.name, c.company) { groups[3].1[key, default: []].append(c.id) }
        }
        var reasons: [[Int64]: [String]] = [:]
        for (what, byKey) in groups {
            for ids in byKey.values where ids.count > 1 {
                let ids = ids.sorted()
                for other in ids.dropFirst() {
                    // The same name and company is said once, as that; Mary Ann and Mary Jo Smith
                    // are two people (every word of the shorter name must be in the other).
                    if what == "first and last name and company" {
                        if reasons[[ids[0], other]]?.contains("same name and company") == true { continue }
                        let words = [ids[0], other].map { Set(normalize(net.contact($0)?.name ?? "").split(separator: " ").map { String(decoding: FoldedText(String($0)).bytes, as: UTF8.self) }) }
                        if !(words[0].isSubset(of: words[1]) || words[1].isSubset(of: words[0])) { continue }
                    }
                    var reason = "same \(what)"
                    if what == "name", let a = net.contact(ids[0]), let b = net.contact(other), let x = a.company, let y = b.company,
                        sameText(collapsingSpaces(normalize(x)), collapsingSpaces(normalize(y)))
                    {
                        reason = "same name and company"
                    }
                    reasons[[ids[0], other], default: []].append(reason)
                }
            }
        }
        let cols = Schema.reports["duplicates"]!.fieldNames
        func name(_ id: Int64) -> String { net.contact(id)?.name ?? "" }
        let pairs = reasons.keys.sorted { (name($0[0]), $0[0], name($0[1]), $0[1]) < (name($1[0]), $1[0], name($1[1]), $1[1]) }
        return RowSet(
            collection: nil,
            rows: pairs.map { pair in
                let merge = "merge @\(net.contact(pair[1])?.handle ?? "") into @\(net.contact(pair[0])?.handle ?? "")"
                return .record(
                    Record(
                        keys: cols, values: [.contact(pair[0]), .contact(pair[1]), .string(reasons[pair]!.joined(separator: ", ")), .string(merge)]))
            }, columns: cols)
    }
}
