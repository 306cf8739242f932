/// What the interpreter reads and changes. The core evaluates against this protocol only;
/// the SQLite store implements it, and `MemoryModel` serves the core's own tests.
///
/// Reading rows is one negotiation (see `Planner/Access.swift`): the planner offers a query's
/// constraints (`offer`), the model says which it can narrow by and how many rows there are,
/// and the executor asks for the rows the plan chose (`read`). Everything else is a few plain
/// reads: the whole network, a contact by handle, every contact's figures, the `knows` edges.
public protocol Model: AnyObject {
    /// The whole network as it is now; without its events when `events` is false (contacts, me,
    /// markets, goals and definitions: all that stored-field queries need, and much less to read).
    func network(events: Bool) throws -> Network
    /// The id of the contact with this handle, without loading the network.
    func contactID(handle: String) throws -> Int64?
    /// Applies one change and returns the id of an inserted row.
    @discardableResult func apply(_ change: Change) throws -> Int64?
    /// The model's answer to what a query offers (SQLite's `xBestIndex`).
    func offer(_ request: AccessRequest) throws -> AccessOffer
    /// The rows a plan asks for (SQLite's `xFilter`), narrowed by those of the conditions the
    /// model can check exactly; nil when it cannot read them so (the data is in memory, no
    /// condition can be checked, or more rows than `cap` meet them), and the core reads as
    /// without a plan. Contacts come with me, markets, goals and definitions.
    func read(_ request: ModelRead) throws -> Network?
    /// The figures of these contacts (every contact's when nil) as of `today`, when the model
    /// computes them without handing over its events (SQL aggregates); nil to have the core
    /// compute them from the events. The `figures` asked for must agree with
    /// `Network.stats(today:)` exactly; the others may be left as a contact without events has them.
    func contactStats(of ids: [Int64]?, today: Day, figures: ContactStats.Figures) throws -> [Int64: ContactStats]?
    /// The `knows` edges, without the events.
    func knowsEdges() throws -> [(Int64, Int64)]
    /// How many rows of an event collection meet every condition, when the model checks each
    /// of them exactly as the core does (SQLite's `omit`): the core then counts none itself.
    /// Nil when it cannot (a condition it does not check, the events in memory).
    func count(_ request: ModelRead) throws -> Int?
    /// The member this model writes as (see the extension's default).
    var member: String? { get }
    /// Whether an event may be recorded as logged by `member` (`by:`): on one person's data
    /// always; on a team's database only by that member, or a role PostgreSQL lets act as them.
    func mayLog(as member: String) throws -> Bool
}

extension Model {
    public func count(_ request: ModelRead) throws -> Int? { nil }

    /// Every figure of these contacts (every contact's when nil).
    public func contactStats(of ids: [Int64]? = nil, today: Day) throws -> [Int64: ContactStats]? {
        try contactStats(of: ids, today: today, figures: .all)
    }

    /// The member this model writes as (`by` of new events, what `me` compares as): nil for
    /// one person's data.
    public var member: String? { nil }

    public func mayLog(as member: String) throws -> Bool { true }

    /// The whole network, events included.
    public func network() throws -> Network { try network(events: true) }
}

/// A model's refusal of a new event or contact whose statement gave it a number (`id:`) that
/// another of its kind has: the interpreter says so where the number is written.
public struct TakenID: Error, CustomStringConvertible {
    /// `interaction`, `stage`, … or `contact`.
    public var kind: String
    public var id: Int64
    public init(kind: EventKind, id: Int64) {
        self.kind = kind.rawValue
        self.id = id
    }
    public init(contact id: Int64) {
        kind = "contact"
        self.id = id
    }
    public var description: String {
        "\(kind) \(id) is taken: an id gives a new \(kind == "contact" ? "contact" : "event") a number no other has"
    }
}

/// A model held entirely in memory: it narrows nothing, the core filters everything.
public final class MemoryModel: Model {
    public var data: Network
    /// The member it writes as (nil: one person's data).
    public var member: String?
    public init(_ network: Network = Network()) {
        data = network
        data.reindex()
    }
    public func network(events: Bool) throws -> Network { data }
    public func contactID(handle: String) throws -> Int64? { data.contact(handle: handle)?.id }
    @discardableResult public func apply(_ change: Change) throws -> Int64? {
        if let r = change.requestedID, data.contains(r.kind, id: r.id) { throw TakenID(kind: r.kind, id: r.id) }
        if case .insertContact(let c) = change, c.id != 0, data.contact(c.id) != nil { throw TakenID(contact: c.id) }
        return data.apply(Network.signed(change, by: member))
    }
    public func offer(_ request: AccessRequest) throws -> AccessOffer {
        AccessOffer(
            usable: request.constraints.map { _ in false }, rows: data.count(of: request.collection),
            eventRows: Planner.eventCollections.contains(request.collection) ? data.interactions.count : 0,
            inMemory: true)
    }
    public func read(_ request: ModelRead) throws -> Network? { nil }
    public func contactStats(of ids: [Int64]?, today: Day, figures: ContactStats.Figures) throws -> [Int64: ContactStats]? { nil }
    public func knowsEdges() throws -> [(Int64, Int64)] { data.knows }
}

extension Network {
    /// How many rows a stored collection holds; nil for one that is worked out (the agenda).
    public func count(of collection: String) -> Int? {
        switch collection {
        case "contacts": return contacts.count
        case "interactions": return interactions.count
        case "referrals": return referrals.count
        case "introductions": return introductions.count
        case "spending": return spending.count
        case "markets": return markets.count
        case "goals": return goals.count
        default: return nil
        }
    }
}
