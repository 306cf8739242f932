/// What the checker learned about names: each bare name's resolution, by node. The tree is
/// never written; this table travels beside it, in the checked program (its statements) and in
/// the definitions (their bodies), as jlox's resolver hands the interpreter its side table.
///
/// Entries are keyed by the node's identity and hold the node: while the table lives, no
/// other node can come to have that identity.
public struct Resolutions: Sendable {
    private var table: [ObjectIdentifier: (node: Expr, resolution: Expr.Resolution)] = [:]

    public init() {}

    public var isEmpty: Bool { table.isEmpty }

    /// A node's resolution; `.unresolved` for a node the checker did not resolve.
    public subscript(_ e: Expr) -> Expr.Resolution {
        get { table[ObjectIdentifier(e)]?.resolution ?? .unresolved }
        set { table[ObjectIdentifier(e)] = (e, newValue) }
    }

    /// Whether the checker resolved this node.
    func knows(_ e: Expr) -> Bool { table[ObjectIdentifier(e)] != nil }

    /// Takes `other`'s entries (they win where both resolved a node).
    public mutating func merge(_ other: Resolutions) {
        table.merge(other.table) { _, new in new }
    }

    /// The entries of `from` for the nodes of these trees.
    mutating func copy(_ roots: [Expr], from: Resolutions) {
        for root in roots {
            root.forEach { e in
                if let entry = from.table[ObjectIdentifier(e)] { table[ObjectIdentifier(e)] = entry }
            }
        }
    }
}
