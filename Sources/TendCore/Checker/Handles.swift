/// The @handles a program names, found before it runs, so that a handle naming nobody is an
/// error every time: also in a branch not taken (`if false then @nobody else 1`) or over an
/// empty collection. The host checks them against its database (the checker has none).
public struct HandleUses {
    public struct Use {
        public var handle: String
        public var range: SourceRange
        public var source: Source
    }

    /// Every handle written, where it was written, in order.
    public private(set) var uses: [Use] = []
    /// The handles the program's own statements give new contacts (`add "Joan Rivera"` gives
    /// joan-rivera; `handle:` gives its own) or contacts a new handle (`set @x handle: "y"`).
    public private(set) var created: Set<String> = []
    /// Set when a statement may give handles no one can tell before it runs: an `import`, an
    /// `add` whose name or handle is worked out. Handles not found are then left to run time.
    public private(set) var createsUnknown = false

    public init(_ statements: [Statement]) {
        for s in statements {
            noteCreated(s.kind)
            for p in s.kind.people { uses.append(Use(handle: p.handle, range: p.range, source: s.source)) }
            for root in s.kind.exprs {
                root.forEach { e in
                    if case .handle(let h) = e.kind { uses.append(Use(handle: h, range: e.range, source: s.source)) }
                }
            }
        }
    }

    private mutating func noteCreated(_ kind: Statement.Kind) {
        switch kind {
        case .add(let name, let options):
            if let given = options.first(where: { $0.name == "handle" }) {
                noteHandle(given)
            } else if case .literal(.string(let text)) = name.kind {
                created.insert(makeHandle(text))
            } else {
                createsUnknown = true
            }
        case .set(_, let options, _):
            if let given = options.first(where: { $0.name == "handle" }) { noteHandle(given) }
        case .importFile(_, _, let options):
            if !options.contains(where: { $0.name == "dry_run" }) { createsUnknown = true }
        default:
            break
        }
    }

    private mutating func noteHandle(_ option: Option) {
        guard case .pair(_, let e, _) = option, case .literal(.string(let text)) = e.kind else {
            createsUnknown = true
            return
        }
        created.insert(text.hasPrefix("@") ? String(text.dropFirst()) : text)
    }
}

extension Diagnostic {
    /// `no contact @joan-riviera; did you mean @joan-rivera?`, with other close handles in a note.
    public static func noContact(_ handle: String, at range: SourceRange, in source: Source?, among handles: [String], kind: Kind) -> Diagnostic {
        let near = closeHandles(handle, among: handles)
        return Diagnostic(
            kind, "no contact @\(handle)", at: range, in: source, suggestion: near.first.map { "@" + $0 },
            notes: near.count > 1 ? ["other close handles: " + near.dropFirst().map { "@" + $0 }.joined(separator: ", ")] : [])
    }

    /// Whether this is a `noContact`: a handle the database checked against does not know.
    public var isNoContact: Bool { message.hasPrefix("no contact @") }
}

/// The handles closest to one that names no contact, best first (at most `limit`): misspelt
/// ones (`closest`), then the same words in another order (`@khan-dana`), then handles that
/// share its first word (`@dana-lee` → `@dana-khan`), then another of its words (`@zoe-lee`).
public func closeHandles(_ handle: String, among handles: [String], limit: Int = 3) -> [String] {
    var near = closest(handle, among: handles, limit: limit)
    let words = handle.lowercased().split(separator: "-").map(String.init)
    guard near.count < limit, words.count > 1 else { return near }
    let given = Set(words)
    var ranked: [(handle: String, rank: Int)] = []
    for h in handles where !near.contains(h) {
        let theirs = h.lowercased().split(separator: "-").map(String.init)
        if Set(theirs) == given {
            ranked.append((h, 0))
        } else if theirs.first == words.first {
            ranked.append((h, 1))
        } else if !given.isDisjoint(with: theirs) {
            ranked.append((h, 2))
        }
    }
    near += ranked.sorted { ($0.rank, $0.handle) < ($1.rank, $1.handle) }.prefix(limit - near.count).map(\.handle)
    return near
}
