import Foundation
import TendCore

/// What the store-versus-memory tests share on both stores: queries the store narrows in SQL,
/// a runner that prints what a query gives, and a model that counts what it was asked.
public enum Pushdown {
    public static let today = Day(year: 2026, month: 11, day: 23)!

    /// Queries the store narrows (stored-field conditions, whole-collection counts, figures from
    /// aggregates); `HANDLE` stands for a contact's handle.
    public static let queries = [
        "contacts where profession == \"salon\" and city == \"Irvine\" show handle, name, company",
        "contacts where stage >= credibility and met_on < 2026-01-01 sort by name limit 5",
        "contacts where profession == \"salon\" sort by overdue desc show handle, overdue, last_touch, touches, give_ratio limit 10",
        "count(contacts where profession == \"salon\")",
        "count(contacts)",
        "count(interactions)",
        "count(markets)",
        "count(interactions where kind == \"lunch\")",
        "interactions where gave and on >= 2026-06-01 and quality >= 3 sort by on desc, id show id, on, kind, people limit 15",
        "count(interactions where id > 100 and kind == \"call\" and not asked and 2026-01-01 < on)",
        "count(interactions where gave and quality >= 3 and on >= today - 400d)",
        "count(interactions where kind == \"lunch\" or gave)",
        "count(interactions where on >= --06-01 and kind == \"call\")",
        "count(interactions where note == \"Café\")",
        "count(referrals where direction == \"given\" and on < today)",
        "count(spending where on >= 2026-01-01)",
        "count(introductions where on <= today and id >= 1)",
        "count(interactions where kind == \"lunch\" sort by on limit 3)",
        "contacts where \"salon\" == profession and stage > contact show handle, stage, due",
        "contacts where profession == \"salon\" group by city",
        "contacts where internal == false and profession == \"salon\" and created <= today show handle limit 7",
        "count(contacts where profession == \"salon\") + count(contacts)",
        "contacts where profession == \"salon\" and stage == visibility",
        "contacts where profession == \"Salon\"",
        "goals show name, value",
        "contacts where profession == \"salon\" sort by name show handle, @HANDLE.name limit 3",
        "contacts where profession == \"salon\" and priority > 3 show handle, priority",
        "contacts where profession == \"salon\" and spend_this_year(it) >= 0 show handle, spend",
        // Derived fields: PostgreSQL sums them, SQLite reads the figures it stores.
        "contacts where last_touch < 2026-06-01 sort by handle show handle, last_touch",
        "count(contacts where touches == 0)",
        "contacts where gave >= 2 and asked < 2 and last_touch >= 2026-01-01 sort by handle show handle, gave, asked limit 20",
        "contacts where degree > 3 and profession == \"salon\" sort by handle show handle, degree",
        "count(contacts where referrals_given > 0 or introductions >= 1)",
    ]

    /// Runs `queries` (with `handle` for HANDLE) on the watched store: what each gives, and
    /// those the store did not narrow in SQL as it should have (contacts by stored fields,
    /// interactions a narrowed page at a time).
    public static func runQueries<M>(_ watched: Watched<M>, handle: String) throws -> (outputs: [String], notNarrowed: [String]) {
        var outputs: [String] = []
        var notNarrowed: [String] = []
        for q in queries {
            let before = (watched.narrowed, watched.loadedAll)
            outputs.append(try run(watched, q.replacingOccurrences(of: "HANDLE", with: handle)))
            if q == "count(interactions where kind == \"lunch\")", watched.counted == 0 || watched.loadedEvents > 0 { notNarrowed.append(q) }
            if q.hasPrefix("contacts where profession == \"salon\" and city"), watched.narrowed != before.0 + 1 || watched.loadedAll != before.1 {
                notNarrowed.append(q)
            }
        }
        return (outputs, notNarrowed)
    }

    /// Queries over one contact's events (`HANDLE`), the agenda and pages of events, for a
    /// store that reads events per contact or a page at a time (`CostModel` with no events in memory).
    public static func eventQueries(_ handle: String) -> [String] {
        [
            "agenda",
            "count(interactions where @\(handle) in people and on >= today - 365d)",
            "sum(spending where contact == @\(handle), amount)",
            "sum(spending where contact == @\(handle) and on >= 2026-01-01 and note != \"x\", amount)",
            "count(interactions where @\(handle) in people and pitch and on >= today - 400d and kind != \"note\")",
            "count(referrals where contact == @\(handle) and direction == \"given\" and on < today)",
            "referrals where contact == @\(handle) show direction, on, value",
            "count(interactions where kind == \"lunch\")",
            "interactions where kind == \"lunch\" or len(people) > 1 sort by on desc, id show id, on, contact, people limit 20",
            // Without a where-clause: a page at a time, the first rows or the sort's first kept.
            "interactions sort by on desc, quality show id, on, quality, people limit 12",
            "interactions show id, kind limit 4",
            // Unsorted and without a small limit: streamed when the events are read a page at a time.
            "interactions where kind == \"lunch\" show id, on, people",
            "interactions where quality >= 3",
            "interactions group by kind",
            "timeline @\(handle)",
            "@\(handle)",
            "contacts where stage >= visibility sort by name show handle, last_touch, overdue, give_ratio limit 12",
        ]
    }

    /// A cost model under which every event counts as too many to hold: the planner reads them
    /// per contact or a page at a time.
    public static var large: CostModel {
        var cost = CostModel()
        cost.eventsInMemory = 0
        cost.pageSize = 7
        return cost
    }

    /// A query the parser or the checker refused.
    public struct Refused: Error {
        public var text: String
        public var diagnostics: [Diagnostic]
    }

    /// What `text` gives on `model` with the prelude's definitions, as text, on `day`.
    public static func run(_ model: Model, _ text: String, cost: CostModel = CostModel(), today day: Day = today) throws -> String {
        let interpreter = Interpreter(model: model, today: day, definitions: Prelude.definitions)
        interpreter.cost = cost
        // Queries over events read a page at a time come as streamed tables, read whole here.
        interpreter.streamsLargeResults = true
        let parsed = Parser.parse(Source(name: "q", text: text))
        var checker = Checker(definitions: interpreter.definitions)
        checker.check(parsed.statements)
        if !parsed.diagnostics.isEmpty || !checker.diagnostics.isEmpty { throw Refused(text: text, diagnostics: parsed.diagnostics + checker.diagnostics) }
        interpreter.resolutions = checker.resolutions
        var out: [String] = []
        for s in parsed.statements {
            for o in try interpreter.execute(s) {
                switch o {
                case .value(let v, _): out.append(try interpreter.display(v))
                case .table(let streamed):
                    let t = try streamed.materialized()
                    out.append(
                        t.columns.joined(separator: ",") + "\n"
                            + (try t.rows.map { try $0.map { try interpreter.display($0) }.joined(separator: ",") }.joined(separator: "\n")))
                default: out.append("\(o)")
                }
            }
        }
        return out.joined(separator: "\n")
    }
}

/// A store, counting what it was asked to narrow and to load.
public final class Watched<Store: Model>: Model {
    public let store: Store
    /// Contacts selected in SQL, interaction pages narrowed, event rows read for every contact.
    public var narrowed = 0, narrowedEvents = 0, narrowedCollections = 0
    /// Reads of one contact's events, of figures from the store, of the whole network (with events).
    public var perContact = 0, stats = 0, loadedAll = 0, loadedEvents = 0
    /// Rows counted by the store without reading them (`Model.count`).
    public var counted = 0
    /// The figures asked of the store for every contact at once, in order.
    public var figuresAsked: [ContactStats.Figures] = []
    /// Hands back the first page whatever page is asked for, as a damaged index could.
    public var repeatsTheFirstPage = false
    /// Declines to read contacts after this many reads (a model may decline any read).
    public var contactReads: Int?
    public init(_ store: Store) { self.store = store }
    public var member: String? { store.member }
    public func network(events: Bool) throws -> Network {
        loadedAll += 1
        if events { loadedEvents += 1 }
        return try store.network(events: events)
    }
    public func contactID(handle: String) throws -> Int64? { try store.contactID(handle: handle) }
    public func apply(_ change: Change) throws -> Int64? { try store.apply(change) }
    public func offer(_ request: AccessRequest) throws -> AccessOffer { try store.offer(request) }
    public func read(_ request: ModelRead) throws -> Network? {
        var request = request
        if repeatsTheFirstPage, let page = request.page { request.page = (Int64.min, page.size) }
        if request.collection == "contacts", let left = contactReads {
            guard left > 0 else { return nil }
            contactReads = left - 1
        }
        let n = try store.read(request)
        guard n != nil else { return nil }
        if request.collection == "contacts" {
            narrowed += 1
        } else if request.page != nil {
            if !request.conditions.isEmpty { narrowedEvents += 1 }
        } else if request.involving == nil {
            narrowedCollections += 1
        } else {
            perContact += 1
        }
        return n
    }
    public func contactStats(of ids: [Int64]?, today: Day, figures: ContactStats.Figures) throws -> [Int64: ContactStats]? {
        let s = try store.contactStats(of: ids, today: today, figures: figures)
        if s != nil {
            stats += 1
            if ids == nil { figuresAsked.append(figures) }
        }
        return s
    }
    public func knowsEdges() throws -> [(Int64, Int64)] { try store.knowsEdges() }
    public func count(_ request: ModelRead) throws -> Int? {
        let n = try store.count(request)
        if n != nil { counted += 1 }
        return n
    }
}
