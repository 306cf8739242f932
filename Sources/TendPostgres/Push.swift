import Foundation
import TendCore
import TendStore

/// `tend push`: a personal network copied into a team database, in the team database's one
/// transaction (the caller's). Contacts are matched by handle; events, edges, markets, goals,
/// definitions, the member's snoozes and agenda items, and the sightings `report candidates`
/// counts that the team database holds already are not added again, so pushing twice adds
/// nothing. What is in both and differs is refused, listed, before anything is written.
///
/// The rules:
/// - a contact whose handle the team database has is the same contact when every stored
///   field is the same (a snooze is the member's own: one the member has not there is added);
///   any difference is a conflict;
/// - an event (interaction, referral, introduction, spending, stage change) is there already
///   when the team database has one with the same fields and the same people; two identical
///   events here and one there add one; an imported touch is there already when one from the
///   same source is;
/// - a definition, market or goal of the same name with other content is a conflict, except a
///   definition the team database still has as the prelude made it, which yours replaces;
/// - an agenda item closed, dismissed or snoozed otherwise there (the member's own) is a conflict;
/// - `me` is copied when the team database has none; another one there is a conflict.
///
/// Rows are written a statement per thousand of a kind (PostgresStore+Bulk), and not journalled:
/// a push is no change `undo` takes back.
public struct Push {
    let personal: Network
    let states: [ItemKey: ItemState]
    let sightings: [Sighting]
    let team: PostgresStore

    public init(
        _ personal: Network, itemStates: [ItemKey: ItemState] = [:], sightings: [Sighting] = [],
        into team: PostgresStore
    ) {
        self.personal = personal
        self.states = itemStates
        self.sightings = sightings
        self.team = team
    }

    /// Everything of the personal database that is data: the network, the agenda's item
    /// states and the sightings of people who are not contacts.
    public init(from store: Store, into team: PostgresStore) throws {
        self.init(try store.network(), itemStates: try store.itemStates(), sightings: try store.sightings(), into: team)
    }

    /// What was in both databases and differs: nothing was written.
    public struct Refused: Error, CustomStringConvertible {
        public var conflicts: [String]
        public var description: String {
            let n = conflicts.count
            return "nothing was pushed: \(n) \(n == 1 ? "thing is" : "things are") in both databases and \(n == 1 ? "differs" : "differ") "
                + "(make them the same on one side, then push again):\n" + conflicts.map { "  " + $0 }.joined(separator: "\n")
        }
    }

    /// How many of each kind were added, and how many were there already, in the order pushed.
    public struct Counts: CustomStringConvertible {
        public var rows: [(kind: String, added: Int, present: Int)] = []
        mutating func count(_ kind: String, added: Bool) { add(kind, added: added ? 1 : 0, present: added ? 0 : 1) }
        mutating func add(_ kind: String, added: Int, present: Int) {
            if rows.last?.kind != kind { rows.append((kind, 0, 0)) }
            rows[rows.count - 1].added += added
            rows[rows.count - 1].present += present
        }
        public var added: Int { rows.reduce(0) { $0 + $1.added } }
        public var description: String {
            rows.filter { $0.added + $0.present > 0 }.map { "\($0.kind): \($0.added) added, \($0.present) there already" }
                .joined(separator: "\n")
        }
    }

    /// Checks for conflicts, then writes what the team database lacks.
    public func run() throws -> Counts {
        let there = try team.network(events: true)
        let theirStates = try team.itemStates()
        let conflicts = contactConflicts(there) + namedConflicts(there) + agendaConflicts(there, theirStates)
        guard conflicts.isEmpty else { throw Refused(conflicts: conflicts) }
        try team.pauseJournal()
        var counts = Counts()
        // `me` is the member's own there: written where it is not set yet, and said ("me: 1 added").
        if personal.me != Me() {
            let set = there.me == Me()
            if set { try team.apply(.setMe(personal.me)) }
            counts.count("me", added: set)
        }
        let ids = try pushContacts(there, &counts)
        try pushEvents(there, ids, &counts)
        try pushNamed(there, ids, &counts)
        try pushAgenda(theirStates, ids, &counts)
        let new = try team.insertSightings(sightings)
        counts.add("candidate sightings", added: new, present: sightings.count - new)
        return counts
    }

    // MARK: - Conflicts

    /// A contact's stored fields, as the store writes them: the same list on both sides when
    /// the contacts are the same.
    static func cells(_ c: Contact) -> [(column: String, value: String)] {
        zip(Store.contactColumnNames, Store.contactCells(c)).map { column, cell in
            switch cell {
            case .text(let s): return (column, ScriptWriter.quote(s))
            // A stage by its name, as the language writes it (it was the stored number: "stage 1 here").
            case .int(let n): return (column, column == "stage" ? Stage(rawValue: Int(n))?.description ?? "\(n)" : "\(n)")
            case .null: return (column, "none")
            }
        }
    }

    /// The team database's contacts by handle.
    static func byHandle(_ net: Network) -> [String: Contact] {
        Dictionary(net.contacts.map { ($0.handle, $0) }, uniquingKeysWith: { a, _ in a })
    }

    func contactConflicts(_ there: Network) -> [String] {
        var out: [String] = []
        let theirs = Push.byHandle(there)
        for c in personal.contacts.sorted(by: { $0.id < $1.id }) {
            guard let t = theirs[c.handle] else { continue }
            // A snooze the member has not there is pushed; one that differs is a conflict.
            let differing = zip(Push.cells(c), Push.cells(t)).filter {
                $0.0.value != $0.1.value && ($0.0.column != "snoozed_until" || t.snoozedUntil != nil)
            }
            guard !differing.isEmpty else { continue }
            let fields = differing.map { "\(Store.field(ofColumn: $0.0.column)) \($0.0.value) here, \($0.1.value) there" }
            out.append("@\(c.handle): " + fields.joined(separator: "; "))
        }
        return out
    }

    static let preludeSources = Set(Prelude.statements.map(\.text))

    func namedConflicts(_ there: Network) -> [String] {
        var out: [String] = []
        if there.me != Me(), personal.me != Me(), there.me != personal.me {
            // Each field that differs, as for a contact.
            func shown(_ s: String?) -> String { s.map(ScriptWriter.quote) ?? "none" }
            func shown(_ list: [String]) -> String { "[" + list.map(ScriptWriter.quote).joined(separator: ", ") + "]" }
            let (a, b) = (personal.me, there.me)
            let fields = [
                ("name", shown(a.name), shown(b.name)), ("profession", shown(a.profession), shown(b.profession)),
                ("company", shown(a.company), shown(b.company)), ("preferred_client", shown(a.preferredClient), shown(b.preferredClient)),
                ("goals", shown(a.goals), shown(b.goals)), ("emails", shown(a.emails), shown(b.emails)),
            ].filter { $0.1 != $0.2 }.map { "\($0.0) \($0.1) here, \($0.2) there" }
            out.append("me: " + fields.joined(separator: "; "))
        }
        let definitions = Dictionary(there.definitions.map { ("\($0.kind.rawValue) \($0.name)", $0.source) }, uniquingKeysWith: { a, _ in a })
        for d in personal.definitions {
            if let source = definitions["\(d.kind.rawValue) \(d.name)"], source != d.source, !Push.preludeSources.contains(source) {
                out.append("\(d.kind.rawValue) \(d.name): \(Push.excerpt(d.source)) here, \(Push.excerpt(source)) there")
            }
        }
        for m in personal.markets {
            if let t = there.markets.first(where: { $0.name == m.name }), t != m {
                out.append("market \(ScriptWriter.quote(m.name)): served by others there")
            }
        }
        for g in personal.goals {
            if let t = there.goals.first(where: { $0.name == g.name }), !sameGoal(g, t, there) {
                out.append("goal \(ScriptWriter.quote(g.name)): set otherwise there")
            }
        }
        return out
    }

    /// A definition's text on one line, cut at 60 characters.
    static func excerpt(_ source: String) -> String {
        let line = source.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " ")
        return "`" + (line.count > 60 ? line.prefix(59) + "…" : line) + "`"
    }

    /// Goals are the same when their fields are and their helpers have the same handles.
    func sameGoal(_ g: Goal, _ t: Goal, _ there: Network) -> Bool {
        var (a, b) = (g, t)
        (a.id, b.id, a.helpers, b.helpers) = (0, 0, [], [])
        return a == b && g.helpers.map { personal.contact($0)?.handle } == t.helpers.map { there.contact($0)?.handle }
    }

    /// Agenda items the member closed, dismissed or snoozed otherwise there.
    func agendaConflicts(_ there: Network, _ theirStates: [ItemKey: ItemState]) -> [String] {
        let theirs = Push.byHandle(there)
        return sortedStates.compactMap { key, state in
            guard let handle = personal.contact(key.contact)?.handle, let t = theirs[handle],
                let other = theirStates[ItemKey(contact: t.id, rule: key.rule)], other != state
            else { return nil }
            return "agenda item \(ScriptWriter.quote(key.rule)) of @\(handle): \(Push.describe(state)) here, \(Push.describe(other)) there"
        }
    }

    /// The personal item states, in a fixed order (by contact, then rule).
    var sortedStates: [(ItemKey, ItemState)] {
        states.sorted { ($0.key.contact, $0.key.rule) < ($1.key.contact, $1.key.rule) }.map { ($0.key, $0.value) }
    }

    static func describe(_ s: ItemState) -> String {
        "\(s.kind.rawValue) on \(s.since)" + (s.until.map { " until \($0)" } ?? "") + (s.note.map { " (\(ScriptWriter.quote($0)))" } ?? "")
    }

    // MARK: - Writing

    /// Adds the contacts the team database lacks, and the member's snoozes of those it has;
    /// every personal contact's id there.
    func pushContacts(_ there: Network, _ counts: inout Counts) throws -> [Int64: Int64] {
        var ids: [Int64: Int64] = [:]
        let theirs = Push.byHandle(there)
        let mine = personal.contacts.sorted(by: { $0.id < $1.id })
        var new: [Contact] = []
        var snoozes: [(contact: Int64, until: Day)] = []
        for c in mine {
            guard let t = theirs[c.handle] else {
                new.append(c)
                continue
            }
            ids[c.id] = t.id
            if let until = c.snoozedUntil, t.snoozedUntil == nil { snoozes.append((t.id, until)) }
        }
        for (c, id) in zip(new, try team.insertContacts(new)) { ids[c.id] = id }
        try team.insertSnoozes(snoozes)
        counts.add("contacts", added: new.count, present: mine.count - new.count)
        let added = snoozes.count + new.filter { $0.snoozedUntil != nil }.count
        counts.add("snoozes", added: added, present: mine.filter { $0.snoozedUntil != nil }.count - added)
        return ids
    }

    /// Adds each event the team database lacks (`ids` maps people to its contacts).
    func pushEvents(_ there: Network, _ ids: [Int64: Int64], _ counts: inout Counts) throws {
        func id(_ p: Int64) -> Int64 { ids[p] ?? 0 }
        let stageChanges = missing("stage changes", Push.each(personal.stageChanges) { $0.contact = id($0.contact) }, there.stageChanges, &counts)
        // An imported touch (kind and source) is there already whatever else differs: the
        // store keeps one per source.
        let sources = Set(there.interactions.compactMap { i in i.sourceID.map { "\(i.kind) \($0)" } })
        let interactions = missing("interactions", Push.each(personal.interactions) { $0.people = $0.people.map(id) }, there.interactions, &counts) {
            i in i.sourceID.map { sources.contains("\(i.kind) \($0)") } ?? false
        }
        try team.insertInteractions(interactions)
        let referrals = missing("referrals", Push.each(personal.referrals) { $0.contact = id($0.contact) }, there.referrals, &counts)
        let introductions = missing(
            "introductions", Push.each(personal.introductions) { ($0.a, $0.b) = (id($0.a), id($0.b)) }, there.introductions, &counts)
        let spending = missing("spending", Push.each(personal.spending) { $0.contact = id($0.contact) }, there.spending, &counts)
        try team.insertEvents(stageChanges: stageChanges, referrals: referrals, introductions: introductions, spending: spending)
        let edges = Set(there.knows.map { "\(min($0.0, $0.1)) \(max($0.0, $0.1))" })
        let knows = personal.knows.map { (id($0.0), id($0.1)) }
        let new = knows.filter { !edges.contains("\(min($0.0, $0.1)) \(max($0.0, $0.1))") }
        try team.insertKnows(new)
        counts.add("knows", added: new.count, present: knows.count - new.count)
    }

    /// Each of `events`, changed by `change` (its people moved to the team database's ids).
    static func each<E>(_ events: [E], _ change: (inout E) -> Void) -> [E] {
        events.map {
            var e = $0
            change(&e)
            return e
        }
    }

    /// Those of `mine` that `theirs` lacks, in order: each of theirs stands for one of mine with
    /// the same fields (ids aside).
    func missing<E: PushedEvent>(
        _ kind: String, _ mine: [E], _ theirs: [E], _ counts: inout Counts, alreadyThere: (E) -> Bool = { _ in false }
    ) -> [E] {
        var present: [Day: [E]] = [:]
        for e in theirs { present[e.on, default: []].append(e.unnumbered) }
        var out: [E] = []
        for e in mine.sorted(by: { $0.id < $1.id }) {
            var new = false
            if let n = present[e.on]?.firstIndex(of: e.unnumbered) {
                present[e.on]!.remove(at: n)
            } else if !alreadyThere(e) {
                // Who the file says logged it, if the pushing member may act as them; else the
                // pushing member (a file could otherwise log in any member's name).
                var pushed = e
                if let by = e.by, (try? team.mayLog(as: by)) != true { pushed.by = nil }
                out.append(pushed)
                new = true
            }
            counts.count(kind, added: new)
        }
        return out
    }

    /// Definitions, markets and goals the team database lacks (or has as the prelude made them).
    func pushNamed(_ there: Network, _ ids: [Int64: Int64], _ counts: inout Counts) throws {
        let definitions = Dictionary(there.definitions.map { ("\($0.kind.rawValue) \($0.name)", $0.source) }, uniquingKeysWith: { a, _ in a })
        for d in personal.definitions {
            let same = definitions["\(d.kind.rawValue) \(d.name)"] == d.source
            if !same { try team.apply(.setDefinition(d)) }
            counts.count("definitions", added: !same)
        }
        for m in personal.markets {
            let have = there.markets.contains { $0.name == m.name }
            if !have { try team.apply(.setMarket(m)) }
            counts.count("markets", added: !have)
        }
        for g in personal.goals {
            let have = there.goals.contains { $0.name == g.name }
            if !have {
                var new = g
                new.id = 0
                new.helpers = g.helpers.compactMap { ids[$0] }
                try team.apply(.setGoal(new))
            }
            counts.count("goals", added: !have)
        }
    }

    /// The member's agenda items closed, dismissed or snoozed here and not there (those there
    /// are the same: a difference was refused).
    func pushAgenda(_ theirStates: [ItemKey: ItemState], _ ids: [Int64: Int64], _ counts: inout Counts) throws {
        let mapped = sortedStates.compactMap { key, state in ids[key.contact].map { (ItemKey(contact: $0, rule: key.rule), state) } }
        let new = mapped.filter { theirStates[$0.0] == nil }
        try team.insertItemStates(new)
        counts.add("agenda items", added: new.count, present: mapped.count - new.count)
    }
}

/// An event `tend push` matches by its fields: the same on both sides but for its id and who
/// logged it (the team database records the pushing member; a personal file, none).
protocol PushedEvent: Equatable {
    var id: Int64 { get set }
    var by: String? { get set }
    var on: Day { get }
}

extension PushedEvent {
    var unnumbered: Self {
        var e = self
        e.id = 0
        e.by = nil
        return e
    }
}

extension StageChange: PushedEvent {}
extension Interaction: PushedEvent {}
extension Referral: PushedEvent {}
extension Introduction: PushedEvent {}
extension Spend: PushedEvent {}
