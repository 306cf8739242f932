/// What the interpreter reads and changes. The core evaluates against this protocol only;
/// the SQLite store implements it, and `MemoryModel` serves the core's own tests.
public protocol Model: AnyObject {
    /// The whole network as it is now. Implementations cache it between changes.
    func network() throws -> Network
    /// The network without its events when `events` is false: contacts, me, markets, goals and
    /// definitions only, which is all that stored-field queries need (and much less to read).
    func network(events: Bool) throws -> Network
    /// The id of the contact with this handle, without loading the network.
    func contactID(handle: String) throws -> Int64?
    /// Applies one change and returns the id of an inserted row.
    @discardableResult func apply(_ change: Change) throws -> Int64?
    /// Every contact's figures as of `today` when the backend can compute them without handing
    /// over its events (SQL aggregates), else nil and the core computes them from the events.
    /// Must agree with `Network.stats(today:)` exactly.
    func contactStats(today: Day) throws -> [Int64: ContactStats]?
    /// The same figures for a few contacts only (a table of ten rows needs ten, not all).
    func contactStats(of ids: [Int64], today: Day) throws -> [Int64: ContactStats]?
    /// The `knows` edges, without the events.
    func knowsEdges() throws -> [(Int64, Int64)]
    /// How many rows a whole collection has, when the backend can count without loading it.
    func count(of collection: String) throws -> Int?
    /// Only the contacts that meet every condition (with me, markets, goals and definitions, no
    /// events), when the backend can select them itself; nil to have the core filter.
    func network(contactsWhere conditions: [FieldCondition]) throws -> Network?
    /// The rows of one event collection that involve a contact (and nothing else), narrowed by
    /// those of the conditions the backend can check exactly, when it can read them through an
    /// index without loading the rest; nil otherwise.
    func events(of collection: String, involving contact: Int64, where conditions: [FieldCondition]) throws -> Network?
    /// Every row of one event collection that meets those of the conditions the backend can
    /// check exactly (the caller checks them all again), for every contact: nil when it can
    /// check none of them, or when more than `limit` rows meet them.
    func events(of collection: String, where conditions: [FieldCondition], limit: Int) throws -> Network?
    /// True when `events(of:involving:)` answers (a network too large to hold in memory).
    func readsEventsPerContact() throws -> Bool
    /// A page of interactions after an id, in id order, narrowed by those of the conditions the
    /// backend can check exactly (the caller checks them all again), so that a scan holds a page
    /// at a time; nil when the backend would rather hand over all the events at once.
    func interactions(after id: Int64, limit: Int, where conditions: [FieldCondition]) throws -> [Interaction]?
}

/// `field op value` on a stored field: what a query can hand down to the backend.
public struct FieldCondition: Sendable {
    public var field: String
    public var op: String
    public var value: Value
}

extension Model {
    public func network(events: Bool) throws -> Network { try network() }
    public func contactStats(today: Day) throws -> [Int64: ContactStats]? { nil }
    public func contactStats(of ids: [Int64], today: Day) throws -> [Int64: ContactStats]? { nil }
    public func knowsEdges() throws -> [(Int64, Int64)] { try network().knows }
    public func count(of collection: String) throws -> Int? { nil }
    public func network(contactsWhere conditions: [FieldCondition]) throws -> Network? { nil }
    public func events(of collection: String, involving contact: Int64, where conditions: [FieldCondition]) throws -> Network? { nil }
    public func events(of collection: String, where conditions: [FieldCondition], limit: Int) throws -> Network? { nil }
    public func readsEventsPerContact() throws -> Bool { false }
    public func interactions(after id: Int64, limit: Int, where conditions: [FieldCondition]) throws -> [Interaction]? { nil }
}

/// A model held entirely in memory.
public final class MemoryModel: Model {
    public var data: Network
    public init(_ network: Network = Network()) {
        data = network
        data.reindex()
    }
    public func network() throws -> Network { data }
    public func contactID(handle: String) throws -> Int64? { data.contact(handle: handle)?.id }
    @discardableResult public func apply(_ change: Change) throws -> Int64? { data.apply(change) }
}
