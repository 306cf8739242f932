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
}

extension Model {
    public func network(events: Bool) throws -> Network { try network() }
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
