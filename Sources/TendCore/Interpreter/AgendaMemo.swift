import Foundation

/// The agenda's items of each contact, kept from one statement to the next while the rules read
/// nothing of the network but each contact's own fields and events (`Locality`): a write then
/// changes the items of the contacts it touched only, and the agenda after it works out theirs
/// again instead of every contact's. Dropped whenever something else changes: definitions,
/// a write that is not one change (an import, an undo), another process's commit, a rollback.
final class AgendaMemo {
    /// One item: what the agenda sorts it by, and its row.
    typealias Item = (priority: Double, overdue: Int, name: String, row: Value)

    /// The day the items were worked out for (`agenda on DATE` works out another).
    let day: Day
    private var items: [Int64: [Item]] = [:]
    /// Contacts a change touched since their items were worked out.
    private var stale: Set<Int64> = []

    init(day: Day) { self.day = day }

    /// The contact's items, unless they must be worked out (again).
    func items(of contact: Int64) -> [Item]? {
        stale.contains(contact) ? nil : items[contact]
    }

    func keep(_ kept: [Item], of contact: Int64) {
        items[contact] = kept
        stale.remove(contact)
    }

    func markStale(_ contacts: Set<Int64>) { stale.formUnion(contacts) }

    /// The contacts whose items a change may change, or nil when it may change anyone's: it
    /// removes or merges a contact (others' degree, their events), corrects or removes an event
    /// (its people before the change are not in it), or changes what every rule reads (`me`,
    /// markets, goals, definitions).
    static func contacts(changedBy change: Change) -> Set<Int64>? {
        switch change {
        case .insertContact, .keepNumbers: return []
        case .updateContact(let c, _): return [c.id]
        case .insertStageChange(let s): return [s.contact]
        case .insertInteraction(let i): return Set(i.people)
        case .insertReferral(let r): return [r.contact]
        case .insertIntroduction(let i): return [i.a, i.b]
        case .insertSpend(let s): return [s.contact]
        case .insertKnows(let a, let b), .deleteKnows(let a, let b): return [a, b]
        case .deleteContact, .mergeContact, .updateInteraction, .updateReferral, .updateIntroduction, .updateSpend, .deleteEvent,
            .setMe, .setMarket, .deleteMarket, .setGoal, .deleteGoal, .setDefinition, .deleteDefinition:
            return nil
        }
    }
}

/// A contact's items in bytes, as a store keeps them between runs (`AgendaBook.keptItems`): the
/// contact's name and handle and whether it was snoozed (what the page needs of it, so that a
/// page of kept items reads no contact) and how many items, then for each item its rule, message, priority (the
/// decimal's text, and the double it sorts by) and `overdue`, each string after its length.
/// Read back with bounds checked: bytes that do not read as items (a file edited by hand) are
/// worked out again instead.
extension AgendaMemo {
    /// What a contact's bytes hold.
    struct Kept {
        var name: String
        var handle: String
        var snoozed: Bool
        var items: [Item]
    }

    /// `texts`: the text of each priority met so far (a decimal's text was most of the work).
    static func encode(_ items: [Item], name: String, handle: String, snoozed: Bool, texts: inout [UInt64: (value: Decimal, text: String)]) -> [UInt8]? {
        var out: [UInt8] = []
        func number(_ n: Int) {
            // Zigzag, then seven bits a byte.
            var u = UInt64(bitPattern: Int64(n) << 1 ^ Int64(n) >> 63)
            while u >= 0x80 {
                out.append(UInt8(u & 0x7F) | 0x80)
                u >>= 7
            }
            out.append(UInt8(u))
        }
        func text(_ s: String) {
            number(s.utf8.count)
            out += s.utf8
        }
        text(name)
        text(handle)
        out.append(snoozed ? 1 : 0)
        number(items.count)
        for item in items {
            guard case .row(let r) = item.row, r.values.count == 5, case .string(let rule) = r.values[1], case .string(let message) = r.values[2],
                case .number(let priority) = r.values[3]
            else { return nil }
            text(rule)
            text(message)
            // The decimal's text, read back exactly or not kept; and the double it sorts by,
            // bit for bit, so that kept items sort among items worked out as they did.
            // Looked up by the double (hashing a decimal cost more than its text), checked by value.
            let bits = item.priority.bitPattern
            if let known = texts[bits], known.value == priority {
                text(known.text)
            } else {
                let p = priority.description
                guard AgendaMemo.decimal(p) == priority else { return nil }
                texts[bits] = (priority, p)
                text(p)
            }
            withUnsafeBytes(of: item.priority.bitPattern.littleEndian) { out += $0 }
            switch r.values[4] {
            case .null: out.append(0)
            case .duration(let d):
                out.append(1)
                number(d.months)
                number(d.days)
            default: return nil
            }
        }
        return out
    }

    /// A contact's name as the agenda orders equal items by it: case and accents aside, as `sort by` does.
    static func sortName(_ name: String) -> String {
        String(decoding: FoldedText(name).bytes, as: UTF8.self)
    }

    static func decode(_ bytes: [UInt8], contact: Int64) -> Kept? {
        var at = 0
        func number() -> Int? {
            var u: UInt64 = 0
            var shift: UInt64 = 0
            while at < bytes.count, shift < 64 {
                let b = bytes[at]
                at += 1
                u |= UInt64(b & 0x7F) << shift
                if b < 0x80 { return Int(truncatingIfNeeded: Int64(bitPattern: u >> 1) ^ -Int64(bitPattern: u & 1)) }
                shift += 7
            }
            return nil
        }
        func text() -> String? {
            guard let n = number(), n >= 0, n <= bytes.count - at else { return nil }
            defer { at += n }
            return String(validating: bytes[at..<at + n], as: UTF8.self)
        }
        var items: [Item] = []
        let spec = Schema.agenda
        guard let name = text(), let handle = text(), at < bytes.count, bytes[at] <= 1 else { return nil }
        let snoozed = bytes[at] == 1
        at += 1
        guard let count = number(), count >= 0 else { return nil }
        let sortName = AgendaMemo.sortName(name)
        while at < bytes.count {
            guard let rule = text(), let message = text(), let p = text(), let priority = decimal(p), at + 8 < bytes.count else { return nil }
            var bits: UInt64 = 0
            for i in 0..<8 { bits |= UInt64(bytes[at + i]) << (8 * i) }
            at += 8
            let overdue: Value
            let days: Int
            at += 1
            switch bytes[at - 1] {
            case 0:
                overdue = .null
                days = 0
            case 1:
                guard let months = number(), let d = number(), abs(months) <= Duration.maxMonths, abs(d) <= Duration.maxDays else { return nil }
                overdue = .duration(Duration(months: months, days: d))
                days = d
            default: return nil
            }
            items.append(
                (Double(bitPattern: bits), days, sortName,
                 .row(Row(spec, [.contact(contact), .string(rule), .string(message), .number(priority), overdue]))))
        }
        // As many as were written: bytes cut after an item are not a contact with fewer.
        guard items.count == count else { return nil }
        return Kept(name: name, handle: handle, snoozed: snoozed, items: items)
    }

    /// A decimal's text (`-12.25`): up to 18 digits read here (Foundation's parser was a tenth
    /// of an agenda read from kept items), longer ones by Foundation.
    static func decimal(_ text: String) -> Decimal? {
        var digits: UInt64 = 0
        var count = 0
        var fraction: Int?
        var negative = false
        for (i, b) in text.utf8.enumerated() {
            switch b {
            case UInt8(ascii: "-") where i == 0: negative = true
            case UInt8(ascii: "."):
                guard fraction == nil, count > 0 else { return nil }
                fraction = 0
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                if count < 18 { digits = digits * 10 + UInt64(b - UInt8(ascii: "0")) }
                count += 1
                if fraction != nil { fraction! += 1 }
            default: return nil
            }
        }
        // No digits, a point without any after it, a negative zero (no decimal's text).
        guard count > 0, fraction != 0, !(negative && count <= 18 && digits == 0) else { return nil }
        if count > 18 { return Decimal(string: text) }
        return Decimal(sign: negative ? .minus : .plus, exponent: -(fraction ?? 0), significand: Decimal(digits))
    }
}

/// Whether the agenda's rules read nothing but each contact's own fields and events, constants,
/// `today` and the definitions (`AgendaMemo`). Conservative: anything it cannot show reads only
/// the rule's contact makes the answer false — a handle, `me`, a whole collection, a field of a
/// contact other than the rule's, a query not narrowed to the rule's contact by a condition of
/// its own (`contact == c`, `c in people`), a contact's value taken out of an event.
struct Locality {
    /// What a name or `it` stands for where it is read.
    enum Row: Equatable {
        case none
        case contact
        case event(String)
    }

    struct Scope {
        var row: Row
        /// Locals holding the rule's contact: its `as` name, fn parameters given it.
        var contacts: Set<String> = []
        /// Locals holding a value worked out from the rule's contact alone.
        var values: Set<String> = []
        /// `as` names of the event rows in view.
        var events: [String: String] = [:]
    }

    /// The event collections a query may read, narrowed to the rule's contact.
    static let eventCollections: Set<String> = ["interactions", "referrals", "introductions", "spending"]

    let definitions: Definitions
    let resolution: (Expr) -> Expr.Resolution
    /// Definitions being looked into: one that reads itself is refused (it is refused when run, too).
    private var visiting: Set<String> = []

    init(definitions: Definitions, resolution: @escaping (Expr) -> Expr.Resolution) {
        self.definitions = definitions
        self.resolution = resolution
    }

    /// Every rule's condition, message and priority (or the `priority` score), and the
    /// `default_cadence` that each item's `overdue` reads.
    mutating func rulesAreLocal() -> Bool {
        for rule in definitions.rules {
            let scope = Scope(row: .contact, contacts: Set([rule.row].compactMap { $0 }))
            guard local(rule.when, scope), local(rule.message, scope) else { return false }
            if let p = rule.priority {
                guard local(p, scope) else { return false }
            } else if definitions.scores["priority"] != nil, !contactField("priority") {
                return false
            }
        }
        return contactField("overdue")
    }

    mutating func local(_ e: Expr, _ s: Scope) -> Bool {
        switch e.kind {
        case .literal: return true
        case .interpolated, .list, .record, .unary, .binary, .ifThen:
            return e.children.allSatisfy { local($0, s) }
        case .name(let n): return name(e, n, s)
        case .handle, .me, .query: return false
        case .tag: return s.row == .contact
        case .it: return s.row == .contact
        case .member(let base, let field):
            if isContact(base, s) { return contactField(field) }
            if let collection = eventRow(base, s) { return eventField(field, of: collection) }
            return false
        case .call(let name, let args): return call(name, args, s)
        }
    }

    private mutating func name(_ e: Expr, _ n: String, _ s: Scope) -> Bool {
        switch resolution(e) {
        case .local(let l): return s.contacts.contains(l) || s.values.contains(l)
        case .field(let f):
            switch s.row {
            case .contact: return contactField(f)
            case .event(let collection): return eventField(f, of: collection)
            case .none: return false
            }
        case .global(let g):
            guard let l = definitions.lets[g] else { return false }
            return inside("let " + g) { $0.local(l.value, Scope(row: .none)) }
        case .row: return s.row == .contact
        case .stage, .constant: return true
        case .collection, .unresolved: return false
        }
    }

    /// The rule's contact itself: `it`, its `as` name, a parameter given it.
    private func isContact(_ e: Expr, _ s: Scope) -> Bool {
        switch e.kind {
        case .it: return s.row == .contact
        case .name:
            switch resolution(e) {
            case .row: return s.row == .contact
            case .local(let l): return s.contacts.contains(l)
            default: return false
            }
        default: return false
        }
    }

    /// The collection of the event row `e` is (`it`, the query's `as` name), if it is one.
    private func eventRow(_ e: Expr, _ s: Scope) -> String? {
        switch e.kind {
        case .it: if case .event(let c) = s.row { return c }
        case .name:
            switch resolution(e) {
            case .row: if case .event(let c) = s.row { return c }
            case .local(let l): return s.events[l]
            default: break
            }
        default: break
        }
        return nil
    }

    /// A field of the rule's contact: its own, or a score or cadence worked out from it alone.
    private mutating func contactField(_ f: String) -> Bool {
        if let score = definitions.scores[f] {
            return inside("score " + f) { $0.local(score.value, Scope(row: .contact, contacts: Set([score.row].compactMap { $0 }))) }
        }
        guard Interpreter.ContactKey.byName[f] != nil else { return false }
        guard Schema.cadenceFields.contains(f), let fn = definitions.fns["default_cadence"], fn.params.count == 1 else { return true }
        return inside("fn default_cadence") { $0.local(fn.body, Scope(row: .none, contacts: [fn.params[0]])) }
    }

    /// A field of an event row, unless its value is a contact (whose fields are not the rule's contact's).
    private func eventField(_ f: String, of collection: String) -> Bool {
        guard let type = Schema.collection(named: collection)?.field(f)?.type else { return false }
        return type != .contact && type != .list(.contact)
    }

    private mutating func call(_ name: String, _ args: [Expr], _ s: Scope) -> Bool {
        if let builtin = Builtin.byName[name] {
            if name == "served_by" { return false }
            if builtin.run == nil, let first = args.first, case .query(let q) = first.kind {
                guard let inner = narrowed(q, s) else { return false }
                return args.dropFirst().allSatisfy { local($0, inner) }
            }
            return !args.isEmpty || builtin.run != nil ? args.allSatisfy { local($0, s) } : false
        }
        guard let fn = definitions.fns[name], fn.params.count == args.count, args.allSatisfy({ local($0, s) }) else { return false }
        var body = Scope(row: .none)
        for (p, a) in zip(fn.params, args) {
            if isContact(a, s) { body.contacts.insert(p) } else { body.values.insert(p) }
        }
        return inside("fn " + name) { $0.local(fn.body, body) }
    }

    /// The scope inside `EVENTS where … contact == c …` (or `… c in people …`, any field whose
    /// value is a contact) when the rest of it is local: the events of the rule's contact only.
    private mutating func narrowed(_ q: Query, _ s: Scope) -> Scope? {
        guard case .expr(let source) = q.source, case .name = source.kind, case .collection(let collection) = resolution(source),
            Locality.eventCollections.contains(collection), let spec = Schema.collection(named: collection), let filter = q.filter,
            q.groupBy.isEmpty, q.show.isEmpty, q.sortBy.isEmpty
        else { return nil }
        var inner = s
        inner.row = .event(collection)
        if let named = q.named {
            // The query's own name hides a rule's or parameter's of the same name.
            inner.contacts.remove(named.name)
            inner.values.remove(named.name)
            inner.events[named.name] = collection
        }
        let parts = conjuncts(filter)
        guard let key = parts.firstIndex(where: { isKey($0, spec, outer: s) }) else { return nil }
        for (i, part) in parts.enumerated() where i != key {
            guard local(part, inner) else { return nil }
        }
        if let limit = q.limit, !local(limit, s) { return nil }
        return inner
    }

    /// `contact == c`, `c == other`, `c in people`: a field whose value is a contact (or a list
    /// of them) compared with the rule's contact.
    private func isKey(_ e: Expr, _ spec: CollectionSpec, outer: Scope) -> Bool {
        func field(_ x: Expr) -> ValueType? {
            guard case .name = x.kind, case .field(let f) = resolution(x) else { return nil }
            return spec.field(f)?.type
        }
        // Inside the query `it` and its own `as` name are the event row: the rule's contact is
        // only a local that holds it (`as c`, a fn's parameter).
        func ruleContact(_ x: Expr) -> Bool {
            guard case .name = x.kind, case .local(let l) = resolution(x) else { return false }
            return outer.contacts.contains(l)
        }
        guard case .binary(let op, let l, let r) = e.kind else { return false }
        switch op {
        case .equal: return (field(l) == .contact && ruleContact(r)) || (field(r) == .contact && ruleContact(l))
        case .isIn: return ruleContact(l) && field(r) == .list(.contact)
        default: return false
        }
    }

    private func conjuncts(_ e: Expr) -> [Expr] {
        if case .binary(.and, let l, let r) = e.kind { return conjuncts(l) + conjuncts(r) }
        return [e]
    }

    /// Looks into a definition once at a time: one met again inside itself is not shown local.
    private mutating func inside(_ definition: String, _ body: (inout Locality) -> Bool) -> Bool {
        guard visiting.insert(definition).inserted else { return false }
        defer { visiting.remove(definition) }
        return body(&self)
    }
}
