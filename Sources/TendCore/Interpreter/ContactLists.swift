/// A contact's e-mails, phones and addresses as the language reads and sets them. In
/// expressions `emails`, `phones` and `addresses` are lists of text (an address on one line),
/// so that `~`, `in` and `count` work on them as on any list; the kind of each is kept for the
/// card and the files, and set with a record:
///
///     set @ana emails: [{value: "ana@work.example", type: "work"}, "ana@home.example"]
///     set @ana addresses: {street: "12 Main St", city: "Irvine", region: "CA", type: "home"}
///
/// The first is the preferred one: `email`, `phone` and `city` read it.
extension Interpreter {
    static let listFields: Set<String> = ["emails", "phones", "addresses"]

    /// The value of `emails` or `phones`: the text of each, preferred first.
    static func texts(_ points: [ContactPoint]) -> Value { .list(points.map { .string($0.value) }) }

    /// The value of `addresses`: each on one line.
    static func texts(_ addresses: [PostalAddress]) -> Value { .list(addresses.map { .string($0.formatted) }) }

    /// The items of a list option; one item alone is a list of one, null is none.
    private func items(_ v: Value) -> [Value] {
        switch v {
        case .null: return []
        case .list(let items): return items
        default: return [v]
        }
    }

    private func kind(_ v: Value?, _ field: String, _ range: SourceRange) throws -> String? {
        switch v {
        case nil, .null?: return nil
        case .string(let s)? where ContactPoint.types.contains(s.lowercased()): return s.lowercased()
        default: throw fail("\(field): a type is one of \(ContactPoint.types.joined(separator: ", "))", range)
        }
    }

    /// `emails:` / `phones:` from text or `{value: …, type: …}` records; repeated values once.
    func points(_ v: Value, _ field: String, _ range: SourceRange) throws -> [ContactPoint] {
        var out: [ContactPoint] = []
        for item in items(v) {
            var p: ContactPoint
            switch item {
            case .string(let s): p = ContactPoint(s)
            case .record(let r):
                if let extra = r.keys.first(where: { $0 != "value" && $0 != "type" }) {
                    throw fail("\(field): an item is text or {value: …, type: …}, not with \(extra):", range)
                }
                guard case .string(let s)? = r["value"] else { throw fail("\(field): an item's value is text", range) }
                p = ContactPoint(s, type: try kind(r["type"], field, range))
            default: throw fail("\(field): takes text or {value: …, type: …} records, not \(item.typeName)", range)
            }
            p.value = p.value.trimmed
            if !p.value.isEmpty, !out.contains(where: { $0.value == p.value }) { out.append(p) }
        }
        return out
    }

    /// `addresses:` from text (kept as the street line) or records of the parts and a type.
    func addresses(_ v: Value, _ range: SourceRange) throws -> [PostalAddress] {
        var out: [PostalAddress] = []
        for item in items(v) {
            var a = PostalAddress()
            switch item {
            case .string(let s): a.street = s.trimmed
            case .record(let r):
                for (key, value) in zip(r.keys, r.values) {
                    if key == "type" {
                        a.type = try kind(value, "addresses", range)
                        continue
                    }
                    guard PostalAddress.parts.contains(key) else {
                        throw fail("addresses: an address has \(PostalAddress.parts.joined(separator: ", ")) and type, not \(key):", range)
                    }
                    switch value {
                    case .null: continue
                    case .string(let s): a[part: key] = s.trimmed
                    default: throw fail("addresses: \(key): takes text, not \(value.typeName)", range)
                    }
                }
            default: throw fail("addresses: takes text or records of its parts, not \(item.typeName)", range)
            }
            if !a.isEmpty, !out.contains(a) { out.append(a) }
        }
        return out
    }

    /// On a card each shows its kind: `ana@work.example (work), ana@home.example`; nil when the
    /// list says no more than the preferred value beside it (one item, no kind).
    static func onCard(_ field: String, _ c: Contact) -> Value? {
        switch field {
        case "emails", "phones":
            let list = field == "emails" ? c.emails : c.phones
            return list.count <= 1 && list.first?.type == nil ? .null : .list(list.map { .string($0.description) })
        case "addresses":
            let a = c.addresses
            return a.count <= 1 && a.first.map({ $0.type == nil && $0 == PostalAddress(city: $0.city) }) != false
                ? .null : .list(a.map { .string($0.description) })
        case "dates": return .list(c.dates.map { .string($0.description) })
        default: return nil
        }
    }
}
