import Testing

@testable import TendCore

/// The planner is a pure function of a checked query and a model's answers: these tests give it
/// the answers from a table (what a store of that size would say) and read the plan it makes.
@Suite struct PlannerTests {
    /// A model's answers: which fields it narrows by (the others it leaves to the core), the
    /// size of every collection and of the events, and whether it holds them in memory.
    struct Answers {
        var narrowable: Set<String> = ["profession", "city", "stage", "created", "kind", "on", "pitch", "gave", "id"]
        var rows = 20_000
        var eventRows = 200_000
        var inMemory = false
        /// Equality only, as a store narrows text (`city < "M"` is left to the core).
        var equalityOnly: Set<String> = ["profession", "city", "kind"]

        func offer(_ r: AccessRequest) -> AccessOffer {
            AccessOffer(
                usable: r.constraints.map { narrowable.contains($0.field) && ($0.op == .equal || !equalityOnly.contains($0.field)) },
                rows: rows, eventRows: eventRows, inMemory: inMemory)
        }
    }

    static let store = Answers()
    static let large = Answers(eventRows: 1_000_000)
    static let memory = Answers(inMemory: true)

    /// The plan of the first query in a statement (a fn's body or the statement itself), as lines.
    func plan(_ text: String, _ answers: Answers?, cost: CostModel = CostModel()) throws -> [String] {
        let source = Source(name: "q", text: text)
        let parsed = Parser.parse(source)
        var checker = Checker(definitions: Harness.checkedPrelude)
        checker.check(parsed.statements)
        #expect(parsed.diagnostics.isEmpty && checker.diagnostics.isEmpty, "\(text): \(parsed.diagnostics) \(checker.diagnostics)")
        let query = try #require(parsed.statements.compactMap { PlannerTests.firstQuery(in: $0) }.first)
        let planner = Planner(
            definitions: checker.definitions, resolutions: checker.resolutions, cost: cost, offer: answers.map { a in { a.offer($0) } })
        return try planner.plan(query).lines { source.slice($0.range) }
    }

    static func firstQuery(in s: Statement) -> Query? {
        switch s.kind {
        case .expr(let e), .fnDef(_, _, let e), .letDef(_, let e): return firstQuery(in: e)
        default: return nil
        }
    }

    static func firstQuery(in e: Expr) -> Query? {
        switch e.kind {
        case .query(let q): return q
        case .call(_, let args): return args.lazy.compactMap(firstQuery).first
        case .binary(_, let l, let r): return firstQuery(in: l) ?? firstQuery(in: r)
        default: return nil
        }
    }

    /// Each query with the answers it is planned against, and the access it must get.
    static let accesses: [(String, Answers?, String)] = [
        (
            "contacts where profession == \"salon\" and city == \"Irvine\"", store,
            "read: the contacts the store selects where profession == \"salon\" and city == \"Irvine\""
        ),
        // Only what the store can check is offered to it; the rest is the core's.
        (
            "contacts where city < \"M\" and stage >= credibility and 2026-01-01 > created", store,
            "read: the contacts the store selects where stage >= credibility and created < 2026-01-01"
        ),
        ("contacts where city < \"M\"", store, "read: every row of contacts"),
        ("contacts where profession == \"salon\"", memory, "read: every row of contacts"),
        ("contacts where profession == \"salon\"", nil, "read: every row of contacts"),
        // Derived fields, scores, queries and user fns may read other rows.
        ("contacts where last_touch < today - 180d", store, "read: every row of contacts"),
        ("contacts where profession == \"salon\" and priority > 3", store, "read: every row of contacts"),
        ("contacts where profession == \"salon\" show handle, spend_this_year(it)", store, "read: every row of contacts"),
        ("contacts where profession == \"salon\" or city == \"Irvine\"", store, "read: every row of contacts"),
        // Interactions are streamed: a page at a time when the store narrows or they are many.
        (
            "interactions where kind == \"lunch\" and on >= today - 30d", store,
            "read: every row of interactions, a page at a time from the store, narrowed by the store to kind == \"lunch\" and on >= today - 30d"
        ),
        ("interactions where kind == \"lunch\" or len(people) > 1", store, "read: every row of interactions, from memory"),
        ("interactions where len(people) > 1", large, "read: every row of interactions, a page at a time from the store"),
        ("interactions where kind == \"lunch\"", memory, "read: every row of interactions, from memory"),
        ("referrals where on >= 2026-01-01", large, "read: every row of referrals, from memory"),
        // One contact's events.
        (
            "spending where contact == @x and on >= start_of(year)", store,
            "read: the rows of spending of one contact (contact == @x): read once for every contact where on >= start_of(year), else from memory, indexed by contact"
        ),
        (
            "fn pitched(c) = count(interactions where pitch and c in people and on >= today - 60d)", store,
            "read: the rows of interactions of one contact (in people: c): read once for every contact where pitch == true and on >= today - 60d, else from memory, indexed by contact"
        ),
        (
            "fn pitched(c) = count(interactions where pitch and c in people and on >= c.met_on)", large,
            "read: the rows of interactions of one contact (in people: c): read once for every contact where pitch == true, else through the store's index, one contact at a time, narrowed by the store to pitch == true and on >= c.met_on"
        ),
        (
            "fn touched(c) = count(interactions where c in people)", large,
            "read: the rows of interactions of one contact (in people: c): through the store's index, one contact at a time"
        ),
        (
            "fn touched(c) = count(interactions where c in people and on >= c.met_on)", store,
            "read: the rows of interactions of one contact (in people: c): from memory, indexed by contact"
        ),
        (
            "referrals where contact == @x and @y in people", memory,
            "read: the rows of referrals of one contact (contact == @x, else in people: @y): from memory, indexed by contact"
        ),
        // Sugar forms and lets read their own rows.
        ("agenda where priority > 3", store, "read: the rows of the source"),
        ("who is overdue where stage >= visibility", store, "read: the rows of the source"),
    ]

    @Test(arguments: accesses.indices)
    func accessPath(_ i: Int) throws {
        let (text, answers, expected) = PlannerTests.accesses[i]
        #expect(try plan(text, answers).first == expected, "\(text)")
    }

    /// The whole plan: its access, the collection's size, the clause checked on every row, and
    /// the steps after.
    @Test func wholePlan() throws {
        let lines = try plan(
            "contacts where stage >= visibility and city == \"Irvine\" group by profession sort by profession desc limit 3", Self.store)
        #expect(
            lines == [
                "read: the contacts the store selects where stage >= visibility and city == \"Irvine\"", "size: contacts holds 20000 rows",
                "check: stage >= visibility and city == \"Irvine\" on every row read", "group by: profession", "sort by: profession desc", "limit: 3",
            ])
    }

    /// A default cadence that reads other rows keeps contacts from being selected (their due
    /// and overdue would be wrong on a partial view).
    @Test func aDefaultCadenceReadingOtherRowsKeepsTheScan() throws {
        let text = "fn default_cadence(c) = if count(contacts) > 10 then 1mo else 2mo\ncontacts where profession == \"salon\""
        let source = Source(name: "q", text: text)
        let parsed = Parser.parse(source)
        var checker = Checker(definitions: Harness.checkedPrelude)
        checker.check(parsed.statements)
        let query = try #require(PlannerTests.firstQuery(in: parsed.statements[1]))
        let offer: (AccessRequest) throws -> AccessOffer = { Self.store.offer($0) }
        let before = try Planner(definitions: Harness.checkedPrelude, resolutions: checker.resolutions, offer: offer).plan(query)
        let after = try Planner(definitions: checker.definitions, resolutions: checker.resolutions, offer: offer).plan(query)
        guard case .selectContacts = before.access, case .scan = after.access else {
            Issue.record("\(before.access) then \(after.access)")
            return
        }
    }

    /// A query that shows and tests only stored fields selects its contacts whatever the
    /// default cadence reads, without reading the definitions at all; one that shows a
    /// contact's due (or shows the default columns, overdue among them) still asks.
    @Test func theDefinitionsAreReadOnlyForACadenceShown() throws {
        let text = """
            fn default_cadence(c) = if count(contacts) > 10 then 1mo else 2mo
            contacts where profession == "salon" show handle, name
            contacts where profession == "salon" show handle, due
            contacts where profession == "salon" and overdue > 3d show handle
            contacts where profession == "salon"
            """
        let parsed = Parser.parse(Source(name: "q", text: text))
        var checker = Checker(definitions: Harness.checkedPrelude)
        checker.check(parsed.statements)
        let definitions = checker.definitions
        let resolutions = checker.resolutions
        var reads = 0
        let expected: [(reads: Int, selected: Bool)] = [(0, true), (1, false), (1, false), (1, false)]
        for (n, statement) in parsed.statements.dropFirst().enumerated() {
            let query = try #require(PlannerTests.firstQuery(in: statement))
            reads = 0
            let planner = Planner(
                cost: CostModel(), offer: { Self.store.offer($0) },
                resolution: { e in resolutions[e] != .unresolved ? resolutions[e] : definitions.resolutions[e] }
            ) {
                reads += 1
                return definitions
            }
            let plan = try planner.plan(query)
            var selected = false
            if case .selectContacts = plan.access { selected = true }
            #expect(reads == expected[n].reads && selected == expected[n].selected, "query \(n + 2): \(reads) reads, \(plan.access)")
        }
    }

    /// The cost model decides what the store's size means: the same query over the same store
    /// reads per contact once the events count as too many to hold.
    @Test func theCostModelSetsTheThresholds() throws {
        var tight = CostModel()
        tight.eventsInMemory = 100_000
        let text = "fn touched(c) = count(interactions where c in people)"
        #expect(try plan(text, Self.store).first?.hasSuffix("from memory, indexed by contact") == true)
        #expect(try plan(text, Self.store, cost: tight).first?.hasSuffix("through the store's index, one contact at a time") == true)
        let planner = Planner(definitions: Definitions(), cost: tight, offer: { Self.store.offer($0) })
        #expect(try planner.readsEventsPerContact())
        #expect(try planner.count(of: "contacts") == 20_000)
        #expect(try Planner(definitions: Definitions(), offer: { Self.memory.offer($0) }).count(of: "contacts") == nil)
        #expect(try Planner(definitions: Definitions(), offer: nil).readsEventsPerContact() == false)
    }

    /// The memory model narrows nothing and says its rows are in memory: every plan over it scans.
    @Test func theMemoryModelIsScanned() throws {
        let h = try fixture()
        let offer = try h.model.offer(AccessRequest(collection: "contacts", constraints: [.init("city", .equal)]))
        #expect(offer == AccessOffer(usable: [false], rows: 6, eventRows: 0, inMemory: true))
        let events = try h.model.offer(AccessRequest(collection: "interactions", constraints: []))
        #expect(events.eventRows == h.model.data.interactions.count && events.rows == h.model.data.interactions.count)
        #expect(try h.model.read(ModelRead("contacts", where: [])) == nil)
    }
}
