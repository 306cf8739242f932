import Foundation

/// A person in the network, with every stored field of the contact model.
public struct Contact: Sendable, Equatable {
    public var id: Int64 = 0
    public var name: String
    public var handle: String
    public var company: String?
    public var title: String?
    public var profession: String?
    /// E-mail addresses and phone numbers, the preferred one first.
    public var emails: [ContactPoint] = []
    public var phones: [ContactPoint] = []
    /// Postal addresses, the preferred one first.
    public var addresses: [PostalAddress] = []
    public var tags: [String] = []
    public var metAt: String?
    public var metOn: Day?
    public var relationship: String?
    public var isInternal: Bool = false
    public var stage: Stage = .contact
    public var cadence: Duration?
    public var nextStep: String?
    public var nextDue: Day?
    public var goals: [String] = []
    public var accomplishments: [String] = []
    public var interests: [String] = []
    public var networks: [String] = []
    public var skills: [String] = []
    public var serves: [String] = []
    public var expert: Bool = false
    public var passionate: Bool = false
    public var honorsReferrals: Bool = false
    public var notes: String?
    public var created: Day
    public var snoozedUntil: Day?
    /// Important dates; a date may have no year (`Day.isYearless`).
    public var birthday: Day?
    public var anniversary: Day?
    /// Further important dates, each with its label ("kids' birthday"), in the order given.
    public var dates: [NamedDate] = []
    /// The vCard UID that names the person in address books and vdir folders: kept from an
    /// imported card, else given once on the first `export vdir`.
    public var uid: String?

    public init(name: String, handle: String, created: Day) {
        self.name = name
        self.handle = handle
        self.created = created
    }

    /// Reads or writes a GAINS / tags / serves list by its field name.
    public subscript(list name: String) -> [String] {
        get {
            switch name {
            case "tags": return tags
            case "goals": return goals
            case "accomplishments": return accomplishments
            case "interests": return interests
            case "networks": return networks
            case "skills": return skills
            case "serves": return serves
            default: return []
            }
        }
        set {
            switch name {
            case "tags": tags = newValue
            case "goals": goals = newValue
            case "accomplishments": accomplishments = newValue
            case "interests": interests = newValue
            case "networks": networks = newValue
            case "skills": skills = newValue
            case "serves": serves = newValue
            default: break
            }
        }
    }
}

extension Contact {
    /// The preferred e-mail: the first of `emails`. Setting it makes that address the preferred
    /// one (moved first when the contact has it, else in place of the preferred one, keeping its
    /// type); nil removes the preferred one. A contact with one e-mail reads and sets it as before.
    public var email: String? {
        get { emails.first?.value }
        set { ContactPoint.prefer(newValue, in: &emails) }
    }

    /// The preferred phone, as `email` is the preferred e-mail.
    public var phone: String? {
        get { phones.first?.value }
        set { ContactPoint.prefer(newValue, in: &phones) }
    }

    /// The preferred address's city. Setting it changes that address's city (an address of
    /// only a city when the contact has none); nil leaves the rest of the address.
    public var city: String? {
        get { addresses.first?.city }
        set {
            if addresses.isEmpty {
                if let newValue { addresses = [PostalAddress(city: newValue)] }
                return
            }
            addresses[0].city = newValue
            if addresses[0].isEmpty { addresses.removeFirst() }
        }
    }

    /// The stored fields an update can name, as `Schema` and the database name them.
    public static let storedFields: [String] = [
        "handle", "name", "company", "title", "profession", "email", "phone", "city", "emails", "phones", "addresses", "tags", "met_at",
        "met_on", "relationship", "internal", "stage", "cadence", "next_step", "next_due", "goals", "accomplishments", "interests",
        "networks", "skills", "serves", "expert", "passionate", "honors_referrals", "notes", "created", "snoozed_until",
        "birthday", "anniversary", "dates", "uid",
    ]

    /// The list a preferred-value field is the head of: `email` is stored as `emails`.
    public static func storage(of field: String) -> String { storedAs[field] ?? field }
    private static let storedAs = ["email": "emails", "phone": "phones", "city": "addresses"]

    /// Copies one stored field from another contact.
    public mutating func take(_ field: String, from c: Contact) {
        switch field {
        case "handle": handle = c.handle
        case "name": name = c.name
        case "company": company = c.company
        case "title": title = c.title
        case "profession": profession = c.profession
        case "email", "emails": emails = c.emails
        case "phone", "phones": phones = c.phones
        case "city", "addresses": addresses = c.addresses
        case "met_at": metAt = c.metAt
        case "met_on": metOn = c.metOn
        case "relationship": relationship = c.relationship
        case "internal": isInternal = c.isInternal
        case "stage": stage = c.stage
        case "cadence": cadence = c.cadence
        case "next_step": nextStep = c.nextStep
        case "next_due": nextDue = c.nextDue
        case "expert": expert = c.expert
        case "passionate": passionate = c.passionate
        case "honors_referrals": honorsReferrals = c.honorsReferrals
        case "notes": notes = c.notes
        case "created": created = c.created
        case "snoozed_until": snoozedUntil = c.snoozedUntil
        case "birthday": birthday = c.birthday
        case "anniversary": anniversary = c.anniversary
        case "dates": dates = c.dates
        case "uid": uid = c.uid
        default: self[list: field] = c[list: field]
        }
    }
}

/// An important date with its label: `kids' birthday: 2019-05-02`.
public struct NamedDate: Sendable, Hashable, CustomStringConvertible {
    public var label: String
    public var date: Day

    public init(_ label: String, _ date: Day) {
        self.label = label
        self.date = date
    }

    public var description: String { "\(label): \(date)" }

    /// A label as one line: each run of line breaks and other control characters one space
    /// (an address book's label with a line break broke the card and the lines shown).
    public static func oneLine(_ label: String) -> String {
        var out = String.UnicodeScalarView()
        var gap = false
        for c in label.unicodeScalars {
            if c.properties.generalCategory == .control || c == "\u{2028}" || c == "\u{2029}" {
                gap = true
                continue
            }
            if gap && !out.isEmpty { out.append(" ") }
            gap = false
            out.append(c)
        }
        return String(out).trimmingCharacters(in: .whitespaces)
    }
}

/// An e-mail address or a phone number with its kind, as address books keep them.
/// A contact's UID as Tend keeps it: at most `maxBytes` of printable text (address books write a
/// UUID, 36 characters, or a URN; a vdir file is named by it, and file systems allow 255 bytes).
public enum ContactUID {
    public static let maxBytes = 200

    public static func isStorable(_ uid: String) -> Bool {
        uid.utf8.count <= maxBytes && !uid.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F }
    }

    /// A UID read from a card, made storable: kept when it is; else `tend-` and a hash of its
    /// bytes (FNV-1a), the same on every read, so that the card it came from is still found by it
    /// (a card whose UID had a control character was written anew on every export).
    public static func storable(_ raw: String) -> String {
        if isStorable(raw) { return raw }
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in raw.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        let hex = String(hash, radix: 16)
        return "tend-" + String(repeating: "0", count: 16 - hex.count) + hex
    }
}

public struct ContactPoint: Sendable, Hashable, CustomStringConvertible {
    public var value: String
    /// One of `types`, or nil when no one said.
    public var type: String?

    public init(_ value: String, type: String? = nil) {
        self.value = value
        self.type = type
    }

    /// The kinds an e-mail, phone or address may be.
    public static let types = ["work", "home", "mobile", "other"]

    /// As a card shows it: `ana@work.example (work)`.
    public var description: String { type.map { "\(value) (\($0))" } ?? value }

    /// Makes `value` the preferred one of the list (see `Contact.email`).
    static func prefer(_ value: String?, in list: inout [ContactPoint]) {
        guard let value else {
            if !list.isEmpty { list.removeFirst() }
            return
        }
        if let i = list.firstIndex(where: { $0.value == value }) {
            list.insert(list.remove(at: i), at: 0)
        } else if list.isEmpty {
            list = [ContactPoint(value)]
        } else {
            list[0].value = value
        }
    }
}

/// A postal address in the parts vCard's ADR has (the post-office box and extended address
/// folded into the street), and its kind.
public struct PostalAddress: Sendable, Hashable, CustomStringConvertible {
    public var street: String?
    public var city: String?
    public var region: String?
    public var postcode: String?
    public var country: String?
    public var type: String?

    public init(
        street: String? = nil, city: String? = nil, region: String? = nil, postcode: String? = nil, country: String? = nil, type: String? = nil
    ) {
        self.street = street
        self.city = city
        self.region = region
        self.postcode = postcode
        self.country = country
        self.type = type
    }

    /// The parts, in order: what a record of an address holds besides its `type`.
    public static let parts = ["street", "city", "region", "postcode", "country"]

    public subscript(part name: String) -> String? {
        get {
            switch name {
            case "street": return street
            case "city": return city
            case "region": return region
            case "postcode": return postcode
            case "country": return country
            default: return type
            }
        }
        set {
            let v = newValue.flatMap { $0.isEmpty ? nil : $0 }
            switch name {
            case "street": street = v
            case "city": city = v
            case "region": region = v
            case "postcode": postcode = v
            case "country": country = v
            default: type = v
            }
        }
    }

    public var isEmpty: Bool { PostalAddress.parts.allSatisfy { self[part: $0] == nil } }

    /// On one line, as the language and a card show it: `12 Main St, Irvine, CA, 92630, USA`.
    public var formatted: String { PostalAddress.parts.compactMap { self[part: $0] }.joined(separator: ", ") }

    public var description: String { type.map { "\(formatted) (\($0))" } ?? formatted }
}

/// An event, known by its id within its kind.
protocol IdentifiedEvent { var id: Int64 { get } }
extension StageChange: IdentifiedEvent {}
extension Interaction: IdentifiedEvent {}
extension Referral: IdentifiedEvent {}
extension Introduction: IdentifiedEvent {}
extension Spend: IdentifiedEvent {}

/// A dated change of a contact's stage; the history is kept.
public struct StageChange: Sendable, Equatable {
    public var id: Int64 = 0
    public var contact: Int64
    public var stage: Stage
    public var on: Day
    /// The member who logged it (a team's database); nil in one person's file.
    public var by: String?
    public init(contact: Int64, stage: Stage, on: Day) {
        self.contact = contact
        self.stage = stage
        self.on = on
    }
}

public struct Interaction: Sendable, Equatable {
    public var id: Int64 = 0
    public var kind: String
    public var on: Day
    public var people: [Int64]
    public var note: String?
    public var quality: Int?
    public var gave = false
    public var asked = false
    public var inbound = false
    public var pitch = false
    /// Where an imported touch came from (`ical:UID`, `mail:MESSAGE-ID`): one per kind, so that
    /// importing the same file again adds nothing. Nil for touches logged by hand.
    public var sourceID: String?
    /// The member who logged it (a team's database); nil in one person's file.
    public var by: String?
    /// Seen by its author alone (`log note … private`; in PostgreSQL, row-level security).
    public var isPrivate = false
    public init(kind: String, on: Day, people: [Int64]) {
        self.kind = kind
        self.on = on
        self.people = people
    }
}

public struct Referral: Sendable, Equatable {
    public enum Direction: String, Sendable { case given, received }
    public var id: Int64 = 0
    public var direction: Direction
    public var contact: Int64
    public var about: String?
    public var on: Day
    public var value: Decimal?
    public var status: String?
    public var note: String?
    /// The member who logged it (a team's database); nil in one person's file.
    public var by: String?
    public init(direction: Direction, contact: Int64, on: Day) {
        self.direction = direction
        self.contact = contact
        self.on = on
    }
}

public struct Introduction: Sendable, Equatable {
    public var id: Int64 = 0
    public var a: Int64
    public var b: Int64
    public var on: Day
    public var note: String?
    /// The member who logged it (a team's database); nil in one person's file.
    public var by: String?
    public init(a: Int64, b: Int64, on: Day) {
        self.a = a
        self.b = b
        self.on = on
    }
}

public struct Spend: Sendable, Equatable {
    public var id: Int64 = 0
    public var contact: Int64
    public var amount: Decimal
    public var on: Day
    public var note: String?
    /// The member who logged it (a team's database); nil in one person's file.
    public var by: String?
    public init(contact: Int64, amount: Decimal, on: Day) {
        self.contact = contact
        self.amount = amount
        self.on = on
    }
}

/// The user: not a contact, never matched by rules.
public struct Me: Sendable, Equatable {
    public var name: String?
    public var profession: String?
    public var company: String?
    /// One or more market names; `my preferred client` means all of them.
    public var preferredClient: [String] = []
    public var goals: [String] = []
    /// My own e-mail addresses: meetings and mail from them are mine, never a contact's.
    public var emails: [String] = []
    public init() {}
}

public struct Market: Sendable, Equatable {
    public var name: String
    public var servedBy: [String]
    public init(name: String, servedBy: [String]) {
        self.name = name
        self.servedBy = servedBy
    }
}

public struct Goal: Sendable, Equatable {
    public var id: Int64 = 0
    public var name: String
    public var due: Day?
    /// The metric's source text, evaluated per period.
    public var metric: String?
    public var target: Decimal?
    public var period: Day.Period?
    public var helpers: [Int64] = []
    public init(name: String) { self.name = name }
}

/// A named definition kept as its source text: `let`, `fn`, `rule` or `score`.
public struct Definition: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable { case `let`, fn, rule, score }
    public var kind: Kind
    public var name: String
    public var source: String
    public init(kind: Kind, name: String, source: String) {
        self.kind = kind
        self.name = name
        self.source = source
    }
}

/// The kinds of dated events, as `remove KIND N` names them.
public enum EventKind: String, Sendable, CaseIterable {
    case interaction, referral, introduction, spend, stage

    /// The kind a statement names: its word (`spend`), a plural of it (`interactions`), or its
    /// collection's name (`spending`, `stage_changes`).
    public init?(word: String) {
        guard let kind = EventKind(rawValue: word) ?? EventKind(rawValue: String(word.dropLast()))
            ?? EventKind.allCases.first(where: { $0.collection == word })
        else { return nil }
        self = kind
    }

    /// The collection (and table) of this kind's rows.
    public var collection: String {
        switch self {
        case .interaction: return "interactions"
        case .referral: return "referrals"
        case .introduction: return "introductions"
        case .spend: return "spending"
        case .stage: return "stage_changes"
        }
    }
}

/// One change to the data. Models apply changes; the interpreter decides what they mean.
public enum Change: Sendable {
    case insertContact(Contact)
    /// Sets the named stored fields (`Schema` names: `company`, `tags`, `cadence`, …) of the
    /// contact with this id to the values they have here, and no others, so that a change made
    /// meanwhile to another field (by another process) stands. Nil sets every field.
    case updateContact(Contact, fields: Set<String>? = nil)
    case deleteContact(Int64)
    /// Moves every event, edge and helper mark of `from` to `into`, then deletes `from`.
    case mergeContact(from: Int64, into: Int64)
    /// Records a stage change; the contact's stage becomes its latest change by date (ties: the
    /// later id), so a backdated change does not override a later one.
    case insertStageChange(StageChange)
    /// Correct a logged event, by its id: the store writes only the named fields (`kind`, `on`,
    /// `note`, `quality`, `gave`, … `about`, `value`, `status`, `amount`).
    case updateInteraction(Interaction, fields: Set<String>)
    case updateReferral(Referral, fields: Set<String>)
    case updateIntroduction(Introduction, fields: Set<String>)
    case updateSpend(Spend, fields: Set<String>)
    case insertInteraction(Interaction)
    case insertReferral(Referral)
    case insertIntroduction(Introduction)
    case insertSpend(Spend)
    /// Removes an event; removing a stage change leaves the contact at its latest remaining
    /// change (contact when none remains).
    case deleteEvent(EventKind, Int64)
    case insertKnows(Int64, Int64)
    case deleteKnows(Int64, Int64)
    case setMe(Me)
    case setMarket(Market)
    case deleteMarket(String)
    case setGoal(Goal)
    case deleteGoal(String)
    case setDefinition(Definition)
    case deleteDefinition(Definition.Kind, String)
    /// Numbers up to `upTo` of a numbered collection (`Change.numbered`) count as given: the
    /// next row is numbered past them, and past any it already has. A mark is never lowered;
    /// a model returns the mark it then has.
    case keepNumbers(collection: String, upTo: Int64)
}

extension Change {
    /// The collections whose rows are numbered for the user (`remove interaction 12`,
    /// `contacts show id`), each numbered on its own and never giving a number twice.
    public static let numbered = ["contacts"] + EventKind.allCases.map(\.collection)

    /// The number a new event's statement gave it (`id:`, which a dump writes after a gap),
    /// with its kind; nil when the model numbers the row (the next after the largest).
    public var requestedID: (kind: EventKind, id: Int64)? {
        let requested: (EventKind, Int64)
        switch self {
        case .insertStageChange(let e): requested = (.stage, e.id)
        case .insertInteraction(let e): requested = (.interaction, e.id)
        case .insertReferral(let e): requested = (.referral, e.id)
        case .insertIntroduction(let e): requested = (.introduction, e.id)
        case .insertSpend(let e): requested = (.spend, e.id)
        default: return nil
        }
        return requested.1 == 0 ? nil : requested
    }
}

/// The whole contact model in memory: what the interpreter evaluates against.
public struct Network: Sendable {
    public var contacts: [Contact] = []
    public var stageChanges: [StageChange] = []
    public var interactions: [Interaction] = []
    public var referrals: [Referral] = []
    public var introductions: [Introduction] = []
    public var spending: [Spend] = []
    /// Undirected who-knows-whom edges, each kept once with the smaller id first.
    public var knows: [(Int64, Int64)] = []
    public var me = Me()
    public var markets: [Market] = []
    public var goals: [Goal] = []
    public var definitions: [Definition] = []

    /// Row index of each contact id in `contacts`.
    public private(set) var contactIndex: [Int64: Int] = [:]
    /// The edges of `knows` as a set, so that adding one is not a search of them all; made again
    /// when `knows` was changed around it (its count then differs).
    private var knowsSet: Set<Pair> = []
    var nextID: [String: Int64] = [:]

    public init() {}

    public mutating func reindex() {
        contactIndex.removeAll(keepingCapacity: true)
        for (i, c) in contacts.enumerated() { contactIndex[c.id] = i }
    }

    public func contact(_ id: Int64) -> Contact? { contactIndex[id].map { contacts[$0] } }
    public func contact(handle: String) -> Contact? { contacts.first { $0.handle == handle } }

    /// Whether there is an event of this kind with this number (`remove interaction N`).
    public func contains(_ kind: EventKind, id: Int64) -> Bool {
        switch kind {
        case .interaction: return interactions.contains { $0.id == id }
        case .referral: return referrals.contains { $0.id == id }
        case .introduction: return introductions.contains { $0.id == id }
        case .spend: return spending.contains { $0.id == id }
        case .stage: return stageChanges.contains { $0.id == id }
        }
    }

    private mutating func newID(_ table: String, _ existing: Int64) -> Int64 {
        if existing != 0 {
            nextID[table] = max(nextID[table] ?? 1, existing + 1)
            return existing
        }
        let id = nextID[table] ?? 1
        nextID[table] = id + 1
        return id
    }

    /// A new event with its member: `by` when the change names none (a dump's `by:` names one).
    public static func signed(_ change: Change, by member: String?) -> Change {
        guard let member else { return change }
        switch change {
        case .insertStageChange(var e) where e.by == nil:
            e.by = member
            return .insertStageChange(e)
        case .insertInteraction(var e) where e.by == nil:
            e.by = member
            return .insertInteraction(e)
        case .insertReferral(var e) where e.by == nil:
            e.by = member
            return .insertReferral(e)
        case .insertIntroduction(var e) where e.by == nil:
            e.by = member
            return .insertIntroduction(e)
        case .insertSpend(var e) where e.by == nil:
            e.by = member
            return .insertSpend(e)
        default: return change
        }
    }

    /// Where the event with `id` is. Events are kept in the order they were read or logged,
    /// which is id order but for an event logged with a lower `id:`: a binary search, checked,
    /// else a scan.
    static func position<E: IdentifiedEvent>(of id: Int64, in events: [E]) -> Int? {
        var (low, high) = (0, events.count)
        while low < high {
            let mid = (low + high) / 2
            if events[mid].id < id { low = mid + 1 } else { high = mid }
        }
        if low < events.count && events[low].id == id { return low }
        return events.indices.first { events[$0].id == id }
    }

    /// The market a name names, whatever its case and blanks (`normalize`).
    public func market(named name: String) -> Market? { markets.first { normalize($0.name) == normalize(name) } }

    /// Applies a change; returns the id of an inserted row. A model that assigns ids itself
    /// (the SQLite store) passes them in the inserted value, and they are kept.
    @discardableResult
    public mutating func apply(_ change: Change) -> Int64? {
        switch change {
        case .insertContact(var c):
            c.id = newID("contacts", c.id)
            contacts.append(c)
            contactIndex[c.id] = contacts.count - 1
            return c.id
        case .updateContact(let c, let fields):
            updateContact(c, fields)
        case .deleteContact(let id):
            removeContact(id)
        case .mergeContact(let from, let into):
            mergeContact(from, into: into)
        case .insertStageChange(var s):
            s.id = newID("stage_changes", s.id)
            stageChanges.append(s)
            settleStage(of: s.contact, otherwise: nil)
            return s.id
        case .updateInteraction(let e, _):
            if let i = Self.position(of: e.id, in: interactions) { interactions[i] = e }
        case .updateReferral(let e, _):
            if let i = Self.position(of: e.id, in: referrals) { referrals[i] = e }
        case .updateIntroduction(let e, _):
            if let i = Self.position(of: e.id, in: introductions) { introductions[i] = e }
        case .updateSpend(let e, _):
            if let i = Self.position(of: e.id, in: spending) { spending[i] = e }
        case .insertInteraction(var e):
            e.id = newID("interactions", e.id)
            interactions.append(e)
            return e.id
        case .insertReferral(var e):
            e.id = newID("referrals", e.id)
            referrals.append(e)
            return e.id
        case .insertIntroduction(var e):
            e.id = newID("introductions", e.id)
            introductions.append(e)
            addKnows(e.a, e.b)
            return e.id
        case .insertSpend(var e):
            e.id = newID("spending", e.id)
            spending.append(e)
            return e.id
        case .deleteEvent(let kind, let id):
            deleteEvent(kind, id)
        case .insertKnows(let a, let b):
            addKnows(a, b)
        case .deleteKnows(let a, let b):
            let p = Pair(a, b)
            knows.removeAll { Pair($0.0, $0.1) == p }
            knowsSet.remove(p)
        case .setMe(let m):
            me = m
        case .setMarket(let m):
            if let i = markets.firstIndex(where: { $0.name == m.name }) { markets[i] = m } else { markets.append(m) }
        case .deleteMarket(let name):
            markets.removeAll { $0.name == name }
        case .setGoal(let g):
            return setGoal(g)
        case .deleteGoal(let name):
            goals.removeAll { $0.name == name }
        case .setDefinition(let d):
            if let i = definitions.firstIndex(where: { $0.kind == d.kind && $0.name == d.name }) {
                definitions[i] = d
            } else {
                definitions.append(d)
            }
        case .deleteDefinition(let kind, let name):
            definitions.removeAll { $0.kind == kind && $0.name == name }
        case .keepNumbers(let collection, let upTo):
            nextID[collection] = max(nextID[collection] ?? 1, upTo + 1)
            return nextID[collection]! - 1
        }
        return nil
    }

    /// The named fields of a contact (every field with nil).
    private mutating func updateContact(_ c: Contact, _ fields: Set<String>?) {
        guard let i = contactIndex[c.id] else { return }
        if let fields {
            for f in fields { contacts[i].take(f, from: c) }
            // The stage's history counts from the day the contact was added (`latestStage`).
            if fields.contains("created") { settleStage(of: c.id, otherwise: nil) }
        } else {
            contacts[i] = c
        }
    }

    /// Moves every event, edge and goal help of `from` to `into`, then removes `from`.
    private mutating func mergeContact(_ from: Int64, into: Int64) {
        for i in interactions.indices {
            var seen = Set<Int64>()
            interactions[i].people = interactions[i].people.map { $0 == from ? into : $0 }.filter { seen.insert($0).inserted }
        }
        for i in referrals.indices where referrals[i].contact == from { referrals[i].contact = into }
        for i in spending.indices where spending[i].contact == from { spending[i].contact = into }
        for i in stageChanges.indices where stageChanges[i].contact == from { stageChanges[i].contact = into }
        for i in introductions.indices {
            if introductions[i].a == from { introductions[i].a = into }
            if introductions[i].b == from { introductions[i].b = into }
        }
        introductions.removeAll { $0.a == $0.b }
        var edges = Set<Pair>()
        for (a, b) in knows {
            let x = a == from ? into : a
            let y = b == from ? into : b
            if x != y { edges.insert(Pair(x, y)) }
        }
        knows = edges.sorted { ($0.a, $0.b) < ($1.a, $1.b) }.map { ($0.a, $0.b) }
        knowsSet = []
        for i in goals.indices {
            var seen = Set<Int64>()
            goals[i].helpers = goals[i].helpers.map { $0 == from ? into : $0 }.filter { seen.insert($0).inserted }
        }
        removeContact(from)
        settleStage(of: into, otherwise: nil)
    }

    /// Removes an event; a removed stage change settles the contact's stage from what is left.
    private mutating func deleteEvent(_ kind: EventKind, _ id: Int64) {
        switch kind {
        case .interaction: interactions.removeAll { $0.id == id }
        case .referral: referrals.removeAll { $0.id == id }
        case .introduction: introductions.removeAll { $0.id == id }
        case .spend: spending.removeAll { $0.id == id }
        case .stage:
            guard let s = stageChanges.first(where: { $0.id == id }) else { break }
            stageChanges.removeAll { $0.id == id }
            settleStage(of: s.contact, otherwise: .contact)
        }
    }

    /// A goal, replacing the one of its name (keeping its id); returns its id.
    private mutating func setGoal(_ goal: Goal) -> Int64 {
        var g = goal
        if let i = goals.firstIndex(where: { $0.name == g.name }) {
            g.id = goals[i].id
            goals[i] = g
            return g.id
        }
        g.id = newID("goals", g.id)
        goals.append(g)
        return g.id
    }

    /// Adds an edge unless it is there (or joins a contact to itself).
    private mutating func addKnows(_ a: Int64, _ b: Int64) {
        let p = Pair(a, b)
        guard p.a != p.b else { return }
        if knowsSet.count != knows.count { knowsSet = Set(knows.map { Pair($0.0, $0.1) }) }
        if knowsSet.insert(p).inserted { knows.append((p.a, p.b)) }
    }

    /// The stage a contact's history gives: its latest change by date, ties to the later id. A
    /// change dated before the contact was added counts as made the day it was added: the stage
    /// given to `add` is then where the contact started, and `set @x stage: s on DATE` written
    /// after it, of an earlier date, is the newer news (a backdated change does not override a
    /// later one otherwise).
    public func latestStage(of id: Int64) -> Stage? {
        let created = contactIndex[id].map { contacts[$0].created }
        func counted(_ on: Day) -> Day { created.map { max(on, $0) } ?? on }
        return stageChanges.filter { $0.contact == id }.max { (counted($0.on), $0.id) < (counted($1.on), $1.id) }?.stage
    }

    /// Sets a contact's stage from its history; with no history, to `otherwise` (nil: unchanged).
    private mutating func settleStage(of id: Int64, otherwise: Stage?) {
        guard let i = contactIndex[id], let stage = latestStage(of: id) ?? otherwise else { return }
        contacts[i].stage = stage
    }

    private mutating func removeContact(_ id: Int64) {
        guard contactIndex[id] != nil else { return }
        contacts.removeAll { $0.id == id }
        reindex()
        stageChanges.removeAll { $0.contact == id }
        for i in interactions.indices { interactions[i].people.removeAll { $0 == id } }
        interactions.removeAll { $0.people.isEmpty }
        referrals.removeAll { $0.contact == id }
        introductions.removeAll { $0.a == id || $0.b == id }
        spending.removeAll { $0.contact == id }
        knows.removeAll { $0.0 == id || $0.1 == id }
        knowsSet = []
        for i in goals.indices { goals[i].helpers.removeAll { $0 == id } }
    }
}

/// An undirected edge with its ends in order.
struct Pair: Hashable {
    let a: Int64
    let b: Int64
    init(_ x: Int64, _ y: Int64) {
        a = min(x, y)
        b = max(x, y)
    }
}
