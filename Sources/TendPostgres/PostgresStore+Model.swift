import Foundation
import TendCore
import TendStore

/// The core's `Model`: the network as a whole, read once per transaction, with every change
/// written to PostgreSQL and applied to the network in memory as well. The planner's
/// negotiation (narrowed reads) is in PostgresStore+Planner, the figures in PostgresStore+Stats.
extension PostgresStore: Model {
    public func network(events: Bool) throws -> Network {
        if let cache { return cache }
        if !events, let coreCache { return coreCache }
        let net = try load(events: events)
        if events {
            cache = net
            coreCache = nil
        } else {
            coreCache = net
        }
        return net
    }

    public func networkButInteractions() throws -> Network {
        try cache ?? load(events: true, withInteractions: false)
    }

    public func contactID(handle: String) throws -> Int64? {
        if let net = cache ?? coreCache { return net.contact(handle: handle)?.id }
        return try connection.query("SELECT id FROM contacts WHERE handle = $1", [.text(handle)]).first.map { try $0[0].decode(Int64.self) }
    }

    @discardableResult
    public func apply(_ change: Change) throws -> Int64? {
        let change = Network.signed(change, by: member)
        let id: Int64?
        do {
            id = try write(change)
        } catch let failure as PostgresFailure where failure.sqlState == "42501" {
            // Row-level security refused another member's private note (a superuser's role,
            // which it does not restrict, may write one): said in words.
            guard case .insertInteraction(let i) = change, i.isPrivate, let by = i.by, by != member else { throw failure }
            throw PostgresFailure(
                message: "a private note is its author's alone: only \(by) may write one in their name, not \(member ?? "this role") (a dump of theirs is run by them, or into a new SQLite file)")
        }
        counts = [:]
        guard cache != nil || coreCache != nil else { return id }
        // Stage changes and merges settle values in the database (a contact's stage follows its
        // history): what was read is read again rather than worked out twice.
        switch change {
        case .insertStageChange, .deleteEvent(.stage, _), .mergeContact:
            forget()
            return id
        case .updateContact(_, let fields?) where fields.contains("created"):
            forget()
            return id
        default: break
        }
        let stamped = Store.stamp(change, id: id)
        cache?.apply(stamped)
        coreCache?.apply(stamped)
        return id
    }

    public func knowsEdges() throws -> [(Int64, Int64)] {
        if let cache { return cache.knows }
        var edges: [(Int64, Int64)] = []
        try each("knows", "SELECT a_id, b_id FROM knows ORDER BY a_id, b_id", id: nil) { edges.append(($0.int(0), $0.int(1))) }
        return edges
    }

    /// Only the definitions (start-up needs them before anything else).
    public func definitions() throws -> [Definition] {
        if let net = cache ?? coreCache { return net.definitions }
        return try readDefinitions()
    }

    public func contactCount() throws -> Int {
        if let net = cache ?? coreCache { return net.contacts.count }
        return Int(try connection.query("SELECT count(*) FROM contacts").first?[0].decode(Int64.self) ?? 0)
    }

    /// Every handle, for completion and suggestions.
    public func handles() throws -> [String] {
        try connection.query("SELECT handle FROM contacts ORDER BY handle").map { try $0[0].decode(String.self) }
    }

    /// Every tag in use, for completion.
    public func tags() throws -> [String] {
        Set(try network(events: false).contacts.flatMap(\.tags)).sorted()
    }

    /// Forgets what was read (after a rollback, or a change the database settled).
    func forget() {
        cache = nil
        coreCache = nil
        counts = [:]
        interactionCount = nil
    }
}
